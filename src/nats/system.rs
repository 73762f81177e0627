//! Asking servers about themselves over `$SYS` (needs a system-account user).
//!
//! `$SYS.REQ.SERVER.PING.<KIND>` is answered by every server of a cluster, so
//! [`SystemApi::ping`] publishes once and gathers replies until the line goes
//! quiet; a plain request would return only the fastest server.

use std::time::Duration;

use async_nats::{Client, RequestErrorKind, StatusCode};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::jetstream::ApiStats;

/// How long to wait for the first reply (or a single server's reply).
pub const DEFAULT_SYSTEM_TIMEOUT: Duration = Duration::from_secs(5);

/// How long [`SystemApi::ping`] callers typically wait after the last reply.
pub const DEFAULT_QUIET_PERIOD: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum SystemError {
    #[error("nothing answers on {subject}: is this connection a user of the system account?")]
    NoResponders { subject: String },
    #[error("no server answered {subject} within {timeout:?}")]
    TimedOut { subject: String, timeout: Duration },
    #[error("server {server} answered {subject} with an error: {description} (status {code})")]
    Server {
        subject: String,
        server: String,
        code: u16,
        description: String,
    },
    #[error("server {server} sent no data for {subject}")]
    NoData { subject: String, server: String },
    #[error("request {subject} failed: {source}")]
    Request {
        subject: String,
        #[source]
        source: async_nats::Error,
    },
    #[error("cannot encode the request for {subject}: {source}")]
    Encode {
        subject: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("unexpected reply from {subject}: {source}")]
    Decode {
        subject: String,
        #[source]
        source: serde_json::Error,
    },
    /// A reply that should be text (a JWT) and is not UTF-8.
    #[error("unexpected reply from {subject}: {what} is not UTF-8")]
    NotText {
        subject: String,
        what: &'static str,
        #[source]
        source: std::string::FromUtf8Error,
    },
}

/// Who answered: the `server` object of every `$SYS` reply.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ServerIdentity {
    pub name: String,
    #[serde(default)]
    pub host: String,
    pub id: String,
    #[serde(default)]
    pub cluster: Option<String>,
    /// The server's JetStream domain.
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub ver: String,
    #[serde(default)]
    pub jetstream: bool,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReplyError {
    pub code: u16,
    #[serde(default)]
    pub description: String,
}

/// One server's reply: `{"server": {...}, "data": ..., "error": {...}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
pub struct ServerReply<T> {
    pub server: ServerIdentity,
    #[serde(default)]
    pub data: Option<T>,
    #[serde(default)]
    pub error: Option<ReplyError>,
}

impl<T> ServerReply<T> {
    /// The data, or the server's error as a [`SystemError`].
    pub fn into_data(self, subject: &str) -> Result<T, SystemError> {
        if let Some(error) = self.error {
            return Err(SystemError::Server {
                subject: subject.to_owned(),
                server: self.server.name,
                code: error.code,
                description: error.description,
            });
        }
        self.data.ok_or_else(|| SystemError::NoData {
            subject: subject.to_owned(),
            server: self.server.name,
        })
    }
}

/// The part of VARZ natsforge reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Varz {
    pub server_id: String,
    pub server_name: String,
    pub version: String,
    #[serde(default)]
    pub host: String,
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub max_payload: u64,
    pub connections: u64,
    pub total_connections: u64,
    pub mem: i64,
    pub cpu: f64,
    pub subscriptions: u64,
    pub in_msgs: u64,
    pub out_msgs: u64,
    pub in_bytes: u64,
    pub out_bytes: u64,
    #[serde(default)]
    pub routes: u64,
    #[serde(default)]
    pub leafnodes: u64,
    #[serde(default)]
    pub system_account: Option<String>,
    #[serde(default)]
    pub cluster: VarzCluster,
    #[serde(default)]
    pub jetstream: VarzJetStream,
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub uptime: String,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct VarzCluster {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub urls: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct VarzJetStream {
    /// Absent when JetStream is off.
    #[serde(default)]
    pub config: Option<JetStreamServerConfig>,
    #[serde(default)]
    pub stats: Option<JetStreamServerStats>,
}

/// A server's JetStream configuration (VARZ and JSZ share this shape).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct JetStreamServerConfig {
    #[serde(default)]
    pub max_memory: i64,
    #[serde(default)]
    pub max_storage: i64,
    #[serde(default)]
    pub store_dir: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct JetStreamServerStats {
    pub memory: u64,
    pub storage: u64,
    #[serde(default)]
    pub accounts: u64,
    #[serde(default)]
    pub ha_assets: u64,
    pub api: ApiStats,
}

/// The part of JSZ natsforge reads.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Jsz {
    pub server_id: String,
    /// True when the server runs without JetStream.
    #[serde(default)]
    pub disabled: bool,
    pub memory: u64,
    pub storage: u64,
    #[serde(default)]
    pub streams: u64,
    #[serde(default)]
    pub consumers: u64,
    #[serde(default)]
    pub messages: u64,
    #[serde(default)]
    pub bytes: u64,
    #[serde(default)]
    pub accounts: u64,
    pub api: ApiStats,
    #[serde(default)]
    pub config: JetStreamServerConfig,
}

/// Publishes once with a fresh reply inbox and returns the subscription collecting
/// the replies: every server answers a `$SYS` request, so callers gather, not request.
pub async fn publish_for_replies(
    client: &Client,
    subject: &str,
    payload: Vec<u8>,
) -> Result<async_nats::Subscriber, SystemError> {
    let failed = |source: async_nats::Error| SystemError::Request {
        subject: subject.to_owned(),
        source,
    };
    let inbox = client.new_inbox();
    let replies = client
        .subscribe(inbox.clone())
        .await
        .map_err(|e| failed(e.into()))?;
    client
        .publish_with_reply(subject.to_owned(), inbox, payload.into())
        .await
        .map_err(|e| failed(e.into()))?;
    client.flush().await.map_err(|e| failed(e.into()))?;
    Ok(replies)
}

/// `$SYS` requests on one connection.
#[derive(Clone, Debug)]
pub struct SystemApi {
    client: Client,
    timeout: Duration,
}

impl SystemApi {
    pub fn new(client: Client) -> Self {
        SystemApi {
            client,
            timeout: DEFAULT_SYSTEM_TIMEOUT,
        }
    }

    /// The system-account connection, for `$SYS` requests made elsewhere (claims).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// How long to wait for a single server, or for the first of many.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Publishes once to `$SYS.REQ.SERVER.PING.<KIND>` and gathers every reply
    /// until none has come for `quiet` (the first may take the full timeout).
    pub async fn ping<Req, T>(
        &self,
        kind: &str,
        body: &Req,
        quiet: Duration,
    ) -> Result<Vec<ServerReply<T>>, SystemError>
    where
        Req: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let subject = format!("$SYS.REQ.SERVER.PING.{}", kind.to_ascii_uppercase());
        let payload = encode(&subject, body)?;
        let mut replies = publish_for_replies(&self.client, &subject, payload).await?;

        let mut gathered = Vec::new();
        let mut wait = self.timeout;
        while let Ok(Some(message)) = tokio::time::timeout(wait, replies.next()).await {
            if message.status == Some(StatusCode::NO_RESPONDERS) {
                return Err(SystemError::NoResponders { subject });
            }
            gathered.push(decode(&subject, &message.payload)?);
            wait = quiet;
        }
        // Dropping the subscriber would unsubscribe too, but only eventually.
        let _ = replies.unsubscribe().await;
        if gathered.is_empty() {
            return Err(SystemError::TimedOut {
                subject,
                timeout: self.timeout,
            });
        }
        Ok(gathered)
    }

    /// Asks one server, by id: `$SYS.REQ.SERVER.<id>.<KIND>`.
    pub async fn server_request<Req, T>(
        &self,
        server_id: &str,
        kind: &str,
        body: &Req,
    ) -> Result<ServerReply<T>, SystemError>
    where
        Req: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let subject = format!("$SYS.REQ.SERVER.{server_id}.{}", kind.to_ascii_uppercase());
        let payload = encode(&subject, body)?;
        let request = async_nats::Request::new()
            .payload(payload.into())
            .timeout(Some(self.timeout));
        match self.client.send_request(subject.clone(), request).await {
            Ok(message) => decode(&subject, &message.payload),
            Err(err) => Err(match err.kind() {
                RequestErrorKind::NoResponders => SystemError::NoResponders { subject },
                RequestErrorKind::TimedOut => SystemError::TimedOut {
                    subject,
                    timeout: self.timeout,
                },
                _ => SystemError::Request {
                    subject,
                    source: err.into(),
                },
            }),
        }
    }

    /// VARZ of every server that answers.
    pub async fn varz_all(&self, quiet: Duration) -> Result<Vec<ServerReply<Varz>>, SystemError> {
        self.ping("VARZ", &serde_json::json!({}), quiet).await
    }

    /// JSZ of every server that answers.
    pub async fn jsz_all(&self, quiet: Duration) -> Result<Vec<ServerReply<Jsz>>, SystemError> {
        self.ping("JSZ", &serde_json::json!({}), quiet).await
    }

    pub async fn varz(&self, server_id: &str) -> Result<ServerReply<Varz>, SystemError> {
        self.server_request(server_id, "VARZ", &serde_json::json!({}))
            .await
    }

    pub async fn jsz(&self, server_id: &str) -> Result<ServerReply<Jsz>, SystemError> {
        self.server_request(server_id, "JSZ", &serde_json::json!({}))
            .await
    }
}

fn encode<Req: Serialize + ?Sized>(subject: &str, body: &Req) -> Result<Vec<u8>, SystemError> {
    serde_json::to_vec(body).map_err(|source| SystemError::Encode {
        subject: subject.to_owned(),
        source,
    })
}

fn decode<T: DeserializeOwned>(
    subject: &str,
    payload: &[u8],
) -> Result<ServerReply<T>, SystemError> {
    serde_json::from_slice(payload).map_err(|source| SystemError::Decode {
        subject: subject.to_owned(),
        source,
    })
}

#[cfg(test)]
#[path = "system_tests.rs"]
mod tests;
