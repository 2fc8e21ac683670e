//! One file per action; each handler extracts, calls one domain service, and answers.

pub(crate) mod cards;
pub(crate) mod checkout;
pub(crate) mod devices;
pub(crate) mod login;
pub(crate) mod lost;
pub(crate) mod me;
pub(crate) mod merchants;
pub(crate) mod meta;
pub(crate) mod money;
pub(crate) mod notices;
pub(crate) mod orders;
pub(crate) mod paycode;
pub(crate) mod pin;
pub(crate) mod pos;
pub(crate) mod qr;
pub(crate) mod sandbox;
pub(crate) mod signup;
pub(crate) mod sms_pay;
pub(crate) mod sources;
pub(crate) mod transfer;
pub(crate) mod verify;
