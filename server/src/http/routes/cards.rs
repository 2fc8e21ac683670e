//! Bank cards (docs/rules.md §Cards): bind with the bank's OTP, list, default, unbind (PIN), report lost.
//! The logic lives in [`crate::domain::cards`]; the card number in the signed body goes
//! straight to it (and from there to the bank gateway only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{
    paths, BindCardRequest, CardBindingStarted, CardInfo, CardList, CardVerifyRequest,
    UnbindCardRequest,
};
use wallet_protocol::{ErrorCode, Problem};

use crate::domain::cards;
use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::http::extract::{ApiPath, AuthenticatedDevice, ClientIp};
use crate::http::path_id;

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
        (status = 429, description = "RATE_LIMITED: too many codes to the reserved phone or from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn bind_card(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthenticatedDevice,
) -> ApiResult<(StatusCode, Json<CardBindingStarted>)> {
    let req: BindCardRequest = auth.json()?;
    let started = cards::bind(&state, &ip, &auth.account_id, req).await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// Finish binding with the bank's OTP.
#[utoipa::path(
    post,
    path = paths::CARD_BINDING_VERIFY,
    tag = "cards",
    params(("binding_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$", description = "From the binding answer")),
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
    Ok(Json(
        cards::verify(&state, &auth.account_id, &auth.device_id, &binding_id, req).await?,
    ))
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
    Ok(Json(cards::list(&state, &auth.account_id).await?))
}

/// Make a card the default for top-ups.
#[utoipa::path(
    post,
    path = paths::CARD_DEFAULT,
    tag = "cards",
    params(("card_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
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
    Ok(Json(
        cards::set_default(&state, &auth.account_id, &card_id).await?,
    ))
}

/// Unbind a card; the payment PIN confirms it.
#[utoipa::path(
    post,
    path = paths::CARD_UNBIND,
    tag = "cards",
    params(("card_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
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
    cards::unbind(&state, &auth.account_id, &auth.device_id, &card_id, req).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Report a card lost: suspended at once, no PIN needed (it only stops money).
#[utoipa::path(
    post,
    path = paths::CARD_REPORT_LOST,
    tag = "cards",
    params(("card_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
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
    Ok(Json(
        cards::report_lost(&state, &auth.account_id, &auth.device_id, &card_id).await?,
    ))
}
