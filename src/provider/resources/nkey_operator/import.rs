//! Taking over an operator: from an nsc store (`nsc://OPERATOR`), or by public key from
//! the servers that trust it (VARZ `trusted_operators_jwt`, with the provider's system
//! credentials) or else from the nsc store nsc itself uses. The seed is not read: the
//! JWT is kept until a claim changes, and re-signing then takes `seed`, `seed_wo` or
//! the nsc keystore's seed of `public_key`.

use super::{operator_body, render_server_config, OperatorModel};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::nats::jwt::{self, Claims, Operator};
use crate::nats::nsc::{find_operator, NscEnv, NscUrl};
use crate::provider::client::NatsClient;
use crate::provider::resources::auth_common::{check_public_key, format_timestamp, KeyKind};
use crate::provider::resources::auth_import::{
    check_expressible, jwt_failed, nsc_failed, open_store, trusted_operator_jwts,
};
use crate::provider::resources::auth_permissions::non_empty;

const WHAT: &str = "the operator";

fn text(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// The arguments stating the operator JWT `token`, refused when a claim has none.
pub fn checked_model(token: &str) -> Result<OperatorModel, Diagnostics> {
    let claims = jwt::decode_as::<Operator>(token).map_err(|e| jwt_failed(WHAT, e))?;
    let body = &claims.nats;
    let mut model = OperatorModel {
        name: Some(claims.name.clone()),
        public_key: Some(claims.subject.clone()),
        signing_keys: non_empty(&body.signing_keys),
        system_account: text(&body.system_account),
        account_server_url: text(&body.account_server_url),
        operator_service_urls: non_empty(&body.operator_service_urls),
        strict_signing_key_usage: Some(body.strict_signing_key_usage),
        assert_server_version: text(&body.assert_server_version),
        tags: non_empty(&body.tags),
        expires: (claims.expires != 0).then(|| format_timestamp(claims.expires)),
        jwt: Some(token.to_owned()),
        ..OperatorModel::default()
    };
    let mut rebuilt = Claims::new(&claims.subject, &claims.name, operator_body(&model));
    rebuilt.expires = claims.expires;
    check_expressible(WHAT, token, &rebuilt, |_| {})?;
    model.server_config = Some(render_server_config(&model).map_err(Diagnostics::from)?);
    Ok(model)
}

/// Import by ID: `nsc://OPERATOR[?store=..]` or the operator's public key.
pub async fn import(client: &NatsClient, id: &str) -> Result<OperatorModel, Diagnostics> {
    if let Some(url) = NscUrl::parse(id) {
        let url = url.map_err(|e| nsc_failed(WHAT, e))?;
        if url.account.is_some() {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} names an account: an operator is imported with nsc://OPERATOR."),
            )
            .into());
        }
        let token = open_store(WHAT, &url)?
            .operator_jwt()
            .map_err(|e| nsc_failed(WHAT, e))?;
        return checked_model(&token);
    }
    check_public_key(id.trim(), KeyKind::Operator).map_err(|problem| {
        Diagnostics::from(Diagnostic::error(
            "Invalid import ID",
            format!("The ID {problem}: use the operator's public key or nsc://OPERATOR."),
        ))
    })?;
    hydrate(client, id.trim()).await
}

/// The operator with `public_key`: as the servers trust it when the provider has
/// system credentials, else from the nsc store nsc itself would use.
pub async fn hydrate(client: &NatsClient, public_key: &str) -> Result<OperatorModel, Diagnostics> {
    let token = if client.system().await?.is_some() {
        trusted_operator_jwts(client)
            .await?
            .into_iter()
            .find(|token| jwt::decode_as::<Operator>(token).is_ok_and(|c| c.subject == public_key))
            .ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Cannot import the operator",
                    format!("No server trusts an operator {public_key}."),
                ))
            })?
    } else {
        let dirs = NscEnv::current().dirs().map_err(|e| nsc_failed(WHAT, e))?;
        find_operator(&dirs.store_root, public_key)
            .map_err(|e| nsc_failed(WHAT, e))?
            .ok_or_else(|| {
                Diagnostics::from(Diagnostic::error(
                    "Cannot import the operator",
                    format!(
                        "No operator {public_key} in the nsc store {} (and the provider has no `system_credentials` to ask the servers).",
                        dirs.store_root.display()
                    ),
                ))
            })?
            .jwt
    };
    checked_model(&token)
}
