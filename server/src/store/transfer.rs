//! Transfers between users and the history feed (issue 6): [`Store`] methods and their SQLite
//! queries.
//!
//! A transfer is one write transaction: the sender's `transfer_out` and the recipient's
//! `transfer_in` operation (both `succeeded`, one `transfer_id`), one ledger transaction moving
//! the amount wallet to wallet, and the recipient's `transfer_received` device event. The
//! frozen / cooling-off guards and the daily limit are checked again inside it.

use super::db::{params, Db};
use wallet_protocol::api::DeviceEventKind;
use wallet_protocol::identity::mask_name;
use wallet_protocol::phone::mask_e164;

use super::money::{
    account_balance, admission_facts, op_from, operation_by_key, operation_row, post,
    wallet_account, AdmissionFacts, OpKind, OperationRow, Refusal, OP_COLUMNS,
};
use super::{Backend, Store, StoreError};

/// A transfer to make. The caller has checked the amount, the note and the PIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransfer {
    pub transfer_id: String,
    /// The sender's `transfer_out` operation.
    pub out_id: String,
    /// The recipient's `transfer_in` operation.
    pub in_id: String,
    pub from_account: String,
    pub to_account: String,
    pub amount: i64,
    pub currency: String,
    pub note: Option<String>,
    pub idempotency_key: String,
    pub request_hash: String,
    pub now: i64,
    pub day_start: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransferOutcome {
    /// Done: the sender's operation.
    Sent(Box<OperationRow>),
    /// The same key and request came before: the sender's operation of then.
    Existing(Box<OperationRow>),
    /// The same key came before with a different request.
    KeyReused,
    /// The admission rule (or the schema's non-negative balance) refused it: nothing written.
    Refused(Refusal),
    /// The recipient's account is frozen (or gone).
    RecipientUnavailable,
}

impl Store {
    /// Makes a transfer in one transaction (see the module docs): reads the sender's
    /// [`AdmissionFacts`] there and lets `admit` (the domain's rule) decide.
    pub async fn transfer<A>(&self, t: NewTransfer, admit: A) -> Result<TransferOutcome, StoreError>
    where
        A: FnOnce(&AdmissionFacts) -> Result<(), Refusal> + Send + 'static,
    {
        on_backend!(self, |c| transfer(c, &t, admit))
    }

    /// The account's operations whose `seq` is above `after`, by `seq`, at most `limit`.
    pub async fn history(
        &self,
        account_id: &str,
        after: i64,
        limit: u32,
    ) -> Result<Vec<OperationRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| history(c, &a, after, limit))
    }
}

fn history(
    c: &Db,
    account_id: &str,
    after: i64,
    limit: u32,
) -> Result<Vec<OperationRow>, StoreError> {
    let mut stmt = c.prepare(&format!(
        "SELECT {OP_COLUMNS} FROM operations WHERE account_id = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3"
    ))?;
    let rows = stmt.query_map(params![account_id, after, limit], op_from)?;
    rows.map(|r| r.and_then(|r| r)).collect()
}

/// `(name, phone, frozen)` of an account.
fn party(c: &Db, account_id: &str) -> Result<Option<(String, String, bool)>, StoreError> {
    use super::db::OptionalExtension;
    c.query_row(
        "SELECT name, phone, frozen_at IS NOT NULL FROM accounts WHERE id = ?1",
        [account_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

fn transfer(
    c: &mut Db,
    t: &NewTransfer,
    admit: impl FnOnce(&AdmissionFacts) -> Result<(), Refusal>,
) -> Result<TransferOutcome, StoreError> {
    // Both accounts, locked in one order: transfers both ways at once cannot deadlock.
    let tx = c.transaction_locking(&[&t.from_account, &t.to_account])?;
    if let Some(existing) = operation_by_key(&tx, &t.from_account, &t.idempotency_key)? {
        return Ok(if existing.request_hash == t.request_hash {
            TransferOutcome::Existing(Box::new(existing))
        } else {
            TransferOutcome::KeyReused
        });
    }
    if t.from_account == t.to_account {
        return Err(StoreError::Corrupt(
            "a transfer to the sender's own account reached the store".to_owned(),
        ));
    }
    // Decided here, on what this transaction sees, not only before: a freeze that commits
    // after the caller's early check still stops the money (both take the account's lock).
    let from_wallet = wallet_account(&t.from_account);
    let facts = admission_facts(
        &tx,
        &t.from_account,
        OpKind::TransferOut,
        t.day_start,
        t.now,
    )?;
    if let Err(refusal) = admit(&facts) {
        return Ok(TransferOutcome::Refused(refusal));
    }
    let (Some((from_name, from_phone, _)), Some((to_name, to_phone, to_frozen))) =
        (party(&tx, &t.from_account)?, party(&tx, &t.to_account)?)
    else {
        return Ok(TransferOutcome::RecipientUnavailable);
    };
    if to_frozen {
        return Ok(TransferOutcome::RecipientUnavailable);
    }
    let insert = |id: &str,
                  account: &str,
                  kind: OpKind,
                  other: &str,
                  other_name: &str,
                  other_phone: &str,
                  key: &str|
     -> Result<(), StoreError> {
        tx.execute(
            "INSERT INTO operations (id, account_id, kind, status, amount, fee, currency,
                 counterparty_account_id, counterparty_name_masked, counterparty_phone_masked,
                 transfer_id, note, idempotency_key, request_hash, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'succeeded', ?4, 0, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)",
            params![
                id,
                account,
                kind.as_str(),
                t.amount,
                t.currency,
                other,
                mask_name(other_name),
                mask_e164(other_phone),
                t.transfer_id,
                t.note,
                key,
                t.request_hash,
                t.now
            ],
        )?;
        Ok(())
    };
    insert(
        &t.out_id,
        &t.from_account,
        OpKind::TransferOut,
        &t.to_account,
        &to_name,
        &to_phone,
        &t.idempotency_key,
    )?;
    insert(
        &t.in_id,
        &t.to_account,
        OpKind::TransferIn,
        &t.from_account,
        &from_name,
        &from_phone,
        &format!("transfer:{}", t.transfer_id),
    )?;
    let posted = post(
        &tx,
        &t.out_id,
        "transfer",
        &t.currency,
        &[
            (&from_wallet, "customer", -t.amount),
            (&wallet_account(&t.to_account), "customer", t.amount),
        ],
        t.now,
    );
    match posted {
        Ok(()) => {}
        // The schema's own guard: a balance below zero is refused.
        Err(e) if e.is_check_violation() => {
            let balance = account_balance(&tx, &from_wallet)?;
            return Ok(TransferOutcome::Refused(Refusal::BalanceInsufficient {
                balance,
            }));
        }
        Err(e) => return Err(e),
    }
    super::journal::add_device_event(
        &tx,
        &t.to_account,
        DeviceEventKind::TransferReceived,
        None,
        None,
        Some(&t.in_id),
        None,
        t.now,
    )?;
    let row = operation_row(&tx, &t.out_id)?
        .ok_or_else(|| StoreError::Corrupt("transfer operation vanished".to_owned()))?;
    tx.commit()?;
    Ok(TransferOutcome::Sent(Box::new(row)))
}
