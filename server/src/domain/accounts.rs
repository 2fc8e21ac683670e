//! Accounts and devices (docs/rules.md §Credentials, §4): sign-up, sign-in with the password or (where switched
//! on) an SMS code alone, the OTP that proves the phone and enrols the device, the signed-in
//! account, and the device list with revocation.
//!
//! - **Sign-up** validates everything (phone, real name, ID number, password strength against
//!   the holder's own words) before an OTP goes out; the account exists only after the code.
//! - **Sign-in** answers the code limit first (a right and a wrong password get the same
//!   `RATE_LIMITED` while it holds), counts the password try per (phone, IP), per phone and per
//!   IP before checking it, checks unknown phones against a dummy hash (same work, same
//!   `CREDENTIALS_INVALID`), and only then sends a code. Every Argon2 hash or check runs in
//!   one of the instance's Argon2 slots ([`crate::domain::guards`]).
//! - **Whether a number has an account** (`PHONE_TAKEN`, `/v1/login/sms`) is told only within
//!   the client IP's look-up budget ([`standing::count_lookup`]).
//! - **Verify** enrols the device (and, for a sign-up, creates the account) in the same
//!   transaction that consumes the code; the 5th wrong code kills the challenge.
//! - **Revocation** is effective on the device's next request; its payment codes die at once.

use wallet_protocol::api::{
    otp_well_formed, AccountProfile, ChallengePurpose, ChallengeResponse, DeviceEnrolment,
    DeviceInfo, DeviceList, EnrolResponse, LoginRequest, SignupRequest, SmsLoginRequest,
    VerifyRequest,
};
use wallet_protocol::{password, signing, text, ErrorCode, PhoneNumber, RealName, ResidentId};

use crate::config::OTP_MAX_ATTEMPTS;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::domain::wire::{profile, wire_time};
use crate::domain::{otp, standing};
use crate::secrets;
use crate::store::{NewDevice, PendingSignup, VerifyOutcome};

/// `POST /v1/signup`: validates everything, then sends an OTP.
pub async fn signup(
    state: &AppState,
    ip: &str,
    req: SignupRequest,
) -> ApiResult<ChallengeResponse> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let name = RealName::parse(&req.name).map_err(|e| ApiError::detail(e.code(), e.to_string()))?;
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
    // `PHONE_TAKEN` tells whether the number has an account: a look-up, counted per client IP
    // (as the recipient look-up is per device) before it is answered.
    standing::count_lookup(
        state,
        &format!("ip:{ip}"),
        &phone,
        state.limits.signed_out_lookups_per_hour,
    )
    .await?;
    if state
        .store
        .account_by_phone(phone.as_e164())
        .await?
        .is_some()
    {
        return Err(ApiError::new(ErrorCode::PhoneTaken));
    }
    // Counted before the costly hash, so a flood is refused cheaply.
    otp::admit_send(state, &phone, ip).await?;
    let password = req.password;
    let password_hash = state
        .guards
        .argon2(move || secrets::hash_password(&password))
        .await?
        .map_err(ApiError::internal)?;
    let pending = PendingSignup {
        name: name.as_str().to_owned(),
        id_number: id_number.as_str().to_owned(),
        password_hash,
    };
    let challenge =
        otp::issue(state, &phone, ChallengePurpose::Signup, None, Some(pending)).await?;
    tracing::info!(phone = %phone.masked(), challenge = %challenge.challenge_id, "sign-up started");
    Ok(challenge)
}

/// `POST /v1/login`: the password, then an OTP to the phone (a new device needs both).
///
/// The answers never tell a right password from a wrong one except by sending the code: while
/// the phone's (or the address's) code limit holds, both answer `RATE_LIMITED`, before the
/// password is even counted.
pub async fn login(state: &AppState, ip: &str, req: LoginRequest) -> ApiResult<ChallengeResponse> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    if let Some(secs) = otp::send_refused(state, &phone, ip).await? {
        tracing::info!(phone = %phone.masked(), "sign-in refused: code limit");
        return Err(ApiError::rate_limited(secs));
    }
    standing::begin_password_try(state, &phone, ip)
        .await?
        .map_err(ApiError::rate_limited)?;

    let account = state.store.account_by_phone(phone.as_e164()).await?;
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let password = req.password;
    // Unknown phones are checked against a dummy hash: same work, same answer.
    let password_ok = state
        .guards
        .argon2(move || secrets::verify_password(&password, stored.as_deref()))
        .await?;
    let Some(account) = account.filter(|_| password_ok) else {
        // A code sent meanwhile (a parallel sign-in) must not make the answers differ either.
        if let Some(secs) = otp::send_refused(state, &phone, ip).await? {
            return Err(ApiError::rate_limited(secs));
        }
        tracing::info!(phone = %phone.masked(), "sign-in refused: credentials");
        return Err(ApiError::new(ErrorCode::CredentialsInvalid));
    };
    standing::password_right(state, &phone, ip).await?;

    otp::admit_send(state, &phone, ip).await?;
    let challenge = otp::issue(
        state,
        &phone,
        ChallengePurpose::Login,
        Some(account.id),
        None,
    )
    .await?;
    tracing::info!(phone = %phone.masked(), challenge = %challenge.challenge_id, "sign-in started");
    Ok(challenge)
}

/// `POST /v1/login/sms`: an SMS code alone, only for accounts whose holder switched it on;
/// `SMS_LOGIN_DISABLED` for the others and for phones without an account alike. Whether a
/// number has such an account is a look-up: counted per client IP first, and the code limit
/// answers before the account is looked at.
pub async fn login_sms(
    state: &AppState,
    ip: &str,
    req: SmsLoginRequest,
) -> ApiResult<ChallengeResponse> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    standing::count_lookup(
        state,
        &format!("ip:{ip}"),
        &phone,
        state.limits.signed_out_lookups_per_hour,
    )
    .await?;
    if let Some(secs) = otp::send_refused(state, &phone, ip).await? {
        tracing::info!(phone = %phone.masked(), "SMS-only sign-in refused: code limit");
        return Err(ApiError::rate_limited(secs));
    }
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
    otp::admit_send(state, &phone, ip).await?;
    let challenge = otp::issue(
        state,
        &phone,
        ChallengePurpose::Login,
        Some(account.id),
        None,
    )
    .await?;
    tracing::info!(phone = %phone.masked(), challenge = %challenge.challenge_id, "SMS-only sign-in started");
    Ok(challenge)
}

/// `POST /v1/challenges/{challenge_id}/verify`: the OTP proves the phone; the device is
/// enrolled (and, for a sign-up, the account created) in the same transaction.
pub async fn verify(
    state: &AppState,
    challenge_id: &str,
    req: VerifyRequest,
) -> ApiResult<EnrolResponse> {
    if !otp_well_formed(&req.code) {
        return Err(ApiError::new(ErrorCode::OtpFormatInvalid));
    }
    let mut device = new_device(&req.device)?;
    let seed = crate::domain::pay::new_seed();
    device.paycode_seed = Some(seed.clone());
    let device_id = device.id.clone();
    let (id, code) = (challenge_id.to_owned(), req.code);
    let outcome = state
        .store
        .verify_challenge(
            challenge_id,
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
            Ok(EnrolResponse {
                account: profile(&account)?,
                device_id,
                paycode_seed: seed.to_base64(),
            })
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
    let label = |field: &'static str, value: &str| {
        let v = value.trim();
        if v.is_empty() || v.chars().count() > 64 || v.chars().any(char::is_control) {
            Err(ApiError::detail(
                ErrorCode::MalformedRequest,
                format!("{field} must be 1 to 64 characters without control characters"),
            ))
        } else {
            text::check_visible(field, v)?;
            Ok(v.to_owned())
        }
    };
    Ok(NewDevice {
        id: secrets::new_id("dev"),
        public_key: signing::encode_public_key(&key),
        name: label("device.name", &d.name)?,
        platform: label("device.platform", &d.platform)?,
        paycode_seed: None,
    })
}

/// `GET /v1/me`: the account of the signing device.
pub async fn me(state: &AppState, account_id: &str, device_id: &str) -> ApiResult<AccountProfile> {
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("device {device_id} has no account")))?;
    profile(&account)
}

/// `GET /v1/devices`: the account's active devices, most recently enrolled first; `current`
/// marks the caller.
pub async fn devices(state: &AppState, account_id: &str, device_id: &str) -> ApiResult<DeviceList> {
    let rows = state.store.active_devices(account_id).await?;
    let devices = rows
        .into_iter()
        .map(|d| DeviceInfo {
            current: d.id == device_id,
            device_id: d.id,
            name: d.name,
            platform: d.platform,
            enrolled_at: wire_time(d.enrolled_at),
            last_seen_at: wire_time(d.last_seen_at),
        })
        .collect();
    Ok(DeviceList { devices })
}

/// `POST /v1/devices/{device_id}/revoke`: signs `device_id` out (`by` is the signing device;
/// revoking itself is logging out). Revoking a revoked device of the account is no error.
pub async fn revoke_device(
    state: &AppState,
    account_id: &str,
    by: &str,
    device_id: &str,
) -> ApiResult<()> {
    let now = state.clock.unix();
    if !state
        .store
        .revoke_device(account_id, device_id, now)
        .await?
    {
        return Err(ApiError::detail(
            ErrorCode::NotFound,
            "no such device on this account",
        ));
    }
    // Its payment codes die with it.
    state.paycodes.remove(device_id);
    tracing::info!(account = %account_id, device = %device_id, by = %by, "device revoked");
    Ok(())
}
