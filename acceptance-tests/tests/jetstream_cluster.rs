//! A three-node JetStream cluster: an R3 stream, and replicas changed 1 -> 3 in place.

use acceptance_tests::{
    block_on, free_ports, jetstream, wait_until, NatsServer, NatsServerBuilder, Terraform,
};
use std::time::Duration;

fn cluster() -> Vec<NatsServer> {
    let ports = free_ports::<3>().unwrap();
    let routes: Vec<String> = ports
        .iter()
        .map(|p| format!("\"nats-route://127.0.0.1:{p}\""))
        .collect();
    let nodes: Vec<NatsServer> = ports
        .iter()
        .enumerate()
        .map(|(i, port)| {
            NatsServerBuilder::new()
                .jetstream()
                .server_name(&format!("n{}", i + 1))
                .extra(&format!(
                    "cluster {{ name: acc, listen: \"127.0.0.1:{port}\", routes: [{}] }}",
                    routes.join(", ")
                ))
                .ready_timeout(Duration::from_secs(20))
                .start()
                .unwrap()
        })
        .collect();
    // JetStream is usable once a meta leader is elected with all three peers.
    let ready = wait_until(Duration::from_secs(30), || {
        nodes[0].monitor_json("/jsz").is_ok_and(|jsz| {
            jsz["meta_cluster"]["leader"].is_string() && jsz["meta_cluster"]["cluster_size"] == 3
        })
    });
    assert!(ready, "no JetStream meta leader:\n{}", nodes[0].log());
    nodes
}

fn replicas_on_server(server: &NatsServer, name: &str) -> (i64, usize) {
    block_on(async {
        let info = jetstream(server, None)
            .await
            .stream_info(name)
            .await
            .unwrap()
            .unwrap();
        let peers = info
            .cluster
            .map_or(0, |c| c.replicas.len() + usize::from(c.leader.is_some()));
        (info.config.num_replicas, peers)
    })
}

fn config(servers: &str, replicated: &str, grown_replicas: u8) -> String {
    format!(
        r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers = "{servers}"
}}

resource "nats_jetstream_stream" "r3" {{
  name     = "{replicated}"
  subjects = ["r3.>"]
  replicas = 3
}}

resource "nats_jetstream_stream" "grown" {{
  name     = "GROWN"
  subjects = ["grown.>"]
  replicas = {grown_replicas}
}}
"#
    )
}

#[test]
fn r3_stream_and_replicas_changed_in_place() {
    let nodes = cluster();
    let servers: Vec<&str> = nodes.iter().map(NatsServer::client_url).collect();
    let servers = servers.join(",");
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", &config(&servers, "R3", 1))
        .unwrap();
    tf.apply().unwrap();
    assert_eq!(replicas_on_server(&nodes[1], "R3"), (3, 3));
    assert_eq!(replicas_on_server(&nodes[2], "GROWN").0, 1);
    tf.expect_no_changes().unwrap();

    tf.write_file("main.tf", &config(&servers, "R3", 3))
        .unwrap();
    let plan = tf.run_ok(&["plan", "-no-color"]).unwrap().stdout;
    assert!(
        plan.contains("0 to add, 1 to change, 0 to destroy"),
        "replicas change in place: {plan}"
    );
    tf.apply().unwrap();
    let grown = wait_until(Duration::from_secs(20), || {
        replicas_on_server(&nodes[0], "GROWN") == (3, 3)
    });
    assert!(grown, "GROWN did not reach three peers");
    tf.expect_no_changes().unwrap();
}
