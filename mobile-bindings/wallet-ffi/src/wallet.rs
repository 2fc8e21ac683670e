//! The exported `Wallet` object: one line per method, each delegating to `wallet_core::Wallet`.

use std::sync::Arc;

use crate::error::WalletError;
use crate::lost::{EventListener, HostEventListener};
use crate::secret_store::{HostSecretStore, SecretStore};
use crate::types::*;

/// One profile on this device.
#[derive(uniffi::Object)]
pub struct Wallet(wallet_core::Wallet);

impl Wallet {
    /// The core wallet, for the other modules' delegations.
    pub(crate) fn core(&self) -> &wallet_core::Wallet {
        &self.0
    }
}

#[uniffi::export(async_runtime = "tokio")]
impl Wallet {
    /// Opens the profile at `config.home`, keeping its database key in `secret_store`.
    #[uniffi::constructor]
    pub fn open(
        config: WalletConfig,
        secret_store: Arc<dyn SecretStore>,
    ) -> Result<Arc<Self>, WalletError> {
        let secrets = Arc::new(HostSecretStore(secret_store));
        let wallet = wallet_core::Wallet::open(config.into(), secrets)?;
        Ok(Arc::new(Self(wallet)))
    }

    pub fn status(&self) -> Result<SessionStatus, WalletError> {
        Ok(self.0.status()?)
    }

    pub async fn signup(&self, input: SignupInput) -> Result<PendingVerification, WalletError> {
        Ok(self.0.signup(input).await?)
    }

    pub async fn login(
        &self,
        phone: String,
        password: String,
    ) -> Result<PendingVerification, WalletError> {
        Ok(self.0.login(phone, password).await?)
    }

    /// Completes the pending sign-up or sign-in with the SMS code and enrols this device.
    pub async fn verify(&self, code: String) -> Result<Profile, WalletError> {
        Ok(self.0.verify(code).await?)
    }

    pub async fn whoami(&self) -> Result<Profile, WalletError> {
        Ok(self.0.whoami().await?)
    }

    pub async fn devices(&self) -> Result<Vec<Device>, WalletError> {
        Ok(self.0.devices().await?)
    }

    /// Signs another device (or this one) out.
    pub async fn revoke_device(&self, device_id: String) -> Result<(), WalletError> {
        Ok(self.0.revoke_device(device_id).await?)
    }

    /// Signs this device out on the server and wipes the local profile.
    pub async fn logout(&self) -> Result<(), WalletError> {
        Ok(self.0.logout().await?)
    }

    // --- payment PIN ---------------------------------------------------------------------------

    /// Checks a new payment PIN offline against the rules the client can check (`PIN_WEAK`,
    /// `PIN_FORMAT_INVALID`); the server checks again.
    pub fn check_new_pin(&self, pin: String) -> Result<(), WalletError> {
        Ok(self.0.check_new_pin(&pin)?)
    }

    pub async fn pin_state(&self) -> Result<PinState, WalletError> {
        Ok(self.0.pin_state().await?)
    }

    /// Sets the first payment PIN (`PIN_ALREADY_SET` when there is one: use `change_pin`).
    pub async fn set_pin(&self, pin: String) -> Result<(), WalletError> {
        Ok(self.0.set_pin(pin).await?)
    }

    pub async fn change_pin(&self, old_pin: String, new_pin: String) -> Result<(), WalletError> {
        Ok(self.0.change_pin(old_pin, new_pin).await?)
    }

    /// Starts resetting a forgotten or locked PIN with the login password; an SMS code follows.
    pub async fn start_pin_reset(
        &self,
        password: String,
    ) -> Result<PendingVerification, WalletError> {
        Ok(self.0.start_pin_reset(password).await?)
    }

    /// Finishes the PIN reset with the SMS code and the new PIN; this also lifts a lock.
    pub async fn finish_pin_reset(&self, code: String, new_pin: String) -> Result<(), WalletError> {
        Ok(self.0.finish_pin_reset(code, new_pin).await?)
    }

    // --- bank cards ----------------------------------------------------------------------------

    /// Starts binding a card; the bank texts a code to `bank_phone`.
    pub async fn bind_card(
        &self,
        number: String,
        bank_phone: String,
    ) -> Result<PendingCardBinding, WalletError> {
        Ok(self.0.bind_card(number, bank_phone).await?)
    }

    /// Completes the pending card binding with the bank's SMS code.
    pub async fn verify_card(&self, code: String) -> Result<Card, WalletError> {
        Ok(self.0.verify_card(code).await?)
    }

    /// The bound cards from the server, default first (`NETWORK` offline: see `cached_cards`).
    pub async fn cards(&self) -> Result<Vec<Card>, WalletError> {
        Ok(self.0.cards().await?)
    }

    /// The cards as last seen from the server, offline (may be out of date).
    pub fn cached_cards(&self) -> Result<Vec<Card>, WalletError> {
        Ok(self.0.cached_cards()?)
    }

    pub async fn set_default_card(&self, card_id: String) -> Result<Card, WalletError> {
        Ok(self.0.set_default_card(card_id).await?)
    }

    /// Unbinds a card; the payment PIN confirms it.
    pub async fn unbind_card(&self, card_id: String, pin: String) -> Result<(), WalletError> {
        Ok(self.0.unbind_card(card_id, pin).await?)
    }

    // --- lost phone (issue 5) --------------------------------------------------------------

    /// Reports a phone lost (freezes the account); works signed out and reveals nothing.
    pub async fn report_lost(&self, input: ReportLostInput) -> Result<(), WalletError> {
        Ok(self.0.report_lost(input).await?)
    }

    pub async fn account_status(&self) -> Result<AccountStatus, WalletError> {
        Ok(self.0.account_status().await?)
    }

    /// The full ID number and the payment PIN; a cooling-off follows.
    pub async fn unfreeze(
        &self,
        id_number: String,
        pin: String,
    ) -> Result<AccountStatus, WalletError> {
        Ok(self.0.unfreeze(id_number, pin).await?)
    }

    pub async fn security_log(&self, before: Option<String>) -> Result<SecurityLog, WalletError> {
        Ok(self.0.security_log(before).await?)
    }

    pub fn set_event_listener(&self, listener: Arc<dyn EventListener>) {
        self.0
            .set_event_listener(Arc::new(HostEventListener(listener)));
    }

    /// New device events since the last call, also handed to the listener.
    pub async fn sync_events(&self) -> Result<Vec<DeviceEvent>, WalletError> {
        Ok(self.0.sync_events().await?)
    }

    pub async fn settings(&self) -> Result<AccountSettings, WalletError> {
        Ok(self.0.settings().await?)
    }

    /// On needs the payment PIN; off needs nothing.
    pub async fn set_sms_login(
        &self,
        enabled: bool,
        pin: Option<String>,
    ) -> Result<AccountSettings, WalletError> {
        Ok(self.0.set_sms_login(enabled, pin).await?)
    }

    /// SMS payment ("reply Y"): on needs the payment PIN; off needs nothing.
    pub async fn set_sms_pay(
        &self,
        enabled: bool,
        pin: Option<String>,
    ) -> Result<AccountSettings, WalletError> {
        Ok(self.0.set_sms_pay(enabled, pin).await?)
    }

    /// "Not me? Freeze now" from this signed-in device: freezes the account and revokes
    /// `device_id`, or every other device; this one stays signed in.
    pub async fn freeze_account(
        &self,
        device_id: Option<String>,
    ) -> Result<AccountStatus, WalletError> {
        Ok(self.0.freeze_account(device_id).await?)
    }

    /// Sign-in by SMS code alone (only when switched on; else `SMS_LOGIN_DISABLED`); then
    /// `verify`.
    pub async fn login_sms(&self, phone: String) -> Result<PendingVerification, WalletError> {
        Ok(self.0.login_sms(phone).await?)
    }

    pub async fn start_phone_change(
        &self,
        input: PhoneChangeInput,
    ) -> Result<PhoneChangeStarted, WalletError> {
        Ok(self.0.start_phone_change(input).await?)
    }

    /// Answers the profile with the new number.
    pub async fn finish_phone_change(
        &self,
        input: PhoneChangeFinish,
    ) -> Result<Profile, WalletError> {
        Ok(self.0.finish_phone_change(input).await?)
    }

    /// Suspends a card at once; it moves no money afterwards.
    pub async fn report_card_lost(&self, card_id: String) -> Result<Card, WalletError> {
        Ok(self.0.report_card_lost(card_id).await?)
    }

    // --- money ---------------------------------------------------------------------------------

    /// Card → wallet, confirmed by the PIN. A refused payment is an `Operation` with status
    /// `Failed` and its `failure_code`, not an error.
    pub async fn top_up(&self, input: TopUpInput) -> Result<Operation, WalletError> {
        Ok(self.0.top_up(input).await?)
    }

    /// Wallet → debit card, confirmed by the PIN. Outcomes as for `top_up`.
    pub async fn withdraw(&self, input: WithdrawInput) -> Result<Operation, WalletError> {
        Ok(self.0.withdraw(input).await?)
    }

    /// The balance, latest operations and today's limits; cached figures (`stale`) offline.
    pub async fn balance(&self) -> Result<Balance, WalletError> {
        Ok(self.0.balance().await?)
    }

    /// One operation, fresh from the server.
    pub async fn operation(&self, operation_id: String) -> Result<Operation, WalletError> {
        Ok(self.0.operation(operation_id).await?)
    }

    // --- QR pay, payment codes, orders ---------------------------------------------------------

    /// The merchant on record for a scanned code (and whether the printed name differs).
    /// `QR_NOT_PAYABLE` for codes this wallet cannot pay, before any request.
    pub async fn resolve_qr(&self, payload: String) -> Result<QrPayment, WalletError> {
        Ok(self.0.resolve_qr(payload).await?)
    }

    /// Pays a scanned merchant code with the PIN (`AMOUNT_REQUIRED` for a static code without
    /// an amount). The answer is the payment operation.
    pub async fn pay_qr(&self, input: PayQrInput) -> Result<Operation, WalletError> {
        Ok(self.0.pay_qr(input).await?)
    }

    /// The payment code to show now, offline (`PAYCODE_NOT_PROVISIONED`: call
    /// `refresh_paycode_seed` while online).
    pub fn paycode(&self) -> Result<PaycodeView, WalletError> {
        Ok(self.0.paycode()?)
    }

    /// Fetches a fresh payment-code seed for this device; answers the code to show now.
    pub async fn refresh_paycode_seed(&self) -> Result<PaycodeView, WalletError> {
        Ok(self.0.refresh_paycode_seed().await?)
    }

    pub async fn paycode_settings(&self) -> Result<PaycodeSettings, WalletError> {
        Ok(self.0.paycode_settings().await?)
    }

    pub async fn set_paycode_settings(
        &self,
        input: PaycodeSettingsInput,
    ) -> Result<PaycodeSettings, WalletError> {
        Ok(self.0.set_paycode_settings(input).await?)
    }

    /// Orders waiting for this account (remote orders, payment codes over the no-PIN limit).
    pub async fn orders(&self) -> Result<Vec<Order>, WalletError> {
        Ok(self.0.orders().await?)
    }

    /// Pays a waiting order with the PIN.
    pub async fn confirm_order(
        &self,
        order_id: String,
        pin: String,
        idempotency_key: Option<String>,
    ) -> Result<Operation, WalletError> {
        Ok(self.0.confirm_order(order_id, pin, idempotency_key).await?)
    }

    /// Pays a waiting order with the PIN from the chosen source (`balance`, `card:<card_id>`,
    /// `carrier`; `None`: the default order).
    pub async fn confirm_order_from(
        &self,
        order_id: String,
        pin: String,
        idempotency_key: Option<String>,
        source: Option<String>,
    ) -> Result<Operation, WalletError> {
        Ok(self
            .0
            .confirm_order_from(order_id, pin, idempotency_key, source)
            .await?)
    }

    /// Every source the account can pay from (balance, each card, the phone bill) with what
    /// the confirm screen shows, and the default order.
    pub async fn funding_sources(&self) -> Result<FundingSources, WalletError> {
        Ok(self.0.funding_sources().await?)
    }

    /// The default order of funding sources, as `balance`, `card:<card_id>`, `carrier`.
    pub async fn funding_order(&self) -> Result<Vec<String>, WalletError> {
        Ok(self.0.funding_sources().await?.order)
    }

    /// Sets the default order of funding sources.
    pub async fn set_funding_order(&self, order: Vec<String>) -> Result<Vec<String>, WalletError> {
        Ok(self.0.set_funding_order(order).await?.order)
    }

    /// Declines a waiting order; no money moves.
    pub async fn decline_order(&self, order_id: String) -> Result<Order, WalletError> {
        Ok(self.0.decline_order(order_id).await?)
    }
}

/// What a scanned payload is, offline (`QR_CRC_MISMATCH`, ... for a malformed EMVCo code).
/// Links are returned as text and never opened.
#[uniffi::export]
pub fn decode_qr(payload: String) -> Result<DecodedQr, WalletError> {
    Ok(wallet_core::Wallet::decode_qr(&payload)?.into())
}

/// What a card number is (Luhn, length, scheme, bank, card type), offline. Never fails.
#[uniffi::export]
pub fn inspect_card(number: String) -> CardInspection {
    wallet_core::Wallet::inspect_card(&number)
}
