//! What KV and object buckets have in common as resources: how they are addressed
//! (import IDs and identity), placement and storage spelled as the official provider
//! does, and the plan-time rule on replicas and placement. `nats_jetstream_object_bucket`
//! uses these too.

use crate::framework::value::{AttributePath, Value};
use crate::framework::PlanContext;
use crate::nats::jetstream::{Placement, StorageType};

/// A bucket named by an import ID or identity, perhaps in a JetStream domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketAddress {
    pub domain: Option<String>,
    pub name: String,
}

impl BucketAddress {
    /// Accepts `NAME`, `DOMAIN:NAME`, and the official provider's `<official_prefix>NAME`
    /// (e.g. `JETSTREAM_KV_NAME`), also behind `DOMAIN:`.
    pub fn parse(id: &str, official_prefix: &str) -> Result<Self, String> {
        let (domain, rest) = split_domain(id)?;
        let name = rest.strip_prefix(official_prefix).unwrap_or(rest);
        crate::provider::rules::check_bucket(name)?;
        Ok(BucketAddress {
            domain,
            name: name.to_string(),
        })
    }

    /// The ID of a bucket in the default domain (state moved from the official provider).
    pub fn id_of(name: &str, official_prefix: &str) -> String {
        format!("{official_prefix}{name}")
    }

    /// The resource ID in state: the official provider's form, domain-qualified.
    pub fn id(&self, official_prefix: &str) -> String {
        with_domain(&self.domain, format!("{official_prefix}{}", self.name))
    }
}

/// `DOMAIN:REST` or `REST`; an empty domain is refused rather than taken as "none".
pub fn split_domain(id: &str) -> Result<(Option<String>, &str), String> {
    match id.split_once(':') {
        Some((domain, rest)) if !domain.is_empty() => {
            crate::provider::rules::check_domain(domain)?;
            Ok((Some(domain.to_string()), rest))
        }
        Some(_) => Err(format!("{id:?} has an empty domain before `:`")),
        None => Ok((None, id)),
    }
}

pub fn with_domain(domain: &Option<String>, id: String) -> String {
    match domain {
        Some(domain) => format!("{domain}:{id}"),
        None => id,
    }
}

/// The ID is derived from name and domain, so it is known at plan time.
pub fn plan_id(plan: &mut PlanContext<'_>, official_prefix: &str) {
    if let (Some(Value::String(name)), Some(domain)) = (
        plan.planned().attr("name").cloned(),
        plan.planned().attr("domain").cloned(),
    ) {
        if domain.is_null() || domain.as_str().is_some() {
            let address = BucketAddress {
                domain: domain.as_str().map(str::to_string),
                name,
            };
            plan.set("id", Value::String(address.id(official_prefix)));
        }
    }
}

/// nats-server refuses to change replicas and placement in one update: say so at plan
/// time instead of failing half-way through an apply.
pub fn refuse_replicas_and_placement_together(plan: &mut PlanContext<'_>) {
    if plan.is_create() || !plan.change.requires_replace.is_empty() {
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
            "nats-server refuses to change a bucket's replicas and its placement in one update. Apply one change, then the other.",
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
    fn import_ids_in_every_accepted_form() {
        let plain = BucketAddress::parse("config", "JETSTREAM_KV_").unwrap();
        assert_eq!(plain.domain, None);
        assert_eq!(plain.name, "config");
        assert_eq!(
            BucketAddress::parse("JETSTREAM_KV_config", "JETSTREAM_KV_").unwrap(),
            plain
        );
        let domained = BucketAddress::parse("hub:JETSTREAM_KV_config", "JETSTREAM_KV_").unwrap();
        assert_eq!(domained.domain.as_deref(), Some("hub"));
        assert_eq!(domained.name, "config");
        assert_eq!(domained.id("JETSTREAM_KV_"), "hub:JETSTREAM_KV_config");
        assert_eq!(plain.id("JETSTREAM_OBJ_"), "JETSTREAM_OBJ_config");
        assert!(BucketAddress::parse(":config", "JETSTREAM_KV_").is_err());
        assert!(BucketAddress::parse("a.b", "JETSTREAM_KV_").is_err());
        assert!(BucketAddress::parse("hub:", "JETSTREAM_KV_").is_err());
    }

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
