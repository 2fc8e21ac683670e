//! Phone numbers in E.164, parsed by the `phonenumber` crate (libphonenumber's metadata),
//! never by hand-written rules. Mainland China (+86) is the default region.

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
        Ok(Self(
            parsed.format().mode(phonenumber::Mode::E164).to_string(),
        ))
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
    pub fn national_number(&self) -> String {
        match phonenumber::parse(None, &self.0) {
            Ok(parsed) => parsed.national().to_string(),
            // Unreachable for a value built by `parse`; fall back to the bare digits.
            Err(_) => self.e164_digits().to_owned(),
        }
    }

    /// The form shown on screens and in messages: `+86 138****5678`; other countries keep the
    /// country code and the last 4 digits.
    pub fn masked(&self) -> String {
        mask_e164(&self.0)
    }
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
        assert_eq!(
            PhoneNumber::parse("010 6552 9988"),
            Err(PhoneError::NotMobile)
        ); // Beijing landline
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
        let uk = PhoneNumber::parse("+44 7400 123456").unwrap();
        assert_eq!(uk.national_number(), "7400123456");
    }

    #[test]
    fn serde_validates() {
        let p: PhoneNumber = serde_json::from_str("\"13812345678\"").unwrap();
        assert_eq!(serde_json::to_string(&p).unwrap(), "\"+8613812345678\"");
        assert!(serde_json::from_str::<PhoneNumber>("\"abc\"").is_err());
    }
}
