//! Each rule alone: what it refuses (at which attribute), what it lets through, and
//! that a value not known yet is never judged.

use super::*;
use crate::framework::diagnostics::Severity;
use crate::framework::value::AttributePath;

/// A pull consumer as the configuration reads with the schema's defaults.
fn pull() -> Model {
    Model {
        stream_id: Field::Known("S".into()),
        durable_name: Field::Known("C".into()),
        stream_sequence: Field::Known(0),
        ack_policy: Field::Known(AckPolicy::Explicit),
        max_delivery: Field::Known(-1),
        max_ack_pending: Field::Known(20000),
        heartbeat: Field::Known(0),
        flow_control: Field::Known(false),
        max_batch: Field::Known(0),
        max_expires: Field::Known(0),
        max_bytes: Field::Known(0),
        ratelimit: Field::Known(0),
        priority_policy: Field::Known(PriorityPolicy::None),
        priority_timeout: Field::Known(0),
        ..Model::default()
    }
}

fn push() -> Model {
    Model {
        delivery_subject: Field::Known("out".into()),
        ..pull()
    }
}

/// The attributes `rule` refuses `config` at.
fn refused(rule: &Rule<Model>, config: &Model) -> Vec<String> {
    rule.run(config)
        .iter()
        .map(|d| {
            assert_eq!(d.severity, Severity::Error, "{}: {}", rule.name, d.summary);
            d.path
                .as_ref()
                .map_or_else(|| "<none>".to_string(), AttributePath::to_string)
        })
        .collect()
}

fn passes(rule: &Rule<Model>, config: &Model) {
    assert_eq!(refused(rule, config), Vec::<String>::new(), "{}", rule.name);
}

#[test]
fn every_rule_passes_plain_pull_and_push_consumers() {
    for rule in RULES {
        passes(rule, &pull());
        passes(rule, &push());
    }
}

#[test]
fn one_start() {
    let two = Model {
        deliver_new: Field::Known(true),
        start_time: Field::Known("2026-01-01T00:00:00Z".into()),
        ..pull()
    };
    assert_eq!(refused(&ONE_START, &two), ["start_time"]);
    let unknown = Model {
        deliver_last: Field::Unknown,
        ..two.clone()
    };
    assert_eq!(refused(&ONE_START, &unknown), ["start_time"]);
    passes(
        &ONE_START,
        &Model {
            start_time: Field::Unknown,
            ..two
        },
    );
}

#[test]
fn deliver_all_false_names_another() {
    let alone = Model {
        deliver_all: Field::Known(false),
        ..pull()
    };
    assert_eq!(
        refused(&DELIVER_ALL_FALSE_NAMES_ANOTHER, &alone),
        ["deliver_all"]
    );
    passes(
        &DELIVER_ALL_FALSE_NAMES_ANOTHER,
        &Model {
            deliver_new: Field::Known(true),
            ..alone.clone()
        },
    );
    // Another start may still come from a value not known yet.
    passes(
        &DELIVER_ALL_FALSE_NAMES_ANOTHER,
        &Model {
            stream_sequence: Field::Unknown,
            ..alone
        },
    );
}

#[test]
fn last_per_subject_needs_filter() {
    let unfiltered = Model {
        deliver_last_per_subject: Field::Known(true),
        ..pull()
    };
    assert_eq!(
        refused(&LAST_PER_SUBJECT_NEEDS_FILTER, &unfiltered),
        ["deliver_last_per_subject"]
    );
    let empty = Model {
        filter_subjects: Field::Known(vec![]),
        ..unfiltered.clone()
    };
    assert_eq!(refused(&LAST_PER_SUBJECT_NEEDS_FILTER, &empty).len(), 1);
    for filter in [Field::Known("a".to_string()), Field::Unknown] {
        passes(
            &LAST_PER_SUBJECT_NEEDS_FILTER,
            &Model {
                filter_subject: filter,
                ..unfiltered.clone()
            },
        );
    }
    passes(
        &LAST_PER_SUBJECT_NEEDS_FILTER,
        &Model {
            filter_subjects: Field::Unknown,
            ..unfiltered
        },
    );
}

#[test]
fn one_filter_form_and_distinct_filters() {
    let both = Model {
        filter_subject: Field::Known("a".into()),
        filter_subjects: Field::Known(vec!["b".into()]),
        ..pull()
    };
    assert_eq!(refused(&ONE_FILTER_FORM, &both), ["filter_subjects"]);
    passes(
        &ONE_FILTER_FORM,
        &Model {
            filter_subjects: Field::Unknown,
            ..both
        },
    );
    let twice = Model {
        filter_subjects: Field::Known(vec!["a".into(), "b".into(), "a".into()]),
        ..pull()
    };
    assert_eq!(refused(&DISTINCT_FILTERS, &twice), ["filter_subjects"]);
    passes(
        &DISTINCT_FILTERS,
        &Model {
            filter_subjects: Field::Unknown,
            ..twice
        },
    );
}

#[test]
fn pull_and_push_settings_stay_on_their_kind() {
    let pull_settings = Model {
        max_waiting: Field::Known(5),
        priority_groups: Field::Known(vec!["g".into()]),
        priority_policy: Field::Known(PriorityPolicy::Overflow),
        ..push()
    };
    assert_eq!(
        refused(&PULL_SETTINGS_ON_PULL, &pull_settings),
        ["max_waiting", "priority_groups", "priority_policy"]
    );
    // Whether it is a push consumer is not known yet.
    passes(
        &PULL_SETTINGS_ON_PULL,
        &Model {
            delivery_subject: Field::Unknown,
            ..pull_settings
        },
    );
    let push_settings = Model {
        heartbeat: Field::Known(5),
        flow_control: Field::Known(true),
        delivery_group: Field::Known("q".into()),
        ratelimit: Field::Known(1000),
        ..pull()
    };
    assert_eq!(
        refused(&PUSH_SETTINGS_ON_PUSH, &push_settings),
        ["heartbeat", "flow_control", "delivery_group", "ratelimit"]
    );
    passes(
        &PUSH_SETTINGS_ON_PUSH,
        &Model {
            delivery_subject: Field::Unknown,
            ..push_settings
        },
    );
}

#[test]
fn flow_control_acks() {
    let on_pull = Model {
        ack_policy: Field::Known(AckPolicy::FlowControl),
        ..pull()
    };
    assert_eq!(refused(&FLOW_ACKS_NEED_PUSH, &on_pull), ["ack_policy"]);
    passes(
        &FLOW_ACKS_NEED_PUSH,
        &Model {
            ack_policy: Field::Unknown,
            ..on_pull
        },
    );
    let wrong = Model {
        ack_policy: Field::Known(AckPolicy::FlowControl),
        heartbeat: Field::Known(5),
        ack_wait: Field::Known(30),
        backoff: Field::Known(vec![30]),
        max_ack_pending: Field::Known(-1),
        max_delivery: Field::Known(3),
        ..push()
    };
    assert_eq!(
        refused(&FLOW_ACKS_SETTINGS, &wrong),
        [
            "heartbeat",
            "ack_wait",
            "backoff",
            "max_ack_pending",
            "max_delivery"
        ]
    );
    // What the server wants, written or left to the plan (heartbeat 0 = left out).
    let right = Model {
        ack_policy: Field::Known(AckPolicy::FlowControl),
        flow_control: Field::Known(true),
        heartbeat: Field::Known(1),
        ack_wait: Field::Known(0),
        ..push()
    };
    passes(&FLOW_ACKS_SETTINGS, &right);
    let left_out = Model {
        ack_policy: Field::Known(AckPolicy::FlowControl),
        ..push()
    };
    passes(&FLOW_ACKS_SETTINGS, &left_out);
    passes(&FLOW_CONTROL_NEEDS_HEARTBEAT, &left_out);
    passes(
        &FLOW_ACKS_SETTINGS,
        &Model {
            ack_policy: Field::Unknown,
            ..wrong
        },
    );
}

#[test]
fn flow_control_needs_heartbeat() {
    let no_heartbeat = Model {
        flow_control: Field::Known(true),
        ..push()
    };
    assert_eq!(
        refused(&FLOW_CONTROL_NEEDS_HEARTBEAT, &no_heartbeat),
        ["flow_control"]
    );
    for heartbeat in [Field::Known(5), Field::Unknown] {
        passes(
            &FLOW_CONTROL_NEEDS_HEARTBEAT,
            &Model {
                heartbeat,
                ..no_heartbeat.clone()
            },
        );
    }
}

#[test]
fn zero_is_not_a_limit() {
    let zeros = Model {
        max_delivery: Field::Known(0),
        max_ack_pending: Field::Known(0),
        ..pull()
    };
    assert_eq!(
        refused(&ZERO_IS_NOT_A_LIMIT, &zeros),
        ["max_delivery", "max_ack_pending"]
    );
    passes(
        &ZERO_IS_NOT_A_LIMIT,
        &Model {
            max_delivery: Field::Unknown,
            max_ack_pending: Field::Unknown,
            ..zeros
        },
    );
}

#[test]
fn backoff_rules() {
    let backoff = Model {
        backoff: Field::Known(vec![5, 10]),
        max_delivery: Field::Known(2),
        ack_wait: Field::Known(30),
        ..pull()
    };
    assert_eq!(
        refused(&BACKOFF_WITHIN_DELIVERIES, &backoff),
        ["max_delivery"]
    );
    assert_eq!(refused(&ACK_WAIT_IS_FIRST_BACKOFF, &backoff), ["ack_wait"]);
    // ack_wait left out follows the first step; unlimited deliveries exceed any count.
    let planned = Model {
        ack_wait: Field::Null,
        max_delivery: Field::Known(-1),
        ..backoff.clone()
    };
    passes(&BACKOFF_WITHIN_DELIVERIES, &planned);
    passes(&ACK_WAIT_IS_FIRST_BACKOFF, &planned);
    let unknown = Model {
        backoff: Field::Unknown,
        ..backoff
    };
    passes(&BACKOFF_WITHIN_DELIVERIES, &unknown);
    passes(&ACK_WAIT_IS_FIRST_BACKOFF, &unknown);
}

#[test]
fn priority_rules() {
    let policy_alone = Model {
        priority_policy: Field::Known(PriorityPolicy::PinnedClient),
        ..pull()
    };
    assert_eq!(
        refused(&POLICY_NEEDS_GROUPS, &policy_alone),
        ["priority_policy"]
    );
    passes(
        &POLICY_NEEDS_GROUPS,
        &Model {
            priority_groups: Field::Unknown,
            ..policy_alone
        },
    );
    let groups_alone = Model {
        priority_groups: Field::Known(vec!["g".into()]),
        ..pull()
    };
    assert_eq!(
        refused(&GROUPS_NEED_POLICY, &groups_alone),
        ["priority_groups"]
    );
    passes(
        &GROUPS_NEED_POLICY,
        &Model {
            priority_policy: Field::Unknown,
            ..groups_alone
        },
    );
    let timeout = Model {
        priority_groups: Field::Known(vec!["g".into()]),
        priority_policy: Field::Known(PriorityPolicy::Overflow),
        priority_timeout: Field::Known(5),
        ..pull()
    };
    assert_eq!(
        refused(&PIN_TIMEOUT_NEEDS_PINNED, &timeout),
        ["priority_timeout"]
    );
    for policy in [Field::Known(PriorityPolicy::PinnedClient), Field::Unknown] {
        passes(
            &PIN_TIMEOUT_NEEDS_PINNED,
            &Model {
                priority_policy: policy,
                ..timeout.clone()
            },
        );
    }
}
