//! What importing operators, accounts and users shares: finding the JWT (an nsc store
//! or the live account resolver), checking that natsforge's arguments express every
//! claim it holds, and the nsc keystore that supplies seeds for later re-signing.
//!
//! Import reads JWTs only: it never needs a seed. A claim natsforge has no argument
//! for fails the import, named, rather than being dropped and silently re-issued.

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::nats::jwt::{self, compare::unexpressed, JwtError, Operator, OperatorClaims};
use crate::nats::nsc::{Keystore, NscEnv, NscError, NscUrl, Store};
use crate::nats::{Secret, ServerReply};
use crate::provider::client::NatsClient;
use serde::Serialize;
use std::time::Duration;

pub fn nsc_failed(what: &str, error: NscError) -> Diagnostics {
    Diagnostic::error(format!("Cannot import {what}"), error.to_string()).into()
}

pub fn jwt_failed(what: &str, error: JwtError) -> Diagnostics {
    Diagnostic::error(format!("Cannot import {what}"), error.to_string()).into()
}

/// The store an `nsc://` import ID names, and the URL itself.
pub fn open_store(what: &str, url: &NscUrl) -> Result<Store, Diagnostics> {
    let dirs = url
        .dirs(&NscEnv::current())
        .map_err(|e| nsc_failed(what, e))?;
    Store::open(&dirs.store_root, &url.operator).map_err(|e| nsc_failed(what, e))
}

/// The keys that may sign accounts for an operator: its own and its signing keys.
pub fn operator_signers(operator: &OperatorClaims) -> Vec<String> {
    let mut keys = vec![operator.subject.clone()];
    keys.extend(operator.nats.signing_keys.iter().cloned());
    keys
}

/// Refuses an account JWT none of `operators` would trust.
pub fn check_signed_by(
    what: &str,
    issuer: &str,
    operators: &[OperatorClaims],
) -> Result<(), Diagnostics> {
    if operators
        .iter()
        .any(|o| operator_signers(o).iter().any(|k| k == issuer))
    {
        return Ok(());
    }
    let names: Vec<String> = operators
        .iter()
        .map(|o| format!("{} ({})", o.name, o.subject))
        .collect();
    Err(Diagnostic::error(
        format!("Cannot import {what}"),
        format!(
            "Its JWT is signed by {issuer}, which is neither the operator {} nor one of its signing keys.",
            names.join(", ")
        ),
    )
    .into())
}

/// Fails naming every claim of `token` that `rebuilt` (the claims natsforge would
/// issue from the imported arguments) does not reproduce exactly.
pub fn check_expressible<N: Serialize>(
    what: &str,
    token: &str,
    rebuilt: &jwt::Claims<N>,
    adjust: impl FnOnce(&mut serde_json::Value),
) -> Result<(), Diagnostics> {
    let mut original = jwt::payload_json(token).map_err(|e| jwt_failed(what, e))?;
    for stamped in ["jti", "iat", "iss"] {
        if let Some(object) = original.as_object_mut() {
            object.remove(stamped);
        }
    }
    if let Some(nats) = original.get_mut("nats").and_then(|n| n.as_object_mut()) {
        nats.remove("type");
        nats.remove("version");
    }
    adjust(&mut original);
    let rebuilt = serde_json::to_value(rebuilt).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            format!("Cannot import {what}"),
            e.to_string(),
        ))
    })?;
    let missing = unexpressed(&original, &rebuilt);
    if missing.is_empty() {
        return Ok(());
    }
    Err(Diagnostic::error(
        format!("Cannot import {what}: claims natsforge cannot express"),
        format!(
            "The JWT holds {}, which no argument of this resource states; importing it would re-issue a different JWT on the next apply. Remove the claim with nsc first, or manage this identity outside Terraform.",
            missing
                .iter()
                .map(|p| format!("`{}`", p.strip_prefix("nats.").unwrap_or(p)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .into())
}

/// The seed of `public_key` from the nsc keystore nsc itself would use, for
/// re-signing when the configuration gives no seed. Errors say where it was looked
/// for; they never hold a seed.
pub fn keystore_seed(public_key: &str) -> Result<Secret, String> {
    let dirs = NscEnv::current().dirs().map_err(|e| e.to_string())?;
    let keystore = Keystore::new(&dirs.keystore);
    match keystore.seed(public_key) {
        Ok(Some(seed)) => Ok(seed),
        Ok(None) => Err(format!(
            "the nsc keystore has no seed for {public_key} ({} does not exist; the keystore is `$NKEYS_PATH`, else nsc's default)",
            keystore.key_path(public_key).display()
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// The operators the servers trust, as JWTs (VARZ `trusted_operators_jwt`).
pub async fn trusted_operator_jwts(client: &NatsClient) -> Result<Vec<String>, Diagnostics> {
    let system = require_system(client, "read the trusted operators").await?;
    let replies: Vec<ServerReply<serde_json::Value>> = system
        .ping("VARZ", &serde_json::json!({}), Duration::from_millis(200))
        .await
        .map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Cannot ask the servers which operators they trust",
                e.to_string(),
            ))
        })?;
    let mut tokens: Vec<String> = Vec::new();
    for reply in replies {
        let listed = reply
            .data
            .as_ref()
            .and_then(|d| d.get("trusted_operators_jwt"))
            .and_then(serde_json::Value::as_array)
            .cloned()
            .unwrap_or_default();
        for token in listed.iter().filter_map(serde_json::Value::as_str) {
            if !tokens.iter().any(|t| t == token) {
                tokens.push(token.to_owned());
            }
        }
    }
    Ok(tokens)
}

/// Decoded trusted operators, for checking who may sign accounts.
pub async fn trusted_operators(client: &NatsClient) -> Result<Vec<OperatorClaims>, Diagnostics> {
    trusted_operator_jwts(client)
        .await?
        .iter()
        .map(|token| {
            jwt::decode_as::<Operator>(token).map_err(|e| jwt_failed("the trusted operator", e))
        })
        .collect()
}

/// The system-account API, or an error saying the import needs it.
pub async fn require_system(
    client: &NatsClient,
    why: &str,
) -> Result<crate::nats::SystemApi, Diagnostics> {
    client.system().await?.ok_or_else(|| {
        Diagnostic::error(
            format!("Cannot {why}"),
            "This needs the servers' system account: set `system_credentials` on the provider, or import from an nsc store with an ID like `nsc://OPERATOR/ACCOUNT`.",
        )
        .into()
    })
}
