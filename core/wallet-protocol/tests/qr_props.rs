//! Property tests of the QR codec: generate → decode round trips (our codes and arbitrary
//! EMVCo payloads, CJK included), and the fuzz target's body (`qr::selfcheck`) on mutated,
//! truncated and arbitrary input, so CI covers what `fuzz/` runs.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use proptest::sample::select;
use wallet_protocol::money::Money;
use wallet_protocol::qr::emv::{self, Builder};
use wallet_protocol::qr::{
    decode, selfcheck, wallet_dynamic_payload, wallet_static_payload, QrKind, QrNetwork,
    WalletMerchant,
};

const MPM_FIXTURE: &str = include_str!("fixtures/emvco_mpm.jsonl");

/// Printable ASCII, CJK, other scripts and emoji: never a control character.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => (0x20u32..0x7F).prop_map(|c| char::from_u32(c).unwrap()),
        3 => (0x4E00u32..0x9FFF).prop_map(|c| char::from_u32(c).unwrap()),
        1 => any::<char>().prop_filter("no control characters", |c| !c.is_control()),
    ]
}

fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    vec(text_char(), min..=max).prop_map(|v| v.into_iter().collect())
}

fn id() -> impl Strategy<Value = String> {
    "[A-Za-z0-9_-]{1,30}"
}

fn merchant() -> impl Strategy<Value = WalletMerchant> {
    (
        id(),
        text(1, 25).prop_filter("not blank", |s| !s.trim().is_empty()),
        text(1, 15).prop_filter("not blank", |s| !s.trim().is_empty()),
        "[0-9]{4}",
    )
        .prop_map(|(merchant_id, name, city, mcc)| WalletMerchant {
            merchant_id,
            name,
            city,
            mcc,
        })
}

fn seeds() -> Vec<String> {
    let mut out: Vec<String> = MPM_FIXTURE
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|r| r["payload"].as_str().map(str::to_owned))
        .collect();
    let m = WalletMerchant {
        merchant_id: "mch_0123456789abcdef".into(),
        name: "老北京炸酱面".into(),
        city: "北京".into(),
        mcc: "5812".into(),
    };
    out.push(wallet_static_payload(&m).unwrap());
    out.push(wallet_dynamic_payload(&m, "ord_42", Money::cny(1250)).unwrap());
    out.push("upi://pay?pa=a@b&pn=A+B&am=1".into());
    out.push("hQVDUFYwMWEaTwegAAAAVVVVVw8SNFZ4kBI0WNGRIgESNF8=".into());
    out
}

#[derive(Debug, Clone)]
enum Mutation {
    Flip { at: usize, mask: u8 },
    Delete { at: usize, len: usize },
    Insert { at: usize, bytes: Vec<u8> },
    Truncate { at: usize },
    Swap { a: usize, b: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1u8..=255).prop_map(|(at, mask)| Mutation::Flip { at, mask }),
        (any::<usize>(), 1usize..8).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (
            any::<usize>(),
            prop_oneof![
                vec(any::<u8>(), 1..6),
                select(vec![
                    b"00".to_vec(),
                    b"6304".to_vec(),
                    b"99".to_vec(),
                    "北".as_bytes().to_vec(),
                ]),
            ]
        )
            .prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap { a, b }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len().max(1);
    match m {
        Mutation::Flip { at, mask } => {
            if let Some(b) = bytes.get_mut(at % n) {
                *b ^= mask;
            }
        }
        Mutation::Delete { at, len } => {
            let start = at % n;
            let end = (start + len).min(bytes.len());
            if start < end {
                bytes.drain(start..end);
            }
        }
        Mutation::Insert { at, bytes: ins } => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, ins.iter().copied());
        }
        Mutation::Truncate { at } => bytes.truncate(at % n),
        Mutation::Swap { a, b } => {
            if !bytes.is_empty() {
                let (a, b) = (a % bytes.len(), b % bytes.len());
                bytes.swap(a, b);
            }
        }
    }
}

/// An arbitrary well-formed foreign EMVCo payload and what it holds.
#[derive(Debug, Clone)]
struct Generated {
    primitives: BTreeMap<u8, String>,
    templates: BTreeMap<u8, BTreeMap<u8, String>>,
}

fn sub_fields(max_subs: usize) -> impl Strategy<Value = BTreeMap<u8, String>> {
    btree_map(1u8..=99, text(0, 15), 0..=max_subs)
}

fn generated() -> impl Strategy<Value = Generated> {
    let primitives = (
        proptest::option::of(select(vec!["11", "12"])),
        proptest::option::of("[0-9]{4}"),
        proptest::option::of("[0-9]{3}"),
        proptest::option::of("[0-9]{1,10}(\\.[0-9]{0,2})?"),
        proptest::option::of("[A-Z]{2}"),
        proptest::option::of(text(0, 40)),
        proptest::option::of(text(0, 40)),
        proptest::option::of(text(0, 10)),
        btree_map(2u8..=25, "[A-Za-z0-9]{0,20}", 0..3),
        btree_map(65u8..=79, text(0, 10), 0..2),
    )
        .prop_map(
            |(poi, mcc, cur, amount, country, name, city, postal, mais, rfu)| {
                let mut p = BTreeMap::new();
                let mut put = |t: u8, v: Option<String>| {
                    if let Some(v) = v {
                        p.insert(t, v);
                    }
                };
                put(1, poi.map(str::to_owned));
                put(52, mcc);
                put(53, cur);
                put(54, amount);
                put(58, country);
                put(59, name);
                put(60, city);
                put(61, postal);
                p.extend(mais);
                p.extend(rfu);
                p
            },
        );
    let template_tags = prop_oneof![27u8..=51, Just(62), Just(64), 80u8..=99];
    let templates = btree_map(template_tags, sub_fields(4), 0..5).prop_map(|mut ts| {
        for (tag, subs) in ts.iter_mut() {
            // A GUID that is never ours; 62/50–99 must be templates themselves: keep 62 to
            // its primitive sub-tags here.
            if (26..=51).contains(tag) || *tag >= 80 {
                subs.insert(0, "x.example.guid".to_owned());
            }
            if *tag == 62 {
                subs.retain(|s, _| *s < 50);
            }
        }
        ts
    });
    (primitives, templates).prop_map(|(primitives, templates)| Generated {
        primitives,
        templates,
    })
}

fn encode(g: &Generated) -> String {
    let mut fields: Vec<(u8, String)> = g.primitives.iter().map(|(t, v)| (*t, v.clone())).collect();
    for (tag, subs) in &g.templates {
        let mut inner = Builder::empty();
        for (s, v) in subs {
            inner.field(*s, v).unwrap();
        }
        fields.push((*tag, inner.as_str().to_owned()));
    }
    fields.sort_by_key(|f| f.0);
    let mut b = Builder::new();
    for (t, v) in &fields {
        b.field(*t, v).unwrap();
    }
    b.finish()
}

proptest! {
    #[test]
    fn our_codes_round_trip(m in merchant(), order in id(), minor in 1i64..=99_999_999_999) {
        let s = wallet_static_payload(&m).unwrap();
        let d = decode(&s).unwrap();
        prop_assert!(d.payable);
        prop_assert_eq!(d.network, Some(QrNetwork::Wallet));
        prop_assert_eq!(d.merchant_name.as_deref(), Some(m.name.as_str()));
        prop_assert_eq!(d.merchant_city.as_deref(), Some(m.city.as_str()));
        prop_assert_eq!(d.mcc.as_deref(), Some(m.mcc.as_str()));
        prop_assert_eq!(d.point_of_initiation.as_deref(), Some("11"));
        prop_assert_eq!(&d.wallet.as_ref().unwrap().merchant_id, &m.merchant_id);
        prop_assert_eq!(d.templates.contains_key("64"), !(m.name.is_ascii() && m.city.is_ascii()));
        selfcheck::check_str(&s);

        let p = wallet_dynamic_payload(&m, &order, Money::cny(minor)).unwrap();
        let d = decode(&p).unwrap();
        prop_assert!(d.payable);
        prop_assert_eq!(d.point_of_initiation.as_deref(), Some("12"));
        prop_assert_eq!(d.amount_money(), Some(Money::cny(minor)));
        prop_assert_eq!(d.amount, Some(Money::cny(minor).decimal()));
        prop_assert_eq!(d.wallet.unwrap().order_id, Some(order));
        selfcheck::check_str(&p);
    }

    #[test]
    fn arbitrary_payloads_round_trip(g in generated()) {
        let s = encode(&g);
        let d = decode(&s).unwrap();
        prop_assert_eq!(d.kind, QrKind::EmvcoMpm);
        prop_assert!(!d.payable);
        prop_assert_eq!(d.valid_crc, Some(true));
        for (tag, field) in [(1u8, &d.point_of_initiation), (52, &d.mcc), (53, &d.currency),
            (54, &d.amount), (58, &d.country), (59, &d.merchant_name), (60, &d.merchant_city)] {
            prop_assert_eq!(field.as_ref(), g.primitives.get(&tag), "tag {}", tag);
        }
        let want: BTreeMap<String, BTreeMap<String, String>> = g
            .templates
            .iter()
            .map(|(t, subs)| {
                (emv::tag_str(*t), subs.iter().map(|(s, v)| (emv::tag_str(*s), v.clone())).collect())
            })
            .collect();
        // A VietQR-looking 38 adds a nested view; generated GUIDs never are.
        prop_assert_eq!(&d.templates, &want);
        let m = emv::parse(&s).unwrap();
        for (t, v) in &g.primitives {
            prop_assert_eq!(m.get(*t), Some(v.as_str()));
        }
        prop_assert_eq!(m.encode().unwrap(), s.clone());
        selfcheck::check_str(&s);
    }

    #[test]
    fn mutated_payloads_never_panic(
        seed in select(seeds()),
        mutations in vec(mutation(), 1..4),
    ) {
        let mut bytes = seed.into_bytes();
        for m in &mutations {
            apply(&mut bytes, m);
        }
        selfcheck::check(&bytes);
    }

    #[test]
    fn truncations_never_panic(seed in select(seeds()), cut in any::<usize>()) {
        let mut bytes = seed.into_bytes();
        bytes.truncate(cut % (bytes.len() + 1));
        selfcheck::check(&bytes);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..300)) {
        selfcheck::check(&bytes);
    }

    #[test]
    fn arbitrary_strings_never_panic(
        prefix in select(vec!["", "00", "000201", "hQVDUFYwM", "upi://pay?", "payto://upi/", "https://"]),
        s in ".{0,200}",
    ) {
        selfcheck::check_str(&format!("{prefix}{s}"));
    }

    /// Framing-shaped noise: digits and TLV-like runs reach deeper than random text does.
    #[test]
    fn tlv_shaped_noise_never_panics(parts in vec((0u8..=99, text(0, 12)), 0..12)) {
        let mut s = String::from("000201");
        for (tag, v) in &parts {
            let n = v.chars().count();
            s.push_str(&format!("{tag:02}{n:02}{v}"));
        }
        s.push_str("6304");
        let crc = emv::crc16(s.as_bytes());
        s.push_str(&format!("{crc:04X}"));
        selfcheck::check_str(&s);
    }
}
