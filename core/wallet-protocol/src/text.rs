//! Free text people type and other people read: names, notes, device and merchant names.
//!
//! Such text may not hold the invisible characters that make it read differently from what it
//! is (docs/rules.md §Identity): Unicode direction overrides, embeddings, isolates and marks
//! (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C), which turn `gro.kcab` into
//! `back.org` on screen or hide a different phone number in a note, and zero-width characters
//! (U+200B–U+200D, U+2060, U+FEFF), which make two names that look alike compare different.
//! Control characters are refused by each field's own rule as before. The client checks before
//! sending and the server checks again: both call [`check_visible`].

use std::fmt;

/// A text field holds a character that is not shown but changes how the text reads. The
/// message names the field and the code point, never the text itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HiddenCharacter {
    /// The field, as the request names it (`note`, `name`, `device.name`, ...).
    pub field: &'static str,
    pub character: char,
}

impl fmt::Display for HiddenCharacter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} holds an invisible {} (U+{:04X}); remove it",
            self.field,
            if is_direction_control(self.character) {
                "text-direction control"
            } else {
                "zero-width character"
            },
            u32::from(self.character)
        )
    }
}

impl std::error::Error for HiddenCharacter {}

/// Unicode bidirectional formatting characters: embeddings and overrides (U+202A–U+202E),
/// isolates (U+2066–U+2069), and the marks LRM, RLM and ALM.
pub fn is_direction_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Zero-width space, non-joiner and joiner, word joiner, and the zero-width no-break space
/// (byte-order mark).
pub fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
}

/// `Err` naming `field` and the first direction control or zero-width character in `value`.
pub fn check_visible(field: &'static str, value: &str) -> Result<(), HiddenCharacter> {
    match value
        .chars()
        .find(|&c| is_direction_control(c) || is_zero_width(c))
    {
        Some(character) => Err(HiddenCharacter { field, character }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_character_is_refused_with_its_field() {
        let hidden = [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}', '\u{200B}', '\u{200C}',
            '\u{200D}', '\u{2060}', '\u{FEFF}',
        ];
        for c in hidden {
            let text = format!("Lucky{c}Noodles");
            let err = check_visible("merchant name", &text).unwrap_err();
            assert_eq!(err.field, "merchant name");
            assert_eq!(err.character, c);
            let message = err.to_string();
            assert!(message.starts_with("merchant name holds"), "{message}");
            assert!(
                message.contains(&format!("U+{:04X}", u32::from(c))),
                "{message}"
            );
            assert!(
                !message.contains("Lucky"),
                "the text is not repeated: {message}"
            );
        }
        let override_message = check_visible("note", "a\u{202E}b").unwrap_err().to_string();
        assert!(
            override_message.contains("text-direction"),
            "{override_message}"
        );
        let zw_message = check_visible("note", "a\u{200B}b").unwrap_err().to_string();
        assert!(zw_message.contains("zero-width"), "{zw_message}");
    }

    #[test]
    fn ordinary_text_in_any_script_passes() {
        for ok in [
            "李明",
            "兰州拉面 Lanzhou",
            "Ann-Marie O'Neil",
            "محمد",
            "שלום",
            "Café ☕ 🍜",
            "午饭 AA",
            "",
        ] {
            assert_eq!(check_visible("name", ok), Ok(()), "{ok}");
        }
        // Neighbours of the refused ranges are ordinary punctuation and spaces.
        for ok in [
            '\u{2010}', '\u{2029}', '\u{2030}', '\u{205F}', '\u{2061}', '\u{061B}',
        ] {
            assert_eq!(check_visible("name", &format!("a{ok}b")), Ok(()), "{ok:?}");
        }
    }
}
