//! Issue 5 through the real CLI, the real server and the real secret store: A pays; a friend's
//! device (not signed in) reports A's phone lost; A is frozen and wiped on its next contact; a new
//! device C signs in and unfreezes; the cooling-off refuses a large withdrawal and allows a
//! small one; the ledger holds. Also: every channel refuses while frozen (before the lost phone
//! makes contact), wrong details answer like right ones and the per-phone limit trips, support
//! freeze/lookup, SMS-only sign-in, phone-number changes and "not me → freeze" from a device.

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
    let op = a.run(&["topup", "2000", "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(op["status"], "succeeded", "{op}");
    assert_eq!(a.run(&["status"], None).ok()["state"], "active");
    // A pays a merchant while all is well.
    let shop = server.merchant("Dumpling King", "Xi'an", "5812");
    let paid = a
        .run(
            &["pay", &shop.payload, "--amount", "50", "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    assert_eq!(paid["status"], "succeeded", "{paid}");
    // A code A shows later, with the server out of reach.
    let offline_code = a.run_offline(&["paycode"], None).ok()["code"]
        .as_str()
        .unwrap()
        .to_owned();

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

    // Before A makes contact: the code A made offline is refused with the reason.
    shop.charge_code(&server, &offline_code, "20")
        .err("ACCOUNT_FROZEN");

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
    assert_eq!(balance(&c), 200_000 - 5_000 - 10_000);

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
    let op = d.run(&["topup", topup, "--pin-stdin"], Some(PIN)).ok();
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
    desk.run(&["topup", "100", "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
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

/// The kinds of a device's new notices (`wallet events`), and the notices themselves.
fn events(d: &Device) -> Vec<serde_json::Value> {
    d.run(&["events"], None).ok()["events"]
        .as_array()
        .unwrap()
        .clone()
}

fn device_id(d: &Device) -> String {
    d.run(&["whoami"], None).ok()["device_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn sms_only_sign_in_stays_off_until_switched_on_with_the_pin_and_a_warning() {
    let server = Server::start();
    let (a, phone) = customer(&server, "phone", "100");
    assert_eq!(
        a.run(&["settings"], None).ok()["sms_login_enabled"],
        serde_json::json!(false)
    );
    let (code, text, _) = a.run_human(&["settings"], None);
    assert_eq!(code, 0);
    assert!(text.contains("SMS-only sign-in: off"), "{text}");

    // Off: refused, and a phone without an account answers the same.
    let x = Device::new(&server, "sim swapper");
    let off = x
        .run(&["login", "--phone", &phone, "--sms"], None)
        .err("SMS_LOGIN_DISABLED");
    let nobody = x
        .run(&["login", "--phone", &fresh_phone(), "--sms"], None)
        .err("SMS_LOGIN_DISABLED");
    assert_eq!(off, nobody);
    x.run(&["login", "--phone", &phone], None).usage_err();

    // Switching on needs the PIN; the wrong one is refused; the right one warns on stderr.
    a.run(&["settings", "sms-login", "on"], None)
        .err("PIN_FORMAT_INVALID");
    a.run(
        &["settings", "sms-login", "on", "--pin-stdin"],
        Some("246813"),
    )
    .err("PIN_WRONG");
    assert_eq!(a.run(&["settings"], None).ok()["sms_login_enabled"], false);
    let on = a.run_with_env(
        &["settings", "sms-login", "on", "--pin-stdin"],
        Some(PIN),
        &[("WALLET_LOG", "trace")],
    );
    assert_eq!(on.code, 0, "{on:?}");
    assert_eq!(on.json["sms_login_enabled"], serde_json::json!(true));
    assert!(on.stderr.contains("SIM"), "no warning: {:?}", on.stderr);
    assert!(!on.stderr.contains(PIN) && !on.json.to_string().contains(PIN));

    // On: the SMS code alone signs in (then `verify` as usual).
    let pending = x.run(&["login", "--phone", &phone, "--sms"], None).ok();
    assert_eq!(pending["status"], "pending_verification", "{pending}");
    let profile = x.run(&["verify", "--code", &server.otp(&phone)], None).ok();
    assert_eq!(
        profile["account_id"],
        a.run(&["whoami"], None).ok()["account_id"]
    );
    // The other device hears of it, with the new device's id (for "not me → freeze").
    let notices = events(&a);
    let new_device = notices
        .iter()
        .find(|e| e["kind"] == "new_device")
        .unwrap_or_else(|| panic!("{notices:?}"));
    assert_eq!(
        new_device["device_id"], profile["device_id"],
        "{new_device}"
    );

    // Off again: no PIN needed, no warning; SMS-only sign-in is refused again.
    let off = a.run(&["settings", "sms-login", "off"], None);
    assert_eq!(off.code, 0, "{off:?}");
    assert_eq!(off.json["sms_login_enabled"], false);
    assert!(off.stderr.is_empty(), "{:?}", off.stderr);
    Device::new(&server, "another")
        .run(&["login", "--phone", &phone, "--sms"], None)
        .err("SMS_LOGIN_DISABLED");
    let log = a.run(&["security-log"], None).ok();
    let switched = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "sms_login_changed")
        .count();
    assert_eq!(switched, 2, "{log}");
}

#[test]
fn phone_change_with_the_id_number_can_unbind_the_cards() {
    let server = Server::start();
    let (a, old_phone) = customer(&server, "phone", "100");
    let desk = Device::new(&server, "desk");
    desk.login(&server, &old_phone);
    events(&desk);
    assert_eq!(
        a.run(&["card", "list"], None).ok()["cards"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let new_phone = fresh_phone();

    a.run(
        &[
            "phone",
            "change",
            "--new-phone",
            &new_phone,
            "--password-stdin",
            "--id-number",
            ID_NUMBER,
        ],
        Some("not-the-Password-42"),
    )
    .err("CREDENTIALS_INVALID");
    // With every log line on: no password or ID number in what the CLI writes.
    let run = a.run_with_env(
        &[
            "phone",
            "change",
            "--new-phone",
            &new_phone,
            "--password-stdin",
            "--id-number",
            ID_NUMBER,
        ],
        Some(PASSWORD),
        &[("WALLET_LOG", "trace")],
    );
    assert!(!run.stderr.is_empty(), "no log lines: {run:?}");
    assert!(
        !run.stderr.contains(PASSWORD) && !run.stderr.contains(ID_NUMBER),
        "{}",
        run.stderr
    );
    let started = run.ok();
    let challenge = started["challenge_id"].as_str().unwrap().to_owned();
    assert!(started["old_challenge_id"].is_null(), "{started}");
    assert!(started["expires_at"].is_string(), "{started}");
    let text = started.to_string();
    assert!(
        !text.contains(ID_NUMBER) && !text.contains(PASSWORD),
        "{text}"
    );

    a.run(
        &[
            "phone",
            "verify",
            "--challenge",
            &challenge,
            "--code",
            "000000",
            "--cards",
            "unbind",
        ],
        None,
    )
    .err("OTP_INVALID");
    let profile = a
        .run(
            &[
                "phone",
                "verify",
                "--challenge",
                &challenge,
                "--code",
                &server.otp(&new_phone),
                "--cards",
                "unbind",
            ],
            None,
        )
        .ok();
    assert_eq!(profile["phone"], format!("+86{new_phone}"), "{profile}");
    assert_eq!(a.run(&["whoami"], None).ok()["phone"], profile["phone"]);
    assert_eq!(
        a.run(&["card", "list"], None).ok()["cards"],
        serde_json::json!([])
    );
    assert!(events(&desk).iter().any(|e| e["kind"] == "phone_changed"));

    // The new number signs in; the old one no longer does.
    Device::new(&server, "tablet")
        .run(
            &["login", "--phone", &old_phone, "--password-stdin"],
            Some(PASSWORD),
        )
        .err("CREDENTIALS_INVALID");
    Device::new(&server, "tablet").login(&server, &new_phone);
    server.ledger_check();
}

#[test]
fn phone_change_with_the_old_numbers_code_keeps_the_cards() {
    let server = Server::start();
    let (a, old_phone) = customer(&server, "phone", "100");
    let new_phone = fresh_phone();
    let started = a
        .run(
            &[
                "phone",
                "change",
                "--new-phone",
                &new_phone,
                "--password-stdin",
            ],
            Some(PASSWORD),
        )
        .ok();
    let challenge = started["challenge_id"].as_str().unwrap().to_owned();
    let old_challenge = started["old_challenge_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no code to the old number: {started}"))
        .to_owned();
    let new_code = server.otp(&new_phone);
    let old_code = server.otp(&old_phone);

    // The new number's code alone is not enough.
    let refused = a.run(
        &[
            "phone",
            "verify",
            "--challenge",
            &challenge,
            "--code",
            &new_code,
            "--cards",
            "keep",
        ],
        None,
    );
    refused.err("MALFORMED_REQUEST");
    assert_eq!(
        a.run(&["whoami"], None).ok()["phone"],
        format!("+86{old_phone}")
    );

    let profile = a
        .run(
            &[
                "phone",
                "verify",
                "--challenge",
                &challenge,
                "--code",
                &new_code,
                "--old-challenge",
                &old_challenge,
                "--old-code",
                &old_code,
                "--cards",
                "keep",
            ],
            None,
        )
        .ok();
    assert_eq!(profile["phone"], format!("+86{new_phone}"), "{profile}");
    let cards = a.run(&["card", "list"], None).ok();
    assert_eq!(cards["cards"].as_array().unwrap().len(), 1, "{cards}");
    let log = a.run(&["security-log"], None).ok();
    assert_eq!(log["events"][0]["kind"], "phone_changed", "{log}");
    let (code, text, _) = a.run_human(&["whoami"], None);
    assert_eq!(code, 0);
    assert!(text.contains(&new_phone[7..]), "{text}");
}

#[test]
fn freeze_from_a_signed_in_device_revokes_the_new_device_and_stays_signed_in() {
    let server = Server::start();
    let (a, phone) = customer(&server, "phone", "1000");
    let b = Device::new(&server, "desk");
    b.login(&server, &phone);
    events(&b);
    // C: someone with the password and the SIM signs in.
    let c = Device::new(&server, "stranger");
    c.login(&server, &phone);
    let notice = events(&b)
        .into_iter()
        .find(|e| e["kind"] == "new_device")
        .expect("a new_device notice");
    let c_id = notice["device_id"].as_str().unwrap().to_owned();
    assert_eq!(c_id, device_id(&c));

    // "Not me → freeze": B freezes and signs C out; B and A stay signed in.
    let st = b.run(&["freeze", "--device", &c_id], None).ok();
    assert_eq!(st["state"], "frozen", "{st}");
    c.run(&["balance"], None).err("DEVICE_REVOKED");
    assert!(c.files().is_empty(), "{:?}", c.files());
    assert_eq!(a.run(&["status"], None).ok()["state"], "frozen");
    assert_eq!(b.run(&["status"], None).ok()["state"], "frozen");
    b.run(&["withdraw", "10", "--pin-stdin"], Some(PIN))
        .err("ACCOUNT_FROZEN");
    let devices = b.run(&["devices"], None).ok();
    let listed: Vec<&str> = devices["devices"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["device_id"].as_str())
        .collect();
    assert_eq!(listed.len(), 2, "{devices}");
    assert!(!listed.contains(&c_id.as_str()), "{devices}");

    // Unfreeze from B, then freeze again without --device: every other device (A) is out.
    b.run(
        &["unfreeze", "--id-number", ID_NUMBER, "--pin-stdin"],
        Some(PIN),
    )
    .ok();
    let (code, text, _) = b.run_human(&["freeze"], None);
    assert_eq!(code, 0);
    assert!(text.contains("Frozen now"), "{text}");
    a.run(&["balance"], None).err("DEVICE_REVOKED");
    assert!(a.files().is_empty(), "{:?}", a.files());
    assert_eq!(b.run(&["status"], None).ok()["state"], "frozen");
    b.run(&["freeze", "--device", "dev_nonexistent0000"], None)
        .err("NOT_FOUND");
    server.ledger_check();
}
