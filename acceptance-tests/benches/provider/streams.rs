//! Streams at scale against Terraform's own cost: `apply` of 200 and a refresh `plan`
//! of 1000 `nats_jetstream_stream`s, each next to the same shape of configuration made
//! of `terraform_data` (no provider at all), and the plan next to `plan
//! -refresh=false` of the same streams. The refresh plan also yields the provider's
//! CPU per request, its peak memory and the share of the plan's wall time during
//! which it was serving a request.

use std::path::Path;
use std::time::Duration;

use acceptance_tests::{provider_config, NatsServer, Terraform};

use crate::report::{format_ms, median, ratio, timed, BenchResult, Report};
use crate::usage::{ProviderUsage, Wrapper};

const APPLIED: usize = 200;
const PLANNED: usize = 1000;

const APPLY: [&str; 5] = [
    "apply",
    "-auto-approve",
    "-input=false",
    "-no-color",
    "-parallelism=10",
];
const DESTROY: [&str; 4] = ["destroy", "-auto-approve", "-input=false", "-no-color"];
const PLAN: [&str; 3] = ["plan", "-input=false", "-no-color"];
const PLAN_NO_REFRESH: [&str; 4] = ["plan", "-input=false", "-no-color", "-refresh=false"];

fn streams_config(server: &NatsServer, prefix: &str, count: usize) -> String {
    format!(
        r#"{provider}
resource "nats_jetstream_stream" "s" {{
  count    = {count}
  name     = "{prefix}${{count.index}}"
  subjects = ["{prefix}.${{count.index}}.>"]
}}
"#,
        provider = provider_config(server)
    )
}

/// The same resources' shape with Terraform's built-in `terraform_data`.
fn data_config(prefix: &str, count: usize) -> String {
    format!(
        r#"resource "terraform_data" "s" {{
  count = {count}
  input = {{
    name     = "{prefix}${{count.index}}"
    subjects = ["{prefix}.${{count.index}}.>"]
  }}
}}
"#
    )
}

fn workspace(config: &str, env: &[(String, String)]) -> BenchResult<Terraform> {
    let tf = env.iter().try_fold(Terraform::new()?, |tf, (key, value)| {
        Ok::<_, acceptance_tests::HarnessError>(tf.with_env(key, value))
    })?;
    tf.write_file("main.tf", config)?;
    Ok(tf)
}

fn run(tf: &Terraform, args: &[&str]) -> BenchResult<()> {
    tf.run_ok(args)?;
    Ok(())
}

/// `apply` of 200 streams vs 200 `terraform_data`, destroying after each run.
pub fn apply_200(report: &mut Report, server: &NatsServer, runs: usize) -> BenchResult<()> {
    let streams = workspace(&streams_config(server, "A", APPLIED), &[])?;
    let data = workspace(&data_config("A", APPLIED), &[])?;
    let (mut stream_times, mut data_times) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        stream_times.push(timed(|| run(&streams, &APPLY))?);
        run(&streams, &DESTROY)?;
        data_times.push(timed(|| run(&data, &APPLY))?);
        run(&data, &DESTROY)?;
    }
    report.figure(format!(
        "apply {APPLIED} streams / apply {APPLIED} terraform_data (medians): {:.2}x",
        ratio(&stream_times, &data_times)
    ));
    report.row(
        format!("apply {APPLIED} nats_jetstream_stream"),
        stream_times,
    );
    report.row(format!("apply {APPLIED} terraform_data"), data_times);
    Ok(())
}

/// Refresh plans of 1000 streams vs `-refresh=false` vs 1000 `terraform_data`, with the
/// provider's own cost from the wrapper, and one extra plan with debug logs for the
/// request count and the time spent in requests.
pub fn plan_1000(
    report: &mut Report,
    server: &NatsServer,
    provider: &Path,
    runs: usize,
) -> BenchResult<()> {
    let wrapper = Wrapper::new()?;
    let streams = workspace(
        &streams_config(server, "P", PLANNED),
        &wrapper.env(provider, false),
    )?;
    let data = workspace(&data_config("P", PLANNED), &[])?;
    let setup = timed(|| run(&streams, &APPLY))?;
    wrapper.take_usage()?;
    run(&data, &APPLY)?;
    report.figure(format!(
        "(setup: apply {PLANNED} streams took {:.1} s)",
        setup.as_secs_f64()
    ));

    let (mut refresh, mut no_refresh, mut data_times) = (Vec::new(), Vec::new(), Vec::new());
    let mut usages = Vec::new();
    for _ in 0..runs {
        refresh.push(timed(|| run(&streams, &PLAN))?);
        usages.push(wrapper.take_usage()?);
        no_refresh.push(timed(|| run(&streams, &PLAN_NO_REFRESH))?);
        wrapper.take_usage()?;
        data_times.push(timed(|| run(&data, &PLAN))?);
    }

    let logged_env = wrapper.env(provider, true);
    let logged_env: Vec<(&str, &str)> = logged_env
        .iter()
        .map(|(key, value)| (key.as_str(), value.as_str()))
        .collect();
    let logged_wall = timed(|| {
        let output = streams.run_with_env(PLAN, &logged_env)?;
        if output.success() {
            Ok(())
        } else {
            Err(format!("logged plan failed:\n{}", output.stderr).into())
        }
    })?;
    wrapper.take_usage()?;
    let requests = wrapper.take_requests()?;

    report.figure(format!(
        "plan {PLANNED} streams / plan {PLANNED} terraform_data (medians): {:.2}x",
        ratio(&refresh, &data_times)
    ));
    report.figure(format!(
        "plan {PLANNED} streams / plan -refresh=false of the same (medians): {:.2}x",
        ratio(&refresh, &no_refresh)
    ));
    provider_figures(report, &usages, requests.count());
    let busy = requests.busy();
    report.figure(format!(
        "provider serving a request during the logged plan: {:.1} s of {:.1} s wall = {:.0}% \
         ({} requests; debug logging on, so slower than the plans above)",
        busy.as_secs_f64(),
        logged_wall.as_secs_f64(),
        100.0 * busy.as_secs_f64() / logged_wall.as_secs_f64(),
        requests.count()
    ));
    report.row(format!("plan {PLANNED} streams (refresh)"), refresh);
    report.row(format!("plan {PLANNED} streams -refresh=false"), no_refresh);
    report.row(format!("plan {PLANNED} terraform_data"), data_times);
    Ok(())
}

/// CPU per request and peak memory of the provider processes of the refresh plans.
fn provider_figures(report: &mut Report, usages: &[ProviderUsage], requests: usize) {
    let cpu: Vec<Duration> = usages.iter().map(|usage| usage.cpu).collect();
    let cpu = median(&cpu);
    let processes = usages.first().map_or(0, |usage| usage.processes);
    let peak = usages
        .iter()
        .map(|usage| usage.peak_rss_kib)
        .max()
        .unwrap_or(0);
    let per_request = if requests == 0 {
        "no requests logged".to_owned()
    } else {
        format!(
            "{:.3} ms CPU per request",
            cpu.as_secs_f64() * 1000.0 / requests as f64
        )
    };
    report.figure(format!(
        "provider CPU per refresh plan of {PLANNED} streams: {} (median; {processes} processes, \
         user+system at exit) for {requests} requests = {per_request}",
        format_ms(cpu)
    ));
    report.figure(format!(
        "provider peak RSS during the refresh plans: {:.1} MiB (largest process)",
        peak as f64 / 1024.0
    ));
}
