import { WalletError, type Backend } from './backend';
import type {
  AccountSettings,
  AccountStatus,
  Balance,
  Card,
  CardInspection,
  DecodedQr,
  Device,
  DeviceEvent,
  DeviceEventKind,
  ErrorCode,
  Money,
  MoneyLimits,
  FundingSources,
  Operation,
  Order,
  PasswordStrength,
  PaycodeSettings,
  PaycodeSettingsInput,
  PaycodeView,
  PaymentChannel,
  PayQrInput,
  PendingCardBinding,
  PendingVerification,
  PhoneChangeFinish,
  PhoneChangeInput,
  PhoneChangeStarted,
  PinState,
  Profile,
  QrPayment,
  ReportLostInput,
  SecurityEvent,
  SecurityEventKind,
  SecurityLog,
  SessionStatus,
  SignupInput,
  TopUpInput,
  WithdrawInput,
  Budget,
  BudgetAlert,
  Category,
  HistoryEntry,
  HistoryPage,
  HistoryQuery,
  HistorySync,
  MonthlySummary,
  Recipient,
  TransferInput,
} from './types';
import type { About, LockState, ShellSettings } from './shell';
import {
  CORE,
  PROVIDER,
  categoryOf,
  checkNote,
  decodeQr,
  fixtureMerchant,
  fixtureOrder,
  inspectCard as inspect,
  maskName,
  maskPhone,
  parseAmount,
  parsePhone,
  parseRealName,
  parseResidentId,
  pinVerdict,
  sandboxCard,
  withdrawFee,
  type SandboxOutcome,
} from './fixtures';

type Account = { accountId: string; phone: string; name: string; idNumber: string; password: string };
type Pending = { purpose: 'signup' | 'login'; phone: string; code: string; input?: SignupInput };
type Method = keyof Backend;

const DEFAULT_PROVIDER = 'http://127.0.0.1:8080';
const LOCK_CHOICES = [60, 300, 900, 1800];
/** What still works while the app is locked (as in desktop/src/lib.rs). */
const LOCK_FREE = new Set<Method>([
  'lockState',
  'touch',
  'lockNow',
  'unlock',
  'logout',
  'syncEvents',
  'passwordStrength',
  'inspectCard',
  'parseAmount',
  'decodeQr',
  'decodeQrImage',
  'shellSettings',
  'about',
  'setLocale',
  'protectScreen',
]);

/** What the sandbox bank does with a card (`sandbox_bank::Outcome`). */
export type CardOutcome = SandboxOutcome;

/** The provider's sandbox test cards the tests use, by outcome (provider.gen.json). */
export const SANDBOX_CARDS = {
  approve: sandboxCard('CMB', 'debit', 'approve'),
  approveCredit: sandboxCard('CMB', 'credit', 'approve'),
  decline: sandboxCard('ICBC', 'debit', 'decline'),
  insufficient: sandboxCard('CCB', 'debit', 'insufficient_funds'),
  timeout: sandboxCard('BOC', 'debit', 'timeout'),
  lost: sandboxCard('ABC', 'debit', 'card_lost'),
  holderMismatch: sandboxCard('CMB', 'debit', 'holder_mismatch'),
} as const;

/** Every sandbox card's outcome: a number the sandbox bank does not know is declined. */
const OUTCOMES = new Map<string, CardOutcome>(PROVIDER.sandbox_cards.map((c) => [c.number, c.outcome]));

/** The provider's default limits (provider.gen.json). */
const LIMITS = PROVIDER.limits;

/** Samples of other networks and kinds, for tests (core.gen.json). */
export const FOREIGN_QR = CORE.foreign_qr;

const cny = (minor: number): Money => ({ minor, currency: 'CNY' });

/** Checked integer addition in minor units: never a float, never past the safe range. */
function addMinor(a: number, b: number): number {
  const r = a + b;
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(r)) throw new WalletError('INTERNAL', 'money overflow');
  return r;
}

type StoredCard = Card & { outcome: CardOutcome; number: string };
type PendingBinding = { view: PendingCardBinding; number: string; code: string; outcome: CardOutcome };
type PinReset = { code: string; phone: string };
type Keyed = { fingerprint: string; operationId: string };
type Merchant = { merchant_id: string; name: string; city: string; mcc: string };
type PhoneChange = { challengeId: string; code: string; newPhone: string; oldChallengeId: string | null; oldCode: string | null };

/**
 * A fake of the {@link Backend} for component tests: it behaves like the Rust facade closely
 * enough to drive the screens (codes, pending verification, device list, revocation). It keeps
 * state only: every rule's answer (card inspection, amounts, QR codes, PIN verdicts, phone and
 * ID numbers, masks, categories, limits, fees, sandbox cards) is looked up in the fixtures Rust
 * generates (./fixtures.ts), and an input they lack throws `FixtureMissing`. The password
 * "rating" and the payment-code digits are stand-ins.
 */
export class InMemoryBackend implements Backend {
  private accounts = new Map<string, Account>();
  private pending: Pending | null = null;
  private appLocked = false;
  private lockAfter = 300;
  private envProvider: string | null = null;
  private providerUrl: string | null = null;
  private notify = true;
  /** The language the page last told the shell (for notification texts). */
  locale: string | null = null;
  /** Whether the window is kept out of screenshots now. */
  screenProtected = false;
  private profile: Profile | null = null;
  private deviceList: Device[] = [];
  private failures = new Map<Method, WalletError>();
  private revoked = false;
  /** The last OTP "sent", for tests to type in. */
  lastCode: string | null = null;
  /** Every call made, for assertions. */
  readonly calls: Method[] = [];
  /** The fixed "now" used for timestamps. */
  now = new Date('2026-11-25T08:30:00Z');

  private pin: string | null = null;
  private pinTries = 0;
  private pinLockedUntil: Date | null = null;
  private pinReset: PinReset | null = null;
  private binding: PendingBinding | null = null;
  private cardList: StoredCard[] = [];
  private balanceMinor = 0;
  /** The default order of funding sources, and what the phone bill may still carry this month. */
  private fundingOrder: string[] = ['balance'];
  carrierLeft = LIMITS.carrier_monthly_cap;
  private operations: Operation[] = [];
  private idempotency = new Map<string, Keyed>();
  private usedToday = { topup: 0, withdraw: 0 };
  private offline = false;
  private polls = new Map<string, number>();
  private seq = 0;
  /** Limits (minor units): per payment and per day. */
  readonly limits = { topupPerPayment: LIMITS.topup_per_payment, topupDaily: LIMITS.topup_daily, withdrawPerPayment: LIMITS.withdraw_per_payment, withdrawDaily: LIMITS.withdraw_daily };
  /** How many `operation()` polls a bank timeout stays pending before it succeeds. */
  pendingPolls = 1;
  private merchants = new Map<string, Merchant>();
  private orderList: Order[] = [];
  private paycodeSeed: string | null = null;
  private noPin = { enabled: true, perPayment: LIMITS.no_pin_per_payment_max, daily: LIMITS.no_pin_daily_max, used: 0 };
  /** The provider's ceilings for no-PIN payment-code payments (minor units). */
  readonly noPinMax = { perPayment: LIMITS.no_pin_per_payment_max, daily: LIMITS.no_pin_daily_max };
  private frozenSince: string | null = null;
  private coolingOffUntil: string | null = null;
  /** When the running cooling-off started: its cap counts what left from here. */
  private coolingOffSince: string | null = null;
  private securityEvents: SecurityEvent[] = [];
  private deviceEvents: DeviceEvent[] = [];
  private eventCursor = 0;
  private smsLogin = false;
  private smsPay = false;
  private phoneChange: PhoneChange | null = null;
  private budgetList = new Map<Category, number>();
  private raisedAlerts = new Set<string>();
  private syncedOps = 0;
  private lastQuery: HistoryQuery | null = null;
  /** The CSV files "on disk" saved by {@link saveHistoryCsv}, newest last (for assertions): they
   * survive a wipe, as real files do. */
  savedCsv: Array<{ path: string; csv: string }> = [];
  /** The paths the profile remembers having exported (in its store: gone with a wipe). */
  private exportedPaths: string[] = [];
  private csvCount = 0;
  /** The codes of a phone-number change "sent" (to the new number, and to the old one), for tests to type in. */
  phoneChangeCodes: { code: string; oldCode: string | null } | null = null;
  /** Every lost-phone report received (as sent, for assertions; a test fake only). */
  readonly reports: ReportLostInput[] = [];
  /** How many security-log entries one page holds. */
  securityPageSize = 20;

  /** Makes the next call to `method` fail with `code`. */
  failNext(method: Method, code: ErrorCode, retryAfterSecs: number | null = null): this {
    this.failures.set(method, new WalletError(code, code, retryAfterSecs));
    return this;
  }

  /** Simulates this device being signed out from elsewhere: the next call says DEVICE_REVOKED. */
  revokeThisDevice(): void {
    this.revoked = true;
  }

  /** Seeds an existing account, optionally signed in here with extra devices. */
  seedAccount(a: { phone: string; name: string; idNumber: string; password: string }): this {
    this.accounts.set(a.phone, { ...a, accountId: `acct-${this.accounts.size + 1}` });
    return this;
  }

  /** Seeds a payment PIN (no rules checked). */
  seedPin(pin: string): this {
    this.pin = pin;
    return this;
  }

  /** Seeds a bound card; the first one becomes the default. */
  seedCard(number: string, opts: { status?: Card['status'] } = {}): this {
    const inspection = inspect(number);
    const c = this.storeCard(number, inspection, OUTCOMES.get(number) ?? 'approve');
    if (opts.status) c.status = opts.status;
    return this;
  }

  /** Seeds the wallet balance, in minor units. */
  seedBalance(minor: number): this {
    this.balanceMinor = minor;
    return this;
  }

  /** Simulates no network: `balance()` answers from the cache with `stale`, the rest fails. */
  setOffline(offline: boolean): this {
    this.offline = offline;
    return this;
  }

  /** Seeds a merchant on record; returns its id and its static code (the amount is typed by the payer). */
  seedMerchant(m: { name: string; city?: string; mcc?: string }): { merchantId: string; payload: string } {
    const { payload, ...merchant } = fixtureMerchant(m.name, m.city ?? 'Shanghai', m.mcc ?? '5812');
    this.merchants.set(merchant.merchant_id, merchant);
    return { merchantId: merchant.merchant_id, payload };
  }

  /**
   * Seeds an open order of a merchant: a dynamic code to scan (returns its payload, from
   * core.gen.json), a remote order or a payment code over the no-PIN limit (both listed by
   * `orders()`; their payload is empty). `printedName` puts another name in the code than the
   * one on record.
   */
  seedOrder(
    merchantId: string,
    amountMinor: number,
    opts: { channel?: PaymentChannel; description?: string; expiresInSecs?: number; printedName?: string } = {},
  ): { orderId: string; payload: string } {
    const merchant = this.merchants.get(merchantId);
    if (!merchant) throw new Error(`no seeded merchant ${merchantId}`);
    const channel = opts.channel ?? 'dynamic_qr';
    const code = channel === 'dynamic_qr' ? fixtureOrder(merchantId, amountMinor, opts.printedName ?? merchant.name) : null;
    const order: Order = {
      order_id: code?.order_id ?? `ord-${++this.seq}`,
      merchant_id: merchant.merchant_id,
      merchant_name: merchant.name,
      merchant_city: merchant.city,
      mcc: merchant.mcc,
      amount: cny(amountMinor),
      description: opts.description ?? null,
      status: 'open',
      channel,
      payment_operation_id: null,
      refunded: cny(0),
      created_at: new Date().toISOString(),
      expires_at: new Date(Date.now() + (opts.expiresInSecs ?? LIMITS.order_default_ttl_secs) * 1000).toISOString(),
    };
    this.orderList.unshift(order);
    return { orderId: order.order_id, payload: code?.payload ?? '' };
  }

  /** Seeds this device's payment-code seed (otherwise the first `paycode()` says PAYCODE_NOT_PROVISIONED). */
  seedPaycode(): this {
    this.paycodeSeed = `seed-${++this.seq}`;
    return this;
  }

  /** Seeds a frozen account (as after a lost-phone report), or one cooling off until `coolingOffUntil`. */
  seedFrozen(since = '2026-11-25T07:00:00Z'): this {
    this.frozenSince = since;
    this.coolingOffUntil = null;
    return this;
  }

  seedCoolingOff(until: string): this {
    this.frozenSince = null;
    this.coolingOffUntil = until;
    this.coolingOffSince = this.now.toISOString();
    return this;
  }

  /** Seeds `count` security-log entries (newest first), `kinds` used in turn. */
  seedSecurityLog(count: number, kinds: SecurityEventKind[] = ['sign_in']): this {
    for (let i = 0; i < count; i++) {
      const at = new Date(this.now.getTime() - (i + 1) * 3600_000).toISOString();
      this.securityEvents.push({ id: String(1000 - this.securityEvents.length), kind: kinds[i % kinds.length] as SecurityEventKind, at, device_name: `Device ${i + 1}`, detail: null });
    }
    return this;
  }

  /** Queues a device event for `syncEvents` (a notice from another device of the account). */
  pushDeviceEvent(kind: DeviceEventKind, extra: Partial<Omit<DeviceEvent, 'cursor' | 'kind'>> = {}): this {
    this.deviceEvents.push({ cursor: ++this.eventCursor, kind, at: this.now.toISOString(), device_id: null, device_name: null, reference: null, cooling_off_until: null, ...extra });
    return this;
  }

  /** Whether the account is frozen now, for assertions. */
  isFrozen(): boolean {
    return this.frozenSince !== null;
  }

  /** The status of a seeded order, for assertions. */
  orderStatus(orderId: string): Order['status'] | undefined {
    return this.orderList.find((o) => o.order_id === orderId)?.status;
  }

  seedSignedIn(phone: string, others: Array<Omit<Device, 'current'>> = []): this {
    const acct = this.accounts.get(phone);
    if (!acct) throw new Error(`no seeded account ${phone}`);
    this.enrol(acct);
    this.deviceList.push(...others.map((d) => ({ ...d, current: false })));
    return this;
  }

  private async enter(method: Method, needsSession = false): Promise<void> {
    this.calls.push(method);
    await Promise.resolve();
    const fail = this.failures.get(method);
    if (fail) {
      this.failures.delete(method);
      throw fail;
    }
    if (this.revoked && this.profile) {
      this.profile = null;
      this.deviceList = [];
      this.revoked = false;
      throw new WalletError('DEVICE_REVOKED');
    }
    // The app lock, as the desktop shell keeps it: signed out there is nothing to lock; locked,
    // only the lock's own calls, sign-out and the event feed (notifications) go through.
    if (!this.profile) this.appLocked = false;
    if (this.appLocked && !LOCK_FREE.has(method)) throw new WalletError('APP_LOCKED');
    if (needsSession && !this.profile) throw new WalletError('NOT_SIGNED_IN');
  }

  // --- the desktop shell ---

  /** What `WALLET_SERVER` says (it wins over the settings file), or null. */
  seedEnvProvider(url: string | null): this {
    this.envProvider = url;
    return this;
  }

  /** The idle time passes: the shell locks the app (signed in only). */
  idleTimeout(): this {
    if (this.profile) this.appLocked = true;
    return this;
  }

  isAppLocked(): boolean {
    return this.appLocked;
  }

  private shellView(): ShellSettings {
    const url = this.envProvider ?? this.providerUrl ?? DEFAULT_PROVIDER;
    return {
      provider_url: url,
      provider_source: this.envProvider ? 'env' : this.providerUrl ? 'file' : 'default',
      provider_default: DEFAULT_PROVIDER,
      lock_after_secs: this.lockAfter,
      lock_choices: [...LOCK_CHOICES],
      notifications: this.notify,
    };
  }

  async shellSettings(): Promise<ShellSettings> {
    await this.enter('shellSettings');
    return this.shellView();
  }

  async setProviderUrl(url: string | null): Promise<ShellSettings> {
    await this.enter('setProviderUrl');
    if (this.profile) throw new WalletError('ALREADY_SIGNED_IN');
    if (this.envProvider) throw new WalletError('FORBIDDEN');
    const u = url?.trim() ?? '';
    if (u === '') {
      this.providerUrl = null;
      return this.shellView();
    }
    // The core's rule: HTTPS, or plain HTTP to this computer only.
    const ok = /^https:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(u) || /^http:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?\/?$/.test(u);
    if (!ok) throw new WalletError('INSECURE_SERVER_URL');
    this.providerUrl = u.replace(/\/+$/, '');
    return this.shellView();
  }

  async setLockAfter(secs: number): Promise<ShellSettings> {
    await this.enter('setLockAfter');
    if (!LOCK_CHOICES.includes(secs)) throw new WalletError('MALFORMED_REQUEST');
    this.lockAfter = secs;
    return this.shellView();
  }

  async setNotifications(enabled: boolean): Promise<ShellSettings> {
    await this.enter('setNotifications');
    this.notify = enabled;
    return this.shellView();
  }

  async setLocale(locale: string): Promise<void> {
    await this.enter('setLocale');
    this.locale = locale;
  }

  async about(): Promise<About> {
    await this.enter('about');
    const v = this.shellView();
    return {
      name: 'Wallet',
      version: '0.1.0',
      build: 'test (debug)',
      identifier: 'com.walletpay.desktop',
      provider_url: v.provider_url,
      provider_source: v.provider_source,
      data_dir: '/home/tester/.local/share/com.walletpay.desktop',
      settings_file: '/home/tester/.config/com.walletpay.desktop/settings.json',
    };
  }

  private lockView(): LockState {
    return { locked: this.appLocked, lock_after_secs: this.lockAfter };
  }

  async lockState(): Promise<LockState> {
    await this.enter('lockState');
    return this.lockView();
  }

  async touch(): Promise<LockState> {
    await this.enter('touch');
    return this.lockView();
  }

  async lockNow(): Promise<LockState> {
    await this.enter('lockNow');
    if (this.profile) this.appLocked = true;
    return this.lockView();
  }

  async unlock(pin: string): Promise<LockState> {
    await this.enter('unlock', true);
    await this.online();
    if (!/^\d{6}$/.test(pin)) throw new WalletError('PIN_FORMAT_INVALID');
    this.checkPin(pin);
    this.appLocked = false;
    return this.lockView();
  }

  async protectScreen(on: boolean): Promise<void> {
    await this.enter('protectScreen');
    this.screenProtected = on;
  }

  async status(): Promise<SessionStatus> {
    await this.enter('status');
    if (this.profile) return { state: 'signed_in', profile: this.profile };
    if (this.pending) return { state: 'pending_verification', pending: this.pendingView(this.pending) };
    return { state: 'signed_out' };
  }

  async passwordStrength(password: string, userInputs: string[]): Promise<PasswordStrength> {
    await this.enter('passwordStrength');
    const lower = password.toLowerCase();
    const reused = userInputs.some((u) => u.length >= 4 && lower.includes(u.toLowerCase()));
    const score = password.length === 0 ? 0 : reused ? 1 : Math.min(4, Math.floor(password.length / 4));
    return {
      score,
      acceptable: score >= 3,
      warning: score < 3 && password.length > 0 ? 'This is similar to a commonly used password.' : null,
      suggestions: score < 3 ? ['Add another word or two. Uncommon words are better.'] : [],
    };
  }

  async signup(input: SignupInput): Promise<PendingVerification> {
    await this.enter('signup');
    if (this.profile) throw new WalletError('ALREADY_SIGNED_IN');
    // The core's checks (core.gen.json): phone, name, ID number.
    const phone = parsePhone(input.phone).national;
    parseRealName(input.name);
    parseResidentId(input.id_number);
    if (!(await this.passwordStrength(input.password, [])).acceptable) throw new WalletError('PASSWORD_WEAK');
    if (this.accounts.has(phone)) throw new WalletError('PHONE_TAKEN');
    return this.challenge({ purpose: 'signup', phone, code: '', input });
  }

  async login(phone: string, password: string): Promise<PendingVerification> {
    await this.enter('login');
    if (this.profile) throw new WalletError('ALREADY_SIGNED_IN');
    const acct = this.accounts.get(phone);
    if (!acct || acct.password !== password) throw new WalletError('CREDENTIALS_INVALID');
    return this.challenge({ purpose: 'login', phone, code: '' });
  }

  async loginSms(phone: string): Promise<PendingVerification> {
    await this.enter('loginSms');
    if (this.profile) throw new WalletError('ALREADY_SIGNED_IN');
    const national = parsePhone(phone).national;
    // Unknown numbers get the same answer as accounts that did not switch it on.
    if (!this.accounts.has(national) || !this.smsLogin) throw new WalletError('SMS_LOGIN_DISABLED');
    return this.challenge({ purpose: 'login', phone: national, code: '' });
  }

  /** Seeds the SMS-only sign-in switch. */
  seedSmsLogin(enabled: boolean): this {
    this.smsLogin = enabled;
    return this;
  }

  async verify(code: string): Promise<Profile> {
    await this.enter('verify');
    if (!/^\d{6}$/.test(code)) throw new WalletError('OTP_FORMAT_INVALID');
    const p = this.pending;
    if (!p) throw new WalletError('NO_PENDING_VERIFICATION');
    if (p.code !== code) throw new WalletError('OTP_INVALID');
    this.pending = null;
    let acct = this.accounts.get(p.phone);
    if (p.purpose === 'signup' && p.input) {
      acct = { accountId: `acct-${this.accounts.size + 1}`, phone: p.phone, name: p.input.name, idNumber: p.input.id_number, password: p.input.password };
      this.accounts.set(p.phone, acct);
    }
    if (!acct) throw new WalletError('CHALLENGE_NOT_FOUND');
    return this.enrol(acct);
  }

  async whoami(): Promise<Profile> {
    await this.enter('whoami', true);
    return this.profile as Profile;
  }

  async devices(): Promise<Device[]> {
    await this.enter('devices', true);
    return this.deviceList.map((d) => ({ ...d }));
  }

  async revokeDevice(deviceId: string): Promise<void> {
    await this.enter('revokeDevice', true);
    if (!this.deviceList.some((d) => d.device_id === deviceId)) throw new WalletError('NOT_FOUND');
    if (this.profile?.device_id === deviceId) {
      this.wipe();
      return;
    }
    this.deviceList = this.deviceList.filter((d) => d.device_id !== deviceId);
  }

  async logout(): Promise<void> {
    await this.enter('logout', true);
    this.wipe();
  }

  private wipe(): void {
    this.appLocked = false;
    this.profile = null;
    this.deviceList = [];
    this.exportedPaths = [];
  }

  // --- cards, PIN and money ---

  async inspectCard(number: string): Promise<CardInspection> {
    await this.enter('inspectCard');
    return inspect(number);
  }

  async parseAmount(amount: string): Promise<Money> {
    await this.enter('parseAmount');
    return cny(parseAmount(amount));
  }

  async checkNewPin(pin: string): Promise<void> {
    await this.enter('checkNewPin', true);
    this.pinRules(pin);
  }

  async pinState(): Promise<PinState> {
    await this.enter('pinState', true);
    await this.online();
    return { set: this.pin !== null, locked_until: this.locked() ? (this.pinLockedUntil as Date).toISOString() : null };
  }

  async setPin(pin: string): Promise<void> {
    await this.enter('setPin', true);
    await this.online();
    if (this.pin !== null) throw new WalletError('PIN_ALREADY_SET');
    this.pinRules(pin);
    this.pin = pin;
  }

  async changePin(oldPin: string, newPin: string): Promise<void> {
    await this.enter('changePin', true);
    await this.online();
    this.checkPin(oldPin);
    this.pinRules(newPin);
    this.pin = newPin;
    // A security event (docs/rules.md §Security events and SIM swaps): logged, other devices told.
    this.logSecurity('pin_changed', this.profile?.device_id ?? null);
  }

  async startPinReset(password: string): Promise<PendingVerification> {
    await this.enter('startPinReset', true);
    await this.online();
    const acct = this.account();
    if (acct.password !== password) throw new WalletError('CREDENTIALS_INVALID');
    const code = this.newCode();
    this.pinReset = { code, phone: acct.phone };
    return { purpose: 'pin_reset', phone_masked: maskPhone(acct.phone), expires_at: this.in(LIMITS.otp_ttl_secs) };
  }

  async finishPinReset(code: string, newPin: string): Promise<void> {
    await this.enter('finishPinReset', true);
    await this.online();
    if (!/^\d{6}$/.test(code)) throw new WalletError('OTP_FORMAT_INVALID');
    if (!this.pinReset) throw new WalletError('NO_PENDING_VERIFICATION');
    if (this.pinReset.code !== code) throw new WalletError('OTP_INVALID');
    this.pinRules(newPin);
    this.pinReset = null;
    this.pin = newPin;
    this.pinTries = 0;
    this.pinLockedUntil = null;
    // Logged, other devices told, and a cooling-off starts (never shortening one running).
    const until = this.in(LIMITS.cooling_off_secs);
    if (this.coolingOffUntil === null || new Date(this.coolingOffUntil) < new Date(until)) this.coolingOffUntil = until;
    this.logSecurity('pin_reset', this.profile?.device_id ?? null);
  }

  async bindCard(number: string, bankPhone: string): Promise<PendingCardBinding> {
    await this.enter('bindCard', true);
    await this.online();
    // The screen sends digits only; the core's inspection says whether they make a card number
    // (`CardInspection::is_valid`), its phone parse whether the bank's phone is one.
    const digits = number;
    const inspection = inspect(digits);
    if (!inspection.luhn_valid || !inspection.length_valid || !inspection.scheme) throw new WalletError('CARD_NUMBER_INVALID');
    const phoneMasked = maskPhone(bankPhone);
    if (this.cardList.some((c) => c.number === digits)) throw new WalletError('CARD_ALREADY_BOUND');
    // Like the sandbox bank: a number it does not know is declined.
    const outcome = OUTCOMES.get(digits);
    if (!outcome) throw new WalletError('CARD_DECLINED');
    if (outcome === 'card_lost') throw new WalletError('CARD_REPORTED_LOST');
    if (outcome === 'holder_mismatch') throw new WalletError('CARD_HOLDER_MISMATCH');
    const view: PendingCardBinding = {
      binding_id: `bind-${++this.seq}`,
      phone_masked: phoneMasked,
      expires_at: this.in(LIMITS.otp_ttl_secs),
      bank: inspection.bank,
      scheme: inspection.scheme,
      card_type: inspection.card_type ?? 'debit',
      last4: digits.slice(-4),
    };
    this.binding = { view, number: digits, code: this.newCode(), outcome };
    return view;
  }

  async verifyCard(code: string): Promise<Card> {
    await this.enter('verifyCard', true);
    await this.online();
    if (!/^\d{6}$/.test(code)) throw new WalletError('OTP_FORMAT_INVALID');
    const b = this.binding;
    if (!b) throw new WalletError('BINDING_NOT_FOUND');
    if (b.code !== code) throw new WalletError('OTP_INVALID');
    this.binding = null;
    return publicCard(this.storeCard(b.number, inspect(b.number), b.outcome));
  }

  async cards(): Promise<Card[]> {
    await this.enter('cards', true);
    await this.online();
    return this.sortedCards().map(publicCard);
  }

  async setDefaultCard(cardId: string): Promise<Card> {
    await this.enter('setDefaultCard', true);
    await this.online();
    const card = this.card(cardId);
    if (card.status === 'suspended') throw new WalletError('CARD_SUSPENDED');
    for (const c of this.cardList) c.is_default = c === card;
    return publicCard(card);
  }

  async unbindCard(cardId: string, pin: string): Promise<void> {
    await this.enter('unbindCard', true);
    await this.online();
    const card = this.card(cardId);
    this.checkPin(pin);
    this.cardList = this.cardList.filter((c) => c !== card);
    if (card.is_default) this.pickDefault();
  }

  async reportCardLost(cardId: string): Promise<Card> {
    await this.enter('reportCardLost', true);
    await this.online();
    const card = this.card(cardId);
    card.status = 'suspended';
    if (card.is_default) {
      card.is_default = false;
      this.pickDefault();
    }
    return publicCard(card);
  }

  async topUp(input: TopUpInput): Promise<Operation> {
    await this.enter('topUp', true);
    await this.online();
    const fingerprint = JSON.stringify(['topup', input.amount, input.card_id]);
    const again = this.replay(input.idempotency_key, fingerprint);
    if (again) return again;
    this.notFrozen();
    const amount = parseAmount(input.amount);
    const card = input.card_id ? this.card(input.card_id) : this.defaultCard();
    if (card.status === 'suspended') throw new WalletError('CARD_SUSPENDED');
    // A top-up pulls money from the user's card: the PIN, like a withdrawal.
    this.checkPin(input.pin);
    if (amount > this.limits.topupPerPayment) throw new WalletError('AMOUNT_OVER_LIMIT');
    if (addMinor(this.usedToday.topup, amount) > this.limits.topupDaily) throw new WalletError('DAILY_LIMIT_REACHED');
    const op = this.newOperation('topup', amount, 0, card);
    switch (card.outcome) {
      case 'approve':
        this.succeed(op);
        break;
      case 'decline':
        this.fail(op, 'CARD_DECLINED');
        break;
      case 'insufficient_funds':
        this.fail(op, 'BANK_INSUFFICIENT_FUNDS');
        break;
      case 'card_lost':
      case 'holder_mismatch':
        this.fail(op, 'CARD_REPORTED_LOST');
        break;
      case 'timeout':
        this.usedToday.topup = addMinor(this.usedToday.topup, amount);
        break;
    }
    this.remember(input.idempotency_key, fingerprint, op);
    return { ...op };
  }

  async withdraw(input: WithdrawInput): Promise<Operation> {
    await this.enter('withdraw', true);
    await this.online();
    const fingerprint = JSON.stringify(['withdraw', input.amount, input.card_id]);
    const again = this.replay(input.idempotency_key, fingerprint);
    if (again) return again;
    this.notFrozen();
    const amount = parseAmount(input.amount);
    this.notCoolingOff(amount);
    const card = input.card_id ? this.card(input.card_id) : this.defaultCard((c) => c.card_type === 'debit');
    if (card.status === 'suspended') throw new WalletError('CARD_SUSPENDED');
    if (card.card_type !== 'debit') throw new WalletError('CARD_NOT_DEBIT');
    this.checkPin(input.pin);
    if (amount > this.limits.withdrawPerPayment) throw new WalletError('AMOUNT_OVER_LIMIT');
    if (addMinor(this.usedToday.withdraw, amount) > this.limits.withdrawDaily) throw new WalletError('DAILY_LIMIT_REACHED');
    if (amount > this.balanceMinor) throw new WalletError('BALANCE_INSUFFICIENT');
    const op = this.newOperation('withdrawal', amount, withdrawFee(amount), card);
    if (card.outcome === 'decline') this.fail(op, 'CARD_DECLINED');
    else if (card.outcome === 'timeout') {
      this.balanceMinor = addMinor(this.balanceMinor, -amount);
      this.usedToday.withdraw = addMinor(this.usedToday.withdraw, amount);
    } else this.succeed(op);
    this.remember(input.idempotency_key, fingerprint, op);
    return { ...op };
  }

  async balance(): Promise<Balance> {
    await this.enter('balance', true);
    return {
      balance: cny(this.balanceMinor),
      operations: this.operations.slice(0, 20).map((o) => ({ ...o })),
      limits: this.limitsLeft(),
      as_of: this.now.toISOString(),
      stale: this.offline,
    };
  }

  async operation(operationId: string): Promise<Operation> {
    await this.enter('operation', true);
    await this.online();
    const op = this.operations.find((o) => o.operation_id === operationId);
    if (!op) throw new WalletError('NOT_FOUND');
    if (op.status === 'pending') {
      const n = (this.polls.get(operationId) ?? 0) + 1;
      this.polls.set(operationId, n);
      if (n >= this.pendingPolls) this.settle(op);
    }
    return { ...op };
  }

  // --- scan to pay, payment code, orders ---

  async decodeQr(payload: string): Promise<DecodedQr> {
    await this.enter('decodeQr');
    return decodeQr(payload);
  }

  async decodeQrImage(bytes: Uint8Array): Promise<string> {
    await this.enter('decodeQrImage');
    return decodeImage(bytes);
  }

  async resolveQr(payload: string): Promise<QrPayment> {
    await this.enter('resolveQr', true);
    await this.online();
    return this.resolve(payload);
  }

  async payQr(input: PayQrInput): Promise<Operation> {
    await this.enter('payQr', true);
    await this.online();
    const fingerprint = JSON.stringify(['qr', input.payload, input.amount, input.source]);
    const again = this.replay(input.idempotency_key, fingerprint);
    if (again) return again;
    this.notFrozen();
    const qr = this.resolve(input.payload);
    const typed = input.amount?.trim() ?? '';
    let amount: number;
    if (qr.channel === 'static_qr') {
      if (typed === '') throw new WalletError('AMOUNT_REQUIRED');
      amount = parseAmount(typed);
    } else {
      amount = (qr.amount as Money).minor;
      if (typed !== '' && parseAmount(typed) !== amount) throw new WalletError('AMOUNT_LOCKED');
    }
    this.notCoolingOff(amount);
    this.checkPin(input.pin);
    const merchant = this.merchants.get(qr.merchant_id) as Merchant;
    const order = qr.order_id ? this.orderList.find((o) => o.order_id === qr.order_id) ?? null : null;
    const op = this.pay(merchant, amount, qr.channel, order, input.source ?? null);
    this.remember(input.idempotency_key, fingerprint, op);
    return { ...op };
  }

  async paycode(): Promise<PaycodeView> {
    await this.enter('paycode', true);
    if (!this.paycodeSeed) throw new WalletError('PAYCODE_NOT_PROVISIONED');
    return paycodeView(this.paycodeSeed, Date.now());
  }

  async refreshPaycodeSeed(): Promise<PaycodeView> {
    await this.enter('refreshPaycodeSeed', true);
    await this.online();
    this.paycodeSeed = `seed-${++this.seq}`;
    return paycodeView(this.paycodeSeed, Date.now());
  }

  async paycodeSettings(): Promise<PaycodeSettings> {
    await this.enter('paycodeSettings', true);
    await this.online();
    return this.settingsView();
  }

  async setPaycodeSettings(input: PaycodeSettingsInput): Promise<PaycodeSettings> {
    await this.enter('setPaycodeSettings', true);
    await this.online();
    const perPayment = parseAmount(input.no_pin_per_payment);
    const daily = parseAmount(input.no_pin_daily);
    if (perPayment > daily) throw new WalletError('AMOUNT_INVALID');
    if (perPayment > this.noPinMax.perPayment || daily > this.noPinMax.daily) throw new WalletError('AMOUNT_OVER_LIMIT');
    const pin = input.pin ?? null;
    if (pin !== null && !/^\d{6}$/.test(pin)) throw new WalletError('PIN_FORMAT_INVALID');
    const current = this.noPin;
    if (current.enabled === input.no_pin_enabled && current.perPayment === perPayment && current.daily === daily) return this.settingsView();
    // Switching on or raising a limit needs the PIN; lowering or switching off does not.
    const raises = input.no_pin_enabled && (!current.enabled || perPayment > current.perPayment || daily > current.daily);
    if (raises) {
      if (pin === null) throw new WalletError('PIN_REQUIRED');
      this.checkPin(pin);
    }
    this.noPin = { ...this.noPin, enabled: input.no_pin_enabled, perPayment, daily };
    this.logSecurity('no_pin_changed', this.profile?.device_id ?? null);
    return this.settingsView();
  }

  async orders(): Promise<Order[]> {
    await this.enter('orders', true);
    await this.online();
    this.expireOrders();
    return this.orderList.filter((o) => o.status === 'open' && o.channel !== 'dynamic_qr').map((o) => ({ ...o }));
  }

  async confirmOrder(orderId: string, pin: string, idempotencyKey: string | null, source: string | null = null): Promise<Operation> {
    await this.enter('confirmOrder', true);
    await this.online();
    const fingerprint = JSON.stringify(['order', orderId, source]);
    const again = this.replay(idempotencyKey, fingerprint);
    if (again) return again;
    this.notFrozen();
    const order = this.openOrder(orderId);
    this.notCoolingOff(order.amount.minor);
    this.checkPin(pin);
    const op = this.pay(this.merchants.get(order.merchant_id) as Merchant, order.amount.minor, order.channel, order, source);
    this.remember(idempotencyKey, fingerprint, op);
    return { ...op };
  }

  async declineOrder(orderId: string): Promise<Order> {
    await this.enter('declineOrder', true);
    await this.online();
    const order = this.openOrder(orderId);
    order.status = 'declined';
    return { ...order };
  }

  // --- lost phone ---

  async reportLost(input: ReportLostInput): Promise<void> {
    await this.enter('reportLost');
    await this.online();
    const phone = parsePhone(input.phone).national;
    const byName = input.name !== null || input.id_last6 !== null;
    if (byName && input.password !== null) throw new WalletError('MALFORMED_REQUEST');
    if (byName) {
      parseRealName(input.name ?? '');
      if (!/^\d{5}[\dX]$/.test((input.id_last6 ?? '').trim().toUpperCase())) throw new WalletError('ID_NUMBER_INVALID');
    } else if (!input.password) {
      throw new WalletError('MALFORMED_REQUEST');
    }
    this.reports.push({ ...input });
    const acct = this.accounts.get(phone);
    if (!acct) return; // The same answer: nothing says whether the phone has an account.
    const matches = byName
      ? acct.name === (input.name ?? '').trim() && acct.idNumber.slice(-6) === (input.id_last6 ?? '').trim().toUpperCase()
      : acct.password === input.password;
    if (!matches) return;
    this.frozenSince = this.now.toISOString();
    this.coolingOffUntil = null;
    this.logSecurity('frozen', null);
    if (this.profile?.account_id === acct.accountId) this.revoked = true;
  }

  async accountStatus(): Promise<AccountStatus> {
    await this.enter('accountStatus', true);
    await this.online();
    return this.statusView();
  }

  async unfreeze(idNumber: string, pin: string): Promise<AccountStatus> {
    await this.enter('unfreeze', true);
    await this.online();
    const id = parseResidentId(idNumber);
    if (!/^\d{6}$/.test(pin)) throw new WalletError('PIN_FORMAT_INVALID');
    if (this.frozenSince === null) throw new WalletError('NOT_FROZEN');
    if (this.account().idNumber !== id) throw new WalletError('UNFREEZE_DENIED');
    this.checkPin(pin);
    this.frozenSince = null;
    this.startCoolingOff();
    this.logSecurity('unfrozen', this.profile?.device_id ?? null);
    return this.statusView();
  }

  async securityLog(before: string | null): Promise<SecurityLog> {
    await this.enter('securityLog', true);
    await this.online();
    const all = [...this.securityEvents].sort((a, b) => Number(b.id) - Number(a.id));
    const older = before === null ? all : all.filter((e) => Number(e.id) < Number(before));
    const events = older.slice(0, this.securityPageSize);
    const last = events[events.length - 1];
    return { events, next_before: older.length > events.length && last ? last.id : null };
  }

  async syncEvents(): Promise<DeviceEvent[]> {
    await this.enter('syncEvents', true);
    await this.online();
    const events = this.deviceEvents;
    this.deviceEvents = [];
    return events;
  }

  async settings(): Promise<AccountSettings> {
    await this.enter('settings', true);
    await this.online();
    return this.accountSettingsView();
  }

  /** The settings as the provider answers them (SMS payment caps: ¥50 each, ¥200 a day). */
  private accountSettingsView(): AccountSettings {
    return {
      sms_login_enabled: this.smsLogin,
      sms_pay_enabled: this.smsPay,
      sms_pay_per_payment: cny(LIMITS.sms_pay_per_payment),
      sms_pay_daily: cny(LIMITS.sms_pay_daily),
    };
  }

  async setSmsLogin(enabled: boolean, pin: string | null): Promise<AccountSettings> {
    await this.enter('setSmsLogin', true);
    await this.online();
    if (enabled) {
      if (pin === null || !/^\d{6}$/.test(pin)) throw new WalletError('PIN_FORMAT_INVALID');
      this.checkPin(pin);
    }
    this.smsLogin = enabled;
    this.logSecurity('sms_login_changed', this.profile?.device_id ?? null);
    return this.accountSettingsView();
  }

  async setSmsPay(enabled: boolean, pin: string | null): Promise<AccountSettings> {
    await this.enter('setSmsPay', true);
    await this.online();
    if (enabled && !this.smsPay) {
      if (pin === null) throw new WalletError('PIN_REQUIRED');
      if (!/^\d{6}$/.test(pin)) throw new WalletError('PIN_FORMAT_INVALID');
      this.checkPin(pin);
    }
    if (this.smsPay !== enabled) {
      this.smsPay = enabled;
      this.logSecurity('sms_pay_changed', this.profile?.device_id ?? null);
    }
    return this.accountSettingsView();
  }

  async freezeAccount(deviceId: string | null): Promise<AccountStatus> {
    await this.enter('freezeAccount', true);
    await this.online();
    if (deviceId !== null && !this.deviceList.some((d) => d.device_id === deviceId && !d.current)) throw new WalletError('NOT_FOUND');
    if (this.frozenSince === null) this.frozenSince = this.now.toISOString();
    this.coolingOffUntil = null;
    this.deviceList = this.deviceList.filter((d) => d.current || (deviceId !== null && d.device_id !== deviceId));
    this.logSecurity('frozen', this.profile?.device_id ?? null);
    return this.statusView();
  }

  async startPhoneChange(input: PhoneChangeInput): Promise<PhoneChangeStarted> {
    await this.enter('startPhoneChange', true);
    await this.online();
    const newPhone = parsePhone(input.new_phone).national;
    if (input.password === '') throw new WalletError('MALFORMED_REQUEST');
    const id = input.id_number?.trim() ?? '';
    if (id !== '') parseResidentId(id);
    if (this.frozenSince !== null) throw new WalletError('ACCOUNT_FROZEN');
    const acct = this.account();
    if (acct.password !== input.password || (id !== '' && acct.idNumber !== id)) throw new WalletError('CREDENTIALS_INVALID');
    if (this.accounts.has(newPhone)) throw new WalletError('PHONE_TAKEN');
    const code = this.newCode();
    const oldCode = id === '' ? String(((Number(code) + 1) % 900000) + 100000) : null;
    this.phoneChange = { challengeId: `chg-${++this.seq}`, code, newPhone, oldChallengeId: oldCode ? `chg-${++this.seq}` : null, oldCode };
    this.phoneChangeCodes = { code, oldCode };
    return { challenge_id: this.phoneChange.challengeId, new_phone_masked: maskPhone(newPhone), old_challenge_id: this.phoneChange.oldChallengeId, expires_at: this.in(LIMITS.otp_ttl_secs) };
  }

  async finishPhoneChange(input: PhoneChangeFinish): Promise<Profile> {
    await this.enter('finishPhoneChange', true);
    await this.online();
    const p = this.phoneChange;
    if (!p || p.challengeId !== input.challenge_id) throw new WalletError('CHALLENGE_NOT_FOUND');
    if (!/^\d{6}$/.test(input.code) || (input.old_code !== null && !/^\d{6}$/.test(input.old_code))) throw new WalletError('OTP_FORMAT_INVALID');
    if ((input.old_challenge_id !== null) !== (input.old_code !== null) || input.old_challenge_id !== p.oldChallengeId) throw new WalletError('MALFORMED_REQUEST');
    if (input.code !== p.code || input.old_code !== p.oldCode) throw new WalletError('OTP_INVALID');
    const acct = this.account();
    this.accounts.delete(acct.phone);
    acct.phone = p.newPhone;
    this.accounts.set(acct.phone, acct);
    if (input.cards === 'unbind') this.cardList = [];
    this.phoneChange = null;
    this.phoneChangeCodes = null;
    this.startCoolingOff();
    this.logSecurity('phone_changed', this.profile?.device_id ?? null);
    const profile = this.profile as Profile;
    this.profile = { ...profile, phone: parsePhone(acct.phone).e164, phone_masked: maskPhone(acct.phone) };
    return this.profile;
  }

  // --- transfers, history and insight (issue 6) ---

  /** Money from another user arrives: a `transfer_in` operation and a `transfer_received` event. */
  receiveTransfer(from: { name: string; phone: string }, minor: number, note: string | null = null): this {
    const op = this.transferOperation('transfer_in', minor, maskName(from.name), maskPhone(from.phone), note);
    this.balanceMinor = addMinor(this.balanceMinor, minor);
    this.pushDeviceEvent('transfer_received', { reference: op.operation_id });
    return this;
  }

  /** A succeeded payment at a seeded merchant at `at` (history and summary tests). */
  seedPayment(merchantId: string, minor: number, at: string = this.now.toISOString()): this {
    const merchant = this.merchants.get(merchantId);
    if (!merchant) throw new Error(`no merchant ${merchantId}`);
    const op = this.pay(merchant, minor, 'static_qr', null);
    op.created_at = at;
    op.updated_at = at;
    this.operations.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0));
    return this;
  }

  /** The last query `history` answered (for assertions). */
  lastHistoryQuery(): HistoryQuery | null {
    return this.lastQuery;
  }

  async lookupRecipient(phone: string): Promise<Recipient> {
    await this.enter('lookupRecipient', true);
    await this.online();
    const acct = this.recipient(phone);
    return { name_masked: maskName(acct.name), phone_masked: maskPhone(acct.phone) };
  }

  async transfer(input: TransferInput): Promise<Operation> {
    await this.enter('transfer', true);
    await this.online();
    const fingerprint = JSON.stringify(['transfer', input.to_phone, input.amount, input.note]);
    const again = this.replay(input.idempotency_key, fingerprint);
    if (again) return again;
    this.notFrozen();
    const amount = parseAmount(input.amount);
    const note = input.note?.trim() || null;
    if (note && note.length > 50) throw new WalletError('MALFORMED_REQUEST');
    if (note) checkNote(note);
    this.checkPin(input.pin);
    this.notCoolingOff(amount);
    const to = this.recipient(input.to_phone);
    if (amount > LIMITS.transfer_per_payment) throw new WalletError('AMOUNT_OVER_LIMIT');
    if (amount > this.balanceMinor) throw new WalletError('BALANCE_INSUFFICIENT');
    this.balanceMinor = addMinor(this.balanceMinor, -amount);
    const op = this.transferOperation('transfer_out', amount, maskName(to.name), maskPhone(to.phone), note);
    this.remember(input.idempotency_key, fingerprint, op);
    return { ...op };
  }

  async syncHistory(): Promise<HistorySync> {
    await this.enter('syncHistory', true);
    await this.online();
    const added = Math.max(0, this.operations.length - this.syncedOps);
    this.syncedOps = this.operations.length;
    const month = monthOf(this.now.toISOString());
    const alerts: BudgetAlert[] = [];
    for (const total of this.summary(month).by_category) {
      const budget = total.budget;
      if (!budget) continue;
      // The core's thresholds (core.gen.json): each reached one is marked once; a sync tells the highest new one.
      const reached = CORE.budget_thresholds.filter((t) => total.spent.minor * 100 >= budget.minor * t);
      const fresh = reached.filter((t) => !this.raisedAlerts.has(`${total.category}/${month}/${t}`));
      for (const t of reached) this.raisedAlerts.add(`${total.category}/${month}/${t}`);
      const top = reached[reached.length - 1];
      if (fresh.length > 0 && top !== undefined) alerts.push({ category: total.category, month, threshold_percent: top, spent: { ...total.spent }, budget: { ...budget } });
    }
    return { added, updated: 0, alerts };
  }

  async history(query: HistoryQuery): Promise<HistoryPage> {
    await this.enter('history', true);
    this.lastQuery = { ...query };
    const all = this.matching(query);
    let start = 0;
    if (query.before != null) {
      const i = all.findIndex((e) => e.operation_id === query.before);
      if (i < 0) throw new WalletError('MALFORMED_REQUEST');
      start = i + 1;
    }
    const limit = Math.min(query.limit ?? 50, 500);
    const entries = all.slice(start, start + limit);
    const more = start + limit < all.length;
    return { entries, next_before: more && entries.length > 0 ? (entries[entries.length - 1] as HistoryEntry).operation_id : null };
  }

  async historyEntry(operationId: string): Promise<HistoryEntry> {
    await this.enter('historyEntry', true);
    const op = this.operations.find((o) => o.operation_id === operationId);
    if (!op) throw new WalletError('NOT_FOUND');
    return this.entryOf(op);
  }

  async monthlySummary(month: string | null): Promise<MonthlySummary> {
    await this.enter('monthlySummary', true);
    const m = month ?? monthOf(this.now.toISOString());
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(m)) throw new WalletError('MALFORMED_REQUEST');
    return this.summary(m);
  }

  async budgets(): Promise<Budget[]> {
    await this.enter('budgets', true);
    return [...this.budgetList.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([category, minor]) => ({ category, monthly: cny(minor) }));
  }

  async setBudget(category: Category, amount: string | null): Promise<void> {
    await this.enter('setBudget', true);
    if (amount === null) this.budgetList.delete(category);
    else this.budgetList.set(category, parseAmount(amount));
  }

  async saveHistoryCsv(query: HistoryQuery): Promise<string> {
    await this.enter('saveHistoryCsv', true);
    const rows = this.matching(query).map((e) => [e.created_at, e.kind, e.status, (e.direction === 'out' ? '-' : '') + (e.amount.minor / 100).toFixed(2), e.merchant_name ?? e.counterparty_name_masked ?? '', e.note ?? ''].join(','));
    const csv = `\uFEFFcreated_at,kind,status,amount,party,note\r\n${rows.map((r) => `${r}\r\n`).join('')}`;
    this.csvCount += 1;
    const path = `/home/user/Downloads/wallet-history-${this.csvCount}.csv`;
    this.savedCsv.push({ path, csv });
    this.exportedPaths.push(path);
    return path;
  }

  async exportedFiles(): Promise<string[]> {
    await this.enter('exportedFiles', true);
    return this.exportedPaths.filter((p) => this.savedCsv.some((f) => f.path === p));
  }

  async deleteExports(): Promise<number> {
    await this.enter('deleteExports', true);
    const before = this.savedCsv.length;
    this.savedCsv = this.savedCsv.filter((f) => !this.exportedPaths.includes(f.path));
    this.exportedPaths = [];
    return before - this.savedCsv.length;
  }

  private recipient(phone: string): Account {
    const acct = this.accounts.get(parsePhone(phone).national);
    if (!acct) throw new WalletError('RECIPIENT_NOT_FOUND');
    if (acct.accountId === this.profile?.account_id) throw new WalletError('TRANSFER_TO_SELF');
    return acct;
  }

  private transferOperation(kind: 'transfer_in' | 'transfer_out', minor: number, name: string, phone: string, note: string | null): Operation {
    const at = this.now.toISOString();
    const op: Operation = {
      operation_id: `op-${++this.seq}`,
      kind,
      status: 'succeeded',
      amount: cny(minor),
      fee: cny(0),
      card_id: null,
      card_last4: null,
      bank: null,
      merchant_id: null,
      merchant_name: null,
      mcc: null,
      order_id: null,
      channel: null,
      failure_code: null,
      counterparty_name_masked: name,
      counterparty_phone_masked: phone,
      note,
      seq: this.seq,
      created_at: at,
      updated_at: at,
      source: null,
    };
    this.operations.unshift(op);
    return op;
  }

  private entryOf(op: Operation): HistoryEntry {
    const merchant = op.merchant_id ? this.merchants.get(op.merchant_id) : undefined;
    const spending = op.kind === 'payment' || op.kind === 'refund';
    return {
      operation_id: op.operation_id,
      kind: op.kind,
      status: op.status,
      direction: op.kind === 'topup' || op.kind === 'refund' || op.kind === 'transfer_in' ? 'in' : 'out',
      amount: { ...op.amount },
      fee: { ...op.fee },
      created_at: op.created_at,
      updated_at: op.updated_at,
      month: monthOf(op.created_at),
      merchant_id: op.merchant_id,
      merchant_name: op.merchant_name,
      merchant_city: merchant?.city ?? null,
      mcc: op.mcc,
      category: spending ? categoryOf(op.mcc ?? '') : null,
      counterparty_name_masked: op.counterparty_name_masked,
      counterparty_phone_masked: op.counterparty_phone_masked,
      card_id: op.card_id,
      card_last4: op.card_last4,
      bank: op.bank,
      note: op.note,
      order_id: op.order_id,
      channel: op.channel,
      failure_code: op.failure_code,
      seq: op.seq,
      source: op.source,
    };
  }

  /** Newest first, filtered as the core does: search over merchant, counterparty and note. */
  private matching(q: HistoryQuery): HistoryEntry[] {
    if (q.month != null && !/^\d{4}-(0[1-9]|1[0-2])$/.test(q.month)) throw new WalletError('MALFORMED_REQUEST');
    const terms = (q.search ?? '').trim().toLowerCase().split(/\s+/).filter(Boolean);
    return this.operations
      .map((o) => this.entryOf(o))
      .filter((e) => {
        if (q.month != null && e.month !== q.month) return false;
        if (q.kind != null && e.kind !== q.kind) return false;
        if (q.card_id != null && e.card_id !== q.card_id) return false;
        if (q.category != null && e.category !== q.category) return false;
        const text = [e.merchant_name, e.counterparty_name_masked, e.note].filter(Boolean).join(' ').toLowerCase();
        return terms.every((t) => text.includes(t));
      });
  }

  private summary(month: string): MonthlySummary {
    const spent = new Map<Category, { minor: number; count: number }>();
    let received = 0;
    for (const o of this.operations) {
      if (o.status !== 'succeeded' || monthOf(o.created_at) !== month) continue;
      if (o.kind === 'transfer_in') received = addMinor(received, o.amount.minor);
      if (o.kind !== 'payment' && o.kind !== 'refund') continue;
      const c = categoryOf(o.mcc ?? '');
      const t = spent.get(c) ?? { minor: 0, count: 0 };
      t.minor = addMinor(t.minor, o.kind === 'payment' ? o.amount.minor : -o.amount.minor);
      if (o.kind === 'payment') t.count += 1;
      spent.set(c, t);
    }
    for (const c of this.budgetList.keys()) if (!spent.has(c)) spent.set(c, { minor: 0, count: 0 });
    const by_category = [...spent.entries()]
      .map(([category, t]) => ({ category, spent: cny(t.minor), count: t.count, budget: this.budgetList.has(category) ? cny(this.budgetList.get(category) as number) : null }))
      .sort((a, b) => b.spent.minor - a.spent.minor || a.category.localeCompare(b.category));
    return { month, spent: cny(by_category.reduce((sum, c) => addMinor(sum, c.spent.minor), 0)), received: cny(received), by_category };
  }

  /** The devices of the account, for assertions. */
  deviceIds(): string[] {
    return this.deviceList.map((d) => d.device_id);
  }

  /** No money moves while the account is frozen (docs/rules.md §Lost phone). */
  private notFrozen(): void {
    if (this.frozenSince !== null) throw new WalletError('ACCOUNT_FROZEN');
  }

  /** A 24-hour cooling-off from now, or the running one lengthened (it keeps its start). */
  private startCoolingOff(): void {
    const until = this.in(LIMITS.cooling_off_secs);
    const running = this.coolingOffUntil !== null && new Date(this.coolingOffUntil) > this.now;
    if (!running) this.coolingOffSince = this.now.toISOString();
    if (!running || until > (this.coolingOffUntil as string)) this.coolingOffUntil = until;
  }

  /**
   * During the cooling-off, at most the small cap may leave the account in all: withdrawals,
   * transfers and merchant payments add up from its start (docs/rules.md §Cooling-off).
   */
  private notCoolingOff(amountMinor: number): void {
    const view = this.statusView();
    if (view.state !== 'cooling_off' || !view.cooling_off_until) return;
    const since = this.coolingOffSince ?? '';
    const spent = this.operations
      .filter((op) => ['withdrawal', 'transfer_out', 'payment'].includes(op.kind) && op.status !== 'failed' && op.created_at >= since)
      .reduce((sum, op) => addMinor(sum, op.amount.minor), 0);
    if (addMinor(spent, amountMinor) <= view.cooling_off_limit.minor) return;
    const secs = Math.ceil((new Date(view.cooling_off_until).getTime() - this.now.getTime()) / 1000);
    throw new WalletError('COOLING_OFF', 'COOLING_OFF', secs);
  }

  private statusView(): AccountStatus {
    const cooling = this.coolingOffUntil !== null && new Date(this.coolingOffUntil) > this.now;
    return {
      state: this.frozenSince !== null ? 'frozen' : cooling ? 'cooling_off' : 'active',
      frozen_since: this.frozenSince,
      cooling_off_until: cooling ? this.coolingOffUntil : null,
      cooling_off_limit: cny(LIMITS.cooling_off_limit),
    };
  }

  private logSecurity(kind: SecurityEventKind, deviceId: string | null): void {
    const top = this.securityEvents.reduce((m, e) => Math.max(m, Number(e.id)), 1000);
    const device = this.deviceList.find((d) => d.device_id === deviceId);
    this.securityEvents.push({ id: String(top + 1), kind, at: this.now.toISOString(), device_name: device?.name ?? null, detail: null });
  }

  private resolve(payload: string): QrPayment {
    const qr = decodeQr(payload);
    if (!qr.payable || !qr.wallet) throw new WalletError('QR_NOT_PAYABLE');
    const merchant = this.merchants.get(qr.wallet.merchant_id);
    if (!merchant) throw new WalletError('MERCHANT_NOT_FOUND');
    const printed = qr.merchant_name ?? '';
    const base = {
      payload,
      merchant_id: merchant.merchant_id,
      merchant_name: merchant.name,
      merchant_city: merchant.city,
      mcc: merchant.mcc,
      printed_name: printed,
      name_mismatch: printed !== merchant.name,
    };
    if (!qr.wallet.order_id) return { ...base, channel: 'static_qr', amount: null, order_id: null, expires_at: null };
    const order = this.openOrder(qr.wallet.order_id);
    return { ...base, channel: 'dynamic_qr', amount: { ...order.amount }, order_id: order.order_id, expires_at: order.expires_at };
  }

  private openOrder(orderId: string): Order {
    this.expireOrders();
    const order = this.orderList.find((o) => o.order_id === orderId);
    if (!order) throw new WalletError('ORDER_NOT_FOUND');
    if (order.status === 'paid' || order.status === 'refunded') throw new WalletError('ORDER_ALREADY_PAID');
    if (order.status === 'expired') throw new WalletError('ORDER_EXPIRED');
    if (order.status === 'declined') throw new WalletError('ORDER_CLOSED');
    return order;
  }

  private expireOrders(): void {
    const now = Date.now();
    for (const o of this.orderList) if (o.status === 'open' && Date.parse(o.expires_at) <= now) o.status = 'expired';
  }

  /** A payment from the wallet balance to `merchant`; the order (if any) becomes paid. */
  private pay(merchant: Merchant, amount: number, channel: PaymentChannel, order: Order | null, chosen: string | null = null): Operation {
    const source = chosen ?? this.pickSource(amount);
    const card = source.startsWith('card:') ? this.cardList.find((c) => `card:${c.card_id}` === source) : undefined;
    if (source.startsWith('card:') && !card) throw new WalletError('CARD_NOT_FOUND');
    if (card && card.status !== 'active') throw new WalletError('CARD_SUSPENDED');
    if (source === 'balance' && amount > this.balanceMinor) throw new WalletError('BALANCE_INSUFFICIENT');
    const at = this.now.toISOString();
    const op: Operation = {
      operation_id: `op-${++this.seq}`,
      kind: 'payment',
      status: 'succeeded',
      amount: cny(amount),
      fee: cny(0),
      card_id: null,
      card_last4: null,
      bank: null,
      merchant_id: merchant.merchant_id,
      merchant_name: merchant.name,
      mcc: merchant.mcc,
      order_id: order?.order_id ?? null,
      channel,
      failure_code: null,
      counterparty_name_masked: null,
      counterparty_phone_masked: null,
      note: null,
      seq: this.seq,
      created_at: at,
      updated_at: at,
      source: null,
    };
    op.source = source;
    if (card) {
      op.card_id = card.card_id;
      op.card_last4 = card.last4;
      op.bank = card.bank;
    }
    // The fake gateways: a declining card and the phone bill's monthly cap fail the payment.
    const refusal: ErrorCode | null =
      card && card.outcome === 'decline' ? 'CARD_DECLINED' : source === 'carrier' && amount > this.carrierLeft ? 'CARRIER_CAP_REACHED' : null;
    if (refusal) {
      this.fail(op, refusal);
      this.operations.unshift(op);
      return op;
    }
    if (source === 'balance') this.balanceMinor = addMinor(this.balanceMinor, -amount);
    if (source === 'carrier') this.carrierLeft -= amount;
    this.operations.unshift(op);
    if (order) {
      order.status = 'paid';
      order.payment_operation_id = op.operation_id;
    }
    return op;
  }

  /** The default order's pick: the balance only when it covers the amount. */
  private pickSource(amount: number): string {
    for (const id of this.fundingOrder) {
      if (id === 'balance') {
        if (amount <= this.balanceMinor) return id;
        continue;
      }
      if (id === 'carrier') return id;
      if (this.cardList.some((c) => `card:${c.card_id}` === id && c.status === 'active')) return id;
    }
    return 'balance';
  }

  private sourcesView(): FundingSources {
    const phone = this.profile?.phone_masked ?? null;
    return {
      order: this.fundingOrder.filter((id) => !id.startsWith('card:') || this.cardList.some((c) => `card:${c.card_id}` === id && c.status === 'active')),
      sources: [
        { source: 'balance', kind: 'balance', usable: true, balance: cny(this.balanceMinor), card: null, phone_masked: null, monthly_remaining: null },
        ...this.cardList.map((c) => ({
          source: `card:${c.card_id}`,
          kind: 'card' as const,
          usable: c.status === 'active',
          balance: null,
          card: publicCard(c),
          phone_masked: null,
          monthly_remaining: null,
        })),
        { source: 'carrier', kind: 'carrier', usable: true, balance: null, card: null, phone_masked: phone, monthly_remaining: cny(this.carrierLeft) },
      ],
    };
  }

  async fundingSources(): Promise<FundingSources> {
    await this.enter('fundingSources', true);
    await this.online();
    return this.sourcesView();
  }

  async setFundingOrder(order: string[]): Promise<FundingSources> {
    await this.enter('setFundingOrder', true);
    await this.online();
    if (order.length === 0 || new Set(order).size !== order.length) throw new WalletError('SOURCE_INVALID');
    for (const id of order) {
      if (id === 'balance' || id === 'carrier') continue;
      const card = id.startsWith('card:') ? this.cardList.find((c) => `card:${c.card_id}` === id) : undefined;
      if (!id.startsWith('card:')) throw new WalletError('SOURCE_INVALID');
      if (!card) throw new WalletError('CARD_NOT_FOUND');
      if (card.status !== 'active') throw new WalletError('CARD_SUSPENDED');
    }
    this.fundingOrder = [...order];
    return this.sourcesView();
  }

  private settingsView(): PaycodeSettings {
    return {
      no_pin_enabled: this.noPin.enabled,
      no_pin_per_payment: cny(this.noPin.perPayment),
      no_pin_daily: cny(this.noPin.daily),
      no_pin_daily_remaining: cny(Math.max(0, this.noPin.daily - this.noPin.used)),
      max_per_payment: cny(this.noPinMax.perPayment),
      max_daily: cny(this.noPinMax.daily),
    };
  }

  /** Resolves every pending operation now, as the bank's late answer would. */
  settlePending(): void {
    for (const op of this.operations) if (op.status === 'pending') this.settle(op);
  }

  private settle(op: Operation): void {
    op.status = 'succeeded';
    op.updated_at = this.now.toISOString();
    if (op.kind === 'topup') this.balanceMinor = addMinor(this.balanceMinor, op.amount.minor);
  }

  private succeed(op: Operation): void {
    op.status = 'succeeded';
    if (op.kind === 'topup') {
      this.balanceMinor = addMinor(this.balanceMinor, op.amount.minor);
      this.usedToday.topup = addMinor(this.usedToday.topup, op.amount.minor);
    } else {
      this.balanceMinor = addMinor(this.balanceMinor, -op.amount.minor);
      this.usedToday.withdraw = addMinor(this.usedToday.withdraw, op.amount.minor);
    }
  }

  private fail(op: Operation, code: ErrorCode): void {
    op.status = 'failed';
    op.failure_code = code;
  }

  private newOperation(kind: Operation['kind'], amount: number, fee: number, card: StoredCard): Operation {
    const at = this.now.toISOString();
    const op: Operation = {
      operation_id: `op-${++this.seq}`,
      kind,
      status: 'pending',
      amount: cny(amount),
      fee: cny(fee),
      card_id: card.card_id,
      card_last4: card.last4,
      bank: card.bank,
      merchant_id: null,
      merchant_name: null,
      mcc: null,
      order_id: null,
      channel: null,
      failure_code: null,
      counterparty_name_masked: null,
      counterparty_phone_masked: null,
      note: null,
      seq: this.seq,
      created_at: at,
      updated_at: at,
      source: null,
    };
    this.operations.unshift(op);
    return op;
  }

  private replay(key: string | null, fingerprint: string): Operation | null {
    if (key == null) return null;
    if (!/^[A-Za-z0-9_-]{8,64}$/.test(key)) throw new WalletError('IDEMPOTENCY_KEY_MISSING');
    const seen = this.idempotency.get(key);
    if (!seen) return null;
    if (seen.fingerprint !== fingerprint) throw new WalletError('IDEMPOTENCY_KEY_REUSED');
    const op = this.operations.find((o) => o.operation_id === seen.operationId);
    return op ? { ...op } : null;
  }

  private remember(key: string | null, fingerprint: string, op: Operation): void {
    if (key != null) this.idempotency.set(key, { fingerprint, operationId: op.operation_id });
  }

  private limitsLeft(): MoneyLimits {
    return {
      topup_per_payment: cny(this.limits.topupPerPayment),
      topup_daily_remaining: cny(Math.max(0, addMinor(this.limits.topupDaily, -this.usedToday.topup))),
      withdraw_per_payment: cny(this.limits.withdrawPerPayment),
      withdraw_daily_remaining: cny(Math.max(0, addMinor(this.limits.withdrawDaily, -this.usedToday.withdraw))),
    };
  }

  private async online(): Promise<void> {
    if (this.offline) throw new WalletError('NETWORK');
  }

  private account(): Account {
    const acct = [...this.accounts.values()].find((a) => a.accountId === this.profile?.account_id);
    if (!acct) throw new WalletError('NOT_SIGNED_IN');
    return acct;
  }

  private locked(): boolean {
    return this.pinLockedUntil !== null && this.pinLockedUntil > this.now;
  }

  /** A PIN check like the server's: 5 wrong tries lock it for 3 hours. */
  private checkPin(pin: string): void {
    if (this.pin === null) throw new WalletError('PIN_NOT_SET');
    if (this.locked()) {
      const secs = Math.ceil(((this.pinLockedUntil as Date).getTime() - this.now.getTime()) / 1000);
      throw new WalletError('PIN_LOCKED', 'PIN_LOCKED', secs);
    }
    if (pin === this.pin) {
      this.pinTries = 0;
      return;
    }
    this.pinTries += 1;
    if (this.pinTries >= LIMITS.pin_failures_max) {
      this.pinTries = 0;
      this.pinLockedUntil = new Date(this.now.getTime() + LIMITS.pin_lock_secs * 1000);
      throw new WalletError('PIN_LOCKED', 'PIN_LOCKED', LIMITS.pin_lock_secs);
    }
    throw new WalletError('PIN_WRONG');
  }

  /** The server's PIN rules (docs/rules.md §Credentials), as core.gen.json answers them for this account. */
  private pinRules(pin: string): void {
    const acct = this.account();
    const refused = pinVerdict(acct.phone, acct.idNumber, pin);
    if (refused) throw new WalletError(refused);
  }

  private storeCard(number: string, inspection: CardInspection, outcome: CardOutcome): StoredCard {
    const card: StoredCard = {
      card_id: `card-${++this.seq}`,
      bank: inspection.bank,
      scheme: inspection.scheme ?? 'unionpay',
      card_type: inspection.card_type ?? 'debit',
      last4: number.slice(-4),
      status: 'active',
      is_default: !this.cardList.some((c) => c.is_default),
      bound_at: new Date(this.now.getTime() + this.seq * 1000).toISOString(),
      outcome,
      number,
    };
    this.cardList.push(card);
    return card;
  }

  private sortedCards(): StoredCard[] {
    return [...this.cardList].sort((a, b) => Number(b.is_default) - Number(a.is_default) || b.bound_at.localeCompare(a.bound_at));
  }

  private card(cardId: string): StoredCard {
    const c = this.cardList.find((x) => x.card_id === cardId);
    if (!c) throw new WalletError('CARD_NOT_FOUND');
    return c;
  }

  private defaultCard(fits: (c: StoredCard) => boolean = () => true): StoredCard {
    if (this.cardList.length === 0) throw new WalletError('NO_CARD');
    const c = this.sortedCards().find((x) => fits(x) && x.status === 'active');
    if (!c) throw new WalletError(this.cardList.some(fits) ? 'CARD_SUSPENDED' : 'CARD_NOT_DEBIT');
    return c;
  }

  private pickDefault(): void {
    const next = this.sortedCards().find((c) => c.status === 'active');
    if (next) next.is_default = true;
  }

  private newCode(): string {
    const code = String(100000 + ((this.seq * 7919 + this.calls.length * 104729) % 900000));
    this.lastCode = code;
    return code;
  }

  private in(seconds: number): string {
    return new Date(this.now.getTime() + seconds * 1000).toISOString();
  }

  private challenge(p: Pending): PendingVerification {
    const code = String(100000 + ((this.accounts.size * 7919 + this.calls.length * 104729) % 900000));
    this.pending = { ...p, code };
    this.lastCode = code;
    return this.pendingView(this.pending);
  }

  private pendingView(p: Pending): PendingVerification {
    const expires = new Date(this.now.getTime() + LIMITS.otp_ttl_secs * 1000);
    return { purpose: p.purpose, phone_masked: maskPhone(p.phone), expires_at: expires.toISOString() };
  }

  private enrol(acct: Account): Profile {
    const deviceId = `dev-${Math.random().toString(36).slice(2, 10)}`;
    this.profile = {
      account_id: acct.accountId,
      device_id: deviceId,
      phone: parsePhone(acct.phone).e164,
      phone_masked: maskPhone(acct.phone),
      name: acct.name,
      id_last4: acct.idNumber.slice(-4),
    };
    const at = this.now.toISOString();
    this.deviceList = [
      { device_id: deviceId, name: 'Wallet desktop on test', platform: 'linux', enrolled_at: at, last_seen_at: at, current: true },
    ];
    return this.profile;
  }
}

function publicCard(c: StoredCard): Card {
  return {
    card_id: c.card_id,
    bank: c.bank,
    scheme: c.scheme,
    card_type: c.card_type,
    last4: c.last4,
    status: c.status,
    is_default: c.is_default,
    bound_at: c.bound_at,
  };
}

/** `YYYY-MM` of an RFC 3339 time in China Standard Time (UTC+8), as the core files it. */
function monthOf(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 7);
}

/**
 * The fake's image decoder: a "picture" is the payload's UTF-8 bytes after the magic `QRIMG:`
 * (tests build such files); anything else is not an image, and `QRIMG:` alone holds no code.
 */
export const FAKE_IMAGE_MAGIC = 'QRIMG:';

function decodeImage(bytes: Uint8Array): string {
  const text = new TextDecoder().decode(bytes);
  if (!text.startsWith(FAKE_IMAGE_MAGIC)) throw new WalletError('QR_IMAGE_UNREADABLE');
  const payload = text.slice(FAKE_IMAGE_MAGIC.length);
  if (payload.trim() === '') throw new WalletError('QR_NOT_FOUND');
  return payload;
}

/**
 * A stand-in payment code: the core's prefix, length and step (core.gen.json), digits from a hash
 * of the fake seed and the step (the real code is the core's HMAC, which a fake seed cannot feed).
 */
function paycodeView(seed: string, nowMs: number): PaycodeView {
  const { step_secs, code_len, prefix } = CORE.paycode;
  const step = Math.floor(nowMs / (step_secs * 1000));
  let h = 2166136261;
  for (const ch of `${seed}/${step}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  const digits = `${prefix}${String(h).padStart(10, '0')}${String(step).padStart(code_len, '0')}`.slice(0, code_len);
  const expires = (step + 1) * step_secs * 1000;
  const svg = (label: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><title>${label}</title><rect width="10" height="10" fill="#fff"/><text x="0" y="6" font-size="2">${digits}</text></svg>`;
  return {
    code: digits,
    grouped: digits.replace(/(\d{4})(?=\d)/g, '$1 '),
    expires_at: new Date(expires).toISOString(),
    seconds_left: Math.max(0, Math.ceil((expires - nowMs) / 1000)),
    qr_svg: svg('qr'),
    barcode_svg: svg('barcode'),
  };
}
