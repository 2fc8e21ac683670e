//! SMS payment ("reply Y", docs/rules.md §SMS payment (reply Y)): the account's switch, merchants'
//! service numbers and product codes, and the one-time references a "Y" pays.
//!
//! A reference belongs to an order (channel `sms`) that the ordinary payment path pays
//! ([`Store::pay`], through `domain::pay::pay_sms_order`); this file keeps only what is
//! particular to SMS: who may reply, until when, and the day's SMS cap, which a reference
//! reserves (`open → paying`, under the account's lock) before the payment runs, so two "Y"
//! replies at once cannot pass the cap together.

use super::db::{params, Db, OptionalExtension, Row};
use super::pay::{insert_order, NewOrder};
use super::{Backend, Store, StoreError};

// --- rows ----------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsProductRow {
    pub merchant_id: String,
    pub code: String,
    pub description: String,
    pub amount: i64,
    pub currency: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsPaymentState {
    Open,
    /// The day's SMS cap is reserved and the payment runs (or a crash left it here: a later
    /// "Y" retries it under the same idempotency key).
    Paying,
    Paid,
}

impl SmsPaymentState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Paying => "paying",
            Self::Paid => "paid",
        }
    }

    fn parse(s: &str) -> Result<Self, StoreError> {
        Ok(match s {
            "open" => Self::Open,
            "paying" => Self::Paying,
            "paid" => Self::Paid,
            other => return Err(StoreError::Corrupt(format!("SMS payment status {other:?}"))),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmsPaymentRow {
    pub reference: String,
    /// The payer's number (E.164) the product code came from.
    pub phone: String,
    pub account_id: String,
    pub service_number: String,
    pub merchant_id: String,
    pub product_code: String,
    pub description: String,
    pub order_id: String,
    pub amount: i64,
    pub status: SmsPaymentState,
    pub operation_id: Option<String>,
    pub reserved_at: Option<i64>,
    pub created_at: i64,
    pub expires_at: i64,
    pub updated_at: i64,
}

impl SmsPaymentRow {
    /// Still waiting for its "Y" at `now` (open or paying, within its time).
    pub fn waiting(&self, now: i64) -> bool {
        self.status != SmsPaymentState::Paid && now < self.expires_at
    }
}

/// A reference to open, with its order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSmsPayment {
    pub reference: String,
    pub phone: String,
    pub account_id: String,
    pub service_number: String,
    pub product_code: String,
    pub description: String,
    pub order: NewOrder,
    pub now: i64,
    /// The most references the phone may have waiting.
    pub max_open: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenSmsOutcome {
    Opened(Box<SmsPaymentRow>),
    /// The phone has `max_open` references waiting already. Nothing was written.
    TooMany,
    /// The reference was taken (a collision): try another. Nothing was written.
    ReferenceTaken,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReserveOutcome {
    /// `open → paying`; the payment may run.
    Reserved(Box<SmsPaymentRow>),
    /// Another "Y" for it is being paid right now.
    InProgress,
    AlreadyPaid,
    Expired,
    /// Over the day's SMS cap; `remaining` is what is left today.
    OverDailyCap {
        remaining: i64,
    },
    /// The account is frozen, or a cooling-off runs until `Some(until)`.
    Frozen,
    CoolingOff {
        until: i64,
    },
    NotFound,
}

impl Store {
    // --- the account's switch ---

    /// The account behind a phone number (E.164), and whether it pays by SMS.
    pub async fn sms_pay_account(&self, phone: &str) -> Result<Option<(String, bool)>, StoreError> {
        let phone = phone.to_owned();
        on_backend!(self, |c| c
            .query_row(
                "SELECT id, sms_pay_enabled FROM accounts WHERE phone = ?1",
                [&phone],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? != 0)),
            )
            .optional())
    }

    pub async fn sms_pay_enabled(&self, account_id: &str) -> Result<bool, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| sms_pay_enabled(c, &a))
    }

    /// Switches SMS payment and journals `change` in one transaction; `false` (nothing
    /// written) when it already was so.
    pub async fn set_sms_pay(
        &self,
        account_id: &str,
        enabled: bool,
        change: super::SecurityChange,
        now: i64,
    ) -> Result<bool, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| {
            let tx = c.transaction_locking(&[a.as_str()])?;
            let moved = tx.execute(
                "UPDATE accounts SET sms_pay_enabled = ?2 WHERE id = ?1 AND sms_pay_enabled <> ?2",
                params![a, i64::from(enabled)],
            )?;
            if moved == 0 {
                return Ok(false);
            }
            super::journal::record_change(&tx, &a, &change, now)?;
            tx.commit()?;
            Ok(true)
        })
    }

    // --- service numbers and product codes ---

    /// The merchant's service number, given (`candidate`) on first use. `None` when the
    /// candidate is another merchant's already: try another.
    pub async fn ensure_service_number(
        &self,
        merchant_id: &str,
        candidate: &str,
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let (m, n) = (merchant_id.to_owned(), candidate.to_owned());
        on_backend!(self, |c| {
            let key = format!("sms-number:{m}");
            let tx = c.transaction_locking(&[key.as_str()])?;
            if let Some(found) = service_number_of(&tx, &m)? {
                return Ok(Some(found));
            }
            let added = tx.execute(
                "INSERT INTO sms_service_numbers (service_number, merchant_id, created_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT DO NOTHING",
                params![n, m, now],
            )?;
            if added == 0 {
                return Ok(None);
            }
            tx.commit()?;
            Ok(Some(n))
        })
    }

    /// The merchant whose service number this is.
    pub async fn service_number_merchant(
        &self,
        number: &str,
    ) -> Result<Option<String>, StoreError> {
        let n = number.to_owned();
        on_backend!(self, |c| c
            .query_row(
                "SELECT merchant_id FROM sms_service_numbers WHERE service_number = ?1",
                [&n],
                |r| r.get(0),
            )
            .optional())
    }

    /// Registers a product code, or replaces the one with the same code.
    pub async fn put_sms_product(&self, p: SmsProductRow) -> Result<(), StoreError> {
        on_backend!(self, |c| {
            c.execute(
                "INSERT INTO sms_products (merchant_id, code, description, amount, currency, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (merchant_id, code) DO UPDATE SET description = excluded.description,
                     amount = excluded.amount, currency = excluded.currency, created_at = excluded.created_at",
                params![p.merchant_id, p.code, p.description, p.amount, p.currency, p.created_at],
            )?;
            Ok(())
        })
    }

    /// Removes a product code; `false` when there was none. Its open references still pay
    /// what they offered.
    pub async fn delete_sms_product(
        &self,
        merchant_id: &str,
        code: &str,
    ) -> Result<bool, StoreError> {
        let (m, code) = (merchant_id.to_owned(), code.to_owned());
        on_backend!(self, |c| Ok(c.execute(
            "DELETE FROM sms_products WHERE merchant_id = ?1 AND code = ?2",
            params![m, code],
        )? == 1))
    }

    pub async fn sms_product(
        &self,
        merchant_id: &str,
        code: &str,
    ) -> Result<Option<SmsProductRow>, StoreError> {
        let (m, code) = (merchant_id.to_owned(), code.to_owned());
        on_backend!(self, |c| {
            c
            .query_row(
                &format!("SELECT {PRODUCT_COLUMNS} FROM sms_products WHERE merchant_id = ?1 AND code = ?2"),
                params![m, code],
                product_from,
            )
            .optional()
        })
    }

    /// The merchant's product codes, by code.
    pub async fn sms_products(&self, merchant_id: &str) -> Result<Vec<SmsProductRow>, StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {PRODUCT_COLUMNS} FROM sms_products WHERE merchant_id = ?1 ORDER BY code"
            ))?;
            let rows = stmt.query_map([&m], product_from)?;
            rows.collect::<Result<_, _>>()
        })
    }

    // --- references ---

    /// Opens a reference and its order in one transaction, unless the phone has
    /// `max_open` references waiting already.
    pub async fn open_sms_payment(&self, p: NewSmsPayment) -> Result<OpenSmsOutcome, StoreError> {
        on_backend!(self, |c| {
            let tx = c.transaction_locking(&[p.account_id.as_str()])?;
            let waiting: i64 = tx.query_row(
                "SELECT COUNT(*) FROM sms_payments WHERE phone = ?1 AND status <> 'paid' AND expires_at > ?2",
                params![p.phone, p.now],
                |r| r.get(0),
            )?;
            if waiting >= p.max_open {
                return Ok(OpenSmsOutcome::TooMany);
            }
            let taken: Option<String> = tx
                .query_row(
                    "SELECT reference FROM sms_payments WHERE reference = ?1",
                    [&p.reference],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Ok(OpenSmsOutcome::ReferenceTaken);
            }
            insert_order(&tx, &p.order, p.now)?;
            tx.execute(
                "INSERT INTO sms_payments (reference, phone, account_id, service_number, merchant_id,
                     product_code, description, order_id, amount, status, operation_id, reserved_at,
                     created_at, expires_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', NULL, NULL, ?10, ?11, ?10)",
                params![
                    p.reference,
                    p.phone,
                    p.account_id,
                    p.service_number,
                    p.order.merchant_id,
                    p.product_code,
                    p.description,
                    p.order.id,
                    p.order.amount,
                    p.now,
                    p.order.expires_at
                ],
            )?;
            let row = sms_payment_row(&tx, &p.reference)?
                .ok_or_else(|| StoreError::Corrupt("SMS payment vanished".to_owned()))?;
            tx.commit()?;
            Ok(OpenSmsOutcome::Opened(Box::new(row)))
        })
    }

    pub async fn sms_payment(&self, reference: &str) -> Result<Option<SmsPaymentRow>, StoreError> {
        let r = reference.to_owned();
        on_backend!(self, |c| sms_payment_row(c, &r))
    }

    /// The references from `phone` to `service_number`, newest first (the last 20).
    pub async fn sms_payments_from(
        &self,
        phone: &str,
        service_number: &str,
    ) -> Result<Vec<SmsPaymentRow>, StoreError> {
        let (p, n) = (phone.to_owned(), service_number.to_owned());
        on_backend!(self, |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {PAYMENT_COLUMNS} FROM sms_payments WHERE phone = ?1 AND service_number = ?2
                 ORDER BY created_at DESC, reference DESC LIMIT 20"
            ))?;
            let rows = stmt.query_map(params![p, n], payment_from)?;
            rows.map(|r| r.and_then(|r| r)).collect()
        })
    }

    /// What the account's SMS payments (paid, or reserved and being paid) add up to since
    /// `day_start`.
    pub async fn sms_paid_total(
        &self,
        account_id: &str,
        day_start: i64,
    ) -> Result<i64, StoreError> {
        let a = account_id.to_owned();
        on_backend!(self, |c| sms_total(c, &a, day_start))
    }

    /// Reserves the day's SMS cap for `reference` under the account's lock (`open → paying`).
    /// A reference left `paying` before `stale_before` (a crash mid-payment) is taken again:
    /// its payment runs under the same idempotency key, so it is paid at most once.
    pub async fn reserve_sms_payment(
        &self,
        reference: &str,
        day_start: i64,
        daily_cap: i64,
        now: i64,
        stale_before: i64,
    ) -> Result<ReserveOutcome, StoreError> {
        let r = reference.to_owned();
        on_backend!(self, |c| {
            let Some(row) = sms_payment_row(c, &r)? else {
                return Ok(ReserveOutcome::NotFound);
            };
            let tx = c.transaction_locking(&[row.account_id.as_str()])?;
            let Some(row) = sms_payment_row(&tx, &r)? else {
                return Ok(ReserveOutcome::NotFound);
            };
            match row.status {
                SmsPaymentState::Paid => return Ok(ReserveOutcome::AlreadyPaid),
                SmsPaymentState::Paying if row.updated_at >= stale_before => {
                    return Ok(ReserveOutcome::InProgress)
                }
                SmsPaymentState::Open | SmsPaymentState::Paying => {}
            }
            // A reservation left behind is retried even past its time: its payment may have
            // gone through before the crash (the retry then finds it by its key).
            if row.status == SmsPaymentState::Open && now >= row.expires_at {
                return Ok(ReserveOutcome::Expired);
            }
            let guard = super::journal::guard(&tx, &row.account_id)?;
            if guard.frozen_at.is_some() {
                return Ok(ReserveOutcome::Frozen);
            }
            if let Some(until) = guard.cooling_off_until.filter(|u| *u > now) {
                return Ok(ReserveOutcome::CoolingOff { until });
            }
            if row.status == SmsPaymentState::Open {
                let used = sms_total(&tx, &row.account_id, day_start)?;
                if used.saturating_add(row.amount) > daily_cap {
                    return Ok(ReserveOutcome::OverDailyCap {
                        remaining: (daily_cap - used).max(0),
                    });
                }
            }
            tx.execute(
                "UPDATE sms_payments SET status = 'paying', reserved_at = ?2, updated_at = ?2 WHERE reference = ?1",
                params![r, now],
            )?;
            let row = sms_payment_row(&tx, &r)?
                .ok_or_else(|| StoreError::Corrupt("SMS payment vanished".to_owned()))?;
            tx.commit()?;
            Ok(ReserveOutcome::Reserved(Box::new(row)))
        })
    }

    /// Ends a reservation: `Some(operation)` marks the reference paid; `None` gives the
    /// reservation back (`open`: the payer may reply again while it is valid).
    pub async fn finish_sms_payment(
        &self,
        reference: &str,
        operation_id: Option<String>,
        now: i64,
    ) -> Result<(), StoreError> {
        let r = reference.to_owned();
        on_backend!(self, |c| {
            match operation_id {
                Some(op) => c.execute(
                    "UPDATE sms_payments SET status = 'paid', operation_id = ?2, updated_at = ?3
                     WHERE reference = ?1 AND status <> 'paid'",
                    params![r, op, now],
                )?,
                None => c.execute(
                    "UPDATE sms_payments SET status = 'open', reserved_at = NULL, updated_at = ?2
                     WHERE reference = ?1 AND status = 'paying'",
                    params![r, now],
                )?,
            };
            Ok(())
        })
    }
}

// --- helpers ----------------------------------------------------------------------------------

fn sms_pay_enabled(c: &Db, account_id: &str) -> Result<bool, StoreError> {
    Ok(c.query_row(
        "SELECT sms_pay_enabled FROM accounts WHERE id = ?1",
        [account_id],
        |r| r.get::<_, i64>(0),
    )
    .optional()?
    .is_some_and(|v| v != 0))
}

fn service_number_of(c: &Db, merchant_id: &str) -> Result<Option<String>, StoreError> {
    c.query_row(
        "SELECT service_number FROM sms_service_numbers WHERE merchant_id = ?1",
        [merchant_id],
        |r| r.get(0),
    )
    .optional()
}

fn sms_total(c: &Db, account_id: &str, day_start: i64) -> Result<i64, StoreError> {
    c.query_row(
        "SELECT COALESCE(SUM(amount), 0) FROM sms_payments
         WHERE account_id = ?1 AND status IN ('paying', 'paid') AND reserved_at >= ?2",
        params![account_id, day_start],
        |r| r.get(0),
    )
}

const PRODUCT_COLUMNS: &str = "merchant_id, code, description, amount, currency, created_at";

fn product_from(r: &Row) -> Result<SmsProductRow, StoreError> {
    Ok(SmsProductRow {
        merchant_id: r.get(0)?,
        code: r.get(1)?,
        description: r.get(2)?,
        amount: r.get(3)?,
        currency: r.get(4)?,
        created_at: r.get(5)?,
    })
}

const PAYMENT_COLUMNS: &str = "reference, phone, account_id, service_number, merchant_id, \
     product_code, description, order_id, amount, status, operation_id, reserved_at, created_at, \
     expires_at, updated_at";

fn payment_from(r: &Row) -> Result<Result<SmsPaymentRow, StoreError>, StoreError> {
    let status: String = r.get(9)?;
    let row = SmsPaymentRow {
        reference: r.get(0)?,
        phone: r.get(1)?,
        account_id: r.get(2)?,
        service_number: r.get(3)?,
        merchant_id: r.get(4)?,
        product_code: r.get(5)?,
        description: r.get(6)?,
        order_id: r.get(7)?,
        amount: r.get(8)?,
        status: SmsPaymentState::Open,
        operation_id: r.get(10)?,
        reserved_at: r.get(11)?,
        created_at: r.get(12)?,
        expires_at: r.get(13)?,
        updated_at: r.get(14)?,
    };
    Ok(SmsPaymentState::parse(&status).map(|status| SmsPaymentRow { status, ..row }))
}

fn sms_payment_row(c: &Db, reference: &str) -> Result<Option<SmsPaymentRow>, StoreError> {
    c.query_row(
        &format!("SELECT {PAYMENT_COLUMNS} FROM sms_payments WHERE reference = ?1"),
        [reference],
        payment_from,
    )
    .optional()?
    .transpose()
}
