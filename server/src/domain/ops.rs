//! What operators watch: whether this instance can serve (`GET /readyz`) and its counters
//! (`GET /metrics` on the operators' listener). See docs/decisions.md §Operators.

use std::time::Duration;

use wallet_protocol::ErrorCode;

use crate::domain::error::{ApiError, ApiResult};
use crate::domain::state::AppState;
use crate::store::{OpKind, StoreError};
use crate::telemetry::metrics::DatabaseFigures;

/// How long readiness and the scrape's database figures wait for the database.
pub const DATABASE_DEADLINE: Duration = Duration::from_secs(2);

/// A ready instance: its engine and schema version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Readiness {
    pub engine: &'static str,
    pub schema_version: i64,
}

/// Ready when the database answers within [`DATABASE_DEADLINE`] at a schema this build knows;
/// else `NOT_READY` (the cause is logged, not sent).
pub async fn readiness(state: &AppState) -> ApiResult<Readiness> {
    match tokio::time::timeout(DATABASE_DEADLINE, state.store.ready()).await {
        Ok(Ok(schema_version)) => Ok(Readiness {
            engine: state.store.engine(),
            schema_version,
        }),
        Ok(Err(e @ StoreError::TooNew { .. })) => {
            tracing::warn!(error = %e, "not ready");
            Err(ApiError::detail(
                ErrorCode::NotReady,
                "the database has a newer schema than this build knows",
            ))
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the database failed");
            Err(ApiError::detail(
                ErrorCode::NotReady,
                "the database does not answer",
            ))
        }
        Err(_) => {
            tracing::warn!(
                deadline_ms = u64::try_from(DATABASE_DEADLINE.as_millis()).unwrap_or(u64::MAX),
                "not ready: the database did not answer in time"
            );
            Err(ApiError::detail(
                ErrorCode::NotReady,
                "the database did not answer in time",
            ))
        }
    }
}

/// This instance's counters and the database's figures, in the Prometheus text format.
pub async fn metrics_text(state: &AppState) -> String {
    let figures =
        match tokio::time::timeout(DATABASE_DEADLINE, state.store.unresolved_by_kind()).await {
            Ok(Ok(mut unresolved)) => {
                // Every kind shows, at 0 when none waits (an absent series is not a zero).
                for kind in [
                    OpKind::Topup,
                    OpKind::Withdrawal,
                    OpKind::Payment,
                    OpKind::Refund,
                    OpKind::TransferOut,
                    OpKind::TransferIn,
                ] {
                    if !unresolved.iter().any(|(k, _)| k == kind.as_str()) {
                        unresolved.push((kind.as_str().to_owned(), 0));
                    }
                }
                unresolved.sort();
                DatabaseFigures {
                    up: true,
                    unresolved,
                }
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "metrics: the database failed");
                DatabaseFigures::default()
            }
            Err(_) => DatabaseFigures::default(),
        };
    state.metrics.render(&figures)
}
