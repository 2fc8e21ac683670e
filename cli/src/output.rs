//! How results are shown: one JSON object on stdout with `--json`, readable lines otherwise.
//! Errors go to stdout as JSON in `--json` mode (scripts read one stream) and to stderr for humans.

use serde_json::{json, Value};
use wallet_core::{Device, PasswordStrength, PendingVerification, Profile, WalletError};

use crate::i18n::{self, Lang, Msg};

pub struct Out {
    json: bool,
    lang: Lang,
}

impl Out {
    pub fn new(json: bool, lang: Lang) -> Self {
        Self { json, lang }
    }

    fn print_json(&self, v: &Value) {
        println!("{v}");
    }

    fn t(&self, m: Msg) -> &'static str {
        i18n::text(self.lang, m)
    }

    pub fn error(&self, e: &WalletError) {
        if self.json {
            let mut err = json!({ "code": e.code, "message": e.message });
            if let Some(secs) = e.retry_after_secs {
                err["retry_after_secs"] = json!(secs);
            }
            self.print_json(&json!({ "error": err }));
        } else {
            let text = i18n::error_text(self.lang, e.code).unwrap_or(&e.message);
            eprintln!("{}: {text} ({})", self.t(Msg::Error), e.code);
            if let Some(secs) = e.retry_after_secs {
                eprintln!("  retry after {secs} s");
            }
        }
    }

    /// Before a sign-up is sent: zxcvbn's feedback on a weak password (humans only).
    pub fn password_warning(&self, s: &PasswordStrength) {
        if self.json || s.acceptable {
            return;
        }
        eprintln!("{} ({}/4)", self.t(Msg::WeakPassword), s.score);
        if let Some(w) = &s.warning {
            eprintln!("  {w}");
        }
        for tip in &s.suggestions {
            eprintln!("  - {tip}");
        }
    }

    pub fn pending(&self, p: &PendingVerification) {
        if self.json {
            self.print_json(&json!({
                "status": "pending_verification",
                "purpose": p.purpose,
                "phone_masked": p.phone_masked,
                "expires_at": p.expires_at,
            }));
        } else {
            println!("{} {}", self.t(Msg::CodeSent), p.phone_masked);
            println!("{} {}", self.t(Msg::NextVerify), p.expires_at);
        }
    }

    pub fn profile(&self, p: &Profile, _just_enrolled: bool) {
        if self.json {
            self.print_json(&json!(p));
        } else {
            println!("{} {} ({})", self.t(Msg::SignedIn), p.name, p.phone_masked);
            println!("  account: {}", p.account_id);
            println!("  ID: **************{}", p.id_last4);
            println!("{} {}", self.t(Msg::ThisDevice), p.device_id);
        }
    }

    pub fn devices(&self, devices: &[Device]) {
        if self.json {
            self.print_json(&json!({ "devices": devices }));
            return;
        }
        if devices.is_empty() {
            println!("{}", self.t(Msg::NoDevices));
        }
        for d in devices {
            let marker = if d.current { "*" } else { " " };
            println!(
                "{marker} {:<24} {:<8} {:<32} enrolled {}  last seen {}",
                d.device_id, d.platform, d.name, d.enrolled_at, d.last_seen_at
            );
        }
    }

    pub fn revoked(&self, id: &str) {
        if self.json {
            self.print_json(&json!({ "revoked": id }));
        } else {
            println!("{} {id}", self.t(Msg::Revoked));
        }
    }

    pub fn logged_out(&self) {
        if self.json {
            self.print_json(&json!({ "logged_out": true }));
        } else {
            println!("{}", self.t(Msg::LoggedOut));
        }
    }
}
