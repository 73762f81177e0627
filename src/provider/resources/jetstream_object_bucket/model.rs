//! The object bucket as Terraform sees it, and as the `OBJ_<name>` stream the NATS
//! clients make for it.

use crate::framework::Field;
use crate::nats::jetstream::{duration_to_seconds, ObjectBucketConfig, StorageType, StreamConfig};
use crate::provider::resources::jetstream::plan::JetStreamModel;
use crate::provider::resources::jetstream::settings::{
    duration, empty_as_written, known, limit_back, placement, placement_back,
};
use crate::provider::resources::jetstream::OBJECT_BUCKET;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ObjectBucketModel {
    pub id: Field<String>,
    pub name: Field<String>,
    pub domain: Field<String>,
    pub description: Field<String>,
    pub storage: Field<StorageType>,
    pub ttl: Field<i64>,
    pub max_bucket_size: Field<i64>,
    pub replicas: Field<i64>,
    pub compression: Field<bool>,
    pub placement_cluster: Field<String>,
    pub placement_tags: Field<Vec<String>>,
    pub metadata: Field<BTreeMap<String, String>>,
    pub force_destroy: Field<bool>,
}

impl ObjectBucketModel {
    /// The bucket's name (known in every model CRUD sees).
    pub fn bucket(&self) -> &str {
        self.name.known().map_or("", String::as_str)
    }

    /// The domain written, `None` for the provider's default.
    pub fn domain(&self) -> Option<&str> {
        self.domain.known().map(String::as_str)
    }
}

impl JetStreamModel for ObjectBucketModel {
    fn name(&self) -> &Field<String> {
        &self.name
    }
    fn domain(&self) -> &Field<String> {
        &self.domain
    }
    fn force_destroy(&self) -> &Field<bool> {
        &self.force_destroy
    }
    fn replicas(&self) -> &Field<i64> {
        &self.replicas
    }
    fn placement_cluster(&self) -> &Field<String> {
        &self.placement_cluster
    }
    fn placement_tags(&self) -> &Field<Vec<String>> {
        &self.placement_tags
    }
    fn id_mut(&mut self) -> &mut Field<String> {
        &mut self.id
    }
}

/// The stream config the clients would create for a planned model (all values known,
/// defaults applied).
pub fn to_stream_config(model: &ObjectBucketModel) -> Result<StreamConfig, String> {
    ObjectBucketConfig {
        bucket: known(&model.name, "name")?,
        description: model.description.known().cloned(),
        ttl: duration(Some(known(&model.ttl, "ttl")?), "ttl")?,
        max_bytes: known(&model.max_bucket_size, "max_bucket_size")?,
        storage: known(&model.storage, "storage")?,
        num_replicas: known(&model.replicas, "replicas")?,
        compression: known(&model.compression, "compression")?,
        placement: placement(&model.placement_cluster, &model.placement_tags),
        metadata: model.metadata.known().cloned().unwrap_or_default(),
    }
    .to_stream_config()
    .map_err(|e| e.to_string())
}

/// The model as the server holds it; `as_written` supplies the domain used,
/// force_destroy and the user's spelling of "unlimited" and of empty values.
pub fn from_stream_config(
    config: &StreamConfig,
    as_written: &ObjectBucketModel,
) -> Option<ObjectBucketModel> {
    let bucket = ObjectBucketConfig::from_stream_config(config)?;
    let (placement_cluster, placement_tags) = placement_back(
        &bucket.placement,
        &as_written.placement_cluster,
        &as_written.placement_tags,
    );
    Some(ObjectBucketModel {
        id: OBJECT_BUCKET.id(as_written.domain(), &bucket.bucket).into(),
        name: bucket.bucket.into(),
        domain: as_written.domain.clone(),
        description: empty_as_written(
            bucket.description.unwrap_or_default(),
            &as_written.description,
        ),
        storage: bucket.storage.into(),
        ttl: duration_to_seconds(bucket.ttl).into(),
        max_bucket_size: limit_back(bucket.max_bytes, &as_written.max_bucket_size),
        replicas: bucket.num_replicas.into(),
        compression: bucket.compression.into(),
        placement_cluster,
        placement_tags,
        metadata: empty_as_written(bucket.metadata, &as_written.metadata),
        force_destroy: as_written
            .force_destroy
            .known()
            .copied()
            .unwrap_or(false)
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_reads_back_as_written() {
        let model = ObjectBucketModel {
            name: Field::Known("assets".into()),
            domain: Field::Known("hub".into()),
            description: Field::Known("images".into()),
            storage: Field::Known(StorageType::Memory),
            ttl: Field::Known(3600),
            max_bucket_size: Field::Known(0),
            replicas: Field::Known(1),
            compression: Field::Known(true),
            placement_cluster: Field::Null,
            placement_tags: Field::Known(vec!["ssd".into()]),
            metadata: Field::Known([("team".to_string(), "web".to_string())].into()),
            force_destroy: Field::Known(false),
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
                id: Field::Known("hub:JETSTREAM_OBJ_assets".into()),
                ..model
            }
        );
        assert!(from_stream_config(&StreamConfig::named("KV_x"), &back).is_none());
    }
}
