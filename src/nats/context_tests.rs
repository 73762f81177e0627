use super::*;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "natsforge-context-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn parse_with_env(text: &str, vars: &[(&str, &str)]) -> Result<ContextSettings, ContextError> {
    let vars: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let lookup = move |name: &str| vars.get(name).cloned();
    let env = Environment {
        home: Some(PathBuf::from("/home/tester")),
        var: &lookup,
    };
    parse_context("test", Path::new("/ctx/test.json"), text, &env)
}

#[test]
fn context_dir_prefers_xdg_config_home() {
    assert_eq!(
        context_dir_from(Some("/xdg".into()), Some("/home/u".into())).unwrap(),
        PathBuf::from("/xdg/nats/context")
    );
    assert_eq!(
        context_dir_from(Some("".into()), Some("/home/u".into())).unwrap(),
        PathBuf::from("/home/u/.config/nats/context")
    );
    assert!(matches!(
        context_dir_from(None, None),
        Err(ContextError::NoConfigDir)
    ));
}

#[test]
fn a_cli_written_context_is_read_from_its_directory() {
    let dir = TempDir::new();
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    let seed_file = dir.0.join("user.nk");
    std::fs::write(&seed_file, format!("{seed}\n")).unwrap();
    let context = serde_json::json!({
        "description": "hub admin",
        "url": "nats://a:4222, nats://b:4222",
        "socks_proxy": "",
        "token": "",
        "user": "",
        "password": "",
        "creds": "",
        "nkey": seed_file,
        "cert": "",
        "key": "",
        "ca": "/etc/nats/ca.pem",
        "nsc": "",
        "jetstream_domain": "hub",
        "jetstream_api_prefix": "",
        "jetstream_event_prefix": "",
        "inbox_prefix": "_INBOX_admin",
        "user_jwt": "",
        "color_scheme": "",
        "tls_first": true
    });
    std::fs::write(dir.0.join("hub.json"), context.to_string()).unwrap();

    let loaded = load_context_from(&dir.0, "hub").unwrap();
    assert_eq!(loaded.name, "hub");
    assert_eq!(loaded.description.as_deref(), Some("hub admin"));
    assert_eq!(loaded.jetstream_domain.as_deref(), Some("hub"));
    assert_eq!(loaded.jetstream_api_prefix, None);
    let connection = &loaded.connection;
    assert_eq!(connection.servers, vec!["nats://a:4222", "nats://b:4222"]);
    assert_eq!(connection.nkey_seed, Some(Secret::new(seed)));
    assert_eq!(connection.user, None, "empty strings mean unset");
    assert_eq!(connection.ca_file, Some(PathBuf::from("/etc/nats/ca.pem")));
    assert_eq!(connection.inbox_prefix.as_deref(), Some("_INBOX_admin"));
    assert_eq!(connection.tls_first, Some(true));
    assert!(connection.clone().into_options().is_ok());
}

#[test]
fn missing_context_names_the_file() {
    let dir = TempDir::new();
    let err = load_context_from(&dir.0, "nope").unwrap_err().to_string();
    assert!(err.starts_with("nats context `nope` not found:"), "{err}");
    assert!(err.contains("nope.json"), "{err}");
}

#[test]
fn path_like_names_are_refused() {
    let dir = TempDir::new();
    for name in ["", "../etc/passwd", "a/b"] {
        assert!(matches!(
            load_context_from(&dir.0, name),
            Err(ContextError::InvalidName { .. })
        ));
    }
}

#[test]
fn a_wrongly_typed_secret_is_reported_without_its_value() {
    let err = parse_with_env(r#"{"password": 987654321}"#, &[])
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "nats context /ctx/test.json: field `password` must be a string"
    );
}

#[test]
fn broken_json_is_a_parse_error() {
    let err = parse_with_env(r#"{"password": "x""#, &[]).unwrap_err();
    assert!(matches!(err, ContextError::Parse { .. }), "{err}");
}

#[test]
fn user_and_password_come_through_and_env_references_resolve() {
    let loaded = parse_with_env(
        r#"{"user": "admin", "password": "env://ADMIN_PW"}"#,
        &[("ADMIN_PW", "pw-from-env")],
    )
    .unwrap();
    assert_eq!(loaded.connection.user.as_deref(), Some("admin"));
    assert_eq!(loaded.connection.password, Some(Secret::new("pw-from-env")));

    let err = parse_with_env(r#"{"token": "env://UNSET_VAR"}"#, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("`UNSET_VAR` is not set"), "{err}");
}

#[test]
fn paths_expand_home_and_variables() {
    let loaded = parse_with_env(
        r#"{"creds": "~/creds/app.creds", "cert": "${CERTS}/client.pem", "key": "$CERTS/client-key.pem"}"#,
        &[("CERTS", "/certs")],
    )
    .unwrap();
    let connection = loaded.connection;
    assert_eq!(
        connection.credentials_file,
        Some(PathBuf::from("/home/tester/creds/app.creds"))
    );
    assert_eq!(
        connection.cert_file,
        Some(PathBuf::from("/certs/client.pem"))
    );
    assert_eq!(
        connection.key_file,
        Some(PathBuf::from("/certs/client-key.pem"))
    );
}

#[test]
fn creds_from_env_become_inline_credentials() {
    let loaded = parse_with_env(
        r#"{"creds": "env://APP_CREDS"}"#,
        &[("APP_CREDS", "CREDS TEXT")],
    )
    .unwrap();
    assert_eq!(
        loaded.connection.credentials,
        Some(Secret::new("CREDS TEXT"))
    );
    assert_eq!(loaded.connection.credentials_file, None);
}

#[test]
fn user_jwt_with_nkey_becomes_a_creds_text() {
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    let loaded = parse_with_env(
        r#"{"user_jwt": "eyJhbGciOi.payload.sig", "nkey": "env://SEED"}"#,
        &[("SEED", &seed)],
    )
    .unwrap();
    let creds = loaded.connection.credentials.unwrap();
    assert!(creds
        .expose()
        .contains("BEGIN NATS USER JWT-----\neyJhbGciOi.payload.sig\n"));
    assert!(creds.expose().contains(&seed));
    assert_eq!(loaded.connection.nkey_seed, None);

    let err = parse_with_env(r#"{"user_jwt": "eyJ"}"#, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("`user_jwt`: needs `nkey`"), "{err}");
}

#[test]
fn programs_we_cannot_run_are_refused_clearly() {
    let err = parse_with_env(r#"{"nsc": "nsc://op/acc/user"}"#, &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("nsc lookups are not supported"), "{err}");
    let err = parse_with_env(r#"{"password": "op://vault/nats/pw"}"#, &[])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`op://` references are not supported"),
        "{err}"
    );
}

#[test]
fn a_seed_file_without_a_seed_is_reported() {
    let dir = TempDir::new();
    let seed_file = dir.0.join("empty.nk");
    std::fs::write(&seed_file, "-----BEGIN USER NKEY SEED-----\n").unwrap();
    let text = serde_json::json!({ "nkey": seed_file }).to_string();
    let err = parse_with_env(&text, &[]).unwrap_err().to_string();
    assert!(err.contains("holds no nkey seed"), "{err}");
}
