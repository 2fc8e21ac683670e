//! The secret store as a foreign trait: the host app implements it (Android Keystore,
//! iOS Keychain `ThisDeviceOnly`) and `wallet-core` keeps the local database key there.

use std::sync::Arc;

/// Why the host's secret store failed. Messages never contain secret values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum SecretStoreError {
    /// No store is reachable (e.g. the device is locked and the key needs user presence).
    #[error("secret store unavailable: {reason}")]
    Unavailable { reason: String },
    #[error("secret store failed: {reason}")]
    Failed { reason: String },
}

/// Raised when the host throws something that is not a `SecretStoreError`.
impl From<uniffi::UnexpectedUniFFICallbackError> for SecretStoreError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        Self::Failed { reason: e.reason }
    }
}

impl From<SecretStoreError> for wallet_core::SecretStoreError {
    fn from(e: SecretStoreError) -> Self {
        match e {
            SecretStoreError::Unavailable { reason } => Self::Unavailable(reason),
            SecretStoreError::Failed { reason } => Self::Other(reason),
        }
    }
}

/// A store of small secrets addressed by name, implemented by the host app.
#[uniffi::export(with_foreign)]
pub trait SecretStore: Send + Sync {
    /// `null`/`None` when nothing is stored under `name`.
    fn get(&self, name: String) -> Result<Option<Vec<u8>>, SecretStoreError>;
    fn set(&self, name: String, secret: Vec<u8>) -> Result<(), SecretStoreError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, name: String) -> Result<(), SecretStoreError>;
}

/// Adapts the host's store to the trait `wallet-core` expects.
pub(crate) struct HostSecretStore(pub(crate) Arc<dyn SecretStore>);

impl wallet_core::SecretStore for HostSecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, wallet_core::SecretStoreError> {
        Ok(self.0.get(name.to_owned())?)
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), wallet_core::SecretStoreError> {
        Ok(self.0.set(name.to_owned(), secret.to_vec())?)
    }

    fn delete(&self, name: &str) -> Result<(), wallet_core::SecretStoreError> {
        Ok(self.0.delete(name.to_owned())?)
    }
}
