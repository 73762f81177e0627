//! Combinations of stream settings the server refuses, caught at plan time with the
//! attribute that has to change. Values not known yet are judged once they are.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};

fn known<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .attr(name)
        .filter(|v| !v.is_null() && v.is_wholly_known())
}

/// The value that will apply: the configured one, or `default` when left out;
/// `None` while it is not known.
fn effective(config: &Value, name: &str, default: Value) -> Option<Value> {
    match config.attr(name) {
        None | Some(Value::Null) => Some(default),
        Some(value) if value.is_wholly_known() => Some(value.clone()),
        Some(_) => None,
    }
}

fn is_true(config: &Value, name: &str) -> bool {
    known(config, name).and_then(Value::as_bool) == Some(true)
}

fn number(config: &Value, name: &str) -> Option<i64> {
    known(config, name)
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
}

fn blocks<'a>(config: &'a Value, name: &str) -> &'a [Value] {
    config
        .attr(name)
        .and_then(Value::as_elements)
        .unwrap_or(&[])
}

pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let mut refuse = |attribute: AttributePath, summary: &str, detail: String| {
        diagnostics.attribute_error(&attribute, summary, detail);
    };
    let is_mirror = !blocks(config, "mirror").is_empty();
    if is_mirror {
        if known(config, "subjects")
            .and_then(Value::as_elements)
            .is_some_and(|s| !s.is_empty())
        {
            refuse(
                AttributePath::attr("subjects"),
                "A mirror takes no subjects",
                "A mirror stores exactly what its origin stores; remove `subjects` or the `mirror` block.".into(),
            );
        }
        if !blocks(config, "source").is_empty() {
            refuse(
                AttributePath::attr("source").index(0),
                "A mirror takes no sources",
                "A stream is either a mirror of one stream or sources from others, not both."
                    .into(),
            );
        }
        if number(config, "first_seq").is_some_and(|n| n > 0) {
            refuse(
                AttributePath::attr("first_seq"),
                "A mirror cannot set first_seq",
                "A mirror's sequence numbers are its origin's.".into(),
            );
        }
        for setting in ["allow_msg_counter", "allow_atomic", "allow_msg_schedules"] {
            if is_true(config, setting) {
                refuse(
                    AttributePath::attr(setting),
                    "Not allowed on a mirror",
                    format!("`{setting}` cannot be turned on for a mirror: a mirror accepts no publishes of its own."),
                );
            }
        }
    }
    if is_true(config, "discard_new_per_subject") {
        let discard = effective(config, "discard", Value::string("old"));
        let per_subject = effective(config, "max_msgs_per_subject", Value::from(-1));
        if let (Some(discard), Some(per_subject)) = (discard, per_subject) {
            let per_subject = per_subject
                .as_number()
                .and_then(|n| n.to_i64())
                .unwrap_or(-1);
            if discard.as_str() != Some("new") || per_subject <= 0 {
                refuse(
                    AttributePath::attr("discard_new_per_subject"),
                    "discard_new_per_subject needs discard = \"new\" and max_msgs_per_subject",
                    "Set `discard = \"new\"` and a positive `max_msgs_per_subject`, or turn this off.".into(),
                );
            }
        }
    }
    if number(config, "subject_delete_marker_ttl").is_some_and(|n| n > 0)
        && effective(config, "allow_msg_ttl", Value::Bool(false)) == Some(Value::Bool(false))
    {
        refuse(
            AttributePath::attr("subject_delete_marker_ttl"),
            "Delete markers need per-message TTLs",
            "`subject_delete_marker_ttl` needs `allow_msg_ttl = true`.".into(),
        );
    }
    // Point at what was written: the destination is the attribute that is missing.
    let republish_written = ["republish_source", "republish_headers_only"]
        .into_iter()
        .find(|name| known(config, name).is_some_and(|v| v.as_bool() != Some(false)));
    let destination_missing = config
        .attr("republish_destination")
        .is_some_and(Value::is_null);
    if let (Some(written), true) = (republish_written, destination_missing) {
        refuse(
            AttributePath::attr(written),
            "Republish needs a destination",
            "Set `republish_destination` (where stored messages are republished), or remove the other `republish_*` settings.".into(),
        );
    }
    if let (Some(max_age), Some(window)) = (
        number(config, "max_age"),
        number(config, "duplicate_window"),
    ) {
        if max_age > 0 && window > max_age {
            refuse(
                AttributePath::attr("duplicate_window"),
                "Duplicate window longer than max_age",
                format!("`duplicate_window` ({window}s) cannot exceed `max_age` ({max_age}s)."),
            );
        }
    }
    if known(config, "placement_preferred").is_some() {
        refuse(
            AttributePath::attr("placement_preferred"),
            "Preferred placement is not accepted",
            "nats-server 2.15 refuses a preferred server in a stream's placement on create and update \
             (NATS error 10052); remove `placement_preferred` and use `placement_cluster` or `placement_tags`."
                .into(),
        );
    }
    if let Some(subjects) = known(config, "subjects").and_then(Value::as_elements) {
        for (index, subject) in subjects.iter().enumerate() {
            if subjects[..index].contains(subject) {
                refuse(
                    AttributePath::attr("subjects").index(index),
                    "Duplicate subject",
                    format!("{} is listed twice.", subject.as_str().unwrap_or_default()),
                );
            }
        }
    }
    for kind in ["mirror", "source"] {
        for (index, origin) in blocks(config, kind).iter().enumerate() {
            let path = AttributePath::attr(kind).index(index);
            if known(origin, "domain").is_some() && !blocks(origin, "external").is_empty() {
                refuse(
                    path.child("domain"),
                    "domain and external together",
                    "`domain` is turned into `external { api = \"$JS.<domain>.API\" }`: set one of them.".into(),
                );
            }
            if known(origin, "start_seq").is_some() && known(origin, "start_time").is_some() {
                refuse(
                    path.child("start_time"),
                    "start_seq and start_time together",
                    "Start either at a sequence or at a time.".into(),
                );
            }
            if let Some(time) = known(origin, "start_time").and_then(Value::as_str) {
                if time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339)
                    .is_err()
                {
                    refuse(
                        path.child("start_time"),
                        "Invalid start_time",
                        format!("{time:?} is not an RFC 3339 time such as 2026-01-31T12:00:00Z."),
                    );
                }
            }
        }
    }
}
