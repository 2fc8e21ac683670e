//! The exported `Wallet` object: one line per method, each delegating to `wallet_core::Wallet`.

use std::sync::Arc;

use crate::error::WalletError;
use crate::secret_store::{HostSecretStore, SecretStore};
use crate::types::*;

/// One profile on this device.
#[derive(uniffi::Object)]
pub struct Wallet(wallet_core::Wallet);

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Opens the profile at `config.home`, keeping its database key in `secret_store`.
    #[uniffi::constructor]
    pub fn open(
        config: WalletConfig,
        secret_store: Arc<dyn SecretStore>,
    ) -> Result<Arc<Self>, WalletError> {
        let secrets = Arc::new(HostSecretStore(secret_store));
        let wallet = wallet_core::Wallet::open(config.into(), secrets)?;
        Ok(Arc::new(Self(wallet)))
    }

    pub fn status(&self) -> Result<SessionStatus, WalletError> {
        Ok(self.0.status()?.into())
    }

    pub async fn signup(&self, input: SignupInput) -> Result<PendingVerification, WalletError> {
        Ok(self.0.signup(input.into()).await?.into())
    }

    pub async fn login(
        &self,
        phone: String,
        password: String,
    ) -> Result<PendingVerification, WalletError> {
        Ok(self.0.login(phone, password).await?.into())
    }

    /// Completes the pending sign-up or sign-in with the SMS code and enrols this device.
    pub async fn verify(&self, code: String) -> Result<Profile, WalletError> {
        Ok(self.0.verify(code).await?.into())
    }

    pub async fn whoami(&self) -> Result<Profile, WalletError> {
        Ok(self.0.whoami().await?.into())
    }

    pub async fn devices(&self) -> Result<Vec<Device>, WalletError> {
        Ok(self
            .0
            .devices()
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Signs another device (or this one) out.
    pub async fn revoke_device(&self, device_id: String) -> Result<(), WalletError> {
        Ok(self.0.revoke_device(device_id).await?)
    }

    /// Signs this device out on the server and wipes the local profile.
    pub async fn logout(&self) -> Result<(), WalletError> {
        Ok(self.0.logout().await?)
    }
}

/// Rates a login password the way the server will (zxcvbn, score ≥ 3), for a live meter.
#[uniffi::export]
pub fn password_strength(password: String, user_inputs: Vec<String>) -> PasswordStrength {
    wallet_core::Wallet::password_strength(&password, &user_inputs).into()
}
