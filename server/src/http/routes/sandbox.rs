//! `GET /v1/sandbox/outbox?phone=P`: the SMS outbox for testers, sandbox mode only
//! ([`crate::domain::sandbox`]).

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use wallet_protocol::api::{paths, Outbox};
use wallet_protocol::Problem;

use crate::domain::error::ApiResult;
use crate::domain::sandbox;
use crate::domain::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// Any spelling of the phone number, e.g. `13812345678` or `+86 138 1234 5678`.
    /// The constraints of `wallet_protocol::openapi::phone` (`server/tests/suite/openapi.rs` compares).
    #[param(
        format = "phone",
        min_length = 5,
        max_length = 32,
        pattern = "^\\+?[0-9][0-9 ()-]{3,30}[0-9]$"
    )]
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
        (status = 429, description = "RATE_LIMITED: too many requests from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn sandbox_outbox(State(state): State<AppState>, uri: Uri) -> ApiResult<Json<Outbox>> {
    // Before the query is read: outside the sandbox every request answers `SANDBOX_ONLY`.
    sandbox::ensure_sandbox(&state)?;
    let Query(query) = Query::<OutboxQuery>::try_from_uri(&uri)?;
    Ok(Json(sandbox::outbox(&state, &query.phone).await?))
}
