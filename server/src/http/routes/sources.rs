//! Funding sources (docs/rules.md §Funding sources): `GET /v1/sources` (the balance, bound
//! cards, the phone bill, and the default order) and `PUT /v1/sources` (a new default order).
//! Payments choose a source in their own request (`source` of `QrPayRequest`,
//! `OrderConfirmRequest`).

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, FundingSources, SourceOrderUpdate};
use wallet_protocol::Problem;

use crate::domain::error::ApiResult;
use crate::domain::sources;
use crate::domain::state::AppState;
use crate::http::extract::AuthenticatedDevice;

/// Where this account can pay from, and the default order payments use when none is chosen
/// (payment codes always).
#[utoipa::path(
    get,
    path = paths::SOURCES,
    tag = "pay",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses((status = 200, description = "The sources and the default order", body = FundingSources))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<FundingSources>> {
    Ok(Json(sources::sources(&state, &auth.account_id).await?))
}

/// Set the default order ("balance, then card 1234"): the first source that can pay is used.
#[utoipa::path(
    put,
    path = paths::SOURCES,
    tag = "pay",
    request_body = SourceOrderUpdate,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The sources and the new default order", body = FundingSources),
        (status = 422, description = "SOURCE_INVALID: empty, over 12, or a source twice", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CARD_NOT_FOUND: a card not bound to this account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "CARD_SUSPENDED: a card reported lost", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_order(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<FundingSources>> {
    let req: SourceOrderUpdate = auth.json()?;
    Ok(Json(
        sources::set_order(&state, &auth.account_id, req).await?,
    ))
}
