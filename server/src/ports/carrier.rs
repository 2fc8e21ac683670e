//! The carrier billing gateway: puts a payment on the phone bill of the account's number, or a
//! refund back on it as a credit (docs/rules.md §Funding sources).
//!
//! [`CarrierBilling`] is what a real operator's billing API implements; the sandbox carrier
//! ([`crate::ports::sandbox_carrier`]) is the one testers use. Like the bank, the gateway names
//! the ledger account that settles with it ([`CarrierBilling::settlement_account`]), and a bill
//! asked for again with the same reference is the same bill, never a second one.

use std::future::Future;
use std::pin::Pin;

use wallet_protocol::ErrorCode;

/// Which way money goes on the phone bill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillDirection {
    /// Onto the bill (a payment).
    Charge,
    /// Off the bill (a refund).
    Credit,
}

impl BillDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            BillDirection::Charge => "charge",
            BillDirection::Credit => "credit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    /// Our operation id; the carrier treats a repeat as the same bill.
    pub reference: String,
    /// The number billed, E.164.
    pub phone: String,
    pub direction: BillDirection,
    pub amount_minor: i64,
}

/// What the carrier says about a bill asked for earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BillStatus {
    Approved,
    Refused(CarrierError),
    /// The carrier never received it.
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CarrierError {
    #[error("the carrier declined")]
    Declined,
    /// The number's monthly cap leaves `remaining` this month.
    #[error("over the monthly cap")]
    CapReached { remaining: i64 },
    /// No answer in time: the outcome is unknown until asked again.
    #[error("the carrier did not answer in time")]
    Timeout,
    #[error("the carrier is unavailable: {0}")]
    Unavailable(String),
}

impl CarrierError {
    /// The public code for this refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            CarrierError::Declined => ErrorCode::CarrierDeclined,
            CarrierError::CapReached { .. } => ErrorCode::CarrierCapReached,
            CarrierError::Timeout | CarrierError::Unavailable(_) => ErrorCode::CarrierUnavailable,
        }
    }
}

pub type CarrierFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, CarrierError>> + Send + 'a>>;

/// A mobile operator the provider bills phone numbers through.
pub trait CarrierBilling: Send + Sync + 'static {
    /// Charges or credits the bill; a repeated reference is the same bill, never a second one.
    fn bill<'a>(&'a self, bill: &'a Bill) -> CarrierFuture<'a, ()>;
    /// The final word on a bill asked for earlier (after a timeout or a crash).
    fn bill_status<'a>(&'a self, reference: &'a str) -> CarrierFuture<'a, BillStatus>;
    /// What the number's monthly cap still allows this month (`now` in Unix seconds).
    fn monthly_remaining<'a>(&'a self, phone: &'a str, now: i64) -> CarrierFuture<'a, i64>;
    /// The ledger account (kind `carrier`) that settles with this carrier: phone-bill payments
    /// post from it, their refunds to it. Stable for the life of the books.
    fn settlement_account(&self) -> &str;
}
