//! The stream as Terraform sees it: one field per attribute of `schema.rs`.

pub use crate::provider::resources::jetstream::origin::External;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamModel {
    pub id: Option<String>,
    pub name: String,
    pub domain: Option<String>,
    pub description: Option<String>,
    pub metadata: Option<BTreeMap<String, String>>,
    pub subjects: Option<Vec<String>>,
    pub retention: Option<String>,
    pub storage: Option<String>,
    pub discard: Option<String>,
    pub discard_new_per_subject: Option<bool>,
    pub max_msgs: Option<i64>,
    pub max_msgs_per_subject: Option<i64>,
    pub max_bytes: Option<i64>,
    pub max_msg_size: Option<i64>,
    pub max_consumers: Option<i64>,
    pub max_age: Option<i64>,
    pub duplicate_window: Option<i64>,
    pub replicas: Option<i64>,
    pub compression: Option<String>,
    pub ack: Option<bool>,
    pub allow_direct: Option<bool>,
    pub mirror_direct: Option<bool>,
    pub allow_rollup_hdrs: Option<bool>,
    pub deny_delete: Option<bool>,
    pub deny_purge: Option<bool>,
    pub sealed: Option<bool>,
    pub placement_cluster: Option<String>,
    pub placement_tags: Option<Vec<String>>,
    pub placement_preferred: Option<String>,
    pub republish_source: Option<String>,
    pub republish_destination: Option<String>,
    pub republish_headers_only: Option<bool>,
    pub max_ack_pending: Option<i64>,
    pub inactive_threshold: Option<i64>,
    pub allow_msg_ttl: Option<bool>,
    pub subject_delete_marker_ttl: Option<i64>,
    pub allow_msg_counter: Option<bool>,
    pub allow_atomic: Option<bool>,
    pub allow_msg_schedules: Option<bool>,
    pub allow_batched: Option<bool>,
    pub first_seq: Option<u64>,
    pub persist_mode: Option<String>,
    pub force_destroy: Option<bool>,
    #[serde(default)]
    pub subject_transform: Vec<Transform>,
    #[serde(default)]
    pub mirror: Vec<Origin>,
    #[serde(default)]
    pub source: Vec<Origin>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transform {
    pub source: String,
    pub destination: String,
}

/// A `mirror` or `source` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub name: String,
    pub domain: Option<String>,
    pub start_seq: Option<u64>,
    pub start_time: Option<String>,
    pub filter_subject: Option<String>,
    #[serde(default)]
    pub subject_transform: Vec<Transform>,
    #[serde(default)]
    pub external: Vec<External>,
}
