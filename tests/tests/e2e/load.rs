//! `wallet-load` against the real server process: every scenario with 2 clients for 2 seconds
//! on one fresh server (default limits: the 8 sign-ups fit the per-IP SMS budget of 20), each
//! ending with a successful `ledger check`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::process::Command;

use serde_json::Value;
use wallet_e2e::{server_bin, Server};

#[test]
fn every_scenario_moves_money_without_errors_and_keeps_the_ledger() {
    let server = Server::start();
    for scenario in ["paycode", "qr-pay", "topup", "transfer"] {
        let out = Command::new(env!("CARGO_BIN_EXE_wallet-load"))
            .args(["--server", &server.url, "--db"])
            .arg(&server.db)
            .args(["--scenario", scenario, "--clients", "2", "--seconds", "2"])
            .arg("--json")
            .arg("--server-bin")
            .arg(server_bin())
            .output()
            .expect("run wallet-load");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{scenario}: {stdout} {stderr}");
        let r: Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{scenario}: not one JSON object ({e}): {stdout}"));
        assert_eq!(r["scenario"], scenario, "{r}");
        assert_eq!(
            (r["clients"].as_u64(), r["seconds"].as_u64()),
            (Some(2), Some(2))
        );
        assert!(r["ops"].as_u64().unwrap() > 0, "{scenario}: {r} {stderr}");
        assert_eq!(r["errors"], 0, "{scenario}: {r} {stderr}");
        assert_eq!(r["ledger_ok"], true, "{scenario}: {r} {stderr}");
        assert!(r["ops_per_s"].as_f64().unwrap() > 0.0, "{r}");
        let (p50, p99) = (r["p50_ms"].as_f64().unwrap(), r["p99_ms"].as_f64().unwrap());
        assert!(0.0 < p50 && p50 <= p99, "{r}");
        // Only payment codes need requests besides the operation (seed refreshes).
        if scenario != "paycode" {
            assert_eq!(r["aux_requests"], 0, "{r}");
        }
    }
    // The tool's own check, once more from the harness.
    server.ledger_check();
}
