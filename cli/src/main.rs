//! `wallet`: the scriptable command-line client for testers (DESIGN §13).
//!
//! Every command is one call to [`wallet_core::Wallet`] plus output formatting: no business
//! logic lives here. Secrets are read from stdin, never taken as arguments. With `--json` the
//! only thing on stdout is one JSON object, and a failure exits 1 with `{"error": {...}}`.

mod i18n;
mod output;

use std::io::BufRead as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use wallet_core::{ErrorCode, SignupInput, Wallet, WalletConfig, WalletError};
use zeroize::Zeroizing;

use crate::i18n::Lang;
use crate::output::Out;

#[derive(Debug, Parser)]
#[command(name = "wallet", version, about = "Wallet command-line client")]
struct Cli {
    /// Provider base URL (plain http:// only to this computer).
    #[arg(
        long,
        global = true,
        env = "WALLET_SERVER",
        default_value = "http://127.0.0.1:8080"
    )]
    server: String,
    /// Profile directory: its encrypted database and settings live here.
    /// Default: the OS data directory + `wallet/default`.
    #[arg(long, global = true, env = "WALLET_HOME")]
    home: Option<PathBuf>,
    /// Print exactly one JSON object on stdout.
    #[arg(long, global = true)]
    json: bool,
    /// Language of messages for humans (default: from LANG).
    #[arg(long, global = true, env = "WALLET_LANG", value_enum)]
    lang: Option<Lang>,
    /// Name shown in the device list (default: "wallet CLI on <hostname>").
    #[arg(long, global = true, env = "WALLET_DEVICE_NAME")]
    device_name: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Start a sign-up; an SMS code is sent. Then: wallet verify --code OTP
    Signup {
        #[arg(long)]
        phone: String,
        /// Real name as on the resident ID card.
        #[arg(long)]
        name: String,
        #[arg(long)]
        id_number: String,
        /// Read the login password from one line of stdin (required: secrets are never arguments).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Complete the pending sign-up or sign-in with the SMS code; enrols this device.
    Verify {
        #[arg(long)]
        code: String,
    },
    /// Sign in on this device; an SMS code is sent. Then: wallet verify --code OTP
    Login {
        #[arg(long)]
        phone: String,
        /// Read the login password from one line of stdin.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Show the signed-in account.
    Whoami,
    /// List the account's devices, or sign one out.
    Devices {
        #[command(subcommand)]
        action: Option<DevicesAction>,
    },
    /// Sign this device out and delete its local data.
    Logout,
}

#[derive(Debug, Subcommand)]
enum DevicesAction {
    /// Sign a device out (it wipes its local data on its next contact).
    Revoke { id: String },
}

fn main() -> ExitCode {
    let raw_args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = match Cli::try_parse_from(&raw_args) {
        Ok(cli) => cli,
        Err(e) => {
            use clap::error::ErrorKind;
            let json = raw_args.iter().any(|a| a == "--json");
            if json && !matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
                // clap's text without the usage block, on one line.
                let text = e.to_string();
                let summary = text
                    .lines()
                    .take_while(|l| !l.starts_with("Usage:"))
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                let err = WalletError::new(
                    ErrorCode::MalformedRequest,
                    summary.trim_start_matches("error: "),
                );
                Out::new(true, Lang::En).error(&err);
                return ExitCode::FAILURE;
            }
            e.exit();
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WALLET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        .init();

    let out = Out::new(cli.json, cli.lang.unwrap_or_else(Lang::from_env));
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            out.error(&WalletError::new(ErrorCode::Internal, e.to_string()));
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli, &out)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out.error(&e);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, out: &Out) -> Result<(), WalletError> {
    let wallet = open_wallet(&cli)?;
    match cli.command {
        Command::Signup {
            phone,
            name,
            id_number,
            password_stdin: _,
        } => {
            let input = SignupInput {
                phone,
                name,
                id_number,
                password: read_secret_line()?.to_string(),
            };
            out.password_warning(&Wallet::signup_password_strength(&input));
            out.pending(&wallet.signup(input).await?);
        }
        Command::Login {
            phone,
            password_stdin: _,
        } => {
            let password = read_secret_line()?;
            out.pending(&wallet.login(phone, password.to_string()).await?);
        }
        Command::Verify { code } => out.profile(&wallet.verify(code).await?, true),
        Command::Whoami => out.profile(&wallet.whoami().await?, false),
        Command::Devices { action: None } => out.devices(&wallet.devices().await?),
        Command::Devices {
            action: Some(DevicesAction::Revoke { id }),
        } => {
            wallet.revoke_device(id.clone()).await?;
            out.revoked(&id);
        }
        Command::Logout => {
            wallet.logout().await?;
            out.logged_out();
        }
    }
    Ok(())
}

fn open_wallet(cli: &Cli) -> Result<Wallet, WalletError> {
    let home = match &cli.home {
        Some(h) => h.clone(),
        None => default_home().ok_or_else(|| {
            WalletError::new(
                ErrorCode::StoreIo,
                "No data directory found: pass --home DIR or set WALLET_HOME",
            )
        })?,
    };
    let config = WalletConfig {
        home,
        server_url: cli.server.clone(),
        device_name: cli
            .device_name
            .clone()
            .unwrap_or_else(|| format!("wallet CLI on {}", hostname())),
        platform: "cli".to_owned(),
    };
    Wallet::open(config, secret_store()?)
}

#[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
fn secret_store() -> Result<Arc<dyn wallet_core::SecretStore>, WalletError> {
    Ok(Arc::new(wallet_core::KeyringSecretStore::new()))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn secret_store() -> Result<Arc<dyn wallet_core::SecretStore>, WalletError> {
    Err(WalletError::new(
        ErrorCode::SecretStoreUnavailable,
        "The wallet CLI has no secret store on this platform",
    ))
}

/// One line of stdin, without its line ending. Kept out of argv and the environment.
fn read_secret_line() -> Result<Zeroizing<String>, WalletError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| WalletError::new(ErrorCode::MalformedRequest, format!("stdin: {e}")))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err(WalletError::new(
            ErrorCode::MalformedRequest,
            "Expected the password as one line on stdin",
        ));
    }
    Ok(trimmed)
}

/// The OS per-user data directory, following each platform's convention.
fn default_home() -> Option<PathBuf> {
    let env_dir = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "windows") {
        env_dir("APPDATA")
    } else if cfg!(target_os = "macos") {
        env_dir("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env_dir("XDG_DATA_HOME").or_else(|| env_dir("HOME").map(|h| h.join(".local/share")))
    }?;
    Some(base.join("wallet").join("default"))
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .or_else(|| std::env::var("COMPUTERNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this computer".to_owned())
}
