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
use super::typed::{self, TypedError};
use super::validate::refused_at;
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
/// the model cannot hold yet (an unknown value) is judged once it is known (Terraform
/// validates again with the final values before applying); one whose value the
/// attribute's validators refuse is judged by them alone.
pub(crate) fn run_rules<M: DeserializeOwned>(
    rules: &[Rule<M>],
    schema: &Schema,
    type_name: &str,
    config: &Value,
) -> Diagnostics {
    if rules.is_empty() {
        return Diagnostics::new();
    }
    match read_model(schema, config, &with_defaults(schema, config)) {
        Ok(Some(model)) => rules.iter().flat_map(|rule| rule.run(&model)).collect(),
        Ok(None) => Diagnostics::new(),
        Err(error) => Diagnostic::error(
            format!("Provider bug in {type_name}"),
            format!(
                "Cannot read the configuration of {type_name} as its model: {error}. Please report this to the natsforge maintainers."
            ),
        )
        .into(),
    }
}

/// `value` (the configuration or a plan made from it) read as `M`. `Ok(None)` when
/// the model cannot hold it for a reason the user is told of elsewhere or that passes:
/// a value not known yet, or a value of `config` the schema's validators refuse.
/// `Err` is a model that does not fit its schema: a provider bug.
pub(crate) fn read_model<M: DeserializeOwned>(
    schema: &Schema,
    config: &Value,
    value: &Value,
) -> Result<Option<M>, TypedError> {
    match typed::from_value::<M>(value) {
        Ok(model) => Ok(Some(model)),
        Err(error) if error.unknown => {
            tracing::debug!(%error, "The model is read once the value is known");
            Ok(None)
        }
        Err(error)
            if error
                .path
                .as_ref()
                .is_some_and(|path| refused_at(&schema.block, config, path)) =>
        {
            tracing::debug!(%error, "The value is refused by its validators");
            Ok(None)
        }
        Err(error) => Err(error),
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
    fn a_configuration_the_model_cannot_hold_yet_is_judged_later() {
        #[derive(Deserialize)]
        struct Plain {
            #[allow(dead_code)]
            discard: String,
        }
        const NOTHING: Rule<Plain> = Rule::new("nothing", |_, _| {});
        let found = run_rules(
            &[NOTHING],
            &schema(),
            "t",
            &config(Value::Unknown, Value::Null),
        );
        assert!(found.is_empty(), "{:?}", found.into_vec());
    }

    #[test]
    fn a_value_its_validators_refuse_is_reported_by_them_alone() {
        #[derive(Deserialize)]
        #[serde(rename_all = "snake_case")]
        enum Discard {
            Old,
            New,
        }
        #[derive(Deserialize)]
        struct Typed {
            #[allow(dead_code)]
            discard: Discard,
        }
        const NOTHING: Rule<Typed> = Rule::new("nothing", |_, _| {});
        let schema = Schema::new("t")
            .attribute(Attribute::enumeration::<Discard>("discard").default("old"))
            .attribute(Attribute::bool("per_subject").optional());
        let refused = config(Value::string("forever"), Value::Null);
        assert!(run_rules(&[NOTHING], &schema, "t", &refused).is_empty());
        // Without a validator to say so, the same mismatch is the provider's bug.
        let unjudged = Schema::new("t")
            .attribute(Attribute::string("discard").default("old"))
            .attribute(Attribute::bool("per_subject").optional());
        let found = run_rules(&[NOTHING], &unjudged, "t", &refused);
        let errors: Vec<_> = found.iter().map(|d| d.summary.clone()).collect();
        assert_eq!(errors, vec!["Provider bug in t".to_string()]);
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
