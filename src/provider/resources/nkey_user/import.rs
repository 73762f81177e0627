//! Taking over users of an nsc store (`nsc://OPERATOR/ACCOUNT/USER`, or the user's
//! public key in the store nsc itself uses), and listing an account's users for
//! `terraform query`. Users live only in stores: resolvers hold accounts.

use super::{user_body, UserModel};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::Value;
use crate::framework::Listed;
use crate::nats::jwt::{self, Account, Claims, SigningKey, User, UserClaims, UserPermissionLimits};
use crate::nats::nsc::{find_user, NscEnv, NscUrl, Store};
use crate::provider::resources::auth_common::{check_public_key, format_timestamp, KeyKind};
use crate::provider::resources::auth_import::{
    check_expressible, jwt_failed, nsc_failed, open_store,
};
use crate::provider::resources::auth_permissions::{non_empty, UserLimitsModel};

const WHAT: &str = "the user";

/// The arguments that state `claims`; `scoped` when a scoped signing key signed it.
pub fn model_from_claims(claims: &UserClaims, token: &str, scoped: bool) -> UserModel {
    let default_limits = UserPermissionLimits::default();
    // A scoped user's JWT carries no limits; its arguments keep their defaults.
    let limits = UserLimitsModel::from_claims(if scoped {
        &default_limits
    } else {
        &claims.nats.limits
    });
    let body: &User = &claims.nats;
    UserModel {
        name: Some(claims.name.clone()),
        public_key: Some(claims.subject.clone()),
        issuer: Some(claims.issuer.clone()),
        issuer_account: (!body.issuer_account.is_empty()).then(|| body.issuer_account.clone()),
        scoped: Some(scoped),
        pub_allow: limits.pub_allow,
        pub_deny: limits.pub_deny,
        sub_allow: limits.sub_allow,
        sub_deny: limits.sub_deny,
        allow_responses: limits.allow_responses,
        source_networks: limits.source_networks,
        connect_times: limits.connect_times,
        connect_times_location: limits.connect_times_location,
        max_subscriptions: limits.max_subscriptions,
        max_data: limits.max_data,
        max_payload: limits.max_payload,
        bearer_token: limits.bearer_token,
        allowed_connection_types: limits.allowed_connection_types,
        tags: non_empty(&body.tags),
        expires: (claims.expires != 0).then(|| format_timestamp(claims.expires)),
        jwt: Some(token.to_owned()),
        ..UserModel::default()
    }
}

/// The user `user` of `account` in `store`, checked against the account that signs it.
fn store_model(store: &Store, account: &str, user: &str) -> Result<UserModel, Diagnostics> {
    let token = store
        .user_jwt(account, user)
        .map_err(|e| nsc_failed(WHAT, e))?;
    let account_claims = store
        .account_jwt(account)
        .map_err(|e| nsc_failed(WHAT, e))
        .and_then(|t| jwt::decode_as::<Account>(&t).map_err(|e| jwt_failed(WHAT, e)))?;
    let claims = jwt::decode_as::<User>(&token).map_err(|e| jwt_failed(WHAT, e))?;
    let signer = account_claims
        .nats
        .signing_keys
        .iter()
        .find(|k| k.key() == claims.issuer);
    if claims.issuer != account_claims.subject && signer.is_none() {
        return Err(Diagnostic::error(
            "Cannot import the user",
            format!(
                "Its JWT is signed by {}, which is neither the account {} ({}) nor one of its signing keys.",
                claims.issuer, account_claims.name, account_claims.subject
            ),
        )
        .into());
    }
    let scoped = matches!(signer, Some(SigningKey::Scoped(_)));
    let model = model_from_claims(&claims, &token, scoped);
    let mut rebuilt = Claims::new(&claims.subject, &claims.name, user_body(&model));
    rebuilt.expires = claims.expires;
    check_expressible(WHAT, &token, &rebuilt, |_| {})?;
    Ok(model)
}

/// Import by ID: `nsc://OPERATOR/ACCOUNT/USER[?store=..]` or the user's public key.
pub fn import(id: &str) -> Result<UserModel, Diagnostics> {
    if let Some(url) = NscUrl::parse(id) {
        let url = url.map_err(|e| nsc_failed(WHAT, e))?;
        let (Some(account), Some(user)) = (&url.account, &url.user) else {
            return Err(Diagnostic::error(
                "Invalid import ID",
                format!("{id:?} does not name a user: use nsc://OPERATOR/ACCOUNT/USER."),
            )
            .into());
        };
        return store_model(&open_store(WHAT, &url)?, account, user);
    }
    check_public_key(id.trim(), KeyKind::User).map_err(|problem| {
        Diagnostics::from(Diagnostic::error(
            "Invalid import ID",
            format!("The ID {problem}: use nsc://OPERATOR/ACCOUNT/USER or the user's public key (found in the nsc store nsc uses)."),
        ))
    })?;
    hydrate(id.trim())
}

/// The user with `public_key` in the nsc store nsc itself would use.
pub fn hydrate(public_key: &str) -> Result<UserModel, Diagnostics> {
    let dirs = NscEnv::current().dirs().map_err(|e| nsc_failed(WHAT, e))?;
    let found = find_user(&dirs.store_root, public_key)
        .map_err(|e| nsc_failed(WHAT, e))?
        .ok_or_else(|| {
            Diagnostics::from(Diagnostic::error(
                "Cannot import the user",
                format!(
                    "No user {public_key} in the nsc store {}.",
                    dirs.store_root.display()
                ),
            ))
        })?;
    let store = Store::open(&dirs.store_root, &found.operator).map_err(|e| nsc_failed(WHAT, e))?;
    store_model(
        &store,
        found.account.as_deref().unwrap_or_default(),
        found.user.as_deref().unwrap_or_default(),
    )
}

pub fn list_schema() -> Schema {
    Schema::new("Lists the users of an account in the nsc store nsc itself uses (`$NSC_HOME`, XDG directories).")
        .attribute(Attribute::string("operator").required().description("The operator's name in the store."))
        .attribute(Attribute::string("account").required().description("The account's name in the store."))
}

pub fn list(config: &Value) -> Result<Vec<Listed<UserModel>>, Diagnostics> {
    let name = |attribute: &str| {
        config
            .attr(attribute)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let (operator, account) = (name("operator"), name("account"));
    let dirs = NscEnv::current()
        .dirs()
        .map_err(|e| nsc_failed("the users", e))?;
    let store = Store::open(&dirs.store_root, &operator).map_err(|e| nsc_failed("the users", e))?;
    let users = store
        .users(&account)
        .map_err(|e| nsc_failed("the users", e))?;
    users
        .iter()
        .map(|user| {
            store_model(&store, &account, user).map(|state| Listed {
                display_name: format!("{account}/{user}"),
                state,
            })
        })
        .collect()
}
