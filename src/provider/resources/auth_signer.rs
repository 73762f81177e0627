//! Who signs an account, user or activation JWT, and where the seed comes from:
//! `issuer_seed_wo`, `issuer_seed`, or (neither set) the nsc keystore's seed of the
//! public key in `issuer`. That last way lets an imported estate keep its seeds where
//! nsc keeps them, out of Terraform's state and plan.

use super::auth_common::{seed_public_key, signer, KeyKind};
use super::auth_import::keystore_seed;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::value::{AttributePath, Value};
use crate::framework::PlanContext;
use crate::nats::Secret;
use nkeys::KeyPair;

/// Where the seed is when a reference to another resource's `seed` came out null.
const NULL_SEED_HINT: &str = "If `issuer_seed` refers to the `seed` of a `nats_nkey_account` (or `nats_nkey_user`) made from `public_key`: such a resource has no seed; the seed belongs to the `nats_nkey` that made the key, so use `nats_nkey.<name>.seed`.";

/// Validation: the two seeds exclude each other, and something must say who signs.
/// Unknown values count as set.
pub fn validate_signer(config: &Value, diagnostics: &mut Diagnostics) {
    let set = |name: &str| config.attr(name).is_some_and(|v| !v.is_null());
    if set("issuer_seed") && set("issuer_seed_wo") {
        diagnostics.attribute_error(
            &AttributePath::attr("issuer_seed_wo"),
            "Conflicting attributes",
            "Set either `issuer_seed` or `issuer_seed_wo`, not both.",
        );
    }
    if !set("issuer_seed") && !set("issuer_seed_wo") && !set("issuer") {
        diagnostics.attribute_error(
            &AttributePath::attr("issuer_seed"),
            "Missing attribute",
            format!("Set `issuer_seed` or, to keep the value out of the state, `issuer_seed_wo` (Terraform >= 1.11); or set only `issuer` to sign with that key's seed from the nsc keystore. {NULL_SEED_HINT}"),
        );
    }
}

/// Plans `issuer` (the signing public key) before the resource decides whether to
/// re-issue: from a known seed, else the configured `issuer`, else the prior one.
/// Refuses an `issuer` that contradicts the seed.
pub fn plan_issuer(plan: &mut PlanContext<'_>, kind: KeyKind) {
    let seed = ["issuer_seed_wo", "issuer_seed"]
        .into_iter()
        .filter_map(|name| plan.config.attr(name))
        .find(|v| !v.is_null())
        .cloned();
    let configured = plan.config.attr("issuer").cloned().unwrap_or(Value::Null);
    let planned = match seed {
        Some(Value::String(seed)) => match seed_public_key(&seed, kind) {
            Ok(key) => {
                if configured.as_str().is_some_and(|c| c != key) {
                    plan.diagnostics.attribute_error(
                        &AttributePath::attr("issuer"),
                        "Issuer does not match the seed",
                        format!(
                            "`issuer` is {}, but the issuer seed belongs to {key}; leave `issuer` out or give the seed of {}.",
                            configured.as_str().unwrap_or_default(),
                            configured.as_str().unwrap_or_default()
                        ),
                    );
                }
                Value::string(key)
            }
            Err(_) => Value::Unknown,
        },
        Some(_) => Value::Unknown,
        None if !configured.is_null() => configured,
        None => plan.prior.attr("issuer").cloned().unwrap_or(Value::Null),
    };
    plan.set("issuer", planned);
}

/// At plan time, when the JWT must be (re-)issued: a seed must be on its way. Says
/// where a seed referenced from another resource actually is, and what the nsc
/// keystore lacks.
pub fn check_signer_available(plan: &mut PlanContext<'_>, owner: &str) {
    let seed_known_null = ["issuer_seed", "issuer_seed_wo"]
        .into_iter()
        .all(|name| plan.config.attr(name).is_none_or(Value::is_null));
    if !seed_known_null {
        return;
    }
    match plan.planned().attr("issuer").cloned() {
        Some(Value::String(issuer)) => {
            if let Err(problem) = keystore_seed(&issuer) {
                plan.diagnostics.attribute_error(
                    &AttributePath::attr("issuer"),
                    "No seed to sign with",
                    format!(
                        "Issuing the JWT needs the seed of {issuer}, and no `issuer_seed` or `issuer_seed_wo` is set: {problem}. Set `issuer_seed_wo` (or `issuer_seed`), or put the key into the nsc keystore."
                    ),
                );
            }
        }
        Some(Value::Unknown) => {}
        _ => plan.diagnostics.attribute_error(
            &AttributePath::attr("issuer_seed"),
            "Issuer seed is null",
            format!(
                "Issuing the JWT needs the {owner}'s seed, but `issuer_seed` and `issuer_seed_wo` are null. {NULL_SEED_HINT}"
            ),
        ),
    }
}

/// The key that signs at apply time, and the attribute to blame if it is wrong.
pub fn signing_key(
    seed_wo: Option<&str>,
    seed: Option<&str>,
    issuer: Option<&str>,
    kind: KeyKind,
    owner: &str,
) -> Result<KeyPair, Diagnostic> {
    let (seed, attribute) = match (seed_wo, seed, issuer) {
        (Some(seed), _, _) => (Secret::new(seed), "issuer_seed_wo"),
        (None, Some(seed), _) => (Secret::new(seed), "issuer_seed"),
        (None, None, Some(issuer)) => (
            keystore_seed(issuer).map_err(|problem| {
                Diagnostic::error(
                    "No seed to sign with",
                    format!("Issuing the JWT needs the seed of {issuer}: {problem}."),
                )
                .at(AttributePath::attr("issuer"))
            })?,
            "issuer",
        ),
        (None, None, None) => {
            return Err(Diagnostic::error(
                "Issuer seed needed",
                format!(
                "Issuing the JWT needs the {owner}'s seed: set `issuer_seed` or `issuer_seed_wo`."
            ),
            )
            .at(AttributePath::attr("issuer_seed")))
        }
    };
    signer(&seed, kind).map_err(|problem| {
        Diagnostic::error("Invalid issuer seed", format!("The seed {problem}."))
            .at(AttributePath::attr(attribute))
    })
}
