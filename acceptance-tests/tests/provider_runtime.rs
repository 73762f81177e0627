//! The plugin runtime as Terraform uses it: structured logs, no secret at any level,
//! and debug mode with `TF_REATTACH_PROVIDERS`.

use acceptance_tests::{provider_binary, NatsServerBuilder, Terraform};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const REQUIRED_PROVIDERS: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}
"#;

fn data_source_config(url: &str) -> String {
    format!(
        r#"{REQUIRED_PROVIDERS}
provider "nats" {{
  servers = "{url}"
}}

data "nats_server" "this" {{}}
"#
    )
}

#[test]
fn debug_log_shows_structured_provider_lines() {
    let server = NatsServerBuilder::new().start().unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", &data_source_config(server.client_url()))
        .unwrap();
    let output = tf
        .run_with_env(["plan", "-no-color"], &[("TF_LOG", "debug")])
        .unwrap();
    assert!(output.success(), "{}", output.stderr);
    let provider_lines: Vec<&str> = output
        .stderr
        .lines()
        .filter(|line| line.contains("provider.terraform-provider-nats:"))
        .collect();
    // Terraform turns our JSON lines into its own structured form, fields as key=value.
    let read = provider_lines
        .iter()
        .find(|line| line.contains("tf_rpc=ReadDataSource") && line.contains("Served request"))
        .unwrap_or_else(|| panic!("no structured ReadDataSource line in:\n{}", output.stderr));
    assert!(read.contains("[DEBUG]"), "{read}");
    assert!(read.contains("tf_data_source_type=nats_server"), "{read}");
    assert!(read.contains("tf_req_duration_ms="), "{read}");
    assert!(read.contains("@module=nats"), "{read}");
}

#[test]
fn trace_log_carries_no_secret() {
    let seed = nkeys::KeyPair::new_user();
    let password = "pw-must-never-be-logged-42";
    let server = NatsServerBuilder::new()
        .extra(&format!(
            "authorization {{ users = [ {{ user: alice, password: \"{password}\" }}, {{ nkey: {} }} ] }}",
            seed.public_key()
        ))
        .start()
        .unwrap();
    let seed_text = seed.seed().unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            r#"{REQUIRED_PROVIDERS}
variable "password" {{
  type      = string
  sensitive = true
}}

variable "seed" {{
  type      = string
  sensitive = true
}}

provider "nats" {{
  alias    = "password"
  servers  = "{url}"
  user     = "alice"
  password = var.password
}}

provider "nats" {{
  alias     = "nkey"
  servers   = "{url}"
  nkey_seed = var.seed
}}

data "nats_server" "by_password" {{
  provider = nats.password
}}

data "nats_server" "by_nkey" {{
  provider = nats.nkey
}}
"#,
            url = server.client_url()
        ),
    )
    .unwrap();
    let output = tf
        .run_with_env(
            ["apply", "-auto-approve", "-no-color"],
            &[
                ("TF_LOG", "trace"),
                ("TF_VAR_password", password),
                ("TF_VAR_seed", &seed_text),
            ],
        )
        .unwrap();
    assert!(output.success(), "{}", output.stderr);
    assert!(
        output.stderr.contains("provider.terraform-provider-nats"),
        "provider logs expected at trace"
    );
    for (what, secret) in [("password", password), ("seed", seed_text.as_str())] {
        assert!(
            !output.stderr.contains(secret),
            "{what} found in the trace log"
        );
        assert!(
            !output.stdout.contains(secret),
            "{what} found in the output"
        );
    }
    let state = std::fs::read_to_string(tf.dir().join("terraform.tfstate")).unwrap();
    assert!(!state.contains(password) && !state.contains(&seed_text));
}

/// Ends the debug-mode provider even when the test fails.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn debug_mode_reattach_serves_terraform() {
    let server = NatsServerBuilder::new()
        .server_name("reattached")
        .start()
        .unwrap();
    let mut child = Command::new(provider_binary().unwrap())
        .arg("-debug")
        .env("TF_LOG_PROVIDER_NATS", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let stderr = child.stderr.take().unwrap();
    let provider = Running(child);
    let reattach = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .strip_prefix("export TF_REATTACH_PROVIDERS='")
                .and_then(|rest| rest.strip_suffix('\''))
                .map(str::to_string)
        })
        .expect("debug mode prints TF_REATTACH_PROVIDERS");
    let parsed: serde_json::Value = serde_json::from_str(&reattach).unwrap();
    let entry = &parsed["registry.terraform.io/natsforge/nats"];
    assert_eq!(entry["ProtocolVersion"], 6);
    assert_eq!(entry["Pid"], provider.0.id());

    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!(
            "{}\noutput \"name\" {{\n  value = data.nats_server.this.server_name\n}}\n",
            data_source_config(server.client_url())
        ),
    )
    .unwrap();
    let output = tf
        .run_with_env(
            ["apply", "-auto-approve", "-no-color"],
            &[("TF_REATTACH_PROVIDERS", &reattach)],
        )
        .unwrap();
    assert!(output.success(), "{}", output.stderr);
    assert!(output.stdout.contains("reattached"), "{}", output.stdout);
    drop(provider);
    // The provider we started (not one Terraform launched) served the data source.
    let log: String = BufReader::new(stderr)
        .lines()
        .map_while(Result::ok)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(log.contains("ReadDataSource"), "{log}");
}
