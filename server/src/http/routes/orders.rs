//! The payer's orders (docs/rules.md §Paying: remote orders and payment codes over the no-PIN limit):
//! `GET /v1/orders`, `POST /v1/orders/{id}/confirm`, `POST /v1/orders/{id}/decline`.

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, Operation, Order, OrderConfirmRequest, OrderList};
use wallet_protocol::{ErrorCode, Problem};
use zeroize::Zeroizing;

use crate::domain::error::ApiResult;
use crate::domain::pay;
use crate::domain::state::AppState;
use crate::http::extract::{ApiPath, AuthenticatedDevice, IdempotencyKey};
use crate::http::path_id;

/// Orders waiting for this account's decision (remote orders, payment codes over the no-PIN
/// limit), newest first. Expired ones drop out.
#[utoipa::path(
    get,
    path = paths::ORDERS,
    tag = "pay",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses((status = 200, description = "Open orders, newest first", body = OrderList))
)]
pub async fn list(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<OrderList>> {
    Ok(Json(pay::open_orders(&state, &auth.account_id).await?))
}

/// Pay one of this account's open orders with the payment PIN.
#[utoipa::path(
    post,
    path = paths::ORDER_CONFIRM,
    tag = "pay",
    params(
        ("order_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"),
        ("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per intended payment"),
    ),
    request_body = OrderConfirmRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The payment (kind `payment`): from a card or the phone bill as the gateway answered (`failed` with its `failure_code`, or `pending`)", body = Operation),
        (status = 400, description = "IDEMPOTENCY_KEY_MISSING, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "ORDER_NOT_FOUND, CARD_NOT_FOUND (the chosen source)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ORDER_ALREADY_PAID, ORDER_EXPIRED, ORDER_CLOSED, PAYMENT_PENDING, CARD_SUSPENDED, PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "BALANCE_INSUFFICIENT, AMOUNT_OVER_LIMIT, DAILY_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED, ACCOUNT_FROZEN, COOLING_OFF (retry_after_secs)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn confirm(
    State(state): State<AppState>,
    ApiPath(order_id): ApiPath<String>,
    key: IdempotencyKey,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Operation>> {
    path_id(&order_id, ErrorCode::OrderNotFound)?;
    let key = key.required()?;
    let req: OrderConfirmRequest = auth.json()?;
    let pin = Zeroizing::new(req.pin);
    Ok(Json(
        pay::confirm_order_from(
            &state,
            &auth.account_id,
            &order_id,
            key,
            &pin,
            req.source.as_ref(),
        )
        .await?,
    ))
}

/// Decline one of this account's open orders. Declining twice answers the declined order.
#[utoipa::path(
    post,
    path = paths::ORDER_DECLINE,
    tag = "pay",
    params(("order_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The order, now `declined`", body = Order),
        (status = 404, description = "ORDER_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ORDER_ALREADY_PAID, ORDER_EXPIRED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn decline(
    State(state): State<AppState>,
    ApiPath(order_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Order>> {
    path_id(&order_id, ErrorCode::OrderNotFound)?;
    Ok(Json(
        pay::decline_order(&state, &auth.account_id, &order_id).await?,
    ))
}
