//! Cards, the payment PIN, the double-entry ledger, money operations and the sandbox bank's
//! books: [`Store`] methods and their SQLite queries.
//!
//! Ledger rules (docs/rules.md §Ledger): every movement is one `ledger_transactions` row whose entries sum to
//! zero; each `ledger_accounts.balance` moves in the same database transaction as its entries;
//! the schema refuses a customer or clearing balance below zero; an operation's
//! `(account, Idempotency-Key)` is unique.

use super::db::{params, Behavior, Db, OptionalExtension, Row};

use super::codes::{judge_code, CodeCheck, StoredCode};
use super::journal::{record_change, SecurityChange};
use super::{Backend, Store, StoreError};

/// Withdrawals reserved from a wallet, on their way to a card.
pub const CLEARING_ACCOUNT: &str = "clearing:withdrawals";
/// Refunds to a card or the phone bill reserved from the merchant, on their way to the gateway.
pub const REFUND_CLEARING_ACCOUNT: &str = "clearing:refunds";
pub const FEES_ACCOUNT: &str = "fees";

pub fn wallet_account(account_id: &str) -> String {
    format!("wallet:{account_id}")
}

// --- rows ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardRow {
    pub id: String,
    pub account_id: String,
    pub token: String,
    pub bank: Option<String>,
    pub scheme: String,
    pub card_type: String,
    pub last4: String,
    pub status: String,
    pub is_default: bool,
    pub bound_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardBindingRow {
    pub id: String,
    pub account_id: String,
    pub bank_ref: String,
    pub bank: Option<String>,
    pub scheme: String,
    pub card_type: String,
    pub last4: String,
    pub created_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindOutcome {
    Bound(Box<CardRow>),
    AlreadyBound,
    NotFound,
}

/// What checking a PIN may go on with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinTry {
    NotSet,
    Locked {
        until: i64,
    },
    /// Counted as a try in flight; check `hash` and report with [`Store::finish_pin_try`].
    Go {
        hash: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinVerdict {
    Right,
    Wrong { tries_left: u32 },
    Locked { until: i64 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinRow {
    pub locked_until: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    Topup,
    Withdrawal,
    /// Wallet → merchant (QR code, payment code, remote order).
    Payment,
    /// Merchant → wallet.
    Refund,
    /// Wallet → another user's wallet (the sender's side).
    TransferOut,
    /// Another user's wallet → this wallet (the recipient's side).
    TransferIn,
}

impl OpKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Topup => "topup",
            OpKind::Withdrawal => "withdrawal",
            OpKind::Payment => "payment",
            OpKind::Refund => "refund",
            OpKind::TransferOut => "transfer_out",
            OpKind::TransferIn => "transfer_in",
        }
    }

    pub(super) fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "topup" => Ok(OpKind::Topup),
            "withdrawal" => Ok(OpKind::Withdrawal),
            "payment" => Ok(OpKind::Payment),
            "refund" => Ok(OpKind::Refund),
            "transfer_out" => Ok(OpKind::TransferOut),
            "transfer_in" => Ok(OpKind::TransferIn),
            other => Err(StoreError::Corrupt(format!("operation kind {other:?}"))),
        }
    }
}

/// Operation states as stored. `Processing` shows as `pending` on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpStatus {
    Processing,
    Pending,
    Succeeded,
    Failed,
}

impl OpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OpStatus::Processing => "processing",
            OpStatus::Pending => "pending",
            OpStatus::Succeeded => "succeeded",
            OpStatus::Failed => "failed",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        match s {
            "processing" => Ok(OpStatus::Processing),
            "pending" => Ok(OpStatus::Pending),
            "succeeded" => Ok(OpStatus::Succeeded),
            "failed" => Ok(OpStatus::Failed),
            other => Err(StoreError::Corrupt(format!("operation status {other:?}"))),
        }
    }

    pub fn is_final(self) -> bool {
        matches!(self, OpStatus::Succeeded | OpStatus::Failed)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRow {
    pub id: String,
    pub account_id: String,
    pub kind: OpKind,
    pub status: OpStatus,
    pub amount: i64,
    pub fee: i64,
    pub currency: String,
    /// The card of a top-up or withdrawal.
    pub card_id: Option<String>,
    /// The merchant, order and channel of a payment or refund.
    pub merchant_id: Option<String>,
    pub order_id: Option<String>,
    pub channel: Option<String>,
    /// The other user of a transfer, as shown when it was made.
    pub counterparty: Option<CounterpartyRow>,
    /// Links the two sides of a transfer.
    pub transfer_id: Option<String>,
    /// The sender's note on a transfer.
    pub note: Option<String>,
    pub idempotency_key: String,
    pub request_hash: String,
    pub failure_code: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// Increases server-wide at every insert or change of the row (the history cursor).
    pub seq: i64,
    /// A payment's funding source (a refund's: the payment's), as stored: `balance`,
    /// `card:<id>` or `carrier`; `None` for other kinds and for payments before sources.
    pub source: Option<String>,
}

impl OperationRow {
    /// Whether a gateway (bank or carrier) settles this payment or refund.
    pub fn via_gateway(&self) -> bool {
        matches!(self.kind, OpKind::Payment | OpKind::Refund)
            && self.source.as_deref().is_some_and(|s| s != "balance")
    }

    /// Whether the phone bill is this payment's or refund's source.
    pub fn via_carrier(&self) -> bool {
        self.source.as_deref() == Some("carrier")
    }

    /// The card this operation moved money with: a top-up's or withdrawal's, or a card
    /// payment's (and its refunds').
    pub fn any_card_id(&self) -> Option<&str> {
        self.card_id
            .as_deref()
            .or_else(|| self.source.as_deref().and_then(|s| s.strip_prefix("card:")))
    }
}

/// The other side of a transfer: the account and how it is shown (masked when stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CounterpartyRow {
    pub account_id: String,
    pub name_masked: String,
    pub phone_masked: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOperation {
    pub id: String,
    pub account_id: String,
    pub kind: OpKind,
    pub amount: i64,
    pub fee: i64,
    pub currency: String,
    pub card_id: String,
    pub idempotency_key: String,
    pub request_hash: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeginOutcome {
    /// Stored as `processing` (a withdrawal's money is already reserved): ask the bank now.
    Created(OperationRow),
    /// The same key and request came before: here is that operation.
    Existing(OperationRow),
    /// The same key came before with a different request.
    KeyReused,
    /// The admission rule (or the schema's non-negative balance) refused it: nothing written.
    Refused(Refusal),
}

/// What the admission rule reads about the account, inside the operation's transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdmissionFacts {
    pub frozen: bool,
    pub cooling_off_until: Option<i64>,
    /// What has left the account (withdrawals, transfers, merchant payments) since the running
    /// cooling-off started; 0 when none runs.
    pub cooling_off_spent: i64,
    /// The account's total of this kind since the day started (failed operations excluded).
    pub used_today: i64,
    /// The wallet's balance in minor units.
    pub balance: i64,
}

/// Why an operation was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The account is frozen (lost phone).
    Frozen,
    /// Over what may still leave the account (`remaining`) while a cooling-off runs until
    /// `until`.
    CoolingOff {
        until: i64,
        remaining: i64,
    },
    DailyLimit {
        remaining: i64,
    },
    BalanceInsufficient {
        balance: i64,
    },
}

/// How an operation ends, as the posting rule plans it: its status, failure code, and the
/// ledger transaction (kind, legs) to post with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settlement {
    pub status: OpStatus,
    pub failure: Option<String>,
    pub posting: Option<(&'static str, Vec<Leg>)>,
    /// What the answer does to the operation's order (card and carrier payments, refunds).
    pub order: Option<OrderEffect>,
}

/// What a gateway's answer does to the order of a payment or refund.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderEffect {
    /// The payment went through: the order is paid by this operation.
    Paid,
    /// The payment failed: the order no longer waits for it (open again, or expired if its
    /// time is up).
    Release,
    /// The refund failed: the amount is no longer counted as refunded.
    RefundReleased,
}

/// One leg of a ledger transaction: `amount` (signed, minor units) on `account` of `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leg {
    pub account: String,
    pub kind: &'static str,
    pub amount: i64,
}

/// The bank's final (or not yet final) word on an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Approved,
    Failed(String),
    /// Still unknown: keep it for the reconciler.
    Pending,
}

/// Sums the invariant check found: what `ledger_check` reports when all is well.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerTotals {
    pub accounts: i64,
    pub transactions: i64,
    pub entries: i64,
    pub customer_total: i64,
}

impl Store {
    // --- payment PIN ---

    pub async fn pin(&self, account_id: &str) -> Result<Option<PinRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| c
            .query_row(
                "SELECT locked_until FROM payment_pins WHERE account_id = ?1",
                [&a],
                |r| Ok(PinRow {
                    locked_until: r.get(0)?
                }),
            )
            .optional())
    }

    /// Stores a new PIN hash. With `only_if_unset`, refuses (`false`) when one exists; otherwise
    /// replaces it and clears any lock (a change). `change` is journalled in the same
    /// transaction.
    pub async fn store_pin(
        &self,
        account_id: &str,
        hash: String,
        now: i64,
        only_if_unset: bool,
        change: Option<SecurityChange>,
    ) -> Result<bool, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let exists: bool = tx
                .query_row(
                    "SELECT 1 FROM payment_pins WHERE account_id = ?1",
                    [&a],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if exists && only_if_unset {
                return Ok(false);
            }
            upsert_pin(&tx, &a, &hash, now)?;
            if let Some(change) = &change {
                record_change(&tx, &a, change, now)?;
            }
            tx.commit()?;
            Ok(true)
        })
    }

    /// Starts a PIN check: refuses while locked, and counts this try before the (slow) hash
    /// check, so a crash between the check and [`Store::finish_pin_try`] still counts it.
    /// Callers run one check per account at a time.
    pub async fn begin_pin_try(
        &self,
        account_id: &str,
        now: i64,
        max_failures: u32,
        lock_secs: i64,
    ) -> Result<PinTry, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let row: Option<(String, u32, Option<i64>)> = tx
                .query_row(
                    "SELECT pin_hash, failed_count, locked_until FROM payment_pins WHERE account_id = ?1",
                    [&a],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((hash, failed, locked_until)) = row else {
                return Ok(PinTry::NotSet);
            };
            if let Some(until) = locked_until.filter(|u| *u > now) {
                return Ok(PinTry::Locked { until });
            }
            if failed >= max_failures {
                let until = now + lock_secs;
                tx.execute(
                    "UPDATE payment_pins SET locked_until = ?2, failed_count = 0, updated_at = ?3 WHERE account_id = ?1",
                    params![a, until, now],
                )?;
                tx.commit()?;
                return Ok(PinTry::Locked { until });
            }
            tx.execute(
                "UPDATE payment_pins SET failed_count = failed_count + 1, locked_until = NULL WHERE account_id = ?1",
                [&a],
            )?;
            tx.commit()?;
            Ok(PinTry::Go { hash })
        })
    }

    /// Reports the hash check of a try begun with [`Store::begin_pin_try`].
    pub async fn finish_pin_try(
        &self,
        account_id: &str,
        right: bool,
        now: i64,
        max_failures: u32,
        lock_secs: i64,
    ) -> Result<PinVerdict, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            if right {
                tx.execute(
                    "UPDATE payment_pins SET failed_count = 0, locked_until = NULL WHERE account_id = ?1",
                    [&a],
                )?;
                tx.commit()?;
                return Ok(PinVerdict::Right);
            }
            let failed: u32 = tx.query_row(
                "SELECT failed_count FROM payment_pins WHERE account_id = ?1",
                [&a],
                |r| r.get(0),
            )?;
            if failed >= max_failures {
                let until = now + lock_secs;
                tx.execute(
                    "UPDATE payment_pins SET locked_until = ?2, failed_count = 0, updated_at = ?3 WHERE account_id = ?1",
                    params![a, until, now],
                )?;
                tx.commit()?;
                return Ok(PinVerdict::Locked { until });
            }
            tx.commit()?;
            Ok(PinVerdict::Wrong {
                tries_left: max_failures - failed,
            })
        })
    }

    /// Checks the OTP of a PIN-reset challenge of `account_id` and, when right, stores the new
    /// PIN hash (clearing any lock) and journals `change` (log, device event, cooling-off) in
    /// the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub async fn reset_pin_with_challenge<F>(
        &self,
        challenge_id: &str,
        account_id: &str,
        now: i64,
        max_attempts: u32,
        code_matches: F,
        new_hash: String,
        change: SecurityChange,
    ) -> Result<CodeCheck, StoreError>
    where
        F: FnOnce(&str) -> bool + Send + 'static,
    {
        let (id, a) = (challenge_id.to_owned(), account_id.to_owned());
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let row: Option<(String, i64, u32)> = tx
                .query_row(
                    "SELECT code_hash, expires_at, failed_attempts FROM challenges
                     WHERE id = ?1 AND account_id = ?2 AND purpose = 'pin_reset' AND consumed_at IS NULL",
                    params![id, a],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let Some((hash, expires_at, failed)) = row else {
                return Ok(CodeCheck::NotFound);
            };
            let code = StoredCode {
                table: "challenges",
                id: &id,
                hash: &hash,
                expires_at,
                failed,
            };
            if let Some(refused) = judge_code(&tx, &code, now, max_attempts, code_matches)? {
                tx.commit()?;
                return Ok(refused);
            }
            upsert_pin(&tx, &a, &new_hash, now)?;
            record_change(&tx, &a, &change, now)?;
            tx.commit()?;
            Ok(CodeCheck::Confirmed(String::new()))
        })
    }

    // --- cards ---

    pub async fn insert_card_binding(&self, b: CardBindingRow) -> Result<(), StoreError> {
        on_backend!(self, |c| {
            c.execute(
                "INSERT INTO card_bindings (id, account_id, bank_ref, bank, scheme, card_type, last4, created_at, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![b.id, b.account_id, b.bank_ref, b.bank, b.scheme, b.card_type, b.last4, b.created_at, b.expires_at],
            )?;
            Ok(())
        })
    }

    /// A binding of this account that is not yet used.
    pub async fn card_binding(
        &self,
        account_id: &str,
        binding_id: &str,
    ) -> Result<Option<CardBindingRow>, StoreError> {
        let (a, b) = (account_id.to_owned(), binding_id.to_owned());
        on_backend!(self, |c| {
            c
            .query_row(
                "SELECT id, account_id, bank_ref, bank, scheme, card_type, last4, created_at, expires_at
                 FROM card_bindings WHERE id = ?1 AND account_id = ?2 AND consumed_at IS NULL",
                params![b, a],
                |r| Ok(CardBindingRow {
                    id: r.get(0)?,
                    account_id: r.get(1)?,
                    bank_ref: r.get(2)?,
                    bank: r.get(3)?,
                    scheme: r.get(4)?,
                    card_type: r.get(5)?,
                    last4: r.get(6)?,
                    created_at: r.get(7)?,
                    expires_at: r.get(8)?,
                }),
            )
            .optional()
        })
    }

    /// Turns a confirmed binding into a card. The first card becomes the default.
    pub async fn complete_card_binding(
        &self,
        binding: CardBindingRow,
        card_id: String,
        token: String,
        now: i64,
    ) -> Result<BindOutcome, StoreError> {
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let consumed = tx.execute(
                "UPDATE card_bindings SET consumed_at = ?2 WHERE id = ?1 AND consumed_at IS NULL",
                params![binding.id, now],
            )?;
            if consumed == 0 {
                return Ok(BindOutcome::NotFound);
            }
            let taken: bool = tx
                .query_row(
                    "SELECT 1 FROM cards WHERE account_id = ?1 AND token = ?2 AND unbound_at IS NULL",
                    params![binding.account_id, token],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            if taken {
                tx.commit()?;
                return Ok(BindOutcome::AlreadyBound);
            }
            let has_default: bool = tx
                .query_row(
                    "SELECT 1 FROM cards WHERE account_id = ?1 AND unbound_at IS NULL AND is_default = 1",
                    [&binding.account_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            tx.execute(
                "INSERT INTO cards (id, account_id, token, bank, scheme, card_type, last4, status, is_default, bound_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'active', ?8, ?9)",
                params![card_id, binding.account_id, token, binding.bank, binding.scheme, binding.card_type, binding.last4, !has_default, now],
            )?;
            let row = card_row(&tx, &binding.account_id, &card_id)?
                .ok_or_else(|| StoreError::Corrupt("card vanished".to_owned()))?;
            tx.commit()?;
            Ok(BindOutcome::Bound(Box::new(row)))
        })
    }

    /// Bound cards: default first, then newest.
    pub async fn cards(&self, account_id: &str) -> Result<Vec<CardRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {CARD_COLUMNS} FROM cards WHERE account_id = ?1 AND unbound_at IS NULL
                 ORDER BY is_default DESC, bound_at DESC, id"
            ))?;
            let rows = stmt.query_map([&a], card_from)?;
            rows.collect::<Result<_, _>>()
        })
    }

    pub async fn card(
        &self,
        account_id: &str,
        card_id: &str,
    ) -> Result<Option<CardRow>, StoreError> {
        let (a, id) = (account_id.to_owned(), card_id.to_owned());
        on_backend!(self, |c| card_row(c, &a, &id))
    }

    /// Any bound card, also an unbound one (operations keep pointing at it).
    pub async fn card_any(&self, card_id: &str) -> Result<Option<CardRow>, StoreError> {
        let id = card_id.to_owned();
        on_backend!(self, |c| c
            .query_row(
                &format!("SELECT {CARD_COLUMNS} FROM cards WHERE id = ?1"),
                [&id],
                card_from
            )
            .optional())
    }

    pub async fn set_default_card(
        &self,
        account_id: &str,
        card_id: &str,
    ) -> Result<Option<CardRow>, StoreError> {
        let (a, id) = (account_id.to_owned(), card_id.to_owned());
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            if card_row(&tx, &a, &id)?.is_none() {
                return Ok(None);
            }
            tx.execute(
                "UPDATE cards SET is_default = CASE WHEN id = ?2 THEN 1 ELSE 0 END WHERE account_id = ?1 AND unbound_at IS NULL",
                params![a, id],
            )?;
            let row = card_row(&tx, &a, &id)?;
            tx.commit()?;
            Ok(row)
        })
    }

    /// Unbinds a card; the newest remaining card becomes the default if it was.
    pub async fn unbind_card(
        &self,
        account_id: &str,
        card_id: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (a, id) = (account_id.to_owned(), card_id.to_owned());
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let n = tx.execute(
                "UPDATE cards SET unbound_at = ?3, is_default = 0 WHERE account_id = ?1 AND id = ?2 AND unbound_at IS NULL",
                params![a, id, now],
            )?;
            tx.execute(
                "UPDATE cards SET is_default = 1 WHERE id = (
                     SELECT id FROM cards WHERE account_id = ?1 AND unbound_at IS NULL ORDER BY bound_at DESC, id LIMIT 1)
                 AND NOT EXISTS (SELECT 1 FROM cards WHERE account_id = ?1 AND unbound_at IS NULL AND is_default = 1)",
                [&a],
            )?;
            tx.commit()?;
            Ok(n > 0)
        })
    }

    pub async fn suspend_card(
        &self,
        account_id: &str,
        card_id: &str,
    ) -> Result<Option<CardRow>, StoreError> {
        let (a, id) = (account_id.to_owned(), card_id.to_owned());
        on_backend!(self, |c| {
            c.execute(
                "UPDATE cards SET status = 'suspended' WHERE account_id = ?1 AND id = ?2 AND unbound_at IS NULL",
                params![a, id],
            )?;
            card_row(c, &a, &id)
        })
    }

    // --- operations and the ledger ---

    /// Starts an operation in one transaction: finds an earlier one with the same key, reads
    /// the account's [`AdmissionFacts`] and lets `admit` (the domain's rule) decide; then
    /// stores it and, for a withdrawal, reserves the money from the wallet. The decision and
    /// the writes see the same facts: the account's writers wait for this transaction.
    pub async fn begin_operation<A>(
        &self,
        op: NewOperation,
        now: i64,
        day_start: i64,
        admit: A,
    ) -> Result<BeginOutcome, StoreError>
    where
        A: FnOnce(&NewOperation, &AdmissionFacts) -> Result<(), Refusal> + Send + 'static,
    {
        on_backend!(self, |c| {
            // Only writers of this account wait: freezes and sign-ins are `Immediate` and exclude it.
            let tx = c.transaction_locking(&[&op.account_id])?;
            if let Some(existing) = operation_by_key(&tx, &op.account_id, &op.idempotency_key)? {
                return Ok(if existing.request_hash == op.request_hash {
                    BeginOutcome::Existing(existing)
                } else {
                    BeginOutcome::KeyReused
                });
            }
            let wallet = wallet_account(&op.account_id);
            let facts = admission_facts(&tx, &op.account_id, op.kind, day_start, now)?;
            if let Err(refusal) = admit(&op, &facts) {
                return Ok(BeginOutcome::Refused(refusal));
            }
            tx.execute(
                "INSERT INTO operations (id, account_id, kind, status, amount, fee, currency, card_id,
                     idempotency_key, request_hash, failure_code, created_at, updated_at)
                 VALUES (?1, ?2, ?3, 'processing', ?4, ?5, ?6, ?7, ?8, ?9, NULL, ?10, ?10)",
                params![op.id, op.account_id, op.kind.as_str(), op.amount, op.fee, op.currency,
                    op.card_id, op.idempotency_key, op.request_hash, now],
            )?;
            if op.kind == OpKind::Withdrawal {
                let reserved = post(
                    &tx,
                    &op.id,
                    "withdrawal_reserve",
                    &op.currency,
                    &[
                        (&wallet, "customer", -op.amount),
                        (CLEARING_ACCOUNT, "clearing", op.amount),
                    ],
                    now,
                );
                match reserved {
                    Ok(()) => {}
                    // The schema's own guard: a balance below zero is refused.
                    Err(e) if e.is_check_violation() => {
                        let balance = account_balance(&tx, &wallet)?;
                        return Ok(BeginOutcome::Refused(Refusal::BalanceInsufficient {
                            balance,
                        }));
                    }
                    Err(e) => return Err(e),
                }
            }
            let row = operation_row(&tx, &op.id)?
                .ok_or_else(|| StoreError::Corrupt("operation vanished".to_owned()))?;
            tx.commit()?;
            Ok(BeginOutcome::Created(row))
        })
    }

    /// Records the bank's answer as `settle` (the domain's posting rule) plans it for the
    /// operation. Final operations are never touched again, so a late or repeated answer
    /// cannot post twice; `settle` answering `None` (a kind no bank settles) is refused.
    pub async fn finish_operation<S>(
        &self,
        operation_id: &str,
        now: i64,
        settle: S,
    ) -> Result<OperationRow, StoreError>
    where
        S: FnOnce(&OperationRow) -> Option<Settlement> + Send + 'static,
    {
        let id = operation_id.to_owned();
        on_backend!(self, |c| {
            let (account, order): (String, Option<String>) = c
                .query_row(
                    "SELECT account_id, order_id FROM operations WHERE id = ?1",
                    [&id],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?
                .ok_or_else(|| StoreError::Corrupt(format!("no operation {id}")))?;
            // The order's payers wait too: a payment's answer moves the order.
            let order_key = order.map(|o| format!("order:{o}"));
            let mut keys = vec![account.as_str()];
            keys.extend(order_key.as_deref());
            let tx = c.transaction_locking(&keys)?;
            let op = operation_row(&tx, &id)?
                .ok_or_else(|| StoreError::Corrupt(format!("no operation {id}")))?;
            if op.status.is_final() {
                return Ok(op);
            }
            let plan = settle(&op).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "{} {id} is settled when made, never by a bank answer",
                    op.kind.as_str()
                ))
            })?;
            if let Some((kind, legs)) = &plan.posting {
                let legs: Vec<(&str, &str, i64)> = legs
                    .iter()
                    .map(|l| (l.account.as_str(), l.kind, l.amount))
                    .collect();
                post(&tx, &op.id, kind, &op.currency, &legs, now)?;
            }
            if let (Some(effect), Some(order_id)) = (plan.order, op.order_id.as_deref()) {
                apply_order_effect(&tx, order_id, &op, effect, now)?;
            }
            tx.execute(
                "UPDATE operations SET status = ?2, failure_code = ?3, updated_at = ?4 WHERE id = ?1",
                params![op.id, plan.status.as_str(), plan.failure, now],
            )?;
            let row = operation_row(&tx, &op.id)?
                .ok_or_else(|| StoreError::Corrupt("operation vanished".to_owned()))?;
            tx.commit()?;
            Ok(row)
        })
    }

    pub async fn operation(
        &self,
        account_id: &str,
        operation_id: &str,
    ) -> Result<Option<OperationRow>, StoreError> {
        let (a, id) = (account_id.to_owned(), operation_id.to_owned());
        on_backend!(self, |c| Ok(
            operation_row(c, &id)?.filter(|o| o.account_id == a)
        ))
    }

    pub async fn operation_by_key(
        &self,
        account_id: &str,
        key: &str,
    ) -> Result<Option<OperationRow>, StoreError> {
        let (a, k) = (account_id.to_owned(), key.to_owned());
        on_backend!(self, |c| operation_by_key(c, &a, &k))
    }

    /// The account's operations, newest first.
    pub async fn operations(
        &self,
        account_id: &str,
        limit: u32,
    ) -> Result<Vec<OperationRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![a, limit], op_from)?;
            rows.map(|r| r.and_then(|r| r)).collect()
        })
    }

    /// Operations the bank has not settled: `pending` ones, and `processing` ones last touched
    /// before `stale_before` (their request died with a crash). Oldest first.
    pub async fn unresolved_operations(
        &self,
        account_id: Option<String>,
        stale_before: i64,
        limit: u32,
    ) -> Result<Vec<OperationRow>, StoreError> {
        on_backend!(self, |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {OP_COLUMNS} FROM operations
                 WHERE (status = 'pending' OR (status = 'processing' AND updated_at < ?1))
                   AND (CAST(?2 AS TEXT) IS NULL OR account_id = ?2)
                 ORDER BY updated_at, id LIMIT ?3"
            ))?;
            let rows = stmt.query_map(params![stale_before, account_id, limit], op_from)?;
            rows.map(|r| r.and_then(|r| r)).collect()
        })
    }

    /// The wallet balance in minor units (0 before any movement).
    pub async fn balance(&self, account_id: &str) -> Result<i64, StoreError> {
        let wallet = wallet_account(account_id);
        on_backend!(self, |c| account_balance(c, &wallet))
    }

    /// What the account moved of `kind` since `day_start`, counting operations not failed.
    /// The account's standing for an early check before the PIN is asked for: frozen, the
    /// cooling-off and what left during it (the day's total and the balance are left at 0;
    /// the operation's own transaction reads them).
    pub async fn standing_facts(
        &self,
        account_id: &str,
        now: i64,
    ) -> Result<AdmissionFacts, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let guard = super::journal::guard(c, &a)?;
            Ok(AdmissionFacts {
                frozen: guard.frozen_at.is_some(),
                cooling_off_until: guard.cooling_off_until,
                cooling_off_spent: super::journal::cooling_off_spent(c, &a, &guard, now)?,
                used_today: 0,
                balance: 0,
            })
        })
    }

    pub async fn daily_total(
        &self,
        account_id: &str,
        kind: OpKind,
        day_start: i64,
    ) -> Result<i64, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| daily_total(c, &a, kind, day_start))
    }

    /// Checks every ledger invariant of docs/rules.md §Ledger; `Err` names the first one broken.
    /// Runs in one read transaction, so a check beside a live server (another process) sees
    /// one consistent snapshot.
    pub async fn ledger_check(&self) -> Result<Result<LedgerTotals, String>, StoreError> {
        on_backend!(self, |c| {
            if c.is_postgres() {
                // Fresh statistics first: on tables filled since autovacuum last looked, the
                // planner would otherwise nest the check's subqueries (quadratic). Best effort:
                // a role that may not analyse still gets its (slower) check.
                if let Err(e) = c.execute_batch(
                    "ANALYZE operations, orders, ledger_transactions, ledger_entries, ledger_accounts",
                ) {
                    tracing::warn!(error = %e, "ANALYZE before the ledger check failed");
                }
            }
            // One snapshot for every query of the check, beside a running server.
            let tx = c.transaction_with_behavior(Behavior::Snapshot)?;
            let verdict = ledger_check(&tx)?;
            tx.finish()?;
            Ok(verdict)
        })
    }
}

// --- SQLite helpers --------------------------------------------------------------------------

/// Stores a PIN hash and clears any lock.
fn upsert_pin(tx: &Db, account_id: &str, hash: &str, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO payment_pins (account_id, pin_hash, failed_count, locked_until, updated_at)
         VALUES (?1, ?2, 0, NULL, ?3)
         ON CONFLICT (account_id) DO UPDATE SET pin_hash = excluded.pin_hash,
             failed_count = 0, locked_until = NULL, updated_at = excluded.updated_at",
        params![account_id, hash, now],
    )?;
    Ok(())
}

const CARD_COLUMNS: &str =
    "id, account_id, token, bank, scheme, card_type, last4, status, is_default, bound_at";

fn card_from(r: &Row) -> Result<CardRow, StoreError> {
    Ok(CardRow {
        id: r.get(0)?,
        account_id: r.get(1)?,
        token: r.get(2)?,
        bank: r.get(3)?,
        scheme: r.get(4)?,
        card_type: r.get(5)?,
        last4: r.get(6)?,
        status: r.get(7)?,
        is_default: r.get(8)?,
        bound_at: r.get(9)?,
    })
}

fn card_row(c: &Db, account_id: &str, card_id: &str) -> Result<Option<CardRow>, StoreError> {
    c.query_row(
        &format!("SELECT {CARD_COLUMNS} FROM cards WHERE account_id = ?1 AND id = ?2 AND unbound_at IS NULL"),
        params![account_id, card_id],
        card_from,
    )
    .optional()
}

pub(super) const OP_COLUMNS: &str = "id, account_id, kind, status, amount, fee, currency, card_id, \
     idempotency_key, request_hash, failure_code, created_at, updated_at, merchant_id, order_id, channel, \
     counterparty_account_id, counterparty_name_masked, counterparty_phone_masked, transfer_id, note, seq, source";

/// Reads a row; the inner `Result` reports values this server cannot read.
pub(super) fn op_from(r: &Row) -> Result<Result<OperationRow, StoreError>, StoreError> {
    let kind: String = r.get(2)?;
    let status: String = r.get(3)?;
    let row = (|| {
        Ok(OperationRow {
            id: r.get(0)?,
            account_id: r.get(1)?,
            kind: OpKind::Topup,
            status: OpStatus::Pending,
            amount: r.get(4)?,
            fee: r.get(5)?,
            currency: r.get(6)?,
            card_id: r.get(7)?,
            idempotency_key: r.get(8)?,
            request_hash: r.get(9)?,
            failure_code: r.get(10)?,
            created_at: r.get(11)?,
            updated_at: r.get(12)?,
            merchant_id: r.get(13)?,
            order_id: r.get(14)?,
            channel: r.get(15)?,
            counterparty: match (
                r.get::<_, Option<String>>(16)?,
                r.get::<_, Option<String>>(17)?,
                r.get::<_, Option<String>>(18)?,
            ) {
                (Some(account_id), Some(name_masked), Some(phone_masked)) => {
                    Some(CounterpartyRow {
                        account_id,
                        name_masked,
                        phone_masked,
                    })
                }
                _ => None,
            },
            transfer_id: r.get(19)?,
            note: r.get(20)?,
            seq: r.get(21)?,
            source: r.get(22)?,
        })
    })();
    Ok(row.and_then(|mut o: OperationRow| {
        o.kind = OpKind::parse(&kind)?;
        o.status = OpStatus::parse(&status)?;
        Ok(o)
    }))
}

pub(super) fn operation_row(c: &Db, id: &str) -> Result<Option<OperationRow>, StoreError> {
    c.query_row(
        &format!("SELECT {OP_COLUMNS} FROM operations WHERE id = ?1"),
        [id],
        op_from,
    )
    .optional()?
    .transpose()
}

pub(super) fn operation_by_key(
    c: &Db,
    account_id: &str,
    key: &str,
) -> Result<Option<OperationRow>, StoreError> {
    c.query_row(
        &format!(
            "SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?1 AND idempotency_key = ?2"
        ),
        params![account_id, key],
        op_from,
    )
    .optional()?
    .transpose()
}

pub(super) fn daily_total(
    c: &Db,
    account_id: &str,
    kind: OpKind,
    day_start: i64,
) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT COALESCE(SUM(amount), 0) FROM operations
         WHERE account_id = ?1 AND kind = ?2 AND created_at >= ?3 AND status <> 'failed'",
        params![account_id, kind.as_str(), day_start],
        |r| r.get(0),
    )
}

/// The [`AdmissionFacts`] of an operation of `kind`, read inside its transaction.
pub(super) fn admission_facts(
    c: &Db,
    account_id: &str,
    kind: OpKind,
    day_start: i64,
    now: i64,
) -> Result<AdmissionFacts, StoreError> {
    let guard = super::journal::guard(c, account_id)?;
    Ok(AdmissionFacts {
        frozen: guard.frozen_at.is_some(),
        cooling_off_until: guard.cooling_off_until,
        cooling_off_spent: super::journal::cooling_off_spent(c, account_id, &guard, now)?,
        used_today: daily_total(c, account_id, kind, day_start)?,
        balance: account_balance(c, &wallet_account(account_id))?,
    })
}

pub(super) fn account_balance(c: &Db, ledger_account: &str) -> Result<i64, StoreError> {
    Ok(c.query_row(
        "SELECT balance FROM ledger_accounts WHERE id = ?1",
        [ledger_account],
        |r| r.get(0),
    )
    .optional()?
    .unwrap_or(0))
}

/// Applies a gateway's answer to the order of `op` (inside [`Store::finish_operation`]).
fn apply_order_effect(
    tx: &Db,
    order_id: &str,
    op: &OperationRow,
    effect: OrderEffect,
    now: i64,
) -> Result<(), StoreError> {
    match effect {
        OrderEffect::Paid => {
            let moved = tx.execute(
                "UPDATE orders SET status = 'paid', paid_at = ?2, payment_operation_id = ?3,
                     payer_account_id = ?4, pending_operation_id = NULL, updated_at = ?2
                 WHERE id = ?1 AND status = 'open' AND pending_operation_id = ?3",
                params![order_id, now, op.id, op.account_id],
            )?;
            if moved != 1 {
                return Err(StoreError::Corrupt(format!(
                    "order {order_id} was not held for payment {}",
                    op.id
                )));
            }
        }
        OrderEffect::Release => {
            tx.execute(
                "UPDATE orders SET pending_operation_id = NULL, updated_at = ?3
                 WHERE id = ?1 AND pending_operation_id = ?2",
                params![order_id, op.id, now],
            )?;
            // Expired now if its time ran out while it waited.
            tx.execute(
                "UPDATE orders SET status = 'expired', updated_at = ?2
                 WHERE id = ?1 AND status = 'open' AND expires_at <= ?2 AND pending_operation_id IS NULL",
                params![order_id, now],
            )?;
        }
        OrderEffect::RefundReleased => {
            tx.execute(
                "UPDATE orders SET refunded = refunded - ?2,
                     status = CASE WHEN status = 'refunded' THEN 'paid' ELSE status END,
                     updated_at = ?3
                 WHERE id = ?1",
                params![order_id, op.amount, now],
            )?;
        }
    }
    Ok(())
}

/// Posts one balanced transaction: entries and balances move together or not at all.
pub(super) fn post(
    tx: &Db,
    operation_id: &str,
    kind: &str,
    currency: &str,
    entries: &[(&str, &str, i64)],
    now: i64,
) -> Result<(), StoreError> {
    let sum = entries
        .iter()
        .try_fold(0_i64, |acc, (_, _, amount)| acc.checked_add(*amount))
        .ok_or_else(|| StoreError::Corrupt("ledger amounts overflow".to_owned()))?;
    if sum != 0 {
        return Err(StoreError::Corrupt(format!(
            "unbalanced {kind} for {operation_id}: entries sum to {sum}"
        )));
    }
    let tx_id = crate::secrets::new_id("ltx");
    tx.execute(
        "INSERT INTO ledger_transactions (id, operation_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![tx_id, operation_id, kind, now],
    )?;
    // Balance rows are updated in account order, so two postings that share rows (a merchant,
    // the bank) lock them in the same order and cannot deadlock on PostgreSQL.
    let mut entries = entries.to_vec();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (account, account_kind, amount) in &entries {
        if *amount == 0 {
            continue;
        }
        // One statement for an account that exists (nearly always); the first posting makes
        // it. The schema's CHECK refuses a customer or clearing balance below zero either way
        // (an upsert alone would not do: both engines check the candidate row first).
        let moved = tx.execute(
            "UPDATE ledger_accounts SET balance = balance + ?2 WHERE id = ?1",
            params![account, amount],
        )?;
        if moved == 0 {
            tx.execute(
                "INSERT INTO ledger_accounts (id, kind, currency, balance) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO UPDATE SET balance = ledger_accounts.balance + excluded.balance",
                params![account, account_kind, currency, amount],
            )?;
        }
        tx.execute(
            "INSERT INTO ledger_entries (transaction_id, ledger_account, amount, currency) VALUES (?1, ?2, ?3, ?4)",
            params![tx_id, account, amount, currency],
        )?;
    }
    Ok(())
}

fn ledger_check(c: &Db) -> Result<Result<LedgerTotals, String>, StoreError> {
    let q = |sql: &str| -> Result<i64, StoreError> { c.query_row(sql, [], |r| r.get(0)) };
    let unbalanced_total = q("SELECT COUNT(*) FROM (SELECT currency, SUM(balance) s FROM ledger_accounts GROUP BY currency) AS totals WHERE s <> 0")?;
    if unbalanced_total != 0 {
        return Ok(Err(
            "the balances of all accounts do not sum to zero".to_owned()
        ));
    }
    let drifted = q("SELECT COUNT(*) FROM ledger_accounts a WHERE a.balance <> (
                         SELECT COALESCE(SUM(e.amount), 0) FROM ledger_entries e WHERE e.ledger_account = a.id)")?;
    if drifted != 0 {
        return Ok(Err(format!(
            "{drifted} account balances differ from the sum of their entries"
        )));
    }
    let unbalanced_tx = q("SELECT COUNT(*) FROM (SELECT transaction_id, SUM(amount) s FROM ledger_entries GROUP BY transaction_id) AS totals WHERE s <> 0")?;
    if unbalanced_tx != 0 {
        return Ok(Err(format!(
            "{unbalanced_tx} transactions do not sum to zero"
        )));
    }
    let negative = q("SELECT COUNT(*) FROM ledger_accounts WHERE kind IN ('customer', 'clearing') AND balance < 0")?;
    if negative != 0 {
        return Ok(Err(format!(
            "{negative} customer or clearing balances are negative"
        )));
    }
    let dup_keys = q("SELECT COUNT(*) FROM (SELECT account_id, idempotency_key FROM operations WHERE status = 'succeeded'
                          GROUP BY account_id, idempotency_key HAVING COUNT(*) > 1) AS dups")?;
    if dup_keys != 0 {
        return Ok(Err(format!(
            "{dup_keys} idempotency keys have two successful operations"
        )));
    }
    // Each settled operation posted exactly what its status says.
    let wrong_posts = q("SELECT COUNT(*) FROM operations o WHERE
           (o.status = 'succeeded' AND o.kind = 'topup' AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 1)
        OR (o.status = 'failed' AND o.kind = 'topup' AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 0)
        OR (o.status IN ('succeeded', 'failed') AND o.kind = 'withdrawal' AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 2)
        OR (o.status IN ('processing', 'pending') AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id)
              <> (CASE WHEN o.kind = 'withdrawal' OR (o.kind = 'refund' AND COALESCE(o.source, 'balance') <> 'balance') THEN 1 ELSE 0 END))
        OR (o.kind IN ('payment', 'refund') AND COALESCE(o.source, 'balance') = 'balance' AND o.status NOT IN ('succeeded', 'failed'))
        OR (o.kind = 'payment' AND o.status = 'succeeded' AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 1)
        OR (o.kind = 'payment' AND o.status = 'failed' AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 0)
        OR (o.kind = 'refund' AND o.status IN ('succeeded', 'failed') AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id)
              <> (CASE WHEN COALESCE(o.source, 'balance') <> 'balance' THEN 2 WHEN o.status = 'succeeded' THEN 1 ELSE 0 END))")?;
    if wrong_posts != 0 {
        return Ok(Err(format!(
            "{wrong_posts} operations posted the wrong ledger transactions"
        )));
    }
    // Money on its way to cards is exactly the open withdrawals.
    let clearing = q(&format!(
        "SELECT COALESCE((SELECT balance FROM ledger_accounts WHERE id = '{CLEARING_ACCOUNT}'), 0)"
    ))?;
    let open = q("SELECT COALESCE(SUM(amount), 0) FROM operations WHERE kind = 'withdrawal' AND status IN ('processing', 'pending')")?;
    if clearing != open {
        return Ok(Err(format!(
            "clearing holds {clearing} but open withdrawals total {open}"
        )));
    }
    // Refunds on their way to a card or the phone bill: exactly the open ones.
    let refund_clearing = q(&format!(
        "SELECT COALESCE((SELECT balance FROM ledger_accounts WHERE id = '{REFUND_CLEARING_ACCOUNT}'), 0)"
    ))?;
    let open_refunds = q("SELECT COALESCE(SUM(amount), 0) FROM operations WHERE kind = 'refund' AND status IN ('processing', 'pending')
                              AND COALESCE(source, 'balance') <> 'balance'")?;
    if refund_clearing != open_refunds {
        return Ok(Err(format!(
            "refund clearing holds {refund_clearing} but open refunds to cards and phone bills total {open_refunds}"
        )));
    }
    if let Some(broken) = merchant_check(c)? {
        return Ok(Err(broken));
    }
    if let Some(broken) = transfer_check(c)? {
        return Ok(Err(broken));
    }
    Ok(Ok(LedgerTotals {
        accounts: q("SELECT COUNT(*) FROM ledger_accounts")?,
        transactions: q("SELECT COUNT(*) FROM ledger_transactions")?,
        entries: q("SELECT COUNT(*) FROM ledger_entries")?,
        customer_total: q(
            "SELECT COALESCE(SUM(balance), 0) FROM ledger_accounts WHERE kind = 'customer'",
        )?,
    }))
}

/// Transfers between users (issue 6): each is settled when made, as two operations sharing a
/// `transfer_id` (the sender's `transfer_out`, the recipient's `transfer_in`, same amount, each
/// naming the other account) and one two-entry ledger transaction on the sending side that
/// moved the amount from the sender's wallet to the recipient's.
fn transfer_check(c: &Db) -> Result<Option<String>, StoreError> {
    let q = |sql: &str| -> Result<i64, StoreError> { c.query_row(sql, [], |r| r.get(0)) };
    let unsettled = q(
        "SELECT COUNT(*) FROM operations WHERE kind IN ('transfer_out', 'transfer_in')
            AND (status <> 'succeeded' OR fee <> 0 OR transfer_id IS NULL)",
    )?;
    if unsettled != 0 {
        return Ok(Some(format!(
            "{unsettled} transfer operations are not settled, carry a fee or lack their transfer"
        )));
    }
    let unpaired = q("SELECT COUNT(*) FROM operations o WHERE o.kind IN ('transfer_out', 'transfer_in') AND (NOT EXISTS (
            SELECT 1 FROM operations p WHERE p.transfer_id = o.transfer_id AND p.id <> o.id
              AND p.kind = CASE o.kind WHEN 'transfer_out' THEN 'transfer_in' ELSE 'transfer_out' END
              AND p.account_id = o.counterparty_account_id AND p.counterparty_account_id = o.account_id
              AND p.amount = o.amount AND p.currency = o.currency)
         OR (SELECT COUNT(*) FROM operations p WHERE p.transfer_id = o.transfer_id) <> 2)")?;
    if unpaired != 0 {
        return Ok(Some(format!(
            "{unpaired} transfer operations lack their matching other side"
        )));
    }
    let misposted = q("SELECT COUNT(*) FROM operations o WHERE
            (o.kind = 'transfer_in' AND (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 0)
         OR (o.kind = 'transfer_out' AND (
                (SELECT COUNT(*) FROM ledger_transactions t WHERE t.operation_id = o.id) <> 1
             OR (SELECT COUNT(*) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.operation_id = o.id) <> 2
             OR NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                            WHERE t.operation_id = o.id AND t.kind = 'transfer'
                              AND e.ledger_account = 'wallet:' || o.account_id AND e.amount = -o.amount)
             OR NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                            WHERE t.operation_id = o.id AND t.kind = 'transfer'
                              AND e.ledger_account = 'wallet:' || o.counterparty_account_id AND e.amount = o.amount)))")?;
    if misposted != 0 {
        return Ok(Some(format!(
            "{misposted} transfers did not move their amount from the sender's wallet to the recipient's"
        )));
    }
    let stray = q(
        "SELECT COUNT(*) FROM ledger_transactions t WHERE t.kind = 'transfer' AND NOT EXISTS (
            SELECT 1 FROM operations o WHERE o.id = t.operation_id AND o.kind = 'transfer_out')",
    )?;
    if stray != 0 {
        return Ok(Some(format!(
            "{stray} transfer ledger transactions belong to no transfer"
        )));
    }
    Ok(None)
}

/// The merchant side of the books: each payment moved its amount from the payer's wallet to
/// the merchant (refunds the reverse) in one two-entry transaction; each merchant's balance is
/// its payments less its refunds; each order agrees with its operations.
fn merchant_check(c: &Db) -> Result<Option<String>, StoreError> {
    let q = |sql: &str| -> Result<i64, StoreError> { c.query_row(sql, [], |r| r.get(0)) };
    let misposted = q("SELECT COUNT(*) FROM operations o WHERE o.kind IN ('payment', 'refund') AND o.status = 'succeeded'
            AND COALESCE(o.source, 'balance') = 'balance' AND (
            (SELECT COUNT(*) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id WHERE t.operation_id = o.id) <> 2
         OR NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                        WHERE t.operation_id = o.id AND e.ledger_account = 'wallet:' || o.account_id
                          AND e.amount = CASE o.kind WHEN 'payment' THEN -o.amount ELSE o.amount END)
         OR NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                        WHERE t.operation_id = o.id AND e.ledger_account = 'merchant:' || o.merchant_id
                          AND e.amount = CASE o.kind WHEN 'payment' THEN o.amount ELSE -o.amount END))")?;
    if misposted != 0 {
        return Ok(Some(format!(
            "{misposted} payments or refunds did not move their amount between the wallet and the merchant"
        )));
    }
    // A card or phone-bill payment moved its amount from the gateway's settlement account to
    // the merchant and never touched the wallet; a refund of one, from the merchant back to
    // that settlement account (through the refund clearing).
    let gateway_misposted = q("SELECT COUNT(*) FROM operations o WHERE o.kind IN ('payment', 'refund') AND o.status = 'succeeded'
            AND COALESCE(o.source, 'balance') <> 'balance' AND (
            NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                        WHERE t.operation_id = o.id AND e.ledger_account = 'merchant:' || o.merchant_id
                          AND e.amount = CASE o.kind WHEN 'payment' THEN o.amount ELSE -o.amount END)
         OR NOT EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                        JOIN ledger_accounts a ON a.id = e.ledger_account
                        WHERE t.operation_id = o.id
                          AND a.kind = CASE o.source WHEN 'carrier' THEN 'carrier' ELSE 'bank' END
                          AND e.amount = CASE o.kind WHEN 'payment' THEN -o.amount ELSE o.amount END)
         OR EXISTS (SELECT 1 FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                    WHERE t.operation_id = o.id AND e.ledger_account = 'wallet:' || o.account_id))")?;
    if gateway_misposted != 0 {
        return Ok(Some(format!(
            "{gateway_misposted} card or phone-bill payments or refunds did not move their amount between the gateway and the merchant"
        )));
    }
    let merchants_off = q("SELECT COUNT(*) FROM merchants m WHERE
            COALESCE((SELECT balance FROM ledger_accounts a WHERE a.id = 'merchant:' || m.id), 0) <>
            COALESCE((SELECT SUM(amount) FROM operations o WHERE o.merchant_id = m.id AND o.kind = 'payment' AND o.status = 'succeeded'), 0)
          - COALESCE((SELECT SUM(amount) FROM operations o WHERE o.merchant_id = m.id AND o.kind = 'refund' AND o.status <> 'failed'), 0)")?;
    if merchants_off != 0 {
        return Ok(Some(format!(
            "{merchants_off} merchant balances differ from their payments less refunds"
        )));
    }
    let strays = q(
        "SELECT COUNT(*) FROM ledger_accounts a WHERE a.kind = 'merchant' AND (a.balance < 0
            OR NOT EXISTS (SELECT 1 FROM merchants m WHERE 'merchant:' || m.id = a.id))",
    )?;
    if strays != 0 {
        return Ok(Some(format!(
            "{strays} merchant ledger accounts are negative or belong to no merchant"
        )));
    }
    let orders_off = q("SELECT COUNT(*) FROM orders o WHERE
            (SELECT COUNT(*) FROM operations p WHERE p.order_id = o.id AND p.kind = 'payment' AND p.status = 'succeeded')
                <> (CASE WHEN o.status IN ('paid', 'refunded') THEN 1 ELSE 0 END)
         OR (o.status IN ('paid', 'refunded') AND NOT EXISTS (SELECT 1 FROM operations p
                WHERE p.id = o.payment_operation_id AND p.order_id = o.id AND p.kind = 'payment'
                  AND p.status = 'succeeded' AND p.amount = o.amount AND p.merchant_id = o.merchant_id))
         OR o.refunded <> COALESCE((SELECT SUM(amount) FROM operations r WHERE r.order_id = o.id AND r.kind = 'refund' AND r.status <> 'failed'), 0)
         OR (o.pending_operation_id IS NOT NULL AND (o.status <> 'open' OR NOT EXISTS (SELECT 1 FROM operations p
                WHERE p.id = o.pending_operation_id AND p.order_id = o.id AND p.kind = 'payment'
                  AND p.status IN ('processing', 'pending'))))
         OR (SELECT COUNT(*) FROM operations p WHERE p.order_id = o.id AND p.kind = 'payment'
                AND p.status IN ('processing', 'pending')) <> (CASE WHEN o.pending_operation_id IS NULL THEN 0 ELSE 1 END)
         OR (o.status = 'refunded') <> (o.refunded = o.amount)
         OR (o.refunded > 0 AND o.status NOT IN ('paid', 'refunded'))")?;
    if orders_off != 0 {
        return Ok(Some(format!(
            "{orders_off} orders disagree with their payment or refunds"
        )));
    }
    Ok(None)
}
