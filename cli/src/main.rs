//! `wallet`: the scriptable command-line client for testers (docs/rules.md §CLI).
//!
//! Every command is one call to [`wallet_core::Wallet`] plus output formatting: no business
//! logic lives here. Secrets are read from stdin, never taken as arguments. With `--json` the
//! only thing on stdout is one JSON object, and a failure exits 1 with `{"error": {...}}`.

mod i18n;
mod manual;
mod output;
mod table;

use std::io::{BufRead as _, IsTerminal as _};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{ArgGroup, CommandFactory as _, Parser, Subcommand};
use wallet_core::{
    CardsOnPhoneChange, Category, ErrorCode, HistoryQuery, HistorySync, OperationKind,
    OperationStatus, PayQrInput, PaycodeSettingsInput, PaycodeView, PhoneChangeFinish,
    PhoneChangeInput, ReportLostInput, SignupInput, TopUpInput, TransferInput, Wallet,
    WalletConfig, WalletError, WithdrawInput,
};
use zeroize::Zeroizing;

use crate::i18n::{Lang, LangArg, Msg};
use crate::output::Out;

/// Exit status of a command line that does not parse (clap's own), with or without --json.
const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "wallet",
    version,
    about = "Wallet command-line client",
    long_about = "Wallet command-line client: the scriptable client of the Wallet app, for testers.\n\n\
        With --json the only thing on stdout is one JSON object. Secrets (passwords, PINs) are \
        read from stdin, never taken as arguments.\n\n\
        Exit status: 0 success; 1 failure (with --json: {\"error\": {\"code\", \"message\"}}, \
        the code stable, e.g. CARD_DECLINED); 2 a command line that does not parse (unknown \
        command or flag, missing or conflicting arguments; with --json: {\"error\": {\"code\": \
        \"MALFORMED_REQUEST\", \"message\", \"usage\"}})."
)]
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
    lang: Option<LangArg>,
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
    ///
    /// With the password (--password-stdin), or with --sms the SMS code alone, which works
    /// only when the account holder switched it on (`wallet settings sms-login on`);
    /// otherwise SMS_LOGIN_DISABLED.
    #[command(verbatim_doc_comment)]
    #[command(group(ArgGroup::new("how").required(true).args(["password_stdin", "sms"])))]
    Login {
        #[arg(long)]
        phone: String,
        /// Read the login password from one line of stdin.
        #[arg(long)]
        password_stdin: bool,
        /// Sign in with the SMS code alone (no password).
        #[arg(long, conflicts_with = "password_stdin")]
        sms: bool,
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
    /// The payment PIN (6 digits): set, change, reset, status.
    Pin {
        #[command(subcommand)]
        action: PinAction,
    },
    /// Bank cards: inspect a number (offline), bind, verify, list, default, unbind, report lost.
    Card {
        #[command(subcommand)]
        action: CardAction,
    },
    /// Top up the wallet from a bound card (the default card unless --card); the PIN is read
    /// from stdin.
    ///
    /// Prints the operation. `succeeded` and `pending` (the bank has not answered yet; `wallet
    /// balance` shows the outcome) exit 0. A payment the bank refused is an operation with status
    /// `failed`: exit 1, and with --json `{"error": {"code": <failure code, e.g. CARD_DECLINED>,
    /// "message", "operation": {...}}}`.
    #[command(verbatim_doc_comment)]
    Topup {
        /// Amount in yuan: 100, 12.30, ¥1,000.
        #[arg(allow_hyphen_values = true)]
        amount: String,
        /// Card id (from `wallet card list`).
        #[arg(long)]
        card: Option<String>,
        /// Read the payment PIN from one line of stdin (required: secrets are never arguments).
        #[arg(long, required = true)]
        pin_stdin: bool,
        /// Retrying with the same key (8-64 of A-Z a-z 0-9 - _) never moves money twice.
        /// A fresh key is made when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Withdraw from the wallet to a bound debit card; the PIN is read from stdin.
    ///
    /// Prints the operation, with the fee kept and what the card receives. Exit codes and JSON
    /// as for `wallet topup`: a `failed` operation exits 1 with its failure code in `error`.
    #[command(verbatim_doc_comment)]
    Withdraw {
        /// Amount in yuan taken from the wallet balance: 30, 12.30.
        #[arg(allow_hyphen_values = true)]
        amount: String,
        /// Card id (from `wallet card list`); the default card when absent.
        #[arg(long)]
        card: Option<String>,
        /// Read the payment PIN from one line of stdin (required: secrets are never arguments).
        #[arg(long, required = true)]
        pin_stdin: bool,
        /// Retrying with the same key never moves money twice. A fresh key is made when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// The wallet balance, today's limits and the latest operations (cached figures, marked
    /// stale, when the server cannot be reached).
    Balance,
    /// QR codes, offline: what a scanned payload is.
    Qr {
        #[command(subcommand)]
        action: QrAction,
    },
    /// Pay a merchant's QR code (scanned text, or --image of a photo/screenshot); the PIN is
    /// read from stdin.
    ///
    /// First shows the merchant the provider has on record (and a warning when the name
    /// printed in the code differs), then pays. Static codes need --amount; dynamic codes lock
    /// their amount. Codes of other networks, links and text are refused (QR_NOT_PAYABLE) and
    /// never opened. With --json: the payment operation plus `merchant` (on record),
    /// `printed_name` and `name_mismatch`.
    #[command(verbatim_doc_comment)]
    #[command(group(ArgGroup::new("source").required(true).args(["payload", "image"])))]
    Pay {
        /// The scanned text (EMVCo payload).
        payload: Option<String>,
        /// A PNG or JPEG image holding the QR code instead.
        #[arg(long, value_name = "FILE")]
        image: Option<PathBuf>,
        /// Amount in yuan, for static codes: 25, 12.50, ¥1,000.
        #[arg(long, allow_hyphen_values = true)]
        amount: Option<String>,
        /// Pay from: balance, card:ID (a bound card, see `wallet sources`) or carrier (the
        /// phone bill). Absent: the default order (`wallet sources set`).
        #[arg(long = "source", value_name = "SOURCE")]
        funding_source: Option<String>,
        /// Read the payment PIN from one line of stdin (required: secrets are never arguments).
        #[arg(long, required = true)]
        pin_stdin: bool,
        /// Retrying with the same key never pays twice. A fresh key is made when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Where payments come from: the balance, each bound card, the phone bill, and the
    /// default order used when none is chosen (payment codes always). `sources set balance
    /// card:ID carrier` sets the order: the first that can pay is used, the balance only when
    /// it covers the amount.
    #[command(verbatim_doc_comment)]
    Sources {
        #[command(subcommand)]
        action: Option<SourcesAction>,
    },
    /// The payment code to show a cashier (works offline; rotates every 30 s), or its no-PIN
    /// limits.
    #[command(args_conflicts_with_subcommands = true)]
    Paycode {
        /// Keep printing each new code as it rotates, until interrupted (one JSON line each
        /// with --json).
        #[arg(long)]
        watch: bool,
        #[command(subcommand)]
        action: Option<PaycodeAction>,
    },
    /// Orders waiting for you (remote orders, payment codes over the no-PIN limit): list,
    /// confirm with the PIN, or decline.
    Orders {
        #[command(subcommand)]
        action: Option<OrdersAction>,
    },
    /// Report a phone lost: freezes the account and signs its devices out. No sign-in needed.
    /// Identity: --name and --id-last6, or --password-stdin. The answer never says whether the
    /// phone has an account.
    #[command(group(ArgGroup::new("identity").required(true).args(["name", "password_stdin"])))]
    ReportLost {
        #[arg(long)]
        phone: String,
        /// Real name as on the resident ID card (with --id-last6).
        #[arg(long, requires = "id_last6")]
        name: Option<String>,
        /// Last 6 characters of the resident ID number (with --name).
        #[arg(long, requires = "name")]
        id_last6: Option<String>,
        /// Read the login password from one line of stdin, instead of --name and --id-last6.
        #[arg(long, conflicts_with_all = ["name", "id_last6"])]
        password_stdin: bool,
        /// Sign out only this device (the lost one); all of them when absent.
        #[arg(long)]
        device: Option<String>,
    },
    /// Unfreeze the account (on a device signed in after the freeze): the full ID number and
    /// the payment PIN from stdin. A 24-hour cooling-off follows.
    Unfreeze {
        #[arg(long)]
        id_number: String,
        /// Read the payment PIN from one line of stdin (required).
        #[arg(long, required = true)]
        pin_stdin: bool,
    },
    /// The account's state: active, frozen, or cooling off (and until when).
    Status,
    /// The security log: sign-ins, new devices, freezes, unfreezes, PIN lock-outs, card and
    /// phone-number changes (newest first).
    SecurityLog {
        /// Older entries: the `next_before` of the previous page.
        #[arg(long)]
        before: Option<String>,
    },
    /// Fetch the notices for this device since the last time (new devices, freezes, ...).
    Events,
    /// "Not me? Freeze now" from this signed-in device: freezes the account at once and signs
    /// out --device (e.g. the new device of a `new_device` notice) or, without it, every other
    /// device. This device stays signed in; unfreeze later with `wallet unfreeze`.
    #[command(verbatim_doc_comment)]
    Freeze {
        /// The device to sign out (from `wallet devices` or `wallet events`).
        #[arg(long)]
        device: Option<String>,
    },
    /// The account's settings: whether SMS-only sign-in and SMS payment ("reply Y") are on.
    /// `settings sms-login on|off` and `settings sms-pay on|off` switch them.
    Settings {
        #[command(subcommand)]
        action: Option<SettingsAction>,
    },
    /// Change the account's phone number: `phone change`, then `phone verify` with the codes.
    Phone {
        #[command(subcommand)]
        action: PhoneAction,
    },
    /// Send money to another user by phone number; the PIN is read from stdin.
    ///
    /// First looks up and prints the recipient's masked real name (`*明`). On a terminal
    /// (human output, stdin a TTY) it then asks "send ¥X to *明? [y/N]" unless --yes; with
    /// --json or a piped stdin it does not ask (scripts check the name themselves with
    /// --json: the answer carries `recipient`). Limits and the cooling-off apply. Exit codes
    /// and JSON as for `wallet topup`, plus `recipient`.
    #[command(verbatim_doc_comment)]
    Transfer {
        /// The recipient's phone number.
        #[arg(long)]
        to: String,
        /// Amount in yuan: 20, 12.50, ¥1,000.
        #[arg(allow_hyphen_values = true)]
        amount: String,
        /// Read the payment PIN from one line of stdin (required: secrets are never arguments).
        #[arg(long, required = true)]
        pin_stdin: bool,
        /// A note both sides see (at most 50 characters).
        #[arg(long)]
        note: Option<String>,
        /// Retrying with the same key never sends twice. A fresh key is made when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
        /// Do not ask for confirmation on a terminal.
        #[arg(long, short = 'y')]
        yes: bool,
    },
    /// The history of every movement, newest first, from the local encrypted store (synced
    /// first unless --offline; when the server cannot be reached the local copy is shown,
    /// marked stale). `history show ID` is one entry in detail.
    ///
    /// --search looks in merchants, counterparties and notes (Chinese substrings such as 拉面,
    /// word prefixes such as noodle). --csv FILE writes every matching entry as CSV (UTF-8 with
    /// BOM) instead of printing a page.
    #[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
    History {
        #[command(subcommand)]
        action: Option<HistoryAction>,
        #[arg(long)]
        search: Option<String>,
        /// YYYY-MM (China Standard Time).
        #[arg(long)]
        month: Option<String>,
        #[arg(long, value_enum)]
        kind: Option<KindArg>,
        /// Card id (from `wallet card list`).
        #[arg(long)]
        card: Option<String>,
        /// Spending category: food, groceries, transport, travel, shopping, bills, health,
        /// education, entertainment, services, other.
        #[arg(long)]
        category: Option<String>,
        /// Entries per page (default 50, at most 500).
        #[arg(long)]
        limit: Option<u32>,
        /// Older entries: the `next_before` of the previous page.
        #[arg(long)]
        before: Option<String>,
        /// Write the matching entries to FILE as CSV.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        /// Do not sync first: only what this device already has.
        #[arg(long)]
        offline: bool,
    },
    /// A month's spending by category (succeeded payments less refunds; transfers, top-ups and
    /// withdrawals are not spending), what others sent you, and the budgets.
    Summary {
        /// YYYY-MM (China Standard Time); this month when absent.
        #[arg(long)]
        month: Option<String>,
        /// Do not sync first.
        #[arg(long)]
        offline: bool,
    },
    /// Monthly budgets per spending category (kept on this device): list, set, clear. An
    /// alert is shown when a category reaches 80% and 100% of its budget in a month.
    Budget {
        #[command(subcommand)]
        action: Option<BudgetAction>,
    },
    /// Shell completions for bash, zsh, fish, elvish or PowerShell, on stdout.
    ///
    /// bash: wallet completions bash > ~/.local/share/bash-completion/completions/wallet
    /// zsh:  wallet completions zsh > "${fpath[1]}/_wallet"
    /// fish: wallet completions fish > ~/.config/fish/completions/wallet.fish
    #[command(verbatim_doc_comment)]
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// The manual page wallet(1) in roff on stdout (`man <(wallet man)`), or with --out-dir one
    /// page per command (wallet.1, wallet-pay.1, wallet-qr-decode.1, ...) written to DIR.
    Man {
        /// Write every page into this directory instead.
        #[arg(long, value_name = "DIR")]
        out_dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum HistoryAction {
    /// One entry in detail: merchant, MCC category, status, counterparty, card, note.
    Show { id: String },
}

#[derive(Debug, Subcommand)]
enum BudgetAction {
    /// Set a category's monthly budget in yuan.
    Set {
        category: String,
        #[arg(allow_hyphen_values = true)]
        amount: String,
    },
    /// Remove a category's budget.
    Clear { category: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum KindArg {
    #[value(name = "topup")]
    Topup,
    #[value(name = "withdrawal")]
    Withdrawal,
    #[value(name = "payment")]
    Payment,
    #[value(name = "refund")]
    Refund,
    #[value(name = "transfer_out")]
    TransferOut,
    #[value(name = "transfer_in")]
    TransferIn,
}

impl From<KindArg> for OperationKind {
    fn from(k: KindArg) -> Self {
        match k {
            KindArg::Topup => Self::Topup,
            KindArg::Withdrawal => Self::Withdrawal,
            KindArg::Payment => Self::Payment,
            KindArg::Refund => Self::Refund,
            KindArg::TransferOut => Self::TransferOut,
            KindArg::TransferIn => Self::TransferIn,
        }
    }
}

#[derive(Debug, Subcommand)]
enum SettingsAction {
    /// Switch sign-in with an SMS code alone on (needs the payment PIN from stdin) or off.
    /// Off by default: when on, anyone holding the SIM card can sign in.
    #[command(name = "sms-login")]
    SmsLogin {
        #[arg(value_enum)]
        state: OnOff,
        /// Read the payment PIN from one line of stdin (needed to switch on).
        #[arg(long)]
        pin_stdin: bool,
    },
    /// Switch SMS payment on (needs the payment PIN from stdin) or off: text a product code
    /// to a merchant's service number, reply Y to pay (small caps per payment and per day).
    /// Off by default: when on, anyone holding the SIM card can pay small amounts.
    #[command(name = "sms-pay")]
    SmsPay {
        #[arg(value_enum)]
        state: OnOff,
        /// Read the payment PIN from one line of stdin (needed to switch on).
        #[arg(long)]
        pin_stdin: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
enum PhoneAction {
    /// Start changing the number: the login password from stdin, and the full ID number or
    /// (without --id-number) a code sent to the old number too. A code goes to the new number.
    /// Prints `challenge_id` (and `old_challenge_id` when the old number got a code).
    #[command(verbatim_doc_comment)]
    Change {
        #[arg(long)]
        new_phone: String,
        /// Read the login password from one line of stdin (required).
        #[arg(long, required = true)]
        password_stdin: bool,
        /// The full resident ID number, instead of a code to the old number.
        #[arg(long)]
        id_number: Option<String>,
    },
    /// Finish the change with the code sent to the new number (and the old number's code when
    /// asked), and say what happens to the cards bound under the old number.
    #[command(verbatim_doc_comment)]
    Verify {
        /// The `challenge_id` printed by `phone change`.
        #[arg(long)]
        challenge: String,
        /// The code sent to the new number.
        #[arg(long)]
        code: String,
        /// The `old_challenge_id` printed by `phone change`, when there was one.
        #[arg(long, requires = "old_code")]
        old_challenge: Option<String>,
        /// The code sent to the old number.
        #[arg(long, requires = "old_challenge")]
        old_code: Option<String>,
        /// Keep the bound cards, or unbind them all (bind them again under the new number).
        #[arg(long, value_enum)]
        cards: CardsChoice,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum CardsChoice {
    Keep,
    Unbind,
}

#[derive(Debug, Subcommand)]
enum QrAction {
    /// What a scanned payload is, offline: kind, network, payable, CRC, merchant, amount,
    /// templates; or what the QR code in a photo or screenshot says (--image), without paying.
    ///
    /// With --json, `payload` is the text exactly as given or as read from the image. A
    /// malformed EMVCo payload exits 1 with its code (QR_CRC_MISMATCH, ...) and `payload`.
    /// An image that cannot be read exits 1 with QR_IMAGE_UNREADABLE (not a PNG or JPEG, too
    /// large, missing) or QR_NOT_FOUND (no QR code in it). A link is shown as text and never
    /// opened.
    #[command(verbatim_doc_comment)]
    #[command(group(ArgGroup::new("source").required(true).args(["payload", "image"])))]
    Decode {
        /// The scanned text.
        #[arg(allow_hyphen_values = true)]
        payload: Option<String>,
        /// A PNG or JPEG image holding the QR code instead.
        #[arg(long, value_name = "FILE")]
        image: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum PaycodeAction {
    /// Show the no-PIN limits, or change them (you may lower them, or raise them up to the
    /// provider's ceilings; --off makes every payment-code payment wait for your PIN).
    /// Switching on (--on) or raising a limit needs the payment PIN (--pin-stdin); lowering or
    /// --off does not. Your other devices are told of every change.
    Limits {
        /// Most one payment may take without the PIN, in yuan.
        #[arg(long, value_name = "A")]
        per_payment: Option<String>,
        /// Most all no-PIN payments of a day may take, in yuan.
        #[arg(long, value_name = "A")]
        daily: Option<String>,
        /// Switch no-PIN payments off.
        #[arg(long, conflicts_with = "on")]
        off: bool,
        /// Switch no-PIN payments on.
        #[arg(long)]
        on: bool,
        /// Read the payment PIN from one line of stdin (needed to switch on or raise a limit).
        #[arg(long)]
        pin_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SourcesAction {
    /// Set the default order: each of balance, card:ID, carrier at most once, first first.
    Set {
        #[arg(required = true, value_name = "SOURCE")]
        order: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
enum OrdersAction {
    /// Pay a waiting order; the PIN is read from stdin.
    Confirm {
        id: String,
        /// Pay from: balance, card:ID or carrier (the phone bill). Absent: the default order.
        #[arg(long)]
        source: Option<String>,
        /// Read the payment PIN from one line of stdin (required).
        #[arg(long, required = true)]
        pin_stdin: bool,
        /// Retrying with the same key never pays twice. A fresh key is made when absent.
        #[arg(long)]
        idempotency_key: Option<String>,
    },
    /// Decline a waiting order; no money moves.
    Decline { id: String },
}

#[derive(Debug, Subcommand)]
enum PinAction {
    /// Set the first payment PIN: 6 digits, read from one line of stdin.
    Set {
        /// Read the PIN from one line of stdin (required).
        #[arg(long, required = true)]
        pin_stdin: bool,
    },
    /// Change the payment PIN: stdin holds two lines, the current PIN and then the new one.
    Change {
        /// Read the current and the new PIN from two lines of stdin (required).
        #[arg(long, required = true)]
        pin_stdin: bool,
    },
    /// Reset a forgotten or locked PIN in two steps: `--password-stdin` (the login password;
    /// an SMS code is sent), then `--code OTP --pin-stdin` (the new PIN on stdin).
    #[command(group(ArgGroup::new("step").required(true).args(["password_stdin", "code"])))]
    Reset {
        /// Step 1: read the login password from one line of stdin.
        #[arg(long, conflicts_with_all = ["code", "pin_stdin"])]
        password_stdin: bool,
        /// Step 2: the SMS code.
        #[arg(long, requires = "pin_stdin")]
        code: Option<String>,
        /// Step 2: read the new PIN from one line of stdin.
        #[arg(long, requires = "code")]
        pin_stdin: bool,
    },
    /// Whether a PIN is set and whether it is locked.
    Status,
}

#[derive(Debug, Subcommand)]
enum CardAction {
    /// What a card number is, offline (no profile or server): Luhn, length, scheme, bank,
    /// card type. An invalid number is not an error: its fields say what is wrong.
    Inspect {
        #[arg(allow_hyphen_values = true)]
        number: String,
    },
    /// Start binding a card; the bank sends a code to the phone number reserved at the bank.
    /// Then: wallet card verify --code OTP. Needs a payment PIN first.
    Bind {
        /// The card number (or --number-stdin to keep it out of the shell history).
        #[arg(long, required_unless_present = "number_stdin")]
        number: Option<String>,
        /// Read the card number from one line of stdin instead.
        #[arg(long, conflicts_with = "number")]
        number_stdin: bool,
        /// The phone number reserved at the bank for this card.
        #[arg(long)]
        bank_phone: String,
    },
    /// Complete the pending card binding with the bank's SMS code.
    Verify {
        #[arg(long)]
        code: String,
    },
    /// The bound cards, default first.
    List,
    /// Make a card the default for top-ups and withdrawals.
    Default { id: String },
    /// Unbind a card; the payment PIN is read from stdin.
    Unbind {
        id: String,
        /// Read the payment PIN from one line of stdin (required).
        #[arg(long, required = true)]
        pin_stdin: bool,
    },
    /// Report a card lost: it is suspended at once and moves no money.
    ReportLost { id: String },
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
        Err(e) => return ExitCode::from(parse_failure(&e, wants_json(&raw_args))),
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("WALLET_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .with_writer(std::io::stderr)
        .init();

    let out = Out::new(
        cli.json,
        cli.lang.map_or_else(i18n::lang_from_env, Lang::from),
    );
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
        Ok(code) => code,
        Err(e) => {
            out.error(&e);
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, out: &Out) -> Result<ExitCode, WalletError> {
    let wallet = match &cli.command {
        // Offline: no profile, no secret store, no server.
        Command::Card {
            action: CardAction::Inspect { number },
        } => {
            out.card_inspection(&Wallet::inspect_card(number));
            return Ok(ExitCode::SUCCESS);
        }
        Command::Qr {
            action: QrAction::Decode { payload, image },
        } => return qr_decode(payload.as_deref(), image.as_deref(), out),
        Command::Completions { shell } => {
            out.completions(*shell, &manual::completions(*shell, Cli::command()));
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man { out_dir: None } => {
            out.man_page(&manual::man_page(Cli::command())?);
            return Ok(ExitCode::SUCCESS);
        }
        Command::Man { out_dir: Some(dir) } => {
            out.man_pages_written(&manual::write_man_pages(Cli::command(), dir)?);
            return Ok(ExitCode::SUCCESS);
        }
        _ => open_wallet(&cli)?,
    };
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
                password: read_secret_line("the password")?.to_string(),
            };
            out.password_warning(&Wallet::signup_password_strength(&input));
            out.pending(&wallet.signup(input).await?);
        }
        Command::Login {
            phone, sms: true, ..
        } => out.pending(&wallet.login_sms(phone).await?),
        Command::Login { phone, .. } => {
            let password = read_secret_line("the password")?;
            out.pending(&wallet.login(phone, password.to_string()).await?);
        }
        Command::Verify { code } => out.profile(&wallet.verify(code).await?, true),
        Command::Whoami => out.profile(&wallet.whoami().await?, false),
        Command::ReportLost {
            phone,
            name,
            id_last6,
            password_stdin,
            device,
        } => {
            let password = if password_stdin {
                Some(read_secret_line("the password")?.to_string())
            } else {
                None
            };
            wallet
                .report_lost(ReportLostInput {
                    phone,
                    name,
                    id_last6,
                    password,
                    device_id: device,
                })
                .await?;
            out.report_lost_sent();
        }
        Command::Unfreeze {
            id_number,
            pin_stdin: _,
        } => {
            let pin = read_secret_line("the payment PIN")?;
            out.account_status(&wallet.unfreeze(id_number, pin.to_string()).await?);
        }
        Command::Status => out.account_status(&wallet.account_status().await?),
        Command::SecurityLog { before } => out.security_log(&wallet.security_log(before).await?),
        Command::Events => out.device_events(&wallet.sync_events().await?),
        Command::Freeze { device } => out.frozen_now(&wallet.freeze_account(device).await?),
        Command::Settings { action: None } => out.settings(&wallet.settings().await?, false),
        Command::Settings {
            action: Some(SettingsAction::SmsLogin { state, pin_stdin }),
        } => {
            let on = state == OnOff::On;
            let pin = if pin_stdin {
                Some(read_secret_line("the payment PIN")?)
            } else {
                None
            };
            let settings = wallet
                .set_sms_login(on, pin.as_ref().map(|p| p.to_string()))
                .await?;
            out.settings(&settings, true);
        }
        Command::Settings {
            action: Some(SettingsAction::SmsPay { state, pin_stdin }),
        } => {
            let pin = if pin_stdin {
                Some(read_secret_line("the payment PIN")?)
            } else {
                None
            };
            let settings = wallet
                .set_sms_pay(state == OnOff::On, pin.as_ref().map(|p| p.to_string()))
                .await?;
            out.sms_pay_saved(&settings);
        }
        Command::Phone {
            action:
                PhoneAction::Change {
                    new_phone,
                    password_stdin: _,
                    id_number,
                },
        } => {
            let password = read_secret_line("the password")?;
            let started = wallet
                .start_phone_change(PhoneChangeInput {
                    new_phone,
                    password: password.to_string(),
                    id_number,
                })
                .await?;
            out.phone_change_started(&started);
        }
        Command::Phone {
            action:
                PhoneAction::Verify {
                    challenge,
                    code,
                    old_challenge,
                    old_code,
                    cards,
                },
        } => {
            let profile = wallet
                .finish_phone_change(PhoneChangeFinish {
                    challenge_id: challenge,
                    code,
                    old_challenge_id: old_challenge,
                    old_code,
                    cards: match cards {
                        CardsChoice::Keep => CardsOnPhoneChange::Keep,
                        CardsChoice::Unbind => CardsOnPhoneChange::Unbind,
                    },
                })
                .await?;
            out.phone_changed(&profile, cards == CardsChoice::Unbind);
        }
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
        Command::Pin { action } => pin(&wallet, action, out).await?,
        Command::Card { action } => card(&wallet, action, out).await?,
        Command::Topup {
            amount,
            card,
            pin_stdin: _,
            idempotency_key,
        } => {
            let pin = read_secret_line("the payment PIN")?;
            let op = wallet
                .top_up(TopUpInput {
                    amount,
                    card_id: card,
                    pin: pin.to_string(),
                    idempotency_key,
                })
                .await?;
            return Ok(operation_outcome(&op, out));
        }
        Command::Withdraw {
            amount,
            card,
            pin_stdin: _,
            idempotency_key,
        } => {
            let pin = read_secret_line("the payment PIN")?;
            let op = wallet
                .withdraw(WithdrawInput {
                    amount,
                    card_id: card,
                    pin: pin.to_string(),
                    idempotency_key,
                })
                .await?;
            return Ok(operation_outcome(&op, out));
        }
        Command::Balance => out.balance(&wallet.balance().await?),
        // Answered before the wallet is opened.
        Command::Qr { .. } | Command::Completions { .. } | Command::Man { .. } => {}
        Command::Pay {
            payload,
            image,
            amount,
            funding_source,
            pin_stdin: _,
            idempotency_key,
        } => {
            let payload = match (payload, image) {
                (Some(p), _) => p,
                (None, Some(file)) => Wallet::decode_qr_image(&read_image(&file)?)?,
                // clap requires one of them.
                (None, None) => String::new(),
            };
            let payment = wallet.resolve_qr(payload.clone()).await?;
            out.qr_payment(&payment);
            let pin = read_secret_line("the payment PIN")?;
            let op = wallet
                .pay_qr(PayQrInput {
                    payload,
                    amount,
                    source: funding_source,
                    pin: pin.to_string(),
                    idempotency_key,
                })
                .await?;
            if op.status == OperationStatus::Failed {
                out.operation_failed(&op);
                return Ok(ExitCode::FAILURE);
            }
            out.payment(&op, &payment);
        }
        Command::Paycode {
            watch,
            action: None,
        } => paycode(&wallet, watch, out).await?,
        Command::Paycode {
            action:
                Some(PaycodeAction::Limits {
                    per_payment,
                    daily,
                    off,
                    on,
                    pin_stdin,
                }),
            ..
        } => {
            let current = wallet.paycode_settings().await?;
            if per_payment.is_none() && daily.is_none() && !off && !on {
                out.paycode_settings(&current, false);
            } else {
                let pin = if pin_stdin {
                    Some(read_secret_line("the payment PIN")?)
                } else {
                    None
                };
                let input = PaycodeSettingsInput {
                    no_pin_enabled: if off || on {
                        on
                    } else {
                        current.no_pin_enabled
                    },
                    no_pin_per_payment: per_payment
                        .unwrap_or_else(|| current.no_pin_per_payment.decimal()),
                    no_pin_daily: daily.unwrap_or_else(|| current.no_pin_daily.decimal()),
                    pin: pin.as_ref().map(|p| p.to_string()),
                };
                out.paycode_settings(&wallet.set_paycode_settings(input).await?, true);
            }
        }
        Command::Orders { action: None } => out.orders(&wallet.orders().await?),
        Command::Sources { action: None } => out.sources(&wallet.funding_sources().await?, false),
        Command::Sources {
            action: Some(SourcesAction::Set { order }),
        } => out.sources(&wallet.set_funding_order(order).await?, true),
        Command::Orders {
            action:
                Some(OrdersAction::Confirm {
                    id,
                    source,
                    pin_stdin: _,
                    idempotency_key,
                }),
        } => {
            let pin = read_secret_line("the payment PIN")?;
            let op = wallet
                .confirm_order_from(id, pin.to_string(), idempotency_key, source)
                .await?;
            return Ok(operation_outcome(&op, out));
        }
        Command::Orders {
            action: Some(OrdersAction::Decline { id }),
        } => out.order_declined(&wallet.decline_order(id).await?),
        Command::Transfer {
            to,
            amount,
            pin_stdin: _,
            note,
            idempotency_key,
            yes,
        } => {
            let recipient = wallet.lookup_recipient(to.clone()).await?;
            out.recipient(&recipient);
            let ask = !cli.json && !yes && std::io::stdin().is_terminal();
            if ask {
                let money = Wallet::parse_amount(&amount)?;
                eprint!("{}", out.confirm_transfer_prompt(money, &recipient));
                let mut answer = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut answer)
                    .map_err(|e| {
                        WalletError::new(ErrorCode::MalformedRequest, format!("stdin: {e}"))
                    })?;
                if !matches!(answer.trim().to_lowercase().as_str(), "y" | "yes" | "是") {
                    out.transfer_cancelled();
                    return Ok(ExitCode::FAILURE);
                }
            }
            let pin = read_secret_line("the payment PIN")?;
            let op = wallet
                .transfer(TransferInput {
                    to_phone: to,
                    amount,
                    note,
                    pin: pin.to_string(),
                    idempotency_key,
                })
                .await?;
            if op.status == OperationStatus::Failed {
                out.operation_failed(&op);
                return Ok(ExitCode::FAILURE);
            }
            out.transfer_done(&op, &recipient);
        }
        Command::History {
            action: Some(HistoryAction::Show { id }),
            ..
        } => out.history_entry(&wallet.history_entry(id)?),
        Command::History {
            action: None,
            search,
            month,
            kind,
            card,
            category,
            limit,
            before,
            csv,
            offline,
        } => {
            let query = HistoryQuery {
                search,
                month,
                kind: kind.map(Into::into),
                card_id: card,
                category: category.as_deref().map(parse_category).transpose()?,
                before,
                limit,
            };
            let (synced, stale) = sync_first(&wallet, offline).await?;
            match csv {
                Some(path) => {
                    let text = wallet.export_history_csv(query)?;
                    std::fs::write(&path, text.as_bytes()).map_err(|e| {
                        WalletError::new(ErrorCode::StoreIo, format!("{}: {e}", path.display()))
                    })?;
                    out.csv_written(&path, text.len(), synced.as_ref(), stale);
                }
                None => out.history(&wallet.history(query)?, synced.as_ref(), stale),
            }
        }
        Command::Summary { month, offline } => {
            let (synced, stale) = sync_first(&wallet, offline).await?;
            out.summary(&wallet.monthly_summary(month)?, synced.as_ref(), stale);
        }
        Command::Budget { action: None } => out.budgets(&wallet.budgets()?),
        Command::Budget {
            action: Some(BudgetAction::Set { category, amount }),
        } => {
            let category = parse_category(&category)?;
            wallet.set_budget(category, Some(amount))?;
            let monthly = wallet
                .budgets()?
                .into_iter()
                .find(|b| b.category == category)
                .map(|b| b.monthly);
            out.budget_changed(category, monthly);
        }
        Command::Budget {
            action: Some(BudgetAction::Clear { category }),
        } => {
            let category = parse_category(&category)?;
            wallet.set_budget(category, None)?;
            out.budget_changed(category, None);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the command line asks for JSON: `--json` anywhere before a `--` (after it, it is a
/// value). Decided before parsing, for the answer to a command line that does not parse.
fn wants_json(args: &[std::ffi::OsString]) -> bool {
    args.iter()
        .skip(1)
        .take_while(|a| *a != "--")
        .any(|a| a == "--json")
}

/// A usage error as the CLI reports it with --json: `MALFORMED_REQUEST`, clap's message on one
/// line, and clap's usage line when it shows one; `None` for --help and --version, which are
/// not errors.
fn usage_error(e: &clap::Error) -> Option<(WalletError, Option<String>)> {
    // clap gives --help and --version exit status 0, every refusal 2.
    if e.exit_code() == 0 {
        return None;
    }
    let text = e.render().to_string();
    let usage = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage: "))
        .map(str::to_owned);
    // clap's text without the usage block and the pointer to --help, on one line.
    let message = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("For more information"))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_start_matches("error: ")
        .to_owned();
    Some((
        WalletError::new(ErrorCode::MalformedRequest, message),
        usage,
    ))
}

/// Prints what clap refused and gives the exit status: --help and --version as clap prints
/// them (0); a usage error 2, with --json as one JSON object on stdout, else clap's text.
fn parse_failure(e: &clap::Error, json: bool) -> u8 {
    let status = match usage_error(e) {
        Some((err, usage)) if json => {
            Out::new(true, Lang::En).usage_error(&err, usage.as_deref());
            return EXIT_USAGE;
        }
        Some(_) => EXIT_USAGE,
        None => 0,
    };
    // Nothing else to say when the stream is gone.
    let _ = e.print();
    status
}

/// `wallet qr decode`: the payload given, or read from `image`; a payload that does not
/// decode is reported with the text that was read (exit 1).
fn qr_decode(
    payload: Option<&str>,
    image: Option<&std::path::Path>,
    out: &Out,
) -> Result<ExitCode, WalletError> {
    let (payload, from_image) = match (payload, image) {
        (Some(p), _) => (p.to_owned(), false),
        (None, Some(file)) => (Wallet::decode_qr_image(&read_image(file)?)?, true),
        // clap requires one of them.
        (None, None) => (String::new(), false),
    };
    match Wallet::decode_qr(&payload) {
        Ok(decoded) => {
            out.decoded_qr(&decoded, &payload, from_image);
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            out.qr_error(&e, &payload, from_image);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Syncs the history unless `offline`; a server out of reach is not an error (the local copy
/// is shown, marked stale).
async fn sync_first(
    wallet: &Wallet,
    offline: bool,
) -> Result<(Option<HistorySync>, bool), WalletError> {
    if offline {
        return Ok((None, false));
    }
    match wallet.sync_history().await {
        Ok(s) => Ok((Some(s), false)),
        Err(e) if e.code == ErrorCode::Network => Ok((None, true)),
        Err(e) => Err(e),
    }
}

fn parse_category(text: &str) -> Result<Category, WalletError> {
    Category::parse(text).ok_or_else(|| {
        let all: Vec<&str> = Category::ALL.iter().map(|c| c.as_str()).collect();
        WalletError::new(
            ErrorCode::MalformedRequest,
            format!("Unknown category {text:?}: one of {}", all.join(", ")),
        )
    })
}

/// The current payment code; with `watch`, each new one as it rotates until interrupted.
/// A device enrolled before payment codes existed fetches its seed first (online only).
async fn paycode(wallet: &Wallet, watch: bool, out: &Out) -> Result<(), WalletError> {
    let mut view = match wallet.paycode() {
        Err(e) if e.code == ErrorCode::PaycodeNotProvisioned => {
            match wallet.refresh_paycode_seed().await {
                Ok(v) => v,
                // Offline: the first error says what is missing.
                Err(r) if r.code == ErrorCode::Network => return Err(e),
                Err(r) => return Err(r),
            }
        }
        other => other?,
    };
    loop {
        out.paycode(&view, watch);
        if !watch {
            return Ok(());
        }
        let shown = view.code.clone();
        // Sleep until the code rotates (a little after, so the next step has begun).
        let wait = std::time::Duration::from_millis(u64::from(view.seconds_left) * 1000 + 50);
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
        view = next_code(wallet, &shown)?;
    }
}

/// The code after `shown` (waits out a clock that has not quite reached the next step).
fn next_code(wallet: &Wallet, shown: &str) -> Result<PaycodeView, WalletError> {
    let mut view = wallet.paycode()?;
    for _ in 0..20 {
        if view.code != shown {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        view = wallet.paycode()?;
    }
    Ok(view)
}

/// An image file for `pay --image` and `qr decode --image`, refused when it is not a file or is over the core's limit.
fn read_image(path: &std::path::Path) -> Result<Vec<u8>, WalletError> {
    let unreadable = |e: std::io::Error| {
        WalletError::new(
            ErrorCode::QrImageUnreadable,
            format!("{}: {e}", path.display()),
        )
    };
    let meta = std::fs::metadata(path).map_err(unreadable)?;
    // More than the core reads: let it say why (size) without reading gigabytes first.
    if meta.len() > 64 * 1024 * 1024 {
        return Err(WalletError::new(
            ErrorCode::QrImageUnreadable,
            "The image is larger than 20 MB",
        ));
    }
    std::fs::read(path).map_err(unreadable)
}

async fn pin(wallet: &Wallet, action: PinAction, out: &Out) -> Result<(), WalletError> {
    match action {
        PinAction::Set { pin_stdin: _ } => {
            let pin = read_secret_line("the payment PIN")?;
            wallet.set_pin(pin.to_string()).await?;
            out.done("pin_set", Msg::PinSet);
        }
        PinAction::Change { pin_stdin: _ } => {
            let old = read_secret_line("the current payment PIN")?;
            let new = read_secret_line("the new payment PIN (second line)")?;
            wallet.change_pin(old.to_string(), new.to_string()).await?;
            out.done("pin_changed", Msg::PinChanged);
        }
        PinAction::Reset {
            password_stdin: true,
            ..
        } => {
            let password = read_secret_line("the password")?;
            out.pending(&wallet.start_pin_reset(password.to_string()).await?);
        }
        PinAction::Reset { code, .. } => {
            // clap requires --password-stdin or --code (with --pin-stdin).
            let code = code.unwrap_or_default();
            let pin = read_secret_line("the new payment PIN")?;
            wallet.finish_pin_reset(code, pin.to_string()).await?;
            out.done("pin_reset", Msg::PinResetDone);
        }
        PinAction::Status => out.pin_state(&wallet.pin_state().await?),
    }
    Ok(())
}

async fn card(wallet: &Wallet, action: CardAction, out: &Out) -> Result<(), WalletError> {
    match action {
        CardAction::Inspect { number } => out.card_inspection(&Wallet::inspect_card(&number)),
        CardAction::Bind {
            number,
            number_stdin: _,
            bank_phone,
        } => {
            let number = match number {
                Some(n) => Zeroizing::new(n),
                None => read_secret_line("the card number")?,
            };
            out.card_binding(&wallet.bind_card(number.to_string(), bank_phone).await?);
        }
        CardAction::Verify { code } => out.card(&wallet.verify_card(code).await?, Msg::CardBound),
        CardAction::List => out.cards(&wallet.cards().await?),
        CardAction::Default { id } => {
            out.card(&wallet.set_default_card(id).await?, Msg::DefaultSet);
        }
        CardAction::Unbind { id, pin_stdin: _ } => {
            let pin = read_secret_line("the payment PIN")?;
            wallet.unbind_card(id.clone(), pin.to_string()).await?;
            out.unbound(&id);
        }
        CardAction::ReportLost { id } => {
            out.card(&wallet.report_card_lost(id).await?, Msg::ReportedLost);
        }
    }
    Ok(())
}

/// Shows a top-up or withdrawal; a `failed` one is the command's failure (exit 1).
fn operation_outcome(op: &wallet_core::Operation, out: &Out) -> ExitCode {
    if op.status == OperationStatus::Failed {
        out.operation_failed(op);
        ExitCode::FAILURE
    } else {
        out.operation(op);
        ExitCode::SUCCESS
    }
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
fn read_secret_line(what: &str) -> Result<Zeroizing<String>, WalletError> {
    let mut line = Zeroizing::new(String::new());
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| WalletError::new(ErrorCode::MalformedRequest, format!("stdin: {e}")))?;
    let trimmed = Zeroizing::new(line.trim_end_matches(['\r', '\n']).to_owned());
    if trimmed.is_empty() {
        return Err(WalletError::new(
            ErrorCode::MalformedRequest,
            format!("Expected {what} as one line on stdin"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("wallet").chain(args.iter().copied()))
    }

    #[test]
    fn the_clap_definitions_are_consistent() {
        Cli::command().debug_assert();
    }

    /// Command lines that do not parse: exit 2, with --json as MALFORMED_REQUEST carrying a
    /// one-line message and clap's usage line.
    #[test]
    fn usage_errors_exit_2_with_or_without_json() {
        for args in [
            &["login", "--phone", "13812345678"][..],
            &["pay", "000201", "--pin", "135792"],
            &["qr", "decode"],
            &["qr", "decode", "000201", "--image", "code.png"],
            &["completions", "tcsh"],
            &["--lang", "fr", "whoami"],
            &["no-such-command"],
            &["pin"],
            &[],
        ] {
            let e = parse(args).expect_err("refused");
            let (err, usage) = usage_error(&e).unwrap_or_else(|| panic!("{args:?}: {e}"));
            assert_eq!(err.code, ErrorCode::MalformedRequest, "{args:?}");
            assert!(!err.message.is_empty(), "{args:?}");
            assert!(!err.message.contains('\n'), "{args:?}: {}", err.message);
            assert!(!err.message.contains("Usage:"), "{args:?}: {}", err.message);
            assert!(
                !err.message.starts_with("error:"),
                "{args:?}: {}",
                err.message
            );
            assert!(!err.message.contains("--help"), "{args:?}: {}", err.message);
            // clap shows the usage for missing and conflicting arguments, not for bad values.
            if let Some(usage) = usage {
                assert!(usage.starts_with("wallet"), "{args:?}: {usage}");
            }
            // With --json: one JSON object (on stdout) and exit 2, as without.
            assert_eq!(parse_failure(&e, true), EXIT_USAGE, "{args:?}");
        }
        assert_eq!(EXIT_USAGE, 2);
    }

    #[test]
    fn help_and_version_are_not_usage_errors() {
        for args in [&["--help"][..], &["--version"], &["qr", "decode", "--help"]] {
            let e = parse(args).expect_err("clap answers these itself");
            assert!(usage_error(&e).is_none(), "{args:?}");
        }
    }

    #[test]
    fn json_is_seen_before_parsing_but_not_after_a_double_dash() {
        let args = |a: &[&str]| -> Vec<std::ffi::OsString> {
            std::iter::once("wallet")
                .chain(a.iter().copied())
                .map(Into::into)
                .collect()
        };
        assert!(wants_json(&args(&["--json", "login"])));
        assert!(wants_json(&args(&["login", "--bogus", "--json"])));
        assert!(!wants_json(&args(&["login", "--bogus"])));
        assert!(!wants_json(&args(&["qr", "decode", "--", "--json"])));
        // The program name is not an argument.
        assert!(!wants_json(&["--json".into()]));
    }

    #[test]
    fn qr_decode_takes_a_payload_or_an_image() {
        let cli = parse(&["qr", "decode", "--image", "photo.png"]).expect("image form");
        assert!(matches!(
            cli.command,
            Command::Qr { action: QrAction::Decode { payload: None, image: Some(ref f) } }
                if f == std::path::Path::new("photo.png")
        ));
        // The text form keeps working, payloads starting with `-` included.
        let cli = parse(&["qr", "decode", "-x-"]).expect("text form");
        assert!(matches!(
            cli.command,
            Command::Qr { action: QrAction::Decode { payload: Some(ref p), image: None } }
                if p == "-x-"
        ));
    }
}
