//! ApplyResourceChange: create, update and delete; what state says after a failure;
//! write-only values handed to the resource at every level and kept out of state.

use super::*;

struct Case {
    name: &'static str,
    prior: Value,
    planned: Value,
    config: Value,
    state: Value,
    diagnostics: Vec<&'static str>,
}

fn planned(name: &str) -> Value {
    thing(&[
        ("name", Value::string(name)),
        ("max_msgs", Value::from(-1)),
        ("id", Value::string(format!("id-{name}"))),
        ("created", Value::Unknown),
    ])
}

fn config(name: &str) -> Value {
    thing(&[("name", Value::string(name))])
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "create: the object as made",
            prior: Value::Null,
            planned: planned("a"),
            config: config("a"),
            state: made("a", "now"),
            diagnostics: vec![],
        },
        Case {
            name: "create that made the object and then failed: kept in state",
            prior: Value::Null,
            planned: planned("fails-after-create"),
            config: config("fails-after-create"),
            state: made("fails-after-create", "now"),
            diagnostics: vec!["E: Created, then failed"],
        },
        Case {
            name: "create that failed before making anything: no state",
            prior: Value::Null,
            planned: planned("fails"),
            config: config("fails"),
            state: Value::Null,
            diagnostics: vec!["E: Cannot create"],
        },
        Case {
            name: "a value left unknown is a provider bug and stored as null",
            prior: Value::Null,
            planned: planned("leaves-unknown"),
            config: config("leaves-unknown"),
            state: thing(&[
                ("name", Value::string("leaves-unknown")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-leaves-unknown")),
            ]),
            diagnostics: vec!["E: Provider bug: unknown value after apply"],
        },
        Case {
            name: "created but its model cannot be written (a provider bug): recorded as planned, not forgotten",
            prior: Value::Null,
            planned: planned("unrecordable"),
            config: config("unrecordable"),
            state: thing(&[
                ("name", Value::string("unrecordable")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-unrecordable")),
            ]),
            diagnostics: vec!["E: Provider bug: value and model disagree"],
        },
        Case {
            name: "created, failed, and the partial state cannot be written: recorded as planned, both errors kept",
            prior: Value::Null,
            planned: planned("unrecordable-after-create"),
            config: config("unrecordable-after-create"),
            state: thing(&[
                ("name", Value::string("unrecordable-after-create")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-unrecordable-after-create")),
            ]),
            diagnostics: vec![
                "E: Created, then failed",
                "E: Provider bug: value and model disagree",
            ],
        },
        Case {
            name: "update: the object as updated",
            prior: made("a", "now"),
            planned: planned("a"),
            config: config("a"),
            state: made("a", "updated"),
            diagnostics: vec![],
        },
        Case {
            name: "update that failed: the prior state stays",
            prior: made("fails", "now"),
            planned: planned("fails"),
            config: config("fails"),
            state: made("fails", "now"),
            diagnostics: vec!["E: Cannot update"],
        },
        Case {
            name: "updated but its model cannot be written: recorded as planned, not dropped",
            prior: made("unrecordable", "now"),
            planned: planned("unrecordable"),
            config: config("unrecordable"),
            state: thing(&[
                ("name", Value::string("unrecordable")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-unrecordable")),
            ]),
            diagnostics: vec!["E: Provider bug: value and model disagree"],
        },
        Case {
            name: "delete: nothing left",
            prior: made("a", "now"),
            planned: Value::Null,
            config: Value::Null,
            state: Value::Null,
            diagnostics: vec![],
        },
        Case {
            name: "delete that failed: the object stays in state",
            prior: made("undeletable", "now"),
            planned: Value::Null,
            config: Value::Null,
            state: made("undeletable", "now"),
            diagnostics: vec!["E: Cannot delete"],
        },
    ]
}

async fn apply(
    service: &ProviderService<TestProvider>,
    prior: &Value,
    planned: &Value,
    config: &Value,
) -> pb::apply_resource_change::Response {
    let ty = thing_type();
    service
        .apply_resource_change(pb::apply_resource_change::Request {
            type_name: "test_thing".into(),
            prior_state: Some(encode(prior, &ty)),
            planned_state: Some(encode(planned, &ty)),
            config: Some(encode(config, &ty)),
            ..Default::default()
        })
        .await
}

#[tokio::test]
async fn apply_cases() {
    let (service, _) = service().await;
    for case in cases() {
        let response = apply(&service, &case.prior, &case.planned, &case.config).await;
        assert_eq!(
            summaries(&response.diagnostics),
            case.diagnostics,
            "{}",
            case.name
        );
        assert_eq!(
            decode(response.new_state.as_ref()),
            case.state,
            "{}",
            case.name
        );
        assert_eq!(
            response.new_identity.is_some(),
            !case.state.is_null(),
            "{}",
            case.name
        );
    }
}

#[tokio::test]
async fn write_only_values_reach_the_resource_at_every_level_and_never_state() {
    let (service, seen) = service().await;
    let with_secrets = |planned: Value| {
        let Value::Object(mut attributes) = planned else {
            unreachable!("a thing is an object")
        };
        attributes.insert("seed".into(), Value::string("SEED"));
        attributes.insert(
            "limits".into(),
            limits(Value::from(3), Value::string("TOKEN")),
        );
        attributes.insert(
            "source".into(),
            Value::List(vec![
                source("up", Value::string("S1")),
                source("down", Value::Null),
            ]),
        );
        Value::Object(attributes)
    };
    let without_secrets = |planned: Value| {
        let Value::Object(mut attributes) = planned else {
            unreachable!("a thing is an object")
        };
        attributes.insert("limits".into(), limits(Value::from(3), Value::Null));
        attributes.insert(
            "source".into(),
            Value::List(vec![source("up", Value::Null), source("down", Value::Null)]),
        );
        Value::Object(attributes)
    };
    let config = with_secrets(config("a"));
    // Created, then updated: both are handed the write-only values of the configuration.
    let created = apply(
        &service,
        &Value::Null,
        &without_secrets(planned("a")),
        &config,
    )
    .await;
    let state = decode(created.new_state.as_ref());
    assert_eq!(state, without_secrets(made("a", "now")));
    let updated = apply(&service, &state, &without_secrets(planned("a")), &config).await;
    assert_eq!(
        decode(updated.new_state.as_ref()),
        without_secrets(made("a", "updated"))
    );
    let handed = seen.lock().unwrap().clone();
    assert_eq!(handed.len(), 2);
    for thing in handed {
        assert_eq!(thing.seed.as_deref(), Some("SEED"));
        let token = thing.limits.and_then(|l| l.token);
        assert_eq!(token.as_deref(), Some("TOKEN"), "nested attribute");
        let secrets: Vec<_> = thing.source.iter().map(|s| s.secret.as_deref()).collect();
        assert_eq!(
            secrets,
            vec![Some("S1"), None],
            "nested block, paired by index"
        );
    }
}
