//! Fault drill: a three-node JetStream cluster loses its meta leader (SIGKILL) in the
//! middle of an apply of R3 streams, the provider given all three nodes.
//!
//! While the cluster elects a new leader and the provider reconnects, JetStream
//! requests meet silence, "no responders" and "temporarily unavailable": the provider
//! retries them within its `timeout`, and a create whose reply was lost recognises the
//! stream it made. The apply converges; if it fails all the same, every error says what
//! was retried, state holds only streams that exist, and a re-apply once the node is
//! back converges. Either way, state and the cluster end up holding exactly the
//! configured streams, and a plan is empty.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use acceptance_tests::{
    jetstream_cluster, jetstream_cluster_ready, one_line, streams_in_state, streams_on_server,
    NatsServer, Terraform,
};

const STREAMS: usize = 12;
const PARALLELISM: usize = 4;
/// Strike once this many streams are created.
const CREATED_BEFORE_KILL: usize = 3;
/// The provider's `timeout`: the budget of every JetStream call, retries included. A
/// leader election after a crash takes a few seconds.
const TIMEOUT_SECONDS: u64 = 20;

fn config(nodes: &[NatsServer]) -> String {
    let servers: Vec<&str> = nodes.iter().map(NatsServer::client_url).collect();
    format!(
        r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers = "{}"
  timeout = {TIMEOUT_SECONDS}
}}

resource "nats_jetstream_stream" "r3" {{
  count    = {STREAMS}
  name     = "R3_${{count.index}}"
  subjects = ["r3.${{count.index}}.>"]
  replicas = 3
}}
"#,
        servers.join(",")
    )
}

fn expected_names() -> Vec<String> {
    let mut names: Vec<String> = (0..STREAMS).map(|i| format!("R3_{i}")).collect();
    names.sort();
    names
}

fn apply_args() -> [String; 5] {
    [
        "apply".into(),
        "-auto-approve".into(),
        "-input=false".into(),
        "-no-color".into(),
        format!("-parallelism={PARALLELISM}"),
    ]
}

/// The node that is the JetStream meta leader now.
fn meta_leader(nodes: &[NatsServer]) -> usize {
    let jsz = nodes[0].monitor_json("/jsz").unwrap();
    let leader = jsz["meta_cluster"]["leader"].as_str().unwrap().to_owned();
    (1..=nodes.len())
        .position(|i| format!("n{i}") == leader)
        .unwrap_or_else(|| panic!("meta leader {leader:?} is none of n1..n3"))
}

/// One survivor of `killed`, to ask the cluster what it holds.
fn survivor(nodes: &[NatsServer], killed: usize) -> &NatsServer {
    &nodes[(killed + 1) % nodes.len()]
}

#[test]
fn cluster_node_killed_mid_apply_of_r3_streams_converges() {
    let mut nodes = jetstream_cluster("drill").unwrap();
    // The provider's debug log shows the retries (relative to terraform's directory).
    let tf = Terraform::new()
        .unwrap()
        .with_env("TF_LOG_PROVIDER", "DEBUG")
        .with_env("TF_LOG_PATH", "terraform.log");
    tf.write_file("main.tf", &config(&nodes)).unwrap();
    let args = apply_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let started = Instant::now();
    let mut running = tf.spawn(&args).unwrap();
    running
        .wait_for_lines(
            "Creation complete",
            CREATED_BEFORE_KILL,
            Duration::from_secs(180),
        )
        .unwrap();
    let killed = meta_leader(&nodes);
    nodes[killed].kill();
    let killed_at = started.elapsed();
    let first = running.finish(Duration::from_secs(600)).unwrap();
    let first_took = started.elapsed() - killed_at;

    // State is truthful whatever the outcome: everything recorded exists, nothing
    // twice; beyond it the cluster holds at most the creates in flight at the end.
    let in_state = streams_in_state(&tf);
    let on_cluster = streams_on_server(survivor(&nodes, killed));
    let state_set: BTreeSet<&String> = in_state.iter().collect();
    let cluster_set: BTreeSet<&String> = on_cluster.iter().collect();
    assert_eq!(
        state_set.len(),
        in_state.len(),
        "recorded twice: {in_state:?}"
    );
    let phantom: Vec<&&String> = state_set.difference(&cluster_set).collect();
    assert!(
        phantom.is_empty(),
        "state records streams the cluster does not hold: {phantom:?}"
    );
    let forgotten: Vec<&&String> = cluster_set.difference(&state_set).collect();
    assert!(
        forgotten.len() <= PARALLELISM,
        "the cluster holds streams state does not know: {forgotten:?}"
    );

    let log = std::fs::read_to_string(tf.dir().join("terraform.log")).unwrap();
    let retries = log.matches("retrying JetStream request").count();
    assert!(
        retries > 0,
        "the kill struck no request: the drill proves nothing"
    );
    let errors = one_line(&first.stderr);
    if first.success() {
        assert_eq!(in_state, expected_names());
    } else {
        // Every stream that did not make it has an error naming it and what was
        // retried, with the last error the cluster gave.
        let failed: Vec<String> = expected_names()
            .into_iter()
            .filter(|name| !state_set.contains(name))
            .collect();
        assert!(
            !failed.is_empty(),
            "the apply failed with every stream in state: {errors}"
        );
        for name in &failed {
            assert!(
                errors.contains(&format!("Error: Cannot create stream {name} ")),
                "no error names {name}:\n{errors}"
            );
        }
        assert!(
            errors
                .matches(&format!(
                    "attempts within the {TIMEOUT_SECONDS}s timeout; retried after: "
                ))
                .count()
                >= failed.len(),
            "each error names what was retried:\n{errors}"
        );
        // Back as a supervisor would bring it, the node rejoins; the re-apply converges.
        nodes[killed].restart().unwrap();
        assert!(
            jetstream_cluster_ready(&nodes, Duration::from_secs(60)),
            "the cluster did not heal:\n{}",
            nodes[killed].log()
        );
        tf.run_ok(&args).unwrap();
    }

    assert_eq!(streams_in_state(&tf), expected_names());
    assert_eq!(
        streams_on_server(survivor(&nodes, killed)),
        expected_names()
    );
    tf.expect_no_changes().unwrap();
    eprintln!(
        "drill: meta leader n{} killed after {killed_at:?}; the apply ended {first_took:?} later after {retries} retries, {}",
        killed + 1,
        if first.success() {
            "converged".to_owned()
        } else {
            format!("failed (re-applied): {errors}")
        },
    );
    tf.destroy().unwrap();
    assert!(streams_on_server(survivor(&nodes, killed)).is_empty());
}
