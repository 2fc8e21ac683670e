//! `wallet-core`: the client engine every shell (CLI, desktop, mobile bindings) delegates to.
//!
//! It owns the encrypted local store (SQLCipher, key in the platform secret store), the device
//! key, the signed HTTP client, and the [`Wallet`] facade with every user flow. Shells hold no
//! business logic: they call one `Wallet` method and show its result or its [`WalletError`] code.

mod client;
pub mod error;
mod lost_flows;
mod money_flows;
mod pay_flows;
mod qr_image;
mod render;
pub mod secret_store;
mod store;
#[cfg(test)]
mod test_support;
#[cfg(all(test, feature = "ts"))]
mod ts_export;
pub mod types;
mod wallet;

pub use error::WalletError;
#[cfg(all(
    feature = "keyring-store",
    any(target_os = "linux", target_os = "macos", target_os = "windows")
))]
pub use secret_store::KeyringSecretStore;
pub use secret_store::{SecretStore, SecretStoreError};
pub use types::*;
pub use wallet::{Wallet, WalletConfig};
pub use wallet_protocol::ErrorCode;
