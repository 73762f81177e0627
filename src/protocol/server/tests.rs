//! The request runner's guarantees, with a fake provider that answers ReadDataSource
//! as its type name says: a panic becomes an error diagnostic and the service keeps
//! serving; StopProvider cancels work in flight; every RPC reaches the implementation.

use super::{ProviderServer, Server};
use crate::protocol::proto::tfplugin6 as pb;
use pb::provider_server::Provider as _;
use std::sync::Arc;
use std::time::Duration;

struct Fake;

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
    );
}

fn server() -> Arc<Server<Fake>> {
    Arc::new(Server::new(Fake, "registry.terraform.io/test/test"))
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
