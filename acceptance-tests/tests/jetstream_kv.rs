//! `nats_jetstream_kv_bucket`, `nats_jetstream_kv_entry` and the data source
//! `nats_jetstream_kv_bucket` against a real JetStream server: create and check the
//! server's view, converge, update in place (replicas included), replace only where
//! the server refuses, drift both ways, import in every accepted form, destroy.

use acceptance_tests::{
    block_on, jetstream, provider_config, workspace_root, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::{KvEntry, KvOperation, StorageType, StreamConfig, StreamInfo};
use natsforge::nats::JetStreamApi;
use std::time::Duration;

/// Runs `work` against the server with natsforge's own client (not through Terraform).
fn with_api<T>(server: &NatsServer, work: impl AsyncFnOnce(JetStreamApi) -> T) -> T {
    block_on(async { work(jetstream(server, None).await).await })
}

fn server_stream(server: &NatsServer, name: &str) -> Option<StreamInfo> {
    with_api(server, async |api| api.stream_info(name).await.unwrap())
}

fn server_entry(server: &NatsServer, bucket: &str, key: &str) -> Option<KvEntry> {
    with_api(server, async |api| api.kv_get(bucket, key).await.unwrap())
}

fn edit_outside(server: &NatsServer, name: &str, edit: impl FnOnce(&mut StreamConfig)) {
    with_api(server, async |api| {
        let mut config = api.stream_info(name).await.unwrap().unwrap().config;
        edit(&mut config);
        api.update_stream(&config.without_server_metadata())
            .await
            .unwrap();
    });
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

fn jetstream_server() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

fn plan_text(tf: &Terraform) -> String {
    tf.run_ok(&["plan", "-no-color"]).unwrap().stdout
}

const BUCKET_HCL: &str = r#"
resource "nats_jetstream_kv_bucket" "settings" {
  name             = "settings"
  description      = "app settings"
  history          = 3
  ttl              = 3600
  max_value_size   = 1024
  max_bucket_size  = 1048576
  limit_marker_ttl = 5
  metadata         = { team = "platform" }
}
"#;

const LEVEL_HCL: &str = r#"
resource "nats_jetstream_kv_entry" "level" {
  bucket = nats_jetstream_kv_bucket.settings.name
  key    = "log.level"
  value  = "info"
}
"#;

const PASSWORD_HCL: &str = r#"
resource "nats_jetstream_kv_entry" "password" {
  bucket          = nats_jetstream_kv_bucket.settings.name
  key             = "db.password"
  value_sensitive = "hunter2"
}
"#;

/// A bucket with a plain and a secret entry.
fn settings() -> String {
    format!("{BUCKET_HCL}{LEVEL_HCL}{PASSWORD_HCL}")
}

#[test]
fn bucket_lifecycle_create_converge_update_replace_destroy() {
    let server = jetstream_server();
    let tf = terraform_for(&server, &settings());
    let applied = tf.apply().unwrap();
    assert!(
        !applied.stdout.contains("hunter2"),
        "a sensitive value is never shown"
    );

    let info = server_stream(&server, "KV_settings").expect("created");
    let config = &info.config;
    assert_eq!(config.subjects, vec!["$KV.settings.>"]);
    assert_eq!(config.max_msgs_per_subject, 3);
    assert_eq!(config.max_age, Duration::from_secs(3_600));
    assert_eq!(config.max_msg_size, 1024);
    assert_eq!(config.max_bytes, 1_048_576);
    assert_eq!(config.subject_delete_marker_ttl, Duration::from_secs(5));
    assert!(config.allow_msg_ttl && config.allow_direct && config.deny_delete);
    assert_eq!(config.description.as_deref(), Some("app settings"));
    assert_eq!(
        config.metadata.get("team").map(String::as_str),
        Some("platform")
    );
    let level = server_entry(&server, "settings", "log.level").unwrap();
    assert_eq!(level.value, b"info");
    assert_eq!(
        server_entry(&server, "settings", "db.password")
            .unwrap()
            .value,
        b"hunter2"
    );
    tf.expect_no_changes().unwrap();
    tf.run_ok(&["apply", "-refresh-only", "-auto-approve"])
        .unwrap();
    tf.expect_no_changes().unwrap();

    // In place: history, description, compression, limit marker off, a new value.
    let changed = settings()
        .replace("history          = 3", "history          = 10")
        .replace("app settings", "settings of the app")
        .replace("limit_marker_ttl = 5", "compression      = true")
        .replace("\"info\"", "\"debug\"");
    write_config(&tf, &server, &changed);
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 2 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    let config = server_stream(&server, "KV_settings").unwrap().config;
    assert_eq!(config.max_msgs_per_subject, 10);
    assert_eq!(config.subject_delete_marker_ttl, Duration::ZERO);
    assert_eq!(config.description.as_deref(), Some("settings of the app"));
    let debug = server_entry(&server, "settings", "log.level").unwrap();
    assert_eq!(debug.value, b"debug");
    assert!(debug.revision > level.revision);
    tf.expect_no_changes().unwrap();

    // Replicas change in place, never by replacement (official provider #164); a
    // single server cannot hold three, so the plan is what is checked.
    write_config(
        &tf,
        &server,
        &changed.replace(
            "history          = 10",
            "history          = 10\n  replicas         = 3",
        ),
    );
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    assert!(!plan.contains("must be replaced"), "{plan}");

    // Storage cannot change on the server: replacement, which deletes the keys, so
    // consent comes first (applied on its own: Terraform destroys with the state).
    let consenting = changed.replace(
        "history          = 10",
        "history          = 10\n  force_destroy    = true",
    );
    write_config(&tf, &server, &consenting);
    tf.apply().unwrap();
    write_config(
        &tf,
        &server,
        &consenting.replace(
            "history          = 10",
            "history          = 10\n  storage          = \"memory\"",
        ),
    );
    let plan = plan_text(&tf);
    assert!(plan.contains("must be replaced"), "{plan}");
    tf.apply().unwrap();
    let info = server_stream(&server, "KV_settings").unwrap();
    assert_eq!(info.config.storage, StorageType::Memory);
    // The entries were written again into the new bucket by the next apply at the latest.
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    tf.destroy().unwrap();
    assert!(
        server_stream(&server, "KV_settings").is_none(),
        "destroy leaves nothing"
    );
}

#[test]
fn entry_destroy_leaves_a_delete_marker_and_bucket_drift_is_corrected() {
    let server = jetstream_server();
    let tf = terraform_for(&server, &settings());
    tf.apply().unwrap();

    // Bucket changed outside: history and description; the plan shows and corrects it.
    edit_outside(&server, "KV_settings", |config| {
        config.max_msgs_per_subject = 7;
        config.description = Some("edited".into());
    });
    let plan = plan_text(&tf);
    assert!(plan.contains("1 to change"), "{plan}");
    assert!(plan.contains("edited"), "{plan}");
    tf.apply().unwrap();
    let config = server_stream(&server, "KV_settings").unwrap().config;
    assert_eq!(config.max_msgs_per_subject, 3);

    // Value changed outside: drift, written back.
    with_api(&server, async |api| {
        api.kv_put("settings", "log.level", b"trace").await.unwrap();
        api.kv_put("settings", "db.password", b"leaked")
            .await
            .unwrap();
    });
    let plan = plan_text(&tf);
    assert!(plan.contains("0 to add, 2 to change"), "{plan}");
    assert!(
        !plan.contains("leaked"),
        "sensitive drift stays hidden: {plan}"
    );
    tf.apply().unwrap();
    assert_eq!(
        server_entry(&server, "settings", "log.level")
            .unwrap()
            .value,
        b"info"
    );
    assert_eq!(
        server_entry(&server, "settings", "db.password")
            .unwrap()
            .value,
        b"hunter2"
    );

    // Key deleted or purged outside: written again.
    with_api(&server, async |api| {
        api.kv_delete("settings", "log.level").await.unwrap();
        api.kv_purge("settings", "db.password").await.unwrap();
    });
    let plan = plan_text(&tf);
    assert!(
        plan.contains("2 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert!(server_entry(&server, "settings", "log.level")
        .unwrap()
        .is_live());
    tf.expect_no_changes().unwrap();

    // Removing an entry from the configuration deletes the key as clients do.
    write_config(&tf, &server, &format!("{BUCKET_HCL}{PASSWORD_HCL}"));
    tf.apply().unwrap();
    let marker = server_entry(&server, "settings", "log.level").unwrap();
    assert_eq!(marker.operation, KvOperation::Delete);
}

#[test]
fn bucket_deleted_outside_terraform_is_created_again_with_its_keys() {
    let server = jetstream_server();
    let tf = terraform_for(&server, &settings());
    tf.apply().unwrap();
    with_api(&server, async |api| {
        assert!(api.delete_stream("KV_settings").await.unwrap());
    });
    // Never a failed plan (official provider #153/#96): bucket and keys come back.
    let plan = plan_text(&tf);
    assert!(
        plan.contains("3 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    assert_eq!(
        server_entry(&server, "settings", "log.level")
            .unwrap()
            .value,
        b"info"
    );
    tf.expect_no_changes().unwrap();
    // Destroy with the bucket already gone succeeds too.
    with_api(&server, async |api| {
        assert!(api.delete_stream("KV_settings").await.unwrap());
    });
    tf.destroy().unwrap();
}

#[test]
fn import_buckets_and_entries_by_every_id_form_and_by_identity() {
    let server = NatsServerBuilder::new()
        .jetstream()
        .domain("acc")
        .start()
        .unwrap();
    let tf = terraform_for(&server, &settings());
    tf.apply().unwrap();
    let state_file = tf.dir().join("terraform.tfstate");
    let imports = [
        ("settings", "settings:db.password"),
        (
            "JETSTREAM_KV_settings",
            "JETSTREAM_KV_settings_ENTRY_db.password",
        ),
    ];
    for (bucket_id, entry_id) in imports {
        std::fs::remove_file(&state_file).unwrap();
        tf.import("nats_jetstream_kv_bucket.settings", bucket_id)
            .unwrap();
        tf.import("nats_jetstream_kv_entry.password", entry_id)
            .unwrap();
        tf.import("nats_jetstream_kv_entry.level", "settings:log.level")
            .unwrap();
        // Every attribute of bucket and secret entry was read back. The plain entry
        // lands in value_sensitive first and moves to `value` without a write.
        let plan = plan_text(&tf);
        assert!(
            plan.contains("0 to add, 1 to change, 0 to destroy"),
            "{plan}"
        );
        assert!(plan.contains("nats_jetstream_kv_entry.level"), "{plan}");
        let revision = server_entry(&server, "settings", "log.level")
            .unwrap()
            .revision;
        tf.apply().unwrap();
        assert_eq!(
            server_entry(&server, "settings", "log.level")
                .unwrap()
                .revision,
            revision,
            "moving the value between attributes writes nothing"
        );
        tf.expect_no_changes().unwrap();
    }

    // With a domain, by ID and by identity.
    let with_domain = settings()
        .replace(
            "name             = \"settings\"",
            "name             = \"settings\"\n  domain           = \"acc\"",
        )
        .replace(
            "key             = \"db.password\"",
            "key             = \"db.password\"\n  domain          = \"acc\"",
        )
        .replace(
            "key    = \"log.level\"",
            "key    = \"log.level\"\n  domain = \"acc\"",
        );
    write_config(&tf, &server, &with_domain);
    std::fs::remove_file(&state_file).unwrap();
    tf.import("nats_jetstream_kv_bucket.settings", "acc:settings")
        .unwrap();
    tf.import(
        "nats_jetstream_kv_entry.password",
        "acc:settings:db.password",
    )
    .unwrap();
    tf.import(
        "nats_jetstream_kv_entry.level",
        "acc:JETSTREAM_KV_settings_ENTRY_log.level",
    )
    .unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    std::fs::remove_file(&state_file).unwrap();
    tf.write_file(
        "import.tf",
        r#"
import {
  to       = nats_jetstream_kv_bucket.settings
  identity = { domain = "acc", name = "settings" }
}
import {
  to       = nats_jetstream_kv_entry.password
  identity = { domain = "acc", bucket = "settings", key = "db.password" }
}
import {
  to       = nats_jetstream_kv_entry.level
  identity = { domain = "acc", bucket = "settings", key = "log.level" }
}
"#,
    )
    .unwrap();
    let plan = plan_text(&tf);
    assert!(plan.contains("3 to import"), "{plan}");
    tf.apply().unwrap();
    tf.remove_file("import.tf").unwrap();
    tf.expect_no_changes().unwrap();

    let missing = tf
        .run([
            "import",
            "-no-color",
            "nats_jetstream_kv_bucket.other",
            "nope",
        ])
        .unwrap();
    assert!(!missing.success());
}

#[test]
fn sources_copy_keys_and_the_data_source_reports_live_state() {
    let server = jetstream_server();
    let tf = terraform_for(
        &server,
        r#"
resource "nats_jetstream_kv_bucket" "defaults" {
  name = "defaults"
}

resource "nats_jetstream_kv_entry" "color" {
  bucket = nats_jetstream_kv_bucket.defaults.name
  key    = "color"
  value  = "blue"
}

resource "nats_jetstream_kv_bucket" "merged" {
  name = "merged"
  source {
    name = nats_jetstream_kv_bucket.defaults.name
  }
}

resource "nats_jetstream_kv_bucket" "copy" {
  name = "copy"
  mirror {
    name = nats_jetstream_kv_bucket.defaults.name
  }
}

data "nats_jetstream_kv_bucket" "defaults" {
  name       = "defaults"
  depends_on = [nats_jetstream_kv_entry.color]
}

output "values" {
  value = data.nats_jetstream_kv_bucket.defaults.values
}

output "history" {
  value = data.nats_jetstream_kv_bucket.defaults.history
}
"#,
    );
    tf.apply().unwrap();
    let arrived = acceptance_tests::wait_until(std::time::Duration::from_secs(10), || {
        server_entry(&server, "merged", "color").is_some_and(|e| e.value == b"blue")
    });
    assert!(arrived, "the sourced key arrives in the merged bucket");
    let merged = server_stream(&server, "KV_merged").unwrap().config;
    assert_eq!(merged.sources[0].name, "KV_defaults");
    let copy = server_stream(&server, "KV_copy").unwrap().config;
    assert_eq!(copy.mirror.map(|m| m.name).as_deref(), Some("KV_defaults"));
    let outputs = tf.output_json().unwrap();
    assert_eq!(outputs["values"]["value"], 1);
    assert_eq!(outputs["history"]["value"], 5);
    tf.expect_no_changes().unwrap();

    // A source removed outside Terraform shows as drift and comes back.
    edit_outside(&server, "KV_merged", |config| config.sources.clear());
    let plan = plan_text(&tf);
    assert!(plan.contains("1 to change"), "{plan}");
    tf.apply().unwrap();
    assert_eq!(
        server_stream(&server, "KV_merged")
            .unwrap()
            .config
            .sources
            .len(),
        1
    );
}

#[test]
fn examples_apply_and_converge() {
    let server = jetstream_server();
    let example =
        |path: &str| std::fs::read_to_string(workspace_root().join("examples").join(path)).unwrap();
    let tf = terraform_for(
        &server,
        &[
            example("resources/nats_jetstream_kv_bucket/resource.tf"),
            example("data-sources/nats_jetstream_kv_bucket/data-source.tf"),
            example("resources/nats_jetstream_kv_entry/resource.tf"),
        ]
        .join("\n"),
    );
    tf.apply().unwrap();
    assert_eq!(tf.output_json().unwrap()["config_history"]["value"], 3);
    assert_eq!(
        server_entry(&server, "app", "database.url").unwrap().value,
        b"postgres://app@db/app"
    );
    tf.expect_no_changes().unwrap();
    // The import commands of the examples work as written.
    std::fs::remove_file(tf.dir().join("terraform.tfstate")).unwrap();
    for path in [
        "resources/nats_jetstream_kv_bucket/import.sh",
        "resources/nats_jetstream_kv_entry/import.sh",
    ] {
        for line in example(path)
            .lines()
            .filter(|l| l.starts_with("terraform import"))
        {
            let words: Vec<&str> = line.split_whitespace().collect();
            tf.run(["state", "rm", "-no-color", words[2]]).unwrap();
            tf.import(words[2], words[3]).unwrap();
        }
    }
}

const NEWER_SETTINGS: &str = r#"
resource "nats_jetstream_kv_bucket" "markers" {
  name             = "markers"
  limit_marker_ttl = 5
}

resource "nats_jetstream_stream" "ttl" {
  name          = "TTL"
  subjects      = ["ttl.>"]
  allow_msg_ttl = true
}
"#;

/// Issue 10: a setting newer than the server (limit markers and per-message TTLs came
/// with nats-server 2.11) used to be sent to a 2.10 server, which drops what it does
/// not know: the bucket was created and apply ended in "Provider produced inconsistent
/// result". Now the plan names the version needed, at the attribute, and nothing is
/// created. On a server that knows the settings they apply and converge. `make test`
/// runs the newest server; `make test-compat` runs this test against 2.10 as well
/// (or `NATS_SERVER_BIN=$(scripts/install-tools.sh nats-server 2.10.26)`).
#[test]
fn settings_newer_than_the_server_are_refused_at_plan_naming_the_version() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let level = with_api(&server, async |api| {
        api.account_info().await.unwrap().api.level
    });
    let tf = Terraform::new().unwrap();
    write_config(&tf, &server, NEWER_SETTINGS);
    if level >= 1 {
        tf.apply().unwrap();
        tf.expect_no_changes().unwrap();
        let config = server_stream(&server, "KV_markers").unwrap().config;
        assert_eq!(config.subject_delete_marker_ttl, Duration::from_secs(5));
        return;
    }
    let stderr = tf.expect_plan_error().unwrap();
    let flat = stderr.split_whitespace().collect::<Vec<_>>().join(" ");
    for (written, attribute) in [
        (
            "`limit_marker_ttl` needs nats-server 2.11 or newer",
            "limit_marker_ttl",
        ),
        (
            "`allow_msg_ttl = true` needs nats-server 2.11 or newer",
            "allow_msg_ttl",
        ),
    ] {
        assert!(flat.contains(written), "{written}: {stderr}");
        assert!(
            stderr.lines().any(|l| l.contains(':')
                && l.trim_start()
                    .split(':')
                    .nth(1)
                    .is_some_and(|r| r.trim_start().starts_with(attribute))),
            "{attribute} quoted: {stderr}"
        );
    }
    assert!(flat.contains("(nats-server 2.10 or older)"), "{stderr}");
    assert!(!stderr.contains("inconsistent result"), "{stderr}");
    tf.expect_apply_error().unwrap();
    let streams = with_api(&server, async |api| api.stream_names(None).await.unwrap());
    assert!(streams.is_empty(), "nothing may be created: {streams:?}");
}
