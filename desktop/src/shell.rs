//! The desktop shell's own configuration (docs/decisions.md "Desktop: identifier, provider,
//! lock, notifications"): where the profile lives, which provider it talks to, and the
//! shell's settings file. No product rule lives here: the URL is checked by the core
//! ([`Wallet::check_server_url`]).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use wallet_core::{ErrorCode, Wallet, WalletError};

/// The bundle identifier (`tauri.conf.json`); the profile and settings directories are named
/// after it.
pub const IDENTIFIER: &str = "com.walletpay.desktop";
/// Identifiers earlier builds used; a profile found under one moves on first start.
pub const LEGACY_IDENTIFIERS: &[&str] = &["com.example.wallet"];
/// The provider a fresh install talks to: a sandbox on this computer (`scripts/run.sh`).
pub const DEFAULT_PROVIDER: &str = "http://127.0.0.1:8080";
/// Idle minutes the user may choose between (in seconds); the first is the shortest.
pub const LOCK_CHOICES: &[u64] = &[60, 300, 900, 1800];
pub const LOCK_DEFAULT_SECS: u64 = 300;

/// `settings.json` in the config directory: written by the settings screen, editable by hand
/// (an installed package pointed at a shared sandbox). Unknown or missing keys take defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ShellSettings {
    /// The provider's base URL; absent: [`DEFAULT_PROVIDER`]. `WALLET_SERVER` wins over it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_url: Option<String>,
    /// Idle seconds before the app locks (one of [`LOCK_CHOICES`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lock_after_secs: Option<u64>,
    /// OS notifications for money received, a new device, an order waiting (default on).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notifications: Option<bool>,
    /// The UI's language, for notification texts (`en`, `zh-CN`, `zh-TW`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl ShellSettings {
    /// Reads the file; a missing file is the defaults. A file that does not parse is logged and
    /// ignored (never overwritten until the user saves from the settings screen).
    pub fn load(path: &Path) -> Self {
        match fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).unwrap_or_else(|e| {
                tracing::warn!(file = %path.display(), error = %e, "settings file ignored");
                Self::default()
            }),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Self::default(),
            Err(e) => {
                tracing::warn!(file = %path.display(), error = %e, "settings file unreadable");
                Self::default()
            }
        }
    }

    /// Writes the file (a temporary file renamed over it, so a crash leaves the old one).
    pub fn save(&self, path: &Path) -> Result<(), WalletError> {
        let io_err =
            |e: io::Error| WalletError::new(ErrorCode::StoreIo, format!("{}: {e}", path.display()));
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(io_err)?;
        }
        let tmp = path.with_extension("json.tmp");
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| WalletError::new(ErrorCode::Internal, e.to_string()))?;
        fs::write(&tmp, text + "\n").map_err(io_err)?;
        fs::rename(&tmp, path).map_err(io_err)
    }

    pub fn lock_after_secs(&self) -> u64 {
        self.lock_after_secs
            .filter(|s| LOCK_CHOICES.contains(s))
            .unwrap_or(LOCK_DEFAULT_SECS)
    }
}

/// Where the provider URL in use came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProviderSource {
    /// `WALLET_SERVER` (wins: scripts and tests set it).
    Env,
    /// `provider_url` in the settings file (the settings screen writes it).
    File,
    Default,
}

/// The provider URL in use: `WALLET_SERVER`, else the settings file, else the default.
pub fn resolve_provider(env: Option<String>, settings: &ShellSettings) -> (String, ProviderSource) {
    match (env.filter(|s| !s.trim().is_empty()), &settings.provider_url) {
        (Some(url), _) => (url, ProviderSource::Env),
        (None, Some(url)) if !url.trim().is_empty() => (url.clone(), ProviderSource::File),
        _ => (DEFAULT_PROVIDER.to_owned(), ProviderSource::Default),
    }
}

/// The shell's paths: the profile directory and the settings file.
#[derive(Debug, Clone)]
pub struct ShellPaths {
    pub home: PathBuf,
    /// Whether `home` came from `WALLET_HOME` (then no legacy profile is moved).
    pub home_from_env: bool,
    pub settings_file: PathBuf,
}

impl ShellPaths {
    /// `$WALLET_HOME`, else `<data dir>/<IDENTIFIER>`; `$WALLET_DESKTOP_SETTINGS`, else
    /// `<config dir>/<IDENTIFIER>/settings.json`.
    pub fn from_env() -> Result<Self, WalletError> {
        let no_dir = || WalletError::new(ErrorCode::StoreIo, "no app data directory");
        let (home, home_from_env) = match std::env::var_os("WALLET_HOME") {
            Some(dir) if !dir.is_empty() => (PathBuf::from(dir), true),
            _ => (dirs::data_dir().ok_or_else(no_dir)?.join(IDENTIFIER), false),
        };
        let settings_file = match std::env::var_os("WALLET_DESKTOP_SETTINGS") {
            Some(f) if !f.is_empty() => PathBuf::from(f),
            _ => dirs::config_dir()
                .ok_or_else(no_dir)?
                .join(IDENTIFIER)
                .join("settings.json"),
        };
        Ok(Self {
            home,
            home_from_env,
            settings_file,
        })
    }
}

/// Moves a profile left under a legacy identifier (`<data dir>/com.example.wallet`) to
/// `new_home` when `new_home` does not exist yet. The database key stays valid: the secret
/// store names it by the profile id file, which moves with the directory. Answers the old
/// directory when something moved. When both exist nothing is touched (the new one is used).
pub fn move_legacy_profile(data_dir: &Path, new_home: &Path) -> io::Result<Option<PathBuf>> {
    if new_home.exists() {
        return Ok(None);
    }
    for old in LEGACY_IDENTIFIERS {
        let old = data_dir.join(old);
        if old.is_dir() {
            if let Some(parent) = new_home.parent() {
                fs::create_dir_all(parent)?;
            }
            fs::rename(&old, new_home)?;
            return Ok(Some(old));
        }
    }
    Ok(None)
}

/// Checks and normalises a provider URL the way the core will use it.
pub fn check_provider_url(url: &str) -> Result<String, WalletError> {
    Wallet::check_server_url(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_wins_then_the_file_then_the_default() {
        let mut file = ShellSettings::default();
        assert_eq!(
            resolve_provider(None, &file),
            (DEFAULT_PROVIDER.to_owned(), ProviderSource::Default)
        );
        file.provider_url = Some("https://sandbox.example".into());
        assert_eq!(
            resolve_provider(None, &file),
            ("https://sandbox.example".into(), ProviderSource::File)
        );
        assert_eq!(
            resolve_provider(Some(String::new()), &file).1,
            ProviderSource::File
        );
        assert_eq!(
            resolve_provider(Some("http://127.0.0.1:9".into()), &file),
            ("http://127.0.0.1:9".into(), ProviderSource::Env)
        );
    }

    #[test]
    fn settings_round_trip_and_a_broken_file_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("settings.json");
        assert_eq!(ShellSettings::load(&path), ShellSettings::default());
        let s = ShellSettings {
            provider_url: Some("https://sandbox.example".into()),
            lock_after_secs: Some(60),
            notifications: Some(false),
            locale: Some("zh-CN".into()),
        };
        s.save(&path).unwrap();
        assert_eq!(ShellSettings::load(&path), s);
        // Hand-written files may leave keys out or add unknown ones.
        fs::write(
            &path,
            r#"{"provider_url": "https://x.example", "other": 1}"#,
        )
        .unwrap();
        let loaded = ShellSettings::load(&path);
        assert_eq!(loaded.provider_url.as_deref(), Some("https://x.example"));
        assert_eq!(loaded.lock_after_secs(), LOCK_DEFAULT_SECS);
        fs::write(&path, "not json").unwrap();
        assert_eq!(ShellSettings::load(&path), ShellSettings::default());
        // Only the offered idle times count.
        let odd = ShellSettings {
            lock_after_secs: Some(1),
            ..ShellSettings::default()
        };
        assert_eq!(odd.lock_after_secs(), LOCK_DEFAULT_SECS);
    }

    #[test]
    fn a_legacy_profile_moves_once_and_never_over_a_new_one() {
        let data = tempfile::tempdir().unwrap();
        let old = data.path().join("com.example.wallet");
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("wallet.db"), b"db").unwrap();
        fs::write(old.join("profile-id"), b"id").unwrap();
        let new_home = data.path().join(IDENTIFIER);

        assert_eq!(
            move_legacy_profile(data.path(), &new_home).unwrap(),
            Some(old.clone())
        );
        assert!(!old.exists());
        assert_eq!(fs::read(new_home.join("wallet.db")).unwrap(), b"db");
        assert_eq!(fs::read(new_home.join("profile-id")).unwrap(), b"id");
        // Second start: nothing to move.
        assert_eq!(move_legacy_profile(data.path(), &new_home).unwrap(), None);

        // An old directory that reappears never replaces the new profile.
        fs::create_dir_all(&old).unwrap();
        fs::write(old.join("wallet.db"), b"older").unwrap();
        assert_eq!(move_legacy_profile(data.path(), &new_home).unwrap(), None);
        assert_eq!(fs::read(new_home.join("wallet.db")).unwrap(), b"db");
        assert!(old.exists());
    }

    #[test]
    fn the_bundle_identifier_is_the_one_the_profile_is_named_after() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], IDENTIFIER);
        assert!(!LEGACY_IDENTIFIERS.contains(&IDENTIFIER));
        let targets = conf["bundle"]["targets"].as_array().unwrap();
        assert!(targets.contains(&"deb".into()) && targets.contains(&"rpm".into()));
    }

    #[test]
    fn provider_urls_are_checked_by_the_core() {
        assert_eq!(
            check_provider_url(" https://sandbox.example/ ").unwrap(),
            "https://sandbox.example"
        );
        assert_eq!(
            check_provider_url("http://sandbox.example")
                .unwrap_err()
                .code,
            ErrorCode::InsecureServerUrl
        );
        assert!(check_provider_url("not a url").is_err());
        assert!(check_provider_url("http://127.0.0.1:8080").is_ok());
    }
}
