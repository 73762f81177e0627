//! Tests of the whole layer: what actually reaches the writer.

use std::collections::HashMap;
use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::layer::SubscriberExt;

use super::*;

/// A writer the test can read back after the subscriber is gone.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// Every line, parsed; fails the test on any line that is not a JSON object.
    fn lines(&self) -> Vec<serde_json::Map<String, Value>> {
        self.text()
            .lines()
            .map(|line| match serde_json::from_str(line) {
                Ok(Value::Object(object)) => object,
                other => panic!("not a JSON object line: {line:?} ({other:?})"),
            })
            .collect()
    }
}

/// Runs `body` with our layer as the thread's subscriber; returns the output.
fn capture(level: LevelFilter, body: impl FnOnce()) -> Captured {
    let out = Captured::default();
    let subscriber = tracing_subscriber::registry().with(layer(out.clone(), level, "nats"));
    tracing::subscriber::with_default(subscriber, body);
    out
}

fn emit_one_of_each_level() {
    tracing::trace!("at trace");
    tracing::debug!("at debug");
    tracing::info!("at info");
    tracing::warn!("at warn");
    tracing::error!("at error");
}

fn levels_written(level: LevelFilter) -> Vec<String> {
    capture(level, emit_one_of_each_level)
        .lines()
        .iter()
        .map(|line| line["@level"].as_str().unwrap().to_string())
        .collect()
}

/// True when `text` is `YYYY-MM-DDTHH:MM:SS.ffffffZ` exactly.
fn is_hclog_timestamp(text: &str) -> bool {
    let bytes = text.as_bytes();
    let digits_at = |positions: &[usize]| positions.iter().all(|&i| bytes[i].is_ascii_digit());
    bytes.len() == 27
        && digits_at(&[0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18])
        && digits_at(&[20, 21, 22, 23, 24, 25])
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
        && bytes[13] == b':'
        && bytes[16] == b':'
        && bytes[19] == b'.'
        && bytes[26] == b'Z'
}

#[test]
fn every_line_is_hclog_json() {
    let out = capture(LevelFilter::TRACE, || {
        tracing::info!(
            count = 3_u64,
            ratio = 0.5,
            ok = true,
            delta = -2_i64,
            name = "x",
            "hello {}",
            "world"
        );
    });
    let text = out.text();
    assert!(
        text.ends_with('\n') && text.lines().count() == 1,
        "{text:?}"
    );
    let line = &out.lines()[0];
    assert_eq!(line["@level"], "info");
    assert_eq!(line["@message"], "hello world");
    assert_eq!(line["@module"], "nats");
    assert!(
        is_hclog_timestamp(line["@timestamp"].as_str().unwrap()),
        "{line:?}"
    );
    assert_eq!(line["count"], 3);
    assert_eq!(line["ratio"], 0.5);
    assert_eq!(line["ok"], true);
    assert_eq!(line["delta"], -2);
    assert_eq!(line["name"], "x");
}

#[test]
fn timestamp_has_six_fraction_digits_and_z() {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_000_042_999).unwrap();
    assert_eq!(layer::hclog_timestamp(at), "2023-11-14T22:13:20.000042Z");
    let offset = at.to_offset(time::UtcOffset::from_hms(5, 30, 0).unwrap());
    assert_eq!(
        layer::hclog_timestamp(offset),
        "2023-11-14T22:13:20.000042Z"
    );
    assert!(!is_hclog_timestamp("2023-11-14T22:13:20.00004Z"));
}

#[test]
fn level_filter_keeps_that_level_and_above() {
    assert_eq!(
        levels_written(LevelFilter::TRACE),
        ["trace", "debug", "info", "warn", "error"]
    );
    assert_eq!(levels_written(LevelFilter::INFO), ["info", "warn", "error"]);
    assert_eq!(levels_written(LevelFilter::ERROR), ["error"]);
    assert!(levels_written(LevelFilter::OFF).is_empty());
}

#[test]
fn span_fields_appear_on_events_inside_and_recorded_values_update() {
    let out = capture(LevelFilter::DEBUG, || {
        let rpc = tracing::info_span!(
            "rpc",
            tf_rpc = "ApplyResourceChange",
            tf_req_id = "a1b2",
            tf_resource_type = "nats_stream",
            tf_req_duration_ms = tracing::field::Empty,
        );
        let _entered = rpc.enter();
        let inner =
            tracing::trace_span!("step", tf_resource_type = "nats_consumer", attempt = 2_u64);
        inner.in_scope(|| tracing::warn!(attempt = 3_u64, "retrying"));
        rpc.record("tf_req_duration_ms", 17_u64);
        tracing::debug!("served");
    });
    tracing::info!("outside any subscriber: must not panic");
    let lines = out.lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let retry = &lines[0];
    assert_eq!(retry["tf_rpc"], "ApplyResourceChange");
    assert_eq!(retry["tf_req_id"], "a1b2");
    assert_eq!(
        retry["tf_resource_type"], "nats_consumer",
        "inner span wins"
    );
    assert_eq!(retry["attempt"], 3, "event wins over its spans");
    assert!(retry.get("tf_req_duration_ms").is_none());
    let served = &lines[1];
    assert_eq!(served["tf_req_duration_ms"], 17);
    assert_eq!(served["tf_resource_type"], "nats_stream");
}

#[test]
fn reserved_keys_cannot_be_overwritten() {
    let out = capture(LevelFilter::TRACE, || {
        tracing::info!("@level" = "error", "@timestamp" = 5, "real");
    });
    let line = &out.lines()[0];
    assert_eq!(line["@level"], "info");
    assert_eq!(line["_@level"], "error");
    assert!(line["@timestamp"].is_string());
    assert_eq!(line["_@timestamp"], 5);
}

#[test]
fn dependency_events_are_capped_and_named_by_crate() {
    let out = capture(LevelFilter::TRACE, || {
        tracing::debug!(target: "h2::codec", "frame");
        tracing::info!(target: "async_nats::connector", "connected");
        tracing::info!("ours");
        tracing::trace!(target: "terraform_provider_nats::main", "the binary is ours too");
    });
    let lines = out.lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["@module"], "nats.async_nats");
    assert_eq!(lines[1]["@module"], "nats");
    assert_eq!(lines[2]["@module"], "nats");
}

#[derive(Debug)]
#[allow(dead_code)] // read only through Debug
struct ConnectSettings {
    user: String,
    password: String,
    token: Option<String>,
}

#[test]
fn no_secret_reaches_the_output_at_trace() {
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    let jwt =
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJlZDI1NTE5LW5rZXkifQ.eyJqdGkiOiJBQkMifQ.c2lnbmF0dXJlLWJ5dGVz";
    let creds = format!(
        "-----BEGIN NATS USER JWT-----\n{jwt}\n------END NATS USER JWT------\n\n\
         -----BEGIN USER NKEY SEED-----\n{seed}\n------END USER NKEY SEED------\n"
    );
    let password = "correct-horse-battery-staple";
    let settings = ConnectSettings {
        user: "bob".into(),
        password: password.into(),
        token: Some("s3cr3t-t0k3n".into()),
    };
    let failure = std::io::Error::other(format!("bad creds: {creds}"));

    let out = capture(LevelFilter::TRACE, || {
        let span =
            tracing::info_span!("rpc", tf_rpc = "ConfigureProvider", seed = %seed, user_jwt = jwt);
        let _entered = span.enter();
        tracing::trace!(password = password, "login");
        tracing::trace!(credentials_data = %creds, "creds given");
        tracing::trace!(nkey = %seed, "seed under a harmless name");
        tracing::trace!(config = ?settings, "settings");
        tracing::trace!("message with the seed {seed} and the creds {creds}");
        tracing::trace!("settings in the message: {settings:?}");
        tracing::trace!(
            error = &failure as &(dyn std::error::Error + 'static),
            "failed"
        );
        tracing::trace!(
            tls_key_pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----",
            "tls"
        );
        tracing::trace!(
            count = 7_u64,
            token = 12345_u64,
            "numbers under secret names"
        );
    });
    let text = out.text();
    assert_eq!(out.lines().len(), 9, "every event still written: {text}");
    for secret in [
        seed.as_str(),
        &seed[..20],
        jwt,
        "eyJ0eXAi",
        password,
        "s3cr3t-t0k3n",
        "BEGIN",
        "MIIE",
        "12345",
    ] {
        assert!(!text.contains(secret), "{secret:?} leaked in:\n{text}");
    }
    assert!(text.contains("<redacted>"));
    // What is not secret stays readable.
    assert!(text.contains(r#"user: \"bob\""#), "{text}");
}

#[test]
fn env_precedence_matches_the_sdk_then_terraform() {
    let var = provider_env_var(&module_name("nats"));
    assert_eq!(var, "TF_LOG_PROVIDER_NATS");
    let level = |pairs: &[(&str, &str)]| {
        let env: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        level_from_env(&var, |name| env.get(name).cloned())
    };
    let all = [
        ("TF_LOG_PROVIDER_NATS", "debug"),
        ("TF_LOG_PROVIDER", "error"),
        ("TF_LOG", "trace"),
    ];
    assert_eq!(level(&all), LevelFilter::DEBUG);
    assert_eq!(level(&all[1..]), LevelFilter::ERROR);
    assert_eq!(level(&all[2..]), LevelFilter::TRACE);
    assert_eq!(level(&[]), LevelFilter::OFF);

    assert_eq!(
        level(&[("TF_LOG_PROVIDER_NATS", " Warn "), ("TF_LOG", "trace")]),
        LevelFilter::WARN
    );
    assert_eq!(
        level(&[("TF_LOG_PROVIDER_NATS", "OFF"), ("TF_LOG", "trace")]),
        LevelFilter::OFF
    );
    // Not a level for the SDK: Terraform's setting decides.
    assert_eq!(
        level(&[("TF_LOG_PROVIDER_NATS", "verbose"), ("TF_LOG", "info")]),
        LevelFilter::INFO
    );
    assert_eq!(level(&[("TF_LOG_PROVIDER_NATS", "json")]), LevelFilter::OFF);
    // Empty TF_LOG_PROVIDER does not hide TF_LOG.
    assert_eq!(
        level(&[("TF_LOG_PROVIDER", ""), ("TF_LOG", "error")]),
        LevelFilter::ERROR
    );
    assert_eq!(level(&[("TF_LOG", "JSON")]), LevelFilter::TRACE);
    assert_eq!(level(&[("TF_LOG", "json")]), LevelFilter::TRACE);
    assert_eq!(
        level(&[("TF_LOG_PROVIDER", "Off"), ("TF_LOG", "trace")]),
        LevelFilter::OFF
    );
    // Terraform shows unknown values at trace, and does not trim.
    assert_eq!(level(&[("TF_LOG", "loud")]), LevelFilter::TRACE);
    assert_eq!(level(&[("TF_LOG", " info")]), LevelFilter::TRACE);
    assert_eq!(module_name("my-thing"), "my_thing");
    assert_eq!(provider_env_var("my_thing"), "TF_LOG_PROVIDER_MY_THING");
}

#[test]
fn env_filtering_end_to_end() {
    // The level chosen from each variable really filters what is written.
    type Env<'a> = &'a [(&'a str, &'a str)];
    let cases: [(Env, &[&str]); 3] = [
        (
            &[("TF_LOG_PROVIDER_NATS", "warn"), ("TF_LOG", "trace")],
            &["warn", "error"],
        ),
        (
            &[("TF_LOG_PROVIDER", "info"), ("TF_LOG", "error")],
            &["info", "warn", "error"],
        ),
        (&[("TF_LOG", "error")], &["error"]),
    ];
    for (pairs, expected) in cases {
        let env: HashMap<&str, &str> = pairs.iter().copied().collect();
        let level = level_from_env("TF_LOG_PROVIDER_NATS", |name| {
            env.get(name).map(|v| v.to_string())
        });
        assert_eq!(levels_written(level), expected, "{pairs:?}");
    }
}

#[test]
fn odd_env_values_do_not_panic() {
    let odd = [
        "",
        " ",
        "\0",
        "\u{feff}TRACE",
        "ınfo",
        "İNFO",
        "ß",
        "TRACE\n",
        "💥",
        "-1",
        "9999999999",
        "trace,debug",
        "JSON ",
        &"x".repeat(10_000),
    ];
    for value in odd {
        for var in ["TF_LOG_PROVIDER_NATS", "TF_LOG_PROVIDER", "TF_LOG"] {
            let _ = level_from_env("TF_LOG_PROVIDER_NATS", |name| {
                (name == var).then(|| value.to_string())
            });
        }
    }
}

#[test]
fn init_twice_is_harmless() {
    init("nats");
    init("nats");
}

#[test]
fn long_strings_are_cut_but_lines_stay_json() {
    let out = capture(LevelFilter::TRACE, || {
        tracing::info!(plan = %"é".repeat(20_000), "big");
    });
    let line = &out.lines()[0];
    let plan = line["plan"].as_str().unwrap();
    assert!(plan.len() < 17 * 1024 && plan.ends_with("[truncated]"));
}
