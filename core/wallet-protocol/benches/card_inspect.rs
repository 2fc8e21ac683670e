//! Card inspections per second over a mix of ~20 numbers: UnionPay 19-digit numbers built from
//! the BIN table, Visa, Amex and invalid input.
//!
//! `cargo bench -p wallet-protocol --bench card_inspect -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use wallet_protocol::card::{bin_table, inspect, luhn_complete, CardNumber, CardScheme};

fn numbers() -> Vec<String> {
    let mut out: Vec<String> = bin_table()
        .iter()
        .filter(|e| e.scheme == CardScheme::Unionpay && e.length == 19)
        .step_by(7)
        .take(8)
        .map(|e| {
            let mut body = e.bin.to_owned();
            for c in "3141592653589793".chars().cycle() {
                if body.len() == 18 {
                    break;
                }
                body.push(c);
            }
            luhn_complete(&body)
        })
        .collect();
    out.extend(
        [
            "6222 0212 3456 7890 123", // grouped as pasted
            "4111111111111111",
            "4012888888881881",
            "4222222222222",
            "378282246310005",
            "371449635398431",
            "5555555555554444",
            "4111111111111112",    // Luhn fails
            "4111 1111 x111 1111", // not a number
            "1234",                // too short, no scheme
            "4576321111111111",    // Elo: unsupported network
            "",
        ]
        .map(String::from),
    );
    out
}

fn bench(c: &mut Criterion) {
    let mix = numbers();
    // Build the BIN table outside the measurement.
    black_box(inspect("622202"));

    let mut g = c.benchmark_group("card");
    g.throughput(Throughput::Elements(mix.len() as u64));
    g.bench_function("inspect_mix", |b| {
        b.iter(|| {
            for n in &mix {
                black_box(inspect(black_box(n)));
            }
        })
    });
    g.bench_function("card_number_parse_mix", |b| {
        b.iter(|| {
            for n in &mix {
                let _ = black_box(CardNumber::parse(black_box(n)));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
