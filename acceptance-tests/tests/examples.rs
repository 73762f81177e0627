//! Every example under examples/ is applied here against real servers, so the HCL the
//! documentation shows is known to work.

use acceptance_tests::{workspace_root, NatsServerBuilder, OperatorSetup, Terraform};
use serde_json::Value;

fn example(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join("examples").join(path))
        .unwrap_or_else(|e| panic!("examples/{path}: {e}"))
}

fn output(tf: &Terraform, name: &str) -> Value {
    tf.output_json().unwrap()[name]["value"].clone()
}

#[test]
fn provider_and_nats_server_examples_apply() {
    let hub_setup = OperatorSetup::new().unwrap();
    let hub = NatsServerBuilder::new()
        .jetstream()
        .server_name("example-hub")
        .extra(&hub_setup.config_fragment())
        .start()
        .unwrap();
    let leaf = NatsServerBuilder::new()
        .jetstream()
        .domain("leaf")
        .server_name("example-leaf")
        .start()
        .unwrap();
    // The leaf provider block reads the `nats` CLI context named "leaf".
    let config_home = tempfile::tempdir().unwrap();
    let contexts = config_home.path().join("nats").join("context");
    std::fs::create_dir_all(&contexts).unwrap();
    std::fs::write(
        contexts.join("leaf.json"),
        serde_json::json!({ "url": leaf.client_url() }).to_string(),
    )
    .unwrap();
    let hub_creds = std::fs::read_to_string(hub_setup.app_creds_path()).unwrap();

    let tf = Terraform::new()
        .unwrap()
        .with_env("XDG_CONFIG_HOME", config_home.path())
        .with_env("TF_VAR_hub_url", hub.client_url())
        .with_env("TF_VAR_hub_creds", &hub_creds)
        .with_env(
            "TF_VAR_hub_system_creds_file",
            hub_setup.system_creds_path(),
        );
    tf.write_file("provider.tf", &example("provider/provider.tf"))
        .unwrap();
    tf.write_file(
        "data-source.tf",
        &example("data-sources/nats_server/data-source.tf"),
    )
    .unwrap();
    tf.apply().unwrap();
    assert!(output(&tf, "hub_version")
        .as_str()
        .unwrap()
        .starts_with("2."));
    // Our own two connections (user and system) at least.
    assert!(output(&tf, "hub_connections").as_u64().unwrap() >= 2);
    assert_eq!(output(&tf, "leaf_jetstream_domain"), "leaf");
    tf.expect_no_changes().unwrap();
}
