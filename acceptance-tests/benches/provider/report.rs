//! Timings and the table printed at the end.

use std::time::{Duration, Instant};

pub type BenchResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Runs `work` and returns how long it took.
pub fn timed(work: impl FnOnce() -> BenchResult<()>) -> BenchResult<Duration> {
    let started = Instant::now();
    work()?;
    Ok(started.elapsed())
}

pub fn median(times: &[Duration]) -> Duration {
    let sorted = sorted(times);
    match sorted.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2,
    }
}

/// Nearest-rank 90th percentile.
pub fn p90(times: &[Duration]) -> Duration {
    let sorted = sorted(times);
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted[rank.saturating_sub(1)]
}

fn sorted(times: &[Duration]) -> Vec<Duration> {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted
}

pub fn ratio(a: &[Duration], b: &[Duration]) -> f64 {
    median(a).as_secs_f64() / median(b).as_secs_f64()
}

pub fn format_ms(duration: Duration) -> String {
    format!("{:.1} ms", duration.as_secs_f64() * 1000.0)
}

/// Rows of timings, then free-form figures, printed together at the end.
#[derive(Default)]
pub struct Report {
    rows: Vec<(String, Vec<Duration>)>,
    figures: Vec<String>,
}

impl Report {
    pub fn row(&mut self, name: impl Into<String>, times: Vec<Duration>) {
        self.rows.push((name.into(), times));
    }

    pub fn figure(&mut self, text: impl Into<String>) {
        let text = text.into();
        // Shown as it comes too: a long run that fails late still told something.
        eprintln!("bench: {text}");
        self.figures.push(text);
    }

    pub fn print(&self) {
        println!();
        println!(
            "{:<52} {:>5} {:>11} {:>11}",
            "measurement", "runs", "median", "p90"
        );
        for (name, times) in &self.rows {
            println!(
                "{name:<52} {:>5} {:>11} {:>11}",
                times.len(),
                format_ms(median(times)),
                format_ms(p90(times))
            );
        }
        println!();
        for figure in &self.figures {
            println!("{figure}");
        }
    }
}
