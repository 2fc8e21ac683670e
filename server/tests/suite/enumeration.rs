//! Whether a phone number has an account is told only within a look-up budget (issue 13):
//! sign-up's `PHONE_TAKEN` and `/v1/login/sms` per client IP, `RECIPIENT_NOT_FOUND` of a
//! transfer per device (the recipient look-up's own budget), `PAYER_NOT_FOUND` per merchant.
//! And the other floods of the same section: card-binding codes through the send limiter,
//! invalid payment codes per merchant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::Limits;

const PIN: &str = "280419";
const PROBER: &str = "198.51.100.66";

async fn post_from(app: &TestApp, path: &str, body: Value, peer: &str) -> TestResponse {
    let mut req = Request::post(path)
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    let peer: SocketAddr = format!("{peer}:4000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    app.send(req).await
}

async fn signup_from(app: &TestApp, phone: &str, peer: &str) -> TestResponse {
    post_from(
        app,
        paths::SIGNUP,
        json!({ "phone": phone, "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD }),
        peer,
    )
    .await
}

async fn sms_login_from(app: &TestApp, phone: &str, peer: &str) -> TestResponse {
    post_from(app, paths::LOGIN_SMS, json!({ "phone": phone }), peer).await
}

#[tokio::test]
async fn phone_taken_at_sign_up_is_told_only_within_the_address_budget() {
    let app = TestApp::builder()
        .limits(Limits {
            signed_out_lookups_per_hour: 2,
            ..Limits::default()
        })
        .build();
    for phone in ["13900000001", "13900000002"] {
        app.signed_up_device_for(phone).await;
    }
    assert_eq!(
        signup_from(&app, "13900000001", PROBER).await.code(),
        "PHONE_TAKEN"
    );
    assert_eq!(
        signup_from(&app, "13900000002", PROBER).await.code(),
        "PHONE_TAKEN"
    );
    // Asking again about a number is free; a third number is not told, whether it has an
    // account or not.
    assert_eq!(
        signup_from(&app, "13900000001", PROBER).await.code(),
        "PHONE_TAKEN"
    );
    let res = signup_from(&app, "13900000003", PROBER).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 3600);
    assert_eq!(
        signup_from(&app, PHONE, PROBER).await.code(),
        "RATE_LIMITED"
    );
    app.advance(3600);
    let res = signup_from(&app, "13900000003", PROBER).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
}

#[tokio::test]
async fn sms_login_tells_nothing_before_its_limits() {
    let app = TestApp::builder()
        .limits(Limits {
            signed_out_lookups_per_hour: 2,
            ..Limits::default()
        })
        .build();
    // An account that just got a code (its 30-s spacing runs) answers like any other number
    // would under that limit, before its SMS-only setting is looked at.
    app.signed_up_device().await;
    let res = sms_login_from(&app, PHONE, PROBER).await;
    assert_eq!(res.code(), "RATE_LIMITED", "{res:?}");
    assert_eq!(
        sms_login_from(&app, "13900000001", PROBER).await.code(),
        "SMS_LOGIN_DISABLED"
    );
    // Two numbers asked about: a third is not told.
    assert_eq!(
        sms_login_from(&app, "13900000002", PROBER).await.code(),
        "RATE_LIMITED"
    );
    // Another address has its own budget.
    assert_eq!(
        sms_login_from(&app, "13900000002", "198.51.100.67")
            .await
            .code(),
        "SMS_LOGIN_DISABLED"
    );
}

async fn transfer(app: &TestApp, d: &TestDevice, to: &str, key: &str) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::TRANSFERS,
        Some(json!({ "to_phone": to, "amount": cny(1), "pin": PIN })),
        &[("idempotency-key", &format!("idem-{key}"))],
    )
    .await
}

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

#[tokio::test]
async fn a_one_fen_transfer_is_a_look_up_within_the_same_budget() {
    let app = TestApp::builder()
        .limits(Limits {
            recipient_lookups_per_hour: 3,
            ..Limits::default()
        })
        .build();
    let a = app.payer(PHONE, PIN, 10_000).await;
    app.signed_up_device_for("13900000009").await;
    // A looked-up recipient costs nothing more to pay.
    assert_eq!(lookup(&app, &a, "13900000009").await.status, StatusCode::OK);
    let res = transfer(&app, &a, "13900000009", "paid-1").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    // Unknown numbers by 1-fen transfers count like look-ups.
    for (i, phone) in ["13900000001", "13900000002"].into_iter().enumerate() {
        let res = transfer(&app, &a, phone, &format!("probe-{i}")).await;
        assert_eq!(res.code(), "RECIPIENT_NOT_FOUND");
    }
    let res = transfer(&app, &a, "13900000003", "probe-3").await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(lookup(&app, &a, "13900000004").await.code(), "RATE_LIMITED");
    // The known recipient stays payable.
    let res = transfer(&app, &a, "13900000009", "paid-2").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.assert_ledger().await;
}

async fn merchant(app: &TestApp) -> (String, String) {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": "Lucky Noodles", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    (
        res.body["merchant"]["merchant_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        res.body["api_key"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
async fn payer_not_found_is_told_only_within_the_merchants_budget() {
    let app = TestApp::builder()
        .limits(Limits {
            payer_lookups_per_hour: 2,
            ..Limits::default()
        })
        .build();
    app.signed_up_device().await;
    let (id, key) = merchant(&app).await;
    let order = |phone: &'static str| {
        let (id, key) = (id.clone(), key.clone());
        let app = &app;
        async move {
            app.merchant_call(
                Method::POST,
                &paths::merchant_orders(&id),
                Some(&key),
                Some(json!({ "amount": cny(100), "phone": phone })),
                &[],
            )
            .await
        }
    };
    assert_eq!(order(PHONE).await.status, StatusCode::CREATED);
    assert_eq!(order("13900000001").await.code(), "PAYER_NOT_FOUND");
    let res = order("13900000002").await;
    assert_eq!(res.code(), "RATE_LIMITED");
    // A payer already named this hour stays free.
    assert_eq!(order(PHONE).await.status, StatusCode::CREATED);
}

fn test_card() -> String {
    wallet_server::ports::sandbox_bank::test_cards()
        .into_iter()
        .find(|c| {
            c.outcome == wallet_server::ports::sandbox_bank::Outcome::Approve
                && c.card_type.label_en() == "Debit"
        })
        .unwrap()
        .number
}

#[tokio::test]
async fn card_binding_codes_go_through_the_send_limiter() {
    let app = TestApp::new(); // codes to one phone 30 s apart, 5 per 15 min
    let d = app.signed_up_device().await;
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::PIN,
            Some(json!({ "pin": PIN })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
    let bind = |bank_phone: &'static str| {
        let (app, d) = (&app, &d);
        async move {
            app.signed_json(
                d,
                Method::POST,
                paths::CARDS,
                Some(json!({ "number": test_card(), "bank_phone": bank_phone })),
                &[],
            )
            .await
        }
    };
    // The account's own number just got its sign-up code: card codes count apart from it.
    assert_eq!(bind(PHONE).await.status, StatusCode::ACCEPTED);
    let res = bind(PHONE).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 30);
    for _ in 0..4 {
        app.advance(30);
        assert_eq!(bind(PHONE).await.status, StatusCode::ACCEPTED);
    }
    app.advance(30);
    assert_eq!(bind(PHONE).await.code(), "RATE_LIMITED", "5 per 15 min");
    let outbox = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    let card_codes = outbox.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["purpose"] == "card_bind")
        .count();
    assert_eq!(card_codes, 5);
}

async fn charge(app: &TestApp, id: &str, key: &str, code: &str, idem: &str) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_charges(id),
        Some(key),
        Some(json!({ "code": code, "amount": cny(100) })),
        &[("idempotency-key", &format!("idem-{idem}"))],
    )
    .await
}

#[tokio::test]
async fn invalid_payment_codes_are_limited_per_merchant() {
    let app = TestApp::builder()
        .limits(Limits {
            paycode_invalid_max: 3,
            paycode_invalid_window_secs: 60,
            ..Limits::default()
        })
        .build();
    let payer = app.payer(PHONE, PIN, 10_000).await;
    let (id, key) = merchant(&app).await;
    let (other_id, other_key) = merchant(&app).await;
    for (i, code) in ["123456789012345678", "not a code", "287654321098765432"]
        .into_iter()
        .enumerate()
    {
        let res = charge(&app, &id, &key, code, &format!("bad-{i}")).await;
        assert_eq!(res.code(), "PAYCODE_INVALID");
    }
    // Over the limit even a valid code waits: guesses cannot go on.
    let good = payer.paycode(app.now(), 0);
    let res = charge(&app, &id, &key, &good, "good-1").await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert!(res.body["retry_after_secs"].as_u64().unwrap() <= 60);
    // Another merchant is not affected.
    let res = charge(&app, &other_id, &other_key, &good, "good-2").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.advance(61);
    let fresh = payer.paycode(app.now(), 0);
    let res = charge(&app, &id, &key, &fresh, "good-3").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.assert_ledger().await;
}
