//! SMS payment, "reply Y" (docs/rules.md §SMS payment (reply Y)): a payer texts a merchant's product code
//! to its service number; the provider answers by SMS with the merchant, the amount and a
//! one-time reference; "Y" (or "Y REF" when several wait) from the same number pays it through
//! the ordinary payment path ([`crate::domain::pay::pay_sms_order`]: freeze, cooling-off,
//! limits, balance), and a confirmation SMS follows. Every other message gets an SMS that says
//! what happened and that nothing was charged.
//!
//! Also here: the account's switch (off by default, on with the PIN, logged and notified),
//! and the merchant's product codes and service number.
//!
//! Rules worth knowing:
//! - A reference answers only the number it was sent to, at the service number it came from;
//!   anyone else hears "no payment with this reference" (nothing about whose it is).
//! - SMS payments have caps of their own ([`SMS_PAY_PER_PAYMENT_FEN`], [`SMS_PAY_DAILY_FEN`]),
//!   on top of the ordinary payment limits; the day's cap is reserved in the store under the
//!   account's lock before the payment runs.
//! - During a cooling-off SMS payment is paused altogether (like no-PIN payments): a swapped
//!   SIM is exactly what a cooling-off guards against.

use chrono::{DateTime, Utc};
use rand::rngs::OsRng;
use rand::Rng as _;
use wallet_protocol::api::{
    self, AccountSettings, InboundSmsAnswer, InboundSmsRequest, SmsPayUpdate, SmsProduct,
    SmsProductRequest, SmsProducts,
};
use wallet_protocol::{text, Currency, ErrorCode, Money, PhoneNumber};
use zeroize::Zeroizing;

use crate::config::{day_start_cst, SMS_PAY_DAILY_FEN, SMS_PAY_MAX_OPEN, SMS_PAY_PER_PAYMENT_FEN};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::domain::wire::{merchant_ref, wire_time};
use crate::ports::sms::{InboundSms, TextMessage};
use crate::secrets;
use crate::store::{
    Channel, MerchantRow, NewOrder, NewSmsPayment, OpenSmsOutcome, ReserveOutcome, SecurityChange,
    SmsPaymentRow, SmsPaymentState, SmsProductRow,
};

/// Most characters of a product's description.
pub const PRODUCT_DESCRIPTION_MAX_CHARS: usize = 32;
/// Most characters of an inbound message.
pub const INBOUND_MAX_CHARS: usize = 480;
/// The outbox's `purpose` of SMS-payment messages.
pub const PURPOSE: &str = "sms_pay";
/// A reservation older than this is taken for a crash mid-payment and retried.
const STALE_RESERVATION_SECS: i64 = 60;
/// References: no 0/O or 1/I, easy to read off a phone and type back.
const REFERENCE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const REFERENCE_LEN: usize = 6;

// --- the account's switch ---------------------------------------------------------------------

/// The security log's words for the switch (caps only: no personal data).
fn describe(enabled: bool) -> String {
    if enabled {
        format!(
            "on, {} per payment, {} a day",
            Money::cny(SMS_PAY_PER_PAYMENT_FEN).display(),
            Money::cny(SMS_PAY_DAILY_FEN).display()
        )
    } else {
        "off".to_owned()
    }
}

/// `PUT /v1/settings/sms-pay` from the signing device: on with the PIN (`PIN_REQUIRED`
/// without it), off without; logged and told to the other devices in the same transaction.
pub async fn put_settings(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    mut req: SmsPayUpdate,
) -> ApiResult<AccountSettings> {
    let pin = req.pin.take().map(Zeroizing::new);
    let current = state.store.sms_pay_enabled(account_id).await?;
    if req.enabled != current {
        if req.enabled {
            let Some(pin) = pin.as_deref() else {
                return Err(ApiError::detail(
                    ErrorCode::PinRequired,
                    "Switching SMS payment on needs the payment PIN.",
                ));
            };
            crate::domain::pin::verify_pin(state, account_id, pin).await?;
        }
        let change = SecurityChange {
            log: api::SecurityEventKind::SmsPayChanged,
            event: api::DeviceEventKind::SmsPayChanged,
            device_id: device_id.to_owned(),
            detail: Some(describe(req.enabled)),
            reference: Some(if req.enabled { "on" } else { "off" }.to_owned()),
            cooling_off_until: None,
        };
        if state
            .store
            .set_sms_pay(account_id, req.enabled, change, state.clock.unix())
            .await?
        {
            tracing::info!(account = %account_id, enabled = req.enabled, "SMS payment switched");
        }
    }
    crate::domain::lost::settings(state, account_id).await
}

// --- merchants: product codes and the service number --------------------------------------

/// The merchant's service number, given on first use: `1069` and 8 random digits (the shape
/// of a mainland SMS short code).
async fn service_number(state: &AppState, m: &MerchantRow) -> ApiResult<String> {
    for _ in 0..8 {
        let candidate = format!("1069{:08}", OsRng.gen_range(0..100_000_000u32));
        if let Some(n) = state
            .store
            .ensure_service_number(&m.id, &candidate, state.clock.unix())
            .await?
        {
            return Ok(n);
        }
    }
    Err(ApiError::internal("no free SMS service number in 8 tries"))
}

fn product_wire(p: &SmsProductRow) -> SmsProduct {
    SmsProduct {
        code: p.code.clone(),
        description: p.description.clone(),
        amount: Money::cny(p.amount),
        created_at: wire_time(p.created_at),
    }
}

/// `GET /v1/merchants/{id}/sms-products`.
pub async fn products(state: &AppState, m: &MerchantRow) -> ApiResult<SmsProducts> {
    let service_number = service_number(state, m).await?;
    let rows = state.store.sms_products(&m.id).await?;
    Ok(SmsProducts {
        merchant: merchant_ref(m),
        service_number,
        products: rows.iter().map(product_wire).collect(),
        per_payment_cap: Money::cny(SMS_PAY_PER_PAYMENT_FEN),
    })
}

/// `POST /v1/merchants/{id}/sms-products`: registers (or replaces) a product code.
pub async fn put_product(
    state: &AppState,
    m: &MerchantRow,
    req: SmsProductRequest,
) -> ApiResult<SmsProducts> {
    let code = req.code.trim().to_owned();
    if !api::sms_product_code_well_formed(&code) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            "code: 1 to 8 digits",
        ));
    }
    let description = req.description.trim().to_owned();
    let n = description.chars().count();
    if n == 0 || n > PRODUCT_DESCRIPTION_MAX_CHARS || description.chars().any(char::is_control) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!(
                "description: 1 to {PRODUCT_DESCRIPTION_MAX_CHARS} characters, no control characters"
            ),
        ));
    }
    text::check_visible("description", &description)?;
    if req.amount.currency != Currency::Cny
        || req.amount.minor <= 0
        || req.amount.minor > wallet_protocol::money::MAX_MINOR
    {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "a CNY amount of more than zero",
        ));
    }
    if req.amount.minor > SMS_PAY_PER_PAYMENT_FEN {
        return Err(ApiError::detail(
            ErrorCode::AmountOverLimit,
            format!(
                "SMS payments are at most {} each",
                Money::cny(SMS_PAY_PER_PAYMENT_FEN).display()
            ),
        ));
    }
    state
        .store
        .put_sms_product(SmsProductRow {
            merchant_id: m.id.clone(),
            code: code.clone(),
            description,
            amount: req.amount.minor,
            currency: Currency::Cny.code().to_owned(),
            created_at: state.clock.unix(),
        })
        .await?;
    tracing::info!(merchant = %m.id, code = %code, "SMS product registered");
    products(state, m).await
}

/// `DELETE /v1/merchants/{id}/sms-products/{code}`: `NOT_FOUND` when there is no such code.
/// References already sent still pay what they offered.
pub async fn delete_product(
    state: &AppState,
    m: &MerchantRow,
    code: &str,
) -> ApiResult<SmsProducts> {
    if !api::sms_product_code_well_formed(code)
        || !state.store.delete_sms_product(&m.id, code).await?
    {
        return Err(ApiError::detail(
            ErrorCode::NotFound,
            "no such product code",
        ));
    }
    tracing::info!(merchant = %m.id, code = %code, "SMS product removed");
    products(state, m).await
}

// --- inbound messages -------------------------------------------------------------------------

/// What the provider answers an inbound message with.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reply {
    Offer {
        merchant: String,
        description: String,
        amount: i64,
        reference: String,
        others_waiting: bool,
        valid_minutes: i64,
    },
    Paid {
        merchant: String,
        description: String,
        amount: i64,
        reference: String,
    },
    UnknownCode {
        merchant: String,
        code: Option<String>,
    },
    UnknownReference {
        reference: String,
    },
    Expired {
        reference: String,
        code: String,
    },
    AlreadyPaid {
        reference: String,
        merchant: String,
        amount: i64,
    },
    ChooseReference {
        waiting: Vec<(String, String, i64)>,
    },
    NothingWaiting,
    Off,
    Frozen,
    CoolingOff {
        until: i64,
    },
    OverCap {
        amount: i64,
    },
    DailyCap {
        remaining: i64,
    },
    BalanceInsufficient {
        amount: i64,
        reference: String,
    },
    TooManyOpen,
    NotPaid {
        reference: String,
        why: String,
    },
    InProgress {
        reference: String,
    },
    NoSuchNumber,
}

/// A time as payers here read it: China Standard Time.
fn cst(at: i64) -> String {
    let shifted = DateTime::<Utc>::from_timestamp(at + 8 * 3600, 0).unwrap_or_default();
    format!("{} (UTC+8)", shifted.format("%Y-%m-%d %H:%M"))
}

const NOTHING: &str = "Nothing was charged.";

impl Reply {
    /// `(outcome, text, reference)`.
    fn render(&self) -> (&'static str, String, Option<String>) {
        let yuan = |m: i64| Money::cny(m).display();
        let (outcome, body, reference) = match self {
            Reply::Offer {
                merchant,
                description,
                amount,
                reference,
                others_waiting,
                valid_minutes,
            } => {
                let reply = if *others_waiting {
                    format!("Y {reference}")
                } else {
                    "Y".to_owned()
                };
                (
                    "offer",
                    format!(
                        "{merchant}: {description}, {}. Reply {reply} to pay from your Wallet (ref {reference}, valid {valid_minutes} minutes). Not you? Ignore this message: nothing is charged without your reply.",
                        yuan(*amount)
                    ),
                    Some(reference.clone()),
                )
            }
            Reply::Paid {
                merchant,
                description,
                amount,
                reference,
            } => (
                "paid",
                format!(
                    "Paid {} to {merchant} for {description} (ref {reference}). Not you? Freeze your account in the Wallet app at once.",
                    yuan(*amount)
                ),
                Some(reference.clone()),
            ),
            Reply::UnknownCode { merchant, code } => (
                "unknown_code",
                match code {
                    Some(code) => format!(
                        "{merchant} has no product {code}. {NOTHING} Check the code and text it again."
                    ),
                    None => format!(
                        "{merchant} did not understand this message. {NOTHING} Text a product number to order, or Y to pay."
                    ),
                },
                None,
            ),
            Reply::UnknownReference { reference } => (
                "unknown_reference",
                format!("No payment with reference {reference} is waiting for this number. {NOTHING}"),
                Some(reference.clone()),
            ),
            Reply::Expired { reference, code } => (
                "expired",
                format!("Reference {reference} has expired. {NOTHING} Text {code} again to order."),
                Some(reference.clone()),
            ),
            Reply::AlreadyPaid {
                reference,
                merchant,
                amount,
            } => (
                "already_paid",
                format!(
                    "Reference {reference} is already paid ({} to {merchant}). Nothing more was charged.",
                    yuan(*amount)
                ),
                Some(reference.clone()),
            ),
            Reply::ChooseReference { waiting } => {
                let list = waiting
                    .iter()
                    .map(|(r, d, a)| format!("{r} {d} {}", yuan(*a)))
                    .collect::<Vec<_>>()
                    .join("; ");
                let first = waiting.first().map(|w| w.0.clone()).unwrap_or_default();
                (
                    "choose_reference",
                    format!(
                        "Several payments are waiting: {list}. Reply Y and the reference (e.g. Y {first}) to pay one. {NOTHING}"
                    ),
                    None,
                )
            }
            Reply::NothingWaiting => (
                "nothing_waiting",
                format!("No payment is waiting for your reply. {NOTHING} Text a product number to order."),
                None,
            ),
            Reply::Off => (
                "off",
                format!("SMS payment is off for this number. {NOTHING} To use it, switch it on in the Wallet app (Settings, with your payment PIN)."),
                None,
            ),
            Reply::Frozen => (
                "frozen",
                format!("This Wallet account is frozen (reported lost). {NOTHING} Unfreeze it in the Wallet app."),
                None,
            ),
            Reply::CoolingOff { until } => (
                "cooling_off",
                format!(
                    "SMS payment is paused until {} for your security (a recent sign-in on a new device, unfreeze, number change or PIN reset). {NOTHING} Pay in the Wallet app instead.",
                    cst(*until)
                ),
                None,
            ),
            Reply::OverCap { amount } => (
                "over_cap",
                format!(
                    "{} is over the SMS payment limit of {} per payment. {NOTHING} Pay in the Wallet app instead.",
                    yuan(*amount),
                    yuan(SMS_PAY_PER_PAYMENT_FEN)
                ),
                None,
            ),
            Reply::DailyCap { remaining } => (
                "daily_cap",
                format!(
                    "SMS payments are limited to {} a day and {} is left today. {NOTHING} Pay in the Wallet app instead.",
                    yuan(SMS_PAY_DAILY_FEN),
                    yuan(*remaining)
                ),
                None,
            ),
            Reply::BalanceInsufficient { amount, reference } => (
                "balance_insufficient",
                format!(
                    "Your Wallet balance is too low for {}. {NOTHING} Top up in the app, then reply Y {reference} while it is valid.",
                    yuan(*amount)
                ),
                Some(reference.clone()),
            ),
            Reply::TooManyOpen => (
                "too_many_open",
                format!(
                    "{SMS_PAY_MAX_OPEN} payments are already waiting for your reply. {NOTHING} Reply Y and a reference to pay one, or let them expire."
                ),
                None,
            ),
            Reply::NotPaid { reference, why } => (
                "not_paid",
                format!("Reference {reference} was not paid: {why}. {NOTHING}"),
                Some(reference.clone()),
            ),
            Reply::InProgress { reference } => (
                "in_progress",
                format!("Reference {reference} is being paid; a confirmation follows."),
                Some(reference.clone()),
            ),
            Reply::NoSuchNumber => (
                "no_such_number",
                format!("This number takes no orders. {NOTHING}"),
                None,
            ),
        };
        (outcome, format!("【Wallet】{body}"), reference)
    }
}

/// What an inbound message asks.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Command {
    /// `Y`, `YES`, optionally with a reference.
    Pay(Option<String>),
    /// Anything else: a product code (`None` when it cannot be one).
    Order(Option<String>),
}

fn parse(text: &str) -> Command {
    let upper = text.trim().to_uppercase();
    let mut words = upper.split_whitespace();
    match words.next() {
        Some("Y" | "YES") => Command::Pay(words.next().map(str::to_owned)),
        _ => {
            let code = text.trim();
            Command::Order(api::sms_product_code_well_formed(code).then(|| code.to_owned()))
        }
    }
}

fn new_reference() -> String {
    (0..REFERENCE_LEN)
        .map(|_| char::from(REFERENCE_ALPHABET[OsRng.gen_range(0..REFERENCE_ALPHABET.len())]))
        .collect()
}

/// `POST /v1/sandbox/sms/inbound` (and what a real gateway's hook would call): checks the
/// message's shape, answers it by SMS, and says what it answered.
pub async fn receive(state: &AppState, req: InboundSmsRequest) -> ApiResult<InboundSmsAnswer> {
    let from = PhoneNumber::parse(&req.from)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    if !api::sms_service_number_well_formed(&req.to) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            "to: a service number of 5 to 20 digits",
        ));
    }
    if req.text.chars().count() > INBOUND_MAX_CHARS {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("text: at most {INBOUND_MAX_CHARS} characters"),
        ));
    }
    let sms = InboundSms {
        from,
        to: req.to,
        text: req.text,
    };
    let reply = answer(state, &sms).await?;
    let (outcome, body, reference) = reply.render();
    // The phone masked, never the text (it may hold anything).
    tracing::info!(phone = %sms.from.masked(), to = %sms.to, outcome, "SMS payment message answered");
    let message = TextMessage {
        phone: sms.from.clone(),
        sender: sms.to.clone(),
        body: body.clone(),
        reference: reference.clone(),
        purpose: PURPOSE,
        sent_at: DateTime::from_timestamp(state.clock.unix(), 0).unwrap_or_default(),
    };
    state
        .sms
        .send_text(&message)
        .await
        .map_err(ApiError::internal)?;
    Ok(InboundSmsAnswer {
        reply: body,
        outcome: outcome.to_owned(),
        reference,
    })
}

async fn answer(state: &AppState, sms: &InboundSms) -> ApiResult<Reply> {
    let Some(merchant_id) = state.store.service_number_merchant(&sms.to).await? else {
        return Ok(Reply::NoSuchNumber);
    };
    let merchant =
        state.store.merchant(&merchant_id).await?.ok_or_else(|| {
            ApiError::internal(format!("service number of {merchant_id} lost it"))
        })?;
    // No account and SMS payment off answer alike: the number's holder learns nothing new.
    let Some((account_id, true)) = state.store.sms_pay_account(sms.from.as_e164()).await? else {
        return Ok(Reply::Off);
    };
    match parse(&sms.text) {
        Command::Order(code) => order(state, sms, &merchant, &account_id, code).await,
        Command::Pay(reference) => pay(state, sms, &merchant, &account_id, reference).await,
    }
}

/// The standing of the account for SMS payment now: frozen, or in a cooling-off.
async fn standing(state: &AppState, account_id: &str) -> ApiResult<Option<Reply>> {
    let g = state.store.account_guard(account_id).await?;
    let now = state.clock.unix();
    Ok(if g.frozen_at.is_some() {
        Some(Reply::Frozen)
    } else {
        g.cooling_off_until
            .filter(|u| *u > now)
            .map(|until| Reply::CoolingOff { until })
    })
}

/// A product code: a reference and its order, or why not.
async fn order(
    state: &AppState,
    sms: &InboundSms,
    merchant: &MerchantRow,
    account_id: &str,
    code: Option<String>,
) -> ApiResult<Reply> {
    let unknown = |code| Reply::UnknownCode {
        merchant: merchant.name.clone(),
        code,
    };
    let Some(code) = code else {
        return Ok(unknown(None));
    };
    let Some(product) = state.store.sms_product(&merchant.id, &code).await? else {
        return Ok(unknown(Some(code)));
    };
    if let Some(refusal) = standing(state, account_id).await? {
        return Ok(refusal);
    }
    if product.amount > SMS_PAY_PER_PAYMENT_FEN {
        return Ok(Reply::OverCap {
            amount: product.amount,
        });
    }
    let now = state.clock.unix();
    let used = state
        .store
        .sms_paid_total(account_id, day_start_cst(now))
        .await?;
    if used.saturating_add(product.amount) > SMS_PAY_DAILY_FEN {
        return Ok(Reply::DailyCap {
            remaining: (SMS_PAY_DAILY_FEN - used).max(0),
        });
    }
    let ttl = state.limits.sms_pay_reference_ttl_secs.max(1);
    let others_waiting = state
        .store
        .sms_payments_from(sms.from.as_e164(), &sms.to)
        .await?
        .iter()
        .any(|r| r.waiting(now));
    for _ in 0..5 {
        let reference = new_reference();
        let outcome = state
            .store
            .open_sms_payment(NewSmsPayment {
                reference: reference.clone(),
                phone: sms.from.as_e164().to_owned(),
                account_id: account_id.to_owned(),
                service_number: sms.to.clone(),
                product_code: product.code.clone(),
                description: product.description.clone(),
                order: NewOrder {
                    id: secrets::new_id("ord"),
                    merchant_id: merchant.id.clone(),
                    amount: product.amount,
                    currency: Currency::Cny.code().to_owned(),
                    description: Some(product.description.clone()),
                    channel: Channel::Sms,
                    payload: None,
                    payer_account_id: Some(account_id.to_owned()),
                    payer_device_id: None,
                    expires_at: now + ttl,
                },
                now,
                max_open: SMS_PAY_MAX_OPEN,
            })
            .await?;
        match outcome {
            OpenSmsOutcome::Opened(row) => {
                tracing::info!(account = %account_id, merchant = %merchant.id, order = %row.order_id, "SMS order opened");
                return Ok(Reply::Offer {
                    merchant: merchant.name.clone(),
                    description: row.description.clone(),
                    amount: row.amount,
                    reference: row.reference.clone(),
                    others_waiting,
                    valid_minutes: (ttl / 60).max(1),
                });
            }
            OpenSmsOutcome::TooMany => return Ok(Reply::TooManyOpen),
            OpenSmsOutcome::ReferenceTaken => {}
        }
    }
    Err(ApiError::internal("no free SMS reference in 5 tries"))
}

/// A "Y": which reference it pays, then the payment.
async fn pay(
    state: &AppState,
    sms: &InboundSms,
    merchant: &MerchantRow,
    account_id: &str,
    reference: Option<String>,
) -> ApiResult<Reply> {
    let now = state.clock.unix();
    let mine = |r: &SmsPaymentRow| {
        r.phone == sms.from.as_e164() && r.service_number == sms.to && r.account_id == account_id
    };
    let row = match reference {
        Some(reference) => {
            let Some(row) = state
                .store
                .sms_payment(&reference)
                .await?
                .filter(|r| mine(r))
            else {
                return Ok(Reply::UnknownReference { reference });
            };
            row
        }
        None => {
            let rows = state
                .store
                .sms_payments_from(sms.from.as_e164(), &sms.to)
                .await?;
            let rows: Vec<SmsPaymentRow> = rows.into_iter().filter(|r| mine(r)).collect();
            let waiting: Vec<&SmsPaymentRow> = rows.iter().filter(|r| r.waiting(now)).collect();
            match waiting.as_slice() {
                [] => {
                    // A second "Y", or one too late: say so about the newest reference.
                    return Ok(match rows.first() {
                        Some(newest) if newest.status == SmsPaymentState::Paid => {
                            Reply::AlreadyPaid {
                                reference: newest.reference.clone(),
                                merchant: merchant.name.clone(),
                                amount: newest.amount,
                            }
                        }
                        Some(newest)
                            if now
                                < newest.expires_at + state.limits.sms_pay_reference_ttl_secs =>
                        {
                            Reply::Expired {
                                reference: newest.reference.clone(),
                                code: newest.product_code.clone(),
                            }
                        }
                        _ => Reply::NothingWaiting,
                    });
                }
                [one] => (*one).clone(),
                several => {
                    return Ok(Reply::ChooseReference {
                        waiting: several
                            .iter()
                            .rev()
                            .map(|r| (r.reference.clone(), r.description.clone(), r.amount))
                            .collect(),
                    })
                }
            }
        }
    };
    let reference = row.reference.clone();
    if row.status == SmsPaymentState::Paid {
        return Ok(Reply::AlreadyPaid {
            reference,
            merchant: merchant.name.clone(),
            amount: row.amount,
        });
    }
    if row.status == SmsPaymentState::Open && now >= row.expires_at {
        return Ok(Reply::Expired {
            reference,
            code: row.product_code,
        });
    }
    let reserved = state
        .store
        .reserve_sms_payment(
            &reference,
            day_start_cst(now),
            SMS_PAY_DAILY_FEN,
            now,
            now - STALE_RESERVATION_SECS,
        )
        .await?;
    match reserved {
        ReserveOutcome::Reserved(_) => {}
        ReserveOutcome::InProgress => return Ok(Reply::InProgress { reference }),
        ReserveOutcome::AlreadyPaid => {
            return Ok(Reply::AlreadyPaid {
                reference,
                merchant: merchant.name.clone(),
                amount: row.amount,
            })
        }
        ReserveOutcome::Expired => {
            return Ok(Reply::Expired {
                reference,
                code: row.product_code,
            })
        }
        ReserveOutcome::OverDailyCap { remaining } => return Ok(Reply::DailyCap { remaining }),
        ReserveOutcome::Frozen => return Ok(Reply::Frozen),
        ReserveOutcome::CoolingOff { until } => return Ok(Reply::CoolingOff { until }),
        ReserveOutcome::NotFound => return Ok(Reply::UnknownReference { reference }),
    }
    let key = format!("sms-{reference}");
    let paid = crate::domain::pay::pay_sms_order(state, account_id, &row.order_id, &key).await;
    let operation_id = paid.as_ref().ok().map(|op| op.operation_id.clone());
    state
        .store
        .finish_sms_payment(&reference, operation_id, state.clock.unix())
        .await?;
    match paid {
        Ok(_) => Ok(Reply::Paid {
            merchant: merchant.name.clone(),
            description: row.description,
            amount: row.amount,
            reference,
        }),
        Err(e) => refused(state, account_id, &row, e).await,
    }
}

/// The SMS for a payment the payment path refused (nothing moved).
async fn refused(
    state: &AppState,
    account_id: &str,
    row: &SmsPaymentRow,
    e: ApiError,
) -> ApiResult<Reply> {
    let reference = row.reference.clone();
    let not_paid = |why: &str| Reply::NotPaid {
        reference: reference.clone(),
        why: why.to_owned(),
    };
    Ok(match e.code() {
        ErrorCode::AccountFrozen => Reply::Frozen,
        ErrorCode::CoolingOff => match standing(state, account_id).await? {
            Some(reply) => reply,
            None => not_paid("a security cooling-off is running"),
        },
        ErrorCode::BalanceInsufficient => Reply::BalanceInsufficient {
            amount: row.amount,
            reference: row.reference.clone(),
        },
        ErrorCode::DailyLimitReached => not_paid("your daily payment limit is reached"),
        ErrorCode::AmountOverLimit => not_paid("it is over the limit for one payment"),
        ErrorCode::OrderExpired => Reply::Expired {
            reference: row.reference.clone(),
            code: row.product_code.clone(),
        },
        ErrorCode::OrderClosed => not_paid("the order was cancelled"),
        ErrorCode::Internal => return Err(e),
        other => {
            tracing::warn!(account = %account_id, code = %other, "SMS payment refused");
            not_paid("the payment was refused")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_parse_as_payments_or_product_codes() {
        assert_eq!(parse("Y"), Command::Pay(None));
        assert_eq!(parse(" y "), Command::Pay(None));
        assert_eq!(parse("yes"), Command::Pay(None));
        assert_eq!(parse("Y k7q2mx"), Command::Pay(Some("K7Q2MX".to_owned())));
        assert_eq!(parse("101"), Command::Order(Some("101".to_owned())));
        assert_eq!(parse(" 101 "), Command::Order(Some("101".to_owned())));
        assert_eq!(parse("hello"), Command::Order(None));
        assert_eq!(parse(""), Command::Order(None));
        assert_eq!(parse("123456789"), Command::Order(None));
    }

    #[test]
    fn references_are_six_unambiguous_characters() {
        for _ in 0..100 {
            let r = new_reference();
            assert_eq!(r.len(), 6);
            assert!(r.bytes().all(|b| REFERENCE_ALPHABET.contains(&b)), "{r}");
        }
    }

    #[test]
    fn every_refusal_says_nothing_was_charged() {
        let refusals = [
            Reply::UnknownCode {
                merchant: "Shop".into(),
                code: Some("9".into()),
            },
            Reply::UnknownReference {
                reference: "AAAAAA".into(),
            },
            Reply::Expired {
                reference: "AAAAAA".into(),
                code: "1".into(),
            },
            Reply::NothingWaiting,
            Reply::Off,
            Reply::Frozen,
            Reply::CoolingOff { until: 0 },
            Reply::OverCap { amount: 9_000 },
            Reply::DailyCap { remaining: 0 },
            Reply::TooManyOpen,
            Reply::NoSuchNumber,
        ];
        for r in refusals {
            let (_, body, _) = r.render();
            assert!(body.starts_with("【Wallet】"), "{body}");
            assert!(body.contains("Nothing was charged"), "{body}");
        }
        let (_, body, _) = Reply::CoolingOff {
            until: 1_765_000_000,
        }
        .render();
        assert!(body.contains("2025-12-06 13:46 (UTC+8)"), "{body}");
    }
}
