//! Harness for the end-to-end tests: starts the real `wallet-server` binary on a free loopback
//! port with a temporary database, and drives the real `wallet` CLI with one home per device.
//! Nothing here fakes a part of ours. Build the binaries first (`cargo build --workspace --bins`;
//! `scripts/test.sh` does) and run inside a Secret Service session (`scripts/test.sh` does).
#![allow(clippy::expect_used, clippy::unwrap_used)] // test harness: a panic is a failed test

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
    let exe = std::env::current_exe().expect("current exe");
    // target/debug/deps/<test> -> target/debug
    let dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("target dir")
        .to_path_buf();
    for bin in ["wallet-server", "wallet"] {
        assert!(
            dir.join(bin).exists(),
            "{bin} is not built in {}: run `cargo build --workspace --bins` first",
            dir.display()
        );
    }
    dir
}

/// A distinct valid mainland mobile number per call, so tests never collide.
pub fn fresh_phone() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id() % 10_000;
    format!("138{pid:04}{n:04}")
}

/// The real server process, killed on drop.
pub struct Server {
    child: Child,
    pub url: String,
    _dir: TempDir,
    pub db: PathBuf,
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
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("server.db");
        let mut child = Command::new(bin_dir().join("wallet-server"))
            .args(["serve", "--db"])
            .arg(&db)
            .args(["--listen", "127.0.0.1:0", "--sandbox"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .env(
                "RUST_LOG",
                std::env::var("WALLET_E2E_SERVER_LOG").unwrap_or_else(|_| "warn".into()),
            )
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
        Self {
            child,
            url,
            _dir: dir,
            db,
        }
    }

    /// The newest OTP the sandbox SMS outbox holds for `phone`, read with the real tool.
    pub fn otp(&self, phone: &str) -> String {
        let out = Command::new(bin_dir().join("wallet-server"))
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
        let mut child = Command::new(bin_dir().join("wallet"))
            .arg("--json")
            .arg("--server")
            .arg(&self.server_url)
            .arg("--home")
            .arg(self.home.path())
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
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is not one JSON object ({e}): {stdout:?}"));
        Run {
            code: out.status.code().unwrap_or(-1),
            json,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
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
