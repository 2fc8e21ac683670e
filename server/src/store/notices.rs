//! Merchant notices (migration 0013): the merchant's `notify_url` and sealed notice secret, the
//! `merchant_notices` outbox and its delivery state.
//!
//! Notices are written by the `orders_notice` trigger in the same transaction as the order's
//! change, whatever code path changed it (a transactional outbox): no payment, refund, decline
//! or expiry query here or elsewhere has to remember them. Delivery is claimed with a lease:
//! [`Store::claim_notices`] moves a due row to this instance with one conditional update each,
//! so two instances on one database never deliver the same attempt, and a crashed instance's
//! claim lapses at `lease_until`. [`Store::finish_notice_attempt`] records the answer only
//! while the claim is still this instance's.

use zeroize::Zeroizing;

use super::db::{params, Behavior, Db, OptionalExtension, Row};
use super::{Backend, Store, StoreError};
use crate::secrets::vault::SealedColumn;

/// One notice and its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    pub id: String,
    pub merchant_id: String,
    pub order_id: String,
    /// `paid`, `refunded`, `expired` or `declined`.
    pub event: String,
    pub amount: i64,
    pub order_amount: i64,
    pub refunded: i64,
    pub currency: String,
    pub occurred_at: i64,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: i64,
    pub last_attempt_at: Option<i64>,
    pub last_http_status: Option<i64>,
    pub last_error: Option<String>,
    pub delivered_at: Option<i64>,
}

/// A notice this instance claimed, with where it goes and the opened secret that signs it.
pub struct ClaimedNotice {
    pub notice: NoticeRow,
    pub notify_url: Option<String>,
    pub secret: Option<Zeroizing<String>>,
}

/// A merchant's notice settings as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSettingsRow {
    pub notify_url: Option<String>,
    pub secret_created_at: Option<i64>,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttemptResult {
    /// The merchant answered 2xx.
    Delivered { http_status: u16 },
    /// Try again at `next_attempt_at`.
    Retry {
        http_status: Option<u16>,
        error: String,
        next_attempt_at: i64,
    },
    /// No more tries.
    Failed {
        http_status: Option<u16>,
        error: String,
    },
}

const NOTICE_COLUMNS: &str = "id, merchant_id, order_id, event, amount, order_amount, refunded, \
     currency, occurred_at, status, attempts, next_attempt_at, last_attempt_at, last_http_status, \
     last_error, delivered_at";

fn notice_from(r: &Row) -> Result<NoticeRow, StoreError> {
    Ok(NoticeRow {
        id: r.get(0)?,
        merchant_id: r.get(1)?,
        order_id: r.get(2)?,
        event: r.get(3)?,
        amount: r.get(4)?,
        order_amount: r.get(5)?,
        refunded: r.get(6)?,
        currency: r.get(7)?,
        occurred_at: r.get(8)?,
        status: r.get(9)?,
        attempts: r.get(10)?,
        next_attempt_at: r.get(11)?,
        last_attempt_at: r.get(12)?,
        last_http_status: r.get(13)?,
        last_error: r.get(14)?,
        delivered_at: r.get(15)?,
    })
}

/// Error text kept short and free of anything but the reason.
fn short(error: &str) -> String {
    error.chars().take(200).collect()
}

fn pending_fail(c: &Db, merchant_id: &str, reason: &str) -> Result<usize, StoreError> {
    c.execute(
        "UPDATE merchant_notices SET status = 'failed', last_error = ?2, lease_owner = NULL,
             lease_until = NULL
         WHERE merchant_id = ?1 AND status = 'pending'",
        params![merchant_id, reason],
    )
}

impl Store {
    /// Sets (or with `None` clears) where the merchant's notices go. Clearing it fails the
    /// notices not delivered yet (they have nowhere to go). `false`: no such merchant.
    pub async fn set_notify_url(
        &self,
        merchant_id: &str,
        notify_url: Option<String>,
    ) -> Result<bool, StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let found = tx.execute(
                "UPDATE merchants SET notify_url = ?2 WHERE id = ?1",
                params![m, notify_url],
            )? == 1;
            if found && notify_url.is_none() {
                pending_fail(&tx, &m, "notify_url removed")?;
            }
            tx.commit()?;
            Ok(found)
        })
    }

    /// Replaces the merchant's notice secret (sealed under the `merchants` data key). `false`:
    /// no such merchant.
    pub async fn set_notice_secret(
        &self,
        merchant_id: &str,
        secret: &str,
        now: i64,
    ) -> Result<bool, StoreError> {
        let sealed = self
            .keys()?
            .seal(SealedColumn::MerchantNoticeSecret, merchant_id, secret);
        let m = merchant_id.to_owned();
        on_backend!(self, |c| Ok(c.execute(
            "UPDATE merchants SET notice_secret = ?2, notice_secret_at = ?3 WHERE id = ?1",
            params![m, sealed, now],
        )? == 1))
    }

    pub async fn notice_settings(
        &self,
        merchant_id: &str,
    ) -> Result<Option<NoticeSettingsRow>, StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| c
            .query_row(
                "SELECT notify_url, notice_secret_at FROM merchants WHERE id = ?1",
                [&m],
                |r| Ok(NoticeSettingsRow {
                    notify_url: r.get(0)?,
                    secret_created_at: r.get(1)?,
                }),
            )
            .optional())
    }

    /// The merchant's notices, newest first (of one order when `order_id` is given).
    pub async fn merchant_notices(
        &self,
        merchant_id: &str,
        order_id: Option<String>,
        limit: u32,
    ) -> Result<Vec<NoticeRow>, StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| {
            let rows = match &order_id {
                Some(o) => c.query(
                    &format!(
                        "SELECT {NOTICE_COLUMNS} FROM merchant_notices
                         WHERE merchant_id = ?1 AND order_id = ?2
                         ORDER BY occurred_at DESC, refunded DESC, id DESC LIMIT ?3"
                    ),
                    params![m, o, limit],
                )?,
                None => c.query(
                    &format!(
                        "SELECT {NOTICE_COLUMNS} FROM merchant_notices WHERE merchant_id = ?1
                         ORDER BY occurred_at DESC, refunded DESC, id DESC LIMIT ?2"
                    ),
                    params![m, limit],
                )?,
            };
            rows.iter().map(notice_from).collect()
        })
    }

    /// Turns up to `limit` open orders whose time is up `expired` (the trigger writes their
    /// notices): the deliverer's sweep, so a merchant hears of an expiry without anyone
    /// reading the order. Answers how many it turned.
    pub async fn expire_due_orders(&self, now: i64, limit: u32) -> Result<usize, StoreError> {
        on_backend!(self, |c| c.execute(
            "UPDATE orders SET status = 'expired', updated_at = ?1
             WHERE id IN (SELECT id FROM orders WHERE status = 'open' AND expires_at <= ?1
                          ORDER BY expires_at LIMIT ?2)
               AND status = 'open' AND expires_at <= ?1",
            params![now, limit],
        ))
    }

    /// Claims up to `limit` due notices for `owner` until `lease_until` (each counts as an
    /// attempt from here), with where each goes and its merchant's opened secret.
    pub async fn claim_notices(
        &self,
        owner: &str,
        now: i64,
        lease_until: i64,
        limit: u32,
    ) -> Result<Vec<ClaimedNotice>, StoreError> {
        let keys = self.keys()?;
        let owner = owner.to_owned();
        let claimed = on_backend!(self, |c| {
            let due: Vec<String> = c
                .query(
                    "SELECT id FROM merchant_notices
                     WHERE status = 'pending' AND next_attempt_at <= ?1
                       AND (lease_until IS NULL OR lease_until <= ?1)
                     ORDER BY next_attempt_at, occurred_at LIMIT ?2",
                    params![now, limit],
                )?
                .iter()
                .map(|r| r.get(0))
                .collect::<Result<_, _>>()?;
            let mut out = Vec::new();
            for id in due {
                // Conditional on the row still being free: another instance that got there
                // first makes this update change nothing.
                let won = c.execute(
                    "UPDATE merchant_notices SET lease_owner = ?2, lease_until = ?3,
                         attempts = attempts + 1, last_attempt_at = ?4
                     WHERE id = ?1 AND status = 'pending' AND next_attempt_at <= ?4
                       AND (lease_until IS NULL OR lease_until <= ?4)",
                    params![id, owner, lease_until, now],
                )? == 1;
                if !won {
                    continue;
                }
                let row = c.query_row(
                    &format!(
                        "SELECT {}, m.notify_url, m.notice_secret FROM merchant_notices n
                         JOIN merchants m ON m.id = n.merchant_id WHERE n.id = ?1",
                        NOTICE_COLUMNS
                            .split(", ")
                            .map(|col| format!("n.{}", col.trim()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    [&id],
                    |r| {
                        Ok((
                            notice_from(r)?,
                            r.get::<_, Option<String>>(16)?,
                            r.get::<_, Option<String>>(17)?,
                        ))
                    },
                )?;
                out.push(row);
            }
            Ok(out)
        })?;
        claimed
            .into_iter()
            .map(|(notice, notify_url, sealed)| {
                let secret = sealed
                    .map(|s| keys.open(SealedColumn::MerchantNoticeSecret, &notice.merchant_id, &s))
                    .transpose()?;
                Ok(ClaimedNotice {
                    notice,
                    notify_url,
                    secret,
                })
            })
            .collect()
    }

    /// Records the answer to attempt `attempt` of a notice `owner` claimed, and releases the
    /// claim. `false` (nothing written) if the claim lapsed and another instance took it.
    pub async fn finish_notice_attempt(
        &self,
        notice_id: &str,
        owner: &str,
        attempt: u32,
        result: AttemptResult,
        now: i64,
    ) -> Result<bool, StoreError> {
        let (id, owner) = (notice_id.to_owned(), owner.to_owned());
        let (status, http_status, error, next_at, delivered_at) = match result {
            AttemptResult::Delivered { http_status } => {
                ("delivered", Some(http_status), None, None, Some(now))
            }
            AttemptResult::Retry {
                http_status,
                error,
                next_attempt_at,
            } => (
                "pending",
                http_status,
                Some(short(&error)),
                Some(next_attempt_at),
                None,
            ),
            AttemptResult::Failed { http_status, error } => {
                ("failed", http_status, Some(short(&error)), None, None)
            }
        };
        on_backend!(self, |c| Ok(c.execute(
            "UPDATE merchant_notices SET status = ?4, last_http_status = ?5, last_error = ?6,
                 next_attempt_at = COALESCE(?7, next_attempt_at), delivered_at = ?8,
                 lease_owner = NULL, lease_until = NULL
             WHERE id = ?1 AND lease_owner = ?2 AND attempts = ?3 AND status = 'pending'",
            params![
                id,
                owner,
                attempt,
                status,
                http_status,
                error,
                next_at,
                delivered_at
            ],
        )? == 1))
    }
}
