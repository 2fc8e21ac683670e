//! Lost phone (issue 5): report-lost freezes every money channel, answers never reveal
//! anything, rate limits, unfreeze with ID + PIN, cooling-off, device events, security log.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, ID_NUMBER, NAME, PASSWORD, PHONE};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_server::store::FreezeScope;
use wallet_server::Limits;

const PIN: &str = "280419";
/// A valid resident ID number that is not the account's.
const OTHER_ID: &str = "110105194912310038";

async fn topup_req(app: &TestApp, d: &TestDevice, minor: i64, key: &str) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::TOPUPS,
        Some(json!({ "amount": cny(minor), "pin": PIN })),
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

struct Merchant {
    id: String,
    key: String,
    payload: String,
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
        payload: res.body["payload"].as_str().unwrap().to_owned(),
    }
}

async fn charge(app: &TestApp, m: &Merchant, code: &str, minor: i64, key: &str) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_charges(&m.id),
        Some(&m.key),
        Some(json!({ "code": code, "amount": cny(minor) })),
        &[("idempotency-key", key)],
    )
    .await
}

async fn report(app: &TestApp, body: Value) -> TestResponse {
    app.post_json(paths::REPORT_LOST, body).await
}

async fn status(app: &TestApp, d: &TestDevice) -> Value {
    let res = app
        .signed_json(d, Method::GET, paths::ACCOUNT_STATUS, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

async fn unfreeze(app: &TestApp, d: &TestDevice, id_number: &str, pin: &str) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        paths::UNFREEZE,
        Some(json!({ "id_number": id_number, "pin": pin })),
        &[],
    )
    .await
}

fn assert_received(res: &TestResponse) {
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    assert_eq!(res.body, json!({ "received": true }));
}

#[tokio::test]
async fn report_lost_freezes_every_channel_and_unfreeze_is_hard() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 200_000).await;
    let m = merchant(&app).await;
    // Made before the freeze (the phone could be offline since).
    let code_before = a.paycode(app.now(), 0);
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_orders(&m.id),
            Some(&m.key),
            Some(json!({ "amount": cny(8_800), "phone": PHONE })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let order_id = res.body["order_id"].as_str().unwrap().to_owned();

    // Wrong details and an unknown phone: the same answer, nothing frozen.
    let wrong_name = report(
        &app,
        json!({ "phone": PHONE, "name": "王芳", "id_last6": "31002X" }),
    )
    .await;
    assert_received(&wrong_name);
    let wrong_id = report(
        &app,
        json!({ "phone": PHONE, "name": NAME, "id_last6": "310021" }),
    )
    .await;
    assert_received(&wrong_id);
    let wrong_password = report(
        &app,
        json!({ "phone": PHONE, "password": "nope-nope-nope-1" }),
    )
    .await;
    assert_received(&wrong_password);
    let unknown = report(
        &app,
        json!({ "phone": "13900001111", "name": NAME, "id_last6": "31002X" }),
    )
    .await;
    assert_received(&unknown);
    assert_eq!(status(&app, &a).await["state"], "active");
    // Malformed input is said to be malformed (it reveals nothing about the account).
    assert_eq!(
        report(&app, json!({ "phone": PHONE, "name": NAME }))
            .await
            .code(),
        "MALFORMED_REQUEST"
    );

    // The right details (lower-case x accepted) freeze.
    let right = report(
        &app,
        json!({ "phone": PHONE, "name": NAME, "id_last6": "31002x" }),
    )
    .await;
    assert_received(&right);
    assert_eq!(right.content_type, unknown.content_type);

    // The lost device is told on its next request (it wipes itself).
    let res = app.signed(&a, Method::GET, paths::BALANCE).await;
    assert_eq!(res.code(), "DEVICE_REVOKED", "{res:?}");

    // The payment code made before the freeze: refused with the reason.
    let res = charge(&app, &m, &code_before, 1_000, "charge-after-freeze").await;
    assert_eq!(res.code(), "ACCOUNT_FROZEN", "{res:?}");
    assert_eq!(res.status.as_u16(), 423);

    // A new device can sign in (password + SMS code) but moves no money.
    let c = app.logged_in_device("new phone").await;
    let st = status(&app, &c).await;
    assert_eq!(st["state"], "frozen", "{st}");
    assert!(st["frozen_since"].is_string());
    let res = app
        .signed_json(
            &c,
            Method::POST,
            paths::QR_PAYMENTS,
            Some(json!({ "payload": m.payload, "amount": cny(1_000), "pin": PIN })),
            &[("idempotency-key", "qr-after-freeze")],
        )
        .await;
    assert_eq!(res.code(), "ACCOUNT_FROZEN", "{res:?}");
    let res = app
        .signed_json(
            &c,
            Method::POST,
            &paths::order_confirm(&order_id),
            Some(json!({ "pin": PIN })),
            &[("idempotency-key", "confirm-after-freeze")],
        )
        .await;
    assert_eq!(res.code(), "ACCOUNT_FROZEN", "{res:?}");
    assert_eq!(
        withdraw(&app, &c, 1_000, PIN, "withdraw-frozen")
            .await
            .code(),
        "ACCOUNT_FROZEN"
    );
    assert_eq!(
        topup_req(&app, &c, 1_000, "topup-frozen").await.code(),
        "ACCOUNT_FROZEN"
    );
    // The order that waited for the payer was closed by the freeze.
    let res = app
        .merchant_call(
            Method::GET,
            &paths::merchant_order(&m.id, &order_id),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["status"], "declined", "{res:?}");
    app.assert_ledger().await;

    // Unfreeze: wrong ID number, wrong PIN refused; right ones unfreeze with a cooling-off.
    assert_eq!(
        unfreeze(&app, &c, OTHER_ID, PIN).await.code(),
        "UNFREEZE_DENIED"
    );
    assert_eq!(
        unfreeze(&app, &c, ID_NUMBER, "135792").await.code(),
        "PIN_WRONG"
    );
    assert_eq!(
        unfreeze(&app, &c, "123", PIN).await.code(),
        "ID_NUMBER_INVALID"
    );
    assert_eq!(status(&app, &c).await["state"], "frozen");
    let res = unfreeze(&app, &c, ID_NUMBER, PIN).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["state"], "cooling_off");
    assert_eq!(res.body["cooling_off_limit"], cny(50_000));
    assert_eq!(
        unfreeze(&app, &c, ID_NUMBER, PIN).await.code(),
        "NOT_FROZEN"
    );

    // The old code now answers like any revoked device's.
    let res = charge(
        &app,
        &m,
        &a.paycode(app.now(), 0),
        1_000,
        "charge-after-unfreeze",
    )
    .await;
    assert_eq!(res.code(), "PAYCODE_INVALID", "{res:?}");

    // Cooling-off: a large withdrawal waits (with the end time), a small one goes.
    let res = withdraw(&app, &c, 100_000, PIN, "withdraw-big").await;
    assert_eq!(res.code(), "COOLING_OFF", "{res:?}");
    assert_eq!(res.status.as_u16(), 423);
    let retry: u64 = res.retry_after.as_deref().unwrap().parse().unwrap();
    assert!(retry > 86_000 && retry <= 86_400, "{retry}");
    assert!(res.body["detail"].as_str().unwrap().contains("Until"));
    let res = withdraw(&app, &c, 30_000, PIN, "withdraw-small").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    // Top-ups and payments work again.
    let res = topup_req(&app, &c, 1_000, "topup-after").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    // After 24 hours the big one goes too.
    app.advance(86_401);
    assert_eq!(status(&app, &c).await["state"], "active");
    let res = withdraw(&app, &c, 100_000, PIN, "withdraw-big-later").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    app.assert_ledger().await;

    // The security log tells the story, newest first.
    let res = app
        .signed_json(&c, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let kinds: Vec<&str> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "unfrozen",
            "device_enrolled",
            "sign_in",
            "frozen",
            "device_revoked",
            "card_bound",
            "device_enrolled"
        ]
    );
    let frozen = &res.body["events"][3];
    assert_eq!(frozen["detail"], "reported lost (name + ID)");
    // Paging.
    let res = app
        .signed_json(
            &c,
            Method::GET,
            &format!("{}?limit=2", paths::SECURITY_LOG),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["events"].as_array().unwrap().len(), 2);
    let before = res.body["next_before"].as_i64().unwrap();
    let res = app
        .signed_json(
            &c,
            Method::GET,
            &format!("{}?before={before}&limit=10", paths::SECURITY_LOG),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["events"][0]["kind"], "sign_in");
    assert_eq!(res.body["next_before"], Value::Null);
}

#[tokio::test]
async fn password_report_can_spare_the_other_device() {
    let app = TestApp::new();
    let desk = app.payer(PHONE, PIN, 10_000).await;
    let lost = app.logged_in_device("lost phone").await;
    let res = report(
        &app,
        json!({ "phone": PHONE, "password": PASSWORD, "device_id": lost.id }),
    )
    .await;
    assert_received(&res);
    assert_eq!(
        app.signed(&lost, Method::GET, paths::BALANCE).await.code(),
        "DEVICE_REVOKED"
    );
    // The spared device still works, but the money is frozen until it unfreezes.
    assert_eq!(status(&app, &desk).await["state"], "frozen");
    assert_eq!(
        withdraw(&app, &desk, 1_000, PIN, "withdraw-frozen")
            .await
            .code(),
        "ACCOUNT_FROZEN"
    );
    let res = unfreeze(&app, &desk, ID_NUMBER, PIN).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = withdraw(&app, &desk, 1_000, PIN, "withdraw-after").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn report_lost_is_rate_limited_per_phone_and_per_ip() {
    let app = TestApp::builder()
        .limits(Limits {
            report_lost_per_phone_max: 3,
            report_lost_per_ip_max: 5,
            ..Limits::default()
        })
        .build();
    let a = app.signed_up_device().await;
    for _ in 0..3 {
        assert_received(
            &report(
                &app,
                json!({ "phone": PHONE, "name": "王芳", "id_last6": "000000" }),
            )
            .await,
        );
    }
    let res = report(
        &app,
        json!({ "phone": PHONE, "name": NAME, "id_last6": "31002X" }),
    )
    .await;
    assert_eq!(res.code(), "RATE_LIMITED", "{res:?}");
    assert!(res.retry_after.is_some());
    // The refused right report froze nothing.
    assert_eq!(status(&app, &a).await["state"], "active");
    // Other phones from the same IP: the IP budget (5) runs out after two more.
    assert_received(&report(&app, json!({ "phone": "13900001111", "password": "x" })).await);
    assert_received(&report(&app, json!({ "phone": "13900002222", "password": "x" })).await);
    assert_eq!(
        report(&app, json!({ "phone": "13900003333", "password": "x" }))
            .await
            .code(),
        "RATE_LIMITED"
    );
    // The window passes.
    app.advance(3_601);
    assert_received(
        &report(
            &app,
            json!({ "phone": PHONE, "name": NAME, "id_last6": "31002X" }),
        )
        .await,
    );
    assert_eq!(
        app.signed(&a, Method::GET, paths::BALANCE).await.code(),
        "DEVICE_REVOKED"
    );
}

#[tokio::test]
async fn a_new_device_notifies_the_others_and_starts_a_cooling_off() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 100_000).await;
    let res = app
        .signed_json(&a, Method::GET, paths::EVENTS, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["events"], json!([]));
    let start = res.body["cursor"].as_i64().unwrap();
    assert_eq!(status(&app, &a).await["state"], "active");

    let b = app.logged_in_device("someone's phone").await;
    let res = app
        .signed_json(
            &a,
            Method::GET,
            &format!("{}?after={start}", paths::EVENTS),
            None,
            &[],
        )
        .await;
    let events = res.body["events"].as_array().unwrap().clone();
    assert_eq!(events.len(), 1, "{res:?}");
    assert_eq!(events[0]["kind"], "new_device");
    assert_eq!(events[0]["device_name"], "someone's phone");
    assert!(events[0]["cooling_off_until"].is_string());
    let cursor = res.body["cursor"].as_i64().unwrap();
    // Nothing new after the cursor; the new device does not hear of itself.
    let res = app
        .signed_json(
            &a,
            Method::GET,
            &format!("{}?after={cursor}", paths::EVENTS),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["events"], json!([]));
    assert_eq!(res.body["cursor"], cursor);
    let res = app
        .signed_json(&b, Method::GET, paths::EVENTS, None, &[])
        .await;
    assert_eq!(res.body["events"], json!([]));

    // The cooling-off holds for every device of the account.
    assert_eq!(status(&app, &a).await["state"], "cooling_off");
    assert_eq!(
        withdraw(&app, &a, 60_000, PIN, "withdraw-big").await.code(),
        "COOLING_OFF"
    );
    let res = withdraw(&app, &a, 50_000, PIN, "withdraw-at-limit").await;
    assert_eq!(res.body["status"], "succeeded", "{res:?}");

    // "Not you? Freeze now": the old device hears of the freeze too (via the feed, before
    // its next request is refused) — here the other device is spared.
    assert_received(
        &report(
            &app,
            json!({ "phone": PHONE, "password": PASSWORD, "device_id": b.id }),
        )
        .await,
    );
    let res = app
        .signed_json(
            &a,
            Method::GET,
            &format!("{}?after={cursor}", paths::EVENTS),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["events"][0]["kind"], "frozen", "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_new_device_hears_only_of_events_after_its_enrolment() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    let _b = app.logged_in_device("tablet").await;
    let res = app
        .signed_json(&a, Method::POST, paths::FREEZE, Some(json!({})), &[])
        .await;
    assert_eq!(res.body["state"], "frozen", "{res:?}");
    let feed = |d: &TestDevice| {
        let (app, d) = (&app, d.clone());
        async move {
            let res = app
                .signed_json(&d, Method::GET, paths::EVENTS, None, &[])
                .await;
            assert_eq!(res.status, StatusCode::OK, "{res:?}");
            res.body["events"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["kind"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(feed(&a).await, ["new_device", "frozen"]);
    // C, enrolled now, does not hear of B's arrival or the freeze (old news, not "not you?").
    let c = app.logged_in_device("new phone").await;
    assert_eq!(feed(&c).await, Vec::<String>::new());
    let res = unfreeze(&app, &c, ID_NUMBER, PIN).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let _d = app.logged_in_device("later").await;
    assert_eq!(feed(&c).await, ["new_device"]);
    assert_eq!(
        feed(&a).await,
        [
            "new_device",
            "frozen",
            "new_device",
            "unfrozen",
            "new_device"
        ]
    );
}

#[tokio::test]
async fn one_tap_freeze_from_the_new_device_notice() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 100_000).await;
    let intruder = app.logged_in_device("someone's phone").await;
    let other = app.logged_in_device("tablet").await;
    let res = app
        .signed_json(&a, Method::GET, paths::EVENTS, None, &[])
        .await;
    let new_device = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "new_device" && e["device_name"] == "someone's phone")
        .cloned()
        .unwrap_or_else(|| panic!("no new_device event: {res:?}"));
    assert_eq!(new_device["device_id"], intruder.id.as_str());

    let freeze = |body: Value| {
        let app = &app;
        let a = &a;
        async move {
            app.signed_json(a, Method::POST, paths::FREEZE, Some(body), &[])
                .await
        }
    };
    // Naming itself or a stranger's device is refused and freezes nothing.
    assert_eq!(
        freeze(json!({ "device_id": a.id })).await.code(),
        "MALFORMED_REQUEST"
    );
    assert_eq!(
        freeze(json!({ "device_id": "dev_00000000000000000000000000" }))
            .await
            .code(),
        "NOT_FOUND"
    );
    assert_eq!(status(&app, &a).await["state"], "cooling_off");

    let res = freeze(json!({ "device_id": new_device["device_id"] })).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["state"], "frozen", "{res:?}");
    assert_eq!(
        app.signed(&intruder, Method::GET, paths::BALANCE)
            .await
            .code(),
        "DEVICE_REVOKED"
    );
    // Only the named device: the tablet still signs in (and sees the freeze), money is frozen.
    assert_eq!(status(&app, &other).await["state"], "frozen");
    assert_eq!(
        withdraw(&app, &a, 1_000, PIN, "w-frozen").await.code(),
        "ACCOUNT_FROZEN"
    );

    // Without a device: every other device goes; this one stays and unfreezes.
    let res = freeze(json!({})).await;
    assert_eq!(res.body["state"], "frozen", "{res:?}");
    assert_eq!(
        app.signed(&other, Method::GET, paths::BALANCE).await.code(),
        "DEVICE_REVOKED"
    );
    let res = unfreeze(&app, &a, ID_NUMBER, PIN).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["state"], "cooling_off");
    let log = app
        .signed_json(&a, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    let kinds: Vec<&str> = log.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    assert!(
        kinds.contains(&"frozen") && kinds.contains(&"device_revoked"),
        "{kinds:?}"
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn sms_login_setting_is_off_by_default_logged_and_notified() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    let b = app.logged_in_device("desk").await;
    // Switching on needs the PIN.
    for (body, code) in [
        (json!({ "sms_login_enabled": true }), "PIN_FORMAT_INVALID"),
        (
            json!({ "sms_login_enabled": true, "pin": "135792" }),
            "PIN_WRONG",
        ),
    ] {
        let res = app
            .signed_json(&a, Method::PUT, paths::SETTINGS, Some(body), &[])
            .await;
        assert_eq!(res.code(), code, "{res:?}");
    }
    let res = app
        .signed_json(&a, Method::GET, paths::SETTINGS, None, &[])
        .await;
    assert_eq!(res.body["sms_login_enabled"], false, "{res:?}");
    let res = app
        .signed_json(
            &a,
            Method::PUT,
            paths::SETTINGS,
            Some(json!({ "sms_login_enabled": true, "pin": PIN })),
            &[],
        )
        .await;
    assert_eq!(res.body["sms_login_enabled"], true, "{res:?}");
    let res = app
        .signed_json(&b, Method::GET, paths::EVENTS, None, &[])
        .await;
    let kinds: Vec<&str> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["sms_login_changed"]);
    let res = app
        .signed_json(&b, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    assert_eq!(res.body["events"][0]["kind"], "sms_login_changed");
    assert_eq!(res.body["events"][0]["detail"], "on");
}

#[tokio::test]
async fn wrong_id_numbers_share_the_pin_budget() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    assert_received(&report(&app, json!({ "phone": PHONE, "password": PASSWORD })).await);
    assert_eq!(
        app.signed(&a, Method::GET, paths::ME).await.code(),
        "DEVICE_REVOKED"
    );
    let c = app.logged_in_device("new phone").await;
    for _ in 0..4 {
        let res = unfreeze(&app, &c, OTHER_ID, PIN).await;
        assert_eq!(res.code(), "UNFREEZE_DENIED", "{res:?}");
    }
    let res = unfreeze(&app, &c, OTHER_ID, PIN).await;
    assert_eq!(res.code(), "PIN_LOCKED", "{res:?}");
    // Locked: even the right details wait.
    assert_eq!(
        unfreeze(&app, &c, ID_NUMBER, PIN).await.code(),
        "PIN_LOCKED"
    );
    assert_eq!(status(&app, &c).await["state"], "frozen");
    let res = app
        .signed_json(&c, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    assert_eq!(res.body["events"][0]["kind"], "pin_locked", "{res:?}");
    // No number change while frozen.
    let res = app
        .signed_json(
            &c,
            Method::POST,
            paths::PHONE_CHANGE,
            Some(
                json!({ "new_phone": "13900002222", "password": PASSWORD, "id_number": ID_NUMBER }),
            ),
            &[],
        )
        .await;
    assert_eq!(res.code(), "ACCOUNT_FROZEN", "{res:?}");
}

const BIN: &str = env!("CARGO_BIN_EXE_wallet-server");

fn support(args: &[&str]) -> (bool, Value) {
    let out = std::process::Command::new(BIN)
        .arg("support")
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    (
        out.status.success(),
        serde_json::from_str(&stdout).unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn support_freezes_and_looks_up_on_the_database() {
    let app = TestApp::new();
    let a = app.signed_up_device().await;
    let db = app.db_url.clone();
    // The tools read sealed ID numbers: they take the server's master key.
    let (ok, v) = support(&["lookup", "--phone", PHONE, "--db", &db]);
    assert!(!ok, "no key, no look-up: {v}");
    let key = app.master_key_file();
    let support = |args: &[&str]| {
        let mut args = args.to_vec();
        args.extend(["--master-key-file", key.as_str()]);
        support(&args)
    };
    let (ok, v) = support(&["lookup", "--phone", PHONE, "--db", &db]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "active");
    assert_eq!(v["phone_masked"], "+86 138****5678");
    assert_eq!(v["id_last4"], "002X");
    assert_ne!(v["name_masked"], NAME);
    let text = v.to_string();
    assert!(!text.contains(ID_NUMBER) && !text.contains("13812345678") && !text.contains(NAME));
    assert_eq!(v["devices"].as_array().unwrap().len(), 1);

    let (ok, v) = support(&[
        "freeze",
        "--phone",
        PHONE,
        "--db",
        &db,
        "--reason",
        "caller verified",
    ]);
    assert!(ok, "{v}");
    assert_eq!(v["devices_revoked"], 1);
    assert_eq!(v["already_frozen"], false);
    assert_eq!(
        app.signed(&a, Method::GET, paths::ME).await.code(),
        "DEVICE_REVOKED"
    );
    let (ok, v) = support(&["lookup", "--phone", PHONE, "--db", &db]);
    assert!(ok, "{v}");
    assert_eq!(v["state"], "frozen");
    assert!(v["devices"][0]["revoked_at"].is_string());
    assert_eq!(v["security_log"][0]["kind"], "frozen");
    assert_eq!(v["security_log"][0]["detail"], "support: caller verified");

    let (ok, v) = support(&["freeze", "--phone", PHONE, "--db", &db]);
    assert!(ok && v["already_frozen"] == true, "{v}");
    let (ok, v) = support(&["lookup", "--phone", "13900001111", "--db", &db]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "NOT_FOUND");
    let (ok, v) = support(&["lookup", "--phone", PHONE, "--db", "/nonexistent/x.db"]);
    assert!(!ok);
    assert_eq!(v["error"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn sms_only_login_works_only_when_switched_on() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    let sms_login = |phone: &'static str| {
        let app = &app;
        async move {
            app.post_json(paths::LOGIN_SMS, json!({ "phone": phone }))
                .await
        }
    };
    // Off by default; a phone without an account answers the same (once the sign-up code's
    // spacing is over: until then both answer `RATE_LIMITED`).
    app.advance(31);
    assert_eq!(sms_login(PHONE).await.code(), "SMS_LOGIN_DISABLED");
    assert_eq!(sms_login("13900001111").await.code(), "SMS_LOGIN_DISABLED");
    let res = app
        .signed_json(
            &a,
            Method::PUT,
            paths::SETTINGS,
            Some(json!({ "sms_login_enabled": true, "pin": PIN })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.advance(31);
    let res = sms_login(PHONE).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let challenge = res.body["challenge_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(PHONE).await;
    let b = TestDevice::new();
    let res = app.verify(&challenge, &code, &b).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    // The new device is announced and starts a cooling-off.
    assert_eq!(status(&app, &a).await["state"], "cooling_off");
    let res = app
        .signed_json(&a, Method::GET, paths::EVENTS, None, &[])
        .await;
    let kinds: Vec<&str> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["new_device"]);
}

#[tokio::test]
async fn card_changes_reach_the_security_log() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    let res = app
        .signed_json(&a, Method::GET, paths::CARDS, None, &[])
        .await;
    let card = res.body["cards"][0]["card_id"].as_str().unwrap().to_owned();
    let res = app
        .signed_json(&a, Method::POST, &paths::card_report_lost(&card), None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let res = app
        .signed_json(&a, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    let kinds: Vec<&str> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["card_reported_lost", "card_bound", "device_enrolled"]
    );
    assert!(res.body["events"][0]["detail"]
        .as_str()
        .unwrap()
        .starts_with("card ending "));
}

#[tokio::test]
async fn orders_waiting_for_the_pin_reach_the_event_feed() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 100_000).await;
    let m = merchant(&app).await;
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_orders(&m.id),
            Some(&m.key),
            Some(json!({ "amount": cny(8_800), "phone": PHONE })),
            &[],
        )
        .await;
    let remote = res.body["order_id"].as_str().unwrap().to_owned();
    // Over the ¥200 no-PIN limit: the charge waits for the PIN.
    let res = charge(&app, &m, &a.paycode(app.now(), 0), 30_000, "charge-big").await;
    assert_eq!(res.body["status"], "open", "{res:?}");
    let waiting = res.body["order_id"].as_str().unwrap().to_owned();
    let res = app
        .signed_json(&a, Method::GET, paths::EVENTS, None, &[])
        .await;
    let events: Vec<(String, String)> = res.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["kind"].as_str().unwrap().to_owned(),
                e["reference"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert_eq!(
        events,
        [
            ("order_waiting".to_owned(), remote),
            ("order_waiting".to_owned(), waiting)
        ]
    );
}

async fn start_change(app: &TestApp, d: &TestDevice, body: Value) -> TestResponse {
    app.signed_json(d, Method::POST, paths::PHONE_CHANGE, Some(body), &[])
        .await
}

async fn finish_change(app: &TestApp, d: &TestDevice, id: &str, body: Value) -> TestResponse {
    app.signed_json(
        d,
        Method::POST,
        &paths::phone_change_verify(id),
        Some(body),
        &[],
    )
    .await
}

#[tokio::test]
async fn phone_change_with_the_id_number_can_unbind_the_cards() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    let b = app.logged_in_device("desk").await;
    let other = app.signed_up_device_for("13900003333").await;
    let _ = other;
    // Its sign-up code was just sent: while that number's code limit holds, every start
    // answers RATE_LIMITED, whatever the password.
    app.advance(31);
    const NEW: &str = "13900002222";
    // Refusals: wrong password, wrong ID number, a number with an account.
    for (body, code) in [
        (
            json!({ "new_phone": NEW, "password": "wrong-Horse-battery-staple-00", "id_number": ID_NUMBER }),
            "CREDENTIALS_INVALID",
        ),
        (
            json!({ "new_phone": NEW, "password": PASSWORD, "id_number": OTHER_ID }),
            "CREDENTIALS_INVALID",
        ),
        (
            json!({ "new_phone": "13900003333", "password": PASSWORD, "id_number": ID_NUMBER }),
            "PHONE_TAKEN",
        ),
        (
            json!({ "new_phone": NEW, "password": PASSWORD, "id_number": "123" }),
            "ID_NUMBER_INVALID",
        ),
    ] {
        let res = start_change(&app, &a, body).await;
        assert_eq!(res.code(), code, "{res:?}");
    }
    let res = start_change(
        &app,
        &a,
        json!({ "new_phone": NEW, "password": PASSWORD, "id_number": ID_NUMBER }),
    )
    .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    assert_eq!(res.body["old_challenge_id"], Value::Null);
    let id = res.body["challenge_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(NEW).await;
    let res = finish_change(
        &app,
        &a,
        &id,
        json!({ "code": "000000", "cards": "unbind" }),
    )
    .await;
    assert_eq!(res.code(), "OTP_INVALID");
    let res = finish_change(&app, &a, &id, json!({ "code": code, "cards": "unbind" })).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["phone"], "+8613900002222");
    let res = app
        .signed_json(&a, Method::GET, paths::CARDS, None, &[])
        .await;
    assert_eq!(res.body["cards"], json!([]));
    // Used once.
    let res = finish_change(&app, &a, &id, json!({ "code": code, "cards": "unbind" })).await;
    assert_eq!(res.code(), "CHALLENGE_NOT_FOUND");
    // Logged, notified, cooling-off; the new number signs in, the old one is free.
    let res = app
        .signed_json(&a, Method::GET, paths::SECURITY_LOG, None, &[])
        .await;
    assert_eq!(res.body["events"][0]["kind"], "phone_changed");
    assert_eq!(res.body["events"][0]["detail"], "cards unbound: 1");
    let res = app
        .signed_json(&b, Method::GET, paths::EVENTS, None, &[])
        .await;
    let last = res.body["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["kind"], "phone_changed");
    assert_eq!(status(&app, &a).await["state"], "cooling_off");
    app.advance(31);
    assert_eq!(app.login(NEW, PASSWORD).await.status, StatusCode::ACCEPTED);
    assert_eq!(
        app.login(PHONE, PASSWORD).await.code(),
        "CREDENTIALS_INVALID"
    );
}

#[tokio::test]
async fn phone_change_without_the_id_number_needs_the_old_numbers_code() {
    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 0).await;
    const NEW: &str = "13900002222";
    app.advance(31);
    let res = start_change(&app, &a, json!({ "new_phone": NEW, "password": PASSWORD })).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let id = res.body["challenge_id"].as_str().unwrap().to_owned();
    let old_id = res.body["old_challenge_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(NEW).await;
    let old_code = app.latest_code(PHONE).await;
    let res = finish_change(&app, &a, &id, json!({ "code": code, "cards": "keep" })).await;
    assert_eq!(
        res.code(),
        "MALFORMED_REQUEST",
        "the old number's code is required: {res:?}"
    );
    let res = finish_change(
        &app,
        &a,
        &id,
        json!({ "code": code, "old_challenge_id": old_id, "cards": "keep" }),
    )
    .await;
    assert_eq!(res.code(), "MALFORMED_REQUEST");
    let wrong = if old_code == "000000" {
        "111111"
    } else {
        "000000"
    };
    let res = finish_change(
        &app,
        &a,
        &id,
        json!({ "code": code, "old_challenge_id": old_id, "old_code": wrong, "cards": "keep" }),
    )
    .await;
    assert_eq!(res.code(), "OTP_INVALID", "{res:?}");
    let res = finish_change(
        &app,
        &a,
        &id,
        json!({ "code": code, "old_challenge_id": old_id, "old_code": old_code, "cards": "keep" }),
    )
    .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["phone"], "+8613900002222");
    let res = app
        .signed_json(&a, Method::GET, paths::CARDS, None, &[])
        .await;
    assert_eq!(res.body["cards"].as_array().unwrap().len(), 1);
}

/// The store itself refuses money on a frozen account (and a big withdrawal during a
/// cooling-off) inside the transaction that would move it, whatever the caller checked before:
/// a freeze that commits between the early check and the payment still stops the money.
#[tokio::test]
async fn the_store_refuses_money_inside_the_transaction() {
    use wallet_server::domain::rules::{self, AdmissionLimits};
    use wallet_server::store::{
        BeginOutcome, Channel, NewOperation, NewOrder, NewPayment, OpKind, PayOutcome, PayTarget,
        Refusal,
    };

    let app = TestApp::new();
    let a = app.payer(PHONE, PIN, 100_000).await;
    let m = merchant(&app).await;
    let account = app.store.device(&a.id).await.unwrap().unwrap().account_id;
    let card = app.store.cards(&account).await.unwrap().remove(0).id;
    let withdrawal = |key: &str, amount: i64| NewOperation {
        id: format!("op-{key}"),
        account_id: account.clone(),
        kind: OpKind::Withdrawal,
        amount,
        fee: 0,
        currency: "CNY".to_owned(),
        card_id: card.clone(),
        idempotency_key: key.to_owned(),
        request_hash: key.to_owned(),
    };
    let limits = Limits::default();
    let (now, day) = (app.now(), 0);
    let rule = AdmissionLimits {
        daily: i64::MAX,
        cooling_off: limits.cooling_off_limit_fen,
    };
    let begin = |op| {
        app.store.begin_operation(op, now, day, move |op, facts| {
            rules::admit(op.kind, op.amount, facts, rule, now)
        })
    };

    // A new device starts a cooling-off: a withdrawal over the limit is refused in the store.
    app.logged_in_device("someone's phone").await;
    let over = limits.cooling_off_limit_fen + 1;
    assert!(matches!(
        begin(withdrawal("w-cool", over)).await.unwrap(),
        BeginOutcome::Refused(Refusal::CoolingOff { until, .. }) if until > now
    ));

    app.store
        .freeze(&account, FreezeScope::All, "test", app.now())
        .await
        .unwrap();
    assert_eq!(
        begin(withdrawal("w-frozen", 1_000)).await.unwrap(),
        BeginOutcome::Refused(Refusal::Frozen)
    );
    let payment = app
        .store
        .pay(
            NewPayment {
                operation_id: "op-pay".to_owned(),
                account_id: account.clone(),
                idempotency_key: "p-frozen".to_owned(),
                request_hash: "p-frozen".to_owned(),
                target: PayTarget::New(NewOrder {
                    id: "ord-frozen".to_owned(),
                    merchant_id: m.id.clone(),
                    amount: 1_000,
                    currency: "CNY".to_owned(),
                    description: None,
                    channel: Channel::StaticQr,
                    payload: None,
                    payer_account_id: Some(account.clone()),
                    payer_device_id: None,
                    expires_at: now,
                }),
                now,
                day_start: day,
            },
            move |amount, facts| rules::admit(OpKind::Payment, amount, facts, rule, now),
        )
        .await
        .unwrap();
    assert_eq!(payment, PayOutcome::Refused(Refusal::Frozen));

    // Nothing was written: no operation, no order, the balance as the top-up left it.
    for key in ["w-cool", "w-frozen", "p-frozen"] {
        assert!(app
            .store
            .operation_by_key(&account, key)
            .await
            .unwrap()
            .is_none());
    }
    assert!(app.store.order("ord-frozen", now).await.unwrap().is_none());
    assert_eq!(app.store.balance(&account).await.unwrap(), 100_000);
    app.assert_ledger().await;
}
