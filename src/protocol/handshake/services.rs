//! go-plugin's housekeeping services, which every plugin process offers next to
//! `tfplugin6.Provider`.

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
/// already reads, so the stream ends at once: go-plugin's client treats the end
/// of the stream as "nothing more to copy" (an UNIMPLEMENTED answer would also be
/// tolerated, but logged by Terraform as a warning).
#[derive(Debug, Default)]
pub struct Stdio;

#[tonic::async_trait]
impl GrpcStdio for Stdio {
    async fn stream_stdio(
        &self,
        _request: Request<()>,
    ) -> Result<Response<tonic::codegen::BoxStream<StdioData>>, Status> {
        Ok(Response::new(Box::pin(tokio_stream::empty())))
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
    use tokio_stream::StreamExt;

    #[tokio::test]
    async fn shutdown_raises_the_stop_flag() {
        let (stop, mut stopped) = watch::channel(false);
        let controller = Controller::new(stop);
        controller.shutdown(Request::new(Empty {})).await.unwrap();
        stopped.changed().await.unwrap();
        assert!(*stopped.borrow());
    }

    #[tokio::test]
    async fn stdio_stream_ends_immediately() {
        let response = Stdio.stream_stdio(Request::new(())).await.unwrap();
        assert!(response.into_inner().next().await.is_none());
    }
}
