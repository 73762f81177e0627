//! # Action `nats_jetstream_kv_bucket_purge`
//!
//! Purges keys of a KV bucket the way the `nats kv purge` and `nats kv purge-deletes`
//! commands do: named `keys` lose their history and keep one purge marker (watchers see
//! the purge), or, with `deleted = true`, what is left of deleted and purged keys (their
//! markers and history) is removed. Live keys are never touched by `deleted`. The
//! user's documentation is the schema's descriptions below
//! (docs/actions/jetstream_kv_bucket_purge.md).

use super::{counted, messages, worth_reporting};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::{Each, StringRule};
use crate::framework::value::AttributePath;
use crate::framework::{Action, Field, Progress, Rule};
use crate::nats::jetstream::{check_kv_key, kv_stream_name, JetStreamApi, JetStreamError};
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::failed;
use crate::provider::rules::{BUCKET, DOMAIN};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub struct KvBucketPurge;

#[derive(Deserialize)]
pub struct KvBucketPurgeModel {
    bucket: Field<String>,
    domain: Field<String>,
    keys: Field<Vec<String>>,
    deleted: Field<bool>,
}

const KEY: StringRule = StringRule {
    allowed: "a KV key: letters, digits and `-_/=.`, dot-separated tokens, none empty",
    rule: |key| check_kv_key(key).map_err(|error| error.to_string()),
};

const KEYS_OR_DELETED: Rule<KvBucketPurgeModel> = Rule::new(
    "either keys or deleted",
    |purge, out| {
        let deleted = purge.deleted.decided().map(|d| d.is_some_and(|on| *on));
        match (purge.keys.decided(), deleted) {
            (Some(Some(_)), Some(true)) => out.attribute_error(
                &AttributePath::attr("deleted"),
                "Conflicting purges",
                "Set `keys` to purge those keys, or `deleted = true` to remove what is left of deleted keys, not both.",
            ),
            (Some(None), Some(false)) => out.attribute_error(
                &AttributePath::attr("keys"),
                "Nothing to purge",
                "Set `keys` to purge those keys, or `deleted = true` to remove what is left of deleted keys.",
            ),
            (Some(Some(keys)), _) if keys.is_empty() => out.attribute_error(
                &AttributePath::attr("keys"),
                "Nothing to purge",
                "`keys` is empty; list at least one key.",
            ),
            _ => {}
        }
    },
);

/// `STREAM.INFO` asking for the subjects (keys) of the bucket, a page at a time.
#[derive(Serialize)]
struct SubjectsRequest<'a> {
    subjects_filter: &'a str,
    offset: usize,
}

#[derive(Deserialize)]
struct SubjectsReply {
    state: SubjectsState,
    #[serde(default)]
    total: usize,
}

#[derive(Deserialize)]
struct SubjectsState {
    #[serde(default)]
    subjects: BTreeMap<String, u64>,
}

#[derive(Serialize)]
struct PurgeSubject<'a> {
    filter: &'a str,
}

#[derive(Deserialize)]
struct PurgeReply {
    purged: u64,
}

/// Every key of the bucket that has messages, with how many.
async fn keys_with_counts(
    jetstream: &JetStreamApi,
    bucket: &str,
) -> Result<BTreeMap<String, u64>, JetStreamError> {
    let prefix = format!("$KV.{bucket}.");
    let filter = format!("{prefix}>");
    let mut keys = BTreeMap::new();
    loop {
        let request = SubjectsRequest {
            subjects_filter: &filter,
            offset: keys.len(),
        };
        let reply: SubjectsReply = jetstream
            .request(&format!("STREAM.INFO.{}", kv_stream_name(bucket)), &request)
            .await?;
        let page = reply.state.subjects.len();
        for (subject, count) in reply.state.subjects {
            if let Some(key) = subject.strip_prefix(&prefix) {
                keys.insert(key.to_string(), count);
            }
        }
        if page == 0 || keys.len() >= reply.total {
            return Ok(keys);
        }
    }
}

impl Action for KvBucketPurge {
    type Client = NatsClient;
    type Model = KvBucketPurgeModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_kv_bucket_purge"
    }

    fn schema(&self) -> Schema {
        Schema::new("Purges keys of a KV bucket: named keys lose their history and keep a purge marker, or what is left of deleted keys is removed. Needs Terraform 1.14 or later: `terraform apply -invoke=action.nats_jetstream_kv_bucket_purge.<name>`, or an `action_trigger` in a resource's `lifecycle`.\n\nAs `nats kv purge <key>`, each of `keys` keeps only a purge marker, so watchers learn the key is gone; keys that do not exist are purged all the same. As `nats kv purge-deletes`, `deleted = true` removes every message of each key whose latest entry is a delete or purge marker, the marker included; live keys stay as they are. The action reports how many keys and messages went. Invoking it is the consent to remove the data.")
            .attribute(
                Attribute::string("bucket")
                    .required()
                    .validate(BUCKET)
                    .description("The bucket."),
            )
            .attribute(
                Attribute::string("domain")
                    .optional()
                    .validate(DOMAIN)
                    .description("The JetStream domain of the bucket. Default: the provider's `jetstream_domain`."),
            )
            .attribute(
                Attribute::string_list("keys")
                    .optional()
                    .validate(Each(KEY))
                    .description("Keys to purge: their history goes, a purge marker stays. Set this or `deleted`."),
            )
            .attribute(
                Attribute::bool("deleted")
                    .optional()
                    .description("Remove what is left of deleted and purged keys (their markers and history). Set this or `keys`."),
            )
    }

    fn rules(&self) -> &'static [Rule<KvBucketPurgeModel>] {
        &[KEYS_OR_DELETED]
    }

    async fn invoke(
        &self,
        client: &NatsClient,
        config: KvBucketPurgeModel,
        progress: &Progress,
    ) -> Result<(), Diagnostics> {
        let bucket = config.bucket.known().cloned().unwrap_or_default();
        let domain = config
            .domain
            .known()
            .cloned()
            .or_else(|| client.default_domain());
        let jetstream = client.jetstream(domain.as_deref()).await?;
        let place = match &domain {
            Some(domain) => format!("bucket {bucket} (domain {domain})"),
            None => format!("bucket {bucket}"),
        };
        let cannot = format!("Cannot purge {place}");
        let fail = |error: JetStreamError| failed(cannot.clone(), &error);
        let before = keys_with_counts(&jetstream, &bucket)
            .await
            .map_err(|error| match error.is_not_found() {
                true => Diagnostics::from(
                    Diagnostic::error(cannot.clone(), format!("The {place} does not exist."))
                        .at(AttributePath::attr("bucket")),
                ),
                false => fail(error),
            })?;
        match config.keys.into_known() {
            Some(keys) => {
                let total = keys.len();
                let mut removed = 0;
                for (index, key) in keys.iter().enumerate() {
                    jetstream.kv_purge(&bucket, key).await.map_err(fail)?;
                    removed += before.get(key).copied().unwrap_or(0);
                    if worth_reporting(index + 1, total) {
                        progress.report(format!("{}/{total}: purged {key}", index + 1));
                    }
                }
                progress.report(format!(
                    "Purged {} of {place}: {} of history removed, one purge marker per key left",
                    counted(total as u64, "key"),
                    messages(removed)
                ));
            }
            None => {
                progress.report(format!(
                    "Looking for deleted keys among the {} of {place}",
                    counted(before.len() as u64, "key")
                ));
                let mut deleted = Vec::new();
                for key in before.keys() {
                    let latest = jetstream.kv_get(&bucket, key).await.map_err(fail)?;
                    if latest.is_some_and(|entry| !entry.is_live()) {
                        deleted.push(key);
                    }
                }
                let stream = kv_stream_name(&bucket);
                let mut removed = 0;
                for (index, key) in deleted.iter().enumerate() {
                    let subject = format!("$KV.{bucket}.{key}");
                    let reply: PurgeReply = jetstream
                        .request(
                            &format!("STREAM.PURGE.{stream}"),
                            &PurgeSubject { filter: &subject },
                        )
                        .await
                        .map_err(fail)?;
                    removed += reply.purged;
                    if worth_reporting(index + 1, deleted.len()) {
                        progress.report(format!("{}/{}: removed {key}", index + 1, deleted.len()));
                    }
                }
                progress.report(format!(
                    "Removed {} of {place} ({}); {} untouched",
                    counted(deleted.len() as u64, "deleted key"),
                    messages(removed),
                    counted((before.len() - deleted.len()) as u64, "live key")
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
#[path = "kv_bucket_purge_tests.rs"]
mod tests;
