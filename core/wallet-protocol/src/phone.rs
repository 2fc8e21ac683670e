//! Phone numbers in E.164. Mainland China (+86) is the default region.
//!
//! With the `phone-metadata` feature (the provider, the CLI, the desktop) numbers are parsed by
//! the `phonenumber` crate (libphonenumber's metadata: per-country lengths, mobile ranges).
//! Without it (the mobile library, docs/decisions.md) a shape rule stands in, and the provider
//! parses the number with the metadata again:
//! - spaces, `-`, `(` and `)` are dropped; a `+` may only come first; any other character, or
//!   no digit at all, is [`PhoneError::Unparseable`];
//! - `+CC…` must hold 8 to 15 digits in all (E.164), the first not `0`;
//! - `+86` numbers, and numbers written without `+` (read as Mainland China), must have 11
//!   national digits starting `13`–`19`;
//! - anything else that fails is [`PhoneError::NotValid`] (never `NotMobile`: without the
//!   metadata a landline outside +86 cannot be told from a mobile number).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A valid phone number, always held in E.164 form (`+8613812345678`).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhoneError {
    #[error("the phone number could not be parsed")]
    Unparseable,
    #[error("the phone number is not a valid number")]
    NotValid,
    #[error("the phone number is not a mobile number")]
    NotMobile,
}

impl PhoneNumber {
    /// Parses a number written by a person: `13812345678`, `+86 138 1234 5678`, `+1 650-253-0000`.
    /// Numbers without a `+` are read as Mainland China numbers.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let trimmed = input.trim();
        if trimmed.is_empty() || trimmed.len() > 32 {
            return Err(PhoneError::Unparseable);
        }
        #[cfg(feature = "phone-metadata")]
        let e164 = parse_with_metadata(trimmed)?;
        #[cfg(not(feature = "phone-metadata"))]
        let e164 = parse_shape(trimmed)?;
        Ok(Self(e164))
    }

    pub fn as_e164(&self) -> &str {
        &self.0
    }

    /// The E.164 digits without the `+`: `8613812345678`.
    pub fn e164_digits(&self) -> &str {
        self.0.trim_start_matches('+')
    }

    /// The national (significant) number, without country code or trunk prefix:
    /// `13812345678` for `+8613812345678`, `7400123456` for `+447400123456`.
    /// Without the `phone-metadata` feature only +86 numbers are split (their 11 national
    /// digits); other countries give the E.164 digits, as no metadata says how long the country
    /// code is.
    pub fn national_number(&self) -> String {
        #[cfg(feature = "phone-metadata")]
        {
            match phonenumber::parse(None, &self.0) {
                Ok(parsed) => parsed.national().to_string(),
                // Unreachable for a value built by `parse`; fall back to the bare digits.
                Err(_) => self.e164_digits().to_owned(),
            }
        }
        #[cfg(not(feature = "phone-metadata"))]
        {
            let digits = self.e164_digits();
            match digits.strip_prefix("86") {
                Some(national) if national.len() == 11 => national.to_owned(),
                _ => digits.to_owned(),
            }
        }
    }

    /// The form shown on screens and in messages: `+86 138****5678`; other countries keep the
    /// country code and the last 4 digits.
    pub fn masked(&self) -> String {
        mask_e164(&self.0)
    }
}

/// libphonenumber's reading (default region CN), in E.164.
#[cfg(feature = "phone-metadata")]
fn parse_with_metadata(trimmed: &str) -> Result<String, PhoneError> {
    let parsed = phonenumber::parse(Some(phonenumber::country::Id::CN), trimmed)
        .map_err(|_| PhoneError::Unparseable)?;
    if !phonenumber::is_valid(&parsed) {
        return Err(PhoneError::NotValid);
    }
    // Accounts receive SMS codes, so fixed-line numbers are refused where the metadata knows.
    use phonenumber::Type;
    match parsed.number_type(&phonenumber::metadata::DATABASE) {
        Type::FixedLine
        | Type::TollFree
        | Type::PremiumRate
        | Type::SharedCost
        | Type::Voip
        | Type::Pager
        | Type::Uan
        | Type::Voicemail => return Err(PhoneError::NotMobile),
        _ => {}
    }
    Ok(parsed.format().mode(phonenumber::Mode::E164).to_string())
}

/// The shape rule used without libphonenumber's metadata (see the module documentation), in
/// E.164.
#[cfg(not(feature = "phone-metadata"))]
fn parse_shape(trimmed: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(trimmed.len());
    let mut plus = false;
    for (i, c) in trimmed.char_indices() {
        match c {
            ' ' | '-' | '(' | ')' => {}
            '+' if i == 0 => plus = true,
            '0'..='9' => digits.push(c),
            _ => return Err(PhoneError::Unparseable),
        }
    }
    if digits.is_empty() {
        return Err(PhoneError::Unparseable);
    }
    let national = if plus {
        if !(8..=15).contains(&digits.len()) || digits.starts_with('0') {
            return Err(PhoneError::NotValid);
        }
        match digits.strip_prefix("86") {
            Some(national) => national,
            None => return Ok(format!("+{digits}")),
        }
    } else {
        digits.as_str()
    };
    // Mainland China mobile numbers: 11 digits, 13x to 19x.
    let bytes = national.as_bytes();
    if bytes.len() != 11 || bytes[0] != b'1' || !(b'3'..=b'9').contains(&bytes[1]) {
        return Err(PhoneError::NotValid);
    }
    Ok(format!("+86{national}"))
}

/// Masks an E.164 string; see [`PhoneNumber::masked`].
pub fn mask_e164(e164: &str) -> String {
    let digits = e164.trim_start_matches('+');
    if let Some(national) = digits.strip_prefix("86") {
        if national.len() == 11 {
            return format!("+86 {}****{}", &national[..3], &national[7..]);
        }
    }
    let n = digits.len();
    if n <= 4 {
        return "****".to_owned();
    }
    let cc_len = if digits.starts_with('1') || digits.starts_with('7') {
        1
    } else {
        2
    };
    let cc_len = cc_len.min(n - 4);
    format!("+{} ****{}", &digits[..cc_len], &digits[n - 4..])
}

impl FromStr for PhoneNumber {
    type Err = PhoneError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = PhoneError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

impl fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug shows the masked form so a number never lands whole in a log by accident.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_mobile_numbers_in_many_spellings() {
        for input in [
            "13812345678",
            "+8613812345678",
            "+86 138 1234 5678",
            "138-1234-5678",
        ] {
            assert_eq!(
                PhoneNumber::parse(input).unwrap().as_e164(),
                "+8613812345678",
                "{input}"
            );
        }
        assert_eq!(
            PhoneNumber::parse("19912345678").unwrap().as_e164(),
            "+8619912345678"
        );
    }

    #[test]
    fn other_countries_parse() {
        assert_eq!(
            PhoneNumber::parse("+852 9123 4567").unwrap().as_e164(),
            "+85291234567"
        );
        assert_eq!(
            PhoneNumber::parse("+44 7400 123456").unwrap().as_e164(),
            "+447400123456"
        );
    }

    #[test]
    fn bad_numbers_are_refused() {
        assert!(PhoneNumber::parse("").is_err());
        assert!(PhoneNumber::parse("hello").is_err());
        assert!(PhoneNumber::parse("12345").is_err());
        assert!(PhoneNumber::parse("1381234567").is_err()); // 10 digits
        assert!(PhoneNumber::parse("23812345678").is_err()); // no such prefix
                                                             // A Beijing landline: `NotMobile` by the metadata, `NotValid` by the shape rule.
        assert!(PhoneNumber::parse("010 6552 9988").is_err());
    }

    #[test]
    fn masking_never_shows_the_middle() {
        let p = PhoneNumber::parse("13812345678").unwrap();
        assert_eq!(p.masked(), "+86 138****5678");
        assert!(!format!("{p:?}").contains("1381234"));
        assert_eq!(mask_e164("+447400123456"), "+44 ****3456");
    }

    #[test]
    fn digits_and_national_number() {
        let p = PhoneNumber::parse("+86 138 1234 5678").unwrap();
        assert_eq!(p.e164_digits(), "8613812345678");
        assert_eq!(p.national_number(), "13812345678");
    }

    #[test]
    fn serde_validates() {
        let p: PhoneNumber = serde_json::from_str("\"13812345678\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+8613812345678\"");
        assert!(serde_json::from_str::<PhoneNumber>("\"abc\"").is_err());
    }
}

/// What only libphonenumber's metadata knows.
#[cfg(all(test, feature = "phone-metadata"))]
mod metadata_tests {
    use super::*;

    #[test]
    fn landlines_are_not_mobile() {
        assert_eq!(
            PhoneNumber::parse("010 6552 9988"),
            Err(PhoneError::NotMobile)
        ); // Beijing landline
        assert_eq!(
            PhoneNumber::parse("+44 20 7946 0958"),
            Err(PhoneError::NotMobile)
        ); // London landline
    }

    #[test]
    fn national_number_drops_any_country_code() {
        let uk = PhoneNumber::parse("+44 7400 123456").unwrap();
        assert_eq!(uk.national_number(), "7400123456");
    }
}

/// The shape rule the mobile library uses (`--no-default-features`).
#[cfg(all(test, not(feature = "phone-metadata")))]
mod shape_tests {
    use super::*;

    #[test]
    fn mainland_numbers_need_11_digits_from_13_to_19() {
        for input in ["13012345678", "(138) 1234-5678", "+86 (199) 1234 5678"] {
            assert!(PhoneNumber::parse(input).is_ok(), "{input}");
        }
        for input in [
            "12012345678",   // 12x is no mobile range
            "1381234567",    // 10 digits
            "138123456789",  // 12 digits
            "010 6552 9988", // landline
            "+86 10 6552 9988",
            "+8612345678",
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(PhoneError::NotValid),
                "{input}"
            );
        }
    }

    #[test]
    fn other_countries_need_8_to_15_digits() {
        assert_eq!(
            PhoneNumber::parse("+1 (650) 253-0000").unwrap().as_e164(),
            "+16502530000"
        );
        assert_eq!(
            PhoneNumber::parse("+1234567").unwrap_err(),
            PhoneError::NotValid
        ); // 7
        assert!(PhoneNumber::parse("+12345678").is_ok()); // 8
        assert!(PhoneNumber::parse("+123456789012345").is_ok()); // 15
        assert_eq!(
            PhoneNumber::parse("+1234567890123456"),
            Err(PhoneError::NotValid)
        ); // 16
        assert_eq!(PhoneNumber::parse("+0441234567"), Err(PhoneError::NotValid));
    }

    #[test]
    fn stray_characters_are_unparseable() {
        for input in [
            "138.1234.5678",
            "138 1234 567x",
            "1+3812345678",
            "++8613812345678",
            "-",
            "+",
        ] {
            assert_eq!(
                PhoneNumber::parse(input),
                Err(PhoneError::Unparseable),
                "{input}"
            );
        }
        // Only ASCII digits: full-width ones are not read.
        assert_eq!(
            PhoneNumber::parse("138１２３45678"),
            Err(PhoneError::Unparseable)
        );
    }

    #[test]
    fn national_number_splits_only_plus_86() {
        let cn = PhoneNumber::parse("+86 138 1234 5678").unwrap();
        assert_eq!(cn.national_number(), "13812345678");
        let uk = PhoneNumber::parse("+44 7400 123456").unwrap();
        assert_eq!(uk.national_number(), "447400123456");
    }
}
