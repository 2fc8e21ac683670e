//! Payment codes ("show to pay"): an 18-digit number the payer's device shows as a barcode and
//! a QR code, rotating every 30 seconds, made offline from a per-device seed.
//!
//! Each code is `28` followed by 16 digits of HMAC-SHA256(seed, step). It carries no phone
//! number and no static id: two codes of one device look unrelated to anyone without the seed.
//! The server keeps, for each step of the acceptance window, an index from code to device, so
//! verifying a code is one hash lookup (O(1)) plus the single-use and device checks. A device
//! that guessed the code of another device would have to hit one of roughly 3 × devices values
//! among 10^16.
//!
//! This module must never log or print a seed.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Seconds a code is shown before the next one.
pub const STEP_SECS: i64 = 30;
/// Digits in a code.
pub const CODE_LEN: usize = 18;
/// First two digits of every code, so a POS can tell a payment code from other barcodes.
pub const PREFIX: &str = "28";
/// Steps either side of the server's current step that are still accepted (clock drift, and
/// the seconds between showing and scanning).
pub const WINDOW_STEPS: i64 = 1;

const SUFFIX_MODULUS: u64 = 10_000_000_000_000_000; // 10^16
const PREFIX_VALUE: u64 = 280_000_000_000_000_000; // 28 * 10^16

/// A device's payment-code secret: 32 random bytes. Zeroised on drop; `Debug` is redacted.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct PaycodeSeed([u8; 32]);

impl PaycodeSeed {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Reads the base64url form used on the wire and in storage.
    pub fn from_base64(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim()).ok()?;
        let bytes: [u8; 32] = bytes.try_into().ok()?;
        Some(Self(bytes))
    }

    pub fn to_base64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    /// The code this seed shows during `step`.
    pub fn code(&self, step: i64) -> Paycode {
        Paycode(PREFIX_VALUE + self.suffix(step))
    }

    fn suffix(&self, step: i64) -> u64 {
        // HMAC accepts keys of any length, so this cannot fail.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.0) else {
            unreachable!("HMAC takes any key length")
        };
        mac.update(b"wallet-paycode-v1");
        mac.update(&step.to_be_bytes());
        let digest = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % SUFFIX_MODULUS
    }
}

impl fmt::Debug for PaycodeSeed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PaycodeSeed(..)")
    }
}

/// One payment code, kept as its numeric value (18 digits fit a `u64`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Paycode(u64);

impl Paycode {
    /// Parses exactly 18 ASCII digits starting with [`PREFIX`]. Spaces a user or scanner may
    /// put between groups are ignored.
    pub fn parse(text: &str) -> Option<Self> {
        let digits: String = text.chars().filter(|c| *c != ' ').collect();
        if digits.len() != CODE_LEN
            || !digits.starts_with(PREFIX)
            || !digits.bytes().all(|b| b.is_ascii_digit())
        {
            return None;
        }
        digits.parse().ok().map(Self)
    }

    pub fn value(self) -> u64 {
        self.0
    }

    /// Grouped for reading aloud or typing: `2812 3456 7890 1234 56`.
    pub fn grouped(self) -> String {
        let digits = self.to_string();
        let mut out = String::with_capacity(CODE_LEN + 4);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            out.push(c);
        }
        out
    }
}

impl fmt::Display for Paycode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:018}", self.0)
    }
}

/// The step a moment falls in.
pub fn step_at(now: DateTime<Utc>) -> i64 {
    now.timestamp().div_euclid(STEP_SECS)
}

/// When `step` ends (the next code appears).
pub fn step_end(step: i64) -> DateTime<Utc> {
    let secs = step.saturating_add(1).saturating_mul(STEP_SECS);
    Utc.timestamp_opt(secs, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The steps whose codes the server accepts at step `now_step`.
pub fn accepted_steps(now_step: i64) -> impl Iterator<Item = i64> {
    (now_step - WINDOW_STEPS)..=(now_step + WINDOW_STEPS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed(n: u8) -> PaycodeSeed {
        PaycodeSeed::from_bytes([n; 32])
    }

    #[test]
    fn codes_are_18_digits_with_the_prefix_and_parse_back() {
        for step in [0, 1, 59_000_000, i64::MAX / 40] {
            let code = seed(7).code(step);
            let text = code.to_string();
            assert_eq!(text.len(), CODE_LEN, "{text}");
            assert!(text.starts_with(PREFIX));
            assert_eq!(Paycode::parse(&text), Some(code));
            assert_eq!(Paycode::parse(&code.grouped()), Some(code));
        }
    }

    #[test]
    fn codes_rotate_and_differ_between_devices() {
        let a = seed(1);
        let b = seed(2);
        assert_ne!(a.code(100), a.code(101));
        assert_ne!(a.code(100), b.code(100));
        assert_eq!(a.code(100), seed(1).code(100));
    }

    #[test]
    fn parse_refuses_other_shapes() {
        for bad in [
            "",
            "28",
            "2812345678901234567",
            "29123456789012345X",
            "191234567890123456",
            "２８1234567890123456",
        ] {
            assert_eq!(Paycode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn seed_round_trips_and_is_redacted() {
        let s = seed(9);
        assert_eq!(PaycodeSeed::from_base64(&s.to_base64()), Some(s.clone()));
        assert_eq!(format!("{s:?}"), "PaycodeSeed(..)");
        assert!(PaycodeSeed::from_base64("short").is_none());
    }

    #[test]
    fn steps_and_window() {
        let t = Utc
            .timestamp_opt(1_700_000_015, 0)
            .single()
            .expect("valid time");
        let step = step_at(t);
        assert_eq!(step, 1_700_000_015 / 30);
        assert_eq!(step_end(step).timestamp(), (step + 1) * 30);
        assert_eq!(
            accepted_steps(step).collect::<Vec<_>>(),
            vec![step - 1, step, step + 1]
        );
    }
}
