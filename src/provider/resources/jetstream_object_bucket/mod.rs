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
//! - `nats_jetstream_obj_bucket` is the same resource under the official type's name
//!   renamed (`jetstream_obj_bucket` to `nats_jetstream_obj_bucket`), deprecated in favour
//!   of `nats_jetstream_object_bucket`; `moved` blocks go from one name to the other.
//! - Destroying or replacing a bucket that holds objects needs `force_destroy`.

mod model;
mod schema;

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{IdentitySchema, Schema};
use crate::framework::value::Value;
use crate::framework::{Failed, Listed, MoveSource, PlanContext, Resource, Rule};
use crate::nats::JetStreamApi;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::identity::jetstream_identity;
use crate::provider::resources::jetstream::{
    adopt, checks, force_destroy, list, moved, plan, OBJECT_BUCKET,
};
use model::{from_stream_config, to_stream_config, ObjectBucketModel};

/// `nats_jetstream_object_bucket`, or with `alias` its deprecated twin
/// `nats_jetstream_obj_bucket` (the official type's name with the `nats_` prefix).
pub struct ObjectBucketResource {
    pub alias: bool,
}

const TYPE_NAME: &str = "nats_jetstream_object_bucket";
const ALIAS: &str = "nats_jetstream_obj_bucket";

pub const METADATA: Rule<ObjectBucketModel> = Rule::new(
    "metadata keys are the user's and fit the server's limit",
    |b, out| checks::metadata(&b.metadata, out),
);

pub const DESCRIPTION: Rule<ObjectBucketModel> =
    Rule::new("the description fits the server's limit", |b, out| {
        checks::description(&b.description, out)
    });

const RULES: &[Rule<ObjectBucketModel>] = &[METADATA, DESCRIPTION];

/// Creates or updates (`verb`) the bucket's stream and reads back what the server holds.
async fn write(
    api: &JetStreamApi,
    planned: &ObjectBucketModel,
    verb: &str,
) -> Result<ObjectBucketModel, Diagnostics> {
    let name = planned.bucket();
    let config = to_stream_config(planned).map_err(|p| OBJECT_BUCKET.invalid(name, p))?;
    if verb == "create" {
        adopt::refuse_existing_data(api, &OBJECT_BUCKET, planned.domain(), name).await?;
    }
    let written = match verb {
        "create" => api.create_stream(&config).await,
        _ => api.update_stream(&config).await,
    };
    let info = written.map_err(|e| OBJECT_BUCKET.failed(verb, name, e))?;
    from_stream_config(&info.config, planned).ok_or_else(|| OBJECT_BUCKET.not_shaped(name))
}

impl Resource for ObjectBucketResource {
    type Client = NatsClient;
    type Model = ObjectBucketModel;

    fn type_name(&self) -> &'static str {
        if self.alias {
            ALIAS
        } else {
            TYPE_NAME
        }
    }

    fn schema(&self) -> Schema {
        let mut schema = schema::schema();
        if self.alias {
            schema.block.deprecated = true;
            schema.block.description = format!(
                "Deprecated: `{ALIAS}` is `{TYPE_NAME}` under the official provider's type \
                 name, for configurations renamed from it. Use `{TYPE_NAME}` (a `moved` block \
                 takes the state over). {}",
                schema.block.description
            );
        }
        schema
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[("name", "The bucket's name.")]))
    }

    fn rules(&self) -> &'static [Rule<ObjectBucketModel>] {
        RULES
    }

    /// From the official provider's `jetstream_obj_bucket`, and between this type's two
    /// names.
    fn move_state(&self, source: &MoveSource) -> Option<Result<ObjectBucketModel, Diagnostics>> {
        let twin = if self.alias { TYPE_NAME } else { ALIAS };
        let ours = source.provider_address.ends_with("natsforge/nats") && source.type_name == twin;
        let moved = if ours {
            Some(serde_json::from_value(source.state.clone()).map_err(|e| {
                Diagnostics::from(Diagnostic::error(
                    format!("Cannot take over the state of {twin}"),
                    format!("The stored state does not have the expected shape: {e}."),
                ))
            }))
        } else {
            moved::from_official(source, "jetstream_obj_bucket")
        };
        moved.map(|moved| {
            moved.map(|model: ObjectBucketModel| ObjectBucketModel {
                id: OBJECT_BUCKET.id(model.domain(), model.bucket()).into(),
                force_destroy: model.force_destroy.known().copied().unwrap_or(false).into(),
                ..model
            })
        })
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        plan::refine::<ObjectBucketModel>(client, &OBJECT_BUCKET, plan).await;
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: ObjectBucketModel,
    ) -> Result<ObjectBucketModel, Failed<ObjectBucketModel>> {
        let api = client.jetstream(planned.domain()).await?;
        Ok(write(&api, &planned, "create").await?)
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: ObjectBucketModel,
    ) -> Result<Option<ObjectBucketModel>, Diagnostics> {
        let api = client.jetstream(current.domain()).await?;
        let name = current.bucket();
        let info = api
            .stream_info(&OBJECT_BUCKET.stream_name(name))
            .await
            .map_err(|e| OBJECT_BUCKET.failed("read", name, e))?;
        match info {
            None => Ok(None),
            Some(info) => from_stream_config(&info.config, &current)
                .map(Some)
                .ok_or_else(|| OBJECT_BUCKET.not_shaped(name)),
        }
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: ObjectBucketModel,
        planned: ObjectBucketModel,
    ) -> Result<ObjectBucketModel, Failed<ObjectBucketModel>> {
        let api = client.jetstream(planned.domain()).await?;
        Ok(write(&api, &planned, "update").await?)
    }

    async fn delete(
        &self,
        client: &NatsClient,
        prior: ObjectBucketModel,
    ) -> Result<(), Diagnostics> {
        let api = client.jetstream(prior.domain()).await?;
        let name = prior.bucket();
        let force = prior.force_destroy.known().copied();
        force_destroy::guard_delete(&api, &OBJECT_BUCKET, name, force).await?;
        // Already gone is fine: the goal is that it does not exist.
        api.delete_stream(&OBJECT_BUCKET.stream_name(name))
            .await
            .map(|_| ())
            .map_err(|e| OBJECT_BUCKET.failed("delete", name, e))
    }

    async fn import(
        &self,
        _client: &NatsClient,
        id: &str,
    ) -> Result<ObjectBucketModel, Diagnostics> {
        let address = OBJECT_BUCKET.parse_import(id)?;
        Ok(ObjectBucketModel {
            id: OBJECT_BUCKET
                .id(address.domain.as_deref(), &address.name)
                .into(),
            name: address.name.into(),
            domain: address.domain.into(),
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
        let (config, streams) = list::streams(client, &OBJECT_BUCKET, config).await?;
        let as_written = ObjectBucketModel {
            domain: config.domain,
            ..ObjectBucketModel::default()
        };
        Ok(streams
            .iter()
            .filter_map(|info| from_stream_config(&info.config, &as_written))
            .map(|state| Listed {
                display_name: state.bucket().to_string(),
                state,
            })
            .collect())
    }
}
