//! Paying merchants (docs/rules.md §Paying): scanning a merchant QR code, showing the payment code,
//! and answering merchant orders (remote orders, payment codes over the no-PIN limit).
//!
//! Scanned text is decoded locally first: anything that is not our own EMVCo merchant code is
//! refused (`QR_NOT_PAYABLE`, naming what it is) without a network call, and a link is never
//! opened. The merchant shown is the one the *server* has on record (`resolve_qr`), with a
//! warning when the name printed in the code differs.
//!
//! Payment codes are made offline from the seed kept in the encrypted store (provisioned at
//! enrolment, or by `refresh_paycode_seed`). Neither the seed nor a code is ever logged.

use chrono::{DateTime, Utc};
use reqwest::Method;
use wallet_protocol::api::{
    self, paths, OrderConfirmRequest, OrderList, PaycodeSeedResponse, PaycodeSettingsUpdate,
    QrPayRequest, QrResolveRequest, QrResolved,
};
use wallet_protocol::paycode::{self, PaycodeSeed};
use wallet_protocol::qr::{self, QrError};
use wallet_protocol::ErrorCode;
use zeroize::{Zeroize as _, Zeroizing};

use crate::client::to_json;
use crate::error::WalletError;
use crate::money_flows::{check_pin_format, idempotency_key_or_new, parse_amount};
use crate::render;
use crate::store::rfc3339;
use crate::types::*;
use crate::wallet::Wallet;

impl Wallet {
    // --- QR codes, offline ---------------------------------------------------------------------

    /// What a scanned payload is, offline: our own merchant code, another network's, a link or
    /// text. An EMVCo payload that is not well formed is an error with its `QR_*` code
    /// (`QR_CRC_MISMATCH`, `QR_MALFORMED_TLV`, ...). Nothing is ever opened or fetched.
    pub fn decode_qr(payload: &str) -> Result<DecodedQr, WalletError> {
        qr::decode(payload).map_err(qr_error)
    }

    /// The text of the QR code in a PNG or JPEG image (a photo or a screenshot), offline.
    /// `QR_IMAGE_UNREADABLE` for a file that is not a readable PNG/JPEG or is too large
    /// (over 20 MB, or more than 12,000 pixels a side); `QR_NOT_FOUND` when no code is in it.
    /// Only with the `qr-image` feature (on by default; the mobile library leaves it off).
    #[cfg(feature = "qr-image")]
    pub fn decode_qr_image(bytes: &[u8]) -> Result<String, WalletError> {
        crate::qr_image::decode_qr_image(bytes)
    }

    // --- scan to pay ---------------------------------------------------------------------------

    /// What paying a scanned merchant code would do: the merchant on record, whether the
    /// printed name differs, the locked amount of a dynamic code. A code this wallet cannot
    /// pay is `QR_NOT_PAYABLE` before anything is sent.
    pub async fn resolve_qr(&self, payload: String) -> Result<QrPayment, WalletError> {
        let _flow = self.flow.lock().await;
        let payload = payload.trim().to_owned();
        payable(&payload)?;
        let body = to_json(&QrResolveRequest {
            payload: payload.clone(),
        })?;
        let resolved: QrResolved = self
            .signed_with(Method::POST, paths::QR_RESOLVE, Some(&body), None)
            .await?;
        Ok(to_qr_payment(payload, resolved))
    }

    /// Pays a scanned merchant code with the PIN. Static codes need `amount` (what the user
    /// typed; `AMOUNT_REQUIRED` without it); dynamic codes lock theirs (`AMOUNT_LOCKED` when
    /// another is typed). The answer is the payment operation, also kept locally; a retry with
    /// the same idempotency key never pays twice.
    pub async fn pay_qr(&self, input: PayQrInput) -> Result<Operation, WalletError> {
        let _flow = self.flow.lock().await;
        let PayQrInput {
            payload,
            amount,
            source,
            pin,
            idempotency_key,
        } = input;
        let source = parse_source(source.as_deref())?;
        let pin = Zeroizing::new(pin);
        let payload = payload.trim().to_owned();
        let decoded = payable(&payload)?;
        let amount = amount
            .filter(|a| !a.trim().is_empty())
            .map(|a| parse_amount(&a))
            .transpose()?;
        let dynamic = decoded.point_of_initiation.as_deref() == Some("12");
        match (dynamic, amount, decoded.amount_money()) {
            (false, None, _) => {
                return Err(WalletError::new(
                    ErrorCode::AmountRequired,
                    "This merchant code has no amount: enter the amount to pay",
                ))
            }
            (true, Some(typed), Some(locked)) if typed != locked => {
                return Err(WalletError::new(
                    ErrorCode::AmountLocked,
                    format!(
                        "This code is for {}; its amount cannot be changed",
                        locked.display()
                    ),
                ));
            }
            _ => {}
        }
        check_pin_format(&pin, "The payment PIN")?;
        let key = idempotency_key_or_new(idempotency_key)?;
        let mut request = QrPayRequest {
            payload,
            amount,
            pin: pin.to_string(),
            source,
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.move_money(paths::QR_PAYMENTS, &body?, &key, "payment")
            .await
    }

    // --- show to pay ---------------------------------------------------------------------------

    /// The payment code to show now, made offline from this device's seed (rotates every 30
    /// seconds). `PAYCODE_NOT_PROVISIONED` when this device has no seed yet: call
    /// [`Self::refresh_paycode_seed`] while online.
    pub fn paycode(&self) -> Result<PaycodeView, WalletError> {
        self.paycode_at(Utc::now())
    }

    /// [`Self::paycode`] at a given moment (tests; a shell preparing the next code ahead).
    pub fn paycode_at(&self, now: DateTime<Utc>) -> Result<PaycodeView, WalletError> {
        let seed = self.with_store(|s| {
            if s.profile()?.is_none() {
                return Ok(Err(WalletError::from(ErrorCode::NotSignedIn)));
            }
            Ok(Ok(s.paycode_seed()?))
        })??;
        let seed = seed.ok_or_else(|| {
            WalletError::new(
                ErrorCode::PaycodeNotProvisioned,
                "Payment codes are not set up on this device yet: connect to the internet once \
                 to set them up",
            )
        })?;
        paycode_view(&seed, now)
    }

    /// Asks the server for a fresh payment-code seed for this device (the old one stops
    /// working) and keeps it; answers the code to show now.
    pub async fn refresh_paycode_seed(&self) -> Result<PaycodeView, WalletError> {
        let _flow = self.flow.lock().await;
        let answer: PaycodeSeedResponse = self
            .signed_with(Method::POST, paths::PAYCODE_SEED, None, None)
            .await?;
        let seed = PaycodeSeed::from_base64(&Zeroizing::new(answer.seed)).ok_or_else(|| {
            WalletError::new(
                ErrorCode::Protocol,
                "The server sent a payment-code seed that is not 32 bytes of base64url",
            )
        })?;
        self.with_store(|s| s.save_paycode_seed(&seed))?;
        tracing::info!("payment-code seed provisioned");
        paycode_view(&seed, Utc::now())
    }

    /// How much payment codes may pay without the PIN, and what is left today.
    pub async fn paycode_settings(&self) -> Result<PaycodeSettings, WalletError> {
        let _flow = self.flow.lock().await;
        let s: api::PaycodeSettings = self
            .signed_with(Method::GET, paths::PAYCODE_SETTINGS, None, None)
            .await?;
        Ok(to_paycode_settings(s))
    }

    /// Lowers or raises (up to the provider's ceilings) the no-PIN limits, or switches no-PIN
    /// payments on or off. Amounts as typed (`100`, `¥50`). Switching on or raising needs the
    /// payment PIN: the provider answers `PIN_REQUIRED` without it (ask for it and send again);
    /// lowering or switching off needs none. The other devices are told of every change.
    pub async fn set_paycode_settings(
        &self,
        input: PaycodeSettingsInput,
    ) -> Result<PaycodeSettings, WalletError> {
        let _flow = self.flow.lock().await;
        let pin = input.pin.map(Zeroizing::new);
        if let Some(p) = pin.as_ref() {
            check_pin_format(p, "The payment PIN")?;
        }
        let mut update = PaycodeSettingsUpdate {
            no_pin_enabled: input.no_pin_enabled,
            no_pin_per_payment: parse_amount(&input.no_pin_per_payment)?,
            no_pin_daily: parse_amount(&input.no_pin_daily)?,
            pin: pin.as_ref().map(|p| p.to_string()),
        };
        if update.no_pin_per_payment.minor > update.no_pin_daily.minor {
            return Err(WalletError::new(
                ErrorCode::AmountInvalid,
                "The limit per payment cannot be more than the daily limit",
            ));
        }
        let body = to_json(&update);
        if let Some(p) = update.pin.as_mut() {
            p.zeroize();
        }
        let s: api::PaycodeSettings = self
            .signed_with(Method::PUT, paths::PAYCODE_SETTINGS, Some(&body?), None)
            .await?;
        Ok(to_paycode_settings(s))
    }

    // --- merchant orders -----------------------------------------------------------------------

    /// Orders waiting for this account's decision (remote orders, payment codes over the
    /// no-PIN limit), newest first.
    pub async fn orders(&self) -> Result<Vec<Order>, WalletError> {
        let _flow = self.flow.lock().await;
        let list: OrderList = self
            .signed_with(Method::GET, paths::ORDERS, None, None)
            .await?;
        Ok(list.orders.into_iter().map(to_order).collect())
    }

    /// Pays a waiting order with the PIN. The answer is the payment operation, also kept
    /// locally; a retry with the same idempotency key never pays twice.
    pub async fn confirm_order(
        &self,
        order_id: String,
        pin: String,
        idempotency_key: Option<String>,
    ) -> Result<Operation, WalletError> {
        self.confirm_order_from(order_id, pin, idempotency_key, None)
            .await
    }

    /// [`Self::confirm_order`] from the source chosen on the confirm screen (`balance`,
    /// `card:<card_id>` or `carrier`; `None`: the account's default order). A card or
    /// phone-bill payment answers as its gateway did: `failed` with the refusal's code, or
    /// `pending` until the answer comes (it settles by itself).
    pub async fn confirm_order_from(
        &self,
        order_id: String,
        pin: String,
        idempotency_key: Option<String>,
        source: Option<String>,
    ) -> Result<Operation, WalletError> {
        let _flow = self.flow.lock().await;
        let pin = Zeroizing::new(pin);
        check_order_id(&order_id)?;
        let source = parse_source(source.as_deref())?;
        check_pin_format(&pin, "The payment PIN")?;
        let key = idempotency_key_or_new(idempotency_key)?;
        let mut request = OrderConfirmRequest {
            pin: pin.to_string(),
            source,
        };
        let body = to_json(&request);
        request.pin.zeroize();
        self.move_money(&paths::order_confirm(&order_id), &body?, &key, "payment")
            .await
    }

    /// Where this account can pay from (the balance, each bound card, the phone bill) and the
    /// default order payments use when no source is chosen.
    pub async fn funding_sources(&self) -> Result<FundingSources, WalletError> {
        let _flow = self.flow.lock().await;
        let answer: api::FundingSources = self
            .signed_with(Method::GET, paths::SOURCES, None, None)
            .await?;
        Ok(to_sources(answer))
    }

    /// Sets the default order ("balance, then card 1234"): each of `balance`, `card:<card_id>`,
    /// `carrier` at most once. Needs no PIN: every payment is still confirmed with it.
    pub async fn set_funding_order(
        &self,
        order: Vec<String>,
    ) -> Result<FundingSources, WalletError> {
        let _flow = self.flow.lock().await;
        let order = order
            .iter()
            .map(|s| {
                parse_source(Some(s.trim()))?.ok_or_else(|| {
                    WalletError::new(ErrorCode::SourceInvalid, "An empty funding source")
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        wallet_protocol::source::check_order(&order).map_err(|_| {
            WalletError::new(
                ErrorCode::SourceInvalid,
                "The order lists 1 to 12 sources, each once",
            )
        })?;
        let body = to_json(&api::SourceOrderUpdate { order })?;
        let answer: api::FundingSources = self
            .signed_with(Method::PUT, paths::SOURCES, Some(&body), None)
            .await?;
        Ok(to_sources(answer))
    }

    /// Declines a waiting order; the merchant sees it declined. Moves no money.
    pub async fn decline_order(&self, order_id: String) -> Result<Order, WalletError> {
        let _flow = self.flow.lock().await;
        check_order_id(&order_id)?;
        let order: api::Order = self
            .signed_with(Method::POST, &paths::order_decline(&order_id), None, None)
            .await?;
        Ok(to_order(order))
    }
}

/// A `QrError` keeps its own `QR_*` code; its message names the tag or offset, never more.
fn qr_error(e: QrError) -> WalletError {
    WalletError::new(e.code(), format!("{}: {e}", e.code().title()))
}

/// Decodes `payload` and refuses what this wallet cannot pay, saying what it is.
fn payable(payload: &str) -> Result<DecodedQr, WalletError> {
    let decoded = Wallet::decode_qr(payload)?;
    if decoded.valid_crc == Some(false) {
        return Err(WalletError::from(ErrorCode::QrCrcMismatch));
    }
    if decoded.payable && decoded.wallet.is_some() {
        return Ok(decoded);
    }
    let what = match decoded.kind {
        QrKind::Url => "This QR code holds a link (it was not opened)".to_owned(),
        QrKind::Text => "This QR code holds text, not a payment".to_owned(),
        QrKind::EmvcoCpm => "This is someone's payment code, for a merchant to scan".to_owned(),
        QrKind::Upi => "This is a UPI (India) payment link".to_owned(),
        QrKind::Alipay => "This is an Alipay code".to_owned(),
        QrKind::Wechat => "This is a WeChat Pay code".to_owned(),
        QrKind::EmvcoMpm => match &decoded.network_name {
            Some(name) => format!("This is a {name} merchant code"),
            None => "This is another payment network's merchant code".to_owned(),
        },
    };
    Err(WalletError::new(
        ErrorCode::QrNotPayable,
        format!("{what}: this wallet cannot pay it"),
    ))
}

fn paycode_view(seed: &PaycodeSeed, now: DateTime<Utc>) -> Result<PaycodeView, WalletError> {
    let step = paycode::step_at(now);
    let code = seed.code(step);
    let ends = paycode::step_end(step);
    // Whole seconds, rounded up: 1..=30 while the code is current.
    let millis = (ends - now).num_milliseconds().max(0);
    let seconds_left = u32::try_from(millis.div_euclid(1000) + i64::from(millis % 1000 != 0))
        .unwrap_or(0)
        .clamp(1, paycode::STEP_SECS as u32);
    let text = code.to_string();
    Ok(PaycodeView {
        qr_svg: render::qr_svg(&text)?,
        barcode_svg: render::code128_svg(&text)?,
        grouped: code.grouped(),
        code: text,
        expires_at: rfc3339(&ends),
        seconds_left,
    })
}

fn check_order_id(order_id: &str) -> Result<(), WalletError> {
    if api::id_well_formed(order_id) {
        Ok(())
    } else {
        Err(WalletError::new(ErrorCode::OrderNotFound, "No such order"))
    }
}

fn to_qr_payment(payload: String, r: QrResolved) -> QrPayment {
    QrPayment {
        payload,
        merchant_id: r.merchant.merchant_id,
        merchant_name: r.merchant.name,
        merchant_city: r.merchant.city,
        mcc: r.merchant.mcc,
        printed_name: r.printed_name,
        name_mismatch: r.name_mismatch,
        channel: r.channel,
        amount: r.amount,
        order_id: r.order_id,
        expires_at: r.expires_at.as_ref().map(rfc3339),
    }
}

fn to_order(o: api::Order) -> Order {
    Order {
        order_id: o.order_id,
        merchant_id: o.merchant.merchant_id,
        merchant_name: o.merchant.name,
        merchant_city: o.merchant.city,
        mcc: o.merchant.mcc,
        amount: o.amount,
        description: o.description,
        status: o.status,
        channel: o.channel,
        payment_operation_id: o.payment_operation_id,
        refunded: o.refunded,
        created_at: rfc3339(&o.created_at),
        expires_at: rfc3339(&o.expires_at),
    }
}

fn to_paycode_settings(s: api::PaycodeSettings) -> PaycodeSettings {
    PaycodeSettings {
        no_pin_enabled: s.no_pin_enabled,
        no_pin_per_payment: s.no_pin_per_payment,
        no_pin_daily: s.no_pin_daily,
        no_pin_daily_remaining: s.no_pin_daily_remaining,
        max_per_payment: s.max_per_payment,
        max_daily: s.max_daily,
    }
}

/// A source as typed (`balance`, `card:<card_id>`, `carrier`), checked before anything is sent.
fn parse_source(
    source: Option<&str>,
) -> Result<Option<wallet_protocol::source::FundingSource>, WalletError> {
    source
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim().parse().map_err(|_| {
                WalletError::new(
                    ErrorCode::SourceInvalid,
                    format!(
                        "{s:?} is not a funding source: use balance, card:<card id> or carrier"
                    ),
                )
            })
        })
        .transpose()
}

fn to_sources(s: api::FundingSources) -> FundingSources {
    FundingSources {
        order: s.order.iter().map(ToString::to_string).collect(),
        sources: s
            .sources
            .into_iter()
            .map(|o| SourceOption {
                source: o.source.to_string(),
                kind: o.kind,
                usable: o.usable,
                balance: o.balance,
                card: o.card.map(crate::money_flows::to_card),
                phone_masked: o.phone_masked,
                monthly_remaining: o.monthly_remaining,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::TimeZone as _;
    use wallet_protocol::api::{MerchantRef, OperationKind, OperationStatus};
    use wallet_protocol::qr::WalletMerchant;

    use super::*;
    use crate::client::tests::scripted_server;
    use crate::store::tests::FakeSecrets;
    use crate::test_support::*;

    const PIN: &str = "135792";
    /// Banco Central do Brasil's own Pix example (a well-formed code of another network).
    const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

    fn merchant() -> WalletMerchant {
        WalletMerchant {
            merchant_id: "mch_1".into(),
            name: "Lucky Noodles".into(),
            city: "Beijing".into(),
            mcc: "5812".into(),
        }
    }

    fn static_payload() -> String {
        qr::wallet_static_payload(&merchant()).unwrap()
    }

    fn dynamic_payload() -> String {
        qr::wallet_dynamic_payload(&merchant(), "ord_1", Money::cny(1250)).unwrap()
    }

    fn pay(payload: &str, amount: Option<&str>, pin: &str) -> PayQrInput {
        PayQrInput {
            payload: payload.into(),
            amount: amount.map(Into::into),
            source: None,
            pin: pin.into(),
            idempotency_key: None,
        }
    }

    fn time(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn merchant_ref() -> MerchantRef {
        MerchantRef {
            merchant_id: "mch_1".into(),
            name: "Lucky Noodles Ltd".into(),
            city: "Beijing".into(),
            mcc: "5812".into(),
        }
    }

    fn wire_payment(channel: PaymentChannel) -> String {
        let t = time("2030-01-01T00:00:00Z");
        serde_json::to_string(&api::Operation {
            operation_id: "op_9".into(),
            kind: OperationKind::Payment,
            status: OperationStatus::Succeeded,
            amount: Money::cny(1250),
            fee: Money::cny(0),
            card_id: None,
            card_last4: None,
            bank: None,
            merchant: Some(merchant_ref()),
            order_id: Some("ord_1".into()),
            channel: Some(channel),
            failure_code: None,
            counterparty: None,
            note: None,
            seq: 1,
            created_at: t,
            updated_at: t,
            source: None,
        })
        .unwrap()
    }

    fn wire_order(status: OrderStatus) -> api::Order {
        api::Order {
            order_id: "ord_7".into(),
            merchant: merchant_ref(),
            amount: Money::cny(50_000),
            description: Some("Dinner".into()),
            status,
            channel: PaymentChannel::RemoteOrder,
            payload: None,
            payer_phone_masked: Some("+86 138****5678".into()),
            payment_operation_id: None,
            refunded: Money::cny(0),
            created_at: time("2030-01-01T00:00:00Z"),
            expires_at: time("2030-01-01T00:15:00Z"),
            paid_at: None,
        }
    }

    fn header<'a>(req: &'a str, name: &str) -> Option<&'a str> {
        req.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(": "))
            .map(str::trim)
    }

    #[test]
    fn decode_keeps_qr_codes_and_needs_no_profile() {
        let d = Wallet::decode_qr(&static_payload()).unwrap();
        assert!(d.payable);
        assert_eq!(d.point_of_initiation.as_deref(), Some("11"));
        let mut broken = static_payload();
        let last = broken.pop().unwrap();
        broken.push(if last == '0' { '1' } else { '0' });
        assert_eq!(
            Wallet::decode_qr(&broken).unwrap_err().code,
            ErrorCode::QrCrcMismatch
        );
        assert_eq!(
            Wallet::decode_qr("  ").unwrap_err().code,
            ErrorCode::QrEmpty
        );
        let pix = Wallet::decode_qr(PIX).unwrap();
        assert_eq!(pix.network, Some(QrNetwork::Pix));
        assert!(!pix.payable);
    }

    #[tokio::test]
    async fn what_cannot_be_paid_is_refused_before_any_request() {
        // Nothing listens on port 9: a request would be NETWORK, not these codes.
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        let code = |r: Result<Operation, WalletError>| r.unwrap_err();
        for payload in [
            PIX,
            "https://evil.example/pay",
            "hello",
            "upi://pay?pa=a@b&am=1",
        ] {
            let err = code(w.pay_qr(pay(payload, Some("10"), PIN)).await);
            assert_eq!(err.code, ErrorCode::QrNotPayable, "{payload}");
            assert_eq!(
                w.resolve_qr(payload.into()).await.unwrap_err().code,
                ErrorCode::QrNotPayable
            );
        }
        let err = code(w.pay_qr(pay(PIX, Some("10"), PIN)).await);
        assert!(err.message.contains("Pix"), "{}", err.message);
        let err = code(w.pay_qr(pay("https://evil.example", None, PIN)).await);
        assert!(err.message.contains("not opened"), "{}", err.message);
        let mut broken = static_payload();
        broken.insert(10, 'x');
        assert!(code(w.pay_qr(pay(&broken, Some("10"), PIN)).await)
            .code
            .as_str()
            .starts_with("QR_"));
        assert_eq!(
            code(w.pay_qr(pay(&static_payload(), None, PIN)).await).code,
            ErrorCode::AmountRequired
        );
        assert_eq!(
            code(w.pay_qr(pay(&static_payload(), Some("  "), PIN)).await).code,
            ErrorCode::AmountRequired
        );
        assert_eq!(
            code(w.pay_qr(pay(&static_payload(), Some("12.345"), PIN)).await).code,
            ErrorCode::AmountInvalid
        );
        let err = code(w.pay_qr(pay(&dynamic_payload(), Some("13"), PIN)).await);
        assert_eq!(err.code, ErrorCode::AmountLocked);
        assert!(err.message.contains("¥12.50"), "{}", err.message);
        assert_eq!(
            code(w.pay_qr(pay(&static_payload(), Some("10"), "12345")).await).code,
            ErrorCode::PinFormatInvalid
        );
        // Well-formed: as far as the network.
        assert_eq!(
            code(w.pay_qr(pay(&dynamic_payload(), Some("12.50"), PIN)).await).code,
            ErrorCode::Network
        );
        assert_eq!(
            code(w.pay_qr(pay(&static_payload(), Some("10"), PIN)).await).code,
            ErrorCode::Network
        );
        assert_eq!(
            w.confirm_order("../x".into(), PIN.into(), None)
                .await
                .unwrap_err()
                .code,
            ErrorCode::OrderNotFound
        );
        assert_eq!(
            w.decline_order("a b".into()).await.unwrap_err().code,
            ErrorCode::OrderNotFound
        );
        let limits = |per: &str, daily: &str| PaycodeSettingsInput {
            no_pin_enabled: true,
            no_pin_per_payment: per.into(),
            no_pin_daily: daily.into(),
            pin: None,
        };
        assert_eq!(
            w.set_paycode_settings(limits("300", "100"))
                .await
                .unwrap_err()
                .code,
            ErrorCode::AmountInvalid
        );
        assert_eq!(
            w.set_paycode_settings(limits("0", "100"))
                .await
                .unwrap_err()
                .code,
            ErrorCode::AmountInvalid
        );
        let mut bad_pin = limits("100", "500");
        bad_pin.pin = Some("12345".into());
        assert_eq!(
            w.set_paycode_settings(bad_pin).await.unwrap_err().code,
            ErrorCode::PinFormatInvalid
        );
    }

    #[tokio::test]
    async fn resolve_then_pay_a_static_code() {
        let resolved = QrResolved {
            merchant: merchant_ref(),
            printed_name: "Lucky Noodles".into(),
            name_mismatch: true,
            channel: PaymentChannel::StaticQr,
            amount: None,
            order_id: None,
            expires_at: None,
        };
        let (url, server) = scripted_server(vec![
            (200, serde_json::to_string(&resolved).unwrap()),
            (200, wire_payment(PaymentChannel::StaticQr)),
        ]);
        let (_dir, _secrets, w) = enrolled(&url);
        let payload = static_payload();
        let p = w.resolve_qr(format!(" {payload}\n")).await.unwrap();
        assert_eq!(p.merchant_name, "Lucky Noodles Ltd");
        assert_eq!(p.printed_name, "Lucky Noodles");
        assert!(p.name_mismatch);
        assert_eq!(p.payload, payload);
        let op = w.pay_qr(pay(&payload, Some("¥12.50"), PIN)).await.unwrap();
        assert_eq!(op.kind, OperationKind::Payment);
        assert_eq!(op.merchant_name.as_deref(), Some("Lucky Noodles Ltd"));
        assert_eq!(op.channel, Some(PaymentChannel::StaticQr));
        assert_eq!(op.card_id, None);
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("POST /v1/qr/resolve "));
        assert!(header(&seen[0], "idempotency-key").is_none());
        assert!(seen[1].starts_with("POST /v1/qr/payments "));
        let key = header(&seen[1], "idempotency-key").unwrap();
        assert!(api::idempotency_key_well_formed(key));
        assert!(seen[1].ends_with(&format!(
            r#"{{"payload":"{payload}","amount":{{"minor":1250,"currency":"CNY"}},"pin":"{PIN}"}}"#
        )));
        // Kept locally like a top-up: the balance shows it offline.
        let ops = w.with_store(|s| s.operations(20)).unwrap();
        assert_eq!(ops, vec![op]);
    }

    #[tokio::test]
    async fn orders_confirm_and_decline() {
        let list = OrderList {
            orders: vec![wire_order(OrderStatus::Open)],
        };
        let (url, server) = scripted_server(vec![
            (200, serde_json::to_string(&list).unwrap()),
            (200, wire_payment(PaymentChannel::RemoteOrder)),
            (
                200,
                serde_json::to_string(&wire_order(OrderStatus::Declined)).unwrap(),
            ),
        ]);
        let (_dir, _secrets, w) = enrolled(&url);
        let orders = w.orders().await.unwrap();
        assert_eq!(orders.len(), 1);
        assert_eq!(orders[0].merchant_name, "Lucky Noodles Ltd");
        assert_eq!(orders[0].amount, Money::cny(50_000));
        assert_eq!(orders[0].expires_at, "2030-01-01T00:15:00Z");
        let op = w
            .confirm_order("ord_7".into(), PIN.into(), Some("confirm-key-1".into()))
            .await
            .unwrap();
        assert_eq!(op.channel, Some(PaymentChannel::RemoteOrder));
        let declined = w.decline_order("ord_7".into()).await.unwrap();
        assert_eq!(declined.status, OrderStatus::Declined);
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("GET /v1/orders "));
        assert!(seen[1].starts_with("POST /v1/orders/ord_7/confirm "));
        assert_eq!(header(&seen[1], "idempotency-key"), Some("confirm-key-1"));
        assert!(seen[1].ends_with(&format!(r#"{{"pin":"{PIN}"}}"#)));
        assert!(seen[2].starts_with("POST /v1/orders/ord_7/decline "));
        assert_eq!(w.with_store(|s| s.operations(20)).unwrap(), vec![op]);
    }

    #[tokio::test]
    async fn a_chosen_source_is_checked_then_sent_with_the_confirmation() {
        let (url, server) = scripted_server(vec![(200, wire_payment(PaymentChannel::RemoteOrder))]);
        let (_dir, _secrets, w) = enrolled(&url);
        // A source that is not one is refused before anything is sent.
        let err = w
            .confirm_order_from("ord_7".into(), PIN.into(), None, Some("bank".into()))
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::SourceInvalid);
        let err = w
            .set_funding_order(vec!["carrier".into(), "carrier".into()])
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::SourceInvalid);
        w.confirm_order_from(
            "ord_7".into(),
            PIN.into(),
            Some("confirm-key-2".into()),
            Some("card:card_1".into()),
        )
        .await
        .unwrap();
        let seen = server.join().unwrap();
        assert_eq!(seen.len(), 1);
        assert!(seen[0].ends_with(&format!(r#"{{"pin":"{PIN}","source":"card:card_1"}}"#)));
    }

    #[tokio::test]
    async fn paycode_settings_round_trip() {
        let settings = api::PaycodeSettings {
            no_pin_enabled: false,
            no_pin_per_payment: Money::cny(5_000),
            no_pin_daily: Money::cny(20_000),
            no_pin_daily_remaining: Money::cny(20_000),
            max_per_payment: Money::cny(20_000),
            max_daily: Money::cny(100_000),
        };
        let body = serde_json::to_string(&settings).unwrap();
        let (url, server) =
            scripted_server(vec![(200, body.clone()), (200, body.clone()), (200, body)]);
        let (_dir, _secrets, w) = enrolled(&url);
        let s = w.paycode_settings().await.unwrap();
        assert_eq!(s.max_daily, Money::cny(100_000));
        let s = w
            .set_paycode_settings(PaycodeSettingsInput {
                no_pin_enabled: false,
                no_pin_per_payment: "50".into(),
                no_pin_daily: "¥200".into(),
                pin: None,
            })
            .await
            .unwrap();
        assert!(!s.no_pin_enabled);
        // Switching on (or raising) sends the PIN.
        w.set_paycode_settings(PaycodeSettingsInput {
            no_pin_enabled: true,
            no_pin_per_payment: "50".into(),
            no_pin_daily: "¥200".into(),
            pin: Some("280419".into()),
        })
        .await
        .unwrap();
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("GET /v1/paycode/settings "));
        assert!(seen[1].starts_with("PUT /v1/paycode/settings "));
        assert!(seen[1].ends_with(
            r#"{"no_pin_enabled":false,"no_pin_per_payment":{"minor":5000,"currency":"CNY"},"no_pin_daily":{"minor":20000,"currency":"CNY"}}"#
        ));
        assert!(
            seen[2].ends_with(r#""no_pin_daily":{"minor":20000,"currency":"CNY"},"pin":"280419"}"#)
        );
    }

    #[test]
    fn paycode_is_made_offline_from_the_stored_seed_and_rotates() {
        let seed = PaycodeSeed::from_bytes([9; 32]);
        // Nothing listens: the code needs no server.
        let (_dir, _secrets, w) = enrolled_with("http://127.0.0.1:9", Some(&seed));
        let t = Utc
            .timestamp_opt(1_900_000_005, 250_000_000)
            .single()
            .unwrap();
        let view = w.paycode_at(t).unwrap();
        let step = paycode::step_at(t);
        assert_eq!(view.code, seed.code(step).to_string());
        assert_eq!(view.code.len(), 18);
        assert!(view.code.starts_with("28"));
        assert_eq!(view.grouped.replace(' ', ""), view.code);
        // 1,900,000,005.25 is 15.25 s into a 30 s step: 14.75 s left, shown as 15.
        assert_eq!(view.seconds_left, 15);
        assert_eq!(view.expires_at, rfc3339(&paycode::step_end(step)));
        assert!(view.qr_svg.contains("<svg"));
        assert!(view.barcode_svg.contains("<svg"));
        // The same step shows the same code; the next step another.
        let later = w.paycode_at(t + chrono::Duration::seconds(14)).unwrap();
        assert_eq!(later.code, view.code);
        assert_eq!(later.seconds_left, 1);
        let next = w.paycode_at(t + chrono::Duration::seconds(15)).unwrap();
        assert_ne!(next.code, view.code);
        assert_eq!(next.seconds_left, 30);
        // The code and seed stay out of Debug output.
        let debug = format!("{view:?}");
        assert!(!debug.contains(&view.code), "{debug}");
        assert!(w.paycode().is_ok());
    }

    #[tokio::test]
    async fn no_seed_until_refreshed_and_none_after_logout() {
        let seed = PaycodeSeed::from_bytes([4; 32]);
        let answer = format!(
            r#"{{"seed":"{}","issued_at":"2030-01-01T00:00:00Z"}}"#,
            seed.to_base64()
        );
        let (url, server) = scripted_server(vec![
            (200, answer),
            (
                200,
                r#"{"seed":"short","issued_at":"2030-01-01T00:00:00Z"}"#.into(),
            ),
            (204, String::new()),
        ]);
        let (dir, _secrets, w) = enrolled(&url);
        assert_eq!(
            w.paycode().unwrap_err().code,
            ErrorCode::PaycodeNotProvisioned
        );
        let view = w.refresh_paycode_seed().await.unwrap();
        assert_eq!(
            view.code,
            seed.code(paycode::step_at(Utc::now())).to_string()
        );
        assert!(w.paycode().is_ok());
        // A malformed seed is refused and the stored one kept.
        assert_eq!(
            w.refresh_paycode_seed().await.unwrap_err().code,
            ErrorCode::Protocol
        );
        let t = Utc::now();
        assert_eq!(
            w.paycode_at(t).unwrap().code,
            seed.code(paycode::step_at(t)).to_string()
        );
        w.logout().await.unwrap();
        assert!(!dir.path().join("wallet.db").exists());
        assert_eq!(w.paycode().unwrap_err().code, ErrorCode::NotSignedIn);
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("POST /v1/paycode/seed "));
        assert!(seen[2].starts_with("POST /v1/devices/dev_1/revoke "));
    }

    #[test]
    fn paycode_needs_a_signed_in_profile() {
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(
            config(dir.path(), "http://127.0.0.1:9"),
            Arc::new(FakeSecrets::default()),
        )
        .unwrap();
        assert_eq!(w.paycode().unwrap_err().code, ErrorCode::NotSignedIn);
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        assert_send(&w.resolve_qr(String::new()));
        assert_send(&w.pay_qr(pay("", None, "")));
        assert_send(&w.refresh_paycode_seed());
        assert_send(&w.paycode_settings());
        assert_send(&w.set_paycode_settings(PaycodeSettingsInput {
            no_pin_enabled: true,
            no_pin_per_payment: String::new(),
            no_pin_daily: String::new(),
            pin: None,
        }));
        assert_send(&w.orders());
        assert_send(&w.confirm_order(String::new(), String::new(), None));
        assert_send(&w.decline_order(String::new()));
    }
}
