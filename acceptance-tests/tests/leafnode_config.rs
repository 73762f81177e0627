//! `nats_leafnode_config` offline: every rendered variant is a file `nats-server -t`
//! accepts; files are 0600, creds sit beside the config, edits and removals outside
//! Terraform show as drift, destroy removes the files. Invalid configurations are in
//! `leafnode_invalid.rs`.

use acceptance_tests::{check_config, Terraform};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

const KEYS: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

variable "dir" {
  type = string
}

resource "nats_nkey" "operator" {
  type = "operator"
}

resource "nats_nkey" "system" {
  type = "account"
}

resource "nats_nkey_account" "system" {
  name        = "SYS"
  public_key  = nats_nkey.system.public_key
  issuer_seed = nats_nkey.operator.seed
}

resource "nats_nkey_account" "a" {
  name        = "A"
  issuer_seed = nats_nkey.operator.seed
  limits      = { leaf_connections = -1 }
  jetstream   = {}
}

resource "nats_nkey_operator" "main" {
  name             = "OP"
  seed             = nats_nkey.operator.seed
  system_account   = nats_nkey.system.public_key
  resolver_preload = [nats_nkey_account.system.jwt, nats_nkey_account.a.jwt]
}

resource "nats_nkey_user" "leaf" {
  name                     = "leaf"
  issuer_seed              = nats_nkey_account.a.seed
  allowed_connection_types = ["LEAFNODE"]
}
"#;

const VARIANTS: &str = r#"
resource "nats_leafnode_config" "hub" {
  server_name     = "hub"
  listen          = "127.0.0.1:4222"
  http            = "127.0.0.1:8222"
  operator_config = nats_nkey_operator.main.server_config
  jetstream = {
    domain     = "hub"
    store_dir  = "${var.dir}/hub-store"
    max_memory = 1073741824
    max_file   = 10737418240
  }
  leafnodes = {
    listen    = "127.0.0.1:7422"
    advertise = "hub.example.com:7422"
  }
  path = "${var.dir}/hub.conf"
}

resource "nats_leafnode_config" "leaf" {
  server_name     = "leaf"
  listen          = "127.0.0.1:4223"
  operator_config = nats_nkey_operator.main.server_config
  jetstream = {
    domain    = "leaf"
    store_dir = "${var.dir}/leaf \"store\" $NOT_A_VAR {x}"
  }
  remote {
    urls         = ["nats-leaf://127.0.0.1:7422", "nats-leaf://127.0.0.1:7423"]
    account      = nats_nkey_account.a.public_key
    credentials  = nats_nkey_user.leaf.creds
    deny_imports = ["private.>"]
    deny_exports = ["local.>", "$JS.API.>"]
    compression  = "s2_auto"
  }
  path = "${var.dir}/leaf.conf"
}

resource "nats_leafnode_config" "plain" {
  server_name = "plain"
  listen      = "127.0.0.1:4224"
  cluster = {
    name   = "c1"
    listen = "127.0.0.1:6222"
    routes = ["nats-route://127.0.0.1:6223"]
  }
  leafnodes = {
    listen = "127.0.0.1:7424"
  }
  remote {
    urls             = ["tls://127.0.0.1:7425"]
    credentials_file = "${var.dir}/elsewhere.creds"
    hub              = true
    disabled         = true
  }
  includes = ["extra.conf"]
  path     = "${var.dir}/plain.conf"
}

resource "nats_leafnode_config" "content_only" {
  server_name = "content-only"
  remote {
    urls = ["ws://127.0.0.1:8080"]
  }
}

output "content_only" {
  value     = nats_leafnode_config.content_only.content
  sensitive = true
}

output "leaf_files" {
  value = nats_leafnode_config.leaf.files
}
"#;

/// `nats-server -t -c <file>`: the server's own verdict on the file.
fn server_accepts(path: &Path) {
    check_config(path).unwrap_or_else(|e| panic!("{e}"));
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn every_variant_is_valid_written_0600_and_drift_shows() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("extra.conf"), "max_payload: 65536\n").unwrap();
    std::fs::write(dir.path().join("elsewhere.creds"), "not read by -t\n").unwrap();
    let tf = Terraform::new().unwrap().with_env("TF_VAR_dir", dir.path());
    tf.write_file("keys.tf", KEYS).unwrap();
    tf.write_file("main.tf", VARIANTS).unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    for name in ["hub.conf", "leaf.conf", "plain.conf"] {
        let path = dir.path().join(name);
        assert_eq!(mode(&path), 0o600, "{name}");
        server_accepts(&path);
    }
    let creds = dir.path().join("leaf.remote-0.creds");
    assert_eq!(mode(&creds), 0o600);
    let creds_text = std::fs::read_to_string(&creds).unwrap();
    assert!(creds_text.contains("BEGIN USER NKEY SEED"));
    let leaf_conf = std::fs::read_to_string(dir.path().join("leaf.conf")).unwrap();
    assert!(leaf_conf.contains(&creds.display().to_string()));
    assert!(
        !leaf_conf.contains("NKEY SEED"),
        "creds never go into the file"
    );

    let outputs = tf.output_json().unwrap();
    let content_only = dir.path().join("content-only.conf");
    std::fs::write(
        &content_only,
        outputs["content_only"]["value"].as_str().unwrap(),
    )
    .unwrap();
    server_accepts(&content_only);
    assert_eq!(outputs["leaf_files"]["value"].as_object().unwrap().len(), 2);

    // Edited outside Terraform: drift, and apply writes it back.
    std::fs::write(dir.path().join("hub.conf"), "server_name: edited\n").unwrap();
    let plan = tf.plan().unwrap();
    assert!(
        plan.stdout
            .contains("nats_leafnode_config.hub will be updated"),
        "{}",
        plan.stdout
    );
    // A creds file removed outside Terraform: drift too.
    std::fs::remove_file(&creds).unwrap();
    let plan = tf.plan().unwrap();
    assert!(
        plan.stdout
            .contains("nats_leafnode_config.leaf will be updated"),
        "{}",
        plan.stdout
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    assert_eq!(std::fs::read_to_string(&creds).unwrap(), creds_text);
    server_accepts(&dir.path().join("hub.conf"));

    tf.destroy().unwrap();
    for name in ["hub.conf", "leaf.conf", "plain.conf", "leaf.remote-0.creds"] {
        assert!(!dir.path().join(name).exists(), "{name} left behind");
    }
    assert!(dir.path().join("elsewhere.creds").exists(), "not ours");
}

#[test]
fn the_documented_example_writes_files_nats_server_accepts() {
    let tf = Terraform::new().unwrap();
    let example = acceptance_tests::workspace_root()
        .join("examples/resources/nats_leafnode_config/resource.tf");
    tf.write_file("main.tf", &std::fs::read_to_string(example).unwrap())
        .unwrap();
    tf.write_file(
        "versions.tf",
        "terraform {\n  required_providers {\n    nats = { source = \"natsforge/nats\" }\n  }\n}\n",
    )
    .unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    for name in ["hub.conf", "leaf.conf"] {
        server_accepts(&tf.dir().join(name));
    }
    assert_eq!(mode(&tf.dir().join("leaf.remote-0.creds")), 0o600);
    tf.destroy().unwrap();
    assert!(!tf.dir().join("leaf.conf").exists());
}
