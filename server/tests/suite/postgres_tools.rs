//! The real binary's PostgreSQL tools: `migrate`, `copy` of a tester's SQLite sandbox (rows and
//! history cursors unchanged, the ledger checked on arrival), `ledger check` on a URL. Runs when
//! the test command names a PostgreSQL server (`WALLET_TEST_POSTGRES`).

// Helpers below panic to report failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

use crate::common;

use std::process::Command;

use common::TestApp;
use serde_json::Value;
use wallet_server::store::testing::{fresh_postgres_database, postgres_server};
use wallet_server::Store;

const BIN: &str = env!("CARGO_BIN_EXE_wallet-server");
const PIN: &str = "280419";

fn run(args: &[&str]) -> (bool, Value) {
    let out = Command::new(BIN).args(args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let value = serde_json::from_str(text.trim())
        .unwrap_or_else(|e| panic!("{e}: {text} {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.success(), value)
}

async fn operations(store: &Store) -> Vec<(String, String, String, i64, i64)> {
    store
        .run_raw(|db| {
            db.prepare("SELECT id, kind, status, amount, seq FROM operations ORDER BY seq")?
                .query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sqlite_sandbox_moves_to_postgres_with_its_ledger_and_history() {
    let Some(server) = postgres_server() else {
        eprintln!("no WALLET_TEST_POSTGRES: skipped");
        return;
    };
    let app = TestApp::builder().sqlite().build();
    app.payer(common::PHONE, PIN, 50_000).await;
    app.payer_named("13900000002", "王小华", PIN, 12_345).await;
    let source = operations(&app.store).await;
    assert_eq!(source.len(), 2, "{source:?}");

    let url = fresh_postgres_database(&server).unwrap();
    let (ok, v) = run(&["migrate", "--db", &url, "--json"]);
    assert!(ok, "{v}");
    assert_eq!(v["engine"], "postgres");
    assert_eq!(v["schema_version"], wallet_server::store::known_version());

    let sqlite = app.db_url.clone();
    let (ok, v) = run(&["copy", "--from", &sqlite, "--to", &url, "--json"]);
    assert!(ok, "{v}");
    assert_eq!(v["ledger_ok"], true);
    assert_eq!(v["tables"]["operations"], 2);
    assert_eq!(v["tables"]["accounts"], 2);
    assert_eq!(v["customer_total"], 62_345);

    // Same rows, same history cursors; new operations continue after them.
    let target = Store::open(&url).unwrap();
    assert_eq!(operations(&target).await, source);
    // The sealed values and their wrapped data keys came along: the sandbox's key opens them.
    let unlocked = common::unlocked(Store::open(&url).unwrap(), &app.master_key);
    let account = unlocked
        .account_by_phone(common::PHONE_E164)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.id_number, common::ID_NUMBER);

    // A second copy into a database with accounts is refused and changes nothing.
    let (ok, v) = run(&["copy", "--from", &sqlite, "--to", &url, "--json"]);
    assert!(!ok);
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("already holds accounts"),
        "{v}"
    );
    assert_eq!(operations(&target).await, source);

    let (ok, v) = run(&["ledger", "check", "--db", &url, "--json"]);
    assert!(ok, "{v}");
    assert_eq!(v["customer_total"], 62_345);
}

#[tokio::test]
async fn the_history_cursor_keeps_counting_after_a_copy() {
    let Some(server) = postgres_server() else {
        eprintln!("no WALLET_TEST_POSTGRES: skipped");
        return;
    };
    let app = TestApp::builder().sqlite().build();
    app.payer(common::PHONE, PIN, 1_000).await;
    let url = fresh_postgres_database(&server).unwrap();
    let (ok, v) = run(&["copy", "--from", &app.db_url, "--to", &url, "--json"]);
    assert!(ok, "{v}");
    let target = Store::open(&url).unwrap();
    let highest = operations(&target).await.last().unwrap().4;
    // An update renumbers the row past every copied cursor (the sequence was moved on).
    let seq: i64 = target
        .run_raw(|db| {
            db.execute("UPDATE operations SET updated_at = updated_at + 1", [])?;
            db.query_row("SELECT MAX(seq) FROM operations", [], |r| r.get(0))
        })
        .await
        .unwrap();
    assert!(seq > highest, "{seq} <= {highest}");
}
