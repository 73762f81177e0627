//! Each rule on its own: a configuration it refuses (naming the attribute), one it
//! accepts, and the same with the deciding value unknown (judged later, not now).

use super::super::schema::{ClusterModel, HubModel};
use super::*;

fn text(s: &str) -> Field<String> {
    Field::Known(s.to_owned())
}

fn urls(items: &[&str]) -> Field<Vec<String>> {
    Field::Known(items.iter().map(|s| (*s).to_owned()).collect())
}

/// A remote to `nats-leaf://hub:7422`.
fn remote() -> RemoteModel {
    RemoteModel {
        urls: urls(&["nats-leaf://hub:7422"]),
        ..RemoteModel::default()
    }
}

fn leaf(remotes: Vec<RemoteModel>) -> Model {
    Model {
        remote: Field::Known(remotes),
        ..Model::default()
    }
}

fn hub(listen: &str) -> Field<HubModel> {
    Field::Known(HubModel {
        listen: text(listen),
        ..HubModel::default()
    })
}

/// "path: summary: detail" per diagnostic.
fn said(rule: &Rule<Model>, config: &Model) -> Vec<String> {
    rule.run(config).iter().map(ToString::to_string).collect()
}

fn refuses_at(rule: &Rule<Model>, config: &Model, path: &str) {
    let said = said(rule, config);
    assert!(
        said.len() == 1 && said[0].starts_with(&format!("{path}: ")),
        "{}: expected one diagnostic at {path}, got {said:?}",
        rule.name
    );
}

fn accepts(rule: &Rule<Model>, config: &Model) {
    assert_eq!(said(rule, config), Vec::<String>::new(), "{}", rule.name);
}

#[test]
fn hub_or_leaf() {
    refuses_at(&HUB_OR_LEAF, &leaf(vec![]), "leafnodes");
    let hub_only = Model {
        leafnodes: hub(":7422"),
        ..leaf(vec![])
    };
    accepts(&HUB_OR_LEAF, &hub_only);
    accepts(&HUB_OR_LEAF, &leaf(vec![remote()]));
    let unknown = Model {
        leafnodes: Field::Unknown,
        ..leaf(vec![])
    };
    accepts(&HUB_OR_LEAF, &unknown);
    let remotes_unknown = Model {
        remote: Field::Unknown,
        ..Model::default()
    };
    accepts(&HUB_OR_LEAF, &remotes_unknown);
}

#[test]
fn remote_has_urls() {
    let none = RemoteModel::default();
    refuses_at(
        &REMOTE_HAS_URLS,
        &leaf(vec![remote(), none]),
        "remote[1].urls",
    );
    let empty = RemoteModel {
        urls: urls(&[]),
        ..RemoteModel::default()
    };
    refuses_at(&REMOTE_HAS_URLS, &leaf(vec![empty]), "remote[0].urls");
    accepts(&REMOTE_HAS_URLS, &leaf(vec![remote()]));
    let unknown = RemoteModel {
        urls: Field::Unknown,
        ..RemoteModel::default()
    };
    accepts(&REMOTE_HAS_URLS, &leaf(vec![unknown]));
}

#[test]
fn credentials_given_once() {
    let both = RemoteModel {
        credentials: text("creds"),
        credentials_file: text("a.creds"),
        ..remote()
    };
    refuses_at(
        &CREDENTIALS_GIVEN_ONCE,
        &leaf(vec![both]),
        "remote[0].credentials_file",
    );
    let file_only = RemoteModel {
        credentials_file: text("a.creds"),
        ..remote()
    };
    accepts(&CREDENTIALS_GIVEN_ONCE, &leaf(vec![file_only]));
    let unknown = RemoteModel {
        credentials: Field::Unknown,
        credentials_file: text("a.creds"),
        ..remote()
    };
    accepts(&CREDENTIALS_GIVEN_ONCE, &leaf(vec![unknown]));
}

#[test]
fn inline_credentials_need_path() {
    let inline = RemoteModel {
        credentials: text("creds"),
        ..remote()
    };
    let rule = &INLINE_CREDENTIALS_NEED_PATH;
    refuses_at(rule, &leaf(vec![inline.clone()]), "remote[0].credentials");
    let with_path = |path: Field<String>, remote: RemoteModel| Model {
        path,
        ..leaf(vec![remote])
    };
    accepts(rule, &with_path(text("leaf.conf"), inline.clone()));
    accepts(rule, &with_path(Field::Unknown, inline));
    let unknown = RemoteModel {
        credentials: Field::Unknown,
        ..remote()
    };
    accepts(rule, &with_path(Field::Null, unknown));
}

#[test]
fn creds_path_not_expanded() {
    let rule = &CREDS_PATH_NOT_EXPANDED;
    let with = |path: &str, credentials: Field<String>| Model {
        path: text(path),
        ..leaf(vec![RemoteModel {
            credentials,
            ..remote()
        }])
    };
    refuses_at(rule, &with("$HOME/leaf.conf", text("creds")), "path");
    accepts(rule, &with("/etc/nats/leaf.conf", text("creds")));
    // Without inline creds nothing is written beside the file: `$` is harmless.
    accepts(rule, &with("$HOME/leaf.conf", Field::Null));
    accepts(rule, &with("$HOME/leaf.conf", Field::Unknown));
}

#[test]
fn operator_mode_binds_accounts() {
    let rule = &OPERATOR_MODE_BINDS_ACCOUNTS;
    let with = |operator_config: Field<String>, account: Field<String>| Model {
        operator_config,
        ..leaf(vec![RemoteModel {
            account,
            ..remote()
        }])
    };
    let operator = || text("resolver: MEMORY");
    refuses_at(rule, &with(operator(), Field::Null), "remote[0].account");
    accepts(rule, &with(operator(), text("A1")));
    accepts(rule, &with(operator(), Field::Unknown));
    accepts(rule, &with(Field::Unknown, Field::Null));
}

#[test]
fn remotes_are_distinct() {
    let rule = &REMOTES_ARE_DISTINCT;
    refuses_at(rule, &leaf(vec![remote(), remote()]), "remote[1]");
    let in_account = |account: Field<String>| RemoteModel {
        account,
        ..remote()
    };
    accepts(
        rule,
        &leaf(vec![in_account(text("A1")), in_account(text("A2"))]),
    );
    accepts(rule, &leaf(vec![remote(), in_account(Field::Unknown)]));
    let secret = RemoteModel {
        urls: urls(&["nats://u:secretpw@hub:7422"]),
        ..RemoteModel::default()
    };
    let said = said(rule, &leaf(vec![secret.clone(), secret]));
    assert!(!said[0].contains("secretpw"), "{said:?}");
}

#[test]
fn tls_certificate_with_key() {
    let rule = &TLS_CERTIFICATE_WITH_KEY;
    let tls = |cert: Field<String>, key: Field<String>| TlsModel {
        cert_file: cert,
        key_file: key,
        ..TlsModel::default()
    };
    let hub_tls = |tls: TlsModel| Model {
        leafnodes: Field::Known(HubModel {
            listen: text(":7422"),
            tls: Field::Known(tls),
            ..HubModel::default()
        }),
        ..leaf(vec![])
    };
    let remote_tls = |tls: TlsModel| {
        leaf(vec![RemoteModel {
            tls: Field::Known(tls),
            ..remote()
        }])
    };
    refuses_at(
        rule,
        &hub_tls(tls(text("c.pem"), Field::Null)),
        "leafnodes.tls.key_file",
    );
    refuses_at(
        rule,
        &remote_tls(tls(Field::Null, text("k.pem"))),
        "remote[0].tls.cert_file",
    );
    accepts(rule, &hub_tls(tls(text("c.pem"), text("k.pem"))));
    let ca_only = TlsModel {
        ca_file: text("ca.pem"),
        ..TlsModel::default()
    };
    accepts(rule, &remote_tls(ca_only));
    accepts(rule, &hub_tls(tls(text("c.pem"), Field::Unknown)));
}

#[test]
fn listeners_use_distinct_ports() {
    let rule = &LISTENERS_USE_DISTINCT_PORTS;
    let config = |listen: Field<String>, leaf_listen: &str| Model {
        listen,
        http: text("127.0.0.1:8222"),
        leafnodes: hub(leaf_listen),
        ..leaf(vec![])
    };
    refuses_at(
        rule,
        &config(text("127.0.0.1:7422"), "0.0.0.0:7422"),
        "leafnodes.listen",
    );
    refuses_at(rule, &config(text("127.0.0.1:8222"), ":7422"), "http");
    accepts(rule, &config(text("127.0.0.1:-1"), "127.0.0.1:-1"));
    accepts(rule, &config(text("10.0.0.1:7422"), "10.0.0.2:7422"));
    accepts(rule, &config(Field::Unknown, "127.0.0.1:7422"));
    let cluster = Model {
        cluster: Field::Known(ClusterModel {
            listen: text("127.0.0.1:8222"),
            ..ClusterModel::default()
        }),
        ..config(Field::Null, "127.0.0.1:7422")
    };
    refuses_at(rule, &cluster, "cluster.listen");
}

#[test]
fn every_rule_is_in_rules() {
    let tested = [
        &HUB_OR_LEAF,
        &REMOTE_HAS_URLS,
        &CREDENTIALS_GIVEN_ONCE,
        &INLINE_CREDENTIALS_NEED_PATH,
        &CREDS_PATH_NOT_EXPANDED,
        &OPERATOR_MODE_BINDS_ACCOUNTS,
        &REMOTES_ARE_DISTINCT,
        &TLS_CERTIFICATE_WITH_KEY,
        &LISTENERS_USE_DISTINCT_PORTS,
    ];
    let names: Vec<&str> = RULES.iter().map(|rule| rule.name).collect();
    assert_eq!(names, tested.map(|rule| rule.name));
}
