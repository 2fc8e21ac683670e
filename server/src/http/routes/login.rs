//! `POST /v1/login`: password first, then an OTP to the phone (docs/rules.md §Credentials: a new device needs both);
//! `POST /v1/login/sms`. The logic lives in [`crate::domain::accounts`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{paths, ChallengeResponse, LoginRequest, SmsLoginRequest};
use wallet_protocol::Problem;

use crate::domain::accounts;
use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ClientIp};

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
    let challenge = accounts::login(&state, &ip, req).await?;
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
    let challenge = accounts::login_sms(&state, &ip, req).await?;
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}
