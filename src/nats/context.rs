//! Reading the `nats` CLI's named contexts, so a user who already works with
//! `nats --context hub` can point natsforge at the same settings.
//!
//! A context is `<config dir>/nats/context/<name>.json`, where the config dir is
//! `$XDG_CONFIG_HOME` or `~/.config`. Path fields may start with `~/`, contain
//! `$VAR`/`${VAR}`, or be `file://` references; secret fields may be `env://NAME`
//! or `file://` references. Lookups that need other programs (`nsc://`, `op://`)
//! are refused with a clear error rather than guessed at.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::options::{parse_servers, ConnectionSettings};
use super::secret::Secret;

/// What a context file says, in the terms of [`ConnectionSettings`], plus the
/// JetStream settings that are not about connecting.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContextSettings {
    pub name: String,
    /// The file it was read from, for messages.
    pub path: PathBuf,
    pub description: Option<String>,
    pub connection: ConnectionSettings,
    pub jetstream_domain: Option<String>,
    pub jetstream_api_prefix: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error(
        "`{name}` is not a valid context name: it must not be empty nor contain `/`, `\\` or `..`"
    )]
    InvalidName { name: String },
    #[error(
        "cannot find the nats configuration directory: neither XDG_CONFIG_HOME nor HOME is set"
    )]
    NoConfigDir,
    #[error("nats context `{name}` not found: {} does not exist", path.display())]
    NotFound { name: String, path: PathBuf },
    #[error("cannot read nats context {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("nats context {} is not valid JSON: {source}", path.display())]
    Parse {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    #[error("nats context {} is not valid JSON: the top level is not an object", path.display())]
    NotAnObject { path: PathBuf },
    #[error("nats context {}: field `{field}` must be {expected}", path.display())]
    FieldType {
        path: PathBuf,
        field: &'static str,
        expected: &'static str,
    },
    #[error("nats context {}: field `{field}`: {reason}", path.display())]
    Field {
        path: PathBuf,
        field: &'static str,
        reason: String,
    },
    /// A file a field names (a `file://` secret or the nkey seed file).
    #[error("nats context {}: field `{field}`: cannot read {}: {source}", path.display(), file.display())]
    FieldFile {
        path: PathBuf,
        field: &'static str,
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// `$XDG_CONFIG_HOME/nats/context`, or `~/.config/nats/context`.
pub fn context_dir() -> Result<PathBuf, ContextError> {
    context_dir_from(
        std::env::var_os("XDG_CONFIG_HOME").map(PathBuf::from),
        home_dir(),
    )
}

fn context_dir_from(xdg: Option<PathBuf>, home: Option<PathBuf>) -> Result<PathBuf, ContextError> {
    let config = match xdg.filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) => dir,
        None => home.ok_or(ContextError::NoConfigDir)?.join(".config"),
    };
    Ok(config.join("nats").join("context"))
}

fn home_dir() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|home| !home.is_empty())
        .map(PathBuf::from)
}

/// Loads the named context from [`context_dir`].
pub fn load_context(name: &str) -> Result<ContextSettings, ContextError> {
    load_context_from(&context_dir()?, name)
}

/// Loads `<dir>/<name>.json`; split from [`load_context`] so tests and callers
/// with their own directory need not touch the environment.
pub fn load_context_from(dir: &Path, name: &str) -> Result<ContextSettings, ContextError> {
    if name.is_empty() || name.contains('/') || name.contains('\\') || name.contains("..") {
        return Err(ContextError::InvalidName {
            name: name.to_owned(),
        });
    }
    let path = dir.join(format!("{name}.json"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(ContextError::NotFound {
                name: name.to_owned(),
                path,
            })
        }
        Err(source) => return Err(ContextError::Read { path, source }),
    };
    let env = |var: &str| std::env::var(var).ok();
    parse_context(
        name,
        &path,
        &text,
        &Environment {
            home: home_dir(),
            var: &env,
        },
    )
}

/// Where `~`, `$VAR` and `env://` point; injectable for tests.
struct Environment<'a> {
    home: Option<PathBuf>,
    var: &'a dyn Fn(&str) -> Option<String>,
}

fn parse_context(
    name: &str,
    path: &Path,
    text: &str,
    env: &Environment<'_>,
) -> Result<ContextSettings, ContextError> {
    // Parsed as untyped JSON first: serde's typed errors quote the offending
    // value, which could be a password.
    let json: Value = serde_json::from_str(text).map_err(|source| ContextError::Parse {
        path: path.to_owned(),
        source,
    })?;
    let Value::Object(fields) = json else {
        return Err(ContextError::NotAnObject {
            path: path.to_owned(),
        });
    };
    let reader = FieldReader {
        path,
        fields: &fields,
        env,
    };

    for (field, what) in [("nsc", "nsc lookups"), ("socks_proxy", "SOCKS proxies")] {
        if reader.string(field)?.is_some() {
            return Err(reader.field_error(field, format!("{what} are not supported by natsforge")));
        }
    }

    let mut connection = ConnectionSettings {
        servers: reader
            .string("url")?
            .map(|urls| parse_servers(&urls))
            .unwrap_or_default(),
        user: reader.string("user")?,
        password: reader.secret("password")?,
        token: reader.secret("token")?,
        inbox_prefix: reader.string("inbox_prefix")?,
        tls_first: reader.boolean("tls_first")?.filter(|first| *first),
        ..Default::default()
    };

    let seed = reader
        .file_or_secret("nkey")?
        .map(|source| reader.nkey_seed(source))
        .transpose()?;
    match (reader.secret("user_jwt")?, seed) {
        (Some(jwt), Some(seed)) => connection.credentials = Some(creds_text(&jwt, &seed)),
        (Some(_), None) => {
            return Err(reader.field_error("user_jwt", "needs `nkey` as well".into()))
        }
        (None, seed) => connection.nkey_seed = seed,
    }
    match reader.file_or_secret("creds")? {
        Some(FileOrSecret::File(file)) => connection.credentials_file = Some(file),
        Some(FileOrSecret::Secret(text)) => connection.credentials = Some(text),
        None => {}
    }
    match reader.file_or_secret("ca")? {
        Some(FileOrSecret::File(file)) => connection.ca_file = Some(file),
        Some(FileOrSecret::Secret(pem)) => connection.ca_pem = Some(pem.expose().to_owned()),
        None => {}
    }
    match reader.file_or_secret("cert")? {
        Some(FileOrSecret::File(file)) => connection.cert_file = Some(file),
        Some(FileOrSecret::Secret(pem)) => connection.cert_pem = Some(pem.expose().to_owned()),
        None => {}
    }
    match reader.file_or_secret("key")? {
        Some(FileOrSecret::File(file)) => connection.key_file = Some(file),
        Some(FileOrSecret::Secret(pem)) => connection.key_pem = Some(pem),
        None => {}
    }

    Ok(ContextSettings {
        name: name.to_owned(),
        path: path.to_owned(),
        description: reader.string("description")?,
        connection,
        jetstream_domain: reader.string("jetstream_domain")?,
        jetstream_api_prefix: reader.string("jetstream_api_prefix")?,
    })
}

/// A path-valued field either names a file or (via `env://`) carries the
/// content itself.
enum FileOrSecret {
    File(PathBuf),
    Secret(Secret),
}

struct FieldReader<'a> {
    path: &'a Path,
    fields: &'a Map<String, Value>,
    env: &'a Environment<'a>,
}

impl FieldReader<'_> {
    fn file_error(
        &self,
        field: &'static str,
        file: PathBuf,
        source: std::io::Error,
    ) -> ContextError {
        ContextError::FieldFile {
            path: self.path.to_owned(),
            field,
            file,
            source,
        }
    }

    fn field_error(&self, field: &'static str, reason: String) -> ContextError {
        ContextError::Field {
            path: self.path.to_owned(),
            field,
            reason,
        }
    }

    /// A string field; absent, null and "" all mean "not set", as in the CLI.
    fn string(&self, field: &'static str) -> Result<Option<String>, ContextError> {
        match self.fields.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(text)) if text.is_empty() => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(_) => Err(ContextError::FieldType {
                path: self.path.to_owned(),
                field,
                expected: "a string",
            }),
        }
    }

    fn boolean(&self, field: &'static str) -> Result<Option<bool>, ContextError> {
        match self.fields.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(_) => Err(ContextError::FieldType {
                path: self.path.to_owned(),
                field,
                expected: "true or false",
            }),
        }
    }

    /// A secret given literally, or by `env://NAME` / `file://path` reference.
    fn secret(&self, field: &'static str) -> Result<Option<Secret>, ContextError> {
        let Some(value) = self.string(field)? else {
            return Ok(None);
        };
        match self.file_or_secret_value(field, &value)? {
            FileOrSecret::Secret(secret) => Ok(Some(secret)),
            FileOrSecret::File(file) if value.starts_with("file://") => {
                let text = std::fs::read_to_string(&file)
                    .map_err(|source| self.file_error(field, file, source))?;
                Ok(Some(Secret::new(text.trim_end_matches(['\r', '\n']))))
            }
            FileOrSecret::File(_) => Ok(Some(Secret::new(value))),
        }
    }

    fn file_or_secret(&self, field: &'static str) -> Result<Option<FileOrSecret>, ContextError> {
        match self.string(field)? {
            Some(value) => self.file_or_secret_value(field, &value).map(Some),
            None => Ok(None),
        }
    }

    fn file_or_secret_value(
        &self,
        field: &'static str,
        value: &str,
    ) -> Result<FileOrSecret, ContextError> {
        if let Some(var) = value.strip_prefix("env://") {
            return match (self.env.var)(var) {
                Some(content) if !content.is_empty() => {
                    Ok(FileOrSecret::Secret(Secret::new(content)))
                }
                _ => Err(self.field_error(
                    field,
                    format!("environment variable `{var}` is not set or empty"),
                )),
            };
        }
        if let Some(file) = value.strip_prefix("file://") {
            return Ok(FileOrSecret::File(expand_path(file, self.env)));
        }
        if let Some((scheme, _)) = value.split_once("://") {
            if scheme.len() >= 2 && scheme.chars().all(|c| c.is_ascii_alphanumeric()) {
                return Err(self.field_error(
                    field,
                    format!("`{scheme}://` references are not supported (use a path, file:// or env://)"),
                ));
            }
        }
        Ok(FileOrSecret::File(expand_path(value, self.env)))
    }

    /// The CLI's `nkey` names a seed file; natsforge wants the seed itself.
    fn nkey_seed(&self, source: FileOrSecret) -> Result<Secret, ContextError> {
        let text = match source {
            FileOrSecret::Secret(seed) => return Ok(Secret::new(seed.expose().trim())),
            FileOrSecret::File(file) => std::fs::read_to_string(&file)
                .map_err(|source| self.file_error("nkey", file, source))?,
        };
        // Seed files may be decorated like creds files; a seed is the 58
        // base32 characters starting with `S`.
        text.split_whitespace()
            .find(|word| {
                word.len() == 58
                    && word.starts_with('S')
                    && word
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            })
            .map(Secret::new)
            .ok_or_else(|| self.field_error("nkey", "the seed file holds no nkey seed".to_owned()))
    }
}

/// A creds file's text from a user JWT and its seed, so `user_jwt` + `nkey`
/// contexts go through the same path as creds files.
fn creds_text(jwt: &Secret, seed: &Secret) -> Secret {
    Secret::new(format!(
        "-----BEGIN NATS USER JWT-----\n{}\n------END NATS USER JWT------\n\n\
         -----BEGIN USER NKEY SEED-----\n{}\n------END USER NKEY SEED------\n",
        jwt.expose().trim(),
        seed.expose().trim()
    ))
}

/// `~/x` -> `$HOME/x`, `$VAR`/`${VAR}` -> its value (unset -> empty), as the CLI does.
fn expand_path(value: &str, env: &Environment<'_>) -> PathBuf {
    let mut expanded = String::with_capacity(value.len());
    let mut rest = value;
    if let (Some(tail), Some(home)) = (value.strip_prefix("~/"), &env.home) {
        expanded.push_str(&home.to_string_lossy());
        expanded.push('/');
        rest = tail;
    }
    while let Some(dollar) = rest.find('$') {
        expanded.push_str(&rest[..dollar]);
        let after = &rest[dollar + 1..];
        let (name, remainder) = match after.strip_prefix('{') {
            Some(braced) => match braced.find('}') {
                Some(end) => (&braced[..end], &braced[end + 1..]),
                None => ("", after),
            },
            None => {
                let end = after
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(after.len());
                (&after[..end], &after[end..])
            }
        };
        if name.is_empty() {
            expanded.push('$');
            rest = after;
            continue;
        }
        expanded.push_str(&(env.var)(name).unwrap_or_default());
        rest = remainder;
    }
    expanded.push_str(rest);
    PathBuf::from(expanded)
}

#[cfg(test)]
#[path = "context_tests.rs"]
mod tests;
