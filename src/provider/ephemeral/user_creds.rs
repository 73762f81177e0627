//! # Ephemeral resource `nats_user_creds`
//!
//! Short-lived user credentials minted while Terraform runs: a fresh user key, a user
//! JWT that expires after `ttl`, and the creds text, e.g. for another provider block's
//! `credentials_data` or a tool run by Terraform. Nothing of it reaches plan or state.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::{AttributePath, Value};
use crate::framework::EphemeralResource;
use crate::nats::jwt::format_user_creds;
use crate::nats::Secret;
use crate::provider::client::NatsClient;
use crate::provider::resources::auth_common::{parse_duration_nanos, unix_now, KeyKind, DURATION};
use crate::provider::resources::nkey_user::{
    issue_user_jwt, user_claim_attributes, validate_user, UserModel,
};

pub struct UserCredsEphemeral;

impl EphemeralResource for UserCredsEphemeral {
    type Client = NatsClient;
    /// The user resource's model: the same claims, minus what is not in this schema.
    type Model = serde_json::Map<String, serde_json::Value>;

    fn type_name(&self) -> &'static str {
        "nats_user_creds"
    }

    fn schema(&self) -> Schema {
        let mut schema = Schema::new(
            "Short-lived user credentials minted at run time (Terraform >= 1.10); never stored in plan or state.",
        )
        .attribute(Attribute::string("name").required().description("The user's name."))
        .attribute(
            Attribute::string("issuer_seed")
                .required()
                .sensitive()
                .validate(crate::provider::resources::auth_common::ACCOUNT_SEED)
                .description("Seed of the account or of one of its signing keys, which signs the JWT."),
        )
        .attribute(
            Attribute::string("ttl")
                .optional()
                .validate(DURATION)
                .description("How long the credentials are valid, e.g. `15m`. Default `1h`."),
        );
        for attribute in user_claim_attributes()
            .into_iter()
            .filter(|a| a.name != "expires")
        {
            schema = schema.attribute(attribute);
        }
        schema
            .attribute(
                Attribute::string("public_key")
                    .computed()
                    .description("The minted user's public key."),
            )
            .attribute(
                Attribute::string("expires_at")
                    .computed()
                    .description("When the JWT expires (unix seconds, as text)."),
            )
            .attribute(
                Attribute::string("jwt")
                    .computed()
                    .description("The user JWT."),
            )
            .attribute(
                Attribute::string("creds")
                    .computed()
                    .sensitive()
                    .description("The creds file text."),
            )
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate_user(config, diagnostics);
    }

    async fn open(
        &self,
        _client: &NatsClient,
        mut config: Self::Model,
    ) -> Result<Self::Model, Diagnostics> {
        let user: UserModel = serde_json::from_value(serde_json::Value::Object(config.clone()))
            .map_err(|e| {
                Diagnostics::from(Diagnostic::error("Invalid configuration", e.to_string()))
            })?;
        let ttl = config
            .get("ttl")
            .and_then(serde_json::Value::as_str)
            .unwrap_or("1h");
        let ttl_seconds = parse_duration_nanos(ttl)
            .map(|nanos| (nanos / 1_000_000_000).max(1))
            .map_err(|problem| {
                Diagnostics::from(
                    Diagnostic::error("Invalid ttl", problem).at(AttributePath::attr("ttl")),
                )
            })?;
        let expires = unix_now().saturating_add(ttl_seconds);
        let (public_key, seed) = KeyKind::User.generate().map_err(|problem| {
            Diagnostics::from(Diagnostic::error("Cannot generate the user key", problem))
        })?;
        let issuer_seed = Secret::new(user.issuer_seed.clone().unwrap_or_default());
        let (_, token) = issue_user_jwt(
            &user,
            &public_key,
            &issuer_seed,
            "issuer_seed",
            Some(expires),
        )?;
        let creds = format_user_creds(&token, &seed).map_err(|e| {
            Diagnostics::from(Diagnostic::error("Cannot write the creds", e.to_string()))
        })?;
        config.insert("public_key".into(), public_key.into());
        config.insert("expires_at".into(), expires.to_string().into());
        config.insert("jwt".into(), token.into());
        config.insert("creds".into(), creds.expose().into());
        Ok(config)
    }
}
