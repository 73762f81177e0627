//! Terraform's msgpack value encoding (`DynamicValue.msgpack`), matching go-cty:
//! nil is null, any extension is unknown, numbers are ints / float64 / decimal strings,
//! objects are maps carrying every attribute, lists, sets and tuples are arrays, and a
//! `dynamic` value is the pair `[type JSON as bin, value]`.

mod encode;

use super::error::PathTrail;
use super::{DecodeError, Number, Type, Value};
use std::collections::BTreeMap;

pub use encode::encode_msgpack;

/// Hostile input may nest `dynamic` values without end; deeper than this is refused
/// before the stack runs out. Real schemas nest a handful of levels.
pub const MAX_DEPTH: usize = 256;

/// nil: null.
const NIL: u8 = 0xc0;

/// The unknown value as Terraform writes it: fixext1, extension type 0, one zero byte.
const UNKNOWN: [u8; 3] = [0xd4, 0x00, 0x00];

/// Reads `bytes` as a value of type `ty`. Trailing bytes after the value are an error.
pub fn decode_msgpack(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    let mut decoder = Decoder {
        input: bytes,
        pos: 0,
        path: PathTrail::default(),
        depth: 0,
    };
    let value = decoder.value(ty)?;
    match bytes.len() - decoder.pos {
        0 => Ok(value),
        count => Err(DecodeError::TrailingBytes { count }),
    }
}

/// One msgpack item as far as its header (strings and binaries with their payload).
enum Head<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(&'a [u8]),
    Bin(&'a [u8]),
    Array(usize),
    Map(usize),
    Extension,
    Reserved,
}

impl Head<'_> {
    fn name(&self) -> &'static str {
        match self {
            Head::Nil => "nil",
            Head::Bool(_) => "bool",
            Head::Int(_) | Head::Uint(_) => "integer",
            Head::Float(_) => "float",
            Head::Str(_) => "string",
            Head::Bin(_) => "binary",
            Head::Array(_) => "array",
            Head::Map(_) => "map",
            Head::Extension => "extension",
            Head::Reserved => "reserved marker 0xc1",
        }
    }
}

/// Reads `input`; `'a` also covers the type being read, whose attribute names the
/// path trail borrows.
struct Decoder<'a> {
    input: &'a [u8],
    pos: usize,
    path: PathTrail<'a>,
    depth: usize,
}

impl<'a> Decoder<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.input.len());
        let Some(end) = end else {
            return Err(DecodeError::Truncated {
                path: self.path.current(),
            });
        };
        let bytes = &self.input[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn take_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(self.take_array::<1>()?[0])
    }

    fn u16(&mut self) -> Result<usize, DecodeError> {
        Ok(usize::from(u16::from_be_bytes(self.take_array()?)))
    }

    fn u32(&mut self) -> Result<usize, DecodeError> {
        let n = u32::from_be_bytes(self.take_array()?);
        // A length beyond the address space cannot fit the input either.
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    fn head(&mut self) -> Result<Head<'a>, DecodeError> {
        let marker = self.u8()?;
        Ok(match marker {
            0x00..=0x7f => Head::Int(i64::from(marker)),
            0x80..=0x8f => Head::Map(usize::from(marker & 0x0f)),
            0x90..=0x9f => Head::Array(usize::from(marker & 0x0f)),
            0xa0..=0xbf => Head::Str(self.take(usize::from(marker & 0x1f))?),
            0xc0 => Head::Nil,
            0xc1 => Head::Reserved,
            0xc2 => Head::Bool(false),
            0xc3 => Head::Bool(true),
            0xc4 => Head::Bin(self.sized(Self::u8_len)?),
            0xc5 => Head::Bin(self.sized(Self::u16)?),
            0xc6 => Head::Bin(self.sized(Self::u32)?),
            0xc7 => self.extension(Self::u8_len)?,
            0xc8 => self.extension(Self::u16)?,
            0xc9 => self.extension(Self::u32)?,
            0xca => Head::Float(f64::from(f32::from_be_bytes(self.take_array()?))),
            0xcb => Head::Float(f64::from_be_bytes(self.take_array()?)),
            0xcc => Head::Uint(u64::from(self.u8()?)),
            0xcd => Head::Uint(u64::from(u16::from_be_bytes(self.take_array()?))),
            0xce => Head::Uint(u64::from(u32::from_be_bytes(self.take_array()?))),
            0xcf => Head::Uint(u64::from_be_bytes(self.take_array()?)),
            0xd0 => Head::Int(i64::from(i8::from_be_bytes(self.take_array()?))),
            0xd1 => Head::Int(i64::from(i16::from_be_bytes(self.take_array()?))),
            0xd2 => Head::Int(i64::from(i32::from_be_bytes(self.take_array()?))),
            0xd3 => Head::Int(i64::from_be_bytes(self.take_array()?)),
            // fixext 1/2/4/8/16: type byte plus a fixed payload.
            0xd4..=0xd8 => {
                self.take(1 + (1usize << (marker - 0xd4)))?;
                Head::Extension
            }
            0xd9 => Head::Str(self.sized(Self::u8_len)?),
            0xda => Head::Str(self.sized(Self::u16)?),
            0xdb => Head::Str(self.sized(Self::u32)?),
            0xdc => Head::Array(self.u16()?),
            0xdd => Head::Array(self.u32()?),
            0xde => Head::Map(self.u16()?),
            0xdf => Head::Map(self.u32()?),
            0xe0..=0xff => Head::Int(i64::from(i8::from_be_bytes([marker]))),
        })
    }

    fn u8_len(&mut self) -> Result<usize, DecodeError> {
        self.u8().map(usize::from)
    }

    /// A length-prefixed payload; `take` checks the length against what is left.
    fn sized(
        &mut self,
        length: fn(&mut Self) -> Result<usize, DecodeError>,
    ) -> Result<&'a [u8], DecodeError> {
        let n = length(self)?;
        self.take(n)
    }

    /// Skips an extension (type byte and payload). Every extension means "unknown"; the
    /// refinements Terraform may put in ext type 12 are deliberately not kept.
    fn extension(
        &mut self,
        length: fn(&mut Self) -> Result<usize, DecodeError>,
    ) -> Result<Head<'a>, DecodeError> {
        let n = length(self)?;
        self.take(1)?;
        self.take(n)?;
        Ok(Head::Extension)
    }

    fn value(&mut self, ty: &'a Type) -> Result<Value, DecodeError> {
        if self.depth >= MAX_DEPTH {
            return Err(DecodeError::TooDeep {
                path: self.path.current(),
                limit: MAX_DEPTH,
            });
        }
        self.depth += 1;
        let value = self.value_at_depth(ty);
        self.depth -= 1;
        value
    }

    /// Only dispatches: each kind is read in its own function so that the frame repeated
    /// per nesting level stays small (debug builds do not share stack slots across arms).
    fn value_at_depth(&mut self, ty: &'a Type) -> Result<Value, DecodeError> {
        let head = self.head()?;
        match (head, ty) {
            (Head::Extension, _) => Ok(Value::Unknown),
            (Head::Nil, _) => Ok(Value::Null),
            (Head::Bool(b), Type::Bool) => Ok(Value::Bool(b)),
            (head, Type::Number) => self.number(head).map(Value::Number),
            (Head::Str(bytes) | Head::Bin(bytes), Type::String) => {
                self.text(bytes).map(Value::string)
            }
            (head, Type::List(element)) => self.sequence(head, ty, |_| element).map(Value::List),
            (head, Type::Set(element)) => self.sequence(head, ty, |_| element).map(Value::Set),
            (head, Type::Tuple(types)) => self.tuple(head, ty, types),
            (head, Type::Map(element)) => self.map(head, ty, element),
            (head, Type::Object(attributes, _)) => self.object(head, ty, attributes),
            (head, Type::Dynamic) => self.dynamic(head),
            (head, Type::Bool | Type::String) => Err(self.mismatch(ty, &head)),
        }
    }

    fn sequence(
        &mut self,
        head: Head<'_>,
        ty: &Type,
        type_of: impl Fn(usize) -> &'a Type,
    ) -> Result<Vec<Value>, DecodeError> {
        let Head::Array(len) = head else {
            return Err(self.mismatch(ty, &head));
        };
        // Every element takes at least one byte: never reserve more than is left.
        let mut items = Vec::with_capacity(len.min(self.input.len() - self.pos));
        for i in 0..len {
            self.path.push_index(i);
            items.push(self.value(type_of(i))?);
            self.path.pop();
        }
        Ok(items)
    }

    fn tuple(
        &mut self,
        head: Head<'_>,
        ty: &Type,
        types: &'a [Type],
    ) -> Result<Value, DecodeError> {
        if let Head::Array(len) = head {
            if len != types.len() {
                return Err(DecodeError::TupleLength {
                    path: self.path.current(),
                    expected: types.len(),
                    found: len,
                });
            }
        }
        self.sequence(head, ty, |i| &types[i]).map(Value::Tuple)
    }

    fn map(&mut self, head: Head<'_>, ty: &Type, element: &'a Type) -> Result<Value, DecodeError> {
        let Head::Map(len) = head else {
            return Err(self.mismatch(ty, &head));
        };
        let mut entries = BTreeMap::new();
        for _ in 0..len {
            let key = self.key()?;
            self.path.push_key(key);
            let value = self.value(element)?;
            self.path.pop();
            entries.insert(key.to_owned(), value);
        }
        Ok(Value::Map(entries))
    }

    /// Attributes in any order; missing ones are null, unknown names an error, a name
    /// given twice keeps its last value.
    fn object(
        &mut self,
        head: Head<'_>,
        ty: &Type,
        attributes: &'a BTreeMap<String, Type>,
    ) -> Result<Value, DecodeError> {
        let Head::Map(len) = head else {
            return Err(self.mismatch(ty, &head));
        };
        // Every attribute takes at least two bytes: never reserve more than is left.
        let mut given = Vec::with_capacity(len.min(self.input.len() - self.pos));
        // go-cty writes attributes in name order, as the type holds them: look for each
        // one from where the last was found, and search the whole type only otherwise.
        let mut ahead = attributes.iter();
        let mut in_order = true;
        for _ in 0..len {
            // Compared as bytes: a name equal to one of the type's is valid UTF-8, so
            // only a name out of order is checked as text before it is looked up.
            let raw_name = self.key_bytes()?;
            let (name, attribute_type) = match ahead
                .by_ref()
                .find(|(known, _)| known.as_bytes() == raw_name)
            {
                Some(found) => found,
                None => {
                    in_order = false;
                    let name = self.text(raw_name)?;
                    attributes.get_key_value(name).ok_or_else(|| {
                        DecodeError::UnsupportedAttribute {
                            path: self.path.current(),
                            name: name.to_owned(),
                        }
                    })?
                }
            };
            self.path.push_attribute(name);
            let value = self.value(attribute_type)?;
            self.path.pop();
            given.push((name, value));
        }
        Ok(Value::Object(complete_object(given, in_order, attributes)))
    }

    fn key(&mut self) -> Result<&'a str, DecodeError> {
        let bytes = self.key_bytes()?;
        self.text(bytes)
    }

    /// A map key or attribute name, not yet checked to be UTF-8.
    fn key_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        match self.head()? {
            Head::Str(bytes) | Head::Bin(bytes) => Ok(bytes),
            other => Err(self.mismatch(&Type::String, &other)),
        }
    }

    fn number(&self, head: Head<'a>) -> Result<Number, DecodeError> {
        let invalid = |reason| DecodeError::InvalidNumber {
            path: self.path.current(),
            reason,
        };
        match head {
            Head::Int(i) => Ok(Number::from_i64(i)),
            Head::Uint(u) => Ok(Number::from_u64(u)),
            Head::Float(f) => Number::from_f64(f).ok_or_else(|| invalid("not finite")),
            Head::Str(bytes) | Head::Bin(bytes) => self
                .text(bytes)?
                .parse()
                .map_err(|_| invalid("not decimal text, or out of range")),
            other => Err(self.mismatch(&Type::Number, &other)),
        }
    }

    /// `[type JSON, value]`; the type JSON is a bin (go-cty) but a str is accepted too.
    fn dynamic(&mut self, head: Head<'_>) -> Result<Value, DecodeError> {
        let concrete = self.dynamic_type(head)?;
        // The type lives only here: read the value below it with a trail of its own.
        let mut below = Decoder {
            input: self.input,
            pos: self.pos,
            path: self.path.nested(),
            depth: self.depth,
        };
        let inner = below.value(&concrete)?;
        self.pos = below.pos;
        Ok(match concrete {
            // The type said nothing: keep whatever the inner dynamic value decoded to.
            Type::Dynamic => inner,
            concrete => Value::Dynamic(Box::new(concrete), Box::new(inner)),
        })
    }

    fn dynamic_type(&mut self, head: Head<'_>) -> Result<Type, DecodeError> {
        let invalid = |path, reason: &str| DecodeError::InvalidDynamic {
            path,
            reason: reason.to_owned(),
        };
        let Head::Array(len) = head else {
            return Err(self.mismatch(&Type::Dynamic, &head));
        };
        if len != 2 {
            return Err(invalid(self.path.current(), "expected [type, value]"));
        }
        let type_json = match self.head()? {
            Head::Bin(bytes) | Head::Str(bytes) => bytes,
            _ => return Err(invalid(self.path.current(), "type must be JSON bytes")),
        };
        Type::from_json_bytes(type_json).map_err(|e| invalid(self.path.current(), &e.to_string()))
    }

    fn text(&self, bytes: &'a [u8]) -> Result<&'a str, DecodeError> {
        std::str::from_utf8(bytes).map_err(|_| DecodeError::InvalidUtf8 {
            path: self.path.current(),
        })
    }

    fn mismatch(&self, expected: &Type, found: &Head<'_>) -> DecodeError {
        DecodeError::Mismatch {
            path: self.path.current(),
            expected: expected.clone(),
            found: found.name(),
        }
    }
}

/// The object holding `given` and null for every other attribute. `given` names are the
/// type's own keys (so equal names are the same string); `in_order` says they came in
/// the type's order, each once, as go-cty writes them. The merge with the (sorted) type
/// then walks both once, and the map is built in one go rather than by inserts.
pub(super) fn complete_object(
    mut given: Vec<(&String, Value)>,
    in_order: bool,
    attributes: &BTreeMap<String, Type>,
) -> BTreeMap<String, Value> {
    // Stable, so that of two equal names the later stays later and wins below.
    if !in_order {
        given.sort_by(|a, b| a.0.cmp(b.0));
    }
    let mut given = given.into_iter().peekable();
    let mut complete = Vec::with_capacity(attributes.len());
    for name in attributes.keys() {
        let mut entry = None;
        while let Some((_, value)) =
            given.next_if(|(given_name, _)| std::ptr::eq(*given_name, name))
        {
            entry = Some(value);
        }
        complete.push((name.clone(), entry.unwrap_or(Value::Null)));
    }
    // Sorted and unique: collecting builds the tree without comparisons per insert.
    complete.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object_type() -> Type {
        Type::object([("a", Type::String), ("b", Type::Bool), ("c", Type::Bool)])
    }

    #[test]
    fn attributes_in_any_order_repeated_or_missing() {
        // {"c": true, "a": "x", "c": false}: out of order, "c" twice, "b" missing.
        let bytes = [
            0x83, 0xa1, b'c', 0xc3, 0xa1, b'a', 0xa1, b'x', 0xa1, b'c', 0xc2,
        ];
        let decoded = decode_msgpack(&bytes, &object_type()).unwrap();
        let expected = Value::Object(BTreeMap::from([
            ("a".to_owned(), Value::string("x")),
            ("b".to_owned(), Value::Null),
            ("c".to_owned(), Value::Bool(false)),
        ]));
        assert_eq!(decoded, expected);
    }

    #[test]
    fn an_unknown_attribute_is_refused_by_name() {
        let bytes = [0x81, 0xa1, b'z', 0xc3];
        let error = decode_msgpack(&bytes, &object_type()).unwrap_err();
        assert!(
            matches!(&error, DecodeError::UnsupportedAttribute { name, .. } if name == "z"),
            "{error:?}"
        );
    }
}
