//! The server's rules on `mirror` and `source` blocks, at plan time: what a mirror
//! cannot be, how an origin says where it starts and lives, filters against
//! transforms, sources given twice, and sourcing through an existing durable consumer.

use super::model::{Origin, StreamModel};
use crate::framework::value::AttributePath;
use crate::framework::{Field, Rule};
use crate::nats::jetstream::api_prefix;
use crate::provider::resources::jetstream::checks::{self, OriginStart};
use crate::provider::rules::{check_name, check_subject, subject_is_within, subjects_collide};

/// Every `mirror` and `source` block with its path.
fn origins(s: &StreamModel) -> impl Iterator<Item = (AttributePath, &Origin)> {
    let mirrors = s
        .mirror
        .iter()
        .enumerate()
        .map(|(i, o)| (AttributePath::attr("mirror").index(i), o));
    let sources = s
        .source
        .iter()
        .enumerate()
        .map(|(i, o)| (AttributePath::attr("source").index(i), o));
    mirrors.chain(sources)
}

fn is_mirror(path: &AttributePath) -> bool {
    path.steps().first() == AttributePath::attr("mirror").steps().first()
}

fn on(flag: &Field<bool>) -> bool {
    flag.is_known_and(|on| *on)
}

/// nats-server: a mirror stores exactly what its origin stores, so it takes no
/// subjects, sources, first sequence, publish features or delete markers of its own.
pub const MIRROR_STORES_ITS_ORIGIN_ONLY: Rule<StreamModel> = Rule::new(
    "a mirror has nothing of its own",
    |s, out| {
        if s.mirror.is_empty() {
            return;
        }
        let mut refuse = |attribute: AttributePath, summary: &str, detail: String| {
            out.attribute_error(&attribute, summary, detail);
        };
        if s.subjects.is_known_and(|subjects| !subjects.is_empty()) {
            refuse(
                AttributePath::attr("subjects"),
                "A mirror takes no subjects",
                "A mirror stores exactly what its origin stores; remove `subjects` or the `mirror` block.".into(),
            );
        }
        if !s.source.is_empty() {
            refuse(
                AttributePath::attr("source").index(0),
                "A mirror takes no sources",
                "A stream is either a mirror of one stream or sources from others, not both."
                    .into(),
            );
        }
        if s.first_seq.is_known_and(|n| *n > 0) {
            refuse(
                AttributePath::attr("first_seq"),
                "A mirror cannot set first_seq",
                "A mirror's sequence numbers are its origin's.".into(),
            );
        }
        let publishing = [
            ("allow_msg_counter", &s.allow_msg_counter),
            ("allow_atomic", &s.allow_atomic),
            ("allow_msg_schedules", &s.allow_msg_schedules),
            ("allow_batched", &s.allow_batched),
        ];
        for (setting, flag) in publishing {
            if on(flag) {
                refuse(
                    AttributePath::attr(setting),
                    "Not allowed on a mirror",
                    format!("`{setting}` cannot be turned on for a mirror: a mirror accepts no publishes of its own."),
                );
            }
        }
        if s.subject_delete_marker_ttl.is_known_and(|ttl| *ttl > 0) {
            refuse(
                AttributePath::attr("subject_delete_marker_ttl"),
                "Not allowed on a mirror",
                "nats-server: \"subject delete markers forbidden on mirrors\" (they would use sequence numbers the origin does not have).".into(),
            );
        }
    },
);

pub const SOURCES_WITHOUT_SCHEDULES: Rule<StreamModel> = Rule::new(
    "a stream with sources has no message schedules",
    |s, out| {
        if !s.source.is_empty() && on(&s.allow_msg_schedules) {
            out.attribute_error(
                &AttributePath::attr("allow_msg_schedules"),
                "Not allowed with sources",
                "nats-server: \"stream source can not also schedule messages\" (10187).",
            );
        }
    },
);

pub const START_AND_LOCATION: Rule<StreamModel> = Rule::new(
    "each origin starts one way and lives in one place",
    |s, out| {
        for (path, origin) in origins(s) {
            let start = OriginStart {
                path,
                domain: &origin.domain,
                external_blocks: origin.external.len(),
                start_seq: &origin.start_seq,
                start_time: &origin.start_time,
            };
            checks::origin_start(&start, out);
        }
    },
);

/// nats-server: an origin filters by `filter_subject` or by `subject_transform`
/// sources, not both, and the transforms' sources do not overlap.
pub const FILTER_OR_TRANSFORMS: Rule<StreamModel> = Rule::new(
    "an origin filters one way, without overlaps",
    |s, out| {
        for (path, origin) in origins(s) {
            if origin.filter_subject.is_known() && !origin.subject_transform.is_empty() {
                out.attribute_error(
                    &path.child("filter_subject"),
                    "filter_subject and subject_transform together",
                    "nats-server refuses both on one origin (\"... with multiple subject transforms \
                     cannot also have a single subject filter\"): filter with the transforms' \
                     `source` subjects instead.",
                );
            }
            let sources: Vec<(usize, &String)> = origin
                .subject_transform
                .iter()
                .enumerate()
                .filter_map(|(i, t)| t.source.known().map(|s| (i, s)))
                .collect();
            // A mirror's filters may not collide at all, a source's not contain one another.
            let mirror = is_mirror(&path);
            let overlap = |a: &str, b: &str| {
                if mirror {
                    subjects_collide(a, b)
                } else {
                    subject_is_within(a, b) || subject_is_within(b, a)
                }
            };
            for (i, a) in &sources {
                if let Some((_, b)) = sources.iter().find(|(j, b)| j < i && overlap(a, b)) {
                    out.attribute_error(
                        &path.child("subject_transform").index(*i).child("source"),
                        "Overlapping transform sources",
                        format!("{a} overlaps {b}: nats-server refuses overlapping filters on one origin (\"source filters can not overlap\")."),
                    );
                }
            }
        }
    },
);

/// What makes two sources the same to the server: the origin stream, where it lives,
/// the consumer read through and what is filtered.
fn source_identity(origin: &Origin) -> Option<String> {
    let name = origin.name.known()?;
    let api = match (origin.domain.known(), origin.external.first()) {
        (Some(domain), _) => api_prefix(Some(domain)),
        (None, Some(external)) => external.api.known()?.clone(),
        (None, None) => String::new(),
    };
    let consumer = origin
        .consumer
        .first()
        .and_then(|c| c.name.known().cloned())
        .unwrap_or_default();
    let filter = match origin.filter_subject.known() {
        Some(filter) => filter.clone(),
        None if origin.subject_transform.is_empty() => ">".into(),
        None => origin
            .subject_transform
            .iter()
            .map(|t| Some(format!("{}>{}", t.source.known()?, t.destination.known()?)))
            .collect::<Option<Vec<_>>>()?
            .join(" "),
    };
    Some(format!("{name} {api} {consumer} {filter}"))
}

pub const DISTINCT_SOURCES: Rule<StreamModel> = Rule::new("no source is given twice", |s, out| {
    let identities: Vec<Option<String>> = s.source.iter().map(source_identity).collect();
    for (index, identity) in identities.iter().enumerate() {
        if identity.is_some() && identities[..index].contains(identity) {
            out.attribute_error(
                &AttributePath::attr("source").index(index),
                "Source given twice",
                "Another `source` block names the same stream, place and filter: nats-server \
                     refuses it (\"duplicate source configuration detected\" (10140)).",
            );
        }
    }
});

/// Sourcing through an existing durable push consumer of the origin (nats-server 2.14+):
/// a valid consumer name and a literal deliver subject; the consumer decides where to
/// start and what to filter, so the origin sets none of that; one consumer serves one
/// source.
pub const DURABLE_CONSUMER: Rule<StreamModel> = Rule::new(
    "an origin read through a durable consumer",
    |s, out| {
        let mut used: Vec<(String, String)> = Vec::new();
        for (path, origin) in origins(s) {
            let Some(consumer) = origin.consumer.first() else {
                continue;
            };
            let at = path.child("consumer").index(0);
            if let Some(Err(problem)) = consumer.name.known().map(|n| check_name(n)) {
                out.attribute_error(&at.child("name"), "Invalid consumer name", format!("{problem}: a durable consumer name without white space, `.`, `*`, `>`, `/` or `\\`."));
            }
            if let Some(subject) = consumer.deliver_subject.known() {
                let literal = check_subject(subject).is_ok()
                    && !subject.split('.').any(|t| t == "*" || t == ">");
                if !literal {
                    out.attribute_error(&at.child("deliver_subject"), "Invalid deliver subject", format!("{subject:?}: the consumer's deliver subject must be a literal subject, without wildcards."));
                }
            }
            let elsewhere = [
                ("start_seq", origin.start_seq.is_known()),
                ("start_time", origin.start_time.is_known()),
                ("filter_subject", origin.filter_subject.is_known()),
            ];
            let server_says = if is_mirror(&path) {
                "\"stream mirror consumer config is invalid\" (10213)"
            } else {
                "\"stream source consumer config is invalid\" (10215)"
            };
            for (attribute, set) in elsewhere {
                if set {
                    out.attribute_error(
                        &path.child(attribute),
                        "Set on the consumer, not the origin",
                        format!("An origin read through a durable consumer takes no `{attribute}`: the consumer decides where to start and what to deliver (nats-server: {server_says})."),
                    );
                }
            }
            if let (Some(identity), Some(name)) = (
                source_identity(&Origin {
                    consumer: Vec::new(),
                    filter_subject: Field::Null,
                    subject_transform: Vec::new(),
                    ..origin.clone()
                }),
                consumer.name.known(),
            ) {
                let key = (identity, name.clone());
                if used.contains(&key) {
                    out.attribute_error(&at.child("name"), "Consumer used by two sources", format!("Consumer {name} already serves another source of the same stream: nats-server refuses to reuse it (\"duplicate stream source consumer detected\" (10216))."));
                }
                used.push(key);
            }
        }
    },
);
