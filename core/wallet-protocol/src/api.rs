//! Wire types of the provider API (`/v1`, JSON). Shared by `wallet-server` and `wallet-core`
//! so the two can never drift apart. Secrets sent here (password, OTP) are never logged:
//! their `Debug` output is redacted.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    pub const OPENAPI: &str = "/openapi.json";
    pub const HEALTH: &str = "/healthz";

    pub fn challenge_verify(challenge_id: &str) -> String {
        format!("/v1/challenges/{challenge_id}/verify")
    }

    pub fn device_revoke(device_id: &str) -> String {
        format!("/v1/devices/{device_id}/revoke")
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

/// Whether a string is a well-formed 6-digit OTP.
pub fn otp_well_formed(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
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
