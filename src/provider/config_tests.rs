use super::*;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::rules::run_rules;
use crate::framework::value::Value;
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
    attrs.insert("tls".into(), Value::List(Vec::new()));
    for (k, v) in pairs {
        attrs.insert(k.to_string(), v.clone());
    }
    Value::Object(attrs)
}

#[test]
fn servers_accept_a_list_or_a_comma_separated_string() {
    let from_string = resolve(
        ProviderConfig {
            servers: Field::Known(Servers::Text("nats://a:4222, nats://b:4222".into())),
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
            servers: Field::Known(Servers::List(vec![Field::Known("nats://c:4222".into())])),
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
            token: Field::Known("tok".into()),
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
            servers: Field::Known(Servers::Text("nats://hub:4222".into())),
            user: Field::Known("admin".into()),
            password: Field::Known("pw".into()),
            system_credentials: Field::Known("/creds/sys.creds".into()),
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
            credential_data: Field::Known("-----BEGIN NATS USER JWT-----".into()),
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

fn errors_at(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            d.path
                .as_ref()
                .map_or_else(|| d.detail.clone(), ToString::to_string)
        })
        .collect()
}

#[test]
fn a_malformed_nats_timeout_is_an_error_naming_the_variable() {
    for bad in ["5s", "0", "-1", "soon"] {
        let result = ProviderConfig::default().resolve(&Environment {
            lookup: &env(&[("NATS_TIMEOUT", bad)]),
        });
        let Err(error) = result else {
            panic!("NATS_TIMEOUT={bad} was accepted");
        };
        let text = error.to_string();
        assert!(
            text.starts_with(&format!("NATS_TIMEOUT is {bad:?}")),
            "{text}"
        );
        assert!(text.contains("whole number of at least 1"), "{text}");
    }
    // The argument wins over the variable, even a malformed one.
    let explicit = resolve(
        ProviderConfig {
            timeout: Field::Known(3),
            ..Default::default()
        },
        &[("NATS_TIMEOUT", "5s")],
    );
    assert_eq!(explicit.main.timeout, Some(Duration::from_secs(3)));
}

#[test]
fn conflicting_authentication_is_reported_at_the_attribute() {
    let config = ProviderConfig {
        user: Field::Known("alice".into()),
        nkey_seed: Field::Known("SU...".into()),
        ..Default::default()
    };
    let found = ONE_AUTH_METHOD.run(&config);
    assert_eq!(errors_at(&found), vec!["nkey_seed"]);
    assert!(found
        .iter()
        .all(|d| d.detail.contains("`user` and `nkey_seed`")));
    let unknown_user = ProviderConfig {
        user: Field::Unknown,
        ..config
    };
    assert_eq!(
        errors_at(&ONE_AUTH_METHOD.run(&unknown_user)),
        vec!["nkey_seed"],
        "an unknown value will be set: it conflicts already"
    );
}

#[test]
fn a_password_needs_a_user_that_may_be_unknown_yet() {
    let alone = ProviderConfig {
        password: Field::Known("pw".into()),
        ..Default::default()
    };
    assert_eq!(
        errors_at(&PASSWORD_NEEDS_USER.run(&alone)),
        vec!["password"]
    );
    let later = ProviderConfig {
        user: Field::Unknown,
        ..alone
    };
    assert!(PASSWORD_NEEDS_USER.run(&later).is_empty());
}

#[test]
fn system_credentials_come_from_one_place() {
    let both = ProviderConfig {
        system_credentials: Field::Known("/sys.creds".into()),
        system_credentials_data: Field::Unknown,
        ..Default::default()
    };
    assert_eq!(
        errors_at(&ONE_SYSTEM_CREDENTIALS.run(&both)),
        vec!["system_credentials_data"]
    );
}

#[test]
fn servers_are_read_from_the_block_with_unknown_entries_allowed() {
    let config = |servers: Value| {
        run_rules(
            RULES,
            &schema(),
            "the provider block",
            &block(&[("servers", servers)]),
        )
    };
    let numbers = Value::Dynamic(
        Box::new(Type::Tuple(vec![Type::Number])),
        Box::new(Value::Tuple(vec![Value::from(1)])),
    );
    assert_eq!(errors_at(&config(numbers)), vec!["servers"]);
    let partly_known = Value::Dynamic(
        Box::new(Type::Tuple(vec![Type::String, Type::String])),
        Box::new(Value::Tuple(vec![
            Value::string("nats://a"),
            Value::Unknown,
        ])),
    );
    assert!(config(partly_known).is_empty());
    let text = Value::Dynamic(
        Box::new(Type::String),
        Box::new(Value::string("nats://a,nats://b")),
    );
    assert!(config(text).is_empty());
    assert!(config(Value::Unknown).is_empty());
}

#[test]
fn every_rule_reads_the_provider_block_through_the_framework() {
    let found = run_rules(
        RULES,
        &schema(),
        "the provider block",
        &block(&[
            ("password", Value::string("pw")),
            ("token", Value::string("t")),
            ("credentials", Value::Unknown),
        ]),
    );
    assert_eq!(errors_at(&found), vec!["credentials", "password"]);
}

#[test]
fn empty_strings_count_as_left_out() {
    let empty = || Field::Known(String::new());
    let config = ProviderConfig {
        servers: Field::Known(Servers::Text(String::new())),
        credentials: empty(),
        credential_data: empty(),
        user: empty(),
        password: empty(),
        nkey: empty(),
        context: empty(),
        jetstream_domain: empty(),
        connection_name: empty(),
        tls: vec![TlsConfig {
            ca_file: empty(),
            ca_file_data: empty(),
            ..Default::default()
        }],
        ..Default::default()
    };
    for rule in RULES {
        assert!(rule.run(&config).is_empty(), "{}", rule.name);
    }
    let resolved = resolve(config, &[("NATS_URL", "nats://env:4222")]);
    let main = &resolved.main;
    assert_eq!(main.servers, vec!["nats://env:4222"]);
    assert!(main.credentials_file.is_none() && main.credentials.is_none());
    assert!(main.user.is_none() && main.token.is_none() && main.nkey_seed.is_none());
    assert!(main.ca_file.is_none() && main.ca_pem.is_none());
    assert_eq!(
        main.connection_name.as_deref(),
        Some("terraform-provider-nats")
    );
    assert!(resolved.jetstream_domain.is_none());
    // An empty alias beside a real value is no conflict either.
    let creds = ProviderConfig {
        credentials: Field::Known("/creds/app.creds".into()),
        credential_data: empty(),
        ..Default::default()
    };
    assert!(ONE_AUTH_METHOD.run(&creds).is_empty());
}

#[test]
fn the_official_tls_data_names_are_aliases_of_the_pem_arguments() {
    let with = |tls: TlsConfig| ProviderConfig {
        tls: vec![tls],
        ..Default::default()
    };
    let official = with(TlsConfig {
        ca_file_data: Field::Known("CA PEM".into()),
        cert_file_data: Field::Known("CERT PEM".into()),
        key_file_data: Field::Known("KEY PEM".into()),
        ..Default::default()
    });
    assert!(ONE_TLS_PEM_SPELLING.run(&official).is_empty());
    let main = resolve(official, &[]).main;
    assert_eq!(main.ca_pem.as_deref(), Some("CA PEM"));
    assert_eq!(main.cert_pem.as_deref(), Some("CERT PEM"));
    assert_eq!(
        main.key_pem.map(|k| k.expose().to_string()),
        Some("KEY PEM".into())
    );
    let both = with(TlsConfig {
        ca_pem: Field::Known("A".into()),
        ca_file_data: Field::Known("B".into()),
        key_pem: Field::Known("K".into()),
        key_file_data: Field::Unknown,
        ..Default::default()
    });
    let found = ONE_TLS_PEM_SPELLING.run(&both);
    assert_eq!(
        errors_at(&found),
        vec!["tls[0].ca_file_data", "tls[0].key_file_data"]
    );
    assert!(found.iter().all(|d| d.detail.contains("not both")));
}

#[test]
fn nkey_names_a_seed_file_like_the_official_provider() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("user.nk");
    let seed = nkeys::KeyPair::new_user().seed().unwrap();
    std::fs::write(&path, format!("{seed}\n")).unwrap();
    let config = |path: &str| ProviderConfig {
        nkey: Field::Known(path.into()),
        ..Default::default()
    };
    let resolved = resolve(config(path.to_str().unwrap()), &[]);
    assert_eq!(
        resolved.main.nkey_seed.map(|s| s.expose().to_string()),
        Some(seed.clone())
    );
    // It is one way to authenticate, conflicting with the others.
    let both = ProviderConfig {
        nkey_seed: Field::Known(seed.clone()),
        ..config("/x")
    };
    assert_eq!(errors_at(&ONE_AUTH_METHOD.run(&both)), vec!["nkey"]);
    // A file that is not a seed file: the error names the file and the argument, and
    // never shows what is in it.
    std::fs::write(&path, "not-a-seed\nsecret-ish line\n").unwrap();
    let Err(error) = config(path.to_str().unwrap()).resolve(&Environment { lookup: &env(&[]) })
    else {
        panic!("a file without a seed was accepted");
    };
    let text = error.to_string();
    assert!(
        text.contains(path.to_str().unwrap()) && text.contains("named by nkey"),
        "{text}"
    );
    assert!(!text.contains("secret-ish"), "{text}");
    assert_eq!(error.attribute(), Some(AttributePath::attr("nkey")));
}

#[test]
fn a_user_without_a_password_is_a_token() {
    let token = |resolved: &Resolved| resolved.main.token.as_ref().map(|t| t.expose().to_string());
    let alone = resolve(
        ProviderConfig {
            user: Field::Known("s3cr3t".into()),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(
        (alone.main.user.as_deref(), token(&alone)),
        (None, Some("s3cr3t".into()))
    );
    let with_password = resolve(
        ProviderConfig {
            user: Field::Known("alice".into()),
            password: Field::Known("pw".into()),
            ..Default::default()
        },
        &[],
    );
    assert_eq!(with_password.main.user.as_deref(), Some("alice"));
    assert_eq!(token(&with_password), None);
    // NATS_USER alone too, as the `nats` CLI reads it.
    let from_env = resolve(ProviderConfig::default(), &[("NATS_USER", "env-token")]);
    assert_eq!(token(&from_env), Some("env-token".into()));
}

#[test]
fn the_official_names_carry_no_deprecation_warning() {
    let schema = schema();
    for name in ["credential_data", "nkey", "user"] {
        let attribute = schema
            .block
            .attributes
            .iter()
            .find(|a| a.name == name)
            .unwrap_or_else(|| panic!("{name} is in the schema"));
        assert!(attribute.deprecation.is_none(), "{name} warns");
    }
}
