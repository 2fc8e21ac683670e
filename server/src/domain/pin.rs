//! The payment PIN (docs/rules.md §Credentials): the rules a new PIN must pass, its keyed hash
//! (HMAC-SHA256 under the server's pepper, [`crate::secrets::vault`]; Argon2id hashes from before
//! move to it on their next right check), and the
//! counted check every PIN-protected flow runs (5 wrong tries → locked for 3 hours); and the
//! PIN's own flows: its status, setting the first one, changing it with the current one, and
//! the reset with the login password and an OTP (which clears a lock).

use wallet_protocol::api::{
    self, otp_well_formed, ChallengePurpose, ChallengeResponse, ChangePinRequest, DeviceEventKind,
    PinResetRequest, PinResetVerifyRequest, PinStatus, SecurityEventKind, SetPinRequest,
};
use wallet_protocol::pin::{self, PinContext};
use wallet_protocol::{ErrorCode, PhoneNumber, ResidentId};
use zeroize::Zeroizing;

use crate::config::OTP_MAX_ATTEMPTS;
use crate::domain::otp;
use crate::domain::standing::note;
use crate::domain::wire::wire_time;
use crate::domain::{ApiError, ApiResult, AppState};
use crate::secrets::{self, vault};
use crate::store::{CodeCheck, PinTry, PinVerdict, SecurityChange};

/// `GET /v1/pin`: whether a PIN is set, and until when it is locked.
pub async fn status(state: &AppState, account_id: &str) -> ApiResult<PinStatus> {
    let now = state.clock.unix();
    let row = state.store.pin(account_id).await?;
    Ok(PinStatus {
        set: row.is_some(),
        locked_until: row
            .and_then(|r| r.locked_until)
            .filter(|u| *u > now)
            .map(wire_time),
    })
}

/// `POST /v1/pin`: the first PIN; `PIN_ALREADY_SET` once there is one.
pub async fn set(state: &AppState, account_id: &str, req: SetPinRequest) -> ApiResult<()> {
    let pin = Zeroizing::new(req.pin);
    check_new_pin(state, account_id, &pin).await?;
    let hash = hash_pin(state, account_id, &pin)?;
    if !state
        .store
        .store_pin(account_id, hash, state.clock.unix(), true, None)
        .await?
    {
        return Err(ErrorCode::PinAlreadySet.into());
    }
    tracing::info!(account = %account_id, "payment PIN set");
    Ok(())
}

/// `POST /v1/pin/change` from the signing device `device_id`: the current PIN proves the user
/// (wrong tries count toward the lock). Logged and told to the other devices in the same
/// transaction (docs/rules.md §Security events and SIM swaps).
pub async fn change(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    req: ChangePinRequest,
) -> ApiResult<()> {
    let (old, new) = (Zeroizing::new(req.old_pin), Zeroizing::new(req.new_pin));
    check_new_pin(state, account_id, &new).await?;
    verify_pin(state, account_id, &old).await?;
    let hash = hash_pin(state, account_id, &new)?;
    let change = SecurityChange {
        log: SecurityEventKind::PinChanged,
        event: DeviceEventKind::PinChanged,
        device_id: device_id.to_owned(),
        detail: None,
        reference: None,
        cooling_off_until: None,
    };
    state
        .store
        .store_pin(account_id, hash, state.clock.unix(), false, Some(change))
        .await?;
    tracing::info!(account = %account_id, "payment PIN changed");
    Ok(())
}

/// `POST /v1/pin/reset`: the login password (sharing sign-in's try budget), then an OTP to
/// the account's phone.
pub async fn start_reset(
    state: &AppState,
    ip: &str,
    account_id: &str,
    req: PinResetRequest,
) -> ApiResult<ChallengeResponse> {
    let password = Zeroizing::new(req.password);
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError::internal("account of a device is gone"))?;
    let phone = PhoneNumber::parse(&account.phone).map_err(ApiError::internal)?;
    // As at sign-in: while the code limit holds, a right and a wrong password get the same
    // answer, so the limit cannot be used to test a stolen password.
    if let Some(secs) = otp::send_refused(state, &phone, ip).await? {
        return Err(ApiError::rate_limited(secs));
    }
    // Password guesses here share the sign-in budget.
    crate::domain::standing::begin_password_try(state, &phone, ip)
        .await?
        .map_err(ApiError::rate_limited)?;
    let stored = account.password_hash.clone();
    let pw = password.to_string();
    let ok = state
        .guards
        .argon2(move || secrets::verify_password(&pw, Some(&stored)))
        .await?;
    if !ok {
        return Err(ErrorCode::CredentialsInvalid.into());
    }
    crate::domain::standing::password_right(state, &phone, ip).await?;
    otp::admit_send(state, &phone, ip).await?;
    otp::issue(
        state,
        &phone,
        ChallengePurpose::PinReset,
        Some(account.id),
        None,
    )
    .await
}

/// `POST /v1/pin/reset/{challenge_id}` from the signing device `device_id`: the OTP and the
/// new PIN; clears a lock. In the same transaction: logged, told to the other devices, and a
/// cooling-off starts (docs/rules.md §Cooling-off), as whoever knows the password and holds
/// the number could reset the PIN.
pub async fn finish_reset(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    challenge_id: &str,
    req: PinResetVerifyRequest,
) -> ApiResult<()> {
    let (code, new_pin) = (Zeroizing::new(req.code), Zeroizing::new(req.new_pin));
    if !otp_well_formed(&code) {
        return Err(ErrorCode::OtpFormatInvalid.into());
    }
    check_new_pin(state, account_id, &new_pin).await?;
    let hash = hash_pin(state, account_id, &new_pin)?;
    let (id, c) = (challenge_id.to_owned(), code.to_string());
    let now = state.clock.unix();
    let change = SecurityChange {
        log: SecurityEventKind::PinReset,
        event: DeviceEventKind::PinReset,
        device_id: device_id.to_owned(),
        detail: None,
        reference: None,
        cooling_off_until: Some(now + state.limits.cooling_off_secs),
    };
    let outcome = state
        .store
        .reset_pin_with_challenge(
            challenge_id,
            account_id,
            now,
            OTP_MAX_ATTEMPTS,
            move |stored| secrets::otp_matches(&id, &c, stored),
            hash,
            change,
        )
        .await?;
    match outcome {
        CodeCheck::Confirmed(_) => {
            tracing::info!(account = %account_id, "payment PIN reset");
            Ok(())
        }
        CodeCheck::NotFound => Err(ErrorCode::ChallengeNotFound.into()),
        CodeCheck::Expired => Err(ErrorCode::OtpExpired.into()),
        CodeCheck::Wrong { tries_left } => Err(ApiError::detail(
            ErrorCode::OtpInvalid,
            format!("{tries_left} tries left."),
        )),
    }
}

/// Checks a new PIN against every rule the server can (it knows the ID number and birthday).
pub async fn check_new_pin(state: &AppState, account_id: &str, new_pin: &str) -> ApiResult<()> {
    if !pin::pin_well_formed(new_pin) {
        return Err(ErrorCode::PinFormatInvalid.into());
    }
    let account =
        state.store.account(account_id).await?.ok_or_else(|| {
            ApiError::internal(format!("account {account_id} of a device is gone"))
        })?;
    let id = ResidentId::parse(&account.id_number).ok();
    let phone = PhoneNumber::parse(&account.phone).ok();
    let phone_digits = phone.as_ref().map(PhoneNumber::national_number);
    let ctx = PinContext {
        phone_digits: phone_digits.as_deref(),
        id_number: id.as_ref().map(ResidentId::as_str),
        birth_date: id.as_ref().and_then(ResidentId::birth_date),
    };
    pin::check_pin(new_pin, &ctx).map_err(|weakness| match weakness {
        pin::PinWeakness::Format => ApiError::new(ErrorCode::PinFormatInvalid),
        other => ApiError::detail(ErrorCode::PinWeak, other.to_string()),
    })
}

/// The stored form of a new PIN: HMAC-SHA256 of the account and the PIN under the server's
/// pepper (microseconds, where Argon2id took tens of milliseconds; a leaked database alone cannot
/// be searched, the pepper being wrapped by the master key).
pub fn hash_pin(state: &AppState, account_id: &str, pin: &str) -> ApiResult<String> {
    Ok(state.store.keys()?.pin_hash(account_id, pin))
}

/// Checks a PIN against its stored hash: the keyed hash in constant time, or an Argon2id hash
/// from before issue 13, which a right PIN replaces with the keyed form.
async fn pin_matches(
    state: &AppState,
    account_id: &str,
    pin: &str,
    stored: &str,
) -> ApiResult<bool> {
    let keys = state.store.keys()?;
    if !vault::is_legacy_pin_hash(stored) {
        return Ok(keys.pin_matches(account_id, pin, stored));
    }
    let (given, hash) = (Zeroizing::new(pin.to_owned()), stored.to_owned());
    let right = tokio::task::spawn_blocking(move || secrets::verify_password(&given, Some(&hash)))
        .await
        .map_err(ApiError::internal)?;
    if right
        && state
            .store
            .upgrade_pin_hash(account_id, stored, &keys.pin_hash(account_id, pin))
            .await?
    {
        tracing::info!(account = %account_id, "payment PIN hash moved to the keyed form");
    }
    Ok(right)
}

/// Verifies the payment PIN, counting wrong tries (5 → locked for 3 hours). One check per
/// account runs at a time: parallel guesses queue instead of racing past the limit, and
/// parallel honest payments are not mistaken for guesses.
pub async fn verify_pin(state: &AppState, account_id: &str, pin: &str) -> ApiResult<()> {
    verify_pin_and(state, account_id, pin, true).await
}

/// [`verify_pin`] with a second factor checked by the caller (the ID number at unfreeze):
/// when `also_right` is false the try counts as a wrong one and answers `UNFREEZE_DENIED`, so
/// the second factor shares the PIN's 5-try budget and cannot be guessed on its own.
pub async fn verify_pin_and(
    state: &AppState,
    account_id: &str,
    pin: &str,
    also_right: bool,
) -> ApiResult<()> {
    if !pin::pin_well_formed(pin) {
        return Err(ErrorCode::PinFormatInvalid.into());
    }
    let _one_at_a_time = state.pin_checks.lock(account_id).await;
    let l = &state.limits;
    let now = state.clock.unix();
    let hash = match state
        .store
        .begin_pin_try(account_id, now, l.pin_failures_max, l.pin_lock_secs)
        .await?
    {
        PinTry::NotSet => return Err(ErrorCode::PinNotSet.into()),
        PinTry::Locked { until } => return Err(pin_locked(until, now)),
        PinTry::Go { hash } => hash,
    };
    let pin_right = pin_matches(state, account_id, pin, &hash).await?;
    let right = pin_right && also_right;
    match state
        .store
        .finish_pin_try(account_id, right, now, l.pin_failures_max, l.pin_lock_secs)
        .await?
    {
        PinVerdict::Right => Ok(()),
        PinVerdict::Wrong { tries_left } => {
            tracing::info!(account = %account_id, tries_left, "wrong payment PIN or identity");
            let code = if pin_right {
                ErrorCode::UnfreezeDenied
            } else {
                ErrorCode::PinWrong
            };
            Err(ApiError::detail(code, format!("{tries_left} tries left.")))
        }
        PinVerdict::Locked { until } => {
            tracing::warn!(account = %account_id, "payment PIN locked");
            note(
                state,
                account_id,
                api::SecurityEventKind::PinLocked,
                None,
                None,
            )
            .await;
            Err(pin_locked(until, now))
        }
    }
}

fn pin_locked(until: i64, now: i64) -> ApiError {
    let at = wire_time(until).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    ApiError(
        wallet_protocol::Problem::new(ErrorCode::PinLocked)
            .with_detail(format!(
                "Locked until {at}. Reset the PIN with your password and an SMS code."
            ))
            .with_retry_after(u64::try_from(until - now).unwrap_or(0).max(1)),
    )
}
