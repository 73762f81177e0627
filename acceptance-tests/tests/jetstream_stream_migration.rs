//! Coming from the official provider, and finding what exists: `moved` from
//! `nats-io/jetstream`'s `jetstream_stream`, and `terraform query` with generated config.

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

/// State as the official provider (SDKv2) writes it: unset values as "", [] and {}.
fn official_state() -> &'static str {
    r#"{
  "version": 4,
  "terraform_version": "1.9.8",
  "serial": 3,
  "lineage": "6f1a3c2e-0000-4000-8000-000000000001",
  "outputs": {},
  "resources": [{
    "mode": "managed",
    "type": "jetstream_stream",
    "name": "QUEUE",
    "provider": "provider[\"registry.terraform.io/nats-io/jetstream\"]",
    "instances": [{
      "schema_version": 0,
      "attributes": {
        "ack": true, "allow_direct": true, "allow_msg_ttl": false,
        "allow_rollup_hdrs": false, "compression": "none", "deny_delete": false,
        "deny_purge": false, "description": "", "discard": "old",
        "discard_new_per_subject": false, "duplicate_window": 120,
        "id": "JETSTREAM_STREAM_QUEUE", "inactive_threshold": 0,
        "max_ack_pending": 0, "max_age": 86400, "max_bytes": 10485760,
        "max_consumers": -1, "max_msg_size": -1, "max_msgs": 1024,
        "max_msgs_per_subject": -1, "metadata": {}, "mirror": [],
        "mirror_direct": false, "name": "QUEUE", "placement_cluster": "",
        "placement_tags": [], "replicas": 1, "republish_destination": "",
        "republish_headers_only": false, "republish_source": "",
        "retention": "limits", "source": [], "storage": "file",
        "subject_delete_marker_ttl": 0, "subject_transform": [],
        "subjects": ["QUEUE.>"]
      },
      "sensitive_attributes": []
    }]
  }],
  "check_results": null
}"#
}

#[test]
fn moved_from_the_official_provider_plans_no_changes() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    create_outside(&server, queue_config());

    let tf = Terraform::new().unwrap();
    let tf = official_provider_stand_in(tf);
    tf.write_file("terraform.tfstate", official_state())
        .unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    nats      = {{ source = "natsforge/nats" }}
    jetstream = {{ source = "nats-io/jetstream" }}
  }}
}}

provider "nats" {{
  servers = "{url}"
}}

# The HCL of the official provider's resource, with the type renamed.
resource "nats_jetstream_stream" "QUEUE" {{
  name      = "QUEUE"
  subjects  = ["QUEUE.>"]
  max_msgs  = 1024
  max_bytes = 10485760
  max_age   = 86400
}}

moved {{
  from = jetstream_stream.QUEUE
  to   = nats_jetstream_stream.QUEUE
}}
"#,
            url = server.client_url()
        ),
    )
    .unwrap();
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap().stdout;
    assert!(
        plan.contains("has moved to nats_jetstream_stream.QUEUE"),
        "{plan}"
    );
    assert!(
        plan.contains("0 to add, 0 to change, 0 to destroy") || plan.contains("No changes"),
        "an unchanged stream plans no changes after the move: {plan}"
    );
    tf.apply().unwrap();
    tf.remove_file("main.tf").unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            r#"{}
resource "nats_jetstream_stream" "QUEUE" {{
  name      = "QUEUE"
  subjects  = ["QUEUE.>"]
  max_msgs  = 1024
  max_bytes = 10485760
  max_age   = 86400
}}
"#,
            provider_config(&server)
        ),
    )
    .unwrap();
    tf.expect_no_changes().unwrap();
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
