//! The consumer as Terraform sees it: one field per attribute of `schema.rs`.

use crate::framework::validators::StringRule;
use crate::framework::Field;
use crate::nats::jetstream::{AckPolicy, PriorityPolicy, ReplayPolicy};
use crate::provider::resources::jetstream::address::{with_domain, Address};
use crate::provider::rules::check_name;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Every attribute is a [`Field`]: plan-time code and rules tell a value left out from
/// one not known yet. Enums are the NATS layer's own types, so the schema's allowed
/// values, the docs and what the server accepts are one list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConsumerModel {
    pub id: Field<String>,
    pub stream_id: Field<String>,
    pub durable_name: Field<String>,
    pub domain: Field<String>,
    pub description: Field<String>,
    pub metadata: Field<BTreeMap<String, String>>,
    pub delivery_subject: Field<String>,
    pub delivery_group: Field<String>,
    pub deliver_all: Field<bool>,
    pub deliver_last: Field<bool>,
    pub deliver_new: Field<bool>,
    pub deliver_last_per_subject: Field<bool>,
    pub stream_sequence: Field<u64>,
    pub start_time: Field<String>,
    pub ack_policy: Field<AckPolicy>,
    pub ack_wait: Field<i64>,
    pub max_delivery: Field<i64>,
    pub backoff: Field<Vec<i64>>,
    pub filter_subject: Field<String>,
    pub filter_subjects: Field<Vec<String>>,
    pub replay_policy: Field<ReplayPolicy>,
    pub sample_freq: Field<i64>,
    pub ratelimit: Field<u64>,
    pub max_ack_pending: Field<i64>,
    pub heartbeat: Field<i64>,
    pub flow_control: Field<bool>,
    pub max_waiting: Field<i64>,
    pub headers_only: Field<bool>,
    pub max_batch: Field<i64>,
    pub max_expires: Field<i64>,
    pub max_bytes: Field<i64>,
    pub inactive_threshold: Field<i64>,
    pub replicas: Field<i64>,
    pub memory: Field<bool>,
    pub priority_groups: Field<Vec<String>>,
    pub priority_policy: Field<PriorityPolicy>,
    pub priority_timeout: Field<i64>,
    pub pause_until: Field<String>,
}

/// What `stream_id` names: a stream, perhaps with its domain. It takes a plain name
/// or a stream resource's `id` (`JETSTREAM_STREAM_<name>`, as the official provider's
/// users write `stream_id = jetstream_stream.x.id`, with `<domain>:` in front for a
/// stream in a domain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamRef {
    pub domain: Option<String>,
    pub name: String,
}

impl StreamRef {
    pub fn parse(text: &str) -> Result<Self, String> {
        let Address { domain, name } = Address::parse(text, OFFICIAL_STREAM, check_name)?;
        Ok(StreamRef { domain, name })
    }

    /// The stream resource's `id` for this stream.
    pub fn id(&self) -> String {
        with_domain(
            self.domain.as_deref(),
            format!("{OFFICIAL_STREAM}{}", self.name),
        )
    }
}

/// `stream_id` accepts a name, `DOMAIN:NAME` or a stream's `id`.
pub const STREAM_REF: StringRule = StringRule {
    allowed: "a stream name, `DOMAIN:NAME`, or a stream's id `[DOMAIN:]JETSTREAM_STREAM_<name>`",
    rule: |text| StreamRef::parse(text).map(|_| ()),
};

/// A time as RFC 3339 text, e.g. `2026-01-31T12:00:00Z`.
pub fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// `start_time` and `pause_until` take RFC 3339 times.
pub const RFC3339_TIME: StringRule = StringRule {
    allowed: "an RFC 3339 time such as 2026-01-31T12:00:00Z",
    rule: |text| match instant(text) {
        Some(_) => Ok(()),
        None => Err(format!("{text:?} is not an RFC 3339 time")),
    },
};

impl ConsumerModel {
    /// A known text attribute, `""` otherwise (CRUD sees every argument known).
    fn text(field: &Field<String>) -> &str {
        field.known().map_or("", String::as_str)
    }

    pub fn durable(&self) -> &str {
        Self::text(&self.durable_name)
    }

    /// The stream named by `stream_id` (as written when it cannot be parsed, so the
    /// server reports the problem).
    pub fn stream(&self) -> StreamRef {
        let written = Self::text(&self.stream_id);
        StreamRef::parse(written).unwrap_or_else(|_| StreamRef {
            domain: None,
            name: written.to_string(),
        })
    }

    /// The domain to talk to: `domain`, else the one carried by `stream_id`.
    pub fn effective_domain(&self) -> Option<String> {
        self.domain.known().cloned().or(self.stream().domain)
    }

    /// Whether stream, name and domain are known, so the ID is.
    pub fn address_known(&self) -> bool {
        self.stream_id.is_known() && self.durable_name.is_known() && !self.domain.is_unknown()
    }

    pub fn address(&self) -> ConsumerAddress {
        ConsumerAddress {
            domain: self.effective_domain(),
            stream: self.stream().name,
            name: self.durable().to_string(),
        }
    }
}

/// What an import ID or identity names: a consumer of a stream, perhaps in a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerAddress {
    pub domain: Option<String>,
    pub stream: String,
    pub name: String,
}

const OFFICIAL_STREAM: &str = "JETSTREAM_STREAM_";
const OFFICIAL_CONSUMER: &str = "_CONSUMER_";

impl ConsumerAddress {
    /// Accepts `STREAM:CONSUMER`, `DOMAIN:STREAM:CONSUMER`, and the official
    /// provider's `JETSTREAM_STREAM_<stream>_CONSUMER_<consumer>` (optionally with
    /// `DOMAIN:` in front).
    pub fn parse(id: &str) -> Result<Self, String> {
        let parts: Vec<&str> = id.split(':').collect();
        let (domain, stream, name) = match parts.as_slice() {
            [official] => {
                let (stream, name) = split_official(official)?;
                (None, stream, name)
            }
            [domain, official] if official.starts_with(OFFICIAL_STREAM) => {
                let (stream, name) = split_official(official)?;
                (Some(*domain), stream, name)
            }
            [stream, name] => (None, *stream, *name),
            [domain, stream, name] => (Some(*domain), *stream, *name),
            _ => return Err(format!("{id:?} has too many `:`-separated parts")),
        };
        if domain.is_some_and(str::is_empty) {
            return Err(format!("{id:?} has an empty domain before `:`"));
        }
        check_name(stream).map_err(|e| format!("stream: {e}"))?;
        check_name(name).map_err(|e| format!("consumer: {e}"))?;
        Ok(ConsumerAddress {
            domain: domain.map(str::to_string),
            stream: stream.to_string(),
            name: name.to_string(),
        })
    }

    /// Every consumer an import ID can name: one, except for an official ID whose
    /// names hold `_CONSUMER_` themselves (`JETSTREAM_STREAM_A_CONSUMER_B_CONSUMER_C`
    /// is stream `A_CONSUMER_B` with consumer `C`, or stream `A` with `B_CONSUMER_C`).
    /// The official provider reads it the first way, natsforge's `parse` the last.
    pub fn readings(id: &str) -> Result<Vec<Self>, String> {
        let chosen = Self::parse(id)?;
        let official = match id.split_once(':') {
            None => id,
            Some((_, rest)) if rest.starts_with(OFFICIAL_STREAM) => rest,
            Some(_) => return Ok(vec![chosen]),
        };
        let readings = official_splits(official)?
            .into_iter()
            .filter(|(stream, name)| check_name(stream).is_ok() && check_name(name).is_ok())
            .map(|(stream, name)| ConsumerAddress {
                domain: chosen.domain.clone(),
                stream: stream.to_string(),
                name: name.to_string(),
            })
            .collect();
        Ok(readings)
    }

    /// The resource ID in state: the official provider's form, domain-qualified.
    pub fn id(&self) -> String {
        let official = format!(
            "{OFFICIAL_STREAM}{}{OFFICIAL_CONSUMER}{}",
            self.stream, self.name
        );
        match &self.domain {
            Some(domain) => format!("{domain}:{official}"),
            None => official,
        }
    }
}

/// Splits `JETSTREAM_STREAM_<s>_CONSUMER_<c>`. A stream name may itself hold
/// `_CONSUMER_`; the last occurrence separates them, as consumer names rarely do
/// (import asks the server when the ID can be read more than one way).
fn split_official(id: &str) -> Result<(&str, &str), String> {
    official_splits(id)?
        .pop()
        .ok_or_else(|| format!("{id:?} lacks `_CONSUMER_<consumer>`"))
}

/// Every way to read `JETSTREAM_STREAM_<s>_CONSUMER_<c>` as a stream and a consumer
/// name, first `_CONSUMER_` first.
fn official_splits(id: &str) -> Result<Vec<(&str, &str)>, String> {
    let rest = id.strip_prefix(OFFICIAL_STREAM).ok_or_else(|| {
        format!(
            "{id:?} is neither STREAM:CONSUMER nor JETSTREAM_STREAM_<stream>_CONSUMER_<consumer>"
        )
    })?;
    Ok(rest
        .match_indices(OFFICIAL_CONSUMER)
        .map(|(at, marker)| (&rest[..at], &rest[at + marker.len()..]))
        .filter(|(stream, name)| !stream.is_empty() && !name.is_empty())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(domain: Option<&str>, stream: &str, name: &str) -> ConsumerAddress {
        ConsumerAddress {
            domain: domain.map(str::to_string),
            stream: stream.into(),
            name: name.into(),
        }
    }

    #[test]
    fn import_ids_in_every_accepted_form() {
        let plain = address(None, "ORDERS", "NEW");
        assert_eq!(ConsumerAddress::parse("ORDERS:NEW").unwrap(), plain);
        assert_eq!(
            ConsumerAddress::parse("JETSTREAM_STREAM_ORDERS_CONSUMER_NEW").unwrap(),
            plain
        );
        let domained = address(Some("hub"), "ORDERS", "NEW");
        assert_eq!(ConsumerAddress::parse("hub:ORDERS:NEW").unwrap(), domained);
        assert_eq!(
            ConsumerAddress::parse("hub:JETSTREAM_STREAM_ORDERS_CONSUMER_NEW").unwrap(),
            domained
        );
        assert_eq!(domained.id(), "hub:JETSTREAM_STREAM_ORDERS_CONSUMER_NEW");
        assert_eq!(plain.id(), "JETSTREAM_STREAM_ORDERS_CONSUMER_NEW");
    }

    #[test]
    fn names_with_underscores_split_at_the_last_consumer_marker() {
        let parsed =
            ConsumerAddress::parse("JETSTREAM_STREAM_MY_CONSUMER_STREAM_CONSUMER_C_1").unwrap();
        assert_eq!(parsed, address(None, "MY_CONSUMER_STREAM", "C_1"));
    }

    #[test]
    fn ambiguous_official_ids_have_every_reading() {
        let readings =
            ConsumerAddress::readings("hub:JETSTREAM_STREAM_A_CONSUMER_B_CONSUMER_C").unwrap();
        assert_eq!(
            readings,
            vec![
                address(Some("hub"), "A", "B_CONSUMER_C"),
                address(Some("hub"), "A_CONSUMER_B", "C"),
            ]
        );
        for plain in ["JETSTREAM_STREAM_A_CONSUMER_B", "A:B", "hub:A:B_CONSUMER_C"] {
            let readings = ConsumerAddress::readings(plain).unwrap();
            assert_eq!(
                readings,
                vec![ConsumerAddress::parse(plain).unwrap()],
                "{plain}"
            );
        }
    }

    #[test]
    fn stream_ids_name_a_stream_and_maybe_its_domain() {
        let plain = StreamRef::parse("ORDERS").unwrap();
        assert_eq!((plain.domain, plain.name.as_str()), (None, "ORDERS"));
        assert_eq!(
            StreamRef::parse("JETSTREAM_STREAM_ORDERS").unwrap().name,
            "ORDERS"
        );
        let domained = StreamRef::parse("hub:JETSTREAM_STREAM_ORDERS").unwrap();
        assert_eq!(
            (domained.domain.as_deref(), domained.name.as_str()),
            (Some("hub"), "ORDERS")
        );
        // `:` may be part of a stream name: the official form names it whole.
        let colon = StreamRef::parse("JETSTREAM_STREAM_A:B").unwrap();
        assert_eq!((colon.domain, colon.name.as_str()), (None, "A:B"));
        assert_eq!(
            StreamRef::parse("hub:JETSTREAM_STREAM_A:B").unwrap().name,
            "A:B"
        );
        assert!(StreamRef::parse("a.b").is_err());
        assert!(StreamRef::parse(":ORDERS").is_err());
    }

    #[test]
    fn malformed_ids_are_refused() {
        for id in [
            "ORDERS",
            ":ORDERS:NEW",
            "a:b:c:d",
            "ORDERS:a.b",
            "JETSTREAM_STREAM_ORDERS",
        ] {
            assert!(ConsumerAddress::parse(id).is_err(), "{id} was accepted");
        }
    }
}
