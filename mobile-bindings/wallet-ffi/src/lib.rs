//! `wallet-ffi`: the uniffi export of `wallet-core` for Android (Kotlin), iOS (Swift) and Python.
//!
//! Thin on purpose: mirror types with `From` conversions and one-line delegations to
//! [`wallet_core::Wallet`]. No business logic lives here, and `wallet-core` knows nothing of
//! uniffi. Failures cross the boundary as [`WalletError`] carrying the stable `code`
//! (`DEVICE_REVOKED`, `PASSWORD_WEAK`, ...) so hosts branch on codes, never on messages.
//! The host app provides the database key's home by implementing [`SecretStore`]
//! (Android Keystore / iOS Keychain).

uniffi::setup_scaffolding!();

mod error;
mod history;
mod lost;
mod secret_store;
mod types;
mod wallet;

pub use error::WalletError;
pub use history::*;
pub use lost::*;
pub use secret_store::{SecretStore, SecretStoreError};
pub use types::*;
pub use wallet::{decode_qr, inspect_card, password_strength, Wallet};
