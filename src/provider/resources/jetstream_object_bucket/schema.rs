//! # Resource `nats_jetstream_object_bucket`: its arguments
//!
//! Names and units follow the official provider's `jetstream_obj_bucket`
//! (`max_bucket_size`, `ttl` in seconds, `compression` as a flag).

use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::{int_at_least, int_between, OneOf};
use crate::provider::resources::jetstream::force_destroy;
use crate::provider::resources::jetstream::schema as common;
use crate::provider::resources::jetstream::OBJECT_BUCKET;
use crate::provider::rules::BUCKET;

pub fn schema() -> Schema {
    Schema::new(
        "A JetStream object store bucket, stored as the stream `OBJ_<name>` configured exactly \
         as the NATS clients configure it. Everything but `name`, `domain` and `storage` \
         changes in place. Every setting it has an attribute for is managed, as the official provider's own are: left out means the default, so settings made outside Terraform (`metadata`, e.g. by `nats object add --metadata`) show in the plan as changes back to the default, never silently. The official provider has no attribute for these and leaves them alone; after a `moved` from it, write them into the configuration to keep them. Creating a bucket that already exists and holds objects fails, saying how to import it (natsforge does not take over data it did not create); an empty one is taken over.",
    )
    .attribute(common::id(&OBJECT_BUCKET))
    .attribute(
        Attribute::string("name")
            .required()
            .requires_replace()
            .validate(BUCKET)
            .description("The bucket's name."),
    )
    .attribute(common::domain(&OBJECT_BUCKET))
    .attribute(common::description(&OBJECT_BUCKET))
    .attribute(
        Attribute::string("storage")
            .default("file")
            .validate(OneOf(&["file", "memory"]))
            .requires_replace()
            .description("Where objects are stored. The server cannot move a bucket between storages: changing it replaces the bucket, deleting its objects (refused while it holds any, unless `force_destroy`)."),
    )
    .attribute(
        Attribute::number("ttl")
            .default(0)
            .validate(int_at_least(0))
            .description("How long an object is kept, in seconds (`0` for ever)."),
    )
    .attribute(
        Attribute::number("max_bucket_size")
            .default(-1)
            .validate(int_at_least(-1))
            .description("Most bytes the bucket holds; `-1` for unlimited."),
    )
    .attribute(
        Attribute::number("replicas")
            .default(1)
            .validate(int_between(1, 5))
            .description("Copies kept in a cluster. Changes in place."),
    )
    .attribute(
        Attribute::bool("compression")
            .default(false)
            .description("Compress stored objects (S2)."),
    )
    .attribute(common::placement_cluster(&OBJECT_BUCKET))
    .attribute(common::placement_tags(&OBJECT_BUCKET))
    .attribute(common::metadata())
    .attribute(force_destroy::attribute(&OBJECT_BUCKET))
}
