//! The tfplugin6 gRPC service: decodes requests, hands them to the framework and the
//! provider's resources, encodes the answers. Knows nothing of any particular resource.
//!
//! Every request runs inside [`ProviderService::run`], which gives it a log span with
//! Terraform's field names, turns a panic into an error diagnostic (the plugin keeps
//! serving) and cancels it when Terraform calls StopProvider.

mod discovery;
mod handlers;

use super::diagnostics::Diagnostics;
use super::framework::{DynDataSource, DynResource, Provider};
use super::proto::tfplugin6 as pb;
use super::wire;
use futures::FutureExt;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;
use tonic::{Request, Response, Status};
use tracing::Instrument;

pub struct ProviderService<P: Provider> {
    provider: P,
    resources: BTreeMap<&'static str, Arc<dyn DynResource<P::Client>>>,
    data_sources: BTreeMap<&'static str, Arc<dyn DynDataSource<P::Client>>>,
    client: RwLock<Option<Arc<P::Client>>>,
    schema_response: OnceLock<pb::get_provider_schema::Response>,
    /// Bumped by StopProvider; requests started under an older generation are cancelled.
    stop_generation: tokio::sync::watch::Sender<u64>,
    next_request_id: AtomicU64,
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
        ProviderService {
            provider,
            resources,
            data_sources,
            client: RwLock::new(None),
            schema_response: OnceLock::new(),
            stop_generation: tokio::sync::watch::channel(0).0,
            next_request_id: AtomicU64::new(1),
        }
    }

    /// Runs one request: logging span, panic safety, cancellation by StopProvider.
    async fn run<R, F>(
        &self,
        rpc: &'static str,
        subject: Subject<'_>,
        work: F,
    ) -> Result<Response<R>, Status>
    where
        R: FailureResponse,
        F: Future<Output = Result<R, Diagnostics>>,
    {
        let request_id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let span = tracing::info_span!(
            "rpc",
            tf_provider_addr = self.provider.address(),
            tf_rpc = rpc,
            tf_req_id = request_id,
            tf_resource_type = tracing::field::Empty,
            tf_data_source_type = tracing::field::Empty,
        );
        match subject {
            Subject::Provider => {}
            Subject::Resource(name) => {
                span.record("tf_resource_type", name);
            }
            Subject::DataSource(name) => {
                span.record("tf_data_source_type", name);
            }
        }
        let started = Instant::now();
        let mut stop = self.stop_generation.subscribe();
        let generation = *stop.borrow();
        let outcome = async {
            tracing::debug!("Received request");
            let guarded = AssertUnwindSafe(work).catch_unwind();
            let result = tokio::select! {
                result = guarded => result.unwrap_or_else(|panic| Err(panic_diagnostics(rpc, &panic))),
                () = stopped(&mut stop, generation) => Err(cancelled_diagnostics()),
            };
            let elapsed = started.elapsed().as_millis() as u64;
            match &result {
                Ok(_) => tracing::debug!(tf_req_duration_ms = elapsed, "Served request"),
                Err(d) => tracing::debug!(
                    tf_req_duration_ms = elapsed,
                    diagnostics = d.iter().count(),
                    "Request ended with error diagnostics"
                ),
            }
            result
        }
        .instrument(span)
        .await;
        Ok(Response::new(outcome.unwrap_or_else(|diagnostics| {
            R::from_diagnostics(wire::diagnostics(diagnostics))
        })))
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

/// What a request is about, for the log fields Terraform's SDKs use.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Provider,
    Resource(&'a str),
    DataSource(&'a str),
}

async fn stopped(stop: &mut tokio::sync::watch::Receiver<u64>, generation: u64) {
    while *stop.borrow_and_update() == generation {
        if stop.changed().await.is_err() {
            // The service is gone; nothing will ever stop this request.
            std::future::pending::<()>().await;
        }
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

fn panic_diagnostics(rpc: &str, panic: &Box<dyn std::any::Any + Send>) -> Diagnostics {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(panic = %message, "Request handler panicked");
    let mut diagnostics = Diagnostics::new();
    diagnostics.error(
        "natsforge crashed while handling this request",
        format!("{rpc} panicked: {message}. The provider keeps running; please report this bug."),
    );
    diagnostics
}

fn cancelled_diagnostics() -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.error(
        "Operation cancelled",
        "Terraform asked the provider to stop (StopProvider) while this operation was in progress.",
    );
    diagnostics
}

/// The events of one ListResource call; a failure becomes one event with diagnostics.
struct ListEvents(Vec<pb::list_resource::Event>);

impl FailureResponse for ListEvents {
    fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self {
        ListEvents(vec![pb::list_resource::Event {
            diagnostic: diagnostics,
            ..Default::default()
        }])
    }
}

/// Responses that can carry only diagnostics, for requests that failed early.
trait FailureResponse: Send + 'static {
    fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self;
}

macro_rules! failure_responses {
    ($($module:ident),* $(,)?) => {
        $(
        // Some responses have nothing but diagnostics; the update then has no effect.
        #[allow(clippy::needless_update)]
        impl FailureResponse for pb::$module::Response {
            fn from_diagnostics(diagnostics: Vec<pb::Diagnostic>) -> Self {
                pb::$module::Response { diagnostics, ..Default::default() }
            }
        })*
    };
}

failure_responses!(
    get_metadata,
    get_provider_schema,
    validate_provider_config,
    validate_resource_config,
    validate_data_resource_config,
    upgrade_resource_state,
    get_resource_identity_schemas,
    configure_provider,
    read_resource,
    plan_resource_change,
    apply_resource_change,
    import_resource_state,
    move_resource_state,
    read_data_source,
    upgrade_resource_identity,
    validate_list_resource_config,
    generate_resource_config,
    get_functions,
);

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
            Ok(pb::get_functions::Response::default())
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
