//! The account's standing, checked by every flow that moves money: frozen (lost phone) or in
//! a cooling-off; the security-log notes and device events those flows leave; and the
//! budgets that keep credentials and phone numbers from being guessed (password tries,
//! phone-number look-ups) with the housekeeping that prunes their rows.

use chrono::SecondsFormat;
use wallet_protocol::api::SecurityEventKind;
use wallet_protocol::{ErrorCode, Money, PhoneNumber, Problem};

use crate::config::{window_retry_after, LOOKUP_WINDOW_SECS};
use crate::domain::rules;
use crate::domain::wire::wire_time;
use crate::domain::{ApiError, ApiResult, AppState};
use crate::store::{AttemptCutoffs, LoginSince, OpKind, Refusal};

/// Refuses money movement (and a phone-number change) on a frozen account (`ACCOUNT_FROZEN`).
pub async fn ensure_active(state: &AppState, account_id: &str) -> ApiResult<()> {
    if state
        .store
        .account_guard(account_id)
        .await?
        .frozen_at
        .is_some()
    {
        return Err(frozen());
    }
    Ok(())
}

/// `ACCOUNT_FROZEN`, as every money channel answers it.
pub(crate) fn frozen() -> ApiError {
    ApiError::detail(
        ErrorCode::AccountFrozen,
        "The account was reported lost. Unfreeze it from a new device with your ID number and payment PIN.",
    )
}

/// The early check of an outflow of `amount` fen (before the PIN is asked for), by
/// [`rules::standing`]: `ACCOUNT_FROZEN`, or `COOLING_OFF` with the end time and
/// `retry_after_secs` when it would take what left during the cooling-off over its cap. The
/// operation's transaction decides again on what it sees.
pub async fn ensure_outflow_allowed(
    state: &AppState,
    account_id: &str,
    kind: OpKind,
    amount: i64,
) -> ApiResult<()> {
    let now = state.clock.unix();
    let facts = state.store.standing_facts(account_id, now).await?;
    let cap = state.limits.cooling_off_limit_fen;
    rules::standing(kind, amount, &facts, cap, now).map_err(|r| refused(state, account_id, r))
}

/// The answer to a refused operation, as every money channel gives it.
pub(crate) fn refused(state: &AppState, account_id: &str, refusal: Refusal) -> ApiError {
    match refusal {
        Refusal::Frozen => frozen(),
        Refusal::CoolingOff { until, remaining } => {
            cooling_off(state, account_id, until, remaining)
        }
        Refusal::DailyLimit { remaining } => ApiError::detail(
            ErrorCode::DailyLimitReached,
            format!("{} left today", Money::cny(remaining).display()),
        ),
        Refusal::BalanceInsufficient { balance } => ApiError::detail(
            ErrorCode::BalanceInsufficient,
            format!("the balance is {}", Money::cny(balance).display()),
        ),
    }
}

/// `COOLING_OFF` with the end time, what may still leave and `retry_after_secs`.
fn cooling_off(state: &AppState, account_id: &str, until: i64, remaining: i64) -> ApiError {
    let now = state.clock.unix();
    let at = wire_time(until).to_rfc3339_opts(SecondsFormat::Secs, true);
    let cap = Money::cny(state.limits.cooling_off_limit_fen).display();
    let left = Money::cny(remaining).display();
    tracing::info!(account = %account_id, "outflow refused: cooling-off");
    ApiError(
        Problem::new(ErrorCode::CoolingOff)
            .with_detail(format!(
                "Until {at} at most {cap} in all may leave the account; {left} is left."
            ))
            .with_retry_after(u64::try_from(until - now).unwrap_or(0).max(1)),
    )
}

/// A security-log entry from a handler; a failure to log is logged, not fatal.
pub async fn note(
    state: &AppState,
    account_id: &str,
    kind: SecurityEventKind,
    device: Option<(&str, &str)>,
    detail: Option<&str>,
) {
    if let Err(e) = state
        .store
        .log_security(account_id, kind, device, detail, state.clock.unix())
        .await
    {
        tracing::error!(account = %account_id, error = %e, "security log write failed");
    }
}

/// [`note`] naming the device that made the change.
pub async fn note_from(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    kind: SecurityEventKind,
    detail: Option<&str>,
) {
    let name = match state.store.device(device_id).await {
        Ok(d) => d.map(|d| d.name),
        Err(e) => {
            tracing::error!(error = %e, "device lookup for the security log failed");
            None
        }
    };
    let device = name.as_deref().map(|n| (device_id, n));
    note(state, account_id, kind, device, detail).await;
}

/// Tells the payer's devices an order waits for their PIN (a remote order, or a payment code
/// over the no-PIN limit). A failure is logged, not fatal: the order list shows it anyway.
pub async fn order_waiting(state: &AppState, account_id: &str, order_id: &str) {
    if let Err(e) = state
        .store
        .notify(
            account_id,
            wallet_protocol::api::DeviceEventKind::OrderWaiting,
            Some(order_id),
            state.clock.unix(),
        )
        .await
    {
        tracing::error!(account = %account_id, error = %e, "device event write failed");
    }
}

/// Counts a password try against the sign-in budgets *before* the password is checked, so
/// parallel guesses cannot slip past them; `Err(retry_after_secs)` when one is spent. Three
/// budgets: this phone from this client IP (`--login-failures-max`: five wrong passwords
/// lock that address out, not the owner elsewhere), this phone from anywhere (the slower
/// `--login-per-phone-max`), and this IP for any phone (`--login-per-ip-max`). Sign-in, the
/// PIN reset and the phone-number change share them.
pub async fn begin_password_try(
    state: &AppState,
    phone: &PhoneNumber,
    ip: &str,
) -> ApiResult<Result<(), u64>> {
    let now = state.clock.unix();
    let l = state.limits.as_ref();
    let windows = [
        (l.login_failures_max, l.login_failure_window_secs),
        (l.login_per_phone_max, l.login_per_phone_window_secs),
        (l.login_per_ip_max, l.login_per_ip_window_secs),
    ];
    let since = LoginSince {
        pair: now - windows[0].1,
        phone: now - windows[1].1,
        ip: now - windows[2].1,
    };
    let admission = state
        .store
        .begin_login_attempt(phone.as_e164(), ip, now, since, move |h| {
            [&h.pair, &h.phone, &h.ip]
                .into_iter()
                .zip(windows)
                .filter_map(|(events, (max, window))| window_retry_after(events, now, max, window))
                .max()
                .map_or(Ok(()), Err)
        })
        .await?;
    if admission.is_err() {
        tracing::info!(phone = %phone.masked(), "password try refused by rate limit");
    }
    Ok(admission)
}

/// A right password: forgets this address's tries on the phone (other addresses' stay).
pub async fn password_right(state: &AppState, phone: &PhoneNumber, ip: &str) -> ApiResult<()> {
    Ok(state
        .store
        .clear_login_attempts(phone.as_e164(), ip)
        .await?)
}

/// Counts one answer that tells whether `phone` has an account against `asker`'s budget of
/// `max` numbers an hour (`device:<id>`, `merchant:<id>`, `ip:<address>`), or answers
/// `RATE_LIMITED`. A number the asker already asked about this hour is free. Every route that
/// tells it goes through here, so none tells more than the recipient look-up does.
pub async fn count_lookup(
    state: &AppState,
    asker: &str,
    phone: &PhoneNumber,
    max: u32,
) -> ApiResult<()> {
    let now = state.clock.unix();
    state
        .store
        .record_phone_lookup(
            asker,
            &crate::secrets::lookup_key(phone.as_e164()),
            now,
            now - LOOKUP_WINDOW_SECS,
            move |recent| window_retry_after(recent, now, max, LOOKUP_WINDOW_SECS).map_or(Ok(()), Err),
        )
        .await?
        .map_err(|secs| {
            tracing::info!(asker = %asker_kind(asker), "phone-number look-up refused by rate limit");
            ApiError::rate_limited(secs)
        })
}

/// `device`, `merchant` or `ip`: what a log line says of an asker (ids and addresses are in
/// the request's own lines).
fn asker_kind(asker: &str) -> &str {
    asker.split_once(':').map_or(asker, |(kind, _)| kind)
}

/// Housekeeping (the payment-code ticker runs it): forgets attempt rows older than every
/// window that reads them, and flood-limiter entries of idle addresses.
pub async fn prune_attempts(state: &AppState) {
    let now = state.clock.unix();
    let l = state.limits.as_ref();
    let login = l
        .login_failure_window_secs
        .max(l.login_per_phone_window_secs)
        .max(l.login_per_ip_window_secs);
    let otp = l
        .otp_per_phone_window_secs
        .max(l.otp_min_interval_secs)
        .max(l.otp_per_ip_window_secs);
    let cutoffs = AttemptCutoffs {
        login_attempts: now - login,
        otp_sends: now - otp,
        phone_lookups: now - LOOKUP_WINDOW_SECS,
        report_lost_attempts: now - l.report_lost_window_secs,
        paycode_failures: now - l.paycode_invalid_window_secs,
    };
    match state.store.prune_attempts(cutoffs).await {
        Ok(0) => {}
        Ok(rows) => tracing::debug!(rows, "old attempt rows pruned"),
        Err(e) => tracing::warn!(error = %e, "pruning attempt rows failed"),
    }
    state.guards.forget_idle();
}
