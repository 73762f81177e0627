//! The `provider "nats"` block: how natsforge reaches a NATS server. Every argument
//! can also come from the environment, as with the `nats` CLI, and from a `nats` CLI
//! context; explicit arguments win over the environment, which wins over the context.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::validators::int_at_least;
use crate::framework::value::{AttributePath, Type, Value};
use crate::nats::{load_context, parse_servers, ConnectionSettings, Secret};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

pub fn schema() -> Schema {
    Schema::new(
        "Connects to one NATS server or cluster. Use one provider block per server you \
         manage (for example `alias = \"hub\"` and `alias = \"leaf\"`); each opens a single \
         connection on first use and shares it between all resources.",
    )
    .attribute(
        Attribute::new("servers", Type::Dynamic)
            .optional()
            .description(
                "NATS server URLs: a list, or one comma-separated string as in `NATS_URL` \
                 (environment: `NATS_URL`). Defaults to `nats://127.0.0.1:4222`.",
            ),
    )
    .attribute(Attribute::string("credentials").optional().description(
        "Path to a `.creds` file (environment: `NATS_CREDS`).",
    ))
    .attribute(
        Attribute::string("credentials_data")
            .optional()
            .sensitive()
            .description("Content of a `.creds` file, e.g. from `nats_nkey_user.creds` or a variable."),
    )
    .attribute(
        Attribute::string("credential_data")
            .optional()
            .sensitive()
            .deprecated("Use `credentials_data`; this name is accepted for configurations moved from the official provider.")
            .description("Alias of `credentials_data`, as spelled by the official `nats-io/jetstream` provider."),
    )
    .attribute(
        Attribute::string("nkey_seed")
            .optional()
            .sensitive()
            .description("An nkey user seed (`SU...`) to authenticate with (environment: `NATS_NKEY_SEED`, or `NATS_NKEY` naming a seed file)."),
    )
    .attribute(Attribute::string("user").optional().description(
        "User name for user/password authentication (environment: `NATS_USER`).",
    ))
    .attribute(
        Attribute::string("password")
            .optional()
            .sensitive()
            .description("Password for `user` (environment: `NATS_PASSWORD`)."),
    )
    .attribute(
        Attribute::string("token")
            .optional()
            .sensitive()
            .description("Authentication token (environment: `NATS_TOKEN`)."),
    )
    .attribute(Attribute::string("context").optional().description(
        "Name of a `nats` CLI context to read settings from (environment: `NATS_CONTEXT`), \
         looked up in `$XDG_CONFIG_HOME/nats/context` (default `~/.config/nats/context`).",
    ))
    .attribute(Attribute::string("jetstream_domain").optional().description(
        "Default JetStream domain for JetStream resources of this provider instance \
         (environment: `NATS_JETSTREAM_DOMAIN`); resources can override it.",
    ))
    .attribute(Attribute::string("system_credentials").optional().description(
        "Path to the `.creds` of a system-account user, for `$SYS` operations (account \
         pushes, server figures, reloads) (environment: `NATS_SYSTEM_CREDS`).",
    ))
    .attribute(
        Attribute::string("system_credentials_data")
            .optional()
            .sensitive()
            .description("Content of a system-account user's `.creds` file."),
    )
    .attribute(
        Attribute::number("timeout")
            .optional()
            .validate(int_at_least(1))
            .description("Seconds to wait for a connection or a reply (environment: `NATS_TIMEOUT`). Defaults to 5."),
    )
    .attribute(Attribute::string("connection_name").optional().description(
        "Name the connection shows in the server's monitoring. Defaults to `terraform-provider-nats`.",
    ))
    .block(
        NestedBlock::new(
            "tls",
            Nesting::List,
            Block::new("TLS settings. Setting any of them makes the connection require TLS.")
                .attribute(Attribute::string("ca_file").optional().description("Path to CA certificates (PEM) (environment: `NATS_CA`)."))
                .attribute(Attribute::string("ca_pem").optional().description("CA certificates as PEM text."))
                .attribute(Attribute::string("cert_file").optional().description("Path to the client certificate (PEM) (environment: `NATS_CERT`)."))
                .attribute(Attribute::string("cert_pem").optional().description("Client certificate as PEM text."))
                .attribute(Attribute::string("key_file").optional().description("Path to the client key (PEM) (environment: `NATS_KEY`)."))
                .attribute(Attribute::string("key_pem").optional().sensitive().description("Client key as PEM text."))
                .attribute(Attribute::bool("insecure_skip_verify").optional().description("Do not verify the server certificate. For tests only."))
                .attribute(Attribute::bool("handshake_first").optional().description("Start TLS before the server's greeting (server option `handshake_first`).")),
        )
        .max_items(1),
    )
}

/// The provider block as written (null where absent).
#[derive(Debug, Default, Deserialize)]
pub struct ProviderConfig {
    pub servers: Option<serde_json::Value>,
    pub credentials: Option<String>,
    pub credentials_data: Option<String>,
    pub credential_data: Option<String>,
    pub nkey_seed: Option<String>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub token: Option<String>,
    pub context: Option<String>,
    pub jetstream_domain: Option<String>,
    pub system_credentials: Option<String>,
    pub system_credentials_data: Option<String>,
    pub timeout: Option<u64>,
    pub connection_name: Option<String>,
    #[serde(default)]
    pub tls: Vec<TlsConfig>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TlsConfig {
    pub ca_file: Option<String>,
    pub ca_pem: Option<String>,
    pub cert_file: Option<String>,
    pub cert_pem: Option<String>,
    pub key_file: Option<String>,
    pub key_pem: Option<String>,
    pub insecure_skip_verify: Option<bool>,
    pub handshake_first: Option<bool>,
}

/// Conflicts visible in the block itself, reported at their attribute.
pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let set = |name: &str| config.attr(name).is_some_and(|v| !v.is_null());
    let auth_methods = [
        "user",
        "token",
        "nkey_seed",
        "credentials",
        "credentials_data",
        "credential_data",
    ];
    let chosen: Vec<&str> = auth_methods
        .iter()
        .copied()
        .filter(|name| set(name))
        .collect();
    if chosen.len() > 1 {
        diagnostics.attribute_error(
            &AttributePath::attr(chosen[1]),
            "Conflicting authentication options",
            format!(
                "`{}` and `{}` are both set: choose one way to authenticate (user/password, token, nkey_seed, or credentials).",
                chosen[0], chosen[1]
            ),
        );
    }
    if set("password") && config.attr("user").is_some_and(Value::is_null) {
        diagnostics.attribute_error(
            &AttributePath::attr("password"),
            "Password without user",
            "`password` needs `user` as well.",
        );
    }
    if set("system_credentials") && set("system_credentials_data") {
        diagnostics.attribute_error(
            &AttributePath::attr("system_credentials_data"),
            "Conflicting system credentials",
            "Give the system user's creds as a file (`system_credentials`) or inline (`system_credentials_data`), not both.",
        );
    }
    let servers_ok = match config.attr("servers").map(strip_dynamic) {
        None | Some(Value::Null | Value::Unknown | Value::String(_)) => true,
        Some(Value::List(items) | Value::Tuple(items)) => items
            .iter()
            .all(|item| matches!(item, Value::String(_) | Value::Unknown)),
        Some(_) => false,
    };
    if !servers_ok {
        diagnostics.attribute_error(
            &AttributePath::attr("servers"),
            "Invalid servers",
            "`servers` must be a list of URL strings or one comma-separated string.",
        );
    }
}

fn strip_dynamic(value: &Value) -> &Value {
    match value {
        Value::Dynamic(_, inner) => inner,
        other => other,
    }
}

/// Reads the environment like the NATS tools do; `lookup` is `std::env::var` outside tests.
pub struct Environment<'a> {
    pub lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl Environment<'_> {
    pub fn process() -> Environment<'static> {
        Environment {
            lookup: &|name| std::env::var(name).ok().filter(|v| !v.is_empty()),
        }
    }

    fn get(&self, name: &str) -> Option<String> {
        (self.lookup)(name)
    }
}

/// Everything the provider instance needs, resolved from block, environment and context.
pub struct Resolved {
    pub main: ConnectionSettings,
    pub system: Option<ConnectionSettings>,
    pub jetstream_domain: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("{0}")]
    Context(#[from] crate::nats::ContextError),
    #[error("cannot read the nkey seed file named by NATS_NKEY ({path}): {reason}")]
    SeedFile { path: String, reason: String },
    #[error("`servers` must be a list of URLs or one comma-separated string")]
    Servers,
}

impl ProviderConfig {
    pub fn resolve(self, env: &Environment<'_>) -> Result<Resolved, ResolveError> {
        let explicit = self.explicit_settings(env)?;
        let context_name = self.context.clone().or_else(|| env.get("NATS_CONTEXT"));
        let (main, context_domain) = match context_name {
            Some(name) => {
                let context = load_context(&name)?;
                let domain = context.jetstream_domain.clone();
                (explicit.merged_over(&context.connection), domain)
            }
            None => (explicit, None),
        };
        let system_creds_file = self
            .system_credentials
            .clone()
            .or_else(|| env.get("NATS_SYSTEM_CREDS"));
        let system = if system_creds_file.is_some() || self.system_credentials_data.is_some() {
            // Same servers and TLS, the system user's identity instead of the main one.
            Some(ConnectionSettings {
                user: None,
                password: None,
                token: None,
                nkey_seed: None,
                credentials_file: system_creds_file.map(PathBuf::from),
                credentials: self.system_credentials_data.clone().map(Secret::new),
                connection_name: main
                    .connection_name
                    .as_ref()
                    .map(|n| format!("{n} (system)")),
                ..main.clone()
            })
        } else {
            None
        };
        Ok(Resolved {
            main,
            system,
            jetstream_domain: self
                .jetstream_domain
                .or_else(|| env.get("NATS_JETSTREAM_DOMAIN"))
                .or(context_domain),
        })
    }

    fn explicit_settings(&self, env: &Environment<'_>) -> Result<ConnectionSettings, ResolveError> {
        let servers = match &self.servers {
            None | Some(serde_json::Value::Null) => env
                .get("NATS_URL")
                .map(|s| parse_servers(&s))
                .unwrap_or_default(),
            Some(serde_json::Value::String(list)) => parse_servers(list),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .map(str::to_string)
                        .ok_or(ResolveError::Servers)
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(ResolveError::Servers),
        };
        let tls = self.tls.first();
        let tls_value =
            |explicit: Option<&String>, var: &str| explicit.cloned().or_else(|| env.get(var));
        let credentials_data = self
            .credentials_data
            .clone()
            .or_else(|| self.credential_data.clone());
        // The block's own authentication choice replaces the environment's entirely,
        // so a leftover NATS_USER never conflicts with an explicit creds file.
        let explicit_auth = self.user.is_some()
            || self.token.is_some()
            || self.nkey_seed.is_some()
            || self.credentials.is_some()
            || credentials_data.is_some();
        let from_env = |var: &str| if explicit_auth { None } else { env.get(var) };
        let nkey_seed = match (
            &self.nkey_seed,
            from_env("NATS_NKEY_SEED"),
            from_env("NATS_NKEY"),
        ) {
            (Some(seed), _, _) => Some(seed.clone()),
            (None, Some(seed), _) => Some(seed),
            (None, None, Some(path)) => Some(read_seed_file(&path)?),
            (None, None, None) => None,
        };
        Ok(ConnectionSettings {
            servers,
            user: self.user.clone().or_else(|| from_env("NATS_USER")),
            password: self
                .password
                .clone()
                .or_else(|| from_env("NATS_PASSWORD"))
                .map(Secret::new),
            token: self
                .token
                .clone()
                .or_else(|| from_env("NATS_TOKEN"))
                .map(Secret::new),
            nkey_seed: nkey_seed.map(Secret::new),
            credentials_file: self
                .credentials
                .clone()
                .or_else(|| from_env("NATS_CREDS"))
                .map(PathBuf::from),
            credentials: credentials_data.map(Secret::new),
            ca_file: tls_value(tls.and_then(|t| t.ca_file.as_ref()), "NATS_CA").map(PathBuf::from),
            ca_pem: tls.and_then(|t| t.ca_pem.clone()),
            cert_file: tls_value(tls.and_then(|t| t.cert_file.as_ref()), "NATS_CERT")
                .map(PathBuf::from),
            cert_pem: tls.and_then(|t| t.cert_pem.clone()),
            key_file: tls_value(tls.and_then(|t| t.key_file.as_ref()), "NATS_KEY")
                .map(PathBuf::from),
            key_pem: tls.and_then(|t| t.key_pem.clone()).map(Secret::new),
            insecure_skip_verify: tls.and_then(|t| t.insecure_skip_verify),
            tls_first: tls.and_then(|t| t.handshake_first),
            timeout: self
                .timeout
                .or_else(|| env.get("NATS_TIMEOUT").and_then(|t| t.parse().ok()))
                .map(Duration::from_secs),
            connection_name: Some(
                self.connection_name
                    .clone()
                    .unwrap_or_else(|| "terraform-provider-nats".to_string()),
            ),
            inbox_prefix: None,
        })
    }
}

fn read_seed_file(path: &str) -> Result<String, ResolveError> {
    let text = std::fs::read_to_string(path).map_err(|e| ResolveError::SeedFile {
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    // Seed files may hold comments or the public key too; the seed is the S... line.
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with('S') && line.len() == 58)
        .map(str::to_string)
        .ok_or_else(|| ResolveError::SeedFile {
            path: path.to_string(),
            reason: "no nkey seed (a 58-character line starting with S) in it".into(),
        })
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
