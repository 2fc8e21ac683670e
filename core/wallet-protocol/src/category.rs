//! Spending categories from ISO 18245 merchant category codes (docs/rules.md §Insight): what the
//! history groups by, what monthly totals and budgets are kept per. Rules are ranges checked in
//! order; an unknown or malformed code is `Other`.

use serde::{Deserialize, Serialize};

/// Where a payment's money went. Transfers, top-ups, withdrawals and refunds are not spending
/// and have no category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Category {
    Food,
    Groceries,
    Transport,
    Travel,
    Shopping,
    Bills,
    Health,
    Education,
    Entertainment,
    Services,
    Other,
}

impl Category {
    pub const ALL: &'static [Category] = &[
        Self::Food,
        Self::Groceries,
        Self::Transport,
        Self::Travel,
        Self::Shopping,
        Self::Bills,
        Self::Health,
        Self::Education,
        Self::Entertainment,
        Self::Services,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Food => "food",
            Self::Groceries => "groceries",
            Self::Transport => "transport",
            Self::Travel => "travel",
            Self::Shopping => "shopping",
            Self::Bills => "bills",
            Self::Health => "health",
            Self::Education => "education",
            Self::Entertainment => "entertainment",
            Self::Services => "services",
            Self::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// The category of a 4-digit merchant category code; anything else is `Other`.
    pub fn from_mcc(mcc: &str) -> Self {
        if mcc.len() != 4 || !mcc.bytes().all(|b| b.is_ascii_digit()) {
            return Self::Other;
        }
        let Ok(code) = mcc.parse::<u16>() else {
            return Self::Other;
        };
        RULES
            .iter()
            .find(|(lo, hi, _)| (*lo..=*hi).contains(&code))
            .map_or(Self::Other, |(_, _, c)| *c)
    }
}

/// `(first, last, category)`, first match wins: exact codes before the ranges around them.
const RULES: &[(u16, u16, Category)] = &[
    // Eating out
    (5811, 5814, Category::Food),
    (5462, 5462, Category::Food),
    // Food shops
    (5411, 5411, Category::Groceries),
    (5422, 5451, Category::Groceries),
    (5499, 5499, Category::Groceries),
    // Getting around
    (4111, 4131, Category::Transport),
    (4784, 4789, Category::Transport),
    (5541, 5542, Category::Transport),
    (7523, 7523, Category::Transport),
    // Airlines, hotels, car rental, travel agents
    (3000, 3999, Category::Travel),
    (4411, 4411, Category::Travel),
    (4511, 4511, Category::Travel),
    (4722, 4722, Category::Travel),
    (7011, 7012, Category::Travel),
    (7512, 7519, Category::Travel),
    // Telecom, utilities, insurance, government
    (4812, 4816, Category::Bills),
    (4899, 4900, Category::Bills),
    (6300, 6399, Category::Bills),
    (9211, 9402, Category::Bills),
    // Pharmacies, doctors, hospitals
    (5122, 5122, Category::Health),
    (5912, 5912, Category::Health),
    (8011, 8099, Category::Health),
    // Schools, books
    (5942, 5943, Category::Education),
    (8211, 8299, Category::Education),
    // Films, shows, games, digital content
    (5815, 5818, Category::Entertainment),
    (7829, 7841, Category::Entertainment),
    (7911, 7999, Category::Entertainment),
    // Personal, business and repair services
    (7210, 7299, Category::Services),
    (7311, 7399, Category::Services),
    (7531, 7549, Category::Services),
    (7622, 7699, Category::Services),
    // Retail
    (5000, 5999, Category::Shopping),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_codes() {
        for (mcc, want) in [
            ("5812", Category::Food),
            ("5814", Category::Food),
            ("5411", Category::Groceries),
            ("4121", Category::Transport),
            ("5541", Category::Transport),
            ("4511", Category::Travel),
            ("3501", Category::Travel),
            ("7011", Category::Travel),
            ("4814", Category::Bills),
            ("4900", Category::Bills),
            ("5912", Category::Health),
            ("8062", Category::Health),
            ("8220", Category::Education),
            ("7832", Category::Entertainment),
            ("7230", Category::Services),
            ("5311", Category::Shopping),
            ("5732", Category::Shopping),
            ("0742", Category::Other),
            ("6011", Category::Other),
        ] {
            assert_eq!(Category::from_mcc(mcc), want, "{mcc}");
        }
    }

    #[test]
    fn malformed_codes_are_other() {
        for mcc in ["", "581", "58120", "58a2", "５８１２", "-581"] {
            assert_eq!(Category::from_mcc(mcc), Category::Other, "{mcc:?}");
        }
    }

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
