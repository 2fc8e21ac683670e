//! Mirrors of `wallet-core`'s plain data as uniffi records and enums, with `From` conversions.
//! Times are RFC 3339 UTC strings, as in the core.

use std::collections::HashMap;
use std::path::PathBuf;

/// How the host opens a profile.
#[derive(Debug, Clone, uniffi::Record)]
pub struct WalletConfig {
    /// The profile directory (app-private storage): the encrypted database lives here.
    pub home: String,
    /// Provider base URL; plain HTTP only to loopback.
    pub server_url: String,
    /// Shown in the device list.
    pub device_name: String,
    /// `android`, `ios`, ...
    pub platform: String,
}

impl From<WalletConfig> for wallet_core::WalletConfig {
    fn from(c: WalletConfig) -> Self {
        Self {
            home: PathBuf::from(c.home),
            server_url: c.server_url,
            device_name: c.device_name,
            platform: c.platform,
        }
    }
}

/// What `signup` needs.
#[derive(Clone, uniffi::Record)]
pub struct SignupInput {
    pub phone: String,
    pub name: String,
    pub id_number: String,
    pub password: String,
}

impl std::fmt::Debug for SignupInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignupInput").finish_non_exhaustive()
    }
}

impl From<SignupInput> for wallet_core::SignupInput {
    fn from(i: SignupInput) -> Self {
        Self {
            phone: i.phone,
            name: i.name,
            id_number: i.id_number,
            password: i.password,
        }
    }
}

/// What a sign-up or sign-in is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChallengePurpose {
    Signup,
    Login,
    /// Resetting a forgotten or locked payment PIN (password + SMS code).
    PinReset,
    /// Changing the account's phone number.
    PhoneChange,
}

impl From<wallet_core::ChallengePurpose> for ChallengePurpose {
    fn from(p: wallet_core::ChallengePurpose) -> Self {
        match p {
            wallet_core::ChallengePurpose::Signup => Self::Signup,
            wallet_core::ChallengePurpose::Login => Self::Login,
            wallet_core::ChallengePurpose::PinReset => Self::PinReset,
            wallet_core::ChallengePurpose::PhoneChange => Self::PhoneChange,
        }
    }
}

/// A sign-up, sign-in or PIN reset waiting for the SMS code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingVerification {
    pub purpose: ChallengePurpose,
    /// `+86 138****5678`
    pub phone_masked: String,
    pub expires_at: String,
}

impl From<wallet_core::PendingVerification> for PendingVerification {
    fn from(p: wallet_core::PendingVerification) -> Self {
        Self {
            purpose: p.purpose.into(),
            phone_masked: p.phone_masked,
            expires_at: p.expires_at,
        }
    }
}

/// The signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Profile {
    pub account_id: String,
    pub device_id: String,
    /// E.164.
    pub phone: String,
    pub phone_masked: String,
    pub name: String,
    pub id_last4: String,
}

impl From<wallet_core::Profile> for Profile {
    fn from(p: wallet_core::Profile) -> Self {
        Self {
            account_id: p.account_id,
            device_id: p.device_id,
            phone: p.phone,
            phone_masked: p.phone_masked,
            name: p.name,
            id_last4: p.id_last4,
        }
    }
}

/// One device of the account.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Device {
    pub device_id: String,
    pub name: String,
    pub platform: String,
    pub enrolled_at: String,
    pub last_seen_at: String,
    /// This device.
    pub current: bool,
}

impl From<wallet_core::Device> for Device {
    fn from(d: wallet_core::Device) -> Self {
        Self {
            device_id: d.device_id,
            name: d.name,
            platform: d.platform,
            enrolled_at: d.enrolled_at,
            last_seen_at: d.last_seen_at,
            current: d.current,
        }
    }
}

/// What the password strength meter shows.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PasswordStrength {
    /// zxcvbn score, 0 to 4.
    pub score: u8,
    /// Whether the password may be used.
    pub acceptable: bool,
    /// zxcvbn's warning, in English.
    pub warning: Option<String>,
    /// zxcvbn's suggestions, in English.
    pub suggestions: Vec<String>,
}

impl From<wallet_core::PasswordStrength> for PasswordStrength {
    fn from(s: wallet_core::PasswordStrength) -> Self {
        Self {
            score: s.score,
            acceptable: s.acceptable,
            warning: s.warning,
            suggestions: s.suggestions,
        }
    }
}

/// Where this profile stands; what the app shows at start.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SessionStatus {
    SignedOut,
    PendingVerification { pending: PendingVerification },
    SignedIn { profile: Profile },
}

impl From<wallet_core::SessionStatus> for SessionStatus {
    fn from(s: wallet_core::SessionStatus) -> Self {
        match s {
            wallet_core::SessionStatus::SignedOut => Self::SignedOut,
            wallet_core::SessionStatus::PendingVerification { pending } => {
                Self::PendingVerification {
                    pending: pending.into(),
                }
            }
            wallet_core::SessionStatus::SignedIn { profile } => Self::SignedIn {
                profile: profile.into(),
            },
        }
    }
}

// --- cards, PIN and money ----------------------------------------------------------------------

/// The currencies the wallet holds. Only CNY moves money today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Currency {
    Cny,
    Hkd,
    Twd,
    Usd,
}

impl From<wallet_core::Currency> for Currency {
    fn from(c: wallet_core::Currency) -> Self {
        match c {
            wallet_core::Currency::Cny => Self::Cny,
            wallet_core::Currency::Hkd => Self::Hkd,
            wallet_core::Currency::Twd => Self::Twd,
            wallet_core::Currency::Usd => Self::Usd,
        }
    }
}

/// An amount of money in minor units (fen for CNY).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Money {
    /// Minor units. May be negative only in ledger entries and signed totals.
    pub minor: i64,
    pub currency: Currency,
}

impl From<wallet_core::Money> for Money {
    fn from(m: wallet_core::Money) -> Self {
        Self {
            minor: m.minor,
            currency: m.currency.into(),
        }
    }
}

/// The issuing banks the BIN table knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Bank {
    Icbc,
    Ccb,
    Boc,
    Abc,
    Cmb,
    Bocom,
    Psbc,
    Spdb,
    Citic,
    Cmbc,
    Ceb,
    Cib,
    Cgb,
    HuaXia,
}

impl From<wallet_core::Bank> for Bank {
    fn from(b: wallet_core::Bank) -> Self {
        match b {
            wallet_core::Bank::Icbc => Self::Icbc,
            wallet_core::Bank::Ccb => Self::Ccb,
            wallet_core::Bank::Boc => Self::Boc,
            wallet_core::Bank::Abc => Self::Abc,
            wallet_core::Bank::Cmb => Self::Cmb,
            wallet_core::Bank::Bocom => Self::Bocom,
            wallet_core::Bank::Psbc => Self::Psbc,
            wallet_core::Bank::Spdb => Self::Spdb,
            wallet_core::Bank::Citic => Self::Citic,
            wallet_core::Bank::Cmbc => Self::Cmbc,
            wallet_core::Bank::Ceb => Self::Ceb,
            wallet_core::Bank::Cib => Self::Cib,
            wallet_core::Bank::Cgb => Self::Cgb,
            wallet_core::Bank::HuaXia => Self::HuaXia,
        }
    }
}

/// The card schemes the wallet accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CardScheme {
    Unionpay,
    Visa,
    Mastercard,
    Amex,
    Jcb,
    Discover,
    Diners,
    Mir,
    Maestro,
}

impl From<wallet_core::CardScheme> for CardScheme {
    fn from(s: wallet_core::CardScheme) -> Self {
        match s {
            wallet_core::CardScheme::Unionpay => Self::Unionpay,
            wallet_core::CardScheme::Visa => Self::Visa,
            wallet_core::CardScheme::Mastercard => Self::Mastercard,
            wallet_core::CardScheme::Amex => Self::Amex,
            wallet_core::CardScheme::Jcb => Self::Jcb,
            wallet_core::CardScheme::Discover => Self::Discover,
            wallet_core::CardScheme::Diners => Self::Diners,
            wallet_core::CardScheme::Mir => Self::Mir,
            wallet_core::CardScheme::Maestro => Self::Maestro,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CardType {
    Debit,
    Credit,
}

impl From<wallet_core::CardType> for CardType {
    fn from(t: wallet_core::CardType) -> Self {
        match t {
            wallet_core::CardType::Debit => Self::Debit,
            wallet_core::CardType::Credit => Self::Credit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CardStatus {
    Active,
    /// Reported lost: it moves no money until unbound and bound again.
    Suspended,
}

impl From<wallet_core::CardStatus> for CardStatus {
    fn from(s: wallet_core::CardStatus) -> Self {
        match s {
            wallet_core::CardStatus::Active => Self::Active,
            wallet_core::CardStatus::Suspended => Self::Suspended,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum OperationKind {
    Topup,
    Withdrawal,
    /// Paid to a merchant (QR code, payment code or remote order).
    Payment,
    /// A merchant's refund back to the wallet balance.
    Refund,
    /// Sent to another user.
    TransferOut,
    /// Received from another user.
    TransferIn,
}

impl From<wallet_core::OperationKind> for OperationKind {
    fn from(k: wallet_core::OperationKind) -> Self {
        match k {
            wallet_core::OperationKind::Topup => Self::Topup,
            wallet_core::OperationKind::Withdrawal => Self::Withdrawal,
            wallet_core::OperationKind::Payment => Self::Payment,
            wallet_core::OperationKind::Refund => Self::Refund,
            wallet_core::OperationKind::TransferOut => Self::TransferOut,
            wallet_core::OperationKind::TransferIn => Self::TransferIn,
        }
    }
}

impl From<OperationKind> for wallet_core::OperationKind {
    fn from(k: OperationKind) -> Self {
        match k {
            OperationKind::Topup => Self::Topup,
            OperationKind::Withdrawal => Self::Withdrawal,
            OperationKind::Payment => Self::Payment,
            OperationKind::Refund => Self::Refund,
            OperationKind::TransferOut => Self::TransferOut,
            OperationKind::TransferIn => Self::TransferIn,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum OperationStatus {
    /// Waiting for the bank's final answer. Resolves by itself.
    Pending,
    Succeeded,
    Failed,
}

impl From<wallet_core::OperationStatus> for OperationStatus {
    fn from(s: wallet_core::OperationStatus) -> Self {
        match s {
            wallet_core::OperationStatus::Pending => Self::Pending,
            wallet_core::OperationStatus::Succeeded => Self::Succeeded,
            wallet_core::OperationStatus::Failed => Self::Failed,
        }
    }
}

/// What a card number is, worked out offline.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CardInspection {
    pub luhn_valid: bool,
    pub length_valid: bool,
    pub scheme: Option<CardScheme>,
    pub bank: Option<Bank>,
    pub card_type: Option<CardType>,
}

impl From<wallet_core::CardInspection> for CardInspection {
    fn from(i: wallet_core::CardInspection) -> Self {
        Self {
            luhn_valid: i.luhn_valid,
            length_valid: i.length_valid,
            scheme: i.scheme.map(Into::into),
            bank: i.bank.map(Into::into),
            card_type: i.card_type.map(Into::into),
        }
    }
}

/// Whether the payment PIN is set and whether wrong tries locked it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PinState {
    pub set: bool,
    /// While locked.
    pub locked_until: Option<String>,
}

impl From<wallet_core::PinState> for PinState {
    fn from(p: wallet_core::PinState) -> Self {
        Self {
            set: p.set,
            locked_until: p.locked_until,
        }
    }
}

/// A card binding waiting for the bank's SMS code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PendingCardBinding {
    pub binding_id: String,
    /// Where the bank sent the code: `+86 138****5678`.
    pub phone_masked: String,
    pub expires_at: String,
    pub bank: Option<Bank>,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub last4: String,
}

impl From<wallet_core::PendingCardBinding> for PendingCardBinding {
    fn from(p: wallet_core::PendingCardBinding) -> Self {
        Self {
            binding_id: p.binding_id,
            phone_masked: p.phone_masked,
            expires_at: p.expires_at,
            bank: p.bank.map(Into::into),
            scheme: p.scheme.into(),
            card_type: p.card_type.into(),
            last4: p.last4,
        }
    }
}

/// A bound card: never more than its last 4 digits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Card {
    pub card_id: String,
    pub bank: Option<Bank>,
    pub scheme: CardScheme,
    pub card_type: CardType,
    pub last4: String,
    pub status: CardStatus,
    pub is_default: bool,
    pub bound_at: String,
}

impl From<wallet_core::Card> for Card {
    fn from(c: wallet_core::Card) -> Self {
        Self {
            card_id: c.card_id,
            bank: c.bank.map(Into::into),
            scheme: c.scheme.into(),
            card_type: c.card_type.into(),
            last4: c.last4,
            status: c.status.into(),
            is_default: c.is_default,
            bound_at: c.bound_at,
        }
    }
}

/// A money movement: top-up, withdrawal, merchant payment or refund.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Operation {
    pub operation_id: String,
    pub kind: OperationKind,
    pub status: OperationStatus,
    pub amount: Money,
    /// Kept from a withdrawal; the card receives `amount - fee`.
    pub fee: Money,
    /// The card of a top-up or withdrawal.
    pub card_id: Option<String>,
    pub card_last4: Option<String>,
    pub bank: Option<Bank>,
    /// The merchant of a payment or refund, as the provider has it on record.
    pub merchant_id: Option<String>,
    pub merchant_name: Option<String>,
    pub mcc: Option<String>,
    pub order_id: Option<String>,
    pub channel: Option<PaymentChannel>,
    /// Why a `failed` operation failed, as a stable code (e.g. `CARD_DECLINED`).
    pub failure_code: Option<String>,
    /// The other user of a transfer, masked (`*明`, `138****5678`).
    pub counterparty_name_masked: Option<String>,
    pub counterparty_phone_masked: Option<String>,
    /// The sender's note on a transfer.
    pub note: Option<String>,
    /// The history feed's sequence number of this version.
    pub seq: i64,
    pub created_at: String,
    pub updated_at: String,
    /// Where a payment's money came from (a refund: where it goes back to): `balance`,
    /// `card:<card_id>` or `carrier`.
    pub source: Option<String>,
}

impl From<wallet_core::Operation> for Operation {
    fn from(o: wallet_core::Operation) -> Self {
        Self {
            operation_id: o.operation_id,
            kind: o.kind.into(),
            status: o.status.into(),
            amount: o.amount.into(),
            fee: o.fee.into(),
            card_id: o.card_id,
            card_last4: o.card_last4,
            bank: o.bank.map(Into::into),
            merchant_id: o.merchant_id,
            merchant_name: o.merchant_name,
            mcc: o.mcc,
            order_id: o.order_id,
            channel: o.channel.map(Into::into),
            failure_code: o.failure_code.map(|c| c.as_str().to_owned()),
            counterparty_name_masked: o.counterparty_name_masked,
            counterparty_phone_masked: o.counterparty_phone_masked,
            note: o.note,
            seq: o.seq,
            created_at: o.created_at,
            updated_at: o.updated_at,
            source: o.source,
        }
    }
}

/// What is left of today's limits.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MoneyLimits {
    pub topup_per_payment: Money,
    pub topup_daily_remaining: Money,
    pub withdraw_per_payment: Money,
    pub withdraw_daily_remaining: Money,
}

impl From<wallet_core::MoneyLimits> for MoneyLimits {
    fn from(l: wallet_core::MoneyLimits) -> Self {
        Self {
            topup_per_payment: l.topup_per_payment.into(),
            topup_daily_remaining: l.topup_daily_remaining.into(),
            withdraw_per_payment: l.withdraw_per_payment.into(),
            withdraw_daily_remaining: l.withdraw_daily_remaining.into(),
        }
    }
}

/// The wallet balance with the latest operations.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Balance {
    pub balance: Money,
    /// Newest first.
    pub operations: Vec<Operation>,
    pub limits: MoneyLimits,
    /// When the server last confirmed these figures.
    pub as_of: String,
    /// True when the server could not be reached and these are the cached figures.
    pub stale: bool,
}

impl From<wallet_core::Balance> for Balance {
    fn from(b: wallet_core::Balance) -> Self {
        Self {
            balance: b.balance.into(),
            operations: b.operations.into_iter().map(Into::into).collect(),
            limits: b.limits.into(),
            as_of: b.as_of,
            stale: b.stale,
        }
    }
}

/// What `top_up` needs. `amount` is what the user typed (`100`, `¥12.30`); the payment PIN
/// confirms it, as for a withdrawal.
#[derive(Clone, uniffi::Record)]
pub struct TopUpInput {
    pub amount: String,
    /// The default card when absent.
    pub card_id: Option<String>,
    pub pin: String,
    /// A retry with the same key never moves money twice. Made fresh when absent.
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for TopUpInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TopUpInput")
            .field("amount", &self.amount)
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

impl From<TopUpInput> for wallet_core::TopUpInput {
    fn from(i: TopUpInput) -> Self {
        Self {
            amount: i.amount,
            card_id: i.card_id,
            pin: i.pin,
            idempotency_key: i.idempotency_key,
        }
    }
}

/// What `withdraw` needs.
#[derive(Clone, uniffi::Record)]
pub struct WithdrawInput {
    pub amount: String,
    /// The default debit card when absent.
    pub card_id: Option<String>,
    pub pin: String,
    pub idempotency_key: Option<String>,
}

impl std::fmt::Debug for WithdrawInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WithdrawInput")
            .field("amount", &self.amount)
            .field("card_id", &self.card_id)
            .finish_non_exhaustive()
    }
}

impl From<WithdrawInput> for wallet_core::WithdrawInput {
    fn from(i: WithdrawInput) -> Self {
        Self {
            amount: i.amount,
            card_id: i.card_id,
            pin: i.pin,
            idempotency_key: i.idempotency_key,
        }
    }
}

// --- QR pay, payment codes, orders -------------------------------------------------------------

/// How a merchant payment was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum PaymentChannel {
    /// The payer scanned the merchant's static code and typed the amount.
    StaticQr,
    /// The payer scanned a per-order code with the amount locked.
    DynamicQr,
    /// The merchant scanned the payer's payment code.
    Paycode,
    /// The merchant sent an order to the payer's phone number.
    RemoteOrder,
    /// The payer texted a product code to the merchant's service number and replied "Y".
    Sms,
    /// A web checkout: paid by scanning its page's code, or confirmed after "pay with my
    /// phone number".
    Checkout,
}

impl From<wallet_core::PaymentChannel> for PaymentChannel {
    fn from(c: wallet_core::PaymentChannel) -> Self {
        match c {
            wallet_core::PaymentChannel::StaticQr => Self::StaticQr,
            wallet_core::PaymentChannel::DynamicQr => Self::DynamicQr,
            wallet_core::PaymentChannel::Paycode => Self::Paycode,
            wallet_core::PaymentChannel::RemoteOrder => Self::RemoteOrder,
            wallet_core::PaymentChannel::Sms => Self::Sms,
            wallet_core::PaymentChannel::Checkout => Self::Checkout,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum OrderStatus {
    /// Waiting for the payer.
    Open,
    Paid,
    /// Paid, then refunded in full.
    Refunded,
    Declined,
    Expired,
}

impl From<wallet_core::OrderStatus> for OrderStatus {
    fn from(s: wallet_core::OrderStatus) -> Self {
        match s {
            wallet_core::OrderStatus::Open => Self::Open,
            wallet_core::OrderStatus::Paid => Self::Paid,
            wallet_core::OrderStatus::Refunded => Self::Refunded,
            wallet_core::OrderStatus::Declined => Self::Declined,
            wallet_core::OrderStatus::Expired => Self::Expired,
        }
    }
}

/// What kind of content a QR code holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum QrKind {
    /// EMVCo Merchant-Presented Mode.
    EmvcoMpm,
    /// EMVCo Consumer-Presented Mode: someone's payment code, for a merchant to scan.
    EmvcoCpm,
    Upi,
    Alipay,
    Wechat,
    /// Any other link: shown as text, never opened.
    Url,
    Text,
}

impl From<wallet_core::QrKind> for QrKind {
    fn from(k: wallet_core::QrKind) -> Self {
        match k {
            wallet_core::QrKind::EmvcoMpm => Self::EmvcoMpm,
            wallet_core::QrKind::EmvcoCpm => Self::EmvcoCpm,
            wallet_core::QrKind::Upi => Self::Upi,
            wallet_core::QrKind::Alipay => Self::Alipay,
            wallet_core::QrKind::Wechat => Self::Wechat,
            wallet_core::QrKind::Url => Self::Url,
            wallet_core::QrKind::Text => Self::Text,
        }
    }
}

/// The payment network of an EMVCo code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
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

impl From<wallet_core::QrNetwork> for QrNetwork {
    fn from(n: wallet_core::QrNetwork) -> Self {
        match n {
            wallet_core::QrNetwork::Wallet => Self::Wallet,
            wallet_core::QrNetwork::Pix => Self::Pix,
            wallet_core::QrNetwork::Promptpay => Self::Promptpay,
            wallet_core::QrNetwork::Vietqr => Self::Vietqr,
            wallet_core::QrNetwork::Sgqr => Self::Sgqr,
            wallet_core::QrNetwork::Paynow => Self::Paynow,
            wallet_core::QrNetwork::Duitnow => Self::Duitnow,
            wallet_core::QrNetwork::Qris => Self::Qris,
            wallet_core::QrNetwork::Bharatqr => Self::Bharatqr,
            wallet_core::QrNetwork::Unionpay => Self::Unionpay,
            wallet_core::QrNetwork::Unknown => Self::Unknown,
        }
    }
}

/// Our own merchant template: which merchant, and which order for a dynamic code.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct WalletQr {
    pub merchant_id: String,
    pub order_id: Option<String>,
}

impl From<wallet_core::WalletQr> for WalletQr {
    fn from(w: wallet_core::WalletQr) -> Self {
        Self {
            merchant_id: w.merchant_id,
            order_id: w.order_id,
        }
    }
}

/// A decoded QR payload (what `wallet qr decode --json` prints).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DecodedQr {
    pub kind: QrKind,
    pub network: Option<QrNetwork>,
    /// English display name of the network or link type (a fallback; localise by `kind`).
    pub network_name: Option<String>,
    /// Only our own EMVCo code is payable.
    pub payable: bool,
    pub valid_crc: Option<bool>,
    /// `"11"` static, `"12"` dynamic.
    pub point_of_initiation: Option<String>,
    pub merchant_name: Option<String>,
    pub merchant_city: Option<String>,
    pub country: Option<String>,
    /// ISO 4217 numeric as in the payload (`"156"`).
    pub currency: Option<String>,
    /// Tag 54 as in the payload (`"12.50"`).
    pub amount: Option<String>,
    pub mcc: Option<String>,
    /// Nested templates by tag, each as sub-tag → value.
    pub templates: HashMap<String, HashMap<String, String>>,
    pub wallet: Option<WalletQr>,
    /// The raw text of links and text: show it, never open it.
    pub text: Option<String>,
    pub upi: Option<HashMap<String, String>>,
}

impl From<wallet_core::DecodedQr> for DecodedQr {
    fn from(d: wallet_core::DecodedQr) -> Self {
        Self {
            kind: d.kind.into(),
            network: d.network.map(Into::into),
            network_name: d.network_name,
            payable: d.payable,
            valid_crc: d.valid_crc,
            point_of_initiation: d.point_of_initiation,
            merchant_name: d.merchant_name,
            merchant_city: d.merchant_city,
            country: d.country,
            currency: d.currency,
            amount: d.amount,
            mcc: d.mcc,
            templates: d
                .templates
                .into_iter()
                .map(|(k, v)| (k, v.into_iter().collect()))
                .collect(),
            wallet: d.wallet.map(Into::into),
            text: d.text,
            upi: d.upi.map(|u| u.into_iter().collect()),
        }
    }
}

/// What paying a scanned merchant code would do: the merchant on record and a warning flag.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct QrPayment {
    pub payload: String,
    pub merchant_id: String,
    pub merchant_name: String,
    pub merchant_city: String,
    pub mcc: String,
    /// The name printed in the QR code.
    pub printed_name: String,
    /// True when the printed name differs from the name on record: show a warning.
    pub name_mismatch: bool,
    pub channel: PaymentChannel,
    /// The locked amount of a dynamic code.
    pub amount: Option<Money>,
    pub order_id: Option<String>,
    pub expires_at: Option<String>,
}

impl From<wallet_core::QrPayment> for QrPayment {
    fn from(p: wallet_core::QrPayment) -> Self {
        Self {
            payload: p.payload,
            merchant_id: p.merchant_id,
            merchant_name: p.merchant_name,
            merchant_city: p.merchant_city,
            mcc: p.mcc,
            printed_name: p.printed_name,
            name_mismatch: p.name_mismatch,
            channel: p.channel.into(),
            amount: p.amount.map(Into::into),
            order_id: p.order_id,
            expires_at: p.expires_at,
        }
    }
}

/// What `pay_qr` needs. `amount` is what the user typed; required for static codes.
#[derive(Clone, uniffi::Record)]
pub struct PayQrInput {
    pub payload: String,
    pub amount: Option<String>,
    pub pin: String,
    pub idempotency_key: Option<String>,
    /// `balance`, `card:<card_id>` or `carrier`; absent: the account's default order.
    #[uniffi(default = None)]
    pub source: Option<String>,
}

impl std::fmt::Debug for PayQrInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayQrInput")
            .field("amount", &self.amount)
            .finish_non_exhaustive()
    }
}

impl From<PayQrInput> for wallet_core::PayQrInput {
    fn from(i: PayQrInput) -> Self {
        Self {
            payload: i.payload,
            amount: i.amount,
            source: i.source,
            pin: i.pin,
            idempotency_key: i.idempotency_key,
        }
    }
}

/// The payment code to show now, made offline. Never log it.
#[derive(Clone, uniffi::Record)]
pub struct PaycodeView {
    /// 18 digits.
    pub code: String,
    /// `2812 3456 7890 1234 56`.
    pub grouped: String,
    /// When the next code replaces this one.
    pub expires_at: String,
    pub seconds_left: u32,
    /// The code as a QR symbol, a standalone SVG document.
    pub qr_svg: String,
    /// The code as a Code 128 barcode, a standalone SVG document.
    pub barcode_svg: String,
}

impl std::fmt::Debug for PaycodeView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaycodeView")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl From<wallet_core::PaycodeView> for PaycodeView {
    fn from(v: wallet_core::PaycodeView) -> Self {
        Self {
            code: v.code,
            grouped: v.grouped,
            expires_at: v.expires_at,
            seconds_left: v.seconds_left,
            qr_svg: v.qr_svg,
            barcode_svg: v.barcode_svg,
        }
    }
}

/// How much a payment code may pay without the PIN.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PaycodeSettings {
    /// Off: every payment-code payment waits for the PIN.
    pub no_pin_enabled: bool,
    pub no_pin_per_payment: Money,
    pub no_pin_daily: Money,
    pub no_pin_daily_remaining: Money,
    /// The provider's ceilings.
    pub max_per_payment: Money,
    pub max_daily: Money,
}

impl From<wallet_core::PaycodeSettings> for PaycodeSettings {
    fn from(s: wallet_core::PaycodeSettings) -> Self {
        Self {
            no_pin_enabled: s.no_pin_enabled,
            no_pin_per_payment: s.no_pin_per_payment.into(),
            no_pin_daily: s.no_pin_daily.into(),
            no_pin_daily_remaining: s.no_pin_daily_remaining.into(),
            max_per_payment: s.max_per_payment.into(),
            max_daily: s.max_daily.into(),
        }
    }
}

/// New no-PIN limits, as typed (`100`, `¥50`). Switching on or raising a limit needs `pin`
/// (`PIN_REQUIRED` without it); lowering or switching off does not.
#[derive(Clone, uniffi::Record)]
pub struct PaycodeSettingsInput {
    pub no_pin_enabled: bool,
    pub no_pin_per_payment: String,
    pub no_pin_daily: String,
    pub pin: Option<String>,
}

impl std::fmt::Debug for PaycodeSettingsInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaycodeSettingsInput")
            .field("no_pin_enabled", &self.no_pin_enabled)
            .field("no_pin_per_payment", &self.no_pin_per_payment)
            .field("no_pin_daily", &self.no_pin_daily)
            .finish_non_exhaustive()
    }
}

impl From<PaycodeSettingsInput> for wallet_core::PaycodeSettingsInput {
    fn from(i: PaycodeSettingsInput) -> Self {
        Self {
            no_pin_enabled: i.no_pin_enabled,
            no_pin_per_payment: i.no_pin_per_payment,
            no_pin_daily: i.no_pin_daily,
            pin: i.pin,
        }
    }
}

/// A merchant order waiting for the user (or one the user answered).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Order {
    pub order_id: String,
    pub merchant_id: String,
    pub merchant_name: String,
    pub merchant_city: String,
    pub mcc: String,
    pub amount: Money,
    pub description: Option<String>,
    pub status: OrderStatus,
    pub channel: PaymentChannel,
    pub payment_operation_id: Option<String>,
    pub refunded: Money,
    pub created_at: String,
    pub expires_at: String,
}

impl From<wallet_core::Order> for Order {
    fn from(o: wallet_core::Order) -> Self {
        Self {
            order_id: o.order_id,
            merchant_id: o.merchant_id,
            merchant_name: o.merchant_name,
            merchant_city: o.merchant_city,
            mcc: o.mcc,
            amount: o.amount.into(),
            description: o.description,
            status: o.status.into(),
            channel: o.channel.into(),
            payment_operation_id: o.payment_operation_id,
            refunded: o.refunded.into(),
            created_at: o.created_at,
            expires_at: o.expires_at,
        }
    }
}
