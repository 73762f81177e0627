//! The request runner's guarantees, with a fake provider that answers ReadDataSource
//! as its type name says: a panic becomes an error diagnostic and the service keeps
//! serving; StopProvider cancels work in flight; every RPC reaches the implementation;
//! an action's progress is streamed before its completion.

use super::{ActionProgress, ProviderServer, Server};
use crate::protocol::proto::tfplugin6 as pb;
use pb::invoke_action::event::{Completed, Type};
use pb::provider_server::Provider as _;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

#[derive(Default)]
struct Fake {
    /// Set when a hanging action's work is dropped (cancelled).
    hang_ended: Arc<AtomicBool>,
}

/// Sets its flag when dropped, i.e. when the work holding it is cancelled.
struct Flag(Arc<AtomicBool>);

impl Drop for Flag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// Every other RPC answers with its default response.
macro_rules! defaults {
    ($($method:ident: $module:ident),* $(,)?) => {
        $(async fn $method(&self, _: pb::$module::Request) -> pb::$module::Response {
            pb::$module::Response::default()
        })*
    };
}

impl ProviderServer for Fake {
    async fn read_data_source(
        &self,
        request: pb::read_data_source::Request,
    ) -> pb::read_data_source::Response {
        match request.type_name.as_str() {
            "panic" => panic!("deliberate test panic"),
            "hang" => std::future::pending().await,
            _ => pb::read_data_source::Response {
                state: Some(pb::DynamicValue::default()),
                ..Default::default()
            },
        }
    }

    /// Answers as its type says: two messages then success, a panic, or a hang.
    async fn invoke_action(
        &self,
        request: pb::invoke_action::Request,
        progress: ActionProgress,
    ) -> Completed {
        progress.report(format!("starting {}", request.action_type));
        match request.action_type.as_str() {
            "panic" => panic!("deliberate action panic"),
            "hang" => {
                let _flag = Flag(Arc::clone(&self.hang_ended));
                std::future::pending().await
            }
            _ => {
                progress.report("halfway");
                Completed::default()
            }
        }
    }

    async fn list_resource(&self, _: pb::list_resource::Request) -> Vec<pb::list_resource::Event> {
        vec![pb::list_resource::Event::default(); 2]
    }

    defaults!(
        get_metadata: get_metadata,
        get_provider_schema: get_provider_schema,
        get_resource_identity_schemas: get_resource_identity_schemas,
        get_functions: get_functions,
        validate_provider_config: validate_provider_config,
        validate_resource_config: validate_resource_config,
        validate_data_resource_config: validate_data_resource_config,
        configure_provider: configure_provider,
        upgrade_resource_state: upgrade_resource_state,
        read_resource: read_resource,
        plan_resource_change: plan_resource_change,
        apply_resource_change: apply_resource_change,
        import_resource_state: import_resource_state,
        move_resource_state: move_resource_state,
        upgrade_resource_identity: upgrade_resource_identity,
        validate_list_resource_config: validate_list_resource_config,
        generate_resource_config: generate_resource_config,
        call_function: call_function,
        validate_ephemeral_resource_config: validate_ephemeral_resource_config,
        open_ephemeral_resource: open_ephemeral_resource,
        renew_ephemeral_resource: renew_ephemeral_resource,
        close_ephemeral_resource: close_ephemeral_resource,
        validate_action_config: validate_action_config,
        plan_action: plan_action,
    );
}

fn server() -> Arc<Server<Fake>> {
    Arc::new(Server::new(
        Fake::default(),
        "registry.terraform.io/test/test",
    ))
}

fn read(type_name: &str) -> tonic::Request<pb::read_data_source::Request> {
    tonic::Request::new(pb::read_data_source::Request {
        type_name: type_name.into(),
        ..Default::default()
    })
}

fn errors(diagnostics: &[pb::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity == pb::diagnostic::Severity::Error as i32)
        .map(|d| format!("{}: {}", d.summary, d.detail))
        .collect()
}

#[tokio::test]
async fn a_panic_is_an_error_diagnostic_and_serving_goes_on() {
    let server = server();
    let crashed = server
        .read_data_source(read("panic"))
        .await
        .unwrap()
        .into_inner();
    let found = errors(&crashed.diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("ReadDataSource panicked: deliberate test panic"),
        "{found:?}"
    );
    let fine = server
        .read_data_source(read("ok"))
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&fine.diagnostics).is_empty());
    assert!(fine.state.is_some());
}

#[tokio::test]
async fn stop_provider_cancels_work_in_flight() {
    let server = server();
    let hanging = {
        let server = Arc::clone(&server);
        tokio::spawn(async move { server.read_data_source(read("hang")).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    server
        .stop_provider(tonic::Request::new(pb::stop_provider::Request {}))
        .await
        .unwrap();
    let cancelled = tokio::time::timeout(Duration::from_secs(5), hanging)
        .await
        .expect("the hanging request ends after StopProvider")
        .unwrap()
        .unwrap()
        .into_inner();
    let found = errors(&cancelled.diagnostics);
    assert!(
        found.iter().any(|e| e.starts_with("Operation cancelled")),
        "{found:?}"
    );
    // Requests after the stop are served again.
    let after = server
        .read_data_source(read("ok"))
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&after.diagnostics).is_empty());
}

#[tokio::test]
async fn a_listing_is_streamed_event_by_event() {
    use futures::StreamExt;
    let server = server();
    let stream = server
        .list_resource(tonic::Request::new(pb::list_resource::Request::default()))
        .await
        .unwrap()
        .into_inner();
    let events: Vec<_> = stream.collect().await;
    assert_eq!(events.len(), 2);
    assert!(events.iter().all(Result::is_ok));
}

fn invoke(action_type: &str) -> tonic::Request<pb::invoke_action::Request> {
    tonic::Request::new(pb::invoke_action::Request {
        action_type: action_type.into(),
        ..Default::default()
    })
}

/// An invocation's events as text: `progress: ...` or `completed: <errors>`.
async fn events(
    server: &Server<Fake>,
    action_type: &str,
    stop_after: Option<usize>,
) -> Vec<String> {
    use futures::StreamExt;
    let mut stream = server
        .invoke_action(invoke(action_type))
        .await
        .unwrap()
        .into_inner();
    let mut seen = Vec::new();
    while let Some(event) = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("the next event or the end of the stream within 5 s")
    {
        seen.push(match event.unwrap().r#type {
            Some(Type::Progress(p)) => format!("progress: {}", p.message),
            Some(Type::Completed(c)) => format!("completed: {:?}", errors(&c.diagnostics)),
            None => "empty event".into(),
        });
        if stop_after == Some(seen.len()) {
            break;
        }
    }
    seen
}

#[tokio::test]
async fn an_action_streams_its_progress_then_completes() {
    let server = server();
    assert_eq!(
        events(&server, "fine", None).await,
        [
            "progress: starting fine",
            "progress: halfway",
            "completed: []"
        ]
    );
}

#[tokio::test]
async fn a_panicking_action_completes_with_an_error() {
    let server = server();
    let seen = events(&server, "panic", None).await;
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0], "progress: starting panic");
    assert!(
        seen[1].contains("InvokeAction panicked: deliberate action panic"),
        "{seen:?}"
    );
}

#[tokio::test]
async fn stop_provider_cancels_an_action_in_flight() {
    let server = server();
    let watching = {
        let server = Arc::clone(&server);
        tokio::spawn(async move { events(&server, "hang", None).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    server
        .stop_provider(tonic::Request::new(pb::stop_provider::Request {}))
        .await
        .unwrap();
    let seen = watching.await.unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen[1].contains("Operation cancelled"), "{seen:?}");
    assert!(server.inner.hang_ended.load(Ordering::SeqCst));
}

#[tokio::test]
async fn an_action_ends_when_terraform_stops_listening() {
    let server = server();
    // Read the first progress event, then drop the stream.
    assert_eq!(
        events(&server, "hang", Some(1)).await,
        ["progress: starting hang"]
    );
    for _ in 0..100 {
        if server.inner.hang_ended.load(Ordering::SeqCst) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the action's work was not cancelled after its stream was dropped");
}
