//! One-time codes kept in a table (`failed_attempts`, `consumed_at`): the rules every code
//! shares, for the repositories and for adapters that own such a table (the sandbox bank).

use super::db::{params, Db};
use super::StoreError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    Confirmed(String),
    NotFound,
    Expired,
    Wrong { tries_left: u32 },
}

/// A one-time code waiting in `table` (a row with `failed_attempts` and `consumed_at`).
pub struct StoredCode<'a> {
    /// A table name from the code, never from input.
    pub table: &'static str,
    pub id: &'a str,
    pub hash: &'a str,
    pub expires_at: i64,
    pub failed: u32,
}

/// The OTP rules every code shares: dead after `max_attempts` wrong tries, dead after it
/// expires, single use. `Some(refusal)` (a wrong try is counted; commit it), or `None` when the
/// code is right and now consumed.
pub fn judge_code<F: FnOnce(&str) -> bool>(
    tx: &Db,
    code: &StoredCode<'_>,
    now: i64,
    max_attempts: u32,
    code_matches: F,
) -> Result<Option<CodeCheck>, StoreError> {
    if code.failed >= max_attempts {
        return Ok(Some(CodeCheck::NotFound));
    }
    if now >= code.expires_at {
        return Ok(Some(CodeCheck::Expired));
    }
    if !code_matches(code.hash) {
        tx.execute(
            &format!(
                "UPDATE {} SET failed_attempts = failed_attempts + 1 WHERE id = ?1",
                code.table
            ),
            [code.id],
        )?;
        return Ok(Some(CodeCheck::Wrong {
            tries_left: max_attempts.saturating_sub(code.failed + 1),
        }));
    }
    tx.execute(
        &format!("UPDATE {} SET consumed_at = ?2 WHERE id = ?1", code.table),
        params![code.id, now],
    )?;
    Ok(None)
}
