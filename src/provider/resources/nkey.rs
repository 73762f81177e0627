//! # Resource `nats_nkey`
//!
//! One nkey pair of a chosen kind: an operator, account, user, server, cluster or curve
//! key. It exists so configurations can create keys apart from the JWTs that use them:
//! the operator's JWT names the system account's public key while the system account's
//! JWT is signed by the operator's seed, which would be a dependency cycle if each
//! resource made its own key.
//!
//! The key is generated at create and its seed kept in the state (sensitive). To bring
//! your own key without it ever reaching the state, pass the seed as the write-only
//! `seed_wo` (Terraform >= 1.11); `seed` then stays null and only `public_key` is stored.

use super::auth_common::{inspect_seed, seed_public_key, KeyKind};
use super::auth_import::keystore_seed;
use super::nkey_account::public_key_identity;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::validators::OneOf;
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, PlanContext, Resource};
use crate::provider::client::NatsClient;
use serde::{Deserialize, Serialize};

pub struct NkeyResource;

/// No `Debug`: it holds a seed.
#[derive(Default, Serialize, Deserialize)]
pub struct NkeyModel {
    #[serde(rename = "type")]
    kind: Option<String>,
    public_key: Option<String>,
    seed: Option<String>,
    seed_wo: Option<String>,
    seed_wo_version: Option<i64>,
}

impl Resource for NkeyResource {
    type Client = NatsClient;
    type Model = NkeyModel;

    fn type_name(&self) -> &'static str {
        "nats_nkey"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An nkey pair: generated at create (the seed is kept in the state, sensitive), \
             or your own seed passed write-only so that only the public key is stored.",
        )
        .attribute(
            Attribute::string("type")
                .required()
                .requires_replace()
                .validate(OneOf(KeyKind::NAMES))
                .description("The kind of key."),
        )
        .attribute(
            Attribute::string("public_key")
                .computed()
                .use_state_for_unknown()
                .description("The public key (`O...`, `A...`, `U...`, `N...`, `C...` or `X...`). Known at plan time when `seed_wo` is given."),
        )
        .attribute(
            Attribute::string("seed")
                .computed()
                .sensitive()
                .use_state_for_unknown()
                .description("The generated seed (`S...`). Null when `seed_wo` supplies the key."),
        )
        .attribute(
            Attribute::string("seed_wo")
                .optional()
                .sensitive()
                .write_only()
                .description("Your own seed, of the kind `type` names; never stored in plan or state (Terraform >= 1.11). A seed deriving another public key than the stored one replaces the key."),
        )
        .attribute(
            Attribute::number("seed_wo_version")
                .optional()
                .requires_replace()
                .description("Change it to make Terraform take a new `seed_wo` (write-only values are not compared between runs)."),
        )
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(public_key_identity(
            "The public key; its seed is read from the nsc keystore.",
        ))
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        let kind = config
            .attr("type")
            .and_then(Value::as_str)
            .and_then(KeyKind::from_name);
        let seed = config.attr("seed_wo").and_then(Value::as_str);
        if let (Some(kind), Some(seed)) = (kind, seed) {
            if let Err(problem) = seed_public_key(seed, kind) {
                diagnostics.attribute_error(
                    &AttributePath::attr("seed_wo"),
                    "Seed of the wrong kind",
                    format!("The seed {problem}."),
                );
            }
        }
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        // Nothing to refine in a destroy plan.
        if plan.is_destroy() {
            return;
        }
        let Some(seed) = plan.config.attr("seed_wo").and_then(Value::as_str) else {
            return;
        };
        let Ok((_, public_key)) = inspect_seed(seed) else {
            return;
        };
        let prior_key = plan.prior.attr("public_key").and_then(Value::as_str);
        if prior_key.is_some_and(|prior| prior != public_key) {
            plan.require_replace(AttributePath::attr("public_key"));
        }
        plan.set("public_key", Value::string(public_key));
        plan.set("seed", Value::Null);
    }

    async fn create(
        &self,
        _client: &NatsClient,
        mut planned: NkeyModel,
    ) -> Result<NkeyModel, Failed<NkeyModel>> {
        let kind = planned
            .kind
            .as_deref()
            .and_then(KeyKind::from_name)
            .ok_or_else(|| {
                Diagnostic::error("Invalid key type", "`type` is not a known key kind.")
            })?;
        if let Some(seed) = planned.seed_wo.take() {
            let public_key = seed_public_key(&seed, kind).map_err(|problem| {
                Diagnostic::error("Seed of the wrong kind", format!("The seed {problem}."))
                    .at(AttributePath::attr("seed_wo"))
            })?;
            planned.public_key = Some(public_key);
            planned.seed = None;
        } else {
            let (public_key, seed) = kind
                .generate()
                .map_err(|problem| Diagnostic::error("Cannot generate the key", problem))?;
            planned.public_key = Some(public_key);
            planned.seed = Some(seed.expose().to_owned());
        }
        Ok(planned)
    }

    async fn read(
        &self,
        _client: &NatsClient,
        current: NkeyModel,
    ) -> Result<Option<NkeyModel>, Diagnostics> {
        // Imported by identity: only the public key is known yet.
        if current.kind.is_none() {
            return from_keystore(current.public_key.as_deref().unwrap_or_default()).map(Some);
        }
        Ok(Some(current))
    }

    /// Only `seed_wo` itself can change in place (to a seed of the same key).
    async fn update(
        &self,
        _client: &NatsClient,
        _prior: NkeyModel,
        mut planned: NkeyModel,
    ) -> Result<NkeyModel, Failed<NkeyModel>> {
        planned.seed_wo = None;
        Ok(planned)
    }

    async fn delete(&self, _client: &NatsClient, _prior: NkeyModel) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// Imports a key by its public key, with the seed from the nsc keystore
    /// (`$NKEYS_PATH`, else nsc's default), or from the seed itself. The seed is then
    /// in the state (sensitive), as for a generated key; an ID passes through
    /// Terraform's CLI and logs, so prefer the public key to the seed.
    async fn import(&self, _client: &NatsClient, id: &str) -> Result<NkeyModel, Diagnostics> {
        let id = id.trim();
        if id.starts_with('S') {
            let (kind, public_key) = inspect_seed(id).map_err(|problem| {
                Diagnostics::from(Diagnostic::error(
                    "Cannot import the nkey",
                    format!("The import ID {problem}."),
                ))
            })?;
            return Ok(NkeyModel {
                kind: Some(kind.name().to_owned()),
                public_key: Some(public_key),
                seed: Some(id.to_owned()),
                seed_wo: None,
                seed_wo_version: None,
            });
        }
        from_keystore(id)
    }
}

/// The key with `public_key`, its seed read from the nsc keystore.
fn from_keystore(public_key: &str) -> Result<NkeyModel, Diagnostics> {
    let kind = public_key
        .chars()
        .next()
        .and_then(|prefix| {
            KeyKind::NAMES
                .iter()
                .filter_map(|name| KeyKind::from_name(name))
                .find(|k| k.prefix() == prefix)
        })
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Cannot import the nkey",
                "The import ID must be a public key (`O...`, `A...`, `U...`, `N...`, `C...`, `X...`) whose seed is in the nsc keystore, or the seed itself.",
            ))
        })?;
    let seed = keystore_seed(public_key).map_err(|problem| {
        Diagnostics::from(Diagnostic::error(
            "Cannot import the nkey",
            format!("{problem}."),
        ))
    })?;
    Ok(NkeyModel {
        kind: Some(kind.name().to_owned()),
        public_key: Some(public_key.to_owned()),
        seed: Some(seed.expose().to_owned()),
        seed_wo: None,
        seed_wo_version: None,
    })
}
