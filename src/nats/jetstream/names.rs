//! Checks on names that end up inside API subjects, and the conversion
//! between the seconds Terraform users write and the API's durations.
//!
//! A stream called `a.b` or a consumer called `>` would address a different
//! API subject than meant, so names are checked before any request is built.

use std::time::Duration;

use super::JetStreamError;

/// The server's limit on stream and consumer names (`JSMaxNameLen`).
pub const MAX_NAME_LEN: usize = 255;

/// The longest duration the API can carry: `i64::MAX` nanoseconds, in
/// whole seconds (about 292 years).
pub const MAX_DURATION_SECONDS: i64 = i64::MAX / 1_000_000_000;

/// Stream and consumer names: what the server accepts as an asset name.
pub fn check_asset_name(what: &'static str, name: &str) -> Result<(), JetStreamError> {
    let reason = if name.is_empty() {
        Some("must not be empty")
    } else if name.len() > MAX_NAME_LEN {
        Some("is longer than 255 bytes")
    } else if name
        .chars()
        .any(|c| matches!(c, '.' | '*' | '>' | '/' | '\\') || c.is_whitespace() || c.is_control())
    {
        Some("must not contain '.', '*', '>', '/', '\\' or whitespace")
    } else {
        None
    };
    invalid_if(what, name, reason)
}

/// KV and object bucket names: letters, digits, `_` and `-`, as every client
/// enforces (the stream name is the bucket name behind a prefix).
pub fn check_bucket_name(name: &str) -> Result<(), JetStreamError> {
    let reason = if name.is_empty() {
        Some("must not be empty")
    } else if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        Some("may contain only letters, digits, '_' and '-'")
    } else {
        None
    };
    invalid_if("bucket", name, reason)
}

/// KV keys: `[-/_=.a-zA-Z0-9]+`, not starting or ending with `.`, no empty
/// token; the key becomes the tail of the `$KV.<bucket>.` subject.
pub fn check_kv_key(key: &str) -> Result<(), JetStreamError> {
    let reason = if key.is_empty() {
        Some("must not be empty")
    } else if key.starts_with('.') || key.ends_with('.') || key.contains("..") {
        Some("must not start or end with '.' or contain '..'")
    } else if !key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '/' | '_' | '=' | '.'))
    {
        Some("may contain only letters, digits and '-', '/', '_', '=', '.'")
    } else {
        None
    };
    invalid_if("key", key, reason)
}

fn invalid_if(
    what: &'static str,
    name: &str,
    reason: Option<&'static str>,
) -> Result<(), JetStreamError> {
    match reason {
        Some(reason) => Err(JetStreamError::InvalidName {
            what,
            name: name.to_owned(),
            reason,
        }),
        None => Ok(()),
    }
}

/// Whole seconds (the unit Terraform users write) as a duration the API can
/// carry; `None` when negative or longer than [`MAX_DURATION_SECONDS`].
pub fn seconds_to_duration(seconds: i64) -> Option<Duration> {
    (0..=MAX_DURATION_SECONDS)
        .contains(&seconds)
        .then(|| Duration::from_secs(seconds.unsigned_abs()))
}

/// A duration in whole seconds, rounding toward zero.
pub fn duration_to_seconds(duration: Duration) -> i64 {
    i64::try_from(duration.as_secs()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_that_would_change_the_subject_are_refused() {
        check_asset_name("stream", "ORDERS-1_x").unwrap();
        for bad in ["", "a.b", "a*", ">", "a b", "a/b", "a\\b", &"x".repeat(256)] {
            let err = check_asset_name("stream", bad).unwrap_err();
            assert!(matches!(
                err,
                JetStreamError::InvalidName { what: "stream", .. }
            ));
        }
    }

    #[test]
    fn bucket_names_and_keys_follow_the_client_rules() {
        check_bucket_name("cfg-1_A").unwrap();
        for bad in ["a.b", ""] {
            let err = check_bucket_name(bad).unwrap_err();
            assert!(
                matches!(err, JetStreamError::InvalidName { what: "bucket", .. }),
                "{bad:?}: {err}"
            );
        }
        check_kv_key("app/db.url=x_1-2").unwrap();
        for bad in ["", ".a", "a.", "a..b", "a b", "a*", "a>"] {
            let err = check_kv_key(bad).unwrap_err();
            assert!(
                matches!(err, JetStreamError::InvalidName { what: "key", .. }),
                "{bad:?}: {err}"
            );
        }
    }

    #[test]
    fn seconds_convert_to_durations_the_api_can_carry() {
        assert_eq!(seconds_to_duration(120), Some(Duration::from_secs(120)));
        assert_eq!(seconds_to_duration(0), Some(Duration::ZERO));
        assert_eq!(seconds_to_duration(-1), None);
        assert_eq!(
            seconds_to_duration(MAX_DURATION_SECONDS),
            Some(Duration::from_secs(9_223_372_036))
        );
        assert_eq!(seconds_to_duration(MAX_DURATION_SECONDS + 1), None);
        assert_eq!(duration_to_seconds(Duration::from_nanos(1_999_999_999)), 1);
        assert_eq!(duration_to_seconds(Duration::MAX), i64::MAX);
    }
}
