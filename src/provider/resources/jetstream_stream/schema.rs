//! # Resource `nats_jetstream_stream`: its arguments
//!
//! Names, types and units follow the official `nats-io/jetstream` provider's
//! `jetstream_stream` (durations in whole seconds, `-1` for unlimited), so its users can
//! move their HCL over by renaming the type. New: `domain`, and `domain` on sources.

use super::model::PersistModeWord;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::validators::{int_at_least, int_between, Each};
use crate::framework::value::Value;
use crate::nats::jetstream::{Compression, DiscardPolicy, RetentionPolicy, StorageType};
use crate::provider::resources::jetstream::force_destroy;
use crate::provider::resources::jetstream::origin::{consumer_block, external_block};
use crate::provider::resources::jetstream::schema as common;
use crate::provider::resources::jetstream::STREAM;
use crate::provider::rules::{DOMAIN, NAME, SUBJECT};

fn turned_off(prior: &Value, planned: &Value) -> bool {
    prior.as_bool() == Some(true) && planned.as_bool() == Some(false)
}

fn workqueue_changed(prior: &Value, planned: &Value) -> bool {
    (prior.as_str() == Some("workqueue")) != (planned.as_str() == Some("workqueue"))
}

/// `""` and `"default"` are one mode: only a move to or from `async` replaces the stream.
fn persist_mode_changed(prior: &Value, planned: &Value) -> bool {
    (prior.as_str() == Some("async")) != (planned.as_str() == Some("async"))
}

/// Adding or changing a mirror replaces the stream; removing it promotes the stream.
fn mirror_added_or_changed(_prior: &Value, planned: &Value) -> bool {
    planned.as_elements().is_some_and(|items| !items.is_empty())
}

fn limit(name: &str, what: &str) -> Attribute {
    Attribute::number(name)
        .default(-1)
        .validate(int_at_least(-1))
        .description(format!("{what}; `-1` for unlimited."))
}

fn seconds(name: &str, default: i64, what: &str) -> Attribute {
    Attribute::number(name)
        .default(default)
        .validate(int_at_least(0))
        .description(format!("{what}, in seconds."))
}

fn flag(name: &str, default: bool, what: &str) -> Attribute {
    Attribute::bool(name).default(default).description(what)
}

fn transform_block(name: &str, description: &str, max_items: i64) -> NestedBlock {
    let block = NestedBlock::new(
        name,
        Nesting::List,
        Block::new(description)
            .attribute(
                Attribute::string("source")
                    .required()
                    .validate(SUBJECT)
                    .description("Subjects to transform (may use wildcards)."),
            )
            .attribute(Attribute::string("destination").required().description(
                "What they become; may use `{{wildcard(1)}}` and other mapping functions.",
            )),
    );
    if max_items > 0 {
        block.max_items(max_items)
    } else {
        block
    }
}

/// The arguments shared by `mirror` and `source` blocks.
fn origin_block(description: &str) -> Block {
    Block::new(description)
        .attribute(
            Attribute::string("name")
                .required()
                .validate(NAME)
                .description("The name of the origin stream."),
        )
        .attribute(
            Attribute::string("domain")
                .optional()
                .validate(DOMAIN)
                .description(
                "The JetStream domain of the origin stream (e.g. `hub` from a leaf). natsforge \
                     turns it into `external { api = \"$JS.<domain>.API\" }`; do not set both.",
            ),
        )
        .attribute(
            Attribute::number("start_seq")
                .optional()
                .validate(int_at_least(0))
                .description("Start at this sequence of the origin."),
        )
        .attribute(
            Attribute::string("start_time")
                .optional()
                .description("Start at this time of the origin (RFC 3339)."),
        )
        .attribute(
            Attribute::string("filter_subject")
                .optional()
                .validate(SUBJECT)
                .description("Only messages on these subjects."),
        )
        .block(transform_block(
            "subject_transform",
            "Subject transforms applied to messages from the origin.",
            0,
        ))
        .block(external_block())
        .block(consumer_block())
}

pub fn schema() -> Schema {
    Schema::new(
        "A JetStream stream: where messages on its subjects are stored, how long, and where \
         they are mirrored or sourced from. Changes the server can apply in place are updates; \
         the rest replace the stream, and changes the server would refuse fail at plan time. Creating a stream that already exists and holds data fails, saying how to import it (natsforge does not take over data it did not create); an empty one is taken over. Settings newer than the nats-server of the domain fail at plan time (or before the request), naming the version they need, instead of being dropped by the server.",
    )
    .attribute(common::id(&STREAM))
    .attribute(
        Attribute::string("name")
            .required()
            .requires_replace()
            .validate(NAME)
            .description(
                "The stream's name. A `:` is allowed, as nats-server allows it; import such a \
                 stream by its official ID (`JETSTREAM_STREAM_<name>`, or \
                 `DOMAIN:JETSTREAM_STREAM_<name>`), since in the short form `DOMAIN:NAME` the \
                 first `:` ends the domain.",
            ),
    )
    .attribute(common::domain(&STREAM))
    .attribute(common::description(&STREAM))
    .attribute(common::metadata())
    .attribute(
        Attribute::string_list("subjects")
            .optional()
            .validate(Each(SUBJECT))
            .description("The subjects the stream stores. Left out (or `[]`), the server listens on the stream's name; a mirror or a stream with sources takes none of its own. Subjects may not overlap one another, and subjects in the JetStream or system API space need `ack = false`."),
    )
    .attribute(
        Attribute::enumeration::<RetentionPolicy>("retention")
            .default_variant(RetentionPolicy::Limits)
            .requires_replace_if("it changes to or from `workqueue`", workqueue_changed)
            .description("When messages are removed: by limits, when all interested consumers acknowledged, or when one did (work queue). A change to or from `workqueue` replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`)."),
    )
    .attribute(
        Attribute::enumeration::<StorageType>("storage")
            .default_variant(StorageType::File)
            .requires_replace()
            .description("Where messages are stored. Changing it replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`)."),
    )
    .attribute(
        Attribute::enumeration::<DiscardPolicy>("discard")
            .default_variant(DiscardPolicy::Old)
            .description("What to do when a limit is reached: drop old messages or refuse new ones."),
    )
    .attribute(flag("discard_new_per_subject", false, "Apply `discard = \"new\"` per subject (needs `max_msgs_per_subject`)."))
    .attribute(limit("max_msgs", "Most messages kept"))
    .attribute(limit("max_msgs_per_subject", "Most messages kept per subject"))
    .attribute(limit("max_bytes", "Most bytes kept"))
    .attribute(
        Attribute::number("max_msg_size")
            .default(-1)
            .validate(int_between(-1, i64::from(i32::MAX)))
            .description("Largest message accepted, in bytes; `-1` for unlimited."),
    )
    .attribute(limit("max_consumers", "Most consumers"))
    .attribute(seconds("max_age", 0, "Oldest message kept (`0` for no limit)"))
    .attribute(seconds("duplicate_window", 120, "Window for detecting duplicate messages by `Nats-Msg-Id`"))
    .attribute(
        Attribute::number("replicas")
            .default(1)
            .validate(int_between(1, 5))
            .description("Copies kept in a cluster. Changes in place."),
    )
    .attribute(
        Attribute::enumeration::<Compression>("compression")
            .default_variant(Compression::None)
            .description("On-disk compression of file storage."),
    )
    .attribute(flag("ack", true, "Acknowledge published messages."))
    .attribute(flag("allow_direct", true, "Allow direct get of messages, from any replica."))
    .attribute(flag("mirror_direct", false, "Let this mirror answer direct gets for its origin. Left out, a new mirror plans `true` (the server refuses `false` when the origin allows direct get, as natsforge streams do by default) and an existing mirror keeps what the server holds (a mirror of an external origin may hold `false`, as the official provider left it)."))
    .attribute(flag("allow_rollup_hdrs", false, "Allow `Nats-Rollup` headers to purge messages. Needs `deny_purge = false`; needed by `subject_delete_marker_ttl` and `allow_msg_schedules`."))
    .attribute(
        flag("deny_delete", false, "Refuse deleting messages. The server cannot turn it off again. Turning it off replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`).")
            .requires_replace_if("it is turned off", turned_off),
    )
    .attribute(
        flag("deny_purge", false, "Refuse purging the stream. The server cannot turn it off again. Turning it off replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`).")
            .requires_replace_if("it is turned off", turned_off),
    )
    .attribute(
        flag("sealed", false, "Seal the stream: no more messages, deletes or purges. Turning it off replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`).")
            .requires_replace_if("it is turned off", turned_off),
    )
    .attribute(common::placement_cluster(&STREAM))
    .attribute(common::placement_tags(&STREAM))
    .attribute(Attribute::string("placement_preferred").optional().description("A preferred server for the stream leader. Accepted for configurations moved from the official provider (`\"\"` is the same as left out), but nats-server up to 2.15 refuses any preferred server (\"preferred server not permitted in placement\"), so a value fails at plan time. Use `placement_cluster` or `placement_tags`."))
    .attribute(Attribute::string("republish_source").optional().validate(SUBJECT).description("Republish stored messages matching this subject; left out, all of them (`>`). Needs `republish_destination`."))
    .attribute(Attribute::string("republish_destination").optional().description("Where to republish them; must not overlap the stream's own subjects."))
    .attribute(flag("republish_headers_only", false, "Republish headers only."))
    .attribute(
        Attribute::number("max_ack_pending")
            .default(0)
            .validate(int_at_least(-1))
            .description("Default and most allowed `max_ack_pending` of consumers (`0` for the server's default)."),
    )
    .attribute(seconds("inactive_threshold", 0, "Default and longest inactivity before an ephemeral consumer is removed (`0` for the server's default)"))
    .attribute(
        flag("allow_msg_ttl", false, "Allow per-message TTLs (`Nats-TTL` header). Turning it off replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`).")
            .requires_replace_if("it is turned off", turned_off),
    )
    .attribute(seconds("subject_delete_marker_ttl", 0, "Keep a delete marker this long when a subject's last message ages out (needs `allow_msg_ttl` and `allow_rollup_hdrs`; not on a mirror)"))
    .attribute(
        flag("allow_msg_counter", false, "Make the stream a counter stream (`Nats-Incr`): limits retention, no `discard = \"new\"`, TTLs or schedules. A change replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`).")
            .requires_replace(),
    )
    .attribute(flag("allow_atomic", false, "Allow atomic batch publishing."))
    .attribute(
        flag("allow_msg_schedules", false, "Allow scheduled messages. Needs `allow_rollup_hdrs = true` and `discard = \"old\"`; not on a mirror or a stream with sources. Turning it off replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`).")
            .requires_replace_if("it is turned off", turned_off),
    )
    .attribute(flag("allow_batched", false, "Allow fast batch publishing."))
    .attribute(
        Attribute::number("first_seq")
            .default(0)
            .validate(int_at_least(0))
            .requires_replace()
            .description("The sequence number of the first message (`0` for 1). A change replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`)."),
    )
    .attribute(
        Attribute::enumeration::<PersistModeWord>("persist_mode")
            .default_variant(PersistModeWord::Default)
            .requires_replace_if("it changes to or from `async`", persist_mode_changed)
            .description("How file storage persists writes: `default` (synchronous per server setting; the official provider's `\"\"` means the same and stays as written) or `async`. The server cannot change it: a change replaces the stream."),
    )
    .attribute(force_destroy::attribute(&STREAM))
    .block(transform_block("subject_transform", "A transform applied to subjects as messages are stored.", 1))
    .block(
        NestedBlock::new("mirror", Nesting::List, origin_block("Makes the stream a mirror of another stream. Adding or changing it replaces the stream, deleting its messages (refused while it holds any, unless `force_destroy`); removing it promotes the stream to an ordinary one, keeping its messages."))
            .max_items(1)
            .requires_replace_if("a mirror is added or changed", mirror_added_or_changed),
    )
    .block(NestedBlock::new(
        "source",
        Nesting::List,
        origin_block("A stream whose messages this stream also stores; repeat for several."),
    ))
}
