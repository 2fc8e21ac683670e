//! Cost of opening the profile store and reading from it: SQLCipher with the raw 32-byte key
//! (what wallet-core does) against a plain SQLite file of the same schema, the whole
//! `Wallet::open` + `status()` path, and — for scale — a SQLCipher passphrase key (PBKDF2).

#![allow(
    clippy::unwrap_used,
    reason = "a benchmark should stop loudly when its setup fails"
)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use criterion::{criterion_group, criterion_main, Criterion};
use rusqlite::Connection;
use wallet_core::{SecretStore, SecretStoreError, SessionStatus, Wallet, WalletConfig};

const MIGRATIONS: [&str; 2] = [
    include_str!("../migrations/0001_initial.sql"),
    include_str!("../migrations/0002_settings.sql"),
];
const KEY: [u8; 32] = [0x2a; 32];
const PROFILE_ID: &str = "0123456789abcdef0123456789abcdef";

/// In-memory secret store: the bench measures the database, not the keyring's D-Bus round trip.
#[derive(Default)]
struct BenchSecrets(Mutex<HashMap<String, Vec<u8>>>);

impl SecretStore for BenchSecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
        Ok(self.0.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.0.lock().unwrap().insert(name.into(), secret.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
}

fn key_pragma() -> String {
    format!("PRAGMA key = \"x'{}'\";", hex::encode(KEY))
}

/// A database at the current schema with one profile, encrypted with `key_sql` (or plain).
fn build(path: &Path, key_sql: Option<&str>) {
    let conn = Connection::open(path).unwrap();
    if let Some(k) = key_sql {
        conn.execute_batch(k).unwrap();
    }
    for m in MIGRATIONS {
        conn.execute_batch(m).unwrap();
    }
    conn.execute_batch(
        "INSERT INTO profile VALUES (1, 'acc_1', 'dev_1', '+8613812345678', '+86 138****5678',
             '李明', '002X', zeroblob(32), '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');
         PRAGMA user_version = 2;
         PRAGMA journal_mode = WAL;",
    )
    .unwrap();
}

fn first_read(conn: &Connection) -> String {
    conn.query_row("SELECT account_id FROM profile WHERE id = 1", [], |r| {
        r.get(0)
    })
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain.db");
    let raw = dir.path().join("raw.db");
    let pass = dir.path().join("passphrase.db");
    build(&plain, None);
    build(&raw, Some(&key_pragma()));
    build(&pass, Some("PRAGMA key = 'correct horse battery staple';"));

    let home = dir.path().join("profile");
    std::fs::create_dir_all(&home).unwrap();
    build(&home.join("wallet.db"), Some(&key_pragma()));
    std::fs::write(home.join("profile.id"), PROFILE_ID).unwrap();
    let secrets = Arc::new(BenchSecrets::default());
    secrets
        .set(&format!("store-key:{PROFILE_ID}"), &KEY)
        .unwrap();

    let mut g = c.benchmark_group("store_open");
    g.bench_function("plain_sqlite", |b| {
        b.iter(|| {
            let conn = Connection::open(&plain).unwrap();
            first_read(&conn)
        })
    });
    g.bench_function("sqlcipher_raw_key", |b| {
        let pragma = key_pragma();
        b.iter(|| {
            let conn = Connection::open(&raw).unwrap();
            conn.execute_batch("PRAGMA cipher_log_level = NONE;")
                .unwrap();
            conn.execute_batch(&pragma).unwrap();
            first_read(&conn)
        })
    });
    g.bench_function("wallet_open_and_status", |b| {
        b.iter(|| {
            let w = Wallet::open(
                WalletConfig {
                    home: home.clone(),
                    server_url: "http://127.0.0.1:8080".into(),
                    device_name: "bench".into(),
                    platform: "cli".into(),
                },
                secrets.clone(),
            )
            .unwrap();
            assert!(matches!(
                w.status().unwrap(),
                SessionStatus::SignedIn { .. }
            ));
        })
    });
    g.finish();

    let mut slow = c.benchmark_group("store_open_passphrase");
    slow.sample_size(10);
    slow.bench_function("sqlcipher_passphrase_pbkdf2", |b| {
        b.iter(|| {
            let conn = Connection::open(&pass).unwrap();
            conn.execute_batch("PRAGMA cipher_log_level = NONE;")
                .unwrap();
            conn.execute_batch("PRAGMA key = 'correct horse battery staple';")
                .unwrap();
            first_read(&conn)
        })
    });
    slow.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
