//! Shared state of the HTTP app.

use std::sync::Arc;

use crate::clock::Clock;
use crate::config::Limits;
use crate::sms::SmsSender;
use crate::store::Store;

/// Everything a handler needs. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub sms: Arc<dyn SmsSender>,
    pub clock: Arc<dyn Clock>,
    pub limits: Arc<Limits>,
    /// Sandbox mode opens the tester endpoints (the SMS outbox).
    pub sandbox: bool,
}

impl AppState {
    pub fn new(
        store: Store,
        sms: Arc<dyn SmsSender>,
        clock: Arc<dyn Clock>,
        limits: Limits,
        sandbox: bool,
    ) -> Self {
        Self {
            store,
            sms,
            clock,
            limits: Arc::new(limits),
            sandbox,
        }
    }
}
