//! Taking over `jetstream_consumer` state written by the official `nats-io/jetstream`
//! provider (`moved { from = jetstream_consumer.x  to = nats_jetstream_consumer.x }`).
//!
//! Its attributes share our names and units; it stores "not set" as empty strings,
//! empty lists and empty maps and unset deliver flags as `false`, where we store null
//! for the optional ones, so those are normalised. `stream_id` keeps its value (the
//! stream's `JETSTREAM_STREAM_<name>` id, which we accept as is). Anything we do not
//! model is dropped; the refresh after the move reads the server anyway.

use super::model::ConsumerModel;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::{Field, MoveSource};
use serde_json::Value as Json;

pub const OFFICIAL_PROVIDER: &str = "registry.terraform.io/nats-io/jetstream";
pub const OFFICIAL_TYPE: &str = "jetstream_consumer";

/// `None` when the source is not the official provider's consumer.
pub fn from_official(source: &MoveSource) -> Option<Result<ConsumerModel, Diagnostics>> {
    let known_provider = source
        .provider_address
        .trim_start_matches("registry.terraform.io/")
        == OFFICIAL_PROVIDER.trim_start_matches("registry.terraform.io/");
    if !known_provider || source.type_name != OFFICIAL_TYPE {
        return None;
    }
    Some(convert(&source.state))
}

/// Attributes the official provider stores as "" or [] or {} when not set, and
/// that are optional (null when not set) here.
const EMPTY_MEANS_UNSET: [&str; 9] = [
    "description",
    "metadata",
    "delivery_subject",
    "delivery_group",
    "start_time",
    "filter_subject",
    "filter_subjects",
    "backoff",
    "priority_groups",
];

fn convert(state: &Json) -> Result<ConsumerModel, Diagnostics> {
    let Json::Object(map) = state else {
        return Err(shape_error("it is not an object"));
    };
    let mut normalised = serde_json::Map::new();
    for (key, value) in map {
        let empty = match value {
            Json::String(s) => s.is_empty(),
            Json::Array(items) => items.is_empty(),
            Json::Object(entries) => entries.is_empty(),
            _ => false,
        };
        if key == "id" || (empty && EMPTY_MEANS_UNSET.contains(&key.as_str())) {
            continue;
        }
        normalised.insert(key.clone(), value.clone());
    }
    // A pull consumer's max_waiting is ours to keep; 0 means "server default".
    if normalised.get("max_waiting").and_then(Json::as_i64) == Some(0) {
        normalised.remove("max_waiting");
    }
    let mut model: ConsumerModel = serde_json::from_value(Json::Object(normalised))
        .map_err(|e| shape_error(&e.to_string()))?;
    model.domain = Field::Null;
    model.id = Field::Known(model.address().id());
    Ok(model)
}

fn shape_error(problem: &str) -> Diagnostics {
    Diagnostic::error(
        "Cannot take over the official provider's consumer state",
        format!("The stored jetstream_consumer state does not have the expected shape: {problem}."),
    )
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::jetstream::AckPolicy;

    fn official_state() -> Json {
        serde_json::json!({
            "id": "JETSTREAM_STREAM_ORDERS_CONSUMER_NEW",
            "stream_id": "JETSTREAM_STREAM_ORDERS",
            "durable_name": "NEW",
            "description": "",
            "metadata": {},
            "delivery_subject": "",
            "delivery_group": "",
            "deliver_all": true,
            "deliver_last": false,
            "deliver_new": false,
            "deliver_last_per_subject": false,
            "stream_sequence": 0,
            "start_time": "",
            "ack_policy": "explicit",
            "ack_wait": 30,
            "max_delivery": -1,
            "filter_subject": "ORDERS.received",
            "filter_subjects": [],
            "replay_policy": "instant",
            "sample_freq": 100,
            "ratelimit": 0,
            "max_ack_pending": 20000,
            "heartbeat": 0,
            "flow_control": false,
            "max_waiting": 512,
            "headers_only": false,
            "max_batch": 0,
            "max_expires": 0,
            "max_bytes": 0,
            "inactive_threshold": 0,
            "replicas": 0,
            "memory": false,
            "backoff": [],
            "timeouts": null
        })
    }

    fn source(provider: &str) -> MoveSource {
        MoveSource {
            provider_address: provider.into(),
            type_name: OFFICIAL_TYPE.into(),
            schema_version: 0,
            state: official_state(),
        }
    }

    #[test]
    fn official_state_becomes_ours() {
        let model = from_official(&source(OFFICIAL_PROVIDER)).unwrap().unwrap();
        assert_eq!(
            model.stream_id,
            Field::Known("JETSTREAM_STREAM_ORDERS".into())
        );
        assert_eq!(model.stream().name, "ORDERS");
        assert_eq!(
            model.id,
            Field::Known("JETSTREAM_STREAM_ORDERS_CONSUMER_NEW".into())
        );
        assert_eq!(model.description, Field::Null);
        assert_eq!(model.metadata, Field::Null);
        assert_eq!(model.delivery_subject, Field::Null);
        assert_eq!(model.backoff, Field::Null);
        assert_eq!(model.filter_subject, Field::Known("ORDERS.received".into()));
        assert_eq!(model.deliver_all, Field::Known(true));
        assert_eq!(model.ack_policy, Field::Known(AckPolicy::Explicit));
        assert_eq!(model.max_waiting, Field::Known(512));
        assert_eq!(model.sample_freq, Field::Known(100));
        // Attributes the official provider does not have are left out.
        assert_eq!(model.priority_policy, Field::Null);
        assert_eq!(model.pause_until, Field::Null);
    }

    #[test]
    fn other_sources_are_not_ours_to_take() {
        assert!(from_official(&source("registry.terraform.io/acme/other")).is_none());
    }
}
