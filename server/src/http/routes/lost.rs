//! Lost phone (issue 5): `POST /v1/report-lost` (no sign-in), `POST /v1/unfreeze`,
//! `GET /v1/account/status`, `GET /v1/security-log`, `GET /v1/events`, `GET`/`PUT /v1/settings`.
//! The logic lives in [`crate::domain::lost`].

use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use wallet_protocol::api::{
    paths, AccountProfile, AccountSettings, AccountSettingsUpdate, AccountStatus, DeviceEventFeed,
    FreezeRequest, PhoneChangeRequest, PhoneChangeStarted, PhoneChangeVerifyRequest,
    ReportLostAnswer, ReportLostRequest, SecurityLog, UnfreezeRequest,
};
use wallet_protocol::Problem;

use crate::domain::error::ApiResult;
use crate::domain::lost;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ApiPath, AuthenticatedDevice, ClientIp};

/// Report a lost phone and freeze the account, without signing in. Identity: the phone plus
/// the real name and the last 6 of the ID number, or the phone plus the login password. The
/// answer is the same whether or not the details matched or the phone has an account.
#[utoipa::path(
    post,
    path = paths::REPORT_LOST,
    tag = "lost",
    request_body = ReportLostRequest,
    responses(
        (status = 202, description = "Always `{\"received\": true}`: never says whether anything was frozen", body = ReportLostAnswer),
        (status = 400, description = "MALFORMED_REQUEST (give name + id_last6, or password), PHONE_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: per client IP and per phone number", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn report_lost(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<ReportLostRequest>,
) -> ApiResult<(StatusCode, Json<ReportLostAnswer>)> {
    lost::report_lost(&state, &ip, req).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(ReportLostAnswer { received: true }),
    ))
}

/// Unfreeze a frozen account from a signed-in device (a new one: password + SMS code) with the
/// full ID number and the payment PIN. A cooling-off follows.
#[utoipa::path(
    post,
    path = paths::UNFREEZE,
    tag = "lost",
    request_body = UnfreezeRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "Unfrozen; `cooling_off` until the time given", body = AccountStatus),
        (status = 400, description = "ID_NUMBER_INVALID, PIN_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG, signature or device errors", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "UNFREEZE_DENIED: the ID number does not match (counts as a wrong PIN try)", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "NOT_FROZEN, PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unfreeze(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountStatus>> {
    let req: UnfreezeRequest = auth.json()?;
    Ok(Json(
        lost::unfreeze(&state, &auth.account_id, &auth.device_id, req).await?,
    ))
}

/// Freeze now, from a signed-in device ("a new device signed in — not you?"): the account is
/// frozen at once and the named device (or every other device) revoked; this one stays signed
/// in and may unfreeze later with the ID number and the PIN.
#[utoipa::path(
    post,
    path = paths::FREEZE,
    tag = "lost",
    request_body = FreezeRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "Frozen", body = AccountStatus),
        (status = 400, description = "MALFORMED_REQUEST (naming this device)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "NOT_FOUND: no such live device on the account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn freeze(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountStatus>> {
    let req: FreezeRequest = auth.json()?;
    Ok(Json(
        lost::freeze_from_device(&state, &auth.account_id, &auth.device_id, req).await?,
    ))
}

/// Whether the account is active, frozen, or in a cooling-off.
#[utoipa::path(
    get,
    path = paths::ACCOUNT_STATUS,
    tag = "lost",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The account's state", body = AccountStatus),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn status(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountStatus>> {
    Ok(Json(lost::status(&state, &auth.account_id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// Entries with an id below this one (the previous page's `next_before`).
    #[param(minimum = 0, maximum = 9_007_199_254_740_991.0)]
    pub before: Option<i64>,
    /// 1 to 200, default 50 (others are brought into that range).
    #[param(minimum = 0, maximum = 4_294_967_295.0)]
    pub limit: Option<u32>,
}

/// The account's security log, newest first.
#[utoipa::path(
    get,
    path = paths::SECURITY_LOG,
    tag = "lost",
    params(LogQuery),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "Newest first", body = SecurityLog),
        (status = 400, description = "MALFORMED_REQUEST", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn security_log(
    State(state): State<AppState>,
    uri: Uri,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<SecurityLog>> {
    let Query(q) = Query::<LogQuery>::try_from_uri(&uri)?;
    crate::http::cursor("before", q.before)?;
    Ok(Json(
        lost::security_log(&state, &auth.account_id, q.before, q.limit).await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventsQuery {
    /// The last cursor this device has seen (0 at first).
    #[param(minimum = 0, maximum = 9_007_199_254_740_991.0)]
    pub after: Option<i64>,
    /// 1 to 200, default 50 (others are brought into that range).
    #[param(minimum = 0, maximum = 4_294_967_295.0)]
    pub limit: Option<u32>,
}

/// Device events after a cursor, oldest first: new devices, freezes, unfreezes, setting
/// changes. Events this device caused are left out. Poll with the returned `cursor`.
#[utoipa::path(
    get,
    path = paths::EVENTS,
    tag = "lost",
    params(EventsQuery),
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "Oldest first", body = DeviceEventFeed),
        (status = 400, description = "MALFORMED_REQUEST", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Signature or device errors", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn events(
    State(state): State<AppState>,
    uri: Uri,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<DeviceEventFeed>> {
    let Query(q) = Query::<EventsQuery>::try_from_uri(&uri)?;
    crate::http::cursor("after", q.after)?;
    Ok(Json(
        lost::events(
            &state,
            &auth.account_id,
            &auth.device_id,
            q.after.unwrap_or(0),
            q.limit,
        )
        .await?,
    ))
}

/// The account's security settings.
#[utoipa::path(
    get,
    path = paths::SETTINGS,
    tag = "lost",
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses((status = 200, description = "The settings", body = AccountSettings))
)]
pub async fn settings(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountSettings>> {
    Ok(Json(lost::settings(&state, &auth.account_id).await?))
}

/// Change the security settings. Switching SMS-only sign-in on lets anyone who takes over the
/// phone number sign in without the password: apps must warn first, and switching it on needs
/// the payment PIN. Logged and notified.
#[utoipa::path(
    put,
    path = paths::SETTINGS,
    tag = "lost",
    request_body = AccountSettingsUpdate,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The settings now", body = AccountSettings),
        (status = 400, description = "MALFORMED_REQUEST, PIN_FORMAT_INVALID (switching on without the PIN)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "PIN_WRONG", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PIN_NOT_SET", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "PIN_LOCKED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn put_settings(
    State(state): State<AppState>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountSettings>> {
    let req: AccountSettingsUpdate = auth.json()?;
    Ok(Json(
        lost::put_settings(&state, &auth.account_id, &auth.device_id, req).await?,
    ))
}

/// Start changing the phone number: the password and the ID number (or else a code to the old
/// number too); a code goes to the new number.
#[utoipa::path(
    post,
    path = paths::PHONE_CHANGE,
    tag = "lost",
    request_body = PhoneChangeRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 202, description = "Codes sent", body = PhoneChangeStarted),
        (status = 400, description = "MALFORMED_REQUEST, PHONE_INVALID, ID_NUMBER_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "CREDENTIALS_INVALID: password or ID number wrong", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PHONE_TAKEN", body = Problem, content_type = "application/problem+json"),
        (status = 423, description = "ACCOUNT_FROZEN: unfreeze first", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start_phone_change(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    auth: AuthenticatedDevice,
) -> ApiResult<(StatusCode, Json<PhoneChangeStarted>)> {
    let req: PhoneChangeRequest = auth.json()?;
    Ok((
        StatusCode::ACCEPTED,
        Json(lost::start_phone_change(&state, &ip, &auth.account_id, req).await?),
    ))
}

/// Finish the change with the code(s) and say what happens to the bound cards.
#[utoipa::path(
    post,
    path = paths::PHONE_CHANGE_VERIFY,
    tag = "lost",
    params(("challenge_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$", description = "From the start answer")),
    request_body = PhoneChangeVerifyRequest,
    security(("wallet_device" = [], "wallet_timestamp" = [], "wallet_nonce" = [], "wallet_signature" = [])),
    responses(
        (status = 200, description = "The account with its new number", body = AccountProfile),
        (status = 400, description = "MALFORMED_REQUEST (e.g. the old number's code missing), OTP_FORMAT_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "OTP_INVALID, OTP_EXPIRED", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "CHALLENGE_NOT_FOUND", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "PHONE_TAKEN", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn finish_phone_change(
    State(state): State<AppState>,
    ApiPath(challenge_id): ApiPath<String>,
    auth: AuthenticatedDevice,
) -> ApiResult<Json<AccountProfile>> {
    crate::http::path_id(&challenge_id, wallet_protocol::ErrorCode::ChallengeNotFound)?;
    let req: PhoneChangeVerifyRequest = auth.json()?;
    Ok(Json(
        lost::finish_phone_change(
            &state,
            &auth.account_id,
            &auth.device_id,
            &challenge_id,
            req,
        )
        .await?,
    ))
}
