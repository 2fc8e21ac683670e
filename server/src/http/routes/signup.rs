//! `POST /v1/signup`: validate everything, then send an OTP; the account exists only after it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{paths, ChallengePurpose, ChallengeResponse, SignupRequest};
use wallet_protocol::{password, ErrorCode, PhoneNumber, Problem, RealName, ResidentId};

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::otp;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ClientIp};
use crate::secrets;
use crate::store::PendingSignup;

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
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let name = RealName::parse(&req.name)
        .map_err(|e| ApiError::detail(ErrorCode::NameInvalid, e.to_string()))?;
    let id_number = ResidentId::parse(&req.id_number)
        .map_err(|e| ApiError::detail(ErrorCode::IdNumberInvalid, e.to_string()))?;
    // The same personal words the client rates the password with.
    let personal = password::user_inputs(&phone, &name, &id_number);
    let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
    let strength = password::rate(&req.password, &personal);
    if !strength.acceptable {
        let feedback: Vec<String> = strength
            .warning
            .into_iter()
            .chain(strength.suggestions)
            .collect();
        let detail = if feedback.is_empty() {
            "Use a longer password of unrelated words.".to_owned()
        } else {
            feedback.join(" ")
        };
        return Err(ApiError::detail(ErrorCode::PasswordWeak, detail));
    }
    if state
        .store
        .account_by_phone(phone.as_e164())
        .await?
        .is_some()
    {
        return Err(ApiError::new(ErrorCode::PhoneTaken));
    }
    // Counted before the costly hash, so a flood is refused cheaply.
    otp::admit_send(&state, &phone, &ip).await?;
    let password = req.password;
    let password_hash = tokio::task::spawn_blocking(move || secrets::hash_password(&password))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)?;
    let pending = PendingSignup {
        name: name.as_str().to_owned(),
        id_number: id_number.as_str().to_owned(),
        password_hash,
    };
    let challenge = otp::issue(
        &state,
        &phone,
        ChallengePurpose::Signup,
        None,
        Some(pending),
    )
    .await?;
    tracing::info!(phone = %phone.masked(), challenge = %challenge.challenge_id, "sign-up started");
    Ok((StatusCode::ACCEPTED, Json(challenge)))
}
