//! Web checkout through the real router (in-process; docs/rules.md §Paying, issue 14): a
//! merchant makes a checkout, the page's link shows the order, the payer pays it by scanning
//! its code or after "pay with my phone number" from the inbox, and the page answers the
//! merchant's `return_url` with the result. Links are unguessable and die with the order;
//! the phone form never tells whether a number has an account. Each money step ends with the
//! ledger check.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use common::{cny, TestApp, TestDevice, TestResponse, PHONE};
use serde_json::{json, Value};
use tower::ServiceExt as _;
use wallet_protocol::api::paths;
use wallet_server::Limits;

const PIN: &str = "280419";
const RETURN: &str = "https://shop.example/return?cart=42";

struct Merchant {
    id: String,
    key: String,
}

async fn merchant(app: &TestApp, name: &str) -> Merchant {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": name, "city": "Shanghai", "mcc": "5812" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    Merchant {
        id: res.body["merchant"]["merchant_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        key: res.body["api_key"].as_str().unwrap().to_owned(),
    }
}

async fn create(app: &TestApp, m: &Merchant, body: Value) -> TestResponse {
    app.merchant_call(
        Method::POST,
        &paths::merchant_checkouts(&m.id),
        Some(&m.key),
        Some(body),
        &[],
    )
    .await
}

/// A checkout of `minor` fen back to [`RETURN`]: `(order id, token)`.
async fn checkout(app: &TestApp, m: &Merchant, minor: i64) -> (String, String) {
    let res = create(
        app,
        m,
        json!({ "amount": cny(minor), "description": "Order 42", "return_url": RETURN }),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let order = &res.body["order"];
    assert_eq!(order["channel"], "checkout");
    assert_eq!(order["status"], "open");
    assert!(order["payload"].as_str().unwrap().starts_with("000201"));
    let path = res.body["checkout_path"].as_str().unwrap();
    let token = path.strip_prefix("/checkout/").unwrap().to_owned();
    assert!(token.starts_with("chk_") && token.len() >= 40, "{token}");
    (order["order_id"].as_str().unwrap().to_owned(), token)
}

async fn view(app: &TestApp, token: &str) -> TestResponse {
    app.get(&paths::checkout(token)).await
}

async fn push(app: &TestApp, token: &str, phone: &str) -> TestResponse {
    app.post_json(&paths::checkout_phone(token), json!({ "phone": phone }))
        .await
}

/// The page's HTML, status and headers (straight from the router).
async fn page(
    app: &TestApp,
    token: &str,
    lang: Option<&str>,
) -> (StatusCode, String, Vec<(String, String)>) {
    let mut req = Request::get(paths::checkout_page(token));
    if let Some(l) = lang {
        req = req.header("accept-language", l);
    }
    let mut req = req.body(Body::empty()).unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(app.ip));
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap().to_owned()))
        .collect();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap(), headers)
}

async fn balance(app: &TestApp, d: &TestDevice) -> i64 {
    let res = app
        .signed_json(d, Method::GET, paths::BALANCE, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["balance"]["minor"].as_i64().unwrap()
}

async fn inbox(app: &TestApp, d: &TestDevice) -> Vec<Value> {
    let res = app
        .signed_json(d, Method::GET, paths::ORDERS, None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["orders"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_checkout_is_paid_by_scanning_its_code_and_returns_to_the_merchant() {
    let app = TestApp::new();
    let m = merchant(&app, "Tom & Jerry <Cafe>").await;
    let payer = app.payer(PHONE, PIN, 50_000).await;
    let (order_id, token) = checkout(&app, &m, 1_250).await;

    // The page: the merchant on record (escaped), the amount, the code, the phone form.
    let (status, html, headers) = page(&app, &token, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Tom &amp; Jerry &lt;Cafe&gt;"), "{html}");
    assert!(!html.contains("<Cafe>"));
    assert!(html.contains("¥12.50") && html.contains(&order_id));
    assert!(html.contains("<svg") && html.contains("id=\"phone-form\""));
    assert!(
        !html.contains(&m.key) && !html.contains("mk_"),
        "no secret in the page"
    );
    let header = |n: &str| {
        headers
            .iter()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(header("referrer-policy"), "no-referrer");
    assert!(header("content-security-policy").contains("frame-ancestors 'none'"));
    assert!(header("content-type").starts_with("text/html"));

    let v = view(&app, &token).await;
    assert_eq!(v.status, StatusCode::OK, "{v:?}");
    assert_eq!(v.body["status"], "open");
    assert_eq!(v.body["amount"]["minor"], 1_250);
    assert_eq!(v.body["merchant"]["name"], "Tom & Jerry <Cafe>");
    assert!(v.body["return_url"].is_null());
    let payload = v.body["payload"].as_str().unwrap().to_owned();

    // The payer scans and pays it like any order code.
    let paid = app
        .signed_json(
            &payer,
            Method::POST,
            paths::QR_PAYMENTS,
            Some(json!({ "payload": payload, "pin": PIN })),
            &[("idempotency-key", "checkout-scan-1")],
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{paid:?}");
    assert_eq!(paid.body["channel"], "checkout");
    assert_eq!(paid.body["order_id"], order_id.as_str());
    app.assert_ledger().await;
    assert_eq!(balance(&app, &payer).await, 50_000 - 1_250);

    // The page now says paid, shows no code, and returns with the result.
    let v = view(&app, &token).await;
    assert_eq!(v.body["status"], "paid");
    assert!(v.body["payload"].is_null());
    assert_eq!(
        v.body["return_url"],
        format!("{RETURN}&order_id={order_id}&status=paid").as_str()
    );
    let (_, html, _) = page(&app, &token, None).await;
    assert!(
        !html.contains("id=\"phone-form\""),
        "no pay options once paid"
    );
    assert!(html.contains("status=paid"));

    // Paid once: a second scan is refused; the merchant sees it paid, without the payer.
    let again = app
        .signed_json(
            &payer,
            Method::POST,
            paths::QR_PAYMENTS,
            Some(json!({ "payload": payload, "pin": PIN })),
            &[("idempotency-key", "checkout-scan-2")],
        )
        .await;
    assert_eq!(again.code(), "ORDER_ALREADY_PAID");
    let order = app
        .merchant_call(
            Method::GET,
            &paths::merchant_order(&m.id, &order_id),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert_eq!(order.body["status"], "paid");
    assert_eq!(order.body["channel"], "checkout");
    assert!(order.body["payer_phone_masked"].is_null());
    app.assert_ledger().await;
}

#[tokio::test]
async fn pay_with_my_phone_number_waits_in_the_inbox_and_never_tells_who_has_an_account() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    let payer = app.payer(PHONE, PIN, 50_000).await;
    let (order_id, token) = checkout(&app, &m, 8_800).await;

    // A number without an account and the payer's: the same answer, masked.
    let stranger = push(&app, &token, "13900007777").await;
    let known = push(&app, &token, PHONE).await;
    assert_eq!(stranger.status, StatusCode::ACCEPTED, "{stranger:?}");
    assert_eq!(known.status, StatusCode::ACCEPTED, "{known:?}");
    assert_eq!(stranger.body["phone_masked"], "+86 139****7777");
    assert_eq!(known.body["phone_masked"], "+86 138****5678");
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&stranger.body), keys(&known.body));
    assert_eq!(
        push(&app, &token, "not a number").await.code(),
        "PHONE_INVALID"
    );

    // The order waits in the payer's inbox as a web checkout; the merchant does not see who.
    let waiting = inbox(&app, &payer).await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0]["order_id"], order_id.as_str());
    assert_eq!(waiting[0]["channel"], "checkout");
    let order = app
        .merchant_call(
            Method::GET,
            &paths::merchant_order(&m.id, &order_id),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert!(order.body["payer_phone_masked"].is_null(), "{order:?}");

    // Confirmed with the PIN: paid once, from the balance; the page returns with `paid`.
    let confirm = app
        .signed_json(
            &payer,
            Method::POST,
            &paths::order_confirm(&order_id),
            Some(json!({ "pin": PIN })),
            &[("idempotency-key", "checkout-confirm-1")],
        )
        .await;
    assert_eq!(confirm.status, StatusCode::OK, "{confirm:?}");
    assert_eq!(confirm.body["channel"], "checkout");
    app.assert_ledger().await;
    assert_eq!(balance(&app, &payer).await, 50_000 - 8_800);
    let v = view(&app, &token).await;
    assert_eq!(v.body["status"], "paid");
    assert!(v.body["return_url"]
        .as_str()
        .unwrap()
        .ends_with("&status=paid"));
    assert!(inbox(&app, &payer).await.is_empty());
    // A paid checkout takes no more numbers.
    assert_eq!(push(&app, &token, PHONE).await.code(), "ORDER_ALREADY_PAID");

    // The merchant refunds it like any order: back to the balance.
    let refund = app
        .merchant_call(
            Method::POST,
            &paths::merchant_order_refund(&m.id, &order_id),
            Some(&m.key),
            Some(json!({})),
            &[("idempotency-key", "checkout-refund-1")],
        )
        .await;
    assert_eq!(refund.status, StatusCode::OK, "{refund:?}");
    assert_eq!(balance(&app, &payer).await, 50_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn declined_in_the_app_the_page_returns_declined() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    let payer = app.payer(PHONE, PIN, 10_000).await;
    let (order_id, token) = checkout(&app, &m, 500).await;
    assert_eq!(push(&app, &token, PHONE).await.status, StatusCode::ACCEPTED);
    let declined = app
        .signed_json(
            &payer,
            Method::POST,
            &paths::order_decline(&order_id),
            None,
            &[],
        )
        .await;
    assert_eq!(declined.status, StatusCode::OK, "{declined:?}");
    let v = view(&app, &token).await;
    assert_eq!(v.body["status"], "declined");
    assert_eq!(
        v.body["return_url"],
        format!("{RETURN}&order_id={order_id}&status=declined").as_str()
    );
    assert_eq!(balance(&app, &payer).await, 10_000);
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_page_pushes_its_order_to_a_few_numbers_only() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    let (_, token) = checkout(&app, &m, 500).await;
    for i in 0..5 {
        let res = push(&app, &token, &format!("1390000{:04}", 1000 + i)).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    }
    let sixth = push(&app, &token, "13900002000").await;
    assert_eq!(sixth.code(), "RATE_LIMITED");
    assert!(sixth.retry_after.is_some());
    // Another checkout has its own count.
    let (_, other) = checkout(&app, &m, 500).await;
    assert_eq!(
        push(&app, &other, "13900002000").await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn the_client_ip_budget_of_numbers_covers_the_phone_form() {
    let limits = Limits {
        signed_out_lookups_per_hour: 3,
        ..Limits::default()
    };
    let app = TestApp::builder().limits(limits).build();
    let m = merchant(&app, "Sandbox Books").await;
    let (_, a) = checkout(&app, &m, 500).await;
    let (_, b) = checkout(&app, &m, 500).await;
    for n in ["13900001001", "13900001002", "13900001003"] {
        assert_eq!(push(&app, &a, n).await.status, StatusCode::ACCEPTED);
    }
    // A fourth number from this address, whatever the page.
    assert_eq!(push(&app, &b, "13900001004").await.code(), "RATE_LIMITED");
}

#[tokio::test]
async fn return_url_is_http_or_https_with_a_host() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    for bad in [
        "javascript:alert(1)",
        "ftp://shop.example/return",
        "https://shop.example@evil.example/",
        "https:///return",
        "https://shop.example/ return",
        "data:text/html,hello",
    ] {
        let res = create(&app, &m, json!({ "amount": cny(500), "return_url": bad })).await;
        assert_eq!(res.code(), "MALFORMED_REQUEST", "{bad}: {res:?}");
        assert!(
            res.body["detail"].as_str().unwrap().contains("return_url"),
            "{res:?}"
        );
    }
    let missing = create(&app, &m, json!({ "amount": cny(500) })).await;
    assert_eq!(missing.code(), "MALFORMED_REQUEST");
    let local = create(
        &app,
        &m,
        json!({ "amount": cny(500), "return_url": "http://127.0.0.1:8080/done" }),
    )
    .await;
    assert_eq!(local.status, StatusCode::CREATED, "{local:?}");
    // Only the merchant makes checkouts.
    let stranger = app
        .merchant_call(
            Method::POST,
            &paths::merchant_checkouts(&m.id),
            Some("mk_wrong"),
            Some(json!({ "amount": cny(500), "return_url": RETURN })),
            &[],
        )
        .await;
    assert_eq!(stranger.code(), "MERCHANT_KEY_INVALID");
}

#[tokio::test]
async fn a_checkout_nobody_could_pay_is_refused_when_made() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    // Over the per-payment limit (¥50,000), up to the largest amount there is.
    for minor in [5_000_001, 1_000_000_000_000] {
        let res = create(
            &app,
            &m,
            json!({ "amount": cny(minor), "return_url": RETURN }),
        )
        .await;
        assert_eq!(res.code(), "AMOUNT_OVER_LIMIT", "{minor}: {res:?}");
    }
    for bad in [
        json!({ "minor": 0, "currency": "CNY" }),
        json!({ "minor": 100, "currency": "USD" }),
    ] {
        let res = create(&app, &m, json!({ "amount": bad, "return_url": RETURN })).await;
        assert_eq!(res.code(), "AMOUNT_INVALID", "{res:?}");
    }
}

#[tokio::test]
async fn links_cannot_be_guessed_and_die_with_the_order() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    let payer = app.payer(PHONE, PIN, 10_000).await;
    let res = create(
        &app,
        &m,
        json!({ "amount": cny(500), "return_url": RETURN, "expires_in_secs": 60 }),
    )
    .await;
    let order_id = res.body["order"]["order_id"].as_str().unwrap().to_owned();
    let token = res.body["checkout_path"]
        .as_str()
        .unwrap()
        .strip_prefix("/checkout/")
        .unwrap()
        .to_owned();

    // Not by the order id, not by a made-up token, not by a token one character off.
    let mut off = token.clone();
    let last = off.pop().unwrap();
    off.push(if last == 'A' { 'B' } else { 'A' });
    for wrong in [
        order_id.as_str(),
        "chk_0000000000000000000000000000000000000000000",
        &off,
    ] {
        assert_eq!(view(&app, wrong).await.code(), "ORDER_NOT_FOUND", "{wrong}");
        assert_eq!(push(&app, wrong, PHONE).await.code(), "ORDER_NOT_FOUND");
        let (status, html, _) = page(&app, wrong, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(html.contains("data-status=\"gone\""));
    }

    // Past the order's time: expired, nothing to pay, back to the merchant with `expired`.
    assert_eq!(push(&app, &token, PHONE).await.status, StatusCode::ACCEPTED);
    app.advance(61);
    let v = view(&app, &token).await;
    assert_eq!(v.body["status"], "expired");
    assert!(v.body["payload"].is_null());
    assert!(v.body["return_url"]
        .as_str()
        .unwrap()
        .ends_with("&status=expired"));
    assert_eq!(push(&app, &token, PHONE).await.code(), "ORDER_EXPIRED");
    assert!(inbox(&app, &payer).await.is_empty());
    let confirm = app
        .signed_json(
            &payer,
            Method::POST,
            &paths::order_confirm(&order_id),
            Some(json!({ "pin": PIN })),
            &[("idempotency-key", "checkout-late-1")],
        )
        .await;
    assert_eq!(confirm.code(), "ORDER_EXPIRED");

    // Ten minutes on, the link itself is gone.
    app.advance(600);
    assert_eq!(view(&app, &token).await.code(), "ORDER_NOT_FOUND");
    let (status, _, _) = page(&app, &token, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.assert_ledger().await;
}

#[tokio::test]
async fn the_page_speaks_the_payers_language() {
    let app = TestApp::new();
    let m = merchant(&app, "Sandbox Books").await;
    let (_, token) = checkout(&app, &m, 500).await;
    let (_, zh, _) = page(&app, &token, Some("zh-CN,zh;q=0.9")).await;
    assert!(zh.contains("lang=\"zh-CN\"") && zh.contains("用我的手机号支付"));
    let (_, tw, _) = page(&app, &token, Some("zh-TW")).await;
    assert!(tw.contains("lang=\"zh-TW\"") && tw.contains("用我的手機號碼付款"));
    let (_, en, _) = page(&app, &token, Some("fr,en;q=0.5")).await;
    assert!(en.contains("lang=\"en\"") && en.contains("Pay with my phone number"));
}

#[tokio::test]
async fn web_checkout_is_sandbox_only() {
    let app = TestApp::builder().sandbox(false).build();
    let m = wallet_server::store::MerchantRow {
        id: "mch_prod".into(),
        name: "Prod Shop".into(),
        city: "Shanghai".into(),
        mcc: "5812".into(),
        created_at: app.now(),
    };
    app.store
        .insert_merchant(m, wallet_server::domain::pay::api_key_hash("mk_prod"))
        .await
        .unwrap();
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_checkouts("mch_prod"),
            Some("mk_prod"),
            Some(json!({ "amount": cny(500), "return_url": RETURN })),
            &[],
        )
        .await;
    assert_eq!(res.code(), "SANDBOX_ONLY");
    let token = "chk_0000000000000000000000000000000000000000000";
    assert_eq!(view(&app, token).await.code(), "SANDBOX_ONLY");
    assert_eq!(push(&app, token, PHONE).await.code(), "SANDBOX_ONLY");
    let (status, _, _) = page(&app, token, None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
