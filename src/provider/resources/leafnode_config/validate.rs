//! Configurations nats-server would refuse (or that could never connect), caught at
//! plan time with the attribute to change. Values not known yet are judged later.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};

const SCHEMES: &[&str] = &["nats", "nats-leaf", "tls", "ws", "wss"];

fn is_set(value: Option<&Value>) -> bool {
    value.is_some_and(|v| !v.is_null())
}

fn known_null(value: Option<&Value>) -> bool {
    value.is_none_or(Value::is_null)
}

pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let remotes = config.attr("remote").and_then(Value::as_elements);
    let hub = config.attr("leafnodes");
    if known_null(hub) && remotes.is_some_and(<[Value]>::is_empty) {
        diagnostics.attribute_error(
            &AttributePath::attr("leafnodes"),
            "Neither hub nor leaf",
            "A leaf node configuration accepts leaf nodes (`leafnodes`), connects to hubs (`remote` blocks), or both; set at least one.",
        );
    }
    let mut seen: Vec<(String, Option<String>)> = Vec::new();
    for (index, remote) in remotes.unwrap_or_default().iter().enumerate() {
        let at = AttributePath::attr("remote").index(index);
        check_urls(remote, &at, diagnostics);
        if is_set(remote.attr("credentials")) && is_set(remote.attr("credentials_file")) {
            diagnostics.attribute_error(
                &at.child("credentials_file"),
                "Conflicting attributes",
                "Give the creds inline (`credentials`) or as a file (`credentials_file`), not both.",
            );
        }
        if is_set(remote.attr("credentials")) && config.attr("path").is_some_and(Value::is_null) {
            diagnostics.attribute_error(
                &at.child("credentials"),
                "Inline credentials need a path",
                "Creds are written to a file beside the configuration, never into it: set `path`, or give `credentials_file` instead.",
            );
        }
        if is_set(config.attr("operator_config")) && known_null(remote.attr("account")) {
            diagnostics.attribute_error(
                &at.child("account"),
                "Operator mode needs the account",
                "A server in operator mode binds every remote to an account: set `account` to the local account's public key (`A...`).",
            );
        }
        // Two remotes to the same hub in the same account would loop or be refused.
        let first_url = remote
            .attr("urls")
            .and_then(Value::as_elements)
            .and_then(|urls| urls.first())
            .and_then(Value::as_str);
        let account = remote.attr("account").and_then(Value::as_str);
        if let Some(url) = first_url {
            let key = (url.to_owned(), account.map(str::to_owned));
            if seen.contains(&key) {
                diagnostics.attribute_error(
                    &at,
                    "Duplicate remote",
                    format!(
                        "Another remote already connects to {} for {}; nats-server would connect twice into the same account.",
                        crate::nats::leafnodes::redact_url(url),
                        account.unwrap_or("the default account")
                    ),
                );
            }
            seen.push(key);
        }
    }
}

fn check_urls(remote: &Value, at: &AttributePath, diagnostics: &mut Diagnostics) {
    let urls = remote.attr("urls");
    if urls.is_some_and(|u| !u.is_wholly_known()) {
        return;
    }
    let list = urls.and_then(Value::as_elements).unwrap_or_default();
    if list.is_empty() {
        diagnostics.attribute_error(
            &at.child("urls"),
            "Remote without URL",
            "A remote needs at least one hub URL, e.g. `nats-leaf://hub.example.com:7422`.",
        );
        return;
    }
    for (index, url) in list.iter().enumerate() {
        let Some(url) = url.as_str() else { continue };
        let scheme = url.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
        let bad_scheme = scheme.as_deref().is_some_and(|s| !SCHEMES.contains(&s));
        let no_port = crate::nats::leafnodes::url_port(url).is_none();
        if bad_scheme || no_port || url.trim().is_empty() {
            diagnostics.attribute_error(
                &at.child("urls").index(index),
                "Invalid leaf node URL",
                format!(
                    "{} is not a leaf node URL: use `nats-leaf://`, `nats://`, `tls://`, `ws://` or `wss://` with a host and an optional numeric port.",
                    crate::nats::leafnodes::redact_url(url)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote(urls: Value, credentials: Value) -> Value {
        Value::Object(
            [
                ("urls".to_string(), urls),
                ("account".to_string(), Value::Null),
                ("credentials".to_string(), credentials),
                ("credentials_file".to_string(), Value::Null),
            ]
            .into_iter()
            .collect(),
        )
    }

    fn config(remotes: Vec<Value>, path: Value) -> Value {
        Value::Object(
            [
                ("leafnodes".to_string(), Value::Null),
                ("path".to_string(), path),
                ("remote".to_string(), Value::List(remotes)),
            ]
            .into_iter()
            .collect(),
        )
    }

    fn problems(config: &Value) -> Vec<String> {
        let mut diagnostics = Diagnostics::new();
        validate(config, &mut diagnostics);
        diagnostics.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn each_problem_names_its_attribute() {
        let urls = |u: &[&str]| Value::List(u.iter().map(|s| Value::string(*s)).collect());
        assert_eq!(problems(&config(vec![], Value::Null)).len(), 1);
        let missing = problems(&config(vec![remote(Value::Null, Value::Null)], Value::Null));
        assert!(missing[0].contains("remote[0].urls"), "{missing:?}");
        let bad = problems(&config(
            vec![remote(urls(&["http://x:1", "nats://x:y"]), Value::Null)],
            Value::Null,
        ));
        assert_eq!(bad.len(), 2, "{bad:?}");
        let creds = problems(&config(
            vec![remote(urls(&["nats://h:7422"]), Value::string("c"))],
            Value::Null,
        ));
        assert!(creds[0].contains("remote[0].credentials"), "{creds:?}");
        let twice = problems(&config(
            vec![
                remote(urls(&["nats://u:pw@h:7422"]), Value::Null),
                remote(urls(&["nats://u:pw@h:7422"]), Value::Null),
            ],
            Value::string("x.conf"),
        ));
        assert!(twice[0].contains("remote[1]"), "{twice:?}");
        assert!(!twice[0].contains("pw"), "{twice:?}");
    }
}
