//! `wallet-server`: the payment provider the Wallet app talks to.
//!
//! Sign-up and sign-in with password + OTP, device enrolment with Ed25519 keys, signed requests,
//! the device list and revocation, the SMS outbox; bank cards through a [`bank::BankGateway`],
//! the payment PIN, and top-ups and withdrawals on a double-entry ledger ([`money`]); merchants,
//! orders, QR and payment-code payments and refunds ([`pay`], [`paycode`]); transfers between
//! users and the incremental history feed ([`transfer`]). [`app`] builds the HTTP
//! router over an [`AppState`]; [`serve`] runs it. Secrets (passwords, PINs, OTPs, card numbers,
//! ID numbers, full phone numbers) are never logged.

pub mod config;
pub mod domain;
pub mod http;
pub mod ports;
pub mod secrets;
pub mod serve;
pub mod store;
pub mod telemetry;

pub use config::Limits;
pub use domain::{ApiError, ApiResult, AppState};
pub use http::app;
pub use http::openapi::ApiDoc;
pub use ports::clock::{Clock, ManualClock, SystemClock};
pub use ports::sms::{OutboxSms, SmsSender};
pub use store::Store;
