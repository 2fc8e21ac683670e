//! Request extractors whose failures are problem+json like every other error.

use std::convert::Infallible;
use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use wallet_protocol::signing::{self, SignedParts};
use wallet_protocol::ErrorCode;

use crate::domain::error::ApiError;
use crate::domain::state::AppState;
use crate::store::NonceOutcome;

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

/// Most a signed request body may hold.
const MAX_SIGNED_BODY: usize = 1024 * 1024;

/// A request proven to come from an enrolled, active device (docs/rules.md §Devices). Consumes the body, so
/// it must be a handler's last extractor; the body is kept in [`AuthenticatedDevice::body`].
///
/// Checks run in this order: headers present, timestamp within the skew window, device known
/// and not revoked, signature, then the nonce is recorded (only after a valid signature, so
/// forged requests cannot burn nonces) and the device marked seen.
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

        let timestamp: i64 = timestamp.parse().map_err(|_| {
            ApiError::detail(
                ErrorCode::SignatureInvalid,
                "the timestamp is not Unix seconds",
            )
        })?;
        if !signing::nonce_well_formed(nonce) {
            return Err(ApiError::detail(
                ErrorCode::SignatureInvalid,
                "the nonce must be 16 to 64 base64url characters",
            ));
        }
        let now = state.clock.unix();
        if !signing::timestamp_fresh(timestamp, now) {
            return Err(ApiError::detail(
                ErrorCode::TimestampSkew,
                format!("the server time is {now}"),
            ));
        }

        let device = state
            .store
            .device(device_id)
            .await?
            .ok_or(ApiError::new(ErrorCode::DeviceUnknown))?;
        if device.revoked_at.is_some() {
            return Err(ApiError::new(ErrorCode::DeviceRevoked));
        }

        let body = axum::body::to_bytes(body, MAX_SIGNED_BODY)
            .await
            .map_err(|_| ApiError::detail(ErrorCode::MalformedRequest, "the body is too large"))?;
        let key = signing::decode_public_key(&device.public_key)
            .map_err(|e| ApiError::internal(format!("stored key of {}: {e}", device.id)))?;
        let uri = parts
            .extensions
            .get::<OriginalUri>()
            .map_or(&parts.uri, |o| &o.0);
        let path_and_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
        let signed = SignedParts {
            method: parts.method.as_str(),
            path_and_query,
            timestamp,
            nonce,
            body: &body,
        };
        signing::verify(&key, &signed, signature)
            .map_err(|_| ApiError::new(ErrorCode::SignatureInvalid))?;

        let forget_before = now - signing::NONCE_TTL_SECS;
        match state
            .store
            .accept_nonce(&device.id, nonce, now, forget_before)
            .await?
        {
            NonceOutcome::Accepted => Ok(Self {
                device_id: device.id,
                account_id: device.account_id,
                body,
            }),
            NonceOutcome::Reused => Err(ApiError::new(ErrorCode::NonceReused)),
            NonceOutcome::Revoked => Err(ApiError::new(ErrorCode::DeviceRevoked)),
        }
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
