//! Every way a signed request can be refused, in the documented check order.

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::*;
use wallet_protocol::api::paths;
use wallet_protocol::signing;

#[tokio::test]
async fn a_correct_signature_with_query_and_body_is_accepted() {
    let app = TestApp::new();
    let device = app.signed_up_device().await;
    let path = "/v1/me?view=full";
    let body = br#"{"x":1}"#;
    let sig = Signature::new(&device, &Method::GET, path, app.now(), body);
    let res = app.send_signed_with(Method::GET, path, body, &sig).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

#[tokio::test]
async fn replayed_nonce_is_refused() {
    let app = TestApp::new();
    let device = app.signed_up_device().await;
    let sig = Signature::new(&device, &Method::GET, paths::ME, app.now(), b"");
    let first = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(first.status, StatusCode::OK);
    app.advance(200);
    let replay = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(replay.code(), "NONCE_REUSED");
    // The same nonce signed for another path is still a replay for this device.
    let mut other = Signature::new(&device, &Method::GET, paths::DEVICES, app.now(), b"");
    other.nonce = sig.nonce.clone();
    other.signature = signing::sign(
        &device.key,
        &signing::SignedParts {
            method: "GET",
            path_and_query: paths::DEVICES,
            timestamp: other.timestamp,
            nonce: &other.nonce,
            body: b"",
        },
    );
    let res = app
        .send_signed_with(Method::GET, paths::DEVICES, b"", &other)
        .await;
    assert_eq!(res.code(), "NONCE_REUSED");
}

#[tokio::test]
async fn stale_or_future_timestamps_are_refused() {
    let app = TestApp::new();
    let device = app.signed_up_device().await;
    for offset in [-301, 301] {
        let sig = Signature::new(&device, &Method::GET, paths::ME, app.now() + offset, b"");
        let res = app
            .send_signed_with(Method::GET, paths::ME, b"", &sig)
            .await;
        assert_eq!(res.code(), "TIMESTAMP_SKEW", "offset {offset}");
    }
    for offset in [-300, 300] {
        let sig = Signature::new(&device, &Method::GET, paths::ME, app.now() + offset, b"");
        let res = app
            .send_signed_with(Method::GET, paths::ME, b"", &sig)
            .await;
        assert_eq!(res.status, StatusCode::OK, "offset {offset}");
    }
}

#[tokio::test]
async fn bad_signatures_are_refused() {
    let app = TestApp::new();
    let device = app.signed_up_device().await;
    // Signed for a different path.
    let sig = Signature::new(&device, &Method::GET, paths::DEVICES, app.now(), b"");
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(res.code(), "SIGNATURE_INVALID");
    // Body changed after signing.
    let sig = Signature::new(&device, &Method::GET, paths::ME, app.now(), b"{}");
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"{ }", &sig)
        .await;
    assert_eq!(res.code(), "SIGNATURE_INVALID");
    // Signed by another key.
    let mut impostor = TestDevice::new();
    impostor.id = device.id.clone();
    let sig = Signature::new(&impostor, &Method::GET, paths::ME, app.now(), b"");
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(res.code(), "SIGNATURE_INVALID");
    // Not base64.
    let mut sig = Signature::new(&device, &Method::GET, paths::ME, app.now(), b"");
    sig.signature = "%%%".into();
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(res.code(), "SIGNATURE_INVALID");
    // A forged request does not burn the nonce: the genuine one still goes through.
    let genuine = Signature::new(&device, &Method::GET, paths::ME, app.now(), b"");
    let mut forged = Signature::new(&impostor, &Method::GET, paths::ME, app.now(), b"");
    forged.nonce = genuine.nonce.clone();
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &forged)
        .await;
    assert_eq!(res.code(), "SIGNATURE_INVALID");
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &genuine)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

#[tokio::test]
async fn unknown_device_is_refused() {
    let app = TestApp::new();
    let mut device = TestDevice::new();
    device.id = "dev_00000000000000000000000000000000".into();
    let res = app.signed(&device, Method::GET, paths::ME).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert_eq!(res.code(), "DEVICE_UNKNOWN");
}

#[tokio::test]
async fn missing_or_malformed_headers_are_refused() {
    let app = TestApp::new();
    let device = app.signed_up_device().await;
    let res = app.get(paths::ME).await;
    assert_eq!(res.code(), "SIGNATURE_MISSING");

    let sig = Signature::new(&device, &Method::GET, paths::ME, app.now(), b"");
    let all = [
        (signing::HEADER_DEVICE, sig.device.clone()),
        (signing::HEADER_TIMESTAMP, sig.timestamp.to_string()),
        (signing::HEADER_NONCE, sig.nonce.clone()),
        (signing::HEADER_SIGNATURE, sig.signature.clone()),
    ];
    for skip in 0..all.len() {
        let mut req = Request::get(paths::ME);
        for (i, (name, value)) in all.iter().enumerate() {
            if i != skip {
                req = req.header(*name, value);
            }
        }
        let res = app.send(req.body(Body::empty()).unwrap()).await;
        assert_eq!(res.code(), "SIGNATURE_MISSING", "without {}", all[skip].0);
    }

    let mut bad = Signature::new(&device, &Method::GET, paths::ME, app.now(), b"");
    bad.nonce = "short".into();
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &bad)
        .await;
    assert_eq!(res.code(), "SIGNATURE_INVALID");
}

#[tokio::test]
async fn checks_run_in_order() {
    let app = TestApp::new();
    let device = app.signed_up_device().await;
    // A stale timestamp is reported before an unknown device or a bad signature.
    let mut stranger = TestDevice::new();
    stranger.id = "dev_unknown".into();
    let sig = Signature::new(
        &stranger,
        &Method::GET,
        paths::DEVICES,
        app.now() - 1000,
        b"",
    );
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(res.code(), "TIMESTAMP_SKEW");
    // An unknown device before a bad signature.
    let sig = Signature::new(&stranger, &Method::GET, paths::DEVICES, app.now(), b"");
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(res.code(), "DEVICE_UNKNOWN");
    // A revoked device before a bad signature.
    app.signed(&device, Method::POST, &paths::device_revoke(&device.id))
        .await;
    let sig = Signature::new(&device, &Method::GET, paths::DEVICES, app.now(), b"");
    let res = app
        .send_signed_with(Method::GET, paths::ME, b"", &sig)
        .await;
    assert_eq!(res.code(), "DEVICE_REVOKED");
}
