//! Mirrors of `wallet-core`'s plain data as uniffi records and enums, with `From` conversions.
//! Times are RFC 3339 UTC strings, as in the core.

use std::path::PathBuf;

/// How the host opens a profile.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WalletConfig {
    /// The profile directory (app-private storage): the encrypted database lives here.
    pub home: String,
    /// Provider base URL; plain HTTP only to loopback.
    pub server_url: String,
    /// Shown in the device list.
    pub device_name: String,
    /// `android`, `ios`, ...
    pub platform: String,
}

impl From<WalletConfig> for wallet_core::WalletConfig {
    fn from(c: WalletConfig) -> Self {
        Self {
            home: PathBuf::from(c.home),
            server_url: c.server_url,
            device_name: c.device_name,
            platform: c.platform,
        }
    }
}

/// What `signup` needs.
#[derive(Clone, uniffi::Record)]
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

impl From<SignupInput> for wallet_core::SignupInput {
    fn from(i: SignupInput) -> Self {
        Self {
            phone: i.phone,
            name: i.name,
            id_number: i.id_number,
            password: i.password,
        }
    }
}

/// What a sign-up or sign-in is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChallengePurpose {
    Signup,
    Login,
}

impl From<wallet_core::ChallengePurpose> for ChallengePurpose {
    fn from(p: wallet_core::ChallengePurpose) -> Self {
        match p {
            wallet_core::ChallengePurpose::Signup => Self::Signup,
            wallet_core::ChallengePurpose::Login => Self::Login,
        }
    }
}

/// A sign-up or sign-in waiting for the SMS code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingVerification {
    pub purpose: ChallengePurpose,
    /// `+86 138****5678`
    pub phone_masked: String,
    pub expires_at: String,
}

impl From<wallet_core::PendingVerification> for PendingVerification {
    fn from(p: wallet_core::PendingVerification) -> Self {
        Self {
            purpose: p.purpose.into(),
            phone_masked: p.phone_masked,
            expires_at: p.expires_at,
        }
    }
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Profile {
    pub account_id: String,
    pub device_id: String,
    /// E.164.
    pub phone: String,
    pub phone_masked: String,
    pub name: String,
    pub id_last4: String,
}

impl From<wallet_core::Profile> for Profile {
    fn from(p: wallet_core::Profile) -> Self {
        Self {
            account_id: p.account_id,
            device_id: p.device_id,
            phone: p.phone,
            phone_masked: p.phone_masked,
            name: p.name,
            id_last4: p.id_last4,
        }
    }
}

/// One device of the account.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Device {
    pub device_id: String,
    pub name: String,
    pub platform: String,
    pub enrolled_at: String,
    pub last_seen_at: String,
    /// This device.
    pub current: bool,
}

impl From<wallet_core::Device> for Device {
    fn from(d: wallet_core::Device) -> Self {
        Self {
            device_id: d.device_id,
            name: d.name,
            platform: d.platform,
            enrolled_at: d.enrolled_at,
            last_seen_at: d.last_seen_at,
            current: d.current,
        }
    }
}

/// What the password strength meter shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasswordStrength {
    /// zxcvbn score, 0 to 4.
    pub score: u8,
    /// Whether the password may be used.
    pub acceptable: bool,
    /// zxcvbn's warning, in English.
    pub warning: Option<String>,
    /// zxcvbn's suggestions, in English.
    pub suggestions: Vec<String>,
}

impl From<wallet_core::PasswordStrength> for PasswordStrength {
    fn from(s: wallet_core::PasswordStrength) -> Self {
        Self {
            score: s.score,
            acceptable: s.acceptable,
            warning: s.warning,
            suggestions: s.suggestions,
        }
    }
}

/// Where this profile stands; what the app shows at start.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SessionStatus {
    SignedOut,
    PendingVerification { pending: PendingVerification },
    SignedIn { profile: Profile },
}

impl From<wallet_core::SessionStatus> for SessionStatus {
    fn from(s: wallet_core::SessionStatus) -> Self {
        match s {
            wallet_core::SessionStatus::SignedOut => Self::SignedOut,
            wallet_core::SessionStatus::PendingVerification { pending } => {
                Self::PendingVerification {
                    pending: pending.into(),
                }
            }
            wallet_core::SessionStatus::SignedIn { profile } => Self::SignedIn {
                profile: profile.into(),
            },
        }
    }
}
