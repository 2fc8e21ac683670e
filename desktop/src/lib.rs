//! `wallet-desktop`: the Tauri 2 shell around [`wallet_core::Wallet`].
//!
//! Every command is a one-line delegation to the facade; this crate holds no business logic and
//! never logs arguments (passwords, ID numbers and codes pass through here). Errors reach the UI
//! as [`WalletError`] (`{code, message, retry_after_secs}`) so it can branch on the stable code.
//!
//! The wallet is opened off the main thread at startup. If opening fails (no Secret Service,
//! wrong database key, ...) the window still comes up and every command, `status` first,
//! returns that error for the UI to explain.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::ipc::{InvokeBody, Request};
use tauri::{Builder, Manager, Runtime, State};
use tokio::sync::OnceCell;
use wallet_core::{
    AccountSettings, AccountStatus, Balance, Budget, Card, CardInspection, Category, DecodedQr,
    Device, DeviceEvent, ErrorCode, FundingSources, HistoryEntry, HistoryPage, HistoryQuery,
    HistorySync, Money, MonthlySummary, Operation, Order, PasswordStrength, PayQrInput,
    PaycodeSettings, PaycodeSettingsInput, PaycodeView, PendingCardBinding, PendingVerification,
    PhoneChangeFinish, PhoneChangeInput, PhoneChangeStarted, PinState, Profile, QrPayment,
    Recipient, ReportLostInput, SecurityLog, SessionStatus, SignupInput, TopUpInput, TransferInput,
    Wallet, WalletConfig, WalletError, WithdrawInput,
};

mod commands;
pub use commands::COMMANDS;

/// Opens the profile. The real one uses the platform secret store; tests pass their own.
pub type OpenWallet = Arc<dyn Fn() -> Result<Wallet, WalletError> + Send + Sync>;

/// The opened wallet, shared by every command.
pub struct AppState {
    wallet: OnceCell<Wallet>,
    open: OpenWallet,
}

impl AppState {
    fn new(open: OpenWallet) -> Self {
        Self {
            wallet: OnceCell::new(),
            open,
        }
    }

    /// The wallet, opened on first use on a blocking thread (the secret store may block). A
    /// failed open is not remembered: the UI's "try again" (after unlocking the keyring, say)
    /// opens afresh.
    async fn wallet(&self) -> Result<&Wallet, WalletError> {
        self.wallet
            .get_or_try_init(|| {
                let open = Arc::clone(&self.open);
                async move { blocking(move || open()).await }
            })
            .await
    }
}

/// Runs CPU- or I/O-bound work on a blocking thread so no async worker (and never the window's
/// main thread) waits for it.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, WalletError> + Send + 'static,
) -> Result<T, WalletError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .unwrap_or_else(|_| Err(WalletError::from(ErrorCode::Internal)))
}

/// The bytes of a raw request body (`invoke(cmd, Uint8Array)`): no JSON array of numbers, no
/// base64 on the way.
fn raw_body(request: &Request<'_>) -> Result<Vec<u8>, WalletError> {
    match request.body() {
        InvokeBody::Raw(bytes) => Ok(bytes.clone()),
        InvokeBody::Json(_) => Err(WalletError::new(
            ErrorCode::MalformedRequest,
            "send the image bytes as the raw request body",
        )),
    }
}

/// Where this profile stands; also how the UI learns that the wallet could not be opened.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn status(state: State<'_, AppState>) -> Result<SessionStatus, WalletError> {
    state.wallet().await?.status()
}

/// zxcvbn rating for the live strength meter (same rules as the server).
#[tauri::command]
#[tracing::instrument(skip_all)]
async fn password_strength(password: String, user_inputs: Vec<String>) -> PasswordStrength {
    Wallet::password_strength(&password, &user_inputs)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn signup(
    state: State<'_, AppState>,
    input: SignupInput,
) -> Result<PendingVerification, WalletError> {
    state.wallet().await?.signup(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn login(
    state: State<'_, AppState>,
    phone: String,
    password: String,
) -> Result<PendingVerification, WalletError> {
    state.wallet().await?.login(phone, password).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn verify(state: State<'_, AppState>, code: String) -> Result<Profile, WalletError> {
    state.wallet().await?.verify(code).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn whoami(state: State<'_, AppState>) -> Result<Profile, WalletError> {
    state.wallet().await?.whoami().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn devices(state: State<'_, AppState>) -> Result<Vec<Device>, WalletError> {
    state.wallet().await?.devices().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn revoke_device(state: State<'_, AppState>, device_id: String) -> Result<(), WalletError> {
    state.wallet().await?.revoke_device(device_id).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn logout(state: State<'_, AppState>) -> Result<(), WalletError> {
    state.wallet().await?.logout().await
}

/// Offline card-number inspection for the live hint while the user types (no wallet needed).
#[tauri::command]
#[tracing::instrument(skip_all)]
async fn inspect_card(number: String) -> CardInspection {
    Wallet::inspect_card(&number)
}

/// An amount as the user typed it (`100`, `¥12.30`), read strictly as the core reads it, so the
/// confirm step shows exactly what will be sent.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn parse_amount(amount: String) -> Result<Money, WalletError> {
    Wallet::parse_amount(&amount)
}

/// Checks a new payment PIN against the PIN rules before it is sent anywhere.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn check_new_pin(state: State<'_, AppState>, pin: String) -> Result<(), WalletError> {
    state.wallet().await?.check_new_pin(&pin)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn pin_state(state: State<'_, AppState>) -> Result<PinState, WalletError> {
    state.wallet().await?.pin_state().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_pin(state: State<'_, AppState>, pin: String) -> Result<(), WalletError> {
    state.wallet().await?.set_pin(pin).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn change_pin(
    state: State<'_, AppState>,
    old_pin: String,
    new_pin: String,
) -> Result<(), WalletError> {
    state.wallet().await?.change_pin(old_pin, new_pin).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn start_pin_reset(
    state: State<'_, AppState>,
    password: String,
) -> Result<PendingVerification, WalletError> {
    state.wallet().await?.start_pin_reset(password).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn finish_pin_reset(
    state: State<'_, AppState>,
    code: String,
    new_pin: String,
) -> Result<(), WalletError> {
    state.wallet().await?.finish_pin_reset(code, new_pin).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn bind_card(
    state: State<'_, AppState>,
    number: String,
    bank_phone: String,
) -> Result<PendingCardBinding, WalletError> {
    state.wallet().await?.bind_card(number, bank_phone).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn verify_card(state: State<'_, AppState>, code: String) -> Result<Card, WalletError> {
    state.wallet().await?.verify_card(code).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn cards(state: State<'_, AppState>) -> Result<Vec<Card>, WalletError> {
    state.wallet().await?.cards().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_default_card(
    state: State<'_, AppState>,
    card_id: String,
) -> Result<Card, WalletError> {
    state.wallet().await?.set_default_card(card_id).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn unbind_card(
    state: State<'_, AppState>,
    card_id: String,
    pin: String,
) -> Result<(), WalletError> {
    state.wallet().await?.unbind_card(card_id, pin).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn report_card_lost(
    state: State<'_, AppState>,
    card_id: String,
) -> Result<Card, WalletError> {
    state.wallet().await?.report_card_lost(card_id).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn top_up(state: State<'_, AppState>, input: TopUpInput) -> Result<Operation, WalletError> {
    state.wallet().await?.top_up(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn withdraw(
    state: State<'_, AppState>,
    input: WithdrawInput,
) -> Result<Operation, WalletError> {
    state.wallet().await?.withdraw(input).await
}

/// The balance, recent operations and limits; the cached figures (`stale`) when offline.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn balance(state: State<'_, AppState>) -> Result<Balance, WalletError> {
    state.wallet().await?.balance().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn operation(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<Operation, WalletError> {
    state.wallet().await?.operation(operation_id).await
}

// --- scan to pay, payment code, orders -------------------------------------------------------

/// What a scanned payload is, offline; never opens a link.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn decode_qr(payload: String) -> Result<DecodedQr, WalletError> {
    Wallet::decode_qr(&payload)
}

/// The QR code's text in an image file, offline. The UI sends the file's bytes as the raw body;
/// decoding runs on a blocking thread.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn decode_qr_image(request: Request<'_>) -> Result<String, WalletError> {
    let bytes = raw_body(&request)?;
    blocking(move || Wallet::decode_qr_image(&bytes)).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn resolve_qr(state: State<'_, AppState>, payload: String) -> Result<QrPayment, WalletError> {
    state.wallet().await?.resolve_qr(payload).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn pay_qr(state: State<'_, AppState>, input: PayQrInput) -> Result<Operation, WalletError> {
    state.wallet().await?.pay_qr(input).await
}

/// The payment code to show now, made offline.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn paycode(state: State<'_, AppState>) -> Result<PaycodeView, WalletError> {
    state.wallet().await?.paycode()
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn refresh_paycode_seed(state: State<'_, AppState>) -> Result<PaycodeView, WalletError> {
    state.wallet().await?.refresh_paycode_seed().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn paycode_settings(state: State<'_, AppState>) -> Result<PaycodeSettings, WalletError> {
    state.wallet().await?.paycode_settings().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_paycode_settings(
    state: State<'_, AppState>,
    input: PaycodeSettingsInput,
) -> Result<PaycodeSettings, WalletError> {
    state.wallet().await?.set_paycode_settings(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn orders(state: State<'_, AppState>) -> Result<Vec<Order>, WalletError> {
    state.wallet().await?.orders().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn confirm_order(
    state: State<'_, AppState>,
    order_id: String,
    pin: String,
    idempotency_key: Option<String>,
    source: Option<String>,
) -> Result<Operation, WalletError> {
    state
        .wallet()
        .await?
        .confirm_order_from(order_id, pin, idempotency_key, source)
        .await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn funding_sources(state: State<'_, AppState>) -> Result<FundingSources, WalletError> {
    state.wallet().await?.funding_sources().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_funding_order(
    state: State<'_, AppState>,
    order: Vec<String>,
) -> Result<FundingSources, WalletError> {
    state.wallet().await?.set_funding_order(order).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn decline_order(state: State<'_, AppState>, order_id: String) -> Result<Order, WalletError> {
    state.wallet().await?.decline_order(order_id).await
}

// --- lost phone (docs/rules.md §Lost phone) -------------------------------------------------

/// Freezes the account of a lost phone; works signed out and says nothing about the account.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn report_lost(
    state: State<'_, AppState>,
    input: ReportLostInput,
) -> Result<(), WalletError> {
    state.wallet().await?.report_lost(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn account_status(state: State<'_, AppState>) -> Result<AccountStatus, WalletError> {
    state.wallet().await?.account_status().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn unfreeze(
    state: State<'_, AppState>,
    id_number: String,
    pin: String,
) -> Result<AccountStatus, WalletError> {
    state.wallet().await?.unfreeze(id_number, pin).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn security_log(
    state: State<'_, AppState>,
    before: Option<String>,
) -> Result<SecurityLog, WalletError> {
    state.wallet().await?.security_log(before).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn sync_events(state: State<'_, AppState>) -> Result<Vec<DeviceEvent>, WalletError> {
    state.wallet().await?.sync_events().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn settings(state: State<'_, AppState>) -> Result<AccountSettings, WalletError> {
    state.wallet().await?.settings().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_sms_login(
    state: State<'_, AppState>,
    enabled: bool,
    pin: Option<String>,
) -> Result<AccountSettings, WalletError> {
    state.wallet().await?.set_sms_login(enabled, pin).await
}

/// "Not you? Freeze now": freezes the account and signs out `device_id` (every other device when
/// absent); this device stays signed in.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn freeze_account(
    state: State<'_, AppState>,
    device_id: Option<String>,
) -> Result<AccountStatus, WalletError> {
    state.wallet().await?.freeze_account(device_id).await
}

/// Sign-in by an SMS code alone (when the account switched it on); then `verify`.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn login_sms(
    state: State<'_, AppState>,
    phone: String,
) -> Result<PendingVerification, WalletError> {
    state.wallet().await?.login_sms(phone).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn start_phone_change(
    state: State<'_, AppState>,
    input: PhoneChangeInput,
) -> Result<PhoneChangeStarted, WalletError> {
    state.wallet().await?.start_phone_change(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn finish_phone_change(
    state: State<'_, AppState>,
    input: PhoneChangeFinish,
) -> Result<Profile, WalletError> {
    state.wallet().await?.finish_phone_change(input).await
}

// --- transfers, history and insight (issue 6) ------------------------------------------------

/// The recipient of a phone number, masked, shown before the PIN is asked for.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn lookup_recipient(
    state: State<'_, AppState>,
    phone: String,
) -> Result<Recipient, WalletError> {
    state.wallet().await?.lookup_recipient(phone).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn transfer(
    state: State<'_, AppState>,
    input: TransferInput,
) -> Result<Operation, WalletError> {
    state.wallet().await?.transfer(input).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn sync_history(state: State<'_, AppState>) -> Result<HistorySync, WalletError> {
    state.wallet().await?.sync_history().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn history(
    state: State<'_, AppState>,
    query: HistoryQuery,
) -> Result<HistoryPage, WalletError> {
    state.wallet().await?.history(query)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn history_entry(
    state: State<'_, AppState>,
    operation_id: String,
) -> Result<HistoryEntry, WalletError> {
    state.wallet().await?.history_entry(operation_id)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn monthly_summary(
    state: State<'_, AppState>,
    month: Option<String>,
) -> Result<MonthlySummary, WalletError> {
    state.wallet().await?.monthly_summary(month)
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn budgets(state: State<'_, AppState>) -> Result<Vec<Budget>, WalletError> {
    state.wallet().await?.budgets()
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_budget(
    state: State<'_, AppState>,
    category: Category,
    amount: Option<String>,
) -> Result<(), WalletError> {
    state.wallet().await?.set_budget(category, amount)
}

/// The history matching `query` as CSV in a new file in the user's Downloads folder (else the
/// home folder), written and remembered by the core; answers the file's path for the UI.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn save_history_csv(
    state: State<'_, AppState>,
    query: HistoryQuery,
) -> Result<String, WalletError> {
    let dir = dirs::download_dir()
        .or_else(dirs::home_dir)
        .ok_or_else(|| WalletError::new(ErrorCode::StoreIo, "no Downloads folder"))?;
    state.wallet().await?.save_history_csv(query, &dir)
}

/// The CSV files this profile exported that are still there (offered for deletion on sign-out).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn exported_files(state: State<'_, AppState>) -> Result<Vec<String>, WalletError> {
    state.wallet().await?.exported_files()
}

/// Deletes the CSV files this profile exported; answers how many.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn delete_exports(state: State<'_, AppState>) -> Result<u32, WalletError> {
    state.wallet().await?.delete_exports()
}

/// Registers the commands and the wallet state, and starts opening the wallet with `open` as
/// soon as the app is set up. Generic over the runtime so tests drive it with the mock runtime.
pub fn run_app<R: Runtime>(builder: Builder<R>, open: OpenWallet) -> Builder<R> {
    builder
        .manage(AppState::new(open))
        .invoke_handler(tauri::generate_handler![
            status,
            password_strength,
            signup,
            login,
            verify,
            whoami,
            devices,
            revoke_device,
            logout,
            inspect_card,
            parse_amount,
            check_new_pin,
            pin_state,
            set_pin,
            change_pin,
            start_pin_reset,
            finish_pin_reset,
            bind_card,
            verify_card,
            cards,
            set_default_card,
            unbind_card,
            report_card_lost,
            top_up,
            withdraw,
            balance,
            operation,
            decode_qr,
            decode_qr_image,
            resolve_qr,
            pay_qr,
            paycode,
            refresh_paycode_seed,
            paycode_settings,
            set_paycode_settings,
            orders,
            confirm_order,
            funding_sources,
            set_funding_order,
            decline_order,
            report_lost,
            account_status,
            unfreeze,
            security_log,
            sync_events,
            settings,
            set_sms_login,
            freeze_account,
            login_sms,
            start_phone_change,
            finish_phone_change,
            lookup_recipient,
            transfer,
            sync_history,
            history,
            history_entry,
            monthly_summary,
            budgets,
            set_budget,
            save_history_csv,
            exported_files,
            delete_exports
        ])
        .setup(|app| {
            // Start opening now so the first screen does not wait for the secret store.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<AppState>().wallet().await;
            });
            Ok(())
        })
}

/// The real profile's configuration: `$WALLET_HOME` (else the app data dir, as Tauri resolves
/// it for `identifier`), `$WALLET_SERVER` (else a local server).
pub fn platform_config(identifier: &str) -> Result<WalletConfig, WalletError> {
    let home = match std::env::var_os("WALLET_HOME") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => dirs::data_dir()
            .map(|d| d.join(identifier))
            .ok_or_else(|| WalletError::new(ErrorCode::StoreIo, "no app data directory"))?,
    };
    Ok(WalletConfig {
        home,
        server_url: std::env::var("WALLET_SERVER")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "http://127.0.0.1:8080".to_owned()),
        device_name: format!(
            "Wallet desktop on {}",
            gethostname::gethostname().to_string_lossy()
        ),
        platform: platform().to_owned(),
    })
}

/// Opens `config` with the platform secret store (Secret Service, Keychain, Credential Manager).
fn open_platform_wallet(config: Result<WalletConfig, WalletError>) -> Result<Wallet, WalletError> {
    let config = config?;
    tracing::info!(server = %config.server_url, home = %config.home.display(), "opening wallet");
    Wallet::open(config, Arc::new(wallet_core::KeyringSecretStore::new()))
}

fn platform() -> &'static str {
    if cfg!(target_os = "macos") {
        "macos"
    } else if cfg!(target_os = "windows") {
        "windows"
    } else {
        "linux"
    }
}

/// Starts the desktop app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let context = tauri::generate_context!();
    let config = platform_config(&context.config().identifier);
    let open: OpenWallet = Arc::new(move || open_platform_wallet(config.clone()));
    let app = run_app(tauri::Builder::default(), open).run(context);
    if let Err(e) = app {
        tracing::error!(error = %e, "the desktop app failed");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};
    use tauri::ipc::{CallbackFn, InvokeBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets};
    use tauri::webview::InvokeRequest;
    use tauri::WebviewWindowBuilder;

    fn invoke(cmd: &str, body: Value) -> Result<Value, Value> {
        invoke_body(cmd, InvokeBody::Json(body))
    }

    fn invoke_body(cmd: &str, body: InvokeBody) -> Result<Value, Value> {
        let fail_open: OpenWallet = Arc::new(|| Err(WalletError::from(ErrorCode::StoreKeyWrong)));
        let app = run_app(mock_builder(), fail_open)
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        get_ipc_response(
            &webview,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                // The page's own (local) origin, as the real UI calls from.
                url: webview.url().unwrap(),
                body,
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.to_owned(),
            },
        )
        .map(|b| b.deserialize::<Value>().unwrap())
    }

    #[test]
    fn open_failure_reaches_the_ui_as_a_code() {
        let err = invoke("status", json!({})).unwrap_err();
        assert_eq!(err["code"], "STORE_KEY_WRONG");
        let err = invoke("whoami", json!({})).unwrap_err();
        assert_eq!(err["code"], "STORE_KEY_WRONG");
    }

    #[test]
    fn card_inspection_and_amounts_work_without_a_wallet() {
        let card = invoke("inspect_card", json!({"number": "6225 8800 0000 0019"})).unwrap();
        assert_eq!(card["luhn_valid"], true);
        assert_eq!(card["length_valid"], true);
        assert_eq!(card["scheme"], "unionpay");
        assert_eq!(card["bank"], "CMB");
        assert_eq!(card["card_type"], "debit");

        let amount = invoke("parse_amount", json!({"amount": "¥1,234.50"})).unwrap();
        assert_eq!(amount, json!({"minor": 123_450, "currency": "CNY"}));
        for bad in ["12.345", "-1", "1e3", "", "0"] {
            let err = invoke("parse_amount", json!({"amount": bad})).unwrap_err();
            assert_eq!(err["code"], "AMOUNT_INVALID", "{bad:?}");
        }
    }

    /// Every card, PIN and money command is registered and takes the argument names the UI
    /// sends (camelCase in JS): each reaches the wallet and reports why it could not open.
    #[test]
    fn money_commands_take_the_ui_arguments() {
        let calls = [
            ("check_new_pin", json!({"pin": "860527"})),
            ("pin_state", json!({})),
            ("set_pin", json!({"pin": "860527"})),
            (
                "change_pin",
                json!({"oldPin": "860527", "newPin": "860528"}),
            ),
            ("start_pin_reset", json!({"password": "x"})),
            (
                "finish_pin_reset",
                json!({"code": "123456", "newPin": "860527"}),
            ),
            (
                "bind_card",
                json!({"number": "6225880000000019", "bankPhone": "13800138000"}),
            ),
            ("verify_card", json!({"code": "123456"})),
            ("cards", json!({})),
            ("set_default_card", json!({"cardId": "c1"})),
            ("unbind_card", json!({"cardId": "c1", "pin": "860527"})),
            ("report_card_lost", json!({"cardId": "c1"})),
            (
                "top_up",
                json!({"input": {"amount": "100", "card_id": null, "pin": "860527", "idempotency_key": null}}),
            ),
            (
                "withdraw",
                json!({"input": {"amount": "100", "card_id": "c1", "pin": "860527", "idempotency_key": "k-12345678"}}),
            ),
            ("balance", json!({})),
            ("operation", json!({"operationId": "op1"})),
            ("resolve_qr", json!({"payload": "000201"})),
            (
                "pay_qr",
                json!({"input": {"payload": "000201", "amount": "23.50", "pin": "860527", "idempotency_key": null}}),
            ),
            ("paycode", json!({})),
            ("refresh_paycode_seed", json!({})),
            ("paycode_settings", json!({})),
            (
                "set_paycode_settings",
                json!({"input": {"no_pin_enabled": true, "no_pin_per_payment": "50", "no_pin_daily": "300", "pin": "860527"}}),
            ),
            ("orders", json!({})),
            (
                "confirm_order",
                json!({"orderId": "o1", "pin": "860527", "idempotencyKey": "k-12345678"}),
            ),
            ("decline_order", json!({"orderId": "o1"})),
            (
                "confirm_order",
                json!({"orderId": "o1", "pin": "860527", "idempotencyKey": null, "source": "carrier"}),
            ),
            ("funding_sources", json!({})),
            (
                "set_funding_order",
                json!({"order": ["balance", "carrier"]}),
            ),
        ];
        for (cmd, body) in calls {
            let err = invoke(cmd, body).unwrap_err();
            assert_eq!(err["code"], "STORE_KEY_WRONG", "{cmd}: {err}");
        }
    }

    /// The lost-phone commands take the UI's argument names (camelCase in JS).
    #[test]
    fn lost_phone_commands_take_the_ui_arguments() {
        let calls = [
            (
                "report_lost",
                json!({"input": {"phone": "13800138000", "name": "李明", "id_last6": "31002X", "password": null, "device_id": null}}),
            ),
            ("account_status", json!({})),
            (
                "unfreeze",
                json!({"idNumber": "11010519491231002X", "pin": "860527"}),
            ),
            ("security_log", json!({"before": null})),
            ("security_log", json!({"before": "42"})),
            ("sync_events", json!({})),
            ("settings", json!({})),
            ("set_sms_login", json!({"enabled": true, "pin": "860527"})),
            ("set_sms_login", json!({"enabled": false, "pin": null})),
            ("freeze_account", json!({"deviceId": "dev_1"})),
            ("freeze_account", json!({"deviceId": null})),
            ("login_sms", json!({"phone": "13800138000"})),
            (
                "start_phone_change",
                json!({"input": {"new_phone": "13900139000", "password": "x", "id_number": null}}),
            ),
            (
                "finish_phone_change",
                json!({"input": {"challenge_id": "c1", "code": "123456", "old_challenge_id": null, "old_code": null, "cards": "keep"}}),
            ),
        ];
        for (cmd, body) in calls {
            let err = invoke(cmd, body).unwrap_err();
            assert_eq!(err["code"], "STORE_KEY_WRONG", "{cmd}: {err}");
        }
    }

    /// The transfer and history commands take the UI's argument names (camelCase in JS) and the
    /// wire types as the TypeScript side builds them; they reach the wallet (whose open fails here).
    #[test]
    fn history_commands_take_the_ui_arguments() {
        let query = json!({"search": "小吃", "month": "2026-11", "kind": "payment", "card_id": null, "category": "food", "before": null, "limit": 30});
        let calls = [
            ("lookup_recipient", json!({"phone": "13900000002"})),
            (
                "transfer",
                json!({"input": {"to_phone": "13900000002", "amount": "12.30", "note": "lunch", "pin": "860527", "idempotency_key": "k1234567"}}),
            ),
            ("sync_history", json!({})),
            ("history", json!({ "query": query })),
            ("history_entry", json!({"operationId": "op_1"})),
            ("monthly_summary", json!({"month": "2026-11"})),
            ("monthly_summary", json!({"month": null})),
            ("budgets", json!({})),
            ("set_budget", json!({"category": "food", "amount": "25"})),
            (
                "set_budget",
                json!({"category": "transport", "amount": null}),
            ),
            ("save_history_csv", json!({ "query": query })),
            ("exported_files", json!({})),
            ("delete_exports", json!({})),
        ];
        for (cmd, body) in calls {
            let err = invoke(cmd, body).unwrap_err();
            assert_eq!(err["code"], "STORE_KEY_WRONG", "{cmd}: {err}");
        }
    }

    /// QR decoding is offline and needs no wallet; a link is only described, never opened; the
    /// image bytes come as the raw body.
    #[test]
    fn qr_decoding_works_without_a_wallet() {
        let link = invoke("decode_qr", json!({"payload": "https://example.com/pay"})).unwrap();
        assert_eq!(link["kind"], "url");
        assert_eq!(link["payable"], false);
        let err = invoke("decode_qr", json!({"payload": "   "})).unwrap_err();
        assert_eq!(err["code"], "QR_EMPTY");

        let err = invoke_body(
            "decode_qr_image",
            InvokeBody::Raw(b"not a picture".to_vec()),
        )
        .unwrap_err();
        assert_eq!(err["code"], "QR_IMAGE_UNREADABLE");
        let err = invoke("decode_qr_image", json!({"bytes": [1, 2, 3]})).unwrap_err();
        assert_eq!(err["code"], "MALFORMED_REQUEST");
    }

    /// The capability grants exactly the commands in `COMMANDS` (declared to the ACL by
    /// build.rs), and each of them is registered.
    #[test]
    fn capability_grants_exactly_the_registered_commands() {
        let cap: Value =
            serde_json::from_str(include_str!("../capabilities/default.json")).unwrap();
        let granted: Vec<String> = cap["permissions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        let expected: Vec<String> = COMMANDS
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        assert_eq!(granted, expected);
        let unknown = invoke("no_such_command", json!({}))
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("not found"), "{unknown}");
        for cmd in COMMANDS {
            if let Err(e) = invoke(cmd, json!({})) {
                let text = e.to_string();
                assert!(
                    !text.contains("not found"),
                    "{cmd} is not registered: {text}"
                );
            }
        }
    }

    #[test]
    fn password_strength_works_without_a_wallet() {
        let weak = invoke(
            "password_strength",
            json!({"password": "password1", "userInputs": []}),
        )
        .unwrap();
        assert_eq!(weak["acceptable"], false);
        let strong = invoke(
            "password_strength",
            json!({"password": "correct-Horse-battery-staple-93", "userInputs": ["13800138000"]}),
        )
        .unwrap();
        assert_eq!(strong["acceptable"], true);
        assert!(strong["score"].as_u64().unwrap() >= 3);
    }
}
