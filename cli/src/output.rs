//! How results are shown: one JSON object on stdout with `--json`, readable lines otherwise.
//! Errors go to stdout as JSON in `--json` mode (scripts read one stream) and to stderr for humans.

use std::io::IsTerminal as _;

use serde_json::{json, Value};
use wallet_core::{
    AccountSettings, AccountState, AccountStatus, Budget, BudgetAlert, DeviceEvent, Direction,
    FundingSources, HistoryEntry, HistoryPage, HistorySync, MonthlySummary, PhoneChangeStarted,
    Recipient, SecurityLog, SourceOption,
};
use wallet_core::{
    Balance, Bank, Card, CardInspection, CardScheme, CardStatus, CardType, ChallengePurpose,
    DecodedQr, Device, ErrorCode, Money, Operation, OperationKind, OperationStatus, Order,
    OrderStatus, PasswordStrength, PaycodeSettings, PaycodeView, PaymentChannel,
    PendingCardBinding, PendingVerification, PinState, Profile, QrKind, QrNetwork, QrPayment,
    WalletError,
};

use crate::i18n::{self, Lang, Msg};
use crate::table::{pad, printable, printable_lines, Align, Table};

/// A line for humans on stdout. Every human line goes through here (or a [`Table`], whose cells
/// are escaped the same way): control characters and direction overrides in text from outside
/// (a scanned code, a merchant's, device's or person's name, a note, a server's message) are
/// shown escaped, never obeyed; only the line breaks of the layout stay. JSON output is printed
/// as serialised (JSON escapes control characters itself).
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", printable_lines(&format!($($arg)*)))
    };
}

/// [`say!`] on stderr.
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", printable_lines(&format!($($arg)*)))
    };
}

pub struct Out {
    json: bool,
    lang: Lang,
}

impl Out {
    pub fn new(json: bool, lang: Lang) -> Self {
        Self { json, lang }
    }

    fn print_json(&self, v: &Value) {
        println!("{v}");
    }

    fn t(&self, m: Msg) -> String {
        i18n::text(self.lang, m)
    }

    /// [`Self::t`] with the line's arguments (`{ $amount }` in the catalogue).
    fn ta(&self, m: Msg, args: &[(&str, &str)]) -> String {
        i18n::text_with(self.lang, m, args)
    }

    pub fn error(&self, e: &WalletError) {
        if self.json {
            let mut err = json!({ "code": e.code, "message": e.message });
            if let Some(secs) = e.retry_after_secs {
                err["retry_after_secs"] = json!(secs);
            }
            self.print_json(&json!({ "error": err }));
        } else {
            // The catalogue's message (what happened, what to do), the command that helps,
            // then the specifics the core's English message carries: always in English (it was
            // all English users saw before the catalogue), for the codes where they matter in
            // Chinese (tries left, the rule broken, which servers).
            let text = i18n::error_text(self.lang, e.code);
            say_err!("{}: {text} ({})", self.t(Msg::Error), e.code);
            if let Some(hint) = i18n::error_hint(self.lang, e.code) {
                say_err!("  {hint}");
            }
            let detail_matters = self.lang == Lang::En || i18n::detail_matters(e.code);
            if detail_matters && e.message != e.code.title() && e.message != text {
                say_err!("  {}", e.message);
            }
            if let Some(secs) = e.retry_after_secs {
                let secs = secs.to_string();
                say_err!("  {}", self.ta(Msg::RetryAfter, &[("seconds", &secs)]));
            }
        }
    }

    /// A command line that does not parse, with --json: one JSON object on stdout, with clap's
    /// usage line when it gave one.
    pub fn usage_error(&self, e: &WalletError, usage: Option<&str>) {
        let mut err = json!({ "code": e.code, "message": e.message });
        if let Some(usage) = usage {
            err["usage"] = json!(usage);
        }
        self.print_json(&json!({ "error": err }));
    }

    /// Before a sign-up is sent: zxcvbn's feedback on a weak password (humans only).
    pub fn password_warning(&self, s: &PasswordStrength) {
        if self.json || s.acceptable {
            return;
        }
        say_err!("{} ({}/4)", self.t(Msg::WeakPassword), s.score);
        if let Some(w) = &s.warning {
            say_err!("  {w}");
        }
        for tip in &s.suggestions {
            say_err!("  - {tip}");
        }
    }

    pub fn pending(&self, p: &PendingVerification) {
        if self.json {
            self.print_json(&json!({
                "status": "pending_verification",
                "purpose": p.purpose,
                "phone_masked": p.phone_masked,
                "expires_at": p.expires_at,
            }));
        } else {
            let next = match p.purpose {
                ChallengePurpose::PinReset => Msg::NextPinReset,
                _ => Msg::NextVerify,
            };
            say!("{} {}", self.t(Msg::CodeSent), p.phone_masked);
            say!("{} {}", self.t(next), p.expires_at);
        }
    }

    pub fn profile(&self, p: &Profile, _just_enrolled: bool) {
        if self.json {
            self.print_json(&json!(p));
        } else {
            say!("{} {} ({})", self.t(Msg::SignedIn), p.name, p.phone_masked);
            say!("  {} {}", self.t(Msg::AccountLabel), p.account_id);
            say!("  ID: **************{}", p.id_last4);
            say!("{} {}", self.t(Msg::ThisDevice), p.device_id);
        }
    }

    pub fn devices(&self, devices: &[Device]) {
        if self.json {
            self.print_json(&json!({ "devices": devices }));
            return;
        }
        if devices.is_empty() {
            say!("{}", self.t(Msg::NoDevices));
        }
        let mut table = Table::new(&[Align::Left; 6]);
        for d in devices {
            table.row([
                if d.current { "*" } else { " " }.to_owned(),
                d.device_id.clone(),
                d.platform.clone(),
                d.name.clone(),
                format!("{} {}", self.t(Msg::Enrolled), d.enrolled_at),
                format!("{} {}", self.t(Msg::LastSeen), d.last_seen_at),
            ]);
        }
        table.print();
    }

    pub fn revoked(&self, id: &str) {
        if self.json {
            self.print_json(&json!({ "revoked": id }));
        } else {
            say!("{} {id}", self.t(Msg::Revoked));
        }
    }

    pub fn logged_out(&self) {
        if self.json {
            self.print_json(&json!({ "logged_out": true }));
        } else {
            say!("{}", self.t(Msg::LoggedOut));
        }
    }

    /// A one-word success: `{"<key>": true}` or a line for humans.
    pub fn done(&self, key: &str, msg: Msg) {
        if self.json {
            self.print_json(&json!({ key: true }));
        } else {
            say!("{}", self.t(msg));
        }
    }

    // --- PIN ---

    pub fn pin_state(&self, p: &PinState) {
        if self.json {
            self.print_json(&json!(p));
            return;
        }
        say!(
            "{}",
            self.t(if p.set { Msg::PinIsSet } else { Msg::PinNotSet })
        );
        if let Some(until) = &p.locked_until {
            say!("  {} {until}", self.t(Msg::PinLockedUntil));
        }
    }

    // --- cards ---

    /// `招商银行 储蓄卡 (1234)` in the chosen language; the scheme stands in for an unknown bank.
    fn card_label(
        &self,
        bank: Option<Bank>,
        scheme: CardScheme,
        kind: CardType,
        last4: &str,
    ) -> String {
        format!(
            "{} {} ({last4})",
            self.issuer(bank, scheme),
            self.card_type(kind)
        )
    }

    fn issuer(&self, bank: Option<Bank>, scheme: CardScheme) -> &'static str {
        match (bank, self.lang) {
            (Some(b), Lang::En) => b.name_en(),
            (Some(b), Lang::ZhCn) => b.name_zh(),
            (Some(b), Lang::ZhTw) => b.name_zh_tw(),
            (None, _) => scheme.name(),
        }
    }

    fn card_type(&self, kind: CardType) -> &'static str {
        match self.lang {
            Lang::En => kind.label_en(),
            Lang::ZhCn => kind.label_zh(),
            Lang::ZhTw => kind.label_zh_tw(),
        }
    }

    fn bank_name(&self, bank: Bank) -> &'static str {
        match self.lang {
            Lang::En => bank.name_en(),
            Lang::ZhCn => bank.name_zh(),
            Lang::ZhTw => bank.name_zh_tw(),
        }
    }

    /// `wallet card inspect`: exactly `{luhn_valid, length_valid, scheme, bank, card_type}`.
    pub fn card_inspection(&self, i: &CardInspection) {
        if self.json {
            self.print_json(&json!(i));
            return;
        }
        let valid = i.luhn_valid && i.length_valid && i.scheme.is_some();
        let unknown = self.t(Msg::Unknown);
        let ok = |b: bool| self.t(if b { Msg::Ok } else { Msg::Wrong });
        say!(
            "{} {} {}, {} {}, {} {}; {} {}, {} {}",
            self.t(if valid {
                Msg::CardValid
            } else {
                Msg::CardInvalid
            }),
            self.t(Msg::Scheme),
            i.scheme.map_or(unknown.as_str(), |s| s.name()),
            self.t(Msg::Bank),
            i.bank.map_or(unknown.as_str(), |b| self.bank_name(b)),
            self.t(Msg::CardKind),
            i.card_type.map_or(unknown.as_str(), |k| self.card_type(k)),
            self.t(Msg::CheckDigit),
            ok(i.luhn_valid),
            self.t(Msg::Length),
            ok(i.length_valid),
        );
    }

    pub fn card_binding(&self, p: &PendingCardBinding) {
        if self.json {
            self.print_json(&json!(p));
            return;
        }
        say!(
            "{} {}",
            self.card_label(p.bank, p.scheme, p.card_type, &p.last4),
            p.binding_id
        );
        say!("{} {}", self.t(Msg::BankCodeSent), p.phone_masked);
        say!("{} {}", self.t(Msg::NextCardVerify), p.expires_at);
    }

    /// Cards as a table: id, bank and type (last 4), status, default.
    fn card_table(&self, cards: &[Card], indent: &str) -> Table {
        let mut table = Table::new(&[Align::Left; 4]).indent(indent);
        for c in cards {
            table.row([
                c.card_id.clone(),
                self.card_label(c.bank, c.scheme, c.card_type, &c.last4),
                self.t(match c.status {
                    CardStatus::Active => Msg::Active,
                    CardStatus::Suspended => Msg::Suspended,
                })
                .to_owned(),
                if c.is_default {
                    format!("[{}]", self.t(Msg::DefaultCard))
                } else {
                    String::new()
                },
            ]);
        }
        table
    }

    /// One card after binding, making it the default or reporting it lost.
    pub fn card(&self, c: &Card, headline: Msg) {
        if self.json {
            self.print_json(&json!(c));
        } else {
            say!("{}", self.t(headline));
            self.card_table(std::slice::from_ref(c), "  ").print();
        }
    }

    pub fn cards(&self, cards: &[Card]) {
        if self.json {
            self.print_json(&json!({ "cards": cards }));
            return;
        }
        if cards.is_empty() {
            say!("{}", self.t(Msg::NoCards));
        }
        self.card_table(cards, "").print();
    }

    pub fn unbound(&self, id: &str) {
        if self.json {
            self.print_json(&json!({ "unbound": id }));
        } else {
            say!("{} {id}", self.t(Msg::Unbound));
        }
    }

    // --- money ---

    /// An operation for humans in cells: kind, signed amount, status, counterpart, and details
    /// (failure code; a withdrawal's fee and what the card receives).
    fn operation_cells(&self, op: &Operation) -> [String; 5] {
        let (kind, sign) = match op.kind {
            OperationKind::Topup => (Msg::Topup, ""),
            OperationKind::Withdrawal => (Msg::Withdrawal, "-"),
            OperationKind::Payment => (Msg::Payment, "-"),
            OperationKind::Refund => (Msg::Refund, "+"),
            OperationKind::TransferOut => (Msg::TransferOut, "-"),
            OperationKind::TransferIn => (Msg::TransferIn, "+"),
        };
        let status = self.t(match op.status {
            OperationStatus::Succeeded => Msg::Succeeded,
            OperationStatus::Pending => Msg::Pending,
            OperationStatus::Failed => Msg::Failed,
        });
        let counterpart = match (&op.merchant_name, op.bank, op.card_last4.as_deref()) {
            (Some(merchant), _, _) => merchant.clone(),
            (None, _, _) if op.counterparty_name_masked.is_some() => format!(
                "{} ({})",
                op.counterparty_name_masked.as_deref().unwrap_or_default(),
                op.counterparty_phone_masked.as_deref().unwrap_or_default()
            ),
            (None, Some(b), None) => self.bank_name(b).to_owned(),
            (None, Some(b), Some(last4)) => format!("{} ({last4})", self.bank_name(b)),
            // A card unbound since: the server no longer names it.
            (None, None, None) => "****".to_owned(),
            (None, None, Some(last4)) => format!("**** {last4}"),
        };
        let mut details = Vec::new();
        if let Some(code) = op.failure_code {
            details.push(code.to_string());
        }
        if let Some(source) =
            self.source_label(op.source.as_deref(), op.bank, op.card_last4.as_deref())
        {
            details.push(source);
        }
        if op.kind == OperationKind::Withdrawal && op.fee.minor != 0 {
            let receives = op
                .amount
                .checked_sub(op.fee)
                .map_or_else(|_| "?".to_owned(), Money::display);
            details.push(format!("{} {}", self.t(Msg::Fee), op.fee.display()));
            details.push(format!("{} {receives}", self.t(Msg::CardReceives)));
        }
        [
            self.t(kind).to_owned(),
            format!("{sign}{}", op.amount.display()),
            status.to_owned(),
            counterpart,
            details.join(" · "),
        ]
    }

    /// One operation on one line: `Top-up ¥100.00 succeeded · ICBC (0018)`.
    fn operation_line(&self, op: &Operation) -> String {
        let [kind, amount, status, counterpart, details] = self.operation_cells(op);
        let mut line = format!("{kind} {amount} {status} · {counterpart}");
        if !details.is_empty() {
            line.push_str(&format!(" · {details}"));
        }
        line
    }

    /// A top-up or withdrawal that succeeded or is still pending.
    pub fn operation(&self, op: &Operation) {
        if self.json {
            self.print_json(&json!(op));
            return;
        }
        say!("{}", self.operation_line(op));
        say!("  {} {}", self.t(Msg::Operation), op.operation_id);
        if op.status == OperationStatus::Pending {
            say!("  {}", self.t(Msg::PendingHint));
        }
    }

    /// A top-up or withdrawal the bank refused: an error carrying the operation.
    pub fn operation_failed(&self, op: &Operation) {
        let code = op.failure_code.unwrap_or(ErrorCode::Protocol);
        if self.json {
            self.print_json(&json!({ "error": {
                "code": code,
                "message": code.title(),
                "operation": op,
            }}));
        } else {
            self.error(&WalletError::from(code));
            say_err!("  {}", self.operation_line(op));
            say_err!("  {} {}", self.t(Msg::Operation), op.operation_id);
        }
    }

    pub fn balance(&self, b: &Balance) {
        if self.json {
            self.print_json(&json!(b));
            return;
        }
        say!(
            "{} {}  ({} {})",
            self.t(Msg::Balance),
            b.balance.display(),
            self.t(Msg::AsOf),
            b.as_of
        );
        if b.stale {
            say!("  {}", self.t(Msg::Stale));
        }
        let fill = |m: Msg, each: Money, left: Money| {
            self.ta(m, &[("each", &each.display()), ("left", &left.display())])
        };
        say!(
            "  {}",
            fill(
                Msg::TopupLimits,
                b.limits.topup_per_payment,
                b.limits.topup_daily_remaining
            )
        );
        say!(
            "  {}",
            fill(
                Msg::WithdrawLimits,
                b.limits.withdraw_per_payment,
                b.limits.withdraw_daily_remaining
            )
        );
        if b.operations.is_empty() {
            say!("{}", self.t(Msg::NoOperations));
            return;
        }
        say!("{}", self.t(Msg::Recent));
        self.operations_table(&b.operations).print();
    }

    /// Operations as a table: time, kind, amount, status, counterpart, details, id.
    fn operations_table(&self, operations: &[Operation]) -> Table {
        let mut table = Table::new(&[
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ])
        .indent("  ");
        for op in operations {
            let [kind, amount, status, counterpart, details] = self.operation_cells(op);
            table.row([
                op.created_at.clone(),
                kind,
                amount,
                status,
                counterpart,
                details,
                op.operation_id.clone(),
            ]);
        }
        table
    }

    // --- QR pay, payment codes, orders ---

    fn network_label(&self, d: &DecodedQr) -> String {
        match (d.kind, d.network) {
            (QrKind::EmvcoMpm, Some(QrNetwork::Wallet)) => self.t(Msg::OurNetwork).to_owned(),
            _ => d
                .network_name
                .clone()
                .unwrap_or_else(|| self.t(Msg::Unknown).to_owned()),
        }
    }

    /// `wallet qr decode`: the DecodedQr fields plus `payload` (the text as given or as read
    /// from the image) with --json; for humans what it is, whether it can be paid, and links
    /// shown as text with a warning (never opened). The text read from an image is shown first.
    pub fn decoded_qr(&self, d: &DecodedQr, payload: &str, from_image: bool) {
        if self.json {
            if d.kind == QrKind::Url {
                say_err!("{}", self.t(Msg::LinkNotOpened));
            }
            let mut v = json!(d);
            v["payload"] = json!(payload);
            self.print_json(&v);
            return;
        }
        if from_image {
            say!("{} {}", self.t(Msg::ReadFromImage), printable(payload));
        }
        match d.kind {
            QrKind::Url | QrKind::Text => {
                let text = d.text.as_deref().unwrap_or_default();
                let label = if d.kind == QrKind::Url {
                    Msg::QrLink
                } else {
                    Msg::QrText
                };
                // One line, whatever the code holds: its own line breaks are shown as `\n`.
                say!("{}: {}", self.t(label), printable(text));
                if d.kind == QrKind::Url {
                    say_err!("{}", self.t(Msg::LinkNotOpened));
                }
                return;
            }
            _ => {}
        }
        say!("{}", self.network_label(d));
        say!(
            "  {}",
            self.t(if d.payable {
                Msg::Payable
            } else {
                Msg::NotPayable
            })
        );
        let field = |m: Msg, v: &Option<String>| {
            if let Some(v) = v {
                say!("  {} {}", pad(&self.t(m), 14), printable(v));
            }
        };
        field(Msg::MerchantName, &d.merchant_name);
        field(Msg::City, &d.merchant_city);
        field(Msg::Country, &d.country);
        field(Msg::Mcc, &d.mcc);
        field(Msg::CurrencyLabel, &d.currency);
        match (&d.amount, d.point_of_initiation.as_deref()) {
            (Some(a), _) => say!("  {} {}", pad(&self.t(Msg::AmountLabel), 14), printable(a)),
            (None, Some("11")) => say!("  {}", self.t(Msg::StaticCode)),
            _ => {}
        }
        if let Some(crc) = d.valid_crc {
            say!(
                "  {} {}",
                pad("CRC", 14),
                self.t(if crc { Msg::Ok } else { Msg::Wrong })
            );
        }
        if let Some(text) = &d.text {
            say!("  {}", printable(text));
            say_err!("{}", self.t(Msg::LinkNotOpened));
        }
        for (tag, subs) in &d.templates {
            let inner: Vec<String> = subs
                .iter()
                .map(|(k, v)| format!("{}={}", printable(k), printable(v)))
                .collect();
            say!("  [{tag}] {}", inner.join(" "));
        }
    }

    /// A payload `qr decode` could not decode: the error, with the text that was decoded
    /// (`payload` in the JSON error; for humans, the text read from an image).
    pub fn qr_error(&self, e: &WalletError, payload: &str, from_image: bool) {
        if self.json {
            let err = json!({ "code": e.code, "message": e.message, "payload": payload });
            self.print_json(&json!({ "error": err }));
        } else {
            self.error(e);
            if from_image {
                say_err!("  {} {}", self.t(Msg::ReadFromImage), printable(payload));
            }
        }
    }

    /// Before paying: the merchant on record, and a warning when the printed name differs.
    pub fn qr_payment(&self, p: &QrPayment) {
        if self.json {
            return;
        }
        say!(
            "{} {} ({}, MCC {})",
            self.t(Msg::MerchantOnRecord),
            p.merchant_name,
            p.merchant_city,
            p.mcc
        );
        if p.name_mismatch {
            say!(
                "{}",
                self.ta(
                    Msg::NameMismatch,
                    &[
                        ("code_name", &p.printed_name),
                        ("record_name", &p.merchant_name)
                    ]
                )
            );
        }
        if let Some(amount) = p.amount {
            say!("  {} {}", self.t(Msg::AmountLocked), amount.display());
        }
    }

    /// Where a payment's money came from: `from balance`, `from 招商银行 (1234)`,
    /// `from phone bill`; `None` when the operation has no source (not a payment or refund).
    fn source_label(
        &self,
        source: Option<&str>,
        bank: Option<Bank>,
        last4: Option<&str>,
    ) -> Option<String> {
        let what = match source? {
            "balance" => self.t(Msg::SourceBalance).to_owned(),
            "carrier" => self.t(Msg::SourceCarrier).to_owned(),
            _ => match (bank, last4) {
                (Some(b), Some(l)) => format!("{} ({l})", self.bank_name(b)),
                (None, Some(l)) => format!("**** {l}"),
                _ => self.t(Msg::Card).to_owned(),
            },
        };
        Some(self.ta(Msg::SourceFrom, &[("source", &what)]))
    }

    /// `wallet sources [set ...]`: the default order, then every source.
    pub fn sources(&self, s: &FundingSources, saved: bool) {
        if self.json {
            self.print_json(&json!(s));
            return;
        }
        if saved {
            say!("{}", self.t(Msg::SettingsSaved));
        }
        let label = |o: &SourceOption| -> String {
            match (&o.card, &o.balance, &o.phone_masked) {
                (Some(c), _, _) => self.card_label(c.bank, c.scheme, c.card_type, &c.last4),
                (None, Some(b), _) => format!("{} {}", self.t(Msg::SourceBalance), b.display()),
                (None, None, Some(p)) => format!("{} {p}", self.t(Msg::SourceCarrier)),
                _ => o.source.clone(),
            }
        };
        let order: Vec<String> = s
            .order
            .iter()
            .map(|id| {
                s.sources
                    .iter()
                    .find(|o| &o.source == id)
                    .map_or_else(|| id.clone(), &label)
            })
            .collect();
        say!("{} {}", self.t(Msg::DefaultOrder), order.join(" → "));
        let mut table = Table::new(&[Align::Left; 3]).indent("  ");
        for o in &s.sources {
            let mut note = Vec::new();
            if !o.usable {
                note.push(self.t(Msg::Suspended).to_owned());
            }
            if let Some(left) = o.monthly_remaining {
                note.push(self.ta(Msg::MonthlyLeft, &[("amount", &left.display())]));
            }
            table.row([o.source.clone(), label(o), note.join(" · ")]);
        }
        table.print();
    }

    /// A payment made by scanning: the operation, plus the merchant and the printed name.
    pub fn payment(&self, op: &Operation, p: &QrPayment) {
        if self.json {
            let mut v = json!(op);
            v["merchant"] = json!({
                "merchant_id": p.merchant_id,
                "name": p.merchant_name,
                "city": p.merchant_city,
                "mcc": p.mcc,
            });
            v["printed_name"] = json!(p.printed_name);
            v["name_mismatch"] = json!(p.name_mismatch);
            self.print_json(&v);
            return;
        }
        self.operation(op);
    }

    pub fn paycode(&self, v: &PaycodeView, watching: bool) {
        if self.json {
            self.print_json(&json!({
                "code": v.code,
                "grouped": v.grouped,
                "expires_at": v.expires_at,
                "seconds_left": v.seconds_left,
            }));
            return;
        }
        if std::io::stdout().is_terminal() {
            if let Ok(code) = qrcode::QrCode::new(v.code.as_bytes()) {
                let art = code
                    .render::<qrcode::render::unicode::Dense1x2>()
                    .dark_color(qrcode::render::unicode::Dense1x2::Light)
                    .light_color(qrcode::render::unicode::Dense1x2::Dark)
                    .build();
                say!("{art}");
            }
        }
        say!("{}  {}", self.t(Msg::PaycodeLabel), v.grouped);
        say!(
            "  {}",
            self.ta(
                Msg::PaycodeExpires,
                &[
                    ("seconds", &v.seconds_left.to_string()),
                    ("until", &v.expires_at)
                ]
            )
        );
        if !watching {
            say!("  {}", self.t(Msg::PaycodeHint));
        }
    }

    pub fn paycode_settings(&self, s: &PaycodeSettings, saved: bool) {
        if self.json {
            self.print_json(&json!(s));
            return;
        }
        if saved {
            say!("{}", self.t(Msg::LimitsSaved));
        }
        if s.no_pin_enabled {
            say!(
                "{}",
                self.ta(
                    Msg::NoPinLimits,
                    &[
                        ("each", &s.no_pin_per_payment.display()),
                        ("daily", &s.no_pin_daily.display()),
                        ("left", &s.no_pin_daily_remaining.display())
                    ]
                )
            );
        } else {
            say!("{}", self.t(Msg::NoPinOff));
        }
        say!(
            "  {}",
            self.ta(
                Msg::NoPinCeilings,
                &[
                    ("each", &s.max_per_payment.display()),
                    ("daily", &s.max_daily.display())
                ]
            )
        );
    }

    /// Orders as a table: id, amount, description, merchant (city), status, channel, until.
    fn orders_table(&self, orders: &[Order], indent: &str) -> Table {
        let mut table = Table::new(&[
            Align::Left,
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ])
        .indent(indent);
        for o in orders {
            table.row(self.order_cells(o));
        }
        table
    }

    fn order_cells(&self, o: &Order) -> [String; 7] {
        let status = self.t(match o.status {
            OrderStatus::Open => Msg::OrderOpen,
            OrderStatus::Paid => Msg::OrderPaid,
            OrderStatus::Refunded => Msg::OrderRefunded,
            OrderStatus::Declined => Msg::OrderDeclined,
            OrderStatus::Expired => Msg::OrderExpired,
        });
        let channel = self.t(match o.channel {
            PaymentChannel::Paycode => Msg::ChannelPaycode,
            PaymentChannel::RemoteOrder => Msg::ChannelRemote,
            PaymentChannel::StaticQr | PaymentChannel::DynamicQr => Msg::ChannelQr,
            PaymentChannel::Sms => Msg::ChannelSms,
            PaymentChannel::Checkout => Msg::ChannelCheckout,
        });
        let until = if o.status == OrderStatus::Open {
            format!("{} {}", self.t(Msg::Until), o.expires_at)
        } else {
            String::new()
        };
        [
            o.order_id.clone(),
            o.amount.display(),
            o.description.clone().unwrap_or_default(),
            format!("{} ({})", o.merchant_name, o.merchant_city),
            status.to_owned(),
            channel.to_owned(),
            until,
        ]
    }

    pub fn orders(&self, orders: &[Order]) {
        if self.json {
            self.print_json(&json!({ "orders": orders }));
            return;
        }
        if orders.is_empty() {
            say!("{}", self.t(Msg::NoOrders));
            return;
        }
        self.orders_table(orders, "").print();
        say!("{}", self.t(Msg::OrdersHint));
    }

    pub fn order_declined(&self, o: &Order) {
        if self.json {
            self.print_json(&json!(o));
            return;
        }
        say!("{}", self.t(Msg::DeclinedDone));
        self.orders_table(std::slice::from_ref(o), "  ").print();
    }

    // --- lost phone (issue 5) ---

    pub fn report_lost_sent(&self) {
        if self.json {
            self.print_json(&json!({ "received": true }));
        } else {
            say!("{}", self.t(Msg::ReportLostSent));
        }
    }

    pub fn account_status(&self, s: &AccountStatus) {
        if self.json {
            self.print_json(&json!(s));
            return;
        }
        match s.state {
            AccountState::Active => say!("{}", self.t(Msg::StateActive)),
            AccountState::Frozen => {
                say!("{}", self.t(Msg::StateFrozen));
                if let Some(t) = &s.frozen_since {
                    say!("  {} {t}", self.t(Msg::Since));
                }
            }
            AccountState::CoolingOff => {
                say!(
                    "{} {}",
                    self.t(Msg::StateCoolingOff),
                    s.cooling_off_until.as_deref().unwrap_or("?")
                );
                say!(
                    "  {} {}",
                    self.t(Msg::CoolingOffLimit),
                    s.cooling_off_limit.display()
                );
            }
        }
    }

    /// `wallet freeze`: frozen now; this device stays signed in.
    pub fn frozen_now(&self, s: &AccountStatus) {
        if self.json {
            self.print_json(&json!(s));
            return;
        }
        say!("{}", self.t(Msg::FrozenNow));
        self.account_status(s);
    }

    pub fn settings(&self, s: &AccountSettings, saved: bool) {
        if s.sms_login_enabled && saved {
            // On stderr in both modes: scripts read stdout, people see it.
            say_err!("{}", self.t(Msg::SmsLoginWarning));
        }
        self.settings_body(s, saved);
    }

    /// `wallet settings sms-pay on|off`: saved, with the SIM-swap warning when on.
    pub fn sms_pay_saved(&self, s: &AccountSettings) {
        if s.sms_pay_enabled {
            say_err!("{}", self.t(Msg::SmsPayWarning));
        }
        self.settings_body(s, true);
    }

    fn settings_body(&self, s: &AccountSettings, saved: bool) {
        if self.json {
            self.print_json(&json!(s));
            return;
        }
        if saved {
            say!("{}", self.t(Msg::SettingsSaved));
        }
        say!(
            "{}",
            self.t(if s.sms_login_enabled {
                Msg::SmsLoginOn
            } else {
                Msg::SmsLoginOff
            })
        );
        if s.sms_pay_enabled {
            say!(
                "{}",
                self.ta(
                    Msg::SmsPayOn,
                    &[
                        ("each", &s.sms_pay_per_payment.display()),
                        ("daily", &s.sms_pay_daily.display())
                    ]
                )
            );
        } else {
            say!("{}", self.t(Msg::SmsPayOff));
        }
    }

    pub fn phone_change_started(&self, p: &PhoneChangeStarted) {
        if self.json {
            self.print_json(&json!(p));
            return;
        }
        say!("{} {}", self.t(Msg::CodeSent), p.new_phone_masked);
        say!("  {} {}", self.t(Msg::ChallengeLabel), p.challenge_id);
        if let Some(old) = &p.old_challenge_id {
            say!("{}", self.t(Msg::OldNumberCodeSent));
            say!("  {} {old}", self.t(Msg::OldChallengeLabel));
        }
        let next = match &p.old_challenge_id {
            Some(old) => format!(
                "wallet phone verify --challenge {} --code <…> --old-challenge {old} --old-code <…> --cards keep|unbind",
                p.challenge_id
            ),
            None => format!(
                "wallet phone verify --challenge {} --code <…> --cards keep|unbind",
                p.challenge_id
            ),
        };
        say!("{} {next}", self.t(Msg::Next));
        say!("  {} {}", self.t(Msg::Until), p.expires_at);
    }

    pub fn phone_changed(&self, p: &Profile, cards_unbound: bool) {
        if self.json {
            self.print_json(&json!(p));
            return;
        }
        say!("{} {}", self.t(Msg::PhoneChanged), p.phone_masked);
        say!(
            "  {}",
            self.t(if cards_unbound {
                Msg::CardsUnboundRebind
            } else {
                Msg::CardsKept
            })
        );
    }

    pub fn security_log(&self, log: &SecurityLog) {
        if self.json {
            self.print_json(&json!(log));
            return;
        }
        if log.events.is_empty() {
            say!("{}", self.t(Msg::NoSecurityEvents));
        }
        let mut table = Table::new(&[Align::Left; 4]);
        for e in &log.events {
            table.row([
                e.at.as_str(),
                &i18n::security_kind(self.lang, e.kind),
                e.device_name.as_deref().unwrap_or_default(),
                e.detail.as_deref().unwrap_or_default(),
            ]);
        }
        table.print();
        if let Some(b) = &log.next_before {
            say!("{} {b}", self.t(Msg::OlderEntries));
        }
    }

    pub fn device_events(&self, events: &[DeviceEvent]) {
        if self.json {
            self.print_json(&json!({ "events": events }));
            return;
        }
        if events.is_empty() {
            say!("{}", self.t(Msg::NoDeviceEvents));
        }
        let mut table = Table::new(&[Align::Left; 5]);
        for e in events {
            table.row([
                e.at.clone(),
                i18n::event_kind(self.lang, e.kind).to_owned(),
                e.device_name.clone().unwrap_or_default(),
                e.reference.clone().unwrap_or_default(),
                e.cooling_off_until
                    .as_ref()
                    .map(|t| format!("{} {t}", self.t(Msg::Until)))
                    .unwrap_or_default(),
            ]);
        }
        table.print();
    }

    // --- transfers, history, insight ---

    /// Before a transfer: who will receive it (humans only; `transfer_done` carries it in JSON).
    pub fn recipient(&self, r: &Recipient) {
        if !self.json {
            say!(
                "{} {} ({})",
                self.t(Msg::Recipient),
                r.name_masked,
                r.phone_masked
            );
        }
    }

    /// The question asked on a terminal before a transfer.
    pub fn confirm_transfer_prompt(&self, amount: Money, r: &Recipient) -> String {
        // The answer is typed after one space (Fluent trims a text's trailing blanks).
        let question = self.ta(
            Msg::ConfirmTransfer,
            &[
                ("amount", &amount.display()),
                ("recipient", &printable(&r.name_masked)),
            ],
        );
        format!("{} ", printable_lines(&question))
    }

    pub fn transfer_cancelled(&self) {
        if self.json {
            self.print_json(&json!({ "cancelled": true }));
        } else {
            say!("{}", self.t(Msg::TransferCancelled));
        }
    }

    /// A transfer that succeeded or is pending: the operation plus the recipient.
    pub fn transfer_done(&self, op: &Operation, r: &Recipient) {
        if self.json {
            let mut v = json!(op);
            v["recipient"] = json!(r);
            self.print_json(&v);
        } else {
            self.operation(op);
            if let Some(n) = &op.note {
                say!("  {}: {n}", self.t(Msg::Note));
            }
        }
    }

    fn kind_label(&self, k: OperationKind) -> String {
        self.t(match k {
            OperationKind::Topup => Msg::Topup,
            OperationKind::Withdrawal => Msg::Withdrawal,
            OperationKind::Payment => Msg::Payment,
            OperationKind::Refund => Msg::Refund,
            OperationKind::TransferOut => Msg::TransferOut,
            OperationKind::TransferIn => Msg::TransferIn,
        })
    }

    fn status_label(&self, s: OperationStatus) -> String {
        self.t(match s {
            OperationStatus::Succeeded => Msg::Succeeded,
            OperationStatus::Pending => Msg::Pending,
            OperationStatus::Failed => Msg::Failed,
        })
    }

    /// A history entry for humans in cells: time, kind, signed amount, status, who, category,
    /// note.
    fn entry_cells(&self, e: &HistoryEntry) -> [String; 7] {
        let sign = match e.direction {
            Direction::In => "+",
            Direction::Out => "-",
        };
        let who = match (
            &e.merchant_name,
            &e.counterparty_name_masked,
            e.bank,
            &e.card_last4,
        ) {
            (Some(m), _, _, _) => m.clone(),
            (None, Some(c), _, _) => c.clone(),
            (None, None, Some(b), Some(l)) => format!("{} ({l})", self.bank_name(b)),
            (None, None, Some(b), None) => self.bank_name(b).to_owned(),
            (None, None, None, Some(l)) => format!("**** {l}"),
            (None, None, None, None) => String::new(),
        };
        // A payment or refund says where its money came from (went back to).
        let who = match self.source_label(e.source.as_deref(), e.bank, e.card_last4.as_deref()) {
            Some(source) if !who.is_empty() => format!("{who} · {source}"),
            Some(source) => source,
            None => who,
        };
        [
            e.created_at.clone(),
            self.kind_label(e.kind).to_owned(),
            format!("{sign}{}", e.amount.display()),
            self.status_label(e.status).to_owned(),
            who,
            e.category
                .map(|c| i18n::category(self.lang, c).to_owned())
                .unwrap_or_default(),
            e.note.clone().unwrap_or_default(),
        ]
    }

    /// One entry on one line: `2025-05-01T12:00:00+08:00  Payment -¥12.50 succeeded · 兰州拉面`.
    fn entry_line(&self, e: &HistoryEntry) -> String {
        let [at, kind, amount, status, who, category, note] = self.entry_cells(e);
        let mut line = format!("{at}  {kind} {amount} {status} · {who}");
        for extra in [category, note] {
            if !extra.is_empty() {
                line.push_str(&format!(" · {extra}"));
            }
        }
        line
    }

    /// Budget alerts raised by a sync: warnings for humans (JSON carries them in `synced`).
    fn budget_alerts(&self, alerts: &[BudgetAlert]) {
        for a in alerts {
            let m = if a.threshold_percent >= 100 {
                Msg::BudgetReached100
            } else {
                Msg::BudgetReached80
            };
            say_err!(
                "{}",
                self.ta(
                    m,
                    &[
                        ("category", &i18n::category(self.lang, a.category)),
                        (
                            "spent",
                            &format!("{} / {}", a.spent.display(), a.budget.display())
                        ),
                    ]
                )
            );
        }
    }

    fn sync_note(&self, synced: Option<&HistorySync>, stale: bool) {
        if stale {
            say_err!("{}", self.t(Msg::HistoryOffline));
        }
        if let Some(s) = synced {
            if s.added > 0 || s.updated > 0 {
                say_err!(
                    "{}",
                    self.ta(
                        Msg::HistorySynced,
                        &[
                            ("added", &s.added.to_string()),
                            ("updated", &s.updated.to_string())
                        ]
                    )
                );
            }
            self.budget_alerts(&s.alerts);
        }
    }

    /// A page of the history; `synced` is what the sync before it did (none with --offline),
    /// `stale` when the server could not be reached.
    pub fn history(&self, page: &HistoryPage, synced: Option<&HistorySync>, stale: bool) {
        if self.json {
            self.print_json(&json!({
                "entries": page.entries,
                "next_before": page.next_before,
                "synced": synced,
                "stale": stale,
            }));
            return;
        }
        self.sync_note(synced, stale);
        if page.entries.is_empty() {
            say!("{}", self.t(Msg::NoHistory));
        }
        let mut table = Table::new(&[
            Align::Left,
            Align::Left,
            Align::Right,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
            Align::Left,
        ]);
        for e in &page.entries {
            let [at, kind, amount, status, who, category, note] = self.entry_cells(e);
            table.row([
                at,
                kind,
                amount,
                status,
                who,
                category,
                note,
                e.operation_id.clone(),
            ]);
        }
        table.print();
        if let Some(b) = &page.next_before {
            say!("{} --before {b}", self.t(Msg::OlderEntries));
        }
    }

    pub fn history_entry(&self, e: &HistoryEntry) {
        if self.json {
            self.print_json(&json!(e));
            return;
        }
        say!("{}", self.entry_line(e));
        say!("  {} {}", self.t(Msg::Operation), e.operation_id);
        say!("  {}: {}", self.t(Msg::Status), self.status_label(e.status));
        if let Some(code) = e.failure_code {
            say!("  {code}");
        }
        if let Some(m) = &e.merchant_name {
            say!(
                "  {}: {m} · {} · MCC {}",
                self.t(Msg::Merchant),
                e.merchant_city.as_deref().unwrap_or(""),
                e.mcc.as_deref().unwrap_or("")
            );
        }
        if let Some(c) = e.category {
            say!(
                "  {}: {}",
                self.t(Msg::Category),
                i18n::category(self.lang, c)
            );
        }
        if let Some(c) = &e.counterparty_name_masked {
            say!(
                "  {}: {c} ({})",
                self.t(Msg::Counterparty),
                e.counterparty_phone_masked.as_deref().unwrap_or("")
            );
        }
        if let Some(l) = &e.card_last4 {
            say!("  {}: **** {l}", self.t(Msg::Card));
        }
        if let Some(s) = self.source_label(e.source.as_deref(), e.bank, e.card_last4.as_deref()) {
            say!("  {}: {s}", self.t(Msg::Source));
        }
        if e.fee.minor != 0 {
            say!("  {} {}", self.t(Msg::Fee), e.fee.display());
        }
        if let Some(n) = &e.note {
            say!("  {}: {n}", self.t(Msg::Note));
        }
        if let Some(o) = &e.order_id {
            say!("  {}: {o}", self.t(Msg::Order));
        }
    }

    pub fn csv_written(
        &self,
        path: &std::path::Path,
        bytes: usize,
        synced: Option<&HistorySync>,
        stale: bool,
    ) {
        if self.json {
            self.print_json(&json!({
                "csv": path.display().to_string(),
                "bytes": bytes,
                "synced": synced,
                "stale": stale,
            }));
        } else {
            self.sync_note(synced, stale);
            say!("{} {}", self.t(Msg::CsvWritten), path.display());
        }
    }

    pub fn summary(&self, s: &MonthlySummary, synced: Option<&HistorySync>, stale: bool) {
        if self.json {
            let mut v = json!(s);
            v["synced"] = json!(synced);
            v["stale"] = json!(stale);
            self.print_json(&v);
            return;
        }
        self.sync_note(synced, stale);
        say!("{} {}", self.t(Msg::SummaryOf), s.month);
        say!("  {} {}", pad(&self.t(Msg::Spent), 20), s.spent.display());
        say!(
            "  {} {}",
            pad(&self.t(Msg::Received), 20),
            s.received.display()
        );
        let mut table =
            Table::new(&[Align::Left, Align::Right, Align::Left, Align::Left]).indent("    ");
        for c in &s.by_category {
            table.row([
                i18n::category(self.lang, c.category).to_owned(),
                c.spent.display(),
                format!("×{}", c.count),
                c.budget
                    .map(|b| format!("{} {}", self.t(Msg::BudgetLabel), b.display()))
                    .unwrap_or_default(),
            ]);
        }
        table.print();
    }

    pub fn budgets(&self, budgets: &[Budget]) {
        if self.json {
            self.print_json(&json!({ "budgets": budgets }));
            return;
        }
        if budgets.is_empty() {
            say!("{}", self.t(Msg::NoBudgets));
        }
        let mut table = Table::new(&[Align::Left, Align::Right]).indent("  ");
        for b in budgets {
            table.row([
                i18n::category(self.lang, b.category).to_owned(),
                b.monthly.display(),
            ]);
        }
        table.print();
    }

    pub fn budget_changed(&self, category: wallet_core::Category, monthly: Option<Money>) {
        if self.json {
            self.print_json(&json!({ "category": category, "monthly": monthly }));
        } else {
            match monthly {
                Some(m) => say!(
                    "{} {} {}",
                    self.t(Msg::BudgetSaved),
                    i18n::category(self.lang, category),
                    m.display()
                ),
                None => say!(
                    "{} {}",
                    self.t(Msg::BudgetCleared),
                    i18n::category(self.lang, category)
                ),
            }
        }
    }

    // --- completions and manual pages ---

    /// A completion script: as it is, or `{"shell", "script"}` with --json.
    pub fn completions(&self, shell: clap_complete::Shell, script: &str) {
        if self.json {
            self.print_json(&json!({ "shell": shell.to_string(), "script": script }));
        } else {
            print_long(script);
        }
    }

    /// The roff manual page: as it is, or `{"man": ...}` with --json.
    pub fn man_page(&self, roff: &str) {
        if self.json {
            self.print_json(&json!({ "man": roff }));
        } else {
            print_long(roff);
        }
    }

    pub fn man_pages_written(&self, files: &[std::path::PathBuf]) {
        let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
        if self.json {
            self.print_json(&json!({ "written": names }));
        } else {
            say!("{}", self.t(Msg::ManPagesWritten));
            for n in names {
                say!("  {n}");
            }
        }
    }
}

/// Long text for a file or a pager (a completion script, a manual page): a reader that stops
/// early (`| head`) ends the output quietly instead of a panic on the broken pipe.
fn print_long(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}
