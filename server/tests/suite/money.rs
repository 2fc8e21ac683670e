//! Cards, the payment PIN and money through the real router (in-process), with the sandbox bank.
//! Every test ends by checking the ledger's invariants (docs/rules.md §Ledger).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::{TestApp, TestDevice, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::ports::sandbox_bank::{test_cards, Outcome};

const PIN: &str = "280419";
const BANK_PHONE: &str = "13900001111";

fn card_number(outcome: Outcome, bank: &str, card_type: &str) -> String {
    test_cards()
        .into_iter()
        .find(|c| {
            c.outcome == outcome
                && c.bank.code() == bank
                && serde_json::to_value(c.card_type).unwrap() == card_type
        })
        .map(|c| c.number)
        .expect("test card")
}

async fn set_pin(app: &TestApp, d: &TestDevice, pin: &str) -> common::TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::PIN,
        Some(json!({ "pin": pin })),
        &[],
    )
    .await
}

/// Binds the test card with `outcome` (debit) through bank OTP; returns the card id. The clock
/// first moves past the 30 s between two codes to one phone (card-binding codes included).
async fn bind(app: &TestApp, d: &TestDevice, number: &str) -> String {
    app.advance(31);
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": number, "bank_phone": BANK_PHONE })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let binding = res.body["binding_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(BANK_PHONE).await;
    let res = app
        .signed_json(
            d,
            Method::POST,
            &paths::card_binding_verify(&binding),
            Some(json!({ "code": code })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["card_id"].as_str().unwrap().to_owned()
}

async fn ready(app: &TestApp) -> TestDevice {
    let d = app.signed_up_device().await;
    assert_eq!(set_pin(app, &d, PIN).await.status, StatusCode::NO_CONTENT);
    d
}

async fn topup(
    app: &TestApp,
    d: &TestDevice,
    minor: i64,
    card: Option<&str>,
    key: &str,
) -> common::TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::TOPUPS,
        Some(
            json!({ "amount": { "minor": minor, "currency": "CNY" }, "card_id": card, "pin": PIN }),
        ),
        &[("idempotency-key", key)],
    )
    .await
}

async fn withdraw(
    app: &TestApp,
    d: &TestDevice,
    minor: i64,
    pin: &str,
    key: &str,
) -> common::TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::WITHDRAWALS,
        Some(json!({ "amount": { "minor": minor, "currency": "CNY" }, "pin": pin })),
        &[("idempotency-key", key)],
    )
    .await
}

async fn balance(app: &TestApp, d: &TestDevice) -> Value {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

#[tokio::test]
async fn bind_top_up_withdraw_balance() {
    let app = TestApp::new();
    let d = app.signed_up_device().await;
    let approve = card_number(Outcome::Approve, "CMB", "debit");
    // The PIN comes first: it guards every card.
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": approve, "bank_phone": BANK_PHONE })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "PIN_NOT_SET");
    assert_eq!(set_pin(&app, &d, PIN).await.status, StatusCode::NO_CONTENT);
    assert_eq!(set_pin(&app, &d, "391827").await.code(), "PIN_ALREADY_SET");
    let card = bind(&app, &d, &approve).await;

    let list = app
        .signed_json(&d, Method::GET, paths::CARDS, None, &[])
        .await;
    let c = &list.body["cards"][0];
    assert_eq!(
        (
            c["bank"].as_str(),
            c["card_type"].as_str(),
            c["is_default"].as_bool()
        ),
        (Some("CMB"), Some("debit"), Some(true))
    );
    assert_eq!(c["last4"].as_str().unwrap(), &approve[approve.len() - 4..]);

    let res = topup(&app, &d, 10_000, None, "topup-key-0001").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    assert_eq!(res.body["card_id"], card.as_str());
    let res = withdraw(&app, &d, 3_000, PIN, "withdraw-key-0001").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    assert_eq!(res.body["fee"]["minor"], 10, "0.1% with a ¥0.10 floor");
    let b = balance(&app, &d).await;
    assert_eq!(b["balance"], json!({ "minor": 7_000, "currency": "CNY" }));
    assert_eq!(b["operations"].as_array().unwrap().len(), 2);
    assert_eq!(
        b["limits"]["withdraw_daily_remaining"]["minor"],
        5_000_000 - 3_000
    );
    app.assert_ledger().await;

    // Over the balance: refused, nothing moves.
    assert_eq!(
        withdraw(&app, &d, 7_001, PIN, "withdraw-key-0002")
            .await
            .code(),
        "BALANCE_INSUFFICIENT"
    );
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 7_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn every_sandbox_outcome() {
    let app = TestApp::new();
    let d = ready(&app).await;
    for (outcome, code) in [
        (Outcome::CardLost, "CARD_REPORTED_LOST"),
        (Outcome::HolderMismatch, "CARD_HOLDER_MISMATCH"),
    ] {
        // Asking the bank counts as a code to the reserved phone, refused or not.
        app.advance(31);
        let res = app
            .signed_json(&d, Method::POST, paths::CARDS, Some(json!({ "number": card_number(outcome, "ICBC", "debit"), "bank_phone": BANK_PHONE })), &[])
            .await;
        assert_eq!(res.code(), code, "{outcome:?}");
    }
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": "4111111111111112", "bank_phone": BANK_PHONE })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "CARD_NUMBER_INVALID");

    let decline = bind(&app, &d, &card_number(Outcome::Decline, "ICBC", "debit")).await;
    let poor = bind(
        &app,
        &d,
        &card_number(Outcome::InsufficientFunds, "ICBC", "debit"),
    )
    .await;
    let slow = bind(&app, &d, &card_number(Outcome::Timeout, "ICBC", "debit")).await;

    let res = topup(&app, &d, 5_000, Some(&decline), "k-decline-1").await;
    assert_eq!(
        (
            res.body["status"].as_str(),
            res.body["failure_code"].as_str()
        ),
        (Some("failed"), Some("CARD_DECLINED"))
    );
    let res = topup(&app, &d, 5_000, Some(&poor), "k-poor-0001").await;
    assert_eq!(res.body["failure_code"], "BANK_INSUFFICIENT_FUNDS");
    let res = topup(&app, &d, 5_000, Some(&slow), "k-slow-0001").await;
    assert_eq!(res.body["status"], "pending", "{res:?}");
    app.assert_ledger().await;
    // The next look settles it with the bank: approved exactly once.
    let b = balance(&app, &d).await;
    assert_eq!(b["balance"]["minor"], 5_000);
    let settled = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation_id"] == res.body["operation_id"])
        .unwrap();
    assert_eq!(settled["status"], "succeeded");
    let again = topup(&app, &d, 5_000, Some(&slow), "k-slow-0001").await;
    assert_eq!(again.body["status"], "succeeded");
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 5_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn idempotency_keys_move_money_once() {
    let app = Arc::new(TestApp::new());
    let d = ready(&app).await;
    bind(&app, &d, &card_number(Outcome::Approve, "BOC", "debit")).await;
    let first = topup(&app, &d, 10_000, None, "same-key-0001").await;
    let second = topup(&app, &d, 10_000, None, "same-key-0001").await;
    assert_eq!(first.body["operation_id"], second.body["operation_id"]);
    assert_eq!(
        topup(&app, &d, 20_000, None, "same-key-0001").await.code(),
        "IDEMPOTENCY_KEY_REUSED"
    );
    assert_eq!(
        topup(&app, &d, 10_000, None, "short").await.code(),
        "IDEMPOTENCY_KEY_MISSING"
    );

    // Eight copies of one request at once.
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (app, d) = (Arc::clone(&app), d.clone());
        set.spawn(async move {
            topup(&app, &d, 10_000, None, "parallel-key-1").await.body["operation_id"].clone()
        });
    }
    let mut ids = Vec::new();
    while let Some(id) = set.join_next().await {
        ids.push(id.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 20_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn parallel_withdrawals_never_overdraw() {
    let app = Arc::new(TestApp::new());
    let d = ready(&app).await;
    bind(&app, &d, &card_number(Outcome::Approve, "ABC", "debit")).await;
    assert_eq!(
        topup(&app, &d, 10_000, None, "fund-the-wallet").await.body["status"],
        "succeeded"
    );
    let mut set = tokio::task::JoinSet::new();
    for i in 0..16 {
        let (app, d) = (Arc::clone(&app), d.clone());
        set.spawn(
            async move { withdraw(&app, &d, 1_500, PIN, &format!("parallel-w-{i:04}")).await },
        );
    }
    let mut ok = 0;
    while let Some(res) = set.join_next().await {
        let res = res.unwrap();
        match res.body["status"].as_str() {
            Some("succeeded") => ok += 1,
            _ => assert_eq!(res.code(), "BALANCE_INSUFFICIENT", "{res:?}"),
        }
    }
    assert_eq!(ok, 6, "¥100 covers six withdrawals of ¥15");
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 1_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn weak_pins_wrong_pins_lockout_and_reset() {
    let app = TestApp::new();
    let d = app.signed_up_device().await;
    for weak in [
        "111111", "123456", "987654", "491231", "123123", "381234", "010519",
    ] {
        let res = set_pin(&app, &d, weak).await;
        assert_eq!(res.code(), "PIN_WEAK", "{weak}: {res:?}");
        assert!(!res.body["detail"].as_str().unwrap_or("").contains(weak));
    }
    assert_eq!(
        set_pin(&app, &d, "12345").await.code(),
        "PIN_FORMAT_INVALID"
    );
    assert_eq!(set_pin(&app, &d, PIN).await.status, StatusCode::NO_CONTENT);
    let change = |old: &str, new: &str| json!({ "old_pin": old, "new_pin": new });
    for left in (1..=4).rev() {
        let res = app
            .signed_json(
                &d,
                Method::POST,
                paths::PIN_CHANGE,
                Some(change("000001", "391827")),
                &[],
            )
            .await;
        assert_eq!(res.code(), "PIN_WRONG");
        assert_eq!(res.body["detail"], format!("{left} tries left."));
    }
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::PIN_CHANGE,
            Some(change("000001", "391827")),
            &[],
        )
        .await;
    assert_eq!(res.code(), "PIN_LOCKED");
    assert_eq!(res.retry_after.as_deref(), Some("10800"));
    // Even the right PIN is refused while locked.
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::PIN_CHANGE,
            Some(change(PIN, "391827")),
            &[],
        )
        .await;
    assert_eq!(res.code(), "PIN_LOCKED");
    let status = app
        .signed_json(&d, Method::GET, paths::PIN, None, &[])
        .await;
    assert!(status.body["locked_until"].is_string());

    // Reset: password, then the OTP and a new PIN. While a code to the phone is less than 30 s
    // old, right and wrong passwords alike answer RATE_LIMITED: wait that out first.
    app.advance(31);
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::PIN_RESET,
            Some(json!({ "password": "wrong-password-x" })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "CREDENTIALS_INVALID");
    app.advance(31);
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::PIN_RESET,
            Some(json!({ "password": common::PASSWORD })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    assert_eq!(res.body["purpose"], "pin_reset");
    let challenge = res.body["challenge_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(PHONE).await;
    // The reset code cannot enrol a device.
    assert_eq!(
        app.verify(&challenge, &code, &TestDevice::new())
            .await
            .code(),
        "CHALLENGE_NOT_FOUND"
    );
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::pin_reset_verify(&challenge),
            Some(json!({ "code": code, "new_pin": "391827" })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::PIN_CHANGE,
            Some(change("391827", "502816")),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
}

/// `POST /v1/pin/verify` (the desktop app lock): right answers 204 and changes nothing; wrong
/// tries share the PIN's 5-try lock; no PIN answers PIN_NOT_SET.
#[tokio::test]
async fn verify_pin_checks_and_counts_toward_the_lock() {
    let app = TestApp::new();
    let d = app.signed_up_device().await;
    let verify = |pin: &'static str| {
        app.signed_json(
            &d,
            Method::POST,
            paths::PIN_VERIFY,
            Some(json!({ "pin": pin })),
            &[],
        )
    };
    assert_eq!(verify(PIN).await.code(), "PIN_NOT_SET");
    assert_eq!(set_pin(&app, &d, PIN).await.status, StatusCode::NO_CONTENT);
    assert_eq!(verify(PIN).await.status, StatusCode::NO_CONTENT);
    assert_eq!(verify("12345").await.code(), "PIN_FORMAT_INVALID");
    for left in (1..=4).rev() {
        let res = verify("000001").await;
        assert_eq!(res.code(), "PIN_WRONG");
        assert_eq!(res.body["detail"], format!("{left} tries left."));
    }
    let res = verify("000001").await;
    assert_eq!(res.code(), "PIN_LOCKED");
    // Locked: the right PIN is refused too, here and for payments.
    assert_eq!(verify(PIN).await.code(), "PIN_LOCKED");
    app.advance(3 * 3600 + 1);
    assert_eq!(verify(PIN).await.status, StatusCode::NO_CONTENT);
    // A right answer changed nothing: the PIN is still set and still the same.
    let status = app
        .signed_json(&d, Method::GET, paths::PIN, None, &[])
        .await;
    assert_eq!(status.body["set"], true);
    assert!(status.body["locked_until"].is_null());
}

#[tokio::test]
async fn cards_default_unbind_report_lost_and_limits() {
    let app = TestApp::new();
    let d = ready(&app).await;
    let debit = bind(&app, &d, &card_number(Outcome::Approve, "CCB", "debit")).await;
    let credit = bind(&app, &d, &card_number(Outcome::Approve, "CCB", "credit")).await;
    app.advance(31);
    let again = app
        .signed_json(&d, Method::POST, paths::CARDS, Some(json!({ "number": card_number(Outcome::Approve, "CCB", "debit"), "bank_phone": BANK_PHONE })), &[])
        .await;
    let binding = again.body["binding_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(BANK_PHONE).await;
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::card_binding_verify(&binding),
            Some(json!({ "code": code })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "CARD_ALREADY_BOUND");

    let res = app
        .signed_json(&d, Method::POST, &paths::card_default(&credit), None, &[])
        .await;
    assert_eq!(res.body["is_default"], true);
    assert_eq!(
        topup(&app, &d, 1_000, None, "to-default-1").await.body["card_id"],
        credit.as_str()
    );
    // Withdrawals only go to debit cards.
    let res = app
        .signed_json(&d, Method::POST, paths::WITHDRAWALS, Some(json!({ "amount": { "minor": 100, "currency": "CNY" }, "card_id": credit, "pin": PIN })), &[("idempotency-key", "to-credit-01")])
        .await;
    assert_eq!(res.code(), "CARD_NOT_DEBIT");
    // Limits.
    assert_eq!(
        topup(&app, &d, 5_000_001, None, "over-limit-1")
            .await
            .code(),
        "AMOUNT_OVER_LIMIT"
    );
    assert_eq!(
        topup(&app, &d, 0, None, "zero-amount-1").await.code(),
        "AMOUNT_INVALID"
    );
    assert_eq!(
        topup(&app, &d, 5_000_000, None, "big-one-0001").await.body["status"],
        "succeeded"
    );
    assert_eq!(
        topup(&app, &d, 5_000_000, None, "big-two-0002")
            .await
            .code(),
        "DAILY_LIMIT_REACHED"
    );
    app.advance(86_400);
    assert_eq!(
        topup(&app, &d, 5_000_000, None, "next-day-001").await.body["status"],
        "succeeded"
    );

    // Report lost: suspended at once.
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::card_report_lost(&debit),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["status"], "suspended");
    assert_eq!(
        topup(&app, &d, 100, Some(&debit), "lost-card-01")
            .await
            .code(),
        "CARD_SUSPENDED"
    );
    // Unbind needs the PIN.
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::card_unbind(&debit),
            Some(json!({ "pin": "000001" })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "PIN_WRONG");
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::card_unbind(&debit),
            Some(json!({ "pin": PIN })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let list = app
        .signed_json(&d, Method::GET, paths::CARDS, None, &[])
        .await;
    assert_eq!(list.body["cards"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.signed_json(&d, Method::POST, &paths::card_default("../x"), None, &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn the_card_number_is_stored_nowhere() {
    let app = TestApp::new();
    let d = ready(&app).await;
    let number = card_number(Outcome::Approve, "SPDB", "debit");
    bind(&app, &d, &number).await;
    topup(&app, &d, 100, None, "pan-check-01").await;
    if app.store.engine() != "sqlite" {
        // A file-level check: the SQLite run covers the store code both engines share.
        return;
    }
    drop(app.store.clone());
    let mut bytes = std::fs::read(&app.db_path).unwrap();
    if let Ok(wal) = std::fs::read(app.db_path.with_extension("db-wal")) {
        bytes.extend(wal);
    }
    let hay = String::from_utf8_lossy(&bytes);
    assert!(
        !hay.contains(&number),
        "the full card number is in the server database"
    );
    assert!(
        hay.contains(&number[number.len() - 4..]),
        "the check would see text: last 4 are stored"
    );
}
