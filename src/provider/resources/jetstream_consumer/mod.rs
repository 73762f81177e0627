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
mod schema;
mod validate;

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, Listed, MoveSource, PlanContext, Resource};
use crate::nats::jetstream::{ConsumerAction, DeliverPolicy};
use crate::nats::JetStreamError;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use model::{ConsumerAddress, ConsumerModel, StreamRef};

pub struct ConsumerResource;

fn failed(action: &str, model: &ConsumerModel, error: JetStreamError) -> Diagnostics {
    Diagnostic::error(
        format!(
            "Cannot {action} consumer {} of stream {}",
            model.durable_name, model.stream_id
        ),
        error.to_string(),
    )
    .into()
}

fn invalid(model: &ConsumerModel, problem: String) -> Diagnostics {
    Diagnostic::error(
        format!("Invalid configuration for consumer {}", model.durable_name),
        problem,
    )
    .into()
}

const DELIVER_FLAGS: [(&str, DeliverPolicy); 4] = [
    ("deliver_all", DeliverPolicy::All),
    ("deliver_last", DeliverPolicy::Last),
    ("deliver_new", DeliverPolicy::New),
    ("deliver_last_per_subject", DeliverPolicy::LastPerSubject),
];

/// Plans the four deliver flags from the configuration: the flags left out follow
/// the policy the configured ones (or `stream_sequence`/`start_time`) spell.
fn plan_deliver_flags(plan: &mut PlanContext<'_>) -> Option<ConsumerModel> {
    let mut spelled = ConsumerModel {
        stream_sequence: plan
            .planned()
            .attr("stream_sequence")
            .and_then(Value::as_number)
            .and_then(|n| n.to_u64()),
        start_time: plan
            .planned()
            .attr("start_time")
            .and_then(Value::as_str)
            .map(str::to_string),
        ..ConsumerModel::default()
    };
    let known = |name: &str| {
        plan.planned()
            .attr(name)
            .is_some_and(Value::is_wholly_known)
    };
    if !known("stream_sequence") || !known("start_time") {
        return None;
    }
    for (name, _) in DELIVER_FLAGS {
        let configured = plan.config.attr(name).cloned().unwrap_or(Value::Null);
        if !configured.is_wholly_known() {
            return None;
        }
        let on = configured.as_bool();
        match name {
            "deliver_all" => spelled.deliver_all = on,
            "deliver_last" => spelled.deliver_last = on,
            "deliver_new" => spelled.deliver_new = on,
            _ => spelled.deliver_last_per_subject = on,
        }
    }
    let policy = convert::deliver_policy(&spelled);
    for (name, flag_policy) in DELIVER_FLAGS {
        if plan.config.attr(name).is_some_and(Value::is_null) {
            plan.set(name, Value::Bool(policy == flag_policy));
        }
    }
    Some(spelled)
}

/// `CONSUMER.PAUSE`: a time pauses the consumer until then, none resumes it.
#[derive(serde::Serialize)]
struct PauseRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    pause_until: Option<String>,
}

fn time_of(text: Option<&str>) -> Option<time::OffsetDateTime> {
    text.and_then(|t| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    })
}

/// Where a consumer starts, as the server compares it on update.
fn start_of(model: &ConsumerModel) -> (DeliverPolicy, u64, Option<time::OffsetDateTime>) {
    let policy = convert::deliver_policy(model);
    let sequence = model.stream_sequence.unwrap_or(0);
    let time = time_of(model.start_time.as_deref());
    (policy, sequence, time)
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

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate::validate(config, diagnostics);
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        // The ID follows from stream, name and domain: known before apply.
        let planned_model = plan.planned_model::<ConsumerModel>().ok();
        let identity_known = ["stream_id", "durable_name", "domain"].iter().all(|name| {
            plan.planned()
                .attr(name)
                .is_some_and(Value::is_wholly_known)
        });
        if let Some(model) = planned_model.as_ref().filter(|_| identity_known) {
            plan.set("id", Value::String(model.address().id()));
        }
        // With backoff, the server waits the first step for an acknowledgement.
        let first_step = plan
            .planned()
            .attr("backoff")
            .and_then(Value::as_elements)
            .and_then(|steps| steps.first().cloned())
            .filter(Value::is_wholly_known);
        if let Some(step) = first_step {
            if plan.config.attr("ack_wait").is_some_and(Value::is_null) {
                plan.set("ack_wait", step);
            }
        }
        let Some(spelled) = plan_deliver_flags(plan) else {
            return;
        };
        let Ok(Some(prior)) = plan.prior_model::<ConsumerModel>() else {
            return;
        };
        // A consumer belongs to one stream in one domain: another one means a new consumer.
        if let Some(model) = planned_model.as_ref().filter(|_| identity_known) {
            let (before, after) = (prior.address(), model.address());
            if before.stream != after.stream {
                plan.require_replace(AttributePath::attr("stream_id"));
            }
            if before.domain != after.domain {
                plan.require_replace(AttributePath::attr("domain"));
            }
        }
        // The server never moves a consumer's starting point: a new one replaces it.
        let (before, after) = (start_of(&prior), start_of(&spelled));
        if before.0 != after.0 {
            let flag = DELIVER_FLAGS
                .iter()
                .find(|(_, p)| *p == after.0)
                .map(|(name, _)| *name)
                .unwrap_or(match after.0 {
                    DeliverPolicy::ByStartSequence => "stream_sequence",
                    _ => "start_time",
                });
            plan.require_replace(AttributePath::attr(flag));
        } else if before.1 != after.1 {
            plan.require_replace(AttributePath::attr("stream_sequence"));
        } else if before.2 != after.2 {
            plan.require_replace(AttributePath::attr("start_time"));
        }
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: ConsumerModel,
    ) -> Result<ConsumerModel, Failed<ConsumerModel>> {
        let config = convert::to_config(&planned).map_err(|p| invalid(&planned, p))?;
        let api = client
            .jetstream(planned.effective_domain().as_deref())
            .await?;
        let info = api
            .create_consumer(&planned.stream().name, &config, ConsumerAction::Create)
            .await
            .map_err(|e| failed("create", &planned, e))?;
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
            .consumer_info(&current.stream().name, &current.durable_name)
            .await
            .map_err(|e| failed("read", &current, e))?;
        Ok(info.map(|info| convert::from_info(&info, &current)))
    }

    async fn update(
        &self,
        client: &NatsClient,
        prior: ConsumerModel,
        planned: ConsumerModel,
    ) -> Result<ConsumerModel, Failed<ConsumerModel>> {
        let config = convert::to_config(&planned).map_err(|p| invalid(&planned, p))?;
        let api = client
            .jetstream(planned.effective_domain().as_deref())
            .await?;
        let mut info = api
            .create_consumer(&planned.stream().name, &config, ConsumerAction::Update)
            .await
            .map_err(|e| failed("update", &planned, e))?;
        // An update leaves the pause alone; pausing and resuming has its own request.
        if time_of(prior.pause_until.as_deref()) != time_of(planned.pause_until.as_deref()) {
            let stream = planned.stream().name;
            let request = PauseRequest {
                pause_until: planned.pause_until.clone(),
            };
            api.request::<_, serde_json::Value>(
                &format!("CONSUMER.PAUSE.{stream}.{}", planned.durable_name),
                &request,
            )
            .await
            .map_err(|e| failed("pause or resume", &planned, e))?;
            info = api
                .consumer_info(&stream, &planned.durable_name)
                .await
                .map_err(|e| failed("read", &planned, e))?
                .ok_or_else(|| {
                    Diagnostics::from(Diagnostic::error(
                        format!("Consumer {} vanished", planned.durable_name),
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
        api.delete_consumer(&prior.stream().name, &prior.durable_name)
            .await
            .map(|_| ())
            .map_err(|e| failed("delete", &prior, e))
    }

    async fn import(&self, _client: &NatsClient, id: &str) -> Result<ConsumerModel, Diagnostics> {
        let address = ConsumerAddress::parse(id).map_err(|problem| {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "{problem}. Use STREAM:CONSUMER, DOMAIN:STREAM:CONSUMER or JETSTREAM_STREAM_<stream>_CONSUMER_<consumer>."
                ),
            ))
        })?;
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
            id: Some(address.id()),
            stream_id,
            durable_name: address.name,
            domain,
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
        let domain = config
            .attr("domain")
            .and_then(Value::as_str)
            .map(str::to_string);
        let Some(stream) = config.attr("stream_id").and_then(Value::as_str) else {
            return Err(Diagnostic::error("Missing stream_id", "Name the stream to list.").into());
        };
        let api = client.jetstream(domain.as_deref()).await?;
        let consumers = api.list_consumers(stream).await.map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                format!("Cannot list the consumers of stream {stream}"),
                e.to_string(),
            ))
        })?;
        let as_written = ConsumerModel {
            domain,
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
