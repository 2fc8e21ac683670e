//! Merchant notices (issue 14) through the real server process, the real `wallet` CLI and the
//! real merchant tools: a merchant's server (a plain HTTP listener here) refuses the first
//! delivery and accepts the retry; `wallet-server merchant notices` shows the delivery state;
//! and every notice received is verified with the merchant's secret by the documented Python
//! and Node examples (`docs/examples/notices/`), run as a merchant would run them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use wallet_e2e::*;

const PIN: &str = "135792";

/// One POST the merchant's server got, and what it answered.
#[derive(Debug, Clone)]
struct Got {
    id: String,
    timestamp: String,
    signature: String,
    body: Vec<u8>,
    answered: u16,
}

/// A merchant's notice endpoint: answers `script` in turn, then 204.
struct Hook {
    url: String,
    got: Arc<Mutex<Vec<Got>>>,
}

impl Hook {
    fn start(script: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/notices", listener.local_addr().unwrap());
        let got: Arc<Mutex<Vec<Got>>> = Arc::default();
        let (seen, mut script) = (Arc::clone(&got), script.to_vec());
        script.reverse();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut headers = Vec::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    headers.push(line.trim_end().to_owned());
                }
                let header = |name: &str| {
                    headers
                        .iter()
                        .find_map(|h| {
                            let (k, v) = h.split_once(':')?;
                            k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                        })
                        .unwrap_or_default()
                };
                let len: usize = header("content-length").parse().unwrap_or(0);
                let mut body = vec![0; len];
                reader.read_exact(&mut body).unwrap();
                let answered = script.pop().unwrap_or(204);
                seen.lock().unwrap().push(Got {
                    id: header("wallet-notice-id"),
                    timestamp: header("wallet-notice-timestamp"),
                    signature: header("wallet-notice-signature"),
                    body,
                    answered,
                });
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 {answered} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Self { url, got }
    }

    /// Waits (up to 30 s) until `n` requests came in; all of them.
    fn wait_for(&self, n: usize) -> Vec<Got> {
        let start = Instant::now();
        loop {
            let got = self.got.lock().unwrap().clone();
            if got.len() >= n {
                return got;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "only {} of {n} notices arrived: {got:?}",
                got.len()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../docs/examples/notices/{name}"))
}

/// Runs the documented example (`python3 verify_notice.py` or `node verify_notice.mjs`) on a
/// received notice: (exit code, stdout).
fn run_example(program: &str, script: &str, secret: &str, got: &Got) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let body = dir.path().join("body.json");
    std::fs::write(&body, &got.body).unwrap();
    let out = Command::new(program)
        .arg(example(script))
        .args([&got.timestamp, &got.signature])
        .arg(&body)
        .env("NOTICE_SECRET", secret)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Both documented examples accept the notice with the right secret and refuse it with
/// another; their output names the notice.
fn examples_verify(secret: &str, got: &Got) {
    let mut runners = vec![("python3", "verify_notice.py")];
    if have("node") {
        runners.push(("node", "verify_notice.mjs"));
    }
    for (program, script) in runners {
        let (code, out) = run_example(program, script, secret, got);
        assert_eq!(code, 0, "{program}: {out}");
        assert!(
            out.starts_with(&format!("ok {}", got.id)),
            "{program}: {out}"
        );
        let (code, out) = run_example(program, script, "nsk_not_the_secret", got);
        assert_eq!(code, 1, "{program}: {out}");
        assert!(out.starts_with("refused"), "{program}: {out}");
    }
}

#[test]
fn notices_are_delivered_signed_retried_after_a_refusal_and_verified_by_the_examples() {
    assert!(have("python3"), "python3 runs the documented example");
    let server = Server::start_with(&[
        "--otp-min-interval-secs",
        "0",
        "--notice-interval-ms",
        "200",
        "--notice-retry-base-secs",
        "1",
    ]);
    let hook = Hook::start(&[500]);
    let created = server
        .merchant_tool(&[
            "create",
            "--name",
            "Notice Noodles",
            "--city",
            "Beijing",
            "--mcc",
            "5812",
            "--notify-url",
            &hook.url,
        ])
        .ok();
    let secret = created["notice_secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("nsk_"), "{created}");
    assert_eq!(created["notify_url"], hook.url.as_str());
    let shop = Merchant {
        id: created["id"].as_str().unwrap().to_owned(),
        api_key: created["api_key"].as_str().unwrap().to_owned(),
        payload: created["payload"].as_str().unwrap().to_owned(),
        name: "Notice Noodles".to_owned(),
    };
    let auth = [
        "--merchant",
        shop.id.as_str(),
        "--api-key",
        shop.api_key.as_str(),
    ];

    let d = Device::new(&server, "phone");
    d.signup(&server, &fresh_phone());
    d.set_pin(PIN);
    d.bind_card(&server, &test_card("CMB", "debit", "approve"));
    let op = d.run(&["topup", "100", "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(op["status"], "succeeded", "{op}");

    // Paid: refused once (500), delivered on the retry a second later.
    let order = shop.order(&server, "12.50", None, None);
    let order_id = order["order_id"].as_str().unwrap().to_owned();
    let paid = d
        .run(
            &["pay", order["payload"].as_str().unwrap(), "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    assert_eq!(paid["status"], "succeeded", "{paid}");
    let got = hook.wait_for(2);
    assert_eq!(got[0].answered, 500);
    assert_eq!(got[1].answered, 204);
    assert_eq!(got[0].id, got[1].id, "a retry is the same notice");
    assert_eq!(got[0].body, got[1].body);
    let body: Value = serde_json::from_slice(&got[1].body).unwrap();
    assert_eq!(body["event"], "paid");
    assert_eq!(body["order_id"], order_id.as_str());
    assert_eq!(body["merchant_id"], shop.id.as_str());
    assert_eq!(body["amount"]["minor"], 1250);
    examples_verify(&secret, &got[1]);

    // The merchant tool shows the delivery: two attempts, the last answered 204.
    let mut args = vec!["notices"];
    args.extend(auth);
    let deadline = Instant::now() + Duration::from_secs(10);
    let listed = loop {
        let listed = server.merchant_tool(&args).ok();
        if listed["notices"][0]["status"] == "delivered" || Instant::now() > deadline {
            break listed;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let n = &listed["notices"][0];
    assert_eq!(n["status"], "delivered", "{listed}");
    assert_eq!(n["attempts"], 2);
    assert_eq!(n["last_http_status"], 204);
    assert_eq!(n["notice_id"], got[1].id.as_str());
    let human = Command::new(server_bin())
        .args(["merchant", "notices", "--server", &server.url])
        .args(auth)
        .output()
        .unwrap();
    let human = String::from_utf8_lossy(&human.stdout);
    assert!(
        human.contains(&order_id) && human.contains("delivered after 2 attempts"),
        "{human}"
    );
    server.ledger_check();

    // A refund is noticed too, signed the same way.
    shop.refund(&server, &order_id, Some("2.50")).ok();
    let got = hook.wait_for(3);
    let body: Value = serde_json::from_slice(&got[2].body).unwrap();
    assert_eq!(body["event"], "refunded");
    assert_eq!(body["amount"]["minor"], 250);
    assert_eq!(body["refunded"]["minor"], 250);
    examples_verify(&secret, &got[2]);

    // A new secret signs from now on; the old one no longer verifies.
    let mut args = vec!["rotate-notice-secret"];
    args.extend(auth);
    let rotated = server.merchant_tool(&args).ok();
    let new_secret = rotated["notice_secret"].as_str().unwrap().to_owned();
    shop.refund(&server, &order_id, None).ok();
    let got = hook.wait_for(4);
    examples_verify(&new_secret, &got[3]);
    let (code, _) = run_example("python3", "verify_notice.py", &secret, &got[3]);
    assert_eq!(code, 1, "the old secret no longer verifies");

    // Notices stop once the URL is cleared.
    let mut args = vec!["notify-url", "--clear"];
    args.extend(auth);
    let cleared = server.merchant_tool(&args).ok();
    assert!(cleared["notify_url"].is_null(), "{cleared}");
    let order = shop.order(&server, "3", None, None);
    d.run(
        &["pay", order["payload"].as_str().unwrap(), "--pin-stdin"],
        Some(PIN),
    )
    .ok();
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(hook.got.lock().unwrap().len(), 4);
    let mut args = vec!["notify-url", "--url", "ftp://shop.example/n"];
    args.extend(auth);
    server.merchant_tool(&args).err("NOTIFY_URL_INVALID");
    server.ledger_check();
}
