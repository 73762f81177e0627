//! Serialization of stream configs against what nats-server 2.15.1 accepts
//! and sends (the captured replies below came from a real 2.15.1).

use super::*;

/// `STREAM.INFO` of a stream created with nearly every setting, captured
/// from nats-server 2.15.1.
const FULL_STREAM_INFO: &str = r#"
{"type":"io.nats.jetstream.api.v1.stream_info_response","total":0,"offset":0,"limit":0,"config":{"name":"FULL","description":"all of it","subjects":["full.\u003e"],"retention":"limits","max_consumers":10,"max_msgs":1000,"max_bytes":1048576,"max_age":3600000000000,"max_msgs_per_subject":5,"max_msg_size":4096,"discard":"new","storage":"memory","num_replicas":1,"duplicate_window":60000000000,"sources":[{"name":"S1","filter_subject":"s1.x"}],"compression":"none","first_seq":100,"subject_transform":{"src":"full.\u003e","dest":"full.t.\u003e"},"republish":{"src":"full.\u003e","dest":"re.\u003e","headers_only":true},"allow_direct":true,"mirror_direct":false,"discard_new_per_subject":true,"sealed":false,"deny_delete":true,"deny_purge":false,"allow_rollup_hdrs":true,"consumer_limits":{"inactive_threshold":30000000000,"max_ack_pending":100},"allow_msg_ttl":true,"subject_delete_marker_ttl":5000000000,"allow_atomic":true,"allow_batched":true,"metadata":{"_nats.level":"5","_nats.req.level":"4","_nats.ver":"2.15.1","team":"a"}},"created":"2026-11-26T21:56:41.072200695Z","state":{"messages":0,"bytes":0,"first_seq":100,"first_ts":"0001-01-01T00:00:00Z","last_seq":99,"last_ts":"0001-01-01T00:00:00Z","consumer_count":1},"domain":"hub","cluster":{"leader":"NCGI5HRYYNIUGT3NLZZWNFUZ3BSZA5TNX56JTFTRGPRHTUT62ADHYFTX"},"sources":[{"name":"S1","lag":0,"active":884785751,"filter_subject":"s1.x"}],"ts":"2026-11-26T21:56:43.137341219Z"}
"#;

fn full_config() -> StreamConfig {
    StreamConfig {
        description: Some("all of it".into()),
        subjects: vec!["full.>".into()],
        max_consumers: 10,
        max_msgs: 1000,
        max_bytes: 1_048_576,
        max_age: Duration::from_secs(3_600),
        max_msgs_per_subject: 5,
        max_msg_size: 4096,
        discard: DiscardPolicy::New,
        storage: StorageType::Memory,
        duplicate_window: Duration::from_secs(60),
        sources: vec![StreamSource {
            filter_subject: Some("s1.x".into()),
            ..StreamSource::named("S1")
        }],
        first_seq: 100,
        subject_transform: Some(SubjectTransform {
            src: "full.>".into(),
            dest: "full.t.>".into(),
        }),
        republish: Some(RePublish {
            src: "full.>".into(),
            dest: "re.>".into(),
            headers_only: true,
        }),
        allow_direct: true,
        discard_new_per_subject: true,
        deny_delete: true,
        allow_rollup_hdrs: true,
        consumer_limits: ConsumerLimits {
            inactive_threshold: Duration::from_secs(30),
            max_ack_pending: 100,
        },
        allow_msg_ttl: true,
        subject_delete_marker_ttl: Duration::from_secs(5),
        allow_atomic: true,
        allow_batched: true,
        metadata: [("team".to_owned(), "a".to_owned())].into(),
        ..StreamConfig::named("FULL")
    }
}

#[test]
fn a_full_config_serializes_to_the_servers_keys_in_nanoseconds() {
    let json = serde_json::to_string(&full_config()).unwrap();
    let expected = concat!(
        r#"{"name":"FULL","description":"all of it","subjects":["full.>"],"retention":"limits","#,
        r#""max_consumers":10,"max_msgs":1000,"max_bytes":1048576,"max_age":3600000000000,"#,
        r#""max_msgs_per_subject":5,"max_msg_size":4096,"discard":"new","storage":"memory","#,
        r#""num_replicas":1,"duplicate_window":60000000000,"#,
        r#""sources":[{"name":"S1","filter_subject":"s1.x"}],"compression":"none","first_seq":100,"#,
        r#""subject_transform":{"src":"full.>","dest":"full.t.>"},"#,
        r#""republish":{"src":"full.>","dest":"re.>","headers_only":true},"#,
        r#""allow_direct":true,"mirror_direct":false,"discard_new_per_subject":true,"#,
        r#""sealed":false,"deny_delete":true,"deny_purge":false,"allow_rollup_hdrs":true,"#,
        r#""consumer_limits":{"inactive_threshold":30000000000,"max_ack_pending":100},"#,
        r#""allow_msg_ttl":true,"subject_delete_marker_ttl":5000000000,"allow_atomic":true,"#,
        r#""allow_batched":true,"metadata":{"team":"a"}}"#
    );
    assert_eq!(json, expected);
}

#[test]
fn defaults_leave_out_what_the_server_omits() {
    let json = serde_json::to_string(&StreamConfig {
        subjects: vec!["a".into()],
        ..StreamConfig::named("A")
    })
    .unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"name":"A","subjects":["a"],"retention":"limits","max_consumers":-1,"max_msgs":-1,"#,
            r#""max_bytes":-1,"max_age":0,"max_msgs_per_subject":-1,"max_msg_size":-1,"#,
            r#""discard":"old","storage":"file","num_replicas":1,"compression":"none","#,
            r#""allow_direct":false,"mirror_direct":false,"sealed":false,"deny_delete":false,"#,
            r#""deny_purge":false,"allow_rollup_hdrs":false,"consumer_limits":{},"allow_msg_ttl":false}"#
        )
    );
}

#[test]
fn enums_use_the_servers_words() {
    let words = |value: serde_json::Value| value.as_str().unwrap().to_owned();
    assert_eq!(
        words(serde_json::to_value(RetentionPolicy::WorkQueue).unwrap()),
        "workqueue"
    );
    assert_eq!(
        words(serde_json::to_value(RetentionPolicy::Interest).unwrap()),
        "interest"
    );
    assert_eq!(
        words(serde_json::to_value(StorageType::Memory).unwrap()),
        "memory"
    );
    assert_eq!(
        words(serde_json::to_value(DiscardPolicy::New).unwrap()),
        "new"
    );
    assert_eq!(words(serde_json::to_value(Compression::S2).unwrap()), "s2");
    assert_eq!(
        words(serde_json::to_value(PersistMode::Async).unwrap()),
        "async"
    );
    let async_mode = StreamConfig {
        persist_mode: PersistMode::Async,
        ..StreamConfig::named("A")
    };
    assert!(serde_json::to_string(&async_mode)
        .unwrap()
        .contains(r#""persist_mode":"async""#));
}

#[test]
fn a_captured_stream_info_decodes_and_equals_what_was_sent() {
    let info: StreamInfo = crate::nats::jetstream::decode_reply(
        "$JS.API.STREAM.INFO.FULL",
        FULL_STREAM_INFO.trim().as_bytes(),
    )
    .unwrap();
    assert_eq!(info.config.metadata["_nats.ver"], "2.15.1");
    assert_eq!(info.config.clone().without_server_metadata(), full_config());
    assert_eq!(info.state.first_seq, 100);
    assert_eq!(info.sources.len(), 1);
    assert_eq!(info.sources[0].name, "S1");
    assert_eq!(info.sources[0].filter_subject.as_deref(), Some("s1.x"));
    assert!(info.mirror.is_none());
}

#[test]
fn sources_in_another_domain_use_an_external_prefix_never_a_domain_key() {
    let source = StreamSource::from_domain("ORDERS", "hub");
    let json = serde_json::to_string(&source).unwrap();
    assert_eq!(
        json,
        r#"{"name":"ORDERS","external":{"api":"$JS.hub.API","deliver":""}}"#
    );
    assert_eq!(source.domain(), Some("hub"));
    assert_eq!(StreamSource::from_domain("ORDERS", " ").external, None);

    let mirrored = StreamConfig {
        mirror: Some(StreamSource::from_domain("ORDERS", "leaf")),
        sources: vec![StreamSource::from_domain("X", "hub")],
        ..StreamConfig::named("M")
    };
    let text = serde_json::to_string(&mirrored).unwrap();
    assert!(!text.contains("domain"), "{text}");
}

#[test]
fn external_prefixes_name_a_domain_only_in_the_domain_shape() {
    let external = |api: &str| ExternalStream {
        api: api.into(),
        deliver: String::new(),
    };
    assert_eq!(external("$JS.hub.API").domain(), Some("hub"));
    assert_eq!(external("JS.acc.API").domain(), None);
    assert_eq!(external("$JS.a.b.API").domain(), None);
    assert_eq!(external("$JS..API").domain(), None);
}

#[test]
fn server_metadata_is_set_apart_from_the_users() {
    let metadata = [
        ("_nats.ver".to_owned(), "2.15.1".to_owned()),
        ("owner".to_owned(), "me".to_owned()),
    ]
    .into();
    assert_eq!(
        user_metadata(&metadata),
        [("owner".to_owned(), "me".to_owned())].into()
    );
}
