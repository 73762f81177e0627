//! Account JWTs in the servers' account resolver, over `$SYS` (needs a system-account
//! user): push, look up, list and delete.
//!
//! Every server of a full or cache resolver answers an update or delete, so these
//! publish once and gather replies until the line goes quiet: a plain request would
//! hear only the fastest server and hide the ones that did not take the change.

use std::time::Duration;

use async_nats::{Client, RequestErrorKind, StatusCode};
use futures::StreamExt;
use nkeys::KeyPair;
use serde::Deserialize;

use super::jwt::{self, Claims, JwtError};
use super::system::{
    publish_for_replies, ServerReply, SystemApi, SystemError, DEFAULT_QUIET_PERIOD,
};

pub const CLAIMS_UPDATE: &str = "$SYS.REQ.CLAIMS.UPDATE";
pub const CLAIMS_DELETE: &str = "$SYS.REQ.CLAIMS.DELETE";
pub const CLAIMS_LIST: &str = "$SYS.REQ.CLAIMS.LIST";

/// What one server says about an update or delete.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ClaimsResult {
    #[serde(default)]
    pub account: String,
    #[serde(default)]
    pub code: u16,
    #[serde(default)]
    pub message: String,
}

/// The account resolver's `$SYS` API on a system-account connection.
#[derive(Clone, Debug)]
pub struct ClaimsApi {
    client: Client,
    timeout: Duration,
    quiet: Duration,
}

impl ClaimsApi {
    pub fn new(system: &SystemApi) -> Self {
        ClaimsApi {
            client: system.client().clone(),
            timeout: super::system::DEFAULT_SYSTEM_TIMEOUT,
            quiet: DEFAULT_QUIET_PERIOD,
        }
    }

    /// Sends an account JWT to every resolver server; one reply per server that
    /// answered (each may carry an error). `expected` names the servers that should
    /// answer (e.g. from a VARZ ping): each is waited for up to the timeout, and the
    /// wait ends as soon as all have answered. Empty: gather until the line goes quiet.
    pub async fn update(
        &self,
        account_jwt: &str,
        expected: &[String],
    ) -> Result<Vec<ServerReply<ClaimsResult>>, SystemError> {
        self.gather(CLAIMS_UPDATE, account_jwt.as_bytes().to_vec(), expected)
            .await
    }

    /// Sends a delete request (see [`delete_request`]) to every resolver server;
    /// `expected` as for [`update`](Self::update).
    pub async fn delete(
        &self,
        request_jwt: &str,
        expected: &[String],
    ) -> Result<Vec<ServerReply<ClaimsResult>>, SystemError> {
        self.gather(CLAIMS_DELETE, request_jwt.as_bytes().to_vec(), expected)
            .await
    }

    /// The JWT a server holds for `account`; `None` when it has none.
    pub async fn lookup(&self, account: &str) -> Result<Option<String>, SystemError> {
        let subject = format!("$SYS.REQ.ACCOUNT.{account}.CLAIMS.LOOKUP");
        let request = async_nats::Request::new()
            .payload(Vec::new().into())
            .timeout(Some(self.timeout));
        match self.client.send_request(subject.clone(), request).await {
            Ok(message) if message.payload.is_empty() => Ok(None),
            Ok(message) => String::from_utf8(message.payload.to_vec())
                .map(Some)
                .map_err(|source| SystemError::NotText {
                    subject,
                    what: "the JWT",
                    source,
                }),
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

    /// Public keys of the accounts the resolver servers hold, per server.
    pub async fn list(&self) -> Result<Vec<ServerReply<Vec<String>>>, SystemError> {
        self.gather(CLAIMS_LIST, Vec::new(), &[]).await
    }

    async fn gather<T: serde::de::DeserializeOwned>(
        &self,
        subject: &str,
        payload: Vec<u8>,
        expected: &[String],
    ) -> Result<Vec<ServerReply<T>>, SystemError> {
        let mut replies = publish_for_replies(&self.client, subject, payload).await?;
        let mut gathered: Vec<ServerReply<T>> = Vec::new();
        let started = tokio::time::Instant::now();
        let patience = Patience {
            timeout: self.timeout,
            quiet: self.quiet,
        };
        while let Some(wait) = patience.next_wait(expected, &gathered, started.elapsed()) {
            let Ok(Some(message)) = tokio::time::timeout(wait, replies.next()).await else {
                break;
            };
            if message.status == Some(StatusCode::NO_RESPONDERS) {
                return Err(SystemError::NoResponders {
                    subject: subject.to_owned(),
                });
            }
            gathered.push(serde_json::from_slice(&message.payload).map_err(|source| {
                SystemError::Decode {
                    subject: subject.to_owned(),
                    source,
                }
            })?);
        }
        let _ = replies.unsubscribe().await;
        if gathered.is_empty() {
            return Err(SystemError::TimedOut {
                subject: subject.to_owned(),
                timeout: self.timeout,
            });
        }
        Ok(gathered)
    }
}

/// How long [`ClaimsApi`] waits for the replies to one request.
struct Patience {
    timeout: Duration,
    quiet: Duration,
}

impl Patience {
    /// How long to wait for the next reply; `None` when done. Without expected servers:
    /// the full timeout for the first reply, then a quiet spell. With them: until every
    /// one has answered, or the timeout since the request has passed.
    fn next_wait<T>(
        &self,
        expected: &[String],
        gathered: &[ServerReply<T>],
        elapsed: Duration,
    ) -> Option<Duration> {
        if expected.is_empty() {
            return Some(if gathered.is_empty() {
                self.timeout
            } else {
                self.quiet
            });
        }
        let all_answered = expected
            .iter()
            .all(|name| gathered.iter().any(|reply| &reply.server.name == name));
        let left = self.timeout.saturating_sub(elapsed);
        (!all_answered && !left.is_zero()).then_some(left)
    }
}

/// One resolver server as learned from its VARZ: its name and the operators (subject
/// and signing keys, with a display name) it trusts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolverServer {
    pub name: String,
    pub trusted: Vec<TrustedOperator>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedOperator {
    pub name: String,
    pub subject: String,
    pub signing_keys: Vec<String>,
}

impl TrustedOperator {
    /// Whether accounts signed by `key` are trusted through this operator.
    pub fn trusts(&self, key: &str) -> bool {
        self.subject == key || self.signing_keys.iter().any(|k| k == key)
    }
}

/// What one provider instance knows about the account resolver: which servers
/// answer and whom they trust, learned from one VARZ round and kept until a server
/// it does not know answers. Pushes then wait for exactly those servers, instead of
/// a VARZ round and a quiet spell each.
#[derive(Debug, Default)]
pub struct ResolverCache {
    servers: tokio::sync::Mutex<Option<Vec<ResolverServer>>>,
}

impl ResolverCache {
    /// The known servers, learned over `system` when not known yet.
    pub async fn servers(&self, system: &SystemApi) -> Result<Vec<ResolverServer>, SystemError> {
        let mut known = self.servers.lock().await;
        if let Some(servers) = known.as_ref() {
            return Ok(servers.clone());
        }
        let learned = learn_servers(system).await?;
        *known = Some(learned.clone());
        Ok(learned)
    }

    /// Forgets what was learned (a server unknown to it answered): the next call to
    /// [`servers`](Self::servers) asks again.
    pub async fn forget(&self) {
        *self.servers.lock().await = None;
    }
}

#[derive(Deserialize)]
struct TrustVarz {
    #[serde(default)]
    trusted_operators_claim: Vec<TrustClaim>,
}

#[derive(Deserialize)]
struct TrustClaim {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sub: String,
    #[serde(default)]
    nats: TrustBody,
}

#[derive(Deserialize, Default)]
struct TrustBody {
    #[serde(default)]
    signing_keys: Vec<String>,
}

/// Every server's name and trusted operators, gathered from one VARZ round.
async fn learn_servers(system: &SystemApi) -> Result<Vec<ResolverServer>, SystemError> {
    let replies: Vec<ServerReply<TrustVarz>> = system
        .ping("VARZ", &serde_json::json!({}), DEFAULT_QUIET_PERIOD)
        .await?;
    Ok(replies
        .into_iter()
        .map(|reply| ResolverServer {
            name: reply.server.name,
            trusted: reply
                .data
                .map(|d| d.trusted_operators_claim)
                .unwrap_or_default()
                .into_iter()
                .map(|c| TrustedOperator {
                    name: c.name,
                    subject: c.sub,
                    signing_keys: c.nats.signing_keys,
                })
                .collect(),
        })
        .collect())
}

/// The request body of a claims delete: a JWT about the operator key itself
/// (`sub == iss`), signed by the operator or one of its signing keys, listing the
/// accounts to remove.
pub fn delete_request(operator_key: &KeyPair, accounts: &[String]) -> Result<String, JwtError> {
    let mut body = serde_json::Map::new();
    body.insert("accounts".into(), accounts.into());
    body.insert("type".into(), "generic".into());
    body.insert("version".into(), jwt::JWT_VERSION.into());
    let claims = Claims::new(operator_key.public_key(), "", body);
    jwt::encode(&claims, operator_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delete_requests_are_about_the_signing_operator_key() {
        let operator = KeyPair::new_operator();
        let token = delete_request(&operator, &["AABC".to_string()]).unwrap();
        let jwt::AnyClaims::Generic(claims) = jwt::decode(&token).unwrap() else {
            panic!("expected generic claims");
        };
        assert_eq!(claims.subject, operator.public_key());
        assert_eq!(claims.issuer, operator.public_key());
        assert_eq!(claims.nats["accounts"], serde_json::json!(["AABC"]));
    }

    fn reply_from(name: &str) -> ServerReply<ClaimsResult> {
        serde_json::from_value(serde_json::json!({"server": {"name": name, "id": name}})).unwrap()
    }

    const PATIENCE: Patience = Patience {
        timeout: Duration::from_secs(5),
        quiet: Duration::from_millis(500),
    };

    #[test]
    fn without_expected_servers_the_gathering_stops_when_the_line_goes_quiet() {
        let none: [ServerReply<ClaimsResult>; 0] = [];
        let second = Duration::from_secs(1);
        assert_eq!(
            PATIENCE.next_wait(&[], &none, second),
            Some(PATIENCE.timeout)
        );
        assert_eq!(
            PATIENCE.next_wait(&[], &[reply_from("a")], second),
            Some(PATIENCE.quiet)
        );
    }

    #[test]
    fn expected_servers_are_waited_for_until_all_answered_or_the_timeout() {
        let expected = ["a".to_string(), "b".to_string()];
        let answered_a = [reply_from("a")];
        // A slow server gets the rest of the timeout, not just a quiet spell.
        assert_eq!(
            PATIENCE.next_wait(&expected, &answered_a, Duration::from_secs(1)),
            Some(Duration::from_secs(4))
        );
        assert_eq!(
            PATIENCE.next_wait(&expected, &answered_a, Duration::from_secs(6)),
            None
        );
        // Once every expected server answered, nobody waits for stragglers.
        let answered_both = [reply_from("b"), reply_from("x"), reply_from("a")];
        assert_eq!(
            PATIENCE.next_wait(&expected, &answered_both, Duration::from_millis(10)),
            None
        );
    }

    #[test]
    fn server_replies_read_with_data_or_error() {
        let ok: ServerReply<ClaimsResult> = serde_json::from_str(
            r#"{"server":{"name":"a","id":"N1"},"data":{"account":"A1","code":200,"message":"jwt updated"}}"#,
        )
        .unwrap();
        assert_eq!(ok.data.unwrap().code, 200);
        let failed: ServerReply<ClaimsResult> = serde_json::from_str(
            r#"{"server":{"name":"b","id":"N2"},"error":{"account":"A1","code":500,"description":"not trusted"}}"#,
        )
        .unwrap();
        assert_eq!(failed.error.unwrap().description, "not trusted");
    }
}
