//! What the JetStream resources (streams, KV and object buckets, KV entries) share:
//! how an object is named in errors, IDs and identities; where mirrors and sources
//! live; placement and storage as the official provider spells them; taking over the
//! official provider's state; and what a destroy would lose.
//!
//! A resource describes itself once as a [`Kind`]; the helpers here read it.

pub mod address;
pub mod adopt;
pub mod checks;
pub mod contents;
pub mod force_destroy;
pub mod identity;
pub mod list;
pub mod moved;
pub mod origin;
pub mod plan;
pub mod schema;
pub mod server_level;
pub mod settings;

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::Field;
use crate::nats::JetStreamError;
use address::Address;

/// One kind of JetStream object, as the resources name and store it.
#[derive(Debug)]
pub struct Kind {
    /// How messages name it: `stream`, `KV bucket`, `object bucket`.
    pub noun: &'static str,
    /// The official provider's ID prefix, e.g. `JETSTREAM_KV_`.
    pub id_prefix: &'static str,
    /// The prefix of the stream that stores it: empty for a stream, `KV_`, `OBJ_`.
    pub stream_prefix: &'static str,
    /// The naming rule its name follows.
    pub check_name: fn(&str) -> Result<(), String>,
    /// What destroying it loses.
    pub holds: Holds,
}

/// What a stream or bucket holds that a destroy would lose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    Messages,
    Keys,
    Objects,
}

impl Holds {
    /// The word for one of them.
    pub fn noun(self) -> &'static str {
        match self {
            Holds::Messages => "message",
            Holds::Keys => "key",
            Holds::Objects => "object",
        }
    }
}

pub const STREAM: Kind = Kind {
    noun: "stream",
    id_prefix: "JETSTREAM_STREAM_",
    stream_prefix: "",
    check_name: crate::provider::rules::check_name,
    holds: Holds::Messages,
};

pub const KV_BUCKET: Kind = Kind {
    noun: "KV bucket",
    id_prefix: "JETSTREAM_KV_",
    stream_prefix: "KV_",
    check_name: crate::provider::rules::check_bucket,
    holds: Holds::Keys,
};

pub const OBJECT_BUCKET: Kind = Kind {
    noun: "object bucket",
    id_prefix: "JETSTREAM_OBJ_",
    stream_prefix: "OBJ_",
    check_name: crate::provider::rules::check_bucket,
    holds: Holds::Objects,
};

impl Kind {
    /// The stream that stores the object called `name`.
    pub fn stream_name(&self, name: &str) -> String {
        format!("{}{name}", self.stream_prefix)
    }

    /// The resource ID in state: the official provider's form, domain-qualified.
    pub fn id(&self, domain: Option<&str>, name: &str) -> String {
        address::with_domain(domain, format!("{}{name}", self.id_prefix))
    }

    /// An import ID: `NAME`, `DOMAIN:NAME` or the official `<id_prefix>NAME`, also
    /// behind `DOMAIN:`. The error says which forms are accepted.
    pub fn parse_import(&self, id: &str) -> Result<Address, Diagnostics> {
        Address::parse(id, self.id_prefix, self.check_name).map_err(|problem| {
            Diagnostic::error(
                "Invalid import ID",
                format!(
                    "{problem}. Use NAME, DOMAIN:NAME or {}NAME.",
                    self.id_prefix
                ),
            )
            .into()
        })
    }

    /// A failed request for `action` (`create`, `read`, ...) on the object `name`.
    pub fn failed(&self, action: &str, name: &str, error: JetStreamError) -> Diagnostics {
        failed(format!("Cannot {action} {} {name}", self.noun), &error)
    }

    /// A planned model the server form cannot express (e.g. a number out of range).
    pub fn invalid(&self, name: &str, problem: String) -> Diagnostics {
        Diagnostic::error(
            format!("Invalid configuration for {} {name}", self.noun),
            problem,
        )
        .into()
    }

    /// The stream exists but is not shaped like this kind of object.
    pub fn not_shaped(&self, name: &str) -> Diagnostics {
        Diagnostic::error(
            format!("Cannot read {} {name}", self.noun),
            format!(
                "The stream {} is not shaped like a {}.",
                self.stream_name(name),
                self.noun
            ),
        )
        .into()
    }

    /// The planned `id` for the planned `name` and `domain`: known before apply
    /// whenever both are decided.
    pub fn planned_id(&self, name: &Field<String>, domain: &Field<String>) -> Field<String> {
        match (name.known(), domain.decided()) {
            (Some(name), Some(domain)) => Field::Known(self.id(domain.map(String::as_str), name)),
            _ => Field::Unknown,
        }
    }
}

/// An error diagnostic headed `heading` whose detail is the server's (or client's)
/// own text.
pub fn failed(heading: String, error: &JetStreamError) -> Diagnostics {
    Diagnostic::error(heading, error.to_string()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_name_their_streams_and_ids() {
        assert_eq!(STREAM.stream_name("ORDERS"), "ORDERS");
        assert_eq!(KV_BUCKET.stream_name("config"), "KV_config");
        assert_eq!(OBJECT_BUCKET.stream_name("files"), "OBJ_files");
        assert_eq!(STREAM.id(None, "ORDERS"), "JETSTREAM_STREAM_ORDERS");
        assert_eq!(
            KV_BUCKET.id(Some("hub"), "config"),
            "hub:JETSTREAM_KV_config"
        );
        let refused = KV_BUCKET.parse_import("a.b").unwrap_err();
        let detail = &refused.iter().next().unwrap().detail;
        assert!(
            detail.ends_with("Use NAME, DOMAIN:NAME or JETSTREAM_KV_NAME."),
            "{detail}"
        );
    }
}
