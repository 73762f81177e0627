//! # Data source `nats_jetstream_kv_bucket`
//!
//! An existing KV bucket: its configuration, with the same names and units as the
//! `nats_jetstream_kv_bucket` resource, and what it holds right now (values, bytes,
//! revisions), read from its `KV_<name>` stream. A missing bucket is an error.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::{DataSource, Field};
use crate::nats::jetstream::{kv_stream_name, StorageType};
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream_kv_bucket::convert::from_stream_config;
use crate::provider::resources::jetstream_kv_bucket::model::KvBucketModel;
use crate::provider::rules::{BUCKET, DOMAIN};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub struct KvBucketDataSource;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct KvBucketStateModel {
    name: String,
    domain: Option<String>,
    description: Field<String>,
    history: Field<i64>,
    ttl: Field<i64>,
    max_value_size: Field<i64>,
    max_bucket_size: Field<i64>,
    storage: Field<StorageType>,
    replicas: Field<i64>,
    compression: Field<bool>,
    placement_cluster: Field<String>,
    placement_tags: Field<Vec<String>>,
    metadata: Field<BTreeMap<String, String>>,
    limit_marker_ttl: Field<i64>,
    mirror: Option<String>,
    sources: Option<Vec<String>>,
    values: Option<u64>,
    bytes: Option<u64>,
    keys: Option<u64>,
    first_revision: Option<u64>,
    last_revision: Option<u64>,
    created: Option<String>,
}

fn schema() -> Schema {
    let number = |name: &str, text: &str| Attribute::number(name).computed().description(text);
    let text = |name: &str, doc: &str| Attribute::string(name).computed().description(doc);
    Schema::new(
        "An existing JetStream KV bucket: its configuration (named as on the \
         `nats_jetstream_kv_bucket` resource) and what it holds now.",
    )
    .attribute(
        Attribute::string("name")
            .required()
            .validate(BUCKET)
            .description("The bucket's name."),
    )
    .attribute(
        Attribute::string("domain")
            .optional()
            .validate(DOMAIN)
            .description(
            "The JetStream domain of the bucket; defaults to the provider's `jetstream_domain`.",
        ),
    )
    .attribute(text("description", "The bucket's description."))
    .attribute(number("history", "Values kept per key."))
    .attribute(number(
        "ttl",
        "How long a value is kept, in seconds (`0` for ever).",
    ))
    .attribute(number(
        "max_value_size",
        "Largest value accepted, in bytes; `-1` for unlimited.",
    ))
    .attribute(number(
        "max_bucket_size",
        "Most bytes the bucket holds; `-1` for unlimited.",
    ))
    .attribute(text("storage", "`file` or `memory`."))
    .attribute(number("replicas", "Copies kept in a cluster."))
    .attribute(
        Attribute::bool("compression")
            .computed()
            .description("Whether values are compressed."),
    )
    .attribute(text(
        "placement_cluster",
        "The cluster the bucket is placed in.",
    ))
    .attribute(
        Attribute::string_list("placement_tags")
            .computed()
            .description("Server tags the bucket is placed by."),
    )
    .attribute(
        Attribute::string_map("metadata")
            .computed()
            .description("The bucket's metadata, without the server's own `_nats.*` keys."),
    )
    .attribute(number(
        "limit_marker_ttl",
        "How long a marker stays when a limit removes a key, in seconds (`0`: per-key TTLs off).",
    ))
    .attribute(text("mirror", "The bucket this one mirrors, if any."))
    .attribute(
        Attribute::string_list("sources")
            .computed()
            .description("The buckets this one copies keys from."),
    )
    .attribute(number(
        "values",
        "Values held now, history and delete markers included.",
    ))
    .attribute(number("bytes", "Bytes held now."))
    .attribute(number(
        "keys",
        "Keys with at least one value or marker held.",
    ))
    .attribute(number("first_revision", "The oldest revision still held."))
    .attribute(number("last_revision", "The latest revision written."))
    .attribute(text("created", "When the bucket was created (RFC 3339)."))
}

impl DataSource for KvBucketDataSource {
    type Client = NatsClient;
    type Model = KvBucketStateModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_kv_bucket"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    async fn read(
        &self,
        client: &NatsClient,
        config: KvBucketStateModel,
    ) -> Result<KvBucketStateModel, Diagnostics> {
        let api = client.jetstream(config.domain.as_deref()).await?;
        let cannot = |detail: String| {
            Diagnostics::from(Diagnostic::error(
                format!("Cannot read KV bucket {}", config.name),
                detail,
            ))
        };
        let info = api
            .stream_info(&kv_stream_name(&config.name))
            .await
            .map_err(|e| cannot(e.to_string()))?
            .ok_or_else(|| cannot("No such bucket.".to_string()))?;
        let as_written = KvBucketModel {
            domain: config.domain.clone().into(),
            ..KvBucketModel::default()
        };
        let bucket = from_stream_config(&info.config, &as_written)
            .ok_or_else(|| cannot("Its stream is not shaped like a KV bucket.".to_string()))?;
        let state = &info.state;
        Ok(KvBucketStateModel {
            name: config.name,
            domain: config.domain,
            description: bucket.description,
            history: bucket.history,
            ttl: bucket.ttl,
            max_value_size: bucket.max_value_size,
            max_bucket_size: bucket.max_bucket_size,
            storage: bucket.storage,
            replicas: bucket.replicas,
            compression: bucket.compression,
            placement_cluster: bucket.placement_cluster,
            placement_tags: bucket.placement_tags,
            metadata: bucket.metadata,
            limit_marker_ttl: bucket.limit_marker_ttl,
            mirror: bucket.mirror.first().and_then(|m| m.name.known().cloned()),
            sources: Some(
                bucket
                    .source
                    .into_iter()
                    .filter_map(|s| s.name.into_known())
                    .collect(),
            ),
            values: Some(state.messages),
            bytes: Some(state.bytes),
            keys: Some(state.num_subjects),
            first_revision: Some(state.first_seq),
            last_revision: Some(state.last_seq),
            created: Some(info.created.clone()),
        })
    }
}
