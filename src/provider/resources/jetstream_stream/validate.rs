//! Combinations of stream settings nats-server refuses, caught at plan time with the
//! attribute that has to change and the server's own rule. Each rule is a named value
//! over the configuration (the schema's defaults filled in); a value not known yet is
//! judged once it is. Rules about `mirror` and `source` blocks are in `origins.rs`.

use super::model::{PersistModeWord, StreamModel};
use super::origins;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::AttributePath;
use crate::framework::{Field, Rule};
use crate::nats::jetstream::{DiscardPolicy, RetentionPolicy, StorageType};
use crate::provider::resources::jetstream::checks;
use crate::provider::rules::{subject_is_within, subjects_collide};

fn on(flag: &Field<bool>) -> bool {
    flag.is_known_and(|on| *on)
}

fn off(flag: &Field<bool>) -> bool {
    flag.is_known_and(|on| !*on)
}

fn refuse(out: &mut Diagnostics, attribute: &str, summary: &str, detail: String) {
    out.attribute_error(&AttributePath::attr(attribute), summary, detail);
}

pub const METADATA: Rule<StreamModel> = Rule::new(
    "metadata keys are the user's and fit the server's limit",
    |s, out| checks::metadata(&s.metadata, out),
);

pub const DESCRIPTION: Rule<StreamModel> =
    Rule::new("the description fits the server's limit", |s, out| {
        checks::description(&s.description, out)
    });

pub const DISTINCT_SUBJECTS: Rule<StreamModel> = Rule::new(
    "no subject is listed twice or overlaps another",
    |s, out| {
        let Some(subjects) = s.subjects.known() else {
            return;
        };
        for (index, subject) in subjects.iter().enumerate() {
            let path = AttributePath::attr("subjects").index(index);
            if let Some(earlier) = subjects[..index]
                .iter()
                .find(|e| subjects_collide(e, subject))
            {
                let detail = if earlier == subject {
                    format!("{subject} is listed twice.")
                } else {
                    format!(
                        "{subject} overlaps {earlier}: nats-server refuses subjects that match \
                         the same message (\"subject overlaps\")."
                    )
                };
                out.attribute_error(&path, "Overlapping subjects", detail);
            }
        }
    },
);

/// nats-server: capturing every subject needs `no_ack` and one replica; subjects in the
/// JetStream or system API space need `no_ack` (but for `$JS.EVENT.>`, `$SYS.ACCOUNT.>`).
pub const API_SUBJECTS_NEED_NO_ACK: Rule<StreamModel> =
    Rule::new("subjects in the API space need ack = false", |s, out| {
        let Some(subjects) = s.subjects.known() else {
            return;
        };
        let acked = on(&s.ack);
        for (index, subject) in subjects.iter().enumerate() {
            let path = AttributePath::attr("subjects").index(index);
            if subject == ">" {
                if acked {
                    out.attribute_error(
                        &path,
                        "Capturing every subject needs ack = false",
                        "nats-server: \"capturing all subjects requires no-ack to be true\". Set \
                         `ack = false`, or list narrower subjects.",
                    );
                }
                if s.replicas.is_known_and(|r| *r != 1) {
                    out.attribute_error(
                        &path,
                        "Capturing every subject needs one replica",
                        "nats-server: \"capturing all subjects requires replicas of 1\".",
                    );
                }
                continue;
            }
            let in_api = ["$JS.>", "$JSC.>", "$NRG.>"]
                .iter()
                .any(|api| subjects_collide(subject, api))
                && !subject_is_within(subject, "$JS.EVENT.>");
            let in_system = subjects_collide(subject, "$SYS.>")
                && !subject_is_within(subject, "$SYS.ACCOUNT.>");
            if (in_api || in_system) && acked {
                out.attribute_error(
                    &path,
                    "Subject in the API space needs ack = false",
                    format!(
                        "{subject} overlaps the {} API: nats-server requires `ack = false` for \
                         such subjects (\"subjects that overlap with {} api require no-ack to be \
                         true\").",
                        if in_api { "JetStream" } else { "system" },
                        if in_api { "jetstream" } else { "system" }
                    ),
                );
            }
        }
    });

pub const DISCARD_NEW_PER_SUBJECT: Rule<StreamModel> = Rule::new(
    "discard_new_per_subject needs discard new and a per-subject limit",
    |s, out| {
        if !on(&s.discard_new_per_subject) {
            return;
        }
        let not_new = s.discard.is_known_and(|d| *d != DiscardPolicy::New);
        let no_limit = s.max_msgs_per_subject.is_known_and(|n| *n <= 0);
        if not_new || no_limit {
            refuse(
                out,
                "discard_new_per_subject",
                "discard_new_per_subject needs discard = \"new\" and max_msgs_per_subject",
                "nats-server: \"discard new per subject requires discard new policy to be set\" \
                 and \"max msgs per subject > 0\". Set `discard = \"new\"` and a positive \
                 `max_msgs_per_subject`, or turn this off."
                    .into(),
            );
        }
    },
);

pub const WINDOW_WITHIN_MAX_AGE: Rule<StreamModel> = Rule::new(
    "the duplicate window is not longer than max_age",
    |s, out| {
        if let (Some(age), Some(window)) = (s.max_age.known(), s.duplicate_window.known()) {
            if *age > 0 && window > age {
                refuse(
                    out,
                    "duplicate_window",
                    "Duplicate window longer than max_age",
                    format!(
                        "`duplicate_window` ({window}s, 120 when left out) cannot exceed \
                         `max_age` ({age}s): nats-server refuses \"duplicates window can not be \
                         larger then max age\". Set `duplicate_window` to at most {age}."
                    ),
                );
            }
        }
    },
);

pub const ROLLUPS_NEED_PURGE: Rule<StreamModel> =
    Rule::new("roll-ups need purges allowed", |s, out| {
        if on(&s.deny_purge) && on(&s.allow_rollup_hdrs) {
            refuse(
                out,
                "allow_rollup_hdrs",
                "Roll-ups need purges",
                "nats-server: \"roll-ups require the purge permission\". Turn off `deny_purge` \
                 or `allow_rollup_hdrs`."
                    .into(),
            );
        }
    });

/// nats-server: a counter stream keeps limits retention and neither discards new
/// messages nor uses TTLs or schedules.
pub const COUNTER_LIMITS: Rule<StreamModel> = Rule::new(
    "a counter stream uses none of discard new, TTLs, schedules, other retention",
    |s, out| {
        if !on(&s.allow_msg_counter) {
            return;
        }
        let conflicts = [
            (
                s.discard.is_known_and(|d| *d == DiscardPolicy::New),
                "discard",
                "counter stream cannot use discard new",
            ),
            (
                on(&s.allow_msg_ttl),
                "allow_msg_ttl",
                "counter stream cannot use message TTLs",
            ),
            (
                on(&s.allow_msg_schedules),
                "allow_msg_schedules",
                "counter stream cannot use message schedules",
            ),
            (
                s.retention.is_known_and(|r| *r != RetentionPolicy::Limits),
                "retention",
                "counter stream can only use limits retention",
            ),
        ];
        for (conflict, attribute, rule) in conflicts {
            if conflict {
                refuse(
                    out,
                    attribute,
                    "Not allowed on a counter stream",
                    format!("nats-server: \"{rule}\" (`allow_msg_counter = true`)."),
                );
            }
        }
    },
);

pub const DELETE_MARKERS: Rule<StreamModel> =
    Rule::new("delete markers need message TTLs and roll-ups", |s, out| {
        if !s.subject_delete_marker_ttl.is_known_and(|ttl| *ttl > 0) {
            return;
        }
        if off(&s.allow_msg_ttl) {
            refuse(
                out,
                "subject_delete_marker_ttl",
                "Delete markers need per-message TTLs",
                "`subject_delete_marker_ttl` needs `allow_msg_ttl = true` (nats-server: \"subject \
                 delete marker cannot be set if message TTLs are disabled\")."
                    .into(),
            );
        }
        if off(&s.allow_rollup_hdrs) {
            refuse(
                out,
                "subject_delete_marker_ttl",
                "Delete markers need roll-ups",
                "`subject_delete_marker_ttl` needs `allow_rollup_hdrs = true` (nats-server: \
                 \"subject delete marker cannot be set if roll-ups are disabled\")."
                    .into(),
            );
        }
    });

pub const SCHEDULES: Rule<StreamModel> = Rule::new(
    "message schedules need roll-ups and discard old",
    |s, out| {
        if !on(&s.allow_msg_schedules) {
            return;
        }
        if s.discard.is_known_and(|d| *d == DiscardPolicy::New) {
            refuse(
                out,
                "allow_msg_schedules",
                "Schedules cannot discard new messages",
                "nats-server: \"message scheduling cannot use discard new\". Use `discard = \
                 \"old\"` or turn schedules off."
                    .into(),
            );
        }
        if off(&s.allow_rollup_hdrs) {
            refuse(
                out,
                "allow_msg_schedules",
                "Schedules need roll-ups",
                "`allow_msg_schedules` needs `allow_rollup_hdrs = true` (nats-server: \"message \
                 scheduling cannot be set if roll-ups are disabled\")."
                    .into(),
            );
        }
    },
);

pub const ASYNC_PERSIST: Rule<StreamModel> = Rule::new(
    "async persistence is for one file replica without atomic batches",
    |s, out| {
        if !s
            .persist_mode
            .is_known_and(|m| *m == PersistModeWord::Async)
        {
            return;
        }
        let conflicts = [
            (
                s.storage.is_known_and(|st| *st != StorageType::File),
                "storage",
                "async persist mode is only supported on file storage",
            ),
            (
                s.replicas.is_known_and(|r| *r > 1),
                "replicas",
                "async persist mode is not supported on replicated streams",
            ),
            (
                on(&s.allow_atomic),
                "allow_atomic",
                "async persist mode is not supported with atomic batch publish",
            ),
        ];
        for (conflict, attribute, rule) in conflicts {
            if conflict {
                refuse(
                    out,
                    attribute,
                    "Not allowed with persist_mode = \"async\"",
                    format!("nats-server: \"{rule}\"."),
                );
            }
        }
    },
);

pub const REPUBLISH: Rule<StreamModel> = Rule::new(
    "republishing has a destination outside the stream's subjects",
    |s, out| {
        let destination = s.republish_destination.known();
        if destination.is_none() && s.republish_destination.is_null() {
            let written = [
                ("republish_source", s.republish_source.is_known()),
                ("republish_headers_only", on(&s.republish_headers_only)),
            ];
            if let Some((attribute, _)) = written.iter().find(|(_, set)| *set) {
                refuse(
                    out,
                    attribute,
                    "Republish needs a destination",
                    "Set `republish_destination` (where stored messages are republished), or \
                     remove the other `republish_*` settings."
                        .into(),
                );
            }
        }
        let (Some(destination), Some(subjects)) = (destination, s.subjects.known()) else {
            return;
        };
        if let Some(subject) = subjects
            .iter()
            .find(|subject| subjects_collide(destination, subject))
        {
            refuse(
                out,
                "republish_destination",
                "Republishing into the stream's own subjects",
                format!(
                    "{destination} overlaps the stream's subject {subject}: every republished \
                     message would be stored again (nats-server: \"stream configuration for \
                     republish destination forms a cycle\")."
                ),
            );
        }
    },
);

pub const NO_PREFERRED_PLACEMENT: Rule<StreamModel> =
    Rule::new("no preferred server in the placement", |s, out| {
        if s.placement_preferred.is_known_and(|p| !p.is_empty()) {
            refuse(
                out,
                "placement_preferred",
                "Preferred placement is not accepted",
                "nats-server refuses a preferred server in a stream's placement on create and \
                 update (\"preferred server not permitted in placement\" (10052)); remove \
                 `placement_preferred` and use `placement_cluster` or `placement_tags`."
                    .into(),
            );
        }
    });

pub const RULES: &[Rule<StreamModel>] = &[
    METADATA,
    DESCRIPTION,
    DISTINCT_SUBJECTS,
    API_SUBJECTS_NEED_NO_ACK,
    DISCARD_NEW_PER_SUBJECT,
    WINDOW_WITHIN_MAX_AGE,
    ROLLUPS_NEED_PURGE,
    COUNTER_LIMITS,
    DELETE_MARKERS,
    SCHEDULES,
    ASYNC_PERSIST,
    REPUBLISH,
    NO_PREFERRED_PLACEMENT,
    origins::MIRROR_STORES_ITS_ORIGIN_ONLY,
    origins::SOURCES_WITHOUT_SCHEDULES,
    origins::START_AND_LOCATION,
    origins::FILTER_OR_TRANSFORMS,
    origins::DISTINCT_SOURCES,
    origins::DURABLE_CONSUMER,
];

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
