//! `terraform query` for JetStream objects: every stream of a domain, read once, from
//! which each resource keeps the ones shaped like its kind.

use super::Kind;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::Value;
use crate::nats::jetstream::StreamInfo;
use crate::provider::client::NatsClient;

/// The list block's arguments: the domain to list.
pub fn schema(kind: &Kind) -> Schema {
    Schema::new(format!("Lists the {}s of a JetStream domain.", kind.noun)).attribute(
        Attribute::string("domain")
            .optional()
            .description("The JetStream domain; defaults to the provider's."),
    )
}

/// The streams of the domain the list block names (with their config and state),
/// only those storing messages on `subject` when it is given, and that domain.
pub async fn streams(
    client: &NatsClient,
    kind: &Kind,
    config: &Value,
    subject: Option<&str>,
) -> Result<(Option<String>, Vec<StreamInfo>), Diagnostics> {
    let domain = config
        .attr("domain")
        .and_then(Value::as_str)
        .map(str::to_string);
    let api = client.jetstream(domain.as_deref()).await?;
    let streams = api.list_streams(subject).await.map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            format!("Cannot list {}s", kind.noun),
            e.to_string(),
        ))
    })?;
    Ok((domain, streams))
}
