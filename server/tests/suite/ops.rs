//! What operators rely on (issue 16): `/metrics` counters that move with the traffic, `/readyz`
//! that fails when the database does, request ids in answers and in every log line (never a
//! secret), and the per-request time limit that never cuts a payment in half.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use common::*;
use serde_json::{json, Value};
use tower::ServiceExt as _;
use utoipa::OpenApi as _;
use wallet_protocol::api::paths;
use wallet_server::ports::bank::{
    BankFuture, BankGateway, BindingRequest, BindingStarted, Transfer, TransferStatus,
};
use wallet_server::ports::sandbox_bank::{test_cards, Outcome};
use wallet_server::telemetry::logs::{self, LogFormat};
use wallet_server::Limits;

const PIN: &str = "280419";
const BANK_PHONE: &str = "13900002222";

/// A request through the router with its answer's headers; the answer is still checked
/// against the OpenAPI document.
async fn raw(app: &TestApp, mut req: Request<Body>) -> (StatusCode, HeaderMap, Value) {
    req.extensions_mut().insert(ConnectInfo(app.ip));
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    let text = |n: header::HeaderName| headers.get(n).map(|v| v.to_str().unwrap().to_owned());
    let content_type = text(header::CONTENT_TYPE);
    let allow = text(header::ALLOW);
    contract::check(&contract::Answer {
        method: &method,
        path: &path,
        status: status.as_u16(),
        content_type: content_type.as_deref(),
        allow: allow.as_deref(),
        body: &bytes,
    })
    .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    (
        status,
        headers,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// `GET /metrics` on the operators' router of this app's state.
async fn scrape(app: &TestApp) -> String {
    let res = wallet_server::http::metrics_app(app.state.clone())
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
        .await
        .unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// The value of one series (`name{labels}` exactly as rendered), if present.
fn series(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' '))
        .map(|v| v.parse().unwrap())
}

fn card_number(outcome: Outcome) -> String {
    test_cards()
        .into_iter()
        .find(|c| c.outcome == outcome && c.card_type.label_en() == "Debit")
        .unwrap()
        .number
}

/// Binds a sandbox debit card with `outcome` to `d`'s account; its id.
async fn bind(app: &TestApp, d: &TestDevice, outcome: Outcome) -> String {
    app.advance(31);
    let res = app
        .signed_json(
            d,
            Method::POST,
            paths::CARDS,
            Some(json!({ "number": card_number(outcome), "bank_phone": BANK_PHONE })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let binding = res.body["binding_id"].as_str().unwrap().to_owned();
    let code = app.latest_code(BANK_PHONE).await;
    let res = app
        .signed_json(
            d,
            Method::POST,
            &paths::card_binding_verify(&binding),
            Some(json!({ "code": code })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    res.body["card_id"].as_str().unwrap().to_owned()
}

async fn top_up(
    app: &TestApp,
    d: &TestDevice,
    minor: i64,
    card: Option<&str>,
    key: &str,
) -> TestResponse {
    let mut body = json!({ "amount": cny(minor), "pin": PIN });
    if let Some(card) = card {
        body["card_id"] = json!(card);
    }
    app.signed_json(
        d,
        Method::POST,
        paths::TOPUPS,
        Some(body),
        &[("idempotency-key", key)],
    )
    .await
}

#[tokio::test]
async fn metrics_follow_requests_money_pending_operations_and_the_reconciler() {
    captured_logs();
    let app = TestApp::new();
    let d = app.payer(PHONE, PIN, 10_000).await;
    // A top-up whose bank answer is lost: pending until the reconciler asks.
    let slow = bind(&app, &d, Outcome::Timeout).await;
    let res = top_up(&app, &d, 2_000, Some(slow.as_str()), "ops-slow-0001").await;
    assert_eq!(res.body["status"], "pending", "{res:?}");
    // Refused: more than the balance.
    let res = app
        .signed_json(
            &d,
            Method::POST,
            paths::WITHDRAWALS,
            Some(json!({ "amount": cny(1_000_000), "pin": PIN })),
            &[("idempotency-key", "ops-withdraw-0001")],
        )
        .await;
    assert_eq!(res.code(), "BALANCE_INSUFFICIENT");
    // No route: one label for every such path, whatever it holds.
    assert_eq!(
        app.get("/v1/no-such-route/secret-looking-123").await.status,
        StatusCode::NOT_FOUND
    );
    // Not on the public address.
    assert_eq!(app.get("/metrics").await.status, StatusCode::NOT_FOUND);

    let text = scrape(&app).await;
    let at = |name: &str| series(&text, name).unwrap_or_else(|| panic!("no {name}:\n{text}"));
    assert_eq!(
        at(r#"wallet_http_requests_total{method="POST",route="/v1/topups",status="200"}"#),
        2.0
    );
    assert_eq!(
        at(r#"wallet_http_request_duration_seconds_count{method="POST",route="/v1/topups"}"#),
        2.0
    );
    assert_eq!(
        at(
            r#"wallet_http_request_duration_seconds_bucket{method="POST",route="/v1/topups",le="+Inf"}"#
        ),
        2.0
    );
    assert_eq!(
        at(r#"wallet_money_operations_total{kind="topup",outcome="succeeded"}"#),
        1.0
    );
    assert_eq!(
        at(r#"wallet_money_operations_total{kind="topup",outcome="pending"}"#),
        1.0
    );
    assert_eq!(
        at(r#"wallet_money_operations_total{kind="withdrawal",outcome="refused"}"#),
        1.0
    );
    assert_eq!(at(r#"wallet_operations_pending{kind="topup"}"#), 1.0);
    assert_eq!(at(r#"wallet_operations_pending{kind="withdrawal"}"#), 0.0);
    assert_eq!(at("wallet_database_up"), 1.0);
    assert_eq!(at("wallet_http_requests_in_flight"), 0.0);
    assert_eq!(
        at(r#"wallet_http_requests_total{method="GET",route="unmatched",status="404"}"#),
        2.0
    );
    assert!(
        text.contains(r#"route="/v1/challenges/{challenge_id}/verify""#),
        "{text}"
    );
    // Route labels are templates of the router, never raw paths.
    let documented: BTreeSet<String> = wallet_server::ApiDoc::openapi()
        .paths
        .paths
        .keys()
        .cloned()
        .collect();
    for label in text.split("route=\"").skip(1) {
        let route = label.split('"').next().unwrap();
        assert!(
            route == "unmatched" || documented.contains(route),
            "route label {route:?} is not a template"
        );
    }
    assert!(!text.contains("secret-looking"), "{text}");

    // The reconciler settles the lost answer; its passes are counted.
    let reconciler = tokio::spawn(wallet_server::domain::money::reconciler(
        app.state.clone(),
        Duration::from_millis(20),
    ));
    let mut text = scrape(&app).await;
    for _ in 0..250 {
        if series(&text, r#"wallet_operations_pending{kind="topup"}"#) == Some(0.0) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        text = scrape(&app).await;
    }
    reconciler.abort();
    let at = |name: &str| series(&text, name).unwrap_or_else(|| panic!("no {name}:\n{text}"));
    assert_eq!(at(r#"wallet_operations_pending{kind="topup"}"#), 0.0);
    assert!(at(r#"wallet_reconciler_runs_total{outcome="ok"}"#) >= 1.0);
    assert!(at("wallet_reconciler_operations_total") >= 1.0);
    assert!(at("wallet_reconciler_last_run_timestamp_seconds") > 0.0);
    assert_eq!(
        at(r#"wallet_operations_reconciled_total{kind="topup",status="succeeded"}"#),
        1.0
    );
    app.assert_ledger().await;
}

#[tokio::test]
async fn rate_limit_refusals_are_counted_by_route() {
    captured_logs();
    let app = TestApp::builder()
        .limits(Limits {
            flood_per_ip_per_minute: 1,
            flood_burst: 1,
            ..Limits::default()
        })
        .build();
    assert_eq!(
        app.get("/v1/nothing-here").await.status,
        StatusCode::NOT_FOUND
    );
    let res = app.get("/v1/nothing-here").await;
    assert_eq!(res.code(), "RATE_LIMITED");
    let text = scrape(&app).await;
    assert_eq!(
        series(
            &text,
            r#"wallet_rate_limit_refusals_total{route="unmatched"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        series(
            &text,
            r#"wallet_http_requests_total{method="GET",route="unmatched",status="429"}"#
        ),
        Some(1.0)
    );
}

/// Makes the database unreachable for this app until the returned guard is dropped: on SQLite
/// another connection holds the writer lock; on PostgreSQL the database refuses connections
/// and this app's are cut.
fn cut_database(app: &TestApp) -> Box<dyn FnOnce() + Send> {
    if app.db_url.starts_with("postgres") {
        let name = app.db_url.rsplit('/').next().unwrap();
        let name = name.split('?').next().unwrap().to_owned();
        let server = wallet_server::store::testing::postgres_server().unwrap();
        let admin = move |sql: String| {
            let server = server.clone();
            std::thread::spawn(move || {
                let mut c = postgres::Client::connect(&server, postgres::NoTls).unwrap();
                c.batch_execute(&sql).unwrap();
            })
            .join()
            .unwrap();
        };
        admin(format!(
            "ALTER DATABASE {name} WITH ALLOW_CONNECTIONS false;
             SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
              WHERE datname = '{name}' AND pid <> pg_backend_pid();"
        ));
        Box::new(move || admin(format!("ALTER DATABASE {name} WITH ALLOW_CONNECTIONS true")))
    } else {
        let conn = rusqlite::Connection::open(&app.db_path).unwrap();
        conn.execute_batch("BEGIN IMMEDIATE").unwrap();
        Box::new(move || conn.execute_batch("ROLLBACK").unwrap())
    }
}

#[tokio::test]
async fn readyz_checks_the_database_and_healthz_does_not() {
    captured_logs();
    let app = TestApp::new();
    let res = app.get(paths::READY).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "ready");
    assert_eq!(res.body["database"], app.store.engine());
    assert_eq!(
        res.body["schema_version"],
        wallet_server::store::known_version()
    );

    let restore = cut_database(&app);
    let started = std::time::Instant::now();
    let (status, headers, body) = raw(
        &app,
        Request::get(paths::READY).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "NOT_READY");
    assert_eq!(
        body["request_id"].as_str(),
        headers["x-request-id"].to_str().ok()
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "answered within its deadline"
    );
    // Liveness is not readiness: the process is fine.
    assert_eq!(app.get(paths::HEALTH).await.status, StatusCode::OK);
    restore();

    let mut res = app.get(paths::READY).await;
    for _ in 0..100 {
        if res.status == StatusCode::OK {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        res = app.get(paths::READY).await;
    }
    assert_eq!(res.status, StatusCode::OK, "ready again: {res:?}");
}

/// The sandbox bank, with `transfer` delayed by `delay_ms` (a bank that answers late).
struct SlowBank {
    inner: Arc<dyn BankGateway>,
    delay_ms: AtomicU64,
    transfers: AtomicU64,
}

impl BankGateway for SlowBank {
    fn start_binding<'a>(&'a self, request: &'a BindingRequest) -> BankFuture<'a, BindingStarted> {
        self.inner.start_binding(request)
    }
    fn confirm_binding<'a>(&'a self, bank_ref: &'a str, code: &'a str) -> BankFuture<'a, String> {
        self.inner.confirm_binding(bank_ref, code)
    }
    fn transfer<'a>(&'a self, transfer: &'a Transfer) -> BankFuture<'a, ()> {
        let delay = Duration::from_millis(self.delay_ms.load(Ordering::SeqCst));
        self.transfers.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            tokio::time::sleep(delay).await;
            self.inner.transfer(transfer).await
        })
    }
    fn transfer_status<'a>(&'a self, reference: &'a str) -> BankFuture<'a, TransferStatus> {
        self.inner.transfer_status(reference)
    }
    fn settlement_account(&self) -> &str {
        self.inner.settlement_account()
    }
}

#[tokio::test]
async fn a_timed_out_top_up_runs_to_its_end_and_a_retry_learns_the_outcome() {
    captured_logs();
    let mut app = TestApp::new();
    let bank = Arc::new(SlowBank {
        inner: Arc::clone(&app.state.bank),
        delay_ms: AtomicU64::new(0),
        transfers: AtomicU64::new(0),
    });
    app.state = app.state.clone().with_bank(bank.clone());
    app.router = wallet_server::app(app.state.clone());
    let d = app.payer(PHONE, PIN, 10_000).await;
    assert_eq!(bank.transfers.load(Ordering::SeqCst), 1);

    // The bank now takes 2 s; the server's limit is 0.5 s.
    let relaxed = app.router.clone();
    let mut strict = app.state.clone();
    strict.limits = Arc::new(Limits {
        request_timeout_ms: 500,
        ..Limits::default()
    });
    app.router = wallet_server::app(strict);
    bank.delay_ms.store(2_000, Ordering::SeqCst);
    let res = top_up(&app, &d, 2_500, None, "ops-timeout-0001").await;
    assert_eq!(res.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(res.code(), "REQUEST_TIMEOUT");
    assert!(res.body["request_id"].as_str().is_some(), "{res:?}");
    assert!(res.body["detail"]
        .as_str()
        .unwrap()
        .contains("Idempotency-Key"));

    // The request ran on: the bank was asked once, and the top-up settled by itself.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    app.router = relaxed;
    let res = top_up(&app, &d, 2_500, None, "ops-timeout-0001").await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    assert_eq!(res.body["status"], "succeeded", "{res:?}");
    assert_eq!(
        bank.transfers.load(Ordering::SeqCst),
        2,
        "one bank call each"
    );
    let balance = app.signed(&d, Method::GET, paths::BALANCE).await;
    assert_eq!(balance.body["balance"]["minor"], 12_500);
    app.assert_ledger().await;

    let text = scrape(&app).await;
    assert_eq!(
        series(
            &text,
            r#"wallet_money_operations_total{kind="topup",outcome="timeout"}"#
        ),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        series(
            &text,
            r#"wallet_http_request_timeouts_total{route="/v1/topups"}"#
        ),
        Some(1.0)
    );
    assert_eq!(
        series(
            &text,
            r#"wallet_http_requests_total{method="POST",route="/v1/topups",status="503"}"#
        ),
        Some(1.0)
    );
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

/// Every line this test binary logs, as `serve --log-format json` writes them (at TRACE). One
/// global logger, installed before a test sends anything: a per-thread one would miss lines
/// while other tests register their callsites in parallel. Tests find their lines by request id.
fn captured_logs() -> &'static Captured {
    static LOGS: OnceLock<Captured> = OnceLock::new();
    LOGS.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let dispatch = logs::dispatch(
            LogFormat::Json,
            tracing_subscriber::EnvFilter::new("trace"),
            move || writer.clone(),
            false,
        );
        tracing::dispatcher::set_global_default(dispatch).expect("the only global logger");
        captured
    })
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn request_ids_are_echoed_in_answers_and_on_every_log_line_without_secrets() {
    let captured = captured_logs();
    let app = TestApp::new();
    // A sane id from the client (or its proxy) is kept.
    let signup = Request::post(paths::SIGNUP)
        .header("content-type", "application/json")
        .header("x-request-id", "lb-7f3a.signup_1")
        .body(Body::from(
            json!({ "phone": PHONE, "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD })
                .to_string(),
        ))
        .unwrap();
    let (status, headers, _) = raw(&app, signup).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert_eq!(headers["x-request-id"], "lb-7f3a.signup_1");
    let outbox = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    // Anything else is replaced; a problem answer names the id too.
    app.advance(31);
    let login = Request::post(paths::LOGIN)
        .header("content-type", "application/json")
        .header("x-request-id", "has spaces; and \"quotes\"")
        .body(Body::from(
            json!({ "phone": PHONE, "password": "wrong-Horse-battery-staple-00" }).to_string(),
        ))
        .unwrap();
    let (status, headers, body) = raw(&app, login).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let id = headers["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.starts_with("req_") && id.len() == 26, "{id}");
    assert_eq!(body["request_id"], id.as_str());

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let of = |id: &str| -> Vec<&Value> { lines.iter().filter(|l| l["request_id"] == id).collect() };
    let signup_lines = of("lb-7f3a.signup_1");
    assert!(
        signup_lines
            .iter()
            .any(|l| l["message"] == "sign-up started"),
        "the service's own line carries the id: {logs}"
    );
    let answered = signup_lines
        .iter()
        .find(|l| l["message"] == "request answered")
        .unwrap_or_else(|| panic!("{logs}"));
    assert_eq!(answered["status"], 202);
    assert_eq!(answered["route"], paths::SIGNUP);
    assert_eq!(answered["method"], "POST");
    assert!(answered["latency_ms"].is_u64());
    assert!(of(&id)
        .iter()
        .any(|l| l["message"] == "sign-in refused: credentials"));
    // Every line written inside a request's span carries its id.
    for line in &lines {
        if line["span"] == "request" {
            assert!(line["request_id"].is_string(), "{line}");
        }
    }
    let mut secrets = vec![
        PASSWORD.to_owned(),
        "wrong-Horse-battery-staple-00".to_owned(),
        ID_NUMBER.to_owned(),
        PHONE.to_owned(),
    ];
    for m in outbox.body["messages"].as_array().unwrap() {
        secrets.push(m["code"].as_str().unwrap().to_owned());
    }
    assert_eq!(secrets.len(), 5);
    for secret in secrets {
        assert!(!logs.contains(&secret), "{secret} in logs:\n{logs}");
    }
}
