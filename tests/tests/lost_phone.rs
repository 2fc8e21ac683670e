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

fn minor(v: &serde_json::Value) -> i64 {
    assert_eq!(v["currency"], "CNY", "{v}");
    v["minor"].as_i64().unwrap()
}

fn balance(d: &Device) -> i64 {
    let b = d.run(&["balance"], None).ok();
    assert_eq!(b["stale"], false, "{b}");
    minor(&b["balance"])
}

fn transactions(server: &Server) -> i64 {
    server.ledger_check()["transactions"].as_i64().unwrap()
}

/// A signed-up device with a PIN, a bound debit card and `topup` yuan in the wallet.
fn customer(server: &Server, name: &str, topup: &str) -> (Device, String) {
    let d = Device::new(server, name);
    let phone = fresh_phone();
    d.signup(server, &phone);
    d.set_pin(PIN);
    d.bind_card(server, &test_card("CMB", "debit", "approve"));
    let op = d.run(&["topup", topup], None).ok();
    assert_eq!(op["status"], "succeeded", "{op}");
    (d, phone)
}

fn report_by_name(from: &Device, phone: &str, last6: &str) -> Run {
    from.run(
        &[
            "report-lost",
            "--phone",
            phone,
            "--name",
            NAME,
            "--id-last6",
            last6,
        ],
        None,
    )
}

#[test]
fn while_frozen_every_channel_refuses_before_the_lost_phone_makes_contact() {
    let server = Server::start();
    let (a, phone) = customer(&server, "lost phone", "2000");
    let a_device = a.run(&["whoami"], None).ok()["device_id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The desktop at home: signed in too, spared by the report.
    let desk = Device::new(&server, "desk");
    desk.login(&server, &phone);
    let shop = server.merchant("Night Market", "Chengdu", "5812");

    // Before the freeze: a payment code made with the server out of reach, a remote order and
    // a payment-code charge over the no-PIN limit, both waiting for the PIN.
    let offline = a.run_offline(&["paycode"], None).ok();
    let code_before = offline["code"].as_str().unwrap().to_owned();
    assert_eq!(code_before.len(), 18, "{offline}");
    let remote = shop.order(&server, "88", Some(&phone), None);
    assert_eq!(remote["status"], "open", "{remote}");
    let remote_id = remote["order_id"].as_str().unwrap().to_owned();
    let desk_code = desk.run(&["paycode"], None).ok()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let waiting = shop.charge_code(&server, &desk_code, "300").ok();
    assert_eq!(waiting["status"], "open", "{waiting}");
    let waiting_id = waiting["order_id"].as_str().unwrap().to_owned();
    let dynamic = shop.order(&server, "12.50", None, None);
    let dynamic_payload = dynamic["payload"].as_str().unwrap().to_owned();
    assert_eq!(balance(&desk), 200_000);
    let tx_before = transactions(&server);

    // A friend's phone, signed out: the password, and only the lost phone is signed out.
    let friend = Device::new(&server, "friend");
    let sent = friend
        .run(
            &[
                "report-lost",
                "--phone",
                &phone,
                "--password-stdin",
                "--device",
                &a_device,
            ],
            Some(PASSWORD),
        )
        .ok();
    assert_eq!(sent, serde_json::json!({ "received": true }));
    assert!(friend.files().is_empty(), "{:?}", friend.files());

    // The payment code made offline before the freeze: the merchant hears why.
    let refused = shop
        .charge_code(&server, &code_before, "10")
        .err("ACCOUNT_FROZEN");
    assert!(refused["message"].is_string());
    // Pending confirmations were closed by the freeze.
    assert_eq!(shop.show_order(&server, &remote_id)["status"], "declined");
    assert_eq!(shop.show_order(&server, &waiting_id)["status"], "declined");

    // The spared device is still signed in, sees the freeze, and moves no money.
    assert_eq!(desk.run(&["status"], None).ok()["state"], "frozen");
    desk.run(&["orders", "confirm", &remote_id, "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
    desk.run(
        &["orders", "confirm", &waiting_id, "--pin-stdin"],
        Some(PIN),
    )
    .err("ACCOUNT_FROZEN");
    // A remote order sent after the freeze cannot be paid either.
    let late = shop.order(&server, "20", Some(&phone), None);
    let late_id = late["order_id"].as_str().unwrap().to_owned();
    desk.run(&["orders", "confirm", &late_id, "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
    assert_ne!(shop.show_order(&server, &late_id)["status"], "paid");
    // The spared device's own payment code, made now.
    // (made offline, as always: the freeze is only learnt when a merchant charges it).
    let desk_now = desk.run(&["paycode"], None).ok()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    shop.charge_code(&server, &desk_now, "10")
        .err("ACCOUNT_FROZEN");
    desk.run(
        &["pay", &shop.payload, "--amount", "10", "--pin-stdin"],
        Some(PIN),
    )
    .err("ACCOUNT_FROZEN");
    desk.run(&["pay", &dynamic_payload, "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
    desk.run(&["topup", "100"], None).err("ACCOUNT_FROZEN");
    desk.run(&["withdraw", "10", "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
    // A retry of the refused charge with the code made offline: still refused.
    shop.charge_code(&server, &code_before, "10")
        .err("ACCOUNT_FROZEN");

    // Nothing moved; the ledger holds.
    assert_eq!(balance(&desk), 200_000);
    assert_eq!(transactions(&server), tx_before);
    assert_ne!(
        shop.show_order(&server, dynamic["order_id"].as_str().unwrap())["status"],
        "paid"
    );

    // Now the lost phone makes contact: revoked and wiped. The desk stays signed in.
    a.run(&["balance"], None).err("DEVICE_REVOKED");
    assert!(a.files().is_empty(), "{:?}", a.files());
    assert!(desk.run(&["whoami"], None).ok()["phone_masked"].is_string());
    let log = desk.run(&["security-log"], None).ok();
    let frozen = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "frozen")
        .unwrap_or_else(|| panic!("{log}"))
        .clone();
    assert!(!frozen.to_string().contains(PASSWORD), "{frozen}");
    server.ledger_check();
}

#[test]
fn wrong_identity_details_look_like_right_ones_and_the_phone_limit_trips() {
    let server = Server::start_with(&[
        "--otp-min-interval-secs",
        "0",
        "--report-lost-per-phone-max",
        "3",
    ]);
    let a = Device::new(&server, "phone");
    let phone = fresh_phone();
    a.signup(&server, &phone);
    let friend = Device::new(&server, "friend");

    // Wrong ID digits / wrong password / wrong name / an unknown phone: the same bytes out,
    // for scripts and for humans, and nothing frozen.
    let wrong_id = report_by_name(&friend, &phone, "000000").ok();
    let wrong_password = friend
        .run(
            &["report-lost", "--phone", &phone, "--password-stdin"],
            Some("not-the-Password-42"),
        )
        .ok();
    let unknown = report_by_name(&friend, &fresh_phone(), &ID_NUMBER[12..]).ok();
    let wrong_name = friend
        .run(
            &[
                "report-lost",
                "--phone",
                &phone,
                "--name",
                "王芳",
                "--id-last6",
                &ID_NUMBER[12..],
            ],
            None,
        )
        .ok();
    assert_eq!(wrong_id, wrong_password);
    assert_eq!(wrong_id, wrong_name);
    assert_eq!(wrong_id, unknown);
    let (code, human_unknown, err) = friend.run_human(
        &[
            "report-lost",
            "--phone",
            &fresh_phone(),
            "--name",
            "王芳",
            "--id-last6",
            "12345X",
        ],
        None,
    );
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(a.run(&["status"], None).ok()["state"], "active");

    // The fourth report for this phone (the right details this time) trips the limit, and
    // freezes nothing.
    let limited = report_by_name(&friend, &phone, &ID_NUMBER[12..]).err("RATE_LIMITED");
    assert!(
        limited["retry_after_secs"].as_u64().unwrap() > 0,
        "{limited}"
    );
    assert_eq!(a.run(&["status"], None).ok()["state"], "active");
    let (code, _, err) = friend.run_human(
        &["report-lost", "--phone", &phone, "--password-stdin"],
        Some(PASSWORD),
    );
    assert_eq!(code, 1);
    assert!(err.contains("RATE_LIMITED"), "{err}");
    assert_eq!(a.run(&["status"], None).ok()["state"], "active");

    // Another phone is not limited: its right report answers as before, in the same words.
    let (b, b_phone) = (Device::new(&server, "b"), fresh_phone());
    b.signup(&server, &b_phone);
    let (code, human_right, _) = friend.run_human(
        &[
            "report-lost",
            "--phone",
            &b_phone,
            "--name",
            NAME,
            "--id-last6",
            &ID_NUMBER[12..],
        ],
        None,
    );
    assert_eq!(code, 0);
    assert_eq!(human_right, human_unknown);
    b.run(&["status"], None).err("DEVICE_REVOKED");
    assert!(b.files().is_empty(), "{:?}", b.files());
}

#[test]
fn support_freezes_a_running_servers_account_and_looks_it_up_masked() {
    let server = Server::start();
    let (a, phone) = customer(&server, "phone", "100");
    let code = a.run(&["paycode"], None).ok()["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let shop = server.merchant("Tea House", "Hangzhou", "5812");

    let found = server.support(&["lookup", "--phone", &phone]).ok();
    assert_eq!(found["state"], "active", "{found}");
    assert_eq!(found["id_last4"], "002X");
    let text = found.to_string();
    assert!(
        !text.contains(&phone) && !text.contains(ID_NUMBER) && !text.contains(NAME),
        "{text}"
    );

    let frozen = server
        .support(&["freeze", "--phone", &phone, "--reason", "caller verified"])
        .ok();
    assert_eq!(frozen["devices_revoked"], 1, "{frozen}");
    assert_eq!(frozen["already_frozen"], false, "{frozen}");
    // The running server sees it at once: the code shown before is refused with the reason.
    shop.charge_code(&server, &code, "5").err("ACCOUNT_FROZEN");
    a.run(&["balance"], None).err("DEVICE_REVOKED");
    assert!(a.files().is_empty(), "{:?}", a.files());

    let found = server.support(&["lookup", "--phone", &phone]).ok();
    assert_eq!(found["state"], "frozen", "{found}");
    assert_eq!(found["security_log"][0]["kind"], "frozen", "{found}");
    assert_eq!(
        found["security_log"][0]["detail"],
        "support: caller verified"
    );
    server
        .support(&["lookup", "--phone", &fresh_phone()])
        .err("NOT_FOUND");
    server.ledger_check();
}
