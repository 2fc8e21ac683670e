//! The payment PIN (docs/rules.md §Credentials): `GET/POST /v1/pin`, `POST /v1/pin/change`, and the reset with
//! password + OTP (`POST /v1/pin/reset`, `POST /v1/pin/reset/{challenge_id}`).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{
    otp_well_formed, paths, ChallengePurpose, ChallengeResponse, ChangePinRequest, PinResetRequest,
    PinResetVerifyRequest, PinStatus, SetPinRequest,
};
use wallet_protocol::{ErrorCode, PhoneNumber, Problem};
use zeroize::Zeroizing;

use crate::config::{window_retry_after, OTP_MAX_ATTEMPTS};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::otp;
use crate::domain::pin::{check_new_pin, hash_pin, verify_pin};
use crate::domain::state::AppState;
use crate::domain::wire::wire_time;
use crate::http::extract::{ApiPath, AuthenticatedDevice, ClientIp};
use crate::secrets;
use crate::store::CodeCheck;

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
    let now = state.clock.unix();
    let row = state.store.pin(&auth.account_id).await?;
    Ok(Json(PinStatus {
        set: row.is_some(),
        locked_until: row
            .and_then(|r| r.locked_until)
            .filter(|u| *u > now)
            .map(wire_time),
    }))
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
    let pin = Zeroizing::new(req.pin);
    check_new_pin(&state, &auth.account_id, &pin).await?;
    let hash = hash_pin(pin.to_string()).await?;
    if !state
        .store
        .store_pin(&auth.account_id, hash, state.clock.unix(), true)
        .await?
    {
        return Err(ErrorCode::PinAlreadySet.into());
    }
    tracing::info!(account = %auth.account_id, "payment PIN set");
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
        (status = 204, description = "PIN changed"),
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
    let (old, new) = (Zeroizing::new(req.old_pin), Zeroizing::new(req.new_pin));
    check_new_pin(&state, &auth.account_id, &new).await?;
    verify_pin(&state, &auth.account_id, &old).await?;
    let hash = hash_pin(new.to_string()).await?;
    state
        .store
        .store_pin(&auth.account_id, hash, state.clock.unix(), false)
        .await?;
    tracing::info!(account = %auth.account_id, "payment PIN changed");
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
    let password = Zeroizing::new(req.password);
    let account = state
        .store
        .account(&auth.account_id)
        .await?
        .ok_or_else(|| ApiError::internal("account of a device is gone"))?;
    let phone = PhoneNumber::parse(&account.phone).map_err(ApiError::internal)?;
    let now = state.clock.unix();
    let (max, window) = (
        state.limits.login_failures_max,
        state.limits.login_failure_window_secs,
    );
    // Password guesses here share the sign-in budget.
    state
        .store
        .begin_login_attempt(phone.as_e164(), now, now - window, move |recent| {
            window_retry_after(recent, now, max, window).map_or(Ok(()), Err)
        })
        .await?
        .map_err(ApiError::rate_limited)?;
    let stored = account.password_hash.clone();
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || secrets::verify_password(&pw, Some(&stored)))
        .await
        .map_err(ApiError::internal)?;
    if !ok {
        return Err(ErrorCode::CredentialsInvalid.into());
    }
    state.store.clear_login_attempts(phone.as_e164()).await?;
    otp::admit_send(&state, &phone, &ip).await?;
    let challenge = otp::issue(
        &state,
        &phone,
        ChallengePurpose::PinReset,
        Some(account.id),
        None,
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}

/// Finish a PIN reset with the OTP and the new PIN; clears a lock.
#[utoipa::path(
    post,
    path = paths::PIN_RESET_VERIFY,
    tag = "pin",
    params(("challenge_id" = String, Path, description = "From the reset answer")),
    request_body = PinResetVerifyRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "New PIN set"),
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
    let (code, new_pin) = (Zeroizing::new(req.code), Zeroizing::new(req.new_pin));
    if !otp_well_formed(&code) {
        return Err(ErrorCode::OtpFormatInvalid.into());
    }
    check_new_pin(&state, &auth.account_id, &new_pin).await?;
    let hash = hash_pin(new_pin.to_string()).await?;
    let (id, c) = (challenge_id.clone(), code.to_string());
    let outcome = state
        .store
        .reset_pin_with_challenge(
            &challenge_id,
            &auth.account_id,
            state.clock.unix(),
            OTP_MAX_ATTEMPTS,
            move |stored| secrets::otp_matches(&id, &c, stored),
            hash,
        )
        .await?;
    match outcome {
        CodeCheck::Confirmed(_) => {
            tracing::info!(account = %auth.account_id, "payment PIN reset");
            Ok(StatusCode::NO_CONTENT)
        }
        CodeCheck::NotFound => Err(ErrorCode::ChallengeNotFound.into()),
        CodeCheck::Expired => Err(ErrorCode::OtpExpired.into()),
        CodeCheck::Wrong { tries_left } => Err(ApiError::detail(
            ErrorCode::OtpInvalid,
            format!("{tries_left} tries left."),
        )),
    }
}
