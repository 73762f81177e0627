//! Operator claims nats-io/jwt refuses (and the server with it): a minimum server
//! version that is not `major.minor.patch`, URLs without a scheme.

use crate::framework::validators::StringRule;

fn server_version(text: &str) -> Result<(), String> {
    let parts: Vec<&str> = text.split('.').collect();
    let numeric = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(numeric) {
        Ok(())
    } else {
        Err(format!("{text:?} is not a version as major.minor.patch: the server refuses to start with this operator"))
    }
}

pub const SERVER_VERSION: StringRule = StringRule {
    allowed: "a nats-server version as `major.minor.patch`, e.g. `2.10.0`",
    rule: server_version,
};

/// `scheme://rest`: the scheme, and the rest.
fn split_scheme(text: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    (valid && !rest.is_empty()).then_some((scheme, rest))
}

fn account_server_url(text: &str) -> Result<(), String> {
    split_scheme(text)
        .map(drop)
        .ok_or_else(|| format!("{text:?} has no scheme: nats-io/jwt requires one"))
}

pub const ACCOUNT_SERVER_URL: StringRule = StringRule {
    allowed: "a URL with a scheme, e.g. `https://accounts.example.com/jwt/v1`",
    rule: account_server_url,
};

fn service_url(text: &str) -> Result<(), String> {
    let Some((scheme, rest)) = split_scheme(text) else {
        return Err(format!("{text:?} has no scheme"));
    };
    if !matches!(
        scheme.to_ascii_lowercase().as_str(),
        "nats" | "tls" | "ws" | "wss"
    ) {
        return Err(format!(
            "{text:?}: the scheme {scheme:?} is not nats, tls, ws or wss"
        ));
    }
    if rest.contains('@') {
        return Err(format!(
            "{text:?} holds credentials, which operator service URLs may not"
        ));
    }
    if rest.contains('/') {
        return Err(format!(
            "{text:?} has a path, which operator service URLs may not"
        ));
    }
    Ok(())
}

pub const SERVICE_URL: StringRule = StringRule {
    allowed: "a `nats://`, `tls://`, `ws://` or `wss://` URL of host and port, without credentials or path",
    rule: service_url,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_and_urls_as_nats_io_jwt_reads_them() {
        assert!(server_version("2.10.0").is_ok());
        for bad in ["2.10", "v2.10.0", "2.10.0-beta", "2..0"] {
            assert!(server_version(bad).is_err(), "{bad}");
        }
        assert!(account_server_url("http://host:9090/jwt/v1").is_ok());
        assert!(account_server_url("host:9090/jwt/v1").is_err());
        assert!(service_url("nats://host:4222").is_ok());
        assert!(service_url("TLS://host:4222").is_ok());
        for bad in [
            "host:4222",
            "http://host",
            "nats://u:p@host",
            "nats://host/x",
        ] {
            assert!(service_url(bad).is_err(), "{bad}");
        }
    }
}
