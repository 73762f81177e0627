//! The KV bucket as Terraform sees it: one field per attribute of `schema.rs`, as
//! `Field`s so the plan-time rules can tell "left out" from "not known yet".

use crate::framework::Field;
use crate::nats::jetstream::StorageType;
pub use crate::provider::resources::jetstream::origin::External;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a bucket keeps per key when `history` is left out: the official provider's
/// default, so HCL moved over from it keeps the same buckets.
pub const DEFAULT_HISTORY: i64 = 5;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KvBucketModel {
    pub id: Field<String>,
    pub name: Field<String>,
    pub domain: Field<String>,
    pub description: Field<String>,
    pub history: Field<i64>,
    pub ttl: Field<i64>,
    pub max_value_size: Field<i64>,
    pub max_bucket_size: Field<i64>,
    pub storage: Field<StorageType>,
    pub replicas: Field<i64>,
    pub compression: Field<bool>,
    pub placement_cluster: Field<String>,
    pub placement_tags: Field<Vec<String>>,
    pub republish_source: Field<String>,
    pub republish_destination: Field<String>,
    pub republish_headers_only: Field<bool>,
    pub metadata: Field<BTreeMap<String, String>>,
    pub limit_marker_ttl: Field<i64>,
    pub force_destroy: Field<bool>,
    pub mirror: Vec<Origin>,
    pub source: Vec<Origin>,
}

/// A `mirror` or `source` block: another bucket, perhaps in another domain.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Origin {
    pub name: Field<String>,
    pub domain: Field<String>,
    pub start_seq: Field<u64>,
    pub start_time: Field<String>,
    pub external: Vec<External>,
}

impl KvBucketModel {
    /// The bucket's name (known in every model CRUD sees).
    pub fn bucket(&self) -> &str {
        self.name.known().map_or("", String::as_str)
    }

    /// The domain written, `None` for the provider's default.
    pub fn domain(&self) -> Option<&str> {
        self.domain.known().map(String::as_str)
    }
}
