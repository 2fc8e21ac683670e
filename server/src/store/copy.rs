//! `wallet-server copy`: moves a tester's SQLite sandbox into another database (PostgreSQL) at
//! the same schema version, rows and history cursors unchanged, then checks the ledger there.
//!
//! The source is read whole into memory first (a sandbox is small), then written in one
//! transaction: a failure leaves the target as empty as it was.

use super::db::{Behavior, Db, Value};
use super::{Store, StoreError};

/// What was copied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyReport {
    /// `(table, rows)` in the order they were written.
    pub tables: Vec<(String, usize)>,
    pub schema_version: i64,
}

#[derive(Debug, Clone)]
struct TableData {
    name: String,
    columns: Vec<String>,
    rows: Vec<Vec<Value>>,
}

/// Copies every table of `from` into `to`, which must be empty and at the same schema version.
pub async fn copy_database(from: &Store, to: &Store) -> Result<CopyReport, StoreError> {
    let (version, tables) = from.run_raw(read_everything).await?;
    let target_version = to.run_raw(|db| super::engine::current_version(db)).await?;
    if target_version != version {
        return Err(StoreError::Unsupported(format!(
            "the source is at schema version {version}, the target at {target_version}"
        )));
    }
    let report = CopyReport {
        tables: tables
            .iter()
            .map(|t| (t.name.clone(), t.rows.len()))
            .collect(),
        schema_version: version,
    };
    to.run_raw(move |db| write_everything(db, &tables)).await?;
    Ok(report)
}

fn read_everything(db: &mut Db) -> Result<(i64, Vec<TableData>), StoreError> {
    if db.is_postgres() {
        return Err(StoreError::Unsupported(
            "the source of a copy is a SQLite file".to_owned(),
        ));
    }
    let tx = db.transaction_with_behavior(Behavior::Snapshot)?;
    let version = super::engine::current_version(&tx)?;
    let names: Vec<String> = tx
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table'
             AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut tables = Vec::new();
    for name in dependency_order(&tx, names)? {
        let columns: Vec<String> = tx
            .prepare("SELECT name FROM pragma_table_info(?1) ORDER BY cid")?
            .query_map([&name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let list = columns.join(", ");
        let rows = tx
            .query(&format!("SELECT {list} FROM {name}"), [])?
            .into_iter()
            .map(super::db::Row::into_values)
            .collect();
        tables.push(TableData {
            name,
            columns,
            rows,
        });
    }
    tx.finish()?;
    Ok((version, tables))
}

/// Tables after the tables their foreign keys name, so rows go in with every check on.
fn dependency_order(db: &Db, mut names: Vec<String>) -> Result<Vec<String>, StoreError> {
    let mut parents = std::collections::HashMap::new();
    for name in &names {
        let refs: Vec<String> = db
            .prepare("SELECT DISTINCT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([name], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        parents.insert(name.clone(), refs);
    }
    let mut ordered: Vec<String> = Vec::new();
    while !names.is_empty() {
        let before = names.len();
        names.retain(|n| {
            let ready = parents
                .get(n)
                .is_none_or(|ps| ps.iter().all(|p| p == n || ordered.contains(p)));
            if ready {
                ordered.push(n.clone());
            }
            !ready
        });
        if names.len() == before {
            return Err(StoreError::Corrupt(format!(
                "foreign keys form a cycle among {names:?}"
            )));
        }
    }
    Ok(ordered)
}

fn write_everything(db: &mut Db, tables: &[TableData]) -> Result<(), StoreError> {
    let tx = db.transaction_with_behavior(Behavior::Immediate)?;
    let accounts: i64 = tx.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0))?;
    if accounts != 0 {
        return Err(StoreError::Unsupported(
            "the target database already holds accounts; copy into an empty one".to_owned(),
        ));
    }
    // The history cursor (`seq`) is copied as it is, not renumbered by the insert trigger.
    // So are the feed and log numbers (their triggers would renumber them too).
    if tx.is_postgres() {
        tx.execute_batch(
            "ALTER TABLE operations DISABLE TRIGGER operations_seq;
             ALTER TABLE device_events DISABLE TRIGGER device_events_cursor;
             ALTER TABLE security_log DISABLE TRIGGER security_log_id;
             ALTER TABLE sms_outbox DISABLE TRIGGER sms_outbox_seq;",
        )?;
    }
    for table in tables {
        let names = table.columns.join(", ");
        let marks = (1..=table.columns.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO {} ({names}) VALUES ({marks})", table.name);
        for row in &table.rows {
            let params: Vec<&dyn super::db::ToValue> =
                row.iter().map(|v| v as &dyn super::db::ToValue).collect();
            tx.execute(&sql, params.as_slice())?;
        }
    }
    if tx.is_postgres() {
        tx.execute_batch(
            "ALTER TABLE operations ENABLE TRIGGER operations_seq;
             ALTER TABLE device_events ENABLE TRIGGER device_events_cursor;
             ALTER TABLE security_log ENABLE TRIGGER security_log_id;
             ALTER TABLE sms_outbox ENABLE TRIGGER sms_outbox_seq;
             SELECT setval('operations_seq_counter', COALESCE(MAX(seq), 0) + 1, false) FROM operations;
             SELECT setval('device_events_cursor_counter', COALESCE(MAX(cursor), 0) + 1, false) FROM device_events;
             SELECT setval('security_log_id_counter', COALESCE(MAX(id), 0) + 1, false) FROM security_log;
             SELECT setval('sms_outbox_seq_counter', COALESCE(MAX(seq), 0) + 1, false) FROM sms_outbox;",
        )?;
    }
    tx.commit()
}
