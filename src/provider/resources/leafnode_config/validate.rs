//! Configurations nats-server would refuse, misread or never connect with, caught at
//! plan time with the attribute to change. Each rule spans several attributes (one
//! attribute's own values are checked by the validators of `rules.rs`) and judges
//! only values that are known: an unknown value is judged again once it is known.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};
use crate::nats::leafnodes::redact_url;

/// A known, non-null value.
fn known(value: Option<&Value>) -> Option<&Value> {
    value.filter(|v| !v.is_null() && !v.is_unknown())
}

/// Known to be null (absent counts as null).
fn known_null(value: Option<&Value>) -> bool {
    value.is_none_or(Value::is_null)
}

fn remotes(config: &Value) -> impl Iterator<Item = (AttributePath, &Value)> {
    config
        .attr("remote")
        .and_then(Value::as_elements)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, remote)| (AttributePath::attr("remote").index(index), remote))
}

/// A rule reads the configuration and reports what it refuses.
type Rule = fn(&Value, &mut Diagnostics);

/// The rules, by name, in the order they report.
pub const RULES: &[(&str, Rule)] = &[
    ("hub_or_leaf", hub_or_leaf),
    ("remote_has_urls", remote_has_urls),
    ("credentials_given_once", credentials_given_once),
    ("inline_credentials_need_path", inline_credentials_need_path),
    ("creds_path_not_expanded", creds_path_not_expanded),
    ("operator_mode_binds_accounts", operator_mode_binds_accounts),
    ("remotes_are_distinct", remotes_are_distinct),
    ("tls_certificate_with_key", tls_certificate_with_key),
    ("listeners_use_distinct_ports", listeners_use_distinct_ports),
];

pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    for (_, rule) in RULES {
        rule(config, diagnostics);
    }
}

/// A configuration accepts leaf nodes, connects to hubs, or both.
fn hub_or_leaf(config: &Value, diagnostics: &mut Diagnostics) {
    let no_remotes = config
        .attr("remote")
        .and_then(Value::as_elements)
        .is_some_and(<[Value]>::is_empty);
    if known_null(config.attr("leafnodes")) && no_remotes {
        diagnostics.attribute_error(
            &AttributePath::attr("leafnodes"),
            "Neither hub nor leaf",
            "A leaf node configuration accepts leaf nodes (`leafnodes`), connects to hubs (`remote` blocks), or both; set at least one.",
        );
    }
}

fn remote_has_urls(config: &Value, diagnostics: &mut Diagnostics) {
    for (at, remote) in remotes(config) {
        let urls = remote.attr("urls");
        if urls.is_some_and(Value::is_unknown) {
            continue;
        }
        if urls
            .and_then(Value::as_elements)
            .is_none_or(<[Value]>::is_empty)
        {
            diagnostics.attribute_error(
                &at.child("urls"),
                "Remote without URL",
                "A remote needs at least one hub URL, e.g. `nats-leaf://hub.example.com:7422`.",
            );
        }
    }
}

fn credentials_given_once(config: &Value, diagnostics: &mut Diagnostics) {
    for (at, remote) in remotes(config) {
        if known(remote.attr("credentials")).is_some()
            && known(remote.attr("credentials_file")).is_some()
        {
            diagnostics.attribute_error(
                &at.child("credentials_file"),
                "Conflicting attributes",
                "Give the creds inline (`credentials`) or as a file (`credentials_file`), not both.",
            );
        }
    }
}

fn inline_credentials_need_path(config: &Value, diagnostics: &mut Diagnostics) {
    if !config.attr("path").is_some_and(Value::is_null) {
        return;
    }
    for (at, remote) in remotes(config) {
        if known(remote.attr("credentials")).is_some() {
            diagnostics.attribute_error(
                &at.child("credentials"),
                "Inline credentials need a path",
                "Creds are written to a file beside the configuration, never into it: set `path`, or give `credentials_file` instead.",
            );
        }
    }
}

/// Inline creds go beside `path`, and nats-server expands `$NAME` in creds paths.
fn creds_path_not_expanded(config: &Value, diagnostics: &mut Diagnostics) {
    let Some(path) = known(config.attr("path")).and_then(Value::as_str) else {
        return;
    };
    let inline = remotes(config).any(|(_, remote)| known(remote.attr("credentials")).is_some());
    if inline && path.contains('$') {
        diagnostics.attribute_error(
            &AttributePath::attr("path"),
            "Path not usable for creds",
            format!(
                "{path:?} contains `$`: the creds files are written beside it, and nats-server expands `$NAME` in creds paths from its environment, so it would look elsewhere. Allowed: a path without `$` (or `credentials_file` instead of inline creds)."
            ),
        );
    }
}

fn operator_mode_binds_accounts(config: &Value, diagnostics: &mut Diagnostics) {
    if known(config.attr("operator_config")).is_none() {
        return;
    }
    for (at, remote) in remotes(config) {
        if known_null(remote.attr("account")) {
            diagnostics.attribute_error(
                &at.child("account"),
                "Operator mode needs the account",
                "A server in operator mode binds every remote to an account: set `account` to the local account's public key (`A...`).",
            );
        }
    }
}

/// Two remotes to the same hub in the same account would loop or be refused.
fn remotes_are_distinct(config: &Value, diagnostics: &mut Diagnostics) {
    let mut seen: Vec<(&str, Option<&str>)> = Vec::new();
    for (at, remote) in remotes(config) {
        let first_url = known(remote.attr("urls"))
            .and_then(Value::as_elements)
            .and_then(<[Value]>::first)
            .and_then(Value::as_str);
        let account = remote.attr("account");
        if account.is_some_and(Value::is_unknown) {
            continue;
        }
        let Some(url) = first_url else { continue };
        let key = (url, account.and_then(Value::as_str));
        if seen.contains(&key) {
            diagnostics.attribute_error(
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
}

/// nats-server loads a certificate with its key: one without the other is refused.
fn tls_certificate_with_key(config: &Value, diagnostics: &mut Diagnostics) {
    let mut blocks: Vec<(AttributePath, &Value)> = Vec::new();
    if let Some(tls) = known(config.attr("leafnodes")).and_then(|hub| known(hub.attr("tls"))) {
        blocks.push((AttributePath::attr("leafnodes").child("tls"), tls));
    }
    for (at, remote) in remotes(config) {
        if let Some(tls) = known(remote.attr("tls")) {
            blocks.push((at.child("tls"), tls));
        }
    }
    for (at, tls) in blocks {
        let (cert, key) = (tls.attr("cert_file"), tls.attr("key_file"));
        let (missing, given) = match (known(cert).is_some(), known(key).is_some()) {
            (true, false) if known_null(key) => ("key_file", "cert_file"),
            (false, true) if known_null(cert) => ("cert_file", "key_file"),
            _ => continue,
        };
        diagnostics.attribute_error(
            &at.child(missing),
            "Certificate and key go together",
            format!("`{given}` is set without `{missing}`; nats-server refuses to start with one and not the other. Set both, or neither (a leaf that only verifies the hub needs `ca_file` alone)."),
        );
    }
}

/// `host:port` of a listener, when known and not a port the server picks.
fn fixed_listener(value: Option<&Value>) -> Option<(&str, &str)> {
    let text = known(value)?.as_str()?;
    let (host, port) = text.rsplit_once(':')?;
    (port != "-1").then_some((host.trim_start_matches('[').trim_end_matches(']'), port))
}

/// Two listeners on one port pass `nats-server -t` and fail at start.
fn listeners_use_distinct_ports(config: &Value, diagnostics: &mut Diagnostics) {
    let nested = |block: &str| known(config.attr(block)).and_then(|b| b.attr("listen"));
    let listeners = [
        (AttributePath::attr("listen"), config.attr("listen")),
        (AttributePath::attr("http"), config.attr("http")),
        (
            AttributePath::attr("leafnodes").child("listen"),
            nested("leafnodes"),
        ),
        (
            AttributePath::attr("cluster").child("listen"),
            nested("cluster"),
        ),
    ];
    let every_interface = |host: &str| matches!(host, "" | "0.0.0.0" | "::");
    let mut seen: Vec<(&AttributePath, (&str, &str))> = Vec::new();
    for (at, value) in &listeners {
        let Some((host, port)) = fixed_listener(*value) else {
            continue;
        };
        let clash = seen.iter().find(|(_, (other_host, other_port))| {
            *other_port == port
                && (*other_host == host || every_interface(host) || every_interface(other_host))
        });
        if let Some((other, _)) = clash {
            diagnostics.attribute_error(
                at,
                "Two listeners on one port",
                format!("Port {port} is taken by `{other}` already; nats-server would fail to start. Give each listener its own port (or -1)."),
            );
        }
        seen.push((at, (host, port)));
    }
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
