//! Settings newer than the server they are sent to. An older nats-server ignores a
//! field it does not know, so the setting would be lost without a word and Terraform
//! would report "Provider produced inconsistent result" after creating the stream.
//! Each setting names the JetStream API level that brought it (the server's own
//! `setStaticStreamMetadata` table); the server of the object's domain reports its
//! level in `$JS.API.INFO` (none before nats-server 2.11). Judged at plan time when
//! the provider is configured, and again right before a create or update request.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::AttributePath;
use crate::nats::JetStreamApi;

/// One setting in use that needs JetStream API `level`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewerSetting {
    pub path: AttributePath,
    /// How the configuration uses it, e.g. "`allow_msg_ttl = true`".
    pub written: String,
    pub level: u64,
}

impl NewerSetting {
    pub fn new(path: AttributePath, written: impl Into<String>, level: u64) -> Self {
        NewerSetting {
            path,
            written: written.into(),
            level,
        }
    }
}

/// Per-message TTLs and delete markers (nats-server 2.11).
pub const TTL_LEVEL: u64 = 1;
/// Counters, atomic batches, schedules, async persistence (nats-server 2.12).
pub const COUNTER_LEVEL: u64 = 2;
/// Fast batches and sourcing through a durable consumer (nats-server 2.14).
pub const DURABLE_SOURCING_LEVEL: u64 = 4;

/// The first nats-server release at JetStream API `level`.
pub fn release_of(level: u64) -> &'static str {
    match level {
        0 => "2.10",
        1 => "2.11",
        2 => "2.12",
        3 | 4 => "2.14",
        _ => "2.15",
    }
}

/// What the server's level says about its release, for the message.
fn server_said(level: u64) -> String {
    match level {
        0 => "reports no JetStream API level (nats-server 2.10 or older)".into(),
        level => format!(
            "reports JetStream API level {level} (nats-server {})",
            release_of(level)
        ),
    }
}

/// Error diagnostics for every setting the server at `server_level` would drop.
pub fn refuse_newer(
    noun: &str,
    settings: &[NewerSetting],
    server_level: u64,
    out: &mut Diagnostics,
) {
    for setting in settings.iter().filter(|s| s.level > server_level) {
        out.attribute_error(
            &setting.path,
            "Setting needs a newer nats-server",
            format!(
                "{} needs nats-server {} or newer (JetStream API level {}); the server of this \
                 {noun}'s domain {}, and would ignore it. Upgrade the server, or remove the \
                 setting.",
                setting.written,
                release_of(setting.level),
                setting.level,
                server_said(server_level)
            ),
        );
    }
}

/// Asks the server of `api`'s domain for its level when any setting needs one, and
/// refuses what it would drop. A failed question is not an answer: the request itself
/// will report the server's error.
pub async fn check(api: &JetStreamApi, noun: &str, settings: &[NewerSetting]) -> Diagnostics {
    let mut out = Diagnostics::new();
    let Some(needed) = settings.iter().map(|s| s.level).max() else {
        return out;
    };
    if needed == 0 {
        return out;
    }
    match api.account_info().await {
        Ok(info) => refuse_newer(noun, settings, info.api.level, &mut out),
        Err(error) => tracing::debug!(%error, "JetStream API level not read"),
    }
    out
}

/// [`check`] right before a create or update request: nothing is sent when refused.
pub async fn before_request(
    api: &JetStreamApi,
    noun: &str,
    settings: &[NewerSetting],
) -> Result<(), Diagnostics> {
    let refused = check(api, noun, settings).await;
    if refused.has_errors() {
        Err(refused)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_only_what_the_server_lacks_and_names_both_versions() {
        let settings = [
            NewerSetting::new(
                AttributePath::attr("allow_msg_ttl"),
                "`allow_msg_ttl = true`",
                1,
            ),
            NewerSetting::new(
                AttributePath::attr("allow_batched"),
                "`allow_batched = true`",
                4,
            ),
        ];
        let mut out = Diagnostics::new();
        refuse_newer("stream", &settings, 2, &mut out);
        let errors: Vec<String> = out.iter().map(|d| d.detail.clone()).collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].contains("`allow_batched = true` needs nats-server 2.14 or newer")
                && errors[0].contains("level 2 (nats-server 2.12)"),
            "{}",
            errors[0]
        );
        let mut out = Diagnostics::new();
        refuse_newer("KV bucket", &settings, 0, &mut out);
        let errors: Vec<String> = out.iter().map(|d| d.detail.clone()).collect();
        assert_eq!(errors.len(), 2);
        assert!(errors[0].contains("nats-server 2.11 or newer"));
        assert!(errors[0].contains("no JetStream API level (nats-server 2.10 or older)"));
        let mut out = Diagnostics::new();
        refuse_newer("stream", &settings, 5, &mut out);
        assert!(out.is_empty());
    }
}
