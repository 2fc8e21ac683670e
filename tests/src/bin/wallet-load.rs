//! `wallet-load`: concurrent clients of a running `wallet-server` doing one money scenario for a
//! while, then the ledger check. See [`wallet_e2e::load`] for what each phase does.
//!
//! ```text
//! wallet-load --server URL --db PATH|URL --scenario paycode|qr-pay|topup|transfer \
//!             --clients N --seconds S [--json] [--server-bin PATH]
//! ```
//!
//! Stdout: one JSON object with `--json` (`scenario`, `clients`, `seconds`, `ops`, `ops_per_s`,
//! `p50_ms`, `p95_ms`, `p99_ms`, `errors`, `aux_requests`, `ledger_ok`), else a summary line.
//! Stderr: progress and the errors by code. Exit code 1 when the set-up fails or the ledger
//! check fails or cannot run; failed requests during the timed phase are counted, not fatal.

use std::process::ExitCode;

use clap::Parser as _;
use wallet_e2e::load::{self, Args};

fn main() -> ExitCode {
    let args = Args::parse();
    let server_bin = load::server_bin(args.server_bin.as_deref());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("wallet-load: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut report = match runtime.block_on(load::run(&args, &server_bin)) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("wallet-load: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    if !report.errors_by_code.is_empty() {
        let counts: Vec<String> = report
            .errors_by_code
            .iter()
            .map(|(code, n)| format!("{code}={n}"))
            .collect();
        eprintln!("errors by code: {}", counts.join(" "));
    }
    let ledger = load::ledger_check(&server_bin, &args.db);
    report.ledger_ok = matches!(ledger, Ok(true));
    if args.json {
        println!("{}", report.to_json());
    } else {
        println!("{}", report.summary());
    }
    match ledger {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("wallet-load: {e:#}");
            ExitCode::FAILURE
        }
    }
}
