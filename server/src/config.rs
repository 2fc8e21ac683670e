//! Tunable abuse limits. Defaults are the production values; tests and operators override them
//! through `wallet-server serve` flags.

use clap::Args;
use ipnet::IpNet;

/// Rate limits for OTP sends and password tries. Windows are sliding, in seconds.
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct Limits {
    /// Most OTP messages one phone number may receive per window.
    #[arg(long, default_value_t = 5)]
    pub otp_per_phone_max: u32,
    /// Window for `--otp-per-phone-max`, in seconds.
    #[arg(long, default_value_t = 900)]
    pub otp_per_phone_window_secs: i64,
    /// Least time between two OTP messages to one phone number, in seconds.
    #[arg(long, default_value_t = 30)]
    pub otp_min_interval_secs: i64,
    /// Most OTP messages one client IP may trigger per window.
    #[arg(long, default_value_t = 20)]
    pub otp_per_ip_max: u32,
    /// Window for `--otp-per-ip-max`, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub otp_per_ip_window_secs: i64,
    /// Most password tries for one phone number from one client IP per window; a right
    /// password clears that address's tries.
    #[arg(long, default_value_t = 5)]
    pub login_failures_max: u32,
    /// Window for `--login-failures-max`, in seconds.
    #[arg(long, default_value_t = 900)]
    pub login_failure_window_secs: i64,
    /// Most password tries for one phone number from all addresses together per window: the
    /// slower back-off behind the per-address lock.
    #[arg(long, default_value_t = 20)]
    pub login_per_phone_max: u32,
    /// Window for `--login-per-phone-max`, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub login_per_phone_window_secs: i64,
    /// Most password tries from one client IP, whatever the phone number, per window.
    #[arg(long, default_value_t = 50)]
    pub login_per_ip_max: u32,
    /// Window for `--login-per-ip-max`, in seconds.
    #[arg(long, default_value_t = 900)]
    pub login_per_ip_window_secs: i64,
    /// Most one top-up may bring in, in fen (default ¥50,000).
    #[arg(long, default_value_t = 5_000_000)]
    pub topup_limit_fen: i64,
    /// Most all top-ups of one day may bring in, in fen (default ¥100,000).
    #[arg(long, default_value_t = 10_000_000)]
    pub topup_daily_limit_fen: i64,
    /// Most one withdrawal may take out, in fen (default ¥50,000).
    #[arg(long, default_value_t = 5_000_000)]
    pub withdraw_limit_fen: i64,
    /// Most all withdrawals of one day may take out, in fen (default ¥50,000).
    #[arg(long, default_value_t = 5_000_000)]
    pub withdraw_daily_limit_fen: i64,
    /// Withdrawal fee in basis points of the amount, kept from what reaches the card.
    #[arg(long, default_value_t = 10)]
    pub withdraw_fee_bps: i64,
    /// Least withdrawal fee, in fen.
    #[arg(long, default_value_t = 10)]
    pub withdraw_fee_min_fen: i64,
    /// Wrong payment PINs in a row before the PIN locks.
    #[arg(long, default_value_t = 5)]
    pub pin_failures_max: u32,
    /// How long a locked PIN stays locked, in seconds (default 3 hours).
    #[arg(long, default_value_t = 10_800)]
    pub pin_lock_secs: i64,
    /// Most one merchant payment may take from the wallet, in fen (default ¥50,000).
    #[arg(long, default_value_t = 5_000_000)]
    pub payment_limit_fen: i64,
    /// Most all merchant payments of one day may take, in fen (default ¥100,000).
    #[arg(long, default_value_t = 10_000_000)]
    pub payment_daily_limit_fen: i64,
    /// Ceiling of a payment-code payment without the PIN, in fen (default ¥200). Users may
    /// lower it or switch no-PIN payments off.
    #[arg(long, default_value_t = 20_000)]
    pub paycode_no_pin_limit_fen: i64,
    /// Ceiling of all payment-code payments without the PIN in one day, in fen (default ¥1,000).
    #[arg(long, default_value_t = 100_000)]
    pub paycode_no_pin_daily_fen: i64,
    /// How long a payment-code charge over the no-PIN limit waits for the payer's PIN, in seconds.
    #[arg(long, default_value_t = 120)]
    pub paycode_confirm_secs: i64,
    /// How long an SMS payment's one-time reference waits for its "Y", in seconds.
    #[arg(long, default_value_t = 600)]
    pub sms_pay_reference_ttl_secs: i64,
    /// How long the cooling-off after an unfreeze or a new device lasts, in seconds (24 h).
    #[arg(long, default_value_t = 86_400)]
    pub cooling_off_secs: i64,
    /// Most that may leave the account in all during a cooling-off (withdrawals, transfers and
    /// merchant payments added up), in fen (default ¥500).
    #[arg(long, default_value_t = 50_000)]
    pub cooling_off_limit_fen: i64,
    /// Most lost-phone reports naming one phone number per window.
    #[arg(long, default_value_t = 5)]
    pub report_lost_per_phone_max: u32,
    /// Most lost-phone reports from one client IP per window.
    #[arg(long, default_value_t = 20)]
    pub report_lost_per_ip_max: u32,
    /// Window of the lost-phone report limits, in seconds.
    #[arg(long, default_value_t = 3600)]
    pub report_lost_window_secs: i64,
    /// Most one transfer to another user may send, in fen (default ¥50,000).
    #[arg(long, default_value_t = 5_000_000)]
    pub transfer_limit_fen: i64,
    /// Most all transfers of one day may send, in fen (default ¥100,000).
    #[arg(long, default_value_t = 10_000_000)]
    pub transfer_daily_limit_fen: i64,
    /// Most phone numbers one device may look up (→ masked name) per hour; asking again about
    /// one is free, and a transfer to a number not looked up that hour counts as a look-up.
    #[arg(long, default_value_t = 30)]
    pub recipient_lookups_per_hour: u32,
    /// Most phone numbers one client IP may ask about per hour on the signed-out routes that
    /// tell whether a number has an account (sign-up's `PHONE_TAKEN`, `/v1/login/sms`).
    #[arg(long, default_value_t = 30)]
    pub signed_out_lookups_per_hour: u32,
    /// Most distinct payers' phone numbers one merchant may name in remote orders per hour
    /// (an order answering `PAYER_NOT_FOUND` or not is a look-up).
    #[arg(long, default_value_t = 100)]
    pub payer_lookups_per_hour: u32,
    /// Most invalid payment codes one merchant may present per window before its charges
    /// answer `RATE_LIMITED`.
    #[arg(long, default_value_t = 10)]
    pub paycode_invalid_max: u32,
    /// Window for `--paycode-invalid-max`, in seconds.
    #[arg(long, default_value_t = 60)]
    pub paycode_invalid_window_secs: i64,
    /// Requests one client IP may make to the signed-out routes per minute, on this instance
    /// (an in-memory flood guard; 0 switches it off).
    #[arg(long, default_value_t = 300)]
    pub flood_per_ip_per_minute: u32,
    /// Requests one client IP may make to the signed-out routes at once before
    /// `--flood-per-ip-per-minute` paces it.
    #[arg(long, default_value_t = 60)]
    pub flood_burst: u32,
    /// Password hashes (Argon2id) this instance computes at once; 0 = one per CPU core.
    #[arg(long, default_value_t = 0)]
    pub argon2_concurrency: u32,
    /// Longest a request waits for an Argon2 slot before it answers `RATE_LIMITED`, in ms.
    #[arg(long, default_value_t = 2000)]
    pub argon2_queue_ms: u64,
    /// A reverse proxy whose `X-Forwarded-For` is believed (CIDR or address; repeatable). The
    /// client is the rightmost address in that header that is not itself a trusted proxy.
    #[arg(long = "trusted-proxy", value_name = "CIDR", value_parser = parse_cidr)]
    pub trusted_proxy: Vec<IpNet>,
    /// Longest this instance works on one request before it answers `REQUEST_TIMEOUT` (503),
    /// in ms; 0 = no limit. A request that changes something (every method but GET and HEAD)
    /// still runs to its end, so a payment is never cut in half (docs/decisions.md §Operators).
    #[arg(long, default_value_t = 30_000)]
    pub request_timeout_ms: u64,
}

/// `10.0.0.0/8`, `2001:db8::/32`, or one address (`192.0.2.1`).
pub fn parse_cidr(s: &str) -> Result<IpNet, String> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| {
            let ip = s.parse::<std::net::IpAddr>().ok()?.to_canonical();
            IpNet::new(ip, if ip.is_ipv4() { 32 } else { 128 }).ok()
        })
        .ok_or_else(|| format!("{s:?} is not a CIDR block (10.0.0.0/8) or an address"))
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            otp_per_phone_max: 5,
            otp_per_phone_window_secs: 900,
            otp_min_interval_secs: 30,
            otp_per_ip_max: 20,
            otp_per_ip_window_secs: 3600,
            login_failures_max: 5,
            login_failure_window_secs: 900,
            login_per_phone_max: 20,
            login_per_phone_window_secs: 3600,
            login_per_ip_max: 50,
            login_per_ip_window_secs: 900,
            topup_limit_fen: 5_000_000,
            topup_daily_limit_fen: 10_000_000,
            withdraw_limit_fen: 5_000_000,
            withdraw_daily_limit_fen: 5_000_000,
            withdraw_fee_bps: 10,
            withdraw_fee_min_fen: 10,
            pin_failures_max: 5,
            pin_lock_secs: 10_800,
            payment_limit_fen: 5_000_000,
            payment_daily_limit_fen: 10_000_000,
            paycode_no_pin_limit_fen: 20_000,
            paycode_no_pin_daily_fen: 100_000,
            paycode_confirm_secs: 120,
            sms_pay_reference_ttl_secs: 600,
            cooling_off_secs: 86_400,
            cooling_off_limit_fen: 50_000,
            report_lost_per_phone_max: 5,
            report_lost_per_ip_max: 20,
            report_lost_window_secs: 3600,
            transfer_limit_fen: 5_000_000,
            transfer_daily_limit_fen: 10_000_000,
            recipient_lookups_per_hour: 30,
            signed_out_lookups_per_hour: 30,
            payer_lookups_per_hour: 100,
            paycode_invalid_max: 10,
            paycode_invalid_window_secs: 60,
            flood_per_ip_per_minute: 300,
            flood_burst: 60,
            argon2_concurrency: 0,
            argon2_queue_ms: 2000,
            trusted_proxy: Vec::new(),
            request_timeout_ms: 30_000,
        }
    }
}

/// The window of every phone-number look-up budget (recipients, payers, signed-out routes).
pub const LOOKUP_WINDOW_SECS: i64 = 3600;

/// How long an OTP lives (docs/rules.md §Credentials: 5 minutes).
pub const OTP_TTL_SECS: i64 = 300;
/// Wrong codes a challenge survives; the last one kills it.
pub const OTP_MAX_ATTEMPTS: u32 = 5;
/// How long a merchant order waits for its payer unless the merchant says otherwise.
pub const ORDER_DEFAULT_TTL_SECS: u32 = 900;
/// The longest an order may wait (24 hours).
pub const ORDER_MAX_TTL_SECS: u32 = 86_400;

/// SMS payment ("reply Y", docs/rules.md §SMS payment (reply Y)): the most one payment may be (¥50).
pub const SMS_PAY_PER_PAYMENT_FEN: i64 = 5_000;
/// SMS payment: the most all of a day's SMS payments may add up to (¥200, China Standard Time).
pub const SMS_PAY_DAILY_FEN: i64 = 20_000;
/// SMS payment: the most references one phone may have waiting at once.
pub const SMS_PAY_MAX_OPEN: i64 = 3;

/// Start of the day containing `now`, in Unix seconds. Limits count days midnight to midnight
/// China Standard Time (UTC+8, no daylight saving).
pub fn day_start_cst(now: i64) -> i64 {
    const OFFSET: i64 = 8 * 3600;
    (now + OFFSET).div_euclid(86_400) * 86_400 - OFFSET
}

/// The withdrawal fee for `amount` fen: `bps` basis points rounded up, at least `min`, never
/// more than the amount. Checked arithmetic in i128: no overflow for any i64 amount.
pub fn withdraw_fee(amount: i64, bps: i64, min: i64) -> i64 {
    let proportional = (i128::from(amount) * i128::from(bps) + 9_999) / 10_000;
    let fee = proportional.max(i128::from(min)).min(i128::from(amount));
    i64::try_from(fee).unwrap_or(amount)
}

/// Seconds until a sliding-window limit allows one more event, or `None` if it allows one now.
/// `events` are Unix seconds inside the window, in any order.
pub fn window_retry_after(events: &[i64], now: i64, max: u32, window_secs: i64) -> Option<u64> {
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let mut recent: Vec<i64> = events
        .iter()
        .copied()
        .filter(|t| *t > now - window_secs)
        .collect();
    if recent.len() < max {
        return None;
    }
    if max == 0 {
        return Some(secs_until(now + window_secs, now));
    }
    recent.sort_unstable();
    // The limit frees a slot when the oldest event that keeps it full leaves the window.
    let blocking = recent[recent.len() - max];
    Some(secs_until(blocking + window_secs, now))
}

/// Seconds until `min_interval` has passed since the newest event, or `None` if it has.
pub fn interval_retry_after(events: &[i64], now: i64, min_interval: i64) -> Option<u64> {
    let newest = events.iter().copied().max()?;
    (newest + min_interval > now).then(|| secs_until(newest + min_interval, now))
}

fn secs_until(at: i64, now: i64) -> u64 {
    u64::try_from(at - now).unwrap_or(0).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_counts_only_recent_events() {
        assert_eq!(window_retry_after(&[], 1000, 2, 100), None);
        assert_eq!(window_retry_after(&[950], 1000, 2, 100), None);
        assert_eq!(window_retry_after(&[950, 990], 1000, 2, 100), Some(50));
        // 900 has left the window.
        assert_eq!(window_retry_after(&[900, 990], 1000, 2, 100), None);
        // With three inside and max 2, the second oldest decides.
        assert_eq!(window_retry_after(&[990, 950, 960], 1000, 2, 100), Some(60));
    }

    #[test]
    fn zero_max_always_blocks() {
        assert_eq!(window_retry_after(&[], 1000, 0, 100), Some(100));
    }

    #[test]
    fn days_run_on_china_time() {
        // 2026-11-25T16:00:00Z is midnight in Beijing.
        let midnight = 1_795_622_400;
        assert_eq!(day_start_cst(midnight), midnight);
        assert_eq!(day_start_cst(midnight + 86_399), midnight);
        assert_eq!(day_start_cst(midnight - 1), midnight - 86_400);
    }

    #[test]
    fn fee_rounds_up_with_a_floor() {
        assert_eq!(withdraw_fee(3_000, 10, 10), 10); // 0.1% of ¥30 is 3 fen: the ¥0.10 floor
        assert_eq!(withdraw_fee(1_000_000, 10, 10), 1_000);
        assert_eq!(withdraw_fee(1_000_001, 10, 10), 1_001);
        assert_eq!(withdraw_fee(5, 10, 10), 5); // never more than the amount
        assert_eq!(withdraw_fee(i64::MAX, 10_000, 0), i64::MAX);
        assert_eq!(withdraw_fee(100, 0, 0), 0);
    }

    #[test]
    fn interval() {
        assert_eq!(interval_retry_after(&[], 1000, 30), None);
        assert_eq!(interval_retry_after(&[980], 1000, 30), Some(10));
        assert_eq!(interval_retry_after(&[970], 1000, 30), None);
    }
}
