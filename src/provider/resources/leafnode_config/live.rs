//! The live side, with the provider's system credentials: the server (found by its
//! `server_name` among those answering on `$SYS`) reloads the file just written, and
//! LEAFZ tells whether every enabled remote is connected. Without system credentials,
//! or with `reload = false`, nothing here talks to a server.

use super::schema::{ConnectionModel, LeafnodeConfigModel, RemoteModel};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::value::AttributePath;
use crate::framework::Field;
use crate::nats::leafnodes::{
    parse_version, redact_url, LeafnodeError, Leafz, RemoteExpectation, REMOTE_RELOAD_MIN_VERSION,
};
use crate::nats::{ServerIdentity, SystemApi};
use crate::provider::client::NatsClient;
use crate::provider::resources::auth_common::parse_duration_nanos;
use std::time::{Duration, Instant};

/// How long to listen for more LEAFZ replies after the first.
const QUIET: Duration = Duration::from_millis(300);
const POLL: Duration = Duration::from_millis(250);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(30);

/// The `$SYS` API when this resource should talk to its server.
pub async fn system(
    client: &NatsClient,
    model: &LeafnodeConfigModel,
) -> Result<Option<SystemApi>, Diagnostics> {
    if model.reload.known() == Some(&false) {
        return Ok(None);
    }
    client.system().await
}

fn enabled(model: &LeafnodeConfigModel) -> impl Iterator<Item = &RemoteModel> {
    model
        .remotes()
        .iter()
        .filter(|remote| remote.disabled.known() != Some(&true))
}

fn expectation(remote: &RemoteModel) -> RemoteExpectation {
    RemoteExpectation::new(remote.urls(), remote.account())
}

fn describe(remote: &RemoteModel) -> String {
    let urls: Vec<String> = remote.urls().iter().map(|u| redact_url(u)).collect();
    format!(
        "remote {} (account {})",
        urls.join(", "),
        remote.account().unwrap_or("default")
    )
}

/// What LEAFZ says about each enabled remote.
pub fn connections(model: &LeafnodeConfigModel, leafz: Option<&Leafz>) -> Vec<ConnectionModel> {
    enabled(model)
        .map(|remote| {
            let found = leafz.and_then(|l| expectation(remote).find(l));
            ConnectionModel {
                remote: remote.urls().first().map(|u| redact_url(u)),
                account: remote
                    .account()
                    .map(str::to_owned)
                    .or_else(|| found.map(|f| f.account.clone())),
                connected: Some(found.is_some()),
            }
        })
        .collect()
}

fn failed(error: LeafnodeError) -> Diagnostics {
    let at = matches!(
        error,
        LeafnodeError::ServerNotFound { .. } | LeafnodeError::DuplicateName { .. }
    )
    .then(|| AttributePath::attr("server_name"));
    let mut diagnostic = Diagnostic::error("Cannot reach the server over $SYS", error.to_string());
    if let Some(path) = at {
        diagnostic = diagnostic.at(path);
    }
    diagnostic.into()
}

/// The server of this configuration and its LEAFZ now.
pub async fn find(
    system: &SystemApi,
    model: &LeafnodeConfigModel,
) -> Result<(ServerIdentity, Leafz), LeafnodeError> {
    system
        .leafz_of(model.server_name.known().map_or("", String::as_str), QUIET)
        .await
}

/// Live connections for Read: a server that does not answer has none connected.
pub async fn observe(
    system: &SystemApi,
    model: &LeafnodeConfigModel,
) -> Result<Vec<ConnectionModel>, Diagnostics> {
    match find(system, model).await {
        Ok((_, leafz)) => Ok(connections(model, Some(&leafz))),
        Err(LeafnodeError::ServerNotFound { .. }) => Ok(connections(model, None)),
        Err(other) => Err(failed(other)),
    }
}

/// The remotes of `planned` that `prior` had too (same URLs and account) but with
/// other settings; `planned` without them, when there are any.
pub fn without_changed_remotes(
    prior: &LeafnodeConfigModel,
    planned: &LeafnodeConfigModel,
) -> Option<LeafnodeConfigModel> {
    let identity = |r: &RemoteModel| (r.urls.clone(), r.account.clone());
    let changed = |remote: &RemoteModel| {
        prior
            .remotes()
            .iter()
            .any(|old| identity(old) == identity(remote) && old != remote)
    };
    if !planned.remotes().iter().any(changed) {
        return None;
    }
    let mut interim = planned.clone();
    interim.remote = Field::Known(
        planned
            .remotes()
            .iter()
            .filter(|remote| !changed(remote))
            .cloned()
            .collect(),
    );
    Some(interim)
}

/// nats-server adds, removes and changes leaf node remotes by reload from 2.14 on;
/// 2.10 and 2.11 refuse ("config reload not supported for LeafNode") and 2.12 does not
/// answer the reload request. Asked before anything is written, so a server known to
/// be older refuses a change of `remote` with its version and the one needed, and the
/// files and the state stay as they were. A server that cannot be asked now is left
/// to the reload itself to report.
pub async fn check_remotes_reloadable(
    system: &SystemApi,
    prior: Option<&LeafnodeConfigModel>,
    planned: &LeafnodeConfigModel,
) -> Result<(), Diagnostics> {
    if prior.is_none_or(|prior| prior.remotes() == planned.remotes()) {
        return Ok(());
    }
    let Ok((server, _)) = find(system, planned).await else {
        return Ok(());
    };
    if parse_version(&server.ver).is_none_or(|v| v >= REMOTE_RELOAD_MIN_VERSION) {
        return Ok(());
    }
    let (major, minor, patch) = REMOTE_RELOAD_MIN_VERSION;
    Err(Diagnostic::error(
        "Leaf node remotes cannot change by reload on this server",
        format!(
            "Server {} runs nats-server {}; adding, removing or changing a leaf node `remote` by reload needs nats-server {major}.{minor}.{patch} or newer. Nothing was written. Upgrade the server, or set `reload = false`, apply, and restart the server.",
            server.name, server.ver
        ),
    )
    .at(AttributePath::attr("remote"))
    .into())
}

/// Reloads without waiting (the step that removes a changed remote).
pub async fn reload(system: &SystemApi, model: &LeafnodeConfigModel) -> Result<(), Diagnostics> {
    let (server, _) = find(system, model).await.map_err(failed)?;
    system.reload(&server).await.map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            "The server did not reload its configuration",
            format!("{e} (while removing a changed remote before adding it back)."),
        ))
    })
}

/// Reloads the server and waits for every enabled remote. On failure the diagnostics
/// come with the connections as last seen, for the state.
pub async fn reload_and_wait(
    system: &SystemApi,
    model: &LeafnodeConfigModel,
) -> Result<Vec<ConnectionModel>, (Diagnostics, Vec<ConnectionModel>)> {
    let unseen = |d: Diagnostics| (d, connections(model, None));
    let (server, _) = find(system, model).await.map_err(|e| unseen(failed(e)))?;
    system.reload(&server).await.map_err(|e| {
        unseen(
            Diagnostic::error(
                "The server did not reload its configuration",
                format!("{e}. The file is written; fix it and apply again."),
            )
            .into(),
        )
    })?;
    let timeout = model
        .connect_timeout
        .known()
        .and_then(|t| parse_duration_nanos(t).ok())
        .map(|n| Duration::from_nanos(u64::try_from(n).unwrap_or(0)))
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let deadline = Instant::now() + timeout;
    loop {
        let leafz = system.leafz(&server.id).await.ok();
        let seen = connections(model, leafz.as_ref());
        if seen.iter().all(|c| c.connected == Some(true)) {
            tracing::info!(server = %server.name, remotes = seen.len(), "Leaf node remotes connected after reload");
            return Ok(seen);
        }
        if Instant::now() >= deadline {
            let missing: Vec<String> = enabled(model)
                .zip(&seen)
                .filter(|(_, c)| c.connected != Some(true))
                .map(|(remote, _)| describe(remote))
                .collect();
            let listed = leafz
                .map(|l| {
                    l.leafs
                        .iter()
                        .map(|leaf| {
                            format!(
                                "{}:{} account {} ({})",
                                leaf.ip,
                                leaf.port,
                                leaf.account,
                                if leaf.is_spoke { "remote" } else { "accepted" }
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default();
            let detail = format!(
                "Server {} reloaded, but after {timeout:?} its LEAFZ does not show {}. It lists: {}. The server logs why a leaf node connection fails (e.g. 'Authorization Violation' for creds the hub refuses, or a hub account without leaf node connections); raise `connect_timeout` if the hub is slow.",
                server.name,
                missing.join("; "),
                if listed.is_empty() { "no leaf node connection".to_string() } else { listed.join(", ") },
            );
            return Err((
                Diagnostic::error("Leaf node remote not connected", detail).into(),
                seen,
            ));
        }
        tokio::time::sleep(POLL).await;
    }
}

/// At plan time: another server with the same name makes the topology ambiguous (and
/// a leaf connection between same-named servers is refused). Only checked when the
/// provider has system credentials; servers that cannot be reached are left to apply.
pub async fn check_unique_name(
    client: &NatsClient,
    model: &LeafnodeConfigModel,
) -> Option<Diagnostic> {
    let system = system(client, model).await.ok()??;
    match find(&system, model).await {
        Err(error @ LeafnodeError::DuplicateName { .. }) => Some(
            Diagnostic::error("Duplicate server name", error.to_string())
                .at(AttributePath::attr("server_name")),
        ),
        _ => None,
    }
}
