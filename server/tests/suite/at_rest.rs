//! After real flows, the database file holds no password and no OTP in clear. The SMS outbox is
//! the one place a code is meant to be (it is the delivered message), so it is emptied before the
//! scan of everything else. Payment-code seeds, full ID numbers and pending sign-ups are sealed
//! under the master key (docs/rules.md §Storage): absent from the file and its WAL, readable by
//! every instance given the key, refused with another; PINs are keyed hashes; the outbox exists
//! only in sandbox mode and is pruned.
// Helpers below panic to report failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

use crate::common;

use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::*;
use serde_json::json;
use wallet_protocol::api::{paths, ChallengeResponse};
use wallet_server::secrets::vault::MasterKey;
use wallet_server::{AppState, Limits, Store};

const PIN: &str = "280419";
/// A valid resident ID number that is not the account's: the pending sign-up's.
const OTHER_ID: &str = "110105194912310038";
const PENDING_NAME: &str = "欧阳娜娜";

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_plaintext_password_or_otp_in_the_database() {
    // SQLite whatever the backend: the test reads the file.
    let app = TestApp::builder().sqlite().build();
    let device = app.signed_up_device().await;
    let _second = app.logged_in_device("laptop").await;
    let wrong_password = "wrong-Horse-battery-staple-00";
    app.login(PHONE, wrong_password).await;
    // A challenge left pending, and one with a wrong guess.
    app.advance(31);
    let pending: ChallengeResponse =
        serde_json::from_value(app.login(PHONE, PASSWORD).await.body).unwrap();
    let pending_code = app.latest_code(PHONE).await;
    let guess = if pending_code == "999999" {
        "999998"
    } else {
        "999999"
    };
    app.verify(&pending.challenge_id, guess, &TestDevice::new())
        .await;
    app.signed(&device, Method::GET, paths::ME).await;

    let outbox = app
        .get(&format!("{}?phone={PHONE}", paths::SANDBOX_OUTBOX))
        .await;
    let codes: Vec<String> = outbox.body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 3);

    let TestApp {
        router,
        store,
        db_path,
        dir,
        ..
    } = app;
    drop(router);
    drop(store);

    // The live files (main + WAL): no password anywhere.
    for suffix in ["", "-wal"] {
        let path = format!("{}{suffix}", db_path.display());
        if let Ok(bytes) = std::fs::read(&path) {
            for pw in [PASSWORD, wrong_password] {
                assert!(!contains(&bytes, pw), "password in {path}");
            }
        }
    }

    // Everything but the outbox: no code either.
    let copy = dir.path().join("copy.db");
    {
        let conn = rusqlite::Connection::open(&db_path).unwrap();
        conn.execute("VACUUM INTO ?1", [copy.to_str().unwrap()])
            .unwrap();
    }
    {
        let conn = rusqlite::Connection::open(&copy).unwrap();
        let outbox_rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM sms_outbox", [], |r| r.get(0))
            .unwrap();
        assert_eq!(outbox_rows, 3, "the copy holds the real data");
        let challenges: i64 = conn
            .query_row("SELECT COUNT(*) FROM challenges", [], |r| r.get(0))
            .unwrap();
        assert_eq!(challenges, 3);
        conn.execute_batch("DELETE FROM sms_outbox; VACUUM;")
            .unwrap();
    }
    let bytes = std::fs::read(&copy).unwrap();
    for code in &codes {
        assert!(
            !contains(&bytes, code),
            "OTP {code} stored outside the outbox"
        );
    }
    for pw in [PASSWORD, wrong_password] {
        assert!(!contains(&bytes, pw));
    }
    assert!(
        contains(&bytes, "$argon2id$"),
        "password hashes are where expected"
    );
}

/// The main file and the WAL, as they are on disk now.
fn files(db_path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    ["", "-wal"]
        .iter()
        .filter_map(|suffix| {
            let path = format!("{}{suffix}", db_path.display());
            std::fs::read(&path).ok().map(|bytes| (path, bytes))
        })
        .collect()
}

fn contains_bytes(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

async fn raw_text(store: &Store, sql: &'static str) -> Vec<String> {
    store
        .run_raw(move |db| {
            db.prepare(sql)?
                .query_map([], |r| r.get(0))?
                .collect::<Result<Vec<String>, _>>()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn seeds_id_numbers_and_pending_signups_are_sealed_in_the_file_and_its_wal() {
    // SQLite whatever the backend: the test reads the file.
    let app = TestApp::builder().sqlite().build();
    let phone = app.payer(PHONE, PIN, 10_000).await;
    let laptop = app.logged_in_device("laptop").await;
    let first_seed = phone.seed.clone();
    let res = app.signed(&phone, Method::POST, paths::PAYCODE_SEED).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let reissued = res.body["seed"].as_str().unwrap().to_owned();
    // Someone else's sign-up, waiting for its code.
    let res = app
        .post_json(
            paths::SIGNUP,
            json!({ "phone": "13900000002", "name": PENDING_NAME, "id_number": OTHER_ID,
                    "password": PASSWORD }),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    // Lost phone: reported with the name and the last 6, unfrozen on a new device with the
    // full ID number and the PIN.
    let res = app
        .post_json(
            paths::REPORT_LOST,
            json!({ "phone": PHONE, "name": NAME, "id_last6": &ID_NUMBER[12..] }),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let new_phone = app.logged_in_device("new phone").await;
    let res = app
        .signed_json(
            &new_phone,
            Method::POST,
            paths::UNFREEZE,
            Some(json!({ "id_number": ID_NUMBER, "pin": PIN })),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");

    // Sealed where they are, and the service still reads them: the account shows its last 4.
    for v in raw_text(&app.store, "SELECT id_number FROM accounts").await {
        assert!(v.starts_with("enc1:accounts/1:"), "{v}");
    }
    for v in raw_text(
        &app.store,
        "SELECT paycode_seed FROM devices WHERE paycode_seed IS NOT NULL",
    )
    .await
    {
        assert!(v.starts_with("enc1:devices/1:"), "{v}");
    }
    let pending = raw_text(
        &app.store,
        "SELECT signup_id_number FROM challenges WHERE signup_id_number IS NOT NULL",
    )
    .await;
    assert_eq!(pending.len(), 1, "only the pending sign-up keeps its data");
    assert!(pending[0].starts_with("enc1:challenges/1:"));
    let pins = raw_text(&app.store, "SELECT pin_hash FROM payment_pins").await;
    assert!(pins[0].starts_with("hmac1:pin/1:"), "{pins:?}");
    let me = app.signed(&new_phone, Method::GET, paths::ME).await;
    assert_eq!(me.status, StatusCode::OK, "{me:?}");
    assert_eq!(me.body["id_last4"], &ID_NUMBER[14..], "{me:?}");

    let mut secrets: Vec<(String, Vec<u8>)> = [ID_NUMBER, OTHER_ID, PENDING_NAME]
        .iter()
        .map(|s| ((*s).to_owned(), s.as_bytes().to_vec()))
        .collect();
    for seed in [&first_seed, &reissued, &laptop.seed, &new_phone.seed] {
        secrets.push((format!("seed {seed}"), seed.as_bytes().to_vec()));
        let raw = URL_SAFE_NO_PAD.decode(seed).unwrap();
        assert_eq!(raw.len(), 32);
        secrets.push((format!("raw seed {seed}"), raw));
    }
    let check = |when: &str| {
        let found = files(&app.db_path);
        assert!(!found.is_empty());
        for (path, bytes) in &found {
            for (what, needle) in &secrets {
                assert!(
                    !contains_bytes(bytes, needle),
                    "{what} in clear in {path} ({when})"
                );
            }
        }
        found.len()
    };
    // While the server runs (the WAL holds the recent writes)...
    assert_eq!(check("running"), 2, "the WAL is there to be read");
    // ...and after a checkpoint folded it into the main file.
    app.store
        .run_raw(|db| db.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())))
        .await
        .unwrap();
    check("checkpointed");
}

#[tokio::test]
async fn another_instance_reads_the_seeds_with_the_key_and_another_key_is_refused() {
    let app = TestApp::new();
    let phone = app.signed_up_device().await;

    let wrong = MasterKey::generate();
    let err = Store::open(&app.db_url)
        .unwrap()
        .unlock(&wrong)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&app.master_key.id()) && err.contains(&wrong.id()),
        "{err}"
    );
    assert!(
        matches!(
            Store::open(&app.db_url)
                .unwrap()
                .account_by_phone(PHONE_E164)
                .await,
            Err(wallet_server::store::StoreError::Locked)
        ),
        "no key, no ID numbers"
    );

    // A second instance over the same database, given the key: its payment-code index is
    // built from the sealed seeds, and catches up with a seed the first instance reissues.
    let second = unlocked(Store::open(&app.db_url).unwrap(), &app.master_key);
    let state = AppState::new(
        second.clone(),
        wallet_server::ports::sms::for_mode(&second, true),
        app.clock.clone(),
        Limits::default(),
        true,
    );
    assert_eq!(
        wallet_server::domain::pay::load_paycodes(&state)
            .await
            .unwrap(),
        1
    );
    let lookup = |device: &TestDevice| {
        state.paycodes.lookup(
            wallet_protocol::paycode::Paycode::parse(&device.paycode(app.now(), 0)).unwrap(),
            wallet_protocol::paycode::step_at(wallet_server::Clock::now(app.clock.as_ref())),
        )
    };
    assert_eq!(&*lookup(&phone).unwrap().device_id, phone.id.as_str());
    app.advance(1);
    let res = app.signed(&phone, Method::POST, paths::PAYCODE_SEED).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let mut reissued = phone.clone();
    reissued.seed = res.body["seed"].as_str().unwrap().to_owned();
    wallet_server::domain::pay::catch_up_paycodes(&state, None)
        .await
        .unwrap();
    assert_eq!(&*lookup(&reissued).unwrap().device_id, phone.id.as_str());
    assert!(lookup(&phone).is_none(), "the old seed's codes are gone");
    let account = second.account_by_phone(PHONE_E164).await.unwrap().unwrap();
    assert_eq!(account.id_number, ID_NUMBER);
}

#[tokio::test]
async fn an_argon2_pin_moves_to_the_keyed_hash_on_its_next_right_check() {
    let app = TestApp::new();
    app.payer(PHONE, PIN, 1_000).await;
    // A PIN set before issue 13: Argon2id.
    let legacy = wallet_server::secrets::hash_password(PIN).unwrap();
    app.store
        .run_raw(move |db| db.execute("UPDATE payment_pins SET pin_hash = ?1", [legacy]))
        .await
        .unwrap();
    let res = app
        .post_json(
            paths::REPORT_LOST,
            json!({ "phone": PHONE, "name": NAME, "id_last6": &ID_NUMBER[12..] }),
        )
        .await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let d = app.logged_in_device("new phone").await;
    let unfreeze = |pin: &'static str| {
        app.signed_json(
            &d,
            Method::POST,
            paths::UNFREEZE,
            Some(json!({ "id_number": ID_NUMBER, "pin": pin })),
            &[],
        )
    };
    // A wrong PIN counts as before and leaves the hash alone.
    assert_eq!(unfreeze("135792").await.code(), "PIN_WRONG");
    let hash = raw_text(&app.store, "SELECT pin_hash FROM payment_pins").await;
    assert!(hash[0].starts_with("$argon2id$"), "{hash:?}");
    let res = unfreeze(PIN).await;
    assert_eq!(res.status, StatusCode::OK, "{res:?}");
    let hash = raw_text(&app.store, "SELECT pin_hash FROM payment_pins").await;
    assert!(hash[0].starts_with("hmac1:pin/1:"), "{hash:?}");
    // The moved hash checks the same PIN (and only it): a wrong one counts, a right one passes.
    let change = |old: &'static str| {
        app.signed_json(
            &d,
            Method::POST,
            paths::PIN_CHANGE,
            Some(json!({ "old_pin": old, "new_pin": "582046" })),
            &[],
        )
    };
    assert_eq!(change("135792").await.code(), "PIN_WRONG");
    assert_eq!(change(PIN).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn outside_the_sandbox_no_code_is_stored_and_the_outbox_is_pruned_by_age() {
    let prod = TestApp::builder().sandbox(false).build();
    let res = prod.signup(PHONE, PASSWORD).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{res:?}");
    let count = |store: Store| async move {
        store
            .run_raw(|db| {
                db.query_row("SELECT COUNT(*) FROM sms_outbox", [], |r| {
                    r.get::<_, i64>(0)
                })
            })
            .await
            .unwrap()
    };
    assert_eq!(count(prod.store.clone()).await, 0, "no code stored");

    let app = TestApp::new();
    app.signup(PHONE, PASSWORD).await;
    app.advance(31);
    app.signup("13900000002", PASSWORD).await;
    assert_eq!(count(app.store.clone()).await, 2);
    let second_sent = app.now();
    assert_eq!(app.store.prune_outbox(second_sent).await.unwrap(), 1);
    assert_eq!(count(app.store.clone()).await, 1);
    assert_eq!(
        app.store
            .prune_outbox(second_sent + wallet_server::ports::sms::OUTBOX_KEEP_SECS)
            .await
            .unwrap(),
        1
    );
}
