//! Merchant notices (docs/rules.md §Paying): every change of an order (paid, refunded,
//! expired, declined) is POSTed to the merchant's `notify_url` as JSON, signed with the
//! merchant's notice secret, and retried with back-off until the merchant answers `2xx`.
//!
//! The signature, exactly (server/README.md "Merchant notices" has examples in Python and
//! Node, and [`verify`] is the Rust one):
//!
//! - `Wallet-Notice-Id`: the notice's id (`ntc_...`), the same on every attempt; also in the
//!   body as `notice_id`. Use it to drop repeats: a notice can arrive more than once.
//! - `Wallet-Notice-Timestamp`: Unix seconds when this attempt was signed.
//! - `Wallet-Notice-Signature`: `v1=` and the lowercase hex HMAC-SHA256, keyed with the notice
//!   secret's text (its UTF-8 bytes, `nsk_...` included), of `<timestamp>.<body>`: the
//!   timestamp header's digits, one `.`, then the raw body bytes exactly as received.
//!
//! A receiver recomputes the HMAC over the raw body (before any JSON parsing), compares in
//! constant time, and refuses a timestamp more than [`TOLERANCE_SECS`] from its clock.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::money::Money;

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// Paths of the merchant API for notices (merchant key).
pub mod paths {
    /// `GET`: the merchant's latest notices and their delivery state (`?order_id=` for one order).
    pub const MERCHANT_NOTICES: &str = "/v1/merchants/{merchant_id}/notices";
    /// `GET`, `PUT`: where notices go (`notify_url`).
    pub const MERCHANT_NOTICE_SETTINGS: &str = "/v1/merchants/{merchant_id}/notice-settings";
    /// `POST`: a new notice secret (shown once; the old one stops signing at once).
    pub const MERCHANT_NOTICE_SECRET: &str = "/v1/merchants/{merchant_id}/notice-secret";

    pub fn merchant_notices(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/notices")
    }

    pub fn merchant_notice_settings(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/notice-settings")
    }

    pub fn merchant_notice_secret(merchant_id: &str) -> String {
        format!("/v1/merchants/{merchant_id}/notice-secret")
    }
}

pub const HEADER_ID: &str = "Wallet-Notice-Id";
pub const HEADER_TIMESTAMP: &str = "Wallet-Notice-Timestamp";
pub const HEADER_SIGNATURE: &str = "Wallet-Notice-Signature";
/// The signature scheme's prefix in [`HEADER_SIGNATURE`].
pub const SIGNATURE_PREFIX: &str = "v1=";
/// How far a notice's timestamp may be from the receiver's clock (what [`verify`] allows).
pub const TOLERANCE_SECS: i64 = 300;
/// Longest `notify_url`.
pub const NOTIFY_URL_MAX_LEN: usize = 512;

/// What happened to the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum NoticeEvent {
    /// The payer paid it (`amount` is the order's amount).
    Paid,
    /// The merchant refunded part or all of it (`amount` is this refund).
    Refunded,
    /// It was not paid in time.
    Expired,
    /// The payer declined it (or a freeze of the payer's account did).
    Declined,
}

impl NoticeEvent {
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeEvent::Paid => "paid",
            NoticeEvent::Refunded => "refunded",
            NoticeEvent::Expired => "expired",
            NoticeEvent::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "paid" => NoticeEvent::Paid,
            "refunded" => NoticeEvent::Refunded,
            "expired" => NoticeEvent::Expired,
            "declined" => NoticeEvent::Declined,
            _ => return None,
        })
    }
}

/// The body of a notice POST.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticeBody {
    /// `ntc_...`, the same on every attempt (and in `Wallet-Notice-Id`).
    pub notice_id: String,
    pub event: NoticeEvent,
    pub merchant_id: String,
    pub order_id: String,
    /// `paid`, `expired`, `declined`: the order's amount; `refunded`: this refund's.
    pub amount: Money,
    pub order_amount: Money,
    /// Refunded so far, this notice's refund included.
    pub refunded: Money,
    /// When the order changed (RFC 3339, UTC).
    pub occurred_at: DateTime<Utc>,
}

/// Where a notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub enum DeliveryStatus {
    /// Not acknowledged yet: waiting for its next attempt.
    Pending,
    /// The merchant answered `2xx`.
    Delivered,
    /// Every attempt failed (or the `notify_url` was removed): no more tries.
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "pending" => DeliveryStatus::Pending,
            "delivered" => DeliveryStatus::Delivered,
            "failed" => DeliveryStatus::Failed,
            _ => return None,
        })
    }
}

/// One notice and its delivery state, as the merchant API and tools show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticeDelivery {
    pub notice_id: String,
    pub order_id: String,
    pub event: NoticeEvent,
    pub amount: Money,
    pub occurred_at: DateTime<Utc>,
    pub status: DeliveryStatus,
    /// Attempts made so far.
    pub attempts: u32,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer (none: no answer, see `last_error`).
    pub last_http_status: Option<u16>,
    /// Why the last attempt failed (`http 500`, `timeout`, `connect`, ...).
    pub last_error: Option<String>,
    /// When the next attempt is due (pending only).
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// `GET /v1/merchants/{id}/notices`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticeList {
    pub notify_url: Option<String>,
    pub notices: Vec<NoticeDelivery>,
}

/// `PUT /v1/merchants/{id}/notice-settings`: where notices go; `null` stops them (notices
/// already made and not delivered fail).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticeSettingsUpdate {
    #[cfg_attr(feature = "openapi", schema(schema_with = notify_url_schema))]
    pub notify_url: Option<String>,
}

/// The merchant's notice settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticeSettings {
    pub notify_url: Option<String>,
    /// When the current notice secret was made.
    pub secret_created_at: Option<DateTime<Utc>>,
}

/// `POST /v1/merchants/{id}/notice-secret`: the new secret, shown once.
#[derive(Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
pub struct NoticeSecret {
    pub notice_secret: String,
    pub secret_created_at: DateTime<Utc>,
}

impl std::fmt::Debug for NoticeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoticeSecret")
            .field("notice_secret", &"<redacted>")
            .field("secret_created_at", &self.secret_created_at)
            .finish()
    }
}

/// The `notify_url` field: an `http(s)` URL the server checks further (`NOTIFY_URL_INVALID`).
#[cfg(feature = "openapi")]
pub fn notify_url_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .description(Some(
            "Where notices are POSTed: an http(s) URL without user or password, at most 512 \
             characters; outside sandbox mode not a private, loopback or link-local address \
             (NOTIFY_URL_INVALID). `null`: no notices.",
        ))
        .format(Some(SchemaFormat::Custom("notify-url".to_owned())))
        .max_length(Some(NOTIFY_URL_MAX_LEN))
        .pattern(Some("^[Hh][Tt][Tt][Pp][Ss]?://"))
        .into()
}

/// The bytes that are signed: `<timestamp>.<body>`.
pub fn signed_payload(timestamp: i64, body: &[u8]) -> Vec<u8> {
    let mut out = format!("{timestamp}.").into_bytes();
    out.extend_from_slice(body);
    out
}

#[allow(clippy::expect_used, reason = "HMAC takes a key of any length")]
fn mac(secret: &str) -> Hmac<Sha256> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length")
}

/// The `Wallet-Notice-Signature` value for a body signed at `timestamp`: `v1=<hex>`.
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut m = mac(secret);
    m.update(&signed_payload(timestamp, body));
    format!(
        "{SIGNATURE_PREFIX}{}",
        hex::encode(m.finalize().into_bytes())
    )
}

/// Why a notice does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the timestamp header is not a number")]
    TimestampMalformed,
    #[error("the timestamp is more than {TOLERANCE_SECS} seconds from now")]
    TimestampOutOfRange,
    #[error("the signature header is not v1=<64 hex digits>")]
    SignatureMalformed,
    #[error("the signature does not match the body")]
    SignatureMismatch,
}

/// What a receiver does with a notice: checks the signature over the raw body with the
/// merchant's secret (constant time) and the timestamp against `now` (Unix seconds).
pub fn verify(
    secret: &str,
    timestamp_header: &str,
    signature_header: &str,
    body: &[u8],
    now: i64,
) -> Result<(), VerifyError> {
    let timestamp: i64 = timestamp_header
        .trim()
        .parse()
        .map_err(|_| VerifyError::TimestampMalformed)?;
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(VerifyError::TimestampOutOfRange);
    }
    let tag = signature_header
        .trim()
        .strip_prefix(SIGNATURE_PREFIX)
        .and_then(|h| hex::decode(h).ok())
        .filter(|t| t.len() == 32)
        .ok_or(VerifyError::SignatureMalformed)?;
    let mut m = mac(secret);
    m.update(&signed_payload(timestamp, body));
    m.verify_slice(&tag)
        .map_err(|_| VerifyError::SignatureMismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let body = br#"{"notice_id":"ntc_1","event":"paid"}"#;
        let sig = sign("nsk_secret", 1_765_000_000, body);
        assert!(sig.starts_with("v1=") && sig.len() == 3 + 64, "{sig}");
        assert_eq!(
            verify("nsk_secret", "1765000000", &sig, body, 1_765_000_100),
            Ok(())
        );
        assert_eq!(
            verify("nsk_other", "1765000000", &sig, body, 1_765_000_100),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify("nsk_secret", "1765000001", &sig, body, 1_765_000_100),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify(
                "nsk_secret",
                "1765000000",
                &sig,
                br#"{"notice_id":"ntc_1","event":"paid "}"#,
                1_765_000_100
            ),
            Err(VerifyError::SignatureMismatch)
        );
        assert_eq!(
            verify("nsk_secret", "1765000000", &sig, body, 1_765_000_301),
            Err(VerifyError::TimestampOutOfRange)
        );
        assert_eq!(
            verify("nsk_secret", "x", &sig, body, 0),
            Err(VerifyError::TimestampMalformed)
        );
        assert_eq!(
            verify("nsk_secret", "1765000000", "v2=00", body, 1_765_000_000),
            Err(VerifyError::SignatureMalformed)
        );
    }

    /// The documented example (server/README.md): Python's `hmac` and Node's `crypto` give
    /// the same value.
    #[test]
    fn the_documented_example_signs_as_written() {
        let body = br#"{"notice_id":"ntc_example","event":"paid"}"#;
        assert_eq!(
            signed_payload(1_765_000_000, body),
            br#"1765000000.{"notice_id":"ntc_example","event":"paid"}"#.to_vec()
        );
        assert_eq!(
            sign("nsk_example", 1_765_000_000, body),
            "v1=d60cde051edca5ad3022d98c3a0edbf4a650edad3cf6b38f36fb810e82e7265f"
        );
    }
}
