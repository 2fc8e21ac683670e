//! Issue 5 mirrors: lost-phone report, account state, security log, device events (with the
//! host's listener), settings, "freeze now", SMS-only sign-in and phone-number changes.

use std::sync::Arc;

use crate::types::Money;

/// What `report_lost` needs (works signed out): the phone plus the real name and the last 6
/// of the ID number, or the login password.
#[derive(Clone, uniffi::Record)]
pub struct ReportLostInput {
    pub phone: String,
    pub name: Option<String>,
    pub id_last6: Option<String>,
    pub password: Option<String>,
    /// Revoke only this device; all of them when absent.
    pub device_id: Option<String>,
}

impl std::fmt::Debug for ReportLostInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReportLostInput").finish_non_exhaustive()
    }
}

impl From<ReportLostInput> for wallet_core::ReportLostInput {
    fn from(i: ReportLostInput) -> Self {
        Self {
            phone: i.phone,
            name: i.name,
            id_last6: i.id_last6,
            password: i.password,
            device_id: i.device_id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum AccountState {
    Active,
    /// Reported lost: no money moves.
    Frozen,
    /// Withdrawals above `cooling_off_limit` wait until `cooling_off_until`.
    CoolingOff,
}

impl From<wallet_core::AccountState> for AccountState {
    fn from(s: wallet_core::AccountState) -> Self {
        match s {
            wallet_core::AccountState::Active => Self::Active,
            wallet_core::AccountState::Frozen => Self::Frozen,
            wallet_core::AccountState::CoolingOff => Self::CoolingOff,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccountStatus {
    pub state: AccountState,
    pub frozen_since: Option<String>,
    pub cooling_off_until: Option<String>,
    pub cooling_off_limit: Money,
}

impl From<wallet_core::AccountStatus> for AccountStatus {
    fn from(s: wallet_core::AccountStatus) -> Self {
        Self {
            state: s.state.into(),
            frozen_since: s.frozen_since,
            cooling_off_until: s.cooling_off_until,
            cooling_off_limit: s.cooling_off_limit.into(),
        }
    }
}

/// One security-log entry. `kind` is the wire string (`sign_in`, `device_enrolled`, `frozen`,
/// `unfrozen`, `pin_locked`, `card_bound`, ...), so new kinds need no binding change.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SecurityEvent {
    pub id: String,
    pub kind: String,
    pub at: String,
    pub device_name: Option<String>,
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SecurityLog {
    pub events: Vec<SecurityEvent>,
    pub next_before: Option<String>,
}

impl From<wallet_core::SecurityLog> for SecurityLog {
    fn from(l: wallet_core::SecurityLog) -> Self {
        Self {
            events: l
                .events
                .into_iter()
                .map(|e| SecurityEvent {
                    id: e.id,
                    kind: e.kind.as_str().to_owned(),
                    at: e.at,
                    device_name: e.device_name,
                    detail: e.detail,
                })
                .collect(),
            next_before: l.next_before,
        }
    }
}

/// A notice for this device. `kind`: `new_device`, `frozen`, `unfrozen`, `device_revoked`,
/// `order_waiting`, `sms_login_changed`, `phone_changed`, `transfer_received`, `pin_changed`,
/// `pin_reset` (a cooling-off started), `no_pin_changed` (`reference`: `raised` or `lowered`),
/// `sms_pay_changed` (`reference`: `on` or `off`).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DeviceEvent {
    pub cursor: i64,
    pub kind: String,
    pub at: String,
    /// The device concerned (e.g. the new one): what `freeze_account` revokes on "not me".
    pub device_id: Option<String>,
    pub device_name: Option<String>,
    pub reference: Option<String>,
    pub cooling_off_until: Option<String>,
}

impl From<wallet_core::DeviceEvent> for DeviceEvent {
    fn from(e: wallet_core::DeviceEvent) -> Self {
        Self {
            cursor: e.cursor,
            kind: e.kind.as_str().to_owned(),
            at: e.at,
            device_id: e.device_id,
            device_name: e.device_name,
            reference: e.reference,
            cooling_off_until: e.cooling_off_until,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AccountSettings {
    /// Sign-in by SMS code alone (off by default; SIM-swap risk).
    pub sms_login_enabled: bool,
    /// Paying by SMS ("reply Y"; off by default; SIM-swap risk).
    pub sms_pay_enabled: bool,
    /// The most one SMS payment may be.
    pub sms_pay_per_payment: Money,
    /// The most SMS payments may add up to in a day.
    pub sms_pay_daily: Money,
}

impl From<wallet_core::AccountSettings> for AccountSettings {
    fn from(s: wallet_core::AccountSettings) -> Self {
        Self {
            sms_login_enabled: s.sms_login_enabled,
            sms_pay_enabled: s.sms_pay_enabled,
            sms_pay_per_payment: s.sms_pay_per_payment.into(),
            sms_pay_daily: s.sms_pay_daily.into(),
        }
    }
}

/// What `start_phone_change` needs: the new number, the login password, and the full ID number
/// or (when absent) a code the server sends to the old number.
#[derive(Clone, uniffi::Record)]
pub struct PhoneChangeInput {
    pub new_phone: String,
    pub password: String,
    pub id_number: Option<String>,
}

impl std::fmt::Debug for PhoneChangeInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneChangeInput").finish_non_exhaustive()
    }
}

impl From<PhoneChangeInput> for wallet_core::PhoneChangeInput {
    fn from(i: PhoneChangeInput) -> Self {
        Self {
            new_phone: i.new_phone,
            password: i.password,
            id_number: i.id_number,
        }
    }
}

/// The codes are on their way: to the new number, and to the old one when `old_challenge_id`
/// is set.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhoneChangeStarted {
    pub challenge_id: String,
    pub new_phone_masked: String,
    pub old_challenge_id: Option<String>,
    pub expires_at: String,
}

impl From<wallet_core::PhoneChangeStarted> for PhoneChangeStarted {
    fn from(s: wallet_core::PhoneChangeStarted) -> Self {
        Self {
            challenge_id: s.challenge_id,
            new_phone_masked: s.new_phone_masked,
            old_challenge_id: s.old_challenge_id,
            expires_at: s.expires_at,
        }
    }
}

/// What happens to the cards bound under the old number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum CardsOnPhoneChange {
    Keep,
    /// Unbind them all; bind them again under the new number.
    Unbind,
}

impl From<CardsOnPhoneChange> for wallet_core::CardsOnPhoneChange {
    fn from(c: CardsOnPhoneChange) -> Self {
        match c {
            CardsOnPhoneChange::Keep => Self::Keep,
            CardsOnPhoneChange::Unbind => Self::Unbind,
        }
    }
}

/// What `finish_phone_change` needs: the code(s) and what to do with the cards.
#[derive(Clone, uniffi::Record)]
pub struct PhoneChangeFinish {
    pub challenge_id: String,
    pub code: String,
    pub old_challenge_id: Option<String>,
    pub old_code: Option<String>,
    pub cards: CardsOnPhoneChange,
}

impl std::fmt::Debug for PhoneChangeFinish {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneChangeFinish")
            .field("challenge_id", &self.challenge_id)
            .field("cards", &self.cards)
            .finish_non_exhaustive()
    }
}

impl From<PhoneChangeFinish> for wallet_core::PhoneChangeFinish {
    fn from(i: PhoneChangeFinish) -> Self {
        Self {
            challenge_id: i.challenge_id,
            code: i.code,
            old_challenge_id: i.old_challenge_id,
            old_code: i.old_code,
            cards: i.cards.into(),
        }
    }
}

/// Receives device events from `sync_events`, implemented by the host app.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: DeviceEvent);
}

/// Adapts the host's listener to the trait `wallet-core` expects.
pub(crate) struct HostEventListener(pub(crate) Arc<dyn EventListener>);

impl wallet_core::EventListener for HostEventListener {
    fn on_event(&self, event: wallet_core::DeviceEvent) {
        self.0.on_event(event.into());
    }
}
