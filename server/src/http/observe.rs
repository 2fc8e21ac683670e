//! The frame around every request: its id, its log span, its time limit and its counters
//! (docs/decisions.md §Operators).
//!
//! - **Request id**: a sane incoming `X-Request-Id` (1-64 of `A-Z a-z 0-9 . _ -`, what a proxy
//!   or a client sets) is kept, anything else is replaced by a new one. It is echoed in the
//!   `X-Request-Id` answer header, set on the `request` span (so every log line the request
//!   writes carries it) and in every problem+json answer (`request_id`).
//! - **Time limit** (`--request-timeout-ms`): past it the client gets `503 REQUEST_TIMEOUT`.
//!   A GET or HEAD is dropped there (it changes nothing). Any other request runs on in its own
//!   task to its end, as if the client had gone: a payment is never cut between its steps (its
//!   database transactions are atomic anyway; this keeps the begin → bank → finish sequence and
//!   a PIN try's count-then-record whole). Its outcome is what a retry with the same
//!   `Idempotency-Key` answers.
//! - **Counters** ([`crate::telemetry::metrics`]): by route template, never the raw path.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{HeaderMap, HeaderValue, Method, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use tracing::Instrument as _;
use wallet_protocol::api::paths;
use wallet_protocol::ErrorCode;

use crate::domain::error::ApiError;
use crate::domain::state::AppState;
use crate::telemetry::metrics::RequestSample;

/// The request id header, in and out.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The route label of a request no route matched.
pub const UNMATCHED: &str = "unmatched";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The id of the request being served on this task, if any.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

/// Money-moving routes (POST) and the kind their answers count as. A new payment channel adds
/// its route here (ARCHITECTURE.md, "Where a new payment channel goes").
const MONEY_ROUTES: &[(&str, &str)] = &[
    (paths::TOPUPS, "topup"),
    (paths::WITHDRAWALS, "withdrawal"),
    (paths::QR_PAYMENTS, "payment_qr"),
    (paths::ORDER_CONFIRM, "payment_order"),
    (paths::MERCHANT_CHARGES, "payment_code"),
    (paths::MERCHANT_ORDER_REFUND, "refund"),
    (paths::TRANSFERS, "transfer"),
    // The SMS gateway's inbound hook: a "Y" reply pays (sandbox: the outbox's other half).
    (paths::SANDBOX_SMS_INBOUND, "payment_sms"),
];

/// An incoming id worth keeping: 1-64 characters of `A-Z a-z 0-9 . _ -`.
pub fn is_sane_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn request_id(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|id| is_sane_request_id(id))
        .map_or_else(new_request_id, str::to_owned)
}

/// `req_` and 22 random lowercase letters (103 bits). Letters only: an id never holds a run of
/// digits that a log search could mistake for (or a test confuse with) a code or a number.
fn new_request_id() -> String {
    let bytes: [u8; 22] = rand::random();
    let letters: String = bytes.iter().map(|b| char::from(b'a' + b % 26)).collect();
    format!("req_{letters}")
}

/// The middleware: see the module documentation.
pub async fn observe(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(req.headers());
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let money_kind = (method == Method::POST)
        .then(|| MONEY_ROUTES.iter().find(|(r, _)| *r == route))
        .flatten()
        .map(|(_, kind)| *kind);
    // The path, not the query: queries can hold phone numbers.
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %method,
        route = %route,
        path = %req.uri().path(),
    );
    state.metrics.request_started();
    let work = REQUEST_ID
        .scope(id.clone(), next.run(req))
        .instrument(span.clone());
    let limit = state.limits.request_timeout_ms;
    let changes_nothing = method == Method::GET || method == Method::HEAD;
    let answered = if limit == 0 {
        Some(work.await)
    } else if changes_nothing {
        tokio::time::timeout(Duration::from_millis(limit), work)
            .await
            .ok()
    } else {
        // Its own task: it runs to its end even if the client goes or the limit passes.
        let task = tokio::spawn(work);
        match tokio::time::timeout(Duration::from_millis(limit), task).await {
            Ok(Ok(response)) => Some(response),
            Ok(Err(panicked)) => Some(REQUEST_ID.sync_scope(id.clone(), || {
                span.in_scope(|| ApiError::internal(panicked).into_response())
            })),
            Err(_) => None,
        }
    };
    let timed_out = answered.is_none();
    let mut response = answered.unwrap_or_else(|| {
        let detail = if changes_nothing {
            "the server did not answer in time; try again"
        } else {
            "the server did not answer in time; the request runs on to its end: send it again \
             with the same Idempotency-Key to learn its outcome"
        };
        span.in_scope(|| tracing::warn!(limit_ms = limit, "request timed out"));
        REQUEST_ID.sync_scope(id.clone(), || {
            ApiError::detail(ErrorCode::RequestTimeout, detail).into_response()
        })
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID_HEADER, value);
    }
    let status = response.status();
    let metrics = &state.metrics;
    if timed_out {
        metrics.request_timed_out(&route);
    }
    if response.extensions().get::<ErrorCode>() == Some(&ErrorCode::RateLimited) {
        metrics.rate_limited(&route);
    }
    if let Some(kind) = money_kind {
        let outcome = if timed_out {
            "timeout"
        } else if status.is_server_error() {
            "error"
        } else if !status.is_success() {
            "refused"
        } else {
            let (parts, body) = response.into_parts();
            // Answers are small JSON documents, already whole in memory.
            let bytes = axum::body::to_bytes(body, 1 << 20)
                .await
                .unwrap_or_default();
            let outcome = outcome_of(&bytes);
            response = Response::from_parts(parts, Body::from(bytes));
            outcome
        };
        metrics.money(kind, outcome);
    }
    let elapsed = started.elapsed();
    metrics.request_done(RequestSample {
        method: method.as_str(),
        route: &route,
        status: status.as_u16(),
        elapsed,
    });
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            latency_ms = u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
            "request answered"
        );
    });
    response
}

/// The outcome of a money request that answered 2xx, from the `status` of its operation or
/// order.
fn outcome_of(body: &[u8]) -> &'static str {
    #[derive(serde::Deserialize)]
    struct Status {
        status: Option<String>,
    }
    match serde_json::from_slice::<Status>(body)
        .ok()
        .and_then(|s| s.status)
        .as_deref()
    {
        // An operation's statuses, then an order's (a payment-code charge, a refund).
        Some("succeeded" | "paid" | "refunded") => "succeeded",
        Some("failed") => "failed",
        Some("pending") => "pending",
        Some("open") => "awaiting_pin",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sane_ids_are_kept() {
        assert!(is_sane_request_id("abc-123_X.y"));
        assert!(is_sane_request_id(&"a".repeat(64)));
        assert!(!is_sane_request_id(&"a".repeat(65)));
        assert!(!is_sane_request_id(""));
        assert!(!is_sane_request_id("a b"));
        assert!(!is_sane_request_id("a\"b"));
        assert!(!is_sane_request_id("имя"));
        let mut headers = HeaderMap::new();
        headers.insert(REQUEST_ID_HEADER, HeaderValue::from_static("bad id\t"));
        assert!(request_id(&headers).starts_with("req_"));
        headers.insert(REQUEST_ID_HEADER, HeaderValue::from_static("lb-42"));
        assert_eq!(request_id(&headers), "lb-42");
    }

    #[test]
    fn money_outcomes() {
        assert_eq!(outcome_of(br#"{"status":"succeeded"}"#), "succeeded");
        assert_eq!(outcome_of(br#"{"status":"pending"}"#), "pending");
        assert_eq!(outcome_of(br#"{"status":"open"}"#), "awaiting_pin");
        assert_eq!(outcome_of(b"not json"), "other");
    }
}
