//! nats_jetstream_stream_purge: the conflicting limits rule and the request sent.

use super::*;

fn model(subject: Option<&str>, keep: Field<i64>, up_to: Field<i64>) -> StreamPurgeModel {
    StreamPurgeModel {
        stream: Field::Known("ORDERS".into()),
        domain: Field::Null,
        subject: subject.map_or(Field::Null, |s| Field::Known(s.into())),
        keep,
        up_to_sequence: up_to,
    }
}

#[test]
fn keep_and_up_to_sequence_exclude_each_other() {
    let cases = [
        (Field::Null, Field::Null, false),
        (Field::Known(3), Field::Null, false),
        (Field::Null, Field::Known(10), false),
        (Field::Known(3), Field::Known(10), true),
        (Field::Unknown, Field::Known(10), true),
    ];
    for (keep, up_to, refused) in cases {
        let found = KEEP_OR_SEQUENCE.run(&model(None, keep, up_to));
        assert_eq!(found.has_errors(), refused);
        if refused {
            let path = found.iter().next().and_then(|d| d.path.clone());
            assert_eq!(path, Some(AttributePath::attr("up_to_sequence")));
        }
    }
}

#[test]
fn the_request_carries_only_what_is_set() {
    let cases = [
        (model(None, Field::Null, Field::Null), "{}", "all messages"),
        (
            model(Some("ORDERS.old.>"), Field::Known(2), Field::Null),
            r#"{"filter":"ORDERS.old.>","keep":2}"#,
            "messages on ORDERS.old.> except the newest 2",
        ),
        (
            model(None, Field::Null, Field::Known(7)),
            r#"{"seq":7}"#,
            "all messages below sequence 7",
        ),
    ];
    for (config, json, words) in cases {
        let request = PurgeRequest::from_model(config);
        assert_eq!(serde_json::to_string(&request).unwrap(), json);
        assert_eq!(request.describe(), words);
    }
}
