//! Each tfplugin6 RPC: unwrap the request, note what it is about for the logs, and run
//! the [`ProviderServer`]'s answer inside [`Server::run`].

use super::{ProviderServer, Server, Subject};
use crate::protocol::proto::tfplugin6 as pb;
use tonic::{Request, Response, Status};

/// The name a request is about (empty for the provider itself).
macro_rules! subject_name {
    ($request:ident) => {
        String::new()
    };
    ($request:ident, $field:ident) => {
        $request.$field.clone()
    };
}

/// What a request is about, by kind.
macro_rules! subject {
    (provider, $name:expr) => {{
        let _ = $name;
        Subject::Provider
    }};
    (resource, $name:expr) => {
        Subject::Resource($name)
    };
    (data_source, $name:expr) => {
        Subject::DataSource($name)
    };
    (function, $name:expr) => {
        Subject::Function($name)
    };
    (action, $name:expr) => {
        Subject::Action($name)
    };
}

/// The service: one unary method per `(method, message module, RPC name, subject)`,
/// plus the methods that are not plain request-response.
macro_rules! service {
    ($($method:ident: $module:ident, $rpc:literal, $kind:ident $($field:ident)?;)*) => {
        #[tonic::async_trait]
        impl<S: ProviderServer> pb::provider_server::Provider for Server<S> {
            $(async fn $method(
                &self,
                request: Request<pb::$module::Request>,
            ) -> Result<Response<pb::$module::Response>, Status> {
                let request = request.into_inner();
                let name = subject_name!(request $(, $field)?);
                let subject = subject!($kind, &name);
                Ok(Response::new(self.run($rpc, subject, self.inner.$method(request)).await))
            })*

            async fn list_resource(
                &self,
                request: Request<pb::list_resource::Request>,
            ) -> Result<Response<tonic::codegen::BoxStream<pb::list_resource::Event>>, Status> {
                let request = request.into_inner();
                let type_name = request.type_name.clone();
                // Listing is bounded by Terraform's limit, so the events are gathered
                // first and streamed afterwards, with the same span, panic and stop
                // handling as any other request.
                let events = self
                    .run(
                        "ListResource",
                        Subject::Resource(&type_name),
                        self.inner.list_resource(request),
                    )
                    .await;
                Ok(Response::new(Box::pin(tokio_stream::iter(
                    events.into_iter().map(Ok),
                ))))
            }

            async fn invoke_action(
                &self,
                request: Request<pb::invoke_action::Request>,
            ) -> Result<Response<super::action::EventStream>, Status> {
                Ok(Response::new(self.invoke(request.into_inner())))
            }

            async fn stop_provider(
                &self,
                _: Request<pb::stop_provider::Request>,
            ) -> Result<Response<pb::stop_provider::Response>, Status> {
                self.stop();
                Ok(Response::new(pb::stop_provider::Response::default()))
            }
        }
    };
}

service! {
    get_metadata: get_metadata, "GetMetadata", provider;
    get_provider_schema: get_provider_schema, "GetProviderSchema", provider;
    get_resource_identity_schemas: get_resource_identity_schemas, "GetResourceIdentitySchemas", provider;
    get_functions: get_functions, "GetFunctions", provider;
    validate_provider_config: validate_provider_config, "ValidateProviderConfig", provider;
    validate_resource_config: validate_resource_config, "ValidateResourceConfig", resource type_name;
    validate_data_resource_config: validate_data_resource_config, "ValidateDataResourceConfig", data_source type_name;
    configure_provider: configure_provider, "ConfigureProvider", provider;
    upgrade_resource_state: upgrade_resource_state, "UpgradeResourceState", resource type_name;
    read_resource: read_resource, "ReadResource", resource type_name;
    plan_resource_change: plan_resource_change, "PlanResourceChange", resource type_name;
    apply_resource_change: apply_resource_change, "ApplyResourceChange", resource type_name;
    import_resource_state: import_resource_state, "ImportResourceState", resource type_name;
    move_resource_state: move_resource_state, "MoveResourceState", resource target_type_name;
    read_data_source: read_data_source, "ReadDataSource", data_source type_name;
    upgrade_resource_identity: upgrade_resource_identity, "UpgradeResourceIdentity", resource type_name;
    validate_list_resource_config: validate_list_resource_config, "ValidateListResourceConfig", resource type_name;
    generate_resource_config: generate_resource_config, "GenerateResourceConfig", resource type_name;
    call_function: call_function, "CallFunction", function name;
    validate_ephemeral_resource_config: validate_ephemeral_resource_config, "ValidateEphemeralResourceConfig", resource type_name;
    open_ephemeral_resource: open_ephemeral_resource, "OpenEphemeralResource", resource type_name;
    renew_ephemeral_resource: renew_ephemeral_resource, "RenewEphemeralResource", resource type_name;
    close_ephemeral_resource: close_ephemeral_resource, "CloseEphemeralResource", resource type_name;
    validate_action_config: validate_action_config, "ValidateActionConfig", action type_name;
    plan_action: plan_action, "PlanAction", action action_type;
}
