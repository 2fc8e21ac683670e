//! The app lock (docs/decisions.md "Desktop: the app lock"). The lock lives here, in the
//! Rust process, not in the page: while it is locked every command that reads or moves money
//! answers `APP_LOCKED`, whatever the UI shows. Only the payment PIN (checked by the provider,
//! wrong tries counting toward its 5-try lock) unlocks it.
//!
//! Activity is what the page reports from the user's own input (`touch`); the page's polling
//! does not keep the app awake. The state is kept in `<home>/app-lock.json`, so quitting and
//! restarting a locked (or long idle) app does not unlock it.

use std::fs;
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use wallet_core::{ErrorCode, WalletError};

/// What the page may know about the lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockState {
    pub locked: bool,
    pub lock_after_secs: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Persisted {
    locked: bool,
    /// Unix seconds of the last user activity.
    last_active: i64,
}

/// Saves the last activity at most this often (seconds).
const SAVE_EVERY: i64 = 30;

#[derive(Debug)]
struct Inner {
    locked: bool,
    last_active: i64,
    saved_active: i64,
    lock_after: i64,
}

#[derive(Debug)]
pub struct AppLock {
    inner: Mutex<Inner>,
    /// `None` in tests that keep nothing on disk.
    file: Option<PathBuf>,
}

impl AppLock {
    /// Reads the saved state: a lock that was on stays on, and so does one whose last activity
    /// is older than the idle time.
    pub fn load(file: Option<PathBuf>, lock_after_secs: u64, now: i64) -> Self {
        let saved: Persisted = file
            .as_ref()
            .and_then(|f| fs::read_to_string(f).ok())
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        let lock_after = i64::try_from(lock_after_secs).unwrap_or(i64::MAX);
        let idle_too_long = saved.last_active > 0 && now - saved.last_active >= lock_after;
        Self {
            inner: Mutex::new(Inner {
                locked: saved.locked || idle_too_long,
                last_active: now,
                saved_active: 0,
                lock_after,
            }),
            file,
        }
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn save(&self, inner: &mut Inner) {
        let Some(file) = &self.file else { return };
        let body = Persisted {
            locked: inner.locked,
            last_active: inner.last_active,
        };
        if let Ok(text) = serde_json::to_string(&body) {
            if let Err(e) = fs::write(file, text) {
                tracing::warn!(error = %e, "could not save the app-lock state");
            }
        }
        inner.saved_active = inner.last_active;
    }

    /// The gate every wallet command passes. Signed out there is nothing to protect: the lock
    /// opens and the idle clock restarts. Signed in, the app locks once idle too long.
    pub fn check(&self, signed_in: bool, now: i64) -> Result<(), WalletError> {
        let mut inner = self.inner();
        if !signed_in {
            if inner.locked {
                inner.locked = false;
                inner.last_active = now;
                self.save(&mut inner);
            }
            inner.last_active = now;
            return Ok(());
        }
        if !inner.locked && now - inner.last_active >= inner.lock_after {
            inner.locked = true;
            self.save(&mut inner);
        }
        if inner.locked {
            return Err(WalletError::from(ErrorCode::AppLocked));
        }
        Ok(())
    }

    /// The user did something (a key, a click): the idle clock restarts, unless the app has
    /// already locked (activity never unlocks).
    pub fn touch(&self, signed_in: bool, now: i64) -> LockState {
        let _ = self.check(signed_in, now);
        let mut inner = self.inner();
        if !inner.locked {
            inner.last_active = now;
            if now - inner.saved_active >= SAVE_EVERY {
                self.save(&mut inner);
            }
        }
        Self::state_of(&inner)
    }

    /// "Lock now": only signed in (signed out there is nothing to lock).
    pub fn lock_now(&self, signed_in: bool) -> LockState {
        let mut inner = self.inner();
        if signed_in && !inner.locked {
            inner.locked = true;
            self.save(&mut inner);
        }
        Self::state_of(&inner)
    }

    /// After the provider accepted the PIN.
    pub fn unlock(&self, now: i64) -> LockState {
        let mut inner = self.inner();
        inner.locked = false;
        inner.last_active = now;
        self.save(&mut inner);
        Self::state_of(&inner)
    }

    pub fn set_lock_after(&self, secs: u64) {
        self.inner().lock_after = i64::try_from(secs).unwrap_or(i64::MAX);
    }

    /// The state as the gate sees it now.
    pub fn state(&self, signed_in: bool, now: i64) -> LockState {
        let _ = self.check(signed_in, now);
        Self::state_of(&self.inner())
    }

    fn state_of(inner: &Inner) -> LockState {
        LockState {
            locked: inner.locked,
            lock_after_secs: u64::try_from(inner.lock_after).unwrap_or(0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locks_after_idle_time_and_activity_never_unlocks() {
        let lock = AppLock::load(None, 300, 1_000);
        assert!(lock.check(true, 1_299).is_ok());
        // Polling (the gate itself) does not count as activity.
        assert!(lock.check(true, 1_200).is_ok());
        let err = lock.check(true, 1_300).unwrap_err();
        assert_eq!(err.code, ErrorCode::AppLocked);
        // Activity after the lock does not open it.
        assert!(lock.touch(true, 1_301).locked);
        assert!(lock.check(true, 1_302).is_err());
        assert!(!lock.unlock(1_400).locked);
        assert!(lock.check(true, 1_401).is_ok());
        // Activity restarts the idle clock.
        lock.touch(true, 1_600);
        assert!(lock.check(true, 1_899).is_ok());
        assert!(lock.check(true, 1_900).is_err());
    }

    #[test]
    fn signed_out_there_is_nothing_to_lock() {
        let lock = AppLock::load(None, 60, 0);
        assert!(lock.check(false, 10_000).is_ok());
        assert!(!lock.lock_now(false).locked);
        assert!(lock.lock_now(true).locked);
        // Signing out (or being wiped) opens it; signing in again starts unlocked.
        assert!(lock.check(false, 10_001).is_ok());
        assert!(lock.check(true, 10_002).is_ok());
    }

    #[test]
    fn a_restart_does_not_unlock() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("app-lock.json");
        let lock = AppLock::load(Some(file.clone()), 300, 0);
        lock.lock_now(true);
        let again = AppLock::load(Some(file.clone()), 300, 10);
        assert!(again.check(true, 11).is_err());
        again.unlock(20);
        let again = AppLock::load(Some(file.clone()), 300, 30);
        assert!(again.check(true, 31).is_ok());
        // Killed while idle for longer than the lock time: locked on the next start.
        again.touch(true, 100);
        let later = AppLock::load(Some(file), 300, 100 + 300);
        assert!(later.state(true, 401).locked);
    }

    #[test]
    fn a_shorter_idle_time_applies_at_once() {
        let lock = AppLock::load(None, 1_800, 0);
        assert!(lock.check(true, 100).is_ok());
        lock.set_lock_after(60);
        assert!(lock.check(true, 100).is_err());
        assert_eq!(lock.state(true, 100).lock_after_secs, 60);
    }
}
