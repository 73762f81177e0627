//! Finding what a path or name refers to in a schema, so that every name a resource
//! uses (a planned attribute, a replace path, a diagnostic's location) is checked
//! against its schema instead of silently pointing nowhere.

use super::diagnostics::{Diagnostic, Diagnostics};
use super::schema::{Attribute, Block, NestedBlock, Nesting};
use super::value::{AttributePath, PathStep};

/// Diagnostics about `subject` (e.g. `nats_jetstream_stream`) whose path leaves its
/// schema lose that path, and an error names it: a misspelt attribute must not make a
/// message point nowhere.
pub fn check_paths(block: &Block, subject: &str, diagnostics: Diagnostics) -> Diagnostics {
    let mut checked = Diagnostics::new();
    for mut diagnostic in diagnostics {
        if let Some(path) = diagnostic.path.take() {
            if find(block, &path).is_some() {
                diagnostic.path = Some(path);
            } else {
                checked.push(Diagnostic::error(
                    format!("Provider bug in {subject}"),
                    format!(
                        "A diagnostic of {subject} points at `{path}`, which its schema does not have. Please report this to the natsforge maintainers."
                    ),
                ));
            }
        }
        checked.push(diagnostic);
    }
    checked
}

/// What a path leads to.
#[derive(Clone, Copy)]
pub enum Target<'a> {
    /// The whole object (the root path, or an element of a nested block or attribute).
    Object,
    Attribute(&'a Attribute),
    Block(&'a NestedBlock),
}

/// The schema element at `path`, or `None` when the path leaves the schema.
pub fn find<'a>(block: &'a Block, path: &AttributePath) -> Option<Target<'a>> {
    let mut current = Target::Object;
    // The attributes and blocks of the object we are in, and how the last named
    // element nests (to check the element step after it).
    let mut attributes: &'a [Attribute] = &block.attributes;
    let mut blocks: &'a [NestedBlock] = &block.blocks;
    let mut pending: Option<Nesting> = None;
    for step in path.steps() {
        match (step, pending) {
            (PathStep::Attribute(name), None) => {
                if let Some(attribute) = attributes.iter().find(|a| &a.name == name) {
                    current = Target::Attribute(attribute);
                    pending = attribute.nested_attributes().map(|(nesting, inner)| {
                        attributes = inner;
                        blocks = &[];
                        nesting
                    });
                    if pending.is_none() {
                        attributes = &[];
                        blocks = &[];
                    }
                } else {
                    let nested = blocks.iter().find(|b| &b.type_name == name)?;
                    current = Target::Block(nested);
                    attributes = &nested.block.attributes;
                    blocks = &nested.block.blocks;
                    pending = Some(nested.nesting);
                }
                // A single nested object is entered without an element step.
                if matches!(pending, Some(Nesting::Single | Nesting::Group)) {
                    pending = None;
                }
            }
            (PathStep::ElementKeyInt(_), Some(Nesting::List | Nesting::Set))
            | (PathStep::ElementKeyString(_), Some(Nesting::Map)) => {
                current = Target::Object;
                pending = None;
            }
            // Elements of plain collections (a list of strings): nothing below them.
            (PathStep::ElementKeyInt(_) | PathStep::ElementKeyString(_), None) if matches!(current, Target::Attribute(a) if a.nested_attributes().is_none()) =>
            {
                return Some(current);
            }
            _ => return None,
        }
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Schema;

    fn schema() -> Schema {
        Schema::new("t")
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string_list("subjects").optional())
            .attribute(Attribute::nested(
                "limits",
                Nesting::Single,
                vec![Attribute::number("max").optional()],
            ))
            .block(NestedBlock::new(
                "source",
                Nesting::List,
                Block::new("s").attribute(Attribute::string("name").required()),
            ))
    }

    #[test]
    fn paths_inside_the_schema_are_found() {
        let s = schema();
        let found = |path: AttributePath| find(&s.block, &path).is_some();
        assert!(found(AttributePath::root()));
        assert!(found(AttributePath::attr("name")));
        assert!(found(AttributePath::attr("subjects").index(2)));
        assert!(found(AttributePath::attr("limits").child("max")));
        assert!(found(AttributePath::attr("source").index(0).child("name")));
        assert!(found(AttributePath::attr("source")));
    }

    #[test]
    fn a_diagnostic_pointing_outside_the_schema_is_reported() {
        let diagnostics: Diagnostics = [
            Diagnostic::error("fine", "").at(AttributePath::attr("name")),
            Diagnostic::error("misspelt", "").at(AttributePath::attr("nmae")),
        ]
        .into_iter()
        .collect();
        let checked: Vec<_> = check_paths(&schema().block, "test_thing", diagnostics)
            .into_iter()
            .collect();
        assert_eq!(checked.len(), 3);
        assert_eq!(checked[0].path, Some(AttributePath::attr("name")));
        assert_eq!(checked[1].summary, "Provider bug in test_thing");
        assert!(checked[1].detail.contains("`nmae`"));
        assert_eq!(
            (checked[2].summary.as_str(), &checked[2].path),
            ("misspelt", &None)
        );
    }

    #[test]
    fn paths_outside_the_schema_are_not() {
        let s = schema();
        let found = |path: AttributePath| find(&s.block, &path).is_some();
        assert!(!found(AttributePath::attr("nmae")));
        assert!(!found(AttributePath::attr("source").child("name")));
        assert!(!found(AttributePath::attr("source").index(0).child("nmae")));
        assert!(!found(AttributePath::attr("limits").child("min")));
        assert!(!found(AttributePath::attr("name").child("x")));
    }
}
