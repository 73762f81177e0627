//! Combinations of consumer settings the server refuses, caught at plan time with the
//! attribute that has to change. Values not known yet are judged once they are.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn known<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .attr(name)
        .filter(|v| !v.is_null() && v.is_wholly_known())
}

fn is_true(config: &Value, name: &str) -> bool {
    known(config, name).and_then(Value::as_bool) == Some(true)
}

fn number(config: &Value, name: &str) -> Option<i64> {
    known(config, name)
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
}

fn positive(config: &Value, name: &str) -> bool {
    number(config, name).is_some_and(|n| n > 0)
}

fn non_empty_list(config: &Value, name: &str) -> bool {
    known(config, name)
        .and_then(Value::as_elements)
        .is_some_and(|items| !items.is_empty())
}

fn text<'a>(config: &'a Value, name: &str) -> Option<&'a str> {
    known(config, name).and_then(Value::as_str)
}

/// Settings only a pull consumer takes, and when each counts as set.
const PULL_ONLY: [&str; 6] = [
    "max_waiting",
    "max_batch",
    "max_expires",
    "max_bytes",
    "priority_groups",
    "priority_policy",
];

/// Settings only a push consumer takes.
const PUSH_ONLY: [&str; 4] = ["heartbeat", "flow_control", "delivery_group", "ratelimit"];

fn is_set(config: &Value, name: &str) -> bool {
    match name {
        "priority_groups" => non_empty_list(config, name),
        "priority_policy" => text(config, name).is_some_and(|p| p != "none"),
        "flow_control" => is_true(config, name),
        "delivery_group" => text(config, name).is_some(),
        _ => positive(config, name),
    }
}

pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let mut refuse = |attribute: &str, summary: &str, detail: String| {
        diagnostics.attribute_error(&AttributePath::attr(attribute), summary, detail);
    };
    let starts: Vec<&str> = [
        "deliver_all",
        "deliver_last",
        "deliver_new",
        "deliver_last_per_subject",
    ]
    .into_iter()
    .filter(|flag| is_true(config, flag))
    .chain(positive(config, "stream_sequence").then_some("stream_sequence"))
    .chain(text(config, "start_time").is_some().then_some("start_time"))
    .collect();
    if let [first, second, ..] = starts.as_slice() {
        refuse(
            second,
            "Two starting points",
            format!("`{first}` and `{second}` both say where the consumer starts; keep one."),
        );
    }
    if starts.is_empty() && known(config, "deliver_all").and_then(Value::as_bool) == Some(false) {
        refuse(
            "deliver_all",
            "No starting point",
            "`deliver_all = false` needs another `deliver_*` flag, `stream_sequence` or `start_time`; or leave it out to start at the first message.".into(),
        );
    }
    let filtered =
        known(config, "filter_subject").is_some() || non_empty_list(config, "filter_subjects");
    if is_true(config, "deliver_last_per_subject") && !filtered && config.is_wholly_known() {
        refuse(
            "deliver_last_per_subject",
            "deliver_last_per_subject needs a filter",
            "Set `filter_subject` or `filter_subjects`: the last message is found per filtered subject.".into(),
        );
    }
    if known(config, "filter_subject").is_some() && known(config, "filter_subjects").is_some() {
        refuse(
            "filter_subjects",
            "filter_subject and filter_subjects together",
            "Use `filter_subjects` for one or several subjects, or `filter_subject` for one; not both.".into(),
        );
    }
    if let Some(subjects) = known(config, "filter_subjects").and_then(Value::as_elements) {
        for (index, subject) in subjects.iter().enumerate() {
            if subjects[..index].contains(subject) {
                refuse(
                    "filter_subjects",
                    "Duplicate filter subject",
                    format!("{} is listed twice.", subject.as_str().unwrap_or_default()),
                );
            }
        }
    }
    for name in ["start_time", "pause_until"] {
        if let Some(time) = text(config, name) {
            if OffsetDateTime::parse(time, &Rfc3339).is_err() {
                refuse(
                    name,
                    "Invalid time",
                    format!("{time:?} is not an RFC 3339 time such as 2026-01-31T12:00:00Z."),
                );
            }
        }
    }
    let push = config.attr("delivery_subject").filter(|v| !v.is_null());
    match push {
        Some(subject) if subject.is_wholly_known() => {
            for name in PULL_ONLY.iter().filter(|n| is_set(config, n)) {
                refuse(
                    name,
                    "Pull consumer setting on a push consumer",
                    format!(
                        "`{name}` applies to pull consumers only; remove it or `delivery_subject`."
                    ),
                );
            }
        }
        Some(_) => {}
        None => {
            for name in PUSH_ONLY.iter().filter(|n| is_set(config, n)) {
                refuse(
                    name,
                    "Push consumer setting on a pull consumer",
                    format!("`{name}` applies to push consumers only; set `delivery_subject` or remove it."),
                );
            }
            if text(config, "ack_policy") == Some("flow_control") {
                refuse(
                    "ack_policy",
                    "Flow-control acks need a push consumer",
                    "`ack_policy = \"flow_control\"` needs `delivery_subject`, `flow_control = true` and a `heartbeat`.".into(),
                );
            }
        }
    }
    let no_heartbeat = config.attr("heartbeat").is_some_and(Value::is_null)
        || number(config, "heartbeat") == Some(0);
    if is_true(config, "flow_control") && no_heartbeat {
        refuse(
            "flow_control",
            "Flow control needs a heartbeat",
            "Set `heartbeat` (seconds) together with `flow_control = true`.".into(),
        );
    }
    for name in ["max_delivery", "max_ack_pending"] {
        if number(config, name) == Some(0) {
            refuse(
                name,
                "Zero is not a limit",
                format!("`{name} = 0` would be read back as the server's default; use `-1` for unlimited or a positive number."),
            );
        }
    }
    if let Some(backoff) = known(config, "backoff").and_then(Value::as_elements) {
        let steps = backoff.len() as i64;
        if let Some(max) = number(config, "max_delivery") {
            if steps > 0 && max != -1 && max <= steps {
                refuse(
                    "max_delivery",
                    "Fewer deliveries than backoff steps",
                    format!("`max_delivery` ({max}) must exceed the number of `backoff` steps ({steps})."),
                );
            }
        }
        let first = backoff
            .first()
            .and_then(Value::as_number)
            .and_then(|n| n.to_i64());
        if let (Some(first), Some(wait)) = (first, number(config, "ack_wait")) {
            if first != wait {
                refuse(
                    "ack_wait",
                    "ack_wait differs from the first backoff step",
                    format!("With `backoff`, the server waits the first step ({first}s) for an acknowledgement; leave `ack_wait` out or set it to {first}."),
                );
            }
        }
    }
    let policy = text(config, "priority_policy");
    let groups = non_empty_list(config, "priority_groups");
    if policy.is_some_and(|p| p != "none")
        && !groups
        && config.attr("priority_groups").is_some_and(Value::is_null)
    {
        refuse(
            "priority_policy",
            "Priority policy without groups",
            "`priority_policy` needs `priority_groups`.".into(),
        );
    }
    if groups
        && policy.is_none_or(|p| p == "none")
        && config
            .attr("priority_policy")
            .is_some_and(|v| v.is_null() || v.is_wholly_known())
    {
        refuse(
            "priority_groups",
            "Priority groups without a policy",
            "Set `priority_policy` (`overflow`, `pinned_client` or `prioritized`) for `priority_groups`.".into(),
        );
    }
    if positive(config, "priority_timeout") && policy != Some("pinned_client") {
        refuse(
            "priority_timeout",
            "priority_timeout needs pinned_client",
            "`priority_timeout` applies to `priority_policy = \"pinned_client\"` only.".into(),
        );
    }
}
