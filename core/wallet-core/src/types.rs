//! Plain data the facade returns to shells. TypeScript types for the UI are generated from
//! these with ts-rs (`cargo test -p wallet-core --features ts export_bindings`).

use serde::{Deserialize, Serialize};

pub use wallet_protocol::api::ChallengePurpose;
pub use wallet_protocol::password::PasswordStrength;

/// What `signup` needs. The password is dropped from memory after use.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
pub enum SessionStatus {
    SignedOut,
    PendingVerification { pending: PendingVerification },
    SignedIn { profile: Profile },
}

// --- cards, PIN and money (issue 3) ----------------------------------------------------------

pub use wallet_protocol::api::{CardStatus, OperationKind, OperationStatus};
pub use wallet_protocol::card::{Bank, CardInspection, CardScheme, CardType};
pub use wallet_protocol::money::{Currency, Money};

use crate::ErrorCode;

/// Whether the payment PIN is set and whether five wrong tries locked it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PinState {
    pub set: bool,
    /// RFC 3339 UTC, while locked.
    pub locked_until: Option<String>,
}

/// A card binding waiting for the bank's SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// A top-up or withdrawal as the app shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Operation {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub amount: Money,
    /// Kept from a withdrawal; the card receives `amount - fee`.
    pub fee: Money,
    pub card_id: String,
    pub card_last4: String,
    pub bank: Option<Bank>,
    pub failure_code: Option<ErrorCode>,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// RFC 3339 UTC.
    pub updated_at: String,
}

/// What is left of today's limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MoneyLimits {
    pub topup_per_payment: Money,
    pub topup_daily_remaining: Money,
    pub withdraw_per_payment: Money,
    pub withdraw_daily_remaining: Money,
}

/// The wallet balance with the latest operations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// What `top_up` needs. `amount` is what the user typed (`100`, `¥12.30`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct TopUpInput {
    pub amount: String,
    /// The default card when absent.
    pub card_id: Option<String>,
    /// A retry with the same key never moves money twice. Made fresh when absent.
    pub idempotency_key: Option<String>,
}

/// What `withdraw` needs. The PIN is dropped from memory after use.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
