//! Web checkout (docs/rules.md §Paying, issue 14): the merchant's `POST
//! /v1/merchants/{id}/checkouts`, the checkout page `GET /checkout/{token}` (server-rendered
//! HTML in English, Simplified or Traditional Chinese by `Accept-Language`; sandbox only, like
//! the POS page), and the two calls its script makes: `GET /v1/checkout/{token}` (follow the
//! order) and `POST /v1/checkout/{token}/phone` ("pay with my phone number"). The logic lives
//! in [`crate::domain::checkout`]; money moves through the order paths of
//! [`crate::domain::pay`].

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use wallet_protocol::api::{
    paths, CheckoutCreateRequest, CheckoutCreated, CheckoutPhonePushed, CheckoutPhoneRequest,
    CheckoutView, OrderStatus,
};
use wallet_protocol::Problem;

use crate::domain::checkout;
use crate::domain::error::{ApiError, ApiResult};
use crate::domain::pay;
use crate::domain::sandbox::ensure_sandbox;
use crate::domain::state::AppState;
use crate::http::extract::{ApiJson, ApiPath, ClientIp, MerchantKey};

pub const SCRIPT_PATH: &str = "/checkout/assets/checkout.js";
pub const STYLE_PATH: &str = "/checkout/assets/checkout.css";

const SCRIPT: &str = include_str!("../../../checkout/checkout.js");
const STYLE: &str = include_str!("../../../checkout/checkout.css");

/// Only our own script and style; the page talks only to this server and cannot be framed (a
/// merchant sends the payer here, it does not embed the page).
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
     connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Create a web checkout: an order (channel `checkout`, with its dynamic code) and the link of
/// its checkout page, where the payer scans the code or sends the order to their phone number;
/// the page then returns to `return_url` with `order_id` and `status` in the query. The link
/// is shown once and dies with the order. Sandbox only (the page is served in sandbox mode).
#[utoipa::path(
    post,
    path = paths::MERCHANT_CHECKOUTS,
    tag = "merchants",
    params(("merchant_id" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    request_body = CheckoutCreateRequest,
    security(("merchant_key" = [])),
    responses(
        (status = 201, description = "The open order and its checkout page's path (holds the page's secret token: shown once)", body = CheckoutCreated),
        (status = 400, description = "AMOUNT_INVALID, MALFORMED_REQUEST (return_url, expires_in_secs 1-86400, description)", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "MERCHANT_KEY_INVALID", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "SANDBOX_ONLY", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "AMOUNT_OVER_LIMIT: more than one payment may be", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    State(state): State<AppState>,
    ApiPath(merchant_id): ApiPath<String>,
    MerchantKey(api_key): MerchantKey,
    ApiJson(req): ApiJson<CheckoutCreateRequest>,
) -> ApiResult<(StatusCode, Json<CheckoutCreated>)> {
    let m = pay::authenticate(&state, api_key.as_deref(), &merchant_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(checkout::create(&state, &m, req).await?),
    ))
}

/// The checkout's order as its page shows it: the merchant on record, the amount, the code to
/// scan while open, and once settled the `return_url` with the result. No sign-in: the token
/// is the capability. Unknown, malformed and expired links answer alike.
#[utoipa::path(
    get,
    path = paths::CHECKOUT,
    tag = "checkout",
    params(("token" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    responses(
        (status = 200, description = "The order as the page shows it", body = CheckoutView),
        (status = 403, description = "SANDBOX_ONLY", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "ORDER_NOT_FOUND: no such checkout, or its link has expired", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many requests from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn view(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Json<CheckoutView>> {
    Ok(Json(checkout::view(&state, &token).await?))
}

/// "Pay with my phone number": the order waits in the Wallet inbox of the account with this
/// number, to be confirmed there with the PIN. The answer is the same whether or not the number
/// has an account. A page pushes its order to at most 5 numbers; each counts against the
/// client IP's hourly budget of numbers (shared with sign-up and SMS sign-in).
#[utoipa::path(
    post,
    path = paths::CHECKOUT_PHONE,
    tag = "checkout",
    params(("token" = String, Path, pattern = "^[A-Za-z0-9_-]{1,128}$")),
    request_body = CheckoutPhoneRequest,
    responses(
        (status = 202, description = "Sent, if the number has an account (never says whether)", body = CheckoutPhonePushed),
        (status = 400, description = "PHONE_INVALID, MALFORMED_REQUEST", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "SANDBOX_ONLY", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "ORDER_NOT_FOUND: no such checkout, or its link has expired", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "ORDER_ALREADY_PAID, ORDER_EXPIRED, ORDER_CLOSED", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "RATE_LIMITED: too many numbers for this page or from this client IP", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn push_phone(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<CheckoutPhoneRequest>,
) -> ApiResult<(StatusCode, Json<CheckoutPhonePushed>)> {
    Ok((
        StatusCode::ACCEPTED,
        Json(checkout::push_phone(&state, &token, &ip, req).await?),
    ))
}

fn secure_headers(res: &mut Response, content_type: &'static str) {
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // The token is in the page's URL: never sent on to the merchant or anyone else.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

pub async fn script(State(state): State<AppState>) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    let mut res = SCRIPT.into_response();
    secure_headers(&mut res, "text/javascript; charset=utf-8");
    Ok(res)
}

pub async fn style(State(state): State<AppState>) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    let mut res = STYLE.into_response();
    secure_headers(&mut res, "text/css; charset=utf-8");
    Ok(res)
}

/// The checkout page. A link that does not (or no longer) work(s) gets a page saying so, with
/// status 404; outside sandbox mode `SANDBOX_ONLY` like the POS page.
pub async fn page(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    ensure_sandbox(&state)?;
    let lang = Lang::from_headers(&headers);
    let (status, html) = match checkout::find(&state, &token).await {
        Ok(found) => (StatusCode::OK, render(lang, &checkout::view_of(&found)?)?),
        Err(e) if e.0.code == wallet_protocol::ErrorCode::OrderNotFound => {
            (StatusCode::NOT_FOUND, render_gone(lang))
        }
        Err(e) => return Err(e),
    };
    let mut res = (status, html).into_response();
    secure_headers(&mut res, "text/html; charset=utf-8");
    Ok(res)
}

// --- rendering -------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    En,
    ZhCn,
    ZhTw,
}

impl Lang {
    /// The first language of `Accept-Language` the page speaks; English otherwise.
    fn from_headers(headers: &HeaderMap) -> Self {
        let Some(accept) = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
        else {
            return Lang::En;
        };
        for tag in accept.split(',') {
            let tag = tag
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("zh-tw") || tag.starts_with("zh-hk") || tag.starts_with("zh-hant") {
                return Lang::ZhTw;
            }
            if tag.starts_with("zh") {
                return Lang::ZhCn;
            }
            if tag.starts_with("en") {
                return Lang::En;
            }
        }
        Lang::En
    }

    fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
            Lang::ZhTw => "zh-TW",
        }
    }
}

/// The page's words: `(key, en, zh-CN, zh-TW)`. `{merchant}` and `{phone}` are filled in.
const WORDS: &[(&str, &str, &str, &str)] = &[
    ("brand", "Wallet checkout", "Wallet 收银台", "Wallet 收銀台"),
    ("sandbox", "Sandbox: no real money moves.", "沙盒环境：不涉及真实资金。", "沙盒環境：不涉及真實資金。"),
    ("title", "Pay {merchant}", "向 {merchant} 付款", "向 {merchant} 付款"),
    ("merchant", "Merchant on record", "商户（登记名称）", "商戶（登記名稱）"),
    ("amount", "Amount", "金额", "金額"),
    ("order", "Order", "订单号", "訂單編號"),
    ("expires", "Pay before", "请在此时间前付款", "請在此時間前付款"),
    ("scan_title", "Scan with the Wallet app", "用 Wallet 扫码支付", "用 Wallet 掃碼付款"),
    ("scan_hint", "Open Wallet, tap Scan and point it at this code.", "打开 Wallet，点“扫一扫”，对准此码。", "打開 Wallet，點「掃一掃」，對準此碼。"),
    ("code_text", "The code as text", "二维码文本", "QR 碼文字"),
    ("phone_title", "Pay with my phone number", "用我的手机号支付", "用我的手機號碼付款"),
    ("phone_hint", "The order goes to the Wallet app of this number; confirm it there with your payment PIN.", "订单将发送到该号码的 Wallet 应用，请在应用中用支付密码确认。", "訂單將傳送到該號碼的 Wallet 應用程式，請在應用程式中以支付密碼確認。"),
    ("phone_label", "Mobile number", "手机号", "手機號碼"),
    ("phone_submit", "Send to my Wallet app", "发送到我的 Wallet", "傳送到我的 Wallet"),
    ("phone_sent", "If {phone} has a Wallet account, the order is waiting in its app. Confirm it there with your payment PIN.", "如果 {phone} 已开通 Wallet，订单已在其应用中等待，请用支付密码确认。", "如果 {phone} 已開通 Wallet，訂單已在其應用程式中等待，請以支付密碼確認。"),
    ("phone_invalid", "That is not a valid mobile number.", "手机号无效。", "手機號碼無效。"),
    ("too_many", "Too many tries. Scan the code instead, or try again later.", "尝试次数过多，请改用扫码或稍后再试。", "嘗試次數過多，請改用掃碼或稍後再試。"),
    ("error", "Something went wrong. Please try again.", "出了点问题，请重试。", "發生錯誤，請重試。"),
    ("status_open", "Waiting for payment", "等待付款", "等待付款"),
    ("status_paid", "Paid. Thank you!", "已付款，谢谢！", "已付款，謝謝！"),
    ("status_refunded", "Paid and refunded", "已付款并已退款", "已付款並已退款"),
    ("status_declined", "Declined in the Wallet app", "已在 Wallet 中拒绝", "已在 Wallet 中拒絕"),
    ("status_expired", "This order has expired", "订单已过期", "訂單已過期"),
    ("returning", "Returning to {merchant}…", "正在返回 {merchant}…", "正在返回 {merchant}…"),
    ("return_link", "Return to {merchant}", "返回 {merchant}", "返回 {merchant}"),
    ("gone", "This checkout link has expired or does not exist. Go back to the shop and start again.", "此收银链接已过期或不存在，请返回商家重新下单。", "此收銀連結已過期或不存在，請返回商家重新下單。"),
];

fn word(lang: Lang, key: &str) -> &'static str {
    WORDS
        .iter()
        .find(|w| w.0 == key)
        .map_or("", |w| match lang {
            Lang::En => w.1,
            Lang::ZhCn => w.2,
            Lang::ZhTw => w.3,
        })
}

/// Text for HTML (element content and quoted attribute values).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn status_key(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Open => "status_open",
        OrderStatus::Paid => "status_paid",
        OrderStatus::Refunded => "status_refunded",
        OrderStatus::Declined => "status_declined",
        OrderStatus::Expired => "status_expired",
    }
}

fn status_name(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::Open => "open",
        OrderStatus::Paid => "paid",
        OrderStatus::Refunded => "refunded",
        OrderStatus::Declined => "declined",
        OrderStatus::Expired => "expired",
    }
}

/// The words the script needs, as JSON inside a non-executed `<script type="application/json">`
/// (`<` escaped, so no text can close the element).
fn script_words(lang: Lang) -> String {
    let map: serde_json::Map<String, serde_json::Value> = WORDS
        .iter()
        .map(|w| (w.0.to_owned(), serde_json::Value::from(word(lang, w.0))))
        .collect();
    serde_json::Value::Object(map)
        .to_string()
        .replace('<', "\\u003c")
}

fn qr_svg(payload: &str) -> ApiResult<String> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
        .map_err(ApiError::internal)?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    // Inline in the page: from `<svg` on (no XML declaration).
    Ok(match image.find("<svg") {
        Some(i) => image[i..].to_owned(),
        None => image,
    })
}

fn render(lang: Lang, v: &CheckoutView) -> ApiResult<String> {
    let w = |k: &str| word(lang, k);
    let merchant = esc(&v.merchant.name);
    let fill = |k: &str| w(k).replace("{merchant}", &merchant);
    let open = v.status == OrderStatus::Open;
    let description = v
        .description
        .as_deref()
        .map(|d| format!(r#"<p id="description" class="description">{}</p>"#, esc(d)))
        .unwrap_or_default();
    let pay_options = match (&v.payload, open) {
        (Some(payload), true) => format!(
            r#"<section id="pay-options" class="options">
  <div class="option" id="scan">
    <h2>{scan_title}</h2>
    <div id="qr" class="qr" role="img" aria-label="{scan_title}">{svg}</div>
    <p class="hint">{scan_hint}</p>
    <details><summary>{code_text}</summary><code id="payload">{payload}</code></details>
  </div>
  <form class="option" id="phone-form" novalidate>
    <h2>{phone_title}</h2>
    <p class="hint">{phone_hint}</p>
    <label for="phone">{phone_label}</label>
    <input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" maxlength="32" required>
    <button id="phone-submit" type="submit">{phone_submit}</button>
    <p id="phone-result" role="status" aria-live="polite"></p>
  </form>
</section>"#,
            scan_title = w("scan_title"),
            svg = qr_svg(payload)?,
            scan_hint = w("scan_hint"),
            code_text = w("code_text"),
            payload = esc(payload),
            phone_title = w("phone_title"),
            phone_hint = w("phone_hint"),
            phone_label = w("phone_label"),
            phone_submit = w("phone_submit"),
        ),
        _ => String::new(),
    };
    let (result_hidden, return_href) = match &v.return_url {
        Some(url) => ("", esc(url)),
        None => (" hidden", String::new()),
    };
    Ok(format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{title} · {brand}</title>
<link rel="stylesheet" href="{style}">
</head>
<body>
<main>
<header><p class="brand">{brand}</p><p class="sandbox">{sandbox}</p></header>
<section class="order" aria-labelledby="amount">
  <p class="label">{merchant_label}</p>
  <h1 id="merchant-name">{merchant}</h1>
  <p id="merchant-city" class="muted">{city}</p>
  <p class="label">{amount_label}</p>
  <p id="amount" class="amount">{amount}</p>
  {description}
  <p class="muted">{order_label}: <span id="order-id">{order_id}</span></p>
  <p id="expires" class="muted"{expires_hidden}>{expires_label}: <time id="expires-at" datetime="{expires}">{expires}</time></p>
</section>
<p id="status" class="status" data-status="{status_name}" role="status" aria-live="polite">{status_text}</p>
{pay_options}
<section id="result" class="result"{result_hidden}>
  <p id="returning"></p>
  <a id="return-link" href="{return_href}">{return_link}</a>
</section>
</main>
<script type="application/json" id="checkout-words">{words}</script>
<script src="{script}"></script>
</body>
</html>
"#,
        lang = lang.tag(),
        title = fill("title"),
        brand = w("brand"),
        style = STYLE_PATH,
        sandbox = w("sandbox"),
        merchant_label = w("merchant"),
        city = esc(&v.merchant.city),
        amount_label = w("amount"),
        amount = esc(&v.amount.display()),
        order_label = w("order"),
        order_id = esc(&v.order_id),
        expires_label = w("expires"),
        expires_hidden = if open { "" } else { " hidden" },
        expires = v
            .expires_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        status_name = status_name(v.status),
        status_text = w(status_key(v.status)),
        return_link = fill("return_link"),
        words = script_words(lang),
        script = SCRIPT_PATH,
    ))
}

fn render_gone(lang: Lang) -> String {
    format!(
        r#"<!doctype html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{brand}</title>
<link rel="stylesheet" href="{style}">
</head>
<body>
<main>
<header><p class="brand">{brand}</p></header>
<p id="status" class="status" data-status="gone" role="alert">{gone}</p>
</main>
</body>
</html>
"#,
        lang = lang.tag(),
        brand = word(lang, "brand"),
        style = STYLE_PATH,
        gone = word(lang, "gone"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html() {
        assert_eq!(
            esc(r#"<b>"Tom & Jerry's"</b>"#),
            "&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;"
        );
        assert!(!script_words(Lang::En).contains('<'));
    }

    #[test]
    fn every_word_is_in_every_language() {
        for w in WORDS {
            assert!(
                !w.1.is_empty() && !w.2.is_empty() && !w.3.is_empty(),
                "{}",
                w.0
            );
        }
    }

    #[test]
    fn the_language_follows_accept_language() {
        let lang = |v: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_str(v).unwrap());
            Lang::from_headers(&h)
        };
        assert_eq!(lang("zh-CN,zh;q=0.9,en;q=0.8"), Lang::ZhCn);
        assert_eq!(lang("zh-TW,zh;q=0.9"), Lang::ZhTw);
        assert_eq!(lang("zh-Hant-HK"), Lang::ZhTw);
        assert_eq!(lang("fr-FR,en;q=0.5"), Lang::En);
        assert_eq!(lang("de"), Lang::En);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::En);
    }
}
