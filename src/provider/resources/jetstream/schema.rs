//! Arguments every JetStream resource declares the same way, worded for its kind.

use super::Kind;
use crate::framework::schema::Attribute;
use crate::provider::rules::DOMAIN;

/// `id`: the official provider's ID form, known at plan time.
pub fn id(kind: &Kind) -> Attribute {
    Attribute::string("id")
        .computed()
        .use_state_for_unknown()
        .description(format!(
            "`{}<name>`, as the official provider names it (with `<domain>:` in front when a domain is set).",
            kind.id_prefix
        ))
}

/// `domain`: which JetStream domain the object lives in; moving it replaces it.
pub fn domain(kind: &Kind) -> Attribute {
    Attribute::string("domain")
        .optional()
        .requires_replace()
        .validate(DOMAIN)
        .description(format!(
            "The JetStream domain to manage the {} in (through `$JS.<domain>.API`). Defaults to the provider's `jetstream_domain`, else the domain of the connected server.",
            kind.noun
        ))
}

pub fn description(kind: &Kind) -> Attribute {
    Attribute::string("description")
        .optional()
        .description(format!("A description of the {}.", kind.noun))
}

pub fn metadata() -> Attribute {
    Attribute::string_map("metadata")
        .optional()
        .description("Free-form metadata. Keys the server adds itself (`_nats.*`) are ignored.")
}

pub fn placement_cluster(kind: &Kind) -> Attribute {
    Attribute::string("placement_cluster")
        .optional()
        .description(format!("Place the {} in this cluster.", kind.noun))
}

pub fn placement_tags(kind: &Kind) -> Attribute {
    Attribute::string_list("placement_tags")
        .optional()
        .description(format!(
            "Place the {} on servers with these tags. Sent with or without \
             `placement_cluster` (the official provider drops tags without a cluster, so after \
             a `moved` from it the first apply may move the {} onto the tagged servers).",
            kind.noun, kind.noun
        ))
}
