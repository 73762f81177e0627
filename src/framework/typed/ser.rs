//! Writes a model as a `Value` of the schema's type: every attribute present (null when
//! the model has nothing for it), `Field::Unknown` as unknown, enums as their names.

use super::field::UNKNOWN_TOKEN;
use super::path::{Audit, Path};
use super::TypedError;
use crate::framework::value::{Number, Type, Value};
use serde::ser::{self, Serialize};
use std::collections::BTreeMap;

/// serde_json's name for an exact number (feature `arbitrary_precision`), which a
/// `serde_json::Value` in a model serializes as.
const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

pub(super) struct ValueSerializer<'t, 'p> {
    pub(super) ty: &'t Type,
    pub(super) path: &'p Path<'p>,
    pub(super) audit: Option<&'p Audit>,
}

/// Serializes `value` as type `ty`; a `dynamic` type takes the type the value has.
pub(super) fn write<T: Serialize + ?Sized>(
    value: &T,
    ty: &Type,
    path: &Path<'_>,
    audit: Option<&Audit>,
) -> Result<Value, TypedError> {
    if matches!(ty, Type::Dynamic) {
        let json = serde_json::to_value(value)
            .map_err(|e| TypedError::mismatch(e.to_string()).within(path))?;
        return super::dynamic::from_json(&json).map_err(|e| e.within(path));
    }
    value
        .serialize(ValueSerializer { ty, path, audit })
        .map_err(|e| e.within(path))
}

impl ValueSerializer<'_, '_> {
    fn mismatch(&self, found: &str) -> TypedError {
        TypedError::mismatch(format!(
            "the model holds {found}; the schema says {}",
            self.ty
        ))
        .within(self.path)
    }

    /// `value` when the schema's type is `expected`, a primitive type.
    fn scalar(&self, value: Value, expected: &Type, found: &str) -> Result<Value, TypedError> {
        if std::mem::discriminant(self.ty) == std::mem::discriminant(expected) {
            Ok(value)
        } else {
            Err(self.mismatch(found))
        }
    }

    fn number(&self, number: Option<Number>) -> Result<Value, TypedError> {
        let number = number
            .ok_or_else(|| TypedError::mismatch("not a finite number".into()).within(self.path))?;
        self.scalar(Value::Number(number), &Type::Number, "a number")
    }
}

impl<'t, 'p> ser::Serializer for ValueSerializer<'t, 'p> {
    type Ok = Value;
    type Error = TypedError;
    type SerializeSeq = Elements<'t, 'p>;
    type SerializeTuple = Elements<'t, 'p>;
    type SerializeTupleStruct = Elements<'t, 'p>;
    type SerializeTupleVariant = ser::Impossible<Value, TypedError>;
    type SerializeMap = Entries<'t, 'p>;
    type SerializeStruct = Entries<'t, 'p>;
    type SerializeStructVariant = ser::Impossible<Value, TypedError>;

    fn serialize_bool(self, v: bool) -> Result<Value, TypedError> {
        self.scalar(Value::Bool(v), &Type::Bool, "a bool")
    }

    fn serialize_i8(self, v: i8) -> Result<Value, TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i16(self, v: i16) -> Result<Value, TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i32(self, v: i32) -> Result<Value, TypedError> {
        self.serialize_i64(i64::from(v))
    }

    fn serialize_i64(self, v: i64) -> Result<Value, TypedError> {
        self.number(Some(Number::from_i64(v)))
    }

    fn serialize_u8(self, v: u8) -> Result<Value, TypedError> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u16(self, v: u16) -> Result<Value, TypedError> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u32(self, v: u32) -> Result<Value, TypedError> {
        self.serialize_u64(u64::from(v))
    }

    fn serialize_u64(self, v: u64) -> Result<Value, TypedError> {
        self.number(Some(Number::from_u64(v)))
    }

    fn serialize_f32(self, v: f32) -> Result<Value, TypedError> {
        self.serialize_f64(f64::from(v))
    }

    fn serialize_f64(self, v: f64) -> Result<Value, TypedError> {
        self.number(Number::from_f64(v))
    }

    fn serialize_char(self, v: char) -> Result<Value, TypedError> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }

    fn serialize_str(self, v: &str) -> Result<Value, TypedError> {
        self.scalar(Value::String(v.to_string()), &Type::String, "a string")
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Value, TypedError> {
        Err(self.mismatch("bytes"))
    }

    fn serialize_none(self) -> Result<Value, TypedError> {
        Ok(Value::Null)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, TypedError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Value, TypedError> {
        Ok(Value::Null)
    }

    fn serialize_unit_struct(self, name: &'static str) -> Result<Value, TypedError> {
        Ok(if name == UNKNOWN_TOKEN {
            Value::Unknown
        } else {
            Value::Null
        })
    }

    /// Enums are written as their (serde) names: the values Terraform users write.
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, TypedError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, TypedError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _value: &T,
    ) -> Result<Value, TypedError> {
        Err(self.mismatch(&format!("the enum variant {variant} with data")))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Elements<'t, 'p>, TypedError> {
        match self.ty {
            Type::List(_) | Type::Set(_) | Type::Tuple(_) => Ok(Elements {
                ty: self.ty,
                items: Vec::with_capacity(len.unwrap_or(0)),
                path: self.path,
                audit: self.audit,
            }),
            _ => Err(self.mismatch("a list")),
        }
    }

    fn serialize_tuple(self, len: usize) -> Result<Elements<'t, 'p>, TypedError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Elements<'t, 'p>, TypedError> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, TypedError> {
        Err(self.mismatch(&format!("the enum variant {variant} with data")))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Entries<'t, 'p>, TypedError> {
        let items = match self.ty {
            Type::Map(element) => Items::Map {
                element,
                items: BTreeMap::new(),
            },
            Type::Object(attributes, _) => Entries::object(attributes),
            _ => return Err(self.mismatch("a map or struct")),
        };
        Ok(Entries::new(items, self.path, self.audit))
    }

    fn serialize_struct(
        self,
        name: &'static str,
        _len: usize,
    ) -> Result<Entries<'t, 'p>, TypedError> {
        if name == JSON_NUMBER_TOKEN {
            if *self.ty != Type::Number {
                return Err(self.mismatch("a number"));
            }
            return Ok(Entries::new(Items::Number(None), self.path, self.audit));
        }
        self.serialize_map(None)
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, TypedError> {
        Err(self.mismatch(&format!("the enum variant {variant} with data")))
    }
}

pub(super) struct Elements<'t, 'p> {
    ty: &'t Type,
    items: Vec<Value>,
    path: &'p Path<'p>,
    audit: Option<&'p Audit>,
}

impl Elements<'_, '_> {
    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        let index = self.items.len();
        let element = match self.ty {
            Type::List(element) | Type::Set(element) => element.as_ref(),
            Type::Tuple(types) => types.get(index).ok_or_else(|| {
                TypedError::mismatch(format!("more than {} tuple elements", types.len()))
                    .within(self.path)
            })?,
            _ => &Type::Dynamic,
        };
        let item = write(value, element, &Path::Index(self.path, index), self.audit)?;
        self.items.push(item);
        Ok(())
    }

    fn finish(self) -> Value {
        match self.ty {
            Type::Set(_) => Value::Set(self.items),
            Type::Tuple(_) => Value::Tuple(self.items),
            _ => Value::List(self.items),
        }
    }
}

macro_rules! sequence_impls {
    ($($trait:ident :: $method:ident),* $(,)?) => {
        $(impl ser::$trait for Elements<'_, '_> {
            type Ok = Value;
            type Error = TypedError;

            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
                self.push(value)
            }

            fn end(self) -> Result<Value, TypedError> {
                Ok(self.finish())
            }
        })*
    };
}

sequence_impls!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
);

pub(super) struct Entries<'t, 'p> {
    items: Items<'t>,
    /// A map key given by `serialize_key`, waiting for its value.
    key: Option<String>,
    path: &'p Path<'p>,
    audit: Option<&'p Audit>,
}

enum Items<'t> {
    /// An object's attributes in the type's (name) order, each with what the model wrote
    /// for it; `next` is where the attribute after the last one written would be.
    Object { slots: Vec<Slot<'t>>, next: usize },
    Map {
        element: &'t Type,
        items: BTreeMap<String, Value>,
    },
    /// serde_json's exact-number struct: the number once its one field is written.
    Number(Option<Value>),
}

struct Slot<'t> {
    /// A `str`, not the `String`: the scan reads its length without a further load.
    name: &'t str,
    ty: &'t Type,
    value: Option<Value>,
}

impl<'t, 'p> Entries<'t, 'p> {
    fn new(items: Items<'t>, path: &'p Path<'p>, audit: Option<&'p Audit>) -> Self {
        Entries {
            items,
            key: None,
            path,
            audit,
        }
    }

    fn object(attributes: &'t BTreeMap<String, Type>) -> Items<'t> {
        let slots = attributes
            .iter()
            .map(|(name, ty)| Slot {
                name: name.as_str(),
                ty,
                value: None,
            })
            .collect();
        Items::Object { slots, next: 0 }
    }

    fn insert<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), TypedError> {
        match &mut self.items {
            Items::Object { slots, next } => {
                let Some(at) = position(slots, *next, key) else {
                    return Err(TypedError::mismatch(
                        "the model has this field; the schema has no such attribute".into(),
                    )
                    .within(&Path::Attr(self.path, key)));
                };
                let slot = &mut slots[at];
                let path = Path::Attr(self.path, slot.name);
                slot.value = Some(write(value, slot.ty, &path, self.audit)?);
                *next = at + 1;
                Ok(())
            }
            Items::Map { .. } => self.insert_entry(key.to_string(), value),
            Items::Number(slot) => {
                let text = serde_json::to_value(value)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default();
                let number = text.parse::<Number>().map_err(|e| {
                    TypedError::mismatch(format!("{text:?} is not a number: {e}")).within(self.path)
                })?;
                *slot = Some(Value::Number(number));
                Ok(())
            }
        }
    }

    /// A map entry whose key is already owned; anything else goes through `insert`.
    fn insert_entry<T: Serialize + ?Sized>(
        &mut self,
        key: String,
        value: &T,
    ) -> Result<(), TypedError> {
        let Items::Map { element, items } = &mut self.items else {
            return self.insert(&key, value);
        };
        let item = write(value, element, &Path::Key(self.path, &key), self.audit)?;
        items.insert(key, item);
        Ok(())
    }

    fn finish(self) -> Result<Value, TypedError> {
        match self.items {
            Items::Number(number) => number
                .ok_or_else(|| TypedError::mismatch("an empty number".into()).within(self.path)),
            Items::Map { items, .. } => Ok(Value::Map(items)),
            // Every object carries every attribute on the wire. The slots are in name
            // order and unique: collecting builds the tree without a search per insert.
            Items::Object { slots, .. } => Ok(Value::Object(
                slots
                    .into_iter()
                    .map(|slot| {
                        let value = slot.value.unwrap_or_else(|| {
                            if let Some(audit) = self.audit {
                                audit.record(
                                    &Path::Attr(self.path, slot.name),
                                    "the schema has this attribute; the model does not write it",
                                );
                            }
                            Value::Null
                        });
                        (slot.name.to_owned(), value)
                    })
                    .collect(),
            )),
        }
    }
}

/// Where `key` is among `slots` (sorted by name). serde writes a struct's fields in
/// declaration order, so look from where the last field was found on, wrapping round
/// (a model declared in name order finds each field at once); comparing lengths first
/// skips most names without comparing their bytes.
fn position(slots: &[Slot<'_>], next: usize, key: &str) -> Option<usize> {
    let (before, after) = slots.split_at(next.min(slots.len()));
    let named = |slot: &Slot<'_>| slot.name == key;
    after
        .iter()
        .position(named)
        .map(|at| next + at)
        .or_else(|| before.iter().position(named))
}

impl ser::SerializeMap for Entries<'_, '_> {
    type Ok = Value;
    type Error = TypedError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), TypedError> {
        let key = serde_json::to_value(key)
            .ok()
            .and_then(|k| k.as_str().map(str::to_string))
            .ok_or_else(|| TypedError::mismatch("map keys must be strings".into()))?;
        self.key = Some(key);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), TypedError> {
        let key = self
            .key
            .take()
            .ok_or_else(|| TypedError::mismatch("a map value came before its key".into()))?;
        self.insert_entry(key, value)
    }

    fn end(self) -> Result<Value, TypedError> {
        self.finish()
    }
}

impl ser::SerializeStruct for Entries<'_, '_> {
    type Ok = Value;
    type Error = TypedError;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), TypedError> {
        self.insert(key, value)
    }

    fn end(self) -> Result<Value, TypedError> {
        self.finish()
    }
}
