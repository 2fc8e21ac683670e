//! Signed-request authentication (docs/rules.md §Devices): is this request from an enrolled, live device?
//!
//! The HTTP layer reads the four signing headers and the body; this service decides. Checks run
//! in this order: the timestamp is Unix seconds and the nonce well formed, the timestamp within
//! the skew window, the device known and not revoked, then (only now is the body read) the
//! signature over the canonical message, then the nonce is recorded (only after a valid
//! signature, so forged requests cannot burn nonces) and the device marked seen.

use std::future::Future;

use wallet_protocol::signing::{self, SignedParts};
use wallet_protocol::ErrorCode;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::store::NonceOutcome;

/// What a signed request carries besides its body, as the client sent it.
#[derive(Debug, Clone, Copy)]
pub struct DeviceRequest<'a> {
    /// `Wallet-Device`.
    pub device_id: &'a str,
    /// `Wallet-Timestamp`, not yet parsed.
    pub timestamp: &'a str,
    /// `Wallet-Nonce`.
    pub nonce: &'a str,
    /// `Wallet-Signature`.
    pub signature: &'a str,
    pub method: &'a str,
    /// The path and query as the client signed them.
    pub path_and_query: &'a str,
}

/// The device a request was proven to come from, and its account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedDevice {
    pub device_id: String,
    pub account_id: String,
}

/// Authenticates a signed request. `read_body` is awaited only once the device is known and
/// live, so unknown or revoked devices never make the server buffer a body; its error is
/// answered as it is. Returns the device and the body it read.
pub async fn authenticate_device<B, F>(
    state: &AppState,
    req: DeviceRequest<'_>,
    read_body: F,
) -> ApiResult<(SignedDevice, B)>
where
    B: AsRef<[u8]>,
    F: Future<Output = ApiResult<B>>,
{
    let timestamp: i64 = req.timestamp.parse().map_err(|_| {
        ApiError::detail(
            ErrorCode::SignatureInvalid,
            "the timestamp is not Unix seconds",
        )
    })?;
    if !signing::nonce_well_formed(req.nonce) {
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
        .device(req.device_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::DeviceUnknown))?;
    if device.revoked_at.is_some() {
        return Err(ApiError::new(ErrorCode::DeviceRevoked));
    }

    let body = read_body.await?;
    let key = signing::decode_public_key(&device.public_key)
        .map_err(|e| ApiError::internal(format!("stored key of {}: {e}", device.id)))?;
    let signed = SignedParts {
        method: req.method,
        path_and_query: req.path_and_query,
        timestamp,
        nonce: req.nonce,
        body: body.as_ref(),
    };
    signing::verify(&key, &signed, req.signature)
        .map_err(|_| ApiError::new(ErrorCode::SignatureInvalid))?;

    match state.store.accept_nonce(&device.id, req.nonce, now).await? {
        NonceOutcome::Accepted => Ok((
            SignedDevice {
                device_id: device.id,
                account_id: device.account_id,
            },
            body,
        )),
        NonceOutcome::Reused => Err(ApiError::new(ErrorCode::NonceReused)),
        NonceOutcome::Revoked => Err(ApiError::new(ErrorCode::DeviceRevoked)),
    }
}
