//! The repository layer: every query the server makes, behind one type.
//!
//! Handlers call [`Store`] methods that speak in domain rows, never SQL. Each method is written
//! once over [`db::Db`] and runs on either engine: SQLite (one file, one writer: the embedded
//! default) or PostgreSQL (a pool; any number of server processes on one database). The
//! conformance tests in `tests.rs` run against both.

mod accounts;
pub mod codes;
pub mod copy;
pub mod db;
mod engine;
mod journal;

use std::path::Path;
use std::sync::Arc;

use wallet_protocol::api::ChallengePurpose;
use wallet_protocol::paycode::PaycodeSeed;

use crate::secrets::vault::{KeyError, Keys, SealedColumn};

pub use checkout::*;
pub use codes::CodeCheck;
pub use engine::{known_version, PgStore, PostgresOptions, SqliteStore};
pub use journal::{AccountGuard, SecurityChange, SecurityNote};
pub use lost::*;
pub use money::*;
pub use notices::*;
pub use pay::*;
pub use sms_pay::*;
pub use transfer::*;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("database error: {}", postgres_reason(.0))]
    Postgres(#[from] postgres::Error),
    #[error("no free database connection: {0}")]
    Pool(String),
    /// A single-row query found none (see [`db::OptionalExtension`]).
    #[error("no row")]
    NoRow,
    #[error("{0}")]
    Unsupported(String),
    #[error("the database is at schema version {found}, newer than this server knows ({known})")]
    TooNew { found: i64, known: i64 },
    #[error("no database at {0}")]
    Missing(String),
    #[error("the database worker stopped: {0}")]
    Worker(String),
    #[error("the database holds a value this server cannot read: {0}")]
    Corrupt(String),
    /// Sealing, opening or unlocking with the master key failed.
    #[error(transparent)]
    Keys(#[from] KeyError),
    /// The store was opened without the master key ([`Store::unlock`]) and the call needs it.
    #[error("this needs the server master key (--master-key-file or WALLET_SERVER_MASTER_KEY)")]
    Locked,
}

/// The server's SQLSTATE and primary message (never its `DETAIL`, which can quote values), or
/// the client's own reason (a closed connection, a timeout).
fn postgres_reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}

impl StoreError {
    /// A CHECK constraint refused a write (the ledger's "no balance below zero").
    pub fn is_check_violation(&self) -> bool {
        match self {
            StoreError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => {
                f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_CHECK
            }
            StoreError::Postgres(e) => {
                e.code() == Some(&postgres::error::SqlState::CHECK_VIOLATION)
            }
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: String,
    pub phone: String,
    pub name: String,
    pub id_number: String,
    pub password_hash: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    pub id: String,
    pub account_id: String,
    pub public_key: String,
    pub name: String,
    pub platform: String,
    pub enrolled_at: i64,
    pub last_seen_at: i64,
    pub revoked_at: Option<i64>,
}

/// Validated sign-up data kept until the OTP proves the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignup {
    pub name: String,
    pub id_number: String,
    pub password_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChallenge {
    pub id: String,
    pub purpose: ChallengePurpose,
    pub phone: String,
    /// Set for sign-in.
    pub account_id: Option<String>,
    /// Set for sign-up.
    pub signup: Option<PendingSignup>,
    pub code_hash: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewDevice {
    pub id: String,
    pub public_key: String,
    pub name: String,
    pub platform: String,
    /// The device's payment-code seed, provisioned at enrolment.
    pub paycode_seed: Option<PaycodeSeed>,
}

/// What checking an OTP against a challenge did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    /// No such challenge, or it was used or killed by wrong codes.
    NotFound,
    Expired,
    Wrong {
        tries_left: u32,
    },
    /// A sign-up whose phone got an account meanwhile.
    PhoneTaken,
    /// The code was right: the account (created for a sign-up) and the device is enrolled.
    Enrolled(AccountRow),
}

/// What the replay guard decided about a signed request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceOutcome {
    Accepted,
    Reused,
    Revoked,
}

/// Recent OTP sends, for the rate limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SendHistory {
    pub phone: Vec<i64>,
    pub ip: Vec<i64>,
}

/// Which per-phone budget an OTP send counts against. The per-IP budget counts both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpChannel {
    /// Sign-up, sign-in, PIN reset, phone-number change.
    Account,
    /// A bank's card-binding code, sent to the number reserved at the bank.
    Card,
}

impl OtpChannel {
    pub fn as_str(self) -> &'static str {
        match self {
            OtpChannel::Account => "account",
            OtpChannel::Card => "card",
        }
    }
}

/// Recent password tries, for the sign-in limits: of this phone from this client IP, of this
/// phone from anywhere, of this client IP for any phone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoginHistory {
    pub pair: Vec<i64>,
    pub phone: Vec<i64>,
    pub ip: Vec<i64>,
}

/// Where each window of [`LoginHistory`] starts (Unix seconds, exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginSince {
    pub pair: i64,
    pub phone: i64,
    pub ip: i64,
}

/// What the housekeeping prunes: attempt rows at or before each time (Unix seconds), i.e.
/// older than every window that reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptCutoffs {
    pub login_attempts: i64,
    pub otp_sends: i64,
    pub phone_lookups: i64,
    pub report_lost_attempts: i64,
    pub paycode_failures: i64,
}

/// One delivered SMS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsRecord {
    pub phone: String,
    pub body: String,
    pub code: String,
    pub purpose: String,
    pub sent_at: i64,
}

/// Answer of a check-and-record step: `Err(retry_after_secs)` when a limit refused it.
pub type Admission = Result<(), u64>;

#[derive(Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// The server's storage. Cheap to clone. Sealed columns (docs/rules.md §Storage) are sealed and
/// opened here, with the keys [`Store::unlock`] adds; without them, calls that touch one answer
/// [`StoreError::Locked`].
#[derive(Clone)]
pub struct Store(Backend, Option<Arc<Keys>>);

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Backend::Sqlite(_) => f.write_str("Store(sqlite)"),
            Backend::Postgres(_) => f.write_str("Store(postgres)"),
        }
    }
}

/// Runs one backend operation; a new backend adds its arm here.
macro_rules! on_backend {
    ($self:ident, |$conn:ident| $body:expr) => {
        match &$self.0 {
            Backend::Sqlite(db) => db.run(move |$conn| $body).await,
            Backend::Postgres(db) => db.run(move |$conn| $body).await,
        }
    };
}

// After the macro: the money and payment queries use it too.
mod at_rest;
mod checkout;
mod health;
mod limits;
mod lost;
mod money;
mod notices;
mod pay;
mod sms_pay;
mod sources;
mod transfer;

impl Store {
    /// Opens (creating if needed) and migrates the database named by `location`: a file path for
    /// SQLite, a `postgres://` URL for PostgreSQL (with default pool options).
    pub fn open(location: &str) -> Result<Self, StoreError> {
        Self::open_with(location, &PostgresOptions::default())
    }

    /// [`Store::open`] with the PostgreSQL pool options.
    pub fn open_with(location: &str, options: &PostgresOptions) -> Result<Self, StoreError> {
        if is_postgres_url(location) {
            return Ok(Self(
                Backend::Postgres(PgStore::open(location, options, true)?),
                None,
            ));
        }
        Ok(Self(
            Backend::Sqlite(SqliteStore::open(Path::new(location))?),
            None,
        ))
    }

    /// Like [`Store::open`] but refuses to create a database: for tools reading a server's data.
    pub fn open_existing(location: &str) -> Result<Self, StoreError> {
        if !is_postgres_url(location) && !Path::new(location).exists() {
            return Err(StoreError::Missing(location.to_owned()));
        }
        Self::open(location)
    }

    /// Opens an existing database for reading only, without migrating it: for tools (ledger
    /// check) beside a running server.
    pub fn open_query_only(location: &str) -> Result<Self, StoreError> {
        if is_postgres_url(location) {
            // An operator's check of a whole ledger: no per-statement cap (the request path's
            // 10 s would cut a large one short).
            let options = PostgresOptions {
                pool_size: 2,
                statement_timeout: std::time::Duration::ZERO,
                ..PostgresOptions::default()
            };
            return Ok(Self(
                Backend::Postgres(PgStore::open(location, &options, false)?),
                None,
            ));
        }
        if !Path::new(location).exists() {
            return Err(StoreError::Missing(location.to_owned()));
        }
        Ok(Self(
            Backend::Sqlite(SqliteStore::open_query_only(Path::new(location))?),
            None,
        ))
    }

    /// Which engine this store runs on: `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match &self.0 {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Runs a closure on a connection, in the portable SQL of [`db`]: for tests and tools that
    /// look under the repositories (the request path never does).
    pub async fn run_raw<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut db::Db) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        on_backend!(self, |c| f(c))
    }

    /// The data keys [`Store::unlock`] added, or [`StoreError::Locked`].
    pub fn keys(&self) -> Result<Arc<Keys>, StoreError> {
        self.1.clone().ok_or(StoreError::Locked)
    }

    pub async fn account_by_phone(&self, phone: &str) -> Result<Option<AccountRow>, StoreError> {
        let keys = self.keys()?;
        let phone = phone.to_owned();
        let row = on_backend!(self, |c| accounts::account_by_phone(c, &phone))?;
        row.map(|r| open_account(&keys, r)).transpose()
    }

    pub async fn account(&self, id: &str) -> Result<Option<AccountRow>, StoreError> {
        let keys = self.keys()?;
        let id = id.to_owned();
        let row = on_backend!(self, |c| accounts::account(c, &id))?;
        row.map(|r| open_account(&keys, r)).transpose()
    }

    /// Atomically reads the recent sends for `phone` on `channel` and for `ip` (since the given
    /// times), asks `admit`, and records the send if admitted. Older rows are pruned.
    pub async fn record_otp_send<F>(
        &self,
        phone: &str,
        ip: &str,
        channel: OtpChannel,
        now: i64,
        since: (i64, i64),
        admit: F,
    ) -> Result<Admission, StoreError>
    where
        F: FnOnce(&SendHistory) -> Admission + Send + 'static,
    {
        let (phone, ip) = (phone.to_owned(), ip.to_owned());
        on_backend!(self, |c| accounts::record_otp_send(
            c, &phone, &ip, channel, now, since, admit
        ))
    }

    /// The recent sends [`Store::record_otp_send`] would judge, without recording one: to
    /// answer a refusal before anything else is looked at.
    pub async fn otp_send_history(
        &self,
        phone: &str,
        ip: &str,
        channel: OtpChannel,
        since: (i64, i64),
    ) -> Result<SendHistory, StoreError> {
        let (phone, ip) = (phone.to_owned(), ip.to_owned());
        on_backend!(self, |c| accounts::otp_send_history(
            c, &phone, &ip, channel, since
        ))
    }

    /// Atomically reads the password tries of `phone` from `ip`, of `phone` and of `ip` (since
    /// the given times), asks `admit`, and records this try if admitted. A correct password
    /// clears that address's tries with [`Store::clear_login_attempts`].
    pub async fn begin_login_attempt<F>(
        &self,
        phone: &str,
        ip: &str,
        now: i64,
        since: LoginSince,
        admit: F,
    ) -> Result<Admission, StoreError>
    where
        F: FnOnce(&LoginHistory) -> Admission + Send + 'static,
    {
        let (phone, ip) = (phone.to_owned(), ip.to_owned());
        on_backend!(self, |c| accounts::begin_login_attempt(
            c, &phone, &ip, now, since, admit
        ))
    }

    /// Forgets the password tries of `phone` from `ip` (the ones from other addresses stay:
    /// they are someone else's).
    pub async fn clear_login_attempts(&self, phone: &str, ip: &str) -> Result<(), StoreError> {
        let (phone, ip) = (phone.to_owned(), ip.to_owned());
        on_backend!(self, |c| accounts::clear_login_attempts(c, &phone, &ip))
    }

    pub async fn insert_challenge(&self, mut challenge: NewChallenge) -> Result<(), StoreError> {
        if let Some(signup) = challenge.signup.as_mut() {
            let keys = self.keys()?;
            signup.name = keys.seal(SealedColumn::SignupName, &challenge.id, &signup.name);
            signup.id_number = keys.seal(
                SealedColumn::SignupIdNumber,
                &challenge.id,
                &signup.id_number,
            );
        }
        on_backend!(self, |c| accounts::insert_challenge(c, &challenge))
    }

    /// Checks an OTP against a live challenge in one transaction: counts a wrong code (the
    /// `max_attempts`-th kills the challenge), or consumes the challenge, creates the account for
    /// a sign-up and enrols the device.
    // One transaction does the check, the account, the device, the log and the notice.
    #[allow(clippy::too_many_arguments)]
    pub async fn verify_challenge<F>(
        &self,
        challenge_id: &str,
        now: i64,
        max_attempts: u32,
        code_matches: F,
        new_account_id: String,
        device: NewDevice,
        cooling_off_secs: i64,
    ) -> Result<VerifyOutcome, StoreError>
    where
        F: FnOnce(&str) -> bool + Send + 'static,
    {
        let keys = self.keys()?;
        let challenge_id = challenge_id.to_owned();
        let opener = Arc::clone(&keys);
        let outcome = on_backend!(self, |c| accounts::verify_challenge(
            c,
            &opener,
            &challenge_id,
            now,
            max_attempts,
            code_matches,
            &new_account_id,
            &device,
            cooling_off_secs
        ))?;
        Ok(match outcome {
            VerifyOutcome::Enrolled(account) => {
                VerifyOutcome::Enrolled(open_account(&keys, account)?)
            }
            other => other,
        })
    }

    pub async fn device(&self, id: &str) -> Result<Option<DeviceRow>, StoreError> {
        let id = id.to_owned();
        on_backend!(self, |c| accounts::device(c, &id))
    }

    /// Records a nonce for a device (refusing a repeat) and marks the device seen, unless it was
    /// revoked meanwhile. Old nonces go in [`Store::forget_spent`].
    pub async fn accept_nonce(
        &self,
        device_id: &str,
        nonce: &str,
        now: i64,
    ) -> Result<NonceOutcome, StoreError> {
        let (device_id, nonce) = (device_id.to_owned(), nonce.to_owned());
        on_backend!(self, |c| accounts::accept_nonce(c, &device_id, &nonce, now))
    }

    /// Housekeeping off the request path: forgets nonces seen before `nonces_before` (their
    /// timestamps are refused anyway) and payment-code uses of steps before `steps_before`
    /// (their codes are out of the window). Answers how many rows went.
    pub async fn forget_spent(
        &self,
        nonces_before: i64,
        steps_before: i64,
    ) -> Result<usize, StoreError> {
        on_backend!(self, |c| {
            let nonces = c.execute(
                "DELETE FROM device_nonces WHERE seen_at < ?1",
                [nonces_before],
            )?;
            let uses = c.execute("DELETE FROM paycode_uses WHERE step < ?1", [steps_before])?;
            Ok(nonces + uses)
        })
    }

    /// The account's devices that are not revoked, most recently enrolled first.
    pub async fn active_devices(&self, account_id: &str) -> Result<Vec<DeviceRow>, StoreError> {
        let account_id = account_id.to_owned();
        on_backend!(self, |c| accounts::active_devices(c, &account_id))
    }

    /// Revokes one of the account's devices. `false` if the account has no such device.
    pub async fn revoke_device(
        &self,
        account_id: &str,
        device_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (account_id, device_id) = (account_id.to_owned(), device_id.to_owned());
        on_backend!(self, |c| accounts::revoke_device(
            c,
            &account_id,
            &device_id,
            now
        ))
    }

    pub async fn insert_sms(&self, sms: SmsRecord) -> Result<(), StoreError> {
        on_backend!(self, |c| accounts::insert_sms(c, &sms))
    }

    /// Messages sent to `phone`, newest first.
    pub async fn outbox(&self, phone: &str, limit: u32) -> Result<Vec<SmsRecord>, StoreError> {
        let phone = phone.to_owned();
        on_backend!(self, |c| accounts::outbox(c, &phone, limit))
    }
}

/// An account row with its ID number opened.
fn open_account(keys: &Keys, mut row: AccountRow) -> Result<AccountRow, StoreError> {
    let id_number = keys.open(SealedColumn::AccountIdNumber, &row.id, &row.id_number)?;
    row.id_number = id_number.as_str().to_owned();
    Ok(row)
}

fn is_postgres_url(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

#[cfg(test)]
mod tests;

/// Databases for tests: the conformance suite runs every store test on SQLite and, when a
/// PostgreSQL server is named, on PostgreSQL too.
pub mod testing {
    /// The server named by `WALLET_TEST_POSTGRES` (a URL whose user may create databases), or
    /// `None`. With `WALLET_REQUIRE_POSTGRES` set, its absence is an error: the test command
    /// sets both, so the PostgreSQL suites cannot be skipped silently there.
    pub fn postgres_server() -> Option<String> {
        match std::env::var("WALLET_TEST_POSTGRES") {
            Ok(url) if !url.is_empty() => Some(url),
            _ => {
                assert!(
                    std::env::var_os("WALLET_REQUIRE_POSTGRES").is_none(),
                    "WALLET_REQUIRE_POSTGRES is set but WALLET_TEST_POSTGRES names no server"
                );
                None
            }
        }
    }

    /// A new, empty database on the test server; its URL.
    pub fn fresh_postgres_database(server: &str) -> Result<String, super::StoreError> {
        let name = format!("wt_{}", uuid::Uuid::new_v4().simple());
        let server = server.to_owned();
        let sql = format!("CREATE DATABASE {name}");
        // The synchronous client cannot run on a thread that drives async tasks.
        std::thread::spawn(move || -> Result<String, super::StoreError> {
            let mut client = postgres::Client::connect(&server, postgres::NoTls)?;
            client.batch_execute(&sql)?;
            Ok(database_url(&server, &name))
        })
        .join()
        .map_err(|_| super::StoreError::Worker("creating a test database panicked".to_owned()))?
    }

    /// `server` with its database name replaced by `name`.
    fn database_url(server: &str, name: &str) -> String {
        let (base, query) = match server.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (server, None),
        };
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let root = match base[scheme_end..].find('/') {
            Some(i) => &base[..scheme_end + i],
            None => base,
        };
        match query {
            Some(q) => format!("{root}/{name}?{q}"),
            None => format!("{root}/{name}"),
        }
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn the_database_name_is_replaced() {
            assert_eq!(
                super::database_url("postgres://postgres@127.0.0.1:5433/postgres", "wt_1"),
                "postgres://postgres@127.0.0.1:5433/wt_1"
            );
            assert_eq!(
                super::database_url("postgres://u@h/db?sslmode=disable", "x"),
                "postgres://u@h/x?sslmode=disable"
            );
        }
    }
}
