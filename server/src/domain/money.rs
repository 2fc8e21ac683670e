//! Money movement between cards and wallets: the payment PIN, top-ups, withdrawals and the
//! reconciler that settles operations whose bank answer was lost (docs/rules.md §Credentials, §Ledger, §Paying).
//!
//! The order of every movement: validate → begin the operation in one database transaction
//! (idempotency key, daily limit, withdrawal reserve) → ask the bank outside any transaction →
//! record its answer. A lost answer (timeout, crash) leaves the operation `pending`/`processing`;
//! [`reconcile`] asks the bank again by the operation id, so money is never lost or doubled.

use std::collections::HashMap;
use std::time::Duration;

use sha2::{Digest, Sha256};
use wallet_protocol::api::{self, BalanceResponse, MoneyLimits, Operation};
use wallet_protocol::{Currency, ErrorCode, Money};

use crate::config::{day_start_cst, withdraw_fee};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::pin::verify_pin;
use crate::domain::rules::{self, AdmissionLimits};
use crate::domain::state::AppState;
use crate::domain::wire::to_wire;
use crate::ports::bank::{BankError, Direction, Transfer, TransferStatus};
use crate::ports::carrier::{Bill, BillDirection, BillStatus, CarrierError};
use crate::secrets;
use crate::store::{
    BeginOutcome, CardRow, MerchantRow, NewOperation, OpKind, OpStatus, OperationRow, Resolution,
};

/// How long the bank gets to answer before the operation is left pending.
pub const BANK_TIMEOUT: Duration = Duration::from_secs(10);
/// A `processing` operation untouched this long lost its request (crash): reconcile it.
pub const STALE_PROCESSING_SECS: i64 = 60;
/// Operations `GET /v1/balance` returns.
pub const RECENT_OPERATIONS: u32 = 20;

// --- payment PIN ----------------------------------------------------------------------------

// --- cards ----------------------------------------------------------------------------------

// --- operations -----------------------------------------------------------------------------

/// `POST /v1/topups`: the PIN first, like a withdrawal (a top-up pulls money from the user's
/// card); `pin` is the request's, taken out of it by the handler.
pub async fn top_up(
    state: &AppState,
    account_id: &str,
    key: &str,
    req: api::TopUpRequest,
    pin: Option<&str>,
) -> ApiResult<Operation> {
    // A frozen account takes no money in either: a thief must not learn the cards work.
    crate::domain::standing::ensure_active(state, account_id).await?;
    let amount = checked_amount(req.amount, state.limits.topup_limit_fen)?;
    let card = usable_card(state, account_id, req.card_id.as_deref(), OpKind::Topup).await?;
    let hash = request_hash(OpKind::Topup, amount, &card.id);
    // A retry of a request already accepted returns it without asking for the PIN again.
    if let Some(existing) = existing_operation(state, account_id, key, &hash).await? {
        return Ok(existing);
    }
    let Some(pin) = pin else {
        return Err(ApiError::detail(
            ErrorCode::PinRequired,
            "A top-up needs the payment PIN.",
        ));
    };
    verify_pin(state, account_id, pin).await?;
    let op = NewOperation {
        id: secrets::new_id("op"),
        account_id: account_id.to_owned(),
        kind: OpKind::Topup,
        amount,
        fee: 0,
        currency: Currency::Cny.code().to_owned(),
        card_id: card.id.clone(),
        idempotency_key: key.to_owned(),
        request_hash: hash,
    };
    run_operation(state, op, state.limits.topup_daily_limit_fen, &card).await
}

/// `POST /v1/withdrawals`: the PIN first, then the money is reserved before the bank is asked.
pub async fn withdraw(
    state: &AppState,
    account_id: &str,
    key: &str,
    req: api::WithdrawRequest,
) -> ApiResult<Operation> {
    let amount = checked_amount(req.amount, state.limits.withdraw_limit_fen)?;
    let card = usable_card(
        state,
        account_id,
        req.card_id.as_deref(),
        OpKind::Withdrawal,
    )
    .await?;
    let hash = request_hash(OpKind::Withdrawal, amount, &card.id);
    // A retry of a request already accepted returns it without asking for the PIN again.
    if let Some(existing) = existing_operation(state, account_id, key, &hash).await? {
        return Ok(existing);
    }
    crate::domain::standing::ensure_outflow_allowed(state, account_id, OpKind::Withdrawal, amount)
        .await?;
    verify_pin(state, account_id, &req.pin).await?;
    let l = &state.limits;
    let op = NewOperation {
        id: secrets::new_id("op"),
        account_id: account_id.to_owned(),
        kind: OpKind::Withdrawal,
        amount,
        fee: withdraw_fee(amount, l.withdraw_fee_bps, l.withdraw_fee_min_fen),
        currency: Currency::Cny.code().to_owned(),
        card_id: card.id.clone(),
        idempotency_key: key.to_owned(),
        request_hash: hash,
    };
    run_operation(state, op, l.withdraw_daily_limit_fen, &card).await
}

pub(crate) async fn existing_operation(
    state: &AppState,
    account_id: &str,
    key: &str,
    hash: &str,
) -> ApiResult<Option<Operation>> {
    match state.store.operation_by_key(account_id, key).await? {
        None => Ok(None),
        Some(o) if o.request_hash == hash => Ok(Some(operation(state, &o).await?)),
        Some(_) => Err(ErrorCode::IdempotencyKeyReused.into()),
    }
}

fn checked_amount(amount: Money, per_payment: i64) -> ApiResult<i64> {
    if amount.currency != Currency::Cny {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "only CNY moves between cards and the wallet",
        ));
    }
    if amount.minor <= 0 || amount.minor > wallet_protocol::money::MAX_MINOR {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "the amount must be more than zero",
        ));
    }
    if amount.minor > per_payment {
        return Err(ApiError::detail(
            ErrorCode::AmountOverLimit,
            format!("at most {} per payment", Money::cny(per_payment).display()),
        ));
    }
    Ok(amount.minor)
}

/// The card to use: the one named, or the default (for withdrawals, the first debit card).
async fn usable_card(
    state: &AppState,
    account_id: &str,
    card_id: Option<&str>,
    kind: OpKind,
) -> ApiResult<CardRow> {
    let card = match card_id {
        Some(id) => state
            .store
            .card(account_id, id)
            .await?
            .ok_or(ApiError::new(ErrorCode::CardNotFound))?,
        None => {
            let cards = state.store.cards(account_id).await?;
            let pick = match kind {
                OpKind::Withdrawal => cards.into_iter().find(|c| c.card_type == "debit"),
                _ => cards.into_iter().next(),
            };
            pick.ok_or(ApiError::new(ErrorCode::NoCard))?
        }
    };
    if card.status != "active" {
        return Err(ErrorCode::CardSuspended.into());
    }
    if kind == OpKind::Withdrawal && card.card_type != "debit" {
        return Err(ErrorCode::CardNotDebit.into());
    }
    Ok(card)
}

/// What makes two requests "the same" for an idempotency key.
fn request_hash(kind: OpKind, amount: i64, card_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(format!("{}\n{amount}\nCNY\n{card_id}", kind.as_str()).as_bytes());
    hex::encode(h.finalize())
}

async fn run_operation(
    state: &AppState,
    op: NewOperation,
    daily_limit: i64,
    card: &CardRow,
) -> ApiResult<Operation> {
    let now = state.clock.unix();
    let kind = op.kind;
    let account_id = op.account_id.clone();
    let limits = AdmissionLimits {
        daily: daily_limit,
        cooling_off: state.limits.cooling_off_limit_fen,
    };
    let row = match state
        .store
        .begin_operation(op, now, day_start_cst(now), move |op, facts| {
            rules::admit(op.kind, op.amount, facts, limits, now)
        })
        .await?
    {
        BeginOutcome::Created(row) => row,
        BeginOutcome::Existing(row) => return operation(state, &row).await,
        BeginOutcome::KeyReused => return Err(ErrorCode::IdempotencyKeyReused.into()),
        BeginOutcome::Refused(refusal) => {
            return Err(crate::domain::standing::refused(
                state,
                &account_id,
                refusal,
            ))
        }
    };
    let transfer = Transfer {
        reference: row.id.clone(),
        token: card.token.clone(),
        direction: match kind {
            OpKind::Withdrawal => Direction::Credit,
            _ => Direction::Debit,
        },
        amount_minor: row.amount - row.fee,
    };
    let answer = match tokio::time::timeout(BANK_TIMEOUT, state.bank.transfer(&transfer)).await {
        Ok(answer) => answer,
        Err(_) => Err(BankError::Timeout),
    };
    let resolution = match answer {
        Ok(()) => Resolution::Approved,
        Err(BankError::Timeout | BankError::Unavailable(_)) => Resolution::Pending,
        Err(e) => Resolution::Failed(e.code().as_str().to_owned()),
    };
    let done = record_answer(state, &row.id, resolution).await?;
    tracing::info!(operation = %done.id, kind = kind.as_str(), status = done.status.as_str(), "money operation");
    to_wire(&done, Some(card), None)
}

/// Records the gateway's answer with the ledger postings [`rules::settle_with`] plans,
/// through the bank's or the carrier's own settlement account.
async fn record_answer(
    state: &AppState,
    operation_id: &str,
    resolution: Resolution,
) -> ApiResult<OperationRow> {
    let bank = state.bank.settlement_account().to_owned();
    let carrier = state.carrier.settlement_account().to_owned();
    Ok(state
        .store
        .finish_operation(operation_id, state.clock.unix(), move |op| {
            let accounts = rules::SettlementAccounts {
                bank: &bank,
                carrier: &carrier,
            };
            rules::settle_with(op, &resolution, accounts)
        })
        .await?)
}

/// Asks the gateway of a card or phone-bill payment (or refund) begun by the store, outside
/// any transaction, and records its answer: the bank debits (credits) the card, the carrier
/// charges (credits) the account's phone bill. A lost answer leaves it pending for
/// [`reconcile`].
pub(crate) async fn settle_source_operation(
    state: &AppState,
    row: &OperationRow,
) -> ApiResult<OperationRow> {
    let refund = row.kind == OpKind::Refund;
    let resolution =
        if row.via_carrier() {
            let account = state.store.account(&row.account_id).await?.ok_or_else(|| {
                ApiError::internal(format!("operation {} lost its account", row.id))
            })?;
            let bill = Bill {
                reference: row.id.clone(),
                phone: account.phone,
                direction: if refund {
                    BillDirection::Credit
                } else {
                    BillDirection::Charge
                },
                amount_minor: row.amount,
            };
            let answer = match tokio::time::timeout(BANK_TIMEOUT, state.carrier.bill(&bill)).await {
                Ok(answer) => answer,
                Err(_) => Err(CarrierError::Timeout),
            };
            match answer {
                Ok(()) => Resolution::Approved,
                Err(CarrierError::Timeout | CarrierError::Unavailable(_)) => Resolution::Pending,
                Err(e) => Resolution::Failed(e.code().as_str().to_owned()),
            }
        } else {
            let card = match row.any_card_id() {
                Some(id) => state.store.card_any(id).await?,
                None => None,
            };
            match card {
                None => Resolution::Failed(ErrorCode::CardNotFound.as_str().to_owned()),
                Some(card) => {
                    let transfer = Transfer {
                        reference: row.id.clone(),
                        token: card.token.clone(),
                        direction: if refund {
                            Direction::Credit
                        } else {
                            Direction::Debit
                        },
                        amount_minor: row.amount,
                    };
                    let answer =
                        match tokio::time::timeout(BANK_TIMEOUT, state.bank.transfer(&transfer))
                            .await
                        {
                            Ok(answer) => answer,
                            Err(_) => Err(BankError::Timeout),
                        };
                    match answer {
                        Ok(()) => Resolution::Approved,
                        Err(BankError::Timeout | BankError::Unavailable(_)) => Resolution::Pending,
                        Err(e) => Resolution::Failed(e.code().as_str().to_owned()),
                    }
                }
            }
        };
    let done = record_answer(state, &row.id, resolution).await?;
    tracing::info!(operation = %done.id, kind = done.kind.as_str(), source = done.source.as_deref().unwrap_or("balance"), status = done.status.as_str(), "source operation");
    Ok(done)
}

/// The operation as the wire shows it, after settling it with the bank if it is unresolved.
pub async fn operation(state: &AppState, row: &OperationRow) -> ApiResult<Operation> {
    let row = if row.status == OpStatus::Pending {
        reconcile(state, row).await?
    } else {
        row.clone()
    };
    operation_as_is(state, &row).await
}

/// The operation as the wire shows it, as stored (its card and merchant read for it).
pub(crate) async fn operation_as_is(state: &AppState, row: &OperationRow) -> ApiResult<Operation> {
    let card = match row.any_card_id() {
        Some(id) => state.store.card_any(id).await?,
        None => None,
    };
    let merchant = match &row.merchant_id {
        Some(id) => state.store.merchant(id).await?,
        None => None,
    };
    to_wire(row, card.as_ref(), merchant.as_ref())
}

/// Asks the bank for the final word on an unresolved operation and records it.
pub async fn reconcile(state: &AppState, row: &OperationRow) -> ApiResult<OperationRow> {
    if row.status.is_final() {
        return Ok(row.clone());
    }
    if row.via_carrier() {
        let status =
            match tokio::time::timeout(BANK_TIMEOUT, state.carrier.bill_status(&row.id)).await {
                Ok(Ok(status)) => status,
                // No word yet: leave it for the next round.
                Ok(Err(_)) | Err(_) => return Ok(row.clone()),
            };
        let resolution = match status {
            BillStatus::Approved => Resolution::Approved,
            BillStatus::Refused(e) => Resolution::Failed(e.code().as_str().to_owned()),
            // The carrier never got it: nothing was billed, so the operation failed.
            BillStatus::NotFound => {
                Resolution::Failed(ErrorCode::CarrierUnavailable.as_str().to_owned())
            }
        };
        let done = record_answer(state, &row.id, resolution).await?;
        tracing::info!(operation = %done.id, status = done.status.as_str(), "operation reconciled");
        return Ok(done);
    }
    let status = match tokio::time::timeout(BANK_TIMEOUT, state.bank.transfer_status(&row.id)).await
    {
        Ok(Ok(status)) => status,
        // No word yet: leave it for the next round.
        Ok(Err(_)) | Err(_) => return Ok(row.clone()),
    };
    let resolution = match status {
        TransferStatus::Approved => Resolution::Approved,
        TransferStatus::Refused(e) => Resolution::Failed(e.code().as_str().to_owned()),
        // The bank never got it: nothing moved at the bank, so the operation failed.
        TransferStatus::NotFound => {
            Resolution::Failed(ErrorCode::BankUnavailable.as_str().to_owned())
        }
    };
    let done = record_answer(state, &row.id, resolution).await?;
    state
        .metrics
        .reconciled(done.kind.as_str(), done.status.as_str());
    tracing::info!(operation = %done.id, status = done.status.as_str(), "operation reconciled");
    Ok(done)
}

/// Settles every unresolved operation (of one account, or all): what the background
/// reconciler and `GET /v1/balance` run. Answers how many it looked at.
pub async fn reconcile_unresolved(state: &AppState, account_id: Option<&str>) -> ApiResult<usize> {
    let stale_before = state.clock.unix() - STALE_PROCESSING_SECS;
    let rows = state
        .store
        .unresolved_operations(account_id.map(str::to_owned), stale_before, 100)
        .await?;
    for row in &rows {
        reconcile(state, row).await?;
    }
    Ok(rows.len())
}

/// `GET /v1/balance`.
pub async fn balance(state: &AppState, account_id: &str) -> ApiResult<BalanceResponse> {
    reconcile_unresolved(state, Some(account_id)).await?;
    let balance = state.store.balance(account_id).await?;
    let rows = state
        .store
        .operations(account_id, RECENT_OPERATIONS)
        .await?;
    let operations = operations_wire(state, account_id, &rows).await?;
    let now = state.clock.unix();
    let day = day_start_cst(now);
    let l = &state.limits;
    let topped = state
        .store
        .daily_total(account_id, OpKind::Topup, day)
        .await?;
    let withdrawn = state
        .store
        .daily_total(account_id, OpKind::Withdrawal, day)
        .await?;
    Ok(BalanceResponse {
        balance: Money::cny(balance),
        operations,
        limits: MoneyLimits {
            topup_per_payment: Money::cny(l.topup_limit_fen),
            topup_daily_remaining: Money::cny((l.topup_daily_limit_fen - topped).max(0)),
            withdraw_per_payment: Money::cny(l.withdraw_limit_fen),
            withdraw_daily_remaining: Money::cny((l.withdraw_daily_limit_fen - withdrawn).max(0)),
        },
    })
}

/// Operations of one account as the wire shows them (cards and merchants read once each).
pub(crate) async fn operations_wire(
    state: &AppState,
    account_id: &str,
    rows: &[OperationRow],
) -> ApiResult<Vec<Operation>> {
    let cards = state.store.cards(account_id).await?;
    let mut merchants: HashMap<String, Option<MerchantRow>> = HashMap::new();
    let mut operations = Vec::with_capacity(rows.len());
    for row in rows {
        let card = match row.any_card_id() {
            None => None,
            Some(id) => match cards.iter().find(|c| c.id == id) {
                Some(c) => Some(c.clone()),
                None => state.store.card_any(id).await?,
            },
        };
        let merchant = match &row.merchant_id {
            None => None,
            Some(id) => {
                if !merchants.contains_key(id) {
                    merchants.insert(id.clone(), state.store.merchant(id).await?);
                }
                merchants.get(id).cloned().flatten()
            }
        };
        operations.push(to_wire(row, card.as_ref(), merchant.as_ref())?);
    }
    Ok(operations)
}

/// At start-up no request is in flight, so every `processing` operation lost its request:
/// settle them all now.
pub async fn reconcile_unresolved_at_start(state: &AppState) {
    let rows = match state
        .store
        .unresolved_operations(None, i64::MAX, 10_000)
        .await
    {
        Ok(rows) => rows,
        Err(e) => {
            tracing::error!(error = %e, "could not read unresolved operations");
            return;
        }
    };
    for row in &rows {
        if let Err(e) = reconcile(state, row).await {
            tracing::warn!(code = %e.code(), operation = %row.id, "start-up reconcile failed");
        }
    }
    if !rows.is_empty() {
        tracing::info!(
            operations = rows.len(),
            "unresolved operations settled at start-up"
        );
    }
}

/// Runs [`reconcile_unresolved`] for every account every `every`, forever.
pub async fn reconciler(state: AppState, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let pass = reconcile_unresolved(&state, None).await;
        state
            .metrics
            .reconciler_run(pass.as_ref().ok().copied(), state.clock.unix());
        match pass {
            Ok(0) => {}
            Ok(n) => tracing::info!(operations = n, "reconciler pass"),
            Err(e) => tracing::warn!(code = %e.code(), "reconciler pass failed"),
        }
    }
}
