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
mod push;
mod schema;

use super::auth_common::{
    any_changed, check_expiry, config_str, parse_timestamp, require_one_of, seed_public_key,
    signer, KeyKind,
};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::Schema;
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, PlanContext, Resource};
use crate::nats::jwt::{self, Claims};
use crate::nats::Secret;
use crate::provider::client::NatsClient;
pub use schema::AccountModel;

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

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        require_one_of(config, "issuer_seed", "issuer_seed_wo", diagnostics);
        claims::validate(config, diagnostics);
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        let issuer_seed =
            config_str(plan.config, "issuer_seed").or(config_str(plan.config, "issuer_seed_wo"));
        if let Some(Ok(issuer)) = issuer_seed.map(|s| seed_public_key(s, KeyKind::Operator)) {
            plan.set("issuer", Value::string(issuer));
        }
        if config_str(plan.config, "public_key").is_some() {
            plan.set("seed", Value::Null);
        }
        let drifted = !plan.is_create() && plan.prior.attr("jwt").is_none_or(Value::is_null);
        if plan.is_create() || drifted || any_changed(plan.planned(), plan.prior, CLAIM_ATTRIBUTES)
        {
            check_expiry(plan.config, plan.diagnostics);
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
}

/// Signs a fresh account JWT with the issuer seed.
fn issue(model: &mut AccountModel) -> Result<(), Diagnostic> {
    let (seed, attribute) = match (&model.issuer_seed_wo, &model.issuer_seed) {
        (Some(seed), _) => (seed.clone(), "issuer_seed_wo"),
        (None, Some(seed)) => (seed.clone(), "issuer_seed"),
        (None, None) => {
            return Err(Diagnostic::error(
                "Issuer seed needed",
                "Issuing the account JWT needs the operator's seed: set `issuer_seed` or `issuer_seed_wo`.",
            )
            .at(AttributePath::attr("issuer_seed")))
        }
    };
    let seed = Secret::new(seed);
    let key = signer(&seed, KeyKind::Operator).map_err(|problem| {
        Diagnostic::error("Invalid issuer seed", format!("The seed {problem}."))
            .at(AttributePath::attr(attribute))
    })?;
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
