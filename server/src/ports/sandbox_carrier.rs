//! The sandbox carrier: the phone-bill gateway testers use. Every mobile number is a subscriber
//! with a monthly cap on what may go on its bill (¥500, as mainland carriers cap third-party
//! billing), except the documented test numbers below, which answer one outcome each (like the
//! sandbox bank's test cards; `wallet-server sandbox carriers` lists them). It keeps its own
//! books, the `sandbox_carrier_bills` table, which only this adapter reads or writes (through
//! [`Store::run_raw`]), so a bill survives a restart and the reconciler can look it up. It
//! settles with the ledger through [`SETTLEMENT_ACCOUNT`].

use std::sync::Arc;

use chrono::DateTime;
use serde::Serialize;

use crate::ports::carrier::{
    Bill, BillDirection, BillStatus, CarrierBilling, CarrierError, CarrierFuture,
};
use crate::ports::clock::Clock;
use crate::store::{Store, StoreError};

/// The ledger account the sandbox carrier settles through.
pub const SETTLEMENT_ACCOUNT: &str = "carrier:sandbox";
/// What any number may put on its bill in a calendar month (China Standard Time), in fen.
pub const MONTHLY_CAP_FEN: i64 = 50_000;

/// What a sandbox test number does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CarrierOutcome {
    /// Bills up to the monthly cap (every number not listed does this too).
    Approve,
    /// The line is barred from third-party billing: every charge is declined.
    Decline,
    /// The carrier bills but its answer never arrives: the payment stays pending until the
    /// reconciler asks again and finds it approved.
    Timeout,
    /// A prepaid plan with a small allowance: ¥50 a month.
    LowCap,
}

impl CarrierOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CarrierOutcome::Approve => "approve",
            CarrierOutcome::Decline => "decline",
            CarrierOutcome::Timeout => "timeout",
            CarrierOutcome::LowCap => "low_cap",
        }
    }

    /// The number's monthly cap.
    pub fn monthly_cap(self) -> i64 {
        match self {
            CarrierOutcome::LowCap => 5_000,
            _ => MONTHLY_CAP_FEN,
        }
    }
}

/// One documented sandbox test number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestNumber {
    /// E.164.
    pub phone: &'static str,
    pub outcome: CarrierOutcome,
    /// Fen a month.
    pub monthly_cap: i64,
}

/// The sandbox carrier's test numbers (sign up with one to see its outcome).
pub fn test_numbers() -> Vec<TestNumber> {
    [
        ("+8613600000001", CarrierOutcome::Approve),
        ("+8613600000002", CarrierOutcome::Decline),
        ("+8613600000003", CarrierOutcome::Timeout),
        ("+8613600000004", CarrierOutcome::LowCap),
    ]
    .into_iter()
    .map(|(phone, outcome)| TestNumber {
        phone,
        outcome,
        monthly_cap: outcome.monthly_cap(),
    })
    .collect()
}

fn outcome_of(phone: &str) -> CarrierOutcome {
    test_numbers()
        .into_iter()
        .find(|t| t.phone == phone)
        .map_or(CarrierOutcome::Approve, |t| t.outcome)
}

/// The calendar month (China Standard Time) of `now`, as `YYYY-MM`.
pub fn month_cst(now: i64) -> String {
    // China Standard Time has no daylight saving: a fixed 8 hours ahead of UTC.
    DateTime::from_timestamp(now + 8 * 3600, 0)
        .unwrap_or_default()
        .format("%Y-%m")
        .to_string()
}

/// The sandbox carrier. Cheap to clone.
#[derive(Clone)]
pub struct SandboxCarrier {
    store: Store,
    clock: Arc<dyn Clock>,
}

impl SandboxCarrier {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

fn unavailable(e: StoreError) -> CarrierError {
    tracing::error!(error = %e, "sandbox carrier storage failed");
    CarrierError::Unavailable("sandbox carrier storage".to_owned())
}

impl CarrierBilling for SandboxCarrier {
    fn bill<'a>(&'a self, bill: &'a Bill) -> CarrierFuture<'a, ()> {
        Box::pin(async move {
            let outcome = outcome_of(&bill.phone);
            let now = self.clock.unix();
            let recorded =
                books::record_bill(&self.store, bill.clone(), outcome, month_cst(now), now)
                    .await
                    .map_err(unavailable)?;
            if outcome == CarrierOutcome::Timeout {
                // Billed, but the answer never arrives.
                return Err(CarrierError::Timeout);
            }
            status_result(&recorded)
        })
    }

    fn bill_status<'a>(&'a self, reference: &'a str) -> CarrierFuture<'a, BillStatus> {
        Box::pin(async move {
            let found = books::bill(&self.store, reference)
                .await
                .map_err(unavailable)?;
            Ok(match found {
                None => BillStatus::NotFound,
                Some(result) => match status_result(&result) {
                    Ok(()) => BillStatus::Approved,
                    Err(e) => BillStatus::Refused(e),
                },
            })
        })
    }

    fn monthly_remaining<'a>(&'a self, phone: &'a str, now: i64) -> CarrierFuture<'a, i64> {
        Box::pin(async move {
            let cap = outcome_of(phone).monthly_cap();
            let used = books::used(&self.store, phone.to_owned(), month_cst(now))
                .await
                .map_err(unavailable)?;
            Ok((cap - used).max(0))
        })
    }

    fn settlement_account(&self) -> &str {
        SETTLEMENT_ACCOUNT
    }
}

/// A recorded result: `approved`, `declined` or `cap:<remaining>`.
fn status_result(recorded: &str) -> Result<(), CarrierError> {
    match recorded {
        "approved" => Ok(()),
        other => match other.strip_prefix("cap:").map(str::parse::<i64>) {
            Some(Ok(remaining)) => Err(CarrierError::CapReached { remaining }),
            _ => Err(CarrierError::Declined),
        },
    }
}

/// The sandbox carrier's own table (`sandbox_carrier_bills`).
mod books {
    use super::{Bill, BillDirection, CarrierOutcome};
    use crate::store::db::{params, Behavior, Db, OptionalExtension};
    use crate::store::{Store, StoreError};

    /// What the number put on its bill in `month`: approved charges less approved credits.
    fn used_in(c: &Db, phone: &str, month: &str) -> Result<i64, StoreError> {
        c.query_row(
            "SELECT COALESCE(SUM(CASE direction WHEN 'charge' THEN amount ELSE -amount END), 0)
             FROM sandbox_carrier_bills WHERE phone = ?1 AND month = ?2 AND outcome = 'approved'",
            params![phone, month],
            |r| r.get(0),
        )
    }

    pub async fn used(store: &Store, phone: String, month: String) -> Result<i64, StoreError> {
        store.run_raw(move |c| used_in(c, &phone, &month)).await
    }

    /// Records a bill once, deciding it against the month's cap in the same transaction; a
    /// repeated reference answers the first result.
    pub async fn record_bill(
        store: &Store,
        bill: Bill,
        outcome: CarrierOutcome,
        month: String,
        now: i64,
    ) -> Result<String, StoreError> {
        store
            .run_raw(move |c| {
                let tx = c.transaction_with_behavior(Behavior::Immediate)?;
                let earlier: Option<String> = tx
                    .query_row(
                        "SELECT outcome FROM sandbox_carrier_bills WHERE reference = ?1",
                        [&bill.reference],
                        |r| r.get(0),
                    )
                    .optional()?;
                if let Some(earlier) = earlier {
                    return Ok(earlier);
                }
                let result = match (outcome, bill.direction) {
                    (CarrierOutcome::Decline, BillDirection::Charge) => "declined".to_owned(),
                    (_, BillDirection::Credit) => "approved".to_owned(),
                    (_, BillDirection::Charge) => {
                        let left =
                            (outcome.monthly_cap() - used_in(&tx, &bill.phone, &month)?).max(0);
                        if bill.amount_minor > left {
                            format!("cap:{left}")
                        } else {
                            "approved".to_owned()
                        }
                    }
                };
                tx.execute(
                    "INSERT INTO sandbox_carrier_bills (reference, phone, direction, amount, month, outcome, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![bill.reference, bill.phone, bill.direction.as_str(), bill.amount_minor, month, result, now],
                )?;
                tx.commit()?;
                Ok(result)
            })
            .await
    }

    pub async fn bill(store: &Store, reference: &str) -> Result<Option<String>, StoreError> {
        let r = reference.to_owned();
        store
            .run_raw(move |c| {
                c.query_row(
                    "SELECT outcome FROM sandbox_carrier_bills WHERE reference = ?1",
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
    fn test_numbers_are_mobile_numbers_with_one_outcome_each() {
        let numbers = test_numbers();
        assert_eq!(numbers.len(), 4);
        for n in &numbers {
            let parsed = wallet_protocol::PhoneNumber::parse(n.phone).unwrap();
            assert_eq!(parsed.as_e164(), n.phone);
        }
        assert_eq!(outcome_of("+8613812345678"), CarrierOutcome::Approve);
        assert_eq!(outcome_of("+8613600000004").monthly_cap(), 5_000);
    }

    #[test]
    fn months_turn_at_midnight_china_time() {
        // 2026-02-28T16:00:00Z is 2026-03-01 00:00 in Beijing.
        assert_eq!(month_cst(1_772_294_400 - 1), "2026-02");
        assert_eq!(month_cst(1_772_294_400), "2026-03");
    }

    #[test]
    fn recorded_results_read_back() {
        assert_eq!(status_result("approved"), Ok(()));
        assert_eq!(status_result("declined"), Err(CarrierError::Declined));
        assert_eq!(
            status_result("cap:1200"),
            Err(CarrierError::CapReached { remaining: 1200 })
        );
    }
}
