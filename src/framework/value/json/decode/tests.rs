//! What the one-pass decode could get wrong that a parse-then-walk could not: key order,
//! names given twice, literal numbers, skipped parts, errors after errors, depth.

use super::super::{decode_json, decode_stored_json};
use super::*;

fn obj(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
    )
}

fn num(text: &str) -> Value {
    Value::Number(text.parse().unwrap())
}

#[test]
fn a_dynamic_value_reads_the_same_in_either_key_order() {
    let ty = Type::object([("any", Type::Dynamic), ("z", Type::Bool)]);
    let value_first = br#"{"any":{"value":["1",false],"type":["list","bool"]},"z":"0"}"#;
    let type_first = br#"{"any":{"type":["list","bool"],"value":["1",false]},"z":"0"}"#;
    let expected = obj(&[
        (
            "any",
            Value::Dynamic(
                Box::new(Type::list(Type::Bool)),
                Box::new(Value::List(vec![Value::Bool(true), Value::Bool(false)])),
            ),
        ),
        ("z", Value::Bool(false)),
    ]);
    assert_eq!(decode_json(value_first, &ty).unwrap(), expected);
    assert_eq!(decode_json(type_first, &ty).unwrap(), expected);
    // A number below a dynamic value keeps its literal text too.
    let exact = br#"{"type":"number","value":0.1}"#;
    let expected = Value::Dynamic(Box::new(Type::Number), Box::new(num("0.1")));
    assert_eq!(decode_json(exact, &Type::Dynamic).unwrap(), expected);
    let error = decode_json(br#"{"type":"number"}"#, &Type::Dynamic).unwrap_err();
    assert_eq!(
        error.to_string(),
        "(root): invalid dynamic value: expected both \"value\" and \"type\""
    );
}

#[test]
fn of_a_name_given_twice_only_the_last_value_counts() {
    let ty = Type::object([("a", Type::String), ("b", Type::Bool)]);
    // The earlier value would not fit: it is never judged.
    let later_fits = decode_json(br#"{"b":[1],"a":"x","b":"true"}"#, &ty).unwrap();
    assert_eq!(
        later_fits,
        obj(&[("a", Value::string("x")), ("b", Value::Bool(true))])
    );
    let later_fails = decode_json(br#"{"b":true,"a":"x","b":"maybe"}"#, &ty).unwrap_err();
    assert_eq!(later_fails.to_string(), "b: expected bool, found string");
    // Errors come in the order the names first appear, whatever value they end with.
    let both_fail = br#"{"b":true,"a":{},"b":"maybe","a":[]}"#;
    let error = decode_json(both_fail, &ty).unwrap_err();
    assert_eq!(error.to_string(), "b: expected bool, found string");
    let map = Type::map(Type::Number);
    let entries = decode_json(br#"{"k":"x","j":1,"k":"2"}"#, &map).unwrap();
    let expected = [("j", num("1")), ("k", num("2"))];
    let expected = expected.map(|(k, v)| (k.to_owned(), v));
    assert_eq!(entries, Value::Map(BTreeMap::from(expected)));
    let error = decode_json(br#"{"k":1,"j":"x","k":true}"#, &map).unwrap_err();
    assert_eq!(error.to_string(), "[\"k\"]: expected number, found bool");
}

#[test]
fn numbers_keep_their_literal_text() {
    for text in [
        "1e400",
        "0.1",
        "18446744073709551617",
        "-0",
        "-9223372036854775809",
    ] {
        let from_number = decode_json(text.as_bytes(), &Type::Number).unwrap();
        let from_string = decode_json(format!("\"{text}\"").as_bytes(), &Type::Number).unwrap();
        assert_eq!(from_number, num(text), "{text}");
        assert_eq!(from_string, num(text), "{text}");
    }
    let exact = decode_json(b"18446744073709551617", &Type::Number).unwrap();
    assert_eq!(
        exact.as_number().unwrap().to_string(),
        "18446744073709551617"
    );
    // Where a string is expected, a number is its literal (serde_json writes `e+`).
    let ty = Type::list(Type::String);
    let strings = decode_json(b"[0.1,1e400,18446744073709551617,-5,7,true]", &ty).unwrap();
    let expected = ["0.1", "1e+400", "18446744073709551617", "-5", "7", "true"];
    let expected = Value::List(expected.map(Value::string).to_vec());
    assert_eq!(strings, expected);
    let error = decode_json(b"[1,\"1x\"]", &Type::list(Type::Number)).unwrap_err();
    assert_eq!(
        error.to_string(),
        "[1]: invalid number (not decimal text, or out of range)"
    );
}

#[test]
fn stored_state_drops_removed_attributes_at_any_depth() {
    let inner = Type::object([("keep", Type::Number)]);
    let ty = Type::object([
        ("in_set", Type::set(inner.clone())),
        ("deep", Type::map(Type::list(inner.clone()))),
    ]);
    // What is dropped is not judged against any type, only read as JSON.
    let json = br#"{"deep":{"k":[{"gone":{"x":[1,{}]},"keep":1}]},
        "in_set":[{"keep":2,"gone":"x"},{"gone":null}],"removed":[[[]]]}"#;
    let expected = obj(&[
        (
            "deep",
            Value::Map(BTreeMap::from([(
                "k".to_owned(),
                Value::List(vec![obj(&[("keep", num("1"))])]),
            )])),
        ),
        (
            "in_set",
            Value::Set(vec![
                obj(&[("keep", num("2"))]),
                obj(&[("keep", Value::Null)]),
            ]),
        ),
    ]);
    assert_eq!(decode_stored_json(json, &ty).unwrap(), expected);
    let error = decode_json(json, &ty).unwrap_err();
    assert_eq!(
        error.to_string(),
        "deep[\"k\"][0]: unsupported attribute \"gone\""
    );
    let broken = br#"{"removed":[1,}"#;
    assert!(matches!(
        decode_stored_json(broken, &ty),
        Err(DecodeError::Json(_))
    ));
}

#[test]
fn invalid_json_wins_over_an_earlier_type_error() {
    let ty = Type::object([("b", Type::Bool), ("l", Type::list(Type::Bool))]);
    for (json, message) in [
        (
            &br#"{"b":"maybe","l":[tru]}"#[..],
            "expected ident at line 1 column 22",
        ),
        (
            br#"{"b":[],"l":["1"]"#,
            "EOF while parsing an object at line 1 column 17",
        ),
        (br#"{"b":{}} x"#, "trailing characters at line 1 column 10"),
        (
            br#"{"l":[1,2,"x"}"#,
            "expected `,` or `]` at line 1 column 14",
        ),
    ] {
        let error = decode_json(json, &ty).unwrap_err();
        assert_eq!(error, DecodeError::Json(message.to_owned()), "{error}");
    }
}

#[test]
fn a_wrong_tuple_length_is_reported_before_its_elements() {
    let ty = Type::Tuple(vec![Type::Bool, Type::Number]);
    let error = decode_json(br#"["x","y",{"z":1}]"#, &ty).unwrap_err();
    assert_eq!(
        error.to_string(),
        "(root): expected a tuple of 2 elements, found 3"
    );
    let error = decode_json(br#"[true,"y"]"#, &ty).unwrap_err();
    assert_eq!(
        error.to_string(),
        "[1]: invalid number (not decimal text, or out of range)"
    );
}

#[test]
fn escaped_map_keys_name_the_path() {
    let ty = Type::object([("m", Type::map(Type::list(Type::Number)))]);
    let error = decode_json(br#"{"m":{"k\u0031":[1,true]}}"#, &ty).unwrap_err();
    assert_eq!(
        error.to_string(),
        "m[\"k1\"][1]: expected number, found bool"
    );
}

/// Tokio's worker threads have 2 MiB of stack; the deepest input serde_json accepts, of
/// nested lists or of nested dynamic values, must decode within it even unoptimised.
#[test]
fn the_deepest_accepted_input_fits_a_worker_stack() {
    let deepest = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let depth = 127;
            let mut ty = Type::String;
            for _ in 0..depth {
                ty = Type::list(ty);
            }
            let lists = format!("{}\"x\"{}", "[".repeat(depth), "]".repeat(depth));
            assert!(decode_json(lists.as_bytes(), &ty).is_ok());
            let over = format!("[{lists}]");
            let error = decode_json(over.as_bytes(), &Type::list(ty)).unwrap_err();
            assert!(
                error.to_string().contains("recursion limit exceeded"),
                "{error}"
            );
            let wrapped = (0..depth).fold("null".to_owned(), |inner, _| {
                format!(r#"{{"value":{inner},"type":"dynamic"}}"#)
            });
            assert_eq!(
                decode_json(wrapped.as_bytes(), &Type::Dynamic).unwrap(),
                Value::Null
            );
            let error = decode_json(
                format!("[{wrapped}]").as_bytes(),
                &Type::list(Type::Dynamic),
            );
            assert!(matches!(error, Err(DecodeError::Json(_))), "{error:?}");
        })
        .unwrap();
    deepest.join().unwrap();
}
