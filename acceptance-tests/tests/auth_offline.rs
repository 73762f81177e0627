//! Decentralized auth as code, offline: Terraform makes the keys, operator, accounts
//! and users; a real nats-server in operator mode starts from the `server_config`
//! Terraform rendered, and clients connect with the `creds` it produced.

use std::time::Duration;

use acceptance_tests::{creds_options, NatsServer, NatsServerBuilder, Terraform};
use futures::StreamExt;
use natsforge::nats::{connect, JetStreamApi};
use serde_json::Value;

const CONFIG: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

variable "app_connections" {
  type    = number
  default = 2
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

resource "nats_nkey_account" "app" {
  name        = "APP"
  issuer_seed = nats_nkey.operator.seed
  limits = {
    connections = var.app_connections
  }
  jetstream = {}
}

resource "nats_nkey_account" "plain" {
  name        = "PLAIN"
  issuer_seed = nats_nkey.operator.seed
}

resource "nats_nkey_operator" "main" {
  name             = "OP"
  seed             = nats_nkey.operator.seed
  system_account   = nats_nkey.system.public_key
  resolver_preload = [nats_nkey_account.system.jwt, nats_nkey_account.app.jwt, nats_nkey_account.plain.jwt]
}

resource "nats_nkey_user" "alice" {
  name        = "alice"
  issuer_seed = nats_nkey_account.app.seed
  pub_allow   = ["allowed.>", "$JS.API.>", "_INBOX.>"]
  sub_allow   = ["_INBOX.>"]
}

resource "nats_nkey_user" "observer" {
  name        = "observer"
  issuer_seed = nats_nkey_account.app.seed
}

resource "nats_nkey_user" "plain" {
  name        = "plain"
  issuer_seed = nats_nkey_account.plain.seed
}

output "server_config" {
  value = nats_nkey_operator.main.server_config
}

output "creds" {
  value = {
    alice    = nats_nkey_user.alice.creds
    observer = nats_nkey_user.observer.creds
    plain    = nats_nkey_user.plain.creds
  }
  sensitive = true
}
"#;

fn outputs(tf: &Terraform) -> Value {
    tf.output_json().unwrap()
}

fn start_from(tf: &Terraform) -> NatsServer {
    let config = outputs(tf)["server_config"]["value"]
        .as_str()
        .unwrap()
        .to_owned();
    NatsServerBuilder::new()
        .jetstream()
        .extra(&config)
        .start()
        .unwrap()
}

fn state_attribute(tf: &Terraform, address: &str, name: &str) -> String {
    let state = tf.show_json().unwrap();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .unwrap();
    let resource = resources
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in state"));
    resource["values"][name]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_runs_on_what_terraform_produced() {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    let server = start_from(&tf);
    let creds = &outputs(&tf)["creds"]["value"];
    let url = server.client_url();

    // Permissions: a publish outside `pub_allow` never arrives; one inside does.
    let observer = connect(&creds_options(url, creds["observer"].as_str().unwrap()))
        .await
        .unwrap();
    let mut seen = observer.subscribe(">").await.unwrap();
    observer.flush().await.unwrap();
    let alice = connect(&creds_options(url, creds["alice"].as_str().unwrap()))
        .await
        .unwrap();
    // The observer's subscription takes effect a moment after it is made: send the
    // pair every 200 ms, for at most 5 s, until something arrives.
    let mut first = None;
    for _ in 0..25 {
        alice.publish("denied.x", "no".into()).await.unwrap();
        alice.publish("allowed.x", "yes".into()).await.unwrap();
        alice.flush().await.unwrap();
        if let Ok(Some(message)) =
            tokio::time::timeout(Duration::from_millis(200), seen.next()).await
        {
            first = Some(message);
            break;
        }
    }
    let first = first.expect("a message within 5s");
    assert_eq!(
        first.subject.as_str(),
        "allowed.x",
        "denied.x must be refused"
    );

    // JetStream exactly where the account's limits enable it.
    JetStreamApi::new(alice.clone(), None)
        .account_info()
        .await
        .unwrap();
    let plain = connect(&creds_options(url, creds["plain"].as_str().unwrap()))
        .await
        .unwrap();
    assert!(JetStreamApi::new(plain, None).account_info().await.is_err());

    // The account's connection limit (2: observer and alice) is enforced.
    let third = connect(&creds_options(url, creds["observer"].as_str().unwrap())).await;
    assert!(third.is_err(), "a third APP connection must be refused");
}

#[test]
fn a_changed_limit_reissues_only_that_account() {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    tf.apply().unwrap();
    let operator_jwt = state_attribute(&tf, "nats_nkey_operator.main", "jwt");
    let app_jwt = state_attribute(&tf, "nats_nkey_account.app", "jwt");
    let plain_jwt = state_attribute(&tf, "nats_nkey_account.plain", "jwt");
    let creds = state_attribute(&tf, "nats_nkey_user.alice", "creds");

    tf.run_ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var=app_connections=5",
    ])
    .unwrap();
    assert_ne!(
        state_attribute(&tf, "nats_nkey_account.app", "jwt"),
        app_jwt
    );
    assert_eq!(
        state_attribute(&tf, "nats_nkey_account.plain", "jwt"),
        plain_jwt
    );
    assert_eq!(
        state_attribute(&tf, "nats_nkey_operator.main", "jwt"),
        operator_jwt,
        "a new preload re-renders server_config, not the operator JWT"
    );
    assert_eq!(state_attribute(&tf, "nats_nkey_user.alice", "creds"), creds);
    let config = state_attribute(&tf, "nats_nkey_operator.main", "server_config");
    let new_app_jwt = state_attribute(&tf, "nats_nkey_account.app", "jwt");
    assert!(config.contains(&new_app_jwt));
    let args = [
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var=app_connections=5",
    ];
    assert_eq!(tf.run(args).unwrap().status.code(), Some(0));
}

#[test]
fn no_seed_reaches_any_log_at_trace() {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    let apply = tf
        .run_with_env(
            ["apply", "-auto-approve", "-input=false", "-no-color"],
            &[("TF_LOG", "trace")],
        )
        .unwrap();
    assert!(apply.success(), "{}", apply.stderr);
    let state = tf.show_json().unwrap().to_string();
    let seeds: Vec<String> = state
        .split('"')
        .filter(|s| s.len() == 58 && s.starts_with('S'))
        .map(str::to_owned)
        .collect();
    assert!(
        seeds.len() >= 6,
        "expected the generated seeds in the state"
    );
    for seed in &seeds {
        assert!(
            !apply.stderr.contains(seed.as_str()),
            "a seed appeared in the trace log"
        );
        assert!(
            !apply.stdout.contains(seed.as_str()),
            "a seed appeared in the output"
        );
    }
}

/// Seeds brought write-only: the public keys are known at plan time, no seed lands in
/// the state, and a second plan is empty.
#[test]
fn write_only_seeds_stay_out_of_the_state() {
    let operator = nkeys::KeyPair::new_operator();
    let account = nkeys::KeyPair::new_account();
    let tf = Terraform::new()
        .unwrap()
        .with_env("TF_VAR_operator_seed", operator.seed().unwrap())
        .with_env("TF_VAR_account_seed", account.seed().unwrap());
    tf.write_file(
        "main.tf",
        r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

variable "operator_seed" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "account_seed" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "nats_nkey" "account" {
  type            = "account"
  seed_wo         = var.account_seed
  seed_wo_version = 1
}

resource "nats_nkey_operator" "main" {
  name    = "OP"
  seed_wo = var.operator_seed
}

resource "nats_nkey_account" "app" {
  name           = "APP"
  public_key     = nats_nkey.account.public_key
  issuer_seed_wo = var.operator_seed
}
"#,
    )
    .unwrap();
    let plan = tf.plan_json().unwrap();
    let planned = plan["planned_values"]["root_module"]["resources"].to_string();
    assert!(
        planned.contains(&account.public_key()),
        "account key known at plan"
    );
    assert!(
        planned.contains(&operator.public_key()),
        "operator key known at plan"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let state = std::fs::read_to_string(tf.dir().join("terraform.tfstate")).unwrap();
    assert!(!state.contains(&operator.seed().unwrap()));
    assert!(!state.contains(&account.seed().unwrap()));
    assert_eq!(
        state_attribute(&tf, "nats_nkey_account.app", "issuer"),
        operator.public_key()
    );
}
