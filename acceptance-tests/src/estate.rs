//! An auth estate made without natsforge: `acceptance-tests/estate/main.go`, built
//! with Go against Debian's nats-io/jwt and nats-io/nkeys sources (GOPATH mode,
//! offline), writes an nsc-layout store and keystore, a server configuration with a
//! full resolver preloaded with every account, and a manifest of the public keys.
//!
//! `make test` installs Go and those sources (`scripts/install-tools.sh`). Without
//! them the tests that need an estate fail, saying what to install: they never skip.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tempfile::TempDir;

use crate::tools::{target_dir, workspace_root};

/// Where Debian's `golang-github-nats-io-*-dev` packages put their sources.
const DEBIAN_GOPATH: &str = "/usr/share/gocode";

/// A written estate; its directory is removed on drop.
pub struct Estate {
    dir: TempDir,
    keys: BTreeMap<String, String>,
}

fn build() -> Result<PathBuf, String> {
    let gocode = std::env::var("NATSFORGE_GOCODE").unwrap_or_else(|_| DEBIAN_GOPATH.into());
    let jwt = Path::new(&gocode).join("src/github.com/nats-io/jwt/v2");
    if !jwt.is_dir() {
        return Err(format!(
            "the estate tests need Go and nats-io/jwt v2 sources at {}: install Debian's golang-go, golang-github-nats-io-jwt-dev and golang-github-nats-io-nkeys-dev (scripts/install-tools.sh does, as `make test` runs it)",
            jwt.display()
        ));
    }
    let out_dir = target_dir().join("estate");
    std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
    // Build under a name of our own, then rename: test processes build side by side.
    let binary = out_dir.join("estate");
    let partial = out_dir.join(format!("estate.{}", std::process::id()));
    let gopath = out_dir.join("gopath");
    let output = Command::new("go")
        .args(["build", "-o"])
        .arg(&partial)
        .arg(".")
        .current_dir(workspace_root().join("acceptance-tests/estate"))
        .env("GO111MODULE", "off")
        .env("GOFLAGS", "")
        .env("GOPATH", format!("{}:{gocode}", gopath.display()))
        .env("GOCACHE", out_dir.join("go-cache"))
        .output()
        .map_err(|e| {
            format!(
                "cannot run `go` ({e}): install Debian's golang-go (scripts/install-tools.sh does)"
            )
        })?;
    if !output.status.success() {
        return Err(format!(
            "go build of acceptance-tests/estate failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    std::fs::rename(&partial, &binary).map_err(|e| e.to_string())?;
    Ok(binary)
}

fn builder() -> &'static Path {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match BUILT.get_or_init(build) {
        Ok(path) => path,
        Err(problem) => panic!("{problem}"),
    }
}

impl Estate {
    /// Writes a fresh estate: operator `OP`, accounts `SYS`, `APP`, `OTHER` and their
    /// users; with `inexpressible`, also account `BAD` (an export with revocations).
    ///
    /// # Panics
    /// When Go or the nats-io sources are missing, or the program fails.
    pub fn new(inexpressible: bool) -> Estate {
        let dir = tempfile::Builder::new()
            .prefix("natsforge-estate-")
            .tempdir()
            .unwrap_or_else(|e| panic!("cannot make the estate directory: {e}"));
        let mut command = Command::new(builder());
        command.arg("-out").arg(dir.path());
        if inexpressible {
            command.arg("-with-inexpressible");
        }
        let output = command
            .output()
            .unwrap_or_else(|e| panic!("cannot run the estate program: {e}"));
        assert!(
            output.status.success(),
            "the estate program failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let manifest = std::fs::read_to_string(dir.path().join("manifest.json"))
            .unwrap_or_else(|e| panic!("the estate has no manifest: {e}"));
        let keys = serde_json::from_str(&manifest)
            .unwrap_or_else(|e| panic!("the estate manifest is not JSON: {e}"));
        Estate { dir, keys }
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The public key named `name` in the manifest (`operator`, `APP`, `app_user`...).
    ///
    /// # Panics
    /// For a name the estate program does not write (a test mistake).
    pub fn key(&self, name: &str) -> &str {
        self.keys
            .get(name)
            .unwrap_or_else(|| panic!("the estate has no key {name:?}"))
    }

    /// `NSC_HOME` (holding nsc.json, which names the store root).
    pub fn nsc_home(&self) -> PathBuf {
        self.dir.path().join("nsc")
    }

    /// `NKEYS_PATH`: the keystore (`keys/`, `creds/`).
    pub fn keystore(&self) -> PathBuf {
        self.dir.path().join("keys")
    }

    pub fn store_root(&self) -> PathBuf {
        self.dir.path().join("stores")
    }

    /// Server configuration: operator, system account, full resolver with deletes,
    /// every account preloaded. The resolver directory uses the `{{dir}}` placeholder.
    pub fn server_config(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.conf"))
            .unwrap_or_else(|e| panic!("the estate has no server.conf: {e}"))
    }

    /// The creds file nsc would write for `account`'s `user`.
    pub fn creds_path(&self, account: &str, user: &str) -> PathBuf {
        self.keystore()
            .join("creds/OP")
            .join(account)
            .join(format!("{user}.creds"))
    }

    pub fn creds(&self, account: &str, user: &str) -> String {
        std::fs::read_to_string(self.creds_path(account, user))
            .unwrap_or_else(|e| panic!("no creds for {account}/{user}: {e}"))
    }

    /// Every seed the estate holds, to check none leaks into output.
    pub fn seeds(&self) -> Vec<String> {
        let mut seeds = Vec::new();
        let mut pending = vec![self.keystore().join("keys")];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Ok(seed) = std::fs::read_to_string(&path) {
                    seeds.push(seed.trim().to_owned());
                }
            }
        }
        seeds
    }
}
