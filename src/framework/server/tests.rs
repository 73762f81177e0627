//! The request runner's guarantees, with a tiny provider of test data sources: a panic
//! becomes an error diagnostic and the service keeps serving; StopProvider cancels work
//! in flight.

use super::ProviderService;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::{Attribute, Schema};
use crate::framework::value::{self, Type, Value};
use crate::framework::{self, DataSource, DynDataSource, DynResource, Provider};
use crate::protocol::proto::tfplugin6 as pb;
use pb::provider_server::Provider as _;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

struct TestProvider;

#[derive(Default, Serialize, Deserialize)]
struct Model {
    mode: Option<String>,
}

/// Reads normally, panics, or never finishes, as its `mode` says.
struct Behaving;

impl DataSource for Behaving {
    type Client = ();
    type Model = Model;

    fn type_name(&self) -> &'static str {
        "test_behaving"
    }

    fn schema(&self) -> Schema {
        Schema::new("t").attribute(Attribute::string("mode").optional())
    }

    async fn read(&self, _client: &(), config: Model) -> Result<Model, Diagnostics> {
        match config.mode.as_deref() {
            Some("panic") => panic!("deliberate test panic"),
            Some("hang") => std::future::pending().await,
            _ => Ok(config),
        }
    }
}

impl Provider for TestProvider {
    type Client = ();
    type Config = Model;

    fn address(&self) -> &'static str {
        "registry.terraform.io/test/test"
    }

    fn schema(&self) -> Schema {
        Schema::new("test provider")
    }

    async fn configure(&self, _config: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    fn resources(&self) -> Vec<Arc<dyn DynResource<()>>> {
        Vec::new()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<()>>> {
        vec![framework::data_source(Behaving)]
    }
}

async fn configured() -> Arc<ProviderService<TestProvider>> {
    let service = Arc::new(ProviderService::new(TestProvider));
    let config = value::encode_msgpack(
        &Value::Object(BTreeMap::new()),
        &Type::object(Vec::<(String, Type)>::new()),
    )
    .unwrap();
    service
        .configure_provider(tonic::Request::new(pb::configure_provider::Request {
            config: Some(pb::DynamicValue {
                msgpack: config,
                json: Vec::new(),
            }),
            ..Default::default()
        }))
        .await
        .unwrap();
    service
}

fn read_request(mode: &str) -> tonic::Request<pb::read_data_source::Request> {
    let ty = Type::object([("mode", Type::String)]);
    let config = Value::Object(BTreeMap::from([("mode".to_string(), Value::string(mode))]));
    tonic::Request::new(pb::read_data_source::Request {
        type_name: "test_behaving".into(),
        config: Some(pb::DynamicValue {
            msgpack: value::encode_msgpack(&config, &ty).unwrap(),
            json: Vec::new(),
        }),
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
    let service = configured().await;
    let crashed = service
        .read_data_source(read_request("panic"))
        .await
        .unwrap()
        .into_inner();
    let found = errors(&crashed.diagnostics);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("deliberate test panic"), "{found:?}");
    let fine = service
        .read_data_source(read_request("ok"))
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&fine.diagnostics).is_empty());
    assert!(fine.state.is_some());
}

#[tokio::test]
async fn stop_provider_cancels_work_in_flight() {
    let service = configured().await;
    let hanging = {
        let service = Arc::clone(&service);
        tokio::spawn(async move { service.read_data_source(read_request("hang")).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    service
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
        found.iter().any(|e| e.contains("Operation cancelled")),
        "{found:?}"
    );
    // Requests after the stop are served again.
    let after = service
        .read_data_source(read_request("ok"))
        .await
        .unwrap()
        .into_inner();
    assert!(errors(&after.diagnostics).is_empty());
}
