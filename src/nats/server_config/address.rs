//! Listener addresses and URLs as nats-server reads them, checked before a file is
//! written: some mistakes pass `nats-server -t` and only fail when the server starts
//! (a port above 65535) or never show at all (a route without a port is dialled
//! forever; a leaf node listener on port 0 is silently off).
//!
//! Problems are sentences about the value; URLs are shown without their password.

use super::super::leafnodes::redact_url;
use std::net::Ipv6Addr;

/// What a port of 0 would mean to nats-server for one kind of listener, and so why it
/// is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// `listen`: 0 means the default port 4222.
    Client,
    /// `http`, `leafnodes.listen`, `cluster.listen`: 0 turns the listener off.
    OffAtZero,
}

/// The port nats-server takes from the kernel when configured as -1.
pub const RANDOM_PORT: i64 = -1;

/// Schemes of leaf node remote URLs (`ws`/`wss` select WebSocket).
pub const LEAF_SCHEMES: &[&str] = &["nats-leaf", "nats", "tls", "ws", "wss"];
/// Schemes of cluster route URLs.
pub const ROUTE_SCHEMES: &[&str] = &["nats-route", "nats", "tls"];

/// Go's `net.SplitHostPort`: `host:port`, `[v6]:port`, `:port`.
fn split_host_port(text: &str) -> Result<(&str, &str), String> {
    if let Some(rest) = text.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("{text:?} opens `[` without closing it"))?;
        let port = after
            .strip_prefix(':')
            .ok_or_else(|| format!("{text:?} has no port (`[host]:port`)"))?;
        return Ok((host, port));
    }
    let (host, port) = text
        .rsplit_once(':')
        .ok_or_else(|| format!("{text:?} has no port"))?;
    if host.contains(':') {
        return Err(format!(
            "{text:?}: an IPv6 address must be in brackets, e.g. `[::1]:4222`"
        ));
    }
    Ok((host, port))
}

/// A host name, an IPv4 address or (bracketed by the caller) an IPv6 address.
fn check_host(host: &str, bracketed: bool) -> Result<(), String> {
    if bracketed {
        let address = host.split('%').next().unwrap_or(host);
        return address
            .parse::<Ipv6Addr>()
            .map(drop)
            .map_err(|_| format!("`[{host}]` is not an IPv6 address"));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_');
    match host.chars().find(|c| !allowed(*c)) {
        Some(bad) => Err(format!(
            "the host {host:?} contains {bad:?}; a host is a name (letters, digits, `-`, `.`, `_`), an IPv4 address or a bracketed IPv6 address"
        )),
        None => Ok(()),
    }
}

fn parse_port(port: &str, context: &str) -> Result<i64, String> {
    let digits = port.strip_prefix('-').unwrap_or(port);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("{context}: the port {port:?} is not a number"));
    }
    port.parse::<i64>()
        .map_err(|_| format!("{context}: the port {port} is out of range (1 to 65535)"))
}

fn check_port_range(port: i64, context: &str) -> Result<(), String> {
    if (1..=65535).contains(&port) {
        Ok(())
    } else {
        Err(format!(
            "{context}: the port {port} is out of range (1 to 65535)"
        ))
    }
}

/// A listener's `host:port`: the host may be empty (every interface), the port is
/// 1 to 65535 or -1 (a port the server picks).
pub fn check_listen(text: &str, listener: Listener) -> Result<(), String> {
    let (host, port) = split_host_port(text)?;
    check_host(host, text.starts_with('['))?;
    match parse_port(port, text)? {
        RANDOM_PORT => Ok(()),
        0 => Err(match listener {
            Listener::Client => format!(
                "{text:?}: port 0 makes nats-server use 4222; write the port you mean (or -1 for one the server picks)"
            ),
            Listener::OffAtZero => format!(
                "{text:?}: port 0 turns this listener off; leave the attribute unset instead"
            ),
        }),
        port => check_port_range(port, text),
    }
}

/// An address told to others (`advertise`): a host and a real port, both explicit.
pub fn check_advertise(text: &str) -> Result<(), String> {
    let (host, port) = split_host_port(text)?;
    if host.is_empty() {
        return Err(format!("{text:?} has no host"));
    }
    check_host(host, text.starts_with('['))?;
    check_port_range(parse_port(port, text)?, text)
}

/// The parts of a URL that nats-server dials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlParts<'a> {
    /// Lower case.
    pub scheme: String,
    pub host: &'a str,
    pub port: Option<u16>,
}

/// Characters RFC 3986 allows in the `user:password` part (others must be
/// %-encoded), as Go's URL parser checks them.
fn userinfo_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:%@".contains(c)
}

/// `scheme://[user[:password]@]host[:port][/path]`, refusing what Go's URL parser
/// refuses or misreads: no scheme, spaces, an empty host, a port that is no port.
pub fn parse_url(text: &str) -> Result<UrlParts<'_>, String> {
    let shown = redact_url(text);
    if let Some(bad) = text.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("{shown:?} contains {bad:?}"));
    }
    let (scheme, rest) = text
        .split_once("://")
        .ok_or_else(|| format!("{shown:?} has no scheme (`nats-leaf://`, `nats-route://`, ...)"))?;
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let host_port = match authority.rsplit_once('@') {
        Some((userinfo, host_port)) => {
            if let Some(bad) = userinfo.chars().find(|c| !userinfo_char(*c)) {
                return Err(format!(
                    "{shown:?}: the user or password contains {bad:?}, which must be %-encoded"
                ));
            }
            host_port
        }
        None => authority,
    };
    let (host, port) = if let Some(inner) = host_port.strip_prefix('[') {
        let (host, after) = inner
            .split_once(']')
            .ok_or_else(|| format!("{shown:?} opens `[` without closing it"))?;
        check_host(host, true)?;
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => return Err(format!("{shown:?}: unexpected {after:?} after the host")),
            },
        }
    } else {
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        };
        check_host(host, false)?;
        (host, port)
    };
    if host.is_empty() {
        return Err(format!("{shown:?} has no host"));
    }
    let port = match port {
        None => None,
        Some(port) => {
            if port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!("{shown:?}: the port {port:?} is not a number"));
            }
            let number = port.parse::<i64>().unwrap_or(i64::MAX);
            check_port_range(number, &shown)?;
            u16::try_from(number).ok()
        }
    };
    Ok(UrlParts {
        scheme: scheme.to_ascii_lowercase(),
        host,
        port,
    })
}

/// A URL with one of `schemes`; `port_required` for routes, which nats-server dials
/// as given (a leaf node URL without a port gets the scheme's default).
pub fn check_url(text: &str, schemes: &[&str], port_required: bool) -> Result<(), String> {
    let parts = parse_url(text)?;
    let shown = redact_url(text);
    if !schemes.contains(&parts.scheme.as_str()) {
        let listed: Vec<String> = schemes.iter().map(|s| format!("`{s}://`")).collect();
        return Err(format!(
            "{shown:?}: the scheme `{}` is not one of {}",
            parts.scheme,
            listed.join(", ")
        ));
    }
    if port_required && parts.port.is_none() {
        return Err(format!("{shown:?} has no port"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listeners_take_host_port_with_a_real_or_random_port() {
        for good in [
            "127.0.0.1:4222",
            ":4222",
            "0.0.0.0:-1",
            "[::1]:7422",
            "hub-1.example.com:65535",
            "[fe80::1%eth0]:1",
        ] {
            assert_eq!(check_listen(good, Listener::OffAtZero), Ok(()), "{good}");
        }
        let problem = |text| check_listen(text, Listener::OffAtZero).unwrap_err();
        assert!(problem("127.0.0.1").contains("has no port"));
        assert!(problem("4222").contains("has no port"));
        assert!(problem("127.0.0.1:70000").contains("out of range (1 to 65535)"));
        assert!(problem("127.0.0.1:99999999999999999999").contains("out of range"));
        assert!(problem("127.0.0.1:-2").contains("out of range"));
        assert!(problem("127.0.0.1:http").contains("is not a number"));
        assert!(problem("127.0.0.1:").contains("is not a number"));
        assert!(problem("::1:4222").contains("brackets"));
        assert!(problem("[::1:4222").contains("without closing"));
        assert!(problem("[nothost]:4222").contains("not an IPv6 address"));
        assert!(problem("my host:4222").contains("contains ' '"));
        assert!(problem("h\"}:4222").contains("contains '\"'"));
        assert!(problem("127.0.0.1:0").contains("turns this listener off"));
        assert!(check_listen("127.0.0.1:0", Listener::Client)
            .unwrap_err()
            .contains("4222"));
    }

    #[test]
    fn advertised_addresses_need_a_host_and_a_real_port() {
        assert_eq!(check_advertise("hub.example.com:7422"), Ok(()));
        assert_eq!(check_advertise("[2001:db8::1]:7422"), Ok(()));
        assert!(check_advertise("hub.example.com")
            .unwrap_err()
            .contains("has no port"));
        assert!(check_advertise(":7422")
            .unwrap_err()
            .contains("has no host"));
        assert!(check_advertise("hub:-1")
            .unwrap_err()
            .contains("out of range"));
        assert!(check_advertise("hub:0")
            .unwrap_err()
            .contains("out of range"));
    }

    #[test]
    fn urls_need_a_scheme_a_host_and_a_numeric_port_when_given() {
        let leaf = ["nats-leaf", "nats", "tls", "ws", "wss"];
        for good in [
            "nats-leaf://127.0.0.1:7422",
            "NATS://hub",
            "wss://hub.example.com/leafnode",
            "tls://user:p%40ss$@hub:7422",
            "nats://[::1]:7422",
            "nats://[::1]",
        ] {
            assert_eq!(check_url(good, &leaf, false), Ok(()), "{good}");
        }
        let problem = |text| check_url(text, &leaf, false).unwrap_err();
        assert!(problem("127.0.0.1:7422").contains("has no scheme"));
        assert!(problem("hub.example.com:7422").contains("has no scheme"));
        assert!(problem("http://hub:7422").contains("`http` is not one of `nats-leaf://`"));
        assert!(problem("nats://:7422").contains("has no host"));
        assert!(problem("nats://hub:74x2").contains("is not a number"));
        assert!(problem("nats://hub:70000").contains("out of range"));
        assert!(problem("nats://hub:0").contains("out of range"));
        assert!(problem("nats://hub :7422").contains("contains ' '"));
        assert!(problem("nats://hub\n:7422").contains("contains '\\n'"));
        assert!(problem("nats://a\"b@hub:7422").contains("must be %-encoded"));
        assert!(problem("nats://h}ub:7422").contains("contains '}'"));
        assert!(problem("nats://[::1]x").contains("unexpected"));
        let route = check_url("nats-route://10.0.0.1", &["nats-route", "nats"], true);
        assert!(route.unwrap_err().contains("has no port"));
    }

    #[test]
    fn passwords_never_appear_in_problems() {
        let problem = check_url("http://user:secretpw@hub:7422", &["nats"], false).unwrap_err();
        assert!(!problem.contains("secretpw"), "{problem}");
        let problem = check_url("nats://user:secret pw@hub:7422", &["nats"], false).unwrap_err();
        assert!(!problem.contains("secret"), "{problem}");
    }
}
