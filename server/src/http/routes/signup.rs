//! `POST /v1/signup`: validate everything, then send an OTP; the account exists only after it.
//! The logic lives in [`crate::domain::accounts`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{paths, ChallengeResponse, SignupRequest};
use wallet_protocol::Problem;

use crate::domain::accounts;
use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ClientIp};

/// Start a sign-up: an OTP goes to the phone.
#[utoipa::path(
    post,
    path = paths::SIGNUP,
    tag = "auth",
    request_body = SignupRequest,
    responses(
        (status = 202, description = "Code sent; verify it with the challenge id", body = ChallengeResponse),
        (status = 400, description = "MALFORMED_REQUEST, PHONE_INVALID, NAME_INVALID, ID_NUMBER_INVALID, PASSWORD_WEAK (zxcvbn feedback in `detail`)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PHONE_TAKEN", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn signup(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<SignupRequest>,
) -> ApiResult<(StatusCode, Json<ChallengeResponse>)> {
    let challenge = accounts::signup(&state, &ip, req).await?;
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}
