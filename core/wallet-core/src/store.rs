//! The encrypted local store: one SQLCipher database per profile at `<home>/wallet.db`.
//!
//! The database key is 32 random bytes used as a raw SQLCipher key (no PBKDF2 on every open),
//! kept only in the platform secret store under `store-key:<profile-id>`. The profile id is not
//! secret; it sits in `<home>/profile.id` so the key entry can be found.
//!
//! This module must never recreate, overwrite or "repair" an existing database: a missing or
//! wrong key is an error and the file stays byte-for-byte as it was. It never stores a password,
//! PIN, OTP, a full ID number or a full card number (cards are kept by their last 4 digits).

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
use wallet_protocol::paycode::PaycodeSeed;
use zeroize::Zeroizing;

use crate::secret_store::{SecretStore, SecretStoreError};
use crate::types::{
    Balance, Card, ChallengePurpose, Currency, Money, MoneyLimits, Operation, PendingCardBinding,
    PendingVerification, Profile,
};

pub(crate) const DB_FILE: &str = "wallet.db";
pub(crate) const PROFILE_ID_FILE: &str = "profile.id";
const KEY_LEN: usize = 32;

/// Schema steps, in order: index `i` upgrades the database from version `i` to `i + 1`.
pub(crate) const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_settings.sql"),
    include_str!("../migrations/0003_cards.sql"),
    include_str!("../migrations/0004_payments.sql"),
    include_str!("../migrations/0005_events.sql"),
    include_str!("../migrations/0006_history.sql"),
    include_str!("../migrations/0007_sources.sql"),
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
        ChallengePurpose::PinReset => "pin_reset",
        ChallengePurpose::PhoneChange => "phone_change",
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

    /// Completes enrolment: the profile with its device key (and the payment-code seed the
    /// server provisioned, when it sent one) replaces the pending challenge.
    pub fn enrol(
        &mut self,
        profile: &Profile,
        key: &DeviceKey,
        server_url: &str,
        paycode_seed: Option<&PaycodeSeed>,
    ) -> Result<()> {
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
        if let Some(seed) = paycode_seed {
            save_paycode_seed(&tx, seed, &now)?;
        }
        tx.commit()?;
        Ok(())
    }

    // --- payment-code seed ---

    /// Keeps this device's payment-code seed, replacing any earlier one.
    pub fn save_paycode_seed(&self, seed: &PaycodeSeed) -> Result<()> {
        save_paycode_seed(&self.conn, seed, &rfc3339(&Utc::now()))
    }

    /// The payment-code seed, or `None` when this device has not been given one yet.
    pub fn paycode_seed(&self) -> Result<Option<PaycodeSeed>> {
        let blob: Option<Zeroizing<Vec<u8>>> = self
            .conn
            .query_row("SELECT seed FROM paycode_seed WHERE id = 1", [], |r| {
                r.get::<_, Vec<u8>>(0).map(Zeroizing::new)
            })
            .optional()?;
        blob.map(|b| {
            let bytes: Zeroizing<[u8; 32]> =
                Zeroizing::new(b.as_slice().try_into().map_err(|_| {
                    StoreError::Corrupt("payment-code seed has the wrong length".into())
                })?);
            Ok(PaycodeSeed::from_bytes(*bytes))
        })
        .transpose()
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

    // --- device events (issue 5) ---

    /// The device-event feed's cursor: the last event handed to the listener (0 at first).
    pub fn event_cursor(&self) -> Result<i64> {
        let c: Option<i64> = self
            .conn
            .query_row("SELECT cursor FROM event_cursor WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(c.unwrap_or(0))
    }

    /// Stores the cursor; it only moves forward (a late answer cannot replay events).
    pub fn save_event_cursor(&self, cursor: i64) -> Result<()> {
        if cursor < 0 {
            return Err(StoreError::Corrupt("negative event cursor".into()));
        }
        self.conn.execute(
            "INSERT INTO event_cursor (id, cursor, updated_at) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET cursor = MAX(cursor, excluded.cursor),
                 updated_at = excluded.updated_at",
            params![cursor, rfc3339(&Utc::now())],
        )?;
        Ok(())
    }

    // --- cards, PIN reset, operations, balance (caches of what the server said) ---

    /// Replaces the cached card list with the server's, keeping its order.
    pub fn replace_cards(&self, cards: &[Card]) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        tx.execute("DELETE FROM cards", [])?;
        for (position, card) in cards.iter().enumerate() {
            insert_card(&tx, card, position as i64)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds or updates one card (a new one goes first, as the most recently bound). A default
    /// card makes every other card non-default.
    pub fn upsert_card(&self, card: &Card) -> Result<()> {
        let tx = self.conn.unchecked_transaction()?;
        let position: Option<i64> = tx
            .query_row(
                "SELECT position FROM cards WHERE card_id = ?1",
                [&card.card_id],
                |r| r.get(0),
            )
            .optional()?;
        let position = match position {
            Some(p) => p,
            None => tx.query_row(
                "SELECT coalesce(min(position), 0) - 1 FROM cards",
                [],
                |r| r.get(0),
            )?,
        };
        if card.is_default {
            tx.execute("UPDATE cards SET is_default = 0", [])?;
        }
        insert_card(&tx, card, position)?;
        tx.commit()?;
        Ok(())
    }

    pub fn remove_card(&self, card_id: &str) -> Result<()> {
        self.conn
            .execute("DELETE FROM cards WHERE card_id = ?1", [card_id])?;
        Ok(())
    }

    /// The cached cards: the default first, then in the server's order.
    pub fn cards(&self) -> Result<Vec<Card>> {
        let mut stmt = self.conn.prepare(
            "SELECT card_id, bank, scheme, card_type, last4, status, is_default, bound_at
             FROM cards ORDER BY is_default DESC, position, card_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, Option<String>>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, bool>(6)?,
                r.get::<_, String>(7)?,
            ))
        })?;
        let mut cards = Vec::new();
        for row in rows {
            let (card_id, bank, scheme, card_type, last4, status, is_default, bound_at) = row?;
            cards.push(Card {
                card_id,
                bank: bank.map(|b| from_text(&b, "bank")).transpose()?,
                scheme: from_text(&scheme, "card scheme")?,
                card_type: from_text(&card_type, "card type")?,
                last4,
                status: from_text(&status, "card status")?,
                is_default,
                bound_at,
            });
        }
        Ok(cards)
    }

    /// Keeps the card binding waiting for the bank's code (replacing any earlier one).
    pub fn save_card_binding(&self, p: &PendingCardBinding) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_card_binding
                 (id, binding_id, phone_masked, expires_at, bank, scheme, card_type, last4,
                  created_at)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                p.binding_id,
                p.phone_masked,
                p.expires_at,
                p.bank.as_ref().map(to_text).transpose()?,
                to_text(&p.scheme)?,
                to_text(&p.card_type)?,
                p.last4,
                rfc3339(&Utc::now()),
            ],
        )?;
        Ok(())
    }

    pub fn card_binding(&self) -> Result<Option<PendingCardBinding>> {
        let row = self
            .conn
            .query_row(
                "SELECT binding_id, phone_masked, expires_at, bank, scheme, card_type, last4
                 FROM pending_card_binding WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?;
        let Some((binding_id, phone_masked, expires_at, bank, scheme, card_type, last4)) = row
        else {
            return Ok(None);
        };
        Ok(Some(PendingCardBinding {
            binding_id,
            phone_masked,
            expires_at,
            bank: bank.map(|b| from_text(&b, "bank")).transpose()?,
            scheme: from_text(&scheme, "card scheme")?,
            card_type: from_text(&card_type, "card type")?,
            last4,
        }))
    }

    pub fn clear_card_binding(&self) -> Result<()> {
        self.conn.execute("DELETE FROM pending_card_binding", [])?;
        Ok(())
    }

    /// Keeps the PIN reset waiting for its SMS code (replacing any earlier one).
    pub fn save_pin_reset(&self, p: &StoredPinReset) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO pending_pin_reset
                 (id, challenge_id, phone_masked, expires_at, created_at)
             VALUES (1, ?1, ?2, ?3, ?4)",
            params![
                p.challenge_id,
                p.phone_masked,
                rfc3339(&p.expires_at),
                rfc3339(&Utc::now()),
            ],
        )?;
        Ok(())
    }

    pub fn pin_reset(&self) -> Result<Option<StoredPinReset>> {
        let row = self
            .conn
            .query_row(
                "SELECT challenge_id, phone_masked, expires_at FROM pending_pin_reset WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        let Some((challenge_id, phone_masked, expires_at)) = row else {
            return Ok(None);
        };
        Ok(Some(StoredPinReset {
            challenge_id,
            phone_masked,
            expires_at: parse_time(&expires_at, "PIN reset expiry")?,
        }))
    }

    pub fn clear_pin_reset(&self) -> Result<()> {
        self.conn.execute("DELETE FROM pending_pin_reset", [])?;
        Ok(())
    }

    /// Adds an operation or updates its status.
    pub fn upsert_operation(&self, op: &Operation) -> Result<()> {
        upsert_operation(&self.conn, op)
    }

    /// The newest `limit` operations, newest first.
    pub fn operations(&self, limit: usize) -> Result<Vec<Operation>> {
        let mut stmt = self.conn.prepare(
            "SELECT operation_id, kind, status, amount_minor, fee_minor, currency, card_id,
                    card_last4, bank, merchant_id, merchant_name, mcc, order_id, channel,
                    failure_code, created_at, updated_at, counterparty_name_masked,
                    counterparty_phone_masked, note, seq, source
             FROM operations ORDER BY created_at DESC, operation_id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([i64::try_from(limit).unwrap_or(i64::MAX)], |r| {
            Ok(RawOperation {
                operation_id: r.get(0)?,
                kind: r.get(1)?,
                status: r.get(2)?,
                amount_minor: r.get(3)?,
                fee_minor: r.get(4)?,
                currency: r.get(5)?,
                card_id: r.get(6)?,
                card_last4: r.get(7)?,
                bank: r.get(8)?,
                merchant_id: r.get(9)?,
                merchant_name: r.get(10)?,
                mcc: r.get(11)?,
                order_id: r.get(12)?,
                channel: r.get(13)?,
                failure_code: r.get(14)?,
                created_at: r.get(15)?,
                updated_at: r.get(16)?,
                counterparty_name_masked: r.get(17)?,
                counterparty_phone_masked: r.get(18)?,
                note: r.get(19)?,
                seq: r.get(20)?,
                source: r.get(21)?,
            })
        })?;
        let mut ops = Vec::new();
        for row in rows {
            ops.push(row?.into_operation()?);
        }
        Ok(ops)
    }

    /// Records what the server just confirmed: the balance, today's limits and the operations
    /// it listed, in one transaction.
    pub fn save_balance(
        &self,
        balance: Money,
        limits: &MoneyLimits,
        operations: &[Operation],
        as_of: &str,
    ) -> Result<()> {
        let limits = serde_json::to_string(limits)
            .map_err(|e| StoreError::Corrupt(format!("limits not serialisable: {e}")))?;
        let tx = self.conn.unchecked_transaction()?;
        tx.execute(
            "INSERT OR REPLACE INTO balance_cache (id, balance_minor, currency, limits, as_of)
             VALUES (1, ?1, ?2, ?3, ?4)",
            params![balance.minor, balance.currency.code(), limits, as_of],
        )?;
        for op in operations {
            upsert_operation(&tx, op)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// The last confirmed balance with the newest `limit` cached operations, marked stale;
    /// `None` before the first successful `balance`.
    pub fn cached_balance(&self, limit: usize) -> Result<Option<Balance>> {
        let row = self
            .conn
            .query_row(
                "SELECT balance_minor, currency, limits, as_of FROM balance_cache WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                    ))
                },
            )
            .optional()?;
        let Some((minor, currency, limits, as_of)) = row else {
            return Ok(None);
        };
        let limits: MoneyLimits = serde_json::from_str(&limits)
            .map_err(|_| StoreError::Corrupt("cached limits have an unexpected shape".into()))?;
        Ok(Some(Balance {
            balance: Money::new(minor, currency_from(&currency)?),
            operations: self.operations(limit)?,
            limits,
            as_of,
            stale: true,
        }))
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

    /// The connection, for the history module's queries.
    pub(crate) fn db(&self) -> &Connection {
        &self.conn
    }
}

/// A PIN reset waiting for its SMS code, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredPinReset {
    pub challenge_id: String,
    pub phone_masked: String,
    pub expires_at: DateTime<Utc>,
}

fn insert_card(conn: &Connection, card: &Card, position: i64) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO cards
             (card_id, bank, scheme, card_type, last4, status, is_default, bound_at, position,
              synced_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            card.card_id,
            card.bank.as_ref().map(to_text).transpose()?,
            to_text(&card.scheme)?,
            to_text(&card.card_type)?,
            card.last4,
            to_text(&card.status)?,
            card.is_default,
            card.bound_at,
            position,
            rfc3339(&Utc::now()),
        ],
    )?;
    Ok(())
}

fn upsert_operation(conn: &Connection, op: &Operation) -> Result<()> {
    conn.execute(
        "INSERT OR REPLACE INTO operations
             (operation_id, kind, status, amount_minor, fee_minor, currency, card_id, card_last4,
              bank, merchant_id, merchant_name, mcc, order_id, channel, failure_code, created_at,
              updated_at, counterparty_name_masked, counterparty_phone_masked, note, seq, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
                 ?19, ?20, ?21, ?22)",
        params![
            op.operation_id,
            to_text(&op.kind)?,
            to_text(&op.status)?,
            op.amount.minor,
            op.fee.minor,
            op.amount.currency.code(),
            op.card_id,
            op.card_last4,
            op.bank.as_ref().map(to_text).transpose()?,
            op.merchant_id,
            op.merchant_name,
            op.mcc,
            op.order_id,
            op.channel.as_ref().map(to_text).transpose()?,
            op.failure_code.as_ref().map(to_text).transpose()?,
            op.created_at,
            op.updated_at,
            op.counterparty_name_masked,
            op.counterparty_phone_masked,
            op.note,
            op.seq,
            op.source,
        ],
    )?;
    Ok(())
}

fn save_paycode_seed(conn: &Connection, seed: &PaycodeSeed, now: &str) -> Result<()> {
    use base64::Engine as _;
    // The seed's one byte form; the copy is wiped when dropped.
    let bytes = Zeroizing::new(
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(Zeroizing::new(seed.to_base64()).as_bytes())
            .map_err(|_| StoreError::Corrupt("payment-code seed is not base64".into()))?,
    );
    conn.execute(
        "INSERT OR REPLACE INTO paycode_seed (id, seed, issued_at) VALUES (1, ?1, ?2)",
        params![bytes.as_slice(), now],
    )?;
    Ok(())
}

/// An `operations` row before its text columns are checked.
struct RawOperation {
    operation_id: String,
    kind: String,
    status: String,
    amount_minor: i64,
    fee_minor: i64,
    currency: String,
    card_id: Option<String>,
    card_last4: Option<String>,
    bank: Option<String>,
    merchant_id: Option<String>,
    merchant_name: Option<String>,
    mcc: Option<String>,
    order_id: Option<String>,
    channel: Option<String>,
    failure_code: Option<String>,
    created_at: String,
    updated_at: String,
    counterparty_name_masked: Option<String>,
    counterparty_phone_masked: Option<String>,
    note: Option<String>,
    seq: i64,
    source: Option<String>,
}

impl RawOperation {
    fn into_operation(self) -> Result<Operation> {
        let currency = currency_from(&self.currency)?;
        Ok(Operation {
            operation_id: self.operation_id,
            kind: from_text(&self.kind, "operation kind")?,
            status: from_text(&self.status, "operation status")?,
            amount: Money::new(self.amount_minor, currency),
            fee: Money::new(self.fee_minor, currency),
            card_id: self.card_id,
            card_last4: self.card_last4,
            bank: self.bank.map(|b| from_text(&b, "bank")).transpose()?,
            merchant_id: self.merchant_id,
            merchant_name: self.merchant_name,
            mcc: self.mcc,
            order_id: self.order_id,
            channel: self
                .channel
                .map(|c| from_text(&c, "payment channel"))
                .transpose()?,
            // A code this build does not know (from a newer server) is dropped, not fatal.
            failure_code: self
                .failure_code
                .and_then(|c| from_text(&c, "error code").ok()),
            counterparty_name_masked: self.counterparty_name_masked,
            counterparty_phone_masked: self.counterparty_phone_masked,
            note: self.note,
            seq: self.seq,
            source: self.source,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// An enum's wire form (`"unionpay"`, `"CMB"`, `"CARD_DECLINED"`) as stored in a TEXT column.
fn to_text<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt("a value is not stored as text".into())),
    }
}

fn from_text<T: DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown {what} in the local database")))
}

fn currency_from(code: &str) -> Result<Currency> {
    Currency::from_code(code)
        .ok_or_else(|| StoreError::Corrupt("unknown currency in the local database".into()))
}

fn parse_time(text: &str, what: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("{what} is not a time")))
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
                None,
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
        // 0003's caches exist and start empty.
        assert!(store.cards().unwrap().is_empty());
        assert!(store.cached_balance(20).unwrap().is_none());
        assert!(store.card_binding().unwrap().is_none());
        assert!(store.pin_reset().unwrap().is_none());
        store.upsert_card(&sample_card("card_1", true)).unwrap();
    }

    pub(crate) fn sample_card(id: &str, is_default: bool) -> Card {
        Card {
            card_id: id.into(),
            bank: Some(crate::types::Bank::Cmb),
            scheme: crate::types::CardScheme::Unionpay,
            card_type: crate::types::CardType::Debit,
            last4: "1234".into(),
            status: crate::types::CardStatus::Active,
            is_default,
            bound_at: "2030-01-02T03:04:05Z".into(),
        }
    }

    pub(crate) fn sample_operation(id: &str, created_at: &str) -> Operation {
        Operation {
            operation_id: id.into(),
            kind: crate::types::OperationKind::Withdrawal,
            status: crate::types::OperationStatus::Succeeded,
            amount: Money::cny(3000),
            fee: Money::cny(30),
            card_id: Some("card_1".into()),
            card_last4: Some("1234".into()),
            bank: Some(crate::types::Bank::Cmb),
            merchant_id: None,
            merchant_name: None,
            mcc: None,
            order_id: None,
            channel: None,
            failure_code: None,
            counterparty_name_masked: None,
            counterparty_phone_masked: None,
            note: None,
            seq: 0,
            created_at: created_at.into(),
            updated_at: created_at.into(),
            source: None,
        }
    }

    pub(crate) fn sample_payment(id: &str, created_at: &str) -> Operation {
        Operation {
            operation_id: id.into(),
            kind: crate::types::OperationKind::Payment,
            status: crate::types::OperationStatus::Succeeded,
            amount: Money::cny(1250),
            fee: Money::cny(0),
            card_id: None,
            card_last4: None,
            bank: None,
            merchant_id: Some("mch_1".into()),
            merchant_name: Some("Lucky Noodles".into()),
            mcc: Some("5812".into()),
            order_id: Some("ord_1".into()),
            channel: Some(crate::types::PaymentChannel::StaticQr),
            failure_code: None,
            counterparty_name_masked: None,
            counterparty_phone_masked: None,
            note: None,
            seq: 0,
            created_at: created_at.into(),
            updated_at: created_at.into(),
            source: None,
        }
    }

    fn open_enrolled() -> (tempfile::TempDir, Store) {
        let (dir, paths, secrets) = new_store();
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        (dir, store)
    }

    #[test]
    fn cards_cache_keeps_order_and_one_default() {
        let (_dir, store) = open_enrolled();
        store
            .replace_cards(&[sample_card("card_a", true), sample_card("card_b", false)])
            .unwrap();
        let ids = |s: &Store| -> Vec<String> {
            s.cards().unwrap().into_iter().map(|c| c.card_id).collect()
        };
        assert_eq!(ids(&store), ["card_a", "card_b"]);
        // A newly bound card goes before the other non-default ones.
        store.upsert_card(&sample_card("card_c", false)).unwrap();
        assert_eq!(ids(&store), ["card_a", "card_c", "card_b"]);
        // Making one default clears the others.
        store.upsert_card(&sample_card("card_b", true)).unwrap();
        let cards = store.cards().unwrap();
        assert_eq!(cards[0].card_id, "card_b");
        assert_eq!(cards.iter().filter(|c| c.is_default).count(), 1);
        store.remove_card("card_b").unwrap();
        assert_eq!(ids(&store), ["card_c", "card_a"]);
        store.replace_cards(&[]).unwrap();
        assert!(store.cards().unwrap().is_empty());
    }

    #[test]
    fn a_full_card_number_cannot_be_stored() {
        let (_dir, store) = open_enrolled();
        let mut card = sample_card("card_a", false);
        card.last4 = "6225880137706868".into();
        assert!(store.upsert_card(&card).is_err());
        card.last4 = "12a4".into();
        assert!(store.upsert_card(&card).is_err());
        let mut op = sample_operation("op_1", "2030-01-01T00:00:00Z");
        op.card_last4 = Some("4111111111111111".into());
        assert!(store.upsert_operation(&op).is_err());
        op.card_last4 = Some(String::new());
        assert!(store.upsert_operation(&op).is_err());
        // An operation of a card unbound since has no last 4 digits at all.
        op.card_last4 = None;
        store.upsert_operation(&op).unwrap();
    }

    #[test]
    fn pending_card_binding_and_pin_reset_round_trip() {
        let (_dir, store) = open_enrolled();
        let binding = PendingCardBinding {
            binding_id: "bind_1".into(),
            phone_masked: "+86 138****5678".into(),
            expires_at: "2030-01-02T03:04:05Z".into(),
            bank: None,
            scheme: crate::types::CardScheme::Visa,
            card_type: crate::types::CardType::Credit,
            last4: "1111".into(),
        };
        store.save_card_binding(&binding).unwrap();
        assert_eq!(store.card_binding().unwrap(), Some(binding));
        store.clear_card_binding().unwrap();
        assert_eq!(store.card_binding().unwrap(), None);

        let reset = StoredPinReset {
            challenge_id: "ch_9".into(),
            phone_masked: "+86 138****5678".into(),
            expires_at: parse_time("2030-01-02T03:04:05Z", "t").unwrap(),
        };
        store.save_pin_reset(&reset).unwrap();
        assert_eq!(store.pin_reset().unwrap(), Some(reset));
        store.clear_pin_reset().unwrap();
        assert_eq!(store.pin_reset().unwrap(), None);
    }

    #[test]
    fn balance_cache_with_operations_newest_first() {
        let (_dir, store) = open_enrolled();
        let limits = MoneyLimits {
            topup_per_payment: Money::cny(5_000_000),
            topup_daily_remaining: Money::cny(4_990_000),
            withdraw_per_payment: Money::cny(5_000_000),
            withdraw_daily_remaining: Money::cny(5_000_000),
        };
        let older = sample_operation("op_1", "2030-01-01T00:00:00Z");
        let mut newer = sample_operation("op_2", "2030-01-01T00:00:05Z");
        newer.status = crate::types::OperationStatus::Pending;
        store
            .save_balance(
                Money::cny(7000),
                &limits,
                std::slice::from_ref(&older),
                "2030-01-01T00:00:06Z",
            )
            .unwrap();
        store.upsert_operation(&newer).unwrap();
        let cached = store.cached_balance(20).unwrap().unwrap();
        assert!(cached.stale);
        assert_eq!(cached.balance, Money::cny(7000));
        assert_eq!(cached.limits, limits);
        assert_eq!(cached.as_of, "2030-01-01T00:00:06Z");
        assert_eq!(cached.operations, vec![newer.clone(), older.clone()]);
        assert_eq!(
            store.cached_balance(1).unwrap().unwrap().operations.len(),
            1
        );
        // A later answer updates the pending one in place.
        let mut failed = newer;
        failed.status = crate::types::OperationStatus::Failed;
        failed.failure_code = Some(wallet_protocol::ErrorCode::CardDeclined);
        store
            .save_balance(
                Money::cny(7000),
                &limits,
                &[failed.clone()],
                "2030-01-01T00:01:00Z",
            )
            .unwrap();
        assert_eq!(store.operations(20).unwrap(), vec![failed, older]);
    }

    /// A database frozen at schema v3 (migrations 1–3 only, with a top-up and a withdrawal of a
    /// card unbound since) migrates to the newest version: the operations keep every value,
    /// the unbound card's empty last 4 becomes unknown, and payments fit beside them.
    #[test]
    fn v3_database_migrates_operations_and_has_no_seed() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(dir.path());
        let secrets = FakeSecrets::default();
        let profile_id = "0123456789abcdef0123456789abcdef";
        let key = [0x33u8; KEY_LEN];
        secrets.set(&key_entry_name(profile_id), &key).unwrap();
        fs::write(&paths.profile_id, profile_id).unwrap();
        {
            let conn = Connection::open(&paths.db).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
                .unwrap();
            for sql in &MIGRATIONS[..3] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO profile VALUES (1, 'acc_1', 'dev_1', '+8613812345678',
                    '+86 138****5678', '李明', '002X', zeroblob(32),
                    '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
                 INSERT INTO operations VALUES ('op_1', 'topup', 'succeeded', 10000, 0, 'CNY',
                    'card_1', '1234', 'CMB', NULL, '2030-01-01T00:00:00Z', '2030-01-01T00:00:00Z');
                 INSERT INTO operations VALUES ('op_2', 'withdrawal', 'failed', 3000, 30, 'CNY',
                    'card_2', '', NULL, 'CARD_DECLINED', '2030-01-01T00:00:05Z',
                    '2030-01-01T00:00:06Z');
                 PRAGMA user_version = 3;",
            )
            .unwrap();
        }
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        let ops = store.operations(20).unwrap();
        assert_eq!(ops.len(), 2);
        let mut withdrawal = sample_operation("op_2", "2030-01-01T00:00:05Z");
        withdrawal.status = crate::types::OperationStatus::Failed;
        withdrawal.card_id = Some("card_2".into());
        withdrawal.card_last4 = None;
        withdrawal.bank = None;
        withdrawal.failure_code = Some(wallet_protocol::ErrorCode::CardDeclined);
        withdrawal.updated_at = "2030-01-01T00:00:06Z".into();
        assert_eq!(ops[0], withdrawal);
        let mut top_up = sample_operation("op_1", "2030-01-01T00:00:00Z");
        top_up.kind = crate::types::OperationKind::Topup;
        top_up.amount = Money::cny(10_000);
        top_up.fee = Money::cny(0);
        assert_eq!(ops[1], top_up);
        // Enrolled before seeds existed: none until the app fetches one.
        assert!(store.paycode_seed().unwrap().is_none());
        let payment = sample_payment("op_3", "2030-01-02T00:00:00Z");
        store.upsert_operation(&payment).unwrap();
        assert_eq!(store.operations(1).unwrap(), vec![payment]);
        let seed = PaycodeSeed::from_bytes([7; 32]);
        store.save_paycode_seed(&seed).unwrap();
        assert_eq!(store.paycode_seed().unwrap(), Some(seed));
    }

    #[test]
    fn seed_is_kept_at_enrolment_replaced_and_wiped() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(dir.path());
        let secrets = FakeSecrets::default();
        let mut store = Store::create(&paths, &secrets).unwrap();
        let seed = PaycodeSeed::from_bytes([1; 32]);
        store
            .enrol(
                &sample_profile(),
                &DeviceKey::generate(),
                "http://127.0.0.1:1",
                Some(&seed),
            )
            .unwrap();
        assert_eq!(store.paycode_seed().unwrap(), Some(seed));
        let fresh = PaycodeSeed::from_bytes([2; 32]);
        store.save_paycode_seed(&fresh).unwrap();
        assert_eq!(store.paycode_seed().unwrap(), Some(fresh));
        let count: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM paycode_seed", [], |r| r.get(0))
            .unwrap();
        assert_eq!(count, 1);
        store.wipe(&secrets).unwrap();
        assert!(!paths.db.exists());
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

    #[test]
    fn event_cursor_persists_and_only_moves_forward() {
        let (_dir, paths, secrets) = new_store();
        {
            let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
            assert_eq!(store.event_cursor().unwrap(), 0);
            store.save_event_cursor(7).unwrap();
            store.save_event_cursor(3).unwrap();
            assert_eq!(store.event_cursor().unwrap(), 7);
            assert!(store.save_event_cursor(-1).is_err());
        }
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        assert_eq!(store.event_cursor().unwrap(), 7);
        store.save_event_cursor(12).unwrap();
        assert_eq!(store.event_cursor().unwrap(), 12);
    }

    /// A database frozen at schema v4 (migrations 1–4, signed in, with a payment-code seed)
    /// migrates to the newest version: profile and seed kept, the event cursor starts at 0.
    #[test]
    fn v4_database_migrates_and_keeps_no_cursor() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(dir.path());
        let secrets = FakeSecrets::default();
        let profile_id = "0123456789abcdef0123456789abcdef";
        let key = [0x44u8; KEY_LEN];
        secrets.set(&key_entry_name(profile_id), &key).unwrap();
        fs::write(&paths.profile_id, profile_id).unwrap();
        {
            let conn = Connection::open(&paths.db).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
                .unwrap();
            for sql in &MIGRATIONS[..4] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO profile VALUES (1, 'acc_1', 'dev_1', '+8613812345678',
                    '+86 138****5678', '李明', '002X', zeroblob(32),
                    '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
                 PRAGMA user_version = 4;",
            )
            .unwrap();
        }
        {
            let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
            let version: i64 = store
                .conn()
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .unwrap();
            assert_eq!(version, MIGRATIONS.len() as i64);
            assert_eq!(store.profile().unwrap().unwrap().device_id, "dev_1");
            assert_eq!(store.event_cursor().unwrap(), 0);
            store.save_event_cursor(42).unwrap();
        }
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        assert_eq!(store.event_cursor().unwrap(), 42);
        store.wipe(&secrets).unwrap();
        assert!(!paths.db.exists());
    }

    #[test]
    fn v5_database_migrates_operations_and_starts_an_empty_history() {
        let dir = tempfile::tempdir().unwrap();
        let paths = ProfilePaths::new(dir.path());
        let secrets = FakeSecrets::default();
        let profile_id = "0123456789abcdef0123456789abcdef";
        let key = [0x55u8; KEY_LEN];
        secrets.set(&key_entry_name(profile_id), &key).unwrap();
        fs::write(&paths.profile_id, profile_id).unwrap();
        {
            let conn = Connection::open(&paths.db).unwrap();
            conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(key)))
                .unwrap();
            for sql in &MIGRATIONS[..5] {
                conn.execute_batch(sql).unwrap();
            }
            conn.execute_batch(
                "INSERT INTO profile VALUES (1, 'acc_1', 'dev_1', '+8613812345678',
                    '+86 138****5678', '李明', '002X', zeroblob(32),
                    '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
                 INSERT INTO operations (operation_id, kind, status, amount_minor, fee_minor,
                    currency, merchant_id, merchant_name, mcc, order_id, channel, created_at,
                    updated_at)
                 VALUES ('op_1', 'payment', 'succeeded', 1250, 0, 'CNY', 'mch_1',
                    'Lucky Noodles', '5812', 'ord_1', 'static_qr', '2025-01-02T00:00:00Z',
                    '2025-01-02T00:00:00Z');
                 PRAGMA user_version = 5;",
            )
            .unwrap();
        }
        let store = Store::open_existing(&paths, &secrets).unwrap().unwrap();
        let version: i64 = store
            .conn()
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version, MIGRATIONS.len() as i64);
        let ops = store.operations(10).unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].merchant_name.as_deref(), Some("Lucky Noodles"));
        assert_eq!((ops[0].seq, ops[0].note.as_deref()), (0, None));
        // Transfers now fit the cache.
        let mut t = sample_operation("op_2", "2025-01-03T00:00:00Z");
        t.kind = crate::types::OperationKind::TransferOut;
        t.card_id = None;
        t.card_last4 = None;
        t.counterparty_name_masked = Some("*明".into());
        t.note = Some("午饭".into());
        t.seq = 3;
        store.upsert_operation(&t).unwrap();
        assert_eq!(store.operations(1).unwrap()[0], t);
        let rows: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM history", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0);
        let cursors: i64 = store
            .conn()
            .query_row("SELECT count(*) FROM history_cursor", [], |r| r.get(0))
            .unwrap();
        assert_eq!(cursors, 0, "no history cursor before the first sync");
    }
}
