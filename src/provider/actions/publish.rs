//! # Action `nats_publish`
//!
//! Publishes messages to a subject, through JetStream when asked (each message waits
//! for the stream's acknowledgement; `Nats-Msg-Id` de-duplicates, `Nats-Expected-Stream`
//! guards the target). The user's documentation is the schema's descriptions below
//! (docs/actions/publish.md); the example is examples/actions/nats_publish/action.tf.

use super::{messages, worth_reporting};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::StringRule;
use crate::framework::value::AttributePath;
use crate::framework::{Action, Field, Progress, Rule};
use crate::nats::jetstream::decode_reply;
use crate::provider::client::NatsClient;
use crate::provider::rules::{check_subject, NAME};
use async_nats::{HeaderMap, HeaderName, HeaderValue, RequestErrorKind};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::str::FromStr;

const MSG_ID_HEADER: &str = "Nats-Msg-Id";
const EXPECTED_STREAM_HEADER: &str = "Nats-Expected-Stream";

pub struct Publish;

#[derive(Deserialize)]
pub struct PublishModel {
    subject: Field<String>,
    payload: Field<String>,
    payloads: Field<Vec<String>>,
    headers: Field<BTreeMap<String, String>>,
    jetstream: Field<bool>,
    msg_id: Field<String>,
    expected_stream: Field<String>,
}

/// A subject messages can be published to: a subject without wildcards.
fn check_publish_subject(subject: &str) -> Result<(), String> {
    check_subject(subject)?;
    if subject.split('.').any(|token| token == "*" || token == ">") {
        return Err(format!(
            "{subject:?} has a wildcard; a message is published to one subject"
        ));
    }
    Ok(())
}

const PUBLISH_SUBJECT: StringRule = StringRule {
    allowed: "a NATS subject without wildcards: dot-separated tokens, none empty",
    rule: check_publish_subject,
};

const ONE_PAYLOAD_FORM: Rule<PublishModel> =
    Rule::new("either payload or payloads", |publish, out| {
        let payload = publish.payload.decided();
        let payloads = publish.payloads.decided();
        match (payload, payloads) {
            (Some(Some(_)), Some(Some(_))) => out.attribute_error(
                &AttributePath::attr("payloads"),
                "Conflicting payloads",
                "Set `payload` for one message or `payloads` for several, not both.",
            ),
            (Some(None), Some(None)) => out.attribute_error(
                &AttributePath::attr("payload"),
                "Missing payload",
                "Set `payload` for one message (\"\" for an empty one) or `payloads` for several.",
            ),
            (_, Some(Some(list))) if list.is_empty() => out.attribute_error(
                &AttributePath::attr("payloads"),
                "No messages",
                "`payloads` is empty; list at least one message, or use `payload`.",
            ),
            _ => {}
        }
    });

const JETSTREAM_OPTIONS_NEED_JETSTREAM: Rule<PublishModel> = Rule::new(
    "msg_id and expected_stream need jetstream",
    |publish, out| {
        let off = publish.jetstream.is_null() || publish.jetstream.is_known_and(|on| !*on);
        if !off {
            return;
        }
        for (name, value) in [
            ("msg_id", &publish.msg_id),
            ("expected_stream", &publish.expected_stream),
        ] {
            if !value.is_null() {
                out.attribute_error(
                    &AttributePath::attr(name),
                    format!("{name} needs jetstream"),
                    format!("`{name}` is checked by a JetStream stream, so it only works with `jetstream = true`."),
                );
            }
        }
    },
);

const HEADERS_ARE_VALID: Rule<PublishModel> = Rule::new(
    "header names and values",
    |publish, out| {
        let Some(headers) = publish.headers.known() else {
            return;
        };
        for (name, value) in headers {
            let path = AttributePath::attr("headers").key(name);
            if name.is_empty() || HeaderName::from_str(name).is_err() {
                out.attribute_error(
                &path,
                "Invalid header name",
                format!("{name:?} cannot be a header name: use printable ASCII without white space or `:`."),
            );
            } else if HeaderValue::from_str(value).is_err() {
                out.attribute_error(
                &path,
                "Invalid header value",
                format!("The value of header {name:?} holds a line break, which NATS headers cannot carry."),
            );
            }
            let managed = [
                (MSG_ID_HEADER, "msg_id"),
                (EXPECTED_STREAM_HEADER, "expected_stream"),
            ];
            for (header, attribute) in managed {
                if name.eq_ignore_ascii_case(header) {
                    out.attribute_error(
                    &path,
                    "Header set by an argument",
                    format!("Set {header} with `{attribute}` (with `jetstream = true`), not in `headers`."),
                );
                }
            }
        }
    },
);

const RULES: &[Rule<PublishModel>] = &[
    ONE_PAYLOAD_FORM,
    JETSTREAM_OPTIONS_NEED_JETSTREAM,
    HEADERS_ARE_VALID,
];

/// What a stream answers for each stored message.
#[derive(Debug, Deserialize)]
struct PubAck {
    stream: String,
    seq: u64,
    #[serde(default)]
    duplicate: bool,
    #[serde(default)]
    domain: Option<String>,
}

/// The acknowledgements of one invocation, summed up for the user.
#[derive(Default)]
struct Acks {
    /// Per stream (and domain): first and last sequence stored.
    streams: BTreeMap<String, (u64, u64)>,
    stored: usize,
    duplicates: usize,
}

impl Acks {
    fn add(&mut self, ack: &PubAck) {
        if ack.duplicate {
            self.duplicates += 1;
            return;
        }
        self.stored += 1;
        let stream = match &ack.domain {
            Some(domain) if !domain.is_empty() => format!("{} (domain {domain})", ack.stream),
            _ => ack.stream.clone(),
        };
        let range = self.streams.entry(stream).or_insert((ack.seq, ack.seq));
        range.0 = range.0.min(ack.seq);
        range.1 = range.1.max(ack.seq);
    }

    fn summary(&self, subject: &str) -> String {
        let streams: Vec<String> = self
            .streams
            .iter()
            .map(|(stream, (first, last))| match first == last {
                true => format!("{stream} seq {first}"),
                false => format!("{stream} seq {first}-{last}"),
            })
            .collect();
        let mut text = format!("{} stored on {subject}", messages(self.stored as u64));
        if !streams.is_empty() {
            text.push_str(&format!(" in {}", streams.join(", ")));
        }
        if self.duplicates > 0 {
            text.push_str(&format!(
                "; {} already stored (duplicate Nats-Msg-Id), not stored again",
                messages(self.duplicates as u64)
            ));
        }
        text
    }
}

impl Action for Publish {
    type Client = NatsClient;
    type Model = PublishModel;

    fn type_name(&self) -> &'static str {
        "nats_publish"
    }

    fn schema(&self) -> Schema {
        Schema::new("Publishes messages to a NATS subject, optionally through JetStream with acknowledgements and de-duplication. Needs Terraform 1.14 or later: `terraform apply -invoke=action.nats_publish.<name>`, or an `action_trigger` in a resource's `lifecycle`.\n\nOne `payload`, or a list of `payloads` sent in order, each with the same `headers`. With `jetstream = true` every message waits for a stream's acknowledgement, and the action reports the stream and the sequences that stored them; `msg_id` sets `Nats-Msg-Id`, so invoking the action again within the stream's duplicate window stores nothing twice; `expected_stream` refuses to publish into any other stream. Without JetStream the messages are flushed to the server and reach the subscribers of that moment, with no acknowledgement.")
            .attribute(
                Attribute::string("subject")
                    .required()
                    .validate(PUBLISH_SUBJECT)
                    .description("The subject to publish to, without wildcards."),
            )
            .attribute(
                Attribute::string("payload")
                    .optional()
                    .description("The body of one message (`\"\"` for an empty one). Set this or `payloads`."),
            )
            .attribute(
                Attribute::string_list("payloads")
                    .optional()
                    .description("The bodies of several messages, published in this order. Set this or `payload`."),
            )
            .attribute(
                Attribute::string_map("headers")
                    .optional()
                    .description("Headers set on every message. `Nats-Msg-Id` and `Nats-Expected-Stream` are set with `msg_id` and `expected_stream` instead."),
            )
            .attribute(
                Attribute::bool("jetstream")
                    .optional()
                    .description("Wait for a JetStream stream to acknowledge each message, and fail when no stream stores the subject. Default `false`: core NATS, no acknowledgement."),
            )
            .attribute(
                Attribute::string("msg_id")
                    .optional()
                    .description("`Nats-Msg-Id` for de-duplication within the stream's duplicate window (needs `jetstream = true`). With `payloads`, message n (from 1) carries `<msg_id>-<n>`."),
            )
            .attribute(
                Attribute::string("expected_stream")
                    .optional()
                    .validate(NAME)
                    .description("Only this stream may store the messages (`Nats-Expected-Stream`; needs `jetstream = true`): another stream capturing the subject refuses them."),
            )
    }

    fn rules(&self) -> &'static [Rule<PublishModel>] {
        RULES
    }

    async fn invoke(
        &self,
        client: &NatsClient,
        config: PublishModel,
        progress: &Progress,
    ) -> Result<(), Diagnostics> {
        let subject = config.subject.into_known().unwrap_or_default();
        let payloads = match (config.payload.into_known(), config.payloads.into_known()) {
            (Some(one), _) => vec![one],
            (None, Some(many)) => many,
            (None, None) => Vec::new(),
        };
        let numbered = payloads.len() > 1;
        let headers = config.headers.into_known().unwrap_or_default();
        let jetstream = config.jetstream.into_known().unwrap_or(false);
        let msg_id = config.msg_id.into_known();
        let expected_stream = config.expected_stream.into_known();
        let connection = client.connection().await?;
        let total = payloads.len();
        let mut acks = Acks::default();
        for (index, payload) in payloads.into_iter().enumerate() {
            let number = index + 1;
            let mut message_headers = header_map(&headers)?;
            if let Some(id) = &msg_id {
                let id = match numbered {
                    true => format!("{id}-{number}"),
                    false => id.clone(),
                };
                message_headers.insert(MSG_ID_HEADER, header_value(&id, "msg_id")?);
            }
            if let Some(stream) = &expected_stream {
                message_headers.insert(
                    EXPECTED_STREAM_HEADER,
                    header_value(stream, "expected_stream")?,
                );
            }
            if jetstream {
                let reply = connection
                    .request_with_headers(subject.clone(), message_headers, payload.into())
                    .await
                    .map_err(|error| {
                        let detail = match error.kind() {
                            RequestErrorKind::NoResponders => format!(
                                "No JetStream stream stores subject {subject:?} (the server answered: no responders). Create a stream capturing it, or publish without `jetstream`."
                            ),
                            _ => error.to_string(),
                        };
                        publish_failed(&subject, number, total, detail)
                    })?;
                let ack: PubAck = decode_reply(&subject, &reply.payload)
                    .map_err(|error| publish_failed(&subject, number, total, error.to_string()))?;
                acks.add(&ack);
                if worth_reporting(number, total) {
                    let what = match ack.duplicate {
                        true => "duplicate, already stored".to_string(),
                        false => format!("stream {} seq {}", ack.stream, ack.seq),
                    };
                    progress.report(format!("{number}/{total} on {subject}: {what}"));
                }
            } else {
                connection
                    .publish_with_headers(subject.clone(), message_headers, payload.into())
                    .await
                    .map_err(|error| publish_failed(&subject, number, total, error.to_string()))?;
                if worth_reporting(number, total) && total > 1 {
                    progress.report(format!("{number}/{total} sent on {subject}"));
                }
            }
        }
        if jetstream {
            progress.report(acks.summary(&subject));
        } else {
            connection.flush().await.map_err(|error| {
                Diagnostics::from(Diagnostic::error(
                    format!("Cannot publish to {subject}"),
                    format!("The messages may not have reached the server: {error}"),
                ))
            })?;
            progress.report(format!(
                "{} published on {subject} (core NATS: delivered to current subscribers, no acknowledgement)",
                messages(total as u64)
            ));
        }
        Ok(())
    }
}

fn publish_failed(subject: &str, number: usize, total: usize, detail: String) -> Diagnostics {
    let mut detail = detail.trim_end_matches('.').to_string();
    match number - 1 {
        0 => detail.push('.'),
        1 => detail.push_str(". The message before it was published."),
        published => detail.push_str(&format!(
            ". The {published} messages before it were published."
        )),
    }
    Diagnostic::error(
        format!("Cannot publish message {number} of {total} to {subject}"),
        detail,
    )
    .into()
}

fn header_map(headers: &BTreeMap<String, String>) -> Result<HeaderMap, Diagnostics> {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        let header = HeaderName::from_str(name).map_err(|_| {
            Diagnostics::from(
                Diagnostic::error(
                    "Invalid header name",
                    format!("{name:?} cannot be a header name."),
                )
                .at(AttributePath::attr("headers").key(name)),
            )
        })?;
        map.insert(header, header_value(value, "headers")?);
    }
    Ok(map)
}

fn header_value(value: &str, attribute: &str) -> Result<HeaderValue, Diagnostics> {
    HeaderValue::from_str(value).map_err(|_| {
        Diagnostics::from(
            Diagnostic::error(
                "Invalid header value",
                format!("`{attribute}` holds a line break, which NATS headers cannot carry."),
            )
            .at(AttributePath::attr(attribute)),
        )
    })
}

#[cfg(test)]
#[path = "publish_tests.rs"]
mod tests;
