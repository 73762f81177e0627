//! `nats_leafnode_config` live, with system credentials for the leaf: a change to a
//! remote is applied by a `$SYS` reload (same process, connection back), a leaf
//! disconnected outside Terraform shows in the next plan, a remote that cannot connect
//! fails the apply naming it, and `nats_leafnodes` reads LEAFZ. On a nats-server older
//! than 2.14 (`make test-compat`), which cannot change remotes by reload, the change is
//! refused naming both versions, with nothing written.

use acceptance_tests::{
    nats_server_release, version_at_least, wait_until, workspace_root, NatsServer,
    NatsServerBuilder, OperatorSetup, Terraform, APP_ACCOUNT,
};
use std::path::Path;
use std::time::Duration;

const CONFIG: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

variable "dir" { type = string }
variable "leaf_url" { type = string }
variable "system_creds" { type = string }
variable "operator_config" { type = string }
variable "hub_leaf_url" { type = string }
variable "account" { type = string }
variable "reload" { type = bool }
variable "deny_exports" {
  type    = list(string)
  default = null
}
variable "extra_remote" {
  type    = list(string)
  default = []
}

provider "nats" {
  servers            = var.leaf_url
  system_credentials = var.system_creds
}

resource "nats_leafnode_config" "leaf" {
  server_name     = "live-leaf"
  listen          = "127.0.0.1:-1"
  http            = "127.0.0.1:-1"
  operator_config = var.operator_config
  remote {
    urls         = [var.hub_leaf_url]
    account      = var.account
    deny_exports = var.deny_exports
  }
  dynamic "remote" {
    for_each = var.extra_remote
    content {
      urls    = [remote.value]
      account = var.account
    }
  }
  reload          = var.reload
  connect_timeout = "3s"
  path            = "${var.dir}/leaf.conf"
}

output "connections" {
  value = nats_leafnode_config.leaf.connections
}
"#;

fn start_from_file(config: &Path) -> NatsServer {
    // nats-server resolves includes against the including file's directory.
    let dir = config
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy();
    NatsServerBuilder::from_config(format!("include \"../{dir}/leaf.conf\""))
        .start()
        .unwrap()
}

fn tfvars(tf: &Terraform, values: &[(&str, String)]) {
    let text: String = values
        .iter()
        .map(|(name, value)| format!("{name} = {value}\n"))
        .collect();
    tf.write_file("terraform.tfvars", &text).unwrap();
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

fn heredoc(text: &str) -> String {
    format!("<<-EOT\n{text}\nEOT")
}

#[test]
fn reload_over_sys_keeps_the_leaf_connected_and_drift_shows() {
    let hub = NatsServerBuilder::new()
        .server_name("live-hub")
        .leafnode_listen()
        .start()
        .unwrap();
    let setup = OperatorSetup::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    let base = |leaf_url: &str, reload: bool| {
        vec![
            ("dir", quoted(&dir.path().display().to_string())),
            ("leaf_url", quoted(leaf_url)),
            (
                "system_creds",
                quoted(&setup.system_creds_path().display().to_string()),
            ),
            ("operator_config", heredoc(&setup.config_fragment())),
            ("hub_leaf_url", quoted(hub.leafnode_url())),
            ("account", quoted(&setup.account_public_key(APP_ACCOUNT))),
            ("reload", reload.to_string()),
        ]
    };
    // Offline first: the file, then a server running on it.
    tfvars(&tf, &base("nats://127.0.0.1:1", false));
    tf.apply().unwrap();
    let leaf = start_from_file(&dir.path().join("leaf.conf"));
    let connected = || {
        hub.monitor_json("/leafz")
            .is_ok_and(|l| l["leafnodes"] == 1)
    };
    assert!(
        wait_until(Duration::from_secs(10), connected),
        "{}",
        leaf.log()
    );

    // Live: reload and wait; connections reported.
    tfvars(&tf, &base(leaf.client_url(), true));
    tf.apply().unwrap();
    let outputs = tf.output_json().unwrap();
    let connections = &outputs["connections"]["value"];
    assert_eq!(connections[0]["connected"], true, "{connections}");
    assert_eq!(
        connections[0]["account"],
        setup.account_public_key(APP_ACCOUNT)
    );
    tf.expect_no_changes().unwrap();

    // A change to the remote, applied by reload: same process, connection back.
    let pid = leaf.pid();
    let mut changed = base(leaf.client_url(), true);
    changed.push(("deny_exports", "[\"local.>\"]".into()));
    tfvars(&tf, &changed);
    let version = nats_server_release().unwrap();
    if !version_at_least(&version, "2.14.0") {
        refused_before_anything_is_written(&tf, &dir.path().join("leaf.conf"), &version);
        return;
    }
    tf.apply().unwrap();
    assert_eq!(leaf.pid(), pid);
    assert!(leaf.log().contains("Reloaded"), "{}", leaf.log());
    assert!(wait_until(Duration::from_secs(10), connected));
    tf.expect_no_changes().unwrap();

    // The data source reads the same LEAFZ.
    let reader = Terraform::new().unwrap();
    reader
        .write_file(
            "main.tf",
            &format!(
                "terraform {{\n  required_providers {{\n    nats = {{ source = \"natsforge/nats\" }}\n  }}\n}}\nprovider \"nats\" {{\n  servers = \"{}\"\n  system_credentials = \"{}\"\n}}\n{}\noutput \"count\" {{\n  value = data.nats_leafnodes.leaf.leafnodes\n}}\n",
                leaf.client_url(),
                setup.system_creds_path().display(),
                std::fs::read_to_string(
                    workspace_root().join("examples/data-sources/nats_leafnodes/data-source.tf")
                )
                .unwrap()
                .replace("server_name = \"leaf\"", "server_name = \"live-leaf\"")
            ),
        )
        .unwrap();
    reader.apply().unwrap();
    let read = reader.output_json().unwrap();
    assert_eq!(read["count"]["value"], 1);
    assert!(read["leaf_connections"]["value"][0]
        .as_str()
        .unwrap()
        .contains("live-hub"));

    // A remote that cannot connect fails the apply, named, within connect_timeout.
    let mut broken = changed.clone();
    broken.push(("extra_remote", "[\"nats-leaf://127.0.0.1:9\"]".into()));
    tfvars(&tf, &broken);
    let error = tf.expect_apply_error().unwrap();
    assert!(
        error.contains("Leaf node remote not connected") && error.contains("127.0.0.1:9"),
        "{error}"
    );
    tfvars(&tf, &changed);
    tf.apply().unwrap();

    // The hub goes away outside Terraform: the next plan shows the leaf disconnected.
    drop(hub);
    let plan = tf.plan().unwrap();
    assert!(
        plan.stdout
            .contains("nats_leafnode_config.leaf will be updated")
            && plan.stdout.contains("connected"),
        "{}",
        plan.stdout
    );
}

/// nats-server before 2.14 cannot change a remote by reload: the apply fails naming the
/// server's version and 2.14, the file is untouched and the state still holds the old
/// remote (the change is planned again).
fn refused_before_anything_is_written(tf: &Terraform, config: &Path, version: &str) {
    let before = std::fs::read_to_string(config).unwrap();
    let error = tf.expect_apply_error().unwrap();
    // Terraform wraps long details across lines.
    let error = error.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        error.contains(&format!("runs nats-server {version}"))
            && error.contains("needs nats-server 2.14.0 or newer")
            && error.contains("Nothing was written"),
        "{error}"
    );
    assert_eq!(std::fs::read_to_string(config).unwrap(), before);
    let plan = tf.plan().unwrap();
    assert!(
        plan.stdout.contains("deny_exports") && plan.stdout.contains("local.>"),
        "{}",
        plan.stdout
    );
}
