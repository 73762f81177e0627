//! Settings the JetStream resources spell alike, as the official provider does:
//! placement, limits and durations in whole seconds; reading back in the user's
//! spelling where the server keeps one form of two (empty or left out, `0` or `-1`).

use crate::framework::Field;
use crate::nats::jetstream::{seconds_to_duration, Placement, MAX_DURATION_SECONDS};
use std::collections::BTreeMap;
use std::time::Duration;

/// A duration attribute in seconds as the API's duration (zero when left out).
pub fn duration(seconds: Option<i64>, what: &str) -> Result<Duration, String> {
    seconds_to_duration(seconds.unwrap_or(0))
        .ok_or_else(|| format!("`{what}` must be between 0 and {MAX_DURATION_SECONDS} seconds"))
}

/// The value of an attribute the plan decided (a default or a written value): every
/// model given to create or update has one, so its absence is a provider bug.
pub fn known<T: Clone>(field: &Field<T>, name: &str) -> Result<T, String> {
    field
        .known()
        .cloned()
        .ok_or_else(|| format!("`{name}` has no value (a provider bug: please report it)"))
}

/// Values the server holds as "nothing": no description, metadata, tags, subjects.
pub trait Emptiable {
    fn is_empty(&self) -> bool;
}

impl Emptiable for String {
    fn is_empty(&self) -> bool {
        String::is_empty(self)
    }
}

impl<T> Emptiable for Vec<T> {
    fn is_empty(&self) -> bool {
        Vec::is_empty(self)
    }
}

impl<K, V> Emptiable for BTreeMap<K, V> {
    fn is_empty(&self) -> bool {
        BTreeMap::is_empty(self)
    }
}

/// What the server holds, where "nothing" reads back as the user wrote it: an empty
/// `""`, `[]` or `{}` stays empty, left out stays left out, so neither is drift.
pub fn empty_as_written<T: Emptiable + Clone>(server: T, as_written: &Field<T>) -> Field<T> {
    if !server.is_empty() {
        return Field::Known(server);
    }
    match as_written.known() {
        Some(written) if written.is_empty() => Field::Known(written.clone()),
        _ => Field::Null,
    }
}

pub fn placement(cluster: &Field<String>, tags: &Field<Vec<String>>) -> Option<Placement> {
    let cluster = cluster.known().filter(|c| !c.is_empty()).cloned();
    let tags = tags.known().cloned().unwrap_or_default();
    if cluster.is_none() && tags.is_empty() {
        return None;
    }
    Some(Placement {
        cluster,
        tags,
        preferred: None,
    })
}

/// `(placement_cluster, placement_tags)` as read, in the spelling written.
pub fn placement_back(
    placement: &Option<Placement>,
    cluster: &Field<String>,
    tags: &Field<Vec<String>>,
) -> (Field<String>, Field<Vec<String>>) {
    let placement = placement.as_ref();
    (
        empty_as_written(
            placement
                .and_then(|p| p.cluster.clone())
                .unwrap_or_default(),
            cluster,
        ),
        empty_as_written(placement.map(|p| p.tags.clone()).unwrap_or_default(), tags),
    )
}

/// A size limit as read: the server stores "unlimited" as `-1` whether the user wrote
/// `-1` or `0`, so a `0` the user wrote stays `0`.
pub fn limit_back(server: i64, as_written: &Field<i64>) -> Field<i64> {
    if server == -1 && as_written.is_known_and(|n| *n == 0) {
        Field::Known(0)
    } else {
        Field::Known(server)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlimited_keeps_the_spelling_the_user_chose() {
        assert_eq!(limit_back(-1, &Field::Known(0)), Field::Known(0));
        assert_eq!(limit_back(-1, &Field::Known(-1)), Field::Known(-1));
        assert_eq!(limit_back(-1, &Field::Null), Field::Known(-1));
        assert_eq!(limit_back(1024, &Field::Known(0)), Field::Known(1024));
    }

    #[test]
    fn empty_values_read_back_as_written() {
        assert_eq!(
            empty_as_written(String::new(), &Field::Known(String::new())),
            Field::Known(String::new())
        );
        assert_eq!(empty_as_written(String::new(), &Field::Null), Field::Null);
        assert_eq!(
            empty_as_written(vec!["a".to_string()], &Field::Known(vec![])),
            Field::Known(vec!["a".to_string()])
        );
        assert_eq!(
            empty_as_written(Vec::<String>::new(), &Field::Unknown),
            Field::Null
        );
    }

    #[test]
    fn placement_round_trips_and_empty_means_none() {
        assert_eq!(placement(&Field::Null, &Field::Known(Vec::new())), None);
        let cluster = Field::Known("east".to_string());
        let tags = Field::Known(vec!["ssd".to_string()]);
        let p = placement(&cluster, &tags);
        assert_eq!(
            placement_back(&p, &Field::Null, &Field::Null),
            (cluster, tags)
        );
        assert_eq!(
            placement_back(&None, &Field::Known(String::new()), &Field::Null),
            (Field::Known(String::new()), Field::Null)
        );
    }
}
