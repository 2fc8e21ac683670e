//! `wallet-server`: the payment provider the Wallet app talks to.
//!
//! Sign-up and sign-in with password + OTP, device enrolment with Ed25519 keys, signed requests,
//! the device list and revocation, the SMS outbox; bank cards through a [`bank::BankGateway`],
//! the payment PIN, and top-ups and withdrawals on a double-entry ledger ([`money`]); merchants,
//! orders, QR and payment-code payments and refunds ([`pay`], [`paycode`]); transfers between
//! users and the incremental history feed ([`transfer`]). [`app`] builds the HTTP
//! router over an [`AppState`]; [`serve`] runs it. Secrets (passwords, PINs, OTPs, card numbers,
//! ID numbers, full phone numbers) are never logged.

pub mod bank;
pub mod clock;
pub mod config;
pub mod error;
pub mod extract;
pub mod lost;
pub mod money;
pub mod openapi;
pub mod otp;
pub mod pay;
pub mod paycode;
mod routes;
pub mod secrets;
pub mod serve;
pub mod sms;
pub mod state;
pub mod store;
pub mod transfer;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::Limits;
pub use error::{ApiError, ApiResult};
pub use openapi::ApiDoc;
pub use routes::app;
pub use sms::{OutboxSms, SmsSender};
pub use state::AppState;
pub use store::Store;
