//! Fault drill: the hub is a three-node JetStream cluster (domain `hub`) and the leaf's
//! remote lists all three nodes; every configuration file is rendered by natsforge and
//! each server runs on its file as written. A leaf stream (domain `leaf`) sources an R3
//! hub stream. The hub node the leaf is connected to is killed with SIGKILL: the leaf
//! reconnects to another node, sourcing resumes, and the leaf stream ends with every
//! message exactly once, although the publisher retries through the failover and
//! re-sends messages it had already sent (the duplicate window drops them by
//! `Nats-Msg-Id`).

use acceptance_tests::{
    block_on, free_ports, jetstream, wait_until, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::{connect, ConnectOptions};
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

const CONFIGS: &str = r#"
terraform {
  required_providers {
    nats = { source = "natsforge/nats" }
  }
}

variable "dir" { type = string }
variable "route_ports" { type = list(number) }
variable "leaf_ports" { type = list(number) }

locals {
  routes = [for port in var.route_ports : "nats-route://127.0.0.1:${port}"]
}

# Every node lists every route, itself included (nats-server ignores a route to self).
resource "nats_leafnode_config" "hub" {
  count       = 3
  server_name = "hub-${count.index}"
  listen      = "127.0.0.1:-1"
  http        = "127.0.0.1:-1"
  jetstream = {
    domain    = "hub"
    store_dir = "${var.dir}/hub-${count.index}"
  }
  cluster = {
    name   = "hub"
    listen = "127.0.0.1:${var.route_ports[count.index]}"
    routes = local.routes
  }
  leafnodes = {
    listen = "127.0.0.1:${var.leaf_ports[count.index]}"
  }
  path = "${var.dir}/hub-${count.index}.conf"
}

resource "nats_leafnode_config" "leaf" {
  server_name = "leaf"
  listen      = "127.0.0.1:-1"
  http        = "127.0.0.1:-1"
  jetstream = {
    domain    = "leaf"
    store_dir = "${var.dir}/leaf"
  }
  remote {
    urls = [for port in var.leaf_ports : "nats-leaf://127.0.0.1:${port}"]
  }
  path = "${var.dir}/leaf.conf"
}
"#;

const STREAMS: &str = r#"
variable "hub_servers" { type = string }
variable "leaf_server" { type = string }

provider "nats" {
  alias            = "hub"
  servers          = var.hub_servers
  jetstream_domain = "hub"
}

provider "nats" {
  alias   = "leaf"
  servers = var.leaf_server
}

resource "nats_jetstream_stream" "orders" {
  provider         = nats.hub
  name             = "ORDERS"
  subjects         = ["orders.>"]
  replicas         = 3
  duplicate_window = 120
}

resource "nats_jetstream_stream" "orders_copy" {
  provider = nats.leaf
  name     = "ORDERS_COPY"
  domain   = "leaf"
  source {
    name   = nats_jetstream_stream.orders.name
    domain = "hub"
  }
}
"#;

const MESSAGES: usize = 100;
const DEADLINE: Duration = Duration::from_secs(30);
/// nats-server notices a stalled source when nothing came for 10 s, checked every
/// 10 s, then recreates its consumer (after a leader election when the killed node
/// led the stream): up to ~25 s when the killed node held the source's consumer.
const RESUME_DEADLINE: Duration = Duration::from_secs(45);

fn leafnodes(server: &NatsServer) -> u64 {
    server
        .monitor_json("/leafz")
        .ok()
        .and_then(|leafz| leafz["leafnodes"].as_u64())
        .unwrap_or(0)
}

/// The leaf node port of the hub the leaf is connected to, from the leaf's LEAFZ.
fn connected_hub_port(leaf: &NatsServer) -> Option<u16> {
    let leafz = leaf.monitor_json("/leafz").ok()?;
    leafz["leafs"]
        .as_array()?
        .first()?
        .get("port")?
        .as_u64()
        .and_then(|port| u16::try_from(port).ok())
}

/// Publishes `ids` to the hub stream, each with `Nats-Msg-Id: m-<id>`, retrying a
/// publish that gets no acknowledgement (no responders, timeout, leader election)
/// with the same id until `DEADLINE`. Returns how many acks said "duplicate".
fn publish(hub_url: &str, ids: impl IntoIterator<Item = usize>) -> usize {
    block_on(async {
        let client = connect(&ConnectOptions {
            servers: vec![hub_url.to_owned()],
            ..ConnectOptions::default()
        })
        .await
        .unwrap();
        let mut duplicates = 0;
        for id in ids {
            let started = Instant::now();
            loop {
                let mut headers = async_nats::HeaderMap::new();
                headers.insert("Nats-Msg-Id", format!("m-{id}").as_str());
                let ack = tokio::time::timeout(
                    Duration::from_secs(2),
                    client.request_with_headers(format!("orders.{id}"), headers, "order".into()),
                )
                .await;
                let ack: Option<serde_json::Value> = match ack {
                    Ok(Ok(reply)) => serde_json::from_slice(&reply.payload).ok(),
                    _ => None,
                };
                if let Some(ack) = ack.filter(|a| a["seq"].is_u64()) {
                    duplicates += usize::from(ack["duplicate"] == true);
                    break;
                }
                assert!(
                    started.elapsed() < DEADLINE,
                    "message {id} never acknowledged"
                );
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
        duplicates
    })
}

/// The `Nats-Msg-Id` of every message in the leaf's copy, by direct get.
fn ids_in_leaf_copy(leaf: &NatsServer) -> Vec<String> {
    block_on(async {
        let api = jetstream(leaf, Some("leaf")).await;
        let info = api.stream_info("ORDERS_COPY").await.unwrap().unwrap();
        let mut ids = Vec::new();
        for seq in info.state.first_seq..=info.state.last_seq {
            let reply = api
                .client()
                .request(
                    "$JS.leaf.API.DIRECT.GET.ORDERS_COPY",
                    serde_json::to_vec(&serde_json::json!({ "seq": seq }))
                        .unwrap()
                        .into(),
                )
                .await
                .unwrap();
            let id = reply
                .headers
                .as_ref()
                .and_then(|h| h.get("Nats-Msg-Id"))
                .map(|v| v.as_str().to_owned());
            ids.push(id.unwrap_or_else(|| format!("<none at {seq}>")));
        }
        ids
    })
}

fn leaf_copy_count(leaf: &NatsServer) -> u64 {
    block_on(async {
        let api = jetstream(leaf, Some("leaf")).await;
        api.stream_info("ORDERS_COPY")
            .await
            .ok()
            .flatten()
            .map_or(0, |info| info.state.messages)
    })
}

#[test]
fn killing_the_hub_node_the_leaf_uses_loses_and_repeats_nothing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let [r1, r2, r3, l1, l2, l3] = free_ports::<6>().unwrap();
    let (route_ports, leaf_ports) = ([r1, r2, r3], [l1, l2, l3]);
    let tf = Terraform::new().unwrap();
    tf.write_file("configs.tf", CONFIGS).unwrap();
    tf.write_file(
        "terraform.tfvars.json",
        &serde_json::json!({
            "dir": dir.path(),
            "route_ports": route_ports,
            "leaf_ports": leaf_ports,
        })
        .to_string(),
    )
    .unwrap();
    tf.apply().unwrap();

    let mut hubs: Vec<Option<NatsServer>> = (0..3)
        .map(|i| {
            let path = dir.path().join(format!("hub-{i}.conf"));
            Some(NatsServerBuilder::from_file(path).start().unwrap())
        })
        .collect();
    let live = |hubs: &[Option<NatsServer>]| -> Vec<usize> {
        (0..hubs.len()).filter(|i| hubs[*i].is_some()).collect()
    };
    let node = |hubs: &[Option<NatsServer>], i: usize| -> String {
        hubs[i]
            .as_ref()
            .map_or(String::new(), |h| h.client_url().to_owned())
    };
    let meta_ready = wait_until(DEADLINE, || {
        hubs[0].as_ref().is_some_and(|hub| {
            hub.monitor_json("/jsz").is_ok_and(|jsz| {
                jsz["meta_cluster"]["leader"].is_string()
                    && jsz["meta_cluster"]["cluster_size"] == 3
            })
        })
    });
    assert!(meta_ready, "no JetStream meta leader of three");
    let leaf = NatsServerBuilder::from_file(dir.path().join("leaf.conf"))
        .start()
        .unwrap();
    assert!(
        wait_until(DEADLINE, || connected_hub_port(&leaf).is_some()),
        "the leaf never connected:\n{}",
        leaf.log()
    );

    let hub_servers: Vec<String> = live(&hubs).iter().map(|i| node(&hubs, *i)).collect();
    tf.write_file("streams.tf", STREAMS).unwrap();
    let tf = tf
        .with_env("TF_VAR_hub_servers", hub_servers.join(","))
        .with_env("TF_VAR_leaf_server", leaf.client_url());
    tf.apply().unwrap();
    let setup_done = started.elapsed();

    // Half the messages, all arriving on the leaf.
    assert_eq!(publish(&hub_servers[0], 1..=MESSAGES / 2), 0);
    assert!(wait_until(DEADLINE, || leaf_copy_count(&leaf) == 50));

    // Kill the node the leaf is connected to.
    let port = connected_hub_port(&leaf).unwrap();
    let victim = leaf_ports.iter().position(|p| *p == port).unwrap();
    let victim_server = hubs[victim].as_ref().unwrap();
    assert_eq!(leafnodes(victim_server), 1, "LEAFZ of the hub disagrees");
    let killed_at = Instant::now();
    hubs[victim].as_mut().unwrap().kill();
    hubs[victim] = None;

    // The publisher, told nothing, sends messages 41..=100 through a node still up:
    // 41..=50 again (acked before, so the stream drops them), then the rest.
    let survivor = node(&hubs, live(&hubs)[0]);
    let duplicates = publish(&survivor, MESSAGES / 2 - 9..=MESSAGES);
    assert_eq!(
        duplicates, 10,
        "the hub stream did not drop the re-sent ids"
    );
    let published = killed_at.elapsed();

    let reconnected = wait_until(DEADLINE, || {
        connected_hub_port(&leaf).is_some_and(|p| p != port)
    });
    assert!(reconnected, "the leaf did not reconnect:\n{}", leaf.log());
    let reconnected_after = killed_at.elapsed();
    let resumed = wait_until(RESUME_DEADLINE, || {
        leaf_copy_count(&leaf) >= MESSAGES as u64
    });
    let recovered = killed_at.elapsed();
    assert!(
        resumed,
        "sourcing did not resume: {} of {MESSAGES}\n{}",
        leaf_copy_count(&leaf),
        leaf.log()
    );
    let now_on: Vec<usize> = live(&hubs)
        .into_iter()
        .filter(|i| hubs[*i].as_ref().is_some_and(|hub| leafnodes(hub) == 1))
        .collect();
    assert_eq!(now_on.len(), 1, "hubs holding the leaf: {now_on:?}");

    let ids = ids_in_leaf_copy(&leaf);
    let unique: BTreeSet<&String> = ids.iter().collect();
    let expected: BTreeSet<String> = (1..=MESSAGES).map(|i| format!("m-{i}")).collect();
    assert_eq!(ids.len(), MESSAGES, "messages in the leaf copy: {ids:?}");
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
    eprintln!(
        "drill timings: setup {setup_done:?}; after the kill: published {published:?}, leaf reconnected {reconnected_after:?}, all {MESSAGES} on the leaf {recovered:?}; total {:?}",
        started.elapsed()
    );
}
