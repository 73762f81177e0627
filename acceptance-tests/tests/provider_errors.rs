//! Each way the provider block can be wrong gives a diagnostic that says what and where.

use acceptance_tests::{NatsServerBuilder, Terraform};

fn plan_error(provider_block: &str) -> String {
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

{provider_block}

data "nats_server" "this" {{}}
"#
        ),
    )
    .unwrap();
    tf.expect_plan_error().unwrap()
}

/// Terraform wraps long diagnostic lines; compare without line breaks.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn unreachable_server_names_the_url() {
    let error = flat(&plan_error(
        r#"provider "nats" {
  servers = "nats://127.0.0.1:1"
  timeout = 2
}"#,
    ));
    assert!(error.contains("Cannot connect to NATS"), "{error}");
    assert!(error.contains("nats://127.0.0.1:1"), "{error}");
}

#[test]
fn missing_creds_file_names_the_path() {
    let server = NatsServerBuilder::new().start().unwrap();
    let error = flat(&plan_error(&format!(
        r#"provider "nats" {{
  servers     = "{}"
  credentials = "/nonexistent/dir/user.creds"
}}"#,
        server.client_url()
    )));
    assert!(error.contains("/nonexistent/dir/user.creds"), "{error}");
}

#[test]
fn wrong_password_is_an_authorization_violation() {
    let server = NatsServerBuilder::new()
        .extra("authorization { user: alice, password: right-password }")
        .start()
        .unwrap();
    let error = flat(&plan_error(&format!(
        r#"provider "nats" {{
  servers  = "{}"
  user     = "alice"
  password = "wrong-password"
}}"#,
        server.client_url()
    )));
    assert!(error.contains("authorization violation"), "{error}");
    assert!(
        !error.contains("wrong-password"),
        "the password must not be echoed: {error}"
    );
}

#[test]
fn tls_failure_is_reported_as_such() {
    let server = NatsServerBuilder::new().start().unwrap();
    // The server speaks plain NATS; a client that insists on TLS must say TLS failed.
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    let certificate = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    std::fs::write(&ca, certificate.cert.pem()).unwrap();
    let error = flat(&plan_error(&format!(
        r#"provider "nats" {{
  servers = "{}"
  tls {{
    ca_file = "{}"
  }}
}}"#,
        server.client_url(),
        ca.display()
    )));
    assert!(error.to_lowercase().contains("tls"), "{error}");
}

#[test]
fn conflicting_authentication_points_at_the_attribute() {
    let error = plan_error(
        r#"provider "nats" {
  servers   = "nats://127.0.0.1:4222"
  user      = "alice"
  nkey_seed = "SUAEXAMPLE"
}"#,
    );
    let error_flat = flat(&error);
    assert!(
        error_flat.contains("Conflicting authentication options"),
        "{error}"
    );
    assert!(error_flat.contains("`user` and `nkey_seed`"), "{error}");
    // Terraform quotes the offending line of the configuration.
    assert!(error.contains("nkey_seed = "), "{error}");
    // Terraform quotes the user's own source line; our message must not repeat the seed.
    assert_eq!(error.matches("SUAEXAMPLE").count(), 1, "{error}");
}

#[test]
fn unknown_context_is_reported() {
    let home = tempfile::tempdir().unwrap();
    let tf = Terraform::new()
        .unwrap()
        .with_env("XDG_CONFIG_HOME", home.path());
    tf.write_file(
        "main.tf",
        r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

provider "nats" {
  context = "no-such-context"
}

data "nats_server" "this" {}
"#,
    )
    .unwrap();
    let error = flat(&tf.expect_plan_error().unwrap());
    assert!(error.contains("no-such-context"), "{error}");
}
