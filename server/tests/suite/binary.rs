//! The real binary: `serve` on port 0 announces its address; `otp outbox` reads codes through the
//! server and straight from the database; `serve` without `--sandbox` refuses to start; the
//! sandbox master key file, a wrong key, and `keys generate` / `keys rewrap`.

// Helpers below panic to report failure, like the tests that call them.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};
use wallet_protocol::api::paths;

const BIN: &str = env!("CARGO_BIN_EXE_wallet-server");

struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(db: &std::path::Path, extra: &[&str]) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--sandbox", "--db"])
        .arg(db)
        .args(extra)
        .env_remove("WALLET_SERVER_MASTER_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("wallet-server listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    Server { child, url }
}

fn outbox(args: &[&str]) -> (bool, Value) {
    let out = Command::new(BIN)
        .args(["otp", "outbox", "--json"])
        .args(args)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("stdout {:?}", String::from_utf8_lossy(&out.stdout)));
    (out.status.success(), json)
}

#[tokio::test]
async fn serve_then_read_the_outbox_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let server = start(&db, &[]);

    let health: Value = reqwest::get(format!("{}{}", server.url, paths::HEALTH))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");

    let res = reqwest::Client::new()
        .post(format!("{}{}", server.url, paths::SIGNUP))
        .json(&json!({
            "phone": "13812345678",
            "name": "李明",
            "id_number": "11010519491231002X",
            "password": "correct-Horse-battery-staple-93",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);

    let (ok, via_server) = outbox(&["--phone", "+86 138 1234 5678", "--server", &server.url]);
    assert!(ok, "{via_server}");
    let code = via_server["messages"][0]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(code.len(), 6);
    let db_arg = db.to_str().unwrap();
    let (ok, via_db) = outbox(&["--phone", "138-1234-5678", "--db", db_arg]);
    assert!(ok, "{via_db}");
    assert_eq!(via_db, via_server);

    // Text output: the newest code first on the line.
    let out = Command::new(BIN)
        .args(["otp", "outbox", "--phone", "13812345678", "--db", db_arg])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with(&format!("{code}  signup  ")));

    let (ok, err) = outbox(&["--phone", "abc", "--db", db_arg]);
    assert!(!ok);
    assert_eq!(err["error"]["code"], "PHONE_INVALID");
}

#[test]
fn serve_without_sandbox_refuses_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let key = dir.path().join("master.key");
    let out = Command::new(BIN)
        .args(["keys", "generate", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    // Not even with a master key and a database: there is no real bank gateway.
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(&db)
        .arg("--master-key-file")
        .arg(&key)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing to start without --sandbox")
            && stderr.contains("no real bank gateway is configured"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "never listened");
    assert!(!db.exists(), "nothing was created");
}

#[test]
fn the_sandbox_makes_its_master_key_and_another_key_is_refused_until_rewrapped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("server.db");
    let key_file = dir.path().join("server.db.master-key");
    let log = dir.path().join("serve.log");
    // First start: the key file is made next to the database, private, and the log says so.
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--sandbox", "--db"])
        .arg(&db)
        .env_remove("WALLET_SERVER_MASTER_KEY")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(line.starts_with("wallet-server listening on"), "{line}");
    let _ = child.kill();
    let _ = child.wait();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("created a master key file"), "{logged}");
    let key_text = std::fs::read_to_string(&key_file).unwrap();
    assert!(!logged.contains(key_text.trim()), "the key is never logged");

    // Restart: the same file is used.
    drop(start(&db, &[]));

    // Another key: refused, naming both key ids, before serving.
    let other = dir.path().join("other.key");
    let out = Command::new(BIN)
        .args(["keys", "generate", "--out"])
        .arg(&other)
        .output()
        .unwrap();
    assert!(out.status.success());
    let refused = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--sandbox", "--db"])
        .arg(&db)
        .arg("--master-key-file")
        .arg(&other)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("wrapped by master key"), "{stderr}");
    assert!(refused.stdout.is_empty());

    // Rotation: rewrap to the other key, then it serves and the old one is refused.
    let out = Command::new(BIN)
        .args(["keys", "rewrap", "--json", "--db"])
        .arg(&db)
        .arg("--old-key-file")
        .arg(&key_file)
        .arg("--new-key-file")
        .arg(&other)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(out.status.success(), "{v}");
    assert_eq!(
        v["rewrapped"],
        wallet_server::secrets::vault::DATA_KEY_PURPOSES.len()
    );
    drop(start(&db, &["--master-key-file", other.to_str().unwrap()]));
    let refused = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--sandbox", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        !refused.status.success(),
        "the old sandbox key no longer opens it"
    );
}

#[test]
fn an_unreachable_postgres_server_is_a_clear_error() {
    // Nothing listens on port 1.
    let out = Command::new(BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--sandbox",
            "--db",
            "postgres://wallet@127.0.0.1:1/wallet",
        ])
        .env(
            "WALLET_SERVER_MASTER_KEY",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("opening postgres://"), "{stderr}");
    assert!(stderr.contains("connect"), "{stderr}");
    assert!(out.stdout.is_empty());
}

#[test]
fn outbox_from_a_missing_database_is_an_error() {
    let (ok, err) = outbox(&["--phone", "13812345678", "--db", "/nonexistent/server.db"]);
    assert!(!ok);
    assert_eq!(err["error"]["code"], "NOT_FOUND");
}

/// `--trusted-proxy` (repeatable) reaches the real process: from a trusted peer each
/// `X-Forwarded-For` client has its own code budget; without the flag the header is ignored.
#[tokio::test]
async fn trusted_proxy_flags_decide_whose_budget_a_request_spends() {
    let signup = |url: &str, phone: &str, client: &str| {
        let request = reqwest::Client::new()
            .post(format!("{url}{}", paths::SIGNUP))
            .header("x-forwarded-for", client)
            .json(&json!({
                "phone": phone,
                "name": "李明",
                "id_number": "11010519491231002X",
                "password": "correct-Horse-battery-staple-93",
            }));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let dir = tempfile::tempdir().unwrap();
    let limits = ["--otp-per-ip-max", "1"];
    let plain = start(&dir.path().join("plain.db"), &limits);
    assert_eq!(signup(&plain.url, "13900000001", "198.51.100.1").await, 202);
    assert_eq!(signup(&plain.url, "13900000002", "198.51.100.2").await, 429);

    let proxied = start(
        &dir.path().join("proxied.db"),
        &[
            "--otp-per-ip-max",
            "1",
            "--trusted-proxy",
            "10.0.0.0/8",
            "--trusted-proxy",
            "127.0.0.1",
        ],
    );
    assert_eq!(
        signup(&proxied.url, "13900000001", "198.51.100.1").await,
        202
    );
    assert_eq!(
        signup(&proxied.url, "13900000002", "198.51.100.2").await,
        202
    );
    assert_eq!(
        signup(&proxied.url, "13900000003", "198.51.100.1").await,
        429
    );

    let bad = Command::new(BIN)
        .args(["serve", "--db", "x.db", "--trusted-proxy", "not-a-cidr"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a CIDR block"));
}
