//! The checker itself, on small schemas with models that are right and wrong.

use super::*;
use crate::framework::schema::NestedBlock;
use crate::framework::typed::Field;
use crate::framework::validators::{int_at_least, OneOf};
use serde::Deserialize;

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Discard {
    #[default]
    Old,
    New,
}

fn schema() -> Schema {
    Schema::new("t")
        .attribute(Attribute::string("name").required())
        .attribute(Attribute::string("id").computed())
        .attribute(Attribute::enumeration::<Discard>("discard").default_variant(Discard::Old))
        .block(NestedBlock::new(
            "source",
            Nesting::List,
            Block::new("s").attribute(Attribute::number("start_seq").optional()),
        ))
}

#[derive(Default, Serialize, Deserialize)]
struct Good {
    name: String,
    id: Field<String>,
    discard: Discard,
    source: Vec<Source>,
}

#[derive(Default, Serialize, Deserialize)]
struct Source {
    start_seq: Option<u64>,
}

#[test]
fn a_matching_model_and_a_coherent_schema_have_no_problems() {
    assert_eq!(schema_problems(&schema()), Vec::<String>::new());
    assert_eq!(
        model_problems::<Good>(&schema(), Reads::Everything),
        Vec::<String>::new()
    );
}

#[test]
fn fields_on_one_side_only_are_named() {
    #[derive(Default, Serialize, Deserialize)]
    struct Misspelt {
        name: String,
        idd: Option<String>,
        discard: Option<String>,
        source: Vec<Source>,
    }
    let problems = model_problems::<Misspelt>(&schema(), Reads::Everything);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("idd: the model has this field")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("id: the schema has this attribute; the model does not read it")),
        "{problems:?}"
    );
}

#[test]
fn a_nested_field_of_the_wrong_type_is_named() {
    #[derive(Default, Serialize, Deserialize)]
    struct WrongSource {
        start_seq: Option<bool>,
    }
    #[derive(Default, Serialize, Deserialize)]
    struct Wrong {
        name: String,
        id: Option<String>,
        discard: Option<String>,
        source: Vec<WrongSource>,
    }
    let problems = model_problems::<Wrong>(&schema(), Reads::Everything);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("source[0].start_seq"), "{problems:?}");
}

#[test]
fn arguments_models_may_skip_outputs_only() {
    #[derive(Default, Deserialize, Serialize)]
    struct Query {
        name: String,
        #[serde(skip_deserializing)]
        id: Option<String>,
        #[serde(skip_deserializing)]
        discard: Option<String>,
        #[serde(skip_deserializing)]
        source: Vec<Source>,
    }
    let problems = model_problems::<Query>(&schema(), Reads::Arguments);
    // `id` is an output; `discard` and `source` are arguments it must read.
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems.iter().all(|p| !p.starts_with("id:")),
        "{problems:?}"
    );
}

#[test]
fn a_default_that_does_not_round_trip_is_named() {
    #[derive(Serialize, Deserialize)]
    struct Drifting {
        name: String,
        id: Option<String>,
        discard: Option<String>,
        source: Vec<Source>,
    }
    impl Default for Drifting {
        fn default() -> Self {
            Drifting {
                name: String::new(),
                id: None,
                // Written as "x", read back as "x": fine. An empty list block is fine.
                discard: None,
                source: vec![Source { start_seq: None }],
            }
        }
    }
    assert!(model_problems::<Drifting>(&schema(), Reads::Everything).is_empty());
    #[derive(Default, Serialize, Deserialize)]
    struct Lossy {
        name: String,
        id: Option<String>,
        discard: Option<String>,
        #[serde(skip_deserializing)]
        source: Vec<Source>,
    }
    let problems = model_problems::<Lossy>(&schema(), Reads::Everything);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("source: the schema has this attribute")),
        "{problems:?}"
    );
}

#[test]
fn schema_problems_name_defaults_and_validators_that_cannot_work() {
    let schema = Schema::new("t")
        .attribute(
            Attribute::number("replicas")
                .validate(OneOf(&["1"]))
                .optional(),
        )
        .attribute(
            Attribute::string("discard")
                .default("oldest")
                .validate(OneOf(&["old"])),
        )
        .attribute(
            Attribute::number("max")
                .default(-1)
                .validate(int_at_least(0)),
        )
        .attribute(Attribute::bool("flag").default(true).required())
        .attribute(Attribute::enumeration::<String>("not_an_enum").optional())
        .block(NestedBlock::new(
            "keys",
            Nesting::Set,
            Block::new("k").attribute(Attribute::string("seed").optional().write_only()),
        ));
    let problems = schema_problems(&schema);
    let expected = [
        "replicas: validator \"one of `1`\" cannot judge a number",
        "discard: default \"oldest\" is not one of `old`",
        "max: default -1 is not a whole number of at least 0",
        "flag: a default needs optional and computed",
        "keys.seed: write-only inside a set",
    ];
    for line in expected {
        assert!(
            problems.iter().any(|p| p == line),
            "{line} in {problems:#?}"
        );
    }
    assert!(
        problems
            .iter()
            .any(|p| p == "not_an_enum: validator \"one of \" cannot judge a string"),
        "an enumeration of no enum judges nothing: {problems:#?}"
    );
}

#[test]
fn identity_attributes_must_be_state_attributes_of_the_same_type() {
    use crate::framework::schema::IdentityAttribute;
    let identity = IdentitySchema {
        version: 0,
        attributes: vec![
            IdentityAttribute {
                name: "name",
                ty: Type::String,
                required_for_import: true,
                description: "",
            },
            IdentityAttribute {
                name: "domain",
                ty: Type::String,
                required_for_import: false,
                description: "",
            },
        ],
    };
    assert_eq!(
        identity_problems(&identity, &schema()),
        vec!["identity attribute domain is not an attribute of the schema".to_string()]
    );
}
