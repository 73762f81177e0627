//! # Resource `nats_jetstream_stream`
//!
//! A JetStream stream, in the provider's default JetStream domain or the one named by
//! `domain`. Every request is pedantic: the server refuses instead of silently adjusting
//! a setting, so a plan never shows a change that can never converge.
//!
//! - Create sends the whole configuration; Read reports what the server holds (a mirror,
//!   source, republish or transform removed outside Terraform shows as drift; the
//!   server's own `_nats.*` metadata does not); a stream deleted outside Terraform is
//!   planned for creation again.
//! - Update changes in place what the server allows; `schema.rs` names what replaces the
//!   stream, and `validate.rs` what fails at plan time.
//! - Import takes `NAME`, `DOMAIN:NAME` or the official provider's
//!   `JETSTREAM_STREAM_NAME`, or the identity `{ domain, name }`; `moved` blocks take
//!   over the official provider's `jetstream_stream` state; `terraform query` lists the
//!   streams of a domain.

mod convert;
mod model;
mod moved;
mod schema;
mod validate;

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, Listed, MoveSource, PlanContext, Resource};
use crate::nats::JetStreamError;
use crate::provider::client::NatsClient;
use crate::provider::resources::identity::jetstream_identity;
use model::{StreamAddress, StreamModel};

pub struct StreamResource;

fn failed(action: &str, name: &str, error: JetStreamError) -> Diagnostics {
    Diagnostic::error(format!("Cannot {action} stream {name}"), error.to_string()).into()
}

fn invalid(name: &str, problem: String) -> Diagnostics {
    Diagnostic::error(format!("Invalid configuration for stream {name}"), problem).into()
}

impl Resource for StreamResource {
    type Client = NatsClient;
    type Model = StreamModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_stream"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[("name", "The stream's name.")]))
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate::validate(config, diagnostics);
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        // The ID follows from name and domain: known before apply.
        if let (Some(Value::String(name)), Some(domain)) = (
            plan.planned().attr("name").cloned(),
            plan.planned().attr("domain").cloned(),
        ) {
            if domain.is_null() || domain.as_str().is_some() {
                let address = StreamAddress {
                    domain: domain.as_str().map(str::to_string),
                    name,
                };
                plan.set("id", Value::String(address.id()));
            }
        }
        // A mirror of a stream with direct get must serve direct gets too, or the
        // (pedantic) server refuses it; natsforge streams allow direct get by default.
        let mirror_configured = plan
            .config
            .attr("mirror")
            .and_then(Value::as_elements)
            .is_some_and(|m| !m.is_empty());
        if mirror_configured
            && plan
                .config
                .attr("mirror_direct")
                .is_some_and(Value::is_null)
        {
            plan.set("mirror_direct", Value::Bool(true));
        }
        if plan.is_create() || !plan.change.requires_replace.is_empty() {
            return;
        }
        // The server refuses to move a stream and resize it in one update.
        let changed = |attribute: &str| {
            let before = plan.prior.attr(attribute).unwrap_or(&Value::Null);
            let after = plan.planned().attr(attribute).unwrap_or(&Value::Null);
            !before.eq_semantic(after)
        };
        let placement_changed = ["placement_cluster", "placement_tags"]
            .iter()
            .any(|a| changed(a));
        if changed("replicas") && placement_changed {
            plan.diagnostics.attribute_error(
                &AttributePath::attr("replicas"),
                "Replicas and placement cannot change together",
                "nats-server refuses to change a stream's replicas and its placement in one update. Apply one change, then the other.",
            );
        }
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: StreamModel,
    ) -> Result<StreamModel, Failed<StreamModel>> {
        let config = convert::to_config(&planned).map_err(|p| invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .create_stream(&config)
            .await
            .map_err(|e| failed("create", &planned.name, e))?;
        Ok(convert::from_info(&info, &planned))
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: StreamModel,
    ) -> Result<Option<StreamModel>, Diagnostics> {
        let api = client.jetstream(current.domain.as_deref()).await?;
        let info = api
            .stream_info(&current.name)
            .await
            .map_err(|e| failed("read", &current.name, e))?;
        Ok(info.map(|info| convert::from_info(&info, &current)))
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: StreamModel,
        planned: StreamModel,
    ) -> Result<StreamModel, Failed<StreamModel>> {
        let config = convert::to_config(&planned).map_err(|p| invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .update_stream(&config)
            .await
            .map_err(|e| failed("update", &planned.name, e))?;
        Ok(convert::from_info(&info, &planned))
    }

    async fn delete(&self, client: &NatsClient, prior: StreamModel) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain.as_deref()).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(&prior.name)
            .await
            .map(|_| ())
            .map_err(|e| failed("delete", &prior.name, e))
    }

    async fn import(&self, _client: &NatsClient, id: &str) -> Result<StreamModel, Diagnostics> {
        let address = StreamAddress::parse(id).map_err(|problem| {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!("{problem}. Use NAME, DOMAIN:NAME or JETSTREAM_STREAM_NAME."),
            ))
        })?;
        Ok(StreamModel {
            id: Some(address.id()),
            name: address.name,
            domain: address.domain,
            ..StreamModel::default()
        })
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<StreamModel, Diagnostics>> {
        moved::from_official(source)
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(
            Schema::new("Lists the streams of a JetStream domain.")
                .attribute(
                    Attribute::string("domain")
                        .optional()
                        .description("The JetStream domain; defaults to the provider's."),
                )
                .attribute(
                    Attribute::string("subject")
                        .optional()
                        .description("Only streams that store messages on this subject."),
                ),
        )
    }

    async fn list(
        &self,
        client: &NatsClient,
        config: &Value,
    ) -> Result<Vec<Listed<StreamModel>>, Diagnostics> {
        let domain = config
            .attr("domain")
            .and_then(Value::as_str)
            .map(str::to_string);
        let subject = config.attr("subject").and_then(Value::as_str);
        let api = client.jetstream(domain.as_deref()).await?;
        let streams = api.list_streams(subject).await.map_err(|e| {
            Diagnostics::from(Diagnostic::error("Cannot list streams", e.to_string()))
        })?;
        let as_written = StreamModel {
            domain,
            ..StreamModel::default()
        };
        Ok(streams
            .iter()
            .map(|info| Listed {
                display_name: info.config.name.clone(),
                state: convert::from_info(info, &as_written),
            })
            .collect())
    }
}
