//! nsc's keystore: one `.nk` file per key, holding the seed, under
//! `keys/<kind letter>/<second and third letters>/<public key>.nk`.

use std::path::{Path, PathBuf};

use nkeys::KeyPair;

use super::NscError;
use crate::nats::Secret;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keystore {
    dir: PathBuf,
}

impl Keystore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Keystore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where nsc keeps the seed of `public_key` (whether or not it is there).
    pub fn key_path(&self, public_key: &str) -> PathBuf {
        let kind = public_key.get(..1).unwrap_or("_");
        let shard = public_key.get(1..3).unwrap_or("__");
        self.dir
            .join("keys")
            .join(kind)
            .join(shard)
            .join(format!("{public_key}.nk"))
    }

    /// The seed of `public_key`; `None` when the keystore does not hold it. A file
    /// holding another key's seed is an error (named by path, never by content).
    pub fn seed(&self, public_key: &str) -> Result<Option<Secret>, NscError> {
        let path = self.key_path(public_key);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => Secret::new(text.trim()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(NscError::Io { path, source }),
        };
        let matches = KeyPair::from_seed(text.expose())
            .map(|key| key.public_key() == public_key)
            .unwrap_or(false);
        if matches {
            Ok(Some(text))
        } else {
            Err(NscError::WrongSeed {
                path,
                public_key: public_key.to_owned(),
            })
        }
    }
}
