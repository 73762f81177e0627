//! The tfplugin6 gRPC service as thin translation: every RPC is handed, as its protobuf
//! request, to a [`ProviderServer`] (terraform-plugin-go's `tfprotov6.ProviderServer`)
//! and its response returned. What every request gets, whatever answers it, lives here:
//! a request id and Terraform's log fields, a panic turned into an error diagnostic (the
//! plugin keeps serving), and cancellation when Terraform calls StopProvider.
//!
//! Knows nothing of schemas, values or resources.

mod action;
mod failure;
mod rpc;

pub use action::ActionProgress;
pub use failure::FailureResponse;

use crate::protocol::proto::tfplugin6 as pb;
use futures::FutureExt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tracing::Instrument;

/// Answers Terraform's provider RPCs, one protobuf request at a time. Failures travel
/// as diagnostics inside the responses; the protocol server adds nothing but safety.
pub trait ProviderServer: Send + Sync + 'static {
    fn get_metadata(
        &self,
        request: pb::get_metadata::Request,
    ) -> impl Future<Output = pb::get_metadata::Response> + Send;
    fn get_provider_schema(
        &self,
        request: pb::get_provider_schema::Request,
    ) -> impl Future<Output = pb::get_provider_schema::Response> + Send;
    fn get_resource_identity_schemas(
        &self,
        request: pb::get_resource_identity_schemas::Request,
    ) -> impl Future<Output = pb::get_resource_identity_schemas::Response> + Send;
    fn get_functions(
        &self,
        request: pb::get_functions::Request,
    ) -> impl Future<Output = pb::get_functions::Response> + Send;
    fn validate_provider_config(
        &self,
        request: pb::validate_provider_config::Request,
    ) -> impl Future<Output = pb::validate_provider_config::Response> + Send;
    fn validate_resource_config(
        &self,
        request: pb::validate_resource_config::Request,
    ) -> impl Future<Output = pb::validate_resource_config::Response> + Send;
    fn validate_data_resource_config(
        &self,
        request: pb::validate_data_resource_config::Request,
    ) -> impl Future<Output = pb::validate_data_resource_config::Response> + Send;
    fn configure_provider(
        &self,
        request: pb::configure_provider::Request,
    ) -> impl Future<Output = pb::configure_provider::Response> + Send;
    fn upgrade_resource_state(
        &self,
        request: pb::upgrade_resource_state::Request,
    ) -> impl Future<Output = pb::upgrade_resource_state::Response> + Send;
    fn read_resource(
        &self,
        request: pb::read_resource::Request,
    ) -> impl Future<Output = pb::read_resource::Response> + Send;
    fn plan_resource_change(
        &self,
        request: pb::plan_resource_change::Request,
    ) -> impl Future<Output = pb::plan_resource_change::Response> + Send;
    fn apply_resource_change(
        &self,
        request: pb::apply_resource_change::Request,
    ) -> impl Future<Output = pb::apply_resource_change::Response> + Send;
    fn import_resource_state(
        &self,
        request: pb::import_resource_state::Request,
    ) -> impl Future<Output = pb::import_resource_state::Response> + Send;
    fn move_resource_state(
        &self,
        request: pb::move_resource_state::Request,
    ) -> impl Future<Output = pb::move_resource_state::Response> + Send;
    fn read_data_source(
        &self,
        request: pb::read_data_source::Request,
    ) -> impl Future<Output = pb::read_data_source::Response> + Send;
    fn upgrade_resource_identity(
        &self,
        request: pb::upgrade_resource_identity::Request,
    ) -> impl Future<Output = pb::upgrade_resource_identity::Response> + Send;
    fn validate_list_resource_config(
        &self,
        request: pb::validate_list_resource_config::Request,
    ) -> impl Future<Output = pb::validate_list_resource_config::Response> + Send;
    /// The events of a listing, bounded by the request's limit.
    fn list_resource(
        &self,
        request: pb::list_resource::Request,
    ) -> impl Future<Output = Vec<pb::list_resource::Event>> + Send;
    fn generate_resource_config(
        &self,
        request: pb::generate_resource_config::Request,
    ) -> impl Future<Output = pb::generate_resource_config::Response> + Send;
    fn call_function(
        &self,
        request: pb::call_function::Request,
    ) -> impl Future<Output = pb::call_function::Response> + Send;
    fn validate_ephemeral_resource_config(
        &self,
        request: pb::validate_ephemeral_resource_config::Request,
    ) -> impl Future<Output = pb::validate_ephemeral_resource_config::Response> + Send;
    fn open_ephemeral_resource(
        &self,
        request: pb::open_ephemeral_resource::Request,
    ) -> impl Future<Output = pb::open_ephemeral_resource::Response> + Send;
    fn renew_ephemeral_resource(
        &self,
        request: pb::renew_ephemeral_resource::Request,
    ) -> impl Future<Output = pb::renew_ephemeral_resource::Response> + Send;
    fn close_ephemeral_resource(
        &self,
        request: pb::close_ephemeral_resource::Request,
    ) -> impl Future<Output = pb::close_ephemeral_resource::Response> + Send;
    fn validate_action_config(
        &self,
        request: pb::validate_action_config::Request,
    ) -> impl Future<Output = pb::validate_action_config::Response> + Send;
    fn plan_action(
        &self,
        request: pb::plan_action::Request,
    ) -> impl Future<Output = pb::plan_action::Response> + Send;
    /// Runs an action (Terraform >= 1.14). Progress messages go to Terraform through
    /// `progress` while it runs; the answer is the completion event ending the stream.
    fn invoke_action(
        &self,
        request: pb::invoke_action::Request,
        progress: ActionProgress,
    ) -> impl Future<Output = pb::invoke_action::event::Completed> + Send;
}

/// The tonic service around a [`ProviderServer`].
pub struct Server<S> {
    /// Shared with actions' invocations, which outlive the RPC call that starts them.
    inner: Arc<S>,
    /// The registry address, for the `tf_provider_addr` log field.
    address: &'static str,
    /// Bumped by StopProvider; requests started under an older generation are cancelled.
    stop_generation: tokio::sync::watch::Sender<u64>,
    next_request_id: AtomicU64,
}

impl<S: ProviderServer> Server<S> {
    pub fn new(inner: S, address: &'static str) -> Self {
        Server {
            inner: Arc::new(inner),
            address,
            stop_generation: tokio::sync::watch::channel(0).0,
            next_request_id: AtomicU64::new(1),
        }
    }

    /// Runs one request: logging span, panic safety, cancellation by StopProvider.
    async fn run<R, F>(&self, rpc: &'static str, subject: Subject<'_>, work: F) -> R
    where
        R: FailureResponse,
        F: Future<Output = R>,
    {
        self.begin(rpc, subject).run(work).await
    }

    /// What a request needs from the service, owned, so the work may outlive the call
    /// that started it (an action's invocation streams its events from a task).
    fn begin(&self, rpc: &'static str, subject: Subject<'_>) -> RequestScope {
        let request_id = self.next_request_id.fetch_add(1, Ordering::Relaxed);
        let span = tracing::info_span!(
            "rpc",
            tf_provider_addr = self.address,
            tf_rpc = rpc,
            tf_req_id = request_id,
            tf_resource_type = tracing::field::Empty,
            tf_data_source_type = tracing::field::Empty,
            tf_function_name = tracing::field::Empty,
            tf_action_type = tracing::field::Empty,
        );
        match subject {
            Subject::Provider => {}
            Subject::Resource(name) => {
                span.record("tf_resource_type", name);
            }
            Subject::DataSource(name) => {
                span.record("tf_data_source_type", name);
            }
            Subject::Function(name) => {
                span.record("tf_function_name", name);
            }
            Subject::Action(name) => {
                span.record("tf_action_type", name);
            }
        }
        let stop = self.stop_generation.subscribe();
        let generation = *stop.borrow();
        RequestScope {
            rpc,
            span,
            stop,
            generation,
        }
    }

    fn stop(&self) {
        tracing::info!(tf_rpc = "StopProvider", "Cancelling in-flight operations");
        self.stop_generation
            .send_modify(|generation| *generation += 1);
    }
}

/// What a request is about, for the log fields Terraform's SDKs use.
#[derive(Clone, Copy)]
enum Subject<'a> {
    Provider,
    Resource(&'a str),
    DataSource(&'a str),
    Function(&'a str),
    Action(&'a str),
}

/// One request's span and its view of StopProvider.
struct RequestScope {
    rpc: &'static str,
    span: tracing::Span,
    stop: tokio::sync::watch::Receiver<u64>,
    generation: u64,
}

impl RequestScope {
    async fn run<R, F>(mut self, work: F) -> R
    where
        R: FailureResponse,
        F: Future<Output = R>,
    {
        let rpc = self.rpc;
        let started = Instant::now();
        let span = self.span.clone();
        async move {
            tracing::debug!("Received request");
            let guarded = AssertUnwindSafe(work).catch_unwind();
            let response = tokio::select! {
                result = guarded => result.unwrap_or_else(|panic| R::from_panic(rpc, &panic_message(&panic))),
                () = stopped(&mut self.stop, self.generation) => R::from_failure(
                    "Operation cancelled",
                    "Terraform asked the provider to stop (StopProvider) while this operation was in progress.",
                ),
            };
            let elapsed = started.elapsed().as_millis() as u64;
            let errors = response.error_count();
            if errors == 0 {
                tracing::debug!(tf_req_duration_ms = elapsed, "Served request");
            } else {
                tracing::debug!(
                    tf_req_duration_ms = elapsed,
                    diagnostics = errors,
                    "Request ended with error diagnostics"
                );
            }
            response
        }
        .instrument(span)
        .await
    }
}

async fn stopped(stop: &mut tokio::sync::watch::Receiver<u64>, generation: u64) {
    while *stop.borrow_and_update() == generation {
        if stop.changed().await.is_err() {
            // The service is gone; nothing will ever stop this request.
            std::future::pending::<()>().await;
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let message = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    tracing::error!(panic = %message, "Request handler panicked");
    message
}

#[cfg(test)]
mod tests;
