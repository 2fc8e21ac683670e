//! `POST /v1/challenges/{challenge_id}/verify`: the OTP proves the phone; the device is enrolled
//! (and, for a sign-up, the account created) in the same transaction. The logic lives in
//! [`crate::domain::accounts`].

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, EnrolResponse, VerifyRequest};
use wallet_protocol::Problem;

use crate::domain::accounts;
use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ApiPath};

/// Verify the OTP and enrol this device.
#[utoipa::path(
    post,
    path = paths::CHALLENGE_VERIFY,
    tag = "auth",
    params(("challenge_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$", description = "From the sign-up or sign-in answer")),
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Device enrolled", body = EnrolResponse),
        (status = 400, description = "MALFORMED_REQUEST (e.g. a bad public key), OTP_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "OTP_INVALID (the 5th wrong code kills the challenge), OTP_EXPIRED", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CHALLENGE_NOT_FOUND: unknown, used or killed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PHONE_TAKEN: the phone got an account meanwhile", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many requests from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    ApiPath(challenge_id): ApiPath<String>,
    ApiJson(req): ApiJson<VerifyRequest>,
) -> ApiResult<Json<EnrolResponse>> {
    Ok(Json(accounts::verify(&state, &challenge_id, req).await?))
}
