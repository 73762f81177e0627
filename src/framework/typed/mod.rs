//! Plain Rust structs for resource authors. A model is a serde struct whose field names
//! are the schema's attribute names. It is read straight from a `Value` and written
//! back guided by the schema's type, so every object carries every attribute (as the
//! wire requires) and numbers stay exact.
//!
//! A field can be `Field<T>` (null, unknown or known: what plan-time code needs),
//! `Option<T>` (null and unknown both read as `None`), or plain `T` where the value is
//! never null (required attributes, attributes with a default, blocks).

mod de;
mod dynamic;
mod enums;
mod field;
mod path;
mod ser;

pub use enums::variant_names;
pub use field::Field;
pub use path::Audit;

use crate::framework::value::{AttributePath, Type, Value};
use path::Path;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;

/// The problem of a [`TypedError`] for an unknown value; a `Field` around the failing
/// part recognises it by this text (serde hands it the error as an opaque type).
pub(crate) const NOT_KNOWN_YET: &str = "the value is not known yet; a model field that can be \
     unknown must be a `Field` (or an `Option`, which reads it as `None`)";

/// A value and a model that do not fit together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedError {
    /// Where; `None` until the error has been placed.
    pub path: Option<AttributePath>,
    pub problem: String,
    /// The value there is not known yet and the model's field cannot say so.
    pub unknown: bool,
}

impl TypedError {
    pub(crate) fn mismatch(problem: String) -> Self {
        TypedError {
            path: None,
            problem,
            unknown: false,
        }
    }

    fn unknown() -> Self {
        TypedError {
            path: None,
            problem: NOT_KNOWN_YET.into(),
            unknown: true,
        }
    }

    /// Places the error at `path` unless a deeper level already did.
    fn within(mut self, path: &Path<'_>) -> Self {
        if self.path.is_none() {
            self.path = Some(path.to_attribute_path());
        }
        self
    }
}

impl fmt::Display for TypedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) if !path.is_root() => write!(f, "{path}: {}", self.problem),
            _ => f.write_str(&self.problem),
        }
    }
}

impl std::error::Error for TypedError {}

impl serde::de::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TypedError::mismatch(msg.to_string())
    }
}

impl serde::ser::Error for TypedError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        TypedError::mismatch(msg.to_string())
    }
}

/// Reads a model from a value.
pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, TypedError> {
    read(value, None)
}

/// Writes a model as a value of type `ty`; attributes the model lacks become null.
pub fn to_value<T: Serialize>(model: &T, ty: &Type) -> Result<Value, TypedError> {
    ser::write(model, ty, &Path::Root, None)
}

/// [`from_value`], noting in `audit` where model and value disagree on attributes.
pub fn read_audited<T: DeserializeOwned>(value: &Value, audit: &Audit) -> Result<T, TypedError> {
    read(value, Some(audit))
}

/// [`to_value`], noting in `audit` the attributes the model did not write.
pub fn write_audited<T: Serialize>(
    model: &T,
    ty: &Type,
    audit: &Audit,
) -> Result<Value, TypedError> {
    ser::write(model, ty, &Path::Root, Some(audit))
}

fn read<T: DeserializeOwned>(value: &Value, audit: Option<&Audit>) -> Result<T, TypedError> {
    T::deserialize(de::ValueDeserializer {
        value,
        path: &Path::Root,
        audit,
    })
    .map_err(|e| e.within(&Path::Root))
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod write_tests;
