//! The operator's services (`wallet-server support …`, `ledger check`): the same rules as the
//! routes, for a person at the provider. Answers carry masked personal data only.

use wallet_protocol::identity::mask_name;
use wallet_protocol::phone::mask_e164;
use wallet_protocol::{ErrorCode, PhoneNumber};

use crate::domain::lost;
use crate::domain::{ApiError, ApiResult, AppState};
use crate::store::{AccountRow, DeviceRow, FreezeScope, LedgerTotals, SecurityRow};

/// The account behind a phone number, as support finds it.
async fn account(state: &AppState, phone: &str) -> ApiResult<AccountRow> {
    let phone = PhoneNumber::parse(phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    state
        .store
        .account_by_phone(phone.as_e164())
        .await?
        .ok_or_else(|| ApiError::detail(ErrorCode::NotFound, "no account has this phone number"))
}

/// What a support freeze did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupportFreeze {
    pub account_id: String,
    pub phone_masked: String,
    pub already_frozen: bool,
    pub devices_revoked: usize,
}

/// Freezes the account of `phone` on a caller's word (a call to support): every device is
/// revoked, as a report-lost would. `reason` goes to the security log, cleaned.
pub async fn freeze(state: &AppState, phone: &str, reason: &str) -> ApiResult<SupportFreeze> {
    let account = account(state, phone).await?;
    let reason: String = reason
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let outcome = lost::freeze(
        state,
        &account,
        FreezeScope::All,
        &format!("support: {reason}"),
    )
    .await?;
    Ok(SupportFreeze {
        account_id: account.id,
        phone_masked: mask_e164(&account.phone),
        already_frozen: outcome.already_frozen,
        devices_revoked: outcome.revoked.len(),
    })
}

/// An account as support sees it: masked, with its standing, devices and recent log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReview {
    pub account_id: String,
    pub phone_masked: String,
    pub name_masked: String,
    pub id_last4: String,
    /// `active`, `frozen` or `cooling_off`.
    pub state: &'static str,
    pub frozen_since: Option<i64>,
    /// Only while it runs.
    pub cooling_off_until: Option<i64>,
    pub sms_login_enabled: bool,
    pub devices: Vec<DeviceRow>,
    /// The 20 latest entries.
    pub security_log: Vec<SecurityRow>,
}

pub async fn lookup(state: &AppState, phone: &str) -> ApiResult<AccountReview> {
    let account = account(state, phone).await?;
    let guard = state.store.account_guard(&account.id).await?;
    let now = state.clock.unix();
    let cooling_off_until = guard.cooling_off_until.filter(|u| *u > now);
    let standing = if guard.frozen_at.is_some() {
        "frozen"
    } else if cooling_off_until.is_some() {
        "cooling_off"
    } else {
        "active"
    };
    let devices = state.store.all_devices(&account.id).await?;
    let security_log = state.store.security_log(&account.id, None, 20).await?;
    let chars: Vec<char> = account.id_number.chars().collect();
    let id_last4 = chars[chars.len().saturating_sub(4)..].iter().collect();
    Ok(AccountReview {
        account_id: account.id.clone(),
        phone_masked: mask_e164(&account.phone),
        name_masked: mask_name(&account.name),
        id_last4,
        state: standing,
        frozen_since: guard.frozen_at,
        cooling_off_until,
        sms_login_enabled: guard.sms_login_enabled,
        devices,
        security_log,
    })
}

/// Every ledger invariant, checked on one snapshot; a violation answers `INTERNAL` with what
/// broke (account ids and amounts, no personal data).
pub async fn ledger_check(state: &AppState) -> ApiResult<LedgerTotals> {
    state
        .store
        .ledger_check()
        .await?
        .map_err(|broken| ApiError::detail(ErrorCode::Internal, broken))
}
