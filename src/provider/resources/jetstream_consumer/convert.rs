//! Between the Terraform model (official provider's names, seconds, `deliver_*`
//! flags) and the server's `ConsumerConfig` (nanoseconds, one deliver policy). Reading
//! back keeps the user's own spelling where two mean the same, so nothing flip-flops.

use std::time::Duration;

use super::model::{ConsumerAddress, ConsumerModel};
use super::schema::PIN_TIMEOUT;
use crate::nats::jetstream::{
    duration_to_seconds, seconds_to_duration, user_metadata, AckPolicy, ConsumerConfig,
    ConsumerInfo, DeliverPolicy, PriorityPolicy, ReplayPolicy, MAX_DURATION_SECONDS,
};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

fn duration(seconds: Option<i64>, what: &str) -> Result<Duration, String> {
    seconds_to_duration(seconds.unwrap_or(0))
        .ok_or_else(|| format!("`{what}` must be between 0 and {MAX_DURATION_SECONDS} seconds"))
}

fn parse<T: serde::de::DeserializeOwned>(value: &Option<String>, default: T) -> Result<T, String> {
    match value {
        None => Ok(default),
        Some(text) => serde_json::from_value(serde_json::Value::String(text.clone()))
            .map_err(|_| format!("{text:?} is not an accepted value")),
    }
}

fn word<T: serde::Serialize>(value: &T) -> Option<String> {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
}

fn instant(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// The deliver policy the model spells, with its start sequence and time.
pub fn deliver_policy(model: &ConsumerModel) -> DeliverPolicy {
    let on = |flag: Option<bool>| flag == Some(true);
    if on(model.deliver_last) {
        DeliverPolicy::Last
    } else if on(model.deliver_new) {
        DeliverPolicy::New
    } else if on(model.deliver_last_per_subject) {
        DeliverPolicy::LastPerSubject
    } else if model.stream_sequence.is_some_and(|s| s > 0) {
        DeliverPolicy::ByStartSequence
    } else if model.start_time.is_some() {
        DeliverPolicy::ByStartTime
    } else {
        DeliverPolicy::All
    }
}

/// The server configuration for a planned consumer (all values known).
pub fn to_config(model: &ConsumerModel) -> Result<ConsumerConfig, String> {
    let backoff = model
        .backoff
        .clone()
        .unwrap_or_default()
        .into_iter()
        .map(|step| duration(Some(step), "backoff"))
        .collect::<Result<Vec<_>, _>>()?;
    let start_time = match &model.start_time {
        Some(text) => Some(
            instant(text)
                .and_then(|t| t.format(&Rfc3339).ok())
                .ok_or_else(|| format!("`start_time` {text:?} is not an RFC 3339 time"))?,
        ),
        None => None,
    };
    let policy = deliver_policy(model);
    Ok(ConsumerConfig {
        durable_name: Some(model.durable_name.clone()),
        name: Some(model.durable_name.clone()),
        description: model.description.clone(),
        deliver_policy: policy,
        opt_start_seq: if policy == DeliverPolicy::ByStartSequence {
            model.stream_sequence.unwrap_or(0)
        } else {
            0
        },
        opt_start_time: start_time.filter(|_| policy == DeliverPolicy::ByStartTime),
        ack_policy: parse(&model.ack_policy, AckPolicy::Explicit)?,
        ack_wait: duration(model.ack_wait.or(Some(30)), "ack_wait")?,
        max_deliver: model.max_delivery.unwrap_or(-1),
        backoff,
        filter_subject: model.filter_subject.clone(),
        filter_subjects: model.filter_subjects.clone().unwrap_or_default(),
        replay_policy: parse(&model.replay_policy, ReplayPolicy::Instant)?,
        rate_limit_bps: model.ratelimit.unwrap_or(0),
        sample_freq: model
            .sample_freq
            .filter(|f| *f > 0)
            .map(|f| format!("{f}%")),
        max_waiting: model.max_waiting.unwrap_or(0),
        max_ack_pending: model.max_ack_pending.unwrap_or(20000),
        flow_control: model.flow_control.unwrap_or(false),
        headers_only: model.headers_only.unwrap_or(false),
        max_batch: model.max_batch.unwrap_or(0),
        max_expires: duration(model.max_expires, "max_expires")?,
        max_bytes: model.max_bytes.unwrap_or(0),
        deliver_subject: model.delivery_subject.clone(),
        deliver_group: model.delivery_group.clone(),
        idle_heartbeat: duration(model.heartbeat, "heartbeat")?,
        inactive_threshold: duration(model.inactive_threshold, "inactive_threshold")?,
        num_replicas: model.replicas.unwrap_or(0),
        mem_storage: model.memory.unwrap_or(false),
        metadata: model.metadata.clone().unwrap_or_default(),
        pause_until: model.pause_until.clone(),
        priority_groups: model.priority_groups.clone().unwrap_or_default(),
        priority_policy: parse(&model.priority_policy, PriorityPolicy::None)?,
        priority_timeout: duration(model.priority_timeout, "priority_timeout")?,
    })
}

/// A time as the server holds it, spelled as the user wrote it when both name the
/// same instant (the server answers in UTC with its own precision).
fn same_time(server: Option<&str>, written: Option<&String>) -> Option<String> {
    let server = server.filter(|s| !s.is_empty())?;
    match written {
        Some(text) if instant(text).is_some() && instant(text) == instant(server) => {
            Some(text.clone())
        }
        _ => Some(server.to_string()),
    }
}

/// The pin timeout, spelled `0` when written so: with `pinned_client` the server turns
/// 0 into its default, and both mean the same.
fn pin_timeout(config: &ConsumerConfig, written: Option<i64>) -> i64 {
    let seconds = duration_to_seconds(config.priority_timeout);
    let pinned = config.priority_policy == PriorityPolicy::PinnedClient;
    if pinned && written == Some(0) && seconds == PIN_TIMEOUT {
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

/// The model as the server has it; `as_written` (the prior state or plan) supplies
/// what the server does not hold: the domain used and the user's spelling.
pub fn from_info(info: &ConsumerInfo, as_written: &ConsumerModel) -> ConsumerModel {
    let config = &info.config;
    let policy = config.deliver_policy;
    // filter_subjects = [x] and filter_subject = x mean the same to the server.
    let (filter_subject, filter_subjects) = match (
        config.filter_subject.clone().filter(|f| !f.is_empty()),
        config.filter_subjects.clone(),
    ) {
        (Some(one), many)
            if many.is_empty() && as_written.filter_subjects == Some(vec![one.clone()]) =>
        {
            (None, Some(vec![one]))
        }
        (None, many) if many.len() == 1 && as_written.filter_subject.as_ref() == many.first() => {
            (many.first().cloned(), None)
        }
        (one, many) => (one, Some(many).filter(|m| !m.is_empty())),
    };
    let name = info.name.clone();
    ConsumerModel {
        id: Some(
            ConsumerAddress {
                domain: as_written.effective_domain(),
                stream: info.stream_name.clone(),
                name: name.clone(),
            }
            .id(),
        ),
        // Keep the user's way of naming the stream (name or stream id).
        stream_id: if as_written.stream().name == info.stream_name {
            as_written.stream_id.clone()
        } else {
            info.stream_name.clone()
        },
        durable_name: config.durable_name.clone().unwrap_or(name),
        domain: as_written.domain.clone(),
        description: config.description.clone().filter(|d| !d.is_empty()),
        metadata: Some(user_metadata(&config.metadata)).filter(|m| !m.is_empty()),
        delivery_subject: config.deliver_subject.clone().filter(|s| !s.is_empty()),
        delivery_group: config.deliver_group.clone().filter(|g| !g.is_empty()),
        deliver_all: Some(policy == DeliverPolicy::All),
        deliver_last: Some(policy == DeliverPolicy::Last),
        deliver_new: Some(policy == DeliverPolicy::New),
        deliver_last_per_subject: Some(policy == DeliverPolicy::LastPerSubject),
        stream_sequence: Some(config.opt_start_seq),
        start_time: same_time(
            config.opt_start_time.as_deref(),
            as_written.start_time.as_ref(),
        ),
        ack_policy: word(&config.ack_policy),
        ack_wait: Some(duration_to_seconds(config.ack_wait)),
        max_delivery: Some(config.max_deliver),
        backoff: Some(
            config
                .backoff
                .iter()
                .map(|b| duration_to_seconds(*b))
                .collect::<Vec<_>>(),
        )
        .filter(|b| !b.is_empty()),
        filter_subject,
        filter_subjects,
        replay_policy: word(&config.replay_policy),
        sample_freq: Some(percent(config.sample_freq.as_deref())),
        ratelimit: Some(config.rate_limit_bps),
        max_ack_pending: Some(config.max_ack_pending),
        heartbeat: Some(duration_to_seconds(config.idle_heartbeat)),
        flow_control: Some(config.flow_control),
        max_waiting: Some(config.max_waiting).filter(|w| *w > 0),
        headers_only: Some(config.headers_only),
        max_batch: Some(config.max_batch),
        max_expires: Some(duration_to_seconds(config.max_expires)),
        max_bytes: Some(config.max_bytes),
        inactive_threshold: Some(duration_to_seconds(config.inactive_threshold)),
        replicas: Some(config.num_replicas),
        memory: Some(config.mem_storage),
        priority_groups: Some(config.priority_groups.clone()).filter(|g| !g.is_empty()),
        priority_policy: word(&config.priority_policy),
        priority_timeout: Some(pin_timeout(config, as_written.priority_timeout)),
        pause_until: same_time(
            config.pause_until.as_deref(),
            as_written.pause_until.as_ref(),
        ),
    }
}
