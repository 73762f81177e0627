//! Bad consumer configurations (and bad input to the `nats_jetstream_consumer` and
//! `nats_server` data sources) fail at plan time, each with its attribute path and a
//! message saying what is allowed; nothing reaches the server. Rules that depend on
//! the stream are judged against the stream as the server holds it at plan time. The
//! cases of one test share one configuration: Terraform reports every diagnostic of a
//! plan at once.

use acceptance_tests::{
    assert_errors_per_resource, block_on, jetstream, write_main, NatsServer, NatsServerBuilder,
    Terraform,
};
use natsforge::nats::jetstream::{
    ConsumerAction, ConsumerConfig, ConsumerLimits, RetentionPolicy, StreamConfig,
};

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
        "Allowed: one of `none`, `all`, `explicit`, `flow_control`.",
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
        "flow_ack_heartbeat",
        "delivery_subject = \"out\"\n  ack_policy = \"flow_control\"\n  heartbeat = 5",
        "the heartbeat must be 1 second",
        "heartbeat",
    ),
    (
        "flow_ack_wait",
        "delivery_subject = \"out\"\n  ack_policy = \"flow_control\"\n  ack_wait = 30",
        "`ack_wait` must be 0",
        "ack_wait",
    ),
    (
        "id_set",
        "id = \"JETSTREAM_STREAM_S_CONSUMER_C\"",
        "`id` is set by the provider and cannot be configured",
        "id",
    ),
    (
        "delivery_subject",
        "delivery_subject = \"a..b\"",
        "empty token",
        "delivery_subject",
    ),
];

fn consumers_of(server: &NatsServer, stream: &str) -> Vec<String> {
    block_on(async {
        let api = jetstream(server, None).await;
        let mut names = api.consumer_names(stream).await.unwrap();
        names.sort();
        names
    })
}

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
    write_main(&tf, &server, &body);
    let stderr = tf.expect_plan_error().unwrap();
    let cases = INVALID
        .iter()
        .copied()
        .chain([
            ("bad_names", "", "contains '.'", "stream_id"),
            ("bad_names", "", "contains ' '", "durable_name"),
        ])
        .map(|(case, _, expected, attribute)| {
            (
                format!("nats_jetstream_consumer.{case}"),
                expected,
                attribute,
            )
        });
    assert_errors_per_resource(&stderr, &cases.collect::<Vec<_>>());
    tf.expect_apply_error().unwrap();
    let streams = block_on(async {
        jetstream(&server, None)
            .await
            .stream_names(None)
            .await
            .unwrap()
    });
    assert!(
        streams.is_empty(),
        "nothing reached the server: {streams:?}"
    );
}

/// Streams made outside Terraform, as the server holds them when the plan is made.
fn streams_on_the_server(server: &NatsServer) {
    block_on(async {
        let api = jetstream(server, None).await;
        let jobs = StreamConfig {
            subjects: vec!["jobs.>".into()],
            retention: RetentionPolicy::WorkQueue,
            ..StreamConfig::named("JOBS")
        };
        let orders = StreamConfig {
            subjects: vec!["orders.>".into()],
            consumer_limits: ConsumerLimits {
                max_ack_pending: 100,
                inactive_threshold: std::time::Duration::from_secs(60),
            },
            ..StreamConfig::named("ORDERS")
        };
        let events = StreamConfig {
            subjects: vec!["events.>".into()],
            ..StreamConfig::named("EVENTS")
        };
        for stream in [jobs, orders, events] {
            api.create_stream(&stream).await.unwrap();
        }
        let worker = ConsumerConfig {
            filter_subject: Some("jobs.a.>".into()),
            ..ConsumerConfig::durable("A")
        };
        api.create_consumer("JOBS", &worker, ConsumerAction::Create)
            .await
            .unwrap();
    });
}

/// (case, stream, resource body, text the error must contain, attribute)
const AGAINST_THE_STREAM: &[(&str, &str, &str, &str, &str)] = &[
    (
        "wq_ack_none",
        "JOBS",
        "filter_subject = \"jobs.b\"\n  ack_policy = \"none\"",
        "\"workqueue stream requires explicit ack\"",
        "ack_policy",
    ),
    (
        "wq_ack_all",
        "JOBS",
        "filter_subject = \"jobs.c\"\n  ack_policy = \"all\"",
        "\"workqueue stream requires explicit ack\"",
        "ack_policy",
    ),
    (
        "wq_deliver_new",
        "JOBS",
        "filter_subject = \"jobs.d\"\n  deliver_new = true",
        "\"consumer must be deliver all on workqueue stream\"",
        "deliver_new",
    ),
    (
        "wq_by_sequence",
        "JOBS",
        "filter_subject = \"jobs.e\"\n  stream_sequence = 5",
        "\"consumer must be deliver all on workqueue stream\"",
        "stream_sequence",
    ),
    (
        "wq_unfiltered",
        "JOBS",
        "description = \"reads everything\"",
        "a `filter_subject` no other consumer's filters overlap; nats-server refuses it: \"multiple non-filtered consumers not allowed on workqueue stream\"",
        "resource",
    ),
    (
        "wq_overlap",
        "JOBS",
        "filter_subjects = [\"jobs.f\", \"jobs.a.x\"]",
        "\"filtered consumer not unique on workqueue stream\"",
        "filter_subjects",
    ),
    (
        "cycle",
        "EVENTS",
        "delivery_subject = \"events.out\"",
        "\"consumer deliver subject forms a cycle\"",
        "delivery_subject",
    ),
    (
        "replicas",
        "EVENTS",
        "replicas = 3",
        "\"consumer config replica count exceeds parent stream\"",
        "replicas",
    ),
    (
        "limit_ack_pending",
        "ORDERS",
        "max_ack_pending = 200\n  inactive_threshold = 30",
        "\"consumer max ack pending exceeds system limit of 100\"",
        "max_ack_pending",
    ),
    (
        "limit_inactive_unset",
        "ORDERS",
        "max_ack_pending = 50",
        "set `inactive_threshold` to at most 60; nats-server refuses it: \"inactive_threshold must be set if it's configured in stream limits\"",
        "resource",
    ),
    (
        "limit_inactive_above",
        "ORDERS",
        "max_ack_pending = 50\n  inactive_threshold = 120",
        "\"consumer inactive threshold exceeds system limit of 60s\"",
        "inactive_threshold",
    ),
];

#[test]
fn rules_of_the_stream_on_the_server_fail_at_plan_time_and_change_nothing() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    streams_on_the_server(&server);
    let tf = Terraform::new().unwrap();
    let mut body = String::new();
    for (case, stream, settings, _, _) in AGAINST_THE_STREAM {
        body.push_str(&format!(
            "\nresource \"nats_jetstream_consumer\" \"{case}\" {{\n  stream_id = \"{stream}\"\n  durable_name = \"{case}\"\n  {settings}\n}}\n"
        ));
    }
    write_main(&tf, &server, &body);
    let stderr = tf.expect_plan_error().unwrap();
    let cases = AGAINST_THE_STREAM
        .iter()
        .map(|(case, _, _, expected, attribute)| {
            (
                format!("nats_jetstream_consumer.{case}"),
                *expected,
                *attribute,
            )
        });
    assert_errors_per_resource(&stderr, &cases.collect::<Vec<_>>());
    tf.expect_apply_error().unwrap();
    assert_eq!(consumers_of(&server, "JOBS"), vec!["A"]);
    assert!(consumers_of(&server, "ORDERS").is_empty());
    assert!(consumers_of(&server, "EVENTS").is_empty());
}

/// (data source, name, arguments, text the error must contain, attribute)
type DataCase = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// Writes one data block per case, expects the plan to fail, and checks every case.
fn data_sources_fail(server: &NatsServer, cases: &[DataCase]) {
    let tf = Terraform::new().unwrap();
    let mut body = String::new();
    for (kind, name, arguments, _, _) in cases {
        body.push_str(&format!(
            "\ndata \"{kind}\" \"{name}\" {{\n  {arguments}\n}}\n"
        ));
    }
    write_main(&tf, server, &body);
    let stderr = tf.expect_plan_error().unwrap();
    assert_errors_per_resource(
        &stderr,
        &cases
            .iter()
            .map(|(kind, name, _, expected, attribute)| {
                (format!("data.{kind}.{name}"), *expected, *attribute)
            })
            .collect::<Vec<_>>(),
    );
}

#[test]
fn data_source_bad_input_fails_at_plan_time() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    streams_on_the_server(&server);
    // Refused before anything is read.
    data_sources_fail(
        &server,
        &[
            (
                "nats_jetstream_consumer",
                "dotted_stream",
                "stream_id = \"a.b\"\n  durable_name = \"A\"",
                "contains '.'",
                "stream_id",
            ),
            (
                "nats_jetstream_consumer",
                "empty_domain",
                "stream_id = \":JOBS\"\n  durable_name = \"A\"",
                "empty domain",
                "stream_id",
            ),
            (
                "nats_jetstream_consumer",
                "spaced_name",
                "stream_id = \"JOBS\"\n  durable_name = \"a b\"",
                "contains ' '",
                "durable_name",
            ),
            (
                "nats_jetstream_consumer",
                "blank_domain",
                "stream_id = \"JOBS\"\n  durable_name = \"A\"\n  domain = \"\"",
                "cannot be empty",
                "domain",
            ),
            (
                "nats_jetstream_consumer",
                "output_set",
                "stream_id = \"JOBS\"\n  durable_name = \"A\"\n  ack_policy = \"all\"",
                "`ack_policy` is set by the provider and cannot be configured",
                "ack_policy",
            ),
            (
                "nats_server",
                "output_set",
                "server_name = \"x\"",
                "`server_name` is set by the provider and cannot be configured",
                "server_name",
            ),
        ],
    );
    // Well-formed, but naming what the server does not have.
    data_sources_fail(
        &server,
        &[
            (
                "nats_jetstream_consumer",
                "no_stream",
                "stream_id = \"NOPE\"\n  durable_name = \"A\"",
                "Stream NOPE not found",
                "stream_id",
            ),
            (
                "nats_jetstream_consumer",
                "no_consumer",
                "stream_id = \"JOBS\"\n  durable_name = \"NOPE\"",
                "Consumer NOPE of stream JOBS not found",
                "durable_name",
            ),
        ],
    );
    assert_eq!(consumers_of(&server, "JOBS"), vec!["A"]);
}
