use super::*;
use crate::framework::schema::{Attribute, Block, NestedBlock, Nesting, Schema};
use crate::framework::value::Number;
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
    assert_eq!(
        p.attr("max_msgs"),
        Some(&Value::Number(Number::from(-1_i64)))
    );
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
    assert_eq!(
        plan.planned.attr("max_msgs"),
        Some(&Value::Number(Number::from(-1_i64)))
    );
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

/// The side-by-side walk is only a faster way to the same result as looking each
/// attribute up: compare both on full objects (the walk) and on objects lacking a
/// member (where apply_defaults must fall back to the search).
#[test]
fn defaults_walked_side_by_side_equal_defaults_looked_up_by_name() {
    let block = schema().block;
    let level = Level::of(&block);
    let sources = vec![
        source("a", Value::Null, Value::Null),
        source("b", Value::Null, Value::string("x")),
    ];
    let full = config("s", sources.clone());
    let mut partial = full.clone();
    if let Value::Object(fields) = &mut partial {
        fields.remove("created");
    }
    // A value set in the configuration but not (yet) in the object keeps it unset.
    let mut max_msgs_set = full.clone();
    if let Some(slot) = max_msgs_set.attr_mut("max_msgs") {
        *slot = Value::Number(Number::from(5_i64));
    }
    let configs = [
        Some(full.clone()),
        None,
        Some(Value::Null),
        Some(max_msgs_set.clone()),
    ];
    for (value, walks) in [(&full, true), (&partial, false)] {
        for config in &configs {
            for write_only in [WriteOnly::Clear, WriteOnly::Keep] {
                let mut walked = value.clone();
                assert_eq!(
                    defaults_side_by_side(level, &mut walked.clone(), config.as_ref(), write_only),
                    walks
                );
                apply_defaults(level, &mut walked, config.as_ref(), write_only);
                let mut searched = value.clone();
                defaults_by_name(level, &mut searched, config.as_ref(), write_only);
                assert_eq!(walked, searched, "config {config:?}, {}", walks);
                let max_msgs = if config.as_ref() == Some(&max_msgs_set) {
                    Value::Null
                } else {
                    Value::Number(Number::from(-1_i64))
                };
                assert_eq!(walked.attr("max_msgs"), Some(&max_msgs));
                let first_source = walked.get_path(&AttributePath::attr("source").index(0));
                assert_eq!(
                    first_source.and_then(|s| s.attr("start_seq")),
                    Some(&Value::Number(Number::from(0_i64)))
                );
            }
        }
    }
}
