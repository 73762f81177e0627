//! A provider registry on loopback, over HTTPS, for `terraform init` to install from.
//!
//! Terraform only speaks HTTPS to a registry and verifies the certificate, so each
//! [`Registry`] makes its own throwaway CA, writes the CA certificate to a file for
//! `SSL_CERT_FILE` (Go's TLS reads it on Linux) and serves a certificate for
//! `localhost` signed by it. Nothing outside the test trusts that CA and nothing
//! leaves the loopback interface.
//!
//! The server answers from a fixed table of paths (built by [`registry_routes`] from a
//! packaged release, then changed by a test that wants a tampered file) and records
//! every path asked for. HTTP/1.1 is hyper's (already in the tree through tonic; only
//! its `http1`/`server` features are added), TLS is rustls with aws-lc-rs and the
//! certificates are rcgen's, all as the provider itself uses them.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::json;
use tempfile::TempDir;
use tokio::sync::oneshot;

use crate::release::{ProviderRelease, SigningKey};
use crate::HarnessError;

/// One response body and its content type, by request path.
pub type Routes = BTreeMap<String, (&'static str, Vec<u8>)>;

/// An HTTPS server on 127.0.0.1 serving [`Routes`]; stopped when dropped.
pub struct Registry {
    host: String,
    ca_file: PathBuf,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
    _dir: TempDir,
}

impl Registry {
    /// Starts serving `routes` on a port the kernel picks.
    pub fn serve(routes: Routes) -> Result<Registry, HarnessError> {
        let dir = tempfile::Builder::new()
            .prefix("natsforge-registry-")
            .tempdir()
            .map_err(|e| HarnessError::io("creating the registry's directory", e))?;
        let (ca_pem, tls) = throwaway_tls().map_err(registry_error)?;
        let ca_file = dir.path().join("ca.pem");
        std::fs::write(&ca_file, ca_pem)
            .map_err(|e| HarnessError::io(format!("writing {}", ca_file.display()), e))?;

        let listener = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.set_nonblocking(true).map(|()| l))
            .map_err(|e| HarnessError::io("binding the registry's port", e))?;
        let address = listener
            .local_addr()
            .map_err(|e| HarnessError::io("reading the registry's port", e))?;
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (stop, stopped) = oneshot::channel();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| HarnessError::io("starting the registry's runtime", e))?;
        let log = Arc::clone(&requests);
        let thread = std::thread::spawn(move || {
            runtime.block_on(accept_loop(listener, tls, Arc::new(routes), log, stopped));
        });
        Ok(Registry {
            host: format!("localhost:{}", address.port()),
            ca_file,
            requests,
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
        })
    }

    /// The registry's host name with its port, as it goes into a provider `source`.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The throwaway CA's certificate (PEM), for `SSL_CERT_FILE`.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// Every path requested so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests
            .lock()
            .map(|log| log.clone())
            .unwrap_or_default()
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The provider registry protocol for `release` under `natsforge/nats`: service
/// discovery, the version list, one download document per platform naming `key` as
/// the signer, and the release's files under `/files/`.
pub fn registry_routes(release: &ProviderRelease, key: &SigningKey) -> Routes {
    const JSON: &str = "application/json";
    let version = release.version();
    let base = "/v1/providers/natsforge/nats";
    let mut routes = Routes::new();
    routes.insert(
        "/.well-known/terraform.json".into(),
        (
            JSON,
            json!({ "providers.v1": "/v1/providers/" })
                .to_string()
                .into(),
        ),
    );
    let platforms: Vec<_> = release
        .platforms()
        .map(|(os, arch)| json!({ "os": os, "arch": arch }))
        .collect();
    routes.insert(
        format!("{base}/versions"),
        (
            JSON,
            json!({ "versions": [{ "version": version, "protocols": ["6.0"], "platforms": platforms }] })
                .to_string()
                .into(),
        ),
    );
    for (os, arch) in release.platforms() {
        let zip = release.zip_name(os, arch);
        let document = json!({
            "protocols": ["6.0"],
            "os": os,
            "arch": arch,
            "filename": zip,
            "download_url": format!("/files/{zip}"),
            "shasums_url": format!("/files/{}", release.sums_name()),
            "shasums_signature_url": format!("/files/{}.sig", release.sums_name()),
            "shasum": release.sha256_hex(&zip),
            "signing_keys": { "gpg_public_keys": [{
                "key_id": key.key_id(),
                "ascii_armor": key.public_armor(),
            }]},
        });
        routes.insert(
            format!("{base}/{version}/download/{os}/{arch}"),
            (JSON, document.to_string().into()),
        );
    }
    for (name, bytes) in release.files() {
        routes.insert(
            format!("/files/{name}"),
            ("application/octet-stream", bytes.clone()),
        );
    }
    routes
}

fn registry_error(reason: String) -> HarnessError {
    HarnessError::io(
        "setting up the registry's TLS",
        std::io::Error::other(reason),
    )
}

/// A CA certificate (PEM) and a server configuration whose certificate for
/// `localhost` that CA signed.
fn throwaway_tls() -> Result<(String, Arc<rustls::ServerConfig>), String> {
    let text = |e: rcgen::Error| e.to_string();
    let ca_key = KeyPair::generate().map_err(text)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(text)?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "natsforge test registry CA");
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key).map_err(text)?;
    let server_key = KeyPair::generate().map_err(text)?;
    let server_params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
            .map_err(text)?;
    let server_cert = server_params.signed_by(&server_key, &ca).map_err(text)?;

    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(server_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der())),
        )
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok((ca.pem(), Arc::new(config)))
}

async fn accept_loop(
    listener: std::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    routes: Arc<Routes>,
    requests: Arc<Mutex<Vec<String>>>,
    mut stopped: oneshot::Receiver<()>,
) {
    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
        return;
    };
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    loop {
        let accepted = tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _peer)) = accepted else {
            continue;
        };
        let acceptor = acceptor.clone();
        let routes = Arc::clone(&routes);
        let requests = Arc::clone(&requests);
        // Connection tasks end with the runtime when the registry is dropped.
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = hyper::service::service_fn(move |request: Request<_>| {
                let routes = Arc::clone(&routes);
                let requests = Arc::clone(&requests);
                async move { Ok::<_, Infallible>(respond(&routes, &requests, &request)) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn respond<B>(
    routes: &Routes,
    requests: &Mutex<Vec<String>>,
    request: &Request<B>,
) -> Response<Full<Bytes>> {
    let path = request.uri().path().to_owned();
    if let Ok(mut log) = requests.lock() {
        log.push(path.clone());
    }
    let (status, content_type, body) = match routes.get(&path) {
        Some((content_type, body)) => (StatusCode::OK, *content_type, body.clone()),
        None => (StatusCode::NOT_FOUND, "text/plain", b"not found".to_vec()),
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    response
}
