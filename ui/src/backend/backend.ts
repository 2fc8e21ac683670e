import type {
  AccountSettings,
  AccountStatus,
  Balance,
  Card,
  CardInspection,
  DecodedQr,
  Device,
  DeviceEvent,
  ErrorCode,
  Money,
  FundingSources,
  Operation,
  Order,
  PasswordStrength,
  PaycodeSettings,
  PaycodeSettingsInput,
  PaycodeView,
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
  SecurityLog,
  SessionStatus,
  SignupInput,
  TopUpInput,
  WalletErrorData,
  WithdrawInput,
  Budget,
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

/**
 * Everything the UI may ask of the wallet: a mirror of the Rust `Wallet` facade. The Tauri
 * implementation calls the desktop commands; the in-memory one is a fake for component tests.
 * Every method rejects with a {@link WalletError} carrying a stable `code`.
 */
export interface Backend {
  status(): Promise<SessionStatus>;
  /** zxcvbn rating, computed in Rust exactly as the server will. */
  passwordStrength(password: string, userInputs: string[]): Promise<PasswordStrength>;
  signup(input: SignupInput): Promise<PendingVerification>;
  login(phone: string, password: string): Promise<PendingVerification>;
  /** Sign-in with an SMS code alone (then {@link verify}); `SMS_LOGIN_DISABLED` unless the account switched it on. */
  loginSms(phone: string): Promise<PendingVerification>;
  verify(code: string): Promise<Profile>;
  whoami(): Promise<Profile>;
  devices(): Promise<Device[]>;
  revokeDevice(deviceId: string): Promise<void>;
  logout(): Promise<void>;

  // --- bank cards, payment PIN, top-up, withdraw, balance ---
  /** Offline: Luhn, length, scheme, issuing bank and card type, for the live hint while typing. */
  inspectCard(number: string): Promise<CardInspection>;
  /** An amount as typed (`100`, `¥12.30`), parsed strictly by the core; `AMOUNT_INVALID` otherwise. */
  parseAmount(amount: string): Promise<Money>;
  /** Whether `pin` may become the payment PIN (`PIN_FORMAT_INVALID`, `PIN_WEAK`); sends nothing. */
  checkNewPin(pin: string): Promise<void>;
  pinState(): Promise<PinState>;
  setPin(pin: string): Promise<void>;
  changePin(oldPin: string, newPin: string): Promise<void>;
  /** A forgotten or locked PIN: the login password, then an SMS code and a new PIN. */
  startPinReset(password: string): Promise<PendingVerification>;
  finishPinReset(code: string, newPin: string): Promise<void>;
  /** The number goes to the bank only; the bank sends a code to `bankPhone`. */
  bindCard(number: string, bankPhone: string): Promise<PendingCardBinding>;
  verifyCard(code: string): Promise<Card>;
  /** Default card first, then the most recently bound. */
  cards(): Promise<Card[]>;
  setDefaultCard(cardId: string): Promise<Card>;
  unbindCard(cardId: string, pin: string): Promise<void>;
  reportCardLost(cardId: string): Promise<Card>;
  topUp(input: TopUpInput): Promise<Operation>;
  withdraw(input: WithdrawInput): Promise<Operation>;
  /** The balance, latest operations and today's limits; cached with `stale` when offline. */
  balance(): Promise<Balance>;
  operation(operationId: string): Promise<Operation>;

  // --- scan to pay, payment code, orders ---
  /** Offline: what a scanned payload is (`QR_CRC_MISMATCH`, `QR_MALFORMED_TLV`, ... when broken). Never opens it. */
  decodeQr(payload: string): Promise<DecodedQr>;
  /** Offline: the payload of the QR code in an image file's bytes (`QR_IMAGE_UNREADABLE`, `QR_NOT_FOUND`). */
  decodeQrImage(bytes: Uint8Array): Promise<string>;
  /** What paying this code would do: the merchant on record, a name-mismatch warning, a locked amount. */
  resolveQr(payload: string): Promise<QrPayment>;
  payQr(input: PayQrInput): Promise<Operation>;
  /** Offline: the payment code to show now (`PAYCODE_NOT_PROVISIONED` until {@link refreshPaycodeSeed} ran once online). */
  paycode(): Promise<PaycodeView>;
  /** Online: a fresh payment-code seed for this device (the old one stops working); answers the code to show now. */
  refreshPaycodeSeed(): Promise<PaycodeView>;
  paycodeSettings(): Promise<PaycodeSettings>;
  /** Limits as typed; they can only be lowered below the provider's ceilings. */
  setPaycodeSettings(input: PaycodeSettingsInput): Promise<PaycodeSettings>;
  /** Orders waiting for this user's decision (remote orders, payment codes over the no-PIN limit). */
  orders(): Promise<Order[]>;
  /** `source`: `balance`, `card:<id>` or `carrier`; `null`: the default order. */
  confirmOrder(orderId: string, pin: string, idempotencyKey: string | null, source?: string | null): Promise<Operation>;
  /** Where payments can come from (balance, bound cards, phone bill) and the default order. */
  fundingSources(): Promise<FundingSources>;
  /** A new default order: `balance`, `card:<id>`, `carrier`, each at most once (`SOURCE_INVALID`). */
  setFundingOrder(order: string[]): Promise<FundingSources>;
  declineOrder(orderId: string): Promise<Order>;

  // --- lost phone (docs/rules.md §Lost phone) ---
  /**
   * Signed out: freezes the account of `input.phone` when the identity (real name + last 6 of
   * the ID number, or the login password) matches. Resolves the same way whether or not the
   * phone has an account; rejects only for malformed input (`PHONE_INVALID`, `NAME_INVALID`,
   * `ID_NUMBER_INVALID`) or when the server cannot be reached.
   */
  reportLost(input: ReportLostInput): Promise<void>;
  /** Active, frozen (since when) or cooling off (until when). */
  accountStatus(): Promise<AccountStatus>;
  /** On a device enrolled after the freeze: the full ID number and the payment PIN; a cooling-off follows. */
  unfreeze(idNumber: string, pin: string): Promise<AccountStatus>;
  /** One page of the security log, newest first; `before` is the previous page's `next_before`. */
  securityLog(before: string | null): Promise<SecurityLog>;
  /** Device events since the last call (the core keeps the cursor), oldest first. */
  syncEvents(): Promise<DeviceEvent[]>;
  settings(): Promise<AccountSettings>;
  /** SMS-only sign-in: on needs the payment PIN, off needs nothing. */
  setSmsLogin(enabled: boolean, pin: string | null): Promise<AccountSettings>;
  /** SMS payment ("reply Y"): on needs the payment PIN, off needs nothing. */
  setSmsPay(enabled: boolean, pin: string | null): Promise<AccountSettings>;
  /**
   * Signed in, "not you? freeze now": freezes the account and signs out `deviceId` (or, when
   * null, every other device). This device stays signed in and can unfreeze later.
   */
  freezeAccount(deviceId: string | null): Promise<AccountStatus>;
  /**
   * Changing the phone number: the login password and either the full ID number or (without
   * one) a code the server sends to the old number; a code always goes to the new number.
   */
  startPhoneChange(input: PhoneChangeInput): Promise<PhoneChangeStarted>;
  /** The code(s) and what to do with the bank cards bound under the old number; the new profile. */
  finishPhoneChange(input: PhoneChangeFinish): Promise<Profile>;

  // --- transfers, history and insight (issue 6) ---
  /** Who has this phone number, masked (`**华`, `+86 139****0002`); `RECIPIENT_NOT_FOUND`, `TRANSFER_TO_SELF`. */
  lookupRecipient(phone: string): Promise<Recipient>;
  /** Wallet to wallet with the PIN; limits and the cooling-off apply; the key makes retries safe. */
  transfer(input: TransferInput): Promise<Operation>;
  /** Brings the local history up to date; budget thresholds newly reached this month come back as alerts. */
  syncHistory(): Promise<HistorySync>;
  /** Offline: a page of the local history, newest first (`before` = the previous page's `next_before`). */
  history(query: HistoryQuery): Promise<HistoryPage>;
  /** Offline: one entry (detail view); `NOT_FOUND` when unknown on this device. */
  historyEntry(operationId: string): Promise<HistoryEntry>;
  /** Offline: a month's (`YYYY-MM`, this month when null) spending by category. */
  monthlySummary(month: string | null): Promise<MonthlySummary>;
  budgets(): Promise<Budget[]>;
  /** A category's monthly budget as typed, or none with `null`. */
  setBudget(category: Category, amount: string | null): Promise<void>;
  /** The core's CSV (UTF-8 with BOM) of the matching history, saved to a new file; answers its path. */
  saveHistoryCsv(query: HistoryQuery): Promise<string>;
  /** The CSV files this profile exported that are still there (offered for deletion on log-out). */
  exportedFiles(): Promise<string[]>;
  /** Deletes the CSV files this profile exported (before logging out); answers how many. */
  deleteExports(): Promise<number>;

  // --- the desktop shell (issue 16): settings, About, the app lock, screen protection ---
  /** The provider in use and where it comes from, the idle time before the lock, notifications. */
  shellSettings(): Promise<ShellSettings>;
  /** Saves the provider URL (null: the default); signed out only, and not while `WALLET_SERVER` chooses it. */
  setProviderUrl(url: string | null): Promise<ShellSettings>;
  setLockAfter(secs: number): Promise<ShellSettings>;
  setNotifications(enabled: boolean): Promise<ShellSettings>;
  /** The UI's language, for the OS notifications' texts. */
  setLocale(locale: string): Promise<void>;
  about(): Promise<About>;
  /**
   * The app lock lives in the backend: while locked, every wallet call rejects with
   * `APP_LOCKED` whatever this page shows. Only {@link unlock} (the payment PIN, checked by the
   * provider) opens it; {@link logout} and {@link syncEvents} still work.
   */
  lockState(): Promise<LockState>;
  /** The user pressed a key or clicked: the idle clock restarts (activity never unlocks). */
  touch(): Promise<LockState>;
  lockNow(): Promise<LockState>;
  unlock(pin: string): Promise<LockState>;
  /** Keeps the window out of screenshots and screen sharing (the payment code screen). */
  protectScreen(on: boolean): Promise<void>;
}

/** A failure from the backend. The UI shows localised text for `code`, never `message`. */
export class WalletError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSecs: number | null;

  constructor(code: ErrorCode, message: string = code, retryAfterSecs: number | null = null) {
    super(message);
    this.name = 'WalletError';
    this.code = code;
    this.retryAfterSecs = retryAfterSecs;
  }

  /** Normalises anything a backend call threw (an error object from Tauri, a JS exception). */
  static from(e: unknown): WalletError {
    if (e instanceof WalletError) return e;
    if (isWalletErrorData(e)) {
      const retry = e.retry_after_secs == null ? null : Number(e.retry_after_secs);
      return new WalletError(e.code, e.message, retry);
    }
    return new WalletError('INTERNAL', e instanceof Error ? e.message : String(e));
  }
}

function isWalletErrorData(e: unknown): e is WalletErrorData {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as { code?: unknown }).code === 'string' &&
    typeof (e as { message?: unknown }).message === 'string'
  );
}

/**
 * Wraps a backend so any `DEVICE_REVOKED` answer (the core has already wiped the local data)
 * is reported once to `onRevoked`, and any `APP_LOCKED` answer to `onLocked`, before the error
 * propagates.
 */
export function watchRevocation(inner: Backend, onRevoked: () => void, onLocked: () => void = () => undefined): Backend {
  const guard =
    <A extends unknown[], T>(f: (...args: A) => Promise<T>) =>
    async (...args: A): Promise<T> => {
      try {
        return await f(...args);
      } catch (e) {
        const err = WalletError.from(e);
        if (err.code === 'DEVICE_REVOKED') onRevoked();
        if (err.code === 'APP_LOCKED') onLocked();
        throw err;
      }
    };
  return {
    status: guard(() => inner.status()),
    passwordStrength: guard((p: string, u: string[]) => inner.passwordStrength(p, u)),
    signup: guard((i: SignupInput) => inner.signup(i)),
    login: guard((p: string, pw: string) => inner.login(p, pw)),
    loginSms: guard((p: string) => inner.loginSms(p)),
    verify: guard((c: string) => inner.verify(c)),
    whoami: guard(() => inner.whoami()),
    devices: guard(() => inner.devices()),
    revokeDevice: guard((id: string) => inner.revokeDevice(id)),
    logout: guard(() => inner.logout()),
    inspectCard: guard((n: string) => inner.inspectCard(n)),
    parseAmount: guard((a: string) => inner.parseAmount(a)),
    checkNewPin: guard((p: string) => inner.checkNewPin(p)),
    pinState: guard(() => inner.pinState()),
    setPin: guard((p: string) => inner.setPin(p)),
    changePin: guard((o: string, n: string) => inner.changePin(o, n)),
    startPinReset: guard((pw: string) => inner.startPinReset(pw)),
    finishPinReset: guard((c: string, p: string) => inner.finishPinReset(c, p)),
    bindCard: guard((n: string, p: string) => inner.bindCard(n, p)),
    verifyCard: guard((c: string) => inner.verifyCard(c)),
    cards: guard(() => inner.cards()),
    setDefaultCard: guard((id: string) => inner.setDefaultCard(id)),
    unbindCard: guard((id: string, p: string) => inner.unbindCard(id, p)),
    reportCardLost: guard((id: string) => inner.reportCardLost(id)),
    topUp: guard((i: TopUpInput) => inner.topUp(i)),
    withdraw: guard((i: WithdrawInput) => inner.withdraw(i)),
    balance: guard(() => inner.balance()),
    operation: guard((id: string) => inner.operation(id)),
    decodeQr: guard((p: string) => inner.decodeQr(p)),
    decodeQrImage: guard((b: Uint8Array) => inner.decodeQrImage(b)),
    resolveQr: guard((p: string) => inner.resolveQr(p)),
    payQr: guard((i: PayQrInput) => inner.payQr(i)),
    paycode: guard(() => inner.paycode()),
    refreshPaycodeSeed: guard(() => inner.refreshPaycodeSeed()),
    paycodeSettings: guard(() => inner.paycodeSettings()),
    setPaycodeSettings: guard((i: PaycodeSettingsInput) => inner.setPaycodeSettings(i)),
    orders: guard(() => inner.orders()),
    confirmOrder: guard((id: string, pin: string, key: string | null, source?: string | null) => inner.confirmOrder(id, pin, key, source)),
    fundingSources: guard(() => inner.fundingSources()),
    setFundingOrder: guard((order: string[]) => inner.setFundingOrder(order)),
    declineOrder: guard((id: string) => inner.declineOrder(id)),
    reportLost: guard((i: ReportLostInput) => inner.reportLost(i)),
    accountStatus: guard(() => inner.accountStatus()),
    unfreeze: guard((id: string, pin: string) => inner.unfreeze(id, pin)),
    securityLog: guard((before: string | null) => inner.securityLog(before)),
    syncEvents: guard(() => inner.syncEvents()),
    settings: guard(() => inner.settings()),
    setSmsLogin: guard((on: boolean, pin: string | null) => inner.setSmsLogin(on, pin)),
    setSmsPay: guard((on: boolean, pin: string | null) => inner.setSmsPay(on, pin)),
    freezeAccount: guard((id: string | null) => inner.freezeAccount(id)),
    startPhoneChange: guard((i: PhoneChangeInput) => inner.startPhoneChange(i)),
    finishPhoneChange: guard((i: PhoneChangeFinish) => inner.finishPhoneChange(i)),
    lookupRecipient: guard((p: string) => inner.lookupRecipient(p)),
    transfer: guard((i: TransferInput) => inner.transfer(i)),
    syncHistory: guard(() => inner.syncHistory()),
    history: guard((q: HistoryQuery) => inner.history(q)),
    historyEntry: guard((id: string) => inner.historyEntry(id)),
    monthlySummary: guard((month: string | null) => inner.monthlySummary(month)),
    budgets: guard(() => inner.budgets()),
    setBudget: guard((c: Category, a: string | null) => inner.setBudget(c, a)),
    saveHistoryCsv: guard((q: HistoryQuery) => inner.saveHistoryCsv(q)),
    exportedFiles: guard(() => inner.exportedFiles()),
    deleteExports: guard(() => inner.deleteExports()),
    shellSettings: guard(() => inner.shellSettings()),
    setProviderUrl: guard((url: string | null) => inner.setProviderUrl(url)),
    setLockAfter: guard((secs: number) => inner.setLockAfter(secs)),
    setNotifications: guard((on: boolean) => inner.setNotifications(on)),
    setLocale: guard((l: string) => inner.setLocale(l)),
    about: guard(() => inner.about()),
    lockState: guard(() => inner.lockState()),
    touch: guard(() => inner.touch()),
    lockNow: guard(() => inner.lockNow()),
    unlock: guard((pin: string) => inner.unlock(pin)),
    protectScreen: guard((on: boolean) => inner.protectScreen(on)),
  };
}
