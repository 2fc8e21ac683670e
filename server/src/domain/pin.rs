//! The payment PIN: the rules a new PIN must pass, its Argon2id hash, and the counted check
//! every PIN-protected flow runs (5 wrong tries → locked for 3 hours).

use wallet_protocol::api;
use wallet_protocol::pin::{self, PinContext};
use wallet_protocol::{ErrorCode, PhoneNumber, ResidentId};

use crate::domain::standing::note;
use crate::domain::wire::wire_time;
use crate::domain::{ApiError, ApiResult, AppState};
use crate::secrets;
use crate::store::{PinTry, PinVerdict};

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

pub async fn hash_pin(pin: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || secrets::hash_password(&pin))
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
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
    let pin = pin.to_owned();
    let pin_right =
        tokio::task::spawn_blocking(move || secrets::verify_password(&pin, Some(&hash)))
            .await
            .map_err(ApiError::internal)?;
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
