//! Accounts pushed to a live account resolver with the provider's system credentials:
//! a server with a full resolver starts from Terraform's `server_config`; a second
//! configuration pushes an account there, changes its limit without a restart, notices
//! drift, and deletes it on destroy.

use std::time::Duration;

use acceptance_tests::{
    creds_options, wait_until, NatsServer, NatsServerBuilder, Terraform,
    FULL_RESOLVER_TRUST as TRUST,
};
use natsforge::nats::claims::{delete_request, ClaimsApi};
use natsforge::nats::{connect, SystemApi};
use serde_json::Value;

const REQUIRED: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
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

output "creds" {
  value     = nats_nkey_user.app.creds
  sensitive = true
}
"#;

fn output(tf: &Terraform, name: &str) -> Value {
    tf.output_json().unwrap()[name]["value"].clone()
}

struct Live {
    server: NatsServer,
    system_creds: String,
    operator_seed: String,
    _trust: Terraform,
}

fn live_server() -> Live {
    let trust = Terraform::new().unwrap();
    trust
        .write_file("main.tf", &format!("{REQUIRED}{TRUST}"))
        .unwrap();
    trust.apply().unwrap();
    let config = output(&trust, "server_config").as_str().unwrap().to_owned();
    let server = NatsServerBuilder::new().extra(&config).start().unwrap();
    Live {
        server,
        system_creds: output(&trust, "system_creds").as_str().unwrap().to_owned(),
        operator_seed: output(&trust, "operator_seed").as_str().unwrap().to_owned(),
        _trust: trust,
    }
}

fn app_terraform(live: &Live) -> Terraform {
    let tf = Terraform::new()
        .unwrap()
        .with_env("TF_VAR_operator_seed", &live.operator_seed);
    tf.write_file("system.creds", &live.system_creds).unwrap();
    let provider = format!(
        "provider \"nats\" {{\n  servers            = \"{}\"\n  system_credentials = \"${{path.module}}/system.creds\"\n}}\n",
        live.server.client_url()
    );
    tf.write_file("main.tf", &format!("{REQUIRED}{provider}{APP}"))
        .unwrap();
    tf
}

async fn resolver_holds(live: &Live, account: &str) -> Option<String> {
    let system = connect(&creds_options(live.server.client_url(), &live.system_creds))
        .await
        .unwrap();
    ClaimsApi::new(&SystemApi::new(system))
        .lookup(account)
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn push_change_drift_and_delete() {
    let live = live_server();
    let tf = app_terraform(&live);
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let account = output(&tf, "account").as_str().unwrap().to_owned();
    let creds = output(&tf, "creds").as_str().unwrap().to_owned();
    let url = live.server.client_url();

    // Pushed: the account exists on the server, with its connection limit of 1.
    let first = connect(&creds_options(url, &creds)).await.unwrap();
    assert!(
        connect(&creds_options(url, &creds)).await.is_err(),
        "limit 1"
    );

    // A changed limit, pushed by apply, takes effect without a restart.
    tf.run_ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var=connections=2",
    ])
    .unwrap();
    let second = connect(&creds_options(url, &creds)).await;
    assert!(second.is_ok(), "limit 2 after the push");
    drop((first, second));

    let held = resolver_holds(&live, &account).await.unwrap();
    let jwt_file = live.server.dir().join("jwt").join(format!("{account}.jwt"));
    assert_eq!(
        std::fs::read_to_string(&jwt_file).unwrap().trim(),
        held.trim()
    );

    // Drift: deleted behind Terraform's back, the account is planned again and re-pushed.
    let system = connect(&creds_options(url, &live.system_creds))
        .await
        .unwrap();
    let operator = nkeys::KeyPair::from_seed(&live.operator_seed).unwrap();
    let request = delete_request(&operator, std::slice::from_ref(&account)).unwrap();
    ClaimsApi::new(&SystemApi::new(system))
        .delete(&request, &[])
        .await
        .unwrap();
    assert!(resolver_holds(&live, &account).await.is_none());
    let drift = tf
        .run([
            "plan",
            "-detailed-exitcode",
            "-input=false",
            "-no-color",
            "-var=connections=2",
        ])
        .unwrap();
    assert_eq!(drift.status.code(), Some(2), "{}", drift.stdout);
    tf.run_ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var=connections=2",
    ])
    .unwrap();
    assert!(resolver_holds(&live, &account).await.is_some());

    // Destroy deletes the account from the resolver.
    tf.run_ok(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var=connections=2",
    ])
    .unwrap();
    let mut gone = false;
    for _ in 0..50 {
        if resolver_holds(&live, &account).await.is_none() {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(gone, "the resolver still holds the destroyed account");
    assert!(wait_until(Duration::from_secs(5), || !jwt_file.exists()));
}

#[test]
fn a_jwt_from_another_operator_is_refused_naming_the_trusted_one() {
    let live = live_server();
    let tf = app_terraform(&live);
    let (_, stranger) = {
        let key = nkeys::KeyPair::new_operator();
        (key.public_key(), key.seed().unwrap())
    };
    let error = tf
        .run_with_env(
            ["apply", "-auto-approve", "-input=false", "-no-color"],
            &[("TF_VAR_operator_seed", stranger.as_str())],
        )
        .unwrap();
    assert!(!error.success());
    assert!(
        error
            .stderr
            .contains("do not trust this account's operator")
            && error.stderr.contains("trusts OP"),
        "{}",
        error.stderr
    );
}
