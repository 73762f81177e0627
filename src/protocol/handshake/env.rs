//! What go-plugin's client (Terraform) tells a plugin through its environment,
//! parsed into plain values before anything is bound or printed.
//!
//! Parsing goes through a lookup function rather than `std::env` so the rules
//! can be tested without touching the process environment.

use std::ops::RangeInclusive;
use std::path::PathBuf;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;

use super::ServeError;

/// Name of Terraform's magic cookie variable.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
/// Terraform's magic cookie value: not a secret, only proof of "launched by Terraform".
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
/// The only plugin protocol this provider speaks (tfplugin6).
pub const PROTOCOL_VERSION: u32 = 6;
/// Our own switch to force a transport (`unix` or `tcp`), so tests can cover the TCP path.
pub const NETWORK_OVERRIDE_KEY: &str = "NATSFORGE_PLUGIN_NETWORK";

/// Which kind of socket to listen on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    Unix,
    Tcp,
}

impl Network {
    /// The spelling go-plugin uses in the handshake line and in reattach configs.
    pub fn as_str(self) -> &'static str {
        match self {
            Network::Unix => "unix",
            Network::Tcp => "tcp",
        }
    }
}

/// Everything the plugin host asked for, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginEnv {
    /// Ports allowed for the TCP fallback; `0..=0` means "any free port".
    pub tcp_ports: RangeInclusive<u16>,
    /// Where the host wants the Unix socket (it may share that directory with a sandbox).
    pub unix_socket_dir: Option<PathBuf>,
    /// Terraform's client certificate (DER) when AutoMTLS is on.
    pub client_cert: Option<CertificateDer<'static>>,
    /// Transport forced through [`NETWORK_OVERRIDE_KEY`], if any.
    pub network_override: Option<Network>,
}

/// Reads the go-plugin variables. `debug` skips the cookie and ignores AutoMTLS,
/// because in debug mode Terraform attaches later, without launching us.
pub fn read_plugin_env(
    lookup: impl Fn(&str) -> Option<String>,
    debug: bool,
) -> Result<PluginEnv, ServeError> {
    if !debug {
        if lookup(MAGIC_COOKIE_KEY).as_deref() != Some(MAGIC_COOKIE_VALUE) {
            return Err(ServeError::NotLaunchedByTerraform);
        }
        check_protocol_versions(lookup("PLUGIN_PROTOCOL_VERSIONS").as_deref())?;
    }
    let tcp_ports = port_range(
        lookup("PLUGIN_MIN_PORT").as_deref(),
        lookup("PLUGIN_MAX_PORT").as_deref(),
    )?;
    let unix_socket_dir = non_empty(lookup("PLUGIN_UNIX_SOCKET_DIR")).map(PathBuf::from);
    let client_cert = if debug {
        None
    } else {
        non_empty(lookup("PLUGIN_CLIENT_CERT"))
            .map(|pem| client_cert_from_pem(&pem))
            .transpose()?
    };
    let network_override = non_empty(lookup(NETWORK_OVERRIDE_KEY))
        .map(|value| match value.as_str() {
            "unix" => Ok(Network::Unix),
            "tcp" => Ok(Network::Tcp),
            _ => Err(ServeError::InvalidEnv {
                name: NETWORK_OVERRIDE_KEY,
                reason: format!("expected \"unix\" or \"tcp\", got {value:?}"),
            }),
        })
        .transpose()?;
    Ok(PluginEnv {
        tcp_ports,
        unix_socket_dir,
        client_cert,
        network_override,
    })
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

/// Terraform lists every protocol it can speak; we can only serve 6. An absent
/// list comes from a client too old to negotiate: we offer 6 and let it judge,
/// as go-plugin servers do. Unparsable entries are skipped, also like go-plugin.
fn check_protocol_versions(offered: Option<&str>) -> Result<(), ServeError> {
    let Some(offered) = offered.filter(|v| !v.trim().is_empty()) else {
        return Ok(());
    };
    let speaks_ours = offered
        .split(',')
        .filter_map(|v| v.trim().parse::<u32>().ok())
        .any(|v| v == PROTOCOL_VERSION);
    if speaks_ours {
        Ok(())
    } else {
        Err(ServeError::NoCommonProtocol {
            offered: offered.to_owned(),
        })
    }
}

fn port_range(min: Option<&str>, max: Option<&str>) -> Result<RangeInclusive<u16>, ServeError> {
    let parse = |name: &'static str, value: Option<&str>| -> Result<u16, ServeError> {
        match value.map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(0),
            Some(v) => v.parse::<u16>().map_err(|e| ServeError::InvalidEnv {
                name,
                reason: format!("{v:?} is not a port number: {e}"),
            }),
        }
    };
    let min = parse("PLUGIN_MIN_PORT", min)?;
    let max = parse("PLUGIN_MAX_PORT", max)?;
    if min > max {
        return Err(ServeError::InvalidEnv {
            name: "PLUGIN_MIN_PORT",
            reason: format!("{min} is greater than PLUGIN_MAX_PORT {max}"),
        });
    }
    Ok(min..=max)
}

/// The host's certificate arrives as PEM; we keep the first certificate's DER,
/// which is what we pin the TLS client to.
fn client_cert_from_pem(pem: &str) -> Result<CertificateDer<'static>, ServeError> {
    CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| ServeError::InvalidEnv {
        name: "PLUGIN_CLIENT_CERT",
        reason: format!("no PEM certificate could be read: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| map.get(key).cloned()
    }

    const COOKIE: (&str, &str) = (MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE);

    #[test]
    fn missing_or_wrong_cookie_is_refused_unless_debugging() {
        assert!(matches!(
            read_plugin_env(env(&[]), false),
            Err(ServeError::NotLaunchedByTerraform)
        ));
        assert!(matches!(
            read_plugin_env(env(&[(MAGIC_COOKIE_KEY, "nope")]), false),
            Err(ServeError::NotLaunchedByTerraform)
        ));
        assert!(read_plugin_env(env(&[]), true).is_ok());
    }

    #[test]
    fn protocol_six_must_be_offered() {
        for offered in ["6", "5,6", " 5 , 6 ", "x,6", ""] {
            let parsed =
                read_plugin_env(env(&[COOKIE, ("PLUGIN_PROTOCOL_VERSIONS", offered)]), false);
            assert!(parsed.is_ok(), "{offered:?} should be accepted");
        }
        for offered in ["5", "4,5", "60", "x"] {
            let parsed =
                read_plugin_env(env(&[COOKIE, ("PLUGIN_PROTOCOL_VERSIONS", offered)]), false);
            assert!(
                matches!(parsed, Err(ServeError::NoCommonProtocol { .. })),
                "{offered:?} should be refused"
            );
        }
    }

    #[test]
    fn defaults_when_only_the_cookie_is_set() {
        let parsed = read_plugin_env(env(&[COOKIE]), false).unwrap();
        assert_eq!(
            parsed,
            PluginEnv {
                tcp_ports: 0..=0,
                unix_socket_dir: None,
                client_cert: None,
                network_override: None,
            }
        );
    }

    #[test]
    fn port_range_and_socket_dir_are_read() {
        let parsed = read_plugin_env(
            env(&[
                COOKIE,
                ("PLUGIN_MIN_PORT", "10000"),
                ("PLUGIN_MAX_PORT", "25000"),
                ("PLUGIN_UNIX_SOCKET_DIR", "/run/plugins"),
                (NETWORK_OVERRIDE_KEY, "tcp"),
            ]),
            false,
        )
        .unwrap();
        assert_eq!(parsed.tcp_ports, 10000..=25000);
        assert_eq!(parsed.unix_socket_dir, Some(PathBuf::from("/run/plugins")));
        assert_eq!(parsed.network_override, Some(Network::Tcp));
    }

    #[test]
    fn bad_ports_and_networks_name_the_variable() {
        let cases: [&[(&str, &str)]; 4] = [
            &[COOKIE, ("PLUGIN_MIN_PORT", "seven")],
            &[COOKIE, ("PLUGIN_MAX_PORT", "70000")],
            &[
                COOKIE,
                ("PLUGIN_MIN_PORT", "30000"),
                ("PLUGIN_MAX_PORT", "20000"),
            ],
            &[COOKIE, (NETWORK_OVERRIDE_KEY, "pipe")],
        ];
        for case in cases {
            match read_plugin_env(env(case), false) {
                Err(ServeError::InvalidEnv { name, .. }) => {
                    assert!(
                        case.iter().any(|(k, _)| *k == name),
                        "{name} not in {case:?}"
                    )
                }
                other => panic!("{case:?} gave {other:?}"),
            }
        }
    }

    #[test]
    fn client_cert_pem_becomes_der_and_garbage_is_refused() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let parsed =
            read_plugin_env(env(&[COOKIE, ("PLUGIN_CLIENT_CERT", &cert.pem())]), false).unwrap();
        assert_eq!(parsed.client_cert.as_deref(), Some(cert.der().as_ref()));

        let garbage = read_plugin_env(env(&[COOKIE, ("PLUGIN_CLIENT_CERT", "hello")]), false);
        assert!(matches!(
            garbage,
            Err(ServeError::InvalidEnv {
                name: "PLUGIN_CLIENT_CERT",
                ..
            })
        ));
    }

    #[test]
    fn debug_mode_ignores_the_client_cert() {
        let parsed = read_plugin_env(env(&[("PLUGIN_CLIENT_CERT", "hello")]), true).unwrap();
        assert_eq!(parsed.client_cert, None);
    }
}
