//! What operators watch: this instance's counters in the Prometheus text format ([`metrics`])
//! and the log line formats ([`logs`]). The lowest layer (beside `config`): every layer may
//! count into [`metrics::Metrics`]; nothing here imports the rest of the server.

pub mod logs;
pub mod metrics;
