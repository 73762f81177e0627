//! The object bucket as Terraform sees it, and as the `OBJ_<name>` stream the NATS
//! clients make for it.

use crate::nats::jetstream::{duration_to_seconds, ObjectBucketConfig, StreamConfig};
use crate::provider::resources::jetstream::settings::{
    duration, limit_back, placement, placement_back, storage, storage_word,
};
use crate::provider::resources::jetstream::OBJECT_BUCKET;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectBucketModel {
    pub id: Option<String>,
    pub name: String,
    pub domain: Option<String>,
    pub description: Option<String>,
    pub storage: Option<String>,
    pub ttl: Option<i64>,
    pub max_bucket_size: Option<i64>,
    pub replicas: Option<i64>,
    pub compression: Option<bool>,
    pub placement_cluster: Option<String>,
    pub placement_tags: Option<Vec<String>>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub force_destroy: Option<bool>,
}

/// The stream config the clients would create for a planned model.
pub fn to_stream_config(model: &ObjectBucketModel) -> Result<StreamConfig, String> {
    ObjectBucketConfig {
        bucket: model.name.clone(),
        description: model.description.clone(),
        ttl: duration(model.ttl, "ttl")?,
        max_bytes: model.max_bucket_size.unwrap_or(-1),
        storage: storage(&model.storage)?,
        num_replicas: model.replicas.unwrap_or(1),
        compression: model.compression.unwrap_or(false),
        placement: placement(&model.placement_cluster, &model.placement_tags),
        metadata: model.metadata.clone().unwrap_or_default(),
    }
    .to_stream_config()
    .map_err(|e| e.to_string())
}

/// The model as the server holds it; `as_written` supplies the domain used and the
/// user's spelling of "unlimited".
pub fn from_stream_config(
    config: &StreamConfig,
    as_written: &ObjectBucketModel,
) -> Option<ObjectBucketModel> {
    let bucket = ObjectBucketConfig::from_stream_config(config)?;
    let (placement_cluster, placement_tags) = placement_back(&bucket.placement);
    Some(ObjectBucketModel {
        id: Some(OBJECT_BUCKET.id(as_written.domain.as_deref(), &bucket.bucket)),
        name: bucket.bucket,
        domain: as_written.domain.clone(),
        description: bucket.description.filter(|d| !d.is_empty()),
        storage: Some(storage_word(bucket.storage)),
        ttl: Some(duration_to_seconds(bucket.ttl)),
        max_bucket_size: limit_back(bucket.max_bytes, as_written.max_bucket_size),
        replicas: Some(bucket.num_replicas),
        compression: Some(bucket.compression),
        placement_cluster,
        placement_tags,
        metadata: Some(bucket.metadata).filter(|m| !m.is_empty()),
        force_destroy: as_written.force_destroy.or(Some(false)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_reads_back_as_written() {
        let model = ObjectBucketModel {
            name: "assets".into(),
            domain: Some("hub".into()),
            description: Some("images".into()),
            storage: Some("memory".into()),
            ttl: Some(3600),
            max_bucket_size: Some(0),
            replicas: Some(1),
            compression: Some(true),
            placement_cluster: None,
            placement_tags: Some(vec!["ssd".into()]),
            metadata: Some([("team".to_string(), "web".to_string())].into()),
            force_destroy: Some(false),
            ..ObjectBucketModel::default()
        };
        let config = to_stream_config(&model).unwrap();
        assert_eq!(config.name, "OBJ_assets");
        assert_eq!(config.max_age, std::time::Duration::from_secs(3_600));
        assert_eq!(config.max_bytes, -1);
        let back = from_stream_config(&config, &model).unwrap();
        assert_eq!(
            back,
            ObjectBucketModel {
                id: Some("hub:JETSTREAM_OBJ_assets".into()),
                ..model
            }
        );
        assert!(from_stream_config(&StreamConfig::named("KV_x"), &back).is_none());
    }
}
