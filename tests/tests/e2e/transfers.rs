//! Issue 6 through the real CLI, the real server and the real Secret Service: transfers both
//! ways between two users (the masked name first, errors by code, idempotent retries), the
//! synced local history on both sides equal to the server's operations entry for entry, a
//! device that was away during some transfers catching up without duplicates, offline search,
//! the monthly summary and the CSV export — with `wallet-server ledger check` after each step.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use serde_json::Value;
use wallet_e2e::*;

const PIN: &str = "135792";

fn minor(v: &Value) -> i64 {
    assert_eq!(v["currency"], "CNY", "{v}");
    v["minor"].as_i64().unwrap()
}

/// A signed-up device with a PIN, a bound card and `topup` yuan in the wallet (none for "0").
fn customer(server: &Server, topup: &str) -> (Device, String) {
    let d = Device::new(server, "phone");
    let phone = fresh_phone();
    d.signup(server, &phone);
    d.set_pin(PIN);
    if topup != "0" {
        d.bind_card(server, &test_card("CMB", "debit", "approve"));
        let op = d.run(&["topup", topup, "--pin-stdin"], Some(PIN)).ok();
        assert_eq!(op["status"], "succeeded", "{op}");
    }
    (d, phone)
}

fn transfer(d: &Device, to: &str, amount: &str, note: Option<&str>, key: Option<&str>) -> Value {
    let mut args = vec!["transfer", "--to", to, amount, "--pin-stdin"];
    if let Some(n) = note {
        args.extend(["--note", n]);
    }
    if let Some(k) = key {
        args.extend(["--idempotency-key", k]);
    }
    d.run(&args, Some(PIN)).ok()
}

/// The server's own list (`wallet balance`: the server's latest operations, newest first).
fn server_operations(d: &Device) -> Vec<Value> {
    let b = d.run(&["balance"], None).ok();
    assert_eq!(b["stale"], false, "{b}");
    b["operations"].as_array().unwrap().clone()
}

/// The local history after a sync (newest first).
fn history(d: &Device, extra: &[&str]) -> Value {
    let mut args = vec!["history", "--limit", "500"];
    args.extend_from_slice(extra);
    d.run(&args, None).ok()
}

fn entries(h: &Value) -> Vec<Value> {
    h["entries"].as_array().unwrap().clone()
}

/// Entry for entry: the same operations, order, kinds, statuses, amounts, counterparties, notes.
fn assert_same(local: &[Value], server: &[Value]) {
    assert_eq!(
        local.len(),
        server.len(),
        "local {local:#?}\nserver {server:#?}"
    );
    for (l, s) in local.iter().zip(server) {
        for field in [
            "operation_id",
            "kind",
            "status",
            "amount",
            "fee",
            "counterparty_name_masked",
            "counterparty_phone_masked",
            "note",
            "created_at",
            "seq",
        ] {
            assert_eq!(l[field], s[field], "{field}: local {l}\nserver {s}");
        }
    }
}

#[test]
fn two_users_transfer_both_ways_and_every_device_converges() {
    let server = Server::start();
    let (alice, alice_phone) = customer(&server, "1000");
    let (bob, bob_phone) = customer(&server, "0");
    // Bob's second device, signed in now, then away while money moves.
    // It reaches the server through a relay, so that it can go offline at the same URL.
    let relay = Relay::to(&server.url);
    let mut tablet = Device::new(&server, "tablet");
    tablet.server_url = relay.url.clone();
    tablet.login(&server, &bob_phone);
    assert_eq!(history(&tablet, &[])["entries"], serde_json::json!([]));

    // Who is it? The masked name before any money moves.
    let sent = transfer(
        &alice,
        &bob_phone,
        "100",
        Some("午饭 AA"),
        Some("alice-to-bob-1"),
    );
    assert_eq!(sent["kind"], "transfer_out", "{sent}");
    assert_eq!(sent["status"], "succeeded", "{sent}");
    assert_eq!(sent["recipient"]["name_masked"], "*明", "{sent}");
    assert_eq!(sent["counterparty_name_masked"], "*明");
    assert_eq!(sent["note"], "午饭 AA");
    assert_eq!(minor(&sent["amount"]), 10_000);
    let masked = sent["recipient"]["phone_masked"].as_str().unwrap();
    assert!(
        masked.contains("****") && !masked.contains(&bob_phone[3..]),
        "{sent}"
    );
    // A retry with the same key moves nothing more.
    let again = transfer(
        &alice,
        &bob_phone,
        "100",
        Some("午饭 AA"),
        Some("alice-to-bob-1"),
    );
    assert_eq!(again["operation_id"], sent["operation_id"]);
    server.ledger_check();

    // Errors keep their codes.
    alice
        .run(
            &["transfer", "--to", &alice_phone, "1", "--pin-stdin"],
            Some(PIN),
        )
        .err("TRANSFER_TO_SELF");
    alice
        .run(
            &["transfer", "--to", &fresh_phone(), "1", "--pin-stdin"],
            Some(PIN),
        )
        .err("RECIPIENT_NOT_FOUND");
    alice
        .run(
            &["transfer", "--to", &bob_phone, "0", "--pin-stdin"],
            Some(PIN),
        )
        .err("AMOUNT_INVALID");

    // Back the other way, then more while the tablet is away.
    let back = transfer(&bob, &alice_phone, "30.50", Some("Dinner split"), None);
    assert_eq!(back["status"], "succeeded", "{back}");
    transfer(&alice, &bob_phone, "12.34", None, None);
    transfer(&alice, &bob_phone, "0.66", Some("taxi"), None);
    transfer(&bob, &alice_phone, "5", None, None);
    server.ledger_check();

    // Both sides: the synced history equals the server's operations entry for entry.
    for d in [&alice, &bob] {
        let h = history(d, &[]);
        assert_eq!(h["stale"], false, "{h}");
        assert_same(&entries(&h), &server_operations(d));
    }
    let bob_entries = entries(&history(&bob, &["--offline"]));
    assert_eq!(bob_entries.len(), 5, "{bob_entries:#?}");
    // Transfers in the same second sort by id: look entries up by note, not by position.
    let by_note = |note: &str| {
        bob_entries
            .iter()
            .find(|e| e["note"] == note)
            .unwrap_or_else(|| panic!("no {note}: {bob_entries:#?}"))
            .clone()
    };
    let kinds = |k: &str| bob_entries.iter().filter(|e| e["kind"] == k).count();
    assert_eq!((kinds("transfer_in"), kinds("transfer_out")), (3, 2));
    assert_eq!(by_note("taxi")["kind"], "transfer_in");
    let lunch = by_note("午饭 AA");
    assert_eq!(lunch["direction"], "in");
    assert_eq!(lunch["kind"], "transfer_in");

    // The tablet was away: offline it has nothing, then one sync brings everything once.
    assert_eq!(entries(&history(&tablet, &["--offline"])).len(), 0);
    let caught_up = history(&tablet, &[]);
    assert_eq!(caught_up["synced"]["added"], 5, "{caught_up}");
    assert_same(&entries(&caught_up), &server_operations(&bob));
    let again = history(&tablet, &[]);
    assert_eq!(again["synced"]["added"], 0, "{again}");
    assert_eq!(again["synced"]["updated"], 0, "{again}");
    assert_eq!(entries(&again), entries(&caught_up));

    // Offline search and detail on the tablet (server down for it).
    relay.cut();
    let found = tablet.run(&["history", "--search", "午饭"], None).ok();
    assert_eq!(found["stale"], true, "{found}");
    let found = entries(&found);
    assert_eq!(found.len(), 1);
    // Bob's side of Alice's first transfer: its own operation, the same note.
    assert_eq!(found[0]["operation_id"], lunch["operation_id"]);
    let found = entries(&tablet.run(&["history", "--search", "dinner"], None).ok());
    assert_eq!(found[0]["operation_id"], back["operation_id"]);
    let shown = tablet
        .run(
            &["history", "show", lunch["operation_id"].as_str().unwrap()],
            None,
        )
        .ok();
    assert_eq!(shown["counterparty_name_masked"], "*明");
    assert_eq!(shown["month"].as_str().unwrap().len(), 7);

    // Filters: kind, and transfers are not spending.
    let outs = entries(&history(&bob, &["--offline", "--kind", "transfer_out"]));
    assert_eq!(outs.len(), 2);
    let summary = bob.run(&["summary", "--offline"], None).ok();
    assert_eq!(minor(&summary["spent"]), 0, "{summary}");
    assert_eq!(
        minor(&summary["received"]),
        10_000 + 1_234 + 66,
        "{summary}"
    );

    // CSV: UTF-8 with BOM, a header and one row per entry.
    let csv = bob.home.path().join("history.csv");
    let written = bob
        .run(
            &["history", "--offline", "--csv", csv.to_str().unwrap()],
            None,
        )
        .ok();
    assert_eq!(written["csv"], csv.to_str().unwrap());
    let bytes = std::fs::read(&csv).unwrap();
    assert_eq!(&bytes[..3], b"\xef\xbb\xbf");
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(text.trim_end().split("\r\n").count(), 1 + 5, "{text}");
    assert!(text.contains(",-30.50,"), "{text}");
    assert!(text.contains("午饭 AA"), "{text}");

    // Balances: what moved, and nothing twice.
    let alice_balance = minor(&alice.run(&["balance"], None).ok()["balance"]);
    assert_eq!(alice_balance, 100_000 - 10_000 + 3_050 - 1_234 - 66 + 500);
    let bob_balance = minor(&bob.run(&["balance"], None).ok()["balance"]);
    assert_eq!(bob_balance, 10_000 - 3_050 + 1_234 + 66 - 500);
    server.ledger_check();
}

#[test]
fn a_human_sees_the_masked_name_and_no_phone_number_in_the_log() {
    let server = Server::start();
    let (alice, _) = customer(&server, "100");
    let (_bob, bob_phone) = customer(&server, "0");
    // Piped stdin: no question, the PIN is the one line.
    let (code, stdout, stderr) = alice.run_human(
        &[
            "transfer",
            "--to",
            &bob_phone,
            "8.80",
            "--pin-stdin",
            "--note",
            "秘密",
        ],
        Some(PIN),
    );
    assert_eq!(code, 0, "{stdout} {stderr}");
    assert!(stdout.contains("*明"), "{stdout}");
    assert!(stdout.contains("¥8.80"), "{stdout}");
    // The CLI's trace log never holds the PIN, the phone number or the note.
    let run = alice.run_with_env(
        &[
            "transfer",
            "--to",
            &bob_phone,
            "1",
            "--pin-stdin",
            "--note",
            "秘密",
        ],
        Some(PIN),
        &[("WALLET_LOG", "trace")],
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert!(!run.stderr.contains(PIN), "PIN in the log");
    assert!(
        !run.stderr.contains(&bob_phone[3..]),
        "phone number in the log"
    );
    assert!(!run.stderr.contains("秘密"), "note in the log");
    server.ledger_check();
}
