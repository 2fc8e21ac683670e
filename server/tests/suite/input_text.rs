//! Issue 13, "Input": names, notes, device names and merchant names and descriptions refuse the
//! invisible characters that change how text reads (direction overrides, embeddings, isolates
//! and marks; zero-width characters) with `TEXT_HIDDEN_CHARACTER` and a detail naming the
//! field, through the real router (in-process). Nothing is created by a refused request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, ID_NUMBER, PASSWORD, PHONE};
use serde_json::json;
use wallet_protocol::api::{paths, ChallengeResponse};

const PIN: &str = "280419";
const PHONE_B: &str = "13900000002";

/// The refusal: 400, the code, and a detail that names `field` and the code point but does
/// not repeat the text.
fn refused(res: &TestResponse, field: &str, code_point: &str) {
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{res:?}");
    assert_eq!(res.code(), "TEXT_HIDDEN_CHARACTER", "{res:?}");
    let detail = res.body["detail"].as_str().unwrap_or_default();
    assert!(detail.starts_with(&format!("{field} holds")), "{detail}");
    assert!(detail.contains(code_point), "{detail}");
}

#[tokio::test]
async fn sign_up_names_with_direction_overrides_or_zero_width_characters_are_refused() {
    let app = TestApp::new();
    for (name, code_point) in [
        ("李\u{202E}明", "U+202E"),
        ("\u{2067}李明", "U+2067"),
        ("李明\u{200B}", "U+200B"),
        ("李\u{FEFF}明", "U+FEFF"),
        ("Ann\u{200F} Lin", "U+200F"),
        ("Ann\u{061C}Lin", "U+061C"),
    ] {
        let res = app
            .post_json(
                paths::SIGNUP,
                json!({ "phone": PHONE, "name": name, "id_number": ID_NUMBER, "password": PASSWORD }),
            )
            .await;
        refused(&res, "name", code_point);
    }
    // No code went out for any of them; the plain name signs up.
    let res = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    assert_eq!(res.body["messages"], json!([]), "{res:?}");
    let res = app.signup(PHONE, PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
}

#[tokio::test]
async fn device_names_and_platforms_are_checked_at_enrolment() {
    let app = TestApp::new();
    let res = app.signup(PHONE, PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let challenge: ChallengeResponse = serde_json::from_value(res.body).unwrap();
    let code = app.latest_code(PHONE).await;
    let device = TestDevice::new();
    let mut enrolment = device.enrolment("Li's phone\u{2066}");
    let res = app
        .post_json(
            &paths::challenge_verify(&challenge.challenge_id),
            json!({ "code": code, "device": enrolment }),
        )
        .await;
    refused(&res, "device.name", "U+2066");
    enrolment["name"] = json!("Li's phone");
    enrolment["platform"] = json!("and\u{200D}roid");
    let res = app
        .post_json(
            &paths::challenge_verify(&challenge.challenge_id),
            json!({ "code": code, "device": enrolment }),
        )
        .await;
    refused(&res, "device.platform", "U+200D");
    // The code is still good for a clean enrolment (a refused body is not a wrong code).
    enrolment["platform"] = json!("android");
    let res = app
        .post_json(
            &paths::challenge_verify(&challenge.challenge_id),
            json!({ "code": code, "device": enrolment }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

#[tokio::test]
async fn transfer_notes_are_checked_and_nothing_moves() {
    let app = TestApp::new();
    let a = app.payer_named(PHONE, "李明", PIN, 100_000).await;
    let _b = app.payer_named(PHONE_B, "王小华", "360517", 0).await;
    for (i, (note, code_point)) in [
        ("rent \u{202E}0005", "U+202E"),
        ("lunch\u{2060}", "U+2060"),
        ("\u{200E}午饭", "U+200E"),
    ]
    .into_iter()
    .enumerate()
    {
        let res = app
            .signed_json(
                &a,
                Method::POST,
                paths::TRANSFERS,
                Some(json!({ "to_phone": PHONE_B, "amount": cny(100), "note": note, "pin": PIN })),
                &[("idempotency-key", &format!("idem-note-{i:04}"))],
            )
            .await;
        refused(&res, "note", code_point);
    }
    let res = app
        .signed_json(&a, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.body["balance"]["minor"], 100_000, "{res:?}");
    let res = app
        .signed_json(
            &a,
            Method::POST,
            paths::TRANSFERS,
            Some(json!({ "to_phone": PHONE_B, "amount": cny(100), "note": "午饭 AA", "pin": PIN })),
            &[("idempotency-key", "idem-note-ok01")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    app.assert_ledger().await;
}

#[tokio::test]
async fn merchant_names_cities_and_order_descriptions_are_checked() {
    let app = TestApp::new();
    for (body, field, code_point) in [
        (
            json!({ "name": "Lucky\u{202E}Noodles", "city": "Shanghai", "mcc": "5812" }),
            "name",
            "U+202E",
        ),
        (
            json!({ "name": "Lucky Noodles", "city": "Shang\u{200B}hai", "mcc": "5812" }),
            "city",
            "U+200B",
        ),
    ] {
        let res = app.post_json(paths::MERCHANTS, body).await;
        refused(&res, field, code_point);
    }
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": "Lucky Noodles", "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let id = res.body["merchant"]["merchant_id"].as_str().unwrap();
    let key = res.body["api_key"].as_str().unwrap();
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_orders(id),
            Some(key),
            Some(json!({ "amount": cny(3_880), "description": "2 bowls\u{2069}" })),
            &[],
        )
        .await;
    refused(&res, "description", "U+2069");
}
