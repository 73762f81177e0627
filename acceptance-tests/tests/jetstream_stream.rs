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
