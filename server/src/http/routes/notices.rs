//! Merchant notices (merchant key): the notices and their delivery state, where they go, and
//! a new signing secret. The logic lives in [`crate::domain::notices`]; the signature is
//! `wallet_protocol::notice`.

use axum::extract::{Query, State};
use axum::http::Uri;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use wallet_protocol::notice::{
    paths, NoticeList, NoticeSecret, NoticeSettings, NoticeSettingsUpdate,
};
use wallet_protocol::{ErrorCode, Problem};

use crate::domain::error::ApiResult;
use crate::domain::notices;
use crate::domain::pay;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ApiPath, MerchantKey};
use crate::http::path_id;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NoticesQuery {
    /// Only this order's notices.
    #[param(pattern = "^[A-Za-z0-9_-]{1,128}$")]
    pub order_id: Option<String>,
}

/// The merchant's latest 100 notices, newest first, with their delivery state.
#[utoipa::path(
    get,
    path = paths::MERCHANT_NOTICES,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$"), NoticesQuery),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "Newest first, and the current `notify_url`", body = NoticeList),
        (status = 400, description = "MALFORMED_REQUEST: the query cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "ORDER_NOT_FOUND: `order_id` is not shaped like an order id", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
    uri: Uri,
) -> ApiResult<Json<NoticeList>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    let Query(q) = Query::<NoticesQuery>::try_from_uri(&uri)?;
    if let Some(order_id) = &q.order_id {
        path_id(order_id, ErrorCode::OrderNotFound)?;
    }
    Ok(Json(notices::list(&state, &m, q.order_id).await?))
}

/// Where the merchant's notices go, and when its notice secret was made.
#[utoipa::path(
    get,
    path = paths::MERCHANT_NOTICE_SETTINGS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The notice settings", body = NoticeSettings),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn settings(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<NoticeSettings>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(notices::settings(&state, &m).await?))
}

/// Set where notices go (`null`: nowhere; notices not delivered yet then fail).
#[utoipa::path(
    put,
    path = paths::MERCHANT_NOTICE_SETTINGS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    request_body = NoticeSettingsUpdate,
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The notice settings now", body = NoticeSettings),
        (status = 422, description = "NOTIFY_URL_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
    ApiJson(req): ApiJson<NoticeSettingsUpdate>,
) -> ApiResult<Json<NoticeSettings>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(notices::put_settings(&state, &m, req).await?))
}

/// A new notice secret, shown once. The old one stops signing at once: every later attempt,
/// retries of earlier notices included, is signed with the new one.
#[utoipa::path(
    post,
    path = paths::MERCHANT_NOTICE_SECRET,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    security(("merchant_key" = [])),
    responses(
        (status = 200, description = "The new secret (shown once)", body = NoticeSecret),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn rotate_secret(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
) -> ApiResult<Json<NoticeSecret>> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok(Json(notices::rotate_secret(&state, &m).await?))
}
