import { describe, expect, it } from 'vitest';
import { WalletError } from '../backend/backend';
import { CORE, FixtureMissing, PROVIDER, type Answer } from '../backend/fixtures';
import { FOREIGN_QR, InMemoryBackend, SANDBOX_CARDS } from '../backend/memory';
import { ID, PHONE, signedInBackend } from './render';

/**
 * The in-memory backend answers exactly what Rust generated (ui/src/backend/fixtures/*.gen.json,
 * checked against the core and the provider by their own tests), and nothing else: an input no
 * fixture holds is a setup mistake, never an answer a TypeScript rule made up.
 */

async function outcome<T>(call: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: await call() };
  } catch (e) {
    if (e instanceof WalletError) return { error: e.code };
    throw e;
  }
}

describe('the in-memory backend answers what the core answers', () => {
  const backend = new InMemoryBackend();

  it('card inspection, for every number in the fixtures', async () => {
    const keys = Object.keys(CORE.cards);
    expect(keys.length).toBeGreaterThan(100);
    for (const number of keys) expect(await backend.inspectCard(number), number).toEqual(CORE.cards[number]);
  });

  it('amounts, accepted and refused', async () => {
    for (const [input, expected] of Object.entries(CORE.amounts)) {
      expect(await outcome(() => backend.parseAmount(input)), input).toEqual(expected);
    }
    expect(Object.values(CORE.amounts).some((a) => 'error' in a)).toBe(true);
  });

  it('QR codes: ours, damaged, other networks, links and the public vectors', async () => {
    for (const [payload, expected] of Object.entries(CORE.qr)) {
      expect(await outcome(() => backend.decodeQr(payload)), payload).toEqual(expected);
    }
    for (const payload of Object.values(FOREIGN_QR)) expect(CORE.qr[payload], payload).toBeDefined();
  });

  it('our merchants’ codes are the core’s, and decode to the merchant and order they name', async () => {
    const b = new InMemoryBackend();
    for (const m of CORE.merchants) {
      const seeded = b.seedMerchant({ name: m.name, city: m.city, mcc: m.mcc });
      expect(seeded).toEqual({ merchantId: m.merchant_id, payload: m.payload });
      expect((await b.decodeQr(m.payload)).wallet).toEqual({ merchant_id: m.merchant_id, order_id: null });
    }
    for (const o of CORE.orders) {
      const merchant = CORE.merchants.find((m) => m.merchant_id === o.merchant_id);
      const printedName = o.printed_name === merchant?.name ? undefined : o.printed_name;
      expect(b.seedOrder(o.merchant_id, o.amount_minor, { printedName })).toEqual({ orderId: o.order_id, payload: o.payload });
      const decoded = await b.decodeQr(o.payload);
      expect(decoded.wallet).toEqual({ merchant_id: o.merchant_id, order_id: o.order_id });
      expect(decoded.merchant_name).toBe(o.printed_name);
    }
  });

  it('new payment PINs: the server’s verdict for the test account, the full common list included', async () => {
    const checks = CORE.pin_checks.filter((c) => c.phone === PHONE && c.id_number === ID);
    expect(checks.length).toBeGreaterThanOrEqual(CORE.common_pins.length);
    expect(CORE.common_pins).toHaveLength(100);
    const b = signedInBackend();
    for (const c of checks) {
      const got = await outcome(() => b.checkNewPin(c.pin));
      expect(got, c.pin).toEqual(c.error === null ? { ok: undefined } : { error: c.error });
    }
  });
});

describe('the in-memory backend answers what the provider answers', () => {
  it('the sandbox cards the tests use are the sandbox bank’s, and bind as it says', async () => {
    for (const number of Object.values(SANDBOX_CARDS)) {
      const card = PROVIDER.sandbox_cards.find((c) => c.number === number);
      expect(card, number).toBeDefined();
      const b = signedInBackend();
      const bound = await outcome(() => b.bindCard(number, PHONE));
      if (card?.outcome === 'card_lost') expect(bound).toEqual({ error: 'CARD_REPORTED_LOST' });
      else if (card?.outcome === 'holder_mismatch') expect(bound).toEqual({ error: 'CARD_HOLDER_MISMATCH' });
      else expect(bound).toMatchObject({ ok: { bank: card?.bank, scheme: card?.scheme, card_type: card?.card_type } });
    }
  });

  it('limits, no-PIN ceilings and SMS caps are the provider’s defaults', async () => {
    const b = signedInBackend();
    const l = PROVIDER.limits;
    const { limits } = await b.balance();
    expect(limits.topup_per_payment.minor).toBe(l.topup_per_payment);
    expect(limits.topup_daily_remaining.minor).toBe(l.topup_daily);
    expect(limits.withdraw_per_payment.minor).toBe(l.withdraw_per_payment);
    expect(limits.withdraw_daily_remaining.minor).toBe(l.withdraw_daily);
    const paycode = await b.paycodeSettings();
    expect([paycode.max_per_payment.minor, paycode.max_daily.minor]).toEqual([l.no_pin_per_payment_max, l.no_pin_daily_max]);
    const settings = await b.settings();
    expect([settings.sms_pay_per_payment.minor, settings.sms_pay_daily.minor]).toEqual([l.sms_pay_per_payment, l.sms_pay_daily]);
    expect((await b.accountStatus()).cooling_off_limit.minor).toBe(l.cooling_off_limit);
  });

  it('the withdrawal fee is the provider’s', async () => {
    const PIN = '860527';
    const b = signedInBackend().seedPin(PIN).seedCard(SANDBOX_CARDS.approve).seedBalance(1_000_000);
    for (const [amount, input] of [
      [10_000, '100'],
      [5_050, '50.5'],
    ] as const) {
      const op = await b.withdraw({ amount: input, card_id: null, pin: PIN, idempotency_key: null });
      expect(op.amount.minor).toBe(amount);
      expect(op.fee.minor).toBe(PROVIDER.withdraw_fees.find(([a]) => a === amount)?.[1]);
    }
  });
});

describe('the in-memory backend holds no rule of its own', () => {
  // A TypeScript rule put back (Luhn, an amount parser, an EMVCo decoder, a PIN list) would
  // answer these instead of saying the fixtures lack them.
  it.each([
    ['inspectCard', (b: InMemoryBackend) => b.inspectCard('6225880000000000')],
    ['parseAmount', (b: InMemoryBackend) => b.parseAmount('7.77')],
    ['decodeQr', (b: InMemoryBackend) => b.decodeQr('upi://pay?pa=nobody@bank')],
    ['checkNewPin', (b: InMemoryBackend) => b.checkNewPin('372915')],
    ['lookupRecipient', (b: InMemoryBackend) => b.lookupRecipient('13512345678')],
    ['unfreeze', (b: InMemoryBackend) => b.seedPin('860527').seedFrozen().unfreeze('110105194912310038', '860527')],
  ])('%s of an input no fixture holds is FIXTURE_MISSING', async (_, call) => {
    const b = signedInBackend();
    await expect(call(b)).rejects.toBeInstanceOf(FixtureMissing);
    await expect(call(b)).rejects.toThrow(/FIXTURE_MISSING.*scripts\/gen-ts\.sh/);
  });

  it('a merchant or dynamic code the fixtures lack is a setup mistake at once', () => {
    const b = new InMemoryBackend();
    expect(() => b.seedMerchant({ name: 'Nowhere Noodles' })).toThrow(FixtureMissing);
    const { merchantId } = b.seedMerchant({ name: 'Tea House', city: 'Hangzhou', mcc: '5814' });
    expect(() => b.seedOrder(merchantId, 1)).toThrow(FixtureMissing);
    // Orders that are not scanned carry no code, so any amount is fine.
    expect(b.seedOrder(merchantId, 1, { channel: 'remote_order' }).payload).toBe('');
  });
});
