//! Logs never hold a password, an OTP, an ID number or a whole phone number (only masked ones).

mod common;

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
