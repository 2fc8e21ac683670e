//! Issue 4 through the real CLI, the real server and the real merchant tools: scanning and
//! paying static and dynamic merchant codes, the merchant name on record, codes this wallet
//! must not pay, payment codes under and over the no-PIN limit (and replayed, and after
//! logout, and with the server down), remote orders confirmed / declined / expired, refunds —
//! with the ledger's invariants checked by `wallet-server ledger check` after each step.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::time::Duration;

use chrono::Utc;
use serde_json::Value;
use wallet_e2e::*;
use wallet_protocol::qr::{self, WalletMerchant};

const PIN: &str = "135792";
/// Banco Central do Brasil's Pix example: a well-formed code of another network.
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

fn minor(v: &Value) -> i64 {
    assert_eq!(v["currency"], "CNY", "{v}");
    v["minor"].as_i64().unwrap()
}

fn balance(d: &Device) -> i64 {
    let b = d.run(&["balance"], None).ok();
    assert_eq!(b["stale"], false, "{b}");
    minor(&b["balance"])
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

/// Whether one line of `text` holds `parts` in this order (a table row: the columns between
/// them are padded to the widest cell, so the gaps vary).
fn has_row(text: &str, parts: &[&str]) -> bool {
    text.lines().any(|line| {
        let mut rest = line;
        parts.iter().all(|p| match rest.find(p) {
            Some(i) => {
                rest = &rest[i + p.len()..];
                true
            }
            None => false,
        })
    })
}

fn ledger_transactions(server: &Server) -> i64 {
    server.ledger_check()["transactions"].as_i64().unwrap()
}

#[test]
fn static_and_dynamic_codes_pay_once_each() {
    let server = Server::start();
    let (d, _) = customer(&server, "1000");
    let shop = server.merchant("Lucky Noodles", "Beijing", "5812");
    server.ledger_check();

    // Offline decode: our own code, payable, static.
    let decoded = d.run(&["qr", "decode", &shop.payload], None).ok();
    assert_eq!(decoded["kind"], "emvco_mpm");
    assert_eq!(decoded["network"], "wallet");
    assert_eq!(decoded["payable"], true);
    assert_eq!(decoded["valid_crc"], true);
    assert_eq!(decoded["point_of_initiation"], "11");
    assert_eq!(decoded["merchant_name"], "Lucky Noodles");
    assert_eq!(decoded["currency"], "156");
    assert_eq!(
        shop.qr(&server),
        shop.payload,
        "merchant qr is the static code"
    );

    // Static: the payer types the amount.
    d.run(&["pay", &shop.payload, "--pin-stdin"], Some(PIN))
        .err("AMOUNT_REQUIRED");
    d.run(
        &["pay", &shop.payload, "--amount", "25.50", "--pin-stdin"],
        Some("246813"),
    )
    .err("PIN_WRONG");
    let paid = d
        .run(
            &["pay", &shop.payload, "--amount", "25.50", "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    assert_eq!(paid["kind"], "payment");
    assert_eq!(paid["status"], "succeeded");
    assert_eq!(paid["channel"], "static_qr");
    assert_eq!(minor(&paid["amount"]), 2_550);
    assert_eq!(paid["merchant_name"], "Lucky Noodles");
    assert_eq!(paid["merchant_id"], shop.id.as_str());
    assert_eq!(paid["card_id"], Value::Null);
    assert_eq!(paid["merchant"]["name"], "Lucky Noodles");
    assert_eq!(paid["merchant"]["city"], "Beijing");
    assert_eq!(paid["printed_name"], "Lucky Noodles");
    assert_eq!(paid["name_mismatch"], false);
    assert_eq!(balance(&d), 100_000 - 2_550);
    server.ledger_check();

    // The same idempotency key twice pays once.
    let args = [
        "pay",
        &shop.payload,
        "--amount",
        "10",
        "--pin-stdin",
        "--idempotency-key",
        "qr-pay-key-0001",
    ];
    let first = d.run(&args, Some(PIN)).ok();
    let again = d.run(&args, Some(PIN)).ok();
    assert_eq!(first["operation_id"], again["operation_id"]);
    assert_eq!(balance(&d), 100_000 - 2_550 - 1_000);
    server.ledger_check();

    // Dynamic: the amount is locked; a second payment of the order is refused.
    let order = shop.order(&server, "12.50", None, None);
    assert_eq!(order["status"], "open");
    let payload = order["payload"].as_str().unwrap().to_owned();
    let decoded = d.run(&["qr", "decode", &payload], None).ok();
    assert_eq!(decoded["point_of_initiation"], "12");
    assert_eq!(decoded["amount"], "12.50");
    d.run(
        &["pay", &payload, "--amount", "13", "--pin-stdin"],
        Some(PIN),
    )
    .err("AMOUNT_LOCKED");
    let paid = d.run(&["pay", &payload, "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(paid["channel"], "dynamic_qr");
    assert_eq!(minor(&paid["amount"]), 1_250);
    assert_eq!(paid["order_id"], order["order_id"]);
    d.run(&["pay", &payload, "--pin-stdin"], Some(PIN))
        .err("ORDER_ALREADY_PAID");
    assert_eq!(
        shop.show_order(&server, order["order_id"].as_str().unwrap())["status"],
        "paid"
    );
    let after = 100_000 - 2_550 - 1_000 - 1_250;
    assert_eq!(balance(&d), after);
    server.ledger_check();

    // The balance lists the payments with the merchant, and humans read them.
    let b = d.run(&["balance"], None).ok();
    let payments: Vec<&Value> = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "payment")
        .collect();
    assert_eq!(payments.len(), 3, "{b}");
    assert!(payments
        .iter()
        .all(|o| o["merchant_name"] == "Lucky Noodles"));
    let (code, text, _) = d.run_human(&["balance"], None);
    assert_eq!(code, 0);
    assert!(
        has_row(&text, &["Payment", "-¥12.50", "Lucky Noodles"]),
        "{text}"
    );
}

#[test]
fn the_merchant_on_record_is_shown_and_a_different_printed_name_warned() {
    let server = Server::start();
    let (d, _) = customer(&server, "100");
    let shop = server.merchant("Lucky Noodles", "Beijing", "5812");
    // A sticker with the real merchant's id under another name (a forged or outdated code).
    let forged = qr::wallet_static_payload(&WalletMerchant {
        merchant_id: shop.id.clone(),
        name: "Bank of Refunds".into(),
        city: "Beijing".into(),
        mcc: "5812".into(),
    })
    .unwrap();
    let (code, stdout, _) =
        d.run_human(&["pay", &forged, "--amount", "1", "--pin-stdin"], Some(PIN));
    assert_eq!(code, 0, "{stdout}");
    let paying = stdout.find("Paying Lucky Noodles").expect(&stdout);
    let warning = stdout
        .find("warning: the code says \"Bank of Refunds\"")
        .expect(&stdout);
    let receipt = stdout.find("Payment -¥1.00").expect(&stdout);
    assert!(paying < warning && warning < receipt, "{stdout}");
    let paid = d
        .run(&["pay", &forged, "--amount", "2", "--pin-stdin"], Some(PIN))
        .ok();
    assert_eq!(paid["name_mismatch"], true);
    // With every log line on, the PIN reaches none of them.
    let logged = d.run_with_env(
        &["pay", &forged, "--amount", "1", "--pin-stdin"],
        Some(PIN),
        &[("WALLET_LOG", "debug")],
    );
    assert!(!logged.stderr.contains(PIN), "{}", logged.stderr);
    logged.ok();
    assert_eq!(paid["printed_name"], "Bank of Refunds");
    assert_eq!(paid["merchant"]["name"], "Lucky Noodles");
    assert_eq!(paid["merchant_name"], "Lucky Noodles");
    // An honest code: no warning.
    let (_, stdout, stderr) = d.run_human(
        &["pay", &shop.payload, "--amount", "1", "--pin-stdin"],
        Some(PIN),
    );
    assert!(
        !stdout.contains("warning") && !stderr.contains("warning"),
        "{stdout}"
    );
    assert_eq!(balance(&d), 10_000 - 500);
    server.ledger_check();
}

#[test]
fn foreign_networks_links_and_damaged_codes_move_nothing() {
    let server = Server::start();
    let (d, _) = customer(&server, "100");
    let shop = server.merchant("Lucky Noodles", "Beijing", "5812");
    let before_tx = ledger_transactions(&server);
    let before_ops = d.run(&["balance"], None).ok()["operations"].clone();

    let pix = d.run(&["qr", "decode", PIX], None).ok();
    assert_eq!(pix["network"], "pix");
    assert_eq!(pix["payable"], false);
    let err = d
        .run(&["pay", PIX, "--amount", "1", "--pin-stdin"], Some(PIN))
        .err("QR_NOT_PAYABLE");
    assert!(err["message"].as_str().unwrap().contains("Pix"), "{err}");
    for text in [
        "https://pay.example.com/claim?gift=1",
        "upi://pay?pa=shop@upi&am=10",
    ] {
        d.run(&["pay", text, "--amount", "1", "--pin-stdin"], Some(PIN))
            .err("QR_NOT_PAYABLE");
    }
    let link = d.run_human(&["qr", "decode", "https://pay.example.com/claim"], None);
    assert_eq!(link.0, 0);
    assert!(link.1.contains("https://pay.example.com/claim"), "{link:?}");
    assert!(link.2.contains("not opened"), "{link:?}");

    // One changed character: the CRC catches it, and nothing happens anywhere.
    let mut damaged = shop.payload.clone();
    let at = damaged.find("Lucky").unwrap();
    damaged.replace_range(at..at + 5, "Lucky".to_uppercase().as_str());
    d.run(&["qr", "decode", &damaged], None)
        .err("QR_CRC_MISMATCH");
    d.run(
        &["pay", &damaged, "--amount", "1", "--pin-stdin"],
        Some(PIN),
    )
    .err("QR_CRC_MISMATCH");

    assert_eq!(ledger_transactions(&server), before_tx);
    let after = d.run(&["balance"], None).ok();
    assert_eq!(minor(&after["balance"]), 10_000);
    assert_eq!(after["operations"], before_ops);
}

/// The next step's code of a device, from the real core with the real seed (the server accepts
/// one step either side; the CLI shows only the current one).
fn next_code(d: &Device) -> String {
    d.core()
        .paycode_at(Utc::now() + chrono::Duration::seconds(30))
        .unwrap()
        .code
}

fn cli_code(d: &Device) -> String {
    let v = d.run(&["paycode"], None).ok();
    let code = v["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 18, "{v}");
    assert!(code.starts_with("28"), "{v}");
    assert_eq!(v["grouped"].as_str().unwrap().replace(' ', ""), code);
    let left = v["seconds_left"].as_u64().unwrap();
    assert!((1..=30).contains(&left), "{v}");
    assert!(v["expires_at"].as_str().unwrap().ends_with('Z'), "{v}");
    code
}

#[test]
fn payment_codes_under_and_over_the_no_pin_limit() {
    // The tablet's sign-in starts a cooling-off, during which every payment code needs the
    // PIN (docs/rules.md §Cooling-off): here it lasts a second.
    let server = Server::start_with(&["--otp-min-interval-secs", "0", "--cooling-off-secs", "1"]);
    let (phone_a, number) = customer(&server, "1000");
    let tablet = Device::new(&server, "tablet");
    tablet.login(&server, &number);
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    let shop = server.merchant("Corner Shop", "Shanghai", "5411");

    let settings = phone_a.run(&["paycode", "limits"], None).ok();
    assert_eq!(settings["no_pin_enabled"], true);
    assert_eq!(minor(&settings["no_pin_per_payment"]), 20_000);
    assert_eq!(minor(&settings["no_pin_daily"]), 100_000);

    // Under the limit: paid at once. The same code again: used.
    let code = cli_code(&phone_a);
    let charged = shop.charge_code(&server, &code, "20").ok();
    assert_eq!(charged["status"], "paid", "{charged}");
    assert_eq!(charged["channel"], "paycode");
    assert_eq!(balance(&phone_a), 100_000 - 2_000);
    server.ledger_check();
    shop.charge_code(&server, &code, "20").err("PAYCODE_USED");
    server.ledger_check();

    // Over the limit: an open order that waits for the PIN in the app.
    let over = shop.charge_code(&server, &next_code(&phone_a), "300").ok();
    assert_eq!(over["status"], "open", "{over}");
    let order_id = over["order_id"].as_str().unwrap().to_owned();
    assert_eq!(balance(&phone_a), 98_000, "nothing moves before the PIN");
    let waiting = tablet.run(&["orders"], None).ok();
    let listed = waiting["orders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["order_id"] == order_id.as_str())
        .unwrap_or_else(|| panic!("{waiting}"))
        .clone();
    assert_eq!(listed["channel"], "paycode");
    assert_eq!(listed["merchant_name"], "Corner Shop");
    assert_eq!(minor(&listed["amount"]), 30_000);
    tablet
        .run(
            &["orders", "confirm", &order_id, "--pin-stdin"],
            Some("246813"),
        )
        .err("PIN_WRONG");
    let op = tablet
        .run(&["orders", "confirm", &order_id, "--pin-stdin"], Some(PIN))
        .ok();
    assert_eq!(op["kind"], "payment");
    assert_eq!(op["channel"], "paycode");
    assert_eq!(minor(&op["amount"]), 30_000);
    assert_eq!(shop.show_order(&server, &order_id)["status"], "paid");
    assert_eq!(balance(&phone_a), 68_000);
    server.ledger_check();

    // Over the limit again, declined: nothing moves.
    let over = shop.charge_code(&server, &cli_code(&tablet), "250").ok();
    assert_eq!(over["status"], "open", "{over}");
    let order_id = over["order_id"].as_str().unwrap().to_owned();
    let declined = phone_a.run(&["orders", "decline", &order_id], None).ok();
    assert_eq!(declined["status"], "declined");
    phone_a
        .run(&["orders", "confirm", &order_id, "--pin-stdin"], Some(PIN))
        .err("ORDER_CLOSED");
    assert_eq!(shop.show_order(&server, &order_id)["status"], "declined");
    assert_eq!(balance(&phone_a), 68_000);
    server.ledger_check();

    // Lowered limits apply to the next code; switched off, even ¥1 waits for the PIN.
    let lowered = phone_a
        .run(
            &["paycode", "limits", "--per-payment", "5", "--daily", "50"],
            None,
        )
        .ok();
    assert_eq!(minor(&lowered["no_pin_per_payment"]), 500);
    assert_eq!(minor(&lowered["no_pin_daily"]), 5_000);
    phone_a
        .run(
            &[
                "paycode",
                "limits",
                "--per-payment",
                "100000",
                "--daily",
                "200000",
            ],
            None,
        )
        .err("AMOUNT_OVER_LIMIT");
    let over = shop.charge_code(&server, &next_code(&tablet), "6").ok();
    assert_eq!(over["status"], "open", "{over}");
    let off = phone_a.run(&["paycode", "limits", "--off"], None).ok();
    assert_eq!(off["no_pin_enabled"], false);
    assert_eq!(
        minor(&off["no_pin_per_payment"]),
        500,
        "the amounts are kept"
    );

    // A code made before logout is dead after it.
    let unused = next_code(&phone_a);
    phone_a.run(&["logout"], None).ok();
    phone_a.run(&["paycode"], None).err("NOT_SIGNED_IN");
    shop.charge_code(&server, &unused, "1")
        .err("PAYCODE_INVALID");
    server.ledger_check();
}

#[test]
fn payment_codes_work_offline_and_verify_after_a_server_restart() {
    let mut server = Server::start();
    let (d, _) = customer(&server, "100");
    let shop = server.merchant("Night Market", "Taipei", "5812");
    server.kill();
    // The server is down: the code is made offline, and never reaches a log.
    let run = d.run_with_env(&["paycode"], None, &[("WALLET_LOG", "debug")]);
    let stderr = run.stderr.clone();
    let v = run.ok();
    let code = v["code"].as_str().unwrap().to_owned();
    assert!(!stderr.contains(&code), "the code reached a log: {stderr}");
    assert!(code.len() == 18 && code.starts_with("28"), "{v}");
    let human = d.run_human(&["paycode"], None);
    assert_eq!(human.0, 0, "{human:?}");
    assert!(
        human.1.contains(&v["grouped"].as_str().unwrap()[..4]),
        "{human:?}"
    );
    d.run(&["balance"], None); // offline: cached figures
    server.restart();
    let charged = shop.charge_code(&server, &code, "8.80").ok();
    assert_eq!(charged["status"], "paid", "{charged}");
    assert_eq!(balance(&d), 10_000 - 880);
    server.ledger_check();
}

#[test]
fn payment_code_images_scan_as_the_same_code() {
    let server = Server::start();
    let (d, _) = customer(&server, "1");
    let view = d.core().paycode().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let qr_png = svg_to_png(&view.qr_svg, 2);
    let bar_png = svg_to_png(&view.barcode_svg, 2);
    // Our own image decoder reads the QR symbol back.
    assert_eq!(
        wallet_core::Wallet::decode_qr_image(&qr_png).unwrap(),
        view.code
    );
    // An independent reader (ZBar) reads both: the QR and the Code 128 barcode.
    if have_zbarimg() {
        let qr_file = dir.path().join("qr.png");
        let bar_file = dir.path().join("bar.png");
        std::fs::write(&qr_file, &qr_png).unwrap();
        std::fs::write(&bar_file, &bar_png).unwrap();
        assert_eq!(zbarimg(&qr_file).as_deref(), Some(view.code.as_str()));
        assert_eq!(zbarimg(&bar_file).as_deref(), Some(view.code.as_str()));
    } else {
        eprintln!("zbarimg is not installed: the independent scan was skipped");
    }
}

#[test]
fn pay_from_a_photo_of_the_code() {
    let server = Server::start();
    let (d, _) = customer(&server, "100");
    let shop = server.merchant("Lucky Noodles", "Beijing", "5812");
    let code = qrcode::QrCode::new(shop.payload.as_bytes()).unwrap();
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(300, 300)
        .build();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sticker.png");
    std::fs::write(&file, svg_to_png(&svg, 1)).unwrap();
    let paid = d
        .run(
            &[
                "pay",
                "--image",
                file.to_str().unwrap(),
                "--amount",
                "3",
                "--pin-stdin",
            ],
            Some(PIN),
        )
        .ok();
    assert_eq!(paid["merchant"]["name"], "Lucky Noodles");
    assert_eq!(minor(&paid["amount"]), 300);
    let blank = dir.path().join("blank.png");
    std::fs::write(
        &blank,
        svg_to_png(r#"<svg width="50" height="50"></svg>"#, 1),
    )
    .unwrap();
    d.run(
        &["pay", "--image", blank.to_str().unwrap(), "--pin-stdin"],
        Some(PIN),
    )
    .err("QR_NOT_FOUND");
    server.ledger_check();
}

#[test]
fn remote_orders_confirmed_declined_and_expired() {
    let server = Server::start();
    let (d, phone) = customer(&server, "1000");
    let shop = server.merchant("Flower Delivery", "Guangzhou", "5992");
    d.run(&["orders"], None).ok();

    let order = shop.order(&server, "88", Some(&phone), None);
    assert_eq!(order["status"], "open");
    assert_eq!(order["channel"], "remote_order");
    let id = order["order_id"].as_str().unwrap().to_owned();
    let list = d.run(&["orders"], None).ok();
    assert!(
        list["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["order_id"] == id.as_str() && o["status"] == "open"),
        "{list}"
    );
    let (code, text, _) = d.run_human(&["orders"], None);
    assert_eq!(code, 0);
    assert!(
        text.contains("Flower Delivery") && text.contains("¥88.00"),
        "{text}"
    );
    let op = d
        .run(&["orders", "confirm", &id, "--pin-stdin"], Some(PIN))
        .ok();
    assert_eq!(op["channel"], "remote_order");
    assert_eq!(op["order_id"], id.as_str());
    assert_eq!(shop.show_order(&server, &id)["status"], "paid");
    d.run(&["orders", "confirm", &id, "--pin-stdin"], Some(PIN))
        .err("ORDER_ALREADY_PAID");
    assert_eq!(balance(&d), 100_000 - 8_800);
    server.ledger_check();

    let order = shop.order(&server, "20", Some(&phone), None);
    let id = order["order_id"].as_str().unwrap().to_owned();
    assert_eq!(
        d.run(&["orders", "decline", &id], None).ok()["status"],
        "declined"
    );
    assert_eq!(shop.show_order(&server, &id)["status"], "declined");
    assert_eq!(balance(&d), 91_200);
    server.ledger_check();

    let order = shop.order(&server, "30", Some(&phone), Some("1"));
    let id = order["order_id"].as_str().unwrap().to_owned();
    std::thread::sleep(Duration::from_millis(2_100));
    d.run(&["orders", "confirm", &id, "--pin-stdin"], Some(PIN))
        .err("ORDER_EXPIRED");
    let list = d.run(&["orders"], None).ok();
    assert!(
        !list["orders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|o| o["order_id"] == id.as_str() && o["status"] == "open"),
        "{list}"
    );
    assert_eq!(balance(&d), 91_200);
    server.ledger_check();

    // A phone number without an account gets no order.
    server
        .merchant_tool(&[
            "order",
            "--merchant",
            &shop.id,
            "--api-key",
            &shop.api_key,
            "--amount",
            "1",
            "--phone",
            &fresh_phone(),
        ])
        .err("PAYER_NOT_FOUND");
}

#[test]
fn refunds_partial_and_full_go_back_to_the_balance() {
    let server = Server::start();
    let (d, _) = customer(&server, "100");
    let shop = server.merchant("Book Store", "Hangzhou", "5942");
    let paid = d
        .run(
            &["pay", &shop.payload, "--amount", "40", "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    let order_id = paid["order_id"].as_str().unwrap().to_owned();
    assert_eq!(balance(&d), 6_000);

    let partial = shop.refund(&server, &order_id, Some("15")).ok();
    assert_eq!(minor(&partial["refunded"]), 1_500);
    assert_eq!(partial["status"], "paid");
    assert_eq!(balance(&d), 7_500);
    server.ledger_check();
    shop.refund(&server, &order_id, Some("25.01"))
        .err("REFUND_NOT_ALLOWED");
    let full = shop.refund(&server, &order_id, None).ok();
    assert_eq!(full["status"], "refunded");
    assert_eq!(minor(&full["refunded"]), 4_000);
    assert_eq!(balance(&d), 10_000);
    server.ledger_check();
    shop.refund(&server, &order_id, None)
        .err("REFUND_NOT_ALLOWED");

    let b = d.run(&["balance"], None).ok();
    let refunds: Vec<&Value> = b["operations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["kind"] == "refund")
        .collect();
    assert_eq!(refunds.len(), 2, "{b}");
    assert!(refunds.iter().all(|o| o["merchant_name"] == "Book Store"));
    let (_, text, _) = d.run_human(&["balance"], None);
    assert!(
        has_row(&text, &["Refund", "+¥15.00", "Book Store"]),
        "{text}"
    );
    server.ledger_check();
}
