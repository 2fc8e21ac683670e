//! Issuing OTP challenges: the per-phone and per-IP send limits, the stored hash, the SMS.

use chrono::{DateTime, Duration};
use wallet_protocol::api::{ChallengePurpose, ChallengeResponse};
use wallet_protocol::PhoneNumber;

use crate::config::{interval_retry_after, window_retry_after, OTP_TTL_SECS};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::ports::sms::OtpMessage;
use crate::secrets;
use crate::store::{NewChallenge, PendingSignup};

/// Counts one OTP send against the phone's and the IP's limits, or answers `RATE_LIMITED`.
pub async fn admit_send(state: &AppState, phone: &PhoneNumber, ip: &str) -> ApiResult<()> {
    let l = state.limits.as_ref().clone();
    let now = state.clock.unix();
    let phone_since = now - l.otp_per_phone_window_secs.max(l.otp_min_interval_secs);
    let ip_since = now - l.otp_per_ip_window_secs;
    let admission = state
        .store
        .record_otp_send(
            phone.as_e164(),
            ip,
            now,
            (phone_since, ip_since),
            move |h| {
                let waits = [
                    window_retry_after(
                        &h.phone,
                        now,
                        l.otp_per_phone_max,
                        l.otp_per_phone_window_secs,
                    ),
                    interval_retry_after(&h.phone, now, l.otp_min_interval_secs),
                    window_retry_after(&h.ip, now, l.otp_per_ip_max, l.otp_per_ip_window_secs),
                ];
                waits.into_iter().flatten().max().map_or(Ok(()), Err)
            },
        )
        .await?;
    admission.map_err(|secs| {
        tracing::info!(phone = %phone.masked(), retry_after = secs, "OTP send refused by rate limit");
        ApiError::rate_limited(secs)
    })
}

/// Stores a challenge with a fresh code and sends the code. Call [`admit_send`] first.
pub async fn issue(
    state: &AppState,
    phone: &PhoneNumber,
    purpose: ChallengePurpose,
    account_id: Option<String>,
    signup: Option<PendingSignup>,
) -> ApiResult<ChallengeResponse> {
    // Whole seconds: the database keeps Unix seconds, so the answer matches what is enforced.
    let now = DateTime::from_timestamp(state.clock.unix(), 0).unwrap_or_default();
    let expires_at = now + Duration::seconds(OTP_TTL_SECS);
    let id = secrets::new_id("ch");
    let code = secrets::new_otp();
    state
        .store
        .insert_challenge(NewChallenge {
            id: id.clone(),
            purpose,
            phone: phone.as_e164().to_owned(),
            account_id,
            signup,
            code_hash: secrets::otp_hash(&id, &code),
            created_at: now.timestamp(),
            expires_at: expires_at.timestamp(),
        })
        .await?;
    let message = OtpMessage {
        phone: phone.clone(),
        code,
        purpose: match purpose {
            ChallengePurpose::Signup => "signup",
            ChallengePurpose::Login => "login",
            ChallengePurpose::PinReset => "pin_reset",
            ChallengePurpose::PhoneChange => "phone_change",
        },
        sent_at: now,
    };
    state
        .sms
        .send_otp(&message)
        .await
        .map_err(ApiError::internal)?;
    Ok(ChallengeResponse {
        challenge_id: id,
        purpose,
        phone_masked: phone.masked(),
        expires_at,
    })
}
