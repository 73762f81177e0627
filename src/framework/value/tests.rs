//! Golden byte vectors for the wire rules, and exactness checks for numbers and JSON.

use super::*;
use std::collections::BTreeMap;
use std::str::FromStr;

fn num(text: &str) -> Value {
    Value::Number(Number::from_str(text).unwrap())
}

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn enc(value: &Value, ty: &Type) -> Vec<u8> {
    encode_msgpack(value, ty).unwrap()
}

fn dec(bytes: &[u8], ty: &Type) -> Value {
    decode_msgpack(bytes, ty).unwrap()
}

fn fixstr(s: &str) -> Vec<u8> {
    assert!(s.len() < 32);
    let mut out = vec![0xa0 | s.len() as u8];
    out.extend_from_slice(s.as_bytes());
    out
}

/// `[type JSON as bin8, value]` as go-cty writes a dynamic value.
fn dynamic_bytes(type_json: &str, value: &[u8]) -> Vec<u8> {
    let mut out = vec![0x92, 0xc4, type_json.len() as u8];
    out.extend_from_slice(type_json.as_bytes());
    out.extend_from_slice(value);
    out
}

#[test]
fn msgpack_null_and_unknown() {
    assert_eq!(enc(&Value::Null, &Type::String), [0xc0]);
    assert_eq!(enc(&Value::Unknown, &Type::String), [0xd4, 0x00, 0x00]);
    assert_eq!(dec(&[0xc0], &Type::list(Type::Number)), Value::Null);
    let unknowns: [&[u8]; 6] = [
        &[0xd4, 0x00, 0x00],
        &[0xd5, 0x05, 0xaa, 0xbb],
        &[0xc7, 0x00, 0x00],
        // Refined unknowns (ext 12): "not null", and "not null" plus string prefix "ab".
        &[0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2],
        &[0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, b'a', b'b'],
        &[0xc8, 0x00, 0x01, 0x0c, 0x80],
    ];
    for bytes in unknowns {
        assert_eq!(dec(bytes, &Type::String), Value::Unknown, "{bytes:02x?}");
    }
    // Unknown nested inside an object, followed by more attributes.
    let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
    let bytes = [
        0x82, 0xa1, b'a', 0xc7, 0x03, 0x0c, 0x81, 0x01, 0xc2, 0xa1, b'b', 0xc3,
    ];
    let expected = obj(&[("a", Value::Unknown), ("b", Value::Bool(true))]);
    assert_eq!(dec(&bytes, &ty), expected);
}

#[test]
fn msgpack_integer_boundaries_encode_compactly() {
    let cases: Vec<(Value, Vec<u8>)> = vec![
        (Value::Number(0.into()), vec![0x00]),
        (Value::Number(127.into()), vec![0x7f]),
        (Value::Number(128.into()), vec![0xcc, 0x80]),
        (Value::Number(255.into()), vec![0xcc, 0xff]),
        (Value::Number(256.into()), vec![0xcd, 0x01, 0x00]),
        (
            Value::Number(65_536.into()),
            vec![0xce, 0x00, 0x01, 0x00, 0x00],
        ),
        (
            Value::Number(4_294_967_296.into()),
            vec![0xcf, 0, 0, 0, 1, 0, 0, 0, 0],
        ),
        (
            Value::Number(i64::MAX.into()),
            vec![0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
        (
            Value::Number(Number::from_u64(u64::MAX)),
            vec![0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        ),
        (Value::Number((-1).into()), vec![0xff]),
        (Value::Number((-32).into()), vec![0xe0]),
        (Value::Number((-33).into()), vec![0xd0, 0xdf]),
        (Value::Number((-128).into()), vec![0xd0, 0x80]),
        (Value::Number((-129).into()), vec![0xd1, 0xff, 0x7f]),
        (
            Value::Number((-32_769).into()),
            vec![0xd2, 0xff, 0xff, 0x7f, 0xff],
        ),
        (
            Value::Number((-2_147_483_649).into()),
            vec![0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff],
        ),
        (
            Value::Number(i64::MIN.into()),
            vec![0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0],
        ),
    ];
    for (value, bytes) in cases {
        assert_eq!(enc(&value, &Type::Number), bytes, "{value:?}");
        assert_eq!(dec(&bytes, &Type::Number), value);
    }
}

#[test]
fn msgpack_decodes_every_integer_width() {
    let cases: [(&[u8], i128); 12] = [
        (&[0x05], 5),
        (&[0xfb], -5),
        (&[0xcc, 0x05], 5),
        (&[0xcd, 0x00, 0x05], 5),
        (&[0xce, 0x00, 0x00, 0x00, 0x05], 5),
        (&[0xcf, 0, 0, 0, 0, 0, 0, 0, 0x05], 5),
        (&[0xd0, 0xfb], -5),
        (&[0xd1, 0xff, 0xfb], -5),
        (&[0xd2, 0xff, 0xff, 0xff, 0xfb], -5),
        (&[0xd3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfb], -5),
        (&[0xd3, 0, 0, 0, 0, 0, 0, 0, 0x05], 5),
        (
            &[0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
            u64::MAX as i128,
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(
            dec(bytes, &Type::Number),
            num(&expected.to_string()),
            "{bytes:02x?}"
        );
    }
}

#[test]
fn msgpack_numbers_beyond_integers() {
    // Exact in f64: float64.
    let half = [0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0];
    assert_eq!(enc(&num("0.5"), &Type::Number), half);
    let two_pow_70 = [0xcb, 0x44, 0x50, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        enc(&num("1180591620717411303424"), &Type::Number),
        two_pow_70
    );
    assert_eq!(
        dec(&two_pow_70, &Type::Number),
        num("1180591620717411303424")
    );
    let minus_two_pow_64 = [0xcb, 0xc3, 0xf0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        enc(&num("-18446744073709551616"), &Type::Number),
        minus_two_pow_64
    );
    // Not exact in f64: plain decimal string.
    assert_eq!(enc(&num("0.1"), &Type::Number), fixstr("0.1"));
    assert_eq!(
        enc(&num("1180591620717411303425"), &Type::Number),
        fixstr("1180591620717411303425")
    );
    let big = format!("1{}", "0".repeat(400));
    let mut big_bytes = vec![0xda, 0x01, 0x91];
    big_bytes.extend_from_slice(big.as_bytes());
    assert_eq!(enc(&num("1e400"), &Type::Number), big_bytes);
    assert_eq!(dec(&big_bytes, &Type::Number), num("1e400"));
    // Decoding: float32, float64 (exact binary value), decimal strings.
    assert_eq!(dec(&[0xca, 0x3f, 0xc0, 0, 0], &Type::Number), num("1.5"));
    let point_one = 0.1f64.to_be_bytes();
    let bytes = [&[0xcb][..], &point_one].concat();
    let exact = "0.1000000000000000055511151231257827021181583404541015625";
    assert_eq!(dec(&bytes, &Type::Number), num(exact));
    assert_eq!(dec(&fixstr("0.1"), &Type::Number), num("0.1"));
    assert_eq!(dec(&fixstr("-1e-3"), &Type::Number), num("-0.001"));
    let nan = [&[0xcb][..], &f64::NAN.to_be_bytes()].concat();
    assert!(matches!(
        decode_msgpack(&nan, &Type::Number),
        Err(DecodeError::InvalidNumber { .. })
    ));
    let junk = decode_msgpack(&fixstr("12abc"), &Type::Number);
    assert!(matches!(junk, Err(DecodeError::InvalidNumber { .. })));
}

#[test]
fn msgpack_collections() {
    let strings = Value::List(vec![Value::string("a"), Value::Null]);
    assert_eq!(
        enc(&strings, &Type::list(Type::String)),
        [0x92, 0xa1, b'a', 0xc0]
    );
    assert_eq!(
        enc(&strings, &Type::set(Type::String)),
        [0x92, 0xa1, b'a', 0xc0]
    );
    assert_eq!(
        dec(&[0x92, 0xa1, b'a', 0xc0], &Type::set(Type::String)),
        Value::Set(vec![Value::string("a"), Value::Null])
    );
    let tuple_ty = Type::Tuple(vec![Type::String, Type::Bool]);
    let tuple = Value::Tuple(vec![Value::string("a"), Value::Bool(false)]);
    assert_eq!(enc(&tuple, &tuple_ty), [0x92, 0xa1, b'a', 0xc2]);
    assert_eq!(dec(&[0x92, 0xa1, b'a', 0xc2], &tuple_ty), tuple);
    let map = Value::Map(BTreeMap::from([("k".to_string(), num("7"))]));
    assert_eq!(
        enc(&map, &Type::map(Type::Number)),
        [0x81, 0xa1, b'k', 0x07]
    );
    assert_eq!(
        dec(&[0x81, 0xa1, b'k', 0x07], &Type::map(Type::Number)),
        map
    );
    // 16 elements switch to array16.
    let sixteen = Value::List(vec![Value::Bool(true); 16]);
    let bytes = enc(&sixteen, &Type::list(Type::Bool));
    assert_eq!(bytes[..3], [0xdc, 0x00, 0x10]);
    assert_eq!(dec(&bytes, &Type::list(Type::Bool)), sixteen);
}

#[test]
fn msgpack_objects_carry_every_attribute() {
    let ty = Type::object([("a", Type::String), ("b", Type::Number), ("c", Type::Bool)]);
    let partial = obj(&[("b", num("1"))]);
    let bytes = [0x83, 0xa1, b'a', 0xc0, 0xa1, b'b', 0x01, 0xa1, b'c', 0xc0];
    assert_eq!(enc(&partial, &ty), bytes);
    let full = obj(&[("a", Value::Null), ("b", num("1")), ("c", Value::Null)]);
    // Missing attributes decode as null, in any order.
    assert_eq!(dec(&[0x81, 0xa1, b'b', 0x01], &ty), full);
    let reordered = [0x82, 0xa1, b'c', 0xc3, 0xa1, b'a', 0xa1, b'x'];
    let expected = obj(&[
        ("a", Value::string("x")),
        ("b", Value::Null),
        ("c", Value::Bool(true)),
    ]);
    assert_eq!(dec(&reordered, &ty), expected);
    let err = decode_msgpack(&[0x81, 0xa1, b'z', 0xc0], &ty).unwrap_err();
    assert_eq!(
        err,
        DecodeError::UnsupportedAttribute {
            path: AttributePath::root(),
            name: "z".into()
        }
    );
    let err = encode_msgpack(&obj(&[("z", Value::Null)]), &ty).unwrap_err();
    assert!(matches!(err, EncodeError::UnsupportedAttribute { ref name, .. } if name == "z"));
}

#[test]
fn msgpack_dynamic_values() {
    let hi = dynamic_bytes("\"string\"", &fixstr("hi"));
    assert_eq!(enc(&Value::string("hi"), &Type::Dynamic), hi);
    let expected = Value::Dynamic(Box::new(Type::String), Box::new(Value::string("hi")));
    assert_eq!(enc(&expected, &Type::Dynamic), hi);
    assert_eq!(dec(&hi, &Type::Dynamic), expected);
    // The type JSON may also arrive as a str.
    let mut as_str = hi.clone();
    as_str[1] = 0xd9;
    assert_eq!(dec(&as_str, &Type::Dynamic), expected);
    // Bare null and unknown stay bare; typed ones keep their type.
    assert_eq!(enc(&Value::Null, &Type::Dynamic), [0xc0]);
    assert_eq!(dec(&[0xc0], &Type::Dynamic), Value::Null);
    assert_eq!(dec(&[0xd4, 0, 0], &Type::Dynamic), Value::Unknown);
    let typed_null = Value::Dynamic(Box::new(Type::Number), Box::new(Value::Null));
    let bytes = dynamic_bytes("\"number\"", &[0xc0]);
    assert_eq!(enc(&typed_null, &Type::Dynamic), bytes);
    assert_eq!(dec(&bytes, &Type::Dynamic), typed_null);
    // An untyped collection gets its implied type.
    let list = Value::List(vec![num("1"), Value::Null]);
    let bytes = dynamic_bytes("[\"list\",\"number\"]", &[0x92, 0x01, 0xc0]);
    assert_eq!(enc(&list, &Type::Dynamic), bytes);
    assert_eq!(
        dec(&bytes, &Type::Dynamic),
        Value::Dynamic(Box::new(Type::list(Type::Number)), Box::new(list))
    );
    let mixed = Value::List(vec![num("1"), Value::string("x")]);
    let err = encode_msgpack(&mixed, &Type::Dynamic).unwrap_err();
    assert!(matches!(err, EncodeError::CannotInferType { .. }));
    // Inside an object the carried type is written, and the schema type wins elsewhere.
    let ty = Type::object([("d", Type::Dynamic), ("s", Type::String)]);
    let value = obj(&[("d", Value::Bool(true)), ("s", expected.clone())]);
    let mut bytes = vec![0x82, 0xa1, b'd'];
    bytes.extend(dynamic_bytes("\"bool\"", &[0xc3]));
    bytes.extend([0xa1, b's', 0xa2, b'h', b'i']);
    assert_eq!(enc(&value, &ty), bytes);
    let bad_type = dynamic_bytes("\"strin\"", &[0xc0]);
    let err = decode_msgpack(&bad_type, &Type::Dynamic).unwrap_err();
    assert!(matches!(err, DecodeError::InvalidDynamic { .. }), "{err}");
}

#[test]
fn msgpack_errors_name_the_path() {
    let ty = Type::object([("a", Type::list(Type::Number))]);
    let bytes = [0x81, 0xa1, b'a', 0x91, 0xa1, b'x'];
    let err = decode_msgpack(&bytes, &ty).unwrap_err();
    let path = AttributePath::attr("a").index(0);
    assert_eq!(
        err,
        DecodeError::InvalidNumber {
            path: path.clone(),
            reason: "not decimal text, or out of range"
        }
    );
    assert_eq!(
        err.to_string(),
        "a[0]: invalid number (not decimal text, or out of range)"
    );
    let bytes = [0x81, 0xa1, b'a', 0x91, 0xc3];
    let err = decode_msgpack(&bytes, &ty).unwrap_err();
    assert_eq!(err.to_string(), "a[0]: expected number, found bool");
    let value = obj(&[("a", Value::List(vec![Value::string("x")]))]);
    let err = encode_msgpack(&value, &ty).unwrap_err();
    assert_eq!(err.path(), &path);
    assert_eq!(
        err.to_string(),
        "a[0]: a string value does not fit type number"
    );
    let tuple_ty = Type::Tuple(vec![Type::Bool]);
    let err = decode_msgpack(&[0x92, 0xc3, 0xc3], &tuple_ty).unwrap_err();
    assert!(matches!(
        err,
        DecodeError::TupleLength {
            expected: 1,
            found: 2,
            ..
        }
    ));
    let err = decode_msgpack(&[0xa1, 0xff], &Type::String).unwrap_err();
    assert!(matches!(err, DecodeError::InvalidUtf8 { .. }));
    let err = decode_msgpack(&[0xc3, 0xc3], &Type::Bool).unwrap_err();
    assert_eq!(err, DecodeError::TrailingBytes { count: 1 });
    let err = decode_msgpack(&[0xc1], &Type::Bool).unwrap_err();
    assert!(err.to_string().contains("reserved"), "{err}");
}

#[test]
fn msgpack_hostile_lengths_and_nesting_fail_cleanly() {
    let huge: [&[u8]; 6] = [
        &[0xdd, 0xff, 0xff, 0xff, 0xff],
        &[0xdf, 0xff, 0xff, 0xff, 0xff],
        &[0xdb, 0xff, 0xff, 0xff, 0xff],
        &[0xc6, 0xff, 0xff, 0xff, 0xff],
        &[0xc9, 0xff, 0xff, 0xff, 0xff, 0x00],
        &[0xcf, 0x00],
    ];
    let types = [
        Type::list(Type::String),
        Type::map(Type::String),
        Type::String,
    ];
    for bytes in huge {
        for ty in &types {
            let result = decode_msgpack(bytes, ty);
            assert!(
                result.is_err() || matches!(result, Ok(Value::Unknown)),
                "{bytes:02x?}"
            );
        }
    }
    assert!(matches!(
        decode_msgpack(&[0xdd, 0xff, 0xff, 0xff, 0xff], &Type::list(Type::String)),
        Err(DecodeError::Truncated { .. })
    ));
    // Dynamic values nested far deeper than any schema: refused, not a stack overflow.
    let level = dynamic_bytes("[\"list\",\"dynamic\"]", &[0x91]);
    let bytes = level.repeat(10_000);
    let err = decode_msgpack(&bytes, &Type::Dynamic).unwrap_err();
    assert!(
        matches!(
            err,
            DecodeError::TooDeep {
                limit: MAX_DEPTH,
                ..
            }
        ),
        "{err}"
    );
    let flat = dynamic_bytes("\"dynamic\"", &[]).repeat(10_000);
    let err = decode_msgpack(&flat, &Type::Dynamic).unwrap_err();
    assert!(matches!(err, DecodeError::TooDeep { .. }), "{err}");
}

#[test]
fn json_numbers_stay_exact() {
    for text in [
        "18446744073709551615",
        "-9223372036854775809",
        "123456789012345678901234567890.123456789",
        "0.1",
        "0.0000000001",
    ] {
        let value = decode_json(text.as_bytes(), &Type::Number).unwrap();
        assert_eq!(value, num(text));
        assert_eq!(encode_json(&value, &Type::Number).unwrap(), text.as_bytes());
    }
    let value = decode_json(b"18446744073709551615", &Type::Number).unwrap();
    assert_eq!(value.as_number().and_then(Number::to_u64), Some(u64::MAX));
    let big = decode_json(b"1e400", &Type::Number).unwrap();
    let written = encode_json(&big, &Type::Number).unwrap();
    assert_eq!(written, format!("1{}", "0".repeat(400)).as_bytes());
    assert_eq!(decode_json(&written, &Type::Number).unwrap(), big);
    let tiny = decode_json(b"-1.25e-400", &Type::Number).unwrap();
    let written = encode_json(&tiny, &Type::Number).unwrap();
    assert_eq!(written, format!("-0.{}125", "0".repeat(399)).as_bytes());
    assert_eq!(decode_json(&written, &Type::Number).unwrap(), tiny);
    let err = decode_json(b"1e999999999", &Type::Number).unwrap_err();
    assert!(matches!(err, DecodeError::InvalidNumber { .. }));
}

#[test]
fn json_objects_primitives_and_dynamic() {
    let ty = Type::object([("a", Type::String), ("b", Type::Bool), ("n", Type::Number)]);
    let value = decode_json(br#"{"b":"true","a":12.50}"#, &ty).unwrap();
    let expected = obj(&[
        ("a", Value::string("12.50")),
        ("b", Value::Bool(true)),
        ("n", Value::Null),
    ]);
    assert_eq!(value, expected);
    assert_eq!(
        encode_json(&obj(&[("b", Value::Bool(false))]), &ty).unwrap(),
        br#"{"a":null,"b":false,"n":null}"#
    );
    assert_eq!(
        decode_json(br#"{"n":"42"}"#, &ty).unwrap().attr("n"),
        Some(&num("42"))
    );
    let err = decode_json(br#"{"zz":1}"#, &ty).unwrap_err();
    assert!(matches!(err, DecodeError::UnsupportedAttribute { ref name, .. } if name == "zz"));
    let err = decode_json(br#"{"b":"maybe"}"#, &ty).unwrap_err();
    assert_eq!(err.to_string(), "b: expected bool, found string");
    let dynamic = Value::Dynamic(Box::new(Type::String), Box::new(Value::string("x")));
    let bytes = br#"{"value":"x","type":"string"}"#;
    assert_eq!(encode_json(&dynamic, &Type::Dynamic).unwrap(), bytes);
    assert_eq!(decode_json(bytes, &Type::Dynamic).unwrap(), dynamic);
    assert_eq!(decode_json(b"null", &Type::Dynamic).unwrap(), Value::Null);
    let list_ty = Type::list(Type::object([("k", Type::String)]));
    let with_unknown = Value::List(vec![obj(&[("k", Value::Unknown)])]);
    let err = encode_json(&with_unknown, &list_ty).unwrap_err();
    assert_eq!(
        err,
        EncodeError::UnknownInJson {
            path: AttributePath::root().index(0).child("k")
        }
    );
    let set = Value::Set(vec![num("1"), num("2")]);
    assert_eq!(
        encode_json(&set, &Type::set(Type::Number)).unwrap(),
        b"[1,2]"
    );
    assert!(matches!(
        decode_json(b"[1,", &Type::Dynamic),
        Err(DecodeError::Json(_))
    ));
    let deep = format!("{}{}", "[".repeat(1000), "]".repeat(1000));
    assert!(decode_json(deep.as_bytes(), &Type::list(Type::Dynamic)).is_err());
}

#[test]
fn type_json_forms() {
    let cases: Vec<(Type, &str)> = vec![
        (Type::String, r#""string""#),
        (Type::Number, r#""number""#),
        (Type::Bool, r#""bool""#),
        (Type::Dynamic, r#""dynamic""#),
        (Type::list(Type::String), r#"["list","string"]"#),
        (Type::set(Type::Number), r#"["set","number"]"#),
        (Type::map(Type::Bool), r#"["map","bool"]"#),
        (
            Type::Tuple(vec![Type::String, Type::Dynamic]),
            r#"["tuple",["string","dynamic"]]"#,
        ),
        (
            Type::object([("b", Type::String), ("a", Type::Number)]),
            r#"["object",{"a":"number","b":"string"}]"#,
        ),
        (
            Type::Object(
                BTreeMap::from([("a".to_string(), Type::String)]),
                ["a".to_string()].into(),
            ),
            r#"["object",{"a":"string"},["a"]]"#,
        ),
    ];
    for (ty, json) in cases {
        assert_eq!(String::from_utf8(ty.to_json_bytes()).unwrap(), json);
        assert_eq!(Type::from_json_bytes(json.as_bytes()).unwrap(), ty);
    }
    for bad in [
        r#""strin""#,
        r#"["list"]"#,
        r#"["list","string","x"]"#,
        r#"["tuple","string"]"#,
        r#"["object",{"a":"string"},["b"]]"#,
        r#"["capsule","x"]"#,
        "42",
        "[",
    ] {
        assert!(Type::from_json_bytes(bad.as_bytes()).is_err(), "{bad}");
    }
    assert_eq!(
        Type::list(Type::map(Type::String)).to_string(),
        "list of map of string"
    );
}

#[test]
fn numbers_compare_hash_and_print_numerically() {
    use std::collections::hash_map::DefaultHasher;
    use std::hash::{Hash, Hasher};
    let hash = |n: &Number| {
        let mut h = DefaultHasher::new();
        n.hash(&mut h);
        h.finish()
    };
    let one = Number::from_i64(1);
    let one_point_oh = Number::from_f64(1.0).unwrap();
    let one_text = Number::from_str("1.000").unwrap();
    assert_eq!(one, one_point_oh);
    assert_eq!(one, one_text);
    assert_eq!(hash(&one), hash(&one_point_oh));
    assert_eq!(hash(&one), hash(&one_text));
    assert_eq!(
        hash(&Number::from_i64(100)),
        hash(&Number::from_str("1e2").unwrap())
    );
    assert_eq!(Number::from_i64(0), Number::from_str("-0.000").unwrap());
    assert_eq!(
        hash(&Number::from_i64(0)),
        hash(&Number::from_str("0e5").unwrap())
    );
    assert_eq!(
        Number::from_str("1e21").unwrap().to_string(),
        "1000000000000000000000"
    );
    assert_eq!(Number::from_str("1.50").unwrap().to_string(), "1.5");
    assert_eq!(Number::from_str("-1e-7").unwrap().to_string(), "-0.0000001");
    assert_eq!(
        Number::from_str("9223372036854775807").unwrap().to_i64(),
        Some(i64::MAX)
    );
    assert_eq!(
        Number::from_str("9223372036854775808").unwrap().to_i64(),
        None
    );
    assert_eq!(
        Number::from_str("18446744073709551615").unwrap().to_u64(),
        Some(u64::MAX)
    );
    assert_eq!(
        Number::from_str("18446744073709551616").unwrap().to_u64(),
        None
    );
    assert_eq!(Number::from_str("-1").unwrap().to_u64(), None);
    assert_eq!(Number::from_str("2.5").unwrap().to_i64(), None);
    assert_eq!(Number::from_str("2.0").unwrap().to_i64(), Some(2));
    assert_eq!(Number::from_str("0.1").unwrap().to_f64_exact(), None);
    assert_eq!(Number::from_str("0.25").unwrap().to_f64_exact(), Some(0.25));
    assert!(Number::from_f64(f64::INFINITY).is_none());
    for too_big in ["1e4000000000", "1e-40000", "1e99999999999999999999"] {
        assert!(Number::from_str(too_big).is_err(), "{too_big}");
    }
    assert!(Number::from_str(&"9".repeat(40_000)).is_err());
}

/// Every attribute of every object is a `Value`, moved as trees are built: a large
/// variant (an unboxed decimal or type) would double the size of all of them.
#[test]
fn a_value_is_four_words() {
    assert_eq!(std::mem::size_of::<Value>(), 32);
}
