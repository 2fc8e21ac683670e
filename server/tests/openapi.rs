//! The OpenAPI document is checked in: a change to the API shows up in review as a snapshot diff.
//! `UPDATE_SNAPSHOTS=1 cargo test -p wallet-server --test openapi` rewrites it.

mod common;

use axum::http::StatusCode;
use common::TestApp;
use utoipa::OpenApi as _;
use wallet_protocol::api::paths;
use wallet_server::ApiDoc;

const SNAPSHOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/snapshots/openapi.json");

#[test]
fn openapi_matches_snapshot() {
    let generated = ApiDoc::openapi().to_pretty_json().unwrap() + "\n";
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(SNAPSHOT, &generated).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    assert!(
        stored == generated,
        "the OpenAPI document changed; review it and run UPDATE_SNAPSHOTS=1 cargo test -p wallet-server --test openapi"
    );
}

#[test]
fn every_route_is_documented() {
    let doc = ApiDoc::openapi();
    let documented: Vec<&str> = doc.paths.paths.keys().map(String::as_str).collect();
    for path in [
        paths::SIGNUP,
        paths::LOGIN,
        paths::CHALLENGE_VERIFY,
        paths::ME,
        paths::DEVICES,
        paths::DEVICE_REVOKE,
        paths::SANDBOX_OUTBOX,
        paths::QR_RESOLVE,
        paths::QR_PAYMENTS,
        paths::ORDERS,
        paths::ORDER_CONFIRM,
        paths::ORDER_DECLINE,
        paths::PAYCODE_SEED,
        paths::PAYCODE_SETTINGS,
        paths::MERCHANTS,
        paths::MERCHANT_QR,
        paths::MERCHANT_ORDERS,
        paths::MERCHANT_ORDER,
        paths::MERCHANT_ORDER_REFUND,
        paths::MERCHANT_CHARGES,
        paths::OPENAPI,
        paths::HEALTH,
    ] {
        assert!(
            documented.contains(&path),
            "{path} missing from {documented:?}"
        );
    }
    let schemas = &doc.components.as_ref().unwrap().schemas;
    for name in [
        "Problem",
        "ErrorCode",
        "SignupRequest",
        "EnrolResponse",
        "DeviceList",
        "Outbox",
        "Order",
        "QrResolved",
        "MerchantCreated",
        "PaycodeSettings",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
}

#[tokio::test]
async fn served_document_is_the_generated_one() {
    let app = TestApp::new();
    let res = app.get(paths::OPENAPI).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.content_type.as_deref(), Some("application/json"));
    let generated = serde_json::to_value(ApiDoc::openapi()).unwrap();
    assert_eq!(res.body, generated);
}
