//! Operator mode against a real nats-server: the JWTs and creds that natsforge's
//! `nats::jwt` writes must be what the server understands: users connect with them,
//! the system account sees `$SYS`, the account's JetStream limits apply, and a user
//! signed by the wrong key is refused.

use std::path::Path;
use std::time::Duration;

use acceptance_tests::{NatsServer, NatsServerBuilder, OperatorSetup, APP_ACCOUNT};
use futures::StreamExt;
use natsforge::nats::jwt::{self, format_user_creds, Claims, User};
use natsforge::nats::{
    connect, ConnectError, ConnectOptions, ConnectionSettings, JetStreamApi, Secret, SystemApi,
};
use nkeys::KeyPair;

const QUIET: Duration = Duration::from_millis(300);

fn start(setup: &OperatorSetup) -> NatsServer {
    NatsServerBuilder::new()
        .server_name("op-1")
        .jetstream()
        .extra(&setup.config_fragment())
        .start()
        .unwrap()
}

fn with_creds(url: &str, creds: &Path) -> ConnectOptions {
    ConnectionSettings {
        servers: vec![url.to_owned()],
        credentials_file: Some(creds.to_owned()),
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
    .into_options()
    .unwrap()
}

#[tokio::test]
async fn app_user_publishes_and_receives() {
    let setup = OperatorSetup::new().unwrap();
    let server = start(&setup);
    let client = connect(&with_creds(server.client_url(), setup.app_creds_path()))
        .await
        .unwrap();

    let mut inbox = client.subscribe("greetings.>").await.unwrap();
    client.flush().await.unwrap();
    client
        .publish("greetings.world", "hello".into())
        .await
        .unwrap();
    let message = tokio::time::timeout(Duration::from_secs(5), inbox.next())
        .await
        .expect("no message within 5s")
        .expect("subscription closed");
    assert_eq!(message.subject.as_str(), "greetings.world");
    assert_eq!(&message.payload[..], b"hello");
}

#[tokio::test]
async fn system_user_reaches_sys_and_app_has_jetstream() {
    let setup = OperatorSetup::new().unwrap();
    let server = start(&setup);

    let sys = connect(&with_creds(server.client_url(), setup.system_creds_path()))
        .await
        .unwrap();
    let varz = SystemApi::new(sys).varz_all(QUIET).await.unwrap();
    assert_eq!(varz.len(), 1, "one server answers the ping");
    assert_eq!(varz[0].server.name, "op-1");

    let app = connect(&with_creds(server.client_url(), setup.app_creds_path()))
        .await
        .unwrap();
    let info = JetStreamApi::new(app, None).account_info().await.unwrap();
    assert_eq!(info.limits.max_memory, -1);
    assert_eq!(info.limits.max_storage, -1);
    assert_eq!(info.limits.max_streams, -1);
}

#[tokio::test]
async fn user_signed_by_another_account_key_is_refused() {
    let setup = OperatorSetup::new().unwrap();
    let server = start(&setup);
    let stranger = KeyPair::new_account();

    // Unknown to the operator outright, and posing as APP without being its signing key.
    let bodies = [
        User::default(),
        User {
            issuer_account: setup.account_public_key(APP_ACCOUNT),
            ..Default::default()
        },
    ];
    for (index, body) in bodies.into_iter().enumerate() {
        let user = KeyPair::new_user();
        let token =
            jwt::encode(&Claims::new(user.public_key(), "mallory", body), &stranger).unwrap();
        let creds = format_user_creds(&token, &Secret::new(user.seed().unwrap())).unwrap();
        let path = setup.dir().join(format!("mallory-{index}.creds"));
        std::fs::write(&path, creds.expose()).unwrap();

        let err = connect(&with_creds(server.client_url(), &path))
            .await
            .unwrap_err();
        assert!(
            matches!(err, ConnectError::AuthorizationViolation { .. }),
            "case {index}: {err}"
        );
    }

    // The setup's own path for extra users works, so the refusal above is about the key.
    let extra = setup
        .write_user_creds(APP_ACCOUNT, "extra", User::default())
        .unwrap();
    connect(&with_creds(server.client_url(), &extra))
        .await
        .unwrap();
}

#[tokio::test]
async fn full_resolver_fragment_starts_a_server_that_knows_both_accounts() {
    let setup = OperatorSetup::new().unwrap();
    let server = NatsServerBuilder::new()
        .jetstream()
        .extra(&setup.config_fragment_full_resolver("{{dir}}/jwt"))
        .start()
        .unwrap();
    let app = connect(&with_creds(server.client_url(), setup.app_creds_path()))
        .await
        .unwrap();
    JetStreamApi::new(app, None).account_info().await.unwrap();
    let stored = server
        .dir()
        .join("jwt")
        .join(format!("{}.jwt", setup.account_public_key(APP_ACCOUNT)));
    assert_eq!(
        std::fs::read_to_string(&stored).unwrap(),
        setup.account_jwt(APP_ACCOUNT)
    );
}
