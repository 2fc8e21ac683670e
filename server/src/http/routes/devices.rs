//! `GET /v1/devices` and `POST /v1/devices/{device_id}/revoke` (docs/rules.md §Devices: the user sees every
//! device and can sign any of them out; revoking the current one is logging out). The logic
//! lives in [`crate::domain::accounts`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{paths, DeviceList};
use wallet_protocol::Problem;

use crate::domain::accounts;
use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::http::extract::{ApiPath, AuthenticatedDevice};

/// The account's active devices, most recently enrolled first.
#[utoipa::path(
    get,
    path = paths::DEVICES,
    tag = "devices",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "Active devices; `current` marks the caller", body = DeviceList),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_devices(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<DeviceList>> {
    Ok(Json(
        accounts::devices(&state, &auth.account_id, &auth.device_id).await?,
    ))
}

/// Sign a device of this account out. It is refused from its very next request.
#[utoipa::path(
    post,
    path = paths::DEVICE_REVOKE,
    tag = "devices",
    params(("device_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$", description = "A device of the caller's account")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "Revoked (or already was)"),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND: no such device on this account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke_device(
    State(state): State<AppState>,
    ApiPath(device_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<StatusCode> {
    accounts::revoke_device(&state, &auth.account_id, &auth.device_id, &device_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
