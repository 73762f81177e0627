//! The framework as a protocol-level `ProviderServer`: each RPC runs its handler, and a
//! handler that stops early with diagnostics answers with them alone.

use super::ProviderService;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::wire;
use crate::framework::Provider;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::server::{ActionProgress, FailureResponse, ProviderServer};

fn respond<R: FailureResponse>(result: Result<R, Diagnostics>) -> R {
    result.unwrap_or_else(|diagnostics| R::from_diagnostics(wire::diagnostics(diagnostics)))
}

impl<P: Provider> ProviderServer for ProviderService<P> {
    async fn get_metadata(&self, _: pb::get_metadata::Request) -> pb::get_metadata::Response {
        self.metadata()
    }

    async fn get_provider_schema(
        &self,
        _: pb::get_provider_schema::Request,
    ) -> pb::get_provider_schema::Response {
        self.schema_response
            .get_or_init(|| self.provider_schema())
            .clone()
    }

    async fn get_resource_identity_schemas(
        &self,
        _: pb::get_resource_identity_schemas::Request,
    ) -> pb::get_resource_identity_schemas::Response {
        self.identity_schemas()
    }

    async fn get_functions(&self, _: pb::get_functions::Request) -> pb::get_functions::Response {
        pb::get_functions::Response {
            functions: self.function_definitions(),
            diagnostics: Vec::new(),
        }
    }

    async fn validate_provider_config(
        &self,
        request: pb::validate_provider_config::Request,
    ) -> pb::validate_provider_config::Response {
        respond(self.validate_provider(request).await)
    }

    async fn validate_resource_config(
        &self,
        request: pb::validate_resource_config::Request,
    ) -> pb::validate_resource_config::Response {
        respond(self.validate_resource(request).await)
    }

    async fn validate_data_resource_config(
        &self,
        request: pb::validate_data_resource_config::Request,
    ) -> pb::validate_data_resource_config::Response {
        respond(self.validate_data_source(request).await)
    }

    async fn configure_provider(
        &self,
        request: pb::configure_provider::Request,
    ) -> pb::configure_provider::Response {
        respond(self.configure(request).await)
    }

    async fn upgrade_resource_state(
        &self,
        request: pb::upgrade_resource_state::Request,
    ) -> pb::upgrade_resource_state::Response {
        respond(self.upgrade_state(request).await)
    }

    async fn read_resource(
        &self,
        request: pb::read_resource::Request,
    ) -> pb::read_resource::Response {
        respond(self.read(request).await)
    }

    async fn plan_resource_change(
        &self,
        request: pb::plan_resource_change::Request,
    ) -> pb::plan_resource_change::Response {
        respond(self.plan(request).await)
    }

    async fn apply_resource_change(
        &self,
        request: pb::apply_resource_change::Request,
    ) -> pb::apply_resource_change::Response {
        respond(self.apply(request).await)
    }

    async fn import_resource_state(
        &self,
        request: pb::import_resource_state::Request,
    ) -> pb::import_resource_state::Response {
        respond(self.import(request).await)
    }

    async fn move_resource_state(
        &self,
        request: pb::move_resource_state::Request,
    ) -> pb::move_resource_state::Response {
        respond(self.move_state(request).await)
    }

    async fn read_data_source(
        &self,
        request: pb::read_data_source::Request,
    ) -> pb::read_data_source::Response {
        respond(self.read_data(request).await)
    }

    async fn upgrade_resource_identity(
        &self,
        request: pb::upgrade_resource_identity::Request,
    ) -> pb::upgrade_resource_identity::Response {
        respond(self.upgrade_identity(request).await)
    }

    async fn validate_list_resource_config(
        &self,
        request: pb::validate_list_resource_config::Request,
    ) -> pb::validate_list_resource_config::Response {
        respond(self.validate_list_config(request).await)
    }

    async fn list_resource(
        &self,
        request: pb::list_resource::Request,
    ) -> Vec<pb::list_resource::Event> {
        respond(self.list_objects(request).await)
    }

    async fn generate_resource_config(
        &self,
        request: pb::generate_resource_config::Request,
    ) -> pb::generate_resource_config::Response {
        respond(self.generate_config(request).await)
    }

    async fn call_function(
        &self,
        request: pb::call_function::Request,
    ) -> pb::call_function::Response {
        self.call(request)
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: pb::validate_ephemeral_resource_config::Request,
    ) -> pb::validate_ephemeral_resource_config::Response {
        respond(self.validate_ephemeral(request).await)
    }

    async fn open_ephemeral_resource(
        &self,
        request: pb::open_ephemeral_resource::Request,
    ) -> pb::open_ephemeral_resource::Response {
        respond(self.open_ephemeral(request).await)
    }

    /// Nothing natsforge opens needs renewing: results carry their own expiry.
    async fn renew_ephemeral_resource(
        &self,
        _: pb::renew_ephemeral_resource::Request,
    ) -> pb::renew_ephemeral_resource::Response {
        pb::renew_ephemeral_resource::Response::default()
    }

    /// Nothing natsforge opens holds a server-side handle to release.
    async fn close_ephemeral_resource(
        &self,
        _: pb::close_ephemeral_resource::Request,
    ) -> pb::close_ephemeral_resource::Response {
        pb::close_ephemeral_resource::Response::default()
    }

    async fn validate_action_config(
        &self,
        request: pb::validate_action_config::Request,
    ) -> pb::validate_action_config::Response {
        self.validate_action(request)
    }

    async fn plan_action(&self, request: pb::plan_action::Request) -> pb::plan_action::Response {
        self.plan_action_config(request)
    }

    async fn invoke_action(
        &self,
        request: pb::invoke_action::Request,
        progress: ActionProgress,
    ) -> pb::invoke_action::event::Completed {
        let diagnostics = self
            .invoke_with(request, super::actions::progress_events(progress))
            .await;
        pb::invoke_action::event::Completed {
            diagnostics: wire::diagnostics(diagnostics),
        }
    }
}
