//! # Resource `nats_jetstream_consumer`
//!
//! A durable JetStream consumer of a stream, pull or push (with `delivery_subject`),
//! in the provider's default JetStream domain or the one named by `domain`. Every
//! request is pedantic: the server refuses instead of silently adjusting a setting,
//! so a plan never shows a change that can never converge.
//!
//! - Create sends the whole configuration; Read reports what the server holds (the
//!   server's own `_nats.*` metadata is ignored); a consumer deleted outside Terraform,
//!   or whose stream was deleted, is planned for creation again.
//! - Update changes in place what the server allows; `schema.rs` and `modify_plan`
//!   name what replaces the consumer, and `validate.rs` what fails at plan time.
//! - Import takes `STREAM:CONSUMER`, `DOMAIN:STREAM:CONSUMER` or the official
//!   provider's `JETSTREAM_STREAM_<stream>_CONSUMER_<consumer>`, or the identity
//!   `{ domain, stream_id, durable_name }`; `moved` blocks take over the official
//!   provider's `jetstream_consumer` state; `terraform query` lists the durable
//!   consumers of a stream.

mod convert;
pub(crate) mod model;
mod moved;
mod plan;
mod schema;
mod stream_rules;
mod validate;
mod versions;

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::value::Value;
use crate::framework::{typed, Failed, Field, Listed, MoveSource, PlanContext, Resource, Rule};
use crate::nats::jetstream::{ConsumerAction, JetStreamApi};
use crate::nats::JetStreamError;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use model::{instant, ConsumerAddress, ConsumerModel, StreamRef};

pub struct ConsumerResource;

/// "consumer C of stream S" (with "in domain D" when it has one, named or the
/// provider's default): the names the user knows from the server, not the
/// `stream_id` spelling that led there.
fn consumer_label(model: &ConsumerModel, client: &NatsClient) -> String {
    let address = model.address();
    match address.domain.or_else(|| client.default_domain()) {
        Some(domain) => format!(
            "consumer {} of stream {} in domain {domain}",
            address.name, address.stream
        ),
        None => format!("consumer {} of stream {}", address.name, address.stream),
    }
}

fn failed(
    action: &str,
    model: &ConsumerModel,
    client: &NatsClient,
    error: JetStreamError,
) -> Diagnostics {
    Diagnostic::error(
        format!("Cannot {action} {}", consumer_label(model, client)),
        error.to_string(),
    )
    .into()
}

fn invalid(model: &ConsumerModel, client: &NatsClient, problem: String) -> Diagnostics {
    Diagnostic::error(
        format!(
            "Invalid configuration for {}",
            consumer_label(model, client)
        ),
        problem,
    )
    .into()
}

/// The JetStream API of the consumer's domain, once its server is known to take every
/// setting of `planned` (judged at plan time too, unless the plan could not know the
/// values yet): nothing is sent that the server would silently drop.
async fn api_for_writing(
    client: &NatsClient,
    planned: &ConsumerModel,
) -> Result<JetStreamApi, Diagnostics> {
    let api = client
        .jetstream(planned.effective_domain().as_deref())
        .await?;
    let refused = versions::check(client, &api, planned).await;
    if refused.has_errors() {
        return Err(refused);
    }
    Ok(api)
}

/// The list block's configuration: the stream whose durable consumers are listed.
#[derive(serde::Deserialize)]
struct ListConfig {
    stream_id: String,
    domain: Option<String>,
}

/// `CONSUMER.PAUSE`: a time pauses the consumer until then, none resumes it.

#[derive(serde::Serialize)]
struct PauseRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pause_until: Option<String>,
}

/// The consumer an import ID names. An official ID that reads two ways names the one
/// that exists on the server; when none does, natsforge's reading (its stream name
/// ends at the last `_CONSUMER_`), which the read after import reports as missing.
async fn one_reading(
    client: &NatsClient,
    id: &str,
    mut readings: Vec<ConsumerAddress>,
) -> Result<ConsumerAddress, Diagnostics> {
    if readings.len() > 1 {
        let mut existing = Vec::new();
        for reading in &readings {
            let api = client.jetstream(reading.domain.as_deref()).await?;
            if let Ok(Some(_)) = api.consumer_info(&reading.stream, &reading.name).await {
                existing.push(reading.clone());
            }
        }
        match existing.as_slice() {
            [one] => return Ok(one.clone()),
            [] => {}
            several => {
                let named: Vec<String> = several
                    .iter()
                    .map(|r| format!("{}:{}", r.stream, r.name))
                    .collect();
                return Err(Diagnostic::error(
                    "Ambiguous import ID",
                    format!(
                        "{id:?} names more than one existing consumer: {}. Import by STREAM:CONSUMER (DOMAIN:STREAM:CONSUMER) instead.",
                        named.join(" and ")
                    ),
                )
                .into());
            }
        }
    }
    readings.pop().ok_or_else(|| {
        Diagnostic::error("Invalid import ID", format!("{id:?} names no consumer")).into()
    })
}

impl Resource for ConsumerResource {
    type Client = NatsClient;
    type Model = ConsumerModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_consumer"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[
            ("stream_id", "The name of the consumer's stream."),
            ("durable_name", "The consumer's durable name."),
        ]))
    }

    fn rules(&self) -> &'static [Rule<ConsumerModel>] {
        validate::RULES
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        if plan.is_destroy() {
            return;
        }
        plan::refine(plan);
        plan::check_against_stream(client, plan).await;
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: ConsumerModel,
    ) -> Result<ConsumerModel, Failed<ConsumerModel>> {
        let config = convert::to_config(&planned).map_err(|p| invalid(&planned, client, p))?;
        let api = api_for_writing(client, &planned).await?;
        let info = api
            .create_consumer(&planned.stream().name, &config, ConsumerAction::Create)
            .await
            .map_err(|e| failed("create", &planned, client, e))?;
        Ok(convert::from_info(&info, &planned))
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: ConsumerModel,
    ) -> Result<Option<ConsumerModel>, Diagnostics> {
        let api = client
            .jetstream(current.effective_domain().as_deref())
            .await?;
        let info = api
            .consumer_info(&current.stream().name, current.durable())
            .await
            .map_err(|e| failed("read", &current, client, e))?;
        Ok(info.map(|info| convert::from_info(&info, &current)))
    }

    async fn update(
        &self,
        client: &NatsClient,
        prior: ConsumerModel,
        planned: ConsumerModel,
    ) -> Result<ConsumerModel, Failed<ConsumerModel>> {
        let config = convert::to_config(&planned).map_err(|p| invalid(&planned, client, p))?;
        let api = api_for_writing(client, &planned).await?;
        let mut info = api
            .create_consumer(&planned.stream().name, &config, ConsumerAction::Update)
            .await
            .map_err(|e| failed("update", &planned, client, e))?;
        // An update leaves the pause alone; pausing and resuming has its own request.
        let pause_of = |model: &ConsumerModel| model.pause_until.known().and_then(|t| instant(t));
        if pause_of(&prior) != pause_of(&planned) {
            let stream = planned.stream().name;
            let request = PauseRequest {
                pause_until: planned.pause_until.known().cloned(),
            };
            api.request::<_, serde_json::Value>(
                &format!("CONSUMER.PAUSE.{stream}.{}", planned.durable()),
                &request,
            )
            .await
            .map_err(|e| failed("pause or resume", &planned, client, e))?;
            info = api
                .consumer_info(&stream, planned.durable())
                .await
                .map_err(|e| failed("read", &planned, client, e))?
                .ok_or_else(|| {
                    Diagnostics::from(Diagnostic::error(
                        format!("The {} vanished", consumer_label(&planned, client)),
                        "It was deleted while being updated; plan again to create it.",
                    ))
                })?;
        }
        Ok(convert::from_info(&info, &planned))
    }

    async fn delete(&self, client: &NatsClient, prior: ConsumerModel) -> Result<(), Diagnostics> {
        let api = client
            .jetstream(prior.effective_domain().as_deref())
            .await?;
        // Already gone (or its stream gone) is fine: the goal is that it does not exist.
        api.delete_consumer(&prior.stream().name, prior.durable())
            .await
            .map(|_| ())
            .map_err(|e| failed("delete", &prior, client, e))
    }

    async fn import(&self, client: &NatsClient, id: &str) -> Result<ConsumerModel, Diagnostics> {
        let readings = ConsumerAddress::readings(id).map_err(|problem| {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "{problem}. Use STREAM:CONSUMER, DOMAIN:STREAM:CONSUMER or JETSTREAM_STREAM_<stream>_CONSUMER_<consumer>."
                ),
            ))
        })?;
        let address = one_reading(client, id, readings).await?;
        // Whoever imports by the official ID likely names the stream by its `id` too
        // (`nats_jetstream_stream.x.id`, which carries the domain).
        let official_form =
            id.starts_with("JETSTREAM_STREAM_") || id.contains(":JETSTREAM_STREAM_");
        let (stream_id, domain) = if official_form {
            let stream = StreamRef {
                domain: address.domain.clone(),
                name: address.stream.clone(),
            };
            (stream.id(), None)
        } else {
            (address.stream.clone(), address.domain.clone())
        };
        Ok(ConsumerModel {
            id: Field::Known(address.id()),
            stream_id: Field::Known(stream_id),
            durable_name: Field::Known(address.name),
            domain: Field::from(domain),
            ..ConsumerModel::default()
        })
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<ConsumerModel, Diagnostics>> {
        moved::from_official(source)
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(
            Schema::new("Lists the durable consumers of a stream.")
                .attribute(
                    Attribute::string("stream_id")
                        .required()
                        .description("The stream whose consumers are listed."),
                )
                .attribute(
                    Attribute::string("domain")
                        .optional()
                        .description("The JetStream domain; defaults to the provider's."),
                ),
        )
    }

    async fn list(
        &self,
        client: &NatsClient,
        config: &Value,
    ) -> Result<Vec<Listed<ConsumerModel>>, Diagnostics> {
        let ListConfig { stream_id, domain } = typed::from_value(config).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Invalid list configuration",
                format!("Name the stream to list: {e}"),
            ))
        })?;
        let stream = stream_id.as_str();
        let api = client.jetstream(domain.as_deref()).await?;
        let consumers = api.list_consumers(stream).await.map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                format!("Cannot list the consumers of stream {stream}"),
                e.to_string(),
            ))
        })?;
        let as_written = ConsumerModel {
            domain: Field::from(domain),
            ..ConsumerModel::default()
        };
        Ok(consumers
            .iter()
            // Ephemeral consumers come and go: only durable ones can be managed.
            .filter(|info| {
                info.config
                    .durable_name
                    .as_deref()
                    .is_some_and(|d| !d.is_empty())
            })
            .map(|info| Listed {
                display_name: format!("{}:{}", info.stream_name, info.name),
                state: convert::from_info(info, &as_written),
            })
            .collect())
    }
}
