//! Terraform's value system as seen on the wire: types, values (including unknowns),
//! exact numbers, attribute paths, and the msgpack / JSON codecs.
//!
//! Knows nothing of schemas, resources or NATS.

mod error;
mod implied;
mod json;
mod msgpack;
mod number;
mod path;
mod types;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

pub use error::{DecodeError, EncodeError};
pub use json::{decode_json, decode_stored_json, encode_json};
pub use msgpack::{decode_msgpack, encode_msgpack, MAX_DEPTH};
pub use number::{Number, MAX_NUMBER_SIZE};
pub use path::{AttributePath, PathStep};
pub use types::{Type, TypeError};

use std::collections::BTreeMap;

/// A Terraform value. Collections keep their kind because the wire format and the
/// planning rules differ between them (a set is compared without order, a tuple and an
/// object are heterogeneous).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A null of whatever type the schema says.
    Null,
    /// A value not known until apply. Refinements Terraform sends (prefix, bounds,
    /// "definitely not null") are accepted on decode and not kept: the provider only
    /// needs to know the value is unknown.
    Unknown,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Value>),
    /// Elements in the order received; equality ignores order (see [`Value::eq_semantic`]).
    Set(Vec<Value>),
    Map(BTreeMap<String, Value>),
    Tuple(Vec<Value>),
    Object(BTreeMap<String, Value>),
    /// A value whose type is only known at run time (`dynamic` in a schema); it carries
    /// its concrete type so it can be written back in the `[type, value]` wire form.
    /// The type is boxed: rare, and unboxed it would make every `Value` twice as large
    /// (every object attribute is one, moved and copied as trees are built).
    Dynamic(Box<Type>, Box<Value>),
}

impl Value {
    pub fn string(s: impl Into<String>) -> Self {
        Value::String(s.into())
    }

    /// What kind of value this is, for messages (`"list"`, `"unknown"`, ...).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Unknown => "unknown",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Set(_) => "set",
            Value::Map(_) => "map",
            Value::Tuple(_) => "tuple",
            Value::Object(_) => "object",
            Value::Dynamic(_, inner) => inner.kind_name(),
        }
    }

    pub fn is_null(&self) -> bool {
        match self {
            Value::Null => true,
            Value::Dynamic(_, inner) => inner.is_null(),
            _ => false,
        }
    }

    pub fn is_unknown(&self) -> bool {
        match self {
            Value::Unknown => true,
            Value::Dynamic(_, inner) => inner.is_unknown(),
            _ => false,
        }
    }

    /// True when neither this value nor anything nested in it is unknown.
    pub fn is_wholly_known(&self) -> bool {
        match self {
            Value::Unknown => false,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter().all(Value::is_wholly_known)
            }
            Value::Map(items) | Value::Object(items) => items.values().all(Value::is_wholly_known),
            Value::Dynamic(_, inner) => inner.is_wholly_known(),
            _ => true,
        }
    }

    /// Turns every unknown in this value, at any depth, into null: what is recorded
    /// when apply left a value unknown (Terraform refuses unknowns in state).
    pub fn unknowns_to_null(&mut self) {
        match self {
            Value::Unknown => *self = Value::Null,
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                items.iter_mut().for_each(Value::unknowns_to_null)
            }
            Value::Map(items) | Value::Object(items) => {
                items.values_mut().for_each(Value::unknowns_to_null)
            }
            Value::Dynamic(_, inner) => inner.unknowns_to_null(),
            _ => {}
        }
    }

    /// The attribute `name` of an object value; `None` for anything else or a missing name.
    pub fn attr(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(attrs) => attrs.get(name),
            Value::Dynamic(_, inner) => inner.attr(name),
            _ => None,
        }
    }

    pub fn attr_mut(&mut self, name: &str) -> Option<&mut Value> {
        match self {
            Value::Object(attrs) => attrs.get_mut(name),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// Elements of a list, set or tuple.
    pub fn as_elements(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => Some(items),
            _ => None,
        }
    }

    /// Equality as Terraform means it: sets compare without regard to order.
    pub fn eq_semantic(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Set(a), Value::Set(b)) => {
                a.len() == b.len()
                    && a.iter().all(|x| b.iter().any(|y| x.eq_semantic(y)))
                    && b.iter().all(|y| a.iter().any(|x| x.eq_semantic(y)))
            }
            (Value::List(a), Value::List(b)) | (Value::Tuple(a), Value::Tuple(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_semantic(y))
            }
            // Both sorted by key: of equal length, they hold the same keys exactly when
            // they pair up side by side, with no search per key.
            (Value::Map(a), Value::Map(b)) | (Value::Object(a), Value::Object(b)) => {
                a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, x), (kb, y))| ka == kb && x.eq_semantic(y))
            }
            (Value::Dynamic(_, a), b) | (b, Value::Dynamic(_, a)) => a.eq_semantic(b),
            (a, b) => a == b,
        }
    }

    /// The value at `path`, if every step exists.
    pub fn get_path(&self, path: &AttributePath) -> Option<&Value> {
        let mut current = self;
        for step in path.steps() {
            current = match (current, step) {
                (Value::Dynamic(_, inner), _) => inner.get_step(step)?,
                _ => current.get_step(step)?,
            };
        }
        Some(current)
    }

    fn get_step(&self, step: &PathStep) -> Option<&Value> {
        match (self, step) {
            (Value::Object(attrs), PathStep::Attribute(name)) => attrs.get(name),
            (Value::Map(items), PathStep::ElementKeyString(key)) => items.get(key),
            (Value::List(items) | Value::Tuple(items), PathStep::ElementKeyInt(i)) => {
                usize::try_from(*i).ok().and_then(|i| items.get(i))
            }
            (Value::Dynamic(_, inner), _) => inner.get_step(step),
            _ => None,
        }
    }
}
