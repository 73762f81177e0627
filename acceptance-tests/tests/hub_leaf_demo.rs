//! examples/hub-leaf end to end, as `make demo` runs it: stage one writes both server
//! configurations, real nats-servers start on exactly those files, stage two makes
//! the streams and the consumer, jobs published on the hub with the `nats_publish`
//! action of stage three arrive in the leaf's stream, and jobs published while the leaf
//! is down arrive once it is back. Terraform before 1.14 has no actions: there the jobs
//! are published with natsforge's client, and stages one and two are what is tested. Ports are the kernel's: stage one is applied again with the
//! ports the servers got, which also proves re-applying it is harmless.

use acceptance_tests::{
    block_on, wait_until, workspace_root, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::{connect, ConnectOptions, ConnectionSettings, JetStreamApi, Secret};
use serde_json::Value;
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

fn leaf_joined(hub: &NatsServer, leafnodes: u64) -> bool {
    wait_until(Duration::from_secs(15), || {
        hub.monitor_json("/leafz")
            .is_ok_and(|leafz| leafz["leafnodes"] == leafnodes)
    })
}

/// Whether this Terraform runs actions (1.14 and later).
fn has_actions(tf: &Terraform) -> bool {
    let version = tf.run_ok(&["version", "-json"]).unwrap().stdout;
    let version: Value = serde_json::from_str(&version).unwrap();
    let numbers: Vec<u64> = version["terraform_version"]
        .as_str()
        .unwrap()
        .split(['.', '-'])
        .take(2)
        .map(|n| n.parse().unwrap())
        .collect();
    numbers >= vec![1, 14]
}

/// How natsforge's own client logs in to `server` (where Terraform has no actions).
fn login(server: &NatsServer, creds: &str) -> ConnectOptions {
    ConnectionSettings {
        servers: vec![server.client_url().to_owned()],
        credentials: Some(Secret::new(creds)),
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
    .into_options()
    .unwrap()
}

/// Publishes batch `batch` (5 jobs) on the hub as `make demo` does, with stage three's
/// `nats_publish` action; the action's output. Without actions, with natsforge's client.
fn publish(jobs: Option<&Terraform>, hub: &NatsServer, creds: &str, batch: u32) -> String {
    let Some(jobs) = jobs else {
        block_on(async {
            let client = connect(&login(hub, creds)).await.unwrap();
            for n in 1..=5 {
                let job = format!("job {n} of batch {batch}");
                client.publish("QUEUE.job", job.into()).await.unwrap();
            }
            client.flush().await.unwrap();
        });
        return String::new();
    };
    let batch = format!("batch={batch}");
    let invoke = [
        "apply",
        "-auto-approve",
        "-no-color",
        "-invoke=action.nats_publish.jobs",
        "-var",
        &batch,
    ];
    jobs.run_ok(&invoke).unwrap().stdout
}

/// The demo's report once the leaf's copy holds `expected` messages, read with a plain
/// apply (not `-refresh-only`: Terraform 1.9 cannot apply a refresh that changes only
/// outputs, hashicorp/terraform#35806).
fn report_when_leaf_holds(streams: &Terraform, expected: u64) -> Value {
    let mut report = Value::Null;
    let arrived = wait_until(Duration::from_secs(15), || {
        streams.apply().unwrap();
        report = streams.output_json().unwrap()["report"]["value"].clone();
        report["leaf"]["messages"] == expected
    });
    assert!(arrived, "the leaf's QUEUE sources the hub's: {report}");
    report
}

#[test]
fn jobs_published_on_the_hub_arrive_in_the_leaf_stream_also_after_an_outage() {
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
    let mut leaf = start(&dir.path().join("leaf.conf"));
    let (leaf_port, leaf_http) = (port(leaf.client_url()), port(leaf.monitor_url()));
    apply_identities(
        &identities,
        dir.path(),
        [&hub_port, &hub_leaf_port, &hub_http, &leaf_port, &leaf_http],
    );
    identities.expect_no_changes().unwrap();
    assert!(
        leaf_joined(&hub, 1),
        "the leaf did not connect:\n{}",
        leaf.log()
    );

    // Stages two (streams) and three (jobs) read stage one's state.
    let staged = |stage: &str| {
        let tf = Terraform::new().unwrap().with_env(
            "TF_VAR_identities_state",
            identities.dir().join("terraform.tfstate"),
        );
        tf.write_file("main.tf", &example(&format!("{stage}/main.tf")))
            .unwrap();
        tf
    };
    let streams = staged("streams");
    streams.apply().unwrap();
    streams.expect_no_changes().unwrap();

    let jobs = has_actions(&streams).then(|| staged("jobs"));
    let creds = |side: &str| {
        identities.output_json().unwrap()[format!("{side}_admin_creds")]["value"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let hub_creds = creds("hub");
    let stored = |published: &str, sequences: &str| {
        let line = format!("5 messages stored on QUEUE.job in QUEUE (domain hub) seq {sequences}");
        assert!(jobs.is_none() || published.contains(&line), "{published}");
    };

    stored(&publish(jobs.as_ref(), &hub, &hub_creds, 1), "1-5");
    let report = report_when_leaf_holds(&streams, 5);
    assert_eq!(report["hub"]["messages"], 5);
    assert_eq!(report["leaf"]["domain"], "leaf");
    let table = streams.output_json().unwrap()["report_table"]["value"].clone();
    let table = table.as_str().unwrap();
    let leaf_row = |l: &str| l.split_whitespace().take(3).eq(["QUEUE", "leaf", "5"]);
    assert!(table.lines().any(leaf_row), "{table}");

    // The leaf goes down; the hub keeps taking jobs; the leaf catches up once back.
    leaf.stop().unwrap();
    assert!(leaf_joined(&hub, 0), "the hub still lists the leaf");
    stored(&publish(jobs.as_ref(), &hub, &hub_creds, 2), "6-10");
    let leaf = start(&dir.path().join("leaf.conf"));
    assert_eq!(
        port(leaf.client_url()),
        leaf_port,
        "the leaf is back on its port"
    );
    assert!(
        leaf_joined(&hub, 1),
        "the leaf did not reconnect:\n{}",
        leaf.log()
    );
    let report = report_when_leaf_holds(&streams, 10);
    assert_eq!(report["hub"]["messages"], 10);

    // The streams hold the demo's messages and keep force_destroy off: empty them
    // before the teardown, with stage three's purge actions.
    match &jobs {
        Some(jobs) => {
            for queue in ["hub_queue", "leaf_queue"] {
                let purge = format!("-invoke=action.nats_jetstream_stream_purge.{queue}");
                let purged = jobs
                    .run_ok(&["apply", "-auto-approve", "-no-color", &purge])
                    .unwrap()
                    .stdout;
                assert!(purged.contains("Removed 10 messages"), "{purged}");
            }
        }
        None => block_on(async {
            let sides = [
                (&hub, "hub", None),
                (&leaf, "leaf", Some("leaf".to_string())),
            ];
            for (server, side, domain) in sides {
                let client = connect(&login(server, &creds(side))).await.unwrap();
                JetStreamApi::new(client, domain)
                    .purge_stream("QUEUE")
                    .await
                    .unwrap();
            }
        }),
    }
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
