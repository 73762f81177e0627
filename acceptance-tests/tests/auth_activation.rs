//! Activation tokens: an account exports a stream that requires a token; the importer
//! holds a `nats_nkey_activation` issued for it and receives the exporter's messages on
//! a real server started from `server_config`; an import without a token receives
//! nothing, and an account carrying a token issued for another is refused.

use std::time::Duration;

use acceptance_tests::{creds_options, workspace_root, NatsServerBuilder, Terraform};
use futures::StreamExt;
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

# The importers' keys exist before their accounts, so the tokens can name them and
# the accounts can carry the tokens without a cycle.
resource "nats_nkey" "importer" {
  type = "account"
}

resource "nats_nkey" "outsider" {
  type = "account"
}

resource "nats_nkey" "exporter_signer" {
  type = "account"
}

resource "nats_nkey_account" "system" {
  name        = "SYS"
  public_key  = nats_nkey.system.public_key
  issuer_seed = nats_nkey.operator.seed
}

resource "nats_nkey_account" "exporter" {
  name         = "EXPORTER"
  issuer_seed  = nats_nkey.operator.seed
  signing_keys = [nats_nkey.exporter_signer.public_key]
  exports = [{
    subject        = "feed.>"
    type           = "stream"
    token_required = true
  }]
}

# Signed by the exporter's signing key, so it names the exporter as issuer_account.
resource "nats_nkey_activation" "feed" {
  account        = nats_nkey.importer.public_key
  subject        = "feed.>"
  issuer_seed    = nats_nkey.exporter_signer.seed
  issuer_account = nats_nkey_account.exporter.public_key
}

resource "nats_nkey_account" "importer" {
  name        = "IMPORTER"
  public_key  = nats_nkey.importer.public_key
  issuer_seed = nats_nkey.operator.seed
  imports = [{
    subject = "feed.>"
    account = nats_nkey_account.exporter.public_key
    token   = nats_nkey_activation.feed.token
  }]
}

# Imports without a token: the server leaves the import out.
resource "nats_nkey_account" "outsider" {
  name        = "OUTSIDER"
  public_key  = nats_nkey.outsider.public_key
  issuer_seed = nats_nkey.operator.seed
  imports = [{
    subject = "feed.>"
    account = nats_nkey_account.exporter.public_key
  }]
}

# Borrows the importer's token: the server refuses the whole account.
resource "nats_nkey_account" "thief" {
  name        = "THIEF"
  issuer_seed = nats_nkey.operator.seed
  imports = [{
    subject = "feed.>"
    account = nats_nkey_account.exporter.public_key
    token   = nats_nkey_activation.feed.token
  }]
}

resource "nats_nkey_operator" "main" {
  name           = "OP"
  seed           = nats_nkey.operator.seed
  system_account = nats_nkey.system.public_key
  resolver_preload = [
    nats_nkey_account.system.jwt,
    nats_nkey_account.exporter.jwt,
    nats_nkey_account.importer.jwt,
    nats_nkey_account.outsider.jwt,
    nats_nkey_account.thief.jwt,
  ]
}

resource "nats_nkey_user" "publisher" {
  name        = "publisher"
  issuer_seed = nats_nkey_account.exporter.seed
}

resource "nats_nkey_user" "reader" {
  name        = "reader"
  issuer_seed = nats_nkey.importer.seed
}

resource "nats_nkey_user" "outsider" {
  name        = "outsider"
  issuer_seed = nats_nkey.outsider.seed
}

resource "nats_nkey_user" "thief" {
  name        = "thief"
  issuer_seed = nats_nkey_account.thief.seed
}

output "server_config" {
  value = nats_nkey_operator.main.server_config
}

output "token" {
  value = nats_nkey_activation.feed.token
}

output "keys" {
  value = {
    exporter = nats_nkey_account.exporter.public_key
    signer   = nats_nkey.exporter_signer.public_key
    importer = nats_nkey.importer.public_key
  }
}

output "creds" {
  value = {
    publisher = nats_nkey_user.publisher.creds
    reader    = nats_nkey_user.reader.creds
    outsider  = nats_nkey_user.outsider.creds
    thief     = nats_nkey_user.thief.creds
  }
  sensitive = true
}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn an_importer_with_its_token_receives_the_exporters_stream() {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let outputs = tf.output_json().unwrap();
    let value = |name: &str| outputs[name]["value"].clone();
    let keys = value("keys");

    let AnyClaims::Activation(token) = decode(value("token").as_str().unwrap()).unwrap() else {
        panic!("the token holds activation claims");
    };
    assert_eq!(token.subject, keys["importer"].as_str().unwrap());
    assert_eq!(token.issuer, keys["signer"].as_str().unwrap());
    assert_eq!(
        token.nats.issuer_account,
        keys["exporter"].as_str().unwrap()
    );

    let server = NatsServerBuilder::new()
        .extra(value("server_config").as_str().unwrap())
        .start()
        .unwrap();
    let url = server.client_url();
    let creds = value("creds");
    let reader = connect(&creds_options(url, creds["reader"].as_str().unwrap()))
        .await
        .unwrap();
    let outsider = connect(&creds_options(url, creds["outsider"].as_str().unwrap()))
        .await
        .map_err(|e| format!("{e:?}\n{}", server.log()))
        .unwrap();
    let publisher = connect(&creds_options(url, creds["publisher"].as_str().unwrap()))
        .await
        .unwrap();
    let mut received = reader.subscribe("feed.>").await.unwrap();
    let mut leaked = outsider.subscribe("feed.>").await.unwrap();
    reader.flush().await.unwrap();
    outsider.flush().await.unwrap();

    // The import's interest reaches the exporting account a moment after the importer
    // subscribes (accounts load lazily); publish until it arrives, for at most 5 s.
    let mut message = None;
    for _ in 0..25 {
        publisher.publish("feed.prices", "42".into()).await.unwrap();
        publisher.flush().await.unwrap();
        if let Ok(Some(got)) =
            tokio::time::timeout(Duration::from_millis(200), received.next()).await
        {
            message = Some(got);
            break;
        }
    }
    let message = message.expect("the importer receives the exported stream");
    assert_eq!(message.subject.as_str(), "feed.prices");
    assert_eq!(&message.payload[..], b"42");
    let outsider_got = tokio::time::timeout(Duration::from_millis(500), leaked.next()).await;
    assert!(
        !matches!(outsider_got, Ok(Some(_))),
        "an import without the token receives nothing"
    );

    // A token names the one account it admits: the server refuses an account
    // carrying another's token.
    assert!(
        connect(&creds_options(url, creds["thief"].as_str().unwrap()))
            .await
            .is_err()
    );
    assert!(
        server
            .log()
            .contains("activation token doesn't match account"),
        "{}",
        server.log()
    );
}

/// The documentation's example (with the `nats_nkey` example it builds on) applies,
/// stays converged, and grants the partner.
#[test]
fn the_example_applies_and_names_the_partner() {
    let tf = Terraform::new().unwrap();
    let required =
        "terraform {\n  required_providers {\n    nats = { source = \"natsforge/nats\" }\n  }\n}\n";
    tf.write_file("versions.tf", required).unwrap();
    for name in ["nats_nkey", "nats_nkey_activation"] {
        let path = workspace_root()
            .join("examples/resources")
            .join(name)
            .join("resource.tf");
        tf.write_file(
            &format!("{name}.tf"),
            &std::fs::read_to_string(path).unwrap(),
        )
        .unwrap();
    }
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let outputs = tf.output_json().unwrap();
    let token = outputs["partner_prices_token"]["value"].as_str().unwrap();
    let AnyClaims::Activation(claims) = decode(token).unwrap() else {
        panic!("the example's token holds activation claims");
    };
    assert_eq!(claims.nats.import_subject, "prices.>");
    assert!(claims.subject.starts_with('A'));
}
