//! KV buckets and entries coming from the official provider, and found by query:
//! `moved` from `nats-io/jetstream`'s `jetstream_kv_bucket`/`jetstream_kv_entry`, and
//! `terraform query` with generated config.

use acceptance_tests::{
    block_on, jetstream, official_provider_stand_in, provider_config, NatsServer,
    NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::StreamConfig;
use natsforge::nats::JetStreamApi;

fn with_api<T>(server: &NatsServer, work: impl AsyncFnOnce(JetStreamApi) -> T) -> T {
    block_on(async { work(jetstream(server, None).await).await })
}

fn write_config(tf: &Terraform, server: &NatsServer, resources: &str) {
    tf.write_file(
        "main.tf",
        &format!("{}\n{resources}\n", provider_config(server)),
    )
    .unwrap();
}

fn terraform_for(server: &NatsServer, resources: &str) -> Terraform {
    let tf = Terraform::new().unwrap();
    write_config(&tf, server, resources);
    tf
}

fn plan_text(tf: &Terraform) -> String {
    tf.run_ok(&["plan", "-no-color"]).unwrap().stdout
}

/// State as the official provider (SDKv2) writes it: unset values as "" and [].
const OFFICIAL_STATE: &str = r#"{
  "version": 4, "terraform_version": "1.9.8", "serial": 2,
  "lineage": "6f1a3c2e-0000-4000-8000-00000000c0de", "outputs": {},
  "resources": [
    {
      "mode": "managed", "type": "jetstream_kv_bucket", "name": "config",
      "provider": "provider[\"registry.terraform.io/nats-io/jetstream\"]",
      "instances": [{ "schema_version": 0, "sensitive_attributes": [], "attributes": {
        "id": "JETSTREAM_KV_config", "name": "config", "description": "", "history": 5,
        "ttl": 0, "max_value_size": -1, "max_bucket_size": -1, "placement_cluster": "",
        "placement_tags": [], "replicas": 1, "limit_marker_ttl": 0 } }]
    },
    {
      "mode": "managed", "type": "jetstream_kv_entry", "name": "mode",
      "provider": "provider[\"registry.terraform.io/nats-io/jetstream\"]",
      "instances": [{ "schema_version": 0, "sensitive_attributes": [], "attributes": {
        "id": "JETSTREAM_KV_config_ENTRY_mode", "bucket": "config", "key": "mode",
        "value": "fast", "revision": 1 } }]
    }
  ],
  "check_results": null
}"#;

#[test]
fn moved_from_the_official_provider_plans_no_changes() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    // What the official provider made: a bucket with its defaults, and one key.
    with_api(&server, async |api| {
        let bucket = natsforge::nats::jetstream::KvBucketConfig {
            history: 5,
            ..natsforge::nats::jetstream::KvBucketConfig::named("config")
        };
        api.create_stream(&bucket.to_stream_config().unwrap())
            .await
            .unwrap();
        api.kv_put("config", "mode", b"fast").await.unwrap();
    });
    let tf = Terraform::new().unwrap();
    let tf = official_provider_stand_in(tf);
    tf.write_file("terraform.tfstate", OFFICIAL_STATE).unwrap();
    let resources = r#"
resource "nats_jetstream_kv_bucket" "config" {
  name = "config"
}

resource "nats_jetstream_kv_entry" "mode" {
  bucket = nats_jetstream_kv_bucket.config.name
  key    = "mode"
  value  = "fast"
}
"#;
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
{resources}
moved {{
  from = jetstream_kv_bucket.config
  to   = nats_jetstream_kv_bucket.config
}}

moved {{
  from = jetstream_kv_entry.mode
  to   = nats_jetstream_kv_entry.mode
}}
"#,
            url = server.client_url()
        ),
    )
    .unwrap();
    let plan = plan_text(&tf);
    assert!(
        plan.contains("has moved to nats_jetstream_kv_bucket.config"),
        "{plan}"
    );
    assert!(
        plan.contains("has moved to nats_jetstream_kv_entry.mode"),
        "{plan}"
    );
    assert!(
        plan.contains("0 to add, 0 to change, 0 to destroy") || plan.contains("No changes"),
        "{plan}"
    );
    tf.apply().unwrap();
    write_config(&tf, &server, resources);
    tf.expect_no_changes().unwrap();
}

#[test]
fn query_lists_buckets_and_generated_config_plans_clean() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    with_api(&server, async |api| {
        for bucket in [
            natsforge::nats::jetstream::KvBucketConfig {
                history: 2,
                description: Some("made by hand".into()),
                ..natsforge::nats::jetstream::KvBucketConfig::named("found")
            },
            natsforge::nats::jetstream::KvBucketConfig::named("other"),
        ] {
            api.create_stream(&bucket.to_stream_config().unwrap())
                .await
                .unwrap();
        }
        // A plain stream is no bucket.
        api.create_stream(&StreamConfig {
            subjects: vec!["plain.>".into()],
            ..StreamConfig::named("PLAIN")
        })
        .await
        .unwrap();
    });
    let tf = terraform_for(&server, "");
    tf.write_file(
        "buckets.tfquery.hcl",
        "list \"nats_jetstream_kv_bucket\" \"all\" {\n  provider = nats\n}\n",
    )
    .unwrap();
    let query = tf
        .run_ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .unwrap()
        .stdout;
    assert!(
        query.contains("found") && query.contains("other"),
        "{query}"
    );
    assert!(!query.contains("PLAIN"), "{query}");
    let plan = plan_text(&tf);
    assert!(
        plan.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
}
