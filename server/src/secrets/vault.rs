//! Secrets at rest (docs/rules.md §Storage): envelope encryption under a server master key that
//! is never in the database.
//!
//! - The **master key** (32 random bytes) comes from `--master-key-file`, from
//!   `WALLET_SERVER_MASTER_KEY`, or, in sandbox mode only, from a file the server creates next
//!   to its SQLite database (or under its data directory for PostgreSQL). Its **id** is a
//!   fingerprint (HMAC of a constant): it names the key in the database and in logs without
//!   revealing it.
//! - **Data keys** (32 random bytes each, one per table or use: `accounts`, `challenges`,
//!   `devices`, the PIN pepper `pin`, the look-up key `lookup`) live in the `data_keys` table
//!   wrapped (ChaCha20-Poly1305) by the master key, with the master key's id. Rotating the master
//!   key rewraps these few rows and touches no data ([`DataKeyRow`], `wallet-server keys rewrap`).
//! - A **sealed** value is `enc1:<data key id>:<base64url(nonce ‖ ciphertext ‖ tag)>`, the
//!   associated data binding it to its column and row (`accounts.id_number` of `acc_…`), so a
//!   value copied to another row or column does not open.
//! - **Keyed hashes**: HMAC-SHA256 under a data key, for the payment PIN (the pepper) and for
//!   any look-up that needs equality on a sealed value ([`Keys::lookup_hash`]).
//!
//! Nothing here logs or formats a key or a plaintext.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rand::rngs::OsRng;
use rand::RngCore as _;
use ring::{aead, hmac};
use zeroize::Zeroizing;

/// The environment variable that may hold the master key (base64 or hex of 32 bytes).
pub const MASTER_KEY_ENV: &str = "WALLET_SERVER_MASTER_KEY";
/// The environment variable naming the data directory of a sandbox server without a key.
pub const DATA_DIR_ENV: &str = "WALLET_SERVER_DATA_DIR";
/// Prefix of a sealed value.
const SEALED_PREFIX: &str = "enc1:";
/// Prefix of a peppered PIN hash.
const PIN_PREFIX: &str = "hmac1:";
const NONCE_LEN: usize = aead::NONCE_LEN;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("the master key must be 32 bytes in base64 or hex{0}")]
    BadMasterKey(String),
    #[error("reading the master key file {path}: {source}")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "no master key: pass --master-key-file PATH or set {MASTER_KEY_ENV} (base64 of 32 random \
         bytes, e.g. from `wallet-server keys generate --out PATH`); only --sandbox makes one itself"
    )]
    Missing,
    #[error(
        "the database's data keys are wrapped by master key {found}, not by the one given \
         ({given}): start with that key, or rewrap them with `wallet-server keys rewrap`"
    )]
    WrongMaster { found: String, given: String },
    #[error("data key {0} does not open with the master key (damaged, or another key)")]
    Unwrap(String),
    #[error("a sealed value does not open ({0}): damaged, or moved from another row")]
    Open(String),
    #[error("unknown data key {0}")]
    UnknownDataKey(String),
}

/// The server master key. Never stored in the database, never logged.
#[derive(Clone)]
pub struct MasterKey {
    bytes: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "MasterKey({})", self.id())
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            bytes: Zeroizing::new(bytes),
        }
    }

    /// A new random key.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 32];
        OsRng.fill_bytes(&mut bytes);
        Self::from_bytes(bytes)
    }

    /// Reads the text form: base64 (standard or URL-safe, padded or not) or 64 hex digits of 32
    /// bytes; surrounding whitespace is ignored.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let text = text.trim();
        let decoded = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
            hex::decode(text).ok()
        } else {
            let unpadded = text.trim_end_matches('=');
            URL_SAFE_NO_PAD
                .decode(unpadded)
                .ok()
                .or_else(|| STANDARD.decode(text).ok())
        };
        let decoded = Zeroizing::new(decoded.ok_or_else(|| KeyError::BadMasterKey(String::new()))?);
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| {
            KeyError::BadMasterKey(format!(" (it decodes to {} bytes)", decoded.len()))
        })?;
        Ok(Self::from_bytes(bytes))
    }

    /// The text form written to key files: standard base64 and a newline.
    pub fn to_text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("{}\n", STANDARD.encode(self.bytes.as_slice())))
    }

    pub fn from_file(path: &Path) -> Result<Self, KeyError> {
        let text =
            Zeroizing::new(
                std::fs::read_to_string(path).map_err(|source| KeyError::File {
                    path: path.to_owned(),
                    source,
                })?,
            );
        Self::parse(&text).map_err(|e| match e {
            KeyError::BadMasterKey(why) => {
                KeyError::BadMasterKey(format!("{why}, in {}", path.display()))
            }
            other => other,
        })
    }

    /// Writes this key to a new file readable by its owner only (0600); refuses to overwrite.
    pub fn write_new_file(&self, path: &Path) -> std::io::Result<()> {
        use std::io::Write as _;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(path)?;
        file.write_all(self.to_text().as_bytes())?;
        file.sync_all()
    }

    /// The key's fingerprint: 16 hex digits of HMAC-SHA256(key, a constant). Names the key in the
    /// database and in messages.
    pub fn id(&self) -> String {
        let key = hmac::Key::new(hmac::HMAC_SHA256, self.bytes.as_slice());
        let tag = hmac::sign(&key, b"WALLET-MASTER-KEY-ID-V1");
        hex::encode(&tag.as_ref()[..8])
    }

    fn aead(&self) -> aead::LessSafeKey {
        aead_key(self.bytes.as_slice())
    }

    /// Wraps a data key for the `data_keys` table: base64url(nonce ‖ ciphertext ‖ tag), bound to
    /// the data key's id.
    pub fn wrap(&self, data_key_id: &str, data_key: &[u8; 32]) -> String {
        seal_with(&self.aead(), &wrap_aad(data_key_id), data_key.as_slice())
    }

    /// Opens a wrapped data key.
    pub fn unwrap(&self, data_key_id: &str, wrapped: &str) -> Result<[u8; 32], KeyError> {
        let plain = open_with(&self.aead(), &wrap_aad(data_key_id), wrapped)
            .ok_or_else(|| KeyError::Unwrap(data_key_id.to_owned()))?;
        plain
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::Unwrap(data_key_id.to_owned()))
    }
}

fn wrap_aad(data_key_id: &str) -> String {
    format!("WALLET-DATA-KEY-V1\n{data_key_id}")
}

fn aead_key(bytes: &[u8]) -> aead::LessSafeKey {
    // ChaCha20-Poly1305 takes any 32-byte key, which every caller passes.
    let unbound = aead::UnboundKey::new(&aead::CHACHA20_POLY1305, bytes)
        .unwrap_or_else(|_| unreachable!("32-byte keys only"));
    aead::LessSafeKey::new(unbound)
}

/// base64url(random nonce ‖ ciphertext ‖ tag). A random 96-bit nonce per value: safe for far
/// more values than one data key will ever seal (the limit is around 2^32).
fn seal_with(key: &aead::LessSafeKey, aad: &str, plain: &[u8]) -> String {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let mut buf = Vec::with_capacity(NONCE_LEN + plain.len() + aead::CHACHA20_POLY1305.tag_len());
    buf.extend_from_slice(&nonce);
    let mut body = plain.to_vec();
    // Sealing fails only for inputs of gigabytes.
    if key
        .seal_in_place_append_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(aad.as_bytes()),
            &mut body,
        )
        .is_err()
    {
        unreachable!("small inputs always seal");
    }
    buf.extend_from_slice(&body);
    URL_SAFE_NO_PAD.encode(buf)
}

fn open_with(key: &aead::LessSafeKey, aad: &str, text: &str) -> Option<Zeroizing<Vec<u8>>> {
    let raw = URL_SAFE_NO_PAD.decode(text).ok()?;
    if raw.len() < NONCE_LEN {
        return None;
    }
    let (nonce, body) = raw.split_at(NONCE_LEN);
    let nonce: [u8; NONCE_LEN] = nonce.try_into().ok()?;
    let mut body = Zeroizing::new(body.to_vec());
    let plain = key
        .open_in_place(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(aad.as_bytes()),
            body.as_mut_slice(),
        )
        .ok()?;
    Some(Zeroizing::new(plain.to_vec()))
}

/// What each data key is for; its id in the database is `<purpose>/1`.
pub const DATA_KEY_PURPOSES: &[&str] = &[
    "accounts",
    "challenges",
    "devices",
    "pin",
    "lookup",
    "merchants",
];

/// The id under which a purpose's current data key is stored.
pub fn data_key_id(purpose: &str) -> String {
    format!("{purpose}/1")
}

/// A column holding sealed values: which data key seals it and the name bound into each value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SealedColumn {
    /// `accounts.id_number`: the full resident ID number.
    AccountIdNumber,
    /// `challenges.signup_name`: a pending sign-up's real name.
    SignupName,
    /// `challenges.signup_id_number`: a pending sign-up's ID number.
    SignupIdNumber,
    /// `devices.paycode_seed`: the payment-code seed (base64url of 32 bytes).
    PaycodeSeed,
    /// `merchants.notice_secret`: the key that signs a merchant's notices.
    MerchantNoticeSecret,
}

impl SealedColumn {
    fn purpose(self) -> &'static str {
        match self {
            Self::AccountIdNumber => "accounts",
            Self::SignupName | Self::SignupIdNumber => "challenges",
            Self::PaycodeSeed => "devices",
            Self::MerchantNoticeSecret => "merchants",
        }
    }

    pub fn column(self) -> &'static str {
        match self {
            Self::AccountIdNumber => "accounts.id_number",
            Self::SignupName => "challenges.signup_name",
            Self::SignupIdNumber => "challenges.signup_id_number",
            Self::PaycodeSeed => "devices.paycode_seed",
            Self::MerchantNoticeSecret => "merchants.notice_secret",
        }
    }
}

/// Whether a stored value is sealed (rows written before migration 0010 are not, until the
/// first start of a server with the key seals them).
pub fn is_sealed(stored: &str) -> bool {
    stored.starts_with(SEALED_PREFIX)
}

/// Whether a stored PIN hash is the old Argon2id form, to be replaced on its next right check.
pub fn is_legacy_pin_hash(stored: &str) -> bool {
    stored.starts_with("$argon2")
}

/// The unwrapped data keys of one database: what the store seals and hashes with.
pub struct Keys {
    master_id: String,
    aead: HashMap<String, aead::LessSafeKey>,
    hmac: HashMap<String, hmac::Key>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("master_key_id", &self.master_id)
            .field("data_keys", &self.aead.len())
            .finish()
    }
}

/// One row of `data_keys`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataKeyRow {
    pub id: String,
    pub master_key_id: String,
    pub wrapped: String,
}

impl Keys {
    /// Unwraps the rows of `data_keys` with `master`; every purpose must be there.
    pub fn unlock(master: &MasterKey, rows: &[DataKeyRow]) -> Result<Self, KeyError> {
        let given = master.id();
        let mut aead = HashMap::new();
        let mut hmac = HashMap::new();
        for row in rows {
            if row.master_key_id != given {
                return Err(KeyError::WrongMaster {
                    found: row.master_key_id.clone(),
                    given,
                });
            }
            let bytes = Zeroizing::new(master.unwrap(&row.id, &row.wrapped)?);
            aead.insert(row.id.clone(), aead_key(bytes.as_slice()));
            hmac.insert(
                row.id.clone(),
                hmac::Key::new(hmac::HMAC_SHA256, bytes.as_slice()),
            );
        }
        for purpose in DATA_KEY_PURPOSES {
            let id = data_key_id(purpose);
            if !aead.contains_key(&id) {
                return Err(KeyError::UnknownDataKey(id));
            }
        }
        Ok(Self {
            master_id: given,
            aead,
            hmac,
        })
    }

    /// New data keys for a database that has none, wrapped by `master`.
    pub fn new_rows(master: &MasterKey, missing: &[&str]) -> Vec<DataKeyRow> {
        missing
            .iter()
            .map(|purpose| {
                let id = data_key_id(purpose);
                let mut bytes = Zeroizing::new([0u8; 32]);
                OsRng.fill_bytes(bytes.as_mut_slice());
                DataKeyRow {
                    wrapped: master.wrap(&id, &bytes),
                    id,
                    master_key_id: master.id(),
                }
            })
            .collect()
    }

    /// The id of the master key these data keys were unwrapped with.
    pub fn master_key_id(&self) -> &str {
        &self.master_id
    }

    fn current(&self, purpose: &str) -> (String, &aead::LessSafeKey) {
        let id = data_key_id(purpose);
        let key = self
            .aead
            .get(&id)
            .unwrap_or_else(|| unreachable!("unlock checked every purpose"));
        (id, key)
    }

    /// Seals `plain` for `column` of row `row_id`.
    pub fn seal(&self, column: SealedColumn, row_id: &str, plain: &str) -> String {
        let (id, key) = self.current(column.purpose());
        let body = seal_with(key, &seal_aad(column, row_id), plain.as_bytes());
        format!("{SEALED_PREFIX}{id}:{body}")
    }

    /// Opens a value of `column` of row `row_id`. A value written before sealing existed (not
    /// `enc1:`) is returned as it is; the first start with the key seals those.
    pub fn open(
        &self,
        column: SealedColumn,
        row_id: &str,
        stored: &str,
    ) -> Result<Zeroizing<String>, KeyError> {
        let Some(rest) = stored.strip_prefix(SEALED_PREFIX) else {
            return Ok(Zeroizing::new(stored.to_owned()));
        };
        let (id, body) = rest
            .split_once(':')
            .ok_or_else(|| KeyError::Open(column.column().to_owned()))?;
        let key = self
            .aead
            .get(id)
            .ok_or_else(|| KeyError::UnknownDataKey(id.to_owned()))?;
        let plain = open_with(key, &seal_aad(column, row_id), body)
            .ok_or_else(|| KeyError::Open(format!("{} of {row_id}", column.column())))?;
        let text = String::from_utf8(plain.to_vec())
            .map_err(|_| KeyError::Open(format!("{} of {row_id}", column.column())))?;
        Ok(Zeroizing::new(text))
    }

    /// The stored form of a payment PIN: `hmac1:pin/1:<base64url HMAC-SHA256>` of the account
    /// and the PIN under the pepper (a data key, so a leaked database alone cannot be searched).
    pub fn pin_hash(&self, account_id: &str, pin: &str) -> String {
        let id = data_key_id("pin");
        let tag = hmac::sign(self.hmac_key(&id), &pin_input(account_id, pin));
        format!("{PIN_PREFIX}{id}:{}", URL_SAFE_NO_PAD.encode(tag.as_ref()))
    }

    /// Whether `pin` matches a stored [`Keys::pin_hash`], in constant time. Any other form
    /// (an old Argon2id hash) is `false` here; see [`is_legacy_pin_hash`].
    pub fn pin_matches(&self, account_id: &str, pin: &str, stored: &str) -> bool {
        let Some((id, tag)) = stored
            .strip_prefix(PIN_PREFIX)
            .and_then(|rest| rest.split_once(':'))
        else {
            return false;
        };
        let (Some(key), Ok(tag)) = (self.hmac.get(id), URL_SAFE_NO_PAD.decode(tag)) else {
            return false;
        };
        hmac::verify(key, &pin_input(account_id, pin), &tag).is_ok()
    }

    /// A keyed hash of `value` for equality look-ups on a sealed column (hex HMAC-SHA256 under
    /// the `lookup` data key, domain-separated by `label`): equal values give equal hashes, and
    /// without the master key the hash cannot be searched.
    pub fn lookup_hash(&self, label: &str, value: &str) -> String {
        let key = self.hmac_key(&data_key_id("lookup"));
        let mut ctx = hmac::Context::with_key(key);
        ctx.update(b"WALLET-LOOKUP-V1\n");
        ctx.update(label.as_bytes());
        ctx.update(b"\n");
        ctx.update(value.as_bytes());
        hex::encode(ctx.sign().as_ref())
    }

    fn hmac_key(&self, id: &str) -> &hmac::Key {
        self.hmac
            .get(id)
            .unwrap_or_else(|| unreachable!("unlock checked every purpose"))
    }
}

fn seal_aad(column: SealedColumn, row_id: &str) -> String {
    format!("WALLET-SEALED-V1\n{}\n{row_id}", column.column())
}

fn pin_input(account_id: &str, pin: &str) -> Zeroizing<Vec<u8>> {
    Zeroizing::new(format!("WALLET-PIN-V1\n{account_id}\n{pin}").into_bytes())
}

/// Where a master key came from (for the start-up log line; never the key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    File(PathBuf),
    Env,
    /// Sandbox: an existing key file at the default place.
    SandboxFile(PathBuf),
    /// Sandbox: a key file created now.
    Created(PathBuf),
}

impl std::fmt::Display for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(p) => write!(f, "file {}", p.display()),
            Self::Env => write!(f, "${MASTER_KEY_ENV}"),
            Self::SandboxFile(p) => write!(f, "sandbox key file {}", p.display()),
            Self::Created(p) => write!(f, "new sandbox key file {}", p.display()),
        }
    }
}

/// The sandbox key file for a database: next to a SQLite file (`server.db` →
/// `server.db.master-key`), or `master-key` in the data directory for PostgreSQL
/// (`$WALLET_SERVER_DATA_DIR`, else `$XDG_DATA_HOME/wallet-server`, else
/// `~/.local/share/wallet-server`), so instances on one machine share it.
pub fn sandbox_key_path(db: &str) -> Option<PathBuf> {
    if db.starts_with("postgres://") || db.starts_with("postgresql://") {
        let dir = std::env::var_os(DATA_DIR_ENV)
            .map(PathBuf::from)
            .or_else(|| {
                std::env::var_os("XDG_DATA_HOME").map(|d| PathBuf::from(d).join("wallet-server"))
            })
            .or_else(|| {
                std::env::var_os("HOME")
                    .map(|h| PathBuf::from(h).join(".local/share/wallet-server"))
            })?;
        return Some(dir.join("master-key"));
    }
    let mut name = Path::new(db).file_name()?.to_os_string();
    name.push(".master-key");
    Some(Path::new(db).with_file_name(name))
}

/// Finds the master key: `file` if given, else `$WALLET_SERVER_MASTER_KEY`, else (only when
/// `sandbox_default`) the sandbox key file of `db`, created (0600) when `create` and missing.
pub fn resolve_master_key(
    file: Option<&Path>,
    db: &str,
    sandbox_default: bool,
    create: bool,
) -> Result<(MasterKey, KeySource), KeyError> {
    if let Some(path) = file {
        return Ok((
            MasterKey::from_file(path)?,
            KeySource::File(path.to_owned()),
        ));
    }
    if let Some(text) = std::env::var_os(MASTER_KEY_ENV) {
        let text = Zeroizing::new(text.to_string_lossy().into_owned());
        if !text.trim().is_empty() {
            return Ok((
                MasterKey::parse(&text).map_err(|e| match e {
                    KeyError::BadMasterKey(why) => {
                        KeyError::BadMasterKey(format!("{why}, in ${MASTER_KEY_ENV}"))
                    }
                    other => other,
                })?,
                KeySource::Env,
            ));
        }
    }
    if !sandbox_default {
        return Err(KeyError::Missing);
    }
    let path = sandbox_key_path(db).ok_or(KeyError::Missing)?;
    match MasterKey::from_file(&path) {
        Ok(key) => return Ok((key, KeySource::SandboxFile(path))),
        Err(KeyError::File { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound && create => {}
        Err(KeyError::File { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
            return Err(KeyError::Missing)
        }
        Err(e) => return Err(e),
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| KeyError::File {
            path: dir.to_owned(),
            source,
        })?;
    }
    let key = MasterKey::generate();
    match key.write_new_file(&path) {
        Ok(()) => Ok((key, KeySource::Created(path))),
        // Another instance made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            Ok((MasterKey::from_file(&path)?, KeySource::SandboxFile(path)))
        }
        Err(source) => Err(KeyError::File { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(master: &MasterKey) -> Keys {
        Keys::unlock(master, &Keys::new_rows(master, DATA_KEY_PURPOSES)).unwrap()
    }

    #[test]
    fn sealed_values_open_only_in_their_row_and_column() {
        let master = MasterKey::generate();
        let k = keys(&master);
        let sealed = k.seal(SealedColumn::AccountIdNumber, "acc_1", "11010519491231002X");
        assert!(is_sealed(&sealed) && !sealed.contains("11010519491231002X"));
        assert_eq!(
            k.open(SealedColumn::AccountIdNumber, "acc_1", &sealed)
                .unwrap()
                .as_str(),
            "11010519491231002X"
        );
        assert!(k
            .open(SealedColumn::AccountIdNumber, "acc_2", &sealed)
            .is_err());
        assert!(k
            .open(SealedColumn::SignupIdNumber, "acc_1", &sealed)
            .is_err());
        // Two seals of one value differ (random nonce).
        assert_ne!(
            sealed,
            k.seal(SealedColumn::AccountIdNumber, "acc_1", "11010519491231002X")
        );
        // Legacy plaintext passes through.
        assert_eq!(
            k.open(SealedColumn::PaycodeSeed, "dev_1", "abc")
                .unwrap()
                .as_str(),
            "abc"
        );
    }

    #[test]
    fn data_keys_need_their_master_key_and_survive_a_rewrap() {
        let (a, b) = (MasterKey::generate(), MasterKey::generate());
        let rows = Keys::new_rows(&a, DATA_KEY_PURPOSES);
        let k = Keys::unlock(&a, &rows).unwrap();
        let sealed = k.seal(SealedColumn::PaycodeSeed, "dev_1", "seed");
        let pin = k.pin_hash("acc_1", "135790");
        assert!(matches!(
            Keys::unlock(&b, &rows),
            Err(KeyError::WrongMaster { .. })
        ));
        let rewrapped: Vec<DataKeyRow> = rows
            .iter()
            .map(|r| DataKeyRow {
                id: r.id.clone(),
                master_key_id: b.id(),
                wrapped: b.wrap(&r.id, &a.unwrap(&r.id, &r.wrapped).unwrap()),
            })
            .collect();
        let k2 = Keys::unlock(&b, &rewrapped).unwrap();
        assert_eq!(
            k2.open(SealedColumn::PaycodeSeed, "dev_1", &sealed)
                .unwrap()
                .as_str(),
            "seed"
        );
        assert!(k2.pin_matches("acc_1", "135790", &pin));
        // A forged row claiming b's id does not open with b.
        let mut forged = rows[0].clone();
        forged.master_key_id = b.id();
        assert!(matches!(
            Keys::unlock(&b, &[forged]),
            Err(KeyError::Unwrap(_))
        ));
    }

    #[test]
    fn pin_hashes_are_keyed_and_account_scoped() {
        let k = keys(&MasterKey::generate());
        let h = k.pin_hash("acc_1", "135790");
        assert!(h.starts_with("hmac1:pin/1:") && !h.contains("135790"));
        assert!(k.pin_matches("acc_1", "135790", &h));
        assert!(!k.pin_matches("acc_1", "135791", &h));
        assert!(!k.pin_matches("acc_2", "135790", &h));
        assert!(!k.pin_matches("acc_1", "135790", "$argon2id$v=19$..."));
        let other = keys(&MasterKey::generate());
        assert!(!other.pin_matches("acc_1", "135790", &h));
        assert_eq!(k.lookup_hash("id", "x"), k.lookup_hash("id", "x"));
        assert_ne!(k.lookup_hash("id", "x"), other.lookup_hash("id", "x"));
    }

    #[test]
    fn master_key_text_forms() {
        let k = MasterKey::generate();
        let again = MasterKey::parse(&k.to_text()).unwrap();
        assert_eq!(k.id(), again.id());
        assert_eq!(
            MasterKey::parse(&"ab".repeat(32)).unwrap().id(),
            MasterKey::from_bytes([0xab; 32]).id()
        );
        assert!(MasterKey::parse("c2hvcnQ=").is_err());
        assert!(MasterKey::parse("not a key").is_err());
        assert!(!format!("{k:?}").contains(k.to_text().trim()));
    }

    #[test]
    fn sandbox_key_sits_next_to_the_sqlite_file() {
        assert_eq!(
            sandbox_key_path("/data/server.db"),
            Some(PathBuf::from("/data/server.db.master-key"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn key_files_are_private_and_never_overwritten() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("k");
        let k = MasterKey::generate();
        k.write_new_file(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        assert!(MasterKey::generate().write_new_file(&path).is_err());
        assert_eq!(MasterKey::from_file(&path).unwrap().id(), k.id());
    }
}
