//! After real flows, the database file holds no password and no OTP in clear. The SMS outbox is
//! the one place a code is meant to be (it is the delivered message), so it is emptied before the
//! scan of everything else.

mod common;

use axum::http::Method;
use common::*;
use wallet_protocol::api::{paths, ChallengeResponse};

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn no_plaintext_password_or_otp_in_the_database() {
    let app = TestApp::new();
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
