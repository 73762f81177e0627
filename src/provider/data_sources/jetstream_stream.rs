//! # Data source `nats_jetstream_stream`
//!
//! One stream as the server holds it now: its main settings, the whole configuration
//! as JSON (`config_json`, the server's own field names and units), and its live state
//! (messages, bytes, first and last sequence, consumers, and how far a mirror or each
//! source lags behind its origin). Fails when the stream does not exist.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::Type;
use crate::framework::DataSource;
use crate::nats::jetstream::{duration_to_seconds, user_metadata, StreamInfo};
use crate::provider::client::NatsClient;
use crate::provider::rules::{DOMAIN, NAME};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub struct StreamDataSource;

/// A stream's settings and state; the `nats_jetstream_streams` data source lists these.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StreamSummary {
    pub name: String,
    pub description: Option<String>,
    pub subjects: Option<Vec<String>>,
    pub retention: Option<String>,
    pub storage: Option<String>,
    pub replicas: Option<i64>,
    pub max_msgs: Option<i64>,
    pub max_bytes: Option<i64>,
    pub max_age: Option<i64>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub mirror: Option<String>,
    pub sources: Option<Vec<String>>,
    pub config_json: Option<String>,
    pub created: Option<String>,
    pub messages: Option<u64>,
    pub bytes: Option<u64>,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    pub first_ts: Option<String>,
    pub last_ts: Option<String>,
    pub num_subjects: Option<u64>,
    pub consumer_count: Option<u64>,
    pub mirror_lag: Option<u64>,
    pub source_lag: Option<BTreeMap<String, u64>>,
}

/// Reads only the arguments (`name`, `domain`): serde's `flatten` cannot read the
/// exact numbers the framework passes, and the other attributes are outputs.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(from = "StreamQuery")]
pub struct StreamDataModel {
    pub domain: Option<String>,
    #[serde(flatten)]
    pub stream: StreamSummary,
}

#[derive(Deserialize)]
struct StreamQuery {
    name: String,
    domain: Option<String>,
}

impl From<StreamQuery> for StreamDataModel {
    fn from(query: StreamQuery) -> Self {
        StreamDataModel {
            domain: query.domain,
            stream: StreamSummary {
                name: query.name,
                ..StreamSummary::default()
            },
        }
    }
}

fn word<T: Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
}

impl StreamSummary {
    pub fn from_info(info: &StreamInfo) -> Self {
        let config = &info.config;
        let state = &info.state;
        StreamSummary {
            name: config.name.clone(),
            description: config.description.clone().filter(|d| !d.is_empty()),
            subjects: Some(config.subjects.clone()),
            retention: word(&config.retention),
            storage: word(&config.storage),
            replicas: Some(config.num_replicas),
            max_msgs: Some(config.max_msgs),
            max_bytes: Some(config.max_bytes),
            max_age: Some(duration_to_seconds(config.max_age)),
            metadata: Some(user_metadata(&config.metadata)),
            mirror: config.mirror.as_ref().map(|m| m.name.clone()),
            sources: Some(config.sources.iter().map(|s| s.name.clone()).collect()),
            config_json: serde_json::to_string(&config.clone().without_server_metadata()).ok(),
            created: Some(info.created.clone()),
            messages: Some(state.messages),
            bytes: Some(state.bytes),
            first_seq: Some(state.first_seq),
            last_seq: Some(state.last_seq),
            first_ts: Some(state.first_ts.clone()).filter(|t| !t.is_empty()),
            last_ts: Some(state.last_ts.clone()).filter(|t| !t.is_empty()),
            num_subjects: Some(state.num_subjects),
            consumer_count: Some(state.consumer_count),
            mirror_lag: info.mirror.as_ref().map(|m| m.lag),
            source_lag: Some(
                info.sources
                    .iter()
                    .map(|s| (s.name.clone(), s.lag))
                    .collect(),
            ),
        }
    }
}

/// The computed attributes describing one stream (shared with `nats_jetstream_streams`).
pub fn summary_attributes() -> Vec<Attribute> {
    let text = |name: &str, doc: &str| Attribute::string(name).computed().description(doc);
    let figure = |name: &str, doc: &str| Attribute::number(name).computed().description(doc);
    vec![
        text("description", "The stream's description."),
        Attribute::string_list("subjects").computed().description("The subjects it stores."),
        text("retention", "`limits`, `interest` or `workqueue`."),
        text("storage", "`file` or `memory`."),
        figure("replicas", "Copies kept in the cluster."),
        figure("max_msgs", "Most messages kept; `-1` for unlimited."),
        figure("max_bytes", "Most bytes kept; `-1` for unlimited."),
        figure("max_age", "Oldest message kept, in seconds; `0` for no limit."),
        Attribute::string_map("metadata").computed().description("User metadata (without the server's `_nats.*` keys)."),
        text("mirror", "The stream it mirrors, if any."),
        Attribute::string_list("sources").computed().description("The streams it sources from."),
        text("config_json", "The whole configuration as the server returns it (JSON, nanoseconds), for `jsondecode`."),
        text("created", "When it was created (RFC 3339)."),
        figure("messages", "Messages stored now."),
        figure("bytes", "Bytes stored now."),
        figure("first_seq", "Sequence of the first stored message."),
        figure("last_seq", "Sequence of the last stored message."),
        text("first_ts", "Time of the first stored message."),
        text("last_ts", "Time of the last stored message."),
        figure("num_subjects", "Distinct subjects stored."),
        figure("consumer_count", "Consumers of the stream."),
        figure("mirror_lag", "Messages the mirror is behind its origin; null without a mirror."),
        Attribute::new("source_lag", Type::map(Type::Number)).computed().description("Messages each source is behind, by source stream name."),
    ]
}

impl DataSource for StreamDataSource {
    type Client = NatsClient;
    type Model = StreamDataModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_stream"
    }

    fn schema(&self) -> Schema {
        let mut schema = Schema::new(
            "One JetStream stream as the server holds it now: settings and live state.",
        )
        .attribute(
            Attribute::string("name")
                .required()
                .validate(NAME)
                .description("The stream's name."),
        )
        .attribute(
            Attribute::string("domain")
                .optional()
                .validate(DOMAIN)
                .description(
                    "The JetStream domain; defaults to the provider's `jetstream_domain`.",
                ),
        );
        for attribute in summary_attributes() {
            schema = schema.attribute(attribute);
        }
        schema
    }

    async fn read(
        &self,
        client: &NatsClient,
        config: StreamDataModel,
    ) -> Result<StreamDataModel, Diagnostics> {
        let name = config.stream.name.clone();
        let api = client.jetstream(config.domain.as_deref()).await?;
        let info = api
            .stream_info(&name)
            .await
            .map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    format!("Cannot read stream {name}"),
                    e.to_string(),
                ))
            })?
            .ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    format!("Stream {name} not found"),
                    "No stream of that name exists in this JetStream domain.",
                ))
            })?;
        Ok(StreamDataModel {
            domain: config.domain,
            stream: StreamSummary::from_info(&info),
        })
    }
}
