//! Lost phone (issue 5): freezing and unfreezing accounts, cooling-off, the security log, device
//! events and the report-lost rate limits — [`Store`] methods and their SQLite queries.
//!
//! A freeze is one transaction: the account is marked frozen, its devices revoked (or the one
//! chosen), the orders waiting for the payer declined, and the log and device events written.

use super::db::{params, Behavior, Db, OptionalExtension};
use wallet_protocol::api::{DeviceEventKind, SecurityEventKind};

use super::journal::{
    add_device_event, guard, log_security, start_cooling_off, AccountGuard, SecurityNote,
};
use super::{Admission, Backend, DeviceRow, SendHistory, Store, StoreError};

/// What [`Store::freeze`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreezeOutcome {
    /// Devices revoked now.
    pub revoked: Vec<String>,
    /// The account was already frozen (devices are still revoked as asked).
    pub already_frozen: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnfreezeOutcome {
    NotFrozen,
    Unfrozen { cooling_off_until: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityRow {
    pub id: i64,
    pub kind: SecurityEventKind,
    pub device_name: Option<String>,
    pub detail: Option<String>,
    pub at: i64,
}

/// Which devices a freeze revokes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FreezeScope {
    /// Every live device (a report from a friend's phone, support).
    All,
    /// Only this one, if it is a live device of the account; otherwise all of them (a report
    /// naming the lost phone, from a holder still signed in elsewhere).
    Only(String),
    /// Every live device but this one (the holder's own device, freezing from a notice).
    AllBut(String),
}

impl FreezeScope {
    pub fn only(device_id: Option<&str>) -> Self {
        device_id.map_or(Self::All, |d| Self::Only(d.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceEventRow {
    pub cursor: i64,
    pub kind: DeviceEventKind,
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    pub reference: Option<String>,
    pub cooling_off_until: Option<i64>,
    pub at: i64,
}

fn freeze(
    c: &mut Db,
    account_id: &str,
    scope: &FreezeScope,
    detail: &str,
    now: i64,
) -> Result<FreezeOutcome, StoreError> {
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let current = guard(&tx, account_id)?;
    let already_frozen = current.frozen_at.is_some();
    if !already_frozen {
        tx.execute(
            "UPDATE accounts SET frozen_at = ?2 WHERE id = ?1",
            params![account_id, now],
        )?;
    }
    let live: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT id, name FROM devices WHERE account_id = ?1 AND revoked_at IS NULL
             ORDER BY enrolled_at, id",
        )?;
        let rows = stmt.query_map([account_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let chosen: Vec<(String, String)> = match scope {
        FreezeScope::Only(id) if live.iter().any(|(d, _)| d == id) => {
            live.into_iter().filter(|(d, _)| d == id).collect()
        }
        FreezeScope::AllBut(keep) => live.into_iter().filter(|(d, _)| d != keep).collect(),
        FreezeScope::All | FreezeScope::Only(_) => live,
    };
    for (device_id, name) in &chosen {
        tx.execute(
            "UPDATE devices SET revoked_at = ?2 WHERE id = ?1",
            params![device_id, now],
        )?;
        tx.execute(
            "DELETE FROM device_nonces WHERE device_id = ?1",
            [device_id],
        )?;
        log_security(
            &tx,
            account_id,
            &SecurityNote {
                kind: SecurityEventKind::DeviceRevoked,
                device_id: Some(device_id),
                device_name: Some(name),
                detail: Some("reported lost"),
            },
            now,
        )?;
    }
    // Orders waiting for this payer's PIN close: nobody may confirm them now.
    tx.execute(
        "UPDATE orders SET status = 'declined', updated_at = ?2
         WHERE payer_account_id = ?1 AND status = 'open' AND pending_operation_id IS NULL",
        params![account_id, now],
    )?;
    if !already_frozen {
        log_security(
            &tx,
            account_id,
            &SecurityNote {
                kind: SecurityEventKind::Frozen,
                device_id: None,
                device_name: None,
                detail: Some(detail),
            },
            now,
        )?;
        add_device_event(
            &tx,
            account_id,
            DeviceEventKind::Frozen,
            None,
            None,
            None,
            None,
            now,
        )?;
    }
    tx.commit()?;
    Ok(FreezeOutcome {
        revoked: chosen.into_iter().map(|(d, _)| d).collect(),
        already_frozen,
    })
}

fn unfreeze(
    c: &mut Db,
    account_id: &str,
    device: &DeviceRow,
    now: i64,
    cooling_off_until: i64,
) -> Result<UnfreezeOutcome, StoreError> {
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    if guard(&tx, account_id)?.frozen_at.is_none() {
        return Ok(UnfreezeOutcome::NotFrozen);
    }
    tx.execute(
        "UPDATE accounts SET frozen_at = NULL WHERE id = ?1",
        [account_id],
    )?;
    start_cooling_off(&tx, account_id, now, cooling_off_until)?;
    let until = guard(&tx, account_id)?
        .cooling_off_until
        .unwrap_or(cooling_off_until);
    log_security(
        &tx,
        account_id,
        &SecurityNote {
            kind: SecurityEventKind::Unfrozen,
            device_id: Some(&device.id),
            device_name: Some(&device.name),
            detail: None,
        },
        now,
    )?;
    add_device_event(
        &tx,
        account_id,
        DeviceEventKind::Unfrozen,
        Some(&device.id),
        Some(&device.name),
        None,
        Some(until),
        now,
    )?;
    tx.commit()?;
    Ok(UnfreezeOutcome::Unfrozen {
        cooling_off_until: until,
    })
}

fn report_lost_attempt<F>(
    c: &mut Db,
    phone: &str,
    ip: &str,
    now: i64,
    (phone_since, ip_since): (i64, i64),
    admit: F,
) -> Result<Admission, StoreError>
where
    F: FnOnce(&SendHistory) -> Admission,
{
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    tx.execute(
        "DELETE FROM report_lost_attempts WHERE attempted_at <= ?1",
        [phone_since.min(ip_since)],
    )?;
    let times = |sql: &str, key: &str, since: i64| -> Result<Vec<i64>, StoreError> {
        let mut stmt = tx.prepare(sql)?;
        let rows = stmt.query_map(params![key, since], |r| r.get(0))?;
        rows.collect::<Result<_, _>>()
    };
    let history = SendHistory {
        phone: times(
            "SELECT attempted_at FROM report_lost_attempts WHERE phone = ?1 AND attempted_at > ?2",
            phone,
            phone_since,
        )?,
        ip: times(
            "SELECT attempted_at FROM report_lost_attempts WHERE client_ip = ?1 AND attempted_at > ?2",
            ip,
            ip_since,
        )?,
    };
    let admission = admit(&history);
    if admission.is_ok() {
        tx.execute(
            "INSERT INTO report_lost_attempts (phone, client_ip, attempted_at) VALUES (?1, ?2, ?3)",
            params![phone, ip, now],
        )?;
    }
    tx.commit()?;
    Ok(admission)
}

fn security_log(
    c: &Db,
    account_id: &str,
    before: Option<i64>,
    limit: u32,
) -> Result<Vec<SecurityRow>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT id, kind, device_name, detail, at FROM security_log
         WHERE account_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3",
    )?;
    let rows = stmt.query_map(
        params![account_id, before.unwrap_or(i64::MAX), limit],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        },
    )?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, device_name, detail, at) = row?;
        let kind = SecurityEventKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("security_log {id}: kind {kind:?}")))?;
        out.push(SecurityRow {
            id,
            kind,
            device_name,
            detail,
            at,
        });
    }
    Ok(out)
}

fn device_events(
    c: &Db,
    account_id: &str,
    device_id: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<DeviceEventRow>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT cursor, kind, source_device_id, device_name, reference, cooling_off_until, at
         FROM device_events
         WHERE account_id = ?1 AND cursor > ?2
           AND cursor > (SELECT events_after FROM devices WHERE id = ?3)
           AND (source_device_id IS NULL OR source_device_id <> ?3)
         ORDER BY cursor LIMIT ?4",
    )?;
    let rows = stmt.query_map(params![account_id, after, device_id, limit], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
            r.get(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (cursor, kind, device_id, device_name, reference, cooling_off_until, at) = row?;
        let kind = DeviceEventKind::parse(&kind)
            .ok_or_else(|| StoreError::Corrupt(format!("device_events {cursor}: kind {kind:?}")))?;
        out.push(DeviceEventRow {
            cursor,
            kind,
            device_id,
            device_name,
            reference,
            cooling_off_until,
            at,
        });
    }
    Ok(out)
}

fn set_sms_login(
    c: &mut Db,
    account_id: &str,
    device: (&str, &str),
    enabled: bool,
    now: i64,
) -> Result<bool, StoreError> {
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let changed = tx.execute(
        "UPDATE accounts SET sms_login_enabled = ?2 WHERE id = ?1 AND sms_login_enabled <> ?2",
        params![account_id, i64::from(enabled)],
    )? > 0;
    if changed {
        let detail = if enabled { "on" } else { "off" };
        log_security(
            &tx,
            account_id,
            &SecurityNote {
                kind: SecurityEventKind::SmsLoginChanged,
                device_id: Some(device.0),
                device_name: Some(device.1),
                detail: Some(detail),
            },
            now,
        )?;
        add_device_event(
            &tx,
            account_id,
            DeviceEventKind::SmsLoginChanged,
            Some(device.0),
            Some(device.1),
            Some(detail),
            None,
            now,
        )?;
    }
    tx.commit()?;
    Ok(changed)
}

/// What [`Store::change_phone`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneChangeOutcome {
    NotFound,
    /// The start sent a code to the old number too, and it was not given.
    OldCodeRequired,
    Expired,
    Wrong {
        tries_left: u32,
    },
    PhoneTaken,
    /// The account with its new number; `cards_unbound` cards were unbound.
    Changed {
        account: Box<super::AccountRow>,
        cards_unbound: usize,
    },
}

/// A code check against one `phone_change` challenge of the account.
enum Check {
    Gone,
    Expired,
    Wrong(u32),
    /// The challenge's phone, and the challenge it also needs (the old number's).
    Right(String, Option<String>),
}

fn check_phone_challenge(
    tx: &Db,
    id: &str,
    account_id: &str,
    now: i64,
    max_attempts: u32,
    matches: impl FnOnce(&str) -> bool,
) -> Result<Check, StoreError> {
    let row: Option<(String, String, i64, u32, Option<String>)> = tx
        .query_row(
            "SELECT phone, code_hash, expires_at, failed_attempts, requires_challenge_id
             FROM challenges
             WHERE id = ?1 AND account_id = ?2 AND purpose = 'phone_change'
               AND consumed_at IS NULL",
            params![id, account_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((phone, hash, expires_at, failed, requires)) = row else {
        return Ok(Check::Gone);
    };
    if failed >= max_attempts {
        return Ok(Check::Gone);
    }
    if now >= expires_at {
        return Ok(Check::Expired);
    }
    if !matches(&hash) {
        tx.execute(
            "UPDATE challenges SET failed_attempts = failed_attempts + 1 WHERE id = ?1",
            [id],
        )?;
        return Ok(Check::Wrong(max_attempts - failed - 1));
    }
    Ok(Check::Right(phone, requires))
}

/// The checks and the change, in one transaction.
pub struct PhoneChange<N, O> {
    pub account_id: String,
    pub challenge_id: String,
    pub new_matches: N,
    /// The old number's challenge and its check, when one was sent.
    pub old: Option<(String, O)>,
    pub unbind_cards: bool,
    pub device_id: String,
    pub now: i64,
    pub max_attempts: u32,
    pub cooling_off_until: i64,
}

fn change_phone<N, O>(c: &mut Db, ch: PhoneChange<N, O>) -> Result<PhoneChangeOutcome, StoreError>
where
    N: FnOnce(&str) -> bool,
    O: FnOnce(&str) -> bool,
{
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let a = ch.account_id.as_str();
    let verdict = |check: Check| match check {
        Check::Gone => Err(PhoneChangeOutcome::NotFound),
        Check::Expired => Err(PhoneChangeOutcome::Expired),
        Check::Wrong(tries_left) => Err(PhoneChangeOutcome::Wrong { tries_left }),
        Check::Right(phone, requires) => Ok((phone, requires)),
    };
    let (new_phone, requires) = match verdict(check_phone_challenge(
        &tx,
        &ch.challenge_id,
        a,
        ch.now,
        ch.max_attempts,
        ch.new_matches,
    )?) {
        Ok(p) => p,
        Err(outcome) => {
            tx.commit()?;
            return Ok(outcome);
        }
    };
    let current = super::accounts::account(&tx, a)?
        .ok_or_else(|| StoreError::Corrupt(format!("account {a} vanished")))?;
    if new_phone == current.phone {
        return Ok(PhoneChangeOutcome::NotFound);
    }
    // The old number's code exactly when the start asked for it, and that very challenge.
    let old = match (requires, ch.old) {
        (None, None) => None,
        (Some(_), None) => return Ok(PhoneChangeOutcome::OldCodeRequired),
        (Some(required), Some((old_id, m))) if required == old_id => Some((old_id, m)),
        _ => return Ok(PhoneChangeOutcome::NotFound),
    };
    if let Some((old_id, old_matches)) = old {
        match verdict(check_phone_challenge(
            &tx,
            &old_id,
            a,
            ch.now,
            ch.max_attempts,
            old_matches,
        )?) {
            Ok((p, None)) if p == current.phone => {}
            Ok(_) => return Ok(PhoneChangeOutcome::NotFound),
            Err(outcome) => {
                tx.commit()?;
                return Ok(outcome);
            }
        }
        tx.execute(
            "UPDATE challenges SET consumed_at = ?2 WHERE id = ?1",
            params![old_id, ch.now],
        )?;
    }
    tx.execute(
        "UPDATE challenges SET consumed_at = ?2 WHERE id = ?1",
        params![ch.challenge_id, ch.now],
    )?;
    if super::accounts::account_by_phone(&tx, &new_phone)?.is_some() {
        tx.commit()?;
        return Ok(PhoneChangeOutcome::PhoneTaken);
    }
    tx.execute(
        "UPDATE accounts SET phone = ?2 WHERE id = ?1",
        params![a, new_phone],
    )?;
    let cards_unbound = if ch.unbind_cards {
        tx.execute(
            "UPDATE cards SET unbound_at = ?2, is_default = 0 WHERE account_id = ?1 AND unbound_at IS NULL",
            params![a, ch.now],
        )?
    } else {
        0
    };
    let name: Option<String> = tx
        .query_row(
            "SELECT name FROM devices WHERE id = ?1",
            [&ch.device_id],
            |r| r.get(0),
        )
        .optional()?;
    let detail = if ch.unbind_cards {
        format!("cards unbound: {cards_unbound}")
    } else {
        "cards kept".to_owned()
    };
    log_security(
        &tx,
        a,
        &SecurityNote {
            kind: SecurityEventKind::PhoneChanged,
            device_id: Some(&ch.device_id),
            device_name: name.as_deref(),
            detail: Some(&detail),
        },
        ch.now,
    )?;
    start_cooling_off(&tx, a, ch.now, ch.cooling_off_until)?;
    add_device_event(
        &tx,
        a,
        DeviceEventKind::PhoneChanged,
        Some(&ch.device_id),
        name.as_deref(),
        None,
        Some(ch.cooling_off_until),
        ch.now,
    )?;
    let account = super::accounts::account(&tx, a)?
        .ok_or_else(|| StoreError::Corrupt(format!("account {a} vanished")))?;
    tx.commit()?;
    Ok(PhoneChangeOutcome::Changed {
        account: Box::new(account),
        cards_unbound,
    })
}

impl Store {
    /// Marks the new number's phone-change challenge as needing the old number's too.
    pub async fn require_challenge(&self, id: &str, required: &str) -> Result<(), StoreError> {
        let (id, required) = (id.to_owned(), required.to_owned());
        on_backend!(self, |c| {
            c.execute(
                "UPDATE challenges SET requires_challenge_id = ?2 WHERE id = ?1",
                params![id, required],
            )?;
            Ok(())
        })
    }

    /// Checks the code(s) of a phone-number change and changes the number, in one transaction.
    pub async fn change_phone<N, O>(
        &self,
        change: PhoneChange<N, O>,
    ) -> Result<PhoneChangeOutcome, StoreError>
    where
        N: FnOnce(&str) -> bool + Send + 'static,
        O: FnOnce(&str) -> bool + Send + 'static,
    {
        let keys = self.keys()?;
        Ok(match on_backend!(self, |c| change_phone(c, change))? {
            PhoneChangeOutcome::Changed {
                account,
                cards_unbound,
            } => PhoneChangeOutcome::Changed {
                account: Box::new(super::open_account(&keys, *account)?),
                cards_unbound,
            },
            other => other,
        })
    }
}

impl Store {
    /// Switches SMS-only sign-in; `true` if it changed (then logged and notified).
    pub async fn set_sms_login(
        &self,
        account_id: &str,
        device_id: &str,
        device_name: &str,
        enabled: bool,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (a, d, n) = (
            account_id.to_owned(),
            device_id.to_owned(),
            device_name.to_owned(),
        );
        on_backend!(self, |c| set_sms_login(c, &a, (&d, &n), enabled, now))
    }

    /// Frozen / cooling-off state of an account (defaults for an unknown one).
    pub async fn account_guard(&self, account_id: &str) -> Result<AccountGuard, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| guard(c, &a))
    }

    /// Freezes the account: revokes the devices `scope` names, declines the orders waiting for it, logs and notifies. Idempotent.
    pub async fn freeze(
        &self,
        account_id: &str,
        scope: FreezeScope,
        detail: &str,
        now: i64,
    ) -> Result<FreezeOutcome, StoreError> {
        let (a, detail) = (account_id.to_owned(), detail.to_owned());
        on_backend!(self, |c| freeze(c, &a, &scope, &detail, now))
    }

    /// Unfreezes from `device` (a live device: enrolled after the freeze, or spared by it) and starts a
    /// cooling-off until `cooling_off_until` (or a later one already running).
    pub async fn unfreeze(
        &self,
        account_id: &str,
        device: DeviceRow,
        now: i64,
        cooling_off_until: i64,
    ) -> Result<UnfreezeOutcome, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| unfreeze(c, &a, &device, now, cooling_off_until))
    }

    /// Like [`Store::record_otp_send`], for report-lost tries.
    pub async fn record_report_lost<F>(
        &self,
        phone: &str,
        ip: &str,
        now: i64,
        since: (i64, i64),
        admit: F,
    ) -> Result<Admission, StoreError>
    where
        F: FnOnce(&SendHistory) -> Admission + Send + 'static,
    {
        let (phone, ip) = (phone.to_owned(), ip.to_owned());
        on_backend!(self, |c| report_lost_attempt(
            c, &phone, &ip, now, since, admit
        ))
    }

    /// A device event for every device of the account (none caused it), e.g. `order_waiting`.
    pub async fn notify(
        &self,
        account_id: &str,
        kind: DeviceEventKind,
        reference: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let (a, r) = (account_id.to_owned(), reference.map(str::to_owned));
        on_backend!(self, |c| add_device_event(
            c,
            &a,
            kind,
            None,
            None,
            r.as_deref(),
            None,
            now
        ))
    }

    /// Writes one security-log entry.
    pub async fn log_security(
        &self,
        account_id: &str,
        kind: SecurityEventKind,
        device: Option<(&str, &str)>,
        detail: Option<&str>,
        now: i64,
    ) -> Result<(), StoreError> {
        let a = account_id.to_owned();
        let device = device.map(|(i, n)| (i.to_owned(), n.to_owned()));
        let detail = detail.map(str::to_owned);
        on_backend!(self, |c| log_security(
            c,
            &a,
            &SecurityNote {
                kind,
                device_id: device.as_ref().map(|d| d.0.as_str()),
                device_name: device.as_ref().map(|d| d.1.as_str()),
                detail: detail.as_deref(),
            },
            now
        ))
    }

    /// The account's security log, newest first, entries with an id below `before`.
    pub async fn security_log(
        &self,
        account_id: &str,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<SecurityRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| security_log(c, &a, before, limit))
    }

    /// Events for `device_id` of the account after `after`, oldest first.
    pub async fn device_events(
        &self,
        account_id: &str,
        device_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<DeviceEventRow>, StoreError> {
        let (a, d) = (account_id.to_owned(), device_id.to_owned());
        on_backend!(self, |c| device_events(c, &a, &d, after, limit))
    }

    /// Every device of the account, revoked ones too, newest first (support lookup).
    pub async fn all_devices(&self, account_id: &str) -> Result<Vec<DeviceRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| super::accounts::all_devices(c, &a))
    }
}
