//! Terraform's JSON value encoding (go-cty's `json` package): raw state in
//! UpgradeResourceState / MoveResourceState, identity and JSON state. Numbers keep their
//! literal text (serde_json's `arbitrary_precision`), never passing through f64.
//! Unknown values have no JSON form; a `dynamic` value is `{"value": ..., "type": ...}`.

use super::error::PathTrail;
use super::{DecodeError, EncodeError, Number, Type, Value};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::str::FromStr;

/// Reads JSON `bytes` as a value of type `ty`. Like Terraform, primitives are read
/// leniently (a number or bool where a string is expected, `"true"`/`"1"` for a bool, a
/// numeric string for a number), object attributes missing from the JSON become null.
pub fn decode_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode(bytes, ty, false)
}

/// [`decode_json`] for state stored by an earlier provider version: an object attribute
/// the type no longer has is dropped instead of refused (in objects, and in lists, sets
/// and maps of them; a tuple or a `dynamic` value still refuses one), so removing an
/// attribute from a schema does not make old state unreadable.
pub fn decode_stored_json(bytes: &[u8], ty: &Type) -> Result<Value, DecodeError> {
    decode(bytes, ty, true)
}

fn decode(bytes: &[u8], ty: &Type, drop_removed: bool) -> Result<Value, DecodeError> {
    // serde_json refuses nesting deeper than 128, so the walk below is bounded too.
    let json: Json = serde_json::from_slice(bytes).map_err(|e| DecodeError::Json(e.to_string()))?;
    JsonDecoder {
        path: PathTrail::default(),
        drop_removed,
    }
    .value(&json, ty)
}

/// Writes `value` as JSON of type `ty`. Object attributes missing from the value are
/// written as `null`; an unknown anywhere is an error. Kinds are interchangeable as in
/// [`super::encode_msgpack`].
pub fn encode_json(value: &Value, ty: &Type) -> Result<Vec<u8>, EncodeError> {
    let json = JsonEncoder::default().value(value, ty)?;
    Ok(json.to_string().into_bytes())
}

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

/// `'a` covers the JSON and the type being read, whose names the path trail borrows.
struct JsonDecoder<'a> {
    path: PathTrail<'a>,
    /// Skip object attributes the type lacks (see [`decode_stored_json`]).
    drop_removed: bool,
}

impl<'a> JsonDecoder<'a> {
    fn value(&mut self, json: &'a Json, ty: &'a Type) -> Result<Value, DecodeError> {
        if json.is_null() {
            return Ok(Value::Null);
        }
        match (ty, json) {
            (Type::Dynamic, _) => self.dynamic(json),
            (Type::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
            (Type::Bool, Json::String(s)) if matches!(s.as_str(), "true" | "1") => {
                Ok(Value::Bool(true))
            }
            (Type::Bool, Json::String(s)) if matches!(s.as_str(), "false" | "0") => {
                Ok(Value::Bool(false))
            }
            (Type::Number, Json::Number(n)) => self.number(n.as_str()),
            (Type::Number, Json::String(s)) => self.number(s),
            (Type::String, Json::String(s)) => Ok(Value::string(s)),
            (Type::String, Json::Number(n)) => Ok(Value::string(n.as_str())),
            (Type::String, Json::Bool(b)) => Ok(Value::string(b.to_string())),
            (Type::List(element), Json::Array(items)) => {
                Ok(Value::List(self.elements(items, |_| element)?))
            }
            (Type::Set(element), Json::Array(items)) => {
                Ok(Value::Set(self.elements(items, |_| element)?))
            }
            (Type::Tuple(types), Json::Array(items)) => {
                if items.len() != types.len() {
                    return Err(DecodeError::TupleLength {
                        path: self.path.current(),
                        expected: types.len(),
                        found: items.len(),
                    });
                }
                let drop_removed = std::mem::replace(&mut self.drop_removed, false);
                let elements = self.elements(items, |i| &types[i]);
                self.drop_removed = drop_removed;
                Ok(Value::Tuple(elements?))
            }
            (Type::Map(element), Json::Object(entries)) => {
                let mut out = BTreeMap::new();
                for (key, item) in entries {
                    self.path.push_key(key);
                    out.insert(key.clone(), self.value(item, element)?);
                    self.path.pop();
                }
                Ok(Value::Map(out))
            }
            (Type::Object(attributes, _), Json::Object(entries)) => {
                let mut out = BTreeMap::new();
                for (name, item) in entries {
                    let Some(attribute_type) = attributes.get(name) else {
                        if self.drop_removed {
                            continue;
                        }
                        return Err(DecodeError::UnsupportedAttribute {
                            path: self.path.current(),
                            name: name.clone(),
                        });
                    };
                    self.path.push_attribute(name);
                    out.insert(name.clone(), self.value(item, attribute_type)?);
                    self.path.pop();
                }
                for name in attributes.keys() {
                    if !out.contains_key(name) {
                        out.insert(name.clone(), Value::Null);
                    }
                }
                Ok(Value::Object(out))
            }
            _ => Err(DecodeError::Mismatch {
                path: self.path.current(),
                expected: ty.clone(),
                found: json_kind(json),
            }),
        }
    }

    fn elements(
        &mut self,
        items: &'a [Json],
        type_of: impl Fn(usize) -> &'a Type,
    ) -> Result<Vec<Value>, DecodeError> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            self.path.push_index(i);
            out.push(self.value(item, type_of(i))?);
            self.path.pop();
        }
        Ok(out)
    }

    fn number(&self, text: &str) -> Result<Value, DecodeError> {
        Number::from_str(text)
            .map(Value::Number)
            .map_err(|_| DecodeError::InvalidNumber {
                path: self.path.current(),
                reason: "not decimal text, or out of range",
            })
    }

    /// `{"value": V, "type": T}`, both required, nothing else allowed.
    fn dynamic(&mut self, json: &'a Json) -> Result<Value, DecodeError> {
        let invalid = |path, reason: String| DecodeError::InvalidDynamic { path, reason };
        let Json::Object(fields) = json else {
            return Err(DecodeError::Mismatch {
                path: self.path.current(),
                expected: Type::Dynamic,
                found: json_kind(json),
            });
        };
        if let Some(extra) = fields.keys().find(|k| *k != "value" && *k != "type") {
            let reason = format!("unexpected key {extra:?}");
            return Err(invalid(self.path.current(), reason));
        }
        let (Some(type_json), Some(value_json)) = (fields.get("type"), fields.get("value")) else {
            let reason = "expected both \"value\" and \"type\"".to_owned();
            return Err(invalid(self.path.current(), reason));
        };
        let concrete =
            Type::from_json(type_json).map_err(|e| invalid(self.path.current(), e.to_string()))?;
        // The type lives only here: read the value below it with a trail of its own.
        let inner = JsonDecoder {
            path: self.path.nested(),
            drop_removed: false,
        }
        .value(value_json, &concrete)?;
        Ok(match concrete {
            Type::Dynamic => inner,
            concrete => Value::Dynamic(concrete, Box::new(inner)),
        })
    }
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
            Value::Dynamic(Type::Dynamic, inner) => return self.dynamic(inner),
            Value::Dynamic(concrete, _) => concrete.clone(),
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
