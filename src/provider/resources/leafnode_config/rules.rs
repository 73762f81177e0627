//! What each attribute of `nats_leafnode_config` allows, as validators: the same words
//! are the documentation's and the diagnostic's. The checks themselves are the NATS
//! layer's (how nats-server reads an address, a URL, an include, a fragment).

use crate::framework::validators::StringRule;
use crate::nats::server_config::address::{
    check_advertise, check_listen, check_url, Listener, LEAF_SCHEMES, ROUTE_SCHEMES,
};
use crate::nats::server_config::fragment::top_level_keys;
use crate::nats::server_config::include_problem;

const LISTENER: &str = "`host:port` with a port from 1 to 65535 (or -1: one the server picks); an empty host listens on every interface";

fn client_listen(text: &str) -> Result<(), String> {
    check_listen(text, Listener::Client)
}

fn other_listen(text: &str) -> Result<(), String> {
    check_listen(text, Listener::OffAtZero)
}

/// `listen`: port 0 would mean 4222.
pub const CLIENT_LISTEN: StringRule = StringRule {
    allowed: LISTENER,
    rule: client_listen,
};

/// `http`, `leafnodes.listen`, `cluster.listen`: port 0 would turn the listener off.
pub const LISTEN: StringRule = StringRule {
    allowed: LISTENER,
    rule: other_listen,
};

pub const ADVERTISE: StringRule = StringRule {
    allowed: "`host:port` with a host and a port from 1 to 65535",
    rule: check_advertise,
};

fn leaf_url(text: &str) -> Result<(), String> {
    check_url(text, LEAF_SCHEMES, false)
}

pub const LEAF_URL: StringRule = StringRule {
    allowed: "a URL `nats-leaf://`, `nats://`, `tls://`, `ws://` or `wss://` with a host and an optional port (1 to 65535); a password must be %-encoded",
    rule: leaf_url,
};

fn route_url(text: &str) -> Result<(), String> {
    check_url(text, ROUTE_SCHEMES, true)
}

pub const ROUTE_URL: StringRule = StringRule {
    allowed: "a URL `nats-route://`, `nats://` or `tls://` with a host and a port (1 to 65535)",
    rule: route_url,
};

fn no_spaces(name: &str) -> Result<(), String> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Err(format!(
            "{name:?}: nats-server refuses an empty name or one with spaces"
        ))
    } else {
        Ok(())
    }
}

/// nats-server refuses server and cluster names with spaces at start-up.
pub const NAME: StringRule = StringRule {
    allowed: "a name without spaces or control characters",
    rule: no_spaces,
};

fn file_path(path: &str) -> Result<(), String> {
    if path.is_empty() {
        return Err("a path cannot be empty".into());
    }
    match path.chars().find(|c| c.is_control()) {
        // Most often the trailing newline of a heredoc or a file().
        Some(bad) => Err(format!("{path:?} contains the control character {bad:?}")),
        None => Ok(()),
    }
}

/// A file or directory path: nats-server reads quoted strings back exactly.
pub const FILE_PATH: StringRule = StringRule {
    allowed: "a path without control characters",
    rule: file_path,
};

/// nats-server passes creds paths through `os.ExpandEnv` and expands a leading `~`.
pub fn creds_path(path: &str) -> Result<(), String> {
    file_path(path)?;
    if path.contains('$') {
        return Err(format!(
            "{path:?} contains `$`, which nats-server expands from its environment in creds paths"
        ));
    }
    if path.starts_with('~') {
        return Err(format!(
            "{path:?} starts with `~`, which nats-server expands to its own home directory"
        ));
    }
    Ok(())
}

pub const CREDS_PATH: StringRule = StringRule {
    allowed:
        "a path without control characters, `$` or a leading `~` (nats-server would expand them)",
    rule: creds_path,
};

fn include_path(path: &str) -> Result<(), String> {
    include_problem(path).map_or(Ok(()), Err)
}

pub const INCLUDE: StringRule = StringRule {
    allowed: "a path without control characters that does not hold both `\"` and `'`",
    rule: include_path,
};

/// The top-level keys of operator mode, as `nsc generate config` and
/// `nats_nkey_operator` write them.
const OPERATOR_KEYS: &[&str] = &[
    "operator",
    "operators",
    "system_account",
    "system",
    "resolver",
    "resolver_preload",
    "resolver_tls",
    "resolver_pinned_accounts",
    "trusted",
    "trusted_keys",
];

fn operator_config(text: &str) -> Result<(), String> {
    let keys =
        top_level_keys(text).map_err(|e| format!("the text cannot be taken in as a whole: {e}"))?;
    match keys
        .iter()
        .find(|key| !OPERATOR_KEYS.contains(&key.to_ascii_lowercase().as_str()))
    {
        Some(key) => Err(format!(
            "`{key}` is not an operator-mode setting; set it through this resource's own attributes"
        )),
        None => Ok(()),
    }
}

pub const OPERATOR_CONFIG: StringRule = StringRule {
    allowed: "operator-mode settings only (`operator`, `system_account`, `resolver`, `resolver_preload`, `resolver_tls`, `trusted_keys`, ...), as a `nats_nkey_operator`'s `server_config` or `nsc generate config` writes them: no `include`, no `$` variables",
    rule: operator_config,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_config_takes_only_operator_settings() {
        assert_eq!(
            operator_config("operator: \"eyJ\"\nsystem_account: \"A\"\nresolver: MEMORY\n"),
            Ok(())
        );
        assert!(
            operator_config("operator: \"eyJ\"\nlisten: \"0.0.0.0:4222\"")
                .unwrap_err()
                .contains("`listen` is not an operator-mode setting")
        );
        assert!(operator_config("operator: \"eyJ\"\n}\nserver_name: x")
            .unwrap_err()
            .contains("cannot be taken in as a whole"));
    }

    #[test]
    fn creds_paths_refuse_what_the_server_would_expand() {
        assert_eq!(creds_path("/etc/nats/hub user.creds"), Ok(()));
        assert!(creds_path("$HOME/x.creds").unwrap_err().contains("`$`"));
        assert!(creds_path("~/x.creds").unwrap_err().contains("`~`"));
        assert!(creds_path("x.creds\n").unwrap_err().contains("control"));
        assert!(file_path("").is_err());
    }

    #[test]
    fn names_refuse_spaces() {
        assert_eq!(no_spaces("hub-1\"}#$"), Ok(()));
        assert!(no_spaces("two words").is_err());
        assert!(no_spaces("tab\tname").is_err());
        assert!(no_spaces("").is_err());
    }
}
