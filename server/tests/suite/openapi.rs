//! The OpenAPI document is checked in: a change to the API shows up in review as a snapshot diff.
//! `UPDATE_SNAPSHOTS=1 cargo test -p wallet-server --test suite openapi::` rewrites it.

use crate::common;

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
        "the OpenAPI document changed; review it and run UPDATE_SNAPSHOTS=1 cargo test -p wallet-server --test suite openapi::"
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
        paths::READY,
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

/// `/components/schemas/ErrorCode` lists the codes as they are sent, all of them: a client
/// generated from the document reads every error.
#[test]
fn error_codes_are_published_as_sent() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let listed: Vec<&str> = doc["components"]["schemas"]["ErrorCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let sent: Vec<&str> = wallet_protocol::ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .collect();
    assert_eq!(listed, sent);
    assert!(listed.contains(&"MALFORMED_REQUEST"));
    assert!(!listed.contains(&"MalformedRequest"));
}

fn operations(doc: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            out.push((method.clone(), path.clone(), op.clone()));
        }
    }
    out
}

/// Signed and merchant operations document their 401 (problem+json); operations with a body or
/// a path parameter document the 400 their extractors answer.
#[test]
fn every_operation_documents_what_its_extractors_answer() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let mut signed = 0;
    for (method, path, op) in operations(&doc) {
        let schemes: Vec<String> = op["security"]
            .as_array()
            .map(|a| {
                a.iter()
                    .flat_map(|r| r.as_object().unwrap().keys().cloned())
                    .collect()
            })
            .unwrap_or_default();
        let problem = |status: &str| {
            op["responses"][status]["content"]["application/problem+json"]["schema"]["$ref"]
                == "#/components/schemas/Problem"
        };
        if schemes.iter().any(|s| s == "wallet_device") {
            signed += 1;
            assert!(problem("401"), "{method} {path}: no 401");
            assert!(
                op["responses"]["401"]["description"]
                    .as_str()
                    .unwrap()
                    .contains("DEVICE_REVOKED"),
                "{method} {path}"
            );
            assert!(problem("400"), "{method} {path}: no 400");
        }
        if schemes.iter().any(|s| s == "merchant_key") {
            assert!(problem("401"), "{method} {path}: no 401");
        }
        if !op["requestBody"].is_null() {
            assert!(problem("400"), "{method} {path}: no 400");
        }
    }
    assert!(signed > 30, "{signed} signed operations");
}

/// Every `{parameter}` of a path is declared, with the shape of our ids; the outbox's `phone`
/// is a required query parameter.
#[test]
fn every_parameter_a_route_needs_is_declared() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    for (method, path, op) in operations(&doc) {
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        for name in path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        {
            let p = params
                .iter()
                .find(|p| p["name"] == name && p["in"] == "path")
                .unwrap_or_else(|| panic!("{method} {path}: {name} not declared"));
            assert_eq!(p["required"], true);
            assert_eq!(
                p["schema"]["pattern"],
                wallet_protocol::openapi::ID_PATTERN,
                "{method} {path}: {name}"
            );
        }
    }
    // Query parameters are declared in the query (they were declared as path parameters).
    for (path, name) in [
        (paths::HISTORY, "after"),
        (paths::EVENTS, "after"),
        (paths::SECURITY_LOG, "before"),
    ] {
        let params = doc["paths"][path]["get"]["parameters"].as_array().unwrap();
        let p = params.iter().find(|p| p["name"] == name).unwrap();
        assert_eq!(p["in"], "query", "{path} {name}");
        assert_eq!(p["required"], false, "{path} {name}");
    }
    let outbox = &doc["paths"][paths::SANDBOX_OUTBOX]["get"]["parameters"][0];
    assert_eq!(outbox["name"], "phone");
    assert_eq!(outbox["in"], "query");
    assert_eq!(outbox["required"], true);
    assert_eq!(outbox["schema"]["format"], "phone");
    let phone = serde_json::to_value(wallet_protocol::openapi::phone()).unwrap();
    for key in ["pattern", "minLength", "maxLength"] {
        assert_eq!(outbox["schema"][key], phone[key], "{key}");
    }
}

/// Request fields carry the constraints the server enforces.
#[test]
fn request_fields_carry_what_the_server_enforces() {
    let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
    let schemas = &doc["components"]["schemas"];
    let signup = &schemas["SignupRequest"]["properties"];
    assert_eq!(signup["phone"]["format"], "phone");
    assert_eq!(signup["phone"]["maxLength"], 32);
    assert_eq!(signup["id_number"]["pattern"], "^[0-9]{17}[0-9Xx]$");
    assert_eq!(signup["name"]["maxLength"], 64);
    assert_eq!(signup["password"]["format"], "new-password");
    let verify = &schemas["VerifyRequest"]["properties"]["code"];
    assert_eq!(verify["pattern"], "^[0-9]{6}$");
    assert_eq!(verify["minLength"], 6);
    let transfer = &schemas["TransferRequest"]["properties"];
    assert_eq!(transfer["pin"]["pattern"], "^[0-9]{6}$");
    assert_eq!(transfer["amount"]["properties"]["minor"]["minimum"], 1);
    assert_eq!(
        transfer["amount"]["properties"]["currency"]["enum"][0],
        "CNY"
    );
    assert_eq!(transfer["note"]["maxLength"], 50);
    let merchant = &schemas["MerchantCreateRequest"]["properties"];
    assert_eq!(merchant["name"]["maxLength"], 25);
    assert_eq!(merchant["mcc"]["pattern"], "^[0-9]{4}$");
    // Rules across fields: report-lost's identity is name + id_last6, or the password.
    let report = &schemas["ReportLostRequest"]["allOf"][1]["oneOf"];
    assert_eq!(report.as_array().unwrap().len(), 2);
}

/// A method a known path does not take answers 405 problem+json with `Allow`, not 404.
#[tokio::test]
async fn unknown_methods_on_known_paths_answer_405() {
    let app = TestApp::new();
    for (method, path, allowed) in [
        ("TRACE", paths::ME, "GET"),
        ("DELETE", paths::SIGNUP, "POST"),
        ("PATCH", paths::SETTINGS, "GET"),
    ] {
        let res = app
            .send(
                axum::http::Request::builder()
                    .method(method)
                    .uri(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}"
        );
        assert_eq!(res.code(), "METHOD_NOT_ALLOWED");
        let allow = res.allow.as_deref().unwrap_or_default();
        assert!(allow.contains(allowed), "{method} {path}: Allow {allow}");
    }
    // Unknown paths stay 404.
    assert_eq!(app.get("/v1/nothing-here").await.code(), "NOT_FOUND");
}

/// The validator every in-process test goes through refuses what the document does not say.
#[test]
fn the_answer_validator_refuses_what_the_document_does_not_say() {
    use common::contract::{check, Answer};
    let answer = |method, path, status, content_type, body: &'static [u8]| Answer {
        method,
        path,
        status,
        content_type,
        allow: Some("GET"),
        body,
    };
    // As documented.
    check(&answer(
        "GET",
        "/healthz",
        200,
        Some("application/json"),
        br#"{"status":"ok"}"#,
    ))
    .unwrap();
    // A status the operation does not list.
    let e = check(&answer(
        "GET",
        "/healthz",
        418,
        Some("application/json"),
        b"{}",
    ))
    .unwrap_err();
    assert!(e.contains("does not list"), "{e}");
    // A body that breaks the schema: an error code as the Rust variant, not as sent.
    let bad = br#"{"type":"t","title":"t","status":401,"code":"DeviceRevoked"}"#;
    let e = check(&answer(
        "GET",
        "/v1/me",
        401,
        Some("application/problem+json"),
        bad,
    ))
    .unwrap_err();
    assert!(e.contains("breaks the schema"), "{e}");
    let good = br#"{"type":"t","title":"t","status":401,"code":"DEVICE_REVOKED"}"#;
    check(&answer(
        "GET",
        "/v1/me",
        401,
        Some("application/problem+json"),
        good,
    ))
    .unwrap();
    // Another content type than documented.
    let e = check(&answer("GET", "/v1/me", 401, Some("text/plain"), good)).unwrap_err();
    assert!(e.contains("lists"), "{e}");
    // A method not documented must be a 405 problem with Allow.
    let e = check(&answer(
        "DELETE",
        "/v1/me",
        404,
        Some("application/problem+json"),
        b"{}",
    ))
    .unwrap_err();
    assert!(e.contains("405"), "{e}");
}

/// Cursors are what the document says: 0 to 2^53 - 1; others answer `MALFORMED_REQUEST`
/// (a negative `after` used to be read as "everything").
#[tokio::test]
async fn cursors_outside_the_documented_range_are_refused() {
    let app = TestApp::new();
    let d = app.signed_up_device().await;
    for path in [
        format!("{}?after=-1", paths::EVENTS),
        format!("{}?before=-1", paths::SECURITY_LOG),
        format!("{}?after=9007199254740992", paths::HISTORY),
        format!("{}?after=9007199254740992", paths::EVENTS),
    ] {
        let res = app
            .signed_json(&d, axum::http::Method::GET, &path, None, &[])
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{path}: {res:?}");
        assert_eq!(res.code(), "MALFORMED_REQUEST");
    }
    let res = app
        .signed_json(
            &d,
            axum::http::Method::GET,
            &format!("{}?after=9007199254740991&limit=0", paths::EVENTS),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}
