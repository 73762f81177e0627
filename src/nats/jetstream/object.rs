//! Object store buckets: a bucket is the stream `OBJ_<bucket>` on
//! `$O.<bucket>.C.>` (chunks) and `$O.<bucket>.M.>` (metadata), configured
//! as the official clients do (ADR-20).

use std::collections::BTreeMap;
use std::time::Duration;

use super::kv::{duplicate_window_for, unlimited_if_zero};
use super::names::check_bucket_name;
use super::stream::{
    user_metadata, Compression, DiscardPolicy, Placement, StorageType, StreamConfig,
};
use super::JetStreamError;

const STREAM_PREFIX: &str = "OBJ_";

/// An object bucket as users think of it; `0` limits mean the client default
/// (unlimited size, one replica).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ObjectBucketConfig {
    pub bucket: String,
    pub description: Option<String>,
    /// How long objects live; zero forever.
    pub ttl: Duration,
    pub max_bytes: i64,
    pub storage: StorageType,
    pub num_replicas: i64,
    pub compression: bool,
    pub placement: Option<Placement>,
    pub metadata: BTreeMap<String, String>,
}

impl ObjectBucketConfig {
    pub fn named(bucket: impl Into<String>) -> Self {
        ObjectBucketConfig {
            bucket: bucket.into(),
            ..Default::default()
        }
    }

    /// The stream holding this bucket.
    pub fn stream_name(&self) -> String {
        format!("{STREAM_PREFIX}{}", self.bucket)
    }

    /// The stream config the official clients create for this bucket, with
    /// the duplicate window spelled out so a pedantic create accepts a TTL
    /// under two minutes.
    pub fn to_stream_config(&self) -> Result<StreamConfig, JetStreamError> {
        check_bucket_name(&self.bucket)?;
        Ok(StreamConfig {
            name: self.stream_name(),
            description: self.description.clone(),
            subjects: vec![
                format!("$O.{}.C.>", self.bucket),
                format!("$O.{}.M.>", self.bucket),
            ],
            max_age: self.ttl,
            max_bytes: unlimited_if_zero(self.max_bytes),
            storage: self.storage,
            num_replicas: self.num_replicas.max(1),
            duplicate_window: duplicate_window_for(self.ttl),
            placement: self.placement.clone(),
            discard: DiscardPolicy::New,
            allow_rollup_hdrs: true,
            allow_direct: true,
            compression: if self.compression {
                Compression::S2
            } else {
                Compression::None
            },
            metadata: self.metadata.clone(),
            ..StreamConfig::default()
        })
    }

    /// The bucket a stream config describes, or `None` for a stream that is
    /// not an object bucket (`OBJ_` name).
    pub fn from_stream_config(config: &StreamConfig) -> Option<Self> {
        let bucket = config.name.strip_prefix(STREAM_PREFIX)?;
        Some(ObjectBucketConfig {
            bucket: bucket.to_owned(),
            description: config.description.clone(),
            ttl: config.max_age,
            max_bytes: config.max_bytes,
            storage: config.storage,
            num_replicas: config.num_replicas,
            compression: config.compression == Compression::S2,
            placement: config.placement.clone(),
            metadata: user_metadata(&config.metadata),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_becomes_the_stream_the_clients_create() {
        let bucket = ObjectBucketConfig {
            description: Some("assets".into()),
            ttl: Duration::from_secs(60),
            storage: StorageType::Memory,
            compression: true,
            ..ObjectBucketConfig::named("assets")
        };
        let stream = bucket.to_stream_config().unwrap();
        let json = serde_json::to_value(&stream).unwrap();
        assert_eq!(json["name"], "OBJ_assets");
        assert_eq!(
            json["subjects"],
            serde_json::json!(["$O.assets.C.>", "$O.assets.M.>"])
        );
        assert_eq!(json["discard"], "new");
        assert_eq!(json["allow_rollup_hdrs"], true);
        assert_eq!(json["allow_direct"], true);
        assert_eq!(json["compression"], "s2");
        assert_eq!(json["max_bytes"], -1);
        assert_eq!(json["num_replicas"], 1);
        assert_eq!(json["duplicate_window"], 60_000_000_000_i64);
        assert_eq!(
            ObjectBucketConfig::from_stream_config(&stream),
            Some(ObjectBucketConfig {
                max_bytes: -1,
                num_replicas: 1,
                ..bucket
            })
        );
    }

    #[test]
    fn other_streams_are_not_object_buckets() {
        assert!(ObjectBucketConfig::from_stream_config(&StreamConfig::named("KV_x")).is_none());
        assert!(matches!(
            ObjectBucketConfig::named("a.b").to_stream_config(),
            Err(JetStreamError::InvalidName { what: "bucket", .. })
        ));
    }
}
