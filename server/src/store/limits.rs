//! Abuse budgets that are not OTP sends or password tries (issue 13): phone-number look-ups by
//! whoever asks, invalid payment codes by merchant, and the housekeeping that forgets old
//! attempt rows of every budget.

use super::db::params;
use super::{Admission, AttemptCutoffs, Backend, Store, StoreError};

impl Store {
    /// One answer that tells whether the number behind `phone_key` has an account, asked by
    /// `asker`. A number this asker already asked about since `since` is free (the answer
    /// tells it nothing new); otherwise `admit` judges the asker's look-ups since `since` and
    /// this one is recorded if admitted. Atomic per asker.
    pub async fn record_phone_lookup<F>(
        &self,
        asker: &str,
        phone_key: &str,
        now: i64,
        since: i64,
        admit: F,
    ) -> Result<Admission, StoreError>
    where
        F: FnOnce(&[i64]) -> Admission + Send + 'static,
    {
        let (asker, key) = (asker.to_owned(), phone_key.to_owned());
        on_backend!(self, |c| {
            let lock = format!("phone_lookups:{asker}");
            let tx = c.transaction_locking(&[&lock])?;
            let rows = tx.query(
                "SELECT looked_up_at, phone_key FROM phone_lookups
                 WHERE asker = ?1 AND looked_up_at > ?2",
                params![asker, since],
            )?;
            let mut recent = Vec::with_capacity(rows.len());
            let mut seen = false;
            for row in &rows {
                recent.push(row.get::<_, i64>(0)?);
                seen |= row.get::<_, String>(1)? == key;
            }
            if seen {
                return Ok(Ok(()));
            }
            let admission = admit(&recent);
            if admission.is_ok() {
                tx.execute(
                    "INSERT INTO phone_lookups (asker, phone_key, looked_up_at) VALUES (?1, ?2, ?3)",
                    params![asker, key, now],
                )?;
            }
            tx.commit()?;
            Ok(admission)
        })
    }

    /// When the merchant presented invalid payment codes since `since`.
    pub async fn paycode_failures(
        &self,
        merchant_id: &str,
        since: i64,
    ) -> Result<Vec<i64>, StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| {
            c.query(
                "SELECT failed_at FROM paycode_failures WHERE merchant_id = ?1 AND failed_at > ?2",
                params![m, since],
            )?
            .iter()
            .map(|r| r.get(0))
            .collect()
        })
    }

    /// Notes an invalid payment code from the merchant.
    pub async fn record_paycode_failure(
        &self,
        merchant_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        let m = merchant_id.to_owned();
        on_backend!(self, |c| {
            c.execute(
                "INSERT INTO paycode_failures (merchant_id, failed_at) VALUES (?1, ?2)",
                params![m, now],
            )?;
            Ok(())
        })
    }

    /// Housekeeping off the request path: deletes the attempt rows no window reads any more
    /// (a flood of new phone numbers or addresses leaves rows nobody retries). Answers how
    /// many rows went.
    pub async fn prune_attempts(&self, cutoffs: AttemptCutoffs) -> Result<usize, StoreError> {
        on_backend!(self, |c| {
            let mut gone = 0;
            for (sql, before) in [
                (
                    "DELETE FROM login_attempts WHERE attempted_at <= ?1",
                    cutoffs.login_attempts,
                ),
                (
                    "DELETE FROM otp_sends WHERE sent_at <= ?1",
                    cutoffs.otp_sends,
                ),
                (
                    "DELETE FROM phone_lookups WHERE looked_up_at <= ?1",
                    cutoffs.phone_lookups,
                ),
                (
                    "DELETE FROM report_lost_attempts WHERE attempted_at <= ?1",
                    cutoffs.report_lost_attempts,
                ),
                (
                    "DELETE FROM paycode_failures WHERE failed_at <= ?1",
                    cutoffs.paycode_failures,
                ),
            ] {
                gone += c.execute(sql, [before])?;
            }
            Ok(gone)
        })
    }
}
