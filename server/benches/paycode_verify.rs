//! Payment-code verification against the in-memory index with 100,000 devices:
//! - `lookup_hit` / `lookup_miss`: one verification (hash probes over the accepted steps and the
//!   generation check), as `POST /v1/merchants/{id}/charges` does before its database transaction;
//! - `step_rebuild`: the per-step work of the ticker (one HMAC-SHA256 per device for the new
//!   step, the old step dropped).
//!
//! `cargo bench -p wallet-server --bench paycode_verify`. Also prints the resident memory the
//! index took (Linux), for the per-device figure in `crate::paycode`'s docs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wallet_protocol::paycode::{Paycode, PaycodeSeed};
use wallet_server::domain::paycode::PaycodeIndex;
use wallet_server::store::PaycodeDevice;

const DEVICES: usize = 100_000;
const NOW_STEP: i64 = 59_000_000;

fn seed(i: usize) -> PaycodeSeed {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&(i as u64).to_le_bytes());
    bytes[8..16].copy_from_slice(&0x5eed_u64.wrapping_mul(i as u64 + 1).to_le_bytes());
    PaycodeSeed::from_bytes(bytes)
}

fn devices() -> Vec<PaycodeDevice> {
    (0..DEVICES)
        .map(|i| PaycodeDevice {
            device_id: format!("dev_{i:032x}"),
            account_id: format!("acc_{i:032x}"),
            seed: seed(i),
        })
        .collect()
}

fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn bench(c: &mut Criterion) {
    let devs = devices();
    let before = rss_bytes();
    let index = PaycodeIndex::new();
    let started = Instant::now();
    index.load(devs, NOW_STEP);
    let load = started.elapsed();
    let after = rss_bytes();
    eprintln!(
        "paycode index: {DEVICES} devices loaded (3 steps) in {load:?}; resident memory +{} MiB (~{} bytes/device)",
        after.zip(before).map_or(0, |(a, b)| a.saturating_sub(b) >> 20),
        after.zip(before).map_or(0, |(a, b)| a.saturating_sub(b) / DEVICES as u64),
    );

    // Codes of random devices over the accepted window.
    let hits: Vec<Paycode> = (0..10_000)
        .map(|i| {
            let d = (i * 7919) % DEVICES;
            seed(d).code(NOW_STEP - 1 + (i as i64 % 3))
        })
        .collect();
    for code in hits.iter().take(100) {
        assert!(index.lookup(*code, NOW_STEP).is_some());
    }
    let misses: Vec<Paycode> = (0..10_000u64)
        .map(|i| {
            Paycode::parse(&format!(
                "28{:016}",
                i * 999_999_937 % 10_000_000_000_000_000
            ))
            .unwrap()
        })
        .collect();

    let mut group = c.benchmark_group("paycode_verify");
    group.throughput(Throughput::Elements(1));
    group.bench_function("lookup_hit_100k_devices", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % hits.len();
            black_box(index.lookup(black_box(hits[i]), NOW_STEP))
        })
    });
    group.bench_function("lookup_miss_100k_devices", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % misses.len();
            black_box(index.lookup(black_box(misses[i]), NOW_STEP))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("paycode_index");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(DEVICES as u64));
    group.bench_function("step_rebuild_100k_devices", |b| {
        let mut step = NOW_STEP;
        b.iter_custom(|iters| {
            let started = Instant::now();
            for _ in 0..iters {
                // The ticker at the next step: drop the oldest step, build the one ahead.
                step += 1;
                index.prepare(step, true);
            }
            started.elapsed()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
