//! Checks the server makes on every JetStream asset, written once for the plan-time
//! rules of streams and buckets: metadata keys and size, description length, and how a
//! mirror or source says where it starts and where it lives.

use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::AttributePath;
use crate::framework::Field;
use crate::nats::jetstream::SERVER_METADATA_PREFIX;
use std::collections::BTreeMap;

/// nats-server's `JSMaxDescriptionLen`.
pub const MAX_DESCRIPTION: usize = 4 * 1024;
/// nats-server's `JSMaxMetadataLen`: keys and values together.
pub const MAX_METADATA: usize = 128 * 1024;

/// `_nats.*` keys belong to the server (API level, version, where a source came from):
/// it drops or overwrites them, so the stream would never hold what was planned.
pub fn metadata(metadata: &Field<BTreeMap<String, String>>, out: &mut Diagnostics) {
    let Some(metadata) = metadata.known() else {
        return;
    };
    for key in metadata
        .keys()
        .filter(|k| k.starts_with(SERVER_METADATA_PREFIX))
    {
        out.attribute_error(
            &AttributePath::attr("metadata").key(key.as_str()),
            "Metadata key reserved for the server",
            format!(
                "{key:?}: keys starting with `{SERVER_METADATA_PREFIX}` are the server's own (it \
                 sets `_nats.req.level`, `_nats.ver` and `_nats.level` itself). Use another key."
            ),
        );
    }
    let size: usize = metadata.iter().map(|(k, v)| k.len() + v.len()).sum();
    if size > MAX_METADATA {
        out.attribute_error(
            &AttributePath::attr("metadata"),
            "Metadata too large",
            format!(
                "Keys and values add up to {size} bytes; nats-server accepts at most \
                 {MAX_METADATA} (\"metadata exceeds maximum size\")."
            ),
        );
    }
}

pub fn description(description: &Field<String>, out: &mut Diagnostics) {
    if let Some(length) = description
        .known()
        .map(String::len)
        .filter(|l| *l > MAX_DESCRIPTION)
    {
        out.attribute_error(
            &AttributePath::attr("description"),
            "Description too long",
            format!(
                "{length} bytes; nats-server accepts at most {MAX_DESCRIPTION} (\"description is \
                 too long\")."
            ),
        );
    }
}

/// What the start and location of one `mirror` or `source` block say.
pub struct OriginStart<'a> {
    pub path: AttributePath,
    pub domain: &'a Field<String>,
    pub external_blocks: usize,
    pub start_seq: &'a Field<u64>,
    pub start_time: &'a Field<String>,
}

/// `domain` or `external`, not both; `start_seq` or `start_time`, not both; the time
/// in RFC 3339.
pub fn origin_start(origin: &OriginStart<'_>, out: &mut Diagnostics) {
    if origin.domain.is_known() && origin.external_blocks > 0 {
        out.attribute_error(
            &origin.path.child("domain"),
            "domain and external together",
            "`domain` is turned into `external { api = \"$JS.<domain>.API\" }`: set one of them.",
        );
    }
    if origin.start_seq.is_known() && origin.start_time.is_known() {
        out.attribute_error(
            &origin.path.child("start_time"),
            "start_seq and start_time together",
            "Start either at a sequence or at a time.",
        );
    }
    if let Some(time) = origin.start_time.known() {
        let rfc3339 = time::format_description::well_known::Rfc3339;
        if time::OffsetDateTime::parse(time, &rfc3339).is_err() {
            out.attribute_error(
                &origin.path.child("start_time"),
                "Invalid start_time",
                format!("{time:?} is not an RFC 3339 time such as 2026-01-31T12:00:00Z."),
            );
        }
    }
}
