//! Coming from the official provider, and finding what exists: `moved` from
//! `nats-io/jetstream`'s `jetstream_stream`, `jetstream_kv_bucket`, `jetstream_kv_entry`
//! and `jetstream_obj_bucket` with state shaped as its SDKv2 code writes it, judged per
//! resource; and `terraform query` with generated config.

// serde_json's `json!` needs more room for a whole official stream state.
#![recursion_limit = "256"]

use acceptance_tests::{
    block_on, jetstream, official_provider_stand_in, provider_config, NatsServer,
    NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::StreamConfig;
use std::time::Duration;

/// Creates a stream the way the official provider would have (its defaults).
fn create_outside(server: &NatsServer, config: StreamConfig) {
    block_on(async {
        jetstream(server, None)
            .await
            .create_stream(&config)
            .await
            .unwrap()
    });
}

fn queue_config() -> StreamConfig {
    StreamConfig {
        subjects: vec!["QUEUE.>".into()],
        max_msgs: 1024,
        max_bytes: 10_485_760,
        max_age: Duration::from_secs(86_400),
        duplicate_window: Duration::from_secs(120),
        allow_direct: true,
        ..StreamConfig::named("QUEUE")
    }
}

/// The objects both providers manage in the `moved` test, written for natsforge. The
/// consumer `FEED` is what the `COPY` stream sources through.
const MOVED_HCL: &str = r#"
resource "nats_jetstream_stream" "test" {
  name                      = "TEST"
  description               = "testing stream"
  metadata                  = { foo = "bar" }
  subjects                  = ["TEST.*"]
  compression               = "s2"
  allow_rollup_hdrs         = true
  allow_msg_ttl             = true
  subject_delete_marker_ttl = 86400
}

resource "nats_jetstream_stream" "copy" {
  name = "COPY"
  source {
    name = "TEST"
    consumer {
      name            = "FEED"
      deliver_subject = "deliver.feed"
    }
  }
}

resource "nats_jetstream_kv_bucket" "test" {
  name             = "KVT"
  storage          = "memory"
  history          = 10
  ttl              = 60
  max_value_size   = 1024
  max_bucket_size  = 10240
  limit_marker_ttl = 45
}

resource "nats_jetstream_kv_entry" "test_entry" {
  bucket = "KVT"
  key    = "foo"
  value  = "bar"
}

resource "nats_jetstream_object_bucket" "test" {
  name            = "OBT"
  storage         = "memory"
  ttl             = 60
  max_bucket_size = 10240
  compression     = true
}
"#;

const FEED_HCL: &str = r#"
resource "nats_jetstream_consumer" "feed" {
  stream_id        = nats_jetstream_stream.test.id
  durable_name     = "FEED"
  deliver_all      = true
  ack_policy       = "flow_control"
  delivery_subject = "deliver.feed"
  flow_control     = true
  heartbeat        = 1
  ack_wait         = 0
}
"#;

/// The state the official provider (SDKv2, schema of nats-io/terraform-provider-jetstream
/// 738b31d) holds for [`MOVED_HCL`]'s objects: every attribute of its schemas, no
/// `timeouts`. What Read sets is there as Read sets it (`""`, `0`, `{}`); what it never
/// sets for these objects (republish, mirror_direct, placement tags) is null, or with
/// `zeros` the zero value, as states written by older SDK versions hold it.
fn official_state(zeros: bool) -> serde_json::Value {
    use serde_json::json;
    let unset = |zero: serde_json::Value| if zeros { zero } else { serde_json::Value::Null };
    let stream = |name: &str, overrides: serde_json::Value| {
        let mut attributes = json!({
            "id": format!("JETSTREAM_STREAM_{name}"), "name": name, "description": "",
            "metadata": {}, "subjects": [], "discard": "old", "discard_new_per_subject": false,
            "max_msgs": -1, "max_msgs_per_subject": -1, "max_bytes": -1, "max_age": 0,
            "duplicate_window": 120, "max_msg_size": -1, "storage": "file", "ack": true,
            "retention": "limits", "compression": "none", "max_consumers": -1, "replicas": 1,
            "deny_delete": false, "deny_purge": false, "allow_rollup_hdrs": false,
            "allow_direct": true, "mirror_direct": unset(json!(false)),
            "placement_cluster": "", "placement_tags": unset(json!([])),
            "placement_preferred": "", "subject_transform": [], "mirror": [], "source": [],
            "republish_source": unset(json!("")), "republish_destination": unset(json!("")),
            "republish_headers_only": unset(json!(false)), "max_ack_pending": 0,
            "inactive_threshold": 0, "allow_msg_ttl": false, "subject_delete_marker_ttl": 0,
            "allow_msg_counter": false, "allow_atomic": false, "allow_msg_schedules": false,
            "first_seq": 0, "persist_mode": "", "allow_batched": false
        });
        for (key, value) in overrides.as_object().cloned().unwrap_or_default() {
            attributes[key] = value;
        }
        attributes
    };
    let test = stream(
        "TEST",
        json!({"description": "testing stream", "metadata": {"foo": "bar"},
               "subjects": ["TEST.*"], "compression": "s2", "allow_rollup_hdrs": true,
               "allow_msg_ttl": true, "subject_delete_marker_ttl": 86400}),
    );
    let copy = stream(
        "COPY",
        json!({"duplicate_window": 120, "source": [{
            "name": "TEST", "start_seq": 0, "start_time": unset(json!("")),
            "filter_subject": "", "subject_transform": [], "external": [],
            "consumer": [{"name": "FEED", "deliver_subject": "deliver.feed"}]
        }]}),
    );
    let kv = json!({
        "id": "JETSTREAM_KV_KVT", "name": "KVT", "description": "", "storage": "memory",
        "history": 10, "ttl": 60, "max_value_size": 1024, "max_bucket_size": 10240,
        "placement_cluster": "", "placement_tags": unset(json!([])), "replicas": 1,
        "limit_marker_ttl": 45
    });
    let entry = json!({"id": "JETSTREAM_KV_KVT_ENTRY_foo", "bucket": "KVT", "key": "foo",
                       "value": "bar", "revision": 1});
    let object = json!({
        "id": "JETSTREAM_OBJ_OBT", "name": "OBT", "description": "", "storage": "memory",
        "ttl": 60, "max_bucket_size": 10240, "placement_cluster": "",
        "placement_tags": unset(json!([])), "replicas": 1, "compression": true
    });
    let resource = |kind: &str, name: &str, attributes: serde_json::Value| {
        json!({"mode": "managed", "type": kind, "name": name,
               "provider": "provider[\"registry.terraform.io/nats-io/jetstream\"]",
               "instances": [{"schema_version": 0, "attributes": attributes,
                              "sensitive_attributes": [],
                              "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjAifQ=="}]})
    };
    json!({
        "version": 4, "terraform_version": "1.9.8", "serial": 7,
        "lineage": "0d6c1a3e-aaaa-4bbb-8ccc-000000000011", "outputs": {},
        "resources": [
            resource("jetstream_stream", "test", test),
            resource("jetstream_stream", "copy", copy),
            resource("jetstream_kv_bucket", "test", kv),
            resource("jetstream_kv_entry", "test_entry", entry),
            resource("jetstream_obj_bucket", "test", object)
        ],
        "check_results": null
    })
}

const MOVES: &str = r#"
moved {
  from = jetstream_stream.test
  to   = nats_jetstream_stream.test
}

moved {
  from = jetstream_stream.copy
  to   = nats_jetstream_stream.copy
}

moved {
  from = jetstream_kv_bucket.test
  to   = nats_jetstream_kv_bucket.test
}

moved {
  from = jetstream_kv_entry.test_entry
  to   = nats_jetstream_kv_entry.test_entry
}

moved {
  from = jetstream_obj_bucket.test
  to   = nats_jetstream_object_bucket.test
}
"#;

/// Each resource's values in `terraform show -json`, by address.
fn values_by_address(tf: &Terraform) -> std::collections::BTreeMap<String, serde_json::Value> {
    let state = tf.show_json().unwrap();
    state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap_or_default().to_string(),
                r["values"].clone(),
            )
        })
        .collect()
}

#[test]
fn moved_official_state_is_a_no_op_and_reads_as_natsforge_writes_it() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    // natsforge makes the objects: its own state is the yardstick.
    let natsforge = Terraform::new().unwrap();
    natsforge
        .write_file(
            "main.tf",
            &format!("{}{MOVED_HCL}{FEED_HCL}", provider_config(&server)),
        )
        .unwrap();
    natsforge.apply().unwrap();
    let written = values_by_address(&natsforge);

    for zeros in [false, true] {
        // The same objects, held in the official provider's state instead.
        let tf = official_provider_stand_in(Terraform::new().unwrap());
        tf.write_file("terraform.tfstate", &official_state(zeros).to_string())
            .unwrap();
        tf.write_file(
            "main.tf",
            &format!(
                "{}{MOVED_HCL}{MOVES}",
                provider_config(&server).replace(
                    "nats = { source = \"natsforge/nats\" }",
                    "nats      = { source = \"natsforge/nats\" }\n    jetstream = { source = \"nats-io/jetstream\" }"
                )
            ),
        )
        .unwrap();
        // A plan with moves exits 2 even when nothing changes: judge each resource.
        let plan = tf.plan_json().unwrap();
        let changes = plan["resource_changes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(changes.len(), 5, "zeros={zeros}: {plan}");
        for change in &changes {
            assert_eq!(
                change["change"]["actions"],
                serde_json::json!(["no-op"]),
                "zeros={zeros}: {} after the move: {change}",
                change["address"]
            );
            assert!(change["previous_address"].is_string(), "{change}");
        }
        tf.apply().unwrap();
        tf.expect_no_changes().unwrap();
        // Every moved resource now reads exactly as natsforge writes its own.
        let moved = values_by_address(&tf);
        for (address, values) in &moved {
            assert_eq!(
                Some(values),
                written.get(address),
                "zeros={zeros}: {address} differs from natsforge's own state"
            );
        }
        assert_eq!(moved.len(), 5);
        // The durable consumer of the source survived the move and the apply.
        let copy = block_on(async {
            jetstream(&server, None)
                .await
                .stream_info("COPY")
                .await
                .unwrap()
                .unwrap()
        });
        assert_eq!(
            copy.config.sources[0]
                .consumer
                .as_ref()
                .map(|c| c.name.as_str()),
            Some("FEED")
        );
    }
}

#[test]
fn query_lists_streams_and_generated_config_plans_clean() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    create_outside(&server, queue_config());
    create_outside(
        &server,
        StreamConfig {
            subjects: vec!["orders.*".into()],
            description: Some("orders".into()),
            num_replicas: 1,
            max_msgs_per_subject: 10,
            ..StreamConfig::named("ORDERS")
        },
    );
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", &provider_config(&server)).unwrap();
    tf.write_file(
        "streams.tfquery.hcl",
        "list \"nats_jetstream_stream\" \"all\" {\n  provider = nats\n}\n",
    )
    .unwrap();
    let query = tf
        .run_ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .unwrap()
        .stdout;
    assert!(
        query.contains("QUEUE") && query.contains("ORDERS"),
        "{query}"
    );
    let generated = std::fs::read_to_string(tf.dir().join("generated.tf")).unwrap();
    assert!(generated.contains("import {"), "{generated}");
    assert!(generated.contains("max_msgs_per_subject"), "{generated}");
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap().stdout;
    assert!(
        plan.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
}
