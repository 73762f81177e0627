//! # Resource `nats_nkey_user`
//!
//! A user JWT, signed by its account's seed or by one of the account's signing keys
//! (then `issuer_account` names the account), and `creds`: the exact creds-file text
//! NATS clients read. Permissions, source networks, connect times, limits, bearer
//! tokens and allowed connection types (e.g. only `LEAFNODE` for a leaf node remote's
//! user) are claims of the JWT. A user signed by a scoped signing key sets none of
//! them (`scoped = true`): the key's template decides.
//!
//! The key is generated (its seed kept in the state, sensitive, for `creds`) unless
//! `public_key` brings one; then `creds` is null. The JWT is issued at create and
//! re-issued only when a claim changes.

mod import;

use super::auth_common::{
    any_changed, check_expiry, parse_timestamp, signer, KeyKind, ACCOUNT_KEY, ACCOUNT_SEED,
    TIMESTAMP, USER_KEY,
};
use super::auth_permissions::{user_limit_attributes, ResponsesModel, TimeWindow, UserLimitsModel};
use super::auth_signer::{check_signer_available, plan_issuer, signing_key, validate_signer};
use super::nkey_account::public_key_identity;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, IdentitySchema, Schema};
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, Listed, PlanContext, Resource};
use crate::nats::jwt::{self, format_user_creds, Claims, User};
use crate::nats::Secret;
use crate::provider::client::NatsClient;
use serde::{Deserialize, Serialize};

pub struct NkeyUserResource;

/// No `Debug`: it holds seeds.
#[derive(Default, Serialize, Deserialize)]
pub struct UserModel {
    pub name: Option<String>,
    pub public_key: Option<String>,
    pub seed: Option<String>,
    pub issuer_seed: Option<String>,
    pub issuer_seed_wo: Option<String>,
    pub issuer: Option<String>,
    pub issuer_account: Option<String>,
    pub scoped: Option<bool>,
    pub pub_allow: Option<Vec<String>>,
    pub pub_deny: Option<Vec<String>>,
    pub sub_allow: Option<Vec<String>>,
    pub sub_deny: Option<Vec<String>>,
    pub allow_responses: Option<ResponsesModel>,
    pub source_networks: Option<Vec<String>>,
    pub connect_times: Option<Vec<TimeWindow>>,
    pub connect_times_location: Option<String>,
    pub max_subscriptions: Option<i64>,
    pub max_data: Option<i64>,
    pub max_payload: Option<i64>,
    pub bearer_token: Option<bool>,
    pub allowed_connection_types: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
    pub expires: Option<String>,
    pub jwt: Option<String>,
    pub creds: Option<String>,
}

impl UserModel {
    /// The permission and limit attributes (the same set a scoped key's template has).
    fn limits(&self) -> UserLimitsModel {
        UserLimitsModel {
            pub_allow: self.pub_allow.clone(),
            pub_deny: self.pub_deny.clone(),
            sub_allow: self.sub_allow.clone(),
            sub_deny: self.sub_deny.clone(),
            allow_responses: self.allow_responses.clone(),
            source_networks: self.source_networks.clone(),
            connect_times: self.connect_times.clone(),
            connect_times_location: self.connect_times_location.clone(),
            max_subscriptions: self.max_subscriptions,
            max_data: self.max_data,
            max_payload: self.max_payload,
            bearer_token: self.bearer_token,
            allowed_connection_types: self.allowed_connection_types.clone(),
        }
    }
}

/// Attributes a scoped user may not set: its signing key's template decides them.
const TEMPLATE_ATTRIBUTES: &[&str] = &[
    "pub_allow",
    "pub_deny",
    "sub_allow",
    "sub_deny",
    "allow_responses",
    "source_networks",
    "connect_times",
    "connect_times_location",
    "max_subscriptions",
    "max_data",
    "max_payload",
    "bearer_token",
    "allowed_connection_types",
];

/// Everything that is not a claim: seeds, and what is derived from the JWT.
const NOT_CLAIMS: &[&str] = &["seed", "issuer_seed", "issuer_seed_wo", "jwt", "creds"];

/// The user's attributes, in the shared form every user-issuing schema uses.
pub fn user_claim_attributes() -> Vec<Attribute> {
    let mut attributes = vec![
        Attribute::string("issuer_account")
            .optional()
            .validate(ACCOUNT_KEY)
            .description("The account's public key (`A...`), when an account signing key (not the account's own key) signs the user."),
        Attribute::bool("scoped")
            .default(false)
            .description("The signing key is a scoped signing key: its template sets the user's permissions and limits, so none may be set here. Needs `issuer_account`."),
    ];
    attributes.extend(user_limit_attributes("the user"));
    attributes.push(
        Attribute::string_list("tags")
            .optional()
            .description("Tags stored in the JWT."),
    );
    attributes.push(
        Attribute::string("expires")
            .optional()
            .validate(TIMESTAMP)
            .description("When the JWT expires (RFC 3339). Unset: never."),
    );
    attributes
}

/// Checks shared by the user resource and the ephemeral user creds.
pub fn validate_user(config: &Value, diagnostics: &mut Diagnostics) {
    validate_signer(config, diagnostics);
    if config.attr("scoped").and_then(Value::as_bool) != Some(true) {
        return;
    }
    if config.attr("issuer_account").is_some_and(Value::is_null) {
        diagnostics.attribute_error(
            &AttributePath::attr("issuer_account"),
            "Missing issuer account",
            "A user signed by a scoped signing key must name its account in `issuer_account`.",
        );
    }
    for name in TEMPLATE_ATTRIBUTES {
        if config.attr(name).is_some_and(|v| !v.is_null()) {
            diagnostics.attribute_error(
                &AttributePath::attr(*name),
                "Not allowed for scoped users",
                format!("`{name}` comes from the scoped signing key's template; remove it here or set `scoped = false`."),
            );
        }
    }
}

/// Signs user claims for `public_key` with the account (signing) key in `seed`.
pub fn issue_user_jwt(
    model: &UserModel,
    public_key: &str,
    seed: &Secret,
    seed_attribute: &str,
    expires: Option<i64>,
) -> Result<(String, String), Diagnostic> {
    let key = signer(seed, KeyKind::Account).map_err(|problem| {
        Diagnostic::error("Invalid issuer seed", format!("The seed {problem}."))
            .at(AttributePath::attr(seed_attribute))
    })?;
    sign_user_jwt(model, public_key, &key, expires)
}

/// The user's `nats` claims, as configured.
pub fn user_body(model: &UserModel) -> User {
    let issuer_account = model.issuer_account.clone().unwrap_or_default();
    let mut body = if model.scoped == Some(true) {
        User::scoped(issuer_account)
    } else {
        User {
            limits: model.limits().to_claims(),
            issuer_account,
            tags: Vec::new(),
        }
    };
    body.tags = model.tags.clone().unwrap_or_default();
    body
}

fn sign_user_jwt(
    model: &UserModel,
    public_key: &str,
    key: &nkeys::KeyPair,
    expires: Option<i64>,
) -> Result<(String, String), Diagnostic> {
    let body = user_body(model);
    let mut claims = Claims::new(public_key, model.name.clone().unwrap_or_default(), body);
    if let Some(expires) = expires {
        claims.expires = expires;
    } else if let Some(expires) = &model.expires {
        claims.expires = parse_timestamp(expires).map_err(|problem| {
            Diagnostic::error("Invalid expiry", problem).at(AttributePath::attr("expires"))
        })?;
    }
    let token = jwt::encode(&claims, key)
        .map_err(|e| Diagnostic::error("Cannot issue the user JWT", e.to_string()))?;
    Ok((key.public_key(), token))
}

impl Resource for NkeyUserResource {
    type Client = NatsClient;
    type Model = UserModel;

    fn type_name(&self) -> &'static str {
        "nats_nkey_user"
    }

    fn schema(&self) -> Schema {
        let mut schema = Schema::new(
            "A user JWT signed by its account (or an account signing key), and the creds file \
             text clients connect with. Works offline.",
        )
        .attribute(Attribute::string("name").required().description("The user's name."))
        .attribute(
            Attribute::string("public_key")
                .optional()
                .computed()
                .use_state_for_unknown()
                .requires_replace()
                .validate(USER_KEY)
                .description("The user's public key (`U...`). Generated (with `seed` and `creds`) when unset."),
        )
        .attribute(
            Attribute::string("seed")
                .computed()
                .sensitive()
                .use_state_for_unknown()
                .description("The generated user seed (`SU...`). Null when `public_key` is given."),
        )
        .attribute(
            Attribute::string("issuer_seed")
                .optional()
                .sensitive()
                .validate(ACCOUNT_SEED)
                .description("Seed of the account or of one of its signing keys, which signs this JWT."),
        )
        .attribute(
            Attribute::string("issuer_seed_wo")
                .optional()
                .sensitive()
                .write_only()
                .validate(ACCOUNT_SEED)
                .description("Like `issuer_seed`, write-only: never stored (Terraform >= 1.11)."),
        )
        .attribute(
            Attribute::string("issuer")
                .optional()
                .computed()
                .validate(ACCOUNT_KEY)
                .description("Public key (`A...`) of the account or account signing key that signs the JWT; known at plan time. Derived from the issuer seed when one is set; set it alone to sign with that key's seed from the nsc keystore (`$NKEYS_PATH`, else nsc's default), as after an import."),
        );
        for attribute in user_claim_attributes() {
            schema = schema.attribute(attribute);
        }
        schema
            .attribute(Attribute::string("jwt").computed().description("The user JWT. Re-issued only when a claim changes."))
            .attribute(
                Attribute::string("creds")
                    .computed()
                    .sensitive()
                    .description("The creds file text (JWT and seed) for NATS clients; null when `public_key` is given."),
            )
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(public_key_identity("The user's public key (`U...`)."))
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate_user(config, diagnostics);
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        if plan.planned().is_null() {
            return;
        }
        plan_issuer(plan, KeyKind::Account);
        // A configured key (even one known only after apply) is not generated here:
        // no seed, known at plan time, so references to it fail early.
        let key_given = plan.config.attr("public_key").is_some_and(|v| !v.is_null());
        if key_given {
            plan.set("seed", Value::Null);
            plan.set("creds", Value::Null);
        }
        let claims_changed = match (plan.planned(), plan.prior) {
            (Value::Object(planned), Value::Object(_)) => {
                let names: Vec<&str> = planned
                    .keys()
                    .map(String::as_str)
                    .filter(|name| !NOT_CLAIMS.contains(name))
                    .collect();
                any_changed(plan.planned(), plan.prior, &names)
            }
            _ => true,
        };
        if claims_changed {
            check_expiry(plan.config, plan.diagnostics);
            check_signer_available(plan, "account");
            plan.set("jwt", Value::Unknown);
            if !key_given {
                plan.set("creds", Value::Unknown);
            }
        } else {
            for name in ["jwt", "creds"] {
                let prior = plan.prior.attr(name).cloned().unwrap_or(Value::Null);
                plan.set(name, prior);
            }
        }
    }

    async fn create(
        &self,
        _client: &NatsClient,
        mut planned: UserModel,
    ) -> Result<UserModel, Failed<UserModel>> {
        if planned.public_key.is_none() {
            let (public_key, seed) = KeyKind::User
                .generate()
                .map_err(|problem| Diagnostic::error("Cannot generate the user key", problem))?;
            planned.public_key = Some(public_key);
            planned.seed = Some(seed.expose().to_owned());
        }
        issue(&mut planned)?;
        Ok(planned)
    }

    async fn read(
        &self,
        _client: &NatsClient,
        current: UserModel,
    ) -> Result<Option<UserModel>, Diagnostics> {
        // Imported by identity: only the public key is known yet.
        if current.name.is_none() {
            return import::hydrate(current.public_key.as_deref().unwrap_or_default()).map(Some);
        }
        Ok(Some(current))
    }

    async fn update(
        &self,
        _client: &NatsClient,
        _prior: UserModel,
        mut planned: UserModel,
    ) -> Result<UserModel, Failed<UserModel>> {
        if planned.jwt.is_none() {
            issue(&mut planned)?;
        }
        planned.issuer_seed_wo = None;
        Ok(planned)
    }

    async fn delete(&self, _client: &NatsClient, _prior: UserModel) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// `nsc://OPERATOR/ACCOUNT/USER` or the user's public key (an nsc store).
    async fn import(&self, _client: &NatsClient, id: &str) -> Result<UserModel, Diagnostics> {
        import::import(id)
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(import::list_schema())
    }

    async fn list(
        &self,
        _client: &NatsClient,
        config: &Value,
    ) -> Result<Vec<Listed<UserModel>>, Diagnostics> {
        import::list(config)
    }
}

/// Issues the JWT and, when the seed is known, the creds text.
fn issue(model: &mut UserModel) -> Result<(), Diagnostic> {
    let key = signing_key(
        model.issuer_seed_wo.take().as_deref(),
        model.issuer_seed.as_deref(),
        model.issuer.as_deref(),
        KeyKind::Account,
        "account",
    )?;
    let public_key = model.public_key.clone().unwrap_or_default();
    let (issuer, token) = sign_user_jwt(model, &public_key, &key, None)?;
    model.creds = match &model.seed {
        Some(seed) => Some(
            format_user_creds(&token, &Secret::new(seed.as_str()))
                .map_err(|e| Diagnostic::error("Cannot write the creds", e.to_string()))?
                .expose()
                .to_owned(),
        ),
        None => None,
    };
    model.issuer = Some(issuer);
    model.jwt = Some(token);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_of_another_kind_is_refused_by_kind() {
        let (_, operator_seed) = KeyKind::Operator.generate().unwrap();
        let model = UserModel::default();
        let (user, _) = KeyKind::User.generate().unwrap();
        let error = issue_user_jwt(&model, &user, &operator_seed, "issuer_seed", None).unwrap_err();
        assert!(
            error.detail.contains("an operator seed"),
            "{}",
            error.detail
        );
        assert!(!error.detail.contains(operator_seed.expose()));
    }
}
