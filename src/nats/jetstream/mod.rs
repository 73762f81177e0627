//! A small typed client for the JetStream JSON API over a plain NATS client.
//!
//! We speak the API ourselves (instead of async-nats' `jetstream::Context`) so
//! every request goes to exactly the subject we choose, domains included, and
//! the server's error codes reach the user unchanged.

mod consumer;
mod error;
mod kv;
mod names;
mod object;
mod reply;
mod retry;
mod stream;
mod stream_api;
mod wire;

use std::time::Duration;

use async_nats::{Client, RequestErrorKind, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use error::{ApiError, ErrorCode, JetStreamError};
pub use reply::decode_reply;
use retry::{Attempted, Repeat};

pub use consumer::{
    AckPolicy, ConsumerAction, ConsumerConfig, ConsumerInfo, DeliverPolicy, PriorityPolicy,
    ReplayPolicy, SequenceInfo,
};
pub use kv::{kv_stream_name, KvBucketConfig, KvEntry, KvOperation, KV_MAX_HISTORY};
pub use names::{
    check_asset_name, check_bucket_name, check_kv_key, duration_to_seconds, seconds_to_duration,
    MAX_DURATION_SECONDS,
};
pub use object::ObjectBucketConfig;
pub use stream::{
    user_metadata, ClusterInfo, Compression, ConsumerLimits, DiscardPolicy, ExternalStream,
    PeerInfo, PersistMode, Placement, RePublish, RetentionPolicy, SourceConsumer, StorageType,
    StreamConfig, StreamInfo, StreamSource, StreamSourceInfo, StreamState, SubjectTransform,
    SERVER_METADATA_PREFIX,
};

/// How long one JetStream API call, retries included, may take when the
/// caller does not say.
pub const DEFAULT_API_TIMEOUT: Duration = Duration::from_secs(10);

/// Reply to `$JS.API.INFO`: the account's JetStream usage and limits.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountInfo {
    pub memory: u64,
    pub storage: u64,
    #[serde(default)]
    pub reserved_memory: u64,
    #[serde(default)]
    pub reserved_storage: u64,
    pub streams: u64,
    pub consumers: u64,
    pub limits: AccountLimits,
    #[serde(default)]
    pub domain: Option<String>,
    pub api: ApiStats,
    /// Per-replica-count usage when the account has tiered limits.
    #[serde(default)]
    pub tiers: std::collections::BTreeMap<String, AccountTier>,
}

/// JetStream limits of an account; `-1` means unlimited.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountLimits {
    pub max_memory: i64,
    pub max_storage: i64,
    pub max_streams: i64,
    pub max_consumers: i64,
    #[serde(default)]
    pub max_ack_pending: i64,
    #[serde(default)]
    pub memory_max_stream_bytes: i64,
    #[serde(default)]
    pub storage_max_stream_bytes: i64,
    #[serde(default)]
    pub max_bytes_required: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct AccountTier {
    pub memory: u64,
    pub storage: u64,
    pub streams: u64,
    pub consumers: u64,
    pub limits: AccountLimits,
}

/// API usage counters; `level` is the server's JetStream API level (2.11+).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiStats {
    #[serde(default)]
    pub level: u64,
    pub total: u64,
    pub errors: u64,
}

/// The JetStream API of one account, in one domain.
#[derive(Clone, Debug)]
pub struct JetStreamApi {
    client: Client,
    prefix: String,
    timeout: Duration,
}

impl JetStreamApi {
    /// `$JS.API`, or `$JS.<domain>.API` to reach JetStream in another domain
    /// (a hub from a leaf, or the other way round).
    pub fn new(client: Client, domain: Option<String>) -> Self {
        Self::with_prefix(client, api_prefix(domain.as_deref()))
    }

    /// An explicit API prefix (the `nats` CLI's `jetstream_api_prefix`), for
    /// accounts that import the JetStream API under another subject.
    pub fn with_prefix(client: Client, prefix: String) -> Self {
        JetStreamApi {
            client,
            prefix: prefix.trim_end_matches('.').to_owned(),
            timeout: DEFAULT_API_TIMEOUT,
        }
    }

    /// The time budget of one call: every attempt and pause between
    /// attempts of a retried request fit in it (the provider's `timeout`).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Sends `body` as JSON to `<prefix>.<subject_suffix>` and decodes the
    /// reply, retrying transient failures within the time budget.
    pub async fn request<Req, Resp>(
        &self,
        subject_suffix: &str,
        body: &Req,
    ) -> Result<Resp, JetStreamError>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        self.exchange(subject_suffix, body).await.result
    }

    /// Like [`JetStreamApi::request`] with an empty body, as INFO and DELETE
    /// requests are sent by the official clients.
    pub async fn request_empty<Resp: DeserializeOwned>(
        &self,
        subject_suffix: &str,
    ) -> Result<Resp, JetStreamError> {
        self.exchange_bytes(subject_suffix, Vec::new()).await.result
    }

    /// `$JS.API.INFO`: usage and limits of the connected account.
    pub async fn account_info(&self) -> Result<AccountInfo, JetStreamError> {
        self.request_empty("INFO").await
    }

    fn subject(&self, suffix: &str) -> String {
        format!("{}.{}", self.prefix, suffix.trim_start_matches('.'))
    }

    /// [`JetStreamApi::request`], telling also whether an earlier attempt
    /// may have been carried out (for creates and deletes to recognise
    /// their own doing).
    async fn exchange<Req, Resp>(&self, subject_suffix: &str, body: &Req) -> Attempted<Resp>
    where
        Req: Serialize + ?Sized,
        Resp: DeserializeOwned,
    {
        match serde_json::to_vec(body) {
            Ok(payload) => self.exchange_bytes(subject_suffix, payload).await,
            Err(source) => Attempted {
                result: Err(JetStreamError::Encode {
                    subject: self.subject(subject_suffix),
                    source,
                }),
                earlier_maybe_done: false,
            },
        }
    }

    async fn exchange_bytes<Resp: DeserializeOwned>(
        &self,
        subject_suffix: &str,
        payload: Vec<u8>,
    ) -> Attempted<Resp> {
        let subject = &self.subject(subject_suffix);
        let payload = &payload;
        self.retrying(subject, Repeat::Safe, |wait| async move {
            let reply = self.send(subject, payload.clone(), wait).await?;
            decode_reply(subject, &reply.payload)
        })
        .await
    }

    /// Runs `attempt` with this API's time budget (see [`retry`]).
    async fn retrying<T, F, Fut>(&self, subject: &str, repeat: Repeat, attempt: F) -> Attempted<T>
    where
        F: FnMut(Duration) -> Fut,
        Fut: std::future::Future<Output = Result<T, JetStreamError>>,
    {
        retry::with_retries(subject, self.timeout, repeat, attempt).await
    }

    /// One API request waiting `wait` for its reply; a status-only reply is
    /// an error.
    async fn send(
        &self,
        subject: &str,
        payload: Vec<u8>,
        wait: Duration,
    ) -> Result<async_nats::Message, JetStreamError> {
        let message = self.send_message(subject, None, payload, wait).await?;
        match message.status {
            None | Some(StatusCode::OK) => Ok(message),
            Some(status) => Err(JetStreamError::Status {
                subject: subject.to_owned(),
                status: status.into(),
                description: message.description,
            }),
        }
    }

    /// One request to any subject (not only the API's) that returns the
    /// whole reply, headers and status included, as direct gets need.
    async fn send_message(
        &self,
        subject: &str,
        headers: Option<async_nats::HeaderMap>,
        payload: Vec<u8>,
        wait: Duration,
    ) -> Result<async_nats::Message, JetStreamError> {
        let mut request = async_nats::Request::new()
            .payload(payload.into())
            .timeout(Some(wait));
        if let Some(headers) = headers {
            request = request.headers(headers);
        }
        self.client
            .send_request(subject.to_owned(), request)
            .await
            .map_err(|err| match err.kind() {
                RequestErrorKind::NoResponders => JetStreamError::NoResponders {
                    subject: subject.to_owned(),
                },
                RequestErrorKind::TimedOut => JetStreamError::TimedOut {
                    subject: subject.to_owned(),
                    timeout: wait,
                },
                _ => JetStreamError::Request {
                    subject: subject.to_owned(),
                    source: err,
                },
            })
    }
}

/// The API subject prefix for a JetStream domain (none or blank: the local one).
pub fn api_prefix(domain: Option<&str>) -> String {
    match domain.map(str::trim) {
        Some(domain) if !domain.is_empty() => format!("$JS.{domain}.API"),
        _ => "$JS.API".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What nats-server 2.15 sent for `$JS.API.INFO` (captured by hand).
    const ACCOUNT_INFO: &str = r#"{"type":"io.nats.jetstream.api.v1.account_info_response","memory":0,"storage":0,"reserved_memory":0,"reserved_storage":0,"streams":0,"consumers":0,"limits":{"max_memory":-1,"max_storage":-1,"max_streams":-1,"max_consumers":-1,"max_ack_pending":-1,"memory_max_stream_bytes":-1,"storage_max_stream_bytes":-1,"max_bytes_required":false},"domain":"hubd","api":{"level":5,"total":0,"errors":0}}"#;

    const STREAM_NOT_FOUND: &str = r#"{"type":"io.nats.jetstream.api.v1.stream_info_response","error":{"code":404,"err_code":10059,"description":"stream not found"},"total":0,"offset":0,"limit":0}"#;

    #[test]
    fn domains_select_the_api_prefix() {
        assert_eq!(api_prefix(None), "$JS.API");
        assert_eq!(api_prefix(Some(" ")), "$JS.API");
        assert_eq!(api_prefix(Some("hub")), "$JS.hub.API");
    }

    #[test]
    fn account_info_decodes() {
        let info: AccountInfo = decode_reply("$JS.API.INFO", ACCOUNT_INFO.as_bytes()).unwrap();
        assert_eq!(info.domain.as_deref(), Some("hubd"));
        assert_eq!(info.limits.max_streams, -1);
        assert_eq!(info.api.level, 5);
        assert!(info.tiers.is_empty());
    }

    #[test]
    fn error_replies_become_api_errors_with_the_nats_code() {
        let err = decode_reply::<AccountInfo>("$JS.API.STREAM.INFO.x", STREAM_NOT_FOUND.as_bytes())
            .unwrap_err();
        assert_eq!(err.to_string(), "stream not found (10059)");
        assert!(err.is_not_found());
        assert_eq!(err.err_code(), Some(ErrorCode::STREAM_NOT_FOUND));
    }

    #[test]
    fn garbage_is_a_decode_error_naming_the_subject() {
        let err = decode_reply::<AccountInfo>("$JS.API.INFO", b"not json").unwrap_err();
        assert!(matches!(err, JetStreamError::Decode { .. }));
        assert!(err
            .to_string()
            .starts_with("unexpected reply from $JS.API.INFO:"));
    }

    #[test]
    fn no_responders_explains_the_likely_causes() {
        let err = JetStreamError::NoResponders {
            subject: "$JS.leaf.API.INFO".into(),
        };
        assert_eq!(
            err.to_string(),
            "nothing answers on $JS.leaf.API.INFO: JetStream is not enabled for this account or server, or the JetStream domain is wrong"
        );
    }
}
