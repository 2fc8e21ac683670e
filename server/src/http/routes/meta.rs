//! `GET /healthz` and `GET /openapi.json`.

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use utoipa::{OpenApi as _, ToSchema};
use wallet_protocol::api::paths;

use crate::http::openapi::ApiDoc;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    pub status: &'static str,
}

/// Liveness.
#[utoipa::path(get, path = paths::HEALTH, tag = "meta", responses((status = 200, description = "The server is up", body = Health)))]
pub async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
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
