//! Merchants, orders, merchant payments and refunds, payment-code uses and settings:
//! [`Store`] methods and their SQLite queries.
//!
//! Every payment and refund is one database transaction that writes the operation, posts its
//! double-entry ledger transaction (`wallet:<account>` ↔ `merchant:<id>`) and moves the order,
//! so money and order state never disagree. An order is paid at most once: the order row moves
//! `open → paid` under a conditional update, and a unique index refuses a second successful
//! payment of one order.

use super::db::{params, Behavior, Db, OptionalExtension, Row};
use wallet_protocol::paycode::PaycodeSeed;

use super::money::{
    account_balance, admission_facts, op_from, operation_by_key, operation_row, post,
    wallet_account, AdmissionFacts, OpKind, OperationRow, Refusal, OP_COLUMNS,
    REFUND_CLEARING_ACCOUNT,
};
use super::{Backend, Store, StoreError};
use crate::secrets::vault::SealedColumn;

pub fn merchant_account(merchant_id: &str) -> String {
    format!("merchant:{merchant_id}")
}

// --- rows ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantRow {
    pub id: String,
    pub name: String,
    pub city: String,
    pub mcc: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderState {
    Open,
    Paid,
    Refunded,
    Declined,
    Expired,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Open => "open",
            OrderState::Paid => "paid",
            OrderState::Refunded => "refunded",
            OrderState::Declined => "declined",
            OrderState::Expired => "expired",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "open" => OrderState::Open,
            "paid" => OrderState::Paid,
            "refunded" => OrderState::Refunded,
            "declined" => OrderState::Declined,
            "expired" => OrderState::Expired,
            other => return Err(StoreError::Corrupt(format!("order status {other:?}"))),
        })
    }
}

/// How a payment started; stored on orders and on payment and refund operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    StaticQr,
    DynamicQr,
    Paycode,
    RemoteOrder,
    /// An SMS "reply Y" payment (`store/sms_pay.rs`).
    Sms,
    /// A web checkout's order: anyone may pay it by scanning its code, or the account its page
    /// pushed it to may confirm it from the inbox.
    Checkout,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::StaticQr => "static_qr",
            Channel::DynamicQr => "dynamic_qr",
            Channel::Paycode => "paycode",
            Channel::RemoteOrder => "remote_order",
            Channel::Sms => "sms",
            Channel::Checkout => "checkout",
        }
    }

    pub fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "static_qr" => Channel::StaticQr,
            "dynamic_qr" => Channel::DynamicQr,
            "paycode" => Channel::Paycode,
            "remote_order" => Channel::RemoteOrder,
            "sms" => Channel::Sms,
            "checkout" => Channel::Checkout,
            other => return Err(StoreError::Corrupt(format!("channel {other:?}"))),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub id: String,
    pub merchant_id: String,
    pub amount: i64,
    pub currency: String,
    pub description: Option<String>,
    pub status: OrderState,
    pub channel: Channel,
    pub payload: Option<String>,
    pub payer_account_id: Option<String>,
    pub payer_device_id: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub payment_operation_id: Option<String>,
    pub refunded: i64,
}

/// An order to create (open, or paid at once by the same transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    pub id: String,
    pub merchant_id: String,
    pub amount: i64,
    pub currency: String,
    pub description: Option<String>,
    pub channel: Channel,
    pub payload: Option<String>,
    pub payer_account_id: Option<String>,
    pub payer_device_id: Option<String>,
    pub expires_at: i64,
}

/// What a payer pays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayTarget {
    /// A static code: the order is created paid by the payment.
    New(NewOrder),
    /// An open order. `payer_only`: a remote order or a payment-code confirmation, which only
    /// its payer may pay; otherwise (a dynamic code) anyone who scanned it may.
    Existing {
        order_id: String,
        merchant_id: Option<String>,
        payer_only: bool,
        channels: &'static [Channel],
    },
}

/// A payment by a payer: the operation's identity and the limits it must fit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPayment {
    pub operation_id: String,
    pub account_id: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub target: PayTarget,
    pub now: i64,
    pub day_start: i64,
}

/// Where a payment's money comes from, as the store applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaySource {
    /// The wallet: paid in the same transaction.
    Balance,
    /// A card (`card:<id>`) or the phone bill (`carrier`): the operation starts `processing`
    /// and holds the order until the gateway answers ([`Store::finish_operation`]).
    Gateway(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayOutcome {
    Paid {
        operation: Box<OperationRow>,
        order: Box<OrderRow>,
    },
    /// A card or phone-bill payment is stored `processing` and holds the order: ask the
    /// gateway now.
    Started {
        operation: Box<OperationRow>,
        order: Box<OrderRow>,
    },
    /// Another payment of this order waits for its gateway.
    PaymentPending,
    /// The same key and request came before: that operation.
    Existing(Box<OperationRow>),
    KeyReused,
    OrderNotFound,
    AlreadyPaid,
    Expired,
    Closed,
    /// The admission rule (or the schema's non-negative balance) refused it: nothing written.
    Refused(Refusal),
}

/// A scanned payment code a merchant charges, already matched to its device by the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCharge {
    pub merchant_id: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub code: u64,
    pub step: i64,
    pub device_id: String,
    pub account_id: String,
    /// The order, channel `paycode`, open until `expires_at` unless paid at once.
    pub order: NewOrder,
    /// The payment's operation, when the rule lets it be paid at once.
    pub operation_id: String,
    pub now: i64,
    pub day_start: i64,
}

/// What the domain's charge rule decides for a payment code within the limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChargeDecision {
    /// Within the no-PIN limits: paid at once.
    PayNow,
    /// Waits in the payer's inbox for the PIN.
    AwaitPin,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChargeOutcome {
    /// Paid at once (`paid`) or waiting for the payer's PIN (`open`).
    Created(Box<OrderRow>),
    Existing(Box<OrderRow>),
    KeyReused,
    /// The code was accepted before.
    Used,
    /// The device was revoked (or is gone) since the index saw it.
    DeviceInactive,
    /// The device's seed was reissued (through another instance, perhaps): the code came from
    /// the old one. Nothing was written.
    SeedChanged,
    /// The charge rule refused it (frozen first: a freeze revokes the devices, and the
    /// merchant should hear why the code is refused). Nothing was written.
    Refused(Refusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewRefund {
    pub merchant_id: String,
    pub order_id: String,
    pub idempotency_key: String,
    pub request_hash: String,
    pub operation_id: String,
    /// `None`: what is left.
    pub amount: Option<i64>,
    pub now: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefundOutcome {
    Refunded(Box<OrderRow>),
    Existing(Box<OrderRow>),
    KeyReused,
    OrderNotFound,
    /// Not paid, or the amount is over what is left (`left`).
    NotAllowed {
        left: i64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeclineOutcome {
    Declined(Box<OrderRow>),
    NotFound,
    AlreadyPaid,
    Expired,
}

/// A device's seed as the payment-code index loads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaycodeDevice {
    pub device_id: String,
    pub account_id: String,
    pub seed: PaycodeSeed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaycodeSettingsRow {
    pub no_pin_enabled: bool,
    pub no_pin_per_payment: i64,
    pub no_pin_daily: i64,
}

impl Store {
    // --- merchants ---

    /// Creates a merchant and its ledger account.
    pub async fn insert_merchant(
        &self,
        m: MerchantRow,
        api_key_hash: String,
    ) -> Result<(), StoreError> {
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            tx.execute(
                "INSERT INTO merchants (id, name, city, mcc, api_key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![m.id, m.name, m.city, m.mcc, api_key_hash, m.created_at],
            )?;
            tx.execute(
                "INSERT INTO ledger_accounts (id, kind, currency, balance) VALUES (?1, 'merchant', 'CNY', 0)",
                [merchant_account(&m.id)],
            )?;
            tx.commit()?;
            Ok(())
        })
    }

    pub async fn merchant(&self, id: &str) -> Result<Option<MerchantRow>, StoreError> {
        let id = id.to_owned();
        on_backend!(self, |c| merchant_row(c, "id", &id))
    }

    /// The merchant whose API key hashes to `hash`: one unique-index probe.
    pub async fn merchant_by_key_hash(
        &self,
        hash: &str,
    ) -> Result<Option<MerchantRow>, StoreError> {
        let hash = hash.to_owned();
        on_backend!(self, |c| merchant_row(c, "api_key_hash", &hash))
    }

    // --- orders ---

    pub async fn insert_order(&self, order: NewOrder, now: i64) -> Result<OrderRow, StoreError> {
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            insert_order(&tx, &order, now)?;
            let row = order_row(&tx, &order.id)?
                .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
            tx.commit()?;
            Ok(row)
        })
    }

    /// An order, turned `expired` first if its time is up.
    pub async fn order(&self, order_id: &str, now: i64) -> Result<Option<OrderRow>, StoreError> {
        let id = order_id.to_owned();
        on_backend!(self, |c| {
            expire_order(c, &id, now)?;
            order_row(c, &id)
        })
    }

    /// The account's open orders (remote orders, payment codes waiting for the PIN), newest
    /// first; ones whose time is up turn `expired` on the way.
    pub async fn open_orders_for(
        &self,
        account_id: &str,
        now: i64,
    ) -> Result<Vec<OrderRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            c.execute(
                "UPDATE orders SET status = 'expired', updated_at = ?2
                 WHERE payer_account_id = ?1 AND status = 'open' AND expires_at <= ?2
                   AND pending_operation_id IS NULL",
                params![a, now],
            )?;
            let mut stmt = c.prepare(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE payer_account_id = ?1 AND status = 'open'
                 AND channel IN ('remote_order', 'paycode', 'checkout') ORDER BY created_at DESC, id DESC LIMIT 100"
            ))?;
            let rows = stmt.query_map([&a], order_from)?;
            rows.map(|r| r.and_then(|r| r)).collect()
        })
    }

    /// The merchant's orders, newest first.
    pub async fn merchant_orders(
        &self,
        merchant_id: &str,
        now: i64,
        limit: u32,
    ) -> Result<Vec<OrderRow>, StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| {
            c.execute(
                "UPDATE orders SET status = 'expired', updated_at = ?2
                 WHERE merchant_id = ?1 AND status = 'open' AND expires_at <= ?2
                   AND pending_operation_id IS NULL",
                params![m, now],
            )?;
            let mut stmt = c.prepare(&format!(
                "SELECT {ORDER_COLUMNS} FROM orders WHERE merchant_id = ?1
                 ORDER BY created_at DESC, id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![m, limit], order_from)?;
            rows.map(|r| r.and_then(|r| r)).collect()
        })
    }

    /// The payer declines an open order of theirs.
    pub async fn decline_order(
        &self,
        account_id: &str,
        order_id: &str,
        now: i64,
    ) -> Result<DeclineOutcome, StoreError> {
        let (a, id) = (account_id.to_owned(), order_id.to_owned());
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            expire_order(&tx, &id, now)?;
            let Some(order) =
                order_row(&tx, &id)?.filter(|o| o.payer_account_id.as_deref() == Some(&a))
            else {
                return Ok(DeclineOutcome::NotFound);
            };
            let outcome = match order.status {
                OrderState::Paid | OrderState::Refunded => DeclineOutcome::AlreadyPaid,
                OrderState::Expired => DeclineOutcome::Expired,
                OrderState::Declined => DeclineOutcome::Declined(Box::new(order)),
                // A payment from a card or the phone bill is on its way: not declinable.
                OrderState::Open if pending_payment(&tx, &id)?.is_some() => {
                    DeclineOutcome::AlreadyPaid
                }
                OrderState::Open => {
                    tx.execute(
                        "UPDATE orders SET status = 'declined', updated_at = ?2 WHERE id = ?1 AND status = 'open'",
                        params![id, now],
                    )?;
                    let row = order_row(&tx, &id)?
                        .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
                    DeclineOutcome::Declined(Box::new(row))
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
    }

    // --- payments ---

    /// Pays a merchant from the payer's wallet in one transaction: the operation, its ledger
    /// transaction and the order move together. `admit` (the domain's rule) decides on the
    /// order's amount and the payer's [`AdmissionFacts`] as this transaction sees them.
    pub async fn pay<A>(&self, p: NewPayment, admit: A) -> Result<PayOutcome, StoreError>
    where
        A: FnOnce(i64, &AdmissionFacts) -> Result<(), Refusal> + Send + 'static,
    {
        self.pay_from(p, PaySource::Balance, admit).await
    }

    /// [`Store::pay`] from a chosen source: the balance pays in this transaction; a card or the
    /// phone bill starts a `processing` operation that holds the order for its gateway.
    pub async fn pay_from<A>(
        &self,
        p: NewPayment,
        source: PaySource,
        admit: A,
    ) -> Result<PayOutcome, StoreError>
    where
        A: FnOnce(i64, &AdmissionFacts) -> Result<(), Refusal> + Send + 'static,
    {
        on_backend!(self, |c| {
            let order_key = match &p.target {
                PayTarget::New(new) => format!("order:{}", new.id),
                PayTarget::Existing { order_id, .. } => format!("order:{order_id}"),
            };
            // The payer's writers and the order's other payers wait; nobody else.
            let tx = c.transaction_locking(&[&p.account_id, &order_key])?;
            if let Some(existing) = operation_by_key(&tx, &p.account_id, &p.idempotency_key)? {
                return Ok(if existing.request_hash == p.request_hash {
                    PayOutcome::Existing(Box::new(existing))
                } else {
                    PayOutcome::KeyReused
                });
            }
            // Inside the transaction: a freeze committed after the caller's check still holds.
            if super::journal::guard(&tx, &p.account_id)?
                .frozen_at
                .is_some()
            {
                return Ok(PayOutcome::Refused(Refusal::Frozen));
            }
            let order = match &p.target {
                PayTarget::New(new) => {
                    insert_order(&tx, new, p.now)?;
                    order_row(&tx, &new.id)?
                        .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?
                }
                PayTarget::Existing {
                    order_id,
                    merchant_id,
                    payer_only,
                    channels,
                } => {
                    if expire_order(&tx, order_id, p.now)? {
                        tx.commit()?;
                        return Ok(PayOutcome::Expired);
                    }
                    let found = order_row(&tx, order_id)?.filter(|o| {
                        channels.contains(&o.channel)
                            && merchant_id.as_ref().is_none_or(|m| *m == o.merchant_id)
                            && (!payer_only || o.payer_account_id.as_deref() == Some(&p.account_id))
                    });
                    let Some(order) = found else {
                        return Ok(PayOutcome::OrderNotFound);
                    };
                    if order.status == OrderState::Open
                        && pending_payment(&tx, &order.id)?.is_some()
                    {
                        return Ok(PayOutcome::PaymentPending);
                    }
                    match order.status {
                        OrderState::Open => order,
                        OrderState::Paid | OrderState::Refunded => {
                            return Ok(PayOutcome::AlreadyPaid)
                        }
                        OrderState::Expired => return Ok(PayOutcome::Expired),
                        OrderState::Declined => return Ok(PayOutcome::Closed),
                    }
                }
            };
            let facts = admission_facts(&tx, &p.account_id, OpKind::Payment, p.day_start, p.now)?;
            if let Err(refusal) = admit(order.amount, &facts) {
                return Ok(PayOutcome::Refused(refusal));
            }
            if let PaySource::Gateway(source) = &source {
                tx.execute(
                    "INSERT INTO operations (id, account_id, kind, status, amount, fee, currency, card_id,
                         merchant_id, order_id, channel, no_pin, idempotency_key, request_hash, failure_code,
                         created_at, updated_at, source)
                     VALUES (?1, ?2, 'payment', 'processing', ?3, 0, ?4, NULL, ?5, ?6, ?7, 0, ?8, ?9, NULL, ?10, ?10, ?11)",
                    params![p.operation_id, p.account_id, order.amount, order.currency, order.merchant_id,
                        order.id, order.channel.as_str(), p.idempotency_key, p.request_hash, p.now, source],
                )?;
                tx.execute(
                    "UPDATE orders SET pending_operation_id = ?2, updated_at = ?3 WHERE id = ?1 AND status = 'open'",
                    params![order.id, p.operation_id, p.now],
                )?;
                let operation = operation_row(&tx, &p.operation_id)?
                    .ok_or_else(|| StoreError::Corrupt("operation vanished".to_owned()))?;
                let order = order_row(&tx, &order.id)?
                    .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
                tx.commit()?;
                return Ok(PayOutcome::Started {
                    operation: Box::new(operation),
                    order: Box::new(order),
                });
            }
            let paid = PaidOrder {
                operation_id: &p.operation_id,
                account_id: &p.account_id,
                idempotency_key: &p.idempotency_key,
                request_hash: &p.request_hash,
                no_pin: false,
            };
            match pay_order(&tx, &order, &paid, p.now)? {
                Some(balance) => Ok(PayOutcome::Refused(Refusal::BalanceInsufficient {
                    balance,
                })),
                None => {
                    let operation = operation_row(&tx, &p.operation_id)?
                        .ok_or_else(|| StoreError::Corrupt("operation vanished".to_owned()))?;
                    let order = order_row(&tx, &order.id)?
                        .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
                    tx.commit()?;
                    Ok(PayOutcome::Paid {
                        operation: Box::new(operation),
                        order: Box::new(order),
                    })
                }
            }
        })
    }

    /// A merchant's earlier request with this Idempotency-Key: `(kind, request hash, order)`.
    pub async fn merchant_request(
        &self,
        merchant_id: &str,
        key: &str,
    ) -> Result<Option<(String, String, String)>, StoreError> {
        let (m, k) = (merchant_id.to_owned(), key.to_owned());
        on_backend!(self, |c| {
            c
            .query_row(
                "SELECT kind, request_hash, order_id FROM merchant_requests WHERE merchant_id = ?1 AND idempotency_key = ?2",
                params![m, k],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
        })
    }

    /// Charges a payment code in one transaction: accepts the code once (the primary key of
    /// `paycode_uses`), checks the device is still active, and lets `decide` (the domain's
    /// rule, given the amount, the payer's [`AdmissionFacts`] and today's no-PIN total) pay it
    /// at once or leave the order open for the payer's PIN.
    pub async fn charge_code<D>(
        &self,
        ch: NewCharge,
        decide: D,
    ) -> Result<ChargeOutcome, StoreError>
    where
        D: FnOnce(i64, &AdmissionFacts, i64) -> Result<ChargeDecision, Refusal> + Send + 'static,
    {
        let keys = self.keys()?;
        on_backend!(self, |c| {
            let request_key = format!("mreq:{}:{}", ch.merchant_id, ch.idempotency_key);
            // The payer's writers and retries of the same merchant request wait; nobody else.
            let tx = c.transaction_locking(&[&ch.account_id, &request_key])?;
            if let Some(found) = merchant_request_tx(&tx, &ch.merchant_id, &ch.idempotency_key)? {
                return Ok(
                    found_request(&tx, found, "charge", &ch.request_hash, ch.now)?
                        .map_or(ChargeOutcome::KeyReused, |o| {
                            ChargeOutcome::Existing(Box::new(o))
                        }),
                );
            }
            // Before the device check: a freeze revokes the devices, and the merchant should
            // hear why the code is refused.
            if super::journal::guard(&tx, &ch.account_id)?
                .frozen_at
                .is_some()
            {
                return Ok(ChargeOutcome::Refused(Refusal::Frozen));
            }
            // The database, not the instance's index, is the authority: the code must come
            // from the device's current seed.
            let seed: Option<Option<String>> = tx
                .query_row(
                    "SELECT paycode_seed FROM devices WHERE id = ?1 AND account_id = ?2 AND revoked_at IS NULL",
                    params![ch.device_id, ch.account_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(seed) = seed else {
                return Ok(ChargeOutcome::DeviceInactive);
            };
            let seed = match seed {
                Some(sealed) => {
                    Some(keys.open(SealedColumn::PaycodeSeed, &ch.device_id, &sealed)?)
                }
                None => None,
            };
            let current = seed
                .as_deref()
                .and_then(|s| PaycodeSeed::from_base64(s))
                .is_some_and(|s| s.code(ch.step).value() == ch.code);
            if !current {
                return Ok(ChargeOutcome::SeedChanged);
            }
            let code = i64::try_from(ch.code)
                .map_err(|_| StoreError::Corrupt("payment code over i64".to_owned()))?;
            let fresh = tx.execute(
                "INSERT INTO paycode_uses (code, step, device_id, order_id, used_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT DO NOTHING",
                params![code, ch.step, ch.device_id, ch.order.id, ch.now],
            )?;
            if fresh == 0 {
                return Ok(ChargeOutcome::Used);
            }
            let facts =
                admission_facts(&tx, &ch.account_id, OpKind::Payment, ch.day_start, ch.now)?;
            let no_pin_today = no_pin_total(&tx, &ch.account_id, ch.day_start)?;
            let pay_now = match decide(ch.order.amount, &facts, no_pin_today) {
                Ok(ChargeDecision::PayNow) => Some(&ch.operation_id),
                Ok(ChargeDecision::AwaitPin) => None,
                Err(refusal) => return Ok(ChargeOutcome::Refused(refusal)),
            };
            insert_order(&tx, &ch.order, ch.now)?;
            let order = order_row(&tx, &ch.order.id)?
                .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
            let mut operation_id = None;
            if let Some(op_id) = pay_now {
                let key = format!("order:{}", order.id);
                let paid = PaidOrder {
                    operation_id: op_id,
                    account_id: &ch.account_id,
                    idempotency_key: &key,
                    request_hash: &key,
                    no_pin: true,
                };
                if let Some(balance) = pay_order(&tx, &order, &paid, ch.now)? {
                    return Ok(ChargeOutcome::Refused(Refusal::BalanceInsufficient {
                        balance,
                    }));
                }
                operation_id = Some(op_id.clone());
            }
            tx.execute(
                "INSERT INTO merchant_requests (merchant_id, idempotency_key, kind, request_hash, order_id, operation_id, created_at)
                 VALUES (?1, ?2, 'charge', ?3, ?4, ?5, ?6)",
                params![ch.merchant_id, ch.idempotency_key, ch.request_hash, order.id, operation_id, ch.now],
            )?;
            let row = order_row(&tx, &order.id)?
                .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
            tx.commit()?;
            Ok(ChargeOutcome::Created(Box::new(row)))
        })
    }

    /// Refunds (part of) a paid order to the payer's wallet in one transaction.
    pub async fn refund(&self, r: NewRefund) -> Result<RefundOutcome, StoreError> {
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            if let Some(found) = merchant_request_tx(&tx, &r.merchant_id, &r.idempotency_key)? {
                return Ok(found_request(&tx, found, "refund", &r.request_hash, r.now)?
                    .map_or(RefundOutcome::KeyReused, |o| {
                        RefundOutcome::Existing(Box::new(o))
                    }));
            }
            expire_order(&tx, &r.order_id, r.now)?;
            let Some(order) =
                order_row(&tx, &r.order_id)?.filter(|o| o.merchant_id == r.merchant_id)
            else {
                return Ok(RefundOutcome::OrderNotFound);
            };
            let left = order.amount - order.refunded;
            let amount = r.amount.unwrap_or(left);
            let (Some(payer), OrderState::Paid) = (order.payer_account_id.as_deref(), order.status)
            else {
                return Ok(RefundOutcome::NotAllowed { left: 0 });
            };
            if amount <= 0 || amount > left {
                return Ok(RefundOutcome::NotAllowed { left });
            }
            // Back to where the money came from: the payment's source.
            let source: Option<String> = match order.payment_operation_id.as_deref() {
                Some(payment) => operation_row(&tx, payment)?.and_then(|p| p.source),
                None => None,
            };
            let via_gateway = source.as_deref().is_some_and(|s| s != "balance");
            tx.execute(
                "INSERT INTO operations (id, account_id, kind, status, amount, fee, currency, card_id,
                     merchant_id, order_id, channel, no_pin, idempotency_key, request_hash, failure_code,
                     created_at, updated_at, source)
                 VALUES (?1, ?2, 'refund', ?10, ?3, 0, ?4, NULL, ?5, ?6, ?7, 0, ?8, ?8, NULL, ?9, ?9, ?11)",
                params![r.operation_id, payer, amount, order.currency, order.merchant_id, order.id,
                    order.channel.as_str(), format!("refund:{}:{}", r.merchant_id, r.idempotency_key), r.now,
                    if via_gateway { "processing" } else { "succeeded" }, source],
            )?;
            if via_gateway {
                // Reserved from the merchant until the bank or the carrier takes it (as a
                // withdrawal is reserved from the wallet).
                post(
                    &tx,
                    &r.operation_id,
                    "refund_reserve",
                    &order.currency,
                    &[
                        (&merchant_account(&order.merchant_id), "merchant", -amount),
                        (REFUND_CLEARING_ACCOUNT, "clearing", amount),
                    ],
                    r.now,
                )?;
            } else {
                post(
                    &tx,
                    &r.operation_id,
                    "refund",
                    &order.currency,
                    &[
                        (&merchant_account(&order.merchant_id), "merchant", -amount),
                        (&wallet_account(payer), "customer", amount),
                    ],
                    r.now,
                )?;
            }
            tx.execute(
                "UPDATE orders SET refunded = refunded + ?2,
                     status = CASE WHEN refunded + ?2 = amount THEN 'refunded' ELSE status END,
                     updated_at = ?3
                 WHERE id = ?1",
                params![order.id, amount, r.now],
            )?;
            tx.execute(
                "INSERT INTO merchant_requests (merchant_id, idempotency_key, kind, request_hash, order_id, operation_id, created_at)
                 VALUES (?1, ?2, 'refund', ?3, ?4, ?5, ?6)",
                params![r.merchant_id, r.idempotency_key, r.request_hash, order.id, r.operation_id, r.now],
            )?;
            let row = order_row(&tx, &order.id)?
                .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
            tx.commit()?;
            Ok(RefundOutcome::Refunded(Box::new(row)))
        })
    }

    /// What the account paid without a PIN since `day_start`.
    pub async fn no_pin_total(&self, account_id: &str, day_start: i64) -> Result<i64, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| no_pin_total(c, &a, day_start))
    }

    /// Operations of one order (its payment and refunds), oldest first.
    pub async fn order_operations(&self, order_id: &str) -> Result<Vec<OperationRow>, StoreError> {
        let id = order_id.to_owned();
        on_backend!(self, |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {OP_COLUMNS} FROM operations WHERE order_id = ?1 ORDER BY created_at, id"
            ))?;
            let rows = stmt.query_map([&id], op_from)?;
            rows.map(|r| r.and_then(|r| r)).collect()
        })
    }

    // --- payment codes ---

    /// Replaces an active device's payment-code seed. `false` if the device is revoked or gone.
    pub async fn set_paycode_seed(
        &self,
        device_id: &str,
        seed: &PaycodeSeed,
        now: i64,
    ) -> Result<bool, StoreError> {
        let sealed = self
            .keys()?
            .seal(SealedColumn::PaycodeSeed, device_id, &seed.to_base64());
        let (d, s) = (device_id.to_owned(), sealed);
        on_backend!(self, |c| {
            Ok(c.execute(
            "UPDATE devices SET paycode_seed = ?2, paycode_seed_issued_at = ?3 WHERE id = ?1 AND revoked_at IS NULL",
            params![d, s, now],
        )? == 1)
        })
    }

    /// Every active device with a seed: what the payment-code index is built from.
    pub async fn paycode_devices(&self) -> Result<Vec<PaycodeDevice>, StoreError> {
        self.paycode_devices_since(None).await
    }

    /// [`Store::paycode_devices`] whose seed was issued at `since` or later: what another
    /// instance enrolled or reissued since this one last looked.
    pub async fn paycode_devices_since(
        &self,
        since: Option<i64>,
    ) -> Result<Vec<PaycodeDevice>, StoreError> {
        let keys = self.keys()?;
        on_backend!(self, |c| {
            // Devices revoked by a freeze stay indexed while the account is frozen, so their
            // codes (made offline) answer ACCOUNT_FROZEN rather than look unknown.
            let sql = format!(
                "SELECT d.id, d.account_id, d.paycode_seed FROM devices d
                 JOIN accounts a ON a.id = d.account_id
                 WHERE d.paycode_seed IS NOT NULL {}
                   AND (d.revoked_at IS NULL
                        OR (a.frozen_at IS NOT NULL AND d.revoked_at >= a.frozen_at))",
                if since.is_some() {
                    "AND d.paycode_seed_issued_at >= ?1"
                } else {
                    "AND CAST(?1 AS BIGINT) IS NULL"
                }
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt.query_map([since], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (device_id, account_id, seed) = row?;
                let seed = keys.open(SealedColumn::PaycodeSeed, &device_id, &seed)?;
                let seed = PaycodeSeed::from_base64(&seed).ok_or_else(|| {
                    StoreError::Corrupt(format!("payment-code seed of {device_id}"))
                })?;
                out.push(PaycodeDevice {
                    device_id,
                    account_id,
                    seed,
                });
            }
            Ok(out)
        })
    }

    pub async fn paycode_settings(
        &self,
        account_id: &str,
    ) -> Result<Option<PaycodeSettingsRow>, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| paycode_settings_row(c, &a))
    }

    /// Writes the no-PIN settings and journals `change` in one transaction, if the stored row
    /// is still `expected` (what the caller decided on, e.g. whether the PIN was needed);
    /// `false` when it changed meanwhile (decide again).
    pub async fn put_paycode_settings(
        &self,
        account_id: &str,
        expected: Option<PaycodeSettingsRow>,
        s: PaycodeSettingsRow,
        change: super::SecurityChange,
        now: i64,
    ) -> Result<bool, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let tx = c.transaction_locking(&[a.as_str()])?;
            if paycode_settings_row(&tx, &a)? != expected {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO paycode_settings (account_id, no_pin_enabled, no_pin_per_payment, no_pin_daily, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (account_id) DO UPDATE SET no_pin_enabled = excluded.no_pin_enabled,
                     no_pin_per_payment = excluded.no_pin_per_payment, no_pin_daily = excluded.no_pin_daily,
                     updated_at = excluded.updated_at",
                params![a, s.no_pin_enabled, s.no_pin_per_payment, s.no_pin_daily, now],
            )?;
            super::journal::record_change(&tx, &a, &change, now)?;
            tx.commit()?;
            Ok(true)
        })
    }
}

// --- SQLite helpers --------------------------------------------------------------------------

fn paycode_settings_row(
    c: &Db,
    account_id: &str,
) -> Result<Option<PaycodeSettingsRow>, StoreError> {
    c.query_row(
        "SELECT no_pin_enabled, no_pin_per_payment, no_pin_daily FROM paycode_settings WHERE account_id = ?1",
        [account_id],
        |r| {
            Ok(PaycodeSettingsRow {
                no_pin_enabled: r.get(0)?,
                no_pin_per_payment: r.get(1)?,
                no_pin_daily: r.get(2)?,
            })
        },
    )
    .optional()
}

/// `column` is a name from this file, never from input.
fn merchant_row(
    c: &Db,
    column: &'static str,
    value: &str,
) -> Result<Option<MerchantRow>, StoreError> {
    c.query_row(
        &format!("SELECT id, name, city, mcc, created_at FROM merchants WHERE {column} = ?1"),
        [value],
        |r| {
            Ok(MerchantRow {
                id: r.get(0)?,
                name: r.get(1)?,
                city: r.get(2)?,
                mcc: r.get(3)?,
                created_at: r.get(4)?,
            })
        },
    )
    .optional()
}

const ORDER_COLUMNS: &str = "id, merchant_id, amount, currency, description, status, channel, \
     payload, payer_account_id, payer_device_id, created_at, expires_at, paid_at, \
     payment_operation_id, refunded";

fn order_from(r: &Row) -> Result<Result<OrderRow, StoreError>, StoreError> {
    let status: String = r.get(5)?;
    let channel: String = r.get(6)?;
    let row = OrderRow {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        amount: r.get(2)?,
        currency: r.get(3)?,
        description: r.get(4)?,
        status: OrderState::Open,
        channel: Channel::StaticQr,
        payload: r.get(7)?,
        payer_account_id: r.get(8)?,
        payer_device_id: r.get(9)?,
        created_at: r.get(10)?,
        expires_at: r.get(11)?,
        paid_at: r.get(12)?,
        payment_operation_id: r.get(13)?,
        refunded: r.get(14)?,
    };
    Ok((|| {
        Ok(OrderRow {
            status: OrderState::parse(&status)?,
            channel: Channel::parse(&channel)?,
            ..row
        })
    })())
}

pub(super) fn order_row(c: &Db, id: &str) -> Result<Option<OrderRow>, StoreError> {
    c.query_row(
        &format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1"),
        [id],
        order_from,
    )
    .optional()?
    .transpose()
}

pub(super) fn insert_order(tx: &Db, o: &NewOrder, now: i64) -> Result<(), StoreError> {
    tx.execute(
        "INSERT INTO orders (id, merchant_id, amount, currency, description, status, channel, payload,
             payer_account_id, payer_device_id, created_at, expires_at, refunded, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 'open', ?6, ?7, ?8, ?9, ?10, ?11, 0, ?10)",
        params![
            o.id,
            o.merchant_id,
            o.amount,
            o.currency,
            o.description,
            o.channel.as_str(),
            o.payload,
            o.payer_account_id,
            o.payer_device_id,
            now,
            o.expires_at
        ],
    )?;
    Ok(())
}

/// Turns an open order whose time is up `expired`; `true` if it did just now.
pub(super) fn expire_order(c: &Db, id: &str, now: i64) -> Result<bool, StoreError> {
    Ok(c.execute(
        "UPDATE orders SET status = 'expired', updated_at = ?2
         WHERE id = ?1 AND status = 'open' AND expires_at <= ?2 AND pending_operation_id IS NULL",
        params![id, now],
    )? == 1)
}

/// The payer's side of a payment.
struct PaidOrder<'a> {
    operation_id: &'a str,
    account_id: &'a str,
    idempotency_key: &'a str,
    request_hash: &'a str,
    no_pin: bool,
}

/// Pays an open order inside `tx`: the operation, the ledger transaction, the order. Answers
/// `Some(balance)` (and writes nothing that matters; the caller drops the transaction) when the
/// wallet holds too little.
fn pay_order(
    tx: &Db,
    order: &OrderRow,
    p: &PaidOrder<'_>,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let wallet = wallet_account(p.account_id);
    let balance = account_balance(tx, &wallet)?;
    if balance < order.amount {
        return Ok(Some(balance));
    }
    tx.execute(
        "INSERT INTO operations (id, account_id, kind, status, amount, fee, currency, card_id,
             merchant_id, order_id, channel, no_pin, idempotency_key, request_hash, failure_code,
             created_at, updated_at)
         VALUES (?1, ?2, 'payment', 'succeeded', ?3, 0, ?4, NULL, ?5, ?6, ?7, ?8, ?9, ?10, NULL, ?11, ?11)",
        params![
            p.operation_id,
            p.account_id,
            order.amount,
            order.currency,
            order.merchant_id,
            order.id,
            order.channel.as_str(),
            p.no_pin,
            p.idempotency_key,
            p.request_hash,
            now
        ],
    )?;
    let posted = post(
        tx,
        p.operation_id,
        "payment",
        &order.currency,
        &[
            (&wallet, "customer", -order.amount),
            (
                &merchant_account(&order.merchant_id),
                "merchant",
                order.amount,
            ),
        ],
        now,
    );
    match posted {
        Ok(()) => {}
        // The schema's own guard: a balance below zero is refused.
        Err(e) if e.is_check_violation() => {
            return Ok(Some(account_balance(tx, &wallet)?));
        }
        Err(e) => return Err(e),
    }
    let moved = tx.execute(
        "UPDATE orders SET status = 'paid', paid_at = ?2, payment_operation_id = ?3,
             payer_account_id = ?4, updated_at = ?2
         WHERE id = ?1 AND status = 'open'",
        params![order.id, now, p.operation_id, p.account_id],
    )?;
    if moved != 1 {
        return Err(StoreError::Corrupt(format!(
            "order {} left `open` inside its payment",
            order.id
        )));
    }
    Ok(None)
}

fn merchant_request_tx(
    c: &Db,
    merchant_id: &str,
    key: &str,
) -> Result<Option<(String, String, String)>, StoreError> {
    c.query_row(
        "SELECT kind, request_hash, order_id FROM merchant_requests WHERE merchant_id = ?1 AND idempotency_key = ?2",
        params![merchant_id, key],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

/// The order of an earlier request with the same key, if it was the same request.
fn found_request(
    tx: &Db,
    (kind, hash, order_id): (String, String, String),
    want_kind: &str,
    want_hash: &str,
    now: i64,
) -> Result<Option<OrderRow>, StoreError> {
    if kind != want_kind || hash != want_hash {
        return Ok(None);
    }
    expire_order(tx, &order_id, now)?;
    order_row(tx, &order_id)
}

fn no_pin_total(c: &Db, account_id: &str, day_start: i64) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT COALESCE(SUM(amount), 0) FROM operations
         WHERE account_id = ?1 AND kind = 'payment' AND no_pin = 1 AND created_at >= ?2 AND status <> 'failed'",
        params![account_id, day_start],
        |r| r.get(0),
    )
}

/// The payment of this order waiting for its gateway, if any.
fn pending_payment(c: &Db, order_id: &str) -> Result<Option<String>, StoreError> {
    Ok(c.query_row(
        "SELECT pending_operation_id FROM orders WHERE id = ?1",
        [order_id],
        |r| r.get::<_, Option<String>>(0),
    )
    .optional()?
    .flatten())
}
