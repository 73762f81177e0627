use super::*;
use crate::framework::value::Number;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Source {
    name: String,
    start_seq: Option<u64>,
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Stream {
    name: String,
    max_bytes: Option<i64>,
    big: Option<u64>,
    subjects: Vec<String>,
    source: Vec<Source>,
}

fn stream_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("max_bytes", Type::Number),
        ("big", Type::Number),
        ("subjects", Type::list(Type::String)),
        ("description", Type::String),
        (
            "source",
            Type::list(Type::object([
                ("name", Type::String),
                ("start_seq", Type::Number),
            ])),
        ),
    ])
}

fn stream() -> Stream {
    Stream {
        name: "ORDERS".into(),
        max_bytes: None,
        big: Some(u64::MAX),
        subjects: vec!["a.>".into()],
        source: vec![Source {
            name: "UP".into(),
            start_seq: Some(7),
        }],
    }
}

fn with(mut value: Value, name: &str, attribute: Value) -> Value {
    if let Value::Object(attrs) = &mut value {
        attrs.insert(name.into(), attribute);
    }
    value
}

#[test]
fn round_trip_fills_every_attribute_and_keeps_big_numbers() {
    let value = to_value(&stream(), &stream_type()).unwrap();
    assert_eq!(value.attr("description"), Some(&Value::Null));
    assert_eq!(
        value
            .attr("big")
            .and_then(|v| v.as_number())
            .and_then(Number::to_u64),
        Some(u64::MAX)
    );
    let back: Stream = from_value(&value).unwrap();
    assert_eq!(back, stream());
}

#[test]
fn unknown_reads_as_none_in_an_option() {
    let value = with(
        to_value(&stream(), &stream_type()).unwrap(),
        "max_bytes",
        Value::Unknown,
    );
    let model: Stream = from_value(&value).unwrap();
    assert_eq!(model.max_bytes, None);
}

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Planned {
    name: Field<String>,
    max_bytes: Field<i64>,
    subjects: Field<Vec<String>>,
}

fn planned_type() -> Type {
    Type::object([
        ("name", Type::String),
        ("max_bytes", Type::Number),
        ("subjects", Type::list(Type::String)),
    ])
}

#[test]
fn a_field_tells_null_unknown_and_known_apart_both_ways() {
    let value = Value::Object(BTreeMap::from([
        ("name".to_string(), Value::string("S")),
        ("max_bytes".to_string(), Value::Unknown),
        ("subjects".to_string(), Value::Null),
    ]));
    let model: Planned = from_value(&value).unwrap();
    assert_eq!(
        model,
        Planned {
            name: Field::Known("S".into()),
            max_bytes: Field::Unknown,
            subjects: Field::Null,
        }
    );
    assert_eq!(to_value(&model, &planned_type()).unwrap(), value);
}

#[test]
fn a_field_outside_the_framework_reads_like_an_option() {
    let model: Planned =
        serde_json::from_str(r#"{"name":"S","max_bytes":null,"subjects":["a"]}"#).unwrap();
    assert_eq!(model.max_bytes, Field::Null);
    assert_eq!(model.subjects, Field::Known(vec!["a".to_string()]));
    let json = serde_json::to_value(Planned {
        max_bytes: Field::Unknown,
        ..model
    })
    .unwrap();
    assert_eq!(json["max_bytes"], serde_json::Value::Null);
}

#[test]
fn an_unknown_value_in_a_plain_field_is_an_unknown_error_at_its_path() {
    let value = with(
        to_value(&stream(), &stream_type()).unwrap(),
        "source",
        Value::List(vec![Value::Object(BTreeMap::from([
            ("name".to_string(), Value::Unknown),
            ("start_seq".to_string(), Value::Null),
        ]))]),
    );
    let error = from_value::<Stream>(&value).unwrap_err();
    assert!(error.unknown, "{error}");
    assert_eq!(error.to_string().split(':').next(), Some("source[0].name"));
}

#[test]
fn a_partly_unknown_list_reads_as_unknown_where_its_elements_cannot_say_so() {
    #[derive(Debug, Deserialize)]
    struct Filters {
        plain: Field<Vec<String>>,
        each: Field<Vec<Field<String>>>,
        whole: Field<Vec<String>>,
    }
    let partly = Value::List(vec![Value::string("a"), Value::Unknown]);
    let value = Value::Object(BTreeMap::from([
        ("plain".to_string(), partly.clone()),
        ("each".to_string(), partly),
        ("whole".to_string(), Value::List(vec![Value::string("a")])),
    ]));
    let model: Filters = from_value(&value).unwrap();
    assert_eq!(model.plain, Field::Unknown);
    assert_eq!(
        model.each,
        Field::Known(vec![Field::Known("a".to_string()), Field::Unknown])
    );
    assert_eq!(model.whole, Field::Known(vec!["a".to_string()]));
    // Outside a Field, the same list is an unknown error at the element.
    let error = from_value::<Vec<String>>(&value.attr("plain").unwrap().clone()).unwrap_err();
    assert!(error.unknown, "{error}");
}

#[test]
fn a_field_keeps_other_errors() {
    #[derive(Debug, Deserialize)]
    struct Numbers {
        #[allow(dead_code)]
        counts: Field<Vec<i64>>,
    }
    let value = Value::Object(BTreeMap::from([(
        "counts".to_string(),
        Value::List(vec![Value::string("x"), Value::Unknown]),
    )]));
    let error = from_value::<Numbers>(&value).unwrap_err();
    assert!(!error.unknown, "{error}");
    assert!(error.to_string().starts_with("counts[0]"), "{error}");
}

#[test]
fn a_wrong_type_names_the_attribute() {
    let value = with(
        to_value(&stream(), &stream_type()).unwrap(),
        "max_bytes",
        Value::string("lots"),
    );
    let error = from_value::<Stream>(&value).unwrap_err();
    assert!(!error.unknown);
    assert_eq!(error.path, Some(AttributePath::attr("max_bytes")));
    let fraction = with(
        to_value(&stream(), &stream_type()).unwrap(),
        "max_bytes",
        Value::Number("2.5".parse().unwrap()),
    );
    assert!(from_value::<Stream>(&fraction).is_err());
}

#[test]
fn a_field_the_schema_lacks_is_an_error() {
    #[derive(Serialize)]
    struct Extra {
        nope: bool,
    }
    let err = to_value(
        &Extra { nope: true },
        &Type::object([("name", Type::String)]),
    )
    .unwrap_err();
    assert_eq!(err.path, Some(AttributePath::attr("nope")));
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Retention {
    Limits,
    #[serde(rename = "workqueue")]
    WorkQueue,
}

#[test]
fn enums_are_written_and_read_by_their_serde_names() {
    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Model {
        retention: Field<Retention>,
    }
    let ty = Type::object([("retention", Type::String)]);
    let value = to_value(
        &Model {
            retention: Field::Known(Retention::WorkQueue),
        },
        &ty,
    )
    .unwrap();
    assert_eq!(value.attr("retention"), Some(&Value::string("workqueue")));
    let back: Model = from_value(&value).unwrap();
    assert_eq!(back.retention, Field::Known(Retention::WorkQueue));
    let bad = from_value::<Model>(&with(value, "retention", Value::string("old"))).unwrap_err();
    assert!(bad.problem.contains("unknown variant `old`"), "{bad}");
    assert_eq!(
        variant_names::<Retention>(),
        Some(&["limits", "workqueue"][..])
    );
    assert_eq!(variant_names::<String>(), None);
}

#[test]
fn dynamic_attributes_take_the_type_of_what_the_model_holds() {
    #[derive(Serialize, Deserialize)]
    struct Model {
        servers: Option<serde_json::Value>,
    }
    let ty = Type::object([("servers", Type::Dynamic)]);
    let value = to_value(
        &Model {
            servers: Some(serde_json::json!(["nats://a", "nats://b"])),
        },
        &ty,
    )
    .unwrap();
    let Some(Value::Dynamic(ty, _)) = value.attr("servers") else {
        panic!("{value:?}");
    };
    let Type::Tuple(types) = ty.as_ref() else {
        panic!("{ty:?}");
    };
    assert_eq!(types, &vec![Type::String, Type::String]);
    let back: Model = from_value(&value).unwrap();
    assert_eq!(
        back.servers,
        Some(serde_json::json!(["nats://a", "nats://b"]))
    );
}

#[test]
fn the_audit_names_attributes_on_one_side_only() {
    #[derive(Default, Serialize, Deserialize)]
    struct Model {
        name: Option<String>,
        extra: Option<String>,
    }
    let ty = Type::object([("name", Type::String), ("missing", Type::Number)]);
    let value = Value::Object(BTreeMap::from([
        ("name".to_string(), Value::Null),
        ("missing".to_string(), Value::Null),
    ]));
    let audit = Audit::default();
    let _: Model = read_audited(&value, &audit).unwrap();
    let found = audit.into_problems();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("extra: the model has this field"));
    assert!(found[1].starts_with("missing: the schema has this attribute"));
    let audit = Audit::default();
    let written = write_audited(&Model::default(), &ty, &audit);
    assert!(written.is_err(), "`extra` is not in the schema");
}
