//! One error type for the harness. Every variant carries what a developer needs to see
//! when a test fails: the command that ran and everything it printed.

use std::fmt;
use std::path::PathBuf;
use std::process::ExitStatus;
use std::time::Duration;

/// Why a harness operation failed.
///
/// `Debug` prints the same text as `Display`, so `.unwrap()` in a test shows terraform's
/// or nats-server's output as readable lines instead of one escaped string.
#[derive(thiserror::Error)]
pub enum HarnessError {
    #[error("cannot find {tool}: {hint}")]
    ToolNotFound { tool: &'static str, hint: String },

    #[error("{tool} at {} is version {found}, this suite needs {wanted} or newer (run `make tools`)", path.display())]
    ToolTooOld {
        tool: &'static str,
        path: PathBuf,
        found: String,
        wanted: &'static str,
    },

    #[error("cannot start {}: {source}", program.display())]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },

    #[error("{context}: {source}")]
    Io {
        context: String,
        source: std::io::Error,
    },

    #[error("building the provider failed ({status}):\n{output}")]
    ProviderBuild { status: ExitStatus, output: String },

    #[error("`nats-server -t` refused {path}:\n{output}")]
    ConfigRefused { path: PathBuf, output: String },

    #[error("nats-server exited during start-up ({status}); its log:\n{log}")]
    ServerExited { status: ExitStatus, log: String },

    #[error("nats-server was not ready after {timeout:?}; its log:\n{log}")]
    ServerNotReady { timeout: Duration, log: String },

    #[error("nats-server did not confirm a configuration reload within {timeout:?}, or reported a failure; its log:\n{log}")]
    Reload { timeout: Duration, log: String },

    #[error("nats-server monitoring request {url} failed: {reason}")]
    Monitor { url: String, reason: String },

    #[error("`terraform {command}` failed ({status}) in {}\n--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}", dir.display())]
    Terraform {
        command: String,
        dir: PathBuf,
        status: ExitStatus,
        stdout: String,
        stderr: String,
    },

    #[error("`terraform {command}` was expected to fail but succeeded\n--- stdout ---\n{stdout}")]
    TerraformSucceeded { command: String, stdout: String },

    #[error("`terraform {command}` running in the background {what} (in {})\n--- stdout so far ---\n{stdout}", dir.display())]
    Background {
        command: String,
        dir: PathBuf,
        what: String,
        stdout: String,
    },

    #[error("`terraform plan` was expected to show no changes, but it plans some:\n{stdout}")]
    UnexpectedChanges { stdout: String },

    #[error("cannot parse {what} as JSON: {source}\n--- text ---\n{text}")]
    Json {
        what: String,
        text: String,
        source: serde_json::Error,
    },
}

impl fmt::Debug for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl HarnessError {
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        HarnessError::Io {
            context: context.into(),
            source,
        }
    }
}
