//! `nats_jetstream_stream` against a real JetStream server: create, converge, update in
//! place, replace, drift both ways, import in every accepted form, destroy.

use acceptance_tests::{
    block_on, jetstream, provider_config, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::{StorageType, StreamConfig, StreamInfo};
use std::time::Duration;

/// What the server holds, read with natsforge's own client (not through Terraform).
fn server_stream(server: &NatsServer, name: &str) -> Option<StreamInfo> {
    block_on(async {
        jetstream(server, None)
            .await
            .stream_info(name)
            .await
            .unwrap()
    })
}

/// Changes a stream behind Terraform's back.
fn edit_outside(server: &NatsServer, name: &str, edit: impl FnOnce(&mut StreamConfig)) {
    block_on(async {
        let api = jetstream(server, None).await;
        let mut config = api.stream_info(name).await.unwrap().unwrap().config;
        edit(&mut config);
        api.update_stream(&config.without_server_metadata())
            .await
            .unwrap();
    });
}

fn delete_outside(server: &NatsServer, name: &str) {
    block_on(async {
        assert!(jetstream(server, None)
            .await
            .delete_stream(name)
            .await
            .unwrap())
    });
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
            "{}
{resources}",
            provider_config(server)
        ),
    )
    .unwrap();
}

fn jetstream_server() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

const QUEUE: &str = r#"
resource "nats_jetstream_stream" "queue" {
  name        = "QUEUE"
  description = "work to do"
  subjects    = ["QUEUE.>"]
  max_msgs    = 1024
  max_bytes   = 10485760
  max_age     = 86400
  metadata    = { team = "platform" }
  deny_delete = true
}
"#;

fn plan_text(tf: &Terraform) -> String {
    tf.run_ok(&["plan", "-no-color"]).unwrap().stdout
}

#[test]
fn lifecycle_create_converge_update_replace_destroy() {
    let server = jetstream_server();
    let tf = terraform_for(&server, QUEUE);
    tf.apply().unwrap();

    let info = server_stream(&server, "QUEUE").expect("created");
    assert_eq!(info.config.subjects, vec!["QUEUE.>"]);
    assert_eq!(info.config.max_msgs, 1024);
    assert_eq!(info.config.max_bytes, 10_485_760);
    assert_eq!(info.config.max_age, Duration::from_secs(86_400));
    assert_eq!(info.config.duplicate_window, Duration::from_secs(120));
    assert!(info.config.deny_delete);
    assert!(
        info.config.allow_direct,
        "the official provider's default is kept"
    );
    assert_eq!(
        info.config.metadata.get("team").map(String::as_str),
        Some("platform")
    );
    tf.expect_no_changes().unwrap();
    tf.run_ok(&["apply", "-refresh-only", "-auto-approve"])
        .unwrap();
    tf.expect_no_changes().unwrap();

    // In place: limits and description.
    write_config(
        &tf,
        &server,
        &QUEUE
            .replace("1024", "2048")
            .replace("work to do", "more work"),
    );
    let plan = plan_text(&tf);
    assert!(plan.contains("1 to change, 0 to destroy"), "{plan}");
    tf.apply().unwrap();
    let info = server_stream(&server, "QUEUE").unwrap();
    assert_eq!(info.config.max_msgs, 2048);
    assert_eq!(info.config.description.as_deref(), Some("more work"));

    // Replacement: storage cannot change, and deny_delete cannot be turned off.
    let memory = QUEUE.replace("1024", "2048").replace(
        "deny_delete = true",
        "deny_delete = true\n  storage     = \"memory\"",
    );
    write_config(&tf, &server, &memory);
    let plan = plan_text(&tf);
    assert!(plan.contains("must be replaced"), "{plan}");
    assert!(
        plan.contains("1 to add, 0 to change, 1 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    let info = server_stream(&server, "QUEUE").unwrap();
    assert_eq!(info.config.storage, StorageType::Memory);
    let turned_off = memory.replace("deny_delete = true", "deny_delete = false");
    write_config(&tf, &server, &turned_off);
    assert!(plan_text(&tf).contains("must be replaced"));

    tf.destroy().unwrap();
    assert!(
        server_stream(&server, "QUEUE").is_none(),
        "destroy leaves nothing"
    );
}

#[test]
fn deleted_outside_terraform_is_created_again() {
    let server = jetstream_server();
    let tf = terraform_for(&server, QUEUE);
    tf.apply().unwrap();
    delete_outside(&server, "QUEUE");
    let plan = plan_text(&tf);
    assert!(
        plan.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert!(server_stream(&server, "QUEUE").is_some());
    tf.expect_no_changes().unwrap();
}

/// Issue 9: `subjects = []` (and other empty values) used to create the stream and then
/// fail with "Provider produced inconsistent result", because the server listens on the
/// stream's name when given no subjects. Empty values are read back as written.
#[test]
fn empty_values_apply_and_read_back_as_written() {
    let server = jetstream_server();
    let tf = terraform_for(
        &server,
        r#"
resource "nats_jetstream_stream" "bare" {
  name           = "BARE"
  subjects       = []
  description    = ""
  metadata       = {}
  placement_tags = []
}
"#,
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let config = server_stream(&server, "BARE").unwrap().config;
    assert_eq!(config.subjects, ["BARE"], "the server's default subject");
}

/// Parity 4.2: JetStream answers a create of an existing stream with the same
/// configuration as a success, so apply used to take over a stream (or KV bucket) made
/// outside Terraform, and a destroy then deleted its data. A stream or bucket holding
/// data is refused with how to import it, and nothing changes; an empty one (what a
/// create whose answer was lost leaves behind) is taken over so the apply converges.
#[test]
fn create_refuses_existing_data_and_takes_over_an_empty_stream() {
    let server = jetstream_server();
    let config = r#"
resource "nats_jetstream_stream" "queue" {
  name     = "QUEUE"
  subjects = ["QUEUE.>"]
}

resource "nats_jetstream_kv_bucket" "held" {
  name = "held"
}
"#;
    // Made by another configuration (or by an apply whose answer was lost), then
    // written to, then not in this state.
    let tf = terraform_for(&server, config);
    tf.apply().unwrap();
    block_on(async {
        let api = jetstream(&server, None).await;
        let ack = api
            .client()
            .request("QUEUE.one", "kept".into())
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&ack.payload).contains("\"seq\""));
        api.kv_put("held", "FOO", b"existing value").await.unwrap();
    });
    tf.run_ok(&[
        "state",
        "rm",
        "nats_jetstream_stream.queue",
        "nats_jetstream_kv_bucket.held",
    ])
    .unwrap();
    let stderr = tf.expect_apply_error().unwrap();
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Cannot create stream QUEUE: it already exists and holds data",
        "stream QUEUE already exists on the server and holds 1 message",
        "terraform import <address> JETSTREAM_STREAM_QUEUE",
        "Cannot create KV bucket held: it already exists and holds data",
        "holds 1 key",
    ] {
        assert!(flat.contains(expected), "{expected}: {stderr}");
    }
    let state = tf
        .run_ok(&["state", "list"])
        .map(|o| o.stdout)
        .unwrap_or_default();
    assert!(state.trim().is_empty(), "nothing taken over: {state}");
    assert_eq!(server_stream(&server, "QUEUE").unwrap().state.messages, 1);

    // Emptied, the same stream and bucket are taken over: nothing can be lost.
    block_on(async {
        let api = jetstream(&server, None).await;
        api.purge_stream("KV_held").await.unwrap();
        api.purge_stream("QUEUE").await.unwrap();
    });
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
}

#[test]
fn changed_outside_terraform_is_shown_and_corrected() {
    let server = jetstream_server();
    let tf = terraform_for(
        &server,
        r#"
resource "nats_jetstream_stream" "upstream" {
  name     = "UP"
  subjects = ["up.>"]
}

resource "nats_jetstream_stream" "copy" {
  name = "COPY"
  source {
    name           = nats_jetstream_stream.upstream.name
    filter_subject = "up.a.>"
  }
  republish_destination = "copied.>"
}
"#,
    );
    tf.apply().unwrap();
    // Someone removes the source and the republish, and raises a limit.
    edit_outside(&server, "COPY", |config| {
        config.sources.clear();
        config.republish = None;
        config.max_msgs = 99;
    });
    let plan = plan_text(&tf);
    assert!(plan.contains("1 to change"), "{plan}");
    assert!(
        plan.contains("up.a.>"),
        "the removed source shows as drift: {plan}"
    );
    assert!(
        plan.contains("copied.>"),
        "the removed republish shows as drift: {plan}"
    );
    assert!(plan.contains("99"), "{plan}");
    tf.apply().unwrap();
    let info = server_stream(&server, "COPY").unwrap();
    assert_eq!(info.config.sources.len(), 1);
    assert_eq!(info.config.max_msgs, -1);
    assert!(info.config.republish.is_some());
    tf.expect_no_changes().unwrap();
}

#[test]
fn import_by_every_id_form_and_by_identity() {
    let server = jetstream_server();
    // Made outside Terraform first.
    let tf = terraform_for(&server, QUEUE);
    tf.apply().unwrap();
    let state_file = tf.dir().join("terraform.tfstate");
    for id in ["QUEUE", "JETSTREAM_STREAM_QUEUE"] {
        std::fs::remove_file(&state_file).unwrap();
        tf.import("nats_jetstream_stream.queue", id).unwrap();
        // Every attribute was read back: the configuration plans clean.
        tf.expect_no_changes().unwrap();
    }
    // A domain-qualified ID names the domain explicitly.
    std::fs::remove_file(&state_file).unwrap();
    let with_domain = QUEUE.replace(
        "name        = \"QUEUE\"",
        "name        = \"QUEUE\"\n  domain      = \"acc\"",
    );
    let domain_server = NatsServerBuilder::new()
        .jetstream()
        .domain("acc")
        .start()
        .unwrap();
    let tf = terraform_for(&domain_server, &with_domain);
    tf.apply().unwrap();
    std::fs::remove_file(tf.dir().join("terraform.tfstate")).unwrap();
    tf.import("nats_jetstream_stream.queue", "acc:QUEUE")
        .unwrap();
    tf.expect_no_changes().unwrap();

    // import {} blocks by identity (Terraform >= 1.12).
    std::fs::remove_file(tf.dir().join("terraform.tfstate")).unwrap();
    tf.write_file(
        "import.tf",
        r#"
import {
  to       = nats_jetstream_stream.queue
  identity = { domain = "acc", name = "QUEUE" }
}
"#,
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
        .run(["import", "-no-color", "nats_jetstream_stream.other", "NOPE"])
        .unwrap();
    assert!(!missing.success());
}

#[test]
fn mirror_blocks_and_promotion() {
    let server = jetstream_server();
    let origin = r#"
resource "nats_jetstream_stream" "origin" {
  name     = "ORIGIN"
  subjects = ["orig.>"]
}
"#;
    let with_mirror = format!(
        "{origin}\nresource \"nats_jetstream_stream\" \"mirror\" {{\n  name = \"MIRROR\"\n  mirror {{\n    name = nats_jetstream_stream.origin.name\n  }}\n}}\n"
    );
    let tf = terraform_for(&server, &with_mirror);
    tf.apply().unwrap();
    assert_eq!(
        server_stream(&server, "MIRROR")
            .unwrap()
            .config
            .mirror
            .map(|m| m.name),
        Some("ORIGIN".to_string())
    );
    tf.expect_no_changes().unwrap();
    // Removing the mirror promotes the stream in place (no replacement).
    let promoted = format!(
        "{origin}\nresource \"nats_jetstream_stream\" \"mirror\" {{\n  name = \"MIRROR\"\n}}\n"
    );
    write_config(&tf, &server, &promoted);
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert!(server_stream(&server, "MIRROR")
        .unwrap()
        .config
        .mirror
        .is_none());
    // Adding a mirror to an existing stream replaces it.
    write_config(&tf, &server, &with_mirror);
    assert!(plan_text(&tf).contains("must be replaced"));
}

const DURABLE_SOURCING: &str = r#"
resource "nats_jetstream_stream" "origin" {
  name     = "ORIGIN"
  subjects = ["orders.>"]
}

resource "nats_jetstream_consumer" "feed" {
  for_each         = toset(["SOURCE_FEED", "MIRROR_FEED"])
  stream_id        = nats_jetstream_stream.origin.id
  durable_name     = each.key
  deliver_all      = true
  ack_policy       = "flow_control"
  delivery_subject = "deliver.${each.key}"
  flow_control     = true
  heartbeat        = 1
  ack_wait         = 0
}

resource "nats_jetstream_stream" "copy" {
  name = "COPY"
  source {
    name = nats_jetstream_stream.origin.name
    consumer {
      name            = nats_jetstream_consumer.feed["SOURCE_FEED"].durable_name
      deliver_subject = nats_jetstream_consumer.feed["SOURCE_FEED"].delivery_subject
    }
  }
}

resource "nats_jetstream_stream" "mirror" {
  name = "MIRROR"
  mirror {
    name = nats_jetstream_stream.origin.name
    consumer {
      name            = nats_jetstream_consumer.feed["MIRROR_FEED"].durable_name
      deliver_subject = nats_jetstream_consumer.feed["MIRROR_FEED"].delivery_subject
    }
  }
}
"#;

#[test]
fn sources_and_mirrors_read_through_a_named_durable_consumer() {
    let server = jetstream_server();
    let tf = terraform_for(&server, DURABLE_SOURCING);
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let copy = server_stream(&server, "COPY").unwrap().config;
    let consumer = copy.sources[0]
        .consumer
        .as_ref()
        .expect("the source's consumer");
    assert_eq!(
        (consumer.name.as_str(), consumer.deliver_subject.as_str()),
        ("SOURCE_FEED", "deliver.SOURCE_FEED")
    );
    let mirror = server_stream(&server, "MIRROR").unwrap().config;
    assert_eq!(
        mirror.mirror.and_then(|m| m.consumer).map(|c| c.name),
        Some("MIRROR_FEED".to_string())
    );
    let arrived = block_on(async {
        let api = jetstream(&server, None).await;
        for n in 0..3 {
            let ack = api
                .client()
                .request(format!("orders.{n}"), "order".into())
                .await
                .unwrap();
            assert!(String::from_utf8_lossy(&ack.payload).contains("\"seq\""));
        }
        let mut counts = (0, 0);
        for _ in 0..100 {
            let count = |name: &'static str| {
                let api = api.clone();
                async move { api.stream_info(name).await.unwrap().unwrap().state.messages }
            };
            counts = (count("COPY").await, count("MIRROR").await);
            if counts == (3, 3) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        // Through the named consumers: they delivered the messages, and the server made
        // no sourcing consumers of its own on the origin.
        for name in ["SOURCE_FEED", "MIRROR_FEED"] {
            let info = api.consumer_info("ORIGIN", name).await.unwrap().unwrap();
            assert_eq!(info.delivered.stream_seq, 3, "{name}: {info:?}");
        }
        let mut consumers = api.consumer_names("ORIGIN").await.unwrap();
        consumers.sort();
        assert_eq!(consumers, ["MIRROR_FEED", "SOURCE_FEED"]);
        counts
    });
    assert_eq!(
        arrived,
        (3, 3),
        "messages arrive through the named consumers"
    );
    // Read back as written: no drift, and the import reads the block too.
    tf.expect_no_changes().unwrap();
    tf.run_ok(&["state", "rm", "-no-color", "nats_jetstream_stream.copy"])
        .unwrap();
    tf.import("nats_jetstream_stream.copy", "COPY").unwrap();
    tf.expect_no_changes().unwrap();
}
