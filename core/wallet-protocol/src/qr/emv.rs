//! EMVCo Merchant-Presented Mode TLV codec and CRC-16/CCITT-FALSE.
//!
//! A payload is a run of data objects `TTLLvalue`: a two-digit tag, a two-digit length and the
//! value. Lengths count **characters** (Unicode scalar values), as the EMVCo spec and almost every
//! implementation do; the CRC (tag `63`, always last) is computed over the **UTF-8 bytes** of
//! everything before its value, `6304` included. See `docs/qr.md` for every strictness decision.
//!
//! * [`tlvs`] iterates data objects without allocating.
//! * [`parse`] checks a whole payload's integrity (framing, CRC, duplicates, nested templates,
//!   the syntax of the values a payer reads) and returns a borrowed [`Mpm`]: no allocation.
//! * [`Builder`] / [`encode`] generate payloads (framing only: callers decide the content).

use std::fmt::Write as _;

use super::QrError;

/// The largest payload the EMVCo spec allows, in characters. Enforced on our own codes only.
pub const MAX_PAYLOAD_CHARS: usize = 512;

/// The largest value a data object can hold (two length digits), in characters.
pub const MAX_VALUE_CHARS: usize = 99;

const CRC_TABLE: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = (i as u16) << 8;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final xor), table-driven.
pub fn crc16(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0xFFFF, |crc, &b| {
        (crc << 8) ^ CRC_TABLE[usize::from((crc >> 8) as u8 ^ b)]
    })
}

/// One data object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tlv<'a> {
    /// `0..=99`.
    pub tag: u8,
    pub value: &'a str,
    /// Byte offset of the object's tag in the scanned payload.
    pub offset: usize,
}

/// Iterator over the data objects of a payload or template value. Stops after the first error.
#[derive(Debug, Clone)]
pub struct TlvIter<'a> {
    src: &'a str,
    pos: usize,
    base: usize,
}

/// Iterates the data objects of `src` (a payload, or a template's value).
pub fn tlvs(src: &str) -> TlvIter<'_> {
    TlvIter {
        src,
        pos: 0,
        base: 0,
    }
}

/// Like [`tlvs`], reporting offsets as `base + position in src` (for nested templates).
pub fn tlvs_at(src: &str, base: usize) -> TlvIter<'_> {
    TlvIter { src, pos: 0, base }
}

fn two_digits(a: u8, b: u8) -> Option<u8> {
    if a.is_ascii_digit() && b.is_ascii_digit() {
        Some((a - b'0') * 10 + (b - b'0'))
    } else {
        None
    }
}

/// Byte index just past `n` characters starting at byte `start` (a char boundary), or `None`
/// when fewer than `n` characters remain.
fn skip_chars(src: &str, start: usize, n: usize) -> Option<usize> {
    let bytes = src.as_bytes();
    let ascii_end = start.checked_add(n)?;
    if let Some(run) = bytes.get(start..ascii_end) {
        if run.is_ascii() {
            return Some(ascii_end);
        }
    }
    let mut i = start;
    for _ in 0..n {
        let b = *bytes.get(i)?;
        i += match b {
            0x00..=0x7F => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
    }
    (i <= bytes.len()).then_some(i)
}

impl<'a> Iterator for TlvIter<'a> {
    type Item = Result<Tlv<'a>, QrError>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.src.as_bytes();
        if self.pos >= bytes.len() {
            return None;
        }
        let offset = self.base + self.pos;
        let fail = |this: &mut Self, at: usize, reason: &'static str| {
            this.pos = bytes.len();
            Some(Err(QrError::MalformedTlv { offset: at, reason }))
        };
        let Some(head) = bytes.get(self.pos..self.pos + 4) else {
            return fail(self, offset, "truncated data object header");
        };
        let Some(tag) = two_digits(head[0], head[1]) else {
            return fail(self, offset, "tag is not two digits");
        };
        let Some(len) = two_digits(head[2], head[3]) else {
            return fail(self, offset + 2, "length is not two digits");
        };
        let start = self.pos + 4;
        let Some(end) = skip_chars(self.src, start, usize::from(len)) else {
            return fail(self, offset + 2, "value runs past the end of the data");
        };
        let Some(value) = self.src.get(start..end) else {
            return fail(self, offset + 2, "value runs past the end of the data");
        };
        self.pos = end;
        Some(Ok(Tlv { tag, value, offset }))
    }
}

/// The first value of `sub` in a (well-formed) template value.
pub fn template_get(template: &str, sub: u8) -> Option<&str> {
    tlvs(template)
        .map_while(Result::ok)
        .find(|t| t.tag == sub)
        .map(|t| t.value)
}

/// Two-digit tag as text (`"05"`), for error messages and JSON keys.
pub fn tag_str(tag: u8) -> String {
    format!("{tag:02}")
}

/// Whether tag `tag` of a payload holds a template (sub data objects) per the spec.
pub fn is_template_tag(tag: u8) -> bool {
    matches!(tag, 26..=51 | 62 | 64 | 80..=99)
}

/// The state of a payload's CRC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrcStatus {
    Valid,
    /// Tag 63 is present and last, but its value does not match (or is not hex).
    Mismatch,
    /// No tag 63 at all.
    Missing,
}

/// A checked payload: its top-level data objects by tag (no allocation).
#[derive(Debug, Clone)]
pub struct Mpm<'a> {
    payload: &'a str,
    slots: [Option<Tlv<'a>>; 100],
    crc: CrcStatus,
}

impl<'a> Mpm<'a> {
    /// The payload as parsed.
    pub fn payload(&self) -> &'a str {
        self.payload
    }

    /// Whether the CRC matched ([`parse`] only returns [`CrcStatus::Valid`]).
    pub fn crc(&self) -> CrcStatus {
        self.crc
    }

    /// Value of top-level tag `tag`.
    pub fn get(&self, tag: u8) -> Option<&'a str> {
        self.slots
            .get(usize::from(tag))
            .and_then(|s| s.as_ref())
            .map(|t| t.value)
    }

    /// The data object of top-level tag `tag`.
    pub fn tlv(&self, tag: u8) -> Option<Tlv<'a>> {
        self.slots.get(usize::from(tag)).copied().flatten()
    }

    /// Top-level data objects in tag order.
    pub fn fields(&self) -> impl Iterator<Item = Tlv<'a>> + '_ {
        self.slots.iter().filter_map(|s| *s)
    }

    /// Sub-tag `sub` of template `tag`.
    pub fn sub(&self, tag: u8, sub: u8) -> Option<&'a str> {
        self.get(tag).and_then(|t| template_get(t, sub))
    }

    /// Re-encodes the payload: the same data objects in the same order, with a fresh CRC.
    pub fn encode(&self) -> Result<String, QrError> {
        let mut objects: Vec<Tlv<'a>> = self.fields().filter(|t| t.tag != 63).collect();
        objects.sort_by_key(|t| t.offset);
        let mut b = Builder::empty();
        for t in objects {
            b.field(t.tag, t.value)?;
        }
        Ok(b.finish())
    }
}

fn crc_hex(crc: u16) -> String {
    format!("{crc:04X}")
}

fn parse_hex4(s: &str) -> Option<u16> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_hexdigit()) {
        u16::from_str_radix(s, 16).ok()
    } else {
        None
    }
}

/// Parses and checks a payload strictly: a CRC mismatch or a missing CRC is an error.
pub fn parse(payload: &str) -> Result<Mpm<'_>, QrError> {
    parse_inner(payload, true)
}

/// Like [`parse`] but reports a missing or wrong CRC in [`Mpm::crc`] instead of failing.
/// Diagnostics only: nothing read this way may be paid.
pub fn parse_ignoring_crc(payload: &str) -> Result<Mpm<'_>, QrError> {
    parse_inner(payload, false)
}

fn invalid(tag: u8, reason: &'static str) -> QrError {
    QrError::InvalidField {
        tag: tag_str(tag),
        reason,
    }
}

fn invalid_sub(tag: u8, sub: u8, reason: &'static str) -> QrError {
    QrError::InvalidField {
        tag: format!("{tag:02}/{sub:02}"),
        reason,
    }
}

/// Whether `value` holds a control character (C0, DEL or C1), checked on the UTF-8 bytes.
fn has_control(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b < 0x20
            || b == 0x7F
            || (b == 0xC2 && bytes.get(i + 1).is_some_and(|n| (0x80..=0x9F).contains(n)))
    })
}

fn parse_inner(payload: &str, strict_crc: bool) -> Result<Mpm<'_>, QrError> {
    if payload.is_empty() {
        return Err(QrError::Empty);
    }
    // 1. The CRC by position first: a damaged code is reported as damaged, whatever the damage
    //    did to the framing.
    let len = payload.len();
    let positional = len
        .checked_sub(4)
        .and_then(|n| Some((payload.get(..n)?, payload.get(n..)?)))
        .filter(|(body, _)| body.ends_with("6304"));
    let mut computed: Option<u16> = None;
    if let Some((body, given)) = positional {
        let crc = crc16(body.as_bytes());
        computed = Some(crc);
        if strict_crc && parse_hex4(given) != Some(crc) {
            return Err(QrError::CrcMismatch {
                in_payload: given.to_owned(),
                computed: crc_hex(crc),
            });
        }
    }

    // 2. Framing: every object well formed, 00 first, 63 last, no tag twice.
    let mut slots: [Option<Tlv<'_>>; 100] = [None; 100];
    let mut crc_tlv: Option<Tlv<'_>> = None;
    for item in tlvs(payload) {
        let t = item?;
        if crc_tlv.is_some() {
            return Err(QrError::MalformedTlv {
                offset: t.offset,
                reason: "data after the CRC (tag 63 must be last)",
            });
        }
        if t.offset == 0 && t.tag != 0 {
            return Err(QrError::MalformedTlv {
                offset: 0,
                reason: "the payload must start with tag 00",
            });
        }
        let slot = &mut slots[usize::from(t.tag)];
        if slot.is_some() {
            return Err(QrError::MalformedTlv {
                offset: t.offset,
                reason: "duplicate tag",
            });
        }
        if has_control(t.value) {
            return Err(invalid(t.tag, "contains a control character"));
        }
        *slot = Some(t);
        if t.tag == 63 {
            crc_tlv = Some(t);
        }
    }

    // 3. The CRC as framed.
    let crc = match crc_tlv {
        None if strict_crc => {
            return Err(QrError::MissingField {
                tag: "63".to_owned(),
            })
        }
        None => CrcStatus::Missing,
        Some(t) => {
            let body_end = t.offset + 4;
            let crc = match computed {
                Some(c) if body_end + 4 == len => c,
                _ => crc16(payload.as_bytes().get(..body_end).unwrap_or_default()),
            };
            if t.value.chars().count() != 4 {
                return Err(invalid(63, "the CRC must be 4 characters"));
            }
            if parse_hex4(t.value) == Some(crc) {
                CrcStatus::Valid
            } else if strict_crc {
                return Err(QrError::CrcMismatch {
                    in_payload: t.value.to_owned(),
                    computed: crc_hex(crc),
                });
            } else {
                CrcStatus::Mismatch
            }
        }
    };

    let mpm = Mpm {
        payload,
        slots,
        crc,
    };

    // 4. Payload format indicator.
    match mpm.get(0) {
        None => {
            return Err(QrError::MissingField {
                tag: "00".to_owned(),
            })
        }
        Some("01") => {}
        Some(_) => return Err(invalid(0, "the payload format indicator must be 01")),
    }

    // 5. Nested templates must be well formed, without duplicate sub-tags; 62/50–99 are
    //    templates themselves.
    for t in mpm.fields().filter(|t| is_template_tag(t.tag)) {
        check_template(t, t.tag == 62)?;
    }

    // 6. The syntax of the values a payer reads (every network).
    check_value_syntax(&mpm)?;
    Ok(mpm)
}

fn check_template(t: Tlv<'_>, nested_50_99: bool) -> Result<(), QrError> {
    let mut seen: u128 = 0;
    for item in tlvs_at(t.value, t.offset + 4) {
        let s = item?;
        let bit = 1u128 << s.tag;
        if seen & bit != 0 {
            return Err(QrError::MalformedTlv {
                offset: s.offset,
                reason: "duplicate tag in a template",
            });
        }
        seen |= bit;
        if has_control(s.value) {
            return Err(invalid_sub(t.tag, s.tag, "contains a control character"));
        }
        if nested_50_99 && s.tag >= 50 {
            check_template(s, false)?;
        }
    }
    Ok(())
}

fn all_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit())
}

/// EMVCo 4.7.4.1: digits with at most one `.` (`"98.73"`, `"98"`, `"98."`), at most 13
/// characters. Zero and the number of decimals are checked elsewhere (our codes only).
pub fn is_amount_syntax(s: &str) -> bool {
    s.len() <= 13
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() <= 1
}

/// An amount in minor units, if `s` is a valid amount with at most `exponent` decimals.
pub fn amount_minor(s: &str, exponent: u32) -> Option<u64> {
    if !is_amount_syntax(s) {
        return None;
    }
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    let frac_len = u32::try_from(frac.len()).ok()?;
    if frac_len > exponent {
        return None;
    }
    let mut minor: u64 = 0;
    for b in int.bytes().chain(frac.bytes()) {
        minor = minor.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    minor.checked_mul(10u64.checked_pow(exponent - frac_len)?)
}

fn check_value_syntax(m: &Mpm<'_>) -> Result<(), QrError> {
    if let Some(v) = m.get(1) {
        if v != "11" && v != "12" {
            return Err(invalid(1, "the point of initiation must be 11 or 12"));
        }
    }
    if let Some(v) = m.get(52) {
        if v.len() != 4 || !all_digits(v) {
            return Err(invalid(52, "the merchant category code must be 4 digits"));
        }
    }
    if let Some(v) = m.get(53) {
        if v.len() != 3 || !all_digits(v) {
            return Err(invalid(53, "the currency must be a 3-digit ISO 4217 code"));
        }
    }
    if let Some(v) = m.get(54) {
        if !is_amount_syntax(v) {
            return Err(invalid(
                54,
                "the amount must be digits with at most one '.'",
            ));
        }
    }
    if let Some(v) = m.get(55) {
        if !matches!(v, "01" | "02" | "03") {
            return Err(invalid(55, "the tip indicator must be 01, 02 or 03"));
        }
    }
    if let Some(v) = m.get(56) {
        if !is_amount_syntax(v) {
            return Err(invalid(
                56,
                "the fixed fee must be digits with at most one '.'",
            ));
        }
    }
    if let Some(v) = m.get(57) {
        if v.len() > 5 || !is_amount_syntax(v) {
            return Err(invalid(57, "the fee percentage must be like 3.00"));
        }
    }
    if let Some(v) = m.get(58) {
        if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(invalid(58, "the country must be 2 capital letters"));
        }
    }
    Ok(())
}

/// Builds a payload: `000201` first (with [`Builder::new`]), then the data objects in the order
/// given, then `6304` and the CRC on [`Builder::finish`]. It checks framing only (tags `0..=99`,
/// values of at most 99 characters); the content is the caller's business: check the result
/// with [`parse`] or `qr::decode`.
#[derive(Debug, Clone, Default)]
pub struct Builder {
    buf: String,
}

impl Builder {
    /// Starts with the payload format indicator `000201`.
    pub fn new() -> Self {
        let mut buf = String::with_capacity(160);
        buf.push_str("000201");
        Self { buf }
    }

    /// Starts with nothing (to build payloads that are wrong on purpose, or re-encode one).
    pub fn empty() -> Self {
        Self {
            buf: String::with_capacity(160),
        }
    }

    /// Appends a primitive data object.
    pub fn field(&mut self, tag: u8, value: &str) -> Result<&mut Self, QrError> {
        push_tlv(&mut self.buf, tag, value)?;
        Ok(self)
    }

    /// Appends a template built from `(sub-tag, value)` pairs, in the order given.
    pub fn template(&mut self, tag: u8, subs: &[(u8, &str)]) -> Result<&mut Self, QrError> {
        let mut inner = String::with_capacity(64);
        for &(sub, value) in subs {
            push_tlv(&mut inner, sub, value).map_err(|e| match e {
                QrError::InvalidField { reason, .. } => QrError::InvalidField {
                    tag: format!("{tag:02}/{sub:02}"),
                    reason,
                },
                other => other,
            })?;
        }
        push_tlv(&mut self.buf, tag, &inner)?;
        Ok(self)
    }

    /// The payload so far, without a CRC.
    pub fn as_str(&self) -> &str {
        &self.buf
    }

    /// Appends `6304` and the CRC.
    pub fn finish(mut self) -> String {
        self.buf.push_str("6304");
        let crc = crc16(self.buf.as_bytes());
        let _ = write!(self.buf, "{crc:04X}");
        self.buf
    }
}

fn push_tlv(out: &mut String, tag: u8, value: &str) -> Result<(), QrError> {
    if tag > 99 {
        return Err(QrError::InvalidField {
            tag: tag.to_string(),
            reason: "a tag is two digits",
        });
    }
    let chars = value.chars().count();
    if chars > MAX_VALUE_CHARS {
        return Err(invalid(tag, "longer than 99 characters"));
    }
    let _ = write!(out, "{tag:02}{chars:02}");
    out.push_str(value);
    Ok(())
}

/// Encodes `000201`, the given primitive data objects in order, and the CRC.
pub fn encode(fields: &[(u8, &str)]) -> Result<String, QrError> {
    let mut b = Builder::new();
    for &(tag, value) in fields {
        b.field(tag, value)?;
    }
    Ok(b.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_check_value() {
        assert_eq!(crc16(b"123456789"), 0x29B1);
        assert_eq!(crc16(b""), 0xFFFF);
    }

    #[test]
    fn control_characters() {
        for (s, want) in [
            ("abc", false),
            ("北京", false),
            ("a\nb", true),
            ("\u{7f}", true),
            ("\u{85}", true),
            ("\u{a0}", false),
            ("é", false),
        ] {
            assert_eq!(has_control(s), want, "{s:?}");
            assert_eq!(s.chars().any(char::is_control), want, "{s:?}");
        }
    }

    #[test]
    fn lengths_count_characters() {
        let objs: Vec<_> = tlvs("0104最佳运输0202北京")
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(objs.len(), 2);
        assert_eq!(objs[0].value, "最佳运输");
        assert_eq!(objs[1].value, "北京");
        assert_eq!(objs[1].offset, 4 + 12);
    }

    #[test]
    fn framing_errors() {
        let err = |s: &str| tlvs(s).find_map(Result::err).unwrap();
        assert!(matches!(
            err("000"),
            QrError::MalformedTlv {
                offset: 0,
                reason: "truncated data object header"
            }
        ));
        assert!(matches!(
            err("0002ab0105abc"),
            QrError::MalformedTlv { offset: 8, .. }
        ));
        assert!(matches!(
            err("AA01x"),
            QrError::MalformedTlv { offset: 0, .. }
        ));
        assert!(matches!(
            err("000Ax"),
            QrError::MalformedTlv { offset: 2, .. }
        ));
    }

    #[test]
    fn amounts() {
        for ok in ["98.73", "98", "98.", "0.9", ".5", "1234567890.12"] {
            assert!(is_amount_syntax(ok), "{ok}");
        }
        for bad in [
            "",
            ".",
            "98,73",
            "3 705",
            "1.2.3",
            "-1",
            "12345678901.23",
            "1e3",
        ] {
            assert!(!is_amount_syntax(bad), "{bad}");
        }
        assert_eq!(amount_minor("10.", 2), Some(1000));
        assert_eq!(amount_minor("0.9", 2), Some(90));
        assert_eq!(amount_minor("12.345", 2), None);
        assert_eq!(amount_minor("70001", 0), Some(70001));
        assert_eq!(amount_minor("0", 2), Some(0));
    }

    #[test]
    fn builder_round_trip() {
        let mut b = Builder::new();
        b.field(1, "12").unwrap();
        b.template(26, &[(0, "com.example"), (1, "北京")]).unwrap();
        b.field(53, "156").unwrap();
        let s = b.finish();
        let m = parse(&s).unwrap();
        assert_eq!(m.sub(26, 1), Some("北京"));
        assert_eq!(m.encode().unwrap(), s);
        assert!(Builder::new().field(59, &"x".repeat(100)).is_err());
    }
}
