//! The provider's HTTP API as the app and a till use it: device-signed requests (fresh nonce and
//! timestamp each time), merchant requests with the API key, and the public sign-up routes.
//! Every answer that is not a success becomes a [`Failure`] named by a stable code, so the run
//! can count errors per code.

use std::fmt;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::SigningKey;
use reqwest::Method;
use serde_json::Value;
use wallet_protocol::api::IDEMPOTENCY_KEY_HEADER;
use wallet_protocol::paycode::PaycodeSeed;
use wallet_protocol::signing::{self, SignedParts};

/// One enrolled device: its id, its Ed25519 key (made here, as an app makes it) and its
/// payment-code seed.
pub struct Device {
    pub id: String,
    pub key: SigningKey,
    pub seed: PaycodeSeed,
}

/// Why a request did not succeed.
#[derive(Debug, Clone)]
pub enum Failure {
    /// A problem+json answer with its stable `code`.
    Problem {
        status: u16,
        code: String,
        detail: Option<String>,
        retry_after_secs: Option<u64>,
    },
    /// An error status without a problem document.
    Http(u16),
    /// No answer (connection refused or reset, timeout) or an unreadable one.
    Transport(String),
    /// A success status whose content is not the expected outcome (a failed top-up, an order
    /// left open): the code says what came instead.
    Outcome(String),
}

impl Failure {
    /// The name errors are counted under.
    pub fn code(&self) -> String {
        match self {
            Self::Problem { code, .. } => code.clone(),
            Self::Http(status) => format!("HTTP_{status}"),
            Self::Transport(_) => "TRANSPORT".to_owned(),
            Self::Outcome(code) => code.clone(),
        }
    }

    pub fn is(&self, wanted: &str) -> bool {
        matches!(self, Self::Problem { code, .. } if code == wanted)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Problem {
                status,
                code,
                detail,
                ..
            } => {
                write!(f, "{code} (HTTP {status})")?;
                if let Some(d) = detail {
                    write!(f, ": {d}")?;
                }
                Ok(())
            }
            Self::Http(status) => write!(f, "HTTP {status} without a problem document"),
            Self::Transport(e) => write!(f, "no answer: {e}"),
            Self::Outcome(code) => write!(f, "unexpected outcome {code}"),
        }
    }
}

impl std::error::Error for Failure {}

/// 16 random bytes, base64url: a fresh nonce or idempotency key (both accept `A-Za-z0-9-_`).
pub fn random_token() -> String {
    let bytes: [u8; 16] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A client of one server. Cheap to clone: the connection pool is shared.
#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .tcp_nodelay(true)
            .build()?;
        Ok(Self {
            http,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// A request signed by `device` over method, path, timestamp, nonce and body, with an
    /// `Idempotency-Key` when given: what every authenticated call of the app sends.
    pub async fn signed(
        &self,
        device: &Device,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        idempotency_key: Option<&str>,
    ) -> Result<Value, Failure> {
        let body = body.unwrap_or_default();
        let nonce = random_token();
        let timestamp = chrono::Utc::now().timestamp();
        let signature = signing::sign(
            &device.key,
            &SignedParts {
                method: method.as_str(),
                path_and_query: path,
                timestamp,
                nonce: &nonce,
                body: &body,
            },
        );
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(signing::HEADER_DEVICE, &device.id)
            .header(signing::HEADER_TIMESTAMP, timestamp.to_string())
            .header(signing::HEADER_NONCE, nonce)
            .header(signing::HEADER_SIGNATURE, signature);
        if !body.is_empty() {
            req = req.header("content-type", "application/json").body(body);
        }
        if let Some(key) = idempotency_key {
            req = req.header(IDEMPOTENCY_KEY_HEADER, key);
        }
        answer(req).await
    }

    /// A merchant API call (`Authorization: Bearer <api key>`), as a till makes it.
    pub async fn merchant(
        &self,
        api_key: &str,
        path: &str,
        body: Vec<u8>,
        idempotency_key: &str,
    ) -> Result<Value, Failure> {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header(
                "authorization",
                format!("{} {api_key}", wallet_protocol::api::MERCHANT_AUTH_SCHEME),
            )
            .header(IDEMPOTENCY_KEY_HEADER, idempotency_key)
            .header("content-type", "application/json")
            .body(body);
        answer(req).await
    }

    /// An unauthenticated POST with a JSON body (sign-up, verification, sandbox merchants).
    pub async fn post(&self, path: &str, body: Vec<u8>) -> Result<Value, Failure> {
        let req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/json")
            .body(body);
        answer(req).await
    }

    /// An unauthenticated GET (the sandbox SMS outbox).
    pub async fn get(&self, path_and_query: &str) -> Result<Value, Failure> {
        answer(self.http.get(format!("{}{path_and_query}", self.base))).await
    }
}

/// Sends `req`; a 2xx answer is its JSON body (`null` when empty), anything else a [`Failure`].
async fn answer(req: reqwest::RequestBuilder) -> Result<Value, Failure> {
    let res = req
        .send()
        .await
        .map_err(|e| Failure::Transport(e.to_string()))?;
    let status = res.status();
    let bytes = res
        .bytes()
        .await
        .map_err(|e| Failure::Transport(e.to_string()))?;
    let body: Value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or(Value::Null)
    };
    if status.is_success() {
        return Ok(body);
    }
    match body["code"].as_str() {
        Some(code) => Err(Failure::Problem {
            status: status.as_u16(),
            code: code.to_owned(),
            detail: body["detail"].as_str().map(str::to_owned),
            retry_after_secs: body["retry_after_secs"].as_u64(),
        }),
        None => Err(Failure::Http(status.as_u16())),
    }
}
