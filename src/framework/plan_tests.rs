use super::*;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use std::collections::BTreeMap;

fn schema() -> Schema {
    Schema::new("test")
        .attribute(Attribute::string("name").required().requires_replace())
        .attribute(Attribute::number("max_msgs").default(-1))
        .attribute(Attribute::string("id").computed().use_state_for_unknown())
        .attribute(Attribute::number("created").computed())
        .attribute(Attribute::string("seed").optional().write_only())
        .attribute(
            Attribute::bool("deny_delete")
                .default(false)
                .requires_replace_if("turning it off", |prior, planned| {
                    prior.as_bool() == Some(true) && planned.as_bool() == Some(false)
                }),
        )
        .block(NestedBlock::new(
            "source",
            Nesting::List,
            Block::new("a source")
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::number("start_seq").default(0))
                .attribute(Attribute::string("stream").optional().requires_replace()),
        ))
}

fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

fn source(name: &str, start_seq: Value, stream: Value) -> Value {
    object(&[
        ("name", Value::string(name)),
        ("start_seq", start_seq),
        ("stream", stream),
    ])
}

fn config(name: &str, sources: Vec<Value>) -> Value {
    object(&[
        ("name", Value::string(name)),
        ("max_msgs", Value::Null),
        ("id", Value::Null),
        ("created", Value::Null),
        ("seed", Value::string("SUSECRET")),
        ("deny_delete", Value::Null),
        ("source", Value::List(sources)),
    ])
}

fn state(name: &str, deny_delete: bool) -> Value {
    object(&[
        ("name", Value::string(name)),
        ("max_msgs", Value::from(-1)),
        ("id", Value::string("ID-1")),
        ("created", Value::from(42)),
        ("seed", Value::Null),
        ("deny_delete", Value::Bool(deny_delete)),
        ("source", Value::List(vec![])),
    ])
}

/// What Terraform proposes: config, with prior values where config is null and the
/// attribute is computed.
fn proposed(config: &Value, prior: &Value) -> Value {
    let mut out = config.clone();
    if let (Value::Object(out), Value::Object(prior)) = (&mut out, prior) {
        for key in ["max_msgs", "id", "created", "deny_delete"] {
            if out.get(key).is_some_and(Value::is_null) {
                out.insert(key.into(), prior.get(key).cloned().unwrap_or(Value::Null));
            }
        }
    }
    out
}

#[test]
fn create_applies_defaults_and_leaves_computed_unknown() {
    let config = config("S", vec![source("A", Value::Null, Value::Null)]);
    let plan = plan_resource_change(&schema(), &Value::Null, &config, &config);
    let p = &plan.planned;
    assert_eq!(p.attr("max_msgs"), Some(&Value::from(-1)));
    assert_eq!(p.attr("deny_delete"), Some(&Value::Bool(false)));
    assert_eq!(p.attr("id"), Some(&Value::Unknown));
    assert_eq!(p.attr("created"), Some(&Value::Unknown));
    assert_eq!(
        p.attr("seed"),
        Some(&Value::Null),
        "write-only never planned"
    );
    let first_source = &p.attr("source").unwrap().as_elements().unwrap()[0];
    assert_eq!(first_source.attr("start_seq"), Some(&Value::from(0)));
    assert!(plan.requires_replace.is_empty());
}

#[test]
fn unchanged_object_keeps_computed_values() {
    let prior = state("S", false);
    let config = config("S", vec![]);
    let plan = plan_resource_change(&schema(), &prior, &proposed(&config, &prior), &config);
    assert!(plan.planned.eq_semantic(&prior), "{:?}", plan.planned);
    assert!(plan.requires_replace.is_empty());
}

#[test]
fn change_makes_computed_unknown_except_state_for_unknown() {
    let prior = state("S", false);
    let mut config = config("S", vec![]);
    if let Value::Object(attrs) = &mut config {
        attrs.insert("max_msgs".into(), Value::from(10));
    }
    let plan = plan_resource_change(&schema(), &prior, &proposed(&config, &prior), &config);
    assert_eq!(plan.planned.attr("id"), Some(&Value::string("ID-1")));
    assert_eq!(plan.planned.attr("created"), Some(&Value::Unknown));
    assert!(plan.requires_replace.is_empty());
}

#[test]
fn removing_an_attribute_returns_it_to_its_default() {
    let mut prior = state("S", false);
    if let Value::Object(attrs) = &mut prior {
        attrs.insert("max_msgs".into(), Value::from(10));
    }
    let config = config("S", vec![]);
    let plan = plan_resource_change(&schema(), &prior, &proposed(&config, &prior), &config);
    assert_eq!(plan.planned.attr("max_msgs"), Some(&Value::from(-1)));
}

#[test]
fn replace_rules_list_paths_and_drop_kept_state() {
    let prior = state("S", false);
    let config = config("T", vec![]);
    let plan = plan_resource_change(&schema(), &prior, &proposed(&config, &prior), &config);
    assert_eq!(plan.requires_replace, vec![AttributePath::attr("name")]);
    assert_eq!(plan.planned.attr("id"), Some(&Value::Unknown));
}

#[test]
fn conditional_replace_only_in_the_named_direction() {
    let schema = schema();
    let mut turn_on = config("S", vec![]);
    if let Value::Object(attrs) = &mut turn_on {
        attrs.insert("deny_delete".into(), Value::Bool(true));
    }
    let prior_off = state("S", false);
    let on = plan_resource_change(
        &schema,
        &prior_off,
        &proposed(&turn_on, &prior_off),
        &turn_on,
    );
    assert!(on.requires_replace.is_empty());

    let prior_on = state("S", true);
    let turn_off = config("S", vec![]);
    let off = plan_resource_change(
        &schema,
        &prior_on,
        &proposed(&turn_off, &prior_on),
        &turn_off,
    );
    assert_eq!(
        off.requires_replace,
        vec![AttributePath::attr("deny_delete")]
    );
}

#[test]
fn replace_rule_inside_list_block_names_the_element() {
    let mut prior = state("S", false);
    if let Value::Object(attrs) = &mut prior {
        attrs.insert(
            "source".into(),
            Value::List(vec![source("A", Value::from(0), Value::string("X"))]),
        );
    }
    let config = config("S", vec![source("A", Value::Null, Value::string("Y"))]);
    let plan = plan_resource_change(&schema(), &prior, &proposed(&config, &prior), &config);
    assert_eq!(
        plan.requires_replace,
        vec![AttributePath::attr("source").index(0).child("stream")]
    );
}

#[test]
fn unknown_value_under_replace_rule_plans_replacement() {
    let prior = state("S", false);
    let mut config = config("S", vec![]);
    if let Value::Object(attrs) = &mut config {
        attrs.insert("name".into(), Value::Unknown);
    }
    let plan = plan_resource_change(&schema(), &prior, &proposed(&config, &prior), &config);
    assert_eq!(plan.requires_replace, vec![AttributePath::attr("name")]);
}

#[test]
fn destroy_plans_null() {
    let prior = state("S", false);
    let plan = plan_resource_change(&schema(), &prior, &Value::Null, &Value::Null);
    assert_eq!(plan.planned, Value::Null);
}

#[test]
fn write_only_cleared_everywhere() {
    let mut value = config("S", vec![]);
    clear_write_only(&schema(), &mut value);
    assert_eq!(value.attr("seed"), Some(&Value::Null));
}
