//! Request extractors whose failures are problem+json like every other error.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use wallet_protocol::signing;
use wallet_protocol::ErrorCode;

use crate::domain::auth::{self, DeviceRequest};
use crate::domain::error::ApiError;
use crate::domain::state::AppState;

/// JSON body; a body that is not the expected JSON answers `MALFORMED_REQUEST`.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// Path parameters; bad ones answer `MALFORMED_REQUEST`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// The peer address, for per-IP limits. Proxies' `X-Forwarded-For` is not trusted: behind a
/// proxy this is the proxy's address until a trusted-proxy setting exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string()),
        ))
    }
}

/// The raw `Idempotency-Key` header, if any. It never rejects, so the signature is checked
/// first; handlers validate it with [`IdempotencyKey::required`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub Option<String>);

impl IdempotencyKey {
    /// The key, or `IDEMPOTENCY_KEY_MISSING` when absent or not 8-64 of `A-Za-z0-9-_`.
    pub fn required(&self) -> Result<&str, ApiError> {
        match self.0.as_deref() {
            Some(k) if wallet_protocol::api::idempotency_key_well_formed(k) => Ok(k),
            _ => Err(ApiError::detail(
                ErrorCode::IdempotencyKeyMissing,
                "send an Idempotency-Key header of 8 to 64 letters, digits, - or _",
            )),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .headers
                .get(wallet_protocol::api::IDEMPOTENCY_KEY_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        ))
    }
}

/// The merchant API key of `Authorization: Bearer <api key>` (the scheme case-insensitive),
/// if the header has that shape. It never rejects: [`crate::domain::pay::authenticate`] answers
/// `MERCHANT_KEY_INVALID` for a missing or malformed key like for a wrong one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MerchantKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for MerchantKey {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(
            parts
                .headers
                .get(axum::http::header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().split_once(' '))
                .filter(|(scheme, _)| {
                    scheme.eq_ignore_ascii_case(wallet_protocol::api::MERCHANT_AUTH_SCHEME)
                })
                .map(|(_, key)| key.trim().to_owned()),
        ))
    }
}

/// Most a signed request body may hold.
const MAX_SIGNED_BODY: usize = 1024 * 1024;

/// A request proven to come from an enrolled, active device (docs/rules.md §Devices). Consumes the body, so
/// it must be a handler's last extractor; the body is kept in [`AuthenticatedDevice::body`].
///
/// This extractor only reads: the four signing headers (present and ASCII, else
/// `SIGNATURE_MISSING`/`SIGNATURE_INVALID`), the method, the path and query, and the body (at
/// most 1 MiB). [`auth::authenticate_device`] decides: timestamp, device, signature, nonce.
#[derive(Debug, Clone)]
pub struct AuthenticatedDevice {
    pub device_id: String,
    pub account_id: String,
    pub body: Bytes,
}

impl AuthenticatedDevice {
    /// The signed body as JSON; a body that is not the expected JSON answers `MALFORMED_REQUEST`.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            // serde's message names the field and position, never echoes values of strings.
            ApiError::detail(ErrorCode::MalformedRequest, format!("body: {e}"))
        })
    }
}

impl FromRequest<AppState> for AuthenticatedDevice {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let device_id = header(&parts, signing::HEADER_DEVICE)?;
        let timestamp = header(&parts, signing::HEADER_TIMESTAMP)?;
        let nonce = header(&parts, signing::HEADER_NONCE)?;
        let signature = header(&parts, signing::HEADER_SIGNATURE)?;
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        let path_and_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
        let request = DeviceRequest {
            device_id,
            timestamp,
            nonce,
            signature,
            method: parts.method.as_str(),
            path_and_query,
        };
        let read_body = async {
            axum::body::to_bytes(body, MAX_SIGNED_BODY)
                .await
                .map_err(|_| ApiError::detail(ErrorCode::MalformedRequest, "the body is too large"))
        };
        let (device, body) = auth::authenticate_device(state, request, read_body).await?;
        Ok(Self {
            device_id: device.device_id,
            account_id: device.account_id,
            body,
        })
    }
}

fn header<'a>(parts: &'a Parts, name: &str) -> Result<&'a str, ApiError> {
    let value = parts.headers.get(name).ok_or_else(|| {
        ApiError::detail(ErrorCode::SignatureMissing, format!("{name} is missing"))
    })?;
    value
        .to_str()
        .map_err(|_| ApiError::detail(ErrorCode::SignatureInvalid, format!("{name} is not ASCII")))
}
