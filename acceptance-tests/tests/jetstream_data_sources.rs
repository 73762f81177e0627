//! `nats_jetstream_stream`, `nats_jetstream_streams` and `nats_jetstream_consumer` data
//! sources against a real server with messages in it; their examples applied.

use acceptance_tests::{workspace_root, NatsServer, NatsServerBuilder, Terraform};
use natsforge::nats::jetstream::{ConsumerAction, ConsumerConfig, StreamConfig};
use natsforge::nats::{connect, ConnectOptions, JetStreamApi};
use serde_json::Value;

/// Streams ORDERS (3 messages, consumer NEW), ARCHIVE (a mirror of ORDERS) and LOGS.
fn populated_server() -> NatsServer {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let client = connect(&ConnectOptions {
                servers: vec![server.client_url().to_string()],
                ..ConnectOptions::default()
            })
            .await
            .unwrap();
            let api = JetStreamApi::new(client.clone(), None);
            let orders = StreamConfig {
                subjects: vec!["ORDERS.*".into()],
                max_msgs_per_subject: 100,
                allow_direct: false,
                ..StreamConfig::named("ORDERS")
            };
            api.create_stream(&orders).await.unwrap();
            api.create_stream(&StreamConfig {
                subjects: vec!["logs.>".into()],
                ..StreamConfig::named("LOGS")
            })
            .await
            .unwrap();
            api.create_stream(&StreamConfig {
                mirror: Some(natsforge::nats::jetstream::StreamSource::named("ORDERS")),
                allow_direct: false,
                ..StreamConfig::named("ARCHIVE")
            })
            .await
            .unwrap();
            let consumer = ConsumerConfig {
                filter_subject: Some("ORDERS.received".into()),
                ..ConsumerConfig::durable("NEW")
            };
            api.create_consumer("ORDERS", &consumer, ConsumerAction::Create)
                .await
                .unwrap();
            for subject in ["ORDERS.received", "ORDERS.received", "ORDERS.shipped"] {
                let ack = client
                    .request(subject.to_string(), "order".into())
                    .await
                    .unwrap();
                assert!(!ack.payload.is_empty());
            }
        });
    server
}

fn terraform_for(server: &NatsServer, body: &str) -> Terraform {
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    nats = {{ source = \"natsforge/nats\" }}\n  }}\n}}\n\nprovider \"nats\" {{\n  servers = \"{}\"\n}}\n\n{body}\n",
            server.client_url()
        ),
    )
    .unwrap();
    tf
}

fn output(tf: &Terraform, name: &str) -> Value {
    tf.output_json().unwrap()[name]["value"].clone()
}

fn example(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join("examples/data-sources").join(path)).unwrap()
}

#[test]
fn stream_streams_and_consumer_report_settings_and_live_state() {
    let server = populated_server();
    let tf = terraform_for(
        &server,
        r#"
data "nats_jetstream_stream" "orders" {
  name = "ORDERS"
}
data "nats_jetstream_stream" "archive" {
  name = "ARCHIVE"
}
data "nats_jetstream_streams" "all" {}
data "nats_jetstream_streams" "logs" {
  subject = "logs.>"
}
data "nats_jetstream_consumer" "new" {
  stream_id    = "JETSTREAM_STREAM_ORDERS"
  durable_name = "NEW"
}
output "orders" { value = data.nats_jetstream_stream.orders }
output "archive" { value = data.nats_jetstream_stream.archive }
output "all" { value = data.nats_jetstream_streams.all }
output "logs" { value = data.nats_jetstream_streams.logs.names }
output "consumer" { value = data.nats_jetstream_consumer.new }
"#,
    );
    tf.apply().unwrap();
    let orders = output(&tf, "orders");
    assert_eq!(orders["messages"], 3);
    assert_eq!(orders["first_seq"], 1);
    assert_eq!(orders["last_seq"], 3);
    assert_eq!(orders["num_subjects"], 2);
    assert_eq!(orders["consumer_count"], 1);
    assert_eq!(orders["subjects"], serde_json::json!(["ORDERS.*"]));
    assert!(orders["bytes"].as_u64().unwrap() > 0);
    assert!(orders["mirror_lag"].is_null());
    let config: Value = serde_json::from_str(orders["config_json"].as_str().unwrap()).unwrap();
    assert_eq!(config["max_msgs_per_subject"], 100);
    let archive = output(&tf, "archive");
    assert_eq!(archive["mirror"], "ORDERS");
    assert!(archive["mirror_lag"].is_u64(), "{archive}");

    let all = output(&tf, "all");
    assert_eq!(
        all["names"],
        serde_json::json!(["ARCHIVE", "LOGS", "ORDERS"])
    );
    assert_eq!(all["streams"][2]["messages"], 3);
    assert_eq!(output(&tf, "logs"), serde_json::json!(["LOGS"]));

    let consumer = output(&tf, "consumer");
    assert_eq!(consumer["num_pending"], 2, "two messages match its filter");
    assert_eq!(
        consumer["filter_subjects"],
        serde_json::json!(["ORDERS.received"])
    );
    assert_eq!(consumer["ack_policy"], "explicit");
    assert_eq!(consumer["deliver_policy"], "all");
    assert!(consumer["delivery_subject"].is_null());

    // A missing stream is an error, not an empty result.
    let missing = terraform_for(
        &server,
        "data \"nats_jetstream_stream\" \"x\" {\n  name = \"NOPE\"\n}\n",
    );
    let run = missing.run(["plan", "-no-color"]).unwrap();
    assert!(!run.success());
    assert!(run.stderr.contains("NOPE"), "{}", run.stderr);
}

#[test]
fn examples_apply() {
    let server = populated_server();
    let body = [
        "nats_jetstream_stream/data-source.tf",
        "nats_jetstream_streams/data-source.tf",
        "nats_jetstream_consumer/data-source.tf",
    ]
    .map(example)
    .join("\n");
    let tf = terraform_for(&server, &body);
    tf.apply().unwrap();
    assert_eq!(output(&tf, "orders_messages"), 3);
    assert_eq!(output(&tf, "orders_max_msgs_per_subject"), 100);
    assert_eq!(output(&tf, "order_streams"), serde_json::json!(["ORDERS"]));
    assert_eq!(output(&tf, "new_orders_pending"), 2);
}
