//! Paying merchants through the real router (in-process): merchants and their API keys, scanned
//! static and dynamic QR codes, payment codes (no-PIN and PIN-confirmed), remote orders, refunds,
//! the no-PIN settings and every idempotent retry. Each test ends by checking the ledger.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_protocol::qr::{wallet_static_payload, WalletMerchant};
use wallet_server::Limits;

const PIN: &str = "280419";
const PIX: &str = "00020126510014br.gov.bcb.pix0115thalesog@me.com0210Pedido 123520400005303986540510.005802BR5914THALES OGLIARI6015SAO MIGUEL DO O62070503***63040DC6";

struct Merchant {
    id: String,
    key: String,
    payload: String,
}

async fn merchant(app: &TestApp, name: &str) -> Merchant {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": name, "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    Merchant {
        id: res.body["merchant"]["merchant_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        key: res.body["api_key"].as_str().unwrap().to_owned(),
        payload: res.body["payload"].as_str().unwrap().to_owned(),
    }
}

async fn balance(app: &TestApp, d: &TestDevice) -> Value {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

async fn resolve(app: &TestApp, d: &TestDevice, payload: &str) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::QR_RESOLVE,
        Some(json!({ "payload": payload })),
        &[],
    )
    .await
}

async fn pay(
    app: &TestApp,
    d: &TestDevice,
    payload: &str,
    amount: Option<i64>,
    pin: &str,
    key: &str,
) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::QR_PAYMENTS,
        Some(json!({ "payload": payload, "amount": amount.map(cny), "pin": pin })),
        &[("idempotency-key", &format!("idem-{key}"))],
    )
    .await
}

async fn create_order(app: &TestApp, m: &Merchant, body: Value) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_orders(&m.id),
        Some(&m.key),
        Some(body),
        &[],
    )
    .await
}

async fn get_order(app: &TestApp, m: &Merchant, order_id: &str) -> Value {
    let res = app
        .merchant_call(
            Method::GET,
            &paths::merchant_order(&m.id, order_id),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

async fn charge(app: &TestApp, m: &Merchant, code: &str, minor: i64, key: &str) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_charges(&m.id),
        Some(&m.key),
        Some(json!({ "code": code, "amount": cny(minor) })),
        &[("idempotency-key", &format!("idem-{key}"))],
    )
    .await
}

async fn refund(
    app: &TestApp,
    m: &Merchant,
    order_id: &str,
    minor: Option<i64>,
    key: &str,
) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_order_refund(&m.id, order_id),
        Some(&m.key),
        Some(json!({ "amount": minor.map(cny) })),
        &[("idempotency-key", &format!("idem-{key}"))],
    )
    .await
}

async fn open_orders(app: &TestApp, d: &TestDevice) -> Vec<Value> {
    let res = app
        .signed_json(d, Method::GET, paths::ORDERS, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["orders"].as_array().unwrap().clone()
}

async fn confirm(
    app: &TestApp,
    d: &TestDevice,
    order_id: &str,
    pin: &str,
    key: &str,
) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        &paths::order_confirm(order_id),
        Some(json!({ "pin": pin })),
        &[("idempotency-key", &format!("idem-{key}"))],
    )
    .await
}

#[tokio::test]
async fn static_code_pays_the_typed_amount() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 100_000).await;
    let m = merchant(&app, "Lucky Noodles").await;

    // The merchant's static code, as the merchant API serves it too.
    let res = app
        .merchant_call(
            Method::GET,
            &paths::merchant_qr(&m.id),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["payload"], m.payload.as_str());

    let res = resolve(&app, &d, &m.payload).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["merchant"]["name"], "Lucky Noodles");
    assert_eq!(res.body["channel"], "static_qr");
    assert_eq!(res.body["name_mismatch"], false);
    assert_eq!(res.body["amount"], Value::Null);

    assert_eq!(
        pay(&app, &d, &m.payload, None, PIN, "pay-static-1")
            .await
            .code(),
        "AMOUNT_REQUIRED"
    );
    assert_eq!(
        pay(&app, &d, &m.payload, Some(0), PIN, "pay-static-1")
            .await
            .code(),
        "AMOUNT_INVALID"
    );
    assert_eq!(
        pay(&app, &d, &m.payload, Some(1250), "111111", "pay-static-1")
            .await
            .code(),
        "PIN_WRONG"
    );
    let res = pay(&app, &d, &m.payload, Some(1250), PIN, "pay-static-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["kind"], "payment");
    assert_eq!(res.body["status"], "succeeded");
    assert_eq!(res.body["amount"]["minor"], 1250);
    assert_eq!(res.body["channel"], "static_qr");
    assert_eq!(res.body["merchant"]["merchant_id"], m.id.as_str());
    assert_eq!(res.body["card_id"], Value::Null);
    let op_id = res.body["operation_id"].as_str().unwrap().to_owned();
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();

    // A retry with the same key is the same payment (no PIN needed, no new money).
    let again = pay(&app, &d, &m.payload, Some(1250), "000000", "pay-static-1").await;
    assert_eq!(again.body["operation_id"], op_id.as_str(), "{again:?}");
    assert_eq!(
        pay(&app, &d, &m.payload, Some(1251), PIN, "pay-static-1")
            .await
            .code(),
        "IDEMPOTENCY_KEY_REUSED"
    );

    let b = balance(&app, &d).await;
    assert_eq!(b["balance"]["minor"], 100_000 - 1250);
    assert_eq!(b["operations"][0]["operation_id"], op_id.as_str());
    assert_eq!(b["operations"][0]["merchant"]["name"], "Lucky Noodles");
    let res = app
        .signed_json(&d, Method::GET, &paths::operation(&op_id), None, &[])
        .await;
    assert_eq!(res.body["kind"], "payment", "{res:?}");

    // The merchant sees the payment as a paid order it can refund.
    let order = get_order(&app, &m, &order_id).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["channel"], "static_qr");
    assert_eq!(order["payment_operation_id"], op_id.as_str());

    assert_eq!(
        pay(&app, &d, &m.payload, Some(200_000), PIN, "pay-static-2")
            .await
            .code(),
        "BALANCE_INSUFFICIENT"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn dynamic_code_locks_the_amount_and_is_paid_once() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 100_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    let res = create_order(
        &app,
        &m,
        json!({ "amount": cny(3_880), "description": "2 bowls" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    assert_eq!(res.body["status"], "open");
    assert_eq!(res.body["channel"], "dynamic_qr");
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();
    let payload = res.body["payload"].as_str().unwrap().to_owned();
    let created: chrono::DateTime<chrono::Utc> =
        res.body["created_at"].as_str().unwrap().parse().unwrap();
    let expires: chrono::DateTime<chrono::Utc> =
        res.body["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!((expires - created).num_seconds(), 900);

    let res = resolve(&app, &d, &payload).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["channel"], "dynamic_qr");
    assert_eq!(res.body["amount"]["minor"], 3_880);
    assert_eq!(res.body["order_id"], order_id.as_str());
    assert!(res.body["expires_at"].is_string());

    assert_eq!(
        pay(&app, &d, &payload, Some(100), PIN, "pay-dyn-1")
            .await
            .code(),
        "AMOUNT_LOCKED"
    );
    let res = pay(&app, &d, &payload, Some(3_880), PIN, "pay-dyn-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["channel"], "dynamic_qr");
    assert_eq!(res.body["order_id"], order_id.as_str());
    let op_id = res.body["operation_id"].clone();
    // The same key again: the first answer, even though the order is paid now.
    assert_eq!(
        pay(&app, &d, &payload, Some(3_880), PIN, "pay-dyn-1")
            .await
            .body["operation_id"],
        op_id
    );
    // A new payment of the same order is refused.
    assert_eq!(
        pay(&app, &d, &payload, None, PIN, "pay-dyn-2").await.code(),
        "ORDER_ALREADY_PAID"
    );
    assert_eq!(
        resolve(&app, &d, &payload).await.code(),
        "ORDER_ALREADY_PAID"
    );
    let order = get_order(&app, &m, &order_id).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(order["payment_operation_id"], op_id);
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 100_000 - 3_880);

    // An order not paid in time expires.
    let res = create_order(
        &app,
        &m,
        json!({ "amount": cny(500), "expires_in_secs": 60 }),
    )
    .await;
    let late = res.body["payload"].as_str().unwrap().to_owned();
    let late_id = res.body["order_id"].as_str().unwrap().to_owned();
    app.advance(61);
    assert_eq!(resolve(&app, &d, &late).await.code(), "ORDER_EXPIRED");
    assert_eq!(
        pay(&app, &d, &late, None, PIN, "pay-dyn-3").await.code(),
        "ORDER_EXPIRED"
    );
    assert_eq!(get_order(&app, &m, &late_id).await["status"], "expired");
    for bad in [0, 86_401] {
        let res = create_order(
            &app,
            &m,
            json!({ "amount": cny(500), "expires_in_secs": bad }),
        )
        .await;
        assert_eq!(res.code(), "MALFORMED_REQUEST");
    }
    assert_eq!(
        create_order(&app, &m, json!({ "amount": cny(-5) }))
            .await
            .code(),
        "AMOUNT_INVALID"
    );
    // The largest amount there is does not fit a dynamic code (found by the contract fuzz run:
    // it answered INTERNAL).
    assert_eq!(
        create_order(&app, &m, json!({ "amount": cny(1_000_000_000_000) }))
            .await
            .code(),
        "AMOUNT_OVER_LIMIT"
    );
    app.assert_ledger().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_concurrent_payers_pay_an_order_once() {
    let app = Arc::new(
        TestApp::builder()
            .limits(Limits {
                otp_per_ip_max: 100,
                ..Limits::default()
            })
            .build(),
    );
    let mut payers = Vec::new();
    for i in 0..8 {
        payers.push(app.payer(&format!("1380000000{i}"), PIN, 10_000).await);
    }
    let m = merchant(&app, "Lucky Noodles").await;
    let res = create_order(&app, &m, json!({ "amount": cny(999) })).await;
    let payload = res.body["payload"].as_str().unwrap().to_owned();
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();

    let mut tasks = Vec::new();
    for (i, d) in payers.iter().enumerate() {
        let (app, d, payload) = (Arc::clone(&app), d.clone(), payload.clone());
        tasks.push(tokio::spawn(async move {
            pay(&app, &d, &payload, None, PIN, &format!("race-pay-{i}")).await
        }));
    }
    let mut paid = 0;
    for t in tasks {
        let res = t.await.unwrap();
        if res.status == StatusCode::OK {
            paid += 1;
        } else {
            assert_eq!(res.code(), "ORDER_ALREADY_PAID");
        }
    }
    assert_eq!(paid, 1);
    let mut total = 0;
    for d in &payers {
        total += balance(&app, d).await["balance"]["minor"].as_i64().unwrap();
    }
    assert_eq!(total, 8 * 10_000 - 999);
    assert_eq!(get_order(&app, &m, &order_id).await["status"], "paid");
    app.assert_ledger().await;
}

#[tokio::test]
async fn printed_name_differs_from_the_record() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 0).await;
    let m = merchant(&app, "Lucky Noodles").await;
    let forged = wallet_static_payload(&WalletMerchant {
        merchant_id: m.id.clone(),
        name: "Bank of Trust".into(),
        city: "Shanghai".into(),
        mcc: "5812".into(),
    })
    .unwrap();
    let res = resolve(&app, &d, &forged).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["name_mismatch"], true);
    assert_eq!(res.body["printed_name"], "Bank of Trust");
    assert_eq!(res.body["merchant"]["name"], "Lucky Noodles");
}

#[tokio::test]
async fn foreign_and_malformed_payloads_are_refused() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 10_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    for foreign in [
        PIX,
        "https://pay.example/x",
        "hello",
        "upi://pay?pa=a@b&am=1",
    ] {
        let res = resolve(&app, &d, foreign).await;
        assert_eq!(res.code(), "QR_NOT_PAYABLE", "{foreign}");
        assert_eq!(
            pay(&app, &d, foreign, Some(100), PIN, "pay-foreign")
                .await
                .code(),
            "QR_NOT_PAYABLE"
        );
    }
    // A damaged code of ours.
    let mut damaged = m.payload.clone();
    damaged.replace_range(damaged.len() - 4.., "0000");
    assert_eq!(resolve(&app, &d, &damaged).await.code(), "QR_CRC_MISMATCH");
    assert_eq!(resolve(&app, &d, "").await.code(), "QR_EMPTY");
    let res = resolve(&app, &d, "000201010211").await;
    assert!(res.code().starts_with("QR_"), "{res:?}");
    // Well formed, but no such merchant.
    let ghost = wallet_static_payload(&WalletMerchant {
        merchant_id: "mch_00000000000000000000000000000000".into(),
        name: "Ghost".into(),
        city: "Shanghai".into(),
        mcc: "5812".into(),
    })
    .unwrap();
    assert_eq!(resolve(&app, &d, &ghost).await.code(), "MERCHANT_NOT_FOUND");
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 10_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn payment_code_under_the_limit_pays_at_once_and_only_once() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 100_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    let code = d.paycode(app.now(), 0);

    let res = charge(&app, &m, &code, 5_000, "charge-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "paid");
    assert_eq!(res.body["channel"], "paycode");
    assert_eq!(res.body["payer_phone_masked"], "+86 138****5678");
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();
    // The POS retries the same request: the same order, no second payment.
    let again = charge(&app, &m, &code, 5_000, "charge-1").await;
    assert_eq!(again.body["order_id"], order_id.as_str(), "{again:?}");
    assert_eq!(
        charge(&app, &m, &code, 5_001, "charge-1").await.code(),
        "IDEMPOTENCY_KEY_REUSED"
    );
    // The same code as a new charge: used.
    assert_eq!(
        charge(&app, &m, &code, 5_000, "charge-2").await.code(),
        "PAYCODE_USED"
    );

    let b = balance(&app, &d).await;
    assert_eq!(b["balance"]["minor"], 100_000 - 5_000);
    assert_eq!(b["operations"][0]["channel"], "paycode");
    assert_eq!(b["operations"][0]["order_id"], order_id.as_str());

    // The code of the previous and next step is accepted; two steps away is not.
    let res = charge(&app, &m, &d.paycode(app.now(), -1), 100, "charge-3").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");
    let res = charge(&app, &m, &d.paycode(app.now(), 1), 100, "charge-4").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");
    for (offset, key) in [(-2, "charge-5"), (2, "charge-6")] {
        assert_eq!(
            charge(&app, &m, &d.paycode(app.now(), offset), 100, key)
                .await
                .code(),
            "PAYCODE_INVALID"
        );
    }
    // Codes nobody has, and not codes at all.
    for (bogus, key) in [
        ("280000000000000000", "charge-7"),
        ("12345", "charge-8"),
        ("not a code", "charge-9"),
    ] {
        assert_eq!(
            charge(&app, &m, bogus, 100, key).await.code(),
            "PAYCODE_INVALID"
        );
    }
    // An hour later the old code is long gone.
    app.advance(3600);
    assert_eq!(
        charge(&app, &m, &code, 100, "charge-10").await.code(),
        "PAYCODE_INVALID"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn payment_code_over_the_limit_waits_for_the_pin() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 200_000).await;
    let m = merchant(&app, "Lucky Noodles").await;

    // Over ¥200: an open order for the payer to confirm.
    let res = charge(&app, &m, &d.paycode(app.now(), 0), 30_000, "charge-big-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "open");
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();
    let expires: chrono::DateTime<chrono::Utc> =
        res.body["expires_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(expires.timestamp() - app.now(), 120);
    let open = open_orders(&app, &d).await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["order_id"], order_id.as_str());
    assert_eq!(open[0]["channel"], "paycode");
    // The code is used up even though nothing was paid yet.
    assert_eq!(
        charge(&app, &m, &d.paycode(app.now(), 0), 30_000, "charge-big-2")
            .await
            .code(),
        "PAYCODE_USED"
    );
    assert_eq!(
        confirm(&app, &d, &order_id, "111111", "confirm-1")
            .await
            .code(),
        "PIN_WRONG"
    );
    let res = confirm(&app, &d, &order_id, PIN, "confirm-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["kind"], "payment");
    assert_eq!(res.body["channel"], "paycode");
    let op = res.body["operation_id"].clone();
    assert_eq!(
        confirm(&app, &d, &order_id, PIN, "confirm-1").await.body["operation_id"],
        op
    );
    assert_eq!(
        confirm(&app, &d, &order_id, PIN, "confirm-2").await.code(),
        "ORDER_ALREADY_PAID"
    );
    assert_eq!(get_order(&app, &m, &order_id).await["status"], "paid");
    assert!(open_orders(&app, &d).await.is_empty());

    // Declined.
    app.advance(30);
    let res = charge(&app, &m, &d.paycode(app.now(), 0), 25_000, "charge-big-3").await;
    let declined = res.body["order_id"].as_str().unwrap().to_owned();
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::order_decline(&declined),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["status"], "declined", "{res:?}");
    assert_eq!(get_order(&app, &m, &declined).await["status"], "declined");
    assert_eq!(
        confirm(&app, &d, &declined, PIN, "confirm-3").await.code(),
        "ORDER_CLOSED"
    );

    // Not confirmed in time.
    app.advance(30);
    let res = charge(&app, &m, &d.paycode(app.now(), 0), 25_000, "charge-big-4").await;
    let late = res.body["order_id"].as_str().unwrap().to_owned();
    app.advance(121);
    assert!(open_orders(&app, &d).await.is_empty());
    assert_eq!(get_order(&app, &m, &late).await["status"], "expired");
    assert_eq!(
        confirm(&app, &d, &late, PIN, "confirm-4").await.code(),
        "ORDER_EXPIRED"
    );

    assert_eq!(
        balance(&app, &d).await["balance"]["minor"],
        200_000 - 30_000
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn no_pin_limits_lower_switch_off_and_count_the_day() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 200_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    let settings = |body: Option<Value>| {
        let method = if body.is_some() {
            Method::PUT
        } else {
            Method::GET
        };
        let (app, d) = (&app, &d);
        async move {
            app.signed_json(d, method, paths::PAYCODE_SETTINGS, body, &[])
                .await
        }
    };
    let res = settings(None).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["no_pin_enabled"], true);
    assert_eq!(res.body["no_pin_per_payment"]["minor"], 20_000);
    assert_eq!(res.body["no_pin_daily"]["minor"], 100_000);
    assert_eq!(res.body["max_daily"]["minor"], 100_000);

    // Raising above the ceilings is refused; bad amounts too.
    let put = |enabled: bool, per: Value, daily: Value| json!({ "no_pin_enabled": enabled, "no_pin_per_payment": per, "no_pin_daily": daily });
    assert_eq!(
        settings(Some(put(true, cny(20_001), cny(100_000))))
            .await
            .code(),
        "AMOUNT_OVER_LIMIT"
    );
    assert_eq!(
        settings(Some(put(true, cny(100), cny(100_001))))
            .await
            .code(),
        "AMOUNT_OVER_LIMIT"
    );
    assert_eq!(
        settings(Some(put(true, cny(-1), cny(100)))).await.code(),
        "AMOUNT_INVALID"
    );
    assert_eq!(
        settings(Some(put(
            true,
            json!({"minor": 100, "currency": "USD"}),
            cny(100)
        )))
        .await
        .code(),
        "AMOUNT_INVALID"
    );
    // Lower to ¥10 each, ¥15 a day.
    let res = settings(Some(put(true, cny(1_000), cny(1_500)))).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["no_pin_per_payment"]["minor"], 1_000);

    let res = charge(&app, &m, &d.paycode(app.now(), 0), 1_000, "ch-a").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");
    // Over the per-payment limit now.
    let res = charge(&app, &m, &d.paycode(app.now(), 1), 1_001, "ch-b").await;
    assert_eq!(res.body["status"], "open", "{res:?}");
    // Within it, but over what is left of the day (¥5).
    let res = charge(&app, &m, &d.paycode(app.now(), -1), 600, "ch-c").await;
    assert_eq!(res.body["status"], "open", "{res:?}");
    assert_eq!(
        settings(None).await.body["no_pin_daily_remaining"]["minor"],
        500
    );
    // The next China day starts afresh (the clock starts at 16:00 CST).
    app.advance(9 * 3600);
    let res = charge(&app, &m, &d.paycode(app.now(), 0), 1_000, "ch-d").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");

    // Switched off: every payment-code payment waits for the PIN.
    let res = settings(Some(put(false, cny(1_000), cny(1_500)))).await;
    assert_eq!(res.body["no_pin_enabled"], false);
    assert_eq!(res.body["no_pin_daily_remaining"]["minor"], 0);
    let res = charge(&app, &m, &d.paycode(app.now(), 1), 1, "ch-e").await;
    assert_eq!(res.body["status"], "open", "{res:?}");
    app.assert_ledger().await;
}

/// Issue 13: during a cooling-off (a new device signed in) merchant payments of every channel
/// add up against the same ¥500 cap as transfers and withdrawals, and no payment code is paid
/// without the PIN.
#[tokio::test]
async fn the_cooling_off_caps_merchant_payments_and_turns_no_pin_off() {
    let app = TestApp::new();
    let _phone_dev = app.payer(PHONE, PIN, 2_000_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    let laptop = app.logged_in_device("laptop").await;

    // A colluding merchant's ¥10,000 QR code: refused before the PIN is even asked for.
    let res = pay(
        &app,
        &laptop,
        &m.payload,
        Some(1_000_000),
        "000000",
        "cool-1",
    )
    .await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    assert!(res.retry_after.is_some(), "{res:?}");
    // ¥100 by payment code, under the no-PIN limit, still waits for the PIN.
    let res = charge(&app, &m, &laptop.paycode(app.now(), 0), 10_000, "cool-2").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "open", "{res:?}");
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();
    let res = confirm(&app, &laptop, &order_id, PIN, "cool-3").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    // ¥350 by QR code: ¥450 in all.
    let res = pay(&app, &laptop, &m.payload, Some(35_000), PIN, "cool-4").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    // A ¥60 remote order is over the ¥50 left when it is confirmed.
    let res = create_order(&app, &m, json!({ "amount": cny(6_000), "phone": PHONE })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let remote = res.body["order_id"].as_str().unwrap().to_owned();
    let res = confirm(&app, &laptop, &remote, PIN, "cool-5").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    // A payment code over what is left: the merchant hears COOLING_OFF, and nothing else.
    app.advance(30);
    let res = charge(&app, &m, &laptop.paycode(app.now(), 0), 5_001, "cool-6").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    assert!(res.body.get("detail").is_none_or(Value::is_null), "{res:?}");
    assert_eq!(
        balance(&app, &laptop).await["balance"]["minor"],
        2_000_000 - 45_000
    );

    // When it ends, the no-PIN payment code is back and the remote order can be paid.
    app.advance(86_400);
    let res = charge(&app, &m, &laptop.paycode(app.now(), 0), 10_000, "cool-7").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");
    let res = create_order(&app, &m, json!({ "amount": cny(6_000), "phone": PHONE })).await;
    let remote = res.body["order_id"].as_str().unwrap().to_owned();
    let res = confirm(&app, &laptop, &remote, PIN, "cool-8").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn codes_of_revoked_devices_and_old_seeds_are_invalid() {
    let app = TestApp::new();
    let phone_dev = app.payer(PHONE, PIN, 100_000).await;
    let laptop = app.logged_in_device("laptop").await;
    // The laptop's sign-in started a cooling-off, when codes need the PIN: let it end.
    app.advance(86_400);
    let m = merchant(&app, "Lucky Noodles").await;

    // Both devices' codes work.
    let res = charge(&app, &m, &laptop.paycode(app.now(), 0), 100, "rv-1").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");

    // The laptop's next code, then the laptop is signed out from the phone.
    let laptop_code = laptop.paycode(app.now(), 1);
    let res = app
        .signed(&phone_dev, Method::POST, &paths::device_revoke(&laptop.id))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
    assert_eq!(
        charge(&app, &m, &laptop_code, 100, "rv-2").await.code(),
        "PAYCODE_INVALID"
    );

    // A reissued seed: the old codes die, the new ones work.
    let old_code = phone_dev.paycode(app.now(), 0);
    let res = app
        .signed(&phone_dev, Method::POST, paths::PAYCODE_SEED)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let mut reissued = phone_dev.clone();
    reissued.seed = res.body["seed"].as_str().unwrap().to_owned();
    assert_ne!(reissued.seed, phone_dev.seed);
    assert_eq!(
        charge(&app, &m, &old_code, 100, "rv-3").await.code(),
        "PAYCODE_INVALID"
    );
    let res = charge(&app, &m, &reissued.paycode(app.now(), 0), 100, "rv-4").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");

    // Logging out (revoking itself) kills its codes too.
    let next = reissued.paycode(app.now(), 1);
    let res = app
        .signed(&reissued, Method::POST, &paths::device_revoke(&reissued.id))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
    assert_eq!(
        charge(&app, &m, &next, 100, "rv-5").await.code(),
        "PAYCODE_INVALID"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn the_index_is_rebuilt_from_the_database_at_start() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 10_000).await;
    // A fresh app state over the same database, as after a restart.
    let state = wallet_server::AppState::new(
        app.store.clone(),
        Arc::new(wallet_server::OutboxSms::new(app.store.clone())),
        app.clock.clone(),
        Limits::default(),
        true,
    );
    assert!(state.paycodes.is_empty());
    assert_eq!(
        wallet_server::domain::pay::load_paycodes(&state)
            .await
            .unwrap(),
        1
    );
    let hit = state
        .paycodes
        .lookup(
            wallet_protocol::paycode::Paycode::parse(&d.paycode(app.now(), 0)).unwrap(),
            wallet_protocol::paycode::step_at(wallet_server::Clock::now(app.clock.as_ref())),
        )
        .unwrap();
    assert_eq!(&*hit.device_id, d.id.as_str());
}

#[tokio::test]
async fn remote_orders_confirm_decline_expire() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 50_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    assert_eq!(
        create_order(
            &app,
            &m,
            json!({ "amount": cny(100), "phone": "13900009999" })
        )
        .await
        .code(),
        "PAYER_NOT_FOUND"
    );
    assert_eq!(
        create_order(&app, &m, json!({ "amount": cny(100), "phone": "12" }))
            .await
            .code(),
        "PHONE_INVALID"
    );
    let res = create_order(
        &app,
        &m,
        json!({ "amount": cny(8_800), "phone": PHONE, "description": "Delivery #12" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    assert_eq!(res.body["channel"], "remote_order");
    assert_eq!(res.body["payload"], Value::Null);
    let first = res.body["order_id"].as_str().unwrap().to_owned();
    app.advance(1);
    let res = create_order(&app, &m, json!({ "amount": cny(100), "phone": PHONE })).await;
    let second = res.body["order_id"].as_str().unwrap().to_owned();
    app.advance(1);
    let res = create_order(
        &app,
        &m,
        json!({ "amount": cny(100), "phone": PHONE, "expires_in_secs": 30 }),
    )
    .await;
    let third = res.body["order_id"].as_str().unwrap().to_owned();

    // Newest first.
    let open: Vec<String> = open_orders(&app, &d)
        .await
        .iter()
        .map(|o| o["order_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(open, vec![third.clone(), second.clone(), first.clone()]);

    // Another account cannot see or pay them.
    let other = app.signed_up_device_for("13700001234").await;
    assert!(open_orders(&app, &other).await.is_empty());
    assert_eq!(
        confirm(&app, &other, &first, PIN, "other-1").await.code(),
        "ORDER_NOT_FOUND"
    );

    let res = confirm(&app, &d, &first, PIN, "remote-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["channel"], "remote_order");
    assert_eq!(res.body["merchant"]["name"], "Lucky Noodles");
    assert_eq!(get_order(&app, &m, &first).await["status"], "paid");

    let res = app
        .signed_json(&d, Method::POST, &paths::order_decline(&second), None, &[])
        .await;
    assert_eq!(res.body["status"], "declined", "{res:?}");
    // Declining twice answers the declined order; paying it is refused.
    let res = app
        .signed_json(&d, Method::POST, &paths::order_decline(&second), None, &[])
        .await;
    assert_eq!(res.body["status"], "declined", "{res:?}");
    let res = app
        .signed_json(&d, Method::POST, &paths::order_decline(&first), None, &[])
        .await;
    assert_eq!(res.code(), "ORDER_ALREADY_PAID");

    app.advance(31);
    assert!(open_orders(&app, &d).await.is_empty());
    assert_eq!(
        confirm(&app, &d, &third, PIN, "remote-3").await.code(),
        "ORDER_EXPIRED"
    );
    assert_eq!(get_order(&app, &m, &third).await["status"], "expired");
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 50_000 - 8_800);
    app.assert_ledger().await;
}

#[tokio::test]
async fn refunds_full_partial_over_and_retried() {
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 50_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    let res = create_order(&app, &m, json!({ "amount": cny(10_000) })).await;
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();
    let payload = res.body["payload"].as_str().unwrap().to_owned();

    // Not paid yet: nothing to refund.
    assert_eq!(
        refund(&app, &m, &order_id, None, "refund-0").await.code(),
        "REFUND_NOT_ALLOWED"
    );
    assert_eq!(
        pay(&app, &d, &payload, None, PIN, "pay-r").await.status,
        StatusCode::OK
    );
    app.advance(1);

    let res = refund(&app, &m, &order_id, Some(3_000), "refund-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "paid");
    assert_eq!(res.body["refunded"]["minor"], 3_000);
    // Retried: no second refund. Same key, other amount: refused.
    let res = refund(&app, &m, &order_id, Some(3_000), "refund-1").await;
    assert_eq!(res.body["refunded"]["minor"], 3_000, "{res:?}");
    assert_eq!(
        refund(&app, &m, &order_id, Some(2_000), "refund-1")
            .await
            .code(),
        "IDEMPOTENCY_KEY_REUSED"
    );
    assert_eq!(
        refund(&app, &m, &order_id, Some(7_001), "refund-2")
            .await
            .code(),
        "REFUND_NOT_ALLOWED"
    );
    assert_eq!(
        refund(&app, &m, &order_id, Some(0), "refund-2")
            .await
            .code(),
        "AMOUNT_INVALID"
    );
    let b = balance(&app, &d).await;
    assert_eq!(b["balance"]["minor"], 50_000 - 10_000 + 3_000);
    assert_eq!(b["operations"][0]["kind"], "refund");
    assert_eq!(b["operations"][0]["amount"]["minor"], 3_000);
    assert_eq!(b["operations"][0]["order_id"], order_id.as_str());
    assert_eq!(b["operations"][0]["merchant"]["name"], "Lucky Noodles");

    // The rest.
    let res = refund(&app, &m, &order_id, None, "refund-3").await;
    assert_eq!(res.body["status"], "refunded", "{res:?}");
    assert_eq!(res.body["refunded"]["minor"], 10_000);
    assert_eq!(
        refund(&app, &m, &order_id, Some(1), "refund-4")
            .await
            .code(),
        "REFUND_NOT_ALLOWED"
    );
    assert_eq!(balance(&app, &d).await["balance"]["minor"], 50_000);
    // Another merchant cannot touch it.
    let other = merchant(&app, "Other Shop").await;
    assert_eq!(
        refund(&app, &other, &order_id, None, "refund-5")
            .await
            .code(),
        "ORDER_NOT_FOUND"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn merchant_keys_and_validation() {
    let app = TestApp::new();
    let m = merchant(&app, "Lucky Noodles").await;
    let other = merchant(&app, "Other Shop").await;
    let qr = |key: Option<String>| {
        let (app, id) = (&app, m.id.clone());
        async move {
            app.merchant_call(
                Method::GET,
                &paths::merchant_qr(&id),
                key.as_deref(),
                None,
                &[],
            )
            .await
        }
    };
    assert_eq!(qr(Some(m.key.clone())).await.status, StatusCode::OK);
    for key in [None, Some("mk_wrong".to_owned()), Some(other.key.clone())] {
        let res = qr(key).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
        assert_eq!(res.code(), "MERCHANT_KEY_INVALID");
    }
    let res = app
        .merchant_call(
            Method::GET,
            &paths::merchant_order(&m.id, "ord_nope"),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.code(), "ORDER_NOT_FOUND");
    // Idempotency keys are required on money-moving merchant calls.
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_charges(&m.id),
            Some(&m.key),
            Some(json!({ "code": "280000000000000000", "amount": cny(1) })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "IDEMPOTENCY_KEY_MISSING");

    for (name, city, mcc) in [
        ("A name that is far too long", "Shanghai", "5812"),
        ("", "Shanghai", "5812"),
        ("Shop", "A city name too long", "5812"),
        ("Shop", "Shanghai", "58a2"),
        ("Shop", "Shanghai", "581"),
    ] {
        let res = app
            .post_json(
                paths::MERCHANTS,
                json!({ "name": name, "city": city, "mcc": mcc }),
            )
            .await;
        assert_eq!(res.code(), "MERCHANT_INVALID", "{name} {city} {mcc}");
    }

    let prod = TestApp::builder().sandbox(false).build();
    let res = prod
        .post_json(
            paths::MERCHANTS,
            json!({ "name": "Shop", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.code(), "SANDBOX_ONLY");
    assert_eq!(prod.get(paths::POS).await.code(), "SANDBOX_ONLY");
}

#[tokio::test]
async fn payment_limits_apply() {
    let app = TestApp::builder()
        .limits(Limits {
            payment_limit_fen: 5_000,
            payment_daily_limit_fen: 8_000,
            ..Limits::default()
        })
        .build();
    let d = app.payer(PHONE, PIN, 100_000).await;
    let m = merchant(&app, "Lucky Noodles").await;
    assert_eq!(
        pay(&app, &d, &m.payload, Some(5_001), PIN, "lim-1")
            .await
            .code(),
        "AMOUNT_OVER_LIMIT"
    );
    assert_eq!(
        pay(&app, &d, &m.payload, Some(5_000), PIN, "lim-2")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        pay(&app, &d, &m.payload, Some(3_001), PIN, "lim-3")
            .await
            .code(),
        "DAILY_LIMIT_REACHED"
    );
    assert_eq!(
        charge(&app, &m, &d.paycode(app.now(), 0), 3_001, "lim-4")
            .await
            .code(),
        "DAILY_LIMIT_REACHED"
    );
    let res = charge(&app, &m, &d.paycode(app.now(), 0), 3_000, "lim-5").await;
    assert_eq!(res.body["status"], "paid", "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn pos_page_and_qr_svg_are_served_in_sandbox() {
    let app = TestApp::new();
    let res = app.get(paths::POS).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("text/html"));
    let page = res.body.as_str().unwrap();
    assert!(page.contains("pos.js"));
    let res = app.get("/pos/qr.svg?payload=hello%20world").await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.content_type.as_deref(), Some("image/svg+xml"));
    assert!(res.body.as_str().unwrap().contains("<svg"));
    assert_eq!(app.get("/pos/qr.svg").await.code(), "MALFORMED_REQUEST");
}
