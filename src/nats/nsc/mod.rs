//! Reading an `nsc` estate: the store (operator, account and user JWTs) and the
//! keystore (seeds), in the layout nsc 1.0 to 2.14 writes (read from nats-io/nsc's
//! `cmd/store/store.go`, `cmd/store/keys.go` and `home/home.go`):
//!
//! ```text
//! <store root>/<operator>/.nsc                      {"name":..,"kind":"operator",..}
//! <store root>/<operator>/<operator>.jwt
//! <store root>/<operator>/accounts/<account>/<account>.jwt
//! <store root>/<operator>/accounts/<account>/users/<user>.jwt
//! <keystore>/keys/<kind letter>/<2nd+3rd letter>/<public key>.nk   (the seed)
//! <keystore>/creds/<operator>/<account>/<user>.creds
//! ```
//!
//! Where they are, as nsc decides: the store root is `store_root` of `nsc.json` in the
//! config directory (`$NSC_HOME`, else `$XDG_CONFIG_HOME/nats/nsc`, else the old
//! `~/.nsc`), else `$XDG_DATA_HOME/nats/nsc/stores` (old: `~/.nsc/nats`); the keystore
//! is `$NKEYS_PATH`, else `$XDG_DATA_HOME/nats/nsc/keys` (old: `~/.nkeys`). An
//! `nsc://operator/account/user?store=<dir>&keystore=<dir>` URL (nsc's own addressing,
//! as `nsc generate profile` reads it) may name both explicitly.
//!
//! Nothing here logs or returns a seed except [`Keystore::seed`], as a [`Secret`].

mod keystore;
mod store;

pub use keystore::Keystore;
pub use store::{find_account, find_operator, find_user, operators, Found, Store};

use std::path::{Path, PathBuf};

/// Why an nsc store or keystore could not be read. Never carries a seed.
#[derive(Debug, thiserror::Error)]
pub enum NscError {
    #[error("cannot find the nsc directories: {0}")]
    NoHome(&'static str),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid JSON: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("{0} is not an nsc operator directory (it has no .nsc file of kind operator)")]
    NotAnOperator(PathBuf),
    #[error("the nsc store {root} has no {what} {name:?}")]
    Missing {
        root: PathBuf,
        what: &'static str,
        name: String,
    },
    #[error("not an nsc URL {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("the key file {path} does not hold the seed of {public_key}")]
    WrongSeed { path: PathBuf, public_key: String },
}

/// Where an nsc estate lives: the store root (holding operator directories) and the
/// keystore (holding `keys/` and `creds/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NscDirs {
    pub store_root: PathBuf,
    pub keystore: PathBuf,
}

/// The environment nsc reads, so tests can pass their own.
#[derive(Debug, Clone, Default)]
pub struct NscEnv {
    pub nsc_home: Option<PathBuf>,
    pub nkeys_path: Option<PathBuf>,
    pub xdg_config_home: Option<PathBuf>,
    pub xdg_data_home: Option<PathBuf>,
    pub home: Option<PathBuf>,
}

impl NscEnv {
    /// This process's environment (empty values count as unset, as in nsc).
    pub fn current() -> Self {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        NscEnv {
            nsc_home: var("NSC_HOME"),
            nkeys_path: var("NKEYS_PATH"),
            xdg_config_home: var("XDG_CONFIG_HOME"),
            xdg_data_home: var("XDG_DATA_HOME"),
            home: var("HOME"),
        }
    }

    fn home(&self) -> Result<&Path, NscError> {
        self.home
            .as_deref()
            .ok_or(NscError::NoHome("HOME is not set"))
    }

    fn data_home(&self, dir: &str) -> Result<PathBuf, NscError> {
        let data = match &self.xdg_data_home {
            Some(data) => data.clone(),
            None => self.home()?.join(".local").join("share"),
        };
        let new = data.join("nats").join("nsc").join(dir);
        // nsc keeps using the pre-XDG directories while only they exist.
        let old = match dir {
            "keys" => self.home.as_ref().map(|h| h.join(".nkeys")),
            _ => self.home.as_ref().map(|h| h.join(".nsc").join("nats")),
        };
        Ok(match old {
            Some(old) if !new.exists() && old.exists() => old,
            _ => new,
        })
    }

    fn config_home(&self) -> Result<PathBuf, NscError> {
        if let Some(dir) = &self.nsc_home {
            return Ok(expand(dir, self.home.as_deref()));
        }
        let config = match &self.xdg_config_home {
            Some(config) => config.clone(),
            None => self.home()?.join(".config"),
        };
        let new = config.join("nats").join("nsc");
        let old = self.home()?.join(".nsc");
        Ok(
            if !new.join("nsc.json").exists() && old.join("nsc.json").exists() {
                old
            } else {
                new
            },
        )
    }

    /// The directories nsc itself would use.
    pub fn dirs(&self) -> Result<NscDirs, NscError> {
        let keystore = match &self.nkeys_path {
            Some(path) => expand(path, self.home.as_deref()),
            None => self.data_home("keys")?,
        };
        let config = self.config_home()?.join("nsc.json");
        let configured_root = match std::fs::read(&config) {
            Ok(bytes) => serde_json::from_slice::<ToolConfig>(&bytes)
                .map_err(|source| NscError::Json {
                    path: config.clone(),
                    source,
                })?
                .store_root
                .filter(|root| !root.is_empty())
                .map(|root| expand(Path::new(&root), self.home.as_deref())),
            Err(_) => None,
        };
        let store_root = match configured_root {
            Some(root) => root,
            None => self.data_home("stores")?,
        };
        Ok(NscDirs {
            store_root,
            keystore,
        })
    }
}

/// The part of nsc's `nsc.json` natsforge reads.
#[derive(serde::Deserialize)]
struct ToolConfig {
    #[serde(default)]
    store_root: Option<String>,
}

/// `~/x` as nsc expands it.
fn expand(path: &Path, home: Option<&Path>) -> PathBuf {
    match (path.strip_prefix("~"), home) {
        (Ok(rest), Some(home)) => home.join(rest),
        _ => path.to_path_buf(),
    }
}

/// An `nsc://operator[/account[/user]][?store=<dir>&keystore=<dir>]` address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NscUrl {
    pub operator: String,
    pub account: Option<String>,
    pub user: Option<String>,
    pub store: Option<PathBuf>,
    pub keystore: Option<PathBuf>,
}

impl NscUrl {
    /// `None` when `text` does not start with `nsc://`.
    pub fn parse(text: &str) -> Option<Result<NscUrl, NscError>> {
        let rest = text.trim().strip_prefix("nsc://")?;
        let bad = |reason: &str| NscError::BadUrl {
            url: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let names: Vec<&str> = path.split('/').filter(|n| !n.is_empty()).collect();
        let (operator, account, user) = match names[..] {
            [operator] => (operator, None, None),
            [operator, account] => (operator, Some(account), None),
            [operator, account, user] => (operator, Some(account), Some(user)),
            _ => return Some(Err(bad("expected nsc://operator[/account[/user]]"))),
        };
        let mut url = NscUrl {
            operator: operator.to_owned(),
            account: account.map(str::to_owned),
            user: user.map(str::to_owned),
            store: None,
            keystore: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some(("store", dir)) if !dir.is_empty() => url.store = Some(PathBuf::from(dir)),
                Some(("keystore", dir)) if !dir.is_empty() => {
                    url.keystore = Some(PathBuf::from(dir))
                }
                _ => {
                    return Some(Err(bad(&format!(
                        "unknown option {pair:?}: only store=<dir> and keystore=<dir>"
                    ))))
                }
            }
        }
        Some(Ok(url))
    }

    /// The directories this URL names, the rest as nsc would find them.
    pub fn dirs(&self, env: &NscEnv) -> Result<NscDirs, NscError> {
        let home = env.home.as_deref();
        let defaults = match (&self.store, &self.keystore) {
            (Some(_), Some(_)) => None,
            _ => Some(env.dirs()?),
        };
        let pick = |given: &Option<PathBuf>, default: fn(&NscDirs) -> &PathBuf| match given {
            Some(dir) => expand(dir, home),
            None => defaults.as_ref().map(default).cloned().unwrap_or_default(),
        };
        Ok(NscDirs {
            store_root: pick(&self.store, |d| &d.store_root),
            keystore: pick(&self.keystore, |d| &d.keystore),
        })
    }
}

#[cfg(test)]
mod tests;
