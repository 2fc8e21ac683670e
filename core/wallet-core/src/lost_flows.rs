//! Lost phone (docs/rules.md §Lost phone, issue 5): freeze from anywhere, unfreeze, the account's
//! state, the security log, device events and the SMS-only sign-in switch.
//!
//! `report_lost` is the one flow that works signed out (from a friend's phone, the desktop's
//! welcome screen): it needs no profile and creates none. The server answers `{"received":
//! true}` to every well-formed report, so the result says nothing about the account either.
//! Everything else is signed, so a `DEVICE_REVOKED` answer wipes, as everywhere. The ID number,
//! the password and the PIN live in `Zeroizing` buffers and go only into request bodies.

use std::sync::Arc;

use reqwest::Method;
use wallet_protocol::api::{
    self, paths, AccountProfile, AccountSettingsUpdate, DeviceEventFeed, FreezeRequest,
    PhoneChangeRequest, PhoneChangeVerifyRequest, ReportLostAnswer, ReportLostRequest,
    SmsLoginRequest, SmsPayUpdate, UnfreezeRequest,
};
use wallet_protocol::{ErrorCode, PhoneNumber, RealName, ResidentId};
use zeroize::{Zeroize as _, Zeroizing};

use crate::client::to_json;
use crate::error::WalletError;
use crate::store::{rfc3339, Store};
use crate::types::*;
use crate::wallet::{invalid, to_profile, Wallet};

/// How many events one `sync_events` call fetches per page (the server caps it too).
const EVENT_PAGE: usize = 100;
/// At most this many pages per call, so a huge backlog cannot keep a shell busy forever.
const EVENT_PAGES_MAX: usize = 20;

impl Wallet {
    /// Reports the phone of an account lost, which freezes the account and revokes its devices
    /// (or only `device_id`). Works signed out; never reveals whether the phone has an account.
    pub async fn report_lost(&self, input: ReportLostInput) -> Result<(), WalletError> {
        let ReportLostInput {
            phone,
            name,
            id_last6,
            password,
            device_id,
        } = input;
        let password = password.map(Zeroizing::new);
        let id_last6 = id_last6.map(|s| Zeroizing::new(s.trim().to_ascii_uppercase()));
        let phone = PhoneNumber::parse(&phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        let mut request = ReportLostRequest {
            phone: phone.as_e164().to_owned(),
            name: None,
            id_last6: None,
            password: None,
            device_id: None,
        };
        match (name, id_last6, password) {
            (Some(name), Some(last6), None) => {
                let name = RealName::parse(&name).map_err(|e| invalid(e.code(), e))?;
                if !id_last6_well_formed(&last6) {
                    return Err(WalletError::new(
                        ErrorCode::IdNumberInvalid,
                        "The last 6 characters of the ID number are five digits and a digit or X",
                    ));
                }
                request.name = Some(name.as_str().to_owned());
                request.id_last6 = Some(last6.to_string());
            }
            (None, None, Some(password)) if !password.is_empty() => {
                request.password = Some(password.to_string());
            }
            _ => {
                return Err(WalletError::new(
                    ErrorCode::MalformedRequest,
                    "Give the real name and the last 6 characters of the ID number, or the \
                     login password",
                ))
            }
        }
        if let Some(d) = device_id {
            if !api::id_well_formed(&d) {
                return Err(WalletError::new(ErrorCode::NotFound, "No such device"));
            }
            request.device_id = Some(d);
        }
        let answer: Result<ReportLostAnswer, _> =
            self.api()?.post(paths::REPORT_LOST, &request).await;
        if let Some(p) = request.password.as_mut() {
            p.zeroize();
        }
        if let Some(l) = request.id_last6.as_mut() {
            l.zeroize();
        }
        answer?;
        tracing::info!("lost-phone report sent");
        Ok(())
    }

    /// The account's state: active, frozen, or cooling off (and until when).
    pub async fn account_status(&self) -> Result<AccountStatus, WalletError> {
        let _flow = self.flow.lock().await;
        let s: api::AccountStatus = self
            .signed_with(Method::GET, paths::ACCOUNT_STATUS, None, None)
            .await?;
        Ok(to_status(s))
    }

    /// Unfreezes the account from a device enrolled after the freeze: the full ID number and the
    /// payment PIN. A cooling-off follows (`COOLING_OFF` above the small limit until it ends).
    pub async fn unfreeze(
        &self,
        id_number: String,
        pin: String,
    ) -> Result<AccountStatus, WalletError> {
        let _flow = self.flow.lock().await;
        let id_number = Zeroizing::new(id_number);
        let pin = Zeroizing::new(pin);
        let id =
            ResidentId::parse(&id_number).map_err(|e| invalid(ErrorCode::IdNumberInvalid, e))?;
        crate::money_flows::check_pin_format(&pin, "The payment PIN")?;
        let mut request = UnfreezeRequest {
            id_number: id.as_str().to_owned(),
            pin: pin.to_string(),
        };
        let body = to_json(&request);
        request.id_number.zeroize();
        request.pin.zeroize();
        let s: api::AccountStatus = self
            .signed_with(Method::POST, paths::UNFREEZE, Some(&body?), None)
            .await?;
        tracing::info!("account unfrozen; cooling-off started");
        Ok(to_status(s))
    }

    /// One page of the security log, newest first; `before` is a page's `next_before`.
    pub async fn security_log(&self, before: Option<String>) -> Result<SecurityLog, WalletError> {
        let _flow = self.flow.lock().await;
        let path = match before {
            None => paths::SECURITY_LOG.to_owned(),
            Some(b) => {
                let b: i64 = b.trim().parse().ok().filter(|b| *b > 0).ok_or_else(|| {
                    WalletError::new(ErrorCode::MalformedRequest, "Not a security-log page")
                })?;
                format!("{}?before={b}", paths::SECURITY_LOG)
            }
        };
        let log: api::SecurityLog = self.signed_with(Method::GET, &path, None, None).await?;
        Ok(SecurityLog {
            events: log
                .events
                .into_iter()
                .map(|e| SecurityEvent {
                    id: e.id.to_string(),
                    kind: e.kind,
                    at: rfc3339(&e.at),
                    device_name: e.device_name,
                    detail: e.detail,
                })
                .collect(),
            next_before: log.next_before.map(|n| n.to_string()),
        })
    }

    /// Registers the host's listener for device events (replacing any earlier one).
    pub fn set_event_listener(&self, listener: Arc<dyn EventListener>) {
        *self.listener() = Some(listener);
    }

    /// Fetches the device events after the stored cursor, stores the new cursor, hands each
    /// event to the listener (if one is set) and returns them, oldest first.
    pub async fn sync_events(&self) -> Result<Vec<DeviceEvent>, WalletError> {
        let _flow = self.flow.lock().await;
        let mut cursor = self.with_store(Store::event_cursor)?;
        let mut all = Vec::new();
        for _ in 0..EVENT_PAGES_MAX {
            let path = format!("{}?after={cursor}&limit={EVENT_PAGE}", paths::EVENTS);
            let feed: DeviceEventFeed = self.signed_with(Method::GET, &path, None, None).await?;
            let n = feed.events.len();
            let events: Vec<DeviceEvent> = feed
                .events
                .into_iter()
                .filter(|e| e.cursor > cursor)
                .map(|e| DeviceEvent {
                    cursor: e.cursor,
                    kind: e.kind,
                    at: rfc3339(&e.at),
                    device_id: e.device_id,
                    device_name: e.device_name,
                    reference: e.reference,
                    cooling_off_until: e.cooling_off_until.as_ref().map(rfc3339),
                })
                .collect();
            let next = feed.cursor.max(cursor);
            self.with_store(|s| s.save_event_cursor(next))?;
            let listener = self.listener().clone();
            if let Some(l) = listener {
                for e in &events {
                    l.on_event(e.clone());
                }
            }
            all.extend(events);
            if n < EVENT_PAGE || next == cursor {
                break;
            }
            cursor = next;
        }
        Ok(all)
    }

    /// The account's settings (the SMS-only sign-in switch).
    pub async fn settings(&self) -> Result<AccountSettings, WalletError> {
        let _flow = self.flow.lock().await;
        self.signed_with(Method::GET, paths::SETTINGS, None, None)
            .await
    }

    /// Switches SMS-only sign-in on (needs the payment PIN) or off (needs nothing).
    pub async fn set_sms_login(
        &self,
        enabled: bool,
        pin: Option<String>,
    ) -> Result<AccountSettings, WalletError> {
        let _flow = self.flow.lock().await;
        let pin = pin.map(Zeroizing::new);
        if enabled {
            let Some(p) = pin.as_ref() else {
                return Err(WalletError::new(
                    ErrorCode::PinFormatInvalid,
                    "Switching SMS-only sign-in on needs the payment PIN",
                ));
            };
            crate::money_flows::check_pin_format(p, "The payment PIN")?;
        }
        let mut request = AccountSettingsUpdate {
            sms_login_enabled: enabled,
            pin: if enabled {
                pin.as_ref().map(|p| p.to_string())
            } else {
                None
            },
        };
        let body = to_json(&request);
        if let Some(p) = request.pin.as_mut() {
            p.zeroize();
        }
        self.signed_with(Method::PUT, paths::SETTINGS, Some(&body?), None)
            .await
    }

    /// Switches SMS payment ("reply Y" to a product code texted to a merchant's service
    /// number) on (needs the payment PIN) or off (needs nothing). Off by default: whoever holds
    /// the SIM card receives the SMS.
    pub async fn set_sms_pay(
        &self,
        enabled: bool,
        pin: Option<String>,
    ) -> Result<AccountSettings, WalletError> {
        let _flow = self.flow.lock().await;
        let pin = pin.map(Zeroizing::new);
        if enabled {
            let Some(p) = pin.as_ref() else {
                return Err(WalletError::new(
                    ErrorCode::PinRequired,
                    "Switching SMS payment on needs the payment PIN",
                ));
            };
            crate::money_flows::check_pin_format(p, "The payment PIN")?;
        }
        let mut request = SmsPayUpdate {
            enabled,
            pin: if enabled {
                pin.as_ref().map(|p| p.to_string())
            } else {
                None
            },
        };
        let body = to_json(&request);
        if let Some(p) = request.pin.as_mut() {
            p.zeroize();
        }
        self.signed_with(Method::PUT, paths::SETTINGS_SMS_PAY, Some(&body?), None)
            .await
    }
}

impl Wallet {
    /// "Not you? Freeze now" from this signed-in device: freezes the account and revokes
    /// `device_id` (e.g. a new device's, from its `new_device` event) or, without one, every
    /// other device. This device stays signed in and may unfreeze later (ID number + PIN).
    pub async fn freeze_account(
        &self,
        device_id: Option<String>,
    ) -> Result<AccountStatus, WalletError> {
        let _flow = self.flow.lock().await;
        if let Some(d) = &device_id {
            if !api::id_well_formed(d) {
                return Err(WalletError::new(ErrorCode::NotFound, "No such device"));
            }
        }
        let body = to_json(&FreezeRequest { device_id })?;
        let s: api::AccountStatus = self
            .signed_with(Method::POST, paths::FREEZE, Some(&body), None)
            .await?;
        tracing::warn!("account frozen from this device");
        Ok(to_status(s))
    }

    /// Sign-in by an SMS code alone, which the holder must have switched on (`set_sms_login`);
    /// otherwise `SMS_LOGIN_DISABLED` (also for a phone without an account). Then `verify`.
    pub async fn login_sms(&self, phone: String) -> Result<PendingVerification, WalletError> {
        let _flow = self.flow.lock().await;
        self.ensure_not_signed_in()?;
        let phone = PhoneNumber::parse(&phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        self.ensure_store()?;
        let request = SmsLoginRequest {
            phone: phone.as_e164().to_owned(),
        };
        let answer = self.api()?.post(paths::LOGIN_SMS, &request).await;
        self.save_challenge(answer?)
    }

    /// Starts changing the phone number; see [`PhoneChangeInput`]. `ACCOUNT_FROZEN` while
    /// frozen; a wrong password or ID number is `CREDENTIALS_INVALID`.
    pub async fn start_phone_change(
        &self,
        input: PhoneChangeInput,
    ) -> Result<PhoneChangeStarted, WalletError> {
        let _flow = self.flow.lock().await;
        let PhoneChangeInput {
            new_phone,
            password,
            id_number,
        } = input;
        let password = Zeroizing::new(password);
        let id_number = id_number.map(Zeroizing::new);
        let new_phone =
            PhoneNumber::parse(&new_phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        if password.is_empty() {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                "Enter the account's login password",
            ));
        }
        let id = match id_number.as_ref().map(|n| n.trim()) {
            None | Some("") => None,
            Some(n) => {
                Some(ResidentId::parse(n).map_err(|e| invalid(ErrorCode::IdNumberInvalid, e))?)
            }
        };
        let mut request = PhoneChangeRequest {
            new_phone: new_phone.as_e164().to_owned(),
            password: password.to_string(),
            id_number: id.map(|i| i.as_str().to_owned()),
        };
        let body = to_json(&request);
        request.password.zeroize();
        if let Some(i) = request.id_number.as_mut() {
            i.zeroize();
        }
        let started: api::PhoneChangeStarted = self
            .signed_with(Method::POST, paths::PHONE_CHANGE, Some(&body?), None)
            .await?;
        Ok(PhoneChangeStarted {
            challenge_id: started.challenge_id,
            new_phone_masked: started.new_phone_masked,
            old_challenge_id: started.old_challenge_id,
            expires_at: rfc3339(&started.expires_at),
        })
    }

    /// Finishes the change with the code(s); answers the profile with the new number (stored).
    /// A cooling-off starts and the other devices are told.
    pub async fn finish_phone_change(
        &self,
        input: PhoneChangeFinish,
    ) -> Result<Profile, WalletError> {
        let _flow = self.flow.lock().await;
        let PhoneChangeFinish {
            challenge_id,
            code,
            old_challenge_id,
            old_code,
            cards,
        } = input;
        let code = Zeroizing::new(code.trim().to_owned());
        let old_code = old_code.map(|c| Zeroizing::new(c.trim().to_owned()));
        if !api::id_well_formed(&challenge_id) {
            return Err(ErrorCode::ChallengeNotFound.into());
        }
        if !api::otp_well_formed(&code)
            || old_code.as_ref().is_some_and(|c| !api::otp_well_formed(c))
        {
            return Err(ErrorCode::OtpFormatInvalid.into());
        }
        if old_challenge_id.is_some() != old_code.is_some() {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                "The code sent to the old number goes with its challenge",
            ));
        }
        let mut request = PhoneChangeVerifyRequest {
            code: code.to_string(),
            old_challenge_id,
            old_code: old_code.as_ref().map(|c| c.to_string()),
            cards,
        };
        let body = to_json(&request);
        request.code.zeroize();
        if let Some(c) = request.old_code.as_mut() {
            c.zeroize();
        }
        let account: AccountProfile = self
            .signed_with(
                Method::POST,
                &paths::phone_change_verify(&challenge_id),
                Some(&body?),
                None,
            )
            .await?;
        let device_id = self.session()?.profile.device_id;
        let profile = to_profile(account, device_id);
        if let Some(store) = self.lock_store().as_ref() {
            store.update_profile(&profile)?;
        }
        tracing::info!("phone number changed");
        Ok(profile)
    }
}

/// Five digits and a digit or `X` (already upper-cased).
pub(crate) fn id_last6_well_formed(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 6 && b[..5].iter().all(u8::is_ascii_digit) && (b[5].is_ascii_digit() || b[5] == b'X')
}

fn to_status(s: api::AccountStatus) -> AccountStatus {
    AccountStatus {
        state: s.state,
        frozen_since: s.frozen_since.as_ref().map(rfc3339),
        cooling_off_until: s.cooling_off_until.as_ref().map(rfc3339),
        cooling_off_limit: s.cooling_off_limit,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::client::tests::scripted_server;
    use crate::store::tests::FakeSecrets;
    use crate::test_support::*;

    fn report(name: Option<&str>, last6: Option<&str>, password: Option<&str>) -> ReportLostInput {
        ReportLostInput {
            phone: "138 1234 5678".into(),
            name: name.map(Into::into),
            id_last6: last6.map(Into::into),
            password: password.map(Into::into),
            device_id: None,
        }
    }

    #[tokio::test]
    async fn phone_change_and_freeze_check_their_input_offline() {
        // Port 9 (discard): any request that got through would fail with a network error.
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        let start = |new_phone: &str, password: &str, id: Option<&str>| PhoneChangeInput {
            new_phone: new_phone.into(),
            password: password.into(),
            id_number: id.map(Into::into),
        };
        let code = |r: Result<PhoneChangeStarted, WalletError>| r.unwrap_err().code;
        assert_eq!(
            code(w.start_phone_change(start("12", "pw", None)).await),
            ErrorCode::PhoneInvalid
        );
        assert_eq!(
            code(w.start_phone_change(start("13900001111", "", None)).await),
            ErrorCode::MalformedRequest
        );
        assert_eq!(
            code(
                w.start_phone_change(start("13900001111", "pw", Some("11010519491231002Y")))
                    .await
            ),
            ErrorCode::IdNumberInvalid
        );
        let finish = |code: &str, old: Option<&str>, old_code: Option<&str>| PhoneChangeFinish {
            challenge_id: "chl_1".into(),
            code: code.into(),
            old_challenge_id: old.map(Into::into),
            old_code: old_code.map(Into::into),
            cards: CardsOnPhoneChange::Keep,
        };
        let code = |r: Result<Profile, WalletError>| r.unwrap_err().code;
        assert_eq!(
            code(w.finish_phone_change(finish("12ab56", None, None)).await),
            ErrorCode::OtpFormatInvalid
        );
        assert_eq!(
            code(
                w.finish_phone_change(finish("123456", Some("chl_2"), None))
                    .await
            ),
            ErrorCode::MalformedRequest
        );
        assert_eq!(
            w.freeze_account(Some("dev 1; drop".into()))
                .await
                .unwrap_err()
                .code,
            ErrorCode::NotFound
        );
        // A network failure, not an input error, proves a well-formed request was sent.
        let sent = w.freeze_account(None).await.unwrap_err().code;
        assert_ne!(sent, ErrorCode::NotFound);
        assert_ne!(sent, ErrorCode::MalformedRequest);
    }

    #[tokio::test]
    async fn report_lost_checks_identity_shape_offline() {
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(
            config(dir.path(), "http://127.0.0.1:9"),
            Arc::new(FakeSecrets::default()),
        )
        .unwrap();
        let code = |e: WalletError| e.code;
        assert_eq!(
            code(w.report_lost(report(None, None, None)).await.unwrap_err()),
            ErrorCode::MalformedRequest
        );
        assert_eq!(
            code(
                w.report_lost(report(Some("李明"), Some("12345"), None))
                    .await
                    .unwrap_err()
            ),
            ErrorCode::IdNumberInvalid
        );
        assert_eq!(
            code(
                w.report_lost(report(Some("李明"), Some("31002X"), Some("pw")))
                    .await
                    .unwrap_err()
            ),
            ErrorCode::MalformedRequest
        );
        let mut bad_phone = report(None, None, Some("pw"));
        bad_phone.phone = "12".into();
        assert_eq!(
            code(w.report_lost(bad_phone).await.unwrap_err()),
            ErrorCode::PhoneInvalid
        );
        assert!(id_last6_well_formed("31002X"));
        assert!(!id_last6_well_formed("3100X2"));
    }

    #[tokio::test]
    async fn report_lost_works_signed_out_and_creates_nothing() {
        let (url, server) = scripted_server(vec![(200, r#"{"received":true}"#.into())]);
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(config(dir.path(), &url), Arc::new(FakeSecrets::default())).unwrap();
        w.report_lost(report(Some("李明"), Some("31002x"), None))
            .await
            .unwrap();
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("POST /v1/report-lost "));
        assert!(seen[0].contains(r#""id_last6":"31002X""#));
        assert!(seen[0].contains(r#""phone":"+8613812345678""#));
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
        assert!(matches!(w.status().unwrap(), SessionStatus::SignedOut));
    }

    #[derive(Default)]
    struct Collect(Mutex<Vec<i64>>);
    impl EventListener for Collect {
        fn on_event(&self, event: DeviceEvent) {
            self.0.lock().unwrap().push(event.cursor);
        }
    }

    #[tokio::test]
    async fn sync_events_uses_and_stores_the_cursor_and_calls_the_listener() {
        let feed = r#"{"events":[
            {"cursor":5,"kind":"new_device","at":"2030-01-01T00:00:00Z","device_name":"C",
             "cooling_off_until":"2030-01-02T00:00:00Z"},
            {"cursor":6,"kind":"unfrozen","at":"2030-01-01T00:00:01Z"}],"cursor":6}"#;
        let empty = r#"{"events":[],"cursor":6}"#;
        let (url, server) =
            scripted_server(vec![(200, feed.replace('\n', "")), (200, empty.into())]);
        let (_dir, _secrets, w) = enrolled(&url);
        let seen_events = Arc::new(Collect::default());
        w.set_event_listener(seen_events.clone());
        let got = w.sync_events().await.unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].kind, DeviceEventKind::NewDevice);
        assert_eq!(
            got[0].cooling_off_until.as_deref(),
            Some("2030-01-02T00:00:00Z")
        );
        assert_eq!(*seen_events.0.lock().unwrap(), vec![5, 6]);
        assert!(w.sync_events().await.unwrap().is_empty());
        let seen = server.join().unwrap();
        assert!(seen[0].starts_with("GET /v1/events?after=0&limit=100 "));
        assert!(seen[1].starts_with("GET /v1/events?after=6&limit=100 "));
        assert_eq!(w.with_store(Store::event_cursor).unwrap(), 6);
    }

    #[tokio::test]
    async fn frozen_and_cooling_off_keep_their_codes() {
        let frozen =
            r#"{"type":"about:blank","title":"Frozen","status":423,"code":"ACCOUNT_FROZEN"}"#;
        let (url, _server) = scripted_server(vec![(423, frozen.into())]);
        let (_dir, _secrets, w) = enrolled(&url);
        assert_eq!(
            w.unfreeze("11010519491231002X".into(), "135790".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::AccountFrozen
        );
        assert_eq!(
            w.unfreeze("110105".into(), "135790".into())
                .await
                .unwrap_err()
                .code,
            ErrorCode::IdNumberInvalid
        );
    }

    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let (_dir, _secrets, w) = enrolled("http://127.0.0.1:9");
        assert_send(&w.report_lost(ReportLostInput::default()));
        assert_send(&w.account_status());
        assert_send(&w.unfreeze(String::new(), String::new()));
        assert_send(&w.security_log(None));
        assert_send(&w.sync_events());
        assert_send(&w.settings());
        assert_send(&w.set_sms_login(false, None));
        assert_send(&w.freeze_account(None));
        assert_send(&w.login_sms(String::new()));
        assert_send(&w.start_phone_change(PhoneChangeInput::default()));
        assert_send(&w.finish_phone_change(PhoneChangeFinish {
            challenge_id: String::new(),
            code: String::new(),
            old_challenge_id: None,
            old_code: None,
            cards: CardsOnPhoneChange::Keep,
        }));
    }
}
