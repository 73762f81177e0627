//! Where a mirror or source lives: in this domain, in another JetStream domain
//! (`domain = "hub"`), or behind an explicit API prefix (`external { api = ... }`).
//! Streams and KV buckets write their origins the same way. A stream's origin may also
//! be read through an existing durable consumer (`consumer { name, deliver_subject }`).

use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::framework::Field;
use crate::nats::jetstream::ExternalStream;
use crate::provider::rules::{NAME, SUBJECT};
use serde::{Deserialize, Serialize};

/// An `external` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct External {
    pub api: Field<String>,
    pub deliver: Field<String>,
}

/// A `consumer` block: the origin's durable push consumer to source through.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct OriginConsumer {
    pub name: Field<String>,
    pub deliver_subject: Field<String>,
}

pub fn consumer_block() -> NestedBlock {
    NestedBlock::new(
        "consumer",
        Nesting::List,
        Block::new(
            "Read the origin through this existing durable push consumer of the origin stream \
             (nats-server 2.14+) instead of one the server makes. The consumer decides where to \
             start and what to deliver, so the origin sets no `start_seq`, `start_time` or \
             `filter_subject`. nats-server only moves messages through a consumer with \
             `ack_policy = \"flow_control\"`, `flow_control = true` and a `heartbeat` \
             (otherwise the source reports error 10217 and stays empty); one consumer serves \
             one source.",
        )
        .attribute(
            Attribute::string("name")
                .required()
                .validate(NAME)
                .description("The durable consumer's name on the origin stream."),
        )
        .attribute(
            Attribute::string("deliver_subject")
                .required()
                .validate(SUBJECT)
                .description("The consumer's deliver subject (a literal subject, no wildcards)."),
        ),
    )
    .max_items(1)
}

pub fn external_block() -> NestedBlock {
    NestedBlock::new(
        "external",
        Nesting::List,
        Block::new("An origin reached through another account or domain by API prefix.")
            .attribute(Attribute::string("api").required().description(
                "The JetStream API prefix, e.g. `$JS.hub.API`. Required: the official provider \
                 lets it out, but nats-server cannot reach an origin without one (it accepts \
                 the stream and never delivers).",
            ))
            .attribute(
                Attribute::string("deliver")
                    .optional()
                    .description("The delivery subject prefix."),
            ),
    )
    .max_items(1)
}

/// The wire form: `domain` becomes the `$JS.<domain>.API` prefix (the server knows no
/// `domain` key), an `external` block is sent as written.
pub fn to_wire(domain: Option<&str>, external: &[External]) -> Option<ExternalStream> {
    match (domain, external.first()) {
        (Some(domain), _) => ExternalStream::for_domain(domain),
        (None, Some(external)) => Some(ExternalStream {
            api: external.api.known().cloned().unwrap_or_default(),
            deliver: external.deliver.known().cloned().unwrap_or_default(),
        }),
        (None, None) => None,
    }
}

/// Back from the wire as `(domain, external)`, in the spelling the user wrote: a
/// `$JS.<domain>.API` prefix reads as `domain` unless it was written as `external`.
pub fn from_wire(
    external: Option<&ExternalStream>,
    wrote_external: bool,
) -> (Option<String>, Vec<External>) {
    let domain = if wrote_external {
        None
    } else {
        external
            .filter(|e| e.deliver.is_empty())
            .and_then(ExternalStream::domain)
            .map(str::to_string)
    };
    let blocks = match (external, &domain) {
        (Some(external), None) => vec![External {
            api: external.api.clone().into(),
            deliver: Some(external.deliver.clone())
                .filter(|d| !d.is_empty())
                .into(),
        }],
        _ => Vec::new(),
    };
    (domain, blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_round_trips_as_domain_and_external_as_external() {
        let wire = to_wire(Some("hub"), &[]).unwrap();
        assert_eq!(wire.api, "$JS.hub.API");
        assert_eq!(from_wire(Some(&wire), false), (Some("hub".into()), vec![]));
        let written = External {
            api: Field::Known("$JS.hub.API".into()),
            deliver: Field::Null,
        };
        let wire = to_wire(None, std::slice::from_ref(&written)).unwrap();
        assert_eq!(from_wire(Some(&wire), true), (None, vec![written]));
        assert_eq!(from_wire(None, false), (None, vec![]));
    }
}
