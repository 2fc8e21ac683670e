//! The bank gateway: the only part that ever sees a full card number (docs/rules.md §Cards).
//!
//! [`BankGateway`] is what a real acquirer/UnionPay adapter implements; the sandbox bank
//! ([`crate::ports::sandbox_bank`]) is the one testers use. The gateway also names the ledger
//! account that settles with it ([`BankGateway::settlement_account`]): the provider's books
//! never assume which bank is on the other side.

use std::future::Future;
use std::pin::Pin;

use wallet_protocol::card::CardNumber;
use wallet_protocol::{ErrorCode, PhoneNumber};

/// What the bank needs to bind a card. The number lives only in this value.
pub struct BindingRequest {
    pub number: CardNumber,
    /// The account's real name; the bank compares it with the cardholder.
    pub holder_name: String,
    /// The phone number reserved at the bank: its OTP goes there.
    pub reserved_phone: PhoneNumber,
}

impl std::fmt::Debug for BindingRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BindingRequest")
            .field("number", &self.number)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BindingStarted {
    pub bank_ref: String,
    pub expires_at: i64,
}

/// Which way money goes between the card and the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Card → provider (top-up).
    Debit,
    /// Provider → card (withdrawal).
    Credit,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Debit => "debit",
            Direction::Credit => "credit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    /// Our operation id; the bank treats a repeat as the same transfer.
    pub reference: String,
    pub token: String,
    pub direction: Direction,
    pub amount_minor: i64,
}

/// What the bank says about a transfer asked for earlier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferStatus {
    Approved,
    Refused(BankError),
    /// The bank never received it.
    NotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("declined by the bank")]
    Declined,
    #[error("not enough money on the card")]
    InsufficientFunds,
    #[error("the card was reported lost")]
    CardLost,
    #[error("the cardholder is not the account holder")]
    HolderMismatch,
    #[error("wrong code, {tries_left} tries left")]
    OtpInvalid { tries_left: u32 },
    #[error("the code expired")]
    OtpExpired,
    #[error("no binding waits for this code")]
    BindingNotFound,
    /// No answer in time: the outcome is unknown until asked again.
    #[error("the bank did not answer in time")]
    Timeout,
    #[error("the bank is unavailable: {0}")]
    Unavailable(String),
}

impl BankError {
    /// The public code for this refusal.
    pub fn code(&self) -> ErrorCode {
        match self {
            BankError::Declined => ErrorCode::CardDeclined,
            BankError::InsufficientFunds => ErrorCode::BankInsufficientFunds,
            BankError::CardLost => ErrorCode::CardReportedLost,
            BankError::HolderMismatch => ErrorCode::CardHolderMismatch,
            BankError::OtpInvalid { .. } => ErrorCode::OtpInvalid,
            BankError::OtpExpired => ErrorCode::OtpExpired,
            BankError::BindingNotFound => ErrorCode::BindingNotFound,
            BankError::Timeout | BankError::Unavailable(_) => ErrorCode::BankUnavailable,
        }
    }

    /// The error for a stored failure code (the reconciler's answers).
    pub fn from_code(code: ErrorCode) -> Self {
        match code {
            ErrorCode::BankInsufficientFunds => BankError::InsufficientFunds,
            ErrorCode::CardReportedLost => BankError::CardLost,
            ErrorCode::CardHolderMismatch => BankError::HolderMismatch,
            _ => BankError::Declined,
        }
    }
}

pub type BankFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BankError>> + Send + 'a>>;

/// A bank (or card network) the provider binds cards with and moves money through.
pub trait BankGateway: Send + Sync + 'static {
    /// Checks the card and holder and sends the bank's OTP to the reserved phone.
    fn start_binding<'a>(&'a self, request: &'a BindingRequest) -> BankFuture<'a, BindingStarted>;
    /// Checks the OTP; answers the card's token.
    fn confirm_binding<'a>(&'a self, bank_ref: &'a str, code: &'a str) -> BankFuture<'a, String>;
    /// Moves money; a repeated reference is the same transfer, never a second one.
    fn transfer<'a>(&'a self, transfer: &'a Transfer) -> BankFuture<'a, ()>;
    /// The final word on a transfer asked for earlier (after a timeout or a crash).
    fn transfer_status<'a>(&'a self, reference: &'a str) -> BankFuture<'a, TransferStatus>;
    /// The ledger account (kind `bank`) that settles with this bank: top-ups post from it,
    /// withdrawals to it. Stable for the life of the books (e.g. `bank:sandbox`).
    fn settlement_account(&self) -> &str;
}
