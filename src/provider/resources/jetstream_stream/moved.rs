//! Taking over `jetstream_stream` state written by the official `nats-io/jetstream`
//! provider (`moved { from = jetstream_stream.x  to = nats_jetstream_stream.x }`).
//!
//! Its attributes share our names and units; it stores "not set" as empty strings,
//! empty lists and empty maps, where we store null, so those are normalised. Anything
//! it stored that we do not model is dropped; the refresh after the move reads the
//! server anyway.

use super::model::{StreamAddress, StreamModel};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::MoveSource;
use serde_json::Value as Json;

pub const OFFICIAL_PROVIDER: &str = "registry.terraform.io/nats-io/jetstream";
pub const OFFICIAL_TYPE: &str = "jetstream_stream";

/// `None` when the source is not the official provider's stream.
pub fn from_official(source: &MoveSource) -> Option<Result<StreamModel, Diagnostics>> {
    let known_provider = source
        .provider_address
        .trim_start_matches("registry.terraform.io/")
        == OFFICIAL_PROVIDER.trim_start_matches("registry.terraform.io/");
    if !known_provider || source.type_name != OFFICIAL_TYPE {
        return None;
    }
    Some(convert(&source.state))
}

fn convert(state: &Json) -> Result<StreamModel, Diagnostics> {
    let normalised = without_empty_values(state.clone());
    let mut model: StreamModel = serde_json::from_value(normalised).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Cannot take over the official provider's stream state",
            format!("The stored jetstream_stream state does not have the expected shape: {e}."),
        ))
    })?;
    model.domain = None;
    model.id = Some(
        StreamAddress {
            domain: None,
            name: model.name.clone(),
        }
        .id(),
    );
    Ok(model)
}

/// Turns "", [] and {} into null, recursively inside blocks; drops `id` (recomputed).
fn without_empty_values(json: Json) -> Json {
    match json {
        Json::Object(map) => Json::Object(
            map.into_iter()
                .filter(|(key, _)| key != "id")
                .map(|(key, value)| {
                    let value = match value {
                        Json::String(s) if s.is_empty() => Json::Null,
                        // "Start at sequence 0" is the official provider's "not set".
                        Json::Number(n) if key == "start_seq" && n.as_u64() == Some(0) => {
                            Json::Null
                        }
                        Json::Array(items) if items.is_empty() && !is_block(&key) => Json::Null,
                        Json::Object(inner) if inner.is_empty() => Json::Null,
                        Json::Array(items) => {
                            Json::Array(items.into_iter().map(without_empty_values).collect())
                        }
                        other => other,
                    };
                    (key, value)
                })
                .collect(),
        ),
        other => other,
    }
}

/// Block lists stay lists: an empty block list means "no blocks", not null.
fn is_block(key: &str) -> bool {
    matches!(key, "mirror" | "source" | "subject_transform" | "external")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official_state() -> Json {
        serde_json::json!({
            "id": "JETSTREAM_STREAM_QUEUE",
            "name": "QUEUE",
            "description": "",
            "subjects": ["QUEUE.>"],
            "metadata": {},
            "discard": "old",
            "max_msgs": 1024,
            "max_bytes": 10485760,
            "max_age": 86400,
            "duplicate_window": 120,
            "storage": "file",
            "retention": "limits",
            "placement_cluster": "",
            "placement_tags": [],
            "mirror": [],
            "source": [{"name": "UP", "start_seq": 0, "start_time": "", "filter_subject": "",
                        "subject_transform": [], "external": []}],
            "some_attribute_we_do_not_know": true
        })
    }

    #[test]
    fn official_state_becomes_ours() {
        let source = MoveSource {
            provider_address: OFFICIAL_PROVIDER.into(),
            type_name: OFFICIAL_TYPE.into(),
            schema_version: 0,
            state: official_state(),
        };
        let model = from_official(&source).unwrap().unwrap();
        assert_eq!(model.name, "QUEUE");
        assert_eq!(model.id.as_deref(), Some("JETSTREAM_STREAM_QUEUE"));
        assert_eq!(model.description, None);
        assert_eq!(model.metadata, None);
        assert_eq!(model.placement_tags, None);
        assert_eq!(model.max_msgs, Some(1024));
        assert!(model.mirror.is_empty());
        assert_eq!(model.source[0].filter_subject, None);
        assert_eq!(model.source[0].start_time, None);
    }

    #[test]
    fn other_sources_are_not_ours_to_take() {
        let source = MoveSource {
            provider_address: "registry.terraform.io/acme/other".into(),
            type_name: OFFICIAL_TYPE.into(),
            schema_version: 0,
            state: official_state(),
        };
        assert!(from_official(&source).is_none());
    }
}
