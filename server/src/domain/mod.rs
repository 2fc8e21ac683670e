//! The domain layer: one service per feature, and the decisions they make.
//!
//! Services take the [`AppState`] (the store, the ports and the limits) and answer in
//! `wallet_protocol` types or an [`ApiError`] with a stable code. They never see HTTP: the
//! [`crate::http`] layer above extracts requests (headers, path, body, client IP,
//! `Idempotency-Key`), makes one call here, and renders the answer. Below are
//! [`crate::ports`] (bank, SMS, clock) and [`crate::store`] (repositories).
//!
//! The services:
//! - [`auth`]: signed-request authentication (timestamp, device, signature, nonce, revocation).
//! - [`accounts`]: sign-up, sign-in (password, or SMS only), verify + enrol, the signed-in
//!   account, the device list and revocation.
//! - [`pin`]: the payment PIN's status, set, change and reset, and the counted check every
//!   PIN-protected flow runs.
//! - [`cards`]: bind (the number goes to the bank gateway only), verify, list, default,
//!   unbind, report lost.
//! - [`money`]: top-ups, withdrawals, the balance, the reconciler; [`operations`]: one
//!   operation by id.
//! - [`pay`]: merchants and their API keys, orders, scan-to-pay, payment codes, refunds
//!   ([`paycode`]: the in-memory code index).
//! - [`checkout`]: web checkout: the checkout page's link, its `return_url`, "pay with my
//!   phone number" (the money moves through [`pay`]).
//! - [`transfer`]: transfers between users and the history feed.
//! - [`notices`]: merchant notices: `notify_url`, the notice secret, the delivery state and
//!   the deliverer (the notices themselves are written by the database with each order change).
//! - [`lost`]: report-lost, freeze, unfreeze, cooling-off, the security log, device events,
//!   settings, phone-number change.
//! - [`sandbox`]: the tester endpoints (the SMS outbox).
//! - [`sms_pay`]: SMS payment ("reply Y"): inbound messages, references, the account's switch,
//!   merchants' product codes and service numbers; pays through [`pay`].
//! - [`support`]: the operator's tools (support freeze and lookup, the ledger check).
//! - [`ops`]: what operators watch: readiness (`/readyz`) and the counters (`/metrics`).
//! - [`guards`]: this instance's per-IP flood limit of the signed-out routes and the Argon2
//!   slots every password hash or check runs in.
//! - [`rules`]: the money decisions as pure functions (admission, settlement postings), which
//!   the store applies inside its transactions.
//!
//! Inside this layer the dependencies also run one way: `error` ← `guards` ← `state`, `wire` ←
//! `rules`, `standing`, `otp` ← `pin` ← the feature services (`money` ← `pay`, `transfer`,
//! `operations`; `pay` ← `accounts` for a new device's payment-code seed).

pub mod accounts;
pub mod auth;
pub mod cards;
pub mod checkout;
pub mod error;
pub mod guards;
pub mod lost;
pub mod money;
pub mod notices;
pub mod operations;
pub mod ops;
pub mod otp;
pub mod pay;
pub mod paycode;
pub mod pin;
pub mod rules;
pub mod sandbox;
pub mod sms_pay;
pub mod sources;
pub mod standing;
pub mod state;
pub mod support;
pub mod transfer;
pub mod wire;

pub use error::{ApiError, ApiResult};
pub use state::AppState;
