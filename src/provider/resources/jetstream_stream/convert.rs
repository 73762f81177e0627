//! Between the Terraform model (seconds, flat placement/republish attributes, `domain`
//! on origins) and the server's `StreamConfig` (nanoseconds, nested objects, external
//! API prefixes). Reading back keeps the user's own spelling where two mean the same.

use super::model::{Origin, StreamModel, Transform};
use crate::nats::jetstream::{
    duration_to_seconds, user_metadata, Compression, ConsumerLimits, DiscardPolicy, PersistMode,
    Placement, RePublish, RetentionPolicy, StorageType, StreamConfig, StreamInfo, StreamSource,
    SubjectTransform,
};
use crate::provider::resources::jetstream::settings::duration;
use crate::provider::resources::jetstream::{origin, STREAM};

fn transforms(list: &[Transform]) -> Vec<SubjectTransform> {
    list.iter()
        .map(|t| SubjectTransform {
            src: t.source.clone(),
            dest: t.destination.clone(),
        })
        .collect()
}

fn transforms_back(list: &[SubjectTransform]) -> Vec<Transform> {
    list.iter()
        .map(|t| Transform {
            source: t.src.clone(),
            destination: t.dest.clone(),
        })
        .collect()
}

fn origin(origin: &Origin) -> StreamSource {
    let external = origin::to_wire(origin.domain.as_deref(), &origin.external);
    StreamSource {
        name: origin.name.clone(),
        opt_start_seq: origin.start_seq.unwrap_or(0),
        opt_start_time: origin.start_time.clone(),
        filter_subject: origin.filter_subject.clone(),
        subject_transforms: transforms(&origin.subject_transform),
        external,
        ..StreamSource::named(origin.name.clone())
    }
}

/// An origin as read from the server. `as_written` is the same origin in the prior
/// state: if the user wrote `external { api = "$JS.hub.API" }` it stays that way
/// instead of turning into `domain = "hub"`.
fn origin_back(source: &StreamSource, as_written: Option<&Origin>) -> Origin {
    let (domain, external) = origin::from_wire(
        source.external.as_ref(),
        as_written.is_some_and(|o| !o.external.is_empty()),
    );
    Origin {
        name: source.name.clone(),
        domain,
        start_seq: Some(source.opt_start_seq).filter(|s| *s > 0),
        start_time: source.opt_start_time.clone().filter(|t| !t.is_empty()),
        filter_subject: source.filter_subject.clone().filter(|f| !f.is_empty()),
        subject_transform: transforms_back(&source.subject_transforms),
        external,
    }
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

/// The server configuration for a planned stream (all values known).
pub fn to_config(model: &StreamModel) -> Result<StreamConfig, String> {
    let placement = if model.placement_cluster.is_some()
        || model.placement_tags.is_some()
        || model.placement_preferred.is_some()
    {
        Some(Placement {
            cluster: model.placement_cluster.clone(),
            tags: model.placement_tags.clone().unwrap_or_default(),
            preferred: model.placement_preferred.clone(),
        })
    } else {
        None
    };
    let republish = model
        .republish_destination
        .as_ref()
        .map(|destination| RePublish {
            src: model.republish_source.clone().unwrap_or_else(|| ">".into()),
            dest: destination.clone(),
            headers_only: model.republish_headers_only.unwrap_or(false),
        });
    Ok(StreamConfig {
        name: model.name.clone(),
        description: model.description.clone(),
        subjects: model.subjects.clone().unwrap_or_default(),
        retention: parse::<RetentionPolicy>(&model.retention, RetentionPolicy::Limits)?,
        max_consumers: model.max_consumers.unwrap_or(-1),
        max_msgs: model.max_msgs.unwrap_or(-1),
        max_bytes: model.max_bytes.unwrap_or(-1),
        max_age: duration(model.max_age, "max_age")?,
        max_msgs_per_subject: model.max_msgs_per_subject.unwrap_or(-1),
        max_msg_size: i32::try_from(model.max_msg_size.unwrap_or(-1))
            .map_err(|_| "`max_msg_size` is too large".to_string())?,
        discard: parse::<DiscardPolicy>(&model.discard, DiscardPolicy::Old)?,
        storage: parse::<StorageType>(&model.storage, StorageType::File)?,
        num_replicas: model.replicas.unwrap_or(1),
        no_ack: !model.ack.unwrap_or(true),
        duplicate_window: duration(model.duplicate_window.or(Some(120)), "duplicate_window")?,
        placement,
        mirror: model.mirror.first().map(origin),
        sources: model.source.iter().map(origin).collect(),
        compression: parse::<Compression>(&model.compression, Compression::None)?,
        first_seq: model.first_seq.unwrap_or(0),
        subject_transform: model.subject_transform.first().map(|t| SubjectTransform {
            src: t.source.clone(),
            dest: t.destination.clone(),
        }),
        republish,
        allow_direct: model.allow_direct.unwrap_or(true),
        mirror_direct: model.mirror_direct.unwrap_or(false),
        discard_new_per_subject: model.discard_new_per_subject.unwrap_or(false),
        sealed: model.sealed.unwrap_or(false),
        deny_delete: model.deny_delete.unwrap_or(false),
        deny_purge: model.deny_purge.unwrap_or(false),
        allow_rollup_hdrs: model.allow_rollup_hdrs.unwrap_or(false),
        consumer_limits: ConsumerLimits {
            inactive_threshold: duration(model.inactive_threshold, "inactive_threshold")?,
            max_ack_pending: model.max_ack_pending.unwrap_or(0),
        },
        allow_msg_ttl: model.allow_msg_ttl.unwrap_or(false),
        subject_delete_marker_ttl: duration(
            model.subject_delete_marker_ttl,
            "subject_delete_marker_ttl",
        )?,
        allow_msg_counter: model.allow_msg_counter.unwrap_or(false),
        allow_atomic: model.allow_atomic.unwrap_or(false),
        allow_msg_schedules: model.allow_msg_schedules.unwrap_or(false),
        persist_mode: parse::<PersistMode>(&model.persist_mode, PersistMode::Default)?,
        allow_batched: model.allow_batched.unwrap_or(false),
        metadata: model.metadata.clone().unwrap_or_default(),
    })
}

/// The model as the server has it; `as_written` (the prior state or plan) supplies
/// what the server does not hold: the domain used and the spelling of origins.
pub fn from_info(info: &StreamInfo, as_written: &StreamModel) -> StreamModel {
    let config = &info.config;
    let metadata = user_metadata(&config.metadata);
    let placement = config.placement.as_ref();
    StreamModel {
        id: Some(STREAM.id(as_written.domain.as_deref(), &config.name)),
        name: config.name.clone(),
        domain: as_written.domain.clone(),
        description: config.description.clone().filter(|d| !d.is_empty()),
        metadata: Some(metadata).filter(|m| !m.is_empty()),
        // With no subjects (and no mirror or sources) the server listens on the
        // stream's name; read that default back as "left out" when it was.
        subjects: Some(config.subjects.clone()).filter(|s| {
            let server_default =
                as_written.subjects.is_none() && s.len() == 1 && s[0] == config.name;
            !s.is_empty() && !server_default
        }),
        retention: word(&config.retention),
        storage: word(&config.storage),
        discard: word(&config.discard),
        discard_new_per_subject: Some(config.discard_new_per_subject),
        max_msgs: Some(config.max_msgs),
        max_msgs_per_subject: Some(config.max_msgs_per_subject),
        max_bytes: Some(config.max_bytes),
        max_msg_size: Some(i64::from(config.max_msg_size)),
        max_consumers: Some(config.max_consumers),
        max_age: Some(duration_to_seconds(config.max_age)),
        duplicate_window: Some(duration_to_seconds(config.duplicate_window)),
        replicas: Some(config.num_replicas),
        compression: word(&config.compression),
        ack: Some(!config.no_ack),
        allow_direct: Some(config.allow_direct),
        mirror_direct: Some(config.mirror_direct),
        allow_rollup_hdrs: Some(config.allow_rollup_hdrs),
        deny_delete: Some(config.deny_delete),
        deny_purge: Some(config.deny_purge),
        sealed: Some(config.sealed),
        placement_cluster: placement
            .and_then(|p| p.cluster.clone())
            .filter(|c| !c.is_empty()),
        placement_tags: placement.map(|p| p.tags.clone()).filter(|t| !t.is_empty()),
        placement_preferred: placement
            .and_then(|p| p.preferred.clone())
            .filter(|p| !p.is_empty()),
        // Left out, the source is sent as `>`; read it back as left out.
        republish_source: config
            .republish
            .as_ref()
            .map(|r| r.src.clone())
            .filter(|src| as_written.republish_source.is_some() || src != ">"),
        republish_destination: config.republish.as_ref().map(|r| r.dest.clone()),
        republish_headers_only: Some(config.republish.as_ref().is_some_and(|r| r.headers_only)),
        max_ack_pending: Some(config.consumer_limits.max_ack_pending),
        inactive_threshold: Some(duration_to_seconds(
            config.consumer_limits.inactive_threshold,
        )),
        allow_msg_ttl: Some(config.allow_msg_ttl),
        subject_delete_marker_ttl: Some(duration_to_seconds(config.subject_delete_marker_ttl)),
        allow_msg_counter: Some(config.allow_msg_counter),
        allow_atomic: Some(config.allow_atomic),
        allow_msg_schedules: Some(config.allow_msg_schedules),
        allow_batched: Some(config.allow_batched),
        first_seq: Some(config.first_seq),
        persist_mode: word(&config.persist_mode),
        force_destroy: as_written.force_destroy.or(Some(false)),
        subject_transform: config
            .subject_transform
            .as_ref()
            .map(|t| transforms_back(std::slice::from_ref(t)))
            .unwrap_or_default(),
        mirror: config
            .mirror
            .iter()
            .map(|m| origin_back(m, as_written.mirror.first()))
            .collect(),
        source: config
            .sources
            .iter()
            .enumerate()
            .map(|(i, s)| origin_back(s, as_written.source.get(i)))
            .collect(),
    }
}
