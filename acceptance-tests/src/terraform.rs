//! Terraform runs in a private working directory, loading the freshly built provider
//! through `dev_overrides` (no registry, no `terraform init` needed for our provider),
//! or, for the installation tests, with the CLI configuration they give.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use crate::child::die_with_parent;
use crate::{tools, HarnessError};

/// The provider address tests write in `required_providers` (`source = "natsforge/nats"`).
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/natsforge/nats";

/// What one terraform command printed, and how it ended.
#[derive(Debug, Clone)]
pub struct TfOutput {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl TfOutput {
    pub fn success(&self) -> bool {
        self.status.success()
    }
}

/// One test's terraform: a temporary working directory plus the CLI configuration
/// and environment every command in it runs with. Removed when dropped.
pub struct Terraform {
    root: TempDir,
    work_dir: PathBuf,
    temp_dir: PathBuf,
    binary: PathBuf,
    cli_config: CliConfigFile,
    env: Vec<(OsString, OsString)>,
}

/// Where a test's terraform finds providers.
pub enum CliConfig {
    /// The freshly built provider through `dev_overrides` (most tests).
    DevOverrides,
    /// A CLI configuration with this text (a `filesystem_mirror`, say).
    Text(String),
    /// No CLI configuration at all and an empty home directory, as on a fresh HCP
    /// Terraform runner: providers come from the implied local mirrors
    /// (`terraform.d/plugins` in the working directory) or their registry.
    None,
}

enum CliConfigFile {
    Path(PathBuf),
    NoneWithHome(PathBuf),
}

impl Terraform {
    /// A fresh, empty working directory loading the provider through `dev_overrides`.
    /// Builds the provider first if the Makefile did not (see [`crate::provider_binary`]).
    pub fn new() -> Result<Self, HarnessError> {
        Self::with_cli_config(CliConfig::DevOverrides)
    }

    /// A fresh, empty working directory whose commands find providers as `config` says.
    pub fn with_cli_config(config: CliConfig) -> Result<Self, HarnessError> {
        let binary = tools::terraform_binary()?;
        let root = tempfile::Builder::new()
            .prefix("natsforge-terraform-")
            .tempdir()
            .map_err(|e| HarnessError::io("creating terraform's temporary directory", e))?;
        let work_dir = root.path().join("work");
        let temp_dir = root.path().join("tmp");
        for dir in [&work_dir, &temp_dir] {
            fs::create_dir(dir)
                .map_err(|e| HarnessError::io(format!("creating {}", dir.display()), e))?;
        }
        let text = match config {
            CliConfig::DevOverrides => {
                let provider = tools::provider_binary()?;
                Some(dev_overrides_config(
                    provider.parent().unwrap_or(Path::new(".")),
                ))
            }
            CliConfig::Text(text) => Some(text),
            CliConfig::None => None,
        };
        let cli_config = match text {
            Some(text) => {
                let path = root.path().join("terraform.tfrc");
                fs::write(&path, text)
                    .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))?;
                CliConfigFile::Path(path)
            }
            None => {
                let home = root.path().join("home");
                fs::create_dir(&home)
                    .map_err(|e| HarnessError::io(format!("creating {}", home.display()), e))?;
                CliConfigFile::NoneWithHome(home)
            }
        };
        Ok(Terraform {
            root,
            work_dir,
            temp_dir,
            binary,
            cli_config,
            env: Vec::new(),
        })
    }

    /// Adds an environment variable to every later command (e.g. `TF_LOG_PROVIDER`,
    /// or a `NATS_URL` the provider reads).
    pub fn with_env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Self {
        self.env
            .push((key.as_ref().to_owned(), value.as_ref().to_owned()));
        self
    }

    /// The working directory terraform runs in.
    pub fn dir(&self) -> &Path {
        &self.work_dir
    }

    /// Writes (or replaces) a file in the working directory; `name` may contain
    /// subdirectories, which are created.
    pub fn write_file(&self, name: &str, text: &str) -> Result<(), HarnessError> {
        let path = self.work_dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| HarnessError::io(format!("creating {}", parent.display()), e))?;
        }
        fs::write(&path, text)
            .map_err(|e| HarnessError::io(format!("writing {}", path.display()), e))
    }

    pub fn remove_file(&self, name: &str) -> Result<(), HarnessError> {
        let path = self.work_dir.join(name);
        fs::remove_file(&path)
            .map_err(|e| HarnessError::io(format!("removing {}", path.display()), e))
    }

    /// Runs `terraform <args>` and returns its output whatever the exit status;
    /// fails only if terraform cannot be started.
    pub fn run<I, S>(&self, args: I) -> Result<TfOutput, HarnessError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_with_env(args, &[])
    }

    /// Like [`run`](Self::run), with extra environment for this one command.
    pub fn run_with_env<I, S>(
        &self,
        args: I,
        env: &[(&str, &str)],
    ) -> Result<TfOutput, HarnessError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let output = self
            .command(args, env)
            .output()
            .map_err(|source| HarnessError::Spawn {
                program: self.binary.clone(),
                source,
            })?;
        Ok(TfOutput {
            status: output.status,
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        })
    }

    /// `terraform <args>` as every command of this working directory runs (CLI
    /// configuration, environment, dies with the test), not started yet.
    pub(crate) fn command<I, S>(&self, args: I, env: &[(&str, &str)]) -> Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .current_dir(&self.work_dir)
            .stdin(Stdio::null())
            .env("CHECKPOINT_DISABLE", "1")
            .env("TF_IN_AUTOMATION", "1")
            .env("TF_INPUT", "0")
            // Whatever terraform or a provider leaves in the temp dir (e.g. the socket
            // directory of a provider killed mid-shutdown) goes away with this test.
            .env("TMPDIR", &self.temp_dir)
            // A developer's own settings must not change what the suite sees.
            .env_remove("TF_CLI_ARGS")
            .env_remove("TF_WORKSPACE")
            .env_remove("TF_DATA_DIR")
            .env_remove("TF_PLUGIN_CACHE_DIR");
        match &self.cli_config {
            CliConfigFile::Path(path) => command.env("TF_CLI_CONFIG_FILE", path),
            CliConfigFile::NoneWithHome(home) => {
                command.env_remove("TF_CLI_CONFIG_FILE").env("HOME", home)
            }
        };
        for (key, value) in &self.env {
            command.env(key, value);
        }
        for (key, value) in env {
            command.env(key, value);
        }
        die_with_parent(&mut command);
        command
    }

    pub(crate) fn binary(&self) -> &Path {
        &self.binary
    }

    /// Runs `terraform <args>` and turns a non-zero exit into an error carrying all output.
    pub fn run_ok(&self, args: &[&str]) -> Result<TfOutput, HarnessError> {
        let output = self.run(args)?;
        if output.success() {
            Ok(output)
        } else {
            Err(self.failure(args, output))
        }
    }

    /// Only needed for configurations that use other providers or modules: our own
    /// provider is found through `dev_overrides` without it.
    pub fn init(&self) -> Result<TfOutput, HarnessError> {
        self.run_ok(&["init", "-input=false", "-no-color"])
    }

    pub fn plan(&self) -> Result<TfOutput, HarnessError> {
        self.run_ok(&["plan", "-input=false", "-no-color"])
    }

    pub fn apply(&self) -> Result<TfOutput, HarnessError> {
        self.run_ok(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    pub fn destroy(&self) -> Result<TfOutput, HarnessError> {
        self.run_ok(&["destroy", "-auto-approve", "-input=false", "-no-color"])
    }

    /// `terraform import <address> <id>`.
    pub fn import(&self, address: &str, id: &str) -> Result<TfOutput, HarnessError> {
        self.run_ok(&["import", "-input=false", "-no-color", address, id])
    }

    /// The plan as Terraform's JSON plan representation (`plan -out` then `show -json`).
    pub fn plan_json(&self) -> Result<Value, HarnessError> {
        let plan_file = self.root.path().join("harness.tfplan");
        let plan_file = plan_file.to_string_lossy();
        let out = format!("-out={plan_file}");
        self.run_ok(&["plan", "-input=false", "-no-color", &out])?;
        self.json(&["show", "-json", &plan_file])
    }

    /// The current state as JSON (`show -json`).
    pub fn show_json(&self) -> Result<Value, HarnessError> {
        self.json(&["show", "-json"])
    }

    /// Root module outputs as JSON (`output -json`).
    pub fn output_json(&self) -> Result<Value, HarnessError> {
        self.json(&["output", "-json"])
    }

    /// The provider schemas as Terraform sees them (`providers schema -json`).
    pub fn providers_schema_json(&self) -> Result<Value, HarnessError> {
        self.json(&["providers", "schema", "-json"])
    }

    /// Runs a plan that must fail, and returns its stderr (where the diagnostics are).
    pub fn expect_plan_error(&self) -> Result<String, HarnessError> {
        self.expect_error(&["plan", "-input=false", "-no-color"])
    }

    /// Runs an apply that must fail, and returns its stderr.
    pub fn expect_apply_error(&self) -> Result<String, HarnessError> {
        self.expect_error(&["apply", "-auto-approve", "-input=false", "-no-color"])
    }

    /// Checks that a plan finds nothing to do: the test for "apply converged" and "no drift".
    pub fn expect_no_changes(&self) -> Result<(), HarnessError> {
        let args = ["plan", "-detailed-exitcode", "-input=false", "-no-color"];
        let output = self.run(args)?;
        match output.status.code() {
            Some(0) => Ok(()),
            Some(2) => Err(HarnessError::UnexpectedChanges {
                stdout: output.stdout,
            }),
            _ => Err(self.failure(&args, output)),
        }
    }

    /// Runs `terraform <args>`, which must fail, and returns its stderr.
    pub fn expect_error(&self, args: &[&str]) -> Result<String, HarnessError> {
        let output = self.run(args)?;
        if output.success() {
            Err(HarnessError::TerraformSucceeded {
                command: args.join(" "),
                stdout: output.stdout,
            })
        } else {
            Ok(output.stderr)
        }
    }

    fn json(&self, args: &[&str]) -> Result<Value, HarnessError> {
        let output = self.run_ok(args)?;
        serde_json::from_str(&output.stdout).map_err(|source| HarnessError::Json {
            what: format!("the output of `terraform {}`", args.join(" ")),
            text: output.stdout,
            source,
        })
    }

    pub(crate) fn failure(&self, args: &[&str], output: TfOutput) -> HarnessError {
        HarnessError::Terraform {
            command: args.join(" "),
            dir: self.work_dir.clone(),
            status: output.status,
            stdout: output.stdout,
            stderr: output.stderr,
        }
    }
}

/// A CLI configuration that loads our provider from `provider_dir` and everything
/// else the ordinary way.
pub fn dev_overrides_config(provider_dir: &Path) -> String {
    let dir = provider_dir
        .display()
        .to_string()
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    format!(
        "provider_installation {{\n  dev_overrides {{\n    \"{PROVIDER_ADDRESS}\" = \"{dir}\"\n  }}\n  direct {{}}\n}}\n"
    )
}
