//! Pieces most tests need: the provider block pointing at a server, and natsforge's
//! own JetStream client for checking what the server holds without Terraform.

use crate::{
    provider_binary, wait_until, NatsServer, NatsServerBuilder, Terraform, PROVIDER_ADDRESS,
};
use natsforge::nats::{connect, ConnectOptions, ConnectionSettings, JetStreamApi, Secret};
use std::future::Future;
use std::path::Path;
use std::time::Duration;

/// `terraform { required_providers { nats } }` and a `provider "nats"` for `server`.
pub fn provider_config(server: &NatsServer) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers = "{}"
}}
"#,
        server.client_url()
    )
}

/// Runs async client code from a synchronous test.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the test")
        .block_on(future)
}

/// JetStream of `server` (in `domain`, or its own), through natsforge's client.
pub async fn jetstream(server: &NatsServer, domain: Option<&str>) -> JetStreamApi {
    let client = connect(&ConnectOptions {
        servers: vec![server.client_url().to_string()],
        ..ConnectOptions::default()
    })
    .await
    .expect("connecting to the test server");
    JetStreamApi::new(client, domain.map(str::to_string))
}

/// Makes `tf` run with our own binary standing in for the official provider
/// `nats-io/jetstream`: Terraform refuses to plan while a provider named in the state
/// is missing, even when a `moved` block hands the state to our resources (whose
/// MoveResourceState does the work).
pub fn official_provider_stand_in(tf: Terraform) -> Terraform {
    let ours = provider_binary().expect("the provider binary");
    let stand_in = tf.dir().join("stand-in");
    std::fs::create_dir_all(&stand_in).expect("a directory for the stand-in");
    std::os::unix::fs::symlink(&ours, stand_in.join("terraform-provider-jetstream"))
        .expect("the stand-in link");
    let cli_config = tf.dir().join("cli.tfrc");
    let ours_dir = ours.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_ADDRESS}\" = \"{}\"\n    \"registry.terraform.io/nats-io/jetstream\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            ours_dir.display(),
            stand_in.display()
        ),
    )
    .expect("the CLI configuration");
    tf.with_env("TF_CLI_CONFIG_FILE", &cli_config)
}

/// Connection options for `server_url` authenticating with the text of a creds file.
pub fn creds_options(server_url: &str, creds: &str) -> ConnectOptions {
    ConnectionSettings {
        servers: vec![server_url.to_owned()],
        credentials: Some(Secret::new(creds)),
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
    .into_options()
    .expect("valid connection settings")
}

/// A hub in JetStream domain `hub` and a leaf in domain `leaf`, joined by a leaf node
/// connection that is up when this returns.
pub fn hub_and_leaf() -> (NatsServer, NatsServer) {
    let hub = NatsServerBuilder::new()
        .server_name("hub")
        .domain("hub")
        .leafnode_listen()
        .start()
        .expect("the hub starts");
    let leaf = NatsServerBuilder::new()
        .server_name("leaf")
        .domain("leaf")
        .extra(&format!(
            "leafnodes {{ remotes [ {{ url: \"{}\" }} ] }}",
            hub.leafnode_url()
        ))
        .start()
        .expect("the leaf starts");
    let joined = wait_until(Duration::from_secs(10), || {
        hub.monitor_json("/leafz")
            .is_ok_and(|leafz| leafz["leafnodes"] == 1)
    });
    assert!(joined, "hub log:\n{}\nleaf log:\n{}", hub.log(), leaf.log());
    (hub, leaf)
}
