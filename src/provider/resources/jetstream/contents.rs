//! What a stream or bucket holds, read from the server right before something would
//! delete it: the figures behind the `force_destroy` guard (apply) and the warning on
//! a plan that replaces or destroys a stream or bucket holding data.
//!
//! A stream holds messages. A KV bucket holds keys: a key whose latest entry is a
//! delete or purge marker is gone already (destroying a `nats_jetstream_kv_entry`
//! leaves such a marker), so a bucket of markers is empty. An object bucket holds the
//! objects not deleted.

use super::{Holds, Kind};
use crate::nats::jetstream::StreamInfo;
use crate::nats::{JetStreamApi, JetStreamError};
use futures::TryStreamExt;
use std::time::Duration;

/// Longest time spent counting keys or objects before giving up (and so refusing).
const COUNT_TIMEOUT: Duration = Duration::from_secs(60);

/// The figures a delete would lose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contents {
    /// Messages stored (for buckets: values with their history, markers, chunks).
    pub messages: u64,
    pub bytes: u64,
    /// When the oldest and newest message still held were written (RFC 3339).
    pub first: String,
    pub last: String,
    /// Live keys or objects, for buckets.
    pub entries: Option<u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ContentsError {
    #[error(transparent)]
    Stream(#[from] JetStreamError),
    #[error("cannot count the {what} of {stream}: {source}")]
    Count {
        what: &'static str,
        stream: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    #[error("counting the {what} of {stream} took longer than {} s", COUNT_TIMEOUT.as_secs())]
    TimedOut { what: &'static str, stream: String },
}

impl Contents {
    pub fn is_empty(&self) -> bool {
        self.entries.unwrap_or(self.messages) == 0
    }

    /// What it holds as one phrase, e.g. `3 keys (12 messages, 1.2 KiB, written from
    /// 2026-01-31T12:00:00Z to 2026-02-01T08:30:00Z)`.
    pub fn describe(&self, kind: &Kind) -> String {
        let span = format!(
            "written from {} to {}",
            short_time(&self.first),
            short_time(&self.last)
        );
        match self.entries {
            None => format!(
                "{} ({}, {span})",
                count(self.messages, "message"),
                size(self.bytes)
            ),
            Some(entries) => format!(
                "{} ({} with their history, {}, {span})",
                count(entries, kind.holds.noun()),
                count(self.messages, "message"),
                size(self.bytes)
            ),
        }
    }
}

/// What the stream or bucket `name` holds now; `None` when it does not exist.
pub async fn read(
    api: &JetStreamApi,
    kind: &Kind,
    name: &str,
) -> Result<Option<Contents>, ContentsError> {
    let stream = kind.stream_name(name);
    let Some(info) = api.stream_info(&stream).await? else {
        return Ok(None);
    };
    let entries = match kind.holds {
        Holds::Messages => None,
        // Nothing stored: no key or object can be live.
        _ if info.state.messages == 0 => Some(0),
        Holds::Keys | Holds::Objects => Some(count_entries(api, kind, name, &stream).await?),
    };
    Ok(Some(contents(&info, entries)))
}

fn contents(info: &StreamInfo, entries: Option<u64>) -> Contents {
    Contents {
        messages: info.state.messages,
        bytes: info.state.bytes,
        first: info.state.first_ts.clone(),
        last: info.state.last_ts.clone(),
        entries,
    }
}

/// Live keys or objects, listed the way the NATS clients list them.
async fn count_entries(
    api: &JetStreamApi,
    kind: &Kind,
    name: &str,
    stream: &str,
) -> Result<u64, ContentsError> {
    let what = kind.holds.noun();
    let failed = |source: Box<dyn std::error::Error + Send + Sync>| ContentsError::Count {
        what,
        stream: stream.to_string(),
        source,
    };
    let context = async_nats::jetstream::with_prefix(api.client().clone(), api.prefix());
    let counting = async {
        match kind.holds {
            Holds::Keys => {
                let store = context
                    .get_key_value(name)
                    .await
                    .map_err(|e| failed(e.into()))?;
                let keys = store.keys().await.map_err(|e| failed(e.into()))?;
                keys.try_fold(0u64, |n, _| async move { Ok(n + 1) })
                    .await
                    .map_err(|e| failed(e.into()))
            }
            Holds::Objects => {
                let store = context
                    .get_object_store(name)
                    .await
                    .map_err(|e| failed(e.into()))?;
                let objects = store.list().await.map_err(|e| failed(e.into()))?;
                objects
                    .try_fold(0u64, |n, _| async move { Ok(n + 1) })
                    .await
                    .map_err(|e| failed(e.into()))
            }
            Holds::Messages => Ok(0),
        }
    };
    tokio::time::timeout(COUNT_TIMEOUT, counting)
        .await
        .map_err(|_| ContentsError::TimedOut {
            what,
            stream: stream.to_string(),
        })?
}

fn count(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Bytes as the NATS tools print them (binary units), exact below 1 KiB.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if bytes < 1024 {
        return count(bytes, "byte");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// An RFC 3339 time without its fraction of a second (`...T12:00:00.123456789Z`
/// reads as `...T12:00:00Z`); anything else as it came.
fn short_time(time: &str) -> String {
    match (time.find('.'), time.ends_with('Z')) {
        (Some(dot), true) => format!("{}Z", &time[..dot]),
        _ => time.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::resources::jetstream::{KV_BUCKET, OBJECT_BUCKET, STREAM};

    fn held(messages: u64, entries: Option<u64>) -> Contents {
        Contents {
            messages,
            bytes: 1536,
            first: "2026-01-31T12:00:00.123456789Z".into(),
            last: "2026-02-01T08:30:00Z".into(),
            entries,
        }
    }

    #[test]
    fn a_bucket_of_markers_is_empty_and_a_stream_of_messages_is_not() {
        assert!(!held(3, None).is_empty());
        assert!(held(0, None).is_empty());
        assert!(held(4, Some(0)).is_empty());
        assert!(!held(4, Some(1)).is_empty());
    }

    #[test]
    fn figures_read_as_a_phrase() {
        assert_eq!(
            held(3, None).describe(&STREAM),
            "3 messages (1.5 KiB, written from 2026-01-31T12:00:00Z to 2026-02-01T08:30:00Z)"
        );
        assert_eq!(
            held(12, Some(1)).describe(&KV_BUCKET),
            "1 key (12 messages with their history, 1.5 KiB, written from \
             2026-01-31T12:00:00Z to 2026-02-01T08:30:00Z)"
        );
        assert!(held(5, Some(2))
            .describe(&OBJECT_BUCKET)
            .starts_with("2 objects (5 messages"));
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(1023), "1023 bytes");
        assert_eq!(size(3 * 1024 * 1024 + 1), "3.0 MiB");
    }
}
