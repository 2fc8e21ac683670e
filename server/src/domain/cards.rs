//! Bank cards (docs/rules.md §Cards): bind with the bank's OTP, list, default, unbind (PIN), report lost.
//!
//! The card number arrives in a [`BindCardRequest`], is parsed, handed to the bank gateway, and
//! dropped (zeroized): only the gateway ever receives it; the server keeps the bank's token and
//! the last 4, and never logs the number.

use wallet_protocol::api::{
    otp_well_formed, BindCardRequest, CardBindingStarted, CardInfo, CardList, CardVerifyRequest,
    SecurityEventKind, UnbindCardRequest,
};
use wallet_protocol::card::CardNumber;
use wallet_protocol::{ErrorCode, PhoneNumber};
use zeroize::Zeroizing;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::otp;
use crate::domain::pin::verify_pin;
use crate::domain::standing::note_from;
use crate::domain::state::AppState;
use crate::domain::wire::{card_info, wire_time};
use crate::ports::bank::{BankError, BindingRequest};
use crate::secrets;
use crate::store::{BindOutcome, CardBindingRow, OtpChannel};

/// `POST /v1/cards`: the bank checks the card and its holder and texts an OTP to the phone
/// reserved at the bank. The PIN must be set first (it guards every card). The bank's code
/// goes through the same send limits as ours (per reserved phone, on its own `card` budget,
/// and per client IP), counted before the bank is asked.
pub async fn bind(
    state: &AppState,
    ip: &str,
    account_id: &str,
    req: BindCardRequest,
) -> ApiResult<CardBindingStarted> {
    let raw = Zeroizing::new(req.number);
    let number = CardNumber::parse(&raw)
        .map_err(|e| ApiError::detail(ErrorCode::CardNumberInvalid, e.to_string()))?;
    let phone = PhoneNumber::parse(&req.bank_phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    if state.store.pin(account_id).await?.is_none() {
        return Err(ApiError::detail(
            ErrorCode::PinNotSet,
            "set the payment PIN first; it guards every card",
        ));
    }
    let account = state
        .store
        .account(account_id)
        .await?
        .ok_or_else(|| ApiError::internal("account of a device is gone"))?;
    otp::admit_send_on(state, &phone, ip, OtpChannel::Card).await?;
    let inspection = number.inspection();
    let last4 = number.last4().to_owned();
    let scheme = number.scheme();
    let card_type = inspection
        .card_type
        .unwrap_or(wallet_protocol::card::CardType::Debit);
    let request = BindingRequest {
        number,
        holder_name: account.name,
        reserved_phone: phone.clone(),
    };
    let started = state
        .bank
        .start_binding(&request)
        .await
        .map_err(bank_error)?;
    drop(request);
    let now = state.clock.unix();
    let binding = CardBindingRow {
        id: secrets::new_id("bind"),
        account_id: account_id.to_owned(),
        bank_ref: started.bank_ref,
        bank: inspection.bank.map(|b| b.code().to_owned()),
        scheme: scheme.code().to_owned(),
        card_type: card_type.code().to_owned(),
        last4: last4.clone(),
        created_at: now,
        expires_at: started.expires_at,
    };
    state.store.insert_card_binding(binding.clone()).await?;
    tracing::info!(account = %account_id, binding = %binding.id, "card binding started");
    Ok(CardBindingStarted {
        binding_id: binding.id,
        phone_masked: phone.masked(),
        expires_at: wire_time(started.expires_at),
        bank: inspection.bank,
        scheme,
        card_type,
        last4,
    })
}

/// `POST /v1/cards/bindings/{binding_id}/verify`: the bank's OTP; the card is bound and the
/// binding (by `device_id`) logged.
pub async fn verify(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    binding_id: &str,
    req: CardVerifyRequest,
) -> ApiResult<CardInfo> {
    let code = Zeroizing::new(req.code);
    if !otp_well_formed(&code) {
        return Err(ErrorCode::OtpFormatInvalid.into());
    }
    let binding = state
        .store
        .card_binding(account_id, binding_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::BindingNotFound))?;
    let token = state
        .bank
        .confirm_binding(&binding.bank_ref, &code)
        .await
        .map_err(bank_error)?;
    let outcome = state
        .store
        .complete_card_binding(binding, secrets::new_id("card"), token, state.clock.unix())
        .await?;
    match outcome {
        BindOutcome::Bound(card) => {
            tracing::info!(account = %account_id, card = %card.id, "card bound");
            let detail = format!("card ending {}", card.last4);
            note_from(
                state,
                account_id,
                device_id,
                SecurityEventKind::CardBound,
                Some(&detail),
            )
            .await;
            card_info(&card)
        }
        BindOutcome::AlreadyBound => Err(ErrorCode::CardAlreadyBound.into()),
        BindOutcome::NotFound => Err(ErrorCode::BindingNotFound.into()),
    }
}

/// `GET /v1/cards`: the account's cards, default first.
pub async fn list(state: &AppState, account_id: &str) -> ApiResult<CardList> {
    let rows = state.store.cards(account_id).await?;
    let cards = rows.iter().map(card_info).collect::<ApiResult<_>>()?;
    Ok(CardList { cards })
}

/// `POST /v1/cards/{card_id}/default`: the card top-ups use when none is named.
pub async fn set_default(state: &AppState, account_id: &str, card_id: &str) -> ApiResult<CardInfo> {
    let card = state
        .store
        .set_default_card(account_id, card_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::CardNotFound))?;
    card_info(&card)
}

/// `POST /v1/cards/{card_id}/unbind`: the payment PIN confirms it; logged by `device_id`.
pub async fn unbind(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    card_id: &str,
    req: UnbindCardRequest,
) -> ApiResult<()> {
    let pin = Zeroizing::new(req.pin);
    if state.store.card(account_id, card_id).await?.is_none() {
        return Err(ErrorCode::CardNotFound.into());
    }
    verify_pin(state, account_id, &pin).await?;
    if !state
        .store
        .unbind_card(account_id, card_id, state.clock.unix())
        .await?
    {
        return Err(ErrorCode::CardNotFound.into());
    }
    tracing::info!(account = %account_id, card = %card_id, "card unbound");
    note_from(
        state,
        account_id,
        device_id,
        SecurityEventKind::CardUnbound,
        None,
    )
    .await;
    Ok(())
}

/// `POST /v1/cards/{card_id}/report-lost`: suspended at once, no PIN needed (it only stops
/// money); logged by `device_id`.
pub async fn report_lost(
    state: &AppState,
    account_id: &str,
    device_id: &str,
    card_id: &str,
) -> ApiResult<CardInfo> {
    let card = state
        .store
        .suspend_card(account_id, card_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::CardNotFound))?;
    tracing::warn!(account = %account_id, card = %card_id, "card reported lost: suspended");
    let detail = format!("card ending {}", card.last4);
    note_from(
        state,
        account_id,
        device_id,
        SecurityEventKind::CardReportedLost,
        Some(&detail),
    )
    .await;
    card_info(&card)
}

/// A bank refusal as the public error.
fn bank_error(e: BankError) -> ApiError {
    match &e {
        BankError::OtpInvalid { tries_left } => {
            ApiError::detail(ErrorCode::OtpInvalid, format!("{tries_left} tries left."))
        }
        BankError::Unavailable(cause) => {
            tracing::warn!(%cause, "bank unavailable");
            ApiError::new(ErrorCode::BankUnavailable)
        }
        _ => ApiError::detail(e.code(), e.to_string()),
    }
}
