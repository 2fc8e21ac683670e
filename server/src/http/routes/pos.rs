//! The sandbox point-of-sale page for testers (`GET /pos`): create or enter a merchant, make an
//! order and show its QR code, charge a scanned payment code, refund. Static HTML, CSS and JS
//! embedded in the binary; the page calls the merchant API with the key it keeps in
//! `sessionStorage` (never in a URL). `GET /pos/qr.svg?payload=...` draws any payload as an SVG
//! QR code. Sandbox mode only.

use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;
use wallet_protocol::ErrorCode;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::sandbox::ensure_sandbox;
use crate::domain::state::AppState;

pub const SCRIPT_PATH: &str = "/pos/pos.js";
pub const STYLE_PATH: &str = "/pos/pos.css";
pub const QR_SVG_PATH: &str = "/pos/qr.svg";

const PAGE: &str = include_str!("../../../pos/index.html");
const SCRIPT: &str = include_str!("../../../pos/pos.js");
const STYLE: &str = include_str!("../../../pos/pos.css");

/// Longest payload drawn (EMVCo payloads are at most 512 characters).
const MAX_PAYLOAD: usize = 512;

/// Only our own files run on the page; it talks only to this server.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

pub async fn page(State(state): State<AppState>) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    Ok(asset("text/html; charset=utf-8", PAGE))
}

pub async fn script(State(state): State<AppState>) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    Ok(asset("text/javascript; charset=utf-8", SCRIPT))
}

pub async fn style(State(state): State<AppState>) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    Ok(asset("text/css; charset=utf-8", STYLE))
}

#[derive(Debug, Deserialize)]
pub struct QrQuery {
    payload: String,
}

/// Any payload as an SVG QR code (error correction M), for the page to show.
pub async fn qr_svg(
    State(state): State<AppState>,
    query: Result<Query<QrQuery>, axum::extract::rejection::QueryRejection>,
) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    let Query(q) = query?;
    if q.payload.is_empty() || q.payload.len() > MAX_PAYLOAD {
        return Err(ApiError::detail(
            ErrorCode::MalformedRequest,
            format!("payload: 1 to {MAX_PAYLOAD} bytes"),
        ));
    }
    let code = QrCode::with_error_correction_level(q.payload.as_bytes(), EcLevel::M)
        .map_err(|e| ApiError::detail(ErrorCode::MalformedRequest, e.to_string()))?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    let mut res = image.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(res)
}
