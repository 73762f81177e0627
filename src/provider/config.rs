//! The `provider "nats"` block: how natsforge reaches a NATS server. Every argument
//! can also come from the environment, as with the `nats` CLI, and from a `nats` CLI
//! context; explicit arguments win over the environment, which wins over the context.

use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::validators::int_at_least;
use crate::framework::value::{AttributePath, Type};
use crate::framework::{Field, Rule};
use crate::nats::{load_context, parse_servers, ConnectionSettings, Secret};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Duration;

pub fn schema() -> Schema {
    Schema::new(
        "Connects to one NATS server or cluster. Use one provider block per server you \
         manage (for example `alias = \"hub\"` and `alias = \"leaf\"`); each opens a single \
         connection on first use and shares it between all resources. An empty string \
         counts as left out for every argument, so modules can pass optional variables \
         that default to `\"\"`. The official `nats-io/jetstream` provider's names \
         (`credential_data`, `nkey`, `tls { ca_file_data, cert_file_data, key_file_data }`, \
         `user` without `password` as a token) work as they do there.",
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
            .description("The official `nats-io/jetstream` provider's name for `credentials_data`, accepted as a plain alias (no warning) so its configurations work unchanged; `credentials_data` is natsforge's spelling. Not together with `credentials_data`."),
    )
    .attribute(
        Attribute::string("nkey_seed")
            .optional()
            .sensitive()
            .description("An nkey user seed (`SU...`) to authenticate with (environment: `NATS_NKEY_SEED`, or `NATS_NKEY` naming a seed file)."),
    )
    .attribute(
        Attribute::string("nkey")
            .optional()
            .description("Path to a file holding an nkey user seed (`SU...`), read when the provider connects: the official provider's `nkey`. `nkey_seed` takes the seed itself."),
    )
    .attribute(
        Attribute::string("user")
            .optional()
            .sensitive()
            .description("User name for user/password authentication (environment: `NATS_USER`). Without a `password` it is sent as a token, as the official provider and `nats` CLI contexts do (which is why it is sensitive); `token` is the clearer spelling."),
    )
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
                .attribute(Attribute::string("ca_file_data").optional().description("The official provider's name for `ca_pem` (PEM text), accepted as an alias; not together with `ca_pem`."))
                .attribute(Attribute::string("cert_file").optional().description("Path to the client certificate (PEM) (environment: `NATS_CERT`)."))
                .attribute(Attribute::string("cert_pem").optional().description("Client certificate as PEM text."))
                .attribute(Attribute::string("cert_file_data").optional().description("The official provider's name for `cert_pem` (PEM text), accepted as an alias; not together with `cert_pem`."))
                .attribute(Attribute::string("key_file").optional().description("Path to the client key (PEM) (environment: `NATS_KEY`)."))
                .attribute(Attribute::string("key_pem").optional().sensitive().description("Client key as PEM text."))
                .attribute(Attribute::string("key_file_data").optional().sensitive().description("The official provider's name for `key_pem` (PEM text), accepted as an alias; not together with `key_pem`."))
                .attribute(Attribute::bool("insecure_skip_verify").optional().description("Do not verify the server certificate. For tests only."))
                .attribute(Attribute::bool("handshake_first").optional().description("Start TLS before the server's greeting (server option `handshake_first`).")),
        )
        .max_items(1),
    )
}

/// The provider block as written: null where left out, unknown while it depends on
/// values not known yet (connecting then waits; rules judge what is known).
#[derive(Debug, Default, Deserialize)]
pub struct ProviderConfig {
    pub servers: Field<Servers>,
    pub credentials: Field<String>,
    pub credentials_data: Field<String>,
    pub credential_data: Field<String>,
    pub nkey_seed: Field<String>,
    pub nkey: Field<String>,
    pub user: Field<String>,
    pub password: Field<String>,
    pub token: Field<String>,
    pub context: Field<String>,
    pub jetstream_domain: Field<String>,
    pub system_credentials: Field<String>,
    pub system_credentials_data: Field<String>,
    pub timeout: Field<u64>,
    pub connection_name: Field<String>,
    pub tls: Vec<TlsConfig>,
}

#[derive(Debug, Default, Deserialize)]
pub struct TlsConfig {
    pub ca_file: Field<String>,
    pub ca_pem: Field<String>,
    pub ca_file_data: Field<String>,
    pub cert_file: Field<String>,
    pub cert_pem: Field<String>,
    pub cert_file_data: Field<String>,
    pub key_file: Field<String>,
    pub key_pem: Field<String>,
    pub key_file_data: Field<String>,
    pub insecure_skip_verify: Field<bool>,
    pub handshake_first: Field<bool>,
}

/// `servers` as written: one comma-separated string (as in `NATS_URL`), or a list.
#[derive(Debug, Clone, PartialEq)]
pub enum Servers {
    Text(String),
    List(Vec<Field<String>>),
    /// Anything else, e.g. a number, or a list holding one: see `SERVERS_ARE_URLS`.
    Invalid,
}

impl<'de> Deserialize<'de> for Servers {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ServersVisitor)
    }
}

struct ServersVisitor;

impl<'de> serde::de::Visitor<'de> for ServersVisitor {
    type Value = Servers;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of URLs or one comma-separated string")
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Servers, E> {
        Ok(Servers::Text(text.to_string()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Servers, A::Error> {
        let mut urls = Vec::new();
        let mut invalid = false;
        while let Some(item) = seq.next_element::<Field<Servers>>()? {
            match item {
                Field::Known(Servers::Text(url)) => urls.push(Field::Known(url)),
                Field::Unknown => urls.push(Field::Unknown),
                Field::Null | Field::Known(_) => invalid = true,
            }
        }
        Ok(if invalid {
            Servers::Invalid
        } else {
            Servers::List(urls)
        })
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Servers, E> {
        Ok(Servers::Invalid)
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Servers, E> {
        Ok(Servers::Invalid)
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Servers, E> {
        Ok(Servers::Invalid)
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Servers, E> {
        Ok(Servers::Invalid)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> Result<Servers, A::Error> {
        Ok(Servers::Invalid)
    }
}

/// The ways to authenticate, in the order a conflict is reported.
const AUTH_METHODS: [&str; 7] = [
    "user",
    "token",
    "nkey_seed",
    "nkey",
    "credentials",
    "credentials_data",
    "credential_data",
];

/// Set, or will be (unknown counts): neither left out nor `""`, which modules pass for
/// "not given" and the official provider treats as such.
fn is_set(field: &Field<String>) -> bool {
    match field {
        Field::Null => false,
        Field::Unknown => true,
        Field::Known(text) => !text.is_empty(),
    }
}

impl ProviderConfig {
    /// The authentication arguments that are set (or will be: unknown counts).
    fn auth_methods_set(&self) -> Vec<&'static str> {
        let fields = [
            &self.user,
            &self.token,
            &self.nkey_seed,
            &self.nkey,
            &self.credentials,
            &self.credentials_data,
            &self.credential_data,
        ];
        AUTH_METHODS
            .iter()
            .zip(fields)
            .filter(|(_, field)| is_set(field))
            .map(|(name, _)| *name)
            .collect()
    }
}

pub const ONE_AUTH_METHOD: Rule<ProviderConfig> = Rule::new(
    "one way to authenticate",
    |config, out| {
        if let [first, second, ..] = config.auth_methods_set()[..] {
            out.attribute_error(
                &AttributePath::attr(second),
                "Conflicting authentication options",
                format!(
                    "`{first}` and `{second}` are both set: choose one way to authenticate (user/password, token, nkey_seed, or credentials)."
                ),
            );
        }
    },
);

pub const PASSWORD_NEEDS_USER: Rule<ProviderConfig> =
    Rule::new("a password comes with a user", |config, out| {
        if is_set(&config.password) && !is_set(&config.user) {
            out.attribute_error(
                &AttributePath::attr("password"),
                "Password without user",
                "`password` needs `user` as well.",
            );
        }
    });

pub const ONE_SYSTEM_CREDENTIALS: Rule<ProviderConfig> = Rule::new(
    "system credentials from one place",
    |config, out| {
        if is_set(&config.system_credentials) && is_set(&config.system_credentials_data) {
            out.attribute_error(
                &AttributePath::attr("system_credentials_data"),
                "Conflicting system credentials",
                "Give the system user's creds as a file (`system_credentials`) or inline (`system_credentials_data`), not both.",
            );
        }
    },
);

pub const SERVERS_ARE_URLS: Rule<ProviderConfig> =
    Rule::new("servers are URL strings", |config, out| {
        if config.servers == Field::Known(Servers::Invalid) {
            out.attribute_error(
                &AttributePath::attr("servers"),
                "Invalid servers",
                "`servers` must be a list of URL strings or one comma-separated string.",
            );
        }
    });

/// Both spellings of one `tls` PEM argument, natsforge's first.
type PemSpellings = fn(&TlsConfig) -> [&Field<String>; 2];

/// `tls` PEM arguments under natsforge's name and the official provider's: one of each.
const TLS_PEM_ALIASES: [(&str, &str, PemSpellings); 3] = [
    ("ca_pem", "ca_file_data", |t| [&t.ca_pem, &t.ca_file_data]),
    ("cert_pem", "cert_file_data", |t| {
        [&t.cert_pem, &t.cert_file_data]
    }),
    ("key_pem", "key_file_data", |t| {
        [&t.key_pem, &t.key_file_data]
    }),
];

pub const ONE_TLS_PEM_SPELLING: Rule<ProviderConfig> = Rule::new(
    "each TLS PEM under one name",
    |config, out| {
        let Some(tls) = config.tls.first() else {
            return;
        };
        for (ours, official, pick) in TLS_PEM_ALIASES {
            if pick(tls).iter().all(|field| is_set(field)) {
                out.attribute_error(
                    &AttributePath::attr("tls").index(0).child(official),
                    "Conflicting TLS settings",
                    format!("`{official}` is the official provider's name for `{ours}`: set one of them, not both."),
                );
            }
        }
    },
);

pub const RULES: &[Rule<ProviderConfig>] = &[
    ONE_AUTH_METHOD,
    PASSWORD_NEEDS_USER,
    ONE_SYSTEM_CREDENTIALS,
    SERVERS_ARE_URLS,
    ONE_TLS_PEM_SPELLING,
];

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
    #[error("cannot read the nkey seed file {path} named by {named_by}: {reason}")]
    SeedFile {
        named_by: &'static str,
        path: String,
        reason: String,
    },
    #[error("`servers` must be a list of URLs or one comma-separated string")]
    Servers,
    #[error("NATS_TIMEOUT is {value:?}, not a number of seconds: set it to a whole number of at least 1 (e.g. 5), or unset it for the default of 5 seconds")]
    Timeout { value: String },
}

impl ResolveError {
    /// The argument at fault, when one is.
    pub fn attribute(&self) -> Option<AttributePath> {
        match self {
            ResolveError::SeedFile {
                named_by: "nkey", ..
            } => Some(AttributePath::attr("nkey")),
            ResolveError::Servers => Some(AttributePath::attr("servers")),
            _ => None,
        }
    }
}

impl ProviderConfig {
    pub fn resolve(self, env: &Environment<'_>) -> Result<Resolved, ResolveError> {
        let explicit = self.explicit_settings(env)?;
        let context_name = given(&self.context).or_else(|| env.get("NATS_CONTEXT"));
        let (mut main, context_domain) = match context_name {
            Some(name) => {
                let context = load_context(&name)?;
                let domain = context.jetstream_domain.clone();
                (explicit.merged_over(&context.connection), domain)
            }
            None => (explicit, None),
        };
        // A user without a password is a token, for the official provider as for the
        // `nats` CLI's contexts.
        if main.password.is_none() && main.token.is_none() {
            if let Some(user) = main.user.take() {
                main.token = Some(Secret::new(user));
            }
        }
        let system_creds_file =
            given(&self.system_credentials).or_else(|| env.get("NATS_SYSTEM_CREDS"));
        let system_creds_data = given(&self.system_credentials_data);
        let system = if system_creds_file.is_some() || system_creds_data.is_some() {
            // Same servers and TLS, the system user's identity instead of the main one.
            Some(ConnectionSettings {
                user: None,
                password: None,
                token: None,
                nkey_seed: None,
                credentials_file: system_creds_file.map(PathBuf::from),
                credentials: system_creds_data.map(Secret::new),
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
            jetstream_domain: given(&self.jetstream_domain)
                .or_else(|| env.get("NATS_JETSTREAM_DOMAIN"))
                .or(context_domain),
        })
    }

    fn explicit_settings(&self, env: &Environment<'_>) -> Result<ConnectionSettings, ResolveError> {
        let servers = match &self.servers {
            Field::Null | Field::Unknown => env
                .get("NATS_URL")
                .map(|s| parse_servers(&s))
                .unwrap_or_default(),
            Field::Known(Servers::Text(list)) if list.trim().is_empty() => env
                .get("NATS_URL")
                .map(|s| parse_servers(&s))
                .unwrap_or_default(),
            Field::Known(Servers::Text(list)) => parse_servers(list),
            Field::Known(Servers::List(items)) => items
                .iter()
                .filter(|item| **item != Field::Known(String::new()))
                .map(|item| given(item).ok_or(ResolveError::Servers))
                .collect::<Result<_, _>>()?,
            Field::Known(Servers::Invalid) => return Err(ResolveError::Servers),
        };
        let tls = self.tls.first();
        let tls_text = |pick: fn(&TlsConfig) -> &Field<String>| tls.and_then(|t| given(pick(t)));
        let tls_value = |pick: fn(&TlsConfig) -> &Field<String>, var: &str| {
            tls_text(pick).or_else(|| env.get(var))
        };
        let tls_flag =
            |pick: fn(&TlsConfig) -> &Field<bool>| tls.and_then(|t| pick(t).known().copied());
        let tls_pem = |pick: PemSpellings| tls.and_then(|t| pick(t).into_iter().find_map(given));
        let credentials_data =
            given(&self.credentials_data).or_else(|| given(&self.credential_data));
        // The block's own authentication choice replaces the environment's entirely,
        // so a leftover NATS_USER never conflicts with an explicit creds file.
        let explicit_auth = !self.auth_methods_set().is_empty();
        let from_env = |var: &str| if explicit_auth { None } else { env.get(var) };
        let nkey_seed = match (
            given(&self.nkey_seed),
            given(&self.nkey),
            from_env("NATS_NKEY_SEED"),
            from_env("NATS_NKEY"),
        ) {
            (Some(seed), ..) => Some(seed),
            (None, Some(path), ..) => Some(read_seed_file(&path, "nkey")?),
            (None, None, Some(seed), _) => Some(seed),
            (None, None, None, Some(path)) => Some(read_seed_file(&path, "NATS_NKEY")?),
            (None, None, None, None) => None,
        };
        Ok(ConnectionSettings {
            servers,
            user: given(&self.user).or_else(|| from_env("NATS_USER")),
            password: given(&self.password)
                .or_else(|| from_env("NATS_PASSWORD"))
                .map(Secret::new),
            token: given(&self.token)
                .or_else(|| from_env("NATS_TOKEN"))
                .map(Secret::new),
            nkey_seed: nkey_seed.map(Secret::new),
            credentials_file: given(&self.credentials)
                .or_else(|| from_env("NATS_CREDS"))
                .map(PathBuf::from),
            credentials: credentials_data.map(Secret::new),
            ca_file: tls_value(|t| &t.ca_file, "NATS_CA").map(PathBuf::from),
            ca_pem: tls_pem(TLS_PEM_ALIASES[0].2),
            cert_file: tls_value(|t| &t.cert_file, "NATS_CERT").map(PathBuf::from),
            cert_pem: tls_pem(TLS_PEM_ALIASES[1].2),
            key_file: tls_value(|t| &t.key_file, "NATS_KEY").map(PathBuf::from),
            key_pem: tls_pem(TLS_PEM_ALIASES[2].2).map(Secret::new),
            insecure_skip_verify: tls_flag(|t| &t.insecure_skip_verify),
            tls_first: tls_flag(|t| &t.handshake_first),
            timeout: match self.timeout.known() {
                Some(seconds) => Some(*seconds),
                None => env_timeout(env)?,
            }
            .map(Duration::from_secs),
            connection_name: Some(
                given(&self.connection_name)
                    .unwrap_or_else(|| "terraform-provider-nats".to_string()),
            ),
            inbox_prefix: None,
        })
    }
}

/// A known string argument; `""` counts as left out.
fn given(field: &Field<String>) -> Option<String> {
    field.known().filter(|text| !text.is_empty()).cloned()
}

/// `NATS_TIMEOUT`, whole seconds as with the `timeout` argument.
fn env_timeout(env: &Environment<'_>) -> Result<Option<u64>, ResolveError> {
    let Some(text) = env.get("NATS_TIMEOUT") else {
        return Ok(None);
    };
    match text.trim().parse::<u64>() {
        Ok(seconds) if seconds >= 1 => Ok(Some(seconds)),
        _ => Err(ResolveError::Timeout { value: text }),
    }
}

/// The seed in the file at `path` (named by the `nkey` argument or `NATS_NKEY`); errors
/// name the file and why, never its content.
fn read_seed_file(path: &str, named_by: &'static str) -> Result<String, ResolveError> {
    let text = std::fs::read_to_string(path).map_err(|e| ResolveError::SeedFile {
        named_by,
        path: path.to_string(),
        reason: e.to_string(),
    })?;
    // Seed files may hold comments or the public key too; the seed is the S... line.
    text.lines()
        .map(str::trim)
        .find(|line| line.starts_with('S') && line.len() == 58)
        .map(str::to_string)
        .ok_or_else(|| ResolveError::SeedFile {
            named_by,
            path: path.to_string(),
            reason: "no nkey seed (a 58-character line starting with S) in it".into(),
        })
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
