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
        _ => return None,
    };
    match lang {
        Lang::En => None,
        Lang::ZhCn => Some(cn),
        Lang::ZhTw => Some(tw),
    }
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
}

pub fn text(lang: Lang, msg: Msg) -> &'static str {
    use Msg as M;
    match (lang, msg) {
        (Lang::En, M::CodeSent) => "A verification code was sent to",
        (Lang::ZhCn, M::CodeSent) => "验证码已发送至",
        (Lang::ZhTw, M::CodeSent) => "驗證碼已傳送至",
        (Lang::En, M::NextVerify) => "Next: wallet verify --code <6 digits>, before",
        (Lang::ZhCn, M::NextVerify) => "下一步：wallet verify --code <6 位数字>，有效期至",
        (Lang::ZhTw, M::NextVerify) => "下一步：wallet verify --code <6 位數字>，有效期至",
        (Lang::En, M::SignedIn) => "Signed in as",
        (Lang::ZhCn, M::SignedIn) => "已登录：",
        (Lang::ZhTw, M::SignedIn) => "已登入：",
        (Lang::En, M::ThisDevice) => "This device:",
        (Lang::ZhCn, M::ThisDevice) => "本设备：",
        (Lang::ZhTw, M::ThisDevice) => "本裝置：",
        (Lang::En, M::Revoked) => "Signed out device",
        (Lang::ZhCn, M::Revoked) => "已退出设备",
        (Lang::ZhTw, M::Revoked) => "已登出裝置",
        (Lang::En, M::LoggedOut) => "Signed out. The local data on this device was deleted.",
        (Lang::ZhCn, M::LoggedOut) => "已退出登录，本机数据已删除。",
        (Lang::ZhTw, M::LoggedOut) => "已登出，本機資料已刪除。",
        (Lang::En, M::WeakPassword) => "warning: this password is too weak",
        (Lang::ZhCn, M::WeakPassword) => "警告：密码太弱",
        (Lang::ZhTw, M::WeakPassword) => "警告：密碼太弱",
        (Lang::En, M::NoDevices) => "No devices.",
        (Lang::ZhCn, M::NoDevices) => "没有设备。",
        (Lang::ZhTw, M::NoDevices) => "沒有裝置。",
        (Lang::En, M::Error) => "error",
        (Lang::ZhCn, M::Error) => "错误",
        (Lang::ZhTw, M::Error) => "錯誤",
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
        ] {
            assert!(error_text(Lang::ZhCn, code).is_some());
            assert!(error_text(Lang::ZhTw, code).is_some());
            assert!(error_text(Lang::En, code).is_none());
        }
        assert!(error_text(Lang::ZhCn, ErrorCode::Internal).is_none());
    }
}
