//! `wallet-server support ...`: what a support agent does for a caller who lost their phone
//! (docs/rules.md §Lost phone), straight on the server's database like `otp outbox --db`. Personal data is
//! shown masked: the phone, the name, the last 4 of the ID number.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{json, Value};
use wallet_server::domain::support;
use wallet_server::AppState;

use super::CliError;

#[derive(Debug, Args)]
pub struct Target {
    /// The account's phone number, in any spelling.
    #[arg(long)]
    phone: String,
    /// The server's SQLite database file.
    #[arg(long)]
    db: String,
    /// The server's master key file (ID numbers are sealed); else `WALLET_SERVER_MASTER_KEY`,
    /// else the sandbox key file next to the database.
    #[arg(long)]
    master_key_file: Option<std::path::PathBuf>,
    /// Print one JSON object.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Subcommand)]
pub enum SupportCommand {
    /// Freeze an account at once (the caller proved who they are to support): every device is
    /// revoked and no money moves until the holder unfreezes it on a new device.
    Freeze {
        #[command(flatten)]
        target: Target,
        /// Why, for the holder's security log (no personal data).
        #[arg(long, default_value = "call to support")]
        reason: String,
    },
    /// Show an account's state, devices and recent security events (masked).
    Lookup {
        #[command(flatten)]
        target: Target,
    },
}

pub async fn run(command: SupportCommand) -> ExitCode {
    let (json, result) = match command {
        SupportCommand::Freeze { target, reason } => (target.json, freeze(&target, &reason).await),
        SupportCommand::Lookup { target } => (target.json, lookup(&target).await),
    };
    match result {
        Ok((value, text)) => {
            if json {
                println!("{value}");
            } else {
                print!("{text}");
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            e.print(json);
            ExitCode::FAILURE
        }
    }
}

async fn open(target: &Target) -> Result<AppState, CliError> {
    let store = super::open_existing(&target.db, false)?;
    let store = super::unlocked(store, &target.db, target.master_key_file.as_deref()).await?;
    Ok(super::services(store))
}

async fn freeze(target: &Target, reason: &str) -> Result<(Value, String), CliError> {
    let state = open(target).await?;
    let done = support::freeze(&state, &target.phone, reason).await?;
    let value = json!({
        "account_id": done.account_id,
        "phone_masked": done.phone_masked,
        "frozen": true,
        "already_frozen": done.already_frozen,
        "devices_revoked": done.devices_revoked,
    });
    let text = format!(
        "{} frozen{}; {} device(s) revoked\n",
        done.phone_masked,
        if done.already_frozen {
            " (already was)"
        } else {
            ""
        },
        done.devices_revoked
    );
    Ok((value, text))
}

fn time(secs: i64) -> Value {
    chrono::DateTime::from_timestamp(secs, 0).map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

async fn lookup(target: &Target) -> Result<(Value, String), CliError> {
    let state = open(target).await?;
    let review = support::lookup(&state, &target.phone).await?;
    let (devices, events) = (&review.devices, &review.security_log);
    let value = json!({
        "account_id": review.account_id,
        "phone_masked": review.phone_masked,
        "name_masked": review.name_masked,
        "id_last4": review.id_last4,
        "state": review.state,
        "frozen_since": review.frozen_since.map_or(Value::Null, time),
        "cooling_off_until": review.cooling_off_until.map_or(Value::Null, time),
        "sms_login_enabled": review.sms_login_enabled,
        "devices": devices.iter().map(|d| json!({
            "device_id": d.id,
            "name": d.name,
            "platform": d.platform,
            "enrolled_at": time(d.enrolled_at),
            "last_seen_at": time(d.last_seen_at),
            "revoked_at": d.revoked_at.map_or(Value::Null, time),
        })).collect::<Vec<_>>(),
        "security_log": events.iter().map(|e| json!({
            "id": e.id,
            "kind": e.kind.as_str(),
            "at": time(e.at),
            "device_name": e.device_name,
            "detail": e.detail,
        })).collect::<Vec<_>>(),
    });
    let mut text = format!(
        "{}  {}  ID ****{}  {}\n",
        review.phone_masked, review.name_masked, review.id_last4, review.state
    );
    for d in devices {
        text.push_str(&format!(
            "  device {}  {} ({})  {}\n",
            d.id,
            d.name,
            d.platform,
            if d.revoked_at.is_some() {
                "revoked"
            } else {
                "active"
            }
        ));
    }
    for e in events {
        text.push_str(&format!(
            "  {}  {}  {}\n",
            value_str(&time(e.at)),
            e.kind.as_str(),
            e.detail.as_deref().unwrap_or("")
        ));
    }
    Ok((value, text))
}

fn value_str(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}
