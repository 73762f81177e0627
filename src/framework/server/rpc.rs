//! The tfplugin6 RPCs: each unwraps its request and runs the matching handler inside
//! [`ProviderService::run`].

use super::{ListEvents, ProviderService, Subject};
use crate::framework::Provider;
use crate::protocol::proto::tfplugin6 as pb;
use std::panic::AssertUnwindSafe;
use tonic::{Request, Response, Status};

#[tonic::async_trait]
impl<P: Provider> pb::provider_server::Provider for ProviderService<P> {
    async fn get_metadata(
        &self,
        _: Request<pb::get_metadata::Request>,
    ) -> Result<Response<pb::get_metadata::Response>, Status> {
        self.run("GetMetadata", Subject::Provider, async {
            Ok(self.metadata())
        })
        .await
    }

    async fn get_provider_schema(
        &self,
        _: Request<pb::get_provider_schema::Request>,
    ) -> Result<Response<pb::get_provider_schema::Response>, Status> {
        self.run("GetProviderSchema", Subject::Provider, async {
            Ok(self
                .schema_response
                .get_or_init(|| self.provider_schema())
                .clone())
        })
        .await
    }

    async fn get_resource_identity_schemas(
        &self,
        _: Request<pb::get_resource_identity_schemas::Request>,
    ) -> Result<Response<pb::get_resource_identity_schemas::Response>, Status> {
        self.run("GetResourceIdentitySchemas", Subject::Provider, async {
            Ok(self.identity_schemas())
        })
        .await
    }

    async fn get_functions(
        &self,
        _: Request<pb::get_functions::Request>,
    ) -> Result<Response<pb::get_functions::Response>, Status> {
        self.run("GetFunctions", Subject::Provider, async {
            Ok(pb::get_functions::Response {
                functions: self.function_definitions(),
                diagnostics: Vec::new(),
            })
        })
        .await
    }

    async fn validate_provider_config(
        &self,
        request: Request<pb::validate_provider_config::Request>,
    ) -> Result<Response<pb::validate_provider_config::Response>, Status> {
        let request = request.into_inner();
        self.run(
            "ValidateProviderConfig",
            Subject::Provider,
            self.validate_provider(request),
        )
        .await
    }

    async fn validate_resource_config(
        &self,
        request: Request<pb::validate_resource_config::Request>,
    ) -> Result<Response<pb::validate_resource_config::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ValidateResourceConfig",
            Subject::Resource(&type_name),
            self.validate_resource(request),
        )
        .await
    }

    async fn validate_data_resource_config(
        &self,
        request: Request<pb::validate_data_resource_config::Request>,
    ) -> Result<Response<pb::validate_data_resource_config::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ValidateDataResourceConfig",
            Subject::DataSource(&type_name),
            self.validate_data_source(request),
        )
        .await
    }

    async fn configure_provider(
        &self,
        request: Request<pb::configure_provider::Request>,
    ) -> Result<Response<pb::configure_provider::Response>, Status> {
        let request = request.into_inner();
        self.run(
            "ConfigureProvider",
            Subject::Provider,
            self.configure(request),
        )
        .await
    }

    async fn upgrade_resource_state(
        &self,
        request: Request<pb::upgrade_resource_state::Request>,
    ) -> Result<Response<pb::upgrade_resource_state::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "UpgradeResourceState",
            Subject::Resource(&type_name),
            self.upgrade_state(request),
        )
        .await
    }

    async fn read_resource(
        &self,
        request: Request<pb::read_resource::Request>,
    ) -> Result<Response<pb::read_resource::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ReadResource",
            Subject::Resource(&type_name),
            self.read(request),
        )
        .await
    }

    async fn plan_resource_change(
        &self,
        request: Request<pb::plan_resource_change::Request>,
    ) -> Result<Response<pb::plan_resource_change::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "PlanResourceChange",
            Subject::Resource(&type_name),
            self.plan(request),
        )
        .await
    }

    async fn apply_resource_change(
        &self,
        request: Request<pb::apply_resource_change::Request>,
    ) -> Result<Response<pb::apply_resource_change::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ApplyResourceChange",
            Subject::Resource(&type_name),
            self.apply(request),
        )
        .await
    }

    async fn import_resource_state(
        &self,
        request: Request<pb::import_resource_state::Request>,
    ) -> Result<Response<pb::import_resource_state::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ImportResourceState",
            Subject::Resource(&type_name),
            self.import(request),
        )
        .await
    }

    async fn move_resource_state(
        &self,
        request: Request<pb::move_resource_state::Request>,
    ) -> Result<Response<pb::move_resource_state::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.target_type_name.clone();
        self.run(
            "MoveResourceState",
            Subject::Resource(&type_name),
            self.move_state(request),
        )
        .await
    }

    async fn read_data_source(
        &self,
        request: Request<pb::read_data_source::Request>,
    ) -> Result<Response<pb::read_data_source::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ReadDataSource",
            Subject::DataSource(&type_name),
            self.read_data(request),
        )
        .await
    }

    async fn upgrade_resource_identity(
        &self,
        request: Request<pb::upgrade_resource_identity::Request>,
    ) -> Result<Response<pb::upgrade_resource_identity::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "UpgradeResourceIdentity",
            Subject::Resource(&type_name),
            self.upgrade_identity(request),
        )
        .await
    }

    async fn validate_list_resource_config(
        &self,
        request: Request<pb::validate_list_resource_config::Request>,
    ) -> Result<Response<pb::validate_list_resource_config::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ValidateListResourceConfig",
            Subject::Resource(&type_name),
            self.validate_list_config(request),
        )
        .await
    }

    async fn list_resource(
        &self,
        request: Request<pb::list_resource::Request>,
    ) -> Result<Response<tonic::codegen::BoxStream<pb::list_resource::Event>>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        // Listing is bounded by Terraform's limit, so the events are gathered first and
        // streamed afterwards; run() gives it the same span, panic and stop handling.
        let events = self
            .run("ListResource", Subject::Resource(&type_name), async {
                Ok(ListEvents(self.list_events(request).await))
            })
            .await?
            .into_inner()
            .0;
        Ok(Response::new(Box::pin(tokio_stream::iter(
            events.into_iter().map(Ok),
        ))))
    }

    async fn generate_resource_config(
        &self,
        request: Request<pb::generate_resource_config::Request>,
    ) -> Result<Response<pb::generate_resource_config::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "GenerateResourceConfig",
            Subject::Resource(&type_name),
            self.generate_config(request),
        )
        .await
    }

    async fn call_function(
        &self,
        request: Request<pb::call_function::Request>,
    ) -> Result<Response<pb::call_function::Response>, Status> {
        let request = request.into_inner();
        let span =
            tracing::info_span!("rpc", tf_rpc = "CallFunction", tf_function_name = %request.name);
        let _entered = span.enter();
        // Functions are pure and synchronous; a panic still must not end the plugin.
        let name = request.name.clone();
        let response = std::panic::catch_unwind(AssertUnwindSafe(|| self.call(request)))
            .unwrap_or_else(|_| pb::call_function::Response {
                result: None,
                error: Some(pb::FunctionError {
                    text: format!("{name} crashed; please report this bug"),
                    function_argument: None,
                }),
            });
        Ok(Response::new(response))
    }

    async fn validate_ephemeral_resource_config(
        &self,
        request: Request<pb::validate_ephemeral_resource_config::Request>,
    ) -> Result<Response<pb::validate_ephemeral_resource_config::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "ValidateEphemeralResourceConfig",
            Subject::Resource(&type_name),
            self.validate_ephemeral(request),
        )
        .await
    }

    async fn open_ephemeral_resource(
        &self,
        request: Request<pb::open_ephemeral_resource::Request>,
    ) -> Result<Response<pb::open_ephemeral_resource::Response>, Status> {
        let request = request.into_inner();
        let type_name = request.type_name.clone();
        self.run(
            "OpenEphemeralResource",
            Subject::Resource(&type_name),
            self.open_ephemeral(request),
        )
        .await
    }

    /// Nothing natsforge opens needs renewing: results carry their own expiry.
    async fn renew_ephemeral_resource(
        &self,
        _: Request<pb::renew_ephemeral_resource::Request>,
    ) -> Result<Response<pb::renew_ephemeral_resource::Response>, Status> {
        Ok(Response::new(
            pb::renew_ephemeral_resource::Response::default(),
        ))
    }

    /// Nothing natsforge opens holds a server-side handle to release.
    async fn close_ephemeral_resource(
        &self,
        _: Request<pb::close_ephemeral_resource::Request>,
    ) -> Result<Response<pb::close_ephemeral_resource::Response>, Status> {
        Ok(Response::new(
            pb::close_ephemeral_resource::Response::default(),
        ))
    }

    async fn stop_provider(
        &self,
        _: Request<pb::stop_provider::Request>,
    ) -> Result<Response<pb::stop_provider::Response>, Status> {
        tracing::info!(tf_rpc = "StopProvider", "Cancelling in-flight operations");
        self.stop_generation
            .send_modify(|generation| *generation += 1);
        Ok(Response::new(pb::stop_provider::Response::default()))
    }
}
