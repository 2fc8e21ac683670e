//! The one error every exported call returns: the core's flat error, its code a real enum.

use wallet_core::ErrorCode;

/// Why a `Wallet` call failed. Branch on `code` (`ErrorCode.DEVICE_REVOKED` in Kotlin and
/// Python, `.deviceRevoked` in Swift); `detail` is English for logs and never contains personal
/// data. (Not called `message`: that name would clash with `Throwable.message` in the generated
/// Kotlin exception.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum WalletError {
    #[error("{}: {detail}", code.as_str())]
    Failed {
        code: ErrorCode,
        detail: String,
        /// Seconds until a rate-limited action may be tried again.
        retry_after_secs: Option<u64>,
    },
}

impl From<wallet_core::WalletError> for WalletError {
    fn from(e: wallet_core::WalletError) -> Self {
        Self::Failed {
            code: e.code,
            detail: e.message,
            retry_after_secs: e.retry_after_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_crosses_as_the_enum_and_the_text_starts_with_its_wire_name() {
        let core = wallet_core::WalletError {
            code: ErrorCode::DeviceRevoked,
            message: "signed out".into(),
            retry_after_secs: None,
        };
        let e = WalletError::from(core);
        assert_eq!(e.to_string(), "DEVICE_REVOKED: signed out");
        let WalletError::Failed { code, .. } = e;
        assert_eq!(code, ErrorCode::DeviceRevoked);
    }
}
