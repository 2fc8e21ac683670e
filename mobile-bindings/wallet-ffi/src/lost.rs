//! The host's event listener (issue 5): device events ("new device — not you? freeze now",
//! frozen, order waiting, ...) handed to the app. The event types are the core's own.

use std::sync::Arc;

use crate::types::DeviceEvent;

/// Receives device events from `sync_events`, implemented by the host app.
#[uniffi::export(with_foreign)]
pub trait EventListener: Send + Sync {
    fn on_event(&self, event: DeviceEvent);
}

/// Adapts the host's listener to the trait `wallet-core` expects.
pub(crate) struct HostEventListener(pub(crate) Arc<dyn EventListener>);

impl wallet_core::EventListener for HostEventListener {
    fn on_event(&self, event: wallet_core::DeviceEvent) {
        self.0.on_event(event);
    }
}
