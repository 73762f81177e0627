//! Hostile strings (quotes of both kinds, `}`, `{`, `#`, `$NAME`, backslashes,
//! `include`, spaces) in every string of `nats_leafnode_config` that reaches the file
//! and that its validators let through: a real nats-server started from the rendered
//! file reads back exactly those strings. Read back through VARZ (names, store
//! directory, deny lists, what the includes set), through `nats-server -t` (TLS files
//! it loads) and through leaf node connections that only work when the server read
//! the password in a URL and a creds path exactly.

use acceptance_tests::{
    check_config, wait_until, NatsServer, NatsServerBuilder, OperatorSetup, Terraform,
};
use serde_json::{json, Value};
use std::path::Path;
use std::time::Duration;

/// Characters that would end, nest, comment out, interpolate or escape a value if
/// written unquoted (or quoted naively), plus a keyword.
const HOSTILE: &str = "q\"'x }#{ $HOME\\ include";
/// Where the creds files go: nats-server expands `$NAME` in creds paths, so `$` is
/// refused there at plan time.
const HOSTILE_CREDS_DIR: &str = "q\"'x }#{ \\ include";
/// The same for names, which nats-server refuses with spaces.
const HOSTILE_NAME: &str = "n\"'}#{$HOME\\include";
/// The password hub A wants, and how a URL carries it (`"`, `}`, `#`, `{` %-encoded).
const PASSWORD: &str = "p$ss'w\"}#{x";
const PASSWORD_IN_URL: &str = "p$ss'w%22%7D%23%7Bx";

const CONFIG: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

variable "server_name" { type = string }
variable "cluster_name" { type = string }
variable "config_dir" { type = string }
variable "store_dir" { type = string }
variable "tls_dir" { type = string }
variable "includes" { type = list(string) }
variable "hub_a_url" { type = string }
variable "hub_b_url" { type = string }
variable "route" { type = string }
variable "deny_imports" { type = list(string) }
variable "deny_exports" { type = list(string) }
variable "creds" {
  type      = string
  sensitive = true
}

resource "nats_leafnode_config" "leaf" {
  server_name = var.server_name
  listen      = "127.0.0.1:-1"
  http        = "127.0.0.1:-1"
  jetstream = {
    domain    = "leaf"
    store_dir = var.store_dir
  }
  cluster = {
    name   = var.cluster_name
    listen = "127.0.0.1:-1"
    routes = [var.route]
  }
  leafnodes = {
    listen = "127.0.0.1:-1"
    tls = {
      cert_file = "${var.tls_dir}/cert.pem"
      key_file  = "${var.tls_dir}/key.pem"
      ca_file   = "${var.tls_dir}/ca.pem"
    }
  }
  remote {
    urls         = [var.hub_a_url]
    deny_imports = var.deny_imports
    deny_exports = var.deny_exports
  }
  remote {
    urls        = [var.hub_b_url]
    credentials = var.creds
  }
  includes = var.includes
  path     = "${var.config_dir}/leaf.conf"
}
"#;

/// A self-signed certificate and its key, PEM.
fn certificate() -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    (params.self_signed(&key).unwrap().pem(), key.serialize_pem())
}

fn leaf_connections(hub: &NatsServer) -> u64 {
    hub.monitor_json("/leafz")
        .ok()
        .and_then(|leafz| leafz["leafnodes"].as_u64())
        .unwrap_or(0)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_server_started_from_the_file_reads_back_every_hostile_string() {
    // Hub A takes leaf nodes with a user and a password full of specials.
    let hub_a = NatsServerBuilder::from_config(format!(
        "listen: \"127.0.0.1:-1\"\nhttp: \"127.0.0.1:-1\"\nleafnodes {{\n  listen: \"127.0.0.1:-1\"\n  authorization {{ user: \"leafuser\", password: {} }}\n}}\n",
        natsforge::nats::server_config::quote(PASSWORD)
    ))
    .start()
    .unwrap();
    // Hub B is in operator mode: the leaf gets in with creds only.
    let setup = OperatorSetup::new().unwrap();
    let hub_b = NatsServerBuilder::new()
        .leafnode_listen()
        .extra(&setup.config_fragment())
        .start()
        .unwrap();

    let root = tempfile::tempdir().unwrap();
    let in_root = |name: &str| root.path().join(name).display().to_string();
    let (config_dir, store_dir, tls_dir) = (
        in_root(&format!("conf {HOSTILE_CREDS_DIR}")),
        in_root(&format!("store {HOSTILE}")),
        in_root(&format!("tls {HOSTILE}")),
    );
    std::fs::create_dir_all(&config_dir).unwrap();
    std::fs::create_dir_all(&tls_dir).unwrap();
    let (cert, key) = certificate();
    for (name, text) in [("cert.pem", &cert), ("key.pem", &key), ("ca.pem", &cert)] {
        std::fs::write(Path::new(&tls_dir).join(name), text).unwrap();
    }
    // Include paths hold `"` or `'` (not both), `\`, `$`, `}`, `#`, and are relative
    // to the configuration's directory, as nats-server resolves them.
    let includes = ["inc \"1\" $X }#\\a.conf", "inc '2' {}$Y include.conf"];
    std::fs::write(
        Path::new(&config_dir).join(includes[0]),
        "max_payload: 12345\n",
    )
    .unwrap();
    std::fs::write(
        Path::new(&config_dir).join(includes[1]),
        "max_connections: 777\n",
    )
    .unwrap();
    let hub_a_port = hub_a.leafnode_url().rsplit(':').next().unwrap();
    let deny_imports = ["a\"b.}#.>", "$JS.API.>"];
    let deny_exports = ["x'y.{$Z}", "back\\slash.*"];

    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", CONFIG).unwrap();
    let variables = json!({
        "server_name": HOSTILE_NAME,
        "cluster_name": format!("c{HOSTILE_NAME}"),
        "config_dir": config_dir,
        "store_dir": store_dir,
        "tls_dir": tls_dir,
        "includes": includes,
        "hub_a_url": format!("nats-leaf://leafuser:{PASSWORD_IN_URL}@127.0.0.1:{hub_a_port}"),
        "hub_b_url": hub_b.leafnode_url(),
        "route": "nats-route://ru:r$'p@127.0.0.1:1",
        "deny_imports": deny_imports,
        "deny_exports": deny_exports,
        "creds": std::fs::read_to_string(setup.app_creds_path()).unwrap(),
    });
    tf.write_file("terraform.tfvars.json", &variables.to_string())
        .unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    let config = Path::new(&config_dir).join("leaf.conf");
    // `-t` loads the TLS certificate, key and CA from their hostile paths.
    check_config(&config).unwrap_or_else(|e| panic!("{e}"));
    let leaf = NatsServerBuilder::from_file(&config).start().unwrap();
    let joined = wait_until(Duration::from_secs(15), || {
        leaf_connections(&hub_a) == 1 && leaf_connections(&hub_b) == 1
    });
    assert!(
        joined,
        "the leaf did not connect to both hubs (password in the URL, creds path):\n{}",
        leaf.log()
    );

    let varz = leaf.monitor_json("/varz").unwrap();
    assert_eq!(varz["server_name"], HOSTILE_NAME);
    assert_eq!(varz["cluster"]["name"], format!("c{HOSTILE_NAME}"));
    assert_eq!(varz["max_payload"], 12345, "include 1 not read");
    assert_eq!(varz["max_connections"], 777, "include 2 not read");
    assert_eq!(varz["leaf"]["tls_required"], true);
    let stored = varz["jetstream"]["config"]["store_dir"].as_str().unwrap();
    assert!(
        stored == store_dir || stored == format!("{store_dir}/jetstream"),
        "store_dir read as {stored:?}, written {store_dir:?}"
    );
    let remote = &varz["leaf"]["remotes"][0];
    assert_eq!(strings(&remote["deny"]["imports"]), deny_imports);
    // nats-server adds its own deny rules for JetStream domains; ours come first.
    let exports = strings(&remote["deny"]["exports"]);
    assert_eq!(exports[..2], deny_exports, "{exports:?}");

    tf.destroy().unwrap();
    assert!(!config.exists());
    assert!(Path::new(&tls_dir).join("cert.pem").exists(), "not ours");
}
