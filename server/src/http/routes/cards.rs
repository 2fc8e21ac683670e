//! Bank cards (docs/rules.md §Cards): bind with the bank's OTP, list, default, unbind (PIN), report lost.
//! The card number is read here, handed to the bank gateway, and dropped: never stored or logged.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{
    otp_well_formed, paths, BindCardRequest, CardBindingStarted, CardInfo, CardList,
    CardVerifyRequest, SecurityEventKind, UnbindCardRequest,
};
use wallet_protocol::card::CardNumber;
use wallet_protocol::{ErrorCode, PhoneNumber, Problem};
use zeroize::Zeroizing;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::pin::verify_pin;
use crate::domain::state::AppState;
use crate::domain::wire::card_info;
use crate::domain::wire::wire_time;
use crate::http::extract::{ApiPath, AuthenticatedDevice};
use crate::http::path_id;
use crate::ports::bank::{BankError, BindingRequest};
use crate::secrets;
use crate::store::{BindOutcome, CardBindingRow};

/// Start binding a card: the bank checks it and the holder, and texts an OTP to the phone
/// reserved at the bank.
#[utoipa::path(
    post,
    path = paths::CARDS,
    tag = "cards",
    request_body = BindCardRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 202, description = "The bank sent its code", body = CardBindingStarted),
        (status = 400, description = "CARD_NUMBER_INVALID, PHONE_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 402, description = "CARD_DECLINED, CARD_REPORTED_LOST", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_NOT_SET: the PIN is set at the first binding", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "CARD_HOLDER_MISMATCH", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn bind_card(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<(StatusCode, Json<CardBindingStarted>)> {
    let req: BindCardRequest = auth.json()?;
    let raw = Zeroizing::new(req.number);
    let number = CardNumber::parse(&raw)
        .map_err(|e| ApiError::detail(ErrorCode::CardNumberInvalid, e.to_string()))?;
    let phone = PhoneNumber::parse(&req.bank_phone)
        .map_err(|e| ApiError::detail(ErrorCode::PhoneInvalid, e.to_string()))?;
    if state.store.pin(&auth.account_id).await?.is_none() {
        return Err(ApiError::detail(
            ErrorCode::PinNotSet,
            "set the payment PIN first; it guards every card",
        ));
    }
    let account = state
        .store
        .account(&auth.account_id)
        .await?
        .ok_or_else(|| ApiError::internal("account of a device is gone"))?;
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
        account_id: auth.account_id.clone(),
        bank_ref: started.bank_ref,
        bank: inspection.bank.map(|b| b.code().to_owned()),
        scheme: scheme.code().to_owned(),
        card_type: card_type.code().to_owned(),
        last4: last4.clone(),
        created_at: now,
        expires_at: started.expires_at,
    };
    state.store.insert_card_binding(binding.clone()).await?;
    tracing::info!(account = %auth.account_id, binding = %binding.id, "card binding started");
    Ok((
        StatusCode::ACCEPTED,
        Json(CardBindingStarted {
            binding_id: binding.id,
            phone_masked: phone.masked(),
            expires_at: wire_time(started.expires_at),
            bank: inspection.bank,
            scheme,
            card_type,
            last4,
        }),
    ))
}

/// Finish binding with the bank's OTP.
#[utoipa::path(
    post,
    path = paths::CARD_BINDING_VERIFY,
    tag = "cards",
    params(("binding_id" = String, Path, description = "From the binding answer")),
    request_body = CardVerifyRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "Card bound", body = CardInfo),
        (status = 400, description = "OTP_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "OTP_INVALID, OTP_EXPIRED", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "BINDING_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "CARD_ALREADY_BOUND", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn verify_card(
    State(state): State<AppState>,
    ApiPath(binding_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<CardInfo>> {
    let req: CardVerifyRequest = auth.json()?;
    let code = Zeroizing::new(req.code);
    if !otp_well_formed(&code) {
        return Err(ErrorCode::OtpFormatInvalid.into());
    }
    let binding = state
        .store
        .card_binding(&auth.account_id, &binding_id)
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
            tracing::info!(account = %auth.account_id, card = %card.id, "card bound");
            let detail = format!("card ending {}", card.last4);
            crate::domain::standing::note_from(
                &state,
                &auth.account_id,
                &auth.device_id,
                SecurityEventKind::CardBound,
                Some(&detail),
            )
            .await;
            Ok(Json(card_info(&card)?))
        }
        BindOutcome::AlreadyBound => Err(ErrorCode::CardAlreadyBound.into()),
        BindOutcome::NotFound => Err(ErrorCode::BindingNotFound.into()),
    }
}

/// The account's cards: default first.
#[utoipa::path(
    get,
    path = paths::CARDS,
    tag = "cards",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses((status = 200, description = "Bound cards", body = CardList))
)]
pub async fn list_cards(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<CardList>> {
    let rows = state.store.cards(&auth.account_id).await?;
    let cards = rows.iter().map(card_info).collect::<ApiResult<_>>()?;
    Ok(Json(CardList { cards }))
}

/// Make a card the default for top-ups.
#[utoipa::path(
    post,
    path = paths::CARD_DEFAULT,
    tag = "cards",
    params(("card_id" = String, Path)),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The card, now default", body = CardInfo),
        (status = 404, description = "CARD_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn set_default(
    State(state): State<AppState>,
    ApiPath(card_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<CardInfo>> {
    path_id(&card_id, ErrorCode::CardNotFound)?;
    let card = state
        .store
        .set_default_card(&auth.account_id, &card_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::CardNotFound))?;
    Ok(Json(card_info(&card)?))
}

/// Unbind a card; the payment PIN confirms it.
#[utoipa::path(
    post,
    path = paths::CARD_UNBIND,
    tag = "cards",
    params(("card_id" = String, Path)),
    request_body = UnbindCardRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 204, description = "Unbound"),
        (status = 401, description = "PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CARD_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unbind(
    State(state): State<AppState>,
    ApiPath(card_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<StatusCode> {
    path_id(&card_id, ErrorCode::CardNotFound)?;
    let req: UnbindCardRequest = auth.json()?;
    let pin = Zeroizing::new(req.pin);
    if state
        .store
        .card(&auth.account_id, &card_id)
        .await?
        .is_none()
    {
        return Err(ErrorCode::CardNotFound.into());
    }
    verify_pin(&state, &auth.account_id, &pin).await?;
    if !state
        .store
        .unbind_card(&auth.account_id, &card_id, state.clock.unix())
        .await?
    {
        return Err(ErrorCode::CardNotFound.into());
    }
    tracing::info!(account = %auth.account_id, card = %card_id, "card unbound");
    crate::domain::standing::note_from(
        &state,
        &auth.account_id,
        &auth.device_id,
        SecurityEventKind::CardUnbound,
        None,
    )
    .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Report a card lost: suspended at once, no PIN needed (it only stops money).
#[utoipa::path(
    post,
    path = paths::CARD_REPORT_LOST,
    tag = "cards",
    params(("card_id" = String, Path)),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The card, suspended", body = CardInfo),
        (status = 404, description = "CARD_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report_lost(
    State(state): State<AppState>,
    ApiPath(card_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<CardInfo>> {
    path_id(&card_id, ErrorCode::CardNotFound)?;
    let card = state
        .store
        .suspend_card(&auth.account_id, &card_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::CardNotFound))?;
    tracing::warn!(account = %auth.account_id, card = %card_id, "card reported lost: suspended");
    let detail = format!("card ending {}", card.last4);
    crate::domain::standing::note_from(
        &state,
        &auth.account_id,
        &auth.device_id,
        SecurityEventKind::CardReportedLost,
        Some(&detail),
    )
    .await;
    Ok(Json(card_info(&card)?))
}

/// A bank refusal as the public error.
pub(crate) fn bank_error(e: BankError) -> ApiError {
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
