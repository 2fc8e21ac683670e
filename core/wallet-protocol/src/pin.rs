//! Payment PIN rules (docs/rules.md §Credentials).
//!
//! A payment PIN is exactly six ASCII digits (full-width digits are refused) and is not easy to
//! guess. [`check_pin`] refuses, in this order:
//!
//! 1. [`PinWeakness::Format`]: not six ASCII digits;
//! 2. [`PinWeakness::AllSame`]: one digit six times (`000000` … `999999`);
//! 3. [`PinWeakness::Sequence`]: an ascending run `012345` … `456789` or a descending run
//!    `987654` … `543210` (no wrap-around past 9/0);
//! 4. [`PinWeakness::Birthday`]: the birth date written as **YYMMDD, MMDDYY, DDMMYY, YYYYMM or
//!    MMYYYY** (zero-padded; e.g. 1990-03-07 refuses `900307`, `030790`, `070390`, `199003` and
//!    `031990`). The date comes from [`PinContext::birth_date`], or, when that is absent, from the
//!    resident ID number's 8-digit birth date;
//! 5. [`PinWeakness::PhoneNumber`]: any 6-digit substring of the phone number's digits (all of
//!    them, so a country code written in is covered too);
//! 6. [`PinWeakness::IdNumber`]: any 6-digit substring of the ID number's digits (a final `X` is
//!    not a digit and is left out);
//! 7. [`PinWeakness::Common`]: one of the 100 most common 6-digit PINs (`data/common_pins.txt`,
//!    which names its source).
//!
//! The client usually knows less than the server: every context field is optional and
//! `PinContext::default()` checks the rules that need no personal data.

use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};

/// What the checker may know about the user. Fields that are `None` skip their rule.
#[derive(Clone, Copy, Default)]
pub struct PinContext<'a> {
    /// The phone number; only its ASCII digits are used (`+86 138-1234-5678` is fine).
    pub phone_digits: Option<&'a str>,
    /// The resident ID number; only its ASCII digits are used.
    pub id_number: Option<&'a str>,
    pub birth_date: Option<NaiveDate>,
}

/// Shows only which fields are present: the context holds personal data.
impl fmt::Debug for PinContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let present = |b: bool| if b { "Some(..)" } else { "None" };
        f.debug_struct("PinContext")
            .field(
                "phone_digits",
                &format_args!("{}", present(self.phone_digits.is_some())),
            )
            .field(
                "id_number",
                &format_args!("{}", present(self.id_number.is_some())),
            )
            .field(
                "birth_date",
                &format_args!("{}", present(self.birth_date.is_some())),
            )
            .finish()
    }
}

/// Why a PIN was refused. The messages state the rule and never include the PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PinWeakness {
    #[error("a payment PIN is exactly 6 digits from 0 to 9")]
    Format,
    #[error("a payment PIN cannot be the same digit repeated")]
    AllSame,
    #[error("a payment PIN cannot be a run of consecutive digits, counting up or down")]
    Sequence,
    #[error("a payment PIN cannot be your date of birth")]
    Birthday,
    #[error("a payment PIN cannot be part of your phone number")]
    PhoneNumber,
    #[error("a payment PIN cannot be part of your ID number")]
    IdNumber,
    #[error("this is one of the most commonly chosen PINs and is easy to guess")]
    Common,
}

/// Exactly six ASCII digits (full-width digits such as `１２３４５６` are refused).
pub fn pin_well_formed(pin: &str) -> bool {
    pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Checks a new payment PIN against every rule (see the module docs for the order).
pub fn check_pin(pin: &str, ctx: &PinContext<'_>) -> Result<(), PinWeakness> {
    if !pin_well_formed(pin) {
        return Err(PinWeakness::Format);
    }
    let b = pin.as_bytes();
    if b.iter().all(|&d| d == b[0]) {
        return Err(PinWeakness::AllSame);
    }
    if is_run(b) {
        return Err(PinWeakness::Sequence);
    }
    let birth = ctx
        .birth_date
        .or_else(|| ctx.id_number.and_then(birth_date_from_id));
    if birth.is_some_and(|d| birthday_forms(d).iter().any(|f| f == pin)) {
        return Err(PinWeakness::Birthday);
    }
    if ctx.phone_digits.is_some_and(|p| contains_digits(p, pin)) {
        return Err(PinWeakness::PhoneNumber);
    }
    if ctx.id_number.is_some_and(|id| contains_digits(id, pin)) {
        return Err(PinWeakness::IdNumber);
    }
    if is_common_pin(pin) {
        return Err(PinWeakness::Common);
    }
    Ok(())
}

/// Each step is +1 (012345 … 456789) or each step is −1 (987654 … 543210).
fn is_run(b: &[u8]) -> bool {
    let up = b.windows(2).all(|w| w[1] == w[0] + 1);
    let down = b.windows(2).all(|w| w[0] == w[1] + 1);
    up || down
}

/// The 6-digit birthday forms refused: YYMMDD, MMDDYY, DDMMYY, YYYYMM, MMYYYY.
pub fn birthday_forms(date: NaiveDate) -> [String; 5] {
    let yyyy = date.year().rem_euclid(10_000);
    let yy = yyyy % 100;
    let mm = date.month();
    let dd = date.day();
    [
        format!("{yy:02}{mm:02}{dd:02}"),
        format!("{mm:02}{dd:02}{yy:02}"),
        format!("{dd:02}{mm:02}{yy:02}"),
        format!("{yyyy:04}{mm:02}"),
        format!("{mm:02}{yyyy:04}"),
    ]
}

/// The birth date in an 18-character resident ID number (characters 7–14, `YYYYMMDD`), if it is
/// a real date. The check digit is not verified here.
fn birth_date_from_id(id: &str) -> Option<NaiveDate> {
    let s = id.trim();
    if s.len() != 18 {
        return None;
    }
    let part = s.get(6..14)?;
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    NaiveDate::parse_from_str(part, "%Y%m%d").ok()
}

/// Whether the ASCII digits of `haystack`, taken together, contain `pin`.
fn contains_digits(haystack: &str, pin: &str) -> bool {
    let digits: String = haystack.chars().filter(char::is_ascii_digit).collect();
    digits.contains(pin)
}

const COMMON_PINS_DATA: &str = include_str!("../data/common_pins.txt");

fn common_pins_sorted() -> &'static [&'static str] {
    static SORTED: OnceLock<Vec<&'static str>> = OnceLock::new();
    SORTED.get_or_init(|| {
        let mut v: Vec<&'static str> = common_pins().collect();
        v.sort_unstable();
        v.dedup();
        v
    })
}

/// The common-PIN list, most common first (malformed lines, if any, are skipped; a test proves
/// there are none).
pub fn common_pins() -> impl Iterator<Item = &'static str> {
    COMMON_PINS_DATA
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter(|l| pin_well_formed(l))
}

/// Whether `pin` is on the common-PIN list.
pub fn is_common_pin(pin: &str) -> bool {
    common_pins_sorted().binary_search(&pin).is_ok()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const ID: &str = "11010519491231002X";
    const PHONE: &str = "13812345678";

    fn none() -> PinContext<'static> {
        PinContext::default()
    }

    fn full() -> PinContext<'static> {
        PinContext {
            phone_digits: Some(PHONE),
            id_number: Some(ID),
            birth_date: NaiveDate::from_ymd_opt(1949, 12, 31),
        }
    }

    #[test]
    fn data_file() {
        let lines: Vec<&str> = COMMON_PINS_DATA
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert_eq!(lines.len(), 100, "exactly 100 common PINs");
        for l in &lines {
            assert!(pin_well_formed(l), "{l:?} is not 6 ASCII digits");
        }
        assert_eq!(common_pins().count(), 100);
        assert_eq!(common_pins_sorted().len(), 100, "no duplicates");
        assert!(COMMON_PINS_DATA.starts_with("# "));
        assert!(COMMON_PINS_DATA.contains("Source:"));
    }

    #[test]
    fn format() {
        for bad in [
            "",
            "12345",
            "1234567",
            "12a456",
            "１２３４５６",
            " 28041",
            "28041 ",
            "-28041",
        ] {
            assert!(!pin_well_formed(bad), "{bad:?}");
            assert_eq!(check_pin(bad, &none()), Err(PinWeakness::Format), "{bad:?}");
        }
        assert!(pin_well_formed("280419"));
    }

    #[test]
    fn all_same() {
        for d in 0..=9 {
            let pin = d.to_string().repeat(6);
            assert_eq!(check_pin(&pin, &none()), Err(PinWeakness::AllSame));
        }
    }

    #[test]
    fn sequences() {
        for up in ["012345", "123456", "234567", "345678", "456789"] {
            assert_eq!(check_pin(up, &none()), Err(PinWeakness::Sequence), "{up}");
        }
        for down in ["987654", "876543", "765432", "654321", "543210"] {
            assert_eq!(
                check_pin(down, &none()),
                Err(PinWeakness::Sequence),
                "{down}"
            );
        }
        // Not runs: wrap-around, a broken run.
        assert_ne!(check_pin("890123", &none()), Err(PinWeakness::Sequence));
        assert_ne!(check_pin("123457", &none()), Err(PinWeakness::Sequence));
    }

    #[test]
    fn birthday() {
        let ctx = PinContext {
            birth_date: NaiveDate::from_ymd_opt(1990, 3, 7),
            ..PinContext::default()
        };
        for pin in ["900307", "030790", "070390", "199003", "031990"] {
            assert_eq!(check_pin(pin, &ctx), Err(PinWeakness::Birthday), "{pin}");
        }
        assert_eq!(check_pin("280419", &ctx), Ok(()));
        // From the ID number when no birth date is given.
        let ctx = PinContext {
            id_number: Some(ID),
            ..PinContext::default()
        };
        for pin in ["491231", "123149", "311249", "194912", "121949"] {
            assert_eq!(check_pin(pin, &ctx), Err(PinWeakness::Birthday), "{pin}");
        }
    }

    #[test]
    fn phone_substrings() {
        let ctx = PinContext {
            phone_digits: Some(PHONE),
            ..PinContext::default()
        };
        // 123456/234567/345678 are runs (reported first); the others are phone substrings.
        for pin in ["138123", "381234", "812345"] {
            assert_eq!(check_pin(pin, &ctx), Err(PinWeakness::PhoneNumber), "{pin}");
        }
        for pin in ["123456", "234567", "345678"] {
            assert!(check_pin(pin, &ctx).is_err());
        }
        let formatted = PinContext {
            phone_digits: Some("+86 138-1234-5678"),
            ..PinContext::default()
        };
        assert_eq!(
            check_pin("861381", &formatted),
            Err(PinWeakness::PhoneNumber)
        );
        assert_eq!(
            check_pin("381234", &formatted),
            Err(PinWeakness::PhoneNumber)
        );
    }

    #[test]
    fn id_substrings() {
        let ctx = full();
        let digits = "11010519491231002";
        for start in 0..=digits.len() - 6 {
            let pin = &digits[start..start + 6];
            let got = check_pin(pin, &ctx);
            assert!(got.is_err(), "{pin}");
            // The birthday forms inside the ID are reported as the birthday.
            if pin != "194912" && pin != "491231" {
                assert_eq!(got, Err(PinWeakness::IdNumber), "{pin}");
            }
        }
        // Without the birth date the ID's own date still counts as a birthday.
        let id_only = PinContext {
            id_number: Some(ID),
            ..PinContext::default()
        };
        assert_eq!(check_pin("110105", &id_only), Err(PinWeakness::IdNumber));
        assert_eq!(check_pin("231002", &id_only), Err(PinWeakness::IdNumber));
    }

    #[test]
    fn common() {
        for pin in ["520520", "112233", "147258", "159357", "121212"] {
            assert_eq!(check_pin(pin, &none()), Err(PinWeakness::Common), "{pin}");
        }
        assert!(is_common_pin("520520"));
        assert!(!is_common_pin("280419"));
    }

    #[test]
    fn strong_pins_pass() {
        assert_eq!(check_pin("280419", &full()), Ok(()));
        assert_eq!(check_pin("280419", &none()), Ok(()));
        assert_eq!(check_pin("730596", &full()), Ok(()));
        assert_eq!(check_pin("890123", &none()), Ok(()));
    }

    #[test]
    fn messages_never_include_the_pin() {
        let cases = [
            ("12a456", PinWeakness::Format),
            ("777777", PinWeakness::AllSame),
            ("456789", PinWeakness::Sequence),
            ("491231", PinWeakness::Birthday),
            ("138123", PinWeakness::PhoneNumber),
            ("110105", PinWeakness::IdNumber),
            ("520520", PinWeakness::Common),
        ];
        for (pin, want) in cases {
            let got = check_pin(pin, &full()).unwrap_err();
            assert_eq!(got, want, "{pin}");
            let msg = got.to_string();
            assert!(!msg.contains(pin), "{msg}");
            assert!(!msg
                .chars()
                .any(|c| c.is_ascii_digit() && c != '6' && c != '0' && c != '9'));
        }
        let dbg = format!("{:?}", full());
        assert!(!dbg.contains("138") && !dbg.contains("1101") && !dbg.contains("1949"));
    }
}
