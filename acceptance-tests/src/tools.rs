//! Finding the programs the tests drive: terraform, nats-server and the provider itself.
//!
//! The Makefile picks terraform and nats-server (`make tools`) and passes them in
//! `TF_ACC_TERRAFORM_PATH` / `NATS_SERVER_BIN`; it also builds the provider first and
//! names it in `NATSFORGE_PROVIDER_BIN`. Without the Makefile (a plain
//! `cargo nextest run -p acceptance-tests`) the harness falls back to `.tools/bin`,
//! then PATH, checking versions because an old copy on PATH fails in confusing ways,
//! and builds the provider itself once per test process.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::HarnessError;

/// Terraform line the suite needs (resource identity, list resources, actions).
const TERRAFORM_MIN: &str = "1.15.0";
/// nats-server line the suite needs.
const NATS_SERVER_MIN: &str = "2.14.0";
/// Name of the provider binary built by the root package.
pub const PROVIDER_BINARY_NAME: &str = "terraform-provider-nats";

/// The workspace root: the parent of this crate's manifest directory.
pub fn workspace_root() -> &'static Path {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir)
}

/// Cargo's target directory, honouring `CARGO_TARGET_DIR` like cargo itself does
/// (a relative value is relative to where cargo runs, which for us is the workspace root).
pub fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_root().join(dir),
        _ => workspace_root().join("target"),
    }
}

/// The terraform executable the tests run.
pub fn terraform_binary() -> Result<PathBuf, HarnessError> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            locate(
                "terraform",
                "TF_ACC_TERRAFORM_PATH",
                terraform_version,
                TERRAFORM_MIN,
            )
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|hint| HarnessError::ToolNotFound {
            tool: "terraform",
            hint,
        })
}

/// The nats-server executable the tests run.
pub fn nats_server_binary() -> Result<PathBuf, HarnessError> {
    static FOUND: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            locate(
                "nats-server",
                "NATS_SERVER_BIN",
                nats_server_version,
                NATS_SERVER_MIN,
            )
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|hint| HarnessError::ToolNotFound {
            tool: "nats-server",
            hint,
        })
}

/// The version of the nats-server the tests run (`2.15.1`), for the few tests whose
/// expected outcome depends on it when `make test-compat` runs them on older lines.
pub fn nats_server_release() -> Result<String, HarnessError> {
    let binary = nats_server_binary()?;
    nats_server_version(&binary).ok_or_else(|| HarnessError::ToolNotFound {
        tool: "nats-server",
        hint: format!("{} --version printed no version", binary.display()),
    })
}

/// The provider binary, freshly built.
///
/// When the Makefile built it, `NATSFORGE_PROVIDER_BIN` names it and nothing is built.
/// Otherwise this runs `cargo build --bin terraform-provider-nats` once per test process,
/// so a test never runs against a binary older than the source (cargo makes the no-op
/// case cheap).
pub fn provider_binary() -> Result<PathBuf, HarnessError> {
    static BUILT: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    BUILT
        .get_or_init(|| match env::var_os("NATSFORGE_PROVIDER_BIN") {
            Some(path) if !path.is_empty() => Ok(PathBuf::from(path)),
            _ => build_provider().map_err(|e| e.to_string()),
        })
        .clone()
        .map_err(|hint| HarnessError::ToolNotFound {
            tool: PROVIDER_BINARY_NAME,
            hint,
        })
}

fn build_provider() -> Result<PathBuf, HarnessError> {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(&cargo)
        .args(["build", "--quiet", "--bin", PROVIDER_BINARY_NAME])
        .current_dir(workspace_root())
        .output()
        .map_err(|source| HarnessError::Spawn {
            program: PathBuf::from(&cargo),
            source,
        })?;
    if !output.status.success() {
        return Err(HarnessError::ProviderBuild {
            status: output.status,
            output: String::from_utf8_lossy(&output.stderr).into_owned(),
        });
    }
    Ok(target_dir().join("debug").join(PROVIDER_BINARY_NAME))
}

/// Explicit environment variable first (trusted: whoever set it chose it), then the
/// project's pinned copy, then PATH; the last two are version-checked.
fn locate(
    tool: &'static str,
    env_var: &str,
    version_of: fn(&Path) -> Option<String>,
    minimum: &'static str,
) -> Result<PathBuf, HarnessError> {
    if let Some(path) = env::var_os(env_var).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(path));
    }
    let pinned = workspace_root().join(".tools").join("bin").join(tool);
    let on_path: Vec<PathBuf> = env::var_os("PATH")
        .map(|paths| env::split_paths(&paths).map(|dir| dir.join(tool)).collect())
        .unwrap_or_default();
    let mut too_old = None;
    for candidate in std::iter::once(pinned).chain(on_path) {
        if !candidate.is_file() {
            continue;
        }
        match version_of(&candidate) {
            Some(found) if version_at_least(&found, minimum) => return Ok(candidate),
            Some(found) => {
                too_old.get_or_insert(HarnessError::ToolTooOld {
                    tool,
                    path: candidate,
                    found,
                    wanted: minimum,
                });
            }
            None => {}
        }
    }
    Err(too_old.unwrap_or_else(|| HarnessError::ToolNotFound {
        tool,
        hint: format!("set {env_var}, or run `make tools` to install the pinned copy"),
    }))
}

fn terraform_version(path: &Path) -> Option<String> {
    let output = Command::new(path)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let first = text.lines().next()?;
    Some(first.strip_prefix("Terraform v")?.trim().to_owned())
}

fn nats_server_version(path: &Path) -> Option<String> {
    let output = Command::new(path).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let first = text.lines().next()?;
    Some(first.strip_prefix("nats-server: v")?.trim().to_owned())
}

/// Compares dotted versions numerically; a pre-release suffix ("1.15.0-beta1") counts
/// as its base version, which is close enough for a minimum check.
pub fn version_at_least(found: &str, minimum: &str) -> bool {
    fn numbers(version: &str) -> Vec<u64> {
        version
            .split(['.', '-', '+'])
            .map_while(|part| part.parse().ok())
            .collect()
    }
    numbers(found) >= numbers(minimum)
}

#[cfg(test)]
mod tests {
    use super::version_at_least;

    #[test]
    fn versions_compare_numerically_not_as_text() {
        assert!(version_at_least("1.15.5", "1.15.0"));
        assert!(version_at_least("2.15.1", "2.14.0"));
        assert!(version_at_least("1.100.0", "1.15.0"));
        assert!(!version_at_least("1.11.4", "1.15.0"));
        assert!(!version_at_least("1.9.9", "1.15.0"));
        assert!(version_at_least("1.15.0-beta1", "1.15.0"));
    }
}
