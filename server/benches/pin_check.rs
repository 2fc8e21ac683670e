//! The CPU cost of one payment-PIN check, before and after issue 13:
//! - `argon2id_verify`: the Argon2id check every PIN-confirmed payment ran (19 MiB, 2 passes);
//! - `keyed_verify`: HMAC-SHA256 under the server's pepper with a constant-time compare, what a
//!   check costs now;
//! - `keyed_hash`: storing a new PIN;
//! - `sealing/seal_seed`, `sealing/open_seed`: what sealing adds to writing and reading a sealed
//!   column (ChaCha20-Poly1305 of a 43-character seed, base64url).
//!
//! `cargo bench -p wallet-server --bench pin_check`; figures in docs/benchmarks.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use wallet_server::secrets::hash_password;
use wallet_server::secrets::vault::{Keys, MasterKey, SealedColumn, DATA_KEY_PURPOSES};
use wallet_server::secrets::verify_password;

const ACCOUNT: &str = "acc_0123456789abcdef0123456789abcdef";
const PIN: &str = "280419";

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("pin_check");
    group.measurement_time(Duration::from_secs(5));

    let argon = hash_password(PIN).unwrap();
    group.sample_size(20);
    group.bench_function("argon2id_verify", |b| {
        b.iter(|| assert!(verify_password(black_box(PIN), Some(black_box(&argon)))));
    });

    let master = MasterKey::generate();
    let keys = Keys::unlock(&master, &Keys::new_rows(&master, DATA_KEY_PURPOSES)).unwrap();
    let stored = keys.pin_hash(ACCOUNT, PIN);
    group.sample_size(100);
    group.bench_function("keyed_verify", |b| {
        b.iter(|| assert!(keys.pin_matches(black_box(ACCOUNT), black_box(PIN), &stored)));
    });
    group.bench_function("keyed_hash", |b| {
        b.iter(|| keys.pin_hash(black_box(ACCOUNT), black_box(PIN)));
    });
    group.finish();

    let mut group = c.benchmark_group("sealing");
    let seed = "q2JmZ7C1Xz5uYb0k3Qm8e9Lw4Vt6Rn1Ps2Ho7Gi0Fa";
    let sealed = keys.seal(SealedColumn::PaycodeSeed, "dev_1", seed);
    group.bench_function("seal_seed", |b| {
        b.iter(|| {
            keys.seal(
                SealedColumn::PaycodeSeed,
                black_box("dev_1"),
                black_box(seed),
            )
        });
    });
    group.bench_function("open_seed", |b| {
        b.iter(|| {
            keys.open(
                SealedColumn::PaycodeSeed,
                black_box("dev_1"),
                black_box(&sealed),
            )
            .unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
