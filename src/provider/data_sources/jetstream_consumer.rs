//! # Data source `nats_jetstream_consumer`
//!
//! One consumer as the server holds it now: its main settings, the whole configuration
//! as JSON (`config_json`), and its live state (pending, unacknowledged and
//! redelivered messages, how far it has delivered and been acknowledged). Fails when
//! the consumer or its stream does not exist.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::AttributePath;
use crate::framework::DataSource;
use crate::nats::jetstream::{
    duration_to_seconds, user_metadata, AckPolicy, ConsumerInfo, DeliverPolicy,
};

use crate::nats::JetStreamApi;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream_consumer::model::{StreamRef, STREAM_REF};
use crate::provider::rules::{DOMAIN, NAME};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub struct ConsumerDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ConsumerDataModel {
    pub stream_id: String,
    pub durable_name: String,
    pub domain: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub delivery_subject: Option<String>,
    pub delivery_group: Option<String>,
    pub deliver_policy: Option<DeliverPolicy>,
    pub ack_policy: Option<AckPolicy>,
    pub ack_wait: Option<i64>,
    pub max_delivery: Option<i64>,
    pub filter_subjects: Option<Vec<String>>,
    pub max_ack_pending: Option<i64>,
    pub max_waiting: Option<i64>,
    pub replicas: Option<i64>,
    pub memory: Option<bool>,
    pub paused: Option<bool>,
    pub pause_until: Option<String>,
    pub config_json: Option<String>,
    pub created: Option<String>,
    pub num_pending: Option<u64>,
    pub num_ack_pending: Option<u64>,
    pub num_redelivered: Option<u64>,
    pub num_waiting: Option<u64>,
    pub delivered_stream_seq: Option<u64>,
    pub ack_floor_stream_seq: Option<u64>,
}

fn outputs(info: &ConsumerInfo, query: ConsumerDataModel) -> ConsumerDataModel {
    let config = &info.config;
    let metadata = user_metadata(&config.metadata);
    let mut config_json = config.clone();
    config_json.metadata = metadata.clone();
    let filters: Vec<String> = config
        .filter_subject
        .iter()
        .filter(|f| !f.is_empty())
        .chain(config.filter_subjects.iter())
        .cloned()
        .collect();
    ConsumerDataModel {
        description: config.description.clone().filter(|d| !d.is_empty()),
        metadata: Some(metadata),
        delivery_subject: config.deliver_subject.clone().filter(|s| !s.is_empty()),
        delivery_group: config.deliver_group.clone().filter(|g| !g.is_empty()),
        deliver_policy: Some(config.deliver_policy),
        ack_policy: Some(config.ack_policy),
        ack_wait: Some(duration_to_seconds(config.ack_wait)),
        max_delivery: Some(config.max_deliver),
        filter_subjects: Some(filters),
        max_ack_pending: Some(config.max_ack_pending),
        max_waiting: Some(config.max_waiting),
        replicas: Some(config.num_replicas),
        memory: Some(config.mem_storage),
        paused: Some(info.paused),
        pause_until: config.pause_until.clone(),
        config_json: serde_json::to_string(&config_json).ok(),
        created: Some(info.created.clone()),
        num_pending: Some(info.num_pending),
        num_ack_pending: Some(info.num_ack_pending),
        num_redelivered: Some(info.num_redelivered),
        num_waiting: Some(info.num_waiting),
        delivered_stream_seq: Some(info.delivered.stream_seq),
        ack_floor_stream_seq: Some(info.ack_floor.stream_seq),
        ..query
    }
}

/// Which of the two is missing, pinned to the argument that names it.
async fn not_found(api: &JetStreamApi, stream: &str, name: &str) -> Diagnostic {
    match api.stream_info(stream).await {
        Ok(None) => Diagnostic::error(
            format!("Stream {stream} not found"),
            "No stream of that name exists in this JetStream domain (check `stream_id` and `domain`).",
        )
        .at(AttributePath::attr("stream_id")),
        _ => Diagnostic::error(
            format!("Consumer {name} of stream {stream} not found"),
            format!("Stream {stream} has no consumer named {name}."),
        )
        .at(AttributePath::attr("durable_name")),
    }
}

impl DataSource for ConsumerDataSource {
    type Client = NatsClient;
    type Model = ConsumerDataModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_consumer"
    }

    fn schema(&self) -> Schema {
        let text = |name: &str, doc: &str| Attribute::string(name).computed().description(doc);
        let figure = |name: &str, doc: &str| Attribute::number(name).computed().description(doc);
        Schema::new("One JetStream consumer as the server holds it now: settings and live state.")
            .attribute(Attribute::string("stream_id").required().validate(STREAM_REF).description(
                "The consumer's stream: its name, or a stream resource's `id` (which carries its domain).",
            ))
            .attribute(Attribute::string("durable_name").required().validate(NAME).description("The consumer's name."))
            .attribute(
                Attribute::string("domain")
                    .optional()
                    .validate(DOMAIN)
                    .description("The JetStream domain; defaults to the one in `stream_id`, else the provider's `jetstream_domain`."),
            )
            .attribute(text("description", "The consumer's description."))
            .attribute(Attribute::string_map("metadata").computed().description("User metadata (without the server's `_nats.*` keys)."))
            .attribute(text("delivery_subject", "Where a push consumer delivers; null for a pull consumer."))
            .attribute(text("delivery_group", "The queue group a push consumer delivers to."))
            .attribute(Attribute::enumeration::<DeliverPolicy>("deliver_policy").computed().description("Where it started."))
            .attribute(Attribute::enumeration::<AckPolicy>("ack_policy").computed().description("How messages are acknowledged."))
            .attribute(figure("ack_wait", "Seconds to wait for an acknowledgement."))
            .attribute(figure("max_delivery", "Most deliveries of one message; `-1` for unlimited."))
            .attribute(Attribute::string_list("filter_subjects").computed().description("Its filter subjects (`filter_subject` included)."))
            .attribute(figure("max_ack_pending", "Most unacknowledged messages."))
            .attribute(figure("max_waiting", "Pull consumers: most waiting pull requests."))
            .attribute(figure("replicas", "Replicas of its state (`0`: the stream's)."))
            .attribute(Attribute::bool("memory").computed().description("Whether its state is kept in memory."))
            .attribute(Attribute::bool("paused").computed().description("Whether it is paused now."))
            .attribute(text("pause_until", "Until when it is paused."))
            .attribute(text("config_json", "The whole configuration as the server returns it (JSON, nanoseconds), for `jsondecode`."))
            .attribute(text("created", "When it was created (RFC 3339)."))
            .attribute(figure("num_pending", "Messages not yet delivered."))
            .attribute(figure("num_ack_pending", "Messages delivered and not yet acknowledged."))
            .attribute(figure("num_redelivered", "Messages delivered more than once."))
            .attribute(figure("num_waiting", "Pull requests waiting."))
            .attribute(figure("delivered_stream_seq", "Stream sequence of the last delivered message."))
            .attribute(figure("ack_floor_stream_seq", "Stream sequence up to which everything is acknowledged."))
    }

    async fn read(
        &self,
        client: &NatsClient,
        query: ConsumerDataModel,
    ) -> Result<ConsumerDataModel, Diagnostics> {
        let stream = StreamRef::parse(&query.stream_id)
            .map_err(|e| Diagnostics::from(Diagnostic::error("Invalid stream_id", e)))?;
        let domain = query.domain.clone().or(stream.domain);
        let name = query.durable_name.clone();
        let api = client.jetstream(domain.as_deref()).await?;
        let stream_name = stream.name;
        let read = api.consumer_info(&stream_name, &name).await.map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                format!("Cannot read consumer {name} of stream {stream_name}"),
                e.to_string(),
            ))
        })?;
        let Some(info) = read else {
            return Err(not_found(&api, &stream_name, &name).await.into());
        };
        Ok(outputs(&info, query))
    }
}
