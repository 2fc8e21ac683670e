//! Paying merchants (docs/rules.md §Paying): merchants and their API keys, orders (dynamic codes, remote
//! orders, payment codes waiting for the PIN), scan-to-pay, show-to-pay (payment codes),
//! refunds and the payer's no-PIN limits.
//!
//! Money moves in [`crate::store::Store::pay`], [`crate::store::Store::charge_code`] and
//! [`crate::store::Store::refund`], each one database transaction (operation + ledger + order).
//! This module validates, checks the PIN and the limits, and turns rows into wire types.
//!
//! Rules worth knowing:
//! - The payer sees the merchant name *on record*; `name_mismatch` flags a QR whose printed
//!   name differs.
//! - Static codes take the payer's amount (`AMOUNT_REQUIRED`); dynamic codes lock it
//!   (`AMOUNT_LOCKED`). A static payment is recorded as an order created `paid`, so the
//!   merchant can refund it like any other.
//! - A retry with the same Idempotency-Key and request returns the first answer without the
//!   PIN; the same key with another request is `IDEMPOTENCY_KEY_REUSED`.
//! - Merchant-facing errors never reveal the payer's balance or limits.

use rand::rngs::OsRng;
use rand::RngCore as _;
use sha2::{Digest, Sha256};
use wallet_protocol::api::{
    self, MerchantCreated, MerchantQr, Operation, Order, OrderList, PaycodeSeedResponse,
    PaycodeSettings, PaycodeSettingsUpdate, PaymentChannel, QrResolved,
};
use wallet_protocol::paycode::{self, Paycode, PaycodeSeed, WINDOW_STEPS};
use wallet_protocol::phone::mask_e164;
use wallet_protocol::qr::{self, DecodedQr};
use wallet_protocol::source::FundingSource;
use wallet_protocol::{text, Currency, ErrorCode, Money, PhoneNumber};
use zeroize::Zeroize as _;

use crate::config::{
    day_start_cst, window_retry_after, ORDER_DEFAULT_TTL_SECS, ORDER_MAX_TTL_SECS,
};
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::money::existing_operation;
use crate::domain::pin::verify_pin;
use crate::domain::rules::{self, AdmissionLimits, NoPinLimits};
use crate::domain::state::AppState;
use crate::domain::wire::{
    merchant_ref, to_wire, wallet_merchant, wire_channel, wire_status, wire_time,
};
use crate::secrets;
use crate::store::{
    Channel, ChargeOutcome, DeclineOutcome, MerchantRow, NewCharge, NewOrder, NewPayment,
    NewRefund, OpKind, OrderRow, OrderState, PayOutcome, PaySource, PayTarget, PaycodeSettingsRow,
    RefundOutcome, Refusal, SecurityChange,
};

/// Most characters of an order description.
pub const DESCRIPTION_MAX_CHARS: usize = 64;

// --- wire conversions -----------------------------------------------------------------------

/// The order as the wire shows it (the payer's phone masked).
pub async fn order_wire(state: &AppState, o: &OrderRow, m: &MerchantRow) -> ApiResult<Order> {
    let currency = Currency::from_code(&o.currency)
        .ok_or_else(|| ApiError::internal(format!("order {}: currency", o.id)))?;
    let payer_phone_masked = match (&o.payer_account_id, o.channel) {
        (Some(a), Channel::RemoteOrder | Channel::Paycode | Channel::Sms) => state
            .store
            .account(a)
            .await?
            .map(|acc| mask_e164(&acc.phone)),
        // A checkout never shows its payer, like a dynamic code: the account a page pushed the
        // order to would tell the merchant whether a typed number has an account.
        _ => None,
    };
    Ok(Order {
        order_id: o.id.clone(),
        merchant: merchant_ref(m),
        amount: Money::new(o.amount, currency),
        description: o.description.clone(),
        status: wire_status(o.status),
        channel: wire_channel(o.channel),
        payload: o.payload.clone(),
        payer_phone_masked,
        payment_operation_id: o.payment_operation_id.clone(),
        refunded: Money::new(o.refunded, currency),
        created_at: wire_time(o.created_at),
        expires_at: wire_time(o.expires_at),
        paid_at: o.paid_at.map(wire_time),
    })
}

async fn order_wire_by_merchant(state: &AppState, o: &OrderRow) -> ApiResult<Order> {
    let m = state
        .store
        .merchant(&o.merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("order {} lost its merchant", o.id)))?;
    order_wire(state, o, &m).await
}

fn sha256_hex(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

fn money_key(m: Option<Money>) -> String {
    m.map_or_else(
        || "-".to_owned(),
        |m| format!("{}{}", m.minor, m.currency.code()),
    )
}

/// A positive CNY amount within the money range.
pub(crate) fn cny_amount(amount: Money) -> ApiResult<i64> {
    if amount.currency != Currency::Cny {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "merchant payments are in CNY",
        ));
    }
    if amount.minor <= 0 || amount.minor > wallet_protocol::money::MAX_MINOR {
        return Err(ApiError::detail(
            ErrorCode::AmountInvalid,
            "the amount must be more than zero",
        ));
    }
    Ok(amount.minor)
}

pub(crate) fn within_payment_limit(state: &AppState, minor: i64) -> ApiResult<()> {
    let limit = state.limits.payment_limit_fen;
    if minor > limit {
        return Err(ApiError::detail(
            ErrorCode::AmountOverLimit,
            format!("at most {} per payment", Money::cny(limit).display()),
        ));
    }
    Ok(())
}

/// The limits a payment is admitted under: the day's payment limit and the cooling-off cap.
fn payment_limits(state: &AppState) -> AdmissionLimits {
    AdmissionLimits {
        daily: state.limits.payment_daily_limit_fen,
        cooling_off: state.limits.cooling_off_limit_fen,
    }
}

/// The early standing check of a payment (before the PIN is asked for).
async fn outflow_allowed(state: &AppState, account_id: &str, amount: i64) -> ApiResult<()> {
    crate::domain::standing::ensure_outflow_allowed(state, account_id, OpKind::Payment, amount)
        .await
}

pub(crate) fn description(d: Option<String>) -> ApiResult<Option<String>> {
    let Some(d) = d else { return Ok(None) };
    let d = d.trim().to_owned();
    if d.is_empty() {
        return Ok(None);
    }
    if d.chars().count() > DESCRIPTION_MAX_CHARS || d.chars().any(char::is_control) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!(
                "description: at most {DESCRIPTION_MAX_CHARS} characters, no control characters"
            ),
        ));
    }
    text::check_visible("description", &d)?;
    Ok(Some(d))
}

// --- merchants ------------------------------------------------------------------------------

/// `POST /v1/merchants` (sandbox): a merchant with a fresh API key, shown once.
pub async fn create_merchant(
    state: &AppState,
    req: api::MerchantCreateRequest,
) -> ApiResult<MerchantCreated> {
    if !state.sandbox {
        return Err(ApiError::detail(
            ErrorCode::SandboxOnly,
            "production merchants are onboarded by support",
        ));
    }
    let invalid = |what: &str| ApiError::detail(ErrorCode::MerchantInvalid, what.to_owned());
    let name = req.name.trim().to_owned();
    let city = req.city.trim().to_owned();
    let mcc = req.mcc.trim().to_owned();
    let fits = |s: &str, max: usize| {
        let n = s.chars().count();
        n >= 1 && n <= max && !s.chars().any(char::is_control)
    };
    if !fits(&name, 25) {
        return Err(invalid("name: 1 to 25 characters"));
    }
    if !fits(&city, 15) {
        return Err(invalid("city: 1 to 15 characters"));
    }
    text::check_visible("name", &name)?;
    text::check_visible("city", &city)?;
    if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid("mcc: 4 digits (ISO 18245)"));
    }
    let notify_url = req
        .notify_url
        .as_deref()
        .map(|u| crate::domain::notices::check_notify_url(u, state.sandbox))
        .transpose()?;
    let row = MerchantRow {
        id: secrets::new_id("mch"),
        name,
        city,
        mcc,
        created_at: state.clock.unix(),
    };
    // The payload is made before anything is stored: a name the codec refuses is invalid.
    let payload = qr::wallet_static_payload(&wallet_merchant(&row))
        .map_err(|e| ApiError::detail(ErrorCode::MerchantInvalid, e.to_string()))?;
    let api_key = new_api_key();
    state
        .store
        .insert_merchant(row.clone(), api_key_hash(&api_key))
        .await?;
    let notice_secret = crate::domain::notices::init_merchant(state, &row.id, notify_url).await?;
    tracing::info!(merchant = %row.id, "merchant created");
    Ok(MerchantCreated {
        merchant: merchant_ref(&row),
        api_key,
        payload,
        notice_secret,
    })
}

/// `mk_` + 32 random bytes, base64url: high entropy, so a plain SHA-256 is a safe stored form.
fn new_api_key() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let key = format!(
        "mk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    );
    bytes.zeroize();
    key
}

pub fn api_key_hash(key: &str) -> String {
    sha256_hex(&["WALLET-MERCHANT-KEY-V1", key])
}

/// The merchant named in the path, proven by its API key (the HTTP layer reads it from
/// `Authorization: Bearer <api key>`; `None` when absent or of another shape): the key's hash
/// finds its merchant (one unique-index probe) and must be the one in the path.
pub async fn authenticate(
    state: &AppState,
    api_key: Option<&str>,
    merchant_id: &str,
) -> ApiResult<MerchantRow> {
    let invalid = || ApiError::new(ErrorCode::MerchantKeyInvalid);
    let key = api_key
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .ok_or_else(invalid)?;
    let merchant = state
        .store
        .merchant_by_key_hash(&api_key_hash(key))
        .await?
        .ok_or_else(invalid)?;
    if merchant.id != merchant_id {
        return Err(invalid());
    }
    Ok(merchant)
}

pub fn merchant_qr(m: &MerchantRow) -> ApiResult<MerchantQr> {
    Ok(MerchantQr {
        merchant: merchant_ref(m),
        payload: qr::wallet_static_payload(&wallet_merchant(m)).map_err(ApiError::internal)?,
    })
}

/// `POST /v1/merchants/{id}/orders`: a dynamic code, or a remote order to a phone's account.
pub async fn create_order(
    state: &AppState,
    m: &MerchantRow,
    req: api::OrderCreateRequest,
) -> ApiResult<Order> {
    let amount = cny_amount(req.amount)?;
    let description = description(req.description)?;
    let ttl = req.expires_in_secs.unwrap_or(ORDER_DEFAULT_TTL_SECS);
    if !(1..=ORDER_MAX_TTL_SECS).contains(&ttl) {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("expires_in_secs: 1 to {ORDER_MAX_TTL_SECS}"),
        ));
    }
    let now = state.clock.unix();
    let id = secrets::new_id("ord");
    let (channel, payload, payer) = match req.phone {
        Some(phone) => {
            let phone = PhoneNumber::parse(&phone)
                .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
            // `PAYER_NOT_FOUND` answers a look-up: within the merchant's budget of payers.
            crate::domain::standing::count_lookup(
                state,
                &format!("merchant:{}", m.id),
                &phone,
                state.limits.payer_lookups_per_hour,
            )
            .await?;
            let payer = state
                .store
                .account_by_phone(phone.as_e164())
                .await?
                .ok_or(ApiError::new(ErrorCode::PayerNotFound))?;
            (Channel::RemoteOrder, None, Some(payer.id))
        }
        None => {
            // Tag 54 holds at most 13 characters: ¥10,000,000,000.00 (the largest amount) does
            // not fit, and no payment could be that large anyway.
            let payload = qr::wallet_dynamic_payload(&wallet_merchant(m), &id, Money::cny(amount))
                .map_err(|e| ApiError::detail(ErrorCode::AmountOverLimit, e.to_string()))?;
            (Channel::DynamicQr, Some(payload), None)
        }
    };
    let row = state
        .store
        .insert_order(
            NewOrder {
                id,
                merchant_id: m.id.clone(),
                amount,
                currency: Currency::Cny.code().to_owned(),
                description,
                channel,
                payload,
                payer_account_id: payer,
                payer_device_id: None,
                expires_at: now + i64::from(ttl),
            },
            now,
        )
        .await?;
    tracing::info!(merchant = %m.id, order = %row.id, channel = channel.as_str(), "order created");
    if let Some(payer) = &row.payer_account_id {
        crate::domain::standing::order_waiting(state, payer, &row.id).await;
    }
    order_wire(state, &row, m).await
}

/// One of the merchant's orders.
pub async fn merchant_order(state: &AppState, m: &MerchantRow, order_id: &str) -> ApiResult<Order> {
    let row = state
        .store
        .order(order_id, state.clock.unix())
        .await?
        .filter(|o| o.merchant_id == m.id)
        .ok_or(ApiError::new(ErrorCode::OrderNotFound))?;
    order_wire(state, &row, m).await
}

/// The merchant's latest orders, newest first.
pub async fn merchant_orders(state: &AppState, m: &MerchantRow) -> ApiResult<Vec<Order>> {
    let rows = state
        .store
        .merchant_orders(&m.id, state.clock.unix(), 50)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        out.push(order_wire(state, row, m).await?);
    }
    Ok(out)
}

/// `POST /v1/merchants/{id}/orders/{order_id}/refund`: back to the payer's wallet.
pub async fn refund(
    state: &AppState,
    m: &MerchantRow,
    order_id: &str,
    key: &str,
    req: api::RefundRequest,
) -> ApiResult<Order> {
    let amount = req.amount.map(cny_amount).transpose()?;
    let hash = sha256_hex(&["refund", order_id, &money_key(req.amount)]);
    let operation_id = secrets::new_id("op");
    let outcome = state
        .store
        .refund(NewRefund {
            merchant_id: m.id.clone(),
            order_id: order_id.to_owned(),
            idempotency_key: key.to_owned(),
            request_hash: hash,
            operation_id: operation_id.clone(),
            amount,
            now: state.clock.unix(),
        })
        .await?;
    let row = match outcome {
        RefundOutcome::Refunded(row) => {
            tracing::info!(merchant = %m.id, order = %row.id, "refund");
            refund_to_source(state, &row, &operation_id)
                .await?
                .map_or(row, Box::new)
        }
        RefundOutcome::Existing(row) => row,
        RefundOutcome::KeyReused => return Err(ErrorCode::IdempotencyKeyReused.into()),
        RefundOutcome::OrderNotFound => return Err(ErrorCode::OrderNotFound.into()),
        RefundOutcome::NotAllowed { left } => {
            return Err(ApiError::detail(
                ErrorCode::RefundNotAllowed,
                format!("{} left to refund", Money::cny(left).display()),
            ))
        }
    };
    order_wire(state, &row, m).await
}

/// A refund of a card or phone-bill payment goes back through its gateway (the bank credits
/// the card, the carrier the bill); answers the order as it then stands, `None` for a refund
/// to the balance (already settled).
async fn refund_to_source(
    state: &AppState,
    order: &OrderRow,
    operation_id: &str,
) -> ApiResult<Option<OrderRow>> {
    let Some(payer) = order.payer_account_id.as_deref() else {
        return Ok(None);
    };
    let Some(op) = state.store.operation(payer, operation_id).await? else {
        return Ok(None);
    };
    if !op.via_gateway() || op.status.is_final() {
        return Ok(None);
    }
    let done = crate::domain::money::settle_source_operation(state, &op).await?;
    if done.status == crate::store::OpStatus::Failed {
        tracing::warn!(order = %order.id, operation = %done.id, code = done.failure_code.as_deref().unwrap_or(""), "refund to the source refused");
    }
    Ok(state.store.order(&order.id, state.clock.unix()).await?)
}

/// `POST /v1/merchants/{id}/charges`: a scanned payment code. Paid at once under the payer's
/// no-PIN limits; otherwise an open order the payer confirms with the PIN. The code is used up
/// either way.
pub async fn charge(
    state: &AppState,
    m: &MerchantRow,
    key: &str,
    req: api::ChargeCodeRequest,
) -> ApiResult<Order> {
    let amount = cny_amount(req.amount)?;
    within_payment_limit(state, amount)?;
    let description = description(req.description)?;
    let code_text: String = req.code.chars().filter(|c| *c != ' ').collect();
    let hash = sha256_hex(&[
        "charge",
        &code_text,
        &money_key(Some(req.amount)),
        description.as_deref().unwrap_or(""),
    ]);
    // A retry is answered before the code is looked at: it may have left the window.
    if let Some((kind, h, order_id)) = state.store.merchant_request(&m.id, key).await? {
        if kind != "charge" || h != hash {
            return Err(ErrorCode::IdempotencyKeyReused.into());
        }
        return merchant_order(state, m, &order_id).await;
    }
    invalid_codes_allowed(state, &m.id).await?;
    let Some(code) = Paycode::parse(&code_text) else {
        return Err(invalid_code(state, &m.id, "malformed").await);
    };
    let now = state.clock.now();
    let now_step = paycode::step_at(now);
    let Some(hit) = find_paycode(state, code, now_step).await? else {
        return Err(invalid_code(state, &m.id, "unknown").await);
    };
    // Codes of a frozen account's devices (made offline before the freeze, too) stay indexed
    // while it is frozen, so the merchant hears why: the charge's transaction answers `Frozen`
    // before it looks at the device.
    let settings = effective_settings(state, &hit.account_id).await?;
    let no_pin = settings.no_pin_enabled.then_some(NoPinLimits {
        per_payment: settings.no_pin_per_payment,
        daily: settings.no_pin_daily,
    });
    let limits = payment_limits(state);
    let now = now.timestamp();
    let order_id = secrets::new_id("ord");
    // Payment codes use the default order: paid at once only from the balance first.
    let (balance_first, other_source) =
        crate::domain::sources::charge_plan(state, &hit.account_id).await?;
    let outcome = state
        .store
        .charge_code(
            NewCharge {
                merchant_id: m.id.clone(),
                idempotency_key: key.to_owned(),
                request_hash: hash,
                code: code.value(),
                step: hit.step,
                device_id: hit.device_id.to_string(),
                account_id: hit.account_id.to_string(),
                order: NewOrder {
                    id: order_id,
                    merchant_id: m.id.clone(),
                    amount,
                    currency: Currency::Cny.code().to_owned(),
                    description,
                    channel: Channel::Paycode,
                    payload: None,
                    payer_account_id: Some(hit.account_id.to_string()),
                    payer_device_id: Some(hit.device_id.to_string()),
                    expires_at: now + state.limits.paycode_confirm_secs.max(1),
                },
                operation_id: secrets::new_id("op"),
                now,
                day_start: day_start_cst(now),
            },
            move |amount, facts, no_pin_today| {
                rules::charge_from(
                    rules::charge(amount, facts, no_pin_today, limits, no_pin, now),
                    balance_first,
                    other_source,
                )
            },
        )
        .await?;
    let row = match outcome {
        ChargeOutcome::Created(row) => {
            tracing::info!(merchant = %m.id, order = %row.id, status = row.status.as_str(), "payment code charged");
            if row.status == OrderState::Open {
                crate::domain::standing::order_waiting(state, &hit.account_id, &row.id).await;
            }
            row
        }
        ChargeOutcome::Existing(row) => row,
        ChargeOutcome::KeyReused => return Err(ErrorCode::IdempotencyKeyReused.into()),
        ChargeOutcome::Used => return Err(ErrorCode::PaycodeUsed.into()),
        ChargeOutcome::DeviceInactive => {
            state.paycodes.remove(&hit.device_id);
            return Err(invalid_code(state, &m.id, "device inactive").await);
        }
        // A code of the old seed: the new one was issued through another instance.
        ChargeOutcome::SeedChanged => {
            catch_up_paycodes(state, None).await?;
            return Err(invalid_code(state, &m.id, "old seed").await);
        }
        // The merchant learns no more than the code: not the payer's balance, limits or the
        // end of a cooling-off.
        ChargeOutcome::Refused(Refusal::Frozen) => return Err(crate::domain::standing::frozen()),
        ChargeOutcome::Refused(Refusal::CoolingOff { .. }) => {
            tracing::info!(merchant = %m.id, account = %hit.account_id, "payment code refused: cooling-off");
            return Err(ErrorCode::CoolingOff.into());
        }
        ChargeOutcome::Refused(Refusal::DailyLimit { .. }) => {
            return Err(ErrorCode::DailyLimitReached.into())
        }
        ChargeOutcome::Refused(Refusal::BalanceInsufficient { .. }) => {
            return Err(ErrorCode::BalanceInsufficient.into())
        }
    };
    order_wire(state, &row, m).await
}

/// `RATE_LIMITED` while the merchant has presented `--paycode-invalid-max` invalid codes in the
/// last `--paycode-invalid-window-secs`: codes cannot be guessed at a merchant's till. (Checked
/// before the code, counted after it: parallel charges may pass the limit by a few.)
async fn invalid_codes_allowed(state: &AppState, merchant_id: &str) -> ApiResult<()> {
    let l = &state.limits;
    let now = state.clock.unix();
    let window = l.paycode_invalid_window_secs;
    let failures = state
        .store
        .paycode_failures(merchant_id, now - window)
        .await?;
    match window_retry_after(&failures, now, l.paycode_invalid_max, window) {
        None => Ok(()),
        Some(secs) => {
            tracing::warn!(merchant = %merchant_id, failures = failures.len(), "payment-code charge refused: too many invalid codes");
            Err(ApiError::rate_limited(secs))
        }
    }
}

/// `PAYCODE_INVALID`, counted against the merchant and logged (why, never the code).
async fn invalid_code(state: &AppState, merchant_id: &str, why: &'static str) -> ApiError {
    if let Err(e) = state
        .store
        .record_paycode_failure(merchant_id, state.clock.unix())
        .await
    {
        tracing::error!(merchant = %merchant_id, error = %e, "recording an invalid payment code failed");
    }
    tracing::warn!(merchant = %merchant_id, why, "invalid payment code");
    ApiError::new(ErrorCode::PaycodeInvalid)
}

// --- payers ---------------------------------------------------------------------------------

/// A scanned payload resolved against the records.
pub struct Resolved {
    pub decoded: DecodedQr,
    pub merchant: MerchantRow,
    /// The open order of a dynamic code.
    pub order: Option<OrderRow>,
}

/// Reads a scanned payload: ours and payable, a merchant on record, and for a dynamic code an
/// order still open.
pub async fn resolve_payload(state: &AppState, payload: &str) -> ApiResult<Resolved> {
    let decoded = qr::decode(payload).map_err(|e| ApiError::detail(e.code(), e.to_string()))?;
    let Some(ours) = decoded.wallet.clone().filter(|_| decoded.payable) else {
        let what = decoded
            .network_name
            .clone()
            .unwrap_or_else(|| "This code".to_owned());
        return Err(ApiError::detail(
            ErrorCode::QrNotPayable,
            format!("{what} is not a Wallet merchant code"),
        ));
    };
    let merchant = state
        .store
        .merchant(&ours.merchant_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::MerchantNotFound))?;
    let order = match &ours.order_id {
        None => None,
        Some(order_id) => {
            let order = state
                .store
                .order(order_id, state.clock.unix())
                .await?
                .filter(|o| {
                    o.merchant_id == merchant.id
                        && matches!(o.channel, Channel::DynamicQr | Channel::Checkout)
                })
                .ok_or(ApiError::new(ErrorCode::OrderNotFound))?;
            order_open(&order)?;
            if let Some(printed) = &decoded.amount {
                let same = Money::parse(printed, Currency::Cny)
                    .map(|p| p.minor == order.amount)
                    .unwrap_or(false);
                if !same {
                    return Err(ApiError::detail(
                        ErrorCode::QrInvalidField,
                        "the amount printed in the code differs from the order",
                    ));
                }
            }
            Some(order)
        }
    };
    Ok(Resolved {
        decoded,
        merchant,
        order,
    })
}

fn order_open(o: &OrderRow) -> ApiResult<()> {
    match o.status {
        OrderState::Open => Ok(()),
        OrderState::Paid | OrderState::Refunded => Err(ErrorCode::OrderAlreadyPaid.into()),
        OrderState::Expired => Err(ErrorCode::OrderExpired.into()),
        OrderState::Declined => Err(ErrorCode::OrderClosed.into()),
    }
}

/// `POST /v1/qr/resolve`.
pub async fn resolve(state: &AppState, payload: &str) -> ApiResult<QrResolved> {
    let r = resolve_payload(state, payload).await?;
    let printed_name = r.decoded.merchant_name.clone().unwrap_or_default();
    Ok(QrResolved {
        name_mismatch: printed_name.trim() != r.merchant.name,
        printed_name,
        channel: if r.order.is_some() {
            PaymentChannel::DynamicQr
        } else {
            PaymentChannel::StaticQr
        },
        amount: r.order.as_ref().map(|o| Money::cny(o.amount)),
        order_id: r.order.as_ref().map(|o| o.id.clone()),
        expires_at: r.order.as_ref().map(|o| wire_time(o.expires_at)),
        merchant: merchant_ref(&r.merchant),
    })
}

fn pay_error(state: &AppState, account_id: &str, outcome: PayOutcome) -> ApiError {
    match outcome {
        PayOutcome::KeyReused => ErrorCode::IdempotencyKeyReused.into(),
        PayOutcome::OrderNotFound => ErrorCode::OrderNotFound.into(),
        PayOutcome::AlreadyPaid => ErrorCode::OrderAlreadyPaid.into(),
        PayOutcome::Expired => ErrorCode::OrderExpired.into(),
        PayOutcome::Closed => ErrorCode::OrderClosed.into(),
        PayOutcome::PaymentPending => ErrorCode::PaymentPending.into(),
        PayOutcome::Refused(refusal) => {
            crate::domain::standing::refused(state, account_id, refusal)
        }
        PayOutcome::Paid { .. } | PayOutcome::Started { .. } | PayOutcome::Existing(_) => {
            ApiError::internal("a payment outcome taken for an error")
        }
    }
}

/// `POST /v1/qr/payments`: pays a scanned merchant code with the PIN.
pub async fn pay_qr(
    state: &AppState,
    account_id: &str,
    key: &str,
    req: &api::QrPayRequest,
) -> ApiResult<Operation> {
    let hash = with_source(
        sha256_hex(&["qr-payment", req.payload.trim(), &money_key(req.amount)]),
        req.source.as_ref(),
    );
    if let Some(op) = existing_operation(state, account_id, key, &hash).await? {
        return Ok(op);
    }
    crate::domain::standing::ensure_active(state, account_id).await?;
    let r = resolve_payload(state, &req.payload).await?;
    let now = state.clock.unix();
    let target = match &r.order {
        Some(order) => {
            if req.amount.is_some_and(|a| a != Money::cny(order.amount)) {
                return Err(ApiError::detail(
                    ErrorCode::AmountLocked,
                    format!("this code is for {}", Money::cny(order.amount).display()),
                ));
            }
            within_payment_limit(state, order.amount)?;
            outflow_allowed(state, account_id, order.amount).await?;
            PayTarget::Existing {
                order_id: order.id.clone(),
                merchant_id: Some(r.merchant.id.clone()),
                payer_only: false,
                channels: &[Channel::DynamicQr, Channel::Checkout],
            }
        }
        None => {
            let amount = cny_amount(req.amount.ok_or(ApiError::new(ErrorCode::AmountRequired))?)?;
            within_payment_limit(state, amount)?;
            outflow_allowed(state, account_id, amount).await?;
            PayTarget::New(NewOrder {
                id: secrets::new_id("ord"),
                merchant_id: r.merchant.id.clone(),
                amount,
                currency: Currency::Cny.code().to_owned(),
                description: None,
                channel: Channel::StaticQr,
                payload: None,
                payer_account_id: Some(account_id.to_owned()),
                payer_device_id: None,
                expires_at: now,
            })
        }
    };
    // The source is known (and its card checked) before the PIN is spent on it.
    let amount = match &target {
        PayTarget::New(o) => o.amount,
        PayTarget::Existing { .. } => r.order.as_ref().map_or(0, |o| o.amount),
    };
    let source =
        crate::domain::sources::choose(state, account_id, req.source.as_ref(), amount).await?;
    verify_pin(state, account_id, &req.pin).await?;
    pay_from(state, account_id, key, hash, target, &r.merchant, source).await
}

/// A request's idempotency hash, with the chosen source when one was chosen (so a request
/// without one hashes as before sources existed).
fn with_source(hash: String, source: Option<&FundingSource>) -> String {
    match source {
        None => hash,
        Some(s) => sha256_hex(&[&hash, &s.to_string()]),
    }
}

/// Pays `target` from the account's default order (the payer has confirmed, with the PIN): the
/// entry point for channels that do not offer a choice of source.
#[allow(
    dead_code,
    reason = "kept for the channels that pay from the default order (web checkout, SMS)"
)]
pub(crate) async fn pay(
    state: &AppState,
    account_id: &str,
    key: &str,
    hash: String,
    target: PayTarget,
    merchant: &MerchantRow,
) -> ApiResult<Operation> {
    let amount = match &target {
        PayTarget::New(o) => o.amount,
        PayTarget::Existing { order_id, .. } => state
            .store
            .order(order_id, state.clock.unix())
            .await?
            .map_or(0, |o| o.amount),
    };
    let source = crate::domain::sources::choose(state, account_id, None, amount).await?;
    pay_from(state, account_id, key, hash, target, merchant, source).await
}

/// Pays `target` from `source`: the balance in one transaction; a card or the phone bill
/// begin → gateway → finish (docs/rules.md §Funding sources). Every source is admitted alike
/// ([`rules::admit_payment`]).
pub(crate) async fn pay_from(
    state: &AppState,
    account_id: &str,
    key: &str,
    hash: String,
    target: PayTarget,
    merchant: &MerchantRow,
    source: FundingSource,
) -> ApiResult<Operation> {
    let now = state.clock.unix();
    let limits = payment_limits(state);
    let store_source = if source.via_gateway() {
        PaySource::Gateway(source.to_string())
    } else {
        PaySource::Balance
    };
    let admitted = source.clone();
    let outcome = state
        .store
        .pay_from(
            NewPayment {
                operation_id: secrets::new_id("op"),
                account_id: account_id.to_owned(),
                idempotency_key: key.to_owned(),
                request_hash: hash,
                target,
                now,
                day_start: day_start_cst(now),
            },
            store_source,
            move |amount, facts| rules::admit_payment(&admitted, amount, facts, limits, now),
        )
        .await?;
    match outcome {
        PayOutcome::Paid { operation, order } => {
            tracing::info!(account = %account_id, merchant = %merchant.id, order = %order.id, operation = %operation.id, "payment");
            to_wire(&operation, None, Some(merchant))
        }
        PayOutcome::Started { operation, order } => {
            tracing::info!(account = %account_id, merchant = %merchant.id, order = %order.id, operation = %operation.id, source = %source, "payment from a source started");
            let done = crate::domain::money::settle_source_operation(state, &operation).await?;
            // As the gateway answered: a lost answer stays pending for the reconciler.
            crate::domain::money::operation_as_is(state, &done).await
        }
        PayOutcome::Existing(row) => crate::domain::money::operation(state, &row).await,
        other => Err(pay_error(state, account_id, other)),
    }
}

/// `GET /v1/orders`: the account's open orders, newest first.
pub async fn open_orders(state: &AppState, account_id: &str) -> ApiResult<OrderList> {
    let rows = state
        .store
        .open_orders_for(account_id, state.clock.unix())
        .await?;
    let mut orders = Vec::with_capacity(rows.len());
    for row in &rows {
        orders.push(order_wire_by_merchant(state, row).await?);
    }
    Ok(OrderList { orders })
}

/// The payer's own remote order or payment-code confirmation.
async fn payer_order(state: &AppState, account_id: &str, order_id: &str) -> ApiResult<OrderRow> {
    state
        .store
        .order(order_id, state.clock.unix())
        .await?
        .filter(|o| {
            o.payer_account_id.as_deref() == Some(account_id)
                && matches!(
                    o.channel,
                    Channel::RemoteOrder | Channel::Paycode | Channel::Checkout
                )
        })
        .ok_or(ApiError::new(ErrorCode::OrderNotFound))
}

/// `POST /v1/orders/{id}/confirm`: pays a remote order or a payment code over the no-PIN limit.
pub async fn confirm_order(
    state: &AppState,
    account_id: &str,
    order_id: &str,
    key: &str,
    pin: &str,
) -> ApiResult<Operation> {
    confirm_order_from(state, account_id, order_id, key, pin, None).await
}

/// [`confirm_order`] from the source chosen on the confirm screen (`None`: the default order).
pub async fn confirm_order_from(
    state: &AppState,
    account_id: &str,
    order_id: &str,
    key: &str,
    pin: &str,
    source: Option<&FundingSource>,
) -> ApiResult<Operation> {
    let hash = with_source(sha256_hex(&["order-confirm", order_id]), source);
    if let Some(op) = existing_operation(state, account_id, key, &hash).await? {
        return Ok(op);
    }
    crate::domain::standing::ensure_active(state, account_id).await?;
    let order = payer_order(state, account_id, order_id).await?;
    order_open(&order)?;
    within_payment_limit(state, order.amount)?;
    outflow_allowed(state, account_id, order.amount).await?;
    let merchant = state
        .store
        .merchant(&order.merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("order {} lost its merchant", order.id)))?;
    let source = crate::domain::sources::choose(state, account_id, source, order.amount).await?;
    verify_pin(state, account_id, pin).await?;
    let target = PayTarget::Existing {
        order_id: order.id.clone(),
        merchant_id: None,
        payer_only: true,
        channels: &[Channel::RemoteOrder, Channel::Paycode, Channel::Checkout],
    };
    pay_from(state, account_id, key, hash, target, &merchant, source).await
}

/// Pays an SMS order (channel `sms`) on the payer's "Y" ([`crate::domain::sms_pay`]): the same
/// path as confirming an order — the standing checks, the payment limit, and the store's
/// payment with [`rules::admit`] (freeze, cooling-off cap, day's limit, balance) — with the
/// "Y" from the payer's number in place of the PIN (SMS payment is switched on with the PIN).
/// `key` makes a retry pay at most once.
pub async fn pay_sms_order(
    state: &AppState,
    account_id: &str,
    order_id: &str,
    key: &str,
) -> ApiResult<Operation> {
    let hash = sha256_hex(&["sms-payment", order_id]);
    if let Some(op) = existing_operation(state, account_id, key, &hash).await? {
        return Ok(op);
    }
    crate::domain::standing::ensure_active(state, account_id).await?;
    let order = state
        .store
        .order(order_id, state.clock.unix())
        .await?
        .filter(|o| o.payer_account_id.as_deref() == Some(account_id) && o.channel == Channel::Sms)
        .ok_or(ApiError::new(ErrorCode::OrderNotFound))?;
    order_open(&order)?;
    within_payment_limit(state, order.amount)?;
    outflow_allowed(state, account_id, order.amount).await?;
    let merchant = state
        .store
        .merchant(&order.merchant_id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("order {} lost its merchant", order.id)))?;
    let target = PayTarget::Existing {
        order_id: order.id.clone(),
        merchant_id: None,
        payer_only: true,
        channels: &[Channel::Sms],
    };
    // The "Y" pays from the payer's default order of sources (docs/rules.md §Funding sources).
    pay(state, account_id, key, hash, target, &merchant).await
}

/// `POST /v1/orders/{id}/decline`.
pub async fn decline_order(state: &AppState, account_id: &str, order_id: &str) -> ApiResult<Order> {
    payer_order(state, account_id, order_id).await?;
    match state
        .store
        .decline_order(account_id, order_id, state.clock.unix())
        .await?
    {
        DeclineOutcome::Declined(row) => {
            tracing::info!(account = %account_id, order = %row.id, "order declined");
            order_wire_by_merchant(state, &row).await
        }
        DeclineOutcome::NotFound => Err(ErrorCode::OrderNotFound.into()),
        DeclineOutcome::AlreadyPaid => Err(ErrorCode::OrderAlreadyPaid.into()),
        DeclineOutcome::Expired => Err(ErrorCode::OrderExpired.into()),
    }
}

// --- payment codes --------------------------------------------------------------------------

/// A fresh random seed.
pub fn new_seed() -> PaycodeSeed {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let seed = PaycodeSeed::from_bytes(bytes);
    bytes.zeroize();
    seed
}

/// `POST /v1/paycode/seed`: a new seed for this device; the old one's codes die at once.
pub async fn reissue_seed(
    state: &AppState,
    device_id: &str,
    account_id: &str,
) -> ApiResult<PaycodeSeedResponse> {
    let seed = new_seed();
    let now = state.clock.now();
    if !state
        .store
        .set_paycode_seed(device_id, &seed, now.timestamp())
        .await?
    {
        return Err(ErrorCode::DeviceRevoked.into());
    }
    state.paycodes.upsert(device_id, account_id, seed.clone());
    tracing::info!(device = %device_id, "payment-code seed issued");
    Ok(PaycodeSeedResponse {
        seed: seed.to_base64(),
        issued_at: wire_time(now.timestamp()),
    })
}

/// The payer's no-PIN limits, never above the server's ceilings.
pub async fn effective_settings(
    state: &AppState,
    account_id: &str,
) -> ApiResult<PaycodeSettingsRow> {
    let row = state.store.paycode_settings(account_id).await?;
    Ok(effective(row, state))
}

/// [`effective_settings`] of a stored row.
fn effective(row: Option<PaycodeSettingsRow>, state: &AppState) -> PaycodeSettingsRow {
    let l = &state.limits;
    match row {
        None => PaycodeSettingsRow {
            no_pin_enabled: true,
            no_pin_per_payment: l.paycode_no_pin_limit_fen,
            no_pin_daily: l.paycode_no_pin_daily_fen,
        },
        Some(r) => PaycodeSettingsRow {
            no_pin_enabled: r.no_pin_enabled,
            no_pin_per_payment: r.no_pin_per_payment.min(l.paycode_no_pin_limit_fen),
            no_pin_daily: r.no_pin_daily.min(l.paycode_no_pin_daily_fen),
        },
    }
}

/// Whether `new` lets payment codes pay more without the PIN than `current` does: switching
/// no-PIN payments on, or raising a limit while they are on. That needs the PIN; lowering a
/// limit or switching off does not (docs/rules.md §Security events and SIM swaps).
pub fn raises_no_pin(current: &PaycodeSettingsRow, new: &PaycodeSettingsRow) -> bool {
    new.no_pin_enabled
        && (!current.no_pin_enabled
            || new.no_pin_per_payment > current.no_pin_per_payment
            || new.no_pin_daily > current.no_pin_daily)
}

/// The security log's words for no-PIN settings (limits only: no personal data).
fn describe_no_pin(s: &PaycodeSettingsRow) -> String {
    if s.no_pin_enabled {
        format!(
            "on, {} per payment, {} a day",
            Money::cny(s.no_pin_per_payment).display(),
            Money::cny(s.no_pin_daily).display()
        )
    } else {
        "off".to_owned()
    }
}

/// `GET /v1/paycode/settings`.
pub async fn paycode_settings(state: &AppState, account_id: &str) -> ApiResult<PaycodeSettings> {
    let s = effective_settings(state, account_id).await?;
    let now = state.clock.unix();
    let used = state
        .store
        .no_pin_total(account_id, day_start_cst(now))
        .await?;
    let l = &state.limits;
    Ok(PaycodeSettings {
        no_pin_enabled: s.no_pin_enabled,
        no_pin_per_payment: Money::cny(s.no_pin_per_payment),
        no_pin_daily: Money::cny(s.no_pin_daily),
        no_pin_daily_remaining: Money::cny(if s.no_pin_enabled {
            (s.no_pin_daily - used).max(0)
        } else {
            0
        }),
        max_per_payment: Money::cny(l.paycode_no_pin_limit_fen),
        max_daily: Money::cny(l.paycode_no_pin_daily_fen),
    })
}

/// `PUT /v1/paycode/settings` from the signing device `device_id`: lower, raise up to the
/// ceilings, switch on or off. Switching on or raising needs the PIN ([`raises_no_pin`]); every
/// change is logged and told to the other devices in the transaction that makes it.
pub async fn put_paycode_settings(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    mut req: PaycodeSettingsUpdate,
) -> ApiResult<PaycodeSettings> {
    let pin = req.pin.take().map(zeroize::Zeroizing::new);
    let l = &state.limits;
    let check = |m: Money, ceiling: i64, what: &str| -> ApiResult<i64> {
        if m.currency != Currency::Cny || m.minor < 0 {
            return Err(ApiError::detail(
                ErrorCode::AmountInvalid,
                format!("{what}: a CNY amount of zero or more"),
            ));
        }
        if m.minor > ceiling {
            return Err(ApiError::detail(
                ErrorCode::AmountOverLimit,
                format!("{what}: at most {}", Money::cny(ceiling).display()),
            ));
        }
        Ok(m.minor)
    };
    let row = PaycodeSettingsRow {
        no_pin_enabled: req.no_pin_enabled,
        no_pin_per_payment: check(
            req.no_pin_per_payment,
            l.paycode_no_pin_limit_fen,
            "no_pin_per_payment",
        )?,
        no_pin_daily: check(req.no_pin_daily, l.paycode_no_pin_daily_fen, "no_pin_daily")?,
    };
    let mut pin_checked = false;
    // The decision holds for the row it was made on; the write checks that row is still there.
    for _ in 0..5 {
        let stored = state.store.paycode_settings(account_id).await?;
        let current = effective(stored, state);
        if row == current {
            return paycode_settings(state, account_id).await;
        }
        let raised = raises_no_pin(&current, &row);
        if raised && !pin_checked {
            let Some(pin) = pin.as_deref() else {
                return Err(ApiError::detail(
                    ErrorCode::PinRequired,
                    "Switching no-PIN payments on or raising their limits needs the payment PIN.",
                ));
            };
            verify_pin(state, account_id, pin).await?;
            pin_checked = true;
        }
        let change = SecurityChange {
            log: api::SecurityEventKind::NoPinChanged,
            event: api::DeviceEventKind::NoPinChanged,
            device_id: device_id.to_owned(),
            detail: Some(describe_no_pin(&row)),
            reference: Some(if raised { "raised" } else { "lowered" }.to_owned()),
            cooling_off_until: None,
        };
        if state
            .store
            .put_paycode_settings(account_id, stored, row, change, state.clock.unix())
            .await?
        {
            tracing::info!(account = %account_id, enabled = row.no_pin_enabled, raised, "payment-code limits changed");
            return paycode_settings(state, account_id).await;
        }
    }
    Err(ApiError::internal(
        "the no-PIN settings kept changing under the write",
    ))
}

/// Seconds a catch-up reaches back before its last look (clock skew between instances, late
/// commits).
const CATCH_UP_SLACK_SECS: i64 = 120;

/// The device whose code this is; on a miss, first catches up with seeds issued through other
/// instances (several instances share one database).
async fn find_paycode(
    state: &AppState,
    code: wallet_protocol::paycode::Paycode,
    now_step: i64,
) -> ApiResult<Option<crate::domain::paycode::PaycodeHit>> {
    let seen = state.paycodes.catch_ups();
    if let Some(hit) = state.paycodes.lookup(code, now_step) {
        return Ok(Some(hit));
    }
    catch_up_paycodes(state, Some(seen)).await?;
    Ok(state.paycodes.lookup(code, now_step))
}

/// Adds the seeds issued since the index last looked (see [`crate::domain::paycode::PaycodeIndex::catch_up`]).
pub async fn catch_up_paycodes(
    state: &AppState,
    seen: Option<u64>,
) -> Result<usize, crate::store::StoreError> {
    let store = state.store.clone();
    let added = state
        .paycodes
        .catch_up(
            seen,
            state.clock.now().timestamp(),
            CATCH_UP_SLACK_SECS,
            |since| async move { store.paycode_devices_since(since).await },
        )
        .await?;
    tracing::debug!(added, "payment-code index caught up");
    Ok(added)
}

/// Loads the payment-code index from the database (start-up).
pub async fn load_paycodes(state: &AppState) -> Result<usize, crate::store::StoreError> {
    let started = state.clock.now().timestamp();
    let devices = state.store.paycode_devices().await?;
    let n = devices.len();
    let step = paycode::step_at(state.clock.now());
    let index = std::sync::Arc::clone(&state.paycodes);
    tokio::task::spawn_blocking(move || index.load(devices, step))
        .await
        .map_err(|e| crate::store::StoreError::Worker(e.to_string()))?;
    state.paycodes.caught_up_at(started).await;
    Ok(n)
}

/// Keeps the index one step ahead, forever: a few seconds into each step it builds the step
/// after next (on a blocking thread), so lookups never wait for a rebuild.
/// It is also the housekeeping ticker: spent nonces and codes, old attempt rows of every rate
/// limit ([`crate::domain::standing::prune_attempts`]).
pub async fn paycode_ticker(state: AppState) {
    loop {
        let now = state.clock.now();
        let step = paycode::step_at(now);
        let index = std::sync::Arc::clone(&state.paycodes);
        let started = std::time::Instant::now();
        if tokio::task::spawn_blocking(move || index.prepare(step, true))
            .await
            .is_err()
        {
            tracing::warn!("payment-code index step build failed");
        }
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis(),
            step,
            "payment-code index prepared"
        );
        // Seeds issued through other instances join within a step even if no code misses.
        if let Err(e) = catch_up_paycodes(&state, None).await {
            tracing::warn!(error = %e, "payment-code index catch-up failed");
        }
        crate::domain::standing::prune_attempts(&state).await;
        let nonces_before = now.timestamp() - wallet_protocol::signing::NONCE_TTL_SECS;
        if let Err(e) = state
            .store
            .forget_spent(nonces_before, step - WINDOW_STEPS - 1)
            .await
        {
            tracing::warn!(error = %e, "forgetting spent nonces and codes failed");
        }
        let outbox_before = now.timestamp() - crate::ports::sms::OUTBOX_KEEP_SECS;
        if let Err(e) = state.store.prune_outbox(outbox_before).await {
            tracing::warn!(error = %e, "pruning the SMS outbox failed");
        }
        let next = paycode::step_end(step) + chrono::Duration::seconds(2);
        let wait = (next - state.clock.now())
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(1));
        tokio::time::sleep(wait.max(std::time::Duration::from_millis(200))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(no_pin_enabled: bool, per: i64, daily: i64) -> PaycodeSettingsRow {
        PaycodeSettingsRow {
            no_pin_enabled,
            no_pin_per_payment: per,
            no_pin_daily: daily,
        }
    }

    #[test]
    fn switching_on_or_raising_needs_the_pin_and_lowering_does_not() {
        let on = s(true, 20_000, 100_000);
        // Raises: switching on, a higher limit, one higher and one lower.
        assert!(raises_no_pin(&s(false, 20_000, 100_000), &on));
        assert!(raises_no_pin(&s(true, 10_000, 100_000), &on));
        assert!(raises_no_pin(&s(true, 20_000, 50_000), &on));
        assert!(raises_no_pin(&s(true, 30_000, 50_000), &on));
        // Lowering, switching off, the same settings, or limits changed while off.
        assert!(!raises_no_pin(&on, &s(true, 10_000, 50_000)));
        assert!(!raises_no_pin(&on, &s(false, 20_000, 100_000)));
        assert!(!raises_no_pin(&on, &on));
        assert!(!raises_no_pin(&s(false, 0, 0), &s(false, 20_000, 100_000)));
    }

    #[test]
    fn the_log_says_the_limits_and_nothing_personal() {
        assert_eq!(describe_no_pin(&s(false, 20_000, 100_000)), "off");
        assert_eq!(
            describe_no_pin(&s(true, 5_000, 50_000)),
            "on, ¥50.00 per payment, ¥500.00 a day"
        );
    }
}
