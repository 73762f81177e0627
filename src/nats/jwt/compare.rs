//! Whether a claims body rebuilt from natsforge's arguments says exactly what a JWT
//! written elsewhere (by nsc, another tool) says, and where it does not.
//!
//! Compared as JSON the way nats-io/jwt writes it: a missing value equals its zero
//! (`0`, `""`, `false`, `[]`, `{}`), because Go omits those; lists compare as
//! multisets where their order carries no meaning to the server.

use serde_json::Value;

/// The paths (`exports[0].revocations`, `authorization`) of values in `original` that
/// `rebuilt` does not reproduce. Empty when the two say the same.
pub fn unexpressed(original: &Value, rebuilt: &Value) -> Vec<String> {
    let mut paths = Vec::new();
    diff(original, rebuilt, String::new(), &mut paths);
    paths
}

fn is_zero(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_empty_container),
    }
}

/// Go writes struct fields such as `default_permissions: {"pub": {}, "sub": {}}`
/// whether or not they say anything: empty all the way down is the same as absent.
/// An object holding zero numbers (`resp: {"max": 0}`) is not.
fn is_empty_container(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.values().all(is_empty_container),
        _ => false,
    }
}

fn same(a: &Value, b: &Value) -> bool {
    let mut paths = Vec::new();
    diff(a, b, String::new(), &mut paths);
    paths.is_empty()
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn diff(original: &Value, rebuilt: &Value, path: String, out: &mut Vec<String>) {
    if is_zero(original) && is_zero(rebuilt) {
        return;
    }
    match (original, rebuilt) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                diff(
                    value,
                    b.get(key).unwrap_or(&Value::Null),
                    join(&path, key),
                    out,
                );
            }
            for (key, value) in b {
                if !a.contains_key(key) && !is_zero(value) {
                    out.push(join(&path, key));
                }
            }
        }
        // An object of zeros still says something by being there (`resp`).
        (Value::Object(a), other) if is_zero(other) && a.values().all(is_zero) => out.push(path),
        (Value::Object(a), other) if is_zero(other) => {
            for (key, value) in a {
                diff(value, &Value::Null, join(&path, key), out);
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            let in_order = a.iter().zip(b).all(|(x, y)| same(x, y));
            let mut unused: Vec<&Value> = b.iter().collect();
            let as_set = a
                .iter()
                .all(|x| match unused.iter().position(|y| same(x, y)) {
                    Some(found) => {
                        unused.remove(found);
                        true
                    }
                    None => false,
                });
            if !in_order && !as_set {
                for (index, (x, y)) in a.iter().zip(b).enumerate() {
                    diff(x, y, format!("{path}[{index}]"), out);
                }
            }
        }
        (Value::Number(a), Value::Number(b)) => {
            let equal = match (a.as_i64(), b.as_i64()) {
                (Some(x), Some(y)) => x == y,
                _ => a.as_f64() == b.as_f64(),
            };
            if !equal {
                out.push(path);
            }
        }
        (a, b) if a == b => {}
        _ => out.push(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_values_equal_their_zero_and_order_of_lists_does_not_matter() {
        let original = json!({"limits": {"subs": -1, "conn": 0, "wildcards": false},
            "tags": ["b", "a"], "exports": [], "default_permissions": {"pub": {}, "sub": {}}});
        let rebuilt = json!({"limits": {"subs": -1}, "tags": ["a", "b"]});
        assert!(unexpressed(&original, &rebuilt).is_empty());
    }

    #[test]
    fn what_the_rebuilt_body_lacks_or_changes_is_named_by_path() {
        let original = json!({
            "exports": [{"subject": "a", "revocations": {"U1": 5}}],
            "authorization": {"auth_users": ["U2"]},
            "limits": {"subs": 10},
            "resp": {"max": 0, "ttl": 0}
        });
        let rebuilt = json!({"exports": [{"subject": "a"}], "limits": {"subs": 11}, "extra": 1});
        assert_eq!(
            unexpressed(&original, &rebuilt),
            vec![
                "exports[0].revocations.U1",
                "authorization.auth_users",
                "limits.subs",
                "resp",
                "extra"
            ]
        );
    }
}
