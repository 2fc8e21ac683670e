//! Real-name data: the holder's name and the 18-character resident ID number.
//! The ID number is validated (GB 11643 mod 11-2 check digit and a real birth date) and only its
//! last 4 characters are ever shown.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{check_visible, HiddenCharacter};
use crate::ErrorCode;

/// An 18-character PRC resident identity number with a valid check digit.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ResidentId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    #[error("a resident ID number has 18 characters")]
    Length,
    #[error("a resident ID number is 17 digits and a final digit or X")]
    Characters,
    #[error("the birth date inside the resident ID number is not a real date")]
    BirthDate,
    #[error("the check digit of the resident ID number does not match")]
    CheckDigit,
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// The ISO 7064 mod 11-2 check character for the first 17 digits.
pub fn check_char(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl ResidentId {
    pub fn parse(input: &str) -> Result<Self, ResidentIdError> {
        let s = input.trim().to_ascii_uppercase();
        if s.chars().count() != 18 {
            return Err(ResidentIdError::Length);
        }
        let bytes = s.as_bytes();
        if !bytes[..17].iter().all(u8::is_ascii_digit)
            || !(bytes[17].is_ascii_digit() || bytes[17] == b'X')
        {
            return Err(ResidentIdError::Characters);
        }
        let birth = std::str::from_utf8(&bytes[6..14]).map_err(|_| ResidentIdError::Characters)?;
        let date =
            NaiveDate::parse_from_str(birth, "%Y%m%d").map_err(|_| ResidentIdError::BirthDate)?;
        if date.format("%Y").to_string().as_str() < "1900" {
            return Err(ResidentIdError::BirthDate);
        }
        let mut first17 = [0u8; 17];
        first17.copy_from_slice(&bytes[..17]);
        if check_char(&first17) != char::from(bytes[17]) {
            return Err(ResidentIdError::CheckDigit);
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok()
    }

    /// The only part ever shown or returned by the server.
    pub fn last4(&self) -> &str {
        &self.0[14..]
    }

    /// The last 6 characters, used as a knowledge factor for freezing an account.
    pub fn last6(&self) -> &str {
        &self.0[12..]
    }

    pub fn masked(&self) -> String {
        format!("{}{}", "*".repeat(14), self.last4())
    }
}

impl TryFrom<String> for ResidentId {
    type Error = ResidentIdError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ResidentId> for String {
    fn from(value: ResidentId) -> Self {
        value.0
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ResidentId({})", self.masked())
    }
}

/// A real name as registered: 1–64 characters, no control characters, no invisible direction
/// or zero-width characters ([`crate::text`]), trimmed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RealName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RealNameError {
    #[error("a name has 1 to 64 characters and no control characters")]
    Invalid,
    #[error("{0}")]
    Hidden(#[from] HiddenCharacter),
}

impl RealNameError {
    /// `NAME_INVALID`, or `TEXT_HIDDEN_CHARACTER` for an invisible character.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Invalid => ErrorCode::NameInvalid,
            Self::Hidden(_) => ErrorCode::TextHiddenCharacter,
        }
    }
}

impl RealName {
    pub fn parse(input: &str) -> Result<Self, RealNameError> {
        let s = input.trim();
        let n = s.chars().count();
        if n == 0 || n > 64 || s.chars().any(char::is_control) {
            return Err(RealNameError::Invalid);
        }
        check_visible("name", s)?;
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `*明` for 李明, `**华` for 欧阳华, `****n` for Ann Lin: only the last character is shown.
    pub fn masked(&self) -> String {
        mask_name(&self.0)
    }
}

/// See [`RealName::masked`].
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.split_last() {
        None => String::new(),
        Some((last, rest)) => format!("{}{}", "*".repeat(rest.len()), last),
    }
}

impl TryFrom<String> for RealName {
    type Error = RealNameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<RealName> for String {
    fn from(value: RealName) -> Self {
        value.0
    }
}

impl fmt::Debug for RealName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RealName({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a valid ID from 17 digits by appending the right check character.
    pub(crate) fn with_check(first17: &str) -> String {
        let mut b = [0u8; 17];
        b.copy_from_slice(first17.as_bytes());
        format!("{first17}{}", check_char(&b))
    }

    #[test]
    fn published_sample_numbers_validate() {
        // The GB 11643-1999 worked example (ends in X), and a built one.
        assert!(ResidentId::parse("11010519491231002X").is_ok());
        assert!(ResidentId::parse(&with_check("44052419800101001")).is_ok());
        assert_eq!(
            ResidentId::parse(&with_check("44052418800101001")),
            Err(ResidentIdError::BirthDate)
        );
        assert!(ResidentId::parse("11010519491231002x").is_ok()); // lower-case x accepted
    }

    #[test]
    fn each_failure_has_its_reason() {
        assert_eq!(
            ResidentId::parse("1101051949123100"),
            Err(ResidentIdError::Length)
        );
        assert_eq!(
            ResidentId::parse("11010519491231002Y"),
            Err(ResidentIdError::Characters)
        );
        assert_eq!(
            ResidentId::parse("110105194913310021"),
            Err(ResidentIdError::BirthDate)
        );
        assert_eq!(
            ResidentId::parse("110105194912310021"),
            Err(ResidentIdError::CheckDigit)
        );
    }

    #[test]
    fn every_wrong_check_digit_is_caught() {
        let good = with_check("32010619900307123");
        assert!(ResidentId::parse(&good).is_ok());
        for c in "0123456789X".chars() {
            let candidate = format!("{}{c}", &good[..17]);
            assert_eq!(ResidentId::parse(&candidate).is_ok(), candidate == good);
        }
    }

    #[test]
    fn only_last_four_shown() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.last4(), "002X");
        assert_eq!(id.last6(), "31002X");
        assert_eq!(id.masked(), "**************002X");
        assert!(!format!("{id:?}").contains("19491231"));
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31));
    }

    #[test]
    fn names() {
        assert_eq!(RealName::parse(" 李明 ").unwrap().as_str(), "李明");
        assert_eq!(mask_name("李明"), "*明");
        assert_eq!(mask_name("欧阳华"), "**华");
        assert!(RealName::parse("").is_err());
        assert!(RealName::parse("a\u{0007}b").is_err());
        assert!(RealName::parse(&"x".repeat(65)).is_err());
        assert_eq!(RealName::parse("李明").map(|_| ()), Ok(()));
    }

    /// A right-to-left override makes `李明\u{202E}ABC` show as `李明CBA`: refused, naming
    /// the field, with its own code.
    #[test]
    fn names_with_invisible_characters_are_refused() {
        for bad in [
            "李\u{202E}明",
            "\u{200B}李明",
            "Ann\u{2066}Lin",
            "李明\u{FEFF}",
        ] {
            let err = RealName::parse(bad).unwrap_err();
            assert_eq!(err.code(), ErrorCode::TextHiddenCharacter, "{bad:?}");
            assert!(err.to_string().starts_with("name holds"), "{err}");
        }
        assert_eq!(
            RealName::parse("a\u{0007}b").unwrap_err().code(),
            ErrorCode::NameInvalid
        );
    }
}
