//! Issuing OTP challenges: the per-phone and per-IP send limits, the stored hash, the SMS.

use chrono::{DateTime, Duration};
use wallet_protocol::api::{ChallengePurpose, ChallengeResponse};
use wallet_protocol::PhoneNumber;

use crate::config::{interval_retry_after, window_retry_after, Limits, OTP_TTL_SECS};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::ports::sms::OtpMessage;
use crate::secrets;
use crate::store::{NewChallenge, OtpChannel, PendingSignup, SendHistory};

/// How long a send to a phone (on one channel) from an IP must wait, by its history.
fn send_wait(l: &Limits, now: i64, h: &SendHistory) -> Option<u64> {
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
    waits.into_iter().flatten().max()
}

/// Where the send windows start: (phone, IP).
fn send_since(l: &Limits, now: i64) -> (i64, i64) {
    (
        now - l.otp_per_phone_window_secs.max(l.otp_min_interval_secs),
        now - l.otp_per_ip_window_secs,
    )
}

/// Counts one OTP send against the phone's and the IP's limits, or answers `RATE_LIMITED`.
pub async fn admit_send(state: &AppState, phone: &PhoneNumber, ip: &str) -> ApiResult<()> {
    admit_send_on(state, phone, ip, OtpChannel::Account).await
}

/// [`admit_send`] on a channel: a card-binding code counts against the phone's `card`
/// budget (the same limits, counted apart from sign-in codes) and the IP's one budget.
pub async fn admit_send_on(
    state: &AppState,
    phone: &PhoneNumber,
    ip: &str,
    channel: OtpChannel,
) -> ApiResult<()> {
    let l = state.limits.as_ref().clone();
    let now = state.clock.unix();
    let since = send_since(&l, now);
    let admission = state
        .store
        .record_otp_send(phone.as_e164(), ip, channel, now, since, move |h| {
            send_wait(&l, now, h).map_or(Ok(()), Err)
        })
        .await?;
    admission.map_err(|secs| {
        tracing::info!(phone = %phone.masked(), channel = channel.as_str(), retry_after = secs, "OTP send refused by rate limit");
        ApiError::rate_limited(secs)
    })
}

/// `Some(retry_after_secs)` when a sign-in code to `phone` from `ip` would be refused now.
/// Records nothing: sign-in asks this first, so a right and a wrong password (or an account
/// with SMS-only sign-in and one without) get the same answer while the limit holds.
pub async fn send_refused(
    state: &AppState,
    phone: &PhoneNumber,
    ip: &str,
) -> ApiResult<Option<u64>> {
    let l = state.limits.as_ref();
    let now = state.clock.unix();
    let history = state
        .store
        .otp_send_history(phone.as_e164(), ip, OtpChannel::Account, send_since(l, now))
        .await?;
    Ok(send_wait(l, now, &history))
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
