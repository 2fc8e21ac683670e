//! The encrypted local store with its key in the real Secret Service: a wrong or missing key is a
//! clear error and the file is left untouched; no secret store at all is a clear error too.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a panic is a failed test"
)]

use std::process::Command;

use wallet_core::secret_store::KeyringSecretStore;
use wallet_core::SecretStore;
use wallet_e2e::*;

fn key_name(d: &Device) -> String {
    let id = std::fs::read_to_string(d.home.path().join("profile.id")).expect("profile.id");
    format!("store-key:{}", id.trim())
}

fn snapshot(d: &Device) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = d
        .files()
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn wrong_key_is_store_key_wrong_and_the_file_is_untouched() {
    let server = Server::start();
    let d = Device::new(&server, "a");
    d.signup(&server, &fresh_phone());
    let store = KeyringSecretStore::new();
    let name = key_name(&d);
    let real_key = store
        .get(&name)
        .unwrap()
        .expect("the key is in the Secret Service");
    assert_eq!(real_key.len(), 32, "a raw 32-byte key");

    store.set(&name, &[0x42; 32]).unwrap();
    let before = snapshot(&d);
    d.run(&["whoami"], None).err("STORE_KEY_WRONG");
    assert_eq!(snapshot(&d), before, "a wrong key must not change any file");

    // Putting the right key back makes everything work again: nothing was lost.
    store.set(&name, &real_key).unwrap();
    assert_eq!(d.run(&["whoami"], None).ok()["name"], NAME);
}

#[test]
fn missing_key_is_store_key_missing_and_the_file_is_untouched() {
    let server = Server::start();
    let d = Device::new(&server, "a");
    d.signup(&server, &fresh_phone());
    let store = KeyringSecretStore::new();
    let name = key_name(&d);
    let real_key = store.get(&name).unwrap().unwrap();
    store.delete(&name).unwrap();
    let before = snapshot(&d);
    d.run(&["whoami"], None).err("STORE_KEY_MISSING");
    // A new sign-up must not silently replace the existing database either.
    let again = d.run(
        &[
            "signup",
            "--phone",
            &fresh_phone(),
            "--name",
            NAME,
            "--id-number",
            ID_NUMBER,
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(snapshot(&d), before);
    store.set(&name, &real_key).unwrap();
    d.run(&["whoami"], None).ok();
}

#[test]
fn no_secret_service_is_a_clear_error_not_a_silent_fallback() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(bin_dir().join("wallet"))
        .args(["--json", "--server", &server.url, "--home"])
        .arg(home.path())
        .args([
            "signup",
            "--phone",
            &fresh_phone(),
            "--name",
            NAME,
            "--id-number",
            ID_NUMBER,
            "--password-stdin",
        ])
        // A session bus address that leads nowhere: like a headless shell with no keyring.
        .env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            writeln!(c.stdin.take().unwrap(), "{PASSWORD}")?;
            c.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "SECRET_STORE_UNAVAILABLE", "{v}");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("gnome-keyring") || msg.contains("Secret Service"),
        "names the fix: {msg}"
    );
    // Nothing was written: no database, no plaintext key file.
    let left: Vec<_> = std::fs::read_dir(home.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(
        !left
            .iter()
            .any(|f| f.to_string_lossy().contains("wallet.db")),
        "{left:?}"
    );
}
