//! The timed loops: what one client does again and again until the deadline. Each request is
//! signed afresh (nonce, timestamp) and each money request has its own `Idempotency-Key`; a
//! failed request is counted under its code and the loop goes on (no retry).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use rand::Rng as _;
use reqwest::Method;
use serde_json::{json, Value};
use wallet_protocol::api::paths;
use wallet_protocol::money::Money;
use wallet_protocol::paycode::{self, PaycodeSeed};

use super::api::{random_token, Api, Failure};
use super::setup::{Merchant, User};

/// What a client does in the timed phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// A merchant charges the user's payment code, under the no-PIN limit.
    Paycode,
    /// The user pays the merchant's static QR code with an amount and the PIN.
    QrPay,
    /// The user tops up from the bound sandbox card, with the PIN.
    Topup,
    /// The user sends a small amount to the next user, with the PIN.
    Transfer,
}

impl Scenario {
    pub fn name(self) -> &'static str {
        match self {
            Self::Paycode => "paycode",
            Self::QrPay => "qr-pay",
            Self::Topup => "topup",
            Self::Transfer => "transfer",
        }
    }

    /// Whether its clients need a merchant.
    pub fn needs_merchant(self) -> bool {
        matches!(self, Self::Paycode | Self::QrPay)
    }

    /// Whether its users need money in the wallet.
    pub fn needs_balance(self) -> bool {
        !matches!(self, Self::Topup)
    }
}

/// One client's part of the run.
pub struct Client {
    pub user: User,
    pub merchant: Option<Arc<Merchant>>,
    /// The phone number this client's user sends transfers to.
    pub recipient: Option<String>,
}

/// What one client measured.
#[derive(Debug, Default)]
pub struct Tally {
    /// Latency of each successful operation, in microseconds.
    pub latencies_us: Vec<u64>,
    /// Failed requests by code.
    pub errors: BTreeMap<String, u64>,
    /// Requests other than the operation itself (the payment-code seed refreshes).
    pub aux_requests: u64,
}

impl Tally {
    fn fail(&mut self, failure: &Failure) {
        *self.errors.entry(failure.code()).or_default() += 1;
    }

    fn record(&mut self, started: Instant, result: Result<(), Failure>) {
        match result {
            Ok(()) => self
                .latencies_us
                .push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX)),
            Err(f) => self.fail(&f),
        }
    }
}

/// `Ok` when the answer's `status` is `wanted`; else the outcome as a code: the operation's
/// `failure_code`, or `<KIND>_<STATUS>` (an order left `open`, a `pending` top-up).
fn expect_status(answer: &Value, kind: &str, wanted: &str) -> Result<(), Failure> {
    let status = answer["status"].as_str().unwrap_or("none");
    if status == wanted {
        return Ok(());
    }
    Err(Failure::Outcome(
        answer["failure_code"].as_str().map_or_else(
            || format!("{kind}_{status}").to_ascii_uppercase(),
            str::to_owned,
        ),
    ))
}

fn amount(range: std::ops::RangeInclusive<i64>) -> Money {
    Money::cny(rand::thread_rng().gen_range(range))
}

/// Runs `scenario` for one client until `deadline`.
pub async fn run(api: Api, scenario: Scenario, mut client: Client, deadline: Instant) -> Tally {
    let mut tally = Tally::default();
    match scenario {
        Scenario::Paycode => paycode_loop(&api, &mut client, deadline, &mut tally).await,
        _ => {
            while Instant::now() < deadline {
                let started = Instant::now();
                let result = pay_once(&api, scenario, &client).await;
                tally.record(started, result);
            }
        }
    }
    tally
}

/// One signed money request of the PIN scenarios (and top-ups).
async fn pay_once(api: &Api, scenario: Scenario, client: &Client) -> Result<(), Failure> {
    let user = &client.user;
    let (path, body) = match (scenario, &client.merchant, &client.recipient) {
        // ¥0.01–¥1.00 to the merchant's static code, whose amount the payer types.
        (Scenario::QrPay, Some(m), _) => (
            paths::QR_PAYMENTS,
            json!({ "payload": m.payload, "amount": amount(1..=100), "pin": user.pin }),
        ),
        // ¥1–¥10 from the default (only) card, with the PIN like a withdrawal.
        (Scenario::Topup, _, _) => (
            paths::TOPUPS,
            json!({ "amount": amount(100..=1000), "pin": user.pin }),
        ),
        // ¥0.01–¥1.00 to the next user.
        (Scenario::Transfer, _, Some(to)) => (
            paths::TRANSFERS,
            json!({ "to_phone": to, "amount": amount(1..=100), "pin": user.pin }),
        ),
        _ => return Err(Failure::Outcome("LOAD_MISCONFIGURED".to_owned())),
    };
    let answer = api
        .signed(
            &user.device,
            Method::POST,
            path,
            Some(body.to_string().into_bytes()),
            Some(&random_token()),
        )
        .await?;
    expect_status(&answer, "operation", "succeeded")
}

/// The till's hot path: the merchant charges the code the user's device shows now (made offline
/// from its seed, as the app makes it) for ¥0.01–¥0.10, under the no-PIN limit, so no PIN and
/// no bank call.
///
/// A code is accepted once per 30-second step, and in steady state a device has one new code
/// per step (the server's ±1-step window only tolerates clock drift). So when this device's
/// code of the current step is spent, it first asks for a fresh seed (`POST /v1/paycode/seed`,
/// the app's "refresh code"), whose code for this step is unused. Those refreshes are counted
/// as `aux_requests`, not as operations, and are not in the latencies.
async fn paycode_loop(api: &Api, client: &mut Client, deadline: Instant, tally: &mut Tally) {
    let Some(merchant) = client.merchant.clone() else {
        tally.fail(&Failure::Outcome("LOAD_MISCONFIGURED".to_owned()));
        return;
    };
    let charges = paths::merchant_charges(&merchant.id);
    let mut spent_step = None;
    while Instant::now() < deadline {
        let step = paycode::step_at(chrono::Utc::now());
        if spent_step == Some(step) {
            tally.aux_requests += 1;
            match refresh_seed(api, &client.user).await {
                Ok(seed) => client.user.device.seed = seed,
                Err(f) => {
                    tally.fail(&f);
                    continue;
                }
            }
        }
        let code = client.user.device.seed.code(step).to_string();
        let body = json!({ "code": code, "amount": amount(1..=10) });
        let started = Instant::now();
        let result = api
            .merchant(
                &merchant.api_key,
                &charges,
                body.to_string().into_bytes(),
                &random_token(),
            )
            .await
            .and_then(|order| expect_status(&order, "order", "paid"));
        // Spent whatever the answer: a failed charge may have used it up (one over the no-PIN
        // limit does), and a fresh seed is cheap.
        spent_step = Some(step);
        tally.record(started, result);
    }
}

/// `POST /v1/paycode/seed`: a new seed for the device; the old one's codes die at once.
async fn refresh_seed(api: &Api, user: &User) -> Result<PaycodeSeed, Failure> {
    let answer = api
        .signed(&user.device, Method::POST, paths::PAYCODE_SEED, None, None)
        .await?;
    answer["seed"]
        .as_str()
        .and_then(PaycodeSeed::from_base64)
        .ok_or_else(|| Failure::Outcome("SEED_MALFORMED".to_owned()))
}
