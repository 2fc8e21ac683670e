//! The payment PIN (docs/rules.md §Credentials): `GET/POST /v1/pin`, `POST /v1/pin/change`, and the reset with
//! password + OTP (`POST /v1/pin/reset`, `POST /v1/pin/reset/{challenge_id}`). The logic lives
//! in [`crate::domain::pin`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{
    paths, ChallengeResponse, ChangePinRequest, PinResetRequest, PinResetVerifyRequest, PinStatus,
    SetPinRequest, VerifyPinRequest,
};
use wallet_protocol::Problem;

use crate::domain::error::ApiResult;
use crate::domain::pin;
use crate::domain::state::AppState;
use crate::http::extract::{ApiPath, AuthenticatedDevice, ClientIp};

/// Whether a payment PIN is set, and until when it is locked.
#[utoipa::path(
    get,
    path = paths::PIN,
    tag = "pin",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "PIN state", body = PinStatus),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn pin_status(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<PinStatus>> {
    Ok(Json(pin::status(&state, &auth.account_id).await?))
}

/// Set the first payment PIN.
#[utoipa::path(
    post,
    path = paths::PIN,
    tag = "pin",
    request_body = SetPinRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "PIN set"),
        (status = 400, description = "PIN_FORMAT_INVALID, PIN_WEAK (detail names the rule)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_ALREADY_SET: change or reset it instead", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_pin(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<StatusCode> {
    let req: SetPinRequest = auth.json()?;
    pin::set(&state, &auth.account_id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change the PIN: the current one proves the user (wrong tries count toward the lock).
#[utoipa::path(
    post,
    path = paths::PIN_CHANGE,
    tag = "pin",
    request_body = ChangePinRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "PIN changed; logged and told to the other devices"),
        (status = 400, description = "PIN_FORMAT_INVALID, PIN_WEAK", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG (detail: tries left)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED (retry_after_secs; detail names the time)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn change_pin(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<StatusCode> {
    let req: ChangePinRequest = auth.json()?;
    pin::change(&state, &auth.account_id, &auth.device_id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Check the PIN and change nothing: what the desktop app asks before it unlocks after being
/// idle. Wrong tries count toward the same 5-try lock as a payment's.
#[utoipa::path(
    post,
    path = paths::PIN_VERIFY,
    tag = "pin",
    request_body = VerifyPinRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "The PIN is right"),
        (status = 400, description = "PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG (detail: tries left)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED (retry_after_secs; detail names the time)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify_pin(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<StatusCode> {
    let req: VerifyPinRequest = auth.json()?;
    pin::verify_pin(&state, &auth.account_id, &req.pin).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start a PIN reset: the login password, then an OTP goes to the phone.
#[utoipa::path(
    post,
    path = paths::PIN_RESET,
    tag = "pin",
    request_body = PinResetRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 202, description = "Password right, code sent", body = ChallengeResponse),
        (status = 401, description = "CREDENTIALS_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start_reset(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthenticatedDevice,
) -> ApiResult<(StatusCode, Json<ChallengeResponse>)> {
    let req: PinResetRequest = auth.json()?;
    let challenge = pin::start_reset(&state, &ip, &auth.account_id, req).await?;
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}

/// Finish a PIN reset with the OTP and the new PIN; clears a lock. Logged, told to the other
/// devices, and a 24-hour cooling-off starts.
#[utoipa::path(
    post,
    path = paths::PIN_RESET_VERIFY,
    tag = "pin",
    params(("challenge_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$", description = "From the reset answer")),
    request_body = PinResetVerifyRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "New PIN set; a cooling-off started"),
        (status = 400, description = "OTP_FORMAT_INVALID, PIN_FORMAT_INVALID, PIN_WEAK", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "OTP_INVALID, OTP_EXPIRED", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CHALLENGE_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn finish_reset(
    State(state): State<AppState>,
    ApiPath(challenge_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<StatusCode> {
    let req: PinResetVerifyRequest = auth.json()?;
    pin::finish_reset(
        &state,
        &auth.account_id,
        &auth.device_id,
        &challenge_id,
        req,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
