//! Sending SMS. The real gateway is a later adapter (docs/rules.md §Non-goals). In sandbox mode
//! [`OutboxSms`] is the SMS channel: messages land in the `sms_outbox` table, which testers read
//! with `wallet-server otp outbox` (or `sms outbox`) or `GET /v1/sandbox/outbox`, and which the
//! housekeeping ticker prunes after [`OUTBOX_KEEP_SECS`]. Outside the sandbox no code is stored
//! anywhere ([`NoSmsGateway`], see [`for_mode`]).
//!
//! Receiving SMS (SMS payment, "reply Y"): a gateway delivers each message a phone sends to one
//! of the provider's service numbers as an [`InboundSms`], which
//! `domain::sms_pay::receive` answers with a [`TextMessage`] through [`SmsSender::send_text`].
//! In sandbox mode `POST /v1/sandbox/sms/inbound` and `wallet-server sms send` deliver them.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Utc};
use wallet_protocol::api::{Outbox, OutboxMessage};
use wallet_protocol::PhoneNumber;

use crate::config::OTP_TTL_SECS;
use crate::store::{SmsRecord, Store, StoreError};

/// One verification-code message.
#[derive(Clone)]
pub struct OtpMessage {
    pub phone: PhoneNumber,
    pub code: String,
    /// `signup` or `login`.
    pub purpose: &'static str,
    pub sent_at: DateTime<Utc>,
}

impl std::fmt::Debug for OtpMessage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtpMessage")
            .field("phone", &self.phone)
            .field("purpose", &self.purpose)
            .finish_non_exhaustive()
    }
}

impl OtpMessage {
    /// The text the user receives.
    pub fn body(&self) -> String {
        format!(
            "【Wallet】Your verification code is {}. It expires in {} minutes. Never share it.",
            self.code,
            OTP_TTL_SECS / 60
        )
    }
}

/// A text message to a phone (an answer to an [`InboundSms`]): not a code, no secret in it.
#[derive(Debug, Clone)]
pub struct TextMessage {
    pub phone: PhoneNumber,
    /// The service number it is sent from.
    pub sender: String,
    pub body: String,
    /// What scripts look for in the outbox (`code`): the one-time reference it names, if any.
    pub reference: Option<String>,
    /// E.g. `sms_pay`.
    pub purpose: &'static str,
    pub sent_at: DateTime<Utc>,
}

/// An SMS a phone sent to one of the provider's service numbers, as the gateway delivers it.
#[derive(Debug, Clone)]
pub struct InboundSms {
    pub from: PhoneNumber,
    /// The service number (digits only).
    pub to: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SmsError {
    #[error("the SMS outbox could not be written: {0}")]
    Outbox(#[from] StoreError),
}

pub type SendFuture<'a> = Pin<Box<dyn Future<Output = Result<(), SmsError>> + Send + 'a>>;

/// Delivers verification codes and other messages to phones.
pub trait SmsSender: Send + Sync + 'static {
    fn send_otp<'a>(&'a self, message: &'a OtpMessage) -> SendFuture<'a>;

    /// A text message from a service number (the answers of SMS payment).
    fn send_text<'a>(&'a self, message: &'a TextMessage) -> SendFuture<'a>;
}

/// Writes every message to the `sms_outbox` table.
#[derive(Debug, Clone)]
pub struct OutboxSms {
    store: Store,
}

impl OutboxSms {
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

impl SmsSender for OutboxSms {
    fn send_otp<'a>(&'a self, message: &'a OtpMessage) -> SendFuture<'a> {
        Box::pin(async move {
            self.store
                .insert_sms(SmsRecord {
                    phone: message.phone.as_e164().to_owned(),
                    body: message.body(),
                    code: message.code.clone(),
                    purpose: message.purpose.to_owned(),
                    sent_at: message.sent_at.timestamp(),
                })
                .await?;
            tracing::info!(phone = %message.phone.masked(), purpose = message.purpose, "OTP sent to outbox");
            Ok(())
        })
    }

    fn send_text<'a>(&'a self, message: &'a TextMessage) -> SendFuture<'a> {
        Box::pin(async move {
            self.store
                .insert_sms(SmsRecord {
                    phone: message.phone.as_e164().to_owned(),
                    body: message.body.clone(),
                    code: message.reference.clone().unwrap_or_default(),
                    purpose: message.purpose.to_owned(),
                    sent_at: message.sent_at.timestamp(),
                })
                .await?;
            tracing::info!(phone = %message.phone.masked(), purpose = message.purpose, "SMS sent to outbox");
            Ok(())
        })
    }
}

/// Outside the sandbox, until a real SMS gateway adapter exists: delivers nothing and stores
/// nothing (`serve` refuses to start without `--sandbox` anyway, docs/rules.md §Provider).
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSmsGateway;

impl SmsSender for NoSmsGateway {
    fn send_otp<'a>(&'a self, message: &'a OtpMessage) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::warn!(phone = %message.phone.masked(), purpose = message.purpose,
                "no SMS gateway is configured: code not delivered, not stored");
            Ok(())
        })
    }

    fn send_text<'a>(&'a self, message: &'a TextMessage) -> SendFuture<'a> {
        Box::pin(async move {
            tracing::warn!(phone = %message.phone.masked(), purpose = message.purpose,
                "no SMS gateway is configured: message not delivered, not stored");
            Ok(())
        })
    }
}

/// The SMS channel of a mode: the outbox in sandbox mode, else none that stores codes.
pub fn for_mode(store: &Store, sandbox: bool) -> std::sync::Arc<dyn SmsSender> {
    if sandbox {
        std::sync::Arc::new(OutboxSms::new(store.clone()))
    } else {
        std::sync::Arc::new(NoSmsGateway)
    }
}

/// How long the sandbox outbox keeps a message (a day: codes live 5 minutes).
pub const OUTBOX_KEEP_SECS: i64 = 86_400;

/// Most messages one outbox read returns.
pub const OUTBOX_LIMIT: u32 = 50;

impl From<SmsRecord> for OutboxMessage {
    fn from(r: SmsRecord) -> Self {
        OutboxMessage {
            phone: r.phone,
            body: r.body,
            code: r.code,
            purpose: r.purpose,
            sent_at: DateTime::from_timestamp(r.sent_at, 0).unwrap_or_default(),
        }
    }
}

/// The messages sent to `phone`, newest first, as the wire `Outbox`.
pub async fn read_outbox(store: &Store, phone: &PhoneNumber) -> Result<Outbox, StoreError> {
    let rows = store.outbox(phone.as_e164(), OUTBOX_LIMIT).await?;
    Ok(Outbox {
        messages: rows.into_iter().map(OutboxMessage::from).collect(),
    })
}
