//! # Actions `nats_jetstream_consumer_pause` and `nats_jetstream_consumer_resume`
//!
//! Pause a consumer (nats-server 2.11+) until a time, or for a number of seconds, and
//! resume it early: `CONSUMER.PAUSE` with and without `pause_until`. The consumer keeps
//! its messages and acknowledgements; a paused one delivers nothing. A consumer whose
//! resource sets `pause_until` is paused by that resource instead: leave it out there
//! when these actions manage the pause. The user's documentation is the schemas'
//! descriptions below.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::{int_at_least, StringRule};
use crate::framework::value::AttributePath;
use crate::framework::{Action, Field, Progress, Rule};
use crate::nats::jetstream::JetStreamApi;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::failed;
use crate::provider::rules::{DOMAIN, NAME};
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub struct ConsumerPause;
pub struct ConsumerResume;

#[derive(Deserialize)]
pub struct ConsumerPauseModel {
    stream: Field<String>,
    consumer: Field<String>,
    domain: Field<String>,
    until: Field<String>,
    duration: Field<i64>,
}

#[derive(Deserialize)]
pub struct ConsumerResumeModel {
    stream: Field<String>,
    consumer: Field<String>,
    domain: Field<String>,
}

const TIMESTAMP: StringRule = StringRule {
    allowed: "an RFC 3339 time, e.g. `2026-12-24T18:00:00Z`",
    rule: |text| {
        OffsetDateTime::parse(text, &Rfc3339)
            .map(|_| ())
            .map_err(|error| format!("{text:?} is not an RFC 3339 time: {error}"))
    },
};

const UNTIL_OR_DURATION: Rule<ConsumerPauseModel> =
    Rule::new("either until or duration", |pause, out| {
        match (pause.until.decided(), pause.duration.decided()) {
            (Some(Some(_)), Some(Some(_))) => out.attribute_error(
                &AttributePath::attr("duration"),
                "Conflicting pause ends",
                "Set `until` (a time) or `duration` (seconds from the invocation), not both.",
            ),
            (Some(None), Some(None)) => out.attribute_error(
                &AttributePath::attr("until"),
                "Missing pause end",
                "Set `until` (a time) or `duration` (seconds from the invocation).",
            ),
            _ => {}
        }
    });

/// The body of `CONSUMER.PAUSE.<stream>.<consumer>`; no time resumes.
#[derive(Serialize)]
struct PauseRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pause_until: Option<String>,
}

#[derive(Deserialize)]
struct PauseReply {
    paused: bool,
    #[serde(default)]
    pause_until: Option<String>,
}

/// The three attributes naming a consumer, shared by both schemas.
fn consumer_attributes(schema: Schema) -> Schema {
    schema
        .attribute(
            Attribute::string("stream")
                .required()
                .validate(NAME)
                .description("The stream of the consumer."),
        )
        .attribute(
            Attribute::string("consumer")
                .required()
                .validate(NAME)
                .description("The consumer's name (its durable name)."),
        )
        .attribute(
            Attribute::string("domain")
                .optional()
                .validate(DOMAIN)
                .description(
                "The JetStream domain of the stream. Default: the provider's `jetstream_domain`.",
            ),
        )
}

/// Sends the pause (or, without a time, the resume) request; the server's answer.
async fn pause(
    client: &NatsClient,
    stream: &str,
    consumer: &str,
    domain: Option<String>,
    until: Option<String>,
) -> Result<(String, PauseReply), Diagnostics> {
    let domain = domain.or_else(|| client.default_domain());
    let jetstream: JetStreamApi = client.jetstream(domain.as_deref()).await?;
    let place = match &domain {
        Some(domain) => format!("consumer {consumer} of stream {stream} (domain {domain})"),
        None => format!("consumer {consumer} of stream {stream}"),
    };
    let verb = if until.is_some() { "pause" } else { "resume" };
    let reply: PauseReply = jetstream
        .request(
            &format!("CONSUMER.PAUSE.{stream}.{consumer}"),
            &PauseRequest { pause_until: until },
        )
        .await
        .map_err(|error| failed(format!("Cannot {verb} {place}"), &error))?;
    Ok((place, reply))
}

impl Action for ConsumerPause {
    type Client = NatsClient;
    type Model = ConsumerPauseModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_consumer_pause"
    }

    fn schema(&self) -> Schema {
        consumer_attributes(Schema::new("Pauses a JetStream consumer until a time or for a number of seconds (nats-server 2.11+); it keeps its messages and acknowledgements and delivers nothing meanwhile. Needs Terraform 1.14 or later: `terraform apply -invoke=action.nats_jetstream_consumer_pause.<name>`, or an `action_trigger`.\n\nResume it early with `nats_jetstream_consumer_resume`. A consumer whose `nats_jetstream_consumer` resource sets `pause_until` is paused by that resource: leave `pause_until` out there when this action manages the pause."))
            .attribute(
                Attribute::string("until")
                    .optional()
                    .validate(TIMESTAMP)
                    .description("When the pause ends, an RFC 3339 time. Set this or `duration`."),
            )
            .attribute(
                Attribute::number("duration")
                    .optional()
                    .validate(int_at_least(1))
                    .description("How long the pause lasts, in seconds from the invocation. Set this or `until`."),
            )
    }

    fn rules(&self) -> &'static [Rule<ConsumerPauseModel>] {
        &[UNTIL_OR_DURATION]
    }

    async fn invoke(
        &self,
        client: &NatsClient,
        config: ConsumerPauseModel,
        progress: &Progress,
    ) -> Result<(), Diagnostics> {
        let until = match (config.until.into_known(), config.duration.into_known()) {
            (Some(until), _) => until,
            (None, seconds) => {
                let end = OffsetDateTime::now_utc()
                    + time::Duration::seconds(seconds.unwrap_or_default());
                end.format(&Rfc3339).map_err(|error| {
                    Diagnostics::from(
                        Diagnostic::error("Invalid duration", error.to_string())
                            .at(AttributePath::attr("duration")),
                    )
                })?
            }
        };
        let stream = config.stream.into_known().unwrap_or_default();
        let consumer = config.consumer.into_known().unwrap_or_default();
        let (place, reply) = pause(
            client,
            &stream,
            &consumer,
            config.domain.into_known(),
            Some(until),
        )
        .await?;
        match (reply.paused, reply.pause_until) {
            (true, Some(until)) => progress.report(format!("Paused {place} until {until}")),
            _ => progress.report(format!(
                "The {place} is not paused: the pause end has passed already"
            )),
        }
        Ok(())
    }
}

impl Action for ConsumerResume {
    type Client = NatsClient;
    type Model = ConsumerResumeModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_consumer_resume"
    }

    fn schema(&self) -> Schema {
        consumer_attributes(Schema::new("Resumes a paused JetStream consumer now (nats-server 2.11+); resuming one that is not paused changes nothing. Needs Terraform 1.14 or later: `terraform apply -invoke=action.nats_jetstream_consumer_resume.<name>`, or an `action_trigger`."))
    }

    async fn invoke(
        &self,
        client: &NatsClient,
        config: ConsumerResumeModel,
        progress: &Progress,
    ) -> Result<(), Diagnostics> {
        let stream = config.stream.into_known().unwrap_or_default();
        let consumer = config.consumer.into_known().unwrap_or_default();
        let (place, _) =
            pause(client, &stream, &consumer, config.domain.into_known(), None).await?;
        progress.report(format!("Resumed {place}"));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pause(until: Field<String>, duration: Field<i64>) -> ConsumerPauseModel {
        ConsumerPauseModel {
            stream: Field::Known("ORDERS".into()),
            consumer: Field::Known("WORKERS".into()),
            domain: Field::Null,
            until,
            duration,
        }
    }

    #[test]
    fn a_pause_ends_at_a_time_or_after_a_duration() {
        let at = || Field::Known("2030-01-01T00:00:00Z".to_string());
        let cases = [
            (at(), Field::Null, None),
            (Field::Null, Field::Known(60), None),
            (at(), Field::Known(60), Some("duration")),
            (Field::Null, Field::Null, Some("until")),
            (Field::Unknown, Field::Null, None),
        ];
        for (until, duration, blamed) in cases {
            let found = UNTIL_OR_DURATION.run(&pause(until, duration));
            let paths: Vec<String> = found
                .iter()
                .filter_map(|d| d.path.as_ref().map(ToString::to_string))
                .collect();
            assert_eq!(
                paths,
                blamed.into_iter().map(String::from).collect::<Vec<_>>()
            );
        }
        assert!((TIMESTAMP.rule)("2030-01-01T00:00:00+01:00").is_ok());
        assert!((TIMESTAMP.rule)("tomorrow").is_err());
    }
}
