//! `nats_leafnode_config` offline: every rendered variant is a file `nats-server -t`
//! accepts; files are 0600, creds sit beside the config, edits and removals outside
//! Terraform show as drift, destroy removes the files; invalid configurations fail at
//! plan time with their attribute path.

use acceptance_tests::{nats_server_binary, Terraform};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

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
    let output = Command::new(nats_server_binary().unwrap())
        .arg("-t")
        .arg("-c")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "nats-server -t refused {}:\n{}{}\n--- file ---\n{}",
        path.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(path).unwrap_or_default()
    );
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

/// Creds text whose JWT is an account's, not a user's; the seed is a real user seed.
fn not_user_creds() -> (String, String) {
    let operator = nkeys::KeyPair::new_operator();
    let account = nkeys::KeyPair::new_account();
    let claims = natsforge::nats::jwt::Claims::new(
        account.public_key(),
        "A",
        natsforge::nats::jwt::Account::default(),
    );
    let jwt = natsforge::nats::jwt::encode(&claims, &operator).unwrap();
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    (
        format!(
            "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
        ),
        seed,
    )
}

#[test]
fn invalid_configurations_fail_at_plan_with_their_path() {
    let tf = Terraform::new().unwrap();
    let (bad_creds, seed) = not_user_creds();
    let operator_key = nkeys::KeyPair::new_operator().public_key();
    // Creds reach the configuration as a sensitive variable, as they would in real use.
    let variables = format!(
        "terraform {{\n  required_providers {{\n    nats = {{ source = \"natsforge/nats\" }}\n  }}\n}}\nvariable \"creds\" {{\n  type      = string\n  sensitive = true\n  default   = <<-EOT\n{bad_creds}EOT\n}}\n"
    );
    // (body, part of the message, part of the source line Terraform quotes for the path)
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "remote {\n  compression = \"off\"\n}".into(),
            "Remote without URL",
            "remote {",
        ),
        (
            format!("remote {{\n  urls = [\"nats://h:7422\"]\n  account = \"{operator_key}\"\n}}"),
            "an operator public key",
            "account = ",
        ),
        (
            "remote {\n  urls = [\"nats://h:7422\"]\n  credentials = var.creds\n}\npath = \"x.conf\"".into(),
            "not a user creds file",
            "credentials = var.creds",
        ),
        (
            "remote {\n  urls = [\"nats://h:7422\"]\n  credentials = var.creds\n}".into(),
            "Inline credentials need a path",
            "credentials = var.creds",
        ),
        (
            "remote {\n  urls = [\"nats://h:7422\"]\n  credentials_file = \"a.creds\"\n  credentials = var.creds\n}\npath = \"x.conf\"".into(),
            "Conflicting attributes",
            "credentials_file = ",
        ),
        (
            "remote {\n  urls = [\"http://h:7422\"]\n}".into(),
            "Invalid leaf node URL",
            "urls = [\"http://h:7422\"]",
        ),
        (
            "remote {\n  urls = [\"nats://u:secretpw@h:7422\"]\n}\nremote {\n  urls = [\"nats://u:secretpw@h:7422\"]\n}".into(),
            "Duplicate remote",
            "remote {",
        ),
        (String::new(), "Neither hub nor leaf", "resource \"nats_leafnode_config\""),
        (
            "operator_config = \"resolver: MEMORY\"\nremote {\n  urls = [\"nats://h:7422\"]\n}".into(),
            "Operator mode needs the account",
            "remote {",
        ),
        (
            "leafnodes = { listen = \"127.0.0.1:7422\" }\njetstream = { domain = \"a.b\" }".into(),
            "domain",
            "jetstream = ",
        ),
        (
            "leafnodes = { listen = \"127.0.0.1:7422\" }\nserver_name = \"two words\"".into(),
            "server name",
            "server_name = \"two words\"",
        ),
        (
            "leafnodes = { listen = \"127.0.0.1:7422\" }\nconnect_timeout = \"soon\"".into(),
            "not a duration",
            "connect_timeout = ",
        ),
    ];
    for (body, message, line) in &cases {
        tf.write_file(
            "main.tf",
            &format!(
                "{variables}resource \"nats_leafnode_config\" \"bad\" {{\n{}{body}\n}}\n",
                if body.contains("server_name") {
                    ""
                } else {
                    "  server_name = \"x\"\n"
                }
            ),
        )
        .unwrap();
        let error = tf.expect_plan_error().unwrap();
        assert!(
            error.contains(message) && error.contains(line),
            "{body}: expected {message:?} quoting {line:?}, got:\n{error}"
        );
        assert!(!error.contains(&seed), "a seed in the message: {error}");
        if message.contains("Duplicate") {
            let diagnostic_lines: String =
                error.lines().filter(|l| !l.contains("urls = ")).collect();
            assert!(!diagnostic_lines.contains("secretpw"), "{error}");
        }
    }
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
