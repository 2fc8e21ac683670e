//! Fixtures for the flow modules' unit tests: a wallet whose store is enrolled (as far as it
//! knows) on a given server URL, or one that is signed out.
#![allow(
    clippy::unwrap_used,
    reason = "test fixtures: a panic is a failed test"
)]

use std::path::Path;
use std::sync::Arc;

use wallet_protocol::paycode::PaycodeSeed;

use crate::store::tests::FakeSecrets;
use crate::store::{DeviceKey, ProfilePaths, Store};
use crate::types::Profile;
use crate::{Wallet, WalletConfig};

/// The port of the discard service: a request that gets through fails with a network error.
pub const NOWHERE: &str = "http://127.0.0.1:9";

pub fn config(home: &Path, url: &str) -> WalletConfig {
    WalletConfig {
        home: home.to_path_buf(),
        server_url: url.into(),
        device_name: "test".into(),
        platform: "cli".into(),
    }
}

/// A wallet signed in (as far as its store knows) on `url` as `acc_1`/`dev_1`, with `seed`.
pub fn enrolled_with(
    url: &str,
    seed: Option<&PaycodeSeed>,
) -> (tempfile::TempDir, Arc<FakeSecrets>, Wallet) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(FakeSecrets::default());
    let mut store = Store::create(&ProfilePaths::new(dir.path()), secrets.as_ref()).unwrap();
    let profile = Profile {
        account_id: "acc_1".into(),
        device_id: "dev_1".into(),
        phone: "+8613812345678".into(),
        phone_masked: "+86 138****5678".into(),
        name: "李明".into(),
        id_last4: "002X".into(),
    };
    store
        .enrol(&profile, &DeviceKey::generate(), url, seed)
        .unwrap();
    drop(store);
    let wallet = Wallet::open(config(dir.path(), url), secrets.clone()).unwrap();
    (dir, secrets, wallet)
}

pub fn enrolled(url: &str) -> (tempfile::TempDir, Arc<FakeSecrets>, Wallet) {
    enrolled_with(url, None)
}

/// A wallet with no profile.
pub fn signed_out() -> (tempfile::TempDir, Wallet) {
    let dir = tempfile::tempdir().unwrap();
    let w = Wallet::open(
        config(dir.path(), NOWHERE),
        Arc::new(FakeSecrets::default()),
    )
    .unwrap();
    (dir, w)
}
