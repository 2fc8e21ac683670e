//! The log line formats of `wallet-server`: `text` (tracing's own, for people) or `json` (one
//! object per line, for a log pipeline).
//!
//! A JSON line holds `timestamp` (RFC 3339, UTC, milliseconds), `level`, `target`, `span` (the
//! innermost span's name), the fields of every span it happened in (outermost first, so a
//! request's `request_id`, `method`, `route` and `path` are on every line the request writes),
//! then the event's own fields with `message`. Field values are what the code logs: the same
//! rule as ever holds, no secret is ever a field (`tests/ops.rs` and `tests/logs.rs` check).

use std::fmt;

use serde_json::{Map, Value};
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields, FormattedFields, MakeWriter};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::EnvFilter;

/// `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (tracing's default format).
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The subscriber `wallet-server` logs through: `filter` decides what is written, `writer`
/// where (stderr in the binary, a buffer in tests).
pub fn dispatch<W>(format: LogFormat, filter: EnvFilter, writer: W, ansi: bool) -> tracing::Dispatch
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => tracing::Dispatch::new(builder.with_ansi(ansi).finish()),
        LogFormat::Json => tracing::Dispatch::new(
            builder
                .with_ansi(false)
                .fmt_fields(JsonFields)
                .event_format(JsonEvents)
                .finish(),
        ),
    }
}

/// Span fields kept as a JSON object (the text of [`FormattedFields`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonFields;

impl<'writer> FormatFields<'writer> for JsonFields {
    fn format_fields<R: tracing_subscriber::field::RecordFields>(
        &self,
        mut writer: Writer<'writer>,
        fields: R,
    ) -> fmt::Result {
        let mut map = Map::new();
        fields.record(&mut Collect(&mut map));
        write!(writer, "{}", Value::Object(map))
    }

    fn add_fields(
        &self,
        current: &'writer mut FormattedFields<Self>,
        fields: &tracing::span::Record<'_>,
    ) -> fmt::Result {
        let mut map = match serde_json::from_str(&current.fields) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        fields.record(&mut Collect(&mut map));
        current.fields = Value::Object(map).to_string();
        Ok(())
    }
}

/// Events as one JSON object per line.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonEvents;

/// Keys every line has; a field of the same name is written as `field.<name>`.
const RESERVED: &[&str] = &["timestamp", "level", "target", "span"];

impl<S> FormatEvent<S, JsonFields> for JsonEvents
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, JsonFields>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let meta = event.metadata();
        let mut line = Map::new();
        line.insert(
            "timestamp".into(),
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
                .into(),
        );
        line.insert("level".into(), meta.level().as_str().into());
        line.insert("target".into(), meta.target().into());
        let mut fields = Map::new();
        if let Some(scope) = ctx.event_scope() {
            let mut innermost = None;
            for span in scope.from_root() {
                innermost = Some(span.name());
                let extensions = span.extensions();
                if let Some(stored) = extensions.get::<FormattedFields<JsonFields>>() {
                    if let Ok(Value::Object(map)) = serde_json::from_str(&stored.fields) {
                        fields.extend(map);
                    }
                }
            }
            if let Some(name) = innermost {
                line.insert("span".into(), name.into());
            }
        }
        event.record(&mut Collect(&mut fields));
        for (key, value) in fields {
            if RESERVED.contains(&key.as_str()) {
                line.insert(format!("field.{key}"), value);
            } else {
                line.insert(key, value);
            }
        }
        writeln!(writer, "{}", Value::Object(line))
    }
}

/// Records fields into a JSON map: numbers and booleans as such, everything else as text.
struct Collect<'a>(&'a mut Map<String, Value>);

impl Visit for Collect<'_> {
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().into(), value.into());
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.0.insert(field.name().into(), value.to_string().into());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0
            .insert(field.name().into(), format!("{value:?}").into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);

    impl Write for Buf {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn json_lines_carry_span_and_event_fields() {
        let buf = Buf::default();
        let out = buf.clone();
        let dispatch = dispatch(
            LogFormat::Json,
            EnvFilter::new("info"),
            move || out.clone(),
            false,
        );
        tracing::dispatcher::with_default(&dispatch, || {
            let span = tracing::info_span!(
                "request",
                request_id = "r-1",
                status = tracing::field::Empty
            );
            let _g = span.enter();
            span.record("status", 200_u64);
            tracing::info!(level = "x", amount = 5_i64, "done {}", 1);
        });
        let text = String::from_utf8(buf.0.lock().unwrap_or_else(|p| p.into_inner()).clone())
            .unwrap_or_default();
        let line: Value = serde_json::from_str(text.trim()).unwrap_or(Value::Null);
        assert_eq!(line["level"], "INFO", "{text}");
        assert_eq!(line["span"], "request");
        assert_eq!(line["request_id"], "r-1");
        assert_eq!(line["status"], 200);
        assert_eq!(line["amount"], 5);
        assert_eq!(line["message"], "done 1");
        assert_eq!(line["field.level"], "x");
        assert!(line["timestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    }
}
