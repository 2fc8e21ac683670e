//! Issue 5 through the real CLI, the real server and the real secret store: a friend's device
//! (not signed in) reports A's phone lost; A is frozen and wiped on its next contact; a new
//! device C signs in and unfreezes; the cooling-off refuses a large withdrawal and allows a
//! small one; the ledger holds.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use wallet_core::{KeyringSecretStore, SecretStore};
use wallet_e2e::*;

const PIN: &str = "135792";

#[test]
fn report_lost_from_a_friend_wipes_a_and_c_unfreezes_into_cooling_off() {
    let server = Server::start_with(&["--otp-min-interval-secs", "0"]);
    let a = Device::new(&server, "lost phone");
    let phone = fresh_phone();
    a.signup(&server, &phone);
    a.set_pin(PIN);
    a.bind_card(&server, &test_card("CMB", "debit", "approve"));
    let op = a.run(&["topup", "2000"], None).ok();
    assert_eq!(op["status"], "succeeded", "{op}");
    assert_eq!(a.run(&["status"], None).ok()["state"], "active");

    let a_key = format!(
        "store-key:{}",
        std::fs::read_to_string(a.home.path().join("profile.id"))
            .unwrap()
            .trim()
    );
    let secrets = KeyringSecretStore::new();
    assert!(secrets.get(&a_key).unwrap().is_some());

    // B, a friend's phone, signed out: wrong details are answered exactly like right ones.
    let b = Device::new(&server, "friend");
    let wrong = b
        .run(
            &[
                "report-lost",
                "--phone",
                &phone,
                "--name",
                NAME,
                "--id-last6",
                "000000",
            ],
            None,
        )
        .ok();
    assert_eq!(wrong, serde_json::json!({ "received": true }));
    assert_eq!(a.run(&["status"], None).ok()["state"], "active");
    let right = b
        .run(
            &[
                "report-lost",
                "--phone",
                &phone,
                "--name",
                NAME,
                "--id-last6",
                &ID_NUMBER[12..],
            ],
            None,
        )
        .ok();
    assert_eq!(right, wrong);
    assert!(b.files().is_empty(), "B kept files: {:?}", b.files());

    // A's next contact: revoked, wiped (database, profile id, key).
    a.run(&["balance"], None).err("DEVICE_REVOKED");
    assert!(
        a.files().is_empty(),
        "the lost device left files: {:?}",
        a.files()
    );
    assert_eq!(
        secrets.get(&a_key).unwrap(),
        None,
        "the key is still stored"
    );
    a.run(&["whoami"], None).err("NOT_SIGNED_IN");

    // C, a new phone: signs in, sees the freeze, unfreezes with the ID number and the PIN.
    let c = Device::new(&server, "new phone");
    c.login(&server, &phone);
    assert_eq!(c.run(&["status"], None).ok()["state"], "frozen");
    c.run(&["withdraw", "10", "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
    c.run(
        &["unfreeze", "--id-number", ID_NUMBER, "--pin-stdin"],
        Some(PIN),
    )
    .ok();
    let status = c.run(&["status"], None).ok();
    assert_eq!(status["state"], "cooling_off", "{status}");
    assert!(status["cooling_off_until"].is_string());
    let refused = c
        .run(&["withdraw", "1000", "--pin-stdin"], Some(PIN))
        .err("COOLING_OFF");
    assert!(
        refused["retry_after_secs"].as_u64().unwrap() > 0,
        "{refused}"
    );
    let small = c.run(&["withdraw", "100", "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(small["status"], "succeeded", "{small}");

    // The log has it all; C's notices are readable.
    let log = c.run(&["security-log"], None).ok();
    let kinds: Vec<&str> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["kind"].as_str())
        .collect();
    for k in ["frozen", "unfrozen", "device_enrolled"] {
        assert!(kinds.contains(&k), "{k} missing from {kinds:?}");
    }
    assert!(c.run(&["events"], None).ok()["events"].is_array());
    // A second sync starts after the stored cursor.
    assert_eq!(
        c.run(&["events"], None).ok()["events"],
        serde_json::json!([])
    );

    server.ledger_check();
}
