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
//!   stream, `validate.rs` and `origins.rs` what fails at plan time.
//! - Destroying or replacing a stream that holds messages needs `force_destroy`.
//! - Import takes `NAME`, `DOMAIN:NAME` or the official provider's
//!   `JETSTREAM_STREAM_NAME`, or the identity `{ domain, name }`; `moved` blocks take
//!   over the official provider's `jetstream_stream` state; `terraform query` lists the
//!   streams of a domain.

mod convert;
pub(crate) mod model;
mod origins;
mod schema;
mod validate;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::typed;
use crate::framework::value::Value;
use crate::framework::{Failed, Field, Listed, MoveSource, PlanContext, Resource, Rule};
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use crate::provider::resources::jetstream::list;
use crate::provider::resources::jetstream::plan::{self, JetStreamModel};
use crate::provider::resources::jetstream::server_level::{self, NewerSetting};
use crate::provider::resources::jetstream::{adopt, force_destroy, moved, STREAM};
use model::StreamModel;

pub struct StreamResource;

impl JetStreamModel for StreamModel {
    fn name(&self) -> &Field<String> {
        &self.name
    }
    fn domain(&self) -> &Field<String> {
        &self.domain
    }
    fn force_destroy(&self) -> &Field<bool> {
        &self.force_destroy
    }
    fn replicas(&self) -> &Field<i64> {
        &self.replicas
    }
    fn placement_cluster(&self) -> &Field<String> {
        &self.placement_cluster
    }
    fn placement_tags(&self) -> &Field<Vec<String>> {
        &self.placement_tags
    }
    fn id_mut(&mut self) -> &mut Field<String> {
        &mut self.id
    }
    fn newer_settings(&self) -> Vec<NewerSetting> {
        StreamModel::newer_settings(self)
    }
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

    fn rules(&self) -> &'static [Rule<StreamModel>] {
        validate::RULES
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        plan::refine::<StreamModel>(client, &STREAM, plan).await;
        if plan.is_destroy() {
            return;
        }
        // What the configuration itself says, before defaults fill it in (`mirror` has
        // none); a configuration the model cannot hold yet plans no mirror settings.
        let written = typed::from_value::<StreamModel>(plan.config).unwrap_or_default();
        if written.mirror.is_empty() || !written.mirror_direct.is_null() {
            return;
        }
        // A mirror of a stream with direct get must serve direct gets too, or the
        // (pedantic) server refuses it: a new mirror left unsaid plans `true`; an existing
        // one keeps what the server has (a mirror of an external origin may hold false).
        let fresh = plan.is_create() || !plan.change.requires_replace.is_empty();
        let prior = plan.read_prior::<StreamModel>();
        let mirror_direct = match prior {
            Some(prior) if !fresh => prior.mirror_direct,
            _ => Field::Known(true),
        };
        plan.update_planned(|planned: &mut StreamModel| planned.mirror_direct = mirror_direct);
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: StreamModel,
    ) -> Result<StreamModel, Failed<StreamModel>> {
        let name = planned.stream_name();
        let config = convert::to_config(&planned).map_err(|p| STREAM.invalid(name, p))?;
        let api = client.jetstream(planned.domain()).await?;
        server_level::before_request(&api, STREAM.noun, &planned.newer_settings()).await?;
        adopt::refuse_existing_data(&api, &STREAM, planned.domain(), name).await?;
        let info = api
            .create_stream(&config)
            .await
            .map_err(|e| STREAM.failed("create", name, e))?;
        Ok(convert::from_info(&info, &planned))
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: StreamModel,
    ) -> Result<Option<StreamModel>, Diagnostics> {
        let api = client.jetstream(current.domain()).await?;
        let name = current.stream_name();
        let info = api
            .stream_info(name)
            .await
            .map_err(|e| STREAM.failed("read", name, e))?;
        Ok(info.map(|info| convert::from_info(&info, &current)))
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: StreamModel,
        planned: StreamModel,
    ) -> Result<StreamModel, Failed<StreamModel>> {
        let name = planned.stream_name();
        let config = convert::to_config(&planned).map_err(|p| STREAM.invalid(name, p))?;
        let api = client.jetstream(planned.domain()).await?;
        server_level::before_request(&api, STREAM.noun, &planned.newer_settings()).await?;
        let info = api
            .update_stream(&config)
            .await
            .map_err(|e| STREAM.failed("update", name, e))?;
        Ok(convert::from_info(&info, &planned))
    }

    async fn delete(&self, client: &NatsClient, prior: StreamModel) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain()).await?;
        let name = prior.stream_name();
        let force = prior.force_destroy.known().copied();
        force_destroy::guard_delete(&api, &STREAM, name, force).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(name)
            .await
            .map(|_| ())
            .map_err(|e| STREAM.failed("delete", name, e))
    }

    async fn import(&self, _client: &NatsClient, id: &str) -> Result<StreamModel, Diagnostics> {
        let address = STREAM.parse_import(id)?;
        Ok(StreamModel {
            id: STREAM.id(address.domain.as_deref(), &address.name).into(),
            name: address.name.into(),
            domain: address.domain.into(),
            ..StreamModel::default()
        })
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<StreamModel, Diagnostics>> {
        moved::from_official(source, "jetstream_stream").map(|moved| {
            moved.map(|model: StreamModel| StreamModel {
                id: STREAM.id(None, model.stream_name()).into(),
                force_destroy: false.into(),
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
        let (config, streams) = list::streams(client, &STREAM, config).await?;
        let as_written = StreamModel {
            domain: config.domain.clone(),
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
