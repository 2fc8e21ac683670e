//! `wallet-desktop`: the Tauri 2 shell around [`wallet_core::Wallet`].
//!
//! Every command is a one-line delegation to the facade; this crate holds no business logic and
//! never logs arguments (passwords, ID numbers and codes pass through here). Errors reach the UI
//! as [`WalletError`] (`{code, message, retry_after_secs}`) so it can branch on the stable code.
//!
//! The wallet is opened off the main thread at startup. If opening fails (no Secret Service,
//! wrong database key, ...) the window still comes up and every command, `status` first,
//! returns that error for the UI to explain.
//!
//! Around the wallet the shell keeps only what belongs to this computer (issue 16): where the
//! profile lives and which provider it talks to (`shell`), the app lock that gates every wallet
//! command (`lock`), and OS notifications from the core's event listener (`notify`). Those
//! commands are one-line delegations to [`AppState`].

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

use serde::Serialize;
use tauri::ipc::{InvokeBody, Request};
use tauri::{Builder, Manager, Runtime, State};
use tauri_plugin_notification::NotificationExt as _;
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
pub mod lock;
pub mod notify;
pub mod shell;
pub use commands::COMMANDS;

use lock::{AppLock, LockState};
use notify::Notifier;
use shell::{ProviderSource, ShellSettings};

/// Opens the profile a configuration names. The real one uses the platform secret store;
/// tests pass their own.
pub type OpenWallet = Arc<dyn Fn(WalletConfig) -> Result<Wallet, WalletError> + Send + Sync>;

/// How the shell was started: the profile directory, the settings file and what it says, and
/// `WALLET_SERVER` when set.
#[derive(Debug, Clone)]
pub struct ShellConfig {
    pub home: PathBuf,
    /// `None`: nothing is written (tests).
    pub settings_file: Option<PathBuf>,
    pub settings: ShellSettings,
    pub env_provider: Option<String>,
    /// Why no profile directory could be found; every wallet command answers it.
    pub broken: Option<WalletError>,
}

impl ShellConfig {
    /// The provider in use and where it came from.
    pub fn provider(&self) -> (String, ProviderSource) {
        shell::resolve_provider(self.env_provider.clone(), &self.settings)
    }

    fn wallet_config(&self) -> Result<WalletConfig, WalletError> {
        if let Some(e) = &self.broken {
            return Err(e.clone());
        }
        Ok(WalletConfig {
            home: self.home.clone(),
            server_url: self.provider().0,
            device_name: format!(
                "Wallet desktop on {}",
                gethostname::gethostname().to_string_lossy()
            ),
            platform: platform().to_owned(),
        })
    }

    fn save(&self) -> Result<(), WalletError> {
        match &self.settings_file {
            Some(file) => self.settings.save(file),
            None => Ok(()),
        }
    }
}

/// The settings screen's view of the shell.
#[derive(Debug, Clone, Serialize)]
pub struct ShellView {
    pub provider_url: String,
    pub provider_source: ProviderSource,
    pub provider_default: &'static str,
    pub lock_after_secs: u64,
    pub lock_choices: &'static [u64],
    pub notifications: bool,
}

/// The About screen.
#[derive(Debug, Clone, Serialize)]
pub struct About {
    pub name: &'static str,
    pub version: &'static str,
    /// The commit and profile this binary was built from.
    pub build: &'static str,
    pub identifier: &'static str,
    pub provider_url: String,
    pub provider_source: ProviderSource,
    /// The profile directory (encrypted database; its key is in the secret store).
    pub data_dir: String,
    pub settings_file: Option<String>,
}

/// The opened wallet, shared by every command, and the shell around it.
pub struct AppState {
    wallet: tokio::sync::Mutex<Option<Arc<Wallet>>>,
    open: OpenWallet,
    shell: Mutex<ShellConfig>,
    lock: AppLock,
    notifier: Arc<Notifier>,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn signed_in(wallet: &Wallet) -> bool {
    matches!(wallet.status(), Ok(SessionStatus::SignedIn { .. }))
}

impl AppState {
    pub fn new(open: OpenWallet, shell: ShellConfig) -> Self {
        let lock_file = shell
            .broken
            .is_none()
            .then(|| shell.home.join("app-lock.json"));
        let lock = AppLock::load(lock_file, shell.settings.lock_after_secs(), unix_now());
        let notifier = Arc::new(Notifier::new(
            shell.settings.notifications.unwrap_or(true),
            shell.settings.locale.clone(),
        ));
        Self {
            wallet: tokio::sync::Mutex::new(None),
            open,
            shell: Mutex::new(shell),
            lock,
            notifier,
        }
    }

    fn shell(&self) -> MutexGuard<'_, ShellConfig> {
        self.shell.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The wallet, opened on first use on a blocking thread (the secret store may block),
    /// whether or not the app is locked. A failed open is not remembered: the UI's "try again"
    /// (after unlocking the keyring, say) opens afresh.
    async fn opened(&self) -> Result<Arc<Wallet>, WalletError> {
        let mut slot = self.wallet.lock().await;
        if let Some(w) = slot.as_ref() {
            return Ok(Arc::clone(w));
        }
        let config = self.shell().wallet_config()?;
        let open = Arc::clone(&self.open);
        let wallet = Arc::new(blocking(move || open(config)).await?);
        wallet.set_event_listener(Arc::clone(&self.notifier) as _);
        *slot = Some(Arc::clone(&wallet));
        Ok(wallet)
    }

    /// The wallet behind the app lock: `APP_LOCKED` while it is locked.
    async fn wallet(&self) -> Result<Arc<Wallet>, WalletError> {
        let wallet = self.opened().await?;
        self.lock.check(signed_in(&wallet), unix_now())?;
        Ok(wallet)
    }

    async fn lock_state(&self) -> Result<LockState, WalletError> {
        let signed_in = signed_in(&*self.opened().await?);
        Ok(self.lock.state(signed_in, unix_now()))
    }

    async fn touch(&self) -> Result<LockState, WalletError> {
        let signed_in = signed_in(&*self.opened().await?);
        Ok(self.lock.touch(signed_in, unix_now()))
    }

    async fn lock_now(&self) -> Result<LockState, WalletError> {
        let signed_in = signed_in(&*self.opened().await?);
        Ok(self.lock.lock_now(signed_in))
    }

    /// The provider checks the PIN (wrong tries count toward its lock); then the app opens.
    async fn unlock(&self, pin: String) -> Result<LockState, WalletError> {
        self.opened().await?.verify_pin(pin).await?;
        Ok(self.lock.unlock(unix_now()))
    }

    fn view(&self) -> ShellView {
        let shell = self.shell();
        let (provider_url, provider_source) = shell.provider();
        ShellView {
            provider_url,
            provider_source,
            provider_default: shell::DEFAULT_PROVIDER,
            lock_after_secs: shell.settings.lock_after_secs(),
            lock_choices: shell::LOCK_CHOICES,
            notifications: self.notifier.enabled(),
        }
    }

    fn about(&self) -> About {
        let shell = self.shell();
        let (provider_url, provider_source) = shell.provider();
        About {
            name: "Wallet",
            version: env!("CARGO_PKG_VERSION"),
            build: env!("WALLET_BUILD"),
            identifier: shell::IDENTIFIER,
            provider_url,
            provider_source,
            data_dir: shell.home.display().to_string(),
            settings_file: shell
                .settings_file
                .as_ref()
                .map(|f| f.display().to_string()),
        }
    }

    /// Chooses the provider (`None`: back to the default) and reopens the wallet with it. Only
    /// signed out: a profile belongs to the provider it enrolled on (sign out to move).
    async fn set_provider_url(&self, url: Option<String>) -> Result<ShellView, WalletError> {
        let mut slot = self.wallet.lock().await;
        if slot.as_deref().is_some_and(signed_in) {
            return Err(WalletError::new(
                ErrorCode::AlreadySignedIn,
                "sign out before choosing another provider",
            ));
        }
        let url = match url {
            Some(u) if !u.trim().is_empty() => Some(shell::check_provider_url(&u)?),
            _ => None,
        };
        {
            let mut shell = self.shell();
            if shell.env_provider.is_some() {
                return Err(WalletError::new(
                    ErrorCode::Forbidden,
                    "WALLET_SERVER is set: it chooses the provider",
                ));
            }
            let mut next = shell.clone();
            next.settings.provider_url = url;
            next.save()?;
            *shell = next;
        }
        *slot = None;
        drop(slot);
        Ok(self.view())
    }

    async fn set_lock_after(&self, secs: u64) -> Result<ShellView, WalletError> {
        self.wallet().await?;
        if !shell::LOCK_CHOICES.contains(&secs) {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                "not one of the offered idle times",
            ));
        }
        self.update(|s| s.lock_after_secs = Some(secs))?;
        self.lock.set_lock_after(secs);
        Ok(self.view())
    }

    async fn set_notifications(&self, enabled: bool) -> Result<ShellView, WalletError> {
        self.wallet().await?;
        self.update(|s| s.notifications = Some(enabled))?;
        self.notifier.set_enabled(enabled);
        Ok(self.view())
    }

    /// The UI's language, for the notification texts.
    fn set_locale(&self, locale: String) -> Result<(), WalletError> {
        if !["en", "zh-CN", "zh-TW"].contains(&locale.as_str()) {
            return Err(WalletError::new(
                ErrorCode::MalformedRequest,
                "unknown language",
            ));
        }
        self.notifier.set_locale(&locale);
        if self.shell().settings.locale.as_deref() != Some(locale.as_str()) {
            self.update(|s| s.locale = Some(locale))?;
        }
        Ok(())
    }

    fn update(&self, change: impl FnOnce(&mut ShellSettings)) -> Result<(), WalletError> {
        let mut shell = self.shell();
        let mut next = shell.clone();
        change(&mut next.settings);
        next.save()?;
        *shell = next;
        Ok(())
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
    // Also from the lock screen: signing out needs no unlocking (sign back in with password + SMS).
    state.opened().await?.logout().await
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
    // Also while locked, so OS notifications keep coming (and a revoked device is wiped).
    state.opened().await?.sync_events().await
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

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_sms_pay(
    state: State<'_, AppState>,
    enabled: bool,
    pin: Option<String>,
) -> Result<AccountSettings, WalletError> {
    state.wallet().await?.set_sms_pay(enabled, pin).await
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

// --- the desktop shell: settings, About, the app lock, screen protection (issue 16) ----------

/// The settings screen: the provider and where it comes from, the idle time, notifications.
#[tauri::command]
#[tracing::instrument(skip_all)]
async fn shell_settings(state: State<'_, AppState>) -> Result<ShellView, WalletError> {
    Ok(state.view())
}

/// Saves the provider URL to the settings file (`null`: the default); only signed out, and
/// not while `WALLET_SERVER` chooses it.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_provider_url(
    state: State<'_, AppState>,
    url: Option<String>,
) -> Result<ShellView, WalletError> {
    state.set_provider_url(url).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_lock_after(state: State<'_, AppState>, secs: u64) -> Result<ShellView, WalletError> {
    state.set_lock_after(secs).await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_notifications(
    state: State<'_, AppState>,
    enabled: bool,
) -> Result<ShellView, WalletError> {
    state.set_notifications(enabled).await
}

/// The UI's language, for notification texts.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn set_locale(state: State<'_, AppState>, locale: String) -> Result<(), WalletError> {
    state.set_locale(locale)
}

/// Version, build, provider and data location.
#[tauri::command]
#[tracing::instrument(skip_all)]
async fn about(state: State<'_, AppState>) -> Result<About, WalletError> {
    Ok(state.about())
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn lock_state(state: State<'_, AppState>) -> Result<LockState, WalletError> {
    state.lock_state().await
}

/// The user pressed a key or clicked: the idle clock restarts (never unlocks).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn touch(state: State<'_, AppState>) -> Result<LockState, WalletError> {
    state.touch().await
}

#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn lock_now(state: State<'_, AppState>) -> Result<LockState, WalletError> {
    state.lock_now().await
}

/// Unlocks with the payment PIN, checked by the provider.
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn unlock(state: State<'_, AppState>, pin: String) -> Result<LockState, WalletError> {
    state.unlock(pin).await
}

/// Keeps the window's content out of screenshots and screen sharing while the payment code
/// shows (Windows and macOS; Linux has no such API and ignores it).
#[tauri::command]
#[tracing::instrument(skip_all, err)]
async fn protect_screen<R: Runtime>(
    window: tauri::WebviewWindow<R>,
    on: bool,
) -> Result<(), WalletError> {
    window
        .set_content_protected(on)
        .map_err(|e| WalletError::new(ErrorCode::Internal, e.to_string()))
}

/// Registers the commands and the wallet state, and starts opening the wallet with `open` as
/// soon as the app is set up. Generic over the runtime so tests drive it with the mock runtime.
pub fn run_app<R: Runtime>(
    builder: Builder<R>,
    open: OpenWallet,
    shell: ShellConfig,
) -> Builder<R> {
    builder
        .plugin(tauri_plugin_notification::init())
        .manage(AppState::new(open, shell))
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
            set_sms_pay,
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
            delete_exports,
            shell_settings,
            set_provider_url,
            set_lock_after,
            set_notifications,
            set_locale,
            about,
            lock_state,
            touch,
            lock_now,
            unlock,
            protect_screen
        ])
        .setup(|app| {
            // Notifications from the core's event listener; only while the window is not in
            // front (in front, home shows the notice and the new balance itself).
            let shower = app.handle().clone();
            app.state::<AppState>()
                .notifier
                .set_show(Box::new(move |title, body| {
                    let in_front = shower
                        .get_webview_window("main")
                        .and_then(|w| w.is_focused().ok())
                        .unwrap_or(false);
                    if in_front {
                        return;
                    }
                    if let Err(e) = shower
                        .notification()
                        .builder()
                        .title(title)
                        .body(body)
                        .show()
                    {
                        tracing::warn!(error = %e, "notification not shown");
                    }
                }));
            // Start opening now so the first screen does not wait for the secret store.
            let handle = app.handle().clone();
            tauri::async_runtime::spawn(async move {
                let _ = handle.state::<AppState>().opened().await;
            });
            Ok(())
        })
}

/// The real shell's configuration: `$WALLET_HOME` (else the app data directory named after
/// [`shell::IDENTIFIER`], where a profile under an earlier identifier is moved first), the
/// settings file, and `$WALLET_SERVER`.
pub fn platform_shell() -> ShellConfig {
    let env_provider = std::env::var("WALLET_SERVER")
        .ok()
        .filter(|s| !s.is_empty());
    let paths = match shell::ShellPaths::from_env() {
        Ok(p) => p,
        Err(e) => {
            return ShellConfig {
                home: PathBuf::new(),
                settings_file: None,
                settings: ShellSettings::default(),
                env_provider,
                broken: Some(e),
            }
        }
    };
    if !paths.home_from_env {
        if let Some(data_dir) = paths.home.parent() {
            match shell::move_legacy_profile(data_dir, &paths.home) {
                Ok(Some(old)) => tracing::info!(
                    from = %old.display(),
                    to = %paths.home.display(),
                    "moved the profile to the new app identifier"
                ),
                Ok(None) => {}
                Err(e) => tracing::warn!(error = %e, "could not move the old profile directory"),
            }
        }
    }
    ShellConfig {
        settings: ShellSettings::load(&paths.settings_file),
        home: paths.home,
        settings_file: Some(paths.settings_file),
        env_provider,
        broken: None,
    }
}

/// Opens `config` with the platform secret store (Secret Service, Keychain, Credential Manager).
fn open_platform_wallet(config: WalletConfig) -> Result<Wallet, WalletError> {
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
    let open: OpenWallet = Arc::new(open_platform_wallet);
    let app = run_app(tauri::Builder::default(), open, platform_shell()).run(context);
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
        invoke_all(test_shell(None, None), &[(cmd, body)]).remove(0)
    }

    fn test_shell(settings_file: Option<PathBuf>, env_provider: Option<&str>) -> ShellConfig {
        ShellConfig {
            home: PathBuf::from("/nonexistent/wallet-home"),
            settings: settings_file
                .as_deref()
                .map(ShellSettings::load)
                .unwrap_or_default(),
            settings_file,
            env_provider: env_provider.map(str::to_owned),
            broken: None,
        }
    }

    /// Runs `calls` in order against one app whose wallet never opens (`STORE_KEY_WRONG`).
    fn invoke_all(shell: ShellConfig, calls: &[(&str, InvokeBody)]) -> Vec<Result<Value, Value>> {
        let fail_open: OpenWallet =
            Arc::new(|_config| Err(WalletError::from(ErrorCode::StoreKeyWrong)));
        let app = run_app(mock_builder(), fail_open, shell)
            .build(mock_context(noop_assets()))
            .unwrap();
        let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .unwrap();
        calls
            .iter()
            .map(|(cmd, body)| {
                get_ipc_response(
                    &webview,
                    InvokeRequest {
                        cmd: (*cmd).into(),
                        callback: CallbackFn(0),
                        error: CallbackFn(1),
                        // The page's own (local) origin, as the real UI calls from.
                        url: webview.url().unwrap(),
                        body: body.clone(),
                        headers: Default::default(),
                        invoke_key: tauri::test::INVOKE_KEY.to_owned(),
                    },
                )
                .map(|b| b.deserialize::<Value>().unwrap())
            })
            .collect()
    }

    /// The settings screen saves the provider to the settings file; `WALLET_SERVER` wins and
    /// cannot be overridden from the screen; a URL is checked by the core first.
    #[test]
    fn provider_settings_are_saved_to_the_file_and_env_wins() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("settings.json");
        let json = |v: Value| InvokeBody::Json(v);
        let out = invoke_all(
            test_shell(Some(file.clone()), None),
            &[
                ("shell_settings", json(json!({}))),
                (
                    "set_provider_url",
                    json(json!({"url": "http://sandbox.example"})),
                ),
                (
                    "set_provider_url",
                    json(json!({"url": "https://sandbox.example/"})),
                ),
                ("about", json(json!({}))),
            ],
        );
        let view = out[0].as_ref().unwrap();
        assert_eq!(view["provider_url"], shell::DEFAULT_PROVIDER);
        assert_eq!(view["provider_source"], "default");
        assert_eq!(view["lock_after_secs"], 300);
        assert_eq!(view["notifications"], true);
        assert_eq!(out[1].as_ref().unwrap_err()["code"], "INSECURE_SERVER_URL");
        let view = out[2].as_ref().unwrap();
        assert_eq!(view["provider_url"], "https://sandbox.example");
        assert_eq!(view["provider_source"], "file");
        let about = out[3].as_ref().unwrap();
        assert_eq!(about["provider_url"], "https://sandbox.example");
        assert_eq!(about["identifier"], "com.walletpay.desktop");
        assert_eq!(about["data_dir"], "/nonexistent/wallet-home");
        assert_eq!(about["version"], env!("CARGO_PKG_VERSION"));
        assert!(!about["build"].as_str().unwrap().is_empty());
        // The next start reads it back.
        assert_eq!(
            ShellSettings::load(&file).provider_url.as_deref(),
            Some("https://sandbox.example")
        );

        let out = invoke_all(
            test_shell(Some(file.clone()), Some("http://127.0.0.1:9")),
            &[
                ("shell_settings", json(json!({}))),
                ("set_provider_url", json(json!({"url": null}))),
            ],
        );
        assert_eq!(out[0].as_ref().unwrap()["provider_source"], "env");
        assert_eq!(
            out[0].as_ref().unwrap()["provider_url"],
            "http://127.0.0.1:9"
        );
        assert_eq!(out[1].as_ref().unwrap_err()["code"], "FORBIDDEN");
        assert_eq!(
            ShellSettings::load(&file).provider_url.as_deref(),
            Some("https://sandbox.example")
        );
    }

    /// The lock and settings commands reach the wallet (which cannot open here) and take the
    /// UI's argument names; the locale is checked.
    #[test]
    fn shell_commands_take_the_ui_arguments() {
        for (cmd, body) in [
            ("lock_state", json!({})),
            ("touch", json!({})),
            ("lock_now", json!({})),
            ("unlock", json!({"pin": "860527"})),
            ("set_lock_after", json!({"secs": 60})),
            ("set_notifications", json!({"enabled": false})),
        ] {
            let err = invoke(cmd, body).unwrap_err();
            assert_eq!(err["code"], "STORE_KEY_WRONG", "{cmd}: {err}");
        }
        assert!(invoke("set_locale", json!({"locale": "zh-TW"})).is_ok());
        let err = invoke("set_locale", json!({"locale": "fr"})).unwrap_err();
        assert_eq!(err["code"], "MALFORMED_REQUEST");
        assert!(invoke("protect_screen", json!({"on": true})).is_ok());
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
            ("set_sms_pay", json!({"enabled": true, "pin": "860527"})),
            ("set_sms_pay", json!({"enabled": false, "pin": null})),
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
