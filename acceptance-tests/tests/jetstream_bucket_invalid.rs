//! Bad KV bucket, object bucket and KV entry configurations fail at plan time, each
//! with its attribute path and what is allowed, and nothing reaches the server: no
//! stream is created and no key written. All cases go into one configuration.

use acceptance_tests::{
    assert_errors_per_resource, assert_no_streams, provider_config, NatsServerBuilder, Terraform,
};

/// (resource type, case, body, text the error must contain, the attribute Terraform quotes)
const CASES: &[(&str, &str, &str, &str, &str)] = &[
    ("kv_bucket", "kv_name_dot", r#"name = "a.b""#, "contains '.'", "name"),
    ("kv_bucket", "kv_name_space", r#"name = "my bucket""#, "contains ' '", "name"),
    ("kv_bucket", "kv_history_zero", "name = \"k3\"\n  history = 0", "from 1 to 64", "history"),
    ("kv_bucket", "kv_history_high", "name = \"k4\"\n  history = 65", "from 1 to 64", "history"),
    ("kv_bucket", "kv_ttl", "name = \"k5\"\n  ttl = -1", "at least 0", "ttl"),
    ("kv_bucket", "kv_value_size", "name = \"k6\"\n  max_value_size = -2", "from -1 to 2147483647", "max_value_size"),
    ("kv_bucket", "kv_bucket_size", "name = \"k7\"\n  max_bucket_size = -2", "at least -1", "max_bucket_size"),
    ("kv_bucket", "kv_storage", "name = \"k8\"\n  storage = \"disk\"", "one of `file`, `memory`", "storage"),
    ("kv_bucket", "kv_replicas", "name = \"k9\"\n  replicas = 6", "from 1 to 5", "replicas"),
    ("kv_bucket", "kv_domain_empty", "name = \"k10\"\n  domain = \"\"", "a domain cannot be empty", "domain"),
    (
        "kv_bucket",
        "kv_metadata_reserved",
        "name = \"k11\"\n  metadata = { \"_nats.ver\" = \"2\" }",
        "keys starting with `_nats.` are the server's own",
        "metadata",
    ),
    (
        "kv_bucket",
        "kv_mirror_and_source",
        "name = \"k12\"\n  mirror {\n    name = \"a\"\n  }\n  source {\n    name = \"b\"\n  }",
        "A mirror takes no sources",
        "source",
    ),
    (
        "kv_bucket",
        "kv_republish_without_destination",
        "name = \"k13\"\n  republish_source = \"$KV.k13.>\"",
        "Republish needs a destination",
        "republish_source",
    ),
    (
        "kv_bucket",
        "kv_republish_cycle",
        "name = \"k14\"\n  republish_destination = \"$KV.k14.copy.>\"",
        "forms a cycle",
        "republish_destination",
    ),
    (
        "kv_bucket",
        "kv_origin_domain_and_external",
        "name = \"k15\"\n  source {\n    name   = \"up\"\n    domain = \"hub\"\n    external {\n      api = \"$JS.hub.API\"\n    }\n  }",
        "domain and external together",
        "domain",
    ),
    (
        "kv_bucket",
        "kv_origin_bad_time",
        "name = \"k16\"\n  source {\n    name       = \"up\"\n    start_time = \"noon\"\n  }",
        "not an RFC 3339 time",
        "start_time",
    ),
    (
        "kv_bucket",
        "kv_origin_seq_and_time",
        "name = \"k17\"\n  source {\n    name       = \"up\"\n    start_seq  = 2\n    start_time = \"2026-01-01T00:00:00Z\"\n  }",
        "start_seq and start_time together",
        "start_time",
    ),
    (
        "kv_bucket",
        "kv_origin_bad_name",
        "name = \"k18\"\n  mirror {\n    name = \"up.stream\"\n  }",
        "contains '.'",
        "name",
    ),
    ("object_bucket", "obj_name_dot", r#"name = "o.1""#, "contains '.'", "name"),
    ("object_bucket", "obj_ttl", "name = \"o2\"\n  ttl = -5", "at least 0", "ttl"),
    ("object_bucket", "obj_size", "name = \"o3\"\n  max_bucket_size = -3", "at least -1", "max_bucket_size"),
    ("object_bucket", "obj_storage", "name = \"o4\"\n  storage = \"tape\"", "one of `file`, `memory`", "storage"),
    ("object_bucket", "obj_replicas", "name = \"o5\"\n  replicas = 0", "from 1 to 5", "replicas"),
    ("object_bucket", "obj_domain_empty", "name = \"o6\"\n  domain = \"\"", "a domain cannot be empty", "domain"),
    (
        "object_bucket",
        "obj_metadata_reserved",
        "name = \"o7\"\n  metadata = { \"_nats.level\" = \"1\" }",
        "keys starting with `_nats.` are the server's own",
        "metadata",
    ),
    ("kv_entry", "entry_bucket", "bucket = \"a.b\"\n  key = \"k\"\n  value = \"v\"", "contains '.'", "bucket"),
    ("kv_entry", "entry_key_space", "bucket = \"b\"\n  key = \"bad key\"\n  value = \"v\"", "a KV key", "key"),
    ("kv_entry", "entry_key_dot", "bucket = \"b\"\n  key = \".leading\"\n  value = \"v\"", "a KV key", "key"),
    ("kv_entry", "entry_no_value", "bucket = \"b\"\n  key = \"k4\"", "Set exactly one of value and value_sensitive", "resource"),
    (
        "kv_entry",
        "entry_both_values",
        "bucket = \"b\"\n  key = \"k5\"\n  value = \"v\"\n  value_sensitive = \"s\"",
        "Set exactly one of value and value_sensitive",
        "value",
    ),
    ("kv_bucket", "kv_value_size_huge", "name = \"k20\"\n  max_value_size = 3000000000", "from -1 to 2147483647", "max_value_size"),
    ("kv_bucket", "kv_marker_ttl", "name = \"k21\"\n  limit_marker_ttl = -1", "at least 0", "limit_marker_ttl"),
    ("object_bucket", "obj_name_space", r#"name = "o b""#, "contains ' '", "name"),
    ("object_bucket", "obj_replicas_high", "name = \"o9\"\n  replicas = 7", "from 1 to 5", "replicas"),
    ("object_bucket", "obj_name_empty", r#"name = """#, "a bucket name cannot be empty", "name"),
    ("data.stream", "ds_stream_name", r#"name = "a.b""#, "contains '.'", "name"),
    ("data.stream", "ds_stream_domain", "name = \"S\"\n  domain = \"\"", "a domain cannot be empty", "domain"),
    ("data.streams", "ds_streams_subject", r#"subject = "a..b""#, "empty token", "subject"),
    ("data.streams", "ds_streams_domain", r#"domain = """#, "a domain cannot be empty", "domain"),
    ("data.kv_bucket", "ds_kv_name", r#"name = "a b""#, "contains ' '", "name"),
    ("data.kv_bucket", "ds_kv_domain", "name = \"k\"\n  domain = \"\"", "a domain cannot be empty", "domain"),
    ("kv_entry", "entry_domain_empty", "bucket = \"b\"\n  key = \"k6\"\n  value = \"v\"\n  domain = \"\"", "a domain cannot be empty", "domain"),
];

/// Cases whose bodies are too long to write out.
fn generated_cases() -> Vec<(
    &'static str,
    &'static str,
    String,
    &'static str,
    &'static str,
)> {
    let long = "d".repeat(4097);
    vec![
        (
            "kv_bucket",
            "kv_description_long",
            format!("name = \"k19\"\n  description = \"{long}\""),
            "at most 4096",
            "description",
        ),
        (
            "object_bucket",
            "obj_description_long",
            format!("name = \"o8\"\n  description = \"{long}\""),
            "at most 4096",
            "description",
        ),
    ]
}

#[test]
fn every_invalid_bucket_and_entry_fails_at_plan_time_with_its_path() {
    let cases: Vec<(&str, &str, String, &str, &str)> = CASES
        .iter()
        .map(|(kind, case, body, expected, attribute)| {
            (*kind, *case, body.to_string(), *expected, *attribute)
        })
        .chain(generated_cases())
        .collect();
    assert!(cases.len() >= 44);
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::new().unwrap();
    let mut config = provider_config(&server);
    for (kind, case, body, _, _) in &cases {
        let block = match kind.strip_prefix("data.") {
            Some(source) => format!("data \"nats_jetstream_{source}\""),
            None => format!("resource \"nats_jetstream_{kind}\""),
        };
        config.push_str(&format!("\n{block} \"{case}\" {{\n  {body}\n}}\n"));
    }
    tf.write_file("main.tf", &config).unwrap();
    let stderr = tf.expect_plan_error().unwrap();
    let expectations: Vec<(String, &str, &str)> = cases
        .iter()
        .map(|(kind, case, _, expected, attribute)| {
            (
                match kind.strip_prefix("data.") {
                    Some(source) => format!("data.nats_jetstream_{source}.{case}"),
                    None => format!("nats_jetstream_{kind}.{case}"),
                },
                *expected,
                *attribute,
            )
        })
        .collect();
    assert_errors_per_resource(&stderr, &expectations);
    // Apply fails the same way: no bucket is created, no key written.
    tf.expect_apply_error().unwrap();
    assert_no_streams(&server);
}
