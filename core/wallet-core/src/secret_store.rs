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

/// Runs `op` once, and again after each pause in `pauses` while it fails with an error
/// `transient` accepts; returns the first success or the last error.
#[cfg(any(
    test,
    all(
        feature = "keyring-store",
        any(target_os = "linux", target_os = "macos", target_os = "windows")
    )
))]
fn with_retries<T, E>(
    pauses: &[std::time::Duration],
    transient: impl Fn(&E) -> bool,
    mut op: impl FnMut() -> Result<T, E>,
) -> Result<T, E> {
    let mut result = op();
    for pause in pauses {
        match &result {
            Err(e) if transient(e) => {
                tracing::warn!(
                    pause_ms = pause.as_millis(),
                    "secret store call failed; trying again"
                );
                std::thread::sleep(*pause);
                result = op();
            }
            _ => break,
        }
    }
    result
}

/// Service name of every Wallet entry in the platform secret store.
pub const KEYRING_SERVICE: &str = "wallet";

/// What a user must do when the desktop secret store cannot be reached.
#[cfg(all(feature = "keyring-store", target_os = "linux"))]
const UNAVAILABLE_FIX: &str =
    "Wallet keeps its database key in the Secret Service (GNOME Keyring, \
KWallet): run it inside a desktop session with the keyring unlocked, or headless start one with \
`dbus-run-session` and `gnome-keyring-daemon --unlock`";
#[cfg(all(feature = "keyring-store", not(target_os = "linux")))]
const UNAVAILABLE_FIX: &str =
    "Wallet keeps its database key in the system keychain: sign in to a desktop session and unlock it";

/// The desktop secret store through the `keyring` crate's real platform backends (Secret Service
/// on Linux, Keychain on macOS, Credential Manager on Windows). Never the crate's mock.
#[cfg(all(
    feature = "keyring-store",
    any(target_os = "linux", target_os = "macos", target_os = "windows")
))]
#[derive(Debug, Clone)]
pub struct KeyringSecretStore {
    service: String,
}

#[cfg(all(
    feature = "keyring-store",
    any(target_os = "linux", target_os = "macos", target_os = "windows")
))]
impl Default for KeyringSecretStore {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(all(
    feature = "keyring-store",
    any(target_os = "linux", target_os = "macos", target_os = "windows")
))]
impl KeyringSecretStore {
    /// Entries under the service [`KEYRING_SERVICE`].
    pub fn new() -> Self {
        Self::with_service(KEYRING_SERVICE)
    }

    /// Entries under another service name (tests keep theirs apart from a real profile's).
    pub fn with_service(service: impl Into<String>) -> Self {
        Self {
            service: service.into(),
        }
    }

    fn entry(&self, name: &str) -> keyring::Result<keyring::Entry> {
        // On Linux the credential is built explicitly so a keyring default-store change can
        // never silently swap in the in-memory mock.
        #[cfg(target_os = "linux")]
        {
            let cred =
                keyring::secret_service::SsCredential::new_with_target(None, &self.service, name)?;
            Ok(keyring::Entry::new_with_credential(Box::new(cred)))
        }
        #[cfg(not(target_os = "linux"))]
        {
            keyring::Entry::new(&self.service, name)
        }
    }

    /// Pauses before the second and third try of a call that failed on the platform's side.
    /// The Secret Service can go away under a call (gnome-keyring-daemon restarting or crashing
    /// under load: D-Bus starts it again on the next call) or answer late (its D-Bus client gives
    /// up after 2 s); one failed call must not lock a user out of their wallet. Every call is
    /// idempotent (read, replace, delete), so trying again is safe.
    const TRANSIENT_RETRY_PAUSES: [std::time::Duration; 2] = [
        std::time::Duration::from_millis(200),
        std::time::Duration::from_millis(1000),
    ];

    /// One call on the entry `name`, tried again while the platform store fails
    /// ([`Self::TRANSIENT_RETRY_PAUSES`]). A locked store (`NoStorageAccess`) is not retried.
    fn retried<T>(
        &self,
        name: &str,
        call: impl Fn(&keyring::Entry) -> keyring::Result<T>,
    ) -> keyring::Result<T> {
        with_retries(
            &Self::TRANSIENT_RETRY_PAUSES,
            |e| matches!(e, keyring::Error::PlatformFailure(_)),
            || call(&self.entry(name)?),
        )
    }
}

#[cfg(all(
    feature = "keyring-store",
    any(target_os = "linux", target_os = "macos", target_os = "windows")
))]
fn map_keyring_error(e: keyring::Error) -> SecretStoreError {
    match e {
        keyring::Error::PlatformFailure(inner) | keyring::Error::NoStorageAccess(inner) => {
            SecretStoreError::Unavailable(format!("{UNAVAILABLE_FIX} ({inner})"))
        }
        // Other variants describe names or lengths, never the secret value.
        other @ (keyring::Error::TooLong(..)
        | keyring::Error::Invalid(..)
        | keyring::Error::Ambiguous(_)) => SecretStoreError::Other(other.to_string()),
        // NoEntry is handled by callers; BadEncoding would carry the secret bytes.
        _ => SecretStoreError::Other("unexpected secret store answer".into()),
    }
}

#[cfg(all(
    feature = "keyring-store",
    any(target_os = "linux", target_os = "macos", target_os = "windows")
))]
impl SecretStore for KeyringSecretStore {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
        match self.retried(name, |entry| entry.get_secret()) {
            Ok(secret) => Ok(Some(secret)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_keyring_error(e)),
        }
    }

    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.retried(name, |entry| entry.set_secret(secret))
            .map_err(map_keyring_error)
    }

    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        match self.retried(name, |entry| entry.delete_credential()) {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(map_keyring_error(e)),
        }
    }
}

/// Run headless with `dbus-run-session` + `gnome-keyring-daemon --unlock` (see PLATFORM.md);
/// skipped (with a note) when no Secret Service session is present.
#[cfg(all(test, feature = "keyring-store", target_os = "linux"))]
mod keyring_tests {
    use super::*;

    fn session_present() -> bool {
        std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
    }

    #[test]
    fn real_secret_service_round_trip() {
        if !session_present() {
            eprintln!("skipped: no D-Bus session (run under dbus-run-session + gnome-keyring)");
            return;
        }
        let store = KeyringSecretStore::with_service("wallet-test");
        let name = format!("store-key:test-{}", std::process::id());
        store.delete(&name).unwrap();
        assert_eq!(store.get(&name).unwrap(), None);
        let secret: Vec<u8> = (0u8..32).collect();
        store.set(&name, &secret).unwrap();
        assert_eq!(store.get(&name).unwrap(), Some(secret.clone()));
        // A second store object sees the same entry: it really is persisted, not a mock.
        assert_eq!(
            KeyringSecretStore::with_service("wallet-test")
                .get(&name)
                .unwrap(),
            Some(secret)
        );
        store.delete(&name).unwrap();
        store.delete(&name).unwrap();
        assert_eq!(store.get(&name).unwrap(), None);
    }

    #[test]
    fn no_session_bus_is_unavailable_with_the_fix() {
        // Only meaningful where there is no bus; with one this test has nothing to show.
        if session_present() {
            return;
        }
        let err = KeyringSecretStore::new()
            .get("store-key:nothing")
            .unwrap_err();
        match err {
            SecretStoreError::Unavailable(msg) => {
                assert!(msg.contains("dbus-run-session"), "{msg}");
            }
            other => panic!("expected Unavailable, got {other:?}"),
        }
    }
}

#[cfg(test)]
mod retry_tests {
    use super::with_retries;
    use std::cell::Cell;
    use std::time::Duration;

    const PAUSES: [Duration; 2] = [Duration::from_millis(1), Duration::from_millis(1)];

    /// Runs `with_retries` over scripted answers (the last one repeats), "gone" being the
    /// transient error; returns the outcome and how many calls were made.
    fn scripted(answers: &[Result<u8, &'static str>]) -> (Result<u8, &'static str>, usize) {
        let calls = Cell::new(0);
        let result = with_retries(
            &PAUSES,
            |e| *e == "gone",
            || {
                calls.set(calls.get() + 1);
                answers[(calls.get() - 1).min(answers.len() - 1)]
            },
        );
        (result, calls.get())
    }

    #[test]
    fn a_transient_failure_is_tried_again_until_it_succeeds() {
        assert_eq!(scripted(&[Err("gone"), Err("gone"), Ok(7)]), (Ok(7), 3));
    }

    #[test]
    fn a_lasting_failure_ends_after_the_pauses_with_the_last_error() {
        assert_eq!(scripted(&[Err("gone")]), (Err("gone"), 3));
    }

    #[test]
    fn other_failures_and_successes_are_not_repeated() {
        assert_eq!(scripted(&[Err("locked")]), (Err("locked"), 1));
        assert_eq!(scripted(&[Ok(1)]), (Ok(1), 1));
    }
}
