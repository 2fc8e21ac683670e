//! The one error every exported call returns: the core's flat error, with the code as its
//! stable wire string.

/// Why a `Wallet` call failed. Branch on `code` (SCREAMING_SNAKE, e.g. `DEVICE_REVOKED`);
/// `detail` is English for logs and never contains personal data. (Not called `message`: that
/// name would clash with `Throwable.message` in the generated Kotlin exception.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum WalletError {
    #[error("{code}: {detail}")]
    Failed {
        code: String,
        detail: String,
        /// Seconds until a rate-limited action may be tried again.
        retry_after_secs: Option<u64>,
    },
}

impl From<wallet_core::WalletError> for WalletError {
    fn from(e: wallet_core::WalletError) -> Self {
        Self::Failed {
            code: e.code.as_str().to_owned(),
            detail: e.message,
            retry_after_secs: e.retry_after_secs,
        }
    }
}
