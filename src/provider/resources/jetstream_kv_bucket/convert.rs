//! Between the Terraform model (seconds, flat placement/republish attributes, bucket
//! names and `domain` on origins) and [`KvBucketConfig`], whose
//! `to_stream_config`/`from_stream_config` make the stream the NATS clients make.
//! Reading back keeps the user's own spelling where two mean the same.

use super::model::{KvBucketModel, Origin, DEFAULT_HISTORY};
use crate::nats::jetstream::{
    duration_to_seconds, KvBucketConfig, RePublish, StreamConfig, StreamSource,
};
use crate::provider::resources::jetstream::settings::{
    duration, limit_back, placement, placement_back, storage, storage_word,
};
use crate::provider::resources::jetstream::{origin, KV_BUCKET};

/// All of the bucket's own subjects: what republishing covers when no source is given.
fn own_subjects(bucket: &str) -> String {
    format!("$KV.{bucket}.>")
}

fn origin(origin: &Origin) -> StreamSource {
    let external = origin::to_wire(origin.domain.as_deref(), &origin.external);
    StreamSource {
        opt_start_seq: origin.start_seq.unwrap_or(0),
        opt_start_time: origin.start_time.clone(),
        external,
        ..StreamSource::named(origin.name.clone())
    }
}

/// An origin as the server holds it (stream name `KV_<origin>`, keys moved by a
/// subject transform), as the user wrote it: bucket name, `domain` or `external`
/// following `as_written`.
fn origin_back(source: &StreamSource, as_written: Option<&Origin>) -> Origin {
    let wrote_stream_name = as_written.is_some_and(|o| o.name.starts_with(KV_BUCKET.stream_prefix));
    let name = if wrote_stream_name {
        source.name.clone()
    } else {
        source
            .name
            .strip_prefix(KV_BUCKET.stream_prefix)
            .unwrap_or(&source.name)
            .to_string()
    };
    let (domain, external) = origin::from_wire(
        source.external.as_ref(),
        as_written.is_some_and(|o| !o.external.is_empty()),
    );
    Origin {
        name,
        domain,
        start_seq: Some(source.opt_start_seq).filter(|s| *s > 0),
        start_time: source.opt_start_time.clone().filter(|t| !t.is_empty()),
        external,
    }
}

/// The bucket configuration for a planned model (all values known).
pub fn to_bucket(model: &KvBucketModel) -> Result<KvBucketConfig, String> {
    let republish = model
        .republish_destination
        .as_ref()
        .map(|destination| RePublish {
            src: model
                .republish_source
                .clone()
                .unwrap_or_else(|| own_subjects(&model.name)),
            dest: destination.clone(),
            headers_only: model.republish_headers_only.unwrap_or(false),
        });
    Ok(KvBucketConfig {
        bucket: model.name.clone(),
        description: model.description.clone(),
        history: model.history.unwrap_or(DEFAULT_HISTORY),
        ttl: duration(model.ttl, "ttl")?,
        max_value_size: i32::try_from(model.max_value_size.unwrap_or(-1))
            .map_err(|_| "`max_value_size` is too large".to_string())?,
        max_bytes: model.max_bucket_size.unwrap_or(-1),
        storage: storage(&model.storage)?,
        num_replicas: model.replicas.unwrap_or(1),
        compression: model.compression.unwrap_or(false),
        placement: placement(&model.placement_cluster, &model.placement_tags),
        republish,
        mirror: model.mirror.first().map(origin),
        sources: model.source.iter().map(origin).collect(),
        metadata: model.metadata.clone().unwrap_or_default(),
        limit_marker_ttl: duration(model.limit_marker_ttl, "limit_marker_ttl")?,
    })
}

/// The stream config to send for a planned model.
pub fn to_stream_config(model: &KvBucketModel) -> Result<StreamConfig, String> {
    to_bucket(model)?
        .to_stream_config()
        .map_err(|e| e.to_string())
}

/// The model as the server holds it; `None` when the stream is not a KV bucket.
/// `as_written` (prior state or plan) supplies what the server does not hold: the
/// domain used and the spelling of origins and limits.
pub fn from_stream_config(
    config: &StreamConfig,
    as_written: &KvBucketModel,
) -> Option<KvBucketModel> {
    let bucket = KvBucketConfig::from_stream_config(config)?;
    let (placement_cluster, placement_tags) = placement_back(&bucket.placement);
    let default_republish_source = own_subjects(&bucket.bucket);
    let sources = bucket
        .sources
        .iter()
        .enumerate()
        .map(|(index, source)| {
            // The transform the client mapping adds (`$KV.<origin>.>` to ours) is
            // implied by the block, not written in it.
            let mut source = source.clone();
            let origin = source
                .name
                .strip_prefix(KV_BUCKET.stream_prefix)
                .unwrap_or(&source.name);
            let implied = [own_subjects(origin), default_republish_source.clone()];
            if source.subject_transforms.len() == 1
                && source.subject_transforms[0].src == implied[0]
                && source.subject_transforms[0].dest == implied[1]
            {
                source.subject_transforms.clear();
            }
            origin_back(&source, as_written.source.get(index))
        })
        .collect();
    Some(KvBucketModel {
        id: Some(KV_BUCKET.id(as_written.domain.as_deref(), &bucket.bucket)),
        name: bucket.bucket.clone(),
        domain: as_written.domain.clone(),
        description: bucket.description.clone().filter(|d| !d.is_empty()),
        history: Some(bucket.history),
        ttl: Some(duration_to_seconds(bucket.ttl)),
        max_value_size: limit_back(i64::from(bucket.max_value_size), as_written.max_value_size),
        max_bucket_size: limit_back(bucket.max_bytes, as_written.max_bucket_size),
        storage: Some(storage_word(bucket.storage)),
        replicas: Some(bucket.num_replicas),
        compression: Some(bucket.compression),
        placement_cluster,
        placement_tags,
        // Left out, the source is all of the bucket's subjects; read it back as left out.
        republish_source: bucket
            .republish
            .as_ref()
            .map(|r| r.src.clone())
            .filter(|src| {
                as_written.republish_source.is_some() || *src != default_republish_source
            }),
        republish_destination: bucket.republish.as_ref().map(|r| r.dest.clone()),
        republish_headers_only: Some(bucket.republish.as_ref().is_some_and(|r| r.headers_only)),
        metadata: Some(bucket.metadata.clone()).filter(|m| !m.is_empty()),
        limit_marker_ttl: Some(duration_to_seconds(bucket.limit_marker_ttl)),
        force_destroy: as_written.force_destroy.or(Some(false)),
        mirror: bucket
            .mirror
            .iter()
            .map(|m| origin_back(m, as_written.mirror.first()))
            .collect(),
        source: sources,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::resources::jetstream::origin::External;

    fn written() -> KvBucketModel {
        KvBucketModel {
            name: "config".into(),
            history: Some(3),
            ttl: Some(60),
            max_value_size: Some(0),
            max_bucket_size: Some(-1),
            storage: Some("memory".into()),
            replicas: Some(1),
            compression: Some(true),
            republish_destination: Some("changes.>".into()),
            republish_headers_only: Some(false),
            limit_marker_ttl: Some(5),
            metadata: Some([("team".to_string(), "ops".to_string())].into()),
            force_destroy: Some(true),
            source: vec![
                Origin {
                    name: "defaults".into(),
                    ..Origin::default()
                },
                Origin {
                    name: "remote".into(),
                    domain: Some("hub".into()),
                    start_seq: Some(4),
                    ..Origin::default()
                },
            ],
            ..KvBucketModel::default()
        }
    }

    #[test]
    fn a_bucket_reads_back_as_written() {
        let model = written();
        let config = to_stream_config(&model).unwrap();
        assert_eq!(config.name, "KV_config");
        assert_eq!(config.max_msgs_per_subject, 3);
        assert_eq!(config.max_age, std::time::Duration::from_secs(60));
        assert_eq!(config.sources[0].name, "KV_defaults");
        assert_eq!(
            config.sources[1].external.as_ref().unwrap().api,
            "$JS.hub.API"
        );
        assert_eq!(config.republish.as_ref().unwrap().src, "$KV.config.>");
        let back = from_stream_config(&config, &model).unwrap();
        assert_eq!(
            back,
            KvBucketModel {
                id: Some("JETSTREAM_KV_config".into()),
                ..model
            }
        );
    }

    #[test]
    fn a_mirror_keeps_the_spelling_of_its_origin() {
        let model = KvBucketModel {
            name: "copy".into(),
            mirror: vec![Origin {
                name: "KV_config".into(),
                external: vec![External {
                    api: "$JS.hub.API".into(),
                    deliver: None,
                }],
                ..Origin::default()
            }],
            ..KvBucketModel::default()
        };
        let config = to_stream_config(&model).unwrap();
        assert!(config.subjects.is_empty());
        let back = from_stream_config(&config, &model).unwrap();
        assert_eq!(back.mirror, model.mirror);
        // Read without prior state (import), the same origin is a bucket in a domain.
        let imported = from_stream_config(&config, &KvBucketModel::default()).unwrap();
        assert_eq!(imported.mirror[0].name, "config");
        assert_eq!(imported.mirror[0].domain.as_deref(), Some("hub"));
    }

    #[test]
    fn streams_that_are_not_buckets_are_refused() {
        let config = StreamConfig::named("ORDERS");
        assert!(from_stream_config(&config, &KvBucketModel::default()).is_none());
    }
}
