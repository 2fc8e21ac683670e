//! Runs every QR vector in `tests/fixtures/{emvco_mpm,cpm,upi}.jsonl` (copied from the shared
//! public vectors; each record keeps its `source*` fields) against its `expect`.
//!
//! Records the sources mark as errors (an `error` field or `valid_crc: false`) must be listed in
//! `MPM_DECISIONS` / `CPM_DECISIONS` with what we do and why: the error code we give, or the
//! reason we deliberately accept the payload (docs/qr.md). Nothing is skipped: an unlisted error
//! record, or a listed one that no longer exists, fails the test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use serde_json::Value;
use wallet_protocol::qr::{cpm, decode, decode_ignoring_crc, emv, DecodedQr, QrKind, QrNetwork};
use wallet_protocol::ErrorCode;

const MPM: &str = include_str!("fixtures/emvco_mpm.jsonl");
const CPM: &str = include_str!("fixtures/cpm.jsonl");
const UPI: &str = include_str!("fixtures/upi.jsonl");

fn records(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// What we do with a record a source marks as an error.
#[derive(Debug, Clone, Copy)]
enum Outcome {
    /// `decode` fails with this code. For CRC errors, `decode_ignoring_crc` must still give
    /// the record's expected fields.
    Error(ErrorCode),
    /// We decode it (a foreign code: named, never paid) and check every expected field.
    Accepted(&'static str),
    /// Not an EMVCo payload by our classification: returned as text.
    Text(&'static str),
}

/// Key: `source_path:source_line`.
const MPM_DECISIONS: &[(&str, Outcome)] = &[
    (
        "tests/crc.test.ts:13",
        Outcome::Error(ErrorCode::QrCrcMismatch),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:422",
        Outcome::Accepted(
            "513 characters: the spec's 512 limit is enforced on our own codes only; for a \
             foreign code naming the network beats an error, and nothing foreign is paid",
        ),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:429",
        Outcome::Accepted(
            "26-character merchant name: length limits of 59/60 are enforced on our own codes \
             only; the value is unambiguous and shown as is",
        ),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:442",
        Outcome::Accepted(
            "non-ASCII city: lengths count characters and UTF-8 is accepted in 59/60 (our own \
             Chinese merchant names need it); the CRC is valid",
        ),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:451",
        Outcome::Accepted(
            "emoji in 62/05: one character counted as one, CRC over UTF-8 is valid; the \
             character set is not enforced on foreign codes",
        ),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:461",
        Outcome::Accepted(
            "Pix-internal rule (26/25 URL without protocol): we do not validate another \
             network's template contents, only its framing",
        ),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:52",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:53",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    // The source expects a CRC error, but there is no `6304` to check: the length of tag 00
    // is not digits, which is what we report.
    (
        "test/ex_pix_brcode/decoder_test.exs:64",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "test/ex_pix_brcode/decoder_test.exs:73",
        Outcome::Text(
            "starts with tag 42, not the mandatory 00: not an EMVCo payload, so it is shown as \
             text (never opened, never paid) rather than reported as a damaged code",
        ),
    ),
    (
        "src/test/java/com/emv/qrcode/decoder/mpm/MerchantPresentedModeDecoderTest.java:277",
        Outcome::Accepted(
            "missing 60 (city): mandatory-tag rules are enforced on our own codes only; a \
             foreign code without a city is still named",
        ),
    ),
    (
        "src/test/java/com/emv/qrcode/decoder/mpm/MerchantPresentedModeDecoderTest.java:278",
        Outcome::Accepted("16-character city: length limits are enforced on our own codes only"),
    ),
    (
        "src/test/java/com/emv/qrcode/decoder/mpm/DecoderMpmTest.java:52",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java:78",
        Outcome::Error(ErrorCode::QrCrcMismatch),
    ),
    (
        "src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java:42",
        Outcome::Error(ErrorCode::QrMissingField),
    ),
    (
        "src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java:54",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java:66",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java:90",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "src/test/java/com/emv/qrcode/decoder/mpm/MerchantPresentedModeDecoderTest.java:261",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "src/test/java/com/emv/qrcode/decoder/mpm/MerchantPresentedModeDecoderTest.java:267",
        Outcome::Error(ErrorCode::QrMalformedTlv),
    ),
    (
        "tests/MerchantPayloadTest.php:178",
        Outcome::Error(ErrorCode::QrCrcMismatch),
    ),
    (
        "emvqr_test.go:187",
        Outcome::Error(ErrorCode::QrCrcMismatch),
    ),
    (
        "tests/generate.test.ts:26",
        Outcome::Accepted("30-character city: length limits are enforced on our own codes only"),
    ),
];

/// Records whose network we name differently from the source's `scheme` label, and why.
const NETWORK_DEVIATIONS: &[(&str, QrNetwork, &str)] = &[(
    "emvqr_test.go:141",
    QrNetwork::Unknown,
    "labelled vietqr by its source, but its template is 26 with A000000775 (VNPAY), not \
     NAPAS's A000000727 in 38 that defines VietQR",
)];

fn key(r: &Value) -> String {
    format!(
        "{}:{}",
        r["source_path"].as_str().unwrap_or(""),
        r["source_line"].as_u64().unwrap_or(0)
    )
}

fn expected_network(r: &Value) -> QrNetwork {
    let k = key(r);
    if let Some((_, n, _)) = NETWORK_DEVIATIONS.iter().find(|(kk, _, _)| *kk == k) {
        return *n;
    }
    match r["scheme"].as_str().unwrap() {
        "pix" => QrNetwork::Pix,
        "promptpay" => QrNetwork::Promptpay,
        "vietqr" => QrNetwork::Vietqr,
        "sgqr" => QrNetwork::Sgqr,
        "paynow" => QrNetwork::Paynow,
        "qris" => QrNetwork::Qris,
        // An SGQR label (51 SG.SGQR) names the code SGQR; PayNow alone is PayNow.
        "sgqr/paynow" if r["templates"].get("51").is_some() => QrNetwork::Sgqr,
        "sgqr/paynow" => QrNetwork::Paynow,
        // D156… application ids are not UnionPay's registered A000000333 and there is no
        // tag 15: by our rules an unnamed EMVCo network.
        "emvco-spec-example/unionpay" => QrNetwork::Unknown,
        "generic" | "generic(AR)" | "qrph" | "qrph-p2p" => QrNetwork::Unknown,
        other => panic!("unmapped scheme {other:?}: decide and document it here"),
    }
}

fn opt(v: &Value) -> Option<String> {
    v.as_str().map(str::to_owned)
}

fn expected_templates(r: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    match &r["templates"] {
        Value::Null => BTreeMap::new(),
        t => serde_json::from_value(t.clone()).unwrap(),
    }
}

/// Checks every `expect` field and the templates.
fn check_fields(k: &str, r: &Value, d: &DecodedQr, valid_crc: Option<bool>) {
    let e = &r["expect"];
    assert_eq!(d.kind, QrKind::EmvcoMpm, "{k}");
    assert_eq!(d.valid_crc, valid_crc, "{k}: valid_crc");
    assert_eq!(
        d.merchant_name,
        opt(&e["merchant_name"]),
        "{k}: merchant_name"
    );
    assert_eq!(
        d.merchant_city,
        opt(&e["merchant_city"]),
        "{k}: merchant_city"
    );
    assert_eq!(d.country, opt(&e["country"]), "{k}: country");
    assert_eq!(d.currency, opt(&e["currency"]), "{k}: currency");
    assert_eq!(d.amount, opt(&e["amount"]), "{k}: amount");
    assert_eq!(d.mcc, opt(&e["mcc"]), "{k}: mcc");
    assert_eq!(
        d.point_of_initiation,
        opt(&e["point_of_initiation"]),
        "{k}: point_of_initiation"
    );
    assert_eq!(d.templates, expected_templates(r), "{k}: templates");
    assert_eq!(d.network, Some(expected_network(r)), "{k}: network");
    assert_eq!(
        d.network_name.as_deref(),
        Some(expected_network(r).display_name()),
        "{k}"
    );
    assert!(!d.payable, "{k}: a foreign code is never payable");
    assert!(d.wallet.is_none(), "{k}");
}

#[test]
fn emvco_mpm_vectors() {
    let recs = records(MPM);
    assert_eq!(recs.len(), 93);
    let mut used = vec![false; MPM_DECISIONS.len()];
    let (mut ok, mut errors, mut accepted, mut text) = (0, 0, 0, 0);
    for r in &recs {
        let k = key(r);
        let payload = r["payload"].as_str().unwrap();
        let marked_error = r.get("error").is_some() || r["expect"]["valid_crc"] == false;
        let decision = MPM_DECISIONS.iter().position(|(kk, _)| *kk == k);
        if let Some(i) = decision {
            used[i] = true;
        }
        match (decision.map(|i| MPM_DECISIONS[i].1), marked_error) {
            (None, true) => panic!("{k} is marked as an error: decide and list it"),
            (Some(_), false) => panic!("{k} is listed but not marked as an error"),
            (None, false) => {
                let d = decode(payload).unwrap_or_else(|e| panic!("{k}: {e}"));
                check_fields(&k, r, &d, Some(true));
                ok += 1;
            }
            (Some(Outcome::Accepted(reason)), true) => {
                let d = decode(payload).unwrap_or_else(|e| panic!("{k} ({reason}): {e}"));
                check_fields(&k, r, &d, Some(true));
                accepted += 1;
            }
            (Some(Outcome::Text(reason)), true) => {
                let d = decode(payload).unwrap();
                assert_eq!(d.kind, QrKind::Text, "{k}: {reason}");
                assert_eq!(d.text.as_deref(), Some(payload), "{k}");
                text += 1;
            }
            (Some(Outcome::Error(code)), true) => {
                let err = decode(payload).expect_err(&k);
                assert_eq!(err.code(), code, "{k}: {err}");
                // A CRC error still lets a tester see what the damaged code says.
                match code {
                    ErrorCode::QrCrcMismatch => {
                        let d = decode_ignoring_crc(payload).unwrap();
                        check_fields(&k, r, &d, Some(false));
                    }
                    ErrorCode::QrMissingField => {
                        assert_eq!(err.to_string(), "required tag 63 is missing", "{k}");
                        let d = decode_ignoring_crc(payload).unwrap();
                        check_fields(&k, r, &d, None);
                    }
                    _ => {
                        // Nothing to read: the source expects no fields either.
                        if r["expect"]["merchant_name"].is_string() {
                            assert!(
                                r.get("decode_issues").is_some() || r.get("error").is_some(),
                                "{k}"
                            );
                        }
                        assert_eq!(
                            decode_ignoring_crc(payload).unwrap_err().code(),
                            code,
                            "{k}: framing errors do not depend on the CRC"
                        );
                    }
                }
                errors += 1;
            }
        }
    }
    for (i, u) in used.iter().enumerate() {
        assert!(u, "decision for {} matches no record", MPM_DECISIONS[i].0);
    }
    assert_eq!(ok + errors + accepted + text, 93);
    assert_eq!((errors, accepted, text), (14, 8, 1));
}

#[test]
fn emvco_mpm_specific_errors() {
    let by_key = |k: &str| {
        records(MPM)
            .into_iter()
            .find(|r| key(r) == k)
            .unwrap_or_else(|| panic!("{k}"))["payload"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let err = |k: &str| decode(&by_key(k)).unwrap_err().to_string();
    assert_eq!(
        err("src/test/java/com/emv/qrcode/decoder/mpm/MerchantPresentedModeDecoderTest.java:261"),
        "malformed TLV at byte 47: duplicate tag"
    );
    assert_eq!(
        err("src/test/java/com/emv/qrcode/decoder/mpm/MerchantPresentedModeDecoderTest.java:267"),
        "malformed TLV at byte 40: tag is not two digits"
    );
    assert_eq!(
        err("src/test/java/com/emv/qrcode/validators/Crc16ValidatorTest.java:78"),
        "CRC mismatch: payload says XXXX, computed 6325"
    );
    assert_eq!(
        err("tests/crc.test.ts:13"),
        "CRC mismatch: payload says ABCD, computed 42C5"
    );
    assert!(
        err("src/test/java/com/emv/qrcode/decoder/mpm/DecoderMpmTest.java:52")
            .contains("malformed TLV")
    );
    assert_eq!(
        err("test/ex_pix_brcode/decoder_test.exs:52"),
        "malformed TLV at byte 2: length is not two digits"
    );
}

/// Our lenient-case decisions, asserted on the vectors that exhibit them.
#[test]
fn lenient_cases_on_foreign_codes() {
    let recs = records(MPM);
    let amount_of = |a: &str| {
        recs.iter()
            .find(|r| r["expect"]["amount"] == a && r.get("error").is_none())
            .map(|r| decode(r["payload"].as_str().unwrap()).unwrap())
            .unwrap_or_else(|| panic!("no vector with amount {a}"))
    };
    // EMVCo 4.7.4.1 allows "98." and "98"; "0.9" has fewer decimals than BRL's two.
    for a in ["10.", "0.9", "100", "10"] {
        let d = amount_of(a);
        assert_eq!(d.amount.as_deref(), Some(a));
        assert_eq!(d.network, Some(QrNetwork::Pix));
    }
    assert_eq!(emv::amount_minor("10.", 2), Some(1000));
    assert_eq!(emv::amount_minor("0.9", 2), Some(90));
    assert_eq!(
        amount_of("10.").amount_money(),
        None,
        "BRL is not a wallet currency"
    );
    // Zero-length 59 and 62/01 (PayNow generator): shown as empty, never an error.
    let d = decode(
        "00020101021226430009SG.PAYNOW010100204+65003010040820380119520400005303702540105802SG59006009Singapore620401006304DFED",
    )
    .unwrap();
    assert_eq!(d.merchant_name.as_deref(), Some(""));
    assert_eq!(d.templates["62"]["01"], "");
    assert_eq!(d.amount.as_deref(), Some("0"));
    // VietQR: beneficiary nested in 38/01, service code at 38/02 (NAPAS layout).
    let d = decode(
        "00020101021138560010A0000007270126000697041501121133666688880208QRIBFTTA54057000153037045802VN6304ED54",
    )
    .unwrap();
    assert_eq!(d.network, Some(QrNetwork::Vietqr));
    assert_eq!(d.templates["38/01"]["00"], "970415");
    assert_eq!(d.templates["38"]["02"], "QRIBFTTA");
}

/// Both VietQR layouts are VietQR: service code at 38/02 (NAPAS) or inside 38/01; a 38/01 that
/// is not a template is shown only raw.
#[test]
fn vietqr_layouts() {
    use wallet_protocol::qr::emv::Builder;
    let build = |sub01: &str, sub02: Option<&str>| {
        let mut subs = vec![(0, "A000000727"), (1, sub01)];
        if let Some(s) = sub02 {
            subs.push((2, s));
        }
        let mut b = Builder::new();
        b.field(1, "12").unwrap();
        b.template(38, &subs).unwrap();
        b.field(53, "704").unwrap();
        b.field(58, "VN").unwrap();
        decode(&b.finish()).unwrap()
    };
    // NAPAS: 38/01 = {00 BIN, 01 account}, 38/02 = service code.
    let d = build("00069704150112113366668888", Some("QRIBFTTA"));
    assert_eq!(d.network, Some(QrNetwork::Vietqr));
    assert_eq!(d.templates["38/01"]["01"], "113366668888");
    assert_eq!(d.templates["38"]["02"], "QRIBFTTA");
    // Other libraries: the service code inside 38/01.
    let d = build("000697041501121133666688880208QRIBFTTA", None);
    assert_eq!(d.network, Some(QrNetwork::Vietqr));
    assert_eq!(d.templates["38/01"]["02"], "QRIBFTTA");
    assert!(!d.templates["38"].contains_key("02"));
    // 38/01 that is not a template: still VietQR, no nested view.
    let d = build("9704150112", Some("QRIBFTTA"));
    assert_eq!(d.network, Some(QrNetwork::Vietqr));
    assert!(!d.templates.contains_key("38/01"));
}

/// Lengths are characters: a payload whose lengths count UTF-8 bytes (one VietQR library) is
/// not silently re-read another way.
#[test]
fn byte_counted_lengths_are_refused() {
    use wallet_protocol::qr::emv::crc16;
    // 59 "Café" counted as 5 bytes instead of 4 characters.
    let body = "0002010102115204000053037045802VN5905Café6005HANOI6304";
    let payload = format!("{body}{:04X}", crc16(body.as_bytes()));
    let err = decode(&payload).unwrap_err();
    assert_eq!(err.code(), ErrorCode::QrMalformedTlv, "{err}");
}

#[derive(Debug, Clone, Copy)]
enum CpmOutcome {
    Error(ErrorCode),
}

const CPM_DECISIONS: &[(&str, CpmOutcome)] = &[
    (
        "src/test/java/com/emv/qrcode/validators/ConsumerPresentedModeValidateTest.java:54",
        CpmOutcome::Error(ErrorCode::QrInvalidField),
    ),
    (
        "src/test/java/com/emv/qrcode/decoder/cpm/ConsumerPresentedModeDecoderTest.java:90",
        CpmOutcome::Error(ErrorCode::QrMalformedTlv),
    ),
];

#[test]
fn cpm_vectors() {
    let recs = records(CPM);
    assert_eq!(recs.len(), 6);
    let mut errors = 0;
    for r in &recs {
        let k = key(r);
        let b64 = r["payload_base64"].as_str().unwrap();
        let hex_bytes = hex::decode(r["payload_hex"].as_str().unwrap()).unwrap();
        let decision = CPM_DECISIONS.iter().find(|(kk, _)| *kk == k).map(|d| d.1);
        match (decision, r.get("error").is_some()) {
            (None, true) => panic!("{k} is marked as an error: decide and list it"),
            (Some(_), false) => panic!("{k} is listed but not an error"),
            (Some(CpmOutcome::Error(code)), true) => {
                assert_eq!(decode(b64).unwrap_err().code(), code, "{k}");
                assert_eq!(cpm::parse(&hex_bytes).unwrap_err().code(), code, "{k}");
                errors += 1;
            }
            (None, false) => {
                let d = decode(b64).unwrap_or_else(|e| panic!("{k}: {e}"));
                assert_eq!(d.kind, QrKind::EmvcoCpm, "{k}");
                assert!(!d.payable, "{k}");
                let parsed = cpm::parse(&hex_bytes).unwrap();
                let tags: Vec<&str> = r["expect"]["top_level_tags"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| t.as_str().unwrap())
                    .collect();
                assert_eq!(parsed.top_level_tags(), tags, "{k}");
                assert_eq!(parsed.objects[0].value, b"CPV01", "{k}");
                let aids: Vec<String> = r["decoded"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|o| o["tag"] == "61")
                    .map(|o| {
                        o["children"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .find(|c| c["tag"] == "4F")
                            .unwrap()["hex"]
                            .as_str()
                            .unwrap()
                            .to_owned()
                    })
                    .collect();
                let unionpay = aids.iter().any(|a| a.starts_with("A000000333"));
                assert_eq!(
                    d.network,
                    Some(if unionpay {
                        QrNetwork::Unionpay
                    } else {
                        QrNetwork::Unknown
                    }),
                    "{k}"
                );
                for (i, aid) in aids.iter().enumerate() {
                    assert_eq!(&d.templates[&format!("61[{i}]")]["4F"], aid, "{k}");
                }
                // No card data in the output: PAN, track 2, cardholder name.
                let json = serde_json::to_string(&d).unwrap();
                for secret in ["1234567890123458", "6263600100713672", "CARDHOLDER"] {
                    assert!(!json.contains(secret), "{k}: leaks {secret}");
                }
            }
        }
    }
    assert_eq!(errors, CPM_DECISIONS.len());
}

#[test]
fn upi_vectors() {
    let recs = records(UPI);
    assert_eq!(recs.len(), 15);
    for r in &recs {
        let k = key(r);
        let uri = r["uri"].as_str().unwrap();
        let d = decode(uri).unwrap_or_else(|e| panic!("{k}: {e}"));
        assert_eq!(d.kind, QrKind::Upi, "{k}");
        assert_eq!(d.network, None, "{k}");
        assert!(!d.payable, "{k}");
        assert_eq!(d.text.as_deref(), Some(uri), "{k}");
        let params = d.upi.as_ref().unwrap();
        // Every expected field, exactly.
        for (name, want) in r["expect"].as_object().unwrap() {
            assert_eq!(
                params.get(name).map(String::as_str),
                want.as_str(),
                "{k}: {name}"
            );
        }
        // `+` is a space (form encoding): where the sources disagree we follow
        // decoded_form_urlencoded, and nothing beyond it is invented.
        let form: BTreeMap<String, String> =
            serde_json::from_value(r["decoded_form_urlencoded"].clone()).unwrap();
        for (name, value) in params {
            if name == "account_alias" {
                continue;
            }
            assert_eq!(form.get(name), Some(value), "{k}: {name}");
        }
        assert_eq!(
            params.len(),
            form.len() + usize::from(params.contains_key("account_alias"))
        );
        let am = r["expect"].get("am").or(r["expect"].get("amount"));
        assert_eq!(
            d.amount.as_deref(),
            am.and_then(Value::as_str),
            "{k}: amount"
        );
    }
}

#[test]
fn links_and_text_never_fail() {
    let cases = [
        (
            "https://qr.alipay.com/fkx18342bqrtz5pbb8kxx3d",
            QrKind::Alipay,
        ),
        (
            "HTTPS://QR.ALIPAY.COM/FKX18342BQRTZ5PBB8KXX3D",
            QrKind::Alipay,
        ),
        (
            "alipays://platformapi/startapp?saId=10000007",
            QrKind::Alipay,
        ),
        (
            "alipay://platformapi/startapp?saId=10000007",
            QrKind::Alipay,
        ),
        ("wxp://f2f0dd0d1d1b0d5e1e1b2c2f", QrKind::Wechat),
        ("weixin://wxpay/bizpayurl?pr=abc123", QrKind::Wechat),
        ("https://wx.tenpay.com/f2f?t=AQAAAB", QrKind::Wechat),
        ("https://qr.alipay.com@phish.example/x", QrKind::Url),
        ("https://example.com/pay?x=1", QrKind::Url),
        ("just some words", QrKind::Text),
        ("421337BF8A", QrKind::Text),
        ("   ", QrKind::Text),
    ];
    for (payload, kind) in cases {
        if payload.trim().is_empty() {
            assert_eq!(decode(payload).unwrap_err().code(), ErrorCode::QrEmpty);
            continue;
        }
        let d = decode(payload).unwrap();
        assert_eq!(d.kind, kind, "{payload}");
        assert_eq!(d.text.as_deref(), Some(payload));
        assert!(!d.payable);
        assert_eq!(d.valid_crc, None);
    }
    assert_eq!(decode("").unwrap_err().code(), ErrorCode::QrEmpty);
}
