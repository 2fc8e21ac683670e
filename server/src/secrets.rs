//! Password hashing, OTP codes and ids. Nothing here logs or returns a secret in clear.

pub mod vault;

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::rngs::OsRng;
use rand::Rng as _;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq as _;

/// Argon2id with the OWASP minimum: 19 MiB, 2 passes, 1 lane.
fn argon2() -> Argon2<'static> {
    // The constants are valid, so `Params::new` cannot fail; fall back to the defaults anyway.
    let params = Params::new(19_456, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password into a PHC string. CPU-heavy: call from a blocking thread.
pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// Checks a password against a stored PHC string; `None` (unknown account) checks against a
/// dummy hash so both answers take the same time. CPU-heavy: call from a blocking thread.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password(&new_id("dummy")).unwrap_or_default());
    let known = stored.is_some();
    let phc = stored.unwrap_or(dummy);
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    argon2()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && known
}

/// A fresh 6-digit code from the OS generator.
pub fn new_otp() -> String {
    format!("{:06}", OsRng.gen_range(0..1_000_000u32))
}

/// The stored form of an OTP: SHA-256 bound to its challenge, hex. Six digits are few enough
/// to brute-force offline, so the code's real protection is its 5-minute life and 5 tries.
pub fn otp_hash(challenge_id: &str, code: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"WALLET-OTP-V1\n");
    h.update(challenge_id.as_bytes());
    h.update(b"\n");
    h.update(code.as_bytes());
    hex::encode(h.finalize())
}

/// Constant-time comparison of a submitted code with a stored hash.
pub fn otp_matches(challenge_id: &str, code: &str, stored_hash: &str) -> bool {
    otp_hash(challenge_id, code)
        .as_bytes()
        .ct_eq(stored_hash.as_bytes())
        .into()
}

/// `prefix_<32 hex>`, e.g. `dev_…`, `acc_…`, `ch_…`.
pub fn new_id(prefix: &str) -> String {
    format!("{prefix}_{}", uuid::Uuid::new_v4().simple())
}

/// SHA-256 of a real name and the last 6 of a resident ID number, normalised (trimmed, `x` as
/// `X`), for a constant-time comparison of a lost-phone report with the account.
pub fn identity_digest(name: &str, id_last6: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"WALLET-REPORT-LOST-V1\n");
    h.update(name.trim().as_bytes());
    h.update(b"\n");
    h.update(id_last6.trim().to_ascii_uppercase().as_bytes());
    h.finalize().into()
}

/// Whether a report's name + last 6 match the account's, in constant time. `account` is
/// `None` for an unknown phone: a dummy is compared instead, so the work is the same.
pub fn identity_matches(name: &str, id_last6: &str, account: Option<(&str, &str)>) -> bool {
    let given = identity_digest(name, id_last6);
    let (known, stored) = match account {
        Some((acc_name, id_number)) => {
            let chars: Vec<char> = id_number.chars().collect();
            let last6: String = chars[chars.len().saturating_sub(6)..].iter().collect();
            (true, identity_digest(acc_name, &last6))
        }
        None => (false, identity_digest("\u{0}", "\u{0}")),
    };
    bool::from(given.ct_eq(&stored)) && known
}

/// The key a phone-number look-up is remembered under (`phone_lookups.phone_key`): SHA-256 of
/// the E.164 number, so the look-up budgets keep no number in clear. A number is guessable
/// from it by trying them all; the rows live one hour.
pub fn lookup_key(e164: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"WALLET-LOOKUP-V1\n");
    h.update(e164.as_bytes());
    hex::encode(h.finalize())
}

/// Constant-time equality of two strings (full ID number at unfreeze).
pub fn ct_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    bool::from(a.ct_eq(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_unknown_account() {
        let phc = hash_password("correct-Horse-battery-staple-93").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(
            "correct-Horse-battery-staple-93",
            Some(&phc)
        ));
        assert!(!verify_password(
            "correct-Horse-battery-staple-94",
            Some(&phc)
        ));
        assert!(!verify_password("anything", None));
    }

    #[test]
    fn otp_shape_and_hash() {
        for _ in 0..100 {
            assert!(wallet_protocol::api::otp_well_formed(&new_otp()));
        }
        let h = otp_hash("ch_1", "123456");
        assert!(!h.contains("123456"));
        assert!(otp_matches("ch_1", "123456", &h));
        assert!(!otp_matches("ch_1", "123457", &h));
        assert!(!otp_matches("ch_2", "123456", &h));
    }

    #[test]
    fn ids_have_prefix() {
        let id = new_id("dev");
        assert!(id.starts_with("dev_") && id.len() == 36);
    }
}
