//! go-plugin's AutoMTLS, server side.
//!
//! Terraform generates a throwaway client certificate per plugin launch and passes
//! it in `PLUGIN_CLIENT_CERT`; we answer with a throwaway server certificate of our
//! own, announced in the handshake line. Each side then trusts exactly the other's
//! certificate. Only whoever holds Terraform's private key may talk to us, which
//! keeps other local users off the socket's contents even on shared machines.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName as TlsDistinguishedName, SignatureScheme};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use time::OffsetDateTime;

/// The name go-plugin's client checks our certificate against.
const SERVER_NAME: &str = "localhost";
/// Backdating absorbs small clock differences, as go-plugin's own certificates do.
const BACKDATE: Duration = Duration::from_secs(30);
/// The certificate dies with the process; this only has to outlast the longest run.
const LIFETIME: Duration = Duration::from_secs(366 * 24 * 60 * 60);

/// Why AutoMTLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsSetupError {
    #[error("generating the server certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("configuring TLS: {0}")]
    Rustls(#[from] rustls::Error),
}

/// A freshly generated server identity for one plugin run.
pub struct ServerIdentity {
    /// Sent to Terraform (base64) in the handshake line; Terraform trusts only this.
    pub cert_der: CertificateDer<'static>,
    key_der: PrivatePkcs8KeyDer<'static>,
}

impl std::fmt::Debug for ServerIdentity {
    // The private key stays out of any debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerIdentity")
            .field("cert_der_len", &self.cert_der.len())
            .finish_non_exhaustive()
    }
}

/// Creates a self-signed certificate with the properties go-plugin's client relies
/// on: valid for `localhost`, usable for both server and client auth, marked as a CA
/// (the client puts it in its root pool), valid from a little in the past.
pub fn generate_server_identity() -> Result<ServerIdentity, TlsSetupError> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(vec![SERVER_NAME.to_owned()])?;
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, SERVER_NAME);
    name.push(DnType::OrganizationName, "natsforge");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let now = OffsetDateTime::now_utc();
    params.not_before = now - BACKDATE;
    params.not_after = now + LIFETIME;
    let cert = params.self_signed(&key)?;
    Ok(ServerIdentity {
        cert_der: cert.der().clone(),
        key_der: PrivatePkcs8KeyDer::from(key.serialize_der()),
    })
}

/// rustls settings for the plugin socket: our identity, a mandatory client
/// certificate equal to `client_cert`, and HTTP/2 announced through ALPN (grpc-go
/// refuses TLS connections that did not negotiate `h2`).
///
/// aws-lc-rs is chosen explicitly rather than taken from the process default:
/// Terraform's certificate is ECDSA P-521, which only aws-lc-rs can verify.
pub fn server_config(
    identity: &ServerIdentity,
    client_cert: CertificateDer<'static>,
) -> Result<rustls::ServerConfig, TlsSetupError> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = Arc::new(PinnedClientCert::new(client_cert, &provider));
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![identity.cert_der.clone()],
            PrivateKeyDer::Pkcs8(identity.key_der.clone_key()),
        )?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(config)
}

/// Accepts one certificate, compared byte for byte. The handshake signature is
/// still checked against that certificate's key, so presenting a copy of the
/// certificate without its private key does not get in.
#[derive(Debug)]
struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    fn new(expected: CertificateDer<'static>, provider: &CryptoProvider) -> Self {
        Self {
            expected,
            algorithms: provider.signature_verification_algorithms,
        }
    }

    fn check_is_pinned(&self, presented: &CertificateDer<'_>) -> Result<(), rustls::Error> {
        if presented.as_ref() == self.expected.as_ref() {
            Ok(())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::ApplicationVerificationFailure,
            ))
        }
    }
}

impl ClientCertVerifier for PinnedClientCert {
    fn client_auth_mandatory(&self) -> bool {
        true
    }

    /// No CA hints: go-plugin's client then always offers its one certificate.
    fn root_hint_subjects(&self) -> &[TlsDistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        self.check_is_pinned(end_entity)?;
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.check_is_pinned(cert)?;
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.check_is_pinned(cert)?;
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use x509_parser::prelude::{FromDer, X509Certificate};

    #[test]
    fn server_certificate_has_what_go_plugin_expects() {
        let identity = generate_server_identity().unwrap();
        let (_, cert) = X509Certificate::from_der(identity.cert_der.as_ref()).unwrap();

        let san = cert.subject_alternative_name().unwrap().unwrap();
        let names: Vec<String> = san
            .value
            .general_names
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(names, vec!["DNSName(localhost)".to_owned()]);

        assert!(cert.is_ca());
        let usage = cert.key_usage().unwrap().unwrap().value;
        assert!(usage.digital_signature() && usage.key_cert_sign());
        let ext = cert.extended_key_usage().unwrap().unwrap().value;
        assert!(ext.server_auth && ext.client_auth);
        assert_eq!(cert.subject(), cert.issuer(), "self-signed");

        let now = OffsetDateTime::now_utc().unix_timestamp();
        let not_before = cert.validity().not_before.timestamp();
        assert!(
            not_before <= now - 20,
            "backdated, got {not_before} vs {now}"
        );
        assert!(cert.validity().not_after.timestamp() > now + 30 * 24 * 3600);
    }

    #[test]
    fn every_run_gets_a_new_key() {
        let a = generate_server_identity().unwrap();
        let b = generate_server_identity().unwrap();
        assert_ne!(a.cert_der, b.cert_der);
    }

    #[test]
    fn pin_accepts_only_the_exact_certificate() {
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let terraform = generate_server_identity().unwrap();
        let stranger = generate_server_identity().unwrap();
        let verifier = PinnedClientCert::new(terraform.cert_der.clone(), &provider);
        let now = UnixTime::now();
        assert!(verifier
            .verify_client_cert(&terraform.cert_der, &[], now)
            .is_ok());
        assert!(verifier
            .verify_client_cert(&stranger.cert_der, &[], now)
            .is_err());
        assert!(verifier.client_auth_mandatory());
    }

    #[test]
    fn p521_signatures_are_verifiable() {
        // Terraform signs with P-521; the verifier must advertise that scheme or the
        // Go client will not even offer its certificate.
        let provider = rustls::crypto::aws_lc_rs::default_provider();
        let verifier = PinnedClientCert::new(CertificateDer::from(vec![]), &provider);
        assert!(verifier
            .supported_verify_schemes()
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));
    }

    #[test]
    fn debug_output_hides_the_key() {
        let identity = generate_server_identity().unwrap();
        let shown = format!("{identity:?}");
        assert!(!shown.contains("key_der"), "{shown}");
    }
}
