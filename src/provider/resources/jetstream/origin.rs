//! Where a mirror or source lives: in this domain, in another JetStream domain
//! (`domain = "hub"`), or behind an explicit API prefix (`external { api = ... }`).
//! Streams and KV buckets write their origins the same way.

use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::nats::jetstream::ExternalStream;
use serde::{Deserialize, Serialize};

/// An `external` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct External {
    pub api: String,
    pub deliver: Option<String>,
}

pub fn external_block() -> NestedBlock {
    NestedBlock::new(
        "external",
        Nesting::List,
        Block::new("An origin reached through another account or domain by API prefix.")
            .attribute(
                Attribute::string("api")
                    .required()
                    .description("The JetStream API prefix, e.g. `$JS.hub.API`."),
            )
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
            api: external.api.clone(),
            deliver: external.deliver.clone().unwrap_or_default(),
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
            api: external.api.clone(),
            deliver: Some(external.deliver.clone()).filter(|d| !d.is_empty()),
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
            api: "$JS.hub.API".into(),
            deliver: None,
        };
        let wire = to_wire(None, std::slice::from_ref(&written)).unwrap();
        assert_eq!(from_wire(Some(&wire), true), (None, vec![written]));
        assert_eq!(from_wire(None, false), (None, vec![]));
    }
}
