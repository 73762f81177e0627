//! From the model to the files: the configuration text (through the NATS layer's
//! quoting renderer) and the creds files written beside it.

use super::schema::{LeafnodeConfigModel, RemoteModel, TlsModel};
use crate::framework::diagnostics::Diagnostic;
use crate::framework::value::AttributePath;
use crate::nats::server_config::{ConfBlock, ConfValue};
use crate::nats::Secret;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one apply writes.
pub struct Rendered {
    pub content: String,
    /// Where the configuration goes, absolute; `None` when `path` is unset.
    pub config_path: Option<PathBuf>,
    /// Creds files beside it, by absolute path.
    pub creds: Vec<(PathBuf, Secret)>,
}

impl Rendered {
    /// Every file with the SHA-256 of what it should hold.
    pub fn file_hashes(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        if let Some(path) = &self.config_path {
            files.insert(display(path), sha256_hex(self.content.as_bytes()));
        }
        for (path, creds) in &self.creds {
            files.insert(display(path), sha256_hex(creds.expose().as_bytes()));
        }
        files
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn display(path: &Path) -> String {
    path.display().to_string()
}

/// `path` made absolute against the provider's working directory (Terraform's), so
/// the creds paths inside the file do not depend on where nats-server is started.
fn absolute(path: &str) -> Result<PathBuf, Diagnostic> {
    std::path::absolute(path).map_err(|e| {
        Diagnostic::error("Invalid path", format!("{path:?}: {e}")).at(AttributePath::attr("path"))
    })
}

/// The creds file of remote `index`: `<name>.remote-<index>.creds` beside the config.
fn creds_path(config_path: &Path, index: usize) -> PathBuf {
    let stem = config_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "nats-server".into());
    config_path.with_file_name(format!("{stem}.remote-{index}.creds"))
}

pub fn render(model: &LeafnodeConfigModel) -> Result<Rendered, Diagnostic> {
    let config_path = model.path.as_deref().map(absolute).transpose()?;
    let mut root = ConfBlock::new();
    root.set_some("server_name", model.server_name.clone())
        .set_some("listen", model.listen.clone())
        .set_some("http", model.http.clone());
    if let Some(jetstream) = &model.jetstream {
        let mut block = ConfBlock::new();
        block
            .set_some("domain", jetstream.domain.clone())
            .set_some("store_dir", jetstream.store_dir.clone())
            .set_some("max_memory_store", jetstream.max_memory)
            .set_some("max_file_store", jetstream.max_file);
        // An empty block still means "JetStream on".
        root.set("jetstream", block);
    }
    if let Some(cluster) = &model.cluster {
        let mut block = ConfBlock::new();
        block
            .set_some("name", cluster.name.clone())
            .set_some("listen", cluster.listen.clone())
            .set_some("routes", cluster.routes.clone());
        root.set_block("cluster", block);
    }
    let mut leafnodes = ConfBlock::new();
    if let Some(hub) = &model.leafnodes {
        leafnodes
            .set_some("listen", hub.listen.clone())
            .set_some("advertise", hub.advertise.clone());
        if let Some(tls) = &hub.tls {
            leafnodes.set_block("tls", tls_block(tls));
        }
    }
    let mut creds = Vec::new();
    let mut remotes = Vec::new();
    for (index, remote) in model.remotes().iter().enumerate() {
        let creds_file = match (&remote.credentials, &config_path) {
            (Some(text), Some(config_path)) => {
                let path = creds_path(config_path, index);
                creds.push((path.clone(), Secret::new(text.as_str())));
                Some(display(&path))
            }
            (Some(_), None) => {
                return Err(Diagnostic::error(
                    "Inline credentials need a path",
                    "Creds are written to a file beside the configuration, never into it: set `path`, or give `credentials_file` instead.",
                )
                .at(AttributePath::attr("remote").index(index).child("credentials")))
            }
            (None, _) => remote.credentials_file.clone(),
        };
        remotes.push(ConfValue::Block(remote_block(remote, creds_file)));
    }
    if !remotes.is_empty() {
        leafnodes.set("remotes", ConfValue::List(remotes));
    }
    root.set_block("leafnodes", leafnodes);
    if let Some(operator) = &model.operator_config {
        root.verbatim(operator);
    }
    for (index, include) in model.includes.iter().flatten().enumerate() {
        root.include(include).map_err(|problem| {
            Diagnostic::error("Include path not readable by nats-server", problem)
                .at(AttributePath::attr("includes").index(index))
        })?;
    }
    Ok(Rendered {
        content: format!(
            "# Written by Terraform (nats_leafnode_config); changes made here show as drift.\n{}",
            root.render()
        ),
        config_path,
        creds,
    })
}

fn remote_block(remote: &RemoteModel, creds_file: Option<String>) -> ConfBlock {
    let mut block = ConfBlock::new();
    block
        .set_some("urls", remote.urls.clone())
        .set_some("account", remote.account.clone())
        .set_some("credentials", creds_file)
        .set_some("deny_imports", remote.deny_imports.clone())
        .set_some("deny_exports", remote.deny_exports.clone())
        .set_some("compression", remote.compression.clone())
        .set_some("hub", remote.hub)
        .set_some("disabled", remote.disabled);
    if let Some(tls) = &remote.tls {
        block.set_block("tls", tls_block(tls));
    }
    block
}

fn tls_block(tls: &TlsModel) -> ConfBlock {
    let mut block = ConfBlock::new();
    block
        .set_some("cert_file", tls.cert_file.clone())
        .set_some("key_file", tls.key_file.clone())
        .set_some("ca_file", tls.ca_file.clone())
        .set_some("verify", tls.verify);
    block
}
