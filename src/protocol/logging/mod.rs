//! Provider logs in the form Terraform shows: go-hclog JSON lines on stderr.
//!
//! Terraform (through go-plugin) reads the provider's stderr line by line and
//! re-logs each JSON line at its `@level`, filtered by `TF_LOG_PROVIDER` or
//! `TF_LOG`. Stdout is never touched: it carries the plugin handshake.
//!
//! Code logs with plain `tracing` macros; [`init`] installs the subscriber.
//! Request context (`tf_rpc`, `tf_req_id`, `tf_resource_type`, ...) belongs in
//! span fields: every line inside a span carries them. Every string written is
//! scrubbed of secrets first (see `redact`), and fields named like secrets
//! (`password`, `token`, `seed`, `*_pem`...) are written as `<redacted>`.
//!
//! Which level is written, first match wins:
//! 1. `TF_LOG_PROVIDER_<TYPE>` when it names a level (`trace`...`error`,
//!    `off`; case and surrounding spaces ignored). This is the variable the Go
//!    SDK reads for the provider's own logger, and the only one that matters
//!    when the provider runs outside Terraform (`-debug`).
//! 2. Otherwise the level Terraform itself will show: `TF_LOG_PROVIDER` if
//!    non-empty, else `TF_LOG`; empty means off, `JSON` means trace, and any
//!    other unknown value means trace, as Terraform treats it. The Go SDK
//!    writes everything and lets Terraform drop it; writing only what will be
//!    shown gives the same visible result without the wasted work.

mod layer;
mod redact;
#[cfg(test)]
mod tests;

use std::io::Write;
use std::sync::OnceLock;

use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;

pub use layer::HclogLayer;

/// Terraform's variable for every provider's log level.
const TF_LOG_PROVIDER: &str = "TF_LOG_PROVIDER";
/// Terraform's variable for all of its logs.
const TF_LOG: &str = "TF_LOG";

/// Installs the stderr JSON logger as the process-wide `tracing` subscriber.
///
/// `provider_type` is the provider's type name (`nats` for `natsforge/nats`):
/// it names the `@module` of each line and the `TF_LOG_PROVIDER_<TYPE>`
/// variable, as the Go SDK does. Call it once at startup, before the
/// handshake; later calls do nothing, and so does a call in a process that
/// already installed another subscriber.
pub fn init(provider_type: &str) {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let module = module_name(provider_type);
        let level = level_from_env(&provider_env_var(&module), |name| std::env::var(name).ok());
        let subscriber =
            tracing_subscriber::registry().with(layer(std::io::stderr(), level, &module));
        // An error means a subscriber is already in place (a test harness or
        // an embedding program); theirs stays.
        let _ = tracing::subscriber::set_global_default(subscriber);
    });
}

/// The layer [`init`] installs, writing to any `writer`, at `level`, with
/// `module` as the `@module` of our own lines (dependencies' lines get
/// `module.<crate>`). Tests use it with a buffer.
pub fn layer<W: Write + Send + 'static>(
    writer: W,
    level: LevelFilter,
    module: &str,
) -> HclogLayer<W> {
    HclogLayer::new(writer, level, module.to_string())
}

/// The Go SDK's logger name for a provider type: dashes become underscores.
fn module_name(provider_type: &str) -> String {
    provider_type.replace('-', "_")
}

/// `TF_LOG_PROVIDER_<MODULE>`, upper-cased like the Go SDK does.
fn provider_env_var(module: &str) -> String {
    format!("{TF_LOG_PROVIDER}_{}", module.to_uppercase())
}

/// The level to write, from `lookup` (the environment, or a map in tests).
/// See the module documentation for the rules and where they come from.
fn level_from_env(provider_env_var: &str, lookup: impl Fn(&str) -> Option<String>) -> LevelFilter {
    if let Some(level) = lookup(provider_env_var).as_deref().and_then(sdk_level) {
        return level;
    }
    let terraform_setting = [TF_LOG_PROVIDER, TF_LOG]
        .into_iter()
        .filter_map(&lookup)
        .find(|value| !value.is_empty());
    match terraform_setting {
        Some(value) => terraform_level(&value),
        None => LevelFilter::OFF,
    }
}

/// go-hclog's reading of a level name: trimmed, any case; `None` for anything
/// else, which the SDK treats as "not set".
fn sdk_level(value: &str) -> Option<LevelFilter> {
    match value.trim().to_lowercase().as_str() {
        "trace" => Some(LevelFilter::TRACE),
        "debug" => Some(LevelFilter::DEBUG),
        "info" => Some(LevelFilter::INFO),
        "warn" => Some(LevelFilter::WARN),
        "error" => Some(LevelFilter::ERROR),
        "off" => Some(LevelFilter::OFF),
        _ => None,
    }
}

/// Terraform's reading of a non-empty `TF_LOG`/`TF_LOG_PROVIDER`: upper-cased
/// but not trimmed; `JSON` and unknown values both mean trace.
fn terraform_level(value: &str) -> LevelFilter {
    match value.to_uppercase().as_str() {
        "DEBUG" => LevelFilter::DEBUG,
        "INFO" => LevelFilter::INFO,
        "WARN" => LevelFilter::WARN,
        "ERROR" => LevelFilter::ERROR,
        "OFF" => LevelFilter::OFF,
        _ => LevelFilter::TRACE,
    }
}
