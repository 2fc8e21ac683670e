//! The bank gateway: the only part that ever sees a full card number (DESIGN §6).
//!
//! [`BankGateway`] is what a real acquirer/UnionPay adapter implements. [`SandboxBank`] is the
//! product's test mode, like a card network's: it knows a documented set of test cards (one per
//! outcome for each of the 14 banks, see [`test_cards`] and `wallet-server sandbox cards`), sends
//! its binding OTP through the SMS outbox, and keeps its books in `sandbox_bank_*` tables so a
//! transfer it made survives a restart and can be looked up by the reconciler.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::DateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};
use wallet_protocol::card::{self, Bank, CardNumber, CardScheme, CardType};
use wallet_protocol::{ErrorCode, PhoneNumber};

use crate::config::{OTP_MAX_ATTEMPTS, OTP_TTL_SECS};
use crate::ports::clock::Clock;
use crate::ports::sms::{OtpMessage, SmsSender};
use crate::secrets;
use crate::store::{CodeCheck, SandboxBinding, Store, StoreError};

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
}

/// What a sandbox test card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Binds; every transfer is approved.
    Approve,
    /// Binds; every transfer is declined.
    Decline,
    /// Binds; top-ups fail for lack of money, withdrawals to it work.
    InsufficientFunds,
    /// Binds; transfers get no answer in time but are made: the operation stays pending until
    /// the reconciler asks again and finds it approved.
    Timeout,
    /// The bank refuses to bind it: reported lost or stolen.
    CardLost,
    /// The bank refuses to bind it: its holder is someone else (every other card accepts any
    /// holder name).
    HolderMismatch,
}

impl Outcome {
    pub const ALL: [Outcome; 6] = [
        Outcome::Approve,
        Outcome::Decline,
        Outcome::InsufficientFunds,
        Outcome::Timeout,
        Outcome::CardLost,
        Outcome::HolderMismatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Approve => "approve",
            Outcome::Decline => "decline",
            Outcome::InsufficientFunds => "insufficient_funds",
            Outcome::Timeout => "timeout",
            Outcome::CardLost => "card_lost",
            Outcome::HolderMismatch => "holder_mismatch",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// One documented sandbox test card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestCard {
    pub number: String,
    pub bank: Bank,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub outcome: Outcome,
}

/// The sandbox bank's test cards: for each of the 14 banks, a debit card per outcome and an
/// approving credit card. Numbers are built from a real BIN of that bank in the BIN table and
/// end in a Luhn check digit, so `wallet card inspect` names the right bank and type.
pub fn test_cards() -> Vec<TestCard> {
    let mut cards = Vec::new();
    for bank in Bank::ALL {
        let mut push = |card_type: CardType, outcome: Outcome, marker: usize| {
            if let Some((prefix, scheme, length)) = card::test_card_prefix(bank, card_type) {
                // prefix + zeros + two-digit marker + check digit
                let fill = length.saturating_sub(prefix.len() + 3);
                let partial = format!("{prefix}{}{marker:02}", "0".repeat(fill));
                cards.push(TestCard {
                    number: card::luhn_complete(&partial),
                    bank,
                    scheme,
                    card_type,
                    outcome,
                });
            }
        };
        for (i, outcome) in Outcome::ALL.into_iter().enumerate() {
            push(CardType::Debit, outcome, i + 1);
        }
        push(CardType::Credit, Outcome::Approve, 11);
    }
    cards
}

/// The sandbox bank. Cheap to clone.
#[derive(Clone)]
pub struct SandboxBank {
    store: Store,
    sms: Arc<dyn SmsSender>,
    clock: Arc<dyn Clock>,
}

impl SandboxBank {
    pub fn new(store: Store, sms: Arc<dyn SmsSender>, clock: Arc<dyn Clock>) -> Self {
        Self { store, sms, clock }
    }

    /// The bank's token for a card: keyed with a secret the sandbox bank keeps, so the token
    /// says nothing about the number, and stable so binding the same card twice is noticed.
    async fn token_for(&self, number: &CardNumber) -> Result<String, BankError> {
        let key = self
            .store
            .sandbox_bank_key(secrets::new_id("sbk"))
            .await
            .map_err(unavailable)?;
        let mut h = Sha256::new();
        h.update(b"WALLET-SANDBOX-TOKEN-V1\n");
        h.update(key.as_bytes());
        h.update(b"\n");
        h.update(number.digits().as_bytes());
        Ok(format!("sbt_{}", &hex::encode(h.finalize())[..40]))
    }

    fn outcome_of(number: &CardNumber) -> Option<Outcome> {
        test_cards()
            .into_iter()
            .find(|c| c.number == number.digits())
            .map(|c| c.outcome)
    }
}

fn unavailable(e: StoreError) -> BankError {
    tracing::error!(error = %e, "sandbox bank storage failed");
    BankError::Unavailable("sandbox bank storage".to_owned())
}

impl BankGateway for SandboxBank {
    fn start_binding<'a>(&'a self, request: &'a BindingRequest) -> BankFuture<'a, BindingStarted> {
        Box::pin(async move {
            // Only its documented test cards exist at the sandbox bank.
            let outcome = Self::outcome_of(&request.number).ok_or(BankError::Declined)?;
            match outcome {
                Outcome::CardLost => return Err(BankError::CardLost),
                Outcome::HolderMismatch => return Err(BankError::HolderMismatch),
                _ => {}
            }
            let token = self.token_for(&request.number).await?;
            let now = self.clock.unix();
            let id = secrets::new_id("sbb");
            let code = secrets::new_otp();
            let expires_at = now + OTP_TTL_SECS;
            self.store
                .insert_sandbox_binding(SandboxBinding {
                    id: id.clone(),
                    token,
                    outcome: outcome.as_str().to_owned(),
                    code_hash: secrets::otp_hash(&id, &code),
                    created_at: now,
                    expires_at,
                })
                .await
                .map_err(unavailable)?;
            let message = OtpMessage {
                phone: request.reserved_phone.clone(),
                code,
                purpose: "card_bind",
                sent_at: DateTime::from_timestamp(now, 0).unwrap_or_default(),
            };
            self.sms
                .send_otp(&message)
                .await
                .map_err(|e| BankError::Unavailable(e.to_string()))?;
            Ok(BindingStarted {
                bank_ref: id,
                expires_at,
            })
        })
    }

    fn confirm_binding<'a>(&'a self, bank_ref: &'a str, code: &'a str) -> BankFuture<'a, String> {
        Box::pin(async move {
            let (id, code) = (bank_ref.to_owned(), code.to_owned());
            let check = self
                .store
                .check_sandbox_binding(bank_ref, self.clock.unix(), OTP_MAX_ATTEMPTS, move |h| {
                    secrets::otp_matches(&id, &code, h)
                })
                .await
                .map_err(unavailable)?;
            match check {
                CodeCheck::Confirmed(token) => Ok(token),
                CodeCheck::NotFound => Err(BankError::BindingNotFound),
                CodeCheck::Expired => Err(BankError::OtpExpired),
                CodeCheck::Wrong { tries_left } => Err(BankError::OtpInvalid { tries_left }),
            }
        })
    }

    fn transfer<'a>(&'a self, transfer: &'a Transfer) -> BankFuture<'a, ()> {
        Box::pin(async move {
            let outcome = self
                .store
                .sandbox_token_outcome(&transfer.token)
                .await
                .map_err(unavailable)?
                .and_then(|o| Outcome::parse(&o))
                .ok_or(BankError::Declined)?;
            let result = match (outcome, transfer.direction) {
                (Outcome::Decline, _) => "declined",
                (Outcome::InsufficientFunds, Direction::Debit) => "insufficient_funds",
                _ => "approved",
            };
            let recorded = self
                .store
                .record_sandbox_transfer(
                    &transfer.reference,
                    &transfer.token,
                    transfer.direction.as_str(),
                    transfer.amount_minor,
                    result,
                    self.clock.unix(),
                )
                .await
                .map_err(unavailable)?;
            if outcome == Outcome::Timeout {
                // The bank did it, but the answer never arrives.
                return Err(BankError::Timeout);
            }
            status_result(&recorded)
        })
    }

    fn transfer_status<'a>(&'a self, reference: &'a str) -> BankFuture<'a, TransferStatus> {
        Box::pin(async move {
            let found = self
                .store
                .sandbox_transfer(reference)
                .await
                .map_err(unavailable)?;
            Ok(match found {
                None => TransferStatus::NotFound,
                Some(result) => match status_result(&result) {
                    Ok(()) => TransferStatus::Approved,
                    Err(e) => TransferStatus::Refused(e),
                },
            })
        })
    }
}

fn status_result(recorded: &str) -> Result<(), BankError> {
    match recorded {
        "approved" => Ok(()),
        "insufficient_funds" => Err(BankError::InsufficientFunds),
        _ => Err(BankError::Declined),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bank_has_a_card_per_outcome_and_inspect_agrees() {
        let cards = test_cards();
        assert_eq!(cards.len(), Bank::ALL.len() * 7, "{cards:#?}");
        for c in &cards {
            let i = card::inspect(&c.number);
            assert!(i.luhn_valid && i.length_valid, "{}", c.number);
            assert_eq!(i.bank, Some(c.bank), "{}", c.number);
            assert_eq!(i.card_type, Some(c.card_type), "{}", c.number);
            assert_eq!(i.scheme, Some(c.scheme), "{}", c.number);
        }
        let mut numbers: Vec<_> = cards.iter().map(|c| &c.number).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), cards.len(), "numbers are unique");
    }
}
