//! # Resource `nats_jetstream_kv_bucket`: its arguments
//!
//! Names, defaults and units follow the official provider's `jetstream_kv_bucket`
//! (`max_bucket_size`, `history` 5, durations in whole seconds, `-1` for unlimited), so
//! its HCL moves over by renaming the type. New here: `domain`, `storage`,
//! `compression`, `metadata`, republish, mirror and sources.

use super::model::DEFAULT_HISTORY;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::validators::{int_at_least, int_between};
use crate::framework::value::Value;
use crate::nats::jetstream::{StorageType, KV_MAX_HISTORY};
use crate::provider::resources::jetstream::force_destroy;
use crate::provider::resources::jetstream::origin::external_block;
use crate::provider::resources::jetstream::schema as common;
use crate::provider::resources::jetstream::KV_BUCKET;
use crate::provider::rules::{BUCKET, DOMAIN, SUBJECT};

/// Adding or changing a mirror replaces the bucket (the server refuses it in place);
/// removing it promotes the bucket to a writable one.
fn mirror_added_or_changed(_prior: &Value, planned: &Value) -> bool {
    planned.as_elements().is_some_and(|items| !items.is_empty())
}

fn seconds(name: &str, what: &str) -> Attribute {
    Attribute::number(name)
        .default(0)
        .validate(int_at_least(0))
        .description(format!("{what}, in seconds."))
}

/// The arguments of `mirror` and `source` blocks.
fn origin_block(description: &str) -> Block {
    Block::new(description)
        .attribute(
            Attribute::string("name")
                .required()
                .validate(BUCKET)
                .description("The origin bucket (its name, without `KV_`)."),
        )
        .attribute(
            Attribute::string("domain")
                .optional()
                .validate(DOMAIN)
                .description(
                    "The JetStream domain of the origin bucket (e.g. `hub` from a leaf); \
                     turned into `external { api = \"$JS.<domain>.API\" }`. Do not set both.",
                ),
        )
        .attribute(
            Attribute::number("start_seq")
                .optional()
                .validate(int_at_least(0))
                .description("Start at this revision of the origin."),
        )
        .attribute(
            Attribute::string("start_time")
                .optional()
                .description("Start at this time of the origin (RFC 3339)."),
        )
        .block(external_block())
}

pub fn schema() -> Schema {
    Schema::new(
        "A JetStream key-value bucket, stored as the stream `KV_<name>` configured exactly as the \
         NATS clients (and `nats kv add`) configure it. Replicas, limits, history and the rest \
         change in place; only `name`, `domain`, `storage` and an added or changed `mirror` \
         replace the bucket, and with it its keys. Every setting it has an attribute for is managed, as the official provider's own are: left out means the default, so settings made outside Terraform (`compression`, `metadata`, republishing, `mirror`, `source`, e.g. by `nats kv add`) show in the plan as changes back to the default, never silently. The official provider has no attribute for these and leaves them alone; after a `moved` from it, write them into the configuration to keep them. Creating a bucket that already exists and holds keys fails, saying how to import it (natsforge does not take over data it did not create); an empty one is taken over. Settings newer than the nats-server of the domain fail at plan time (or before the request), naming the version they need, instead of being dropped by the server.",
    )
    .attribute(common::id(&KV_BUCKET))
    .attribute(
        Attribute::string("name")
            .required()
            .requires_replace()
            .validate(BUCKET)
            .description("The bucket's name."),
    )
    .attribute(common::domain(&KV_BUCKET))
    .attribute(common::description(&KV_BUCKET))
    .attribute(
        Attribute::number("history")
            .default(DEFAULT_HISTORY)
            .validate(int_between(1, KV_MAX_HISTORY))
            .description("How many values to keep per key (the official provider's default, 5): 1 to 64, the NATS clients' range. The official provider accepts 0 to 128, but the clients turn 0 into 1 and refuse more than 64."),
    )
    .attribute(seconds("ttl", "How long a value is kept (`0` for ever)"))
    .attribute(
        Attribute::number("max_value_size")
            .default(-1)
            .validate(int_between(-1, i64::from(i32::MAX)))
            .description("Largest value accepted, in bytes; `-1` for unlimited."),
    )
    .attribute(
        Attribute::number("max_bucket_size")
            .default(-1)
            .validate(int_at_least(-1))
            .description("Most bytes the bucket holds (all keys and history); `-1` for unlimited."),
    )
    .attribute(
        Attribute::enumeration::<StorageType>("storage")
            .default_variant(StorageType::File)
            .requires_replace()
            .description("Where values are stored. The server cannot move a bucket between storages: changing it replaces the bucket, deleting its keys (refused while it holds any, unless `force_destroy`)."),
    )
    .attribute(
        Attribute::number("replicas")
            .default(1)
            .validate(int_between(1, 5))
            .description("Copies kept in a cluster. Changes in place, never by replacement."),
    )
    .attribute(Attribute::bool("compression").default(false).description("Compress stored values (S2)."))
    .attribute(common::placement_cluster(&KV_BUCKET))
    .attribute(common::placement_tags(&KV_BUCKET))
    .attribute(
        Attribute::string("republish_source")
            .optional()
            .validate(SUBJECT)
            .description("Republish values written to these subjects (`$KV.<name>.<key>`); left out, all of the bucket's."),
    )
    .attribute(Attribute::string("republish_destination").optional().description("Where to republish written values, e.g. `config.>`; not within the bucket's own `$KV.<name>.>`."))
    .attribute(Attribute::bool("republish_headers_only").default(false).description("Republish headers only, without the value."))
    .attribute(common::metadata())
    .attribute(
        Attribute::number("limit_marker_ttl")
            .default(0)
            .validate(int_at_least(0))
            .description(
                "Enables per-key TTLs; when a limit or TTL removes a key, a marker saying so stays \
                 this long, in seconds. Set back to `0`, markers stop but per-key TTLs stay \
                 allowed, because the server cannot turn them off (changed in place, no replacement).",
            ),
    )
    .attribute(force_destroy::attribute(&KV_BUCKET))
    .block(
        NestedBlock::new("mirror", Nesting::List, origin_block("Makes the bucket a read-only copy of another bucket."))
            .max_items(1)
            .requires_replace_if("a mirror is added or changed", mirror_added_or_changed),
    )
    .block(NestedBlock::new(
        "source",
        Nesting::List,
        origin_block("A bucket whose keys are copied into this one; repeat for several."),
    ))
}
