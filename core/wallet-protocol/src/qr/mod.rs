//! QR payloads a payer may scan: EMVCo Merchant-Presented Mode (our own merchants and other
//! networks), EMVCo Consumer-Presented Mode, `upi://` links, Alipay/WeChat links, other URLs
//! and plain text.
//!
//! [`decode`] never opens, fetches or follows anything: a link is only ever shown as text.
//! Only our own EMVCo merchant template (tag 26 with [`WALLET_GUID`]) is payable.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;
use crate::money::Money;

pub mod emv;

/// Reverse-domain globally unique identifier of our merchant account template (tag 26, sub 00).
pub const WALLET_GUID: &str = "com.walletpay";

/// What kind of content a QR code holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
pub struct WalletQr {
    pub merchant_id: String,
    pub order_id: Option<String>,
}

/// A decoded QR payload, with the fields `wallet qr decode --json` prints (DESIGN §13).
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
    CrcMismatch { in_payload: String, computed: String },
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
/// classified and returned as text.
pub fn decode(payload: &str) -> Result<DecodedQr, QrError> {
    let _ = payload;
    todo!("issue 4: EMVCo codec")
}

/// Our static code for a merchant (tag 01 = `11`, CNY, country CN).
pub fn wallet_static_payload(merchant: &WalletMerchant) -> Result<String, QrError> {
    let _ = merchant;
    todo!("issue 4: EMVCo codec")
}

/// Our dynamic code for one order (tag 01 = `12`, amount locked in tag 54, order id in our
/// template and in tag 62 reference label).
pub fn wallet_dynamic_payload(
    merchant: &WalletMerchant,
    order_id: &str,
    amount: Money,
) -> Result<String, QrError> {
    let _ = (merchant, order_id, amount);
    todo!("issue 4: EMVCo codec")
}
