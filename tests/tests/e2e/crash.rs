//! Crashes under way on a provider of several instances on PostgreSQL (issue 12): an instance
//! killed mid-request and the database stopped with `pg_ctl -m immediate` lose nothing that was
//! acknowledged, and retries with the same Idempotency-Key converge to one operation each. A
//! test binary of its own: it stops the shared test cluster, so nothing may run beside it.

// Helpers below panic to report failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

use std::process::Command;
use std::thread;
use std::time::Duration;

use wallet_e2e::*;

const PIN: &str = "135792";

/// `pg_ctl` on the test command's private cluster (as its owner when we are root).
fn pg_ctl(args: &[&str]) -> bool {
    let bin =
        std::env::var("WALLET_PG_BIN").unwrap_or_else(|_| "/usr/lib/postgresql/15/bin".into());
    let dir = std::env::var("WALLET_PG_DIR").unwrap();
    let data = format!("{dir}/data");
    let mut all = vec!["-D", data.as_str()];
    all.extend_from_slice(args);
    let pg_ctl = format!("{bin}/pg_ctl");
    let status = if nix_is_root() {
        Command::new("runuser")
            .args(["-u", "postgres", "--", pg_ctl.as_str()])
            .args(&all)
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .status()
    } else {
        Command::new(&pg_ctl)
            .args(&all)
            .stdout(std::process::Stdio::null())
            .status()
    };
    status.is_ok_and(|s| s.success())
}

fn nix_is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs `topup 1 --idempotency-key KEY` until it answers (the instance or the database may be
/// coming back): every retry carries the same key.
fn top_up_until_answered(d: &Device, key: &str) {
    for _ in 0..60 {
        let run = d.run(
            &["topup", "1", "--idempotency-key", key, "--pin-stdin"],
            Some(PIN),
        );
        if run.code == 0 {
            return;
        }
        thread::sleep(Duration::from_millis(500));
    }
    panic!("top-up {key} never answered");
}

/// Crashes in the middle of the work: an instance killed with SIGKILL while a top-up is in
/// flight, then PostgreSQL stopped with `pg_ctl -m immediate` and started again. Every top-up
/// retried with its Idempotency-Key through the surviving instance becomes exactly one
/// operation; nothing acknowledged is lost; the ledger holds.
#[test]
fn a_killed_instance_and_a_crashed_database_lose_nothing_and_retries_converge() {
    let Some(url) = postgres_database() else {
        return;
    };
    let flags = [
        "--otp-min-interval-secs",
        "0",
        "--reconcile-interval-secs",
        "1",
    ];
    let mut a = Server::start_on(&url, &flags);
    let b = Server::start_on(&url, &flags);
    let phone_number = fresh_phone();
    // The phone knows one URL, in front of both instances (a profile talks only to the URL it
    // was enrolled on): a relay that points at A, then at B once A is dead.
    let relay = Relay::to(&a.url);
    let mut d = Device::new(&a, "phone");
    d.server_url = relay.url.clone();
    d.signup(&a, &phone_number);
    d.set_pin(PIN);
    d.bind_card(&a, &test_card("ICBC", "debit", "approve"));
    for i in 0..4 {
        top_up_until_answered(&d, &format!("crash-key-{i:04}"));
    }

    // A dies (SIGKILL) with a top-up in flight; its answer is lost either way.
    thread::scope(|s| {
        let in_flight = s.spawn(|| {
            d.run(
                &[
                    "topup",
                    "1",
                    "--idempotency-key",
                    "crash-key-0004",
                    "--pin-stdin",
                ],
                Some(PIN),
            )
        });
        thread::sleep(Duration::from_millis(30));
        a.kill();
        let _ = in_flight.join();
    });
    relay.point_to(&b.url);
    for i in 0..6 {
        top_up_until_answered(&d, &format!("crash-key-{i:04}"));
    }

    // The database crashes and comes back; requests meanwhile fail, retries converge.
    let dir = std::env::var("WALLET_PG_DIR").unwrap();
    let options = std::env::var("WALLET_PG_OPTIONS").unwrap();
    assert!(pg_ctl(&["-m", "immediate", "stop"]), "pg_ctl stop");
    let refused = d.run(
        &[
            "topup",
            "1",
            "--idempotency-key",
            "crash-key-0006",
            "--pin-stdin",
        ],
        Some(PIN),
    );
    assert_ne!(
        refused.code, 0,
        "a top-up went through with the database down"
    );
    assert!(
        pg_ctl(&["-w", "-l", &format!("{dir}/log"), "-o", &options, "start"]),
        "pg_ctl start"
    );
    for i in 0..8 {
        top_up_until_answered(&d, &format!("crash-key-{i:04}"));
    }

    // Eight keys, eight top-ups of ¥1, each once (settled by the reconciler if its answer was
    // lost), and the books add up.
    // A top-up whose request died between the bank and the finish (SIGKILL, or the database
    // going away) stays `processing` until the reconciler takes it: only once it is older than
    // `STALE_PROCESSING_SECS` (60 s, so an in-flight request is never raced), then within a pass.
    let mut balance = serde_json::Value::Null;
    for _ in 0..150 {
        balance = d.run(&["balance"], None).ok();
        if balance["balance"]["minor"] == 800 {
            break;
        }
        thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(balance["balance"]["minor"], 800, "{balance}");
    let ledger = b.ledger_check();
    assert_eq!(ledger["customer_total"], 800, "{ledger}");
}
