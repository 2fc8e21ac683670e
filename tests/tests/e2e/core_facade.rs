//! The `wallet_core::Wallet` facade driven in-process (tokio) against the real `wallet-server`
//! binary: sign-up and sign-in, validation before any request, revocation and the wipe that
//! follows, logout, a wrong server URL, network errors and the server's real rate limits.
//!
//! Only the secret store is faked: it stands for the host platform's store (Secret Service,
//! Android Keystore, iOS Keychain), an external system. `signup_and_devices.rs` covers the real
//! Secret Service through the CLI.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use wallet_core::{
    ErrorCode, SecretStore, SecretStoreError, SessionStatus, SignupInput, Wallet, WalletConfig,
};
use wallet_e2e::{fresh_phone, Server, ID_NUMBER, NAME, PASSWORD};
use wallet_protocol::api::{paths, ChallengePurpose, Outbox};

// --- in-memory secret store: stands for the platform's store --------------------------------

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

/// A platform with no reachable secret store (e.g. a headless shell with no Secret Service).
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

// --- helpers -------------------------------------------------------------------------------

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

fn signup_input(phone: &str) -> SignupInput {
    SignupInput {
        phone: phone.into(),
        name: NAME.into(),
        id_number: ID_NUMBER.into(),
        password: PASSWORD.into(),
    }
}

/// How many SMS the real server's sandbox outbox holds for `phone` (its HTTP endpoint).
async fn sms_count(server: &Server, phone: &str) -> usize {
    let outbox: Outbox = reqwest::Client::new()
        .get(format!("{}{}", server.url, paths::SANDBOX_OUTBOX))
        .query(&[("phone", phone)])
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .json()
        .await
        .unwrap();
    outbox.messages.len()
}

/// A profile signed up on `server` with a fresh phone number, verified with the real OTP.
async fn signed_up(server: &Server) -> (tempfile::TempDir, Arc<FakeSecrets>, Wallet, String) {
    let phone = fresh_phone();
    let dir = tempfile::tempdir().unwrap();
    let secrets = Arc::new(FakeSecrets::default());
    let w = open(dir.path(), &server.url, secrets.clone());
    w.signup(signup_input(&phone)).await.unwrap();
    w.verify(server.otp(&phone)).await.unwrap();
    (dir, secrets, w, phone)
}

// --- tests ---------------------------------------------------------------------------------

#[tokio::test]
async fn signup_verify_whoami_and_reopen() {
    let server = Server::start();
    let phone = fresh_phone();
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("profile");
    let secrets = Arc::new(FakeSecrets::default());
    let w = open(&home, &server.url, secrets.clone());
    assert_eq!(w.status().unwrap(), SessionStatus::SignedOut);
    assert!(!home.exists(), "open creates nothing");

    let pending = w.signup(signup_input(&phone)).await.unwrap();
    assert_eq!(pending.purpose, ChallengePurpose::Signup);
    assert_eq!(
        pending.phone_masked,
        format!("+86 {}****{}", &phone[..3], &phone[7..])
    );
    assert!(matches!(
        w.status().unwrap(),
        SessionStatus::PendingVerification { .. }
    ));

    let code = server.otp(&phone);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let err = w.verify(wrong.into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpInvalid);
    let err = w.verify("12 34".into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::OtpFormatInvalid);

    let profile = w.verify(code.clone()).await.unwrap();
    assert_eq!(profile.phone, format!("+86{phone}"));
    assert_eq!(profile.name, NAME);
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
            phone.as_bytes(),
            ID_NUMBER.as_bytes(),
            code.as_bytes(),
        ] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle));
        }
    }

    // Already signed in: no new sign-up or sign-in, and no request (a sign-in that reached the
    // server would have sent a code; a sign-up would have been refused as PHONE_TAKEN).
    let sent = sms_count(&server, &phone).await;
    assert_eq!(
        w.signup(signup_input(&phone)).await.unwrap_err().code,
        ErrorCode::AlreadySignedIn
    );
    assert_eq!(
        w.login(phone.clone(), PASSWORD.into())
            .await
            .unwrap_err()
            .code,
        ErrorCode::AlreadySignedIn
    );
    assert_eq!(sms_count(&server, &phone).await, sent);

    // A second process on the same profile finds it signed in.
    drop(w);
    let again = open(&home, &server.url, secrets);
    assert_eq!(again.whoami().await.unwrap(), profile);
}

#[tokio::test]
async fn validation_happens_before_any_request() {
    let server = Server::start();
    let phone = fresh_phone();
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path(), &server.url, Arc::new(FakeSecrets::default()));
    let cases = [
        (
            SignupInput {
                phone: "12345".into(),
                ..signup_input(&phone)
            },
            ErrorCode::PhoneInvalid,
        ),
        (
            SignupInput {
                name: " ".into(),
                ..signup_input(&phone)
            },
            ErrorCode::NameInvalid,
        ),
        (
            SignupInput {
                id_number: "110105194912310021".into(),
                ..signup_input(&phone)
            },
            ErrorCode::IdNumberInvalid,
        ),
        (
            SignupInput {
                password: "password1".into(),
                ..signup_input(&phone)
            },
            ErrorCode::PasswordWeak,
        ),
        (
            // Strong to zxcvbn alone; weak because it is the user's own ID number.
            SignupInput {
                password: ID_NUMBER.into(),
                ..signup_input(&phone)
            },
            ErrorCode::PasswordWeak,
        ),
    ];
    for (input, code) in cases {
        let err = w.signup(input).await.unwrap_err();
        assert_eq!(err.code, code, "{err}");
        assert!(!err.message.contains(&phone) && !err.message.contains("password1"));
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
    // The facade creates its database just before its first request: none exists, and the
    // server sent nothing.
    assert!(
        !dir.path().join("wallet.db").exists(),
        "a refused sign-up creates no database"
    );
    assert_eq!(sms_count(&server, &phone).await, 0);
}

#[tokio::test]
async fn second_device_revoked_by_first_is_wiped() {
    let server = Server::start();
    let (_dir_a, _secrets_a, a, phone) = signed_up(&server).await;

    let dir_b = tempfile::tempdir().unwrap();
    let home_b = dir_b.path().join("b");
    let secrets_b = Arc::new(FakeSecrets::default());
    let b = open(&home_b, &server.url, secrets_b.clone());
    assert_eq!(
        b.login(phone.clone(), "wrong-password-entirely".into())
            .await
            .unwrap_err()
            .code,
        ErrorCode::CredentialsInvalid
    );
    let pending = b.login(phone.clone(), PASSWORD.into()).await.unwrap();
    assert_eq!(pending.purpose, ChallengePurpose::Login);
    let profile_b = b.verify(server.otp(&phone)).await.unwrap();
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
    b.login(phone.clone(), PASSWORD.into()).await.unwrap();
    b.verify(server.otp(&phone)).await.unwrap();
    assert_eq!(a.devices().await.unwrap().len(), 2);
}

#[tokio::test]
async fn logout_revokes_and_wipes() {
    let server = Server::start();
    let (dir, secrets, w, phone) = signed_up(&server).await;
    let device_id = w.whoami().await.unwrap().device_id;
    w.logout().await.unwrap();
    assert_eq!(w.status().unwrap(), SessionStatus::SignedOut);
    assert!(!dir.path().join("wallet.db").exists());
    assert_eq!(secrets.len(), 0);
    // Signing in again gives a new device; the old one stays revoked.
    w.login(phone.clone(), PASSWORD.into()).await.unwrap();
    let again = w.verify(server.otp(&phone)).await.unwrap();
    assert_ne!(again.device_id, device_id);
    let devices = w.devices().await.unwrap();
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device_id, again.device_id);
}

/// A profile pointed at another server sends it nothing (issue 13: the other server could
/// otherwise answer DEVICE_UNKNOWN, or collect signed requests) and is never wiped.
#[tokio::test]
async fn wrong_server_is_refused_and_never_wipes() {
    let server = Server::start();
    let other = Server::start();
    let (dir, secrets, w, _phone) = signed_up(&server).await;
    drop(w);
    let elsewhere = open(dir.path(), &other.url, secrets.clone());
    let err = elsewhere.whoami().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::ServerMismatch);
    assert!(err.message.contains("nothing was sent"), "{}", err.message);
    assert!(dir.path().join("wallet.db").exists());
    assert_eq!(secrets.len(), 1);
    // Back on the right server the profile still works.
    drop(elsewhere);
    let home = open(dir.path(), &server.url, secrets);
    home.whoami().await.unwrap();
}

#[tokio::test]
async fn rate_limit_uses_the_real_servers_interval() {
    // Production defaults: 30 s between two codes to one phone.
    let server = Server::start_with(&[]);
    let (_dir, _secrets, _a, phone) = signed_up(&server).await;
    let dir = tempfile::tempdir().unwrap();
    let b = open(dir.path(), &server.url, Arc::new(FakeSecrets::default()));
    let err = b.login(phone.clone(), PASSWORD.into()).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::RateLimited, "{err}");
    let wait = err.retry_after_secs.expect("a retry-after");
    assert!((1..=30).contains(&wait), "retry after {wait} s");
    assert_eq!(
        sms_count(&server, &phone).await,
        1,
        "no second code was sent"
    );
}

#[tokio::test]
async fn network_errors_never_wipe() {
    let mut server = Server::start();
    let (dir, secrets, w, phone) = signed_up(&server).await;
    server.kill();

    // A signed-in profile whose server is gone: a network error, nothing wiped.
    let err = w.whoami().await.unwrap_err();
    assert_eq!(err.code, ErrorCode::Network, "{err}");
    assert!(matches!(
        w.status().unwrap(),
        SessionStatus::SignedIn { .. }
    ));
    assert!(dir.path().join("wallet.db").exists());
    assert_eq!(secrets.len(), 1);

    // A fresh profile signing in to the dead server.
    let fresh = tempfile::tempdir().unwrap();
    let f = open(fresh.path(), &server.url, Arc::new(FakeSecrets::default()));
    assert_eq!(
        f.login(phone, PASSWORD.into()).await.unwrap_err().code,
        ErrorCode::Network
    );
}

#[tokio::test]
async fn unavailable_secret_store_fails_before_any_sms() {
    let server = Server::start();
    let phone = fresh_phone();
    let dir = tempfile::tempdir().unwrap();
    let w = open(dir.path(), &server.url, Arc::new(Unavailable));
    let err = w.signup(signup_input(&phone)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::SecretStoreUnavailable);
    assert_eq!(sms_count(&server, &phone).await, 0, "no code was sent");
    assert!(!dir.path().join("wallet.db").exists());
}

#[tokio::test]
async fn key_missing_at_open_leaves_the_file_alone() {
    let server = Server::start();
    let (dir, secrets, w, _phone) = signed_up(&server).await;
    drop(w);
    let before = std::fs::read(dir.path().join("wallet.db")).unwrap();
    secrets.0.lock().unwrap().clear();
    let err = Wallet::open(
        WalletConfig {
            home: dir.path().to_path_buf(),
            server_url: server.url.clone(),
            device_name: "x".into(),
            platform: "cli".into(),
        },
        secrets.clone(),
    )
    .unwrap_err();
    assert_eq!(err.code, ErrorCode::StoreKeyMissing);
    assert_eq!(std::fs::read(dir.path().join("wallet.db")).unwrap(), before);
}
