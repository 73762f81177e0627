//! Taking over accounts that exist: from an nsc store (`nsc://OPERATOR/ACCOUNT`) or
//! from the servers' account resolver (by public key, with the provider's system
//! credentials), and listing them for `terraform query`. Every claim maps back to an
//! argument, so the imported JWT is kept until the configuration changes a claim.

use super::claims::account_body;
use super::schema::{
    AccountModel, ExportModel, ImportModel, JetStreamModel, LimitsModel, MappingModel,
    ScopedKeyModel,
};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::Value;
use crate::framework::Listed;
use crate::nats::claims::ClaimsApi;
use crate::nats::jwt::{
    self, Account, AccountClaims, AccountLimits, Claims, ExportType, JetStreamLimits, Operator,
    OperatorClaims, SigningKey, UserPermissionLimits,
};
use crate::nats::nsc::{find_account, NscEnv, NscUrl, Store};
use crate::provider::client::NatsClient;
use crate::provider::resources::auth_common::{
    check_public_key, format_duration_nanos, format_timestamp, KeyKind,
};
use crate::provider::resources::auth_import::{
    check_expressible, check_signed_by, jwt_failed, nsc_failed, open_store, require_system,
    trusted_operators,
};
use crate::provider::resources::auth_permissions::{non_empty, PermissionsModel, UserLimitsModel};

const WHAT: &str = "the account";

fn kind(kind: ExportType) -> Option<String> {
    Some(
        match kind {
            ExportType::Stream => "stream",
            ExportType::Service => "service",
        }
        .to_owned(),
    )
}

fn text(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

fn jetstream(limits: &JetStreamLimits) -> JetStreamModel {
    JetStreamModel {
        mem_storage: Some(limits.mem_storage),
        disk_storage: Some(limits.disk_storage),
        streams: Some(limits.streams),
        consumers: Some(limits.consumer),
        max_ack_pending: Some(limits.max_ack_pending),
        mem_max_stream_bytes: (limits.mem_max_stream_bytes != 0)
            .then_some(limits.mem_max_stream_bytes),
        disk_max_stream_bytes: (limits.disk_max_stream_bytes != 0)
            .then_some(limits.disk_max_stream_bytes),
        max_bytes_required: Some(limits.max_bytes_required),
    }
}

fn limits(l: &AccountLimits) -> Option<LimitsModel> {
    let defaults = AccountLimits::default();
    let unlimited = [
        l.conn, l.leaf, l.subs, l.data, l.payload, l.imports, l.exports,
    ] == [NO; 7]
        && l.wildcard_exports == defaults.wildcard_exports
        && l.disallow_bearer == defaults.disallow_bearer;
    (!unlimited).then_some(LimitsModel {
        connections: Some(l.conn),
        leaf_connections: Some(l.leaf),
        subscriptions: Some(l.subs),
        data: Some(l.data),
        payload: Some(l.payload),
        imports: Some(l.imports),
        exports: Some(l.exports),
        wildcard_exports: Some(l.wildcard_exports),
        disallow_bearer: Some(l.disallow_bearer),
    })
}

const NO: i64 = jwt::NO_LIMIT;

/// The arguments that state `claims`, as planning writes them (defaults filled in).
pub fn model_from_claims(claims: &AccountClaims, token: &str) -> AccountModel {
    let body: &Account = &claims.nats;
    let exports = body
        .exports
        .iter()
        .map(|e| {
            let sampling = e.latency.as_ref().and_then(|l| l.get("sampling"));
            ExportModel {
                name: text(&e.name),
                subject: e.subject.clone(),
                kind: kind(e.kind),
                token_required: Some(e.token_req),
                response_type: text(&e.response_type),
                response_threshold: (e.response_threshold != 0)
                    .then(|| format_duration_nanos(e.response_threshold)),
                latency_sampling: sampling.map(|s| match s.as_str() {
                    Some(text) => text.to_owned(),
                    None => s.to_string(),
                }),
                latency_subject: e
                    .latency
                    .as_ref()
                    .and_then(|l| l.get("results"))
                    .and_then(serde_json::Value::as_str)
                    .and_then(text),
                account_token_position: (e.account_token_position != 0)
                    .then_some(e.account_token_position),
                advertise: Some(e.advertise),
                description: text(&e.description),
                info_url: text(&e.info_url),
            }
        })
        .collect::<Vec<_>>();
    let imports = body
        .imports
        .iter()
        .map(|i| ImportModel {
            name: text(&i.name),
            subject: i.subject.clone(),
            account: i.account.clone(),
            token: text(&i.token),
            local_subject: text(&i.local_subject),
            kind: kind(i.kind),
            share: Some(i.share),
        })
        .collect::<Vec<_>>();
    let mut plain = Vec::new();
    let mut scoped = Vec::new();
    for key in &body.signing_keys {
        match key {
            SigningKey::Plain(key) => plain.push(key.clone()),
            SigningKey::Scoped(scope) => scoped.push(ScopedKeyModel {
                key: scope.key.clone(),
                role: text(&scope.role),
                description: text(&scope.description),
                template: (scope.template != UserPermissionLimits::default())
                    .then(|| UserLimitsModel::from_claims(&scope.template)),
            }),
        }
    }
    let mappings = body
        .mappings
        .iter()
        .flat_map(|(source, destinations)| {
            destinations.iter().map(move |d| MappingModel {
                source: source.clone(),
                destination: d.subject.clone(),
                weight: Some(if d.weight == 0 { 100 } else { d.weight.into() }),
                cluster: text(&d.cluster),
            })
        })
        .collect::<Vec<_>>();
    let tiers = &body.limits.tiered_jetstream;
    AccountModel {
        name: Some(claims.name.clone()),
        public_key: Some(claims.subject.clone()),
        issuer: Some(claims.issuer.clone()),
        description: text(&body.description),
        info_url: text(&body.info_url),
        tags: non_empty(&body.tags),
        expires: (claims.expires != 0).then(|| format_timestamp(claims.expires)),
        limits: limits(&body.limits),
        jetstream: (tiers.is_empty() && body.limits.jetstream.is_enabled())
            .then(|| jetstream(&body.limits.jetstream)),
        jetstream_tiers: (!tiers.is_empty()).then(|| {
            tiers
                .iter()
                .map(|(t, l)| (t.clone(), jetstream(l)))
                .collect()
        }),
        exports: (!exports.is_empty()).then_some(exports),
        imports: (!imports.is_empty()).then_some(imports),
        signing_keys: (!plain.is_empty()).then_some(plain),
        scoped_signing_keys: (!scoped.is_empty()).then_some(scoped),
        default_permissions: PermissionsModel::from_claims(&body.default_permissions),
        revocations: (!body.revocations.is_empty()).then(|| body.revocations.clone()),
        mappings: (!mappings.is_empty()).then_some(mappings),
        push: Some(true),
        jwt: Some(token.to_owned()),
        ..AccountModel::default()
    }
}

/// The model of an account JWT, refused when a claim has no argument.
pub fn checked_model(token: &str) -> Result<AccountModel, Diagnostics> {
    let claims = jwt::decode_as::<Account>(token).map_err(|e| jwt_failed(WHAT, e))?;
    let model = model_from_claims(&claims, token);
    let mut rebuilt = Claims::new(&claims.subject, &claims.name, account_body(&model));
    rebuilt.expires = claims.expires;
    check_expressible(WHAT, token, &rebuilt, |original| {
        // nats-io/jwt reads a missing mapping weight as 100.
        let mappings = original
            .pointer_mut("/nats/mappings")
            .and_then(|m| m.as_object_mut());
        for destination in mappings
            .into_iter()
            .flat_map(|m| m.values_mut())
            .filter_map(|d| d.as_array_mut())
            .flatten()
        {
            if let Some(d) = destination.as_object_mut() {
                d.entry("weight").or_insert(100.into());
            }
        }
    })?;
    Ok(model)
}

fn store_model(store: &Store, account: &str) -> Result<AccountModel, Diagnostics> {
    let token = store
        .account_jwt(account)
        .map_err(|e| nsc_failed(WHAT, e))?;
    let operator = store
        .operator_jwt()
        .map_err(|e| nsc_failed(WHAT, e))
        .and_then(|t| jwt::decode_as::<Operator>(&t).map_err(|e| jwt_failed(WHAT, e)))?;
    let model = checked_model(&token)?;
    check_signed_by(
        WHAT,
        model.issuer.as_deref().unwrap_or_default(),
        &[operator],
    )?;
    Ok(model)
}

async fn resolver_model(
    client: &NatsClient,
    public_key: &str,
    operators: &[OperatorClaims],
) -> Result<AccountModel, Diagnostics> {
    let system = require_system(client, "import the account from the resolver").await?;
    let token = ClaimsApi::new(&system)
        .lookup(public_key)
        .await
        .map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Cannot look the account up",
                e.to_string(),
            ))
        })?
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Cannot import the account",
                format!("The account resolver holds no account {public_key}."),
            ))
        })?;
    let model = checked_model(&token)?;
    check_signed_by(WHAT, model.issuer.as_deref().unwrap_or_default(), operators)?;
    Ok(model)
}

/// Import by ID: `nsc://OPERATOR/ACCOUNT[?store=..]` or the account's public key (from
/// the resolver).
pub async fn import(client: &NatsClient, id: &str) -> Result<AccountModel, Diagnostics> {
    if let Some(url) = NscUrl::parse(id) {
        let url = url.map_err(|e| nsc_failed(WHAT, e))?;
        let (Some(account), None) = (&url.account, &url.user) else {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} does not name an account: use nsc://OPERATOR/ACCOUNT."),
            )
            .into());
        };
        return store_model(&open_store(WHAT, &url)?, account);
    }
    check_public_key(id.trim(), KeyKind::Account).map_err(|problem| {
        Diagnostics::from(Diagnostic::error(
            "Invalid import ID",
            format!("The ID {problem}: use the account's public key (from the servers' resolver) or nsc://OPERATOR/ACCOUNT (from an nsc store)."),
        ))
    })?;
    resolver_model(client, id.trim(), &trusted_operators(client).await?).await
}

/// Import by identity (`public_key`): the resolver when the provider has system
/// credentials, otherwise the nsc store nsc itself would use.
pub async fn hydrate(client: &NatsClient, public_key: &str) -> Result<AccountModel, Diagnostics> {
    if client.system().await?.is_some() {
        return resolver_model(client, public_key, &trusted_operators(client).await?).await;
    }
    let dirs = NscEnv::current().dirs().map_err(|e| nsc_failed(WHAT, e))?;
    let found = find_account(&dirs.store_root, public_key)
        .map_err(|e| nsc_failed(WHAT, e))?
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Cannot import the account",
                format!(
                    "No account {public_key} in the nsc store {} (and the provider has no `system_credentials` to ask the resolver).",
                    dirs.store_root.display()
                ),
            ))
        })?;
    let store = Store::open(&dirs.store_root, &found.operator).map_err(|e| nsc_failed(WHAT, e))?;
    store_model(&store, found.account.as_deref().unwrap_or_default())
}

pub fn list_schema() -> Schema {
    Schema::new("Lists accounts: those of an nsc store's operator, or those the servers' account resolver holds.")
        .attribute(Attribute::string("operator").optional().description(
            "An operator of the nsc store (the one nsc itself uses: `$NSC_HOME`, XDG directories): list its accounts. Unset: list the resolver's accounts (needs `system_credentials` on the provider).",
        ))
}

pub async fn list(
    client: &NatsClient,
    config: &Value,
) -> Result<Vec<Listed<AccountModel>>, Diagnostics> {
    let models = match config.attr("operator").and_then(Value::as_str) {
        Some(operator) => {
            let dirs = NscEnv::current()
                .dirs()
                .map_err(|e| nsc_failed("the accounts", e))?;
            let store = Store::open(&dirs.store_root, operator)
                .map_err(|e| nsc_failed("the accounts", e))?;
            let names = store
                .accounts()
                .map_err(|e| nsc_failed("the accounts", e))?;
            names
                .iter()
                .map(|name| store_model(&store, name))
                .collect::<Result<Vec<_>, _>>()?
        }
        None => {
            let system = require_system(client, "list the resolver's accounts").await?;
            let replies = ClaimsApi::new(&system).list().await.map_err(|e| {
                Diagnostics::from(Diagnostic::error("Cannot list the accounts", e.to_string()))
            })?;
            let mut keys: Vec<String> = replies
                .into_iter()
                .filter_map(|r| r.data)
                .flatten()
                .collect();
            keys.sort();
            keys.dedup();
            let operators = trusted_operators(client).await?;
            let mut models = Vec::new();
            for key in keys {
                models.push(resolver_model(client, &key, &operators).await?);
            }
            models
        }
    };
    Ok(models
        .into_iter()
        .map(|model| Listed {
            display_name: model.name.clone().unwrap_or_default(),
            state: model,
        })
        .collect())
}
