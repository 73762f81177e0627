//! `make bench`: what the provider costs, measured against real terraform and real
//! nats-server, with ratios taken within one run on one machine.
//!
//! - provider process start until its go-plugin handshake line;
//! - `terraform plan` of the `nats_server` data source vs an empty configuration;
//! - `apply` of 200 streams and a refresh `plan` of 1000 streams, each vs the same shape
//!   of `terraform_data`, the plan also vs `plan -refresh=false`; from the refresh plans
//!   the provider's CPU per request, its peak RSS and its share of the wall time;
//! - 100 accounts with users pushed to a full resolver vs the same configuration offline.
//!
//! `BENCH_RUNS` (default 15) repeats the quick measurements, `BENCH_HEAVY_RUNS` (default
//! 3) the large configurations; `BENCH_ONLY` (e.g. `handshake,streams`) picks sections.
//! Alternating the compared runs keeps a machine that slows down mid-run from skewing
//! one side. The provider is the one the harness finds (`make bench` passes the
//! release build).

mod accounts;
mod handshake;
mod report;
mod streams;
mod usage;

use std::time::Duration;

use acceptance_tests::{
    provider_binary, provider_config, NatsServer, NatsServerBuilder, Terraform,
};

use report::{ratio, timed, BenchResult, Report};

const SECTIONS: [&str; 4] = ["handshake", "plan", "streams", "accounts"];

fn main() {
    if usage::wrapping() {
        std::process::exit(usage::run_wrapped());
    }
    match run() {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(error) => {
            eprintln!("bench failed: {error}");
            std::process::exit(1);
        }
    }
}

fn count(name: &str, default: usize) -> BenchResult<usize> {
    match std::env::var(name) {
        Ok(text) => Ok(text.parse()?),
        Err(_) => Ok(default),
    }
}

/// Runs the chosen sections; false when one of them failed (the others still ran).
fn run() -> BenchResult<bool> {
    let runs = count("BENCH_RUNS", 15)?;
    let heavy_runs = count("BENCH_HEAVY_RUNS", 3)?;
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let chosen = |section: &str| only.is_empty() || only.split(',').any(|s| s.trim() == section);
    if let Some(unknown) = only
        .split(',')
        .map(str::trim)
        .find(|s| !s.is_empty() && !SECTIONS.contains(s))
    {
        return Err(format!("BENCH_ONLY: unknown section {unknown:?}; known: {SECTIONS:?}").into());
    }
    let provider = provider_binary()?;
    let mut report = Report::default();
    let mut all_ran = true;
    let mut section =
        |report: &mut Report, name: &str, work: &dyn Fn(&mut Report) -> BenchResult<()>| {
            if !chosen(name) {
                return;
            }
            eprintln!("bench: {name}...");
            if let Err(error) = work(report) {
                report.figure(format!("{name}: FAILED: {error}"));
                all_ran = false;
            }
        };

    section(&mut report, "handshake", &|report| {
        let times = handshake::handshake_times(&provider, runs)?;
        report.row("provider start -> handshake line", times);
        Ok(())
    });
    section(&mut report, "plan", &|report| small_plan(report, runs));
    section(&mut report, "streams", &|report| {
        let server = NatsServerBuilder::new()
            .jetstream()
            .server_name("bench")
            .start()?;
        streams::apply_200(report, &server, heavy_runs)?;
        streams::plan_1000(report, &server, &provider, heavy_runs)
    });
    section(&mut report, "accounts", &|report| {
        accounts::pushed_vs_offline(report, heavy_runs)
    });
    report.print();
    Ok(all_ran)
}

/// `terraform plan` reading the `nats_server` data source vs an empty configuration,
/// alternating, after one untimed warm-up of each.
fn small_plan(report: &mut Report, runs: usize) -> BenchResult<()> {
    let server = NatsServerBuilder::new()
        .jetstream()
        .server_name("bench")
        .start()?;
    let with_provider = Terraform::new()?;
    with_provider.write_file("main.tf", &data_source_config(&server))?;
    let empty = Terraform::new()?;
    empty.write_file("main.tf", "")?;

    let plan = |tf: &Terraform| -> BenchResult<Duration> {
        timed(|| {
            tf.run_ok(&["plan", "-input=false", "-no-color"])?;
            Ok(())
        })
    };
    plan(&with_provider)?;
    plan(&empty)?;
    let (mut provider_times, mut empty_times) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        provider_times.push(plan(&with_provider)?);
        empty_times.push(plan(&empty)?);
    }
    report.figure(format!(
        "plan with the nats_server data source / empty plan (medians): {:.2}x",
        ratio(&provider_times, &empty_times)
    ));
    report.row("terraform plan, nats_server data source", provider_times);
    report.row("terraform plan, empty configuration", empty_times);
    Ok(())
}

fn data_source_config(server: &NatsServer) -> String {
    format!(
        r#"{provider}
data "nats_server" "this" {{}}

output "version" {{
  value = data.nats_server.this.version
}}
"#,
        provider = provider_config(server)
    )
}
