//! Combinations of bucket settings the server refuses, caught at plan time with the
//! attribute that has to change. Values not known yet are judged once they are.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};

fn known<'a>(config: &'a Value, name: &str) -> Option<&'a Value> {
    config
        .attr(name)
        .filter(|v| !v.is_null() && v.is_wholly_known())
}

fn blocks<'a>(config: &'a Value, name: &str) -> &'a [Value] {
    config
        .attr(name)
        .and_then(Value::as_elements)
        .unwrap_or(&[])
}

/// Rules on `mirror`/`source` blocks, shared with nothing else but kept apart so the
/// bucket rules read on their own.
fn check_origins(config: &Value, diagnostics: &mut Diagnostics) {
    for kind in ["mirror", "source"] {
        for (index, origin) in blocks(config, kind).iter().enumerate() {
            let path = AttributePath::attr(kind).index(index);
            if known(origin, "domain").is_some() && !blocks(origin, "external").is_empty() {
                diagnostics.attribute_error(
                    &path.child("domain"),
                    "domain and external together",
                    "`domain` is turned into `external { api = \"$JS.<domain>.API\" }`: set one of them.",
                );
            }
            if known(origin, "start_seq").is_some() && known(origin, "start_time").is_some() {
                diagnostics.attribute_error(
                    &path.child("start_time"),
                    "start_seq and start_time together",
                    "Start either at a revision or at a time.",
                );
            }
            if let Some(time) = known(origin, "start_time").and_then(Value::as_str) {
                if time::OffsetDateTime::parse(time, &time::format_description::well_known::Rfc3339)
                    .is_err()
                {
                    diagnostics.attribute_error(
                        &path.child("start_time"),
                        "Invalid start_time",
                        format!("{time:?} is not an RFC 3339 time such as 2026-01-31T12:00:00Z."),
                    );
                }
            }
        }
    }
}

pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    if !blocks(config, "mirror").is_empty() && !blocks(config, "source").is_empty() {
        diagnostics.attribute_error(
            &AttributePath::attr("source"),
            "A mirror takes no sources",
            "A bucket is either a mirror of one bucket or sources keys from others, not both.",
        );
    }
    let republish_set = known(config, "republish_source").is_some()
        || known(config, "republish_headers_only").and_then(Value::as_bool) == Some(true);
    if republish_set
        && config
            .attr("republish_destination")
            .is_some_and(Value::is_null)
    {
        diagnostics.attribute_error(
            &AttributePath::attr("republish_destination"),
            "Republish needs a destination",
            "Set `republish_destination` (where written values are republished), or remove the other `republish_*` settings.",
        );
    }
    check_origins(config, diagnostics);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn errors(config: &Value) -> Vec<String> {
        let mut diagnostics = Diagnostics::new();
        validate(config, &mut diagnostics);
        diagnostics.iter().map(|d| d.summary.clone()).collect()
    }

    #[test]
    fn refused_combinations_name_their_attribute() {
        let origin = object(&[
            ("name", Value::string("a")),
            ("domain", Value::string("hub")),
            ("start_seq", Value::from(3)),
            ("start_time", Value::string("yesterday")),
            (
                "external",
                Value::List(vec![object(&[("api", Value::string("$JS.x.API"))])]),
            ),
        ]);
        let config = object(&[
            ("mirror", Value::List(vec![origin.clone()])),
            ("source", Value::List(vec![origin])),
            ("republish_source", Value::string("$KV.b.>")),
            ("republish_destination", Value::Null),
        ]);
        let found = errors(&config);
        assert!(found.contains(&"A mirror takes no sources".to_string()));
        assert!(found.contains(&"Republish needs a destination".to_string()));
        assert!(found.contains(&"domain and external together".to_string()));
        assert!(found.contains(&"Invalid start_time".to_string()));
        assert!(found.contains(&"start_seq and start_time together".to_string()));
    }

    #[test]
    fn a_plain_bucket_passes() {
        let config = object(&[
            ("name", Value::string("config")),
            ("republish_destination", Value::Null),
            ("mirror", Value::List(Vec::new())),
            ("source", Value::List(Vec::new())),
        ]);
        assert!(errors(&config).is_empty());
    }
}
