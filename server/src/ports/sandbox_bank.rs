//! The sandbox bank: the product's test mode, like a card network's. It knows a documented set
//! of test cards (one per outcome for each of the 14 banks, see [`test_cards`] and
//! `wallet-server sandbox cards`), sends its binding OTP through the SMS outbox, and keeps its
//! own books: the `sandbox_bank_*` tables, which only this adapter reads or writes (its queries
//! are the `books` functions below, run on the provider's database through
//! [`Store::run_raw`]), so a transfer it made survives a restart and the reconciler can look
//! it up. It settles with the ledger through [`SETTLEMENT_ACCOUNT`].

use std::sync::Arc;

use chrono::DateTime;
use serde::Serialize;
use sha2::{Digest, Sha256};
use wallet_protocol::card::{self, Bank, CardNumber, CardScheme, CardType};

use crate::config::{OTP_MAX_ATTEMPTS, OTP_TTL_SECS};
use crate::ports::bank::{
    BankError, BankFuture, BankGateway, BindingRequest, BindingStarted, Direction, Transfer,
    TransferStatus,
};
use crate::ports::clock::Clock;
use crate::ports::sms::{OtpMessage, SmsSender};
use crate::secrets;
use crate::store::{CodeCheck, Store, StoreError};

/// The ledger account the sandbox bank settles through.
pub const SETTLEMENT_ACCOUNT: &str = "bank:sandbox";

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
        let key = books::token_key(&self.store, secrets::new_id("sbk"))
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
            books::insert_binding(
                &self.store,
                books::Binding {
                    id: id.clone(),
                    token,
                    outcome: outcome.as_str().to_owned(),
                    code_hash: secrets::otp_hash(&id, &code),
                    created_at: now,
                    expires_at,
                },
            )
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
            let check = books::check_binding(
                &self.store,
                bank_ref,
                self.clock.unix(),
                OTP_MAX_ATTEMPTS,
                move |h| secrets::otp_matches(&id, &code, h),
            )
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
            let outcome = books::token_outcome(&self.store, &transfer.token)
                .await
                .map_err(unavailable)?
                .and_then(|o| Outcome::parse(&o))
                .ok_or(BankError::Declined)?;
            let result = match (outcome, transfer.direction) {
                (Outcome::Decline, _) => "declined",
                (Outcome::InsufficientFunds, Direction::Debit) => "insufficient_funds",
                _ => "approved",
            };
            let recorded = books::record_transfer(
                &self.store,
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

    fn settlement_account(&self) -> &str {
        SETTLEMENT_ACCOUNT
    }

    fn transfer_status<'a>(&'a self, reference: &'a str) -> BankFuture<'a, TransferStatus> {
        Box::pin(async move {
            let found = books::transfer(&self.store, reference)
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

/// The sandbox bank's own tables (`sandbox_bank_meta`, `_bindings`, `_tokens`, `_transfers`).
mod books {
    use crate::store::codes::{judge_code, CodeCheck, StoredCode};
    use crate::store::db::{params, Behavior, OptionalExtension};
    use crate::store::{Store, StoreError};

    /// A binding waiting for the bank's OTP.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Binding {
        pub id: String,
        pub token: String,
        pub outcome: String,
        pub code_hash: String,
        pub created_at: i64,
        pub expires_at: i64,
    }

    /// The sandbox bank's token key: `candidate` is stored the first time.
    pub async fn token_key(store: &Store, candidate: String) -> Result<String, StoreError> {
        store.run_raw(move |c| {
        c.execute(
            "INSERT INTO sandbox_bank_meta (name, value) VALUES ('token_key', ?1) ON CONFLICT (name) DO NOTHING",
            [&candidate],
        )?;
        c.query_row(
            "SELECT value FROM sandbox_bank_meta WHERE name = 'token_key'",
            [],
            |r| r.get(0),
        )
    })
    .await
    }

    pub async fn insert_binding(store: &Store, b: Binding) -> Result<(), StoreError> {
        store.run_raw(move |c| {
        c.execute(
            "INSERT INTO sandbox_bank_bindings (id, token, outcome, code_hash, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![b.id, b.token, b.outcome, b.code_hash, b.created_at, b.expires_at],
        )?;
        Ok(())
    })
    .await
    }

    /// Checks the sandbox bank's OTP for a binding; the right code registers the token.
    pub async fn check_binding<F>(
        store: &Store,
        id: &str,
        now: i64,
        max_attempts: u32,
        code_matches: F,
    ) -> Result<CodeCheck, StoreError>
    where
        F: FnOnce(&str) -> bool + Send + 'static,
    {
        let id = id.to_owned();
        store.run_raw(move |c| {
        let tx = c.transaction_with_behavior(Behavior::Immediate)?;
        let row: Option<(String, String, String, i64, u32)> = tx
            .query_row(
                "SELECT token, outcome, code_hash, expires_at, failed_attempts FROM sandbox_bank_bindings
                 WHERE id = ?1 AND consumed_at IS NULL",
                [&id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((token, outcome, hash, expires_at, failed)) = row else {
            return Ok(CodeCheck::NotFound);
        };
        let code = StoredCode {
            table: "sandbox_bank_bindings",
            id: &id,
            hash: &hash,
            expires_at,
            failed,
        };
        if let Some(refused) = judge_code(&tx, &code, now, max_attempts, code_matches)? {
            tx.commit()?;
            return Ok(refused);
        }
        tx.execute(
            "INSERT INTO sandbox_bank_tokens (token, outcome) VALUES (?1, ?2)
             ON CONFLICT (token) DO UPDATE SET outcome = excluded.outcome",
            params![token, outcome],
        )?;
        tx.commit()?;
        Ok(CodeCheck::Confirmed(token))
    })
    .await
    }

    pub async fn token_outcome(store: &Store, token: &str) -> Result<Option<String>, StoreError> {
        let t = token.to_owned();
        store
            .run_raw(move |c| {
                c.query_row(
                    "SELECT outcome FROM sandbox_bank_tokens WHERE token = ?1",
                    [&t],
                    |r| r.get(0),
                )
                .optional()
            })
            .await
    }

    /// Records a transfer once; a repeated reference answers the first result.
    pub async fn record_transfer(
        store: &Store,
        reference: &str,
        token: &str,
        direction: &str,
        amount: i64,
        result: &str,
        now: i64,
    ) -> Result<String, StoreError> {
        let (r, t, d, res) = (
            reference.to_owned(),
            token.to_owned(),
            direction.to_owned(),
            result.to_owned(),
        );
        store.run_raw(move |c| {
        c.execute(
            "INSERT INTO sandbox_bank_transfers (reference, token, direction, amount, outcome, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (reference) DO NOTHING",
            params![r, t, d, amount, res, now],
        )?;
        c.query_row(
            "SELECT outcome FROM sandbox_bank_transfers WHERE reference = ?1",
            [&r],
            |row| row.get(0),
        )
    })
    .await
    }

    pub async fn transfer(store: &Store, reference: &str) -> Result<Option<String>, StoreError> {
        let r = reference.to_owned();
        store
            .run_raw(move |c| {
                c.query_row(
                    "SELECT outcome FROM sandbox_bank_transfers WHERE reference = ?1",
                    [&r],
                    |row| row.get(0),
                )
                .optional()
            })
            .await
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
