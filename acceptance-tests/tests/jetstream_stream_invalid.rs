//! Bad stream configurations fail at plan time, each with its attribute path and a
//! message saying what is allowed, and nothing reaches the server. All cases go into
//! one configuration: Terraform reports every diagnostic of a plan at once.

use acceptance_tests::{block_on, jetstream, provider_config, NatsServerBuilder, Terraform};

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
];

#[test]
fn every_invalid_configuration_fails_at_plan_time_with_its_path() {
    assert!(CASES.len() >= 25);
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::new().unwrap();
    let mut config = provider_config(&server);
    for (case, body, _, _) in CASES {
        config.push_str(&format!(
            "\nresource \"nats_jetstream_stream\" \"{case}\" {{\n  {body}\n}}\n"
        ));
    }
    tf.write_file("main.tf", &config).unwrap();
    let stderr = tf.expect_plan_error().unwrap();
    // One diagnostic block per error; each names the resource it belongs to.
    let blocks: Vec<&str> = stderr.split("Error: ").skip(1).collect();
    for (case, _, expected, attribute) in CASES {
        let address = format!("with nats_jetstream_stream.{case},");
        let block = blocks
            .iter()
            .find(|b| b.contains(&address))
            .unwrap_or_else(|| panic!("no diagnostic for {case} in:\n{stderr}"));
        let flat = block.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.contains(expected),
            "{case}: expected {expected:?} in:\n{block}"
        );
        // Terraform quotes the configuration line of the attribute at fault.
        let quoted = block.lines().any(|line| {
            line.trim_start()
                .split(':')
                .nth(1)
                .is_some_and(|rest| rest.trim_start().starts_with(attribute))
        });
        assert!(
            quoted,
            "{case}: the diagnostic does not point at `{attribute}`:\n{block}"
        );
    }
    // Apply fails the same way and creates nothing.
    tf.expect_apply_error().unwrap();
    let streams = block_on(async {
        jetstream(&server, None)
            .await
            .stream_names(None)
            .await
            .unwrap()
    });
    assert!(streams.is_empty(), "nothing may be created: {streams:?}");
}
