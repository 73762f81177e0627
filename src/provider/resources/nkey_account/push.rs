//! The live side of `nats_nkey_account`: the servers' account resolver, reached with
//! the provider's system credentials. Without them every function here does nothing.

use super::schema::AccountModel;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::nats::claims::{delete_request, ClaimsApi, ClaimsResult, ResolverServer};
use crate::nats::{ServerReply, SystemApi, SystemError};
use crate::provider::client::NatsClient;
use crate::provider::resources::auth_common::KeyKind;
use crate::provider::resources::auth_signer::signing_key;

/// The resolver API, when the provider has system credentials and `push` is on.
async fn resolver(
    client: &NatsClient,
    model: &AccountModel,
) -> Result<Option<(SystemApi, ClaimsApi)>, Diagnostics> {
    if model.push == Some(false) {
        return Ok(None);
    }
    Ok(client.system().await?.map(|system| {
        let claims = ClaimsApi::new(&system);
        (system, claims)
    }))
}

fn failed(what: &str, error: SystemError) -> Diagnostics {
    Diagnostic::error(format!("Cannot {what}"), error.to_string()).into()
}

/// The resolver's servers as this provider instance knows them (learned once).
async fn known_servers(
    client: &NatsClient,
    system: &SystemApi,
) -> Result<Vec<ResolverServer>, Diagnostics> {
    client
        .resolver_cache()
        .servers(system)
        .await
        .map_err(|e| failed("ask the servers which operator they trust", e))
}

fn names(servers: &[ResolverServer]) -> Vec<String> {
    servers.iter().map(|s| s.name.clone()).collect()
}

/// A reply from a server this instance did not know means the cluster changed:
/// learn it again, and hold the new servers to the same trust check.
async fn relearn_if_new(
    client: &NatsClient,
    system: &SystemApi,
    replies: &[ServerReply<ClaimsResult>],
    known: &[String],
    issuer: Option<&str>,
) -> Result<(), Diagnostics> {
    if replies.iter().all(|r| known.contains(&r.server.name)) {
        return Ok(());
    }
    client.resolver_cache().forget().await;
    let servers = known_servers(client, system).await?;
    match issuer {
        Some(issuer) => check_trust(&servers, issuer),
        None => Ok(()),
    }
}

/// Pushes the account JWT to every resolver server and fails naming each server that
/// refused it or did not answer.
pub async fn publish(client: &NatsClient, model: &AccountModel) -> Result<(), Diagnostics> {
    let Some((system, claims)) = resolver(client, model).await? else {
        return Ok(());
    };
    let token = model.jwt.as_deref().unwrap_or_default();
    let issuer = model.issuer.as_deref().unwrap_or_default();
    let servers = known_servers(client, &system).await?;
    check_trust(&servers, issuer)?;
    let expected = names(&servers);
    let replies = claims.update(token, &expected).await.map_err(|e| match e {
        SystemError::NoResponders { .. } => Diagnostic::error(
            "No account resolver takes updates",
            "No server answered $SYS.REQ.CLAIMS.UPDATE: the servers need `resolver { type: full }` (or `cache`). With a `MEMORY` resolver, put the JWT into `resolver_preload` instead and set `push = false`.",
        )
        .into(),
        other => failed("push the account JWT", other),
    })?;
    relearn_if_new(client, &system, &replies, &expected, Some(issuer)).await?;
    let problems = refusals(&replies, &expected);
    if problems.is_empty() {
        tracing::info!(account = %model.public_key.as_deref().unwrap_or_default(), servers = replies.len(), "Account JWT pushed");
        Ok(())
    } else {
        Err(Diagnostic::error(
            "The account resolver did not take the JWT everywhere",
            format!("{}.", problems.join("; ")),
        )
        .into())
    }
}

/// Every server that refused, and every server that answered VARZ but not the update.
fn refusals(replies: &[ServerReply<ClaimsResult>], servers: &[String]) -> Vec<String> {
    let mut problems: Vec<String> = replies
        .iter()
        .filter_map(|reply| match (&reply.error, &reply.data) {
            (Some(error), _) => Some(format!(
                "server {} refused: {}",
                reply.server.name, error.description
            )),
            (None, Some(data)) if data.code != 200 => Some(format!(
                "server {} answered {}: {}",
                reply.server.name, data.code, data.message
            )),
            (None, None) => Some(format!("server {} sent an empty reply", reply.server.name)),
            _ => None,
        })
        .collect();
    for server in servers {
        if !replies.iter().any(|r| &r.server.name == server) {
            problems.push(format!("server {server} did not confirm the update"));
        }
    }
    problems
}

/// The update handlers accept a JWT from any operator, so check trust ourselves: the
/// issuer must be a trusted operator or one of its signing keys on every server.
fn check_trust(servers: &[ResolverServer], issuer: &str) -> Result<(), Diagnostics> {
    let untrusting: Vec<String> = servers
        .iter()
        .filter(|s| !s.trusted.is_empty() && !s.trusted.iter().any(|o| o.trusts(issuer)))
        .map(|s| {
            let names: Vec<String> = s
                .trusted
                .iter()
                .map(|o| format!("{} ({})", o.name, o.subject))
                .collect();
            format!("server {} trusts {}", s.name, names.join(", "))
        })
        .collect();
    if untrusting.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::error(
        "The servers do not trust this account's operator",
        format!(
            "The JWT is signed by {issuer}, which is neither a trusted operator nor one of its signing keys: {}. Sign it with that operator's seed.",
            untrusting.join("; ")
        ),
    )
    .into())
}

/// Whether the resolver holds exactly this JWT (true when nothing can be asked).
pub async fn matches_resolver(
    client: &NatsClient,
    model: &AccountModel,
) -> Result<bool, Diagnostics> {
    let Some((_, claims)) = resolver(client, model).await? else {
        return Ok(true);
    };
    let Some(account) = model.public_key.as_deref() else {
        return Ok(true);
    };
    let held = claims
        .lookup(account)
        .await
        .map_err(|e| failed("look the account up in the resolver", e))?;
    let matches = held.as_deref().map(str::trim) == model.jwt.as_deref();
    if !matches {
        tracing::warn!(account = %account, held = held.is_some(), "The resolver holds another JWT for this account, or none");
    }
    Ok(matches)
}

/// Deletes the account from a resolver that allows deletes.
pub async fn remove(client: &NatsClient, model: &AccountModel) -> Result<(), Diagnostics> {
    let Some((system, claims)) = resolver(client, model).await? else {
        return Ok(());
    };
    let account = model.public_key.clone().unwrap_or_default();
    // The write-only seed is gone at destroy: the stored seed, else the keystore's.
    let key = signing_key(
        None,
        model.issuer_seed.as_deref(),
        model.issuer.as_deref(),
        KeyKind::Operator,
        "operator",
    )
    .map_err(|problem| {
        Diagnostics::from(Diagnostic::error(
            "Cannot delete the account from the resolver",
            format!("Deleting {account} needs a request signed by the operator: {} Set `push = false` and apply to leave the resolver as it is, or delete it with `nsc`.", problem.detail),
        ))
    })?;
    let request = delete_request(&key, std::slice::from_ref(&account)).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "Cannot sign the delete request",
            e.to_string(),
        ))
    })?;
    let expected = names(&known_servers(client, &system).await?);
    let replies = claims.delete(&request, &expected).await.map_err(|e| match e {
        SystemError::NoResponders { .. } => Diagnostic::error(
            "No account resolver takes deletes",
            "No server answered $SYS.REQ.CLAIMS.DELETE: it needs `resolver { type: full, allow_delete: true }`. Set `push = false` and apply to leave the resolver as it is.",
        )
        .into(),
        other => failed("delete the account from the resolver", other),
    })?;
    relearn_if_new(client, &system, &replies, &expected, None).await?;
    let problems = refusals(&replies, &expected);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Diagnostic::error(
            "The account resolver did not delete the account",
            format!("{}. Deletes need `resolver {{ type: full, allow_delete: true }}`; set `push = false` and apply to leave the resolver as it is.", problems.join("; ")),
        )
        .into())
    }
}
