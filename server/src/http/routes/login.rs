//! `POST /v1/login`: password first, then an OTP to the phone (docs/rules.md §Credentials: a new device needs both).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{
    paths, ChallengePurpose, ChallengeResponse, LoginRequest, SmsLoginRequest,
};
use wallet_protocol::{ErrorCode, PhoneNumber, Problem};

use crate::config::window_retry_after;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::otp;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ClientIp};
use crate::secrets;

/// Check the password; an OTP goes to the phone.
#[utoipa::path(
    post,
    path = paths::LOGIN,
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 202, description = "Password right, code sent", body = ChallengeResponse),
        (status = 400, description = "MALFORMED_REQUEST, PHONE_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "CREDENTIALS_INVALID (also for an unknown phone)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many password tries or codes", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> ApiResult<(StatusCode, Json<ChallengeResponse>)> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let now = state.clock.unix();
    let (max, window) = (
        state.limits.login_failures_max,
        state.limits.login_failure_window_secs,
    );
    // The try is counted before the check, so parallel guesses cannot slip past the limit.
    state
        .store
        .begin_login_attempt(phone.as_e164(), now, now - window, move |recent| {
            window_retry_after(recent, now, max, window).map_or(Ok(()), Err)
        })
        .await?
        .map_err(|secs| {
            tracing::info!(phone = %phone.masked(), "password tries refused by rate limit");
            ApiError::rate_limited(secs)
        })?;

    let account = state.store.account_by_phone(phone.as_e164()).await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let password = req.password;
    // Unknown phones are checked against a dummy hash: same work, same answer.
    let password_ok =
        tokio::task::spawn_blocking(move || secrets::verify_password(&password, stored.as_deref()))
            .await
            .map_err(ApiError::internal)?;
    let Some(account) = account.filter(|_| password_ok) else {
        tracing::info!(phone = %phone.masked(), "sign-in refused: credentials");
        return Err(ApiError::new(ErrorCode::CredentialsInvalid));
    };
    state.store.clear_login_attempts(phone.as_e164()).await?;

    otp::admit_send(&state, &phone, &ip).await?;
    let challenge = otp::issue(
        &state,
        &phone,
        ChallengePurpose::Login,
        Some(account.id),
        None,
    )
    .await?;
    tracing::info!(phone = %phone.masked(), challenge = %challenge.challenge_id, "sign-in started");
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}

/// Sign in with an SMS code alone — only for accounts whose holder switched it on
/// (`PUT /v1/settings`, off by default: a SIM swap would otherwise be enough to sign in).
/// Verify the code like any sign-in; a new device starts a cooling-off and is notified.
#[utoipa::path(
    post,
    path = paths::LOGIN_SMS,
    tag = "auth",
    request_body = SmsLoginRequest,
    responses(
        (status = 202, description = "Code sent", body = ChallengeResponse),
        (status = 400, description = "MALFORMED_REQUEST, PHONE_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "SMS_LOGIN_DISABLED (also for a phone without an account)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many codes", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn login_sms(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<SmsLoginRequest>,
) -> ApiResult<(StatusCode, Json<ChallengeResponse>)> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let account = state.store.account_by_phone(phone.as_e164()).await?;
    let mut allowed = None;
    if let Some(account) = account {
        if state
            .store
            .account_guard(&account.id)
            .await?
            .sms_login_enabled
        {
            allowed = Some(account);
        }
    }
    let Some(account) = allowed else {
        tracing::info!(phone = %phone.masked(), "SMS-only sign-in refused: not enabled");
        return Err(ApiError::new(ErrorCode::SmsLoginDisabled));
    };
    otp::admit_send(&state, &phone, &ip).await?;
    let challenge = otp::issue(
        &state,
        &phone,
        ChallengePurpose::Login,
        Some(account.id),
        None,
    )
    .await?;
    tracing::info!(phone = %phone.masked(), challenge = %challenge.challenge_id, "SMS-only sign-in started");
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}
