//! Shared state of the HTTP app.

use std::sync::Arc;

use crate::bank::{BankGateway, SandboxBank};
use crate::clock::Clock;
use crate::config::Limits;
use crate::paycode::PaycodeIndex;
use crate::sms::SmsSender;
use crate::store::Store;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub sms: Arc<dyn SmsSender>,
    pub clock: Arc<dyn Clock>,
    pub limits: Arc<Limits>,
    /// The bank gateway: the only place a full card number goes.
    pub bank: Arc<dyn BankGateway>,
    /// Serialises payment-PIN checks per account.
    pub pin_checks: Arc<crate::money::KeyedLocks>,
    /// Payment code → device, for the accepted steps ([`crate::paycode`]). Empty until
    /// [`crate::pay::load_paycodes`] runs (start-up); enrolment, reissue and revocation keep it
    /// current.
    pub paycodes: Arc<PaycodeIndex>,
    /// Sandbox mode opens the tester endpoints (the SMS outbox).
    pub sandbox: bool,
}

impl AppState {
    /// State with the sandbox bank, the only bank adapter there is so far (DESIGN §15).
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
        Self {
            store,
            sms,
            clock,
            limits: Arc::new(limits),
            bank,
            pin_checks: Arc::default(),
            paycodes: Arc::default(),
            sandbox,
        }
    }

    /// Swaps the bank gateway (a real adapter, or a unit test's fake).
    pub fn with_bank(mut self, bank: Arc<dyn BankGateway>) -> Self {
        self.bank = bank;
        self
    }
}
