//! Login-password policy: zxcvbn score ≥ 3, checked on the client (live meter) *and* the server.
//! The same function runs on both sides so they can never disagree.
//!
//! `rate` (zxcvbn) needs the `password-meter` feature. The mobile library leaves it out: a
//! phone app's live meter uses zxcvbn4j / zxcvbn-ios with [`MIN_SCORE`], and the provider's
//! `PASSWORD_WEAK` at sign-up is the verdict (docs/decisions.md).

use serde::{Deserialize, Serialize};

use crate::{PhoneNumber, RealName, ResidentId};

/// The minimum zxcvbn score a login password needs.
pub const MIN_SCORE: u8 = 3;
/// Longer inputs are refused before zxcvbn sees them (its cost grows with length).
pub const MAX_LEN: usize = 128;

/// What the strength meter shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
// Exported to the SDK only with the meter that returns it.
#[cfg_attr(
    all(feature = "uniffi", feature = "password-meter"),
    derive(uniffi::Record)
)]
pub struct PasswordStrength {
    /// zxcvbn score, 0 (guessable in seconds) to 4 (very strong).
    pub score: u8,
    /// Whether the password may be used (`score >= 3` and length within bounds).
    pub acceptable: bool,
    /// zxcvbn's warning, in English; shells translate the common ones.
    pub warning: Option<String>,
    /// zxcvbn's suggestions, in English.
    pub suggestions: Vec<String>,
}

/// Rates a password. `user_inputs` are words a guesser would try first: phone number, name,
/// ID number parts.
#[cfg(feature = "password-meter")]
pub fn rate(password: &str, user_inputs: &[&str]) -> PasswordStrength {
    if password.chars().count() > MAX_LEN {
        return PasswordStrength {
            score: 0,
            acceptable: false,
            warning: Some(format!("Use at most {MAX_LEN} characters.")),
            suggestions: vec![],
        };
    }
    if password.is_empty() {
        return PasswordStrength {
            score: 0,
            acceptable: false,
            warning: None,
            suggestions: vec!["Use a few words, avoid common phrases.".to_owned()],
        };
    }
    let entropy = zxcvbn::zxcvbn(password, user_inputs);
    let score = u8::from(entropy.score());
    let (warning, suggestions) = match entropy.feedback() {
        Some(fb) => (
            fb.warning().map(|w| w.to_string()),
            fb.suggestions().iter().map(|s| s.to_string()).collect(),
        ),
        None => (None, vec![]),
    };
    PasswordStrength {
        score,
        acceptable: score >= MIN_SCORE,
        warning,
        suggestions,
    }
}

/// The personal words a guesser would try first for this person, passed to `rate` as its
/// `user_inputs` by the client *and* the server so both rate a sign-up password the same way:
/// the E.164 digits (`8613812345678`), the national number (`13812345678`), the name, the ID
/// number, its birth date (`YYYYMMDD`) and its last 6 characters.
pub fn user_inputs(phone: &PhoneNumber, name: &RealName, id: &ResidentId) -> Vec<String> {
    let mut words = phone_words(phone);
    words.push(name.as_str().to_owned());
    words.extend(id_words(id));
    words.dedup();
    words
}

/// [`user_inputs`] for details still being typed (a live strength meter): each part that parses
/// gives exactly the words [`user_inputs`] gives for it; a part that does not parse yet is used
/// as typed (trimmed), and an empty part gives nothing. For valid details the result equals
/// [`user_inputs`].
pub fn user_inputs_from_text(phone: &str, name: &str, id_number: &str) -> Vec<String> {
    let raw = |s: &str| -> Vec<String> {
        let s = s.trim();
        if s.is_empty() {
            vec![]
        } else {
            vec![s.to_owned()]
        }
    };
    let mut words = match PhoneNumber::parse(phone) {
        Ok(p) => phone_words(&p),
        Err(_) => raw(phone),
    };
    match RealName::parse(name) {
        Ok(n) => words.push(n.as_str().to_owned()),
        Err(_) => words.extend(raw(name)),
    }
    match ResidentId::parse(id_number) {
        Ok(id) => words.extend(id_words(&id)),
        Err(_) => words.extend(raw(id_number)),
    }
    words.dedup();
    words
}

fn phone_words(phone: &PhoneNumber) -> Vec<String> {
    vec![phone.e164_digits().to_owned(), phone.national_number()]
}

fn id_words(id: &ResidentId) -> Vec<String> {
    let mut words = vec![id.as_str().to_owned()];
    if let Some(birth) = id.birth_date() {
        words.push(birth.format("%Y%m%d").to_string());
    }
    words.push(id.last6().to_owned());
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn person() -> (PhoneNumber, RealName, ResidentId) {
        (
            PhoneNumber::parse("138 1234 5678").unwrap(),
            RealName::parse(" 李明 ").unwrap(),
            ResidentId::parse("11010519491231002x").unwrap(),
        )
    }

    #[test]
    fn user_inputs_hold_every_personal_word() {
        let (phone, name, id) = person();
        assert_eq!(
            user_inputs(&phone, &name, &id),
            [
                "8613812345678",
                "13812345678",
                "李明",
                "11010519491231002X",
                "19491231",
                "31002X"
            ]
        );
    }

    #[test]
    fn user_inputs_from_text_match_for_valid_details() {
        let (phone, name, id) = person();
        assert_eq!(
            user_inputs_from_text("+86 138-1234-5678", "李明", "11010519491231002X"),
            user_inputs(&phone, &name, &id)
        );
        // Half-typed details are used as typed; empty ones are left out.
        assert_eq!(
            user_inputs_from_text("1381234", "", " 110105 "),
            ["1381234", "110105"]
        );
    }
}

/// zxcvbn's verdicts.
#[cfg(all(test, feature = "password-meter"))]
mod rate_tests {
    use super::tests::person;
    use super::*;

    #[test]
    fn personal_words_make_a_password_weak() {
        let (phone, name, id) = person();
        let inputs = user_inputs(&phone, &name, &id);
        let inputs: Vec<&str> = inputs.iter().map(String::as_str).collect();
        assert!(!rate("11010519491231002X", &inputs).acceptable);
        assert!(!rate("13812345678", &inputs).acceptable);
    }

    #[test]
    fn weak_passwords_refused_with_feedback() {
        let r = rate("password1", &[]);
        assert!(!r.acceptable);
        assert!(r.score < MIN_SCORE);
        assert!(r.warning.is_some() || !r.suggestions.is_empty());
    }

    #[test]
    fn strong_passphrase_accepted() {
        let r = rate("correct-Horse-battery-staple-93", &[]);
        assert!(r.acceptable, "{r:?}");
    }

    #[test]
    fn user_inputs_lower_the_score() {
        let alone = rate("Zhangwei13812345678", &[]);
        let with_inputs = rate("Zhangwei13812345678", &["zhangwei", "13812345678"]);
        assert!(with_inputs.score <= alone.score);
        assert!(!with_inputs.acceptable);
    }

    #[test]
    fn empty_and_overlong() {
        assert!(!rate("", &[]).acceptable);
        assert!(!rate(&"a9Z!".repeat(40), &[]).acceptable);
    }
}
