//! Rules nats-server applies to a consumer against its stream (work-queue retention,
//! deliver-subject cycles, replicas, the stream's consumer limits), judged at plan
//! time against the stream as it is on the server then. A stream that does not exist
//! yet (created by the same apply) or cannot be read is judged by the server at apply.
//! Each finding quotes the server's own rule (its error description).

use std::time::Duration;

use super::convert::{deliver_policy, start_attribute};
use super::model::ConsumerModel;
use crate::nats::jetstream::{
    duration_to_seconds, AckPolicy, ConsumerInfo, ConsumerLimits, DeliverPolicy, RetentionPolicy,
    StreamInfo,
};
use crate::provider::rules::{subject_is_within, subjects_collide};

/// What the rules need to know of the stream, read from the server.
#[derive(Debug, Clone, Default)]
pub struct StreamFacts {
    pub name: String,
    pub retention: RetentionPolicy,
    pub subjects: Vec<String>,
    pub replicas: i64,
    /// Nanoseconds for the threshold, as the server holds them.
    pub limits: ConsumerLimits,
    /// The filters of the stream's other consumers, by name (work queues only).
    pub others: Vec<(String, Vec<String>)>,
}

impl StreamFacts {
    pub fn new(info: &StreamInfo, consumers: &[ConsumerInfo]) -> Self {
        let config = &info.config;
        StreamFacts {
            name: config.name.clone(),
            retention: config.retention,
            subjects: config.subjects.clone(),
            replicas: config.num_replicas,
            limits: config.consumer_limits,
            others: consumers
                .iter()
                // The consumers a stream's sources read through use flow-control acks;
                // the server leaves sourcing consumers out of this rule, and the listing
                // does not say which they are, so all of them are left to the server.
                .filter(|c| c.config.ack_policy != AckPolicy::FlowControl)
                .map(|c| (c.name.clone(), filters(&c.config)))
                .collect(),
        }
    }

    fn work_queue(&self) -> String {
        format!(
            "Stream {} on the server is a work queue (`retention = \"workqueue\"`)",
            self.name
        )
    }
}

fn filters(config: &crate::nats::jetstream::ConsumerConfig) -> Vec<String> {
    config
        .filter_subject
        .iter()
        .filter(|f| !f.is_empty())
        .chain(&config.filter_subjects)
        .cloned()
        .collect()
}

/// One refusal: the attribute to change, a summary, and the detail with the server's
/// rule in its own words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub attribute: &'static str,
    pub summary: String,
    pub detail: String,
}

fn finding(attribute: &'static str, summary: &str, why: String, rule: &str) -> Finding {
    Finding {
        attribute,
        summary: summary.to_string(),
        detail: format!("{why}; nats-server refuses it: \"{rule}\"."),
    }
}

/// Judges the planned consumer (every value known) against its stream. `creating`
/// when the consumer is new on the server (created or replaced).
pub fn judge(consumer: &ConsumerModel, stream: &StreamFacts, creating: bool) -> Vec<Finding> {
    let mut found = Vec::new();
    let retention_bound = matches!(
        stream.retention,
        RetentionPolicy::WorkQueue | RetentionPolicy::Interest
    );
    if stream.retention == RetentionPolicy::WorkQueue {
        found.extend(work_queue(consumer, stream, creating));
    }
    if let Some(subject) = consumer.delivery_subject.known() {
        if let Some(stored) = stream
            .subjects
            .iter()
            .find(|s| subject_is_within(subject, s))
        {
            found.push(finding(
                "delivery_subject",
                "Delivery subject stored by its own stream",
                format!("`{subject}` is within `{stored}`, a subject of stream {}: every delivery would be stored and delivered again. Choose a subject outside the stream's subjects", stream.name),
                "consumer deliver subject forms a cycle",
            ));
        }
    }
    let replicas = consumer.replicas.known().copied().unwrap_or(0);
    if replicas > stream.replicas {
        found.push(finding(
            "replicas",
            "More replicas than the stream",
            format!("Stream {} has {} replica(s) on the server; `replicas` may be 0 (the stream's) up to {}", stream.name, stream.replicas, stream.replicas),
            "consumer config replica count exceeds parent stream",
        ));
    } else if retention_bound && replicas != 0 && replicas != stream.replicas {
        found.push(finding(
            "replicas",
            "Replicas differ from the stream's",
            format!("Stream {} keeps messages until consumers acknowledge them (interest or work-queue retention), so its consumers have its {} replica(s); leave `replicas` out or set it to {}", stream.name, stream.replicas, stream.replicas),
            "consumer config replicas must match interest retention stream's replicas",
        ));
    }
    let limits = stream.limits;
    let pending = consumer.max_ack_pending.known().copied().unwrap_or(0);
    if limits.max_ack_pending > 0 && pending > limits.max_ack_pending {
        found.push(finding(
            "max_ack_pending",
            "max_ack_pending above the stream's consumer limit",
            format!("Stream {} limits its consumers to {} pending acknowledgements (its `max_ack_pending`); set `max_ack_pending` to at most that", stream.name, limits.max_ack_pending),
            &format!("consumer max ack pending exceeds system limit of {}", limits.max_ack_pending),
        ));
    }
    if !limits.inactive_threshold.is_zero() {
        let threshold = consumer.inactive_threshold.known().copied().unwrap_or(0);
        let limit = duration_to_seconds(limits.inactive_threshold);
        if threshold == 0 {
            found.push(finding(
                "inactive_threshold",
                "inactive_threshold needed by the stream's consumer limit",
                format!("Stream {} removes idle consumers after {limit}s (its `inactive_threshold`); set `inactive_threshold` to at most {limit}", stream.name),
                "inactive_threshold must be set if it's configured in stream limits",
            ));
        } else if Duration::from_secs(threshold.max(0).unsigned_abs()) > limits.inactive_threshold {
            found.push(finding(
                "inactive_threshold",
                "inactive_threshold above the stream's consumer limit",
                format!("Stream {} removes idle consumers after {limit}s (its `inactive_threshold`); set `inactive_threshold` to at most {limit}", stream.name),
                &format!("consumer inactive threshold exceeds system limit of {limit}s"),
            ));
        }
    }
    found
}

fn work_queue(consumer: &ConsumerModel, stream: &StreamFacts, creating: bool) -> Vec<Finding> {
    let mut found = Vec::new();
    let ack = consumer.ack_policy.known().copied().unwrap_or_default();
    if !matches!(ack, AckPolicy::Explicit | AckPolicy::FlowControl) {
        found.push(finding(
            "ack_policy",
            "Work queues need explicit acknowledgements",
            format!("{}: a message leaves it when acknowledged, so `ack_policy` must be `explicit` (or `flow_control` for a push consumer)", stream.work_queue()),
            "workqueue stream requires explicit ack",
        ));
    }
    let policy = deliver_policy(consumer);
    if policy != DeliverPolicy::All {
        found.push(finding(
            start_attribute(policy),
            "Work queues deliver from the start",
            format!("{}: its consumers start at its first message; leave out the `deliver_*` flags, `stream_sequence` and `start_time` (or set `deliver_all = true`)", stream.work_queue()),
            "consumer must be deliver all on workqueue stream",
        ));
    }
    let mine: Vec<String> = consumer
        .filter_subject
        .known()
        .into_iter()
        .chain(consumer.filter_subjects.known().into_iter().flatten())
        .cloned()
        .collect();
    let others: Vec<&(String, Vec<String>)> = stream
        .others
        .iter()
        .filter(|(name, _)| name != consumer.durable())
        .collect();
    let attribute = if consumer.filter_subjects.is_known() {
        "filter_subjects"
    } else {
        "filter_subject"
    };
    if mine.is_empty() {
        if let Some((other, _)) = others.first().filter(|_| creating) {
            found.push(finding(
                attribute,
                "A second consumer without a filter on a work queue",
                format!("{}: each message goes to one consumer, and consumer {other} already reads it; give this consumer a `filter_subject` no other consumer's filters overlap", stream.work_queue()),
                "multiple non-filtered consumers not allowed on workqueue stream",
            ));
        }
        return found;
    }
    for (other, theirs) in others {
        let clash = if theirs.is_empty() {
            Some("all of it".to_string())
        } else {
            theirs
                .iter()
                .find(|t| mine.iter().any(|m| subjects_collide(m, t)))
                .map(|t| format!("`{t}`"))
        };
        if let Some(clash) = clash {
            found.push(finding(
                attribute,
                "Filters overlap another consumer's on a work queue",
                format!("{}: each message goes to one consumer, and consumer {other} already reads {clash}; choose filters that do not overlap", stream.work_queue()),
                "filtered consumer not unique on workqueue stream",
            ));
            break;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Field;

    fn consumer() -> ConsumerModel {
        ConsumerModel {
            stream_id: Field::Known("JOBS".into()),
            durable_name: Field::Known("C".into()),
            ack_policy: Field::Known(AckPolicy::Explicit),
            max_ack_pending: Field::Known(20000),
            replicas: Field::Known(0),
            inactive_threshold: Field::Known(0),
            ..ConsumerModel::default()
        }
    }

    fn stream(retention: RetentionPolicy) -> StreamFacts {
        StreamFacts {
            name: "JOBS".into(),
            retention,
            subjects: vec!["jobs.>".into()],
            replicas: 1,
            ..StreamFacts::default()
        }
    }

    fn attributes(found: &[Finding]) -> Vec<&'static str> {
        found.iter().map(|f| f.attribute).collect()
    }

    #[test]
    fn a_plain_consumer_passes() {
        for retention in [
            RetentionPolicy::Limits,
            RetentionPolicy::Interest,
            RetentionPolicy::WorkQueue,
        ] {
            assert_eq!(judge(&consumer(), &stream(retention), true), vec![]);
        }
    }

    #[test]
    fn work_queues_need_explicit_acks_from_the_start() {
        let wq = stream(RetentionPolicy::WorkQueue);
        let none = ConsumerModel {
            ack_policy: Field::Known(AckPolicy::None),
            deliver_new: Field::Known(true),
            ..consumer()
        };
        let found = judge(&none, &wq, true);
        assert_eq!(attributes(&found), vec!["ack_policy", "deliver_new"]);
        assert!(found[0]
            .detail
            .contains("\"workqueue stream requires explicit ack\""));
        assert!(found[1]
            .detail
            .contains("\"consumer must be deliver all on workqueue stream\""));
        // The same consumer on a limits stream is fine.
        assert_eq!(judge(&none, &stream(RetentionPolicy::Limits), true), vec![]);
        let by_sequence = ConsumerModel {
            stream_sequence: Field::Known(5),
            ..consumer()
        };
        assert_eq!(
            attributes(&judge(&by_sequence, &wq, true)),
            vec!["stream_sequence"]
        );
    }

    #[test]
    fn work_queue_consumers_partition_the_subjects() {
        let mut wq = stream(RetentionPolicy::WorkQueue);
        wq.others = vec![("A".into(), vec!["jobs.a.*".into()])];
        let unfiltered = judge(&consumer(), &wq, true);
        assert_eq!(attributes(&unfiltered), vec!["filter_subject"]);
        assert!(unfiltered[0]
            .detail
            .contains("multiple non-filtered consumers"));
        // Updating an existing unfiltered consumer is not refused by the server.
        assert_eq!(judge(&consumer(), &wq, false), vec![]);
        let overlapping = ConsumerModel {
            filter_subjects: Field::Known(vec!["jobs.b".into(), "jobs.*.x".into()]),
            ..consumer()
        };
        let found = judge(&overlapping, &wq, false);
        assert_eq!(attributes(&found), vec!["filter_subjects"]);
        assert!(found[0].detail.contains("`jobs.a.*`"));
        let apart = ConsumerModel {
            filter_subject: Field::Known("jobs.b".into()),
            ..consumer()
        };
        assert_eq!(judge(&apart, &wq, true), vec![]);
        // Itself (by name) does not count, and an unfiltered other takes everything.
        wq.others = vec![("C".into(), vec![]), ("B".into(), vec![])];
        let found = judge(&apart, &wq, false);
        assert!(found[0]
            .detail
            .contains("consumer B already reads all of it"));
    }

    #[test]
    fn a_delivery_subject_inside_the_stream_is_a_cycle() {
        let push = ConsumerModel {
            delivery_subject: Field::Known("jobs.out".into()),
            ..consumer()
        };
        let found = judge(&push, &stream(RetentionPolicy::Limits), true);
        assert_eq!(attributes(&found), vec!["delivery_subject"]);
        assert!(found[0].detail.contains("forms a cycle"));
        let outside = ConsumerModel {
            delivery_subject: Field::Known("out.jobs".into()),
            ..consumer()
        };
        assert_eq!(
            judge(&outside, &stream(RetentionPolicy::Limits), true),
            vec![]
        );
    }

    #[test]
    fn replicas_follow_the_stream() {
        let three = ConsumerModel {
            replicas: Field::Known(3),
            ..consumer()
        };
        let found = judge(&three, &stream(RetentionPolicy::Limits), true);
        assert!(found[0].detail.contains("exceeds parent stream"));
        let mut r3 = stream(RetentionPolicy::Interest);
        r3.replicas = 3;
        let one = ConsumerModel {
            replicas: Field::Known(1),
            ..consumer()
        };
        let found = judge(&one, &r3, true);
        assert!(found[0].detail.contains("must match interest retention"));
        r3.retention = RetentionPolicy::Limits;
        assert_eq!(judge(&one, &r3, true), vec![]);
    }

    #[test]
    fn the_streams_consumer_limits_bound_the_consumer() {
        let mut limited = stream(RetentionPolicy::Limits);
        limited.limits = ConsumerLimits {
            inactive_threshold: Duration::from_secs(60),
            max_ack_pending: 100,
        };
        let found = judge(&consumer(), &limited, true);
        assert_eq!(
            attributes(&found),
            vec!["max_ack_pending", "inactive_threshold"]
        );
        assert!(found[0].detail.contains("exceeds system limit of 100"));
        assert!(found[1].detail.contains("must be set if it's configured"));
        let within_limits = ConsumerModel {
            max_ack_pending: Field::Known(-1),
            inactive_threshold: Field::Known(60),
            ..consumer()
        };
        assert_eq!(judge(&within_limits, &limited, true), vec![]);
        let too_idle = ConsumerModel {
            inactive_threshold: Field::Known(61),
            ..within_limits
        };
        let found = judge(&too_idle, &limited, true);
        assert!(found[0].detail.contains("exceeds system limit of 60s"));
    }
}
