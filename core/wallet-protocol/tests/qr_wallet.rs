//! Our own codes: generation, and the strict checks a code claiming our template must pass.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use wallet_protocol::money::{Currency, Money};
use wallet_protocol::qr::emv::{self, Builder};
use wallet_protocol::qr::ours::reference_label;
use wallet_protocol::qr::{
    decode, decode_ignoring_crc, wallet_dynamic_payload, wallet_static_payload, QrError, QrKind,
    QrNetwork, WalletMerchant, WALLET_GUID,
};
use wallet_protocol::ErrorCode;

fn merchant(name: &str, city: &str) -> WalletMerchant {
    WalletMerchant {
        merchant_id: "mch_0123456789abcdef".to_owned(),
        name: name.to_owned(),
        city: city.to_owned(),
        mcc: "5812".to_owned(),
    }
}

#[test]
fn static_code() {
    let p = wallet_static_payload(&merchant("Lucky Noodles", "Beijing")).unwrap();
    assert_eq!(
        p,
        "00020101021126410013com.walletpay0120mch_0123456789abcdef5204581253031565802CN\
         5913Lucky Noodles6007Beijing6304"
            .to_owned()
            + &format!("{:04X}", emv::crc16(&p.as_bytes()[..p.len() - 4]))
    );
    let d = decode(&p).unwrap();
    assert_eq!(d.kind, QrKind::EmvcoMpm);
    assert_eq!(d.network, Some(QrNetwork::Wallet));
    assert!(d.payable);
    assert_eq!(d.valid_crc, Some(true));
    assert_eq!(d.point_of_initiation.as_deref(), Some("11"));
    assert_eq!(d.merchant_name.as_deref(), Some("Lucky Noodles"));
    assert_eq!(d.merchant_city.as_deref(), Some("Beijing"));
    assert_eq!(d.currency.as_deref(), Some("156"));
    assert_eq!(d.country.as_deref(), Some("CN"));
    assert_eq!(d.mcc.as_deref(), Some("5812"));
    assert_eq!(d.amount, None);
    let w = d.wallet.unwrap();
    assert_eq!(w.merchant_id, "mch_0123456789abcdef");
    assert_eq!(w.order_id, None);
    assert!(
        !d.templates.contains_key("64"),
        "ASCII names need no language template"
    );
}

#[test]
fn dynamic_code() {
    let order = "ord_0123456789abcdef0123456789abcdef"; // 36 characters, like the server's ids
    let p = wallet_dynamic_payload(
        &merchant("Lucky Noodles", "Beijing"),
        order,
        Money::cny(1250),
    )
    .unwrap();
    let d = decode(&p).unwrap();
    assert!(d.payable);
    assert_eq!(d.point_of_initiation.as_deref(), Some("12"));
    assert_eq!(d.amount.as_deref(), Some("12.50"));
    assert_eq!(d.amount_money(), Some(Money::cny(1250)));
    assert_eq!(d.wallet.as_ref().unwrap().order_id.as_deref(), Some(order));
    assert_eq!(d.templates["26"]["02"], order);
    // The spec caps the reference label at 25 characters: the order id's last 25.
    assert_eq!(
        d.templates["62"]["05"],
        "0123456789abcdef0123456789abcdef"[7..]
    );
    assert_eq!(reference_label(order).len(), 25);
    assert_eq!(reference_label("ord_short"), "ord_short");

    let short = wallet_dynamic_payload(&merchant("A", "B"), "o1", Money::cny(1)).unwrap();
    let d = decode(&short).unwrap();
    assert_eq!(d.amount.as_deref(), Some("0.01"));
    assert_eq!(d.templates["62"]["05"], "o1");
}

#[test]
fn chinese_names_count_characters_and_add_template_64() {
    let name = "老北京炸酱面馆（王府井店）"; // 13 characters, 39 UTF-8 bytes
    let p = wallet_static_payload(&merchant(name, "北京")).unwrap();
    assert!(p.contains(&format!("5913{name}")), "{p}");
    assert!(p.contains("6002北京"));
    let d = decode(&p).unwrap();
    assert!(d.payable);
    assert_eq!(d.merchant_name.as_deref(), Some(name));
    assert_eq!(d.templates["64"]["00"], "ZH");
    assert_eq!(d.templates["64"]["01"], name);
    assert_eq!(d.templates["64"]["02"], "北京");

    let name25: String = "餐".repeat(25);
    assert!(wallet_static_payload(&merchant(&name25, "上海")).is_ok());
    let err = wallet_static_payload(&merchant(&"餐".repeat(26), "上海")).unwrap_err();
    assert_eq!(err.code(), ErrorCode::QrInvalidField);
    let err = wallet_static_payload(&merchant("店", &"城".repeat(16))).unwrap_err();
    assert_eq!(
        err,
        QrError::InvalidField {
            tag: "60".into(),
            reason: "the merchant city must be 1 to 15 characters"
        }
    );
}

#[test]
fn generation_errors() {
    let m = merchant("Shop", "City");
    let field = |r: Result<String, QrError>| match r.unwrap_err() {
        QrError::InvalidField { tag, .. } => tag,
        other => panic!("{other:?}"),
    };
    let mut bad = m.clone();
    bad.mcc = "58A2".into();
    assert_eq!(field(wallet_static_payload(&bad)), "52");
    bad.mcc = "581".into();
    assert_eq!(field(wallet_static_payload(&bad)), "52");
    let mut bad = m.clone();
    bad.name = "x".repeat(26);
    assert_eq!(field(wallet_static_payload(&bad)), "59");
    bad.name = "  ".into();
    assert_eq!(field(wallet_static_payload(&bad)), "59");
    bad.name = "a\nb".into();
    assert_eq!(field(wallet_static_payload(&bad)), "59");
    let mut bad = m.clone();
    bad.merchant_id = "has space".into();
    assert_eq!(field(wallet_static_payload(&bad)), "26/01");
    bad.merchant_id = String::new();
    assert_eq!(field(wallet_static_payload(&bad)), "26/01");
    bad.merchant_id = "m".repeat(80);
    assert_eq!(
        field(wallet_static_payload(&bad)),
        "26",
        "26 would exceed 99 characters"
    );
    bad.merchant_id = "m".repeat(100);
    assert_eq!(field(wallet_static_payload(&bad)), "26/01");
    bad.merchant_id = "m".repeat(40);
    assert!(wallet_static_payload(&bad).is_ok());
    assert_eq!(
        field(wallet_dynamic_payload(&bad, &"o".repeat(40), Money::cny(1))),
        "26",
        "26 would exceed 99 characters"
    );
    assert_eq!(
        field(wallet_dynamic_payload(
            &m,
            "o1",
            Money::new(100, Currency::Usd)
        )),
        "53"
    );
    assert_eq!(field(wallet_dynamic_payload(&m, "o1", Money::cny(0))), "54");
    assert_eq!(
        field(wallet_dynamic_payload(&m, "o1", Money::cny(-5))),
        "54"
    );
    assert_eq!(
        field(wallet_dynamic_payload(
            &m,
            "o1",
            Money::cny(100_000_000_000_000)
        )),
        "54"
    );
    assert!(wallet_dynamic_payload(&m, "o1", Money::cny(99_999_999_999)).is_ok());
    assert_eq!(
        field(wallet_dynamic_payload(&m, "", Money::cny(1))),
        "26/02"
    );
}

/// A code of ours built field by field, so single rules can be broken with a valid CRC.
fn ours(fields: &[(u8, &str)], t26: &[(u8, &str)], t62: Option<&[(u8, &str)]>) -> String {
    let mut b = Builder::new();
    for &(tag, v) in fields.iter().filter(|f| f.0 < 26) {
        b.field(tag, v).unwrap();
    }
    b.template(26, t26).unwrap();
    for &(tag, v) in fields.iter().filter(|f| f.0 > 26) {
        if tag == 62 {
            continue;
        }
        b.field(tag, v).unwrap();
    }
    if let Some(t62) = t62 {
        b.template(62, t62).unwrap();
    }
    b.finish()
}

const BASE: &[(u8, &str)] = &[
    (1, "12"),
    (52, "5812"),
    (53, "156"),
    (54, "12.50"),
    (58, "CN"),
    (59, "Shop"),
    (60, "City"),
];
const T26: &[(u8, &str)] = &[(0, WALLET_GUID), (1, "m1"), (2, "o1")];
const T62: Option<&[(u8, &str)]> = Some(&[(5, "o1")]);

fn with(tag: u8, value: Option<&'static str>) -> Vec<(u8, &'static str)> {
    let mut out: Vec<_> = BASE.iter().copied().filter(|f| f.0 != tag).collect();
    if let Some(v) = value {
        out.push((tag, v));
        out.sort_by_key(|f| f.0);
    }
    out
}

fn error_of(p: &str) -> (ErrorCode, String) {
    match decode(p) {
        Ok(d) => panic!("accepted: {d:?}"),
        Err(e) => (
            e.code(),
            match e {
                QrError::InvalidField { tag, .. } | QrError::MissingField { tag } => tag,
                other => other.to_string(),
            },
        ),
    }
}

#[test]
fn our_codes_are_checked_strictly() {
    use ErrorCode::{QrInvalidField as Invalid, QrMissingField as Missing};
    assert!(decode(&ours(BASE, T26, T62)).unwrap().payable);
    // Spec-valid amount forms are fine on ours too.
    for a in ["12.", "12", "12.5", "0.01"] {
        let d = decode(&ours(&with(54, Some(a)), T26, T62)).unwrap();
        assert!(d.payable, "{a}");
    }
    let cases: Vec<(String, ErrorCode, &str)> = vec![
        (ours(&with(54, Some("0")), T26, T62), Invalid, "54"),
        (ours(&with(54, Some("0.00")), T26, T62), Invalid, "54"),
        (ours(&with(54, Some("1.234")), T26, T62), Invalid, "54"),
        (ours(&with(54, None), T26, T62), Missing, "54"),
        (
            ours(&with(60, Some("Sao Joao del Rei")), T26, T62),
            Invalid,
            "60",
        ),
        (
            ours(&with(59, Some("xxxxxxxxxxxxxxxxxxxxxxxxxx")), T26, T62),
            Invalid,
            "59",
        ),
        (ours(&with(59, Some("")), T26, T62), Invalid, "59"),
        (ours(&with(60, None), T26, T62), Missing, "60"),
        (ours(&with(52, None), T26, T62), Missing, "52"),
        (ours(&with(53, Some("840")), T26, T62), Invalid, "53"),
        (ours(&with(58, Some("US")), T26, T62), Invalid, "58"),
        (ours(&with(1, None), T26, T62), Missing, "01"),
        (ours(&with(55, Some("01")), T26, T62), Invalid, "55"),
        (
            ours(&with(61, Some("12345678901")), T26, T62),
            Invalid,
            "61",
        ),
        (
            ours(BASE, &[(0, WALLET_GUID), (1, "m1")], T62),
            Missing,
            "26/02",
        ),
        (
            ours(BASE, &[(0, WALLET_GUID), (2, "o1")], T62),
            Missing,
            "26/01",
        ),
        (
            ours(BASE, &[(0, WALLET_GUID), (1, "m 1"), (2, "o1")], T62),
            Invalid,
            "26/01",
        ),
        (
            ours(
                BASE,
                &[(0, WALLET_GUID), (1, "m1"), (2, "o1"), (3, "x")],
                T62,
            ),
            Invalid,
            "26/03",
        ),
        (ours(BASE, T26, None), Missing, "62/05"),
        (ours(BASE, T26, Some(&[(5, "o2")])), Invalid, "62/05"),
        (
            ours(BASE, T26, Some(&[(5, "o1"), (1, "")])),
            Invalid,
            "62/01",
        ),
        // Static codes: no amount, no order.
        (ours(&with(1, Some("11")), &T26[..2], None), Invalid, "54"),
        (
            ours(
                &with(1, Some("11"))
                    .into_iter()
                    .filter(|f| f.0 != 54)
                    .collect::<Vec<_>>(),
                T26,
                None,
            ),
            Invalid,
            "26/02",
        ),
    ];
    for (p, code, tag) in cases {
        assert_eq!(error_of(&p), (code, tag.to_owned()), "{p}");
    }
    // Our GUID elsewhere than 26 is refused, whatever else the code is.
    let mut b = Builder::new();
    b.field(1, "11").unwrap();
    b.template(27, &[(0, WALLET_GUID), (1, "m1")]).unwrap();
    b.field(53, "156").unwrap();
    assert_eq!(error_of(&b.finish()), (Invalid, "27".to_owned()));
    // Over 512 characters.
    let mut b = Builder::new();
    for &(tag, v) in &with(1, Some("11")) {
        if tag == 54 {
            continue;
        }
        if tag == 52 {
            b.template(26, &T26[..2]).unwrap();
        }
        b.field(tag, v).unwrap();
    }
    for tag in 80..86 {
        b.template(tag, &[(0, &"x".repeat(95))]).unwrap();
    }
    assert_eq!(error_of(&b.finish()), (Invalid, "payload".to_owned()));
    // GUID case does not matter (reverse domain names are case-insensitive).
    let upper = ours(BASE, &[(0, "COM.WALLETPAY"), (1, "m1"), (2, "o1")], T62);
    assert!(decode(&upper).unwrap().payable);
}

#[test]
fn damaged_codes_are_never_payable() {
    let p = wallet_dynamic_payload(&merchant("Shop", "City"), "o1", Money::cny(100)).unwrap();
    let tampered = p.replace("54041.00", "54049.00");
    let err = decode(&tampered).unwrap_err();
    assert_eq!(err.code(), ErrorCode::QrCrcMismatch);
    let d = decode_ignoring_crc(&tampered).unwrap();
    assert_eq!(d.valid_crc, Some(false));
    assert_eq!(d.network, Some(QrNetwork::Wallet));
    assert!(!d.payable);
    // Lower-case CRC hex is the same checksum.
    let lower = format!(
        "{}{}",
        &p[..p.len() - 4],
        p[p.len() - 4..].to_ascii_lowercase()
    );
    assert!(decode(&lower).unwrap().payable);
    // Surrounding whitespace (a scanner's newline) is ignored.
    assert!(decode(&format!("{p}\r\n")).unwrap().payable);
    // Missing CRC.
    let no_crc = &p[..p.len() - 8];
    assert_eq!(
        decode(no_crc).unwrap_err().code(),
        ErrorCode::QrMissingField
    );
    assert!(!decode_ignoring_crc(no_crc).unwrap().payable);
}
