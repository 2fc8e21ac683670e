//! EMVCo Consumer-Presented Mode: a payer's payment code (base64 of BER-TLV starting with
//! `85 05 "CPV01"`). A payer scanning one is holding someone else's payment code: it is
//! recognised and named, never paid. Card data in it (PAN, track 2, cardholder name) is never
//! copied into the decoded result.

use std::collections::BTreeMap;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::QrError;

/// The base64 characters fixed by `85 05 43 50 56 30 31` ("CPV01"), the start of every CPM
/// payload: the 10th character (`Q`, `W`, ...) also depends on the next byte.
pub const BASE64_PREFIX: &str = "hQVDUFYwM";

/// UnionPay's registered application provider identifier.
pub const UNIONPAY_RID: [u8; 5] = [0xA0, 0x00, 0x00, 0x03, 0x33];

const MAX_DEPTH: u8 = 4;

const BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One BER-TLV data object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CpmObject {
    /// The tag bytes as upper-case hex (`"5F20"`).
    pub tag: String,
    /// The value (for constructed objects, the encoding of the children).
    pub value: Vec<u8>,
    /// Children of a constructed object.
    pub children: Vec<CpmObject>,
    pub constructed: bool,
}

/// A decoded CPM payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cpm {
    pub objects: Vec<CpmObject>,
}

impl Cpm {
    /// Top-level tags in order (`["85", "61", "62"]`).
    pub fn top_level_tags(&self) -> Vec<&str> {
        self.objects.iter().map(|o| o.tag.as_str()).collect()
    }

    /// Application templates (`61`).
    pub fn applications(&self) -> impl Iterator<Item = &CpmObject> {
        self.objects.iter().filter(|o| o.tag == "61")
    }

    /// Whether any application's AID (`4F`) is UnionPay's.
    pub fn is_unionpay(&self) -> bool {
        self.applications().any(|app| {
            app.children
                .iter()
                .any(|c| c.tag == "4F" && c.value.starts_with(&UNIONPAY_RID))
        })
    }

    /// What the payer may see: per application, its AID (hex) and label (`50`, if printable).
    /// Never the PAN, track 2 or cardholder name.
    pub fn templates(&self) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut out = BTreeMap::new();
        for (i, app) in self.applications().enumerate() {
            let mut fields = BTreeMap::new();
            for c in &app.children {
                match c.tag.as_str() {
                    "4F" => {
                        fields.insert("4F".to_owned(), hex::encode_upper(&c.value));
                    }
                    "50" if c.value.iter().all(|b| (0x20..0x7F).contains(b)) => {
                        fields.insert(
                            "50".to_owned(),
                            String::from_utf8_lossy(&c.value).into_owned(),
                        );
                    }
                    _ => {}
                }
            }
            out.insert(format!("61[{i}]"), fields);
        }
        out
    }
}

fn malformed(offset: usize, reason: &'static str) -> QrError {
    QrError::MalformedTlv { offset, reason }
}

/// Decodes the base64 text of a CPM payload.
pub fn decode_base64(text: &str) -> Result<Cpm, QrError> {
    let bytes = BASE64
        .decode(text.as_bytes())
        .map_err(|_| malformed(0, "not valid base64"))?;
    parse(&bytes)
}

/// Parses CPM bytes: BER-TLV, `85 05 CPV01` first, no tag twice at one level except
/// application templates, no data object in both an application and the common data template.
pub fn parse(bytes: &[u8]) -> Result<Cpm, QrError> {
    if bytes.is_empty() {
        return Err(QrError::Empty);
    }
    let objects = parse_level(bytes, 0, 0)?;
    match objects.first() {
        Some(o) if o.tag == "85" && o.value == b"CPV01" => {}
        _ => {
            return Err(malformed(
                0,
                "a consumer-presented code must start with 85 05 CPV01",
            ))
        }
    }
    // Same tag twice at top level: only application templates may repeat.
    for (i, o) in objects.iter().enumerate() {
        if o.tag != "61" && objects[..i].iter().any(|p| p.tag == o.tag) {
            return Err(malformed(0, "duplicate tag"));
        }
    }
    // A data object defined in an application template must not be defined again in the
    // common data template (EMVCo CPM 6.x).
    let mut app_tags: Vec<&str> = Vec::new();
    for app in objects.iter().filter(|o| o.tag == "61") {
        collect_primitive_tags(&app.children, &mut app_tags);
    }
    let mut common_tags: Vec<&str> = Vec::new();
    for common in objects.iter().filter(|o| o.tag == "62") {
        collect_primitive_tags(&common.children, &mut common_tags);
    }
    if let Some(dup) = common_tags.iter().find(|t| app_tags.contains(t)) {
        return Err(QrError::InvalidField {
            tag: (*dup).to_owned(),
            reason: "defined in both an application template and the common data template",
        });
    }
    Ok(Cpm { objects })
}

fn collect_primitive_tags<'a>(objects: &'a [CpmObject], out: &mut Vec<&'a str>) {
    for o in objects {
        if o.constructed {
            collect_primitive_tags(&o.children, out);
        } else {
            out.push(&o.tag);
        }
    }
}

fn parse_level(bytes: &[u8], base: usize, depth: u8) -> Result<Vec<CpmObject>, QrError> {
    if depth > MAX_DEPTH {
        return Err(malformed(base, "templates nested too deeply"));
    }
    let mut out: Vec<CpmObject> = Vec::new();
    let mut pos = 0usize;
    while pos < bytes.len() {
        let at = base + pos;
        // Tag: one byte, or more when the low five bits are all set.
        let first = bytes[pos];
        let mut end = pos + 1;
        if first & 0x1F == 0x1F {
            loop {
                let b = *bytes.get(end).ok_or(malformed(at, "truncated tag"))?;
                end += 1;
                if b & 0x80 == 0 {
                    break;
                }
                if end - pos > 4 {
                    return Err(malformed(at, "tag too long"));
                }
            }
        }
        let tag_bytes = &bytes[pos..end];
        let constructed = first & 0x20 != 0;
        // Length: short form, or 0x81 / 0x82 long form.
        let l0 = *bytes.get(end).ok_or(malformed(at, "truncated length"))?;
        let (len, len_end) = match l0 {
            0x00..=0x7F => (usize::from(l0), end + 1),
            0x81 => (
                usize::from(
                    *bytes
                        .get(end + 1)
                        .ok_or(malformed(at, "truncated length"))?,
                ),
                end + 2,
            ),
            0x82 => {
                let hi = *bytes
                    .get(end + 1)
                    .ok_or(malformed(at, "truncated length"))?;
                let lo = *bytes
                    .get(end + 2)
                    .ok_or(malformed(at, "truncated length"))?;
                (usize::from(hi) << 8 | usize::from(lo), end + 3)
            }
            _ => return Err(malformed(at, "unsupported length form")),
        };
        let value = bytes
            .get(len_end..len_end + len)
            .ok_or(malformed(at, "value runs past the end of the data"))?;
        let tag = hex::encode_upper(tag_bytes);
        let children = if constructed {
            let children = parse_level(value, base + len_end, depth + 1)?;
            for (i, c) in children.iter().enumerate() {
                if children[..i].iter().any(|p| p.tag == c.tag) {
                    return Err(malformed(at, "duplicate tag in a template"));
                }
            }
            children
        } else {
            Vec::new()
        };
        out.push(CpmObject {
            tag,
            value: value.to_vec(),
            children,
            constructed,
        });
        pos = len_end + len;
    }
    Ok(out)
}
