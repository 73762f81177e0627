//! Provider process start until its go-plugin handshake line, with the environment
//! Terraform gives it (magic cookie, protocol 6, a P-521 client certificate).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::report::BenchResult;

/// The cookie Terraform sets so a provider knows it was started as a plugin.
const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Starts the provider `runs` times and times each until its first stdout line,
/// which must be a protocol-6 handshake.
pub fn handshake_times(provider: &Path, runs: usize) -> BenchResult<Vec<Duration>> {
    let client_cert = client_certificate_pem()?;
    let socket_dir = tempfile::tempdir()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let mut child = Command::new(provider)
            .env("TF_PLUGIN_MAGIC_COOKIE", MAGIC_COOKIE)
            .env("PLUGIN_PROTOCOL_VERSIONS", "6")
            .env("PLUGIN_MIN_PORT", "10000")
            .env("PLUGIN_MAX_PORT", "25000")
            .env("PLUGIN_CLIENT_CERT", &client_cert)
            .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let line = first_line(&mut child);
        let elapsed = started.elapsed();
        // The process is ours; kill errors only mean it already exited.
        let _ = child.kill();
        let _ = child.wait();
        let line = line?;
        if !line.starts_with("1|6|") {
            return Err(
                format!("first stdout line is not a protocol-6 handshake: {line:?}").into(),
            );
        }
        times.push(elapsed);
    }
    Ok(times)
}

fn first_line(child: &mut Child) -> BenchResult<String> {
    let stdout = child
        .stdout
        .take()
        .ok_or("provider stdout was not captured")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    if line.is_empty() {
        return Err("the provider exited without a handshake line (not serving yet?)".into());
    }
    Ok(line.trim_end().to_owned())
}

/// A self-signed P-521 certificate, the kind Terraform presents for AutoMTLS.
fn client_certificate_pem() -> BenchResult<String> {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P521_SHA512)?;
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()])?;
    Ok(params.self_signed(&key)?.pem())
}
