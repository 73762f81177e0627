//! # Resource `nats_nkey_activation`
//!
//! An activation token: the exporting account's signed permission for one importing
//! account to import an export marked `token_required`. The importer puts `token` into
//! its import (`imports[*].token`). Issued by the exporting account's seed, or by one
//! of its signing keys (then `issuer_account` names the exporter). Works offline; the
//! token is re-issued only when a claim changes.
//!
//! Not sensitive: the token names the one account it admits and is handed to that
//! account's owner, as `nsc generate activation` does.

use super::auth_common::{
    any_changed, check_expiry, format_timestamp, parse_timestamp, KeyKind, ACCOUNT_KEY,
    ACCOUNT_SEED, TIMESTAMP,
};
use super::auth_signer::{check_signer_available, plan_issuer, signing_key, validate_signer};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::validators::OneOf;
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Failed, PlanContext, Resource};
use crate::nats::jwt::{self, Activation, Claims, ExportType};
use crate::provider::client::NatsClient;
use crate::provider::rules::SUBJECT;
use serde::{Deserialize, Serialize};

pub struct NkeyActivationResource;

/// No `Debug`: it holds a seed.
#[derive(Default, Serialize, Deserialize)]
pub struct ActivationModel {
    pub name: Option<String>,
    pub account: String,
    pub subject: String,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub issuer_seed: Option<String>,
    pub issuer_seed_wo: Option<String>,
    pub issuer: Option<String>,
    pub issuer_account: Option<String>,
    pub expires: Option<String>,
    pub token: Option<String>,
}

/// The attributes whose change issues a new token.
const CLAIMS: &[&str] = &[
    "name",
    "account",
    "subject",
    "type",
    "issuer",
    "issuer_account",
    "expires",
];

impl Resource for NkeyActivationResource {
    type Client = NatsClient;
    type Model = ActivationModel;

    fn type_name(&self) -> &'static str {
        "nats_nkey_activation"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            "An activation token letting one account import another account's export that \
             requires a token (`token_required = true`). Works offline.",
        )
        .attribute(
            Attribute::string("name")
                .optional()
                .description("A name stored in the token."),
        )
        .attribute(
            Attribute::string("account")
                .required()
                .validate(ACCOUNT_KEY)
                .description("Public key (`A...`) of the importing account: only it may use the token."),
        )
        .attribute(
            Attribute::string("subject")
                .required()
                .validate(SUBJECT)
                .description("The exported subject granted, as the exporter names it (the export's subject or a narrower one). The import's `subject` must lie within it."),
        )
        .attribute(
            Attribute::string("type")
                .default("stream")
                .validate(OneOf(&["stream", "service"]))
                .description("`stream` or `service`, as exported."),
        )
        .attribute(
            Attribute::string("issuer_seed")
                .optional()
                .sensitive()
                .validate(ACCOUNT_SEED)
                .description("Seed of the exporting account or of one of its signing keys, which signs the token."),
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
                .description("Public key (`A...`) of the exporting account or its signing key, which signs the token; known at plan time. Derived from the issuer seed when one is set; set it alone to sign with that key's seed from the nsc keystore."),
        )
        .attribute(
            Attribute::string("issuer_account")
                .optional()
                .validate(ACCOUNT_KEY)
                .description("The exporting account's public key, when one of its signing keys (not its own key) signs the token."),
        )
        .attribute(
            Attribute::string("expires")
                .optional()
                .validate(TIMESTAMP)
                .description("When the token expires (RFC 3339). Unset: never."),
        )
        .attribute(
            Attribute::string("token")
                .computed()
                .description("The activation JWT, for the importer's `imports[*].token`. Re-issued only when a claim changes."),
        )
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate_signer(config, diagnostics);
    }

    async fn modify_plan(&self, _client: &NatsClient, plan: &mut PlanContext<'_>) {
        if plan.planned().is_null() {
            return;
        }
        plan_issuer(plan, KeyKind::Account);
        let reissue = match plan.prior {
            Value::Object(_) => any_changed(plan.planned(), plan.prior, CLAIMS),
            _ => true,
        };
        if reissue {
            check_expiry(plan.config, plan.diagnostics);
            check_signer_available(plan, "exporting account");
            plan.set("token", Value::Unknown);
        } else {
            let prior = plan.prior.attr("token").cloned().unwrap_or(Value::Null);
            plan.set("token", prior);
        }
    }

    async fn create(
        &self,
        _client: &NatsClient,
        mut planned: ActivationModel,
    ) -> Result<ActivationModel, Failed<ActivationModel>> {
        issue(&mut planned)?;
        Ok(planned)
    }

    async fn read(
        &self,
        _client: &NatsClient,
        current: ActivationModel,
    ) -> Result<Option<ActivationModel>, Diagnostics> {
        Ok(Some(current))
    }

    async fn update(
        &self,
        _client: &NatsClient,
        _prior: ActivationModel,
        mut planned: ActivationModel,
    ) -> Result<ActivationModel, Failed<ActivationModel>> {
        if planned.token.is_none() {
            issue(&mut planned)?;
        }
        planned.issuer_seed_wo = None;
        Ok(planned)
    }

    async fn delete(
        &self,
        _client: &NatsClient,
        _prior: ActivationModel,
    ) -> Result<(), Diagnostics> {
        Ok(())
    }

    /// Imports an existing token (the ID is the activation JWT, e.g. from an
    /// importer's `imports[*].token`): not a secret, it admits only its account.
    async fn import(&self, _client: &NatsClient, id: &str) -> Result<ActivationModel, Diagnostics> {
        let failed = |detail: String| {
            Diagnostics::from(Diagnostic::error("Cannot import the activation", detail))
        };
        let token = id.trim();
        let claims = jwt::decode_as::<Activation>(token)
            .map_err(|e| failed(format!("The import ID must be an activation JWT: {e}.")))?;
        if !claims.nats.tags.is_empty() || claims.not_before != 0 || !claims.audience.is_empty() {
            return Err(failed(
                "The token holds claims natsforge cannot express (`tags`, `nbf` or `aud`).".into(),
            ));
        }
        Ok(ActivationModel {
            name: (!claims.name.is_empty()).then(|| claims.name.clone()),
            account: claims.subject.clone(),
            subject: claims.nats.import_subject.clone(),
            kind: Some(match claims.nats.import_type {
                ExportType::Stream => "stream".into(),
                ExportType::Service => "service".into(),
            }),
            issuer: Some(claims.issuer.clone()),
            issuer_account: (!claims.nats.issuer_account.is_empty())
                .then(|| claims.nats.issuer_account.clone()),
            expires: (claims.expires != 0).then(|| format_timestamp(claims.expires)),
            token: Some(token.to_owned()),
            ..ActivationModel::default()
        })
    }
}

/// Signs the activation with the seed given (write-only first) and fills `token` and
/// `issuer`.
fn issue(model: &mut ActivationModel) -> Result<(), Diagnostic> {
    let key = signing_key(
        model.issuer_seed_wo.take().as_deref(),
        model.issuer_seed.as_deref(),
        model.issuer.as_deref(),
        KeyKind::Account,
        "exporting account",
    )?;
    let token = sign_activation(model, &key)?;
    model.issuer = Some(key.public_key());
    model.token = Some(token);
    Ok(())
}

/// The activation JWT: about the importing account, granting `subject` of `type`.
fn sign_activation(model: &ActivationModel, key: &nkeys::KeyPair) -> Result<String, Diagnostic> {
    let body = Activation {
        import_subject: model.subject.clone(),
        import_type: match model.kind.as_deref() {
            Some("service") => ExportType::Service,
            _ => ExportType::Stream,
        },
        issuer_account: model.issuer_account.clone().unwrap_or_default(),
        tags: Vec::new(),
    };
    let mut claims = Claims::new(
        model.account.as_str(),
        model.name.clone().unwrap_or_default(),
        body,
    );
    if let Some(expires) = &model.expires {
        claims.expires = parse_timestamp(expires).map_err(|problem| {
            Diagnostic::error("Invalid expiry", problem).at(AttributePath::attr("expires"))
        })?;
    }
    jwt::encode(&claims, key)
        .map_err(|e| Diagnostic::error("Cannot issue the activation", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::jwt::AnyClaims;

    fn model(importer: &str) -> ActivationModel {
        ActivationModel {
            account: importer.to_owned(),
            subject: "orders.>".to_owned(),
            kind: Some("service".to_owned()),
            ..Default::default()
        }
    }

    #[test]
    fn the_token_is_about_the_importer_and_signed_by_the_exporter() {
        let (exporter, exporter_seed) = KeyKind::Account.generate().unwrap();
        let (importer, _) = KeyKind::Account.generate().unwrap();
        let key = signing_key(
            None,
            Some(exporter_seed.expose()),
            None,
            KeyKind::Account,
            "e",
        )
        .unwrap();
        let token = sign_activation(&model(&importer), &key).unwrap();
        let AnyClaims::Activation(claims) = jwt::decode(&token).unwrap() else {
            panic!("expected activation claims");
        };
        assert_eq!(claims.subject, importer);
        assert_eq!(claims.issuer, exporter);
        assert_eq!(claims.nats.import_subject, "orders.>");
        assert_eq!(claims.nats.import_type, ExportType::Service);
        assert!(claims.nats.issuer_account.is_empty());
    }

    #[test]
    fn a_seed_of_another_kind_is_refused_without_echoing_it() {
        let (_, user_seed) = KeyKind::User.generate().unwrap();
        let error = signing_key(None, Some(user_seed.expose()), None, KeyKind::Account, "e")
            .err()
            .unwrap();
        assert!(error.detail.contains("a user seed"), "{}", error.detail);
        assert!(!error.detail.contains(user_seed.expose()));
    }
}
