//! The end-to-end suites in one test binary (real server processes, the real CLI, real
//! SQLCipher files and Secret Service): one link instead of fifteen
//! (docs/benchmarks.md § CI wall time). Run one suite with a filter:
//! `cargo test -p wallet-e2e --test e2e qr_pay::`.

mod bad_input;
mod cards_and_money;
mod cli_offline;
mod core_facade;
mod crash;
mod instances;
mod layers;
mod load;
mod local_store;
mod lost_phone;
mod notices;
mod operator;
mod pin_flows;
mod qr_pay;
mod signed_requests;
mod signup_and_devices;
mod sms_pay;
mod sources;
mod transfers;
