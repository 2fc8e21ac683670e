//! `POST /v1/challenges/{challenge_id}/verify`: the OTP proves the phone; the device is enrolled
//! (and, for a sign-up, the account created) in the same transaction.

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{otp_well_formed, paths, DeviceEnrolment, EnrolResponse, VerifyRequest};
use wallet_protocol::{signing, ErrorCode, Problem};

use crate::config::OTP_MAX_ATTEMPTS;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::domain::wire::profile;
use crate::http::extract::{ApiJson, ApiPath};
use crate::secrets;
use crate::store::{NewDevice, VerifyOutcome};

/// Verify the OTP and enrol this device.
#[utoipa::path(
    post,
    path = paths::CHALLENGE_VERIFY,
    tag = "auth",
    params(("challenge_id" = String, Path, description = "From the sign-up or sign-in answer")),
    request_body = VerifyRequest,
    responses(
        (status = 200, description = "Device enrolled", body = EnrolResponse),
        (status = 400, description = "MALFORMED_REQUEST (e.g. a bad public key), OTP_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "OTP_INVALID (the 5th wrong code kills the challenge), OTP_EXPIRED", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CHALLENGE_NOT_FOUND: unknown, used or killed", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PHONE_TAKEN: the phone got an account meanwhile", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify(
    State(state): State<AppState>,
    ApiPath(challenge_id): ApiPath<String>,
    ApiJson(req): ApiJson<VerifyRequest>,
) -> ApiResult<Json<EnrolResponse>> {
    if !otp_well_formed(&req.code) {
        return Err(ApiError::new(ErrorCode::OtpFormatInvalid));
    }
    let mut device = new_device(&req.device)?;
    let seed = crate::domain::pay::new_seed();
    device.paycode_seed = Some(seed.clone());
    let device_id = device.id.clone();
    let (id, code) = (challenge_id.clone(), req.code);
    let outcome = state
        .store
        .verify_challenge(
            &challenge_id,
            state.clock.unix(),
            OTP_MAX_ATTEMPTS,
            move |stored| secrets::otp_matches(&id, &code, stored),
            secrets::new_id("acc"),
            device,
            state.limits.cooling_off_secs,
        )
        .await?;
    match outcome {
        VerifyOutcome::Enrolled(account) => {
            tracing::info!(account = %account.id, device = %device_id, "device enrolled");
            state.paycodes.upsert(&device_id, &account.id, seed.clone());
            Ok(Json(EnrolResponse {
                account: profile(&account)?,
                device_id,
                paycode_seed: seed.to_base64(),
            }))
        }
        VerifyOutcome::NotFound => Err(ApiError::new(ErrorCode::ChallengeNotFound)),
        VerifyOutcome::Expired => Err(ApiError::detail(
            ErrorCode::OtpExpired,
            "Start again to get a new code.",
        )),
        VerifyOutcome::Wrong { tries_left: 0 } => Err(ApiError::detail(
            ErrorCode::OtpInvalid,
            "No tries left; start again to get a new code.",
        )),
        VerifyOutcome::Wrong { tries_left } => Err(ApiError::detail(
            ErrorCode::OtpInvalid,
            format!("{tries_left} tries left."),
        )),
        VerifyOutcome::PhoneTaken => Err(ApiError::new(ErrorCode::PhoneTaken)),
    }
}

/// Validates the device's description; the key is stored in its canonical encoding.
fn new_device(d: &DeviceEnrolment) -> ApiResult<NewDevice> {
    let key = signing::decode_public_key(&d.public_key).map_err(|e| {
        ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("device.public_key: {e}"),
        )
    })?;
    let label = |field: &str, value: &str| {
        let v = value.trim();
        if v.is_empty() || v.chars().count() > 64 || v.chars().any(char::is_control) {
            Err(ApiError::detail(
                ErrorCode::MalformedRequest,
                format!("device.{field} must be 1 to 64 characters without control characters"),
            ))
        } else {
            Ok(v.to_owned())
        }
    };
    Ok(NewDevice {
        id: secrets::new_id("dev"),
        public_key: signing::encode_public_key(&key),
        name: label("name", &d.name)?,
        platform: label("platform", &d.platform)?,
        paycode_seed: None,
    })
}
