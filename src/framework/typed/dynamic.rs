//! Attributes of type `dynamic` take the type of whatever the model holds, as
//! Terraform infers it: arrays become tuples, objects objects.

use super::TypedError;
use crate::framework::value::{Number, Type, Value};
use std::str::FromStr;

pub(super) fn from_json(json: &serde_json::Value) -> Result<Value, TypedError> {
    if json.is_null() {
        return Ok(Value::Null);
    }
    let ty = infer_type(json);
    Ok(Value::Dynamic(Box::new(ty), Box::new(typed(json)?)))
}

/// The value of `json`, in the type `infer_type` gives it.
fn typed(json: &serde_json::Value) -> Result<Value, TypedError> {
    use serde_json::Value as J;
    Ok(match json {
        J::Null => Value::Null,
        J::Bool(b) => Value::Bool(*b),
        J::Number(n) => Value::Number(
            Number::from_str(&n.to_string())
                .map_err(|e| TypedError::mismatch(format!("{n} is not a number: {e}")))?,
        ),
        J::String(s) => Value::String(s.clone()),
        J::Array(items) => Value::Tuple(items.iter().map(typed).collect::<Result<_, _>>()?),
        J::Object(items) => Value::Object(
            items
                .iter()
                .map(|(k, v)| Ok((k.clone(), typed(v)?)))
                .collect::<Result<_, TypedError>>()?,
        ),
    })
}

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
