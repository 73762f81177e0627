//! The msgpack writer: the most compact form of each item, as go-cty writes them.

use super::{NIL, UNKNOWN};
use crate::framework::value::error::PathTrail;
use crate::framework::value::{EncodeError, Number, Type, Value};
use std::collections::BTreeMap;

/// Writes `value` as type `ty`. Object attributes missing from the value are written as
/// nil; a value under a `dynamic` type is written with its carried (or implied) type.
/// Where the wire form is the same, kinds are interchangeable: list, set and tuple values
/// under any of those types, map and object values under either; a `Value::Dynamic`
/// under a concrete type is written as its inner value.
pub fn encode_msgpack(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let mut encoder = Encoder {
        out: Vec::new(),
        path: PathTrail::default(),
    };
    encoder.value(value, ty)?;
    Ok(encoder.out)
}

/// Writes to `out`; `'a` covers the value and the type being written, whose names the
/// path trail borrows.
struct Encoder<'a> {
    out: Vec<u8>,
    path: PathTrail<'a>,
}

impl<'a> Encoder<'a> {
    fn value(&mut self, value: &'a Value, ty: &'a Type) -> Result<(), EncodeError> {
        if *ty == Type::Dynamic {
            return self.dynamic(value);
        }
        match value {
            Value::Null => self.out.push(NIL),
            Value::Unknown => self.out.extend_from_slice(&UNKNOWN),
            // The schema's type wins over a carried one.
            Value::Dynamic(_, inner) => return self.value(inner, ty),
            known => return self.known(known, ty),
        }
        Ok(())
    }

    fn known(&mut self, value: &'a Value, ty: &'a Type) -> Result<(), EncodeError> {
        match (ty, value) {
            (Type::Bool, Value::Bool(b)) => self.out.push(if *b { 0xc3 } else { 0xc2 }),
            (Type::Number, Value::Number(n)) => self.number(n)?,
            (Type::String, Value::String(s)) => self.str(s.as_bytes())?,
            (
                Type::List(element) | Type::Set(element),
                Value::List(items) | Value::Set(items) | Value::Tuple(items),
            ) => {
                self.header(0x90, [0xdc, 0xdd], items.len())?;
                self.elements(items, |_| element)?;
            }
            (Type::Tuple(types), Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
                if items.len() != types.len() {
                    return Err(EncodeError::TupleLength {
                        path: self.path.current(),
                        expected: types.len(),
                        found: items.len(),
                    });
                }
                self.header(0x90, [0xdc, 0xdd], items.len())?;
                self.elements(items, |i| &types[i])?;
            }
            (Type::Map(element), Value::Map(entries) | Value::Object(entries)) => {
                self.header(0x80, [0xde, 0xdf], entries.len())?;
                for (key, item) in entries {
                    self.str(key.as_bytes())?;
                    self.path.push_key(key);
                    self.value(item, element)?;
                    self.path.pop();
                }
            }
            (Type::Object(attributes, _), Value::Object(values) | Value::Map(values)) => {
                if let Some(extra) = attribute_not_in(values, attributes) {
                    return Err(EncodeError::UnsupportedAttribute {
                        path: self.path.current(),
                        name: extra.clone(),
                    });
                }
                self.header(0x80, [0xde, 0xdf], attributes.len())?;
                // Both maps are sorted by name and `values` holds no other names: walk
                // them side by side rather than looking each attribute up.
                let mut given = values.iter().peekable();
                for (name, attribute_type) in attributes {
                    self.str(name.as_bytes())?;
                    self.path.push_attribute(name);
                    let value = given.next_if(|(given_name, _)| *given_name == name);
                    self.value(
                        value.map_or(&Value::Null, |(_, value)| value),
                        attribute_type,
                    )?;
                    self.path.pop();
                }
            }
            _ => {
                return Err(EncodeError::Mismatch {
                    path: self.path.current(),
                    expected: ty.clone(),
                    found: value.kind_name(),
                })
            }
        }
        Ok(())
    }

    fn elements(
        &mut self,
        items: &'a [Value],
        type_of: impl Fn(usize) -> &'a Type,
    ) -> Result<(), EncodeError> {
        for (i, item) in items.iter().enumerate() {
            self.path.push_index(i);
            self.value(item, type_of(i))?;
            self.path.pop();
        }
        Ok(())
    }

    /// Under `dynamic`, a known type travels as `[type JSON bin, value]`; bare nulls and
    /// unknowns, whose type nobody knows, are written plainly (as go-cty does).
    fn dynamic(&mut self, value: &'a Value) -> Result<(), EncodeError> {
        match value {
            Value::Null => {
                self.out.push(NIL);
                Ok(())
            }
            Value::Unknown => {
                self.out.extend_from_slice(&UNKNOWN);
                Ok(())
            }
            Value::Dynamic(concrete, inner) if **concrete == Type::Dynamic => self.dynamic(inner),
            Value::Dynamic(concrete, inner) => self.typed(concrete, inner),
            other => {
                let concrete =
                    other
                        .implied_type()
                        .ok_or_else(|| EncodeError::CannotInferType {
                            path: self.path.current(),
                        })?;
                // The implied type lives only here: write below it with a trail of
                // its own.
                let mut below = Encoder {
                    out: std::mem::take(&mut self.out),
                    path: self.path.nested(),
                };
                let written = below.typed(&concrete, other);
                self.out = below.out;
                written
            }
        }
    }

    fn typed(&mut self, concrete: &'a Type, value: &'a Value) -> Result<(), EncodeError> {
        self.out.push(0x92);
        let type_json = concrete.to_json_bytes();
        self.bin(&type_json)?;
        self.value(value, concrete)
    }

    /// int when an exact i64 or u64, else float64 when exact, else plain decimal text.
    fn number(&mut self, n: &Number) -> Result<(), EncodeError> {
        if let Some(i) = n.to_i64() {
            self.int(i);
        } else if let Some(u) = n.to_u64() {
            self.uint(u);
        } else if let Some(f) = n.to_f64_exact() {
            self.marked(0xcb, &f.to_be_bytes());
        } else {
            self.str(n.to_string().as_bytes())?;
        }
        Ok(())
    }

    /// The most compact form, non-negative numbers with unsigned markers as go-cty does.
    fn int(&mut self, i: i64) {
        if let Ok(u) = u64::try_from(i) {
            self.uint(u);
        } else if let Ok(n @ -32..=-1) = i8::try_from(i) {
            self.out.extend_from_slice(&n.to_be_bytes());
        } else if let Ok(n) = i8::try_from(i) {
            self.marked(0xd0, &n.to_be_bytes());
        } else if let Ok(n) = i16::try_from(i) {
            self.marked(0xd1, &n.to_be_bytes());
        } else if let Ok(n) = i32::try_from(i) {
            self.marked(0xd2, &n.to_be_bytes());
        } else {
            self.marked(0xd3, &i.to_be_bytes());
        }
    }

    fn uint(&mut self, u: u64) {
        if let Ok(n @ 0..=0x7f) = u8::try_from(u) {
            self.out.push(n);
        } else if let Ok(n) = u8::try_from(u) {
            self.marked(0xcc, &[n]);
        } else if let Ok(n) = u16::try_from(u) {
            self.marked(0xcd, &n.to_be_bytes());
        } else if let Ok(n) = u32::try_from(u) {
            self.marked(0xce, &n.to_be_bytes());
        } else {
            self.marked(0xcf, &u.to_be_bytes());
        }
    }

    fn marked(&mut self, marker: u8, bytes: &[u8]) {
        self.out.push(marker);
        self.out.extend_from_slice(bytes);
    }

    fn str(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.payload(Some(0xa0), [0xd9, 0xda, 0xdb], bytes)
    }

    fn bin(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.payload(None, [0xc4, 0xc5, 0xc6], bytes)
    }

    /// A length-prefixed payload: the fix form (strings only) below 32 bytes, else an
    /// 8-, 16- or 32-bit length.
    fn payload(
        &mut self,
        fix: Option<u8>,
        sized: [u8; 3],
        bytes: &[u8],
    ) -> Result<(), EncodeError> {
        match fix {
            // Lossless: the length is below 32 here.
            Some(fix) if bytes.len() < 32 => self.out.push(fix | bytes.len() as u8),
            _ => {
                if let Ok(n) = u8::try_from(bytes.len()) {
                    self.out.extend_from_slice(&[sized[0], n]);
                } else if let Ok(n) = u16::try_from(bytes.len()) {
                    self.out.push(sized[1]);
                    self.out.extend_from_slice(&n.to_be_bytes());
                } else {
                    let n = u32::try_from(bytes.len()).map_err(|_| EncodeError::TooLong {
                        path: self.path.current(),
                    })?;
                    self.out.push(sized[2]);
                    self.out.extend_from_slice(&n.to_be_bytes());
                }
            }
        }
        self.out.extend_from_slice(bytes);
        Ok(())
    }

    /// An array or map header: the fix form below 16 entries, else a 16- or 32-bit length.
    fn header(&mut self, fix: u8, sized: [u8; 2], len: usize) -> Result<(), EncodeError> {
        if len < 16 {
            // Lossless: the length is below 16 here.
            self.out.push(fix | len as u8);
        } else if let Ok(n) = u16::try_from(len) {
            self.out.push(sized[0]);
            self.out.extend_from_slice(&n.to_be_bytes());
        } else {
            let n = u32::try_from(len).map_err(|_| EncodeError::TooLong {
                path: self.path.current(),
            })?;
            self.out.push(sized[1]);
            self.out.extend_from_slice(&n.to_be_bytes());
        }
        Ok(())
    }
}

/// The first name in `values` that `attributes` lacks; both are sorted, so one walk.
fn attribute_not_in<'v>(
    values: &'v BTreeMap<String, Value>,
    attributes: &BTreeMap<String, Type>,
) -> Option<&'v String> {
    let mut known = attributes.keys().peekable();
    values.keys().find(|given| {
        while known.next_if(|name| name < given).is_some() {}
        known.next_if(|name| name == given).is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_type_lacks_are_found_wherever_they_sort() {
        let attributes = BTreeMap::from([
            ("b".to_owned(), Type::Bool),
            ("d".to_owned(), Type::Bool),
            ("f".to_owned(), Type::Bool),
        ]);
        let values = |names: &[&str]| -> BTreeMap<String, Value> {
            names
                .iter()
                .map(|n| ((*n).to_owned(), Value::Null))
                .collect()
        };
        let extra = |names: &[&str]| attribute_not_in(&values(names), &attributes).cloned();
        assert_eq!(extra(&[]), None);
        assert_eq!(extra(&["b", "d", "f"]), None);
        assert_eq!(extra(&["d"]), None);
        assert_eq!(extra(&["a", "b"]), Some("a".to_owned()));
        assert_eq!(extra(&["b", "c", "d"]), Some("c".to_owned()));
        assert_eq!(extra(&["f", "g"]), Some("g".to_owned()));
        let object = Type::Object(attributes.clone(), Default::default());
        let error = encode_msgpack(&Value::Object(values(&["b", "e"])), &object).unwrap_err();
        assert!(
            matches!(&error, EncodeError::UnsupportedAttribute { name, .. } if name == "e"),
            "{error:?}"
        );
        // Written in the type's order, missing ones as nil.
        let written = encode_msgpack(&Value::Object(values(&["d"])), &object).unwrap();
        assert_eq!(
            written,
            [0x83, 0xa1, b'b', NIL, 0xa1, b'd', NIL, 0xa1, b'f', NIL]
        );
    }
}
