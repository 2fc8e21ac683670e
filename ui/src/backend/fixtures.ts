/**
 * The rules of the in-memory backend, as answers Rust computed: `fixtures/core.gen.json` from
 * wallet-core (`core/wallet-core/src/ui_fixtures.rs`: card inspections, amounts, QR decodes and
 * our merchants' codes, PIN verdicts, phone and ID numbers, names and notes, masks, categories,
 * budget and payment-code constants) and
 * `fixtures/provider.gen.json` from wallet-server (`server/tests/suite/ui_fixture.rs`: limits,
 * the withdrawal fee, the sandbox bank's test cards). `scripts/gen-ts.sh` writes both; the Rust
 * tests fail when a checked-in file is stale.
 *
 * The fake looks answers up and computes none: an input these files do not hold is a test-setup
 * mistake ({@link FixtureMissing}), never a guess (docs/decisions.md §The UI's in-memory backend).
 */
import type { Bank, CardInspection, CardScheme, CardType, Category, DecodedQr, ErrorCode, Money } from './types';
import { WalletError } from './backend';
import coreText from './fixtures/core.gen.json?raw';
import providerText from './fixtures/provider.gen.json?raw';

/** The core's answer: a value, or the error code it refuses the input with. */
export type Answer<T> = { ok: T } | { error: ErrorCode };

export type SandboxOutcome = 'approve' | 'decline' | 'insufficient_funds' | 'timeout' | 'card_lost' | 'holder_mismatch';

export type SandboxCard = { number: string; bank: Bank; scheme: CardScheme; card_type: CardType; outcome: SandboxOutcome };

export type FixtureMerchant = { merchant_id: string; name: string; city: string; mcc: string; payload: string };

export type FixtureOrder = { order_id: string; merchant_id: string; amount_minor: number; printed_name: string; payload: string };

/** A phone number as the core parses it (`PhoneNumber`). */
export type Phone = { e164: string; national: string; masked: string };

export type CoreFixtures = {
  paycode: { step_secs: number; code_len: number; prefix: string };
  budget_thresholds: number[];
  /** `[first, last, category]` over every 4-digit MCC. */
  categories: Array<[string, string, Category]>;
  foreign_qr: Record<'pix' | 'promptpay' | 'upi' | 'alipay' | 'wechat' | 'url' | 'text', string>;
  merchants: FixtureMerchant[];
  orders: FixtureOrder[];
  masked_names: Record<string, string>;
  names: Record<string, Answer<string>>;
  notes: Record<string, Answer<null>>;
  phones: Record<string, Answer<Phone>>;
  id_numbers: Record<string, Answer<string>>;
  amounts: Record<string, Answer<Money>>;
  pin_checks: Array<{ phone: string; id_number: string; pin: string; error: ErrorCode | null }>;
  common_pins: string[];
  cards: Record<string, CardInspection>;
  qr: Record<string, Answer<DecodedQr>>;
};

export type ProviderFixtures = {
  limits: {
    topup_per_payment: number;
    topup_daily: number;
    withdraw_per_payment: number;
    withdraw_daily: number;
    payment_per_payment: number;
    payment_daily: number;
    transfer_per_payment: number;
    transfer_daily: number;
    no_pin_per_payment_max: number;
    no_pin_daily_max: number;
    cooling_off_secs: number;
    cooling_off_limit: number;
    pin_failures_max: number;
    pin_lock_secs: number;
    otp_ttl_secs: number;
    order_default_ttl_secs: number;
    sms_pay_per_payment: number;
    sms_pay_daily: number;
    carrier_monthly_cap: number;
  };
  /** `[amount, fee]` in fen. */
  withdraw_fees: Array<[number, number]>;
  sandbox_cards: SandboxCard[];
};

export const CORE: CoreFixtures = JSON.parse(coreText);
export const PROVIDER: ProviderFixtures = JSON.parse(providerText);

/** A test asked the fake about an input no fixture holds: add it to the Rust list named and run `scripts/gen-ts.sh`. */
export class FixtureMissing extends Error {
  constructor(what: string, input: unknown, where: string) {
    super(`FIXTURE_MISSING: no answer for ${what}(${JSON.stringify(input)}); add it in ${where} and run scripts/gen-ts.sh`);
    this.name = 'FixtureMissing';
  }
}

const CORE_RS = 'core/wallet-core/src/ui_fixtures.rs';
const PROVIDER_RS = 'server/tests/suite/ui_fixture.rs';

function unwrap<T>(answer: Answer<T>): T {
  if ('error' in answer) throw new WalletError(answer.error);
  return answer.ok;
}

function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

function lookup<T>(table: Record<string, T>, key: string, what: string, where = CORE_RS): T {
  const hit = own(table, key);
  if (hit === undefined) throw new FixtureMissing(what, key, where);
  return hit;
}

/** `Wallet::inspect_card`. */
export function inspectCard(number: string): CardInspection {
  return lookup(CORE.cards, number, 'inspect_card');
}

/** `Wallet::parse_amount`, in minor units (or its `AMOUNT_INVALID`). */
export function parseAmount(input: string): number {
  return unwrap(lookup(CORE.amounts, input, 'parse_amount')).minor;
}

/** `Wallet::decode_qr` (or its `QR_*` error). */
export function decodeQr(payload: string): DecodedQr {
  return unwrap(lookup(CORE.qr, payload, 'decode_qr'));
}

/** The server's verdict on a new PIN for an account: `null` when it is accepted. */
export function pinVerdict(phone: string, idNumber: string, pin: string): ErrorCode | null {
  const hit = CORE.pin_checks.find((c) => c.phone === phone && c.id_number === idNumber && c.pin === pin);
  if (!hit) throw new FixtureMissing('check_pin', { phone, idNumber, pin }, CORE_RS);
  return hit.error;
}

/** `identity::mask_name`. */
export function maskName(name: string): string {
  return lookup(CORE.masked_names, name, 'mask_name');
}

/** `PhoneNumber::parse` (or `PHONE_INVALID`). */
export function parsePhone(phone: string): Phone {
  return unwrap(lookup(CORE.phones, phone, 'PhoneNumber::parse'));
}

/** `PhoneNumber::parse(..).masked()` (or `PHONE_INVALID`). */
export function maskPhone(phone: string): string {
  return parsePhone(phone).masked;
}

/** `RealName::parse`: the name trimmed (or `NAME_INVALID`, `TEXT_HIDDEN_CHARACTER`). */
export function parseRealName(name: string): string {
  return unwrap(lookup(CORE.names, name, 'RealName::parse'));
}

/** `text::check_visible` on a note (or `TEXT_HIDDEN_CHARACTER`). */
export function checkNote(note: string): void {
  unwrap(lookup(CORE.notes, note, 'check_visible'));
}

/** `ResidentId::parse` (or `ID_NUMBER_INVALID`). */
export function parseResidentId(id: string): string {
  return unwrap(lookup(CORE.id_numbers, id, 'ResidentId::parse'));
}

/** `Category::from_mcc`. */
export function categoryOf(mcc: string): Category {
  const run = mcc.length === 4 ? CORE.categories.find(([first, last]) => first <= mcc && mcc <= last) : undefined;
  if (!run) throw new FixtureMissing('Category::from_mcc', mcc, CORE_RS);
  return run[2];
}

/** The provider's withdrawal fee for `amount` fen. */
export function withdrawFee(amount: number): number {
  const hit = PROVIDER.withdraw_fees.find(([a]) => a === amount);
  if (!hit) throw new FixtureMissing('withdraw_fee', amount, PROVIDER_RS);
  return hit[1];
}

/** Our static merchant code for a merchant the fixtures hold. */
export function fixtureMerchant(name: string, city: string, mcc: string): FixtureMerchant {
  const hit = CORE.merchants.find((m) => m.name === name && m.city === city && m.mcc === mcc);
  if (!hit) throw new FixtureMissing('wallet_static_payload', { name, city, mcc }, CORE_RS);
  return hit;
}

/** Our dynamic code for an order the fixtures hold. */
export function fixtureOrder(merchantId: string, amountMinor: number, printedName: string): FixtureOrder {
  const hit = CORE.orders.find((o) => o.merchant_id === merchantId && o.amount_minor === amountMinor && o.printed_name === printedName);
  if (!hit) throw new FixtureMissing('wallet_dynamic_payload', { merchantId, amountMinor, printedName }, CORE_RS);
  return hit;
}

/** A sandbox test card of the provider's bank. */
export function sandboxCard(bank: Bank, cardType: CardType, outcome: SandboxOutcome): string {
  const hit = PROVIDER.sandbox_cards.find((c) => c.bank === bank && c.card_type === cardType && c.outcome === outcome);
  if (!hit) throw new FixtureMissing('sandbox_bank::test_cards', { bank, cardType, outcome }, PROVIDER_RS);
  return hit.number;
}
