//! QR payloads a payer may scan: EMVCo Merchant-Presented Mode (our own merchants and other
//! networks), EMVCo Consumer-Presented Mode, `upi://` links, Alipay/WeChat links, other URLs
//! and plain text.
//!
//! [`decode`] never opens, fetches or follows anything: a link is only ever shown as text.
//! Only our own EMVCo merchant template (tag 26 with [`WALLET_GUID`]) is payable.
//! `docs/qr.md` explains every decision below with the vectors that exercise it.
//!
//! # Classification (after trimming surrounding whitespace)
//! * empty → [`QrError::Empty`];
//! * starts with `00` (the mandatory first tag) → EMVCo MPM, checked strictly: a damaged
//!   payment code is reported as damaged, never shown as harmless text;
//! * starts with `hQVDUFYwM` (base64 of `85 05 "CPV01"`) → EMVCo CPM: someone's payment code,
//!   named (UnionPay when an AID is `A000000333…`), never payable, card data never copied out;
//! * `upi://…`, `payto://upi/…` → UPI, parameters in `upi` (`+` is a space: form encoding);
//! * `alipay(s)://`, `http(s)://qr.alipay.com/…` → Alipay; `wxp://`, `weixin://`,
//!   `http(s)://wx.tenpay.com/…` → WeChat (the host after any `user@` part);
//! * another `scheme://…` or a known opaque scheme (`mailto:`, `tel:`, …) without spaces →
//!   URL; anything else → text. Links and text never fail.
//!
//! # Strictness of EMVCo MPM
//! Three tiers:
//! 1. **Integrity, every code, always an error**: two-digit tags and lengths; lengths count
//!    characters (not UTF-8 bytes: no fallback to byte counting); tag `00` first with value
//!    `01`; tag `63` last, 4 hex digits (either case) matching CRC-16/CCITT-FALSE over the UTF-8
//!    bytes up to and including `6304`; no tag twice at one level; templates 26–51, 62, 64,
//!    80–99 and 62/50–99 well formed; no control characters. The CRC is checked first by
//!    position, so damage anywhere reads as `QR_CRC_MISMATCH`; a payload without `63` is
//!    `QR_MISSING_FIELD` (63); a CRC mismatch is always an error (use
//!    [`decode_ignoring_crc`] to inspect a damaged code; it is never payable).
//! 2. **Values a payer reads, every code**: 01 is `11`/`12`; 52 four digits; 53 three
//!    digits; 54 and 56 follow EMVCo 4.7.4.1 (digits and at most one `.`, ≤ 13 characters, so
//!    `10.`, `0.9` and `100` are valid); 55 is `01`–`03`; 57 ≤ 5 characters; 58 two capital
//!    letters. Values are returned exactly as in the payload.
//! 3. **Everything else the spec says, on our own codes only** (tag 26 carries our GUID):
//!    mandatory 01/52/53/58/59/60; 59 ≤ 25 and 60 ≤ 15 characters, 61 ≤ 10, 62/01–08 ≤ 25;
//!    no zero-length field; payload ≤ 512 characters; amount not zero, at most 2 decimals;
//!    plus our rules: currency 156 and country CN (a code claiming our template otherwise is
//!    refused, not merely unpayable), static codes without amount/order, dynamic codes with
//!    amount, order id in 26/02 and its reference label in 62/05, no tip/fee tags, and our
//!    GUID nowhere but 26. Foreign codes that break these rules (zero-length `5900`, a
//!    16-character city, a missing city, amount `0`, >512 characters) are still decoded and
//!    named: nothing foreign is paid, and naming the network is more useful than an error.
//!
//! VietQR: the beneficiary template 38/01 is shown as `templates["38/01"]` when it is well
//! formed, whether the service code sits at 38/02 (NAPAS) or inside 38/01; both are VietQR.
//!
//! # Generation
//! [`wallet_static_payload`] / [`wallet_dynamic_payload`] emit tags in ascending order; names
//! and cities are UTF-8 counted in characters; when either is not ASCII, template 64 (language
//! `ZH`, 01 name, 02 city) is added as well. Order ids longer than 25 characters go whole into
//! 26/02 and as their last 25 characters into 62/05 ([`ours::reference_label`]).
//! [`emv::Builder`] / [`emv::encode`] build arbitrary payloads (framing only).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::money::{Currency, Money};

pub mod cpm;
pub mod emv;
pub mod link;
pub mod network;
pub mod ours;
#[doc(hidden)]
pub mod selfcheck;

/// Reverse-domain globally unique identifier of our merchant account template (tag 26, sub 00).
pub const WALLET_GUID: &str = "com.walletpay";

/// What kind of content a QR code holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QrKind {
    /// EMVCo Merchant-Presented Mode (`000201...6304XXXX`).
    EmvcoMpm,
    /// EMVCo Consumer-Presented Mode (base64 BER-TLV starting `85 05 CPV01`): someone's
    /// payment code, which a merchant scans, not a payer.
    EmvcoCpm,
    /// `upi://pay?...` or `payto://upi/...` (India).
    Upi,
    Alipay,
    Wechat,
    /// Any other link: shown as text, never opened.
    Url,
    Text,
}

/// The payment network an EMVCo code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum QrNetwork {
    /// Ours: payable.
    Wallet,
    Pix,
    Promptpay,
    Vietqr,
    Sgqr,
    Paynow,
    Duitnow,
    Qris,
    Bharatqr,
    Unionpay,
    Unknown,
}

/// Our own merchant template (tag 26): which merchant, and which order for a dynamic code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WalletQr {
    pub merchant_id: String,
    pub order_id: Option<String>,
}

/// A decoded QR payload, with the fields `wallet qr decode --json` prints (docs/rules.md §CLI).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DecodedQr {
    pub kind: QrKind,
    /// For EMVCo payloads; `None` for links and text.
    pub network: Option<QrNetwork>,
    /// English name of the network or link type for display ("Pix (Brazil)", "UPI (India)").
    /// Shells localise by `kind`/`network`; this is a fallback.
    pub network_name: Option<String>,
    /// Only our own EMVCo code is payable.
    pub payable: bool,
    /// EMVCo MPM: whether tag 63 matched. `None` for other kinds.
    pub valid_crc: Option<bool>,
    /// Tag 01: `"11"` static, `"12"` dynamic.
    pub point_of_initiation: Option<String>,
    pub merchant_name: Option<String>,
    pub merchant_city: Option<String>,
    /// Tag 58, ISO 3166 alpha-2.
    pub country: Option<String>,
    /// Tag 53, ISO 4217 numeric as in the payload (`"156"`).
    pub currency: Option<String>,
    /// Tag 54 as in the payload (`"12.50"`), or the `am` of a UPI link.
    pub amount: Option<String>,
    /// Tag 52.
    pub mcc: Option<String>,
    /// Nested templates by tag (26–51, 62, 64, 80–99), each as sub-tag → value.
    pub templates: BTreeMap<String, BTreeMap<String, String>>,
    /// Our own merchant template, when present.
    pub wallet: Option<WalletQr>,
    /// The raw text of links and text (never opened), and of Alipay/WeChat/UPI links.
    pub text: Option<String>,
    /// Query parameters of a UPI link (`pa`, `pn`, `am`, `cu`, ...), decoded.
    pub upi: Option<BTreeMap<String, String>>,
}

/// Why a payload that looks like an EMVCo code cannot be read. Links and text never fail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    #[error("the payload is empty")]
    Empty,
    #[error("CRC mismatch: payload says {in_payload}, computed {computed}")]
    CrcMismatch {
        in_payload: String,
        computed: String,
    },
    #[error("malformed TLV at byte {offset}: {reason}")]
    MalformedTlv { offset: usize, reason: &'static str },
    #[error("required tag {tag} is missing")]
    MissingField { tag: String },
    #[error("tag {tag} is not valid: {reason}")]
    InvalidField { tag: String, reason: &'static str },
}

impl QrError {
    pub fn code(&self) -> ErrorCode {
        match self {
            QrError::Empty => ErrorCode::QrEmpty,
            QrError::CrcMismatch { .. } => ErrorCode::QrCrcMismatch,
            QrError::MalformedTlv { .. } => ErrorCode::QrMalformedTlv,
            QrError::MissingField { .. } => ErrorCode::QrMissingField,
            QrError::InvalidField { .. } => ErrorCode::QrInvalidField,
        }
    }
}

/// A merchant as it goes into our own codes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletMerchant {
    pub merchant_id: String,
    /// Tag 59 (at most 25 characters).
    pub name: String,
    /// Tag 60 (at most 15 characters).
    pub city: String,
    /// Tag 52, 4 digits.
    pub mcc: String,
}

/// Reads any scanned text. EMVCo-looking payloads are checked strictly; links and text are
/// classified and returned as text. See the module docs for what "strictly" means.
pub fn decode(payload: &str) -> Result<DecodedQr, QrError> {
    decode_inner(payload, true)
}

/// Like [`decode`], but a missing or wrong CRC (tag 63) is reported in `valid_crc` (`None` /
/// `Some(false)`) instead of failing; every other check still applies. For diagnostics (what
/// does this damaged code say?) only: the result is never `payable`.
pub fn decode_ignoring_crc(payload: &str) -> Result<DecodedQr, QrError> {
    decode_inner(payload, false)
}

fn decode_inner(payload: &str, strict_crc: bool) -> Result<DecodedQr, QrError> {
    let p = payload.trim();
    if p.is_empty() {
        return Err(QrError::Empty);
    }
    if p.starts_with("00") {
        let mpm = if strict_crc {
            emv::parse(p)?
        } else {
            emv::parse_ignoring_crc(p)?
        };
        return mpm_decoded(&mpm);
    }
    if p.starts_with(cpm::BASE64_PREFIX) {
        let cpm = cpm::decode_base64(p)?;
        let network = if cpm.is_unionpay() {
            QrNetwork::Unionpay
        } else {
            QrNetwork::Unknown
        };
        let mut d = DecodedQr::empty(QrKind::EmvcoCpm);
        d.network = Some(network);
        d.network_name = Some(
            if network == QrNetwork::Unionpay {
                "UnionPay payment code (consumer-presented)"
            } else {
                "EMVCo payment code (consumer-presented)"
            }
            .to_owned(),
        );
        d.templates = cpm.templates();
        return Ok(d);
    }
    let kind = link::classify(p);
    let mut d = DecodedQr::empty(kind);
    d.network_name = link::kind_name(kind).map(str::to_owned);
    d.text = Some(payload.to_owned());
    if kind == QrKind::Upi {
        let params = link::upi_params(p);
        d.amount = params.get("am").or_else(|| params.get("amount")).cloned();
        d.merchant_name = params
            .get("pn")
            .or_else(|| params.get("receiver-name"))
            .cloned();
        d.upi = Some(params);
    }
    Ok(d)
}

impl DecodedQr {
    fn empty(kind: QrKind) -> Self {
        Self {
            kind,
            network: None,
            network_name: None,
            payable: false,
            valid_crc: None,
            point_of_initiation: None,
            merchant_name: None,
            merchant_city: None,
            country: None,
            currency: None,
            amount: None,
            mcc: None,
            templates: BTreeMap::new(),
            wallet: None,
            text: None,
            upi: None,
        }
    }

    /// The EMVCo amount (tag 54) as money, for the currencies the wallet knows, when it is a
    /// valid amount (at most the currency's decimals). `None` otherwise.
    pub fn amount_money(&self) -> Option<Money> {
        if self.kind != QrKind::EmvcoMpm {
            return None;
        }
        let currency = Currency::from_code(self.currency.as_deref()?)?;
        let minor = emv::amount_minor(self.amount.as_deref()?, currency.exponent())?;
        Some(Money::new(i64::try_from(minor).ok()?, currency))
    }
}

fn mpm_decoded(m: &emv::Mpm<'_>) -> Result<DecodedQr, QrError> {
    let network = network::detect(m);
    let wallet = if network == QrNetwork::Wallet {
        Some(ours::validate(m)?)
    } else {
        ours::check_guid_not_misplaced(m)?;
        None
    };
    let valid_crc = match m.crc() {
        emv::CrcStatus::Valid => Some(true),
        emv::CrcStatus::Mismatch => Some(false),
        emv::CrcStatus::Missing => None,
    };
    let own = |tag: u8| m.get(tag).map(str::to_owned);
    let mut templates = BTreeMap::new();
    for t in m.fields().filter(|t| emv::is_template_tag(t.tag)) {
        templates.insert(emv::tag_str(t.tag), sub_map(t.value));
    }
    if network == QrNetwork::Vietqr {
        // NAPAS nests the beneficiary (bank BIN, account) in 38/01; shown as "38/01" when it
        // is a well-formed template.
        if let Some(inner) = m.sub(38, 1) {
            if emv::tlvs(inner).all(|t| t.is_ok()) {
                templates.insert("38/01".to_owned(), sub_map(inner));
            }
        }
    }
    Ok(DecodedQr {
        kind: QrKind::EmvcoMpm,
        network: Some(network),
        network_name: Some(network.display_name().to_owned()),
        payable: network == QrNetwork::Wallet && valid_crc == Some(true),
        valid_crc,
        point_of_initiation: own(1),
        merchant_name: own(59),
        merchant_city: own(60),
        country: own(58),
        currency: own(53),
        amount: own(54),
        mcc: own(52),
        templates,
        wallet,
        text: None,
        upi: None,
    })
}

fn sub_map(template: &str) -> BTreeMap<String, String> {
    emv::tlvs(template)
        .map_while(Result::ok)
        .map(|t| (emv::tag_str(t.tag), t.value.to_owned()))
        .collect()
}

/// Our static code for a merchant (tag 01 = `11`, CNY, country CN).
pub fn wallet_static_payload(merchant: &WalletMerchant) -> Result<String, QrError> {
    ours::payload(merchant, None)
}

/// Our dynamic code for one order (tag 01 = `12`, amount locked in tag 54, order id in our
/// template and in tag 62 reference label).
pub fn wallet_dynamic_payload(
    merchant: &WalletMerchant,
    order_id: &str,
    amount: Money,
) -> Result<String, QrError> {
    ours::payload(merchant, Some((order_id, amount)))
}
