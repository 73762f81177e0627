//! Each stream rule alone, on configurations as the framework hands them over (the
//! schema's defaults filled in): what it refuses, where, and that it waits while a
//! value it needs is not known.

use super::super::model::{Origin, OriginConsumer, PersistModeWord, StreamModel, Transform};
use super::super::origins;
use super::*;
use crate::framework::Field::{self, Known, Unknown};
use crate::nats::jetstream::{DiscardPolicy, RetentionPolicy, StorageType};
use crate::provider::resources::jetstream::origin::External;
use std::collections::BTreeMap;

/// A configuration as written with nothing but a name, the defaults filled in.
fn stream() -> StreamModel {
    StreamModel {
        name: Known("S".into()),
        retention: Known(RetentionPolicy::Limits),
        storage: Known(StorageType::File),
        discard: Known(DiscardPolicy::Old),
        discard_new_per_subject: Known(false),
        max_msgs_per_subject: Known(-1),
        max_age: Known(0),
        duplicate_window: Known(120),
        replicas: Known(1),
        ack: Known(true),
        allow_rollup_hdrs: Known(false),
        deny_purge: Known(false),
        allow_msg_ttl: Known(false),
        subject_delete_marker_ttl: Known(0),
        allow_msg_counter: Known(false),
        allow_atomic: Known(false),
        allow_msg_schedules: Known(false),
        allow_batched: Known(false),
        republish_headers_only: Known(false),
        first_seq: Known(0),
        persist_mode: Known(PersistModeWord::Default),
        ..StreamModel::default()
    }
}

fn origin(name: &str) -> Origin {
    Origin {
        name: Known(name.into()),
        ..Origin::default()
    }
}

/// `(path, summary)` of every diagnostic `rule` reports.
fn found(rule: &Rule<StreamModel>, config: &StreamModel) -> Vec<(String, String)> {
    rule.run(config)
        .iter()
        .map(|d| {
            let path = d.path.as_ref().map(ToString::to_string).unwrap_or_default();
            (path, d.summary.clone())
        })
        .collect()
}

fn paths(rule: &Rule<StreamModel>, config: &StreamModel) -> Vec<String> {
    found(rule, config).into_iter().map(|(p, _)| p).collect()
}

#[test]
fn a_plain_stream_passes_every_rule() {
    let plain = StreamModel {
        subjects: Known(vec!["orders.>".into()]),
        ..stream()
    };
    for rule in RULES {
        assert!(
            rule.run(&plain).is_empty(),
            "{} refused a plain stream",
            rule.name
        );
    }
}

#[test]
fn every_rule_waits_for_unknown_values() {
    // Everything a rule could look at is not known yet: nothing to judge.
    let unknown = StreamModel {
        name: Unknown,
        subjects: Unknown,
        metadata: Unknown,
        description: Unknown,
        retention: Unknown,
        storage: Unknown,
        discard: Unknown,
        discard_new_per_subject: Unknown,
        max_msgs_per_subject: Unknown,
        max_age: Unknown,
        duplicate_window: Unknown,
        replicas: Unknown,
        ack: Unknown,
        allow_rollup_hdrs: Unknown,
        deny_purge: Unknown,
        allow_msg_ttl: Unknown,
        subject_delete_marker_ttl: Unknown,
        allow_msg_counter: Unknown,
        allow_atomic: Unknown,
        allow_msg_schedules: Unknown,
        allow_batched: Unknown,
        republish_source: Unknown,
        republish_destination: Unknown,
        republish_headers_only: Unknown,
        placement_preferred: Unknown,
        first_seq: Unknown,
        persist_mode: Unknown,
        source: vec![Origin {
            name: Unknown,
            domain: Unknown,
            start_seq: Unknown,
            start_time: Unknown,
            filter_subject: Unknown,
            ..Origin::default()
        }],
        ..StreamModel::default()
    };
    for rule in RULES {
        assert!(
            rule.run(&unknown).is_empty(),
            "{} judged unknown values",
            rule.name
        );
    }
}

#[test]
fn reserved_and_oversized_metadata() {
    let reserved = StreamModel {
        metadata: Known(BTreeMap::from([("_nats.req.level".into(), "0".into())])),
        ..stream()
    };
    assert_eq!(
        paths(&METADATA, &reserved),
        ["metadata[\"_nats.req.level\"]"]
    );
    let huge = StreamModel {
        metadata: Known(BTreeMap::from([("k".into(), "v".repeat(129 * 1024))])),
        ..stream()
    };
    assert_eq!(found(&METADATA, &huge)[0].1, "Metadata too large");
    let long = StreamModel {
        description: Known("d".repeat(4097)),
        ..stream()
    };
    assert_eq!(paths(&DESCRIPTION, &long), ["description"]);
}

#[test]
fn overlapping_and_api_subjects() {
    let with = |subjects: &[&str]| StreamModel {
        subjects: Known(subjects.iter().map(|s| s.to_string()).collect()),
        ..stream()
    };
    assert_eq!(
        paths(&DISTINCT_SUBJECTS, &with(&["a.>", "a.>"])),
        ["subjects[1]"]
    );
    assert_eq!(
        paths(&DISTINCT_SUBJECTS, &with(&["a.*", "a.b"])),
        ["subjects[1]"]
    );
    assert!(paths(&DISTINCT_SUBJECTS, &with(&["a.*", "b.*"])).is_empty());
    assert_eq!(
        paths(&API_SUBJECTS_NEED_NO_ACK, &with(&["ok", ">"])),
        ["subjects[1]"]
    );
    assert_eq!(
        paths(&API_SUBJECTS_NEED_NO_ACK, &with(&["$JS.API.>"])),
        ["subjects[0]"]
    );
    assert_eq!(
        paths(&API_SUBJECTS_NEED_NO_ACK, &with(&["$SYS.REQ.x"])),
        ["subjects[0]"]
    );
    assert!(paths(
        &API_SUBJECTS_NEED_NO_ACK,
        &with(&["$JS.EVENT.x.>", "$SYS.ACCOUNT.a"])
    )
    .is_empty());
    let no_ack = StreamModel {
        ack: Known(false),
        replicas: Known(3),
        ..with(&[">"])
    };
    assert_eq!(
        found(&API_SUBJECTS_NEED_NO_ACK, &no_ack)[0].1,
        "Capturing every subject needs one replica"
    );
}

#[test]
fn discard_window_and_rollup_rules() {
    let per_subject = StreamModel {
        discard_new_per_subject: Known(true),
        ..stream()
    };
    assert_eq!(
        paths(&DISCARD_NEW_PER_SUBJECT, &per_subject),
        ["discard_new_per_subject"]
    );
    let fine = StreamModel {
        discard: Known(DiscardPolicy::New),
        max_msgs_per_subject: Known(5),
        ..per_subject.clone()
    };
    assert!(paths(&DISCARD_NEW_PER_SUBJECT, &fine).is_empty());
    let window = StreamModel {
        max_age: Known(60),
        ..stream()
    };
    assert_eq!(paths(&WINDOW_WITHIN_MAX_AGE, &window), ["duplicate_window"]);
    let rollup = StreamModel {
        deny_purge: Known(true),
        allow_rollup_hdrs: Known(true),
        ..stream()
    };
    assert_eq!(paths(&ROLLUPS_NEED_PURGE, &rollup), ["allow_rollup_hdrs"]);
}

#[test]
fn counter_markers_schedules_and_async_persistence() {
    let counter = StreamModel {
        allow_msg_counter: Known(true),
        discard: Known(DiscardPolicy::New),
        allow_msg_ttl: Known(true),
        allow_msg_schedules: Known(true),
        retention: Known(RetentionPolicy::Interest),
        ..stream()
    };
    assert_eq!(
        paths(&COUNTER_LIMITS, &counter),
        [
            "discard",
            "allow_msg_ttl",
            "allow_msg_schedules",
            "retention"
        ]
    );
    let markers = StreamModel {
        subject_delete_marker_ttl: Known(60),
        ..stream()
    };
    let summaries: Vec<String> = found(&DELETE_MARKERS, &markers)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    assert_eq!(
        summaries,
        [
            "Delete markers need per-message TTLs",
            "Delete markers need roll-ups"
        ]
    );
    let schedules = StreamModel {
        allow_msg_schedules: Known(true),
        discard: Known(DiscardPolicy::New),
        ..stream()
    };
    assert_eq!(found(&SCHEDULES, &schedules).len(), 2);
    let async_persist = StreamModel {
        persist_mode: Known(PersistModeWord::Async),
        storage: Known(StorageType::Memory),
        replicas: Known(3),
        allow_atomic: Known(true),
        ..stream()
    };
    assert_eq!(
        paths(&ASYNC_PERSIST, &async_persist),
        ["storage", "replicas", "allow_atomic"]
    );
}

#[test]
fn republish_rules() {
    let no_destination = StreamModel {
        republish_source: Known("a.>".into()),
        ..stream()
    };
    assert_eq!(paths(&REPUBLISH, &no_destination), ["republish_source"]);
    let pending = StreamModel {
        republish_destination: Unknown,
        ..no_destination.clone()
    };
    assert!(paths(&REPUBLISH, &pending).is_empty());
    let cycle = StreamModel {
        subjects: Known(vec!["orders.>".into()]),
        republish_destination: Known("orders.copy".into()),
        ..stream()
    };
    assert_eq!(paths(&REPUBLISH, &cycle), ["republish_destination"]);
    let preferred = StreamModel {
        placement_preferred: Known("n1".into()),
        ..stream()
    };
    assert_eq!(
        paths(&NO_PREFERRED_PLACEMENT, &preferred),
        ["placement_preferred"]
    );
}

#[test]
fn mirror_rules() {
    let mirror = StreamModel {
        mirror: vec![origin("ORIGIN")],
        subjects: Known(vec!["x".into()]),
        source: vec![origin("OTHER")],
        first_seq: Known(5),
        allow_batched: Known(true),
        subject_delete_marker_ttl: Known(5),
        ..stream()
    };
    assert_eq!(
        paths(&origins::MIRROR_STORES_ITS_ORIGIN_ONLY, &mirror),
        [
            "subjects",
            "source[0]",
            "first_seq",
            "allow_batched",
            "subject_delete_marker_ttl"
        ]
    );
    let sourced_schedules = StreamModel {
        source: vec![origin("UP")],
        allow_msg_schedules: Known(true),
        ..stream()
    };
    assert_eq!(
        paths(&origins::SOURCES_WITHOUT_SCHEDULES, &sourced_schedules),
        ["allow_msg_schedules"]
    );
}

#[test]
fn origin_start_location_and_filters() {
    let transform = |source: &str| Transform {
        source: Known(source.into()),
        destination: Known("x.>".into()),
    };
    let bad = Origin {
        domain: Known("hub".into()),
        external: vec![External {
            api: Known("$JS.hub.API".into()),
            deliver: Field::Null,
        }],
        start_seq: Known(3),
        start_time: Known("yesterday".into()),
        filter_subject: Known("a.>".into()),
        subject_transform: vec![transform("a.>"), transform("a.b")],
        ..origin("UP")
    };
    let config = StreamModel {
        source: vec![bad.clone()],
        ..stream()
    };
    assert_eq!(
        paths(&origins::START_AND_LOCATION, &config),
        [
            "source[0].domain",
            "source[0].start_time",
            "source[0].start_time"
        ]
    );
    assert_eq!(
        paths(&origins::FILTER_OR_TRANSFORMS, &config),
        [
            "source[0].filter_subject",
            "source[0].subject_transform[1].source"
        ]
    );
    // Sources only refuse filters within one another; a mirror's may not collide at all.
    let crossing = Origin {
        subject_transform: vec![transform("a.*"), transform("*.b")],
        ..origin("UP")
    };
    let sourced = StreamModel {
        source: vec![crossing.clone()],
        ..stream()
    };
    assert!(paths(&origins::FILTER_OR_TRANSFORMS, &sourced).is_empty());
    let mirrored = StreamModel {
        mirror: vec![crossing],
        ..stream()
    };
    assert_eq!(
        paths(&origins::FILTER_OR_TRANSFORMS, &mirrored),
        ["mirror[0].subject_transform[1].source"]
    );
}

#[test]
fn sources_given_twice() {
    let twice = StreamModel {
        source: vec![origin("UP"), origin("OTHER"), origin("UP")],
        ..stream()
    };
    assert_eq!(paths(&origins::DISTINCT_SOURCES, &twice), ["source[2]"]);
    let filtered = Origin {
        filter_subject: Known("a.>".into()),
        ..origin("UP")
    };
    let distinct = StreamModel {
        source: vec![origin("UP"), filtered],
        ..stream()
    };
    assert!(paths(&origins::DISTINCT_SOURCES, &distinct).is_empty());
}

#[test]
fn origins_read_through_a_durable_consumer() {
    let consumer = |name: &str, subject: &str| OriginConsumer {
        name: Known(name.into()),
        deliver_subject: Known(subject.into()),
    };
    let bad = Origin {
        consumer: vec![consumer("bad.name", "deliver.*")],
        start_seq: Known(2),
        filter_subject: Known("a".into()),
        ..origin("UP")
    };
    let config = StreamModel {
        source: vec![bad],
        ..stream()
    };
    assert_eq!(
        paths(&origins::DURABLE_CONSUMER, &config),
        [
            "source[0].consumer[0].name",
            "source[0].consumer[0].deliver_subject",
            "source[0].start_seq",
            "source[0].filter_subject"
        ]
    );
    let reused = StreamModel {
        source: vec![
            Origin {
                consumer: vec![consumer("C", "d.one")],
                ..origin("UP")
            },
            Origin {
                consumer: vec![consumer("C", "d.two")],
                subject_transform: vec![Transform {
                    source: Known("a".into()),
                    destination: Known("b".into()),
                }],
                ..origin("UP")
            },
        ],
        ..stream()
    };
    assert_eq!(
        paths(&origins::DURABLE_CONSUMER, &reused),
        ["source[1].consumer[0].name"]
    );
    let pending = StreamModel {
        source: vec![Origin {
            consumer: vec![OriginConsumer {
                name: Unknown,
                deliver_subject: Unknown,
            }],
            ..origin("UP")
        }],
        ..stream()
    };
    assert!(paths(&origins::DURABLE_CONSUMER, &pending).is_empty());
}
