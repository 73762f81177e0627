//! The go-plugin side of being a Terraform provider: checking we were launched by
//! Terraform, listening on a private socket, AutoMTLS, announcing ourselves on
//! stdout, serving `tfplugin6.Provider` next to go-plugin's housekeeping services,
//! and exiting promptly when Terraform says so, or when it is gone without a word.
//!
//! [`serve`] is generic over the provider service so this layer never depends on
//! how the provider is implemented.

mod announce;
mod env;
mod host_watch;
mod listener;
mod services;
mod signals;
mod tls;
#[cfg(unix)]
mod unix_socket;

use std::io::Write;
use std::time::Duration;

use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;
use tonic::transport::Server;
use tonic_health::ServingStatus;

use crate::protocol::proto::plugin::grpc_broker_server::GrpcBrokerServer;
use crate::protocol::proto::plugin::grpc_controller_server::GrpcControllerServer;
use crate::protocol::proto::plugin::grpc_stdio_server::GrpcStdioServer;
use crate::protocol::proto::tfplugin6::provider_server::{Provider, ProviderServer};

pub use env::{MAGIC_COOKIE_KEY, MAGIC_COOKIE_VALUE, NETWORK_OVERRIDE_KEY};
pub use tls::TlsSetupError;

/// Largest gRPC message accepted or sent by the provider service. Schemas and
/// states of big configurations get large; the Go SDK allows this much too.
const MAX_MESSAGE_BYTES: usize = 256 * 1024 * 1024;
/// After a stop request, in-flight calls get this long before we quit anyway.
/// Terraform kills the process two seconds after asking it to shut down.
const SHUTDOWN_GRACE: Duration = Duration::from_millis(1000);

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// Started by a person rather than by Terraform: plaintext, no magic cookie,
    /// reattach instructions on stdout, runs until Ctrl-C.
    pub debug: bool,
    /// The provider's registry address, e.g. `registry.terraform.io/natsforge/nats`,
    /// which Terraform uses as the key of `TF_REATTACH_PROVIDERS`.
    pub provider_address: String,
}

/// Why serving could not start or went wrong.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "This binary is a plugin for Terraform (the natsforge/nats provider).\n\
         It is not meant to be run directly: run terraform, which starts it when needed.\n\
         To debug the provider, start it with -debug and follow the instructions it prints."
    )]
    NotLaunchedByTerraform,
    #[error(
        "Terraform offered plugin protocol versions {offered:?}, but this provider only \
         speaks version 6: Terraform 1.0 or newer is required"
    )]
    NoCommonProtocol { offered: String },
    #[error("invalid {name} from the plugin host: {reason}")]
    InvalidEnv { name: &'static str, reason: String },
    #[error("could not listen on {what}: {source}")]
    Listen {
        what: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("could not set up mutual TLS with Terraform: {0}")]
    Tls(#[from] TlsSetupError),
    #[error("could not print the plugin handshake on stdout: {0}")]
    Announce(#[source] std::io::Error),
    #[error("the gRPC server failed: {0}")]
    Serve(#[from] tonic::transport::Error),
}

/// Serves `provider` the way go-plugin expects. Runs until Terraform calls
/// `GRPCController.Shutdown`, SIGTERM or SIGHUP arrives (the console closes, on
/// Windows), or (debug mode only) Ctrl-C: see [`signals`]. Outside debug mode it also
/// stops once Terraform is gone (see [`host_watch`]).
pub async fn serve<P: Provider>(provider: P, options: ServeOptions) -> Result<(), ServeError> {
    let plugin_env = env::read_plugin_env(|key| std::env::var(key).ok(), options.debug)?;
    let signals = signals::StopSignals::install(options.debug);

    let identity = match &plugin_env.client_cert {
        Some(_) => Some(tls::generate_server_identity()?),
        None => None,
    };
    let acceptor = match (&identity, &plugin_env.client_cert) {
        (Some(identity), Some(client_cert)) => Some(TlsAcceptor::from(std::sync::Arc::new(
            tls::server_config(identity, client_cert.clone())?,
        ))),
        _ => None,
    };
    if acceptor.is_none() && !options.debug {
        tracing::warn!("PLUGIN_CLIENT_CERT is not set: serving without TLS");
    }

    let bound = listener::bind(&plugin_env)?;
    tracing::debug!(network = bound.network.as_str(), address = %bound.address, "plugin listening");

    let (stop, stop_requested) = watch::channel(false);
    let (health, health_service) = tonic_health::server::health_reporter();
    health
        .set_service_status(services::HEALTH_SERVICE_NAME, ServingStatus::Serving)
        .await;
    let provider_service = ProviderServer::new(provider)
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES);
    let router = Server::builder()
        .add_service(provider_service)
        .add_service(GrpcControllerServer::new(services::Controller::new(
            stop.clone(),
        )))
        .add_service(GrpcStdioServer::new(services::Stdio::new(
            stop_requested.clone(),
        )))
        .add_service(GrpcBrokerServer::new(services::Broker))
        .add_service(health_service);
    // In debug mode Terraform connects and disconnects once per command.
    let connections = (!options.debug).then(host_watch::Connections::default);
    let incoming = listener::incoming(bound.listener, acceptor, connections.clone());

    let announcement = if options.debug {
        let json = announce::reattach_json(
            &options.provider_address,
            bound.network,
            &bound.address,
            std::process::id(),
        );
        announce::debug_instructions(&json)
    } else {
        let cert = identity.as_ref().map(|identity| &identity.cert_der);
        announce::handshake_line(bound.network, &bound.address, cert) + "\n"
    };
    print_to_stdout(&announcement)?;

    if let Some(connections) = connections {
        tokio::spawn(stop_when_host_gone(connections, stop.clone()));
    }
    tokio::spawn(signals.forward_to(stop));
    let serving =
        router.serve_with_incoming_shutdown(incoming, stop_requested_by(stop_requested.clone()));
    let overtime = async {
        stop_requested_by(stop_requested).await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    let result = tokio::select! {
        result = serving => result.map_err(ServeError::from),
        () = overtime => {
            tracing::warn!("calls still running after the shutdown grace period: stopping anyway");
            Ok(())
        }
    };
    if let Err(error) = bound.cleanup.remove() {
        tracing::warn!(%error, "could not remove the plugin socket");
    }
    tracing::debug!("plugin stopped");
    result
}

/// Stdout carries nothing but this, so it is written and flushed in one go.
fn print_to_stdout(text: &str) -> Result<(), ServeError> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(ServeError::Announce)
}

async fn stop_when_host_gone(connections: host_watch::Connections, stop: watch::Sender<bool>) {
    let gone = host_watch::host_gone(connections).await;
    if !*stop.borrow() {
        tracing::info!(reason = %gone, "Terraform is gone: stopping");
        stop.send_replace(true);
    }
}

async fn stop_requested_by(mut stop_requested: watch::Receiver<bool>) {
    // An error means every sender is gone, and nobody can ask any more: stop too.
    let _ = stop_requested.wait_for(|stop| *stop).await;
}
