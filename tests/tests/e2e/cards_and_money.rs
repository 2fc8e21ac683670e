//! Issue 3 through the real CLI and the real server: the payment PIN and its rules, binding
//! the sandbox bank's test cards, top-up, withdrawal and the balance, every sandbox outcome, the
//! PIN lock and its reset, idempotency keys (also from two processes at once), and that a full
//! card number is never kept by the server, the client or any log.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::time::{Duration, Instant};

use serde_json::Value;
use wallet_core::{KeyringSecretStore, SecretStore};
use wallet_e2e::*;

const PIN: &str = "135792";

/// A server whose reconciler asks the bank about unanswered transfers every second.
fn server() -> Server {
    Server::start_with(&[
        "--otp-min-interval-secs",
        "0",
        "--reconcile-interval-secs",
        "1",
    ])
}

/// A signed-up device with a payment PIN.
fn customer(server: &Server) -> (Device, String) {
    let d = Device::new(server, "phone");
    let phone = fresh_phone();
    d.signup(server, &phone);
    d.set_pin(PIN);
    (d, phone)
}

fn minor(v: &Value) -> i64 {
    assert_eq!(v["currency"], "CNY", "{v}");
    v["minor"].as_i64().unwrap()
}

fn balance(d: &Device) -> i64 {
    let b = d.run(&["balance"], None).ok();
    assert_eq!(b["stale"], false, "{b}");
    minor(&b["balance"])
}

#[test]
fn pin_first_then_bind_top_up_withdraw_and_balance() {
    let server = server();
    let d = Device::new(&server, "phone");
    d.signup(&server, &fresh_phone());
    let number = test_card("CMB", "debit", "approve");

    // The card is what `card inspect` says it is, offline.
    let inspected = d.run(&["card", "inspect", &number], None).ok();
    assert_eq!(inspected["bank"], "CMB");
    assert_eq!(inspected["card_type"], "debit");
    assert_eq!(inspected["scheme"], "unionpay");

    // No PIN yet: binding is refused before the bank sees anything.
    assert_eq!(d.run(&["pin", "status"], None).ok()["set"], false);
    d.run(
        &[
            "card",
            "bind",
            "--number",
            &number,
            "--bank-phone",
            &fresh_phone(),
        ],
        None,
    )
    .err("PIN_NOT_SET");
    d.set_pin(PIN);
    d.run(&["pin", "set", "--pin-stdin"], Some("246813"))
        .err("PIN_ALREADY_SET");
    let status = d.run(&["pin", "status"], None).ok();
    assert_eq!(
        status,
        serde_json::json!({"set": true, "locked_until": null})
    );

    // Bind: the bank's code goes to the phone reserved at the bank.
    let bank_phone = fresh_phone();
    let pending = d
        .run(
            &[
                "card",
                "bind",
                "--number",
                &number,
                "--bank-phone",
                &bank_phone,
            ],
            None,
        )
        .ok();
    assert_eq!(pending["bank"], "CMB");
    assert_eq!(pending["last4"], number[number.len() - 4..]);
    let masked = pending["phone_masked"].as_str().unwrap();
    assert!(masked.contains("****"), "{masked}");
    d.run(&["card", "verify", "--code", "000000"], None)
        .err("OTP_INVALID");
    let card = d
        .run(
            &["card", "verify", "--code", &server.otp(&bank_phone)],
            None,
        )
        .ok();
    assert_eq!(card["status"], "active");
    assert_eq!(card["is_default"], true, "the first card is the default");
    let card_id = card["card_id"].as_str().unwrap().to_owned();
    // The same card again is refused (the bank's token shows it once the bank has answered).
    let again_phone = fresh_phone();
    let again = d.run(
        &[
            "card",
            "bind",
            "--number",
            &number,
            "--bank-phone",
            &again_phone,
        ],
        None,
    );
    if again.code == 0 {
        d.run(
            &["card", "verify", "--code", &server.otp(&again_phone)],
            None,
        )
        .err("CARD_ALREADY_BOUND");
        // The finished binding is forgotten locally.
        d.run(&["card", "verify", "--code", "123456"], None)
            .err("BINDING_NOT_FOUND");
    } else {
        again.err("CARD_ALREADY_BOUND");
    }
    let list = d.run(&["card", "list"], None).ok();
    assert_eq!(list["cards"].as_array().unwrap().len(), 1);
    assert_eq!(list["cards"][0], card);

    // Top up ¥100.00, withdraw ¥30.00: the fee shows, the balance is ¥70.00.
    let top_up = d.run(&["topup", "100.00", "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(top_up["kind"], "topup");
    assert_eq!(top_up["status"], "succeeded");
    assert_eq!(minor(&top_up["amount"]), 10_000);
    assert_eq!(top_up["card_id"], card_id.as_str());
    assert_eq!(top_up["failure_code"], Value::Null);
    let withdrawal = d.run(&["withdraw", "30.00", "--pin-stdin"], Some(PIN)).ok();
    assert_eq!(withdrawal["kind"], "withdrawal");
    assert_eq!(withdrawal["status"], "succeeded");
    assert_eq!(minor(&withdrawal["amount"]), 3_000);
    assert!(minor(&withdrawal["fee"]) > 0, "{withdrawal}");
    let b = d.run(&["balance"], None).ok();
    assert_eq!(minor(&b["balance"]), 7_000);
    assert_eq!(b["stale"], false);
    let ops = b["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 2, "{b}");
    assert!(ops
        .iter()
        .any(|o| o["operation_id"] == top_up["operation_id"]));
    assert!(ops
        .iter()
        .any(|o| o["operation_id"] == withdrawal["operation_id"]));
    for field in [
        "topup_per_payment",
        "topup_daily_remaining",
        "withdraw_per_payment",
        "withdraw_daily_remaining",
    ] {
        assert!(minor(&b["limits"][field]) > 0, "{field}: {b}");
    }
    assert_eq!(
        minor(&b["limits"]["topup_daily_remaining"]),
        minor(&b["limits"]["topup_per_payment"]) * 2 - 10_000,
        "today's top-ups count against the day's limit: {b}"
    );

    // Humans read yuan and the bank's name.
    let human = std::process::Command::new(bin_dir().join("wallet"))
        .args(["--server", &server.url, "--home"])
        .arg(d.home.path())
        .args(["--lang", "zh-CN", "balance"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(text.contains("¥70.00"), "{text}");
    assert!(text.contains("招商银行"), "{text}");
    let human = std::process::Command::new(bin_dir().join("wallet"))
        .args(["--server", &server.url, "--home"])
        .arg(d.home.path())
        .args(["--lang", "zh-CN", "card", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8(human.stdout).unwrap();
    assert!(
        text.contains(&format!(
            "招商银行 储蓄卡 ({})",
            &number[number.len() - 4..]
        )),
        "{text}"
    );

    // Limits and the balance are checked by the server.
    d.run(&["topup", "50000.01", "--pin-stdin"], Some(PIN))
        .err("AMOUNT_OVER_LIMIT");
    d.run(&["withdraw", "70.01", "--pin-stdin"], Some(PIN))
        .err("BALANCE_INSUFFICIENT");
    d.run(
        &["withdraw", "10", "--card", "card_nope", "--pin-stdin"],
        Some(PIN),
    )
    .err("CARD_NOT_FOUND");

    // A credit card: top-ups yes, withdrawals no.
    let credit = d.bind_card(&server, &test_card("CMB", "credit", "approve"));
    let credit_id = credit["card_id"].as_str().unwrap().to_owned();
    assert_eq!(credit["is_default"], false);
    d.run(
        &["withdraw", "10", "--card", &credit_id, "--pin-stdin"],
        Some(PIN),
    )
    .err("CARD_NOT_DEBIT");
    let t = d
        .run(
            &["topup", "5", "--card", &credit_id, "--pin-stdin"],
            Some(PIN),
        )
        .ok();
    assert_eq!(t["card_id"], credit_id.as_str());
    assert_eq!(balance(&d), 7_500);

    // Default, report lost (suspended at once), unbind with the PIN.
    let made_default = d.run(&["card", "default", &credit_id], None).ok();
    assert_eq!(made_default["is_default"], true);
    let list = d.run(&["card", "list"], None).ok();
    assert_eq!(list["cards"][0]["card_id"], credit_id.as_str());
    assert_eq!(list["cards"][1]["is_default"], false);
    let lost = d.run(&["card", "report-lost", &credit_id], None).ok();
    assert_eq!(lost["status"], "suspended");
    d.run(
        &["topup", "5", "--card", &credit_id, "--pin-stdin"],
        Some(PIN),
    )
    .err("CARD_SUSPENDED");
    d.run(
        &["card", "unbind", &credit_id, "--pin-stdin"],
        Some("246813"),
    )
    .err("PIN_WRONG");
    assert_eq!(
        d.run(&["card", "unbind", &credit_id, "--pin-stdin"], Some(PIN))
            .ok()["unbound"],
        credit_id.as_str()
    );
    let list = d.run(&["card", "list"], None).ok();
    let cards = list["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 1, "{list}");
    assert_eq!(cards[0]["card_id"], card_id.as_str());
    d.run(&["card", "default", &credit_id], None)
        .err("CARD_NOT_FOUND");

    // The server goes away: the balance is the last confirmed one, marked stale; card actions
    // need the server.
    let expected = balance(&d);
    let mut server = server;
    server.kill();
    let offline = d.run(&["balance"], None).ok();
    assert_eq!(offline["stale"], true, "{offline}");
    assert_eq!(minor(&offline["balance"]), expected);
    assert!(!offline["operations"].as_array().unwrap().is_empty());
    d.run(&["card", "list"], None).err("NETWORK");
    let err = d
        .run(
            &[
                "topup",
                "1",
                "--idempotency-key",
                "offline-key-01",
                "--pin-stdin",
            ],
            Some(PIN),
        )
        .err("NETWORK");
    assert!(
        err["message"].as_str().unwrap().contains("offline-key-01"),
        "names the key to retry with: {err}"
    );
}

#[test]
fn every_sandbox_outcome_through_the_cli() {
    let server = server();
    let (d, _) = customer(&server);

    // Refused at binding: the bank says lost, or the holder is someone else.
    for (outcome, code) in [
        ("card_lost", "CARD_REPORTED_LOST"),
        ("holder_mismatch", "CARD_HOLDER_MISMATCH"),
    ] {
        d.run(
            &[
                "card",
                "bind",
                "--number",
                &test_card("ICBC", "debit", outcome),
                "--bank-phone",
                &fresh_phone(),
            ],
            None,
        )
        .err(code);
    }
    assert!(d.run(&["card", "list"], None).ok()["cards"]
        .as_array()
        .unwrap()
        .is_empty());

    // Bind, then a failed payment is an operation: exit 1 with its failure code and the
    // operation in `error`.
    for (outcome, code) in [
        ("decline", "CARD_DECLINED"),
        ("insufficient_funds", "BANK_INSUFFICIENT_FUNDS"),
    ] {
        let card = d.bind_card(&server, &test_card("ICBC", "debit", outcome));
        let id = card["card_id"].as_str().unwrap();
        let err = d
            .run(&["topup", "20", "--card", id, "--pin-stdin"], Some(PIN))
            .err(code);
        let op = &err["operation"];
        assert_eq!(op["status"], "failed", "{err}");
        assert_eq!(op["failure_code"], code);
        assert_eq!(op["card_id"], id);
        assert_eq!(minor(&op["amount"]), 2_000);
    }
    assert_eq!(balance(&d), 0, "failed top-ups move nothing");

    // Timeout: pending now, resolved later (the reconciler asks the bank again); `balance`
    // shows the outcome.
    let card = d.bind_card(&server, &test_card("ICBC", "debit", "timeout"));
    let id = card["card_id"].as_str().unwrap();
    let op = d
        .run(&["topup", "20", "--card", id, "--pin-stdin"], Some(PIN))
        .ok();
    assert_eq!(op["status"], "pending", "{op}");
    let op_id = op["operation_id"].as_str().unwrap().to_owned();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let b = d.run(&["balance"], None).ok();
        let listed = b["operations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["operation_id"] == op_id.as_str())
            .cloned()
            .expect("the pending top-up is listed");
        if listed["status"] == "succeeded" {
            assert_eq!(minor(&b["balance"]), 2_000, "{b}");
            break;
        }
        assert_eq!(listed["status"], "pending", "{listed}");
        assert_eq!(
            minor(&b["balance"]),
            0,
            "pending money is not in the balance yet"
        );
        assert!(
            Instant::now() < deadline,
            "the pending top-up never resolved"
        );
        std::thread::sleep(Duration::from_millis(500));
    }

    // Withdrawals to the insufficient-funds card work (it only lacks money to give).
    let insufficient = d.run(&["card", "list"], None).ok()["cards"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["last4"] == test_card("ICBC", "debit", "insufficient_funds")[15..])
        .cloned()
        .unwrap();
    let w = d
        .run(
            &[
                "withdraw",
                "10",
                "--card",
                insufficient["card_id"].as_str().unwrap(),
                "--pin-stdin",
            ],
            Some(PIN),
        )
        .ok();
    assert_eq!(w["status"], "succeeded", "{w}");
    assert_eq!(balance(&d), 1_000);
}

#[test]
fn weak_pins_are_refused_with_the_rule() {
    let server = server();
    let d = Device::new(&server, "phone");
    let phone = fresh_phone();
    d.signup(&server, &phone);
    // ID 11010519491231002X: born 1949-12-31.
    for (pin, rule) in [
        ("777777", "same digit"),
        ("345678", "run"),
        ("987654", "run"),
        ("491231", "birth"),
        ("123149", "birth"),
        (&phone[5..11], "phone"),
        ("051949", "ID number"),
        ("123123", "common"),
        ("520520", "common"),
    ] {
        let err = d
            .run(&["pin", "set", "--pin-stdin"], Some(pin))
            .err("PIN_WEAK");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(rule), "{pin}: {message}");
        assert!(!message.contains(pin), "the PIN is never echoed: {message}");
    }
    d.run(&["pin", "set", "--pin-stdin"], Some("13579"))
        .err("PIN_FORMAT_INVALID");
    assert_eq!(d.run(&["pin", "status"], None).ok()["set"], false);
    d.set_pin(PIN);
    // Changing to a weak PIN is refused the same way.
    d.run(
        &["pin", "change", "--pin-stdin"],
        Some(&format!("{PIN}\n111111")),
    )
    .err("PIN_WEAK");
    assert_eq!(
        d.run(
            &["pin", "change", "--pin-stdin"],
            Some(&format!("{PIN}\n246813"))
        )
        .ok()["pin_changed"],
        true
    );
    d.run(
        &["pin", "change", "--pin-stdin"],
        Some(&format!("{PIN}\n864213")),
    )
    .err("PIN_WRONG");
}

#[test]
fn five_wrong_pins_lock_and_a_reset_with_password_and_otp_unlocks() {
    let server = server();
    let (d, phone) = customer(&server);
    let card = d.bind_card(&server, &test_card("BOC", "debit", "approve"));
    assert_eq!(card["status"], "active");
    d.run(&["topup", "50", "--pin-stdin"], Some(PIN)).ok();

    let mut last = None;
    for attempt in 1..=5 {
        let r = d.run(&["withdraw", "10", "--pin-stdin"], Some("246813"));
        assert_eq!(r.code, 1, "{r:?}");
        let code = r.json["error"]["code"].as_str().unwrap().to_owned();
        if attempt < 5 {
            assert_eq!(code, "PIN_WRONG", "attempt {attempt}: {r:?}");
            let message = r.json["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("{} tries left", 5 - attempt))
                    || message.contains(&format!("{} try left", 5 - attempt)),
                "attempt {attempt}: {message}"
            );
        }
        last = Some(r);
    }
    let last = last.unwrap();
    assert!(
        last.json["error"]["code"] == "PIN_LOCKED" || last.json["error"]["code"] == "PIN_WRONG",
        "{last:?}"
    );
    // Now even the right PIN is refused, with how long to wait.
    let locked = d
        .run(&["withdraw", "10", "--pin-stdin"], Some(PIN))
        .err("PIN_LOCKED");
    let retry = locked["retry_after_secs"].as_u64().unwrap();
    assert!(retry > 3 * 3600 - 120 && retry <= 3 * 3600, "{locked}");
    let status = d.run(&["pin", "status"], None).ok();
    assert!(status["locked_until"].is_string(), "{status}");
    d.run(
        &["pin", "change", "--pin-stdin"],
        Some(&format!("{PIN}\n246813")),
    )
    .err("PIN_LOCKED");
    assert_eq!(balance(&d), 5_000, "no money left while locked");

    // Reset: the login password (a wrong one is refused), then the SMS code and a new PIN.
    d.run(
        &["pin", "reset", "--password-stdin"],
        Some("not-the-password-1"),
    )
    .err("CREDENTIALS_INVALID");
    let pending = d
        .run(&["pin", "reset", "--password-stdin"], Some(PASSWORD))
        .ok();
    assert_eq!(pending["purpose"], "pin_reset");
    assert_eq!(pending["status"], "pending_verification");
    d.run(
        &["pin", "reset", "--code", "000000", "--pin-stdin"],
        Some("246813"),
    )
    .err("OTP_INVALID");
    d.run(
        &["pin", "reset", "--code", &server.otp(&phone), "--pin-stdin"],
        Some("111111"),
    )
    .err("PIN_WEAK");
    let done = d
        .run(
            &["pin", "reset", "--code", &server.otp(&phone), "--pin-stdin"],
            Some("246813"),
        )
        .ok();
    assert_eq!(done["pin_reset"], true);
    let status = d.run(&["pin", "status"], None).ok();
    assert_eq!(
        status,
        serde_json::json!({"set": true, "locked_until": null})
    );
    d.run(&["withdraw", "10", "--pin-stdin"], Some(PIN))
        .err("PIN_WRONG");
    let w = d
        .run(&["withdraw", "10", "--pin-stdin"], Some("246813"))
        .ok();
    assert_eq!(w["status"], "succeeded");
    assert_eq!(balance(&d), 4_000);
}

#[test]
fn the_same_idempotency_key_moves_money_once() {
    let server = server();
    let (d, phone) = customer(&server);
    d.bind_card(&server, &test_card("CCB", "debit", "approve"));

    let first = d
        .run(
            &[
                "topup",
                "10",
                "--idempotency-key",
                "tester-key-0001",
                "--pin-stdin",
            ],
            Some(PIN),
        )
        .ok();
    let again = d
        .run(
            &[
                "topup",
                "10",
                "--idempotency-key",
                "tester-key-0001",
                "--pin-stdin",
            ],
            Some(PIN),
        )
        .ok();
    assert_eq!(first["operation_id"], again["operation_id"]);
    assert_eq!(again["status"], "succeeded");
    d.run(
        &[
            "topup",
            "11",
            "--idempotency-key",
            "tester-key-0001",
            "--pin-stdin",
        ],
        Some(PIN),
    )
    .err("IDEMPOTENCY_KEY_REUSED");
    d.run(
        &["topup", "10", "--idempotency-key", "bad key", "--pin-stdin"],
        Some(PIN),
    )
    .err("IDEMPOTENCY_KEY_MISSING");
    assert_eq!(balance(&d), 1_000);
    let w1 = d
        .run(
            &[
                "withdraw",
                "3",
                "--pin-stdin",
                "--idempotency-key",
                "tester-w-0001",
            ],
            Some(PIN),
        )
        .ok();
    let w2 = d
        .run(
            &[
                "withdraw",
                "3",
                "--pin-stdin",
                "--idempotency-key",
                "tester-w-0001",
            ],
            Some(PIN),
        )
        .ok();
    assert_eq!(w1["operation_id"], w2["operation_id"]);
    assert_eq!(balance(&d), 700);
    // Without a key every call is its own payment.
    let a = d.run(&["topup", "1", "--pin-stdin"], Some(PIN)).ok();
    let b = d.run(&["topup", "1", "--pin-stdin"], Some(PIN)).ok();
    assert_ne!(a["operation_id"], b["operation_id"]);
    assert_eq!(balance(&d), 900);

    // Two processes at the same time with one key: one profile, and two devices of the account.
    let laptop = Device::new(&server, "laptop");
    laptop.login(&server, &phone);
    for (key, other) in [("tester-race-0001", &d), ("tester-race-0002", &laptop)] {
        let (x, y) = std::thread::scope(|s| {
            let x = s.spawn(|| {
                d.run(
                    &["topup", "7", "--idempotency-key", key, "--pin-stdin"],
                    Some(PIN),
                )
            });
            let y = s.spawn(|| {
                other.run(
                    &["topup", "7", "--idempotency-key", key, "--pin-stdin"],
                    Some(PIN),
                )
            });
            (x.join().unwrap(), y.join().unwrap())
        });
        let (x, y) = (x.ok(), y.ok());
        assert_eq!(x["operation_id"], y["operation_id"], "{x} {y}");
    }
    // Both settle as one movement each.
    let deadline = Instant::now() + Duration::from_secs(30);
    while balance(&d) != 2_300 {
        assert!(Instant::now() < deadline, "balance {}", balance(&d));
        std::thread::sleep(Duration::from_millis(300));
    }
    assert_eq!(balance(&laptop), 2_300);
}

#[test]
fn a_card_number_is_never_kept_by_the_server_the_client_or_a_log() {
    let server = Server::start_logged(&["--otp-min-interval-secs", "0"]);
    let (d, _) = customer(&server);
    let number = test_card("PSBC", "debit", "approve");
    let bank_phone = fresh_phone();
    let bind = d.run_with_env(
        &[
            "card",
            "bind",
            "--number",
            &number,
            "--bank-phone",
            &bank_phone,
        ],
        None,
        &[("WALLET_LOG", "debug")],
    );
    assert!(
        !bind.stderr.contains(&number),
        "client log: {}",
        bind.stderr
    );
    assert!(!bind.json.to_string().contains(&number));
    let bind = bind.ok();
    assert_eq!(bind["bank"], "PSBC");
    let verify = d.run_with_env(
        &["card", "verify", "--code", &server.otp(&bank_phone)],
        None,
        &[("WALLET_LOG", "debug")],
    );
    assert!(!verify.stderr.contains(&number));
    let card = verify.ok();
    d.run(&["topup", "12.30", "--pin-stdin"], Some(PIN)).ok();
    d.run(&["card", "list"], None).ok();
    d.run(&["withdraw", "1", "--pin-stdin"], Some(PIN)).ok();
    let last4 = &number[number.len() - 4..];
    assert_eq!(card["last4"], last4);

    // The server's database files, byte for byte (the bank's token, not the number).
    let db = server.db_bytes();
    for needle in [number.as_bytes(), &number.as_bytes()[..12]] {
        assert!(
            !db.windows(needle.len()).any(|w| w == needle),
            "the server database holds {}",
            String::from_utf8_lossy(needle)
        );
    }

    // Everything the server logged at debug level.
    let log = server.log();
    assert!(!log.is_empty(), "the server logged something");
    assert!(
        !log.contains(&number),
        "the server log holds the card number"
    );
    assert!(!log.contains(PIN), "the server log holds the PIN");

    // The client database, decrypted with its key from the Secret Service.
    let id = std::fs::read_to_string(d.home.path().join("profile.id")).unwrap();
    let key = KeyringSecretStore::new()
        .get(&format!("store-key:{}", id.trim()))
        .unwrap()
        .expect("the store key");
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    let conn = rusqlite::Connection::open(d.db_path()).unwrap();
    conn.execute_batch(&format!("PRAGMA key = \"x'{hex}'\";"))
        .unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(tables.iter().any(|t| t == "cards"), "{tables:?}");
    let mut dump = String::new();
    for t in &tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                let v: rusqlite::types::Value = row.get(i).unwrap();
                dump.push_str(&format!("{t}:{v:?}|"));
            }
        }
    }
    assert!(
        dump.contains(&format!("cards:Text(\"{last4}\")")),
        "the masked card is cached: {dump}"
    );
    assert!(
        !dump.contains(&number),
        "the client database holds the card number"
    );
    assert!(!dump.contains(&number[..12]));
    assert!(!dump.contains(PIN), "the client database holds the PIN");
    assert!(!dump.contains(PASSWORD));
    // And nothing readable in the files themselves.
    for f in d.files() {
        let bytes = std::fs::read(&f).unwrap();
        assert!(
            !bytes.windows(number.len()).any(|w| w == number.as_bytes()),
            "{}",
            f.display()
        );
    }
}
