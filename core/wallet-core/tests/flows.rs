//! The facade's flows against a small in-process stand-in provider that speaks the same wire
//! types and checks request signatures with `wallet_protocol::signing`. The real server has its
//! own tests; the end-to-end suite runs both together.

#![allow(clippy::unwrap_used, reason = "test helpers should stop loudly")]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use wallet_core::{
    ErrorCode, SecretStore, SecretStoreError, SessionStatus, SignupInput, Wallet, WalletConfig,
};
use wallet_protocol::api::{
    AccountProfile, ChallengePurpose, ChallengeResponse, DeviceInfo, DeviceList, EnrolResponse,
    LoginRequest, SignupRequest, VerifyRequest,
};
use wallet_protocol::signing::{self, SignedParts};
use wallet_protocol::{PhoneNumber, Problem};

const CODE: &str = "246810";
const PASSWORD: &str = "correct-Horse-battery-staple-93";
const PHONE: &str = "13812345678";
const ID: &str = "11010519491231002X";

// --- fake secret store (tests only) --------------------------------------------------------

#[derive(Default)]
struct FakeSecrets(Mutex<HashMap<String, Vec<u8>>>);

impl FakeSecrets {
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

impl SecretStore for FakeSecrets {
    fn get(&self, name: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
        Ok(self.0.lock().unwrap().get(name).cloned())
    }
    fn set(&self, name: &str, secret: &[u8]) -> Result<(), SecretStoreError> {
        self.0.lock().unwrap().insert(name.into(), secret.into());
        Ok(())
    }
    fn delete(&self, name: &str) -> Result<(), SecretStoreError> {
        self.0.lock().unwrap().remove(name);
        Ok(())
    }
}

struct Unavailable;
impl SecretStore for Unavailable {
    fn get(&self, _: &str) -> Result<Option<Vec<u8>>, SecretStoreError> {
        Err(SecretStoreError::Unavailable("no session bus".into()))
    }
    fn set(&self, _: &str, _: &[u8]) -> Result<(), SecretStoreError> {
        Err(SecretStoreError::Unavailable("no session bus".into()))
    }
    fn delete(&self, _: &str) -> Result<(), SecretStoreError> {
        Err(SecretStoreError::Unavailable("no session bus".into()))
    }
}

// --- stand-in provider ---------------------------------------------------------------------

#[derive(Default)]
struct Provider {
    requests: AtomicUsize,
    state: Mutex<ProviderState>,
}

#[derive(Default)]
struct ProviderState {
    /// phone → (account id, name, id_last4, password)
    accounts: HashMap<String, (String, String, String, String)>,
    /// challenge id → (purpose, phone, signup data)
    challenges: HashMap<String, (ChallengePurpose, String, Option<SignupRequest>)>,
    devices: Vec<FakeDevice>,
    nonces: Vec<String>,
    next: u32,
}

struct FakeDevice {
    id: String,
    account_id: String,
    phone: String,
    public_key: String,
    name: String,
    platform: String,
    revoked: bool,
}

fn problem(code: ErrorCode) -> Response {
    let p = Problem::new(code);
    let mut r = (StatusCode::from_u16(code.http_status()).unwrap(), Json(p)).into_response();
    r.headers_mut()
        .insert("content-type", "application/problem+json".parse().unwrap());
    r
}

fn challenge(
    st: &mut ProviderState,
    purpose: ChallengePurpose,
    phone: &str,
    s: Option<SignupRequest>,
) -> Response {
    st.next += 1;
    let id = format!("ch_{}", st.next);
    st.challenges
        .insert(id.clone(), (purpose, phone.to_owned(), s));
    (
        StatusCode::ACCEPTED,
        Json(ChallengeResponse {
            challenge_id: id,
            purpose,
            phone_masked: wallet_protocol::phone::mask_e164(phone),
            expires_at: Utc::now() + chrono::Duration::minutes(5),
        }),
    )
        .into_response()
}

async fn signup(State(p): State<Arc<Provider>>, Json(r): Json<SignupRequest>) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let mut st = p.state.lock().unwrap();
    if st.accounts.contains_key(&r.phone) {
        return problem(ErrorCode::PhoneTaken);
    }
    let phone = r.phone.clone();
    challenge(&mut st, ChallengePurpose::Signup, &phone, Some(r))
}

async fn login(State(p): State<Arc<Provider>>, Json(r): Json<LoginRequest>) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    if r.phone == "+8613900000000" {
        let mut resp = problem(ErrorCode::RateLimited);
        resp.headers_mut()
            .insert("retry-after", "42".parse().unwrap());
        return resp;
    }
    let mut st = p.state.lock().unwrap();
    match st.accounts.get(&r.phone) {
        Some(a) if a.3 == r.password => challenge(&mut st, ChallengePurpose::Login, &r.phone, None),
        _ => problem(ErrorCode::CredentialsInvalid),
    }
}

async fn verify(
    State(p): State<Arc<Provider>>,
    UrlPath(id): UrlPath<String>,
    Json(r): Json<VerifyRequest>,
) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let mut st = p.state.lock().unwrap();
    if !st.challenges.contains_key(&id) {
        return problem(ErrorCode::ChallengeNotFound);
    }
    if r.code != CODE {
        return problem(ErrorCode::OtpInvalid);
    }
    let Some((_, phone, signup)) = st.challenges.remove(&id) else {
        return problem(ErrorCode::ChallengeNotFound);
    };
    if signing::decode_public_key(&r.device.public_key).is_err() {
        return problem(ErrorCode::MalformedRequest);
    }
    if let Some(s) = signup {
        let n = st.accounts.len();
        st.accounts.insert(
            phone.clone(),
            (
                format!("acc_{n}"),
                s.name,
                s.id_number[14..].to_owned(),
                s.password,
            ),
        );
    }
    st.next += 1;
    let device_id = format!("dev_{}", st.next);
    let account_id = st.accounts[&phone].0.clone();
    st.devices.push(FakeDevice {
        id: device_id.clone(),
        account_id,
        phone: phone.clone(),
        public_key: r.device.public_key,
        name: r.device.name,
        platform: r.device.platform,
        revoked: false,
    });
    Json(EnrolResponse {
        account: account(&st, &phone),
        device_id,
    })
    .into_response()
}

fn account(st: &ProviderState, phone: &str) -> AccountProfile {
    let a = &st.accounts[phone];
    AccountProfile {
        account_id: a.0.clone(),
        phone: phone.to_owned(),
        phone_masked: wallet_protocol::phone::mask_e164(phone),
        name: a.1.clone(),
        id_last4: a.2.clone(),
        created_at: Utc::now(),
    }
}

/// Checks the four signing headers; returns the device index.
#[allow(
    clippy::result_large_err,
    reason = "a test handler returns the response as is"
)]
fn authenticate(
    st: &mut ProviderState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<usize, Response> {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let (Some(dev), Some(ts), Some(nonce), Some(sig)) = (
        h(signing::HEADER_DEVICE),
        h(signing::HEADER_TIMESTAMP),
        h(signing::HEADER_NONCE),
        h(signing::HEADER_SIGNATURE),
    ) else {
        return Err(problem(ErrorCode::SignatureMissing));
    };
    let Some(i) = st.devices.iter().position(|d| d.id == dev) else {
        return Err(problem(ErrorCode::DeviceUnknown));
    };
    if st.devices[i].revoked {
        return Err(problem(ErrorCode::DeviceRevoked));
    }
    let ts: i64 = ts
        .parse()
        .map_err(|_| problem(ErrorCode::SignatureInvalid))?;
    if !signing::timestamp_fresh(ts, Utc::now().timestamp()) {
        return Err(problem(ErrorCode::TimestampSkew));
    }
    if !signing::nonce_well_formed(&nonce) || st.nonces.contains(&nonce) {
        return Err(problem(ErrorCode::NonceReused));
    }
    let key = signing::decode_public_key(&st.devices[i].public_key).unwrap();
    let pq = uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let parts = SignedParts {
        method: method.as_str(),
        path_and_query: pq,
        timestamp: ts,
        nonce: &nonce,
        body,
    };
    signing::verify(&key, &parts, &sig).map_err(|_| problem(ErrorCode::SignatureInvalid))?;
    st.nonces.push(nonce);
    Ok(i)
}

async fn me(
    State(p): State<Arc<Provider>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let mut st = p.state.lock().unwrap();
    match authenticate(&mut st, &method, &uri, &headers, &body) {
        Ok(i) => {
            let phone = st.devices[i].phone.clone();
            Json(account(&st, &phone)).into_response()
        }
        Err(r) => r,
    }
}

async fn devices(
    State(p): State<Arc<Provider>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let mut st = p.state.lock().unwrap();
    match authenticate(&mut st, &method, &uri, &headers, &body) {
        Ok(i) => {
            let me = &st.devices[i];
            let list = st
                .devices
                .iter()
                .filter(|d| d.account_id == me.account_id && !d.revoked)
                .rev()
                .map(|d| DeviceInfo {
                    device_id: d.id.clone(),
                    name: d.name.clone(),
                    platform: d.platform.clone(),
                    enrolled_at: Utc::now(),
                    last_seen_at: Utc::now(),
                    current: d.id == me.id,
                })
                .collect();
            Json(DeviceList { devices: list }).into_response()
        }
        Err(r) => r,
    }
}

async fn revoke(
    State(p): State<Arc<Provider>>,
    UrlPath(id): UrlPath<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    p.requests.fetch_add(1, Ordering::SeqCst);
    let mut st = p.state.lock().unwrap();
    match authenticate(&mut st, &method, &uri, &headers, &body) {
        Ok(i) => {
            let account = st.devices[i].account_id.clone();
            match st
                .devices
                .iter_mut()
                .find(|d| d.id == id && d.account_id == account)
            {
                Some(d) => {
                    d.revoked = true;
                    StatusCode::NO_CONTENT.into_response()
                }
                None => problem(ErrorCode::NotFound),
            }
        }
        Err(r) => r,
    }
}

async fn start_provider() -> (Arc<Provider>, String) {
    let provider = Arc::new(Provider::default());
    let app = Router::new()
        .route("/v1/signup", post(signup))
        .route("/v1/login", post(login))
        .route("/v1/challenges/{id}/verify", post(verify))
        .route("/v1/me", get(me))
        .route("/v1/devices", get(devices))
        .route("/v1/devices/{id}/revoke", post(revoke))
        .route("/garbage/v1/me", get(|| async { "<html>not json</html>" }))
        .with_state(provider.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr: SocketAddr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (provider, format!("http://{addr}"))
}

fn open(home: &Path, url: &str, secrets: Arc<dyn SecretStore>) -> Wallet {
    Wallet::open(
        WalletConfig {
            home: home.to_path_buf(),
            server_url: url.into(),
            device_name: "test device".into(),
            platform: "cli".into(),
        },
        secrets,
    )
    .unwrap()
}

fn signup_input() -> SignupInput {
    SignupInput {
        phone: PHONE.into(),
        name: "李明".into(),
        id_number: ID.into(),
        password: PASSWORD.into(),
    }
}

async fn signed_up(url: &str) -> (tempfile::TempDir, Arc<FakeSecrets>, Wallet) {
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(FakeSecrets::default());
    let w = open(dir.path(), url, secrets.clone());
    w.signup(signup_input()).await.unwrap();
    w.verify(CODE.into()).await.unwrap();
    (dir, secrets, w)
}

// --- tests ---------------------------------------------------------------------------------

#[tokio::test]
async fn signup_verify_whoami_and_reopen() {
    let (provider, url) = start_provider().await;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("profile");
    let secrets = Arc::new(FakeSecrets::default());
    let w = open(&home, &url, secrets.clone());
    assert_eq!(w.status().unwrap(), SessionStatus::SignedOut);
    assert!(!home.exists(), "open creates nothing");

    let pending = w.signup(signup_input()).await.unwrap();
    assert_eq!(pending.purpose, ChallengePurpose::Signup);
    assert_eq!(pending.phone_masked, "+86 138****5678");
    assert!(matches!(
        w.status().unwrap(),
        SessionStatus::PendingVerification { .. }
    ));

    let err = w.verify("000000".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpInvalid);
    let err = w.verify("12 34".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpFormatInvalid);

    let profile = w.verify(CODE.into()).await.unwrap();
    assert_eq!(profile.phone, "+8613812345678");
    assert_eq!(profile.id_last4, "002X");
    assert_eq!(
        w.status().unwrap(),
        SessionStatus::SignedIn {
            profile: profile.clone()
        }
    );
    assert_eq!(w.whoami().await.unwrap(), profile);
    let devices = w.devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert!(devices[0].current);
    assert_eq!(devices[0].platform, "cli");
    assert_eq!(devices[0].name, "test device");

    // Nothing secret lands in the files of the profile directory.
    for entry in std::fs::read_dir(&home).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        for needle in [
            PASSWORD.as_bytes(),
            PHONE.as_bytes(),
            ID.as_bytes(),
            CODE.as_bytes(),
        ] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        }
    }

    // Already signed in: no new sign-up or sign-in, no request.
    let before = provider.requests.load(Ordering::SeqCst);
    assert_eq!(
        w.signup(signup_input()).await.unwrap_err().code,
        ErrorCode::AlreadySignedIn
    );
    assert_eq!(
        w.login(PHONE.into(), PASSWORD.into())
            .await
            .unwrap_err()
            .code,
        ErrorCode::AlreadySignedIn
    );
    assert_eq!(provider.requests.load(Ordering::SeqCst), before);

    // A second process on the same profile finds it signed in.
    drop(w);
    let again = open(&home, &url, secrets);
    assert_eq!(again.whoami().await.unwrap(), profile);
}

#[tokio::test]
async fn validation_happens_before_any_request() {
    let (provider, url) = start_provider().await;
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path(), &url, Arc::new(FakeSecrets::default()));
    let cases = [
        (
            SignupInput {
                phone: "12345".into(),
                ..signup_input()
            },
            ErrorCode::PhoneInvalid,
        ),
        (
            SignupInput {
                name: " ".into(),
                ..signup_input()
            },
            ErrorCode::NameInvalid,
        ),
        (
            SignupInput {
                id_number: "110105194912310021".into(),
                ..signup_input()
            },
            ErrorCode::IdNumberInvalid,
        ),
        (
            SignupInput {
                password: "password1".into(),
                ..signup_input()
            },
            ErrorCode::PasswordWeak,
        ),
        (
            SignupInput {
                password: "11010519491231002X".into(),
                ..signup_input()
            },
            ErrorCode::PasswordWeak,
        ),
    ];
    for (input, code) in cases {
        let err = w.signup(input).await.unwrap_err();
        assert_eq!(err.code, code, "{err}");
        assert!(!err.message.contains("13812345678") && !err.message.contains("password1"));
    }
    assert_eq!(
        w.login("abc".into(), "x".into()).await.unwrap_err().code,
        ErrorCode::PhoneInvalid
    );
    assert_eq!(
        w.verify("123456".into()).await.unwrap_err().code,
        ErrorCode::NoPendingVerification
    );
    assert_eq!(w.whoami().await.unwrap_err().code, ErrorCode::NotSignedIn);
    assert_eq!(w.devices().await.unwrap_err().code, ErrorCode::NotSignedIn);
    assert_eq!(w.logout().await.unwrap_err().code, ErrorCode::NotSignedIn);
    assert_eq!(provider.requests.load(Ordering::SeqCst), 0);
    assert!(
        !dir.path().join("wallet.db").exists(),
        "a refused sign-up creates no database"
    );
}

#[tokio::test]
async fn second_device_revoked_by_first_is_wiped() {
    let (_provider, url) = start_provider().await;
    let (_dir_a, _secrets_a, a) = signed_up(&url).await;

    let dir_b = tempfile::tempdir().unwrap();
    let home_b = dir_b.path().join("b");
    let secrets_b = Arc::new(FakeSecrets::default());
    let b = open(&home_b, &url, secrets_b.clone());
    assert_eq!(
        b.login(PHONE.into(), "wrong-password-entirely".into())
            .await
            .unwrap_err()
            .code,
        ErrorCode::CredentialsInvalid
    );
    let pending = b.login(PHONE.into(), PASSWORD.into()).await.unwrap();
    assert_eq!(pending.purpose, ChallengePurpose::Login);
    let profile_b = b.verify(CODE.into()).await.unwrap();
    assert_eq!(secrets_b.len(), 1);

    let devices = a.devices().await.unwrap();
    assert_eq!(devices.len(), 2);
    a.revoke_device(profile_b.device_id.clone()).await.unwrap();
    assert_eq!(a.devices().await.unwrap().len(), 1);

    let err = b.whoami().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::DeviceRevoked);
    assert!(err.message.contains("wiped"), "{}", err.message);
    assert_eq!(b.status().unwrap(), SessionStatus::SignedOut);
    assert!(!home_b.join("wallet.db").exists());
    assert!(!home_b.join("wallet.db-wal").exists());
    assert!(!home_b.join("profile.id").exists());
    assert_eq!(
        secrets_b.len(),
        0,
        "the store key is gone from the secret store"
    );
    assert_eq!(b.whoami().await.unwrap_err().code, ErrorCode::NotSignedIn);

    // The wiped device can sign in again from scratch.
    b.login(PHONE.into(), PASSWORD.into()).await.unwrap();
    b.verify(CODE.into()).await.unwrap();
    assert_eq!(a.devices().await.unwrap().len(), 2);
}

#[tokio::test]
async fn logout_revokes_and_wipes() {
    let (_provider, url) = start_provider().await;
    let (dir, secrets, w) = signed_up(&url).await;
    let device_id = w.whoami().await.unwrap().device_id;
    w.logout().await.unwrap();
    assert_eq!(w.status().unwrap(), SessionStatus::SignedOut);
    assert!(!dir.path().join("wallet.db").exists());
    assert_eq!(secrets.len(), 0);
    // Signing in again gives a new device; the old one stays revoked.
    w.login(PHONE.into(), PASSWORD.into()).await.unwrap();
    let again = w.verify(CODE.into()).await.unwrap();
    assert_ne!(again.device_id, device_id);
}

#[tokio::test]
async fn wrong_server_never_wipes() {
    let (_provider, url) = start_provider().await;
    let (_other, other_url) = start_provider().await;
    let (dir, secrets, w) = signed_up(&url).await;
    drop(w);
    let elsewhere = open(dir.path(), &other_url, secrets.clone());
    let err = elsewhere.whoami().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::DeviceUnknown);
    assert!(err.message.contains("nothing was wiped"), "{}", err.message);
    assert!(dir.path().join("wallet.db").exists());
    assert_eq!(secrets.len(), 1);
}

#[tokio::test]
async fn network_protocol_and_rate_limit_errors() {
    let (_provider, url) = start_provider().await;
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path(), &url, Arc::new(FakeSecrets::default()));
    let err = w
        .login("13900000000".into(), PASSWORD.into())
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::RateLimited);
    assert_eq!(err.retry_after_secs, Some(42));

    // Nothing listens on port 9 of loopback.
    let dir = tempfile::tempdir().unwrap();
    let w = open(
        dir.path(),
        "http://127.0.0.1:9",
        Arc::new(FakeSecrets::default()),
    );
    assert_eq!(
        w.login(PHONE.into(), PASSWORD.into())
            .await
            .unwrap_err()
            .code,
        ErrorCode::Network
    );

    // A server path that answers HTML instead of the API.
    let (dir, secrets, w) = signed_up(&url).await;
    drop(w);
    let garbage = open(dir.path(), &format!("{url}/garbage"), secrets);
    assert_eq!(
        garbage.whoami().await.unwrap_err().code,
        ErrorCode::Protocol
    );
}

#[tokio::test]
async fn unavailable_secret_store_fails_before_any_sms() {
    let (provider, url) = start_provider().await;
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path(), &url, Arc::new(Unavailable));
    let err = w.signup(signup_input()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::SecretStoreUnavailable);
    assert_eq!(provider.requests.load(Ordering::SeqCst), 0);
    assert!(!dir.path().join("wallet.db").exists());
}

#[tokio::test]
async fn key_missing_at_open_leaves_the_file_alone() {
    let (_provider, url) = start_provider().await;
    let (dir, secrets, w) = signed_up(&url).await;
    drop(w);
    let before = std::fs::read(dir.path().join("wallet.db")).unwrap();
    secrets.0.lock().unwrap().clear();
    let err = Wallet::open(
        WalletConfig {
            home: dir.path().to_path_buf(),
            server_url: url.clone(),
            device_name: "x".into(),
            platform: "cli".into(),
        },
        secrets.clone(),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::StoreKeyMissing);
    assert_eq!(std::fs::read(dir.path().join("wallet.db")).unwrap(), before);
    let _ = PhoneNumber::parse(PHONE);
}
