//! The incremental history feed (`GET /v1/history`) through the real router: every kind of
//! operation appears, by `seq` strictly increasing; a changed operation comes again with a
//! higher `seq`; paging; a client that was offline catches up without duplicates; both sides of
//! transfers agree with the server's books. Each test ends by checking the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::HashSet;

use axum::http::{Method, StatusCode};
use common::{cny, HistoryClient, TestApp, TestDevice, TestResponse, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::ports::sandbox_bank::{test_cards, Outcome};

const PIN: &str = "280419";
const PIN_B: &str = "360517";
const PHONE_B: &str = "13900000002";

async fn history(app: &TestApp, d: &TestDevice, after: i64, limit: Option<u32>) -> TestResponse {
    app.history(d, after, limit).await
}

async fn balance(app: &TestApp, d: &TestDevice) -> i64 {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["balance"]["minor"].as_i64().unwrap()
}

async fn transfer(app: &TestApp, d: &TestDevice, to: &str, minor: i64, pin: &str, key: &str) {
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::TRANSFERS,
            Some(json!({ "to_phone": to, "amount": cny(minor), "pin": pin, "note": "还你" })),
            &[("idempotency-key", &format!("idem-{key}"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

async fn withdraw(
    app: &TestApp,
    d: &TestDevice,
    minor: i64,
    card: Option<&str>,
    key: &str,
) -> Value {
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::WITHDRAWALS,
            Some(json!({ "amount": cny(minor), "card_id": card, "pin": PIN })),
            &[("idempotency-key", &format!("idem-{key}"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

/// Binds the sandbox debit card whose bank answers late (the answer is lost, the transfer made).
async fn bind_slow_card(app: &TestApp, d: &TestDevice) -> String {
    let number = test_cards()
        .into_iter()
        .find(|c| c.outcome == Outcome::Timeout && c.card_type.label_en() == "Debit")
        .unwrap()
        .number;
    let bank_phone = "13911112222";
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": number, "bank_phone": bank_phone })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let binding = res.body["binding_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(bank_phone).await;
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

/// A merchant; pays its static code for `minor` and refunds `refund` of it. Answers the
/// payment's operation id.
async fn pay_and_refund(app: &TestApp, d: &TestDevice, minor: i64, refund: i64) -> String {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": "Lucky Noodles", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let merchant = res.body["merchant"]["merchant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = res.body["api_key"].as_str().unwrap().to_owned();
    let payload = res.body["payload"].as_str().unwrap().to_owned();
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::QR_PAYMENTS,
            Some(json!({ "payload": payload, "amount": cny(minor), "pin": PIN })),
            &[("idempotency-key", "idem-noodles-1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let payment = res.body["operation_id"].as_str().unwrap().to_owned();
    let order = res.body["order_id"].as_str().unwrap().to_owned();
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_order_refund(&merchant, &order),
            Some(&key),
            Some(json!({ "amount": cny(refund) })),
            &[("idempotency-key", "idem-refund-1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    payment
}

#[tokio::test]
async fn every_kind_appears_in_seq_order_and_adds_up_to_the_balance() {
    let app = TestApp::new();
    let a = app.payer_named(PHONE, "李明", PIN, 100_000).await;
    let b = app.payer_named(PHONE_B, "王小华", PIN_B, 50_000).await;
    let payment = pay_and_refund(&app, &a, 2_500, 1_000).await;
    withdraw(&app, &a, 10_000, None, "wd-0001").await;
    transfer(&app, &a, PHONE_B, 20_000, PIN, "a-b-0001").await;
    transfer(&app, &b, PHONE, 5_000, PIN_B, "b-a-0001").await;

    let mut client = HistoryClient::default();
    assert_eq!(client.sync(&app, &a, None).await, 6);
    let kinds: HashSet<_> = client
        .ops
        .values()
        .map(|o| o["kind"].as_str().unwrap().to_owned())
        .collect();
    let all: HashSet<_> = [
        "topup",
        "payment",
        "refund",
        "withdrawal",
        "transfer_out",
        "transfer_in",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(kinds, all);
    assert_eq!(client.balance(), balance(&app, &a).await);
    assert_eq!(
        client.balance(),
        100_000 - 2_500 + 1_000 - 10_000 - 20_000 + 5_000
    );
    // Each entry is the operation as the server shows it anywhere else.
    for (id, op) in &client.ops {
        let res = app
            .signed_json(&a, Method::GET, &paths::operation(id), None, &[])
            .await;
        assert_eq!(&res.body, op, "{id}");
    }
    let pay = &client.ops[&payment];
    assert_eq!(pay["merchant"]["name"], "Lucky Noodles");
    let out = client
        .ops
        .values()
        .find(|o| o["kind"] == "transfer_out")
        .unwrap();
    assert_eq!(out["counterparty"]["name_masked"], "**华");
    assert_eq!(out["note"], "还你");
    let wd = client
        .ops
        .values()
        .find(|o| o["kind"] == "withdrawal")
        .unwrap();
    assert!(wd["card_last4"].is_string(), "{wd}");

    // Nothing new: the same cursor, nothing more.
    let res = history(&app, &a, client.cursor, None).await;
    assert_eq!(
        res.body,
        json!({ "operations": [], "cursor": client.cursor, "more": false })
    );
    // The other user sees only its own operations.
    let mut other = HistoryClient::default();
    other.sync(&app, &b, None).await;
    assert_eq!(other.ops.len(), 3);
    assert!(other.ops.keys().all(|id| !client.ops.contains_key(id)));
    assert_eq!(other.balance(), balance(&app, &b).await);
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_settled_withdrawal_comes_again_with_a_higher_seq() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 100_000).await;
    let slow = bind_slow_card(&app, &a).await;
    let pending = withdraw(&app, &a, 30_000, Some(&slow), "slow-0001").await;
    assert_eq!(pending["status"], "pending");
    let first_seq = pending["seq"].as_i64().unwrap();

    let mut client = HistoryClient::default();
    client.sync(&app, &a, None).await;
    let id = pending["operation_id"].as_str().unwrap();
    assert_eq!(client.ops[id]["status"], "pending");
    assert_eq!(client.ops[id]["seq"], first_seq);
    // The history is a pure read: asking again changes nothing.
    assert_eq!(client.sync(&app, &a, None).await, 0);

    // The reconciler settles it (a balance look runs the same code).
    assert_eq!(balance(&app, &a).await, 70_000);
    assert_eq!(client.sync(&app, &a, None).await, 1);
    let settled = &client.ops[id];
    assert_eq!(settled["status"], "succeeded");
    assert!(settled["seq"].as_i64().unwrap() > first_seq);
    // A client that syncs from scratch ends with the same view, each operation once.
    let mut fresh = HistoryClient::default();
    assert_eq!(fresh.sync(&app, &a, None).await, 2);
    assert_eq!(fresh.ops, client.ops);
    assert_eq!(client.balance(), 70_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn pages_and_an_offline_client_catch_up_without_duplicates() {
    let app = TestApp::new();
    let a = app.payer_named(PHONE, "李明", PIN, 100_000).await;
    let b = app.payer_named(PHONE_B, "王小华", PIN_B, 100_000).await;
    let (mut ca, mut cb) = (HistoryClient::default(), HistoryClient::default());
    for i in 0..4 {
        transfer(&app, &a, PHONE_B, 1_000 + i, PIN, &format!("a-b-{i:04}")).await;
        transfer(&app, &b, PHONE, 2_000 + i, PIN_B, &format!("b-a-{i:04}")).await;
    }
    // Pages of 3: 9 entries (top-up + 8 transfers) in 3 pages.
    assert_eq!(ca.sync(&app, &a, Some(3)).await, 9);
    let res = history(&app, &a, 0, Some(3)).await;
    assert_eq!(res.body["operations"].as_array().unwrap().len(), 3);
    assert_eq!(res.body["more"], true);
    assert_eq!(
        res.body["cursor"], res.body["operations"][2]["seq"],
        "{res:?}"
    );
    cb.sync(&app, &b, None).await;

    // B goes offline; both keep sending.
    for i in 4..7 {
        transfer(&app, &a, PHONE_B, 1_000 + i, PIN, &format!("a-b-{i:04}")).await;
        transfer(&app, &b, PHONE, 2_000 + i, PIN_B, &format!("b-a-{i:04}")).await;
    }
    assert_eq!(cb.sync(&app, &b, Some(2)).await, 6);
    assert_eq!(ca.sync(&app, &a, None).await, 6);
    assert_eq!(cb.ops.len(), 15);
    assert_eq!(ca.ops.len(), 15);

    // Both sides agree transfer by transfer: each of A's transfer_out is one transfer_in of
    // B's with the same amount and note, and the other way round.
    let sides = |c: &HistoryClient, kind: &str| -> Vec<(i64, String)> {
        let mut v: Vec<_> = c
            .ops
            .values()
            .filter(|o| o["kind"] == kind)
            .map(|o| {
                (
                    o["amount"]["minor"].as_i64().unwrap(),
                    o["note"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(sides(&ca, "transfer_out"), sides(&cb, "transfer_in"));
    assert_eq!(sides(&cb, "transfer_out"), sides(&ca, "transfer_in"));
    assert_eq!(sides(&ca, "transfer_out").len(), 7);
    assert_eq!(ca.balance(), balance(&app, &a).await);
    assert_eq!(cb.balance(), balance(&app, &b).await);
    assert_eq!(ca.balance() + cb.balance(), 200_000);

    // The server's books say the same: each wallet moved by exactly these transfers.
    let ledger_moves: i64 = app
        .store
        .run_raw(|db| {
            db.query_row(
                "SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'transfer'",
                [],
                |r| r.get(0),
            )
        })
        .await
        .unwrap();
    assert_eq!(ledger_moves, 14);

    // Bad cursors and page sizes.
    assert_eq!(
        history(&app, &a, -1, None).await.code(),
        "MALFORMED_REQUEST"
    );
    let res = history(&app, &a, 0, Some(0)).await;
    assert_eq!(res.body["operations"].as_array().unwrap().len(), 1);
    let res = app
        .signed_json(
            &a,
            Method::GET,
            &format!("{}?after=x", paths::HISTORY),
            None,
            &[],
        )
        .await;
    assert_eq!(res.code(), "MALFORMED_REQUEST");
    let res = history(&app, &a, 0, Some(10_000)).await;
    assert_eq!(res.body["operations"].as_array().unwrap().len(), 15);
    app.assert_ledger().await;
}
