//! # Data source `nats_leafnodes`
//!
//! A server's leaf node connections as its `LEAFZ` reports them, asked over `$SYS`
//! (needs `system_credentials` on the provider). The server is found by
//! `server_name`, or is the one this provider instance is connected to.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::value::AttributePath;
use crate::framework::DataSource;
use crate::nats::leafnodes::LeafnodeError;
use crate::nats::server_info;
use crate::provider::client::NatsClient;
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub struct LeafnodesDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LeafnodesModel {
    server_name: Option<String>,
    server_id: Option<String>,
    leafnodes: Option<u64>,
    connections: Option<Vec<LeafModel>>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct LeafModel {
    name: String,
    is_spoke: bool,
    account: String,
    ip: String,
    port: u64,
    rtt: String,
    in_msgs: u64,
    out_msgs: u64,
    in_bytes: u64,
    out_bytes: u64,
    subscriptions: u64,
    compression: String,
}

fn connection_attributes() -> Vec<Attribute> {
    let text = |name: &str, what: &str| Attribute::string(name).computed().description(what);
    let figure = |name: &str, what: &str| Attribute::number(name).computed().description(what);
    vec![
        text("name", "The server name of the far end."),
        Attribute::bool("is_spoke").computed().description(
            "True when this server made the connection (a `remote`), false when it accepted it (hub side).",
        ),
        text("account", "The local account the connection is bound to."),
        text("ip", "The far end's address."),
        figure("port", "The far end's port."),
        text("rtt", "Round-trip time, e.g. `1.2ms`."),
        figure("in_msgs", "Messages received over the connection."),
        figure("out_msgs", "Messages sent over the connection."),
        figure("in_bytes", "Bytes received."),
        figure("out_bytes", "Bytes sent."),
        figure("subscriptions", "Subscriptions the connection carries."),
        text("compression", "The compression mode in use."),
    ]
}

impl DataSource for LeafnodesDataSource {
    type Client = NatsClient;
    type Model = LeafnodesModel;

    fn type_name(&self) -> &'static str {
        "nats_leafnodes"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "A server's leaf node connections, from its LEAFZ over `$SYS`. Needs \
             `system_credentials` on the provider.",
        )
        .attribute(
            Attribute::string("server_name")
                .optional()
                .computed()
                .description(
                    "The server to ask. Unset: the server this provider instance is connected to.",
                ),
        )
        .attribute(
            Attribute::string("server_id")
                .computed()
                .description("The server's id (`N...`)."),
        )
        .attribute(
            Attribute::number("leafnodes")
                .computed()
                .description("How many leaf node connections it has."),
        )
        .attribute(
            Attribute::nested("connections", Nesting::List, connection_attributes())
                .computed()
                .description("Each leaf node connection."),
        )
    }

    async fn read(
        &self,
        client: &NatsClient,
        config: LeafnodesModel,
    ) -> Result<LeafnodesModel, Diagnostics> {
        let Some(system) = client.system().await? else {
            return Err(Diagnostic::error(
                "System credentials needed",
                "LEAFZ is asked over $SYS: set `system_credentials` (or `system_credentials_data`) on the provider.",
            )
            .into());
        };
        let name = match config.server_name {
            Some(name) => name,
            None => server_info(&client.connection().await?).server_name,
        };
        let (server, leafz) = system
            .leafz_of(&name, Duration::from_millis(300))
            .await
            .map_err(|error| {
                let diagnostic = Diagnostic::error("Cannot read LEAFZ", error.to_string());
                match error {
                    LeafnodeError::ServerNotFound { .. } | LeafnodeError::DuplicateName { .. } => {
                        Diagnostics::from(diagnostic.at(AttributePath::attr("server_name")))
                    }
                    _ => Diagnostics::from(diagnostic),
                }
            })?;
        Ok(LeafnodesModel {
            server_name: Some(server.name),
            server_id: Some(server.id),
            leafnodes: Some(leafz.leafnodes),
            connections: Some(
                leafz
                    .leafs
                    .into_iter()
                    .map(|leaf| LeafModel {
                        name: leaf.name,
                        is_spoke: leaf.is_spoke,
                        account: leaf.account,
                        ip: leaf.ip,
                        port: u64::from(leaf.port),
                        rtt: leaf.rtt,
                        in_msgs: leaf.in_msgs,
                        out_msgs: leaf.out_msgs,
                        in_bytes: leaf.in_bytes,
                        out_bytes: leaf.out_bytes,
                        subscriptions: leaf.subscriptions,
                        compression: leaf.compression,
                    })
                    .collect(),
            ),
        })
    }
}
