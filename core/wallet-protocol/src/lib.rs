//! `wallet-protocol`: the rules and shapes every part of Wallet shares, with no I/O.
//!
//! Money, phone numbers, real-name data, password policy, request signing, wire types and
//! error codes live here once, so the client and the server cannot disagree about them.

// With the `uniffi` feature (only `wallet-ffi` turns it on) the plain data types below carry
// uniffi derives, so the SDK exports them as they are instead of copies.
#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub mod api;
pub mod card;
pub mod category;
pub mod error;
pub mod identity;
pub mod money;
pub mod notice;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod password;
pub mod paycode;
pub mod phone;
pub mod pin;
pub mod qr;
pub mod signing;
pub mod source;
pub mod text;

pub use error::{ErrorCode, Problem};
pub use identity::{RealName, ResidentId};
pub use money::{Currency, Money};
pub use phone::PhoneNumber;
