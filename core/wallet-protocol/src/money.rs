//! Money: an integer count of minor units (fen) and an ISO 4217 currency. Never a float.
//!
//! Parsing is strict (docs/rules.md §Money): `12`, `12.3`, `12.30`, `¥12.30`, `1,234.50` are
//! accepted; `12.345`, `-1`, `1e3`, `12.`, `.5` and the empty string are errors. Arithmetic is
//! checked: overflow is an error, never a wrap.

use std::fmt;

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

/// The currencies the wallet holds. Only CNY moves money today; the others exist so amounts
/// from elsewhere (a foreign QR code) can be read and named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Currency {
    #[default]
    #[serde(rename = "CNY")]
    Cny,
    #[serde(rename = "HKD")]
    Hkd,
    #[serde(rename = "TWD")]
    Twd,
    #[serde(rename = "USD")]
    Usd,
}

impl Currency {
    /// ISO 4217 alphabetic code.
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
            Currency::Hkd => "HKD",
            Currency::Twd => "TWD",
            Currency::Usd => "USD",
        }
    }

    /// ISO 4217 numeric code, as EMVCo tag 53 carries it.
    pub fn numeric(self) -> &'static str {
        match self {
            Currency::Cny => "156",
            Currency::Hkd => "344",
            Currency::Twd => "901",
            Currency::Usd => "840",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Currency::Cny, Currency::Hkd, Currency::Twd, Currency::Usd]
            .into_iter()
            .find(|c| c.code() == code || c.numeric() == code)
    }

    /// Digits after the decimal point.
    pub fn exponent(self) -> u32 {
        2
    }

    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
            Currency::Hkd => "HK$",
            Currency::Twd => "NT$",
            Currency::Usd => "US$",
        }
    }
}

/// An amount of money in minor units. On the wire: `{"minor": 1250, "currency": "CNY"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Money {
    /// Minor units (fen for CNY). May be negative only in ledger entries and signed totals.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub minor: i64,
    pub currency: Currency,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("enter an amount")]
    Empty,
    #[error("an amount is digits with at most two decimals, like 12.30")]
    Format,
    #[error("an amount has at most two decimals")]
    TooManyDecimals,
    #[error("the amount must be more than zero")]
    NotPositive,
    #[error("the amount is too large")]
    Overflow,
    #[error("the currencies differ")]
    CurrencyMismatch,
}

/// Largest amount a single value may hold: keeps every sum of a day's payments far from
/// `i64::MAX` (¥10 billion).
pub const MAX_MINOR: i64 = 1_000_000_000_000;

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub const fn cny(minor: i64) -> Self {
        Self::new(minor, Currency::Cny)
    }

    pub const fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// Parses an amount a user typed, in `currency`. The result is more than zero.
    pub fn parse(input: &str, currency: Currency) -> Result<Self, MoneyError> {
        let minor = parse_minor(input, currency)?;
        if minor == 0 {
            return Err(MoneyError::NotPositive);
        }
        Ok(Self::new(minor, currency))
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_add(other.minor)
            .map(|m| Money::new(m, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        self.minor
            .checked_sub(other.minor)
            .map(|m| Money::new(m, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.minor
            .checked_neg()
            .map(|m| Money::new(m, self.currency))
            .ok_or(MoneyError::Overflow)
    }

    pub fn is_positive(self) -> bool {
        self.minor > 0
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch)
        }
    }

    /// Plain decimal without symbol or grouping: `1234.50`, `-0.05`. What scripts compare.
    pub fn decimal(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }

    /// How a user reads it: `¥1,234.50`, `-¥0.05`.
    pub fn display(self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let whole = (abs / 100).to_string();
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        format!("{sign}{}{grouped}.{:02}", self.currency.symbol(), abs % 100)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Parses a non-negative amount into minor units. Accepts a leading currency symbol (`¥`, `￥`,
/// or the currency's own), thousands separators in the right places, and at most
/// `currency.exponent()` decimals.
pub fn parse_minor(input: &str, currency: Currency) -> Result<i64, MoneyError> {
    let mut s = input.trim();
    if s.is_empty() {
        return Err(MoneyError::Empty);
    }
    for symbol in [currency.symbol(), "¥", "￥", "RMB", "CNY"] {
        if let Some(rest) = s.strip_prefix(symbol) {
            s = rest.trim_start();
            break;
        }
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let whole = strip_grouping(whole)?;
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return Err(MoneyError::Format);
    }
    let exp = currency.exponent() as usize;
    let frac_digits = match frac {
        None => String::new(),
        Some(f) if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) => {
            return Err(MoneyError::Format)
        }
        Some(f) if f.len() > exp => return Err(MoneyError::TooManyDecimals),
        Some(f) => f.to_owned(),
    };
    let padded = format!("{frac_digits:0<exp$}");
    let whole: i64 = whole.parse().map_err(|_| MoneyError::Overflow)?;
    let frac: i64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| MoneyError::Format)?
    };
    let scale = 10_i64.pow(currency.exponent());
    let minor = whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .ok_or(MoneyError::Overflow)?;
    if minor > MAX_MINOR {
        return Err(MoneyError::Overflow);
    }
    Ok(minor)
}

/// `1,234,567` → `1234567`; commas must separate groups of three.
fn strip_grouping(whole: &str) -> Result<String, MoneyError> {
    if !whole.contains(',') {
        return Ok(whole.to_owned());
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let first_ok = matches!(groups[0].len(), 1..=3);
    if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
        return Err(MoneyError::Format);
    }
    Ok(groups.concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<i64, MoneyError> {
        Money::parse(s, Currency::Cny).map(|m| m.minor)
    }

    #[test]
    fn accepts_the_forms_users_type() {
        assert_eq!(p("12"), Ok(1200));
        assert_eq!(p("12.3"), Ok(1230));
        assert_eq!(p("12.30"), Ok(1230));
        assert_eq!(p("¥12.30"), Ok(1230));
        assert_eq!(p("￥ 0.01"), Ok(1));
        assert_eq!(p("1,234.50"), Ok(123_450));
        assert_eq!(p("  100.00 "), Ok(10_000));
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert_eq!(p(""), Err(MoneyError::Empty));
        assert_eq!(p("12.345"), Err(MoneyError::TooManyDecimals));
        assert_eq!(p("-1"), Err(MoneyError::Format));
        assert_eq!(p("1e3"), Err(MoneyError::Format));
        assert_eq!(p("12."), Err(MoneyError::Format));
        assert_eq!(p(".5"), Err(MoneyError::Format));
        assert_eq!(p("1,23"), Err(MoneyError::Format));
        assert_eq!(p("１２"), Err(MoneyError::Format));
        assert_eq!(p("NaN"), Err(MoneyError::Format));
        assert_eq!(p("0"), Err(MoneyError::NotPositive));
        assert_eq!(p("0.00"), Err(MoneyError::NotPositive));
        assert_eq!(p("99999999999999999999"), Err(MoneyError::Overflow));
        assert_eq!(p("10000000001"), Err(MoneyError::Overflow));
    }

    #[test]
    fn arithmetic_is_checked() {
        let max = Money::cny(i64::MAX);
        assert_eq!(max.checked_add(Money::cny(1)), Err(MoneyError::Overflow));
        assert_eq!(
            Money::cny(i64::MIN).checked_neg(),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::cny(5).checked_add(Money::new(5, Currency::Usd)),
            Err(MoneyError::CurrencyMismatch)
        );
        assert_eq!(
            Money::cny(100).checked_sub(Money::cny(250)),
            Ok(Money::cny(-150))
        );
    }

    #[test]
    fn displays_like_users_read_it() {
        assert_eq!(Money::cny(123_450).display(), "¥1,234.50");
        assert_eq!(Money::cny(5).display(), "¥0.05");
        assert_eq!(Money::cny(-5).display(), "-¥0.05");
        assert_eq!(Money::cny(100_000_000).display(), "¥1,000,000.00");
        assert_eq!(Money::cny(7000).decimal(), "70.00");
        assert_eq!(Money::new(100, Currency::Twd).display(), "NT$1.00");
    }

    #[test]
    fn wire_shape() {
        let json = serde_json::to_value(Money::cny(1250)).unwrap();
        assert_eq!(json, serde_json::json!({"minor": 1250, "currency": "CNY"}));
        assert_eq!(Currency::from_code("156"), Some(Currency::Cny));
    }
}
