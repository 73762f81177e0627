//! # Resource `nats_nkey_operator`
//!
//! An operator: the root of trust of a NATS deployment in operator mode. It issues a
//! self-signed operator JWT and renders `server_config`, the nats-server configuration
//! fragment (operator JWT, system account, account resolver and preloaded account JWTs)
//! a server needs to trust it.
//!
//! The operator's key comes from `seed` (e.g. a `nats_nkey`'s), from the write-only
//! `seed_wo`, or is generated. Accounts are signed with the operator's seed (or one of
//! its signing keys), so to preload accounts into `server_config` without a dependency
//! cycle, create the operator and system account keys as `nats_nkey` resources first.
//!
//! The JWT is issued at create and re-issued only when a claim changes; changing only
//! the resolver settings or the preloaded JWTs re-renders `server_config` alone.

mod import;
mod rules;

use super::auth_common::{
    any_changed, check_expiry, config_str, inspect_seed, parse_timestamp, seed_public_key, signer,
    KeyKind, ACCOUNT_KEY, OPERATOR_KEY, OPERATOR_SEED, TIMESTAMP,
};
use super::auth_import::keystore_seed;
use super::nkey_account::public_key_identity;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Nesting, Schema};
use crate::framework::validators::{Each, OneOf};
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, PlanContext, Resource};
use crate::nats::jwt::{self, AccountClaims, Claims, Operator};
use crate::nats::Secret;
use crate::provider::client::NatsClient;
use serde::{Deserialize, Serialize};

pub struct NkeyOperatorResource;

/// No `Debug`: it holds a seed.
#[derive(Default, Serialize, Deserialize)]
pub struct OperatorModel {
    name: Option<String>,
    seed: Option<String>,
    seed_wo: Option<String>,
    seed_wo_version: Option<i64>,
    public_key: Option<String>,
    signing_keys: Option<Vec<String>>,
    system_account: Option<String>,
    account_server_url: Option<String>,
    operator_service_urls: Option<Vec<String>>,
    strict_signing_key_usage: Option<bool>,
    assert_server_version: Option<String>,
    tags: Option<Vec<String>>,
    expires: Option<String>,
    resolver: Option<ResolverModel>,
    resolver_preload: Option<Vec<String>>,
    jwt: Option<String>,
    server_config: Option<String>,
}

#[derive(Default, Serialize, Deserialize)]
pub struct ResolverModel {
    #[serde(rename = "type")]
    kind: Option<String>,
    dir: Option<String>,
    allow_delete: Option<bool>,
}

/// The attributes that end up inside the operator JWT.
const CLAIM_ATTRIBUTES: &[&str] = &[
    "name",
    "public_key",
    "signing_keys",
    "system_account",
    "account_server_url",
    "operator_service_urls",
    "strict_signing_key_usage",
    "assert_server_version",
    "tags",
    "expires",
];

impl Resource for NkeyOperatorResource {
    type Client = NatsClient;
    type Model = OperatorModel;

    fn type_name(&self) -> &'static str {
        "nats_nkey_operator"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An operator JWT and the nats-server configuration that trusts it. Works offline: \
             nothing is sent to a server.",
        )
        .attribute(Attribute::string("name").required().description("The operator's name."))
        .attribute(
            Attribute::string("seed")
                .optional()
                .computed()
                .sensitive()
                .use_state_for_unknown()
                .validate(OPERATOR_SEED)
                .description("The operator's identity seed (`SO...`), e.g. a `nats_nkey`'s. Generated when neither this nor `seed_wo` is set."),
        )
        .attribute(
            Attribute::string("seed_wo")
                .optional()
                .sensitive()
                .write_only()
                .validate(OPERATOR_SEED)
                .description("The operator's identity seed, write-only: never stored (Terraform >= 1.11). Needed at every apply that re-issues the JWT."),
        )
        .attribute(
            Attribute::number("seed_wo_version")
                .optional()
                .description("Change it when `seed_wo` changes (write-only values are not compared between runs)."),
        )
        .attribute(
            Attribute::string("public_key")
                .computed()
                .use_state_for_unknown()
                .description("The operator's public key (`O...`); known at plan time when the seed is given."),
        )
        .attribute(
            Attribute::string_set("signing_keys")
                .optional()
                .validate(Each(OPERATOR_KEY))
                .description("Operator signing keys (`O...` public keys) that may sign accounts besides the identity key."),
        )
        .attribute(
            Attribute::string("system_account")
                .optional()
                .validate(ACCOUNT_KEY)
                .description("Public key (`A...`) of the system account, e.g. a `nats_nkey`'s."),
        )
        .attribute(
            Attribute::string("account_server_url")
                .optional()
                .validate(rules::ACCOUNT_SERVER_URL)
                .description("URL of an account server (for `nsc` and URL resolvers)."),
        )
        .attribute(
            Attribute::string_list("operator_service_urls")
                .optional()
                .validate(Each(rules::SERVICE_URL))
                .description("URLs of the operator's NATS servers (`nats://...`), for tools."),
        )
        .attribute(
            Attribute::bool("strict_signing_key_usage")
                .default(false)
                .description("Require accounts and users to be signed by signing keys, never by identity keys."),
        )
        .attribute(
            Attribute::string("assert_server_version")
                .optional()
                .validate(rules::SERVER_VERSION)
                .description("Oldest nats-server version (`2.10.0`) allowed to load this operator."),
        )
        .attribute(Attribute::string_list("tags").optional().description("Tags stored in the JWT."))
        .attribute(
            Attribute::string("expires")
                .optional()
                .validate(TIMESTAMP)
                .description("When the JWT expires (RFC 3339). Unset: never."),
        )
        .attribute(
            Attribute::nested(
                "resolver",
                Nesting::Single,
                vec![
                    Attribute::string("type")
                        .default("memory")
                        .validate(OneOf(&["memory", "full", "cache"]))
                        .description("`memory`: accounts only from `resolver_preload`; `full`: every server stores all accounts in `dir` and takes `$SYS` updates; `cache`: like full, keeping recently used accounts."),
                    Attribute::string("dir")
                        .optional()
                        .description("Directory for `full`/`cache` resolvers."),
                    Attribute::bool("allow_delete")
                        .default(false)
                        .description("Let `$SYS.REQ.CLAIMS.DELETE` remove accounts (`full` only), so destroying a `nats_nkey_account` deletes it."),
                ],
            )
            .optional()
            .description("The account resolver written into `server_config`. Unset: `memory`."),
        )
        .attribute(
            Attribute::string_list("resolver_preload")
                .optional()
                .description("Account JWTs written into `server_config` as `resolver_preload` (e.g. the system account's). Each must be signed by this operator or one of its signing keys."),
        )
        .attribute(Attribute::string("jwt").computed().description("The operator JWT. Re-issued only when a claim changes."))
        .attribute(
            Attribute::string("server_config")
                .computed()
                .description("nats-server configuration text: `operator`, `system_account`, `resolver` and `resolver_preload`. Include it in a server's configuration file."),
        )
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(public_key_identity("The operator's public key (`O...`)."))
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        let set = |name: &str| config.attr(name).is_some_and(|v| !v.is_null());
        if set("seed") && set("seed_wo") {
            diagnostics.attribute_error(
                &AttributePath::attr("seed_wo"),
                "Conflicting attributes",
                "Set either `seed` or `seed_wo`, not both.",
            );
        }
        let resolver = config.attr("resolver").filter(|r| !r.is_null());
        if let Some(resolver) = resolver {
            let kind = resolver.attr("type").and_then(Value::as_str);
            let dir = resolver.attr("dir").is_some_and(|d| !d.is_null());
            if matches!(kind, Some("full" | "cache")) && !dir {
                diagnostics.attribute_error(
                    &AttributePath::attr("resolver").child("dir"),
                    "Missing resolver directory",
                    "A `full` or `cache` resolver stores account JWTs in `dir`; set it.",
                );
            }
            if kind != Some("full")
                && resolver.attr("allow_delete").and_then(Value::as_bool) == Some(true)
            {
                diagnostics.attribute_error(
                    &AttributePath::attr("resolver").child("allow_delete"),
                    "Deletes need a full resolver",
                    "Only a `full` resolver can delete accounts.",
                );
            }
        }
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        if plan.planned().is_null() {
            return;
        }
        let given_seed = config_str(plan.config, "seed").or(config_str(plan.config, "seed_wo"));
        if let Some(Ok((_, public_key))) = given_seed.map(inspect_seed) {
            if plan
                .prior
                .attr("public_key")
                .and_then(Value::as_str)
                .is_some_and(|p| p != public_key)
            {
                plan.require_replace(AttributePath::attr("public_key"));
            }
            plan.set("public_key", Value::string(public_key));
        }
        if config_str(plan.config, "seed_wo").is_some() {
            plan.set("seed", Value::Null);
        }
        check_preload_trust(plan);
        let reissue = plan.is_create() || any_changed(plan.planned(), plan.prior, CLAIM_ATTRIBUTES);
        if reissue {
            check_expiry(plan.config, plan.diagnostics);
            check_seed_available(plan);
            plan.set("jwt", Value::Unknown);
            plan.set("server_config", Value::Unknown);
            return;
        }
        let prior_jwt = plan.prior.attr("jwt").cloned().unwrap_or(Value::Null);
        plan.set("jwt", prior_jwt);
        let config = match plan.planned_model::<OperatorModel>() {
            Ok(model) if plan.planned().is_wholly_known() => render_server_config(&model),
            _ => return plan.set("server_config", Value::Unknown),
        };
        match config {
            Ok(text) => plan.set("server_config", Value::string(text)),
            Err(diagnostic) => plan.diagnostics.push(diagnostic),
        }
    }

    async fn create(
        &self,
        _client: &NatsClient,
        mut planned: OperatorModel,
    ) -> Result<OperatorModel, Failed<OperatorModel>> {
        let seed = match planned.seed_wo.take().or(planned.seed.clone()) {
            Some(seed) => Secret::new(seed),
            None => {
                let (_, seed) = KeyKind::Operator.generate().map_err(|problem| {
                    Diagnostic::error("Cannot generate the operator key", problem)
                })?;
                planned.seed = Some(seed.expose().to_owned());
                seed
            }
        };
        issue(&mut planned, &seed)?;
        Ok(planned)
    }

    async fn read(
        &self,
        client: &NatsClient,
        current: OperatorModel,
    ) -> Result<Option<OperatorModel>, Diagnostics> {
        // Imported by identity: only the public key is known yet.
        if current.name.is_none() {
            let public_key = current.public_key.clone().unwrap_or_default();
            return import::hydrate(client, &public_key).await.map(Some);
        }
        Ok(Some(current))
    }

    async fn update(
        &self,
        _client: &NatsClient,
        _prior: OperatorModel,
        mut planned: OperatorModel,
    ) -> Result<OperatorModel, Failed<OperatorModel>> {
        if planned.jwt.is_none() {
            let seed = match planned.seed_wo.take().or(planned.seed.clone()) {
                Some(seed) => Secret::new(seed),
                None => keystore_seed(planned.public_key.as_deref().unwrap_or_default()).map_err(
                    |problem| {
                        Diagnostic::error(
                            "Operator seed needed",
                            format!("Re-issuing the operator JWT needs its seed: set `seed` or `seed_wo`; {problem}."),
                        )
                        .at(AttributePath::attr("seed_wo"))
                    },
                )?,
            };
            issue(&mut planned, &seed)?;
        } else {
            planned.seed_wo = None;
            planned.server_config = Some(render_server_config(&planned)?);
        }
        Ok(planned)
    }

    async fn delete(&self, _client: &NatsClient, _prior: OperatorModel) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// `nsc://OPERATOR` (an nsc store) or the operator's public key (the servers that
    /// trust it, or the nsc store nsc uses).
    async fn import(&self, client: &NatsClient, id: &str) -> Result<OperatorModel, Diagnostics> {
        import::import(client, id).await
    }
}

/// A JWT about to be re-issued without `seed`/`seed_wo` (an imported operator) is
/// signed with the nsc keystore's seed: say at plan time when it is not there.
fn check_seed_available(plan: &mut PlanContext<'_>) {
    let seeded = ["seed", "seed_wo"]
        .iter()
        .any(|name| plan.config.attr(name).is_some_and(|v| !v.is_null()));
    let Some(Value::String(public_key)) = plan.prior.attr("public_key").cloned() else {
        return;
    };
    if seeded || plan.prior.attr("seed").is_some_and(|v| !v.is_null()) {
        return;
    }
    if let Err(problem) = keystore_seed(&public_key) {
        plan.diagnostics.attribute_error(
            &AttributePath::attr("seed_wo"),
            "No seed to sign with",
            format!("Re-issuing the operator JWT needs the seed of {public_key}: {problem}. Set `seed_wo` (or `seed`), or put the key into the nsc keystore."),
        );
    }
}

/// The operator's `nats` claims, as configured.
fn operator_body(model: &OperatorModel) -> Operator {
    let mut signing_keys = model.signing_keys.clone().unwrap_or_default();
    signing_keys.sort();
    Operator {
        signing_keys,
        account_server_url: model.account_server_url.clone().unwrap_or_default(),
        operator_service_urls: model.operator_service_urls.clone().unwrap_or_default(),
        system_account: model.system_account.clone().unwrap_or_default(),
        assert_server_version: model.assert_server_version.clone().unwrap_or_default(),
        strict_signing_key_usage: model.strict_signing_key_usage.unwrap_or(false),
        tags: model.tags.clone().unwrap_or_default(),
    }
}

/// Signs a fresh operator JWT with `seed` and renders the server configuration.
fn issue(model: &mut OperatorModel, seed: &Secret) -> Result<(), Diagnostic> {
    let bad_seed = |problem: String| {
        Diagnostic::error("Invalid operator seed", format!("The seed {problem}."))
            .at(AttributePath::attr("seed"))
    };
    let key = signer(seed, KeyKind::Operator).map_err(bad_seed)?;
    let public_key = seed_public_key(seed.expose(), KeyKind::Operator).map_err(bad_seed)?;
    let body = operator_body(model);
    let mut claims = Claims::new(&public_key, model.name.clone().unwrap_or_default(), body);
    if let Some(expires) = &model.expires {
        claims.expires = parse_timestamp(expires).map_err(|problem| {
            Diagnostic::error("Invalid expiry", problem).at(AttributePath::attr("expires"))
        })?;
    }
    let token = jwt::encode(&claims, &key)
        .map_err(|e| Diagnostic::error("Cannot issue the operator JWT", e.to_string()))?;
    model.public_key = Some(public_key);
    model.jwt = Some(token);
    model.server_config = Some(render_server_config(model)?);
    Ok(())
}

/// The nats-server configuration that trusts this operator.
fn render_server_config(model: &OperatorModel) -> Result<String, Diagnostic> {
    let jwt = model.jwt.as_deref().unwrap_or_default();
    let mut text = format!("operator: \"{jwt}\"\n");
    if let Some(system_account) = &model.system_account {
        text.push_str(&format!("system_account: \"{system_account}\"\n"));
    }
    let resolver = model.resolver.as_ref();
    match resolver.and_then(|r| r.kind.as_deref()).unwrap_or("memory") {
        "memory" => text.push_str("resolver: MEMORY\n"),
        kind => {
            let dir = resolver.and_then(|r| r.dir.as_deref()).unwrap_or_default();
            text.push_str(&format!(
                "resolver {{\n  type: {kind}\n  dir: {}\n",
                quote(dir)
            ));
            if resolver.and_then(|r| r.allow_delete) == Some(true) {
                text.push_str("  allow_delete: true\n");
            }
            text.push_str("}\n");
        }
    }
    let preload = model.resolver_preload.as_deref().unwrap_or_default();
    if !preload.is_empty() {
        text.push_str("resolver_preload {\n");
        for (index, account_jwt) in preload.iter().enumerate() {
            let claims = trusted_account(model, account_jwt).map_err(|problem| {
                Diagnostic::error("Cannot preload this account JWT", problem)
                    .at(AttributePath::attr("resolver_preload").index(index))
            })?;
            text.push_str(&format!(
                "  {}: \"{}\"\n",
                claims.subject,
                account_jwt.trim()
            ));
        }
        text.push_str("}\n");
    }
    Ok(text)
}

/// Refuses, at plan time, preloaded account JWTs this operator would not trust, as
/// soon as the operator's keys and the JWTs are known.
fn check_preload_trust(plan: &mut PlanContext<'_>) {
    let Ok(model) = plan.planned_model::<OperatorModel>() else {
        return;
    };
    if model.public_key.is_none()
        || plan
            .planned()
            .attr("signing_keys")
            .is_some_and(|k| !k.is_wholly_known())
    {
        return;
    }
    // Through the fields, so the plan is read while diagnostics are written.
    let Some(Value::List(preload)) = plan.change.planned.attr("resolver_preload") else {
        return;
    };
    for (index, token) in preload.iter().enumerate() {
        let Some(token) = token.as_str() else {
            continue;
        };
        if let Err(problem) = trusted_account(&model, token) {
            plan.diagnostics.push(
                Diagnostic::error("Cannot preload this account JWT", problem)
                    .at(AttributePath::attr("resolver_preload").index(index)),
            );
        }
    }
}

/// An account JWT this operator would trust: valid, and signed by its identity key or
/// one of its signing keys.
fn trusted_account(model: &OperatorModel, token: &str) -> Result<AccountClaims, String> {
    let claims = jwt::decode_as::<jwt::Account>(token).map_err(|e| e.to_string())?;
    let operator = model.public_key.as_deref().unwrap_or_default();
    let signing_keys = model.signing_keys.as_deref().unwrap_or_default();
    if claims.issuer != operator && !signing_keys.contains(&claims.issuer) {
        return Err(format!(
            "account {} ({}) is signed by {}, which is neither this operator ({operator}) nor one of its signing keys",
            claims.name, claims.subject, claims.issuer
        ));
    }
    Ok(claims)
}

/// A double-quoted string for nats-server's configuration syntax.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
