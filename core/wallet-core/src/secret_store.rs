//! Where the local database key lives: the platform secret store, behind a trait the host
//! implements (Android Keystore / iOS Keychain through the uniffi foreign trait; the `keyring`
//! crate's real platform stores on desktop). There is never an in-memory or plaintext fallback.

/// Why a secret store call failed. Messages never contain secret values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretStoreError {
    /// No store is reachable (e.g. no Secret Service on a headless Linux session).
    #[error("secret store unavailable: {0}")]
    Unavailable(String),
    #[error("secret store failed: {0}")]
    Other(String),
}

/// A host-provided store of small secrets, addressed by name.
pub trait SecretStore: Send + Sync {
    /// `Ok(None)` when nothing is stored under `name`.
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError>;
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, name: &str) -> Result<(), SecretStoreError>;
}
