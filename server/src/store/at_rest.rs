//! Secrets at rest (docs/rules.md §Storage, [`crate::secrets::vault`]): the `data_keys` table
//! (migration 0010), unlocking a store with the master key, sealing values written in clear
//! before 0010, rewrapping the data keys under a new master key; and the housekeeping of the
//! sandbox SMS outbox and of old PIN hashes.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::db::{params, Behavior, Db};
use super::{Backend, Store, StoreError};
use crate::secrets::vault::{self, DataKeyRow, KeyError, Keys, MasterKey, SealedColumn};

fn data_key_rows(c: &Db) -> Result<Vec<DataKeyRow>, StoreError> {
    let mut stmt = c.prepare("SELECT id, master_key_id, wrapped FROM data_keys ORDER BY id")?;
    let rows = stmt.query_map([], |r| {
        Ok(DataKeyRow {
            id: r.get(0)?,
            master_key_id: r.get(1)?,
            wrapped: r.get(2)?,
        })
    })?;
    rows.collect::<Result<_, _>>()
}

/// A row wrapped by another master key than `master`, as the error that names both.
fn foreign_row(rows: &[DataKeyRow], master: &MasterKey) -> Option<KeyError> {
    let given = master.id();
    rows.iter()
        .find(|r| r.master_key_id != given)
        .map(|r| KeyError::WrongMaster {
            found: r.master_key_id.clone(),
            given,
        })
}

/// The columns that hold sealed values: (table, column, what it is).
const SEALED: &[(&str, &str, SealedColumn)] = &[
    ("accounts", "id_number", SealedColumn::AccountIdNumber),
    ("challenges", "signup_name", SealedColumn::SignupName),
    (
        "challenges",
        "signup_id_number",
        SealedColumn::SignupIdNumber,
    ),
    ("devices", "paycode_seed", SealedColumn::PaycodeSeed),
    (
        "merchants",
        "notice_secret",
        SealedColumn::MerchantNoticeSecret,
    ),
];

impl Store {
    /// This store with the data keys of its database, unwrapped by `master`: the first start
    /// with a key creates them (instances starting together agree on one set). A database whose
    /// keys another master key wrapped is refused with both key ids, before anything is written.
    pub async fn unlock(&self, master: &MasterKey) -> Result<Store, StoreError> {
        let m = master.clone();
        let now = chrono::Utc::now().timestamp();
        let rows = on_backend!(self, |c| {
            let existing = data_key_rows(c)?;
            if let Some(e) = foreign_row(&existing, &m) {
                return Err(e.into());
            }
            let missing: Vec<&str> = vault::DATA_KEY_PURPOSES
                .iter()
                .copied()
                .filter(|p| !existing.iter().any(|r| r.id == vault::data_key_id(p)))
                .collect();
            if missing.is_empty() {
                return Ok(existing);
            }
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            for row in Keys::new_rows(&m, &missing) {
                tx.execute(
                    "INSERT INTO data_keys (id, master_key_id, wrapped, created_at)
                     VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING",
                    params![row.id, row.master_key_id, row.wrapped, now],
                )?;
            }
            tx.commit()?;
            data_key_rows(c)
        })?;
        let keys = Keys::unlock(master, &rows)?;
        Ok(Store(self.0.clone(), Some(Arc::new(keys))))
    }

    /// Seals the values still in clear (written before migration 0010): ID numbers, pending
    /// sign-ups and payment-code seeds. `serve` runs it at every start (after [`Store::unlock`]);
    /// it is idempotent, and each update is conditional on the value it replaces, so instances
    /// starting together do not clash. On SQLite the old values do not survive in free pages
    /// (`secure_delete`) or in the WAL (checkpointed and truncated). Answers how many it sealed.
    pub async fn seal_existing(&self) -> Result<usize, StoreError> {
        let keys = self.keys()?;
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let mut sealed = 0;
            for &(table, column, what) in SEALED {
                let clear: Vec<(String, String)> = {
                    let mut stmt = tx.prepare(&format!(
                        "SELECT id, {column} FROM {table}
                         WHERE {column} IS NOT NULL AND {column} NOT LIKE 'enc1:%'"
                    ))?;
                    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                    rows.collect::<Result<_, _>>()?
                };
                for (id, value) in clear {
                    let value = Zeroizing::new(value);
                    sealed += tx.execute(
                        &format!(
                            "UPDATE {table} SET {column} = ?2 WHERE id = ?1 AND {column} = ?3"
                        ),
                        params![id, keys.seal(what, &id, &value), value.as_str()],
                    )?;
                }
            }
            tx.commit()?;
            if sealed > 0 && !c.is_postgres() {
                c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
            }
            Ok(sealed)
        })
    }

    /// Rewraps every data key of the database from master key `old` to `new` in one
    /// transaction (the sealed values are untouched: they are under the data keys). Answers how
    /// many keys it rewrapped: 0 when `new` wraps them already.
    pub async fn rewrap(&self, old: &MasterKey, new: &MasterKey) -> Result<usize, StoreError> {
        let (old, new) = (old.clone(), new.clone());
        let now = chrono::Utc::now().timestamp();
        on_backend!(self, |c| {
            let tx = c.transaction_with_behavior(Behavior::Immediate)?;
            let rows = data_key_rows(&tx)?;
            if rows.is_empty() {
                return Err(StoreError::Unsupported(
                    "this database has no data keys yet: start a server on it first".to_owned(),
                ));
            }
            if foreign_row(&rows, &new).is_none() {
                return Ok(0);
            }
            if let Some(e) = foreign_row(&rows, &old) {
                return Err(e.into());
            }
            for row in &rows {
                let key = Zeroizing::new(old.unwrap(&row.id, &row.wrapped)?);
                tx.execute(
                    "UPDATE data_keys SET master_key_id = ?2, wrapped = ?3, rewrapped_at = ?4
                     WHERE id = ?1",
                    params![row.id, new.id(), new.wrap(&row.id, &key), now],
                )?;
            }
            tx.commit()?;
            Ok(rows.len())
        })
    }

    /// Deletes the sandbox SMS outbox's messages sent before `before` (the housekeeping ticker
    /// keeps a day of them). Answers how many went.
    pub async fn prune_outbox(&self, before: i64) -> Result<usize, StoreError> {
        on_backend!(self, |c| c
            .execute("DELETE FROM sms_outbox WHERE sent_at < ?1", [before]))
    }

    /// Replaces an account's PIN hash with `new` if it is still `old` (an Argon2id hash moving
    /// to the peppered form after a right check). `false` if it changed meanwhile.
    pub async fn upgrade_pin_hash(
        &self,
        account_id: &str,
        old: &str,
        new: &str,
    ) -> Result<bool, StoreError> {
        let (a, old, new) = (account_id.to_owned(), old.to_owned(), new.to_owned());
        on_backend!(self, |c| Ok(c.execute(
            "UPDATE payment_pins SET pin_hash = ?3 WHERE account_id = ?1 AND pin_hash = ?2",
            params![a, old, new],
        )? == 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unlock_creates_the_keys_once_and_refuses_another_master() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.db");
        let store = Store::open(path.to_str().unwrap()).unwrap();
        assert!(matches!(store.keys(), Err(StoreError::Locked)));
        let (a, b) = (MasterKey::generate(), MasterKey::generate());
        let first = store.unlock(&a).await.unwrap();
        let again = store.unlock(&a).await.unwrap();
        let sealed = first
            .keys()
            .unwrap()
            .seal(SealedColumn::PaycodeSeed, "dev_1", "s");
        assert_eq!(
            again
                .keys()
                .unwrap()
                .open(SealedColumn::PaycodeSeed, "dev_1", &sealed)
                .unwrap()
                .as_str(),
            "s"
        );
        let err = store.unlock(&b).await.unwrap_err();
        assert!(err.to_string().contains(&a.id()), "{err}");
        assert!(err.to_string().contains(&b.id()), "{err}");

        assert_eq!(
            store.rewrap(&a, &b).await.unwrap(),
            vault::DATA_KEY_PURPOSES.len()
        );
        assert_eq!(store.rewrap(&a, &b).await.unwrap(), 0, "already done");
        let rotated = store.unlock(&b).await.unwrap();
        assert_eq!(
            rotated
                .keys()
                .unwrap()
                .open(SealedColumn::PaycodeSeed, "dev_1", &sealed)
                .unwrap()
                .as_str(),
            "s"
        );
        assert!(store.unlock(&a).await.is_err());
    }
}
