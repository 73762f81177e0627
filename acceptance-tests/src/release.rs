//! Release packages made in the test, by the script `make release` uses
//! (`scripts/release-package.sh`), signed with a throwaway GnuPG key.

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

use base64::prelude::{Engine, BASE64_STANDARD};
use sha2::{Digest, Sha256};
use tempfile::TempDir;

use crate::child::die_with_parent;
use crate::{wait_until, workspace_root, HarnessError};

/// An RSA signing key in a GnuPG home of its own, removed with it on drop.
///
/// gpg needs an agent for secret keys, and an agent gpg starts by itself is a daemon
/// that would hold the test's output pipes open and outlive the test. So the key
/// starts its agent itself as `gpg-agent --daemon cat`: the started process becomes
/// `cat` reading a pipe only this test holds, the agent serves beside it and ends
/// when it does. When the test ends in any way, even killed, the pipe closes, `cat`
/// ends, and the agent follows within seconds.
pub struct SigningKey {
    home: TempDir,
    agent: Child,
    agent_lifeline: Option<ChildStdin>,
    fingerprint: String,
    public_armor: String,
}

impl SigningKey {
    /// A new 2048-bit RSA key (the Registry accepts RSA and DSA only) for `name`.
    pub fn generate(name: &str) -> Result<SigningKey, HarnessError> {
        let home = tempfile::Builder::new()
            .prefix("natsforge-gpg-")
            .tempdir()
            .map_err(|e| HarnessError::io("creating a GnuPG home", e))?;
        let mut agent = Command::new("gpg-agent");
        agent
            .arg("--homedir")
            .arg(home.path())
            .args(["--daemon", "cat"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        die_with_parent(&mut agent);
        let mut agent = agent.spawn().map_err(|source| HarnessError::Spawn {
            program: "gpg-agent".into(),
            source,
        })?;
        let agent_lifeline = agent.stdin.take();
        let mut key = SigningKey {
            home,
            agent,
            agent_lifeline,
            fingerprint: String::new(),
            public_armor: String::new(),
        };
        let socket = key.home.path().join("S.gpg-agent");
        if !wait_until(Duration::from_secs(10), || socket.exists()) {
            return Err(gpg_error("gpg-agent did not create its socket".into()));
        }
        let uid = format!("{name} <{name}@natsforge.invalid>");
        key.gpg([
            "--passphrase",
            "",
            "--quick-gen-key",
            &uid,
            "rsa2048",
            "sign",
            "never",
        ])?;
        let listing = key.gpg(["--with-colons", "--list-keys", &uid])?;
        key.fingerprint = listing
            .lines()
            .find_map(|line| line.strip_prefix("fpr:"))
            .and_then(|rest| rest.split(':').find(|field| !field.is_empty()))
            .map(str::to_owned)
            .ok_or_else(|| gpg_error(format!("no fingerprint in:\n{listing}")))?;
        key.public_armor = key.gpg(["--armor", "--export", &key.fingerprint.clone()])?;
        Ok(key)
    }

    /// The full fingerprint (what `GPG_FINGERPRINT` names).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The long key ID, upper-case hex, as a registry's `key_id` gives it.
    pub fn key_id(&self) -> &str {
        let start = self.fingerprint.len().saturating_sub(16);
        &self.fingerprint[start..]
    }

    /// The public key, ASCII-armored.
    pub fn public_armor(&self) -> &str {
        &self.public_armor
    }

    /// The GnuPG home holding the key (for `GNUPGHOME`).
    pub fn home(&self) -> &Path {
        self.home.path()
    }

    /// A binary detached signature of `data` by this key.
    pub fn sign(&self, data: &[u8]) -> Result<Vec<u8>, HarnessError> {
        let input = self.home.path().join("to-sign");
        let output = self.home.path().join("to-sign.sig");
        std::fs::write(&input, data).map_err(|e| HarnessError::io("writing data to sign", e))?;
        let _ = std::fs::remove_file(&output);
        self.gpg([
            OsStr::new("--local-user"),
            OsStr::new(&self.fingerprint),
            OsStr::new("--detach-sign"),
            OsStr::new("--output"),
            output.as_os_str(),
            input.as_os_str(),
        ])?;
        std::fs::read(&output).map_err(|e| HarnessError::io("reading the signature", e))
    }

    fn gpg<I, S>(&self, args: I) -> Result<String, HarnessError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let output = Command::new("gpg")
            .arg("--batch")
            .arg("--no-autostart")
            .arg("--pinentry-mode")
            .arg("loopback")
            .args(args)
            .env("GNUPGHOME", self.home.path())
            .output()
            .map_err(|source| HarnessError::Spawn {
                program: "gpg".into(),
                source,
            })?;
        if !output.status.success() {
            return Err(gpg_error(String::from_utf8_lossy(&output.stderr).into()));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }
}

impl Drop for SigningKey {
    fn drop(&mut self) {
        // Stops the agent now rather than when it notices `cat` is gone.
        let _ = Command::new("gpgconf")
            .args(["--kill", "gpg-agent"])
            .env("GNUPGHOME", self.home.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        drop(self.agent_lifeline.take());
        let _ = self.agent.wait();
    }
}

fn gpg_error(reason: String) -> HarnessError {
    HarnessError::io("gpg", std::io::Error::other(reason))
}

/// The files `scripts/release-package.sh` wrote for one version, read into memory
/// (tests serve and tamper with them), plus the directory holding them.
pub struct ProviderRelease {
    dir: TempDir,
    version: String,
    platforms: Vec<(String, String)>,
    files: BTreeMap<String, Vec<u8>>,
    /// SHA-256 (hex) of each platform's binary, by `os_arch`.
    binary_sha256: BTreeMap<String, String>,
}

impl ProviderRelease {
    /// Packages `binaries` (`("linux_amd64", path)`, ...) as version `version`, signed
    /// by `key`, with the release script.
    pub fn package(
        version: &str,
        binaries: &[(&str, PathBuf)],
        key: &SigningKey,
    ) -> Result<ProviderRelease, HarnessError> {
        let dir = tempfile::Builder::new()
            .prefix("natsforge-release-")
            .tempdir()
            .map_err(|e| HarnessError::io("creating the release directory", e))?;
        let out = dir.path().join("dist");
        let script = workspace_root().join("scripts").join("release-package.sh");
        let mut command = Command::new(&script);
        command
            .arg(&out)
            .arg(version)
            .env("GNUPGHOME", key.home())
            .env("GPG_FINGERPRINT", key.fingerprint())
            .env_remove("RELEASE_UNSIGNED")
            .stdin(Stdio::null());
        for (platform, binary) in binaries {
            let mut pair = std::ffi::OsString::from(format!("{platform}="));
            pair.push(binary);
            command.arg(pair);
        }
        let output = command.output().map_err(|source| HarnessError::Spawn {
            program: script.clone(),
            source,
        })?;
        if !output.status.success() {
            return Err(HarnessError::io(
                "scripts/release-package.sh",
                std::io::Error::other(String::from_utf8_lossy(&output.stderr).into_owned()),
            ));
        }
        let mut files = BTreeMap::new();
        let entries = std::fs::read_dir(&out)
            .map_err(|e| HarnessError::io(format!("listing {}", out.display()), e))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_file() {
                let bytes = std::fs::read(&path)
                    .map_err(|e| HarnessError::io(format!("reading {}", path.display()), e))?;
                files.insert(entry.file_name().to_string_lossy().into_owned(), bytes);
            }
        }
        let mut binary_sha256 = BTreeMap::new();
        for (platform, binary) in binaries {
            let bytes = std::fs::read(binary)
                .map_err(|e| HarnessError::io(format!("reading {}", binary.display()), e))?;
            binary_sha256.insert((*platform).to_owned(), sha256_hex(&bytes));
        }
        let platforms = binaries
            .iter()
            .filter_map(|(platform, _)| platform.split_once('_'))
            .map(|(os, arch)| (os.to_owned(), arch.to_owned()))
            .collect();
        Ok(ProviderRelease {
            dir,
            version: version.to_owned(),
            platforms,
            files,
            binary_sha256,
        })
    }

    pub fn version(&self) -> &str {
        &self.version
    }

    /// `(os, arch)` of every packaged platform.
    pub fn platforms(&self) -> impl Iterator<Item = (&str, &str)> {
        self.platforms
            .iter()
            .map(|(os, arch)| (os.as_str(), arch.as_str()))
    }

    /// Every file the script wrote at the top of its output (zips, sums, signature,
    /// manifest), by name.
    pub fn files(&self) -> &BTreeMap<String, Vec<u8>> {
        &self.files
    }

    /// The packed filesystem mirror the script wrote (`mirror/registry.terraform.io/...`).
    pub fn mirror_dir(&self) -> PathBuf {
        self.dir.path().join("dist").join("mirror")
    }

    pub fn zip_name(&self, os: &str, arch: &str) -> String {
        format!("terraform-provider-nats_{}_{os}_{arch}.zip", self.version)
    }

    pub fn sums_name(&self) -> String {
        format!("terraform-provider-nats_{}_SHA256SUMS", self.version)
    }

    /// The name of the executable inside every zip but Windows'.
    pub fn binary_name(&self) -> String {
        format!("terraform-provider-nats_v{}", self.version)
    }

    /// Terraform's `zh:` hash of a platform's zip: the SHA-256 of the zip file, the
    /// form SHA256SUMS vouches for.
    pub fn zh_hash(&self, os: &str, arch: &str) -> String {
        format!("zh:{}", self.sha256_hex(&self.zip_name(os, arch)))
    }

    /// Terraform's `h1:` hash of a platform's package: SHA-256 over the lines
    /// "<sha256 hex>  <name>\n" of the files in the zip (here one), base64. This is the
    /// hash a lock file records for a package Terraform installed and unpacked.
    pub fn h1_hash(&self, os: &str, arch: &str) -> String {
        let platform = format!("{os}_{arch}");
        let inner = match os {
            "windows" => format!("{}.exe", self.binary_name()),
            _ => self.binary_name(),
        };
        let file_hash = self
            .binary_sha256
            .get(&platform)
            .cloned()
            .unwrap_or_default();
        let summary = Sha256::digest(format!("{file_hash}  {inner}\n"));
        format!("h1:{}", BASE64_STANDARD.encode(summary))
    }

    /// Lower-case hex SHA-256 of one of the files (empty if there is no such file).
    pub fn sha256_hex(&self, name: &str) -> String {
        self.files
            .get(name)
            .map(|bytes| sha256_hex(bytes))
            .unwrap_or_default()
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every platform `make release` builds, as `os_arch`.
pub const RELEASE_PLATFORMS: [&str; 6] = [
    "linux_amd64",
    "linux_arm64",
    "darwin_amd64",
    "darwin_arm64",
    "windows_amd64",
    "windows_arm64",
];

/// This machine's platform in Terraform's `os_arch` words (`linux_amd64`).
pub fn host_platform() -> String {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    format!("{os}_{arch}")
}

/// The version the provider binary reports (`terraform-provider-nats -version`), which
/// is the package version in Cargo.toml.
pub fn provider_version() -> Result<String, HarnessError> {
    let binary = crate::provider_binary()?;
    let output = Command::new(&binary)
        .arg("-version")
        .output()
        .map_err(|source| HarnessError::Spawn {
            program: binary.clone(),
            source,
        })?;
    let text = String::from_utf8_lossy(&output.stdout);
    text.split_whitespace()
        .nth(1)
        .map(|word| word.trim_start_matches('v').to_owned())
        .filter(|_| output.status.success())
        .ok_or_else(|| gpg_error(format!("`{} -version` printed {text:?}", binary.display())))
}

/// The debug provider packaged for every release platform, signed by `key`, as the
/// installation tests use it. Only the host's package is ever run; the others hold a
/// small stand-in file (see [`package_stand_ins`]).
pub fn package_debug_build(key: &SigningKey) -> Result<ProviderRelease, HarnessError> {
    let binary = crate::provider_binary()?;
    package(key, Some((host_platform(), binary)))
}

/// A release for every platform whose packages hold only a small stand-in file under
/// the binary's name, different for each platform: for tests in which Terraform
/// verifies and hashes packages but runs none (`providers lock`, refused downloads).
/// Packaging stays fast, and every package has a hash of its own, so a lock file that
/// mixed platforms up would be caught.
pub fn package_stand_ins(key: &SigningKey) -> Result<ProviderRelease, HarnessError> {
    package(key, None)
}

fn package(
    key: &SigningKey,
    real: Option<(String, PathBuf)>,
) -> Result<ProviderRelease, HarnessError> {
    let scratch = tempfile::Builder::new()
        .prefix("natsforge-binaries-")
        .tempdir()
        .map_err(|e| HarnessError::io("creating a directory for binaries", e))?;
    let mut binaries = Vec::new();
    for platform in RELEASE_PLATFORMS {
        match &real {
            Some((host, binary)) if host == platform => {
                binaries.push((platform, binary.clone()));
            }
            _ => {
                let path = scratch.path().join(platform);
                let stand_in = format!("stands in for the {platform} build; never run\n");
                std::fs::write(&path, stand_in)
                    .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))?;
                binaries.push((platform, path));
            }
        }
    }
    ProviderRelease::package(&provider_version()?, &binaries, key)
}

/// A configuration for the installation tests: `nats` from `source` at exactly
/// `version`, pointed at `server`, with one stream (ORDERS) to apply.
pub fn pinned_stream_config(source: &str, version: &str, server: &crate::NatsServer) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    nats = {{
      source  = "{source}"
      version = "{version}"
    }}
  }}
}}

provider "nats" {{
  servers = "{url}"
}}

resource "nats_jetstream_stream" "orders" {{
  name     = "ORDERS"
  subjects = ["orders.>"]
}}
"#,
        url = server.client_url(),
    )
}

/// Applies [`pinned_stream_config`], checks the server holds the stream, and that a
/// second plan is empty: the installed provider works, not just installs.
pub fn apply_stream_and_converge(tf: &crate::Terraform, server: &crate::NatsServer) {
    tf.apply().unwrap();
    let exists = crate::block_on(async {
        crate::jetstream(server, None)
            .await
            .stream_info("ORDERS")
            .await
            .unwrap()
            .is_some()
    });
    assert!(exists, "the applied stream is not on the server");
    tf.expect_no_changes().unwrap();
}
