//! `wallet-server`: run the provider; tester tools (SMS outbox, sandbox cards, merchant tools,
//! ledger check).

#[path = "tools/merchant.rs"]
mod merchant;
#[path = "tools/support.rs"]
mod support;

use std::io::IsTerminal as _;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use tracing_subscriber::EnvFilter;
use wallet_protocol::api::{paths, Outbox};
use wallet_protocol::{ErrorCode, PhoneNumber, Problem};
use wallet_server::ports::sms;
use wallet_server::serve::{self, ServeOptions};
use wallet_server::store::StoreError;
use wallet_server::telemetry::logs::{self, LogFormat};
use wallet_server::{domain, ApiError, AppState, Limits, OutboxSms, Store, SystemClock};

#[derive(Debug, Parser)]
#[command(name = "wallet-server", version, about = "The Wallet payment provider")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the provider's HTTP API.
    // Boxed: its many limit and key flags make it far larger than the other commands.
    Serve(Box<ServeArgs>),
    /// Verification-code tools for testers.
    Otp {
        #[command(subcommand)]
        command: OtpCommand,
    },
    /// SMS tools for testers: deliver an inbound SMS (SMS payment, "reply Y") to a sandbox
    /// server, read the outbox.
    Sms {
        #[command(subcommand)]
        command: SmsCommand,
    },
    /// The sandbox bank's tools for testers.
    Sandbox {
        #[command(subcommand)]
        command: SandboxCommand,
    },
    /// Merchant tools that talk to a running server (what a shop's till or POS does).
    Merchant {
        #[command(subcommand)]
        command: merchant::MerchantCommand,
    },
    /// Support tools on a server's database: freeze an account, look one up (masked).
    Support {
        #[command(subcommand)]
        command: support::SupportCommand,
    },
    /// Ledger tools that read a server's database.
    Ledger {
        #[command(subcommand)]
        command: LedgerCommand,
    },
    /// Create or bring a database's schema to this build's version, then exit (what `serve`
    /// does first; run it once before starting several instances on one PostgreSQL).
    Migrate {
        /// A SQLite file path or a `postgres://USER@HOST[:PORT]/DB` URL.
        #[arg(long)]
        db: String,
        /// Print `{"engine", "schema_version"}`.
        #[arg(long)]
        json: bool,
    },
    /// The server master key that seals secrets at rest: make one, or rotate it.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Move a tester's SQLite sandbox into an empty PostgreSQL database (migrated first), then
    /// check the ledger there. The source is only read.
    Copy {
        /// The SQLite database file to copy.
        #[arg(long)]
        from: String,
        /// The target, e.g. `postgres://wallet@db.example:5432/wallet`; must hold no accounts.
        #[arg(long)]
        to: String,
        /// Print `{"schema_version", "tables": {NAME: ROWS}, "ledger_ok"}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Check every ledger invariant (docs/rules.md §Ledger) of a database; safe beside a running server.
    /// Exits 1 on a violation.
    Check {
        /// The server's SQLite database file or PostgreSQL URL.
        #[arg(long)]
        db: String,
        /// Print `{"ok": true, "accounts", "transactions", "entries", "customer_total"}`, or
        /// `{"error": {"code", "message"}}` on a violation.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum KeysCommand {
    /// Write a new random master key (32 bytes, base64) to a new file, readable by its owner
    /// only; prints its key id.
    Generate {
        /// The file to create (never overwritten).
        #[arg(long)]
        out: std::path::PathBuf,
    },
    /// Rewrap a database's data keys from the current master key to a new one (one transaction;
    /// the sealed data is untouched). Then restart every instance with the new key.
    Rewrap {
        /// The server's SQLite database file or PostgreSQL URL.
        #[arg(long)]
        db: String,
        /// The key the data keys are wrapped by now.
        #[arg(long)]
        old_key_file: std::path::PathBuf,
        /// The key to wrap them by.
        #[arg(long)]
        new_key_file: std::path::PathBuf,
        /// Print `{"master_key_id", "rewrapped"}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SandboxCommand {
    /// List the sandbox bank's test cards and what each one does.
    Cards {
        /// Print `{"cards": [{"number", "bank", "scheme", "card_type", "outcome"}]}`.
        #[arg(long)]
        json: bool,
    },
    /// List the sandbox carrier's test numbers (phone-bill payments) and what each one does.
    Carriers {
        /// Print `{"numbers": [{"phone", "outcome", "monthly_cap"}], "default_monthly_cap"}`.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// SQLite database file (created if missing), or a `postgres://USER@HOST[:PORT]/DB` URL
    /// (migrated on start; any number of instances may share it).
    #[arg(long)]
    db: String,
    /// PostgreSQL: connections this instance keeps at most.
    #[arg(long, default_value_t = 16)]
    pg_pool_size: u32,
    /// PostgreSQL: longest a statement (or a wait for a row lock) may run, in milliseconds.
    #[arg(long, default_value_t = 10_000)]
    pg_statement_timeout_ms: u64,
    /// Address to listen on; port 0 picks a free port (printed on stdout).
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: String,
    /// Sandbox mode: the sandbox bank, the SMS outbox and the tester endpoints. Without it the
    /// server refuses to start until a real bank gateway is configured (none exists yet).
    #[arg(long)]
    sandbox: bool,
    /// The master key that seals secrets at rest (base64 of 32 bytes; `keys generate`). Else
    /// `WALLET_SERVER_MASTER_KEY`; else, with --sandbox only, `DB.master-key` next to a SQLite
    /// file (or `master-key` in `$WALLET_SERVER_DATA_DIR` for PostgreSQL), created if missing.
    #[arg(long)]
    master_key_file: Option<std::path::PathBuf>,
    /// Seconds between passes of the reconciler, which asks the bank about operations whose
    /// answer was lost (timeouts, a crash mid-payment).
    #[arg(long, default_value_t = 10)]
    reconcile_interval_secs: u64,
    /// Log lines on stderr: `text` for people, or `json` (one object per line, with the
    /// request's `request_id` on every line it writes). `RUST_LOG` picks what is logged.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Serve `GET /metrics` (Prometheus text format) on this address, e.g. `127.0.0.1:9100`:
    /// an operators' address, never the public `--listen` one. Off unless given. Port 0 picks
    /// a free port (logged as `metrics listening on ...`).
    #[arg(long, value_name = "ADDR")]
    metrics_listen: Option<String>,
    #[command(flatten)]
    limits: Limits,
    #[command(flatten)]
    notices: wallet_server::domain::notices::NoticeOptions,
}

/// The command line, with every `serve` flag also read from the environment as
/// `WALLET_SERVER_<FLAG>` (`--pg-pool-size` → `WALLET_SERVER_PG_POOL_SIZE`): a flag wins over
/// the variable, the variable over the default. Switches (`--sandbox`) take `true`/`false`
/// (also `1`/`0`, `yes`/`no`); repeatable flags (`--trusted-proxy`) a comma-separated list.
/// Derived here, so a flag added later gets its variable without a line of its own.
fn command() -> clap::Command {
    Cli::command().mut_subcommand("serve", |serve| {
        let flags: Vec<(String, String)> = serve
            .get_arguments()
            .filter_map(|a| Some((a.get_id().as_str().to_owned(), a.get_long()?.to_owned())))
            .filter(|(id, _)| id != "help" && id != "version")
            .collect();
        flags.into_iter().fold(serve, |serve, (id, long)| {
            serve.mut_arg(id, |arg| {
                let name = format!(
                    "WALLET_SERVER_{}",
                    long.to_ascii_uppercase().replace('-', "_")
                );
                // Built once per process, for clap's `'static` names.
                let arg = arg.env(&*Box::leak(name.into_boxed_str()));
                match arg.get_action() {
                    clap::ArgAction::SetTrue => {
                        arg.value_parser(clap::builder::FalseyValueParser::new())
                    }
                    clap::ArgAction::Append => arg.value_delimiter(','),
                    _ => arg,
                }
            })
        })
    })
}

#[derive(Debug, Subcommand)]
enum SmsCommand {
    /// Deliver an SMS from a phone to a service number, as the SMS gateway would: a product
    /// code orders, `Y` (or `Y REF`) pays. Prints the SMS the provider sent back.
    Send {
        /// The sending phone, in any spelling.
        #[arg(long)]
        from: String,
        /// The merchant's service number (`merchant sms-products` shows it).
        #[arg(long)]
        to: String,
        /// The message text.
        #[arg(long)]
        text: String,
        /// A running sandbox server, e.g. `http://127.0.0.1:8080`.
        #[arg(long, env = "WALLET_SERVER")]
        server: String,
        /// Print `{"reply", "outcome", "reference"}`.
        #[arg(long)]
        json: bool,
    },
    /// Print the newest messages sent to a phone number (the same as `otp outbox`).
    Outbox(OutboxArgs),
}

#[derive(Debug, Subcommand)]
enum OtpCommand {
    /// Print the newest messages sent to a phone number.
    Outbox(OutboxArgs),
}

#[derive(Debug, Args)]
struct OutboxArgs {
    /// The phone number, in any spelling (`13812345678`, `+86 138 1234 5678`).
    #[arg(long)]
    phone: String,
    /// A running sandbox server to ask, e.g. `http://127.0.0.1:8080`.
    #[arg(long, conflicts_with = "db", required_unless_present = "db")]
    server: Option<String>,
    /// The server's SQLite database to read directly.
    #[arg(long)]
    db: Option<String>,
    /// Print every stored message, not only the newest (text output).
    #[arg(long)]
    all: bool,
    /// Print the `Outbox` object as JSON.
    #[arg(long)]
    json: bool,
}

/// A failure with the code every Wallet tool reports.
#[derive(Debug)]
struct CliError {
    code: ErrorCode,
    message: String,
}

impl From<ApiError> for CliError {
    fn from(e: ApiError) -> Self {
        let message = e.0.detail.clone().unwrap_or_else(|| e.0.title.clone());
        Self::new(e.code(), message)
    }
}

/// The provider's services over `store`, as `serve` builds them (sandbox SMS outbox, the
/// system clock, default limits): the tools call the same services as the routes.
fn services(store: Store) -> AppState {
    let sms = Arc::new(OutboxSms::new(store.clone()));
    AppState::new(store, sms, Arc::new(SystemClock), Limits::default(), true)
}

/// `store` unlocked for a tool that reads sealed data: the key from `file`, else
/// `WALLET_SERVER_MASTER_KEY`, else the sandbox key file of `db` (never created here).
async fn unlocked(
    store: Store,
    db: &str,
    file: Option<&std::path::Path>,
) -> Result<Store, CliError> {
    let (master, _) = wallet_server::secrets::vault::resolve_master_key(file, db, true, false)
        .map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))?;
    store
        .unlock(&master)
        .await
        .map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))
}

async fn keys(command: KeysCommand) -> ExitCode {
    use wallet_server::secrets::vault::MasterKey;
    match command {
        KeysCommand::Generate { out } => {
            let key = MasterKey::generate();
            match key.write_new_file(&out) {
                Ok(()) => {
                    println!("wrote master key {} to {}", key.id(), out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    CliError::new(ErrorCode::Internal, format!("{}: {e}", out.display()))
                        .print(false);
                    ExitCode::FAILURE
                }
            }
        }
        KeysCommand::Rewrap {
            db,
            old_key_file,
            new_key_file,
            json,
        } => {
            let result = async {
                let internal = |e: String| CliError::new(ErrorCode::Internal, e);
                let old =
                    MasterKey::from_file(&old_key_file).map_err(|e| internal(e.to_string()))?;
                let new =
                    MasterKey::from_file(&new_key_file).map_err(|e| internal(e.to_string()))?;
                let store = open_existing(&db, false)?;
                let n = store
                    .rewrap(&old, &new)
                    .await
                    .map_err(|e| internal(e.to_string()))?;
                Ok::<_, CliError>((new.id(), n))
            }
            .await;
            match result {
                Ok((id, n)) => {
                    if json {
                        println!(
                            "{}",
                            serde_json::json!({ "master_key_id": id, "rewrapped": n })
                        );
                    } else {
                        println!("{n} data keys now wrapped by master key {id}");
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    e.print(json);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Opens an existing database for a tool: a missing file is `NOT_FOUND`.
fn open_existing(db: &str, query_only: bool) -> Result<Store, CliError> {
    let opened = if query_only {
        Store::open_query_only(db)
    } else {
        Store::open_existing(db)
    };
    opened.map_err(|e| match e {
        StoreError::Missing(_) => CliError::new(ErrorCode::NotFound, e.to_string()),
        _ => CliError::new(ErrorCode::Internal, e.to_string()),
    })
}

impl CliError {
    fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// `{"error": {"code", "message"}}` on stdout with `--json`, else a line on stderr.
    fn print(&self, json: bool) {
        if json {
            let body = serde_json::json!({
                "error": { "code": self.code, "message": self.message }
            });
            println!("{body}");
        } else {
            eprintln!("error: {} ({})", self.message, self.code);
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::from_arg_matches(&command().get_matches()).unwrap_or_else(|e| e.exit());
    let default_level = match cli.command {
        Command::Serve(_) => "info",
        Command::Otp { .. }
        | Command::Sms { .. }
        | Command::Sandbox { .. }
        | Command::Merchant { .. }
        | Command::Support { .. }
        | Command::Ledger { .. }
        | Command::Migrate { .. }
        | Command::Keys { .. }
        | Command::Copy { .. } => "warn",
    };
    let log_format = match &cli.command {
        Command::Serve(args) => args.log_format,
        _ => LogFormat::Text,
    };
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let dispatch = logs::dispatch(
        log_format,
        filter,
        std::io::stderr,
        std::io::stderr().is_terminal(),
    );
    // Also routes the `log` records of dependencies into it.
    if tracing_subscriber::util::SubscriberInitExt::try_init(dispatch).is_err() {
        eprintln!("warning: logging was already set up");
    }

    match cli.command {
        Command::Serve(args) => {
            let args = *args;
            let options = ServeOptions {
                db: args.db,
                postgres: wallet_server::store::PostgresOptions {
                    pool_size: args.pg_pool_size,
                    statement_timeout: std::time::Duration::from_millis(
                        args.pg_statement_timeout_ms,
                    ),
                    ..Default::default()
                },
                listen: args.listen,
                sandbox: args.sandbox,
                master_key_file: args.master_key_file,
                limits: args.limits,
                reconcile_every: std::time::Duration::from_secs(
                    args.reconcile_interval_secs.max(1),
                ),
                notices: args.notices,
                metrics_listen: args.metrics_listen,
            };
            match serve::run(options).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Merchant { command } => merchant::run(command).await,
        Command::Support { command } => support::run(command).await,
        Command::Ledger {
            command: LedgerCommand::Check { db, json },
        } => ledger_check(&db, json).await,
        Command::Migrate { db, json } => migrate(&db, json),
        Command::Keys { command } => keys(command).await,
        Command::Copy { from, to, json } => copy(&from, &to, json).await,
        Command::Sandbox {
            command: SandboxCommand::Cards { json },
        } => {
            print_sandbox_cards(json);
            ExitCode::SUCCESS
        }
        Command::Sms {
            command:
                SmsCommand::Send {
                    from,
                    to,
                    text,
                    server,
                    json,
                },
        } => match sms_send(&server, from, to, text).await {
            Ok(answer) => {
                if json {
                    println!("{}", serde_json::json!(answer));
                } else {
                    println!("{}", answer.reply);
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                e.print(json);
                ExitCode::FAILURE
            }
        },
        Command::Sandbox {
            command: SandboxCommand::Carriers { json },
        } => {
            print_sandbox_carriers(json);
            ExitCode::SUCCESS
        }
        Command::Otp {
            command: OtpCommand::Outbox(args),
        }
        | Command::Sms {
            command: SmsCommand::Outbox(args),
        } => {
            let json = args.json;
            match outbox(&args).await {
                Ok(outbox) => {
                    print_outbox(&outbox, json, args.all);
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    e.print(json);
                    ExitCode::FAILURE
                }
            }
        }
    }
}

async fn ledger_check(db: &str, json: bool) -> ExitCode {
    let verdict = match open_existing(db, true) {
        Ok(store) => domain::support::ledger_check(&services(store))
            .await
            .map_err(CliError::from),
        Err(e) => Err(e),
    };
    match verdict {
        Ok(t) => {
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "ok": true,
                        "accounts": t.accounts,
                        "transactions": t.transactions,
                        "entries": t.entries,
                        "customer_total": t.customer_total,
                    })
                );
            } else {
                println!(
                    "ledger ok: {} accounts, {} transactions, {} entries; customers hold {}",
                    t.accounts,
                    t.transactions,
                    t.entries,
                    wallet_protocol::Money::cny(t.customer_total).display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            e.print(json);
            ExitCode::FAILURE
        }
    }
}

fn migrate(db: &str, json: bool) -> ExitCode {
    match Store::open(db) {
        Ok(store) => {
            let version = wallet_server::store::known_version();
            if json {
                println!(
                    "{}",
                    serde_json::json!({ "engine": store.engine(), "schema_version": version })
                );
            } else {
                println!("{} database at schema version {version}", store.engine());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            CliError::new(ErrorCode::Internal, e.to_string()).print(json);
            ExitCode::FAILURE
        }
    }
}

async fn copy(from: &str, to: &str, json: bool) -> ExitCode {
    let result = async {
        let source = Store::open_query_only(from).map_err(|e| match e {
            StoreError::Missing(_) => CliError::new(ErrorCode::NotFound, e.to_string()),
            e => CliError::new(ErrorCode::Internal, e.to_string()),
        })?;
        let target =
            Store::open(to).map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))?;
        let report = wallet_server::store::copy::copy_database(&source, &target)
            .await
            .map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))?;
        // The books must add up on arrival, or the copy is not to be used.
        let ledger = target
            .ledger_check()
            .await
            .map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))?
            .map_err(|broken| CliError::new(ErrorCode::Internal, broken))?;
        Ok::<_, CliError>((report, ledger))
    }
    .await;
    match result {
        Ok((report, ledger)) => {
            if json {
                let tables: serde_json::Map<String, serde_json::Value> = report
                    .tables
                    .iter()
                    .map(|(t, n)| (t.clone(), serde_json::json!(n)))
                    .collect();
                println!(
                    "{}",
                    serde_json::json!({
                        "schema_version": report.schema_version,
                        "tables": tables,
                        "ledger_ok": true,
                        "customer_total": ledger.customer_total,
                    })
                );
            } else {
                let rows: usize = report.tables.iter().map(|(_, n)| n).sum();
                println!(
                    "copied {rows} rows in {} tables at schema version {}; ledger ok, customers hold {}",
                    report.tables.len(),
                    report.schema_version,
                    wallet_protocol::Money::cny(ledger.customer_total).display()
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            e.print(json);
            ExitCode::FAILURE
        }
    }
}

fn print_sandbox_cards(json: bool) {
    use std::fmt::Write as _;
    use std::io::Write as _;
    let cards = wallet_server::ports::sandbox_bank::test_cards();
    let mut out = String::new();
    if json {
        match serde_json::to_string_pretty(&serde_json::json!({ "cards": cards })) {
            Ok(s) => out = s + "\n",
            Err(e) => eprintln!("error: {e}"),
        }
    } else {
        let _ = writeln!(
            out,
            "{:<20} {:<6} {:<11} {:<7} outcome",
            "number", "bank", "scheme", "type"
        );
        for c in cards {
            let _ = writeln!(
                out,
                "{:<20} {:<6} {:<11} {:<7} {}",
                c.number,
                c.bank.code(),
                c.scheme.name(),
                c.card_type.label_en(),
                c.outcome.as_str()
            );
        }
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

fn print_sandbox_carriers(json: bool) {
    use std::fmt::Write as _;
    use std::io::Write as _;
    use wallet_server::ports::sandbox_carrier::{test_numbers, MONTHLY_CAP_FEN};
    let numbers = test_numbers();
    let mut out = String::new();
    if json {
        let doc = serde_json::json!({ "numbers": numbers, "default_monthly_cap": MONTHLY_CAP_FEN });
        match serde_json::to_string_pretty(&doc) {
            Ok(s) => out = s + "\n",
            Err(e) => eprintln!("error: {e}"),
        }
    } else {
        let _ = writeln!(out, "{:<16} {:<10} monthly cap", "phone", "outcome");
        for n in numbers {
            let _ = writeln!(
                out,
                "{:<16} {:<10} {}",
                n.phone,
                n.outcome.as_str(),
                wallet_protocol::Money::cny(n.monthly_cap).display()
            );
        }
        let _ = writeln!(
            out,
            "any other mobile number: approve, {} a month",
            wallet_protocol::Money::cny(MONTHLY_CAP_FEN).display()
        );
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

async fn outbox(args: &OutboxArgs) -> Result<Outbox, CliError> {
    let phone = PhoneNumber::parse(&args.phone)
        .map_err(|e| CliError::new(ErrorCode::PhoneInvalid, e.to_string()))?;
    match (&args.server, &args.db) {
        (Some(server), _) => outbox_from_server(server, &phone).await,
        (None, Some(db)) => {
            let store = open_existing(db, false)?;
            sms::read_outbox(&store, &phone)
                .await
                .map_err(|e| CliError::new(ErrorCode::Internal, e.to_string()))
        }
        (None, None) => Err(CliError::new(
            ErrorCode::MalformedRequest,
            "pass --server URL or --db PATH",
        )),
    }
}

/// `sms send`: `POST /v1/sandbox/sms/inbound` on a running sandbox server.
async fn sms_send(
    server: &str,
    from: String,
    to: String,
    text: String,
) -> Result<wallet_protocol::api::InboundSmsAnswer, CliError> {
    let url = format!(
        "{}{}",
        server.trim_end_matches('/'),
        paths::SANDBOX_SMS_INBOUND
    );
    let response = reqwest::Client::new()
        .post(&url)
        .json(&wallet_protocol::api::InboundSmsRequest { from, to, text })
        .send()
        .await
        .map_err(|e| CliError::new(ErrorCode::Network, format!("{server}: {e}")))?;
    if response.status().is_success() {
        return response
            .json()
            .await
            .map_err(|e| CliError::new(ErrorCode::Protocol, e.to_string()));
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) => Err(CliError::new(p.code, p.detail.unwrap_or(p.title))),
        Err(_) => Err(CliError::new(
            ErrorCode::Protocol,
            format!("the server answered {status}"),
        )),
    }
}

async fn outbox_from_server(server: &str, phone: &PhoneNumber) -> Result<Outbox, CliError> {
    let url = format!("{}{}", server.trim_end_matches('/'), paths::SANDBOX_OUTBOX);
    let response = reqwest::Client::new()
        .get(&url)
        .query(&[("phone", phone.as_e164())])
        .send()
        .await
        .map_err(|e| CliError::new(ErrorCode::Network, format!("{server}: {e}")))?;
    if response.status().is_success() {
        return response
            .json::<Outbox>()
            .await
            .map_err(|e| CliError::new(ErrorCode::Protocol, e.to_string()));
    }
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(p) => Err(CliError::new(p.code, p.detail.unwrap_or(p.title))),
        Err(_) => Err(CliError::new(
            ErrorCode::Protocol,
            format!("the server answered {status}"),
        )),
    }
}

fn print_outbox(outbox: &Outbox, json: bool, all: bool) {
    if json {
        match serde_json::to_string_pretty(outbox) {
            Ok(s) => println!("{s}"),
            Err(e) => eprintln!("error: {e}"),
        }
        return;
    }
    if outbox.messages.is_empty() {
        println!("no messages");
    }
    let shown = if all { outbox.messages.len() } else { 1 };
    for m in outbox.messages.iter().take(shown) {
        println!(
            "{}  {}  {}  {}",
            m.code,
            m.purpose,
            m.sent_at.to_rfc3339(),
            m.body
        );
    }
}
