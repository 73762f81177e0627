//! Adopting an estate made without natsforge: the Go program in
//! `acceptance-tests/estate` writes an nsc store and keystore with nats-io/jwt, and a
//! server configuration whose full resolver holds every account. Terraform imports
//! every kind (from the store and from the live resolver) under a configuration that
//! states the same claims, and plans no changes; the JWTs are the estate's own.

use std::time::Duration;

use acceptance_tests::{creds_options, Estate, NatsServerBuilder, Terraform};
use futures::StreamExt;
use natsforge::nats::claims::ClaimsApi;
use natsforge::nats::jwt::{self, AnyClaims};
use natsforge::nats::{connect, SystemApi};
use serde_json::Value;

const REQUIRED: &str =
    "terraform {\n  required_providers {\n    nats = { source = \"natsforge/nats\" }\n  }\n}\n";

/// Terraform with the estate's nsc directories in its (and so the provider's)
/// environment, as an nsc user's shell would have them.
fn terraform(estate: &Estate) -> Terraform {
    Terraform::new()
        .unwrap()
        .with_env("NSC_HOME", estate.nsc_home())
        .with_env("NKEYS_PATH", estate.keystore())
}

/// The estate's operator, accounts and users, stated as natsforge arguments. No
/// seeds: re-signing takes them from the nsc keystore through `issuer`.
fn configuration(e: &Estate) -> String {
    let key = |name: &str| e.key(name).to_owned();
    format!(
        r#"
resource "nats_nkey" "operator_signing" {{
  type = "operator"
}}

resource "nats_nkey_operator" "op" {{
  name                  = "OP"
  signing_keys          = [nats_nkey.operator_signing.public_key]
  system_account        = "{sys}"
  account_server_url    = "http://127.0.0.1:9090/jwt/v1"
  operator_service_urls = ["nats://127.0.0.1:4222"]
  tags                  = ["estate"]
}}

resource "nats_nkey_account" "sys" {{
  name       = "SYS"
  public_key = "{sys}"
  issuer     = "{signer}"
}}

resource "nats_nkey_account" "app" {{
  name        = "APP"
  public_key  = "{app}"
  issuer      = "{signer}"
  description = "the application account"
  info_url    = "https://example.com/app"
  tags        = ["team:payments", "prod"]
  limits = {{
    connections   = 50
    subscriptions = 1000
    payload       = 1048576
  }}
  jetstream = {{
    disk_storage    = 1073741824
    streams         = 10
    max_ack_pending = 1000
  }}
  exports = [
    {{ name = "orders", subject = "orders.>" }},
    {{ name = "private", subject = "private.>", token_required = true }},
    {{
      name               = "quote"
      subject            = "quote"
      type               = "service"
      response_type      = "Stream"
      response_threshold = "2s"
      latency_sampling   = "50"
      latency_subject    = "quote.latency"
    }},
  ]
  signing_keys = ["{app_signing}"]
  scoped_signing_keys = [{{
    key  = "{app_scoped}"
    role = "reader"
    template = {{
      sub_allow         = ["orders.>"]
      pub_deny          = [">"]
      max_subscriptions = 10
    }}
  }}]
  mappings = [
    {{ source = "greet", destination = "greet.v1", weight = 80 }},
    {{ source = "greet", destination = "greet.v2", weight = 20 }},
  ]
  default_permissions = {{
    pub_deny        = ["admin.>"]
    allow_responses = {{ max = 1, ttl = "1m" }}
  }}
  revocations = {{ "{revoked}" = 1700000000 }}
}}

variable "other_connections" {{
  type    = number
  default = 5
}}

resource "nats_nkey_account" "other" {{
  name       = "OTHER"
  public_key = "{other}"
  issuer     = "{signer}"
  limits = {{
    connections = var.other_connections
  }}
  jetstream_tiers = {{
    R1 = {{ mem_storage = 1048576, disk_storage = 16777216, streams = 3, consumers = 9, max_ack_pending = 0 }}
  }}
  imports = [
    {{ name = "orders", subject = "orders.>", account = "{app}", local_subject = "app.orders.>" }},
    {{ name = "quote", subject = "quote", account = "{app}", type = "service" }},
  ]
}}

resource "nats_nkey_user" "app" {{
  name                     = "app"
  public_key               = "{app_user}"
  issuer                   = "{app}"
  pub_allow                = ["orders.>", "quote", "greet", "_INBOX.>", "$JS.API.>"]
  sub_allow                = ["_INBOX.>", "orders.*"]
  allow_responses          = {{ max = 2, ttl = "30s" }}
  source_networks          = ["127.0.0.1/32", "10.0.0.0/8"]
  connect_times            = [{{ start = "00:00:00", end = "23:59:59" }}]
  connect_times_location   = "Europe/Berlin"
  max_subscriptions        = 100
  allowed_connection_types = ["STANDARD"]
  tags                     = ["app"]
}}

resource "nats_nkey_user" "signed" {{
  name           = "signed"
  public_key     = "{signed_user}"
  issuer         = "{app_signing}"
  issuer_account = "{app}"
}}

resource "nats_nkey_user" "scoped" {{
  name           = "scoped"
  public_key     = "{scoped_user}"
  issuer         = "{app_scoped}"
  issuer_account = "{app}"
  scoped         = true
}}

resource "nats_nkey_user" "other" {{
  name       = "other"
  public_key = "{other_user}"
  issuer     = "{other}"
}}
"#,
        sys = key("SYS"),
        app = key("APP"),
        other = key("OTHER"),
        signer = key("operator_signing"),
        app_signing = key("APP_signing"),
        app_scoped = key("APP_scoped"),
        revoked = key("APP_revoked_user"),
        app_user = key("app_user"),
        signed_user = key("signed_user"),
        scoped_user = key("scoped_user"),
        other_user = key("other_user"),
    )
}

fn import_block(address: &str, id: &str) -> String {
    format!("import {{\n  to = {address}\n  id = \"{id}\"\n}}\n")
}

/// The JWT natsforge holds for `address` after apply.
fn state_jwt(tf: &Terraform, address: &str) -> String {
    let state = tf.show_json().unwrap();
    let resources = state["values"]["root_module"]["resources"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let resource = resources
        .iter()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} not in state"));
    resource["values"]["jwt"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn store_jwt(estate: &Estate, path: &str) -> String {
    std::fs::read_to_string(estate.store_root().join("OP").join(path))
        .unwrap()
        .trim()
        .to_owned()
}

fn assert_no_seed(estate: &Estate, text: &str) {
    for seed in estate.seeds() {
        assert!(
            !text.contains(&seed),
            "a seed from the keystore appears in the output"
        );
    }
}

#[test]
fn every_kind_imports_from_an_nsc_store_with_no_changes_and_the_same_jwts() {
    let estate = Estate::new(false);
    let tf = terraform(&estate);
    let imports = [
        import_block("nats_nkey.operator_signing", estate.key("operator_signing")),
        import_block("nats_nkey_operator.op", "nsc://OP"),
        import_block("nats_nkey_account.sys", "nsc://OP/SYS"),
        import_block("nats_nkey_account.app", "nsc://OP/APP"),
        import_block("nats_nkey_account.other", "nsc://OP/OTHER"),
        import_block("nats_nkey_user.app", "nsc://OP/APP/app"),
        import_block("nats_nkey_user.signed", "nsc://OP/APP/signed"),
        import_block("nats_nkey_user.scoped", "nsc://OP/APP/scoped"),
        import_block("nats_nkey_user.other", estate.key("other_user")),
    ]
    .concat();
    tf.write_file(
        "main.tf",
        &format!("{REQUIRED}{}{imports}", configuration(&estate)),
    )
    .unwrap();
    let plan = tf
        .run_with_env(["plan", "-no-color"], &[("TF_LOG", "trace")])
        .unwrap();
    assert!(
        plan.stdout
            .contains("Plan: 9 to import, 0 to add, 0 to change, 0 to destroy."),
        "{}\n{}",
        plan.stdout,
        plan.stderr
    );
    assert_no_seed(&estate, &format!("{}{}", plan.stdout, plan.stderr));
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    for (address, path) in [
        ("nats_nkey_operator.op", "OP.jwt"),
        ("nats_nkey_account.app", "accounts/APP/APP.jwt"),
        ("nats_nkey_account.other", "accounts/OTHER/OTHER.jwt"),
        ("nats_nkey_user.scoped", "accounts/APP/users/scoped.jwt"),
        ("nats_nkey_user.app", "accounts/APP/users/app.jwt"),
    ] {
        assert_eq!(
            state_jwt(&tf, address),
            store_jwt(&estate, path),
            "{address}"
        );
    }
}

#[test]
fn an_account_with_a_claim_natsforge_cannot_express_fails_import_naming_it() {
    let estate = Estate::new(true);
    let server = NatsServerBuilder::new()
        .extra(&estate.server_config())
        .start()
        .unwrap();
    let tf = terraform(&estate);
    tf.write_file("system.creds", &estate.creds("SYS", "sys"))
        .unwrap();
    let bad = estate.key("BAD");
    let body = format!(
        "{REQUIRED}provider \"nats\" {{\n  servers            = \"{}\"\n  system_credentials = \"${{path.module}}/system.creds\"\n}}\nresource \"nats_nkey_account\" \"bad\" {{\n  name       = \"BAD\"\n  public_key = \"{bad}\"\n  issuer     = \"{}\"\n}}\n",
        server.client_url(),
        estate.key("operator_signing")
    );
    tf.write_file("main.tf", &body).unwrap();
    for id in ["nsc://OP/BAD", bad] {
        let out = tf
            .run(["import", "-no-color", "nats_nkey_account.bad", id])
            .unwrap();
        assert!(!out.success(), "import of {id} succeeded:\n{}", out.stdout);
        let flowing = out.stderr.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flowing.contains("claims natsforge cannot express")
                && flowing.contains(&format!("`exports[0].revocations.{}`", estate.key("OTHER"))),
            "{id}: {}",
            out.stderr
        );
    }
    assert!(
        !tf.dir().join("terraform.tfstate").exists() || {
            let state = std::fs::read_to_string(tf.dir().join("terraform.tfstate")).unwrap();
            !state.contains("nats_nkey_account")
        }
    );
}

#[test]
fn query_over_the_store_generates_configuration_that_imports_with_no_changes() {
    let estate = Estate::new(false);
    let tf = terraform(&estate);
    tf.write_file("main.tf", REQUIRED).unwrap();
    tf.write_file(
        "estate.tfquery.hcl",
        "list \"nats_nkey_account\" \"op\" {\n  provider = nats\n  config {\n    operator = \"OP\"\n  }\n}\nlist \"nats_nkey_user\" \"app\" {\n  provider = nats\n  config {\n    operator = \"OP\"\n    account  = \"APP\"\n  }\n}\n",
    )
    .unwrap();
    let query = tf
        .run_ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .unwrap()
        .stdout;
    for name in ["SYS", "APP", "OTHER", "APP/app", "APP/signed", "APP/scoped"] {
        assert!(query.contains(name), "{name} not listed:\n{query}");
    }
    let generated = std::fs::read_to_string(tf.dir().join("generated.tf")).unwrap();
    assert!(generated.contains("import {"), "{generated}");
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap().stdout;
    assert!(
        plan.contains("6 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}\n{generated}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
}

/// The provider block for the estate's server, with its system user.
fn live_provider(tf: &Terraform, estate: &Estate, url: &str) -> String {
    tf.write_file("system.creds", &estate.creds("SYS", "sys"))
        .unwrap();
    format!("provider \"nats\" {{\n  servers            = \"{url}\"\n  system_credentials = \"${{path.module}}/system.creds\"\n}}\n")
}

#[test]
fn query_over_the_resolver_generates_configuration_that_imports_with_no_changes() {
    let estate = Estate::new(false);
    let server = NatsServerBuilder::new()
        .extra(&estate.server_config())
        .start()
        .unwrap();
    let tf = terraform(&estate);
    let provider = live_provider(&tf, &estate, server.client_url());
    tf.write_file("main.tf", &format!("{REQUIRED}{provider}"))
        .unwrap();
    tf.write_file(
        "live.tfquery.hcl",
        "list \"nats_nkey_account\" \"live\" {\n  provider = nats\n}\n",
    )
    .unwrap();
    let query = tf
        .run_ok(&["query", "-no-color", "-generate-config-out=generated.tf"])
        .unwrap()
        .stdout;
    for name in ["SYS", "APP", "OTHER"] {
        assert!(query.contains(name), "{name} not listed:\n{query}");
    }
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap().stdout;
    assert!(
        plan.contains("3 to import, 0 to add, 0 to change, 0 to destroy"),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();
    let _: Value = tf.show_json().unwrap();
}

/// Publishes on `subject` until the client's own subscription receives it (its
/// interest may take a moment to reach the server), for at most 5 s.
macro_rules! round_trip {
    ($client:expr, $subject:expr) => {{
        let mut subscriber = $client.subscribe($subject).await.unwrap();
        let mut received = false;
        for _ in 0..25 {
            $client.publish($subject, "ping".into()).await.unwrap();
            let next = tokio::time::timeout(Duration::from_millis(200), subscriber.next());
            if let Ok(Some(_)) = next.await {
                received = true;
                break;
            }
        }
        received
    }};
}

#[tokio::test(flavor = "multi_thread")]
async fn imported_from_the_resolver_a_changed_limit_pushes_only_that_account() {
    let estate = Estate::new(false);
    let server = NatsServerBuilder::new()
        .extra(&estate.server_config())
        .start()
        .unwrap();
    let url = server.client_url().to_owned();
    // A user of APP is connected and working throughout.
    let app = connect(&creds_options(&url, &estate.creds("APP", "app")))
        .await
        .unwrap();
    assert!(round_trip!(app, "orders.before"));
    let app_client_id = app.server_info().client_id;

    let tf = terraform(&estate);
    let provider = live_provider(&tf, &estate, &url);
    let imports = [
        import_block("nats_nkey.operator_signing", estate.key("operator_signing")),
        import_block("nats_nkey_operator.op", estate.key("operator")),
        import_block("nats_nkey_account.sys", estate.key("SYS")),
        import_block("nats_nkey_account.app", estate.key("APP")),
        import_block("nats_nkey_account.other", estate.key("OTHER")),
        import_block("nats_nkey_user.app", estate.key("app_user")),
        import_block("nats_nkey_user.signed", estate.key("signed_user")),
        import_block("nats_nkey_user.scoped", estate.key("scoped_user")),
        import_block("nats_nkey_user.other", estate.key("other_user")),
    ]
    .concat();
    tf.write_file(
        "main.tf",
        &format!("{REQUIRED}{provider}{}{imports}", configuration(&estate)),
    )
    .unwrap();
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap().stdout;
    assert!(
        plan.contains("Plan: 9 to import, 0 to add, 0 to change, 0 to destroy."),
        "{plan}"
    );
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    // One limit of OTHER changes: its JWT is re-signed with the operator signing key's
    // seed from the nsc keystore and pushed; nothing else is touched.
    tf.write_file("terraform.tfvars", "other_connections = 6\n")
        .unwrap();
    let apply = tf
        .run_with_env(
            ["apply", "-auto-approve", "-no-color"],
            &[("TF_LOG", "trace")],
        )
        .unwrap();
    assert!(apply.success(), "{}\n{}", apply.stdout, apply.stderr);
    assert!(
        apply.stdout.contains("0 added, 1 changed, 0 destroyed"),
        "{}",
        apply.stdout
    );
    assert_no_seed(&estate, &format!("{}{}", apply.stdout, apply.stderr));

    let system = connect(&creds_options(&url, &estate.creds("SYS", "sys")))
        .await
        .unwrap();
    let claims = ClaimsApi::new(&SystemApi::new(system));
    let held_app = claims.lookup(estate.key("APP")).await.unwrap().unwrap();
    assert_eq!(held_app.trim(), store_jwt(&estate, "accounts/APP/APP.jwt"));
    let held_other = claims.lookup(estate.key("OTHER")).await.unwrap().unwrap();
    assert_ne!(
        held_other.trim(),
        store_jwt(&estate, "accounts/OTHER/OTHER.jwt")
    );
    let AnyClaims::Account(other) = jwt::decode(&held_other).unwrap() else {
        panic!("OTHER is not an account JWT");
    };
    assert_eq!(other.nats.limits.conn, 6);
    assert_eq!(other.issuer, estate.key("operator_signing"));
    assert_eq!(state_jwt(&tf, "nats_nkey_account.other"), held_other.trim());

    // The APP user never noticed: same connection, still working.
    assert_eq!(app.server_info().client_id, app_client_id);
    assert!(round_trip!(app, "orders.after"));
    tf.expect_no_changes().unwrap();
}
