//! Which payment network an EMVCo merchant code belongs to, from its merchant account templates.

use super::emv::{template_get, Mpm};
use super::{QrNetwork, WALLET_GUID};

impl QrNetwork {
    /// English display name ("Pix (Brazil)"); shells localise by the enum.
    pub fn display_name(self) -> &'static str {
        match self {
            QrNetwork::Wallet => "Wallet",
            QrNetwork::Pix => "Pix (Brazil)",
            QrNetwork::Promptpay => "PromptPay (Thailand)",
            QrNetwork::Vietqr => "VietQR (Vietnam)",
            QrNetwork::Sgqr => "SGQR (Singapore)",
            QrNetwork::Paynow => "PayNow (Singapore)",
            QrNetwork::Duitnow => "DuitNow (Malaysia)",
            QrNetwork::Qris => "QRIS (Indonesia)",
            QrNetwork::Bharatqr => "Bharat QR (India)",
            QrNetwork::Unionpay => "UnionPay",
            QrNetwork::Unknown => "EMVCo merchant QR",
        }
    }
}

/// Globally unique identifiers (sub-tag 00) of the merchant account templates 26–51.
fn guids<'a>(m: &'a Mpm<'a>) -> impl Iterator<Item = (u8, &'a str)> + 'a {
    (26u8..=51).filter_map(move |tag| {
        let t = m.get(tag)?;
        Some((tag, template_get(t, 0)?))
    })
}

fn starts_with_ic(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

fn any_guid(m: &Mpm<'_>, f: impl Fn(u8, &str) -> bool) -> bool {
    guids(m).any(|(tag, g)| f(tag, g))
}

/// Whether tag 26 carries our GUID (ASCII case-insensitive: reverse domain names are).
pub(crate) fn is_ours(m: &Mpm<'_>) -> bool {
    m.sub(26, 0)
        .is_some_and(|g| g.eq_ignore_ascii_case(WALLET_GUID))
}

/// The network, by priority: ours, then national schemes, then card-network schemes.
pub fn detect(m: &Mpm<'_>) -> QrNetwork {
    if is_ours(m) {
        return QrNetwork::Wallet;
    }
    if any_guid(m, |_, g| {
        g.eq_ignore_ascii_case("br.gov.bcb.pix") || g.eq_ignore_ascii_case("br.gov.bcb.spi")
    }) {
        return QrNetwork::Pix;
    }
    if any_guid(m, |tag, g| {
        matches!(tag, 29 | 30) && starts_with_ic(g, "A000000677")
    }) {
        return QrNetwork::Promptpay;
    }
    if m.sub(38, 0)
        .is_some_and(|g| g.eq_ignore_ascii_case("A000000727"))
    {
        return QrNetwork::Vietqr;
    }
    if any_guid(m, |_, g| g.eq_ignore_ascii_case("SG.SGQR")) {
        return QrNetwork::Sgqr;
    }
    if any_guid(m, |_, g| g.eq_ignore_ascii_case("SG.PAYNOW")) {
        return QrNetwork::Paynow;
    }
    if any_guid(m, |_, g| g.eq_ignore_ascii_case("SG.COM.NETS")) {
        return QrNetwork::Sgqr;
    }
    if any_guid(m, |_, g| {
        starts_with_ic(g, "A000000615")
            || (g.to_ascii_uppercase().contains("DUITNOW") && m.get(58) == Some("MY"))
    }) {
        return QrNetwork::Duitnow;
    }
    if any_guid(m, |_, g| {
        g.eq_ignore_ascii_case("ID.CO.QRIS.WWW") || starts_with_ic(g, "ID.CO.")
    }) {
        return QrNetwork::Qris;
    }
    if m.get(58) == Some("IN")
        && ((2u8..=8).any(|t| m.get(t).is_some())
            || any_guid(m, |_, g| starts_with_ic(g, "A000000524")))
    {
        return QrNetwork::Bharatqr;
    }
    if m.get(15).is_some() || any_guid(m, |_, g| starts_with_ic(g, "A000000333")) {
        return QrNetwork::Unionpay;
    }
    QrNetwork::Unknown
}
