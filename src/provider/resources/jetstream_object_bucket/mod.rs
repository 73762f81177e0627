//! # Resource `nats_jetstream_object_bucket`
//!
//! A JetStream object store bucket, in the provider's default JetStream domain or the
//! one named by `domain`. The bucket is the stream `OBJ_<name>`, configured exactly as
//! the NATS clients (and `nats object add`) configure it.
//!
//! - Attribute names and units follow the official provider's `jetstream_obj_bucket`
//!   (`max_bucket_size`, `ttl` in seconds, `compression` as a flag).
//! - Read reports what the server holds, so changes made outside Terraform show as
//!   drift; a bucket deleted outside Terraform is planned for creation again.
//! - `replicas`, `ttl`, `max_bucket_size`, `compression`, placement, description and
//!   metadata change in place; `name`, `domain` and `storage` replace the bucket (and
//!   its objects), because the server cannot change them.
//! - Import takes `NAME`, `DOMAIN:NAME` or the official provider's `JETSTREAM_OBJ_NAME`,
//!   or the identity `{ domain, name }`; `terraform query` lists the buckets of a domain;
//!   `moved` blocks take over the official provider's `jetstream_obj_bucket` state.

mod model;
mod schema;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{IdentitySchema, Schema};
use crate::framework::value::Value;
use crate::framework::{Failed, Listed, MoveSource, PlanContext, Resource};
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use crate::provider::resources::jetstream::{force_destroy, list, moved, settings, OBJECT_BUCKET};
use model::{from_stream_config, to_stream_config, ObjectBucketModel};

pub struct ObjectBucketResource;

impl Resource for ObjectBucketResource {
    type Client = NatsClient;
    type Model = ObjectBucketModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_object_bucket"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[("name", "The bucket's name.")]))
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<ObjectBucketModel, Diagnostics>> {
        moved::from_official(source, "jetstream_obj_bucket").map(|moved| {
            moved.map(|model: ObjectBucketModel| ObjectBucketModel {
                id: Some(OBJECT_BUCKET.id(None, &model.name)),
                force_destroy: Some(false),
                ..model
            })
        })
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        OBJECT_BUCKET.plan_id(plan);
        force_destroy::warn_on_plan(client, &OBJECT_BUCKET, plan).await;
        settings::refuse_replicas_and_placement_together(plan, &OBJECT_BUCKET);
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: ObjectBucketModel,
    ) -> Result<ObjectBucketModel, Failed<ObjectBucketModel>> {
        let config =
            to_stream_config(&planned).map_err(|p| OBJECT_BUCKET.invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .create_stream(&config)
            .await
            .map_err(|e| OBJECT_BUCKET.failed("create", &planned.name, e))?;
        Ok(from_stream_config(&info.config, &planned)
            .ok_or_else(|| OBJECT_BUCKET.not_shaped(&planned.name))?)
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: ObjectBucketModel,
    ) -> Result<Option<ObjectBucketModel>, Diagnostics> {
        let api = client.jetstream(current.domain.as_deref()).await?;
        let info = api
            .stream_info(&OBJECT_BUCKET.stream_name(&current.name))
            .await
            .map_err(|e| OBJECT_BUCKET.failed("read", &current.name, e))?;
        match info {
            None => Ok(None),
            Some(info) => from_stream_config(&info.config, &current)
                .map(Some)
                .ok_or_else(|| OBJECT_BUCKET.not_shaped(&current.name)),
        }
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: ObjectBucketModel,
        planned: ObjectBucketModel,
    ) -> Result<ObjectBucketModel, Failed<ObjectBucketModel>> {
        let config =
            to_stream_config(&planned).map_err(|p| OBJECT_BUCKET.invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .update_stream(&config)
            .await
            .map_err(|e| OBJECT_BUCKET.failed("update", &planned.name, e))?;
        Ok(from_stream_config(&info.config, &planned)
            .ok_or_else(|| OBJECT_BUCKET.not_shaped(&planned.name))?)
    }

    async fn delete(
        &self,
        client: &NatsClient,
        prior: ObjectBucketModel,
    ) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain.as_deref()).await?;
        force_destroy::guard_delete(&api, &OBJECT_BUCKET, &prior.name, prior.force_destroy).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(&OBJECT_BUCKET.stream_name(&prior.name))
            .await
            .map(|_| ())
            .map_err(|e| OBJECT_BUCKET.failed("delete", &prior.name, e))
    }

    async fn import(
        &self,
        _client: &NatsClient,
        id: &str,
    ) -> Result<ObjectBucketModel, Diagnostics> {
        let address = OBJECT_BUCKET.parse_import(id)?;
        Ok(ObjectBucketModel {
            id: Some(OBJECT_BUCKET.id(address.domain.as_deref(), &address.name)),
            name: address.name,
            domain: address.domain,
            ..ObjectBucketModel::default()
        })
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(list::schema(&OBJECT_BUCKET))
    }

    async fn list(
        &self,
        client: &NatsClient,
        config: &Value,
    ) -> Result<Vec<Listed<ObjectBucketModel>>, Diagnostics> {
        let (domain, streams) = list::streams(client, &OBJECT_BUCKET, config, None).await?;
        let as_written = ObjectBucketModel {
            domain,
            ..ObjectBucketModel::default()
        };
        Ok(streams
            .iter()
            .filter_map(|info| from_stream_config(&info.config, &as_written))
            .map(|state| Listed {
                display_name: state.name.clone(),
                state,
            })
            .collect())
    }
}
