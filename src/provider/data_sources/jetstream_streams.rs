//! # Data source `nats_jetstream_streams`
//!
//! Every stream of a JetStream domain, optionally only those storing a subject, read
//! page by page through `STREAM.LIST`: their names, and each stream's settings and
//! state as the `nats_jetstream_stream` data source reports them.

use super::jetstream_stream::{summary_attributes, StreamSummary};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::DataSource;
use crate::provider::client::NatsClient;
use crate::provider::rules::{DOMAIN, SUBJECT};
use serde::{Deserialize, Serialize};

pub struct StreamsDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct StreamsModel {
    pub domain: Option<String>,
    pub subject: Option<String>,
    pub names: Option<Vec<String>>,
    /// Outputs only: never read from the configuration.
    #[serde(default, skip_deserializing)]
    pub streams: Option<Vec<StreamSummary>>,
}

impl DataSource for StreamsDataSource {
    type Client = NatsClient;
    type Model = StreamsModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_streams"
    }

    fn schema(&self) -> Schema {
        let mut stream = vec![Attribute::string("name")
            .computed()
            .description("The stream's name.")];
        stream.extend(summary_attributes());
        Schema::new("The streams of a JetStream domain, with their settings and state.")
            .attribute(
                Attribute::string("domain")
                    .optional()
                    .validate(DOMAIN)
                    .description(
                        "The JetStream domain; defaults to the provider's `jetstream_domain`.",
                    ),
            )
            .attribute(
                Attribute::string("subject")
                    .optional()
                    .validate(SUBJECT)
                    .description(
                    "Only streams storing messages on subjects this matches (may use wildcards).",
                ),
            )
            .attribute(
                Attribute::string_list("names")
                    .computed()
                    .description("The names of the streams, sorted."),
            )
            .attribute(
                Attribute::nested("streams", Nesting::List, stream)
                    .computed()
                    .description("Each stream's settings and state, in the order of `names`."),
            )
    }

    async fn read(
        &self,
        client: &NatsClient,
        config: StreamsModel,
    ) -> Result<StreamsModel, Diagnostics> {
        let api = client.jetstream(config.domain.as_deref()).await?;
        let mut streams = api
            .list_streams(config.subject.as_deref())
            .await
            .map_err(|e| {
                Diagnostics::from(Diagnostic::error("Cannot list streams", e.to_string()))
            })?;
        streams.sort_by(|a, b| a.config.name.cmp(&b.config.name));
        Ok(StreamsModel {
            names: Some(streams.iter().map(|s| s.config.name.clone()).collect()),
            streams: Some(streams.iter().map(StreamSummary::from_info).collect()),
            ..config
        })
    }
}
