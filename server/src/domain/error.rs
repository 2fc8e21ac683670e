//! The one public error of the services: a problem document with a stable `code`.
//!
//! Every failure of a service becomes an [`ApiError`] here, in one place; the HTTP layer renders
//! it as RFC 9457 `application/problem+json` (`crate::http`), the tools print its code. Internal
//! failures are logged here and reach the client only as `INTERNAL`, never with their details
//! (which could hold personal data or SQL).

use wallet_protocol::text::HiddenCharacter;
use wallet_protocol::{ErrorCode, Problem};

use crate::store::StoreError;

/// An error answer: a problem document with a stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError(pub Problem);

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self(Problem::new(code))
    }

    /// `detail` is shown to the client: it must hold no personal data.
    pub fn detail(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self(Problem::new(code).with_detail(detail))
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Self(Problem::new(ErrorCode::RateLimited).with_retry_after(retry_after_secs))
    }

    /// Logs the cause and answers `INTERNAL` without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(ErrorCode::Internal)
    }

    pub fn code(&self) -> ErrorCode {
        self.0.code
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

/// `TEXT_HIDDEN_CHARACTER`, the detail naming the field and the code point (never the text).
impl From<HiddenCharacter> for ApiError {
    fn from(err: HiddenCharacter) -> Self {
        Self::detail(ErrorCode::TextHiddenCharacter, err.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        Self::internal(err)
    }
}
