//! Between the Terraform model (seconds, flat placement/republish attributes, `domain`
//! on origins) and the server's `StreamConfig` (nanoseconds, nested objects, external
//! API prefixes). Reading back keeps the user's own spelling where two mean the same.

use super::model::{Origin, PersistModeWord, StreamModel, Transform};
use crate::framework::Field;
use crate::nats::jetstream::{
    duration_to_seconds, user_metadata, ConsumerLimits, Placement, RePublish, SourceConsumer,
    StreamConfig, StreamInfo, StreamSource, SubjectTransform,
};
use crate::provider::resources::jetstream::origin::{self, OriginConsumer};
use crate::provider::resources::jetstream::settings::{self, duration, empty_as_written, known};
use crate::provider::resources::jetstream::STREAM;

fn transforms(list: &[Transform]) -> Result<Vec<SubjectTransform>, String> {
    list.iter()
        .map(|t| {
            Ok(SubjectTransform {
                src: known(&t.source, "subject_transform.source")?,
                dest: known(&t.destination, "subject_transform.destination")?,
            })
        })
        .collect()
}

fn transforms_back(list: &[SubjectTransform]) -> Vec<Transform> {
    list.iter()
        .map(|t| Transform {
            source: t.src.clone().into(),
            destination: t.dest.clone().into(),
        })
        .collect()
}

fn origin(origin: &Origin) -> Result<StreamSource, String> {
    let name = known(&origin.name, "name")?;
    let consumer = origin.consumer.first().map(|c| -> Result<_, String> {
        Ok(SourceConsumer {
            name: known(&c.name, "consumer.name")?,
            deliver_subject: known(&c.deliver_subject, "consumer.deliver_subject")?,
        })
    });
    Ok(StreamSource {
        opt_start_seq: origin.start_seq.known().copied().unwrap_or(0),
        opt_start_time: origin.start_time.known().cloned(),
        filter_subject: origin.filter_subject.known().cloned(),
        subject_transforms: transforms(&origin.subject_transform)?,
        external: origin::to_wire(origin.domain.known().map(String::as_str), &origin.external),
        consumer: consumer.transpose()?,
        ..StreamSource::named(name)
    })
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
        name: source.name.clone().into(),
        domain: domain.into(),
        start_seq: Some(source.opt_start_seq).filter(|s| *s > 0).into(),
        start_time: source
            .opt_start_time
            .clone()
            .filter(|t| !t.is_empty())
            .into(),
        filter_subject: source
            .filter_subject
            .clone()
            .filter(|f| !f.is_empty())
            .into(),
        subject_transform: transforms_back(&source.subject_transforms),
        external,
        consumer: source
            .consumer
            .iter()
            .map(|c| OriginConsumer {
                name: c.name.clone().into(),
                deliver_subject: c.deliver_subject.clone().into(),
            })
            .collect(),
    }
}

/// The server configuration for a planned stream (all values known, defaults applied).
pub fn to_config(model: &StreamModel) -> Result<StreamConfig, String> {
    let written = |field: &Field<String>| field.known().filter(|v| !v.is_empty()).cloned();
    let preferred = written(&model.placement_preferred);
    let placement = settings::placement(&model.placement_cluster, &model.placement_tags)
        .map(|placement| Placement {
            preferred: preferred.clone(),
            ..placement
        })
        .or_else(|| {
            preferred.clone().map(|preferred| Placement {
                preferred: Some(preferred),
                ..Placement::default()
            })
        });
    let republish = match model.republish_destination.known() {
        Some(destination) => Some(RePublish {
            src: model
                .republish_source
                .known()
                .cloned()
                .unwrap_or_else(|| ">".into()),
            dest: destination.clone(),
            headers_only: known(&model.republish_headers_only, "republish_headers_only")?,
        }),
        None => None,
    };
    let seconds = |field: &Field<i64>, name: &str| duration(Some(known(field, name)?), name);
    Ok(StreamConfig {
        name: known(&model.name, "name")?,
        description: model.description.known().cloned(),
        subjects: model.subjects.known().cloned().unwrap_or_default(),
        retention: known(&model.retention, "retention")?,
        max_consumers: known(&model.max_consumers, "max_consumers")?,
        max_msgs: known(&model.max_msgs, "max_msgs")?,
        max_bytes: known(&model.max_bytes, "max_bytes")?,
        max_age: seconds(&model.max_age, "max_age")?,
        max_msgs_per_subject: known(&model.max_msgs_per_subject, "max_msgs_per_subject")?,
        max_msg_size: i32::try_from(known(&model.max_msg_size, "max_msg_size")?)
            .map_err(|_| "`max_msg_size` is too large".to_string())?,
        discard: known(&model.discard, "discard")?,
        storage: known(&model.storage, "storage")?,
        num_replicas: known(&model.replicas, "replicas")?,
        no_ack: !known(&model.ack, "ack")?,
        duplicate_window: seconds(&model.duplicate_window, "duplicate_window")?,
        placement,
        mirror: model.mirror.first().map(origin).transpose()?,
        sources: model.source.iter().map(origin).collect::<Result<_, _>>()?,
        compression: known(&model.compression, "compression")?,
        first_seq: known(&model.first_seq, "first_seq")?,
        subject_transform: transforms(&model.subject_transform)?.into_iter().next(),
        republish,
        allow_direct: known(&model.allow_direct, "allow_direct")?,
        mirror_direct: known(&model.mirror_direct, "mirror_direct")?,
        discard_new_per_subject: known(&model.discard_new_per_subject, "discard_new_per_subject")?,
        sealed: known(&model.sealed, "sealed")?,
        deny_delete: known(&model.deny_delete, "deny_delete")?,
        deny_purge: known(&model.deny_purge, "deny_purge")?,
        allow_rollup_hdrs: known(&model.allow_rollup_hdrs, "allow_rollup_hdrs")?,
        consumer_limits: ConsumerLimits {
            inactive_threshold: seconds(&model.inactive_threshold, "inactive_threshold")?,
            max_ack_pending: known(&model.max_ack_pending, "max_ack_pending")?,
        },
        allow_msg_ttl: known(&model.allow_msg_ttl, "allow_msg_ttl")?,
        subject_delete_marker_ttl: seconds(
            &model.subject_delete_marker_ttl,
            "subject_delete_marker_ttl",
        )?,
        allow_msg_counter: known(&model.allow_msg_counter, "allow_msg_counter")?,
        allow_atomic: known(&model.allow_atomic, "allow_atomic")?,
        allow_msg_schedules: known(&model.allow_msg_schedules, "allow_msg_schedules")?,
        persist_mode: known(&model.persist_mode, "persist_mode")?.mode(),
        allow_batched: known(&model.allow_batched, "allow_batched")?,
        metadata: model.metadata.known().cloned().unwrap_or_default(),
    })
}

/// The model as the server has it; `as_written` (the prior state or plan) supplies
/// what the server does not hold (the domain used, force_destroy) and the user's
/// spelling where two mean the same (an empty list or string, `external` vs `domain`,
/// a republish source left out, the server's default `subjects = [name]`).
pub fn from_info(info: &StreamInfo, as_written: &StreamModel) -> StreamModel {
    let config = &info.config;
    let placement = config.placement.as_ref();
    // Left out or `[]`, the server listens on the stream's name: read that back as written.
    let wrote_none = !as_written.subjects.is_known_and(|s| !s.is_empty());
    let subjects = if wrote_none && config.subjects == [config.name.clone()] {
        Vec::new()
    } else {
        config.subjects.clone()
    };
    StreamModel {
        id: STREAM
            .id(as_written.domain.known().map(String::as_str), &config.name)
            .into(),
        name: config.name.clone().into(),
        domain: as_written.domain.clone(),
        description: empty_as_written(
            config.description.clone().unwrap_or_default(),
            &as_written.description,
        ),
        metadata: empty_as_written(user_metadata(&config.metadata), &as_written.metadata),
        subjects: empty_as_written(subjects, &as_written.subjects),
        retention: config.retention.into(),
        storage: config.storage.into(),
        discard: config.discard.into(),
        discard_new_per_subject: config.discard_new_per_subject.into(),
        max_msgs: config.max_msgs.into(),
        max_msgs_per_subject: config.max_msgs_per_subject.into(),
        max_bytes: config.max_bytes.into(),
        max_msg_size: i64::from(config.max_msg_size).into(),
        max_consumers: config.max_consumers.into(),
        max_age: duration_to_seconds(config.max_age).into(),
        duplicate_window: duration_to_seconds(config.duplicate_window).into(),
        replicas: config.num_replicas.into(),
        compression: config.compression.into(),
        ack: (!config.no_ack).into(),
        allow_direct: config.allow_direct.into(),
        mirror_direct: config.mirror_direct.into(),
        allow_rollup_hdrs: config.allow_rollup_hdrs.into(),
        deny_delete: config.deny_delete.into(),
        deny_purge: config.deny_purge.into(),
        sealed: config.sealed.into(),
        placement_cluster: empty_as_written(
            placement
                .and_then(|p| p.cluster.clone())
                .unwrap_or_default(),
            &as_written.placement_cluster,
        ),
        placement_tags: empty_as_written(
            placement.map(|p| p.tags.clone()).unwrap_or_default(),
            &as_written.placement_tags,
        ),
        placement_preferred: empty_as_written(
            placement
                .and_then(|p| p.preferred.clone())
                .unwrap_or_default(),
            &as_written.placement_preferred,
        ),
        // Left out, the source is sent as `>`; read it back as left out.
        republish_source: config
            .republish
            .as_ref()
            .map(|r| r.src.clone())
            .filter(|src| !as_written.republish_source.is_null() || src != ">")
            .into(),
        republish_destination: config.republish.as_ref().map(|r| r.dest.clone()).into(),
        republish_headers_only: config
            .republish
            .as_ref()
            .is_some_and(|r| r.headers_only)
            .into(),
        max_ack_pending: config.consumer_limits.max_ack_pending.into(),
        inactive_threshold: duration_to_seconds(config.consumer_limits.inactive_threshold).into(),
        allow_msg_ttl: config.allow_msg_ttl.into(),
        subject_delete_marker_ttl: duration_to_seconds(config.subject_delete_marker_ttl).into(),
        allow_msg_counter: config.allow_msg_counter.into(),
        allow_atomic: config.allow_atomic.into(),
        allow_msg_schedules: config.allow_msg_schedules.into(),
        allow_batched: config.allow_batched.into(),
        first_seq: config.first_seq.into(),
        persist_mode: PersistModeWord::read_back(config.persist_mode, &as_written.persist_mode)
            .into(),
        force_destroy: as_written
            .force_destroy
            .known()
            .copied()
            .unwrap_or(false)
            .into(),
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
