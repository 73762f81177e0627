//! Writing models: objects are built in the type's name order from fields serde gives in
//! declaration order; these pin what that must not change.

use super::*;
use crate::framework::value::Number;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};

fn object<const N: usize>(attributes: [(&str, Value); N]) -> Value {
    Value::Object(
        attributes
            .into_iter()
            .map(|(name, value)| (name.to_string(), value))
            .collect(),
    )
}

fn number(n: i64) -> Value {
    Value::Number(Number::from_i64(n))
}

/// Declared neither in name order nor in its reverse, with a nested block whose fields
/// are out of order too, and attributes the model does not write between its fields.
#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Shuffled {
    name: Field<String>,
    max_msgs: Field<i64>,
    domain: Field<String>,
    allow_direct: Field<bool>,
    source: Vec<Origin>,
    zone: Option<String>,
    id: Field<String>,
}

#[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
struct Origin {
    start_seq: Field<u64>,
    name: Field<String>,
}

fn shuffled_type() -> Type {
    Type::object([
        ("allow_direct", Type::Bool),
        ("allow_rollup", Type::Bool),
        ("domain", Type::String),
        ("id", Type::String),
        ("max_bytes", Type::Number),
        ("max_msgs", Type::Number),
        ("name", Type::String),
        (
            "source",
            Type::list(Type::object([
                ("filter", Type::String),
                ("name", Type::String),
                ("start_seq", Type::Number),
            ])),
        ),
        ("zone", Type::String),
    ])
}

fn shuffled() -> Shuffled {
    Shuffled {
        name: Field::Known("S".into()),
        max_msgs: Field::Known(5),
        domain: Field::Unknown,
        allow_direct: Field::Known(true),
        source: vec![
            Origin {
                start_seq: Field::Known(7),
                name: Field::Known("UP".into()),
            },
            Origin::default(),
        ],
        zone: Some("z".into()),
        id: Field::Null,
    }
}

#[test]
fn fields_out_of_name_order_land_on_their_attributes_and_the_rest_are_null() {
    let value = to_value(&shuffled(), &shuffled_type()).unwrap();
    let origin = |filter, name, start_seq| {
        object([("filter", filter), ("name", name), ("start_seq", start_seq)])
    };
    let expected = object([
        ("allow_direct", Value::Bool(true)),
        ("allow_rollup", Value::Null),
        ("domain", Value::Unknown),
        ("id", Value::Null),
        ("max_bytes", Value::Null),
        ("max_msgs", number(5)),
        ("name", Value::string("S")),
        (
            "source",
            Value::List(vec![
                origin(Value::Null, Value::string("UP"), number(7)),
                origin(Value::Null, Value::Null, Value::Null),
            ]),
        ),
        ("zone", Value::string("z")),
    ]);
    assert_eq!(value, expected);
    let back: Shuffled = from_value(&value).unwrap();
    assert_eq!(back, shuffled());
}

#[test]
fn the_audit_names_every_attribute_not_written_once_nested_blocks_first() {
    let audit = Audit::default();
    write_audited(&shuffled(), &shuffled_type(), &audit).unwrap();
    assert_eq!(
        audit.into_problems(),
        [
            "source[0].filter: the schema has this attribute; the model does not write it",
            "source[1].filter: the schema has this attribute; the model does not write it",
            "allow_rollup: the schema has this attribute; the model does not write it",
            "max_bytes: the schema has this attribute; the model does not write it",
        ]
    );
}

#[test]
fn skipped_fields_are_null_and_audited() {
    #[derive(Serialize)]
    struct Sparse {
        #[serde(skip_serializing_if = "Option::is_none")]
        b: Option<String>,
        #[serde(skip)]
        #[allow(dead_code)]
        c: bool,
        a: i64,
    }
    let ty = Type::object([("a", Type::Number), ("b", Type::String), ("c", Type::Bool)]);
    let audit = Audit::default();
    let model = Sparse {
        b: None,
        c: true,
        a: 1,
    };
    let value = write_audited(&model, &ty, &audit).unwrap();
    assert_eq!(
        value,
        object([("a", number(1)), ("b", Value::Null), ("c", Value::Null)])
    );
    assert_eq!(
        audit.into_problems(),
        [
            "b: the schema has this attribute; the model does not write it",
            "c: the schema has this attribute; the model does not write it",
        ]
    );
    let written = to_value(
        &Sparse {
            b: Some("x".into()),
            ..model
        },
        &ty,
    )
    .unwrap();
    assert_eq!(written.attr("b"), Some(&Value::string("x")));
}

#[test]
fn a_field_the_schema_lacks_is_the_same_error_wherever_it_is_declared() {
    #[derive(Default, Serialize)]
    struct Extra {
        zz: bool,
        nope: bool,
        aa: bool,
    }
    let ty = Type::object([("aa", Type::Bool), ("zz", Type::Bool)]);
    let error = to_value(&Extra::default(), &ty).unwrap_err();
    assert_eq!(error.path, Some(AttributePath::attr("nope")));
    assert_eq!(
        error.problem,
        "the model has this field; the schema has no such attribute"
    );
    assert!(!error.unknown);
    #[derive(Default, Serialize)]
    struct Outer {
        inner: Vec<Extra>,
    }
    let outer = Type::object([("inner", Type::list(ty))]);
    let nested = to_value(
        &Outer {
            inner: vec![Extra::default()],
        },
        &outer,
    )
    .unwrap_err();
    assert_eq!(
        nested.to_string(),
        "inner[0].nope: the model has this field; the schema has no such attribute"
    );
}

#[test]
fn a_wrong_type_in_a_nested_field_names_its_path() {
    #[derive(Serialize)]
    struct Outer {
        source: Vec<Origin>,
    }
    let ty = Type::object([(
        "source",
        Type::list(Type::object([
            ("name", Type::Number),
            ("start_seq", Type::Number),
        ])),
    )]);
    let error = to_value(
        &Outer {
            source: vec![Origin {
                start_seq: Field::Known(1),
                name: Field::Known("x".into()),
            }],
        },
        &ty,
    )
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "source[0].name: the model holds a string; the schema says number"
    );
}

#[test]
fn a_field_written_twice_keeps_the_later_value() {
    struct Twice;
    impl Serialize for Twice {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut fields = s.serialize_struct("Twice", 3)?;
            fields.serialize_field("b", "first")?;
            fields.serialize_field("a", "x")?;
            fields.serialize_field("b", "second")?;
            fields.end()
        }
    }
    let ty = Type::object([("a", Type::String), ("b", Type::String)]);
    assert_eq!(
        to_value(&Twice, &ty).unwrap(),
        object([("a", Value::string("x")), ("b", Value::string("second"))])
    );
}

#[test]
fn maps_keep_their_keys_and_objects_take_maps_and_flattened_fields() {
    #[derive(Serialize)]
    struct WithMap {
        metadata: BTreeMap<String, i64>,
        labels: HashMap<String, String>,
    }
    let ty = Type::object([
        ("labels", Type::map(Type::String)),
        ("metadata", Type::map(Type::Number)),
    ]);
    let model = WithMap {
        metadata: BTreeMap::from([("z".into(), 1), ("a".into(), 2)]),
        labels: HashMap::from([("k".into(), "v".into())]),
    };
    let value = to_value(&model, &ty).unwrap();
    assert_eq!(
        value.attr("metadata"),
        Some(&Value::Map(BTreeMap::from([
            ("a".to_string(), number(2)),
            ("z".to_string(), number(1)),
        ])))
    );
    assert_eq!(
        value.attr("labels"),
        Some(&Value::Map(BTreeMap::from([(
            "k".to_string(),
            Value::string("v")
        )])))
    );
    let wrong = to_value(
        &model,
        &Type::object([
            ("labels", Type::map(Type::Number)),
            ("metadata", Type::map(Type::Number)),
        ]),
    )
    .unwrap_err();
    assert_eq!(
        wrong.to_string(),
        r#"labels["k"]: the model holds a string; the schema says number"#
    );

    // A map written as an object fills the attributes it names, the rest null.
    let as_object = to_value(
        &BTreeMap::from([("b", 1), ("a", 2)]),
        &Type::object([
            ("a", Type::Number),
            ("b", Type::Number),
            ("c", Type::Number),
        ]),
    )
    .unwrap();
    assert_eq!(
        as_object,
        object([("a", number(2)), ("b", number(1)), ("c", Value::Null)])
    );
    let stray = to_value(
        &BTreeMap::from([("x", 1)]),
        &Type::object([("a", Type::Number)]),
    )
    .unwrap_err();
    assert_eq!(stray.path, Some(AttributePath::attr("x")));

    // A struct written as a map keeps every field as a key.
    let as_map = to_value(&Origin::default(), &Type::map(Type::Number)).unwrap();
    assert_eq!(
        as_map,
        Value::Map(BTreeMap::from([
            ("name".to_string(), Value::Null),
            ("start_seq".to_string(), Value::Null),
        ]))
    );

    #[derive(Serialize)]
    struct Flat {
        b: i64,
        #[serde(flatten)]
        origin: Origin,
    }
    let flat = to_value(
        &Flat {
            b: 3,
            origin: Origin {
                start_seq: Field::Known(4),
                name: Field::Null,
            },
        },
        &Type::object([
            ("a", Type::Number),
            ("b", Type::Number),
            ("name", Type::String),
            ("start_seq", Type::Number),
        ]),
    )
    .unwrap();
    assert_eq!(
        flat,
        object([
            ("a", Value::Null),
            ("b", number(3)),
            ("name", Value::Null),
            ("start_seq", number(4)),
        ])
    );
}

#[test]
fn exact_numbers_and_non_string_map_keys() {
    #[derive(Serialize)]
    struct Exact {
        big: serde_json::Number,
    }
    let text = "123456789012345678901234567890.5";
    let value = to_value(
        &Exact {
            big: text.parse().unwrap(),
        },
        &Type::object([("big", Type::Number)]),
    )
    .unwrap();
    assert_eq!(
        value.attr("big"),
        Some(&Value::Number(text.parse().unwrap()))
    );
    let error = to_value(&BTreeMap::from([(1, 1)]), &Type::map(Type::Number)).unwrap_err();
    assert_eq!(error.problem, "map keys must be strings");
}
