//! Stream configuration and state exactly as nats-server 2.15 reads and writes
//! them (`server/stream.go`).
//!
//! Since 2.12 the server refuses unknown JSON keys, so these structs carry only
//! keys the server knows. Fields the server tags `omitempty` are left out when
//! they hold their zero value; the others are always sent, as the Go client
//! does. Durations travel as nanoseconds, times as RFC 3339 strings.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::wire::{nanos, negative_nanos_is_none};
use super::ApiError;

/// `retention`: when the server may remove messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RetentionPolicy {
    #[default]
    Limits,
    Interest,
    #[serde(rename = "workqueue")]
    WorkQueue,
}

/// `storage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageType {
    #[default]
    File,
    Memory,
}

/// `discard`: what happens when a limit is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscardPolicy {
    #[default]
    Old,
    New,
}

/// `compression` of file storage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    #[default]
    None,
    S2,
}

/// `persist_mode` (2.12+). The server leaves the key out for `default`, and
/// refuses any change after creation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PersistMode {
    #[default]
    Default,
    Async,
}

impl PersistMode {
    pub fn is_default(&self) -> bool {
        *self == PersistMode::Default
    }
}

/// Everything a stream is configured with (`StreamConfig` in the server).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StreamConfig {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<String>,
    #[serde(default)]
    pub retention: RetentionPolicy,
    /// `-1` (or 0 on the way in) is unlimited; likewise for the other limits.
    #[serde(default = "unlimited")]
    pub max_consumers: i64,
    #[serde(default = "unlimited")]
    pub max_msgs: i64,
    #[serde(default = "unlimited")]
    pub max_bytes: i64,
    /// Zero keeps messages forever.
    #[serde(default, with = "nanos")]
    pub max_age: Duration,
    #[serde(default = "unlimited")]
    pub max_msgs_per_subject: i64,
    #[serde(default = "unlimited_i32")]
    pub max_msg_size: i32,
    #[serde(default)]
    pub discard: DiscardPolicy,
    #[serde(default)]
    pub storage: StorageType,
    #[serde(default = "one")]
    pub num_replicas: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub no_ack: bool,
    /// Zero lets the server choose (2 minutes, or `max_age` when shorter,
    /// and a pedantic request refuses that adjustment).
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub duplicate_window: Duration,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placement: Option<Placement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mirror: Option<StreamSource>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<StreamSource>,
    #[serde(default)]
    pub compression: Compression,
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub first_seq: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_transform: Option<SubjectTransform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub republish: Option<RePublish>,
    #[serde(default)]
    pub allow_direct: bool,
    #[serde(default)]
    pub mirror_direct: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub discard_new_per_subject: bool,
    #[serde(default)]
    pub sealed: bool,
    #[serde(default)]
    pub deny_delete: bool,
    #[serde(default)]
    pub deny_purge: bool,
    #[serde(default)]
    pub allow_rollup_hdrs: bool,
    #[serde(default)]
    pub consumer_limits: ConsumerLimits,
    #[serde(default)]
    pub allow_msg_ttl: bool,
    /// At least one second when set.
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub subject_delete_marker_ttl: Duration,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_msg_counter: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_atomic: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_msg_schedules: bool,
    #[serde(default, skip_serializing_if = "PersistMode::is_default")]
    pub persist_mode: PersistMode,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_batched: bool,
    /// User metadata. The server adds its own `_nats.*` keys on every create
    /// and update; see [`StreamConfig::without_server_metadata`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
}

impl Default for StreamConfig {
    /// The server's own defaults, as it reports them back, with an empty name.
    fn default() -> Self {
        StreamConfig {
            name: String::new(),
            description: None,
            subjects: Vec::new(),
            retention: RetentionPolicy::Limits,
            max_consumers: -1,
            max_msgs: -1,
            max_bytes: -1,
            max_age: Duration::ZERO,
            max_msgs_per_subject: -1,
            max_msg_size: -1,
            discard: DiscardPolicy::Old,
            storage: StorageType::File,
            num_replicas: 1,
            no_ack: false,
            duplicate_window: Duration::ZERO,
            placement: None,
            mirror: None,
            sources: Vec::new(),
            compression: Compression::None,
            first_seq: 0,
            subject_transform: None,
            republish: None,
            allow_direct: false,
            mirror_direct: false,
            discard_new_per_subject: false,
            sealed: false,
            deny_delete: false,
            deny_purge: false,
            allow_rollup_hdrs: false,
            consumer_limits: ConsumerLimits::default(),
            allow_msg_ttl: false,
            subject_delete_marker_ttl: Duration::ZERO,
            allow_msg_counter: false,
            allow_atomic: false,
            allow_msg_schedules: false,
            persist_mode: PersistMode::Default,
            allow_batched: false,
            metadata: BTreeMap::new(),
        }
    }
}

impl StreamConfig {
    /// A stream with the server's defaults and this name.
    pub fn named(name: impl Into<String>) -> Self {
        StreamConfig {
            name: name.into(),
            ..Default::default()
        }
    }

    /// The same config without the `_nats.*` metadata the server stamps on
    /// every stream (API level, server version), which users never wrote.
    pub fn without_server_metadata(mut self) -> Self {
        self.metadata = user_metadata(&self.metadata);
        self
    }
}

/// Metadata without the server-owned `_nats.` keys.
pub fn user_metadata(metadata: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    metadata
        .iter()
        .filter(|(key, _)| !key.starts_with(SERVER_METADATA_PREFIX))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// Metadata keys the server owns (`_nats.level`, `_nats.ver`, ...).
pub const SERVER_METADATA_PREFIX: &str = "_nats.";

/// `placement`: where a replicated stream's peers go. 2.15 refuses a
/// non-empty `preferred` on create and update ("preferred server not
/// permitted in placement"); it is here so reads decode what the server holds.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Placement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred: Option<String>,
}

/// A mirror or source (`StreamSource`). There is no `domain` key on the
/// wire: a stream in another domain is reached through [`ExternalStream`],
/// see [`StreamSource::from_domain`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StreamSource {
    pub name: String,
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub opt_start_seq: u64,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_subject: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subject_transforms: Vec<SubjectTransform>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external: Option<ExternalStream>,
    /// A durable consumer on the origin to source through (2.14+).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consumer: Option<SourceConsumer>,
}

impl StreamSource {
    pub fn named(name: impl Into<String>) -> Self {
        StreamSource {
            name: name.into(),
            ..Default::default()
        }
    }

    /// The stream `name` in JetStream domain `domain`, the way the Go client
    /// translates its `Domain` field: an external API prefix
    /// `$JS.<domain>.API` and no deliver prefix. A blank domain means the
    /// local one (no `external`).
    pub fn from_domain(name: impl Into<String>, domain: &str) -> Self {
        StreamSource {
            name: name.into(),
            external: ExternalStream::for_domain(domain),
            ..Default::default()
        }
    }

    /// The domain this source points at, when its external API prefix has
    /// the `$JS.<domain>.API` shape (the reverse of [`Self::from_domain`]).
    pub fn domain(&self) -> Option<&str> {
        self.external.as_ref().and_then(ExternalStream::domain)
    }
}

/// `external`: the API (and optional deliver) prefix of another account or
/// domain. The server always writes both keys.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExternalStream {
    pub api: String,
    #[serde(default)]
    pub deliver: String,
}

impl ExternalStream {
    /// `$JS.<domain>.API`, or `None` for a blank domain.
    pub fn for_domain(domain: &str) -> Option<Self> {
        let domain = domain.trim();
        (!domain.is_empty()).then(|| ExternalStream {
            api: format!("$JS.{domain}.API"),
            deliver: String::new(),
        })
    }

    /// The domain named by an API prefix of the form `$JS.<domain>.API`.
    pub fn domain(&self) -> Option<&str> {
        let inner = self.api.strip_prefix("$JS.")?.strip_suffix(".API")?;
        (!inner.is_empty() && !inner.contains('.')).then_some(inner)
    }
}

/// `consumer` of a source: sourcing through a named durable consumer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SourceConsumer {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub deliver_subject: String,
}

/// `subject_transform` and the entries of `subject_transforms`; both keys
/// are always present on the wire (an empty `dest` only filters).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SubjectTransform {
    #[serde(default)]
    pub src: String,
    #[serde(default)]
    pub dest: String,
}

/// `republish`: copy stored messages (or their headers) to other subjects.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RePublish {
    /// Empty means `>`, which a pedantic request refuses to assume.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub src: String,
    pub dest: String,
    #[serde(default, skip_serializing_if = "is_false")]
    pub headers_only: bool,
}

/// `consumer_limits`: defaults and ceilings for the stream's consumers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ConsumerLimits {
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub inactive_threshold: Duration,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_ack_pending: i64,
}

/// Reply of `STREAM.INFO`, `STREAM.CREATE` and `STREAM.UPDATE`, and an entry
/// of `STREAM.LIST`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StreamInfo {
    pub config: StreamConfig,
    /// RFC 3339.
    pub created: String,
    pub state: StreamState,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub cluster: Option<ClusterInfo>,
    #[serde(default)]
    pub mirror: Option<StreamSourceInfo>,
    #[serde(default)]
    pub sources: Vec<StreamSourceInfo>,
    /// When the server gathered this (RFC 3339).
    #[serde(default)]
    pub ts: Option<String>,
}

/// What a stream holds right now.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct StreamState {
    pub messages: u64,
    pub bytes: u64,
    pub first_seq: u64,
    #[serde(default)]
    pub first_ts: String,
    pub last_seq: u64,
    #[serde(default)]
    pub last_ts: String,
    #[serde(default)]
    pub num_subjects: u64,
    #[serde(default)]
    pub num_deleted: u64,
    pub consumer_count: u64,
}

/// Progress of a mirror or source.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct StreamSourceInfo {
    pub name: String,
    #[serde(default)]
    pub external: Option<ExternalStream>,
    /// Messages behind the origin.
    pub lag: u64,
    /// Since the last contact; `None` when there was none.
    #[serde(default, deserialize_with = "negative_nanos_is_none")]
    pub active: Option<Duration>,
    #[serde(default)]
    pub error: Option<ApiError>,
    #[serde(default)]
    pub filter_subject: Option<String>,
    #[serde(default)]
    pub subject_transforms: Vec<SubjectTransform>,
}

/// The replica group of a clustered stream or consumer.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct ClusterInfo {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub leader: Option<String>,
    #[serde(default)]
    pub replicas: Vec<PeerInfo>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PeerInfo {
    pub name: String,
    pub current: bool,
    #[serde(default)]
    pub offline: bool,
    /// Since last heard from.
    #[serde(default, deserialize_with = "negative_nanos_is_none")]
    pub active: Option<Duration>,
    #[serde(default)]
    pub lag: u64,
}

fn unlimited() -> i64 {
    -1
}

fn unlimited_i32() -> i32 {
    -1
}

fn one() -> i64 {
    1
}

pub(crate) fn is_false(value: &bool) -> bool {
    !*value
}

pub(crate) fn is_zero(value: &i64) -> bool {
    *value == 0
}

pub(crate) fn is_zero_u64(value: &u64) -> bool {
    *value == 0
}

#[cfg(test)]
#[path = "stream_tests.rs"]
mod tests;
