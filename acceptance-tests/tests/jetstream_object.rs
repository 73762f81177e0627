//! `nats_jetstream_object_bucket` against a real JetStream server: create and check the
//! server's view, converge, update in place, replace on storage, drift both ways,
//! import in every accepted form, destroy, and the example.

use acceptance_tests::{workspace_root, NatsServer, NatsServerBuilder, Terraform};
use natsforge::nats::jetstream::{Compression, StorageType, StreamConfig, StreamInfo};
use natsforge::nats::{connect, ConnectOptions, JetStreamApi};

fn with_api<T>(server: &NatsServer, work: impl AsyncFnOnce(JetStreamApi) -> T) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            let client = connect(&ConnectOptions {
                servers: vec![server.client_url().to_string()],
                ..ConnectOptions::default()
            })
            .await
            .unwrap();
            work(JetStreamApi::new(client, None)).await
        })
}

fn server_stream(server: &NatsServer, name: &str) -> Option<StreamInfo> {
    with_api(server, async |api| api.stream_info(name).await.unwrap())
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
        &format!(
            r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers = "{}"
}}

{resources}
"#,
            server.client_url()
        ),
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
    let tf = terraform_for(&server, FILES);
    tf.apply().unwrap();
    let config = server_stream(&server, "OBJ_files").expect("created").config;
    assert_eq!(config.subjects, vec!["$O.files.C.>", "$O.files.M.>"]);
    assert_eq!(config.max_age, 86_400_000_000_000);
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
    write_config(&tf, &server, &changed);
    let plan = plan_text(&tf);
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    let config = server_stream(&server, "OBJ_files").unwrap().config;
    assert_eq!(config.max_age, 3_600_000_000_000);
    assert_eq!(config.compression, Compression::S2);
    tf.expect_no_changes().unwrap();
    write_config(
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
    write_config(
        &tf,
        &server,
        &changed.replace("metadata", "storage         = \"memory\"\n  metadata"),
    );
    assert!(plan_text(&tf).contains("must be replaced"));
    tf.apply().unwrap();
    assert_eq!(
        server_stream(&server, "OBJ_files").unwrap().config.storage,
        StorageType::Memory
    );
    tf.expect_no_changes().unwrap();

    tf.destroy().unwrap();
    assert!(server_stream(&server, "OBJ_files").is_none());
}

#[test]
fn drift_both_ways_and_import() {
    let server = NatsServerBuilder::new()
        .jetstream()
        .domain("acc")
        .start()
        .unwrap();
    let tf = terraform_for(&server, FILES);
    tf.apply().unwrap();

    edit_outside(&server, "OBJ_files", |config| {
        config.max_bytes = 99;
        config.description = None;
    });
    let plan = plan_text(&tf);
    assert!(plan.contains("1 to change"), "{plan}");
    assert!(plan.contains("99"), "{plan}");
    tf.apply().unwrap();
    assert_eq!(
        server_stream(&server, "OBJ_files")
            .unwrap()
            .config
            .max_bytes,
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
    write_config(&tf, &server, &with_domain);
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
    let tf = terraform_for(
        &server,
        &example("resources/nats_jetstream_object_bucket/resource.tf"),
    );
    tf.apply().unwrap();
    assert!(server_stream(&server, "OBJ_assets").is_some());
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
