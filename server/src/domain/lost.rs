//! Lost phone (issue 5, docs/rules.md §Lost phone): freeze from anywhere, the money guards, unfreeze with a
//! cooling-off, the security log and the device-event feed.
//!
//! - **Freeze** (`POST /v1/report-lost`, unauthenticated; or `wallet-server support freeze`):
//!   the account is marked frozen, its devices revoked (or the one named), the orders waiting
//!   for its PIN declined. Every money channel then answers `ACCOUNT_FROZEN` ([`ensure_active`]).
//!   Revoked devices answer `DEVICE_REVOKED` on their next signed request (the client wipes).
//!   Payment codes of devices revoked by the freeze stay in the code index while the account is
//!   frozen, so a code made offline before the freeze answers `ACCOUNT_FROZEN` too.
//! - **Report-lost answers never reveal anything**: `202 {"received": true}` for a right
//!   report, wrong details and an unknown phone alike; the identity check is a constant-time
//!   comparison (name + last 6) or an Argon2 check against a dummy hash for unknown phones.
//! - **Unfreeze** (`POST /v1/unfreeze`): a live device — one enrolled after the freeze by
//!   password + SMS code (sign-in works on a frozen account; money does not), or one the user
//!   spared by naming only the lost device — with the full ID number and the payment PIN.
//! - **Cooling-off**: an unfreeze or a new device sets `cooling_off_until = now + 24 h`;
//!   meanwhile withdrawals above `--cooling-off-limit-fen` answer `COOLING_OFF` with the end time.

use wallet_protocol::api::{
    AccountSettings, AccountSettingsUpdate, AccountState, AccountStatus, DeviceEvent,
    DeviceEventFeed, FreezeRequest, ReportLostRequest, SecurityEvent, SecurityLog, UnfreezeRequest,
};
use wallet_protocol::{ErrorCode, Money, PhoneNumber, ResidentId};

use crate::config::window_retry_after;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::pin::verify_pin_and;
use crate::domain::standing::ensure_active;
use crate::domain::state::AppState;
use crate::domain::wire::wire_time;
use crate::secrets;
use crate::store::{AccountRow, DeviceRow, FreezeOutcome, FreezeScope, UnfreezeOutcome};

/// `POST /v1/report-lost`. Always `Ok` unless the input is malformed or a rate limit refuses.
pub async fn report_lost(state: &AppState, ip: &str, req: ReportLostRequest) -> ApiResult<()> {
    let phone = PhoneNumber::parse(&req.phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let identity = match (&req.name, &req.id_last6, &req.password) {
        (Some(name), Some(last6), None) => {
            let ok = last6.chars().count() == 6
                && last6
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == 'X' || c == 'x');
            if !ok || name.trim().is_empty() || name.chars().count() > 64 {
                return Err(ApiError::detail(
                    ErrorCode::MalformedRequest,
                    "name and id_last6 (the last 6 characters of the ID number) are required",
                ));
            }
            Identity::NameId(name.clone(), last6.clone())
        }
        (None, None, Some(password)) if !password.is_empty() => {
            Identity::Password(password.clone())
        }
        _ => {
            return Err(ApiError::detail(
                ErrorCode::MalformedRequest,
                "give either name + id_last6, or password",
            ))
        }
    };
    let now = state.clock.unix();
    let l = &state.limits;
    let (phone_max, ip_max, window) = (
        l.report_lost_per_phone_max,
        l.report_lost_per_ip_max,
        l.report_lost_window_secs,
    );
    state
        .store
        .record_report_lost(
            phone.as_e164(),
            ip,
            now,
            (now - window, now - window),
            move |h| {
                let p = window_retry_after(&h.phone, now, phone_max, window);
                let i = window_retry_after(&h.ip, now, ip_max, window);
                p.max(i).map_or(Ok(()), Err)
            },
        )
        .await?
        .map_err(|secs| {
            tracing::info!(phone = %phone.masked(), "lost-phone report refused by rate limit");
            ApiError::rate_limited(secs)
        })?;

    let account = state.store.account_by_phone(phone.as_e164()).await?;
    let matches = match identity {
        Identity::NameId(name, last6) => secrets::identity_matches(
            &name,
            &last6,
            account
                .as_ref()
                .map(|a| (a.name.as_str(), a.id_number.as_str())),
        ),
        Identity::Password(password) => {
            let stored = account.as_ref().map(|a| a.password_hash.clone());
            state
                .guards
                .argon2(move || secrets::verify_password(&password, stored.as_deref()))
                .await?
        }
    };
    match account.filter(|_| matches) {
        Some(account) => {
            let how = if req.password.is_some() {
                "reported lost (password)"
            } else {
                "reported lost (name + ID)"
            };
            let scope = FreezeScope::only(req.device_id.as_deref());
            freeze(state, &account, scope, how).await?;
        }
        None => tracing::info!(phone = %phone.masked(), "lost-phone report did not match"),
    }
    Ok(())
}

enum Identity {
    NameId(String, String),
    Password(String),
}

/// `POST /v1/account/freeze`: the holder, signed in on `caller`, freezes the account and revokes
/// the named device (it must be another live device of the account) or every other device.
pub async fn freeze_from_device(
    state: &AppState,
    account_id: &str,
    caller: &str,
    req: FreezeRequest,
) -> ApiResult<AccountStatus> {
    let scope = match req.device_id {
        Some(id) if id == caller => {
            return Err(ApiError::detail(
                ErrorCode::MalformedRequest,
                "name another device; this one stays signed in",
            ))
        }
        Some(id) => {
            let live = state.store.all_devices(account_id).await?;
            if !live.iter().any(|d| d.id == id && d.revoked_at.is_none()) {
                return Err(ErrorCode::NotFound.into());
            }
            FreezeScope::Only(id)
        }
        None => FreezeScope::AllBut(caller.to_owned()),
    };
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("account {account_id} vanished")))?;
    freeze(state, &account, scope, "frozen from a signed-in device").await?;
    status(state, account_id).await
}

/// Freezes `account` (report-lost, a signed-in device and the support tool).
pub async fn freeze(
    state: &AppState,
    account: &AccountRow,
    scope: FreezeScope,
    detail: &str,
) -> ApiResult<FreezeOutcome> {
    let outcome = state
        .store
        .freeze(&account.id, scope, detail, state.clock.unix())
        .await?;
    // Codes of the revoked devices stay indexed while frozen (they answer ACCOUNT_FROZEN);
    // see `Store::paycode_devices` for the same rule at start-up.
    tracing::warn!(
        account = %account.id,
        revoked = outcome.revoked.len(),
        already_frozen = outcome.already_frozen,
        "account frozen"
    );
    Ok(outcome)
}

/// `POST /v1/unfreeze`, from the signing device `device_id`.
pub async fn unfreeze(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    req: UnfreezeRequest,
) -> ApiResult<AccountStatus> {
    let device = signing_device(state, device_id).await?;
    let guard = state.store.account_guard(account_id).await?;
    if guard.frozen_at.is_none() {
        return Err(ErrorCode::NotFrozen.into());
    }
    let id = ResidentId::parse(&req.id_number)
        .map_err(|e| ApiError::detail(ErrorCode::IdNumberInvalid, e.to_string()))?;
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("account {account_id} vanished")))?;
    // The ID number shares the PIN's try budget: a wrong one counts as a wrong PIN.
    let id_right = secrets::ct_str_eq(id.as_str(), &account.id_number);
    verify_pin_and(state, account_id, &req.pin, id_right).await?;
    let now = state.clock.unix();
    let until = now + state.limits.cooling_off_secs;
    match state.store.unfreeze(account_id, device, now, until).await? {
        UnfreezeOutcome::NotFrozen => Err(ErrorCode::NotFrozen.into()),
        UnfreezeOutcome::Unfrozen { .. } => {
            tracing::warn!(account = %account_id, "account unfrozen");
            status(state, account_id).await
        }
    }
}

/// The device that signed the request being served: it was found a moment ago.
async fn signing_device(state: &AppState, device_id: &str) -> ApiResult<DeviceRow> {
    state
        .store
        .device(device_id)
        .await?
        .ok_or_else(|| ApiError::internal("the signing device vanished"))
}

/// `GET /v1/account/status`.
pub async fn status(state: &AppState, account_id: &str) -> ApiResult<AccountStatus> {
    let g = state.store.account_guard(account_id).await?;
    let now = state.clock.unix();
    let cooling = g.cooling_off_until.filter(|u| *u > now);
    let st = if g.frozen_at.is_some() {
        AccountState::Frozen
    } else if cooling.is_some() {
        AccountState::CoolingOff
    } else {
        AccountState::Active
    };
    Ok(AccountStatus {
        state: st,
        frozen_since: g.frozen_at.map(wire_time),
        cooling_off_until: cooling.map(wire_time),
        cooling_off_limit: Money::cny(state.limits.cooling_off_limit_fen),
    })
}

/// Page size bounds for the log and the feed.
pub const PAGE_DEFAULT: u32 = 50;
pub const PAGE_MAX: u32 = 200;

/// `GET /v1/security-log`.
pub async fn security_log(
    state: &AppState,
    account_id: &str,
    before: Option<i64>,
    limit: Option<u32>,
) -> ApiResult<SecurityLog> {
    let limit = limit.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX);
    let rows = state
        .store
        .security_log(account_id, before, limit + 1)
        .await?;
    let more = rows.len() > limit as usize;
    let events: Vec<SecurityEvent> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| SecurityEvent {
            id: r.id,
            kind: r.kind,
            at: wire_time(r.at),
            device_name: r.device_name,
            detail: r.detail,
        })
        .collect();
    let next_before = if more {
        events.last().map(|e| e.id)
    } else {
        None
    };
    Ok(SecurityLog {
        events,
        next_before,
    })
}

/// `GET /v1/events`.
pub async fn events(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    after: i64,
    limit: Option<u32>,
) -> ApiResult<DeviceEventFeed> {
    let limit = limit.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX);
    let rows = state
        .store
        .device_events(account_id, device_id, after, limit)
        .await?;
    let cursor = rows.last().map_or(after, |r| r.cursor);
    Ok(DeviceEventFeed {
        events: rows
            .into_iter()
            .map(|r| DeviceEvent {
                cursor: r.cursor,
                kind: r.kind,
                at: wire_time(r.at),
                device_id: r.device_id,
                device_name: r.device_name,
                reference: r.reference,
                cooling_off_until: r.cooling_off_until.map(wire_time),
            })
            .collect(),
        cursor,
    })
}

/// `GET /v1/settings`.
pub async fn settings(state: &AppState, account_id: &str) -> ApiResult<AccountSettings> {
    let g = state.store.account_guard(account_id).await?;
    Ok(AccountSettings {
        sms_login_enabled: g.sms_login_enabled,
        sms_pay_enabled: state.store.sms_pay_enabled(account_id).await?,
        sms_pay_per_payment: wallet_protocol::Money::cny(crate::config::SMS_PAY_PER_PAYMENT_FEN),
        sms_pay_daily: wallet_protocol::Money::cny(crate::config::SMS_PAY_DAILY_FEN),
    })
}

/// `PUT /v1/settings` from the signing device `device_id`: logged and notified to the other
/// devices.
pub async fn put_settings(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    new: AccountSettingsUpdate,
) -> ApiResult<AccountSettings> {
    let device = signing_device(state, device_id).await?;
    let current = state.store.account_guard(account_id).await?;
    if new.sms_login_enabled && !current.sms_login_enabled {
        crate::domain::pin::verify_pin(state, account_id, new.pin.as_deref().unwrap_or("")).await?;
    }
    let changed = state
        .store
        .set_sms_login(
            account_id,
            &device.id,
            &device.name,
            new.sms_login_enabled,
            state.clock.unix(),
        )
        .await?;
    if changed {
        tracing::info!(account = %account_id, enabled = new.sms_login_enabled, "SMS-only sign-in switched");
    }
    settings(state, account_id).await
}

/// `POST /v1/phone/change`: the password (sharing sign-in's try budget) and the ID number, or
/// else a code to the old number; a code always goes to the new number.
pub async fn start_phone_change(
    state: &AppState,
    ip: &str,
    account_id: &str,
    req: wallet_protocol::api::PhoneChangeRequest,
) -> ApiResult<wallet_protocol::api::PhoneChangeStarted> {
    use wallet_protocol::api::ChallengePurpose;
    // Unfreeze first: a number change must not help whoever holds the lost phone.
    ensure_active(state, account_id).await?;
    let new_phone = PhoneNumber::parse(&req.new_phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    let id_given = match &req.id_number {
        Some(id) => Some(
            ResidentId::parse(id)
                .map_err(|e| ApiError::detail(ErrorCode::IdNumberInvalid, e.to_string()))?,
        ),
        None => None,
    };
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError::internal("account of a device is gone"))?;
    let old_phone = PhoneNumber::parse(&account.phone).map_err(ApiError::internal)?;
    // As at sign-in: while a code limit holds, a right and a wrong password get the same answer.
    let to_text = [Some(&new_phone), id_given.is_none().then_some(&old_phone)];
    for phone in to_text.into_iter().flatten() {
        if let Some(secs) = crate::domain::otp::send_refused(state, phone, ip).await? {
            return Err(ApiError::rate_limited(secs));
        }
    }
    crate::domain::standing::begin_password_try(state, &old_phone, ip)
        .await?
        .map_err(ApiError::rate_limited)?;
    let stored = account.password_hash.clone();
    let password = zeroize::Zeroizing::new(req.password);
    let pw = password.to_string();
    let password_ok = state
        .guards
        .argon2(move || secrets::verify_password(&pw, Some(&stored)))
        .await?;
    let id_ok = id_given
        .as_ref()
        .is_none_or(|id| secrets::ct_str_eq(id.as_str(), &account.id_number));
    if !(password_ok && id_ok) {
        tracing::info!(account = %account_id, "phone change refused: credentials");
        return Err(ErrorCode::CredentialsInvalid.into());
    }
    crate::domain::standing::password_right(state, &old_phone, ip).await?;
    if new_phone.as_e164() == old_phone.as_e164()
        || state
            .store
            .account_by_phone(new_phone.as_e164())
            .await?
            .is_some()
    {
        return Err(ErrorCode::PhoneTaken.into());
    }
    let old = if id_given.is_none() {
        crate::domain::otp::admit_send(state, &old_phone, ip).await?;
        Some(
            crate::domain::otp::issue(
                state,
                &old_phone,
                ChallengePurpose::PhoneChange,
                Some(account.id.clone()),
                None,
            )
            .await?,
        )
    } else {
        None
    };
    crate::domain::otp::admit_send(state, &new_phone, ip).await?;
    let new = crate::domain::otp::issue(
        state,
        &new_phone,
        ChallengePurpose::PhoneChange,
        Some(account.id.clone()),
        None,
    )
    .await?;
    // Issued last: only a challenge that already names the old one exists.
    if let Some(old) = &old {
        state
            .store
            .require_challenge(&new.challenge_id, &old.challenge_id)
            .await?;
    }
    tracing::info!(account = %account_id, new_phone = %new_phone.masked(), "phone change started");
    Ok(wallet_protocol::api::PhoneChangeStarted {
        challenge_id: new.challenge_id,
        new_phone_masked: new.phone_masked,
        old_challenge_id: old.map(|o| o.challenge_id),
        expires_at: new.expires_at,
    })
}

/// `POST /v1/phone/change/{challenge_id}/verify`.
pub async fn finish_phone_change(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    challenge_id: &str,
    req: wallet_protocol::api::PhoneChangeVerifyRequest,
) -> ApiResult<wallet_protocol::api::AccountProfile> {
    use crate::store::{PhoneChange, PhoneChangeOutcome};
    use wallet_protocol::api::{otp_well_formed, CardsOnPhoneChange};
    let code = zeroize::Zeroizing::new(req.code);
    if !otp_well_formed(&code) {
        return Err(ErrorCode::OtpFormatInvalid.into());
    }
    let old = match (req.old_challenge_id, req.old_code) {
        (Some(id), Some(c)) if otp_well_formed(&c) => Some((id, zeroize::Zeroizing::new(c))),
        (Some(_), Some(_)) => return Err(ErrorCode::OtpFormatInvalid.into()),
        (None, None) => None,
        _ => {
            return Err(ApiError::detail(
                ErrorCode::MalformedRequest,
                "old_challenge_id and old_code go together",
            ))
        }
    };
    let now = state.clock.unix();
    let (new_id, new_code) = (challenge_id.to_owned(), code.to_string());
    let outcome = state
        .store
        .change_phone(PhoneChange {
            account_id: account_id.to_owned(),
            challenge_id: challenge_id.to_owned(),
            new_matches: move |h: &str| secrets::otp_matches(&new_id, &new_code, h),
            old: old.map(|(id, c)| {
                let (oid, oc) = (id.clone(), c.to_string());
                (id, move |h: &str| secrets::otp_matches(&oid, &oc, h))
            }),
            unbind_cards: req.cards == CardsOnPhoneChange::Unbind,
            device_id: device_id.to_owned(),
            now,
            max_attempts: crate::config::OTP_MAX_ATTEMPTS,
            cooling_off_until: now + state.limits.cooling_off_secs,
        })
        .await?;
    match outcome {
        PhoneChangeOutcome::Changed {
            account,
            cards_unbound,
        } => {
            tracing::warn!(account = %account_id, cards_unbound, "phone number changed");
            crate::domain::wire::profile(&account)
        }
        PhoneChangeOutcome::NotFound => Err(ErrorCode::ChallengeNotFound.into()),
        PhoneChangeOutcome::OldCodeRequired => Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            "this change also needs the code sent to the old number (old_challenge_id, old_code)",
        )),
        PhoneChangeOutcome::Expired => Err(ErrorCode::OtpExpired.into()),
        PhoneChangeOutcome::Wrong { tries_left } => Err(ApiError::detail(
            ErrorCode::OtpInvalid,
            format!("{tries_left} tries left."),
        )),
        PhoneChangeOutcome::PhoneTaken => Err(ErrorCode::PhoneTaken.into()),
    }
}
