//! The one place where failures become HTTP answers.
//!
//! Handlers return [`ApiError`]; it renders RFC 9457 `application/problem+json` with the stable
//! `code` from `wallet-protocol`. Internal failures are logged here and reach the client only as
//! `INTERNAL`, never with their details (which could hold personal data or SQL).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use wallet_protocol::error::PROBLEM_JSON;
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

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        Self::internal(err)
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        // The text names the field and position; it goes back only to the sender, never to logs.
        Self::detail(ErrorCode::MalformedRequest, rejection.body_text())
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        Self::detail(ErrorCode::MalformedRequest, rejection.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(rejection: PathRejection) -> Self {
        Self::detail(ErrorCode::MalformedRequest, rejection.body_text())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.0;
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::warn!(code = %problem.code, "request failed");
        } else {
            tracing::debug!(code = %problem.code, "request refused");
        }
        let retry_after = problem.retry_after_secs;
        let body = match serde_json::to_vec(&problem) {
            Ok(body) => body,
            Err(_) => return StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if let Some(secs) = retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
