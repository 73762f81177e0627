//! go-plugin's housekeeping services, which every plugin process offers next to
//! `tfplugin6.Provider`.

use futures::StreamExt;
use tokio::sync::watch;
use tonic::{Request, Response, Status, Streaming};

use crate::protocol::proto::plugin::grpc_broker_server::GrpcBroker;
use crate::protocol::proto::plugin::grpc_controller_server::GrpcController;
use crate::protocol::proto::plugin::grpc_stdio_server::GrpcStdio;
use crate::protocol::proto::plugin::{ConnInfo, Empty, StdioData};

/// The service go-plugin's health check names; it must answer SERVING.
pub const HEALTH_SERVICE_NAME: &str = "plugin";

/// Handles `GRPCController.Shutdown`: Terraform's polite request to exit, after
/// which it waits two seconds before killing the process.
#[derive(Debug)]
pub struct Controller {
    stop: watch::Sender<bool>,
}

impl Controller {
    pub fn new(stop: watch::Sender<bool>) -> Self {
        Self { stop }
    }
}

#[tonic::async_trait]
impl GrpcController for Controller {
    async fn shutdown(&self, _request: Request<Empty>) -> Result<Response<Empty>, Status> {
        tracing::debug!("Terraform asked the plugin to shut down");
        // Graceful stop lets this very reply go out before connections close.
        self.stop.send_replace(true);
        Ok(Response::new(Empty {}))
    }
}

/// `GRPCStdio` exists so hosts can pull a plugin's stdout/stderr over gRPC. We
/// never write to stdout after the handshake and log to stderr, which Terraform
/// already reads, so the stream carries nothing; it stays open until the plugin
/// stops, as a go-plugin server's does. That open call matters: gRPC's client closes
/// an idle connection (no call in progress) after 30 minutes and dials again on the
/// next call, and the plugin takes a closed connection to mean Terraform is gone
/// (see `host_watch`).
#[derive(Debug)]
pub struct Stdio {
    stop_requested: watch::Receiver<bool>,
}

impl Stdio {
    pub fn new(stop_requested: watch::Receiver<bool>) -> Self {
        Self { stop_requested }
    }
}

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<tonic::codegen::BoxStream<StdioData>>, Status> {
        let stopping = super::stop_requested_by(self.stop_requested.clone());
        let silent_until_stop = futures::stream::once(stopping)
            .filter_map(|()| std::future::ready(None::<Result<StdioData, Status>>));
        Ok(Response::new(Box::pin(silent_until_stop)))
    }
}

/// `GRPCBroker` lets plugins open extra connections back to the host; tfplugin6
/// never does. go-plugin's client starts the broker stream in the background and
/// ignores its failure, so UNIMPLEMENTED is a complete answer.
#[derive(Debug, Default)]
pub struct Broker;

#[tonic::async_trait]
impl GrpcBroker for Broker {
    async fn start_stream(
        &self,
        _request: Request<Streaming<ConnInfo>>,
    ) -> Result<Response<tonic::codegen::BoxStream<ConnInfo>>, Status> {
        Err(Status::unimplemented(
            "this provider does not broker extra connections (tfplugin6 has no use for them)",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn shutdown_raises_the_stop_flag() {
        let (stop, mut stopped) = watch::channel(false);
        let controller = Controller::new(stop);
        controller.shutdown(Request::new(Empty {})).await.unwrap();
        stopped.changed().await.unwrap();
        assert!(*stopped.borrow());
    }

    #[tokio::test]
    async fn stdio_stream_stays_open_until_stop() {
        let (stop, stop_requested) = watch::channel(false);
        let response = Stdio::new(stop_requested)
            .stream_stdio(Request::new(()))
            .await
            .unwrap();
        let mut stream = response.into_inner();
        let early = tokio::time::timeout(Duration::from_millis(50), stream.next()).await;
        assert!(early.is_err(), "nothing arrives and the stream stays open");
        stop.send_replace(true);
        assert!(stream.next().await.is_none(), "the stream ends at stop");
    }
}
