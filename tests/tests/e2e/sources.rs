//! Issue 14 (funding sources) through the real CLI, the real server and the merchant tools:
//! card payments with each sandbox bank outcome, phone-bill payments up to and over the
//! carrier's monthly cap, refunds back to each source, the default order and `--source` on
//! confirmation, and the source in receipts and the history — with `wallet-server ledger
//! check` after every step.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::process::Command;

use serde_json::Value;
use wallet_e2e::*;

const PIN: &str = "135792";

fn minor(v: &Value) -> i64 {
    assert_eq!(v["currency"], "CNY", "{v}");
    v["minor"].as_i64().unwrap()
}

fn balance(d: &Device) -> i64 {
    minor(&d.run(&["balance"], None).ok()["balance"])
}

/// A signed-up device on `phone` with a PIN; `topup` yuan in the wallet from an approving card
/// (none when `None`). Answers the device and that card's source (`card:<id>`).
fn customer(server: &Server, phone: &str, topup: Option<&str>) -> (Device, String) {
    let d = Device::new(server, "phone");
    d.signup(server, phone);
    d.set_pin(PIN);
    let card = d.bind_card(server, &test_card("CMB", "debit", "approve"));
    if let Some(amount) = topup {
        let op = d.run(&["topup", amount, "--pin-stdin"], Some(PIN)).ok();
        assert_eq!(op["status"], "succeeded", "{op}");
    }
    (d, format!("card:{}", card["card_id"].as_str().unwrap()))
}

fn confirm(d: &Device, order_id: &str, source: &str) -> Run {
    d.run(
        &[
            "orders",
            "confirm",
            order_id,
            "--source",
            source,
            "--pin-stdin",
        ],
        Some(PIN),
    )
}

fn remote_order(server: &Server, shop: &Merchant, phone: &str, amount: &str) -> String {
    let order = shop.order(server, amount, Some(phone), None);
    order["order_id"].as_str().unwrap().to_owned()
}

#[test]
fn card_payments_with_each_sandbox_bank_outcome() {
    let server = Server::start();
    let phone = fresh_phone();
    let (d, approve) = customer(&server, &phone, None);
    let shop = server.merchant("Tea House", "Suzhou", "5812");
    let card = |outcome: &str| {
        let c = d.bind_card(&server, &test_card("ICBC", "debit", outcome));
        format!("card:{}", c["card_id"].as_str().unwrap())
    };
    let (decline, poor, slow) = (card("decline"), card("insufficient_funds"), card("timeout"));

    // Approved: paid from the card; the wallet is untouched; the receipt names the card.
    let id = remote_order(&server, &shop, &phone, "12.50");
    let op = confirm(&d, &id, &approve).ok();
    assert_eq!(
        (op["status"].as_str(), op["source"].as_str()),
        (Some("succeeded"), Some(approve.as_str())),
        "{op}"
    );
    assert_eq!(shop.show_order(&server, &id)["status"], "paid");
    assert_eq!(balance(&d), 0);
    server.ledger_check();

    // Declined and short of funds: exit 1 with the bank's code; the order stays open.
    let id = remote_order(&server, &shop, &phone, "8");
    let err = confirm(&d, &id, &decline).err("CARD_DECLINED");
    assert_eq!(err["operation"]["source"], decline.as_str(), "{err}");
    server.ledger_check();
    confirm(&d, &id, &poor).err("BANK_INSUFFICIENT_FUNDS");
    server.ledger_check();
    assert_eq!(shop.show_order(&server, &id)["status"], "open");

    // Timeout: pending; a second payment waits; the next look settles it exactly once.
    let op = confirm(&d, &id, &slow).ok();
    assert_eq!(op["status"], "pending", "{op}");
    server.ledger_check();
    confirm(&d, &id, &approve).err("PAYMENT_PENDING");
    let b = d.run(&["balance"], None).ok();
    let settled = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operation_id"] == op["operation_id"])
        .unwrap()
        .clone();
    assert_eq!(settled["status"], "succeeded", "{b}");
    assert_eq!(shop.show_order(&server, &id)["status"], "paid");
    let before = server.ledger_check()["transactions"].as_i64().unwrap();
    d.run(&["balance"], None).ok();
    assert_eq!(
        server.ledger_check()["transactions"].as_i64().unwrap(),
        before
    );

    // The human receipt and the history say where the money came from.
    let id = remote_order(&server, &shop, &phone, "3");
    let (code, text, _) = d.run_human(
        &[
            "orders",
            "confirm",
            &id,
            "--source",
            &approve,
            "--pin-stdin",
        ],
        Some(PIN),
    );
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("from ICBC")
            || text.contains("from CMB")
            || text.contains("from China Merchants Bank"),
        "{text}"
    );
    let (code, text, _) = d.run_human(&["history"], None);
    assert_eq!(code, 0);
    assert!(text.contains("Tea House · from"), "{text}");
    server.ledger_check();
}

#[test]
fn phone_bill_payments_up_to_and_over_the_monthly_cap() {
    let server = Server::start();
    // The sandbox carrier's documented low-cap number: ¥50 a month.
    let phone = "13600000004";
    let (d, _) = customer(&server, phone, None);
    let shop = server.merchant("Game Shop", "Shenzhen", "5816");
    let listed = Command::new(server_bin())
        .args(["sandbox", "carriers", "--json"])
        .output()
        .unwrap();
    let listed: Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert!(listed["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["phone"] == "+8613600000004" && n["monthly_cap"] == 5_000));

    let s = d.run(&["sources"], None).ok();
    let carrier = s["sources"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(carrier["source"], "carrier");
    assert_eq!(minor(&carrier["monthly_remaining"]), 5_000);

    for amount in ["30", "20"] {
        let op = confirm(&d, &remote_order(&server, &shop, phone, amount), "carrier").ok();
        assert_eq!(
            (op["status"].as_str(), op["source"].as_str()),
            (Some("succeeded"), Some("carrier")),
            "{op}"
        );
        server.ledger_check();
    }
    let over = remote_order(&server, &shop, phone, "0.01");
    confirm(&d, &over, "carrier").err("CARRIER_CAP_REACHED");
    server.ledger_check();
    let s = d.run(&["sources"], None).ok();
    assert_eq!(
        minor(&s["sources"].as_array().unwrap().last().unwrap()["monthly_remaining"]),
        0
    );
    // Another source still pays the same order.
    let op = confirm(&d, &over, s["sources"][1]["source"].as_str().unwrap()).ok();
    assert_eq!(op["status"], "succeeded", "{op}");
    assert_eq!(balance(&d), 0);
    server.ledger_check();

    // The barred test number is declined by the carrier.
    let barred = "13600000002";
    let (b, _) = customer(&server, barred, None);
    confirm(&b, &remote_order(&server, &shop, barred, "1"), "carrier").err("CARRIER_DECLINED");
    server.ledger_check();
}

#[test]
fn refunds_go_back_to_each_source_and_the_default_order_decides() {
    let server = Server::start();
    let phone = fresh_phone();
    let (d, card) = customer(&server, &phone, Some("50"));
    let shop = server.merchant("Book Store", "Hangzhou", "5942");

    // The default order: the balance alone until set; then balance, then the card.
    let s = d.run(&["sources"], None).ok();
    assert_eq!(s["order"], serde_json::json!(["balance"]));
    d.run(&["sources", "set", "carrier", "carrier"], None)
        .err("SOURCE_INVALID");
    let s = d.run(&["sources", "set", "balance", &card], None).ok();
    assert_eq!(s["order"], serde_json::json!(["balance", card]));
    let (code, text, _) = d.run_human(&["sources"], None);
    assert_eq!(code, 0);
    assert!(text.contains("balance") && text.contains("→"), "{text}");

    let mut paid = Vec::new();
    for (amount, expected) in [("40", "balance"), ("40", card.as_str())] {
        let id = remote_order(&server, &shop, &phone, amount);
        let op = d
            .run(&["orders", "confirm", &id, "--pin-stdin"], Some(PIN))
            .ok();
        assert_eq!(op["source"], expected, "{op}");
        paid.push(id);
        server.ledger_check();
    }
    let id = remote_order(&server, &shop, &phone, "25");
    let op = confirm(&d, &id, "carrier").ok();
    assert_eq!(op["source"], "carrier");
    paid.push(id);
    assert_eq!(balance(&d), 1_000);
    server.ledger_check();

    // Each refund goes back where the money came from: only the balance's to the wallet.
    shop.refund(&server, &paid[0], Some("15")).ok();
    assert_eq!(balance(&d), 2_500);
    server.ledger_check();
    let full = shop.refund(&server, &paid[1], None).ok();
    assert_eq!(full["status"], "refunded");
    assert_eq!(balance(&d), 2_500);
    server.ledger_check();
    let full = shop.refund(&server, &paid[2], None).ok();
    assert_eq!(full["status"], "refunded");
    assert_eq!(balance(&d), 2_500);
    server.ledger_check();
    let s = d.run(&["sources"], None).ok();
    assert_eq!(
        minor(&s["sources"].as_array().unwrap().last().unwrap()["monthly_remaining"]),
        50_000
    );

    let b = d.run(&["balance"], None).ok();
    let mut refunds: Vec<String> = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "refund")
        .map(|o| o["source"].as_str().unwrap().to_owned())
        .collect();
    refunds.sort();
    let mut expected = vec!["balance".to_owned(), card.clone(), "carrier".to_owned()];
    expected.sort();
    assert_eq!(refunds, expected);
    let (_, text, _) = d.run_human(&["history"], None);
    assert!(text.contains("from phone bill"), "{text}");
    server.ledger_check();
}
