//! QR payloads decoded (and encoded) per second.
//!
//! * `decode/vectors`: every payload of `tests/fixtures/emvco_mpm.jsonl` (93, valid and
//!   broken alike) through `qr::decode`;
//! * `decode/vectors_valid`: the 69 that decode without error (the comparison set of
//!   `tests/bench-qr-compare/`);
//! * `decode/ours`: our own static and dynamic codes (ASCII and Chinese names);
//! * `parse/vectors_valid`: `emv::parse` only (framing, CRC, checks; no owned result);
//! * `encode/ours`: `wallet_static_payload` + `wallet_dynamic_payload`.
//!
//! With `QR_COMPARE_DIR` set (by `tests/bench-qr-compare/run.sh`), also `compare/decode/<set>`
//! and `compare/parse/<set>` for every `<set>.txt` there (one payload per line): the same
//! payloads another parser is timed on.
//!
//! `cargo bench -p wallet-protocol --bench qr_decode -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wallet_protocol::money::Money;
use wallet_protocol::qr::{
    decode, emv, wallet_dynamic_payload, wallet_static_payload, WalletMerchant,
};

const FIXTURE: &str = include_str!("../tests/fixtures/emvco_mpm.jsonl");

fn vectors() -> Vec<String> {
    FIXTURE
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|r| r["payload"].as_str().map(str::to_owned))
        .collect()
}

fn merchants() -> Vec<WalletMerchant> {
    vec![
        WalletMerchant {
            merchant_id: "mch_4f1c2a9e0b7d4c3a8e6f5d2c1b0a9f8e".into(),
            name: "Lucky Noodles".into(),
            city: "Beijing".into(),
            mcc: "5812".into(),
        },
        WalletMerchant {
            merchant_id: "mch_0a1b2c3d4e5f60718293a4b5c6d7e8f9".into(),
            name: "老北京炸酱面馆（王府井店）".into(),
            city: "北京".into(),
            mcc: "5814".into(),
        },
    ]
}

fn ours() -> Vec<String> {
    let mut out = Vec::new();
    for m in merchants() {
        out.push(wallet_static_payload(&m).unwrap_or_default());
        out.push(
            wallet_dynamic_payload(
                &m,
                "ord_9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b",
                Money::cny(12_50),
            )
            .unwrap_or_default(),
        );
    }
    out
}

fn bench(c: &mut Criterion) {
    let all = vectors();
    let valid: Vec<String> = all.iter().filter(|p| decode(p).is_ok()).cloned().collect();
    let ours = ours();

    let mut g = c.benchmark_group("decode");
    for (name, set) in [
        ("vectors", &all),
        ("vectors_valid", &valid),
        ("ours", &ours),
    ] {
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| {
                for p in set {
                    let _ = black_box(decode(black_box(p)));
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("parse");
    g.throughput(Throughput::Elements(valid.len() as u64));
    g.bench_function("vectors_valid", |b| {
        b.iter(|| {
            for p in &valid {
                let _ = black_box(emv::parse(black_box(p.trim())));
            }
        })
    });
    g.finish();

    let ms = merchants();
    let mut g = c.benchmark_group("encode");
    g.throughput(Throughput::Elements(2 * ms.len() as u64));
    g.bench_function("ours", |b| {
        b.iter(|| {
            for m in &ms {
                let _ = black_box(wallet_static_payload(black_box(m)));
                let _ = black_box(wallet_dynamic_payload(
                    black_box(m),
                    "ord_9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b",
                    Money::cny(12_50),
                ));
            }
        })
    });
    g.finish();

    if let Ok(dir) = std::env::var("QR_COMPARE_DIR") {
        compare(c, std::path::Path::new(&dir));
    }
}

fn compare(c: &mut Criterion, dir: &std::path::Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    let mut g = c.benchmark_group("compare");
    for path in files {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let set: Vec<String> = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.is_empty())
            .map(str::to_owned)
            .collect();
        g.throughput(Throughput::Elements(set.len() as u64));
        g.bench_function(format!("decode/{stem}"), |b| {
            b.iter(|| {
                for p in &set {
                    let _ = black_box(decode(black_box(p)));
                }
            })
        });
        g.bench_function(format!("parse/{stem}"), |b| {
            b.iter(|| {
                for p in &set {
                    let _ = black_box(emv::parse(black_box(p)));
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
