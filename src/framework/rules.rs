//! Validation rules as named values: each a small function over the configuration read
//! as the resource's model (with the schema's defaults where a value is left out), so
//! it can be unit-tested on its own, with unknown values too (`Field::Unknown`).
//!
//! ```ignore
//! pub const SEALED_NEEDS_DENY_DELETE: Rule<StreamModel> =
//!     Rule::new("a sealed stream denies deletes", |stream, out| {
//!         if stream.sealed.is_known_and(|s| *s) && stream.deny_delete.is_known_and(|d| !*d) {
//!             out.attribute_error(&AttributePath::attr("deny_delete"), "...", "...");
//!         }
//!     });
//! ```
//! A rule judges only what is known: an unknown value is checked again once it is.

use super::diagnostics::{Diagnostic, Diagnostics};
use super::plan::with_defaults;
use super::schema::Schema;
use super::typed;
use super::value::Value;
use serde::de::DeserializeOwned;

/// One check spanning attributes of a configuration of model `M`.
pub struct Rule<M: 'static> {
    /// What the rule ensures, for tests and logs.
    pub name: &'static str,
    check: fn(&M, &mut Diagnostics),
}

impl<M> Rule<M> {
    pub const fn new(name: &'static str, check: fn(&M, &mut Diagnostics)) -> Self {
        Rule { name, check }
    }

    /// The diagnostics this rule reports for `config`.
    pub fn run(&self, config: &M) -> Diagnostics {
        let mut diagnostics = Diagnostics::new();
        (self.check)(config, &mut diagnostics);
        diagnostics
    }
}

/// Runs `rules` over `config` read as `M` with the schema's defaults. A configuration
/// whose model cannot hold one of its unknown values is judged once it is known
/// (Terraform validates again with the final values before applying).
pub(crate) fn run_rules<M: DeserializeOwned>(
    rules: &[Rule<M>],
    schema: &Schema,
    type_name: &str,
    config: &Value,
) -> Diagnostics {
    if rules.is_empty() {
        return Diagnostics::new();
    }
    match typed::from_value::<M>(&with_defaults(schema, config)) {
        Ok(model) => rules.iter().flat_map(|rule| rule.run(&model)).collect(),
        Err(error) if error.unknown => {
            tracing::debug!(%error, "Configuration rules wait until the value is known");
            Diagnostics::new()
        }
        Err(error) => Diagnostic::error(
            format!("Provider bug in {type_name}"),
            format!(
                "Cannot read the configuration of {type_name} as its model: {error}. Please report this to the natsforge maintainers."
            ),
        )
        .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::Attribute;
    use crate::framework::typed::Field;
    use crate::framework::value::AttributePath;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize)]
    struct Model {
        discard: Field<String>,
        per_subject: Field<bool>,
    }

    const NEW_PER_SUBJECT: Rule<Model> =
        Rule::new("per-subject discard needs discard new", |m, out| {
            if m.per_subject.is_known_and(|on| *on) && m.discard.is_known_and(|d| d != "new") {
                out.attribute_error(&AttributePath::attr("per_subject"), "needs discard new", "");
            }
        });

    fn schema() -> Schema {
        Schema::new("t")
            .attribute(Attribute::string("discard").default("old"))
            .attribute(Attribute::bool("per_subject").optional())
    }

    fn config(discard: Value, per_subject: Value) -> Value {
        Value::Object(BTreeMap::from([
            ("discard".to_string(), discard),
            ("per_subject".to_string(), per_subject),
        ]))
    }

    #[test]
    fn rules_see_the_schema_default_where_a_value_is_left_out() {
        let found = run_rules(
            &[NEW_PER_SUBJECT],
            &schema(),
            "t",
            &config(Value::Null, Value::Bool(true)),
        );
        assert_eq!(found.iter().count(), 1);
        let fine = run_rules(
            &[NEW_PER_SUBJECT],
            &schema(),
            "t",
            &config(Value::string("new"), Value::Bool(true)),
        );
        assert!(fine.is_empty());
    }

    #[test]
    fn a_rule_waits_for_unknown_values() {
        let unknown = Model {
            discard: Field::Unknown,
            per_subject: Field::Known(true),
        };
        assert!(NEW_PER_SUBJECT.run(&unknown).is_empty());
    }

    #[test]
    fn a_model_that_cannot_read_the_configuration_is_a_provider_bug() {
        #[derive(Deserialize)]
        struct Wrong {
            #[allow(dead_code)]
            discard: bool,
        }
        const NOTHING: Rule<Wrong> = Rule::new("nothing", |_, _| {});
        let found = run_rules(
            &[NOTHING],
            &schema(),
            "t",
            &config(Value::Null, Value::Null),
        );
        let errors: Vec<_> = found.iter().map(|d| d.summary.clone()).collect();
        assert_eq!(errors, vec!["Provider bug in t".to_string()]);
    }
}
