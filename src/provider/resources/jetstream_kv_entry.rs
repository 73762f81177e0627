//! # Resource `nats_jetstream_kv_entry`
//!
//! One key of a KV bucket and its value, in the provider's default JetStream domain or
//! the one named by `domain`. Values are text.
//!
//! - Set the value with `value`, or with `value_sensitive` when it is a secret:
//!   Terraform then never shows it in plans or output (it is still stored in the state,
//!   as every value is). Exactly one of the two is set.
//! - Read reports the key's latest value: a value changed outside Terraform shows as
//!   drift and is written back; a key deleted or purged outside Terraform (or whose
//!   bucket is gone) is planned for creation again. `revision` is the bucket sequence
//!   of the value Terraform wrote or last read.
//! - Destroy deletes the key the way `nats kv del` and the clients do: a delete marker
//!   is written, and the key's earlier values stay in its history until the bucket's
//!   limits remove them. Destroying an entry whose bucket is already gone succeeds.
//! - Import takes `BUCKET:KEY`, `DOMAIN:BUCKET:KEY` or the official provider's
//!   `JETSTREAM_KV_BUCKET_ENTRY_KEY` (also behind `DOMAIN:`), or the identity
//!   `{ domain, bucket, key }`. An imported value lands in `value_sensitive`, so a
//!   secret never appears in a plan; if the configuration uses `value`, the first plan
//!   after import moves it there, and that apply writes nothing. `moved` blocks take
//!   over the official provider's `jetstream_kv_entry` state.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::validators::StringRule;
use crate::framework::value::AttributePath;
use crate::framework::{Failed, Field, MoveSource, PlanContext, Resource, Rule};
use crate::nats::jetstream::{check_kv_key, kv_stream_name, JetStreamApi};
use crate::nats::JetStreamError;
use crate::provider::client::NatsClient;
use crate::provider::resources::jetstream::address::{split_domain, with_domain};
use crate::provider::resources::jetstream::identity::jetstream_identity;
use crate::provider::resources::jetstream::{self, moved};
use crate::provider::rules::{BUCKET, DOMAIN};
use serde::{Deserialize, Serialize};

const ID_PREFIX: &str = "JETSTREAM_KV_";
const ID_KEY_SEPARATOR: &str = "_ENTRY_";

const KEY: StringRule = StringRule {
    allowed:
        "a KV key: letters, digits and `-`, `/`, `_`, `=`, `.`, not starting or ending with `.`",
    rule: |key| check_kv_key(key).map_err(|e| e.to_string()),
};

pub struct KvEntryResource;

/// Values may be secrets: Debug never shows them.
#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct KvEntryModel {
    pub id: Field<String>,
    pub bucket: Field<String>,
    pub key: Field<String>,
    pub domain: Field<String>,
    pub value: Field<String>,
    pub value_sensitive: Field<String>,
    pub revision: Field<u64>,
}

impl std::fmt::Debug for KvEntryModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KvEntryModel")
            .field("id", &self.id)
            .field("revision", &self.revision)
            .finish_non_exhaustive()
    }
}

impl KvEntryModel {
    /// The value to write: whichever of the two attributes is set (`None` while it is
    /// not known).
    fn wanted(&self) -> Option<&str> {
        self.value
            .known()
            .or(self.value_sensitive.known())
            .map(String::as_str)
    }

    fn address(&self) -> EntryAddress {
        let text = |field: &Field<String>| field.known().cloned().unwrap_or_default();
        EntryAddress {
            domain: self.domain.known().cloned(),
            bucket: text(&self.bucket),
            key: text(&self.key),
        }
    }

    /// Puts a value read from the server where this model keeps its value; an imported
    /// entry (neither set yet) keeps it in `value_sensitive`.
    fn holding(mut self, value: String, revision: u64) -> Self {
        if self.value.is_known() {
            self.value = Field::Known(value);
        } else {
            self.value_sensitive = Field::Known(value);
        }
        self.revision = Field::Known(revision);
        self
    }
}

/// What an import ID or identity names: a key of a bucket, perhaps in a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryAddress {
    pub domain: Option<String>,
    pub bucket: String,
    pub key: String,
}

impl EntryAddress {
    /// Accepts `BUCKET:KEY`, `DOMAIN:BUCKET:KEY` and `[DOMAIN:]JETSTREAM_KV_BUCKET_ENTRY_KEY`
    /// (the official provider's form, read as it reads it: the bucket ends at the first
    /// `_ENTRY_`).
    pub fn parse(id: &str) -> Result<Self, String> {
        let official = |text: &str| {
            text.strip_prefix(ID_PREFIX)
                .and_then(|rest| rest.split_once(ID_KEY_SEPARATOR))
                .map(|(bucket, key)| (bucket.to_string(), key.to_string()))
        };
        let parts: Vec<&str> = id.split(':').collect();
        let (domain, bucket, key) = match parts.as_slice() {
            [whole] => {
                let (bucket, key) =
                    official(whole).ok_or_else(|| format!("{id:?} names no bucket and key"))?;
                (None, bucket, key)
            }
            [first, second] => match official(second) {
                Some((bucket, key)) => (split_domain(id)?.0, bucket, key),
                None => (None, first.to_string(), second.to_string()),
            },
            [domain, bucket, key] => {
                let (domain, _) =
                    split_domain(id).map_err(|problem| format!("{problem} (in {domain:?})"))?;
                (domain, bucket.to_string(), key.to_string())
            }
            _ => return Err(format!("{id:?} has too many `:`")),
        };
        crate::provider::rules::check_bucket(&bucket)?;
        check_kv_key(&key).map_err(|e| e.to_string())?;
        Ok(EntryAddress {
            domain,
            bucket,
            key,
        })
    }

    /// The resource ID in state: the official provider's form, domain-qualified.
    pub fn id(&self) -> String {
        with_domain(
            self.domain.as_deref(),
            format!("{ID_PREFIX}{}{ID_KEY_SEPARATOR}{}", self.bucket, self.key),
        )
    }
}

fn failed(action: &str, model: &KvEntryModel, error: JetStreamError) -> Diagnostics {
    let address = model.address();
    jetstream::failed(
        format!(
            "Cannot {action} key {} of KV bucket {}",
            address.key, address.bucket
        ),
        &error,
    )
}

/// Whether the bucket itself is gone, which turns a failed key operation into "the
/// key is gone too" (a direct get on a missing bucket finds no responder).
async fn bucket_is_gone(api: &JetStreamApi, bucket: &str) -> bool {
    matches!(api.stream_info(&kv_stream_name(bucket)).await, Ok(None))
}

/// Writes the wanted value unless the key already holds it (no new revision then).
/// On create (`adopt = false`), a key that already holds another value is someone
/// else's data: it is refused rather than overwritten.
async fn write(
    api: &JetStreamApi,
    planned: KvEntryModel,
    creating: bool,
) -> Result<KvEntryModel, Diagnostics> {
    let address = planned.address();
    let wanted = planned.wanted().unwrap_or_default().to_string();
    let held = api
        .kv_get(&address.bucket, &address.key)
        .await
        .ok()
        .flatten()
        .filter(|entry| entry.is_live());
    let revision = match held {
        Some(entry) if entry.value == wanted.as_bytes() => entry.revision,
        Some(entry) if creating => {
            return Err(Diagnostic::error(
                format!(
                    "Key {} of KV bucket {} already exists",
                    address.key, address.bucket
                ),
                format!(
                    "It holds another value (revision {}), written outside this configuration; \
                     natsforge does not overwrite it. Import it (`terraform import <address> \
                     {}:{}`) to manage it, or delete it first.",
                    entry.revision, address.bucket, address.key
                ),
            )
            .into())
        }
        _ => api
            .kv_put(&address.bucket, &address.key, wanted.as_bytes())
            .await
            .map_err(|e| failed("write", &planned, e))?,
    };
    Ok(KvEntryModel {
        id: address.id().into(),
        revision: revision.into(),
        ..planned
    })
}

/// Exactly one of `value` and `value_sensitive` is set.
pub const ONE_VALUE: Rule<KvEntryModel> =
    Rule::new("exactly one of value and value_sensitive", |entry, out| {
        let (plain, secret) = (&entry.value, &entry.value_sensitive);
        if plain.is_unknown() || secret.is_unknown() {
            return;
        }
        if plain.is_null() == secret.is_null() {
            out.attribute_error(
                &AttributePath::attr("value"),
                "Set exactly one of value and value_sensitive",
                "Give the entry's value in `value`, or in `value_sensitive` to keep it out of \
                 plans and output.",
            );
        }
    });

fn schema() -> Schema {
    Schema::new(
        "A key of a JetStream KV bucket and its value. A value changed outside Terraform is \
         written back; a key deleted outside Terraform is written again; destroy deletes the \
         key as `nats kv del` does (a delete marker; earlier values stay in the history). \
         An imported value lands in `value_sensitive`, so a secret never shows in a plan; \
         with `value` in the configuration, the first apply after import moves it there \
         without writing to the bucket.",
    )
    .attribute(Attribute::string("id").computed().use_state_for_unknown().description(
        "`JETSTREAM_KV_<bucket>_ENTRY_<key>`, as the official provider names it (with `<domain>:` in front when a domain is set).",
    ))
    .attribute(Attribute::string("bucket").required().requires_replace().validate(BUCKET).description("The bucket holding the key."))
    .attribute(Attribute::string("key").required().requires_replace().validate(KEY).description("The key."))
    .attribute(
        Attribute::string("domain")
            .optional()
            .requires_replace()
            .validate(DOMAIN)
            .description("The JetStream domain of the bucket. Defaults to the provider's `jetstream_domain`, else the domain of the connected server."),
    )
    .attribute(Attribute::string("value").optional().description("The value, as text. Set this or `value_sensitive`."))
    .attribute(
        Attribute::string("value_sensitive")
            .optional()
            .sensitive()
            .description("The value, as text, for secrets: never shown in plans or output. Set this or `value`."),
    )
    .attribute(Attribute::number("revision").computed().description("The bucket sequence of the value written (or last read)."))
}

impl Resource for KvEntryResource {
    type Client = NatsClient;
    type Model = KvEntryModel;

    fn type_name(&self) -> &'static str {
        "nats_jetstream_kv_entry"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(jetstream_identity(&[
            ("bucket", "The bucket holding the key."),
            ("key", "The key."),
        ]))
    }

    fn rules(&self) -> &'static [Rule<KvEntryModel>] {
        &[ONE_VALUE]
    }

    /// The official provider's entries keep their value in `value`, as here.
    fn move_state(&self, source: &MoveSource) -> Option<Result<KvEntryModel, Diagnostics>> {
        moved::from_official(source, "jetstream_kv_entry").map(|moved| {
            moved.map(|model: KvEntryModel| KvEntryModel {
                id: model.address().id().into(),
                ..model
            })
        })
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        if plan.is_destroy() {
            return;
        }
        let prior = plan.read_prior::<KvEntryModel>();
        plan.update_planned(|planned: &mut KvEntryModel| {
            let domain = planned.domain.decided();
            if let (Some(bucket), Some(key), Some(domain)) =
                (planned.bucket.known(), planned.key.known(), domain)
            {
                let address = EntryAddress {
                    domain: domain.cloned(),
                    bucket: bucket.clone(),
                    key: key.clone(),
                };
                planned.id = address.id().into();
            }
            // The same text moving between `value` and `value_sensitive` (after import)
            // writes nothing: the revision stays.
            if let Some(prior) = &prior {
                if prior.wanted().is_some() && prior.wanted() == planned.wanted() {
                    planned.revision = prior.revision;
                }
            }
        });
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: KvEntryModel,
    ) -> Result<KvEntryModel, Failed<KvEntryModel>> {
        let api = client
            .jetstream(planned.address().domain.as_deref())
            .await?;
        Ok(write(&api, planned, true).await?)
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: KvEntryModel,
    ) -> Result<Option<KvEntryModel>, Diagnostics> {
        let address = current.address();
        let api = client.jetstream(address.domain.as_deref()).await?;
        match api.kv_get(&address.bucket, &address.key).await {
            Ok(Some(entry)) if entry.is_live() => {
                let value = String::from_utf8_lossy(&entry.value).into_owned();
                Ok(Some(KvEntryModel {
                    id: address.id().into(),
                    ..current.holding(value, entry.revision)
                }))
            }
            // Deleted, purged or never there.
            Ok(_) => Ok(None),
            Err(_) if bucket_is_gone(&api, &address.bucket).await => Ok(None),
            Err(error) => Err(failed("read", &current, error)),
        }
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: KvEntryModel,
        planned: KvEntryModel,
    ) -> Result<KvEntryModel, Failed<KvEntryModel>> {
        let api = client
            .jetstream(planned.address().domain.as_deref())
            .await?;
        Ok(write(&api, planned, false).await?)
    }

    async fn delete(&self, client: &NatsClient, prior: KvEntryModel) -> Result<(), Diagnostics> {
        let address = prior.address();
        let api = client.jetstream(address.domain.as_deref()).await?;
        match api.kv_delete(&address.bucket, &address.key).await {
            Ok(_) => Ok(()),
            Err(_) if bucket_is_gone(&api, &address.bucket).await => Ok(()),
            Err(error) => Err(failed("delete", &prior, error)),
        }
    }

    async fn import(&self, _client: &NatsClient, id: &str) -> Result<KvEntryModel, Diagnostics> {
        let address = EntryAddress::parse(id).map_err(|problem| {
            Diagnostics::from(Diagnostic::error(
                "Invalid import ID",
                format!(
                    "{problem}. Use BUCKET:KEY, DOMAIN:BUCKET:KEY or JETSTREAM_KV_BUCKET_ENTRY_KEY."
                ),
            ))
        })?;
        Ok(KvEntryModel {
            id: address.id().into(),
            domain: address.domain.into(),
            bucket: address.bucket.into(),
            key: address.key.into(),
            ..KvEntryModel::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(domain: Option<&str>, bucket: &str, key: &str) -> EntryAddress {
        EntryAddress {
            domain: domain.map(str::to_string),
            bucket: bucket.into(),
            key: key.into(),
        }
    }

    #[test]
    fn import_ids_in_every_accepted_form() {
        let plain = address(None, "config", "db.url");
        assert_eq!(EntryAddress::parse("config:db.url").unwrap(), plain);
        assert_eq!(
            EntryAddress::parse("JETSTREAM_KV_config_ENTRY_db.url").unwrap(),
            plain
        );
        let hub = address(Some("hub"), "config", "db.url");
        assert_eq!(EntryAddress::parse("hub:config:db.url").unwrap(), hub);
        assert_eq!(
            EntryAddress::parse("hub:JETSTREAM_KV_config_ENTRY_db.url").unwrap(),
            hub
        );
        assert_eq!(hub.id(), "hub:JETSTREAM_KV_config_ENTRY_db.url");
        assert_eq!(plain.id(), "JETSTREAM_KV_config_ENTRY_db.url");
        for bad in [
            "config",
            "config:",
            ":config:k",
            "a.b:k",
            "config:bad key",
            "a:b:c:d",
        ] {
            assert!(EntryAddress::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn read_values_go_where_the_model_keeps_them() {
        let plain = KvEntryModel {
            value: Field::Known("old".into()),
            ..KvEntryModel::default()
        }
        .holding("new".into(), 7);
        assert_eq!(
            (plain.value, plain.value_sensitive, plain.revision),
            (Field::Known("new".into()), Field::Null, Field::Known(7))
        );
        let imported = KvEntryModel::default().holding("secret".into(), 2);
        assert_eq!(imported.value, Field::Null);
        assert_eq!(imported.value_sensitive, Field::Known("secret".into()));
        assert!(!format!("{imported:?}").contains("secret"));
    }

    #[test]
    fn exactly_one_value_and_unknowns_wait() {
        let entry = |value: Field<String>, secret: Field<String>| KvEntryModel {
            value,
            value_sensitive: secret,
            ..KvEntryModel::default()
        };
        let text = || Field::Known("v".to_string());
        assert!(ONE_VALUE.run(&entry(text(), Field::Null)).is_empty());
        assert!(ONE_VALUE.run(&entry(Field::Null, text())).is_empty());
        assert!(ONE_VALUE
            .run(&entry(Field::Unknown, Field::Null))
            .is_empty());
        let both = ONE_VALUE.run(&entry(text(), text()));
        let neither = ONE_VALUE.run(&entry(Field::Null, Field::Null));
        for found in [both, neither] {
            let paths: Vec<String> = found
                .iter()
                .filter_map(|d| d.path.as_ref().map(ToString::to_string))
                .collect();
            assert_eq!(paths, ["value"]);
        }
    }
}
