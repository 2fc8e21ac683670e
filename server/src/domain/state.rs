//! Shared state of the HTTP app.

use std::collections::HashMap;
use std::sync::Arc;

use crate::config::Limits;
use crate::domain::guards::Guards;
use crate::domain::paycode::PaycodeIndex;
use crate::ports::bank::BankGateway;
use crate::ports::carrier::CarrierBilling;
use crate::ports::clock::Clock;
use crate::ports::sandbox_bank::SandboxBank;
use crate::ports::sandbox_carrier::SandboxCarrier;
use crate::ports::sms::SmsSender;
use crate::store::Store;
use crate::telemetry::metrics::Metrics;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub sms: Arc<dyn SmsSender>,
    pub clock: Arc<dyn Clock>,
    pub limits: Arc<Limits>,
    /// The bank gateway: the only place a full card number goes.
    pub bank: Arc<dyn BankGateway>,
    /// The carrier billing gateway: phone-bill payments and their credits.
    pub carrier: Arc<dyn CarrierBilling>,
    /// Serialises payment-PIN checks per account.
    pub pin_checks: Arc<KeyedLocks>,
    /// Payment code → device, for the accepted steps ([`crate::domain::paycode`]). Empty until
    /// [`crate::domain::pay::load_paycodes`] runs (start-up); enrolment, reissue and revocation keep it
    /// current.
    pub paycodes: Arc<PaycodeIndex>,
    /// Sandbox mode opens the tester endpoints (the SMS outbox).
    pub sandbox: bool,
    /// This instance's flood limiter and Argon2 slots.
    pub guards: Arc<Guards>,
    /// This instance's counters (`/metrics` on `--metrics-listen`).
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State with the sandbox bank, the only bank adapter there is so far (docs/rules.md §Non-goals).
    pub fn new(
        store: Store,
        sms: Arc<dyn SmsSender>,
        clock: Arc<dyn Clock>,
        limits: Limits,
        sandbox: bool,
    ) -> Self {
        let bank = Arc::new(SandboxBank::new(
            store.clone(),
            Arc::clone(&sms),
            Arc::clone(&clock),
        ));
        let carrier = Arc::new(SandboxCarrier::new(store.clone(), Arc::clone(&clock)));
        Self {
            store,
            sms,
            clock,
            guards: Arc::new(Guards::new(&limits)),
            limits: Arc::new(limits),
            bank,
            carrier,
            pin_checks: Arc::default(),
            paycodes: Arc::default(),
            sandbox,
            metrics: Arc::default(),
        }
    }

    /// Swaps the carrier billing gateway (a real operator's adapter, or a test's fake).
    pub fn with_carrier(mut self, carrier: Arc<dyn CarrierBilling>) -> Self {
        self.carrier = carrier;
        self
    }

    /// Swaps the bank gateway (a real adapter, or a unit test's fake).
    pub fn with_bank(mut self, bank: Arc<dyn BankGateway>) -> Self {
        self.bank = bank;
        self
    }
}

/// One async lock per key, dropped when nobody holds or waits for it.
#[derive(Debug, Default)]
pub struct KeyedLocks(std::sync::Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>);

impl KeyedLocks {
    pub async fn lock(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
            map.retain(|_, l| Arc::strong_count(l) > 1);
            Arc::clone(map.entry(key.to_owned()).or_default())
        };
        lock.lock_owned().await
    }
}
