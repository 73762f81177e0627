use super::*;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting};
use crate::framework::typed::Field;
use serde::Deserialize;
use std::collections::BTreeMap;

fn schema() -> Schema {
    Schema::new("t")
        .attribute(Attribute::string("name").required())
        .attribute(Attribute::string("id").computed())
        .attribute(Attribute::string("discard").default("old"))
        .attribute(Attribute::number("max_msgs").optional().computed())
        .block(NestedBlock::new(
            "source",
            Nesting::List,
            Block::new("s")
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::string("api").optional().computed()),
        ))
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Model {
    name: String,
    id: Option<String>,
    discard: String,
    max_msgs: Option<i64>,
    source: Vec<Source>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Source {
    name: String,
    api: Field<String>,
}

fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn config() -> Value {
    object(&[
        ("name", Value::string("S")),
        ("id", Value::Null),
        ("discard", Value::Null),
        ("max_msgs", Value::Null),
        (
            "source",
            Value::List(vec![object(&[
                ("name", Value::string("UP")),
                ("api", Value::Null),
            ])]),
        ),
    ])
}

fn planned() -> Value {
    object(&[
        ("name", Value::string("S")),
        ("id", Value::Unknown),
        ("discard", Value::string("old")),
        ("max_msgs", Value::Unknown),
        (
            "source",
            Value::List(vec![object(&[
                ("name", Value::string("UP")),
                ("api", Value::Unknown),
            ])]),
        ),
    ])
}

/// Runs `f` on a create plan of `planned()`; returns the plan and the diagnostics.
fn plan_with(f: impl FnOnce(&mut PlanContext<'_>)) -> (Value, Vec<Diagnostic>) {
    let schema = schema();
    let ty = schema.value_type();
    let config = config();
    let mut change = PlannedChange {
        planned: planned(),
        requires_replace: Vec::new(),
    };
    let mut diagnostics = Diagnostics::new();
    let mut context = PlanContext::new(
        "test_stream",
        &schema,
        &ty,
        (&config, &Value::Null),
        &mut change,
        &mut diagnostics,
    );
    f(&mut context);
    (change.planned, diagnostics.into_vec())
}

#[test]
fn the_configuration_reads_with_the_schema_defaults() {
    let (_, diagnostics) = plan_with(|plan| {
        let config: Model = plan.read_config().unwrap();
        assert_eq!(config.discard, "old");
        assert_eq!(config.source[0].api, Field::Null);
        let planned: Model = plan.read_planned().unwrap();
        assert_eq!(planned.source[0].api, Field::Unknown);
        assert!(plan.read_prior::<Model>().is_none());
    });
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn update_writes_back_exactly_what_changed() {
    let (planned, diagnostics) = plan_with(|plan| {
        plan.update_planned(|model: &mut Model| {
            model.id = Some("S-1".into());
            model.source[0].api = Field::Known("$JS.hub.API".into());
        });
    });
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    assert_eq!(planned.attr("id"), Some(&Value::string("S-1")));
    let api = planned.get_path(&AttributePath::attr("source").index(0).child("api"));
    assert_eq!(api, Some(&Value::string("$JS.hub.API")));
    // The model read max_msgs (unknown) as None and did not change it: still unknown.
    assert_eq!(planned.attr("max_msgs"), Some(&Value::Unknown));
}

#[test]
fn setting_a_misspelt_attribute_names_it_and_the_resource() {
    let (planned, diagnostics) = plan_with(|plan| plan.set("nmae", Value::string("x")));
    assert_eq!(planned, self::planned());
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].summary, "Provider bug in test_stream");
    assert!(
        diagnostics[0].detail.contains("sets `nmae`"),
        "{diagnostics:?}"
    );
}

#[test]
fn only_computed_attributes_may_differ_from_the_configuration() {
    let (planned, diagnostics) = plan_with(|plan| {
        plan.set("name", Value::string("OTHER"));
        plan.set("id", Value::string("fine"));
        // Setting a value equal to the configuration is harmless.
        plan.set("name", Value::string("S"));
    });
    assert_eq!(planned.attr("name"), Some(&Value::string("S")));
    assert_eq!(planned.attr("id"), Some(&Value::string("fine")));
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].detail.contains("`name`"), "{diagnostics:?}");
    assert!(diagnostics[0].detail.contains("not computed"));
}

#[test]
fn a_replace_path_outside_the_schema_is_reported() {
    let (_, diagnostics) = plan_with(|plan| {
        plan.require_replace(AttributePath::attr("source").index(0).child("name"));
        plan.require_replace(AttributePath::attr("sauce"));
        assert_eq!(plan.change.requires_replace.len(), 1);
    });
    assert_eq!(diagnostics.len(), 1);
    assert!(diagnostics[0].detail.contains("`sauce`"));
}

#[test]
fn a_model_that_does_not_fit_is_reported_not_ignored() {
    #[derive(Deserialize)]
    struct Wrong {
        #[allow(dead_code)]
        name: i64,
    }
    let (_, diagnostics) = plan_with(|plan| {
        assert!(plan.read_planned::<Wrong>().is_none());
    });
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].summary, "Provider bug in test_stream");
    assert!(
        diagnostics[0].detail.contains("name: expected a number"),
        "{diagnostics:?}"
    );
}

#[test]
fn a_value_not_known_yet_reads_as_nothing_without_a_diagnostic() {
    #[derive(Deserialize)]
    struct Plain {
        #[allow(dead_code)]
        max_msgs: i64,
    }
    let (_, diagnostics) = plan_with(|plan| {
        assert!(plan.read_planned::<Plain>().is_none());
    });
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
}

#[test]
fn a_value_its_validators_refuse_is_left_to_them() {
    #[derive(Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Retention {
        Limits,
    }
    #[derive(Deserialize)]
    struct Strict {
        #[allow(dead_code)]
        retention: Retention,
    }
    let schema =
        Schema::new("t").attribute(Attribute::enumeration::<Retention>("retention").required());
    let ty = schema.value_type();
    let config = object(&[("retention", Value::string("forever"))]);
    let mut change = PlannedChange {
        planned: config.clone(),
        requires_replace: Vec::new(),
    };
    let mut diagnostics = Diagnostics::new();
    let mut plan = PlanContext::new(
        "t",
        &schema,
        &ty,
        (&config, &Value::Null),
        &mut change,
        &mut diagnostics,
    );
    assert!(plan.read_config::<Strict>().is_none());
    assert!(plan.read_planned::<Strict>().is_none());
    assert!(diagnostics.is_empty(), "{:?}", diagnostics.into_vec());
}
