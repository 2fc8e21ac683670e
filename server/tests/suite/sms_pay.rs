//! SMS payment, "reply Y" (issue 14) through the real router (in-process): the account's switch,
//! merchants' product codes and service numbers, inbound messages through the sandbox hook,
//! and the SMS answers in the outbox. Every wrong reply moves nothing; each test ends with the
//! ledger check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, NAME, PHONE, PHONE_E164};
use serde_json::{json, Value};
use wallet_protocol::api::paths;

const PIN: &str = "280419";
const OTHER: &str = "13900002222";

struct Shop {
    id: String,
    key: String,
    number: String,
}

async fn shop(app: &TestApp, name: &str, products: &[(&str, &str, i64)]) -> Shop {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": name, "city": "Shanghai", "mcc": "5814" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let id = res.body["merchant"]["merchant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = res.body["api_key"].as_str().unwrap().to_owned();
    let mut number = String::new();
    for (code, description, minor) in products {
        let res = product(
            app,
            &id,
            &key,
            json!({ "code": code, "description": description, "amount": cny(*minor) }),
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
        number = res.body["service_number"].as_str().unwrap().to_owned();
    }
    Shop { id, key, number }
}

async fn product(app: &TestApp, id: &str, key: &str, body: Value) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_sms_products(id),
        Some(key),
        Some(body),
        &[],
    )
    .await
}

/// A text from `from` to `to`; the answer (`reply`, `outcome`, `reference`).
async fn text(app: &TestApp, from: &str, to: &str, text: &str) -> Value {
    let res = app
        .post_json(
            paths::SANDBOX_SMS_INBOUND,
            json!({ "from": from, "to": to, "text": text }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

/// The newest message in the outbox for `phone`.
async fn newest_sms(app: &TestApp, phone: &str) -> Value {
    let res = app
        .get(&format!("{}?phone={phone}", paths::SANDBOX_OUTBOX))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["messages"][0].clone()
}

async fn balance(app: &TestApp, d: &TestDevice) -> i64 {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["balance"]["minor"].as_i64().unwrap()
}

async fn switch(app: &TestApp, d: &TestDevice, body: Value) -> TestResponse {
    app.signed_json(d, Method::PUT, paths::SETTINGS_SMS_PAY, Some(body), &[])
        .await
}

/// A payer with `topup` fen and SMS payment switched on.
async fn sms_payer(app: &TestApp, phone: &str, topup: i64) -> TestDevice {
    let d = app.payer(phone, PIN, topup).await;
    let res = switch(app, &d, json!({ "enabled": true, "pin": PIN })).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["sms_pay_enabled"], true, "{res:?}");
    d
}

async fn merchant_order(app: &TestApp, s: &Shop, order_id: &str) -> Value {
    let res = app
        .merchant_call(
            Method::GET,
            &paths::merchant_order(&s.id, order_id),
            Some(&s.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

#[tokio::test]
async fn sms_payment_is_off_by_default_and_switching_it_on_needs_the_pin() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 10_000).await;
    let desk = app.logged_in_device("desk").await;
    app.advance(86_400); // past the desk's cooling-off
    let s = shop(&app, "Corner Cafe", &[("101", "Latte", 1_800)]).await;

    let res = app
        .signed_json(&a, Method::GET, paths::SETTINGS, None, &[])
        .await;
    assert_eq!(res.body["sms_pay_enabled"], false, "{res:?}");
    assert_eq!(res.body["sms_pay_per_payment"], cny(5_000));
    assert_eq!(res.body["sms_pay_daily"], cny(20_000));
    // Off: a product code and a "Y" get an SMS saying so, and move nothing.
    for t in ["101", "Y"] {
        let answer = text(&app, PHONE, &s.number, t).await;
        assert_eq!(answer["outcome"], "off", "{answer}");
        assert!(answer["reply"]
            .as_str()
            .unwrap()
            .contains("Nothing was charged"));
    }
    let sms = newest_sms(&app, PHONE).await;
    assert_eq!(sms["purpose"], "sms_pay");
    assert!(
        sms["body"].as_str().unwrap().contains("SMS payment is off"),
        "{sms}"
    );
    // A number without an account hears the same.
    assert_eq!(
        text(&app, "13700003333", &s.number, "101").await["outcome"],
        "off"
    );

    // On needs the PIN; a wrong one counts.
    let res = switch(&app, &a, json!({ "enabled": true })).await;
    assert_eq!(res.code(), "PIN_REQUIRED", "{res:?}");
    let res = switch(&app, &a, json!({ "enabled": true, "pin": "135792" })).await;
    assert_eq!(res.code(), "PIN_WRONG", "{res:?}");
    let res = switch(&app, &a, json!({ "enabled": true, "pin": PIN })).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["sms_pay_enabled"], true);
    // The same again changes nothing and logs nothing.
    let res = switch(&app, &a, json!({ "enabled": true, "pin": PIN })).await;
    assert_eq!(res.body["sms_pay_enabled"], true);
    // Off needs nothing.
    let res = switch(&app, &a, json!({ "enabled": false })).await;
    assert_eq!(res.body["sms_pay_enabled"], false, "{res:?}");

    // Logged and told to the other device ("not you? freeze now").
    let res = app
        .signed_json(&desk, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    let log: Vec<(String, String)> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "sms_pay_changed")
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["detail"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        log,
        [
            ("sms_pay_changed".to_owned(), "off".to_owned()),
            (
                "sms_pay_changed".to_owned(),
                "on, ¥50.00 per payment, ¥200.00 a day".to_owned()
            ),
        ]
    );
    let res = app
        .signed_json(&desk, Method::GET, paths::EVENTS, None, &[])
        .await;
    let refs: Vec<&str> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "sms_pay_changed")
        .map(|e| e["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["on", "off"]);
    assert_eq!(balance(&app, &a).await, 10_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_product_code_then_y_pays_once_and_confirms() {
    let app = TestApp::new();
    let d = sms_payer(&app, PHONE, 10_000).await;
    let s = shop(
        &app,
        "Corner Cafe",
        &[("101", "Latte", 1_800), ("7", "Bagel", 900)],
    )
    .await;
    assert!(
        s.number.starts_with("1069") && s.number.len() == 12,
        "{}",
        s.number
    );
    let res = app
        .merchant_call(
            Method::GET,
            &paths::merchant_sms_products(&s.id),
            Some(&s.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["service_number"], s.number.as_str());
    let codes: Vec<&str> = res.body["products"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["101", "7"]);

    let offer = text(&app, PHONE, &s.number, "101").await;
    assert_eq!(offer["outcome"], "offer", "{offer}");
    let reference = offer["reference"].as_str().unwrap().to_owned();
    let body = offer["reply"].as_str().unwrap();
    assert!(
        body.contains("Corner Cafe") && body.contains("Latte") && body.contains("¥18.00"),
        "{body}"
    );
    assert!(
        body.contains("Reply Y to pay") && body.contains(&reference),
        "{body}"
    );
    // The offer is in the outbox, its reference where scripts read codes.
    let sms = newest_sms(&app, PHONE).await;
    assert_eq!(sms["code"], reference.as_str());
    assert_eq!(sms["body"], offer["reply"]);
    assert_eq!(balance(&app, &d).await, 10_000, "an offer moves nothing");

    app.advance(5);
    let paid = text(&app, "+86 138 1234 5678", &s.number, "y").await;
    assert_eq!(paid["outcome"], "paid", "{paid}");
    assert_eq!(paid["reference"], reference.as_str());
    assert!(
        paid["reply"]
            .as_str()
            .unwrap()
            .contains("Paid ¥18.00 to Corner Cafe"),
        "{paid}"
    );
    assert_eq!(newest_sms(&app, PHONE).await["body"], paid["reply"]);
    assert_eq!(balance(&app, &d).await, 10_000 - 1_800);
    app.assert_ledger().await;

    // A second "Y" (and "Y REF") pays nothing more.
    for t in ["Y".to_owned(), format!("Y {reference}")] {
        let again = text(&app, PHONE, &s.number, &t).await;
        assert_eq!(again["outcome"], "already_paid", "{again}");
    }
    assert_eq!(balance(&app, &d).await, 10_000 - 1_800);

    // In the history like any order payment, channel `sms`; the merchant sees it paid.
    let res = app.history(&d, 0, None).await;
    let payment = res.body["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "payment")
        .unwrap()
        .clone();
    assert_eq!(payment["channel"], "sms", "{payment}");
    assert_eq!(payment["amount"], cny(1_800));
    assert_eq!(payment["merchant"]["name"], "Corner Cafe");
    let order = merchant_order(&app, &s, payment["order_id"].as_str().unwrap()).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["channel"], "sms");
    assert_eq!(order["description"], "Latte");
    assert_eq!(order["payer_phone_masked"], "+86 138****5678");
    // The merchant refunds it like any order.
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_order_refund(&s.id, order["order_id"].as_str().unwrap()),
            Some(&s.key),
            Some(json!({})),
            &[("idempotency-key", "sms-refund-1")],
        )
        .await;
    assert_eq!(res.body["status"], "refunded", "{res:?}");
    assert_eq!(balance(&app, &d).await, 10_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn every_wrong_reply_gets_an_answer_and_moves_nothing() {
    let app = TestApp::new();
    let d = sms_payer(&app, PHONE, 10_000).await;
    let other = sms_payer(&app, OTHER, 10_000).await;
    let s = shop(
        &app,
        "Corner Cafe",
        &[
            ("101", "Latte", 1_800),
            ("102", "Mocha", 2_000),
            ("103", "Tea", 1_000),
        ],
    )
    .await;
    let s2 = shop(&app, "Book Nook", &[("101", "Paperback", 3_000)]).await;

    // Unknown code, a message that is no code, a number that takes no orders.
    let a = text(&app, PHONE, &s.number, "999").await;
    assert_eq!(a["outcome"], "unknown_code", "{a}");
    assert!(
        a["reply"].as_str().unwrap().contains("no product 999"),
        "{a}"
    );
    assert_eq!(
        text(&app, PHONE, &s.number, "hello there").await["outcome"],
        "unknown_code"
    );
    assert_eq!(
        text(&app, PHONE, "10690000000", "101").await["outcome"],
        "no_such_number"
    );
    // "Y" with nothing waiting.
    assert_eq!(
        text(&app, PHONE, &s.number, "Y").await["outcome"],
        "nothing_waiting"
    );

    // A reference answers only its own number, at its own service number.
    let offer = text(&app, PHONE, &s.number, "101").await;
    let r1 = offer["reference"].as_str().unwrap().to_owned();
    for (from, to) in [(OTHER, s.number.as_str()), (PHONE, s2.number.as_str())] {
        let a = text(&app, from, to, &format!("Y {r1}")).await;
        assert_eq!(a["outcome"], "unknown_reference", "{a}");
    }
    // The other number's bare "Y" has nothing waiting; an unknown reference is unknown.
    assert_eq!(
        text(&app, OTHER, &s.number, "Y").await["outcome"],
        "nothing_waiting"
    );
    assert_eq!(
        text(&app, PHONE, &s.number, "Y ZZZZZZ").await["outcome"],
        "unknown_reference"
    );

    // Several open: a bare "Y" asks which; "Y REF" pays that one.
    let r2 = text(&app, PHONE, &s.number, "102").await;
    assert_eq!(r2["outcome"], "offer");
    assert!(
        r2["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("Reply Y {}", r2["reference"].as_str().unwrap())),
        "{r2}"
    );
    let r2 = r2["reference"].as_str().unwrap().to_owned();
    let r3 = text(&app, PHONE, &s.number, "103").await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    // A fourth is one too many.
    assert_eq!(
        text(&app, PHONE, &s.number, "101").await["outcome"],
        "too_many_open"
    );
    let choose = text(&app, PHONE, &s.number, "Y").await;
    assert_eq!(choose["outcome"], "choose_reference", "{choose}");
    for r in [&r1, &r2, &r3] {
        assert!(
            choose["reply"].as_str().unwrap().contains(r.as_str()),
            "{choose}"
        );
    }
    assert_eq!(balance(&app, &d).await, 10_000);
    let paid = text(&app, PHONE, &s.number, &format!("y {}", r2.to_lowercase())).await;
    assert_eq!(paid["outcome"], "paid", "{paid}");
    assert_eq!(paid["reference"], r2.as_str());
    assert_eq!(balance(&app, &d).await, 10_000 - 2_000);

    // Expired: the references left go past their 10 minutes.
    app.advance(601);
    let a = text(&app, PHONE, &s.number, &format!("Y {r1}")).await;
    assert_eq!(a["outcome"], "expired", "{a}");
    assert!(
        a["reply"].as_str().unwrap().contains("Text 101 again"),
        "{a}"
    );
    let a = text(&app, PHONE, &s.number, "Y").await;
    assert!(
        ["expired", "already_paid"].contains(&a["outcome"].as_str().unwrap()),
        "{a}"
    );
    assert_eq!(balance(&app, &d).await, 10_000 - 2_000);
    assert_eq!(balance(&app, &other).await, 10_000);

    // Malformed deliveries are refused, not answered.
    let res = app
        .post_json(
            paths::SANDBOX_SMS_INBOUND,
            json!({ "from": PHONE, "to": "12ab", "text": "Y" }),
        )
        .await;
    assert_eq!(res.code(), "MALFORMED_REQUEST", "{res:?}");
    let res = app
        .post_json(
            paths::SANDBOX_SMS_INBOUND,
            json!({ "from": "12", "to": s.number, "text": "Y" }),
        )
        .await;
    assert_eq!(res.code(), "PHONE_INVALID", "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn frozen_and_cooling_off_accounts_are_answered_without_paying() {
    let app = TestApp::new();
    let d = sms_payer(&app, PHONE, 10_000).await;
    let s = shop(&app, "Corner Cafe", &[("101", "Latte", 1_800)]).await;

    // A new device's sign-in starts a cooling-off: SMS payment pauses, offers and "Y" alike.
    let offer = text(&app, PHONE, &s.number, "101").await;
    let reference = offer["reference"].as_str().unwrap().to_owned();
    let _laptop = app.logged_in_device("laptop").await;
    let a = text(&app, PHONE, &s.number, "Y").await;
    assert_eq!(a["outcome"], "cooling_off", "{a}");
    assert!(a["reply"].as_str().unwrap().contains("(UTC+8)"), "{a}");
    assert_eq!(
        text(&app, PHONE, &s.number, "101").await["outcome"],
        "cooling_off"
    );
    assert_eq!(balance(&app, &d).await, 10_000);
    // The reference is still good for its 10 minutes: not after the cooling-off.
    app.advance(86_400);
    assert_eq!(
        text(&app, PHONE, &s.number, &format!("Y {reference}")).await["outcome"],
        "expired"
    );
    let offer = text(&app, PHONE, &s.number, "101").await;
    assert_eq!(offer["outcome"], "offer", "{offer}");

    // Frozen between the offer and the "Y".
    let res = app
        .post_json(
            paths::REPORT_LOST,
            json!({ "phone": PHONE, "name": NAME, "id_last6": "31002X" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let a = text(&app, PHONE, &s.number, "Y").await;
    assert_eq!(a["outcome"], "frozen", "{a}");
    assert_eq!(
        text(&app, PHONE, &s.number, "101").await["outcome"],
        "frozen"
    );
    let res = app.store.sms_pay_account(PHONE_E164).await.unwrap();
    assert!(res.is_some_and(|(_, on)| on));
    app.assert_ledger().await;
    // Nothing left the wallet (read from the store: the frozen account's devices are revoked).
    let totals = app.store.ledger_check().await.unwrap().unwrap();
    assert_eq!(totals.customer_total, 10_000);
}

#[tokio::test]
async fn caps_per_payment_and_per_day_and_the_balance() {
    let app = TestApp::new();
    let d = sms_payer(&app, PHONE, 30_000).await;
    let s = shop(
        &app,
        "Corner Cafe",
        &[("1", "Lunch set", 5_000), ("2", "Coffee", 1_000)],
    )
    .await;
    // A product over the per-payment cap cannot be registered; nor a code that is not digits.
    let res = product(
        &app,
        &s.id,
        &s.key,
        json!({ "code": "3", "description": "Cake", "amount": cny(5_001) }),
    )
    .await;
    assert_eq!(res.code(), "AMOUNT_OVER_LIMIT", "{res:?}");
    let res = product(
        &app,
        &s.id,
        &s.key,
        json!({ "code": "Y", "description": "Cake", "amount": cny(100) }),
    )
    .await;
    assert_eq!(res.code(), "MALFORMED_REQUEST", "{res:?}");
    let res = product(
        &app,
        &s.id,
        "mk_wrong",
        json!({ "code": "3", "description": "Cake", "amount": cny(100) }),
    )
    .await;
    assert_eq!(res.code(), "MERCHANT_KEY_INVALID", "{res:?}");

    // Three ¥50 lunches: ¥150 of the day's ¥200.
    for _ in 0..3 {
        assert_eq!(text(&app, PHONE, &s.number, "1").await["outcome"], "offer");
        let a = text(&app, PHONE, &s.number, "Y").await;
        assert_eq!(a["outcome"], "paid", "{a}");
        app.advance(1);
    }
    // Two offers of ¥50 and ¥10 fit one by one, not together: the first "Y" wins.
    let lunch = text(&app, PHONE, &s.number, "1").await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let coffee = text(&app, PHONE, &s.number, "2").await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        text(&app, PHONE, &s.number, &format!("Y {lunch}")).await["outcome"],
        "paid"
    );
    let a = text(&app, PHONE, &s.number, &format!("Y {coffee}")).await;
    assert_eq!(a["outcome"], "daily_cap", "{a}");
    assert!(
        a["reply"].as_str().unwrap().contains("¥0.00 is left today"),
        "{a}"
    );
    assert_eq!(
        text(&app, PHONE, &s.number, "2").await["outcome"],
        "daily_cap"
    );
    assert_eq!(balance(&app, &d).await, 30_000 - 20_000);

    // The next day (China Standard Time) the cap is back.
    app.advance(86_400);
    let offer = text(&app, PHONE, &s.number, "1").await;
    assert_eq!(offer["outcome"], "offer", "{offer}");
    assert_eq!(text(&app, PHONE, &s.number, "Y").await["outcome"], "paid");

    // The balance holds: too little is answered, a top-up and the same reference pay.
    let poor = sms_payer(&app, OTHER, 1_000).await;
    let r = text(&app, OTHER, &s.number, "1").await["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = text(&app, OTHER, &s.number, "Y").await;
    assert_eq!(a["outcome"], "balance_insufficient", "{a}");
    assert!(
        a["reply"]
            .as_str()
            .unwrap()
            .contains(&format!("reply Y {r}")),
        "{a}"
    );
    assert_eq!(balance(&app, &poor).await, 1_000);
    let res = app
        .signed_json(
            &poor,
            Method::POST,
            paths::TOPUPS,
            Some(json!({ "amount": cny(10_000), "pin": PIN })),
            &[("idempotency-key", "sms-topup-1")],
        )
        .await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    let a = text(&app, OTHER, &s.number, &format!("Y {r}")).await;
    assert_eq!(a["outcome"], "paid", "{a}");
    assert_eq!(balance(&app, &poor).await, 11_000 - 5_000);
    assert_eq!(balance(&app, &d).await, 30_000 - 25_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_merchant_removes_a_code_and_the_hook_is_sandbox_only() {
    let app = TestApp::new();
    let _d = sms_payer(&app, PHONE, 10_000).await;
    let s = shop(&app, "Corner Cafe", &[("101", "Latte", 1_800)]).await;
    let offer = text(&app, PHONE, &s.number, "101").await;
    let res = app
        .merchant_call(
            Method::DELETE,
            &paths::merchant_sms_product(&s.id, "101"),
            Some(&s.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["products"], json!([]));
    let res = app
        .merchant_call(
            Method::DELETE,
            &paths::merchant_sms_product(&s.id, "101"),
            Some(&s.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.code(), "NOT_FOUND", "{res:?}");
    // The reference already sent still pays what it offered; the code no longer orders.
    assert_eq!(text(&app, PHONE, &s.number, "Y").await["outcome"], "paid");
    assert_eq!(
        text(&app, PHONE, &s.number, "101").await["outcome"],
        "unknown_code"
    );
    let _ = offer;
    app.assert_ledger().await;

    let prod = TestApp::builder().sandbox(false).build();
    let res = prod
        .post_json(
            paths::SANDBOX_SMS_INBOUND,
            json!({ "from": PHONE, "to": "106900000001", "text": "Y" }),
        )
        .await;
    assert_eq!(res.code(), "SANDBOX_ONLY", "{res:?}");
    let res = prod
        .post_json(paths::SANDBOX_SMS_INBOUND, json!({ "nonsense": true }))
        .await;
    assert_eq!(res.code(), "SANDBOX_ONLY", "{res:?}");
}
