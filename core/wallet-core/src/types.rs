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
