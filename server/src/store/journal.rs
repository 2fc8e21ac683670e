//! The account's journal, written inside other repositories' transactions: its standing
//! (frozen, cooling-off), the security log and the device events. Both sign-in
//! (`accounts.rs`) and the lost-phone flows (`lost.rs`) write here, so neither imports the other.

use wallet_protocol::api::{DeviceEventKind, SecurityEventKind};

use super::db::{params, Db, OptionalExtension};
use super::StoreError;

/// What the money channels need to know about an account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountGuard {
    pub frozen_at: Option<i64>,
    pub cooling_off_until: Option<i64>,
    /// When the running (or last) cooling-off started: its cap counts outflows from here.
    pub cooling_off_since: Option<i64>,
    pub sms_login_enabled: bool,
}

/// A security-log entry to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityNote<'a> {
    pub kind: SecurityEventKind,
    pub device_id: Option<&'a str>,
    pub device_name: Option<&'a str>,
    pub detail: Option<&'a str>,
}

pub(super) fn log_security(
    c: &Db,
    account_id: &str,
    note: &SecurityNote<'_>,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO security_log (id, account_id, kind, device_id, device_name, detail, at)
         VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM security_log), ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            account_id,
            note.kind.as_str(),
            note.device_id,
            note.device_name,
            note.detail,
            now
        ],
    )?;
    Ok(())
}

/// A device event for every device of the account but `source_device_id`.
#[allow(clippy::too_many_arguments)]
pub(super) fn add_device_event(
    c: &Db,
    account_id: &str,
    kind: DeviceEventKind,
    source_device_id: Option<&str>,
    device_name: Option<&str>,
    reference: Option<&str>,
    cooling_off_until: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT INTO device_events (cursor, account_id, kind, source_device_id, device_name,
             reference, cooling_off_until, at)
         VALUES ((SELECT COALESCE(MAX(cursor), 0) + 1 FROM device_events),
             ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            account_id,
            kind.as_str(),
            source_device_id,
            device_name,
            reference,
            cooling_off_until,
            now
        ],
    )?;
    Ok(())
}

pub(super) fn guard(c: &Db, account_id: &str) -> Result<AccountGuard, StoreError> {
    Ok(c.query_row(
        "SELECT frozen_at, cooling_off_until, cooling_off_since, sms_login_enabled FROM accounts WHERE id = ?1",
        [account_id],
        |r| {
            Ok(AccountGuard {
                frozen_at: r.get(0)?,
                cooling_off_until: r.get(1)?,
                cooling_off_since: r.get(2)?,
                sms_login_enabled: r.get::<_, i64>(3)? != 0,
            })
        },
    )
    .optional()?
    .unwrap_or_default())
}

/// Starts a cooling-off at `now` until `until`, or lengthens the one running (which keeps its
/// start, so its cap still counts what left since then; a new one never shortens it).
pub(super) fn start_cooling_off(
    c: &Db,
    account_id: &str,
    now: i64,
    until: i64,
) -> Result<(), StoreError> {
    c.execute(
        "UPDATE accounts SET
             cooling_off_since =
                 CASE WHEN COALESCE(cooling_off_until, 0) > ?2 THEN cooling_off_since ELSE ?2 END,
             cooling_off_until =
                 CASE WHEN COALESCE(cooling_off_until, 0) > ?3 THEN cooling_off_until ELSE ?3 END
         WHERE id = ?1",
        params![account_id, now, until],
    )?;
    Ok(())
}

/// Everything that left the account (withdrawals, transfers, merchant payments; failed ones
/// excluded) since `since`: what a cooling-off's cap is measured against.
pub(super) fn outflow_since(c: &Db, account_id: &str, since: i64) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT COALESCE(SUM(amount), 0) FROM operations
         WHERE account_id = ?1 AND created_at >= ?2 AND status <> 'failed'
           AND kind IN ('withdrawal', 'transfer_out', 'payment')",
        params![account_id, since],
        |r| r.get(0),
    )
}

/// What has left the account during the cooling-off running at `now` (0 when none runs).
pub(super) fn cooling_off_spent(
    c: &Db,
    account_id: &str,
    guard: &AccountGuard,
    now: i64,
) -> Result<i64, StoreError> {
    match (guard.cooling_off_until, guard.cooling_off_since) {
        (Some(until), Some(since)) if until > now => outflow_since(c, account_id, since),
        _ => Ok(0),
    }
}

/// A security change (docs/rules.md §Security events and SIM swaps), journalled in the
/// transaction that makes it: a security-log entry naming the device that made it, a device
/// event for every other device ("not you? freeze now"), and, when `cooling_off_until` is set,
/// a cooling-off (never shortening one running). `detail` and `reference` hold no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityChange {
    pub log: SecurityEventKind,
    pub event: DeviceEventKind,
    /// The signed-in device that made the change; it is not told of its own change.
    pub device_id: String,
    pub detail: Option<String>,
    pub reference: Option<String>,
    pub cooling_off_until: Option<i64>,
}

pub(super) fn record_change(
    c: &Db,
    account_id: &str,
    change: &SecurityChange,
    now: i64,
) -> Result<(), StoreError> {
    let name: Option<String> = c
        .query_row(
            "SELECT name FROM devices WHERE id = ?1 AND account_id = ?2",
            [change.device_id.as_str(), account_id],
            |r| r.get(0),
        )
        .optional()?;
    log_security(
        c,
        account_id,
        &SecurityNote {
            kind: change.log,
            device_id: Some(&change.device_id),
            device_name: name.as_deref(),
            detail: change.detail.as_deref(),
        },
        now,
    )?;
    if let Some(until) = change.cooling_off_until {
        start_cooling_off(c, account_id, now, until)?;
    }
    add_device_event(
        c,
        account_id,
        change.event,
        Some(&change.device_id),
        name.as_deref(),
        change.reference.as_deref(),
        change.cooling_off_until,
        now,
    )
}
