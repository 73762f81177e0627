//! A create never takes over data it did not make. JetStream answers a create of a
//! stream that already exists with the same configuration as a success, so without a
//! look first `terraform apply` would adopt a stream or bucket made outside Terraform
//! (or by another configuration) and a later destroy would delete its data. One that
//! holds data is refused with how to import it; an empty one is taken over, since
//! nothing can be lost: that is also what an apply finds after a create whose answer
//! was lost (server or plugin killed mid-apply), so the next apply converges.

use super::contents;
use super::Kind;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::nats::JetStreamApi;

pub async fn refuse_existing_data(
    api: &JetStreamApi,
    kind: &Kind,
    domain: Option<&str>,
    name: &str,
) -> Result<(), Diagnostics> {
    let noun = kind.noun;
    match contents::read(api, kind, name).await {
        Ok(Some(held)) if !held.is_empty() => Err(Diagnostic::error(
            format!("Cannot create {noun} {name}: it already exists and holds data"),
            format!(
                "{noun} {name} already exists on the server and holds {}. natsforge does not \
                 take over data it did not create, so nothing was changed. To manage it, import \
                 it (`terraform import <address> {}`, or an `import` block); otherwise delete \
                 it or choose another name.",
                held.describe(kind),
                kind.id(domain, name)
            ),
        )
        .into()),
        // Absent or empty: nothing to lose. A failed look is reported by the create.
        Ok(_) => Ok(()),
        Err(error) => {
            tracing::debug!(%error, "Contents before create not read");
            Ok(())
        }
    }
}
