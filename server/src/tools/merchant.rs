//! `wallet-server merchant ...`: the merchant API from the command line, for testers and
//! scripts (docs/rules.md §CLI). Each command calls a running server over HTTP with the merchant's API
//! key; `--json` prints one JSON object (failures: exit 1 and `{"error": {"code", "message"}}`).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use wallet_protocol::api::{
    self, paths, ChargeCodeRequest, CheckoutCreateRequest, CheckoutCreated, MerchantCreateRequest,
    MerchantCreated, MerchantQr, Order, OrderCreateRequest, RefundRequest, SmsProductRequest,
    SmsProducts,
};
use wallet_protocol::notice::{
    paths as notice_paths, DeliveryStatus, NoticeList, NoticeSecret, NoticeSettings,
    NoticeSettingsUpdate,
};
use wallet_protocol::{Currency, ErrorCode, Money, Problem};

use super::CliError;

#[derive(Debug, Args)]
pub struct Common {
    /// The running server, e.g. `http://127.0.0.1:8080`.
    #[arg(long, env = "WALLET_SERVER")]
    server: String,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct Auth {
    /// The merchant id (`mch_...`).
    #[arg(long)]
    merchant: String,
    /// The merchant's API key, shown once by `merchant create`.
    #[arg(long, env = "WALLET_MERCHANT_API_KEY", hide_env_values = true)]
    api_key: String,
}

#[derive(Debug, Subcommand)]
pub enum MerchantCommand {
    /// Create a merchant (sandbox servers only); prints its id, API key (once) and static code.
    Create {
        /// Up to 25 characters, as printed in the QR code.
        #[arg(long)]
        name: String,
        /// Up to 15 characters.
        #[arg(long)]
        city: String,
        /// Merchant category code, 4 digits (ISO 18245), e.g. 5812 for restaurants.
        #[arg(long)]
        mcc: String,
        /// Where order notices are POSTed (http or https); none until set.
        #[arg(long)]
        notify_url: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Print the merchant's static QR payload (the payer types the amount).
    Qr {
        #[command(flatten)]
        auth: Auth,
        #[command(flatten)]
        common: Common,
    },
    /// Create an order: a dynamic QR code with the amount locked, or with `--phone` a remote
    /// order the payer confirms in the app.
    Order {
        #[command(flatten)]
        auth: Auth,
        /// Amount in yuan: `12.50`, `¥12.50`.
        #[arg(long)]
        amount: String,
        /// Remote order: the payer's phone number.
        #[arg(long)]
        phone: Option<String>,
        #[arg(long)]
        description: Option<String>,
        /// Lifetime in seconds, 1 to 86400 (default 900).
        #[arg(long)]
        expires_in: Option<u32>,
        #[command(flatten)]
        common: Common,
    },
    /// Create a web checkout (sandbox servers): an order and the link of the provider's
    /// checkout page to send the payer to, which returns to `--return-url` with the result.
    Checkout {
        #[command(flatten)]
        auth: Auth,
        /// Amount in yuan: `12.50`, `¥12.50`.
        #[arg(long)]
        amount: String,
        /// Where the page sends the payer back (http or https), with `order_id` and `status`
        /// added to its query.
        #[arg(long)]
        return_url: String,
        #[arg(long)]
        description: Option<String>,
        /// Lifetime in seconds, 1 to 86400 (default 900); the link dies with the order.
        #[arg(long)]
        expires_in: Option<u32>,
        #[command(flatten)]
        common: Common,
    },
    /// Charge a scanned payment code (what a POS does): paid at once under the payer's no-PIN
    /// limit, otherwise `open` until the payer confirms with the PIN.
    ChargeCode {
        #[command(flatten)]
        auth: Auth,
        /// The 18-digit payment code.
        #[arg(long)]
        code: String,
        #[arg(long)]
        amount: String,
        #[arg(long)]
        description: Option<String>,
        /// Reuse to retry safely; a fresh one is made when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Refund a paid order to the payer's wallet: all that is left, or `--amount`.
    Refund {
        #[command(flatten)]
        auth: Auth,
        #[arg(long)]
        order: String,
        #[arg(long)]
        amount: Option<String>,
        #[arg(long)]
        idempotency_key: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Show one order.
    ShowOrder {
        #[command(flatten)]
        auth: Auth,
        #[arg(long)]
        order: String,
        #[command(flatten)]
        common: Common,
    },
    /// The merchant's latest notices and their delivery state (pending, delivered, failed).
    Notices {
        #[command(flatten)]
        auth: Auth,
        /// Only this order's notices.
        #[arg(long)]
        order: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Show where notices go, or set (`--url`) or clear (`--clear`) it.
    NotifyUrl {
        #[command(flatten)]
        auth: Auth,
        /// The new notify_url (http or https).
        #[arg(long, conflicts_with = "clear")]
        url: Option<String>,
        /// No more notices (those not delivered yet fail).
        #[arg(long)]
        clear: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Make a new notice secret (printed once); the old one stops signing at once.
    RotateNoticeSecret {
        #[command(flatten)]
        auth: Auth,
        #[command(flatten)]
        common: Common,
    },
    /// SMS payment: the merchant's service number (given on first use) and product codes.
    SmsProducts {
        #[command(flatten)]
        auth: Auth,
        #[command(flatten)]
        common: Common,
    },
    /// SMS payment: register a product code payers text to the service number (or replace
    /// the one with the same code); prints the service number and every code.
    SmsProduct {
        #[command(flatten)]
        auth: Auth,
        /// 1 to 8 digits.
        #[arg(long)]
        code: String,
        /// Shown in the SMS to the payer, 1 to 32 characters.
        #[arg(long)]
        description: String,
        /// Price in yuan, at most the SMS per-payment cap.
        #[arg(long)]
        amount: String,
        #[command(flatten)]
        common: Common,
    },
    /// SMS payment: remove a product code (references already sent still pay).
    SmsProductRemove {
        #[command(flatten)]
        auth: Auth,
        #[arg(long)]
        code: String,
        #[command(flatten)]
        common: Common,
    },
}

pub async fn run(command: MerchantCommand) -> ExitCode {
    let json = match &command {
        MerchantCommand::Create { common, .. }
        | MerchantCommand::Qr { common, .. }
        | MerchantCommand::Order { common, .. }
        | MerchantCommand::Checkout { common, .. }
        | MerchantCommand::ChargeCode { common, .. }
        | MerchantCommand::Refund { common, .. }
        | MerchantCommand::ShowOrder { common, .. }
        | MerchantCommand::Notices { common, .. }
        | MerchantCommand::NotifyUrl { common, .. }
        | MerchantCommand::RotateNoticeSecret { common, .. }
        | MerchantCommand::SmsProducts { common, .. }
        | MerchantCommand::SmsProduct { common, .. }
        | MerchantCommand::SmsProductRemove { common, .. } => common.json,
    };
    match execute(command).await {
        Ok((value, human)) => {
            if json {
                println!("{value}");
            } else {
                println!("{human}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            e.print(json);
            ExitCode::FAILURE
        }
    }
}

fn amount(text: &str) -> Result<Money, CliError> {
    Money::parse(text, Currency::Cny)
        .map_err(|e| CliError::new(ErrorCode::AmountInvalid, e.to_string()))
}

fn key_or_new(key: Option<String>) -> Result<String, CliError> {
    let key = key.unwrap_or_else(|| format!("cli-{}", uuid::Uuid::new_v4().simple()));
    if api::idempotency_key_well_formed(&key) {
        Ok(key)
    } else {
        Err(CliError::new(
            ErrorCode::IdempotencyKeyMissing,
            "--idempotency-key: 8 to 64 letters, digits, - or _",
        ))
    }
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, CliError> {
    serde_json::to_value(v).map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))
}

fn order_line(o: &Order) -> String {
    let mut line = format!(
        "{}  {}  {}  {}",
        o.order_id,
        serde_json::to_value(o.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        o.amount.display(),
        o.merchant.name
    );
    if o.refunded.minor > 0 {
        line.push_str(&format!("  refunded {}", o.refunded.display()));
    }
    if let Some(p) = &o.payload {
        line.push_str(&format!("\npayload: {p}"));
    }
    line
}

fn sms_products_text(p: &SmsProducts) -> String {
    let mut text = format!(
        "service number {}  ({}, at most {} per SMS payment)",
        p.service_number,
        p.merchant.name,
        p.per_payment_cap.display()
    );
    if p.products.is_empty() {
        text.push_str("\nno product codes");
    }
    for product in &p.products {
        text.push_str(&format!(
            "\n{:<8}  {:>10}  {}",
            product.code,
            product.amount.display(),
            product.description
        ));
    }
    text
}

/// Runs one command: the JSON to print with `--json`, and the human text.
async fn execute(command: MerchantCommand) -> Result<(Value, String), CliError> {
    match command {
        MerchantCommand::Create {
            name,
            city,
            mcc,
            notify_url,
            common,
        } => {
            let c = Client::new(&common.server, None);
            let created: MerchantCreated = c
                .send(
                    reqwest::Method::POST,
                    paths::MERCHANTS,
                    Some(&MerchantCreateRequest {
                        name,
                        city,
                        mcc,
                        notify_url: notify_url.clone(),
                    }),
                    None,
                )
                .await?;
            let m = &created.merchant;
            let value = json!({
                "id": m.merchant_id,
                "merchant_id": m.merchant_id,
                "api_key": created.api_key,
                "payload": created.payload,
                "merchant": to_value(m)?,
                "notice_secret": created.notice_secret,
                "notify_url": notify_url,
            });
            let human = format!(
                "merchant {}  {} ({}, MCC {})\napi key (shown once): {}\nnotice secret (shown once): {}\nstatic code: {}",
                m.merchant_id, m.name, m.city, m.mcc, created.api_key, created.notice_secret, created.payload
            );
            Ok((value, human))
        }
        MerchantCommand::Qr { auth, common } => {
            let c = Client::new(&common.server, Some(&auth.api_key));
            let qr: MerchantQr = c
                .send::<(), _>(
                    reqwest::Method::GET,
                    &paths::merchant_qr(&auth.merchant),
                    None,
                    None,
                )
                .await?;
            let value = json!({
                "merchant_id": qr.merchant.merchant_id,
                "payload": qr.payload,
                "merchant": to_value(&qr.merchant)?,
            });
            Ok((value, qr.payload))
        }
        MerchantCommand::Order {
            auth,
            amount: a,
            phone,
            description,
            expires_in,
            common,
        } => {
            let req = OrderCreateRequest {
                amount: amount(&a)?,
                description,
                phone,
                expires_in_secs: expires_in,
            };
            let c = Client::new(&common.server, Some(&auth.api_key));
            let order: Order = c
                .send(
                    reqwest::Method::POST,
                    &paths::merchant_orders(&auth.merchant),
                    Some(&req),
                    None,
                )
                .await?;
            Ok((to_value(&order)?, order_line(&order)))
        }
        MerchantCommand::Checkout {
            auth,
            amount: a,
            return_url,
            description,
            expires_in,
            common,
        } => {
            let req = CheckoutCreateRequest {
                amount: amount(&a)?,
                description,
                return_url,
                expires_in_secs: expires_in,
            };
            let c = Client::new(&common.server, Some(&auth.api_key));
            let made: CheckoutCreated = c
                .send(
                    reqwest::Method::POST,
                    &paths::merchant_checkouts(&auth.merchant),
                    Some(&req),
                    None,
                )
                .await?;
            let url = format!("{}{}", c.base, made.checkout_path);
            let mut value = to_value(&made.order)?;
            value["checkout_path"] = Value::String(made.checkout_path);
            value["checkout_url"] = Value::String(url.clone());
            let human = format!(
                "{}
checkout (shown once): {url}",
                order_line(&made.order)
            );
            Ok((value, human))
        }
        MerchantCommand::ChargeCode {
            auth,
            code,
            amount: a,
            description,
            idempotency_key,
            common,
        } => {
            let req = ChargeCodeRequest {
                code,
                amount: amount(&a)?,
                description,
            };
            let key = key_or_new(idempotency_key)?;
            let c = Client::new(&common.server, Some(&auth.api_key));
            let order: Order = c
                .send(
                    reqwest::Method::POST,
                    &paths::merchant_charges(&auth.merchant),
                    Some(&req),
                    Some(&key),
                )
                .await?;
            let mut value = to_value(&order)?;
            value["idempotency_key"] = Value::String(key);
            Ok((value, order_line(&order)))
        }
        MerchantCommand::Refund {
            auth,
            order,
            amount: a,
            idempotency_key,
            common,
        } => {
            let req = RefundRequest {
                amount: a.as_deref().map(amount).transpose()?,
            };
            let key = key_or_new(idempotency_key)?;
            let c = Client::new(&common.server, Some(&auth.api_key));
            let order: Order = c
                .send(
                    reqwest::Method::POST,
                    &paths::merchant_order_refund(&auth.merchant, &order),
                    Some(&req),
                    Some(&key),
                )
                .await?;
            let mut value = to_value(&order)?;
            value["idempotency_key"] = Value::String(key);
            Ok((value, order_line(&order)))
        }
        MerchantCommand::ShowOrder {
            auth,
            order,
            common,
        } => {
            let c = Client::new(&common.server, Some(&auth.api_key));
            let order: Order = c
                .send::<(), _>(
                    reqwest::Method::GET,
                    &paths::merchant_order(&auth.merchant, &order),
                    None,
                    None,
                )
                .await?;
            Ok((to_value(&order)?, order_line(&order)))
        }
        MerchantCommand::Notices {
            auth,
            order,
            common,
        } => {
            let c = Client::new(&common.server, Some(&auth.api_key));
            let mut path = notice_paths::merchant_notices(&auth.merchant);
            if let Some(o) = &order {
                if !api::id_well_formed(o) {
                    return Err(CliError::new(
                        ErrorCode::OrderNotFound,
                        "--order: not an order id",
                    ));
                }
                path.push_str(&format!("?order_id={o}"));
            }
            let list: NoticeList = c
                .send::<(), _>(reqwest::Method::GET, &path, None, None)
                .await?;
            Ok((to_value(&list)?, notices_table(&list)))
        }
        MerchantCommand::NotifyUrl {
            auth,
            url,
            clear,
            common,
        } => {
            let c = Client::new(&common.server, Some(&auth.api_key));
            let path = notice_paths::merchant_notice_settings(&auth.merchant);
            let settings: NoticeSettings = if url.is_some() || clear {
                c.send(
                    reqwest::Method::PUT,
                    &path,
                    Some(&NoticeSettingsUpdate { notify_url: url }),
                    None,
                )
                .await?
            } else {
                c.send::<(), _>(reqwest::Method::GET, &path, None, None)
                    .await?
            };
            let human = match &settings.notify_url {
                Some(u) => format!("notices go to {u}"),
                None => "no notify_url: no notices are sent".to_owned(),
            };
            Ok((to_value(&settings)?, human))
        }
        MerchantCommand::RotateNoticeSecret { auth, common } => {
            let c = Client::new(&common.server, Some(&auth.api_key));
            let secret: NoticeSecret = c
                .send::<(), _>(
                    reqwest::Method::POST,
                    &notice_paths::merchant_notice_secret(&auth.merchant),
                    None,
                    None,
                )
                .await?;
            let human = format!("new notice secret (shown once): {}", secret.notice_secret);
            Ok((to_value(&secret)?, human))
        }
        MerchantCommand::SmsProducts { auth, common } => {
            let c = Client::new(&common.server, Some(&auth.api_key));
            let products: SmsProducts = c
                .send::<(), _>(
                    reqwest::Method::GET,
                    &paths::merchant_sms_products(&auth.merchant),
                    None,
                    None,
                )
                .await?;
            Ok((to_value(&products)?, sms_products_text(&products)))
        }
        MerchantCommand::SmsProduct {
            auth,
            code,
            description,
            amount: a,
            common,
        } => {
            let req = SmsProductRequest {
                code,
                description,
                amount: amount(&a)?,
            };
            let c = Client::new(&common.server, Some(&auth.api_key));
            let products: SmsProducts = c
                .send(
                    reqwest::Method::POST,
                    &paths::merchant_sms_products(&auth.merchant),
                    Some(&req),
                    None,
                )
                .await?;
            Ok((to_value(&products)?, sms_products_text(&products)))
        }
        MerchantCommand::SmsProductRemove { auth, code, common } => {
            if !api::sms_product_code_well_formed(&code) {
                return Err(CliError::new(
                    ErrorCode::MalformedRequest,
                    "--code: 1 to 8 digits",
                ));
            }
            let c = Client::new(&common.server, Some(&auth.api_key));
            let products: SmsProducts = c
                .send::<(), _>(
                    reqwest::Method::DELETE,
                    &paths::merchant_sms_product(&auth.merchant, &code),
                    None,
                    None,
                )
                .await?;
            Ok((to_value(&products)?, sms_products_text(&products)))
        }
    }
}

/// One line per notice, newest first: when, order, event, amount, delivery state.
fn notices_table(list: &NoticeList) -> String {
    let mut out = match &list.notify_url {
        Some(u) => format!("notify_url: {u}\n"),
        None => "notify_url: none (no new notices)\n".to_owned(),
    };
    if list.notices.is_empty() {
        out.push_str("no notices yet");
        return out;
    }
    for n in &list.notices {
        let state = match n.status {
            DeliveryStatus::Delivered => format!(
                "delivered after {} attempt{}",
                n.attempts,
                if n.attempts == 1 { "" } else { "s" }
            ),
            DeliveryStatus::Pending => format!(
                "pending: {} attempt{}{}{}",
                n.attempts,
                if n.attempts == 1 { "" } else { "s" },
                n.last_error
                    .as_deref()
                    .map(|e| format!(", last {e}"))
                    .unwrap_or_default(),
                n.next_attempt_at
                    .map(|t| format!(", next {}", t.format("%Y-%m-%d %H:%M:%SZ")))
                    .unwrap_or_default()
            ),
            DeliveryStatus::Failed => format!(
                "failed after {} attempt{}{}",
                n.attempts,
                if n.attempts == 1 { "" } else { "s" },
                n.last_error
                    .as_deref()
                    .map(|e| format!(" ({e})"))
                    .unwrap_or_default()
            ),
        };
        out.push_str(&format!(
            "{}  {}  {:<8}  {:>12}  {}  {}\n",
            n.occurred_at.format("%Y-%m-%d %H:%M:%SZ"),
            n.order_id,
            n.event.as_str(),
            n.amount.display(),
            n.notice_id,
            state
        ));
    }
    out.trim_end().to_owned()
}

struct Client<'a> {
    base: String,
    api_key: Option<&'a str>,
    http: reqwest::Client,
}

impl<'a> Client<'a> {
    fn new(server: &str, api_key: Option<&'a str>) -> Self {
        Self {
            base: server.trim_end_matches('/').to_owned(),
            api_key,
            http: reqwest::Client::new(),
        }
    }

    async fn send<B: serde::Serialize, T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<T, CliError> {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(key) = self.api_key {
            req = req.bearer_auth(key);
        }
        if let Some(key) = idempotency_key {
            req = req.header(api::IDEMPOTENCY_KEY_HEADER, key);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        let response = req
            .send()
            .await
            .map_err(|e| CliError::new(ErrorCode::Network, format!("{}: {e}", self.base)))?;
        let status = response.status();
        if status.is_success() {
            return response
                .json::<T>()
                .await
                .map_err(|e| CliError::new(ErrorCode::Protocol, e.to_string()));
        }
        match response.json::<Problem>().await {
            Ok(p) => Err(CliError::new(p.code, p.detail.unwrap_or(p.title))),
            Err(_) => Err(CliError::new(
                ErrorCode::Protocol,
                format!("the server answered {status}"),
            )),
        }
    }
}
