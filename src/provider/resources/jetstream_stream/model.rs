//! The stream as Terraform sees it: one field per attribute of `schema.rs`. Fields are
//! `Field`s, so the plan-time rules can tell "left out" from "not known yet"; enums are
//! the NATS layer's own, whose names are the attribute's allowed values.

use crate::framework::value::AttributePath;
use crate::framework::Field;
use crate::nats::jetstream::{
    Compression, DiscardPolicy, PersistMode, RetentionPolicy, StorageType,
};
pub use crate::provider::resources::jetstream::origin::{External, OriginConsumer};
use crate::provider::resources::jetstream::server_level::{
    NewerSetting, COUNTER_LEVEL, DURABLE_SOURCING_LEVEL, TTL_LEVEL,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StreamModel {
    pub id: Field<String>,
    pub name: Field<String>,
    pub domain: Field<String>,
    pub description: Field<String>,
    pub metadata: Field<BTreeMap<String, String>>,
    pub subjects: Field<Vec<String>>,
    pub retention: Field<RetentionPolicy>,
    pub storage: Field<StorageType>,
    pub discard: Field<DiscardPolicy>,
    pub discard_new_per_subject: Field<bool>,
    pub max_msgs: Field<i64>,
    pub max_msgs_per_subject: Field<i64>,
    pub max_bytes: Field<i64>,
    pub max_msg_size: Field<i64>,
    pub max_consumers: Field<i64>,
    pub max_age: Field<i64>,
    pub duplicate_window: Field<i64>,
    pub replicas: Field<i64>,
    pub compression: Field<Compression>,
    pub ack: Field<bool>,
    pub allow_direct: Field<bool>,
    pub mirror_direct: Field<bool>,
    pub allow_rollup_hdrs: Field<bool>,
    pub deny_delete: Field<bool>,
    pub deny_purge: Field<bool>,
    pub sealed: Field<bool>,
    pub placement_cluster: Field<String>,
    pub placement_tags: Field<Vec<String>>,
    pub placement_preferred: Field<String>,
    pub republish_source: Field<String>,
    pub republish_destination: Field<String>,
    pub republish_headers_only: Field<bool>,
    pub max_ack_pending: Field<i64>,
    pub inactive_threshold: Field<i64>,
    pub allow_msg_ttl: Field<bool>,
    pub subject_delete_marker_ttl: Field<i64>,
    pub allow_msg_counter: Field<bool>,
    pub allow_atomic: Field<bool>,
    pub allow_msg_schedules: Field<bool>,
    pub allow_batched: Field<bool>,
    pub first_seq: Field<u64>,
    pub persist_mode: Field<PersistModeWord>,
    pub force_destroy: Field<bool>,
    pub subject_transform: Vec<Transform>,
    pub mirror: Vec<Origin>,
    pub source: Vec<Origin>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Transform {
    pub source: Field<String>,
    pub destination: Field<String>,
}

/// A `mirror` or `source` block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Origin {
    pub name: Field<String>,
    pub domain: Field<String>,
    pub start_seq: Field<u64>,
    pub start_time: Field<String>,
    pub filter_subject: Field<String>,
    pub subject_transform: Vec<Transform>,
    pub external: Vec<External>,
    pub consumer: Vec<OriginConsumer>,
}

/// `persist_mode` as written: `default` and `async` as the server names them, and the
/// official provider's `""`, which means the server's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PersistModeWord {
    #[default]
    Default,
    Async,
    #[serde(rename = "")]
    ServerDefault,
}

impl PersistModeWord {
    pub fn mode(self) -> PersistMode {
        match self {
            PersistModeWord::Async => PersistMode::Async,
            PersistModeWord::Default | PersistModeWord::ServerDefault => PersistMode::Default,
        }
    }

    /// The server's mode in the spelling the user wrote (`""` stays `""`).
    pub fn read_back(mode: PersistMode, as_written: &Field<PersistModeWord>) -> Self {
        match (mode, as_written.known()) {
            (PersistMode::Async, _) => PersistModeWord::Async,
            (_, Some(PersistModeWord::ServerDefault)) => PersistModeWord::ServerDefault,
            _ => PersistModeWord::Default,
        }
    }
}

impl StreamModel {
    /// The stream's name (known in every model CRUD sees).
    pub fn stream_name(&self) -> &str {
        self.name.known().map_or("", String::as_str)
    }

    /// The domain written, `None` for the provider's default.
    pub fn domain(&self) -> Option<&str> {
        self.domain.known().map(String::as_str)
    }
}

impl StreamModel {
    /// The settings in use that an older nats-server would drop, with the API level
    /// that brought each (nats-server's `setStaticStreamMetadata`).
    pub fn newer_settings(&self) -> Vec<NewerSetting> {
        let on = |flag: &Field<bool>| flag.is_known_and(|on| *on);
        let flags = [
            ("allow_msg_ttl", &self.allow_msg_ttl, TTL_LEVEL),
            ("allow_msg_counter", &self.allow_msg_counter, COUNTER_LEVEL),
            ("allow_atomic", &self.allow_atomic, COUNTER_LEVEL),
            (
                "allow_msg_schedules",
                &self.allow_msg_schedules,
                COUNTER_LEVEL,
            ),
            ("allow_batched", &self.allow_batched, DURABLE_SOURCING_LEVEL),
        ];
        let mut settings: Vec<NewerSetting> = flags
            .into_iter()
            .filter(|(_, flag, _)| on(flag))
            .map(|(name, _, level)| {
                NewerSetting::new(AttributePath::attr(name), format!("`{name} = true`"), level)
            })
            .collect();
        if self.subject_delete_marker_ttl.is_known_and(|ttl| *ttl > 0) {
            settings.push(NewerSetting::new(
                AttributePath::attr("subject_delete_marker_ttl"),
                "`subject_delete_marker_ttl`",
                TTL_LEVEL,
            ));
        }
        if self
            .persist_mode
            .is_known_and(|m| *m == PersistModeWord::Async)
        {
            settings.push(NewerSetting::new(
                AttributePath::attr("persist_mode"),
                "`persist_mode = \"async\"`",
                COUNTER_LEVEL,
            ));
        }
        let origins = self.mirror.iter().map(|o| ("mirror", o));
        for (index, (block, origin)) in origins
            .chain(self.source.iter().map(|o| ("source", o)))
            .enumerate()
        {
            if !origin.consumer.is_empty() {
                let index = if block == "mirror" {
                    0
                } else {
                    index - self.mirror.len()
                };
                settings.push(NewerSetting::new(
                    AttributePath::attr(block).index(index).child("consumer"),
                    format!("A `consumer` block in `{block}`"),
                    DURABLE_SOURCING_LEVEL,
                ));
            }
        }
        settings
    }
}
