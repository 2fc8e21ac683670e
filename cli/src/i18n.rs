//! A small message table for humans: the error codes and lines this CLI shows, in English,
//! Simplified and Traditional Chinese. Anything missing falls back to English.

use wallet_core::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Lang {
    #[value(name = "en")]
    En,
    #[value(name = "zh-CN")]
    ZhCn,
    #[value(name = "zh-TW")]
    ZhTw,
}

impl Lang {
    /// From `LC_ALL` / `LC_MESSAGES` / `LANG` (`zh_CN.UTF-8`, `zh_TW`, `zh_HK` ...).
    pub fn from_env() -> Self {
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| std::env::var(k).ok())
            .find(|v| !v.is_empty())
            .unwrap_or_default()
            .to_ascii_lowercase()
            .replace('-', "_");
        if locale.starts_with("zh_tw")
            || locale.starts_with("zh_hk")
            || locale.starts_with("zh_hant")
        {
            Lang::ZhTw
        } else if locale.starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

/// The localised text for an error code, or `None` to use the English message as is.
pub fn error_text(lang: Lang, code: ErrorCode) -> Option<&'static str> {
    use ErrorCode as C;
    let (cn, tw) = match code {
        C::PhoneInvalid => ("手机号码无效", "手機號碼無效"),
        C::IdNumberInvalid => ("身份证号码无效", "身分證號碼無效"),
        C::NameInvalid => ("姓名无效", "姓名無效"),
        C::PasswordWeak => (
            "密码太弱，请换一个更长、更难猜的密码",
            "密碼太弱，請換一個更長、更難猜的密碼",
        ),
        C::OtpFormatInvalid => ("验证码应为 6 位数字", "驗證碼應為 6 位數字"),
        C::PhoneTaken => (
            "该手机号码已注册，请直接登录",
            "該手機號碼已註冊，請直接登入",
        ),
        C::CredentialsInvalid => ("手机号码或密码错误", "手機號碼或密碼錯誤"),
        C::OtpInvalid => ("验证码错误", "驗證碼錯誤"),
        C::OtpExpired => ("验证码已过期，请重新获取", "驗證碼已過期，請重新取得"),
        C::ChallengeNotFound => (
            "没有等待验证的请求，请重新注册或登录",
            "沒有等待驗證的請求，請重新註冊或登入",
        ),
        C::RateLimited => ("尝试次数过多，请稍后再试", "嘗試次數過多，請稍後再試"),
        C::DeviceRevoked => (
            "此设备已退出登录，本机数据已清除",
            "此裝置已登出，本機資料已清除",
        ),
        C::DeviceUnknown => ("服务器不认识此设备", "伺服器不認識此裝置"),
        C::NotSignedIn => ("尚未登录", "尚未登入"),
        C::AlreadySignedIn => ("此账户已登录，请先退出", "此帳戶已登入，請先登出"),
        C::NoPendingVerification => ("没有等待验证码的注册或登录", "沒有等待驗證碼的註冊或登入"),
        C::StoreKeyMissing => (
            "找不到本地数据库的密钥，数据库未被改动",
            "找不到本機資料庫的金鑰，資料庫未被更動",
        ),
        C::StoreKeyWrong => (
            "密钥无法打开本地数据库，数据库未被改动",
            "金鑰無法開啟本機資料庫，資料庫未被更動",
        ),
        C::SecretStoreUnavailable => (
            "无法访问系统密钥库，请在已解锁的桌面会话中运行",
            "無法存取系統金鑰庫，請在已解鎖的桌面工作階段中執行",
        ),
        C::Network => ("无法连接服务器，请检查网络", "無法連線伺服器，請檢查網路"),
        C::InsecureServerUrl => (
            "只允许通过 HTTPS 连接服务器（本机除外）",
            "只允許透過 HTTPS 連線伺服器（本機除外）",
        ),
        C::Protocol => ("服务器的回应无法识别", "伺服器的回應無法識別"),
        C::ServerMismatch => (
            "这个账户资料属于另一台服务器，未发送任何内容",
            "這個帳戶資料屬於另一台伺服器，未傳送任何內容",
        ),
        C::ServerRedirect => (
            "服务器要求转到别处，本应用不会跟随",
            "伺服器要求轉到別處，本應用程式不會跟隨",
        ),
        C::TextHiddenCharacter => (
            "文字中含有看不见的方向控制或零宽字符，请删除",
            "文字中含有看不見的方向控制或零寬字元，請刪除",
        ),
        C::NotFound => ("找不到", "找不到"),
        // cards, PIN and money
        C::CardNumberInvalid => ("卡号无效，请检查是否输错", "卡號無效，請檢查是否輸入錯誤"),
        C::CardAlreadyBound => ("这张卡已经绑定", "這張卡已經綁定"),
        C::CardNotFound => ("此账户没有这张卡", "此帳戶沒有這張卡"),
        C::CardSuspended => ("这张卡已挂失，不能用于交易", "這張卡已掛失，無法用於交易"),
        C::CardNotDebit => ("只能提现到储蓄卡", "只能提領到儲蓄卡"),
        C::NoCard => ("请先绑定一张银行卡", "請先綁定一張銀行卡"),
        C::CardHolderMismatch => ("持卡人与账户实名不一致", "持卡人與帳戶實名不一致"),
        C::CardDeclined => ("银行拒绝了这笔交易", "銀行拒絕了這筆交易"),
        C::CardReportedLost => ("银行显示这张卡已挂失", "銀行顯示這張卡已掛失"),
        C::BankInsufficientFunds => ("银行卡余额不足", "銀行卡餘額不足"),
        C::BankUnavailable => (
            "暂时无法连接银行，请稍后再试",
            "暫時無法連線銀行，請稍後再試",
        ),
        C::SourceInvalid => (
            "这不是付款方式：请用 balance、card:卡号 ID 或 carrier",
            "這不是付款方式：請用 balance、card:卡片 ID 或 carrier",
        ),
        C::CarrierDeclined => (
            "运营商拒绝将这笔款项计入话费",
            "電信業者拒絕將這筆款項計入話費",
        ),
        C::CarrierCapReached => (
            "本月话费支付额度已用完，请换一种付款方式",
            "本月話費支付額度已用完，請換一種付款方式",
        ),
        C::CarrierUnavailable => (
            "暂时无法连接运营商，请稍后再试",
            "暫時無法連線電信業者，請稍後再試",
        ),
        C::PaymentPending => (
            "这笔订单的付款正在处理中，请稍后查看",
            "這筆訂單的付款正在處理中，請稍後查看",
        ),
        C::BindingNotFound => (
            "没有等待验证码的绑卡请求，请重新绑卡",
            "沒有等待驗證碼的綁卡請求，請重新綁卡",
        ),
        C::PinFormatInvalid => ("支付密码应为 6 位数字", "支付密碼應為 6 位數字"),
        C::PinWeak => (
            "支付密码太容易被猜到，请换一个",
            "支付密碼太容易被猜到，請換一個",
        ),
        C::PinNotSet => ("请先设置支付密码", "請先設定支付密碼"),
        C::PinAlreadySet => (
            "已设置支付密码；修改请用 wallet pin change",
            "已設定支付密碼；變更請用 wallet pin change",
        ),
        C::PinWrong => ("支付密码错误", "支付密碼錯誤"),
        C::PinLocked => (
            "支付密码错误次数过多，已锁定；可用登录密码和短信验证码重置",
            "支付密碼錯誤次數過多，已鎖定；可用登入密碼和簡訊驗證碼重設",
        ),
        C::AmountInvalid => ("金额无效", "金額無效"),
        C::AmountOverLimit => ("金额超过单笔限额", "金額超過單筆限額"),
        C::DailyLimitReached => ("已达到今日限额", "已達今日限額"),
        C::BalanceInsufficient => ("钱包余额不足", "錢包餘額不足"),
        C::IdempotencyKeyMissing => (
            "幂等键缺失或格式无效（8–64 位字母、数字、- 或 _）",
            "冪等鍵缺少或格式無效（8–64 位字母、數字、- 或 _）",
        ),
        C::IdempotencyKeyReused => (
            "这个幂等键已用于另一笔不同的请求",
            "這個冪等鍵已用於另一筆不同的請求",
        ),
        C::PinRequired => (
            "此操作需要支付密码（--pin-stdin）",
            "此操作需要支付密碼（--pin-stdin）",
        ),
        // QR pay, payment codes, orders
        C::QrEmpty => ("二维码是空的", "QR 碼是空的"),
        C::QrCrcMismatch => (
            "二维码已损坏（校验值不符），请重新扫描",
            "QR 碼已損壞（檢查碼不符），請重新掃描",
        ),
        C::QrMalformedTlv => ("二维码格式不正确", "QR 碼格式不正確"),
        C::QrMissingField => ("二维码缺少必需的字段", "QR 碼缺少必要欄位"),
        C::QrInvalidField => ("二维码中有无效的字段", "QR 碼中有無效的欄位"),
        C::QrNotPayable => ("本钱包不能支付这个二维码", "本錢包無法支付這個 QR 碼"),
        C::QrImageUnreadable => (
            "无法读取这张图片（仅支持 20 MB 以内的 PNG 或 JPEG）",
            "無法讀取這張圖片（僅支援 20 MB 以內的 PNG 或 JPEG）",
        ),
        C::QrNotFound => ("图片中没有找到二维码", "圖片中找不到 QR 碼"),
        C::MerchantNotFound => ("找不到这个商户", "找不到這個商店"),
        C::MerchantKeyInvalid => ("商户密钥无效", "商店金鑰無效"),
        C::MerchantInvalid => ("商户名称、城市或类别码无效", "商店名稱、城市或類別碼無效"),
        C::OrderNotFound => ("找不到这笔订单", "找不到這筆訂單"),
        C::OrderAlreadyPaid => ("这笔订单已经支付过了", "這筆訂單已經付款"),
        C::OrderExpired => ("这笔订单已过期", "這筆訂單已過期"),
        C::OrderClosed => ("这笔订单已关闭", "這筆訂單已關閉"),
        C::AmountRequired => ("请输入付款金额（--amount）", "請輸入付款金額（--amount）"),
        C::AmountLocked => ("这个二维码的金额是固定的", "這個 QR 碼的金額是固定的"),
        C::RefundNotAllowed => ("无法退款", "無法退款"),
        C::PaycodeInvalid => ("付款码无效，请刷新后再试", "付款碼無效，請重新整理後再試"),
        C::PaycodeUsed => (
            "这个付款码已经用过，请刷新后再试",
            "這個付款碼已使用過，請重新整理後再試",
        ),
        C::PaycodeNotProvisioned => (
            "本设备尚未开通付款码，请联网后重试",
            "本裝置尚未開通付款碼，請連網後重試",
        ),
        C::PayerNotFound => ("这个手机号码没有钱包账户", "這個手機號碼沒有錢包帳戶"),
        C::NotifyUrlInvalid => ("通知地址无效", "通知網址無效"),
        C::AccountFrozen => ("手机已挂失，账户已冻结", "手機已掛失，帳戶已凍結"),
        C::CoolingOff => (
            "账户处于冷静期，暂不能进行此操作",
            "帳戶處於冷靜期，暫不能進行此操作",
        ),
        C::NotFrozen => ("账户未冻结", "帳戶未凍結"),
        C::UnfreezeDenied => ("身份核验未通过", "身分核驗未通過"),
        C::SmsLoginDisabled => (
            "该号码不支持仅用短信验证码登录",
            "此號碼不支援僅用簡訊驗證碼登入",
        ),
        C::RecipientNotFound => ("该手机号码没有钱包账户", "此手機號碼沒有錢包帳戶"),
        C::TransferToSelf => ("不能转账给自己", "不能轉帳給自己"),
        C::RecipientUnavailable => ("收款人暂时无法收款", "收款人暫時無法收款"),
        C::MethodNotAllowed => ("服务器不接受这种请求方式", "伺服器不接受這種請求方式"),
        C::RequestTimeout => (
            "服务器响应超时；重试前请先查看账单，已提交的付款不会重复扣款",
            "伺服器回應逾時；重試前請先查看帳單，已送出的付款不會重複扣款",
        ),
        C::NotReady => (
            "服务器暂时不可用，请稍后再试",
            "伺服器暫時無法使用，請稍後再試",
        ),
        C::AppLocked => (
            "钱包已锁定，请用支付密码解锁",
            "錢包已鎖定，請用支付密碼解鎖",
        ),
        _ => return None,
    };
    match lang {
        Lang::En => None,
        Lang::ZhCn => Some(cn),
        Lang::ZhTw => Some(tw),
    }
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
pub fn security_kind(lang: Lang, k: wallet_core::SecurityEventKind) -> &'static str {
    use wallet_core::SecurityEventKind as K;
    let (en, cn, tw) = match k {
        K::SignIn => ("signed in", "登录", "登入"),
        K::DeviceEnrolled => ("new device", "新设备", "新裝置"),
        K::DeviceRevoked => ("device signed out", "设备已退出", "裝置已登出"),
        K::Frozen => ("account frozen", "账户冻结", "帳戶凍結"),
        K::Unfrozen => ("account unfrozen", "账户解冻", "帳戶解凍"),
        K::PinLocked => ("payment PIN locked", "支付密码锁定", "支付密碼鎖定"),
        K::CardBound => ("card bound", "绑定银行卡", "綁定銀行卡"),
        K::CardUnbound => ("card unbound", "解绑银行卡", "解綁銀行卡"),
        K::CardReportedLost => ("card reported lost", "银行卡挂失", "銀行卡掛失"),
        K::PhoneChanged => ("phone number changed", "更换手机号", "更換手機號碼"),
        K::SmsLoginChanged => (
            "SMS sign-in switched",
            "短信登录设置变更",
            "簡訊登入設定變更",
        ),
        K::PinChanged => ("payment PIN changed", "修改支付密码", "變更支付密碼"),
        K::PinReset => ("payment PIN reset", "重置支付密码", "重設支付密碼"),
        K::NoPinChanged => (
            "no-PIN payment limits changed",
            "免密支付设置变更",
            "免密支付設定變更",
        ),
        K::SmsPayChanged => (
            "SMS payment switched",
            "短信支付设置变更",
            "簡訊支付設定變更",
        ),
    };
    pick(lang, en, cn, tw)
}

/// A device event's kind, for humans.
/// A spending category's name.
pub fn category(lang: Lang, c: wallet_core::Category) -> &'static str {
    use wallet_core::Category as K;
    let (en, cn, tw) = match c {
        K::Food => ("Food and drink", "餐饮", "餐飲"),
        K::Groceries => ("Groceries", "超市", "超市"),
        K::Transport => ("Transport", "交通", "交通"),
        K::Travel => ("Travel", "旅行", "旅行"),
        K::Shopping => ("Shopping", "购物", "購物"),
        K::Bills => ("Bills", "缴费", "繳費"),
        K::Health => ("Health", "医疗", "醫療"),
        K::Education => ("Education", "教育", "教育"),
        K::Entertainment => ("Entertainment", "娱乐", "娛樂"),
        K::Services => ("Services", "服务", "服務"),
        K::Other => ("Other", "其他", "其他"),
    };
    match lang {
        Lang::En => en,
        Lang::ZhCn => cn,
        Lang::ZhTw => tw,
    }
}

pub fn event_kind(lang: Lang, k: wallet_core::DeviceEventKind) -> &'static str {
    use wallet_core::DeviceEventKind as K;
    let (en, cn, tw) = match k {
        K::NewDevice => (
            "A new device signed in. Not you? wallet report-lost",
            "有新设备登录。不是你？wallet report-lost",
            "有新裝置登入。不是你？wallet report-lost",
        ),
        K::Frozen => ("The account was frozen", "账户已冻结", "帳戶已凍結"),
        K::Unfrozen => ("The account was unfrozen", "账户已解冻", "帳戶已解凍"),
        K::DeviceRevoked => (
            "A device was signed out",
            "有设备已退出登录",
            "有裝置已登出",
        ),
        K::OrderWaiting => (
            "An order waits for your PIN",
            "有订单等待支付密码确认",
            "有訂單等待支付密碼確認",
        ),
        K::SmsLoginChanged => (
            "SMS-only sign-in was switched",
            "短信登录设置已变更",
            "簡訊登入設定已變更",
        ),
        K::PhoneChanged => (
            "The phone number was changed",
            "手机号已更换",
            "手機號碼已更換",
        ),
        K::TransferReceived => (
            "Money arrived from another user",
            "收到一笔转账",
            "收到一筆轉帳",
        ),
        K::PinChanged => (
            "The payment PIN was changed. Not you? wallet freeze",
            "支付密码已修改。不是你？wallet freeze",
            "支付密碼已變更。不是你？wallet freeze",
        ),
        K::PinReset => (
            "The payment PIN was reset; a cooling-off started. Not you? wallet freeze",
            "支付密码已重置，账户进入冷静期。不是你？wallet freeze",
            "支付密碼已重設，帳戶進入冷靜期。不是你？wallet freeze",
        ),
        K::NoPinChanged => (
            "The no-PIN payment limits were changed. Not you? wallet freeze",
            "免密支付设置已更改。不是你？wallet freeze",
            "免密支付設定已變更。不是你？wallet freeze",
        ),
        K::SmsPayChanged => (
            "SMS payment (reply Y) was switched. Not you? wallet freeze",
            "短信支付（回复 Y）设置已更改。不是你？wallet freeze",
            "簡訊支付（回覆 Y）設定已變更。不是你？wallet freeze",
        ),
    };
    pick(lang, en, cn, tw)
}

fn pick(lang: Lang, en: &'static str, cn: &'static str, tw: &'static str) -> &'static str {
    match lang {
        Lang::En => en,
        Lang::ZhCn => cn,
        Lang::ZhTw => tw,
    }
}

/// Lines of successful output.
#[derive(Debug, Clone, Copy)]
pub enum Msg {
    Source,
    SourceFrom,
    SourceBalance,
    SourceCarrier,
    DefaultOrder,
    MonthlyLeft,
    CodeSent,
    NextVerify,
    SignedIn,
    ThisDevice,
    Revoked,
    LoggedOut,
    WeakPassword,
    NoDevices,
    Error,
    // PIN
    PinSet,
    PinChanged,
    PinResetDone,
    NextPinReset,
    PinIsSet,
    PinNotSet,
    PinLockedUntil,
    // cards
    CardValid,
    CardInvalid,
    Scheme,
    Bank,
    CardKind,
    CheckDigit,
    Length,
    Ok,
    Wrong,
    Unknown,
    BankCodeSent,
    NextCardVerify,
    CardBound,
    NoCards,
    DefaultCard,
    Active,
    Suspended,
    DefaultSet,
    Unbound,
    ReportedLost,
    // money
    Topup,
    Withdrawal,
    Succeeded,
    Pending,
    Failed,
    PendingHint,
    Fee,
    CardReceives,
    Operation,
    Balance,
    AsOf,
    Stale,
    TopupLimits,
    WithdrawLimits,
    Recent,
    NoOperations,
    // QR pay, payment codes, orders
    Payment,
    Refund,
    OurNetwork,
    QrLink,
    QrText,
    ReadFromImage,
    ManPagesWritten,
    LinkNotOpened,
    Payable,
    NotPayable,
    MerchantName,
    City,
    Country,
    Mcc,
    CurrencyLabel,
    AmountLabel,
    StaticCode,
    MerchantOnRecord,
    NameMismatch,
    AmountLocked,
    PaycodeLabel,
    PaycodeExpires,
    PaycodeHint,
    LimitsSaved,
    NoPinLimits,
    NoPinOff,
    NoPinCeilings,
    OrderOpen,
    OrderPaid,
    OrderRefunded,
    OrderDeclined,
    OrderExpired,
    ChannelPaycode,
    ChannelRemote,
    ChannelQr,
    ChannelSms,
    ChannelCheckout,
    Until,
    NoOrders,
    OrdersHint,
    DeclinedDone,
    ReportLostSent,
    StateActive,
    StateFrozen,
    StateCoolingOff,
    CoolingOffLimit,
    Since,
    NoSecurityEvents,
    OlderEntries,
    NoDeviceEvents,
    FrozenNow,
    SettingsSaved,
    SmsLoginOn,
    SmsLoginOff,
    SmsLoginWarning,
    SmsPayOn,
    SmsPayOff,
    SmsPayWarning,
    OldNumberCodeSent,
    Next,
    PhoneChanged,
    CardsUnboundRebind,
    CardsKept,
    // transfers, history, insight
    TransferOut,
    TransferIn,
    Recipient,
    ConfirmTransfer,
    TransferCancelled,
    Note,
    NoHistory,
    HistorySynced,
    HistoryOffline,
    CsvWritten,
    SummaryOf,
    Spent,
    Received,
    BudgetLabel,
    NoBudgets,
    BudgetSaved,
    BudgetCleared,
    BudgetReached80,
    BudgetReached100,
    Merchant,
    Counterparty,
    Card,
    Category,
    Status,
    Order,
}

/// English, Simplified Chinese, Traditional Chinese. `{a}` and `{b}` are filled in by the caller.
pub fn text(lang: Lang, msg: Msg) -> &'static str {
    use Msg as M;
    let (en, cn, tw) = match msg {
        M::CodeSent => ("A verification code was sent to", "验证码已发送至", "驗證碼已傳送至"),
        M::NextVerify => (
            "Next: wallet verify --code <6 digits>, before",
            "下一步：wallet verify --code <6 位数字>，有效期至",
            "下一步：wallet verify --code <6 位數字>，有效期至",
        ),
        M::SignedIn => ("Signed in as", "已登录：", "已登入："),
        M::ThisDevice => ("This device:", "本设备：", "本裝置："),
        M::Revoked => ("Signed out device", "已退出设备", "已登出裝置"),
        M::LoggedOut => (
            "Signed out. The local data on this device was deleted.",
            "已退出登录，本机数据已删除。",
            "已登出，本機資料已刪除。",
        ),
        M::WeakPassword => (
            "warning: this password is too weak",
            "警告：密码太弱",
            "警告：密碼太弱",
        ),
        M::NoDevices => ("No devices.", "没有设备。", "沒有裝置。"),
        M::Error => ("error", "错误", "錯誤"),
        M::PinSet => ("Payment PIN set.", "支付密码已设置。", "支付密碼已設定。"),
        M::PinChanged => ("Payment PIN changed.", "支付密码已修改。", "支付密碼已變更。"),
        M::PinResetDone => (
            "Payment PIN reset; it is no longer locked.",
            "支付密码已重置，并已解除锁定。",
            "支付密碼已重設，並已解除鎖定。",
        ),
        M::NextPinReset => (
            "Next: wallet pin reset --code <6 digits> --pin-stdin (the new PIN on stdin), before",
            "下一步：wallet pin reset --code <6 位数字> --pin-stdin（从标准输入读取新支付密码），有效期至",
            "下一步：wallet pin reset --code <6 位數字> --pin-stdin（從標準輸入讀取新支付密碼），有效期至",
        ),
        M::PinIsSet => ("Payment PIN: set", "支付密码：已设置", "支付密碼：已設定"),
        M::PinNotSet => (
            "Payment PIN: not set (wallet pin set --pin-stdin)",
            "支付密码：未设置（wallet pin set --pin-stdin）",
            "支付密碼：未設定（wallet pin set --pin-stdin）",
        ),
        M::PinLockedUntil => ("locked until", "锁定至", "鎖定至"),
        M::CardValid => ("Valid card number:", "卡号有效：", "卡號有效："),
        M::CardInvalid => ("Not a valid card number:", "卡号无效：", "卡號無效："),
        M::Scheme => ("scheme", "卡组织", "卡組織"),
        M::Bank => ("bank", "银行", "銀行"),
        M::CardKind => ("type", "卡种", "卡別"),
        M::CheckDigit => ("check digit", "校验位", "檢查碼"),
        M::Length => ("length", "长度", "長度"),
        M::Ok => ("ok", "正确", "正確"),
        M::Wrong => ("wrong", "错误", "錯誤"),
        M::Unknown => ("unknown", "未知", "未知"),
        M::BankCodeSent => (
            "The bank sent a verification code to",
            "银行已发送验证码至",
            "銀行已傳送驗證碼至",
        ),
        M::NextCardVerify => (
            "Next: wallet card verify --code <6 digits>, before",
            "下一步：wallet card verify --code <6 位数字>，有效期至",
            "下一步：wallet card verify --code <6 位數字>，有效期至",
        ),
        M::CardBound => ("Card bound:", "已绑定：", "已綁定："),
        M::NoCards => (
            "No cards. Bind one: wallet card bind --number N --bank-phone P",
            "没有银行卡。绑定：wallet card bind --number 卡号 --bank-phone 银行预留手机号",
            "沒有銀行卡。綁定：wallet card bind --number 卡號 --bank-phone 銀行預留手機號碼",
        ),
        M::DefaultCard => ("default", "默认", "預設"),
        M::Active => ("active", "正常", "正常"),
        M::Suspended => ("suspended (reported lost)", "已挂失", "已掛失"),
        M::DefaultSet => ("Default card:", "默认卡：", "預設卡："),
        M::Unbound => ("Card unbound:", "已解绑：", "已解除綁定："),
        M::ReportedLost => (
            "Reported lost; the card is suspended:",
            "已挂失，卡已停用：",
            "已掛失，卡已停用：",
        ),
        M::Topup => ("Top-up", "充值", "儲值"),
        M::Withdrawal => ("Withdrawal", "提现", "提領"),
        M::Succeeded => ("succeeded", "成功", "成功"),
        M::Pending => ("pending", "处理中", "處理中"),
        M::Failed => ("failed", "失败", "失敗"),
        M::PendingHint => (
            "The bank has not answered yet; `wallet balance` shows the outcome.",
            "银行尚未回复；稍后用 wallet balance 查看结果。",
            "銀行尚未回覆；稍後用 wallet balance 查看結果。",
        ),
        M::Fee => ("fee", "手续费", "手續費"),
        M::CardReceives => ("the card receives", "到账", "入帳"),
        M::Operation => ("operation", "交易编号", "交易編號"),
        M::Balance => ("Balance", "余额", "餘額"),
        M::AsOf => ("as of", "更新于", "更新於"),
        M::Stale => (
            "offline: the last figures the server confirmed",
            "离线：服务器上次确认的数据",
            "離線：伺服器上次確認的資料",
        ),
        M::TopupLimits => (
            "Top up: up to {a} each, {b} left today",
            "充值：单笔最高 {a}，今日剩余 {b}",
            "儲值：單筆最高 {a}，今日剩餘 {b}",
        ),
        M::WithdrawLimits => (
            "Withdraw: up to {a} each, {b} left today",
            "提现：单笔最高 {a}，今日剩余 {b}",
            "提領：單筆最高 {a}，今日剩餘 {b}",
        ),
        M::Recent => ("Latest operations:", "最近交易：", "最近交易："),
        M::NoOperations => ("No operations yet.", "暂无交易。", "尚無交易。"),
        M::Payment => ("Payment", "付款", "付款"),
        M::Refund => ("Refund", "退款", "退款"),
        M::OurNetwork => ("Wallet merchant code", "本钱包商户码", "本錢包商店碼"),
        M::QrLink => ("Link", "链接", "連結"),
        M::QrText => ("Text", "文字", "文字"),
        M::ReadFromImage => ("Read from the image:", "从图片读到：", "從圖片讀到："),
        M::ManPagesWritten => ("Manual pages written:", "已写入手册页：", "已寫入手冊頁："),
        M::LinkNotOpened => (
            "warning: this QR code holds a link; it was not opened. Malicious QR codes are used \
             for theft: open it only if you trust where it came from.",
            "警告：这个二维码是一个链接，未打开。恶意二维码常被用于诈骗，请只打开来源可信的链接。",
            "警告：這個 QR 碼是一個連結，未開啟。惡意 QR 碼常被用於詐騙，請只開啟來源可信的連結。",
        ),
        M::Payable => (
            "can be paid with this wallet",
            "可以用本钱包付款",
            "可以用本錢包付款",
        ),
        M::NotPayable => (
            "cannot be paid with this wallet",
            "不能用本钱包付款",
            "無法用本錢包付款",
        ),
        M::MerchantName => ("merchant", "商户", "商店"),
        M::City => ("city", "城市", "城市"),
        M::Country => ("country", "国家/地区", "國家/地區"),
        M::Mcc => ("category (MCC)", "类别 (MCC)", "類別 (MCC)"),
        M::CurrencyLabel => ("currency", "币种", "幣別"),
        M::AmountLabel => ("amount", "金额", "金額"),
        M::StaticCode => (
            "no amount: the payer enters it",
            "无金额：付款人输入金额",
            "無金額：付款人輸入金額",
        ),
        M::MerchantOnRecord => ("Paying", "付款给", "付款給"),
        M::NameMismatch => (
            "warning: the code says \"{a}\", but the merchant on record is \"{b}\". Make sure \
             you are paying who you think you are paying.",
            "警告：二维码上写的是“{a}”，但登记的商户是“{b}”。请确认收款方无误。",
            "警告：QR 碼上寫的是「{a}」，但登記的商店是「{b}」。請確認收款方無誤。",
        ),
        M::AmountLocked => ("fixed amount", "固定金额", "固定金額"),
        M::PaycodeLabel => ("Payment code", "付款码", "付款碼"),
        M::PaycodeExpires => (
            "{a} s left (until {b})",
            "剩余 {a} 秒（至 {b}）",
            "剩餘 {a} 秒（至 {b}）",
        ),
        M::PaycodeHint => (
            "Show it to the cashier only; it changes every 30 s. wallet paycode --watch keeps it fresh.",
            "仅出示给收银员；每 30 秒更新一次。wallet paycode --watch 可持续显示。",
            "僅出示給收銀員；每 30 秒更新一次。wallet paycode --watch 可持續顯示。",
        ),
        M::LimitsSaved => ("No-PIN limits saved.", "免密额度已保存。", "免密額度已儲存。"),
        M::NoPinLimits => (
            "No-PIN payments: up to {a} each, {b} a day ({c} left today)",
            "免密支付：单笔最高 {a}，每日 {b}（今日剩余 {c}）",
            "免密支付：單筆最高 {a}，每日 {b}（今日剩餘 {c}）",
        ),
        M::NoPinOff => (
            "No-PIN payments: off (every payment-code payment waits for your PIN)",
            "免密支付：已关闭（每笔付款码支付都需输入支付密码）",
            "免密支付：已關閉（每筆付款碼支付都需輸入支付密碼）",
        ),
        M::NoPinCeilings => (
            "highest allowed: {a} each, {b} a day",
            "上限：单笔 {a}，每日 {b}",
            "上限：單筆 {a}，每日 {b}",
        ),
        M::OrderOpen => ("waiting for you", "待确认", "待確認"),
        M::OrderPaid => ("paid", "已支付", "已付款"),
        M::OrderRefunded => ("refunded", "已退款", "已退款"),
        M::OrderDeclined => ("declined", "已拒绝", "已拒絕"),
        M::OrderExpired => ("expired", "已过期", "已過期"),
        M::ChannelPaycode => ("payment code", "付款码", "付款碼"),
        M::ChannelRemote => ("remote order", "远程订单", "遠端訂單"),
        M::ChannelSms => ("SMS (reply Y)", "短信（回复 Y）", "簡訊（回覆 Y）"),
        M::ChannelQr => ("QR code", "二维码", "QR 碼"),
        M::ChannelCheckout => ("web checkout", "网页收银台", "網頁收銀台"),
        M::Until => ("until", "有效期至", "有效期至"),
        M::NoOrders => ("No orders waiting.", "没有待确认的订单。", "沒有待確認的訂單。"),
        M::OrdersHint => (
            "Pay: wallet orders confirm ID --pin-stdin · decline: wallet orders decline ID",
            "支付：wallet orders confirm 订单号 --pin-stdin · 拒绝：wallet orders decline 订单号",
            "付款：wallet orders confirm 訂單號 --pin-stdin · 拒絕：wallet orders decline 訂單號",
        ),
        M::DeclinedDone => ("Order declined; no money moved.", "已拒绝订单，未扣款。", "已拒絕訂單，未扣款。"),
        M::ReportLostSent => (
            "Report received. If the details match an account, it is frozen now and its devices are signed out.",
            "挂失已受理。如信息与账户相符，账户已冻结，其设备已退出登录。",
            "掛失已受理。如資料與帳戶相符，帳戶已凍結，其裝置已登出。",
        ),
        M::StateActive => ("Account: active", "账户状态：正常", "帳戶狀態：正常"),
        M::StateFrozen => (
            "Account: FROZEN (reported lost); no money moves",
            "账户状态：已冻结（已挂失），资金无法转出",
            "帳戶狀態：已凍結（已掛失），資金無法轉出",
        ),
        M::StateCoolingOff => (
            "Account: cooling-off until",
            "账户状态：冷静期，结束于",
            "帳戶狀態：冷靜期，結束於",
        ),
        M::CoolingOffLimit => (
            "  Withdrawals, transfers and payments, in all, up to",
            "  提现、转账和付款合计上限",
            "  提領、轉帳和付款合計上限",
        ),
        M::Since => ("  since", "  冻结时间", "  凍結時間"),
        M::NoSecurityEvents => ("No security events.", "没有安全记录。", "沒有安全紀錄。"),
        M::OlderEntries => (
            "Older entries: wallet security-log --before",
            "更早的记录：wallet security-log --before",
            "更早的紀錄：wallet security-log --before",
        ),
        M::NoDeviceEvents => ("No new notices.", "没有新通知。", "沒有新通知。"),
        M::FrozenNow => (
            "Frozen now: no money leaves the account. This device stays signed in; unfreeze with wallet unfreeze.",
            "已立即冻结：资金无法转出。本设备保持登录；解冻请用 wallet unfreeze。",
            "已立即凍結：資金無法轉出。本裝置保持登入；解凍請用 wallet unfreeze。",
        ),
        M::SettingsSaved => ("Settings saved.", "设置已保存。", "設定已儲存。"),
        M::SmsLoginOn => (
            "SMS-only sign-in: on",
            "仅短信验证码登录：已开启",
            "僅簡訊驗證碼登入：已開啟",
        ),
        M::SmsLoginOff => (
            "SMS-only sign-in: off (sign-in needs the password and an SMS code)",
            "仅短信验证码登录：已关闭（登录需要密码和短信验证码）",
            "僅簡訊驗證碼登入：已關閉（登入需要密碼和簡訊驗證碼）",
        ),
        M::SmsLoginWarning => (
            "warning: SMS-only sign-in is on. Anyone holding your SIM card (or a copy of it) can now sign in without your password. Switch it off with: wallet settings sms-login off",
            "警告：已开启仅短信验证码登录。任何拿到你的 SIM 卡（或补办的卡）的人都可以不用密码登录。关闭：wallet settings sms-login off",
            "警告：已開啟僅簡訊驗證碼登入。任何拿到你的 SIM 卡（或補辦的卡）的人都可以不用密碼登入。關閉：wallet settings sms-login off",
        ),
        M::SmsPayOn => (
            "SMS payment (reply Y): on; limits per payment / per day: {a} / {b}",
            "短信支付（回复 Y）：已开启；单笔/每日限额：{a} / {b}",
            "簡訊支付（回覆 Y）：已開啟；單筆/每日限額：{a} / {b}",
        ),
        M::SmsPayOff => (
            "SMS payment (reply Y): off",
            "短信支付（回复 Y）：已关闭",
            "簡訊支付（回覆 Y）：已關閉",
        ),
        M::SmsPayWarning => (
            "warning: SMS payment is on. Anyone holding your SIM card (or a copy of it) can pay small amounts by replying Y. Switch it off with: wallet settings sms-pay off",
            "警告：已开启短信支付。任何拿到你的 SIM 卡（或补办的卡）的人都可以回复 Y 支付小额款项。关闭：wallet settings sms-pay off",
            "警告：已開啟簡訊支付。任何拿到你的 SIM 卡（或補辦的卡）的人都可以回覆 Y 支付小額款項。關閉：wallet settings sms-pay off",
        ),
        M::OldNumberCodeSent => (
            "A code was also sent to the old number.",
            "验证码也已发送至原手机号。",
            "驗證碼也已傳送至原手機號碼。",
        ),
        M::Next => ("Next:", "下一步：", "下一步："),
        M::PhoneChanged => ("Phone number changed to", "手机号已更换为", "手機號碼已更換為"),
        M::CardsUnboundRebind => (
            "The cards bound under the old number were unbound; bind them again: wallet card bind",
            "原手机号下绑定的银行卡已解绑，请重新绑定：wallet card bind",
            "原手機號碼下綁定的銀行卡已解除綁定，請重新綁定：wallet card bind",
        ),
        M::CardsKept => (
            "The bound cards were kept.",
            "已保留绑定的银行卡。",
            "已保留綁定的銀行卡。",
        ),
        M::TransferOut => ("Transfer out", "转出", "轉出"),
        M::TransferIn => ("Transfer in", "转入", "轉入"),
        M::Recipient => ("Recipient:", "收款人：", "收款人："),
        M::ConfirmTransfer => ("Send {a} to {b}? [y/N] ", "向 {b} 转账 {a}？[y/N] ", "向 {b} 轉帳 {a}？[y/N] "),
        M::TransferCancelled => ("Cancelled: no money was sent.", "已取消，未转出任何款项。", "已取消，未轉出任何款項。"),
        M::Note => ("Note", "备注", "備註"),
        M::NoHistory => ("No entries.", "没有记录。", "沒有紀錄。"),
        M::HistorySynced => ("Synced: {a} new, {b} updated.", "已同步：新增 {a} 笔，更新 {b} 笔。", "已同步：新增 {a} 筆，更新 {b} 筆。"),
        M::HistoryOffline => (
            "Offline: showing the history as last synced.",
            "离线：显示上次同步的记录。",
            "離線：顯示上次同步的紀錄。",
        ),
        M::CsvWritten => ("CSV written to", "CSV 已写入", "CSV 已寫入"),
        M::SummaryOf => ("Month", "月份", "月份"),
        M::Spent => ("Spent", "支出", "支出"),
        M::Received => ("Received from others", "收到转账", "收到轉帳"),
        M::BudgetLabel => ("budget", "预算", "預算"),
        M::NoBudgets => ("No budgets set.", "尚未设置预算。", "尚未設定預算。"),
        M::BudgetSaved => ("Budget saved:", "预算已保存：", "預算已儲存："),
        M::BudgetCleared => ("Budget removed:", "预算已删除：", "預算已刪除："),
        M::BudgetReached80 => (
            "warning: {a} has used 80% of its budget this month ({b})",
            "提醒：{a} 本月已用去预算的 80%（{b}）",
            "提醒：{a} 本月已用去預算的 80%（{b}）",
        ),
        M::BudgetReached100 => (
            "warning: {a} is over its budget this month ({b})",
            "提醒：{a} 本月已超出预算（{b}）",
            "提醒：{a} 本月已超出預算（{b}）",
        ),
        M::Merchant => ("Merchant", "商户", "商店"),
        M::Counterparty => ("Counterparty", "对方", "對方"),
        M::Card => ("Card", "银行卡", "銀行卡"),
        M::Category => ("Category", "类别", "類別"),
        M::Status => ("Status", "状态", "狀態"),
        M::Order => ("Order", "订单", "訂單"),
        M::Source => ("Paid from", "付款方式", "付款方式"),
        M::SourceFrom => ("from {a}", "来自{a}", "來自{a}"),
        M::SourceBalance => ("balance", "余额", "餘額"),
        M::SourceCarrier => ("phone bill", "话费", "話費"),
        M::DefaultOrder => ("Default order:", "默认付款顺序：", "預設付款順序："),
        M::MonthlyLeft => ("{a} left this month", "本月还可用 {a}", "本月還可用 {a}"),
    };
    match lang {
        Lang::En => en,
        Lang::ZhCn => cn,
        Lang::ZhTw => tw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_for_every_code_this_cli_shows_and_english_falls_back() {
        for code in [
            ErrorCode::DeviceRevoked,
            ErrorCode::PasswordWeak,
            ErrorCode::Network,
            ErrorCode::CardDeclined,
            ErrorCode::BankInsufficientFunds,
            ErrorCode::PinLocked,
            ErrorCode::AmountInvalid,
            ErrorCode::IdempotencyKeyReused,
        ] {
            assert!(error_text(Lang::ZhCn, code).is_some());
            assert!(error_text(Lang::ZhTw, code).is_some());
            assert!(error_text(Lang::En, code).is_none());
        }
        assert!(error_text(Lang::ZhCn, ErrorCode::Internal).is_none());
    }

    #[test]
    fn every_qr_paycode_and_order_code_is_translated() {
        let all = ErrorCode::ALL;
        let first = all.iter().position(|c| *c == ErrorCode::QrEmpty).unwrap();
        let last = all
            .iter()
            .position(|c| *c == ErrorCode::PaycodeNotProvisioned)
            .unwrap();
        assert!(first < last);
        for &code in &all[first..=last] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn every_card_pin_and_money_code_is_translated() {
        let all = ErrorCode::ALL;
        let first = all
            .iter()
            .position(|c| *c == ErrorCode::CardNumberInvalid)
            .unwrap_or(all.len());
        let last = all
            .iter()
            .position(|c| *c == ErrorCode::PinRequired)
            .unwrap_or(0);
        assert!(first < last);
        for &code in &all[first..=last] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
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
        for lang in [Lang::En, Lang::ZhCn, Lang::ZhTw] {
            let w = text(lang, Msg::SmsLoginWarning);
            assert!(w.contains("SIM") && w.contains("sms-login off"), "{w}");
            let w = text(lang, Msg::SmsPayWarning);
            assert!(w.contains("SIM") && w.contains("sms-pay off"), "{w}");
        }
    }

    #[test]
    fn the_transfer_and_history_lines_are_translated() {
        for code in [
            ErrorCode::RecipientNotFound,
            ErrorCode::TransferToSelf,
            ErrorCode::RecipientUnavailable,
        ] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
        }
        for m in [
            Msg::ConfirmTransfer,
            Msg::HistorySynced,
            Msg::BudgetReached80,
            Msg::BudgetReached100,
        ] {
            for lang in [Lang::En, Lang::ZhCn, Lang::ZhTw] {
                let t = text(lang, m);
                assert!(t.contains("{a}") && t.contains("{b}"), "{m:?} {lang:?}");
            }
        }
        for &c in wallet_core::Category::ALL {
            assert_ne!(category(Lang::ZhCn, c), category(Lang::En, c));
        }
    }

    /// issue 13's codes: translated, and the detail (which field, which servers) shown.
    #[test]
    fn every_hardening_code_is_translated_with_its_detail() {
        for code in [
            ErrorCode::ServerMismatch,
            ErrorCode::ServerRedirect,
            ErrorCode::TextHiddenCharacter,
        ] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
            assert!(detail_matters(code), "{code:?}");
        }
    }

    #[test]
    fn every_funding_source_code_is_translated() {
        for code in [
            ErrorCode::SourceInvalid,
            ErrorCode::CarrierDeclined,
            ErrorCode::CarrierCapReached,
            ErrorCode::CarrierUnavailable,
            ErrorCode::PaymentPending,
        ] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
        }
        for m in [Msg::SourceBalance, Msg::SourceCarrier, Msg::DefaultOrder] {
            assert_ne!(text(Lang::ZhCn, m), text(Lang::En, m));
        }
    }

    #[test]
    fn every_lost_phone_code_is_translated() {
        for code in [
            ErrorCode::AccountFrozen,
            ErrorCode::CoolingOff,
            ErrorCode::NotFrozen,
            ErrorCode::UnfreezeDenied,
            ErrorCode::SmsLoginDisabled,
        ] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
        }
        for &k in wallet_core::SecurityEventKind::ALL {
            assert_ne!(security_kind(Lang::ZhCn, k), security_kind(Lang::En, k));
        }
        for &k in wallet_core::DeviceEventKind::ALL {
            assert_ne!(event_kind(Lang::ZhTw, k), event_kind(Lang::En, k));
        }
    }

    #[test]
    fn the_operators_codes_are_translated() {
        for code in [ErrorCode::RequestTimeout, ErrorCode::NotReady] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
            assert!(error_text(Lang::En, code).is_none());
        }
    }
}
