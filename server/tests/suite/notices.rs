//! Merchant notices through the real router and the real deliverer (in-process, manual clock):
//! a local receiver refuses the first delivery and accepts the next; every notice is checked
//! with the merchant's secret (`wallet_protocol::notice::verify`). Runs on SQLite and, with
//! `WALLET_TEST_BACKEND=postgres`, on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode};
use common::{cny, TestApp, TestDevice};
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_protocol::notice::{self, paths as notice_paths};
use wallet_server::domain::notices::{self, NoticeOptions};
use wallet_server::ports::notify::HttpNotifier;
use wallet_server::store::AttemptResult;

const PIN: &str = "280419";

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }

    fn verifies_with(&self, secret: &str, now: i64) -> bool {
        notice::verify(secret, &self.timestamp, &self.signature, &self.body, now).is_ok()
    }
}

/// A merchant's server: answers the scripted statuses in turn, then `default`.
#[derive(Clone)]
struct Receiver {
    got: Arc<Mutex<Vec<Received>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
    default: u16,
    url: String,
}

impl Receiver {
    async fn start(script: &[u16], default: u16) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/wallet/notices", listener.local_addr().unwrap());
        let r = Receiver {
            got: Arc::default(),
            script: Arc::new(Mutex::new(script.iter().copied().collect())),
            default,
            url,
        };
        let app = axum::Router::new()
            .route("/wallet/notices", axum::routing::post(receive))
            .with_state(r.clone());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        r
    }

    fn got(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |name: &str| {
        headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(h("content-type"), "application/json");
    r.got.lock().unwrap().push(Received {
        id: h(notice::HEADER_ID),
        timestamp: h(notice::HEADER_TIMESTAMP),
        signature: h(notice::HEADER_SIGNATURE),
        body: body.to_vec(),
    });
    let status = r.script.lock().unwrap().pop_front().unwrap_or(r.default);
    StatusCode::from_u16(status).unwrap()
}

struct Merchant {
    id: String,
    key: String,
    secret: String,
}

async fn merchant(app: &TestApp, name: &str, notify_url: Option<&str>) -> Merchant {
    let res = app
        .post_json(
            paths::MERCHANTS,
            json!({ "name": name, "city": "Shanghai", "mcc": "5812", "notify_url": notify_url }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    let secret = res.body["notice_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("nsk_") && secret.len() > 40, "{secret}");
    Merchant {
        id: res.body["merchant"]["merchant_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        key: res.body["api_key"].as_str().unwrap().to_owned(),
        secret,
    }
}

async fn order(app: &TestApp, m: &Merchant, body: Value) -> Value {
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_orders(&m.id),
            Some(&m.key),
            Some(body),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{res:?}");
    res.body
}

/// Pays a dynamic order's code from `d`.
async fn pay(app: &TestApp, d: &TestDevice, order: &Value, key: &str) {
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::QR_PAYMENTS,
            Some(json!({ "payload": order["payload"], "pin": PIN })),
            &[("idempotency-key", &format!("idem-{key}"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

async fn refund(app: &TestApp, m: &Merchant, order_id: &str, minor: Option<i64>, key: &str) {
    let res = app
        .merchant_call(
            Method::POST,
            &paths::merchant_order_refund(&m.id, order_id),
            Some(&m.key),
            Some(json!({ "amount": minor.map(cny) })),
            &[("idempotency-key", &format!("idem-{key}"))],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
}

async fn notices_of(app: &TestApp, m: &Merchant, order_id: Option<&str>) -> Value {
    let mut path = notice_paths::merchant_notices(&m.id);
    if let Some(o) = order_id {
        path.push_str(&format!("?order_id={o}"));
    }
    let res = app
        .merchant_call(Method::GET, &path, Some(&m.key), None, &[])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body
}

fn options() -> NoticeOptions {
    NoticeOptions {
        notice_timeout_ms: 2000,
        ..NoticeOptions::default()
    }
}

fn notifier() -> HttpNotifier {
    HttpNotifier::new(true, Duration::from_secs(2)).unwrap()
}

/// One pass of the deliverer as instance `inst_test`.
async fn pass(app: &TestApp, o: &NoticeOptions) -> usize {
    notices::deliver_due(&app.state, o, &notifier(), "inst_test")
        .await
        .unwrap()
}

#[tokio::test]
async fn notices_are_signed_retried_after_a_refusal_and_delivered_once_acknowledged() {
    let app = TestApp::new();
    let hook = Receiver::start(&[503], 204).await;
    let m = merchant(&app, "Notice Cafe", Some(&hook.url)).await;
    let d = app.payer("13900000001", PIN, 100_000).await;
    let o = options();

    let ord = order(&app, &m, json!({ "amount": cny(1250) })).await;
    let order_id = ord["order_id"].as_str().unwrap().to_owned();
    assert!(notices_of(&app, &m, None).await["notices"]
        .as_array()
        .unwrap()
        .is_empty());
    pay(&app, &d, &ord, "pay-1").await;
    let paid_at = app.now();

    // Written with the payment, before any delivery.
    let list = notices_of(&app, &m, None).await;
    assert_eq!(list["notify_url"], hook.url.as_str());
    let n = &list["notices"][0];
    assert_eq!(n["event"], "paid");
    assert_eq!(n["order_id"], order_id.as_str());
    assert_eq!(n["amount"], cny(1250));
    assert_eq!(n["status"], "pending");
    assert_eq!(n["attempts"], 0);

    // First attempt: refused with 503, retried after the base delay.
    assert_eq!(pass(&app, &o).await, 1);
    let got = hook.got();
    assert_eq!(got.len(), 1);
    assert!(got[0].verifies_with(&m.secret, app.now()));
    assert!(!got[0].verifies_with("nsk_someone_else", app.now()));
    let body = got[0].json();
    assert_eq!(body["notice_id"], got[0].id.as_str());
    assert_eq!(body["event"], "paid");
    assert_eq!(body["merchant_id"], m.id.as_str());
    assert_eq!(body["order_id"], order_id.as_str());
    assert_eq!(body["amount"], cny(1250));
    assert_eq!(body["order_amount"], cny(1250));
    assert_eq!(body["refunded"], cny(0));
    let occurred: chrono::DateTime<chrono::Utc> =
        body["occurred_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(occurred.timestamp(), paid_at);
    let n = notices_of(&app, &m, None).await["notices"][0].clone();
    assert_eq!(n["status"], "pending");
    assert_eq!(n["attempts"], 1);
    assert_eq!(n["last_http_status"], 503);
    assert_eq!(n["last_error"], "http 503");
    let next: chrono::DateTime<chrono::Utc> =
        n["next_attempt_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(next.timestamp(), app.now() + 15);

    // Not due yet: nothing goes out.
    assert_eq!(pass(&app, &o).await, 0);
    app.advance(15);
    assert_eq!(pass(&app, &o).await, 1);
    let got = hook.got();
    assert_eq!(got.len(), 2);
    // The same notice, the same bytes; signed again at this attempt's time.
    assert_eq!(got[1].id, got[0].id);
    assert_eq!(got[1].body, got[0].body);
    assert_ne!(got[1].timestamp, got[0].timestamp);
    assert!(got[1].verifies_with(&m.secret, app.now()));
    let n = notices_of(&app, &m, None).await["notices"][0].clone();
    assert_eq!(n["status"], "delivered", "{n}");
    assert_eq!(n["attempts"], 2);
    assert_eq!(n["last_http_status"], 204);
    assert!(n["next_attempt_at"].is_null());
    assert!(n["delivered_at"].is_string());
    // Delivered is final.
    app.advance(3600);
    assert_eq!(pass(&app, &o).await, 0);

    // A partial refund, then a new secret, then the rest.
    refund(&app, &m, &order_id, Some(250), "refund-1").await;
    assert_eq!(pass(&app, &o).await, 1);
    let got = hook.got();
    let part = got[2].json();
    assert_eq!(part["event"], "refunded");
    assert_eq!(part["amount"], cny(250));
    assert_eq!(part["refunded"], cny(250));
    assert!(got[2].verifies_with(&m.secret, app.now()));

    let res = app
        .merchant_call(
            Method::POST,
            &notice_paths::merchant_notice_secret(&m.id),
            Some(&m.key),
            None,
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let new_secret = res.body["notice_secret"].as_str().unwrap().to_owned();
    assert_ne!(new_secret, m.secret);
    app.advance(1);
    refund(&app, &m, &order_id, None, "refund-2").await;
    assert_eq!(pass(&app, &o).await, 1);
    let last = hook.got()[3].clone();
    assert_eq!(last.json()["amount"], cny(1000));
    assert_eq!(last.json()["refunded"], cny(1250));
    assert!(last.verifies_with(&new_secret, app.now()));
    assert!(!last.verifies_with(&m.secret, app.now()));

    // One order's notices, newest first.
    let list = notices_of(&app, &m, Some(&order_id)).await;
    let events: Vec<&str> = list["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["event"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["refunded", "refunded", "paid"]);
    assert!(list["notices"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["status"] == "delivered"));
    app.assert_ledger().await;
}

#[tokio::test]
async fn expired_and_declined_orders_are_noticed_and_a_merchant_without_a_url_gets_none() {
    let app = TestApp::new();
    let hook = Receiver::start(&[], 200).await;
    let m = merchant(&app, "Expiry Shop", Some(&hook.url)).await;
    let quiet = merchant(&app, "Quiet Shop", None).await;
    let d = app.payer("13900000002", PIN, 100_000).await;
    let o = options();

    // Nobody reads the order: the deliverer's sweep expires it, on time.
    let ord = order(
        &app,
        &m,
        json!({ "amount": cny(800), "expires_in_secs": 60 }),
    )
    .await;
    let expires_at = app.now() + 60;
    app.advance(61);
    assert_eq!(pass(&app, &o).await, 1);
    let got = hook.got();
    let body = got[0].json();
    assert_eq!(body["event"], "expired");
    assert_eq!(body["order_id"], ord["order_id"]);
    let occurred: chrono::DateTime<chrono::Utc> =
        body["occurred_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(occurred.timestamp(), expires_at);

    // The payer declines a remote order.
    let remote = order(
        &app,
        &m,
        json!({ "amount": cny(900), "phone": "13900000002" }),
    )
    .await;
    let res = app
        .signed_json(
            &d,
            Method::POST,
            &paths::order_decline(remote["order_id"].as_str().unwrap()),
            None,
            &[],
        )
        .await;
    assert_eq!(res.body["status"], "declined", "{res:?}");
    assert_eq!(pass(&app, &o).await, 1);
    let body = hook.got()[1].json();
    assert_eq!(body["event"], "declined");
    assert_eq!(body["amount"], cny(900));
    assert!(hook.got()[1].verifies_with(&m.secret, app.now()));

    // A merchant without a notify_url: payments make no notices.
    let ord = order(&app, &quiet, json!({ "amount": cny(100) })).await;
    pay(&app, &d, &ord, "quiet-1").await;
    assert_eq!(pass(&app, &o).await, 0);
    let list = notices_of(&app, &quiet, None).await;
    assert!(list["notify_url"].is_null());
    assert!(list["notices"].as_array().unwrap().is_empty());
    assert_eq!(hook.got().len(), 2);
    app.assert_ledger().await;
}

#[tokio::test]
async fn a_notice_fails_after_its_last_attempt_and_clearing_the_url_fails_the_rest() {
    let app = TestApp::new();
    let hook = Receiver::start(&[], 500).await;
    let m = merchant(&app, "Broken Hook", Some(&hook.url)).await;
    let d = app.payer("13900000003", PIN, 100_000).await;
    let o = NoticeOptions {
        notice_max_attempts: 3,
        notice_retry_base_secs: 10,
        ..options()
    };
    let ord = order(&app, &m, json!({ "amount": cny(500) })).await;
    pay(&app, &d, &ord, "pay-1").await;
    assert_eq!(pass(&app, &o).await, 1);
    app.advance(10);
    assert_eq!(pass(&app, &o).await, 1);
    app.advance(19);
    assert_eq!(pass(&app, &o).await, 0, "the second retry waits 20 s");
    app.advance(1);
    assert_eq!(pass(&app, &o).await, 1);
    let n = notices_of(&app, &m, None).await["notices"][0].clone();
    assert_eq!(n["status"], "failed", "{n}");
    assert_eq!(n["attempts"], 3);
    assert_eq!(n["last_error"], "http 500");
    app.advance(100_000);
    assert_eq!(pass(&app, &o).await, 0);
    assert_eq!(hook.got().len(), 3);

    // A bad URL is refused; clearing the URL fails what was still pending.
    let settings = notice_paths::merchant_notice_settings(&m.id);
    for bad in [
        "ftp://shop.example/n",
        "not a url",
        "https://u:p@shop.example/",
    ] {
        let res = app
            .merchant_call(
                Method::PUT,
                &settings,
                Some(&m.key),
                Some(json!({ "notify_url": bad })),
                &[],
            )
            .await;
        assert_eq!(res.code(), "NOTIFY_URL_INVALID", "{bad}");
    }
    let ord = order(&app, &m, json!({ "amount": cny(600) })).await;
    pay(&app, &d, &ord, "pay-2").await;
    let res = app
        .merchant_call(
            Method::PUT,
            &settings,
            Some(&m.key),
            Some(json!({ "notify_url": null })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert!(res.body["notify_url"].is_null());
    let n = notices_of(&app, &m, None).await["notices"][0].clone();
    assert_eq!(n["status"], "failed");
    assert_eq!(n["attempts"], 0);
    assert_eq!(n["last_error"], "notify_url removed");
    assert_eq!(pass(&app, &o).await, 0);

    // Set again: later changes are noticed again.
    let res = app
        .merchant_call(
            Method::PUT,
            &settings,
            Some(&m.key),
            Some(json!({ "notify_url": hook.url })),
            &[],
        )
        .await;
    assert_eq!(res.body["notify_url"], hook.url.as_str(), "{res:?}");
    let res = app
        .merchant_call(Method::GET, &settings, Some(&m.key), None, &[])
        .await;
    assert_eq!(res.body["notify_url"], hook.url.as_str(), "{res:?}");
    assert!(res.body["secret_created_at"].is_string());
    // Another merchant's key reads nothing here.
    let other = merchant(&app, "Other Shop", None).await;
    let res = app
        .merchant_call(Method::GET, &settings, Some(&other.key), None, &[])
        .await;
    assert_eq!(res.code(), "MERCHANT_KEY_INVALID");
    app.assert_ledger().await;
}

/// Two instances on one database: each due attempt is claimed by one of them; a claim that
/// lapsed (a crashed instance) is taken over, and the late answer of the first is not recorded.
#[tokio::test]
async fn claims_are_exclusive_and_a_lapsed_claim_is_taken_over() {
    let app = TestApp::new();
    let hook = Receiver::start(&[], 204).await;
    let m = merchant(&app, "Twin Shop", Some(&hook.url)).await;
    let d = app.payer("13900000004", PIN, 100_000).await;
    for i in 0..6 {
        let ord = order(&app, &m, json!({ "amount": cny(100 + i) })).await;
        pay(&app, &d, &ord, &format!("pay-{i}")).await;
    }
    let now = app.now();
    let (a, b) = tokio::join!(
        app.store.claim_notices("inst_a", now, now + 60, 20),
        app.store.claim_notices("inst_b", now, now + 60, 20),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 6);
    let mut ids: Vec<String> = a.iter().chain(&b).map(|c| c.notice.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "no notice claimed twice");
    assert!(a
        .iter()
        .chain(&b)
        .all(|c| c.secret.as_deref().map(String::as_str) == Some(m.secret.as_str())));
    // Claimed: nothing more to claim until the leases lapse.
    assert!(app
        .store
        .claim_notices("inst_c", now, now + 60, 20)
        .await
        .unwrap()
        .is_empty());
    // inst_a "crashes"; after its lease inst_c takes its notices over as a new attempt.
    let later = now + 61;
    let taken = app
        .store
        .claim_notices("inst_c", later, later + 60, 20)
        .await
        .unwrap();
    assert_eq!(taken.len(), 6);
    let first = &taken[0].notice;
    assert_eq!(first.attempts, 2);
    let delivered = AttemptResult::Delivered { http_status: 204 };
    assert!(!app
        .store
        .finish_notice_attempt(&first.id, "inst_a", 1, delivered.clone(), later)
        .await
        .unwrap());
    assert!(!app
        .store
        .finish_notice_attempt(&first.id, "inst_b", 1, delivered.clone(), later)
        .await
        .unwrap());
    assert!(app
        .store
        .finish_notice_attempt(&first.id, "inst_c", 2, delivered, later)
        .await
        .unwrap());
    // The secret is sealed at rest, never stored in clear.
    let id = m.id.clone();
    let stored: String = app
        .store
        .run_raw(move |c| {
            c.query_row(
                "SELECT notice_secret FROM merchants WHERE id = ?1",
                [&id],
                |r| r.get(0),
            )
        })
        .await
        .unwrap();
    assert!(stored.starts_with("enc1:"), "{stored}");
    assert!(!stored.contains(&m.secret[4..]));
    app.assert_ledger().await;
}
