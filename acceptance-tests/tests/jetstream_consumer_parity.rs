//! `nats_jetstream_consumer` where it meets the official provider's users: errors that
//! name the stream, values the server sets itself planned as it will hold them
//! (`pinned_client` timeout, flow-control acks), a pause set outside Terraform kept,
//! and official import IDs that read two ways. Real terraform, real nats-server.

use acceptance_tests::{
    block_on, jetstream, terraform_with, write_main, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::{
    AckPolicy, ConsumerAction, ConsumerConfig, ConsumerInfo, StreamConfig,
};
use natsforge::nats::JetStreamApi;

fn with_api<T>(server: &NatsServer, work: impl AsyncFnOnce(JetStreamApi) -> T) -> T {
    block_on(async { work(jetstream(server, None).await).await })
}

fn server_consumer(server: &NatsServer, stream: &str, name: &str) -> Option<ConsumerInfo> {
    with_api(server, async |api| {
        api.consumer_info(stream, name).await.unwrap()
    })
}

/// The stream of the official provider's consumer tests.
const TEST_STREAM: &str = r#"
resource "nats_jetstream_stream" "test" {
  name     = "TEST"
  subjects = ["TEST.*"]
}
"#;

fn state_attribute(tf: &Terraform, address: &str, name: &str) -> serde_json::Value {
    let show = tf.show_json().unwrap();
    let resources = show["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let resource = resources
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in state: {show}"));
    resource["values"][name].clone()
}

#[test]
fn a_refused_create_names_the_stream_and_its_domain_and_keeps_the_servers_text() {
    // A server limit the plan cannot see: the server refuses at apply.
    let server = NatsServerBuilder::from_config(
        "listen: \"127.0.0.1:-1\"\nhttp: \"127.0.0.1:-1\"\njetstream {\n  store_dir: \"{{store_dir}}\"\n  domain: \"hub\"\n  limits { max_request_batch: 1 }\n}",
    )
    .start()
    .unwrap();
    // One consumer names its stream by the stream's id (which carries the domain), one
    // by name on the server's own domain.
    let config = r#"
resource "nats_jetstream_stream" "test" {
  name     = "TEST"
  subjects = ["TEST.*"]
  domain   = "hub"
}

resource "nats_jetstream_consumer" "TEST_C6" {
  stream_id      = nats_jetstream_stream.test.id
  durable_name   = "C6"
  deliver_all    = true
  filter_subject = "TEST.received"
  max_batch      = 100
}

resource "nats_jetstream_consumer" "TEST_C7" {
  stream_id    = "TEST"
  durable_name = "C7"
  max_batch    = 100
  depends_on   = [nats_jetstream_stream.test]
}
"#;
    let tf = terraform_with(&server, config);
    let error = tf.expect_apply_error().unwrap();
    let flat = error.split_whitespace().collect::<Vec<_>>().join(" ");
    for heading in [
        "Error: Cannot create consumer C6 of stream TEST in domain hub with nats_jetstream_consumer.TEST_C6",
        "Error: Cannot create consumer C7 of stream TEST with nats_jetstream_consumer.TEST_C7",
    ] {
        assert!(flat.contains(heading), "{heading}: {error}");
    }
    assert!(!flat.contains("JETSTREAM_STREAM_TEST"), "{error}");
    assert_eq!(
        flat.matches("consumer max request batch exceeds server limit of 1 (10125)")
            .count(),
        2,
        "{error}"
    );
    // Nothing was created, and state says so.
    assert!(server_consumer(&server, "TEST", "C6").is_none());
    assert!(server_consumer(&server, "TEST", "C7").is_none());
    let show = tf.show_json().unwrap();
    let managed: Vec<&str> = show["values"]["root_module"]["resources"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["address"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(managed, vec!["nats_jetstream_stream.test"], "{show}");
}

#[test]
fn pinned_client_without_a_timeout_plans_the_servers_default() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let config = format!(
        "{TEST_STREAM}{}",
        r#"
resource "nats_jetstream_consumer" "pinned" {
  stream_id       = nats_jetstream_stream.test.id
  durable_name    = "PINNED"
  priority_groups = ["jobs"]
  priority_policy = "pinned_client"
}

resource "nats_jetstream_consumer" "zero" {
  stream_id        = nats_jetstream_stream.test.id
  durable_name     = "ZERO"
  priority_groups  = ["jobs"]
  priority_policy  = "pinned_client"
  priority_timeout = 0
}
"#
    );
    let tf = terraform_with(&server, &config);
    let plan = tf.plan_json().unwrap();
    let planned: Vec<(String, serde_json::Value)> = plan["resource_changes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["type"] == "nats_jetstream_consumer")
        .map(|c| {
            let name = c["name"].as_str().unwrap_or_default().to_string();
            (name, c["change"]["after"]["priority_timeout"].clone())
        })
        .collect();
    assert_eq!(
        planned,
        vec![
            ("pinned".to_string(), serde_json::json!(120)),
            ("zero".to_string(), serde_json::json!(0))
        ],
        "the plan shows what the server will hold"
    );
    tf.apply().unwrap();
    for name in ["PINNED", "ZERO"] {
        let c = server_consumer(&server, "TEST", name).unwrap().config;
        assert_eq!(
            c.priority_timeout,
            std::time::Duration::from_secs(120),
            "{name}"
        );
    }
    assert_eq!(
        state_attribute(&tf, "nats_jetstream_consumer.pinned", "priority_timeout"),
        120
    );
    // `0` means the server's default too, and stays as written.
    assert_eq!(
        state_attribute(&tf, "nats_jetstream_consumer.zero", "priority_timeout"),
        0
    );
    tf.expect_no_changes().unwrap();
}

#[test]
fn flow_control_acks_apply_as_the_official_test_writes_them_and_when_left_to_the_plan() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let config = format!(
        "{TEST_STREAM}{}",
        r#"
resource "nats_jetstream_consumer" "ack_flow_control" {
  stream_id        = nats_jetstream_stream.test.id
  durable_name     = "ack_flow_control"
  deliver_all      = true
  ack_policy       = "flow_control"
  delivery_subject = "DELIVER.fc"
  flow_control     = true
  heartbeat        = 1
  ack_wait         = 0
}

resource "nats_jetstream_consumer" "planned" {
  stream_id        = nats_jetstream_stream.test.id
  durable_name     = "planned"
  ack_policy       = "flow_control"
  delivery_subject = "DELIVER.planned"
}

resource "nats_jetstream_consumer" "push_no_acks" {
  stream_id        = nats_jetstream_stream.test.id
  durable_name     = "push_no_acks"
  ack_policy       = "none"
  delivery_subject = "DELIVER.none"
}
"#
    );
    let tf = terraform_with(&server, &config);
    tf.apply().unwrap();
    for name in ["ack_flow_control", "planned"] {
        let c = server_consumer(&server, "TEST", name).unwrap().config;
        assert_eq!(c.ack_policy, AckPolicy::FlowControl, "{name}");
        assert!(c.flow_control, "{name}");
        assert_eq!(
            c.idle_heartbeat,
            std::time::Duration::from_secs(1),
            "{name}"
        );
        assert_eq!(c.ack_wait, std::time::Duration::ZERO, "{name}");
    }
    let c = server_consumer(&server, "TEST", "push_no_acks")
        .unwrap()
        .config;
    assert_eq!((c.ack_policy, c.max_ack_pending), (AckPolicy::None, -1));
    tf.expect_no_changes().unwrap();
}

const PAUSABLE: &str = r#"
resource "nats_jetstream_consumer" "worker" {
  stream_id    = nats_jetstream_stream.test.id
  durable_name = "WORKER"
  description  = "first"
}
"#;

fn pause(server: &NatsServer, until: &str) {
    with_api(server, async |api| {
        api.request::<_, serde_json::Value>(
            "CONSUMER.PAUSE.TEST.WORKER",
            &serde_json::json!({ "pause_until": until }),
        )
        .await
        .unwrap();
    });
}

fn paused(server: &NatsServer) -> bool {
    server_consumer(server, "TEST", "WORKER").unwrap().paused
}

#[test]
fn a_pause_set_outside_terraform_is_kept_until_the_configuration_manages_it() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = terraform_with(&server, &format!("{TEST_STREAM}{PAUSABLE}"));
    tf.apply().unwrap();
    assert!(!paused(&server));

    // An operator pauses it (`nats consumer pause`): nothing to change, and an
    // unrelated update leaves the pause alone.
    pause(&server, "2099-01-01T00:00:00Z");
    tf.expect_no_changes().unwrap();
    let described = PAUSABLE.replace("\"first\"", "\"second\"");
    write_main(&tf, &server, &format!("{TEST_STREAM}{described}"));
    tf.apply().unwrap();
    assert!(paused(&server), "the update resumed the consumer");
    assert_eq!(
        state_attribute(&tf, "nats_jetstream_consumer.worker", "pause_until"),
        "2099-01-01T00:00:00Z"
    );
    tf.expect_no_changes().unwrap();

    // Managed: a time in the past resumes it, and stays settled.
    let resumed = described.replace(
        "description  = \"second\"",
        "description  = \"second\"\n  pause_until  = \"1970-01-01T00:00:00Z\"",
    );
    write_main(&tf, &server, &format!("{TEST_STREAM}{resumed}"));
    tf.apply().unwrap();
    assert!(!paused(&server));
    tf.expect_no_changes().unwrap();

    // Replaced (a new start), the new consumer starts unpaused and the plan says so.
    pause(&server, "2099-01-01T00:00:00Z");
    let replaced = described.replace("description  = \"second\"", "deliver_new = true");
    write_main(&tf, &server, &format!("{TEST_STREAM}{replaced}"));
    tf.apply().unwrap();
    assert!(!paused(&server));
    tf.expect_no_changes().unwrap();
}

async fn add_consumer(api: &JetStreamApi, stream: &str, name: &str) {
    api.create_consumer(
        stream,
        &ConsumerConfig::durable(name),
        ConsumerAction::Create,
    )
    .await
    .unwrap();
}

#[test]
fn an_official_id_that_reads_two_ways_imports_the_consumer_that_exists() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    with_api(&server, async |api| {
        for (name, subject) in [("S", "s.>"), ("S_CONSUMER_X", "x.>")] {
            let stream = StreamConfig {
                subjects: vec![subject.into()],
                ..StreamConfig::named(name)
            };
            api.create_stream(&stream).await.unwrap();
        }
        // Stream S, consumer X_CONSUMER_Y: the official provider's reading.
        add_consumer(&api, "S", "X_CONSUMER_Y").await;
    });
    let resource = r#"
resource "nats_jetstream_consumer" "c" {
  stream_id       = "JETSTREAM_STREAM_S"
  durable_name    = "X_CONSUMER_Y"
  max_ack_pending = 1000
}
"#;
    let tf = terraform_with(&server, resource);
    let id = "JETSTREAM_STREAM_S_CONSUMER_X_CONSUMER_Y";
    tf.import("nats_jetstream_consumer.c", id).unwrap();
    tf.expect_no_changes().unwrap();

    // Both readings exist now: import refuses to guess.
    with_api(&server, async |api| {
        add_consumer(&api, "S_CONSUMER_X", "Y").await;
    });
    tf.run_ok(&["state", "rm", "nats_jetstream_consumer.c"])
        .unwrap();
    let refused = tf
        .run(["import", "-no-color", "nats_jetstream_consumer.c", id])
        .unwrap();
    assert!(!refused.success());
    let text = refused
        .stderr
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        text.contains("Ambiguous import ID") && text.contains("S:X_CONSUMER_Y and S_CONSUMER_X:Y"),
        "{text}"
    );
}
