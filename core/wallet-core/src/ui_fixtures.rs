//! The core's answers for the UI's in-memory backend (`ui/src/backend/fixtures/core.gen.json`):
//! card inspections, amounts, QR decodes (and our merchants' codes), PIN verdicts, phone numbers,
//! ID numbers, names and notes, masks, the
//! MCC → category table and the budget and payment-code constants, each computed here by the
//! function the Tauri backend calls. The fake (`ui/src/backend/memory.ts`) looks answers up and
//! re-implements no rule; an input missing here is a test-setup mistake it reports as such.
//!
//! `scripts/gen-ts.sh` writes the file (through `WALLET_FIXTURES_OUT`, a directory, after the
//! provider's half, whose sandbox cards are inspected here); without it, the test fails when the
//! checked-in file differs from a fresh export, as `ts_export` does for the types.
//!
//! To give the fake a new input (a card, an amount, a code), add it to the lists below and run
//! `scripts/gen-ts.sh`.

// Test code (the module is `cfg(all(test, ...))`): a panic is the failure report.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Value};
use wallet_protocol::card::CardInspection;
use wallet_protocol::category::Category;
use wallet_protocol::identity::{mask_name, RealName, ResidentId};
use wallet_protocol::money::Money;
use wallet_protocol::phone::PhoneNumber;
use wallet_protocol::pin::{self, PinContext, PinWeakness};
use wallet_protocol::qr::{self, emv, WalletMerchant};
use wallet_protocol::{paycode, text, ErrorCode};

use crate::history::BUDGET_ALERT_THRESHOLDS;
use crate::{Wallet, WalletError};

const FILE: &str = "core.gen.json";

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/backend/fixtures")
}

fn protocol_vectors(name: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../wallet-protocol/tests/fixtures")
        .join(name);
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Amounts as typed: what the UI tests type, and the edges of the core's strict parser.
const AMOUNTS: &[&str] = &[
    "0.01",
    "10",
    "10.00",
    "100",
    "100.00",
    "1000",
    "1000.00",
    "12.30",
    "12.345",
    "15",
    "20",
    "20.00",
    "200",
    "200.00",
    "23.5",
    "25",
    "30",
    "300",
    "300.00",
    "400",
    "50",
    "50.00",
    "50.5",
    "500",
    "500.00",
    "600",
    "600.00",
    "88",
    "88.8",
    "1",
    "5",
    "12.3",
    "99.90",
    "¥1,234.50",
    "￥88",
    "1,234",
    "1,23",
    "",
    " ",
    "0",
    "0.00",
    "-1",
    "+1",
    "1e3",
    "1.",
    ".5",
    "abc",
    "12.3.4",
    "１２",
    "10000000000.00",
    "10000000000.01",
];

/// Merchants the UI tests seed: `(id, name, city, mcc)`; the fake's defaults are Shanghai/5812.
const MERCHANTS: &[(&str, &str, &str, &str)] = &[
    ("m-bakery", "Bakery", "Shanghai", "5812"),
    ("m-corner-store", "Corner Store", "Shanghai", "5499"),
    ("m-dida-taxi", "Dida Taxi", "Shanghai", "4121"),
    ("m-fresh-mart-bj", "Fresh Mart", "Beijing", "5411"),
    ("m-fresh-mart", "Fresh Mart", "Shanghai", "5812"),
    (
        "m-golden-dragon",
        "Golden Dragon Restaurant",
        "Shanghai",
        "5812",
    ),
    ("m-kiosk", "Kiosk", "Shanghai", "5812"),
    ("m-lanzhou-noodles", "Lanzhou Noodles", "Shanghai", "5812"),
    ("m-late-cafe", "Late Cafe", "Shanghai", "5812"),
    ("m-mall", "Mall", "Shanghai", "5812"),
    ("m-night-market", "Night Market", "Chengdu", "5812"),
    ("m-shop", "Shop", "Shanghai", "5812"),
    ("m-tea-house", "Tea House", "Hangzhou", "5814"),
    ("m-shaxian", "沙县小吃", "福州", "5812"),
];

/// Dynamic codes the UI tests scan: `(order id, merchant id, amount in fen, printed name)`;
/// a printed name other than the merchant's is a code whose name does not match the record.
const ORDERS: &[(&str, &str, i64, Option<&str>)] = &[
    ("ord-tea-house-2350", "m-tea-house", 2_350, None),
    (
        "ord-golden-dragon-9900",
        "m-golden-dragon",
        9_900,
        Some("City Water Bill"),
    ),
    ("ord-lanzhou-noodles-1200", "m-lanzhou-noodles", 1_200, None),
    ("ord-shaxian-1800", "m-shaxian", 1_800, None),
];

/// The test account's PIN context: `(phone, resident ID)` as the UI tests seed them.
const PIN_ACCOUNTS: &[(&str, &str)] = &[("13800138000", "11010519491231002X")];

/// New PINs the UI tests try, and one of each weakness for the account above.
const PINS: &[&str] = &[
    "860527", "860528", "864209", "246801", "135792", "111111", "000000", "999999", "123456",
    "654321", "012345", "491231", "123149", "311249", "194912", "121949", "138001", "013800",
    "105194", "12345", "1234567", "12345a", "",
];

/// Names as registered or typed (sign-up, a lost-phone report), and notes on transfers.
const NAMES: &[&str] = &[
    "张国华",
    "王小明",
    "李明",
    "欧阳娜娜",
    "Li Ming",
    "A",
    "",
    "  ",
    "李\u{202E}明",
];
const NOTES: &[&str] = &["lunch", "李明", "午饭", "rent\u{200B}", "\u{202E}evil"];

/// Phone numbers as typed or seeded.
const PHONES: &[&str] = &[
    "12345",
    "13700000003",
    "13800138000",
    "13900000002",
    "13900139000",
    "13911112222",
    "+8613800138000",
    "138 0013 8000",
    "",
];

/// Resident ID numbers as typed: the test account's, someone else's, one with a wrong check
/// character, short.
const ID_NUMBERS: &[&str] = &[
    "11010519491231002X",
    "11010519491231002x",
    "110105194912310011",
    "110105194912310021",
    "12345",
    "",
];

/// Samples of other networks and kinds (the pay screen names them and pays none).
fn foreign_qr() -> BTreeMap<&'static str, String> {
    let mut pix = emv::Builder::new();
    pix.template(26, &[(0, "br.gov.bcb.pix"), (1, "fulano@example.com")])
        .and_then(|b| b.field(52, "0000"))
        .and_then(|b| b.field(53, "986"))
        .and_then(|b| b.field(58, "BR"))
        .and_then(|b| b.field(59, "FULANO DE TAL"))
        .and_then(|b| b.field(60, "BRASILIA"))
        .unwrap();
    let mut promptpay = emv::Builder::new();
    promptpay
        .field(1, "11")
        .and_then(|b| b.template(29, &[(0, "A000000677010111"), (1, "0066812345678")]))
        .and_then(|b| b.field(53, "764"))
        .and_then(|b| b.field(58, "TH"))
        .and_then(|b| b.field(59, "SOMCHAI"))
        .and_then(|b| b.field(60, "BANGKOK"))
        .unwrap();
    BTreeMap::from([
        ("pix", pix.finish()),
        ("promptpay", promptpay.finish()),
        (
            "upi",
            "upi://pay?pa=merchant@okbank&pn=Chai%20Point&am=120.00&cu=INR".to_owned(),
        ),
        ("alipay", "https://qr.alipay.com/fkx12345abcde".to_owned()),
        ("wechat", "wxp://f2f0abcdefghijk".to_owned()),
        (
            "url",
            "https://wallet-login.example.net/verify?account=you".to_owned(),
        ),
        ("text", "Meet at gate 3, 7 pm".to_owned()),
    ])
}

/// An answer the fake gives back, or the error code the core answers.
fn answer<T: Serialize>(r: Result<T, WalletError>) -> Value {
    match r {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "error": e.code }),
    }
}

fn sandbox_card_numbers(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("provider.gen.json")).unwrap();
    let provider: Value = serde_json::from_str(&text).unwrap();
    provider["sandbox_cards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["number"].as_str().unwrap().to_owned())
        .collect()
}

fn cards(sandbox: &[String]) -> BTreeMap<String, CardInspection> {
    let mut inputs: Vec<String> = Vec::new();
    for n in sandbox {
        // As typed, digit by digit (the bind screen inspects from two digits on), and with the
        // last digit wrong (a typo the check digit catches).
        inputs.extend((2..=n.len()).map(|i| n[..i].to_owned()));
        let (body, last) = n.split_at(n.len() - 1);
        let wrong = (last.parse::<u8>().unwrap() + 1) % 10;
        inputs.push(format!("{body}{wrong}"));
    }
    for v in protocol_vectors("cards.jsonl") {
        inputs.push(v["number"].as_str().unwrap().to_owned());
    }
    inputs
        .extend(["", "4", "abc", "6225 8800 0000 0019", "4111-1111-1111-1111"].map(str::to_owned));
    inputs
        .into_iter()
        .map(|i| {
            let inspection = Wallet::inspect_card(&i);
            (i, inspection)
        })
        .collect()
}

fn qr_codes(payloads: impl IntoIterator<Item = String>) -> BTreeMap<String, Value> {
    payloads
        .into_iter()
        .map(|p| {
            let decoded = answer(Wallet::decode_qr(&p));
            (p, decoded)
        })
        .collect()
}

/// The server's verdict on a new PIN (`domain::pin::check_new_pin`): every rule, with the
/// account's phone, ID number and birthday.
fn pin_verdict(pin: &str, phone: &str, id: &str) -> Option<ErrorCode> {
    let id = ResidentId::parse(id).unwrap();
    let phone = PhoneNumber::parse(phone).unwrap().national_number();
    let ctx = PinContext {
        phone_digits: Some(&phone),
        id_number: Some(id.as_str()),
        birth_date: id.birth_date(),
    };
    match pin::check_pin(pin, &ctx) {
        Ok(()) => None,
        Err(PinWeakness::Format) => Some(ErrorCode::PinFormatInvalid),
        Err(_) => Some(ErrorCode::PinWeak),
    }
}

/// `[first, last, category]` runs over every 4-digit MCC, as `Category::from_mcc` files them.
fn category_runs() -> Vec<(String, String, Category)> {
    let mut runs: Vec<(String, String, Category)> = Vec::new();
    for code in 0..10_000 {
        let mcc = format!("{code:04}");
        let c = Category::from_mcc(&mcc);
        match runs.last_mut() {
            Some(run) if run.2 == c => run.1 = mcc,
            _ => runs.push((mcc.clone(), mcc, c)),
        }
    }
    runs
}

fn export(dir: &Path) -> String {
    let sandbox = sandbox_card_numbers(dir);
    let foreign = foreign_qr();

    let merchants: Vec<Value> = MERCHANTS
        .iter()
        .map(|(id, name, city, mcc)| {
            let m = WalletMerchant {
                merchant_id: (*id).to_owned(),
                name: (*name).to_owned(),
                city: (*city).to_owned(),
                mcc: (*mcc).to_owned(),
            };
            let payload = qr::wallet_static_payload(&m).unwrap();
            json!({ "merchant_id": id, "name": name, "city": city, "mcc": mcc, "payload": payload })
        })
        .collect();
    let orders: Vec<Value> = ORDERS
        .iter()
        .map(|(order_id, merchant_id, minor, printed)| {
            let (_, name, city, mcc) = MERCHANTS.iter().find(|m| m.0 == *merchant_id).unwrap();
            let printed = printed.unwrap_or(name);
            let m = WalletMerchant {
                merchant_id: (*merchant_id).to_owned(),
                name: printed.to_owned(),
                city: (*city).to_owned(),
                mcc: (*mcc).to_owned(),
            };
            let payload = qr::wallet_dynamic_payload(&m, order_id, Money::cny(*minor)).unwrap();
            json!({
                "order_id": order_id, "merchant_id": merchant_id, "amount_minor": minor,
                "printed_name": printed, "payload": payload,
            })
        })
        .collect();

    // Every code the fake may be shown: ours (and ours damaged: the CRC zeroed), the samples,
    // and the public vectors the protocol's own tests use.
    let mut payloads: Vec<String> = Vec::new();
    for m in merchants.iter().chain(&orders) {
        let p = m["payload"].as_str().unwrap();
        payloads.push(p.to_owned());
        payloads.push(format!("{}0000", &p[..p.len() - 4]));
    }
    payloads.extend(foreign.values().cloned());
    payloads.extend(["", "   ", "000201", "0002010102116304FFFF"].map(str::to_owned));
    for v in protocol_vectors("emvco_mpm.jsonl") {
        payloads.push(v["payload"].as_str().unwrap().to_owned());
    }
    for v in protocol_vectors("upi.jsonl") {
        payloads.push(v["uri"].as_str().unwrap().to_owned());
    }
    for v in protocol_vectors("cpm.jsonl") {
        payloads.push(v["payload_base64"].as_str().unwrap().to_owned());
    }

    let amounts: BTreeMap<&str, Value> = AMOUNTS
        .iter()
        .map(|a| (*a, answer(Wallet::parse_amount(a))))
        .collect();

    let common: Vec<&str> = pin::common_pins().collect();
    let mut pin_checks: Vec<Value> = Vec::new();
    for (phone, id) in PIN_ACCOUNTS {
        for p in PINS.iter().copied().chain(common.iter().copied()) {
            pin_checks.push(json!({
                "phone": phone, "id_number": id, "pin": p, "error": pin_verdict(p, phone, id),
            }));
        }
    }

    let invalid = |code: ErrorCode| WalletError::new(code, "refused");
    let masks: BTreeMap<&str, String> = NAMES.iter().map(|n| (*n, mask_name(n))).collect();
    let names: BTreeMap<&str, Value> = NAMES
        .iter()
        .map(|n| {
            let name = RealName::parse(n).map(|n| n.as_str().to_owned());
            (*n, answer(name.map_err(|e| invalid(e.code()))))
        })
        .collect();
    let notes: BTreeMap<&str, Value> = NOTES
        .iter()
        .map(|n| {
            let visible = text::check_visible("note", n);
            (
                *n,
                answer(visible.map_err(|_| invalid(ErrorCode::TextHiddenCharacter))),
            )
        })
        .collect();
    let phones: BTreeMap<&str, Value> = PHONES
        .iter()
        .map(|p| {
            let parsed = PhoneNumber::parse(p).map(|n| {
                json!({ "e164": n.as_e164(), "national": n.national_number(), "masked": n.masked() })
            });
            (*p, answer(parsed.map_err(|_| invalid(ErrorCode::PhoneInvalid))))
        })
        .collect();
    let ids: BTreeMap<&str, Value> = ID_NUMBERS
        .iter()
        .map(|i| {
            let id = ResidentId::parse(i).map(|id| id.as_str().to_owned());
            (
                *i,
                answer(id.map_err(|_| invalid(ErrorCode::IdNumberInvalid))),
            )
        })
        .collect();

    let sections: Vec<(&str, Value)> = vec![
        (
            "generated",
            json!(
                "by scripts/gen-ts.sh from wallet-core (core/wallet-core/src/ui_fixtures.rs). Do not edit."
            ),
        ),
        (
            "paycode",
            json!({
                "step_secs": paycode::STEP_SECS, "code_len": paycode::CODE_LEN,
                "prefix": paycode::PREFIX,
            }),
        ),
        ("budget_thresholds", json!(BUDGET_ALERT_THRESHOLDS)),
        ("categories", json!(category_runs())),
        ("foreign_qr", json!(foreign)),
        ("merchants", json!(merchants)),
        ("orders", json!(orders)),
        ("masked_names", json!(masks)),
        ("names", json!(names)),
        ("notes", json!(notes)),
        ("phones", json!(phones)),
        ("id_numbers", json!(ids)),
        ("amounts", json!(amounts)),
        ("pin_checks", json!(pin_checks)),
        ("common_pins", json!(common)),
        ("cards", json!(cards(&sandbox))),
        ("qr", json!(qr_codes(payloads))),
    ];
    render(&sections)
}

/// One entry per line (compact), so a change to one answer is a one-line diff.
fn render(sections: &[(&str, Value)]) -> String {
    let mut out = String::from("{\n");
    for (i, (name, value)) in sections.iter().enumerate() {
        let body = match value {
            Value::Object(map) => {
                let rows: Vec<String> = map
                    .iter()
                    .map(|(k, v)| format!("    {}: {}", json!(k), v))
                    .collect();
                format!("{{\n{}\n  }}", rows.join(",\n"))
            }
            Value::Array(items) if items.iter().any(|v| v.is_object() || v.is_array()) => {
                let rows: Vec<String> = items.iter().map(|v| format!("    {v}")).collect();
                format!("[\n{}\n  ]", rows.join(",\n"))
            }
            other => other.to_string(),
        };
        let comma = if i + 1 < sections.len() { "," } else { "" };
        writeln!(out, "  {}: {body}{comma}", json!(name)).unwrap();
    }
    out.push_str("}\n");
    out
}

#[test]
fn export_ui_fixtures() {
    match std::env::var_os("WALLET_FIXTURES_OUT") {
        Some(dir) => {
            let dir = Path::new(&dir);
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(FILE), export(dir)).unwrap();
        }
        None => {
            let fresh = export(&fixtures_dir());
            let kept = std::fs::read_to_string(fixtures_dir().join(FILE)).unwrap_or_default();
            assert!(
                fresh == kept,
                "ui/src/backend/fixtures/{FILE} is stale: run scripts/gen-ts.sh and commit the result"
            );
        }
    }
}
