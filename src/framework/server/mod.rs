//! The framework's answer to each tfplugin6 request (a `protocol::server::ProviderServer`):
//! decode values, validate, plan, orchestrate apply, keep write-only values and
//! unknowns out of state, prune stored state to the schema, identity, import, move,
//! list, functions, ephemeral resources and actions. Knows nothing of any particular resource.

mod actions;
mod discovery;
mod functions;
mod handlers;
mod rpc;

use super::action::DynAction;
use super::diagnostics::Diagnostics;
use super::schema::Schema;
use super::value::Type;
use super::{DynDataSource, DynEphemeralResource, DynResource, Function, Provider};
use crate::protocol::proto::tfplugin6 as pb;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock, RwLock};

pub struct ProviderService<P: Provider> {
    provider: P,
    /// The provider block's schema and value type, built once.
    provider_schema: Schema,
    provider_type: Type,
    resources: BTreeMap<&'static str, Arc<dyn DynResource<P::Client>>>,
    data_sources: BTreeMap<&'static str, Arc<dyn DynDataSource<P::Client>>>,
    ephemeral_resources: BTreeMap<&'static str, Arc<dyn DynEphemeralResource<P::Client>>>,
    functions: BTreeMap<&'static str, Arc<dyn Function>>,
    actions: BTreeMap<&'static str, Arc<dyn DynAction<P::Client>>>,
    client: RwLock<Option<Arc<P::Client>>>,
    schema_response: OnceLock<pb::get_provider_schema::Response>,
}

impl<P: Provider> ProviderService<P> {
    pub fn new(provider: P) -> Self {
        let resources = provider
            .resources()
            .into_iter()
            .map(|r| (r.type_name(), r))
            .collect();
        let data_sources = provider
            .data_sources()
            .into_iter()
            .map(|d| (d.type_name(), d))
            .collect();
        let ephemeral_resources = provider
            .ephemeral_resources()
            .into_iter()
            .map(|e| (e.type_name(), e))
            .collect();
        let functions = provider
            .functions()
            .into_iter()
            .map(|f| (f.name(), f))
            .collect();
        let actions = provider
            .actions()
            .into_iter()
            .map(|a| (a.type_name(), a))
            .collect();
        let provider_schema = provider.schema();
        let provider_type = provider_schema.value_type();
        ProviderService {
            provider,
            provider_schema,
            provider_type,
            resources,
            data_sources,
            ephemeral_resources,
            functions,
            actions,
            client: RwLock::new(None),
            schema_response: OnceLock::new(),
        }
    }

    fn resource(&self, type_name: &str) -> Result<Arc<dyn DynResource<P::Client>>, Diagnostics> {
        self.resources
            .get(type_name)
            .cloned()
            .ok_or_else(|| unknown_type("resource", type_name))
    }

    fn data_source(
        &self,
        type_name: &str,
    ) -> Result<Arc<dyn DynDataSource<P::Client>>, Diagnostics> {
        self.data_sources
            .get(type_name)
            .cloned()
            .ok_or_else(|| unknown_type("data source", type_name))
    }

    fn client(&self) -> Result<Arc<P::Client>, Diagnostics> {
        let configured = self.client.read().ok().and_then(|guard| guard.clone());
        configured.ok_or_else(|| {
            let mut diagnostics = Diagnostics::new();
            diagnostics.error(
                "Provider not configured",
                "Terraform has not configured this provider instance yet. This is a bug in Terraform or natsforge.",
            );
            diagnostics
        })
    }
}

fn unknown_type(kind: &str, type_name: &str) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.error(
        format!("Unknown {kind} type"),
        format!("This provider has no {kind} named {type_name:?}."),
    );
    diagnostics
}

#[cfg(test)]
mod tests;
