use super::*;
use crate::nats::Auth;
use std::collections::{BTreeMap, HashMap};

fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name| vars.get(name).cloned()
}

fn resolve(config: ProviderConfig, vars: &[(&str, &str)]) -> Resolved {
    let lookup = env(vars);
    config
        .resolve(&Environment { lookup: &lookup })
        .expect("resolves")
}

fn block(pairs: &[(&str, Value)]) -> Value {
    let mut attrs: BTreeMap<String, Value> = schema()
        .block
        .attributes
        .iter()
        .map(|a| (a.name.clone(), Value::Null))
        .collect();
    for (k, v) in pairs {
        attrs.insert(k.to_string(), v.clone());
    }
    Value::Object(attrs)
}

#[test]
fn servers_accept_a_list_or_a_comma_separated_string() {
    let from_string = resolve(
        ProviderConfig {
            servers: Some(serde_json::json!("nats://a:4222, nats://b:4222")),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(
        from_string.main.servers,
        vec!["nats://a:4222", "nats://b:4222"]
    );
    let from_list = resolve(
        ProviderConfig {
            servers: Some(serde_json::json!(["nats://c:4222"])),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(from_list.main.servers, vec!["nats://c:4222"]);
}

#[test]
fn environment_fills_what_the_block_leaves_out() {
    let resolved = resolve(
        ProviderConfig::default(),
        &[
            ("NATS_URL", "nats://env:4222"),
            ("NATS_USER", "alice"),
            ("NATS_PASSWORD", "s3cret"),
            ("NATS_JETSTREAM_DOMAIN", "hub"),
            ("NATS_TIMEOUT", "9"),
        ],
    );
    assert_eq!(resolved.main.servers, vec!["nats://env:4222"]);
    assert_eq!(resolved.main.user.as_deref(), Some("alice"));
    assert_eq!(resolved.jetstream_domain.as_deref(), Some("hub"));
    assert_eq!(resolved.main.timeout, Some(Duration::from_secs(9)));
    let options = resolved.main.into_options().unwrap();
    assert!(matches!(options.auth, Auth::UserPassword { .. }));
}

#[test]
fn explicit_authentication_replaces_the_environments() {
    let resolved = resolve(
        ProviderConfig {
            token: Some("tok".into()),
            ..Default::default()
        },
        &[("NATS_USER", "alice"), ("NATS_PASSWORD", "pw")],
    );
    let options = resolved.main.into_options().unwrap();
    assert!(matches!(options.auth, Auth::Token(_)));
}

#[test]
fn system_credentials_reuse_servers_with_their_own_identity() {
    let resolved = resolve(
        ProviderConfig {
            servers: Some(serde_json::json!("nats://hub:4222")),
            user: Some("admin".into()),
            password: Some("pw".into()),
            system_credentials: Some("/creds/sys.creds".into()),
            ..Default::default()
        },
        &[],
    );
    let system = resolved.system.expect("system settings");
    assert_eq!(system.servers, vec!["nats://hub:4222"]);
    assert_eq!(system.user, None);
    assert_eq!(
        system.credentials_file,
        Some(PathBuf::from("/creds/sys.creds"))
    );
}

#[test]
fn official_provider_spelling_is_accepted() {
    let resolved = resolve(
        ProviderConfig {
            credential_data: Some("-----BEGIN NATS USER JWT-----".into()),
            ..Default::default()
        },
        &[],
    );
    assert!(resolved.main.credentials.is_some());
}

#[test]
fn nats_nkey_names_a_seed_file() {
    let dir = std::env::temp_dir().join(format!("natsforge-seed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("user.nk");
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    std::fs::write(&path, format!("{seed}\n")).unwrap();
    let resolved = resolve(
        ProviderConfig::default(),
        &[("NATS_NKEY", path.to_str().unwrap())],
    );
    assert_eq!(
        resolved.main.nkey_seed.map(|s| s.expose().to_string()),
        Some(seed)
    );
    let missing = ProviderConfig::default().resolve(&Environment {
        lookup: &env(&[("NATS_NKEY", "/nonexistent/seed")]),
    });
    assert!(matches!(missing, Err(ResolveError::SeedFile { .. })));
}

#[test]
fn conflicting_authentication_is_reported_at_the_attribute() {
    let mut diagnostics = Diagnostics::new();
    validate(
        &block(&[
            ("user", Value::string("alice")),
            ("nkey_seed", Value::string("SU...")),
        ]),
        &mut diagnostics,
    );
    let found: Vec<_> = diagnostics.iter().collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].path, Some(AttributePath::attr("nkey_seed")));
    assert!(found[0].detail.contains("`user` and `nkey_seed`"));
}

#[test]
fn password_needs_user_and_servers_need_strings() {
    let mut diagnostics = Diagnostics::new();
    validate(
        &block(&[
            ("password", Value::string("pw")),
            ("servers", Value::Tuple(vec![Value::from(1)])),
        ]),
        &mut diagnostics,
    );
    let paths: Vec<_> = diagnostics.iter().filter_map(|d| d.path.clone()).collect();
    assert!(paths.contains(&AttributePath::attr("password")));
    assert!(paths.contains(&AttributePath::attr("servers")));
}

#[test]
fn unknown_values_are_not_judged_yet() {
    let mut diagnostics = Diagnostics::new();
    validate(
        &block(&[("user", Value::Unknown), ("password", Value::string("pw"))]),
        &mut diagnostics,
    );
    assert!(diagnostics.is_empty());
}
