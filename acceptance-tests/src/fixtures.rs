//! Pieces most tests need: the provider block pointing at a server, and natsforge's
//! own JetStream client for checking what the server holds without Terraform.

use crate::{
    provider_binary, wait_until, NatsServer, NatsServerBuilder, Terraform, PROVIDER_ADDRESS,
};
use natsforge::nats::jetstream::{StreamConfig, StreamInfo};
use natsforge::nats::{connect, ConnectOptions, ConnectionSettings, JetStreamApi, Secret};
use serde_json::Value;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// `terraform { required_providers { nats } }` and a `provider "nats"` for `server`.
pub fn provider_config(server: &NatsServer) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers = "{}"
}}
"#,
        server.client_url()
    )
}

/// Runs async client code from a synchronous test.
pub fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime for the test")
        .block_on(future)
}

/// JetStream of `server` (in `domain`, or its own), through natsforge's client.
pub async fn jetstream(server: &NatsServer, domain: Option<&str>) -> JetStreamApi {
    let client = connect(&ConnectOptions {
        servers: vec![server.client_url().to_string()],
        ..ConnectOptions::default()
    })
    .await
    .expect("connecting to the test server");
    JetStreamApi::new(client, domain.map(str::to_string))
}

/// A fresh Terraform working directory whose `main.tf` is [`provider_config`] for
/// `server` followed by `resources`.
pub fn terraform_with(server: &NatsServer, resources: &str) -> Terraform {
    let tf = Terraform::new().expect("a terraform working directory");
    write_main(&tf, server, resources);
    tf
}

/// Replaces `main.tf` with [`provider_config`] for `server` followed by `resources`.
pub fn write_main(tf: &Terraform, server: &NatsServer, resources: &str) {
    tf.write_file(
        "main.tf",
        &format!("{}\n{resources}\n", provider_config(server)),
    )
    .expect("writing main.tf");
}

/// The text `terraform plan` prints (it must succeed).
pub fn plan_text(tf: &Terraform) -> String {
    tf.run_ok(&["plan", "-no-color"])
        .expect("terraform plan")
        .stdout
}

/// The stream `name` as the server holds it (default domain), read with natsforge's
/// own client rather than through Terraform.
pub fn stream_info(server: &NatsServer, name: &str) -> Option<StreamInfo> {
    block_on(async {
        jetstream(server, None)
            .await
            .stream_info(name)
            .await
            .expect("STREAM.INFO")
    })
}

/// Asserts the server (default domain) holds no stream at all: what a refused
/// configuration must leave behind.
pub fn assert_no_streams(server: &NatsServer) {
    let streams = block_on(async {
        jetstream(server, None)
            .await
            .stream_names(None)
            .await
            .expect("STREAM.NAMES")
    });
    assert!(streams.is_empty(), "nothing may be created: {streams:?}");
}

/// Changes the stream `name` behind Terraform's back.
pub fn edit_stream(server: &NatsServer, name: &str, edit: impl FnOnce(&mut StreamConfig)) {
    block_on(async {
        let api = jetstream(server, None).await;
        let mut config = api
            .stream_info(name)
            .await
            .expect("STREAM.INFO")
            .expect("the stream exists")
            .config;
        edit(&mut config);
        api.update_stream(&config.without_server_metadata())
            .await
            .expect("STREAM.UPDATE");
    });
}

/// Checks the stderr of a failed plan: for each `(address, expected, attribute)` there
/// is an error about the resource `address` whose text (white space folded) contains
/// `expected` and which quotes the configuration line of `attribute`, as Terraform does
/// for a diagnostic with an attribute path.
pub fn assert_errors_per_resource(stderr: &str, expectations: &[(String, &str, &str)]) {
    let blocks: Vec<&str> = stderr.split("Error: ").skip(1).collect();
    for (address, expected, attribute) in expectations {
        let about = format!("with {address},");
        let mine: Vec<&&str> = blocks.iter().filter(|b| b.contains(&about)).collect();
        assert!(
            !mine.is_empty(),
            "no diagnostic for {address} in:\n{stderr}"
        );
        let quotes = |block: &str| {
            block.lines().any(|line| {
                line.trim_start()
                    .split(':')
                    .nth(1)
                    .is_some_and(|rest| rest.trim_start().starts_with(attribute))
            })
        };
        let flat = |block: &str| block.split_whitespace().collect::<Vec<_>>().join(" ");
        let found = mine
            .iter()
            .any(|block| flat(block).contains(expected) && quotes(block));
        assert!(
            found,
            "{address}: no diagnostic with {expected:?} pointing at `{attribute}` among:\n{}",
            mine.iter()
                .map(|b| b.to_string())
                .collect::<Vec<_>>()
                .join("\n---\n")
        );
    }
}

/// Makes `tf` run with our own binary standing in for the official provider
/// `nats-io/jetstream`: Terraform refuses to plan while a provider named in the state
/// is missing, even when a `moved` block hands the state to our resources (whose
/// MoveResourceState does the work).
pub fn official_provider_stand_in(tf: Terraform) -> Terraform {
    let ours = provider_binary().expect("the provider binary");
    let stand_in = tf.dir().join("stand-in");
    std::fs::create_dir_all(&stand_in).expect("a directory for the stand-in");
    std::os::unix::fs::symlink(&ours, stand_in.join("terraform-provider-jetstream"))
        .expect("the stand-in link");
    let cli_config = tf.dir().join("cli.tfrc");
    let ours_dir = ours.parent().map(Path::to_path_buf).unwrap_or_default();
    std::fs::write(
        &cli_config,
        format!(
            "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_ADDRESS}\" = \"{}\"\n    \"registry.terraform.io/nats-io/jetstream\" = \"{}\"\n  }}\n  direct {{}}\n}}\n",
            ours_dir.display(),
            stand_in.display()
        ),
    )
    .expect("the CLI configuration");
    tf.with_env("TF_CLI_CONFIG_FILE", &cli_config)
}

/// Connection options for `server_url` authenticating with the text of a creds file.
pub fn creds_options(server_url: &str, creds: &str) -> ConnectOptions {
    ConnectionSettings {
        servers: vec![server_url.to_owned()],
        credentials: Some(Secret::new(creds)),
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
    .into_options()
    .expect("valid connection settings")
}

/// A hub in JetStream domain `hub` and a leaf in domain `leaf`, joined by a leaf node
/// connection that is up when this returns.
pub fn hub_and_leaf() -> (NatsServer, NatsServer) {
    let hub = NatsServerBuilder::new()
        .server_name("hub")
        .domain("hub")
        .leafnode_listen()
        .start()
        .expect("the hub starts");
    let leaf = NatsServerBuilder::new()
        .server_name("leaf")
        .domain("leaf")
        .extra(&format!(
            "leafnodes {{ remotes [ {{ url: \"{}\" }} ] }}",
            hub.leafnode_url()
        ))
        .start()
        .expect("the leaf starts");
    let joined = wait_until(Duration::from_secs(10), || {
        hub.monitor_json("/leafz")
            .is_ok_and(|leafz| leafz["leafnodes"] == 1)
    });
    assert!(joined, "hub log:\n{}\nleaf log:\n{}", hub.log(), leaf.log());
    (hub, leaf)
}

/// A test PKI in `dir`: a CA of its own name, a server certificate for 127.0.0.1 and
/// localhost, and a client certificate, each as PEM files.
pub struct TestPki {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

pub fn write_test_pki(dir: &Path) -> TestPki {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
    // Each CA gets its own name, as real ones do, so a stranger's CA is "unknown".
    let ca_name = format!(
        "natsforge test CA {}",
        nkeys::KeyPair::new_user().public_key()
    );
    ca_params
        .distinguished_name
        .push(DnType::CommonName, ca_name);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let key = KeyPair::generate().expect("a CA key");
    let ca = CertifiedIssuer::self_signed(ca_params, key).expect("the CA certificate");
    let issue = |names: Vec<String>, stem: &str| {
        let key = KeyPair::generate().expect("a key");
        let cert = CertificateParams::new(names)
            .expect("certificate parameters")
            .signed_by(&key, &ca)
            .expect("a certificate signed by the CA");
        let (cert_path, key_path) = (
            dir.join(format!("{stem}.pem")),
            dir.join(format!("{stem}-key.pem")),
        );
        std::fs::write(&cert_path, cert.pem()).expect("writing a certificate");
        std::fs::write(&key_path, key.serialize_pem()).expect("writing a key");
        (cert_path, key_path)
    };
    let (server_cert, server_key) = issue(vec!["127.0.0.1".into(), "localhost".into()], "server");
    let (client_cert, client_key) = issue(vec!["client".into()], "client");
    let ca_path = dir.join("ca.pem");
    std::fs::write(&ca_path, ca.pem()).expect("writing the CA certificate");
    TestPki {
        ca: ca_path,
        server_cert,
        server_key,
        client_cert,
        client_key,
    }
}

/// The resources of type `resource_type` in `tf`'s state (`terraform show -json`),
/// as (address, attribute values) pairs: what Terraform believes exists.
pub fn state_resources(tf: &Terraform, resource_type: &str) -> Vec<(String, Value)> {
    let state = tf.show_json().expect("terraform show -json");
    state
        .pointer("/values/root_module/resources")
        .and_then(Value::as_array)
        .map(|resources| {
            resources
                .iter()
                .filter(|r| r["type"] == resource_type && r["mode"] == "managed")
                .map(|r| {
                    let address = r["address"].as_str().unwrap_or_default().to_owned();
                    (address, r["values"].clone())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The `name` of every stream in `tf`'s state, sorted, repeats kept (so a stream held
/// by two resources shows twice).
pub fn streams_in_state(tf: &Terraform) -> Vec<String> {
    let mut names: Vec<String> = state_resources(tf, "nats_jetstream_stream")
        .iter()
        .filter_map(|(_, values)| values["name"].as_str().map(str::to_owned))
        .collect();
    names.sort();
    names
}

/// Every stream `server` holds in its account (STREAM.NAMES, all pages), sorted.
pub fn streams_on_server(server: &NatsServer) -> Vec<String> {
    let mut names = block_on(async {
        jetstream(server, None)
            .await
            .stream_names(None)
            .await
            .expect("STREAM.NAMES")
    });
    names.sort();
    names
}

/// Terraform's boxed diagnostics (`│` borders, wrapped lines) as one line of words,
/// so a message can be searched for whole.
pub fn one_line(stderr: &str) -> String {
    stderr
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Terraform for an operator, its system account and a system user, whose
/// `server_config` starts a full account resolver that takes updates and deletes.
/// Outputs `server_config`, `system_creds` and `operator_seed`; `{{dir}}` stands for
/// the directory the resolver keeps its JWTs in.
pub const FULL_RESOLVER_TRUST: &str = r#"
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

resource "nats_nkey_operator" "main" {
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

output "server_config" {
  value = nats_nkey_operator.main.server_config
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
