//! Wire types of the provider API (`/v1`, JSON). Shared by `wallet-server` and `wallet-core`
//! so the two can never drift apart. Secrets sent here (password, OTP) are never logged:
//! their `Debug` output is redacted.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::card::{Bank, CardScheme, CardType};
use crate::error::ErrorCode;
use crate::money::Money;
use crate::source::{FundingSource, SourceKind};

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
    /// `POST /v1/pin/verify`: checks the PIN and changes nothing (the desktop app lock).
    pub const PIN_VERIFY: &str = "/v1/pin/verify";
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
    /// Consumer: what a scanned merchant QR code pays (merchant on record, locked amount).
    pub const QR_RESOLVE: &str = "/v1/qr/resolve";
    /// Consumer: pay a scanned merchant QR code (Idempotency-Key).
    pub const QR_PAYMENTS: &str = "/v1/qr/payments";
    /// Consumer: orders waiting for this account (remote orders, payment-code confirmations).
    pub const ORDERS: &str = "/v1/orders";
    /// `POST /v1/orders/{order_id}/confirm` (PIN, Idempotency-Key)
    pub const ORDER_CONFIRM: &str = "/v1/orders/{order_id}/confirm";
    /// `POST /v1/orders/{order_id}/decline`
    pub const ORDER_DECLINE: &str = "/v1/orders/{order_id}/decline";
    /// Consumer: the funding sources and their default order (GET, PUT).
    pub const SOURCES: &str = "/v1/sources";
    /// Consumer: (re)issue this device's payment-code seed.
    pub const PAYCODE_SEED: &str = "/v1/paycode/seed";
    /// Consumer: no-PIN limits of payment codes (GET, PUT).
    pub const PAYCODE_SETTINGS: &str = "/v1/paycode/settings";
    /// Sandbox only: create a merchant (production merchants are onboarded by support).
    pub const MERCHANTS: &str = "/v1/merchants";
    /// Merchant (API key): `GET /v1/merchants/{merchant_id}/qr`, the static code.
    pub const MERCHANT_QR: &str = "/v1/merchants/{merchant_id}/qr";
    /// Merchant (API key): `POST` creates an order (dynamic code or remote order).
    pub const MERCHANT_ORDERS: &str = "/v1/merchants/{merchant_id}/orders";
    /// Merchant (API key): `GET` one order.
    pub const MERCHANT_ORDER: &str = "/v1/merchants/{merchant_id}/orders/{order_id}";
    /// Merchant (API key): `POST` refund (Idempotency-Key).
    pub const MERCHANT_ORDER_REFUND: &str = "/v1/merchants/{merchant_id}/orders/{order_id}/refund";
    /// Merchant (API key): `POST` charge a scanned payment code (Idempotency-Key).
    pub const MERCHANT_CHARGES: &str = "/v1/merchants/{merchant_id}/charges";
    /// Sandbox only: the point-of-sale web page for testers.
    pub const POS: &str = "/pos";
    /// Merchant (API key): `POST` creates a web checkout (an order and its checkout page).
    pub const MERCHANT_CHECKOUTS: &str = "/v1/merchants/{merchant_id}/checkouts";
    /// The checkout page a merchant's site sends the payer to (HTML, sandbox only).
    pub const CHECKOUT_PAGE: &str = "/checkout/{token}";
    /// The checkout page's live state (no sign-in: the token is the capability).
    pub const CHECKOUT: &str = "/v1/checkout/{token}";
    /// "Pay with my phone number": pushes the checkout's order to that account's inbox.
    pub const CHECKOUT_PHONE: &str = "/v1/checkout/{token}/phone";
    /// Unauthenticated: `POST /v1/report-lost` freezes an account (lost phone).
    pub const REPORT_LOST: &str = "/v1/report-lost";
    /// Signed: `POST /v1/unfreeze` (ID number + payment PIN, from a device enrolled after the freeze).
    pub const UNFREEZE: &str = "/v1/unfreeze";
    /// Signed: `POST /v1/account/freeze` ("not you? freeze now" from a signed-in device).
    pub const FREEZE: &str = "/v1/account/freeze";
    /// Signed: `GET /v1/account/status`.
    pub const ACCOUNT_STATUS: &str = "/v1/account/status";
    /// Signed: `GET /v1/security-log?before=ID&limit=N` (newest first).
    pub const SECURITY_LOG: &str = "/v1/security-log";
    /// Signed: `GET /v1/events?after=CURSOR&limit=N` (oldest first; a cursor feed).
    pub const EVENTS: &str = "/v1/events";
    /// Signed: `POST /v1/phone/change` starts a phone-number change.
    pub const PHONE_CHANGE: &str = "/v1/phone/change";
    /// Signed: `POST /v1/phone/change/{challenge_id}/verify`
    pub const PHONE_CHANGE_VERIFY: &str = "/v1/phone/change/{challenge_id}/verify";
    /// `POST /v1/login/sms`: sign-in by SMS code alone, only where the holder switched it on.
    pub const LOGIN_SMS: &str = "/v1/login/sms";
    /// Signed: `GET`/`PUT /v1/settings` (SMS-only sign-in switch).
    pub const SETTINGS: &str = "/v1/settings";
    /// Signed: `POST /v1/transfers/recipient` — the masked real name behind a phone number.
    pub const TRANSFER_RECIPIENT: &str = "/v1/transfers/recipient";
    /// Signed: `POST /v1/transfers` (PIN, `Idempotency-Key`).
    pub const TRANSFERS: &str = "/v1/transfers";
    /// Signed: `GET /v1/history?after=SEQ&limit=N` — every change to the account's operations
    /// after a sequence number, oldest first (the incremental history sync).
    pub const HISTORY: &str = "/v1/history";
    /// Signed: `PUT /v1/settings/sms-pay` switches SMS payment ("reply Y") on (PIN) or off.
    pub const SETTINGS_SMS_PAY: &str = "/v1/settings/sms-pay";
    /// Merchant (API key): `GET` the SMS service number and product codes, `POST` registers
    /// (or replaces) one.
    pub const MERCHANT_SMS_PRODUCTS: &str = "/v1/merchants/{merchant_id}/sms-products";
    /// Merchant (API key): `DELETE` one product code.
    pub const MERCHANT_SMS_PRODUCT: &str = "/v1/merchants/{merchant_id}/sms-products/{code}";
    /// Sandbox only: `POST` an SMS a phone sent to a service number (what the SMS gateway
    /// delivers); the answer goes back by SMS (the outbox).
    pub const SANDBOX_SMS_INBOUND: &str = "/v1/sandbox/sms/inbound";
    pub const OPENAPI: &str = "/openapi.json";
    pub const HEALTH: &str = "/healthz";
    /// Readiness: `200` when this instance can serve (its database answers), `503 NOT_READY`
    /// when it cannot. `/healthz` stays a liveness check that touches nothing.
    pub const READY: &str = "/readyz";

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

    pub fn order_confirm(order_id: &str) -> String {
        format!("/v1/orders/{order_id}/confirm")
    }

    pub fn order_decline(order_id: &str) -> String {
        format!("/v1/orders/{order_id}/decline")
    }

    pub fn merchant_checkouts(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/checkouts")
    }

    pub fn checkout_page(token: &str) -> String {
        format!("/checkout/{token}")
    }

    pub fn checkout(token: &str) -> String {
        format!("/v1/checkout/{token}")
    }

    pub fn checkout_phone(token: &str) -> String {
        format!("/v1/checkout/{token}/phone")
    }

    pub fn merchant_qr(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/qr")
    }

    pub fn merchant_orders(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/orders")
    }

    pub fn merchant_order(merchant_id: &str, order_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/orders/{order_id}")
    }

    pub fn merchant_order_refund(merchant_id: &str, order_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/orders/{order_id}/refund")
    }

    pub fn merchant_charges(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/charges")
    }

    pub fn merchant_sms_products(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/sms-products")
    }

    pub fn merchant_sms_product(merchant_id: &str, code: &str) -> String {
        format!("/v1/merchants/{merchant_id}/sms-products/{code}")
    }

    pub fn phone_change_verify(challenge_id: &str) -> String {
        format!("/v1/phone/change/{challenge_id}/verify")
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub phone: String,
    /// Real name, as on the resident ID card.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::real_name))]
    pub name: String,
    /// 18-character resident ID number.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::id_number))]
    pub id_number: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_password))]
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub phone: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::password))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ChallengePurpose {
    Signup,
    Login,
    /// Resetting a forgotten or locked payment PIN (password + OTP).
    PinReset,
    /// Changing the account's phone number (a code to the new number, and to the old one when
    /// the ID number was not given).
    PhoneChange,
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::public_key))]
    pub public_key: String,
    /// Shown in the device list, e.g. "Li's laptop".
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::device_label))]
    pub name: String,
    /// `android`, `ios`, `linux`, `macos`, `windows`, `cli`, ...
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::device_label))]
    pub platform: String,
}

/// `POST /v1/challenges/{id}/verify`: the OTP plus the device to enrol.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VerifyRequest {
    /// 6-digit code from the SMS.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::otp))]
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
    /// This device's payment-code seed (base64url, 32 bytes): provisioned at enrolment so
    /// payment codes work offline. Kept in the encrypted local store; never logged.
    pub paycode_seed: String,
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_pin))]
    pub pin: String,
}

/// `POST /v1/pin/verify`: the PIN to check (wrong tries count toward the lock like any other).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct VerifyPinRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
}

/// `POST /v1/pin/change`: the current PIN proves the user.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChangePinRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub old_pin: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_pin))]
    pub new_pin: String,
}

/// `POST /v1/pin/reset`: the login password; an OTP goes to the phone.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PinResetRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::password))]
    pub password: String,
}

/// `POST /v1/pin/reset/{challenge_id}`: the OTP and the new PIN.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PinResetVerifyRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::otp))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::new_pin))]
    pub new_pin: String,
}

/// `POST /v1/cards`: start binding a card. The number goes to the bank gateway only; the
/// bank sends an OTP to the phone number reserved at the bank.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct BindCardRequest {
    /// Full card number (digits; spaces allowed). Never stored, never logged.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::card_number))]
    pub number: String,
    /// The phone number the card holder reserved at the bank.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::otp))]
    pub code: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
}

/// `POST /v1/topups` (with `Idempotency-Key`): money from a bound card into the wallet,
/// confirmed with the payment PIN like a withdrawal (it pulls money from the user's card).
/// Without `pin`: `PIN_REQUIRED`; a wrong one counts toward the PIN's lock-out.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TopUpRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
    /// The default card when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id))]
    pub card_id: Option<String>,
    /// The payment PIN (6 digits). Optional in the schema only so that a client that does not
    /// send it gets `PIN_REQUIRED` rather than `MALFORMED_REQUEST`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_pin))]
    pub pin: Option<String>,
}

/// `POST /v1/withdrawals` (with `Idempotency-Key`): money from the wallet to a bound debit card.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct WithdrawRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
    /// The default debit card when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id))]
    pub card_id: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OperationKind {
    Topup,
    Withdrawal,
    /// Paid to a merchant (QR code, payment code or remote order).
    Payment,
    /// A merchant's refund back to the wallet balance.
    Refund,
    /// Sent to another user (the balance gives).
    TransferOut,
    /// Received from another user (the balance gains).
    TransferIn,
}

/// How a merchant payment was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PaymentChannel {
    /// The payer scanned the merchant's static code and typed the amount.
    StaticQr,
    /// The payer scanned a per-order code with the amount locked.
    DynamicQr,
    /// The merchant scanned the payer's payment code.
    Paycode,
    /// The merchant sent an order to the payer's phone number.
    RemoteOrder,
    /// The payer texted a product code to the merchant's SMS service number and replied "Y".
    Sms,
    /// A web checkout: the merchant's site sent the payer to the provider's checkout page,
    /// paid by scanning its code or confirmed in the app after "pay with my phone number".
    Checkout,
}

/// The other user of a transfer, masked: `*明`, `+86 138****5678`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Counterparty {
    /// Every character but the last masked (`**华`).
    pub name_masked: String,
    pub phone_masked: String,
}

/// The merchant side of a payment or refund, as the server has it on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantRef {
    pub merchant_id: String,
    pub name: String,
    pub city: String,
    /// ISO 18245 merchant category code, 4 digits.
    pub mcc: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OperationStatus {
    /// Waiting for the bank's final answer (e.g. after a bank timeout). Resolves by itself.
    Pending,
    Succeeded,
    Failed,
}

/// One money movement of the wallet: with a card (top-up, withdrawal) or a merchant
/// (payment, refund).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Operation {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    /// What the wallet balance gains (top-up, refund) or gives (withdrawal, payment).
    pub amount: Money,
    /// Fee kept from a withdrawal; the card receives `amount - fee`.
    pub fee: Money,
    /// The card of a top-up or withdrawal; `None` for merchant payments and refunds.
    pub card_id: Option<String>,
    pub card_last4: Option<String>,
    pub bank: Option<Bank>,
    /// The merchant of a payment or refund.
    pub merchant: Option<MerchantRef>,
    /// The merchant order a payment or refund belongs to.
    pub order_id: Option<String>,
    /// How a payment was started.
    pub channel: Option<PaymentChannel>,
    /// Why it failed.
    pub failure_code: Option<ErrorCode>,
    /// The other user of a transfer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counterparty: Option<Counterparty>,
    /// The sender's note on a transfer (both sides see it), at most 50 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Increases (server-wide) every time this operation is created or changes (status,
    /// refunded amount, ...): the history sync's cursor. The latest `seq` of an operation wins.
    #[serde(default)]
    pub seq: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Where a payment's money came from, or where a refund goes back to (the payment's
    /// source); absent for other kinds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<FundingSource>,
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

// ---------------------------------------------------------------------------------------------
// QR pay, payment codes, orders and merchants (issue 4)
// ---------------------------------------------------------------------------------------------

/// Header carrying a merchant's API key: `Authorization: Bearer <api_key>`.
pub const MERCHANT_AUTH_SCHEME: &str = "Bearer";

/// `POST /v1/qr/resolve`: what would paying this scanned payload do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QrResolveRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::qr_payload))]
    pub payload: String,
}

/// Answer to [`QrResolveRequest`]: the merchant *on record* (not the name printed in the QR).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QrResolved {
    pub merchant: MerchantRef,
    /// Name printed in the QR (tag 59).
    pub printed_name: String,
    /// True when the printed name differs from the name on record: the app warns.
    pub name_mismatch: bool,
    /// `static_qr` (payer types the amount) or `dynamic_qr` (amount locked).
    pub channel: PaymentChannel,
    /// The locked amount of a dynamic code.
    pub amount: Option<Money>,
    /// The order of a dynamic code.
    pub order_id: Option<String>,
    /// When the dynamic code's order expires.
    pub expires_at: Option<DateTime<Utc>>,
}

/// `POST /v1/qr/payments` (Idempotency-Key): pay a merchant QR code with the PIN.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct QrPayRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::qr_payload))]
    pub payload: String,
    /// Required for static codes; for dynamic codes absent or equal to the locked amount.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_amount))]
    pub amount: Option<Money>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
    /// Where the money comes from; absent: the account's default order
    /// (`GET /v1/sources`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<FundingSource>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OrderStatus {
    /// Waiting for the payer (to scan, to confirm a remote order or a payment code over the
    /// no-PIN limit).
    Open,
    Paid,
    /// Paid, then refunded in full.
    Refunded,
    /// The payer declined it.
    Declined,
    /// Not paid in time.
    Expired,
}

/// A merchant order. Payer personal data is masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct Order {
    pub order_id: String,
    pub merchant: MerchantRef,
    pub amount: Money,
    pub description: Option<String>,
    pub status: OrderStatus,
    /// `static_qr` (created already paid), `dynamic_qr`, `remote_order`, or `paycode` (a
    /// no-PIN payment, created already paid, or one over the no-PIN limit waiting here for the
    /// payer's PIN).
    pub channel: PaymentChannel,
    /// The dynamic EMVCo payload of a `dynamic_qr` order.
    pub payload: Option<String>,
    /// Payer of a remote order or payment code, masked: `+86 138****5678`.
    pub payer_phone_masked: Option<String>,
    /// The payer's payment operation once paid.
    pub payment_operation_id: Option<String>,
    /// Refunded so far (zero when none).
    pub refunded: Money,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
}

/// `GET /v1/orders`: open orders waiting for this account's decision, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderList {
    pub orders: Vec<Order>,
}

/// `POST /v1/orders/{id}/confirm` (Idempotency-Key).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderConfirmRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
    /// Where the money comes from; absent: the account's default order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<FundingSource>,
}

/// One source the account can pay from, as the confirm screen and settings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SourceOption {
    pub source: FundingSource,
    pub kind: SourceKind,
    /// Whether a payment may use it now (a card reported lost may not).
    pub usable: bool,
    /// The balance, for `balance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance: Option<Money>,
    /// The card, for `card:<id>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<CardInfo>,
    /// The number billed, masked, for `carrier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_masked: Option<String>,
    /// What the carrier's monthly cap still allows this month, for `carrier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_remaining: Option<Money>,
}

/// `GET`/`PUT /v1/sources`: the account's sources and the default order payments use when
/// no source is chosen (payment codes always).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FundingSources {
    /// The default order: the first that can pay is used (the balance only when it covers the
    /// amount). Cards unbound since it was set are left out.
    pub order: Vec<FundingSource>,
    /// Every source the account has: the balance, each bound card, the phone bill.
    pub sources: Vec<SourceOption>,
}

/// `PUT /v1/sources`: a new default order, 1 to 12 sources, each once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SourceOrderUpdate {
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 12))]
    pub order: Vec<FundingSource>,
}

/// `POST /v1/paycode/seed`: a fresh seed for this device (the old one stops working).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PaycodeSeedResponse {
    /// base64url, 32 bytes.
    pub seed: String,
    pub issued_at: DateTime<Utc>,
}

/// `GET`/`PUT /v1/paycode/settings`: how much a payment code may pay without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PaycodeSettings {
    /// Off: every payment-code payment waits for the PIN.
    pub no_pin_enabled: bool,
    /// At most the server's ceiling (¥200 by default).
    pub no_pin_per_payment: Money,
    /// At most the server's ceiling (¥1,000 by default).
    pub no_pin_daily: Money,
    /// What is left of `no_pin_daily` today (China Standard Time days). Ignored on PUT.
    pub no_pin_daily_remaining: Money,
    /// The server's ceilings: the user may lower the limits, never raise them above these.
    /// Ignored on PUT.
    pub max_per_payment: Money,
    pub max_daily: Money,
}

/// `PUT /v1/paycode/settings`. Switching no-PIN payments **on**, or raising either limit,
/// needs the payment PIN (`PIN_REQUIRED` without it; a wrong one counts toward its lock-out);
/// lowering or switching off needs nothing. Every change is logged and told to the other
/// devices.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PaycodeSettingsUpdate {
    pub no_pin_enabled: bool,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::limit_amount))]
    pub no_pin_per_payment: Money,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::limit_amount))]
    pub no_pin_daily: Money,
    /// The payment PIN: needed to switch no-PIN payments on or raise a limit (`PIN_REQUIRED`
    /// without it), not to lower or switch off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_pin))]
    pub pin: Option<String>,
}

/// `POST /v1/merchants` (sandbox only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantCreateRequest {
    /// Up to 25 characters (EMVCo tag 59).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::merchant_name))]
    pub name: String,
    /// Up to 15 characters (EMVCo tag 60).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::merchant_city))]
    pub city: String,
    /// 4 digits, ISO 18245.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::mcc))]
    pub mcc: String,
    /// Where order notices go (`crate::notice`); absent or `null`: none until set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::notice::notify_url_schema))]
    pub notify_url: Option<String>,
}

/// Answer to [`MerchantCreateRequest`]. The API key is shown once; the server keeps a hash.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantCreated {
    pub merchant: MerchantRef,
    pub api_key: String,
    /// The merchant's static EMVCo payload (point of initiation `11`).
    pub payload: String,
    /// The secret that signs this merchant's notices (`crate::notice`), shown once.
    #[serde(default)]
    pub notice_secret: String,
}

/// `GET /v1/merchants/{id}/qr`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct MerchantQr {
    pub merchant: MerchantRef,
    pub payload: String,
}

/// `POST /v1/merchants/{id}/orders`: a dynamic code, or with `phone` a remote order sent to
/// that account ("reply Y to pay").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct OrderCreateRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_description))]
    pub description: Option<String>,
    /// Remote order: the payer's phone number.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_phone))]
    pub phone: Option<String>,
    /// Lifetime, 1 s to 24 h; default 15 minutes.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 86_400))]
    pub expires_in_secs: Option<u32>,
}

/// `POST /v1/merchants/{id}/charges` (Idempotency-Key): what a POS does with a scanned
/// payment code. Answers the order: `paid`, or `open` when the payer must confirm with the PIN.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ChargeCodeRequest {
    /// The 18-digit payment code.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::paycode))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_description))]
    pub description: Option<String>,
}

/// `POST /v1/merchants/{id}/orders/{order_id}/refund` (Idempotency-Key). No amount: the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RefundRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_amount))]
    pub amount: Option<Money>,
}

/// `POST /v1/merchants/{id}/checkouts`: an order paid through the provider's checkout page,
/// after which the page sends the payer back to `return_url`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckoutCreateRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_description))]
    #[serde(default)]
    pub description: Option<String>,
    /// Where the page sends the payer once the order is paid, declined or expired, with
    /// `order_id` and `status` added to its query. `http` or `https` only.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::return_url))]
    pub return_url: String,
    /// Lifetime of the order and of its checkout link, 1 s to 24 h; default 15 minutes.
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 86_400))]
    #[serde(default)]
    pub expires_in_secs: Option<u32>,
}

/// Answer to [`CheckoutCreateRequest`]. `checkout_path` holds the checkout's secret token: it
/// is shown once (the provider keeps a hash) and dies with the order.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckoutCreated {
    /// The order, channel `checkout`.
    pub order: Order,
    /// The checkout page on this provider (`/checkout/<token>`): send the payer to it.
    pub checkout_path: String,
}

/// `GET /v1/checkout/{token}`: what the checkout page shows and follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckoutView {
    pub order_id: String,
    /// The merchant on record.
    pub merchant: MerchantRef,
    pub amount: Money,
    pub description: Option<String>,
    pub status: OrderStatus,
    /// The order's dynamic EMVCo code, to scan with the app, while it is open.
    pub payload: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// Once the order is no longer open: the merchant's `return_url` with `order_id` and
    /// `status` in its query.
    pub return_url: Option<String>,
}

/// `POST /v1/checkout/{token}/phone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckoutPhoneRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub phone: String,
}

/// The same answer whether or not the number has an account: the page never tells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct CheckoutPhonePushed {
    /// The number as understood, masked: `+86 138****5678`.
    pub phone_masked: String,
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
    UnbindCardRequest,
    OrderConfirmRequest,
    PaycodeSeedResponse,
    MerchantCreated,
    CheckoutCreated
);

impl fmt::Debug for QrPayRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("QrPayRequest")
            .field("amount", &self.amount)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for WithdrawRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WithdrawRequest")
            .field("amount", &self.amount)
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

// --- lost phone (issue 5) ------------------------------------------------------------------

/// `POST /v1/report-lost`, without signing in (from a friend's phone, the desktop welcome
/// screen, the CLI). Identity is the phone number plus EITHER the real name and the last 6
/// characters of the resident ID number, OR the login password.
///
/// The answer is always `202 {"received": true}` — for a right report, wrong details and a
/// phone number without an account alike — so the endpoint reveals nothing. Refusals are only
/// `MALFORMED_REQUEST` / `PHONE_INVALID` (shape of the input) and `RATE_LIMITED` (per client IP
/// and per phone number). A right report freezes the account at once: every money channel then
/// answers `ACCOUNT_FROZEN`, open orders waiting for the payer close, and the devices are
/// revoked (their next signed request answers `DEVICE_REVOKED`, and the client wipes itself).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct ReportLostRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub phone: String,
    /// The account's real name (with `id_last6`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_real_name))]
    pub name: Option<String>,
    /// Last 6 characters of the resident ID number (`X` in either case), with `name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id_last6))]
    pub id_last6: Option<String>,
    /// The login password, instead of name + `id_last6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_password))]
    pub password: Option<String>,
    /// Revoke only this device (the lost one) instead of all of them — for a user who is still
    /// signed in on another device. The account is frozen either way. An id that is not a live
    /// device of the account revokes all of them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id))]
    pub device_id: Option<String>,
}

/// Answer to every well-formed [`ReportLostRequest`]: `{"received": true}`. It never says
/// whether anything was frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ReportLostAnswer {
    pub received: bool,
}

/// `POST /v1/unfreeze`, signed by a device enrolled after the freeze (password + SMS code).
/// The full resident ID number and the payment PIN (wrong PINs count toward its lock-out).
/// Answers the new [`AccountStatus`] (`cooling_off`).
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct UnfreezeRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::id_number))]
    pub id_number: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
}

/// `POST /v1/account/freeze`, signed: the holder, signed in on this device, freezes the account
/// at once ("new device signed in — not you?"). `device_id` names the device to revoke (the
/// suspicious one); without it every OTHER device is revoked. The calling device stays signed
/// in, so the holder can later unfreeze from it with the ID number and the PIN. Answers the new
/// [`AccountStatus`] (`frozen`). Naming the calling device itself is `MALFORMED_REQUEST`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct FreezeRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id))]
    pub device_id: Option<String>,
}

/// The account's state as the money channels see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum AccountState {
    Active,
    /// Reported lost: no money moves (`ACCOUNT_FROZEN`).
    Frozen,
    /// Active, but withdrawals and transfers above `cooling_off_limit` answer `COOLING_OFF`
    /// until `cooling_off_until`.
    CoolingOff,
}

/// `GET /v1/account/status` (also the answer of `POST /v1/unfreeze`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AccountStatus {
    pub state: AccountState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub frozen_since: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub cooling_off_until: Option<DateTime<Utc>>,
    /// The most one withdrawal (or transfer) may move during the cooling-off.
    pub cooling_off_limit: Money,
}

/// What a security-log entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SecurityEventKind {
    SignIn,
    DeviceEnrolled,
    DeviceRevoked,
    Frozen,
    Unfrozen,
    PinLocked,
    CardBound,
    CardUnbound,
    CardReportedLost,
    PhoneChanged,
    SmsLoginChanged,
    /// The payment PIN was changed with the current one.
    PinChanged,
    /// The payment PIN was reset with the password and an SMS code (a cooling-off started).
    PinReset,
    /// The no-PIN payment settings were changed (`detail`: on or off and the limits).
    NoPinChanged,
    /// SMS payment ("reply Y") was switched on or off (`detail`: on with its caps, or off).
    SmsPayChanged,
}

impl SecurityEventKind {
    pub const ALL: &'static [SecurityEventKind] = &[
        Self::SignIn,
        Self::DeviceEnrolled,
        Self::DeviceRevoked,
        Self::Frozen,
        Self::Unfrozen,
        Self::PinLocked,
        Self::CardBound,
        Self::CardUnbound,
        Self::CardReportedLost,
        Self::PhoneChanged,
        Self::SmsLoginChanged,
        Self::PinChanged,
        Self::PinReset,
        Self::NoPinChanged,
        Self::SmsPayChanged,
    ];

    /// The wire string, e.g. `"device_enrolled"` (also the stored form).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::DeviceEnrolled => "device_enrolled",
            Self::DeviceRevoked => "device_revoked",
            Self::Frozen => "frozen",
            Self::Unfrozen => "unfrozen",
            Self::PinLocked => "pin_locked",
            Self::CardBound => "card_bound",
            Self::CardUnbound => "card_unbound",
            Self::CardReportedLost => "card_reported_lost",
            Self::PhoneChanged => "phone_changed",
            Self::SmsLoginChanged => "sms_login_changed",
            Self::PinChanged => "pin_changed",
            Self::PinReset => "pin_reset",
            Self::NoPinChanged => "no_pin_changed",
            Self::SmsPayChanged => "sms_pay_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// One entry of the security log the user can read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecurityEvent {
    /// Increasing; pass the smallest seen as `before` for the next page.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub id: i64,
    pub kind: SecurityEventKind,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: DateTime<Utc>,
    /// The device the event concerns (enrolled, revoked, signed in), by its name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// Short text without personal data, e.g. `"reported lost (name + ID)"`, `"support"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// `GET /v1/security-log`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SecurityLog {
    pub events: Vec<SecurityEvent>,
    /// Pass as `before` for older entries; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub next_before: Option<i64>,
}

/// What a device event tells the other devices of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DeviceEventKind {
    /// A new device was enrolled ("not you? freeze now"); a cooling-off started.
    NewDevice,
    Frozen,
    Unfrozen,
    DeviceRevoked,
    /// An order waits for the payer's PIN.
    OrderWaiting,
    SmsLoginChanged,
    PhoneChanged,
    /// Money arrived from another user (`reference` is the `transfer_in` operation id).
    TransferReceived,
    /// The payment PIN was changed ("not you? freeze now").
    PinChanged,
    /// The payment PIN was reset ("not you? freeze now"); a cooling-off started.
    PinReset,
    /// The no-PIN payment settings were changed ("not you? freeze now"); `reference` is
    /// `raised` (switched on or a limit raised: the PIN was given) or `lowered`.
    NoPinChanged,
    /// SMS payment ("reply Y") was switched on or off ("not you? freeze now"); `reference` is
    /// `on` (the PIN was given) or `off`.
    SmsPayChanged,
}

impl DeviceEventKind {
    pub const ALL: &'static [DeviceEventKind] = &[
        Self::NewDevice,
        Self::Frozen,
        Self::Unfrozen,
        Self::DeviceRevoked,
        Self::OrderWaiting,
        Self::SmsLoginChanged,
        Self::PhoneChanged,
        Self::TransferReceived,
        Self::PinChanged,
        Self::PinReset,
        Self::NoPinChanged,
        Self::SmsPayChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::NewDevice => "new_device",
            Self::Frozen => "frozen",
            Self::Unfrozen => "unfrozen",
            Self::DeviceRevoked => "device_revoked",
            Self::OrderWaiting => "order_waiting",
            Self::SmsLoginChanged => "sms_login_changed",
            Self::PhoneChanged => "phone_changed",
            Self::TransferReceived => "transfer_received",
            Self::PinChanged => "pin_changed",
            Self::PinReset => "pin_reset",
            Self::NoPinChanged => "no_pin_changed",
            Self::SmsPayChanged => "sms_pay_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == s)
    }
}

/// One device event. Events of an account are addressed to all its devices (except the one
/// that caused it, when there is one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceEvent {
    /// Strictly increasing across the server; the feed's cursor.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: i64,
    pub kind: DeviceEventKind,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub at: DateTime<Utc>,
    /// The device concerned (the new one, the one that unfroze or changed a setting): its id,
    /// e.g. for a one-tap freeze that revokes it ([`FreezeRequest`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// The device concerned, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// E.g. the order id of `order_waiting`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The end of a cooling-off this event started.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub cooling_off_until: Option<DateTime<Utc>>,
}

/// `GET /v1/events?after=CURSOR`: events after the cursor, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DeviceEventFeed {
    pub events: Vec<DeviceEvent>,
    /// Pass as `after` next time (the last event's cursor, or the one given when none).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub cursor: i64,
}

/// `GET`/`PUT /v1/settings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AccountSettings {
    /// Sign-in with an SMS code alone (no password). Off by default: anyone who takes over the
    /// phone number (SIM swap) could then sign in. Turning it on is logged and notified.
    pub sms_login_enabled: bool,
    /// Paying by SMS ("reply Y" to a product code texted to a merchant's service number). Off
    /// by default: a swapped SIM receives the SMS too. Switched with `PUT /v1/settings/sms-pay`.
    #[serde(default)]
    pub sms_pay_enabled: bool,
    /// The most one SMS payment may be (a provider constant).
    pub sms_pay_per_payment: Money,
    /// The most SMS payments may add up to in a day (China Standard Time; a provider constant).
    pub sms_pay_daily: Money,
}

/// `POST /v1/login/sms`: an OTP goes to the phone if the account allows SMS-only sign-in
/// ([`AccountSettings::sms_login_enabled`]); then verify it like any sign-in. Accounts that
/// do not allow it, and phones without an account, answer `SMS_LOGIN_DISABLED` alike.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsLoginRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub phone: String,
}

/// `PUT /v1/settings`. Switching SMS-only sign-in **on** needs the payment PIN (a wrong one
/// counts toward its lock-out); switching it off needs nothing.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct AccountSettingsUpdate {
    pub sms_login_enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_pin))]
    pub pin: Option<String>,
}

/// `POST /v1/phone/change` (signed): the login password, and EITHER the full ID number OR (when
/// `id_number` is absent) a code sent to the old number. A code always goes to the new number.
/// Wrong password or ID number: `CREDENTIALS_INVALID` (sharing sign-in's try budget); a new
/// number with an account: `PHONE_TAKEN`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhoneChangeRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub new_phone: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::password))]
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id_number))]
    pub id_number: Option<String>,
}

/// Answer to [`PhoneChangeRequest`] (202).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhoneChangeStarted {
    /// The code to the new number; verify at `/v1/phone/change/{challenge_id}/verify`.
    pub challenge_id: String,
    pub new_phone_masked: String,
    /// Set when a code also went to the old number (no ID number was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old_challenge_id: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// What happens to the bound cards when the number changes (the bank knows them under the old
/// number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CardsOnPhoneChange {
    /// Keep them bound.
    Keep,
    /// Unbind them all; bind them again under the new number.
    Unbind,
}

/// `POST /v1/phone/change/{challenge_id}/verify` (signed). Answers the [`AccountProfile`] with
/// the new number; a cooling-off starts, every other device is notified, the log records it.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct PhoneChangeVerifyRequest {
    /// The code sent to the new number.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::otp))]
    pub code: String,
    /// With `old_code`, when the start answer had an `old_challenge_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_id))]
    pub old_challenge_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_otp))]
    pub old_code: Option<String>,
    pub cards: CardsOnPhoneChange,
}

impl fmt::Debug for ReportLostRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReportLostRequest")
            .field("device_id", &self.device_id)
            .finish_non_exhaustive()
    }
}

redacted_debug!(
    UnfreezeRequest,
    SmsLoginRequest,
    AccountSettingsUpdate,
    PhoneChangeRequest,
    PhoneChangeVerifyRequest
);

// ---------------------------------------------------------------------------------------------
// Transfers and history (issue 6)

/// `POST /v1/transfers/recipient`: who is behind this phone number (shown masked before the
/// user confirms). `RECIPIENT_NOT_FOUND`, `TRANSFER_TO_SELF`; rate limited per device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecipientLookupRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub phone: String,
}

/// Answer to [`RecipientLookupRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct RecipientInfo {
    pub name_masked: String,
    pub phone_masked: String,
}

/// `POST /v1/transfers` (signed, `Idempotency-Key`): wallet balance to another user's wallet
/// balance, at once. Answers the sender's `transfer_out` [`Operation`]. The recipient gets a
/// `transfer_in` operation and a `transfer_received` device event. Limits per transfer and per
/// day; `COOLING_OFF` above the small amount; `ACCOUNT_FROZEN` for the sender,
/// `RECIPIENT_UNAVAILABLE` for a frozen recipient; `BALANCE_INSUFFICIENT`.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct TransferRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub to_phone: String,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_note))]
    pub note: Option<String>,
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::pin))]
    pub pin: String,
}

/// `GET /v1/history?after=SEQ&limit=N`: operations whose `seq` is above `after`, by `seq`
/// ascending. Apply each by `operation_id`, keeping the one with the highest `seq`; then ask
/// again with `cursor` while `more`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct HistoryFeed {
    pub operations: Vec<Operation>,
    /// The highest `seq` in this page (or `after` when empty).
    pub cursor: i64,
    pub more: bool,
}

redacted_debug!(TransferRequest);

// ---------------------------------------------------------------------------------------------
// SMS payment, "reply Y" (issue 14)

/// `PUT /v1/settings/sms-pay` (signed). Switching SMS payment **on** needs the payment PIN
/// (`PIN_REQUIRED` without it; a wrong one counts toward the lock); switching it off needs
/// nothing. Logged and told to the other devices. Answers the [`AccountSettings`].
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsPayUpdate {
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::optional_pin))]
    pub pin: Option<String>,
}

redacted_debug!(SmsPayUpdate);

/// Whether a product code is well formed: 1 to 8 digits (the seed's "product number"; never
/// mistaken for a "Y" reply).
pub fn sms_product_code_well_formed(code: &str) -> bool {
    (1..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit())
}

/// Whether a service number is well formed: 5 to 20 digits (an SMS short code such as
/// `106900001234`).
pub fn sms_service_number_well_formed(number: &str) -> bool {
    (5..=20).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
}

/// `POST /v1/merchants/{merchant_id}/sms-products` (API key): registers a product code payers
/// text to the merchant's service number, or replaces the one with the same code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsProductRequest {
    /// 1 to 8 digits (`MALFORMED_REQUEST` otherwise).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 8, pattern = "^[0-9]{1,8}$")
    )]
    pub code: String,
    /// What the payer buys, shown in the SMS: 1 to 32 characters, no control characters.
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::sms_product_description))]
    pub description: String,
    /// The price; at most the SMS per-payment cap (`AMOUNT_OVER_LIMIT` above it).
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::amount))]
    pub amount: Money,
}

/// One product code of a merchant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsProduct {
    pub code: String,
    pub description: String,
    pub amount: Money,
    pub created_at: DateTime<Utc>,
}

/// `GET /v1/merchants/{merchant_id}/sms-products`: the merchant's service number (given on
/// first use) and its product codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct SmsProducts {
    pub merchant: MerchantRef,
    /// The number payers text a product code to.
    pub service_number: String,
    /// By code.
    pub products: Vec<SmsProduct>,
    /// The most one SMS payment may be: no product may cost more.
    pub per_payment_cap: Money,
}

/// `POST /v1/sandbox/sms/inbound` (sandbox only): an SMS the phone `from` sent to the service
/// number `to`, as the SMS gateway delivers it. The provider answers by SMS (the outbox).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboundSmsRequest {
    #[cfg_attr(feature = "openapi", schema(schema_with = crate::openapi::phone))]
    pub from: String,
    /// The service number, 5 to 20 digits (`MALFORMED_REQUEST` otherwise).
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 5, max_length = 20, pattern = "^[0-9]{5,20}$")
    )]
    pub to: String,
    /// The message: a product code, `Y`, or `Y` and a reference. At most 480 characters.
    #[cfg_attr(feature = "openapi", schema(max_length = 480))]
    pub text: String,
}

redacted_debug!(InboundSmsRequest);

/// Answer to [`InboundSmsRequest`]: the SMS sent back to the sender (also in the outbox).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct InboundSmsAnswer {
    /// The reply's text.
    pub reply: String,
    /// What the reply says, for scripts: `offer`, `paid`, `unknown_code`, `unknown_reference`,
    /// `expired`, `already_paid`, `choose_reference`, `nothing_waiting`, `off`, `frozen`,
    /// `cooling_off`, `over_cap`, `daily_cap`, `balance_insufficient`, `too_many_open`,
    /// `not_paid`, `in_progress`, `no_such_number`.
    pub outcome: String,
    /// The one-time reference the reply is about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
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
