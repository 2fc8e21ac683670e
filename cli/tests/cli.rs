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
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn json_error(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(1), "{out:?}");
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
    let err = json_error(&wallet(
        home.path(),
        &["--json", "login", "--phone", "13812345678"],
        "",
    ));
    assert_eq!(err["code"], "MALFORMED_REQUEST");
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
        .contains("Not signed in"));
}
