//! The untimed set-up: users enrolled the way the app enrols them (sign-up → the SMS code read
//! from the sandbox outbox → a device key made here), a payment PIN, an approving sandbox debit
//! card bound with the bank's code, a top-up; and sandbox merchants.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context as _};
use ed25519_dalek::SigningKey;
use rand::Rng as _;
use reqwest::Method;
use serde_json::{json, Value};
use wallet_protocol::api::{self, paths};
use wallet_protocol::money::Money;
use wallet_protocol::paycode::PaycodeSeed;
use wallet_protocol::pin::{check_pin, PinContext};
use wallet_protocol::signing;
use wallet_protocol::PhoneNumber;

use super::api::{random_token, Api, Device, Failure};

/// Every load user's password: zxcvbn score 4 and unrelated to the personal data below.
const PASSWORD: &str = "correct-Horse-battery-staple-93";
/// A valid resident ID number (the GB 11643-1999 worked example); the server allows it on
/// several accounts.
const ID_NUMBER: &str = "11010519491231002X";
const NAME: &str = "李明";
/// Set-up top-up per user: ¥1,000, far more than a run spends in small amounts.
pub const START_BALANCE_FEN: i64 = 100_000;

/// A user of the run: one account with one device.
pub struct User {
    /// As typed (11 digits); also the transfer recipient's number.
    pub phone: String,
    pub device: Device,
    pub pin: String,
}

/// A sandbox merchant: its id, API key and static QR payload.
pub struct Merchant {
    pub id: String,
    pub api_key: String,
    pub payload: String,
}

/// A random mainland mobile number `13[5-9]` + 8 digits that the server's parser accepts, so
/// each run has its own users (a clash with an earlier run's is retried at sign-up).
pub fn random_phone() -> String {
    loop {
        let mut rng = rand::thread_rng();
        let phone = format!(
            "13{}{:08}",
            rng.gen_range(5..=9),
            rng.gen_range(0..100_000_000u32)
        );
        if PhoneNumber::parse(&phone).is_ok() {
            return phone;
        }
    }
}

/// A PIN the server's rules accept for this phone number and ID number (none is a substring of
/// a phone number made here by more than chance, so the first one nearly always fits).
fn pin_for(phone: &str) -> anyhow::Result<String> {
    let ctx = PinContext {
        phone_digits: Some(phone),
        id_number: Some(ID_NUMBER),
        birth_date: None,
    };
    ["280419", "135792", "602714", "947351"]
        .into_iter()
        .find(|pin| check_pin(pin, &ctx).is_ok())
        .map(str::to_owned)
        .context("no candidate PIN passes the PIN rules for this phone number")
}

/// The number of the sandbox bank's first approving debit card, from
/// `wallet-server sandbox cards --json` (the documented test cards).
pub fn approving_debit_card(server_bin: &Path) -> anyhow::Result<String> {
    let out = Command::new(server_bin)
        .args(["sandbox", "cards", "--json"])
        .output()
        .with_context(|| format!("running {} sandbox cards", server_bin.display()))?;
    if !out.status.success() {
        bail!(
            "{} sandbox cards failed: {}",
            server_bin.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let cards: Value = serde_json::from_slice(&out.stdout).context("sandbox cards JSON")?;
    cards["cards"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["outcome"] == "approve" && c["card_type"] == "debit")
        .and_then(|c| c["number"].as_str())
        .map(str::to_owned)
        .context("the sandbox bank lists no approving debit card")
}

/// The newest code the sandbox SMS outbox holds for `phone`.
async fn outbox_code(api: &Api, phone: &str) -> anyhow::Result<String> {
    let outbox = api
        .get(&format!("{}?phone={phone}", paths::SANDBOX_OUTBOX))
        .await
        .context("reading the sandbox SMS outbox (is the server started with --sandbox?)")?;
    outbox["messages"][0]["code"]
        .as_str()
        .map(str::to_owned)
        .context("no code in the sandbox outbox")
}

fn to_json(v: &Value) -> Vec<u8> {
    v.to_string().into_bytes()
}

/// What to tell the operator when the server refuses sign-up codes from this IP.
fn otp_budget_error(failure: &Failure, users: usize) -> anyhow::Error {
    let retry = match failure {
        Failure::Problem {
            retry_after_secs: Some(s),
            ..
        } => format!(" (retry after {s} s)"),
        _ => String::new(),
    };
    anyhow::anyhow!(
        "the server refused a sign-up SMS code: RATE_LIMITED{retry}. Every load user is signed \
         up from this one IP and each sign-up sends one code, so this run needs {users} of them \
         (plus those of earlier runs in the same window); the server allows \
         `--otp-per-ip-max` (default 20) per `--otp-per-ip-window-secs` (default 3600), and as \
         many numbers per hour (`--signed-out-lookups-per-hour`, default 30) and requests per \
         minute (`--flood-per-ip-per-minute`, default 300) from one address. Start it with e.g. \
         `wallet-server serve ... --otp-per-ip-max 100000 --signed-out-lookups-per-hour 100000 \
         --flood-per-ip-per-minute 0`."
    )
}

/// Signs up a fresh user, enrols a device, sets the PIN, binds `card` and tops up
/// `topup_fen` (none when 0). `users` is the run's total, for the rate-limit message.
pub async fn enrol(api: &Api, card: &str, topup_fen: i64, users: usize) -> anyhow::Result<User> {
    let (phone, challenge) = loop {
        let phone = random_phone();
        let signup = json!({
            "phone": phone, "name": NAME, "id_number": ID_NUMBER, "password": PASSWORD,
        });
        match api.post(paths::SIGNUP, to_json(&signup)).await {
            Ok(v) => break (phone, v),
            Err(f) if f.is("PHONE_TAKEN") => continue,
            Err(f) if f.is("RATE_LIMITED") => return Err(otp_budget_error(&f, users)),
            Err(f) => return Err(f).context("sign-up"),
        }
    };
    let challenge: api::ChallengeResponse =
        serde_json::from_value(challenge).context("sign-up answer")?;
    let code = outbox_code(api, &phone).await?;
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let verify = json!({
        "code": code,
        "device": {
            "public_key": signing::encode_public_key(&key.verifying_key()),
            "name": "wallet-load",
            "platform": "cli",
        },
    });
    let enrolled = api
        .post(
            &paths::challenge_verify(&challenge.challenge_id),
            to_json(&verify),
        )
        .await
        .context("verifying the sign-up code")?;
    let enrolled: api::EnrolResponse =
        serde_json::from_value(enrolled).context("enrolment answer")?;
    let seed = PaycodeSeed::from_base64(&enrolled.paycode_seed)
        .context("the enrolment's payment-code seed is not 32 bytes of base64url")?;
    let device = Device {
        id: enrolled.device_id,
        key,
        seed,
    };

    let pin = pin_for(&phone)?;
    api.signed(
        &device,
        Method::POST,
        paths::PIN,
        Some(to_json(&json!({ "pin": pin }))),
        None,
    )
    .await
    .context("setting the payment PIN")?;

    // The phone reserved at the bank: another fresh number, so the bank's code does not wait
    // for the per-phone interval after the sign-up code.
    let bank_phone = random_phone();
    let bind = json!({ "number": card, "bank_phone": bank_phone });
    let started = api
        .signed(
            &device,
            Method::POST,
            paths::CARDS,
            Some(to_json(&bind)),
            None,
        )
        .await
        .context("binding the sandbox card")?;
    let binding = started["binding_id"]
        .as_str()
        .context("no binding_id in the card binding answer")?
        .to_owned();
    let code = outbox_code(api, &bank_phone).await?;
    api.signed(
        &device,
        Method::POST,
        &paths::card_binding_verify(&binding),
        Some(to_json(&json!({ "code": code }))),
        None,
    )
    .await
    .context("verifying the bank's card code")?;

    if topup_fen > 0 {
        let topup = json!({ "amount": Money::cny(topup_fen), "pin": pin });
        let op = api
            .signed(
                &device,
                Method::POST,
                paths::TOPUPS,
                Some(to_json(&topup)),
                Some(&random_token()),
            )
            .await
            .context("the set-up top-up")?;
        if op["status"] != "succeeded" {
            bail!("the set-up top-up did not succeed: {op}");
        }
    }
    Ok(User { phone, device, pin })
}

/// A sandbox merchant through `POST /v1/merchants` (what `wallet-server merchant create` does).
pub async fn merchant(api: &Api, n: usize) -> anyhow::Result<Merchant> {
    let req = json!({ "name": format!("Load Shop {n}"), "city": "Shanghai", "mcc": "5411" });
    let created = api
        .post(paths::MERCHANTS, to_json(&req))
        .await
        .context("creating a sandbox merchant")?;
    let text = |v: &Value| v.as_str().map(str::to_owned);
    match (
        text(&created["merchant"]["merchant_id"]),
        text(&created["api_key"]),
        text(&created["payload"]),
    ) {
        (Some(id), Some(api_key), Some(payload)) => Ok(Merchant {
            id,
            api_key,
            payload,
        }),
        _ => bail!("unexpected merchant answer: {created}"),
    }
}

/// The masked name and phone the app shows before the first transfer to `phone` (done once per
/// pair: the look-up is limited to `--recipient-lookups-per-hour` per device).
pub async fn look_up_recipient(api: &Api, from: &User, phone: &str) -> anyhow::Result<()> {
    api.signed(
        &from.device,
        Method::POST,
        paths::TRANSFER_RECIPIENT,
        Some(to_json(&json!({ "phone": phone }))),
        None,
    )
    .await
    .context("looking up the transfer recipient")?;
    Ok(())
}
