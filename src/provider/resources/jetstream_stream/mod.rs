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
pub(crate) mod model;
mod schema;
mod validate;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::value::Value;
use crate::framework::{Failed, Listed, MoveSource, PlanContext, Resource};
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use crate::provider::resources::jetstream::{force_destroy, list, moved, settings, STREAM};
use model::StreamModel;

pub struct StreamResource;

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

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        STREAM.plan_id(plan);
        force_destroy::warn_on_plan(client, &STREAM, plan).await;
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
        settings::refuse_replicas_and_placement_together(plan, &STREAM);
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: StreamModel,
    ) -> Result<StreamModel, Failed<StreamModel>> {
        let config = convert::to_config(&planned).map_err(|p| STREAM.invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .create_stream(&config)
            .await
            .map_err(|e| STREAM.failed("create", &planned.name, e))?;
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
            .map_err(|e| STREAM.failed("read", &current.name, e))?;
        Ok(info.map(|info| convert::from_info(&info, &current)))
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: StreamModel,
        planned: StreamModel,
    ) -> Result<StreamModel, Failed<StreamModel>> {
        let config = convert::to_config(&planned).map_err(|p| STREAM.invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .update_stream(&config)
            .await
            .map_err(|e| STREAM.failed("update", &planned.name, e))?;
        Ok(convert::from_info(&info, &planned))
    }

    async fn delete(&self, client: &NatsClient, prior: StreamModel) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain.as_deref()).await?;
        force_destroy::guard_delete(&api, &STREAM, &prior.name, prior.force_destroy).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(&prior.name)
            .await
            .map(|_| ())
            .map_err(|e| STREAM.failed("delete", &prior.name, e))
    }

    async fn import(&self, _client: &NatsClient, id: &str) -> Result<StreamModel, Diagnostics> {
        let address = STREAM.parse_import(id)?;
        Ok(StreamModel {
            id: Some(STREAM.id(address.domain.as_deref(), &address.name)),
            name: address.name,
            domain: address.domain,
            ..StreamModel::default()
        })
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<StreamModel, Diagnostics>> {
        moved::from_official(source, "jetstream_stream").map(|moved| {
            moved.map(|model: StreamModel| StreamModel {
                id: Some(STREAM.id(None, &model.name)),
                force_destroy: Some(false),
                ..model
            })
        })
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(
            list::schema(&STREAM).attribute(
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
        let subject = config.attr("subject").and_then(Value::as_str);
        let (domain, streams) = list::streams(client, &STREAM, config, subject).await?;
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
