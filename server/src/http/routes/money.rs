//! Top-ups, withdrawals, the balance and single operations (docs/rules.md §Ledger, §Paying). The logic lives in
//! [`crate::domain::money`] (one operation: [`crate::domain::operations`]); these handlers read
//! the request and answer.

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, BalanceResponse, Operation, TopUpRequest, WithdrawRequest};
use wallet_protocol::Problem;
use zeroize::Zeroizing;

use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::domain::{money, operations};
use crate::http::extract::{ApiPath, AuthenticatedDevice, IdempotencyKey};

/// Top up the wallet from a bound card, confirmed with the payment PIN (it pulls money from the
/// user's card). Send an `Idempotency-Key`: a retry returns the first result and never moves
/// money twice (and needs no PIN again).
#[utoipa::path(
    post,
    path = paths::TOPUPS,
    tag = "money",
    request_body = TopUpRequest,
    params(("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per intended payment")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The operation: succeeded, failed (failure_code says why) or pending (the bank is late; it settles by itself)", body = Operation),
        (status = 400, description = "AMOUNT_INVALID, IDEMPOTENCY_KEY_MISSING, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_REQUIRED, PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CARD_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "NO_CARD, CARD_SUSPENDED, PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "AMOUNT_OVER_LIMIT, DAILY_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "ACCOUNT_FROZEN, PIN_LOCKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn top_up(
    State(state): State<AppState>,
    key: IdempotencyKey,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Operation>> {
    let key = key.required()?;
    let mut req: TopUpRequest = auth.json()?;
    let pin = req.pin.take().map(Zeroizing::new);
    Ok(Json(
        money::top_up(
            &state,
            &auth.account_id,
            key,
            req,
            pin.as_deref().map(String::as_str),
        )
        .await?,
    ))
}

/// Withdraw to a bound debit card, confirmed with the payment PIN. The fee is kept from the
/// amount; the card receives `amount - fee`.
#[utoipa::path(
    post,
    path = paths::WITHDRAWALS,
    tag = "money",
    request_body = WithdrawRequest,
    params(("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per intended payment")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The operation (see top-up)", body = Operation),
        (status = 400, description = "AMOUNT_INVALID, IDEMPOTENCY_KEY_MISSING, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CARD_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "NO_CARD, CARD_SUSPENDED, CARD_NOT_DEBIT, PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BALANCE_INSUFFICIENT, AMOUNT_OVER_LIMIT, DAILY_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED, ACCOUNT_FROZEN, COOLING_OFF (retry_after_secs)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw(
    State(state): State<AppState>,
    key: IdempotencyKey,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Operation>> {
    let key = key.required()?;
    let mut req: WithdrawRequest = auth.json()?;
    let pin = Zeroizing::new(std::mem::take(&mut req.pin));
    req.pin = pin.to_string();
    let answer = money::withdraw(&state, &auth.account_id, key, req).await?;
    Ok(Json(answer))
}

/// The wallet balance, the latest 20 operations (unresolved ones are settled first) and what
/// is left of today's limits.
#[utoipa::path(
    get,
    path = paths::BALANCE,
    tag = "money",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses((status = 200, description = "Balance", body = BalanceResponse))
)]
pub async fn balance(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<BalanceResponse>> {
    Ok(Json(money::balance(&state, &auth.account_id).await?))
}

/// One operation, settled with the bank first if it is pending.
#[utoipa::path(
    get,
    path = paths::OPERATION,
    tag = "money",
    params(("operation_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The operation", body = Operation),
        (status = 404, description = "NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn operation(
    State(state): State<AppState>,
    ApiPath(operation_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Operation>> {
    Ok(Json(
        operations::operation(&state, &auth.account_id, &operation_id).await?,
    ))
}
