//! natsforge itself: the provider block, its resources and data sources. The only
//! layer that knows both Terraform and NATS.

pub mod actions;
pub mod client;
pub mod config;
pub mod data_sources;
pub mod ephemeral;
pub mod functions;
pub mod resources;
pub mod rules;

use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::Schema;
use crate::framework::server::ProviderService;
use crate::framework::typed;
use crate::framework::value::Value;
use crate::framework::{
    self, DynAction, DynDataSource, DynEphemeralResource, DynResource, Function, Provider, Rule,
};
use crate::nats::SharedConnection;
use crate::protocol::server::Server;
use client::NatsClient;
use config::{Environment, ProviderConfig};
use std::sync::Arc;

/// The registry address Terraform knows this provider by.
pub const PROVIDER_ADDRESS: &str = "registry.terraform.io/natsforge/nats";

pub struct NatsProvider;

/// The tfplugin6 service for this provider, ready to be served.
pub fn service() -> Server<ProviderService<NatsProvider>> {
    Server::new(ProviderService::new(NatsProvider), PROVIDER_ADDRESS)
}

impl Provider for NatsProvider {
    type Client = NatsClient;
    type Config = ProviderConfig;

    fn schema(&self) -> Schema {
        config::schema()
    }

    fn rules(&self) -> &'static [Rule<ProviderConfig>] {
        config::RULES
    }

    async fn configure(&self, config: &Value) -> Result<NatsClient, Diagnostics> {
        if !config.is_wholly_known() {
            tracing::debug!("Provider configuration has unknown values; connecting is deferred");
            return Ok(NatsClient::deferred());
        }
        let config: ProviderConfig = typed::from_value(config).map_err(|e| {
            Diagnostics::from(Diagnostic::error(
                "Invalid provider configuration",
                e.to_string(),
            ))
        })?;
        let invalid = |e: &dyn std::fmt::Display| {
            Diagnostics::from(Diagnostic::error(
                "Invalid provider configuration",
                e.to_string(),
            ))
        };
        let resolved = config.resolve(&Environment::process()).map_err(|e| {
            let diagnostic = Diagnostic::error("Invalid provider configuration", e.to_string());
            Diagnostics::from(match e.attribute() {
                Some(path) => diagnostic.at(path),
                None => diagnostic,
            })
        })?;
        let main = resolved.main.into_options().map_err(|e| invalid(&e))?;
        let system = match resolved.system {
            Some(settings) => Some(SharedConnection::new(
                settings.into_options().map_err(|e| invalid(&e))?,
            )),
            None => None,
        };
        tracing::debug!(servers = %main.servers_for_display(), "Provider configured; connecting on first use");
        Ok(NatsClient::ready(
            SharedConnection::new(main),
            system,
            resolved.jetstream_domain,
        ))
    }

    fn resources(&self) -> Vec<Arc<dyn DynResource<NatsClient>>> {
        vec![
            framework::resource(resources::jetstream_stream::StreamResource),
            framework::resource(resources::jetstream_consumer::ConsumerResource),
            framework::resource(resources::jetstream_kv_bucket::KvBucketResource),
            framework::resource(resources::jetstream_kv_entry::KvEntryResource),
            framework::resource(resources::jetstream_object_bucket::ObjectBucketResource {
                alias: false,
            }),
            framework::resource(resources::jetstream_object_bucket::ObjectBucketResource {
                alias: true,
            }),
            framework::resource(resources::nkey::NkeyResource),
            framework::resource(resources::nkey_operator::NkeyOperatorResource),
            framework::resource(resources::nkey_account::NkeyAccountResource),
            framework::resource(resources::nkey_user::NkeyUserResource),
            framework::resource(resources::nkey_activation::NkeyActivationResource),
            framework::resource(resources::leafnode_config::LeafnodeConfigResource),
        ]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![
            Arc::new(functions::PublicKeyFunction),
            Arc::new(functions::CredsFunction),
            Arc::new(functions::DecodeJwtFunction),
        ]
    }

    fn actions(&self) -> Vec<Arc<dyn DynAction<NatsClient>>> {
        actions::all()
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<NatsClient>>> {
        vec![framework::ephemeral_resource(
            ephemeral::user_creds::UserCredsEphemeral,
        )]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<NatsClient>>> {
        vec![
            framework::data_source(data_sources::server::ServerDataSource),
            framework::data_source(data_sources::jetstream_stream::StreamDataSource),
            framework::data_source(data_sources::jetstream_streams::StreamsDataSource),
            framework::data_source(data_sources::jetstream_consumer::ConsumerDataSource),
            framework::data_source(data_sources::jetstream_kv_bucket::KvBucketDataSource),
            framework::data_source(data_sources::leafnodes::LeafnodesDataSource),
        ]
    }
}

#[cfg(test)]
#[path = "consistency_tests.rs"]
mod consistency_tests;
