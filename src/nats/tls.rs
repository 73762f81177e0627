//! Building the rustls client configuration from [`TlsOptions`].
//!
//! We read CA, certificate and key ourselves (rather than handing paths to
//! async-nats) so that inline PEM works and so that a bad file is reported with
//! its option name and path instead of a bare "TLS error".

use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use super::options::TlsOptions;

/// TLS material that could not be turned into a client configuration.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("cannot read `{option}` {}: {source}", path.display())]
    ReadFile {
        option: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("`{option}` is not usable PEM: {source}")]
    BadPem {
        option: &'static str,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error("`{option}` holds no {expected}")]
    NothingFound {
        option: &'static str,
        expected: &'static str,
    },
    #[error("the CA certificate in `{option}` was refused: {source}")]
    BadCa {
        option: &'static str,
        #[source]
        source: rustls::Error,
    },
    #[error("the client certificate and key were refused (do they belong together?): {source}")]
    ClientAuth {
        #[source]
        source: rustls::Error,
    },
    #[error("cannot set up TLS: {source}")]
    Config {
        #[source]
        source: rustls::Error,
    },
    #[error("cannot set up TLS: cannot load the system CA certificates: {source}")]
    SystemRoots {
        #[source]
        source: rustls_native_certs::Error,
    },
}

/// The crypto provider natsforge uses everywhere: aws-lc-rs, because Terraform's
/// own certificates use P-521, which ring cannot verify.
fn crypto_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// Installs aws-lc-rs as the process-wide rustls provider, once.
///
/// async-nats builds its own TLS configuration with the process default when the
/// user gives no TLS options but the server requires TLS; without a default
/// rustls would panic there if more than one provider were compiled in.
pub fn install_crypto_provider() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        // Err only means another part of the process installed one first:
        // any installed provider serves async-nats equally well.
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    });
}

/// A client configuration when the user gave any TLS material, `None` when the
/// defaults of async-nats (system roots, TLS only if the server asks) will do.
pub fn client_config(tls: &TlsOptions) -> Result<Option<ClientConfig>, TlsSetupError> {
    let has_material = tls.ca_file.is_some()
        || tls.ca_pem.is_some()
        || tls.cert_file.is_some()
        || tls.cert_pem.is_some()
        || tls.insecure_skip_verify;
    if !has_material {
        return Ok(None);
    }
    let provider = crypto_provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|source| TlsSetupError::Config { source })?;
    let builder = if tls.insecure_skip_verify {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServer { provider }))
    } else {
        builder.with_root_certificates(root_store(tls)?)
    };
    let config = match client_identity(tls)? {
        Some((chain, key)) => builder
            .with_client_auth_cert(chain, key)
            .map_err(|source| TlsSetupError::ClientAuth { source })?,
        None => builder.with_no_client_auth(),
    };
    Ok(Some(config))
}

fn root_store(tls: &TlsOptions) -> Result<RootCertStore, TlsSetupError> {
    let mut store = RootCertStore::empty();
    let ca = match (&tls.ca_pem, &tls.ca_file) {
        (Some(pem), _) => Some(("ca_pem", pem.as_bytes().to_vec())),
        (None, Some(path)) => Some(("ca_file", read_file("ca_file", path)?)),
        (None, None) => None,
    };
    match ca {
        Some((option, pem)) => {
            for cert in certificates(option, &pem)? {
                store
                    .add(cert)
                    .map_err(|source| TlsSetupError::BadCa { option, source })?;
            }
        }
        None => {
            // No CA given: trust the system's, as async-nats would.
            let native = rustls_native_certs::load_native_certs();
            if native.certs.is_empty() {
                if let Some(source) = native.errors.into_iter().next() {
                    return Err(TlsSetupError::SystemRoots { source });
                }
            }
            store.add_parsable_certificates(native.certs);
        }
    }
    Ok(store)
}

type Identity = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

fn client_identity(tls: &TlsOptions) -> Result<Option<Identity>, TlsSetupError> {
    let (cert_option, cert_pem) = match (&tls.cert_pem, &tls.cert_file) {
        (Some(pem), _) => ("cert_pem", pem.as_bytes().to_vec()),
        (None, Some(path)) => ("cert_file", read_file("cert_file", path)?),
        (None, None) => return Ok(None),
    };
    let chain = certificates(cert_option, &cert_pem)?;
    let (key_option, key_pem) = match (&tls.key_pem, &tls.key_file) {
        (Some(pem), _) => ("key_pem", pem.expose().as_bytes().to_vec()),
        (None, Some(path)) => ("key_file", read_file("key_file", path)?),
        (None, None) => {
            return Err(TlsSetupError::NothingFound {
                option: "key_file",
                expected: "private key",
            })
        }
    };
    // The PEM parser's errors describe the structure, never the key bytes.
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|err| match err {
        rustls::pki_types::pem::Error::NoItemsFound => TlsSetupError::NothingFound {
            option: key_option,
            expected: "private key (PKCS#8, PKCS#1 or SEC1 PEM)",
        },
        source => TlsSetupError::BadPem {
            option: key_option,
            source,
        },
    })?;
    Ok(Some((chain, key)))
}

fn certificates(
    option: &'static str,
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, TlsSetupError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsSetupError::BadPem { option, source })?;
    if certs.is_empty() {
        return Err(TlsSetupError::NothingFound {
            option,
            expected: "PEM certificate",
        });
    }
    Ok(certs)
}

fn read_file(option: &'static str, path: &Path) -> Result<Vec<u8>, TlsSetupError> {
    std::fs::read(path).map_err(|source| TlsSetupError::ReadFile {
        option,
        path: path.to_owned(),
        source,
    })
}

/// `insecure_skip_verify`: any certificate and host name is accepted, but the
/// handshake signatures are still checked so the session keys stay sound.
#[derive(Debug)]
struct AcceptAnyServer {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::secret::Secret;

    fn self_signed() -> (String, String) {
        let key = rcgen::KeyPair::generate().unwrap();
        let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
        let cert = params.self_signed(&key).unwrap();
        (cert.pem(), key.serialize_pem())
    }

    #[test]
    fn no_material_leaves_tls_to_async_nats() {
        assert!(client_config(&TlsOptions::default()).unwrap().is_none());
    }

    #[test]
    fn inline_ca_and_client_identity_build_a_config() {
        let (cert, key) = self_signed();
        let tls = TlsOptions {
            ca_pem: Some(cert.clone()),
            cert_pem: Some(cert),
            key_pem: Some(Secret::new(key)),
            ..Default::default()
        };
        let config = client_config(&tls).unwrap().unwrap();
        assert!(config.client_auth_cert_resolver.has_certs());
    }

    #[test]
    fn missing_ca_file_names_option_and_path() {
        let tls = TlsOptions {
            ca_file: Some("/nonexistent/ca.pem".into()),
            ..Default::default()
        };
        let err = client_config(&tls).unwrap_err().to_string();
        assert!(
            err.starts_with("cannot read `ca_file` /nonexistent/ca.pem:"),
            "{err}"
        );
    }

    #[test]
    fn a_key_in_place_of_a_certificate_is_reported() {
        let (_, key) = self_signed();
        let tls = TlsOptions {
            ca_pem: Some(key.clone()),
            ..Default::default()
        };
        let err = client_config(&tls).unwrap_err().to_string();
        assert_eq!(err, "`ca_pem` holds no PEM certificate");
        assert!(!err.contains("PRIVATE"));
    }

    #[test]
    fn mismatched_key_is_refused_without_printing_it() {
        let (cert, _) = self_signed();
        let (_, other_key) = self_signed();
        let tls = TlsOptions {
            insecure_skip_verify: true,
            cert_pem: Some(cert),
            key_pem: Some(Secret::new(other_key.clone())),
            ..Default::default()
        };
        let err = client_config(&tls).unwrap_err().to_string();
        assert!(
            err.contains("client certificate and key were refused"),
            "{err}"
        );
        assert!(!err.contains(&other_key));
    }
}
