//! Bank card inspection, offline and without I/O (docs/rules.md §Cards).
//!
//! * [`inspect`] says what a typed or pasted number is: Luhn, length for its scheme, scheme, and
//!   (for the 14 mainland banks in `data/cn_bins.csv`) issuing bank and debit/credit.
//! * [`CardNumber`] is a number that passed every rule; it never prints itself in full.
//! * [`test_card_prefix`] gives the sandbox bank a real BIN per bank and card type.
//!
//! # Decisions
//! * **Lenient input.** Leading and trailing whitespace is ignored, and ASCII spaces and dashes are
//!   accepted *between* digits (`6222 0212 3456 7890`, `4111-1111-1111-1111`). Anything else —
//!   letters, full-width digits, a leading or trailing dash, an empty string — is not a card
//!   number: [`inspect`] reports all `false`/`None` and [`CardNumber::parse`] says `NotDigits`.
//! * **Scheme ranges** follow braintree/credit-card-type (`src/lib/card-types.ts`): UnionPay
//!   620, 62100–62182, 62184–62197, 62200–62205, 622010–622999, 62207–62209, 623–626, 6270, 6272,
//!   6276, 627700–627779, 627781–627799, 6282–6289, 6291, 6292, 810, 8110–8171; Visa 4; Mastercard
//!   51–55, 2221–2720; Amex 34, 37; Diners 300–305, 36, 38, 39; Discover 6011, 644–649, 65; JCB
//!   3528–3589 (and the legacy 2131, 1800); Mir 2200–2204; Maestro 493698, 500000–508999 and every
//!   other 56–69 prefix no other rule claims. The longest matching prefix wins.
//! * **Networks this wallet does not support** (Elo, Hiper, Hipercard, Verve, Naranja, Troy's
//!   9792): their prefixes, as credit-card-type lists them, give `scheme: None` rather than the
//!   wider Visa/Maestro/Discover range they sit in. Labelling an Elo card "Visa" would be wrong.
//! * **UnionPay/Discover co-branded range 622126–622925**: reported as **UnionPay**. Cards in it
//!   are issued by mainland banks on the UnionPay network (Discover accepts them by the
//!   network-to-network agreement), credit-card-type labels them UnionPay, and this wallet routes
//!   them through UnionPay. See [`COBRANDED_UNIONPAY_DISCOVER`].
//! * **The bank table wins.** A BIN of one of our banks decides the scheme too (CMB's 439225 is a
//!   Visa credit card, CCB's 436742 a Visa debit card), over the generic prefix rules.
//! * `length_valid` is the length rule of the detected scheme (not the BIN's usual length): an
//!   unknown scheme is never length-valid.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

#[cfg(feature = "openapi")]
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CardScheme {
    Unionpay,
    Visa,
    Mastercard,
    Amex,
    Jcb,
    Discover,
    Diners,
    Mir,
    Maestro,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CardType {
    Debit,
    Credit,
}

/// The issuing banks the BIN table knows. Wire form: the bank's usual code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Bank {
    #[serde(rename = "ICBC")]
    Icbc,
    #[serde(rename = "CCB")]
    Ccb,
    #[serde(rename = "BOC")]
    Boc,
    #[serde(rename = "ABC")]
    Abc,
    #[serde(rename = "CMB")]
    Cmb,
    #[serde(rename = "BOCOM")]
    Bocom,
    #[serde(rename = "PSBC")]
    Psbc,
    #[serde(rename = "SPDB")]
    Spdb,
    #[serde(rename = "CITIC")]
    Citic,
    #[serde(rename = "CMBC")]
    Cmbc,
    #[serde(rename = "CEB")]
    Ceb,
    #[serde(rename = "CIB")]
    Cib,
    #[serde(rename = "CGB")]
    Cgb,
    #[serde(rename = "HXB")]
    HuaXia,
}

/// What `wallet card inspect` prints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(ToSchema))]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CardInspection {
    pub luhn_valid: bool,
    pub length_valid: bool,
    pub scheme: Option<CardScheme>,
    pub bank: Option<Bank>,
    pub card_type: Option<CardType>,
}

impl CardInspection {
    /// All `false`/`None`: what a non-number inspects as.
    pub const NOTHING: CardInspection = CardInspection {
        luhn_valid: false,
        length_valid: false,
        scheme: None,
        bank: None,
        card_type: None,
    };

    /// Luhn, length and a supported scheme: what [`CardNumber::parse`] accepts.
    pub fn is_valid(&self) -> bool {
        self.luhn_valid && self.length_valid && self.scheme.is_some()
    }
}

// ---------------------------------------------------------------------------------------------
// Names and labels
// ---------------------------------------------------------------------------------------------

impl CardScheme {
    pub const ALL: [CardScheme; 9] = [
        CardScheme::Unionpay,
        CardScheme::Visa,
        CardScheme::Mastercard,
        CardScheme::Amex,
        CardScheme::Jcb,
        CardScheme::Discover,
        CardScheme::Diners,
        CardScheme::Mir,
        CardScheme::Maestro,
    ];

    /// The brand as printed on cards: "UnionPay", "Visa", "American Express", ...
    pub fn name(self) -> &'static str {
        match self {
            CardScheme::Unionpay => "UnionPay",
            CardScheme::Visa => "Visa",
            CardScheme::Mastercard => "Mastercard",
            CardScheme::Amex => "American Express",
            CardScheme::Jcb => "JCB",
            CardScheme::Discover => "Discover",
            CardScheme::Diners => "Diners Club",
            CardScheme::Mir => "Mir",
            CardScheme::Maestro => "Maestro",
        }
    }

    /// The wire (serde) name: "unionpay", "visa", ...
    pub fn code(self) -> &'static str {
        match self {
            CardScheme::Unionpay => "unionpay",
            CardScheme::Visa => "visa",
            CardScheme::Mastercard => "mastercard",
            CardScheme::Amex => "amex",
            CardScheme::Jcb => "jcb",
            CardScheme::Discover => "discover",
            CardScheme::Diners => "diners",
            CardScheme::Mir => "mir",
            CardScheme::Maestro => "maestro",
        }
    }

    /// Parses the wire name.
    pub fn from_code(code: &str) -> Option<CardScheme> {
        CardScheme::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Card number lengths the scheme issues (as braintree/credit-card-type, Visa 13/16/19).
    pub fn valid_lengths(self) -> &'static [usize] {
        match self {
            CardScheme::Unionpay => &[14, 15, 16, 17, 18, 19],
            CardScheme::Visa => &[13, 16, 19],
            CardScheme::Mastercard => &[16],
            CardScheme::Amex => &[15],
            CardScheme::Jcb => &[16, 17, 18, 19],
            CardScheme::Discover => &[16, 19],
            CardScheme::Diners => &[14, 16, 19],
            CardScheme::Mir => &[16, 17, 18, 19],
            CardScheme::Maestro => &[12, 13, 14, 15, 16, 17, 18, 19],
        }
    }

    pub fn length_allowed(self, len: usize) -> bool {
        self.valid_lengths().contains(&len)
    }
}

impl fmt::Display for CardScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl CardType {
    /// "储蓄卡" / "信用卡" (the words mainland banks and wallets use).
    pub fn label_zh(self) -> &'static str {
        match self {
            CardType::Debit => "储蓄卡",
            CardType::Credit => "信用卡",
        }
    }

    /// "儲蓄卡" / "信用卡".
    pub fn label_zh_tw(self) -> &'static str {
        match self {
            CardType::Debit => "儲蓄卡",
            CardType::Credit => "信用卡",
        }
    }

    /// "Debit" / "Credit".
    pub fn label_en(self) -> &'static str {
        match self {
            CardType::Debit => "Debit",
            CardType::Credit => "Credit",
        }
    }

    /// The wire (serde) name: "debit" / "credit".
    pub fn code(self) -> &'static str {
        match self {
            CardType::Debit => "debit",
            CardType::Credit => "credit",
        }
    }

    pub fn from_code(code: &str) -> Option<CardType> {
        match code {
            "debit" => Some(CardType::Debit),
            "credit" => Some(CardType::Credit),
            _ => None,
        }
    }
}

impl Bank {
    pub const ALL: [Bank; 14] = [
        Bank::Icbc,
        Bank::Ccb,
        Bank::Boc,
        Bank::Abc,
        Bank::Cmb,
        Bank::Bocom,
        Bank::Psbc,
        Bank::Spdb,
        Bank::Citic,
        Bank::Cmbc,
        Bank::Ceb,
        Bank::Cib,
        Bank::Cgb,
        Bank::HuaXia,
    ];

    /// The bank's code, the same as its serde name: "ICBC", "BOCOM", "CGB", "HXB", ...
    pub fn code(self) -> &'static str {
        match self {
            Bank::Icbc => "ICBC",
            Bank::Ccb => "CCB",
            Bank::Boc => "BOC",
            Bank::Abc => "ABC",
            Bank::Cmb => "CMB",
            Bank::Bocom => "BOCOM",
            Bank::Psbc => "PSBC",
            Bank::Spdb => "SPDB",
            Bank::Citic => "CITIC",
            Bank::Cmbc => "CMBC",
            Bank::Ceb => "CEB",
            Bank::Cib => "CIB",
            Bank::Cgb => "CGB",
            Bank::HuaXia => "HXB",
        }
    }

    /// Parses [`Bank::code`], ASCII case-insensitively, plus the common aliases `GDB` (广发),
    /// `COMM`/`BCM` (交通银行) and `HXBANK` (华夏).
    pub fn from_code(code: &str) -> Option<Bank> {
        let upper = code.trim().to_ascii_uppercase();
        match upper.as_str() {
            "GDB" => return Some(Bank::Cgb),
            "COMM" | "BCM" => return Some(Bank::Bocom),
            "HXBANK" => return Some(Bank::HuaXia),
            _ => {}
        }
        Bank::ALL.into_iter().find(|b| b.code() == upper)
    }

    /// Simplified Chinese name, as the bank writes it: "中国工商银行", "招商银行", ...
    pub fn name_zh(self) -> &'static str {
        match self {
            Bank::Icbc => "中国工商银行",
            Bank::Ccb => "中国建设银行",
            Bank::Boc => "中国银行",
            Bank::Abc => "中国农业银行",
            Bank::Cmb => "招商银行",
            Bank::Bocom => "交通银行",
            Bank::Psbc => "中国邮政储蓄银行",
            Bank::Spdb => "上海浦东发展银行",
            Bank::Citic => "中信银行",
            Bank::Cmbc => "中国民生银行",
            Bank::Ceb => "中国光大银行",
            Bank::Cib => "兴业银行",
            Bank::Cgb => "广发银行",
            Bank::HuaXia => "华夏银行",
        }
    }

    /// Traditional Chinese name: "中國工商銀行", "招商銀行", ...
    pub fn name_zh_tw(self) -> &'static str {
        match self {
            Bank::Icbc => "中國工商銀行",
            Bank::Ccb => "中國建設銀行",
            Bank::Boc => "中國銀行",
            Bank::Abc => "中國農業銀行",
            Bank::Cmb => "招商銀行",
            Bank::Bocom => "交通銀行",
            Bank::Psbc => "中國郵政儲蓄銀行",
            Bank::Spdb => "上海浦東發展銀行",
            Bank::Citic => "中信銀行",
            Bank::Cmbc => "中國民生銀行",
            Bank::Ceb => "中國光大銀行",
            Bank::Cib => "興業銀行",
            Bank::Cgb => "廣發銀行",
            Bank::HuaXia => "華夏銀行",
        }
    }

    /// English name: "Industrial and Commercial Bank of China", ...
    pub fn name_en(self) -> &'static str {
        match self {
            Bank::Icbc => "Industrial and Commercial Bank of China",
            Bank::Ccb => "China Construction Bank",
            Bank::Boc => "Bank of China",
            Bank::Abc => "Agricultural Bank of China",
            Bank::Cmb => "China Merchants Bank",
            Bank::Bocom => "Bank of Communications",
            Bank::Psbc => "Postal Savings Bank of China",
            Bank::Spdb => "Shanghai Pudong Development Bank",
            Bank::Citic => "China CITIC Bank",
            Bank::Cmbc => "China Minsheng Bank",
            Bank::Ceb => "China Everbright Bank",
            Bank::Cib => "Industrial Bank",
            Bank::Cgb => "China Guangfa Bank",
            Bank::HuaXia => "Hua Xia Bank",
        }
    }
}

impl fmt::Display for Bank {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// `招商银行 储蓄卡 (1234)`: how docs/rules.md §Cards shows a bound card in Simplified Chinese.
pub fn card_label_zh(bank: Bank, card_type: CardType, last4: &str) -> String {
    format!("{} {} ({})", bank.name_zh(), card_type.label_zh(), last4)
}

// ---------------------------------------------------------------------------------------------
// Luhn
// ---------------------------------------------------------------------------------------------

/// Luhn (mod 10) check over ASCII digits. `false` for anything that is not at least two ASCII
/// digits (a check digit alone proves nothing); no separators are accepted here.
pub fn luhn_valid(digits: &str) -> bool {
    let bytes = digits.as_bytes();
    bytes.len() >= 2 && bytes.iter().all(u8::is_ascii_digit) && luhn_sum(bytes, false) == 0
}

/// `partial` followed by its Luhn check digit. Characters other than ASCII digits are dropped
/// (so `"6222 0212"` works); the result is digits only.
pub fn luhn_complete(partial: &str) -> String {
    let mut out: String = partial.chars().filter(char::is_ascii_digit).collect();
    let sum = luhn_sum(out.as_bytes(), true);
    let check = (10 - sum) % 10;
    out.push(char::from(b'0' + check as u8));
    out
}

/// Sum of the Luhn digits, mod 10 (so no length of input can overflow it). With
/// `payload_only`, `digits` lacks its check digit, so the digit doubled first is the last one.
/// Callers pass ASCII digits only.
fn luhn_sum(digits: &[u8], payload_only: bool) -> u32 {
    const DOUBLED: [u32; 10] = [0, 2, 4, 6, 8, 1, 3, 5, 7, 9];
    let mut double = payload_only;
    let mut sum = 0;
    for &b in digits.iter().rev() {
        let d = usize::from(b.wrapping_sub(b'0')).min(9);
        sum = (sum + if double { DOUBLED[d] } else { d as u32 }) % 10;
        double = !double;
    }
    sum
}

// ---------------------------------------------------------------------------------------------
// Scheme by prefix
// ---------------------------------------------------------------------------------------------

/// The UnionPay/Discover co-branded BIN range. This module reports it as UnionPay (see the
/// module docs); other libraries label it Discover.
pub const COBRANDED_UNIONPAY_DISCOVER: std::ops::RangeInclusive<u32> = 622126..=622925;

#[derive(Clone, Copy)]
enum Network {
    Ours(CardScheme),
    /// A network the wallet does not support; the name documents which one.
    #[allow(dead_code)]
    Other(&'static str),
}

#[derive(Clone, Copy)]
struct PrefixRule {
    lo: u32,
    hi: u32,
    digits: u8,
    network: Network,
}

const fn width(mut n: u32) -> u8 {
    let mut w = 1;
    while n >= 10 {
        n /= 10;
        w += 1;
    }
    w
}

const fn range(lo: u32, hi: u32, network: Network) -> PrefixRule {
    PrefixRule {
        lo,
        hi,
        digits: width(lo),
        network,
    }
}

const fn one(p: u32, network: Network) -> PrefixRule {
    range(p, p, network)
}

const UP: Network = Network::Ours(CardScheme::Unionpay);
const VISA: Network = Network::Ours(CardScheme::Visa);
const MC: Network = Network::Ours(CardScheme::Mastercard);
const AMEX: Network = Network::Ours(CardScheme::Amex);
const JCB: Network = Network::Ours(CardScheme::Jcb);
const DISC: Network = Network::Ours(CardScheme::Discover);
const DINERS: Network = Network::Ours(CardScheme::Diners);
const MIR: Network = Network::Ours(CardScheme::Mir);
const MAESTRO: Network = Network::Ours(CardScheme::Maestro);
const ELO: Network = Network::Other("elo");
const HIPER: Network = Network::Other("hiper");
const HIPERCARD: Network = Network::Other("hipercard");
const VERVE: Network = Network::Other("verve");
const NARANJA: Network = Network::Other("naranja");
const TROY: Network = Network::Other("troy");

/// Longest prefix wins; on equal length the earlier rule wins (the unsupported networks come
/// first so that their exact BINs beat Maestro's wide 6-digit ranges, as in credit-card-type).
const PREFIX_RULES: &[PrefixRule] = &[
    // Networks we do not support (braintree/credit-card-type src/lib/card-types.ts; Naranja's
    // 589562 and Troy's 9792 as in the credit-card-type test vectors).
    one(401178, ELO),
    one(401179, ELO),
    one(438935, ELO),
    one(457631, ELO),
    one(457632, ELO),
    one(431274, ELO),
    one(451416, ELO),
    one(457393, ELO),
    one(504175, ELO),
    range(506699, 506778, ELO),
    range(509000, 509999, ELO),
    one(627780, ELO),
    one(636297, ELO),
    one(636368, ELO),
    range(650031, 650033, ELO),
    range(650035, 650051, ELO),
    range(650405, 650439, ELO),
    range(650485, 650538, ELO),
    range(650541, 650598, ELO),
    range(650700, 650718, ELO),
    range(650720, 650727, ELO),
    range(650901, 650978, ELO),
    range(651652, 651679, ELO),
    range(655000, 655019, ELO),
    range(655021, 655058, ELO),
    one(637095, HIPER),
    one(63737423, HIPER),
    one(63743358, HIPER),
    one(637568, HIPER),
    one(637599, HIPER),
    one(637609, HIPER),
    one(637612, HIPER),
    one(606282, HIPERCARD),
    range(506099, 506127, VERVE),
    one(506129, VERVE),
    range(506133, 506150, VERVE),
    range(506158, 506163, VERVE),
    one(506166, VERVE),
    one(506168, VERVE),
    one(506170, VERVE),
    one(506173, VERVE),
    range(506176, 506180, VERVE),
    one(506184, VERVE),
    range(506187, 506188, VERVE),
    one(506191, VERVE),
    one(506195, VERVE),
    one(506197, VERVE),
    one(507865, VERVE),
    one(507866, VERVE),
    range(507868, 507877, VERVE),
    range(507880, 507888, VERVE),
    one(507900, VERVE),
    one(507941, VERVE),
    one(589562, NARANJA),
    one(9792, TROY),
    // Ours.
    one(4, VISA),
    range(51, 55, MC),
    range(2221, 2720, MC),
    one(34, AMEX),
    one(37, AMEX),
    range(300, 305, DINERS),
    one(36, DINERS),
    one(38, DINERS),
    one(39, DINERS),
    one(6011, DISC),
    range(644, 649, DISC),
    one(65, DISC),
    range(3528, 3589, JCB),
    one(2131, JCB),
    one(1800, JCB),
    // UnionPay. 622126–622925 (co-branded with Discover) is inside 622010–622999: UnionPay.
    one(620, UP),
    range(62100, 62182, UP),
    range(62184, 62197, UP),
    range(62200, 62205, UP),
    range(622010, 622999, UP),
    range(62207, 62209, UP),
    range(623, 626, UP),
    one(6270, UP),
    one(6272, UP),
    one(6276, UP),
    range(627700, 627779, UP),
    range(627781, 627799, UP),
    range(6282, 6289, UP),
    one(6291, UP),
    one(6292, UP),
    one(810, UP),
    range(8110, 8171, UP),
    range(2200, 2204, MIR),
    // Maestro: 493698, all of 50 the others leave, 56–59, 63, 67 and the rest of 6.
    one(493698, MAESTRO),
    range(500000, 504174, MAESTRO),
    range(504176, 506698, MAESTRO),
    range(506779, 508999, MAESTRO),
    range(56, 59, MAESTRO),
    one(63, MAESTRO),
    one(67, MAESTRO),
    one(6, MAESTRO),
];

const MAX_RULE_DIGITS: usize = 8;

/// The scheme the generic prefix rules give `digits` (ASCII digits), ignoring the bank table.
fn scheme_by_prefix(digits: &[u8]) -> Option<CardScheme> {
    let (Some(&d0), d1) = (digits.first(), digits.get(1)) else {
        return None;
    };
    // prefix[k] = the number formed by the first k digits.
    let mut prefix = [0u32; MAX_RULE_DIGITS + 1];
    let n = digits.len().min(MAX_RULE_DIGITS);
    for k in 1..=n {
        prefix[k] = prefix[k - 1] * 10 + u32::from(digits[k - 1] - b'0');
    }
    // A one-digit input only meets one-digit rules, which every bucket of its digit holds.
    let bucket = usize::from(d0 - b'0') * 10 + d1.map_or(0, |d| usize::from(d - b'0'));
    let mut best: Option<(u8, Network)> = None;
    for rule in &rule_buckets()[bucket] {
        let d = usize::from(rule.digits);
        if d > n || best.is_some_and(|(bd, _)| bd >= rule.digits) {
            continue;
        }
        let p = prefix[d];
        if p >= rule.lo && p <= rule.hi {
            best = Some((rule.digits, rule.network));
        }
    }
    match best {
        Some((_, Network::Ours(s))) => Some(s),
        _ => None,
    }
}

/// [`PREFIX_RULES`] split by the two digits a number starts with (rule order kept), so a
/// lookup scans a few rules instead of all of them.
fn rule_buckets() -> &'static [Vec<PrefixRule>] {
    static BUCKETS: OnceLock<Vec<Vec<PrefixRule>>> = OnceLock::new();
    BUCKETS.get_or_init(|| {
        let mut buckets = vec![Vec::new(); 100];
        for rule in PREFIX_RULES {
            let (lo2, hi2) = if rule.digits == 1 {
                (rule.lo * 10, rule.hi * 10 + 9)
            } else {
                let scale = 10u32.pow(u32::from(rule.digits) - 2);
                (rule.lo / scale, rule.hi / scale)
            };
            for b in lo2..=hi2 {
                if let Some(bucket) = buckets.get_mut(b as usize) {
                    bucket.push(*rule);
                }
            }
        }
        buckets
    })
}

// ---------------------------------------------------------------------------------------------
// BIN table
// ---------------------------------------------------------------------------------------------

/// One row of `data/cn_bins.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinEntry {
    /// The issuer prefix (usually 6 digits).
    pub bin: &'static str,
    pub bank: Bank,
    pub card_type: CardType,
    pub scheme: CardScheme,
    /// The card number length the bank issues under this BIN.
    pub length: usize,
    /// Product name, informational, may be empty.
    pub product: &'static str,
}

const BIN_DATA: &str = include_str!("../data/cn_bins.csv");

struct BinTable {
    /// In file order (the first row per bank and type is the sandbox BIN).
    entries: Vec<BinEntry>,
    /// Indexes into `entries`, sorted by `bin`, duplicates removed (first row wins).
    sorted: Vec<usize>,
    min_len: usize,
    max_len: usize,
}

/// Why a line of the BIN file did not parse (only tests look at it).
#[derive(Debug, Clone, PartialEq, Eq)]
enum BinLineError {
    Columns,
    Bin,
    Bank,
    CardType,
    Scheme,
    Length,
}

/// `Ok(None)` for comments, blank lines and the header.
fn parse_bin_line(line: &'static str) -> Result<Option<BinEntry>, BinLineError> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || line.starts_with("bin,") {
        return Ok(None);
    }
    let mut cols = line.split(',');
    let (Some(bin), Some(bank), Some(card_type), Some(scheme), Some(length), Some(product), None) = (
        cols.next(),
        cols.next(),
        cols.next(),
        cols.next(),
        cols.next(),
        cols.next(),
        cols.next(),
    ) else {
        return Err(BinLineError::Columns);
    };
    let bin = bin.trim();
    if bin.is_empty() || bin.len() > 10 || !bin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BinLineError::Bin);
    }
    let bank = Bank::from_code(bank).ok_or(BinLineError::Bank)?;
    let card_type = CardType::from_code(card_type.trim()).ok_or(BinLineError::CardType)?;
    let scheme = CardScheme::from_code(scheme.trim()).ok_or(BinLineError::Scheme)?;
    let length: usize = length.trim().parse().map_err(|_| BinLineError::Length)?;
    if !(12..=19).contains(&length) || length <= bin.len() {
        return Err(BinLineError::Length);
    }
    Ok(Some(BinEntry {
        bin,
        bank,
        card_type,
        scheme,
        length,
        product: product.trim(),
    }))
}

fn bin_table_inner() -> &'static BinTable {
    static TABLE: OnceLock<BinTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        // A malformed line in our own data file is skipped; a unit test proves there is none.
        let entries: Vec<BinEntry> = BIN_DATA
            .lines()
            .filter_map(|l| parse_bin_line(l).ok().flatten())
            .collect();
        let mut sorted: Vec<usize> = (0..entries.len()).collect();
        sorted.sort_by(|&a, &b| entries[a].bin.cmp(entries[b].bin).then(a.cmp(&b)));
        sorted.dedup_by(|later, earlier| entries[*later].bin == entries[*earlier].bin);
        let min_len = entries.iter().map(|e| e.bin.len()).min().unwrap_or(0);
        let max_len = entries.iter().map(|e| e.bin.len()).max().unwrap_or(0);
        BinTable {
            entries,
            sorted,
            min_len,
            max_len,
        }
    })
}

/// Every row of the BIN table, in file order.
pub fn bin_table() -> &'static [BinEntry] {
    &bin_table_inner().entries
}

/// The BIN table row with the longest prefix of `digits` (ASCII digits, no separators).
pub fn lookup_bin(digits: &str) -> Option<&'static BinEntry> {
    let table = bin_table_inner();
    if table.min_len == 0 {
        return None;
    }
    let top = table.max_len.min(digits.len());
    (table.min_len..=top).rev().find_map(|len| {
        let key = digits.get(..len)?;
        table
            .sorted
            .binary_search_by(|&i| table.entries[i].bin.cmp(key))
            .ok()
            .map(|pos| &table.entries[table.sorted[pos]])
    })
}

/// A BIN of `bank` for `card_type` and the card length to use with it, for the sandbox bank's
/// test cards: `inspect(&luhn_complete(prefix + filler))` with `length - 1` digits before the
/// check digit reports this bank, type and scheme. It is the first row for that bank and type in
/// `data/cn_bins.csv` (a UnionPay BIN for every bank).
pub fn test_card_prefix(
    bank: Bank,
    card_type: CardType,
) -> Option<(&'static str, CardScheme, usize)> {
    bin_table()
        .iter()
        .find(|e| e.bank == bank && e.card_type == card_type)
        .map(|e| (e.bin, e.scheme, e.length))
}

// ---------------------------------------------------------------------------------------------
// Inspection
// ---------------------------------------------------------------------------------------------

/// The digits of a typed or pasted card number: surrounding whitespace trimmed, ASCII spaces and
/// dashes allowed between digits. `None` if anything else is there or there are no digits.
pub fn normalize_card_number(input: &str) -> Option<String> {
    let s = card_input(input)?;
    Some(s.chars().filter(char::is_ascii_digit).collect())
}

/// `input` trimmed, if it is digits with spaces or dashes between them.
fn card_input(input: &str) -> Option<&str> {
    let s = input.trim();
    let bytes = s.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(a), Some(z)) if a.is_ascii_digit() && z.is_ascii_digit() => {}
        _ => return None,
    }
    bytes
        .iter()
        .all(|&b| b.is_ascii_digit() || b == b' ' || b == b'-')
        .then_some(s)
}

/// What a card number is, offline. Never fails: a non-number inspects as all `false`/`None`.
pub fn inspect(number: &str) -> CardInspection {
    let Some(s) = card_input(number) else {
        return CardInspection::NOTHING;
    };
    // Card numbers have at most 19 digits: gather them on the stack; longer input (never
    // length-valid, but it still gets a Luhn answer) goes to the heap.
    let mut buf = [0u8; 32];
    let mut len = 0;
    for b in s.bytes().filter(u8::is_ascii_digit) {
        match buf.get_mut(len) {
            Some(slot) => *slot = b,
            None => {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                return inspect_digits(&digits);
            }
        }
        len += 1;
    }
    match std::str::from_utf8(&buf[..len]) {
        Ok(digits) => inspect_digits(digits),
        Err(_) => CardInspection::NOTHING,
    }
}

/// [`inspect`] for digits already normalized.
fn inspect_digits(digits: &str) -> CardInspection {
    let bytes = digits.as_bytes();
    let bin = lookup_bin(digits);
    let scheme = bin.map(|e| e.scheme).or_else(|| scheme_by_prefix(bytes));
    CardInspection {
        luhn_valid: luhn_valid(digits),
        length_valid: scheme.is_some_and(|s| s.length_allowed(bytes.len())),
        scheme,
        bank: bin.map(|e| e.bank),
        card_type: bin.map(|e| e.card_type),
    }
}

// ---------------------------------------------------------------------------------------------
// CardNumber
// ---------------------------------------------------------------------------------------------

/// Why a card number was refused. The messages state the rule and never repeat the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CardNumberError {
    #[error("a card number is made of the digits 0-9, optionally grouped with spaces or dashes")]
    NotDigits,
    #[error("the card number does not have a length its card scheme issues")]
    Length,
    #[error("the card number's check digit does not match; a digit may be mistyped")]
    Luhn,
    #[error("the card number does not belong to a card scheme this wallet accepts")]
    UnknownScheme,
}

/// A full card number that passed Luhn, a known scheme and that scheme's length rule.
///
/// Holds digits only. `Debug` and `Display` print `**** 1234`, never the number; there is no
/// `Serialize`: the full number goes to the bank gateway through [`CardNumber::digits`] and
/// nowhere else.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNumber {
    digits: String,
    scheme: CardScheme,
}

impl CardNumber {
    /// Validates a typed or pasted number (spaces and dashes between digits are fine).
    pub fn parse(input: &str) -> Result<CardNumber, CardNumberError> {
        let digits = normalize_card_number(input).ok_or(CardNumberError::NotDigits)?;
        if !(12..=19).contains(&digits.len()) {
            return Err(CardNumberError::Length);
        }
        let inspection = inspect_digits(&digits);
        let scheme = inspection.scheme.ok_or(CardNumberError::UnknownScheme)?;
        if !inspection.length_valid {
            return Err(CardNumberError::Length);
        }
        if !inspection.luhn_valid {
            return Err(CardNumberError::Luhn);
        }
        Ok(CardNumber { digits, scheme })
    }

    /// The full number, digits only. For the bank gateway; never log or store it.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    pub fn last4(&self) -> &str {
        // At least 12 ASCII digits: the slice is in range and on a char boundary.
        &self.digits[self.digits.len() - 4..]
    }

    /// `**** 1234`.
    pub fn masked(&self) -> String {
        format!("**** {}", self.last4())
    }

    pub fn scheme(&self) -> CardScheme {
        self.scheme
    }

    pub fn inspection(&self) -> CardInspection {
        inspect_digits(&self.digits)
    }

    pub fn bank(&self) -> Option<Bank> {
        lookup_bin(&self.digits).map(|e| e.bank)
    }

    pub fn card_type(&self) -> Option<CardType> {
        lookup_bin(&self.digits).map(|e| e.card_type)
    }
}

impl std::str::FromStr for CardNumber {
    type Err = CardNumberError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CardNumber::parse(s)
    }
}

impl fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CardNumber(**** {})", self.last4())
    }
}

impl fmt::Display for CardNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "**** {}", self.last4())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn scheme(n: &str) -> Option<CardScheme> {
        inspect(n).scheme
    }

    /// A test number: `prefix`, then zeros, then the check digit, `len` digits in all.
    fn make(prefix: &str, len: usize) -> String {
        let mut s = prefix.to_owned();
        while s.len() < len - 1 {
            s.push('0');
        }
        luhn_complete(&s)
    }

    #[test]
    fn every_data_line_parses() {
        let mut rows = 0;
        let mut header = false;
        for (i, line) in BIN_DATA.lines().enumerate() {
            let parsed = parse_bin_line(line);
            assert!(parsed.is_ok(), "line {}: {line:?} -> {parsed:?}", i + 1);
            if line.starts_with("bin,") {
                assert_eq!(line, "bin,bank,card_type,scheme,length,product");
                header = true;
            }
            if parsed.unwrap().is_some() {
                rows += 1;
            }
        }
        assert!(header, "header row present");
        assert_eq!(rows, bin_table().len());
        assert!(rows > 200);
        assert!(
            BIN_DATA.starts_with("# "),
            "comment header naming the source"
        );
        assert!(BIN_DATA.contains("hexindai/bcbc"));
    }

    #[test]
    fn bad_lines_are_refused() {
        assert_eq!(
            parse_bin_line("62220x,ICBC,debit,unionpay,19,"),
            Err(BinLineError::Bin)
        );
        assert_eq!(
            parse_bin_line("622202,XYZ,debit,unionpay,19,"),
            Err(BinLineError::Bank)
        );
        assert_eq!(
            parse_bin_line("622202,ICBC,prepaid,unionpay,19,"),
            Err(BinLineError::CardType)
        );
        assert_eq!(
            parse_bin_line("622202,ICBC,debit,elo,19,"),
            Err(BinLineError::Scheme)
        );
        assert_eq!(
            parse_bin_line("622202,ICBC,debit,unionpay,99,"),
            Err(BinLineError::Length)
        );
        assert_eq!(
            parse_bin_line("622202,ICBC,debit,unionpay,19"),
            Err(BinLineError::Columns)
        );
        assert_eq!(
            parse_bin_line("622202,ICBC,debit,unionpay,19,,x"),
            Err(BinLineError::Columns)
        );
        assert_eq!(parse_bin_line("# comment"), Ok(None));
        assert_eq!(parse_bin_line(""), Ok(None));
    }

    #[test]
    fn table_is_consistent() {
        let mut seen = std::collections::HashSet::new();
        for e in bin_table() {
            assert!(seen.insert(e.bin), "duplicate BIN {}", e.bin);
            assert!(
                e.scheme.length_allowed(e.length),
                "{} length {} not allowed for {:?}",
                e.bin,
                e.length,
                e.scheme
            );
            // The scheme column agrees with the prefix: bank BINs of the 62 family are UnionPay
            // (601382 is BOC's UnionPay debit BIN in Maestro's generic 60 range).
            let generic = scheme_by_prefix(e.bin.as_bytes());
            if e.bin != "601382" {
                assert_eq!(generic, Some(e.scheme), "BIN {} scheme column", e.bin);
            }
        }
        for bank in Bank::ALL {
            for t in [CardType::Debit, CardType::Credit] {
                let (bin, s, _) = test_card_prefix(bank, t).expect("every bank has both types");
                assert_eq!(s, CardScheme::Unionpay, "{bank:?} {t:?} sandbox BIN {bin}");
            }
        }
    }

    #[test]
    fn luhn() {
        assert!(luhn_valid("4111111111111111"));
        assert!(luhn_valid("79927398713"));
        assert!(!luhn_valid("79927398710"));
        assert!(!luhn_valid(""));
        assert!(!luhn_valid("0"));
        assert!(luhn_valid("00"));
        assert!(!luhn_valid("4111 1111 1111 1111"));
        assert!(!luhn_valid("411111111111111１"));
        assert_eq!(luhn_complete("7992739871"), "79927398713");
        assert_eq!(luhn_complete("411111111111111"), "4111111111111111");
        assert_eq!(luhn_complete("6222 0212"), luhn_complete("62220212"));
        assert_eq!(luhn_complete(""), "0");
        for p in ["1", "12", "123", "62220212345678901", "9"] {
            assert!(luhn_valid(&luhn_complete(p)), "{p}");
        }
    }

    #[test]
    fn lenient_input() {
        let a = inspect("6222 0212 3456 7890");
        let b = inspect("6222021234567890");
        assert_eq!(a, b);
        assert_eq!(a.bank, Some(Bank::Icbc));
        assert_eq!(inspect("4111-1111-1111-1111"), inspect("4111111111111111"));
        assert_eq!(
            inspect("  4111 1111 1111 1111\n"),
            inspect("4111111111111111")
        );
        for bad in [
            "",
            "   ",
            "-4111111111111111",
            "4111111111111111-",
            "4111.1111.1111.1111",
            "4111_1111_1111_1111",
            "41111111111111１1",
            "abcd",
            "4111\u{a0}1111",
        ] {
            assert_eq!(inspect(bad), CardInspection::NOTHING, "{bad:?}");
        }
        // Longer than any card: still inspected (Luhn answered), never length-valid.
        let long = luhn_complete(&"4".repeat(40));
        let i = inspect(&long);
        assert!(i.luhn_valid && !i.length_valid);
        assert_eq!(i.scheme, Some(CardScheme::Visa));
        assert_eq!(
            normalize_card_number("6222 0212-3456"),
            Some("622202123456".into())
        );
    }

    #[test]
    fn schemes() {
        assert_eq!(scheme("4111111111111111"), Some(CardScheme::Visa));
        assert_eq!(scheme("5555555555554444"), Some(CardScheme::Mastercard));
        assert_eq!(scheme("2221000000000009"), Some(CardScheme::Mastercard));
        assert_eq!(scheme("2720990000000007"), Some(CardScheme::Mastercard));
        assert_eq!(scheme("2721000000000000"), None);
        assert_eq!(scheme("2220990000000000"), None);
        assert_eq!(scheme("378282246310005"), Some(CardScheme::Amex));
        assert_eq!(scheme("3530111333300000"), Some(CardScheme::Jcb));
        assert_eq!(scheme("3527000000000000"), None);
        assert_eq!(scheme("6011111111111117"), Some(CardScheme::Discover));
        assert_eq!(scheme("6445000000000000"), Some(CardScheme::Discover));
        assert_eq!(scheme("6500000000000000"), Some(CardScheme::Discover));
        assert_eq!(scheme("30569309025904"), Some(CardScheme::Diners));
        assert_eq!(scheme("3060000000000000"), None);
        assert_eq!(scheme("2200000000000004"), Some(CardScheme::Mir));
        assert_eq!(scheme("2205000000000000"), None);
        assert_eq!(scheme("6212345678900000003"), Some(CardScheme::Unionpay));
        assert_eq!(scheme("8100513433325374"), Some(CardScheme::Unionpay));
        assert_eq!(scheme("8171000000000000"), Some(CardScheme::Unionpay));
        assert_eq!(scheme("8172000000000000"), None);
        assert_eq!(scheme("6304000000000000"), Some(CardScheme::Maestro));
        assert_eq!(scheme("5018000000000000"), Some(CardScheme::Maestro));
        assert_eq!(scheme("6218300000000000"), Some(CardScheme::Maestro));
        assert_eq!(scheme("4936980000000000"), Some(CardScheme::Maestro));
        assert_eq!(scheme("1234567812345678"), None);
        assert_eq!(scheme("7000000000000000"), None);
        assert_eq!(scheme("9000000000000000"), None);
        // Unsupported networks.
        assert_eq!(scheme("4576321111111111"), None); // Elo inside Visa's 4
        assert_eq!(scheme("6062820524845321"), None); // Hipercard
        assert_eq!(scheme("5061001234567890123"), None); // Verve
        assert_eq!(scheme("9792100000000001"), None); // Troy
                                                      // Short input still has a scheme (as-you-type), but no valid length.
        let i = inspect("4");
        assert_eq!(i.scheme, Some(CardScheme::Visa));
        assert!(!i.length_valid && !i.luhn_valid);
    }

    /// The plain scan over every rule that the bucketed lookup must agree with.
    fn scheme_by_full_scan(digits: &[u8]) -> Option<CardScheme> {
        let mut best: Option<(u8, Network)> = None;
        for rule in PREFIX_RULES {
            let d = usize::from(rule.digits);
            if d > digits.len() || best.is_some_and(|(bd, _)| bd >= rule.digits) {
                continue;
            }
            let p: u32 = std::str::from_utf8(&digits[..d]).unwrap().parse().unwrap();
            if (rule.lo..=rule.hi).contains(&p) {
                best = Some((rule.digits, rule.network));
            }
        }
        match best {
            Some((_, Network::Ours(s))) => Some(s),
            _ => None,
        }
    }

    #[test]
    fn buckets_agree_with_a_full_scan() {
        let mut inputs: Vec<String> = (0..10_000).map(|p| format!("{p:04}000000000000")).collect();
        inputs.extend((0..10).map(|d| d.to_string()));
        for rule in PREFIX_RULES {
            for p in [rule.lo.saturating_sub(1), rule.lo, rule.hi, rule.hi + 1] {
                for tail in ["", "0000000000000", "9999999999999"] {
                    inputs.push(format!("{p}{tail}"));
                }
            }
        }
        for n in inputs {
            assert_eq!(
                scheme_by_prefix(n.as_bytes()),
                scheme_by_full_scan(n.as_bytes()),
                "{n}"
            );
        }
    }

    #[test]
    fn cobranded_range_is_unionpay() {
        for bin in [622126u32, 622500, 622925] {
            assert!(COBRANDED_UNIONPAY_DISCOVER.contains(&bin));
            let n = make(&bin.to_string(), 16);
            assert_eq!(scheme(&n), Some(CardScheme::Unionpay), "{n}");
        }
        // Bank BINs in the range keep their bank's scheme (UnionPay) and name the bank.
        let cmb = inspect(&make("622588", 16));
        assert_eq!(cmb.scheme, Some(CardScheme::Unionpay));
        assert_eq!(cmb.bank, Some(Bank::Cmb));
    }

    #[test]
    fn lengths() {
        let visa13 = inspect("4222222222222");
        assert!(visa13.length_valid && visa13.luhn_valid);
        assert!(inspect(&make("4", 19)).length_valid);
        assert!(!inspect(&make("4", 18)).length_valid);
        assert!(!inspect(&make("5555", 15)).length_valid);
        assert!(inspect(&make("62", 14)).length_valid);
        assert!(!inspect(&make("620", 13)).length_valid);
        assert!(inspect(&make("6304", 12)).length_valid);
        assert!(!inspect(&make("7", 16)).length_valid, "unknown scheme");
    }

    #[test]
    fn bank_bins() {
        let cases = [
            ("622202", Bank::Icbc, CardType::Debit, CardScheme::Unionpay),
            ("622208", Bank::Icbc, CardType::Debit, CardScheme::Unionpay),
            ("622588", Bank::Cmb, CardType::Debit, CardScheme::Unionpay),
            ("622609", Bank::Cmb, CardType::Debit, CardScheme::Unionpay),
            ("439225", Bank::Cmb, CardType::Credit, CardScheme::Visa),
            ("436742", Bank::Ccb, CardType::Debit, CardScheme::Visa),
            ("370247", Bank::Icbc, CardType::Credit, CardScheme::Amex),
            ("356889", Bank::Cmb, CardType::Credit, CardScheme::Jcb),
            ("601382", Bank::Boc, CardType::Debit, CardScheme::Unionpay),
            ("622568", Bank::Cgb, CardType::Debit, CardScheme::Unionpay),
            (
                "622630",
                Bank::HuaXia,
                CardType::Debit,
                CardScheme::Unionpay,
            ),
        ];
        for (bin, bank, t, s) in cases {
            let e = lookup_bin(&format!("{bin}1234567890")).expect(bin);
            let i = inspect(&make(bin, e.length));
            assert_eq!(
                (i.bank, i.card_type, i.scheme, i.luhn_valid, i.length_valid),
                (Some(bank), Some(t), Some(s), true, true),
                "{bin}"
            );
        }
        assert_eq!(inspect("4111111111111111").bank, None);
        assert_eq!(lookup_bin("62220"), None, "shorter than any BIN");
        assert_eq!(lookup_bin("622202").map(|e| e.bank), Some(Bank::Icbc));
    }

    #[test]
    fn test_prefixes_round_trip() {
        for bank in Bank::ALL {
            for t in [CardType::Debit, CardType::Credit] {
                let (prefix, s, len) = test_card_prefix(bank, t).unwrap();
                let n = make(prefix, len);
                let i = inspect(&n);
                assert_eq!(i.bank, Some(bank));
                assert_eq!(i.card_type, Some(t));
                assert_eq!(i.scheme, Some(s));
                assert!(i.is_valid(), "{n}");
                let c = CardNumber::parse(&n).unwrap();
                assert_eq!(c.bank(), Some(bank));
                assert_eq!(c.card_type(), Some(t));
            }
        }
    }

    #[test]
    fn names() {
        for b in Bank::ALL {
            assert_eq!(serde_json::to_value(b).unwrap(), b.code());
            assert_eq!(Bank::from_code(b.code()), Some(b));
            assert_eq!(Bank::from_code(&b.code().to_lowercase()), Some(b));
            assert!(!b.name_zh().is_empty() && !b.name_zh_tw().is_empty());
            assert!(!b.name_en().is_empty());
        }
        assert_eq!(Bank::Cmb.name_zh(), "招商银行");
        assert_eq!(Bank::Icbc.name_zh(), "中国工商银行");
        assert_eq!(Bank::Cgb.name_zh(), "广发银行");
        assert_eq!(Bank::HuaXia.name_zh(), "华夏银行");
        assert_eq!(Bank::HuaXia.name_zh_tw(), "華夏銀行");
        assert_eq!(Bank::from_code("GDB"), Some(Bank::Cgb));
        assert_eq!(Bank::from_code("XYZ"), None);
        for s in CardScheme::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.code());
            assert_eq!(CardScheme::from_code(s.code()), Some(s));
        }
        assert_eq!(CardScheme::Unionpay.name(), "UnionPay");
        assert_eq!(CardScheme::Amex.name(), "American Express");
        for t in [CardType::Debit, CardType::Credit] {
            assert_eq!(serde_json::to_value(t).unwrap(), t.code());
        }
        assert_eq!(CardType::Debit.label_zh(), "储蓄卡");
        assert_eq!(CardType::Credit.label_zh(), "信用卡");
        assert_eq!(CardType::Debit.label_en(), "Debit");
        assert_eq!(CardType::Credit.label_en(), "Credit");
        assert_eq!(
            card_label_zh(Bank::Cmb, CardType::Debit, "1234"),
            "招商银行 储蓄卡 (1234)"
        );
    }

    #[test]
    fn card_number() {
        let n = CardNumber::parse("4111 1111 1111 1111").unwrap();
        assert_eq!(n.digits(), "4111111111111111");
        assert_eq!(n.last4(), "1111");
        assert_eq!(n.scheme(), CardScheme::Visa);
        assert_eq!(n.to_string(), "**** 1111");
        assert_eq!(format!("{n:?}"), "CardNumber(**** 1111)");
        assert!(!format!("{n:?} {n} {n:#?}").contains("41111111"));
        assert!(n.inspection().is_valid());

        let icbc = make("622202", 19);
        let c: CardNumber = icbc.parse().unwrap();
        assert_eq!(c.scheme(), CardScheme::Unionpay);
        assert_eq!(c.bank(), Some(Bank::Icbc));
        assert_eq!(c.masked(), format!("**** {}", &icbc[15..]));

        assert_eq!(
            CardNumber::parse("4111x1111"),
            Err(CardNumberError::NotDigits)
        );
        assert_eq!(CardNumber::parse(""), Err(CardNumberError::NotDigits));
        assert_eq!(
            CardNumber::parse("41111111111"),
            Err(CardNumberError::Length)
        );
        assert_eq!(
            CardNumber::parse(&make("4", 20)),
            Err(CardNumberError::Length)
        );
        assert_eq!(
            CardNumber::parse(&make("4", 15)),
            Err(CardNumberError::Length)
        );
        assert_eq!(
            CardNumber::parse("4111111111111112"),
            Err(CardNumberError::Luhn)
        );
        assert_eq!(
            CardNumber::parse(&make("7", 16)),
            Err(CardNumberError::UnknownScheme)
        );
        assert_eq!(
            CardNumber::parse(&make("457632", 16)),
            Err(CardNumberError::UnknownScheme)
        );
        // Messages state the rule; they never echo the input.
        for input in [
            "4111x1111",
            "41111111111",
            "4111111111111112",
            &make("7", 16),
        ] {
            let msg = CardNumber::parse(input).unwrap_err().to_string();
            assert!(!msg.contains("1111") && !msg.contains("7000"), "{msg}");
        }
    }
}
