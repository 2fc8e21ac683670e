//! Transfers between users through the real router (in-process): the recipient look-up (masked
//! names, unknown, self, rate limit), transfers both ways with the recipient's event, idempotent
//! and conflicting retries, limits, the balance, the PIN, frozen accounts, the cooling-off and
//! eight transfers at once. Each test ends by checking the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::Limits;

const PIN: &str = "280419";
const PIN_B: &str = "360517";
const PHONE_B: &str = "13900000002";

async fn lookup(app: &TestApp, d: &TestDevice, phone: &str) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::TRANSFER_RECIPIENT,
        Some(json!({ "phone": phone })),
        &[],
    )
    .await
}

async fn send(
    app: &TestApp,
    d: &TestDevice,
    to: &str,
    minor: i64,
    note: Option<&str>,
    pin: &str,
    key: &str,
) -> TestResponse {
    let mut body = json!({ "to_phone": to, "amount": cny(minor), "pin": pin });
    if let Some(note) = note {
        body["note"] = json!(note);
    }
    app.signed_json(
        d,
        Method::POST,
        paths::TRANSFERS,
        Some(body),
        &[("idempotency-key", &format!("idem-{key}"))],
    )
    .await
}

async fn balance(app: &TestApp, d: &TestDevice) -> i64 {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["balance"]["minor"].as_i64().unwrap()
}

async fn events(app: &TestApp, d: &TestDevice) -> Vec<Value> {
    let res = app
        .signed_json(d, Method::GET, paths::EVENTS, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["events"].as_array().unwrap().clone()
}

async fn operation(app: &TestApp, d: &TestDevice, id: &str) -> Value {
    let res = app
        .signed_json(d, Method::GET, &paths::operation(id), None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

/// Two users: 李明 on `PHONE` with ¥1,000.00 and 王小华 on `PHONE_B` with ¥500.00.
async fn two_users(app: &TestApp) -> (TestDevice, TestDevice) {
    let a = app.payer_named(PHONE, "李明", PIN, 100_000).await;
    let b = app.payer_named(PHONE_B, "王小华", PIN_B, 50_000).await;
    (a, b)
}

#[tokio::test]
async fn lookup_masks_the_name_and_refuses_unknown_and_self() {
    let app = TestApp::new();
    let (a, b) = two_users(&app).await;

    let res = lookup(&app, &a, PHONE_B).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(
        res.body,
        json!({ "name_masked": "**华", "phone_masked": "+86 139****0002" })
    );
    // Any way of writing the number finds the account.
    let res = lookup(&app, &b, "+86 138 1234 5678").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["name_masked"], "*明");
    assert_eq!(res.body["phone_masked"], "+86 138****5678");

    let res = lookup(&app, &a, "13700000000").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.code(), "RECIPIENT_NOT_FOUND");
    assert_eq!(lookup(&app, &a, PHONE).await.code(), "TRANSFER_TO_SELF");
    assert_eq!(lookup(&app, &a, "12345").await.code(), "PHONE_INVALID");
    app.assert_ledger().await;
}

#[tokio::test]
async fn lookups_are_rate_limited_per_device() {
    let app = TestApp::builder()
        .limits(Limits {
            recipient_lookups_per_hour: 3,
            ..Limits::default()
        })
        .build();
    let (a, b) = two_users(&app).await;
    // Distinct numbers count: asking again about one tells nothing new.
    for phone in [PHONE_B, "13700000000", PHONE_B, "13700000001"] {
        assert_ne!(
            lookup(&app, &a, phone).await.status,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    let res = lookup(&app, &a, "13700000002").await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert!(res.retry_after.is_some(), "{res:?}");
    assert_eq!(lookup(&app, &a, PHONE_B).await.status, StatusCode::OK);
    // Another device has its own count; the window slides.
    assert_eq!(lookup(&app, &b, PHONE).await.status, StatusCode::OK);
    app.advance(3600);
    assert_eq!(lookup(&app, &a, PHONE_B).await.status, StatusCode::OK);
}

#[tokio::test]
async fn transfers_both_ways_move_money_and_tell_the_recipient() {
    let app = TestApp::new();
    let (a, b) = two_users(&app).await;

    let res = send(&app, &a, PHONE_B, 30_000, Some(" 午饭 "), PIN, "a-to-b-001").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let out = res.body;
    assert_eq!(out["kind"], "transfer_out");
    assert_eq!(out["status"], "succeeded");
    assert_eq!(out["amount"], cny(30_000));
    assert_eq!(out["fee"], cny(0));
    assert_eq!(
        out["counterparty"],
        json!({ "name_masked": "**华", "phone_masked": "+86 139****0002" })
    );
    assert_eq!(out["note"], "午饭");
    assert!(out["seq"].as_i64().unwrap() > 0);
    assert_eq!(balance(&app, &a).await, 70_000);
    assert_eq!(balance(&app, &b).await, 80_000);

    // The recipient hears of it, and the event names its transfer_in operation.
    let evs = events(&app, &b).await;
    let received: Vec<_> = evs
        .iter()
        .filter(|e| e["kind"] == "transfer_received")
        .collect();
    assert_eq!(received.len(), 1, "{evs:?}");
    let in_id = received[0]["reference"].as_str().unwrap();
    let incoming = operation(&app, &b, in_id).await;
    assert_eq!(incoming["kind"], "transfer_in");
    assert_eq!(incoming["status"], "succeeded");
    assert_eq!(incoming["amount"], cny(30_000));
    assert_eq!(incoming["note"], "午饭");
    assert_eq!(
        incoming["counterparty"],
        json!({ "name_masked": "*明", "phone_masked": "+86 138****5678" })
    );
    // The sender hears nothing of its own transfer; nobody reads the other's operation.
    assert!(events(&app, &a)
        .await
        .iter()
        .all(|e| e["kind"] != "transfer_received"));
    let res = app
        .signed_json(&a, Method::GET, &paths::operation(in_id), None, &[])
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);

    // And back, without a note.
    let res = send(&app, &b, PHONE, 12_345, None, PIN_B, "b-to-a-001").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert!(res.body.get("note").is_none(), "{res:?}");
    assert_eq!(res.body["counterparty"]["name_masked"], "*明");
    assert_eq!(balance(&app, &a).await, 82_345);
    assert_eq!(balance(&app, &b).await, 67_655);
    // The balance lists show both sides.
    let res = app
        .signed_json(&a, Method::GET, paths::BALANCE, None, &[])
        .await;
    let kinds: Vec<_> = res.body["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.contains(&"transfer_out".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"transfer_in".to_owned()), "{kinds:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn retries_answer_the_first_transfer_and_a_changed_request_is_refused() {
    let app = TestApp::new();
    let (a, b) = two_users(&app).await;
    let first = send(&app, &a, PHONE_B, 10_000, Some("房租"), PIN, "rent-0001").await;
    assert_eq!(first.status, StatusCode::OK, "{first:?}");
    let again = send(&app, &a, PHONE_B, 10_000, Some("房租"), PIN, "rent-0001").await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(first.body, again.body);
    // The same number written another way is the same request; the PIN is not asked again.
    let again = send(
        &app,
        &a,
        "+8613900000002",
        10_000,
        Some("房租"),
        "000000",
        "rent-0001",
    )
    .await;
    assert_eq!(
        again.body["operation_id"], first.body["operation_id"],
        "{again:?}"
    );
    for (to, minor, note) in [
        (PHONE_B, 10_001, Some("房租")),
        (PHONE_B, 10_000, Some("房租!")),
        (PHONE_B, 10_000, None),
        ("13700000000", 10_000, Some("房租")),
    ] {
        assert_eq!(
            send(&app, &a, to, minor, note, PIN, "rent-0001")
                .await
                .code(),
            "IDEMPOTENCY_KEY_REUSED"
        );
    }
    let res = app
        .signed_json(
            &a,
            Method::POST,
            paths::TRANSFERS,
            Some(json!({ "to_phone": PHONE_B, "amount": cny(1), "pin": PIN })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "IDEMPOTENCY_KEY_MISSING");
    assert_eq!(balance(&app, &a).await, 90_000);
    assert_eq!(balance(&app, &b).await, 60_000);
    let received = events(&app, &b)
        .await
        .into_iter()
        .filter(|e| e["kind"] == "transfer_received")
        .count();
    assert_eq!(received, 1);
    app.assert_ledger().await;
}

#[tokio::test]
async fn amounts_notes_limits_and_the_balance_are_checked() {
    let app = TestApp::builder()
        .limits(Limits {
            transfer_limit_fen: 40_000,
            transfer_daily_limit_fen: 60_000,
            ..Limits::default()
        })
        .build();
    let (a, b) = two_users(&app).await;
    assert_eq!(
        send(&app, &a, PHONE_B, 0, None, PIN, "zero-0001")
            .await
            .code(),
        "AMOUNT_INVALID"
    );
    let res = app
        .signed_json(
            &a,
            Method::POST,
            paths::TRANSFERS,
            Some(json!({ "to_phone": PHONE_B, "amount": { "minor": 100, "currency": "USD" }, "pin": PIN })),
            &[("idempotency-key", "idem-usd-0001")],
        )
        .await;
    assert_eq!(res.code(), "AMOUNT_INVALID");
    assert_eq!(
        send(&app, &a, PHONE_B, 40_001, None, PIN, "big-0001")
            .await
            .code(),
        "AMOUNT_OVER_LIMIT"
    );
    let long = "好".repeat(51);
    assert_eq!(
        send(&app, &a, PHONE_B, 100, Some(&long), PIN, "note-0001")
            .await
            .code(),
        "MALFORMED_REQUEST"
    );
    assert_eq!(
        send(&app, &a, PHONE_B, 100, Some("a\u{7}b"), PIN, "note-0002")
            .await
            .code(),
        "MALFORMED_REQUEST"
    );
    assert_eq!(
        send(&app, &a, "12345", 100, None, PIN, "phone-0001")
            .await
            .code(),
        "PHONE_INVALID"
    );
    let fifty = "好".repeat(50);
    let res = send(&app, &a, PHONE_B, 40_000, Some(&fifty), PIN, "day-0001").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = send(&app, &a, PHONE_B, 20_001, None, PIN, "day-0002").await;
    assert_eq!(res.code(), "DAILY_LIMIT_REACHED");
    let res = send(&app, &a, PHONE_B, 20_000, None, PIN, "day-0003").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    // The next day (China time) the limit starts again; then the balance is what stops it.
    app.advance(86_400);
    let res = send(&app, &a, PHONE_B, 30_000, None, PIN, "day-0004").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = send(&app, &a, PHONE_B, 10_001, None, PIN, "day-0005").await;
    assert_eq!(res.code(), "BALANCE_INSUFFICIENT");
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    let res = send(&app, &a, PHONE_B, 10_000, None, PIN, "day-0006").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(balance(&app, &a).await, 0);
    assert_eq!(balance(&app, &b).await, 150_000);
    // Recipient checks come after the PIN.
    assert_eq!(
        send(&app, &a, "13700000000", 1, None, PIN, "who-0001")
            .await
            .code(),
        "RECIPIENT_NOT_FOUND"
    );
    assert_eq!(
        send(&app, &a, PHONE, 1, None, PIN, "self-0001")
            .await
            .code(),
        "TRANSFER_TO_SELF"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_wrong_pin_moves_nothing_and_five_lock_it() {
    let app = TestApp::new();
    let (a, b) = two_users(&app).await;
    let res = send(&app, &a, PHONE_B, 1_000, None, "111111", "pin-0001").await;
    assert_eq!(res.code(), "PIN_WRONG");
    // The PIN comes before the recipient: no account oracle without it.
    let res = send(&app, &a, "13700000000", 1_000, None, "111111", "pin-0002").await;
    assert_eq!(res.code(), "PIN_WRONG");
    for i in 3..=5 {
        let res = send(
            &app,
            &a,
            PHONE_B,
            1_000,
            None,
            "111111",
            &format!("pin-000{i}"),
        )
        .await;
        assert!(["PIN_WRONG", "PIN_LOCKED"].contains(&res.code()), "{res:?}");
    }
    let res = send(&app, &a, PHONE_B, 1_000, None, PIN, "pin-0006").await;
    assert_eq!(res.code(), "PIN_LOCKED");
    assert_eq!(balance(&app, &a).await, 100_000);
    assert_eq!(balance(&app, &b).await, 50_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn frozen_sender_and_frozen_recipient_are_refused() {
    let app = TestApp::new();
    let (a, b) = two_users(&app).await;
    // The recipient freezes from its own device (the device stays signed in).
    let res = app
        .signed_json(&b, Method::POST, paths::FREEZE, Some(json!({})), &[])
        .await;
    assert_eq!(res.body["state"], "frozen", "{res:?}");
    // The look-up still answers (it says nothing about the freeze) ...
    assert_eq!(lookup(&app, &a, PHONE_B).await.status, StatusCode::OK);
    // ... the transfer does not go through.
    let res = send(&app, &a, PHONE_B, 1_000, None, PIN, "to-frozen-1").await;
    assert_eq!(res.code(), "RECIPIENT_UNAVAILABLE");
    assert_eq!(res.status, StatusCode::CONFLICT);
    // A frozen sender moves nothing either.
    let res = send(&app, &b, PHONE, 1_000, None, PIN_B, "from-frozen-1").await;
    assert_eq!(res.code(), "ACCOUNT_FROZEN");
    assert_eq!(balance(&app, &a).await, 100_000);
    assert_eq!(balance(&app, &b).await, 50_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn the_cooling_off_caps_transfers() {
    let app = TestApp::new();
    let (a, b) = two_users(&app).await;
    // A new device signs in: the account cools off for 24 hours.
    let tablet = app.logged_in_device("tablet").await;
    let res = send(&app, &tablet, PHONE_B, 50_001, None, PIN, "cool-0001").await;
    assert_eq!(res.code(), "COOLING_OFF");
    assert!(res.retry_after.is_some(), "{res:?}");
    // The old device too: the cooling-off is the account's.
    assert_eq!(
        send(&app, &a, PHONE_B, 50_001, None, PIN, "cool-0002")
            .await
            .code(),
        "COOLING_OFF"
    );
    let res = send(&app, &tablet, PHONE_B, 50_000, None, PIN, "cool-0003").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.advance(86_400);
    let res = send(&app, &tablet, PHONE_B, 50_000, None, PIN, "cool-0004").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(balance(&app, &a).await, 0);
    assert_eq!(balance(&app, &b).await, 150_000);
    app.assert_ledger().await;
}

/// Issue 13: the cap is on the sum. A thief with the password and a swapped SIM cannot send
/// ¥500 again and again while the cooling-off runs.
#[tokio::test]
async fn the_cooling_off_caps_the_sum_of_transfers_not_each() {
    let app = TestApp::new();
    let (_a, b) = two_users(&app).await;
    let tablet = app.logged_in_device("tablet").await;
    let res = send(&app, &tablet, PHONE_B, 40_000, None, PIN, "sum-0001").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = send(&app, &tablet, PHONE_B, 40_000, None, PIN, "sum-0002").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    let detail = res.body["detail"].as_str().unwrap_or_default();
    assert!(detail.contains("¥100.00"), "what is left is said: {detail}");
    // What is left still goes; then nothing more until the cooling-off ends.
    let res = send(&app, &tablet, PHONE_B, 10_000, None, PIN, "sum-0003").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = send(&app, &tablet, PHONE_B, 1, None, PIN, "sum-0004").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    // Money coming in is not capped, and does not make room either.
    let res = send(&app, &b, PHONE, 10_000, None, PIN_B, "sum-0005").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = send(&app, &tablet, PHONE_B, 1, None, PIN, "sum-0006").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    app.advance(86_400);
    let res = send(&app, &tablet, PHONE_B, 40_000, None, PIN, "sum-0007").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn eight_concurrent_transfers_never_overdraw() {
    let app = Arc::new(TestApp::new());
    let a = app.payer_named(PHONE, "李明", PIN, 10_000).await;
    let _b = app.payer_named(PHONE_B, "王小华", PIN_B, 0).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (app, a) = (Arc::clone(&app), a.clone());
        tasks.push(tokio::spawn(async move {
            send(&app, &a, PHONE_B, 3_000, None, PIN, &format!("race-{i:04}")).await
        }));
    }
    let mut sent = 0;
    for t in tasks {
        let res = t.await.unwrap();
        if res.status == StatusCode::OK {
            sent += 1;
        } else {
            assert_eq!(res.code(), "BALANCE_INSUFFICIENT");
        }
    }
    assert_eq!(sent, 3);
    assert_eq!(balance(&app, &a).await, 1_000);
    app.assert_ledger().await;
}

/// Transfers both ways at once: on PostgreSQL each locks both accounts in one order, so none
/// waits on the other in turn; every one goes through and the sums hold.
#[tokio::test]
async fn transfers_both_ways_at_once() {
    let app = Arc::new(TestApp::new());
    let (a, b) = two_users(&app).await;
    let mut tasks = Vec::new();
    for i in 0..8 {
        let (app_ab, a) = (Arc::clone(&app), a.clone());
        tasks.push(tokio::spawn(async move {
            send(
                &app_ab,
                &a,
                PHONE_B,
                1_000,
                None,
                PIN,
                &format!("ab-{i:04}"),
            )
            .await
        }));
        let (app_ba, b) = (Arc::clone(&app), b.clone());
        tasks.push(tokio::spawn(async move {
            send(&app_ba, &b, PHONE, 300, None, PIN_B, &format!("ba-{i:04}")).await
        }));
    }
    for t in tasks {
        let res = t.await.unwrap();
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
    }
    assert_eq!(balance(&app, &a).await, 100_000 - 8 * 1_000 + 8 * 300);
    assert_eq!(balance(&app, &b).await, 50_000 + 8 * 1_000 - 8 * 300);
    app.assert_ledger().await;
}

/// Not a benchmark: how many transfers a second the in-process router makes, printed with
/// `--nocapture` (the PIN's Argon2 check dominates).
#[tokio::test]
async fn transfer_throughput_in_process() {
    let app = TestApp::new();
    let (a, _b) = two_users(&app).await;
    let n = 20;
    let start = std::time::Instant::now();
    for i in 0..n {
        let res = send(&app, &a, PHONE_B, 100, None, PIN, &format!("loop-{i:04}")).await;
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{n} transfers in {secs:.2} s: {:.1} transfers/s (debug build)",
        f64::from(n) / secs
    );
    assert_eq!(balance(&app, &a).await, 100_000 - 100 * i64::from(n));
    app.assert_ledger().await;
}
