//! natsforge's NATS client layer against a real nats-server: every way to
//! authenticate, the failures a user will meet (wrong password, nobody
//! listening, untrusted TLS), JetStream across domains and `$SYS` gathering.

use std::time::Duration;

use acceptance_tests::{NatsServer, NatsServerBuilder};
use natsforge::nats::jetstream::ErrorCode;
use natsforge::nats::system::{Jsz, Varz};
use natsforge::nats::{
    connect, server_info, ConnectError, ConnectOptions, ConnectionSettings, JetStreamApi,
    JetStreamError, Secret, SharedConnection, SystemApi, SystemError,
};

const QUIET: Duration = Duration::from_millis(300);

/// Accounts shared by the tests: `sys` in the system account, `app` (password)
/// and one nkey user in a JetStream-enabled account.
fn accounts(nkey_user: &str) -> String {
    format!(
        r#"
accounts {{
  SYS {{ users = [ {{ user: sys, password: syspw }} ] }}
  APP {{
    jetstream: enabled
    users = [ {{ user: app, password: apppw }}, {{ nkey: {nkey_user} }} ]
  }}
}}
system_account: SYS
"#
    )
}

fn hub(nkey_user: &str) -> NatsServer {
    NatsServerBuilder::new()
        .server_name("hub-1")
        .domain("hub")
        .extra(&accounts(nkey_user))
        .start()
        .unwrap()
}

fn settings(url: &str) -> ConnectionSettings {
    ConnectionSettings {
        servers: vec![url.to_owned()],
        timeout: Some(Duration::from_secs(5)),
        connection_name: Some("natsforge-test".to_owned()),
        ..Default::default()
    }
}

fn user(url: &str, name: &str, password: &str) -> ConnectOptions {
    ConnectionSettings {
        user: Some(name.to_owned()),
        password: Some(Secret::new(password)),
        ..settings(url)
    }
    .into_options()
    .unwrap()
}

fn unused_nkey() -> String {
    nkeys::KeyPair::new_user().public_key()
}

#[tokio::test]
async fn user_password_reaches_jetstream_in_its_domain() {
    let server = hub(&unused_nkey());
    let client = connect(&user(server.client_url(), "app", "apppw"))
        .await
        .unwrap();

    let info = server_info(&client);
    assert_eq!(info.server_name, "hub-1");
    assert_eq!(info.domain.as_deref(), Some("hub"));
    assert!(info.jetstream);

    let local = JetStreamApi::new(client.clone(), None);
    let account = local.account_info().await.unwrap();
    assert_eq!(account.domain.as_deref(), Some("hub"));
    assert_eq!(account.limits.max_streams, -1);
    assert_eq!(account.streams, 0);
    assert!(account.api.level >= 1);

    let by_domain = JetStreamApi::new(client.clone(), Some("hub".to_owned()));
    assert_eq!(by_domain.prefix(), "$JS.hub.API");
    let through_domain = by_domain.account_info().await.unwrap();
    assert_eq!(through_domain.domain.as_deref(), Some("hub"));

    let err = by_domain
        .request_empty::<serde_json::Value>("STREAM.INFO.missing")
        .await
        .unwrap_err();
    assert_eq!(err.err_code(), Some(ErrorCode::STREAM_NOT_FOUND));
    assert!(err.is_not_found());
    assert_eq!(err.to_string(), "stream not found (10059)");

    let elsewhere =
        JetStreamApi::new(client, Some("nowhere".to_owned())).with_timeout(Duration::from_secs(1));
    let err = elsewhere.account_info().await.unwrap_err();
    assert!(
        matches!(err.last_attempt(), JetStreamError::NoResponders { subject } if subject == "$JS.nowhere.API.INFO"),
        "{err}"
    );
    assert!(
        err.to_string().starts_with("nothing answers on $JS.nowhere.API.INFO: JetStream is not enabled for this account or server, or the JetStream domain is wrong (JetStream request $JS.nowhere.API.INFO: "),
        "{err}"
    );
}

#[tokio::test]
async fn wrong_password_is_an_authorization_violation_without_the_password() {
    let server = hub(&unused_nkey());
    let err = connect(&user(server.client_url(), "app", "not-the-password"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, ConnectError::AuthorizationViolation { .. }),
        "{err}"
    );
    let message = err.to_string();
    assert!(message.contains("user `app`"), "{message}");
    assert!(message.contains(server.client_url()), "{message}");
    assert!(!message.contains("not-the-password"), "{message}");
}

#[tokio::test]
async fn nkey_users_connect_and_unknown_nkeys_are_named() {
    let known = nkeys::KeyPair::new_user();
    let server = hub(&known.public_key());
    let with_seed = |seed: String| {
        ConnectionSettings {
            nkey_seed: Some(Secret::new(seed)),
            ..settings(server.client_url())
        }
        .into_options()
        .unwrap()
    };
    connect(&with_seed(known.seed().unwrap())).await.unwrap();

    let stranger = nkeys::KeyPair::new_user();
    let err = connect(&with_seed(stranger.seed().unwrap()))
        .await
        .unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains(&format!("nkey `{}`", stranger.public_key())),
        "{message}"
    );
    assert!(!message.contains(&stranger.seed().unwrap()), "{message}");
}

#[tokio::test]
async fn tokens_are_checked_and_never_printed() {
    let server = NatsServerBuilder::new()
        .extra("authorization { token: \"s3cr3t-token\" }")
        .start()
        .unwrap();
    let with_token = |token: &str| {
        ConnectionSettings {
            token: Some(Secret::new(token)),
            ..settings(server.client_url())
        }
        .into_options()
        .unwrap()
    };
    connect(&with_token("s3cr3t-token")).await.unwrap();
    let err = connect(&with_token("guessed-token")).await.unwrap_err();
    assert!(
        matches!(err, ConnectError::AuthorizationViolation { .. }),
        "{err}"
    );
    assert!(!err.to_string().contains("guessed-token"), "{err}");
}

#[tokio::test]
async fn nobody_listening_names_the_url() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let err = connect(&settings(&url).into_options().unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, ConnectError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains(&url), "{err}");
}

#[tokio::test]
async fn shared_connection_connects_lazily_and_retries_after_failure() {
    // A port we choose, so the server can appear there after the first failure.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let shared = SharedConnection::new(settings(&url).into_options().unwrap());
    assert!(!shared.is_connected());
    let err = shared.client().await.unwrap_err();
    assert!(matches!(err, ConnectError::Unreachable { .. }), "{err}");
    assert!(!shared.is_connected(), "a failure is not remembered");

    let _server = NatsServerBuilder::from_config(format!("listen: \"127.0.0.1:{port}\""))
        .start()
        .unwrap();
    let first = shared.clone().client().await.unwrap();
    assert!(shared.is_connected());
    let again = shared.client().await.unwrap();
    assert_eq!(server_info(&first).server_id, server_info(&again).server_id);
}

#[tokio::test]
async fn system_account_sees_varz_and_jsz_and_others_are_told_why_not() {
    let server = hub(&unused_nkey());
    let sys = SystemApi::new(
        connect(&user(server.client_url(), "sys", "syspw"))
            .await
            .unwrap(),
    );

    let varz = sys.varz_all(QUIET).await.unwrap();
    assert_eq!(varz.len(), 1);
    let reply = varz.into_iter().next().unwrap();
    assert_eq!(reply.server.name, "hub-1");
    assert_eq!(reply.server.domain.as_deref(), Some("hub"));
    let server_id = reply.server.id.clone();
    let data: Varz = reply.into_data("VARZ").unwrap();
    assert_eq!(data.server_name, "hub-1");
    assert!(data.connections >= 1);
    let js = data.jetstream.config.unwrap();
    assert_eq!(js.domain.as_deref(), Some("hub"));

    let jsz: Jsz = sys.jsz(&server_id).await.unwrap().into_data("JSZ").unwrap();
    assert!(!jsz.disabled);
    assert_eq!(jsz.config.domain.as_deref(), Some("hub"));

    let err = sys.varz("NOSUCHSERVER").await.unwrap_err();
    assert!(matches!(err, SystemError::NoResponders { .. }), "{err}");

    let app = SystemApi::new(
        connect(&user(server.client_url(), "app", "apppw"))
            .await
            .unwrap(),
    );
    let err = app.varz_all(QUIET).await.unwrap_err();
    assert!(matches!(err, SystemError::NoResponders { .. }), "{err}");
    assert!(err.to_string().contains("system account"), "{err}");
}

#[tokio::test]
async fn ping_gathers_the_reply_of_every_server_in_a_cluster() {
    let nkey = unused_nkey();
    let cluster = |name: &str, routes: &str| {
        format!(
            "server_name: {name}\nlisten: \"127.0.0.1:-1\"\nhttp: \"127.0.0.1:-1\"\n\
             cluster {{ name: c1, listen: \"127.0.0.1:-1\", routes: [{routes}] }}\n{}",
            accounts(&nkey)
        )
    };
    let first = NatsServerBuilder::from_config(cluster("c1-a", ""))
        .start()
        .unwrap();
    let route_port = first.monitor_json("/varz").unwrap()["cluster"]["cluster_port"]
        .as_u64()
        .unwrap();
    let _second = NatsServerBuilder::from_config(cluster(
        "c1-b",
        &format!("\"nats-route://127.0.0.1:{route_port}\""),
    ))
    .start()
    .unwrap();
    assert!(acceptance_tests::wait_until(
        Duration::from_secs(10),
        || { first.monitor_json("/varz").unwrap()["routes"].as_u64() >= Some(1) }
    ));

    let sys = SystemApi::new(
        connect(&user(first.client_url(), "sys", "syspw"))
            .await
            .unwrap(),
    );
    let replies = sys.varz_all(QUIET).await.unwrap();
    let mut names: Vec<_> = replies.iter().map(|r| r.server.name.clone()).collect();
    names.sort();
    assert_eq!(names, vec!["c1-a", "c1-b"]);
    assert!(replies
        .iter()
        .all(|r| r.server.cluster.as_deref() == Some("c1")));
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM
/// files in `dir`; returns (ca, cert, key) paths of the client side.
fn write_pki(dir: &std::path::Path) -> [std::path::PathBuf; 3] {
    use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    // Each CA gets its own name, as real ones do, so a stranger's CA is "unknown".
    let ca_name = format!(
        "natsforge test CA {}",
        nkeys::KeyPair::new_user().public_key()
    );
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, ca_name);
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let issue = |names: Vec<String>, stem: &str| {
        let key = KeyPair::generate().unwrap();
        let cert = CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        std::fs::write(dir.join(format!("{stem}.pem")), cert.pem()).unwrap();
        std::fs::write(dir.join(format!("{stem}-key.pem")), key.serialize_pem()).unwrap();
    };
    issue(vec!["127.0.0.1".into(), "localhost".into()], "server");
    issue(vec!["client".into()], "client");
    std::fs::write(dir.join("ca.pem"), ca.pem()).unwrap();
    [
        dir.join("ca.pem"),
        dir.join("client.pem"),
        dir.join("client-key.pem"),
    ]
}

#[tokio::test]
async fn tls_trust_and_client_certificates_are_checked_and_explained() {
    let pki = tempfile::tempdir().unwrap();
    let [ca, cert, key] = write_pki(pki.path());
    let dir = pki.path().display();
    // allow_non_tls keeps the harness's plain readiness probe working; every
    // client below asks for TLS, so the TLS path is what gets tested.
    let server = NatsServerBuilder::new()
        .extra(&format!(
            "tls {{ cert_file: \"{dir}/server.pem\", key_file: \"{dir}/server-key.pem\", \
             ca_file: \"{dir}/ca.pem\", verify: true }}\nallow_non_tls: true"
        ))
        .start()
        .unwrap();
    let tls = |tweak: &dyn Fn(&mut ConnectionSettings)| {
        let mut chosen = settings(server.client_url());
        tweak(&mut chosen);
        chosen.into_options().unwrap()
    };

    let trusted = tls(&|s| {
        s.ca_file = Some(ca.clone());
        s.cert_file = Some(cert.clone());
        s.key_file = Some(key.clone());
    });
    connect(&trusted).await.unwrap();

    let inline = tls(&|s| {
        s.ca_pem = Some(std::fs::read_to_string(&ca).unwrap());
        s.cert_pem = Some(std::fs::read_to_string(&cert).unwrap());
        s.key_pem = Some(Secret::new(std::fs::read_to_string(&key).unwrap()));
    });
    connect(&inline).await.unwrap();

    let skip_verify = tls(&|s| {
        s.insecure_skip_verify = Some(true);
        s.cert_file = Some(cert.clone());
        s.key_file = Some(key.clone());
    });
    connect(&skip_verify).await.unwrap();

    let other_ca = tempfile::tempdir().unwrap();
    let [stranger_ca, _, _] = write_pki(other_ca.path());
    let untrusted = tls(&|s| {
        s.ca_file = Some(stranger_ca.clone());
        s.cert_file = Some(cert.clone());
        s.key_file = Some(key.clone());
    });
    let err = connect(&untrusted).await.unwrap_err();
    assert!(matches!(err, ConnectError::Tls { .. }), "{err}");
    assert!(err.to_string().contains("`ca_file`"), "{err}");

    let no_client_cert = tls(&|s| s.ca_file = Some(ca.clone()));
    let err = connect(&no_client_cert).await.unwrap_err();
    assert!(matches!(err, ConnectError::Tls { .. }), "{err}");
    assert!(err.to_string().contains("client certificate"), "{err}");
    eprintln!("no client certificate: {err}");

    let missing_file = tls(&|s| s.ca_file = Some(pki.path().join("nope.pem")));
    let err = connect(&missing_file).await.unwrap_err();
    assert!(matches!(err, ConnectError::TlsSetup(_)), "{err}");
    assert!(err.to_string().contains("nope.pem"), "{err}");
}
