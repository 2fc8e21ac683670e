//! `TestApp`: the real router over a temp SQLite file, sandbox on, a manual clock; requests go
//! through `tower::ServiceExt::oneshot`, signed with real Ed25519 keys.
#![allow(dead_code)]
// Test helpers: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod contract;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, Duration, Utc};
use ed25519_dalek::SigningKey;
use serde_json::{json, Value};
use tower::ServiceExt as _;
use wallet_protocol::api::{paths, ChallengeResponse, EnrolResponse};
use wallet_protocol::signing::{self, SignedParts};
use wallet_server::secrets::vault::MasterKey;
use wallet_server::{app, AppState, Limits, ManualClock, Store};

pub const PHONE: &str = "13812345678";
pub const PHONE_E164: &str = "+8613812345678";
pub const NAME: &str = "李明";
pub const ID_NUMBER: &str = "11010519491231002X";
pub const PASSWORD: &str = "correct-Horse-battery-staple-93";

pub struct TestApp {
    pub router: Router,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    /// The SQLite file (unused when the suite runs on PostgreSQL).
    pub db_path: std::path::PathBuf,
    /// What `--db` takes for this app's database: the file, or a PostgreSQL URL.
    pub db_url: String,
    pub dir: tempfile::TempDir,
    pub ip: SocketAddr,
    /// The master key the store was unlocked with (a new one per app).
    pub master_key: MasterKey,
    /// The state behind `router` (its guards, for tests that fill them).
    pub state: AppState,
}

pub struct TestAppBuilder {
    limits: Limits,
    sandbox: bool,
    sqlite: bool,
}

impl TestAppBuilder {
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// SQLite whatever `WALLET_TEST_BACKEND` says (a tester's sandbox, for the copy tool).
    pub fn sqlite(mut self) -> Self {
        self.sqlite = true;
        self
    }

    pub fn sandbox(mut self, on: bool) -> Self {
        self.sandbox = on;
        self
    }

    pub fn build(self) -> TestApp {
        let dir = tempfile::tempdir().unwrap();
        let db_path = dir.path().join("server.db");
        // The same suites run on PostgreSQL with WALLET_TEST_BACKEND=postgres (test command).
        let db_url =
            if !self.sqlite && std::env::var("WALLET_TEST_BACKEND").as_deref() == Ok("postgres") {
                let server = wallet_server::store::testing::postgres_server()
                    .expect("WALLET_TEST_BACKEND=postgres needs WALLET_TEST_POSTGRES");
                wallet_server::store::testing::fresh_postgres_database(&server).unwrap()
            } else {
                db_path.to_str().unwrap().to_owned()
            };
        let master_key = MasterKey::generate();
        let store = unlocked(Store::open(&db_url).unwrap(), &master_key);
        let start: DateTime<Utc> = "2026-03-01T08:00:00Z".parse().unwrap();
        let clock = Arc::new(ManualClock::new(start));
        let state = AppState::new(
            store.clone(),
            wallet_server::ports::sms::for_mode(&store, self.sandbox),
            clock.clone(),
            self.limits,
            self.sandbox,
        );
        TestApp {
            router: app(state.clone()),
            state,
            clock,
            store,
            db_path,
            db_url,
            dir,
            ip: "203.0.113.7:5000".parse().unwrap(),
            master_key,
        }
    }
}

impl TestApp {
    /// This app's master key in a file (made on first use), for the binary's tools
    /// (`--master-key-file`).
    pub fn master_key_file(&self) -> String {
        let path = self.dir.path().join("master.key");
        if !path.exists() {
            self.master_key.write_new_file(&path).unwrap();
        }
        path.to_str().unwrap().to_owned()
    }
}

/// `store` unlocked with `key` (as `serve` does at start), from synchronous code that may run
/// inside a test's runtime.
pub fn unlocked(store: Store, key: &MasterKey) -> Store {
    let key = key.clone();
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(store.unlock(&key))
            .unwrap()
    })
    .join()
    .unwrap()
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    /// The `Allow` header (405 answers).
    pub allow: Option<String>,
    pub body: Value,
}

impl TestResponse {
    /// The problem `code`, asserting the problem+json shape on the way.
    pub fn code(&self) -> &str {
        assert_eq!(
            self.content_type.as_deref(),
            Some("application/problem+json"),
            "{self:?}"
        );
        assert_eq!(self.body["status"], self.status.as_u16(), "{self:?}");
        self.body["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no code: {self:?}"))
    }
}

/// A device with its own key; `id` is set once enrolled.
#[derive(Clone)]
pub struct TestDevice {
    pub key: SigningKey,
    pub id: String,
    /// The payment-code seed the enrolment returned (base64url).
    pub seed: String,
}

impl TestDevice {
    pub fn new() -> Self {
        Self {
            key: SigningKey::generate(&mut rand::rngs::OsRng),
            id: String::new(),
            seed: String::new(),
        }
    }

    /// The payment code this device shows at `now` (Unix seconds), `offset` steps away.
    pub fn paycode(&self, now: i64, offset: i64) -> String {
        let seed = wallet_protocol::paycode::PaycodeSeed::from_base64(&self.seed).expect("seed");
        let step = now.div_euclid(wallet_protocol::paycode::STEP_SECS) + offset;
        seed.code(step).to_string()
    }

    pub fn enrolment(&self, name: &str) -> Value {
        json!({
            "public_key": signing::encode_public_key(&self.key.verifying_key()),
            "name": name,
            "platform": "cli",
        })
    }
}

pub fn nonce() -> String {
    let bytes: [u8; 18] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The four signing headers for a request.
pub struct Signature {
    pub device: String,
    pub timestamp: i64,
    pub nonce: String,
    pub signature: String,
}

impl Signature {
    pub fn new(device: &TestDevice, method: &Method, path: &str, ts: i64, body: &[u8]) -> Self {
        let nonce = nonce();
        let signature = signing::sign(
            &device.key,
            &SignedParts {
                method: method.as_str(),
                path_and_query: path,
                timestamp: ts,
                nonce: &nonce,
                body,
            },
        );
        Self {
            device: device.id.clone(),
            timestamp: ts,
            nonce,
            signature,
        }
    }
}

impl TestApp {
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder {
            limits: Limits::default(),
            sandbox: true,
            sqlite: false,
        }
    }

    pub fn new() -> Self {
        Self::builder().build()
    }

    pub fn now(&self) -> i64 {
        wallet_server::Clock::unix(self.clock.as_ref())
    }

    pub fn advance(&self, secs: i64) {
        self.clock.advance(Duration::seconds(secs));
    }

    pub async fn send(&self, mut req: Request<Body>) -> TestResponse {
        if req.extensions().get::<ConnectInfo<SocketAddr>>().is_none() {
            req.extensions_mut().insert(ConnectInfo(self.ip));
        }
        let method = req.method().as_str().to_owned();
        let path = req.uri().path().to_owned();
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let (content_type, retry_after, allow) = {
            let header = |n: &str| res.headers().get(n).map(|v| v.to_str().unwrap().to_owned());
            (
                header("content-type"),
                header("retry-after"),
                header("allow"),
            )
        };
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        // Every answer is checked against the published document (docs/api.md).
        if let Err(e) = contract::check(&contract::Answer {
            method: &method,
            path: &path,
            status: status.as_u16(),
            content_type: content_type.as_deref(),
            allow: allow.as_deref(),
            body: &bytes,
        }) {
            panic!("the answer does not match the OpenAPI document: {method} {path}: {e}");
        }
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        TestResponse {
            status,
            content_type,
            retry_after,
            allow,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_json(&self, path: &str, body: Value) -> TestResponse {
        self.send(
            Request::post(path)
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
        )
        .await
    }

    /// A request with explicit signing headers (any of which a test may have broken).
    pub async fn send_signed_with(
        &self,
        method: Method,
        path: &str,
        body: &[u8],
        sig: &Signature,
    ) -> TestResponse {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(signing::HEADER_DEVICE, &sig.device)
            .header(signing::HEADER_TIMESTAMP, sig.timestamp.to_string())
            .header(signing::HEADER_NONCE, &sig.nonce)
            .header(signing::HEADER_SIGNATURE, &sig.signature)
            .body(Body::from(body.to_vec()))
            .unwrap();
        self.send(req).await
    }

    /// A correctly signed request with a JSON body (when given) and optional extra headers.
    pub async fn signed_json(
        &self,
        device: &TestDevice,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
        let sig = Signature::new(device, &method, path, self.now(), &bytes);
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(signing::HEADER_DEVICE, &sig.device)
            .header(signing::HEADER_TIMESTAMP, sig.timestamp.to_string())
            .header(signing::HEADER_NONCE, &sig.nonce)
            .header(signing::HEADER_SIGNATURE, &sig.signature)
            .header("content-type", "application/json");
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        self.send(req.body(Body::from(bytes)).unwrap()).await
    }

    /// A correctly signed request at the app's current time.
    pub async fn signed(&self, device: &TestDevice, method: Method, path: &str) -> TestResponse {
        let sig = Signature::new(device, &method, path, self.now(), b"");
        self.send_signed_with(method, path, b"", &sig).await
    }

    pub async fn signup(&self, phone: &str, password: &str) -> TestResponse {
        self.signup_named(phone, NAME, password).await
    }

    /// Sign-up with another real name.
    pub async fn signup_named(&self, phone: &str, name: &str, password: &str) -> TestResponse {
        self.post_json(
            paths::SIGNUP,
            json!({ "phone": phone, "name": name, "id_number": ID_NUMBER, "password": password }),
        )
        .await
    }

    pub async fn login(&self, phone: &str, password: &str) -> TestResponse {
        self.post_json(
            paths::LOGIN,
            json!({ "phone": phone, "password": password }),
        )
        .await
    }

    /// The newest code sent to `phone`, read through the sandbox endpoint.
    pub async fn latest_code(&self, phone: &str) -> String {
        let res = self
            .get(&format!("{}?phone={}", paths::SANDBOX_OUTBOX, phone))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
        res.body["messages"][0]["code"].as_str().unwrap().to_owned()
    }

    pub async fn verify(
        &self,
        challenge_id: &str,
        code: &str,
        device: &TestDevice,
    ) -> TestResponse {
        self.post_json(
            &paths::challenge_verify(challenge_id),
            json!({ "code": code, "device": device.enrolment("test device") }),
        )
        .await
    }

    /// Sign-up → outbox → verify; returns the enrolled device.
    pub async fn signed_up_device(&self) -> TestDevice {
        self.signed_up_device_for(PHONE).await
    }

    /// Sign-up of another phone number → outbox → verify.
    pub async fn signed_up_device_for(&self, phone: &str) -> TestDevice {
        self.signed_up_device_named(phone, NAME).await
    }

    /// Sign-up of another phone number under another real name → outbox → verify.
    pub async fn signed_up_device_named(&self, phone: &str, name: &str) -> TestDevice {
        let res = self.signup_named(phone, name, PASSWORD).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
        let challenge: ChallengeResponse = serde_json::from_value(res.body).unwrap();
        let code = self.latest_code(phone).await;
        let mut device = TestDevice::new();
        let res = self.verify(&challenge.challenge_id, &code, &device).await;
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
        let enrol: EnrolResponse = serde_json::from_value(res.body).unwrap();
        device.id = enrol.device_id;
        device.seed = enrol.paycode_seed;
        device
    }

    /// A merchant API call with `Authorization: Bearer <key>` (when given).
    pub async fn merchant_call(
        &self,
        method: Method,
        path: &str,
        api_key: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header("content-type", "application/json");
        if let Some(key) = api_key {
            req = req.header("authorization", format!("Bearer {key}"));
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Password + OTP on a new device (advances the clock past the per-phone send interval).
    pub async fn logged_in_device(&self, name: &str) -> TestDevice {
        self.advance(31);
        let res = self.login(PHONE, PASSWORD).await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
        let challenge: ChallengeResponse = serde_json::from_value(res.body).unwrap();
        let code = self.latest_code(PHONE).await;
        let mut device = TestDevice::new();
        let res = self
            .post_json(
                &paths::challenge_verify(&challenge.challenge_id),
                json!({ "code": code, "device": device.enrolment(name) }),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
        device.id = res.body["device_id"].as_str().unwrap().to_owned();
        device.seed = res.body["paycode_seed"].as_str().unwrap().to_owned();
        device
    }
}

/// `{"minor": N, "currency": "CNY"}`, the wire form of an amount.
pub fn cny(minor: i64) -> Value {
    json!({ "minor": minor, "currency": "CNY" })
}

impl TestApp {
    /// Every ledger invariant holds (tests call it after each money step).
    pub async fn assert_ledger(&self) {
        let totals = self.store.ledger_check().await.unwrap();
        assert!(totals.is_ok(), "ledger invariant broken: {totals:?}");
    }

    /// A payer with the payment PIN `pin`, a sandbox debit card bound, and `topup` fen in the
    /// wallet. The clock then moves a second on, so later operations sort after the top-up.
    pub async fn payer(&self, phone: &str, pin: &str, topup: i64) -> TestDevice {
        self.payer_named(phone, NAME, pin, topup).await
    }

    /// [`TestApp::payer`] under another real name.
    pub async fn payer_named(&self, phone: &str, name: &str, pin: &str, topup: i64) -> TestDevice {
        let d = self.signed_up_device_named(phone, name).await;
        let res = self
            .signed_json(
                &d,
                Method::POST,
                paths::PIN,
                Some(json!({ "pin": pin })),
                &[],
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{res:?}");
        let number = wallet_server::ports::sandbox_bank::test_cards()
            .into_iter()
            .find(|c| {
                c.outcome == wallet_server::ports::sandbox_bank::Outcome::Approve
                    && c.card_type.label_en() == "Debit"
            })
            .unwrap()
            .number;
        let bank_phone = &format!("139{}", &phone[3..]);
        let res = self
            .signed_json(
                &d,
                Method::POST,
                paths::CARDS,
                Some(json!({ "number": number, "bank_phone": bank_phone })),
                &[],
            )
            .await;
        assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
        let binding = res.body["binding_id"].as_str().unwrap().to_owned();
        let code = self.latest_code(bank_phone).await;
        let res = self
            .signed_json(
                &d,
                Method::POST,
                &paths::card_binding_verify(&binding),
                Some(json!({ "code": code })),
                &[],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{res:?}");
        if topup > 0 {
            let key = format!("topup-{}", &d.id[4..20]);
            let res = self
                .signed_json(
                    &d,
                    Method::POST,
                    paths::TOPUPS,
                    Some(json!({ "amount": cny(topup), "pin": pin })),
                    &[("idempotency-key", &key)],
                )
                .await;
            assert_eq!(res.body["status"], "succeeded", "{res:?}");
        }
        self.advance(1);
        d
    }
}

impl TestApp {
    /// `GET /v1/history?after=..&limit=..`, signed by `d`.
    pub async fn history(&self, d: &TestDevice, after: i64, limit: Option<u32>) -> TestResponse {
        let path = match limit {
            Some(l) => format!("{}?after={after}&limit={l}", paths::HISTORY),
            None => format!("{}?after={after}", paths::HISTORY),
        };
        self.signed_json(d, Method::GET, &path, None, &[]).await
    }
}

/// A client's local store: the latest version of each operation, by id, and its cursor. Syncs
/// page by page until `more` is false; answers how many entries it received.
#[derive(Default)]
pub struct HistoryClient {
    pub ops: BTreeMap<String, Value>,
    pub cursor: i64,
}

impl HistoryClient {
    pub async fn sync(&mut self, app: &TestApp, d: &TestDevice, limit: Option<u32>) -> usize {
        let mut received = 0;
        loop {
            let res = app.history(d, self.cursor, limit).await;
            assert_eq!(res.status, StatusCode::OK, "{res:?}");
            let ops = res.body["operations"].as_array().unwrap();
            let mut last = self.cursor;
            for op in ops {
                let seq = op["seq"].as_i64().unwrap();
                assert!(seq > last, "seq must increase strictly: {last} then {seq}");
                last = seq;
                let id = op["operation_id"].as_str().unwrap().to_owned();
                if let Some(old) = self.ops.get(&id) {
                    assert!(
                        old["seq"].as_i64().unwrap() < seq,
                        "an old version came again"
                    );
                }
                self.ops.insert(id, op.clone());
            }
            received += ops.len();
            let cursor = res.body["cursor"].as_i64().unwrap();
            assert_eq!(cursor, last, "cursor is the last seq (or after)");
            self.cursor = cursor;
            if let Some(l) = limit {
                assert!(ops.len() <= l as usize);
            }
            if !res.body["more"].as_bool().unwrap() {
                return received;
            }
            assert!(!ops.is_empty(), "more with an empty page");
        }
    }

    /// The wallet balance the operations add up to.
    pub fn balance(&self) -> i64 {
        self.ops
            .values()
            .filter(|o| o["status"] != "failed")
            // A payment from a card or the phone bill (and its refund) never touches the wallet.
            .filter(|o| o["source"].as_str().is_none_or(|s| s == "balance"))
            .map(|o| {
                let amount = o["amount"]["minor"].as_i64().unwrap();
                match o["kind"].as_str().unwrap() {
                    "topup" if o["status"] == "succeeded" => amount,
                    "topup" => 0,
                    "refund" | "transfer_in" => amount,
                    _ => -amount,
                }
            })
            .sum()
    }
}
