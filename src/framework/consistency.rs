//! Does a model describe the same attributes as its schema, and is the schema itself
//! coherent? Run over every resource, data source and ephemeral resource of a provider
//! by a test, so a misspelt field, a forgotten attribute or a validator that can never
//! judge its attribute fails the build instead of a user's plan.

use super::schema::{
    render_literal, Attribute, AttributeType, Block, IdentitySchema, Nesting, Schema,
};
use super::typed::{self, Audit};
use super::value::{Type, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;

/// Which attributes a model must read back from a value.
#[derive(Clone, Copy, PartialEq)]
pub enum Reads {
    /// A resource reads its whole state.
    Everything,
    /// A data source or ephemeral resource reads its arguments; outputs it only writes.
    Arguments,
}

/// Problems of `schema` alone: defaults, validators.
pub fn schema_problems(schema: &Schema) -> Vec<String> {
    let mut problems = Vec::new();
    block_problems(&schema.block, "", &mut problems);
    problems
}

fn block_problems(block: &Block, prefix: &str, out: &mut Vec<String>) {
    attribute_problems(&block.attributes, prefix, out);
    for nested in &block.blocks {
        let inner = format!("{prefix}{}.", nested.type_name);
        if nested.nesting == Nesting::Set {
            write_only_in_set(&nested.block.attributes, &inner, out);
        }
        block_problems(&nested.block, &inner, out);
    }
}

/// Set elements cannot be paired with their configuration, so a write-only value in
/// one could never reach the resource.
fn write_only_in_set(attributes: &[Attribute], prefix: &str, out: &mut Vec<String>) {
    for attribute in attributes {
        if attribute.write_only {
            out.push(format!(
                "{prefix}{}: write-only inside a set",
                attribute.name
            ));
        }
        if let AttributeType::Nested(_, inner) = &attribute.ty {
            write_only_in_set(inner, &format!("{prefix}{}.", attribute.name), out);
        }
    }
}

fn attribute_problems(attributes: &[Attribute], prefix: &str, out: &mut Vec<String>) {
    for attribute in attributes {
        let name = format!("{prefix}{}", attribute.name);
        let ty = attribute.value_type();
        if let Some(default) = &attribute.default {
            if !(attribute.optional && attribute.computed) || attribute.required {
                out.push(format!("{name}: a default needs optional and computed"));
            }
            let shown = render_literal(default);
            if default.is_null() || !fits(default, &ty) {
                out.push(format!("{name}: default {shown} is not a {ty}"));
            }
            for validator in attribute.validators.iter().filter(|v| v.applies_to(&ty)) {
                if !validator.check(default).is_empty() {
                    out.push(format!(
                        "{name}: default {shown} is not {}",
                        validator.allowed()
                    ));
                }
            }
        }
        for validator in &attribute.validators {
            if !validator.applies_to(&ty) {
                out.push(format!(
                    "{name}: validator \"{}\" cannot judge a {ty}",
                    validator.allowed()
                ));
            }
        }
        if let AttributeType::Nested(nesting, inner) = &attribute.ty {
            if *nesting == Nesting::Set {
                write_only_in_set(inner, &format!("{name}."), out);
            }
            attribute_problems(inner, &format!("{name}."), out);
        }
    }
}

/// Whether a known value has type `ty`.
fn fits(value: &Value, ty: &Type) -> bool {
    match (value, ty) {
        (Value::Bool(_), Type::Bool)
        | (Value::Number(_), Type::Number)
        | (Value::String(_), Type::String) => true,
        (Value::List(items), Type::List(element)) | (Value::Set(items), Type::Set(element)) => {
            items.iter().all(|item| fits(item, element))
        }
        (Value::Map(items), Type::Map(element)) => items.values().all(|item| fits(item, element)),
        (_, Type::Dynamic) => true,
        _ => false,
    }
}

/// Problems between model `M` and `schema`: fields on one side only (with `reads`
/// saying which outputs a model may skip), a value of every attribute that does not
/// survive reading and writing, and a `Default` that does not round-trip.
pub fn model_problems<M>(schema: &Schema, reads: Reads) -> Vec<String>
where
    M: Serialize + DeserializeOwned + Default,
{
    let ty = schema.value_type();
    let audit = Audit::default();
    let mut problems = Vec::new();
    match typed::read_audited::<M>(&sample_block(&schema.block), &audit) {
        Ok(model) => {
            if let Err(error) = typed::write_audited(&model, &ty, &audit) {
                problems.push(format!("writing a model of every attribute: {error}"));
            }
        }
        Err(error) => problems.push(format!("reading a value of every attribute: {error}")),
    }
    problems.extend(audited(schema, reads, audit));
    let default = typed::to_value(&M::default(), &ty);
    let round_trip = default
        .as_ref()
        .map_err(ToString::to_string)
        .and_then(|value| typed::from_value::<M>(value).map_err(|e| e.to_string()))
        .and_then(|model| typed::to_value(&model, &ty).map_err(|e| e.to_string()));
    match (default, round_trip) {
        (Ok(before), Ok(after)) if before == after => {}
        (Ok(_), Ok(_)) => problems.push("Model::default() changes when read back".into()),
        (_, Err(error)) => problems.push(format!("Model::default() does not round-trip: {error}")),
        (Err(error), _) => problems.push(format!("Model::default() cannot be written: {error}")),
    }
    problems
}

/// Problems of a model that is only ever read (a provider block): fields on one side.
pub fn read_problems<M: DeserializeOwned>(schema: &Schema) -> Vec<String> {
    let audit = Audit::default();
    match typed::read_audited::<M>(&sample_block(&schema.block), &audit) {
        Ok(_) => audited(schema, Reads::Arguments, audit),
        Err(error) => vec![format!("reading a value of every attribute: {error}")],
    }
}

/// The audit's findings, less outputs a model of arguments need not read.
fn audited(schema: &Schema, reads: Reads, audit: Audit) -> Vec<String> {
    let outputs = outputs(&schema.block, "");
    audit
        .into_problems()
        .into_iter()
        .filter(|problem| {
            let skipped_output = reads == Reads::Arguments
                && problem.ends_with("the model does not read it")
                && outputs
                    .iter()
                    .any(|o| problem.starts_with(&format!("{o}:")));
            !skipped_output
        })
        .collect()
}

/// Attributes only the provider sets, by path (`name`, `source.name`).
fn outputs(block: &Block, prefix: &str) -> Vec<String> {
    let mut found: Vec<String> = block
        .attributes
        .iter()
        .filter(|a| a.computed && !a.optional && !a.required)
        .map(|a| format!("{prefix}{}", a.name))
        .collect();
    for nested in &block.blocks {
        let element = match nested.nesting {
            Nesting::List | Nesting::Set => "[0]",
            Nesting::Map => "[\"key\"]",
            Nesting::Single | Nesting::Group => "",
        };
        let inner = format!("{prefix}{}{element}.", nested.type_name);
        found.extend(outputs(&nested.block, &inner));
    }
    found
}

/// Identity attributes are read from the state by name: each must be a top-level
/// attribute of the same type.
pub fn identity_problems(identity: &IdentitySchema, schema: &Schema) -> Vec<String> {
    identity
        .attributes
        .iter()
        .filter_map(
            |attribute| match schema.block.find_attribute(attribute.name) {
                Some(found) if found.value_type() == attribute.ty => None,
                Some(found) => Some(format!(
                    "identity attribute {} is a {}, the schema's a {}",
                    attribute.name,
                    attribute.ty,
                    found.value_type()
                )),
                None => Some(format!(
                    "identity attribute {} is not an attribute of the schema",
                    attribute.name
                )),
            },
        )
        .collect()
}

/// A value of `block` in which every attribute is set and every block has one element.
fn sample_block(block: &Block) -> Value {
    let mut attributes: BTreeMap<String, Value> = block
        .attributes
        .iter()
        .map(|a| (a.name.clone(), sample_attribute(a)))
        .collect();
    for nested in &block.blocks {
        let element = sample_block(&nested.block);
        attributes.insert(nested.type_name.clone(), wrap(nested.nesting, element));
    }
    Value::Object(attributes)
}

fn sample_attribute(attribute: &Attribute) -> Value {
    match &attribute.ty {
        AttributeType::Plain(ty) => sample(ty),
        AttributeType::Nested(nesting, inner) => wrap(
            *nesting,
            Value::Object(
                inner
                    .iter()
                    .map(|a| (a.name.clone(), sample_attribute(a)))
                    .collect(),
            ),
        ),
    }
}

fn wrap(nesting: Nesting, element: Value) -> Value {
    match nesting {
        Nesting::Single | Nesting::Group => element,
        Nesting::List => Value::List(vec![element]),
        Nesting::Set => Value::Set(vec![element]),
        Nesting::Map => Value::Map(BTreeMap::from([("key".to_string(), element)])),
    }
}

fn sample(ty: &Type) -> Value {
    match ty {
        Type::Bool => Value::Bool(true),
        Type::Number => Value::from(1),
        Type::String | Type::Dynamic => Value::string("x"),
        Type::List(element) => Value::List(vec![sample(element)]),
        Type::Set(element) => Value::Set(vec![sample(element)]),
        Type::Map(element) => Value::Map(BTreeMap::from([("key".to_string(), sample(element))])),
        Type::Tuple(elements) => Value::Tuple(elements.iter().map(sample).collect()),
        Type::Object(attributes, _) => Value::Object(
            attributes
                .iter()
                .map(|(name, ty)| (name.clone(), sample(ty)))
                .collect(),
        ),
    }
}

#[path = "consistency_tests.rs"]
mod tests;
