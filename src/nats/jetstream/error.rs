//! What can go wrong talking to the JetStream API, and the server's own error
//! codes, typed as async-nats types them (`ErrorCode`) so callers branch on a
//! name, not a number.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// A JetStream `err_code` (nats-server's `errors.json`). The constants name
/// the codes natsforge branches on; any other code is carried as it came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorCode(pub u64);

impl ErrorCode {
    /// JetStream system temporarily unavailable (no meta leader: an election
    /// is under way). Transient.
    pub const CLUSTER_NOT_AVAILABLE: ErrorCode = ErrorCode(10008);
    /// JetStream cluster can not handle request (leadership moved). Transient.
    pub const CLUSTER_NOT_LEADER: ErrorCode = ErrorCode(10009);
    /// Incomplete results (a list while peers do not answer). Transient.
    pub const CLUSTER_INCOMPLETE: ErrorCode = ErrorCode(10004);
    /// The stream's replicas are down (a node restarting). Transient.
    pub const STREAM_OFFLINE: ErrorCode = ErrorCode(10118);
    /// The consumer's replicas are down. Transient.
    pub const CONSUMER_OFFLINE: ErrorCode = ErrorCode(10119);
    pub const STREAM_NOT_FOUND: ErrorCode = ErrorCode(10059);
    /// A stream of that name exists with another config.
    pub const STREAM_NAME_IN_USE: ErrorCode = ErrorCode(10058);
    pub const CONSUMER_NOT_FOUND: ErrorCode = ErrorCode(10014);
    /// `action: create` for a consumer that exists with another config.
    pub const CONSUMER_ALREADY_EXISTS: ErrorCode = ErrorCode(10148);
    /// `action: update` for a consumer that does not exist.
    pub const CONSUMER_DOES_NOT_EXIST: ErrorCode = ErrorCode(10149);
    pub const NOT_ENABLED_FOR_ACCOUNT: ErrorCode = ErrorCode(10039);
    pub const NOT_ENABLED: ErrorCode = ErrorCode(10076);
    /// The request body has an unknown key or a value of the wrong type.
    pub const INVALID_JSON: ErrorCode = ErrorCode(10025);
    /// The config is refused (the description says why); also what most
    /// not-allowed updates become.
    pub const STREAM_INVALID_CONFIG: ErrorCode = ErrorCode(10052);
    /// The server would have adjusted the config, and the request was pedantic.
    pub const PEDANTIC: ErrorCode = ErrorCode(10157);
    pub const SUBJECTS_OVERLAP: ErrorCode = ErrorCode(10065);
    pub const MIRROR_NOT_UPDATABLE: ErrorCode = ErrorCode(10055);
    /// More than one replica on a server that is not clustered.
    pub const REPLICAS_NOT_SUPPORTED: ErrorCode = ErrorCode(10074);
    pub const MAXIMUM_STREAMS_REACHED: ErrorCode = ErrorCode(10027);
    pub const MAXIMUM_CONSUMERS_REACHED: ErrorCode = ErrorCode(10026);
    pub const INSUFFICIENT_RESOURCES: ErrorCode = ErrorCode(10023);
    pub const MEMORY_RESOURCES_EXCEEDED: ErrorCode = ErrorCode(10028);
    pub const STORAGE_RESOURCES_EXCEEDED: ErrorCode = ErrorCode(10047);
    /// The account requires streams to set `max_bytes`.
    pub const STREAM_MAX_BYTES_REQUIRED: ErrorCode = ErrorCode(10113);
    /// `max_bytes` is above what the account allows per stream.
    pub const STREAM_MAX_STREAM_BYTES_EXCEEDED: ErrorCode = ErrorCode(10122);
    /// No message for a KV key / stream subject.
    pub const NO_MESSAGE_FOUND: ErrorCode = ErrorCode(10037);
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The `error` object a JetStream reply may carry (the server's `ApiError`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ApiError {
    /// An HTTP-like status: 400, 404, 500, 503.
    pub code: u16,
    #[serde(default = "no_error_code")]
    pub err_code: ErrorCode,
    #[serde(default)]
    pub description: String,
}

fn no_error_code() -> ErrorCode {
    ErrorCode(0)
}

/// The server's description ended with its code, as the `nats` CLI and
/// jsm.go (so the official provider) print it: `stream not found (10059)`.
/// Without an `err_code` (servers before 2.3) the status stands in.
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let description = match self.description.as_str() {
            "" => "JetStream API error without a description",
            text => text,
        };
        match self.err_code {
            ErrorCode(0) => write!(f, "{description} (status {})", self.code),
            code => write!(f, "{description} ({code})"),
        }
    }
}

impl std::error::Error for ApiError {}

#[derive(Debug, thiserror::Error)]
pub enum JetStreamError {
    /// The server answered with `{"error": {...}}`.
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("nothing answers on {subject}: JetStream is not enabled for this account or server, or the JetStream domain is wrong")]
    NoResponders { subject: String },
    #[error("JetStream did not answer {subject} within {timeout:?}")]
    TimedOut { subject: String, timeout: Duration },
    #[error("JetStream request {subject} failed: {source}")]
    Request {
        subject: String,
        #[source]
        source: async_nats::RequestError,
    },
    /// A reply that is a bare status line (headers only), other than the
    /// 503 of "no responders" and what a caller expects (a direct get's 404).
    #[error("JetStream request {subject} failed: the server answered status {status}{}", describe_status(.description))]
    Status {
        subject: String,
        status: u16,
        description: Option<String>,
    },
    #[error("cannot encode the request for {subject}: {source}")]
    Encode {
        subject: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("unexpected reply from {subject}: {}", clipped(source))]
    Decode {
        subject: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("unexpected reply from {subject}: the reply has no {header} header")]
    MissingHeader {
        subject: String,
        header: &'static str,
    },
    /// A name that would not address the intended API subject.
    #[error("invalid {what} name {name:?}: {reason}")]
    InvalidName {
        what: &'static str,
        name: String,
        reason: &'static str,
    },
    /// Transient failures retried until the time budget was spent, or until
    /// a failure that is not transient: `last` is what the last attempt met,
    /// the server's text and code included.
    #[error("{last} (JetStream request {subject}: {attempts} attempts within the {budget:?} timeout; retried after: {retried})")]
    Retried {
        subject: String,
        attempts: u32,
        budget: Duration,
        retried: String,
        #[source]
        last: Box<JetStreamError>,
    },
    /// A KV history no client would turn into a stream.
    #[error("invalid configuration: history must be between 1 and {max}, not {history}")]
    HistoryOutOfRange { history: i64, max: i64 },
}

/// serde's message quotes the offending value, which a broken or hostile
/// reply can make megabytes long: keep its start and its position.
fn clipped(source: &serde_json::Error) -> String {
    const HEAD: usize = 160;
    const TAIL: usize = 60;
    let text = source.to_string();
    let chars = text.chars().count();
    if chars <= HEAD + TAIL + 20 {
        return text;
    }
    let head: String = text.chars().take(HEAD).collect();
    let tail: String = text.chars().skip(chars - TAIL).collect();
    format!("{head} [... {} characters ...] {tail}", chars - HEAD - TAIL)
}

fn describe_status(description: &Option<String>) -> String {
    match description.as_deref().map(str::trim) {
        Some(text) if !text.is_empty() => format!(" ({text})"),
        _ => String::new(),
    }
}

impl JetStreamError {
    /// The server's error, when it answered with one (last, if retried).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            JetStreamError::Api(error) => Some(error),
            JetStreamError::Retried { last, .. } => last.api_error(),
            _ => None,
        }
    }

    /// What the last attempt met: the error itself unless it was retried.
    pub fn last_attempt(&self) -> &JetStreamError {
        match self {
            JetStreamError::Retried { last, .. } => last.last_attempt(),
            other => other,
        }
    }

    /// The JetStream `err_code`, when the server gave one.
    pub fn err_code(&self) -> Option<ErrorCode> {
        self.api_error().map(|error| error.err_code)
    }

    /// Whether the thing asked about does not exist (stream or consumer),
    /// which Read turns into "gone" rather than a failure.
    pub fn is_not_found(&self) -> bool {
        matches!(
            self.err_code(),
            Some(ErrorCode::STREAM_NOT_FOUND | ErrorCode::CONSUMER_NOT_FOUND)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(code: u16, err_code: u64, description: &str) -> ApiError {
        ApiError {
            code,
            err_code: ErrorCode(err_code),
            description: description.to_owned(),
        }
    }

    #[test]
    fn server_errors_end_with_the_code_as_the_nats_tools_print_it() {
        assert_eq!(
            api(
                400,
                10157,
                "pedantic mode: duplicate window can not be larger then max age"
            )
            .to_string(),
            "pedantic mode: duplicate window can not be larger then max age (10157)"
        );
        assert_eq!(
            JetStreamError::from(api(404, 10059, "stream not found")).to_string(),
            "stream not found (10059)"
        );
    }

    #[test]
    fn errors_without_code_or_description_still_say_something() {
        assert_eq!(
            api(503, 0, "unavailable").to_string(),
            "unavailable (status 503)"
        );
        assert_eq!(
            api(500, 10049, "").to_string(),
            "JetStream API error without a description (10049)"
        );
    }

    #[test]
    fn huge_values_in_a_malformed_reply_are_clipped_not_echoed() {
        let huge = format!(r#"{{"name":"{}"}}"#, "x".repeat(1 << 20));
        let source =
            serde_json::from_str::<std::collections::BTreeMap<String, u64>>(&huge).unwrap_err();
        let err = JetStreamError::Decode {
            subject: "$JS.API.INFO".into(),
            source,
        };
        let message = err.to_string();
        assert!(message.len() < 400, "{}", message.len());
        assert!(
            message.starts_with(r#"unexpected reply from $JS.API.INFO: invalid type: string "xxx"#),
            "{message}"
        );
        assert!(
            message.ends_with(r#"xxx", expected u64 at line 1 column 1048586"#),
            "{message}"
        );
        assert!(
            message.contains(" [... 1048418 characters ...] "),
            "{message}"
        );

        let short = serde_json::from_str::<u64>("true").unwrap_err();
        assert_eq!(
            clipped(&short),
            "invalid type: boolean `true`, expected u64 at line 1 column 4"
        );
    }

    #[test]
    fn codes_are_typed_and_match_as_patterns() {
        let err = JetStreamError::from(api(404, 10014, "consumer not found"));
        assert!(matches!(
            err.err_code(),
            Some(ErrorCode::CONSUMER_NOT_FOUND)
        ));
        assert!(err.is_not_found());
        let other = JetStreamError::NoResponders {
            subject: "$JS.API.INFO".into(),
        };
        assert_eq!(other.err_code(), None);
        assert!(!other.is_not_found());
    }
}
