//! Combinations of consumer settings the server refuses, caught at plan time with the
//! attribute that has to change. Each rule reads the configuration as the model, with
//! the schema's defaults where a value is left out, and judges only what is known: an
//! unknown value is judged again once it is. One attribute's own values are checked by
//! its validators in `schema.rs`; rules against the stream on the server are in
//! `stream_rules.rs`.

use super::model::ConsumerModel;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::AttributePath;
use crate::framework::{Field, Rule};
use crate::nats::jetstream::{AckPolicy, PriorityPolicy};

type Model = ConsumerModel;

fn refuse(out: &mut Diagnostics, attribute: &str, summary: &str, detail: String) {
    out.attribute_error(&AttributePath::attr(attribute), summary, detail);
}

fn on(flag: &Field<bool>) -> bool {
    flag.is_known_and(|on| *on)
}

fn positive(number: &Field<i64>) -> bool {
    number.is_known_and(|n| *n > 0)
}

fn non_empty<T>(list: &Field<Vec<T>>) -> bool {
    list.is_known_and(|items| !items.is_empty())
}

/// Null, or a known empty list: no filter from this attribute.
fn no_list<T>(list: &Field<Vec<T>>) -> bool {
    list.is_null() || list.is_known_and(Vec::is_empty)
}

/// The starting points the configuration names, in the order of the schema.
fn starts(c: &Model) -> Vec<&'static str> {
    let flags = [
        ("deliver_all", &c.deliver_all),
        ("deliver_last", &c.deliver_last),
        ("deliver_new", &c.deliver_new),
        ("deliver_last_per_subject", &c.deliver_last_per_subject),
    ];
    flags
        .into_iter()
        .filter(|(_, flag)| on(flag))
        .map(|(name, _)| name)
        .chain(
            c.stream_sequence
                .is_known_and(|s| *s > 0)
                .then_some("stream_sequence"),
        )
        .chain(c.start_time.is_known().then_some("start_time"))
        .collect()
}

pub const ONE_START: Rule<Model> = Rule::new("at most one starting point", |c, out| {
    if let [first, second, ..] = starts(c).as_slice() {
        refuse(
            out,
            second,
            "Two starting points",
            format!("`{first}` and `{second}` both say where the consumer starts; keep one."),
        );
    }
});

pub const DELIVER_ALL_FALSE_NAMES_ANOTHER: Rule<Model> = Rule::new(
    "`deliver_all = false` comes with another starting point",
    |c, out| {
        let others_decided = [&c.deliver_last, &c.deliver_new, &c.deliver_last_per_subject]
            .iter()
            .all(|flag| !flag.is_unknown())
            && !c.stream_sequence.is_unknown()
            && !c.start_time.is_unknown();
        if c.deliver_all.is_known_and(|all| !*all) && others_decided && starts(c).is_empty() {
            refuse(
                out,
                "deliver_all",
                "No starting point",
                "`deliver_all = false` needs another `deliver_*` flag, `stream_sequence` or `start_time`; or leave it out to start at the first message.".into(),
            );
        }
    },
);

pub const LAST_PER_SUBJECT_NEEDS_FILTER: Rule<Model> = Rule::new(
    "deliver_last_per_subject needs a filter",
    |c, out| {
        if on(&c.deliver_last_per_subject)
            && c.filter_subject.is_null()
            && no_list(&c.filter_subjects)
        {
            refuse(
                out,
                "deliver_last_per_subject",
                "deliver_last_per_subject needs a filter",
                "Set `filter_subject` or `filter_subjects`: the last message is found per filtered subject.".into(),
            );
        }
    },
);

pub const ONE_FILTER_FORM: Rule<Model> = Rule::new(
    "filter_subject or filter_subjects, not both",
    |c, out| {
        if c.filter_subject.is_known() && c.filter_subjects.is_known() {
            refuse(
                out,
                "filter_subjects",
                "filter_subject and filter_subjects together",
                "Use `filter_subjects` for one or several subjects, or `filter_subject` for one; not both.".into(),
            );
        }
    },
);

pub const DISTINCT_FILTERS: Rule<Model> = Rule::new("no filter subject twice", |c, out| {
    let Some(subjects) = c.filter_subjects.known() else {
        return;
    };
    for (index, subject) in subjects.iter().enumerate() {
        if subjects[..index].contains(subject) {
            refuse(
                out,
                "filter_subjects",
                "Duplicate filter subject",
                format!("{subject} is listed twice."),
            );
        }
    }
});

/// Settings only a pull consumer takes, each with whether the configuration sets it.
fn pull_only(c: &Model) -> [(&'static str, bool); 6] {
    [
        ("max_waiting", positive(&c.max_waiting)),
        ("max_batch", positive(&c.max_batch)),
        ("max_expires", positive(&c.max_expires)),
        ("max_bytes", positive(&c.max_bytes)),
        ("priority_groups", non_empty(&c.priority_groups)),
        (
            "priority_policy",
            c.priority_policy.is_known_and(|p| !p.is_none()),
        ),
    ]
}

/// Settings only a push consumer takes, each with whether the configuration sets it.
fn push_only(c: &Model) -> [(&'static str, bool); 4] {
    [
        ("heartbeat", positive(&c.heartbeat)),
        ("flow_control", on(&c.flow_control)),
        ("delivery_group", c.delivery_group.is_known()),
        ("ratelimit", c.ratelimit.is_known_and(|r| *r > 0)),
    ]
}

pub const PULL_SETTINGS_ON_PULL: Rule<Model> =
    Rule::new("pull settings only on a pull consumer", |c, out| {
        if !c.delivery_subject.is_known() {
            return;
        }
        for (name, _) in pull_only(c).into_iter().filter(|(_, set)| *set) {
            refuse(
                out,
                name,
                "Pull consumer setting on a push consumer",
                format!(
                    "`{name}` applies to pull consumers only; remove it or `delivery_subject`."
                ),
            );
        }
    });

pub const PUSH_SETTINGS_ON_PUSH: Rule<Model> =
    Rule::new("push settings only on a push consumer", |c, out| {
        if !c.delivery_subject.is_null() {
            return;
        }
        for (name, _) in push_only(c).into_iter().filter(|(_, set)| *set) {
            refuse(
                out,
                name,
                "Push consumer setting on a pull consumer",
                format!(
                    "`{name}` applies to push consumers only; set `delivery_subject` or remove it."
                ),
            );
        }
    });

fn flow_acks(c: &Model) -> bool {
    c.ack_policy.is_known_and(|p| *p == AckPolicy::FlowControl)
}

pub const FLOW_ACKS_NEED_PUSH: Rule<Model> = Rule::new(
    "flow-control acks need a push consumer",
    |c, out| {
        if flow_acks(c) && c.delivery_subject.is_null() {
            refuse(
                out,
                "ack_policy",
                "Flow-control acks need a push consumer",
                "`ack_policy = \"flow_control\"` needs `delivery_subject`, `flow_control = true` and a `heartbeat`.".into(),
            );
        }
    },
);

/// nats-server's rules for `ack_policy = "flow_control"` (`checkConsumerCfg`), for
/// what the configuration writes; what it leaves out is planned as the server wants.
pub const FLOW_ACKS_SETTINGS: Rule<Model> = Rule::new(
    "flow-control acks take the settings the server requires",
    |c, out| {
        if !flow_acks(c) {
            return;
        }
        let summary = "Setting refused with flow-control acks";
        if c.heartbeat.is_known_and(|h| *h != 0 && *h != 1) {
            refuse(out, "heartbeat", summary, "With `ack_policy = \"flow_control\"` the heartbeat must be 1 second; set `heartbeat = 1` or leave it out. nats-server refuses it: \"flow control ack policy heartbeat needs to be 1s\".".into());
        }
        if c.ack_wait.is_known_and(|w| *w != 0) {
            refuse(out, "ack_wait", summary, "With `ack_policy = \"flow_control\"` acknowledgements follow flow control, so `ack_wait` must be 0; leave it out.".into());
        }
        if non_empty(&c.backoff) {
            refuse(out, "backoff", summary, "With `ack_policy = \"flow_control\"` there is no redelivery schedule; remove `backoff`.".into());
        }
        if c.max_ack_pending.is_known_and(|m| *m <= 0) {
            refuse(out, "max_ack_pending", summary, "With `ack_policy = \"flow_control\"` delivery is paced by `max_ack_pending`, which must be above 0.".into());
        }
        if positive(&c.max_delivery) {
            refuse(out, "max_delivery", summary, "With `ack_policy = \"flow_control\"` deliveries are not limited; leave `max_delivery` out (-1).".into());
        }
    },
);

pub const FLOW_CONTROL_NEEDS_HEARTBEAT: Rule<Model> =
    Rule::new("flow control needs a heartbeat", |c, out| {
        // With flow-control acks a heartbeat left out is planned as 1.
        if on(&c.flow_control) && c.heartbeat.is_known_and(|h| *h == 0) && !flow_acks(c) {
            refuse(
                out,
                "flow_control",
                "Flow control needs a heartbeat",
                "Set `heartbeat` (seconds) together with `flow_control = true`.".into(),
            );
        }
    });

pub const ZERO_IS_NOT_A_LIMIT: Rule<Model> = Rule::new(
    "max_delivery and max_ack_pending are not 0",
    |c, out| {
        for (name, value) in [
            ("max_delivery", &c.max_delivery),
            ("max_ack_pending", &c.max_ack_pending),
        ] {
            if value.is_known_and(|n| *n == 0) {
                refuse(
                    out,
                    name,
                    "Zero is not a limit",
                    format!("`{name} = 0` would be read back as the server's default; use `-1` for unlimited or a positive number."),
                );
            }
        }
    },
);

pub const BACKOFF_WITHIN_DELIVERIES: Rule<Model> =
    Rule::new("more deliveries than backoff steps", |c, out| {
        let (Some(backoff), Some(max)) = (c.backoff.known(), c.max_delivery.known()) else {
            return;
        };
        let steps = backoff.len() as i64;
        if steps > 0 && *max != -1 && *max <= steps {
            refuse(
                out,
                "max_delivery",
                "Fewer deliveries than backoff steps",
                format!(
                    "`max_delivery` ({max}) must exceed the number of `backoff` steps ({steps})."
                ),
            );
        }
    });

pub const ACK_WAIT_IS_FIRST_BACKOFF: Rule<Model> = Rule::new(
    "ack_wait, when written with backoff, is its first step",
    |c, out| {
        let first = c.backoff.known().and_then(|steps| steps.first());
        if let (Some(first), Some(wait)) = (first, c.ack_wait.known()) {
            if first != wait {
                refuse(
                    out,
                    "ack_wait",
                    "ack_wait differs from the first backoff step",
                    format!("With `backoff`, the server waits the first step ({first}s) for an acknowledgement; leave `ack_wait` out or set it to {first}."),
                );
            }
        }
    },
);

pub const POLICY_NEEDS_GROUPS: Rule<Model> =
    Rule::new("a priority policy needs priority groups", |c, out| {
        if c.priority_policy.is_known_and(|p| !p.is_none()) && c.priority_groups.is_null() {
            refuse(
                out,
                "priority_policy",
                "Priority policy without groups",
                "`priority_policy` needs `priority_groups`.".into(),
            );
        }
    });

pub const GROUPS_NEED_POLICY: Rule<Model> = Rule::new(
    "priority groups need a priority policy",
    |c, out| {
        if non_empty(&c.priority_groups) && c.priority_policy.is_known_and(PriorityPolicy::is_none)
        {
            refuse(
                out,
                "priority_groups",
                "Priority groups without a policy",
                "Set `priority_policy` (`overflow`, `pinned_client` or `prioritized`) for `priority_groups`.".into(),
            );
        }
    },
);

pub const PIN_TIMEOUT_NEEDS_PINNED: Rule<Model> =
    Rule::new("priority_timeout only with pinned_client", |c, out| {
        let pinned = c.priority_policy.known() == Some(&PriorityPolicy::PinnedClient);
        if positive(&c.priority_timeout) && !pinned && !c.priority_policy.is_unknown() {
            refuse(
                out,
                "priority_timeout",
                "priority_timeout needs pinned_client",
                "`priority_timeout` applies to `priority_policy = \"pinned_client\"` only.".into(),
            );
        }
    });

pub const RULES: &[Rule<Model>] = &[
    ONE_START,
    DELIVER_ALL_FALSE_NAMES_ANOTHER,
    LAST_PER_SUBJECT_NEEDS_FILTER,
    ONE_FILTER_FORM,
    DISTINCT_FILTERS,
    PULL_SETTINGS_ON_PULL,
    PUSH_SETTINGS_ON_PUSH,
    FLOW_ACKS_NEED_PUSH,
    FLOW_ACKS_SETTINGS,
    FLOW_CONTROL_NEEDS_HEARTBEAT,
    ZERO_IS_NOT_A_LIMIT,
    BACKOFF_WITHIN_DELIVERIES,
    ACK_WAIT_IS_FIRST_BACKOFF,
    POLICY_NEEDS_GROUPS,
    GROUPS_NEED_POLICY,
    PIN_TIMEOUT_NEEDS_PINNED,
];

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
