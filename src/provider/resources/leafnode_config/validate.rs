//! Configurations nats-server would refuse, misread or never connect with, caught at
//! plan time with the attribute to change. Each rule spans several attributes (one
//! attribute's own values are checked by the validators of `rules.rs`) and judges
//! only values that are known: an unknown value is judged again once it is known.

use super::schema::{LeafnodeConfigModel, RemoteModel, TlsModel};
use crate::framework::value::AttributePath;
use crate::framework::{Field, Rule};
use crate::nats::leafnodes::redact_url;

type Model = LeafnodeConfigModel;

/// Summary and detail of the diagnostic for inline creds without `path` (render
/// refuses the same, should a rule ever be skipped).
pub const NEEDS_PATH: (&str, &str) = (
    "Inline credentials need a path",
    "Creds are written to a file beside the configuration, never into it: set `path`, or give `credentials_file` instead.",
);

fn remotes(config: &Model) -> impl Iterator<Item = (AttributePath, &RemoteModel)> {
    config
        .remotes()
        .iter()
        .enumerate()
        .map(|(index, remote)| (AttributePath::attr("remote").index(index), remote))
}

pub const HUB_OR_LEAF: Rule<Model> = Rule::new(
    "a configuration accepts leaf nodes, connects to hubs, or both",
    |config, out| {
        if config.leafnodes.is_null() && config.remote.is_known_and(Vec::is_empty) {
            out.attribute_error(
                &AttributePath::attr("leafnodes"),
                "Neither hub nor leaf",
                "A leaf node configuration accepts leaf nodes (`leafnodes`), connects to hubs (`remote` blocks), or both; set at least one.",
            );
        }
    },
);

pub const REMOTE_HAS_URLS: Rule<Model> = Rule::new("every remote has a URL", |config, out| {
    for (at, remote) in remotes(config) {
        if !remote.urls.is_unknown() && remote.urls().is_empty() {
            out.attribute_error(
                &at.child("urls"),
                "Remote without URL",
                "A remote needs at least one hub URL, e.g. `nats-leaf://hub.example.com:7422`.",
            );
        }
    }
});

pub const CREDENTIALS_GIVEN_ONCE: Rule<Model> = Rule::new(
    "creds inline or as a file, not both",
    |config, out| {
        for (at, remote) in remotes(config) {
            if remote.credentials.is_known() && remote.credentials_file.is_known() {
                out.attribute_error(
                    &at.child("credentials_file"),
                    "Conflicting attributes",
                    "Give the creds inline (`credentials`) or as a file (`credentials_file`), not both.",
                );
            }
        }
    },
);

pub const INLINE_CREDENTIALS_NEED_PATH: Rule<Model> =
    Rule::new("inline creds are written beside `path`", |config, out| {
        if !config.path.is_null() {
            return;
        }
        for (at, remote) in remotes(config) {
            if remote.credentials.is_known() {
                out.attribute_error(&at.child("credentials"), NEEDS_PATH.0, NEEDS_PATH.1);
            }
        }
    });

/// Inline creds go beside `path`, and nats-server expands `$NAME` in creds paths.
pub const CREDS_PATH_NOT_EXPANDED: Rule<Model> = Rule::new(
    "creds beside `path` are read where written",
    |config, out| {
        let Some(path) = config.path.known() else {
            return;
        };
        let inline = remotes(config).any(|(_, remote)| remote.credentials.is_known());
        if inline && path.contains('$') {
            out.attribute_error(
                &AttributePath::attr("path"),
                "Path not usable for creds",
                format!(
                    "{path:?} contains `$`: the creds files are written beside it, and nats-server expands `$NAME` in creds paths from its environment, so it would look elsewhere. Allowed: a path without `$` (or `credentials_file` instead of inline creds)."
                ),
            );
        }
    },
);

pub const OPERATOR_MODE_BINDS_ACCOUNTS: Rule<Model> = Rule::new(
    "in operator mode every remote names its account",
    |config, out| {
        if !config.operator_config.is_known() {
            return;
        }
        for (at, remote) in remotes(config) {
            if remote.account.is_null() {
                out.attribute_error(
                    &at.child("account"),
                    "Operator mode needs the account",
                    "A server in operator mode binds every remote to an account: set `account` to the local account's public key (`A...`).",
                );
            }
        }
    },
);

/// Two remotes to the same hub in the same account would loop or be refused.
pub const REMOTES_ARE_DISTINCT: Rule<Model> = Rule::new(
    "no two remotes to one hub in one account",
    |config, out| {
        let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
        for (at, remote) in remotes(config) {
            let Some(url) = remote.urls().first() else {
                continue;
            };
            if remote.account.is_unknown() {
                continue;
            }
            let key = (url.as_str(), remote.account());
            if seen.contains(&key) {
                out.attribute_error(
                    &at,
                    "Duplicate remote",
                    format!(
                        "Another remote already connects to {} for {}; nats-server would connect twice into the same account.",
                        redact_url(url),
                        key.1.unwrap_or("the default account")
                    ),
                );
            }
            seen.push(key);
        }
    },
);

/// nats-server loads a certificate with its key: one without the other is refused.
pub const TLS_CERTIFICATE_WITH_KEY: Rule<Model> = Rule::new(
    "a TLS certificate comes with its key",
    |config, out| {
        let mut blocks: Vec<(AttributePath, &TlsModel)> = Vec::new();
        if let Some(tls) = config.leafnodes.known().and_then(|hub| hub.tls.known()) {
            blocks.push((AttributePath::attr("leafnodes").child("tls"), tls));
        }
        for (at, remote) in remotes(config) {
            if let Some(tls) = remote.tls.known() {
                blocks.push((at.child("tls"), tls));
            }
        }
        for (at, tls) in blocks {
            let (missing, given) = match (&tls.cert_file, &tls.key_file) {
                (Field::Known(_), Field::Null) => ("key_file", "cert_file"),
                (Field::Null, Field::Known(_)) => ("cert_file", "key_file"),
                _ => continue,
            };
            out.attribute_error(
                &at.child(missing),
                "Certificate and key go together",
                format!("`{given}` is set without `{missing}`; nats-server refuses to start with one and not the other. Set both, or neither (a leaf that only verifies the hub needs `ca_file` alone)."),
            );
        }
    },
);

/// `host` and `port` of a listener, when known and not a port the server picks.
fn fixed_listener(listen: &Field<String>) -> Option<(&str, &str)> {
    let (host, port) = listen.known()?.rsplit_once(':')?;
    (port != "-1").then_some((host.trim_start_matches('[').trim_end_matches(']'), port))
}

/// Two listeners on one port pass `nats-server -t` and fail at start.
pub const LISTENERS_USE_DISTINCT_PORTS: Rule<Model> = Rule::new(
    "each listener has its own port",
    |config, out| {
        let listeners = [
            (AttributePath::attr("listen"), Some(&config.listen)),
            (AttributePath::attr("http"), Some(&config.http)),
            (
                AttributePath::attr("leafnodes").child("listen"),
                config.leafnodes.known().map(|hub| &hub.listen),
            ),
            (
                AttributePath::attr("cluster").child("listen"),
                config.cluster.known().map(|cluster| &cluster.listen),
            ),
        ];
        let every_interface = |host: &str| matches!(host, "" | "0.0.0.0" | "::");
        let mut seen: Vec<(&AttributePath, (&str, &str))> = Vec::new();
        for (at, listen) in &listeners {
            let Some((host, port)) = listen.and_then(fixed_listener) else {
                continue;
            };
            let clash = seen.iter().find(|(_, (other_host, other_port))| {
                *other_port == port
                    && (*other_host == host || every_interface(host) || every_interface(other_host))
            });
            if let Some((other, _)) = clash {
                out.attribute_error(
                    at,
                    "Two listeners on one port",
                    format!("Port {port} is taken by `{other}` already; nats-server would fail to start. Give each listener its own port (or -1)."),
                );
            }
            seen.push((at, (host, port)));
        }
    },
);

/// The rules, in the order they report.
pub const RULES: &[Rule<Model>] = &[
    HUB_OR_LEAF,
    REMOTE_HAS_URLS,
    CREDENTIALS_GIVEN_ONCE,
    INLINE_CREDENTIALS_NEED_PATH,
    CREDS_PATH_NOT_EXPANDED,
    OPERATOR_MODE_BINDS_ACCOUNTS,
    REMOTES_ARE_DISTINCT,
    TLS_CERTIFICATE_WITH_KEY,
    LISTENERS_USE_DISTINCT_PORTS,
];

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
