//! Actions through the framework, with a small fake action `test_echo` that reports its
//! message `times` times and fails when told to: validation with paths, rules that wait
//! for unknowns, progress in order, failures as diagnostics, and the provider's
//! metadata/schemas listing it.

use super::*;
use crate::framework::diagnostics::Diagnostic;
use crate::framework::schema::Attribute;
use crate::framework::server::ProviderService;
use crate::framework::validators::int_between;
use crate::framework::value::{AttributePath, Number};
use crate::framework::{DynDataSource, DynResource, Field, Provider};
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::server::ProviderServer;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Mutex;

#[derive(Deserialize)]
struct EchoModel {
    message: Field<String>,
    times: Field<i64>,
    fail: Field<bool>,
}

const NO_REPEATED_FAILURE: Rule<EchoModel> = Rule::new("a failure happens once", |echo, out| {
    if echo.fail.is_known_and(|f| *f) && echo.times.is_known_and(|t| *t > 1) {
        out.attribute_error(
            &AttributePath::attr("times"),
            "Invalid times",
            "An echo told to fail runs once: leave `times` out or set it to 1.",
        );
    }
});

struct Echo;

impl Action for Echo {
    type Client = ();
    type Model = EchoModel;

    fn type_name(&self) -> &'static str {
        "test_echo"
    }

    fn schema(&self) -> Schema {
        Schema::new("Echoes a message.")
            .attribute(
                Attribute::string("message")
                    .required()
                    .description("What to say."),
            )
            .attribute(
                Attribute::number("times")
                    .optional()
                    .validate(int_between(1, 3))
                    .description("How often."),
            )
            .attribute(
                Attribute::bool("fail")
                    .optional()
                    .description("Fail at the end."),
            )
    }

    fn rules(&self) -> &'static [Rule<EchoModel>] {
        &[NO_REPEATED_FAILURE]
    }

    async fn invoke(
        &self,
        _: &(),
        config: EchoModel,
        progress: &Progress,
    ) -> Result<(), Diagnostics> {
        let message = config.message.into_known().unwrap_or_default();
        for _ in 0..config.times.into_known().unwrap_or(1) {
            progress.report(message.clone());
        }
        if config.fail.into_known().unwrap_or(false) {
            return Err(Diagnostic::error("Echo failed", "as told").into());
        }
        Ok(())
    }
}

fn config(message: Value, times: Option<Value>, fail: Option<bool>) -> Value {
    Value::Object(BTreeMap::from([
        ("message".to_string(), message),
        ("times".to_string(), times.unwrap_or(Value::Null)),
        ("fail".to_string(), fail.map_or(Value::Null, Value::Bool)),
    ]))
}

fn number(n: i64) -> Option<Value> {
    Some(Value::Number(Number::from(n)))
}

/// Diagnostics as `path: summary` lines.
fn lines(diagnostics: &Diagnostics) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let path = d
                .path
                .as_ref()
                .map(|p| format!("{p:?}"))
                .unwrap_or_default();
            format!("{path}: {}", d.summary)
        })
        .collect()
}

#[test]
fn validation_names_the_attribute_and_waits_for_unknowns() {
    let echo = action(Echo);
    let cases: Vec<(&str, Value, usize, &str)> = vec![
        ("plain", config(Value::string("hi"), None, None), 0, ""),
        (
            "in range",
            config(Value::string("hi"), number(3), None),
            0,
            "",
        ),
        (
            "out of range",
            config(Value::string("hi"), number(4), None),
            1,
            "times",
        ),
        (
            "rule",
            config(Value::string("hi"), number(2), Some(true)),
            1,
            "times",
        ),
        (
            "rule, once",
            config(Value::string("hi"), number(1), Some(true)),
            0,
            "",
        ),
        (
            "unknown times",
            config(Value::string("hi"), Some(Value::Unknown), Some(true)),
            0,
            "",
        ),
        (
            "unknown message",
            config(Value::Unknown, number(2), None),
            0,
            "",
        ),
        (
            "out of range and rule",
            config(Value::string("hi"), number(5), Some(true)),
            2,
            "times",
        ),
    ];
    for (name, config, errors, path) in cases {
        let found = echo.validate(&config);
        let found_lines = lines(&found);
        assert_eq!(found.iter().count(), errors, "{name}: {found_lines:?}");
        if errors > 0 {
            assert!(found.has_errors(), "{name}: {found_lines:?}");
            assert!(
                found_lines.iter().all(|l| l.contains(path)),
                "{name}: expected the path {path}: {found_lines:?}"
            );
        }
    }
}

#[tokio::test]
async fn invocation_reports_progress_in_order_and_failures_as_diagnostics() {
    let echo = action(Echo);
    let cases: Vec<(&str, Value, Vec<&str>, Vec<&str>)> = vec![
        (
            "once",
            config(Value::string("a"), None, None),
            vec!["a"],
            vec![],
        ),
        (
            "thrice",
            config(Value::string("b"), number(3), None),
            vec!["b"; 3],
            vec![],
        ),
        (
            "failing",
            config(Value::string("c"), None, Some(true)),
            vec!["c"],
            vec![": Echo failed"],
        ),
        (
            "not a model",
            config(Value::Bool(true), None, None),
            vec![],
            vec![": Provider bug: value and model disagree"],
        ),
    ];
    for (name, config, progress, errors) in cases {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let reporter = {
            let seen = Arc::clone(&seen);
            Progress::new(move |m| seen.lock().unwrap().push(m))
        };
        let diagnostics = echo.invoke(&(), &config, &reporter).await;
        assert_eq!(*seen.lock().unwrap(), progress, "{name}");
        assert_eq!(lines(&diagnostics), errors, "{name}");
    }
}

#[test]
fn an_action_schema_with_a_computed_attribute_is_a_consistency_problem() {
    struct Computing;
    impl Action for Computing {
        type Client = ();
        type Model = BTreeMap<String, serde_json::Value>;
        fn type_name(&self) -> &'static str {
            "test_computing"
        }
        fn schema(&self) -> Schema {
            Schema::new("x").attribute(Attribute::string("id").computed().description("x"))
        }
        async fn invoke(&self, _: &(), _: Self::Model, _: &Progress) -> Result<(), Diagnostics> {
            Ok(())
        }
    }
    let problems = action(Computing).consistency_problems();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("id: an action's attribute cannot be computed")),
        "{problems:?}"
    );
    assert!(action(Echo).consistency_problems().is_empty());
}

/// A provider offering only the echo action.
struct EchoProvider;

impl Provider for EchoProvider {
    type Client = ();
    type Config = BTreeMap<String, serde_json::Value>;

    fn schema(&self) -> Schema {
        Schema::new("test")
    }

    async fn configure(&self, _: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    fn resources(&self) -> Vec<Arc<dyn DynResource<()>>> {
        Vec::new()
    }

    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<()>>> {
        Vec::new()
    }

    fn actions(&self) -> Vec<Arc<dyn DynAction<()>>> {
        vec![action(Echo)]
    }
}

fn dynamic(value: &Value) -> Option<pb::DynamicValue> {
    let ty = Echo.schema().value_type();
    Some(crate::framework::wire::encode(value, &ty).unwrap())
}

#[tokio::test]
async fn the_provider_offers_validates_plans_and_invokes_its_actions() {
    let service = ProviderService::new(EchoProvider);
    let metadata = service.get_metadata(Default::default()).await;
    let names: Vec<_> = metadata
        .actions
        .iter()
        .map(|a| a.type_name.as_str())
        .collect();
    assert_eq!(names, ["test_echo"]);
    let schemas = service.get_provider_schema(Default::default()).await;
    let block = schemas.action_schemas["test_echo"]
        .schema
        .as_ref()
        .and_then(|s| s.block.as_ref())
        .expect("an action schema with a block");
    assert_eq!(block.attributes.len(), 3);

    let bad = dynamic(&config(Value::string("hi"), number(9), None));
    let validated = service
        .validate_action_config(pb::validate_action_config::Request {
            type_name: "test_echo".into(),
            config: bad.clone(),
        })
        .await;
    assert_eq!(
        validated.diagnostics.len(),
        1,
        "{:?}",
        validated.diagnostics
    );
    let planned = service
        .plan_action(pb::plan_action::Request {
            action_type: "test_echo".into(),
            config: bad,
            client_capabilities: None,
        })
        .await;
    assert_eq!(planned.diagnostics.len(), 1, "{:?}", planned.diagnostics);
    assert!(planned.diagnostics[0].attribute.is_some());

    let good = dynamic(&config(Value::string("hi"), number(2), None));
    let request = |action_type: &str| pb::invoke_action::Request {
        action_type: action_type.into(),
        config: good.clone(),
        client_capabilities: None,
    };
    let silent = Progress::new(|_| {});
    let unconfigured = service
        .invoke_with(request("test_echo"), silent.clone())
        .await;
    assert_eq!(lines(&unconfigured), [": Provider not configured"]);
    service.configure_provider(Default::default()).await;
    let unknown = service
        .invoke_with(request("test_nothing"), silent.clone())
        .await;
    assert_eq!(lines(&unknown), [": Unknown action type"]);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let reporter = {
        let seen = Arc::clone(&seen);
        Progress::new(move |m| seen.lock().unwrap().push(m))
    };
    let invoked = service.invoke_with(request("test_echo"), reporter).await;
    assert!(invoked.is_empty(), "{:?}", lines(&invoked));
    assert_eq!(*seen.lock().unwrap(), ["hi", "hi"]);
}
