//! The provider's integration suites in one test binary: each module was its own binary, and
//! linking twenty binaries against the whole server cost minutes of every CI run
//! (docs/benchmarks.md § CI wall time). Run one suite with a filter:
//! `cargo test -p wallet-server --test suite accounts::`.

mod common;

mod accounts;
mod at_rest;
mod binary;
mod checkout;
mod enumeration;
mod history;
mod input_text;
mod ledger_props;
mod logs;
mod lost_phone;
mod merchant_cli;
mod money;
mod notices;
mod openapi;
mod ops;
mod pay;
mod postgres_tools;
mod rate_limits;
mod security_changes;
mod signing;
mod sms_pay;
mod sources;
mod transfer;
mod ui_fixture;
