//! Issue 14, SMS payment ("reply Y"), through the real server, the real `wallet` CLI, the real
//! merchant tools and the sandbox SMS tools: a merchant registers product codes and gets a
//! service number; a payer switches SMS payment on with the PIN, texts a product code
//! (`wallet-server sms send`), reads the offer in the outbox, replies Y, gets the confirmation,
//! and sees the payment in `wallet history`. Every wrong reply gets an SMS and moves nothing;
//! `wallet-server ledger check` runs after the money steps.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::process::Command;

use serde_json::Value;
use wallet_e2e::*;

const PIN: &str = "135792";

fn balance(d: &Device) -> i64 {
    let b = d.run(&["balance"], None).ok();
    b["balance"]["minor"].as_i64().unwrap()
}

/// A signed-up device with a PIN, a bound card and `topup` yuan in the wallet.
fn customer(server: &Server, topup: &str) -> (Device, String) {
    let d = Device::new(server, "phone");
    let phone = fresh_phone();
    d.signup(server, &phone);
    d.set_pin(PIN);
    d.bind_card(server, &test_card("CMB", "debit", "approve"));
    let op = d.run(&["topup", topup, "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(op["status"], "succeeded", "{op}");
    (d, phone)
}

/// `wallet-server sms send --json`: the answer the provider sent back.
fn sms(server: &Server, from: &str, to: &str, text: &str) -> Value {
    let out = Command::new(server_bin())
        .args([
            "sms",
            "send",
            "--from",
            from,
            "--to",
            to,
            "--text",
            text,
            "--server",
            &server.url,
            "--json",
        ])
        .output()
        .expect("run sms send");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "sms send failed: {stdout} {out:?}");
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// The newest message for `phone`, read with `wallet-server <tool> outbox` (`sms` or `otp`).
fn newest(server: &Server, tool: &str, phone: &str) -> Value {
    let out = Command::new(server_bin())
        .args([
            tool,
            "outbox",
            "--phone",
            phone,
            "--server",
            &server.url,
            "--json",
        ])
        .output()
        .expect("run outbox");
    assert!(out.status.success(), "outbox failed: {out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("outbox json");
    v["messages"][0].clone()
}

fn settings(d: &Device) -> Value {
    d.run(&["settings"], None).ok()
}

#[test]
fn sms_order_reply_y_then_confirmation_and_every_wrong_reply() {
    let server = Server::start_with(&[
        "--otp-min-interval-secs",
        "0",
        "--sms-pay-reference-ttl-secs",
        "8",
    ]);
    let (d, phone) = customer(&server, "100");
    let shop = server.merchant("Corner Cafe", "Shanghai", "5814");
    let auth = [
        "--merchant",
        shop.id.as_str(),
        "--api-key",
        shop.api_key.as_str(),
    ];

    // The merchant registers product codes and gets its service number.
    let mut args = vec!["sms-product"];
    args.extend(auth);
    args.extend(["--code", "101", "--description", "Latte", "--amount", "18"]);
    let products = server.merchant_tool(&args).ok();
    let number = products["service_number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("1069"), "{products}");
    let mut args = vec!["sms-product"];
    args.extend(auth);
    args.extend(["--code", "102", "--description", "Cake", "--amount", "60"]);
    server.merchant_tool(&args).err("AMOUNT_OVER_LIMIT");
    let mut args = vec!["sms-products"];
    args.extend(auth);
    let listed = server.merchant_tool(&args).ok();
    assert_eq!(listed["service_number"], number.as_str());
    assert_eq!(listed["products"][0]["code"], "101");
    assert_eq!(listed["products"][0]["amount"]["minor"], 1_800);

    // Off by default: the text is answered, nothing moves.
    assert_eq!(settings(&d)["sms_pay_enabled"], false);
    assert_eq!(sms(&server, &phone, &number, "101")["outcome"], "off");
    let sent = newest(&server, "sms", &phone);
    assert!(
        sent["body"]
            .as_str()
            .unwrap()
            .contains("SMS payment is off"),
        "{sent}"
    );

    // On needs the PIN (and warns about the SIM); `wallet settings` shows it and the caps.
    d.run(&["settings", "sms-pay", "on"], None)
        .err("PIN_REQUIRED");
    let on = d.run(&["settings", "sms-pay", "on", "--pin-stdin"], Some(PIN));
    assert!(on.stderr.contains("SIM"), "{on:?}");
    let on = on.ok();
    assert_eq!(on["sms_pay_enabled"], true, "{on}");
    assert_eq!(on["sms_pay_per_payment"]["minor"], 5_000);
    let (code, text, _) = d.run_human(&["settings"], None);
    assert_eq!(code, 0);
    assert!(text.contains("SMS payment (reply Y): on"), "{text}");
    let log = d.run(&["security-log"], None).ok();
    assert_eq!(log["events"][0]["kind"], "sms_pay_changed", "{log}");

    // Order → offer with a one-time reference (in the outbox, where `otp outbox` reads it too).
    let offer = sms(&server, &phone, &number, "101");
    assert_eq!(offer["outcome"], "offer", "{offer}");
    let reference = offer["reference"].as_str().unwrap().to_owned();
    let sent = newest(&server, "otp", &phone);
    assert_eq!(sent["code"], reference.as_str(), "{sent}");
    assert_eq!(sent["purpose"], "sms_pay");
    let body = sent["body"].as_str().unwrap();
    assert!(
        body.contains("Corner Cafe") && body.contains("¥18.00") && body.contains("Reply Y"),
        "{body}"
    );
    assert_eq!(balance(&d), 10_000);

    // Y → paid, confirmation SMS.
    let paid = sms(&server, &phone, &number, "Y");
    assert_eq!(paid["outcome"], "paid", "{paid}");
    let sent = newest(&server, "sms", &phone);
    assert!(
        sent["body"]
            .as_str()
            .unwrap()
            .contains("Paid ¥18.00 to Corner Cafe"),
        "{sent}"
    );
    assert_eq!(balance(&d), 10_000 - 1_800);
    server.ledger_check();
    // In the history like any order payment.
    let history = d.run(&["history"], None).ok();
    let payment = history["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "payment")
        .expect("the payment in the history")
        .clone();
    assert_eq!(payment["channel"], "sms", "{payment}");
    assert_eq!(payment["merchant_name"], "Corner Cafe");
    assert_eq!(payment["amount"]["minor"], 1_800);

    // A second Y pays nothing more.
    assert_eq!(
        sms(&server, &phone, &number, "Y")["outcome"],
        "already_paid"
    );
    // Unknown code; a number that takes no orders.
    assert_eq!(
        sms(&server, &phone, &number, "999")["outcome"],
        "unknown_code"
    );
    assert_eq!(
        sms(&server, &phone, "10690000000", "101")["outcome"],
        "no_such_number"
    );

    // A reply from another number: without an account, and with SMS payment on.
    let (other, other_phone) = customer(&server, "100");
    other
        .run(&["settings", "sms-pay", "on", "--pin-stdin"], Some(PIN))
        .ok();
    let offer = sms(&server, &phone, &number, "101");
    let r = offer["reference"].as_str().unwrap().to_owned();
    assert_eq!(
        sms(&server, &fresh_phone(), &number, &format!("Y {r}"))["outcome"],
        "off"
    );
    assert_eq!(
        sms(&server, &other_phone, &number, &format!("Y {r}"))["outcome"],
        "unknown_reference"
    );
    assert_eq!(
        sms(&server, &other_phone, &number, "Y")["outcome"],
        "nothing_waiting"
    );

    // Several open: a bare Y asks which; Y REF pays that one.
    let r2 = sms(&server, &phone, &number, "101")["reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let choose = sms(&server, &phone, &number, "Y");
    assert_eq!(choose["outcome"], "choose_reference", "{choose}");
    assert!(choose["reply"].as_str().unwrap().contains(&r), "{choose}");
    assert_eq!(
        sms(&server, &phone, &number, &format!("Y {r2}"))["outcome"],
        "paid"
    );
    assert_eq!(balance(&d), 10_000 - 3_600);

    // Expired (this server's references live 8 seconds).
    std::thread::sleep(std::time::Duration::from_secs(9));
    let expired = sms(&server, &phone, &number, &format!("Y {r}"));
    assert_eq!(expired["outcome"], "expired", "{expired}");
    assert!(expired["reply"]
        .as_str()
        .unwrap()
        .contains("Nothing was charged"));
    assert_eq!(balance(&d), 10_000 - 3_600);
    assert_eq!(balance(&other), 10_000);

    // Switched off: the next text is answered "off".
    let off = d.run(&["settings", "sms-pay", "off"], None).ok();
    assert_eq!(off["sms_pay_enabled"], false);
    assert_eq!(sms(&server, &phone, &number, "101")["outcome"], "off");

    // Frozen: switched on again, an offer, then the phone reported lost; the Y is answered.
    d.run(&["settings", "sms-pay", "on", "--pin-stdin"], Some(PIN))
        .ok();
    let offer = sms(&server, &phone, &number, "101");
    assert_eq!(offer["outcome"], "offer", "{offer}");
    other
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
    assert_eq!(sms(&server, &phone, &number, "Y")["outcome"], "frozen");
    let ledger = server.ledger_check();
    assert_eq!(
        ledger["customer_total"].as_i64().unwrap(),
        20_000 - 3_600,
        "{ledger}"
    );
}

#[test]
fn a_new_device_sign_in_pauses_sms_payment() {
    let server = Server::start();
    let (d, phone) = customer(&server, "100");
    let shop = server.merchant("Corner Cafe", "Shanghai", "5814");
    let products = server
        .merchant_tool(&[
            "sms-product",
            "--merchant",
            &shop.id,
            "--api-key",
            &shop.api_key,
            "--code",
            "7",
            "--description",
            "Tea",
            "--amount",
            "5",
        ])
        .ok();
    let number = products["service_number"].as_str().unwrap().to_owned();
    d.run(&["settings", "sms-pay", "on", "--pin-stdin"], Some(PIN))
        .ok();
    assert_eq!(sms(&server, &phone, &number, "7")["outcome"], "offer");
    // A sign-in on another device (a SIM swap looks like this) starts a cooling-off.
    let laptop = Device::new(&server, "laptop");
    laptop.login(&server, &phone);
    let answer = sms(&server, &phone, &number, "Y");
    assert_eq!(answer["outcome"], "cooling_off", "{answer}");
    assert!(
        answer["reply"].as_str().unwrap().contains("paused"),
        "{answer}"
    );
    assert_eq!(sms(&server, &phone, &number, "7")["outcome"], "cooling_off");
    assert_eq!(balance(&d), 10_000);
    server.ledger_check();
}
