//! What the nkey, operator, account and user resources share: key kinds and the
//! checks that tell a user which kind of key they passed (never echoing a seed),
//! expiry times and durations. Permissions live in `auth_permissions`.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::validators::StringRule;
use crate::framework::value::{AttributePath, Value};
use crate::nats::Secret;
use nkeys::KeyPair;
use nkeys::XKey;
use std::time::{SystemTime, UNIX_EPOCH};

/// The kinds of nkey, by the letter their public keys start with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    Operator,
    Account,
    User,
    Server,
    Cluster,
    Curve,
}

impl KeyKind {
    pub const NAMES: &'static [&'static str] =
        &["operator", "account", "user", "server", "cluster", "curve"];

    pub fn from_name(name: &str) -> Option<KeyKind> {
        Some(match name {
            "operator" => KeyKind::Operator,
            "account" => KeyKind::Account,
            "user" => KeyKind::User,
            "server" => KeyKind::Server,
            "cluster" => KeyKind::Cluster,
            "curve" => KeyKind::Curve,
            _ => return None,
        })
    }

    fn from_prefix(prefix: char) -> Option<KeyKind> {
        Some(match prefix {
            'O' => KeyKind::Operator,
            'A' => KeyKind::Account,
            'U' => KeyKind::User,
            'N' => KeyKind::Server,
            'C' => KeyKind::Cluster,
            'X' => KeyKind::Curve,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            KeyKind::Operator => "operator",
            KeyKind::Account => "account",
            KeyKind::User => "user",
            KeyKind::Server => "server",
            KeyKind::Cluster => "cluster",
            KeyKind::Curve => "curve",
        }
    }

    pub fn prefix(self) -> char {
        match self {
            KeyKind::Operator => 'O',
            KeyKind::Account => 'A',
            KeyKind::User => 'U',
            KeyKind::Server => 'N',
            KeyKind::Cluster => 'C',
            KeyKind::Curve => 'X',
        }
    }

    /// A fresh key pair: its public key and its seed.
    pub fn generate(self) -> Result<(String, Secret), String> {
        let unreadable = |e: nkeys::error::Error| format!("cannot encode the new seed: {e}");
        if self == KeyKind::Curve {
            let key = XKey::new();
            return Ok((
                key.public_key(),
                Secret::new(key.seed().map_err(unreadable)?),
            ));
        }
        let key = KeyPair::new(match self {
            KeyKind::Operator => nkeys::KeyPairType::Operator,
            KeyKind::Account => nkeys::KeyPairType::Account,
            KeyKind::User => nkeys::KeyPairType::User,
            KeyKind::Server => nkeys::KeyPairType::Server,
            KeyKind::Cluster => nkeys::KeyPairType::Cluster,
            KeyKind::Curve => nkeys::KeyPairType::Curve,
        });
        Ok((
            key.public_key(),
            Secret::new(key.seed().map_err(unreadable)?),
        ))
    }
}

/// The kind and public key of a seed. Errors describe the seed without quoting it.
pub fn inspect_seed(seed: &str) -> Result<(KeyKind, String), String> {
    let seed = seed.trim();
    let kind = seed
        .strip_prefix('S')
        .and_then(|rest| rest.chars().next())
        .and_then(KeyKind::from_prefix);
    let not_a_seed = || {
        "is not an nkey seed (seeds start with `S` followed by the key kind, e.g. `SA` for an account, and carry a checksum)".to_string()
    };
    let kind = kind.ok_or_else(not_a_seed)?;
    let public_key = if kind == KeyKind::Curve {
        XKey::from_seed(seed)
            .map_err(|_| not_a_seed())?
            .public_key()
    } else {
        KeyPair::from_seed(seed)
            .map_err(|_| not_a_seed())?
            .public_key()
    };
    Ok((kind, public_key))
}

/// The public key of a seed that must be of `expected` kind.
pub fn seed_public_key(seed: &str, expected: KeyKind) -> Result<String, String> {
    let (kind, public_key) = inspect_seed(seed)?;
    if kind == expected {
        Ok(public_key)
    } else {
        Err(format!(
            "is {} {} seed (S{}...), but {} {} seed (S{}...) is needed",
            article(kind),
            kind.name(),
            kind.prefix(),
            article(expected),
            expected.name(),
            expected.prefix()
        ))
    }
}

/// The signing key pair of a seed of `expected` kind.
pub fn signer(seed: &Secret, expected: KeyKind) -> Result<KeyPair, String> {
    seed_public_key(seed.expose(), expected)?;
    KeyPair::from_seed(seed.expose().trim()).map_err(|_| "is not an nkey seed".to_string())
}

fn article(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Operator | KeyKind::Account => "an",
        _ => "a",
    }
}

/// Checks that `key` is a well-formed public key of `expected` kind.
pub fn check_public_key(key: &str, expected: KeyKind) -> Result<(), String> {
    let looks_like_seed = key.starts_with('S') && key.len() > 2;
    if looks_like_seed && inspect_seed(key).is_ok() {
        return Err("is a seed, not a public key: never put a seed where a public key goes".into());
    }
    let valid = if expected == KeyKind::Curve {
        XKey::from_public_key(key).is_ok()
    } else {
        nkeys::from_public_key(key).is_ok()
    };
    let kind = key.chars().next().and_then(KeyKind::from_prefix);
    match (valid, kind) {
        (true, Some(kind)) if kind == expected => Ok(()),
        (true, Some(kind)) => Err(format!(
            "{key:?} is {} {} public key, but {} {} public key ({}...) is needed",
            article(kind),
            kind.name(),
            article(expected),
            expected.name(),
            expected.prefix()
        )),
        _ => Err(format!(
            "{key:?} is not a valid nkey public key (56 characters starting with {}, with a checksum)",
            expected.prefix()
        )),
    }
}

fn operator_seed(seed: &str) -> Result<(), String> {
    seed_public_key(seed, KeyKind::Operator).map(drop)
}

fn account_seed(seed: &str) -> Result<(), String> {
    seed_public_key(seed, KeyKind::Account).map(drop)
}

fn any_seed(seed: &str) -> Result<(), String> {
    inspect_seed(seed).map(drop)
}

fn operator_key(key: &str) -> Result<(), String> {
    check_public_key(key, KeyKind::Operator)
}

fn account_key(key: &str) -> Result<(), String> {
    check_public_key(key, KeyKind::Account)
}

fn user_key(key: &str) -> Result<(), String> {
    check_public_key(key, KeyKind::User)
}

pub const OPERATOR_SEED: StringRule = StringRule {
    allowed: "an operator seed (`SO...`)",
    rule: operator_seed,
};
pub const ACCOUNT_SEED: StringRule = StringRule {
    allowed: "an account seed (`SA...`)",
    rule: account_seed,
};
pub const ANY_SEED: StringRule = StringRule {
    allowed: "an nkey seed",
    rule: any_seed,
};
pub const OPERATOR_KEY: StringRule = StringRule {
    allowed: "an operator public key (`O...`)",
    rule: operator_key,
};
pub const ACCOUNT_KEY: StringRule = StringRule {
    allowed: "an account public key (`A...`)",
    rule: account_key,
};
pub const USER_KEY: StringRule = StringRule {
    allowed: "a user public key (`U...`)",
    rule: user_key,
};

// --- time ----------------------------------------------------------------------

pub fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// An RFC 3339 timestamp (as Terraform's `timestamp()` and `timeadd()` write them)
/// as unix seconds.
pub fn parse_timestamp(text: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|_| format!("{text:?} is not an RFC 3339 timestamp such as 2030-01-31T23:59:59Z"))
}

/// Unix seconds as the RFC 3339 text [`parse_timestamp`] reads back.
pub fn format_timestamp(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

fn timestamp_rule(text: &str) -> Result<(), String> {
    parse_timestamp(text).map(drop)
}

pub const TIMESTAMP: StringRule = StringRule {
    allowed: "an RFC 3339 timestamp, e.g. `2030-01-31T23:59:59Z`",
    rule: timestamp_rule,
};

/// A Go-style duration (`90s`, `15m`, `1h30m`, `250ms`) in nanoseconds.
pub fn parse_duration_nanos(text: &str) -> Result<i64, String> {
    let bad = || format!("{text:?} is not a duration such as 500ms, 30s, 15m or 1h30m");
    let mut total: i64 = 0;
    let mut rest = text.trim();
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        if digits == 0 {
            return Err(bad());
        }
        let amount: i64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let nanos: i64 = match &rest[..unit_len] {
            "ns" => 1,
            "us" | "µs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total = amount
            .checked_mul(nanos)
            .and_then(|n| total.checked_add(n))
            .ok_or_else(bad)?;
    }
    Ok(total)
}

/// Nanoseconds as the shortest text [`parse_duration_nanos`] reads back exactly
/// (`2s`, `90s`, `1h`, `1500ms`).
pub fn format_duration_nanos(nanos: i64) -> String {
    const UNITS: [(&str, i64); 6] = [
        ("h", 3_600_000_000_000),
        ("m", 60_000_000_000),
        ("s", 1_000_000_000),
        ("ms", 1_000_000),
        ("us", 1_000),
        ("ns", 1),
    ];
    UNITS
        .iter()
        .find(|(_, size)| nanos % size == 0)
        .map(|(unit, size)| format!("{}{unit}", nanos / size))
        .unwrap_or_else(|| format!("{nanos}ns"))
}

fn duration_rule(text: &str) -> Result<(), String> {
    parse_duration_nanos(text).map(drop)
}

pub const DURATION: StringRule = StringRule {
    allowed: "a duration such as `500ms`, `30s`, `15m` or `1h30m`",
    rule: duration_rule,
};

// --- plan-time helpers --------------------------------------------------------------

/// A string attribute of the configuration, when known and set.
pub fn config_str<'a>(config: &'a Value, name: &str) -> Option<&'a str> {
    config.attr(name).and_then(Value::as_str)
}

/// When an expiry is set and already past, the JWT would be refused at once.
pub fn check_expiry(config: &Value, diagnostics: &mut Diagnostics) {
    if let Some(expires) = config_str(config, "expires") {
        if let Ok(at) = parse_timestamp(expires) {
            if at <= unix_now() {
                diagnostics.attribute_error(
                    &AttributePath::attr("expires"),
                    "Expiry in the past",
                    format!(
                        "{expires} has already passed: a JWT issued now would be refused at once."
                    ),
                );
            }
        }
    }
}

/// Whether any of `names` differs between the planned values and the prior state.
pub fn any_changed(planned: &Value, prior: &Value, names: &[&str]) -> bool {
    names
        .iter()
        .any(|name| match (planned.attr(name), prior.attr(name)) {
            (Some(a), Some(b)) => !a.eq_semantic(b),
            (a, b) => a.is_some() != b.is_some(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_recognised_by_kind_without_echoing_them() {
        let (public, seed) = KeyKind::Account.generate().unwrap();
        assert_eq!(
            seed_public_key(seed.expose(), KeyKind::Account).unwrap(),
            public
        );
        let wrong = seed_public_key(seed.expose(), KeyKind::Operator).unwrap_err();
        assert!(wrong.contains("an account seed (SA...)"), "{wrong}");
        assert!(!wrong.contains(seed.expose()));
        let garbage = inspect_seed("SAnotreallyaseed").unwrap_err();
        assert!(!garbage.contains("SAnot"));
        let (curve, curve_seed) = KeyKind::Curve.generate().unwrap();
        assert!(curve.starts_with('X'));
        assert_eq!(inspect_seed(curve_seed.expose()).unwrap().1, curve);
    }

    #[test]
    fn public_keys_of_the_wrong_kind_or_shape_are_named() {
        let (user, seed) = KeyKind::User.generate().unwrap();
        assert!(check_public_key(&user, KeyKind::User).is_ok());
        assert!(check_public_key(&user, KeyKind::Account)
            .unwrap_err()
            .contains("a user public key"));
        assert!(check_public_key("ABC", KeyKind::Account)
            .unwrap_err()
            .contains("not a valid"));
        let seed_error = check_public_key(seed.expose(), KeyKind::User).unwrap_err();
        assert!(!seed_error.contains(seed.expose()));
    }

    #[test]
    fn durations_and_timestamps() {
        assert_eq!(parse_duration_nanos("1h30m").unwrap(), 5_400_000_000_000);
        assert_eq!(parse_duration_nanos("250ms").unwrap(), 250_000_000);
        for bad in ["", "5", "s", "1x", "1.5h"] {
            assert!(parse_duration_nanos(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_timestamp("2030-01-01T00:00:00Z").unwrap(),
            1_893_456_000
        );
        assert!(parse_timestamp("tomorrow").is_err());
        for nanos in [
            1,
            250_000_000,
            2_000_000_000,
            90_000_000_000,
            3_600_000_000_000,
        ] {
            assert_eq!(
                parse_duration_nanos(&format_duration_nanos(nanos)).unwrap(),
                nanos
            );
        }
        assert_eq!(format_duration_nanos(60_000_000_000), "1m");
        assert_eq!(format_timestamp(1_893_456_000), "2030-01-01T00:00:00Z");
    }
}
