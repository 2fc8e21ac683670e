//! Issue 13 through the real CLI and the real server: a top-up takes the PIN exactly as a
//! withdrawal does; switching no-PIN payments on or raising their limits takes it too (lowering
//! does not); PIN changes and resets and no-PIN changes reach the other devices and the
//! security log, and a PIN reset starts a cooling-off.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use serde_json::Value;
use wallet_e2e::*;

const PIN: &str = "135792";
const NEW_PIN: &str = "246813";

fn kinds(v: &Value) -> Vec<String> {
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn topup_takes_the_pin_like_withdraw() {
    let server = Server::start_with(&["--otp-min-interval-secs", "0"]);
    let d = Device::new(&server, "phone");
    d.signup(&server, &fresh_phone());
    d.set_pin(PIN);
    d.bind_card(&server, &test_card("CMB", "debit", "approve"));

    // The PIN is never an argument, and a top-up without it is a usage error.
    d.run(&["topup", "100"], None).usage_err();
    d.run(&["topup", "100", "--pin", PIN], None).usage_err();
    // A wrong PIN is refused by the server and uses a try, as for a withdrawal.
    let err = d
        .run(&["topup", "100", "--pin-stdin"], Some(NEW_PIN))
        .err("PIN_WRONG");
    assert!(
        err["message"].as_str().unwrap().contains("4 tries left"),
        "{err}"
    );
    d.run(&["withdraw", "1", "--pin-stdin"], Some(NEW_PIN))
        .err("PIN_WRONG");
    let status = d.run(&["pin", "status"], None).ok();
    assert!(status["locked_until"].is_null(), "{status}");
    let r = d.run_with_env(
        &["topup", "100", "--pin-stdin"],
        Some(PIN),
        &[("WALLET_LOG", "trace")],
    );
    assert!(!r.stderr.contains(PIN), "the PIN leaked into the log");
    let op = r.ok();
    assert_eq!(op["status"], "succeeded", "{op}");
    assert!(!op.to_string().contains(PIN));
    let balance = d.run(&["balance"], None).ok();
    assert_eq!(balance["balance"]["minor"], 10_000, "{balance}");
}

#[test]
fn pin_and_no_pin_changes_are_security_events() {
    let server = Server::start_with(&["--otp-min-interval-secs", "0"]);
    let phone_number = fresh_phone();
    let phone = Device::new(&server, "phone");
    phone.signup(&server, &phone_number);
    phone.set_pin(PIN);
    let laptop = Device::new(&server, "laptop");
    laptop.login(&server, &phone_number);
    // The laptop's own sign-in is old news for the phone.
    phone.run(&["events"], None).ok();

    // Lowering the no-PIN limits needs no PIN; raising them again does.
    let lowered = phone
        .run(&["paycode", "limits", "--per-payment", "50"], None)
        .ok();
    assert_eq!(lowered["no_pin_per_payment"]["minor"], 5_000, "{lowered}");
    phone
        .run(&["paycode", "limits", "--per-payment", "100"], None)
        .err("PIN_REQUIRED");
    phone
        .run(
            &["paycode", "limits", "--per-payment", "100", "--pin-stdin"],
            Some(NEW_PIN),
        )
        .err("PIN_WRONG");
    let raised = phone
        .run(
            &["paycode", "limits", "--per-payment", "100", "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    assert_eq!(raised["no_pin_per_payment"]["minor"], 10_000, "{raised}");
    phone.run(&["paycode", "limits", "--off"], None).ok();
    phone
        .run(&["paycode", "limits", "--on"], None)
        .err("PIN_REQUIRED");

    // A PIN change: the laptop hears of all of it ("not you? freeze now").
    phone
        .run(
            &["pin", "change", "--pin-stdin"],
            Some(&format!("{PIN}\n{NEW_PIN}")),
        )
        .ok();
    let events = laptop.run(&["events"], None).ok();
    assert_eq!(
        kinds(&events),
        [
            "no_pin_changed",
            "no_pin_changed",
            "no_pin_changed",
            "pin_changed"
        ],
        "{events}"
    );
    let refs: Vec<&str> = events["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["reference"].as_str())
        .collect();
    assert_eq!(refs, ["lowered", "raised", "lowered"], "{events}");
    assert!(events["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["device_name"] == "phone"));
    let (code, human, _) = laptop.run_human(&["security-log"], None);
    assert_eq!(code, 0);
    assert!(human.contains("payment PIN changed"), "{human}");
    assert!(human.contains("no-PIN payment limits changed"), "{human}");
    assert!(human.contains("off"), "{human}");

    // A PIN reset from the laptop (password, then the SMS code): the phone hears of it and a
    // cooling-off runs.
    laptop
        .run(&["pin", "reset", "--password-stdin"], Some(PASSWORD))
        .ok();
    let done = laptop
        .run(
            &[
                "pin",
                "reset",
                "--code",
                &server.otp(&phone_number),
                "--pin-stdin",
            ],
            Some(PIN),
        )
        .ok();
    assert_eq!(done["pin_reset"], true);
    let events = phone.run(&["events"], None).ok();
    assert_eq!(kinds(&events), ["pin_reset"], "{events}");
    let reset = &events["events"][0];
    assert_eq!(reset["device_name"], "laptop", "{reset}");
    assert!(reset["cooling_off_until"].is_string(), "{reset}");
    let status = phone.run(&["status"], None).ok();
    assert_eq!(status["state"], "cooling_off", "{status}");
    let log = phone.run(&["security-log"], None).ok();
    assert_eq!(log["events"][0]["kind"], "pin_reset", "{log}");
    // The laptop that reset is not told of its own change.
    let own = laptop.run(&["events"], None).ok();
    assert!(!kinds(&own).contains(&"pin_reset".to_owned()), "{own}");
}
