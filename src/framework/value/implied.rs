//! The type a value implies on its own, needed to write a value under a `dynamic`
//! attribute, where the wire form must name a concrete type.

use super::{Type, Value};
use std::collections::BTreeSet;

impl Value {
    /// The most specific type this value has by itself. Nulls and unknowns without a
    /// carried type imply `dynamic`; a `Value::Dynamic` implies its carried type.
    /// `None` when the elements of a list, set or map have incompatible types.
    pub fn implied_type(&self) -> Option<Type> {
        match self {
            Value::Null | Value::Unknown => Some(Type::Dynamic),
            Value::Bool(_) => Some(Type::Bool),
            Value::Number(_) => Some(Type::Number),
            Value::String(_) => Some(Type::String),
            Value::List(items) => Some(Type::list(common_type(items.iter())?)),
            Value::Set(items) => Some(Type::set(common_type(items.iter())?)),
            Value::Map(entries) => Some(Type::map(common_type(entries.values())?)),
            Value::Tuple(items) => Some(Type::Tuple(
                items
                    .iter()
                    .map(Value::implied_type)
                    .collect::<Option<_>>()?,
            )),
            Value::Object(attrs) => Some(Type::Object(
                attrs
                    .iter()
                    .map(|(name, v)| Some((name.clone(), v.implied_type()?)))
                    .collect::<Option<_>>()?,
                BTreeSet::new(),
            )),
            Value::Dynamic(ty, _) => Some(Type::clone(ty)),
        }
    }
}

/// The element type of a collection: the unification of its elements' types, `dynamic`
/// when empty or when every element is a bare null or unknown.
fn common_type<'a>(items: impl Iterator<Item = &'a Value>) -> Option<Type> {
    items
        .map(Value::implied_type)
        .try_fold(Type::Dynamic, |acc, ty| unify(acc, ty?))
}

/// The most specific type both `a` and `b` fit, treating `dynamic` as "not yet known".
fn unify(a: Type, b: Type) -> Option<Type> {
    match (a, b) {
        (a, b) if a == b => Some(a),
        (Type::Dynamic, other) | (other, Type::Dynamic) => Some(other),
        (Type::List(a), Type::List(b)) => Some(Type::list(unify(*a, *b)?)),
        (Type::Set(a), Type::Set(b)) => Some(Type::set(unify(*a, *b)?)),
        (Type::Map(a), Type::Map(b)) => Some(Type::map(unify(*a, *b)?)),
        (Type::Tuple(a), Type::Tuple(b)) if a.len() == b.len() => Some(Type::Tuple(
            a.into_iter()
                .zip(b)
                .map(|(a, b)| unify(a, b))
                .collect::<Option<_>>()?,
        )),
        (Type::Object(a, optional_a), Type::Object(b, optional_b))
            if a.keys().eq(b.keys()) && optional_a == optional_b =>
        {
            let attrs = a
                .into_iter()
                .zip(b)
                .map(|((name, a), (_, b))| Some((name, unify(a, b)?)))
                .collect::<Option<_>>()?;
            Some(Type::Object(attrs, optional_a))
        }
        _ => None,
    }
}
