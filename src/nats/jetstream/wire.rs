//! How the JetStream API writes values that Rust holds in richer types.

use serde::{Deserialize, Deserializer};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

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
