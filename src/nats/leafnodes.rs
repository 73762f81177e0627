//! Leaf node state over `$SYS`: finding a server by name, its `LEAFZ`, asking it to
//! reload its configuration file, and telling which configured remote a LEAFZ entry
//! is (LEAFZ does not name remotes: it lists the far end's address and the local
//! account of every connection).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::server_config::address::parse_url;
use super::system::{ServerIdentity, SystemApi, SystemError};

/// The oldest nats-server that reloads on `$SYS.REQ.SERVER.<id>.RELOAD`.
pub const RELOAD_MIN_VERSION: (u64, u64, u64) = (2, 10, 0);
/// The oldest nats-server that adds or removes leaf node remotes on reload.
pub const REMOTE_RELOAD_MIN_VERSION: (u64, u64, u64) = (2, 14, 0);

/// S2 compression of a leaf node connection, as nats-server names its modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Compression {
    Off,
    Accept,
    S2Fast,
    S2Better,
    S2Best,
    S2Auto,
}

/// LEAFZ data: a server's leaf node connections.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Leafz {
    #[serde(default)]
    pub server_id: String,
    #[serde(default)]
    pub leafnodes: u64,
    /// Null in the reply when there is none.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub leafs: Vec<LeafConnection>,
}

/// One leaf node connection as LEAFZ reports it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct LeafConnection {
    /// The server name of the far end.
    #[serde(default)]
    pub name: String,
    /// True on the side that connected out (the remote), false on the hub side.
    #[serde(default)]
    pub is_spoke: bool,
    /// The local account the connection is bound to.
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub ip: String,
    #[serde(default)]
    pub port: u16,
    #[serde(default)]
    pub rtt: String,
    #[serde(default)]
    pub in_msgs: u64,
    #[serde(default)]
    pub out_msgs: u64,
    #[serde(default)]
    pub in_bytes: u64,
    #[serde(default)]
    pub out_bytes: u64,
    #[serde(default)]
    pub subscriptions: u64,
    #[serde(default)]
    pub compression: String,
}

fn null_as_empty<'de, D, T>(deserializer: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(deserializer)?.unwrap_or_default())
}

#[derive(Debug, thiserror::Error)]
pub enum LeafnodeError {
    #[error(transparent)]
    System(#[from] SystemError),
    #[error("no server named {name:?} answered on $SYS (servers that did: {answered})")]
    ServerNotFound { name: String, answered: String },
    #[error("{count} servers are named {name:?} (ids {ids}); server names must be unique")]
    DuplicateName {
        name: String,
        count: usize,
        ids: String,
    },
    #[error(
        "server {name} runs nats-server {version}, which cannot reload over $SYS (needs >= 2.10.0)"
    )]
    ReloadUnsupported { name: String, version: String },
    #[error("server {name} refused to reload: {reason}")]
    ReloadRefused { name: String, reason: String },
}

impl SystemApi {
    /// The LEAFZ of every server that answers, each with who answered.
    pub async fn leafz_all(
        &self,
        quiet: Duration,
    ) -> Result<Vec<(ServerIdentity, Leafz)>, SystemError> {
        let replies = self
            .ping::<_, Leafz>("LEAFZ", &serde_json::json!({}), quiet)
            .await?;
        let subject = "$SYS.REQ.SERVER.PING.LEAFZ";
        replies
            .into_iter()
            .map(|reply| {
                let server = reply.server.clone();
                reply.into_data(subject).map(|data| (server, data))
            })
            .collect()
    }

    /// The one server named `name` and its LEAFZ; fails when none or several answer.
    pub async fn leafz_of(
        &self,
        name: &str,
        quiet: Duration,
    ) -> Result<(ServerIdentity, Leafz), LeafnodeError> {
        let all = self.leafz_all(quiet).await?;
        let answered: Vec<String> = all.iter().map(|(s, _)| s.name.clone()).collect();
        let mut matching: Vec<(ServerIdentity, Leafz)> =
            all.into_iter().filter(|(s, _)| s.name == name).collect();
        match matching.len() {
            0 => Err(LeafnodeError::ServerNotFound {
                name: name.to_owned(),
                answered: if answered.is_empty() {
                    "none".into()
                } else {
                    answered.join(", ")
                },
            }),
            1 => Ok(matching.remove(0)),
            count => Err(LeafnodeError::DuplicateName {
                name: name.to_owned(),
                count,
                ids: matching
                    .iter()
                    .map(|(s, _)| s.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// LEAFZ of one server by id (fresh, after a reload).
    pub async fn leafz(&self, server_id: &str) -> Result<Leafz, SystemError> {
        self.server_request::<_, Leafz>(server_id, "LEAFZ", &serde_json::json!({}))
            .await?
            .into_data("LEAFZ")
    }

    /// Asks `server` to re-read its configuration file; the server's refusal (an
    /// invalid file, a setting that cannot change by reload) comes back as its reason.
    pub async fn reload(&self, server: &ServerIdentity) -> Result<(), LeafnodeError> {
        if parse_version(&server.ver).is_some_and(|v| v < RELOAD_MIN_VERSION) {
            return Err(LeafnodeError::ReloadUnsupported {
                name: server.name.clone(),
                version: server.ver.clone(),
            });
        }
        let reply = self
            .server_request::<_, serde_json::Value>(&server.id, "RELOAD", &serde_json::json!({}))
            .await?;
        match reply.error {
            Some(error) => Err(LeafnodeError::ReloadRefused {
                name: server.name.clone(),
                reason: error.description,
            }),
            None => Ok(()),
        }
    }
}

/// `2.14.0-RC.1` -> (2, 14, 0); `None` when it does not look like a version.
pub fn parse_version(text: &str) -> Option<(u64, u64, u64)> {
    let core = text.trim_start_matches('v').split(['-', '+']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// What identifies a configured remote in LEAFZ: the ports its URLs point to and the
/// local account it binds (`None`: the server's default account).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteExpectation {
    pub ports: Vec<u16>,
    pub account: Option<String>,
}

impl RemoteExpectation {
    pub fn new(urls: &[String], account: Option<&str>) -> Self {
        RemoteExpectation {
            ports: urls.iter().filter_map(|url| url_port(url)).collect(),
            account: account.map(str::to_owned),
        }
    }

    /// The connection this remote made, if it is up.
    pub fn find<'a>(&self, leafz: &'a Leafz) -> Option<&'a LeafConnection> {
        leafz.leafs.iter().find(|leaf| {
            leaf.is_spoke
                && self.ports.contains(&leaf.port)
                && self.account.as_ref().is_none_or(|a| a == &leaf.account)
        })
    }
}

/// The port a leaf node URL connects to, with the defaults nats-server applies;
/// `None` for what is not a URL (see [`parse_url`]).
pub fn url_port(url: &str) -> Option<u16> {
    let parts = parse_url(url).ok()?;
    parts.port.or(match parts.scheme.as_str() {
        "ws" => Some(80),
        "wss" => Some(443),
        _ => Some(7422),
    })
}

/// Leaf node URLs with any `user:password@` removed, for messages and state.
pub fn redact_url(url: &str) -> String {
    let (prefix, rest) = match url.find("://") {
        Some(at) => url.split_at(at + 3),
        None => ("", url),
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{prefix}{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_come_from_urls_or_scheme_defaults() {
        assert_eq!(url_port("nats-leaf://u:p@127.0.0.1:7433"), Some(7433));
        assert_eq!(url_port("nats://hub.example.com"), Some(7422));
        assert_eq!(url_port("wss://hub.example.com/leaf"), Some(443));
        assert_eq!(url_port("127.0.0.1:9000"), None);
        assert_eq!(url_port("nats://[::1]:7500"), Some(7500));
        assert_eq!(url_port("nats://[::1]"), Some(7422));
        assert_eq!(url_port("nats://host:notaport"), None);
    }

    #[test]
    fn passwords_are_cut_from_urls() {
        assert_eq!(
            redact_url("nats-leaf://user:secret@hub:7422"),
            "nats-leaf://hub:7422"
        );
        assert_eq!(redact_url("nats://hub:7422/a@b"), "nats://hub:7422/a@b");
        assert_eq!(redact_url("user:secret@hub:7422"), "hub:7422");
        assert_eq!(redact_url("nats://hub:7422"), "nats://hub:7422");
    }

    #[test]
    fn a_remote_is_found_by_port_and_account() {
        let leafz: Leafz = serde_json::from_value(serde_json::json!({
            "server_id": "N1", "leafnodes": 2,
            "leafs": [
                {"name": "hub", "is_spoke": true, "account": "A1", "ip": "127.0.0.1", "port": 7422, "rtt": "1ms"},
                {"name": "edge", "is_spoke": false, "account": "A2", "ip": "127.0.0.1", "port": 5555}
            ]
        }))
        .unwrap();
        let urls = vec!["nats-leaf://127.0.0.1:7422".to_string()];
        assert!(RemoteExpectation::new(&urls, Some("A1"))
            .find(&leafz)
            .is_some());
        assert!(RemoteExpectation::new(&urls, Some("A2"))
            .find(&leafz)
            .is_none());
        let accepted = vec!["nats://x:5555".to_string()];
        assert!(RemoteExpectation::new(&accepted, None)
            .find(&leafz)
            .is_none());
        let empty: Leafz = serde_json::from_str(r#"{"leafnodes":0,"leafs":null}"#).unwrap();
        assert!(empty.leafs.is_empty());
    }

    #[test]
    fn versions_compare_as_numbers() {
        assert_eq!(parse_version("2.15.1"), Some((2, 15, 1)));
        assert_eq!(parse_version("v2.14.0-RC.2"), Some((2, 14, 0)));
        assert!(parse_version("2.9.22").unwrap() < RELOAD_MIN_VERSION);
        assert_eq!(parse_version("dev"), None);
    }
}
