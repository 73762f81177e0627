//! What the provider processes themselves cost: CPU time, peak memory, and (from their
//! debug logs) how many requests they served and how long each took.
//!
//! Terraform starts the provider itself, so the bench puts itself in between: a
//! directory holding a link named `terraform-provider-nats` to this very bench binary
//! is what `dev_overrides` points at. Started that way (the environment says so), the
//! bench runs the real provider as its child, waits for it with `wait4` and appends the
//! child's CPU time and peak RSS (the figures `/proc/<pid>/stat` and `status` show at
//! exit) to a file. The extra process costs Terraform a fork, not the provider any CPU.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use acceptance_tests::{dev_overrides_config, PROVIDER_BINARY_NAME};
use serde_json::Value;
use tempfile::TempDir;

use crate::report::BenchResult;

/// Set for the wrapper: the real provider binary.
const REAL_PROVIDER: &str = "NATSFORGE_BENCH_REAL_PROVIDER";
/// Set for the wrapper: the file each provider process's usage is appended to.
const USAGE_FILE: &str = "NATSFORGE_BENCH_USAGE_FILE";
/// Optionally set for the wrapper: a directory for the provider's stderr (its logs),
/// one file per process.
const LOG_DIR: &str = "NATSFORGE_BENCH_LOG_DIR";

/// Whether this process was started by Terraform as the provider wrapper.
pub fn wrapping() -> bool {
    std::env::var_os(REAL_PROVIDER).is_some()
}

/// Runs the real provider and records its usage; returns the exit code to use.
pub fn run_wrapped() -> i32 {
    match wrap() {
        Ok(code) => code,
        Err(error) => {
            eprintln!("bench provider wrapper: {error}");
            1
        }
    }
}

fn wrap() -> BenchResult<i32> {
    let real = std::env::var_os(REAL_PROVIDER).ok_or("no real provider named")?;
    let usage_file = std::env::var_os(USAGE_FILE).ok_or("no usage file named")?;
    let stderr = match std::env::var_os(LOG_DIR) {
        Some(dir) => {
            let path = Path::new(&dir).join(format!("{}.log", std::process::id()));
            Stdio::from(File::create(path)?)
        }
        None => Stdio::inherit(),
    };
    let child = Command::new(real)
        .args(std::env::args_os().skip(1))
        .env_remove(REAL_PROVIDER)
        .stderr(stderr)
        .spawn()?;
    let pid = libc::pid_t::try_from(child.id())?;
    let mut status = 0;
    // SAFETY: all-zero is a valid rusage; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our unreaped child; the pointers are valid for the call.
    if unsafe { libc::wait4(pid, &mut status, 0, &mut usage) } != pid {
        return Err(std::io::Error::last_os_error().into());
    }
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    let mut file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(usage_file)?;
    writeln!(
        file,
        "{} {} {}",
        micros(usage.ru_utime),
        micros(usage.ru_stime),
        usage.ru_maxrss
    )?;
    Ok(if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        1
    })
}

/// What the provider processes of one terraform command cost together.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProviderUsage {
    pub processes: usize,
    pub cpu: Duration,
    /// The largest peak resident set of any one process, in KiB.
    pub peak_rss_kib: u64,
}

/// The wrapper directory and the files it reports to.
pub struct Wrapper {
    dir: TempDir,
    usage_file: PathBuf,
    log_dir: PathBuf,
}

impl Wrapper {
    pub fn new() -> BenchResult<Self> {
        let dir = tempfile::Builder::new()
            .prefix("natsforge-bench-")
            .tempdir()?;
        let bin = dir.path().join("bin");
        std::fs::create_dir(&bin)?;
        std::os::unix::fs::symlink(std::env::current_exe()?, bin.join(PROVIDER_BINARY_NAME))?;
        std::fs::write(
            dir.path().join("terraform.tfrc"),
            dev_overrides_config(&bin),
        )?;
        let usage_file = dir.path().join("usage.txt");
        let log_dir = dir.path().join("logs");
        std::fs::create_dir(&log_dir)?;
        Ok(Wrapper {
            dir,
            usage_file,
            log_dir,
        })
    }

    /// Environment for terraform so that it starts the provider through the wrapper;
    /// with `logged`, the provider writes debug logs for [`Self::take_requests`].
    pub fn env(&self, real_provider: &Path, logged: bool) -> Vec<(String, String)> {
        let text = |path: &Path| path.to_string_lossy().into_owned();
        let mut env = vec![
            (
                "TF_CLI_CONFIG_FILE".to_owned(),
                text(&self.dir.path().join("terraform.tfrc")),
            ),
            (REAL_PROVIDER.to_owned(), text(real_provider)),
            (USAGE_FILE.to_owned(), text(&self.usage_file)),
        ];
        if logged {
            env.push((LOG_DIR.to_owned(), text(&self.log_dir)));
            env.push(("TF_LOG_PROVIDER_NATS".to_owned(), "debug".to_owned()));
        }
        env
    }

    /// The usage recorded since the last call (the file is emptied).
    pub fn take_usage(&self) -> BenchResult<ProviderUsage> {
        let text = std::fs::read_to_string(&self.usage_file).unwrap_or_default();
        File::create(&self.usage_file)?;
        let mut total = ProviderUsage::default();
        for line in text.lines() {
            let fields: Vec<u64> = line
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<_, _>>()?;
            let [user, system, rss] = fields[..] else {
                return Err(format!("bad usage line {line:?}").into());
            };
            total.processes += 1;
            total.cpu += Duration::from_micros(user + system);
            // Linux reports KiB, macOS bytes.
            let rss = if cfg!(target_os = "macos") {
                rss / 1024
            } else {
                rss
            };
            total.peak_rss_kib = total.peak_rss_kib.max(rss);
        }
        Ok(total)
    }

    /// The requests logged since the last call (the logs are removed).
    pub fn take_requests(&self) -> BenchResult<Requests> {
        let mut requests = Requests::default();
        for entry in std::fs::read_dir(&self.log_dir)? {
            let path = entry?.path();
            requests.add_log(&std::fs::read_to_string(&path)?);
            std::fs::remove_file(&path)?;
        }
        Ok(requests)
    }
}

/// The requests in a provider debug log: when each started and ended.
#[derive(Debug, Default)]
pub struct Requests {
    /// (start, end) in microseconds since the epoch, one per request served.
    spans: Vec<(i64, i64)>,
}

impl Requests {
    /// Pairs each request's "Received request" line in one process's log with the
    /// line that ends it (the one carrying `tf_req_duration_ms`).
    fn add_log(&mut self, text: &str) {
        let mut open = std::collections::HashMap::new();
        for line in text.lines() {
            let Ok(entry) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            let (Some(id), Some(at)) = (entry["tf_req_id"].as_u64(), timestamp(&entry)) else {
                continue;
            };
            if entry["@message"] == "Received request" {
                open.insert(id, at);
            } else if entry.get("tf_req_duration_ms").is_some() {
                if let Some(start) = open.remove(&id) {
                    self.spans.push((start, at));
                }
            }
        }
    }

    pub fn count(&self) -> usize {
        self.spans.len()
    }

    /// Time during which at least one request was in progress.
    pub fn busy(&self) -> Duration {
        let mut spans = self.spans.clone();
        spans.sort_unstable();
        let mut busy = 0i64;
        let mut current: Option<(i64, i64)> = None;
        for (start, end) in spans {
            current = match current {
                Some((s, e)) if start <= e => Some((s, e.max(end))),
                Some((s, e)) => {
                    busy += e - s;
                    Some((start, end))
                }
                None => Some((start, end)),
            };
        }
        if let Some((s, e)) = current {
            busy += e - s;
        }
        Duration::from_micros(u64::try_from(busy).unwrap_or(0))
    }
}

/// `@timestamp` (`2006-01-02T15:04:05.000000Z`, always UTC) in microseconds since
/// the epoch.
fn timestamp(entry: &Value) -> Option<i64> {
    let text = entry["@timestamp"].as_str()?.strip_suffix('Z')?;
    let (date, clock) = text.split_once('T')?;
    let mut date = date.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
    let (clock, micros) = clock.split_once('.')?;
    let mut clock = clock.splitn(3, ':').map(str::parse::<i64>);
    let (hour, minute, second) = (
        clock.next()?.ok()?,
        clock.next()?.ok()?,
        clock.next()?.ok()?,
    );
    let seconds = days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second;
    Some(seconds * 1_000_000 + micros.parse::<i64>().ok()?)
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
