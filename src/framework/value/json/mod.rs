//! Terraform's JSON value encoding (go-cty's `json` package): raw state in
//! UpgradeResourceState / MoveResourceState, identity and JSON state. Numbers keep their
//! literal text (serde_json's `arbitrary_precision`), never passing through f64.
//! Unknown values have no JSON form; a `dynamic` value is `{"value": ..., "type": ...}`.

mod decode;

use super::error::PathTrail;
use super::{DecodeError, EncodeError, Type, Value};
use serde_json::Value as Json;
use std::str::FromStr;

/// Reads JSON `bytes` as a value of type `ty`. Like Terraform, primitives are read
/// leniently (a number or bool where a string is expected, `"true"`/`"1"` for a bool, a
/// numeric string for a number), object attributes missing from the JSON become null.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode::decode(bytes, ty, PathTrail::default(), false)
}

/// [`decode_json`] for state stored by an earlier provider version: an object attribute
/// the type no longer has is dropped instead of refused (in objects, and in lists, sets
/// and maps of them; a tuple or a `dynamic` value still refuses one), so removing an
/// attribute from a schema does not make old state unreadable.
pub fn decode_stored_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode::decode(bytes, ty, PathTrail::default(), true)
}

/// Writes `value` as JSON of type `ty`. Object attributes missing from the value are
/// written as `null`; an unknown anywhere is an error. Kinds are interchangeable as in
/// [`super::encode_msgpack`].
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let json = JsonEncoder::default().value(value, ty)?;
    Ok(json.to_string().into_bytes())
}

/// `'a` covers the value and the type being written, whose names the path trail borrows.
#[derive(Default)]
struct JsonEncoder<'a> {
    path: PathTrail<'a>,
}

impl<'a> JsonEncoder<'a> {
    fn value(&mut self, value: &'a Value, ty: &'a Type) -> Result<Json, EncodeError> {
        if *ty == Type::Dynamic {
            return self.dynamic(value);
        }
        match value {
            Value::Null => Ok(Json::Null),
            Value::Unknown => Err(EncodeError::UnknownInJson {
                path: self.path.current(),
            }),
            // The schema's type wins over a carried one.
            Value::Dynamic(_, inner) => self.value(inner, ty),
            known => self.known(known, ty),
        }
    }

    fn known(&mut self, value: &'a Value, ty: &'a Type) -> Result<Json, EncodeError> {
        match (ty, value) {
            (Type::Bool, Value::Bool(b)) => Ok(Json::Bool(*b)),
            (Type::Number, Value::Number(n)) => serde_json::Number::from_str(&n.to_string())
                .map(Json::Number)
                .map_err(|_| EncodeError::InvalidNumber {
                    path: self.path.current(),
                }),
            (Type::String, Value::String(s)) => Ok(Json::String(s.clone())),
            (
                Type::List(element) | Type::Set(element),
                Value::List(items) | Value::Set(items) | Value::Tuple(items),
            ) => self.elements(items, |_| element),
            (Type::Tuple(types), Value::List(items) | Value::Set(items) | Value::Tuple(items)) => {
                if items.len() != types.len() {
                    return Err(EncodeError::TupleLength {
                        path: self.path.current(),
                        expected: types.len(),
                        found: items.len(),
                    });
                }
                self.elements(items, |i| &types[i])
            }
            (Type::Map(element), Value::Map(entries) | Value::Object(entries)) => {
                let mut out = serde_json::Map::new();
                for (key, item) in entries {
                    self.path.push_key(key);
                    out.insert(key.clone(), self.value(item, element)?);
                    self.path.pop();
                }
                Ok(Json::Object(out))
            }
            (Type::Object(attributes, _), Value::Object(values) | Value::Map(values)) => {
                if let Some(extra) = values.keys().find(|name| !attributes.contains_key(*name)) {
                    return Err(EncodeError::UnsupportedAttribute {
                        path: self.path.current(),
                        name: extra.clone(),
                    });
                }
                let mut out = serde_json::Map::new();
                for (name, attribute_type) in attributes {
                    self.path.push_attribute(name);
                    let item = values.get(name).unwrap_or(&Value::Null);
                    out.insert(name.clone(), self.value(item, attribute_type)?);
                    self.path.pop();
                }
                Ok(Json::Object(out))
            }
            _ => Err(EncodeError::Mismatch {
                path: self.path.current(),
                expected: ty.clone(),
                found: value.kind_name(),
            }),
        }
    }

    fn elements(
        &mut self,
        items: &'a [Value],
        type_of: impl Fn(usize) -> &'a Type,
    ) -> Result<Json, EncodeError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            self.path.push_index(i);
            out.push(self.value(item, type_of(i))?);
            self.path.pop();
        }
        Ok(Json::Array(out))
    }

    /// A known type travels as `{"value": ..., "type": ...}`; a bare null is `null`.
    fn dynamic(&mut self, value: &'a Value) -> Result<Json, EncodeError> {
        let concrete = match value {
            Value::Null => return Ok(Json::Null),
            Value::Unknown => {
                return Err(EncodeError::UnknownInJson {
                    path: self.path.current(),
                })
            }
            Value::Dynamic(concrete, inner) if **concrete == Type::Dynamic => {
                return self.dynamic(inner)
            }
            Value::Dynamic(concrete, _) => Type::clone(concrete),
            other => other
                .implied_type()
                .ok_or_else(|| EncodeError::CannotInferType {
                    path: self.path.current(),
                })?,
        };
        let inner = match value {
            Value::Dynamic(_, inner) => inner,
            other => other,
        };
        // The type may live only here: write below it with a trail of its own.
        let written = JsonEncoder {
            path: self.path.nested(),
        }
        .value(inner, &concrete)?;
        let mut out = serde_json::Map::new();
        out.insert("value".to_owned(), written);
        out.insert("type".to_owned(), concrete.to_json());
        Ok(Json::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream_type() -> Type {
        let placement = Type::object([("cluster", Type::String)]);
        Type::object([
            ("name", Type::String),
            ("placement", placement.clone()),
            ("sources", Type::list(placement.clone())),
            ("by_key", Type::map(placement)),
            ("pair", Type::Tuple(vec![Type::object([("a", Type::Bool)])])),
            ("any", Type::Dynamic),
        ])
    }

    #[test]
    fn stored_state_drops_what_the_schema_no_longer_has() {
        let json = br#"{"name":"S","gone":1,"placement":{"cluster":"c","tags":["x"]},
            "sources":[{"cluster":"d","old":true}],"by_key":{"k":{"cluster":"e","old":null}}}"#;
        let ty = stream_type();
        let stored = decode_stored_json(json, &ty).unwrap();
        let expected = decode_json(
            br#"{"name":"S","placement":{"cluster":"c"},"sources":[{"cluster":"d"}],
                "by_key":{"k":{"cluster":"e"}}}"#,
            &ty,
        )
        .unwrap();
        assert_eq!(stored, expected);
        let error = decode_json(json, &ty).unwrap_err();
        assert!(
            matches!(&error, DecodeError::UnsupportedAttribute { name, .. } if name == "gone"),
            "{error:?}"
        );
    }

    #[test]
    fn stored_state_still_refuses_strangers_in_tuples_and_dynamic_values() {
        let ty = stream_type();
        let in_tuple = br#"{"pair":[{"a":true,"b":false}]}"#;
        let error = decode_stored_json(in_tuple, &ty).unwrap_err();
        assert_eq!(error.to_string(), "pair[0]: unsupported attribute \"b\"");
        let in_dynamic = br#"{"any":{"value":{"a":true,"b":1},"type":["object",{"a":"bool"}]}}"#;
        let error = decode_stored_json(in_dynamic, &ty).unwrap_err();
        assert_eq!(error.to_string(), "any: unsupported attribute \"b\"");
        // Elements after a tuple are read leniently again.
        let after = br#"{"pair":[{"a":true}],"sources":[{"cluster":"d","old":1}]}"#;
        assert!(decode_stored_json(after, &ty).is_ok());
    }

    #[test]
    fn error_paths_name_every_step_below_a_dynamic_value() {
        let ty = Type::object([("any", Type::Dynamic)]);
        let json = br#"{"any":{"value":{"m":{"k":[1,"x"]}},"type":["object",{"m":["map",["list","number"]]}]}}"#;
        let error = decode_json(json, &ty).unwrap_err();
        assert_eq!(
            error.path().map(ToString::to_string).as_deref(),
            Some("any.m[\"k\"][1]")
        );
    }
}
