//! The `Wallet` facade: every user flow, one method each.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::WalletError;
use crate::secret_store::SecretStore;
use crate::types::*;

/// How a shell opens a profile.
#[derive(Debug, Clone)]
pub struct WalletConfig {
    /// The profile directory: encrypted database and settings live here.
    pub home: PathBuf,
    /// Provider base URL, e.g. `https://wallet.example` or `http://127.0.0.1:8080`.
    pub server_url: String,
    /// Shown in the device list.
    pub device_name: String,
    /// `cli`, `linux`, `android`, ...
    pub platform: String,
}

/// One profile on this device.
pub struct Wallet {
    _config: WalletConfig,
    _secrets: Arc<dyn SecretStore>,
}

impl Wallet {
    /// Opens the profile at `config.home`. An existing database is opened with its key from
    /// the secret store (`STORE_KEY_MISSING` / `STORE_KEY_WRONG` otherwise, file untouched);
    /// a missing one is created only when a sign-up or sign-in starts.
    pub fn open(config: WalletConfig, secrets: Arc<dyn SecretStore>) -> Result<Self, WalletError> {
        Ok(Self {
            _config: config,
            _secrets: secrets,
        })
    }

    pub fn status(&self) -> Result<SessionStatus, WalletError> {
        todo!()
    }

    /// Rates a password the way the server will (zxcvbn, score ≥ 3).
    pub fn password_strength(password: &str, user_inputs: &[String]) -> PasswordStrength {
        let inputs: Vec<&str> = user_inputs.iter().map(String::as_str).collect();
        wallet_protocol::password::rate(password, &inputs)
    }

    pub async fn signup(&self, _input: SignupInput) -> Result<PendingVerification, WalletError> {
        todo!()
    }

    pub async fn login(
        &self,
        _phone: String,
        _password: String,
    ) -> Result<PendingVerification, WalletError> {
        todo!()
    }

    /// Completes the pending sign-up or sign-in with the SMS code and enrols this device.
    pub async fn verify(&self, _code: String) -> Result<Profile, WalletError> {
        todo!()
    }

    /// The signed-in profile, refreshed from the server.
    pub async fn whoami(&self) -> Result<Profile, WalletError> {
        todo!()
    }

    pub async fn devices(&self) -> Result<Vec<Device>, WalletError> {
        todo!()
    }

    /// Signs another device (or this one) out.
    pub async fn revoke_device(&self, _device_id: String) -> Result<(), WalletError> {
        todo!()
    }

    /// Signs this device out on the server and wipes the local profile.
    pub async fn logout(&self) -> Result<(), WalletError> {
        todo!()
    }
}
