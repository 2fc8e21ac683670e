//! `wallet-load`: a load generator for a running `wallet-server`, through its public API only.
//!
//! A run has three phases:
//! 1. **Set-up** (not timed): one user (one device) per client, enrolled as the app enrols one
//!    (see [`setup`]); one sandbox merchant per client for the merchant scenarios; for
//!    transfers, each user looks its recipient up once, as the app does before a first transfer.
//! 2. **Timed**: every client loops its [`Scenario`] for the given seconds, concurrently (one
//!    tokio task each, sharing a connection pool).
//! 3. **Ledger check**: `wallet-server ledger check --db` on the server's database.
//!
//! Sign-ups send one SMS code each from this machine's IP: a server on default limits allows
//! 20 an hour (`--otp-per-ip-max`), 30 numbers an hour (`--signed-out-lookups-per-hour`) and 300
//! signed-out requests a minute (`--flood-per-ip-per-minute`), so larger runs need those flags
//! raised (the run says so; `tests/load/bench.sh` passes them).

// The crate's harness allows panics; this is a tool, so back to the workspace's rules.
#![deny(clippy::unwrap_used)]
#![warn(clippy::expect_used)]

pub mod api;
pub mod scenario;
pub mod setup;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use serde_json::{json, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use scenario::Scenario;

use api::Api;
use scenario::{Client, Tally};
use setup::User;

/// Enrolments running at once: each costs the server two Argon2 hashes, and the machine may
/// have few cores.
const ENROL_CONCURRENCY: usize = 4;

/// Load for a running `wallet-server`: enrols its own users and merchants, runs one scenario
/// with N concurrent clients for S seconds, then checks the ledger.
#[derive(Debug, clap::Parser)]
#[command(name = "wallet-load", version)]
pub struct Args {
    /// Base URL of the running server, e.g. http://127.0.0.1:8080 (started with --sandbox).
    /// Several instances of one provider: a comma-separated list; set-up goes through the first,
    /// and client `i` of the timed phase talks to instance `i mod n`.
    #[arg(long)]
    pub server: String,
    /// The server's database (`--db` of `serve`), for `wallet-server ledger check`.
    #[arg(long)]
    pub db: String,
    #[arg(long, value_enum)]
    pub scenario: Scenario,
    /// Concurrent clients, one user (device) each.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub clients: u32,
    /// Length of the timed phase.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub seconds: u64,
    /// One JSON object on stdout instead of a summary.
    #[arg(long)]
    pub json: bool,
    /// The `wallet-server` executable for `sandbox cards` and `ledger check`. Default: the one
    /// next to this executable, else `wallet-server` on PATH.
    #[arg(long)]
    pub server_bin: Option<PathBuf>,
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    pub scenario: Scenario,
    pub clients: u32,
    pub seconds: u64,
    /// Length of the timed phase as measured (the deadline plus the last requests in flight).
    pub elapsed: Duration,
    /// Successful operations.
    pub ops: u64,
    /// Latencies of the successful operations, sorted, in microseconds.
    pub latencies_us: Vec<u64>,
    pub errors_by_code: BTreeMap<String, u64>,
    pub aux_requests: u64,
    pub setup: Duration,
    /// Filled in after the run by [`ledger_check`].
    pub ledger_ok: bool,
}

impl Report {
    pub fn errors(&self) -> u64 {
        self.errors_by_code.values().sum()
    }

    pub fn ops_per_s(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.ops as f64 / secs
        } else {
            0.0
        }
    }

    /// Nearest-rank percentile in milliseconds; `None` without a successful operation.
    pub fn percentile_ms(&self, p: f64) -> Option<f64> {
        let n = self.latencies_us.len();
        if n == 0 {
            return None;
        }
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        let us = self.latencies_us[rank.clamp(1, n) - 1];
        Some(us as f64 / 1000.0)
    }

    /// The `--json` object.
    pub fn to_json(&self) -> Value {
        let round = |x: f64, digits: i32| {
            let f = 10f64.powi(digits);
            (x * f).round() / f
        };
        json!({
            "scenario": self.scenario.name(),
            "clients": self.clients,
            "seconds": self.seconds,
            "ops": self.ops,
            "ops_per_s": round(self.ops_per_s(), 1),
            "p50_ms": self.percentile_ms(50.0),
            "p95_ms": self.percentile_ms(95.0),
            "p99_ms": self.percentile_ms(99.0),
            "errors": self.errors(),
            "aux_requests": self.aux_requests,
            "ledger_ok": self.ledger_ok,
        })
    }

    /// The human-readable summary.
    pub fn summary(&self) -> String {
        let ms = |p| {
            self.percentile_ms(p)
                .map_or_else(|| "-".to_owned(), |v| format!("{v:.1} ms"))
        };
        let mut s = format!(
            "{}: {} client(s) for {} s: {} ops, {:.1}/s; latency p50 {}, p95 {}, p99 {}; {} errors",
            self.scenario.name(),
            self.clients,
            self.seconds,
            self.ops,
            self.ops_per_s(),
            ms(50.0),
            ms(95.0),
            ms(99.0),
            self.errors(),
        );
        if self.aux_requests > 0 {
            s.push_str(&format!(
                "; {} payment-code seed refreshes",
                self.aux_requests
            ));
        }
        s.push_str(if self.ledger_ok {
            "; ledger ok"
        } else {
            "; LEDGER CHECK FAILED"
        });
        s
    }
}

/// The `wallet-server` to run: `explicit`, else the one next to this executable, else the
/// name alone (found on PATH when run).
pub fn server_bin(explicit: Option<&Path>) -> PathBuf {
    if let Some(p) = explicit {
        return p.to_path_buf();
    }
    let sibling = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|d| d.join("wallet-server")))
        .filter(|p| p.exists());
    sibling.unwrap_or_else(|| PathBuf::from("wallet-server"))
}

/// `wallet-server ledger check --db DB --json`: `Ok(true)` when every invariant holds,
/// `Ok(false)` (the tool's output on stderr) when one is broken.
pub fn ledger_check(server_bin: &Path, db: &str) -> anyhow::Result<bool> {
    let out = Command::new(server_bin)
        .args(["ledger", "check", "--json", "--db", db])
        .output()
        .with_context(|| {
            format!(
                "running `{} ledger check` (pass --server-bin PATH)",
                server_bin.display()
            )
        })?;
    let answer: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    let ok = out.status.success() && answer["ok"] == true;
    if !ok {
        eprintln!(
            "ledger check failed: {} {}",
            String::from_utf8_lossy(&out.stdout).trim(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(ok)
}

/// Set-up and timed phase (the ledger check is the caller's).
pub async fn run(args: &Args, server_bin: &Path) -> anyhow::Result<Report> {
    let mut instances = Vec::new();
    for url in args
        .server
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        let api = Api::new(url)?;
        api.get(wallet_protocol::api::paths::HEALTH)
            .await
            .with_context(|| format!("the server at {url} does not answer"))?;
        instances.push(api);
    }
    let api = instances
        .first()
        .cloned()
        .context("--server names no server")?;
    let scenario = args.scenario;
    let clients = args.clients as usize;

    let setup_started = Instant::now();
    eprintln!(
        "set-up: enrolling users ({clients}){} ...",
        if scenario.needs_merchant() {
            " and merchants (as many)"
        } else {
            ""
        }
    );
    let card = setup::approving_debit_card(server_bin)?;
    // A transfer needs a second user even with one client.
    let users = if scenario == Scenario::Transfer {
        clients.max(2)
    } else {
        clients
    };
    let topup = if scenario.needs_balance() {
        setup::START_BALANCE_FEN
    } else {
        0
    };
    let mut users = enrol_all(&api, &card, topup, users).await?;
    let mut merchants = Vec::new();
    if scenario.needs_merchant() {
        for n in 0..clients {
            merchants.push(Arc::new(setup::merchant(&api, n + 1).await?));
        }
    }
    let recipients: Vec<Option<String>> = if scenario == Scenario::Transfer {
        let phones: Vec<String> = users.iter().map(|u| u.phone.clone()).collect();
        let mut out = Vec::new();
        for (i, user) in users.iter().enumerate().take(clients) {
            let to = &phones[(i + 1) % phones.len()];
            setup::look_up_recipient(&api, user, to).await?;
            out.push(Some(to.clone()));
        }
        out
    } else {
        vec![None; clients]
    };
    users.truncate(clients);
    let setup = setup_started.elapsed();
    eprintln!("set-up done in {:.1} s", setup.as_secs_f64());

    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.seconds);
    let mut tasks = JoinSet::new();
    for (i, (user, recipient)) in users.into_iter().zip(recipients).enumerate() {
        let client = Client {
            user,
            merchant: merchants.get(i).cloned(),
            recipient,
        };
        let api = instances[i % instances.len()].clone();
        tasks.spawn(scenario::run(api, scenario, client, deadline));
    }
    let mut all = Tally::default();
    while let Some(done) = tasks.join_next().await {
        let tally = done.context("a client task panicked")?;
        all.latencies_us.extend(tally.latencies_us);
        for (code, n) in tally.errors {
            *all.errors.entry(code).or_default() += n;
        }
        all.aux_requests += tally.aux_requests;
    }
    let elapsed = started.elapsed();
    all.latencies_us.sort_unstable();
    Ok(Report {
        scenario,
        clients: args.clients,
        seconds: args.seconds,
        elapsed,
        ops: all.latencies_us.len() as u64,
        latencies_us: all.latencies_us,
        errors_by_code: all.errors,
        aux_requests: all.aux_requests,
        setup,
        ledger_ok: false,
    })
}

/// Enrols `n` users, [`ENROL_CONCURRENCY`] at a time; the first failure stops the rest.
async fn enrol_all(api: &Api, card: &str, topup: i64, n: usize) -> anyhow::Result<Vec<User>> {
    let permits = Arc::new(Semaphore::new(ENROL_CONCURRENCY));
    let mut tasks = JoinSet::new();
    for _ in 0..n {
        let (api, card, permits) = (api.clone(), card.to_owned(), permits.clone());
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await?;
            setup::enrol(&api, &card, topup, n).await
        });
    }
    let mut users = Vec::with_capacity(n);
    while let Some(done) = tasks.join_next().await {
        match done.context("an enrolment task panicked")? {
            Ok(user) => users.push(user),
            Err(e) => {
                tasks.abort_all();
                return Err(e);
            }
        }
    }
    if users.len() != n {
        bail!("enrolled {} users of {n}", users.len());
    }
    Ok(users)
}
