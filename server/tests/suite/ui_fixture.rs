//! The provider's half of the UI fake's rules (`ui/src/backend/fixtures/provider.gen.json`):
//! the default limits, the sandbox bank's test cards and the withdrawal fee's answers, so the
//! in-memory backend (`ui/src/backend/memory.ts`) keeps only state and cannot drift from the
//! provider. `scripts/gen-ts.sh` writes it (through `WALLET_FIXTURES_OUT`, a directory);
//! without it, the test fails when the checked-in file differs from a fresh export. wallet-core's
//! `ui_fixtures` writes the core's half (and inspects these cards).

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wallet_server::config::{self, Limits};
use wallet_server::ports::{sandbox_bank, sandbox_carrier};

const FILE: &str = "provider.gen.json";

/// Withdrawal amounts (fen) whose fee the fake may be asked: the floor, the rounding, the caps,
/// and what the UI tests withdraw.
const FEE_AMOUNTS: &[i64] = &[
    1, 9, 10, 11, 99, 100, 1_000, 3_000, 5_000, 5_050, 9_999, 10_000, 10_001, 20_000, 50_000,
    99_999, 100_000, 1_000_000, 1_000_001, 5_000_000,
];

fn checked_in() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/backend/fixtures")
}

fn fixture() -> Value {
    let l = Limits::default();
    let fees: Vec<Value> = FEE_AMOUNTS
        .iter()
        .map(|&a| {
            json!([
                a,
                config::withdraw_fee(a, l.withdraw_fee_bps, l.withdraw_fee_min_fen)
            ])
        })
        .collect();
    json!({
        "generated": "by scripts/gen-ts.sh from wallet-server (server/tests/suite/ui_fixture.rs). Do not edit.",
        "limits": {
            "topup_per_payment": l.topup_limit_fen,
            "topup_daily": l.topup_daily_limit_fen,
            "withdraw_per_payment": l.withdraw_limit_fen,
            "withdraw_daily": l.withdraw_daily_limit_fen,
            "payment_per_payment": l.payment_limit_fen,
            "payment_daily": l.payment_daily_limit_fen,
            "transfer_per_payment": l.transfer_limit_fen,
            "transfer_daily": l.transfer_daily_limit_fen,
            "no_pin_per_payment_max": l.paycode_no_pin_limit_fen,
            "no_pin_daily_max": l.paycode_no_pin_daily_fen,
            "cooling_off_secs": l.cooling_off_secs,
            "cooling_off_limit": l.cooling_off_limit_fen,
            "pin_failures_max": l.pin_failures_max,
            "pin_lock_secs": l.pin_lock_secs,
            "otp_ttl_secs": config::OTP_TTL_SECS,
            "order_default_ttl_secs": config::ORDER_DEFAULT_TTL_SECS,
            "sms_pay_per_payment": config::SMS_PAY_PER_PAYMENT_FEN,
            "sms_pay_daily": config::SMS_PAY_DAILY_FEN,
            "carrier_monthly_cap": sandbox_carrier::MONTHLY_CAP_FEN,
        },
        "withdraw_fees": fees,
        "sandbox_cards": sandbox_bank::test_cards(),
    })
}

#[test]
fn provider_fixture_is_fresh() {
    let fresh = serde_json::to_string_pretty(&fixture()).unwrap() + "\n";
    match std::env::var_os("WALLET_FIXTURES_OUT") {
        Some(dir) => {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(Path::new(&dir).join(FILE), fresh).unwrap();
        }
        None => {
            let kept = std::fs::read_to_string(checked_in().join(FILE)).unwrap_or_default();
            assert!(
                kept == fresh,
                "ui/src/backend/fixtures/{FILE} is stale: run scripts/gen-ts.sh and commit the result"
            );
        }
    }
}
