//! Conversions between the framework's types and the generated protobuf messages.

use super::diagnostics::{Diagnostic, Diagnostics, Severity};
use super::schema::{Attribute, AttributeType, Block, NestedBlock, Nesting, Schema};
use super::value::{self, AttributePath, PathStep, Type, Value};
use crate::protocol::proto::tfplugin6 as pb;

pub fn schema(schema: &Schema) -> pb::Schema {
    pb::Schema {
        version: schema.version,
        block: Some(block(&schema.block, schema.version)),
    }
}

fn block(block: &Block, version: i64) -> pb::schema::Block {
    pb::schema::Block {
        version,
        attributes: block.attributes.iter().map(attribute).collect(),
        block_types: block.blocks.iter().map(nested_block).collect(),
        description: block.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: block.deprecated,
        ..Default::default()
    }
}

fn attribute(attribute: &Attribute) -> pb::schema::Attribute {
    let (type_json, nested_type) = match &attribute.ty {
        AttributeType::Plain(ty) => (ty.to_json_bytes(), None),
        AttributeType::Nested(nesting, attributes) => (
            Vec::new(),
            Some(pb::schema::Object {
                attributes: attributes.iter().map(self::attribute).collect(),
                nesting: object_nesting(*nesting) as i32,
                ..Default::default()
            }),
        ),
    };
    pb::schema::Attribute {
        name: attribute.name.clone(),
        r#type: type_json,
        nested_type,
        description: attribute.documentation(),
        required: attribute.required,
        optional: attribute.optional,
        computed: attribute.computed,
        sensitive: attribute.sensitive,
        description_kind: pb::StringKind::Markdown as i32,
        deprecated: attribute.deprecation.is_some(),
        write_only: attribute.write_only,
        deprecation_message: attribute.deprecation.clone().unwrap_or_default(),
    }
}

fn nested_block(nested: &NestedBlock) -> pb::schema::NestedBlock {
    use pb::schema::nested_block::NestingMode;
    let nesting = match nested.nesting {
        Nesting::Single => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
        Nesting::Group => NestingMode::Group,
    };
    pb::schema::NestedBlock {
        type_name: nested.type_name.clone(),
        block: Some(block(&nested.block, 0)),
        nesting: nesting as i32,
        min_items: nested.min_items,
        max_items: nested.max_items,
    }
}

fn object_nesting(nesting: Nesting) -> pb::schema::object::NestingMode {
    use pb::schema::object::NestingMode;
    match nesting {
        Nesting::Single | Nesting::Group => NestingMode::Single,
        Nesting::List => NestingMode::List,
        Nesting::Set => NestingMode::Set,
        Nesting::Map => NestingMode::Map,
    }
}

pub fn diagnostics(diagnostics: Diagnostics) -> Vec<pb::Diagnostic> {
    diagnostics.into_iter().map(diagnostic).collect()
}

fn diagnostic(diagnostic: Diagnostic) -> pb::Diagnostic {
    let severity = match diagnostic.severity {
        Severity::Error => pb::diagnostic::Severity::Error,
        Severity::Warning => pb::diagnostic::Severity::Warning,
    };
    pb::Diagnostic {
        severity: severity as i32,
        summary: diagnostic.summary,
        detail: diagnostic.detail,
        attribute: diagnostic.path.as_ref().map(attribute_path),
    }
}

pub fn attribute_path(path: &AttributePath) -> pb::AttributePath {
    use pb::attribute_path::step::Selector;
    pb::AttributePath {
        steps: path
            .steps()
            .iter()
            .map(|step| pb::attribute_path::Step {
                selector: Some(match step {
                    PathStep::Attribute(name) => Selector::AttributeName(name.clone()),
                    PathStep::ElementKeyString(key) => Selector::ElementKeyString(key.clone()),
                    PathStep::ElementKeyInt(index) => Selector::ElementKeyInt(*index),
                }),
            })
            .collect(),
    }
}

/// A request value. An absent or empty DynamicValue is a null.
pub fn decode(dynamic: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, Diagnostic> {
    let Some(dynamic) = dynamic else {
        return Ok(Value::Null);
    };
    let decoded = if !dynamic.msgpack.is_empty() {
        value::decode_msgpack(&dynamic.msgpack, ty)
    } else if !dynamic.json.is_empty() {
        value::decode_json(&dynamic.json, ty)
    } else {
        return Ok(Value::Null);
    };
    decoded.map_err(|e| {
        Diagnostic::error(
            "Could not decode a value from Terraform",
            format!("{e}. This is a bug in natsforge or a Terraform version it does not support."),
        )
    })
}

/// A response value, always msgpack as Terraform expects.
pub fn encode(value: &Value, ty: &Type) -> Result<pb::DynamicValue, Diagnostic> {
    value::encode_msgpack(value, ty)
        .map(|msgpack| pb::DynamicValue {
            msgpack,
            json: Vec::new(),
        })
        .map_err(|e| {
            Diagnostic::error(
                "Could not encode a value for Terraform",
                format!("{e}. This is a bug in natsforge."),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::validators::OneOf;

    #[test]
    fn schema_carries_types_flags_and_documentation() {
        let s = Schema::new("A stream.")
            .attribute(
                Attribute::string("name")
                    .required()
                    .description("Its name."),
            )
            .attribute(
                Attribute::string("discard")
                    .default("old")
                    .validate(OneOf(&["old", "new"]))
                    .description("What to discard."),
            )
            .attribute(
                Attribute::string("seed")
                    .optional()
                    .sensitive()
                    .write_only(),
            );
        let wire = schema(&s);
        let block = wire.block.unwrap();
        let discard = &block.attributes[1];
        assert!(discard.optional && discard.computed && !discard.required);
        assert_eq!(discard.r#type, br#""string""#.to_vec());
        assert!(discard.description.contains("one of `old`, `new`"));
        assert!(discard.description.contains("`\"old\"`"));
        assert!(block.attributes[2].sensitive && block.attributes[2].write_only);
    }

    #[test]
    fn paths_keep_every_step() {
        let path = AttributePath::attr("source").index(2).child("name");
        let wire = attribute_path(&path);
        assert_eq!(wire.steps.len(), 3);
    }
}
