//! The CLI's side of the one message catalogue (`core/wallet-i18n`, Fluent files under its
//! `locales/`): the language the user asked for, and which catalogue id each line, label and
//! enum value of this CLI shows. The words themselves live only in the `.ftl` files.

use wallet_core::ErrorCode;
pub use wallet_i18n::Lang;
use wallet_i18n::Surface;

/// `--lang`: the three languages of the catalogue, by their BCP 47 tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LangArg {
    #[value(name = "en")]
    En,
    #[value(name = "zh-CN")]
    ZhCn,
    #[value(name = "zh-TW")]
    ZhTw,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Self {
        match l {
            LangArg::En => Lang::En,
            LangArg::ZhCn => Lang::ZhCn,
            LangArg::ZhTw => Lang::ZhTw,
        }
    }
}

/// Without `--lang`: from `LC_ALL` / `LC_MESSAGES` / `LANG`, the first one set (`zh_CN.UTF-8`,
/// `zh_TW`, `zh_HK` ...), read the way [`Lang::parse`] reads any tag.
pub fn lang_from_env() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    Lang::parse(&locale)
}

/// The message for an error code in `lang` (never empty; English when a language lacks it).
pub fn error_text(lang: Lang, code: ErrorCode) -> String {
    wallet_i18n::error_message(code, lang)
}

/// The catalogue's hint for this code on the command line (`wallet unfreeze`, `--pin-stdin`).
pub fn error_hint(lang: Lang, code: ErrorCode) -> Option<String> {
    wallet_i18n::error_hint(code, lang, Surface::Cli)
}

/// Codes whose English message carries specifics worth showing under the translated text
/// (tries left, the rule a PIN or amount broke, the key to retry with).
pub fn detail_matters(code: ErrorCode) -> bool {
    use ErrorCode as C;
    matches!(
        code,
        C::PinWrong
            | C::PinLocked
            | C::PinWeak
            | C::PinFormatInvalid
            | C::AmountInvalid
            | C::AmountOverLimit
            | C::DailyLimitReached
            | C::CardNumberInvalid
            | C::IdempotencyKeyMissing
            | C::Network
            | C::QrNotPayable
            | C::QrImageUnreadable
            | C::QrCrcMismatch
            | C::QrMalformedTlv
            | C::QrMissingField
            | C::QrInvalidField
            | C::AmountLocked
            | C::CoolingOff
            | C::ServerMismatch
            | C::ServerRedirect
            | C::TextHiddenCharacter
    )
}

/// A security-log entry's kind, for humans.
pub fn security_kind(lang: Lang, k: wallet_core::SecurityEventKind) -> String {
    wallet_i18n::text(lang, security_kind_id(k), &[])
}

fn security_kind_id(k: wallet_core::SecurityEventKind) -> &'static str {
    use wallet_core::SecurityEventKind as K;
    match k {
        K::SignIn => "security-sign-in",
        K::DeviceEnrolled => "security-device-enrolled",
        K::DeviceRevoked => "security-device-revoked",
        K::Frozen => "security-frozen",
        K::Unfrozen => "security-unfrozen",
        K::PinLocked => "security-pin-locked",
        K::CardBound => "security-card-bound",
        K::CardUnbound => "security-card-unbound",
        K::CardReportedLost => "security-card-reported-lost",
        K::PhoneChanged => "security-phone-changed",
        K::SmsLoginChanged => "security-sms-login-changed",
        K::PinChanged => "security-pin-changed",
        K::PinReset => "security-pin-reset",
        K::NoPinChanged => "security-no-pin-changed",
        K::SmsPayChanged => "security-sms-pay-changed",
    }
}

/// A spending category's name.
pub fn category(lang: Lang, c: wallet_core::Category) -> String {
    wallet_i18n::text(lang, category_id(c), &[])
}

fn category_id(c: wallet_core::Category) -> &'static str {
    use wallet_core::Category as K;
    match c {
        K::Food => "category-food",
        K::Groceries => "category-groceries",
        K::Transport => "category-transport",
        K::Travel => "category-travel",
        K::Shopping => "category-shopping",
        K::Bills => "category-bills",
        K::Health => "category-health",
        K::Education => "category-education",
        K::Entertainment => "category-entertainment",
        K::Services => "category-services",
        K::Other => "category-other",
    }
}

/// A device event's kind, for humans.
pub fn event_kind(lang: Lang, k: wallet_core::DeviceEventKind) -> String {
    wallet_i18n::text(lang, event_kind_id(k), &[])
}

fn event_kind_id(k: wallet_core::DeviceEventKind) -> &'static str {
    use wallet_core::DeviceEventKind as K;
    match k {
        K::NewDevice => "event-new-device",
        K::Frozen => "event-frozen",
        K::Unfrozen => "event-unfrozen",
        K::DeviceRevoked => "event-device-revoked",
        K::OrderWaiting => "event-order-waiting",
        K::SmsLoginChanged => "event-sms-login-changed",
        K::PhoneChanged => "event-phone-changed",
        K::TransferReceived => "event-transfer-received",
        K::PinChanged => "event-pin-changed",
        K::PinReset => "event-pin-reset",
        K::NoPinChanged => "event-no-pin-changed",
        K::SmsPayChanged => "event-sms-pay-changed",
    }
}

macro_rules! messages {
    ($( $(#[$meta:meta])* $variant:ident = $id:literal, )*) => {
        /// Lines of successful output and labels: each names its id in the catalogue's
        /// `cli.ftl`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg {
            $( $(#[$meta])* $variant, )*
        }

        impl Msg {
            #[cfg(test)]
            pub const ALL: &'static [Msg] = &[$(Msg::$variant),*];

            /// Its id in `cli.ftl`.
            pub fn id(self) -> &'static str {
                match self { $(Msg::$variant => $id,)* }
            }
        }
    };
}

messages! {
    Source = "source",
    SourceFrom = "source-from",
    SourceBalance = "source-balance",
    SourceCarrier = "source-carrier",
    DefaultOrder = "default-order",
    MonthlyLeft = "monthly-left",
    CodeSent = "code-sent",
    NextVerify = "next-verify",
    SignedIn = "signed-in",
    ThisDevice = "this-device",
    Revoked = "revoked",
    LoggedOut = "logged-out",
    WeakPassword = "weak-password",
    NoDevices = "no-devices",
    Error = "error",
    // PIN
    PinSet = "pin-set",
    PinChanged = "pin-changed",
    PinResetDone = "pin-reset-done",
    NextPinReset = "next-pin-reset",
    PinIsSet = "pin-is-set",
    PinNotSet = "pin-not-set",
    PinLockedUntil = "pin-locked-until",
    // cards
    CardValid = "card-valid",
    CardInvalid = "card-invalid",
    Scheme = "scheme",
    Bank = "bank",
    CardKind = "card-kind",
    CheckDigit = "check-digit",
    Length = "length",
    Ok = "ok",
    Wrong = "wrong",
    Unknown = "unknown",
    BankCodeSent = "bank-code-sent",
    NextCardVerify = "next-card-verify",
    CardBound = "card-bound",
    NoCards = "no-cards",
    DefaultCard = "default-card",
    Active = "active",
    Suspended = "suspended",
    DefaultSet = "default-set",
    Unbound = "unbound",
    ReportedLost = "reported-lost",
    // money
    Topup = "topup",
    Withdrawal = "withdrawal",
    Succeeded = "succeeded",
    Pending = "pending",
    Failed = "failed",
    PendingHint = "pending-hint",
    Fee = "fee",
    CardReceives = "card-receives",
    Operation = "operation",
    Balance = "balance",
    AsOf = "as-of",
    Stale = "stale",
    TopupLimits = "topup-limits",
    WithdrawLimits = "withdraw-limits",
    Recent = "recent",
    NoOperations = "no-operations",
    // QR pay, payment codes, orders
    Payment = "payment",
    Refund = "refund",
    OurNetwork = "our-network",
    QrLink = "qr-link",
    QrText = "qr-text",
    ReadFromImage = "read-from-image",
    ManPagesWritten = "man-pages-written",
    LinkNotOpened = "link-not-opened",
    Payable = "payable",
    NotPayable = "not-payable",
    MerchantName = "merchant-name",
    City = "city",
    Country = "country",
    Mcc = "mcc",
    CurrencyLabel = "currency-label",
    AmountLabel = "amount-label",
    StaticCode = "static-code",
    MerchantOnRecord = "merchant-on-record",
    NameMismatch = "name-mismatch",
    AmountLocked = "amount-locked",
    PaycodeLabel = "paycode-label",
    PaycodeExpires = "paycode-expires",
    PaycodeHint = "paycode-hint",
    LimitsSaved = "limits-saved",
    NoPinLimits = "no-pin-limits",
    NoPinOff = "no-pin-off",
    NoPinCeilings = "no-pin-ceilings",
    OrderOpen = "order-open",
    OrderPaid = "order-paid",
    OrderRefunded = "order-refunded",
    OrderDeclined = "order-declined",
    OrderExpired = "order-expired",
    ChannelPaycode = "channel-paycode",
    ChannelRemote = "channel-remote",
    ChannelQr = "channel-qr",
    ChannelSms = "channel-sms",
    ChannelCheckout = "channel-checkout",
    Until = "until",
    NoOrders = "no-orders",
    OrdersHint = "orders-hint",
    DeclinedDone = "declined-done",
    ReportLostSent = "report-lost-sent",
    StateActive = "state-active",
    StateFrozen = "state-frozen",
    StateCoolingOff = "state-cooling-off",
    CoolingOffLimit = "cooling-off-limit",
    Since = "since",
    NoSecurityEvents = "no-security-events",
    OlderEntries = "older-entries",
    NoDeviceEvents = "no-device-events",
    FrozenNow = "frozen-now",
    SettingsSaved = "settings-saved",
    SmsLoginOn = "sms-login-on",
    SmsLoginOff = "sms-login-off",
    SmsLoginWarning = "sms-login-warning",
    SmsPayOn = "sms-pay-on",
    SmsPayOff = "sms-pay-off",
    SmsPayWarning = "sms-pay-warning",
    OldNumberCodeSent = "old-number-code-sent",
    Next = "next",
    PhoneChanged = "phone-changed",
    CardsUnboundRebind = "cards-unbound-rebind",
    CardsKept = "cards-kept",
    // transfers, history, insight
    TransferOut = "transfer-out",
    TransferIn = "transfer-in",
    Recipient = "recipient",
    ConfirmTransfer = "confirm-transfer",
    TransferCancelled = "transfer-cancelled",
    Note = "note",
    NoHistory = "no-history",
    HistorySynced = "history-synced",
    HistoryOffline = "history-offline",
    CsvWritten = "csv-written",
    SummaryOf = "summary-of",
    Spent = "spent",
    Received = "received",
    BudgetLabel = "budget-label",
    NoBudgets = "no-budgets",
    BudgetSaved = "budget-saved",
    BudgetCleared = "budget-cleared",
    BudgetReached80 = "budget-reached-80",
    BudgetReached100 = "budget-reached-100",
    Merchant = "merchant",
    Counterparty = "counterparty",
    Card = "card",
    Category = "category",
    Status = "status",
    Order = "order",
    RetryAfter = "retry-after",
    AccountLabel = "account-label",
    Enrolled = "enrolled",
    LastSeen = "last-seen",
    ChallengeLabel = "challenge-label",
    OldChallengeLabel = "old-challenge-label",
}

/// A line without arguments in `lang`.
pub fn text(lang: Lang, msg: Msg) -> String {
    wallet_i18n::text(lang, msg.id(), &[])
}

/// A line with its arguments (`{ $amount }` in the catalogue) filled in.
pub fn text_with(lang: Lang, msg: Msg, args: &[(&str, &str)]) -> String {
    wallet_i18n::text(lang, msg.id(), args)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every id this CLI asks the catalogue for: its lines and labels, and the names of the
    /// enum values it shows.
    fn used_ids() -> BTreeSet<&'static str> {
        let mut ids: BTreeSet<&str> = Msg::ALL.iter().map(|m| m.id()).collect();
        ids.extend(
            wallet_core::SecurityEventKind::ALL
                .iter()
                .map(|&k| security_kind_id(k)),
        );
        ids.extend(wallet_core::Category::ALL.iter().map(|&c| category_id(c)));
        ids.extend(
            wallet_core::DeviceEventKind::ALL
                .iter()
                .map(|&k| event_kind_id(k)),
        );
        ids
    }

    #[test]
    fn every_text_the_cli_shows_is_in_every_language() {
        for id in used_ids() {
            for lang in Lang::ALL {
                assert!(wallet_i18n::has_text(lang, id), "{id} missing in {lang:?}");
            }
        }
        for &code in ErrorCode::ALL {
            for lang in Lang::ALL {
                assert!(
                    wallet_i18n::has_text(lang, code.as_str()),
                    "{code} {lang:?}"
                );
            }
        }
    }

    /// cli.ftl holds nothing the CLI does not use (a text left behind when a line goes).
    #[test]
    fn cli_ftl_holds_only_what_the_cli_uses() {
        let used = used_ids();
        for file in wallet_i18n::FILES.iter().filter(|f| f.name == "cli.ftl") {
            for line in file.source.lines() {
                let Some((id, _)) = line.split_once(" = ") else {
                    continue;
                };
                if id.starts_with(|c: char| c.is_ascii_lowercase()) {
                    assert!(used.contains(id), "{}: {id} is not used", file.lang.tag());
                }
            }
        }
    }

    /// The argument names each call passes are the ones the catalogue uses: every placeholder
    /// is filled in every language.
    #[test]
    fn every_argument_is_filled() {
        let calls: &[(Msg, &[&str])] = &[
            (Msg::TopupLimits, &["each", "left"]),
            (Msg::WithdrawLimits, &["each", "left"]),
            (Msg::NameMismatch, &["code_name", "record_name"]),
            (Msg::SourceFrom, &["source"]),
            (Msg::MonthlyLeft, &["amount"]),
            (Msg::PaycodeExpires, &["seconds", "until"]),
            (Msg::NoPinLimits, &["each", "daily", "left"]),
            (Msg::NoPinCeilings, &["each", "daily"]),
            (Msg::SmsPayOn, &["each", "daily"]),
            (Msg::ConfirmTransfer, &["amount", "recipient"]),
            (Msg::BudgetReached80, &["category", "spent"]),
            (Msg::BudgetReached100, &["category", "spent"]),
            (Msg::HistorySynced, &["added", "updated"]),
            (Msg::RetryAfter, &["seconds"]),
        ];
        for &(m, names) in calls {
            let args: Vec<(&str, &str)> = names.iter().map(|n| (*n, "<X>")).collect();
            for lang in Lang::ALL {
                let t = text_with(lang, m, &args);
                assert_eq!(t.matches("<X>").count(), names.len(), "{m:?} {lang:?}: {t}");
                assert!(!t.contains('{'), "{m:?} {lang:?}: {t}");
            }
        }
        // Every other line has no argument at all.
        for &m in Msg::ALL {
            if calls.iter().all(|(c, _)| *c != m) {
                for lang in Lang::ALL {
                    assert!(!text(lang, m).contains('{'), "{m:?} {lang:?}");
                }
            }
        }
    }

    #[test]
    fn the_lost_phone_lines_are_translated() {
        for m in [
            Msg::FrozenNow,
            Msg::SettingsSaved,
            Msg::SmsLoginOn,
            Msg::SmsLoginOff,
            Msg::SmsLoginWarning,
            Msg::SmsPayOn,
            Msg::SmsPayOff,
            Msg::SmsPayWarning,
            Msg::ChannelSms,
            Msg::OldNumberCodeSent,
            Msg::PhoneChanged,
            Msg::CardsUnboundRebind,
            Msg::CardsKept,
        ] {
            let en = text(Lang::En, m);
            let (cn, tw) = (text(Lang::ZhCn, m), text(Lang::ZhTw, m));
            assert!(cn != en && tw != en && cn != tw, "{m:?}");
        }
        // The warning names the risk and the way back in every language.
        for lang in Lang::ALL {
            let w = text(lang, Msg::SmsLoginWarning);
            assert!(w.contains("SIM") && w.contains("sms-login off"), "{w}");
            let w = text(lang, Msg::SmsPayWarning);
            assert!(w.contains("SIM") && w.contains("sms-pay off"), "{w}");
        }
        for &c in wallet_core::Category::ALL {
            assert_ne!(category(Lang::ZhCn, c), category(Lang::En, c));
        }
        for &k in wallet_core::SecurityEventKind::ALL {
            assert_ne!(security_kind(Lang::ZhCn, k), security_kind(Lang::En, k));
        }
        for &k in wallet_core::DeviceEventKind::ALL {
            assert_ne!(event_kind(Lang::ZhTw, k), event_kind(Lang::En, k));
        }
    }

    /// issue 13's codes: the detail (which field, which servers) is shown under the text.
    #[test]
    fn the_hardening_codes_show_their_detail() {
        for code in [
            ErrorCode::ServerMismatch,
            ErrorCode::ServerRedirect,
            ErrorCode::TextHiddenCharacter,
        ] {
            assert!(detail_matters(code), "{code:?}");
        }
    }

    #[test]
    fn the_command_line_gets_its_own_hints() {
        let hint = error_hint(Lang::ZhCn, ErrorCode::PinAlreadySet);
        assert!(hint.is_some_and(|h| h.contains("wallet pin change")));
        let hint = error_hint(Lang::En, ErrorCode::PinRequired);
        assert!(hint.is_some_and(|h| h.contains("--pin-stdin")));
        // No desktop directions on the command line.
        assert!(!error_text(Lang::En, ErrorCode::AccountFrozen).contains("Account security"));
    }
}
