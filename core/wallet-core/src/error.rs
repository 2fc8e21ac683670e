//! The public, flat error every shell sees: a stable [`ErrorCode`] and a message without
//! personal data. Internal errors convert into it in one place (`From` impls in this module).

use serde::{Deserialize, Serialize};
use wallet_protocol::ErrorCode;

/// What every `Wallet` method returns on failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[error("{code}: {message}")]
pub struct WalletError {
    pub code: ErrorCode,
    /// English, for logs and developers; shells show their own localised text for `code`.
    pub message: String,
    /// Seconds until a rate-limited action may be tried again.
    pub retry_after_secs: Option<u64>,
}

impl WalletError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            retry_after_secs: None,
        }
    }
}

impl From<ErrorCode> for WalletError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code, code.title())
    }
}
