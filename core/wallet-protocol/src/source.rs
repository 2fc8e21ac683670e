//! Funding sources (docs/rules.md §Funding sources): where a payment's money comes from and
//! where its refund goes back to. On the wire a source is one string: `balance` (the wallet's
//! prepaid balance), `card:<card_id>` (a bound bank card, debited through the bank at payment
//! time) or `carrier` (the phone bill of the account's number).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Most entries a default order holds (the balance, the phone bill and a few cards).
pub const MAX_ORDER_LEN: usize = 12;

/// One funding source.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FundingSource {
    /// The wallet's prepaid balance.
    Balance,
    /// A bound bank card, by its id.
    Card(String),
    /// The phone bill of the account's number (carrier billing).
    Carrier,
}

/// The three kinds of source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SourceKind {
    Balance,
    Card,
    Carrier,
}

/// A string that is not a funding source.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a funding source is `balance`, `card:<card id>` or `carrier`")]
pub struct SourceInvalid;

impl FundingSource {
    pub fn kind(&self) -> SourceKind {
        match self {
            FundingSource::Balance => SourceKind::Balance,
            FundingSource::Card(_) => SourceKind::Card,
            FundingSource::Carrier => SourceKind::Carrier,
        }
    }

    /// The card id of a card source.
    pub fn card_id(&self) -> Option<&str> {
        match self {
            FundingSource::Card(id) => Some(id),
            _ => None,
        }
    }

    /// Whether a gateway (the bank, the carrier) moves this source's money, at payment time.
    pub fn via_gateway(&self) -> bool {
        !matches!(self, FundingSource::Balance)
    }

    /// Parses a whole default order written as `balance,card:ID,carrier` (spaces allowed).
    pub fn parse_list(s: &str) -> Result<Vec<FundingSource>, SourceInvalid> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::parse)
            .collect()
    }

    /// Writes a default order as [`FundingSource::parse_list`] reads it.
    pub fn join(list: &[FundingSource]) -> String {
        list.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A default order is well formed: 1 to [`MAX_ORDER_LEN`] sources, none twice.
pub fn check_order(list: &[FundingSource]) -> Result<(), SourceInvalid> {
    if list.is_empty() || list.len() > MAX_ORDER_LEN {
        return Err(SourceInvalid);
    }
    let mut seen = list.to_vec();
    seen.sort();
    seen.dedup();
    if seen.len() != list.len() {
        return Err(SourceInvalid);
    }
    Ok(())
}

impl fmt::Display for FundingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FundingSource::Balance => f.write_str("balance"),
            FundingSource::Card(id) => write!(f, "card:{id}"),
            FundingSource::Carrier => f.write_str("carrier"),
        }
    }
}

impl FromStr for FundingSource {
    type Err = SourceInvalid;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "balance" => Ok(FundingSource::Balance),
            "carrier" => Ok(FundingSource::Carrier),
            _ => {
                let id = s.strip_prefix("card:").ok_or(SourceInvalid)?;
                // The server's ids (`api::id_well_formed`, not imported: `api` uses this module).
                let well_formed = (1..=128).contains(&id.len())
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
                if well_formed {
                    Ok(FundingSource::Card(id.to_owned()))
                } else {
                    Err(SourceInvalid)
                }
            }
        }
    }
}

impl Serialize for FundingSource {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for FundingSource {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The pattern every source string matches.
pub const SOURCE_PATTERN: &str = "^(balance|carrier|card:[A-Za-z0-9_-]{1,128})$";

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for FundingSource {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::Custom("funding-source".to_owned())))
            .description(Some(
                "Where the money comes from: `balance`, `card:<card_id>` (a bound card of this \
                 account) or `carrier` (the phone bill). A card that is not bound here answers \
                 `CARD_NOT_FOUND`; anything else `SOURCE_INVALID`.",
            ))
            .pattern(Some(SOURCE_PATTERN))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for FundingSource {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("FundingSource")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_read_and_write_as_one_string() {
        for s in ["balance", "carrier", "card:card_1a2B-x"] {
            let parsed: FundingSource = s.parse().unwrap();
            assert_eq!(parsed.to_string(), s);
            let json = serde_json::to_string(&parsed).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(
                serde_json::from_str::<FundingSource>(&json).unwrap(),
                parsed
            );
        }
        for bad in [
            "", "Balance", "card:", "card:a b", "bank", "card:x/y", "carrier ",
        ] {
            assert_eq!(bad.parse::<FundingSource>(), Err(SourceInvalid), "{bad:?}");
        }
        assert!(serde_json::from_str::<FundingSource>("\"phone\"").is_err());
    }

    #[test]
    fn an_order_lists_each_source_once() {
        let list = FundingSource::parse_list("balance, card:c1,carrier").unwrap();
        assert_eq!(
            list,
            vec![
                FundingSource::Balance,
                FundingSource::Card("c1".into()),
                FundingSource::Carrier
            ]
        );
        assert_eq!(FundingSource::join(&list), "balance,card:c1,carrier");
        assert_eq!(check_order(&list), Ok(()));
        assert_eq!(check_order(&[]), Err(SourceInvalid));
        assert_eq!(
            check_order(&[FundingSource::Carrier, FundingSource::Carrier]),
            Err(SourceInvalid)
        );
        assert!(FundingSource::parse_list("balance,nope").is_err());
    }
}
