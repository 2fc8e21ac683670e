//! Links and text: classified for display, never opened, never an error.

use std::collections::BTreeMap;

use super::QrKind;

/// Schemes without `//` that are still links (shown as text all the same).
const OPAQUE_SCHEMES: &[&str] = &[
    "mailto",
    "tel",
    "sms",
    "smsto",
    "mms",
    "geo",
    "magnet",
    "bitcoin",
    "ethereum",
    "market",
    "intent",
    "javascript",
    "data",
];

/// The scheme of `s` if it starts with an RFC 3986 scheme and `:`.
fn scheme(s: &str) -> Option<&str> {
    let (scheme, _) = s.split_once(':')?;
    let mut bytes = scheme.bytes();
    let first = bytes.next()?;
    (first.is_ascii_alphabetic()
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')))
    .then_some(scheme)
}

/// Host of a hierarchical link (`scheme://[userinfo@]host[:port]/...`), lower-cased. The
/// userinfo is dropped so `https://qr.alipay.com@evil.example/` is *not* Alipay.
fn host(rest_after_scheme: &str) -> Option<String> {
    let authority_and_more = rest_after_scheme.strip_prefix("//")?;
    let end = authority_and_more
        .find(['/', '?', '#'])
        .unwrap_or(authority_and_more.len());
    let authority = &authority_and_more[..end];
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port.split(':').next().unwrap_or(host_port);
    Some(host.to_ascii_lowercase())
}

/// Kind of a non-EMVCo payload (`payload` already trimmed).
pub(crate) fn classify(payload: &str) -> QrKind {
    let Some(scheme) = scheme(payload) else {
        return QrKind::Text;
    };
    let rest = &payload[scheme.len() + 1..];
    let scheme_lc = scheme.to_ascii_lowercase();
    match scheme_lc.as_str() {
        "upi" => return QrKind::Upi,
        "payto" if starts_with_ic(rest, "//upi/") || rest.eq_ignore_ascii_case("//upi") => {
            return QrKind::Upi
        }
        "alipay" | "alipays" => return QrKind::Alipay,
        "wxp" | "weixin" => return QrKind::Wechat,
        _ => {}
    }
    let has_space = payload.chars().any(|c| c.is_whitespace() || c.is_control());
    if matches!(scheme_lc.as_str(), "http" | "https") {
        match host(rest).as_deref() {
            Some("qr.alipay.com") => return QrKind::Alipay,
            Some("wx.tenpay.com") => return QrKind::Wechat,
            _ => {}
        }
    }
    if has_space {
        return QrKind::Text;
    }
    if rest.starts_with("//") || OPAQUE_SCHEMES.contains(&scheme_lc.as_str()) {
        QrKind::Url
    } else {
        QrKind::Text
    }
}

fn starts_with_ic(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Percent-decodes one query component the `application/x-www-form-urlencoded` way: `+` is a
/// space, `%XX` a byte; a `%` not followed by two hex digits stays as it is. Invalid UTF-8
/// becomes U+FFFD.
pub fn form_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    if !bytes.iter().any(|&b| b == b'+' || b == b'%') {
        return s.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(b) => {
                        out.push(b);
                        i += 3;
                    }
                    None => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Parameters of a `upi://…?…` or `payto://upi/ADDRESS?…` link. Splits on `&` and the first
/// `=`; keys and values are form-decoded (see [`form_decode`]); raw spaces are kept; the first
/// occurrence of a key wins; empty keys are dropped. For `payto://upi/ADDRESS` the address is
/// given as `account_alias`.
pub fn upi_params(link: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let (before, query) = link.split_once('?').unwrap_or((link, ""));
    if let Some((_, path)) = before.split_once("://") {
        if path.len() >= 4 && path.as_bytes()[..4].eq_ignore_ascii_case(b"upi/") {
            let alias = path[4..].trim_end_matches('/');
            if !alias.is_empty() {
                out.insert("account_alias".to_owned(), form_decode(alias));
            }
        }
    }
    for pair in query.split('&') {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let key = form_decode(k);
        if key.is_empty() {
            continue;
        }
        out.entry(key).or_insert_with(|| form_decode(v));
    }
    out
}

/// English name of a link kind.
pub(crate) fn kind_name(kind: QrKind) -> Option<&'static str> {
    match kind {
        QrKind::Upi => Some("UPI (India)"),
        QrKind::Alipay => Some("Alipay"),
        QrKind::Wechat => Some("WeChat Pay"),
        QrKind::Url => Some("Link"),
        QrKind::Text => Some("Text"),
        QrKind::EmvcoMpm | QrKind::EmvcoCpm => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        let k = classify;
        assert_eq!(k("upi://pay?pa=a@b"), QrKind::Upi);
        assert_eq!(k("UPI://PAY?PA=A@B"), QrKind::Upi);
        assert_eq!(k("payto://upi/a@b?amount=1"), QrKind::Upi);
        assert_eq!(k("payto://iban/DE75512108001245126199"), QrKind::Url);
        assert_eq!(k("https://qr.alipay.com/fkx12345"), QrKind::Alipay);
        assert_eq!(k("HTTPS://QR.ALIPAY.COM/FKX12345"), QrKind::Alipay);
        assert_eq!(k("alipays://platformapi/startapp?x=1"), QrKind::Alipay);
        assert_eq!(k("https://qr.alipay.com@evil.example/x"), QrKind::Url);
        assert_eq!(k("https://qr.alipay.com.evil.example/x"), QrKind::Url);
        assert_eq!(k("wxp://f2f0abc"), QrKind::Wechat);
        assert_eq!(k("weixin://wxpay/bizpayurl?pr=abc"), QrKind::Wechat);
        assert_eq!(k("https://wx.tenpay.com/f2f?t=abc"), QrKind::Wechat);
        assert_eq!(k("https://example.com/a?b=c"), QrKind::Url);
        assert_eq!(k("mailto:a@example.com"), QrKind::Url);
        assert_eq!(k("Note: buy milk"), QrKind::Text);
        assert_eq!(k("WIFI:S:net;T:WPA;P:pw;;"), QrKind::Text);
        assert_eq!(k("https://example.com/a b"), QrKind::Text);
        assert_eq!(k("hello"), QrKind::Text);
        assert_eq!(k("1:2"), QrKind::Text);
    }

    #[test]
    fn form_decoding() {
        assert_eq!(form_decode("Test+User"), "Test User");
        assert_eq!(form_decode("a%40b"), "a@b");
        assert_eq!(form_decode("100%"), "100%");
        assert_eq!(form_decode("%zz%4"), "%zz%4");
        assert_eq!(form_decode("%E4%BD%A0"), "你");
        assert_eq!(form_decode("%FF"), "\u{FFFD}");
    }
}
