//! Request signing against the real server, as an attacker would probe it: a replayed nonce, a
//! stale timestamp, a bad signature, an unknown device, missing headers. Each has its own code.
//! The test enrols its own device over raw HTTP with a key it made, like any client would.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::SigningKey;
use reqwest::blocking::Client;
use serde_json::{json, Value};
use wallet_e2e::*;
use wallet_protocol::signing::{self, SignedParts};

struct RawDevice {
    key: SigningKey,
    id: String,
}

fn enrol(server: &Server, http: &Client) -> RawDevice {
    let phone = fresh_phone();
    let r = http
        .post(format!("{}/v1/signup", server.url))
        .json(&json!({"phone": phone, "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD}))
        .send()
        .unwrap();
    assert_eq!(r.status(), 202);
    let challenge: Value = r.json().unwrap();
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let r = http
        .post(format!(
            "{}/v1/challenges/{}/verify",
            server.url,
            challenge["challenge_id"].as_str().unwrap()
        ))
        .json(&json!({
            "code": server.otp(&phone),
            "device": {"public_key": signing::encode_public_key(&key.verifying_key()), "name": "raw", "platform": "test"}
        }))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let enrolled: Value = r.json().unwrap();
    RawDevice {
        key,
        id: enrolled["device_id"].as_str().unwrap().to_owned(),
    }
}

fn nonce() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>())
}

/// Sends `GET path` signed with the given parts; returns (status, body).
fn get(
    server: &Server,
    http: &Client,
    device_id: &str,
    key: &SigningKey,
    path: &str,
    timestamp: i64,
    nonce: &str,
) -> (u16, Value) {
    let sig = signing::sign(
        key,
        &SignedParts {
            method: "GET",
            path_and_query: path,
            timestamp,
            nonce,
            body: b"",
        },
    );
    let r = http
        .get(format!("{}{path}", server.url))
        .header(signing::HEADER_DEVICE, device_id)
        .header(signing::HEADER_TIMESTAMP, timestamp.to_string())
        .header(signing::HEADER_NONCE, nonce)
        .header(signing::HEADER_SIGNATURE, sig)
        .send()
        .unwrap();
    let status = r.status().as_u16();
    let content_type = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let body: Value = r.json().unwrap_or(Value::Null);
    if status >= 400 {
        assert_eq!(content_type.as_deref(), Some("application/problem+json"));
    }
    (status, body)
}

#[test]
fn each_forgery_is_rejected_with_its_own_code() {
    let server = Server::start();
    let http = Client::new();
    let dev = enrol(&server, &http);
    let now = chrono::Utc::now().timestamp();

    // A correct request works.
    let n = nonce();
    let (status, me) = get(&server, &http, &dev.id, &dev.key, "/v1/me", now, &n);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["name"], NAME);

    // Replaying the same nonce (identical request) is refused.
    let (status, body) = get(&server, &http, &dev.id, &dev.key, "/v1/me", now, &n);
    assert_eq!((status, body["code"].as_str()), (401, Some("NONCE_REUSED")));

    // A timestamp six minutes old (or ahead) is refused.
    for skew in [-360, 360] {
        let (status, body) = get(
            &server,
            &http,
            &dev.id,
            &dev.key,
            "/v1/me",
            now + skew,
            &nonce(),
        );
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("TIMESTAMP_SKEW"))
        );
    }

    // A signature by another key is refused.
    let stranger = SigningKey::generate(&mut rand::rngs::OsRng);
    let (status, body) = get(&server, &http, &dev.id, &stranger, "/v1/me", now, &nonce());
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("SIGNATURE_INVALID"))
    );

    // A signature for another path is refused (the path is signed).
    let sig_for_devices = signing::sign(
        &dev.key,
        &SignedParts {
            method: "GET",
            path_and_query: "/v1/devices",
            timestamp: now,
            nonce: "abcdefghijklmnopqrst",
            body: b"",
        },
    );
    let r = http
        .get(format!("{}/v1/me", server.url))
        .header(signing::HEADER_DEVICE, &dev.id)
        .header(signing::HEADER_TIMESTAMP, now.to_string())
        .header(signing::HEADER_NONCE, "abcdefghijklmnopqrst")
        .header(signing::HEADER_SIGNATURE, sig_for_devices)
        .send()
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().unwrap()["code"], "SIGNATURE_INVALID");

    // An unknown device id is refused.
    let (status, body) = get(
        &server,
        &http,
        "dev_doesnotexist",
        &dev.key,
        "/v1/me",
        now,
        &nonce(),
    );
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("DEVICE_UNKNOWN"))
    );

    // No signature headers at all.
    let r = http.get(format!("{}/v1/me", server.url)).send().unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>().unwrap()["code"], "SIGNATURE_MISSING");

    // After all that, the genuine device still works.
    let (status, _) = get(&server, &http, &dev.id, &dev.key, "/v1/me", now, &nonce());
    assert_eq!(status, 200);
}

#[test]
fn revocation_takes_effect_on_the_very_next_request() {
    let server = Server::start();
    let http = Client::new();
    let dev = enrol(&server, &http);
    let now = chrono::Utc::now().timestamp();
    let path = format!("/v1/devices/{}/revoke", dev.id);
    let n = nonce();
    let sig = signing::sign(
        &dev.key,
        &SignedParts {
            method: "POST",
            path_and_query: &path,
            timestamp: now,
            nonce: &n,
            body: b"",
        },
    );
    let r = http
        .post(format!("{}{path}", server.url))
        .header(signing::HEADER_DEVICE, &dev.id)
        .header(signing::HEADER_TIMESTAMP, now.to_string())
        .header(signing::HEADER_NONCE, &n)
        .header(signing::HEADER_SIGNATURE, sig)
        .send()
        .unwrap();
    assert_eq!(r.status(), 204);
    let (status, body) = get(&server, &http, &dev.id, &dev.key, "/v1/me", now, &nonce());
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("DEVICE_REVOKED"))
    );
}

#[test]
fn malformed_bodies_and_unknown_routes_are_problem_json() {
    let server = Server::start();
    let http = Client::new();
    let r = http
        .post(format!("{}/v1/signup", server.url))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    assert_eq!(r.json::<Value>().unwrap()["code"], "MALFORMED_REQUEST");
    let r = http
        .get(format!("{}/v1/nothing-here", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(r.json::<Value>().unwrap()["code"], "NOT_FOUND");
    let r = http
        .get(format!("{}/openapi.json", server.url))
        .send()
        .unwrap();
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().unwrap();
    assert!(doc["paths"]["/v1/signup"].is_object(), "{doc}");
}
