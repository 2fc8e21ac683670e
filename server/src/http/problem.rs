//! Where an [`ApiError`] becomes an HTTP answer (`application/problem+json`, `Retry-After`),
//! and where axum's own rejections become `MALFORMED_REQUEST` problems.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use wallet_protocol::error::PROBLEM_JSON;
use wallet_protocol::ErrorCode;

use crate::domain::ApiError;

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
        let mut problem = self.0;
        if problem.request_id.is_none() {
            problem.request_id = crate::http::observe::current_request_id();
        }
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
        // For the counters of `http::observe` (rate-limit refusals).
        response.extensions_mut().insert(problem.code);
        response
    }
}
