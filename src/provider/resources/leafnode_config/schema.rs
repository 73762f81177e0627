//! # Resource `nats_leafnode_config`: its arguments and the typed model.
//!
//! Names follow nats-server's own configuration keys, so a reader of the NATS docs
//! recognises every attribute.

use super::rules::{
    ADVERTISE, CLIENT_LISTEN, CREDS_PATH, FILE_PATH, INCLUDE, LEAF_URL, LISTEN, NAME,
    OPERATOR_CONFIG, ROUTE_URL,
};
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::validators::{int_at_least, Each, StringRule};
use crate::framework::Field;
use crate::nats::leafnodes::Compression;
use crate::provider::resources::auth_common::{ACCOUNT_KEY, DURATION};
use crate::provider::rules::{DOMAIN, SUBJECT};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// No `Debug`: remotes carry creds. Every argument is a [`Field`]: plan-time code and
/// rules tell a value left out from one not known yet.
#[derive(Default, Clone, Serialize, Deserialize)]
pub struct LeafnodeConfigModel {
    pub id: Field<String>,
    pub server_name: Field<String>,
    pub listen: Field<String>,
    pub http: Field<String>,
    pub jetstream: Field<JetStreamModel>,
    pub operator_config: Field<String>,
    pub leafnodes: Field<HubModel>,
    pub remote: Field<Vec<RemoteModel>>,
    pub cluster: Field<ClusterModel>,
    pub includes: Field<Vec<String>>,
    pub path: Field<String>,
    pub reload: Field<bool>,
    pub connect_timeout: Field<String>,
    pub content: Field<String>,
    pub content_sha256: Field<String>,
    pub files: Field<BTreeMap<String, String>>,
    pub connections: Field<Vec<ConnectionModel>>,
}

impl LeafnodeConfigModel {
    /// The `remote` blocks, when known.
    pub fn remotes(&self) -> &[RemoteModel] {
        self.remote.known().map(Vec::as_slice).unwrap_or_default()
    }
}

#[derive(Default, Clone, Serialize, Deserialize)]
pub struct JetStreamModel {
    pub domain: Field<String>,
    pub store_dir: Field<String>,
    pub max_memory: Field<i64>,
    pub max_file: Field<i64>,
}

#[derive(Default, Clone, Serialize, Deserialize)]
pub struct HubModel {
    pub listen: Field<String>,
    pub advertise: Field<String>,
    pub tls: Field<TlsModel>,
}

#[derive(Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct TlsModel {
    pub cert_file: Field<String>,
    pub key_file: Field<String>,
    pub ca_file: Field<String>,
    pub verify: Field<bool>,
}

#[derive(Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct RemoteModel {
    pub urls: Field<Vec<String>>,
    pub account: Field<String>,
    pub credentials: Field<String>,
    pub credentials_file: Field<String>,
    pub deny_imports: Field<Vec<String>>,
    pub deny_exports: Field<Vec<String>>,
    pub tls: Field<TlsModel>,
    /// One of [`Compression`]'s names (checked by the schema). Not the enum itself:
    /// the framework reads the whole configuration as this model before running the
    /// rules, and a name the schema already refused must not make that read fail.
    pub compression: Field<String>,
    pub hub: Field<bool>,
    pub disabled: Field<bool>,
}

impl RemoteModel {
    pub fn urls(&self) -> &[String] {
        self.urls.known().map(Vec::as_slice).unwrap_or_default()
    }

    pub fn account(&self) -> Option<&str> {
        self.account.known().map(String::as_str)
    }
}

#[derive(Default, Clone, Serialize, Deserialize)]
pub struct ClusterModel {
    pub name: Field<String>,
    pub listen: Field<String>,
    pub routes: Field<Vec<String>>,
}

#[derive(Default, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectionModel {
    pub remote: Option<String>,
    pub account: Option<String>,
    pub connected: Option<bool>,
}

fn creds_rule(text: &str) -> Result<(), String> {
    crate::nats::jwt::parse_creds(text)
        .map(drop)
        .map_err(|e| format!("is not a user creds file: {e}"))
}

/// Inline creds: a user JWT and that user's seed (never echoed in messages).
const USER_CREDS: StringRule = StringRule {
    allowed: "user creds text (a user JWT and its `SU...` seed), e.g. a `nats_nkey_user`'s `creds`",
    rule: creds_rule,
};

fn tls_attribute() -> Attribute {
    let path = |name: &str, what: &str| {
        Attribute::string(name)
            .optional()
            .validate(FILE_PATH)
            .description(what)
    };
    Attribute::nested(
        "tls",
        Nesting::Single,
        vec![
            path("cert_file", "PEM certificate file."),
            path("key_file", "PEM private key file."),
            path("ca_file", "PEM file of the CAs to trust."),
            Attribute::bool("verify")
                .optional()
                .description("Require and verify the peer's certificate."),
        ],
    )
    .optional()
    .description("TLS for this listener or connection (files are read by nats-server).")
}

fn remote_block() -> NestedBlock {
    let subjects = |name: &str, what: &str| {
        Attribute::string_list(name)
            .optional()
            .validate(Each(SUBJECT))
            .description(what)
    };
    NestedBlock::new(
        "remote",
        Nesting::List,
        Block::new("A leaf node connection this server makes to a hub (`leafnodes.remotes`).")
            .attribute(
                Attribute::string_list("urls")
                    .optional()
                    .validate(Each(LEAF_URL))
                    .description("Hub URLs (`nats-leaf://host:7422`, `tls://...`, `ws://...`); one is tried after another. Required."),
            )
            .attribute(
                Attribute::string("account")
                    .optional()
                    .validate(ACCOUNT_KEY)
                    .description("The local account (`A...` public key) this connection binds to. Unset: the server's default account."),
            )
            .attribute(
                Attribute::string("credentials")
                    .optional()
                    .sensitive()
                    .validate(USER_CREDS)
                    .description("Creds of a hub user (e.g. a `nats_nkey_user`'s `creds`), written beside the configuration file with mode 0600. Needs `path`."),
            )
            .attribute(
                Attribute::string("credentials_file")
                    .optional()
                    .validate(CREDS_PATH)
                    .description("Path of a creds file nats-server reads instead."),
            )
            .attribute(subjects("deny_imports", "Subjects not taken from the hub."))
            .attribute(subjects("deny_exports", "Subjects not sent to the hub."))
            .attribute(tls_attribute())
            .attribute(
                Attribute::enumeration::<Compression>("compression")
                    .optional()
                    .description("S2 compression of this connection."),
            )
            .attribute(
                Attribute::bool("hub")
                    .optional()
                    .description("This server acts as the hub of the connection (the far end is the spoke)."),
            )
            .attribute(
                Attribute::bool("disabled")
                    .optional()
                    .description("Keep the remote configured but do not connect; it is not waited for."),
            ),
    )
}

pub fn schema() -> Schema {
    Schema::new(
        "The nats-server configuration of a server in a leaf node topology: hub side \
         (`leafnodes`), leaf side (`remote` blocks) or both, with what such a server needs \
         around it. Rendered offline into `content`; written to `path` when set.",
    )
    .attribute(Attribute::string("id").computed().description("The server name."))
    .attribute(
        Attribute::string("server_name")
            .required()
            .validate(NAME)
            .description("The server's name: unique in the topology (a leaf connection to a server of the same name is refused); used to find the server over `$SYS`."),
    )
    .attribute(
        Attribute::string("listen")
            .optional()
            .validate(CLIENT_LISTEN)
            .description("Client listener, `host:port` (e.g. `127.0.0.1:4222`)."),
    )
    .attribute(
        Attribute::string("http")
            .optional()
            .validate(LISTEN)
            .description("Monitoring listener, `host:port`."),
    )
    .attribute(
        Attribute::nested(
            "jetstream",
            Nesting::Single,
            vec![
                Attribute::string("domain")
                    .optional()
                    .validate(DOMAIN)
                    .description("The JetStream domain, e.g. `leaf`: streams of other domains are reached as `$JS.<domain>.API`. Cannot change by reload."),
                Attribute::string("store_dir")
                    .optional()
                    .validate(FILE_PATH)
                    .description("Where JetStream stores its data."),
                Attribute::number("max_memory")
                    .optional()
                    .validate(int_at_least(0))
                    .description("Memory storage limit, in bytes."),
                Attribute::number("max_file")
                    .optional()
                    .validate(int_at_least(0))
                    .description("File storage limit, in bytes."),
            ],
        )
        .optional()
        .description("Turns JetStream on."),
    )
    .attribute(
        Attribute::string("operator_config")
            .optional()
            .validate(OPERATOR_CONFIG)
            .description("Operator mode: a `nats_nkey_operator`'s `server_config` (operator JWT, system account, resolver and preloaded accounts), included as is."),
    )
    .attribute(
        Attribute::nested(
            "leafnodes",
            Nesting::Single,
            vec![
                Attribute::string("listen")
                    .required()
                    .validate(LISTEN)
                    .description("Where leaf nodes connect, `host:port` (`7422` is the NATS default)."),
                Attribute::string("advertise")
                    .optional()
                    .validate(ADVERTISE)
                    .description("The `host:port` told to leaf nodes, when it differs (NAT, containers)."),
                tls_attribute(),
            ],
        )
        .optional()
        .description("Hub side: accept leaf node connections."),
    )
    .attribute(
        Attribute::nested(
            "cluster",
            Nesting::Single,
            vec![
                Attribute::string("name")
                    .required()
                    .validate(NAME)
                    .description("The cluster's name, the same on every server of the cluster."),
                Attribute::string("listen")
                    .required()
                    .validate(LISTEN)
                    .description("Route listener, `host:port`."),
                Attribute::string_list("routes")
                    .optional()
                    .validate(Each(ROUTE_URL))
                    .description("Routes to the other servers (`nats-route://host:6222`); listing this server's own address too is fine, so every server can take the same list."),
            ],
        )
        .optional()
        .description("A cluster this server is part of."),
    )
    .attribute(
        Attribute::string_list("includes")
            .optional()
            .validate(Each(INCLUDE))
            .description("Other configuration files included at the end. nats-server resolves every include against the directory of the configuration file, even a path starting with `/`."),
    )
    .attribute(
        Attribute::string("path")
            .optional()
            .validate(FILE_PATH)
            .description("Where to write the configuration (atomically, mode 0600). Unset: only `content` is produced. A file changed or removed outside Terraform shows in the next plan."),
    )
    .attribute(
        Attribute::bool("reload")
            .default(true)
            .description("When the provider has `system_credentials` for this server: ask it to reload after each write, then wait until every enabled remote is connected."),
    )
    .attribute(
        Attribute::string("connect_timeout")
            .default("30s")
            .validate(DURATION)
            .description("How long to wait for the remotes to connect after a reload."),
    )
    .attribute(
        Attribute::string("content")
            .computed()
            .sensitive()
            .description("The configuration text. Sensitive because remote URLs may carry passwords; creds are never in it (they go to files beside it)."),
    )
    .attribute(Attribute::string("content_sha256").computed().description("SHA-256 (hex) of `content`."))
    .attribute(
        Attribute::string_map("files")
            .computed()
            .description("Every file written (the configuration and the creds beside it) with its SHA-256; read back from disk, so an edit outside Terraform is drift."),
    )
    .attribute(
        Attribute::nested(
            "connections",
            Nesting::List,
            vec![
                Attribute::string("remote").computed().description("The remote's first URL, without any password."),
                Attribute::string("account").computed().description("The local account the connection is bound to."),
                Attribute::bool("connected").computed().description("Whether LEAFZ lists the connection."),
            ],
        )
        .computed()
        .description("Live state of each enabled remote, from the server's LEAFZ (needs `system_credentials` and `reload`); null otherwise. A remote that is down makes the next plan an update that reloads and waits again. Round-trip times change on every read, so they are not kept in state: read them with the `nats_leafnodes` data source."),
    )
    .block(remote_block())
}
