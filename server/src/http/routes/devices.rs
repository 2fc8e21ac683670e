//! `GET /v1/devices` and `POST /v1/devices/{device_id}/revoke` (docs/rules.md §Devices: the user sees every
//! device and can sign any of them out; revoking the current one is logging out).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{paths, DeviceInfo, DeviceList};
use wallet_protocol::{ErrorCode, Problem};

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::domain::wire::wire_time;
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
    let rows = state.store.active_devices(&auth.account_id).await?;
    let devices = rows
        .into_iter()
        .map(|d| DeviceInfo {
            current: d.id == auth.device_id,
            device_id: d.id,
            name: d.name,
            platform: d.platform,
            enrolled_at: wire_time(d.enrolled_at),
            last_seen_at: wire_time(d.last_seen_at),
        })
        .collect();
    Ok(Json(DeviceList { devices }))
}

/// Sign a device of this account out. It is refused from its very next request.
#[utoipa::path(
    post,
    path = paths::DEVICE_REVOKE,
    tag = "devices",
    params(("device_id" = String, Path, description = "A device of the caller's account")),
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
    let now = state.clock.unix();
    if !state
        .store
        .revoke_device(&auth.account_id, &device_id, now)
        .await?
    {
        return Err(ApiError::detail(
            ErrorCode::NotFound,
            "no such device on this account",
        ));
    }
    // Its payment codes die with it.
    state.paycodes.remove(&device_id);
    tracing::info!(account = %auth.account_id, device = %device_id, by = %auth.device_id, "device revoked");
    Ok(StatusCode::NO_CONTENT)
}
