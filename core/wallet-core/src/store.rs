//! The encrypted local store: one SQLCipher database per profile at `<home>/wallet.db`.
//!
//! The database key is 32 random bytes used as a raw SQLCipher key (no PBKDF2 on every open),
//! kept only in the platform secret store under `store-key:<profile-id>`. The profile id is not
//! secret; it sits in `<home>/profile.id` so the key entry can be found.
//!
//! This module must never recreate, overwrite or "repair" an existing database: a missing or
//! wrong key is an error and the file stays byte-for-byte as it was. It never stores a password,
//! PIN, OTP or a full ID number.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};
use ed25519_dalek::SigningKey;
use rand::rngs::OsRng;
use rand::RngCore as _;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension as _};
use serde::de::DeserializeOwned;
use serde::Serialize;
use zeroize::Zeroizing;

use crate::secret_store::{SecretStore, SecretStoreError};
use crate::types::{ChallengePurpose, PendingVerification, Profile};

pub(crate) const DB_FILE: &str = "wallet.db";
pub(crate) const PROFILE_ID_FILE: &str = "profile.id";
const KEY_LEN: usize = 32;

/// Schema steps, in order: index `i` upgrades the database from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_settings.sql"),
];

/// Setting: the server URL this device was enrolled on (JSON string, or `null` when unknown).
pub(crate) const SETTING_ENROLLED_SERVER: &str = "enrolled_server_url";

/// Why the store could not do what was asked. Messages carry no key material or personal data.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StoreError {
    #[error("the key for the local database is missing: {0}")]
    KeyMissing(String),
    #[error("the key from the secret store does not open the local database")]
    KeyWrong,
    #[error("the local database is damaged: {0}")]
    Corrupt(String),
    #[error("the local database has schema {found}; this version of Wallet knows up to {known}")]
    TooNew { found: i64, known: usize },
    #[error("profile directory I/O failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("local database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Secret(#[from] SecretStoreError),
    #[error("upgrading the local database to schema {version} failed: {source}")]
    Migration {
        version: usize,
        source: rusqlite::Error,
    },
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The files of one profile directory.
#[derive(Debug, Clone)]
pub(crate) struct ProfilePaths {
    pub home: PathBuf,
    pub db: PathBuf,
    pub profile_id: PathBuf,
}

impl ProfilePaths {
    pub fn new(home: &Path) -> Self {
        Self {
            home: home.to_path_buf(),
            db: home.join(DB_FILE),
            profile_id: home.join(PROFILE_ID_FILE),
        }
    }

    /// The database and its WAL companions.
    fn db_files(&self) -> [PathBuf; 3] {
        let with_suffix = |s: &str| {
            let mut p = self.db.clone().into_os_string();
            p.push(s);
            PathBuf::from(p)
        };
        [self.db.clone(), with_suffix("-wal"), with_suffix("-shm")]
    }
}

/// Name of the secret-store entry holding a profile's database key.
pub(crate) fn key_entry_name(profile_id: &str) -> String {
    format!("store-key:{profile_id}")
}

/// This device's Ed25519 signing key. `SigningKey` zeroizes itself on drop.
pub(crate) struct DeviceKey(SigningKey);

impl DeviceKey {
    pub fn generate() -> Self {
        Self(SigningKey::generate(&mut OsRng))
    }

    fn from_blob(blob: &[u8]) -> Result<Self> {
        let bytes: Zeroizing<[u8; 32]> = Zeroizing::new(
            blob.try_into()
                .map_err(|_| StoreError::Corrupt("device key has the wrong length".into()))?,
        );
        Ok(Self(SigningKey::from_bytes(&bytes)))
    }

    pub fn signing_key(&self) -> &SigningKey {
        &self.0
    }
}

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(..)")
    }
}

/// A pending sign-up or sign-in as stored.
#[derive(Debug)]
pub(crate) struct StoredPending {
    pub challenge_id: String,
    pub purpose: ChallengePurpose,
    pub phone_masked: String,
    pub expires_at: DateTime<Utc>,
    pub device_key: DeviceKey,
}

impl StoredPending {
    pub fn public(&self) -> PendingVerification {
        PendingVerification {
            purpose: self.purpose,
            phone_masked: self.phone_masked.clone(),
            expires_at: rfc3339(&self.expires_at),
        }
    }
}

/// Times on the wire and in the UI: RFC 3339 UTC with a `Z`.
pub(crate) fn rfc3339(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn purpose_str(p: ChallengePurpose) -> &'static str {
    match p {
        ChallengePurpose::Signup => "signup",
        ChallengePurpose::Login => "login",
    }
}

/// An open, unlocked profile database (the one writer connection).
pub(crate) struct Store {
    conn: Connection,
    profile_id: String,
    paths: ProfilePaths,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("db", &self.paths.db)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens the profile's database if there is one; `Ok(None)` when none exists. Never creates.
    pub fn open_existing(paths: &ProfilePaths, secrets: &dyn SecretStore) -> Result<Option<Self>> {
        if !paths.db.try_exists()? {
            return Ok(None);
        }
        let profile_id = match fs::read_to_string(&paths.profile_id) {
            Ok(s) => s.trim().to_owned(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::KeyMissing(format!(
                    "{PROFILE_ID_FILE} is missing, so its key entry cannot be found"
                )))
            }
            Err(e) => return Err(e.into()),
        };
        if !profile_id_well_formed(&profile_id) {
            return Err(StoreError::Corrupt(format!(
                "{PROFILE_ID_FILE} is not a profile id"
            )));
        }
        let key = secrets
            .get(&key_entry_name(&profile_id))?
            .map(Zeroizing::new)
            .ok_or_else(|| {
                StoreError::KeyMissing(format!(
                    "no entry {} in the secret store",
                    key_entry_name(&profile_id)
                ))
            })?;
        let key: Zeroizing<[u8; KEY_LEN]> = Zeroizing::new(
            key.as_slice()
                .try_into()
                .map_err(|_| StoreError::KeyWrong)?,
        );
        // READ_WRITE without CREATE: a database that vanished in between is not made anew.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = open_keyed(&paths.db, &key, flags)?;
        let store = Self {
            conn,
            profile_id,
            paths: paths.clone(),
        };
        store.prepare()?;
        Ok(Some(store))
    }

    /// Creates a new profile database with a fresh key. Refuses when one already exists.
    pub fn create(paths: &ProfilePaths, secrets: &dyn SecretStore) -> Result<Self> {
        if paths.db.try_exists()? {
            return Err(StoreError::Corrupt(
                "refusing to create a database over an existing one".into(),
            ));
        }
        // A stale profile.id without a database: its key entry is an orphan.
        if let Ok(old) = fs::read_to_string(&paths.profile_id) {
            let old = old.trim();
            if profile_id_well_formed(old) {
                if let Err(e) = secrets.delete(&key_entry_name(old)) {
                    tracing::warn!(error = %e, "could not delete an orphaned store key");
                }
            }
        }

        let mut raw_id = [0u8; 16];
        OsRng.fill_bytes(&mut raw_id);
        let profile_id = hex::encode(raw_id);
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        OsRng.fill_bytes(&mut key[..]);
        let entry = key_entry_name(&profile_id);
        // The secret store first: where none is reachable, nothing is written to disk.
        secrets.set(&entry, &key[..])?;
        if let Err(e) = create_private_dir(&paths.home) {
            let _ = secrets.delete(&entry);
            return Err(e.into());
        }

        let created = (|| -> Result<Self> {
            write_private_file(&paths.profile_id, profile_id.as_bytes())?;
            let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = open_keyed(&paths.db, &key, flags)?;
            restrict_permissions(&paths.db)?;
            let store = Self {
                conn,
                profile_id: profile_id.clone(),
                paths: paths.clone(),
            };
            store.prepare()?;
            Ok(store)
        })();
        if created.is_err() {
            // Undo only what this call made; never touches a database it did not create.
            for f in paths.db_files() {
                let _ = fs::remove_file(f);
            }
            let _ = fs::remove_file(&paths.profile_id);
            let _ = secrets.delete(&entry);
        }
        tracing::info!("created a new encrypted profile store");
        created
    }

    /// After the key check: refuse a newer schema before writing anything, then WAL, foreign
    /// keys, migrations.
    fn prepare(&self) -> Result<()> {
        let current = schema_version(&self.conn)?;
        self.conn
            .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get::<_, String>(0))?;
        self.conn.pragma_update(None, "foreign_keys", true)?;
        migrate(&self.conn, current)
    }

    // --- profile ---

    pub fn profile(&self) -> Result<Option<Profile>> {
        Ok(self
            .conn
            .query_row(
                "SELECT account_id, device_id, phone, phone_masked, name, id_last4
                 FROM profile WHERE id = 1",
                [],
                |r| {
                    Ok(Profile {
                        account_id: r.get(0)?,
                        device_id: r.get(1)?,
                        phone: r.get(2)?,
                        phone_masked: r.get(3)?,
                        name: r.get(4)?,
                        id_last4: r.get(5)?,
                    })
                },
            )
            .optional()?)
    }

    pub fn device_key(&self) -> Result<Option<DeviceKey>> {
        let blob: Option<Zeroizing<Vec<u8>>> = self
            .conn
            .query_row(
                "SELECT device_signing_key FROM profile WHERE id = 1",
                [],
                |r| r.get::<_, Vec<u8>>(0).map(Zeroizing::new),
            )
            .optional()?;
        blob.map(|b| DeviceKey::from_blob(&b)).transpose()
    }

    /// Completes enrolment: the profile with its device key replaces the pending challenge.
    pub fn enrol(&mut self, profile: &Profile, key: &DeviceKey, server_url: &str) -> Result<()> {
        let now = rfc3339(&Utc::now());
        let secret = Zeroizing::new(key.signing_key().to_bytes());
        let server = serde_json::to_string(server_url)
            .map_err(|e| StoreError::Corrupt(format!("setting not serialisable: {e}")))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO profile (id, account_id, device_id, phone, phone_masked, name, id_last4,
                                  device_signing_key, enrolled_at, updated_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)",
            params![
                profile.account_id,
                profile.device_id,
                profile.phone,
                profile.phone_masked,
                profile.name,
                profile.id_last4,
                secret.as_slice(),
                now,
            ],
        )?;
        tx.execute("DELETE FROM pending_challenge", [])?;
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![SETTING_ENROLLED_SERVER, server, now],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Refreshes the server-side fields of the profile (never the device key).
    pub fn update_profile(&self, profile: &Profile) -> Result<()> {
        self.conn.execute(
            "UPDATE profile SET account_id = ?1, phone = ?2, phone_masked = ?3, name = ?4,
                                id_last4 = ?5, updated_at = ?6
             WHERE id = 1",
            params![
                profile.account_id,
                profile.phone,
                profile.phone_masked,
                profile.name,
                profile.id_last4,
                rfc3339(&Utc::now()),
            ],
        )?;
        Ok(())
    }

    // --- pending challenge ---

    pub fn pending(&self) -> Result<Option<StoredPending>> {
        let row = self
            .conn
            .query_row(
                "SELECT challenge_id, purpose, phone_masked, expires_at, device_signing_key
                 FROM pending_challenge WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        Zeroizing::new(r.get::<_, Vec<u8>>(4)?),
                    ))
                },
            )
            .optional()?;
        let Some((challenge_id, purpose, phone_masked, expires_at, key)) = row else {
            return Ok(None);
        };
        let purpose = match purpose.as_str() {
            "signup" => ChallengePurpose::Signup,
            "login" => ChallengePurpose::Login,
            _ => return Err(StoreError::Corrupt("unknown challenge purpose".into())),
        };
        let expires_at = DateTime::parse_from_rfc3339(&expires_at)
            .map_err(|_| StoreError::Corrupt("challenge expiry is not a time".into()))?
            .with_timezone(&Utc);
        Ok(Some(StoredPending {
            challenge_id,
            purpose,
            phone_masked,
            expires_at,
            device_key: DeviceKey::from_blob(&key)?,
        }))
    }

    /// Replaces any earlier pending challenge.
    pub fn save_pending(&self, p: &StoredPending) -> Result<()> {
        let secret = Zeroizing::new(p.device_key.signing_key().to_bytes());
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_challenge
                 (id, challenge_id, purpose, phone_masked, expires_at, device_signing_key, created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                p.challenge_id,
                purpose_str(p.purpose),
                p.phone_masked,
                rfc3339(&p.expires_at),
                secret.as_slice(),
                rfc3339(&Utc::now()),
            ],
        )?;
        Ok(())
    }

    pub fn clear_pending(&self) -> Result<()> {
        self.conn.execute("DELETE FROM pending_challenge", [])?;
        Ok(())
    }

    // --- settings ---

    pub fn setting<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>> {
        let raw: Option<String> = self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?;
        raw.map(|v| {
            serde_json::from_str(&v)
                .map_err(|_| StoreError::Corrupt(format!("setting {key} has an unexpected shape")))
        })
        .transpose()
    }

    #[cfg_attr(not(test), allow(dead_code))]
    pub fn set_setting<T: Serialize>(&self, key: &str, value: &T) -> Result<()> {
        let v = serde_json::to_string(value)
            .map_err(|e| StoreError::Corrupt(format!("setting {key} not serialisable: {e}")))?;
        self.conn.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![key, v, rfc3339(&Utc::now())],
        )?;
        Ok(())
    }

    /// Deletes this profile from the device: database (+ WAL files), the key entry, `profile.id`.
    /// Everything is attempted; the first failure is reported.
    pub fn wipe(self, secrets: &dyn SecretStore) -> Result<()> {
        let Self {
            conn,
            profile_id,
            paths,
        } = self;
        if let Err((_, e)) = conn.close() {
            tracing::warn!(error = %e, "closing the store before wiping failed");
        }
        let mut first_err: Option<StoreError> = None;
        for f in paths.db_files() {
            match fs::remove_file(&f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => {
                    first_err.get_or_insert(e.into());
                }
            }
        }
        if let Err(e) = secrets.delete(&key_entry_name(&profile_id)) {
            tracing::warn!(error = %e, "could not delete the store key while wiping");
            first_err.get_or_insert(e.into());
        }
        match fs::remove_file(&paths.profile_id) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                first_err.get_or_insert(e.into());
            }
        }
        tracing::info!("wiped the local profile");
        first_err.map_or(Ok(()), Err)
    }

    #[cfg(test)]
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }
}

fn profile_id_well_formed(id: &str) -> bool {
    id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Opens `path` with a raw SQLCipher key and proves the key right with a first read.
fn open_keyed(path: &Path, key: &[u8; KEY_LEN], flags: OpenFlags) -> Result<Connection> {
    let conn = Connection::open_with_flags(path, flags)?;
    // SQLCipher logs HMAC failures to stderr by default; a wrong key is reported by us instead.
    conn.execute_batch("PRAGMA cipher_log_level = NONE;")?;
    let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\";", hex::encode(key)));
    // The statement text holds the key: its error is never passed on.
    conn.execute_batch(&pragma)
        .map_err(|_| StoreError::Corrupt("the database key could not be applied".into()))?;
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| {
        r.get::<_, i64>(0)
    }) {
        Ok(_) => Ok(conn),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::NotADatabase =>
        {
            Err(StoreError::KeyWrong)
        }
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.code == rusqlite::ErrorCode::DatabaseCorrupt =>
        {
            Err(StoreError::Corrupt("SQLite reports corruption".into()))
        }
        Err(e) => Err(e.into()),
    }
}

/// The schema version, refusing one this build does not know.
fn schema_version(conn: &Connection) -> Result<usize> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = MIGRATIONS.len();
    match usize::try_from(found) {
        Ok(v) if v <= known => Ok(v),
        Ok(_) => Err(StoreError::TooNew { found, known }),
        Err(_) => Err(StoreError::Corrupt("negative schema version".into())),
    }
}

/// Brings the schema from `current` to the newest version, one step per transaction.
fn migrate(conn: &Connection, current: usize) -> Result<()> {
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let version = index + 1;
        let step = || -> rusqlite::Result<()> {
            conn.execute_batch("BEGIN IMMEDIATE")?;
            let r = conn
                .execute_batch(sql)
                .and_then(|()| conn.pragma_update(None, "user_version", version as i64));
            match r {
                Ok(()) => conn.execute_batch("COMMIT"),
                Err(e) => {
                    let _ = conn.execute_batch("ROLLBACK");
                    Err(e)
                }
            }
        };
        step().map_err(|source| StoreError::Migration { version, source })?;
        tracing::info!(version, "migrated the local database");
    }
    Ok(())
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

fn restrict_permissions(file: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs::set_permissions(file, fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

/// Writes a small file atomically (temp file + rename), readable only by the user.
fn write_private_file(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        f.sync_all()?;
    }
    restrict_permissions(&tmp)?;
    fs::rename(&tmp, path)
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use super::*;

    /// In-memory stand-in for the platform secret store (tests only).
    #[derive(Default)]
    pub(crate) struct FakeSecrets {
        pub entries: Mutex<HashMap<String, Vec<u8>>>,
        pub unavailable: std::sync::atomic::AtomicBool,
    }

    impl FakeSecrets {
        fn check(&self) -> Result<(), SecretStoreError> {
            if self.unavailable.load(std::sync::atomic::Ordering::SeqCst) {
                Err(SecretStoreError::Unavailable(
                    "fake store switched off".into(),
                ))
            } else {
                Ok(())
            }
        }
    }

    impl SecretStore for FakeSecrets {
        fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
            self.check()?;
            Ok(self.entries.lock().unwrap().get(name).cloned())
        }
        fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
            self.check()?;
            self.entries
                .lock()
                .unwrap()
                .insert(name.into(), secret.to_vec());
            Ok(())
        }
        fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
            self.check()?;
            self.entries.lock().unwrap().remove(name);
            Ok(())
        }
    }

    fn sample_profile() -> Profile {
        Profile {
            account_id: "acc_1".into(),
            device_id: "dev_1".into(),
            phone: "+8613812345678".into(),
            phone_masked: "+86 138****5678".into(),
            name: "李明".into(),
            id_last4: "002X".into(),
        }
    }

    fn new_store() -> (tempfile::TempDir, ProfilePaths, FakeSecrets) {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(&dir.path().join("home"));
        let secrets = FakeSecrets::default();
        let mut store = Store::create(&paths, &secrets).unwrap();
        store
            .enrol(
                &sample_profile(),
                &DeviceKey::generate(),
                "http://127.0.0.1:1",
            )
            .unwrap();
        drop(store);
        (dir, paths, secrets)
    }

    fn the_key_entry(secrets: &FakeSecrets) -> String {
        let entries = secrets.entries.lock().unwrap();
        assert_eq!(entries.len(), 1);
        entries.keys().next().unwrap().clone()
    }

    #[test]
    fn open_without_database_creates_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(&dir.path().join("home"));
        assert!(Store::open_existing(&paths, &FakeSecrets::default())
            .unwrap()
            .is_none());
        assert!(!paths.home.exists());
    }

    #[test]
    fn round_trip_with_the_right_key() {
        let (_dir, paths, secrets) = new_store();
        let entry = the_key_entry(&secrets);
        let id = fs::read_to_string(&paths.profile_id).unwrap();
        assert_eq!(entry, format!("store-key:{id}"));
        assert_eq!(secrets.entries.lock().unwrap()[&entry].len(), 32);
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        assert_eq!(store.profile().unwrap().unwrap(), sample_profile());
        assert!(store.device_key().unwrap().is_some());
        let server: Option<String> = store.setting(SETTING_ENROLLED_SERVER).unwrap();
        assert_eq!(server.as_deref(), Some("http://127.0.0.1:1"));
        let mode: String = store
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn wrong_key_is_key_wrong_and_file_untouched() {
        let (_dir, paths, secrets) = new_store();
        let before = fs::read(&paths.db).unwrap();
        let entry = the_key_entry(&secrets);
        secrets
            .entries
            .lock()
            .unwrap()
            .insert(entry, vec![0x42; 32]);
        let err = Store::open_existing(&paths, &secrets).unwrap_err();
        assert!(matches!(err, StoreError::KeyWrong), "{err:?}");
        assert_eq!(fs::read(&paths.db).unwrap(), before);
        // A key of the wrong length is wrong too, and still touches nothing.
        let entry = the_key_entry(&secrets);
        secrets.entries.lock().unwrap().insert(entry, vec![1; 5]);
        assert!(matches!(
            Store::open_existing(&paths, &secrets).unwrap_err(),
            StoreError::KeyWrong
        ));
        assert_eq!(fs::read(&paths.db).unwrap(), before);
    }

    #[test]
    fn missing_key_is_key_missing_and_nothing_is_recreated() {
        let (_dir, paths, secrets) = new_store();
        let before = fs::read(&paths.db).unwrap();
        secrets.entries.lock().unwrap().clear();
        let err = Store::open_existing(&paths, &secrets).unwrap_err();
        assert!(matches!(err, StoreError::KeyMissing(_)), "{err:?}");
        assert_eq!(fs::read(&paths.db).unwrap(), before);
        assert!(
            secrets.entries.lock().unwrap().is_empty(),
            "no new key was made"
        );
        // Creating over it is refused as well.
        assert!(Store::create(&paths, &secrets).is_err());
        assert_eq!(fs::read(&paths.db).unwrap(), before);
    }

    #[test]
    fn missing_profile_id_is_key_missing() {
        let (_dir, paths, secrets) = new_store();
        fs::remove_file(&paths.profile_id).unwrap();
        assert!(matches!(
            Store::open_existing(&paths, &secrets).unwrap_err(),
            StoreError::KeyMissing(_)
        ));
    }

    #[test]
    fn unavailable_secret_store_is_reported_as_such() {
        let (_dir, paths, secrets) = new_store();
        secrets
            .unavailable
            .store(true, std::sync::atomic::Ordering::SeqCst);
        assert!(matches!(
            Store::open_existing(&paths, &secrets).unwrap_err(),
            StoreError::Secret(SecretStoreError::Unavailable(_))
        ));
    }

    #[test]
    fn file_is_unreadable_without_the_key() {
        let (_dir, paths, _secrets) = new_store();
        let bytes = fs::read(&paths.db).unwrap();
        assert!(!bytes.starts_with(b"SQLite format 3\0"));
        let needle = "13812345678".as_bytes();
        assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        // What a plain sqlite3 does: open without a key and read.
        let plain =
            Connection::open_with_flags(&paths.db, OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        let err = plain
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
                r.get::<_, i64>(0)
            })
            .unwrap_err();
        assert_eq!(
            err.sqlite_error_code(),
            Some(rusqlite::ErrorCode::NotADatabase)
        );
    }

    #[test]
    fn wipe_removes_everything() {
        let (_dir, paths, secrets) = new_store();
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        store.wipe(&secrets).unwrap();
        for f in paths.db_files() {
            assert!(!f.exists(), "{}", f.display());
        }
        assert!(!paths.profile_id.exists());
        assert!(secrets.entries.lock().unwrap().is_empty());
    }

    #[test]
    fn pending_round_trip_and_settings() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(dir.path());
        let secrets = FakeSecrets::default();
        let store = Store::create(&paths, &secrets).unwrap();
        let key = DeviceKey::generate();
        let public = key.signing_key().verifying_key();
        let expires_at = DateTime::parse_from_rfc3339("2030-01-02T03:04:05Z")
            .unwrap()
            .with_timezone(&Utc);
        store
            .save_pending(&StoredPending {
                challenge_id: "ch_1".into(),
                purpose: ChallengePurpose::Login,
                phone_masked: "+86 138****5678".into(),
                expires_at,
                device_key: key,
            })
            .unwrap();
        let p = store.pending().unwrap().unwrap();
        assert_eq!(p.challenge_id, "ch_1");
        assert_eq!(p.public().expires_at, "2030-01-02T03:04:05Z");
        assert_eq!(p.device_key.signing_key().verifying_key(), public);
        store.set_setting("language", &"zh-CN").unwrap();
        assert_eq!(
            store.setting::<String>("language").unwrap().as_deref(),
            Some("zh-CN")
        );
        store.clear_pending().unwrap();
        assert!(store.pending().unwrap().is_none());
    }

    /// A database frozen at schema v1 (made with migration 1's SQL only) opens with the current
    /// code, migrates to the newest version and keeps its data.
    #[test]
    fn v1_database_migrates() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(dir.path());
        let secrets = FakeSecrets::default();
        let profile_id = "0123456789abcdef0123456789abcdef";
        let key = [0x5au8; KEY_LEN];
        secrets.set(&key_entry_name(profile_id), &key).unwrap();
        fs::write(&paths.profile_id, profile_id).unwrap();
        {
            let conn = Connection::open(&paths.db).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
                .unwrap();
            conn.execute_batch(MIGRATIONS[0]).unwrap();
            conn.execute_batch(
                "INSERT INTO profile VALUES (1, 'acc_1', 'dev_1', '+8613812345678',
                    '+86 138****5678', '李明', '002X', zeroblob(32),
                    '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
                 PRAGMA user_version = 1;",
            )
            .unwrap();
        }
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        assert_eq!(store.profile().unwrap().unwrap(), sample_profile());
        // 0002 recorded that the enrolment server is unknown for this old profile.
        let server: Option<Option<String>> = store.setting(SETTING_ENROLLED_SERVER).unwrap();
        assert_eq!(server, Some(None));
        store.set_setting("language", &"en").unwrap();
    }

    #[test]
    fn newer_schema_is_refused_untouched() {
        let (_dir, paths, secrets) = new_store();
        {
            let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
            store
                .conn()
                .pragma_update(None, "user_version", 99)
                .unwrap();
        }
        let before = fs::read(&paths.db).unwrap();
        assert!(matches!(
            Store::open_existing(&paths, &secrets).unwrap_err(),
            StoreError::TooNew { found: 99, .. }
        ));
        // The first open switched to WAL and checkpointed on close; the refused open wrote nothing.
        assert_eq!(fs::read(&paths.db).unwrap(), before);
    }
}
