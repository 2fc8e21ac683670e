//! Plain data the facade returns to shells. TypeScript types for the UI are generated from
//! these with ts-rs (`cargo test -p wallet-core --features ts export_bindings`).

use serde::{Deserialize, Serialize};

pub use wallet_protocol::api::ChallengePurpose;
pub use wallet_protocol::password::PasswordStrength;

/// What `signup` needs. The password is dropped from memory after use.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SignupInput {
    pub phone: String,
    pub name: String,
    pub id_number: String,
    pub password: String,
}

impl std::fmt::Debug for SignupInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupInput").finish_non_exhaustive()
    }
}

/// A sign-up or sign-in waiting for the SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PendingVerification {
    pub purpose: ChallengePurpose,
    /// `+86 138****5678`
    pub phone_masked: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// The signed-in user, as shown on the home screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Profile {
    pub account_id: String,
    pub device_id: String,
    /// E.164.
    pub phone: String,
    pub phone_masked: String,
    pub name: String,
    pub id_last4: String,
}

/// One device of the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Device {
    pub device_id: String,
    pub name: String,
    pub platform: String,
    /// RFC 3339 UTC.
    pub enrolled_at: String,
    /// RFC 3339 UTC.
    pub last_seen_at: String,
    /// This device.
    pub current: bool,
}

/// Where this profile stands; what the app shows at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SessionStatus {
    SignedOut,
    PendingVerification { pending: PendingVerification },
    SignedIn { profile: Profile },
}

// --- cards, PIN and money (issue 3) ----------------------------------------------------------

pub use wallet_protocol::api::{
    CardStatus, OperationKind, OperationStatus, OrderStatus, PaymentChannel,
};
pub use wallet_protocol::card::{Bank, CardInspection, CardScheme, CardType};
pub use wallet_protocol::money::{Currency, Money};
pub use wallet_protocol::qr::{DecodedQr, QrKind, QrNetwork, WalletQr};

use crate::ErrorCode;

/// Whether the payment PIN is set and whether five wrong tries locked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PinState {
    pub set: bool,
    /// RFC 3339 UTC, while locked.
    pub locked_until: Option<String>,
}

/// A card binding waiting for the bank's SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PendingCardBinding {
    pub binding_id: String,
    /// Where the bank sent the code: `+86 138****5678`.
    pub phone_masked: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
    pub bank: Option<Bank>,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub last4: String,
}

/// A bound card: never more than its last 4 digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Card {
    pub card_id: String,
    pub bank: Option<Bank>,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub last4: String,
    pub status: CardStatus,
    pub is_default: bool,
    /// RFC 3339 UTC.
    pub bound_at: String,
}

/// A money movement as the app shows it: top-up, withdrawal, merchant payment or refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Operation {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub amount: Money,
    /// Kept from a withdrawal; the card receives `amount - fee`.
    pub fee: Money,
    /// The card of a top-up or withdrawal.
    pub card_id: Option<String>,
    pub card_last4: Option<String>,
    pub bank: Option<Bank>,
    /// The merchant of a payment or refund, as the server has it on record.
    pub merchant_id: Option<String>,
    pub merchant_name: Option<String>,
    /// ISO 18245 merchant category code.
    pub mcc: Option<String>,
    pub order_id: Option<String>,
    /// How a payment was started.
    pub channel: Option<PaymentChannel>,
    pub failure_code: Option<ErrorCode>,
    /// The other user of a transfer, masked (`*明`).
    pub counterparty_name_masked: Option<String>,
    /// `138****5678`.
    pub counterparty_phone_masked: Option<String>,
    /// The sender's note on a transfer.
    pub note: Option<String>,
    /// The history feed's sequence number of this version of the operation.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC.
    pub updated_at: String,
    /// Where a payment's money came from (a refund: where it goes back to): `balance`,
    /// `card:<card_id>` or `carrier` (the phone bill); `None` for other kinds.
    #[serde(default)]
    pub source: Option<String>,
}

/// What is left of today's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MoneyLimits {
    pub topup_per_payment: Money,
    pub topup_daily_remaining: Money,
    pub withdraw_per_payment: Money,
    pub withdraw_daily_remaining: Money,
}

/// The wallet balance with the latest operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Balance {
    pub balance: Money,
    /// Newest first.
    pub operations: Vec<Operation>,
    pub limits: MoneyLimits,
    /// RFC 3339 UTC: when the server last confirmed these figures.
    pub as_of: String,
    /// True when the server could not be reached and these are the cached figures.
    pub stale: bool,
}

/// What `top_up` needs. `amount` is what the user typed (`100`, `¥12.30`). The payment PIN
/// confirms it like a withdrawal (it pulls money from the user's card); it is dropped from
/// memory after use.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TopUpInput {
    pub amount: String,
    /// The default card when absent.
    pub card_id: Option<String>,
    pub pin: String,
    /// A retry with the same key never moves money twice. Made fresh when absent.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for TopUpInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopUpInput")
            .field("amount", &self.amount)
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

/// What `withdraw` needs. The PIN is dropped from memory after use.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WithdrawInput {
    pub amount: String,
    /// The default debit card when absent.
    pub card_id: Option<String>,
    pub pin: String,
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for WithdrawInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithdrawInput")
            .field("amount", &self.amount)
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

/// What paying a scanned merchant code would do: the merchant *on record* at the provider,
/// and a warning when the name printed in the code differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct QrPayment {
    pub payload: String,
    pub merchant_id: String,
    pub merchant_name: String,
    pub merchant_city: String,
    pub mcc: String,
    /// The name printed in the QR code (tag 59).
    pub printed_name: String,
    /// True when the printed name differs from the name on record: show a warning.
    pub name_mismatch: bool,
    /// `static_qr`: the payer types the amount; `dynamic_qr`: `amount` is locked.
    pub channel: PaymentChannel,
    pub amount: Option<Money>,
    pub order_id: Option<String>,
    /// RFC 3339 UTC, for dynamic codes.
    pub expires_at: Option<String>,
}

/// What `pay_qr` needs. `amount` is what the user typed; required for static codes.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PayQrInput {
    pub payload: String,
    pub amount: Option<String>,
    /// `balance`, `card:<card_id>` or `carrier`; absent: the account's default order.
    #[serde(default)]
    #[cfg_attr(feature = "uniffi", uniffi(default = None))]
    pub source: Option<String>,
    pub pin: String,
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for PayQrInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayQrInput")
            .field("amount", &self.amount)
            .finish_non_exhaustive()
    }
}

/// The payment code to show now, made offline. Never logged.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PaycodeView {
    /// 18 digits.
    pub code: String,
    /// `2812 3456 7890 1234 56`, for reading aloud.
    pub grouped: String,
    /// RFC 3339 UTC: when the next code replaces this one.
    pub expires_at: String,
    pub seconds_left: u32,
    /// The code as a QR symbol, a standalone SVG document.
    pub qr_svg: String,
    /// The code as a Code 128 barcode, a standalone SVG document.
    pub barcode_svg: String,
}

impl std::fmt::Debug for PaycodeView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaycodeView")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// How much a payment code may pay without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PaycodeSettings {
    /// Off: every payment-code payment waits for the PIN in the app.
    pub no_pin_enabled: bool,
    pub no_pin_per_payment: Money,
    pub no_pin_daily: Money,
    pub no_pin_daily_remaining: Money,
    /// The provider's ceilings: limits can be lowered, never raised above these.
    pub max_per_payment: Money,
    pub max_daily: Money,
}

/// New no-PIN limits, as typed (`100`, `¥50`). Switching no-PIN payments on or raising a
/// limit needs the payment PIN (`PIN_REQUIRED` without it); lowering or switching off does not.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PaycodeSettingsInput {
    pub no_pin_enabled: bool,
    pub no_pin_per_payment: String,
    pub no_pin_daily: String,
    /// The payment PIN, when the change switches on or raises a limit.
    #[serde(default)]
    pub pin: Option<String>,
}

impl std::fmt::Debug for PaycodeSettingsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaycodeSettingsInput")
            .field("no_pin_enabled", &self.no_pin_enabled)
            .field("no_pin_per_payment", &self.no_pin_per_payment)
            .field("no_pin_daily", &self.no_pin_daily)
            .finish_non_exhaustive()
    }
}

/// A merchant order waiting for the user (remote order, or a payment code over the no-PIN
/// limit), or one the user already answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Order {
    pub order_id: String,
    pub merchant_id: String,
    pub merchant_name: String,
    pub merchant_city: String,
    pub mcc: String,
    pub amount: Money,
    pub description: Option<String>,
    pub status: OrderStatus,
    pub channel: PaymentChannel,
    pub payment_operation_id: Option<String>,
    pub refunded: Money,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

// --- lost phone, freeze, security log, device events (issue 5) -------------------------------

pub use wallet_protocol::api::{
    AccountSettings, AccountState, CardsOnPhoneChange, DeviceEventKind, SecurityEventKind,
};

/// What `report_lost` needs; works signed out. Identity is the phone plus EITHER the real name
/// and the last 6 characters of the ID number, OR the login password. Dropped after use.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReportLostInput {
    pub phone: String,
    pub name: Option<String>,
    pub id_last6: Option<String>,
    pub password: Option<String>,
    /// Revoke only this device (the lost one), for a user signed in elsewhere.
    pub device_id: Option<String>,
}

impl std::fmt::Debug for ReportLostInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportLostInput").finish_non_exhaustive()
    }
}

/// The account's state as the money channels see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AccountStatus {
    pub state: AccountState,
    /// RFC 3339 UTC.
    pub frozen_since: Option<String>,
    /// RFC 3339 UTC: withdrawals and transfers above `cooling_off_limit` wait until then.
    pub cooling_off_until: Option<String>,
    pub cooling_off_limit: Money,
}

/// One entry of the security log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SecurityEvent {
    /// Opaque; the smallest seen is the next page's `before`.
    pub id: String,
    pub kind: SecurityEventKind,
    /// RFC 3339 UTC.
    pub at: String,
    pub device_name: Option<String>,
    /// Short text without personal data.
    pub detail: Option<String>,
}

/// A page of the security log, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SecurityLog {
    pub events: Vec<SecurityEvent>,
    /// Pass as `before` for older entries; absent on the last page.
    pub next_before: Option<String>,
}

/// A notice to the devices of the account ("new device signed in — not you? freeze now").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DeviceEvent {
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: i64,
    pub kind: DeviceEventKind,
    /// RFC 3339 UTC.
    pub at: String,
    /// The device concerned (e.g. the new one): what `freeze_account` revokes on "not you?".
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    /// E.g. the order id of `order_waiting`.
    pub reference: Option<String>,
    /// RFC 3339 UTC: the end of a cooling-off this event started.
    pub cooling_off_until: Option<String>,
}

/// What `start_phone_change` needs: the new number, the login password and EITHER the full ID
/// number OR (when absent) a code the server sends to the old number. Dropped after use.
#[derive(Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PhoneChangeInput {
    pub new_phone: String,
    pub password: String,
    pub id_number: Option<String>,
}

impl std::fmt::Debug for PhoneChangeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneChangeInput").finish_non_exhaustive()
    }
}

/// The codes are on their way: to the new number, and to the old one when `old_challenge_id`
/// is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PhoneChangeStarted {
    pub challenge_id: String,
    pub new_phone_masked: String,
    pub old_challenge_id: Option<String>,
    /// RFC 3339 UTC.
    pub expires_at: String,
}

/// What `finish_phone_change` needs: the code(s) and what to do with the bound cards.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct PhoneChangeFinish {
    pub challenge_id: String,
    pub code: String,
    pub old_challenge_id: Option<String>,
    pub old_code: Option<String>,
    pub cards: CardsOnPhoneChange,
}

impl std::fmt::Debug for PhoneChangeFinish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneChangeFinish")
            .field("challenge_id", &self.challenge_id)
            .field("cards", &self.cards)
            .finish_non_exhaustive()
    }
}

/// Implemented by the host (shell) to receive device events from [`crate::Wallet::sync_events`],
/// registered with [`crate::Wallet::set_event_listener`]. Called without any lock held.
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: DeviceEvent);
    /// A budget threshold reached, from [`crate::Wallet::sync_history`] (ignored by default).
    fn on_budget_alert(&self, _alert: BudgetAlert) {}
}

// --- transfers, history, insight (issue 6) ---------------------------------------------------

pub use wallet_protocol::category::Category;

/// Who is behind a phone number, masked, shown before the user confirms a transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Recipient {
    /// Every character but the last masked: `*明`, `**华`.
    pub name_masked: String,
    /// `138****5678`.
    pub phone_masked: String,
}

/// What `transfer` needs. `amount` is what the user typed; the PIN is dropped after use.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TransferInput {
    pub to_phone: String,
    pub amount: String,
    /// At most 50 characters; both sides see it.
    pub note: Option<String>,
    pub pin: String,
    /// A retry with the same key never moves money twice. Made fresh when absent.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for TransferInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransferInput")
            .field("amount", &self.amount)
            .finish_non_exhaustive()
    }
}

/// Which way money moved for the wallet balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Direction {
    In,
    Out,
}

/// One entry of the local history (list and detail view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HistoryEntry {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub direction: Direction,
    pub amount: Money,
    pub fee: Money,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC.
    pub updated_at: String,
    /// `YYYY-MM` in China Standard Time.
    pub month: String,
    pub merchant_id: Option<String>,
    pub merchant_name: Option<String>,
    pub merchant_city: Option<String>,
    pub mcc: Option<String>,
    /// Payments and refunds only.
    pub category: Option<Category>,
    pub counterparty_name_masked: Option<String>,
    pub counterparty_phone_masked: Option<String>,
    pub card_id: Option<String>,
    pub card_last4: Option<String>,
    pub bank: Option<Bank>,
    pub note: Option<String>,
    pub order_id: Option<String>,
    pub channel: Option<PaymentChannel>,
    pub failure_code: Option<ErrorCode>,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub seq: i64,
    /// Where a payment's money came from (a refund: where it went back to): `balance`,
    /// `card:<card_id>` or `carrier`; `None` for other kinds and entries from before sources.
    #[serde(default)]
    pub source: Option<String>,
}

/// Filters for the offline history list; every field optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HistoryQuery {
    /// Merchant, counterparty or note; CJK substrings and Latin word prefixes.
    pub search: Option<String>,
    /// `YYYY-MM` (China Standard Time).
    pub month: Option<String>,
    pub kind: Option<OperationKind>,
    pub card_id: Option<String>,
    pub category: Option<Category>,
    /// `next_before` of the previous page.
    pub before: Option<String>,
    /// 50 when absent; at most 500.
    pub limit: Option<u32>,
}

/// A page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HistoryPage {
    pub entries: Vec<HistoryEntry>,
    /// Pass as `before` for older entries; absent on the last page.
    pub next_before: Option<String>,
}

/// A budget threshold (80 % or 100 %) reached this month; raised once per category and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BudgetAlert {
    pub category: Category,
    pub month: String,
    /// 80 or 100.
    pub threshold_percent: u32,
    pub spent: Money,
    pub budget: Money,
}

/// What one `sync_history` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HistorySync {
    /// Operations new to this device.
    pub added: u32,
    /// Operations that changed (status, refunds...).
    pub updated: u32,
    pub alerts: Vec<BudgetAlert>,
}

/// One category of a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CategoryTotal {
    pub category: Category,
    /// Succeeded payments minus succeeded refunds of the month (may be below zero when a refund
    /// lands in a later month than its payment).
    pub spent: Money,
    /// Succeeded payments.
    pub count: u32,
    pub budget: Option<Money>,
}

/// A month's totals. Spending is succeeded merchant payments less refunds; transfers, top-ups
/// and withdrawals are not spending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MonthlySummary {
    pub month: String,
    pub spent: Money,
    /// Succeeded transfers in from other users.
    pub received: Money,
    /// Categories with spending or a budget, most spent first.
    pub by_category: Vec<CategoryTotal>,
}

/// A monthly budget of one spending category (local to this profile).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Budget {
    pub category: Category,
    pub monthly: Money,
}

// --- funding sources (issue 14) ------------------------------------------------------------

pub use wallet_protocol::source::SourceKind;

/// One source the account can pay from, as the confirm screen and settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SourceOption {
    /// `balance`, `card:<card_id>` or `carrier`: what `source` arguments take.
    pub source: String,
    pub kind: SourceKind,
    /// Whether a payment may use it now (a card reported lost may not).
    pub usable: bool,
    /// The balance, for `balance`.
    pub balance: Option<Money>,
    /// The card, for a card.
    pub card: Option<Card>,
    /// The number billed, masked, for `carrier`.
    pub phone_masked: Option<String>,
    /// What the carrier's monthly cap still allows this month, for `carrier`.
    pub monthly_remaining: Option<Money>,
}

/// The account's sources and the default order payments use when none is chosen (payment
/// codes always): the first that can pay is used, the balance only when it covers the amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FundingSources {
    pub order: Vec<String>,
    pub sources: Vec<SourceOption>,
}
