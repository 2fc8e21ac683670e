//! The provider as an operator runs it (issue 16): configured from the environment only, JSON
//! logs with request ids, `/readyz` on the public address, `/metrics` on the operators' one.

use std::time::{Duration, Instant};

use serde_json::Value;
use wallet_e2e::*;

const PIN: &str = "135792";

/// The `metrics listening` log line's address, once the server has written it.
fn metrics_addr(server: &Server) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let found = server.log().lines().find_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            v["metrics_addr"].as_str().map(str::to_owned)
        });
        if let Some(addr) = found {
            return addr;
        }
        assert!(
            Instant::now() < deadline,
            "no metrics line:\n{}",
            server.log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' '))
        .and_then(|v| v.parse().ok())
}

#[test]
fn a_server_configured_from_the_environment_serves_metrics_to_operators() {
    let server = Server::start_from_env(&[
        ("WALLET_SERVER_LISTEN", "127.0.0.1:0"),
        ("WALLET_SERVER_SANDBOX", "true"),
        ("WALLET_SERVER_METRICS_LISTEN", "127.0.0.1:0"),
        ("WALLET_SERVER_LOG_FORMAT", "json"),
        ("WALLET_SERVER_OTP_MIN_INTERVAL_SECS", "0"),
        ("WALLET_SERVER_RECONCILE_INTERVAL_SECS", "1"),
        ("WALLET_SERVER_TRUSTED_PROXY", "10.0.0.0/8,192.0.2.1"),
        ("WALLET_SERVER_REQUEST_TIMEOUT_MS", "20000"),
        ("RUST_LOG", "info"),
    ]);
    let metrics = format!("http://{}/metrics", metrics_addr(&server));
    let http = reqwest::blocking::Client::new();

    // A consumer tops up through the real CLI.
    let phone = Device::new(&server, "phone");
    phone.signup(&server, &fresh_phone());
    phone.set_pin(PIN);
    phone.bind_card(&server, &test_card("CMB", "debit", "approve"));
    let op = phone.run(&["topup", "100", "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(op["status"], "succeeded", "{op}");

    // Readiness on the public address, with the request id echoed.
    let ready = http
        .get(format!("{}/readyz", server.url))
        .header("x-request-id", "probe-1")
        .send()
        .unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.headers()["x-request-id"], "probe-1");
    let ready: Value = ready.json().unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["database"], "sqlite");
    // The counters are not on the public address.
    let public = http.get(format!("{}/metrics", server.url)).send().unwrap();
    assert_eq!(public.status(), 404);

    let text = http.get(&metrics).send().unwrap().text().unwrap();
    let at = |series: &str| value(&text, series).unwrap_or_else(|| panic!("no {series}:\n{text}"));
    assert_eq!(
        at(r#"wallet_http_requests_total{method="POST",route="/v1/topups",status="200"}"#),
        1.0
    );
    assert_eq!(
        at(r#"wallet_http_request_duration_seconds_count{method="POST",route="/v1/topups"}"#),
        1.0
    );
    assert_eq!(
        at(r#"wallet_money_operations_total{kind="topup",outcome="succeeded"}"#),
        1.0
    );
    assert_eq!(at(r#"wallet_operations_pending{kind="topup"}"#), 0.0);
    assert_eq!(at("wallet_database_up"), 1.0);
    assert!(at(r#"wallet_reconciler_runs_total{outcome="ok"}"#) >= 1.0);
    assert_eq!(
        at(r#"wallet_http_requests_total{method="GET",route="/readyz",status="200"}"#),
        1.0
    );
    server.ledger_check();

    // JSON lines only; a request's lines carry its id; no secret anywhere.
    let log = server.log();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let topup = lines
        .iter()
        .find(|l| l["route"] == "/v1/topups" && l["message"] == "request answered")
        .unwrap_or_else(|| panic!("no access line for the top-up:\n{log}"));
    let id = topup["request_id"].as_str().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["request_id"] == id && l["message"] == "money operation"),
        "the service's line carries the request id:\n{log}"
    );
    assert!(lines
        .iter()
        .any(|l| l["request_id"] == "probe-1" && l["route"] == "/readyz"));
    for secret in [PASSWORD, PIN, ID_NUMBER] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
}
