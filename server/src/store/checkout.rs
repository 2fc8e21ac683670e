//! Web checkouts (issue 14): [`Store`] methods over the `checkouts` table (migration 0014).
//!
//! A checkout is an order of channel `checkout` plus its page's row: the hash of the page's
//! secret token, the merchant's `return_url` and how many phone numbers the page has pushed the
//! order to. Money moves only through the order paths of [`super::pay`]: a scan pays it like a
//! dynamic code, a push sets the order's payer so that account can confirm it from its inbox.

use super::db::{params, Behavior, OptionalExtension};
use super::pay::{expire_order, insert_order, order_row, NewOrder, OrderRow, OrderState};
use super::{Backend, Store, StoreError};

/// A checkout page's own facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutRow {
    pub order_id: String,
    pub return_url: String,
    pub phone_pushes: i64,
    pub created_at: i64,
}

/// What a "pay with my phone number" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushOutcome {
    /// Counted; the order now waits in the payer's inbox (when a payer was given).
    Pushed(Box<OrderRow>),
    /// No checkout has this token.
    NotFound,
    /// The order is no longer open (paid, refunded, declined or expired): nothing changed.
    NotOpen(Box<OrderRow>),
    /// The page has pushed the order to `max` numbers already: nothing changed.
    TooMany,
}

impl Store {
    /// Creates a checkout's order (open) and its page row in one transaction.
    pub async fn insert_checkout(
        &self,
        order: NewOrder,
        token_hash: String,
        return_url: String,
        now: i64,
    ) -> Result<OrderRow, StoreError> {
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            insert_order(&tx, &order, now)?;
            tx.execute(
                "INSERT INTO checkouts (order_id, token_hash, return_url, phone_pushes, created_at)
                 VALUES (?1, ?2, ?3, 0, ?4)",
                params![order.id, token_hash, return_url, now],
            )?;
            let row = order_row(&tx, &order.id)?
                .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
            tx.commit()?;
            Ok(row)
        })
    }

    /// The checkout whose token hashes to `token_hash` and its order, turned `expired` first if
    /// its time is up.
    pub async fn checkout(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<(CheckoutRow, OrderRow)>, StoreError> {
        let hash = token_hash.to_owned();
        on_backend!(self, |c| {
            let Some(checkout) = checkout_row(c, &hash)? else {
                return Ok(None);
            };
            expire_order(c, &checkout.order_id, now)?;
            let order = order_row(c, &checkout.order_id)?
                .ok_or_else(|| StoreError::Corrupt("checkout without its order".to_owned()))?;
            Ok(Some((checkout, order)))
        })
    }

    /// "Pay with my phone number": counts the push against the page's `max`, and, for a number
    /// that has an account (`payer`), makes that account the order's payer, so the order waits
    /// in its inbox. Counted the same whether or not there is a payer. Takes the order's lock,
    /// so a push and a payment of the same order take turns.
    pub async fn push_checkout(
        &self,
        token_hash: &str,
        payer: Option<String>,
        max: i64,
        now: i64,
    ) -> Result<PushOutcome, StoreError> {
        let hash = token_hash.to_owned();
        on_backend!(self, |c| {
            let Some(found) = checkout_row(c, &hash)? else {
                return Ok(PushOutcome::NotFound);
            };
            let order_key = format!("order:{}", found.order_id);
            let tx = c.transaction_locking(&[&order_key])?;
            expire_order(&tx, &found.order_id, now)?;
            let checkout = checkout_row(&tx, &hash)?
                .ok_or_else(|| StoreError::Corrupt("checkout vanished".to_owned()))?;
            let order = order_row(&tx, &checkout.order_id)?
                .ok_or_else(|| StoreError::Corrupt("checkout without its order".to_owned()))?;
            if order.status != OrderState::Open {
                tx.commit()?;
                return Ok(PushOutcome::NotOpen(Box::new(order)));
            }
            if checkout.phone_pushes >= max {
                return Ok(PushOutcome::TooMany);
            }
            tx.execute(
                "UPDATE checkouts SET phone_pushes = phone_pushes + 1 WHERE order_id = ?1",
                params![checkout.order_id],
            )?;
            if let Some(payer) = &payer {
                let moved = tx.execute(
                    "UPDATE orders SET payer_account_id = ?2, updated_at = ?3
                     WHERE id = ?1 AND status = 'open'",
                    params![checkout.order_id, payer, now],
                )?;
                if moved != 1 {
                    return Err(StoreError::Corrupt(format!(
                        "checkout order {} left `open` under its lock",
                        checkout.order_id
                    )));
                }
            }
            let order = order_row(&tx, &checkout.order_id)?
                .ok_or_else(|| StoreError::Corrupt("order vanished".to_owned()))?;
            tx.commit()?;
            Ok(PushOutcome::Pushed(Box::new(order)))
        })
    }
}

fn checkout_row(c: &super::db::Db, token_hash: &str) -> Result<Option<CheckoutRow>, StoreError> {
    c.query_row(
        "SELECT order_id, return_url, phone_pushes, created_at FROM checkouts WHERE token_hash = ?1",
        [token_hash],
        |r| {
            Ok(CheckoutRow {
                order_id: r.get(0)?,
                return_url: r.get(1)?,
                phone_pushes: r.get(2)?,
                created_at: r.get(3)?,
            })
        },
    )
    .optional()
}
