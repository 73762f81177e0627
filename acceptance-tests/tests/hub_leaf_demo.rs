//! examples/hub-leaf end to end, as `make demo` runs it: stage one writes both server
//! configurations, real nats-servers start on exactly those files, stage two makes
//! the streams and the consumer, and messages published on the hub arrive in the
//! leaf's stream. Ports are the kernel's: stage one is applied again with the ports
//! the servers got, which also proves re-applying it is harmless.

use acceptance_tests::{wait_until, workspace_root, NatsServer, NatsServerBuilder, Terraform};
use natsforge::nats::{connect, ConnectionSettings, JetStreamApi, Secret};
use std::path::Path;
use std::time::Duration;

fn example(path: &str) -> String {
    std::fs::read_to_string(workspace_root().join("examples/hub-leaf").join(path)).unwrap()
}

fn port(url: &str) -> String {
    url.rsplit(':').next().unwrap().to_owned()
}

/// A server running on a file stage one wrote: included, so that file is what it
/// reads. nats-server resolves includes against the including file's directory, and
/// both temporary directories share a parent.
fn start(config: &Path) -> NatsServer {
    let dir = config
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy();
    let file = config.file_name().unwrap().to_string_lossy();
    NatsServerBuilder::from_config(format!("include \"../{dir}/{file}\""))
        .start()
        .unwrap()
}

/// Applies stage one with these ports, written to terraform.tfvars so that every
/// later command (plan, destroy) sees the same values.
fn apply_identities(tf: &Terraform, dir: &Path, ports: [&str; 5]) {
    let [hub, hub_leaf, hub_http, leaf, leaf_http] = ports;
    tf.write_file(
        "terraform.tfvars",
        &format!(
            "config_dir = \"{}\"\nhub_port = {hub}\nhub_leafnode_port = {hub_leaf}\nhub_monitor_port = {hub_http}\nleaf_port = {leaf}\nleaf_monitor_port = {leaf_http}\n",
            dir.display()
        ),
    )
    .unwrap();
    tf.apply().unwrap();
}

fn output(tf: &Terraform, name: &str) -> String {
    tf.output_json().unwrap()[name]["value"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn messages_published_on_the_hub_arrive_in_the_leaf_stream() {
    let dir = tempfile::tempdir().unwrap();
    let identities = Terraform::new().unwrap();
    identities
        .write_file("main.tf", &example("identities/main.tf"))
        .unwrap();
    // The leaf's remote needs the hub's leaf node port before the hub runs, so this
    // one port is picked here (the others are the kernel's, learnt from the servers).
    let hub_leaf_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
        .to_string();
    apply_identities(
        &identities,
        dir.path(),
        ["-1", &hub_leaf_port, "-1", "-1", "-1"],
    );
    let hub = start(&dir.path().join("hub.conf"));
    assert_eq!(port(hub.leafnode_url()), hub_leaf_port);
    let (hub_port, hub_http) = (port(hub.client_url()), port(hub.monitor_url()));
    apply_identities(
        &identities,
        dir.path(),
        [&hub_port, &hub_leaf_port, &hub_http, "-1", "-1"],
    );
    let leaf = start(&dir.path().join("leaf.conf"));
    let (leaf_port, leaf_http) = (port(leaf.client_url()), port(leaf.monitor_url()));
    apply_identities(
        &identities,
        dir.path(),
        [&hub_port, &hub_leaf_port, &hub_http, &leaf_port, &leaf_http],
    );
    identities.expect_no_changes().unwrap();
    let joined = wait_until(Duration::from_secs(15), || {
        hub.monitor_json("/leafz")
            .is_ok_and(|leafz| leafz["leafnodes"] == 1)
    });
    assert!(joined, "the leaf did not connect:\n{}", leaf.log());

    let streams = Terraform::new().unwrap().with_env(
        "TF_VAR_identities_state",
        identities.dir().join("terraform.tfstate"),
    );
    streams
        .write_file("main.tf", &example("streams/main.tf"))
        .unwrap();
    streams.apply().unwrap();
    streams.expect_no_changes().unwrap();

    let hub_creds = output(&identities, "hub_admin_creds");
    let leaf_creds = output(&identities, "leaf_admin_creds");
    let client = |url: &str, creds: &str| {
        ConnectionSettings {
            servers: vec![url.to_owned()],
            credentials: Some(Secret::new(creds)),
            timeout: Some(Duration::from_secs(5)),
            ..Default::default()
        }
        .into_options()
        .unwrap()
    };
    let publisher = connect(&client(hub.client_url(), &hub_creds))
        .await
        .unwrap();
    for i in 0..5 {
        publisher
            .publish(format!("QUEUE.job.{i}"), "work".into())
            .await
            .unwrap();
    }
    publisher.flush().await.unwrap();
    let leaf_js = JetStreamApi::new(
        connect(&client(leaf.client_url(), &leaf_creds))
            .await
            .unwrap(),
        Some("leaf".into()),
    );
    let mut arrived = 0;
    for _ in 0..100 {
        arrived = leaf_js
            .stream_info("QUEUE")
            .await
            .unwrap()
            .unwrap()
            .state
            .messages;
        if arrived == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(arrived, 5, "the leaf's QUEUE sources the hub's");

    // The report the demo prints, after a refresh.
    streams
        .run_ok(&["apply", "-refresh-only", "-auto-approve", "-no-color"])
        .unwrap();
    let report = &streams.output_json().unwrap()["report"]["value"];
    assert_eq!(report["hub"]["messages"], 5);
    assert_eq!(report["leaf"]["messages"], 5);
    assert_eq!(report["leaf"]["domain"], "leaf");

    // The streams hold the demo's messages and keep force_destroy off: empty them
    // before the teardown.
    leaf_js.purge_stream("QUEUE").await.unwrap();
    JetStreamApi::new(
        connect(&client(hub.client_url(), &hub_creds))
            .await
            .unwrap(),
        None,
    )
    .purge_stream("QUEUE")
    .await
    .unwrap();
    streams.destroy().unwrap();
    identities
        .run_ok(&[
            "destroy",
            "-auto-approve",
            "-no-color",
            "-var",
            "config_dir=x",
        ])
        .unwrap();
    assert!(!dir.path().join("leaf.conf").exists());
    assert!(!dir.path().join("leaf.remote-0.creds").exists());
}
