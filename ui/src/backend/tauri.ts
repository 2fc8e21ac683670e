import { invoke } from '@tauri-apps/api/core';
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

async function call<T>(cmd: string, args?: Record<string, unknown> | Uint8Array): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw WalletError.from(e);
  }
}

/** The desktop backend: each method is one Tauri command in `desktop/src/lib.rs`. */
export class TauriBackend implements Backend {
  status(): Promise<SessionStatus> {
    return call('status');
  }
  passwordStrength(password: string, userInputs: string[]): Promise<PasswordStrength> {
    return call('password_strength', { password, userInputs });
  }
  signup(input: SignupInput): Promise<PendingVerification> {
    return call('signup', { input });
  }
  login(phone: string, password: string): Promise<PendingVerification> {
    return call('login', { phone, password });
  }
  loginSms(phone: string): Promise<PendingVerification> {
    return call('login_sms', { phone });
  }
  verify(code: string): Promise<Profile> {
    return call('verify', { code });
  }
  whoami(): Promise<Profile> {
    return call('whoami');
  }
  devices(): Promise<Device[]> {
    return call('devices');
  }
  revokeDevice(deviceId: string): Promise<void> {
    return call('revoke_device', { deviceId });
  }
  logout(): Promise<void> {
    return call('logout');
  }
  inspectCard(number: string): Promise<CardInspection> {
    return call('inspect_card', { number });
  }
  parseAmount(amount: string): Promise<Money> {
    return call('parse_amount', { amount });
  }
  checkNewPin(pin: string): Promise<void> {
    return call('check_new_pin', { pin });
  }
  pinState(): Promise<PinState> {
    return call('pin_state');
  }
  setPin(pin: string): Promise<void> {
    return call('set_pin', { pin });
  }
  changePin(oldPin: string, newPin: string): Promise<void> {
    return call('change_pin', { oldPin, newPin });
  }
  startPinReset(password: string): Promise<PendingVerification> {
    return call('start_pin_reset', { password });
  }
  finishPinReset(code: string, newPin: string): Promise<void> {
    return call('finish_pin_reset', { code, newPin });
  }
  bindCard(number: string, bankPhone: string): Promise<PendingCardBinding> {
    return call('bind_card', { number, bankPhone });
  }
  verifyCard(code: string): Promise<Card> {
    return call('verify_card', { code });
  }
  cards(): Promise<Card[]> {
    return call('cards');
  }
  setDefaultCard(cardId: string): Promise<Card> {
    return call('set_default_card', { cardId });
  }
  unbindCard(cardId: string, pin: string): Promise<void> {
    return call('unbind_card', { cardId, pin });
  }
  reportCardLost(cardId: string): Promise<Card> {
    return call('report_card_lost', { cardId });
  }
  topUp(input: TopUpInput): Promise<Operation> {
    return call('top_up', { input });
  }
  withdraw(input: WithdrawInput): Promise<Operation> {
    return call('withdraw', { input });
  }
  balance(): Promise<Balance> {
    return call('balance');
  }
  operation(operationId: string): Promise<Operation> {
    return call('operation', { operationId });
  }
  decodeQr(payload: string): Promise<DecodedQr> {
    return call('decode_qr', { payload });
  }
  /** The bytes go as the raw request body (no JSON array of numbers, no base64). */
  decodeQrImage(bytes: Uint8Array): Promise<string> {
    return call('decode_qr_image', bytes);
  }
  resolveQr(payload: string): Promise<QrPayment> {
    return call('resolve_qr', { payload });
  }
  payQr(input: PayQrInput): Promise<Operation> {
    return call('pay_qr', { input });
  }
  paycode(): Promise<PaycodeView> {
    return call('paycode');
  }
  refreshPaycodeSeed(): Promise<PaycodeView> {
    return call('refresh_paycode_seed');
  }
  paycodeSettings(): Promise<PaycodeSettings> {
    return call('paycode_settings');
  }
  setPaycodeSettings(input: PaycodeSettingsInput): Promise<PaycodeSettings> {
    return call('set_paycode_settings', { input });
  }
  orders(): Promise<Order[]> {
    return call('orders');
  }
  confirmOrder(orderId: string, pin: string, idempotencyKey: string | null, source: string | null = null): Promise<Operation> {
    return call('confirm_order', { orderId, pin, idempotencyKey, source });
  }
  fundingSources(): Promise<FundingSources> {
    return call('funding_sources');
  }
  setFundingOrder(order: string[]): Promise<FundingSources> {
    return call('set_funding_order', { order });
  }
  declineOrder(orderId: string): Promise<Order> {
    return call('decline_order', { orderId });
  }
  reportLost(input: ReportLostInput): Promise<void> {
    return call('report_lost', { input });
  }
  accountStatus(): Promise<AccountStatus> {
    return call('account_status');
  }
  unfreeze(idNumber: string, pin: string): Promise<AccountStatus> {
    return call('unfreeze', { idNumber, pin });
  }
  securityLog(before: string | null): Promise<SecurityLog> {
    return call('security_log', { before });
  }
  syncEvents(): Promise<DeviceEvent[]> {
    return call('sync_events');
  }
  settings(): Promise<AccountSettings> {
    return call('settings');
  }
  setSmsLogin(enabled: boolean, pin: string | null): Promise<AccountSettings> {
    return call('set_sms_login', { enabled, pin });
  }
  setSmsPay(enabled: boolean, pin: string | null): Promise<AccountSettings> {
    return call('set_sms_pay', { enabled, pin });
  }
  freezeAccount(deviceId: string | null): Promise<AccountStatus> {
    return call('freeze_account', { deviceId });
  }
  startPhoneChange(input: PhoneChangeInput): Promise<PhoneChangeStarted> {
    return call('start_phone_change', { input });
  }
  finishPhoneChange(input: PhoneChangeFinish): Promise<Profile> {
    return call('finish_phone_change', { input });
  }
  lookupRecipient(phone: string): Promise<Recipient> {
    return call('lookup_recipient', { phone });
  }
  transfer(input: TransferInput): Promise<Operation> {
    return call('transfer', { input });
  }
  syncHistory(): Promise<HistorySync> {
    return call('sync_history');
  }
  history(query: HistoryQuery): Promise<HistoryPage> {
    return call('history', { query });
  }
  historyEntry(operationId: string): Promise<HistoryEntry> {
    return call('history_entry', { operationId });
  }
  monthlySummary(month: string | null): Promise<MonthlySummary> {
    return call('monthly_summary', { month });
  }
  budgets(): Promise<Budget[]> {
    return call('budgets');
  }
  setBudget(category: Category, amount: string | null): Promise<void> {
    return call('set_budget', { category, amount });
  }
  saveHistoryCsv(query: HistoryQuery): Promise<string> {
    return call('save_history_csv', { query });
  }
  exportedFiles(): Promise<string[]> {
    return call('exported_files');
  }
  deleteExports(): Promise<number> {
    return call('delete_exports');
  }
  shellSettings(): Promise<ShellSettings> {
    return call('shell_settings');
  }
  setProviderUrl(url: string | null): Promise<ShellSettings> {
    return call('set_provider_url', { url });
  }
  setLockAfter(secs: number): Promise<ShellSettings> {
    return call('set_lock_after', { secs });
  }
  setNotifications(enabled: boolean): Promise<ShellSettings> {
    return call('set_notifications', { enabled });
  }
  setLocale(locale: string): Promise<void> {
    return call('set_locale', { locale });
  }
  about(): Promise<About> {
    return call('about');
  }
  lockState(): Promise<LockState> {
    return call('lock_state');
  }
  touch(): Promise<LockState> {
    return call('touch');
  }
  lockNow(): Promise<LockState> {
    return call('lock_now');
  }
  unlock(pin: string): Promise<LockState> {
    return call('unlock', { pin });
  }
  protectScreen(on: boolean): Promise<void> {
    return call('protect_screen', { on });
  }
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
