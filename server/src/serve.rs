//! Running the server: open the store, bind, announce the address, serve until a signal.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;

use crate::config::Limits;
use crate::domain::state::AppState;
use crate::ports::clock::SystemClock;
use crate::ports::sms;
use crate::secrets::vault::{self, KeySource};
use crate::store::Store;

/// Why `serve` without `--sandbox` does not start (docs/rules.md §Provider).
pub const NO_BANK_GATEWAY: &str = "refusing to start without --sandbox: no real bank gateway is \
     configured, and the sandbox bank's published test cards would create money from nothing. \
     Start with --sandbox for testing; a real bank gateway is not built yet.";

#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// SQLite file path or `postgres://` URL.
    pub db: String,
    /// Pool and timeouts when `db` is PostgreSQL.
    pub postgres: crate::store::PostgresOptions,
    pub listen: String,
    pub sandbox: bool,
    /// `--master-key-file`; else `WALLET_SERVER_MASTER_KEY`; else, in sandbox mode, a key file
    /// next to the SQLite database or in the data directory ([`vault::resolve_master_key`]).
    pub master_key_file: Option<std::path::PathBuf>,
    pub limits: Limits,
    /// How often the reconciler asks the bank about unresolved operations.
    pub reconcile_every: std::time::Duration,
    /// How merchant notices are delivered (retries, timeout, pass interval).
    pub notices: crate::domain::notices::NoticeOptions,
    /// `--metrics-listen`: where the operators' `GET /metrics` is served (never on `listen`).
    pub metrics_listen: Option<String>,
}

/// Serves until Ctrl-C or SIGTERM. Prints `wallet-server listening on http://ADDR` on stdout once
/// bound (with the real port when asked for port 0), for scripts and tests to read.
pub async fn run(options: ServeOptions) -> anyhow::Result<()> {
    if !options.sandbox {
        anyhow::bail!(NO_BANK_GATEWAY);
    }
    let (master, source) = vault::resolve_master_key(
        options.master_key_file.as_deref(),
        &options.db,
        options.sandbox,
        options.sandbox,
    )?;
    match &source {
        KeySource::Created(path) => tracing::warn!(
            path = %path.display(),
            key_id = %master.id(),
            "sandbox: created a master key file (0600); keep it with the database, or the sealed data is lost"
        ),
        other => tracing::info!(source = %other, key_id = %master.id(), "master key loaded"),
    }
    let store = Store::open_with(&options.db, &options.postgres)
        .with_context(|| format!("opening {}", options.db))?;
    let store = store
        .unlock(&master)
        .await
        .context("unlocking the database's data keys")?;
    let sealed = store
        .seal_existing()
        .await
        .context("sealing values stored in clear")?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed values stored before encryption at rest");
    }
    let state = AppState::new(
        store.clone(),
        sms::for_mode(&store, options.sandbox),
        Arc::new(SystemClock),
        options.limits,
        options.sandbox,
    );
    // Builds the dummy hash now, so the first sign-in for an unknown phone is not slower than others.
    tokio::task::spawn_blocking(|| crate::secrets::verify_password("", None)).await?;
    // Payment codes: the index of every active device's codes, then kept a step ahead.
    let devices = crate::domain::pay::load_paycodes(&state)
        .await
        .context("loading payment-code seeds")?;
    tracing::info!(devices, "payment-code index built");
    tokio::spawn(crate::domain::pay::paycode_ticker(state.clone()));
    // Operations a crash left `processing` are settled before serving, then periodically.
    crate::domain::money::reconcile_unresolved_at_start(&state).await;
    tokio::spawn(crate::domain::money::reconciler(
        state.clone(),
        options.reconcile_every,
    ));
    // Merchant notices: each instance claims due ones with a lease, so several share the work.
    tokio::spawn(crate::domain::notices::deliverer(
        state.clone(),
        options.notices.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(&options.listen)
        .await
        .with_context(|| format!("binding {}", options.listen))?;
    if let Some(metrics_listen) = &options.metrics_listen {
        let metrics = tokio::net::TcpListener::bind(metrics_listen)
            .await
            .with_context(|| format!("binding --metrics-listen {metrics_listen}"))?;
        let metrics_addr = metrics.local_addr()?;
        // Logged, not printed: stdout keeps its one line. Port 0 gets its real port here.
        tracing::info!(%metrics_addr, "metrics listening on http://{metrics_addr}/metrics");
        let app = crate::http::metrics_app(state.clone());
        tokio::spawn(async move {
            // It ends with the process, when the API listener has shut down.
            if let Err(e) = axum::serve(metrics, app).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    let addr = listener.local_addr()?;
    tracing::info!(%addr, sandbox = options.sandbox, "serving");
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "wallet-server listening on http://{addr}")?;
        out.flush()?;
    }
    let app = crate::app(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
