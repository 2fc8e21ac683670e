//! Funding sources through the real router (in-process): card payments with each sandbox bank
//! outcome, phone-bill payments up to and over the monthly cap, refunds back to each source,
//! the default order and the choice on confirmation, and the same rules for every source
//! (docs/rules.md §Funding sources). The ledger is checked after every step.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::ports::sandbox_bank::{test_cards, Outcome};

const PIN: &str = "280419";

struct Merchant {
    id: String,
    key: String,
}

async fn merchant(app: &TestApp) -> Merchant {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": "Lucky Noodles", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    Merchant {
        id: res.body["merchant"]["merchant_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        key: res.body["api_key"].as_str().unwrap().to_owned(),
    }
}

/// A remote order of `minor` fen to `phone`'s account; answers its id.
async fn order(app: &TestApp, m: &Merchant, phone: &str, minor: i64) -> String {
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_orders(&m.id),
            Some(&m.key),
            Some(json!({ "amount": cny(minor), "phone": phone })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    res.body["order_id"].as_str().unwrap().to_owned()
}

/// A dynamic code of `minor` fen; answers its payload.
async fn dynamic_code(app: &TestApp, m: &Merchant, minor: i64) -> String {
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_orders(&m.id),
            Some(&m.key),
            Some(json!({ "amount": cny(minor) })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    res.body["payload"].as_str().unwrap().to_owned()
}

async fn confirm(
    app: &TestApp,
    d: &TestDevice,
    order_id: &str,
    source: Option<&str>,
    pin: &str,
    key: &str,
) -> TestResponse {
    let mut body = json!({ "pin": pin });
    if let Some(s) = source {
        body["source"] = json!(s);
    }
    app.signed_json(
        d,
        Method::POST,
        &paths::order_confirm(order_id),
        Some(body),
        &[("idempotency-key", &format!("idem-key-{key}"))],
    )
    .await
}

async fn pay_code(
    app: &TestApp,
    d: &TestDevice,
    payload: &str,
    source: &str,
    key: &str,
) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::QR_PAYMENTS,
        Some(json!({ "payload": payload, "pin": PIN, "source": source })),
        &[("idempotency-key", &format!("idem-key-{key}"))],
    )
    .await
}

async fn refund(app: &TestApp, m: &Merchant, order_id: &str, minor: i64, key: &str) -> Value {
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_order_refund(&m.id, order_id),
            Some(&m.key),
            Some(json!({ "amount": cny(minor) })),
            &[("idempotency-key", &format!("idem-key-{key}"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

async fn sources(app: &TestApp, d: &TestDevice) -> Value {
    let res = app
        .signed_json(d, Method::GET, paths::SOURCES, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

async fn set_order(app: &TestApp, d: &TestDevice, order: &[&str]) -> TestResponse {
    app.signed_json(
        d,
        Method::PUT,
        paths::SOURCES,
        Some(json!({ "order": order })),
        &[],
    )
    .await
}

/// `GET /v1/balance` (which also settles this account's pending operations).
async fn balance(app: &TestApp, d: &TestDevice) -> Value {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

/// The balance of one ledger account (0 before it exists).
async fn ledger(app: &TestApp, account: &str) -> i64 {
    let a = account.to_owned();
    app.store
        .run_raw(move |db| {
            db.query_row(
                "SELECT COALESCE((SELECT balance FROM ledger_accounts WHERE id = ?1), 0)",
                [&a],
                |r| r.get(0),
            )
        })
        .await
        .unwrap()
}

/// Bank transfers the sandbox bank made of one direction.
async fn bank_transfers(app: &TestApp, direction: &str) -> i64 {
    let d = direction.to_owned();
    app.store
        .run_raw(move |db| {
            db.query_row(
                "SELECT COUNT(*) FROM sandbox_bank_transfers WHERE direction = ?1",
                [&d],
                |r| r.get(0),
            )
        })
        .await
        .unwrap()
}

fn debit_card(outcome: Outcome) -> String {
    test_cards()
        .into_iter()
        .find(|c| {
            c.outcome == outcome && c.bank.code() == "CMB" && c.card_type.label_en() == "Debit"
        })
        .unwrap()
        .number
}

/// Binds the test card with `outcome` to `d` (bank phone `bank_phone`); answers the card id.
async fn bind(app: &TestApp, d: &TestDevice, outcome: Outcome, bank_phone: &str) -> String {
    app.advance(31);
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": debit_card(outcome), "bank_phone": bank_phone })),
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

/// The payer's first card (the approving debit card `TestApp::payer` binds).
async fn first_card(app: &TestApp, d: &TestDevice) -> String {
    let s = sources(app, d).await;
    s["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "card")
        .unwrap()["source"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn status(res: &TestResponse) -> (&str, Option<&str>) {
    (
        res.body["status"].as_str().unwrap_or("?"),
        res.body["failure_code"].as_str(),
    )
}

#[tokio::test]
async fn card_payments_with_each_sandbox_bank_outcome() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 0).await;
    let m = merchant(&app).await;
    let bank_phone = "13912345678";
    let approve = first_card(&app, &d).await;
    let decline = format!(
        "card:{}",
        bind(&app, &d, Outcome::Decline, bank_phone).await
    );
    let poor = format!(
        "card:{}",
        bind(&app, &d, Outcome::InsufficientFunds, bank_phone).await
    );
    let slow = format!(
        "card:{}",
        bind(&app, &d, Outcome::Timeout, bank_phone).await
    );

    // Approved: the merchant is paid from the bank's settlement account; the wallet is untouched.
    let payload = dynamic_code(&app, &m, 1_250).await;
    let res = pay_code(&app, &d, &payload, &approve, "card-ok").await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    assert_eq!(res.body["source"], approve.as_str());
    assert_eq!(res.body["card_id"], &approve[5..]);
    assert_eq!(res.body["card_last4"].as_str().unwrap().len(), 4);
    assert_eq!(ledger(&app, &format!("merchant:{}", m.id)).await, 1_250);
    assert_eq!(ledger(&app, "bank:sandbox").await, -1_250);
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 0);
    app.assert_ledger().await;
    // A retry answers the same payment; the bank is not asked twice.
    let debits = bank_transfers(&app, "debit").await;
    let again = pay_code(&app, &d, &payload, &approve, "card-ok").await;
    assert_eq!(again.body["operation_id"], res.body["operation_id"]);
    assert_eq!(bank_transfers(&app, "debit").await, debits);

    // Declined and insufficient funds: failed with the bank's code, the order still open.
    let order_id = order(&app, &m, PHONE, 800).await;
    let res = confirm(&app, &d, &order_id, Some(&decline), PIN, "card-declined").await;
    assert_eq!(status(&res), ("failed", Some("CARD_DECLINED")), "{res:?}");
    app.assert_ledger().await;
    let res = confirm(&app, &d, &order_id, Some(&poor), PIN, "card-poor").await;
    assert_eq!(
        status(&res),
        ("failed", Some("BANK_INSUFFICIENT_FUNDS")),
        "{res:?}"
    );
    app.assert_ledger().await;
    assert_eq!(ledger(&app, &format!("merchant:{}", m.id)).await, 1_250);

    // Timeout: pending, the order held (no second payment, no decline), settled once.
    let res = confirm(&app, &d, &order_id, Some(&slow), PIN, "card-slow").await;
    assert_eq!(status(&res), ("pending", None), "{res:?}");
    let pending_id = res.body["operation_id"].clone();
    app.assert_ledger().await;
    let res = confirm(&app, &d, &order_id, Some(&approve), PIN, "card-twice").await;
    assert_eq!(res.code(), "PAYMENT_PENDING", "{res:?}");
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::order_decline(&order_id),
            None,
            &[],
        )
        .await;
    assert_eq!(res.code(), "ORDER_ALREADY_PAID", "{res:?}");
    // The order does not expire under a payment in flight.
    app.advance(3_600);
    app.assert_ledger().await;
    let b = balance(&app, &d).await;
    let settled = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation_id"] == pending_id)
        .unwrap()
        .clone();
    assert_eq!(settled["status"], "succeeded", "{settled}");
    assert_eq!(ledger(&app, &format!("merchant:{}", m.id)).await, 2_050);
    app.assert_ledger().await;
    // Settled once: another look and a retry move nothing.
    balance(&app, &d).await;
    let res = confirm(&app, &d, &order_id, Some(&slow), PIN, "card-slow").await;
    assert_eq!(status(&res), ("succeeded", None));
    assert_eq!(ledger(&app, &format!("merchant:{}", m.id)).await, 2_050);
    assert_eq!(ledger(&app, "bank:sandbox").await, -2_050);
    app.assert_ledger().await;

    // A card reported lost, or one of another account, cannot pay.
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::card_report_lost(&poor[5..]),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let payload = dynamic_code(&app, &m, 100).await;
    assert_eq!(
        pay_code(&app, &d, &payload, &poor, "lost-card")
            .await
            .code(),
        "CARD_SUSPENDED"
    );
    assert_eq!(
        pay_code(&app, &d, &payload, "card:card_nope", "no-card")
            .await
            .code(),
        "CARD_NOT_FOUND"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn phone_bill_payments_up_to_and_over_the_monthly_cap() {
    let app = TestApp::new();
    let m = merchant(&app).await;
    // The sandbox carrier's low-cap test number: ¥50 a month.
    let low = "13600000004";
    let d = app.payer(low, PIN, 0).await;
    let s = sources(&app, &d).await;
    let carrier = s["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "carrier")
        .unwrap()
        .clone();
    assert_eq!(carrier["monthly_remaining"]["minor"], 5_000);
    assert_eq!(carrier["phone_masked"], "+86 136****0004");

    let res = confirm(
        &app,
        &d,
        &order(&app, &m, low, 3_000).await,
        Some("carrier"),
        PIN,
        "c1",
    )
    .await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    assert_eq!(res.body["source"], "carrier");
    app.assert_ledger().await;
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, low, 2_000).await,
        Some("carrier"),
        PIN,
        "c2",
    )
    .await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    app.assert_ledger().await;
    // Up to the cap exactly; one fen more is refused by the carrier, and nothing moves.
    let over = order(&app, &m, low, 1).await;
    let res = confirm(&app, &d, &over, Some("carrier"), PIN, "c3").await;
    assert_eq!(
        status(&res),
        ("failed", Some("CARRIER_CAP_REACHED")),
        "{res:?}"
    );
    assert_eq!(ledger(&app, "carrier:sandbox").await, -5_000);
    assert_eq!(ledger(&app, &format!("merchant:{}", m.id)).await, 5_000);
    let s = sources(&app, &d).await;
    assert_eq!(
        s["sources"].as_array().unwrap().last().unwrap()["monthly_remaining"]["minor"],
        0
    );
    app.assert_ledger().await;
    // The refused order is still open for another try; a new month (China Standard Time)
    // starts a new cap.
    let card = first_card(&app, &d).await;
    let res = confirm(&app, &d, &over, Some(&card), PIN, "c3-card").await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    app.advance(31 * 86_400);
    let next = order(&app, &m, low, 5_000).await;
    let res = confirm(&app, &d, &next, Some("carrier"), PIN, "c4").await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    app.assert_ledger().await;

    // The barred test number is declined; the timeout number stays pending and settles once.
    let barred = app.payer("13600000002", PIN, 0).await;
    let res = confirm(
        &app,
        &barred,
        &order(&app, &m, "13600000002", 100).await,
        Some("carrier"),
        PIN,
        "barred",
    )
    .await;
    assert_eq!(
        status(&res),
        ("failed", Some("CARRIER_DECLINED")),
        "{res:?}"
    );
    let slow = app.payer("13600000003", PIN, 0).await;
    let res = confirm(
        &app,
        &slow,
        &order(&app, &m, "13600000003", 700).await,
        Some("carrier"),
        PIN,
        "slow",
    )
    .await;
    assert_eq!(status(&res), ("pending", None), "{res:?}");
    app.assert_ledger().await;
    let before = ledger(&app, "carrier:sandbox").await;
    let b = balance(&app, &slow).await;
    assert_eq!(b["operations"][0]["status"], "succeeded", "{b}");
    assert_eq!(ledger(&app, "carrier:sandbox").await, before - 700);
    balance(&app, &slow).await;
    assert_eq!(ledger(&app, "carrier:sandbox").await, before - 700);
    app.assert_ledger().await;
}

#[tokio::test]
async fn refunds_go_back_to_the_source_the_money_came_from() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 10_000).await;
    let m = merchant(&app).await;
    let card = first_card(&app, &d).await;
    let mut paid = Vec::new();
    for (i, source) in ["balance", card.as_str(), "carrier"]
        .into_iter()
        .enumerate()
    {
        let id = order(&app, &m, PHONE, 3_000).await;
        let res = confirm(&app, &d, &id, Some(source), PIN, &format!("pay-{i}")).await;
        assert_eq!(status(&res), ("succeeded", None), "{source}: {res:?}");
        assert_eq!(res.body["source"], source);
        paid.push(id);
        app.assert_ledger().await;
    }
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 7_000);
    let credits = bank_transfers(&app, "credit").await;

    // Balance: back to the wallet.
    let o = refund(&app, &m, &paid[0], 1_000, "r-balance").await;
    assert_eq!(o["refunded"]["minor"], 1_000);
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 8_000);
    app.assert_ledger().await;
    // Card: back to the card through the bank, never to the wallet.
    let o = refund(&app, &m, &paid[1], 1_000, "r-card-1").await;
    assert_eq!(o["refunded"]["minor"], 1_000);
    let o = refund(&app, &m, &paid[1], 2_000, "r-card-2").await;
    assert_eq!(o["status"], "refunded");
    assert_eq!(bank_transfers(&app, "credit").await, credits + 2);
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 8_000);
    app.assert_ledger().await;
    // Phone bill: a credit on the bill, which frees the month's cap again.
    let before = sources(&app, &d).await["sources"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["monthly_remaining"]["minor"]
        .as_i64()
        .unwrap();
    let o = refund(&app, &m, &paid[2], 3_000, "r-carrier").await;
    assert_eq!(o["status"], "refunded");
    let after = sources(&app, &d).await["sources"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()["monthly_remaining"]["minor"]
        .as_i64()
        .unwrap();
    assert_eq!(after, before + 3_000);
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 8_000);
    assert_eq!(
        ledger(&app, &format!("merchant:{}", m.id)).await,
        9_000 - 7_000
    );
    assert_eq!(ledger(&app, "clearing:refunds").await, 0);
    app.assert_ledger().await;
    // The refunds carry their source in the history.
    let b = balance(&app, &d).await;
    let refunds: Vec<&str> = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "refund")
        .map(|o| o["source"].as_str().unwrap())
        .collect();
    assert_eq!(refunds.len(), 4);
    assert!(refunds.contains(&"carrier") && refunds.contains(&card.as_str()));
}

#[tokio::test]
async fn the_default_order_decides_and_the_confirm_screen_may_choose() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 1_000).await;
    let m = merchant(&app).await;
    let card = first_card(&app, &d).await;
    // Before any choice: the balance alone, as before sources existed.
    let s = sources(&app, &d).await;
    assert_eq!(s["order"], json!(["balance"]));
    assert_eq!(s["sources"][0]["balance"]["minor"], 1_000);
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 5_000).await,
        None,
        PIN,
        "short",
    )
    .await;
    assert_eq!(res.code(), "BALANCE_INSUFFICIENT", "{res:?}");

    // "Balance, then the card": the balance while it covers the amount, then the card.
    let res = set_order(&app, &d, &["balance", &card]).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["order"], json!(["balance", card]));
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 600).await,
        None,
        PIN,
        "o1",
    )
    .await;
    assert_eq!(res.body["source"], "balance", "{res:?}");
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 600).await,
        None,
        PIN,
        "o2",
    )
    .await;
    assert_eq!(res.body["source"], card.as_str(), "{res:?}");
    assert_eq!(status(&res), ("succeeded", None));
    // The confirm screen's choice wins over the order.
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 100).await,
        Some("carrier"),
        PIN,
        "o3",
    )
    .await;
    assert_eq!(res.body["source"], "carrier", "{res:?}");
    app.assert_ledger().await;

    // Payment codes use the default order: with the card first, no charge is paid without the
    // PIN; it waits, and the confirmation pays from the card.
    set_order(&app, &d, &[&card, "balance"]).await;
    let code = d.paycode(app.now(), 0);
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_charges(&m.id),
            Some(&m.key),
            Some(json!({ "code": code, "amount": cny(100) })),
            &[("idempotency-key", "idem-charge-1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "open", "{res:?}");
    let res = confirm(
        &app,
        &d,
        res.body["order_id"].as_str().unwrap(),
        None,
        PIN,
        "o4",
    )
    .await;
    assert_eq!(res.body["source"], card.as_str(), "{res:?}");
    app.assert_ledger().await;

    // A bad order is refused whole.
    assert_eq!(set_order(&app, &d, &[]).await.code(), "SOURCE_INVALID");
    assert_eq!(
        set_order(&app, &d, &["carrier", "carrier"]).await.code(),
        "SOURCE_INVALID"
    );
    assert_eq!(
        set_order(&app, &d, &["balance", "card:card_nope"])
            .await
            .code(),
        "CARD_NOT_FOUND"
    );
    assert_eq!(
        set_order(&app, &d, &["phone"]).await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(sources(&app, &d).await["order"], json!([card, "balance"]));
}

#[tokio::test]
async fn the_pin_limits_and_the_cooling_off_hold_for_every_source() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 0).await;
    let m = merchant(&app).await;
    let card = first_card(&app, &d).await;
    // A wrong PIN: nothing asked of the bank or the carrier.
    let debits = bank_transfers(&app, "debit").await;
    let id = order(&app, &m, PHONE, 100).await;
    let res = confirm(&app, &d, &id, Some(&card), "135791", "wrong-pin").await;
    assert_eq!(res.code(), "PIN_WRONG", "{res:?}");
    assert_eq!(bank_transfers(&app, "debit").await, debits);

    // A new device starts a cooling-off: ¥500 in all may leave, whatever the source.
    app.logged_in_device("second phone").await;
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 30_000).await,
        Some(&card),
        PIN,
        "co-1",
    )
    .await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 20_001).await,
        Some("carrier"),
        PIN,
        "co-2",
    )
    .await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 20_000).await,
        Some("carrier"),
        PIN,
        "co-3",
    )
    .await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 1).await,
        Some(&card),
        PIN,
        "co-4",
    )
    .await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn the_daily_payment_limit_counts_every_source() {
    let limits = wallet_server::Limits {
        payment_daily_limit_fen: 1_000,
        ..wallet_server::Limits::default()
    };
    let app = TestApp::builder().limits(limits).build();
    let d = app.payer(PHONE, PIN, 500).await;
    let m = merchant(&app).await;
    let card = first_card(&app, &d).await;
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 400).await,
        Some("balance"),
        PIN,
        "d1",
    )
    .await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 400).await,
        Some(&card),
        PIN,
        "d2",
    )
    .await;
    assert_eq!(status(&res), ("succeeded", None), "{res:?}");
    let res = confirm(
        &app,
        &d,
        &order(&app, &m, PHONE, 201).await,
        Some("carrier"),
        PIN,
        "d3",
    )
    .await;
    assert_eq!(res.code(), "DAILY_LIMIT_REACHED", "{res:?}");
    app.assert_ledger().await;
}
