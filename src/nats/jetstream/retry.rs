//! Retrying what a JetStream cluster answers while it heals.
//!
//! A node restarting, a leader election or a client reconnecting to another
//! node make requests meet silence, "no responders" or "temporarily
//! unavailable" for a few seconds. Those are retried with bounded, jittered
//! backoff until the operation's time budget (the provider's `timeout`) is
//! spent; everything else is returned at once. A request that met silence may
//! have been carried out: only requests that are safe to repeat retry it.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

use tokio::time::Instant;

use super::error::{ErrorCode, JetStreamError};

/// The first pause between attempts; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// One attempt waits for a reply at most this share of the budget, so a
/// request lost to a dying node leaves time to ask again.
const ATTEMPT_SHARE: u32 = 2;

/// Whether a request may be sent again after it met silence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Repeat {
    /// Sending it twice leaves the server as sending it once (an identical
    /// create or update, a delete, every read).
    Safe,
    /// A second copy could be a second effect (a publish): retried only
    /// after an answer that proves the first copy was not carried out.
    OnlyIfNotDone,
}

/// What a transient failure says about the request it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Transient {
    /// Refused before anything was done (no responders, no leader).
    NotDone,
    /// No reply: the server may have carried it out.
    MaybeDone,
}

/// Whether `err` is worth another attempt, and what it says about the first.
pub(crate) fn classify(err: &JetStreamError) -> Option<Transient> {
    match err {
        JetStreamError::NoResponders { .. } => Some(Transient::NotDone),
        JetStreamError::Status { status: 503, .. } => Some(Transient::NotDone),
        JetStreamError::TimedOut { .. } => Some(Transient::MaybeDone),
        JetStreamError::Api(api) => match api.err_code {
            ErrorCode::CLUSTER_NOT_AVAILABLE
            | ErrorCode::CLUSTER_NOT_LEADER
            | ErrorCode::CLUSTER_INCOMPLETE
            | ErrorCode::STREAM_OFFLINE
            | ErrorCode::CONSUMER_OFFLINE => Some(Transient::NotDone),
            // Accounts or servers without JetStream are configuration, not weather.
            ErrorCode::NOT_ENABLED | ErrorCode::NOT_ENABLED_FOR_ACCOUNT => None,
            _ if api.code == 503 => Some(Transient::NotDone),
            _ => None,
        },
        _ => None,
    }
}

/// The pause before retry number `retry` (1 for the first retry): doubling
/// from [`FIRST_BACKOFF`] up to [`MAX_BACKOFF`], of which the upper half is
/// scaled by `jitter` (0.0..=1.0) so that many resources retrying together
/// (`-parallelism`) do not hammer a recovering cluster in step.
pub(crate) fn backoff(retry: u32, jitter: f64) -> Duration {
    let doubled = FIRST_BACKOFF.saturating_mul(1 << retry.saturating_sub(1).min(16));
    let ceiling = doubled.min(MAX_BACKOFF);
    let half = ceiling / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

/// How long one attempt may wait for its reply, with `remaining` of `budget` left.
pub(crate) fn attempt_timeout(budget: Duration, remaining: Duration) -> Duration {
    remaining
        .min(budget / ATTEMPT_SHARE)
        .max(remaining.min(FIRST_BACKOFF))
}

/// A random fraction in 0.0..1.0 from the standard library's per-instance
/// random hash keys (jitter needs no cryptographic quality, nor a crate).
fn random_fraction() -> f64 {
    let bits = RandomState::new().build_hasher().finish();
    (bits >> 11) as f64 / (1u64 << 53) as f64
}

/// What was retried and how often, for the final error.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct RetryLog {
    /// Each distinct reason, with how many attempts met it.
    reasons: Vec<(String, u32)>,
}

impl RetryLog {
    fn record(&mut self, err: &JetStreamError) {
        let reason = match err {
            JetStreamError::NoResponders { .. } => "no responders".to_owned(),
            JetStreamError::TimedOut { timeout, .. } => format!("no reply within {timeout:?}"),
            other => other.to_string(),
        };
        match self.reasons.iter_mut().find(|(seen, _)| *seen == reason) {
            Some((_, count)) => *count += 1,
            None => self.reasons.push((reason, 1)),
        }
    }

    /// `no reply within 2s (x1), JetStream system temporarily unavailable (10008) (x3)`.
    pub(crate) fn summary(&self) -> String {
        self.reasons
            .iter()
            .map(|(reason, count)| format!("{reason} (x{count})"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The result of an operation and how many attempts it took.
pub(crate) struct Attempted<T> {
    /// After more than one attempt, an error is [`JetStreamError::Retried`].
    pub result: Result<T, JetStreamError>,
    /// Whether an earlier attempt may have been carried out by the server
    /// (so a "name in use" or "not found" may be that attempt's doing).
    pub earlier_maybe_done: bool,
}

/// Runs `attempt` (given how long it may wait for a reply) until it succeeds,
/// fails for good, or `budget` is spent.
pub(crate) async fn with_retries<T, F, Fut>(
    subject: &str,
    budget: Duration,
    repeat: Repeat,
    mut attempt: F,
) -> Attempted<T>
where
    F: FnMut(Duration) -> Fut,
    Fut: std::future::Future<Output = Result<T, JetStreamError>>,
{
    let deadline = Instant::now() + budget;
    let mut log = RetryLog::default();
    let mut attempts = 0u32;
    let mut earlier_maybe_done = false;
    loop {
        attempts += 1;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let wait = match repeat {
            Repeat::Safe => attempt_timeout(budget, remaining),
            // Silence ends it anyway: no time to keep for another try.
            Repeat::OnlyIfNotDone => remaining,
        };
        let err = match attempt(wait).await {
            Ok(value) => {
                return Attempted {
                    result: Ok(value),
                    earlier_maybe_done,
                }
            }
            Err(err) => err,
        };
        let pause = backoff(attempts, random_fraction());
        let retry = match classify(&err) {
            Some(Transient::MaybeDone) if repeat == Repeat::OnlyIfNotDone => false,
            Some(_) => Instant::now() + pause < deadline,
            None => false,
        };
        if !retry {
            let result = Err(match attempts {
                1 => err,
                _ => JetStreamError::Retried {
                    subject: subject.to_owned(),
                    attempts,
                    budget,
                    retried: log.summary(),
                    last: Box::new(err),
                },
            });
            return Attempted {
                result,
                earlier_maybe_done,
            };
        }
        earlier_maybe_done |= classify(&err) == Some(Transient::MaybeDone);
        tracing::debug!(subject, attempt = attempts, pause = ?pause, error = %err, "retrying JetStream request");
        log.record(&err);
        tokio::time::sleep(pause).await;
    }
}

/// Whether everything `wanted` says is also in `actual`: objects may hold
/// more keys (defaults the server filled in, its own metadata), every other
/// value must be equal. How a retried create recognises its own earlier
/// attempt in what the server now holds.
pub(crate) fn json_within(wanted: &serde_json::Value, actual: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (wanted, actual) {
        (Value::Object(wanted), Value::Object(actual)) => wanted.iter().all(|(key, value)| {
            actual
                .get(key)
                .is_some_and(|present| json_within(value, present))
        }),
        _ => wanted == actual,
    }
}

#[cfg(test)]
#[path = "retry_tests.rs"]
mod tests;
