//! The account rules nats-io/jwt enforces (a server refuses a JWT that breaks them
//! with "jwt validation failed" at push, or will not load it), checked at plan time
//! on whatever of the configuration is known, each at the attribute at fault.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};
use crate::nats::jwt::{self, Activation};

/// Whether every subject matching `inner` also matches `outer` (nats-io/jwt's
/// `IsContainedIn`): `*` covers one token, `>` the rest.
pub fn subject_contains(outer: &str, inner: &str) -> bool {
    let outer: Vec<&str> = outer.split('.').collect();
    let inner: Vec<&str> = inner.split('.').collect();
    for (index, token) in outer.iter().enumerate() {
        match (*token, inner.get(index)) {
            (">", Some(_)) => return true,
            (_, None) => return false,
            ("*", Some(&">")) => return false,
            ("*", Some(_)) => {}
            (literal, Some(other)) if literal == *other => {}
            _ => return false,
        }
    }
    outer.len() == inner.len()
}

fn text<'a>(item: &'a Value, name: &str) -> Option<&'a str> {
    item.attr(name).and_then(Value::as_str)
}

/// `type` defaults to `stream`: unset counts as stream, unknown as neither.
fn kind(item: &Value) -> Option<&str> {
    match item.attr("type") {
        None | Some(Value::Null) => Some("stream"),
        Some(value) => value.as_str(),
    }
}

fn items(config: &Value, name: &str) -> Vec<Value> {
    match config.attr(name) {
        Some(Value::List(items)) => items.clone(),
        _ => Vec::new(),
    }
}

fn limit(config: &Value, name: &str) -> Option<i64> {
    config.attr("limits")?.attr(name)?.as_number()?.to_i64()
}

/// Exports of one type may not overlap: one subject may not lie within another.
fn check_exports(config: &Value, diagnostics: &mut Diagnostics) {
    let exports = items(config, "exports");
    for (index, export) in exports.iter().enumerate() {
        let (Some(subject), Some(kind_here)) = (text(export, "subject"), kind(export)) else {
            continue;
        };
        let covering = exports.iter().enumerate().find(|(other, e)| {
            *other != index
                && kind(e) == Some(kind_here)
                && text(e, "subject").is_some_and(|outer| {
                    subject_contains(outer, subject) && (outer != subject || *other < index)
                })
        });
        if let Some((other, e)) = covering {
            diagnostics.attribute_error(
                &AttributePath::attr("exports").index(index).child("subject"),
                "Overlapping exports",
                format!(
                    "{kind_here} export {subject:?} lies within exports[{other}] ({:?}): nats-io/jwt refuses an account whose {kind_here} exports overlap, so the server would not take it. Remove one, or make the subjects disjoint.",
                    text(e, "subject").unwrap_or_default()
                ),
            );
        }
        check_token_position(export, index, subject, diagnostics);
    }
    let wildcards_allowed = config
        .attr("limits")
        .and_then(|l| l.attr("wildcard_exports"))
        .and_then(Value::as_bool)
        != Some(false);
    if !wildcards_allowed {
        for (index, export) in exports.iter().enumerate() {
            if text(export, "subject").is_some_and(|s| s.split('.').any(|t| t == "*" || t == ">")) {
                diagnostics.attribute_error(
                    &AttributePath::attr("exports").index(index).child("subject"),
                    "Wildcard export not allowed",
                    "`limits.wildcard_exports` is false, so exported subjects may not contain `*` or `>`.",
                );
            }
        }
    }
    for (name, count) in [
        ("exports", exports.len()),
        ("imports", items(config, "imports").len()),
    ] {
        if let Some(max) = limit(config, name).filter(|max| *max >= 0) {
            if i64::try_from(count).unwrap_or(i64::MAX) > max {
                diagnostics.attribute_error(
                    &AttributePath::attr("limits").child(name),
                    format!("More {name} than allowed"),
                    format!("The account has {count} {name}, but `limits.{name}` allows {max}: the server refuses such an account. Raise the limit (`-1`: unlimited) or remove {name}."),
                );
            }
        }
    }
}

/// `account_token_position` names a `*` token of a wildcard subject.
fn check_token_position(
    export: &Value,
    index: usize,
    subject: &str,
    diagnostics: &mut Diagnostics,
) {
    let Some(position) = export
        .attr("account_token_position")
        .and_then(Value::as_number)
        .and_then(|n| n.to_i64())
        .filter(|p| *p > 0)
    else {
        return;
    };
    let tokens: Vec<&str> = subject.split('.').collect();
    let at = usize::try_from(position - 1)
        .ok()
        .and_then(|i| tokens.get(i));
    if at != Some(&"*") {
        diagnostics.attribute_error(
            &AttributePath::attr("exports").index(index).child("account_token_position"),
            "Invalid account token position",
            format!("Token {position} of {subject:?} must be `*` (the importing account's key goes there); the subject has {} tokens.", tokens.len()),
        );
    }
}

/// Service imports from one account may not overlap in their local subjects; tokens
/// must be for this account, from the exporter, of the import's type and subject.
fn check_imports(config: &Value, diagnostics: &mut Diagnostics) {
    let imports = items(config, "imports");
    let local = |i: &Value| {
        text(i, "local_subject")
            .or(text(i, "subject"))
            .map(str::to_owned)
    };
    for (index, import) in imports.iter().enumerate() {
        let path = AttributePath::attr("imports").index(index);
        if kind(import) == Some("service") {
            let overlapping = imports.iter().enumerate().find(|(other, i)| {
                *other < index
                    && kind(i) == Some("service")
                    && text(i, "account").is_some()
                    && text(i, "account") == text(import, "account")
                    && match (local(i), local(import)) {
                        (Some(a), Some(b)) => subject_contains(&a, &b) || subject_contains(&b, &a),
                        _ => false,
                    }
            });
            if let Some((other, _)) = overlapping {
                diagnostics.attribute_error(
                    &path.child("subject"),
                    "Overlapping service imports",
                    format!("This service import's subject {:?} overlaps imports[{other}] from the same account: nats-io/jwt refuses it (\"overlapping subject namespace\"). Give one a disjoint `local_subject`.", local(import).unwrap_or_default()),
                );
            }
        }
        if kind(import) == Some("stream")
            && import.attr("share").and_then(Value::as_bool) == Some(true)
        {
            diagnostics.attribute_error(
                &path.child("share"),
                "Not for stream imports",
                "`share` (latency information) applies to service imports only.",
            );
        }
        check_token(config, import, &path, diagnostics);
    }
}

fn check_token(
    config: &Value,
    import: &Value,
    path: &AttributePath,
    diagnostics: &mut Diagnostics,
) {
    let Some(token) = text(import, "token") else {
        return;
    };
    let mut problem = |detail: String| {
        diagnostics.attribute_error(
            &path.child("token"),
            "Activation token does not fit",
            detail,
        )
    };
    let claims = match jwt::decode_as::<Activation>(token) {
        Ok(claims) => claims,
        Err(e) => return problem(format!("The token is not a valid activation JWT: {e}.")),
    };
    if let Some(account) = text(import, "account") {
        if claims.issuer != account && claims.nats.issuer_account != account {
            problem(format!(
                "The token is issued by {}, not by the exporting account {account}.",
                claims.issuer
            ));
        }
    }
    if let Some(me) = text(config, "public_key") {
        if claims.subject != me {
            problem(format!(
                "The token admits account {}, not this account ({me}).",
                claims.subject
            ));
        }
    }
    let token_kind = match claims.nats.import_type {
        jwt::ExportType::Stream => "stream",
        jwt::ExportType::Service => "service",
    };
    if kind(import).is_some_and(|k| k != token_kind) {
        problem(format!(
            "The token grants a {token_kind} import; this import's `type` differs."
        ));
    }
    if let Some(subject) = text(import, "subject") {
        if !subject_contains(&claims.nats.import_subject, subject) {
            problem(format!(
                "The token grants {:?}, which does not cover the import's subject {subject:?}.",
                claims.nats.import_subject
            ));
        }
    }
}

/// Mapping destinations are literal subjects (or `{{...}}` templates), never wildcards.
fn check_mappings(config: &Value, diagnostics: &mut Diagnostics) {
    for (index, mapping) in items(config, "mappings").iter().enumerate() {
        if text(mapping, "destination").is_some_and(|d| d.split('.').any(|t| t == "*" || t == ">"))
        {
            diagnostics.attribute_error(
                &AttributePath::attr("mappings").index(index).child("destination"),
                "Wildcard in a mapping destination",
                "A weighted mapping's destination may not contain `*` or `>`; use `{{wildcard(1)}}` to carry a matched token over.",
            );
        }
    }
}

pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    check_exports(config, diagnostics);
    check_imports(config, diagnostics);
    check_mappings(config, diagnostics);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn containment_follows_nats_wildcards() {
        assert!(subject_contains("orders.>", "orders.new"));
        assert!(subject_contains("orders.>", "orders.*.x"));
        assert!(subject_contains("orders.*", "orders.new"));
        assert!(subject_contains("a.b", "a.b"));
        assert!(!subject_contains("orders.*", "orders.>"));
        assert!(!subject_contains("orders.*", "orders.a.b"));
        assert!(!subject_contains("orders.new", "orders.*"));
        assert!(!subject_contains("orders.>", "orders"));
        assert!(!subject_contains("a.b", "a.b.c"));
    }
}
