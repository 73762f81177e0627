//! `Field<T>`: an attribute that may be null, not known yet, or known, as
//! terraform-plugin-framework's `types.String` and friends. Plain `Option<T>` reads an
//! unknown value as `None`; a `Field` keeps the difference, which plan-time code needs
//! ("left out, so the default applies" is not "decided later"). A value only partly
//! known (`["a", var.later]`) reads as unknown where the inner type cannot hold it.

use super::NOT_KNOWN_YET;
use serde::de::{Deserialize, Deserializer, Visitor};
use serde::ser::{Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// The newtype name through which the framework's deserializer hands a `Field` the
/// unknown state; any other deserializer reads a `Field` like an `Option`.
pub(crate) const FIELD_TOKEN: &str = "$natsforge::Field";
/// The unit-struct name a `Field::Unknown` serializes as; the framework's serializer
/// writes an unknown value for it, any other serializer a null.
pub(crate) const UNKNOWN_TOKEN: &str = "$natsforge::Unknown";

/// One attribute's value during planning: null (left out), unknown (known after apply,
/// or depending on another resource), or known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    #[default]
    Null,
    Unknown,
    Known(T),
}

impl<T> Field<T> {
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Field::Unknown)
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Field::Known(_))
    }

    /// The value when it is known.
    pub fn known(&self) -> Option<&T> {
        match self {
            Field::Known(value) => Some(value),
            Field::Null | Field::Unknown => None,
        }
    }

    pub fn into_known(self) -> Option<T> {
        match self {
            Field::Known(value) => Some(value),
            Field::Null | Field::Unknown => None,
        }
    }

    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
            Field::Known(value) => Field::Known(value),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Field::Null => Field::Null,
            Field::Unknown => Field::Unknown,
            Field::Known(value) => Field::Known(f(value)),
        }
    }

    /// True when the value is known and satisfies `predicate`; false when it is null
    /// or not known yet (a rule judges an unknown value once it is known).
    pub fn is_known_and(&self, predicate: impl FnOnce(&T) -> bool) -> bool {
        self.known().is_some_and(predicate)
    }

    /// `Some(value)` when known, `Some(None)` when null, `None` while unknown: what a
    /// rule needs when "left out" is itself an answer.
    pub fn decided(&self) -> Option<Option<&T>> {
        match self {
            Field::Null => Some(None),
            Field::Unknown => None,
            Field::Known(value) => Some(Some(value)),
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Field::Known(value)
    }
}

impl<T> From<Option<T>> for Field<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Field::Null, Field::Known)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Field::Null => serializer.serialize_none(),
            Field::Unknown => serializer.serialize_unit_struct(UNKNOWN_TOKEN),
            Field::Known(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_newtype_struct(FIELD_TOKEN, FieldVisitor(PhantomData))
    }
}

struct FieldVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de>> Visitor<'de> for FieldVisitor<T> {
    type Value = Field<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value, null or unknown")
    }

    /// Deserializers that know nothing of unknowns: read as an `Option`.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Option::<T>::deserialize(d).map(Field::from)
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Null)
    }

    /// Only the framework's deserializer calls this, for an unknown value.
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Unknown)
    }

    /// A value the inner type cannot hold because part of it is not known yet (a list
    /// with one unknown element) is not known yet as a whole.
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        match T::deserialize(d) {
            Ok(value) => Ok(Field::Known(value)),
            Err(error) if error.to_string().ends_with(NOT_KNOWN_YET) => Ok(Field::Unknown),
            Err(error) => Err(error),
        }
    }
}
