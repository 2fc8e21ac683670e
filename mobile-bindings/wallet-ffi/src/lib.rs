//! `wallet-ffi`: the uniffi export of `wallet-core` for Android (Kotlin), iOS (Swift) and Python.
//!
//! Thin on purpose: one-line delegations to [`wallet_core::Wallet`]. The records and enums are
//! the core's and the protocol's own types (their `uniffi` feature, which only this crate turns
//! on, derives them); `types.rs` keeps only the two uniffi cannot take as they are. Failures
//! cross as [`WalletError`] carrying [`ErrorCode`] as a real enum (`DEVICE_REVOKED`,
//! `PASSWORD_WEAK`, ...) so hosts branch on codes, never on messages. The host app provides the
//! database key's home by implementing [`SecretStore`] (Android Keystore / iOS Keychain).
//!
//! Three uniffi components come out of one library: `wallet_protocol`, `wallet_core` and this
//! crate; each crate's `uniffi.toml` names its Kotlin package under `com.walletpay.sdk` and the
//! one Swift module they share.

uniffi::setup_scaffolding!();

mod error;
mod history;
mod lost;
mod secret_store;
mod types;
mod wallet;

pub use error::WalletError;
pub use history::*;
pub use lost::EventListener;
pub use secret_store::{SecretStore, SecretStoreError};
pub use types::*;
pub use wallet::{decode_qr, inspect_card, Wallet};
