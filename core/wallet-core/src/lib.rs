//! `wallet-core`: the client engine every shell (CLI, desktop, mobile bindings) delegates to.
//!
//! It owns the encrypted local store (SQLCipher, key in the platform secret store), the device
//! key, the signed HTTP client, and the [`Wallet`] facade with every user flow. Shells hold no
//! business logic: they call one `Wallet` method and show its result or its [`WalletError`] code.

// With the `uniffi` feature (only `wallet-ffi` turns it on) the facade's plain data types in
// `types` carry uniffi derives, so the SDK exports them as they are instead of copies.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

mod client;
pub mod error;
mod history;
mod history_flows;
mod lost_flows;
mod money_flows;
mod pay_flows;
#[cfg(feature = "qr-image")]
mod qr_image;
mod render;
pub mod secret_store;
mod store;
#[cfg(test)]
mod test_support;
#[cfg(all(test, feature = "ts"))]
mod ts_export;
pub mod types;
#[cfg(all(test, feature = "ts"))]
mod ui_fixtures;
mod wallet;

/// The history store's queries on a bare connection, for `benches/history.rs` (the same code
/// the `Wallet` methods run). Not a stable API.
#[doc(hidden)]
pub mod bench_support {
    pub use crate::history::{match_expression, month_of, terms};
    use crate::types::{HistoryPage, HistoryQuery, MonthlySummary};

    /// Applies feed operations in one transaction.
    pub fn apply(
        conn: &rusqlite::Connection,
        ops: &[wallet_protocol::api::Operation],
    ) -> Result<(), String> {
        let tx = conn.unchecked_transaction().map_err(|e| e.to_string())?;
        crate::history::apply(&tx, ops).map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())
    }

    pub fn page(conn: &rusqlite::Connection, q: &HistoryQuery) -> Result<HistoryPage, String> {
        crate::history::page(conn, q).map_err(|e| format!("{e:?}"))
    }

    pub fn summary(conn: &rusqlite::Connection, month: &str) -> Result<MonthlySummary, String> {
        crate::history::summary(conn, month).map_err(|e| e.to_string())
    }

    /// Every schema step, in order.
    pub const MIGRATIONS: &[&str] = crate::store::MIGRATIONS;
}

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
