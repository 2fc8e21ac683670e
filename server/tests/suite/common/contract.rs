//! The published contract is the wire: every answer an in-process test receives is checked
//! against the OpenAPI document (`ApiDoc`), and a mismatch fails the test (docs/api.md).
//!
//! For the operation the request reached (method + path template), the answer's status must be
//! one the document lists, its content type one listed for that status, and its body valid
//! against the listed schema (JSON Schema 2020-12, the dialect of OpenAPI 3.1, checked with the
//! `jsonschema` crate over the document's components). A method the document does not list on
//! a known path must answer 405 problem+json with an `Allow` header; an unknown path 404
//! problem+json (or 429 from the flood limit). Paths outside the API (the sandbox POS page) are not checked.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{json, Value};
use utoipa::OpenApi as _;

/// One answer as the test saw it.
pub struct Answer<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub allow: Option<&'a str>,
    pub body: &'a [u8],
}

fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(wallet_server::ApiDoc::openapi()).unwrap())
}

fn validators() -> &'static Mutex<HashMap<String, Arc<jsonschema::Validator>>> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// The path template of the document that `path` falls under: the one with the most literal
/// segments when several match.
fn template(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    let paths = document()["paths"].as_object()?;
    paths
        .keys()
        .filter_map(|t| {
            let parts: Vec<&str> = t.split('/').collect();
            if parts.len() != segments.len() {
                return None;
            }
            let mut literal = 0;
            for (p, s) in parts.iter().zip(&segments) {
                if p.starts_with('{') && p.ends_with('}') {
                    if s.is_empty() {
                        return None;
                    }
                } else if p == s {
                    literal += 1;
                } else {
                    return None;
                }
            }
            Some((literal, t.as_str()))
        })
        .max_by_key(|(literal, _)| *literal)
        .map(|(_, t)| t)
}

fn media_type(content_type: Option<&str>) -> Option<String> {
    content_type.map(|c| {
        c.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    })
}

/// The problem+json answers the shared fallbacks give: `status` and `code`.
fn expect_problem(a: &Answer<'_>, status: u16, code: &str) -> Result<(), String> {
    if a.status != status {
        return Err(format!("answered {}, expected {status} {code}", a.status));
    }
    if media_type(a.content_type).as_deref() != Some("application/problem+json") {
        return Err(format!(
            "{status} is not problem+json: {:?}",
            a.content_type
        ));
    }
    let body: Value = serde_json::from_slice(a.body).map_err(|e| format!("body: {e}"))?;
    if body["code"] != code {
        return Err(format!("expected code {code}, got {}", body["code"]));
    }
    validate_schema(
        "problem",
        &json!({ "$ref": "#/components/schemas/Problem" }),
        &body,
    )
}

/// Checks one answer against the document.
pub fn check(a: &Answer<'_>) -> Result<(), String> {
    let path = a.path;
    if path == "/pos" || path.starts_with("/pos/") || path.starts_with("/checkout/") {
        // the sandbox POS page, the checkout page and their assets: not part of the API
        return Ok(());
    }
    let Some(template) = template(path) else {
        // The per-IP flood limit guards unknown paths too (a scanner's favourites).
        if a.status == 429 {
            return expect_problem(a, 429, "RATE_LIMITED");
        }
        return expect_problem(a, 404, "NOT_FOUND");
    };
    let item = &document()["paths"][template];
    let method = a.method.to_ascii_lowercase();
    let method = if method == "head" {
        "get".to_owned()
    } else {
        method
    };
    let Some(op) = item.get(&method) else {
        expect_problem(a, 405, "METHOD_NOT_ALLOWED")?;
        return match a.allow {
            Some(allow) if !allow.is_empty() => Ok(()),
            _ => Err("405 without an Allow header".to_owned()),
        };
    };
    let responses = &op["responses"];
    let status = a.status.to_string();
    let Some(response) = responses.get(&status).or_else(|| responses.get("default")) else {
        let listed: Vec<&String> = responses
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        return Err(format!(
            "{} {template} answered {status}, which the document does not list (it lists {listed:?}); body: {}",
            a.method,
            String::from_utf8_lossy(a.body)
        ));
    };
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        if a.body.is_empty() || a.method.eq_ignore_ascii_case("head") {
            return Ok(());
        }
        return Err(format!(
            "{} {template} {status} is documented without a body, yet has one: {}",
            a.method,
            String::from_utf8_lossy(a.body)
        ));
    };
    let media = media_type(a.content_type).unwrap_or_default();
    let Some(listed) = content.get(&media) else {
        return Err(format!(
            "{} {template} {status} answered {media:?}, the document lists {:?}",
            a.method,
            content.keys().collect::<Vec<_>>()
        ));
    };
    let Some(schema) = listed.get("schema") else {
        return Ok(());
    };
    if a.method.eq_ignore_ascii_case("head") {
        return Ok(());
    }
    let body: Value = serde_json::from_slice(a.body).map_err(|e| {
        format!(
            "{} {template} {status}: the body is not JSON: {e}",
            a.method
        )
    })?;
    if media == "application/problem+json" && body["status"] != a.status {
        return Err(format!(
            "problem status {} on a {status} answer",
            body["status"]
        ));
    }
    validate_schema(
        &format!("{method} {template} {status} {media}"),
        schema,
        &body,
    )
    .map_err(|e| format!("{} {template} {status}: {e}", a.method))
}

fn validate_schema(key: &str, schema: &Value, body: &Value) -> Result<(), String> {
    let validator = {
        let mut cache = validators().lock().unwrap();
        cache
            .entry(key.to_owned())
            .or_insert_with(|| {
                // The schema inside a root that holds the components, so `#/components/...`
                // references resolve as they do in the document.
                let root = json!({
                    "$schema": "https://json-schema.org/draft/2020-12/schema",
                    "components": document()["components"],
                    "allOf": [schema],
                });
                Arc::new(
                    jsonschema::draft202012::new(&root)
                        .unwrap_or_else(|e| panic!("the document's schema for {key}: {e}")),
                )
            })
            .clone()
    };
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the body breaks the schema: {errors:?}; body: {body}"
        ))
    }
}
