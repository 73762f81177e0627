//! `terraform query` for JetStream objects: every stream of a domain, read once, from
//! which each resource keeps the ones shaped like its kind.

use super::Kind;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Attribute, Schema};
use crate::framework::typed;
use crate::framework::value::Value;
use crate::framework::Field;
use crate::nats::jetstream::StreamInfo;
use crate::provider::client::NatsClient;
use serde::Deserialize;

/// A list block's arguments (`subject` only for streams).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListConfig {
    pub domain: Field<String>,
    pub subject: Field<String>,
}

/// The list block's arguments: the domain to list.
pub fn schema(kind: &Kind) -> Schema {
    Schema::new(format!("Lists the {}s of a JetStream domain.", kind.noun)).attribute(
        Attribute::string("domain")
            .optional()
            .description("The JetStream domain; defaults to the provider's."),
    )
}

/// The list block's arguments and the streams of the domain it names (with their
/// config and state), only those storing messages on its `subject` when it has one.
pub async fn streams(
    client: &NatsClient,
    kind: &Kind,
    config: &Value,
) -> Result<(ListConfig, Vec<StreamInfo>), Diagnostics> {
    let config: ListConfig = typed::from_value(config).map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            format!("Cannot list {}s", kind.noun),
            format!("The list block does not read as expected: {e}."),
        ))
    })?;
    let api = client
        .jetstream(config.domain.known().map(String::as_str))
        .await?;
    let subject = config.subject.known().map(String::as_str);
    let streams = api.list_streams(subject).await.map_err(|e| {
        Diagnostics::from(Diagnostic::error(
            format!("Cannot list {}s", kind.noun),
            e.to_string(),
        ))
    })?;
    Ok((config, streams))
}
