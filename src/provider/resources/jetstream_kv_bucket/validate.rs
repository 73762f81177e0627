//! Combinations of bucket settings the server refuses, caught at plan time with the
//! attribute that has to change; each rule a named value over the configuration (the
//! schema's defaults filled in), judged once the values it needs are known.

use super::convert::own_subjects;
use super::model::KvBucketModel;
use crate::framework::value::AttributePath;
use crate::framework::Rule;
use crate::provider::resources::jetstream::checks::{self, OriginStart};
use crate::provider::rules::subjects_collide;

pub const METADATA: Rule<KvBucketModel> = Rule::new(
    "metadata keys are the user's and fit the server's limit",
    |b, out| checks::metadata(&b.metadata, out),
);

pub const DESCRIPTION: Rule<KvBucketModel> =
    Rule::new("the description fits the server's limit", |b, out| {
        checks::description(&b.description, out)
    });

pub const MIRROR_OR_SOURCES: Rule<KvBucketModel> =
    Rule::new("a mirror takes no sources", |b, out| {
        if !b.mirror.is_empty() && !b.source.is_empty() {
            out.attribute_error(
                &AttributePath::attr("source").index(0),
                "A mirror takes no sources",
                "A bucket is either a mirror of one bucket or sources keys from others, not both.",
            );
        }
    });

pub const REPUBLISH: Rule<KvBucketModel> = Rule::new(
    "republishing has a destination outside the bucket",
    |b, out| {
        // Point at what was written: the destination is the attribute that is missing.
        let written = [
            ("republish_source", b.republish_source.is_known()),
            (
                "republish_headers_only",
                b.republish_headers_only.is_known_and(|only| *only),
            ),
        ];
        let written = written.iter().find(|(_, set)| *set).map(|(name, _)| *name);
        if let (Some(attribute), true) = (written, b.republish_destination.is_null()) {
            out.attribute_error(
                &AttributePath::attr(attribute),
                "Republish needs a destination",
                "Set `republish_destination` (where written values are republished), or remove \
                 the other `republish_*` settings.",
            );
        }
        if let (Some(destination), Some(name)) = (b.republish_destination.known(), b.name.known()) {
            let own = own_subjects(name);
            if subjects_collide(destination, &own) {
                out.attribute_error(
                    &AttributePath::attr("republish_destination"),
                    "Republishing into the bucket itself",
                    format!(
                        "{destination} overlaps the bucket's own subjects {own}: every republished \
                         value would be written again (nats-server: \"stream configuration for \
                         republish destination forms a cycle\")."
                    ),
                );
            }
        }
    },
);

pub const START_AND_LOCATION: Rule<KvBucketModel> = Rule::new(
    "each origin starts one way and lives in one place",
    |b, out| {
        let blocks = [("mirror", &b.mirror), ("source", &b.source)];
        for (kind, origins) in blocks {
            for (index, origin) in origins.iter().enumerate() {
                let start = OriginStart {
                    path: AttributePath::attr(kind).index(index),
                    domain: &origin.domain,
                    external_blocks: origin.external.len(),
                    start_seq: &origin.start_seq,
                    start_time: &origin.start_time,
                };
                checks::origin_start(&start, out);
            }
        }
    },
);

pub const RULES: &[Rule<KvBucketModel>] = &[
    METADATA,
    DESCRIPTION,
    MIRROR_OR_SOURCES,
    REPUBLISH,
    START_AND_LOCATION,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::Field::{Known, Unknown};
    use crate::provider::resources::jetstream::origin::External;
    use crate::provider::resources::jetstream_kv_bucket::model::Origin;
    use std::collections::BTreeMap;

    fn bucket() -> KvBucketModel {
        KvBucketModel {
            name: Known("config".into()),
            republish_headers_only: Known(false),
            ..KvBucketModel::default()
        }
    }

    fn paths(rule: &Rule<KvBucketModel>, config: &KvBucketModel) -> Vec<String> {
        rule.run(config)
            .iter()
            .map(|d| d.path.as_ref().map(ToString::to_string).unwrap_or_default())
            .collect()
    }

    #[test]
    fn a_plain_bucket_passes_and_unknown_values_wait() {
        for rule in RULES {
            assert!(rule.run(&bucket()).is_empty(), "{}", rule.name);
        }
        let unknown = KvBucketModel {
            name: Unknown,
            metadata: Unknown,
            description: Unknown,
            republish_source: Unknown,
            republish_destination: Unknown,
            republish_headers_only: Unknown,
            source: vec![Origin {
                name: Unknown,
                domain: Unknown,
                start_seq: Unknown,
                start_time: Unknown,
                external: Vec::new(),
            }],
            ..KvBucketModel::default()
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
    fn refused_combinations_name_their_attribute() {
        let origin = Origin {
            name: Known("a".into()),
            domain: Known("hub".into()),
            start_seq: Known(3),
            start_time: Known("yesterday".into()),
            external: vec![External {
                api: Known("$JS.x.API".into()),
                deliver: Default::default(),
            }],
        };
        let config = KvBucketModel {
            mirror: vec![origin.clone()],
            source: vec![origin],
            republish_source: Known("$KV.config.>".into()),
            metadata: Known(BTreeMap::from([("_nats.ver".into(), "1".into())])),
            ..bucket()
        };
        assert_eq!(paths(&MIRROR_OR_SOURCES, &config), ["source[0]"]);
        assert_eq!(paths(&REPUBLISH, &config), ["republish_source"]);
        assert_eq!(paths(&METADATA, &config), ["metadata[\"_nats.ver\"]"]);
        assert_eq!(
            paths(&START_AND_LOCATION, &config),
            [
                "mirror[0].domain",
                "mirror[0].start_time",
                "mirror[0].start_time",
                "source[0].domain",
                "source[0].start_time",
                "source[0].start_time"
            ]
        );
        let cycle = KvBucketModel {
            republish_destination: Known("$KV.config.copy".into()),
            ..bucket()
        };
        assert_eq!(paths(&REPUBLISH, &cycle), ["republish_destination"]);
        let elsewhere = KvBucketModel {
            republish_destination: Known("changes.>".into()),
            ..bucket()
        };
        assert!(paths(&REPUBLISH, &elsewhere).is_empty());
    }
}
