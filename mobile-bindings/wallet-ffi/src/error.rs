//! The one error every exported call returns: the core's flat error, with the code as its
//! stable wire string.

/// Why a `Wallet` call failed. Branch on `code` (SCREAMING_SNAKE, e.g. `DEVICE_REVOKED`);
/// `message` is English for logs and never contains personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum WalletError {
    #[error("{code}: {message}")]
    Failed {
        code: String,
        message: String,
        /// Seconds until a rate-limited action may be tried again.
        retry_after_secs: Option<u64>,
    },
}

impl From<wallet_core::WalletError> for WalletError {
    fn from(e: wallet_core::WalletError) -> Self {
        Self::Failed {
            code: e.code.as_str().to_owned(),
            message: e.message,
            retry_after_secs: e.retry_after_secs,
        }
    }
}
