//! `force_destroy` on streams, KV and object buckets against a real server: a destroy
//! or replacement of one that holds data is refused at apply time with the figures,
//! leaving the object and the state as they were; the plan warns first; empty ones,
//! and `force_destroy = true` applied beforehand, go through.

use acceptance_tests::{
    block_on, jetstream, plan_text, stream_info, terraform_with, write_main, NatsServer,
    NatsServerBuilder, Terraform,
};
use futures::StreamExt;
use natsforge::nats::jetstream::StorageType;

fn jetstream_server() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

/// Publishes `count` messages on `subject` through JetStream (each acknowledged).
fn publish(server: &NatsServer, subject: &str, count: usize) {
    block_on(async {
        let api = jetstream(server, None).await;
        for n in 0..count {
            let ack = api
                .client()
                .request(subject.to_string(), format!("message {n}").into())
                .await
                .unwrap();
            assert!(
                String::from_utf8_lossy(&ack.payload).contains("\"seq\""),
                "not stored: {ack:?}"
            );
        }
    });
}

fn messages(server: &NatsServer, stream: &str) -> Option<u64> {
    stream_info(server, stream).map(|info| info.state.messages)
}

/// The attributes of `address` in the state, as `terraform show -json` has them.
fn state_of(tf: &Terraform, address: &str) -> serde_json::Value {
    let state = tf.show_json().unwrap();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    resources
        .into_iter()
        .find(|r| r["address"] == address)
        .map(|r| r["values"].clone())
        .unwrap_or_else(|| panic!("{address} is not in the state: {state}"))
}

/// The error text of a failed apply, on one line.
fn apply_error(tf: &Terraform) -> String {
    flat(&tf.expect_apply_error().unwrap())
}

/// The error text of a failed destroy, on one line.
fn destroy_error(tf: &Terraform) -> String {
    let output = tf.run(["destroy", "-auto-approve", "-no-color"]).unwrap();
    assert!(
        !output.success(),
        "the destroy went through:\n{}",
        output.stdout
    );
    flat(&output.stderr)
}

fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn orders(extra: &str) -> String {
    format!(
        r#"
resource "nats_jetstream_stream" "orders" {{
  name     = "ORDERS"
  subjects = ["orders.>"]
  {extra}
}}
"#
    )
}

#[test]
fn a_stream_holding_messages_is_neither_replaced_nor_destroyed_without_consent() {
    let server = jetstream_server();
    let tf = terraform_with(&server, &orders(""));
    tf.apply().unwrap();
    assert_eq!(
        state_of(&tf, "nats_jetstream_stream.orders")["force_destroy"],
        false
    );
    publish(&server, "orders.new", 3);

    // A replacement: the plan warns with the figures and says the apply will refuse.
    write_main(&tf, &server, &orders("storage = \"memory\""));
    let plan = flat(&plan_text(&tf));
    assert!(
        plan.contains("Warning: Replacing stream ORDERS deletes 3 messages ("),
        "{plan}"
    );
    assert!(plan.contains("the apply will refuse"), "{plan}");
    let refused = apply_error(&tf);
    assert!(
        refused.contains("Refusing to delete stream ORDERS: it holds data"),
        "{refused}"
    );
    assert!(
        refused.contains("stream ORDERS holds 3 messages ("),
        "{refused}"
    );
    assert!(refused.contains("written from"), "{refused}");
    assert!(refused.contains("set `force_destroy = true` and apply that on its own first"));
    assert!(refused.contains("nats stream purge ORDERS"), "{refused}");
    // Nothing changed: the stream, its messages and the state are as before.
    let info = stream_info(&server, "ORDERS").unwrap();
    assert_eq!(
        (info.state.messages, info.config.storage),
        (3, StorageType::File)
    );
    let state = state_of(&tf, "nats_jetstream_stream.orders");
    assert_eq!(
        (state["storage"].as_str(), state["force_destroy"].as_bool()),
        (Some("file"), Some(false))
    );

    // A destroy is refused the same way.
    write_main(&tf, &server, &orders(""));
    let refused = destroy_error(&tf);
    assert!(
        refused.contains("stream ORDERS holds 3 messages"),
        "{refused}"
    );
    assert_eq!(messages(&server, "ORDERS"), Some(3));
    tf.expect_no_changes().unwrap();

    // Consent first (an in-place change that touches nothing on the server)...
    write_main(&tf, &server, &orders("force_destroy = true"));
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert_eq!(messages(&server, "ORDERS"), Some(3));
    // ...then the replacement goes through, and the plan says it will.
    write_main(
        &tf,
        &server,
        &orders("force_destroy = true\n  storage = \"memory\""),
    );
    let plan = flat(&plan_text(&tf));
    assert!(
        plan.contains("force_destroy is true, so the apply deletes them"),
        "{plan}"
    );
    tf.apply().unwrap();
    let info = stream_info(&server, "ORDERS").unwrap();
    assert_eq!(
        (info.state.messages, info.config.storage),
        (0, StorageType::Memory)
    );
    publish(&server, "orders.new", 2);
    tf.destroy().unwrap();
    assert!(stream_info(&server, "ORDERS").is_none());
}

#[test]
fn force_destroy_set_in_the_same_plan_as_the_replacement_does_not_count_yet() {
    let server = jetstream_server();
    let tf = terraform_with(&server, &orders(""));
    tf.apply().unwrap();
    publish(&server, "orders.new", 1);
    // Terraform destroys with the state it holds, where force_destroy is still false.
    write_main(
        &tf,
        &server,
        &orders("force_destroy = true\n  storage = \"memory\""),
    );
    let refused = apply_error(&tf);
    assert!(
        refused.contains("stream ORDERS holds 1 message ("),
        "{refused}"
    );
    assert!(refused.contains("Terraform destroys with the value already in state"));
    assert_eq!(messages(&server, "ORDERS"), Some(1));
    assert_eq!(
        state_of(&tf, "nats_jetstream_stream.orders")["force_destroy"],
        false
    );
    // Applied on its own first, it counts.
    write_main(&tf, &server, &orders("force_destroy = true"));
    tf.apply().unwrap();
    write_main(
        &tf,
        &server,
        &orders("force_destroy = true\n  storage = \"memory\""),
    );
    tf.apply().unwrap();
    assert_eq!(messages(&server, "ORDERS"), Some(0));
}

#[test]
fn empty_streams_are_replaced_and_destroyed_without_a_word() {
    let server = jetstream_server();
    let tf = terraform_with(&server, &orders(""));
    tf.apply().unwrap();
    write_main(&tf, &server, &orders("storage = \"memory\""));
    let plan = plan_text(&tf);
    assert!(
        plan.contains("1 to add, 0 to change, 1 to destroy"),
        "{plan}"
    );
    // The only warning is Terraform's own about the development override.
    assert_eq!(plan.matches("Warning:").count(), 1, "{plan}");
    assert!(
        plan.contains("Warning: Provider development overrides"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.destroy().unwrap();
    assert!(stream_info(&server, "ORDERS").is_none());
}

#[test]
fn create_before_destroy_keeps_the_refused_stream_deposed_until_it_is_empty() {
    let server = jetstream_server();
    let config = |name: &str| {
        format!(
            r#"
resource "nats_jetstream_stream" "orders" {{
  name     = "{name}"
  subjects = ["orders.{name}.>"]
  lifecycle {{
    create_before_destroy = true
  }}
}}
"#
        )
    };
    let tf = terraform_with(&server, &config("OLD"));
    tf.apply().unwrap();
    publish(&server, "orders.OLD.x", 2);
    write_main(&tf, &server, &config("NEW"));
    let refused = apply_error(&tf);
    assert!(refused.contains("stream OLD holds 2 messages"), "{refused}");
    // The new stream exists and is the current object; the old one is kept, deposed.
    assert_eq!(messages(&server, "NEW"), Some(0));
    assert_eq!(messages(&server, "OLD"), Some(2));
    assert_eq!(state_of(&tf, "nats_jetstream_stream.orders")["name"], "NEW");
    let listed = tf.run_ok(&["state", "list"]).unwrap().stdout;
    assert!(listed.contains("nats_jetstream_stream.orders"), "{listed}");
    let plan = plan_text(&tf);
    assert!(plan.contains("deposed"), "{plan}");
    // Emptied, the deposed stream goes with the next apply.
    block_on(async {
        jetstream(&server, None)
            .await
            .purge_stream("OLD")
            .await
            .unwrap();
    });
    tf.apply().unwrap();
    assert!(stream_info(&server, "OLD").is_none());
    tf.expect_no_changes().unwrap();
}

const BUCKET_WITH_ENTRY: &str = r#"
resource "nats_jetstream_kv_bucket" "config" {
  name = "config"
}

resource "nats_jetstream_kv_entry" "mode" {
  bucket = nats_jetstream_kv_bucket.config.name
  key    = "mode"
  value  = "fast"
}
"#;

#[test]
fn kv_buckets_count_live_keys_and_a_bucket_of_delete_markers_is_empty() {
    let server = jetstream_server();
    // The entries go first and leave delete markers: the bucket then holds no keys.
    let tf = terraform_with(&server, BUCKET_WITH_ENTRY);
    tf.apply().unwrap();
    tf.destroy().unwrap();
    assert!(stream_info(&server, "KV_config").is_none());

    // A key written outside Terraform is data.
    let bucket_only = &BUCKET_WITH_ENTRY[..BUCKET_WITH_ENTRY
        .find("resource \"nats_jetstream_kv_entry\"")
        .unwrap()];
    let tf = terraform_with(&server, bucket_only);
    tf.apply().unwrap();
    block_on(async {
        let api = jetstream(&server, None).await;
        api.kv_put("config", "kept", b"value").await.unwrap();
        api.kv_put("config", "gone", b"value").await.unwrap();
        api.kv_delete("config", "gone").await.unwrap();
    });
    write_main(
        &tf,
        &server,
        &bucket_only.replace("\"config\"\n}", "\"config\"\n  storage = \"memory\"\n}"),
    );
    let plan = flat(&plan_text(&tf));
    assert!(
        plan.contains(
            "Warning: Replacing KV bucket config deletes 1 key (3 messages with their history"
        ),
        "{plan}"
    );
    write_main(&tf, &server, bucket_only);
    let refused = destroy_error(&tf);
    assert!(
        refused.contains("KV bucket config holds 1 key (3 messages with their history"),
        "{refused}"
    );
    assert!(refused.contains("nats kv del config <key>"), "{refused}");
    assert!(stream_info(&server, "KV_config").is_some());
    block_on(async {
        jetstream(&server, None)
            .await
            .kv_purge("config", "kept")
            .await
            .unwrap();
    });
    tf.destroy().unwrap();
    assert!(stream_info(&server, "KV_config").is_none());
}

#[test]
fn object_buckets_count_objects_and_force_destroy_lets_them_go() {
    let server = jetstream_server();
    let files = |extra: &str| {
        format!("resource \"nats_jetstream_object_bucket\" \"files\" {{\n  name = \"files\"\n  {extra}\n}}\n")
    };
    let tf = terraform_with(&server, &files(""));
    tf.apply().unwrap();
    block_on(async {
        let client = jetstream(&server, None).await.client().clone();
        let store = async_nats::jetstream::new(client)
            .get_object_store("files")
            .await
            .unwrap();
        store
            .put("report.pdf", &mut &[7u8; 3000][..])
            .await
            .unwrap();
        store.put("draft.txt", &mut &b"draft"[..]).await.unwrap();
        store.delete("draft.txt").await.unwrap();
        let listed: Vec<_> = store.list().await.unwrap().collect().await;
        assert_eq!(listed.len(), 1);
    });
    let refused = destroy_error(&tf);
    assert!(
        refused.contains("object bucket files holds 1 object ("),
        "{refused}"
    );
    assert!(
        refused.contains("nats object del files <object>"),
        "{refused}"
    );
    assert!(stream_info(&server, "OBJ_files").is_some());
    write_main(&tf, &server, &files("force_destroy = true"));
    tf.apply().unwrap();
    tf.destroy().unwrap();
    assert!(stream_info(&server, "OBJ_files").is_none());
}

#[test]
fn imported_streams_have_force_destroy_off_and_plan_clean() {
    let server = jetstream_server();
    let tf = terraform_with(&server, &orders(""));
    tf.apply().unwrap();
    publish(&server, "orders.new", 1);
    tf.run_ok(&["state", "rm", "-no-color", "nats_jetstream_stream.orders"])
        .unwrap();
    tf.import("nats_jetstream_stream.orders", "ORDERS").unwrap();
    assert_eq!(
        state_of(&tf, "nats_jetstream_stream.orders")["force_destroy"],
        false
    );
    tf.expect_no_changes().unwrap();
    let refused = destroy_error(&tf);
    assert!(
        refused.contains("stream ORDERS holds 1 message ("),
        "{refused}"
    );
}
