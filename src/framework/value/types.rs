//! Terraform type constraints (cty types) and their JSON form used in schemas and in
//! the `dynamic` wire encodings.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

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

/// Why some JSON is not a Terraform type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypeError {
    #[error("type JSON is not valid JSON: {0}")]
    Json(String),
    #[error("unknown type name {0:?}")]
    UnknownName(String),
    #[error("malformed type JSON: {0}")]
    Malformed(&'static str),
    #[error("optional attribute {0:?} is not an attribute of the object type")]
    OptionalNotAttribute(String),
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

    /// Terraform's JSON form: `"string"`, `["list","string"]`, `["object",{...}]`, ...
    /// Object attributes come out sorted by name, as Terraform writes them.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        let tagged = |tag: &str, inner: J| J::Array(vec![J::String(tag.to_owned()), inner]);
        match self {
            Type::Bool => J::String("bool".to_owned()),
            Type::Number => J::String("number".to_owned()),
            Type::String => J::String("string".to_owned()),
            Type::Dynamic => J::String("dynamic".to_owned()),
            Type::List(element) => tagged("list", element.to_json()),
            Type::Set(element) => tagged("set", element.to_json()),
            Type::Map(element) => tagged("map", element.to_json()),
            Type::Tuple(elements) => tagged(
                "tuple",
                J::Array(elements.iter().map(Type::to_json).collect()),
            ),
            Type::Object(attributes, optional) => {
                let attrs = attributes
                    .iter()
                    .map(|(name, ty)| (name.clone(), ty.to_json()))
                    .collect::<serde_json::Map<_, _>>();
                let mut parts = vec![J::String("object".to_owned()), J::Object(attrs)];
                if !optional.is_empty() {
                    parts.push(J::Array(optional.iter().cloned().map(J::String).collect()));
                }
                J::Array(parts)
            }
        }
    }

    /// [`Type::to_json`] as compact bytes, the form schemas and `dynamic` values carry.
    pub fn to_json_bytes(&self) -> Vec<u8> {
        self.to_json().to_string().into_bytes()
    }

    /// Parses the JSON form. Input nesting is bounded by serde_json's recursion limit,
    /// so hostile bytes cannot overflow the stack here.
    pub fn from_json_bytes(bytes: &[u8]) -> Result<Type, TypeError> {
        let json: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| TypeError::Json(e.to_string()))?;
        Type::from_json(&json)
    }

    /// Parses an already decoded JSON form (e.g. the `"type"` of a dynamic JSON value).
    pub fn from_json(json: &serde_json::Value) -> Result<Type, TypeError> {
        use serde_json::Value as J;
        match json {
            J::String(name) => match name.as_str() {
                "bool" => Ok(Type::Bool),
                "number" => Ok(Type::Number),
                "string" => Ok(Type::String),
                "dynamic" => Ok(Type::Dynamic),
                other => Err(TypeError::UnknownName(other.to_owned())),
            },
            J::Array(parts) => {
                let (Some(J::String(tag)), Some(inner)) = (parts.first(), parts.get(1)) else {
                    return Err(TypeError::Malformed("expected [\"kind\", ...]"));
                };
                match (tag.as_str(), parts.len()) {
                    ("list", 2) => Ok(Type::list(Type::from_json(inner)?)),
                    ("set", 2) => Ok(Type::set(Type::from_json(inner)?)),
                    ("map", 2) => Ok(Type::map(Type::from_json(inner)?)),
                    ("tuple", 2) => {
                        let J::Array(elements) = inner else {
                            return Err(TypeError::Malformed("tuple elements must be an array"));
                        };
                        let elements = elements.iter().map(Type::from_json);
                        Ok(Type::Tuple(elements.collect::<Result<_, _>>()?))
                    }
                    ("object", 2 | 3) => object_from_json(inner, parts.get(2)),
                    ("list" | "set" | "map" | "tuple" | "object", _) => {
                        Err(TypeError::Malformed("wrong number of elements"))
                    }
                    (other, _) => Err(TypeError::UnknownName(other.to_owned())),
                }
            }
            _ => Err(TypeError::Malformed("expected a string or an array")),
        }
    }
}

fn object_from_json(
    attributes: &serde_json::Value,
    optional: Option<&serde_json::Value>,
) -> Result<Type, TypeError> {
    let serde_json::Value::Object(attributes) = attributes else {
        return Err(TypeError::Malformed(
            "object attributes must be a JSON object",
        ));
    };
    let attributes = attributes
        .iter()
        .map(|(name, ty)| Ok((name.clone(), Type::from_json(ty)?)))
        .collect::<Result<BTreeMap<_, _>, TypeError>>()?;
    let mut optional_names = BTreeSet::new();
    if let Some(optional) = optional {
        let serde_json::Value::Array(names) = optional else {
            return Err(TypeError::Malformed("optional attributes must be an array"));
        };
        for name in names {
            let serde_json::Value::String(name) = name else {
                return Err(TypeError::Malformed(
                    "optional attribute names must be strings",
                ));
            };
            if !attributes.contains_key(name) {
                return Err(TypeError::OptionalNotAttribute(name.clone()));
            }
            optional_names.insert(name.clone());
        }
    }
    Ok(Type::Object(attributes, optional_names))
}

/// Terraform's friendly names (`list of string`, `object`), for messages.
impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Bool => f.write_str("bool"),
            Type::Number => f.write_str("number"),
            Type::String => f.write_str("string"),
            Type::Dynamic => f.write_str("dynamic"),
            Type::List(element) => write!(f, "list of {element}"),
            Type::Set(element) => write!(f, "set of {element}"),
            Type::Map(element) => write!(f, "map of {element}"),
            Type::Tuple(_) => f.write_str("tuple"),
            Type::Object(_, _) => f.write_str("object"),
        }
    }
}
