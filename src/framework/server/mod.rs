//! The tfplugin6 gRPC service: decodes requests, hands them to the framework and the
//! provider's resources, encodes the answers. Knows nothing of any particular resource.
//!
//! Every request runs inside [`ProviderService::run`], which gives it a log span with
//! Terraform's field names, turns a panic into an error diagnostic (the plugin keeps
//! serving) and cancels it when Terraform calls StopProvider.

mod discovery;
mod functions;
mod handlers;
mod rpc;

use super::diagnostics::Diagnostics;
use super::wire;
use super::{DynDataSource, DynEphemeralResource, DynResource, Function, Provider};
use crate::protocol::proto::tfplugin6 as pb;
use futures::FutureExt;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::Instant;
use tonic::{Response, Status};
use tracing::Instrument;

pub struct ProviderService<P: Provider> {
    provider: P,
    resources: BTreeMap<&'static str, Arc<dyn DynResource<P::Client>>>,
    data_sources: BTreeMap<&'static str, Arc<dyn DynDataSource<P::Client>>>,
    ephemeral_resources: BTreeMap<&'static str, Arc<dyn DynEphemeralResource<P::Client>>>,
    functions: BTreeMap<&'static str, Arc<dyn Function>>,
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
        ProviderService {
            provider,
            resources,
            data_sources,
            ephemeral_resources,
            functions,
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
    validate_ephemeral_resource_config,
    open_ephemeral_resource,
    get_functions,
);

#[cfg(test)]
mod tests;
