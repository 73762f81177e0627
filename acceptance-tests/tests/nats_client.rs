//! natsforge's NATS client layer against a real nats-server: every way to
//! authenticate, the failures a user will meet (wrong password, nobody
//! listening, untrusted TLS), JetStream across domains and `$SYS` gathering.
//! Only where a real server cannot be made to misbehave (malformed replies,
//! lost replies) does a fake on loopback stand in for it.

use std::time::Duration;

use acceptance_tests::{write_test_pki, FakeServer, NatsServer, NatsServerBuilder, TestPki};
use natsforge::nats::jetstream::{ErrorCode, StreamConfig};
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
    assert!(
        matches!(&err, SystemError::NoResponders { subject } if subject == "$SYS.REQ.SERVER.NOSUCHSERVER.VARZ"),
        "{err}"
    );

    let app = SystemApi::new(
        connect(&user(server.client_url(), "app", "apppw"))
            .await
            .unwrap(),
    );
    let err = app.varz_all(QUIET).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "nothing answers on $SYS.REQ.SERVER.PING.VARZ: is this connection a user of the system account?"
    );
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

#[tokio::test]
async fn tls_trust_and_client_certificates_are_checked_and_explained() {
    let pki = tempfile::tempdir().unwrap();
    let TestPki {
        ca,
        client_cert: cert,
        client_key: key,
        ..
    } = write_test_pki(pki.path());
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
    let stranger_ca = write_test_pki(other_ca.path()).ca;
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

/// The JetStream API of `fake`, with `budget` for each call.
async fn fake_api(fake: &FakeServer, budget: Duration) -> JetStreamApi {
    let client = connect(&settings(fake.url()).into_options().unwrap())
        .await
        .unwrap();
    JetStreamApi::new(client, None).with_timeout(budget)
}

const TEN_MB: usize = 10 << 20;

fn api_error(code: u16, err_code: u64, description: &str) -> Vec<u8> {
    format!(r#"{{"type":"io.nats.jetstream.api.v1.stream_info_response","error":{{"code":{code},"err_code":{err_code},"description":"{description}"}}}}"#)
        .into_bytes()
}

/// What a reply to `STREAM.INFO.<name>` looks like when it is broken.
fn malformed(name: &str) -> Vec<u8> {
    match name {
        "TRUNCATED" => {
            br#"{"type":"io.nats.jetstream.api.v1.stream_info_response","config":{"name":"TRUNC"#
                .to_vec()
        }
        "WRONG_TYPES" => {
            br#"{"config":{"name":7,"subjects":"a.>"},"created":1,"state":[]}"#.to_vec()
        }
        "BAD_ERROR" => br#"{"error":{"code":"503","err_code":-1,"description":5}}"#.to_vec(),
        "EMPTY" => Vec::new(),
        "BINARY" => vec![0xff, 0xfe, 0x00, 0x7b],
        "NESTED_10MB" => vec![b'['; TEN_MB],
        "STRING_10MB" => {
            let mut reply = br#"{"config":""#.to_vec();
            reply.resize(reply.len() + TEN_MB, b'x');
            reply.extend_from_slice(br#""}"#);
            reply
        }
        _ => api_error(404, 10059, "stream not found"),
    }
}

#[tokio::test]
async fn malformed_jetstream_replies_are_decode_errors_naming_the_request() {
    let fake = FakeServer::start(|subject, _| {
        Some(match subject.strip_prefix("$JS.API.STREAM.INFO.") {
            Some(name) => malformed(name),
            None if subject == "$JS.API.STREAM.LIST" => {
                br#"{"total":3,"offset":0,"limit":256,"streams":[{"config":{"name":"S"}}]}"#
                    .to_vec()
            }
            None if subject == "$JS.API.STREAM.NAMES" => {
                br#"{"total":1000000,"offset":0,"limit":1024,"streams":null}"#.to_vec()
            }
            None => br#"{"type":"io.nats.jetstream.api.v1.account_info_response","memory":"lots"}"#
                .to_vec(),
        })
    })
    .await
    .unwrap();
    let js = fake_api(&fake, Duration::from_secs(5)).await;
    let broken = [
        "TRUNCATED",
        "WRONG_TYPES",
        "BAD_ERROR",
        "EMPTY",
        "BINARY",
        "NESTED_10MB",
        "STRING_10MB",
    ];
    for name in broken {
        let err = js.stream_info(name).await.unwrap_err();
        let expected_subject = format!("$JS.API.STREAM.INFO.{name}");
        assert!(
            matches!(&err, JetStreamError::Decode { subject, .. } if *subject == expected_subject),
            "{name}: {err}"
        );
        let message = err.to_string();
        assert!(
            message.starts_with(&format!("unexpected reply from {expected_subject}: ")),
            "{name}: {message:.300}"
        );
        assert!(
            message.len() < 1000,
            "{name}: the reply is not echoed: {message:.300}"
        );
    }

    let err = js.list_streams(None).await.unwrap_err();
    assert!(
        matches!(&err, JetStreamError::Decode { subject, .. } if subject == "$JS.API.STREAM.LIST"),
        "{err}"
    );
    let err = js.account_info().await.unwrap_err();
    assert!(
        matches!(&err, JetStreamError::Decode { subject, .. } if subject == "$JS.API.INFO"),
        "{err}"
    );
    // A total that never arrives ends at the first empty page.
    assert_eq!(js.stream_names(None).await.unwrap(), Vec::<String>::new());
    // The connection survived all of it.
    assert!(js.stream_info("OTHER").await.unwrap().is_none());
    // Each was asked once: a malformed reply is not retried.
    let mut asked: Vec<String> = broken
        .iter()
        .map(|name| format!("$JS.API.STREAM.INFO.{name}"))
        .collect();
    asked.extend(
        ["STREAM.LIST", "INFO", "STREAM.NAMES", "STREAM.INFO.OTHER"]
            .map(|s| format!("$JS.API.{s}")),
    );
    assert_eq!(fake.requests(), asked);
}

#[tokio::test]
async fn an_election_that_never_ends_is_retried_until_the_budget_and_named() {
    let fake = FakeServer::start(|_, _| {
        Some(api_error(
            503,
            10008,
            "JetStream system temporarily unavailable",
        ))
    })
    .await
    .unwrap();
    let js = fake_api(&fake, Duration::from_secs(2)).await;
    let started = std::time::Instant::now();
    let err = js.stream_info("ORDERS").await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    let attempts = fake.requests().len();
    assert!(attempts >= 3, "{attempts}");
    assert_eq!(err.err_code(), Some(ErrorCode::CLUSTER_NOT_AVAILABLE));
    assert_eq!(
        err.to_string(),
        format!(
            "JetStream system temporarily unavailable (10008) (JetStream request $JS.API.STREAM.INFO.ORDERS: {attempts} attempts within the 2s timeout; retried after: JetStream system temporarily unavailable (10008) (x{}))",
            attempts - 1
        )
    );
}

/// `STREAM.INFO` as the server would answer it for `config`, with defaults
/// and metadata of its own added.
fn info_of(config: &StreamConfig) -> Vec<u8> {
    let mut config = serde_json::to_value(config).unwrap();
    config["duplicate_window"] = 120_000_000_000u64.into();
    config["metadata"] = serde_json::json!({"_nats.ver": "2.15.1", "_nats.level": "5"});
    serde_json::to_vec(&serde_json::json!({
        "type": "io.nats.jetstream.api.v1.stream_info_response",
        "config": config,
        "created": "2026-12-03T17:00:00Z",
        "state": {"messages": 0, "bytes": 0, "first_seq": 0, "last_seq": 0, "consumer_count": 0},
    }))
    .unwrap()
}

#[tokio::test]
async fn a_create_that_timed_out_recognises_the_stream_it_made() {
    let wanted = StreamConfig {
        subjects: vec!["made.>".into()],
        ..StreamConfig::named("MADE")
    };
    let someone_elses = StreamConfig {
        subjects: vec!["other.>".into()],
        ..StreamConfig::named("TAKEN")
    };
    let (made, taken) = (info_of(&wanted), info_of(&someone_elses));
    let fake = FakeServer::start(move |subject, attempt| match (subject, attempt) {
        // The first create is carried out, but its reply is lost.
        (_, 0) if subject.starts_with("$JS.API.STREAM.CREATE.") => None,
        (_, _) if subject.starts_with("$JS.API.STREAM.CREATE.") => Some(api_error(
            400,
            10058,
            "stream name already in use with a different configuration",
        )),
        ("$JS.API.STREAM.INFO.MADE", _) => Some(made.clone()),
        ("$JS.API.STREAM.DELETE.GONE", 0) => None,
        (_, _) if subject.starts_with("$JS.API.STREAM.DELETE.") => {
            Some(api_error(404, 10059, "stream not found"))
        }
        _ => Some(taken.clone()),
    })
    .await
    .unwrap();
    let js = fake_api(&fake, Duration::from_secs(2)).await;

    let info = js.create_stream(&wanted).await.unwrap();
    assert_eq!(info.config.subjects, ["made.>"]);
    assert_eq!(
        fake.requests(),
        [
            "$JS.API.STREAM.CREATE.MADE",
            "$JS.API.STREAM.CREATE.MADE",
            "$JS.API.STREAM.INFO.MADE"
        ]
    );

    assert!(
        js.delete_stream("GONE").await.unwrap(),
        "not found after a lost reply: the first attempt deleted it"
    );
    assert!(
        !js.delete_stream("NEVER").await.unwrap(),
        "not found at once: it was gone already"
    );

    let other = StreamConfig {
        subjects: vec!["mine.>".into()],
        ..StreamConfig::named("TAKEN")
    };
    let err = js.create_stream(&other).await.unwrap_err();
    assert_eq!(err.err_code(), Some(ErrorCode::STREAM_NAME_IN_USE));
    assert_eq!(
        err.to_string(),
        "stream name already in use with a different configuration (10058) (JetStream request $JS.API.STREAM.CREATE.TAKEN: 2 attempts within the 2s timeout; retried after: no reply within 1s (x1))"
    );
}
