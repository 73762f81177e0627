//! Taking over state written by the official `nats-io/jetstream` provider
//! (`moved { from = jetstream_kv_bucket.x  to = nats_jetstream_kv_bucket.x }`, and
//! likewise `jetstream_kv_entry` and `jetstream_obj_bucket`).
//!
//! Its attributes share our names and units; it stores "not set" as empty strings and
//! lists where we store null, so those become null. Attributes we do not model are
//! dropped, and the refresh after the move reads the server anyway.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::MoveSource;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

const OFFICIAL_PROVIDER: &str = "nats-io/jetstream";

/// The model for `source` when it is the official provider's `official_type`;
/// `None` for any other source.
pub fn from_official<M: DeserializeOwned>(
    source: &MoveSource,
    official_type: &str,
) -> Option<Result<M, Diagnostics>> {
    let provider = source
        .provider_address
        .trim_start_matches("registry.terraform.io/");
    if provider != OFFICIAL_PROVIDER || source.type_name != official_type {
        return None;
    }
    let Json::Object(attributes) = &source.state else {
        return Some(Err(shape_error(official_type, "it is not an object")));
    };
    let normalised: serde_json::Map<String, Json> = attributes
        .iter()
        // The ID is recomputed from the names (and a domain, which it never had).
        .filter(|(key, _)| key.as_str() != "id")
        .map(|(key, value)| {
            let value = match value {
                Json::String(text) if text.is_empty() => Json::Null,
                Json::Array(items) if items.is_empty() => Json::Null,
                Json::Object(items) if items.is_empty() => Json::Null,
                other => other.clone(),
            };
            (key.clone(), value)
        })
        .collect();
    Some(
        serde_json::from_value(Json::Object(normalised))
            .map_err(|e| shape_error(official_type, &e.to_string())),
    )
}

fn shape_error(official_type: &str, problem: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Cannot take over the official provider's {official_type} state"),
        format!("The stored state does not have the expected shape: {problem}."),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::resources::jetstream_kv_bucket::model::KvBucketModel;

    fn source(provider: &str, type_name: &str) -> MoveSource {
        MoveSource {
            provider_address: provider.into(),
            type_name: type_name.into(),
            schema_version: 0,
            state: serde_json::json!({
                "id": "JETSTREAM_KV_config",
                "name": "config",
                "description": "",
                "history": 5,
                "ttl": 0,
                "max_value_size": -1,
                "max_bucket_size": -1,
                "placement_cluster": "",
                "placement_tags": [],
                "replicas": 1,
                "limit_marker_ttl": 0,
                "something_new": true
            }),
        }
    }

    #[test]
    fn official_bucket_state_becomes_ours() {
        let moved: KvBucketModel = from_official(
            &source(
                "registry.terraform.io/nats-io/jetstream",
                "jetstream_kv_bucket",
            ),
            "jetstream_kv_bucket",
        )
        .unwrap()
        .unwrap();
        assert_eq!(moved.name, "config");
        assert_eq!(moved.description, None);
        assert_eq!(moved.placement_cluster, None);
        assert_eq!(moved.placement_tags, None);
        assert_eq!(moved.history, Some(5));
        assert_eq!(moved.id, None);
    }

    #[test]
    fn other_sources_are_not_ours_to_take() {
        let other = from_official::<KvBucketModel>(
            &source("registry.terraform.io/acme/other", "jetstream_kv_bucket"),
            "jetstream_kv_bucket",
        );
        assert!(other.is_none());
        let wrong_type = from_official::<KvBucketModel>(
            &source(
                "registry.terraform.io/nats-io/jetstream",
                "jetstream_stream",
            ),
            "jetstream_kv_bucket",
        );
        assert!(wrong_type.is_none());
    }
}
