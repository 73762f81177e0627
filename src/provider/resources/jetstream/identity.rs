//! The identity every JetStream object has: the domain it lives in (optional: the
//! provider's default) and the names that locate it there.

use crate::framework::schema::{IdentityAttribute, IdentitySchema};
use crate::framework::value::Type;

/// `{ domain, <names...> }`, each name `(attribute, description)` and required.
pub fn jetstream_identity(names: &[(&'static str, &'static str)]) -> IdentitySchema {
    let domain = IdentityAttribute {
        name: "domain",
        ty: Type::String,
        required_for_import: false,
        description: "The JetStream domain; leave out for the provider's default.",
    };
    let named = names.iter().map(|(name, description)| IdentityAttribute {
        name,
        ty: Type::String,
        required_for_import: true,
        description,
    });
    IdentitySchema {
        version: 0,
        attributes: std::iter::once(domain).chain(named).collect(),
    }
}
