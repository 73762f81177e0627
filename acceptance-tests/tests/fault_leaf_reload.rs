//! Fault drill: a leaf's configuration changes while its hub is down (SIGKILL). The
//! apply writes the file, reloads the leaf over `$SYS` and fails with a clear error
//! within `connect_timeout`; the file on disk, the state and the running leaf then all
//! hold the new configuration, and the state says the remote is not connected. When
//! the hub is back, the next apply converges and plans nothing more.

use acceptance_tests::{
    wait_until, NatsServer, NatsServerBuilder, OperatorSetup, Terraform, APP_ACCOUNT,
};
use serde_json::{json, Value};
use std::time::{Duration, Instant};

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
variable "hub_url" { type = string }
variable "account" { type = string }
variable "reload" { type = bool }
variable "deny_exports" {
  type    = list(string)
  default = null
}

provider "nats" {
  servers            = var.leaf_url
  system_credentials = var.system_creds
}

resource "nats_leafnode_config" "leaf" {
  server_name     = "drill-leaf"
  listen          = "127.0.0.1:-1"
  http            = "127.0.0.1:-1"
  operator_config = var.operator_config
  remote {
    urls         = [var.hub_url]
    account      = var.account
    deny_exports = var.deny_exports
  }
  reload          = var.reload
  connect_timeout = "3s"
  path            = "${var.dir}/leaf.conf"
}
"#;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

fn hub(port: u16) -> NatsServer {
    NatsServerBuilder::new()
        .server_name("drill-hub")
        .extra(&format!("leafnodes {{ listen: \"127.0.0.1:{port}\" }}"))
        .start()
        .unwrap()
}

fn leafnodes(server: &NatsServer) -> u64 {
    server
        .monitor_json("/leafz")
        .ok()
        .and_then(|leafz| leafz["leafnodes"].as_u64())
        .unwrap_or(0)
}

/// The resource's values in the state.
fn state(tf: &Terraform) -> Value {
    let show = tf.show_json().unwrap();
    show["values"]["root_module"]["resources"][0]["values"].clone()
}

#[test]
fn a_reload_while_the_hub_is_down_fails_clearly_and_state_matches_disk() {
    let hub_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut hub_server = hub(hub_port);
    let setup = OperatorSetup::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("leaf.conf");
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    let variables = |leaf_url: &str, reload: bool, deny_exports: Option<&[&str]>| {
        let text = json!({
            "dir": dir.path(),
            "leaf_url": leaf_url,
            "system_creds": setup.system_creds_path(),
            "operator_config": setup.config_fragment(),
            "hub_url": format!("nats-leaf://127.0.0.1:{hub_port}"),
            "account": setup.account_public_key(APP_ACCOUNT),
            "reload": reload,
            "deny_exports": deny_exports,
        });
        tf.write_file("terraform.tfvars.json", &text.to_string())
            .unwrap();
    };
    // The file first (offline), then the leaf running on it, then live applies.
    variables("nats://127.0.0.1:1", false, None);
    tf.apply().unwrap();
    let leaf = NatsServerBuilder::from_file(&config).start().unwrap();
    assert!(wait_until(Duration::from_secs(10), || leafnodes(&leaf) == 1));
    variables(leaf.client_url(), true, None);
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    // The hub dies; the remote changes (two reloads: without it, then with it).
    hub_server.kill();
    assert!(wait_until(Duration::from_secs(10), || leafnodes(&leaf) == 0));
    variables(leaf.client_url(), true, Some(&["local.>"]));
    let started = Instant::now();
    let error = tf.expect_apply_error().unwrap();
    let took = started.elapsed();
    assert!(
        error.contains("Leaf node remote not connected")
            && error.contains(&format!("127.0.0.1:{hub_port}"))
            && error.contains("after 3s"),
        "{error}"
    );
    // Terraform and the provider start, plan, write, reload twice, then wait 3 s.
    assert!(
        took < CONNECT_TIMEOUT + Duration::from_secs(20),
        "the error took {took:?}"
    );

    // Disk, state and the running leaf agree: the new configuration, not connected.
    let on_disk = std::fs::read_to_string(&config).unwrap();
    assert!(on_disk.contains("local.>"), "{on_disk}");
    let recorded = state(&tf);
    assert_eq!(recorded["content"], on_disk.as_str());
    assert_eq!(
        recorded["files"][config.display().to_string()],
        recorded["content_sha256"]
    );
    assert_eq!(recorded["remote"][0]["deny_exports"], json!(["local.>"]));
    assert_eq!(recorded["connections"][0]["connected"], false);
    let varz = leaf.monitor_json("/varz").unwrap();
    let running = &varz["leaf"]["remotes"][0]["deny"]["exports"];
    assert!(
        running
            .as_array()
            .is_some_and(|e| e.contains(&json!("local.>"))),
        "the leaf did not reload: {running}"
    );
    let plan = tf.plan().unwrap();
    assert!(
        plan.stdout
            .contains("nats_leafnode_config.leaf will be updated"),
        "{}",
        plan.stdout
    );

    // The hub is back where it was: the leaf reconnects, the next apply converges.
    let _hub_again = hub(hub_port);
    assert!(wait_until(Duration::from_secs(15), || leafnodes(&leaf) == 1));
    tf.apply().unwrap();
    assert_eq!(state(&tf)["connections"][0]["connected"], true);
    tf.expect_no_changes().unwrap();
    eprintln!("drill timings: failing apply {took:?}");
}
