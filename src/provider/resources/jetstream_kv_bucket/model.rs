//! The KV bucket as Terraform sees it: one field per attribute of `schema.rs`.

pub use crate::provider::resources::jetstream::origin::External;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a bucket keeps per key when `history` is left out: the official provider's
/// default, so HCL moved over from it keeps the same buckets.
pub const DEFAULT_HISTORY: i64 = 5;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct KvBucketModel {
    pub id: Option<String>,
    pub name: String,
    pub domain: Option<String>,
    pub description: Option<String>,
    pub history: Option<i64>,
    pub ttl: Option<i64>,
    pub max_value_size: Option<i64>,
    pub max_bucket_size: Option<i64>,
    pub storage: Option<String>,
    pub replicas: Option<i64>,
    pub compression: Option<bool>,
    pub placement_cluster: Option<String>,
    pub placement_tags: Option<Vec<String>>,
    pub republish_source: Option<String>,
    pub republish_destination: Option<String>,
    pub republish_headers_only: Option<bool>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub limit_marker_ttl: Option<i64>,
    pub force_destroy: Option<bool>,
    #[serde(default)]
    pub mirror: Vec<Origin>,
    #[serde(default)]
    pub source: Vec<Origin>,
}

/// A `mirror` or `source` block: another bucket, perhaps in another domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub name: String,
    pub domain: Option<String>,
    pub start_seq: Option<u64>,
    pub start_time: Option<String>,
    #[serde(default)]
    pub external: Vec<External>,
}
