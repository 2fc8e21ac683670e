//! The few types uniffi cannot take from the core as they are. Every other record and enum
//! (`Money`, `Operation`, `ErrorCode`, ...) is the core's or the protocol's own type, exported
//! through their `uniffi` feature.

use std::collections::HashMap;
use std::path::PathBuf;

pub use wallet_core::{
    AccountSettings, AccountState, AccountStatus, Balance, Bank, Budget, BudgetAlert, Card,
    CardInspection, CardScheme, CardStatus, CardType, CardsOnPhoneChange, Category, CategoryTotal,
    ChallengePurpose, Currency, Device, DeviceEvent, DeviceEventKind, Direction, ErrorCode,
    FundingSources, HistoryEntry, HistoryPage, HistoryQuery, HistorySync, Money, MoneyLimits,
    MonthlySummary, Operation, OperationKind, OperationStatus, Order, OrderStatus, PayQrInput,
    PaycodeSettings, PaycodeSettingsInput, PaycodeView, PaymentChannel, PendingCardBinding,
    PendingVerification, PhoneChangeFinish, PhoneChangeInput, PhoneChangeStarted, PinState,
    Profile, QrKind, QrNetwork, QrPayment, Recipient, ReportLostInput, SecurityEvent,
    SecurityEventKind, SecurityLog, SessionStatus, SignupInput, SourceKind, SourceOption,
    TopUpInput, TransferInput, WalletQr, WithdrawInput,
};

/// How the host opens a profile. (The core's holds a `PathBuf`, which uniffi has no type for.)
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

/// A decoded QR payload (what `wallet qr decode --json` prints). The core's keeps its maps
/// sorted (`BTreeMap`), which uniffi has no type for; here they are plain maps.
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
            kind: d.kind,
            network: d.network,
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
            wallet: d.wallet,
            text: d.text,
            upi: d.upi.map(|u| u.into_iter().collect()),
        }
    }
}
