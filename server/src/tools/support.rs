//! `wallet-server support ...`: what a support agent does for a caller who lost their phone
//! (DESIGN §9), straight on the server's database like `otp outbox --db`. Personal data is
//! shown masked: the phone, the name, the last 4 of the ID number.

use std::process::ExitCode;

use clap::{Args, Subcommand};
use serde_json::{json, Value};
use wallet_protocol::identity::mask_name;
use wallet_protocol::phone::mask_e164;
use wallet_protocol::{ErrorCode, PhoneNumber};
use wallet_server::store::{AccountRow, FreezeScope, StoreError};
use wallet_server::Store;

use super::CliError;

#[derive(Debug, Args)]
pub struct Target {
    /// The account's phone number, in any spelling.
    #[arg(long)]
    phone: String,
    /// The server's SQLite database file.
    #[arg(long)]
    db: String,
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

fn internal(e: impl std::fmt::Display) -> CliError {
    CliError::new(ErrorCode::Internal, e.to_string())
}

async fn open(target: &Target) -> Result<(Store, AccountRow), CliError> {
    let phone = PhoneNumber::parse(&target.phone)
        .map_err(|e| CliError::new(ErrorCode::PhoneInvalid, e.to_string()))?;
    let store = Store::open_existing(&target.db).map_err(|e| match e {
        StoreError::Missing(_) => CliError::new(ErrorCode::NotFound, e.to_string()),
        _ => internal(e),
    })?;
    let account = store
        .account_by_phone(phone.as_e164())
        .await
        .map_err(internal)?
        .ok_or_else(|| CliError::new(ErrorCode::NotFound, "no account has this phone number"))?;
    Ok((store, account))
}

async fn freeze(target: &Target, reason: &str) -> Result<(Value, String), CliError> {
    let (store, account) = open(target).await?;
    let reason: String = reason
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let outcome = store
        .freeze(
            &account.id,
            FreezeScope::All,
            &format!("support: {reason}"),
            chrono::Utc::now().timestamp(),
        )
        .await
        .map_err(internal)?;
    let value = json!({
        "account_id": account.id,
        "phone_masked": mask_e164(&account.phone),
        "frozen": true,
        "already_frozen": outcome.already_frozen,
        "devices_revoked": outcome.revoked.len(),
    });
    let text = format!(
        "{} frozen{}; {} device(s) revoked\n",
        mask_e164(&account.phone),
        if outcome.already_frozen {
            " (already was)"
        } else {
            ""
        },
        outcome.revoked.len()
    );
    Ok((value, text))
}

fn time(secs: i64) -> Value {
    chrono::DateTime::from_timestamp(secs, 0).map_or(Value::Null, |t| Value::String(t.to_rfc3339()))
}

async fn lookup(target: &Target) -> Result<(Value, String), CliError> {
    let (store, account) = open(target).await?;
    let guard = store.account_guard(&account.id).await.map_err(internal)?;
    let now = chrono::Utc::now().timestamp();
    let state = if guard.frozen_at.is_some() {
        "frozen"
    } else if guard.cooling_off_until.is_some_and(|u| u > now) {
        "cooling_off"
    } else {
        "active"
    };
    let devices = store.all_devices(&account.id).await.map_err(internal)?;
    let events = store
        .security_log(&account.id, None, 20)
        .await
        .map_err(internal)?;
    let id_last4: String = {
        let chars: Vec<char> = account.id_number.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    };
    let value = json!({
        "account_id": account.id,
        "phone_masked": mask_e164(&account.phone),
        "name_masked": mask_name(&account.name),
        "id_last4": id_last4,
        "state": state,
        "frozen_since": guard.frozen_at.map_or(Value::Null, time),
        "cooling_off_until": guard.cooling_off_until.filter(|u| *u > now).map_or(Value::Null, time),
        "sms_login_enabled": guard.sms_login_enabled,
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
        mask_e164(&account.phone),
        mask_name(&account.name),
        id_last4,
        state
    );
    for d in &devices {
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
    for e in &events {
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
