//! The attributes of `nats_nkey_account`, as users write them, and the model they
//! read into.

use crate::framework::schema::{Attribute, Nesting, Schema};
use crate::framework::validators::{int_between, Each, OneOf};
use crate::nats::jwt::NO_LIMIT;
use crate::provider::resources::auth_common::{
    ACCOUNT_KEY, DURATION, OPERATOR_KEY, OPERATOR_SEED, TIMESTAMP,
};
use crate::provider::resources::auth_permissions::{
    permission_attributes, user_limit_attributes, PermissionsModel, UserLimitsModel,
};
use crate::provider::rules::SUBJECT;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// No `Debug`: it holds seeds.
#[derive(Default, Serialize, Deserialize)]
pub struct AccountModel {
    pub name: Option<String>,
    pub public_key: Option<String>,
    pub seed: Option<String>,
    pub issuer_seed: Option<String>,
    pub issuer_seed_wo: Option<String>,
    pub issuer: Option<String>,
    pub description: Option<String>,
    pub info_url: Option<String>,
    pub tags: Option<Vec<String>>,
    pub expires: Option<String>,
    pub limits: Option<LimitsModel>,
    pub jetstream: Option<JetStreamModel>,
    pub jetstream_tiers: Option<BTreeMap<String, JetStreamModel>>,
    pub exports: Option<Vec<ExportModel>>,
    pub imports: Option<Vec<ImportModel>>,
    pub signing_keys: Option<Vec<String>>,
    pub scoped_signing_keys: Option<Vec<ScopedKeyModel>>,
    pub default_permissions: Option<PermissionsModel>,
    pub revocations: Option<BTreeMap<String, i64>>,
    pub mappings: Option<Vec<MappingModel>>,
    pub push: Option<bool>,
    pub jwt: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct LimitsModel {
    pub connections: Option<i64>,
    pub leaf_connections: Option<i64>,
    pub subscriptions: Option<i64>,
    pub data: Option<i64>,
    pub payload: Option<i64>,
    pub imports: Option<i64>,
    pub exports: Option<i64>,
    pub wildcard_exports: Option<bool>,
    pub disallow_bearer: Option<bool>,
}

#[derive(Default, Clone, Serialize, Deserialize)]
pub struct JetStreamModel {
    pub mem_storage: Option<i64>,
    pub disk_storage: Option<i64>,
    pub streams: Option<i64>,
    pub consumers: Option<i64>,
    pub max_ack_pending: Option<i64>,
    pub mem_max_stream_bytes: Option<i64>,
    pub disk_max_stream_bytes: Option<i64>,
    pub max_bytes_required: Option<bool>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct ExportModel {
    pub name: Option<String>,
    pub subject: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub token_required: Option<bool>,
    pub response_type: Option<String>,
    pub response_threshold: Option<String>,
    pub latency_sampling: Option<String>,
    pub latency_subject: Option<String>,
    pub account_token_position: Option<u32>,
    pub advertise: Option<bool>,
    pub description: Option<String>,
    pub info_url: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct ImportModel {
    pub name: Option<String>,
    pub subject: String,
    pub account: String,
    pub token: Option<String>,
    pub local_subject: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub share: Option<bool>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct ScopedKeyModel {
    pub key: String,
    pub role: Option<String>,
    pub description: Option<String>,
    pub template: Option<UserLimitsModel>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct MappingModel {
    pub source: String,
    pub destination: String,
    pub weight: Option<i64>,
    pub cluster: Option<String>,
}

fn limit(name: &str, text: &str) -> Attribute {
    Attribute::number(name)
        .default(NO_LIMIT)
        .description(format!("{text} `-1` is unlimited; `0` allows none."))
}

fn jetstream_attributes() -> Vec<Attribute> {
    let optional = |name: &str, text: &str| Attribute::number(name).optional().description(text);
    vec![
        limit("mem_storage", "Bytes of memory storage."),
        limit("disk_storage", "Bytes of file storage."),
        limit("streams", "Streams."),
        limit("consumers", "Consumers."),
        limit(
            "max_ack_pending",
            "Outstanding acknowledgements per consumer.",
        ),
        optional(
            "mem_max_stream_bytes",
            "Largest memory stream, in bytes (unset: no per-stream cap).",
        ),
        optional(
            "disk_max_stream_bytes",
            "Largest file stream, in bytes (unset: no per-stream cap).",
        ),
        Attribute::bool("max_bytes_required")
            .default(false)
            .description("Streams must declare `max_bytes`."),
    ]
}

pub fn schema() -> Schema {
    let text = |name: &str, doc: &str| Attribute::string(name).optional().description(doc);
    Schema::new(
        "An account JWT, signed by the operator (or one of its signing keys). Offline by default; \
         with `system_credentials` on the provider it is also pushed to the servers' account \
         resolver, checked there on refresh, and deleted from it on destroy.",
    )
    .attribute(Attribute::string("name").required().description("The account's name."))
    .attribute(
        Attribute::string("public_key")
            .optional()
            .computed()
            .use_state_for_unknown()
            .requires_replace()
            .validate(ACCOUNT_KEY)
            .description("The account's public key (`A...`), e.g. a `nats_nkey`'s. Generated (with `seed`) when unset."),
    )
    .attribute(
        Attribute::string("seed")
            .computed()
            .sensitive()
            .use_state_for_unknown()
            .description("The generated account seed (`SA...`), to sign users with. Null when `public_key` is given."),
    )
    .attribute(
        Attribute::string("issuer_seed")
            .optional()
            .sensitive()
            .validate(OPERATOR_SEED)
            .description("Seed of the operator or of one of its signing keys, which signs this JWT. Also needed to delete the account from a resolver on destroy."),
    )
    .attribute(
        Attribute::string("issuer_seed_wo")
            .optional()
            .sensitive()
            .write_only()
            .validate(OPERATOR_SEED)
            .description("Like `issuer_seed`, write-only: never stored (Terraform >= 1.11). Destroy cannot then delete the account from a resolver."),
    )
    .attribute(
        Attribute::string("issuer")
            .optional()
            .computed()
            .validate(OPERATOR_KEY)
            .description("Public key (`O...`) of the operator or operator signing key that signs the JWT; known at plan time. Derived from the issuer seed when one is set; set it alone to sign with that key's seed from the nsc keystore (`$NKEYS_PATH`, else nsc's default), as after an import."),
    )
    .attribute(text("description", "A description stored in the JWT."))
    .attribute(text("info_url", "A link to more information, stored in the JWT."))
    .attribute(Attribute::string_list("tags").optional().description("Tags stored in the JWT."))
    .attribute(
        Attribute::string("expires")
            .optional()
            .validate(TIMESTAMP)
            .description("When the JWT expires (RFC 3339). Unset: never."),
    )
    .attribute(
        Attribute::nested(
            "limits",
            Nesting::Single,
            vec![
                limit("connections", "Client connections."),
                limit("leaf_connections", "Leaf node connections."),
                limit("subscriptions", "Subscriptions."),
                limit("data", "Bytes in flight."),
                limit("payload", "Largest message payload, in bytes."),
                limit("imports", "Imports."),
                limit("exports", "Exports."),
                Attribute::bool("wildcard_exports").default(true).description("Exports may use wildcards."),
                Attribute::bool("disallow_bearer").default(false).description("Refuse users whose JWT is a bearer token."),
            ],
        )
        .optional()
        .description("Account limits. Unset (or any unset limit): unlimited."),
    )
    .attribute(
        Attribute::nested("jetstream", Nesting::Single, jetstream_attributes())
            .optional()
            .description("JetStream limits for the whole account; JetStream is enabled exactly when this (or `jetstream_tiers`) is set. Unset limits inside are unlimited."),
    )
    .attribute(
        Attribute::nested("jetstream_tiers", Nesting::Map, jetstream_attributes())
            .optional()
            .description("JetStream limits per replica count, keyed `R1`, `R3`, ...; instead of `jetstream`."),
    )
    .attribute(
        Attribute::nested("exports", Nesting::List, vec![
            text("name", "A name for the export."),
            Attribute::string("subject").required().validate(SUBJECT).description("The exported subject."),
            Attribute::string("type").default("stream").validate(OneOf(&["stream", "service"])).description("`stream` (messages) or `service` (requests)."),
            Attribute::bool("token_required").default(false).description("Importers need an activation token."),
            Attribute::string("response_type").optional().validate(OneOf(&["Singleton", "Stream", "Chunked"])).description("Services only: how many responses a request gets (default `Singleton`)."),
            Attribute::string("response_threshold").optional().validate(DURATION).description("Services only: how long responses may take."),
            Attribute::string("latency_sampling").optional().description("Services only: sample latency of this percentage (`1`..`100`) of requests, or `headers`."),
            Attribute::string("latency_subject").optional().validate(SUBJECT).description("Services only: where latency samples are published."),
            Attribute::number("account_token_position").optional().description("Position of the importing account's key in the subject (wildcard exports with tokens)."),
            Attribute::bool("advertise").default(false).description("Advertise the export."),
            text("description", "A description."),
            text("info_url", "A link to more information."),
        ])
        .optional()
        .description("Subjects this account offers to other accounts."),
    )
    .attribute(
        Attribute::nested("imports", Nesting::List, vec![
            text("name", "A name for the import."),
            Attribute::string("subject").required().validate(SUBJECT).description("The subject as the exporting account names it."),
            Attribute::string("account").required().validate(ACCOUNT_KEY).description("Public key of the exporting account."),
            text("token", "Activation token, when the export requires one."),
            Attribute::string("local_subject").optional().validate(SUBJECT).description("The subject in this account (default: the same)."),
            Attribute::string("type").default("stream").validate(OneOf(&["stream", "service"])).description("`stream` or `service`, as exported."),
            Attribute::bool("share").default(false).description("Services: share the requester's latency information."),
        ])
        .optional()
        .description("Subjects taken from other accounts' exports."),
    )
    .attribute(
        Attribute::string_set("signing_keys")
            .optional()
            .validate(Each(ACCOUNT_KEY))
            .description("Account signing keys (`A...` public keys) that may sign users."),
    )
    .attribute(
        Attribute::nested("scoped_signing_keys", Nesting::List, vec![
            Attribute::string("key").required().validate(ACCOUNT_KEY).description("The signing key (`A...` public key)."),
            text("role", "A role name for the scope."),
            text("description", "A description."),
            Attribute::nested("template", Nesting::Single, user_limit_attributes("users signed by this key"))
                .optional()
                .description("What users signed by this key may do; such users carry no permissions of their own."),
        ])
        .optional()
        .description("Signing keys whose users get the key's permissions and limits."),
    )
    .attribute(
        Attribute::nested("default_permissions", Nesting::Single, permission_attributes("users without their own permissions"))
            .optional()
            .description("Permissions for users whose JWT sets none."),
    )
    .attribute(
        Attribute::new("revocations", crate::framework::value::Type::map(crate::framework::value::Type::Number))
            .optional()
            .description("User public key (or `*` for all) -> unix time: user JWTs issued before it are revoked."),
    )
    .attribute(
        Attribute::nested("mappings", Nesting::List, vec![
            Attribute::string("source").required().validate(SUBJECT).description("The subject published to."),
            Attribute::string("destination").required().description("Where messages go instead (may use `{{wildcard(1)}}` etc.)."),
            Attribute::number("weight").default(100).validate(int_between(1, 100)).description("Percentage of messages sent to this destination."),
            text("cluster", "Apply only in this cluster."),
        ])
        .optional()
        .description("Subject mappings; destinations of one source must weigh 100 or less together."),
    )
    .attribute(
        Attribute::bool("push")
            .default(true)
            .description("With `system_credentials` on the provider: push the JWT to the account resolver, check it on refresh and delete it on destroy. Without them nothing is sent."),
    )
    .attribute(Attribute::string("jwt").computed().description("The account JWT. Re-issued only when a claim changes."))
}
