//! Between the Terraform model (official provider's names, seconds, `deliver_*`
//! flags) and the server's `ConsumerConfig` (durations, one deliver policy). Reading
//! back keeps the user's own spelling where two mean the same, so nothing flip-flops.

use std::time::Duration;

use super::model::{instant, ConsumerAddress, ConsumerModel};
use super::plan::ack_wait_left_out;
use super::schema::PIN_TIMEOUT;
use crate::framework::Field;
use crate::nats::jetstream::{
    duration_to_seconds, seconds_to_duration, user_metadata, ConsumerConfig, ConsumerInfo,
    DeliverPolicy, PriorityPolicy, MAX_DURATION_SECONDS,
};
use time::format_description::well_known::Rfc3339;

/// The known value, or the type's zero: the planned model holds the schema's default
/// wherever the configuration left a value out.
fn or_zero<T: Copy + Default>(field: &Field<T>) -> T {
    field.known().copied().unwrap_or_default()
}

fn duration(seconds: &Field<i64>, what: &str) -> Result<Duration, String> {
    seconds_to_duration(or_zero(seconds))
        .ok_or_else(|| format!("`{what}` must be between 0 and {MAX_DURATION_SECONDS} seconds"))
}

/// The deliver policy the model spells, with its start sequence and time.
pub fn deliver_policy(model: &ConsumerModel) -> DeliverPolicy {
    let on = |flag: &Field<bool>| flag.is_known_and(|on| *on);
    if on(&model.deliver_last) {
        DeliverPolicy::Last
    } else if on(&model.deliver_new) {
        DeliverPolicy::New
    } else if on(&model.deliver_last_per_subject) {
        DeliverPolicy::LastPerSubject
    } else if model.stream_sequence.is_known_and(|s| *s > 0) {
        DeliverPolicy::ByStartSequence
    } else if model.start_time.is_known() {
        DeliverPolicy::ByStartTime
    } else {
        DeliverPolicy::All
    }
}

/// The attribute that spells a deliver policy.
pub fn start_attribute(policy: DeliverPolicy) -> &'static str {
    match policy {
        DeliverPolicy::All => "deliver_all",
        DeliverPolicy::Last => "deliver_last",
        DeliverPolicy::New => "deliver_new",
        DeliverPolicy::LastPerSubject => "deliver_last_per_subject",
        DeliverPolicy::ByStartSequence => "stream_sequence",
        DeliverPolicy::ByStartTime => "start_time",
    }
}

/// The server configuration for a planned consumer (all values known).
pub fn to_config(model: &ConsumerModel) -> Result<ConsumerConfig, String> {
    let backoff = model
        .backoff
        .known()
        .into_iter()
        .flatten()
        .map(|step| duration(&Field::Known(*step), "backoff"))
        .collect::<Result<Vec<_>, _>>()?;
    let start_time = match model.start_time.known() {
        Some(text) => Some(
            instant(text)
                .and_then(|t| t.format(&Rfc3339).ok())
                .ok_or_else(|| format!("`start_time` {text:?} is not an RFC 3339 time"))?,
        ),
        None => None,
    };
    let policy = deliver_policy(model);
    let durable = model.durable().to_string();
    // The plan holds it; should it not, the same value the plan would have.
    let ack_wait = match model.ack_wait {
        Field::Known(seconds) => Field::Known(seconds),
        _ => ack_wait_left_out(model),
    };
    Ok(ConsumerConfig {
        durable_name: Some(durable.clone()),
        name: Some(durable),
        description: model.description.known().cloned(),
        deliver_policy: policy,
        opt_start_seq: if policy == DeliverPolicy::ByStartSequence {
            or_zero(&model.stream_sequence)
        } else {
            0
        },
        opt_start_time: start_time.filter(|_| policy == DeliverPolicy::ByStartTime),
        ack_policy: or_zero(&model.ack_policy),
        ack_wait: duration(&ack_wait, "ack_wait")?,
        max_deliver: or_zero(&model.max_delivery),
        backoff,
        filter_subject: model.filter_subject.known().cloned(),
        filter_subjects: model.filter_subjects.known().cloned().unwrap_or_default(),
        replay_policy: or_zero(&model.replay_policy),
        rate_limit_bps: or_zero(&model.ratelimit),
        sample_freq: model
            .sample_freq
            .known()
            .filter(|f| **f > 0)
            .map(|f| format!("{f}%")),
        max_waiting: or_zero(&model.max_waiting),
        max_ack_pending: or_zero(&model.max_ack_pending),
        flow_control: or_zero(&model.flow_control),
        headers_only: or_zero(&model.headers_only),
        max_batch: or_zero(&model.max_batch),
        max_expires: duration(&model.max_expires, "max_expires")?,
        max_bytes: or_zero(&model.max_bytes),
        deliver_subject: model.delivery_subject.known().cloned(),
        deliver_group: model.delivery_group.known().cloned(),
        idle_heartbeat: duration(&model.heartbeat, "heartbeat")?,
        inactive_threshold: duration(&model.inactive_threshold, "inactive_threshold")?,
        num_replicas: or_zero(&model.replicas),
        mem_storage: or_zero(&model.memory),
        metadata: model.metadata.known().cloned().unwrap_or_default(),
        pause_until: model.pause_until.known().cloned(),
        priority_groups: model.priority_groups.known().cloned().unwrap_or_default(),
        priority_policy: or_zero(&model.priority_policy),
        priority_timeout: duration(&model.priority_timeout, "priority_timeout")?,
    })
}

/// A time as the server holds it, spelled as the user wrote it when both name the
/// same instant (the server answers in UTC with its own precision).
fn same_time(server: Option<&str>, written: &Field<String>) -> Field<String> {
    let Some(server) = server.filter(|s| !s.is_empty()) else {
        return Field::Null;
    };
    match written.known() {
        Some(text) if instant(text).is_some() && instant(text) == instant(server) => {
            Field::Known(text.clone())
        }
        _ => Field::Known(server.to_string()),
    }
}

/// The pin timeout, spelled `0` when written so: with `pinned_client` the server turns
/// 0 into its default, and both mean the same.
fn pin_timeout(config: &ConsumerConfig, written: &Field<i64>) -> i64 {
    let seconds = duration_to_seconds(config.priority_timeout);
    let pinned = config.priority_policy == PriorityPolicy::PinnedClient;
    if pinned && written.is_known_and(|w| *w == 0) && seconds == PIN_TIMEOUT {
        0
    } else {
        seconds
    }
}

/// The percentage in `sample_freq` (`"30%"` or `"30"`).
fn percent(text: Option<&str>) -> i64 {
    text.and_then(|t| t.trim().trim_end_matches('%').trim().parse().ok())
        .unwrap_or(0)
}

/// Known when `keep` holds, null otherwise (the server's "not set").
fn kept<T>(value: T, keep: impl FnOnce(&T) -> bool) -> Field<T> {
    if keep(&value) {
        Field::Known(value)
    } else {
        Field::Null
    }
}

fn seconds(duration: Duration) -> Field<i64> {
    Field::Known(duration_to_seconds(duration))
}

/// The model as the server has it; `as_written` (the prior state or plan) supplies
/// what the server does not hold: the domain used and the user's spelling.
pub fn from_info(info: &ConsumerInfo, as_written: &ConsumerModel) -> ConsumerModel {
    let config = &info.config;
    let policy = config.deliver_policy;
    let one = config.filter_subject.clone().filter(|f| !f.is_empty());
    let many = config.filter_subjects.clone();
    // filter_subjects = [x] and filter_subject = x mean the same to the server.
    let (filter_subject, filter_subjects) = match (one, many) {
        (Some(one), many)
            if many.is_empty()
                && as_written
                    .filter_subjects
                    .is_known_and(|w| *w == [one.clone()]) =>
        {
            (Field::Null, Field::Known(vec![one]))
        }
        (None, many) if many.len() == 1 && as_written.filter_subject.known() == many.first() => {
            (Field::from(many.first().cloned()), Field::Null)
        }
        (one, many) => (Field::from(one), kept(many, |m| !m.is_empty())),
    };
    let name = info.name.clone();
    let stream_named_so = as_written.stream().name == info.stream_name;
    ConsumerModel {
        id: Field::Known(
            ConsumerAddress {
                domain: as_written.effective_domain(),
                stream: info.stream_name.clone(),
                name: name.clone(),
            }
            .id(),
        ),
        // Keep the user's way of naming the stream (name or stream id).
        stream_id: if stream_named_so {
            as_written.stream_id.clone()
        } else {
            Field::Known(info.stream_name.clone())
        },
        durable_name: Field::Known(config.durable_name.clone().unwrap_or(name)),
        domain: as_written.domain.clone(),
        description: Field::from(config.description.clone().filter(|d| !d.is_empty())),
        metadata: kept(user_metadata(&config.metadata), |m| !m.is_empty()),
        delivery_subject: Field::from(config.deliver_subject.clone().filter(|s| !s.is_empty())),
        delivery_group: Field::from(config.deliver_group.clone().filter(|g| !g.is_empty())),
        deliver_all: Field::Known(policy == DeliverPolicy::All),
        deliver_last: Field::Known(policy == DeliverPolicy::Last),
        deliver_new: Field::Known(policy == DeliverPolicy::New),
        deliver_last_per_subject: Field::Known(policy == DeliverPolicy::LastPerSubject),
        stream_sequence: Field::Known(config.opt_start_seq),
        start_time: same_time(config.opt_start_time.as_deref(), &as_written.start_time),
        ack_policy: Field::Known(config.ack_policy),
        ack_wait: seconds(config.ack_wait),
        max_delivery: Field::Known(config.max_deliver),
        backoff: kept(
            config
                .backoff
                .iter()
                .map(|b| duration_to_seconds(*b))
                .collect(),
            |b: &Vec<i64>| !b.is_empty(),
        ),
        filter_subject,
        filter_subjects,
        replay_policy: Field::Known(config.replay_policy),
        sample_freq: Field::Known(percent(config.sample_freq.as_deref())),
        ratelimit: Field::Known(config.rate_limit_bps),
        max_ack_pending: Field::Known(config.max_ack_pending),
        heartbeat: seconds(config.idle_heartbeat),
        flow_control: Field::Known(config.flow_control),
        max_waiting: kept(config.max_waiting, |w| *w > 0),
        headers_only: Field::Known(config.headers_only),
        max_batch: Field::Known(config.max_batch),
        max_expires: seconds(config.max_expires),
        max_bytes: Field::Known(config.max_bytes),
        inactive_threshold: seconds(config.inactive_threshold),
        replicas: Field::Known(config.num_replicas),
        memory: Field::Known(config.mem_storage),
        priority_groups: kept(config.priority_groups.clone(), |g| !g.is_empty()),
        priority_policy: Field::Known(config.priority_policy),
        priority_timeout: Field::Known(pin_timeout(config, &as_written.priority_timeout)),
        pause_until: same_time(config.pause_until.as_deref(), &as_written.pause_until),
    }
}
