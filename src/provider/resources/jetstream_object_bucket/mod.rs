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
//!   or the identity `{ domain, name }`; `moved` blocks take over the official provider's
//!   `jetstream_obj_bucket` state.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::validators::{int_at_least, int_between, OneOf};
use crate::framework::{Failed, MoveSource, PlanContext, Resource};
use crate::nats::jetstream::{
    nanos_to_seconds, seconds_to_nanos, ObjectBucketConfig, StreamConfig,
};
use crate::nats::JetStreamError;
use crate::provider::client::NatsClient;
use crate::provider::resources::identity::jetstream_identity;
use crate::provider::resources::jetstream_kv_bucket::bucket::{
    self, limit_back, placement, placement_back, storage, storage_word, BucketAddress,
};
use crate::provider::resources::jetstream_kv_bucket::moved;
use crate::provider::rules::{BUCKET, DOMAIN};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The official provider's ID prefix: `JETSTREAM_OBJ_<bucket>`.
const ID_PREFIX: &str = "JETSTREAM_OBJ_";

pub struct ObjectBucketResource;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ObjectBucketModel {
    pub id: Option<String>,
    pub name: String,
    pub domain: Option<String>,
    pub description: Option<String>,
    pub storage: Option<String>,
    pub ttl: Option<i64>,
    pub max_bucket_size: Option<i64>,
    pub replicas: Option<i64>,
    pub compression: Option<bool>,
    pub placement_cluster: Option<String>,
    pub placement_tags: Option<Vec<String>>,
    pub metadata: Option<BTreeMap<String, String>>,
}

fn failed(action: &str, name: &str, error: JetStreamError) -> Diagnostics {
    Diagnostic::error(
        format!("Cannot {action} object bucket {name}"),
        error.to_string(),
    )
    .into()
}

fn invalid(name: &str, problem: String) -> Diagnostics {
    Diagnostic::error(
        format!("Invalid configuration for object bucket {name}"),
        problem,
    )
    .into()
}

fn not_a_bucket(name: &str) -> Diagnostics {
    Diagnostic::error(
        format!("Cannot read object bucket {name}"),
        format!("The stream OBJ_{name} is not shaped like an object bucket."),
    )
    .into()
}

/// The stream config the clients would create for a planned model.
fn to_stream_config(model: &ObjectBucketModel) -> Result<StreamConfig, String> {
    let ttl = seconds_to_nanos(model.ttl.unwrap_or(0)).ok_or("`ttl` is too large")?;
    ObjectBucketConfig {
        bucket: model.name.clone(),
        description: model.description.clone(),
        ttl,
        max_bytes: model.max_bucket_size.unwrap_or(-1),
        storage: storage(&model.storage)?,
        num_replicas: model.replicas.unwrap_or(1),
        compression: model.compression.unwrap_or(false),
        placement: placement(&model.placement_cluster, &model.placement_tags),
        metadata: model.metadata.clone().unwrap_or_default(),
    }
    .to_stream_config()
    .map_err(|e| e.to_string())
}

/// The model as the server holds it; `as_written` supplies the domain used and the
/// user's spelling of "unlimited".
fn from_stream_config(
    config: &StreamConfig,
    as_written: &ObjectBucketModel,
) -> Option<ObjectBucketModel> {
    let bucket = ObjectBucketConfig::from_stream_config(config)?;
    let (placement_cluster, placement_tags) = placement_back(&bucket.placement);
    let address = BucketAddress {
        domain: as_written.domain.clone(),
        name: bucket.bucket.clone(),
    };
    Some(ObjectBucketModel {
        id: Some(address.id(ID_PREFIX)),
        name: bucket.bucket,
        domain: as_written.domain.clone(),
        description: bucket.description.filter(|d| !d.is_empty()),
        storage: Some(storage_word(bucket.storage)),
        ttl: Some(nanos_to_seconds(bucket.ttl)),
        max_bucket_size: limit_back(bucket.max_bytes, as_written.max_bucket_size),
        replicas: Some(bucket.num_replicas),
        compression: Some(bucket.compression),
        placement_cluster,
        placement_tags,
        metadata: Some(bucket.metadata).filter(|m| !m.is_empty()),
    })
}

fn schema() -> Schema {
    Schema::new(
        "A JetStream object store bucket, stored as the stream `OBJ_<name>` configured exactly \
         as the NATS clients configure it. Everything but `name`, `domain` and `storage` \
         changes in place.",
    )
    .attribute(Attribute::string("id").computed().use_state_for_unknown().description(
        "`JETSTREAM_OBJ_<name>`, as the official provider names it (with `<domain>:` in front when a domain is set).",
    ))
    .attribute(Attribute::string("name").required().requires_replace().validate(BUCKET).description("The bucket's name."))
    .attribute(
        Attribute::string("domain")
            .optional()
            .requires_replace()
            .validate(DOMAIN)
            .description("The JetStream domain to manage the bucket in (through `$JS.<domain>.API`). Defaults to the provider's `jetstream_domain`, else the domain of the connected server."),
    )
    .attribute(Attribute::string("description").optional().description("A description of the bucket."))
    .attribute(
        Attribute::string("storage")
            .default("file")
            .validate(OneOf(&["file", "memory"]))
            .requires_replace()
            .description("Where objects are stored. Changing it replaces the bucket."),
    )
    .attribute(
        Attribute::number("ttl")
            .default(0)
            .validate(int_at_least(0))
            .description("How long an object is kept, in seconds (`0` for ever)."),
    )
    .attribute(
        Attribute::number("max_bucket_size")
            .default(-1)
            .validate(int_at_least(-1))
            .description("Most bytes the bucket holds; `-1` for unlimited."),
    )
    .attribute(
        Attribute::number("replicas")
            .default(1)
            .validate(int_between(1, 5))
            .description("Copies kept in a cluster. Changes in place."),
    )
    .attribute(Attribute::bool("compression").default(false).description("Compress stored objects (S2)."))
    .attribute(Attribute::string("placement_cluster").optional().description("Place the bucket in this cluster."))
    .attribute(Attribute::string_list("placement_tags").optional().description("Place the bucket on servers with these tags."))
    .attribute(Attribute::string_map("metadata").optional().description(
        "Free-form metadata. Keys the server adds itself (`_nats.*`) are ignored.",
    ))
}

impl Resource for ObjectBucketResource {
    type Client = NatsClient;
    type Model = ObjectBucketModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_object_bucket"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[("name", "The bucket's name.")]))
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<ObjectBucketModel, Diagnostics>> {
        moved::from_official(source, "jetstream_obj_bucket").map(|moved| {
            moved.map(|model: ObjectBucketModel| ObjectBucketModel {
                id: Some(BucketAddress::id_of(&model.name, ID_PREFIX)),
                ..model
            })
        })
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        bucket::plan_id(plan, ID_PREFIX);
        bucket::refuse_replicas_and_placement_together(plan);
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: ObjectBucketModel,
    ) -> Result<ObjectBucketModel, Failed<ObjectBucketModel>> {
        let config = to_stream_config(&planned).map_err(|p| invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .create_stream(&config)
            .await
            .map_err(|e| failed("create", &planned.name, e))?;
        Ok(
            from_stream_config(&info.config, &planned)
                .ok_or_else(|| not_a_bucket(&planned.name))?,
        )
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: ObjectBucketModel,
    ) -> Result<Option<ObjectBucketModel>, Diagnostics> {
        let api = client.jetstream(current.domain.as_deref()).await?;
        let info = api
            .stream_info(&format!("OBJ_{}", current.name))
            .await
            .map_err(|e| failed("read", &current.name, e))?;
        match info {
            None => Ok(None),
            Some(info) => from_stream_config(&info.config, &current)
                .map(Some)
                .ok_or_else(|| not_a_bucket(&current.name)),
        }
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: ObjectBucketModel,
        planned: ObjectBucketModel,
    ) -> Result<ObjectBucketModel, Failed<ObjectBucketModel>> {
        let config = to_stream_config(&planned).map_err(|p| invalid(&planned.name, p))?;
        let api = client.jetstream(planned.domain.as_deref()).await?;
        let info = api
            .update_stream(&config)
            .await
            .map_err(|e| failed("update", &planned.name, e))?;
        Ok(
            from_stream_config(&info.config, &planned)
                .ok_or_else(|| not_a_bucket(&planned.name))?,
        )
    }

    async fn delete(
        &self,
        client: &NatsClient,
        prior: ObjectBucketModel,
    ) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain.as_deref()).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(&format!("OBJ_{}", prior.name))
            .await
            .map(|_| ())
            .map_err(|e| failed("delete", &prior.name, e))
    }

    async fn import(
        &self,
        _client: &NatsClient,
        id: &str,
    ) -> Result<ObjectBucketModel, Diagnostics> {
        let address = BucketAddress::parse(id, ID_PREFIX).map_err(|problem| {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!("{problem}. Use NAME, DOMAIN:NAME or JETSTREAM_OBJ_NAME."),
            ))
        })?;
        Ok(ObjectBucketModel {
            id: Some(address.id(ID_PREFIX)),
            name: address.name,
            domain: address.domain,
            ..ObjectBucketModel::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_reads_back_as_written() {
        let model = ObjectBucketModel {
            name: "assets".into(),
            domain: Some("hub".into()),
            description: Some("images".into()),
            storage: Some("memory".into()),
            ttl: Some(3600),
            max_bucket_size: Some(0),
            replicas: Some(1),
            compression: Some(true),
            placement_cluster: None,
            placement_tags: Some(vec!["ssd".into()]),
            metadata: Some([("team".to_string(), "web".to_string())].into()),
            ..ObjectBucketModel::default()
        };
        let config = to_stream_config(&model).unwrap();
        assert_eq!(config.name, "OBJ_assets");
        assert_eq!(config.max_age, 3_600_000_000_000);
        assert_eq!(config.max_bytes, -1);
        let back = from_stream_config(&config, &model).unwrap();
        assert_eq!(
            back,
            ObjectBucketModel {
                id: Some("hub:JETSTREAM_OBJ_assets".into()),
                ..model
            }
        );
        assert!(from_stream_config(&StreamConfig::named("KV_x"), &back).is_none());
    }
}
