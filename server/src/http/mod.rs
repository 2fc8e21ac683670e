//! The HTTP layer: routes, extractors, problem+json and the OpenAPI document.
//!
//! The top of the server's layers (`http` → `domain` → `ports` → `store`): handlers turn a
//! request into a call of one domain service and its answer into a response. No module below
//! imports this one (checked by `tests/tests/e2e/layers.rs`).

pub mod extract;
pub mod observe;
pub mod openapi;
mod problem;
mod routes;

use routes::{
    cards, checkout, devices, login, lost, me, merchants, meta, money, notices, orders, paycode,
    pin, pos, qr, sandbox, signup, sms_pay, sources, transfer, verify,
};

use axum::extract::{MatchedPath, State};
use axum::http::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use axum::routing::{delete, get, post, put};
use axum::Router;
use wallet_protocol::api::paths;
use wallet_protocol::notice::paths as notice_paths;
use wallet_protocol::ErrorCode;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;

/// Builds the provider's router over `state`.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route(paths::SIGNUP, post(signup::signup))
        .route(paths::LOGIN, post(login::login))
        .route(paths::LOGIN_SMS, post(login::login_sms))
        .route(paths::CHALLENGE_VERIFY, post(verify::verify))
        .route(paths::ME, get(me::me))
        .route(paths::DEVICES, get(devices::list_devices))
        .route(paths::DEVICE_REVOKE, post(devices::revoke_device))
        .route(paths::PIN, get(pin::pin_status).post(pin::set_pin))
        .route(paths::PIN_CHANGE, post(pin::change_pin))
        .route(paths::PIN_VERIFY, post(pin::verify_pin))
        .route(paths::PIN_RESET, post(pin::start_reset))
        .route(paths::PIN_RESET_VERIFY, post(pin::finish_reset))
        .route(paths::CARDS, get(cards::list_cards).post(cards::bind_card))
        .route(paths::CARD_BINDING_VERIFY, post(cards::verify_card))
        .route(paths::CARD_DEFAULT, post(cards::set_default))
        .route(paths::CARD_UNBIND, post(cards::unbind))
        .route(paths::CARD_REPORT_LOST, post(cards::report_lost))
        .route(paths::TOPUPS, post(money::top_up))
        .route(paths::WITHDRAWALS, post(money::withdraw))
        .route(paths::BALANCE, get(money::balance))
        .route(paths::OPERATION, get(money::operation))
        .route(paths::TRANSFER_RECIPIENT, post(transfer::recipient))
        .route(paths::TRANSFERS, post(transfer::send))
        .route(paths::HISTORY, get(transfer::history))
        .route(paths::QR_RESOLVE, post(qr::resolve))
        .route(paths::QR_PAYMENTS, post(qr::pay))
        .route(paths::ORDERS, get(orders::list))
        .route(paths::ORDER_CONFIRM, post(orders::confirm))
        .route(paths::ORDER_DECLINE, post(orders::decline))
        .route(paths::SOURCES, get(sources::list).put(sources::set_order))
        .route(paths::PAYCODE_SEED, post(paycode::seed))
        .route(
            paths::PAYCODE_SETTINGS,
            get(paycode::settings).put(paycode::put_settings),
        )
        .route(paths::REPORT_LOST, post(lost::report_lost))
        .route(paths::UNFREEZE, post(lost::unfreeze))
        .route(paths::FREEZE, post(lost::freeze))
        .route(paths::ACCOUNT_STATUS, get(lost::status))
        .route(paths::SECURITY_LOG, get(lost::security_log))
        .route(paths::EVENTS, get(lost::events))
        .route(paths::SETTINGS, get(lost::settings).put(lost::put_settings))
        .route(paths::SETTINGS_SMS_PAY, put(sms_pay::put_settings))
        .route(paths::PHONE_CHANGE, post(lost::start_phone_change))
        .route(paths::PHONE_CHANGE_VERIFY, post(lost::finish_phone_change))
        .route(paths::MERCHANTS, post(merchants::create))
        .route(paths::MERCHANT_QR, get(merchants::qr))
        .route(
            paths::MERCHANT_ORDERS,
            get(merchants::list_orders).post(merchants::create_order),
        )
        .route(paths::MERCHANT_ORDER, get(merchants::order))
        .route(paths::MERCHANT_ORDER_REFUND, post(merchants::refund))
        .route(paths::MERCHANT_CHARGES, post(merchants::charge))
        .route(notice_paths::MERCHANT_NOTICES, get(notices::list))
        .route(
            notice_paths::MERCHANT_NOTICE_SETTINGS,
            get(notices::settings).put(notices::put_settings),
        )
        .route(
            notice_paths::MERCHANT_NOTICE_SECRET,
            post(notices::rotate_secret),
        )
        .route(
            paths::MERCHANT_SMS_PRODUCTS,
            get(sms_pay::list_products).post(sms_pay::put_product),
        )
        .route(paths::MERCHANT_SMS_PRODUCT, delete(sms_pay::delete_product))
        .route(paths::MERCHANT_CHECKOUTS, post(checkout::create))
        .route(paths::CHECKOUT, get(checkout::view))
        .route(paths::CHECKOUT_PHONE, post(checkout::push_phone))
        .route(paths::CHECKOUT_PAGE, get(checkout::page))
        .route(checkout::SCRIPT_PATH, get(checkout::script))
        .route(checkout::STYLE_PATH, get(checkout::style))
        .route(paths::POS, get(pos::page))
        .route(pos::SCRIPT_PATH, get(pos::script))
        .route(pos::STYLE_PATH, get(pos::style))
        .route(pos::QR_SVG_PATH, get(pos::qr_svg))
        .route(paths::SANDBOX_OUTBOX, get(sandbox::sandbox_outbox))
        .route(paths::SANDBOX_SMS_INBOUND, post(sms_pay::inbound))
        .route(paths::OPENAPI, get(meta::openapi_json))
        .route(paths::HEALTH, get(meta::health))
        .route(paths::READY, get(meta::ready))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            flood_guard,
        ))
        // Outermost: the request id, span, time limit and counters (`observe`).
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            observe::observe,
        ))
        .with_state(state)
}

/// The operators' router (`--metrics-listen`): `GET /metrics` in the Prometheus text format.
/// Served on its own address, never on the public one (docs/decisions.md §Operators).
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route(METRICS_PATH, get(routes::meta::metrics))
        .with_state(state)
}

/// Where the operators' listener serves the counters.
pub const METRICS_PATH: &str = "/metrics";

/// The routes a request reaches without a device signature or a merchant key: the per-IP
/// flood limit covers them (and requests no route matches). `/health` is left out for load
/// balancers' probes.
const SIGNED_OUT: &[&str] = &[
    paths::SIGNUP,
    paths::LOGIN,
    paths::LOGIN_SMS,
    paths::CHALLENGE_VERIFY,
    paths::REPORT_LOST,
    paths::MERCHANTS,
    paths::SANDBOX_OUTBOX,
    paths::SANDBOX_SMS_INBOUND,
    paths::OPENAPI,
    paths::POS,
    pos::SCRIPT_PATH,
    pos::STYLE_PATH,
    pos::QR_SVG_PATH,
    paths::CHECKOUT,
    paths::CHECKOUT_PHONE,
    paths::CHECKOUT_PAGE,
    checkout::SCRIPT_PATH,
    checkout::STYLE_PATH,
];

/// The per-IP flood limit of the signed-out routes ([`crate::domain::guards`]): `RATE_LIMITED`
/// with `Retry-After` once the client's address is over it on this instance.
async fn flood_guard(
    State(state): State<AppState>,
    req: Request<axum::body::Body>,
    next: Next,
) -> Response {
    let signed_out = req
        .extensions()
        .get::<MatchedPath>()
        .is_none_or(|p| SIGNED_OUT.contains(&p.as_str()));
    if signed_out {
        if let Some(ip) =
            extract::client_ip(req.extensions(), req.headers(), &state.limits.trusted_proxy)
        {
            if let Err(secs) = state.guards.admit_request(ip) {
                tracing::info!(
                    retry_after = secs,
                    "signed-out request refused: flood limit"
                );
                return ApiError::rate_limited(secs).into_response();
            }
        }
    }
    next.run(req).await
}

async fn not_found() -> ApiError {
    ApiError::detail(ErrorCode::NotFound, "no such route")
}

/// A known path with a method it does not take: 405 with problem+json; axum adds the `Allow`
/// header listing the methods it does take.
async fn method_not_allowed() -> ApiError {
    ApiError::detail(
        ErrorCode::MethodNotAllowed,
        "this route does not take this method; the Allow header lists those it does",
    )
}

/// Largest cursor a query may carry: what the document publishes (2^53 - 1, exact in every JSON
/// client).
pub(crate) const MAX_CURSOR: i64 = 9_007_199_254_740_991;

/// Checks a cursor from a query (`after`, `before`): 0 to [`MAX_CURSOR`], as documented, else
/// `MALFORMED_REQUEST` naming it.
pub(crate) fn cursor(name: &str, value: Option<i64>) -> ApiResult<()> {
    match value {
        Some(v) if !(0..=MAX_CURSOR).contains(&v) => Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("`{name}` is a cursor: 0 to {MAX_CURSOR}"),
        )),
        _ => Ok(()),
    }
}

/// Checks an id taken from a URL path: anything not shaped like one of ours is answered as
/// `not_found`, the same as an id that does not exist.
pub(crate) fn path_id(id: &str, not_found: ErrorCode) -> ApiResult<()> {
    if wallet_protocol::api::id_well_formed(id) {
        Ok(())
    } else {
        Err(not_found.into())
    }
}
