//! The names an enum is written with, read from its serde derive: the same list serde
//! accepts, so the schema's `OneOf`, the docs and the model cannot disagree.

use serde::de::{self, Deserialize, Visitor};
use std::fmt;

/// The serde names of `T`'s variants (`RetentionPolicy` gives `limits`, `interest`,
/// `workqueue`); `None` when `T` is not an enum of unit variants.
pub fn variant_names<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    match T::deserialize(Probe) {
        Err(Found::Variants(names)) => Some(names),
        _ => None,
    }
}

/// A deserializer that stops at the first question and reports the variant list.
struct Probe;

#[derive(Debug)]
enum Found {
    Variants(&'static [&'static str]),
    NotAnEnum,
}

impl fmt::Display for Found {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("probing an enum's variants")
    }
}

impl std::error::Error for Found {}

impl de::Error for Found {
    fn custom<T: fmt::Display>(_msg: T) -> Self {
        Found::NotAnEnum
    }
}

impl<'de> de::Deserializer<'de> for Probe {
    type Error = Found;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, Found> {
        Err(Found::NotAnEnum)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        variants: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Found> {
        Err(Found::Variants(variants))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
        byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        struct identifier ignored_any
    }
}
