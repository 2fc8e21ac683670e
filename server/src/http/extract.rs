//! Request extractors whose failures are problem+json like every other error.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, OriginalUri, Request};
use axum::http::request::Parts;
use axum::http::{Extensions, HeaderMap};
use ipnet::IpNet;
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

/// The client's address, for every per-IP limit: the TCP peer, or (only when the peer is a
/// `--trusted-proxy`) the rightmost `X-Forwarded-For` address that is not itself a trusted
/// proxy. `unknown` when there is no peer (a test without one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            client_ip(
                &parts.extensions,
                &parts.headers,
                &state.limits.trusted_proxy,
            )
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string()),
        ))
    }
}

/// [`ClientIp`]'s address, from a request's extensions (the peer) and headers.
pub fn client_ip(
    extensions: &Extensions,
    headers: &HeaderMap,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    let forwarded = headers
        .get_all(X_FORWARDED_FOR)
        .iter()
        .map(|v| v.to_str().ok());
    Some(client_address(peer, forwarded, trusted))
}

/// `X-Forwarded-For`.
pub const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The client behind `peer`. Only a trusted peer's `X-Forwarded-For` is read (all its lines,
/// in order, as one comma-separated list), from the right: each proxy appends the address it
/// got the request from, so the first address from the right that is not a trusted proxy is
/// the client; anything left of it is whatever that client wrote, and is ignored. An entry
/// that is not an address, a line that is not text, or a list of trusted proxies only, stop
/// the walk at the last trusted hop seen.
pub fn client_address<'a>(
    peer: IpAddr,
    forwarded: impl DoubleEndedIterator<Item = Option<&'a str>>,
    trusted: &[IpNet],
) -> IpAddr {
    let peer = peer.to_canonical();
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut hop = peer;
    for line in forwarded.rev() {
        let Some(line) = line else {
            return hop;
        };
        for entry in line.rsplit(',') {
            let Some(ip) = parse_forwarded(entry) else {
                return hop;
            };
            if !is_trusted(&ip) {
                return ip;
            }
            hop = ip;
        }
    }
    hop
}

/// One `X-Forwarded-For` entry: an address, perhaps with a port (`192.0.2.1:4711`,
/// `[2001:db8::1]:4711`).
fn parse_forwarded(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .map(|ip| ip.to_canonical())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter()
            .map(|s| crate::config::parse_cidr(s).unwrap())
            .collect()
    }

    fn client(peer: &str, lines: &[&str], trusted: &[&str]) -> IpAddr {
        client_address(ip(peer), lines.iter().map(|l| Some(*l)), &nets(trusted))
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        assert_eq!(
            client("203.0.113.7", &["198.51.100.1"], &[]),
            ip("203.0.113.7")
        );
        assert_eq!(
            client("203.0.113.7", &["198.51.100.1"], &["10.0.0.0/8"]),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn through_trusted_proxies_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = ["10.0.0.0/8", "192.0.2.10"];
        // No header: the proxy itself.
        assert_eq!(client("10.0.0.5", &[], &trusted), ip("10.0.0.5"));
        assert_eq!(
            client("10.0.0.5", &["198.51.100.1"], &trusted),
            ip("198.51.100.1")
        );
        // What the client wrote itself (left of its own address) is ignored.
        assert_eq!(
            client("10.0.0.5", &["6.6.6.6, 198.51.100.1, 192.0.2.10"], &trusted),
            ip("198.51.100.1")
        );
        // Several header lines are one list, in order.
        assert_eq!(
            client(
                "10.0.0.5",
                &["6.6.6.6", "198.51.100.1", "10.1.1.1"],
                &trusted
            ),
            ip("198.51.100.1")
        );
        // Ports and IPv6 spellings.
        assert_eq!(
            client("10.0.0.5", &["[2001:db8::1]:4711"], &trusted),
            ip("2001:db8::1")
        );
        assert_eq!(
            client("10.0.0.5", &["198.51.100.1:4711"], &trusted),
            ip("198.51.100.1")
        );
        // An IPv4-mapped peer is the IPv4 address.
        assert_eq!(
            client("::ffff:10.0.0.5", &["198.51.100.1"], &trusted),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn garbage_stops_at_the_last_trusted_hop() {
        let trusted = ["10.0.0.0/8"];
        assert_eq!(client("10.0.0.5", &["nonsense"], &trusted), ip("10.0.0.5"));
        assert_eq!(
            client("10.0.0.5", &["nonsense, 10.0.0.9"], &trusted),
            ip("10.0.0.9")
        );
        assert_eq!(
            client("10.0.0.5", &["10.0.0.7, 10.0.0.9"], &trusted),
            ip("10.0.0.7")
        );
    }
}
