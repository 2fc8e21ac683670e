//! The provider's ports: what the domain needs from the outside world, as traits with the
//! sandbox adapters testers use (the bank, the carrier, the SMS gateway, the clock).

pub mod bank;
pub mod carrier;
pub mod clock;
/// Merchant notices out over HTTP (no sandbox twin: testers run a local receiver).
pub mod notify;
pub mod sandbox_bank;
pub mod sandbox_carrier;
pub mod sms;
