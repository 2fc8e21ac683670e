//! Merchant notices (docs/rules.md §Paying, `wallet_protocol::notice`): the merchant's
//! `notify_url` and notice secret, the list of notices with their delivery state, and the
//! deliverer every `serve` process runs.
//!
//! Notices are written by the database (the `orders_notice` trigger of migration 0013) in the
//! transaction that changes the order; this module only delivers them. Each pass of the
//! deliverer turns due open orders `expired` (so their notice goes out on time), claims due
//! notices with a lease ([`crate::store::Store::claim_notices`]: with several instances on one
//! database, each attempt is made by one of them), POSTs each one signed with the merchant's
//! current secret, and records the answer: `2xx` is delivered; anything else is retried after
//! [`retry_delay`] until [`NoticeOptions::notice_max_attempts`], then `failed`.

use std::time::Duration;

use clap::Args;
use rand::rngs::OsRng;
use rand::RngCore as _;
use wallet_protocol::notice::{
    self, DeliveryStatus, NoticeBody, NoticeDelivery, NoticeEvent, NoticeList, NoticeSecret,
    NoticeSettings, NoticeSettingsUpdate, NOTIFY_URL_MAX_LEN,
};
use wallet_protocol::{Currency, ErrorCode, Money};

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::domain::wire::wire_time;
use crate::ports::notify::{self, HttpNotifier};
use crate::store::{AttemptResult, ClaimedNotice, MerchantRow, NoticeRow};

/// Notices the merchant API and `wallet-server merchant notices` list at most.
pub const LIST_LIMIT: u32 = 100;
/// Notices one pass claims at most.
const CLAIM_BATCH: u32 = 20;
/// Open orders one pass turns `expired` at most.
const EXPIRE_BATCH: u32 = 500;

/// How notices are delivered: `wallet-server serve` flags.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct NoticeOptions {
    /// Milliseconds between passes of the notice deliverer (due notices, expired orders).
    #[arg(long, default_value_t = 1000)]
    pub notice_interval_ms: u64,
    /// Seconds before the first retry of a notice the merchant did not acknowledge; each
    /// further retry waits twice as long.
    #[arg(long, default_value_t = 15)]
    pub notice_retry_base_secs: i64,
    /// Longest wait between two attempts, in seconds (default 6 hours).
    #[arg(long, default_value_t = 21_600)]
    pub notice_retry_max_secs: i64,
    /// Attempts before a notice is marked failed (default 12: about 17 hours of tries).
    #[arg(long, default_value_t = 12)]
    pub notice_max_attempts: u32,
    /// Milliseconds a merchant has to answer one attempt.
    #[arg(long, default_value_t = 5000)]
    pub notice_timeout_ms: u64,
}

impl Default for NoticeOptions {
    fn default() -> Self {
        Self {
            notice_interval_ms: 1000,
            notice_retry_base_secs: 15,
            notice_retry_max_secs: 21_600,
            notice_max_attempts: 12,
            notice_timeout_ms: 5000,
        }
    }
}

impl NoticeOptions {
    fn timeout(&self) -> Duration {
        Duration::from_millis(self.notice_timeout_ms.max(100))
    }

    /// How long a claim holds: the attempt's timeout and a margin.
    fn lease_secs(&self) -> i64 {
        i64::try_from(self.timeout().as_secs()).unwrap_or(60) * 2 + 30
    }
}

/// The wait after `attempts` failed attempts: base × 2^(attempts − 1), at most the cap.
pub fn retry_delay(options: &NoticeOptions, attempts: u32) -> i64 {
    let base = options.notice_retry_base_secs.max(1);
    let cap = options.notice_retry_max_secs.max(base);
    let doublings = attempts.saturating_sub(1).min(40);
    base.checked_mul(1_i64 << doublings)
        .map_or(cap, |d| d.min(cap))
}

/// What to record for an attempt that got `outcome`, as attempt number `attempt`.
pub fn judge(
    options: &NoticeOptions,
    attempt: u32,
    outcome: &notify::PostOutcome,
    now: i64,
) -> AttemptResult {
    if let (true, Some(http_status)) = (outcome.acknowledged(), outcome.http_status()) {
        return AttemptResult::Delivered { http_status };
    }
    if attempt >= options.notice_max_attempts {
        return AttemptResult::Failed {
            http_status: outcome.http_status(),
            error: outcome.reason(),
        };
    }
    AttemptResult::Retry {
        http_status: outcome.http_status(),
        error: outcome.reason(),
        next_attempt_at: now.saturating_add(retry_delay(options, attempt)),
    }
}

/// Checks a `notify_url`: `http` or `https`, a host, no user or password, at most 512
/// characters; outside sandbox mode no `localhost` name and no address that is not public.
pub fn check_notify_url(raw: &str, sandbox: bool) -> ApiResult<reqwest::Url> {
    let invalid = |why: &str| ApiError::detail(ErrorCode::NotifyUrlInvalid, why.to_owned());
    let raw = raw.trim();
    if raw.is_empty() || raw.len() > NOTIFY_URL_MAX_LEN {
        return Err(invalid("notify_url: 1 to 512 characters"));
    }
    let url = reqwest::Url::parse(raw).map_err(|_| invalid("notify_url: not an absolute URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("notify_url: only http and https"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("notify_url: no user or password in the URL"));
    }
    let Some(host) = url.host_str().filter(|h| !h.is_empty()) else {
        return Err(invalid("notify_url: no host"));
    };
    if !sandbox {
        let host = host.to_ascii_lowercase();
        let local_name = host == "localhost"
            || host.ends_with(".localhost")
            || host.ends_with(".local")
            || host.ends_with(".internal");
        if local_name || notify::host_ip(&url).is_some_and(|ip| !notify::is_public(ip)) {
            return Err(invalid(
                "notify_url: a private, loopback or link-local address (allowed in sandbox mode only)",
            ));
        }
    }
    Ok(url)
}

/// `nsk_` + 32 random bytes, base64url.
fn new_secret() -> String {
    use base64::Engine as _;
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    format!(
        "nsk_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// A new merchant's notice secret (answered once) and its `notify_url`, checked before the
/// merchant was stored.
pub async fn init_merchant(
    state: &AppState,
    merchant_id: &str,
    notify_url: Option<reqwest::Url>,
) -> ApiResult<String> {
    let secret = new_secret();
    state
        .store
        .set_notice_secret(merchant_id, &secret, state.clock.unix())
        .await?;
    if let Some(url) = notify_url {
        state
            .store
            .set_notify_url(merchant_id, Some(url.to_string()))
            .await?;
    }
    Ok(secret)
}

/// `GET /v1/merchants/{id}/notice-settings`.
pub async fn settings(state: &AppState, m: &MerchantRow) -> ApiResult<NoticeSettings> {
    let row = state
        .store
        .notice_settings(&m.id)
        .await?
        .ok_or_else(|| ApiError::internal(format!("merchant {} vanished", m.id)))?;
    Ok(NoticeSettings {
        notify_url: row.notify_url,
        secret_created_at: row.secret_created_at.map(wire_time),
    })
}

/// `PUT /v1/merchants/{id}/notice-settings`: a new `notify_url`, or none.
pub async fn put_settings(
    state: &AppState,
    m: &MerchantRow,
    req: NoticeSettingsUpdate,
) -> ApiResult<NoticeSettings> {
    let url = req
        .notify_url
        .as_deref()
        .map(|u| check_notify_url(u, state.sandbox))
        .transpose()?;
    state
        .store
        .set_notify_url(&m.id, url.map(|u| u.to_string()))
        .await?;
    tracing::info!(merchant = %m.id, "notice settings changed");
    settings(state, m).await
}

/// `POST /v1/merchants/{id}/notice-secret`: a new secret, shown once. From now on every
/// attempt (retries of older notices too) is signed with it.
pub async fn rotate_secret(state: &AppState, m: &MerchantRow) -> ApiResult<NoticeSecret> {
    let secret = new_secret();
    let now = state.clock.unix();
    state.store.set_notice_secret(&m.id, &secret, now).await?;
    tracing::info!(merchant = %m.id, "notice secret rotated");
    Ok(NoticeSecret {
        notice_secret: secret,
        secret_created_at: wire_time(now),
    })
}

fn money(minor: i64, currency: &str) -> ApiResult<Money> {
    let currency = Currency::from_code(currency)
        .ok_or_else(|| ApiError::internal(format!("notice currency {currency:?}")))?;
    Ok(Money::new(minor, currency))
}

fn event(row: &NoticeRow) -> ApiResult<NoticeEvent> {
    NoticeEvent::parse(&row.event)
        .ok_or_else(|| ApiError::internal(format!("notice {}: event {:?}", row.id, row.event)))
}

/// A notice as the merchant API shows it.
pub fn delivery_wire(row: &NoticeRow) -> ApiResult<NoticeDelivery> {
    let status = DeliveryStatus::parse(&row.status)
        .ok_or_else(|| ApiError::internal(format!("notice {}: status {:?}", row.id, row.status)))?;
    Ok(NoticeDelivery {
        notice_id: row.id.clone(),
        order_id: row.order_id.clone(),
        event: event(row)?,
        amount: money(row.amount, &row.currency)?,
        occurred_at: wire_time(row.occurred_at),
        status,
        attempts: row.attempts,
        last_attempt_at: row.last_attempt_at.map(wire_time),
        last_http_status: row.last_http_status.and_then(|s| u16::try_from(s).ok()),
        last_error: row.last_error.clone(),
        next_attempt_at: (status == DeliveryStatus::Pending)
            .then(|| wire_time(row.next_attempt_at)),
        delivered_at: row.delivered_at.map(wire_time),
    })
}

/// The body POSTed for a notice (the same bytes on every attempt).
pub fn body(row: &NoticeRow) -> ApiResult<NoticeBody> {
    Ok(NoticeBody {
        notice_id: row.id.clone(),
        event: event(row)?,
        merchant_id: row.merchant_id.clone(),
        order_id: row.order_id.clone(),
        amount: money(row.amount, &row.currency)?,
        order_amount: money(row.order_amount, &row.currency)?,
        refunded: money(row.refunded, &row.currency)?,
        occurred_at: wire_time(row.occurred_at),
    })
}

/// `GET /v1/merchants/{id}/notices`: newest first, of one order when asked.
pub async fn list(
    state: &AppState,
    m: &MerchantRow,
    order_id: Option<String>,
) -> ApiResult<NoticeList> {
    let settings = settings(state, m).await?;
    let rows = state
        .store
        .merchant_notices(&m.id, order_id, LIST_LIMIT)
        .await?;
    Ok(NoticeList {
        notify_url: settings.notify_url,
        notices: rows.iter().map(delivery_wire).collect::<ApiResult<_>>()?,
    })
}

/// One attempt of a claimed notice; what to record.
async fn attempt(
    state: &AppState,
    options: &NoticeOptions,
    notifier: &HttpNotifier,
    claimed: &ClaimedNotice,
) -> AttemptResult {
    let n = &claimed.notice;
    let gone = |why: &str| AttemptResult::Failed {
        http_status: None,
        error: why.to_owned(),
    };
    let Some(url) = claimed.notify_url.as_deref() else {
        return gone("notify_url removed");
    };
    let url = match check_notify_url(url, state.sandbox) {
        Ok(url) => url,
        Err(_) => return gone("notify_url refused"),
    };
    let Some(secret) = claimed.secret.as_ref() else {
        return gone("no notice secret");
    };
    let bytes = match body(n).and_then(|b| serde_json::to_vec(&b).map_err(ApiError::internal)) {
        Ok(bytes) => bytes,
        Err(_) => return gone("notice unreadable"),
    };
    let timestamp = state.clock.unix();
    let headers = [
        (notice::HEADER_ID, n.id.clone()),
        (notice::HEADER_TIMESTAMP, timestamp.to_string()),
        (
            notice::HEADER_SIGNATURE,
            notice::sign(secret, timestamp, &bytes),
        ),
    ];
    let outcome = notifier.post(&url, &headers, bytes).await;
    let result = judge(options, n.attempts, &outcome, state.clock.unix());
    tracing::info!(
        notice = %n.id,
        merchant = %n.merchant_id,
        attempt = n.attempts,
        outcome = %outcome.reason(),
        "notice attempt"
    );
    result
}

/// One pass: expire due orders, claim due notices, deliver them side by side, record each
/// answer. Answers how many attempts it made.
pub async fn deliver_due(
    state: &AppState,
    options: &NoticeOptions,
    notifier: &HttpNotifier,
    owner: &str,
) -> ApiResult<usize> {
    let now = state.clock.unix();
    state.store.expire_due_orders(now, EXPIRE_BATCH).await?;
    let claimed = state
        .store
        .claim_notices(owner, now, now + options.lease_secs(), CLAIM_BATCH)
        .await?;
    let count = claimed.len();
    let mut tasks = tokio::task::JoinSet::new();
    for c in claimed {
        let (state, options, notifier, owner) = (
            state.clone(),
            options.clone(),
            notifier.clone(),
            owner.to_owned(),
        );
        tasks.spawn(async move {
            let result = attempt(&state, &options, &notifier, &c).await;
            let n = &c.notice;
            let now = state.clock.unix();
            match state
                .store
                .finish_notice_attempt(&n.id, &owner, n.attempts, result, now)
                .await
            {
                Ok(true) => {}
                Ok(false) => tracing::warn!(notice = %n.id, "notice claim lapsed before its answer was recorded"),
                Err(e) => tracing::warn!(notice = %n.id, error = %e, "recording a notice attempt failed"),
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    Ok(count)
}

/// Runs [`deliver_due`] every `notice_interval_ms`, forever (one per `serve` process).
pub async fn deliverer(state: AppState, options: NoticeOptions) {
    let notifier = match HttpNotifier::new(state.sandbox, options.timeout()) {
        Ok(n) => n,
        Err(e) => {
            tracing::error!(error = %e, "the notice deliverer could not start");
            return;
        }
    };
    let owner = format!("inst_{}", uuid::Uuid::new_v4().simple());
    let mut tick = tokio::time::interval(Duration::from_millis(options.notice_interval_ms.max(50)));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match deliver_due(&state, &options, &notifier, &owner).await {
            Ok(0) => {}
            Ok(n) => tracing::debug!(attempts = n, "notice pass"),
            Err(e) => tracing::warn!(code = %e.code(), "notice pass failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::notify::PostOutcome;

    #[test]
    fn retries_double_up_to_the_cap_then_fail() {
        let o = NoticeOptions {
            notice_retry_base_secs: 15,
            notice_retry_max_secs: 100,
            notice_max_attempts: 4,
            ..NoticeOptions::default()
        };
        assert_eq!(retry_delay(&o, 1), 15);
        assert_eq!(retry_delay(&o, 2), 30);
        assert_eq!(retry_delay(&o, 3), 60);
        assert_eq!(retry_delay(&o, 4), 100);
        assert_eq!(retry_delay(&o, 60), 100);
        assert_eq!(
            judge(&o, 1, &PostOutcome::Status(204), 1000),
            AttemptResult::Delivered { http_status: 204 }
        );
        assert_eq!(
            judge(&o, 2, &PostOutcome::Status(500), 1000),
            AttemptResult::Retry {
                http_status: Some(500),
                error: "http 500".to_owned(),
                next_attempt_at: 1030
            }
        );
        // A redirect is not an acknowledgement.
        assert!(matches!(
            judge(&o, 1, &PostOutcome::Status(302), 0),
            AttemptResult::Retry { .. }
        ));
        assert_eq!(
            judge(&o, 4, &PostOutcome::Timeout, 1000),
            AttemptResult::Failed {
                http_status: None,
                error: "timeout".to_owned()
            }
        );
    }

    #[test]
    fn notify_urls_are_checked() {
        for ok in [
            "https://shop.example/notify",
            "http://shop.example:8080/n?x=1",
        ] {
            assert!(check_notify_url(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "shop.example/notify",
            "ftp://shop.example/",
            "file:///etc/passwd",
            "https://user:pw@shop.example/",
            "javascript:alert(1)",
        ] {
            let err = check_notify_url(bad, true).unwrap_err();
            assert_eq!(err.code(), ErrorCode::NotifyUrlInvalid, "{bad}");
        }
        let long = format!("https://shop.example/{}", "a".repeat(600));
        assert!(check_notify_url(&long, true).is_err());
        for private in [
            "http://127.0.0.1:9000/n",
            "http://localhost/n",
            "http://10.0.0.8/n",
            "http://[::1]/n",
            "http://169.254.169.254/latest/meta-data",
            "http://printer.local/",
        ] {
            assert!(check_notify_url(private, false).is_err(), "{private}");
            assert!(
                check_notify_url(private, true).is_ok(),
                "sandbox: {private}"
            );
        }
    }
}
