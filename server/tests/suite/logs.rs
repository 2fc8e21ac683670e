//! Logs never hold a password, an OTP, an ID number or a whole phone number (only masked ones).

use crate::common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::http::Method;
use common::*;
use wallet_protocol::api::paths;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn secrets_stay_out_of_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new();
    let device = app.signed_up_device().await;
    app.login(PHONE, "wrong-Horse-battery-staple-00").await;
    let second = app.logged_in_device("laptop").await;
    app.signed(&second, Method::POST, &paths::device_revoke(&device.id))
        .await;
    app.signed(&device, Method::GET, paths::ME).await;
    app.get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    let outbox = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    drop(_guard);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("+86 138****5678"),
        "masked phones are logged: {logs}"
    );
    assert!(logs.contains("device revoked"), "{logs}");
    let mut secrets = vec![
        PASSWORD.to_owned(),
        "wrong-Horse-battery-staple-00".to_owned(),
        ID_NUMBER.to_owned(),
        "13812345678".to_owned(),
    ];
    for m in outbox.body["messages"].as_array().unwrap() {
        secrets.push(m["code"].as_str().unwrap().to_owned());
    }
    assert_eq!(secrets.len(), 6);
    for secret in secrets {
        assert!(!logs.contains(&secret), "{secret} in logs:\n{logs}");
    }
}

#[tokio::test]
async fn payment_codes_seeds_and_merchant_keys_stay_out_of_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new();
    let device = app.signed_up_device().await;
    let res = app
        .post_json(
            paths::MERCHANTS,
            serde_json::json!({ "name": "Lucky Noodles", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    let merchant = res.body["merchant"]["merchant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = res.body["api_key"].as_str().unwrap().to_owned();
    let code = device.paycode(app.now(), 0);
    let charge = |code: String| {
        let (app, merchant, key) = (&app, merchant.clone(), key.clone());
        async move {
            app.merchant_call(
                Method::POST,
                &paths::merchant_charges(&merchant),
                Some(&key),
                Some(serde_json::json!({ "code": code, "amount": { "minor": 30_000, "currency": "CNY" } })),
                &[("idempotency-key", "log-test-charge-1")],
            )
            .await
        }
    };
    // Over the no-PIN limit: an open order waiting for the PIN.
    assert_eq!(charge(code.clone()).await.body["status"], "open");
    let reissued = app.signed(&device, Method::POST, paths::PAYCODE_SEED).await;
    let new_seed = reissued.body["seed"].as_str().unwrap().to_owned();
    drop(_guard);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("payment code charged"), "{logs}");
    for secret in [code, key, device.seed.clone(), new_seed] {
        assert!(!logs.contains(&secret), "{secret} in logs:\n{logs}");
    }
}

#[tokio::test]
async fn invalid_payment_codes_are_logged_per_merchant_without_the_code() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new();
    let res = app
        .post_json(
            paths::MERCHANTS,
            serde_json::json!({ "name": "Lucky Noodles", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    let merchant = res.body["merchant"]["merchant_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let key = res.body["api_key"].as_str().unwrap().to_owned();
    let guess = "287654321098765432";
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_charges(&merchant),
            Some(&key),
            Some(
                serde_json::json!({ "code": guess, "amount": { "minor": 100, "currency": "CNY" } }),
            ),
            &[("idempotency-key", "log-test-guess-1")],
        )
        .await;
    assert_eq!(res.code(), "PAYCODE_INVALID");
    drop(_guard);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = logs
        .lines()
        .find(|l| l.contains("invalid payment code"))
        .unwrap_or_else(|| panic!("no line for the invalid code:\n{logs}"));
    assert!(line.contains(&merchant), "{line}");
    assert!(!logs.contains(guess), "the code is in the logs:\n{logs}");
}

#[tokio::test]
async fn lost_phone_reports_keep_names_and_id_numbers_out_of_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::new();
    let _device = app.signed_up_device().await;
    let report = |body: serde_json::Value| {
        let app = &app;
        async move { app.post_json(paths::REPORT_LOST, body).await }
    };
    report(serde_json::json!({ "phone": PHONE, "name": "王芳", "id_last6": "31002X" })).await;
    report(serde_json::json!({ "phone": PHONE, "password": "wrong-Horse-battery-staple-00" }))
        .await;
    report(serde_json::json!({ "phone": PHONE, "name": NAME, "id_last6": "31002X" })).await;
    let new = app.logged_in_device("new phone").await;
    app.signed_json(
        &new,
        Method::POST,
        paths::UNFREEZE,
        Some(serde_json::json!({ "id_number": ID_NUMBER, "pin": "280419" })),
        &[],
    )
    .await;
    drop(_guard);

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("account frozen"), "{logs}");
    assert!(logs.contains("+86 138****5678"), "{logs}");
    for secret in [
        NAME,
        "王芳",
        "31002X",
        ID_NUMBER,
        "13812345678",
        PASSWORD,
        "wrong-Horse-battery-staple-00",
        "280419",
    ] {
        assert!(!logs.contains(secret), "{secret} in logs:\n{logs}");
    }
}
