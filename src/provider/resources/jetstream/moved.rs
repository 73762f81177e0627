//! Taking over state written by the official `nats-io/jetstream` provider
//! (`moved { from = jetstream_stream.x  to = nats_jetstream_stream.x }`, and likewise
//! `jetstream_kv_bucket`, `jetstream_kv_entry` and `jetstream_obj_bucket`).
//!
//! Its attributes share our names and units. It stores "not set" as empty strings,
//! empty lists and maps, and a source's `start_seq` of 0, where we store null, so those
//! become null (block lists stay lists: no blocks is an empty list). Attributes we do
//! not model are dropped, and the ID is left for the resource to recompute; the
//! refresh after the move reads the server anyway.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::MoveSource;
use serde::de::DeserializeOwned;
use serde_json::Value as Json;

const OFFICIAL_PROVIDER: &str = "nats-io/jetstream";

/// The nested blocks of the official resources: lists of objects, kept as lists.
const BLOCKS: [&str; 5] = [
    "mirror",
    "source",
    "subject_transform",
    "external",
    "consumer",
];

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
    let mut attributes = attributes.clone();
    attributes.remove("id");
    Some(
        serde_json::from_value(normalised(Json::Object(attributes)))
            .map_err(|e| shape_error(official_type, &e.to_string())),
    )
}

/// Turns the official provider's "not set" spellings into null, inside blocks too.
fn normalised(json: Json) -> Json {
    let Json::Object(map) = json else {
        return json;
    };
    let normalise = |key: &str, value: Json| match value {
        Json::String(text) if text.is_empty() => Json::Null,
        Json::Number(n) if key == "start_seq" && n.as_u64() == Some(0) => Json::Null,
        Json::Array(items) if BLOCKS.contains(&key) => {
            Json::Array(items.into_iter().map(normalised).collect())
        }
        Json::Array(items) if items.is_empty() => Json::Null,
        Json::Object(items) if items.is_empty() => Json::Null,
        other => other,
    };
    Json::Object(
        map.into_iter()
            .map(|(key, value)| {
                let value = normalise(&key, value);
                (key, value)
            })
            .collect(),
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
    use crate::framework::Field;
    use crate::provider::resources::jetstream_kv_bucket::model::KvBucketModel;
    use crate::provider::resources::jetstream_stream::model::StreamModel;

    fn source(provider: &str, type_name: &str, state: Json) -> MoveSource {
        MoveSource {
            provider_address: provider.into(),
            type_name: type_name.into(),
            schema_version: 0,
            state,
        }
    }

    fn official_bucket() -> Json {
        serde_json::json!({
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
        })
    }

    #[test]
    fn official_bucket_state_becomes_ours() {
        let official = source(
            "registry.terraform.io/nats-io/jetstream",
            "jetstream_kv_bucket",
            official_bucket(),
        );
        let moved: KvBucketModel = from_official(&official, "jetstream_kv_bucket")
            .unwrap()
            .unwrap();
        assert_eq!(moved.name, Field::Known("config".to_string()));
        assert_eq!(moved.description, Field::Null);
        assert_eq!(moved.placement_cluster, Field::Null);
        assert_eq!(moved.placement_tags, Field::Null);
        assert_eq!(moved.history, Field::Known(5));
        assert_eq!(moved.id, Field::Null);
    }

    #[test]
    fn official_stream_state_keeps_its_blocks() {
        let official = source(
            "registry.terraform.io/nats-io/jetstream",
            "jetstream_stream",
            serde_json::json!({
                "id": "JETSTREAM_STREAM_QUEUE",
                "name": "QUEUE",
                "description": "",
                "subjects": ["QUEUE.>"],
                "metadata": {},
                "max_msgs": 1024,
                "placement_tags": [],
                "mirror": [],
                "source": [{"name": "UP", "start_seq": 0, "start_time": "",
                            "filter_subject": "", "subject_transform": [], "external": []}],
                "some_attribute_we_do_not_know": true
            }),
        );
        let model: StreamModel = from_official(&official, "jetstream_stream")
            .unwrap()
            .unwrap();
        assert_eq!(model.name, Field::Known("QUEUE".to_string()));
        assert_eq!(
            (model.description, model.metadata),
            (Field::Null, Field::Null)
        );
        assert_eq!(model.placement_tags, Field::Null);
        assert_eq!(model.max_msgs, Field::Known(1024));
        assert!(model.mirror.is_empty());
        let origin = &model.source[0];
        assert_eq!(
            (origin.start_seq, &origin.start_time),
            (Field::Null, &Field::Null)
        );
        assert_eq!(origin.filter_subject, Field::Null);
        assert!(origin.external.is_empty());
    }

    #[test]
    fn other_sources_are_not_ours_to_take() {
        let other = source(
            "registry.terraform.io/acme/other",
            "jetstream_kv_bucket",
            official_bucket(),
        );
        assert!(from_official::<KvBucketModel>(&other, "jetstream_kv_bucket").is_none());
        let wrong_type = source(
            "registry.terraform.io/nats-io/jetstream",
            "jetstream_stream",
            official_bucket(),
        );
        assert!(from_official::<KvBucketModel>(&wrong_type, "jetstream_kv_bucket").is_none());
        let not_an_object = source(
            "registry.terraform.io/nats-io/jetstream",
            "jetstream_kv_bucket",
            Json::Null,
        );
        assert!(
            from_official::<KvBucketModel>(&not_an_object, "jetstream_kv_bucket")
                .unwrap()
                .is_err()
        );
    }
}
