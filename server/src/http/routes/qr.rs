//! Scan to pay (docs/rules.md §Paying): `POST /v1/qr/resolve` and `POST /v1/qr/payments`. The logic lives in
//! [`crate::domain::pay`].

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{paths, Operation, QrPayRequest, QrResolveRequest, QrResolved};
use wallet_protocol::Problem;
use zeroize::Zeroize as _;

use crate::domain::error::ApiResult;
use crate::domain::pay;
use crate::domain::state::AppState;
use crate::http::extract::{AuthenticatedDevice, IdempotencyKey};

/// What paying a scanned code would do: the merchant on record (not the printed name), and for
/// a dynamic code its locked amount, order and expiry.
#[utoipa::path(
    post,
    path = paths::QR_RESOLVE,
    tag = "pay",
    request_body = QrResolveRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The merchant on record; `name_mismatch` when the printed name differs", body = QrResolved),
        (status = 400, description = "QR_EMPTY, QR_CRC_MISMATCH, QR_MALFORMED_TLV, QR_MISSING_FIELD, QR_INVALID_FIELD", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "MERCHANT_NOT_FOUND, ORDER_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ORDER_ALREADY_PAID, ORDER_EXPIRED, ORDER_CLOSED", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "QR_NOT_PAYABLE: another network, a link or text (detail names it)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn resolve(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<QrResolved>> {
    let req: QrResolveRequest = auth.json()?;
    Ok(Json(pay::resolve(&state, &req.payload).await?))
}

/// Pay a scanned merchant code with the payment PIN. Static codes need `amount`; dynamic codes
/// lock it. Send an `Idempotency-Key`: a retry returns the first payment.
#[utoipa::path(
    post,
    path = paths::QR_PAYMENTS,
    tag = "pay",
    request_body = QrPayRequest,
    params(("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per intended payment")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The payment (kind `payment`): `succeeded` from the balance; from a card or the phone bill as the gateway answered (`failed` with its `failure_code`, or `pending` until it answers)", body = Operation),
        (status = 400, description = "QR_* (malformed code), AMOUNT_REQUIRED, AMOUNT_INVALID, IDEMPOTENCY_KEY_MISSING, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "MERCHANT_NOT_FOUND, ORDER_NOT_FOUND, CARD_NOT_FOUND (the chosen source)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "AMOUNT_LOCKED, ORDER_ALREADY_PAID, ORDER_EXPIRED, ORDER_CLOSED, PAYMENT_PENDING, CARD_SUSPENDED, PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "QR_NOT_PAYABLE, BALANCE_INSUFFICIENT, AMOUNT_OVER_LIMIT, DAILY_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED, ACCOUNT_FROZEN, COOLING_OFF (retry_after_secs)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn pay(
    State(state): State<AppState>,
    key: IdempotencyKey,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Operation>> {
    let key = key.required()?;
    let mut req: QrPayRequest = auth.json()?;
    let answer = pay::pay_qr(&state, &auth.account_id, key, &req).await;
    req.pin.zeroize();
    Ok(Json(answer?))
}
