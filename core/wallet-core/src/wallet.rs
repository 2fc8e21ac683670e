//! The `Wallet` facade: every user flow, one method each.
//!
//! All methods take `&self` so shells can share one `Arc<Wallet>`. The store sits behind a
//! `std::sync::Mutex` that is never held across an `.await`; flows that read state, talk to the
//! server and write state back are serialised by an async mutex so two of them cannot interleave.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use reqwest::Method;
use wallet_protocol::api::{
    self, paths, AccountProfile, ChallengeResponse, DeviceEnrolment, DeviceList, EnrolResponse,
    LoginRequest, SignupRequest, VerifyRequest,
};
use wallet_protocol::paycode::PaycodeSeed;
use wallet_protocol::{ErrorCode, PhoneNumber, RealName, ResidentId};
use zeroize::{Zeroize as _, Zeroizing};

use crate::client::{ApiClient, ClientError, DeviceAuth};
use crate::error::WalletError;
use crate::secret_store::SecretStore;
use crate::store::{
    rfc3339, DeviceKey, ProfilePaths, Store, StoredPending, SETTING_ENROLLED_SERVER,
};
use crate::types::*;

/// How a shell opens a profile.
#[derive(Debug, Clone)]
pub struct WalletConfig {
    /// The profile directory: encrypted database and settings live here.
    pub home: PathBuf,
    /// Provider base URL, e.g. `https://wallet.example` or `http://127.0.0.1:8080`.
    pub server_url: String,
    /// Shown in the device list.
    pub device_name: String,
    /// `cli`, `linux`, `android`, ...
    pub platform: String,
}

/// One profile on this device.
pub struct Wallet {
    config: WalletConfig,
    secrets: Arc<dyn SecretStore>,
    paths: ProfilePaths,
    client: ApiClient,
    /// `None` until a sign-up or sign-in creates the database, and again after a wipe.
    store: Mutex<Option<Store>>,
    /// Held for the whole of a flow that reads state, talks to the server and writes back.
    pub(crate) flow: tokio::sync::Mutex<()>,
    /// The host's listener for device events (`set_event_listener`).
    listener: Mutex<Option<Arc<dyn EventListener>>>,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("home", &self.config.home)
            .field("server", &self.client.base_url())
            .finish_non_exhaustive()
    }
}

/// The data a signed request needs, read from the store.
pub(crate) struct Session {
    pub(crate) profile: Profile,
    key: DeviceKey,
}

impl Wallet {
    /// Opens the profile at `config.home`. An existing database is opened with its key from
    /// the secret store (`STORE_KEY_MISSING` / `STORE_KEY_WRONG` otherwise, file untouched);
    /// a missing one is created only when a sign-up or sign-in starts.
    pub fn open(config: WalletConfig, secrets: Arc<dyn SecretStore>) -> Result<Self, WalletError> {
        let client = ApiClient::new(&config.server_url)?;
        let paths = ProfilePaths::new(&config.home);
        let store = Store::open_existing(&paths, secrets.as_ref())?;
        Ok(Self {
            config,
            secrets,
            paths,
            client,
            store: Mutex::new(store),
            flow: tokio::sync::Mutex::new(()),
            listener: Mutex::new(None),
        })
    }

    pub fn status(&self) -> Result<SessionStatus, WalletError> {
        let guard = self.lock_store();
        let Some(store) = guard.as_ref() else {
            return Ok(SessionStatus::SignedOut);
        };
        if let Some(profile) = store.profile()? {
            return Ok(SessionStatus::SignedIn { profile });
        }
        Ok(match store.pending()? {
            Some(p) if p.expires_at > Utc::now() => SessionStatus::PendingVerification {
                pending: p.public(),
            },
            _ => SessionStatus::SignedOut,
        })
    }

    /// A provider URL as a profile would use it (HTTPS, or plain HTTP to this computer only;
    /// no query or fragment), in normal form without a trailing slash; `INSECURE_SERVER_URL`
    /// otherwise. Shells check a URL the user typed with this before saving it.
    pub fn check_server_url(url: &str) -> Result<String, WalletError> {
        let url = crate::client::check_server_url(url)?;
        Ok(url.as_str().trim_end_matches('/').to_owned())
    }

    /// The provider URL this wallet talks to, in normal form.
    pub fn server_url(&self) -> &str {
        self.client.base_url()
    }

    /// Rates a password the way the server will (zxcvbn, score ≥ 3). Needs the `password-meter`
    /// feature (the mobile library leaves it out: its hosts use the platform's zxcvbn).
    #[cfg(feature = "password-meter")]
    pub fn password_strength(password: &str, user_inputs: &[String]) -> PasswordStrength {
        let inputs: Vec<&str> = user_inputs.iter().map(String::as_str).collect();
        wallet_protocol::password::rate(password, &inputs)
    }

    /// Rates the sign-up password with the same personal words `signup` and the server check it
    /// against ([`wallet_protocol::password::user_inputs`]), for a live strength meter. Details
    /// still being typed count as typed.
    #[cfg(feature = "password-meter")]
    pub fn signup_password_strength(input: &SignupInput) -> PasswordStrength {
        let inputs = wallet_protocol::password::user_inputs_from_text(
            &input.phone,
            &input.name,
            &input.id_number,
        );
        Self::password_strength(&input.password, &inputs)
    }

    pub async fn signup(&self, input: SignupInput) -> Result<PendingVerification, WalletError> {
        let _flow = self.flow.lock().await;
        let SignupInput {
            phone,
            name,
            id_number,
            password,
        } = input;
        let password = Zeroizing::new(password);
        let id_number = Zeroizing::new(id_number);
        self.ensure_not_signed_in()?;
        let phone = PhoneNumber::parse(&phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        let name = RealName::parse(&name).map_err(|e| invalid(e.code(), e))?;
        let id =
            ResidentId::parse(&id_number).map_err(|e| invalid(ErrorCode::IdNumberInvalid, e))?;
        // Without the meter (the mobile library) the provider alone rates it: `PASSWORD_WEAK`.
        #[cfg(feature = "password-meter")]
        {
            let strength = Self::password_strength(
                &password,
                &wallet_protocol::password::user_inputs(&phone, &name, &id),
            );
            if !strength.acceptable {
                return Err(weak_password(&strength));
            }
        }
        self.ensure_store()?;
        let mut request = SignupRequest {
            phone: phone.as_e164().to_owned(),
            name: name.as_str().to_owned(),
            id_number: id.as_str().to_owned(),
            password: password.to_string(),
        };
        let answer = self.api()?.post(paths::SIGNUP, &request).await;
        request.password.zeroize();
        request.id_number.zeroize();
        self.save_challenge(answer?)
    }

    pub async fn login(
        &self,
        phone: String,
        password: String,
    ) -> Result<PendingVerification, WalletError> {
        let _flow = self.flow.lock().await;
        let password = Zeroizing::new(password);
        self.ensure_not_signed_in()?;
        let phone = PhoneNumber::parse(&phone).map_err(|e| invalid(ErrorCode::PhoneInvalid, e))?;
        if password.is_empty() {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                "Enter the account's login password",
            ));
        }
        self.ensure_store()?;
        let mut request = LoginRequest {
            phone: phone.as_e164().to_owned(),
            password: password.to_string(),
        };
        let answer = self.api()?.post(paths::LOGIN, &request).await;
        request.password.zeroize();
        self.save_challenge(answer?)
    }

    /// Completes the pending sign-up or sign-in with the SMS code and enrols this device.
    pub async fn verify(&self, code: String) -> Result<Profile, WalletError> {
        let _flow = self.flow.lock().await;
        let code = Zeroizing::new(code.trim().to_owned());
        if !api::otp_well_formed(&code) {
            return Err(ErrorCode::OtpFormatInvalid.into());
        }
        wallet_protocol::text::check_visible("device.name", &self.config.device_name)
            .map_err(hidden)?;
        let pending = {
            let guard = self.lock_store();
            let store = guard
                .as_ref()
                .ok_or_else(|| WalletError::from(ErrorCode::NoPendingVerification))?;
            if store.profile()?.is_some() {
                return Err(ErrorCode::AlreadySignedIn.into());
            }
            let pending = store
                .pending()?
                .ok_or_else(|| WalletError::from(ErrorCode::NoPendingVerification))?;
            if pending.expires_at <= Utc::now() {
                store.clear_pending()?;
                return Err(WalletError::new(
                    ErrorCode::OtpExpired,
                    "The verification code has expired: sign up or sign in again for a new one",
                ));
            }
            pending
        };
        let public_key = wallet_protocol::signing::encode_public_key(
            &pending.device_key.signing_key().verifying_key(),
        );
        let mut request = VerifyRequest {
            code: code.to_string(),
            device: DeviceEnrolment {
                public_key,
                name: self.config.device_name.clone(),
                platform: self.config.platform.clone(),
            },
        };
        let answer: Result<EnrolResponse, ClientError> = self
            .api()?
            .post(&paths::challenge_verify(&pending.challenge_id), &request)
            .await;
        request.code.zeroize();
        let enrolled = match answer {
            Ok(a) => a,
            Err(e) => {
                if let ClientError::Server {
                    code: ErrorCode::ChallengeNotFound | ErrorCode::OtpExpired,
                    ..
                } = &e
                {
                    // The challenge is dead on the server: forget it so the app offers a fresh
                    // start.
                    if let Some(store) = self.lock_store().as_ref() {
                        store.clear_pending()?;
                    }
                }
                return Err(e.into());
            }
        };
        let profile = to_profile(enrolled.account, enrolled.device_id);
        let seed = PaycodeSeed::from_base64(&enrolled.paycode_seed);
        if seed.is_none() {
            // Payment codes then say PAYCODE_NOT_PROVISIONED until `refresh_paycode_seed`.
            tracing::warn!("the server provisioned no usable payment-code seed");
        }
        let mut guard = self.lock_store();
        let store = guard
            .as_mut()
            .ok_or_else(|| WalletError::from(ErrorCode::NoPendingVerification))?;
        store.enrol(
            &profile,
            &pending.device_key,
            self.client.base_url(),
            seed.as_ref(),
        )?;
        tracing::info!(purpose = ?pending.purpose, "device enrolled");
        Ok(profile)
    }

    /// The signed-in profile, refreshed from the server.
    pub async fn whoami(&self) -> Result<Profile, WalletError> {
        let _flow = self.flow.lock().await;
        let account: AccountProfile = self.signed(Method::GET, paths::ME).await?;
        let device_id = self.session()?.profile.device_id;
        let profile = to_profile(account, device_id);
        if let Some(store) = self.lock_store().as_ref() {
            store.update_profile(&profile)?;
        }
        Ok(profile)
    }

    pub async fn devices(&self) -> Result<Vec<Device>, WalletError> {
        let _flow = self.flow.lock().await;
        let list: DeviceList = self.signed(Method::GET, paths::DEVICES).await?;
        Ok(list
            .devices
            .into_iter()
            .map(|d| Device {
                device_id: d.device_id,
                name: d.name,
                platform: d.platform,
                enrolled_at: rfc3339(&d.enrolled_at),
                last_seen_at: rfc3339(&d.last_seen_at),
                current: d.current,
            })
            .collect())
    }

    /// Signs another device (or this one) out.
    pub async fn revoke_device(&self, device_id: String) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        // Device ids go into the path: anything that could change the path is not an id.
        if device_id.is_empty()
            || device_id.len() > 128
            || !device_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(WalletError::new(ErrorCode::NotFound, "No such device"));
        }
        let own = self.session()?.profile.device_id == device_id;
        self.signed_empty(Method::POST, &paths::device_revoke(&device_id))
            .await?;
        if own {
            self.wipe_local()?;
        }
        Ok(())
    }

    /// Signs this device out on the server and wipes the local profile.
    pub async fn logout(&self) -> Result<(), WalletError> {
        let _flow = self.flow.lock().await;
        let signed_in = {
            let guard = self.lock_store();
            match guard.as_ref() {
                None => return Err(ErrorCode::NotSignedIn.into()),
                Some(store) => store.profile()?.is_some(),
            }
        };
        if !signed_in {
            // Only a sign-up or sign-in waiting for its code: nothing on the server to undo.
            return self.wipe_local();
        }
        let device_id = self.session()?.profile.device_id;
        match self
            .signed_empty(Method::POST, &paths::device_revoke(&device_id))
            .await
        {
            Ok(()) => self.wipe_local(),
            // Already signed out on the server, and `signed_empty` has wiped: done.
            Err(e) if e.code == ErrorCode::DeviceRevoked && self.lock_store().is_none() => Ok(()),
            Err(e) => Err(e),
        }
    }

    // --- internals ---------------------------------------------------------------------------

    pub(crate) fn lock_store(&self) -> MutexGuard<'_, Option<Store>> {
        // A panic while holding the lock leaves SQLite consistent (transactions), so go on.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn listener(&self) -> MutexGuard<'_, Option<Arc<dyn EventListener>>> {
        self.listener.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The client for a request to the server, once it is certain that this profile belongs
    /// to it: a profile talks only to the server its sign-up or sign-in started on (recorded
    /// with the pending challenge, then at enrolment). Pointed at another URL, nothing is sent
    /// and the answer is `SERVER_MISMATCH` naming both; `--server` mistyped or a URL planted
    /// in the environment cannot make this device sign requests for, or send its PIN or
    /// password to, another server. A profile from before the server was recorded talks to
    /// the first one it is pointed at and keeps it.
    pub(crate) fn api(&self) -> Result<&ApiClient, WalletError> {
        let guard = self.lock_store();
        let Some(store) = guard.as_ref() else {
            return Ok(&self.client);
        };
        let configured = self.client.base_url();
        match store.setting::<Option<String>>(SETTING_ENROLLED_SERVER)? {
            Some(Some(bound)) if bound != configured => Err(WalletError::new(
                ErrorCode::ServerMismatch,
                format!(
                    "This profile belongs to {bound}, not {configured}; nothing was sent. \
                     Point it at {bound}, or sign out to use another server."
                ),
            )),
            Some(Some(_)) => Ok(&self.client),
            // Unknown (enrolled before the server was recorded, or nothing started yet): this
            // one from now on.
            Some(None) | None => {
                store.set_setting(SETTING_ENROLLED_SERVER, &Some(configured))?;
                Ok(&self.client)
            }
        }
    }

    pub(crate) fn ensure_not_signed_in(&self) -> Result<(), WalletError> {
        if let Some(store) = self.lock_store().as_ref() {
            if store.profile()?.is_some() {
                return Err(ErrorCode::AlreadySignedIn.into());
            }
        }
        Ok(())
    }

    /// Creates the profile database when a sign-up or sign-in starts (before any SMS is sent,
    /// so an unreachable secret store fails first).
    pub(crate) fn ensure_store(&self) -> Result<(), WalletError> {
        let mut guard = self.lock_store();
        if guard.is_none() {
            *guard = Some(Store::create(&self.paths, self.secrets.as_ref())?);
        }
        Ok(())
    }

    pub(crate) fn save_challenge(
        &self,
        answer: ChallengeResponse,
    ) -> Result<PendingVerification, WalletError> {
        let pending = StoredPending {
            challenge_id: answer.challenge_id,
            purpose: answer.purpose,
            phone_masked: answer.phone_masked,
            expires_at: answer.expires_at,
            // Made now and kept with the challenge, so a retried verification enrols this key.
            device_key: DeviceKey::generate(),
        };
        let guard = self.lock_store();
        let store = guard
            .as_ref()
            .ok_or_else(|| WalletError::new(ErrorCode::StoreIo, "The local database is closed"))?;
        store.save_pending(&pending)?;
        Ok(pending.public())
    }

    pub(crate) fn session(&self) -> Result<Session, WalletError> {
        let guard = self.lock_store();
        let store = guard
            .as_ref()
            .ok_or_else(|| WalletError::from(ErrorCode::NotSignedIn))?;
        match (store.profile()?, store.device_key()?) {
            (Some(profile), Some(key)) => Ok(Session { profile, key }),
            _ => Err(ErrorCode::NotSignedIn.into()),
        }
    }

    async fn signed<R: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
    ) -> Result<R, WalletError> {
        self.signed_with(method, path, None, None).await
    }

    async fn signed_empty(&self, method: Method, path: &str) -> Result<(), WalletError> {
        self.signed_empty_with(method, path, None, None).await
    }

    /// A signed request with a JSON body (already serialised, see `client::to_json`) and, for
    /// money-moving requests, an `Idempotency-Key`. A `DEVICE_REVOKED` answer wipes.
    pub(crate) async fn signed_with<R: serde::de::DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Result<R, WalletError> {
        let session = self.session()?;
        let auth = DeviceAuth {
            device_id: &session.profile.device_id,
            key: &session.key,
        };
        let answer = self
            .api()?
            .signed_with(method, path, body, &auth, idempotency_key)
            .await;
        answer.map_err(|e| self.after_signed_error(e))
    }

    /// [`Self::signed_with`] for answers without a body (204).
    pub(crate) async fn signed_empty_with(
        &self,
        method: Method,
        path: &str,
        body: Option<&[u8]>,
        idempotency_key: Option<&str>,
    ) -> Result<(), WalletError> {
        let session = self.session()?;
        let auth = DeviceAuth {
            device_id: &session.profile.device_id,
            key: &session.key,
        };
        let answer = self
            .api()?
            .signed_empty_with(method, path, body, &auth, idempotency_key)
            .await;
        answer.map_err(|e| self.after_signed_error(e))
    }

    /// docs/rules.md §Lost phone: a device told it is revoked (or unknown) deletes its database and
    /// its key.
    fn after_signed_error(&self, e: ClientError) -> WalletError {
        let ClientError::Server { code, .. } = &e else {
            return e.into();
        };
        let code = *code;
        if !matches!(code, ErrorCode::DeviceRevoked | ErrorCode::DeviceUnknown) {
            return e.into();
        }
        // Only the server this device was enrolled on may have it wiped; a mistyped --server
        // must not destroy a working profile.
        if let Some(enrolled) = self.enrolled_server() {
            if enrolled != self.client.base_url() {
                let mut err = WalletError::from(e);
                err.message = format!(
                    "{} This profile was enrolled on {enrolled}, not {}: nothing was wiped.",
                    err.message,
                    self.client.base_url()
                );
                return err;
            }
        }
        tracing::warn!(code = %code, "the server no longer accepts this device; wiping local data");
        let message = match self.wipe_local() {
            Ok(()) => {
                "This device was signed out of the account; its local data was wiped.".to_owned()
            }
            Err(w) => format!(
                "This device was signed out of the account; wiping its local data failed: {}",
                w.message
            ),
        };
        WalletError::new(ErrorCode::DeviceRevoked, message)
    }

    fn enrolled_server(&self) -> Option<String> {
        let guard = self.lock_store();
        guard
            .as_ref()?
            .setting::<Option<String>>(SETTING_ENROLLED_SERVER)
            .ok()
            .flatten()
            .flatten()
    }

    fn wipe_local(&self) -> Result<(), WalletError> {
        let store = self.lock_store().take();
        match store {
            Some(store) => Ok(store.wipe(self.secrets.as_ref())?),
            None => Ok(()),
        }
    }
}

/// `TEXT_HIDDEN_CHARACTER`, naming the field (docs/rules.md §Identity).
pub(crate) fn hidden(e: wallet_protocol::text::HiddenCharacter) -> WalletError {
    invalid(ErrorCode::TextHiddenCharacter, e)
}

pub(crate) fn invalid(code: ErrorCode, e: impl std::fmt::Display) -> WalletError {
    // The parsers' messages describe the rule, never the input.
    WalletError::new(code, format!("{}: {e}", code.title()))
}

#[cfg(feature = "password-meter")]
fn weak_password(strength: &PasswordStrength) -> WalletError {
    let mut message = format!(
        "{} (strength {} of 4, needs {})",
        ErrorCode::PasswordWeak.title(),
        strength.score,
        wallet_protocol::password::MIN_SCORE
    );
    if let Some(w) = &strength.warning {
        message.push_str(". ");
        message.push_str(w);
    }
    for s in &strength.suggestions {
        message.push(' ');
        message.push_str(s);
    }
    WalletError::new(ErrorCode::PasswordWeak, message)
}

pub(crate) fn to_profile(a: AccountProfile, device_id: String) -> Profile {
    Profile {
        account_id: a.account_id,
        device_id,
        phone: a.phone,
        phone_masked: a.phone_masked,
        name: a.name,
        id_last4: a.id_last4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::FakeSecrets;
    use crate::test_support::*;

    #[test]
    fn wallet_is_shareable_and_futures_are_send() {
        fn assert_send_sync<T: Send + Sync>() {}
        fn assert_send<T: Send>(_: &T) {}
        assert_send_sync::<Wallet>();
        let dir = tempfile::tempdir().unwrap();
        let w = Wallet::open(
            config(dir.path(), "http://127.0.0.1:9"),
            Arc::new(FakeSecrets::default()),
        )
        .unwrap();
        assert_send(&w.signup(SignupInput {
            phone: String::new(),
            name: String::new(),
            id_number: String::new(),
            password: String::new(),
        }));
        assert_send(&w.verify(String::new()));
        assert_send(&w.whoami());
        assert_send(&w.logout());
    }

    #[test]
    fn insecure_url_is_refused_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let err = Wallet::open(
            config(dir.path(), "http://wallet.example"),
            Arc::new(FakeSecrets::default()),
        )
        .unwrap_err();
        assert_eq!(err.code, ErrorCode::InsecureServerUrl);
    }

    /// A loopback port that must see no connection.
    fn trap() -> (std::net::TcpListener, String) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        (listener, url)
    }

    fn untouched(trap: &std::net::TcpListener) {
        assert!(
            matches!(trap.accept(), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "a request reached the other server"
        );
    }

    /// issue 13: a profile enrolled on one server, opened against another, sends nothing there
    /// (signed or not) and says SERVER_MISMATCH naming both; back on its own server it works.
    #[tokio::test]
    async fn an_enrolled_profile_refuses_another_server() {
        let (dir, secrets, w) = enrolled(NOWHERE);
        drop(w);
        let (other, other_url) = trap();
        let w = Wallet::open(config(dir.path(), &other_url), secrets.clone()).unwrap();
        let err = w.whoami().await.unwrap_err();
        assert_eq!(err.code, ErrorCode::ServerMismatch, "{err}");
        assert!(err.message.contains(NOWHERE), "{}", err.message);
        assert!(err.message.contains(&other_url), "{}", err.message);
        assert_eq!(
            w.devices().await.unwrap_err().code,
            ErrorCode::ServerMismatch
        );
        assert_eq!(
            w.logout().await.unwrap_err().code,
            ErrorCode::ServerMismatch
        );
        assert_eq!(
            w.report_lost(ReportLostInput {
                phone: "13812345678".into(),
                name: Some("李明".into()),
                id_last6: Some("31002X".into()),
                password: None,
                device_id: None,
            })
            .await
            .unwrap_err()
            .code,
            ErrorCode::ServerMismatch
        );
        untouched(&other);
        // Offline work needs no server and still works; the profile is intact.
        assert!(matches!(
            w.status().unwrap(),
            SessionStatus::SignedIn { .. }
        ));
        drop(w);
        // The same server spelled with a trailing slash is the same server.
        let w = Wallet::open(config(dir.path(), &format!("{NOWHERE}/")), secrets).unwrap();
        assert_eq!(w.whoami().await.unwrap_err().code, ErrorCode::Network);
    }

    /// A sign-up started on one server is finished only there: the code is not sent elsewhere.
    #[tokio::test]
    async fn a_pending_sign_up_is_verified_only_where_it_started() {
        let challenge = ChallengeResponse {
            challenge_id: "ch_1".into(),
            purpose: api::ChallengePurpose::Signup,
            phone_masked: "+86 138****5678".into(),
            expires_at: Utc::now() + chrono::Duration::minutes(5),
        };
        let (url, server) = crate::client::tests::scripted_server(vec![(
            202,
            serde_json::to_string(&challenge).unwrap(),
        )]);
        let dir = tempfile::tempdir().unwrap();
        let secrets = Arc::new(FakeSecrets::default());
        let w = Wallet::open(config(dir.path(), &url), secrets.clone()).unwrap();
        w.signup(SignupInput {
            phone: "13812345678".into(),
            name: "李明".into(),
            id_number: "11010519491231002X".into(),
            password: "correct-Horse-battery-staple-93".into(),
        })
        .await
        .unwrap();
        server.join().unwrap();
        drop(w);
        let (other, other_url) = trap();
        let w = Wallet::open(config(dir.path(), &other_url), secrets).unwrap();
        let err = w.verify("123456".into()).await.unwrap_err();
        assert_eq!(err.code, ErrorCode::ServerMismatch, "{err}");
        untouched(&other);
        assert!(matches!(
            w.status().unwrap(),
            SessionStatus::PendingVerification { .. }
        ));
        // Signing out of the pending sign-up (local only) frees the directory.
        w.logout().await.unwrap();
        assert_eq!(w.status().unwrap(), SessionStatus::SignedOut);
    }

    /// With the meter a weak sign-up password is refused before anything is sent; without it
    /// (the mobile library) the password goes to the provider, whose `PASSWORD_WEAK` decides.
    #[tokio::test]
    async fn a_weak_signup_password_is_rated_locally_only_with_the_meter() {
        let (_dir, w) = signed_out();
        let err = w
            .signup(SignupInput {
                phone: "13812345678".into(),
                name: "李明".into(),
                id_number: "11010519491231002X".into(),
                password: "password1".into(),
            })
            .await
            .unwrap_err();
        #[cfg(feature = "password-meter")]
        assert_eq!(err.code, ErrorCode::PasswordWeak, "{err}");
        #[cfg(not(feature = "password-meter"))]
        assert_eq!(err.code, ErrorCode::Network, "{err}");
    }

    #[tokio::test]
    async fn hidden_characters_are_refused_before_anything_is_sent() {
        let (_dir, w) = signed_out();
        let err = w
            .signup(SignupInput {
                phone: "13812345678".into(),
                name: "李\u{202E}明".into(),
                id_number: "11010519491231002X".into(),
                password: "correct-Horse-battery-staple-93".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::TextHiddenCharacter, "{err}");
        assert!(err.message.contains("name holds"), "{}", err.message);
        let (_dir, _secrets, w) = enrolled(NOWHERE);
        let err = w
            .transfer(TransferInput {
                to_phone: "13912345678".into(),
                amount: "1".into(),
                note: Some("lunch\u{200B}".into()),
                pin: "135792".into(),
                idempotency_key: None,
            })
            .await
            .unwrap_err();
        assert_eq!(err.code, ErrorCode::TextHiddenCharacter, "{err}");
        assert!(err.message.contains("note holds"), "{}", err.message);
    }

    #[test]
    #[cfg(feature = "password-meter")]
    fn signup_meter_uses_the_shared_personal_words() {
        // The ID number itself is a personal word, so it rates as weak even though zxcvbn
        // alone would think 18 mixed characters strong.
        let input = SignupInput {
            phone: "138 1234 5678".into(),
            name: "李明".into(),
            id_number: "11010519491231002X".into(),
            password: "11010519491231002X".into(),
        };
        assert!(!Wallet::signup_password_strength(&input).acceptable);
        let strong = SignupInput {
            password: "correct-Horse-battery-staple-93".into(),
            ..input
        };
        assert!(Wallet::signup_password_strength(&strong).acceptable);
    }
}
