//! The walking-skeleton flow through the real CLI and the real server: sign-up, sign-in on a
//! second device, the device list, signing a device out, and the wipe that follows.

use wallet_core::{KeyringSecretStore, SecretStore};
use wallet_e2e::*;

#[test]
fn two_devices_sign_up_sign_in_list_revoke_and_wipe() {
    let server = Server::start();
    let phone = fresh_phone();
    let a = Device::new(&server, "Phone A");
    let b = Device::new(&server, "Laptop B");

    // Device A signs up: the OTP goes to the sandbox SMS outbox.
    let pending = a
        .run(
            &[
                "signup",
                "--phone",
                &phone,
                "--name",
                NAME,
                "--id-number",
                ID_NUMBER,
                "--password-stdin",
            ],
            Some(PASSWORD),
        )
        .ok();
    assert_eq!(pending["status"], "pending_verification");
    assert_eq!(pending["purpose"], "signup");
    let masked = pending["phone_masked"].as_str().unwrap();
    assert!(
        masked.starts_with("+86 138") && masked.contains("****"),
        "{masked}"
    );
    assert!(!masked.contains(&phone[3..7]));
    let profile = a.run(&["verify", "--code", &server.otp(&phone)], None).ok();
    assert_eq!(profile["name"], NAME);
    assert_eq!(profile["phone"], format!("+86{phone}"));
    assert_eq!(profile["id_last4"], "002X");
    let device_a = profile["device_id"].as_str().unwrap().to_owned();

    // The database exists, encrypted: plain SQLite cannot read it.
    let db = a.db_path();
    assert!(db.exists());
    let plain = rusqlite::Connection::open(&db).unwrap();
    let err = plain
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(err.to_string().contains("not a database"), "{err}");
    drop(plain);
    let header = std::fs::read(&db).unwrap();
    assert!(!header.starts_with(b"SQLite format 3"));

    let who = a.run(&["whoami"], None).ok();
    assert_eq!(who["device_id"], device_a.as_str());

    // Device B signs in with password + OTP.
    let pending = b
        .run(
            &["login", "--phone", &phone, "--password-stdin"],
            Some(PASSWORD),
        )
        .ok();
    assert_eq!(pending["purpose"], "login");
    let profile_b = b.run(&["verify", "--code", &server.otp(&phone)], None).ok();
    let device_b = profile_b["device_id"].as_str().unwrap().to_owned();
    assert_ne!(device_a, device_b);
    assert_eq!(profile_b["account_id"], profile["account_id"]);

    // A sees both devices, with names and platform, and marks itself.
    let list = a.run(&["devices"], None).ok();
    let devices = list["devices"].as_array().unwrap();
    assert_eq!(devices.len(), 2, "{list}");
    let me = devices
        .iter()
        .find(|d| d["device_id"] == device_a.as_str())
        .unwrap();
    let other = devices
        .iter()
        .find(|d| d["device_id"] == device_b.as_str())
        .unwrap();
    assert_eq!(me["current"], true);
    assert_eq!(other["current"], false);
    assert_eq!(me["name"], "Phone A");
    assert_eq!(other["name"], "Laptop B");
    assert_eq!(other["platform"], "cli");
    for d in devices {
        for field in ["enrolled_at", "last_seen_at"] {
            let t = d[field].as_str().unwrap();
            chrono::DateTime::parse_from_rfc3339(t).unwrap_or_else(|e| panic!("{field} {t}: {e}"));
        }
    }

    // A signs B out. B's very next request fails and B wipes itself: files and key.
    let b_key = format!(
        "store-key:{}",
        std::fs::read_to_string(b.home.path().join("profile.id"))
            .unwrap()
            .trim()
    );
    let secrets = KeyringSecretStore::new();
    assert!(secrets.get(&b_key).unwrap().is_some());
    let revoked = a.run(&["devices", "revoke", &device_b], None).ok();
    assert_eq!(revoked["revoked"], device_b.as_str());
    assert!(b.db_path().exists());
    b.run(&["whoami"], None).err("DEVICE_REVOKED");
    assert!(
        b.files().is_empty(),
        "the revoked device left files behind: {:?}",
        b.files()
    );
    assert_eq!(
        secrets.get(&b_key).unwrap(),
        None,
        "the key left the secret store"
    );
    // And stays signed out afterwards.
    b.run(&["whoami"], None).err("NOT_SIGNED_IN");

    // A is unaffected and now lists one device.
    let list = a.run(&["devices"], None).ok();
    assert_eq!(list["devices"].as_array().unwrap().len(), 1);

    // Logout on A revokes it on the server and wipes it too.
    assert_eq!(a.run(&["logout"], None).ok()["logged_out"], true);
    assert!(a.files().is_empty(), "{:?}", a.files());
    a.run(&["whoami"], None).err("NOT_SIGNED_IN");
}

#[test]
fn second_signup_with_the_same_phone_is_refused() {
    let server = Server::start();
    let phone = fresh_phone();
    Device::new(&server, "A").signup(&server, &phone);
    let c = Device::new(&server, "C");
    c.run(
        &[
            "signup",
            "--phone",
            &phone,
            "--name",
            NAME,
            "--id-number",
            ID_NUMBER,
            "--password-stdin",
        ],
        Some(PASSWORD),
    )
    .err("PHONE_TAKEN");
}

#[test]
fn verify_and_signed_commands_need_a_session() {
    let server = Server::start();
    let d = Device::new(&server, "fresh");
    d.run(&["verify", "--code", "123456"], None)
        .err("NO_PENDING_VERIFICATION");
    d.run(&["whoami"], None).err("NOT_SIGNED_IN");
    d.run(&["devices"], None).err("NOT_SIGNED_IN");
    assert!(
        d.files().is_empty(),
        "nothing is created before a sign-up starts"
    );
}

/// `wallet devices` for humans: the columns after a Chinese device name start at the same
/// terminal column as after an English one (CJK characters take two cells).
#[test]
fn device_names_in_chinese_line_up_in_the_table() {
    let server = Server::start();
    let phone = fresh_phone();
    let phone_a = Device::new(&server, "李明的手机");
    phone_a.signup(&server, &phone);
    let laptop = Device::new(&server, "Work laptop");
    laptop.login(&server, &phone);
    let desk = Device::new(&server, "办公室电脑 (Office)");
    desk.login(&server, &phone);

    let (code, text, err) = laptop.run_human(&["devices"], None);
    assert_eq!(code, 0, "{err}");
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("enrolled")).collect();
    assert_eq!(rows.len(), 3, "{text}");
    // Terminal cells before `needle` on `line`: two for each CJK character.
    let cells_before = |line: &str, needle: &str| -> usize {
        line[..line.find(needle).unwrap()]
            .chars()
            .map(|c| if c.is_ascii() { 1 } else { 2 })
            .sum()
    };
    let columns: Vec<(usize, usize)> = rows
        .iter()
        .map(|r| (cells_before(r, "enrolled"), cells_before(r, "last seen")))
        .collect();
    assert!(columns.windows(2).all(|w| w[0] == w[1]), "{text}");
    // The current device is marked, and every name is there.
    assert!(
        rows.iter()
            .any(|r| r.starts_with('*') && r.contains("Work laptop")),
        "{text}"
    );
    for name in ["李明的手机", "Work laptop", "办公室电脑 (Office)"] {
        assert!(text.contains(name), "{name}: {text}");
    }
}
