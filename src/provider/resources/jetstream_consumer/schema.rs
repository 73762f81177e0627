//! # Resource `nats_jetstream_consumer`: its arguments
//!
//! Names, types and units follow the official `nats-io/jetstream` provider's
//! `jetstream_consumer` (`stream_id`, `durable_name`, `delivery_subject`, the
//! `deliver_*` flags, durations in whole seconds), so its users can move their HCL
//! over by renaming the type. New: `domain`, `ack_policy = "flow_control"`, priority
//! groups, `pause_until`.
//!
//! What the server refuses to change on an existing consumer (nats-server
//! `checkNewConsumerConfig`) replaces it: deliver policy and start position (decided in
//! `modify_plan`, as four flags spell one policy), ack and replay policy, heartbeat,
//! flow control, pull <-> push, `max_waiting`, memory storage.

use super::model::{RFC3339_TIME, STREAM_REF};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::{int_at_least, int_between, Each};
use crate::framework::value::{Type, Value};
use crate::nats::jetstream::{AckPolicy, PriorityPolicy, ReplayPolicy};
use crate::provider::rules::{DOMAIN, NAME, SUBJECT};

/// The pin timeout nats-server gives a `pinned_client` consumer that sets none, in
/// seconds (its `JsDefaultPinnedTTL`).
pub const PIN_TIMEOUT: i64 = 120;

/// How long the server waits for an acknowledgement when `ack_wait` is left out and
/// neither `backoff` nor flow-control acks decide it, in seconds.
pub const ACK_WAIT: i64 = 30;

/// The one heartbeat nats-server accepts with `ack_policy = "flow_control"`, in seconds.
pub const FLOW_CONTROL_HEARTBEAT: i64 = 1;

fn is_set(value: &Value) -> bool {
    value.as_str().is_some_and(|s| !s.is_empty())
}

/// Pull and push consumers cannot turn into each other; a push consumer may move.
fn pull_push_switch(prior: &Value, planned: &Value) -> bool {
    is_set(prior) != is_set(planned)
}

fn seconds(name: &str, default: i64, what: &str) -> Attribute {
    Attribute::number(name)
        .default(default)
        .validate(int_at_least(0))
        .description(format!("{what}, in seconds."))
}

fn flag(name: &str, what: &str) -> Attribute {
    Attribute::bool(name).default(false).description(what)
}

/// The official provider's deliver flags: one of them spells the deliver policy.
fn deliver_flag(name: &str, what: &str) -> Attribute {
    Attribute::bool(name).optional().computed().description(format!(
        "{what} Set at most one `deliver_*` flag, `stream_sequence` or `start_time`; none means `deliver_all`."
    ))
}

pub fn schema() -> Schema {
    Schema::new(
        "A durable JetStream consumer, pull or push (with `delivery_subject`), of a stream \
         in the provider's JetStream domain or the one named by `domain`. Changes the server \
         applies in place are updates; the rest replace the consumer, and combinations the \
         server would refuse fail at plan time.",
    )
    .attribute(Attribute::string("id").computed().use_state_for_unknown().description(
        "`JETSTREAM_STREAM_<stream>_CONSUMER_<name>`, as the official provider names it (with `<domain>:` in front when a domain is set).",
    ))
    .attribute(
        Attribute::string("stream_id")
            .required()
            .validate(STREAM_REF)
            .description("The stream the consumer reads: its name, or the stream resource's `id` (`nats_jetstream_stream.x.id`, which carries its domain). Naming another stream replaces the consumer."),
    )
    .attribute(
        Attribute::string("durable_name")
            .required()
            .requires_replace()
            .validate(NAME)
            .description("The consumer's durable name."),
    )
    .attribute(
        Attribute::string("domain")
            .optional()
            .validate(DOMAIN)
            .description("The JetStream domain of the stream (through `$JS.<domain>.API`). Defaults to the domain in `stream_id`, else the provider's `jetstream_domain`, else the domain of the connected server. Another domain replaces the consumer."),
    )
    .attribute(Attribute::string("description").optional().description("A description of the consumer."))
    .attribute(Attribute::string_map("metadata").optional().description(
        "Free-form metadata. Keys the server adds itself (`_nats.*`) are ignored.",
    ))
    .attribute(
        Attribute::string("delivery_subject")
            .optional()
            .validate(SUBJECT)
            .requires_replace_if("it turns a pull consumer into a push consumer or back", pull_push_switch)
            .description("Makes a push consumer that delivers to this subject; leave out for a pull consumer. Changes in place between subjects; adding or removing it replaces the consumer."),
    )
    .attribute(Attribute::string("delivery_group").optional().description(
        "Push consumers: deliver only to subscriptions in this queue group.",
    ))
    .attribute(deliver_flag("deliver_all", "Start at the first message of the stream."))
    .attribute(deliver_flag("deliver_last", "Start at the last message of the stream."))
    .attribute(deliver_flag("deliver_new", "Start with messages stored after the consumer was created."))
    .attribute(deliver_flag("deliver_last_per_subject", "Start at the last message of each subject the filter matches (needs a filter)."))
    .attribute(
        Attribute::number("stream_sequence")
            .default(0)
            .validate(int_at_least(0))
            .description("Start at this stream sequence (`0` for none)."),
    )
    .attribute(Attribute::string("start_time").optional().validate(RFC3339_TIME).description(
        "Start at the first message stored at or after this time (RFC 3339).",
    ))
    .attribute(
        Attribute::enumeration::<AckPolicy>("ack_policy")
            .default_variant(AckPolicy::Explicit)
            .requires_replace()
            .description("How messages are acknowledged: each (`explicit`), cumulatively (`all`), not at all (`none`), or by flow control (`flow_control`: push consumers only, the kind a stream's `source`/`mirror` `consumer` block reads through; the server wants `flow_control = true`, `heartbeat = 1`, `ack_wait = 0`, no `backoff`, `max_delivery = -1` and `max_ack_pending` above 0, and the first three are planned so when left out). A stream with `retention = \"workqueue\"` takes `explicit` or `flow_control` only."),
    )
    .attribute(Attribute::number("ack_wait").optional().computed().validate(int_at_least(0)).description(format!("How long to wait for an acknowledgement before redelivering, in seconds. Left out, it is {ACK_WAIT}, or the first `backoff` step, or `0` with `ack_policy = \"flow_control\"` (which needs `0`). Written together with `backoff`, it must equal the first step: the server refuses anything else in the pedantic mode natsforge always uses (`first backoff value has to equal batch AckWait`), so natsforge says so at plan time where the official provider fails at apply.")))
    .attribute(
        Attribute::number("max_delivery")
            .default(-1)
            .validate(int_at_least(-1))
            .description("Most deliveries of one message; `-1` for unlimited. `0` is refused at plan time (the official provider accepts it): the server reads it as unlimited and answers `-1`, so the plan would never settle."),
    )
    .attribute(
        Attribute::new("backoff", Type::list(Type::Number))
            .optional()
            .validate(Each(int_at_least(1)))
            .description("Redelivery delays, in seconds, one per delivery attempt; `max_delivery` must exceed their count. Each step is at least 1 (the official provider accepts any number; the server refuses negative steps, and a 0 s step redelivers at once)."),
    )
    .attribute(Attribute::string("filter_subject").optional().validate(SUBJECT).description(
        "Only messages stored on subjects matching this.",
    ))
    .attribute(
        Attribute::string_list("filter_subjects")
            .optional()
            .validate(Each(SUBJECT))
            .description("Only messages stored on subjects matching any of these (not together with `filter_subject`)."),
    )
    .attribute(
        Attribute::enumeration::<ReplayPolicy>("replay_policy")
            .default_variant(ReplayPolicy::Instant)
            .requires_replace()
            .description("Deliver as fast as possible, or at the pace messages were stored."),
    )
    .attribute(
        Attribute::number("sample_freq")
            .default(0)
            .validate(int_between(0, 100))
            .description("Percentage of acknowledgements sampled for observability."),
    )
    .attribute(
        Attribute::number("ratelimit")
            .default(0)
            .validate(int_at_least(0))
            .description("Push consumers: most bits per second delivered (`0` for no limit)."),
    )
    .attribute(
        Attribute::number("max_ack_pending")
            .default(20000)
            .validate(int_at_least(-1))
            .description("Most messages delivered and not yet acknowledged; delivery pauses there. `-1` for unlimited. Left out on a push consumer with `ack_policy = \"none\"` it is `-1` (the server refuses a limit there: `consumer requires ack policy for max ack pending`). `0` is refused at plan time (the official provider accepts it): the server replaces it with its own default, so the plan would never settle."),
    )
    .attribute(
        seconds("heartbeat", 0, "Push consumers: idle heartbeat interval (`0` for none). With `ack_policy = \"flow_control\"` it must be 1, and is planned so when left out")
            .requires_replace(),
    )
    .attribute(flag("flow_control", "Push consumers: flow control (needs `heartbeat`). Planned `true` when left out with `ack_policy = \"flow_control\"`, which needs it.").requires_replace())
    .attribute(
        Attribute::number("max_waiting")
            .optional()
            .computed()
            .use_state_for_unknown()
            .validate(int_at_least(1))
            .requires_replace()
            .description("Pull consumers: most pull requests waiting at once. Left out, the server's default (512). At least 1: the official provider's `0` meant the server default, which is what leaving it out does here."),
    )
    .attribute(flag("headers_only", "Deliver headers only, with the payload size in `Nats-Msg-Size`."))
    .attribute(
        Attribute::number("max_batch")
            .default(0)
            .validate(int_at_least(0))
            .description("Pull consumers: largest batch one pull may ask for (`0` for no limit)."),
    )
    .attribute(seconds("max_expires", 0, "Pull consumers: longest a pull request may wait (`0` for no limit)"))
    .attribute(
        Attribute::number("max_bytes")
            .default(0)
            .validate(int_at_least(0))
            .description("Pull consumers: most bytes one pull may ask for (`0` for no limit)."),
    )
    .attribute(seconds("inactive_threshold", 0, "Remove the consumer after this long without activity (`0` never)"))
    .attribute(
        Attribute::number("replicas")
            .default(0)
            .validate(int_between(0, 5))
            .description("Replicas of the consumer's state; `0` for the stream's. Changes in place."),
    )
    .attribute(flag("memory", "Keep the consumer's state in memory whatever the stream's storage.").requires_replace())
    .attribute(
        Attribute::string_list("priority_groups")
            .optional()
            .validate(Each(NAME))
            .description("Pull consumers: the priority groups pull requests name (needs `priority_policy`)."),
    )
    .attribute(
        Attribute::enumeration::<PriorityPolicy>("priority_policy")
            .default_variant(PriorityPolicy::None)
            .description("Pull consumers: how the priority groups share messages."),
    )
    .attribute(seconds("priority_timeout", 0, &format!("With `pinned_client`: how long a pinned client keeps its pin without pulling. Left out, the server's default of {PIN_TIMEOUT} s, planned as such; `0` also means the server's default and stays `0` in state")))
    .attribute(Attribute::string("pause_until").optional().computed().validate(RFC3339_TIME).description(

        "Pause delivery until this time (RFC 3339); a time in the past resumes delivery (e.g. `1970-01-01T00:00:00Z`). Left out, the pause is not managed: whatever pause the server holds is kept and shown (as the official provider, which has no such attribute, leaves a `nats consumer pause` in place), and a new consumer starts unpaused. Removing the attribute therefore does not resume the consumer: set a past time.",
    ))
}
