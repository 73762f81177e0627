//! Attribute validators. Each says in words what it allows, so the same text serves the
//! generated documentation and the diagnostic a user gets for a bad value.

use super::value::{PathStep, Type, Value};

/// One problem found in a value; `at` is relative to the validated attribute
/// (empty for the attribute itself, an index for an element of a list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub at: Vec<PathStep>,
    pub problem: String,
}

impl Violation {
    pub fn new(problem: impl Into<String>) -> Self {
        Violation {
            at: Vec::new(),
            problem: problem.into(),
        }
    }
}

/// Validators only ever see known, non-null values: unknown values are checked again
/// once they are known, and null is the business of required/optional.
pub trait Validator: Send + Sync {
    /// What the validator allows, as a sentence fragment ("one of `old`, `new`").
    fn allowed(&self) -> String;
    fn check(&self, value: &Value) -> Vec<Violation>;
    /// Whether it can judge values of type `ty` at all: a validator on an attribute of
    /// another type would pass everything, so the framework refuses it.
    fn applies_to(&self, ty: &Type) -> bool;
}

/// One of a fixed set of strings.
pub struct OneOf(pub &'static [&'static str]);

impl OneOf {
    /// The serde names of enum `T`'s variants: the values the model accepts. A `T`
    /// that is no enum gives an empty list, which judges nothing (see `applies_to`).
    pub fn variants_of<'de, T: serde::Deserialize<'de>>() -> Self {
        OneOf(super::typed::variant_names::<T>().unwrap_or(&[]))
    }
}

impl Validator for OneOf {
    /// Strings, as long as there is something to choose from.
    fn applies_to(&self, ty: &Type) -> bool {
        *ty == Type::String && !self.0.is_empty()
    }

    /// The allowed values as code; the empty string as `""`, which Markdown cannot show
    /// as an empty code span.
    fn allowed(&self) -> String {
        let quoted: Vec<String> = self
            .0
            .iter()
            .map(|s| match *s {
                "" => "`\"\"`".to_string(),
                s => format!("`{s}`"),
            })
            .collect();
        format!("one of {}", quoted.join(", "))
    }

    fn check(&self, value: &Value) -> Vec<Violation> {
        match value.as_str() {
            Some(s) if self.0.contains(&s) => Vec::new(),
            Some(s) => vec![Violation::new(format!("{s:?} is not allowed"))],
            None => Vec::new(),
        }
    }
}

/// A whole number within bounds (either end open).
pub struct IntRange {
    pub min: Option<i64>,
    pub max: Option<i64>,
}

pub fn int_at_least(min: i64) -> IntRange {
    IntRange {
        min: Some(min),
        max: None,
    }
}

pub fn int_between(min: i64, max: i64) -> IntRange {
    IntRange {
        min: Some(min),
        max: Some(max),
    }
}

impl Validator for IntRange {
    fn applies_to(&self, ty: &Type) -> bool {
        *ty == Type::Number
    }

    fn allowed(&self) -> String {
        match (self.min, self.max) {
            (Some(min), Some(max)) => format!("a whole number from {min} to {max}"),
            (Some(min), None) => format!("a whole number of at least {min}"),
            (None, Some(max)) => format!("a whole number of at most {max}"),
            (None, None) => "a whole number".to_string(),
        }
    }

    fn check(&self, value: &Value) -> Vec<Violation> {
        let Some(number) = value.as_number() else {
            return Vec::new();
        };
        let in_range = number.to_i64().is_some_and(|n| {
            self.min.is_none_or(|min| n >= min) && self.max.is_none_or(|max| n <= max)
        });
        if in_range {
            Vec::new()
        } else {
            vec![Violation::new(format!("{number} is out of range"))]
        }
    }
}

/// A string checked by a function that explains what is wrong with it.
pub struct StringRule {
    pub allowed: &'static str,
    pub rule: fn(&str) -> Result<(), String>,
}

impl Validator for StringRule {
    fn applies_to(&self, ty: &Type) -> bool {
        *ty == Type::String
    }

    fn allowed(&self) -> String {
        self.allowed.to_string()
    }

    fn check(&self, value: &Value) -> Vec<Violation> {
        match value.as_str().map(self.rule) {
            Some(Err(problem)) => vec![Violation::new(problem)],
            _ => Vec::new(),
        }
    }
}

/// Applies a validator to every known element of a list, set or map.
pub struct Each<V>(pub V);

impl<V: Validator> Validator for Each<V> {
    fn applies_to(&self, ty: &Type) -> bool {
        match ty {
            Type::List(element) | Type::Set(element) | Type::Map(element) => {
                self.0.applies_to(element)
            }
            _ => false,
        }
    }

    fn allowed(&self) -> String {
        format!("each element {}", self.0.allowed())
    }

    fn check(&self, value: &Value) -> Vec<Violation> {
        let located: Vec<(PathStep, &Value)> = match value {
            Value::List(items) | Value::Tuple(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (PathStep::ElementKeyInt(i as i64), v))
                .collect(),
            // Set elements have no stable index; Terraform expects the value itself as
            // the key, which is not worth it here: the message names the element.
            Value::Set(items) => items
                .iter()
                .map(|v| (PathStep::ElementKeyInt(-1), v))
                .collect(),
            Value::Map(items) => items
                .iter()
                .map(|(k, v)| (PathStep::ElementKeyString(k.clone()), v))
                .collect(),
            _ => Vec::new(),
        };
        let mut violations = Vec::new();
        for (step, element) in located {
            if element.is_null() || !element.is_wholly_known() {
                continue;
            }
            for mut violation in self.0.check(element) {
                if step != PathStep::ElementKeyInt(-1) {
                    violation.at.insert(0, step.clone());
                }
                violations.push(violation);
            }
        }
        violations
    }
}

/// A list, set or map with a bounded number of elements.
pub struct SizeRange {
    pub min: usize,
    pub max: Option<usize>,
}

impl Validator for SizeRange {
    fn applies_to(&self, ty: &Type) -> bool {
        matches!(
            ty,
            Type::List(_) | Type::Set(_) | Type::Map(_) | Type::Tuple(_)
        )
    }

    fn allowed(&self) -> String {
        match self.max {
            Some(max) => format!("between {} and {max} elements", self.min),
            None => format!("at least {} element(s)", self.min),
        }
    }

    fn check(&self, value: &Value) -> Vec<Violation> {
        let len = match value {
            Value::List(items) | Value::Set(items) | Value::Tuple(items) => items.len(),
            Value::Map(items) => items.len(),
            _ => return Vec::new(),
        };
        if len < self.min || self.max.is_some_and(|max| len > max) {
            vec![Violation::new(format!("{len} element(s) given"))]
        } else {
            Vec::new()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_of_names_the_bad_value() {
        let v = OneOf(&["old", "new"]);
        assert!(v.check(&Value::string("old")).is_empty());
        let bad = v.check(&Value::string("oldest"));
        assert_eq!(bad[0].problem, "\"oldest\" is not allowed");
        assert_eq!(v.allowed(), "one of `old`, `new`");
    }

    #[test]
    fn one_of_shows_the_empty_string_as_quotes() {
        let v = OneOf(&["default", "async", ""]);
        assert_eq!(v.allowed(), "one of `default`, `async`, `\"\"`");
        assert!(v.check(&Value::string("")).is_empty());
    }

    #[test]
    fn int_range_rejects_fractions_and_out_of_range() {
        let v = int_between(1, 5);
        assert!(v.check(&Value::from(3)).is_empty());
        assert_eq!(v.check(&Value::from(6)).len(), 1);
        let half = Value::Number("2.5".parse().unwrap());
        assert_eq!(v.check(&half).len(), 1);
    }

    #[test]
    fn validators_name_the_types_they_judge() {
        assert!(OneOf(&["a"]).applies_to(&Type::String));
        assert!(!OneOf(&["a"]).applies_to(&Type::Number));
        assert!(int_between(1, 2).applies_to(&Type::Number));
        assert!(!int_between(1, 2).applies_to(&Type::String));
        assert!(Each(OneOf(&["a"])).applies_to(&Type::list(Type::String)));
        assert!(!Each(OneOf(&["a"])).applies_to(&Type::list(Type::Number)));
        assert!(!Each(OneOf(&["a"])).applies_to(&Type::String));
    }

    #[test]
    fn one_of_an_enum_lists_its_serde_names() {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[allow(dead_code)]
        enum Ack {
            None,
            FlowControl,
        }
        assert_eq!(OneOf::variants_of::<Ack>().0, &["none", "flow_control"]);
        assert!(!OneOf::variants_of::<String>().applies_to(&Type::String));
    }

    #[test]
    fn each_locates_list_elements() {
        let v = Each(OneOf(&["a"]));
        let list = Value::List(vec![Value::string("a"), Value::string("b")]);
        let bad = v.check(&list);
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].at, vec![PathStep::ElementKeyInt(1)]);
    }
}
