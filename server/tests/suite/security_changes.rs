//! Issue 13: a PIN reset, a PIN change and every change of the no-PIN settings are security
//! events (logged, told to the other devices; a reset starts a cooling-off); switching no-PIN
//! payments on or raising their limits needs the PIN, lowering does not; a top-up needs the
//! PIN like a withdrawal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, PASSWORD, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::Limits;

const PIN: &str = "280419";
const NEW_PIN: &str = "391827";

/// Device events `d` has not seen after `after`, by kind.
async fn events_after(app: &TestApp, d: &TestDevice, after: i64) -> (Vec<Value>, i64) {
    let res = app
        .signed_json(
            d,
            Method::GET,
            &format!("{}?after={after}", paths::EVENTS),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    (
        res.body["events"].as_array().unwrap().clone(),
        res.body["cursor"].as_i64().unwrap(),
    )
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

async fn security_log(app: &TestApp, d: &TestDevice) -> Vec<Value> {
    let res = app
        .signed_json(d, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["events"].as_array().unwrap().clone()
}

/// A payer `a` on its sign-up device and a second device `b` of the same account, with the
/// cooling-off `b`'s sign-in started already over.
async fn two_devices(app: &TestApp, topup: i64) -> (TestDevice, TestDevice) {
    let a = app.payer(PHONE, PIN, topup).await;
    let b = app.logged_in_device("desk").await;
    app.advance(Limits::default().cooling_off_secs + 1);
    (a, b)
}

async fn put_no_pin(
    app: &TestApp,
    d: &TestDevice,
    enabled: bool,
    per: i64,
    daily: i64,
    pin: Option<&str>,
) -> TestResponse {
    let mut body = json!({
        "no_pin_enabled": enabled,
        "no_pin_per_payment": cny(per),
        "no_pin_daily": cny(daily),
    });
    if let Some(p) = pin {
        body["pin"] = json!(p);
    }
    app.signed_json(d, Method::PUT, paths::PAYCODE_SETTINGS, Some(body), &[])
        .await
}

async fn top_up(
    app: &TestApp,
    d: &TestDevice,
    minor: i64,
    pin: Option<&str>,
    key: &str,
) -> TestResponse {
    let mut body = json!({ "amount": cny(minor) });
    if let Some(p) = pin {
        body["pin"] = json!(p);
    }
    app.signed_json(
        d,
        Method::POST,
        paths::TOPUPS,
        Some(body),
        &[("idempotency-key", key)],
    )
    .await
}

async fn withdraw(app: &TestApp, d: &TestDevice, minor: i64, pin: &str, key: &str) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::WITHDRAWALS,
        Some(json!({ "amount": cny(minor), "pin": pin })),
        &[("idempotency-key", key)],
    )
    .await
}

async fn pin_status(app: &TestApp, d: &TestDevice) -> Value {
    app.signed_json(d, Method::GET, paths::PIN, None, &[])
        .await
        .body
}

#[tokio::test]
async fn a_pin_reset_is_logged_notified_and_starts_a_cooling_off() {
    let app = TestApp::new();
    let (a, b) = two_devices(&app, 200_000).await;
    let (_, start) = events_after(&app, &b, 0).await;
    // `a` has seen `b`'s sign-in already.
    let (_, a_start) = events_after(&app, &a, 0).await;
    let status = app
        .signed_json(&a, Method::GET, paths::ACCOUNT_STATUS, None, &[])
        .await;
    assert_eq!(status.body["state"], "active", "{status:?}");

    let res = app
        .signed_json(
            &a,
            Method::POST,
            paths::PIN_RESET,
            Some(json!({ "password": PASSWORD })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let challenge = res.body["challenge_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(PHONE).await;
    let res = app
        .signed_json(
            &a,
            Method::POST,
            &paths::pin_reset_verify(&challenge),
            Some(json!({ "code": code, "new_pin": NEW_PIN })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");

    // The security log says so, naming the device, with no personal data.
    let log = security_log(&app, &b).await;
    assert_eq!(log[0]["kind"], "pin_reset", "{log:?}");
    assert!(log[0]["device_name"].is_string(), "{log:?}");
    assert!(log[0].get("detail").is_none(), "{log:?}");
    // The other device hears of it, with the cooling-off's end; the resetting one does not.
    let (events, _) = events_after(&app, &b, start).await;
    assert_eq!(kinds(&events), ["pin_reset"], "{events:?}");
    assert_eq!(events[0]["device_id"], a.id.as_str());
    assert!(events[0]["cooling_off_until"].is_string(), "{events:?}");
    let (own, _) = events_after(&app, &a, a_start).await;
    assert!(own.is_empty(), "{own:?}");

    // A cooling-off runs: the account status shows it and a large withdrawal waits.
    let status = app
        .signed_json(&a, Method::GET, paths::ACCOUNT_STATUS, None, &[])
        .await;
    assert_eq!(status.body["state"], "cooling_off", "{status:?}");
    assert_eq!(
        status.body["cooling_off_until"], events[0]["cooling_off_until"],
        "{status:?}"
    );
    let res = withdraw(&app, &a, 100_000, NEW_PIN, "after-reset-01").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_pin_change_is_logged_and_notified() {
    let app = TestApp::new();
    let (a, b) = two_devices(&app, 0).await;
    let (_, start) = events_after(&app, &b, 0).await;
    let res = app
        .signed_json(
            &a,
            Method::POST,
            paths::PIN_CHANGE,
            Some(json!({ "old_pin": PIN, "new_pin": NEW_PIN })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
    let log = security_log(&app, &b).await;
    assert_eq!(log[0]["kind"], "pin_changed", "{log:?}");
    let (events, _) = events_after(&app, &b, start).await;
    assert_eq!(kinds(&events), ["pin_changed"], "{events:?}");
    assert_eq!(events[0]["device_id"], a.id.as_str());
    // A change starts no cooling-off (the current PIN proved the user).
    assert!(events[0].get("cooling_off_until").is_none(), "{events:?}");
    let status = app
        .signed_json(&a, Method::GET, paths::ACCOUNT_STATUS, None, &[])
        .await;
    assert_eq!(status.body["state"], "active", "{status:?}");
    // A refused change (wrong current PIN) is not a change: nothing logged.
    let res = app
        .signed_json(
            &a,
            Method::POST,
            paths::PIN_CHANGE,
            Some(json!({ "old_pin": PIN, "new_pin": "502816" })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "PIN_WRONG", "{res:?}");
    let (events, _) = events_after(&app, &b, start).await;
    assert_eq!(kinds(&events), ["pin_changed"], "{events:?}");
}

#[tokio::test]
async fn raising_no_pin_limits_needs_the_pin_and_lowering_does_not() {
    let app = TestApp::new();
    let (a, b) = two_devices(&app, 0).await;
    let (_, start) = events_after(&app, &b, 0).await;

    // Lowering needs no PIN (defaults: on, ¥200 and ¥1,000).
    let res = put_no_pin(&app, &a, true, 5_000, 50_000, None).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["no_pin_per_payment"], cny(5_000));
    // Switching off needs none either.
    let res = put_no_pin(&app, &a, false, 5_000, 50_000, None).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["no_pin_enabled"], false);

    // Switching on again: PIN_REQUIRED without the PIN, and a wrong one uses a try.
    let res = put_no_pin(&app, &a, true, 5_000, 50_000, None).await;
    assert_eq!(res.code(), "PIN_REQUIRED", "{res:?}");
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = put_no_pin(&app, &a, true, 5_000, 50_000, Some("135792")).await;
    assert_eq!(res.code(), "PIN_WRONG", "{res:?}");
    assert!(
        res.body["detail"].as_str().unwrap().starts_with('4'),
        "{res:?}"
    );
    let res = put_no_pin(&app, &a, true, 5_000, 50_000, Some(PIN)).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["no_pin_enabled"], true);

    // Raising either limit while on needs the PIN.
    for (per, daily) in [(10_000, 50_000), (5_000, 60_000)] {
        let res = put_no_pin(&app, &a, true, per, daily, None).await;
        assert_eq!(res.code(), "PIN_REQUIRED", "{res:?}");
    }
    // Raising one and lowering the other is still a raise.
    let res = put_no_pin(&app, &a, true, 10_000, 40_000, None).await;
    assert_eq!(res.code(), "PIN_REQUIRED", "{res:?}");
    let res = put_no_pin(&app, &a, true, 10_000, 40_000, Some(PIN)).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["no_pin_per_payment"], cny(10_000));
    assert_eq!(res.body["no_pin_daily"], cny(40_000));
    // Sending the same settings again changes nothing and needs nothing.
    let res = put_no_pin(&app, &a, true, 10_000, 40_000, None).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");

    // Every change is logged (limits only) and told to the other device.
    let (events, _) = events_after(&app, &b, start).await;
    assert_eq!(kinds(&events), ["no_pin_changed"; 4], "{events:?}");
    let refs: Vec<&str> = events
        .iter()
        .map(|e| e["reference"].as_str().unwrap())
        .collect();
    assert_eq!(refs, ["lowered", "lowered", "raised", "raised"]);
    assert!(events.iter().all(|e| e["device_id"] == a.id.as_str()));
    let log = security_log(&app, &b).await;
    let details: Vec<&str> = log
        .iter()
        .filter(|e| e["kind"] == "no_pin_changed")
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        [
            "on, ¥100.00 per payment, ¥400.00 a day",
            "on, ¥50.00 per payment, ¥500.00 a day",
            "off",
            "on, ¥50.00 per payment, ¥500.00 a day",
        ]
    );
    assert!(pin_status(&app, &a).await["locked_until"].is_null());
}

#[tokio::test]
async fn a_top_up_needs_the_pin_like_a_withdrawal() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    let res = top_up(&app, &a, 10_000, None, "topup-no-pin-1").await;
    assert_eq!(res.code(), "PIN_REQUIRED", "{res:?}");
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    let res = top_up(&app, &a, 10_000, Some(""), "topup-no-pin-1").await;
    assert_eq!(res.code(), "PIN_FORMAT_INVALID", "{res:?}");
    // A wrong PIN uses a try: five lock the PIN, top-ups included.
    for left in (1..=4).rev() {
        let res = top_up(&app, &a, 10_000, Some("135792"), "topup-no-pin-1").await;
        assert_eq!(res.code(), "PIN_WRONG", "{res:?}");
        assert_eq!(res.body["detail"], format!("{left} tries left."));
    }
    let res = top_up(&app, &a, 10_000, Some(PIN), "topup-no-pin-1").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    // A retry of the accepted request needs no PIN and moves nothing twice.
    let again = top_up(&app, &a, 10_000, None, "topup-no-pin-1").await;
    assert_eq!(
        again.body["operation_id"], res.body["operation_id"],
        "{again:?}"
    );
    let balance = app
        .signed_json(&a, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(balance.body["balance"], cny(10_000), "{balance:?}");
    // Locked after five wrong tries: a top-up is refused like a withdrawal.
    for _ in 0..5 {
        top_up(&app, &a, 10_000, Some("135792"), "topup-no-pin-2").await;
    }
    let res = top_up(&app, &a, 10_000, Some(PIN), "topup-no-pin-2").await;
    assert_eq!(res.code(), "PIN_LOCKED", "{res:?}");
    app.assert_ledger().await;
}

/// Issue 13: a PIN reset, like a sign-in, cannot be used to test a stolen password while the
/// code limit holds: a right and a wrong one get the same `RATE_LIMITED`.
#[tokio::test]
async fn a_pin_reset_answers_a_right_and_a_wrong_password_alike_while_the_code_limit_holds() {
    let app = TestApp::new();
    let (a, _b) = two_devices(&app, 0).await;
    let start = |password: &'static str| {
        app.signed_json(
            &a,
            Method::POST,
            paths::PIN_RESET,
            Some(json!({ "password": password })),
            &[],
        )
    };
    let res = start(PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    // A second code to the same phone within 30 seconds is refused: both passwords alike.
    let right = start(PASSWORD).await;
    let wrong = start("not-the-password-at-all-42").await;
    assert_eq!(right.code(), "RATE_LIMITED", "{right:?}");
    assert_eq!(wrong.code(), "RATE_LIMITED", "{wrong:?}");
    assert_eq!(right.retry_after, wrong.retry_after);
    // Once it lifts, the wrong password is told apart again (and only then counted).
    app.advance(31);
    assert_eq!(
        start("not-the-password-at-all-42").await.code(),
        "CREDENTIALS_INVALID"
    );
}
