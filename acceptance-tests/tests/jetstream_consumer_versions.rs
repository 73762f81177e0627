//! Consumer settings newer than the nats-server: refused naming the version they need,
//! at plan time when the plan knows the values and at apply otherwise, with nothing
//! created; on a server that has them they apply. The pinned server of `make test`
//! has them all; `make test-compat` runs this file against older lines too
//! (`NATS_SERVER_BIN`), where each setting is judged by the API level that line reports.

use acceptance_tests::{
    block_on, jetstream, provider_config, NatsServer, NatsServerBuilder, Terraform,
};
use natsforge::nats::jetstream::StreamConfig;

/// (resource name, arguments, the attribute refused, its API level, its first release)
const NEWER: &[(&str, &str, &str, u64, &str)] = &[
    (
        "pinned",
        "priority_groups = [\"g\"]\n  priority_policy = \"pinned_client\"",
        "priority_policy",
        1,
        "2.11",
    ),
    (
        "paused",
        "pause_until = \"2099-01-01T00:00:00Z\"",
        "pause_until",
        1,
        "2.11",
    ),
    (
        "prioritized",
        "priority_groups = [\"g\"]\n  priority_policy = \"prioritized\"",
        "priority_policy",
        2,
        "2.12",
    ),
    (
        "flow_acks",
        "delivery_subject = \"out.flow\"\n  ack_policy = \"flow_control\"",
        "ack_policy",
        4,
        "2.14",
    ),
];

fn api_level(server: &NatsServer) -> u64 {
    block_on(async {
        let api = jetstream(server, None).await;
        api.account_info().await.unwrap().api.level
    })
}

fn consumers(server: &NatsServer) -> Vec<String> {
    block_on(async {
        let api = jetstream(server, None).await;
        api.consumer_names("TEST").await.unwrap_or_default()
    })
}

fn consumer(name: &str, stream_id: &str, arguments: &str) -> String {
    format!(
        "\nresource \"nats_jetstream_consumer\" \"{name}\" {{\n  stream_id = {stream_id}\n  durable_name = \"{name}\"\n  {arguments}\n}}\n"
    )
}

/// The error blocks of `name` in `stderr`, whitespace collapsed, if there are any.
fn error_of(stderr: &str, name: &str) -> Option<String> {
    let within = format!("with nats_jetstream_consumer.{name},");
    let blocks: Vec<String> = stderr
        .split("Error: ")
        .filter(|block| block.contains(&within))
        .map(|block| block.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    (!blocks.is_empty()).then(|| blocks.join(" | "))
}

#[test]
fn settings_newer_than_the_server_fail_at_plan_naming_the_version() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    block_on(async {
        let api = jetstream(&server, None).await;
        let stream = StreamConfig {
            subjects: vec!["TEST.*".into()],
            ..StreamConfig::named("TEST")
        };
        api.create_stream(&stream).await.unwrap();
    });
    let level = api_level(&server);
    let tf = Terraform::new().unwrap();
    let body: String = NEWER
        .iter()
        .map(|(name, arguments, ..)| consumer(name, "\"TEST\"", arguments))
        .collect();
    tf.write_file("main.tf", &format!("{}\n{body}", provider_config(&server)))
        .unwrap();
    if NEWER.iter().all(|(_, _, _, needs, _)| *needs <= level) {
        tf.apply().unwrap();
        assert_eq!(consumers(&server).len(), NEWER.len());
        tf.expect_no_changes().unwrap();
        return;
    }
    let stderr = tf.expect_plan_error().unwrap();
    for (name, _, attribute, needs, release) in NEWER {
        let found = error_of(&stderr, name);
        if *needs <= level {
            assert_eq!(found, None, "{name} is served at level {level}:\n{stderr}");
            continue;
        }
        let expected = format!("needs nats-server {release} or newer (JetStream API level {needs}); the server (nats-server ");
        let found = found.unwrap_or_else(|| panic!("{name}: no error in:\n{stderr}"));
        assert!(found.contains(&expected), "{name}: {found}");
        assert!(
            found.contains(&format!("serves API level {level}")),
            "{found}"
        );
        assert!(
            found.contains(&format!("nats_jetstream_consumer.{name}")) && found.contains(attribute),
            "{found}"
        );
    }
    tf.expect_apply_error().unwrap();
    assert_eq!(consumers(&server), Vec::<String>::new(), "nothing created");
}

#[test]
fn a_newer_setting_the_plan_could_not_judge_is_refused_before_the_create() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let level = api_level(&server);
    // The stream's name reaches the consumer through a value known only after apply.
    let stream = r#"
resource "nats_jetstream_stream" "test" {
  name     = "TEST"
  subjects = ["TEST.*"]
}

resource "terraform_data" "later" {
  input = nats_jetstream_stream.test.name
}
"#;
    let (name, arguments, _, needs, release) = NEWER[0];
    let body = consumer(name, "terraform_data.later.output", arguments);
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!("{}\n{stream}{body}", provider_config(&server)),
    )
    .unwrap();
    if needs <= level {
        tf.apply().unwrap();
        assert_eq!(consumers(&server), vec![name.to_string()]);
        return;
    }
    tf.plan().unwrap();
    let stderr = tf.expect_apply_error().unwrap();
    let found = error_of(&stderr, name).unwrap_or_else(|| panic!("no error in:\n{stderr}"));
    assert!(
        found.contains(&format!("needs nats-server {release} or newer")),
        "{found}"
    );
    assert_eq!(consumers(&server), Vec::<String>::new(), "nothing created");
    let show = tf.show_json().unwrap();
    let addresses: Vec<&str> = show["values"]["root_module"]["resources"]
        .as_array()
        .map(|all| all.iter().filter_map(|r| r["address"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        addresses,
        vec!["nats_jetstream_stream.test", "terraform_data.later"],
        "state is truthful"
    );
}
