//! Device request signing (docs/rules.md §Devices).
//!
//! Every authenticated request carries four headers. The signature is Ed25519 over a canonical
//! message binding method, path and query, timestamp, nonce and the SHA-256 of the body, so a
//! captured request cannot be replayed (nonce), delayed (timestamp) or altered (everything else).
//! The private key never leaves the device; the server only stores the public key.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

pub const HEADER_DEVICE: &str = "x-wallet-device";
pub const HEADER_TIMESTAMP: &str = "x-wallet-timestamp";
pub const HEADER_NONCE: &str = "x-wallet-nonce";
pub const HEADER_SIGNATURE: &str = "x-wallet-signature";

/// How far a request's timestamp may be from the server clock, either way.
pub const MAX_SKEW_SECS: i64 = 300;
/// Nonces must be remembered at least this long (twice the skew window covers both sides).
pub const NONCE_TTL_SECS: i64 = 2 * MAX_SKEW_SECS;

const DOMAIN: &str = "WALLET-SIG-V1";

/// The parts of a request that are signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedParts<'a> {
    pub method: &'a str,
    /// Path plus `?query` when there is one, exactly as sent.
    pub path_and_query: &'a str,
    /// Unix seconds.
    pub timestamp: i64,
    pub nonce: &'a str,
    pub body: &'a [u8],
}

impl SignedParts<'_> {
    /// The exact bytes that are signed.
    pub fn canonical_message(&self) -> Vec<u8> {
        let body_hash = hex::encode(Sha256::digest(self.body));
        format!(
            "{DOMAIN}\n{}\n{}\n{}\n{}\n{body_hash}",
            self.method.to_ascii_uppercase(),
            self.path_and_query,
            self.timestamp,
            self.nonce
        )
        .into_bytes()
    }
}

/// Signs with the device key; returns the base64url signature for [`HEADER_SIGNATURE`].
pub fn sign(key: &SigningKey, parts: &SignedParts<'_>) -> String {
    URL_SAFE_NO_PAD.encode(key.sign(&parts.canonical_message()).to_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the signature is not base64url of 64 bytes")]
    Encoding,
    #[error("the signature does not match")]
    Mismatch,
}

/// Verifies a signature produced by [`sign`].
pub fn verify(
    key: &VerifyingKey,
    parts: &SignedParts<'_>,
    signature_b64: &str,
) -> Result<(), VerifyError> {
    let raw = URL_SAFE_NO_PAD
        .decode(signature_b64)
        .map_err(|_| VerifyError::Encoding)?;
    let bytes: [u8; 64] = raw.try_into().map_err(|_| VerifyError::Encoding)?;
    key.verify(&parts.canonical_message(), &Signature::from_bytes(&bytes))
        .map_err(|_| VerifyError::Mismatch)
}

/// Whether `timestamp` is within [`MAX_SKEW_SECS`] of `now` (both Unix seconds).
pub fn timestamp_fresh(timestamp: i64, now: i64) -> bool {
    timestamp
        .checked_sub(now)
        .is_some_and(|d| d.abs() <= MAX_SKEW_SECS)
}

/// Encodes a public key for the wire (base64url, 32 bytes).
pub fn encode_public_key(key: &VerifyingKey) -> String {
    URL_SAFE_NO_PAD.encode(key.as_bytes())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the public key is not a base64url Ed25519 key")]
pub struct PublicKeyError;

/// Decodes a public key from the wire and checks it is a valid curve point.
pub fn decode_public_key(s: &str) -> Result<VerifyingKey, PublicKeyError> {
    let raw = URL_SAFE_NO_PAD.decode(s).map_err(|_| PublicKeyError)?;
    let bytes: [u8; 32] = raw.try_into().map_err(|_| PublicKeyError)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| PublicKeyError)
}

/// A nonce is 16–64 characters of base64url alphabet.
pub fn nonce_well_formed(nonce: &str) -> bool {
    (16..=64).contains(&nonce.len())
        && nonce
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SigningKey {
        SigningKey::from_bytes(&[7u8; 32])
    }

    fn parts(body: &[u8]) -> SignedParts<'_> {
        SignedParts {
            method: "post",
            path_and_query: "/v1/devices/dev_1/revoke?x=1",
            timestamp: 1_700_000_000,
            nonce: "abcdefghijklmnop",
            body,
        }
    }

    #[test]
    fn sign_then_verify() {
        let k = key();
        let sig = sign(&k, &parts(b"{}"));
        verify(&k.verifying_key(), &parts(b"{}"), &sig).unwrap();
    }

    #[test]
    fn any_change_breaks_the_signature() {
        let k = key();
        let sig = sign(&k, &parts(b"{}"));
        let vk = k.verifying_key();
        assert_eq!(
            verify(&vk, &parts(b"{ }"), &sig),
            Err(VerifyError::Mismatch)
        );
        let mut p = parts(b"{}");
        p.path_and_query = "/v1/devices/dev_2/revoke?x=1";
        assert_eq!(verify(&vk, &p, &sig), Err(VerifyError::Mismatch));
        let mut p = parts(b"{}");
        p.timestamp += 1;
        assert_eq!(verify(&vk, &p, &sig), Err(VerifyError::Mismatch));
        let mut p = parts(b"{}");
        p.nonce = "abcdefghijklmnoq";
        assert_eq!(verify(&vk, &p, &sig), Err(VerifyError::Mismatch));
        let other = SigningKey::from_bytes(&[8u8; 32]).verifying_key();
        assert_eq!(
            verify(&other, &parts(b"{}"), &sig),
            Err(VerifyError::Mismatch)
        );
        assert_eq!(
            verify(&vk, &parts(b"{}"), "%%%"),
            Err(VerifyError::Encoding)
        );
    }

    #[test]
    fn method_case_does_not_matter_but_is_bound() {
        let k = key();
        let sig = sign(&k, &parts(b""));
        let mut p = parts(b"");
        p.method = "POST";
        verify(&k.verifying_key(), &p, &sig).unwrap();
        p.method = "GET";
        assert!(verify(&k.verifying_key(), &p, &sig).is_err());
    }

    #[test]
    fn skew_window() {
        assert!(timestamp_fresh(1000, 1000 + MAX_SKEW_SECS));
        assert!(!timestamp_fresh(1000, 1001 + MAX_SKEW_SECS));
        assert!(timestamp_fresh(1000 + MAX_SKEW_SECS, 1000));
        assert!(!timestamp_fresh(i64::MIN, 1000));
    }

    #[test]
    fn public_key_round_trip_and_rejects() {
        let vk = key().verifying_key();
        assert_eq!(decode_public_key(&encode_public_key(&vk)).unwrap(), vk);
        assert!(decode_public_key("short").is_err());
    }

    #[test]
    fn nonce_shape() {
        assert!(nonce_well_formed("abcdefghijklmnop"));
        assert!(!nonce_well_formed("short"));
        assert!(!nonce_well_formed("abcdefghijklmno/"));
    }
}
