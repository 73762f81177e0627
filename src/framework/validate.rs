//! Runs every attribute's validators over a configuration, once for all resources, so
//! a bad value is reported at plan time with its path and what is allowed.

use super::diagnostics::{Diagnostic, Diagnostics, Severity};
use super::schema::{Attribute, Block, Nesting};
use super::value::{AttributePath, Value};

pub fn validate_config(block: &Block, config: &Value) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    validate_block(block, config, &AttributePath::root(), &mut diagnostics);
    diagnostics
}

/// For a Terraform older than 1.11, which does not announce write-only support in
/// ValidateResourceConfig: an error at every write-only attribute the configuration
/// sets. Such a Terraform would take the value out of the plan as a provider bug.
pub fn refuse_write_only(block: &Block, config: &Value) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    write_only_set(block, config, &AttributePath::root(), &mut diagnostics);
    diagnostics
}

fn write_only_set(block: &Block, object: &Value, path: &AttributePath, out: &mut Diagnostics) {
    write_only_attributes_set(&block.attributes, object, path, out);
    for nested in &block.blocks {
        let value = object.attr(&nested.type_name).unwrap_or(&Value::Null);
        let block_path = path.child(&nested.type_name);
        for_each_object(nested.nesting, value, &block_path, |element, at| {
            write_only_set(&nested.block, element, at, out);
        });
    }
}

fn write_only_attributes_set(
    attributes: &[Attribute],
    object: &Value,
    path: &AttributePath,
    out: &mut Diagnostics,
) {
    for attribute in attributes {
        let value = object.attr(&attribute.name).unwrap_or(&Value::Null);
        if value.is_null() {
            continue;
        }
        let at = path.child(&attribute.name);
        if attribute.write_only {
            out.push(
                Diagnostic::error(
                    "Write-only attribute needs Terraform 1.11 or later",
                    format!(
                        "`{at}` is write-only: its value is kept out of plan and state, which \
                         Terraform 1.11 or later supports and this Terraform does not. Upgrade \
                         to Terraform 1.11 or later, or leave `{at}` out of the configuration."
                    ),
                )
                .at(at.clone()),
            );
        }
        if let Some((nesting, inner)) = attribute.nested_attributes() {
            for_each_object(nesting, value, &at, |element, element_path| {
                write_only_attributes_set(inner, element, element_path, out);
            });
        }
    }
}

/// Whether the validators refuse the configuration at `path`, inside it or around it:
/// a model that cannot hold such a value is no provider bug, since the user is shown
/// the validator's error.
pub(crate) fn refused_at(block: &Block, config: &Value, path: &AttributePath) -> bool {
    if path.is_root() {
        return false;
    }
    let overlaps = |at: &AttributePath| {
        let shorter = at.steps().len().min(path.steps().len());
        at.steps()[..shorter] == path.steps()[..shorter]
    };
    validate_config(block, config)
        .iter()
        .any(|d| d.severity == Severity::Error && d.path.as_ref().is_some_and(overlaps))
}

fn validate_block(block: &Block, object: &Value, path: &AttributePath, out: &mut Diagnostics) {
    validate_attributes(&block.attributes, object, path, out);
    for nested in &block.blocks {
        let value = object.attr(&nested.type_name).unwrap_or(&Value::Null);
        let block_path = path.child(&nested.type_name);
        for_each_object(
            nested.nesting,
            value,
            &block_path,
            |element, element_path| {
                validate_block(&nested.block, element, element_path, out);
            },
        );
    }
}

fn validate_attributes(
    attributes: &[Attribute],
    object: &Value,
    path: &AttributePath,
    out: &mut Diagnostics,
) {
    for attribute in attributes {
        let value = object.attr(&attribute.name).unwrap_or(&Value::Null);
        if value.is_null() {
            continue;
        }
        let attribute_path = path.child(&attribute.name);
        if attribute.computed && !attribute.optional && !attribute.required {
            out.push(
                Diagnostic::error(
                    "Invalid configuration for read-only attribute",
                    format!(
                        "`{attribute_path}` is set by the provider and cannot be configured: remove it from the configuration."
                    ),
                )
                .at(attribute_path.clone()),
            );
            continue;
        }
        if let Some(message) = &attribute.deprecation {
            out.push(
                Diagnostic::warning("Deprecated attribute", message.clone())
                    .at(attribute_path.clone()),
            );
        }
        if value.is_wholly_known() && !attribute.validators.is_empty() {
            let ty = attribute.value_type();
            for validator in &attribute.validators {
                if !validator.applies_to(&ty) {
                    out.push(
                        Diagnostic::error(
                            "Provider bug: validator of the wrong type",
                            format!(
                                "`{}` is {ty}, and its validator ({}) judges no such values. Please report this to the natsforge maintainers.",
                                attribute.name,
                                validator.allowed()
                            ),
                        )
                        .at(attribute_path.clone()),
                    );
                    continue;
                }
                for violation in validator.check(value) {
                    let mut at = attribute_path.clone();
                    for step in violation.at {
                        at = at.with(step);
                    }
                    out.push(
                        Diagnostic::error(
                            format!("Invalid value for {}", attribute.name),
                            format!(
                                "{}: {}. Allowed: {}.",
                                at,
                                violation.problem,
                                validator.allowed()
                            ),
                        )
                        .at(at),
                    );
                }
            }
        }
        if let Some((nesting, inner)) = attribute.nested_attributes() {
            for_each_object(nesting, value, &attribute_path, |element, element_path| {
                validate_attributes(inner, element, element_path, out);
            });
        }
    }
}

fn for_each_object(
    nesting: Nesting,
    value: &Value,
    path: &AttributePath,
    mut f: impl FnMut(&Value, &AttributePath),
) {
    match (nesting, value) {
        (Nesting::Single | Nesting::Group, object @ Value::Object(_)) => f(object, path),
        (Nesting::List | Nesting::Set, Value::List(items) | Value::Set(items)) => {
            for (i, item) in items.iter().enumerate() {
                f(item, &path.index(i));
            }
        }
        (Nesting::Map, Value::Map(items)) => {
            for (key, item) in items {
                f(item, &path.key(key));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{NestedBlock, Schema};
    use crate::framework::validators::{int_between, OneOf};
    use std::collections::BTreeMap;

    fn object(pairs: Vec<(&str, Value)>) -> Value {
        Value::Object(
            pairs
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    #[test]
    fn reports_path_problem_and_allowed_values() {
        let schema = Schema::new("t")
            .attribute(
                Attribute::string("discard")
                    .optional()
                    .validate(OneOf(&["old", "new"])),
            )
            .block(NestedBlock::new(
                "source",
                Nesting::List,
                Block::new("s").attribute(
                    Attribute::number("replicas")
                        .optional()
                        .validate(int_between(1, 5)),
                ),
            ));
        let config = object(vec![
            ("discard", Value::string("oldest")),
            (
                "source",
                Value::List(vec![
                    object(vec![("replicas", Value::from(3))]),
                    object(vec![("replicas", Value::from(7))]),
                ]),
            ),
        ]);
        let diagnostics: Vec<_> = validate_config(&schema.block, &config)
            .into_iter()
            .collect();
        assert_eq!(diagnostics.len(), 2);
        assert_eq!(diagnostics[0].path, Some(AttributePath::attr("discard")));
        assert!(diagnostics[0].detail.contains("one of `old`, `new`"));
        assert_eq!(
            diagnostics[1].path,
            Some(AttributePath::attr("source").index(1).child("replicas"))
        );
        assert!(diagnostics[1].detail.contains("from 1 to 5"));
    }

    #[test]
    fn a_read_only_attribute_cannot_be_configured() {
        let schema = Schema::new("t")
            .attribute(Attribute::string("id").computed())
            .attribute(Attribute::string("name").optional().computed());
        let config = object(vec![
            ("id", Value::string("mine")),
            ("name", Value::string("fine")),
        ]);
        let found: Vec<_> = validate_config(&schema.block, &config)
            .into_iter()
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, Some(AttributePath::attr("id")));
        assert!(found[0].detail.contains("set by the provider"));
        let unknown = object(vec![("id", Value::Unknown), ("name", Value::Null)]);
        assert_eq!(
            validate_config(&schema.block, &unknown).into_iter().count(),
            1
        );
    }

    #[test]
    fn write_only_values_are_refused_by_path_where_terraform_cannot_keep_them() {
        let schema = Schema::new("t")
            .attribute(Attribute::string("seed").optional().write_only())
            .attribute(Attribute::string("name").optional())
            .attribute(Attribute::nested(
                "auth",
                Nesting::Single,
                vec![Attribute::string("token").optional().write_only()],
            ))
            .block(NestedBlock::new(
                "source",
                Nesting::List,
                Block::new("s").attribute(Attribute::string("secret").optional().write_only()),
            ));
        let config = object(vec![
            ("seed", Value::Unknown),
            ("name", Value::string("n")),
            ("auth", object(vec![("token", Value::string("T"))])),
            (
                "source",
                Value::List(vec![
                    object(vec![("secret", Value::Null)]),
                    object(vec![("secret", Value::string("S"))]),
                ]),
            ),
        ]);
        let found: Vec<_> = refuse_write_only(&schema.block, &config)
            .into_iter()
            .collect();
        let paths: Vec<_> = found.iter().filter_map(|d| d.path.clone()).collect();
        assert_eq!(
            paths,
            vec![
                AttributePath::attr("seed"),
                AttributePath::attr("auth").child("token"),
                AttributePath::attr("source").index(1).child("secret"),
            ]
        );
        assert!(found[1].detail.contains("`auth.token`"), "{found:?}");
        assert!(found[1].detail.contains("Terraform 1.11 or later"));
        let left_out = object(vec![
            ("seed", Value::Null),
            ("name", Value::string("n")),
            ("auth", Value::Null),
            ("source", Value::List(vec![])),
        ]);
        assert!(refuse_write_only(&schema.block, &left_out).is_empty());
    }

    #[test]
    fn unknown_values_wait_until_known() {
        let schema = Schema::new("t").attribute(
            Attribute::string("discard")
                .optional()
                .validate(OneOf(&["old"])),
        );
        let config = object(vec![("discard", Value::Unknown)]);
        assert!(validate_config(&schema.block, &config).is_empty());
    }
}
