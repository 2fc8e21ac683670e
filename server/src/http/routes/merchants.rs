//! The merchant API (docs/rules.md §Paying, §CLI merchant tools): `POST /v1/merchants` (sandbox only), and,
//! with `Authorization: Bearer <api key>` for the merchant in the path, its static code,
//! orders, refunds and payment-code charges. The logic lives in [`crate::domain::pay`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use wallet_protocol::api::{
    paths, ChargeCodeRequest, MerchantCreateRequest, MerchantCreated, MerchantQr, Order,
    OrderCreateRequest, OrderList, RefundRequest,
};
use wallet_protocol::{ErrorCode, Problem};

use crate::domain::error::ApiResult;
use crate::domain::pay;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ApiPath, IdempotencyKey, MerchantKey};
use crate::http::path_id;

/// Create a merchant (sandbox only). The API key and the notice secret are shown once; the
/// server keeps the key's hash and the secret sealed.
#[utoipa::path(
    post,
    path = paths::MERCHANTS,
    tag = "merchants",
    request_body = MerchantCreateRequest,
    responses(
        (status = 201, description = "The merchant, its API key (shown once) and its static code", body = MerchantCreated),
        (status = 400, description = "MERCHANT_INVALID: name 1-25, city 1-15 characters, MCC 4 digits", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "NOTIFY_URL_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "SANDBOX_ONLY", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many requests from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<MerchantCreateRequest>,
) -> ApiResult<(StatusCode, Json<MerchantCreated>)> {
    Ok((
        StatusCode::CREATED,
        Json(pay::create_merchant(&state, req).await?),
    ))
}

/// The merchant's static code (the payer types the amount).
#[utoipa::path(
    get,
    path = paths::MERCHANT_QR,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "Static EMVCo payload (point of initiation 11)", body = MerchantQr),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn qr(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<MerchantQr>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(pay::merchant_qr(&m)?))
}

/// Create an order: a dynamic code with the amount locked, or with `phone` a remote order that
/// the payer confirms in the app. Default lifetime 15 minutes.
#[utoipa::path(
    post,
    path = paths::MERCHANT_ORDERS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    request_body = OrderCreateRequest,
    security(("merchant_key" = [])),
    responses(
        (status = 201, description = "The open order (`payload` holds a dynamic code's EMVCo payload)", body = Order),
        (status = 400, description = "AMOUNT_INVALID, PHONE_INVALID, MALFORMED_REQUEST (expires_in_secs 1-86400, description)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "PAYER_NOT_FOUND: no account has this phone number", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "AMOUNT_OVER_LIMIT: too large for a dynamic code", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many payers' numbers this hour", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create_order(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
    ApiJson(req): ApiJson<OrderCreateRequest>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(pay::create_order(&state, &m, req).await?),
    ))
}

/// The merchant's latest 50 orders, newest first.
#[utoipa::path(
    get,
    path = paths::MERCHANT_ORDERS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "Newest first", body = OrderList),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_orders(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<OrderList>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(OrderList {
        orders: pay::merchant_orders(&state, &m).await?,
    }))
}

/// One order of the merchant. An open order past its time answers `expired`.
#[utoipa::path(
    get,
    path = paths::MERCHANT_ORDER,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"), ("order_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The order", body = Order),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "ORDER_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn order(
    State(state): State<AppState>,
    ApiPath((merchant_id, order_id)): ApiPath<(String, String)>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<Order>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    path_id(&order_id, ErrorCode::OrderNotFound)?;
    Ok(Json(pay::merchant_order(&state, &m, &order_id).await?))
}

/// Refund a paid order to the payer's wallet, in full (no amount) or in part. Send an
/// `Idempotency-Key`: a retry returns the order without refunding twice.
#[utoipa::path(
    post,
    path = paths::MERCHANT_ORDER_REFUND,
    tag = "merchants",
    params(
        ("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"),
        ("order_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"),
        ("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per intended refund"),
    ),
    request_body = RefundRequest,
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The order with `refunded` updated (`refunded` status once in full)", body = Order),
        (status = 400, description = "AMOUNT_INVALID, IDEMPOTENCY_KEY_MISSING", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "ORDER_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "REFUND_NOT_ALLOWED: not paid, or more than is left", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn refund(
    State(state): State<AppState>,
    ApiPath((merchant_id, order_id)): ApiPath<(String, String)>,
    MerchantKey(api_key): MerchantKey,
    key: IdempotencyKey,
    ApiJson(req): ApiJson<RefundRequest>,
) -> ApiResult<Json<Order>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    let key = key.required()?;
    path_id(&order_id, ErrorCode::OrderNotFound)?;
    Ok(Json(pay::refund(&state, &m, &order_id, key, req).await?))
}

/// Charge a scanned payment code. Under the payer's no-PIN limits it pays at once (`paid`);
/// over them it answers an `open` order the payer confirms with the PIN within a short time.
/// The code is used up either way. Send an `Idempotency-Key`.
#[utoipa::path(
    post,
    path = paths::MERCHANT_CHARGES,
    tag = "merchants",
    params(
        ("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"),
        ("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per scan"),
    ),
    request_body = ChargeCodeRequest,
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The order: `paid`, or `open` waiting for the payer's PIN", body = Order),
        (status = 400, description = "AMOUNT_INVALID, IDEMPOTENCY_KEY_MISSING", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PAYCODE_USED", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "PAYCODE_INVALID (unknown, expired or revoked: never says which), BALANCE_INSUFFICIENT, AMOUNT_OVER_LIMIT, DAILY_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many invalid payment codes from this merchant", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "ACCOUNT_FROZEN, COOLING_OFF: the payer's account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn charge(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
    key: IdempotencyKey,
    ApiJson(req): ApiJson<ChargeCodeRequest>,
) -> ApiResult<Json<Order>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    let key = key.required()?;
    Ok(Json(pay::charge(&state, &m, key, req).await?))
}
