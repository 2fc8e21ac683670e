//! The `wallet` binary's contract for scripts: flags, JSON shapes, exit codes, stdin secrets.
//! These cases never reach a server or the secret store (validation and state checks come
//! first); the end-to-end suite drives the binary against a real server.

#![allow(clippy::unwrap_used, reason = "test helpers should stop loudly")]

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

fn wallet(home: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wallet"))
        .args(args)
        .env("WALLET_HOME", home)
        .env("WALLET_SERVER", "http://127.0.0.1:9")
        .env_remove("WALLET_LANG")
        .env("LANG", "C")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that refuses its input before reading stdin exits first: the closed pipe is
    // its answer, not the test's failure.
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

/// A failure (exit 1) with --json: the `error` object of the one JSON object on stdout.
fn json_error(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    one_error_object(out)
}

/// A command line that does not parse, with --json: exit 2 (as without --json) and one JSON
/// object whose error is MALFORMED_REQUEST with clap's message.
fn json_usage_error(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = one_error_object(out);
    assert_eq!(err["code"], "MALFORMED_REQUEST", "{out:?}");
    assert!(
        err["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{out:?}"
    );
    err
}

fn one_error_object(out: &Output) -> serde_json::Value {
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(
        stdout.lines().count(),
        1,
        "exactly one JSON object: {stdout}"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    v["error"].clone()
}

#[test]
fn not_signed_in_is_a_json_error() {
    let home = tempfile::tempdir().unwrap();
    for cmd in [
        &["whoami"][..],
        &["devices"],
        &["devices", "revoke", "dev_1"],
        &["logout"],
    ] {
        let mut args = vec!["--json"];
        args.extend_from_slice(cmd);
        let err = json_error(&wallet(home.path(), &args, ""));
        assert_eq!(err["code"], "NOT_SIGNED_IN", "{cmd:?}");
        assert!(err["message"].is_string());
    }
    let err = json_error(&wallet(
        home.path(),
        &["verify", "--code", "123456", "--json"],
        "",
    ));
    assert_eq!(err["code"], "NO_PENDING_VERIFICATION");
    // Nothing was created on disk by refused commands.
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn signup_validation_codes() {
    let home = tempfile::tempdir().unwrap();
    let base = ["--json", "signup", "--name", "李明", "--password-stdin"];
    let cases = [
        (
            ["--phone", "12345", "--id-number", "11010519491231002X"],
            "correct-Horse-battery-staple-93\n",
            "PHONE_INVALID",
        ),
        (
            [
                "--phone",
                "13812345678",
                "--id-number",
                "110105194912310021",
            ],
            "correct-Horse-battery-staple-93\n",
            "ID_NUMBER_INVALID",
        ),
        (
            [
                "--phone",
                "13812345678",
                "--id-number",
                "11010519491231002X",
            ],
            "password1\n",
            "PASSWORD_WEAK",
        ),
    ];
    for (extra, stdin, code) in cases {
        let mut args = base.to_vec();
        args.extend_from_slice(&extra);
        let out = wallet(home.path(), &args, stdin);
        assert_eq!(json_error(&out)["code"], code);
        // JSON mode: nothing for humans on stderr, and never the password anywhere.
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            !all.contains("password1") && !all.contains("battery"),
            "{all}"
        );
    }
    let err = json_error(&wallet(
        home.path(),
        &["--json", "verify", "--code", "12a456"],
        "",
    ));
    assert_eq!(err["code"], "OTP_FORMAT_INVALID");
}

#[test]
fn weak_password_warns_humans_with_feedback() {
    let home = tempfile::tempdir().unwrap();
    let out = wallet(
        home.path(),
        &[
            "signup",
            "--phone",
            "13812345678",
            "--name",
            "李明",
            "--id-number",
            "11010519491231002X",
            "--password-stdin",
        ],
        "password1\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("warning: this password is too weak"),
        "{stderr}"
    );
    assert!(stderr.contains("PASSWORD_WEAK"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn password_comes_from_stdin_only() {
    let home = tempfile::tempdir().unwrap();
    // Without --password-stdin the command is refused by the parser.
    let out = wallet(home.path(), &["login", "--phone", "13812345678"], "");
    assert_eq!(out.status.code(), Some(2));
    let err = json_usage_error(&wallet(
        home.path(),
        &["--json", "login", "--phone", "13812345678"],
        "",
    ));
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("--password-stdin"),
        "{err}"
    );
    assert_eq!(
        err["usage"].as_str().map(|u| u.starts_with("wallet login")),
        Some(true),
        "{err}"
    );
    // An empty stdin is not a password.
    let err = json_error(&wallet(
        home.path(),
        &[
            "--json",
            "login",
            "--phone",
            "13812345678",
            "--password-stdin",
        ],
        "",
    ));
    assert_eq!(err["code"], "MALFORMED_REQUEST");
}

#[test]
fn insecure_server_and_unreachable_server() {
    let home = tempfile::tempdir().unwrap();
    let err = json_error(&wallet(
        home.path(),
        &["--json", "--server", "http://wallet.example", "whoami"],
        "",
    ));
    assert_eq!(err["code"], "INSECURE_SERVER_URL");
    // Port 9 on loopback: nothing listens. Login reaches the network only after validation.
    let out = wallet(
        home.path(),
        &[
            "--json",
            "login",
            "--phone",
            "13812345678",
            "--password-stdin",
        ],
        "whatever\n",
    );
    let err = json_error(&out);
    // The secret store is consulted first (the profile database is created before any SMS);
    // where none is reachable that is the error, otherwise the network one.
    assert!(
        err["code"] == "NETWORK" || err["code"] == "SECRET_STORE_UNAVAILABLE",
        "{err}"
    );
}

#[test]
fn languages() {
    let home = tempfile::tempdir().unwrap();
    let out = wallet(home.path(), &["--lang", "zh-CN", "whoami"], "");
    assert!(String::from_utf8(out.stderr).unwrap().contains("尚未登录"));
    let out = wallet(home.path(), &["--lang", "zh-TW", "whoami"], "");
    assert!(String::from_utf8(out.stderr).unwrap().contains("尚未登入"));
    let out = wallet(home.path(), &["whoami"], "");
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("You are not signed in"));
}

// --- cards, PIN and money (offline parts) ---------------------------------------------------

fn json_ok(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

/// Runs with a server URL the CLI would refuse and a home that does not exist: whatever works
/// here needs neither.
fn offline(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let missing = home.path().join("never-created");
    let mut child = Command::new(env!("CARGO_BIN_EXE_wallet"))
        .args(args)
        .env("WALLET_HOME", &missing)
        .env("WALLET_SERVER", "http://wallet.example")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("LANG", "C")
        .env_remove("WALLET_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take();
    let out = child.wait_with_output().unwrap();
    assert!(!missing.exists(), "inspect created the profile directory");
    out
}

#[test]
fn card_inspect_is_offline_with_the_documented_json_shape() {
    let cases = [
        // UnionPay debit of China Merchants Bank (BIN 621483).
        (
            "6214 8300 0000 0009",
            serde_json::json!({"luhn_valid": true, "length_valid": true, "scheme": "unionpay",
                               "bank": "CMB", "card_type": "debit"}),
        ),
        (
            "4111111111111111",
            serde_json::json!({"luhn_valid": true, "length_valid": true, "scheme": "visa",
                               "bank": null, "card_type": null}),
        ),
        // One digit off: Luhn fails, still Visa and still 16 digits.
        (
            "4111111111111112",
            serde_json::json!({"luhn_valid": false, "length_valid": true, "scheme": "visa",
                               "bank": null, "card_type": null}),
        ),
        (
            "not a card",
            serde_json::json!({"luhn_valid": false, "length_valid": false, "scheme": null,
                               "bank": null, "card_type": null}),
        ),
    ];
    for (number, expected) in cases {
        let v = json_ok(&offline(&["--json", "card", "inspect", number]));
        assert_eq!(v, expected, "{number}");
        let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
        assert_eq!(keys.len(), 5, "{keys:?}");
    }
    // An invalid number is an answer, not an error, for humans too.
    let out = offline(&["card", "inspect", "4111111111111112"]);
    assert_eq!(out.status.code(), Some(0));
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(line.contains("Not a valid card number"), "{line}");
    let out = offline(&["--lang", "zh-CN", "card", "inspect", "6214830000000009"]);
    let line = String::from_utf8(out.stdout).unwrap();
    assert!(
        line.contains("招商银行") && line.contains("储蓄卡"),
        "{line}"
    );
}

#[test]
fn amounts_are_checked_before_anything_else() {
    let home = tempfile::tempdir().unwrap();
    for bad in ["12.345", "-1", "1e3", "", "0", "abc", "1,23"] {
        let err = json_error(&wallet(
            home.path(),
            &["--json", "topup", bad, "--pin-stdin"],
            "135792\n",
        ));
        assert_eq!(err["code"], "AMOUNT_INVALID", "{bad:?}");
        assert!(err["message"].as_str().unwrap().len() > "AMOUNT_INVALID".len());
    }
    let err = json_error(&wallet(
        home.path(),
        &["--json", "withdraw", "12.345", "--pin-stdin"],
        "135792\n",
    ));
    assert_eq!(err["code"], "AMOUNT_INVALID");
    let err = json_error(&wallet(
        home.path(),
        &[
            "--json",
            "topup",
            "10",
            "--pin-stdin",
            "--idempotency-key",
            "no spaces!",
        ],
        "135792\n",
    ));
    assert_eq!(err["code"], "IDEMPOTENCY_KEY_MISSING");
    let err = json_error(&wallet(
        home.path(),
        &[
            "--json",
            "topup",
            "10",
            "--card",
            "../../etc",
            "--pin-stdin",
        ],
        "135792\n",
    ));
    assert_eq!(err["code"], "CARD_NOT_FOUND");
    // A good request gets as far as the missing sign-in.
    let err = json_error(&wallet(
        home.path(),
        &[
            "--json",
            "topup",
            "¥1,000.50",
            "--pin-stdin",
            "--idempotency-key",
            "tester-key-0001",
        ],
        "135792\n",
    ));
    assert_eq!(err["code"], "NOT_SIGNED_IN");
    for cmd in [&["balance"][..], &["card", "list"], &["pin", "status"]] {
        let mut args = vec!["--json"];
        args.extend_from_slice(cmd);
        assert_eq!(
            json_error(&wallet(home.path(), &args, ""))["code"],
            "NOT_SIGNED_IN",
            "{cmd:?}"
        );
    }
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn pin_rules_are_checked_before_anything_else() {
    let home = tempfile::tempdir().unwrap();
    let set = |stdin: &str| {
        json_error(&wallet(
            home.path(),
            &["--json", "pin", "set", "--pin-stdin"],
            stdin,
        ))
    };
    for (pin, code, rule) in [
        ("111111\n", "PIN_WEAK", "same digit"),
        ("123456\n", "PIN_WEAK", "run"),
        ("654321\n", "PIN_WEAK", "run"),
        ("123123\n", "PIN_WEAK", "common"),
        ("12345\n", "PIN_FORMAT_INVALID", "6 digits"),
        ("１２３４５６\n", "PIN_FORMAT_INVALID", "6 digits"),
    ] {
        let err = set(pin);
        assert_eq!(err["code"], code, "{pin:?}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(rule), "{pin:?}: {message}");
        assert!(
            !message.contains(pin.trim()),
            "the PIN is never echoed: {message}"
        );
    }
    assert_eq!(set("")["code"], "MALFORMED_REQUEST");
    // `pin change`: two lines, the current PIN then the new one.
    let change = |stdin: &str| {
        json_error(&wallet(
            home.path(),
            &["--json", "pin", "change", "--pin-stdin"],
            stdin,
        ))
    };
    assert_eq!(change("135792\n")["code"], "MALFORMED_REQUEST");
    assert_eq!(change("135792\n000000\n")["code"], "PIN_WEAK");
    assert_eq!(change("1357\n246802\n")["code"], "PIN_FORMAT_INVALID");
    assert_eq!(change("135792\n246802\n")["code"], "NOT_SIGNED_IN");
    let err = json_error(&wallet(
        home.path(),
        &["--json", "withdraw", "10", "--pin-stdin"],
        "12345\n",
    ));
    assert_eq!(err["code"], "PIN_FORMAT_INVALID");
    let err = json_error(&wallet(
        home.path(),
        &["--json", "pin", "reset", "--code", "12a456", "--pin-stdin"],
        "135792\n",
    ));
    assert_eq!(err["code"], "OTP_FORMAT_INVALID");
    // Humans get the rule under the translated text.
    let out = wallet(
        home.path(),
        &["--lang", "zh-TW", "pin", "set", "--pin-stdin"],
        "888888\n",
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("支付密碼太容易被猜到"), "{stderr}");
    assert!(stderr.contains("same digit"), "{stderr}");
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn card_binding_input_is_checked_before_anything_else() {
    let home = tempfile::tempdir().unwrap();
    let bind = |args: &[&str], stdin: &str| {
        let mut all = vec!["--json", "card", "bind", "--bank-phone"];
        all.extend_from_slice(args);
        wallet(home.path(), &all, stdin)
    };
    let out = bind(&["13812345678", "--number", "4111111111111112"], "");
    let err = json_error(&out);
    assert_eq!(err["code"], "CARD_NUMBER_INVALID");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("4111111111111112"));
    let err = json_error(&bind(&["12345", "--number", "4111111111111111"], ""));
    assert_eq!(err["code"], "PHONE_INVALID");
    // The number may come from stdin instead, to keep it out of the shell history.
    let err = json_error(&bind(
        &["13812345678", "--number-stdin"],
        "4111 1111 1111 1112\n",
    ));
    assert_eq!(err["code"], "CARD_NUMBER_INVALID");
    let err = json_error(&bind(
        &["13812345678", "--number-stdin"],
        "4111 1111 1111 1111\n",
    ));
    assert_eq!(err["code"], "NOT_SIGNED_IN");
    let err = json_error(&wallet(
        home.path(),
        &["--json", "card", "verify", "--code", "12"],
        "",
    ));
    assert_eq!(err["code"], "OTP_FORMAT_INVALID");
    for cmd in [
        &["card", "default", "a/b"][..],
        &["card", "report-lost", "x?y=1"],
    ] {
        let mut args = vec!["--json"];
        args.extend_from_slice(cmd);
        assert_eq!(
            json_error(&wallet(home.path(), &args, ""))["code"],
            "CARD_NOT_FOUND",
            "{cmd:?}"
        );
    }
    let err = json_error(&wallet(
        home.path(),
        &["--json", "card", "unbind", "a b", "--pin-stdin"],
        "135792\n",
    ));
    assert_eq!(err["code"], "CARD_NOT_FOUND");
}

#[test]
fn pins_and_passwords_are_never_arguments() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["pin", "set", "135792"][..],
        &["pin", "set", "--pin", "135792"],
        &["pin", "set"],
        &["pin", "change", "135792", "246802"],
        &["pin", "change"],
        &[
            "pin",
            "reset",
            "--password",
            "correct-Horse-battery-staple-93",
        ],
        &["pin", "reset", "--code", "123456"],
        &["pin", "reset", "--code", "123456", "--pin", "135792"],
        &["withdraw", "10", "--pin", "135792"],
        &["withdraw", "10"],
        &["topup", "10", "--pin", "135792"],
        &["topup", "10"],
        &["paycode", "limits", "--on", "--pin", "135792"],
        &["card", "unbind", "card_1", "--pin", "135792"],
        &["card", "unbind", "card_1"],
    ] {
        let out = wallet(home.path(), args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        json_usage_error(&wallet(home.path(), &json_args, ""));
    }
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn money_help_documents_failed_operations() {
    for cmd in ["topup", "withdraw"] {
        let out = Command::new(env!("CARGO_BIN_EXE_wallet"))
            .args([cmd, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(help.contains("failed"), "{help}");
        assert!(help.contains("--idempotency-key"), "{help}");
        // Both take the PIN the same way.
        assert!(help.contains("--pin-stdin"), "{help}");
    }
}

// --- QR pay, payment codes, orders (offline parts) ----------------------------------------------

/// Banco Central do Brasil's Pix example: a well-formed code of another network.
const PIX: &str = "00020126580014br.gov.bcb.pix0136123e4567-e12b-12d1-a456-4266554400005204000053039865802BR5913Fulano de Tal6008BRASILIA62070503***63041D3D";

fn our_static_code() -> String {
    wallet_protocol::qr::wallet_static_payload(&wallet_protocol::qr::WalletMerchant {
        merchant_id: "mch_1".into(),
        name: "Lucky Noodles".into(),
        city: "Beijing".into(),
        mcc: "5812".into(),
    })
    .unwrap()
}

#[test]
fn qr_decode_is_offline_with_the_documented_json_shape() {
    let v = json_ok(&offline(&["qr", "decode", PIX, "--json"]));
    for (field, expected) in [
        ("kind", serde_json::json!("emvco_mpm")),
        ("network", serde_json::json!("pix")),
        ("payable", serde_json::json!(false)),
        ("valid_crc", serde_json::json!(true)),
        ("point_of_initiation", serde_json::Value::Null),
        ("merchant_name", serde_json::json!("Fulano de Tal")),
        ("merchant_city", serde_json::json!("BRASILIA")),
        ("country", serde_json::json!("BR")),
        ("currency", serde_json::json!("986")),
        ("amount", serde_json::Value::Null),
        ("mcc", serde_json::json!("0000")),
    ] {
        assert_eq!(v[field], expected, "{field}: {v}");
    }
    assert_eq!(v["templates"]["26"]["00"], "br.gov.bcb.pix");
    assert_eq!(v["templates"]["62"]["05"], "***");
    // `payload`: the text exactly as given, surrounding spaces included.
    assert_eq!(v["payload"], PIX);
    let padded = format!(" {PIX}\n");
    let v = json_ok(&offline(&["qr", "decode", &padded, "--json"]));
    assert_eq!(v["payload"], padded.as_str());
    assert_eq!(v["merchant_name"], "Fulano de Tal");

    let ours = json_ok(&offline(&["--json", "qr", "decode", &our_static_code()]));
    assert_eq!(ours["network"], "wallet");
    assert_eq!(ours["payable"], true);
    assert_eq!(ours["point_of_initiation"], "11");
    assert_eq!(ours["merchant_name"], "Lucky Noodles");
    assert_eq!(ours["currency"], "156");
    assert_eq!(ours["wallet"]["merchant_id"], "mch_1");

    // Humans see what it is and that it cannot be paid here.
    let out = offline(&["qr", "decode", PIX]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Pix") && text.contains("cannot be paid"),
        "{text}"
    );
}

#[test]
fn malformed_payloads_exit_1_with_their_qr_code() {
    let mut bad_crc = PIX.to_owned();
    bad_crc.replace_range(bad_crc.len() - 4.., "0000");
    for (payload, code) in [
        (bad_crc.as_str(), "QR_CRC_MISMATCH"),
        ("000201010211", "QR_MISSING_FIELD"),
        ("0002010102", "QR_MALFORMED_TLV"),
        ("   ", "QR_EMPTY"),
    ] {
        let err = json_error(&offline(&["--json", "qr", "decode", payload]));
        assert_eq!(err["code"], code, "{payload}: {err}");
        assert_eq!(err["payload"], payload, "{err}");
    }
    let out = offline(&["--lang", "zh-CN", "qr", "decode", &bad_crc]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("QR_CRC_MISMATCH") && err.contains("二维码"),
        "{err}"
    );
}

#[test]
fn a_link_is_shown_as_text_and_never_opened() {
    let url = "https://pay.evil.example/claim?id=1";
    let out = offline(&["qr", "decode", url]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stdout.contains(url), "{stdout}");
    assert!(stderr.contains("not opened"), "{stderr}");
    let v = json_ok(&offline(&["--json", "qr", "decode", url]));
    assert_eq!(v["kind"], "url");
    assert_eq!(v["text"], url);
    assert_eq!(v["payable"], false);
    let v = json_ok(&offline(&["--json", "qr", "decode", "hello world"]));
    assert_eq!(v["kind"], "text");
}

/// issue 13: a code holding terminal escapes (clear screen, set the window title, CSI in C1
/// form, a direction override) cannot rewrite the terminal: humans see the escapes written
/// out, in the QR text and in the percent-decoded UPI fields; --json keeps the text exact.
#[test]
fn qr_decode_shows_terminal_escapes_instead_of_obeying_them() {
    let raw_controls = |text: &str| {
        text.chars()
            .filter(|&c| (c.is_control() && c != '\n') || c == '\u{202e}')
            .collect::<Vec<char>>()
    };
    let text = "hello\x1b[2J\x1b]0;pwned\x07\u{9b}31m\u{202e}world";
    let upi = "upi://pay?pa=evil@bank&pn=Shop%1B%5B2J%0D%0AFake%7F&am=1.00&tn=%1B%5B1A";
    for payload in [text, upi] {
        let out = offline(&["--lang", "en", "qr", "decode", payload]);
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let stdout = String::from_utf8(out.stdout.clone()).unwrap();
        let stderr = String::from_utf8(out.stderr.clone()).unwrap();
        assert_eq!(raw_controls(&stdout), [], "{stdout:?}");
        assert_eq!(raw_controls(&stderr), [], "{stderr:?}");
        assert!(stdout.contains("\\u{1b}[2J"), "{stdout}");
        // --json: the exact text (JSON escapes it), nothing dropped or rewritten.
        let v = json_ok(&offline(&["--json", "qr", "decode", payload]));
        assert_eq!(v["payload"], payload, "{v}");
    }
    let v = json_ok(&offline(&["--json", "qr", "decode", text]));
    assert_eq!(v["text"], text, "{v}");
    let out = offline(&["qr", "decode", text]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("hello\\u{1b}[2J\\u{1b}]0;pwned\\u{7}\\u{9b}31m\\u{202e}world"),
        "{stdout}"
    );
    let v = json_ok(&offline(&["--json", "qr", "decode", upi]));
    assert_eq!(v["kind"], "upi", "{v}");
    // The decoded name (wherever the decoder puts it) holds the raw ESC in JSON...
    assert!(v.to_string().contains("Shop\\u001b[2J"), "{v}");
    // ...and a line break inside a field never starts a new line for humans.
    let out = offline(&["qr", "decode", upi]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.lines().any(|l| l.starts_with("Fake")), "{stdout}");
}

#[test]
fn pay_paycode_and_orders_need_a_profile_and_check_input_first() {
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str], stdin: &str| {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        json_error(&wallet(home.path(), &all, stdin))
    };
    // What cannot be paid is refused offline, before the profile is even looked at.
    for payload in [PIX, "https://evil.example", "just text"] {
        let err = run(
            &["pay", payload, "--amount", "10", "--pin-stdin"],
            "135792\n",
        );
        assert_eq!(err["code"], "QR_NOT_PAYABLE", "{payload}");
    }
    let code = our_static_code();
    let err = run(&["pay", &code, "--amount", "10", "--pin-stdin"], "135792\n");
    assert_eq!(err["code"], "NOT_SIGNED_IN");
    assert_eq!(run(&["paycode"], "")["code"], "NOT_SIGNED_IN");
    assert_eq!(run(&["paycode", "--watch"], "")["code"], "NOT_SIGNED_IN");
    assert_eq!(run(&["paycode", "limits"], "")["code"], "NOT_SIGNED_IN");
    assert_eq!(run(&["orders"], "")["code"], "NOT_SIGNED_IN");
    assert_eq!(
        run(&["orders", "decline", "ord_1"], "")["code"],
        "NOT_SIGNED_IN"
    );
    assert_eq!(
        run(&["orders", "confirm", "ord_1", "--pin-stdin"], "135792\n")["code"],
        "NOT_SIGNED_IN"
    );
    // An image that is not there, or not an image.
    let missing = home.path().join("nope.png");
    let err = run(
        &[
            "pay",
            "--image",
            missing.to_str().unwrap(),
            "--amount",
            "1",
            "--pin-stdin",
        ],
        "135792\n",
    );
    assert_eq!(err["code"], "QR_IMAGE_UNREADABLE");
    let text = home.path().join("text.png");
    std::fs::write(&text, "not a png").unwrap();
    let err = run(
        &["pay", "--image", text.to_str().unwrap(), "--pin-stdin"],
        "135792\n",
    );
    assert_eq!(err["code"], "QR_IMAGE_UNREADABLE");
}

#[test]
fn pay_flags_are_checked_by_the_parser() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        // The PIN only from stdin.
        &["pay", "000201", "--amount", "10"][..],
        &["pay", "000201", "--pin", "135792"],
        &["orders", "confirm", "ord_1"],
        // A payload or an image, not both, not neither.
        &["pay", "--pin-stdin"],
        &["pay", "000201", "--image", "x.png", "--pin-stdin"],
        &["paycode", "limits", "--off", "--on"],
        &["paycode", "--watch", "limits"],
    ] {
        let out = wallet(home.path(), args, "");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        let mut json_args = vec!["--json"];
        json_args.extend_from_slice(args);
        json_usage_error(&wallet(home.path(), &json_args, ""));
    }
    let out = Command::new(env!("CARGO_BIN_EXE_wallet"))
        .args(["pay", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8(out.stdout).unwrap();
    for word in [
        "--image",
        "--amount",
        "--pin-stdin",
        "name_mismatch",
        "never opened",
    ] {
        assert!(help.contains(word), "{word}: {help}");
    }
}

#[test]
fn report_lost_checks_its_arguments_without_a_profile() {
    let home = tempfile::tempdir().unwrap();
    let run_with = |args: &[&str], stdin: &str| {
        let mut all = vec!["--json", "report-lost"];
        all.extend_from_slice(args);
        wallet(home.path(), &all, stdin)
    };
    let run = |args: &[&str], stdin: &str| json_error(&run_with(args, stdin));
    // Neither identity, half of one, or both: clap refuses, as MALFORMED_REQUEST (exit 2).
    for args in [
        &["--phone", "13812345678"][..],
        &["--phone", "13812345678", "--name", "李明"],
        &["--phone", "13812345678", "--id-last6", "31002X"],
        &[
            "--phone",
            "13812345678",
            "--name",
            "李明",
            "--id-last6",
            "31002X",
            "--password-stdin",
        ],
    ] {
        json_usage_error(&run_with(args, "pw\n"));
    }
    let base = ["--phone", "13812345678", "--name", "李明", "--id-last6"];
    let mut bad_last6 = base.to_vec();
    bad_last6.push("1234X5");
    assert_eq!(run(&bad_last6, "")["code"], "ID_NUMBER_INVALID");
    assert_eq!(
        run(
            &["--phone", "12", "--name", "李明", "--id-last6", "31002X"],
            ""
        )["code"],
        "PHONE_INVALID"
    );
    assert_eq!(
        run(&["--phone", "13812345678", "--password-stdin"], "\n")["code"],
        "MALFORMED_REQUEST"
    );
    // Well-formed: it needs no sign-in and goes to the (unreachable) server.
    let mut good = base.to_vec();
    good.push("31002x");
    assert_eq!(run(&good, "")["code"], "NETWORK");
    assert_eq!(
        run(&["--phone", "13812345678", "--password-stdin"], "pw\n")["code"],
        "NETWORK"
    );
    // A report from a friend's device leaves nothing behind.
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn unfreeze_status_security_log_and_events_need_a_sign_in() {
    let home = tempfile::tempdir().unwrap();
    let err = json_error(&wallet(
        home.path(),
        &["--json", "unfreeze", "--id-number", "110105", "--pin-stdin"],
        "135790\n",
    ));
    assert_eq!(err["code"], "ID_NUMBER_INVALID");
    let err = json_error(&wallet(
        home.path(),
        &[
            "--json",
            "unfreeze",
            "--id-number",
            "11010519491231002X",
            "--pin-stdin",
        ],
        "12\n",
    ));
    assert_eq!(err["code"], "PIN_FORMAT_INVALID");
    // The PIN is never an argument.
    json_usage_error(&wallet(
        home.path(),
        &["--json", "unfreeze", "--id-number", "11010519491231002X"],
        "",
    ));
    for cmd in [
        &[
            "unfreeze",
            "--id-number",
            "11010519491231002X",
            "--pin-stdin",
        ][..],
        &["status"],
        &["security-log"],
        &["security-log", "--before", "12"],
        &["events"],
    ] {
        let mut args = vec!["--json"];
        args.extend_from_slice(cmd);
        assert_eq!(
            json_error(&wallet(home.path(), &args, "135790\n"))["code"],
            "NOT_SIGNED_IN",
            "{cmd:?}"
        );
    }
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0);
}

#[test]
fn report_lost_errors_are_translated() {
    let home = tempfile::tempdir().unwrap();
    let out = wallet(
        home.path(),
        &[
            "--lang",
            "zh-CN",
            "report-lost",
            "--phone",
            "12",
            "--password-stdin",
        ],
        "pw\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("请输入有效的手机号码"));
}
