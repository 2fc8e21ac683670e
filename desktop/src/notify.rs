//! OS notifications (Tauri's notification plugin) for the device events a user wants to hear
//! about while the window is in the background: money received, a new device, an order waiting
//! for the PIN. They come from the core's event listener, so whatever syncs the events (the
//! page's polling, on any screen, locked or not) raises them once each. Texts name no amount,
//! merchant or device: a notification shows on a screen others may see.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use wallet_core::{DeviceEvent, DeviceEventKind, EventListener};

/// Shows one notification (title, body). The app installs one that calls the plugin.
pub type Show = Box<dyn Fn(&str, &str) + Send + Sync>;

/// The wallet's event listener: turns the events above into notifications.
pub struct Notifier {
    show: OnceLock<Show>,
    enabled: AtomicBool,
    locale: Mutex<String>,
}

impl Notifier {
    pub fn new(enabled: bool, locale: Option<String>) -> Self {
        Self {
            show: OnceLock::new(),
            enabled: AtomicBool::new(enabled),
            locale: Mutex::new(locale.unwrap_or_else(|| "en".to_owned())),
        }
    }

    /// Installs the function that shows a notification (once; later calls are ignored).
    pub fn set_show(&self, show: Show) {
        let _ = self.show.set(show);
    }

    pub fn set_enabled(&self, on: bool) {
        self.enabled.store(on, Ordering::Relaxed);
    }

    pub fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    pub fn set_locale(&self, locale: &str) {
        *self.locale.lock().unwrap_or_else(|p| p.into_inner()) = locale.to_owned();
    }

    fn locale(&self) -> String {
        self.locale
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

impl EventListener for Notifier {
    fn on_event(&self, event: DeviceEvent) {
        if !self.enabled() {
            return;
        }
        let Some((title, body)) = text(&self.locale(), event.kind) else {
            return;
        };
        if let Some(show) = self.show.get() {
            show(title, body);
        }
    }
}

/// The notification for `kind` in `locale`, or `None` for kinds that raise none (the in-app
/// notices on home cover those).
pub fn text(locale: &str, kind: DeviceEventKind) -> Option<(&'static str, &'static str)> {
    use DeviceEventKind as K;
    let t = match (locale, kind) {
        ("zh-CN", K::TransferReceived) => ("收到转账", "有人向你转账，打开钱包查看。"),
        ("zh-CN", K::NewDevice) => (
            "新设备已登录",
            "你的账户在新设备上登录。如果不是你本人，请立即打开钱包冻结账户。",
        ),
        ("zh-CN", K::OrderWaiting) => ("有订单待确认", "一笔付款正在等待你输入支付密码。"),
        ("zh-TW", K::TransferReceived) => ("收到轉帳", "有人向你轉帳，打開錢包查看。"),
        ("zh-TW", K::NewDevice) => (
            "新裝置已登入",
            "你的帳戶在新裝置上登入。如果不是你本人，請立即打開錢包凍結帳戶。",
        ),
        ("zh-TW", K::OrderWaiting) => ("有訂單待確認", "一筆付款正在等待你輸入支付密碼。"),
        (_, K::TransferReceived) => (
            "Money received",
            "Someone sent you money. Open Wallet to see it.",
        ),
        (_, K::NewDevice) => (
            "New device signed in",
            "Your account was signed in on a new device. Not you? Open Wallet and freeze it now.",
        ),
        (_, K::OrderWaiting) => (
            "Payment waiting",
            "A payment is waiting for your payment PIN.",
        ),
        _ => return None,
    };
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn event(kind: DeviceEventKind) -> DeviceEvent {
        DeviceEvent {
            cursor: 1,
            kind,
            at: "2026-12-07T09:00:00Z".into(),
            device_id: None,
            device_name: None,
            reference: None,
            cooling_off_until: None,
        }
    }

    #[test]
    fn the_three_kinds_notify_in_the_users_language() {
        let shown = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
        let n = Notifier::new(true, Some("zh-CN".into()));
        let sink = Arc::clone(&shown);
        n.set_show(Box::new(move |t, b| {
            sink.lock().unwrap().push((t.to_owned(), b.to_owned()))
        }));
        for kind in DeviceEventKind::ALL {
            n.on_event(event(*kind));
        }
        let titles: Vec<String> = shown.lock().unwrap().iter().map(|s| s.0.clone()).collect();
        assert_eq!(titles, ["新设备已登录", "有订单待确认", "收到转账"]);

        n.set_locale("en");
        n.on_event(event(DeviceEventKind::TransferReceived));
        assert_eq!(shown.lock().unwrap().last().unwrap().0, "Money received");

        n.set_enabled(false);
        n.on_event(event(DeviceEventKind::NewDevice));
        assert_eq!(shown.lock().unwrap().len(), 4);
    }

    #[test]
    fn every_locale_has_every_text() {
        for locale in ["en", "zh-CN", "zh-TW"] {
            for kind in [
                DeviceEventKind::TransferReceived,
                DeviceEventKind::NewDevice,
                DeviceEventKind::OrderWaiting,
            ] {
                let (title, body) = text(locale, kind).unwrap();
                assert!(!title.is_empty() && !body.is_empty());
            }
        }
        assert_ne!(
            text("zh-TW", DeviceEventKind::NewDevice),
            text("zh-CN", DeviceEventKind::NewDevice)
        );
    }
}
