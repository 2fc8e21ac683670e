//! Transfers between users and the history feed (issue 6): `POST /v1/transfers/recipient`,
//! `POST /v1/transfers`, `GET /v1/history`. The logic lives in [`crate::domain::transfer`].

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use wallet_protocol::api::{
    paths, HistoryFeed, Operation, RecipientInfo, RecipientLookupRequest, TransferRequest,
};
use wallet_protocol::Problem;
use zeroize::Zeroizing;

use crate::domain::error::ApiResult;
use crate::domain::state::AppState;
use crate::domain::transfer;
use crate::http::extract::{AuthenticatedDevice, IdempotencyKey};

/// Who is behind a phone number: the masked real name (`*明`, `**华`) and phone, shown before
/// the sender confirms a transfer with the PIN. Rate limited per device.
#[utoipa::path(
    post,
    path = paths::TRANSFER_RECIPIENT,
    tag = "transfers",
    request_body = RecipientLookupRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The recipient, masked", body = RecipientInfo),
        (status = 400, description = "PHONE_INVALID, MALFORMED_REQUEST", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "RECIPIENT_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "TRANSFER_TO_SELF", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many look-ups from this device", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn recipient(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<RecipientInfo>> {
    let req: RecipientLookupRequest = auth.json()?;
    Ok(Json(
        transfer::lookup(&state, &auth.account_id, &auth.device_id, &req.phone).await?,
    ))
}

/// Send money from the wallet balance to another user's, at once, confirmed with the payment
/// PIN. Send an `Idempotency-Key`: a retry answers the first result and never sends twice.
/// The recipient gets a `transfer_in` operation and a `transfer_received` device event.
#[utoipa::path(
    post,
    path = paths::TRANSFERS,
    tag = "transfers",
    request_body = TransferRequest,
    params(("Idempotency-Key" = String, Header, min_length = 8, max_length = 64, pattern = "^[A-Za-z0-9_-]{8,64}$", description = "8-64 of A-Z a-z 0-9 - _; one per intended transfer")),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The sender's `transfer_out` operation (succeeded)", body = Operation),
        (status = 400, description = "AMOUNT_INVALID, PHONE_INVALID, MALFORMED_REQUEST (note over 50 characters or with control characters), IDEMPOTENCY_KEY_MISSING, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG, signature or device errors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "RECIPIENT_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "RECIPIENT_UNAVAILABLE, PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "TRANSFER_TO_SELF, BALANCE_INSUFFICIENT, AMOUNT_OVER_LIMIT, DAILY_LIMIT_REACHED, IDEMPOTENCY_KEY_REUSED", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED, ACCOUNT_FROZEN, COOLING_OFF (over the small amount during a cooling-off; retry_after_secs)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: a recipient not looked up this hour counts as a look-up, and the device has none left", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn send(
    State(state): State<AppState>,
    key: IdempotencyKey,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<Operation>> {
    let key = key.required()?;
    let mut req: TransferRequest = auth.json()?;
    let pin = Zeroizing::new(std::mem::take(&mut req.pin));
    req.pin = pin.to_string();
    let answer = transfer::transfer(&state, &auth.account_id, &auth.device_id, key, &req).await?;
    Ok(Json(answer))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// The last `cursor` this device has applied (0 at first).
    #[param(minimum = 0, maximum = 9_007_199_254_740_991.0)]
    pub after: Option<i64>,
    /// 1 to 500, default 100 (others are brought into that range).
    #[param(minimum = 0, maximum = 4_294_967_295.0)]
    pub limit: Option<u32>,
}

/// Every change to the account's operations after a cursor, oldest first: new operations
/// (top-ups, withdrawals, payments, refunds, transfers in and out) and changed ones (a pending
/// withdrawal settled) again with a higher `seq`. Apply each by `operation_id`, the highest
/// `seq` winning; ask again with `cursor` while `more`.
#[utoipa::path(
    get,
    path = paths::HISTORY,
    tag = "transfers",
    params(HistoryQuery),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "By `seq` ascending", body = HistoryFeed),
        (status = 400, description = "MALFORMED_REQUEST", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn history(
    State(state): State<AppState>,
    uri: Uri,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<HistoryFeed>> {
    let Query(q) = Query::<HistoryQuery>::try_from_uri(&uri)?;
    crate::http::cursor("after", q.after)?;
    Ok(Json(
        transfer::history(&state, &auth.account_id, q.after, q.limit).await?,
    ))
}
