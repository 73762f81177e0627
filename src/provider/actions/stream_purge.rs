//! # Action `nats_jetstream_stream_purge`
//!
//! Removes messages from a stream (all, by subject, all but the newest, or below a
//! sequence) with `STREAM.PURGE`, and reports how many went and how many are left. The
//! user's documentation is the schema's descriptions below
//! (docs/actions/jetstream_stream_purge.md).

use super::messages;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::int_at_least;
use crate::framework::value::AttributePath;
use crate::framework::{Action, Field, Progress, Rule};
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::failed;
use crate::provider::rules::{DOMAIN, NAME, SUBJECT};
use serde::{Deserialize, Serialize};

pub struct StreamPurge;

#[derive(Deserialize)]
pub struct StreamPurgeModel {
    stream: Field<String>,
    domain: Field<String>,
    subject: Field<String>,
    keep: Field<i64>,
    up_to_sequence: Field<i64>,
}

const KEEP_OR_SEQUENCE: Rule<StreamPurgeModel> = Rule::new(
    "keep and up_to_sequence exclude each other",
    |purge, out| {
        if !purge.keep.is_null() && !purge.up_to_sequence.is_null() {
            out.attribute_error(
                &AttributePath::attr("up_to_sequence"),
                "Conflicting purge limits",
                "Set `keep` (keep the newest messages) or `up_to_sequence` (remove those below a sequence), not both: the server takes one of them.",
            );
        }
    },
);

/// The body of `STREAM.PURGE.<name>`; what is left out removes everything.
#[derive(Debug, PartialEq, Serialize)]
struct PurgeRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<String>,
    #[serde(rename = "seq", skip_serializing_if = "Option::is_none")]
    up_to_sequence: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    keep: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct PurgeReply {
    purged: u64,
}

impl PurgeRequest {
    fn from_model(config: StreamPurgeModel) -> Self {
        // The validators made both numbers at least 1.
        let positive = |n: i64| u64::try_from(n).ok();
        PurgeRequest {
            filter: config.subject.into_known(),
            up_to_sequence: config.up_to_sequence.into_known().and_then(positive),
            keep: config.keep.into_known().and_then(positive),
        }
    }

    /// What is removed, in words.
    fn describe(&self) -> String {
        let mut what = match &self.filter {
            Some(filter) => format!("messages on {filter}"),
            None => "all messages".to_string(),
        };
        if let Some(keep) = self.keep {
            what.push_str(&format!(" except the newest {keep}"));
        }
        if let Some(sequence) = self.up_to_sequence {
            what.push_str(&format!(" below sequence {sequence}"));
        }
        what
    }
}

impl Action for StreamPurge {
    type Client = NatsClient;
    type Model = StreamPurgeModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_stream_purge"
    }

    fn schema(&self) -> Schema {
        Schema::new("Removes messages from a JetStream stream (all, by subject, keeping the newest, or below a sequence) and reports how many were removed. Needs Terraform 1.14 or later: `terraform apply -invoke=action.nats_jetstream_stream_purge.<name>`, or an `action_trigger` in a resource's `lifecycle`.\n\nThe stream, its configuration and its consumers stay; consumers move past the removed messages. `subject` combines with `keep` or with `up_to_sequence`. A stream with `deny_purge` refuses, with the server's error. Invoking the action is the consent to remove the messages: nothing else in natsforge purges a stream.")
            .attribute(
                Attribute::string("stream")
                    .required()
                    .validate(NAME)
                    .description("The stream to purge."),
            )
            .attribute(
                Attribute::string("domain")
                    .optional()
                    .validate(DOMAIN)
                    .description("The JetStream domain of the stream. Default: the provider's `jetstream_domain`."),
            )
            .attribute(
                Attribute::string("subject")
                    .optional()
                    .validate(SUBJECT)
                    .description("Remove only messages on these subjects (wildcards allowed). Default: every subject."),
            )
            .attribute(
                Attribute::number("keep")
                    .optional()
                    .validate(int_at_least(1))
                    .description("Keep this many of the newest messages (of `subject`, when set). Conflicts with `up_to_sequence`."),
            )
            .attribute(
                Attribute::number("up_to_sequence")
                    .optional()
                    .validate(int_at_least(1))
                    .description("Remove only messages with a sequence below this one. Conflicts with `keep`."),
            )
    }

    fn rules(&self) -> &'static [Rule<StreamPurgeModel>] {
        &[KEEP_OR_SEQUENCE]
    }

    async fn invoke(
        &self,
        client: &NatsClient,
        config: StreamPurgeModel,
        progress: &Progress,
    ) -> Result<(), Diagnostics> {
        let stream = config.stream.known().cloned().unwrap_or_default();
        let domain = config
            .domain
            .known()
            .cloned()
            .or_else(|| client.default_domain());
        let request = PurgeRequest::from_model(config);
        let jetstream = client.jetstream(domain.as_deref()).await?;
        let place = match &domain {
            Some(domain) => format!("stream {stream} (domain {domain})"),
            None => format!("stream {stream}"),
        };
        let cannot = format!("Cannot purge {place}");
        let before = jetstream
            .stream_info(&stream)
            .await
            .map_err(|error| failed(cannot.clone(), &error))?
            .ok_or_else(|| {
                Diagnostics::from(
                    Diagnostic::error(cannot.clone(), format!("The {place} does not exist."))
                        .at(AttributePath::attr("stream")),
                )
            })?;
        progress.report(format!(
            "Purging {} from {place}, which holds {}",
            request.describe(),
            messages(before.state.messages)
        ));
        let reply: PurgeReply = jetstream
            .request(&format!("STREAM.PURGE.{stream}"), &request)
            .await
            .map_err(|error| failed(cannot.clone(), &error))?;
        let remaining = jetstream
            .stream_info(&stream)
            .await
            .ok()
            .flatten()
            .map(|info| format!("; {} left", messages(info.state.messages)))
            .unwrap_or_default();
        progress.report(format!(
            "Removed {} from {place}{remaining}",
            messages(reply.purged)
        ));
        Ok(())
    }
}

#[cfg(test)]
#[path = "stream_purge_tests.rs"]
mod tests;
