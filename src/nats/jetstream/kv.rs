//! Key-value buckets: a bucket is the stream `KV_<bucket>` on the subjects
//! `$KV.<bucket>.>`, configured the way the official clients do it (ADR-8),
//! so buckets made here and by `nats kv` or any client look alike.
//!
//! Entry operations go over plain NATS: a get is a direct get through the API
//! prefix, a put or delete is a publish that JetStream acknowledges. In a
//! JetStream domain other than the local one (API prefix other than
//! `$JS.API`) writes go to `<prefix>.$KV.<bucket>.<key>`, as the Go client
//! does. Tried on 2.15.1 across a leaf connection: such a write lands in the
//! bucket of the named domain only, never in a same-named bucket of the
//! local domain, which a plain `$KV.<bucket>.<key>` write would reach.

use std::collections::BTreeMap;
use std::time::Duration;

use async_nats::StatusCode;
use serde::Deserialize;

use super::names::{check_bucket_name, check_kv_key};
use super::retry::Repeat;
use super::stream::{
    user_metadata, Compression, DiscardPolicy, Placement, RePublish, StorageType, StreamConfig,
    StreamSource, SubjectTransform,
};
use super::{decode_reply, JetStreamApi, JetStreamError};

/// The most values per key the official clients allow.
pub const KV_MAX_HISTORY: i64 = 64;

const STREAM_PREFIX: &str = "KV_";
/// The duplicate window every client gives a bucket, unless its TTL is shorter.
const DEFAULT_DUPLICATE_WINDOW: Duration = Duration::from_secs(120);
const OPERATION_HEADER: &str = "KV-Operation";
const ROLLUP_HEADER: &str = "Nats-Rollup";
const SEQUENCE_HEADER: &str = "Nats-Sequence";

/// A bucket as users think of it. `0` in a limit means the client default
/// (history 1, unlimited sizes, one replica).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct KvBucketConfig {
    pub bucket: String,
    pub description: Option<String>,
    /// Values kept per key, 1 to [`KV_MAX_HISTORY`].
    pub history: i64,
    /// How long a value lives; zero forever.
    pub ttl: Duration,
    pub max_value_size: i32,
    pub max_bytes: i64,
    pub storage: StorageType,
    pub num_replicas: i64,
    pub compression: bool,
    pub placement: Option<Placement>,
    pub republish: Option<RePublish>,
    /// A read replica of another bucket; the origin may be given as bucket
    /// (`orders`) or stream name (`KV_orders`).
    pub mirror: Option<StreamSource>,
    /// Other buckets whose keys are copied in. A source without subject
    /// transforms is taken to be a bucket: `KV_` is prefixed and keys are
    /// moved from `$KV.<origin>.>` to this bucket's subjects. A source with
    /// transforms is used exactly as given (a plain stream feeding the bucket).
    pub sources: Vec<StreamSource>,
    pub metadata: BTreeMap<String, String>,
    /// How long a marker stays when a limit removes a key (2.11+); zero none.
    pub limit_marker_ttl: Duration,
}

impl KvBucketConfig {
    pub fn named(bucket: impl Into<String>) -> Self {
        KvBucketConfig {
            bucket: bucket.into(),
            ..Default::default()
        }
    }

    /// The stream holding this bucket.
    pub fn stream_name(&self) -> String {
        kv_stream_name(&self.bucket)
    }

    /// The stream config the official clients would create for this bucket.
    pub fn to_stream_config(&self) -> Result<StreamConfig, JetStreamError> {
        check_bucket_name(&self.bucket)?;
        if !(0..=KV_MAX_HISTORY).contains(&self.history) {
            return Err(JetStreamError::HistoryOutOfRange {
                history: self.history,
                max: KV_MAX_HISTORY,
            });
        }
        let own_subjects = format!("$KV.{}.>", self.bucket);
        let mut config = StreamConfig {
            name: self.stream_name(),
            description: self.description.clone(),
            subjects: vec![own_subjects.clone()],
            max_msgs_per_subject: self.history.max(1),
            max_bytes: unlimited_if_zero(self.max_bytes),
            max_age: self.ttl,
            max_msg_size: if self.max_value_size == 0 {
                -1
            } else {
                self.max_value_size
            },
            storage: self.storage,
            num_replicas: self.num_replicas.max(1),
            duplicate_window: duplicate_window_for(self.ttl),
            placement: self.placement.clone(),
            compression: if self.compression {
                Compression::S2
            } else {
                Compression::None
            },
            republish: self.republish.clone(),
            allow_direct: true,
            deny_delete: true,
            allow_rollup_hdrs: true,
            discard: DiscardPolicy::New,
            metadata: self.metadata.clone(),
            ..StreamConfig::default()
        };
        if !self.limit_marker_ttl.is_zero() {
            config.allow_msg_ttl = true;
            config.subject_delete_marker_ttl = self.limit_marker_ttl;
        }
        if let Some(mirror) = &self.mirror {
            let mut mirror = mirror.clone();
            mirror.name = kv_stream_name(&mirror.name);
            config.mirror = Some(mirror);
            config.mirror_direct = true;
            config.subjects.clear();
        } else {
            config.sources = self
                .sources
                .iter()
                .map(|source| self.source_into_bucket(source, &own_subjects))
                .collect();
        }
        Ok(config)
    }

    fn source_into_bucket(&self, source: &StreamSource, own_subjects: &str) -> StreamSource {
        if !source.subject_transforms.is_empty() {
            return source.clone();
        }
        let origin = source
            .name
            .strip_prefix(STREAM_PREFIX)
            .unwrap_or(&source.name);
        let mut source = source.clone();
        // The same bucket in another domain already has our subjects.
        if source.external.is_none() || origin != self.bucket {
            source.subject_transforms = vec![SubjectTransform {
                src: format!("$KV.{origin}.>"),
                dest: own_subjects.to_owned(),
            }];
        }
        source.name = kv_stream_name(origin);
        source
    }

    /// The bucket a stream config describes, or `None` when the stream is not
    /// a KV bucket (`KV_` name). Mirror and sources come back in their stream
    /// form, which [`Self::to_stream_config`] maps onto itself.
    pub fn from_stream_config(config: &StreamConfig) -> Option<Self> {
        let bucket = config.name.strip_prefix(STREAM_PREFIX)?;
        Some(KvBucketConfig {
            bucket: bucket.to_owned(),
            description: config.description.clone(),
            history: config.max_msgs_per_subject,
            ttl: config.max_age,
            max_value_size: config.max_msg_size,
            max_bytes: config.max_bytes,
            storage: config.storage,
            num_replicas: config.num_replicas,
            compression: config.compression == Compression::S2,
            placement: config.placement.clone(),
            republish: config.republish.clone(),
            mirror: config.mirror.clone(),
            sources: config.sources.clone(),
            metadata: user_metadata(&config.metadata),
            limit_marker_ttl: config.subject_delete_marker_ttl,
        })
    }
}

/// `KV_<bucket>`, leaving an already prefixed name alone.
pub fn kv_stream_name(bucket: &str) -> String {
    if bucket.starts_with(STREAM_PREFIX) {
        bucket.to_owned()
    } else {
        format!("{STREAM_PREFIX}{bucket}")
    }
}

/// Two minutes, or the TTL when shorter: what the server would pick, said
/// explicitly because a pedantic create refuses to pick it.
pub(crate) fn duplicate_window_for(ttl: Duration) -> Duration {
    if !ttl.is_zero() && ttl < DEFAULT_DUPLICATE_WINDOW {
        ttl
    } else {
        DEFAULT_DUPLICATE_WINDOW
    }
}

pub(crate) fn unlimited_if_zero(limit: i64) -> i64 {
    if limit == 0 {
        -1
    } else {
        limit
    }
}

/// What the latest message of a key says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KvOperation {
    Put,
    /// A delete marker: the key reads as absent, its history stays.
    Delete,
    /// A purge marker: the key and its history are gone.
    Purge,
}

/// The latest message of a key.
#[derive(Clone, PartialEq, Eq)]
pub struct KvEntry {
    pub value: Vec<u8>,
    /// The stream sequence of this message.
    pub revision: u64,
    pub operation: KvOperation,
    /// RFC 3339, as the server stamped it.
    pub created: String,
}

impl KvEntry {
    /// Whether the key holds a value (not a delete or purge marker).
    pub fn is_live(&self) -> bool {
        self.operation == KvOperation::Put
    }
}

/// Values may be secrets: Debug shows their size only.
impl std::fmt::Debug for KvEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KvEntry")
            .field("value", &format_args!("<{} bytes>", self.value.len()))
            .field("revision", &self.revision)
            .field("operation", &self.operation)
            .field("created", &self.created)
            .finish()
    }
}

/// JetStream's acknowledgement of a publish.
#[derive(Debug, Deserialize)]
struct PubAck {
    seq: u64,
}

impl JetStreamApi {
    /// The latest message of `key` (a delete marker included, see
    /// [`KvEntry::is_live`]), `None` when the key never existed or was purged
    /// away. Uses the bucket's direct get.
    pub async fn kv_get(&self, bucket: &str, key: &str) -> Result<Option<KvEntry>, JetStreamError> {
        check_bucket_name(bucket)?;
        check_kv_key(key)?;
        let subject = format!(
            "{}.DIRECT.GET.{}.$KV.{bucket}.{key}",
            self.prefix(),
            kv_stream_name(bucket)
        );
        let reply = self
            .retrying(&subject, Repeat::Safe, |wait| {
                self.send_message(&subject, None, Vec::new(), wait)
            })
            .await
            .result?;
        match reply.status {
            None | Some(StatusCode::OK) => {}
            Some(StatusCode::NOT_FOUND) => return Ok(None),
            Some(status) => {
                return Err(JetStreamError::Status {
                    subject,
                    status: status.into(),
                    description: reply.description,
                })
            }
        }
        let header = |name: &str| {
            reply
                .headers
                .as_ref()
                .and_then(|headers| headers.get(name))
                .map(|value| value.as_str().to_owned())
        };
        let revision = header(SEQUENCE_HEADER)
            .and_then(|sequence| sequence.parse().ok())
            .ok_or_else(|| JetStreamError::MissingHeader {
                subject: subject.clone(),
                header: SEQUENCE_HEADER,
            })?;
        let operation = match header(OPERATION_HEADER).as_deref() {
            Some("DEL") => KvOperation::Delete,
            Some("PURGE") => KvOperation::Purge,
            _ => KvOperation::Put,
        };
        Ok(Some(KvEntry {
            value: reply.payload.to_vec(),
            revision,
            operation,
            created: header("Nats-Time-Stamp").unwrap_or_default(),
        }))
    }

    /// Stores `value` under `key`; returns its revision.
    pub async fn kv_put(
        &self,
        bucket: &str,
        key: &str,
        value: &[u8],
    ) -> Result<u64, JetStreamError> {
        self.kv_publish(bucket, key, None, value.to_vec()).await
    }

    /// Places a delete marker (history is kept); returns its revision.
    pub async fn kv_delete(&self, bucket: &str, key: &str) -> Result<u64, JetStreamError> {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(OPERATION_HEADER, "DEL");
        self.kv_publish(bucket, key, Some(headers), Vec::new())
            .await
    }

    /// Removes the key's history, leaving one purge marker; returns its revision.
    pub async fn kv_purge(&self, bucket: &str, key: &str) -> Result<u64, JetStreamError> {
        let mut headers = async_nats::HeaderMap::new();
        headers.insert(OPERATION_HEADER, "PURGE");
        headers.insert(ROLLUP_HEADER, "sub");
        self.kv_publish(bucket, key, Some(headers), Vec::new())
            .await
    }

    async fn kv_publish(
        &self,
        bucket: &str,
        key: &str,
        headers: Option<async_nats::HeaderMap>,
        payload: Vec<u8>,
    ) -> Result<u64, JetStreamError> {
        check_bucket_name(bucket)?;
        check_kv_key(key)?;
        let subject = self.kv_write_subject(bucket, key);
        // A publish that met silence may have been stored: sending it again
        // could add a second revision, so only refusals are retried.
        let (subject, headers, payload) = (&subject, &headers, &payload);
        let ack: PubAck = self
            .retrying(subject, Repeat::OnlyIfNotDone, |wait| async move {
                let reply = self
                    .send_message(subject, headers.clone(), payload.clone(), wait)
                    .await?;
                decode_reply(subject, &reply.payload)
            })
            .await
            .result?;
        Ok(ack.seq)
    }

    /// `$KV.<bucket>.<key>`, behind the API prefix when it names a domain.
    fn kv_write_subject(&self, bucket: &str, key: &str) -> String {
        let subject = format!("$KV.{bucket}.{key}");
        if self.prefix() == super::api_prefix(None) {
            subject
        } else {
            format!("{}.{subject}", self.prefix())
        }
    }
}

#[cfg(test)]
#[path = "kv_tests.rs"]
mod tests;
