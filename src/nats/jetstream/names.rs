//! Checks on names that end up inside API subjects, and nanosecond helpers.
//!
//! A stream called `a.b` or a consumer called `>` would address a different
//! API subject than meant, so names are checked before any request is built.

use super::JetStreamError;

/// The server's limit on stream and consumer names (`JSMaxNameLen`).
pub const MAX_NAME_LEN: usize = 255;

const NANOS_PER_SECOND: i64 = 1_000_000_000;

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

/// Whole seconds (the unit Terraform users write) to the API's nanoseconds;
/// `None` when it would overflow.
pub fn seconds_to_nanos(seconds: i64) -> Option<i64> {
    seconds.checked_mul(NANOS_PER_SECOND)
}

/// The API's nanoseconds to whole seconds, rounding toward zero.
pub fn nanos_to_seconds(nanos: i64) -> i64 {
    nanos / NANOS_PER_SECOND
}

/// A [`std::time::Duration`] in the API's nanoseconds, saturating at `i64::MAX`.
pub fn duration_to_nanos(duration: std::time::Duration) -> i64 {
    i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX)
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
    fn seconds_and_nanoseconds_convert_without_overflow() {
        assert_eq!(seconds_to_nanos(120), Some(120_000_000_000));
        assert_eq!(seconds_to_nanos(i64::MAX), None);
        assert_eq!(nanos_to_seconds(1_999_999_999), 1);
        assert_eq!(
            duration_to_nanos(std::time::Duration::from_millis(1500)),
            1_500_000_000
        );
        assert_eq!(duration_to_nanos(std::time::Duration::MAX), i64::MAX);
    }
}
