//! # Resource `nats_jetstream_kv_bucket`
//!
//! A JetStream key-value bucket, in the provider's default JetStream domain or the one
//! named by `domain`. The bucket is the stream `KV_<name>`, configured exactly as the
//! NATS clients configure it (`nats kv add`, nats.go, async-nats), so buckets made here
//! and there look alike and every client can use them.
//!
//! - Read reports what the server holds (from the `KV_<name>` stream), so a bucket
//!   changed outside Terraform shows as drift and the next apply corrects it; a bucket
//!   deleted outside Terraform is planned for creation again (the plan never fails).
//! - `replicas`, limits, `history`, `ttl`, `compression`, placement, republish,
//!   sources and metadata change in place. Replacement, which loses the keys, happens
//!   only where the server refuses the change: `name`, `domain`, `storage`, and a
//!   mirror added or changed. Turning `limit_marker_ttl` back to `0` keeps per-key TTLs
//!   allowed on the stream (the server cannot turn them off) rather than replacing it.
//! - Import takes `NAME`, `DOMAIN:NAME` or the official provider's `JETSTREAM_KV_NAME`,
//!   or the identity `{ domain, name }`; `terraform query` lists the buckets of a domain;
//!   `moved` blocks take over the official provider's `jetstream_kv_bucket` state.

pub(crate) mod convert;
pub(crate) mod model;
mod schema;
mod validate;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{IdentitySchema, Schema};
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, Field, Listed, MoveSource, PlanContext, Resource, Rule};
use crate::nats::jetstream::JetStreamApi;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use crate::provider::resources::jetstream::plan::{self, JetStreamModel};
use crate::provider::resources::jetstream::server_level::{self, NewerSetting, TTL_LEVEL};
use crate::provider::resources::jetstream::{adopt, force_destroy, list, moved, KV_BUCKET};
use model::KvBucketModel;

impl JetStreamModel for KvBucketModel {
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
    /// Limit markers are subject delete markers, which came with nats-server 2.11.
    fn newer_settings(&self) -> Vec<NewerSetting> {
        if self.limit_marker_ttl.is_known_and(|ttl| *ttl > 0) {
            vec![NewerSetting::new(
                AttributePath::attr("limit_marker_ttl"),
                "`limit_marker_ttl`",
                TTL_LEVEL,
            )]
        } else {
            Vec::new()
        }
    }
}

pub struct KvBucketResource;

/// Sends the planned bucket as a stream update. The server cannot turn per-message
/// TTLs off again, so once on (by `limit_marker_ttl`) they stay on.
async fn update_bucket(
    api: &JetStreamApi,
    planned: &KvBucketModel,
) -> Result<KvBucketModel, Diagnostics> {
    let name = planned.bucket();
    let mut config = convert::to_stream_config(planned).map_err(|p| KV_BUCKET.invalid(name, p))?;
    server_level::before_request(api, KV_BUCKET.noun, &planned.newer_settings()).await?;
    let current = api
        .stream_info(&config.name)
        .await
        .map_err(|e| KV_BUCKET.failed("update", name, e))?;
    if current.is_some_and(|info| info.config.allow_msg_ttl) {
        config.allow_msg_ttl = true;
    }
    let info = api
        .update_stream(&config)
        .await
        .map_err(|e| KV_BUCKET.failed("update", name, e))?;
    convert::from_stream_config(&info.config, planned).ok_or_else(|| KV_BUCKET.not_shaped(name))
}

impl Resource for KvBucketResource {
    type Client = NatsClient;
    type Model = KvBucketModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_kv_bucket"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[("name", "The bucket's name.")]))
    }

    fn rules(&self) -> &'static [Rule<KvBucketModel>] {
        validate::RULES
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        plan::refine::<KvBucketModel>(client, &KV_BUCKET, plan).await;
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: KvBucketModel,
    ) -> Result<KvBucketModel, Failed<KvBucketModel>> {
        let name = planned.bucket();
        let config = convert::to_stream_config(&planned).map_err(|p| KV_BUCKET.invalid(name, p))?;
        let api = client.jetstream(planned.domain()).await?;
        server_level::before_request(&api, KV_BUCKET.noun, &planned.newer_settings()).await?;
        adopt::refuse_existing_data(&api, &KV_BUCKET, planned.domain(), name).await?;
        let info = api
            .create_stream(&config)
            .await
            .map_err(|e| KV_BUCKET.failed("create", name, e))?;
        Ok(convert::from_stream_config(&info.config, &planned)
            .ok_or_else(|| KV_BUCKET.not_shaped(name))?)
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: KvBucketModel,
    ) -> Result<Option<KvBucketModel>, Diagnostics> {
        let api = client.jetstream(current.domain()).await?;
        let name = current.bucket();
        let info = api
            .stream_info(&KV_BUCKET.stream_name(name))
            .await
            .map_err(|e| KV_BUCKET.failed("read", name, e))?;
        match info {
            None => Ok(None),
            Some(info) => convert::from_stream_config(&info.config, &current)
                .map(Some)
                .ok_or_else(|| KV_BUCKET.not_shaped(name)),
        }
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: KvBucketModel,
        planned: KvBucketModel,
    ) -> Result<KvBucketModel, Failed<KvBucketModel>> {
        let api = client.jetstream(planned.domain()).await?;
        Ok(update_bucket(&api, &planned).await?)
    }

    async fn delete(&self, client: &NatsClient, prior: KvBucketModel) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain()).await?;
        let name = prior.bucket();
        let force = prior.force_destroy.known().copied();
        force_destroy::guard_delete(&api, &KV_BUCKET, name, force).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(&KV_BUCKET.stream_name(name))
            .await
            .map(|_| ())
            .map_err(|e| KV_BUCKET.failed("delete", name, e))
    }

    async fn import(&self, _client: &NatsClient, id: &str) -> Result<KvBucketModel, Diagnostics> {
        let address = KV_BUCKET.parse_import(id)?;
        Ok(KvBucketModel {
            id: KV_BUCKET
                .id(address.domain.as_deref(), &address.name)
                .into(),
            name: address.name.into(),
            domain: address.domain.into(),
            ..KvBucketModel::default()
        })
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<KvBucketModel, Diagnostics>> {
        moved::from_official(source, "jetstream_kv_bucket").map(|moved| {
            moved.map(|model: KvBucketModel| KvBucketModel {
                id: KV_BUCKET.id(None, model.bucket()).into(),
                force_destroy: false.into(),
                ..model
            })
        })
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(list::schema(&KV_BUCKET))
    }

    async fn list(
        &self,
        client: &NatsClient,
        config: &Value,
    ) -> Result<Vec<Listed<KvBucketModel>>, Diagnostics> {
        let (config, streams) = list::streams(client, &KV_BUCKET, config).await?;
        let as_written = KvBucketModel {
            domain: config.domain,
            ..KvBucketModel::default()
        };
        Ok(streams
            .iter()
            .filter_map(|info| convert::from_stream_config(&info.config, &as_written))
            .map(|state| Listed {
                display_name: state.bucket().to_string(),
                state,
            })
            .collect())
    }
}
