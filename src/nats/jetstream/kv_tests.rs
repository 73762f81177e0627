//! The bucket-to-stream mapping, checked against the stream config the
//! official clients write (ADR-8, nats.go's `CreateKeyValue`).

use super::*;
use crate::nats::jetstream::{ExternalStream, RetentionPolicy};

#[test]
fn a_plain_bucket_gets_the_client_stream_config() {
    let config = KvBucketConfig::named("config").to_stream_config().unwrap();
    let json = serde_json::to_string(&config).unwrap();
    assert_eq!(
        json,
        concat!(
            r#"{"name":"KV_config","subjects":["$KV.config.>"],"retention":"limits","#,
            r#""max_consumers":-1,"max_msgs":-1,"max_bytes":-1,"max_age":0,"#,
            r#""max_msgs_per_subject":1,"max_msg_size":-1,"discard":"new","storage":"file","#,
            r#""num_replicas":1,"duplicate_window":120000000000,"compression":"none","#,
            r#""allow_direct":true,"mirror_direct":false,"sealed":false,"deny_delete":true,"#,
            r#""deny_purge":false,"allow_rollup_hdrs":true,"consumer_limits":{},"allow_msg_ttl":false}"#
        )
    );
    assert_eq!(config.retention, RetentionPolicy::Limits);
}

#[test]
fn bucket_settings_map_onto_stream_limits() {
    let bucket = KvBucketConfig {
        description: Some("d".into()),
        history: 10,
        ttl: Duration::from_secs(30),
        max_value_size: 1024,
        max_bytes: 1 << 20,
        storage: StorageType::Memory,
        num_replicas: 3,
        compression: true,
        republish: Some(RePublish {
            src: "$KV.b.>".into(),
            dest: "copy.>".into(),
            headers_only: false,
        }),
        metadata: [("a".to_owned(), "b".to_owned())].into(),
        limit_marker_ttl: Duration::from_secs(2),
        ..KvBucketConfig::named("b")
    };
    let stream = bucket.to_stream_config().unwrap();
    assert_eq!(stream.max_msgs_per_subject, 10);
    assert_eq!(stream.max_age, Duration::from_secs(30));
    // A TTL under two minutes becomes the duplicate window.
    assert_eq!(stream.duplicate_window, Duration::from_secs(30));
    assert_eq!(stream.max_msg_size, 1024);
    assert_eq!(stream.max_bytes, 1 << 20);
    assert_eq!(stream.storage, StorageType::Memory);
    assert_eq!(stream.num_replicas, 3);
    assert_eq!(stream.compression, Compression::S2);
    assert!(stream.allow_msg_ttl);
    assert_eq!(stream.subject_delete_marker_ttl, Duration::from_secs(2));
    assert_eq!(stream.republish, bucket.republish);
    assert_eq!(KvBucketConfig::from_stream_config(&stream), Some(bucket));
}

#[test]
fn history_beyond_what_clients_allow_is_refused() {
    let bucket = KvBucketConfig {
        history: KV_MAX_HISTORY + 1,
        ..KvBucketConfig::named("b")
    };
    assert!(matches!(
        bucket.to_stream_config(),
        Err(JetStreamError::HistoryOutOfRange { history: 65, .. })
    ));
    assert!(matches!(
        KvBucketConfig::named("a.b").to_stream_config(),
        Err(JetStreamError::InvalidName { what: "bucket", .. })
    ));
}

#[test]
fn a_mirror_has_no_subjects_and_serves_direct_gets() {
    let bucket = KvBucketConfig {
        mirror: Some(StreamSource::from_domain("orders", "hub")),
        ..KvBucketConfig::named("orders_copy")
    };
    let stream = bucket.to_stream_config().unwrap();
    assert!(stream.subjects.is_empty());
    assert!(stream.mirror_direct);
    let mirror = stream.mirror.clone().unwrap();
    assert_eq!(mirror.name, "KV_orders");
    assert_eq!(mirror.external, ExternalStream::for_domain("hub"));
    assert!(mirror.subject_transforms.is_empty());
    // Reading it back and mapping again changes nothing.
    let read = KvBucketConfig::from_stream_config(&stream).unwrap();
    assert_eq!(read.to_stream_config().unwrap(), stream);
}

#[test]
fn sourced_buckets_get_their_keys_moved_into_their_own_subjects() {
    let plain_stream = StreamSource {
        subject_transforms: vec![SubjectTransform {
            src: "events.>".into(),
            dest: "$KV.all.>".into(),
        }],
        ..StreamSource::named("EVENTS")
    };
    let bucket = KvBucketConfig {
        sources: vec![
            StreamSource::named("a"),
            StreamSource::named("KV_b"),
            // The same bucket in another domain already uses our subjects.
            StreamSource::from_domain("all", "hub"),
            plain_stream.clone(),
        ],
        ..KvBucketConfig::named("all")
    };
    let stream = bucket.to_stream_config().unwrap();
    assert_eq!(stream.subjects, vec!["$KV.all.>".to_owned()]);
    let names: Vec<_> = stream.sources.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["KV_a", "KV_b", "KV_all", "EVENTS"]);
    let moved = |source: &StreamSource| source.subject_transforms.clone();
    assert_eq!(
        moved(&stream.sources[0]),
        vec![SubjectTransform {
            src: "$KV.a.>".into(),
            dest: "$KV.all.>".into()
        }]
    );
    assert_eq!(moved(&stream.sources[1])[0].src, "$KV.b.>");
    assert!(moved(&stream.sources[2]).is_empty());
    assert_eq!(stream.sources[3], plain_stream);
    let read = KvBucketConfig::from_stream_config(&stream).unwrap();
    assert_eq!(read.to_stream_config().unwrap(), stream);
}

#[test]
fn streams_that_are_not_buckets_are_not_read_as_buckets() {
    assert!(KvBucketConfig::from_stream_config(&StreamConfig::named("ORDERS")).is_none());
}

#[test]
fn duplicate_windows_follow_the_ttl_only_when_shorter() {
    assert_eq!(
        duplicate_window_for(Duration::ZERO),
        Duration::from_secs(120)
    );
    assert_eq!(
        duplicate_window_for(Duration::from_secs(1)),
        Duration::from_secs(1)
    );
    assert_eq!(
        duplicate_window_for(Duration::from_secs(3_600)),
        Duration::from_secs(120)
    );
}

#[test]
fn entries_never_show_their_value_in_debug_output() {
    let entry = KvEntry {
        value: b"hunter2".to_vec(),
        revision: 3,
        operation: KvOperation::Put,
        created: String::new(),
    };
    let shown = format!("{entry:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("<7 bytes>"));
    assert!(entry.is_live());
}
