//! OTP send limits (per phone, per IP) and password-try limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode};
use common::*;
use serde_json::json;
use wallet_protocol::api::paths;
use wallet_server::Limits;

#[tokio::test]
async fn otp_sends_to_one_phone_are_spaced_and_capped() {
    let app = TestApp::new(); // defaults: 30 s apart, 5 per 15 min
    assert_eq!(
        app.signup(PHONE, PASSWORD).await.status,
        StatusCode::ACCEPTED
    );
    let res = app.signup(PHONE, PASSWORD).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 30);
    assert_eq!(res.retry_after.as_deref(), Some("30"));
    app.advance(10);
    assert_eq!(
        app.signup(PHONE, PASSWORD).await.body["retry_after_secs"],
        20
    );

    for _ in 0..4 {
        app.advance(30);
        assert_eq!(
            app.signup(PHONE, PASSWORD).await.status,
            StatusCode::ACCEPTED
        );
    }
    // Five sent in the last 130 s: the sixth waits for the first to leave the 900 s window.
    app.advance(30);
    let res = app.signup(PHONE, PASSWORD).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 900 - 160);
    app.advance(900 - 160);
    assert_eq!(
        app.signup(PHONE, PASSWORD).await.status,
        StatusCode::ACCEPTED
    );
    // A refused send did not count: other phones are unaffected.
    assert_eq!(
        app.signup("13900001111", PASSWORD).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn otp_sends_from_one_ip_are_capped() {
    let app = TestApp::builder()
        .limits(Limits {
            otp_per_ip_max: 2,
            otp_per_ip_window_secs: 600,
            ..Limits::default()
        })
        .build();
    for phone in ["13900000001", "13900000002"] {
        assert_eq!(
            app.signup(phone, PASSWORD).await.status,
            StatusCode::ACCEPTED
        );
    }
    let res = app.signup("13900000003", PASSWORD).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 600);

    // Another client IP has its own budget.
    let other: SocketAddr = "198.51.100.9:4000".parse().unwrap();
    let mut req = Request::post(paths::SIGNUP)
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"phone": "13900000003", "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD})
                .to_string(),
        ))
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(other));
    assert_eq!(app.send(req).await.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn password_tries_are_limited_per_phone() {
    let app = TestApp::new(); // 5 tries per 15 min
    app.signed_up_device().await;
    app.advance(31);
    for _ in 0..5 {
        let res = app.login(PHONE, "wrong-Horse-battery-staple-00").await;
        assert_eq!(res.code(), "CREDENTIALS_INVALID");
        app.advance(10);
    }
    // Even the right password is refused now.
    let res = app.login(PHONE, PASSWORD).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 900 - 50);
    // Unknown phones are limited the same way, and separately.
    for _ in 0..5 {
        assert_eq!(
            app.login("13900002222", PASSWORD).await.code(),
            "CREDENTIALS_INVALID"
        );
    }
    assert_eq!(
        app.login("13900002222", PASSWORD).await.code(),
        "RATE_LIMITED"
    );

    app.advance(900 - 50);
    let res = app.login(PHONE, PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
}

#[tokio::test]
async fn a_right_password_clears_the_failures() {
    let app = TestApp::builder()
        .limits(Limits {
            login_failures_max: 3,
            otp_min_interval_secs: 0,
            ..Limits::default()
        })
        .build();
    app.signed_up_device().await;
    for _ in 0..2 {
        app.login(PHONE, "wrong-Horse-battery-staple-00").await;
    }
    assert_eq!(
        app.login(PHONE, PASSWORD).await.status,
        StatusCode::ACCEPTED
    );
    for _ in 0..2 {
        assert_eq!(
            app.login(PHONE, "wrong-Horse-battery-staple-00")
                .await
                .code(),
            "CREDENTIALS_INVALID"
        );
    }
    assert_eq!(
        app.login(PHONE, PASSWORD).await.status,
        StatusCode::ACCEPTED
    );
}

/// A JSON POST from `peer`, with an `X-Forwarded-For` header when given.
async fn post_from(
    app: &TestApp,
    path: &str,
    body: serde_json::Value,
    peer: &str,
    forwarded: Option<&str>,
) -> TestResponse {
    let mut req = Request::post(path).header("content-type", "application/json");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(body.to_string())).unwrap();
    let peer: SocketAddr = format!("{peer}:4000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    app.send(req).await
}

async fn login_from(app: &TestApp, password: &str, peer: &str) -> TestResponse {
    post_from(
        app,
        paths::LOGIN,
        json!({ "phone": PHONE, "password": password }),
        peer,
        None,
    )
    .await
}

const WRONG: &str = "wrong-Horse-battery-staple-00";

#[tokio::test]
async fn a_right_and_a_wrong_password_get_the_same_answer_while_codes_are_limited() {
    let app = TestApp::new(); // codes to one phone 30 s apart
    app.signed_up_device().await; // a code went out just now
    let wrong = app.login(PHONE, WRONG).await;
    let right = app.login(PHONE, PASSWORD).await;
    assert_eq!(wrong.code(), "RATE_LIMITED", "{wrong:?}");
    assert_eq!(right.code(), "RATE_LIMITED", "{right:?}");
    assert_eq!(
        wrong.body["retry_after_secs"],
        right.body["retry_after_secs"]
    );
    assert_eq!(wrong.retry_after, right.retry_after);
    // Neither counted as a password try nor sent a code.
    app.advance(30);
    assert_eq!(app.login(PHONE, WRONG).await.code(), "CREDENTIALS_INVALID");
    assert_eq!(
        app.login(PHONE, PASSWORD).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another() {
    let app = TestApp::new(); // 5 tries per (phone, address) per 15 min
    app.signed_up_device().await;
    app.advance(31);
    let thief = "198.51.100.66";
    for _ in 0..5 {
        assert_eq!(
            login_from(&app, WRONG, thief).await.code(),
            "CREDENTIALS_INVALID"
        );
    }
    // The thief's address is locked, even with the right password...
    assert_eq!(
        login_from(&app, PASSWORD, thief).await.code(),
        "RATE_LIMITED"
    );
    // ...the owner, elsewhere, is not.
    let owner = login_from(&app, PASSWORD, "203.0.113.99").await;
    assert_eq!(owner.status, StatusCode::ACCEPTED, "{owner:?}");
    // And the owner's right password did not give the thief new tries.
    app.advance(31);
    let res = login_from(&app, WRONG, thief).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 900 - 31);
}

#[tokio::test]
async fn the_per_phone_back_off_holds_whatever_the_address() {
    let app = TestApp::builder()
        .limits(Limits {
            login_per_phone_max: 6,
            login_per_phone_window_secs: 3600,
            ..Limits::default()
        })
        .build();
    app.signed_up_device().await;
    app.advance(31);
    for i in 0..6 {
        let res = login_from(&app, WRONG, &format!("198.51.100.{i}")).await;
        assert_eq!(res.code(), "CREDENTIALS_INVALID");
    }
    let res = login_from(&app, PASSWORD, "203.0.113.99").await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 3600);
    app.advance(3600);
    let res = login_from(&app, PASSWORD, "203.0.113.99").await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
}

#[tokio::test]
async fn password_tries_are_counted_per_address_over_all_phones() {
    let app = TestApp::builder()
        .limits(Limits {
            login_per_ip_max: 3,
            login_per_ip_window_secs: 600,
            ..Limits::default()
        })
        .build();
    let stuffer = "198.51.100.77";
    for phone in ["13900000001", "13900000002", "13900000003"] {
        let res = post_from(
            &app,
            paths::LOGIN,
            json!({ "phone": phone, "password": WRONG }),
            stuffer,
            None,
        )
        .await;
        assert_eq!(res.code(), "CREDENTIALS_INVALID");
    }
    let res = post_from(
        &app,
        paths::LOGIN,
        json!({ "phone": "13900000004", "password": WRONG }),
        stuffer,
        None,
    )
    .await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.body["retry_after_secs"], 600);
    let res = post_from(
        &app,
        paths::LOGIN,
        json!({ "phone": "13900000004", "password": WRONG }),
        "198.51.100.78",
        None,
    )
    .await;
    assert_eq!(
        res.code(),
        "CREDENTIALS_INVALID",
        "another address has its own budget"
    );
}

#[tokio::test]
async fn signed_out_routes_have_a_per_ip_flood_limit() {
    let app = TestApp::builder()
        .limits(Limits {
            flood_per_ip_per_minute: 1,
            flood_burst: 3,
            ..Limits::default()
        })
        .build();
    let outbox = format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX);
    for _ in 0..3 {
        assert_eq!(app.get(&outbox).await.status, StatusCode::OK);
    }
    let res = app.get(&outbox).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    let wait: u64 = res.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    // Every signed-out route shares the address's budget, and so do unknown paths.
    let login = app.login(PHONE, PASSWORD).await;
    assert_eq!(login.code(), "RATE_LIMITED");
    assert_eq!(app.get("/no/such/route").await.code(), "RATE_LIMITED");
    // Another address is not affected; signed routes and /health are not counted.
    let other = post_from(
        &app,
        paths::LOGIN,
        json!({ "phone": PHONE, "password": WRONG }),
        "198.51.100.5",
        None,
    )
    .await;
    assert_eq!(other.code(), "CREDENTIALS_INVALID");
    assert_eq!(app.get(paths::ME).await.code(), "SIGNATURE_MISSING");
    assert_eq!(app.get(paths::HEALTH).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_full_argon2_queue_answers_rate_limited() {
    let app = TestApp::builder()
        .limits(Limits {
            argon2_concurrency: 1,
            argon2_queue_ms: 50,
            ..Limits::default()
        })
        .build();
    app.signed_up_device().await;
    app.advance(31);
    // Every slot busy (a flood of sign-ins would hold them): the request does not queue long.
    let busy = app
        .state
        .guards
        .argon2_semaphore()
        .acquire_owned()
        .await
        .unwrap();
    let res = app.login(PHONE, PASSWORD).await;
    assert_eq!(res.code(), "RATE_LIMITED");
    assert_eq!(res.retry_after.as_deref(), Some("1"));
    let res = app.signup("13900000009", PASSWORD).await;
    assert_eq!(
        res.code(),
        "RATE_LIMITED",
        "sign-up hashes in the same slots"
    );
    drop(busy);
    let res = app.login(PHONE, PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
}

fn signup_body(phone: &str) -> serde_json::Value {
    json!({"phone": phone, "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD})
}

#[tokio::test]
async fn x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = TestApp::builder()
        .limits(Limits {
            otp_per_ip_max: 1,
            trusted_proxy: vec![wallet_server::config::parse_cidr("10.0.0.0/8").unwrap()],
            ..Limits::default()
        })
        .build();
    let res = post_from(
        &app,
        paths::SIGNUP,
        signup_body("13900000001"),
        "203.0.113.7",
        Some("198.51.100.1"),
    )
    .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    // A spoofed header from the same (untrusted) peer does not buy a new budget.
    let res = post_from(
        &app,
        paths::SIGNUP,
        signup_body("13900000002"),
        "203.0.113.7",
        Some("198.51.100.2"),
    )
    .await;
    assert_eq!(res.code(), "RATE_LIMITED");
}

#[tokio::test]
async fn clients_behind_a_trusted_proxy_are_limited_apart() {
    let app = TestApp::builder()
        .limits(Limits {
            otp_per_ip_max: 1,
            trusted_proxy: vec![
                wallet_server::config::parse_cidr("10.0.0.0/8").unwrap(),
                wallet_server::config::parse_cidr("192.0.2.10").unwrap(),
            ],
            ..Limits::default()
        })
        .build();
    let proxy = "10.0.0.5";
    for (phone, client) in [
        ("13900000001", "198.51.100.1"),
        ("13900000002", "198.51.100.2"),
    ] {
        let res = post_from(&app, paths::SIGNUP, signup_body(phone), proxy, Some(client)).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{client}: {res:?}");
    }
    // The first client again, through two proxies and with a made-up address of its own in
    // front: the rightmost untrusted hop is what counts.
    let res = post_from(
        &app,
        paths::SIGNUP,
        signup_body("13900000003"),
        proxy,
        Some("6.6.6.6, 198.51.100.1, 192.0.2.10"),
    )
    .await;
    assert_eq!(res.code(), "RATE_LIMITED");
    // No header through the proxy: the proxy's own budget.
    let res = post_from(&app, paths::SIGNUP, signup_body("13900000004"), proxy, None).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
}
