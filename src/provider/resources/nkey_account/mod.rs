//! # Resource `nats_nkey_account`
//!
//! An account JWT with every claim nats-server reads: limits (unset means unlimited,
//! never the `0` that blocks), JetStream limits flat or per replica tier, exports and
//! imports, signing keys (plain or scoped with a user template), default permissions,
//! revocations and subject mappings. It is signed by the operator's seed or one of the
//! operator's signing keys, given as `issuer_seed` or write-only as `issuer_seed_wo`.
//!
//! Offline it only issues the JWT (for `resolver_preload` or a config file). When the
//! provider instance has `system_credentials` (and `push` is left on), the JWT is also
//! pushed to every server of the account resolver with `$SYS.REQ.CLAIMS.UPDATE`;
//! refresh looks it up there and treats a missing or different JWT as drift; destroy
//! deletes it where the resolver allows deletes.
//!
//! The JWT is issued at create and re-issued only when a claim changes, so re-applying
//! an unchanged configuration changes nothing.

mod claims;
mod import;
mod push;
mod rules;
mod schema;

use super::auth_common::{any_changed, check_expiry, parse_timestamp, KeyKind};
use super::auth_signer::{check_signer_available, plan_issuer, signing_key, validate_signer};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{IdentityAttribute, IdentitySchema, Schema};
use crate::framework::value::{AttributePath, Type, Value};
use crate::framework::{Failed, Listed, PlanContext, Resource};
use crate::nats::jwt::{self, Claims};
use crate::provider::client::NatsClient;
pub use schema::AccountModel;

/// Accounts are identified by their public key wherever they live.
pub fn public_key_identity(what: &'static str) -> IdentitySchema {
    IdentitySchema {
        version: 0,
        attributes: vec![IdentityAttribute {
            name: "public_key",
            ty: Type::String,
            required_for_import: true,
            description: what,
        }],
    }
}

pub struct NkeyAccountResource;

/// The attributes that end up inside the account JWT.
const CLAIM_ATTRIBUTES: &[&str] = &[
    "name",
    "public_key",
    "issuer",
    "description",
    "info_url",
    "tags",
    "expires",
    "limits",
    "jetstream",
    "jetstream_tiers",
    "exports",
    "imports",
    "signing_keys",
    "scoped_signing_keys",
    "default_permissions",
    "revocations",
    "mappings",
];

impl Resource for NkeyAccountResource {
    type Client = NatsClient;
    type Model = AccountModel;

    fn type_name(&self) -> &'static str {
        "nats_nkey_account"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(public_key_identity("The account's public key (`A...`)."))
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate_signer(config, diagnostics);
        claims::validate(config, diagnostics);
        rules::validate(config, diagnostics);
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        if plan.planned().is_null() {
            return;
        }
        plan_issuer(plan, KeyKind::Operator);
        // A configured key (even one known only after apply) is not generated here:
        // no seed, known at plan time, so references to it fail early.
        let key_given = plan.config.attr("public_key").is_some_and(|v| !v.is_null());
        if key_given {
            plan.set("seed", Value::Null);
        }
        let drifted = !plan.is_create() && plan.prior.attr("jwt").is_none_or(Value::is_null);
        if plan.is_create() || drifted || any_changed(plan.planned(), plan.prior, CLAIM_ATTRIBUTES)
        {
            check_expiry(plan.config, plan.diagnostics);
            check_signer_available(plan, "operator");
            plan.set("jwt", Value::Unknown);
        } else {
            let prior_jwt = plan.prior.attr("jwt").cloned().unwrap_or(Value::Null);
            plan.set("jwt", prior_jwt);
        }
    }

    async fn create(
        &self,
        client: &NatsClient,
        mut planned: AccountModel,
    ) -> Result<AccountModel, Failed<AccountModel>> {
        if planned.public_key.is_none() {
            let (public_key, seed) = KeyKind::Account
                .generate()
                .map_err(|problem| Diagnostic::error("Cannot generate the account key", problem))?;
            planned.public_key = Some(public_key);
            planned.seed = Some(seed.expose().to_owned());
        }
        issue(&mut planned)?;
        if let Err(diagnostics) = push::publish(client, &planned).await {
            return Err(Failed {
                diagnostics,
                state: Some(planned),
            });
        }
        Ok(planned)
    }

    async fn read(
        &self,
        client: &NatsClient,
        mut current: AccountModel,
    ) -> Result<Option<AccountModel>, Diagnostics> {
        // Imported by identity: only the public key is known yet.
        if current.name.is_none() {
            let public_key = current.public_key.clone().unwrap_or_default();
            return import::hydrate(client, &public_key).await.map(Some);
        }
        if !push::matches_resolver(client, &current).await? {
            // Planned as drift: the next apply issues and pushes a fresh JWT.
            current.jwt = None;
        }
        Ok(Some(current))
    }

    async fn update(
        &self,
        client: &NatsClient,
        _prior: AccountModel,
        mut planned: AccountModel,
    ) -> Result<AccountModel, Failed<AccountModel>> {
        if planned.jwt.is_none() {
            issue(&mut planned)?;
            if let Err(diagnostics) = push::publish(client, &planned).await {
                // Not confirmed by the resolver: keep it planned as drift.
                planned.jwt = None;
                planned.issuer_seed_wo = None;
                return Err(Failed {
                    diagnostics,
                    state: Some(planned),
                });
            }
        }
        planned.issuer_seed_wo = None;
        Ok(planned)
    }

    async fn delete(&self, client: &NatsClient, prior: AccountModel) -> Result<(), Diagnostics> {
        push::remove(client, &prior).await
    }

    /// `nsc://OPERATOR/ACCOUNT` (an nsc store) or the account's public key (the
    /// servers' resolver, with the provider's system credentials).
    async fn import(&self, client: &NatsClient, id: &str) -> Result<AccountModel, Diagnostics> {
        import::import(client, id).await
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(import::list_schema())
    }

    async fn list(
        &self,
        client: &NatsClient,
        config: &Value,
    ) -> Result<Vec<Listed<AccountModel>>, Diagnostics> {
        import::list(client, config).await
    }
}

/// Signs a fresh account JWT with the issuer's seed.
fn issue(model: &mut AccountModel) -> Result<(), Diagnostic> {
    let key = signing_key(
        model.issuer_seed_wo.as_deref(),
        model.issuer_seed.as_deref(),
        model.issuer.as_deref(),
        KeyKind::Operator,
        "operator",
    )?;
    let public_key = model.public_key.clone().unwrap_or_default();
    let mut claims = Claims::new(
        public_key,
        model.name.clone().unwrap_or_default(),
        claims::account_body(model),
    );
    if let Some(expires) = &model.expires {
        claims.expires = parse_timestamp(expires).map_err(|problem| {
            Diagnostic::error("Invalid expiry", problem).at(AttributePath::attr("expires"))
        })?;
    }
    let token = jwt::encode(&claims, &key)
        .map_err(|e| Diagnostic::error("Cannot issue the account JWT", e.to_string()))?;
    model.issuer = Some(key.public_key());
    model.jwt = Some(token);
    Ok(())
}
