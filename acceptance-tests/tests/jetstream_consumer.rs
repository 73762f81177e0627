//! `nats_jetstream_consumer` against a real JetStream server: create and check what the
//! server holds, converge, update in place, replace where the server refuses, drift
//! both ways, import in every accepted form, `moved` from the official provider,
//! `terraform query`, destroy.

use acceptance_tests::{
    block_on, jetstream, official_provider_stand_in, terraform_with, write_main, NatsServer,
    NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::{
    AckPolicy, ConsumerConfig, ConsumerInfo, DeliverPolicy, PriorityPolicy,
};
use natsforge::nats::JetStreamApi;
use std::time::Duration;

fn with_api<T>(
    server: &NatsServer,
    domain: Option<&str>,
    work: impl AsyncFnOnce(JetStreamApi) -> T,
) -> T {
    block_on(async { work(jetstream(server, domain).await).await })
}

/// What the server holds, read with natsforge's own client (not through Terraform).
fn server_consumer(server: &NatsServer, stream: &str, name: &str) -> Option<ConsumerInfo> {
    with_api(server, None, async |api| {
        api.consumer_info(stream, name).await.unwrap()
    })
}

fn jetstream_server() -> NatsServer {
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
    let server = jetstream_server();
    let tf = terraform_with(&server, &config(PULL));
    tf.apply().unwrap();

    let info = server_consumer(&server, "ORDERS", "WORKER").expect("created");
    let c = &info.config;
    assert_eq!(c.durable_name.as_deref(), Some("WORKER"));
    assert_eq!(c.description.as_deref(), Some("does the work"));
    assert_eq!(c.metadata.get("team").map(String::as_str), Some("platform"));
    assert_eq!(c.deliver_policy, DeliverPolicy::New);
    assert_eq!(c.ack_policy, AckPolicy::Explicit);
    assert_eq!(c.filter_subjects, vec!["orders.new", "orders.paid"]);
    assert_eq!(
        c.backoff,
        vec![Duration::from_secs(2), Duration::from_secs(10)]
    );
    assert_eq!(
        c.ack_wait,
        Duration::from_secs(2),
        "ack_wait follows the first backoff step"
    );
    assert_eq!(c.max_deliver, 5);
    assert_eq!(c.max_ack_pending, 100);
    assert_eq!(c.max_waiting, 16);
    assert_eq!(c.max_batch, 10);
    assert_eq!(c.max_expires, Duration::from_secs(30));
    assert_eq!(c.max_bytes, 1024);
    assert_eq!(
        c.inactive_threshold,
        Duration::from_secs(3_600),
        "seconds, not nanoseconds"
    );
    assert!(c.headers_only);
    assert_eq!(c.sample_freq.as_deref(), Some("50%"));
    assert_eq!(c.priority_groups, vec!["jobs"]);
    assert_eq!(c.priority_policy, PriorityPolicy::PinnedClient);
    assert_eq!(c.priority_timeout, Duration::from_secs(60));
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
    write_main(&tf, &server, &config(&updated));
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
        write_main(&tf, &server, &config(&updated.replace(from, to)));
        let plan = plan_text(&tf);
        assert!(plan.contains("must be replaced"), "{from} -> {to}: {plan}");
    }
    write_main(
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

#[test]
fn push_consumer_moves_subject_in_place_and_turns_pull_by_replacement() {
    let server = jetstream_server();
    let push = r#"
resource "nats_jetstream_consumer" "audit" {
  stream_id        = nats_jetstream_stream.orders.name
  durable_name     = "AUDIT"
  delivery_subject = "audit.orders"
  delivery_group   = "auditors"
  heartbeat        = 5
  flow_control     = true
  ratelimit        = 1000000
  start_time       = "2025-01-01T00:00:00+01:00"
  replay_policy    = "original"
  ack_policy       = "all"
  ack_wait         = 45
  memory           = true
}
"#;
    let tf = terraform_with(&server, &config(push));
    tf.apply().unwrap();
    let c = server_consumer(&server, "ORDERS", "AUDIT").unwrap().config;
    assert_eq!(c.deliver_subject.as_deref(), Some("audit.orders"));
    assert_eq!(c.deliver_group.as_deref(), Some("auditors"));
    assert_eq!(c.idle_heartbeat, Duration::from_secs(5));
    assert!(c.flow_control);
    assert_eq!(c.rate_limit_bps, 1_000_000);
    assert_eq!(c.deliver_policy, DeliverPolicy::ByStartTime);
    assert_eq!(c.ack_policy, AckPolicy::All);
    assert_eq!(c.ack_wait, Duration::from_secs(45));
    assert!(c.mem_storage);
    // The server answers the start time in UTC; the user's spelling stays.
    tf.expect_no_changes().unwrap();

    let moved = push.replace("audit.orders", "audit.all");
    write_main(&tf, &server, &config(&moved));
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    let c = server_consumer(&server, "ORDERS", "AUDIT").unwrap().config;
    assert_eq!(c.deliver_subject.as_deref(), Some("audit.all"));

    let pull = r#"
resource "nats_jetstream_consumer" "audit" {
  stream_id    = nats_jetstream_stream.orders.name
  durable_name = "AUDIT"
}
"#;
    write_main(&tf, &server, &config(pull));
    let plan = plan_text(&tf);
    assert!(
        plan.contains("1 to add, 0 to change, 1 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert!(server_consumer(&server, "ORDERS", "AUDIT")
        .unwrap()
        .config
        .deliver_subject
        .is_none());
    tf.expect_no_changes().unwrap();
}

const SIMPLE: &str = r#"
resource "nats_jetstream_consumer" "worker" {
  stream_id       = nats_jetstream_stream.orders.id
  durable_name    = "WORKER"
  deliver_all     = true
  description     = "as configured"
  max_ack_pending = 100
  filter_subject  = "orders.new"
}
"#;

#[test]
fn deleted_or_changed_outside_terraform() {
    let server = jetstream_server();
    let tf = terraform_with(&server, &config(SIMPLE));
    tf.apply().unwrap();

    // Deleted: planned for creation again.
    with_api(&server, None, async |api| {
        assert!(api.delete_consumer("ORDERS", "WORKER").await.unwrap())
    });
    let plan = plan_text(&tf);
    assert!(
        plan.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();

    // Changed: the plan shows it and applying puts it back.
    with_api(&server, None, async |api| {
        let mut config = api
            .consumer_info("ORDERS", "WORKER")
            .await
            .unwrap()
            .unwrap()
            .config;
        config.description = Some("changed by hand".into());
        config.max_ack_pending = 7;
        config.metadata.retain(|key, _| !key.starts_with("_nats"));
        api.create_consumer(
            "ORDERS",
            &config,
            natsforge::nats::jetstream::ConsumerAction::Update,
        )
        .await
        .unwrap();
    });
    let plan = plan_text(&tf);
    assert!(
        plan.contains("changed by hand") && plan.contains("7 -> 100"),
        "{plan}"
    );
    tf.apply().unwrap();
    let c = server_consumer(&server, "ORDERS", "WORKER").unwrap().config;
    assert_eq!(c.description.as_deref(), Some("as configured"));
    assert_eq!(c.max_ack_pending, 100);
    tf.expect_no_changes().unwrap();

    // The whole stream deleted: both are created again.
    with_api(&server, None, async |api| {
        assert!(api.delete_stream("ORDERS").await.unwrap())
    });
    let plan = plan_text(&tf);
    assert!(
        plan.contains("2 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert!(server_consumer(&server, "ORDERS", "WORKER").is_some());
}

#[test]
fn import_by_every_id_form_and_by_identity() {
    let server = NatsServerBuilder::new()
        .jetstream()
        .domain("hub")
        .start()
        .unwrap();
    let tf = terraform_with(&server, &config(SIMPLE));
    tf.apply().unwrap();
    let address = "nats_jetstream_consumer.worker";
    for id in ["JETSTREAM_STREAM_ORDERS_CONSUMER_WORKER", "ORDERS:WORKER"] {
        tf.run_ok(&["state", "rm", address]).unwrap();
        tf.import(address, id).unwrap();
        let plan = plan_text(&tf);
        // Every setting was read back; `ORDERS` and `JETSTREAM_STREAM_ORDERS` name the
        // same stream, so at most the spelling of stream_id is updated, never replaced.
        assert!(!plan.contains("must be replaced"), "{id}: {plan}");
        tf.apply().unwrap();
        tf.expect_no_changes().unwrap();
    }
    // With the domain named explicitly: `DOMAIN:STREAM:CONSUMER`, then by identity.
    tf.run_ok(&["state", "rm", address]).unwrap();
    let with_domain = SIMPLE
        .replace(
            "durable_name    = \"WORKER\"",
            "durable_name    = \"WORKER\"\n  domain          = \"hub\"",
        )
        .replace(
            "nats_jetstream_stream.orders.id",
            "nats_jetstream_stream.orders.name",
        );
    write_main(&tf, &server, &config(&with_domain));
    tf.import(address, "hub:ORDERS:WORKER").unwrap();
    tf.expect_no_changes().unwrap();
    tf.run_ok(&["state", "rm", address]).unwrap();
    tf.write_file(
        "import.tf",
        "import {\n  to       = nats_jetstream_consumer.worker\n  identity = { domain = \"hub\", stream_id = \"ORDERS\", durable_name = \"WORKER\" }\n}\n",
    )
    .unwrap();
    let plan = plan_text(&tf);
    assert!(
        plan.contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.remove_file("import.tf").unwrap();
    tf.expect_no_changes().unwrap();

    let missing = tf
        .run([
            "import",
            "-no-color",
            "nats_jetstream_consumer.other",
            "ORDERS:NOPE",
        ])
        .unwrap();
    assert!(!missing.success());
}

/// State as the official provider (SDKv2) writes it: unset values as "", [] and false.
const OFFICIAL_STATE: &str = r#"{
  "version": 4, "terraform_version": "1.9.8", "serial": 3,
  "lineage": "6f1a3c2e-0000-4000-8000-000000000002", "outputs": {},
  "resources": [{
    "mode": "managed", "type": "jetstream_consumer", "name": "NEW",
    "provider": "provider[\"registry.terraform.io/nats-io/jetstream\"]",
    "instances": [{
      "schema_version": 0,
      "attributes": {
        "id": "JETSTREAM_STREAM_ORDERS_CONSUMER_NEW", "stream_id": "JETSTREAM_STREAM_ORDERS",
        "durable_name": "NEW", "description": "", "metadata": {}, "delivery_subject": "",
        "delivery_group": "", "deliver_all": true, "deliver_last": false, "deliver_new": false,
        "deliver_last_per_subject": false, "stream_sequence": 0, "start_time": "",
        "ack_policy": "explicit", "ack_wait": 30, "max_delivery": -1,
        "filter_subject": "orders.received", "filter_subjects": [], "replay_policy": "instant",
        "sample_freq": 100, "ratelimit": 0, "max_ack_pending": 20000, "heartbeat": 0,
        "flow_control": false, "max_waiting": 512, "headers_only": false, "max_batch": 0,
        "max_expires": 0, "max_bytes": 0, "inactive_threshold": 0, "replicas": 0,
        "memory": false, "backoff": []
      },
      "sensitive_attributes": []
    }]
  }],
  "check_results": null
}"#;

#[test]
fn moved_from_the_official_provider_plans_no_changes() {
    let server = jetstream_server();
    with_api(&server, None, async |api| {
        api.create_stream(&natsforge::nats::jetstream::StreamConfig {
            subjects: vec!["orders.>".into()],
            ..natsforge::nats::jetstream::StreamConfig::named("ORDERS")
        })
        .await
        .unwrap();
        // As the official provider created it.
        let config = ConsumerConfig {
            filter_subject: Some("orders.received".into()),
            sample_freq: Some("100%".into()),
            ack_wait: Duration::from_secs(30),
            max_deliver: -1,
            max_ack_pending: 20000,
            ..ConsumerConfig::durable("NEW")
        };
        api.create_consumer(
            "ORDERS",
            &config,
            natsforge::nats::jetstream::ConsumerAction::Create,
        )
        .await
        .unwrap();
    });
    let tf = Terraform::new().unwrap();
    let tf = official_provider_stand_in(tf);
    tf.write_file("terraform.tfstate", OFFICIAL_STATE).unwrap();
    let resource = r#"
# The official provider's HCL, with the type renamed (the stream is not managed here).
resource "nats_jetstream_consumer" "NEW" {
  stream_id      = "JETSTREAM_STREAM_ORDERS"
  durable_name   = "NEW"
  deliver_all    = true
  filter_subject = "orders.received"
  sample_freq    = 100
}
"#;
    tf.write_file(
        "main.tf",
        &format!(
            "terraform {{\n  required_providers {{\n    nats = {{ source = \"natsforge/nats\" }}\n    jetstream = {{ source = \"nats-io/jetstream\" }}\n  }}\n}}\nprovider \"nats\" {{\n  servers = \"{}\"\n}}\n{resource}\nmoved {{\n  from = jetstream_consumer.NEW\n  to   = nats_jetstream_consumer.NEW\n}}\n",
            server.client_url()
        ),
    )
    .unwrap();
    let plan = plan_text(&tf);
    assert!(
        plan.contains("has moved to nats_jetstream_consumer.NEW"),
        "{plan}"
    );
    assert!(
        plan.contains("0 to add, 0 to change, 0 to destroy") || plan.contains("No changes"),
        "an unchanged consumer plans no changes after the move: {plan}"
    );
}

#[test]
fn query_lists_consumers_and_generated_config_plans_clean() {
    let server = jetstream_server();
    let tf = terraform_with(
        &server,
        &config(
            &format!("{PULL}{SIMPLE}")
                .replace("\"worker\"", "\"w\"")
                .replacen("\"w\"", "\"worker\"", 1)
                .replace(
                    "durable_name    = \"WORKER\"",
                    "durable_name    = \"SIMPLE\"",
                ),
        ),
    );
    tf.apply().unwrap();
    // Forget the consumers (not the stream) and find them again.
    tf.run_ok(&[
        "state",
        "rm",
        "nats_jetstream_consumer.worker",
        "nats_jetstream_consumer.w",
    ])
    .unwrap();
    write_main(&tf, &server, STREAM);
    tf.write_file(
        "consumers.tfquery.hcl",
        "list \"nats_jetstream_consumer\" \"orders\" {\n  provider = nats\n  config {\n    stream_id = \"ORDERS\"\n  }\n}\n",
    )
    .unwrap();
    let query = tf
        .run_ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .unwrap()
        .stdout;
    assert!(
        query.contains("WORKER") && query.contains("SIMPLE"),
        "{query}"
    );
    let generated = std::fs::read_to_string(tf.dir().join("generated.tf")).unwrap();
    assert!(generated.contains("priority_groups"), "{generated}");
    let plan = plan_text(&tf);
    assert!(
        plan.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
}

#[test]
fn example_applies() {
    let server = jetstream_server();
    let example = std::fs::read_to_string(
        acceptance_tests::workspace_root()
            .join("examples/resources/nats_jetstream_consumer/resource.tf"),
    )
    .unwrap();
    let tf = terraform_with(&server, &example);
    tf.apply().unwrap();
    let c = server_consumer(&server, "ORDERS", "NEW").unwrap().config;
    assert_eq!(c.backoff.len(), 3);
    assert_eq!(c.ack_wait, Duration::from_secs(5));
    assert!(
        server_consumer(&server, "ORDERS", "AUDIT")
            .unwrap()
            .config
            .flow_control
    );
    tf.expect_no_changes().unwrap();
}
