//! The `wallet` binary's offline tools, run as a tester runs them (the real executable, no
//! server, no profile, no secret store): `qr decode --image` on pictures of QR codes the test
//! draws, and the shell completions and manual pages generated from the clap definitions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use wallet_e2e::*;

/// The EMVCo specification's example with Chinese text in tag 64, as in mvallim/emv-qrcode
/// `src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java`
/// @328ae292cce8d0f40b071b4b8ccab64a63e2c3b2 line 33 (shared/vectors/emvco_mpm.jsonl).
const EMVCO_ZH: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

/// Runs the `wallet` binary with a home that does not exist and a server it may not use:
/// whatever works here needs neither.
fn wallet(home: &Path, args: &[&str]) -> Output {
    Command::new(bin_dir().join("wallet"))
        .args(args)
        .env("WALLET_HOME", home.join("never-created"))
        .env("WALLET_SERVER", "http://wallet.example")
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .env("LANG", "C")
        .env_remove("WALLET_LANG")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run wallet")
}

/// The one JSON object on stdout, after checking the exit status.
fn json(out: &Output, status: i32) -> Value {
    assert_eq!(out.status.code(), Some(status), "{out:?}");
    let stdout = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON object: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

/// A PNG of `text` as a QR code, 4 pixels a module with the quiet zone.
fn qr_png(text: &str) -> Vec<u8> {
    let svg = qrcode::QrCode::new(text.as_bytes())
        .unwrap()
        .render::<qrcode::render::svg::Color<'_>>()
        .module_dimensions(4, 4)
        .build();
    svg_to_png(&svg, 1)
}

#[test]
fn qr_decode_reads_the_code_in_a_photo_without_paying() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let file = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path.to_str().unwrap().to_owned()
    };

    // A merchant code of another network, Chinese text and all: `payload` is the text exactly
    // as read, and the decoded fields are those of the text form.
    let png = file("sticker.png", &qr_png(EMVCO_ZH));
    let v = json(
        &wallet(home, &["--json", "qr", "decode", "--image", &png]),
        0,
    );
    assert_eq!(v["payload"], EMVCO_ZH, "{v}");
    assert_eq!(v["kind"], "emvco_mpm");
    assert_eq!(v["payable"], false);
    assert_eq!(v["valid_crc"], true);
    assert_eq!(v["merchant_name"], "BEST TRANSPORT");
    assert_eq!(v["amount"], "23.72");
    assert_eq!(v["templates"]["64"]["01"], "最佳运输", "{v}");
    let text_form = json(&wallet(home, &["--json", "qr", "decode", EMVCO_ZH]), 0);
    assert_eq!(v, text_form);

    // A photo as JPEG works too; our own code is payable (decoding pays nothing: no server).
    let ours = wallet_protocol::qr::wallet_static_payload(&wallet_protocol::qr::WalletMerchant {
        merchant_id: "mch_1".into(),
        name: "Lucky Noodles".into(),
        city: "Beijing".into(),
        mcc: "5812".into(),
    })
    .unwrap();
    let mut jpeg = Vec::new();
    image::load_from_memory(&qr_png(&ours))
        .unwrap()
        .to_luma8()
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    let jpg = file("photo.jpg", &jpeg);
    let v = json(
        &wallet(home, &["qr", "decode", "--image", &jpg, "--json"]),
        0,
    );
    assert_eq!(v["payload"], ours.as_str());
    assert_eq!(v["network"], "wallet");
    assert_eq!(v["payable"], true);

    // For humans: the text read, then what it is.
    let out = wallet(home, &["qr", "decode", "--image", &png]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.starts_with(&format!("Read from the image: {EMVCO_ZH}\n")),
        "{stdout}"
    );
    assert!(
        stdout.contains("BEST TRANSPORT") && stdout.contains("cannot be paid"),
        "{stdout}"
    );

    // A damaged code is reported with the text that was read.
    let damaged = EMVCO_ZH.replace("6304A13A", "63040000");
    let bad = file("damaged.png", &qr_png(&damaged));
    let err = json(
        &wallet(home, &["--json", "qr", "decode", "--image", &bad]),
        1,
    );
    assert_eq!(err["error"]["code"], "QR_CRC_MISMATCH", "{err}");
    assert_eq!(err["error"]["payload"], damaged.as_str());

    // Pictures that hold no code, files that are no picture, files that do not exist: exit 1
    // with a code that says which.
    let blank = file(
        "blank.png",
        &svg_to_png(r#"<svg width="80" height="80"></svg>"#, 1),
    );
    let text = file("notes.png", b"not an image at all");
    let missing = dir.path().join("missing.png");
    for (path, code) in [
        (blank.as_str(), "QR_NOT_FOUND"),
        (text.as_str(), "QR_IMAGE_UNREADABLE"),
        (missing.to_str().unwrap(), "QR_IMAGE_UNREADABLE"),
    ] {
        let err = json(
            &wallet(home, &["--json", "qr", "decode", "--image", path]),
            1,
        );
        assert_eq!(err["error"]["code"], code, "{path}: {err}");
        assert!(
            err["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{err}"
        );
        let out = wallet(home, &["qr", "decode", "--image", path]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        assert!(out.stdout.is_empty(), "{out:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(code),
            "{out:?}"
        );
    }

    // A payload and an image at once, or neither: a usage error (exit 2).
    for args in [
        &["--json", "qr", "decode", EMVCO_ZH, "--image", png.as_str()][..],
        &["--json", "qr", "decode"],
    ] {
        let err = json(&wallet(home, args), 2);
        assert_eq!(err["error"]["code"], "MALFORMED_REQUEST", "{err}");
    }
    // Offline: no profile was created.
    assert!(!home.join("never-created").exists());
}

/// Subcommand names as `wallet --help` lists them (the real ones, from the binary).
fn subcommands(home: &Path) -> Vec<String> {
    let out = wallet(home, &["--help"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let help = String::from_utf8(out.stdout).unwrap();
    let names: Vec<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        // Not the wrapped lines of a description, indented further.
        .filter(|l| !l[2..].starts_with(' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["pay", "qr", "completions", "man", "history"] {
        assert!(names.iter().any(|n| n == expected), "{expected}: {names:?}");
    }
    names
}

#[test]
fn completions_and_man_pages_name_the_real_commands() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path();
    let commands = subcommands(home);

    for shell in ["bash", "zsh", "fish"] {
        let out = wallet(home, &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}: {out:?}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("wallet"), "{shell}");
        for name in &commands {
            assert!(script.contains(name.as_str()), "{shell}: no {name}");
        }
        // Flags of subcommands and global flags are completed too.
        for flag in ["image", "pin-stdin", "json", "server"] {
            let spelled = if shell == "fish" {
                format!("-l {flag}")
            } else {
                format!("--{flag}")
            };
            assert!(script.contains(&spelled), "{shell}: no {spelled}");
        }
    }
    // The bash script is valid bash.
    let bash = wallet(home, &["completions", "bash"]).stdout;
    let script = dir.path().join("wallet.bash");
    std::fs::write(&script, &bash).unwrap();
    let check = Command::new("bash").arg("-n").arg(&script).output();
    if let Ok(check) = check {
        assert!(check.status.success(), "{check:?}");
    }
    // With --json: one object holding the script.
    let v = json(&wallet(home, &["--json", "completions", "zsh"]), 0);
    assert_eq!(v["shell"], "zsh");
    assert!(v["script"].as_str().unwrap().contains("#compdef wallet"));

    // The manual page: roff, with every command.
    let out = wallet(home, &["man"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH wallet 1"), "{page}");
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH OPTIONS"] {
        assert!(page.contains(section), "{section}");
    }
    assert!(page.contains("Exit status"), "exit codes are documented");
    for name in &commands {
        assert!(
            page.contains(&format!("wallet\\-{}", name.replace('-', "\\-"))),
            "no {name}"
        );
    }

    // --out-dir: one page per command, nested ones included.
    let pages = dir.path().join("man1");
    let v = json(
        &wallet(
            home,
            &["--json", "man", "--out-dir", pages.to_str().unwrap()],
        ),
        0,
    );
    let written: Vec<&str> = v["written"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap())
        .collect();
    assert!(written.len() > commands.len(), "{v}");
    for w in &written {
        assert!(Path::new(w).is_file(), "{w}");
    }
    let decode = std::fs::read_to_string(pages.join("wallet-qr-decode.1")).unwrap();
    assert!(decode.contains("\\-\\-image"), "{decode}");
    assert!(decode.contains("payload"), "{decode}");
    for name in &commands {
        assert!(pages.join(format!("wallet-{name}.1")).is_file(), "{name}");
    }
    // What `man` shows, when it is installed.
    if let Ok(out) = Command::new("man")
        .arg("-l")
        .arg(pages.join("wallet-qr-decode.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .output()
    {
        if out.status.success() {
            let shown = String::from_utf8_lossy(&out.stdout);
            assert!(shown.contains("--image"), "{shown}");
        }
    }
}
