//! Bad consumer configurations fail at plan time, each with its attribute path and a
//! message saying what is allowed; nothing reaches the server. All cases share one
//! configuration: Terraform reports every diagnostic of a plan at once.

use acceptance_tests::{provider_config, NatsServerBuilder, Terraform};

/// (case, resource body, text the error must contain, the attribute Terraform quotes)
const INVALID: &[(&str, &str, &str, &str)] = &[
    (
        "two_starts",
        "deliver_new = true\n  deliver_last = true",
        "both say where",
        "deliver_new",
    ),
    (
        "no_start",
        "deliver_all = false",
        "needs another",
        "deliver_all",
    ),
    (
        "last_per_subject",
        "deliver_last_per_subject = true",
        "needs a filter",
        "deliver_last_per_subject",
    ),
    (
        "two_filters",
        "filter_subject = \"a\"\n  filter_subjects = [\"b\"]",
        "not both",
        "filter_subjects",
    ),
    (
        "start_time",
        "start_time = \"yesterday\"",
        "not an RFC 3339 time",
        "start_time",
    ),
    (
        "pause_until",
        "pause_until = \"2030-13-01\"",
        "not an RFC 3339 time",
        "pause_until",
    ),
    (
        "pull_on_push",
        "delivery_subject = \"out\"\n  max_waiting = 5",
        "pull consumers only",
        "max_waiting",
    ),
    (
        "push_on_pull",
        "heartbeat = 5",
        "push consumers only",
        "heartbeat",
    ),
    (
        "flow_no_heartbeat",
        "delivery_subject = \"out\"\n  flow_control = true",
        "together with",
        "flow_control",
    ),
    (
        "backoff_steps",
        "backoff = [1, 2, 3]\n  max_delivery = 2",
        "must exceed",
        "max_delivery",
    ),
    (
        "backoff_ack_wait",
        "backoff = [5]\n  ack_wait = 10",
        "first step",
        "ack_wait",
    ),
    (
        "policy_no_groups",
        "priority_policy = \"overflow\"",
        "needs `priority_groups`",
        "priority_policy",
    ),
    (
        "groups_no_policy",
        "priority_groups = [\"g\"]",
        "Set `priority_policy`",
        "priority_groups",
    ),
    (
        "pin_timeout",
        "priority_groups = [\"g\"]\n  priority_policy = \"overflow\"\n  priority_timeout = 5",
        "pinned_client",
        "priority_timeout",
    ),
    (
        "zero_deliveries",
        "max_delivery = 0",
        "server's default",
        "max_delivery",
    ),
    (
        "ack_policy",
        "ack_policy = \"sometimes\"",
        "one of `explicit`",
        "ack_policy",
    ),
    (
        "flow_acks_on_pull",
        "ack_policy = \"flow_control\"",
        "needs `delivery_subject`",
        "ack_policy",
    ),
    (
        "sample_freq",
        "sample_freq = 101",
        "from 0 to 100",
        "sample_freq",
    ),
    ("replicas", "replicas = 6", "from 0 to 5", "replicas"),
    (
        "delivery_subject",
        "delivery_subject = \"a..b\"",
        "empty token",
        "delivery_subject",
    ),
];

#[test]
fn invalid_configurations_fail_at_plan_time_with_their_path() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::new().unwrap();
    let mut body = String::new();
    for (case, settings, _, _) in INVALID {
        body.push_str(&format!(
            "\nresource \"nats_jetstream_consumer\" \"{case}\" {{\n  stream_id = \"S\"\n  durable_name = \"C\"\n  {settings}\n}}\n"
        ));
    }
    body.push_str("\nresource \"nats_jetstream_consumer\" \"bad_names\" {\n  stream_id = \"a.b\"\n  durable_name = \"c d\"\n}\n");
    tf.write_file("main.tf", &format!("{}\n{body}", provider_config(&server)))
        .unwrap();
    let stderr = tf.expect_plan_error().unwrap();
    let blocks: Vec<&str> = stderr.split("Error: ").skip(1).collect();
    let cases = INVALID.iter().copied().chain([
        ("bad_names", "", "contains '.'", "stream_id"),
        ("bad_names", "", "contains ' '", "durable_name"),
    ]);
    for (case, _, expected, attribute) in cases {
        let address = format!("with nats_jetstream_consumer.{case},");
        let found = blocks.iter().any(|block| {
            let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
            let quoted = block.lines().any(|line| {
                line.trim_start()
                    .split(':')
                    .nth(1)
                    .is_some_and(|rest| rest.trim_start().starts_with(attribute))
            });
            block.contains(&address) && flat.contains(expected) && quoted
        });
        assert!(
            found,
            "{case}: no error {expected:?} at `{attribute}` in:\n{stderr}"
        );
    }
    tf.expect_apply_error().unwrap();
}
