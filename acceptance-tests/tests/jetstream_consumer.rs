//! `nats_jetstream_consumer` against a real JetStream server: create and check what the
//! server holds, converge, update in place, replace where the server refuses, drift
//! both ways, import in every accepted form, `moved` from the official provider,
//! `terraform query`, destroy.

use acceptance_tests::{
    provider_binary, NatsServer, NatsServerBuilder, Terraform, PROVIDER_ADDRESS,
};
use natsforge::nats::jetstream::{
    AckPolicy, ConsumerConfig, ConsumerInfo, DeliverPolicy, PriorityPolicy,
};
use natsforge::nats::{connect, ConnectOptions, JetStreamApi};

fn with_api<T>(
    server: &NatsServer,
    domain: Option<&str>,
    work: impl AsyncFnOnce(JetStreamApi) -> T,
) -> T {
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
            work(JetStreamApi::new(client, domain.map(str::to_string))).await
        })
}

/// What the server holds, read with natsforge's own client (not through Terraform).
fn server_consumer(server: &NatsServer, stream: &str, name: &str) -> Option<ConsumerInfo> {
    with_api(server, None, async |api| {
        api.consumer_info(stream, name).await.unwrap()
    })
}

fn terraform_for(server: &NatsServer, resources: &str) -> Terraform {
    let tf = Terraform::new().unwrap();
    write_config(&tf, server, resources);
    tf
}

fn write_config(tf: &Terraform, server: &NatsServer, resources: &str) {
    tf.write_file(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    nats = {{ source = \"natsforge/nats\" }}\n  }}\n}}\n\nprovider \"nats\" {{\n  servers = \"{}\"\n}}\n\n{resources}\n",
            server.client_url()
        ),
    )
    .unwrap();
}

fn jetstream() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

fn plan_text(tf: &Terraform) -> String {
    tf.run_ok(&["plan", "-no-color"]).unwrap().stdout
}

const STREAM: &str = r#"
resource "nats_jetstream_stream" "orders" {
  name     = "ORDERS"
  subjects = ["orders.>"]
}
"#;

/// A pull consumer using most settings a pull consumer takes.
const PULL: &str = r#"
resource "nats_jetstream_consumer" "worker" {
  stream_id        = nats_jetstream_stream.orders.id
  durable_name     = "WORKER"
  description      = "does the work"
  metadata         = { team = "platform" }
  deliver_new      = true
  filter_subjects  = ["orders.new", "orders.paid"]
  backoff          = [2, 10]
  max_delivery     = 5
  max_ack_pending  = 100
  max_waiting      = 16
  max_batch        = 10
  max_expires      = 30
  max_bytes        = 1024
  inactive_threshold = 3600
  headers_only     = true
  sample_freq      = 50
  priority_groups  = ["jobs"]
  priority_policy  = "pinned_client"
  priority_timeout = 60
}
"#;

fn config(tf_resources: &str) -> String {
    format!("{STREAM}{tf_resources}")
}

#[test]
fn pull_consumer_lifecycle() {
    let server = jetstream();
    let tf = terraform_for(&server, &config(PULL));
    tf.apply().unwrap();

    let info = server_consumer(&server, "ORDERS", "WORKER").expect("created");
    let c = &info.config;
    assert_eq!(c.durable_name.as_deref(), Some("WORKER"));
    assert_eq!(c.description.as_deref(), Some("does the work"));
    assert_eq!(c.metadata.get("team").map(String::as_str), Some("platform"));
    assert_eq!(c.deliver_policy, DeliverPolicy::New);
    assert_eq!(c.ack_policy, AckPolicy::Explicit);
    assert_eq!(c.filter_subjects, vec!["orders.new", "orders.paid"]);
    assert_eq!(c.backoff, vec![2_000_000_000, 10_000_000_000]);
    assert_eq!(
        c.ack_wait, 2_000_000_000,
        "ack_wait follows the first backoff step"
    );
    assert_eq!(c.max_deliver, 5);
    assert_eq!(c.max_ack_pending, 100);
    assert_eq!(c.max_waiting, 16);
    assert_eq!(c.max_batch, 10);
    assert_eq!(c.max_expires, 30_000_000_000);
    assert_eq!(c.max_bytes, 1024);
    assert_eq!(
        c.inactive_threshold, 3_600_000_000_000,
        "seconds, not nanoseconds"
    );
    assert!(c.headers_only);
    assert_eq!(c.sample_freq.as_deref(), Some("50%"));
    assert_eq!(c.priority_groups, vec!["jobs"]);
    assert_eq!(c.priority_policy, PriorityPolicy::PinnedClient);
    assert_eq!(c.priority_timeout, 60_000_000_000);
    assert!(c.deliver_subject.is_none());
    tf.expect_no_changes().unwrap();
    tf.run_ok(&["apply", "-refresh-only", "-auto-approve"])
        .unwrap();
    tf.expect_no_changes().unwrap();

    // In place: description, limits, filters, a pause.
    let updated = PULL
        .replace("does the work", "does more work")
        .replace("max_ack_pending  = 100", "max_ack_pending  = 200")
        .replace(
            "filter_subjects  = [\"orders.new\", \"orders.paid\"]",
            "filter_subject   = \"orders.new\"\n  pause_until      = \"2099-01-01T00:00:00Z\"",
        );
    write_config(&tf, &server, &config(&updated));
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    let c = server_consumer(&server, "ORDERS", "WORKER").unwrap().config;
    assert_eq!(c.description.as_deref(), Some("does more work"));
    assert_eq!(c.max_ack_pending, 200);
    assert_eq!(c.filter_subject.as_deref(), Some("orders.new"));
    assert!(c.pause_until.is_some());
    tf.expect_no_changes().unwrap();

    // Replacement: the server never changes where a consumer starts, its ack policy,
    // or turns a pull consumer into a push consumer.
    for (from, to) in [
        ("deliver_new      = true", "deliver_last     = true"),
        ("deliver_new      = true", ""),
        ("max_waiting      = 16", "max_waiting      = 32"),
        (
            "headers_only     = true",
            "headers_only = true\n  ack_policy = \"all\"",
        ),
    ] {
        write_config(&tf, &server, &config(&updated.replace(from, to)));
        let plan = plan_text(&tf);
        assert!(plan.contains("must be replaced"), "{from} -> {to}: {plan}");
    }
    write_config(
        &tf,
        &server,
        &config(&updated.replace("deliver_new      = true", "")),
    );
    tf.apply().unwrap();
    let c = server_consumer(&server, "ORDERS", "WORKER").unwrap().config;
    assert_eq!(c.deliver_policy, DeliverPolicy::All);
    tf.expect_no_changes().unwrap();

    tf.destroy().unwrap();
    assert!(
        server_consumer(&server, "ORDERS", "WORKER").is_none(),
        "destroy leaves nothing"
    );
}
