//! What operators ask of the database: is it there for this instance (`GET /readyz`), and how
//! many operations wait for the bank's final word (the `/metrics` gauge).

use super::db::Behavior;
use super::engine::current_version;
use super::{Backend, Store, StoreError};

impl Store {
    /// Answers when this instance can serve: the database answers, at the schema version this
    /// build knows (a newer one means another build migrated it; [`StoreError::TooNew`]). On
    /// SQLite it also takes and releases the writer lock, so a file another process holds
    /// locked (or a disk that refuses writes) reads as not ready; on PostgreSQL one pooled
    /// connection runs one query.
    pub async fn ready(&self) -> Result<i64, StoreError> {
        let known = super::known_version();
        on_backend!(self, |c| {
            let version = if c.is_postgres() {
                current_version(c)?
            } else {
                let tx = c.transaction_with_behavior(Behavior::Immediate)?;
                let version = current_version(&tx)?;
                drop(tx); // rolled back: nothing was written
                version
            };
            if version > known {
                return Err(StoreError::TooNew {
                    found: version,
                    known,
                });
            }
            Ok(version)
        })
    }

    /// Operations not settled yet (`processing` or `pending`), counted by kind.
    pub async fn unresolved_by_kind(&self) -> Result<Vec<(String, i64)>, StoreError> {
        on_backend!(self, |c| {
            c.query(
                "SELECT kind, COUNT(*) FROM operations
                 WHERE status IN ('processing', 'pending')
                 GROUP BY kind ORDER BY kind",
                [],
            )?
            .into_iter()
            .map(|r| -> Result<(String, i64), StoreError> { Ok((r.get(0)?, r.get(1)?)) })
            .collect()
        })
    }
}
