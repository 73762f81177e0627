//! Consumer configuration, state and operations, as nats-server 2.15 knows
//! them (`server/consumer.go`, `JSApiConsumerCreateRequest`).
//!
//! The server's internal `direct` and `sourcing` flags are left out: they
//! belong to consumers the server makes for mirrors and sources.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::names::check_asset_name;
use super::stream::{is_false, is_zero, is_zero_u64, ClusterInfo};
use super::stream_api::{absent_if, deleted, holds};
use super::wire::{go_zero_time_is_unset, nanos, nanos_list};
use super::{ErrorCode, JetStreamApi, JetStreamError};

/// `deliver_policy`: where a new consumer starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliverPolicy {
    #[default]
    All,
    Last,
    New,
    /// Needs `opt_start_seq`.
    ByStartSequence,
    /// Needs `opt_start_time`.
    ByStartTime,
    /// Needs a filter subject.
    LastPerSubject,
}

/// `ack_policy`. The default is `explicit`, as in the official clients (the
/// server's own zero value is `none`, but it is always sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckPolicy {
    None,
    All,
    #[default]
    Explicit,
    /// Push consumers with flow control only (2.14+).
    FlowControl,
}

/// `replay_policy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayPolicy {
    #[default]
    Instant,
    Original,
}

/// `priority_policy` of pull consumers with priority groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PriorityPolicy {
    #[default]
    None,
    Overflow,
    PinnedClient,
    Prioritized,
}

impl PriorityPolicy {
    pub fn is_none(&self) -> bool {
        *self == PriorityPolicy::None
    }
}

/// Everything a consumer is configured with (`ConsumerConfig`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ConsumerConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durable_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default)]
    pub deliver_policy: DeliverPolicy,
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub opt_start_seq: u64,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opt_start_time: Option<String>,
    #[serde(default)]
    pub ack_policy: AckPolicy,
    /// Zero lets the server choose 30 s for explicit/all acks.
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub ack_wait: Duration,
    /// `-1` (or 0 on the way in) is unlimited.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_deliver: i64,
    /// A pedantic request needs `ack_wait` equal to the first step.
    #[serde(default, with = "nanos_list", skip_serializing_if = "Vec::is_empty")]
    pub backoff: Vec<Duration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_subject: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub filter_subjects: Vec<String>,
    #[serde(default)]
    pub replay_policy: ReplayPolicy,
    /// Bits per second (push consumers).
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub rate_limit_bps: u64,
    /// Percentage as text, e.g. `"30%"` or `"30"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_freq: Option<String>,
    /// Pull consumers; 0 lets the server choose 512.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_waiting: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_ack_pending: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub flow_control: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub headers_only: bool,
    /// Pull: the largest batch one request may ask for.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_batch: i64,
    /// Pull: the longest a request may wait.
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub max_expires: Duration,
    /// Pull: the most bytes one request may ask for.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_bytes: i64,
    /// Push consumers deliver here; pull consumers have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliver_group: Option<String>,
    /// Push consumers.
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub idle_heartbeat: Duration,
    /// Inactivity after which the server deletes the consumer.
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub inactive_threshold: Duration,
    /// 0 means the stream's replica count.
    #[serde(default)]
    pub num_replicas: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub mem_storage: bool,
    /// User metadata; the server adds `_nats.*` keys of its own.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, String>,
    /// RFC 3339; the server stores it in UTC. Go's zero time, which Go
    /// clients send for "not paused", reads as `None`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "go_zero_time_is_unset"
    )]
    pub pause_until: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub priority_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "PriorityPolicy::is_none")]
    pub priority_policy: PriorityPolicy,
    /// How long a pinned client keeps its pin (`pinned_client` policy).
    #[serde(default, with = "nanos", skip_serializing_if = "Duration::is_zero")]
    pub priority_timeout: Duration,
}

impl ConsumerConfig {
    /// A durable consumer: both `durable_name` and `name` set, as the
    /// official clients send them.
    pub fn durable(name: impl Into<String>) -> Self {
        let name = name.into();
        ConsumerConfig {
            durable_name: Some(name.clone()),
            name: Some(name),
            ..Default::default()
        }
    }

    /// The name the consumer is addressed by (`name`, else `durable_name`).
    pub fn consumer_name(&self) -> Option<&str> {
        self.name
            .as_deref()
            .or(self.durable_name.as_deref())
            .filter(|name| !name.is_empty())
    }
}

/// What `CONSUMER.CREATE` may do (`action` in the request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConsumerAction {
    /// Fail with [`ErrorCode::CONSUMER_ALREADY_EXISTS`] when it exists with
    /// another config.
    Create,
    /// Fail with [`ErrorCode::CONSUMER_DOES_NOT_EXIST`] when it does not exist.
    Update,
    /// Whichever applies (no `action` key on the wire).
    #[default]
    CreateOrUpdate,
}

impl ConsumerAction {
    fn wire(self) -> Option<&'static str> {
        match self {
            ConsumerAction::Create => Some("create"),
            ConsumerAction::Update => Some("update"),
            ConsumerAction::CreateOrUpdate => None,
        }
    }
}

#[derive(Serialize)]
struct CreateConsumerRequest<'a> {
    stream_name: &'a str,
    config: &'a ConsumerConfig,
    #[serde(skip_serializing_if = "Option::is_none")]
    action: Option<&'static str>,
    pedantic: bool,
}

/// Reply of `CONSUMER.INFO` and `CONSUMER.CREATE`, and an entry of
/// `CONSUMER.LIST`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ConsumerInfo {
    pub stream_name: String,
    pub name: String,
    /// RFC 3339.
    pub created: String,
    pub config: ConsumerConfig,
    pub delivered: SequenceInfo,
    pub ack_floor: SequenceInfo,
    pub num_ack_pending: u64,
    pub num_redelivered: u64,
    pub num_waiting: u64,
    pub num_pending: u64,
    #[serde(default)]
    pub cluster: Option<ClusterInfo>,
    #[serde(default)]
    pub push_bound: bool,
    #[serde(default)]
    pub paused: bool,
    /// What is left of a pause.
    #[serde(default, with = "nanos")]
    pub pause_remaining: Duration,
    #[serde(default)]
    pub ts: Option<String>,
}

/// A position in the consumer's and the stream's sequence.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
pub struct SequenceInfo {
    pub consumer_seq: u64,
    pub stream_seq: u64,
    #[serde(default)]
    pub last_active: Option<String>,
}

/// What a consumer request answers when the consumer, or its stream, is gone.
const CONSUMER_OR_STREAM_GONE: &[ErrorCode] =
    &[ErrorCode::CONSUMER_NOT_FOUND, ErrorCode::STREAM_NOT_FOUND];

impl JetStreamApi {
    /// `CONSUMER.CREATE.<stream>.<name>` (or `CONSUMER.CREATE.<stream>` for
    /// an unnamed, ephemeral consumer), pedantic. The filter subject is not
    /// put into the API subject: it may hold wildcards, which a subject that
    /// is published to may not.
    pub async fn create_consumer(
        &self,
        stream: &str,
        config: &ConsumerConfig,
        action: ConsumerAction,
    ) -> Result<ConsumerInfo, JetStreamError> {
        check_asset_name("stream", stream)?;
        let subject = match config.consumer_name() {
            Some(name) => {
                check_asset_name("consumer", name)?;
                format!("CONSUMER.CREATE.{stream}.{name}")
            }
            None => format!("CONSUMER.CREATE.{stream}"),
        };
        let body = CreateConsumerRequest {
            stream_name: stream,
            config,
            action: action.wire(),
            pedantic: true,
        };
        let attempted = self.exchange(&subject, &body).await;
        match (attempted.result, config.consumer_name()) {
            (Err(err), Some(name))
                if attempted.earlier_maybe_done
                    && err.err_code() == Some(ErrorCode::CONSUMER_ALREADY_EXISTS) =>
            {
                // An attempt that timed out may have made the consumer: if
                // what the server holds is what we asked for, it is ours.
                match self.consumer_info(stream, name).await? {
                    Some(info) if holds(config, &info.config) => Ok(info),
                    _ => Err(err),
                }
            }
            (result, _) => result,
        }
    }

    /// `CONSUMER.INFO`; `None` when the consumer or its stream is gone.
    pub async fn consumer_info(
        &self,
        stream: &str,
        name: &str,
    ) -> Result<Option<ConsumerInfo>, JetStreamError> {
        check_asset_name("stream", stream)?;
        check_asset_name("consumer", name)?;
        let reply = self
            .request_empty(&format!("CONSUMER.INFO.{stream}.{name}"))
            .await;
        absent_if(reply, CONSUMER_OR_STREAM_GONE)
    }

    /// `CONSUMER.DELETE`; `false` when the consumer or its stream was gone
    /// (and no earlier attempt of this call may have deleted it).
    pub async fn delete_consumer(&self, stream: &str, name: &str) -> Result<bool, JetStreamError> {
        check_asset_name("stream", stream)?;
        check_asset_name("consumer", name)?;
        let attempted = self
            .exchange_bytes(&format!("CONSUMER.DELETE.{stream}.{name}"), Vec::new())
            .await;
        deleted(attempted, CONSUMER_OR_STREAM_GONE)
    }

    /// Every consumer name of `stream` (`CONSUMER.NAMES`, all pages).
    pub async fn consumer_names(&self, stream: &str) -> Result<Vec<String>, JetStreamError> {
        check_asset_name("stream", stream)?;
        self.all_pages(&format!("CONSUMER.NAMES.{stream}"), None)
            .await
    }

    /// Every consumer of `stream` with config and state (`CONSUMER.LIST`).
    pub async fn list_consumers(&self, stream: &str) -> Result<Vec<ConsumerInfo>, JetStreamError> {
        check_asset_name("stream", stream)?;
        self.all_pages(&format!("CONSUMER.LIST.{stream}"), None)
            .await
    }
}

#[cfg(test)]
#[path = "consumer_tests.rs"]
mod tests;
