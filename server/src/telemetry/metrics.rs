//! This instance's counters, rendered in the Prometheus text exposition format (0.0.4).
//!
//! Every instance counts its own requests (several instances: scrape each; sum in the query).
//! Labels take values from closed sets only — the matched route *template* (never a raw path,
//! which holds ids), the method, the status, a money kind and outcome — so a scanner probing
//! random paths cannot blow up the series (every unmatched path is `route="unmatched"`).
//! Nothing personal is ever a label.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency histogram buckets, in seconds (`+Inf` is added).
pub const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// A Prometheus histogram: cumulative on rendering, per-bucket while counting.
#[derive(Debug, Clone, Default)]
struct Histogram {
    /// One count per bucket of [`LATENCY_BUCKETS`], then the `+Inf` one.
    buckets: Vec<u64>,
    sum_secs: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        if self.buckets.is_empty() {
            self.buckets = vec![0; LATENCY_BUCKETS.len() + 1];
        }
        let i = LATENCY_BUCKETS
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.buckets[i] += 1;
        self.sum_secs += secs;
        self.count += 1;
    }
}

/// One request as the HTTP layer saw it.
#[derive(Debug, Clone, Copy)]
pub struct RequestSample<'a> {
    pub method: &'a str,
    /// The route template (`/v1/orders/{order_id}/confirm`) or `unmatched`.
    pub route: &'a str,
    pub status: u16,
    pub elapsed: Duration,
}

/// The counters of one instance. Cheap to update (one short lock per request).
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<(String, String), Histogram>>,
    in_flight: AtomicI64,
    timeouts: Mutex<BTreeMap<String, u64>>,
    rate_limited: Mutex<BTreeMap<String, u64>>,
    money: Mutex<BTreeMap<(&'static str, &'static str), u64>>,
    reconciler_runs: Mutex<BTreeMap<&'static str, u64>>,
    reconciler_looked_at: AtomicU64,
    reconciled: Mutex<BTreeMap<(String, String), u64>>,
    reconciler_last_run: AtomicI64,
}

/// Figures read from the database at scrape time (shared by every instance on it).
#[derive(Debug, Clone, Default)]
pub struct DatabaseFigures {
    /// Whether the database answered the scrape's queries.
    pub up: bool,
    /// Operations not settled yet (`processing` or `pending`), by kind.
    pub unresolved: Vec<(String, i64)>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// A request is being served (the in-flight gauge); pair with [`Metrics::request_done`].
    pub fn request_started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    /// A request was answered.
    pub fn request_done(&self, r: RequestSample<'_>) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        *lock(&self.requests)
            .entry((r.method.to_owned(), r.route.to_owned(), r.status))
            .or_default() += 1;
        lock(&self.latency)
            .entry((r.method.to_owned(), r.route.to_owned()))
            .or_default()
            .observe(r.elapsed.as_secs_f64());
    }

    /// A request answered `REQUEST_TIMEOUT`.
    pub fn request_timed_out(&self, route: &str) {
        *lock(&self.timeouts).entry(route.to_owned()).or_default() += 1;
    }

    /// A request answered `RATE_LIMITED` (flood guard, OTP and sign-in limits, look-up budgets,
    /// Argon2 queue, invalid payment codes).
    pub fn rate_limited(&self, route: &str) {
        *lock(&self.rate_limited)
            .entry(route.to_owned())
            .or_default() += 1;
    }

    /// A money request was answered: `kind` (`topup`, `withdrawal`, `payment_qr`, ...) and its
    /// `outcome` (`succeeded`, `failed`, `pending`, `awaiting_pin`, `refused`, `error`,
    /// `timeout`).
    pub fn money(&self, kind: &'static str, outcome: &'static str) {
        *lock(&self.money).entry((kind, outcome)).or_default() += 1;
    }

    /// A pass of the reconciler: `looked_at` operations, or an error.
    pub fn reconciler_run(&self, looked_at: Option<usize>, now_unix: i64) {
        let outcome = if looked_at.is_some() { "ok" } else { "error" };
        *lock(&self.reconciler_runs).entry(outcome).or_default() += 1;
        self.reconciler_looked_at.fetch_add(
            u64::try_from(looked_at.unwrap_or(0)).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        self.reconciler_last_run.store(now_unix, Ordering::Relaxed);
    }

    /// The reconciler (or a read that settles first) got the bank's final word on an operation.
    pub fn reconciled(&self, kind: &str, status: &str) {
        *lock(&self.reconciled)
            .entry((kind.to_owned(), status.to_owned()))
            .or_default() += 1;
    }

    /// Everything, in the Prometheus text format.
    pub fn render(&self, db: &DatabaseFigures) -> String {
        let mut out = String::new();
        header(
            &mut out,
            "wallet_http_requests_total",
            "counter",
            "HTTP requests answered, by method, route template and status code.",
        );
        for ((method, route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "wallet_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                esc(method),
                esc(route)
            );
        }
        header(
            &mut out,
            "wallet_http_request_duration_seconds",
            "histogram",
            "Time from a request's arrival to its answer's head, by method and route template.",
        );
        for ((method, route), h) in lock(&self.latency).iter() {
            let labels = format!("method=\"{}\",route=\"{}\"", esc(method), esc(route));
            let mut cumulative = 0;
            for (i, bound) in LATENCY_BUCKETS.iter().enumerate() {
                cumulative += h.buckets.get(i).copied().unwrap_or(0);
                let _ = writeln!(
                    out,
                    "wallet_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "wallet_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "wallet_http_request_duration_seconds_sum{{{labels}}} {}",
                h.sum_secs
            );
            let _ = writeln!(
                out,
                "wallet_http_request_duration_seconds_count{{{labels}}} {}",
                h.count
            );
        }
        header(
            &mut out,
            "wallet_http_requests_in_flight",
            "gauge",
            "Requests this instance is serving now.",
        );
        let _ = writeln!(
            out,
            "wallet_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed).max(0)
        );
        header(
            &mut out,
            "wallet_http_request_timeouts_total",
            "counter",
            "Requests answered REQUEST_TIMEOUT, by route template.",
        );
        for (route, n) in lock(&self.timeouts).iter() {
            let _ = writeln!(
                out,
                "wallet_http_request_timeouts_total{{route=\"{}\"}} {n}",
                esc(route)
            );
        }
        header(
            &mut out,
            "wallet_rate_limit_refusals_total",
            "counter",
            "Requests refused with RATE_LIMITED, by route template.",
        );
        for (route, n) in lock(&self.rate_limited).iter() {
            let _ = writeln!(
                out,
                "wallet_rate_limit_refusals_total{{route=\"{}\"}} {n}",
                esc(route)
            );
        }
        header(
            &mut out,
            "wallet_money_operations_total",
            "counter",
            "Money requests answered, by kind and outcome (a retry that replays the first answer counts again).",
        );
        for ((kind, outcome), n) in lock(&self.money).iter() {
            let _ = writeln!(
                out,
                "wallet_money_operations_total{{kind=\"{kind}\",outcome=\"{outcome}\"}} {n}"
            );
        }
        header(
            &mut out,
            "wallet_reconciler_runs_total",
            "counter",
            "Passes of the reconciler, which asks the bank about unsettled operations.",
        );
        for (outcome, n) in lock(&self.reconciler_runs).iter() {
            let _ = writeln!(
                out,
                "wallet_reconciler_runs_total{{outcome=\"{outcome}\"}} {n}"
            );
        }
        header(
            &mut out,
            "wallet_reconciler_operations_total",
            "counter",
            "Unsettled operations the reconciler's passes looked at.",
        );
        let _ = writeln!(
            out,
            "wallet_reconciler_operations_total {}",
            self.reconciler_looked_at.load(Ordering::Relaxed)
        );
        header(
            &mut out,
            "wallet_reconciler_last_run_timestamp_seconds",
            "gauge",
            "When the reconciler last finished a pass (Unix seconds; 0 before the first).",
        );
        let _ = writeln!(
            out,
            "wallet_reconciler_last_run_timestamp_seconds {}",
            self.reconciler_last_run.load(Ordering::Relaxed)
        );
        header(
            &mut out,
            "wallet_operations_reconciled_total",
            "counter",
            "Unsettled operations this instance settled with the bank's final word, by kind and final status.",
        );
        for ((kind, status), n) in lock(&self.reconciled).iter() {
            let _ = writeln!(
                out,
                "wallet_operations_reconciled_total{{kind=\"{}\",status=\"{}\"}} {n}",
                esc(kind),
                esc(status)
            );
        }
        header(
            &mut out,
            "wallet_database_up",
            "gauge",
            "1 when the database answered this scrape's queries.",
        );
        let _ = writeln!(out, "wallet_database_up {}", u8::from(db.up));
        header(
            &mut out,
            "wallet_operations_pending",
            "gauge",
            "Operations waiting for the bank's final word (processing or pending), by kind; read from the database, so every instance on it reports the same figure (use max, not sum).",
        );
        for (kind, n) in &db.unresolved {
            let _ = writeln!(
                out,
                "wallet_operations_pending{{kind=\"{}\"}} {n}",
                esc(kind)
            );
        }
        out
    }
}

fn header(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}");
    let _ = writeln!(out, "# TYPE {name} {kind}");
}

/// A label value as the text format needs it: backslash, double quote and newline escaped.
fn esc(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_labels_escaped() {
        let m = Metrics::default();
        for ms in [3, 40, 40, 20_000, 60_000] {
            m.request_started();
            m.request_done(RequestSample {
                method: "GET",
                route: "/v1/a\"b",
                status: 200,
                elapsed: Duration::from_millis(ms),
            });
        }
        let text = m.render(&DatabaseFigures::default());
        assert!(text.contains(
            "wallet_http_requests_total{method=\"GET\",route=\"/v1/a\\\"b\",status=\"200\"} 5"
        ));
        let bucket = |le: &str| {
            let prefix = format!(
                "wallet_http_request_duration_seconds_bucket{{method=\"GET\",route=\"/v1/a\\\"b\",le=\"{le}\"}} "
            );
            text.lines()
                .find_map(|l| l.strip_prefix(prefix.as_str()))
                .unwrap_or_else(|| panic!("no bucket {le}: {text}"))
                .parse::<u64>()
                .unwrap_or(u64::MAX)
        };
        assert_eq!(bucket("0.005"), 1);
        assert_eq!(bucket("0.05"), 3);
        assert_eq!(bucket("30"), 4);
        assert_eq!(bucket("+Inf"), 5);
        assert!(text.contains("wallet_http_requests_in_flight 0"));
        assert!(text.contains("wallet_database_up 0"));
    }
}
