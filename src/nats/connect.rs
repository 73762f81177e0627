//! Opening a NATS connection from [`ConnectOptions`], and telling the user in
//! plain words why it failed.

use std::error::Error as StdError;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_nats::{Client, ConnectErrorKind, ServerAddr};
use tokio::sync::OnceCell;

use super::options::{redact_url, Auth, ConnectOptions, SettingsError};
use super::tls::{self, TlsSetupError};

/// Why no connection could be opened. Every message names the server(s) and
/// the setting involved, and none carries a secret.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    InvalidSettings(#[from] SettingsError),
    /// A credentials file that cannot be read, or credentials text that
    /// does not parse (async-nats reports both as I/O errors).
    #[error("{origin} is not usable: {}", describe_io(.source))]
    Credentials {
        origin: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{origin} is not usable: the server's challenge could not be signed with it")]
    ChallengeNotSigned {
        origin: String,
        #[source]
        source: async_nats::ConnectError,
    },
    #[error("`nkey_seed` is not a valid nkey seed: {source}")]
    NkeySeed {
        #[source]
        source: nkeys::error::Error,
    },
    #[error(transparent)]
    TlsSetup(#[from] TlsSetupError),
    /// `detail` says what the innermost cause said, in the user's terms.
    #[error("cannot reach NATS at {servers}: {detail}")]
    Unreachable {
        servers: String,
        detail: String,
        #[source]
        source: async_nats::ConnectError,
    },
    #[error("timed out after {timeout:?} connecting to NATS at {servers}")]
    TimedOut { servers: String, timeout: Duration },
    #[error("NATS at {servers} refused {method}: authorization violation")]
    AuthorizationViolation { servers: String, method: String },
    /// The server's own `-ERR` text.
    #[error("NATS at {servers} refused the connection: {message}")]
    Rejected { servers: String, message: String },
    /// `detail` is the TLS failure with a hint at the setting to look at.
    #[error("TLS with NATS at {servers} failed: {detail}")]
    Tls {
        servers: String,
        detail: String,
        #[source]
        source: async_nats::ConnectError,
    },
    #[error("connecting to NATS at {servers} failed: {detail}")]
    Other {
        servers: String,
        detail: String,
        #[source]
        source: async_nats::ConnectError,
    },
}

fn describe_io(err: &std::io::Error) -> String {
    match err.kind() {
        std::io::ErrorKind::NotFound => "the file does not exist".to_owned(),
        _ => err.to_string(),
    }
}

/// Opens a client. The first attempt is not retried, so a wrong URL or
/// password is reported at once; once connected, the client reconnects forever.
pub async fn connect(options: &ConnectOptions) -> Result<Client, ConnectError> {
    options.validate()?;
    tls::install_crypto_provider();
    let mut nats = async_nats::ConnectOptions::new()
        .connection_timeout(options.timeout)
        .max_reconnects(None);
    if let Some(name) = &options.connection_name {
        nats = nats.name(name);
    }
    if let Some(prefix) = &options.inbox_prefix {
        nats = nats.custom_inbox_prefix(prefix);
    }
    nats = with_auth(nats, &options.auth).await?;
    if let Some(config) = tls::client_config(&options.tls)? {
        nats = nats.tls_client_config(config).require_tls(true);
    }
    if options.tls.tls_first {
        nats = nats.tls_first();
    }
    let mut addrs = Vec::with_capacity(options.servers.len());
    for url in &options.servers {
        let addr = ServerAddr::from_str(url).map_err(|err| SettingsError::InvalidServerUrl {
            url: redact_url(url),
            reason: err.to_string(),
        })?;
        addrs.push(addr);
    }
    nats.connect(addrs)
        .await
        .map_err(|err| describe_failure(err, options))
}

async fn with_auth(
    nats: async_nats::ConnectOptions,
    auth: &Auth,
) -> Result<async_nats::ConnectOptions, ConnectError> {
    Ok(match auth {
        Auth::None => nats,
        Auth::UserPassword { user, password } => {
            nats.user_and_password(user.clone(), password.expose().to_owned())
        }
        Auth::Token(token) => nats.token(token.expose().to_owned()),
        Auth::NkeySeed(seed) => {
            // async-nats only finds out at handshake time, with no reason given.
            nkeys::KeyPair::from_seed(seed.expose().trim())
                .map_err(|source| ConnectError::NkeySeed { source })?;
            nats.nkey(seed.expose().trim().to_owned())
        }
        Auth::CredentialsFile(path) => {
            let origin = format!("credentials file `{}`", path.display());
            let text = tokio::fs::read_to_string(path).await.map_err(|source| {
                ConnectError::Credentials {
                    origin: origin.clone(),
                    source,
                }
            })?;
            with_creds_text(nats, &text, origin)?
        }
        Auth::CredentialsData(text) => {
            with_creds_text(nats, text.expose(), "inline `credentials`".to_owned())?
        }
    })
}

fn with_creds_text(
    nats: async_nats::ConnectOptions,
    text: &str,
    origin: String,
) -> Result<async_nats::ConnectOptions, ConnectError> {
    // async-nats' parse errors say which block is wrong and never quote it.
    nats.credentials(text)
        .map_err(|source| ConnectError::Credentials { origin, source })
}

/// Turns async-nats' error kinds (and the io/rustls/server errors behind them)
/// into something a user can act on, keeping the error as the source.
fn describe_failure(err: async_nats::ConnectError, options: &ConnectOptions) -> ConnectError {
    let servers = options.servers_for_display();
    let causes = causes(&err);
    if let Some(tls_err) = causes
        .iter()
        .find_map(|e| e.downcast_ref::<rustls::Error>())
    {
        let detail = explain_tls(tls_err);
        return ConnectError::Tls {
            servers,
            detail,
            source: err,
        };
    }
    let innermost = causes
        .last()
        .filter(|_| causes.len() > 1)
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.kind().to_string());
    let server_refusal = causes
        .iter()
        .find_map(|e| e.downcast_ref::<async_nats::ServerError>())
        .map(|server_err| {
            server_err
                .to_string()
                .trim_start_matches("nats: ")
                .to_owned()
        });
    match err.kind() {
        ConnectErrorKind::AuthorizationViolation => ConnectError::AuthorizationViolation {
            servers,
            method: describe_auth(&options.auth),
        },
        ConnectErrorKind::Authentication => ConnectError::ChallengeNotSigned {
            origin: describe_auth(&options.auth),
            source: err,
        },
        ConnectErrorKind::TimedOut => ConnectError::TimedOut {
            servers,
            timeout: options.timeout,
        },
        ConnectErrorKind::Tls => ConnectError::Tls {
            servers,
            detail: innermost,
            source: err,
        },
        ConnectErrorKind::Dns => ConnectError::Unreachable {
            servers,
            detail: format!("cannot resolve the host name: {innermost}"),
            source: err,
        },
        ConnectErrorKind::Io => match server_refusal {
            Some(message) => ConnectError::Rejected { servers, message },
            None => ConnectError::Unreachable {
                servers,
                detail: innermost,
                source: err,
            },
        },
        ConnectErrorKind::MaxReconnects => ConnectError::Unreachable {
            servers,
            detail: innermost,
            source: err,
        },
        ConnectErrorKind::ServerParse => ConnectError::Other {
            servers,
            detail: innermost,
            source: err,
        },
    }
}

/// The error and everything behind it, looking inside `io::Error`s (whose own
/// `source()` skips the error they wrap).
fn causes<'a>(err: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut chain = Vec::new();
    let mut next = Some(err);
    while let Some(current) = next {
        chain.push(current);
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
    }
    chain
}

fn explain_tls(err: &rustls::Error) -> String {
    use rustls::{AlertDescription, CertificateError};
    let hint = match err {
        rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer | CertificateError::BadSignature,
        ) => "; the server's certificate is not signed by a trusted CA: set `ca_file` or `ca_pem`",
        rustls::Error::InvalidCertificate(CertificateError::NotValidForName)
        | rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. }) => {
            "; the server's certificate does not name the host in the server URL"
        }
        rustls::Error::InvalidCertificate(CertificateError::Expired)
        | rustls::Error::InvalidCertificate(CertificateError::ExpiredContext { .. }) => {
            "; the server's certificate has expired"
        }
        rustls::Error::AlertReceived(
            AlertDescription::CertificateRequired | AlertDescription::HandshakeFailure,
        ) => "; the server may require a client certificate: set `cert_file`/`key_file`",
        rustls::Error::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::UnknownCA
            | AlertDescription::CertificateUnknown,
        ) => "; the server did not accept the client certificate",
        rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType) => {
            "; the server does not seem to speak TLS on this port"
        }
        _ => "",
    };
    format!("{err}{hint}")
}

/// The authentication method, as a user would recognise it (no secrets).
fn describe_auth(auth: &Auth) -> String {
    match auth {
        Auth::None => "a connection without credentials".to_owned(),
        Auth::UserPassword { user, .. } => format!("user `{user}` with the given password"),
        Auth::Token(_) => "the given token".to_owned(),
        Auth::NkeySeed(seed) => match nkeys::KeyPair::from_seed(seed.expose().trim()) {
            Ok(pair) => format!("nkey `{}`", pair.public_key()),
            Err(_) => "the given nkey".to_owned(),
        },
        Auth::CredentialsFile(path) => format!("credentials file `{}`", path.display()),
        Auth::CredentialsData(_) => "inline `credentials`".to_owned(),
    }
}

/// One lazily opened client per provider instance, cheap to clone.
///
/// Nothing connects until the first [`SharedConnection::client`] call, so a
/// configuration that is never used never needs a reachable server. A failed
/// attempt is not remembered: the next call tries again.
#[derive(Clone, Debug)]
pub struct SharedConnection {
    inner: Arc<SharedInner>,
}

#[derive(Debug)]
struct SharedInner {
    options: ConnectOptions,
    client: OnceCell<Client>,
}

impl SharedConnection {
    pub fn new(options: ConnectOptions) -> Self {
        SharedConnection {
            inner: Arc::new(SharedInner {
                options,
                client: OnceCell::new(),
            }),
        }
    }

    pub fn options(&self) -> &ConnectOptions {
        &self.inner.options
    }

    /// The client, connecting first if no attempt has succeeded yet.
    pub async fn client(&self) -> Result<Client, ConnectError> {
        self.inner
            .client
            .get_or_try_init(|| connect(&self.inner.options))
            .await
            .cloned()
    }

    /// Whether a connection has been opened already.
    pub fn is_connected(&self) -> bool {
        self.inner.client.initialized()
    }
}

#[cfg(test)]
#[path = "connect_tests.rs"]
mod tests;
