//! Between the Terraform model (seconds, flat placement/republish attributes, bucket
//! names and `domain` on origins) and [`KvBucketConfig`], whose
//! `to_stream_config`/`from_stream_config` make the stream the NATS clients make.
//! Reading back keeps the user's own spelling where two mean the same.

use super::model::{KvBucketModel, Origin};
use crate::nats::jetstream::{
    duration_to_seconds, KvBucketConfig, RePublish, StreamConfig, StreamSource,
};
use crate::provider::resources::jetstream::settings::{
    duration, empty_as_written, known, limit_back, placement, placement_back,
};
use crate::provider::resources::jetstream::{origin, KV_BUCKET};

/// All of the bucket's own subjects: what republishing covers when no source is given.
pub fn own_subjects(bucket: &str) -> String {
    format!("$KV.{bucket}.>")
}

fn origin(origin: &Origin) -> Result<StreamSource, String> {
    let external = origin::to_wire(origin.domain.known().map(String::as_str), &origin.external);
    Ok(StreamSource {
        opt_start_seq: origin.start_seq.known().copied().unwrap_or(0),
        opt_start_time: origin.start_time.known().cloned(),
        external,
        ..StreamSource::named(known(&origin.name, "name")?)
    })
}

/// An origin as the server holds it (stream name `KV_<origin>`, keys moved by a
/// subject transform), as the user wrote it: bucket name, `domain` or `external`
/// following `as_written`.
fn origin_back(source: &StreamSource, as_written: Option<&Origin>) -> Origin {
    let prefix = KV_BUCKET.stream_prefix;
    let wrote_stream_name =
        as_written.is_some_and(|o| o.name.is_known_and(|n| n.starts_with(prefix)));
    let name = if wrote_stream_name {
        source.name.clone()
    } else {
        source
            .name
            .strip_prefix(prefix)
            .unwrap_or(&source.name)
            .to_string()
    };
    let (domain, external) = origin::from_wire(
        source.external.as_ref(),
        as_written.is_some_and(|o| !o.external.is_empty()),
    );
    Origin {
        name: name.into(),
        domain: domain.into(),
        start_seq: Some(source.opt_start_seq).filter(|s| *s > 0).into(),
        start_time: source
            .opt_start_time
            .clone()
            .filter(|t| !t.is_empty())
            .into(),
        external,
    }
}

/// The bucket configuration for a planned model (all values known, defaults applied).
pub fn to_bucket(model: &KvBucketModel) -> Result<KvBucketConfig, String> {
    let bucket = known(&model.name, "name")?;
    let republish = match model.republish_destination.known() {
        Some(destination) => Some(RePublish {
            src: model
                .republish_source
                .known()
                .cloned()
                .unwrap_or_else(|| own_subjects(&bucket)),
            dest: destination.clone(),
            headers_only: known(&model.republish_headers_only, "republish_headers_only")?,
        }),
        None => None,
    };
    Ok(KvBucketConfig {
        description: model.description.known().cloned(),
        history: known(&model.history, "history")?,
        ttl: duration(Some(known(&model.ttl, "ttl")?), "ttl")?,
        max_value_size: i32::try_from(known(&model.max_value_size, "max_value_size")?)
            .map_err(|_| "`max_value_size` is too large".to_string())?,
        max_bytes: known(&model.max_bucket_size, "max_bucket_size")?,
        storage: known(&model.storage, "storage")?,
        num_replicas: known(&model.replicas, "replicas")?,
        compression: known(&model.compression, "compression")?,
        placement: placement(&model.placement_cluster, &model.placement_tags),
        republish,
        mirror: model.mirror.first().map(origin).transpose()?,
        sources: model.source.iter().map(origin).collect::<Result<_, _>>()?,
        metadata: model.metadata.known().cloned().unwrap_or_default(),
        limit_marker_ttl: duration(
            Some(known(&model.limit_marker_ttl, "limit_marker_ttl")?),
            "limit_marker_ttl",
        )?,
        bucket,
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
/// domain used, force_destroy, and the spelling of origins, limits and empty values.
pub fn from_stream_config(
    config: &StreamConfig,
    as_written: &KvBucketModel,
) -> Option<KvBucketModel> {
    let bucket = KvBucketConfig::from_stream_config(config)?;
    let (placement_cluster, placement_tags) = placement_back(
        &bucket.placement,
        &as_written.placement_cluster,
        &as_written.placement_tags,
    );
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
        id: KV_BUCKET.id(as_written.domain(), &bucket.bucket).into(),
        name: bucket.bucket.clone().into(),
        domain: as_written.domain.clone(),
        description: empty_as_written(
            bucket.description.clone().unwrap_or_default(),
            &as_written.description,
        ),
        history: bucket.history.into(),
        ttl: duration_to_seconds(bucket.ttl).into(),
        max_value_size: limit_back(i64::from(bucket.max_value_size), &as_written.max_value_size),
        max_bucket_size: limit_back(bucket.max_bytes, &as_written.max_bucket_size),
        storage: bucket.storage.into(),
        replicas: bucket.num_replicas.into(),
        compression: bucket.compression.into(),
        placement_cluster,
        placement_tags,
        // Left out, the source is all of the bucket's subjects; read it back as left out.
        republish_source: bucket
            .republish
            .as_ref()
            .map(|r| r.src.clone())
            .filter(|src| {
                !as_written.republish_source.is_null() || *src != default_republish_source
            })
            .into(),
        republish_destination: bucket.republish.as_ref().map(|r| r.dest.clone()).into(),
        republish_headers_only: bucket
            .republish
            .as_ref()
            .is_some_and(|r| r.headers_only)
            .into(),
        metadata: empty_as_written(bucket.metadata.clone(), &as_written.metadata),
        limit_marker_ttl: duration_to_seconds(bucket.limit_marker_ttl).into(),
        force_destroy: as_written
            .force_destroy
            .known()
            .copied()
            .unwrap_or(false)
            .into(),
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
    use crate::framework::Field::{self, Known};
    use crate::nats::jetstream::StorageType;
    use crate::provider::resources::jetstream::origin::External;

    /// A bucket as planned: every attribute with a default has its value.
    fn planned(name: &str) -> KvBucketModel {
        KvBucketModel {
            name: Known(name.into()),
            history: Known(5),
            ttl: Known(0),
            max_value_size: Known(-1),
            max_bucket_size: Known(-1),
            storage: Known(StorageType::File),
            replicas: Known(1),
            compression: Known(false),
            republish_headers_only: Known(false),
            limit_marker_ttl: Known(0),
            force_destroy: Known(false),
            ..KvBucketModel::default()
        }
    }

    fn written() -> KvBucketModel {
        KvBucketModel {
            history: Known(3),
            ttl: Known(60),
            max_value_size: Known(0),
            storage: Known(StorageType::Memory),
            compression: Known(true),
            republish_destination: Known("changes.>".into()),
            limit_marker_ttl: Known(5),
            metadata: Known([("team".to_string(), "ops".to_string())].into()),
            description: Known(String::new()),
            force_destroy: Known(true),
            source: vec![
                Origin {
                    name: Known("defaults".into()),
                    ..Origin::default()
                },
                Origin {
                    name: Known("remote".into()),
                    domain: Known("hub".into()),
                    start_seq: Known(4),
                    ..Origin::default()
                },
            ],
            ..planned("config")
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
                id: Known("JETSTREAM_KV_config".into()),
                ..model
            }
        );
    }

    #[test]
    fn a_mirror_keeps_the_spelling_of_its_origin() {
        let model = KvBucketModel {
            mirror: vec![Origin {
                name: Known("KV_config".into()),
                external: vec![External {
                    api: Known("$JS.hub.API".into()),
                    deliver: Field::Null,
                }],
                ..Origin::default()
            }],
            ..planned("copy")
        };
        let config = to_stream_config(&model).unwrap();
        assert!(config.subjects.is_empty());
        let back = from_stream_config(&config, &model).unwrap();
        assert_eq!(back.mirror, model.mirror);
        // Read without prior state (import), the same origin is a bucket in a domain.
        let imported = from_stream_config(&config, &KvBucketModel::default()).unwrap();
        assert_eq!(imported.mirror[0].name, Known("config".to_string()));
        assert_eq!(imported.mirror[0].domain, Known("hub".to_string()));
    }

    #[test]
    fn a_planned_model_without_its_defaults_is_a_provider_bug() {
        let problem = to_stream_config(&KvBucketModel::default()).unwrap_err();
        assert!(problem.contains("`name` has no value"), "{problem}");
    }

    #[test]
    fn streams_that_are_not_buckets_are_refused() {
        let config = StreamConfig::named("ORDERS");
        assert!(from_stream_config(&config, &KvBucketModel::default()).is_none());
    }
}
