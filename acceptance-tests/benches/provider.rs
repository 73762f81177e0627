//! `make bench`: how fast the provider starts, and what it adds to a `terraform plan`.
//!
//! (a) provider process start until its go-plugin handshake line, with the environment
//!     Terraform gives it (magic cookie, protocol 6, a P-521 client certificate);
//! (b) `terraform plan` of a configuration reading the `nats_server` data source from a
//!     real JetStream server;
//! (c) `terraform plan` of an empty configuration: Terraform's own cost, for scale.
//!
//! Prints median and p90 over `BENCH_RUNS` runs (default 15) and the ratio b / c.
//! (b) and (c) alternate, so a machine that slows down mid-run skews both alike.
//! The provider is the one the harness finds (`make bench` passes the release build).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use acceptance_tests::{provider_binary, NatsServerBuilder, Terraform};

/// The cookie Terraform sets so a provider knows it was started as a plugin.
const MAGIC_COOKIE: &str = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(error) = run() {
        eprintln!("bench failed: {error}");
        std::process::exit(1);
    }
}

fn run() -> BenchResult<()> {
    let runs: usize = match std::env::var("BENCH_RUNS") {
        Ok(text) => text.parse()?,
        Err(_) => 15,
    };
    let mut rows = Vec::new();

    match handshake_times(runs) {
        Ok(times) => rows.push(("provider start -> handshake line", times)),
        // The bench keeps going: the plan numbers are still worth having.
        Err(error) => eprintln!("(a) skipped: {error}"),
    }

    let (with_provider, empty) = plan_times(runs)?;
    let ratio = median(&with_provider).as_secs_f64() / median(&empty).as_secs_f64();
    rows.push(("terraform plan, nats_server data source", with_provider));
    rows.push(("terraform plan, empty configuration", empty));

    println!();
    println!(
        "{:<42} {:>5} {:>11} {:>11}",
        "measurement", "runs", "median", "p90"
    );
    for (name, times) in &rows {
        println!(
            "{name:<42} {:>5} {:>11} {:>11}",
            times.len(),
            format_ms(median(times)),
            format_ms(p90(times))
        );
    }
    println!("plan with provider / empty plan (medians): {ratio:.2}x");
    Ok(())
}

/// Starts the provider `runs` times and times each until its first stdout line,
/// which must be a protocol-6 handshake.
fn handshake_times(runs: usize) -> BenchResult<Vec<Duration>> {
    let provider = provider_binary()?;
    let client_cert = client_certificate_pem()?;
    let socket_dir = tempfile::tempdir()?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let mut child = Command::new(&provider)
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

/// Times (b) and (c), alternating, after one untimed warm-up of each.
fn plan_times(runs: usize) -> BenchResult<(Vec<Duration>, Vec<Duration>)> {
    let server = NatsServerBuilder::new()
        .jetstream()
        .server_name("bench")
        .start()?;
    let with_provider = Terraform::new()?;
    with_provider.write_file("main.tf", &data_source_config(server.client_url()))?;
    let empty = Terraform::new()?;
    empty.write_file("main.tf", "")?;

    let plan = |tf: &Terraform| -> BenchResult<Duration> {
        let started = Instant::now();
        tf.run_ok(&["plan", "-input=false", "-no-color"])?;
        Ok(started.elapsed())
    };
    plan(&with_provider)?;
    plan(&empty)?;
    let (mut provider_times, mut empty_times) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        provider_times.push(plan(&with_provider)?);
        empty_times.push(plan(&empty)?);
    }
    Ok((provider_times, empty_times))
}

fn data_source_config(url: &str) -> String {
    format!(
        r#"terraform {{
  required_providers {{
    nats = {{ source = "natsforge/nats" }}
  }}
}}

provider "nats" {{
  servers = "{url}"
}}

data "nats_server" "this" {{}}

output "version" {{
  value = data.nats_server.this.version
}}
"#
    )
}

fn sorted(times: &[Duration]) -> Vec<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted
}

fn median(times: &[Duration]) -> Duration {
    let sorted = sorted(times);
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// Nearest-rank 90th percentile.
fn p90(times: &[Duration]) -> Duration {
    let sorted = sorted(times);
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted[rank.saturating_sub(1)]
}

fn format_ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}
