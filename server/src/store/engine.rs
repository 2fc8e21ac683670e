//! The two engines behind [`super::Store`]: where connections come from, and the schema steps.
//!
//! - **SQLite**: one writer connection in WAL mode behind a mutex, used from `spawn_blocking` so
//!   slow disk never stalls the async runtime. The embedded default for testers.
//! - **PostgreSQL**: a pool of synchronous `postgres` clients, also used from `spawn_blocking`,
//!   so the repositories run the same code on both. Any number of server processes may share
//!   one database: nothing a request needs lives only in one process's memory.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::db::{params, Behavior, Db, PgManager};
use super::StoreError;

/// Schema steps for SQLite, in order; the version of step `i` is `i + 1`.
const SQLITE_MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_cards_ledger.sql"),
    include_str!("../../migrations/0003_merchants_orders_paycodes.sql"),
    include_str!("../../migrations/0004_lost_phone.sql"),
    include_str!("../../migrations/0005_transfers_history.sql"),
    include_str!("../../migrations/0006_paycode_refresh.sql"),
    include_str!("../../migrations/0007_feed_numbers.sql"),
    include_str!("../../migrations/0008_cooling_off_since.sql"),
    include_str!("../../migrations/0009_signin_floods.sql"),
    include_str!("../../migrations/0010_at_rest.sql"),
    include_str!("../../migrations/0011_funding_sources.sql"),
    include_str!("../../migrations/0012_sms_payment.sql"),
    include_str!("../../migrations/0013_merchant_notices.sql"),
    include_str!("../../migrations/0014_checkouts.sql"),
];

/// The same versions for PostgreSQL: the shared file where it runs there unchanged, the
/// `postgres/` version of a step where it does not (see `migrations/NOTES.md`).
const POSTGRES_MIGRATIONS: &[&str] = &[
    include_str!("../../migrations/0001_init.sql"),
    include_str!("../../migrations/0002_cards_ledger.sql"),
    include_str!("../../migrations/0003_merchants_orders_paycodes.sql"),
    include_str!("../../migrations/0004_lost_phone.sql"),
    include_str!("../../migrations/postgres/0005_transfers_history.sql"),
    include_str!("../../migrations/0006_paycode_refresh.sql"),
    include_str!("../../migrations/postgres/0007_feed_numbers.sql"),
    include_str!("../../migrations/0008_cooling_off_since.sql"),
    include_str!("../../migrations/0009_signin_floods.sql"),
    include_str!("../../migrations/0010_at_rest.sql"),
    include_str!("../../migrations/0011_funding_sources.sql"),
    include_str!("../../migrations/0012_sms_payment.sql"),
    include_str!("../../migrations/postgres/0013_merchant_notices.sql"),
    include_str!("../../migrations/0014_checkouts.sql"),
];

/// The newest schema version this build knows (the same on both engines).
pub fn known_version() -> i64 {
    i64::try_from(SQLITE_MIGRATIONS.len()).unwrap_or(i64::MAX)
}

#[derive(Clone)]
pub struct SqliteStore {
    conn: Arc<Mutex<Db>>,
}

impl SqliteStore {
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted and replaced values (a pruned SMS code, a value sealed at start) are zeroed,
        // not left in free pages of the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
        let db = Db::Sqlite(conn);
        migrate(&db, SQLITE_MIGRATIONS)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(db)),
        })
    }

    /// Opens an existing database for reading only (`PRAGMA query_only`), without migrating:
    /// for tools that inspect a database a running server owns. The schema must be the one
    /// this build knows.
    pub fn open_query_only(path: &Path) -> Result<Self, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(5))?;
        conn.pragma_update(None, "query_only", "ON")?;
        let db = Db::Sqlite(conn);
        require_current(&db)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(db)),
        })
    }

    /// Runs `f` on the writer connection on a blocking thread.
    pub(super) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Db) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .map_err(|_| StoreError::Worker("connection lock poisoned".to_owned()))?;
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}

/// How a server process uses a PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Connections this process keeps at most.
    pub pool_size: u32,
    /// Longest a statement (or a wait for a lock) may run before it is cancelled.
    pub statement_timeout: Duration,
    /// Longest a request waits for a free connection.
    pub connect_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            statement_timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

#[derive(Clone)]
pub struct PgStore {
    pool: r2d2::Pool<PgManager>,
}

impl PgStore {
    /// Connects, and migrates unless `migrate_schema` is false (then the schema must be current).
    pub fn open(
        url: &str,
        options: &PostgresOptions,
        migrate_schema: bool,
    ) -> Result<Self, StoreError> {
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            StoreError::Unsupported(format!("bad PostgreSQL URL: {e}"))
        })?;
        let timeout_ms = options.statement_timeout.as_millis();
        config.options(&format!(
            "-c statement_timeout={timeout_ms} -c TimeZone=UTC"
        ));
        config.connect_timeout(options.connect_timeout);
        config.application_name("wallet-server");
        let options = options.clone();
        // The synchronous client runs a small runtime of its own, which cannot start on a
        // thread that drives async tasks: connect from a plain thread.
        std::thread::spawn(move || -> Result<Self, StoreError> {
            // One direct connection first: an unreachable server or a refused login is reported
            // at once with its reason, not after the pool's wait.
            let first = Db::Postgres(super::db::PgConn::new(config.connect(postgres::NoTls)?));
            if migrate_schema {
                migrate(&first, POSTGRES_MIGRATIONS)?;
            } else {
                require_current(&first)?;
            }
            drop(first);
            let pool = r2d2::Pool::builder()
                .max_size(options.pool_size.max(1))
                .min_idle(Some(1))
                .connection_timeout(options.connect_timeout)
                .test_on_check_out(false)
                .build(PgManager { config })
                .map_err(|e| StoreError::Pool(e.to_string()))?;
            Ok(Self { pool })
        })
        .join()
        .map_err(|_| StoreError::Worker("connecting to PostgreSQL panicked".to_owned()))?
    }

    /// Runs `f` on a pooled connection on a blocking thread.
    pub(super) async fn run<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        F: FnOnce(&mut Db) -> Result<T, StoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = pool.get().map_err(|e| StoreError::Pool(e.to_string()))?;
            f(&mut conn)
        })
        .await
        .map_err(|e| StoreError::Worker(e.to_string()))?
    }
}

/// Brings the schema to the newest version, one step per transaction. Several processes may
/// start at once on PostgreSQL: the writer lock makes them take turns, and each step checks
/// the version again inside its transaction.
fn migrate(db: &Db, steps: &[&str]) -> Result<(), StoreError> {
    let tx = db.transaction_with_behavior(Behavior::Immediate)?;
    tx.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version     BIGINT PRIMARY KEY,
             applied_at  BIGINT NOT NULL
         )",
    )?;
    tx.commit()?;
    let known = i64::try_from(steps.len()).unwrap_or(i64::MAX);
    for (version, sql) in (1..).zip(steps) {
        let tx = db.transaction_with_behavior(Behavior::Immediate)?;
        let current = current_version(&tx)?;
        if current > known {
            return Err(StoreError::TooNew {
                found: current,
                known,
            });
        }
        if version <= current {
            continue;
        }
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)",
            params![version, chrono::Utc::now().timestamp()],
        )?;
        tx.commit()?;
        tracing::info!(version, engine = db.engine(), "database migrated");
    }
    Ok(())
}

pub(super) fn current_version(db: &Db) -> Result<i64, StoreError> {
    db.query_row(
        "SELECT CAST(COALESCE(MAX(version), 0) AS BIGINT) FROM schema_migrations",
        [],
        |r| r.get(0),
    )
}

/// For tools beside a running server: the schema must be exactly this build's.
fn require_current(db: &Db) -> Result<(), StoreError> {
    let known = known_version();
    let current = current_version(db)
        .map_err(|_| StoreError::Corrupt("not a wallet-server database".to_owned()))?;
    if current > known {
        return Err(StoreError::TooNew {
            found: current,
            known,
        });
    }
    if current < known {
        return Err(StoreError::Unsupported(format!(
            "the database is at schema version {current}; start the server once to migrate it to {known}"
        )));
    }
    Ok(())
}

/// The schema version of a store (tests).
#[cfg(test)]
pub(super) async fn schema_version(store: &super::Store) -> i64 {
    store.run_raw(|db| current_version(db)).await.unwrap_or(0)
}
