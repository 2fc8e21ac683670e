//! Accounts, sign-up and sign-in challenges, devices, nonces and the SMS outbox.

use wallet_protocol::api::{ChallengePurpose, DeviceEventKind, SecurityEventKind};

use super::db::{params, Behavior, Db, OptionalExtension, Row};
use super::{
    AccountRow, Admission, DeviceRow, LoginHistory, LoginSince, NewChallenge, NewDevice,
    NonceOutcome, OtpChannel, SendHistory, SmsRecord, StoreError, VerifyOutcome,
};
use crate::secrets::vault::{Keys, SealedColumn};

const ACCOUNT_COLUMNS: &str = "id, phone, name, id_number, password_hash, created_at";

fn account_from(row: &Row) -> Result<AccountRow, StoreError> {
    Ok(AccountRow {
        id: row.get(0)?,
        phone: row.get(1)?,
        name: row.get(2)?,
        id_number: row.get(3)?,
        password_hash: row.get(4)?,
        created_at: row.get(5)?,
    })
}

pub(super) fn account_by_phone(c: &Db, phone: &str) -> Result<Option<AccountRow>, StoreError> {
    c.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE phone = ?1"),
        [phone],
        account_from,
    )
    .optional()
}

pub(super) fn account(c: &Db, id: &str) -> Result<Option<AccountRow>, StoreError> {
    c.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = ?1"),
        [id],
        account_from,
    )
    .optional()
}

fn times(c: &Db, sql: &str, key: &str, since: i64) -> Result<Vec<i64>, StoreError> {
    let mut stmt = c.prepare(sql)?;
    let rows = stmt.query_map(params![key, since], |r| r.get(0))?;
    rows.collect::<Result<_, _>>()
}

/// The recent sends to `phone` on `channel` and from `ip` on any channel.
fn send_history(
    c: &Db,
    phone: &str,
    ip: &str,
    channel: OtpChannel,
    (phone_since, ip_since): (i64, i64),
) -> Result<SendHistory, StoreError> {
    let phone = c
        .query(
            "SELECT sent_at FROM otp_sends WHERE phone = ?1 AND channel = ?2 AND sent_at > ?3",
            params![phone, channel.as_str(), phone_since],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    Ok(SendHistory {
        phone,
        ip: times(
            c,
            "SELECT sent_at FROM otp_sends WHERE client_ip = ?1 AND sent_at > ?2",
            ip,
            ip_since,
        )?,
    })
}

pub(super) fn otp_send_history(
    c: &Db,
    phone: &str,
    ip: &str,
    channel: OtpChannel,
    since: (i64, i64),
) -> Result<SendHistory, StoreError> {
    send_history(c, phone, ip, channel, since)
}

pub(super) fn record_otp_send<F>(
    c: &mut Db,
    phone: &str,
    ip: &str,
    channel: OtpChannel,
    now: i64,
    (phone_since, ip_since): (i64, i64),
    admit: F,
) -> Result<Admission, StoreError>
where
    F: FnOnce(&SendHistory) -> Admission,
{
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    tx.execute(
        "DELETE FROM otp_sends WHERE sent_at <= ?1",
        [phone_since.min(ip_since)],
    )?;
    let history = send_history(&tx, phone, ip, channel, (phone_since, ip_since))?;
    let admission = admit(&history);
    if admission.is_ok() {
        tx.execute(
            "INSERT INTO otp_sends (phone, client_ip, channel, sent_at) VALUES (?1, ?2, ?3, ?4)",
            params![phone, ip, channel.as_str(), now],
        )?;
    }
    tx.commit()?;
    Ok(admission)
}

pub(super) fn begin_login_attempt<F>(
    c: &mut Db,
    phone: &str,
    ip: &str,
    now: i64,
    since: LoginSince,
    admit: F,
) -> Result<Admission, StoreError>
where
    F: FnOnce(&LoginHistory) -> Admission,
{
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let pair = tx
        .query(
            "SELECT attempted_at FROM login_attempts
             WHERE phone = ?1 AND client_ip = ?2 AND attempted_at > ?3",
            params![phone, ip, since.pair],
        )?
        .iter()
        .map(|r| r.get(0))
        .collect::<Result<_, _>>()?;
    let history = LoginHistory {
        pair,
        phone: times(
            &tx,
            "SELECT attempted_at FROM login_attempts WHERE phone = ?1 AND attempted_at > ?2",
            phone,
            since.phone,
        )?,
        ip: times(
            &tx,
            "SELECT attempted_at FROM login_attempts WHERE client_ip = ?1 AND attempted_at > ?2",
            ip,
            since.ip,
        )?,
    };
    let admission = admit(&history);
    if admission.is_ok() {
        tx.execute(
            "INSERT INTO login_attempts (phone, client_ip, attempted_at) VALUES (?1, ?2, ?3)",
            params![phone, ip, now],
        )?;
    }
    tx.commit()?;
    Ok(admission)
}

pub(super) fn clear_login_attempts(c: &Db, phone: &str, ip: &str) -> Result<(), StoreError> {
    c.execute(
        "DELETE FROM login_attempts WHERE phone = ?1 AND client_ip = ?2",
        [phone, ip],
    )?;
    Ok(())
}

fn purpose_str(p: ChallengePurpose) -> &'static str {
    match p {
        ChallengePurpose::Signup => "signup",
        ChallengePurpose::Login => "login",
        ChallengePurpose::PinReset => "pin_reset",
        ChallengePurpose::PhoneChange => "phone_change",
    }
}

pub(super) fn insert_challenge(c: &Db, ch: &NewChallenge) -> Result<(), StoreError> {
    let signup = ch.signup.as_ref();
    c.execute(
        "INSERT INTO challenges (id, purpose, phone, account_id, signup_name, signup_id_number,
             signup_password_hash, code_hash, created_at, expires_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            ch.id,
            purpose_str(ch.purpose),
            ch.phone,
            ch.account_id,
            signup.map(|s| &s.name),
            signup.map(|s| &s.id_number),
            signup.map(|s| &s.password_hash),
            ch.code_hash,
            ch.created_at,
            ch.expires_at,
        ],
    )?;
    Ok(())
}

struct ChallengeRow {
    purpose: String,
    phone: String,
    account_id: Option<String>,
    signup_name: Option<String>,
    signup_id_number: Option<String>,
    signup_password_hash: Option<String>,
    code_hash: String,
    expires_at: i64,
    failed_attempts: u32,
    consumed_at: Option<i64>,
}

// One transaction does the check, the account, the device, the log and the notice.
#[allow(clippy::too_many_arguments)]
pub(super) fn verify_challenge<F>(
    c: &mut Db,
    keys: &Keys,
    challenge_id: &str,
    now: i64,
    max_attempts: u32,
    code_matches: F,
    new_account_id: &str,
    device: &NewDevice,
    cooling_off_secs: i64,
) -> Result<VerifyOutcome, StoreError>
where
    F: FnOnce(&str) -> bool,
{
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let row = tx
        .query_row(
            "SELECT purpose, phone, account_id, signup_name, signup_id_number,
                    signup_password_hash, code_hash, expires_at, failed_attempts, consumed_at
             FROM challenges WHERE id = ?1 AND purpose IN ('signup', 'login')",
            [challenge_id],
            |r| {
                Ok(ChallengeRow {
                    purpose: r.get(0)?,
                    phone: r.get(1)?,
                    account_id: r.get(2)?,
                    signup_name: r.get(3)?,
                    signup_id_number: r.get(4)?,
                    signup_password_hash: r.get(5)?,
                    code_hash: r.get(6)?,
                    expires_at: r.get(7)?,
                    failed_attempts: r.get(8)?,
                    consumed_at: r.get(9)?,
                })
            },
        )
        .optional()?;
    let Some(ch) = row else {
        return Ok(VerifyOutcome::NotFound);
    };
    if ch.consumed_at.is_some() || ch.failed_attempts >= max_attempts {
        return Ok(VerifyOutcome::NotFound);
    }
    if now >= ch.expires_at {
        return Ok(VerifyOutcome::Expired);
    }
    if !code_matches(&ch.code_hash) {
        tx.execute(
            "UPDATE challenges SET failed_attempts = failed_attempts + 1 WHERE id = ?1",
            [challenge_id],
        )?;
        tx.commit()?;
        return Ok(VerifyOutcome::Wrong {
            tries_left: max_attempts - ch.failed_attempts - 1,
        });
    }
    // A used sign-up keeps none of its personal data (it is on the account now, sealed).
    tx.execute(
        "UPDATE challenges SET consumed_at = ?2, signup_name = NULL, signup_id_number = NULL,
             signup_password_hash = NULL
         WHERE id = ?1",
        params![challenge_id, now],
    )?;
    let account_id = match ch.purpose.as_str() {
        "signup" => {
            if account_by_phone(&tx, &ch.phone)?.is_some() {
                tx.commit()?;
                return Ok(VerifyOutcome::PhoneTaken);
            }
            let (Some(name), Some(id_number), Some(password_hash)) =
                (ch.signup_name, ch.signup_id_number, ch.signup_password_hash)
            else {
                return Err(StoreError::Corrupt(format!(
                    "sign-up challenge {challenge_id} lacks its account data"
                )));
            };
            // Sealed for the challenge's row, sealed again for the account's (the name is kept
            // in clear on the account: transfers show it masked).
            let name = keys.open(SealedColumn::SignupName, challenge_id, &name)?;
            let id_number = keys.seal(
                SealedColumn::AccountIdNumber,
                new_account_id,
                &keys.open(SealedColumn::SignupIdNumber, challenge_id, &id_number)?,
            );
            tx.execute(
                "INSERT INTO accounts (id, phone, name, id_number, password_hash, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    new_account_id,
                    ch.phone,
                    name.as_str(),
                    id_number,
                    password_hash,
                    now
                ],
            )?;
            new_account_id.to_owned()
        }
        "login" => ch.account_id.ok_or_else(|| {
            StoreError::Corrupt(format!("sign-in challenge {challenge_id} has no account"))
        })?,
        other => {
            return Err(StoreError::Corrupt(format!(
                "challenge {challenge_id} has purpose {other:?}"
            )))
        }
    };
    tx.execute(
        "INSERT INTO devices (id, account_id, public_key, name, platform, enrolled_at, last_seen_at,
             paycode_seed, paycode_seed_issued_at, events_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?6,
             (SELECT COALESCE(MAX(cursor), 0) FROM device_events))",
        params![
            device.id,
            account_id,
            device.public_key,
            device.name,
            device.platform,
            now,
            device
                .paycode_seed
                .as_ref()
                .map(|s| keys.seal(SealedColumn::PaycodeSeed, &device.id, &s.to_base64())),
        ],
    )?;
    let kinds: &[SecurityEventKind] = if ch.purpose == "login" {
        &[SecurityEventKind::SignIn, SecurityEventKind::DeviceEnrolled]
    } else {
        &[SecurityEventKind::DeviceEnrolled]
    };
    for &kind in kinds {
        super::journal::log_security(
            &tx,
            &account_id,
            &super::SecurityNote {
                kind,
                device_id: Some(&device.id),
                device_name: Some(&device.name),
                detail: None,
            },
            now,
        )?;
    }
    if ch.purpose == "login" {
        // SIM-swap defence (docs/rules.md §Lost phone): a new device starts a cooling-off and every other
        // device hears of it.
        let until = now + cooling_off_secs;
        super::journal::start_cooling_off(&tx, &account_id, now, until)?;
        super::journal::add_device_event(
            &tx,
            &account_id,
            DeviceEventKind::NewDevice,
            Some(&device.id),
            Some(&device.name),
            None,
            Some(until),
            now,
        )?;
    }
    let account = account(&tx, &account_id)?
        .ok_or_else(|| StoreError::Corrupt(format!("account {account_id} vanished")))?;
    tx.commit()?;
    Ok(VerifyOutcome::Enrolled(account))
}

const DEVICE_COLUMNS: &str =
    "id, account_id, public_key, name, platform, enrolled_at, last_seen_at, revoked_at";

fn device_from(row: &Row) -> Result<DeviceRow, StoreError> {
    Ok(DeviceRow {
        id: row.get(0)?,
        account_id: row.get(1)?,
        public_key: row.get(2)?,
        name: row.get(3)?,
        platform: row.get(4)?,
        enrolled_at: row.get(5)?,
        last_seen_at: row.get(6)?,
        revoked_at: row.get(7)?,
    })
}

pub(super) fn device(c: &Db, id: &str) -> Result<Option<DeviceRow>, StoreError> {
    c.query_row(
        &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"),
        [id],
        device_from,
    )
    .optional()
}

pub(super) fn accept_nonce(
    c: &mut Db,
    device_id: &str,
    nonce: &str,
    now: i64,
) -> Result<NonceOutcome, StoreError> {
    // Only this device's requests (and its revocation, which updates the same row) wait.
    let tx = c.transaction_locking(&[device_id])?;
    let touched = tx.execute(
        "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
        params![device_id, now],
    )?;
    if touched == 0 {
        return Ok(NonceOutcome::Revoked);
    }
    let inserted = tx.execute(
        "INSERT INTO device_nonces (device_id, nonce, seen_at) VALUES (?1, ?2, ?3)
         ON CONFLICT DO NOTHING",
        params![device_id, nonce, now],
    )?;
    if inserted == 0 {
        return Ok(NonceOutcome::Reused);
    }
    tx.commit()?;
    Ok(NonceOutcome::Accepted)
}

pub(super) fn active_devices(c: &Db, account_id: &str) -> Result<Vec<DeviceRow>, StoreError> {
    let mut stmt = c.prepare(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices
         WHERE account_id = ?1 AND revoked_at IS NULL
         ORDER BY enrolled_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([account_id], device_from)?;
    rows.collect::<Result<_, _>>()
}

pub(super) fn all_devices(c: &Db, account_id: &str) -> Result<Vec<DeviceRow>, StoreError> {
    let mut stmt = c.prepare(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices WHERE account_id = ?1
         ORDER BY enrolled_at DESC, id DESC"
    ))?;
    let rows = stmt.query_map([account_id], device_from)?;
    rows.collect::<Result<_, _>>()
}

pub(super) fn revoke_device(
    c: &mut Db,
    account_id: &str,
    device_id: &str,
    now: i64,
) -> Result<bool, StoreError> {
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let found: Option<Option<i64>> = tx
        .query_row(
            "SELECT revoked_at FROM devices WHERE id = ?1 AND account_id = ?2",
            [device_id, account_id],
            |r| r.get(0),
        )
        .optional()?;
    match found {
        None => Ok(false),
        Some(Some(_)) => Ok(true),
        Some(None) => {
            tx.execute(
                "UPDATE devices SET revoked_at = ?2 WHERE id = ?1",
                params![device_id, now],
            )?;
            let name: String =
                tx.query_row("SELECT name FROM devices WHERE id = ?1", [device_id], |r| {
                    r.get(0)
                })?;
            super::journal::log_security(
                &tx,
                account_id,
                &super::SecurityNote {
                    kind: SecurityEventKind::DeviceRevoked,
                    device_id: Some(device_id),
                    device_name: Some(&name),
                    detail: None,
                },
                now,
            )?;
            // Its nonces can no longer matter.
            tx.execute(
                "DELETE FROM device_nonces WHERE device_id = ?1",
                [device_id],
            )?;
            tx.commit()?;
            Ok(true)
        }
    }
}

pub(super) fn insert_sms(c: &mut Db, sms: &SmsRecord) -> Result<(), StoreError> {
    let tx = c.transaction_with_behavior(Behavior::Immediate)?;
    let seq: i64 = tx.query_row(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM sms_outbox",
        [],
        |r| r.get(0),
    )?;
    tx.execute(
        "INSERT INTO sms_outbox (id, seq, phone, body, code, purpose, sent_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            format!("sms_{}", uuid::Uuid::new_v4().simple()),
            seq,
            sms.phone,
            sms.body,
            sms.code,
            sms.purpose,
            sms.sent_at
        ],
    )?;
    tx.commit()?;
    Ok(())
}

pub(super) fn outbox(c: &Db, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError> {
    let mut stmt = c.prepare(
        "SELECT phone, body, code, purpose, sent_at FROM sms_outbox
         WHERE phone = ?1 ORDER BY seq DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![phone, limit], |r| {
        Ok(SmsRecord {
            phone: r.get(0)?,
            body: r.get(1)?,
            code: r.get(2)?,
            purpose: r.get(3)?,
            sent_at: r.get(4)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
}
