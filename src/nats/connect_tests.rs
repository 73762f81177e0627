use super::*;
use crate::nats::options::ConnectionSettings;
use crate::nats::secret::Secret;

fn options_for(servers: &[&str], auth: Auth) -> ConnectOptions {
    ConnectOptions {
        servers: servers.iter().map(|s| s.to_string()).collect(),
        auth,
        timeout: Duration::from_secs(2),
        ..Default::default()
    }
}

/// A local port nobody listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn authorization_violation_names_the_user_but_not_the_password() {
    let options = options_for(
        &["nats://127.0.0.1:4222"],
        Auth::UserPassword {
            user: "app".into(),
            password: Secret::new("hunter2"),
        },
    );
    let err = async_nats::ConnectError::with_source(
        ConnectErrorKind::AuthorizationViolation,
        async_nats::ServerError::AuthorizationViolation,
    );
    let message = describe_failure(err, &options).to_string();
    assert_eq!(
        message,
        "NATS at nats://127.0.0.1:4222 refused user `app` with the given password: authorization violation"
    );
    assert!(!message.contains("hunter2"));
}

#[test]
fn refused_tcp_connection_is_unreachable() {
    let options = options_for(&["nats://a:1", "nats://b:2"], Auth::None);
    let err = async_nats::ConnectError::from(std::io::Error::new(
        std::io::ErrorKind::ConnectionRefused,
        "Connection refused (os error 111)",
    ));
    let mapped = describe_failure(err, &options);
    assert_eq!(
        mapped.to_string(),
        "cannot reach NATS at nats://a:1, nats://b:2: Connection refused (os error 111)"
    );
    let cause = std::error::Error::source(&mapped)
        .and_then(|source| source.downcast_ref::<async_nats::ConnectError>())
        .map(|source| source.kind());
    assert_eq!(cause, Some(ConnectErrorKind::Io), "the cause is kept");
}

#[test]
fn rustls_errors_behind_io_errors_are_tls_failures_with_a_hint() {
    let options = options_for(&["tls://h:4222"], Auth::None);
    let rustls_err = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
    let err = async_nats::ConnectError::from(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        rustls_err,
    ));
    let mapped = describe_failure(err, &options);
    assert!(matches!(mapped, ConnectError::Tls { .. }));
    let message = mapped.to_string();
    assert!(
        message.starts_with("TLS with NATS at tls://h:4222 failed: invalid peer certificate"),
        "{message}"
    );
    assert!(message.contains("set `ca_file` or `ca_pem`"), "{message}");
}

#[test]
fn tls_to_a_plain_port_says_so() {
    let options = options_for(&["nats://h:4222"], Auth::None);
    let rustls_err = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
    let err = async_nats::ConnectError::from(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        rustls_err,
    ));
    let message = describe_failure(err, &options).to_string();
    assert!(
        message.ends_with("does not seem to speak TLS on this port"),
        "{message}"
    );
}

#[test]
fn other_server_errors_are_quoted() {
    let options = options_for(&["nats://h:4222"], Auth::None);
    let err = async_nats::ConnectError::with_source(
        ConnectErrorKind::Io,
        async_nats::ServerError::Other("maximum connections exceeded".into()),
    );
    assert_eq!(
        describe_failure(err, &options).to_string(),
        "NATS at nats://h:4222 refused the connection: maximum connections exceeded"
    );
}

#[test]
fn timeouts_say_how_long() {
    let options = options_for(&["nats://h:4222"], Auth::None);
    let err = async_nats::ConnectError::new(ConnectErrorKind::TimedOut);
    assert_eq!(
        describe_failure(err, &options).to_string(),
        "timed out after 2s connecting to NATS at nats://h:4222"
    );
}

#[test]
fn urls_with_passwords_are_redacted_in_failures() {
    let options = options_for(&["nats://u:hunter2@h:4222"], Auth::None);
    let err = async_nats::ConnectError::new(ConnectErrorKind::TimedOut);
    let message = describe_failure(err, &options).to_string();
    assert!(!message.contains("hunter2"), "{message}");
}

#[test]
fn nkey_auth_is_described_by_its_public_key() {
    let pair = nkeys::KeyPair::new_user();
    let auth = Auth::NkeySeed(Secret::new(pair.seed().unwrap()));
    assert_eq!(
        describe_auth(&auth),
        format!("nkey `{}`", pair.public_key())
    );
}

#[tokio::test]
async fn nobody_listening_is_reported_as_unreachable() {
    let url = format!("nats://127.0.0.1:{}", closed_port());
    let err = connect(&options_for(&[&url], Auth::None))
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
}

#[tokio::test]
async fn a_missing_creds_file_is_named() {
    let options = options_for(
        &["nats://127.0.0.1:4222"],
        Auth::CredentialsFile("/nonexistent/app.creds".into()),
    );
    let err = connect(&options).await.unwrap_err().to_string();
    assert_eq!(
        err,
        "credentials file `/nonexistent/app.creds` is not usable: the file does not exist"
    );
}

#[tokio::test]
async fn text_that_is_not_a_creds_file_is_refused() {
    let options = options_for(
        &["nats://127.0.0.1:4222"],
        Auth::CredentialsData(Secret::new("just some secret words")),
    );
    let err = connect(&options).await.unwrap_err().to_string();
    assert!(
        err.starts_with("inline `credentials` is not usable:"),
        "{err}"
    );
    assert!(!err.contains("secret words"), "{err}");
}

#[tokio::test]
async fn a_bad_nkey_seed_is_refused_before_connecting() {
    let options = options_for(
        &["nats://127.0.0.1:4222"],
        Auth::NkeySeed(Secret::new("SUNOTAREALSEED")),
    );
    let err = connect(&options).await.unwrap_err();
    assert!(matches!(err, ConnectError::NkeySeed { .. }), "{err}");
    assert!(!err.to_string().contains("NOTAREAL"), "{err}");
}

#[tokio::test]
async fn shared_connection_reports_each_failed_attempt() {
    let url = format!("nats://127.0.0.1:{}", closed_port());
    let options = ConnectionSettings {
        servers: vec![url],
        timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    }
    .into_options()
    .unwrap();
    let shared = SharedConnection::new(options);
    let err = shared.client().await.unwrap_err();
    assert!(matches!(err, ConnectError::Unreachable { .. }), "{err}");
    assert!(!shared.is_connected());
    let clone = shared.clone();
    let again = clone.client().await.unwrap_err();
    assert!(
        matches!(again, ConnectError::Unreachable { .. }),
        "the failure is not cached as success: {again}"
    );
}

#[tokio::test]
async fn a_server_that_never_says_hello_times_out() {
    // The kernel completes the TCP handshake for the backlog; nobody ever
    // sends INFO, so only the connection timeout can end the attempt.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("nats://{}", silent.local_addr().unwrap());
    let mut options = options_for(&[&url], Auth::None);
    options.timeout = Duration::from_millis(300);
    let err = connect(&options).await.unwrap_err();
    assert!(matches!(err, ConnectError::TimedOut { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        format!("timed out after 300ms connecting to NATS at {url}")
    );
}
