//! Drill: `-parallelism=50` over 500 resources (200 streams, a consumer on each, 100
//! KV buckets) against a three-node JetStream cluster, the provider given all three
//! nodes. The apply completes, state and the cluster agree object by object, a plan is
//! empty, and a destroy at the same parallelism leaves nothing behind.

use std::time::Instant;

use acceptance_tests::{
    block_on, jetstream, jetstream_cluster, state_resources, streams_in_state, streams_on_server,
    NatsServer, Terraform,
};

const STREAMS: usize = 200;
const BUCKETS: usize = 100;
const PARALLELISM: &str = "-parallelism=50";

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
}}

resource "nats_jetstream_stream" "scale" {{
  count    = {STREAMS}
  name     = "SCALE_${{count.index}}"
  subjects = ["scale.${{count.index}}.>"]
}}

resource "nats_jetstream_consumer" "scale" {{
  count        = {STREAMS}
  stream_id    = nats_jetstream_stream.scale[count.index].id
  durable_name = "WORKER"
}}

resource "nats_jetstream_kv_bucket" "scale" {{
  count = {BUCKETS}
  name  = "scale_${{count.index}}"
}}
"#,
        servers.join(",")
    )
}

/// Streams named `SCALE_<n>` and `KV_scale_<n>`, sorted as the server lists them.
fn expected_streams() -> Vec<String> {
    let mut names: Vec<String> = (0..STREAMS)
        .map(|i| format!("SCALE_{i}"))
        .chain((0..BUCKETS).map(|i| format!("KV_scale_{i}")))
        .collect();
    names.sort();
    names
}

/// How many `SCALE_` streams hold exactly the consumer `WORKER`.
fn streams_with_worker(node: &NatsServer) -> usize {
    block_on(async {
        let api = jetstream(node, None).await;
        let mut count = 0;
        for i in 0..STREAMS {
            let names = api.consumer_names(&format!("SCALE_{i}")).await.unwrap();
            count += usize::from(names == ["WORKER"]);
        }
        count
    })
}

#[test]
fn heavy_five_hundred_resources_at_parallelism_fifty_on_a_cluster() {
    let nodes = jetstream_cluster("scale").unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file("main.tf", &config(&nodes)).unwrap();

    let applying = Instant::now();
    tf.run_ok(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        PARALLELISM,
    ])
    .unwrap();
    let apply_took = applying.elapsed();

    let mut in_state = streams_in_state(&tf);
    in_state.extend(
        state_resources(&tf, "nats_jetstream_kv_bucket")
            .iter()
            .map(|(_, values)| format!("KV_{}", values["name"].as_str().unwrap())),
    );
    in_state.sort();
    assert_eq!(in_state, expected_streams());
    assert_eq!(
        state_resources(&tf, "nats_jetstream_consumer").len(),
        STREAMS
    );
    // Asked through another node than the provider's first.
    assert_eq!(streams_on_server(&nodes[2]), expected_streams());
    assert_eq!(streams_with_worker(&nodes[1]), STREAMS);

    let planning = Instant::now();
    tf.expect_no_changes().unwrap();
    let plan_took = planning.elapsed();

    let destroying = Instant::now();
    tf.run_ok(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        PARALLELISM,
    ])
    .unwrap();
    let destroy_took = destroying.elapsed();
    assert!(streams_on_server(&nodes[0]).is_empty());
    for kind in [
        "nats_jetstream_stream",
        "nats_jetstream_consumer",
        "nats_jetstream_kv_bucket",
    ] {
        assert!(
            state_resources(&tf, kind).is_empty(),
            "{kind} left in state"
        );
    }
    eprintln!("drill timings: apply {apply_took:?}, plan {plan_took:?}, destroy {destroy_took:?}");
}
