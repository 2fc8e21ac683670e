//! Sign-up, sign-in, OTP rules, devices and revocation, through the real router.

use crate::common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;
use wallet_protocol::api::{paths, AccountProfile, ChallengeResponse, DeviceList};

#[tokio::test]
async fn signup_outbox_verify_then_me() {
    let app = TestApp::new();
    let res = app.signup("+86 138 1234 5678", PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let challenge: ChallengeResponse = serde_json::from_value(res.body).unwrap();
    assert!(challenge.challenge_id.starts_with("ch_"));
    assert_eq!(challenge.phone_masked, "+86 138****5678");
    assert_eq!(challenge.expires_at.timestamp(), app.now() + 300);

    let outbox = app
        .get(&format!("{}?phone=13812345678", paths::SANDBOX_OUTBOX))
        .await;
    let msg = &outbox.body["messages"][0];
    assert_eq!(msg["phone"], PHONE_E164);
    assert_eq!(msg["purpose"], "signup");
    let code = msg["code"].as_str().unwrap();
    assert_eq!(
        msg["body"],
        format!(
            "【Wallet】Your verification code is {code}. It expires in 5 minutes. Never share it."
        )
    );

    let mut device = TestDevice::new();
    let res = app.verify(&challenge.challenge_id, code, &device).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    device.id = res.body["device_id"].as_str().unwrap().to_owned();
    assert!(device.id.starts_with("dev_"));
    assert!(res.body["account"]["account_id"]
        .as_str()
        .unwrap()
        .starts_with("acc_"));

    let me = app.signed(&device, Method::GET, paths::ME).await;
    assert_eq!(me.status, StatusCode::OK, "{me:?}");
    let profile: AccountProfile = serde_json::from_value(me.body).unwrap();
    assert_eq!(profile.phone, PHONE_E164);
    assert_eq!(profile.phone_masked, "+86 138****5678");
    assert_eq!(profile.name, NAME);
    assert_eq!(profile.id_last4, "002X");
    assert_eq!(profile.created_at.timestamp(), app.now());

    // The code was single use.
    let again = app
        .verify(&challenge.challenge_id, code, &TestDevice::new())
        .await;
    assert_eq!(again.code(), "CHALLENGE_NOT_FOUND");
    // And the phone is now taken.
    app.advance(31);
    assert_eq!(app.signup(PHONE, PASSWORD).await.code(), "PHONE_TAKEN");
}

#[tokio::test]
async fn second_device_logs_in_and_both_are_listed() {
    let app = TestApp::new();
    let first = app.signed_up_device().await;
    app.advance(60);
    let second = app.logged_in_device("Li's laptop").await;
    assert_ne!(first.id, second.id);

    let res = app.signed(&second, Method::GET, paths::DEVICES).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let list: DeviceList = serde_json::from_value(res.body).unwrap();
    let ids: Vec<_> = list.devices.iter().map(|d| d.device_id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()], "newest first");
    assert!(list.devices[0].current && !list.devices[1].current);
    assert_eq!(list.devices[0].name, "Li's laptop");
    assert_eq!(list.devices[0].platform, "cli");

    // last_seen_at follows the device's signed requests.
    app.advance(100);
    app.signed(&first, Method::GET, paths::ME).await;
    let res = app.signed(&second, Method::GET, paths::DEVICES).await;
    let list: DeviceList = serde_json::from_value(res.body).unwrap();
    assert_eq!(list.devices[1].last_seen_at.timestamp(), app.now());
    assert!(list.devices[1].enrolled_at < list.devices[1].last_seen_at);
}

#[tokio::test]
async fn revocation_takes_effect_on_the_next_request() {
    let app = TestApp::new();
    let first = app.signed_up_device().await;
    let second = app.logged_in_device("laptop").await;

    let res = app
        .signed(&second, Method::POST, &paths::device_revoke(&first.id))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
    assert_eq!(
        app.signed(&first, Method::GET, paths::ME).await.code(),
        "DEVICE_REVOKED"
    );
    let list: DeviceList =
        serde_json::from_value(app.signed(&second, Method::GET, paths::DEVICES).await.body)
            .unwrap();
    assert_eq!(list.devices.len(), 1);

    // Revoking yourself is logging out.
    let res = app
        .signed(&second, Method::POST, &paths::device_revoke(&second.id))
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.signed(&second, Method::GET, paths::DEVICES)
            .await
            .code(),
        "DEVICE_REVOKED"
    );
}

#[tokio::test]
async fn another_accounts_device_is_not_found() {
    let app = TestApp::new();
    let mine = app.signed_up_device().await;
    // A second account.
    let res = app
        .post_json(
            paths::SIGNUP,
            json!({ "phone": "13900001111", "name": "王芳", "id_number": ID_NUMBER, "password": PASSWORD }),
        )
        .await;
    let ch: ChallengeResponse = serde_json::from_value(res.body).unwrap();
    let code = app.latest_code("13900001111").await;
    let theirs = TestDevice::new();
    let res = app.verify(&ch.challenge_id, &code, &theirs).await;
    let their_id = res.body["device_id"].as_str().unwrap().to_owned();

    let res = app
        .signed(&mine, Method::POST, &paths::device_revoke(&their_id))
        .await;
    assert_eq!(res.code(), "NOT_FOUND");
    let res = app
        .signed(&mine, Method::POST, &paths::device_revoke("dev_nope"))
        .await;
    assert_eq!(res.code(), "NOT_FOUND");
}

#[tokio::test]
async fn signup_validation_codes() {
    let app = TestApp::new();
    let cases = [
        (
            json!({"phone": "12345", "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD}),
            "PHONE_INVALID",
        ),
        (
            json!({"phone": "010 6552 9988", "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD}),
            "PHONE_INVALID",
        ),
        (
            json!({"phone": PHONE, "name": " ", "id_number": ID_NUMBER, "password": PASSWORD}),
            "NAME_INVALID",
        ),
        (
            json!({"phone": PHONE, "name": NAME, "id_number": "110105194912310021", "password": PASSWORD}),
            "ID_NUMBER_INVALID",
        ),
        (
            json!({"phone": PHONE, "name": NAME, "id_number": "1101051949", "password": PASSWORD}),
            "ID_NUMBER_INVALID",
        ),
    ];
    for (body, code) in cases {
        let res = app.post_json(paths::SIGNUP, body.clone()).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(res.code(), code, "{body}");
    }
    // Nothing was sent for refused sign-ups.
    let outbox = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    assert_eq!(outbox.body["messages"], json!([]));
}

#[tokio::test]
async fn weak_password_is_refused_with_feedback() {
    let app = TestApp::new();
    for weak in ["password1", "13812345678", ID_NUMBER, "8613812345678"] {
        let res = app.signup(PHONE, weak).await;
        assert_eq!(res.code(), "PASSWORD_WEAK", "{weak}");
        let detail = res.body["detail"].as_str().unwrap();
        assert!(!detail.is_empty() && !detail.contains(weak), "{detail}");
    }
}

#[tokio::test]
async fn login_with_wrong_password_or_unknown_phone_is_the_same_answer() {
    let app = TestApp::new();
    app.signed_up_device().await;
    app.advance(31); // past the sign-up code's spacing, which answers both alike
    let mut wrong = app.login(PHONE, "correct-Horse-battery-staple-94").await;
    let mut unknown = app.login("13900002222", PASSWORD).await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.code(), "CREDENTIALS_INVALID");
    // Alike but for each request's own id.
    for res in [&mut wrong, &mut unknown] {
        assert!(res.body["request_id"].is_string());
        res.body.as_object_mut().unwrap().remove("request_id");
    }
    assert_eq!(wrong.body, unknown.body);
}

#[tokio::test]
async fn five_wrong_codes_kill_the_challenge() {
    let app = TestApp::new();
    let ch: ChallengeResponse =
        serde_json::from_value(app.signup(PHONE, PASSWORD).await.body).unwrap();
    let right = app.latest_code(PHONE).await;
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    for left in (0..5).rev() {
        let res = app
            .verify(&ch.challenge_id, wrong, &TestDevice::new())
            .await;
        assert_eq!(res.code(), "OTP_INVALID");
        let detail = res.body["detail"].as_str().unwrap();
        if left > 0 {
            assert!(
                detail.starts_with(&format!("{left} tries left")),
                "{detail}"
            );
        } else {
            assert!(detail.starts_with("No tries left"), "{detail}");
        }
    }
    let res = app
        .verify(&ch.challenge_id, &right, &TestDevice::new())
        .await;
    assert_eq!(res.code(), "CHALLENGE_NOT_FOUND");
}

#[tokio::test]
async fn expired_code_is_refused() {
    let app = TestApp::new();
    let ch: ChallengeResponse =
        serde_json::from_value(app.signup(PHONE, PASSWORD).await.body).unwrap();
    let code = app.latest_code(PHONE).await;
    app.advance(300);
    let res = app
        .verify(&ch.challenge_id, &code, &TestDevice::new())
        .await;
    assert_eq!(res.code(), "OTP_EXPIRED");
}

#[tokio::test]
async fn code_just_before_expiry_works() {
    let app = TestApp::new();
    let ch: ChallengeResponse =
        serde_json::from_value(app.signup(PHONE, PASSWORD).await.body).unwrap();
    let code = app.latest_code(PHONE).await;
    app.advance(299);
    let res = app
        .verify(&ch.challenge_id, &code, &TestDevice::new())
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

#[tokio::test]
async fn verify_input_errors() {
    let app = TestApp::new();
    let ch: ChallengeResponse =
        serde_json::from_value(app.signup(PHONE, PASSWORD).await.body).unwrap();
    let code = app.latest_code(PHONE).await;
    let device = TestDevice::new();
    for bad in ["12345", "1234567", "12345a", "１２３４５６"] {
        let res = app.verify(&ch.challenge_id, bad, &device).await;
        assert_eq!(res.code(), "OTP_FORMAT_INVALID", "{bad}");
    }
    let res = app
        .post_json(
            &paths::challenge_verify(&ch.challenge_id),
            json!({"code": code, "device": {"public_key": "not-a-key", "name": "x", "platform": "cli"}}),
        )
        .await;
    assert_eq!(res.code(), "MALFORMED_REQUEST");
    assert_eq!(
        app.verify("ch_unknown", &code, &device).await.code(),
        "CHALLENGE_NOT_FOUND"
    );
    // None of that used up the real challenge.
    let res = app.verify(&ch.challenge_id, &code, &device).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

#[tokio::test]
async fn malformed_json_and_unknown_routes_are_problems() {
    let app = TestApp::new();
    let res = app
        .send(
            axum::http::Request::post(paths::SIGNUP)
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.code(), "MALFORMED_REQUEST");
    let res = app.post_json(paths::LOGIN, json!({"phone": PHONE})).await;
    assert_eq!(res.code(), "MALFORMED_REQUEST");
    let res = app
        .send(
            axum::http::Request::post(paths::LOGIN)
                .body(axum::body::Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(res.code(), "MALFORMED_REQUEST", "missing content type");

    let res = app.get("/v1/nope").await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(res.code(), "NOT_FOUND");
    assert_eq!(
        res.body["type"],
        "https://wallet.example/problems/not-found"
    );
    // A known path with a method it does not take: 405 with `Allow` (docs/api.md).
    let res = app.get(paths::SIGNUP).await;
    assert_eq!(res.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.code(), "METHOD_NOT_ALLOWED");
    assert_eq!(res.allow.as_deref(), Some("POST"));
}

#[tokio::test]
async fn outbox_endpoint_is_sandbox_only() {
    let app = TestApp::builder().sandbox(false).build();
    let res = app.signup(PHONE, PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::ACCEPTED,
        "codes are sent outside the sandbox too"
    );
    let res = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.code(), "SANDBOX_ONLY");

    let sandbox = TestApp::new();
    let res = sandbox.get(paths::SANDBOX_OUTBOX).await;
    assert_eq!(res.code(), "MALFORMED_REQUEST");
    let res = sandbox
        .get(&format!("{}?phone=abc", paths::SANDBOX_OUTBOX))
        .await;
    assert_eq!(res.code(), "PHONE_INVALID");
}

#[tokio::test]
async fn health() {
    let app = TestApp::new();
    let res = app.get(paths::HEALTH).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.body, json!({"status": "ok"}));
}
