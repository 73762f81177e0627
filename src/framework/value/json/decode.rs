//! Reading Terraform's JSON value encoding in one pass: serde_json's parser drives a
//! [`DeserializeSeed`] that carries the expected [`Type`] and builds the [`Value`]
//! directly, with no `serde_json::Value` tree in between (a `dynamic` value excepted: its
//! type may come after its value, so that one object is buffered).
//!
//! The result is the one a two-step decode (parse into `serde_json::Value`, then walk it
//! against the type) gives, which this module replaced:
//! - invalid JSON anywhere is [`DecodeError::Json`], even after a type error: a type
//!   error does not stop the parse, it is carried as the node's outcome ([`Outcome`]);
//! - of a name given twice in an object or map the last value counts and an earlier one
//!   is never judged; errors come in the order of the names' first appearance;
//! - whatever is skipped (the rest of a value of the wrong kind, a dropped attribute, a
//!   tuple's surplus elements) is read as a `serde_json::Value`, so it is checked exactly
//!   as before;
//! - serde_json refuses nesting deeper than 128 levels, and each level below is one
//!   recursion here (the buffered `dynamic` value is re-read from its own, shallower
//!   text), so hostile input cannot overflow the stack.

use super::super::error::PathTrail;
use super::super::msgpack::complete_object;
use super::super::{DecodeError, Number, Type, Value};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

/// The key under which serde_json, with its `arbitrary_precision` feature, hands a number
/// that is not a u64/i64 to a visitor: `visit_map` of a one-entry map from this key to
/// the number's literal text (exponent written `e+N`/`e-N`). Whole numbers within u64 or
/// i64 come through `visit_u64`/`visit_i64` instead, whose decimal form is their literal
/// text (JSON has no leading zeros or `+`). An object in the input whose first key is
/// this string is read the same way, as `serde_json::Value` does.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// What a node decoded to. The outer `Result` (serde's error) is invalid JSON, which
/// ends the parse; this one is a value that does not fit its type, after which the parse
/// goes on so that invalid JSON later in the input still wins.
type Outcome<T = Value> = Result<T, DecodeError>;

/// Reads `bytes` as a value of type `ty`, below `path`.
pub(super) fn decode(
    bytes: &[u8],
    ty: &Type,
    path: PathTrail<'_>,
    drop_removed: bool,
) -> Result<Value, DecodeError> {
    let mut input = serde_json::Deserializer::from_slice(bytes);
    let mut walk = Walk { path, drop_removed };
    let outcome = Typed {
        walk: &mut walk,
        ty,
    }
    .deserialize(&mut input)
    .and_then(|outcome| input.end().map(|()| outcome));
    outcome.map_err(|e| DecodeError::Json(e.to_string()))?
}

/// State of one decode; `'a` covers the type and the input, whose names the trail borrows.
struct Walk<'a> {
    path: PathTrail<'a>,
    /// Skip object attributes the type lacks (see [`super::decode_stored_json`]).
    drop_removed: bool,
}

impl Walk<'_> {
    fn mismatch(&self, expected: &Type, found: &'static str) -> DecodeError {
        DecodeError::Mismatch {
            path: self.path.current(),
            expected: expected.clone(),
            found,
        }
    }

    fn number(&self, text: &str) -> Outcome {
        Number::from_str(text)
            .map(Value::Number)
            .map_err(|_| DecodeError::InvalidNumber {
                path: self.path.current(),
                reason: "not decimal text, or out of range",
            })
    }

    /// `{"value": V, "type": T}` (either order), both required, nothing else allowed.
    fn dynamic(&self, json: Json) -> Outcome {
        let invalid = |reason: String| DecodeError::InvalidDynamic {
            path: self.path.current(),
            reason,
        };
        let fields = match json {
            Json::Null => return Ok(Value::Null),
            Json::Object(fields) => fields,
            other => return Err(self.mismatch(&Type::Dynamic, json_kind(&other))),
        };
        if let Some(extra) = fields.keys().find(|k| *k != "value" && *k != "type") {
            return Err(invalid(format!("unexpected key {extra:?}")));
        }
        let (Some(type_json), Some(value_json)) = (fields.get("type"), fields.get("value")) else {
            return Err(invalid("expected both \"value\" and \"type\"".to_owned()));
        };
        let concrete = Type::from_json(type_json).map_err(|e| invalid(e.to_string()))?;
        // Written back, a number keeps its literal text; the text is no deeper than this
        // value, so its own parse stays within the depth limit too.
        let text = serde_json::to_vec(value_json).map_err(|e| DecodeError::Json(e.to_string()))?;
        // The type lives only here: read the value below it with a trail of its own.
        let inner = decode(&text, &concrete, self.path.nested(), false)?;
        Ok(match concrete {
            Type::Dynamic => inner,
            concrete => Value::Dynamic(Box::new(concrete), Box::new(inner)),
        })
    }
}

/// The names of a kind of JSON value, for messages.
fn json_kind(json: &Json) -> &'static str {
    match json {
        Json::Null => "null",
        Json::Bool(_) => "bool",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

/// Reads one value of type `ty`; also its own visitor.
struct Typed<'w, 'a> {
    walk: &'w mut Walk<'a>,
    ty: &'a Type,
}

impl<'de: 'a, 'a> DeserializeSeed<'de> for Typed<'_, 'a> {
    type Value = Outcome;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Outcome, D::Error> {
        if matches!(self.ty, Type::Dynamic) {
            let json = Json::deserialize(input)?;
            return Ok(self.walk.dynamic(json));
        }
        input.deserialize_any(self)
    }
}

impl<'de: 'a, 'a> Visitor<'de> for Typed<'_, 'a> {
    type Value = Outcome;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a JSON value of type {}", self.ty)
    }

    fn visit_unit<E>(self) -> Result<Outcome, E> {
        Ok(Ok(Value::Null))
    }

    fn visit_bool<E>(self, b: bool) -> Result<Outcome, E> {
        Ok(match self.ty {
            Type::Bool => Ok(Value::Bool(b)),
            Type::String => Ok(Value::string(b.to_string())),
            _ => Err(self.walk.mismatch(self.ty, "bool")),
        })
    }

    fn visit_u64<E>(self, n: u64) -> Result<Outcome, E> {
        Ok(self.whole(Number::from_u64(n), || n.to_string()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Outcome, E> {
        Ok(self.whole(Number::from_i64(n), || n.to_string()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Outcome, E> {
        Ok(match (self.ty, s) {
            (Type::String, _) => Ok(Value::string(s)),
            (Type::Number, _) => self.walk.number(s),
            (Type::Bool, "true" | "1") => Ok(Value::Bool(true)),
            (Type::Bool, "false" | "0") => Ok(Value::Bool(false)),
            _ => Err(self.walk.mismatch(self.ty, "string")),
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Outcome, A::Error> {
        let (make, element): (fn(Vec<Value>) -> Value, _) = match self.ty {
            Type::List(element) => (Value::List, element),
            Type::Set(element) => (Value::Set, element),
            Type::Tuple(types) => return self.tuple(seq, types),
            _ => {
                while seq.next_element::<Json>()?.is_some() {}
                return Ok(Err(self.walk.mismatch(self.ty, "array")));
            }
        };
        let (outcome, _) = elements(self.walk, &mut seq, |_| Some(element))?;
        Ok(outcome.map(make))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Outcome, A::Error> {
        let first = map.next_key_seed(Key)?;
        if first.as_deref() == Some(NUMBER_TOKEN) {
            let NumberText(text) = map.next_value()?;
            return Ok(match self.ty {
                Type::Number => self.walk.number(&text),
                Type::String => Ok(Value::String(text)),
                _ => Err(self.walk.mismatch(self.ty, "number")),
            });
        }
        match self.ty {
            Type::Object(attributes, _) => object(self.walk, first, map, attributes),
            Type::Map(element) => entries(self.walk, first, map, element),
            _ => {
                let mut key = first;
                while key.is_some() {
                    map.next_value::<Json>()?;
                    key = map.next_key_seed(Key)?;
                }
                Ok(Err(self.walk.mismatch(self.ty, "object")))
            }
        }
    }
}

impl<'a> Typed<'_, 'a> {
    /// A whole number within u64/i64, `text` its literal.
    fn whole(self, number: Number, text: impl FnOnce() -> String) -> Outcome {
        match self.ty {
            Type::Number => Ok(Value::Number(number)),
            Type::String => Ok(Value::String(text())),
            _ => Err(self.walk.mismatch(self.ty, "number")),
        }
    }

    /// The length is only known at the end, yet a wrong one is the error reported, before
    /// any of an element. Elements are read strictly: nothing is dropped inside a tuple.
    fn tuple<'de: 'a, A: SeqAccess<'de>>(
        self,
        mut seq: A,
        types: &'a [Type],
    ) -> Result<Outcome, A::Error> {
        let drop_removed = std::mem::replace(&mut self.walk.drop_removed, false);
        let read = elements(self.walk, &mut seq, |i| types.get(i));
        self.walk.drop_removed = drop_removed;
        let (outcome, found) = read?;
        if found != types.len() {
            return Ok(Err(DecodeError::TupleLength {
                path: self.walk.path.current(),
                expected: types.len(),
                found,
            }));
        }
        Ok(outcome.map(Value::Tuple))
    }
}

/// The elements of an array, and how many there were; `type_of` gives `None` past the
/// end of a tuple. After a failing element the rest are only checked as JSON.
fn elements<'de: 'a, 'a, A: SeqAccess<'de>>(
    walk: &mut Walk<'a>,
    seq: &mut A,
    type_of: impl Fn(usize) -> Option<&'a Type>,
) -> Result<(Outcome<Vec<Value>>, usize), A::Error> {
    let mut items = Vec::new();
    let mut failure = None;
    let mut count = 0;
    loop {
        let ty = if failure.is_none() {
            type_of(count)
        } else {
            None
        };
        let Some(ty) = ty else {
            if seq.next_element::<Json>()?.is_none() {
                break;
            }
            count += 1;
            continue;
        };
        walk.path.push_index(count);
        let item = seq.next_element_seed(Typed { walk, ty })?;
        walk.path.pop();
        match item {
            None => break,
            Some(Ok(value)) => items.push(value),
            Some(Err(error)) => failure = Some(error),
        }
        count += 1;
    }
    Ok((failure.map_or(Ok(items), Err), count))
}

/// An object's attributes, `first` the name already read. go-cty and Terraform write them
/// in name order, as the type holds them: each is looked for from where the last was
/// found, the whole type searched only otherwise, and the map is built in one go.
fn object<'de: 'a, 'a, A: MapAccess<'de>>(
    walk: &mut Walk<'a>,
    first: Option<Cow<'de, str>>,
    mut map: A,
    attributes: &'a BTreeMap<String, Type>,
) -> Result<Outcome, A::Error> {
    let mut given: Vec<(&'a String, Value)> = Vec::with_capacity(attributes.len());
    let mut failures = Failures::default();
    let mut ahead = attributes.iter();
    let mut in_order = true;
    let mut key = first;
    while let Some(name) = key {
        let mut probe = ahead.clone();
        let found = match probe.find(|(known, _)| known.as_str() == name) {
            Some(found) => {
                ahead = probe;
                Some(found)
            }
            None => {
                in_order = false;
                attributes.get_key_value(name.as_ref())
            }
        };
        match found {
            Some((known, ty)) => {
                walk.path.push_attribute(known);
                let outcome = map.next_value_seed(Typed { walk, ty })?;
                walk.path.pop();
                let earlier = || given.iter().map(|(name, _)| name.as_str());
                match outcome {
                    Ok(value) => {
                        failures.note(earlier, known, None);
                        given.push((known, value));
                    }
                    Err(error) => failures.note(earlier, known, Some(error)),
                }
            }
            None => {
                map.next_value::<Json>()?;
                if !walk.drop_removed {
                    let error = DecodeError::UnsupportedAttribute {
                        path: walk.path.current(),
                        name: name.to_string(),
                    };
                    let earlier = || given.iter().map(|(name, _)| name.as_str());
                    failures.note(earlier, &name, Some(error));
                }
            }
        }
        key = map.next_key_seed(Key)?;
    }
    Ok(match failures.first() {
        Some(error) => Err(error),
        None => Ok(Value::Object(complete_object(given, in_order, attributes))),
    })
}

/// A map's entries, `first` the key already read.
fn entries<'de: 'a, 'a, A: MapAccess<'de>>(
    walk: &mut Walk<'a>,
    first: Option<Cow<'de, str>>,
    mut map: A,
    element: &'a Type,
) -> Result<Outcome, A::Error> {
    let mut given: Vec<(String, Value)> = Vec::new();
    let mut failures = Failures::default();
    let mut key = first;
    while let Some(name) = key {
        let outcome = match &name {
            Cow::Borrowed(name) => {
                walk.path.push_key(name);
                let outcome = map.next_value_seed(Typed { walk, ty: element })?;
                walk.path.pop();
                outcome
            }
            // An unescaped copy lives only here: continue the trail in one of its own.
            Cow::Owned(name) => {
                let mut below = Walk {
                    path: walk.path.nested(),
                    drop_removed: walk.drop_removed,
                };
                below.path.push_key(name);
                map.next_value_seed(Typed {
                    walk: &mut below,
                    ty: element,
                })?
            }
        };
        let earlier = || given.iter().map(|(name, _)| name.as_str());
        match outcome {
            Ok(value) => {
                failures.note(earlier, &name, None);
                given.push((name.into_owned(), value));
            }
            Err(error) => failures.note(earlier, &name, Some(error)),
        }
        key = map.next_key_seed(Key)?;
    }
    if let Some(error) = failures.first() {
        return Ok(Err(error));
    }
    // Inserted in input order, so of a key given twice the last value stays.
    let mut out = BTreeMap::new();
    for (name, value) in given {
        out.insert(name, value);
    }
    Ok(Ok(Value::Map(out)))
}

/// The entries of one object or map from its first failing one on (with the names read
/// before it), to report what a name -> value map of the input would: of a name given
/// twice only the last value counts, and names are judged in order of first appearance.
#[derive(Default)]
struct Failures {
    entries: Vec<(String, Option<DecodeError>)>,
}

impl Failures {
    fn note<'n, I: Iterator<Item = &'n str>>(
        &mut self,
        earlier: impl FnOnce() -> I,
        name: &str,
        error: Option<DecodeError>,
    ) {
        if self.entries.is_empty() {
            if error.is_none() {
                return;
            }
            self.entries
                .extend(earlier().map(|name| (name.to_owned(), None)));
        }
        self.entries.push((name.to_owned(), error));
    }

    /// The error of the first-appearing name whose last value failed.
    fn first(&self) -> Option<DecodeError> {
        let mut by_name: HashMap<&str, (usize, Option<&DecodeError>)> = HashMap::new();
        for (i, (name, error)) in self.entries.iter().enumerate() {
            by_name.entry(name).or_insert((i, None)).1 = error.as_ref();
        }
        by_name
            .into_values()
            .filter_map(|(first_seen, error)| Some((first_seen, error?)))
            .min_by_key(|(first_seen, _)| *first_seen)
            .map(|(_, error)| error.clone())
    }
}

/// An object key, borrowed from the input unless it had escapes.
struct Key;

impl<'de> DeserializeSeed<'de> for Key {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, input: D) -> Result<Self::Value, D::Error> {
        input.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(s))
    }

    fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s.to_owned()))
    }

    fn visit_string<E>(self, s: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(s))
    }
}

/// The literal text after [`NUMBER_TOKEN`], checked and put in serde_json's form as
/// `serde_json::Value` does (the parser's own text passes unchanged; an input object
/// posing as a number is refused or normalised the same way).
struct NumberText(String);

impl<'de> Deserialize<'de> for NumberText {
    fn deserialize<D: Deserializer<'de>>(input: D) -> Result<Self, D::Error> {
        input.deserialize_str(NumberTextVisitor)
    }
}

struct NumberTextVisitor;

impl Visitor<'_> for NumberTextVisitor {
    type Value = NumberText;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("string containing a number")
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<NumberText, E> {
        let number = serde_json::Number::from_str(s).map_err(E::custom)?;
        Ok(NumberText(number.as_str().to_owned()))
    }

    /// What serde_json's parser hands over: kept as it is when already in normal form.
    fn visit_string<E: de::Error>(self, s: String) -> Result<NumberText, E> {
        let number = serde_json::Number::from_str(&s).map_err(E::custom)?;
        if number.as_str() == s {
            return Ok(NumberText(s));
        }
        Ok(NumberText(number.as_str().to_owned()))
    }
}

#[cfg(test)]
mod tests;
