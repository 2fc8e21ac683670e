//! OTP send limits (per phone, per IP) and password-try limits.

mod common;

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
