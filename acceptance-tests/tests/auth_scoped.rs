//! Scoped signing keys: a user signed by an account's scoped key carries no permissions
//! of its own, and a real server (started from `server_config`) gives it exactly the
//! key's template: publishes and subscriptions inside it work, the rest never arrive.

use std::time::Duration;

use acceptance_tests::{creds_options, NatsServerBuilder, Terraform};
use futures::{Stream, StreamExt};
use natsforge::nats::connect;
use natsforge::nats::jwt::{decode, AnyClaims};

const CONFIG: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

resource "nats_nkey" "operator" {
  type = "operator"
}

resource "nats_nkey" "system" {
  type = "account"
}

resource "nats_nkey" "worker_scope" {
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
  scoped_signing_keys = [{
    key  = nats_nkey.worker_scope.public_key
    role = "worker"
    template = {
      pub_allow = ["jobs.>"]
      sub_allow = ["results.>"]
    }
  }]
}

resource "nats_nkey_operator" "main" {
  name             = "OP"
  seed             = nats_nkey.operator.seed
  system_account   = nats_nkey.system.public_key
  resolver_preload = [nats_nkey_account.system.jwt, nats_nkey_account.app.jwt]
}

resource "nats_nkey_user" "worker" {
  name           = "worker"
  issuer_seed    = nats_nkey.worker_scope.seed
  issuer_account = nats_nkey_account.app.public_key
  scoped         = true
}

# Signed by the account's identity key and unrestricted: it watches and feeds the worker.
resource "nats_nkey_user" "observer" {
  name        = "observer"
  issuer_seed = nats_nkey_account.app.seed
}

output "server_config" {
  value = nats_nkey_operator.main.server_config
}

output "app" {
  value = nats_nkey_account.app.public_key
}

output "scope_key" {
  value = nats_nkey.worker_scope.public_key
}

output "worker_jwt" {
  value = nats_nkey_user.worker.jwt
}

output "creds" {
  value = {
    worker   = nats_nkey_user.worker.creds
    observer = nats_nkey_user.observer.creds
  }
  sensitive = true
}
"#;

/// Sends with `send` every 200 ms (another connection's subscription takes effect a
/// moment after it is made) until `subscription` receives, for at most five seconds;
/// returns the first message received.
async fn first_after<S, F, Fut>(subscription: &mut S, mut send: F) -> S::Item
where
    S: Stream + Unpin,
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..25 {
        send().await;
        if let Ok(Some(message)) =
            tokio::time::timeout(Duration::from_millis(200), subscription.next()).await
        {
            return message;
        }
    }
    panic!("no message within 5s");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_scoped_user_gets_exactly_the_templates_permissions() {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let outputs = tf.output_json().unwrap();
    let value = |name: &str| outputs[name]["value"].clone();

    // The user JWT names the account, is issued by the scoped key, and has no
    // permissions of its own: the server takes them from the template.
    let AnyClaims::User(worker) = decode(value("worker_jwt").as_str().unwrap()).unwrap() else {
        panic!("the worker JWT holds user claims");
    };
    assert_eq!(worker.issuer, value("scope_key").as_str().unwrap());
    assert_eq!(worker.nats.issuer_account, value("app").as_str().unwrap());
    let body = serde_json::to_value(&worker.nats).unwrap();
    assert!(
        body.get("pub").is_none() && body.get("sub").is_none(),
        "{body}"
    );

    let server = NatsServerBuilder::new()
        .extra(value("server_config").as_str().unwrap())
        .start()
        .unwrap();
    let url = server.client_url();
    let creds = value("creds");
    let observer = connect(&creds_options(url, creds["observer"].as_str().unwrap()))
        .await
        .unwrap();
    let worker = connect(&creds_options(url, creds["worker"].as_str().unwrap()))
        .await
        .unwrap();

    // Publish: `other.1` (outside `jobs.>`) is refused, `jobs.1` arrives.
    let mut published = observer.subscribe(">").await.unwrap();
    observer.flush().await.unwrap();
    let received = first_after(&mut published, || async {
        worker.publish("other.1", "no".into()).await.unwrap();
        worker.publish("jobs.1", "yes".into()).await.unwrap();
        worker.flush().await.unwrap();
    })
    .await;
    // `other.1` always goes first, so only its refusal makes `jobs.1` the first seen.
    assert_eq!(received.subject.as_str(), "jobs.1");

    // Subscribe: `secret.>` is refused, `results.>` receives.
    let mut secret = worker.subscribe("secret.>").await.unwrap();
    let mut results = worker.subscribe("results.>").await.unwrap();
    worker.flush().await.unwrap();
    let received = first_after(&mut results, || async {
        observer.publish("secret.1", "no".into()).await.unwrap();
        observer.publish("results.1", "yes".into()).await.unwrap();
        observer.flush().await.unwrap();
    })
    .await;
    assert_eq!(received.subject.as_str(), "results.1");
    let leaked = tokio::time::timeout(Duration::from_millis(500), secret.next()).await;
    assert!(
        !matches!(leaked, Ok(Some(_))),
        "the template does not allow subscribing to secret.>"
    );
}
