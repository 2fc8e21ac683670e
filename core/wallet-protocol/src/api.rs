//! Wire types of the provider API (`/v1`, JSON). Shared by `wallet-server` and `wallet-core`
//! so the two can never drift apart. Secrets sent here (password, OTP) are never logged:
//! their `Debug` output is redacted.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::card::{Bank, CardScheme, CardType};
use crate::error::ErrorCode;
use crate::money::Money;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Paths of the API, in one place for the server router and the client.
pub mod paths {
    pub const SIGNUP: &str = "/v1/signup";
    pub const LOGIN: &str = "/v1/login";
    /// `POST /v1/challenges/{challenge_id}/verify`
    pub const CHALLENGE_VERIFY: &str = "/v1/challenges/{challenge_id}/verify";
    pub const ME: &str = "/v1/me";
    pub const DEVICES: &str = "/v1/devices";
    /// `POST /v1/devices/{device_id}/revoke`
    pub const DEVICE_REVOKE: &str = "/v1/devices/{device_id}/revoke";
    /// Sandbox only: `GET /v1/sandbox/outbox?phone=...`
    pub const SANDBOX_OUTBOX: &str = "/v1/sandbox/outbox";
    pub const PIN: &str = "/v1/pin";
    pub const PIN_CHANGE: &str = "/v1/pin/change";
    pub const PIN_RESET: &str = "/v1/pin/reset";
    /// `POST /v1/pin/reset/{challenge_id}`
    pub const PIN_RESET_VERIFY: &str = "/v1/pin/reset/{challenge_id}";
    pub const CARDS: &str = "/v1/cards";
    /// `POST /v1/cards/bindings/{binding_id}/verify`
    pub const CARD_BINDING_VERIFY: &str = "/v1/cards/bindings/{binding_id}/verify";
    /// `POST /v1/cards/{card_id}/default`
    pub const CARD_DEFAULT: &str = "/v1/cards/{card_id}/default";
    /// `POST /v1/cards/{card_id}/unbind`
    pub const CARD_UNBIND: &str = "/v1/cards/{card_id}/unbind";
    /// `POST /v1/cards/{card_id}/report-lost`
    pub const CARD_REPORT_LOST: &str = "/v1/cards/{card_id}/report-lost";
    pub const TOPUPS: &str = "/v1/topups";
    pub const WITHDRAWALS: &str = "/v1/withdrawals";
    pub const BALANCE: &str = "/v1/balance";
    /// `GET /v1/operations/{operation_id}`
    pub const OPERATION: &str = "/v1/operations/{operation_id}";
    pub const OPENAPI: &str = "/openapi.json";
    pub const HEALTH: &str = "/healthz";

    pub fn challenge_verify(challenge_id: &str) -> String {
        format!("/v1/challenges/{challenge_id}/verify")
    }

    pub fn device_revoke(device_id: &str) -> String {
        format!("/v1/devices/{device_id}/revoke")
    }

    pub fn pin_reset_verify(challenge_id: &str) -> String {
        format!("/v1/pin/reset/{challenge_id}")
    }

    pub fn card_binding_verify(binding_id: &str) -> String {
        format!("/v1/cards/bindings/{binding_id}/verify")
    }

    pub fn card_default(card_id: &str) -> String {
        format!("/v1/cards/{card_id}/default")
    }

    pub fn card_unbind(card_id: &str) -> String {
        format!("/v1/cards/{card_id}/unbind")
    }

    pub fn card_report_lost(card_id: &str) -> String {
        format!("/v1/cards/{card_id}/report-lost")
    }

    pub fn operation(operation_id: &str) -> String {
        format!("/v1/operations/{operation_id}")
    }
}

/// `POST /v1/signup`: starts a sign-up; an OTP goes to the phone.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SignupRequest {
    /// Phone number as typed; the server normalises it to E.164.
    pub phone: String,
    /// Real name, as on the resident ID card.
    pub name: String,
    /// 18-character resident ID number.
    pub id_number: String,
    pub password: String,
}

impl fmt::Debug for SignupRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignupRequest").finish_non_exhaustive()
    }
}

/// `POST /v1/login`: password check; an OTP goes to the phone.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct LoginRequest {
    pub phone: String,
    pub password: String,
}

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest").finish_non_exhaustive()
    }
}

/// What a sign-up or sign-in is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ChallengePurpose {
    Signup,
    Login,
    /// Resetting a forgotten or locked payment PIN (password + OTP).
    PinReset,
}

/// Answer to sign-up and sign-in: an OTP was sent; verify it with the challenge id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChallengeResponse {
    pub challenge_id: String,
    pub purpose: ChallengePurpose,
    /// Where the code went, masked: `+86 138****5678`.
    pub phone_masked: String,
    pub expires_at: DateTime<Utc>,
}

/// The device being enrolled: its public key was made on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceEnrolment {
    /// Ed25519 public key, base64url (32 bytes).
    pub public_key: String,
    /// Shown in the device list, e.g. "Li's laptop".
    pub name: String,
    /// `android`, `ios`, `linux`, `macos`, `windows`, `cli`, ...
    pub platform: String,
}

/// `POST /v1/challenges/{id}/verify`: the OTP plus the device to enrol.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VerifyRequest {
    /// 6-digit code from the SMS.
    pub code: String,
    pub device: DeviceEnrolment,
}

impl fmt::Debug for VerifyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("device", &self.device)
            .finish_non_exhaustive()
    }
}

/// The signed-in account as the server describes it. Personal data is masked except the
/// account holder's own phone number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountProfile {
    pub account_id: String,
    /// E.164.
    pub phone: String,
    pub phone_masked: String,
    pub name: String,
    /// Last 4 characters of the resident ID number.
    pub id_last4: String,
    pub created_at: DateTime<Utc>,
}

/// Answer to a successful verification: the account and this device's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct EnrolResponse {
    pub account: AccountProfile,
    pub device_id: String,
}

/// One device in `GET /v1/devices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceInfo {
    pub device_id: String,
    pub name: String,
    pub platform: String,
    pub enrolled_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    /// The device that made this request.
    pub current: bool,
}

/// `GET /v1/devices`: the account's active devices, most recently enrolled first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct DeviceList {
    pub devices: Vec<DeviceInfo>,
}

/// A message the sandbox SMS sender "sent" (sandbox only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OutboxMessage {
    /// E.164 phone number it was sent to.
    pub phone: String,
    /// The full SMS text.
    pub body: String,
    /// The 6-digit code in it, for scripts.
    pub code: String,
    pub purpose: String,
    pub sent_at: DateTime<Utc>,
}

/// `GET /v1/sandbox/outbox?phone=P`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Outbox {
    pub messages: Vec<OutboxMessage>,
}

/// Header carrying the client's key for a money-moving request: a retry with the same key
/// returns the first result and never moves money twice.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Whether an `Idempotency-Key` is acceptable: 8 to 64 of `A-Z a-z 0-9 - _`.
pub fn idempotency_key_well_formed(key: &str) -> bool {
    (8..=64).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Whether an id from a URL path or a user is shaped like one of ours (so it cannot change a path).
pub fn id_well_formed(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `GET /v1/pin`: whether a payment PIN is set and whether it is locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PinStatus {
    pub set: bool,
    /// Set while five wrong PINs keep it locked.
    pub locked_until: Option<DateTime<Utc>>,
}

/// `POST /v1/pin`: the first payment PIN.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SetPinRequest {
    pub pin: String,
}

/// `POST /v1/pin/change`: the current PIN proves the user.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangePinRequest {
    pub old_pin: String,
    pub new_pin: String,
}

/// `POST /v1/pin/reset`: the login password; an OTP goes to the phone.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PinResetRequest {
    pub password: String,
}

/// `POST /v1/pin/reset/{challenge_id}`: the OTP and the new PIN.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PinResetVerifyRequest {
    pub code: String,
    pub new_pin: String,
}

/// `POST /v1/cards`: start binding a card. The number goes to the bank gateway only; the
/// bank sends an OTP to the phone number reserved at the bank.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BindCardRequest {
    /// Full card number (digits; spaces allowed). Never stored, never logged.
    pub number: String,
    /// The phone number the card holder reserved at the bank.
    pub bank_phone: String,
}

/// Answer to `POST /v1/cards`: the bank sent a code; verify it with the binding id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CardBindingStarted {
    pub binding_id: String,
    /// Where the bank sent the code, masked.
    pub phone_masked: String,
    pub expires_at: DateTime<Utc>,
    pub bank: Option<Bank>,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub last4: String,
}

/// `POST /v1/cards/bindings/{binding_id}/verify`: the bank's OTP.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CardVerifyRequest {
    pub code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CardStatus {
    Active,
    /// Reported lost: it moves no money until unbound and bound again.
    Suspended,
}

/// A bound card as everyone but the bank sees it: token-backed, last 4 digits only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CardInfo {
    pub card_id: String,
    pub bank: Option<Bank>,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub last4: String,
    pub status: CardStatus,
    pub is_default: bool,
    pub bound_at: DateTime<Utc>,
}

/// `GET /v1/cards`: default card first, then most recently bound.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CardList {
    pub cards: Vec<CardInfo>,
}

/// `POST /v1/cards/{card_id}/unbind`: the payment PIN.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnbindCardRequest {
    pub pin: String,
}

/// `POST /v1/topups` (with `Idempotency-Key`): money from a bound card into the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TopUpRequest {
    pub amount: Money,
    /// The default card when absent.
    #[serde(default)]
    pub card_id: Option<String>,
}

/// `POST /v1/withdrawals` (with `Idempotency-Key`): money from the wallet to a bound debit card.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WithdrawRequest {
    pub amount: Money,
    /// The default debit card when absent.
    #[serde(default)]
    pub card_id: Option<String>,
    pub pin: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OperationKind {
    Topup,
    Withdrawal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OperationStatus {
    /// Waiting for the bank's final answer (e.g. after a bank timeout). Resolves by itself.
    Pending,
    Succeeded,
    Failed,
}

/// One money movement between a card and the wallet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Operation {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    /// What the wallet balance gains (top-up) or gives (withdrawal).
    pub amount: Money,
    /// Fee kept from a withdrawal; the card receives `amount - fee`.
    pub fee: Money,
    pub card_id: String,
    pub card_last4: String,
    pub bank: Option<Bank>,
    /// Why it failed.
    pub failure_code: Option<ErrorCode>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What is left of the limits today (days run midnight to midnight, China Standard Time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MoneyLimits {
    pub topup_per_payment: Money,
    pub topup_daily_remaining: Money,
    pub withdraw_per_payment: Money,
    pub withdraw_daily_remaining: Money,
}

/// `GET /v1/balance`: the wallet balance, the latest operations and today's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BalanceResponse {
    pub balance: Money,
    /// Newest first, at most 20.
    pub operations: Vec<Operation>,
    pub limits: MoneyLimits,
}

/// Whether a string is a well-formed 6-digit OTP.
pub fn otp_well_formed(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

macro_rules! redacted_debug {
    ($($ty:ident),*) => {$(
        impl fmt::Debug for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($ty)).finish_non_exhaustive()
            }
        }
    )*};
}

redacted_debug!(
    SetPinRequest,
    ChangePinRequest,
    PinResetRequest,
    PinResetVerifyRequest,
    BindCardRequest,
    CardVerifyRequest,
    UnbindCardRequest
);

impl fmt::Debug for WithdrawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithdrawRequest")
            .field("amount", &self.amount)
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_redacted_in_debug() {
        let r = SignupRequest {
            phone: "13812345678".into(),
            name: "李明".into(),
            id_number: "11010519491231002X".into(),
            password: "hunter2-secret".into(),
        };
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("hunter2") && !dbg.contains("1381234") && !dbg.contains("19491231"));
        let v = VerifyRequest {
            code: "123456".into(),
            device: DeviceEnrolment {
                public_key: "k".into(),
                name: "n".into(),
                platform: "cli".into(),
            },
        };
        assert!(!format!("{v:?}").contains("123456"));
    }

    #[test]
    fn otp_shape() {
        assert!(otp_well_formed("012345"));
        assert!(!otp_well_formed("12345"));
        assert!(!otp_well_formed("12345a"));
        assert!(!otp_well_formed("１２３４５６")); // full-width digits
    }

    #[test]
    fn paths_fill_in() {
        assert_eq!(
            paths::challenge_verify("ch_1"),
            "/v1/challenges/ch_1/verify"
        );
        assert_eq!(paths::device_revoke("dev_1"), "/v1/devices/dev_1/revoke");
    }
}
