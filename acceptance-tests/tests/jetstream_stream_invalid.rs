//! Bad stream configurations fail at plan time, each with its attribute path and a
//! message saying what is allowed (for combinations nats-server refuses, its own rule),
//! and nothing reaches the server. All cases go into one configuration: Terraform
//! reports every diagnostic of a plan at once.

use acceptance_tests::{
    assert_errors_per_resource, assert_no_streams, provider_config, NatsServerBuilder, Terraform,
};

/// (case, resource body, text the error must contain, the attribute Terraform quotes)
const CASES: &[(&str, &str, &str, &str)] = &[
    (
        "name_space",
        r#"name = "my stream""#,
        "contains ' '",
        "name",
    ),
    ("name_dot", r#"name = "a.b""#, "contains '.'", "name"),
    (
        "subject_empty_token",
        r#"name = "S3"
  subjects = ["a..b"]"#,
        "empty token",
        "subjects",
    ),
    (
        "subject_gt_middle",
        r#"name = "S4"
  subjects = ["a.>.b"]"#,
        "`>` must be the whole last token",
        "subjects",
    ),
    (
        "subject_partial_wildcard",
        r#"name = "S5"
  subjects = ["a*"]"#,
        "`*` must be a whole token",
        "subjects",
    ),
    (
        "retention",
        r#"name = "S6"
  retention = "forever""#,
        "one of `limits`, `interest`, `workqueue`",
        "retention",
    ),
    (
        "storage",
        r#"name = "S7"
  storage = "disk""#,
        "one of `file`, `memory`",
        "storage",
    ),
    (
        "discard",
        r#"name = "S8"
  discard = "oldest""#,
        "one of `old`, `new`",
        "discard",
    ),
    (
        "compression",
        r#"name = "S9"
  compression = "zstd""#,
        "one of `none`, `s2`",
        "compression",
    ),
    (
        "replicas_high",
        r#"name = "S10"
  replicas = 6"#,
        "from 1 to 5",
        "replicas",
    ),
    (
        "replicas_zero",
        r#"name = "S11"
  replicas = 0"#,
        "from 1 to 5",
        "replicas",
    ),
    (
        "max_msgs",
        r#"name = "S12"
  max_msgs = -2"#,
        "at least -1",
        "max_msgs",
    ),
    (
        "max_bytes",
        r#"name = "S13"
  max_bytes = -5"#,
        "at least -1",
        "max_bytes",
    ),
    (
        "max_age",
        r#"name = "S14"
  max_age = -1"#,
        "at least 0",
        "max_age",
    ),
    (
        "duplicate_window",
        r#"name = "S15"
  duplicate_window = -10"#,
        "at least 0",
        "duplicate_window",
    ),
    (
        "max_msg_size",
        r#"name = "S16"
  max_msg_size = 3000000000"#,
        "from -1 to 2147483647",
        "max_msg_size",
    ),
    (
        "persist_mode",
        r#"name = "S17"
  persist_mode = "fast""#,
        "one of `default`, `async`",
        "persist_mode",
    ),
    (
        "domain_empty",
        r#"name = "S18"
  domain = """#,
        "a domain cannot be empty",
        "domain",
    ),
    (
        "mirror_with_subjects",
        r#"name = "S19"
  subjects = ["x.>"]
  mirror {
    name = "ORIGIN"
  }"#,
        "A mirror takes no subjects",
        "subjects",
    ),
    (
        "mirror_with_source",
        r#"name = "S20"
  mirror {
    name = "ORIGIN"
  }
  source {
    name = "OTHER"
  }"#,
        "A mirror takes no sources",
        "source",
    ),
    (
        "mirror_first_seq",
        r#"name = "S21"
  first_seq = 10
  mirror {
    name = "ORIGIN"
  }"#,
        "A mirror cannot set first_seq",
        "first_seq",
    ),
    (
        "mirror_counter",
        r#"name = "S22"
  allow_msg_counter = true
  mirror {
    name = "ORIGIN"
  }"#,
        "Not allowed on a mirror",
        "allow_msg_counter",
    ),
    (
        "discard_new_per_subject",
        r#"name = "S23"
  discard_new_per_subject = true"#,
        "needs discard = \"new\"",
        "discard_new_per_subject",
    ),
    (
        "marker_ttl_without_ttl",
        r#"name = "S24"
  subject_delete_marker_ttl = 60"#,
        "needs `allow_msg_ttl = true`",
        "subject_delete_marker_ttl",
    ),
    (
        "republish_without_destination",
        r#"name = "S25"
  republish_source = "a.>""#,
        "Republish needs a destination",
        "republish_source",
    ),
    (
        "window_longer_than_age",
        r#"name = "S26"
  max_age = 60
  duplicate_window = 120"#,
        "cannot exceed `max_age`",
        "duplicate_window",
    ),
    (
        "duplicate_subject",
        r#"name = "S27"
  subjects = ["a.>", "a.>"]"#,
        "listed twice",
        "subjects",
    ),
    (
        "source_domain_and_external",
        r#"name = "S28"
  source {
    name   = "UP"
    domain = "hub"
    external {
      api = "$JS.hub.API"
    }
  }"#,
        "domain and external together",
        "domain",
    ),
    (
        "source_seq_and_time",
        r#"name = "S29"
  source {
    name       = "UP"
    start_seq  = 5
    start_time = "2026-01-01T00:00:00Z"
  }"#,
        "start_seq and start_time together",
        "start_time",
    ),
    (
        "source_bad_time",
        r#"name = "S30"
  source {
    name       = "UP"
    start_time = "yesterday"
  }"#,
        "not an RFC 3339 time",
        "start_time",
    ),
    (
        "source_bad_name",
        r#"name = "S31"
  source {
    name = "up stream"
  }"#,
        "contains ' '",
        "name",
    ),
    (
        "transform_bad_source",
        r#"name = "S32"
  subject_transform {
    source      = "a..b"
    destination = "b"
  }"#,
        "empty token",
        "source",
    ),
    (
        "preferred_placement",
        r#"name = "S33"
  placement_preferred = "n1""#,
        "refuses a preferred server",
        "placement_preferred",
    ),
    (
        "metadata_reserved",
        r#"name = "S34"
  metadata = { "_nats.req.level" = "0" }"#,
        "keys starting with `_nats.` are the server's own",
        "metadata",
    ),
    (
        "rollup_without_purge",
        r#"name = "S35"
  deny_purge        = true
  allow_rollup_hdrs = true"#,
        "roll-ups require the purge permission",
        "allow_rollup_hdrs",
    ),
    (
        "counter_discard_new",
        r#"name = "S36"
  allow_msg_counter = true
  discard           = "new""#,
        "counter stream cannot use discard new",
        "discard",
    ),
    (
        "counter_ttl",
        r#"name = "S37"
  allow_msg_counter = true
  allow_msg_ttl     = true"#,
        "counter stream cannot use message TTLs",
        "allow_msg_ttl",
    ),
    (
        "counter_interest",
        r#"name = "S38"
  allow_msg_counter = true
  retention         = "interest""#,
        "counter stream can only use limits retention",
        "retention",
    ),
    (
        "counter_schedules",
        r#"name = "S39"
  allow_msg_counter   = true
  allow_msg_schedules = true
  allow_rollup_hdrs   = true"#,
        "counter stream cannot use message schedules",
        "allow_msg_schedules",
    ),
    (
        "markers_without_rollups",
        r#"name = "S40"
  allow_msg_ttl             = true
  subject_delete_marker_ttl = 60"#,
        "subject delete marker cannot be set if roll-ups are disabled",
        "subject_delete_marker_ttl",
    ),
    (
        "schedules_without_rollups",
        r#"name = "S41"
  allow_msg_schedules = true"#,
        "message scheduling cannot be set if roll-ups are disabled",
        "allow_msg_schedules",
    ),
    (
        "schedules_discard_new",
        r#"name = "S42"
  allow_msg_schedules = true
  allow_rollup_hdrs   = true
  discard             = "new""#,
        "message scheduling cannot use discard new",
        "allow_msg_schedules",
    ),
    (
        "async_memory",
        r#"name = "S43"
  persist_mode = "async"
  storage      = "memory""#,
        "async persist mode is only supported on file storage",
        "storage",
    ),
    (
        "async_replicated",
        r#"name = "S44"
  persist_mode = "async"
  replicas     = 3"#,
        "async persist mode is not supported on replicated streams",
        "replicas",
    ),
    (
        "async_atomic",
        r#"name = "S45"
  persist_mode = "async"
  allow_atomic = true"#,
        "async persist mode is not supported with atomic batch publish",
        "allow_atomic",
    ),
    (
        "mirror_batched",
        r#"name = "S46"
  allow_batched = true
  mirror {
    name = "ORIGIN"
  }"#,
        "a mirror accepts no publishes of its own",
        "allow_batched",
    ),
    (
        "mirror_markers",
        r#"name = "S47"
  subject_delete_marker_ttl = 60
  allow_msg_ttl             = true
  allow_rollup_hdrs         = true
  mirror {
    name = "ORIGIN"
  }"#,
        "subject delete markers forbidden on mirrors",
        "subject_delete_marker_ttl",
    ),
    (
        "mirror_filter_and_transform",
        r#"name = "S48"
  mirror {
    name           = "ORIGIN"
    filter_subject = "a.>"
    subject_transform {
      source      = "b.>"
      destination = "c.>"
    }
  }"#,
        "cannot also have a single subject filter",
        "filter_subject",
    ),
    (
        "source_overlapping_transforms",
        r#"name = "S49"
  source {
    name = "UP"
    subject_transform {
      source      = "a.>"
      destination = "x.>"
    }
    subject_transform {
      source      = "a.b"
      destination = "y.b"
    }
  }"#,
        "source filters can not overlap",
        "source",
    ),
    (
        "source_twice",
        r#"name = "S50"
  source {
    name = "UP"
  }
  source {
    name = "UP"
  }"#,
        "duplicate source configuration detected",
        "source",
    ),
    (
        "sources_with_schedules",
        r#"name = "S51"
  allow_msg_schedules = true
  allow_rollup_hdrs   = true
  source {
    name = "UP"
  }"#,
        "stream source can not also schedule messages",
        "allow_msg_schedules",
    ),
    (
        "overlapping_subjects",
        r#"name = "S52"
  subjects = ["orders.*", "orders.new"]"#,
        "overlaps orders.*",
        "subjects",
    ),
    (
        "capture_all_acked",
        r#"name = "S53"
  subjects = [">"]"#,
        "capturing all subjects requires no-ack to be true",
        "subjects",
    ),
    (
        "api_subjects_acked",
        r#"name = "S54"
  subjects = ["$JS.API.>"]"#,
        "require no-ack to be true",
        "subjects",
    ),
    (
        "system_subjects_acked",
        r#"name = "S55"
  subjects = ["$SYS.REQ.>"]"#,
        "overlaps the system API",
        "subjects",
    ),
    (
        "republish_cycle",
        r#"name = "S56"
  subjects              = ["orders.>"]
  republish_destination = "orders.copy.>""#,
        "forms a cycle",
        "republish_destination",
    ),
    (
        "consumer_with_start",
        r#"name = "S58"
  source {
    name      = "UP"
    start_seq = 3
    consumer {
      name            = "C"
      deliver_subject = "deliver.up"
    }
  }"#,
        "takes no `start_seq`",
        "start_seq",
    ),
    (
        "consumer_wildcard_deliver",
        r#"name = "S59"
  source {
    name = "UP"
    consumer {
      name            = "C"
      deliver_subject = "deliver.*"
    }
  }"#,
        "must be a literal subject",
        "deliver_subject",
    ),
    (
        "consumer_bad_name",
        r#"name = "S60"
  mirror {
    name = "UP"
    consumer {
      name            = "C.1"
      deliver_subject = "deliver.up"
    }
  }"#,
        "contains '.'",
        "name",
    ),
    (
        "consumer_reused",
        r#"name = "S61"
  source {
    name = "UP"
    consumer {
      name            = "C"
      deliver_subject = "deliver.one"
    }
  }
  source {
    name = "UP"
    subject_transform {
      source      = "x"
      destination = "y"
    }
    consumer {
      name            = "C"
      deliver_subject = "deliver.two"
    }
  }"#,
        "duplicate stream source consumer detected",
        "name",
    ),
    (
        "persist_mode_unknown_word",
        r#"name = "S62"
  persist_mode = "sync""#,
        "Allowed: one of `default`, `async`",
        "persist_mode",
    ),
    ("name_slash", r#"name = "a/b""#, "contains '/'", "name"),
    ("name_gt", r#"name = "a>""#, "contains '>'", "name"),
    (
        "subject_space",
        r#"name = "S65"
  subjects = ["a b"]"#,
        "contains white space",
        "subjects",
    ),
    (
        "max_msgs_per_subject",
        r#"name = "S66"
  max_msgs_per_subject = -2"#,
        "at least -1",
        "max_msgs_per_subject",
    ),
    (
        "max_consumers",
        r#"name = "S67"
  max_consumers = -3"#,
        "at least -1",
        "max_consumers",
    ),
    (
        "inactive_threshold",
        r#"name = "S68"
  inactive_threshold = -1"#,
        "at least 0",
        "inactive_threshold",
    ),
    (
        "marker_ttl_negative",
        r#"name = "S69"
  subject_delete_marker_ttl = -5"#,
        "at least 0",
        "subject_delete_marker_ttl",
    ),
    (
        "source_domain_empty",
        r#"name = "S70"
  source {
    name   = "up"
    domain = ""
  }"#,
        "a domain cannot be empty",
        "domain",
    ),
    (
        "mirror_consumer_with_filter",
        r#"name = "S71"
  mirror {
    name           = "up"
    filter_subject = "up.a"
    consumer {
      name            = "feed"
      deliver_subject = "deliver.feed"
    }
  }"#,
        "\"stream mirror consumer config is invalid\" (10213)",
        "filter_subject",
    ),
    (
        "consumer_deliver_gt",
        r#"name = "S72"
  source {
    name = "up"
    consumer {
      name            = "feed"
      deliver_subject = "deliver.>"
    }
  }"#,
        "must be a literal subject",
        "deliver_subject",
    ),
    (
        "consumer_with_start_time",
        r#"name = "S73"
  source {
    name       = "up"
    start_time = "2026-01-01T00:00:00Z"
    consumer {
      name            = "feed"
      deliver_subject = "deliver.feed"
    }
  }"#,
        "takes no `start_time`",
        "start_time",
    ),
];

/// Cases whose bodies are too long to write out.
fn generated_cases() -> Vec<(&'static str, String, &'static str, &'static str)> {
    vec![
        (
            "description_too_long",
            format!("name = \"S63\"\n  description = \"{}\"", "d".repeat(4097)),
            "at most 4096",
            "description",
        ),
        (
            "name_too_long",
            format!("name = \"{}\"", "n".repeat(256)),
            "256 characters is too long",
            "name",
        ),
        (
            "metadata_too_large",
            format!(
                "name = \"S64\"\n  metadata = {{ big = \"{}\" }}",
                "m".repeat(129 * 1024)
            ),
            "at most 131072",
            "metadata",
        ),
    ]
}

#[test]
fn every_invalid_configuration_fails_at_plan_time_with_its_path() {
    let cases: Vec<(&str, String, &str, &str)> = CASES
        .iter()
        .map(|(case, body, expected, attribute)| (*case, body.to_string(), *expected, *attribute))
        .chain(generated_cases())
        .collect();
    assert!(cases.len() >= 75);
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::new().unwrap();
    let mut config = provider_config(&server);
    for (case, body, _, _) in &cases {
        config.push_str(&format!(
            "\nresource \"nats_jetstream_stream\" \"{case}\" {{\n  {body}\n}}\n"
        ));
    }
    tf.write_file("main.tf", &config).unwrap();
    let stderr = tf.expect_plan_error().unwrap();
    let expectations: Vec<(String, &str, &str)> = cases
        .iter()
        .map(|(case, _, expected, attribute)| {
            (
                format!("nats_jetstream_stream.{case}"),
                *expected,
                *attribute,
            )
        })
        .collect();
    assert_errors_per_resource(&stderr, &expectations);
    // Apply fails the same way and creates nothing.
    tf.expect_apply_error().unwrap();
    assert_no_streams(&server);
}
