//! # Data source `nats_server`
//!
//! The NATS server this provider instance is connected to: who it is, which version it
//! runs, whether it offers JetStream and in which domain. With `system_credentials` on
//! the provider it also reports live figures from the server's `VARZ` and `JSZ`.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::DataSource;
use crate::nats::jetstream::ErrorCode;
use crate::nats::{server_info, JetStreamError};
use crate::provider::client::NatsClient;
use serde::{Deserialize, Serialize};

pub struct ServerDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ServerModel {
    server_id: Option<String>,
    server_name: Option<String>,
    version: Option<String>,
    host: Option<String>,
    port: Option<u64>,
    cluster: Option<String>,
    max_payload: Option<u64>,
    jetstream: Option<bool>,
    jetstream_domain: Option<String>,
    jetstream_api_level: Option<u64>,
    statistics: Option<Statistics>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Statistics {
    connections: u64,
    total_connections: u64,
    subscriptions: u64,
    memory: i64,
    cpu: f64,
    in_msgs: u64,
    out_msgs: u64,
    leafnodes: u64,
    jetstream_memory_used: u64,
    jetstream_storage_used: u64,
    streams: u64,
    consumers: u64,
}

fn statistics_attributes() -> Vec<Attribute> {
    let figure = |name: &str, text: &str| Attribute::number(name).computed().description(text);
    vec![
        figure("connections", "Client connections open now."),
        figure(
            "total_connections",
            "Client connections accepted since the server started.",
        ),
        figure("subscriptions", "Subscriptions held by the server."),
        figure("memory", "Resident memory of the server process, in bytes."),
        figure("cpu", "CPU use of the server process, in percent."),
        figure("in_msgs", "Messages received since start."),
        figure("out_msgs", "Messages sent since start."),
        figure("leafnodes", "Leaf node connections open now."),
        figure(
            "jetstream_memory_used",
            "JetStream memory storage in use, in bytes.",
        ),
        figure(
            "jetstream_storage_used",
            "JetStream file storage in use, in bytes.",
        ),
        figure("streams", "JetStream streams on this server."),
        figure("consumers", "JetStream consumers on this server."),
    ]
}

impl DataSource for ServerDataSource {
    type Client = NatsClient;
    type Model = ServerModel;

    fn type_name(&self) -> &'static str {
        "nats_server"
    }

    fn schema(&self) -> Schema {
        let text = |name: &str, doc: &str| Attribute::string(name).computed().description(doc);
        Schema::new(
            "The NATS server this provider instance is connected to. Figures under \
             `statistics` need `system_credentials` on the provider; without them it is null.",
        )
        .attribute(text("server_id", "The server's unique id (`N...`)."))
        .attribute(text("server_name", "The server's name (`server_name` in its configuration)."))
        .attribute(text("version", "The nats-server version, e.g. `2.15.1`."))
        .attribute(text("host", "The host the server listens on for clients."))
        .attribute(Attribute::number("port").computed().description("The client port."))
        .attribute(text("cluster", "The cluster name, when the server is clustered."))
        .attribute(Attribute::number("max_payload").computed().description("Largest message payload the server accepts, in bytes."))
        .attribute(Attribute::bool("jetstream").computed().description("Whether the server runs JetStream."))
        .attribute(text("jetstream_domain", "The server's JetStream domain, when it has one."))
        .attribute(
            Attribute::number("jetstream_api_level")
                .computed()
                .description("The JetStream API level the server offers this account (from `$JS.API.INFO`); null when JetStream is not enabled for it."),
        )
        .attribute(
            Attribute::nested("statistics", Nesting::Single, statistics_attributes())
                .computed()
                .description("Live figures from `VARZ` and `JSZ` (needs `system_credentials`)."),
        )
    }

    async fn read(
        &self,
        client: &NatsClient,
        _config: ServerModel,
    ) -> Result<ServerModel, Diagnostics> {
        let connection = client.connection().await?;
        let summary = server_info(&connection);
        let mut model = ServerModel {
            server_id: Some(summary.server_id.clone()),
            server_name: Some(summary.server_name.clone()),
            version: Some(summary.version.clone()),
            host: Some(summary.host.clone()),
            port: Some(u64::from(summary.port)),
            cluster: summary.cluster.clone(),
            max_payload: Some(summary.max_payload as u64),
            jetstream: Some(summary.jetstream),
            jetstream_domain: summary.domain.clone(),
            ..ServerModel::default()
        };
        if summary.jetstream {
            // The connected server's own API, whatever the provider's default domain.
            let api = crate::nats::JetStreamApi::new(connection.clone(), None);
            match api.account_info().await {
                Ok(info) => {
                    model.jetstream_api_level = Some(info.api.level);
                    model.jetstream_domain = info.domain.or(model.jetstream_domain);
                }
                Err(error) if not_enabled_for_account(&error) => {}
                Err(error) => {
                    return Err(Diagnostic::error(
                        "Cannot read JetStream account information",
                        error.to_string(),
                    )
                    .into())
                }
            }
        }
        if let Some(system) = client.system().await? {
            let failed = |e: crate::nats::SystemError| {
                Diagnostics::from(Diagnostic::error(
                    "Cannot read server figures over $SYS",
                    e.to_string(),
                ))
            };
            let varz = system
                .varz(&summary.server_id)
                .await
                .and_then(|reply| reply.into_data("VARZ"))
                .map_err(failed)?;
            let jsz = if summary.jetstream {
                Some(
                    system
                        .jsz(&summary.server_id)
                        .await
                        .and_then(|reply| reply.into_data("JSZ"))
                        .map_err(failed)?,
                )
            } else {
                None
            };
            model.statistics = Some(Statistics {
                connections: varz.connections,
                total_connections: varz.total_connections,
                subscriptions: varz.subscriptions,
                memory: varz.mem,
                cpu: varz.cpu,
                in_msgs: varz.in_msgs,
                out_msgs: varz.out_msgs,
                leafnodes: varz.leafnodes,
                jetstream_memory_used: jsz.as_ref().map_or(0, |j| j.memory),
                jetstream_storage_used: jsz.as_ref().map_or(0, |j| j.storage),
                streams: jsz.as_ref().map_or(0, |j| j.streams),
                consumers: jsz.as_ref().map_or(0, |j| j.consumers),
            });
        }
        Ok(model)
    }
}

fn not_enabled_for_account(error: &JetStreamError) -> bool {
    matches!(
        error.err_code(),
        Some(ErrorCode::NOT_ENABLED_FOR_ACCOUNT | ErrorCode::NOT_ENABLED)
    )
}
