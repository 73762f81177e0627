//! The KV purge and consumer pause/resume actions with real terraform and nats-server:
//! named keys lose their history and keep a purge marker, deleted keys are removed
//! with their markers while live keys stay, a consumer paused by the action is paused
//! on the server (and its resource sees no change), and resumed again.

use acceptance_tests::{
    block_on, jetstream, provider_config, terraform_with, workspace_root, NatsServer,
    NatsServerBuilder, Terraform, TfOutput,
};
use natsforge::nats::jetstream::{KvEntry, KvOperation};
use natsforge::nats::JetStreamApi;

fn jetstream_server() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

fn with_api<T>(server: &NatsServer, work: impl AsyncFnOnce(JetStreamApi) -> T) -> T {
    block_on(async { work(jetstream(server, None).await).await })
}

/// Terraform's output with its line wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn invoke(tf: &Terraform, address: &str) -> TfOutput {
    let target = format!("-invoke=action.{address}");
    tf.run_ok(&["apply", "-auto-approve", "-no-color", &target])
        .unwrap()
}

/// Writes `hcl` as the configuration; `terraform plan -invoke=action.<address>` must fail
/// with every text of `expected` in its errors.
fn refused_at_plan(tf: &Terraform, hcl: &str, address: &str, expected: &[&str]) {
    tf.write_file("main.tf", hcl).unwrap();
    let target = format!("-invoke=action.{address}");
    let output = tf.run(["plan", "-no-color", &target]).unwrap();
    assert!(!output.success(), "{hcl}: {}", output.stdout);
    let stderr = flat(&output.stderr);
    for text in expected {
        assert!(stderr.contains(&flat(text)), "{hcl}: {text} in\n{stderr}");
    }
}

fn entry(server: &NatsServer, key: &str) -> Option<KvEntry> {
    with_api(server, async |api| {
        api.kv_get("settings", key).await.unwrap()
    })
}

/// Messages the bucket's stream holds.
fn stored(server: &NatsServer) -> u64 {
    with_api(server, async |api| {
        api.stream_info("KV_settings")
            .await
            .unwrap()
            .unwrap()
            .state
            .messages
    })
}

const BUCKET: &str = r#"
resource "nats_jetstream_kv_bucket" "settings" {
  name    = "settings"
  history = 5
}
"#;

const PURGES: &str = r#"
action "nats_jetstream_kv_bucket_purge" "colour" {
  config {
    bucket = nats_jetstream_kv_bucket.settings.name
    keys   = ["ui.colour"]
  }
}

action "nats_jetstream_kv_bucket_purge" "deleted" {
  config {
    bucket  = nats_jetstream_kv_bucket.settings.name
    deleted = true
  }
}
"#;

#[test]
fn kv_purges_remove_history_and_deleted_keys_but_never_live_ones() {
    let server = jetstream_server();
    let tf = terraform_with(&server, &format!("{BUCKET}{PURGES}"));
    tf.apply().unwrap();
    with_api(&server, async |api| {
        for colour in ["red", "green", "blue"] {
            api.kv_put("settings", "ui.colour", colour.as_bytes())
                .await
                .unwrap();
        }
        api.kv_put("settings", "ui.size", b"10").await.unwrap();
        api.kv_put("settings", "ui.size", b"12").await.unwrap();
        api.kv_put("settings", "old.flag", b"on").await.unwrap();
        api.kv_delete("settings", "old.flag").await.unwrap();
    });
    assert_eq!(stored(&server), 7);

    let purged = flat(&invoke(&tf, "nats_jetstream_kv_bucket_purge.colour").stdout);
    assert!(
        purged.contains("Purged 1 key of bucket settings: 3 messages of history removed"),
        "{purged}"
    );
    let colour = entry(&server, "ui.colour").expect("the purge marker");
    assert_eq!(colour.operation, KvOperation::Purge);
    assert_eq!(stored(&server), 5, "3 revisions gone, one purge marker");

    let removed = flat(&invoke(&tf, "nats_jetstream_kv_bucket_purge.deleted").stdout);
    assert!(
        removed.contains(
            "Removed 2 deleted keys of bucket settings (3 messages); 1 live key untouched"
        ),
        "{removed}"
    );
    assert!(entry(&server, "ui.colour").is_none());
    assert!(entry(&server, "old.flag").is_none());
    let size = entry(&server, "ui.size").expect("the live key stays");
    assert_eq!(
        (size.value.as_slice(), size.operation),
        (&b"12"[..], KvOperation::Put)
    );
    assert_eq!(stored(&server), 2, "both revisions of the live key stay");
    tf.expect_no_changes().unwrap();
}

#[test]
fn kv_purge_bad_input_is_refused_at_plan() {
    let server = jetstream_server();
    let tf = terraform_with(&server, BUCKET);
    tf.apply().unwrap();
    let cases = [
        (
            "keys    = [\"a\"]\n    deleted = true",
            &["Conflicting purges", "deleted = true"][..],
        ),
        ("keys = [\"a b\"]", &["Invalid value", "\"a b\""][..]),
        ("deleted = false", &["Nothing to purge"][..]),
    ];
    let prefix = "action \"nats_jetstream_kv_bucket_purge\" \"bad\" {\n  config {\n    bucket = \"settings\"";
    for (arguments, expected) in cases {
        let action = format!("{prefix}\n    {arguments}\n  }}\n}}\n");
        let hcl = format!("{}\n{BUCKET}\n{action}", provider_config(&server));
        refused_at_plan(&tf, &hcl, "nats_jetstream_kv_bucket_purge.bad", expected);
    }
}

const WORKERS: &str = r#"
resource "nats_jetstream_stream" "orders" {
  name     = "ORDERS"
  subjects = ["ORDERS.>"]
}

resource "nats_jetstream_consumer" "workers" {
  stream_id    = nats_jetstream_stream.orders.id
  durable_name = "WORKERS"
}
"#;

fn paused(server: &NatsServer) -> bool {
    with_api(server, async |api| {
        api.consumer_info("ORDERS", "WORKERS")
            .await
            .unwrap()
            .unwrap()
            .paused
    })
}

#[test]
fn consumers_pause_and_resume_without_changing_their_resource() {
    let server = jetstream_server();
    let example = |name: &str| {
        let path = workspace_root().join(format!("examples/actions/{name}/action.tf"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let tf = terraform_with(
        &server,
        &format!(
            "{WORKERS}\n{}\n{}\naction \"nats_jetstream_consumer_pause\" \"past\" {{\n  config {{\n    stream   = \"ORDERS\"\n    consumer = \"WORKERS\"\n    until    = \"2020-01-01T00:00:00Z\"\n  }}\n}}\n",
            example("nats_jetstream_consumer_pause"),
            example("nats_jetstream_consumer_resume")
        ),
    );
    tf.apply().unwrap();
    assert!(!paused(&server));

    let output = flat(&invoke(&tf, "nats_jetstream_consumer_pause.workers").stdout);
    assert!(
        output.contains("Paused consumer WORKERS of stream ORDERS until 20"),
        "{output}"
    );
    assert!(paused(&server));
    // The resource leaves pause_until alone when its configuration does.
    tf.expect_no_changes().unwrap();

    let output = flat(&invoke(&tf, "nats_jetstream_consumer_resume.workers").stdout);
    assert!(
        output.contains("Resumed consumer WORKERS of stream ORDERS"),
        "{output}"
    );
    assert!(!paused(&server));

    let output = flat(&invoke(&tf, "nats_jetstream_consumer_pause.past").stdout);
    assert!(
        output.contains("is not paused: the pause end has passed already"),
        "{output}"
    );
    assert!(!paused(&server));

    // Resuming a consumer that is not paused changes nothing.
    invoke(&tf, "nats_jetstream_consumer_resume.workers");
    assert!(!paused(&server));
}

#[test]
fn pause_bad_input_is_refused_at_plan() {
    let server = jetstream_server();
    let tf = terraform_with(&server, WORKERS);
    tf.apply().unwrap();
    let cases = [
        (
            "until    = \"2030-01-01T00:00:00Z\"\n    duration = 5",
            &["Conflicting pause ends", "duration = 5"][..],
        ),
        ("until = \"tomorrow\"", &["is not an RFC 3339 time"][..]),
        ("duration = 0", &["duration = 0"][..]),
        ("", &["Missing pause end"][..]),
    ];
    let prefix = "action \"nats_jetstream_consumer_pause\" \"bad\" {\n  config {\n    stream   = \"ORDERS\"\n    consumer = \"WORKERS\"";
    for (arguments, expected) in cases {
        let action = format!("{prefix}\n    {arguments}\n  }}\n}}\n");
        let hcl = format!("{}\n{WORKERS}\n{action}", provider_config(&server));
        refused_at_plan(&tf, &hcl, "nats_jetstream_consumer_pause.bad", expected);
        assert!(!paused(&server));
    }
}
