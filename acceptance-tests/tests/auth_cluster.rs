//! A three-node resolver cluster started from Terraform's `server_config`: an account
//! pushed through one node is on every node's disk as soon as `apply` returns (apply
//! waits for every server's confirmation), a changed limit reaches all three without
//! a restart, and a node that cannot take updates fails the apply by name.

use std::path::PathBuf;
use std::time::Duration;

use acceptance_tests::{
    creds_options, free_ports, wait_until, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::{connect, SystemApi};
use serde_json::Value;

const REQUIRED: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}
"#;

/// One operator, two renderings of its trust: `full` takes `$SYS` updates and deletes,
/// `memory` (same operator) only knows its preloaded accounts and ignores updates.
const TRUST: &str = r#"
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

resource "nats_nkey_user" "system" {
  name        = "sys"
  issuer_seed = nats_nkey.system.seed
}

resource "nats_nkey_operator" "full" {
  name             = "OP"
  seed             = nats_nkey.operator.seed
  system_account   = nats_nkey.system.public_key
  resolver_preload = [nats_nkey_account.system.jwt]
  resolver = {
    type         = "full"
    dir          = "{{dir}}/jwt"
    allow_delete = true
  }
}

resource "nats_nkey_operator" "memory" {
  name             = "OP"
  seed             = nats_nkey.operator.seed
  system_account   = nats_nkey.system.public_key
  resolver_preload = [nats_nkey_account.system.jwt]
}

output "full_config" {
  value = nats_nkey_operator.full.server_config
}

output "memory_config" {
  value = nats_nkey_operator.memory.server_config
}

output "system_creds" {
  value     = nats_nkey_user.system.creds
  sensitive = true
}

output "operator_seed" {
  value     = nats_nkey.operator.seed
  sensitive = true
}
"#;

const APP: &str = r#"
variable "operator_seed" {
  type      = string
  sensitive = true
}

variable "connections" {
  type    = number
  default = 1
}

resource "nats_nkey_account" "app" {
  name        = "APP"
  issuer_seed = var.operator_seed
  limits = {
    connections = var.connections
  }
}

resource "nats_nkey_user" "app" {
  name        = "app"
  issuer_seed = nats_nkey_account.app.seed
}

output "account" {
  value = nats_nkey_account.app.public_key
}

output "jwt" {
  value = nats_nkey_account.app.jwt
}

output "creds" {
  value     = nats_nkey_user.app.creds
  sensitive = true
}
"#;

struct Trust {
    full_config: String,
    memory_config: String,
    system_creds: String,
    operator_seed: String,
    _tf: Terraform,
}

fn output(tf: &Terraform, name: &str) -> String {
    let outputs: Value = tf.output_json().unwrap();
    outputs[name]["value"].as_str().unwrap().to_owned()
}

fn trust() -> Trust {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", &format!("{REQUIRED}{TRUST}"))
        .unwrap();
    tf.apply().unwrap();
    Trust {
        full_config: output(&tf, "full_config"),
        memory_config: output(&tf, "memory_config"),
        system_creds: output(&tf, "system_creds"),
        operator_seed: output(&tf, "operator_seed"),
        _tf: tf,
    }
}

/// Names of the servers that answer a VARZ ping through `node`.
async fn visible_servers(node: &NatsServer, system_creds: &str) -> Vec<String> {
    let Ok(client) = connect(&creds_options(node.client_url(), system_creds)).await else {
        return Vec::new();
    };
    let replies = SystemApi::new(client)
        .varz_all(Duration::from_millis(300))
        .await
        .unwrap_or_default();
    let mut names: Vec<String> = replies.into_iter().map(|r| r.server.name).collect();
    names.sort();
    names
}

/// Three routed nodes; node `i` runs `configs[i]`. Returns once node 1's system user
/// sees all three servers, so a push through node 1 can reach every one.
async fn cluster(configs: [&str; 3], system_creds: &str) -> Vec<NatsServer> {
    let ports = free_ports::<3>().unwrap();
    let routes: Vec<String> = ports
        .iter()
        .map(|p| format!("\"nats-route://127.0.0.1:{p}\""))
        .collect();
    let nodes: Vec<NatsServer> = ports
        .iter()
        .zip(configs)
        .enumerate()
        .map(|(i, (port, config))| {
            NatsServerBuilder::new()
                .server_name(&format!("n{}", i + 1))
                .extra(config)
                .extra(&format!(
                    "cluster {{ name: resolvers, listen: \"127.0.0.1:{port}\", routes: [{}] }}",
                    routes.join(", ")
                ))
                .ready_timeout(Duration::from_secs(20))
                .start()
                .unwrap()
        })
        .collect();
    for _ in 0..100 {
        if visible_servers(&nodes[0], system_creds).await == ["n1", "n2", "n3"] {
            return nodes;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("the cluster did not form:\n{}", nodes[0].log());
}

fn app_terraform(trust: &Trust, node: &NatsServer) -> Terraform {
    let tf = Terraform::new()
        .unwrap()
        .with_env("TF_VAR_operator_seed", &trust.operator_seed);
    tf.write_file("system.creds", &trust.system_creds).unwrap();
    let provider = format!(
        "provider \"nats\" {{\n  servers            = \"{}\"\n  system_credentials = \"${{path.module}}/system.creds\"\n}}\n",
        node.client_url()
    );
    tf.write_file("main.tf", &format!("{REQUIRED}{provider}{APP}"))
        .unwrap();
    tf
}

fn jwt_file(node: &NatsServer, account: &str) -> PathBuf {
    node.dir().join("jwt").join(format!("{account}.jwt"))
}

/// What each node's resolver directory holds for `account` (empty when nothing).
fn held_on_disk(nodes: &[NatsServer], account: &str) -> Vec<String> {
    nodes
        .iter()
        .map(|node| {
            std::fs::read_to_string(jwt_file(node, account))
                .map(|text| text.trim().to_owned())
                .unwrap_or_default()
        })
        .collect()
}

fn apply_with_connections(tf: &Terraform, connections: u32) {
    tf.run_ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        &format!("-var=connections={connections}"),
    ])
    .unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_push_is_confirmed_by_every_node_and_a_change_reaches_all_three() {
    let trust = trust();
    let full = trust.full_config.as_str();
    let nodes = cluster([full, full, full], &trust.system_creds).await;
    // The provider talks to node 1 only; the routes carry the push to the others.
    let tf = app_terraform(&trust, &nodes[0]);
    apply_with_connections(&tf, 1);
    tf.expect_no_changes().unwrap();
    let account = output(&tf, "account");
    let first_jwt = output(&tf, "jwt");
    // Read right after apply returns, without waiting: apply waited for all three.
    assert_eq!(held_on_disk(&nodes, &account), vec![first_jwt.clone(); 3]);

    // Node 3 enforces the limit of 1 on its own connections.
    let creds = output(&tf, "creds");
    let third = nodes[2].client_url();
    let first = connect(&creds_options(third, &creds)).await.unwrap();
    assert!(
        connect(&creds_options(third, &creds)).await.is_err(),
        "limit 1 on n3"
    );

    // A changed limit is re-issued, pushed, and held by every node at once.
    apply_with_connections(&tf, 2);
    let second_jwt = output(&tf, "jwt");
    assert_ne!(second_jwt, first_jwt);
    assert_eq!(held_on_disk(&nodes, &account), vec![second_jwt; 3]);
    let second = connect(&creds_options(third, &creds)).await;
    assert!(second.is_ok(), "limit 2 on n3 without a restart");
    drop((first, second));

    // Destroy removes the account from every node's resolver.
    tf.run_ok(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var=connections=2",
    ])
    .unwrap();
    let gone = wait_until(Duration::from_secs(5), || {
        nodes.iter().all(|node| !jwt_file(node, &account).exists())
    });
    assert!(gone, "a node still holds the destroyed account");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_node_that_does_not_take_the_update_fails_the_apply_by_name() {
    let trust = trust();
    let full = trust.full_config.as_str();
    let nodes = cluster(
        [full, full, trust.memory_config.as_str()],
        &trust.system_creds,
    )
    .await;
    let tf = app_terraform(&trust, &nodes[0]);
    let failed = tf
        .run(["apply", "-auto-approve", "-input=false", "-no-color"])
        .unwrap();
    assert!(!failed.success(), "{}", failed.stdout);
    // Terraform wraps diagnostics in boxed lines; read them as one paragraph.
    let message = failed
        .stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        message.contains("server n3 did not confirm the update"),
        "{message}"
    );
    assert!(
        !message.contains("server n1") && !message.contains("server n2"),
        "only n3 is to blame: {message}"
    );
}
