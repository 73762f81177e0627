//! Plain Rust structs for resource authors. A model is a serde struct whose field names
//! are the schema's attribute names; `Option` fields are null (or, in a plan, not yet
//! known). Conversion goes through `serde_json::Value` with exact numbers, guided by the
//! schema type so every object carries every attribute, as the wire requires.

use super::value::{Number, Type, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;
use std::str::FromStr;

#[derive(Debug, thiserror::Error)]
pub enum TypedError {
    #[error("value does not fit the model: {0}")]
    Model(#[from] serde_json::Error),
    #[error("model does not fit the schema at {path}: expected {expected}")]
    Schema { path: String, expected: String },
}

/// Reads a model from a value. Null and unknown both read as `None`: during planning a
/// model is only used to look at what is already known.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, TypedError> {
    Ok(serde_json::from_value(to_json(value))?)
}

/// Writes a model as a value of type `ty`; absent fields become null.
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, TypedError> {
    from_json(&serde_json::to_value(model)?, ty, "")
}

/// The JSON view of a value; unknowns become null.
pub fn to_json(value: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match value {
        Value::Null | Value::Unknown => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => json_number(n),
        Value::String(s) => J::String(s.clone()),
        Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
            J::Array(items.iter().map(to_json).collect())
        }
        Value::Map(items) | Value::Object(items) => {
            J::Object(items.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
        Value::Dynamic(_, inner) => to_json(inner),
    }
}

fn json_number(n: &Number) -> serde_json::Value {
    // With arbitrary_precision the literal text is kept as is, so nothing is rounded.
    serde_json::Number::from_str(&n.to_string())
        .map(serde_json::Value::Number)
        .unwrap_or(serde_json::Value::Null)
}

/// Reads JSON into a value of type `ty`.
pub fn from_json(json: &serde_json::Value, ty: &Type, path: &str) -> Result<Value, TypedError> {
    use serde_json::Value as J;
    let mismatch = || TypedError::Schema {
        path: if path.is_empty() {
            "(root)".into()
        } else {
            path.into()
        },
        expected: format!("{ty:?}"),
    };
    Ok(match (ty, json) {
        (_, J::Null) => Value::Null,
        (Type::Bool, J::Bool(b)) => Value::Bool(*b),
        (Type::Number, J::Number(n)) => {
            Value::Number(Number::from_str(&n.to_string()).map_err(|_| mismatch())?)
        }
        (Type::String, J::String(s)) => Value::String(s.clone()),
        (Type::List(element), J::Array(items)) => Value::List(elements(items, element, path)?),
        (Type::Set(element), J::Array(items)) => Value::Set(elements(items, element, path)?),
        (Type::Tuple(types), J::Array(items)) if types.len() == items.len() => Value::Tuple(
            items
                .iter()
                .zip(types)
                .enumerate()
                .map(|(i, (item, t))| from_json(item, t, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        (Type::Map(element), J::Object(items)) => Value::Map(
            items
                .iter()
                .map(|(k, v)| Ok((k.clone(), from_json(v, element, &format!("{path}[{k:?}]"))?)))
                .collect::<Result<BTreeMap<_, _>, TypedError>>()?,
        ),
        (Type::Object(attrs, _), J::Object(items)) => {
            if let Some(extra) = items.keys().find(|k| !attrs.contains_key(*k)) {
                return Err(TypedError::Schema {
                    path: format!("{path}.{extra}"),
                    expected: "no such attribute in the schema".into(),
                });
            }
            Value::Object(
                attrs
                    .iter()
                    .map(|(name, t)| {
                        let child = items.get(name).unwrap_or(&J::Null);
                        let child_path = if path.is_empty() {
                            name.clone()
                        } else {
                            format!("{path}.{name}")
                        };
                        Ok((name.clone(), from_json(child, t, &child_path)?))
                    })
                    .collect::<Result<BTreeMap<_, _>, TypedError>>()?,
            )
        }
        (Type::Dynamic, other) => {
            let inferred = infer_type(other);
            Value::Dynamic(
                inferred.clone(),
                Box::new(from_json(other, &inferred, path)?),
            )
        }
        _ => return Err(mismatch()),
    })
}

fn elements(items: &[serde_json::Value], ty: &Type, path: &str) -> Result<Vec<Value>, TypedError> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| from_json(item, ty, &format!("{path}[{i}]")))
        .collect()
}

/// The type a JSON value has when nothing else says (arrays become tuples, objects
/// objects), as Terraform does for `dynamic` values.
fn infer_type(json: &serde_json::Value) -> Type {
    use serde_json::Value as J;
    match json {
        J::Null => Type::Dynamic,
        J::Bool(_) => Type::Bool,
        J::Number(_) => Type::Number,
        J::String(_) => Type::String,
        J::Array(items) => Type::Tuple(items.iter().map(infer_type).collect()),
        J::Object(items) => Type::Object(
            items
                .iter()
                .map(|(k, v)| (k.clone(), infer_type(v)))
                .collect(),
            Default::default(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Source {
        name: String,
        start_seq: Option<u64>,
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Stream {
        name: String,
        max_bytes: Option<i64>,
        big: Option<u64>,
        subjects: Vec<String>,
        source: Vec<Source>,
    }

    fn stream_type() -> Type {
        Type::object([
            ("name", Type::String),
            ("max_bytes", Type::Number),
            ("big", Type::Number),
            ("subjects", Type::list(Type::String)),
            ("description", Type::String),
            (
                "source",
                Type::list(Type::object([
                    ("name", Type::String),
                    ("start_seq", Type::Number),
                ])),
            ),
        ])
    }

    #[test]
    fn round_trip_fills_every_attribute_and_keeps_big_numbers() {
        let model = Stream {
            name: "ORDERS".into(),
            max_bytes: None,
            big: Some(u64::MAX),
            subjects: vec!["a.>".into()],
            source: vec![Source {
                name: "UP".into(),
                start_seq: Some(7),
            }],
        };
        let value = to_value(&model, &stream_type()).unwrap();
        assert_eq!(value.attr("description"), Some(&Value::Null));
        assert_eq!(
            value
                .attr("big")
                .and_then(|v| v.as_number())
                .and_then(Number::to_u64),
            Some(u64::MAX)
        );
        let back: Stream = from_value(&value).unwrap();
        assert_eq!(back, model);
    }

    #[test]
    fn unknown_reads_as_none() {
        let mut value = to_value(
            &Stream {
                name: "S".into(),
                max_bytes: Some(1),
                big: None,
                subjects: vec![],
                source: vec![],
            },
            &stream_type(),
        )
        .unwrap();
        if let Value::Object(attrs) = &mut value {
            attrs.insert("max_bytes".into(), Value::Unknown);
        }
        let model: Stream = from_value(&value).unwrap();
        assert_eq!(model.max_bytes, None);
    }

    #[test]
    fn a_field_the_schema_lacks_is_an_error() {
        #[derive(Serialize)]
        struct Extra {
            nope: bool,
        }
        let err = to_value(
            &Extra { nope: true },
            &Type::object([("name", Type::String)]),
        );
        assert!(matches!(err, Err(TypedError::Schema { .. })));
    }
}
