//! `GET /v1/me`: the signed-in account ([`crate::domain::accounts::me`]).

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, AccountProfile};
use wallet_protocol::Problem;

use crate::domain::accounts;
use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::http::extract::AuthenticatedDevice;

/// The account of the signing device.
#[utoipa::path(
    get,
    path = paths::ME,
    tag = "account",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The account", body = AccountProfile),
        (status = 401, description = "SIGNATURE_MISSING, SIGNATURE_INVALID, TIMESTAMP_SKEW, NONCE_REUSED, DEVICE_UNKNOWN, DEVICE_REVOKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountProfile>> {
    Ok(Json(
        accounts::me(&state, &auth.account_id, &auth.device_id).await?,
    ))
}
