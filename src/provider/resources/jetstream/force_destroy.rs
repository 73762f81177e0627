//! `force_destroy`: consent to lose data, as the AWS provider's S3 buckets ask for it.
//!
//! - Destroying or replacing a stream or bucket that holds data fails at apply time,
//!   checked against the server right before the delete, unless the state says
//!   `force_destroy = true`. Nothing is deleted, and the object stays in state.
//! - Terraform deletes with the state it holds: `force_destroy = true` written in the
//!   same plan as the replacement or destroy does not count yet; it has to be applied
//!   on its own first (the refusal says so).
//! - A plan that replaces or destroys one that holds data carries a warning with the
//!   same figures, so whoever reviews the plan sees the loss before approving it.

use super::contents::{self, Contents};
use super::plan::JetStreamModel;
use super::{Holds, Kind};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::Attribute;
use crate::framework::value::AttributePath;
use crate::framework::PlanContext;
use crate::nats::JetStreamApi;
use crate::provider::client::NatsClient;

pub fn attribute(kind: &Kind) -> Attribute {
    let noun = kind.noun;
    let held = kind.holds.noun();
    Attribute::bool("force_destroy")
        .default(false)
        .description(format!(
            "Allow destroying or replacing the {noun} while it holds {held}s, which are then \
         deleted with it. Left `false`, such a destroy or replacement fails at apply time, \
         saying what it holds, and changes nothing. Terraform destroys with the value in \
         state: set it to `true` and apply that before the change that destroys or replaces \
         the {noun}. With `create_before_destroy`, the new {noun} is made first and a refused \
         old one stays in state as deposed, deleted by a later apply once it is empty. \
         Changes nothing on the server; `false` after import."
        ))
}

/// How to empty it by hand, as the `nats` CLI does it.
fn how_to_empty(kind: &Kind, name: &str) -> String {
    match kind.holds {
        Holds::Messages => format!("purge it (`nats stream purge {name}`)"),
        Holds::Keys => format!("delete its keys (`nats kv del {name} <key>`)"),
        Holds::Objects => format!("delete its objects (`nats object del {name} <object>`)"),
    }
}

/// Refuses to delete the stream or bucket `name` while it holds data, unless
/// `force_destroy` (as in state) allows it. Gone already is fine.
pub async fn guard_delete(
    api: &JetStreamApi,
    kind: &Kind,
    name: &str,
    force_destroy: Option<bool>,
) -> Result<(), Diagnostics> {
    if force_destroy == Some(true) {
        return Ok(());
    }
    let noun = kind.noun;
    match contents::read(api, kind, name).await {
        Ok(None) => Ok(()),
        Ok(Some(held)) if held.is_empty() => Ok(()),
        Ok(Some(held)) => Err(Diagnostic::error(
            format!("Refusing to delete {noun} {name}: it holds data"),
            format!(
                "{noun} {name} holds {}. Destroying or replacing it would delete them, and \
                 its force_destroy is false, so nothing was changed. To delete it anyway, set \
                 `force_destroy = true` and apply that on its own first (Terraform destroys \
                 with the value already in state), then apply this change again; or {} \
                 first. To keep the data, undo the change that destroys or replaces it.",
                held.describe(kind),
                how_to_empty(kind, name)
            ),
        )
        .into()),
        Err(error) => Err(Diagnostic::error(
            format!("Cannot delete {noun} {name}"),
            format!(
                "natsforge could not tell what the {noun} holds, so it did not delete it: \
                 {error}. With `force_destroy = true` (applied first) it deletes without looking."
            ),
        )
        .into()),
    }
}

/// On a plan that replaces or destroys a stream or bucket holding data: a warning
/// with what would be lost, and whether the apply will refuse.
pub async fn warn_on_plan<M: JetStreamModel>(
    client: &NatsClient,
    kind: &Kind,
    plan: &mut PlanContext<'_>,
    prior: &M,
) {
    let destroy = plan.is_destroy();
    if !destroy && plan.change.requires_replace.is_empty() {
        return;
    }
    let Some(name) = prior.name().known() else {
        return;
    };
    let domain = prior.domain().known().map(String::as_str);
    let force = prior.force_destroy().is_known_and(|f| *f);
    let noun = kind.noun;
    let (what, path) = match plan.change.requires_replace.first() {
        Some(path) if !destroy => ("Replacing", path.clone()),
        _ => ("Destroying", AttributePath::attr("name")),
    };
    let read = match client.jetstream(domain).await {
        Ok(api) => contents::read(&api, kind, name)
            .await
            .map_err(|e| e.to_string()),
        Err(diagnostics) => Err(diagnostics
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")),
    };
    let warning = match read {
        Ok(Some(held)) if !held.is_empty() => loss_warning(kind, name, what, force, &held),
        Ok(_) => return,
        Err(error) => Diagnostic::warning(
            format!(
                "Cannot tell what {} {noun} {name} would lose",
                what.to_lowercase()
            ),
            format!("Reading what it holds failed: {error}."),
        ),
    };
    plan.diagnostics.push(warning.at(path));
}

fn loss_warning(kind: &Kind, name: &str, what: &str, force: bool, held: &Contents) -> Diagnostic {
    let noun = kind.noun;
    let outcome = if force {
        "force_destroy is true, so the apply deletes them.".to_string()
    } else {
        format!(
            "force_destroy is false in state, so the apply will refuse to delete the {noun} \
             and change nothing; set it to `true` and apply that first to go ahead, or {}.",
            how_to_empty(kind, name)
        )
    };
    Diagnostic::warning(
        format!("{what} {noun} {name} deletes {}", held.describe(kind)),
        format!(
            "{what} {noun} {name} deletes everything it holds: {}. {outcome}",
            held.describe(kind)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::resources::jetstream::{KV_BUCKET, STREAM};

    fn held() -> Contents {
        Contents {
            messages: 3,
            bytes: 30,
            first: "2026-01-31T12:00:00Z".into(),
            last: "2026-01-31T12:00:01Z".into(),
            entries: None,
        }
    }

    #[test]
    fn the_warning_says_what_is_lost_and_what_the_apply_will_do() {
        let refused = loss_warning(&STREAM, "ORDERS", "Replacing", false, &held());
        assert_eq!(
            refused.summary,
            "Replacing stream ORDERS deletes 3 messages (30 bytes, written from \
             2026-01-31T12:00:00Z to 2026-01-31T12:00:01Z)"
        );
        assert!(
            refused.detail.contains("the apply will refuse"),
            "{}",
            refused.detail
        );
        assert!(refused.detail.contains("nats stream purge ORDERS"));
        let forced = loss_warning(&KV_BUCKET, "config", "Destroying", true, &held());
        assert!(forced
            .detail
            .ends_with("force_destroy is true, so the apply deletes them."));
        assert!(how_to_empty(&KV_BUCKET, "config").contains("nats kv del config"));
    }
}
