//! Terraform type constraints (cty types) and their JSON form used in schemas.

use std::collections::{BTreeMap, BTreeSet};

/// A Terraform type. `Object` lists its attributes and which of them are optional
/// (optional attributes only appear in type constraints, e.g. function parameters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    Bool,
    Number,
    String,
    /// `dynamic`: any type, decided per value.
    Dynamic,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(BTreeMap<String, Type>, BTreeSet<String>),
}

impl Type {
    pub fn list(element: Type) -> Type {
        Type::List(Box::new(element))
    }

    pub fn set(element: Type) -> Type {
        Type::Set(Box::new(element))
    }

    pub fn map(element: Type) -> Type {
        Type::Map(Box::new(element))
    }

    pub fn object<I, S>(attributes: I) -> Type
    where
        I: IntoIterator<Item = (S, Type)>,
        S: Into<String>,
    {
        Type::Object(
            attributes.into_iter().map(|(k, t)| (k.into(), t)).collect(),
            BTreeSet::new(),
        )
    }
}
