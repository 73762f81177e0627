//! nats_publish's plan-time rules, each case with the attribute it blames, and the
//! summary of acknowledgements.

use super::*;

fn model() -> PublishModel {
    PublishModel {
        subject: Field::Known("ORDERS.new".into()),
        payload: Field::Known("hello".into()),
        payloads: Field::Null,
        headers: Field::Null,
        jetstream: Field::Null,
        msg_id: Field::Null,
        expected_stream: Field::Null,
    }
}

fn headers(pairs: &[(&str, &str)]) -> Field<BTreeMap<String, String>> {
    Field::Known(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

/// The `path: summary` of every diagnostic of every rule.
fn problems(publish: &PublishModel) -> Vec<String> {
    RULES
        .iter()
        .flat_map(|rule| rule.run(publish))
        .map(|d| {
            let path = d.path.map(|p| p.to_string()).unwrap_or_default();
            format!("{path}: {}", d.summary)
        })
        .collect()
}

#[test]
fn bad_input_is_refused_at_the_attribute_that_is_wrong() {
    type Case = (&'static str, fn(&mut PublishModel), &'static [&'static str]);
    let cases: &[Case] = &[
        ("one payload", |_| {}, &[]),
        (
            "a list",
            |m| {
                m.payload = Field::Null;
                m.payloads = Field::Known(vec!["a".into(), "b".into()]);
            },
            &[],
        ),
        (
            "both",
            |m| m.payloads = Field::Known(vec!["a".into()]),
            &["payloads: Conflicting payloads"],
        ),
        (
            "neither",
            |m| m.payload = Field::Null,
            &["payload: Missing payload"],
        ),
        (
            "an empty list",
            |m| {
                m.payload = Field::Null;
                m.payloads = Field::Known(Vec::new());
            },
            &["payloads: No messages"],
        ),
        (
            "unknown payloads wait",
            |m| m.payloads = Field::Unknown,
            &[],
        ),
        (
            "msg_id without jetstream",
            |m| m.msg_id = Field::Known("x".into()),
            &["msg_id: msg_id needs jetstream"],
        ),
        (
            "expected_stream with jetstream off",
            |m| {
                m.jetstream = Field::Known(false);
                m.expected_stream = Field::Known("ORDERS".into());
            },
            &["expected_stream: expected_stream needs jetstream"],
        ),
        (
            "msg_id with jetstream",
            |m| {
                m.jetstream = Field::Known(true);
                m.msg_id = Field::Known("x".into());
            },
            &[],
        ),
        (
            "msg_id with jetstream unknown waits",
            |m| {
                m.jetstream = Field::Unknown;
                m.msg_id = Field::Known("x".into());
            },
            &[],
        ),
        (
            "good headers",
            |m| m.headers = headers(&[("Content-Type", "text/plain"), ("X-Trace", "")]),
            &[],
        ),
        (
            "a header name with a colon",
            |m| m.headers = headers(&[("a:b", "v")]),
            &["headers[\"a:b\"]: Invalid header name"],
        ),
        (
            "a header name with a space",
            |m| m.headers = headers(&[("a b", "v")]),
            &["headers[\"a b\"]: Invalid header name"],
        ),
        (
            "an empty header name",
            |m| m.headers = headers(&[("", "v")]),
            &["headers[\"\"]: Invalid header name"],
        ),
        (
            "a line break in a value",
            |m| m.headers = headers(&[("X", "a\r\nb")]),
            &["headers[\"X\"]: Invalid header value"],
        ),
        (
            "Nats-Msg-Id in headers",
            |m| m.headers = headers(&[("nats-msg-id", "1")]),
            &["headers[\"nats-msg-id\"]: Header set by an argument"],
        ),
    ];
    for (name, change, expected) in cases {
        let mut publish = model();
        change(&mut publish);
        let found = problems(&publish);
        assert_eq!(found.len(), expected.len(), "{name}: {found:?}");
        for (found, expected) in found.iter().zip(expected.iter()) {
            let (path, summary) = expected.split_once(": ").unwrap();
            assert_eq!(found, &format!("{path}: {summary}"), "{name}");
        }
    }
}

#[test]
fn publish_subjects_have_no_wildcards() {
    for good in ["a", "ORDERS.new", "$KV.config.key"] {
        assert!(check_publish_subject(good).is_ok(), "{good}");
    }
    for bad in ["", "a.*", "a.>", ">", "a..b", "a b"] {
        assert!(check_publish_subject(bad).is_err(), "{bad}");
    }
}

#[test]
fn acknowledgements_are_summed_up_per_stream() {
    let ack = |stream: &str, seq, duplicate, domain: Option<&str>| PubAck {
        stream: stream.into(),
        seq,
        duplicate,
        domain: domain.map(str::to_string),
    };
    let mut acks = Acks::default();
    assert_eq!(acks.summary("Q.a"), "0 messages stored on Q.a");
    acks.add(&ack("QUEUE", 4, false, Some("hub")));
    assert_eq!(
        acks.summary("Q.a"),
        "1 message stored on Q.a in QUEUE (domain hub) seq 4"
    );
    acks.add(&ack("QUEUE", 6, false, Some("hub")));
    acks.add(&ack("QUEUE", 5, false, Some("hub")));
    acks.add(&ack("QUEUE", 2, true, Some("hub")));
    assert_eq!(
        acks.summary("Q.a"),
        "3 messages stored on Q.a in QUEUE (domain hub) seq 4-6; 1 message already stored (duplicate Nats-Msg-Id), not stored again"
    );
}
