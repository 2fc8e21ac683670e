//! Payment codes, the payer's side: `POST /v1/paycode/seed` (reissue this device's seed) and
//! `GET`/`PUT /v1/paycode/settings` (no-PIN limits). Merchants charge codes through
//! `POST /v1/merchants/{id}/charges`.

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, PaycodeSeedResponse, PaycodeSettings, PaycodeSettingsUpdate};
use wallet_protocol::Problem;

use crate::domain::error::ApiResult;
use crate::domain::pay;
use crate::domain::state::AppState;
use crate::http::extract::AuthenticatedDevice;

/// A new payment-code seed for this device; codes of the old seed stop working at once.
#[utoipa::path(
    post,
    path = paths::PAYCODE_SEED,
    tag = "paycode",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The seed: keep it in the encrypted store, never log it", body = PaycodeSeedResponse),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn seed(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<PaycodeSeedResponse>> {
    Ok(Json(
        pay::reissue_seed(&state, &auth.device_id, &auth.account_id).await?,
    ))
}

/// How much a payment code may pay without the PIN.
#[utoipa::path(
    get,
    path = paths::PAYCODE_SETTINGS,
    tag = "paycode",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses((status = 200, description = "The no-PIN limits and the server's ceilings", body = PaycodeSettings))
)]
pub async fn settings(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<PaycodeSettings>> {
    Ok(Json(pay::paycode_settings(&state, &auth.account_id).await?))
}

/// Change the no-PIN limits (never above the server's ceilings) or switch them on or off.
/// Switching on or raising a limit needs the payment PIN; lowering or switching off does not.
/// Every change is logged and told to the other devices.
#[utoipa::path(
    put,
    path = paths::PAYCODE_SETTINGS,
    tag = "paycode",
    request_body = PaycodeSettingsUpdate,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The limits now", body = PaycodeSettings),
        (status = 400, description = "AMOUNT_INVALID, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_REQUIRED (switching on or raising without the PIN), PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "AMOUNT_OVER_LIMIT: above the server's ceiling", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<PaycodeSettings>> {
    let req: PaycodeSettingsUpdate = auth.json()?;
    Ok(Json(
        pay::put_paycode_settings(&state, &auth.account_id, &auth.device_id, req).await?,
    ))
}
