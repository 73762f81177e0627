//! The auth examples under examples/ (resources, functions, the ephemeral resource)
//! applied against real servers: the documentation's HCL is known to work.

use std::time::Duration;

use acceptance_tests::{workspace_root, NatsServerBuilder, OperatorSetup, Terraform, APP_ACCOUNT};
use natsforge::nats::{connect, ConnectionSettings, JetStreamApi, Secret};
use serde_json::Value;

const REQUIRED: &str =
    "terraform {\n  required_providers {\n    nats = { source = \"natsforge/nats\" }\n  }\n}\n";

fn example(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join("examples").join(path))
        .unwrap_or_else(|e| panic!("examples/{path}: {e}"))
}

fn output(tf: &Terraform, name: &str) -> Value {
    tf.output_json().unwrap()[name]["value"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn resource_and_function_examples_run_a_server() {
    let tf = Terraform::new().unwrap();
    tf.write_file("versions.tf", REQUIRED).unwrap();
    for path in [
        "resources/nats_nkey/resource.tf",
        "resources/nats_nkey_account/resource.tf",
        "resources/nats_nkey_operator/resource.tf",
        "resources/nats_nkey_user/resource.tf",
        "functions/public_key/function.tf",
        "functions/decode_jwt/function.tf",
        "functions/creds/function.tf",
    ] {
        tf.write_file(&path.replace('/', "_"), &example(path))
            .unwrap();
    }
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    assert!(output(&tf, "operator_public_key")
        .as_str()
        .unwrap()
        .starts_with('O'));
    assert_eq!(output(&tf, "orders_jetstream_disk"), 1_073_741_824);
    let creds = output(&tf, "order_service_creds");
    assert_eq!(creds, output(&tf, "order_service_creds_again"));

    let config = output(&tf, "server_config").as_str().unwrap().to_owned();
    let server = NatsServerBuilder::new()
        .jetstream()
        .extra(&config)
        .start()
        .unwrap();
    let options = ConnectionSettings {
        servers: vec![server.client_url().to_owned()],
        credentials: Some(Secret::new(creds.as_str().unwrap())),
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
    .into_options()
    .unwrap();
    let client = connect(&options).await.unwrap();
    let info = JetStreamApi::new(client, None).account_info().await;
    // The user may not publish to `$JS.API.>`, so JetStream is out of its reach even
    // though the account has it: the example's permissions hold.
    assert!(info.is_err());
}

#[test]
fn ephemeral_creds_connect_and_never_reach_the_state() {
    let setup = OperatorSetup::new().unwrap();
    let server = NatsServerBuilder::new()
        .extra(&setup.config_fragment())
        .start()
        .unwrap();
    let account_seed = setup.account_key(APP_ACCOUNT).seed().unwrap();
    let tf = Terraform::new()
        .unwrap()
        .with_env("TF_VAR_nats_url", server.client_url())
        .with_env("TF_VAR_orders_account_seed", &account_seed);
    tf.write_file("versions.tf", REQUIRED).unwrap();
    tf.write_file(
        "ephemeral.tf",
        &example("ephemeral-resources/nats_user_creds/ephemeral-resource.tf"),
    )
    .unwrap();
    // Reading the server through the deployer's provider proves the creds connect.
    tf.write_file(
        "check.tf",
        "data \"nats_server\" \"as_deployer\" {\n  provider = nats.deployer\n}\n\noutput \"server_id\" {\n  value = data.nats_server.as_deployer.server_id\n}\n",
    )
    .unwrap();
    tf.apply().unwrap();
    assert!(output(&tf, "server_id").as_str().unwrap().starts_with('N'));
    let state = std::fs::read_to_string(tf.dir().join("terraform.tfstate")).unwrap();
    assert!(
        !state.contains("NATS USER JWT"),
        "ephemeral creds reached the state"
    );
    assert!(!state.contains("nats_user_creds"));
}
