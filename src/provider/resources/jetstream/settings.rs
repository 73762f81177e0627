//! Settings the JetStream resources spell alike, as the official provider does:
//! placement, storage, limits and durations in whole seconds; and the plan-time rule on
//! changing replicas and placement.

use super::Kind;
use crate::framework::value::{AttributePath, Value};
use crate::framework::PlanContext;
use std::time::Duration;

use crate::nats::jetstream::{seconds_to_duration, Placement, StorageType, MAX_DURATION_SECONDS};

/// A duration attribute in seconds as the API's duration (zero when left out).
pub fn duration(seconds: Option<i64>, what: &str) -> Result<Duration, String> {
    seconds_to_duration(seconds.unwrap_or(0))
        .ok_or_else(|| format!("`{what}` must be between 0 and {MAX_DURATION_SECONDS} seconds"))
}

/// nats-server refuses to change replicas and placement in one update: say so at plan
/// time instead of failing half-way through an apply.
pub fn refuse_replicas_and_placement_together(plan: &mut PlanContext<'_>, kind: &Kind) {
    let destroy = plan.planned().is_null();
    if destroy || plan.is_create() || !plan.change.requires_replace.is_empty() {
        return;
    }
    let changed = |attribute: &str| {
        let before = plan.prior.attr(attribute).unwrap_or(&Value::Null);
        let after = plan.planned().attr(attribute).unwrap_or(&Value::Null);
        !before.eq_semantic(after)
    };
    let placement_changed = changed("placement_cluster") || changed("placement_tags");
    if changed("replicas") && placement_changed {
        plan.diagnostics.attribute_error(
            &AttributePath::attr("replicas"),
            "Replicas and placement cannot change together",
            format!(
                "nats-server refuses to change a {}'s replicas and its placement in one update. Apply one change, then the other.",
                kind.noun
            ),
        );
    }
}

pub fn placement(cluster: &Option<String>, tags: &Option<Vec<String>>) -> Option<Placement> {
    if cluster.is_none() && tags.as_ref().is_none_or(Vec::is_empty) {
        return None;
    }
    Some(Placement {
        cluster: cluster.clone(),
        tags: tags.clone().unwrap_or_default(),
        preferred: None,
    })
}

/// `(placement_cluster, placement_tags)` as read; empty reads as left out.
pub fn placement_back(placement: &Option<Placement>) -> (Option<String>, Option<Vec<String>>) {
    let placement = placement.as_ref();
    (
        placement
            .and_then(|p| p.cluster.clone())
            .filter(|c| !c.is_empty()),
        placement.map(|p| p.tags.clone()).filter(|t| !t.is_empty()),
    )
}

pub fn storage(word: &Option<String>) -> Result<StorageType, String> {
    match word.as_deref() {
        None | Some("file") => Ok(StorageType::File),
        Some("memory") => Ok(StorageType::Memory),
        Some(other) => Err(format!("storage {other:?} is not `file` or `memory`")),
    }
}

pub fn storage_word(storage: StorageType) -> String {
    match storage {
        StorageType::File => "file".to_string(),
        StorageType::Memory => "memory".to_string(),
    }
}

/// A size limit as read: the server stores "unlimited" as `-1` whether the user wrote
/// `-1` or `0`, so a `0` the user wrote stays `0`.
pub fn limit_back(server: i64, as_written: Option<i64>) -> Option<i64> {
    if server == -1 && as_written == Some(0) {
        Some(0)
    } else {
        Some(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_keeps_the_spelling_the_user_chose() {
        assert_eq!(limit_back(-1, Some(0)), Some(0));
        assert_eq!(limit_back(-1, Some(-1)), Some(-1));
        assert_eq!(limit_back(-1, None), Some(-1));
        assert_eq!(limit_back(1024, Some(0)), Some(1024));
    }

    #[test]
    fn placement_round_trips_and_empty_means_none() {
        assert_eq!(placement(&None, &Some(Vec::new())), None);
        let p = placement(&Some("east".into()), &Some(vec!["ssd".into()]));
        assert_eq!(
            placement_back(&p),
            (Some("east".into()), Some(vec!["ssd".into()]))
        );
        assert_eq!(storage(&Some("memory".into())), Ok(StorageType::Memory));
        assert!(storage(&Some("disk".into())).is_err());
    }
}
