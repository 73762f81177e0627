//! Pieces most tests need: the provider block pointing at a server, and natsforge's
//! own JetStream client for checking what the server holds without Terraform.

use crate::NatsServer;
use natsforge::nats::{connect, ConnectOptions, JetStreamApi};
use std::future::Future;

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
