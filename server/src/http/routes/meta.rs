//! `GET /healthz` (liveness), `GET /readyz` (readiness), `GET /openapi.json`, and the
//! operators' `GET /metrics`.

use std::sync::OnceLock;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::{OpenApi as _, ToSchema};
use wallet_protocol::api::paths;
use wallet_protocol::Problem;

use crate::domain::error::ApiResult;
use crate::domain::ops;
use crate::domain::state::AppState;
use crate::http::openapi::ApiDoc;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
}

/// Liveness.
///
/// The process answers. It touches nothing (not the database): an orchestrator restarts an
/// instance on it; `/readyz` says whether to send it traffic.
#[utoipa::path(get, path = paths::HEALTH, tag = "meta", responses((status = 200, description = "The server is up", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Ready {
    /// Always `ready` on a 200 answer.
    pub status: &'static str,
    /// `sqlite` or `postgres`.
    pub database: &'static str,
    /// The database's schema version (this build's).
    pub schema_version: i64,
}

/// Readiness.
///
/// This instance can serve: its database answers within 2 s at a schema this build knows (on
/// SQLite the writer lock can be taken). Not behind the flood limit.
#[utoipa::path(
    get,
    path = paths::READY,
    tag = "meta",
    responses(
        (status = 200, description = "Ready to serve", body = Ready),
        (status = 503, description = "NOT_READY: the database does not answer, or has a newer schema", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ready(State(state): State<AppState>) -> ApiResult<Json<Ready>> {
    let r = ops::readiness(&state).await?;
    Ok(Json(Ready {
        status: "ready",
        database: r.engine,
        schema_version: r.schema_version,
    }))
}

/// `GET /metrics` on the operators' listener: Prometheus text format 0.0.4. Not part of the
/// public API (not in this document).
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        ops::metrics_text(&state).await,
    )
}

/// This document.
#[utoipa::path(
    get,
    path = paths::OPENAPI,
    tag = "meta",
    responses((status = 200, description = "OpenAPI 3.1 document", content_type = "application/json"))
)]
pub async fn openapi_json() -> impl IntoResponse {
    static DOC: OnceLock<String> = OnceLock::new();
    let doc = DOC.get_or_init(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default());
    ([(header::CONTENT_TYPE, "application/json")], doc.as_str())
}
