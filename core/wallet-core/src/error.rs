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
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
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

// --- the one conversion point from internal errors -------------------------------------------
//
// Internal errors are rich (`StoreError`, `ClientError`, `SecretStoreError`); here they become
// the flat public error. This is also where it is decided what gets logged: internal details go
// to `tracing` at warn/error, and nothing that could hold a secret or a full phone/ID number is
// put in a message (the internal errors are built without them).

use crate::client::ClientError;
use crate::secret_store::SecretStoreError;
use crate::store::StoreError;

const LEFT_UNTOUCHED: &str =
    "The local database was left untouched. To start over on this device, delete the profile \
     directory and sign in again.";

impl From<StoreError> for WalletError {
    fn from(e: StoreError) -> Self {
        let (code, message) = match &e {
            StoreError::KeyMissing(detail) => (
                ErrorCode::StoreKeyMissing,
                format!(
                    "{} ({detail}). {LEFT_UNTOUCHED}",
                    ErrorCode::StoreKeyMissing.title()
                ),
            ),
            StoreError::KeyWrong => (
                ErrorCode::StoreKeyWrong,
                format!("{}. {LEFT_UNTOUCHED}", ErrorCode::StoreKeyWrong.title()),
            ),
            StoreError::Corrupt(_) | StoreError::TooNew { .. } => {
                (ErrorCode::StoreCorrupt, e.to_string())
            }
            StoreError::Secret(s) => return s.clone().into(),
            StoreError::Io(_) | StoreError::Sqlite(_) | StoreError::Migration { .. } => {
                (ErrorCode::StoreIo, e.to_string())
            }
        };
        tracing::error!(code = %code, error = %e, "local store error");
        WalletError::new(code, message)
    }
}

impl From<SecretStoreError> for WalletError {
    fn from(e: SecretStoreError) -> Self {
        tracing::error!(error = %e, "secret store error");
        match e {
            SecretStoreError::Unavailable(msg) => {
                WalletError::new(ErrorCode::SecretStoreUnavailable, msg)
            }
            SecretStoreError::Other(msg) => WalletError::new(
                ErrorCode::SecretStoreUnavailable,
                format!("The secret store failed: {msg}"),
            ),
        }
    }
}

impl From<ClientError> for WalletError {
    fn from(e: ClientError) -> Self {
        match e {
            ClientError::InsecureUrl(msg) => WalletError::new(ErrorCode::InsecureServerUrl, msg),
            ClientError::Network(msg) => {
                tracing::warn!(error = %msg, "server unreachable");
                WalletError::new(
                    ErrorCode::Network,
                    format!("The server could not be reached: {msg}"),
                )
            }
            ClientError::Redirect { .. } => {
                tracing::warn!(error = %e, "redirect not followed");
                WalletError::new(ErrorCode::ServerRedirect, format!("{e}"))
            }
            ClientError::Protocol(msg) => {
                tracing::error!(error = %msg, "protocol error");
                WalletError::new(
                    ErrorCode::Protocol,
                    format!("{}: {msg}", ErrorCode::Protocol.title()),
                )
            }
            ClientError::Server {
                code,
                message,
                retry_after_secs,
            } => {
                tracing::info!(code = %code, "server refused the request");
                WalletError {
                    code,
                    message,
                    retry_after_secs,
                }
            }
        }
    }
}
