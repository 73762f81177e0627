//! Clusters of nats-server nodes routed to each other: JetStream clusters, resolver
//! clusters, and the drills that kill one node and start it again.

use std::net::TcpListener;
use std::time::Duration;

use crate::{wait_until, HarnessError, NatsServer, NatsServerBuilder};

/// Loopback ports for listeners every node must know before any node starts (routes,
/// leaf node listeners). Unlike client ports they cannot be left to each server: they
/// are taken from the kernel, released, and used at once. Take every port a test needs
/// in one call: all listeners are held until the last is bound, so no two are equal
/// (ports released one at a time can be handed out again).
pub fn free_ports<const N: usize>() -> Result<[u16; N], HarnessError> {
    let mut ports = [0; N];
    ports.copy_from_slice(&free_port_list(N)?);
    Ok(ports)
}

/// [`free_ports`] for a count known only at run time.
pub(crate) fn free_port_list(count: usize) -> Result<Vec<u16>, HarnessError> {
    let listeners = (0..count)
        .map(|_| TcpListener::bind("127.0.0.1:0"))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| HarnessError::io("taking a free loopback port", e))?;
    listeners
        .iter()
        .map(|listener| {
            listener
                .local_addr()
                .map(|addr| addr.port())
                .map_err(|e| HarnessError::io("reading a listener's port", e))
        })
        .collect()
}

/// Starts one node per builder as cluster `name`: each listens for routes on its own
/// port and routes to every node (itself included, which nats-server ignores), so a
/// node that is killed and restarted finds the others again. Give each builder its
/// `server_name`. Returns once every node listens; see [`jetstream_cluster_ready`].
///
/// Start clusters from the test's own thread (see [`crate::child`]).
pub fn start_cluster(
    name: &str,
    builders: Vec<NatsServerBuilder>,
) -> Result<Vec<NatsServer>, HarnessError> {
    let ports = free_port_list(builders.len())?;
    let routes: Vec<String> = ports
        .iter()
        .map(|port| format!("\"nats-route://127.0.0.1:{port}\""))
        .collect();
    builders
        .into_iter()
        .zip(&ports)
        .map(|(builder, port)| {
            builder
                .extra(&format!(
                    "cluster {{ name: \"{name}\", listen: \"127.0.0.1:{port}\", routes: [{}] }}",
                    routes.join(", ")
                ))
                .start()
        })
        .collect()
}

/// Three JetStream nodes `n1`..`n3` (file store in each node's directory) routed as
/// cluster `name`, ready once a meta leader is elected with all three peers.
pub fn jetstream_cluster(name: &str) -> Result<Vec<NatsServer>, HarnessError> {
    let builders = (1..=3)
        .map(|i| {
            NatsServerBuilder::new()
                .jetstream()
                .server_name(&format!("n{i}"))
        })
        .collect();
    let nodes = start_cluster(name, builders)?;
    if jetstream_cluster_ready(&nodes, Duration::from_secs(30)) {
        Ok(nodes)
    } else {
        Err(HarnessError::ServerNotReady {
            timeout: Duration::from_secs(30),
            log: nodes
                .iter()
                .map(NatsServer::log)
                .collect::<Vec<_>>()
                .join("\n"),
        })
    }
}

/// Whether, within `timeout`, every node of `nodes` follows the same JetStream meta
/// leader and that leader sees all other peers current (after a restart: caught up).
#[must_use = "assert on the result"]
pub fn jetstream_cluster_ready(nodes: &[NatsServer], timeout: Duration) -> bool {
    wait_until(timeout, || {
        let Ok(metas) = nodes
            .iter()
            .map(|node| {
                node.monitor_json("/jsz")
                    .map(|jsz| jsz["meta_cluster"].clone())
            })
            .collect::<Result<Vec<_>, _>>()
        else {
            return false;
        };
        let leader = metas[0]["leader"].as_str().unwrap_or_default();
        let agreed = !leader.is_empty()
            && metas
                .iter()
                .all(|meta| meta["leader"] == leader && meta["cluster_size"] == nodes.len());
        // Only the leader lists its followers.
        let followers_current = metas.iter().any(|meta| {
            meta["replicas"].as_array().is_some_and(|peers| {
                peers.len() + 1 == nodes.len()
                    && peers
                        .iter()
                        .all(|peer| peer["current"] == true && peer["offline"] != true)
            })
        });
        agreed && followers_current
    })
}
