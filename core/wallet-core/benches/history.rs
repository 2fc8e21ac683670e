//! The offline history with 100,000 local transactions (issue 6): the first page (50), search
//! (a CJK and a Latin query) and a monthly summary, in a SQLCipher store (raw 32-byte key, as
//! wallet-core opens it) and in a plain SQLite file of the same schema filled with the same rows
//! by the same code (`wallet_core::bench_support`, what the `Wallet` methods run).
//! Targets on the 2-core reference machine: first page ≤ 2 ms, search ≤ 10 ms, summary ≤ 20 ms.
//!
//! `cargo bench -p wallet-core --bench history` (set `HISTORY_ROWS` for another size).

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark should stop loudly when its setup fails"
)]

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::Connection;
use wallet_core::bench_support;
use wallet_core::{HistoryQuery, Money};
use wallet_protocol::api::{self, Counterparty, MerchantRef, OperationKind, OperationStatus};

const KEY: [u8; 32] = [0x2a; 32];

const MERCHANTS: &[(&str, &str, &str)] = &[
    ("兰州拉面", "上海", "5812"),
    ("Lucky Noodles", "Shanghai", "5814"),
    ("全家 FamilyMart", "上海", "5411"),
    ("星巴克 Starbucks", "北京", "5814"),
    ("滴滴出行", "北京", "4121"),
    ("中国石化", "杭州", "5541"),
    ("华联超市", "南京", "5411"),
    ("京东商城", "北京", "5311"),
    ("海底捞火锅", "成都", "5812"),
    ("China Mobile", "广州", "4814"),
    ("万达影城", "深圳", "7832"),
    ("协和医院", "北京", "8062"),
];
const NAMES: &[&str] = &["*明", "**华", "*丽", "*伟", "**芳"];
const NOTES: &[&str] = &[
    "午饭 AA",
    "Dinner split",
    "房租",
    "生日快乐",
    "taxi",
    "电影票",
];

fn rows() -> usize {
    std::env::var("HISTORY_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Deterministic operations over about two years, newest last.
fn generate(n: usize) -> Vec<api::Operation> {
    let start = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
    // ~2 years spread over n operations.
    let step = (2 * 365 * 24 * 3600) / n.max(1) as i64;
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|i| {
            let r = next();
            let t: DateTime<Utc> = start + chrono::Duration::seconds(i as i64 * step);
            let kind = match r % 10 {
                0 => OperationKind::Topup,
                1 => OperationKind::TransferOut,
                2 => OperationKind::TransferIn,
                3 => OperationKind::Withdrawal,
                _ => OperationKind::Payment,
            };
            let status = if r % 37 == 0 {
                OperationStatus::Failed
            } else {
                OperationStatus::Succeeded
            };
            let merchant = (kind == OperationKind::Payment).then(|| {
                let (name, city, mcc) = MERCHANTS[(r >> 8) as usize % MERCHANTS.len()];
                MerchantRef {
                    merchant_id: format!("mch_{}", (r >> 8) as usize % MERCHANTS.len()),
                    name: name.into(),
                    city: city.into(),
                    mcc: mcc.into(),
                }
            });
            let transfer = matches!(kind, OperationKind::TransferIn | OperationKind::TransferOut);
            let card = matches!(kind, OperationKind::Topup | OperationKind::Withdrawal);
            api::Operation {
                operation_id: format!("op_{i:08}"),
                kind,
                status,
                amount: Money::cny(100 + (r >> 16) as i64 % 50_000),
                fee: Money::cny(0),
                card_id: card.then(|| "card_1".into()),
                card_last4: card.then(|| "1234".into()),
                bank: None,
                merchant,
                order_id: None,
                channel: None,
                failure_code: None,
                counterparty: transfer.then(|| Counterparty {
                    name_masked: NAMES[(r >> 20) as usize % NAMES.len()].into(),
                    phone_masked: "+86 139****5678".into(),
                }),
                note: if i == n / 3 {
                    Some("独一无二的备注".into())
                } else {
                    (transfer && r % 3 == 0).then(|| NOTES[(r >> 24) as usize % NOTES.len()].into())
                },
                seq: i as i64 + 1,
                created_at: t,
                updated_at: t,
                source: None,
            }
        })
        .collect()
}

fn open(path: &Path, encrypted: bool) -> Connection {
    let conn = Connection::open(path).unwrap();
    if encrypted {
        conn.execute_batch("PRAGMA cipher_log_level = NONE;")
            .unwrap();
        conn.execute_batch(&format!("PRAGMA key = \"x'{}'\";", hex::encode(KEY)))
            .unwrap();
    }
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON;")
        .unwrap();
    conn
}

fn build(path: &Path, encrypted: bool, ops: &[api::Operation]) -> Connection {
    let conn = open(path, encrypted);
    for m in bench_support::MIGRATIONS {
        conn.execute_batch(m).unwrap();
    }
    for chunk in ops.chunks(5_000) {
        bench_support::apply(&conn, chunk).unwrap();
    }
    conn.execute_batch("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    drop(conn);
    // A fresh connection, as the app has after start.
    open(path, encrypted)
}

fn bench(c: &mut Criterion) {
    let n = rows();
    let ops = generate(n);
    let month = bench_support::month_of(&ops[ops.len() / 2].created_at);
    let dir = tempfile::tempdir().unwrap();
    let dbs = [
        (
            "sqlcipher",
            build(&dir.path().join("cipher.db"), true, &ops),
        ),
        (
            "plain_sqlite",
            build(&dir.path().join("plain.db"), false, &ops),
        ),
    ];
    drop(ops);

    let first_page = HistoryQuery {
        limit: Some(50),
        ..HistoryQuery::default()
    };
    let cjk = HistoryQuery {
        search: Some("拉面".into()),
        limit: Some(50),
        ..HistoryQuery::default()
    };
    let latin = HistoryQuery {
        search: Some("noodle".into()),
        limit: Some(50),
        ..HistoryQuery::default()
    };
    let one_char = HistoryQuery {
        search: Some("明".into()),
        limit: Some(50),
        ..HistoryQuery::default()
    };
    let rare = HistoryQuery {
        search: Some("独一无二".into()),
        limit: Some(50),
        ..HistoryQuery::default()
    };
    // Sanity: the queries find what they should.
    for (_, conn) in &dbs {
        assert_eq!(
            bench_support::page(conn, &first_page)
                .unwrap()
                .entries
                .len(),
            50
        );
        let page = bench_support::page(conn, &cjk).unwrap();
        assert!(page
            .entries
            .iter()
            .all(|e| e.merchant_name.as_deref() == Some("兰州拉面")));
        assert_eq!(page.entries.len(), 50);
        let page = bench_support::page(conn, &latin).unwrap();
        assert!(page
            .entries
            .iter()
            .all(|e| e.merchant_name.as_deref() == Some("Lucky Noodles")));
        assert_eq!(bench_support::page(conn, &rare).unwrap().entries.len(), 1);
        assert!(bench_support::summary(conn, &month).unwrap().spent.minor > 0);
    }

    let mut g = c.benchmark_group(format!("history_{n}"));
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for (name, conn) in &dbs {
        g.bench_function(format!("{name}/first_page_50"), |b| {
            b.iter(|| bench_support::page(conn, &first_page).unwrap())
        });
        g.bench_function(format!("{name}/search_cjk_拉面"), |b| {
            b.iter(|| bench_support::page(conn, &cjk).unwrap())
        });
        g.bench_function(format!("{name}/search_latin_noodle"), |b| {
            b.iter(|| bench_support::page(conn, &latin).unwrap())
        });
        g.bench_function(format!("{name}/search_one_char_明"), |b| {
            b.iter(|| bench_support::page(conn, &one_char).unwrap())
        });
        g.bench_function(format!("{name}/search_rare_独一无二"), |b| {
            b.iter(|| bench_support::page(conn, &rare).unwrap())
        });
        g.bench_function(format!("{name}/monthly_summary"), |b| {
            b.iter(|| bench_support::summary(conn, &month).unwrap())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
