//! Each rule on its own: a configuration it refuses (naming the attribute), one it
//! accepts, and the same with the deciding value unknown (judged later, not now).

use super::*;

fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect(),
    )
}

fn strings(items: &[&str]) -> Value {
    Value::List(items.iter().map(|s| Value::string(*s)).collect())
}

fn text(s: &str) -> Value {
    Value::string(s)
}

fn remote(pairs: &[(&str, Value)]) -> Value {
    let mut all = vec![("urls", strings(&["nats-leaf://hub:7422"]))];
    all.extend(pairs.iter().cloned());
    object(&all)
}

fn with_remotes(pairs: &[(&str, Value)], remotes: Vec<Value>) -> Value {
    let mut all = vec![("remote", Value::List(remotes))];
    all.extend(pairs.iter().cloned());
    object(&all)
}

/// What one rule says about `config`: "path: summary: detail" per diagnostic.
fn said(name: &str, config: &Value) -> Vec<String> {
    let rule = RULES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, rule)| rule)
        .unwrap_or_else(|| panic!("no rule {name}"));
    let mut diagnostics = Diagnostics::new();
    rule(config, &mut diagnostics);
    diagnostics.iter().map(ToString::to_string).collect()
}

fn refuses_at(name: &str, config: &Value, path: &str) {
    let said = said(name, config);
    assert!(
        said.len() == 1 && said[0].starts_with(&format!("{path}: ")),
        "{name}: expected one diagnostic at {path}, got {said:?}"
    );
}

fn accepts(name: &str, config: &Value) {
    assert_eq!(said(name, config), Vec::<String>::new(), "{name}");
}

#[test]
fn hub_or_leaf() {
    refuses_at("hub_or_leaf", &with_remotes(&[], vec![]), "leafnodes");
    accepts(
        "hub_or_leaf",
        &with_remotes(
            &[("leafnodes", object(&[("listen", text(":7422"))]))],
            vec![],
        ),
    );
    accepts("hub_or_leaf", &with_remotes(&[], vec![remote(&[])]));
    accepts(
        "hub_or_leaf",
        &with_remotes(&[("leafnodes", Value::Unknown)], vec![]),
    );
}

#[test]
fn remote_has_urls() {
    let config = with_remotes(&[], vec![remote(&[]), object(&[("urls", Value::Null)])]);
    refuses_at("remote_has_urls", &config, "remote[1].urls");
    refuses_at(
        "remote_has_urls",
        &with_remotes(&[], vec![object(&[("urls", strings(&[]))])]),
        "remote[0].urls",
    );
    accepts("remote_has_urls", &with_remotes(&[], vec![remote(&[])]));
    accepts(
        "remote_has_urls",
        &with_remotes(&[], vec![object(&[("urls", Value::Unknown)])]),
    );
}

#[test]
fn credentials_given_once() {
    let both = remote(&[
        ("credentials", text("creds")),
        ("credentials_file", text("a.creds")),
    ]);
    refuses_at(
        "credentials_given_once",
        &with_remotes(&[], vec![both]),
        "remote[0].credentials_file",
    );
    let file_only = remote(&[("credentials_file", text("a.creds"))]);
    accepts(
        "credentials_given_once",
        &with_remotes(&[], vec![file_only]),
    );
    let unknown = remote(&[
        ("credentials", Value::Unknown),
        ("credentials_file", text("a.creds")),
    ]);
    accepts("credentials_given_once", &with_remotes(&[], vec![unknown]));
}

#[test]
fn inline_credentials_need_path() {
    let inline = remote(&[("credentials", text("creds"))]);
    refuses_at(
        "inline_credentials_need_path",
        &with_remotes(&[("path", Value::Null)], vec![inline.clone()]),
        "remote[0].credentials",
    );
    accepts(
        "inline_credentials_need_path",
        &with_remotes(&[("path", text("leaf.conf"))], vec![inline.clone()]),
    );
    accepts(
        "inline_credentials_need_path",
        &with_remotes(&[("path", Value::Unknown)], vec![inline]),
    );
    let unknown = remote(&[("credentials", Value::Unknown)]);
    accepts(
        "inline_credentials_need_path",
        &with_remotes(&[("path", Value::Null)], vec![unknown]),
    );
}

#[test]
fn creds_path_not_expanded() {
    let inline = remote(&[("credentials", text("creds"))]);
    refuses_at(
        "creds_path_not_expanded",
        &with_remotes(&[("path", text("$HOME/leaf.conf"))], vec![inline.clone()]),
        "path",
    );
    accepts(
        "creds_path_not_expanded",
        &with_remotes(&[("path", text("/etc/nats/leaf.conf"))], vec![inline]),
    );
    // Without inline creds nothing is written beside the file: `$` is harmless.
    accepts(
        "creds_path_not_expanded",
        &with_remotes(&[("path", text("$HOME/leaf.conf"))], vec![remote(&[])]),
    );
    let unknown = remote(&[("credentials", Value::Unknown)]);
    accepts(
        "creds_path_not_expanded",
        &with_remotes(&[("path", text("$HOME/leaf.conf"))], vec![unknown]),
    );
}

#[test]
fn operator_mode_binds_accounts() {
    let operator = [("operator_config", text("resolver: MEMORY"))];
    refuses_at(
        "operator_mode_binds_accounts",
        &with_remotes(&operator, vec![remote(&[])]),
        "remote[0].account",
    );
    accepts(
        "operator_mode_binds_accounts",
        &with_remotes(&operator, vec![remote(&[("account", text("A1"))])]),
    );
    accepts(
        "operator_mode_binds_accounts",
        &with_remotes(&operator, vec![remote(&[("account", Value::Unknown)])]),
    );
    accepts(
        "operator_mode_binds_accounts",
        &with_remotes(&[("operator_config", Value::Unknown)], vec![remote(&[])]),
    );
}

#[test]
fn remotes_are_distinct() {
    let twice = with_remotes(&[], vec![remote(&[]), remote(&[])]);
    refuses_at("remotes_are_distinct", &twice, "remote[1]");
    let accounts = with_remotes(
        &[],
        vec![
            remote(&[("account", text("A1"))]),
            remote(&[("account", text("A2"))]),
        ],
    );
    accepts("remotes_are_distinct", &accounts);
    let unknown = with_remotes(
        &[],
        vec![remote(&[]), remote(&[("account", Value::Unknown)])],
    );
    accepts("remotes_are_distinct", &unknown);
    let secret = object(&[("urls", strings(&["nats://u:secretpw@hub:7422"]))]);
    let said = said(
        "remotes_are_distinct",
        &with_remotes(&[], vec![secret.clone(), secret]),
    );
    assert!(!said[0].contains("secretpw"), "{said:?}");
}

#[test]
fn tls_certificate_with_key() {
    let hub = |tls: Value| {
        with_remotes(
            &[(
                "leafnodes",
                object(&[("listen", text(":7422")), ("tls", tls)]),
            )],
            vec![],
        )
    };
    let cert_only = object(&[("cert_file", text("c.pem")), ("key_file", Value::Null)]);
    refuses_at(
        "tls_certificate_with_key",
        &hub(cert_only),
        "leafnodes.tls.key_file",
    );
    let key_only = object(&[("key_file", text("k.pem"))]);
    refuses_at(
        "tls_certificate_with_key",
        &with_remotes(&[], vec![remote(&[("tls", key_only)])]),
        "remote[0].tls.cert_file",
    );
    let pair = object(&[("cert_file", text("c.pem")), ("key_file", text("k.pem"))]);
    accepts("tls_certificate_with_key", &hub(pair));
    let ca_only = object(&[("ca_file", text("ca.pem"))]);
    accepts(
        "tls_certificate_with_key",
        &with_remotes(&[], vec![remote(&[("tls", ca_only)])]),
    );
    let unknown_key = object(&[("cert_file", text("c.pem")), ("key_file", Value::Unknown)]);
    accepts("tls_certificate_with_key", &hub(unknown_key));
}

#[test]
fn listeners_use_distinct_ports() {
    let config = |listen: Value, leaf: &str| {
        with_remotes(
            &[
                ("listen", listen),
                ("http", text("127.0.0.1:8222")),
                ("leafnodes", object(&[("listen", text(leaf))])),
            ],
            vec![],
        )
    };
    refuses_at(
        "listeners_use_distinct_ports",
        &config(text("127.0.0.1:7422"), "0.0.0.0:7422"),
        "leafnodes.listen",
    );
    refuses_at(
        "listeners_use_distinct_ports",
        &config(text("127.0.0.1:8222"), ":7422"),
        "http",
    );
    accepts(
        "listeners_use_distinct_ports",
        &config(text("127.0.0.1:-1"), "127.0.0.1:-1"),
    );
    accepts(
        "listeners_use_distinct_ports",
        &config(text("10.0.0.1:7422"), "10.0.0.2:7422"),
    );
    accepts(
        "listeners_use_distinct_ports",
        &config(Value::Unknown, "127.0.0.1:7422"),
    );
}

#[test]
fn every_rule_is_tested_here() {
    let source = include_str!("validate_tests.rs");
    for (name, _) in RULES {
        assert!(
            source.contains(&format!("fn {name}()")),
            "rule {name} has no test of its own"
        );
    }
}
