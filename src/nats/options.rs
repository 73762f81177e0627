//! How to reach NATS: the settings a user writes (each optional, possibly in
//! conflict, possibly partly from a `nats` CLI context) and the validated
//! [`ConnectOptions`] that [`super::connect`] turns into a client.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use super::secret::Secret;

/// Where the `nats` CLI and every NATS client look when nothing is configured.
pub const DEFAULT_SERVER: &str = "nats://127.0.0.1:4222";

/// How long one connection attempt may take when the user does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// Settings exactly as written, before validation. Every field is optional
/// because they can come from two places (explicit configuration and a `nats`
/// context) and several of them exclude each other.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConnectionSettings {
    /// Server URLs; empty means "not set".
    pub servers: Vec<String>,
    pub user: Option<String>,
    pub password: Option<Secret>,
    pub token: Option<Secret>,
    pub nkey_seed: Option<Secret>,
    pub credentials_file: Option<PathBuf>,
    /// Content of a creds file given inline.
    pub credentials: Option<Secret>,
    pub ca_file: Option<PathBuf>,
    pub ca_pem: Option<String>,
    pub cert_file: Option<PathBuf>,
    pub cert_pem: Option<String>,
    pub key_file: Option<PathBuf>,
    pub key_pem: Option<Secret>,
    pub insecure_skip_verify: Option<bool>,
    /// Start TLS before the server's INFO (server option `handshake_first`).
    pub tls_first: Option<bool>,
    pub timeout: Option<Duration>,
    pub connection_name: Option<String>,
    pub inbox_prefix: Option<String>,
}

/// How the client proves who it is. One method per connection: the server
/// would otherwise pick one and silently ignore the rest.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Auth {
    #[default]
    None,
    CredentialsFile(PathBuf),
    CredentialsData(Secret),
    NkeySeed(Secret),
    UserPassword {
        user: String,
        password: Secret,
    },
    Token(Secret),
}

/// TLS material. A PEM field and its `_file` twin exclude each other.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TlsOptions {
    pub ca_file: Option<PathBuf>,
    pub ca_pem: Option<String>,
    pub cert_file: Option<PathBuf>,
    pub cert_pem: Option<String>,
    pub key_file: Option<PathBuf>,
    pub key_pem: Option<Secret>,
    pub insecure_skip_verify: bool,
    pub tls_first: bool,
}

/// Everything needed to open a connection, already checked for conflicts.
#[derive(Clone, Debug, PartialEq)]
pub struct ConnectOptions {
    pub servers: Vec<String>,
    pub auth: Auth,
    pub tls: TlsOptions,
    pub timeout: Duration,
    pub connection_name: Option<String>,
    pub inbox_prefix: Option<String>,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            servers: vec![DEFAULT_SERVER.to_owned()],
            auth: Auth::None,
            tls: TlsOptions::default(),
            timeout: DEFAULT_TIMEOUT,
            connection_name: None,
            inbox_prefix: None,
        }
    }
}

/// A configuration mistake, named by the option the user wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    #[error("`{first}` and `{second}` cannot be used together: choose one way to authenticate")]
    ConflictingAuth {
        first: &'static str,
        second: &'static str,
    },
    #[error("`{inline}` and `{file}` cannot be used together: give the PEM inline or as a file, not both")]
    InlineAndFile {
        inline: &'static str,
        file: &'static str,
    },
    #[error("`{given}` needs `{missing}` as well")]
    Incomplete {
        given: &'static str,
        missing: &'static str,
    },
    #[error("server URL `{url}` is not valid: {reason}")]
    InvalidServerUrl { url: String, reason: String },
    #[error("`timeout` must be greater than zero")]
    ZeroTimeout,
}

/// Splits a comma-separated server list (the form `NATS_URL` and the `nats`
/// CLI use) into URLs, dropping blanks.
pub fn parse_servers(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|url| !url.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A server URL fit for error messages: any `user:password@` is dropped.
pub fn redact_url(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            match authority.rsplit_once('@') {
                Some((_, host)) => format!("{scheme}://<redacted>@{host}{path}"),
                None => url.to_owned(),
            }
        }
        None => match url.rsplit_once('@') {
            Some((_, host)) => format!("<redacted>@{host}"),
            None => url.to_owned(),
        },
    }
}

impl ConnectionSettings {
    /// Fills what `self` leaves unset from `base` (typically a `nats` context).
    ///
    /// Related settings move as a group so that a half-explicit, half-context
    /// mix never produces a conflict the user did not write: any explicit
    /// authentication setting replaces all of the context's, an explicit CA
    /// replaces the context's CA, an explicit client certificate or key replaces
    /// the context's pair.
    pub fn merged_over(self, base: &ConnectionSettings) -> ConnectionSettings {
        let explicit_auth = self.user.is_some()
            || self.password.is_some()
            || self.token.is_some()
            || self.nkey_seed.is_some()
            || self.credentials_file.is_some()
            || self.credentials.is_some();
        let explicit_ca = self.ca_file.is_some() || self.ca_pem.is_some();
        let explicit_client_cert = self.cert_file.is_some()
            || self.cert_pem.is_some()
            || self.key_file.is_some()
            || self.key_pem.is_some();
        let mut merged = self;
        if merged.servers.is_empty() {
            merged.servers = base.servers.clone();
        }
        if !explicit_auth {
            merged.user = base.user.clone();
            merged.password = base.password.clone();
            merged.token = base.token.clone();
            merged.nkey_seed = base.nkey_seed.clone();
            merged.credentials_file = base.credentials_file.clone();
            merged.credentials = base.credentials.clone();
        }
        if !explicit_ca {
            merged.ca_file = base.ca_file.clone();
            merged.ca_pem = base.ca_pem.clone();
        }
        if !explicit_client_cert {
            merged.cert_file = base.cert_file.clone();
            merged.cert_pem = base.cert_pem.clone();
            merged.key_file = base.key_file.clone();
            merged.key_pem = base.key_pem.clone();
        }
        merged.insecure_skip_verify = merged.insecure_skip_verify.or(base.insecure_skip_verify);
        merged.tls_first = merged.tls_first.or(base.tls_first);
        merged.timeout = merged.timeout.or(base.timeout);
        merged.connection_name = merged
            .connection_name
            .or_else(|| base.connection_name.clone());
        merged.inbox_prefix = merged.inbox_prefix.or_else(|| base.inbox_prefix.clone());
        merged
    }

    /// Checks for conflicts and produces options ready to connect with.
    pub fn into_options(self) -> Result<ConnectOptions, SettingsError> {
        let auth = self.auth()?;
        let options = ConnectOptions {
            servers: if self.servers.is_empty() {
                vec![DEFAULT_SERVER.to_owned()]
            } else {
                self.servers
            },
            auth,
            tls: TlsOptions {
                ca_file: self.ca_file,
                ca_pem: self.ca_pem,
                cert_file: self.cert_file,
                cert_pem: self.cert_pem,
                key_file: self.key_file,
                key_pem: self.key_pem,
                insecure_skip_verify: self.insecure_skip_verify.unwrap_or(false),
                tls_first: self.tls_first.unwrap_or(false),
            },
            timeout: self.timeout.unwrap_or(DEFAULT_TIMEOUT),
            connection_name: self.connection_name,
            inbox_prefix: self.inbox_prefix,
        };
        options.validate()?;
        Ok(options)
    }

    fn auth(&self) -> Result<Auth, SettingsError> {
        let methods: [(&'static str, bool); 5] = [
            ("user", self.user.is_some()),
            ("token", self.token.is_some()),
            ("nkey_seed", self.nkey_seed.is_some()),
            ("credentials_file", self.credentials_file.is_some()),
            ("credentials", self.credentials.is_some()),
        ];
        let mut chosen = methods
            .iter()
            .filter(|(_, set)| *set)
            .map(|(name, _)| *name);
        if let (Some(first), Some(second)) = (chosen.next(), chosen.next()) {
            return Err(SettingsError::ConflictingAuth { first, second });
        }
        if self.password.is_some() && self.user.is_none() {
            return Err(SettingsError::Incomplete {
                given: "password",
                missing: "user",
            });
        }
        Ok(if let Some(user) = &self.user {
            Auth::UserPassword {
                user: user.clone(),
                password: self.password.clone().unwrap_or_default(),
            }
        } else if let Some(token) = &self.token {
            Auth::Token(token.clone())
        } else if let Some(seed) = &self.nkey_seed {
            Auth::NkeySeed(seed.clone())
        } else if let Some(path) = &self.credentials_file {
            Auth::CredentialsFile(path.clone())
        } else if let Some(creds) = &self.credentials {
            Auth::CredentialsData(creds.clone())
        } else {
            Auth::None
        })
    }
}

impl ConnectOptions {
    /// Checks what the types cannot: usable URLs, one source per PEM, a key
    /// for every client certificate. [`super::connect`] calls it too.
    pub fn validate(&self) -> Result<(), SettingsError> {
        for url in &self.servers {
            validate_server_url(url)?;
        }
        if self.timeout.is_zero() {
            return Err(SettingsError::ZeroTimeout);
        }
        let tls = &self.tls;
        let pairs = [
            (
                "ca_pem",
                tls.ca_pem.is_some(),
                "ca_file",
                tls.ca_file.is_some(),
            ),
            (
                "cert_pem",
                tls.cert_pem.is_some(),
                "cert_file",
                tls.cert_file.is_some(),
            ),
            (
                "key_pem",
                tls.key_pem.is_some(),
                "key_file",
                tls.key_file.is_some(),
            ),
        ];
        for (inline, has_inline, file, has_file) in pairs {
            if has_inline && has_file {
                return Err(SettingsError::InlineAndFile { inline, file });
            }
        }
        let has_cert = tls.cert_pem.is_some() || tls.cert_file.is_some();
        let has_key = tls.key_pem.is_some() || tls.key_file.is_some();
        match (has_cert, has_key) {
            (true, false) => Err(SettingsError::Incomplete {
                given: if tls.cert_pem.is_some() {
                    "cert_pem"
                } else {
                    "cert_file"
                },
                missing: "key_file` or `key_pem",
            }),
            (false, true) => Err(SettingsError::Incomplete {
                given: if tls.key_pem.is_some() {
                    "key_pem"
                } else {
                    "key_file"
                },
                missing: "cert_file` or `cert_pem",
            }),
            _ => Ok(()),
        }
    }

    /// The server list as it may appear in messages (credentials removed).
    pub fn servers_for_display(&self) -> String {
        self.servers
            .iter()
            .map(|url| redact_url(url))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn validate_server_url(url: &str) -> Result<(), SettingsError> {
    let invalid = |reason: String| SettingsError::InvalidServerUrl {
        url: redact_url(url),
        reason,
    };
    let addr = async_nats::ServerAddr::from_str(url).map_err(|err| invalid(err.to_string()))?;
    if addr.is_websocket() {
        return Err(invalid(
            "WebSocket URLs (ws://, wss://) are not supported; use nats:// or tls://".to_owned(),
        ));
    }
    if addr.host().is_empty() {
        return Err(invalid("no host".to_owned()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comma_separated_servers_are_split_and_trimmed() {
        assert_eq!(
            parse_servers(" nats://a:4222, tls://b:4443 ,,c "),
            vec!["nats://a:4222", "tls://b:4443", "c"]
        );
        assert!(parse_servers(" , ").is_empty());
    }

    #[test]
    fn no_servers_means_the_default_server() {
        let options = ConnectionSettings::default().into_options().unwrap();
        assert_eq!(options.servers, vec![DEFAULT_SERVER]);
        assert_eq!(options.auth, Auth::None);
        assert_eq!(options.timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn two_authentication_methods_are_refused_by_name() {
        let settings = ConnectionSettings {
            user: Some("app".into()),
            nkey_seed: Some(Secret::new("SUAXXX")),
            ..Default::default()
        };
        let err = settings.into_options().unwrap_err();
        assert_eq!(
            err,
            SettingsError::ConflictingAuth {
                first: "user",
                second: "nkey_seed"
            }
        );
        assert!(err.to_string().contains("`user` and `nkey_seed`"));

        let settings = ConnectionSettings {
            credentials_file: Some("/x.creds".into()),
            token: Some(Secret::new("t")),
            ..Default::default()
        };
        let err = settings.into_options().unwrap_err().to_string();
        assert!(err.contains("`token` and `credentials_file`"), "{err}");
    }

    #[test]
    fn password_without_user_is_incomplete() {
        let settings = ConnectionSettings {
            password: Some(Secret::new("pw")),
            ..Default::default()
        };
        assert_eq!(
            settings.into_options().unwrap_err().to_string(),
            "`password` needs `user` as well"
        );
    }

    #[test]
    fn each_method_maps_to_its_auth() {
        let user = ConnectionSettings {
            user: Some("app".into()),
            password: Some(Secret::new("pw")),
            ..Default::default()
        };
        assert_eq!(
            user.into_options().unwrap().auth,
            Auth::UserPassword {
                user: "app".into(),
                password: Secret::new("pw")
            }
        );
        let creds = ConnectionSettings {
            credentials_file: Some("/a.creds".into()),
            ..Default::default()
        };
        assert_eq!(
            creds.into_options().unwrap().auth,
            Auth::CredentialsFile("/a.creds".into())
        );
    }

    #[test]
    fn pem_inline_and_as_file_is_refused() {
        let settings = ConnectionSettings {
            ca_file: Some("/ca.pem".into()),
            ca_pem: Some("-----BEGIN CERTIFICATE-----".into()),
            ..Default::default()
        };
        assert_eq!(
            settings.into_options().unwrap_err(),
            SettingsError::InlineAndFile {
                inline: "ca_pem",
                file: "ca_file"
            }
        );
    }

    #[test]
    fn certificate_without_key_is_refused() {
        let settings = ConnectionSettings {
            cert_file: Some("/cert.pem".into()),
            ..Default::default()
        };
        let err = settings.into_options().unwrap_err().to_string();
        assert_eq!(err, "`cert_file` needs `key_file` or `key_pem` as well");

        let settings = ConnectionSettings {
            key_pem: Some(Secret::new("-----BEGIN PRIVATE KEY-----")),
            ..Default::default()
        };
        let err = settings.into_options().unwrap_err().to_string();
        assert_eq!(err, "`key_pem` needs `cert_file` or `cert_pem` as well");
    }

    #[test]
    fn bad_urls_are_named_without_their_password() {
        let settings = ConnectionSettings {
            servers: vec!["http://u:hunter2@host:4222".into()],
            ..Default::default()
        };
        let err = settings.into_options().unwrap_err().to_string();
        assert!(err.contains("http://<redacted>@host:4222"), "{err}");
        assert!(!err.contains("hunter2"));

        let settings = ConnectionSettings {
            servers: vec!["ws://host:8080".into()],
            ..Default::default()
        };
        assert!(matches!(
            settings.into_options(),
            Err(SettingsError::InvalidServerUrl { url, .. }) if url == "ws://host:8080"
        ));
    }

    #[test]
    fn redact_url_keeps_host_and_path() {
        assert_eq!(redact_url("nats://a:b@h:1/p"), "nats://<redacted>@h:1/p");
        assert_eq!(redact_url("tok@h:4222"), "<redacted>@h:4222");
        assert_eq!(redact_url("nats://h:4222"), "nats://h:4222");
    }

    #[test]
    fn explicit_settings_win_over_the_context_group_by_group() {
        let context = ConnectionSettings {
            servers: vec!["nats://ctx:4222".into()],
            user: Some("ctx-user".into()),
            password: Some(Secret::new("ctx-pw")),
            ca_file: Some("/ctx-ca.pem".into()),
            cert_file: Some("/ctx-cert.pem".into()),
            key_file: Some("/ctx-key.pem".into()),
            inbox_prefix: Some("_CTX".into()),
            ..Default::default()
        };
        let explicit = ConnectionSettings {
            token: Some(Secret::new("tok")),
            ca_pem: Some("PEM".into()),
            ..Default::default()
        };
        let merged = explicit.merged_over(&context);
        assert_eq!(merged.servers, vec!["nats://ctx:4222"]);
        assert_eq!(
            merged.user, None,
            "explicit token replaces the context's user"
        );
        assert_eq!(merged.password, None);
        assert_eq!(merged.token, Some(Secret::new("tok")));
        assert_eq!(
            merged.ca_file, None,
            "explicit ca_pem replaces the context's CA"
        );
        assert_eq!(merged.cert_file, Some("/ctx-cert.pem".into()));
        assert_eq!(merged.inbox_prefix.as_deref(), Some("_CTX"));
        let options = merged.into_options().unwrap();
        assert_eq!(options.auth, Auth::Token(Secret::new("tok")));

        let nothing_explicit = ConnectionSettings::default().merged_over(&context);
        assert_eq!(nothing_explicit.user.as_deref(), Some("ctx-user"));
    }
}
