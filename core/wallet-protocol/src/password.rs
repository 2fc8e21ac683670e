//! Login-password policy: zxcvbn score ≥ 3, checked on the client (live meter) *and* the server.
//! The same function runs on both sides so they can never disagree.

use serde::{Deserialize, Serialize};

/// The minimum zxcvbn score a login password needs.
pub const MIN_SCORE: u8 = 3;
/// Longer inputs are refused before zxcvbn sees them (its cost grows with length).
pub const MAX_LEN: usize = 128;

/// What the strength meter shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

#[cfg(test)]
mod tests {
    use super::*;

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
