//! Reads a model straight from a `Value`: no JSON in between, numbers exact, and
//! unknown values visible to `Field` (an `Option` reads them as `None`).

use super::field::FIELD_TOKEN;
use super::path::{Audit, Path};
use super::TypedError;
use crate::framework::value::Value;
use serde::de::{self, DeserializeSeed, IntoDeserializer, Visitor};
use std::collections::BTreeMap;

pub(super) struct ValueDeserializer<'v, 'p> {
    pub(super) value: &'v Value,
    pub(super) path: &'p Path<'p>,
    pub(super) audit: Option<&'p Audit>,
}

/// The value inside any `dynamic` wrappers.
#[inline]
fn strip(mut value: &Value) -> &Value {
    while let Value::Dynamic(_, inner) = value {
        value = inner;
    }
    value
}

impl<'v, 'p> ValueDeserializer<'v, 'p> {
    #[cold]
    fn error(&self, problem: String) -> TypedError {
        TypedError::mismatch(problem).within(self.path)
    }

    /// The value, unless it is unknown, which only `Field` and `Option` can hold.
    #[inline]
    fn known(&self) -> Result<&'v Value, TypedError> {
        let value = strip(self.value);
        if value.is_unknown() {
            return Err(TypedError::unknown().within(self.path));
        }
        Ok(value)
    }

    #[cold]
    fn unexpected(&self, expected: &str) -> TypedError {
        self.error(format!(
            "expected {expected}, found {}",
            strip(self.value).kind_name()
        ))
    }

    fn number(&self) -> Result<&'v crate::framework::value::Number, TypedError> {
        match self.known()? {
            Value::Number(n) => Ok(n),
            _ => Err(self.unexpected("a number")),
        }
    }

    fn whole<T: TryFrom<i64> + TryFrom<u64>>(&self) -> Result<T, TypedError> {
        let n = self.number()?;
        let fits = n
            .to_i64()
            .and_then(|i| T::try_from(i).ok())
            .or_else(|| n.to_u64().and_then(|u| T::try_from(u).ok()));
        fits.ok_or_else(|| {
            self.error(format!(
                "{n} does not fit a whole number of the model's type"
            ))
        })
    }
}

macro_rules! whole_numbers {
    ($($method:ident => $visit:ident as $ty:ty),* $(,)?) => {
        $(fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
            visitor.$visit(self.whole::<$ty>()?)
        })*
    };
}

impl<'de> de::Deserializer<'de> for ValueDeserializer<'_, '_> {
    type Error = TypedError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match strip(self.value) {
            Value::Null => visitor.visit_none(),
            // Lenient, as `Option` is: code that cannot say "unknown" sees nothing.
            Value::Unknown => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => match (n.to_i64(), n.to_u64()) {
                (Some(i), _) => visitor.visit_i64(i),
                (None, Some(u)) => visitor.visit_u64(u),
                (None, None) => visitor.visit_f64(n.to_f64()),
            },
            Value::String(s) => visitor.visit_str(s),
            Value::List(_) | Value::Set(_) | Value::Tuple(_) => self.deserialize_seq(visitor),
            Value::Map(_) | Value::Object(_) => self.deserialize_map(visitor),
            Value::Dynamic(..) => Err(self.error("nested dynamic value".into())),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match strip(self.value) {
            Value::Null | Value::Unknown => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        if name != FIELD_TOKEN {
            return visitor.visit_newtype_struct(self);
        }
        match strip(self.value) {
            Value::Null => visitor.visit_none(),
            Value::Unknown => visitor.visit_unit(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.known()? {
            Value::Bool(b) => visitor.visit_bool(*b),
            _ => Err(self.unexpected("a bool")),
        }
    }

    whole_numbers!(
        deserialize_i8 => visit_i8 as i8,
        deserialize_i16 => visit_i16 as i16,
        deserialize_i32 => visit_i32 as i32,
        deserialize_i64 => visit_i64 as i64,
        deserialize_i128 => visit_i128 as i128,
        deserialize_u8 => visit_u8 as u8,
        deserialize_u16 => visit_u16 as u16,
        deserialize_u32 => visit_u32 as u32,
        deserialize_u64 => visit_u64 as u64,
        deserialize_u128 => visit_u128 as u128,
    );

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_f64(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_f64(self.number()?.to_f64())
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.known()? {
            Value::String(s) => visitor.visit_str(s),
            _ => Err(self.unexpected("a string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, TypedError> {
        Err(self.error("byte strings are not Terraform values".into()))
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.known()? {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.unexpected("null")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.known()? {
            // A block Terraform has not sent (older state) is as good as none.
            Value::Null => visitor.visit_seq(Elements {
                items: [].iter().enumerate(),
                path: self.path,
                audit: self.audit,
            }),
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => {
                visitor.visit_seq(Elements {
                    items: items.iter().enumerate(),
                    path: self.path,
                    audit: self.audit,
                })
            }
            _ => Err(self.unexpected("a list or set")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        match self.known()? {
            Value::Map(items) => visitor.visit_map(Entries::new(items, false, self)),
            Value::Object(items) => visitor.visit_map(Entries::new(items, true, self)),
            _ => Err(self.unexpected("a map or object")),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        if let (Some(audit), Value::Object(attributes)) = (self.audit, strip(self.value)) {
            for field in fields.iter().filter(|f| !attributes.contains_key(**f)) {
                audit.record(
                    &Path::Attr(self.path, field),
                    "the model has this field; the schema has no such attribute",
                );
            }
            for name in attributes.keys() {
                if !fields.contains(&name.as_str()) {
                    audit.record(
                        &Path::Attr(self.path, name),
                        "the schema has this attribute; the model does not read it",
                    );
                }
            }
        }
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, TypedError> {
        match self.known()? {
            Value::String(s) => {
                // An audit reads made-up values: any string stands for the first variant.
                let name = match (self.audit, variants.first()) {
                    (Some(_), Some(first)) if !variants.contains(&s.as_str()) => first,
                    _ => s.as_str(),
                };
                visitor
                    .visit_enum(name.into_deserializer())
                    .map_err(|e: TypedError| e.within(self.path))
            }
            _ => Err(self.unexpected("a string naming one of the allowed values")),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, TypedError> {
        visitor.visit_unit()
    }
}

struct Elements<'v, 'p, I: Iterator<Item = (usize, &'v Value)>> {
    items: I,
    path: &'p Path<'p>,
    audit: Option<&'p Audit>,
}

impl<'de, 'v, I: Iterator<Item = (usize, &'v Value)>> de::SeqAccess<'de> for Elements<'v, '_, I> {
    type Error = TypedError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, TypedError> {
        let Some((index, value)) = self.items.next() else {
            return Ok(None);
        };
        let path = Path::Index(self.path, index);
        seed.deserialize(ValueDeserializer {
            value,
            path: &path,
            audit: self.audit,
        })
        .map(Some)
        .map_err(|e| e.within(&path))
    }

    /// Lets a `Vec` allocate once for all elements.
    fn size_hint(&self) -> Option<usize> {
        match self.items.size_hint() {
            (lower, Some(upper)) if lower == upper => Some(lower),
            _ => None,
        }
    }
}

struct Entries<'v, 'p> {
    items: std::collections::btree_map::Iter<'v, String, Value>,
    current: Option<(&'v str, &'v Value)>,
    /// Object attributes and map keys render differently in paths.
    attributes: bool,
    path: &'p Path<'p>,
    audit: Option<&'p Audit>,
}

impl<'v, 'p> Entries<'v, 'p> {
    fn new(
        items: &'v BTreeMap<String, Value>,
        attributes: bool,
        from: ValueDeserializer<'_, 'p>,
    ) -> Self {
        Entries {
            items: items.iter(),
            current: None,
            attributes,
            path: from.path,
            audit: from.audit,
        }
    }
}

impl<'de> de::MapAccess<'de> for Entries<'_, '_> {
    type Error = TypedError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, TypedError> {
        let Some((key, value)) = self.items.next() else {
            return Ok(None);
        };
        self.current = Some((key, value));
        seed.deserialize(key.as_str().into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, TypedError> {
        let Some((key, value)) = self.current.take() else {
            return Err(TypedError::mismatch(
                "a map value was asked for before its key".into(),
            ));
        };
        let path = if self.attributes {
            Path::Attr(self.path, key)
        } else {
            Path::Key(self.path, key)
        };
        seed.deserialize(ValueDeserializer {
            value,
            path: &path,
            audit: self.audit,
        })
        .map_err(|e| e.within(&path))
    }
}
