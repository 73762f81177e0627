//! From the model to the files: the configuration text (through the NATS layer's
//! quoting renderer) and the creds files written beside it.

use super::schema::{LeafnodeConfigModel, RemoteModel, TlsModel};
use super::validate::NEEDS_PATH;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::value::AttributePath;
use crate::framework::Field;
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

/// Why a configuration cannot become a file (yet).
pub enum RenderError {
    /// A value the file depends on is not known before apply.
    NotKnown,
    Invalid(Diagnostic),
}

impl From<Diagnostic> for RenderError {
    fn from(diagnostic: Diagnostic) -> Self {
        RenderError::Invalid(diagnostic)
    }
}

/// At apply every value is known; one that is not is a provider bug, said as such.
impl From<RenderError> for Diagnostic {
    fn from(error: RenderError) -> Self {
        match error {
            RenderError::Invalid(diagnostic) => diagnostic,
            RenderError::NotKnown => Diagnostic::error(
                "Provider bug in nats_leafnode_config",
                "A value the configuration file depends on is still unknown at apply. Please report this to the natsforge maintainers.",
            ),
        }
    }
}

/// The value of a field that reaches the file: `None` when left out.
fn value<T>(field: &Field<T>) -> Result<Option<&T>, RenderError> {
    match field {
        Field::Null => Ok(None),
        Field::Unknown => Err(RenderError::NotKnown),
        Field::Known(value) => Ok(Some(value)),
    }
}

fn owned<T: Clone>(field: &Field<T>) -> Result<Option<T>, RenderError> {
    value(field).map(|v| v.cloned())
}

pub fn render(model: &LeafnodeConfigModel) -> Result<Rendered, RenderError> {
    let config_path = value(&model.path)?.map(|p| absolute(p)).transpose()?;
    let mut root = ConfBlock::new();
    root.set_some("server_name", owned(&model.server_name)?)
        .set_some("listen", owned(&model.listen)?)
        .set_some("http", owned(&model.http)?);
    if let Some(jetstream) = value(&model.jetstream)? {
        let mut block = ConfBlock::new();
        block
            .set_some("domain", owned(&jetstream.domain)?)
            .set_some("store_dir", owned(&jetstream.store_dir)?)
            .set_some("max_memory_store", owned(&jetstream.max_memory)?)
            .set_some("max_file_store", owned(&jetstream.max_file)?);
        // An empty block still means "JetStream on".
        root.set("jetstream", block);
    }
    if let Some(cluster) = value(&model.cluster)? {
        let mut block = ConfBlock::new();
        block
            .set_some("name", owned(&cluster.name)?)
            .set_some("listen", owned(&cluster.listen)?)
            .set_some("routes", owned(&cluster.routes)?);
        root.set_block("cluster", block);
    }
    let mut leafnodes = ConfBlock::new();
    if let Some(hub) = value(&model.leafnodes)? {
        leafnodes
            .set_some("listen", owned(&hub.listen)?)
            .set_some("advertise", owned(&hub.advertise)?);
        if let Some(tls) = value(&hub.tls)? {
            leafnodes.set_block("tls", tls_block(tls)?);
        }
    }
    let mut creds = Vec::new();
    let mut remotes = Vec::new();
    for (index, remote) in value(&model.remote)?.into_iter().flatten().enumerate() {
        let creds_file = match (value(&remote.credentials)?, &config_path) {
            (Some(text), Some(config_path)) => {
                let path = creds_path(config_path, index);
                creds.push((path.clone(), Secret::new(text.as_str())));
                Some(display(&path))
            }
            (Some(_), None) => {
                let at = AttributePath::attr("remote")
                    .index(index)
                    .child("credentials");
                return Err(Diagnostic::error(NEEDS_PATH.0, NEEDS_PATH.1).at(at).into());
            }
            (None, _) => owned(&remote.credentials_file)?,
        };
        remotes.push(ConfValue::Block(remote_block(remote, creds_file)?));
    }
    if !remotes.is_empty() {
        leafnodes.set("remotes", ConfValue::List(remotes));
    }
    root.set_block("leafnodes", leafnodes);
    if let Some(operator) = value(&model.operator_config)? {
        root.verbatim(operator);
    }
    for (index, include) in value(&model.includes)?.into_iter().flatten().enumerate() {
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

fn remote_block(
    remote: &RemoteModel,
    creds_file: Option<String>,
) -> Result<ConfBlock, RenderError> {
    let mut block = ConfBlock::new();
    block
        .set_some("urls", owned(&remote.urls)?)
        .set_some("account", owned(&remote.account)?)
        .set_some("credentials", creds_file)
        .set_some("deny_imports", owned(&remote.deny_imports)?)
        .set_some("deny_exports", owned(&remote.deny_exports)?)
        .set_some("compression", owned(&remote.compression)?)
        .set_some("hub", owned(&remote.hub)?)
        .set_some("disabled", owned(&remote.disabled)?);
    if let Some(tls) = value(&remote.tls)? {
        block.set_block("tls", tls_block(tls)?);
    }
    Ok(block)
}

fn tls_block(tls: &TlsModel) -> Result<ConfBlock, RenderError> {
    let mut block = ConfBlock::new();
    block
        .set_some("cert_file", owned(&tls.cert_file)?)
        .set_some("key_file", owned(&tls.key_file)?)
        .set_some("ca_file", owned(&tls.ca_file)?)
        .set_some("verify", owned(&tls.verify)?);
    Ok(block)
}
