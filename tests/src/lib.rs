//! Harness for the end-to-end tests: starts the real `wallet-server` binary on a free loopback
//! port with a temporary database, and drives the real `wallet` CLI with one home per device.
//! Nothing here fakes a part of ours. Build the binaries first (`cargo build --workspace --bins`;
//! `scripts/test.sh` does) and run inside a Secret Service session (`scripts/test.sh` does).
#![allow(clippy::expect_used, clippy::unwrap_used)] // test harness: a panic is a failed test

pub mod layers;
pub mod load;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

/// A strong password every test account uses (zxcvbn score 4).
pub const PASSWORD: &str = "correct-Horse-battery-staple-93";
/// The GB 11643-1999 worked example: a valid resident ID number.
pub const ID_NUMBER: &str = "11010519491231002X";
pub const NAME: &str = "李明";

/// Directory holding the workspace's built binaries (next to this test's own executable).
pub fn bin_dir() -> PathBuf {
    let dir = target_dir();
    for bin in ["wallet-server", "wallet"] {
        assert!(
            dir.join(bin).exists(),
            "{bin} is not built in {}: run `cargo build --workspace --bins` first",
            dir.display()
        );
    }
    dir
}

/// `target/<profile>`: where this executable's sibling binaries are.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/debug/deps/<test> -> target/debug; a harness binary sits in target/<profile> itself.
    let own = exe.parent().expect("exe dir");
    if own.join("wallet-server").exists() {
        own.to_path_buf()
    } else {
        own.parent().expect("target dir").to_path_buf()
    }
}

/// The `wallet-server` executable the harness runs: `$WALLET_E2E_SERVER_BIN` when set (a copy
/// kept apart from a shared target directory that other checkouts' builds overwrite), else the
/// one built next to the tests. Unlike [`bin_dir`] it does not need the `wallet` CLI built.
pub fn server_bin() -> PathBuf {
    let bin = std::env::var_os("WALLET_E2E_SERVER_BIN")
        .map_or_else(|| target_dir().join("wallet-server"), PathBuf::from);
    assert!(
        bin.exists(),
        "{} does not exist: run `cargo build -p wallet-server` first (or set WALLET_E2E_SERVER_BIN)",
        bin.display()
    );
    bin
}

/// A distinct valid mainland mobile number per call, so tests never collide.
pub fn fresh_phone() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id() % 10_000;
    format!("138{pid:04}{n:04}")
}

/// A new, empty database on the PostgreSQL server the test command started
/// (`WALLET_TEST_POSTGRES`), or `None` without one (an error when `WALLET_REQUIRE_POSTGRES` is
/// set, as in the test command).
pub fn postgres_database() -> Option<String> {
    let server = match std::env::var("WALLET_TEST_POSTGRES") {
        Ok(s) if !s.is_empty() => s,
        _ => {
            assert!(
                std::env::var_os("WALLET_REQUIRE_POSTGRES").is_none(),
                "WALLET_REQUIRE_POSTGRES is set but WALLET_TEST_POSTGRES names no server"
            );
            eprintln!("no WALLET_TEST_POSTGRES: skipped");
            return None;
        }
    };
    let name = format!("e2e_{}_{}", std::process::id(), fresh_phone());
    let out = Command::new("psql")
        .arg(&server)
        .args([
            "-v",
            "ON_ERROR_STOP=1",
            "-qc",
            &format!("CREATE DATABASE {name}"),
        ])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let root = server
        .rsplit_once('/')
        .map_or(server.as_str(), |(root, _)| root);
    Some(format!("{root}/{name}"))
}

/// The master key every instance the harness starts on PostgreSQL shares (stateless instances
/// need one key; a SQLite sandbox makes its own file next to the database, as for testers).
pub const POSTGRES_MASTER_KEY: &str = "d2FsbGV0LWUyZS1tYXN0ZXIta2V5LTMyLWJ5dGVzISE=";

fn is_postgres(db: &Path) -> bool {
    db.to_string_lossy().starts_with("postgres")
}

/// The real server process, killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    _dir: TempDir,
    pub db: PathBuf,
    /// Where stderr goes when started with [`Server::start_logged`].
    log: Option<PathBuf>,
    /// The `serve` flags it was started with, for [`Server::restart`].
    extra: Vec<String>,
    log_level: Option<String>,
}

impl Server {
    /// Starts `wallet-server serve --sandbox` on `127.0.0.1:0` with a fresh database. The
    /// 30-second pause between two codes to one phone is lifted so flows can run back to back;
    /// every other limit keeps its production default.
    pub fn start() -> Self {
        Self::start_with(&["--otp-min-interval-secs", "0"])
    }

    /// Starts the server with exactly the given extra `serve` flags (production defaults otherwise).
    pub fn start_with(extra: &[&str]) -> Self {
        Self::spawn(extra, None)
    }

    /// Starts an instance on the PostgreSQL database `url` (see [`postgres_database`]); any
    /// number may share one. [`Server::ledger_check`] works on it; [`Server::db_bytes`] does not.
    pub fn start_on(url: &str, extra: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = PathBuf::from(url);
        let (child, url) = spawn_server(&db, "127.0.0.1:0", extra, None, None);
        Self {
            child,
            url,
            _dir: dir,
            db,
            log: None,
            extra: extra.iter().map(|s| (*s).to_owned()).collect(),
            log_level: None,
        }
    }

    /// Like [`Server::start_with`], with every log line the server writes (`RUST_LOG=debug`)
    /// kept in a file for [`Server::log`]: for tests that prove what never reaches a log.
    pub fn start_logged(extra: &[&str]) -> Self {
        Self::spawn(extra, Some("debug"))
    }

    fn spawn(extra: &[&str], log_level: Option<&str>) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("server.db");
        let log = log_level.map(|_| dir.path().join("server.log"));
        let (child, url) = spawn_server(&db, "127.0.0.1:0", extra, log_level, log.as_deref());
        Self {
            child,
            url,
            _dir: dir,
            db,
            log,
            extra: extra.iter().map(|s| (*s).to_owned()).collect(),
            log_level: log_level.map(str::to_owned),
        }
    }

    /// Starts `wallet-server serve` with no flag at all: its database is `WALLET_SERVER_DB`
    /// (a fresh SQLite file, set here), everything else comes from `env` (`WALLET_SERVER_*`
    /// variables, `RUST_LOG`). Stderr is kept for [`Server::log`].
    pub fn start_from_env(env: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("server.db");
        let log = dir.path().join("server.log");
        let stderr = std::fs::File::create(&log).expect("server log file");
        let mut child = Command::new(server_bin())
            .arg("serve")
            .env_remove("RUST_LOG")
            .env("WALLET_SERVER_DB", &db)
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("start wallet-server");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let url = loop {
            let line = lines
                .next()
                .expect("wallet-server exited before listening")
                .expect("read stdout");
            if let Some(rest) = line.split("listening on ").nth(1) {
                break rest.trim().to_owned();
            }
        };
        std::thread::spawn(move || for _ in lines {});
        Self {
            child,
            url,
            _dir: dir,
            db,
            log: Some(log),
            extra: Vec::new(),
            log_level: None,
        }
    }

    /// Starts the server again on the same database and, when it is free again, the same
    /// address (so devices keep their `--server`). After [`Server::kill`].
    pub fn restart(&mut self) {
        self.kill();
        let addr = self.url.trim_start_matches("http://").to_owned();
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        let log = self.log.clone();
        let (child, url) = spawn_server(
            &self.db,
            &addr,
            &extra,
            self.log_level.as_deref(),
            log.as_deref(),
        );
        self.child = child;
        assert_eq!(url, self.url, "restarted on another address");
    }

    /// `wallet-server ledger check --db` on this server's database: asserts every ledger
    /// invariant holds (entries sum to zero, balances equal their entries, no negative customer
    /// balance, no reused idempotency key) and returns the tool's JSON (`transactions`, ...).
    pub fn ledger_check(&self) -> Value {
        let out = Command::new(server_bin())
            .args(["ledger", "check", "--json", "--db"])
            .arg(&self.db)
            .output()
            .expect("run ledger check");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "ledger check failed: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("ledger check JSON ({e}): {stdout}"));
        assert_eq!(v["ok"], true, "{v}");
        v
    }

    /// Runs a `wallet-server merchant ...` tool against this server with `--json`.
    pub fn merchant_tool(&self, args: &[&str]) -> Run {
        let out = Command::new(server_bin())
            .arg("merchant")
            .args(args)
            .args(["--server", &self.url, "--json"])
            .output()
            .expect("run merchant tool");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "merchant tool stdout is not JSON ({e}): {stdout:?} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        Run {
            code: out.status.code().unwrap_or(-1),
            json,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Creates a sandbox merchant with `wallet-server merchant create`.
    pub fn merchant(&self, name: &str, city: &str, mcc: &str) -> Merchant {
        let v = self
            .merchant_tool(&["create", "--name", name, "--city", city, "--mcc", mcc])
            .ok();
        Merchant {
            id: v["id"].as_str().expect("merchant id").to_owned(),
            api_key: v["api_key"].as_str().expect("api key").to_owned(),
            payload: v["payload"].as_str().expect("static payload").to_owned(),
            name: name.to_owned(),
        }
    }

    /// Everything the server wrote to stderr so far (only after [`Server::start_logged`]).
    pub fn log(&self) -> String {
        let path = self
            .log
            .as_ref()
            .expect("started with Server::start_logged");
        String::from_utf8_lossy(&std::fs::read(path).expect("read server log")).into_owned()
    }

    /// The bytes of the server's database files (the database and its WAL companions).
    pub fn db_bytes(&self) -> Vec<u8> {
        let mut all = Vec::new();
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let mut p = self.db.clone().into_os_string();
            p.push(suffix);
            if let Ok(bytes) = std::fs::read(PathBuf::from(p)) {
                all.extend_from_slice(&bytes);
            }
        }
        assert!(
            !all.is_empty(),
            "no server database at {}",
            self.db.display()
        );
        all
    }

    /// The newest OTP the sandbox SMS outbox holds for `phone`, read with the real tool.
    pub fn otp(&self, phone: &str) -> String {
        let out = Command::new(server_bin())
            .args([
                "otp", "outbox", "--phone", phone, "--server", &self.url, "--json",
            ])
            .output()
            .expect("run otp outbox");
        assert!(out.status.success(), "otp outbox failed: {out:?}");
        let v: Value = serde_json::from_slice(&out.stdout).expect("outbox json");
        v["messages"][0]["code"]
            .as_str()
            .expect("an OTP in the outbox")
            .to_owned()
    }

    /// Runs `wallet-server support ARGS --db <this server's database> --json` (what a support
    /// agent does, straight on the database while the server runs).
    pub fn support(&self, args: &[&str]) -> Run {
        let out = Command::new(server_bin())
            .arg("support")
            .args(args)
            .arg("--db")
            .arg(&self.db)
            .arg("--json")
            .envs(
                is_postgres(&self.db).then_some(("WALLET_SERVER_MASTER_KEY", POSTGRES_MASTER_KEY)),
            )
            .output()
            .expect("run support tool");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "support tool stdout is not JSON ({e}): {stdout:?} {}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        Run {
            code: out.status.code().unwrap_or(-1),
            json,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Kills the process now (a crash, not a shutdown).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

fn spawn_server(
    db: &Path,
    listen: &str,
    extra: &[&str],
    log_level: Option<&str>,
    log: Option<&Path>,
) -> (Child, String) {
    let stderr = match log {
        Some(path) => Stdio::from(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .expect("server log file"),
        ),
        None => Stdio::inherit(),
    };
    let level = match log_level {
        Some(l) => l.to_owned(),
        None => std::env::var("WALLET_E2E_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
    };
    let mut child = Command::new(server_bin())
        .args(["serve", "--db"])
        .arg(db)
        .args(["--listen", listen, "--sandbox"])
        .args(extra)
        .envs(is_postgres(db).then_some(("WALLET_SERVER_MASTER_KEY", POSTGRES_MASTER_KEY)))
        .stdout(Stdio::piped())
        .stderr(stderr)
        .env("RUST_LOG", level)
        .spawn()
        .expect("start wallet-server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("wallet-server exited before listening")
            .expect("read stdout");
        if let Some(rest) = line.split("listening on ").nth(1) {
            break rest.trim().to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// A sandbox merchant made with `wallet-server merchant create`, driven with the merchant tools.
#[derive(Debug, Clone)]
pub struct Merchant {
    pub id: String,
    pub api_key: String,
    /// Its static EMVCo payload.
    pub payload: String,
    pub name: String,
}

impl Merchant {
    fn auth<'a>(&'a self, command: &'a str) -> Vec<&'a str> {
        vec![command, "--merchant", &self.id, "--api-key", &self.api_key]
    }

    /// `merchant order`: a dynamic code (or with `phone` a remote order). Returns the order.
    pub fn order(
        &self,
        server: &Server,
        amount: &str,
        phone: Option<&str>,
        expires_in: Option<&str>,
    ) -> Value {
        let mut args = self.auth("order");
        args.extend(["--amount", amount]);
        if let Some(p) = phone {
            args.extend(["--phone", p]);
        }
        if let Some(e) = expires_in {
            args.extend(["--expires-in", e]);
        }
        server.merchant_tool(&args).ok()
    }

    /// `merchant qr`: the static payload.
    pub fn qr(&self, server: &Server) -> String {
        let v = server.merchant_tool(&self.auth("qr")).ok();
        v["payload"].as_str().expect("payload").to_owned()
    }

    /// `merchant charge-code`: what a POS does with a scanned payment code.
    pub fn charge_code(&self, server: &Server, code: &str, amount: &str) -> Run {
        let mut args = self.auth("charge-code");
        args.extend(["--code", code, "--amount", amount]);
        server.merchant_tool(&args)
    }

    /// `merchant refund`: all that is left, or `amount`.
    pub fn refund(&self, server: &Server, order_id: &str, amount: Option<&str>) -> Run {
        let mut args = self.auth("refund");
        args.extend(["--order", order_id]);
        if let Some(a) = amount {
            args.extend(["--amount", a]);
        }
        server.merchant_tool(&args)
    }

    /// `merchant show-order`.
    pub fn show_order(&self, server: &Server, order_id: &str) -> Value {
        let mut args = self.auth("show-order");
        args.extend(["--order", order_id]);
        server.merchant_tool(&args).ok()
    }
}

/// Outcome of one CLI run.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub json: Value,
    pub stderr: String,
}

impl Run {
    /// Asserts success and returns the JSON.
    pub fn ok(self) -> Value {
        assert_eq!(self.code, 0, "expected success, got {self:?}");
        self.json
    }

    /// `Ok` on success, else the error code: for runs whose outcome is the point (races).
    pub fn result(&self) -> Result<(), String> {
        if self.code == 0 {
            Ok(())
        } else {
            Err(self.json["error"]["code"]
                .as_str()
                .unwrap_or("no error code")
                .to_owned())
        }
    }

    /// Asserts a command line the CLI's parser refused: exit 2 (with --json as without) and
    /// `MALFORMED_REQUEST`; returns the error object.
    pub fn usage_err(self) -> Value {
        assert_eq!(self.code, 2, "expected exit 2 (usage), got {self:?}");
        assert_eq!(self.json["error"]["code"], "MALFORMED_REQUEST", "{self:?}");
        self.json["error"].clone()
    }

    /// Asserts failure with `code` and returns the error object.
    pub fn err(self, code: &str) -> Value {
        assert_eq!(self.code, 1, "expected exit 1, got {self:?}");
        assert_eq!(self.json["error"]["code"], code, "{self:?}");
        assert!(
            self.json["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{self:?}"
        );
        self.json["error"].clone()
    }
}

/// One device: the `wallet` CLI with its own home directory.
pub struct Device {
    pub home: TempDir,
    pub server_url: String,
    pub name: String,
}

impl Device {
    pub fn new(server: &Server, name: &str) -> Self {
        Self {
            home: tempfile::tempdir().expect("tempdir"),
            server_url: server.url.clone(),
            name: name.to_owned(),
        }
    }

    /// Runs `wallet --json ARGS`, feeding `stdin` when given.
    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_with_env(args, stdin, &[])
    }

    /// [`Device::run`] with extra environment variables (e.g. `WALLET_LOG`).
    pub fn run_with_env(&self, args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Run {
        self.run_at(&self.server_url, args, stdin, env)
    }

    /// [`Device::run`] pointed at a closed loopback port: what works with no server at all (the
    /// payment code). A profile sends nothing to a URL it was not enrolled on (anything that
    /// would talk to a server answers SERVER_MISMATCH); to take a device offline at its own URL,
    /// enrol it through a [`Relay`] and cut that.
    pub fn run_offline(&self, args: &[&str], stdin: Option<&str>) -> Run {
        self.run_at("http://127.0.0.1:9", args, stdin, &[])
    }

    fn run_at(
        &self,
        server_url: &str,
        args: &[&str],
        stdin: Option<&str>,
        env: &[(&str, &str)],
    ) -> Run {
        let mut child = Command::new(bin_dir().join("wallet"))
            .arg("--json")
            .arg("--server")
            .arg(server_url)
            .arg("--home")
            .arg(self.home.path())
            .args(args)
            .env("WALLET_DEVICE_NAME", &self.name)
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run wallet");
        {
            let mut input = child.stdin.take().expect("stdin");
            if let Some(s) = stdin {
                writeln!(input, "{s}").expect("write stdin");
            }
        }
        let out = child.wait_with_output().expect("wait wallet");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {stdout:?}"));
        Run {
            code: out.status.code().unwrap_or(-1),
            json,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// Runs `wallet ARGS` for a human (no `--json`, English): (exit code, stdout, stderr).
    pub fn run_human(&self, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
        let mut child = Command::new(bin_dir().join("wallet"))
            .arg("--server")
            .arg(&self.server_url)
            .arg("--home")
            .arg(self.home.path())
            .args(["--lang", "en"])
            .args(args)
            .env("WALLET_DEVICE_NAME", &self.name)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run wallet");
        {
            let mut input = child.stdin.take().expect("stdin");
            if let Some(s) = stdin {
                writeln!(input, "{s}").expect("write stdin");
            }
        }
        let out = child.wait_with_output().expect("wait wallet");
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Signs up through the CLI and verifies with the OTP from the outbox.
    pub fn signup(&self, server: &Server, phone: &str) -> Value {
        self.run(
            &[
                "signup",
                "--phone",
                phone,
                "--name",
                NAME,
                "--id-number",
                ID_NUMBER,
                "--password-stdin",
            ],
            Some(PASSWORD),
        )
        .ok();
        let code = server.otp(phone);
        self.run(&["verify", "--code", &code], None).ok()
    }

    /// Signs in through the CLI (password + OTP).
    pub fn login(&self, server: &Server, phone: &str) -> Value {
        self.run(
            &["login", "--phone", phone, "--password-stdin"],
            Some(PASSWORD),
        )
        .ok();
        let code = server.otp(phone);
        self.run(&["verify", "--code", &code], None).ok()
    }

    /// Sets the payment PIN through the CLI.
    pub fn set_pin(&self, pin: &str) {
        assert_eq!(
            self.run(&["pin", "set", "--pin-stdin"], Some(pin)).ok()["pin_set"],
            true
        );
    }

    /// Binds `number` through the CLI: `card bind`, the bank's OTP from the outbox of a fresh
    /// reserved phone number, `card verify`. Returns the card.
    pub fn bind_card(&self, server: &Server, number: &str) -> Value {
        let bank_phone = fresh_phone();
        let pending = self
            .run(
                &[
                    "card",
                    "bind",
                    "--number",
                    number,
                    "--bank-phone",
                    &bank_phone,
                ],
                None,
            )
            .ok();
        assert_eq!(pending["last4"], number[number.len() - 4..], "{pending}");
        let code = server.otp(&bank_phone);
        self.run(&["card", "verify", "--code", &code], None).ok()
    }

    pub fn db_path(&self) -> PathBuf {
        self.home.path().join("wallet.db")
    }

    /// Every file left in the home directory, recursively.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = vec![];
        walk(self.home.path(), &mut out);
        out
    }
}

/// One test card of the sandbox bank, as `wallet-server sandbox cards --json` lists it.
#[derive(Debug, Clone)]
pub struct TestCard {
    pub number: String,
    pub bank: String,
    pub card_type: String,
    pub outcome: String,
}

/// The sandbox bank's documented test cards, read with the real tool.
pub fn sandbox_cards() -> Vec<TestCard> {
    let out = Command::new(server_bin())
        .args(["sandbox", "cards", "--json"])
        .output()
        .expect("run sandbox cards");
    assert!(out.status.success(), "sandbox cards failed: {out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).expect("sandbox cards json");
    v["cards"]
        .as_array()
        .expect("a cards array")
        .iter()
        .map(|c| TestCard {
            number: c["number"].as_str().expect("number").to_owned(),
            bank: c["bank"].as_str().expect("bank").to_owned(),
            card_type: c["card_type"].as_str().expect("card_type").to_owned(),
            outcome: c["outcome"].as_str().expect("outcome").to_owned(),
        })
        .collect()
}

/// The sandbox test card of `bank` (`"CMB"`, ...) of `card_type` with `outcome`.
pub fn test_card(bank: &str, card_type: &str, outcome: &str) -> String {
    sandbox_cards()
        .into_iter()
        .find(|c| c.bank == bank && c.card_type == card_type && c.outcome == outcome)
        .unwrap_or_else(|| panic!("no sandbox {bank} {card_type} card with outcome {outcome}"))
        .number
}

impl Device {
    /// This device's profile opened in-process with the real `wallet-core` and the real
    /// Secret Service (what the CLI does), for what the CLI does not print: a payment code at
    /// another moment, the SVGs of a payment code.
    pub fn core(&self) -> wallet_core::Wallet {
        wallet_core::Wallet::open(
            wallet_core::WalletConfig {
                home: self.home.path().to_path_buf(),
                server_url: self.server_url.clone(),
                device_name: self.name.clone(),
                platform: "cli".into(),
            },
            std::sync::Arc::new(wallet_core::KeyringSecretStore::new()),
        )
        .expect("open the profile in-process")
    }
}

/// Paints the SVG documents this project draws (a white `rect` background, then black `rect`
/// bars or one `path` of `M x y h w v h H x V y` squares, as the `qrcode` crate writes them)
/// into a PNG, `scale` pixels per SVG unit. Not a general SVG renderer.
pub fn svg_to_png(svg: &str, scale: u32) -> Vec<u8> {
    fn attr(tag: &str, name: &str) -> Option<f64> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        let end = start + tag[start..].find('"')?;
        tag[start..end].parse().ok()
    }
    let head_end = svg.find("<svg").expect("an svg element");
    let svg_tag = &svg[head_end..head_end + svg[head_end..].find('>').expect("svg tag end")];
    let w = attr(svg_tag, "width").expect("width") as u32;
    let h = attr(svg_tag, "height").expect("height") as u32;
    let mut img = image::GrayImage::from_pixel(w * scale, h * scale, image::Luma([255]));
    let mut fill = |x: f64, y: f64, rw: f64, rh: f64| {
        for py in (y * f64::from(scale)) as u32..((y + rh) * f64::from(scale)) as u32 {
            for px in (x * f64::from(scale)) as u32..((x + rw) * f64::from(scale)) as u32 {
                if px < img.width() && py < img.height() {
                    img.put_pixel(px, py, image::Luma([0]));
                }
            }
        }
    };
    for part in svg.split('<').skip(1) {
        let dark = part.contains("fill=\"#000\"");
        if part.starts_with("rect") && dark {
            fill(
                attr(part, "x").unwrap_or(0.0),
                attr(part, "y").unwrap_or(0.0),
                attr(part, "width").expect("rect width"),
                attr(part, "height").expect("rect height"),
            );
        } else if part.starts_with("path") && dark {
            let d_start = part.find(" d=\"").expect("path data") + 4;
            let d = &part[d_start..d_start + part[d_start..].find('"').expect("path end")];
            for square in d.split('M').filter(|s| !s.is_empty()) {
                // "x y h w v h H x V y"
                let nums: Vec<f64> = square
                    .split(|c: char| c.is_ascii_alphabetic() || c == ' ')
                    .filter(|s| !s.is_empty())
                    .map(|n| n.parse().expect("path number"))
                    .collect();
                fill(nums[0], nums[1], nums[2], nums[3]);
            }
        }
    }
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .expect("encode png");
    png
}

/// What `zbarimg -q --raw` reads in the image at `path` (`None` when zbarimg finds nothing),
/// or `None` when zbarimg is not installed (then the caller says so).
pub fn zbarimg(path: &Path) -> Option<String> {
    let out = Command::new("zbarimg")
        .args(["-q", "--raw"])
        .arg(path)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
}

/// Whether `zbarimg` can be run here.
pub fn have_zbarimg() -> bool {
    Command::new("zbarimg")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A TCP relay on a loopback port that hands every connection to the server it currently points
/// at: one URL in front of interchangeable instances, as a load balancer is, since a profile
/// talks only to the URL it was enrolled on. [`Relay::cut`] closes every new connection at
/// once, so that URL stops answering (the device is offline) while the server runs on.
pub struct Relay {
    pub url: String,
    target: std::sync::Arc<std::sync::Mutex<Option<std::net::SocketAddr>>>,
}

impl Relay {
    /// A relay to `server_url` (`http://127.0.0.1:PORT`).
    pub fn to(server_url: &str) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind relay");
        let url = format!("http://{}", listener.local_addr().expect("relay address"));
        let target = std::sync::Arc::new(std::sync::Mutex::new(Some(addr_of(server_url))));
        let current = std::sync::Arc::clone(&target);
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                let to = *current.lock().unwrap_or_else(|p| p.into_inner());
                let Some(to) = to else {
                    drop(client); // cut: the client sees the connection close
                    continue;
                };
                let Ok(server) = std::net::TcpStream::connect(to) else {
                    continue;
                };
                pipe(&client, &server);
                pipe(&server, &client);
            }
        });
        Self { url, target }
    }

    /// From now on, new connections go to `server_url`.
    pub fn point_to(&self, server_url: &str) {
        *self.target.lock().unwrap_or_else(|p| p.into_inner()) = Some(addr_of(server_url));
    }

    /// From now on, new connections are closed at once.
    pub fn cut(&self) {
        *self.target.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }
}

fn addr_of(server_url: &str) -> std::net::SocketAddr {
    server_url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .parse()
        .expect("a server URL http://IP:PORT")
}

/// Copies `from` into `to` on a thread until `from` ends, then ends `to`'s writing side.
fn pipe(from: &std::net::TcpStream, to: &std::net::TcpStream) {
    let (Ok(mut from), Ok(mut to)) = (from.try_clone(), to.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(std::net::Shutdown::Write);
    });
}
