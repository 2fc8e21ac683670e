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
    )
}

/// Lines of successful output.
#[derive(Debug, Clone, Copy)]
pub enum Msg {
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
    fn every_card_pin_and_money_code_is_translated() {
        let all = ErrorCode::ALL;
        let first = all
            .iter()
            .position(|c| *c == ErrorCode::CardNumberInvalid)
            .unwrap_or(all.len());
        let last = all
            .iter()
            .position(|c| *c == ErrorCode::IdempotencyKeyReused)
            .unwrap_or(0);
        assert!(first < last);
        for &code in &all[first..=last] {
            for lang in [Lang::ZhCn, Lang::ZhTw] {
                assert!(error_text(lang, code).is_some(), "{code:?} in {lang:?}");
            }
        }
    }
}
