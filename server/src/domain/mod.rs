//! The domain layer: one service per feature, and the decisions they make.
//!
//! Services take the [`AppState`] (the store, the ports and the limits) and answer in
//! `wallet_protocol` types or an [`ApiError`] with a stable code. They never see HTTP: the
//! [`crate::http`] layer above extracts requests and renders answers. Below are
//! [`crate::ports`] (bank, SMS, clock) and [`crate::store`] (repositories). Inside this layer
//! the dependencies also run one way: `state`, `error`, `wire` ← `standing`, `pin` ← the
//! feature services (`money` ← `pay`, `transfer`; `otp` ← `lost`).

pub mod accounts;
pub mod auth;
pub mod cards;
pub mod error;
pub mod lost;
pub mod money;
pub mod operations;
pub mod otp;
pub mod pay;
pub mod paycode;
pub mod pin;
pub mod sandbox;
pub mod standing;
pub mod state;
pub mod transfer;
pub mod wire;

pub use error::{ApiError, ApiResult};
pub use state::AppState;
