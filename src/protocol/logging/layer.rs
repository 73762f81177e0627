//! The `tracing` layer that writes one go-hclog JSON object per line.
//!
//! go-plugin on Terraform's side parses each stderr line as JSON: `@level`,
//! `@message` and `@timestamp` must be strings (it type-asserts them) and the
//! timestamp must parse with Go's `2006-01-02T15:04:05.000000Z07:00`, or the
//! whole line degrades to unstructured debug text. Every other key is shown as
//! a `key=value` pair, so span and event fields go in as plain JSON values.

use std::io::Write;
use std::sync::Mutex;

use serde_json::{Map, Number, Value};
use time::OffsetDateTime;
use tracing::field::{Field, Visit};
use tracing::level_filters::LevelFilter;
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::Layer;

use super::redact::{is_secret_field_name, scrub, REDACTED};

/// Keys the format reserves; a field with one of these names is renamed
/// rather than allowed to overwrite them.
const RESERVED_KEYS: [&str; 4] = ["@level", "@message", "@module", "@timestamp"];

/// Longest string value written. go-plugin reads stderr in bounded lines and
/// a line cut in two is no longer JSON; a huge plan dump is not worth that.
const MAX_STRING_BYTES: usize = 16 * 1024;

/// Most verbose level let through for events and spans of other crates
/// (tonic, h2, async-nats...): their debug/trace output is wire-level noise
/// and the likeliest place for a secret we do not control to appear.
const DEPENDENCY_CAP: LevelFilter = LevelFilter::INFO;

/// Writes hclog-style JSON lines to `W`. Build it with [`super::layer`].
pub struct HclogLayer<W> {
    writer: Mutex<W>,
    level: LevelFilter,
    module: String,
}

impl<W: Write + Send + 'static> HclogLayer<W> {
    pub(super) fn new(writer: W, level: LevelFilter, module: String) -> Self {
        Self {
            writer: Mutex::new(writer),
            level,
            module,
        }
    }

    /// Whether a callsite produces output. Decided from static metadata only,
    /// so `tracing` can cache the answer per callsite.
    fn wants(&self, metadata: &Metadata<'_>) -> bool {
        if self.level == LevelFilter::OFF {
            return false;
        }
        if is_own_target(metadata.target()) {
            // Our spans always exist (while logging is on at all) so that a
            // WARN event inside an INFO request span still carries tf_rpc.
            return metadata.is_span() || *metadata.level() <= self.level;
        }
        *metadata.level() <= self.level.min(DEPENDENCY_CAP)
    }

    fn module_for(&self, target: &str) -> String {
        if is_own_target(target) {
            return self.module.clone();
        }
        let crate_name = target.split("::").next().unwrap_or(target);
        format!("{}.{}", self.module, crate_name)
    }

    fn write_line(&self, line: &[u8]) {
        let mut writer = self
            .writer
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Nowhere to report a failed log write; dropping the line is all that
        // is left.
        let _ = writer.write_all(line).and_then(|()| writer.flush());
    }
}

/// Our own code: this library and the binary built from the same package
/// (whose crate name is the package name with `_` for `-`).
fn is_own_target(target: &str) -> bool {
    let crate_name = target.split("::").next().unwrap_or(target);
    let library = module_path!().split("::").next().unwrap_or_default();
    let package = env!("CARGO_PKG_NAME");
    crate_name == library
        || (crate_name.len() == package.len()
            && crate_name
                .bytes()
                .zip(package.bytes())
                .all(|(ours, pkg)| ours == if pkg == b'-' { b'_' } else { pkg }))
}

/// Span fields, kept (already scrubbed) in the span's extensions until the
/// span closes.
struct SpanFields(Map<String, Value>);

impl<S, W> Layer<S> for HclogLayer<W>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    W: Write + Send + 'static,
{
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if self.wants(metadata) {
            Interest::always()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        self.wants(metadata)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        // Our spans may be of any level whenever logging is on.
        Some(if self.level == LevelFilter::OFF {
            LevelFilter::OFF
        } else {
            LevelFilter::TRACE
        })
    }

    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut fields = Map::new();
        attrs.record(&mut FieldCollector(&mut fields));
        span.extensions_mut().insert(SpanFields(fields));
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, ctx: Context<'_, S>) {
        let Some(span) = ctx.span(id) else { return };
        let mut extensions = span.extensions_mut();
        if let Some(SpanFields(fields)) = extensions.get_mut::<SpanFields>() {
            values.record(&mut FieldCollector(fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let mut event_fields = Map::new();
        event.record(&mut FieldCollector(&mut event_fields));
        let message = match event_fields.remove("message") {
            Some(Value::String(text)) => text,
            Some(other) => other.to_string(),
            None => String::new(),
        };

        let mut line = Map::new();
        line.insert("@level".into(), level_name(*metadata.level()).into());
        line.insert("@message".into(), message.into());
        line.insert("@module".into(), self.module_for(metadata.target()).into());
        line.insert(
            "@timestamp".into(),
            hclog_timestamp(OffsetDateTime::now_utc()).into(),
        );

        // Outer spans first, so inner spans and then the event itself win.
        if let Some(scope) = ctx.event_scope(event) {
            for span in scope.from_root() {
                if let Some(SpanFields(fields)) = span.extensions().get::<SpanFields>() {
                    for (key, value) in fields {
                        insert_field(&mut line, key.clone(), value.clone());
                    }
                }
            }
        }
        for (key, value) in event_fields {
            insert_field(&mut line, key, value);
        }

        if let Ok(mut bytes) = serde_json::to_vec(&Value::Object(line)) {
            bytes.push(b'\n');
            self.write_line(&bytes);
        }
    }
}

fn insert_field(line: &mut Map<String, Value>, key: String, value: Value) {
    let key = if RESERVED_KEYS.contains(&key.as_str()) {
        format!("_{key}")
    } else {
        key
    };
    line.insert(key, value);
}

fn level_name(level: Level) -> &'static str {
    match level {
        Level::TRACE => "trace",
        Level::DEBUG => "debug",
        Level::INFO => "info",
        Level::WARN => "warn",
        Level::ERROR => "error",
    }
}

/// UTC in the layout go-plugin parses: six fraction digits, then `Z`.
pub(super) fn hclog_timestamp(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second(),
        at.microsecond()
    )
}

/// Turns `tracing` field values into JSON, scrubbing every string and
/// dropping the value of any field whose name marks it secret.
struct FieldCollector<'a>(&'a mut Map<String, Value>);

impl FieldCollector<'_> {
    fn put(&mut self, field: &Field, value: Value) {
        let value = if is_secret_field_name(field.name()) {
            REDACTED.into()
        } else {
            value
        };
        self.0.insert(field.name().to_string(), value);
    }

    fn put_text(&mut self, field: &Field, text: &str) {
        if is_secret_field_name(field.name()) {
            self.put(field, Value::Null);
        } else {
            self.put(field, Value::String(bounded(scrub(text).into_owned())));
        }
    }
}

impl Visit for FieldCollector<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        // Formatting a secret-named value would be wasted work and a risk.
        if is_secret_field_name(field.name()) {
            self.put(field, Value::Null);
        } else {
            self.put_text(field, &format!("{value:?}"));
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.put_text(field, value);
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let mut text = value.to_string();
        let mut source = value.source();
        while let Some(cause) = source {
            text.push_str(": ");
            text.push_str(&cause.to_string());
            source = cause.source();
        }
        self.put_text(field, &text);
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.put(field, value.into());
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.put(field, value.into());
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        let json = Number::from_f64(value).map_or_else(|| value.to_string().into(), Value::Number);
        self.put(field, json);
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.put(field, value.into());
    }
}

/// Cuts a string to [`MAX_STRING_BYTES`] on a character boundary.
fn bounded(mut text: String) -> String {
    if text.len() > MAX_STRING_BYTES {
        let mut cut = MAX_STRING_BYTES;
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        text.truncate(cut);
        text.push_str("...[truncated]");
    }
    text
}
