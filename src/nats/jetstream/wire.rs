//! How the JetStream API writes values that Rust holds in richer types:
//! durations as integer nanoseconds (Go's `time.Duration`), and times as
//! RFC 3339 text where Go's zero time means "none".

use std::time::Duration;

use serde::de::{Error as _, Unexpected};
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// A duration on the wire: nanoseconds in an `i64`.
struct Nanos(Duration);

impl Serialize for Nanos {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let nanos = i64::try_from(self.0.as_nanos()).map_err(|_| {
            S::Error::custom(format!(
                "{:?} is longer than the JetStream API can express (about 292 years)",
                self.0
            ))
        })?;
        serializer.serialize_i64(nanos)
    }
}

impl<'de> Deserialize<'de> for Nanos {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let nanos = i64::deserialize(deserializer)?;
        u64::try_from(nanos)
            .map(|nanos| Nanos(Duration::from_nanos(nanos)))
            .map_err(|_| {
                D::Error::invalid_value(Unexpected::Signed(nanos), &"nanoseconds, not negative")
            })
    }
}

/// `#[serde(with = "nanos")]` for a `Duration` field.
pub(crate) mod nanos {
    use super::*;

    pub fn serialize<S: Serializer>(duration: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        Nanos(*duration).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        Nanos::deserialize(deserializer).map(|nanos| nanos.0)
    }
}

/// `#[serde(with = "nanos_list")]` for a `Vec<Duration>` field (`backoff`).
pub(crate) mod nanos_list {
    use super::*;

    pub fn serialize<S: Serializer>(list: &[Duration], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(list.iter().map(|duration| Nanos(*duration)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Vec<Duration>, D::Error> {
        let list = Vec::<Nanos>::deserialize(deserializer)?;
        Ok(list.into_iter().map(|nanos| nanos.0).collect())
    }
}

/// Reads a duration the server writes as `-1` (or any negative) when there
/// is none, as a source's or a peer's `active`.
pub(crate) fn negative_nanos_is_none<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    let nanos = Option::<i64>::deserialize(deserializer)?;
    Ok(nanos
        .and_then(|nanos| u64::try_from(nanos).ok())
        .map(Duration::from_nanos))
}

/// Reads an optional RFC 3339 time, taking Go's zero time
/// (`0001-01-01T00:00:00Z`) as unset: Go clients (nats.go, jsm.go, so the
/// official provider and the `nats` CLI) send the zero value of a
/// `time.Time` where they mean "none", and the server stores and echoes it.
pub(crate) fn go_zero_time_is_unset<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.filter(|text| !is_go_zero_time(text)))
}

fn is_go_zero_time(text: &str) -> bool {
    OffsetDateTime::parse(text, &Rfc3339).is_ok_and(|time| {
        time.to_offset(time::UtcOffset::UTC).year() == 1
            && time.ordinal() == 1
            && time.time() == time::Time::MIDNIGHT
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Timed {
        #[serde(with = "nanos")]
        wait: Duration,
        #[serde(with = "nanos_list", default)]
        steps: Vec<Duration>,
        #[serde(default, deserialize_with = "negative_nanos_is_none", skip_serializing)]
        active: Option<Duration>,
    }

    #[test]
    fn durations_travel_as_nanoseconds() {
        let timed = Timed {
            wait: Duration::from_millis(1500),
            steps: vec![Duration::from_secs(1), Duration::from_secs(30)],
            active: None,
        };
        let json = serde_json::to_string(&timed).unwrap();
        assert_eq!(
            json,
            r#"{"wait":1500000000,"steps":[1000000000,30000000000]}"#
        );
        assert_eq!(serde_json::from_str::<Timed>(&json).unwrap(), timed);
    }

    #[test]
    fn negative_or_overlong_durations_are_errors_not_wraparounds() {
        let err = serde_json::from_str::<Timed>(r#"{"wait":-1}"#).unwrap_err();
        assert!(
            err.to_string().contains("nanoseconds, not negative"),
            "{err}"
        );
        let err = serde_json::from_str::<Timed>(r#"{"wait":1,"steps":[-5]}"#).unwrap_err();
        assert!(
            err.to_string().contains("nanoseconds, not negative"),
            "{err}"
        );
        let overlong = Timed {
            wait: Duration::from_secs(u64::MAX),
            steps: Vec::new(),
            active: None,
        };
        let err = serde_json::to_string(&overlong).unwrap_err();
        assert!(
            err.to_string().contains("longer than the JetStream API"),
            "{err}"
        );
    }

    #[test]
    fn minus_one_means_no_activity() {
        let read = |json: &str| serde_json::from_str::<Timed>(json).unwrap().active;
        assert_eq!(read(r#"{"wait":0,"active":-1}"#), None);
        assert_eq!(read(r#"{"wait":0}"#), None);
        assert_eq!(
            read(r#"{"wait":0,"active":2000000}"#),
            Some(Duration::from_millis(2))
        );
    }

    #[derive(Deserialize)]
    struct Paused {
        #[serde(default, deserialize_with = "go_zero_time_is_unset")]
        pause_until: Option<String>,
    }

    fn pause_until(json: &str) -> Option<String> {
        serde_json::from_str::<Paused>(json).unwrap().pause_until
    }

    #[test]
    fn gos_zero_time_reads_as_unset() {
        assert_eq!(
            pause_until(r#"{"pause_until":"0001-01-01T00:00:00Z"}"#),
            None
        );
        assert_eq!(
            pause_until(r#"{"pause_until":"0001-01-01T00:00:00.000000000Z"}"#),
            None
        );
        assert_eq!(pause_until(r#"{"pause_until":null}"#), None);
        assert_eq!(pause_until("{}"), None);
    }

    #[test]
    fn real_times_are_kept_as_sent() {
        for time in [
            "2030-01-01T00:00:00Z",
            "0001-01-01T00:00:01Z",
            "0001-01-02T00:00:00Z",
            "2030-01-01T00:00:00+02:00",
        ] {
            let json = format!(r#"{{"pause_until":"{time}"}}"#);
            assert_eq!(pause_until(&json).as_deref(), Some(time));
        }
    }
}
