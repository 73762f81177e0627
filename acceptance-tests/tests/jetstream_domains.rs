//! JetStream domains through Terraform: a hub and a leaf in their own domains, joined by
//! a real leaf node connection; the leaf's stream sources the hub's by `domain`.

use acceptance_tests::{block_on, hub_and_leaf, jetstream, workspace_root, Terraform};
use std::time::Duration;

#[test]
fn leaf_stream_sources_the_hub_stream_by_domain() {
    let (hub, leaf) = hub_and_leaf();
    let tf = Terraform::new().unwrap();
    // The documented example, applied as is; the test supplies the two providers.
    tf.write_file(
        "providers.tf",
        &format!(
            r#"
terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  alias            = "hub"
  servers          = "{hub}"
  jetstream_domain = "hub"
}}

provider "nats" {{
  alias   = "leaf"
  servers = "{leaf}"
}}
"#,
            hub = hub.client_url(),
            leaf = leaf.client_url()
        ),
    )
    .unwrap();
    let example = workspace_root().join("examples/resources/nats_jetstream_stream/resource.tf");
    tf.write_file("streams.tf", &std::fs::read_to_string(example).unwrap())
        .unwrap();
    tf.apply().unwrap();
    tf.expect_no_changes().unwrap();

    let arrived = block_on(async {
        let hub_api = jetstream(&hub, None).await;
        let hub_client = hub_api.client();
        for i in 0..5 {
            hub_client
                .publish(format!("QUEUE.job.{i}"), "work".into())
                .await
                .unwrap();
        }
        hub_client.flush().await.unwrap();
        let leaf_api = jetstream(&leaf, Some("leaf")).await;
        let mut seen = 0;
        for _ in 0..100 {
            let info = leaf_api.stream_info("QUEUE_COPY").await.unwrap().unwrap();
            seen = info.state.messages;
            if seen == 5 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let info = leaf_api.stream_info("QUEUE_COPY").await.unwrap().unwrap();
        // The source is an external API prefix on the wire: no `domain` key.
        let source = &info.config.sources[0];
        assert_eq!(
            source.external.as_ref().map(|e| e.api.as_str()),
            Some("$JS.hub.API")
        );
        seen
    });
    assert_eq!(
        arrived, 5,
        "messages published on the hub arrive in the leaf's stream"
    );
    // The hub stream lives in the hub domain only.
    let in_leaf = block_on(async {
        jetstream(&leaf, Some("leaf"))
            .await
            .stream_info("QUEUE")
            .await
            .unwrap()
    });
    assert!(in_leaf.is_none());
    // The streams hold the messages: destroy refuses (force_destroy is false) until
    // they are purged.
    let refused = tf.run(["destroy", "-auto-approve", "-no-color"]).unwrap();
    assert!(!refused.success());
    let refused = refused
        .stderr
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(refused.contains("holds 5 messages"), "{refused}");
    block_on(async {
        jetstream(&hub, None)
            .await
            .purge_stream("QUEUE")
            .await
            .unwrap();
        let leaf_api = jetstream(&leaf, Some("leaf")).await;
        leaf_api.purge_stream("QUEUE_COPY").await.unwrap();
    });
    tf.destroy().unwrap();
}
