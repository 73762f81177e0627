//! The claim bodies (`nats` object) of operator, account, user and activation JWTs,
//! with the JSON field names nats-server reads.
//!
//! Empty values are omitted on the wire, as nats-io/jwt does: a missing number means
//! `0` to the server, so "unlimited" must be written as `-1`. The `Default`s here
//! therefore start unlimited where `0` would silently block (connections, leaf nodes,
//! subscriptions), and keep JetStream off until storage is granted.
//!
//! `type` and `version` are not fields here: [`super::encode`] stamps them from the
//! Rust type, so a body can never claim to be something it is not.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Unlimited, for every `-1`-means-unlimited limit.
pub const NO_LIMIT: i64 = -1;

fn is_zero(value: &i64) -> bool {
    *value == 0
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// The kind of a claim, as written in `nats.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClaimType {
    Operator,
    Account,
    User,
    Activation,
    /// A claim whose `nats` object the caller writes by hand (e.g. a claims delete
    /// request); no `type`/`version` is stamped.
    Generic,
}

impl ClaimType {
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimType::Operator => "operator",
            ClaimType::Account => "account",
            ClaimType::User => "user",
            ClaimType::Activation => "activation",
            ClaimType::Generic => "generic",
        }
    }
}

impl std::fmt::Display for ClaimType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The operator's `nats` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Operator {
    /// Operator keys (`O...`) allowed to sign accounts besides the operator itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_keys: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account_server_url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_service_urls: Vec<String>,
    /// Public key (`A...`) of the system account.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub system_account: String,
    /// Oldest nats-server version (`major.minor.patch`) allowed to load this operator.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub assert_server_version: String,
    /// Accounts and users must then be signed by signing keys, not identity keys.
    #[serde(default, skip_serializing_if = "is_false")]
    pub strict_signing_key_usage: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// An account's `nats` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Account {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub imports: Vec<Import>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<Export>,
    #[serde(default)]
    pub limits: AccountLimits,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_keys: Vec<SigningKey>,
    /// Public key (or `*`) -> unix time: JWTs of that key issued before it are revoked.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub revocations: BTreeMap<String, i64>,
    #[serde(default, skip_serializing_if = "Permissions::is_empty")]
    pub default_permissions: Permissions,
    /// Subject -> weighted destinations.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mappings: BTreeMap<String, Vec<WeightedMapping>>,
    #[serde(default, skip_serializing_if = "ExternalAuthorization::is_empty")]
    pub authorization: ExternalAuthorization,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster_traffic: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub info_url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// An account's limits. On the wire these are ONE flat object (NATS, account and
/// JetStream limits side by side) plus `tiered_limits`; here JetStream is grouped so the
/// same type serves the per-tier limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(from = "LimitsWire", into = "LimitsWire")]
pub struct AccountLimits {
    pub subs: i64,
    /// Bytes in flight.
    pub data: i64,
    pub payload: i64,
    pub imports: i64,
    pub exports: i64,
    pub wildcard_exports: bool,
    /// Refuse user JWTs marked `bearer_token`.
    pub disallow_bearer: bool,
    /// Client connections; `0` blocks every client.
    pub conn: i64,
    /// Leaf node connections; `0` blocks every leaf node.
    pub leaf: i64,
    /// JetStream for the whole account. Exclusive with `tiered_jetstream`.
    pub jetstream: JetStreamLimits,
    /// JetStream per replica tier (`"R1"`, `"R3"`, ...).
    pub tiered_jetstream: BTreeMap<String, JetStreamLimits>,
}

impl Default for AccountLimits {
    /// Unlimited connections, leaf nodes, subscriptions, data, imports and exports
    /// (wildcard exports allowed), as `nsc add account` does; JetStream off.
    fn default() -> Self {
        AccountLimits {
            subs: NO_LIMIT,
            data: NO_LIMIT,
            payload: NO_LIMIT,
            imports: NO_LIMIT,
            exports: NO_LIMIT,
            wildcard_exports: true,
            disallow_bearer: false,
            conn: NO_LIMIT,
            leaf: NO_LIMIT,
            jetstream: JetStreamLimits::default(),
            tiered_jetstream: BTreeMap::new(),
        }
    }
}

impl AccountLimits {
    /// Whether the server will enable JetStream for the account.
    pub fn jetstream_enabled(&self) -> bool {
        self.jetstream.is_enabled() || self.tiered_jetstream.values().any(|t| t.is_enabled())
    }
}

/// JetStream limits; `Default` is all zero, which means JetStream disabled.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JetStreamLimits {
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mem_storage: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disk_storage: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub streams: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub consumer: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_ack_pending: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub mem_max_stream_bytes: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disk_max_stream_bytes: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    pub max_bytes_required: bool,
}

impl JetStreamLimits {
    /// Unlimited memory, disk, streams and consumers.
    pub fn unlimited() -> Self {
        JetStreamLimits {
            mem_storage: NO_LIMIT,
            disk_storage: NO_LIMIT,
            streams: NO_LIMIT,
            consumer: NO_LIMIT,
            ..Default::default()
        }
    }

    /// The server turns JetStream on only when some storage is granted.
    pub fn is_enabled(&self) -> bool {
        self.mem_storage != 0 || self.disk_storage != 0
    }
}

/// The flat wire shape of [`AccountLimits`]; a missing field is `0`.
#[derive(Clone, Default, Serialize, Deserialize)]
struct LimitsWire {
    #[serde(default, skip_serializing_if = "is_zero")]
    subs: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    data: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    payload: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    imports: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    exports: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    wildcards: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    disallow_bearer: bool,
    #[serde(default, skip_serializing_if = "is_zero")]
    conn: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    leaf: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    mem_storage: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    disk_storage: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    streams: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    consumer: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    max_ack_pending: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    mem_max_stream_bytes: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    disk_max_stream_bytes: i64,
    #[serde(default, skip_serializing_if = "is_false")]
    max_bytes_required: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    tiered_limits: BTreeMap<String, JetStreamLimits>,
}

impl From<LimitsWire> for AccountLimits {
    fn from(w: LimitsWire) -> Self {
        AccountLimits {
            subs: w.subs,
            data: w.data,
            payload: w.payload,
            imports: w.imports,
            exports: w.exports,
            wildcard_exports: w.wildcards,
            disallow_bearer: w.disallow_bearer,
            conn: w.conn,
            leaf: w.leaf,
            jetstream: JetStreamLimits {
                mem_storage: w.mem_storage,
                disk_storage: w.disk_storage,
                streams: w.streams,
                consumer: w.consumer,
                max_ack_pending: w.max_ack_pending,
                mem_max_stream_bytes: w.mem_max_stream_bytes,
                disk_max_stream_bytes: w.disk_max_stream_bytes,
                max_bytes_required: w.max_bytes_required,
            },
            tiered_jetstream: w.tiered_limits,
        }
    }
}

impl From<AccountLimits> for LimitsWire {
    fn from(l: AccountLimits) -> Self {
        let js = l.jetstream;
        LimitsWire {
            subs: l.subs,
            data: l.data,
            payload: l.payload,
            imports: l.imports,
            exports: l.exports,
            wildcards: l.wildcard_exports,
            disallow_bearer: l.disallow_bearer,
            conn: l.conn,
            leaf: l.leaf,
            mem_storage: js.mem_storage,
            disk_storage: js.disk_storage,
            streams: js.streams,
            consumer: js.consumer,
            max_ack_pending: js.max_ack_pending,
            mem_max_stream_bytes: js.mem_max_stream_bytes,
            disk_max_stream_bytes: js.disk_max_stream_bytes,
            max_bytes_required: js.max_bytes_required,
            tiered_limits: l.tiered_jetstream,
        }
    }
}

/// Whether an export/import carries messages (`stream`) or requests (`service`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportType {
    #[default]
    Stream,
    Service,
}

/// A subject an account offers to others.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Export {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    #[serde(rename = "type", default)]
    pub kind: ExportType,
    /// Importers need an activation token.
    #[serde(default, skip_serializing_if = "is_false")]
    pub token_req: bool,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub revocations: BTreeMap<String, i64>,
    /// Services only: `Singleton` (default), `Stream` or `Chunked`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub response_type: String,
    /// Services only, nanoseconds.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub response_threshold: i64,
    /// Passed through as written (its `sampling` may be a number or `"headers"`).
    #[serde(
        rename = "service_latency",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub latency: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "is_zero_u32")]
    pub account_token_position: u32,
    #[serde(default, skip_serializing_if = "is_false")]
    pub advertise: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_trace: bool,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub info_url: String,
}

fn is_zero_u32(value: &u32) -> bool {
    *value == 0
}

/// A subject an account takes from another account's export.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Import {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// The subject as the exporter names it.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    /// Public key of the exporting account.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account: String,
    /// Activation JWT when the export requires one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub token: String,
    /// Deprecated by `local_subject`; kept so old JWTs read back unchanged.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub local_subject: String,
    #[serde(rename = "type", default)]
    pub kind: ExportType,
    #[serde(default, skip_serializing_if = "is_false")]
    pub share: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    pub allow_trace: bool,
}

/// Allowed and denied subjects for publishing or subscribing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deny: Vec<String>,
}

impl Permission {
    pub fn is_empty(&self) -> bool {
        self.allow.is_empty() && self.deny.is_empty()
    }
}

/// Lets a client publish to reply subjects of requests it received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsePermission {
    /// Replies allowed per request.
    #[serde(default)]
    pub max: i64,
    /// How long the permission lasts, nanoseconds.
    #[serde(default)]
    pub ttl: i64,
}

/// Publish/subscribe permissions (an account's `default_permissions`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permissions {
    #[serde(rename = "pub", default, skip_serializing_if = "Permission::is_empty")]
    pub publish: Permission,
    #[serde(rename = "sub", default, skip_serializing_if = "Permission::is_empty")]
    pub subscribe: Permission,
    #[serde(rename = "resp", default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponsePermission>,
}

impl Permissions {
    pub fn is_empty(&self) -> bool {
        self.publish.is_empty() && self.subscribe.is_empty() && self.response.is_none()
    }
}

/// One destination of a subject mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeightedMapping {
    pub subject: String,
    /// Percent; `0` on the wire means 100.
    #[serde(default, skip_serializing_if = "is_zero_u8")]
    pub weight: u8,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster: String,
}

fn is_zero_u8(value: &u8) -> bool {
    *value == 0
}

/// Auth callout: the users that run the service and the accounts it may place users in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExternalAuthorization {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_users: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_accounts: Vec<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub xkey: String,
}

impl ExternalAuthorization {
    pub fn is_empty(&self) -> bool {
        self.auth_users.is_empty() && self.allowed_accounts.is_empty() && self.xkey.is_empty()
    }
}

/// An account signing key: plain, or scoped (users it signs get the template's
/// permissions and limits, and must carry none of their own).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SigningKey {
    Plain(String),
    Scoped(Box<UserScope>),
}

impl SigningKey {
    pub fn key(&self) -> &str {
        match self {
            SigningKey::Plain(key) => key,
            SigningKey::Scoped(scope) => &scope.key,
        }
    }
}

/// The only scope kind nats-server knows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScopeKind {
    #[default]
    #[serde(rename = "user_scope")]
    UserScope,
}

/// A scoped signing key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserScope {
    #[serde(default)]
    pub kind: ScopeKind,
    /// The signing key (`A...`).
    pub key: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub template: UserPermissionLimits,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// What a user may do: permissions, connection limits and allowed connection types.
/// Used flat inside a user's `nats` object and as a scoped key's `template`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserPermissionLimits {
    #[serde(rename = "pub", default, skip_serializing_if = "Permission::is_empty")]
    pub publish: Permission,
    #[serde(rename = "sub", default, skip_serializing_if = "Permission::is_empty")]
    pub subscribe: Permission,
    #[serde(rename = "resp", default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponsePermission>,
    /// CIDRs the user may connect from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub src: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<TimeRange>,
    /// IANA time zone of `times`.
    #[serde(
        rename = "times_location",
        default,
        skip_serializing_if = "String::is_empty"
    )]
    pub times_location: String,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub subs: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub data: i64,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub payload: i64,
    /// Connect with the JWT alone, without proving the seed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub bearer_token: bool,
    /// `STANDARD`, `WEBSOCKET`, `LEAFNODE`, `LEAFNODE_WS`, `MQTT`, `MQTT_WS`, `IN_PROCESS`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_connection_types: Vec<String>,
}

impl Default for UserPermissionLimits {
    /// No restrictions: unlimited subscriptions, data and payload.
    fn default() -> Self {
        UserPermissionLimits::with_limits(NO_LIMIT)
    }
}

impl UserPermissionLimits {
    fn with_limits(limit: i64) -> Self {
        UserPermissionLimits {
            publish: Permission::default(),
            subscribe: Permission::default(),
            response: None,
            src: Vec::new(),
            times: Vec::new(),
            times_location: String::new(),
            subs: limit,
            data: limit,
            payload: limit,
            bearer_token: false,
            allowed_connection_types: Vec::new(),
        }
    }
}

/// A daily window (`HH:MM:SS`) in which the user may connect.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeRange {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub start: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub end: String,
}

/// A user's `nats` object.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// Unused (and must stay empty) when a scoped signing key signs the user.
    #[serde(flatten)]
    pub limits: UserPermissionLimits,
    /// The account's identity key when a signing key, not the account, signs the user.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer_account: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

impl User {
    /// A user signed by a scoped signing key of `account`: its permissions and
    /// limits come from the scope, so it must carry none (not even `-1`s).
    pub fn scoped(account: impl Into<String>) -> Self {
        User {
            limits: UserPermissionLimits::with_limits(0),
            issuer_account: account.into(),
            tags: Vec::new(),
        }
    }
}

/// An activation's `nats` object: grants one account the import of an export that
/// requires a token.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Activation {
    /// The exported subject being granted.
    #[serde(rename = "subject", default, skip_serializing_if = "String::is_empty")]
    pub import_subject: String,
    #[serde(rename = "kind", default)]
    pub import_type: ExportType,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issuer_account: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}
