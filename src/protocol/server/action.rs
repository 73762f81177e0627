//! InvokeAction is the one RPC whose answer is a live stream: progress events while the
//! action runs, then its completion. The work runs in a task of its own (with the same
//! span, panic and StopProvider handling as any request) and ends early when Terraform
//! stops listening.

use super::{ProviderServer, Server, Subject};
use crate::protocol::proto::tfplugin6 as pb;
use futures::StreamExt;
use pb::invoke_action::event::{Completed, Progress, Type};
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;

/// Where an action's progress messages go: to Terraform, which shows them as they come.
#[derive(Clone)]
pub struct ActionProgress(mpsc::UnboundedSender<pb::invoke_action::Event>);

impl ActionProgress {
    /// Sends one message. Terraform may have stopped listening; the message is then
    /// dropped and the invocation is being cancelled anyway.
    pub fn report(&self, message: impl Into<String>) {
        let event = pb::invoke_action::Event {
            r#type: Some(Type::Progress(Progress {
                message: message.into(),
            })),
        };
        if self.0.send(event).is_err() {
            tracing::debug!("Progress message dropped: Terraform stopped listening");
        }
    }
}

pub(super) type EventStream = tonic::codegen::BoxStream<pb::invoke_action::Event>;

impl<S: ProviderServer> Server<S> {
    pub(super) fn invoke(&self, request: pb::invoke_action::Request) -> EventStream {
        let scope = self.begin("InvokeAction", Subject::Action(&request.action_type));
        let inner = Arc::clone(&self.inner);
        let (sender, receiver) = mpsc::unbounded_channel();
        let progress = ActionProgress(sender.clone());
        tokio::spawn(async move {
            let work = async move { inner.invoke_action(request, progress).await };
            let completed: Completed = tokio::select! {
                completed = scope.run(work) => completed,
                () = sender.closed() => {
                    tracing::info!("Terraform stopped listening; the action was cancelled");
                    return;
                }
            };
            let event = pb::invoke_action::Event {
                r#type: Some(Type::Completed(completed)),
            };
            if sender.send(event).is_err() {
                tracing::debug!("The action completed after Terraform stopped listening");
            }
        });
        Box::pin(UnboundedReceiverStream::new(receiver).map(Ok))
    }
}
