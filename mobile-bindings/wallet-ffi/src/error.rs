//! The one error every exported call returns: the core's flat error, its code a real enum.

use wallet_core::ErrorCode;

/// Why a `Wallet` call failed. Branch on `code` (`ErrorCode.DEVICE_REVOKED` in Kotlin and
/// Python, `.deviceRevoked` in Swift); `detail` is English for logs and never contains personal
/// data. For a person, [`WalletError::message`] gives the text in their language. (The English
/// field is not called `message`: that name would clash with `Throwable.message` in Kotlin.)
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

#[uniffi::export]
impl WalletError {
    /// What to tell the user, in `lang` (a BCP-47 or POSIX tag: `zh-CN`, `zh_TW.UTF-8`,
    /// `zh-Hant`, `en`, ...; anything else gets English), from the catalogue the CLI and the
    /// desktop app read too (`wallet-i18n`).
    pub fn message(&self, lang: String) -> String {
        let WalletError::Failed { code, .. } = self;
        wallet_i18n::error_message(*code, wallet_i18n::Lang::parse(&lang))
    }
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
        assert_eq!(
            e.message("zh-CN".into()),
            wallet_i18n::error_message(ErrorCode::DeviceRevoked, wallet_i18n::Lang::ZhCn)
        );
        assert_ne!(e.message("zh-TW".into()), e.message("en".into()));
        let WalletError::Failed { code, .. } = e;
        assert_eq!(code, ErrorCode::DeviceRevoked);
    }
}
