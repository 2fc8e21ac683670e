//! SMS payment, "reply Y" (docs/rules.md §SMS payment (reply Y)): the account's switch (signed), the
//! merchant's product codes and service number (API key), and the sandbox's inbound SMS hook.
//! The logic lives in [`crate::domain::sms_pay`].

use axum::extract::State;
use axum::Json;
use wallet_protocol::api::{
    paths, AccountSettings, InboundSmsAnswer, InboundSmsRequest, SmsPayUpdate, SmsProductRequest,
    SmsProducts,
};
use wallet_protocol::Problem;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::domain::{pay, sandbox, sms_pay};
use crate::http::extract::{ApiJson, ApiPath, AuthenticatedDevice, MerchantKey};

/// Switch SMS payment ("reply Y") on or off. Off by default: whoever holds the SIM card (a
/// swapped one too) receives the SMS. Switching on needs the payment PIN; switching off needs
/// nothing. Logged and told to the other devices.
#[utoipa::path(
    put,
    path = paths::SETTINGS_SMS_PAY,
    tag = "lost",
    request_body = SmsPayUpdate,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The settings now", body = AccountSettings),
        (status = 400, description = "MALFORMED_REQUEST, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_REQUIRED (switching on without the PIN), PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountSettings>> {
    let req: SmsPayUpdate = auth.json()?;
    Ok(Json(
        sms_pay::put_settings(&state, &auth.account_id, &auth.device_id, req).await?,
    ))
}

/// The merchant's SMS service number (given on first use) and product codes.
#[utoipa::path(
    get,
    path = paths::MERCHANT_SMS_PRODUCTS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The service number and the product codes, by code", body = SmsProducts),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list_products(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<SmsProducts>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(sms_pay::products(&state, &m).await?))
}

/// Register a product code payers text to the service number, or replace the one with the
/// same code. The price is at most the SMS per-payment cap.
#[utoipa::path(
    post,
    path = paths::MERCHANT_SMS_PRODUCTS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    request_body = SmsProductRequest,
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The service number and the product codes, by code", body = SmsProducts),
        (status = 400, description = "MALFORMED_REQUEST (code 1-8 digits, description 1-32 characters), AMOUNT_INVALID, TEXT_HIDDEN_CHARACTER", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "AMOUNT_OVER_LIMIT: over the SMS per-payment cap", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_product(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
    ApiJson(req): ApiJson<SmsProductRequest>,
) -> ApiResult<Json<SmsProducts>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(sms_pay::put_product(&state, &m, req).await?))
}

/// Remove a product code. References already sent for it still pay what they offered.
#[utoipa::path(
    delete,
    path = paths::MERCHANT_SMS_PRODUCT,
    tag = "merchants",
    params(
        ("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"),
        ("code" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"),
    ),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The service number and the product codes left", body = SmsProducts),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND: no such product code", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn delete_product(
    State(state): State<AppState>,
    ApiPath((merchant_id, code)): ApiPath<(String, String)>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<SmsProducts>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(sms_pay::delete_product(&state, &m, &code).await?))
}

/// Deliver an SMS a phone sent to a service number, as the SMS gateway would (sandbox only).
/// The provider answers the phone by SMS (read it in the outbox); the answer names it too.
#[utoipa::path(
    post,
    path = paths::SANDBOX_SMS_INBOUND,
    tag = "sandbox",
    request_body = InboundSmsRequest,
    responses(
        (status = 200, description = "The SMS sent back (also in the outbox)", body = InboundSmsAnswer),
        (status = 400, description = "MALFORMED_REQUEST (service number 5-20 digits, text up to 480 characters), PHONE_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "SANDBOX_ONLY", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many requests from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn inbound(
    State(state): State<AppState>,
    req: Result<ApiJson<InboundSmsRequest>, ApiError>,
) -> ApiResult<Json<InboundSmsAnswer>> {
    // Before the body is read: outside the sandbox every request answers `SANDBOX_ONLY`.
    sandbox::ensure_sandbox(&state)?;
    let ApiJson(req) = req?;
    Ok(Json(sms_pay::receive(&state, req).await?))
}
