//! The provider block and the `nats_server` data source, end to end: real terraform,
//! the built provider, real nats-server processes.

use acceptance_tests::{NatsServerBuilder, OperatorSetup, Terraform};
use serde_json::Value;

const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}
"#;

fn config(body: &str) -> String {
    format!("{REQUIRED_PROVIDERS}\n{body}")
}

fn output(tf: &Terraform, name: &str) -> Value {
    let outputs = tf.output_json().expect("terraform output -json");
    outputs[name]["value"].clone()
}

#[test]
fn reads_the_connected_server_and_converges() {
    let server = NatsServerBuilder::new()
        .jetstream()
        .domain("hub")
        .server_name("acc-hub")
        .start()
        .unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &config(&format!(
            r#"
provider "nats" {{
  servers = "{url}"
}}

data "nats_server" "this" {{}}

output "server" {{
  value = data.nats_server.this
}}
"#,
            url = server.client_url()
        )),
    )
    .unwrap();
    tf.apply().unwrap();
    let read = output(&tf, "server");
    assert_eq!(read["server_name"], "acc-hub");
    assert_eq!(read["jetstream"], true);
    assert_eq!(read["jetstream_domain"], "hub");
    assert!(read["version"].as_str().unwrap().starts_with("2."));
    assert!(read["jetstream_api_level"].as_u64().unwrap() >= 1);
    assert!(read["server_id"].as_str().unwrap().starts_with('N'));
    assert!(
        read["statistics"].is_null(),
        "no system credentials configured"
    );
    tf.expect_no_changes().unwrap();
}

#[test]
fn two_aliases_reach_two_servers_side_by_side() {
    let hub = NatsServerBuilder::new()
        .jetstream()
        .domain("hub")
        .server_name("hub")
        .start()
        .unwrap();
    let leaf = NatsServerBuilder::new()
        .jetstream()
        .domain("leaf")
        .server_name("leaf")
        .start()
        .unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &config(&format!(
            r#"
provider "nats" {{
  alias   = "hub"
  servers = ["{hub}"]
}}

provider "nats" {{
  alias   = "leaf"
  servers = "{leaf}"
}}

data "nats_server" "hub" {{
  provider = nats.hub
}}

data "nats_server" "leaf" {{
  provider = nats.leaf
}}

output "names" {{
  value = [data.nats_server.hub.server_name, data.nats_server.leaf.server_name]
}}

output "domains" {{
  value = [data.nats_server.hub.jetstream_domain, data.nats_server.leaf.jetstream_domain]
}}
"#,
            hub = hub.client_url(),
            leaf = leaf.client_url()
        )),
    )
    .unwrap();
    tf.apply().unwrap();
    assert_eq!(output(&tf, "names"), serde_json::json!(["hub", "leaf"]));
    assert_eq!(output(&tf, "domains"), serde_json::json!(["hub", "leaf"]));
}

#[test]
fn environment_configures_the_provider() {
    let server = NatsServerBuilder::new()
        .server_name("from-env")
        .start()
        .unwrap();
    let tf = Terraform::new()
        .unwrap()
        .with_env("NATS_URL", server.client_url());
    tf.write_file(
        "main.tf",
        &config(
            r#"
provider "nats" {}

data "nats_server" "this" {}

output "name" {
  value = data.nats_server.this.server_name
}
"#,
        ),
    )
    .unwrap();
    tf.apply().unwrap();
    assert_eq!(output(&tf, "name"), "from-env");
}

#[test]
fn unknown_provider_configuration_does_not_fail_the_plan() {
    let server = NatsServerBuilder::new()
        .server_name("later")
        .start()
        .unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &config(&format!(
            r#"
resource "terraform_data" "url" {{
  input = "{url}"
}}

provider "nats" {{
  servers = terraform_data.url.output
}}

data "nats_server" "this" {{
  depends_on = [terraform_data.url]
}}

output "name" {{
  value = data.nats_server.this.server_name
}}
"#,
            url = server.client_url()
        )),
    )
    .unwrap();
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap();
    assert!(plan.stdout.contains("known after apply"), "{}", plan.stdout);
    tf.apply().unwrap();
    assert_eq!(output(&tf, "name"), "later");
}

#[test]
fn schema_is_valid_json_with_sensitive_secrets() {
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", &config("provider \"nats\" {}\n"))
        .unwrap();
    let schema = tf.providers_schema_json().unwrap();
    let ours = &schema["provider_schemas"]["registry.terraform.io/natsforge/nats"];
    let provider = &ours["provider"]["block"]["attributes"];
    for secret in [
        "password",
        "token",
        "nkey_seed",
        "credentials_data",
        "system_credentials_data",
    ] {
        assert_eq!(
            provider[secret]["sensitive"], true,
            "{secret} must be sensitive"
        );
    }
    assert_eq!(provider["servers"]["type"], "dynamic");
    let tls = &ours["provider"]["block"]["block_types"]["tls"];
    assert_eq!(tls["block"]["attributes"]["key_pem"]["sensitive"], true);
    let server = &ours["data_source_schemas"]["nats_server"]["block"]["attributes"];
    assert_eq!(server["server_id"]["computed"], true);
    assert!(server["version"]["description"]
        .as_str()
        .unwrap()
        .contains("nats-server version"));
}

#[test]
fn system_credentials_add_live_server_figures() {
    let setup = OperatorSetup::new().unwrap();
    let server = NatsServerBuilder::new()
        .jetstream()
        .extra(&setup.config_fragment())
        .start()
        .unwrap();
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

provider "nats" {{
  servers            = "{url}"
  credentials        = "{app}"
  system_credentials = "{sys}"
}}

data "nats_server" "this" {{}}

# Read after the first, by the same provider instance.
data "nats_server" "again" {{
  depends_on = [data.nats_server.this]
}}

output "statistics" {{
  value = data.nats_server.this.statistics
}}

output "connections_later" {{
  value = data.nats_server.again.statistics.connections
}}
"#,
            url = server.client_url(),
            app = setup.app_creds_path().display(),
            sys = setup.system_creds_path().display(),
        ),
    )
    .unwrap();
    tf.apply().unwrap();
    let statistics = output(&tf, "statistics");
    // One shared connection plus the system one, however many reads the instance
    // serves: the official provider opened a connection per operation.
    assert_eq!(statistics["connections"], 2, "{statistics}");
    assert_eq!(output(&tf, "connections_later"), 2);
    assert!(
        statistics["subscriptions"].as_u64().is_some(),
        "{statistics}"
    );
    assert_eq!(statistics["streams"], 0, "{statistics}");
    assert!(statistics["memory"].as_i64().unwrap() > 0, "{statistics}");
}
