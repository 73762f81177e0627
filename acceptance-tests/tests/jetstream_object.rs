//! `nats_jetstream_object_bucket` against a real JetStream server: create and check the
//! server's view, converge, update in place, replace on storage, drift both ways,
//! import in every accepted form, `terraform query` with generated config, destroy,
//! and the example.

use acceptance_tests::{
    block_on, edit_stream, jetstream, plan_text, stream_info, terraform_with, workspace_root,
    write_main, NatsServer, NatsServerBuilder,
};
use natsforge::nats::jetstream::{
    Compression, KvBucketConfig, ObjectBucketConfig, StorageType, StreamConfig,
};
use natsforge::nats::JetStreamApi;
use std::time::Duration;

fn with_api<T>(server: &NatsServer, work: impl AsyncFnOnce(JetStreamApi) -> T) -> T {
    block_on(async { work(jetstream(server, None).await).await })
}

const FILES: &str = r#"
resource "nats_jetstream_object_bucket" "files" {
  name            = "files"
  description     = "uploads"
  ttl             = 86400
  max_bucket_size = 1048576
  metadata        = { team = "web" }
}
"#;

#[test]
fn lifecycle_create_converge_update_replace_destroy() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = terraform_with(&server, FILES);
    tf.apply().unwrap();
    let config = stream_info(&server, "OBJ_files").expect("created").config;
    assert_eq!(config.subjects, vec!["$O.files.C.>", "$O.files.M.>"]);
    assert_eq!(config.max_age, Duration::from_secs(86_400));
    assert_eq!(config.max_bytes, 1_048_576);
    assert_eq!(config.description.as_deref(), Some("uploads"));
    assert_eq!(config.metadata.get("team").map(String::as_str), Some("web"));
    assert!(config.allow_rollup_hdrs && config.allow_direct);
    tf.expect_no_changes().unwrap();
    tf.run_ok(&["apply", "-refresh-only", "-auto-approve"])
        .unwrap();
    tf.expect_no_changes().unwrap();

    // In place: limits, compression, description; replicas plan in place too.
    let changed = FILES
        .replace("86400", "3600")
        .replace("uploads", "user uploads")
        .replace("metadata", "compression     = true\n  metadata");
    write_main(&tf, &server, &changed);
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    let config = stream_info(&server, "OBJ_files").unwrap().config;
    assert_eq!(config.max_age, Duration::from_secs(3_600));
    assert_eq!(config.compression, Compression::S2);
    tf.expect_no_changes().unwrap();
    write_main(
        &tf,
        &server,
        &changed.replace("metadata", "replicas        = 3\n  metadata"),
    );
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );

    // Storage: replacement.
    write_main(
        &tf,
        &server,
        &changed.replace("metadata", "storage         = \"memory\"\n  metadata"),
    );
    assert!(plan_text(&tf).contains("must be replaced"));
    tf.apply().unwrap();
    assert_eq!(
        stream_info(&server, "OBJ_files").unwrap().config.storage,
        StorageType::Memory
    );
    tf.expect_no_changes().unwrap();

    tf.destroy().unwrap();
    assert!(stream_info(&server, "OBJ_files").is_none());
}

#[test]
fn drift_both_ways_and_import() {
    let server = NatsServerBuilder::new()
        .jetstream()
        .domain("acc")
        .start()
        .unwrap();
    let tf = terraform_with(&server, FILES);
    tf.apply().unwrap();

    edit_stream(&server, "OBJ_files", |config| {
        config.max_bytes = 99;
        config.description = None;
    });
    let plan = plan_text(&tf);
    assert!(plan.contains("1 to change"), "{plan}");
    assert!(plan.contains("99"), "{plan}");
    tf.apply().unwrap();
    assert_eq!(
        stream_info(&server, "OBJ_files").unwrap().config.max_bytes,
        1_048_576
    );

    with_api(&server, async |api| {
        assert!(api.delete_stream("OBJ_files").await.unwrap());
    });
    let plan = plan_text(&tf);
    assert!(
        plan.contains("1 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    let state_file = tf.dir().join("terraform.tfstate");
    for id in ["files", "JETSTREAM_OBJ_files"] {
        std::fs::remove_file(&state_file).unwrap();
        tf.import("nats_jetstream_object_bucket.files", id).unwrap();
        tf.expect_no_changes().unwrap();
    }
    let with_domain = FILES.replace(
        "name            = \"files\"",
        "name            = \"files\"\n  domain          = \"acc\"",
    );
    write_main(&tf, &server, &with_domain);
    std::fs::remove_file(&state_file).unwrap();
    tf.import("nats_jetstream_object_bucket.files", "acc:files")
        .unwrap();
    tf.expect_no_changes().unwrap();
    std::fs::remove_file(&state_file).unwrap();
    tf.write_file(
        "import.tf",
        r#"
import {
  to       = nats_jetstream_object_bucket.files
  identity = { domain = "acc", name = "files" }
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
}

#[test]
fn example_applies_and_converges() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let example =
        |path: &str| std::fs::read_to_string(workspace_root().join("examples").join(path)).unwrap();
    let tf = terraform_with(
        &server,
        &example("resources/nats_jetstream_object_bucket/resource.tf"),
    );
    tf.apply().unwrap();
    assert!(stream_info(&server, "OBJ_assets").is_some());
    tf.expect_no_changes().unwrap();
    for line in example("resources/nats_jetstream_object_bucket/import.sh")
        .lines()
        .filter(|l| l.starts_with("terraform import"))
    {
        let words: Vec<&str> = line.split_whitespace().collect();
        tf.run_ok(&["state", "rm", "-no-color", words[2]]).unwrap();
        tf.import(words[2], words[3]).unwrap();
        tf.expect_no_changes().unwrap();
    }
}

#[test]
fn query_lists_buckets_and_generated_config_plans_clean() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    with_api(&server, async |api| {
        let found = ObjectBucketConfig {
            description: Some("made by hand".into()),
            ttl: Duration::from_secs(3_600),
            ..ObjectBucketConfig::named("found")
        };
        for config in [
            found.to_stream_config().unwrap(),
            ObjectBucketConfig::named("other")
                .to_stream_config()
                .unwrap(),
            // Neither a KV bucket nor a plain stream is an object bucket.
            KvBucketConfig::named("settings")
                .to_stream_config()
                .unwrap(),
            StreamConfig {
                subjects: vec!["plain.>".into()],
                ..StreamConfig::named("PLAIN")
            },
        ] {
            api.create_stream(&config).await.unwrap();
        }
    });
    let tf = terraform_with(&server, "");
    tf.write_file(
        "buckets.tfquery.hcl",
        "list \"nats_jetstream_object_bucket\" \"all\" {\n  provider = nats\n}\n",
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
    assert!(
        !query.contains("settings") && !query.contains("PLAIN"),
        "{query}"
    );
    let generated = std::fs::read_to_string(tf.dir().join("generated.tf")).unwrap();
    assert!(generated.contains("made by hand"), "{generated}");
    let plan = plan_text(&tf);
    assert!(
        plan.contains("2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    assert_eq!(
        stream_info(&server, "OBJ_found").unwrap().config.max_age,
        Duration::from_secs(3_600)
    );
}

/// Parity 6.1: the official type `jetstream_obj_bucket` renamed with the `nats_` prefix
/// is a working (deprecated) type, and a `moved` block takes its state over to
/// `nats_jetstream_object_bucket` without touching the bucket.
#[test]
fn official_type_name_applies_and_moves_to_the_new_name() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let renamed = FILES.replace("nats_jetstream_object_bucket", "nats_jetstream_obj_bucket");
    let tf = terraform_with(&server, &renamed);
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let created = stream_info(&server, "OBJ_files").expect("created").created;
    let moved = format!(
        "{FILES}\nmoved {{\n  from = nats_jetstream_obj_bucket.files\n  to   = nats_jetstream_object_bucket.files\n}}\n"
    );
    write_main(&tf, &server, &moved);
    let plan = plan_text(&tf);
    assert!(
        plan.contains("has moved to nats_jetstream_object_bucket.files")
            && plan.contains("0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let state = tf.run_ok(&["state", "list"]).unwrap().stdout;
    assert_eq!(state.trim(), "nats_jetstream_object_bucket.files");
    assert_eq!(
        stream_info(&server, "OBJ_files").unwrap().created,
        created,
        "the same bucket, not a new one"
    );
}
