//! `GET /v1/sandbox/outbox?phone=P`: the SMS outbox for testers, sandbox mode only.

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use wallet_protocol::api::{paths, Outbox};
use wallet_protocol::{ErrorCode, PhoneNumber, Problem};

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::ports::sms;

#[derive(Debug, Deserialize, IntoParams)]
pub struct OutboxQuery {
    /// Any spelling of the phone number, e.g. `13812345678` or `+86 138 1234 5678`.
    pub phone: String,
}

/// Messages sent to a phone, newest first (sandbox only).
#[utoipa::path(
    get,
    path = paths::SANDBOX_OUTBOX,
    tag = "sandbox",
    params(OutboxQuery),
    responses(
        (status = 200, description = "Newest first", body = Outbox),
        (status = 400, description = "MALFORMED_REQUEST, PHONE_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "SANDBOX_ONLY", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sandbox_outbox(State(state): State<AppState>, uri: Uri) -> ApiResult<Json<Outbox>> {
    if !state.sandbox {
        return Err(ApiError::new(ErrorCode::SandboxOnly));
    }
    let Query(query) = Query::<OutboxQuery>::try_from_uri(&uri)?;
    let phone = PhoneNumber::parse(&query.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    Ok(Json(sms::read_outbox(&state.store, &phone).await?))
}
