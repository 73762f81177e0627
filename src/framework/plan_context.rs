//! What `modify_plan` works with: the configuration, prior state and planned state of
//! one resource, read as its model, and planned values written back by the model or by
//! attribute name. Every name is checked against the schema: a misspelt attribute is an
//! error diagnostic naming it and the resource, never a silent no-op.

use super::diagnostics::{Diagnostic, Diagnostics};
use super::lookup::{self, Target};
use super::plan::{with_defaults, PlannedChange};
use super::rules::read_model;
use super::schema::Schema;
use super::typed::{self, TypedError};
use super::value::{AttributePath, Type, Value};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The plan as a resource may refine it: it can see the configuration and prior state,
/// set planned values it already knows, and ask for replacement.
pub struct PlanContext<'a> {
    /// The configuration as Terraform sent it. New code reads [`PlanContext::read_config`].
    pub config: &'a Value,
    /// Null when the object is being created. New code reads [`PlanContext::read_prior`].
    pub prior: &'a Value,
    pub change: &'a mut PlannedChange,
    pub diagnostics: &'a mut Diagnostics,
    schema: &'a Schema,
    ty: &'a Type,
    type_name: &'a str,
    /// Where the resource planned values itself, which the framework leaves alone.
    written: Vec<AttributePath>,
}

impl<'a> PlanContext<'a> {
    pub(crate) fn new(
        type_name: &'a str,
        schema: &'a Schema,
        ty: &'a Type,
        values: (&'a Value, &'a Value),
        change: &'a mut PlannedChange,
        diagnostics: &'a mut Diagnostics,
    ) -> Self {
        let (config, prior) = values;
        PlanContext {
            config,
            prior,
            change,
            diagnostics,
            schema,
            ty,
            type_name,
            written: Vec::new(),
        }
    }

    /// The paths the resource planned values at.
    pub(crate) fn written(&self) -> &[AttributePath] {
        &self.written
    }

    pub fn is_create(&self) -> bool {
        self.prior.is_null()
    }

    /// The object is being destroyed: nothing is planned, the prior state says what goes.
    pub fn is_destroy(&self) -> bool {
        self.change.planned.is_null()
    }

    pub fn planned(&self) -> &Value {
        &self.change.planned
    }

    /// The configuration as the model, with the schema's default wherever a value is
    /// left out (what the configuration means). `None` while the model cannot hold a
    /// value not known yet, or one its validators refuse (the user is told there), and
    /// after reporting a model that does not fit its schema (a provider bug).
    pub fn read_config<M: DeserializeOwned>(&mut self) -> Option<M> {
        let effective = with_defaults(self.schema, self.config);
        let read = read_model(self.schema, self.config, &effective);
        self.reported(read, "the configuration")
    }

    /// The prior state as the model; `None` when creating (or after reporting a bug).
    pub fn read_prior<M: DeserializeOwned>(&mut self) -> Option<M> {
        if self.prior.is_null() {
            return None;
        }
        let read = typed::from_value(self.prior).map(Some);
        self.reported(read, "the prior state")
    }

    /// The planned state as the model; `None` when destroying, while the model cannot
    /// hold a value not known yet (or one the validators refuse), and after reporting a
    /// bug.
    pub fn read_planned<M: DeserializeOwned>(&mut self) -> Option<M> {
        if self.is_destroy() {
            return None;
        }
        let read = read_model(self.schema, self.config, &self.change.planned);
        self.reported(read, "the planned state")
    }

    /// Changes the planned state through the model: `change` edits it, and exactly the
    /// values it changed are written back (an unknown value the model reads as `None`
    /// stays unknown unless `change` sets it).
    pub fn update_planned<M: Serialize + DeserializeOwned>(&mut self, change: impl FnOnce(&mut M)) {
        if self.is_destroy() {
            return self.provider_bug("updates a destroy plan, which plans nothing".into());
        }
        let Some(mut model) = self.read_planned::<M>() else {
            return;
        };
        let before = typed::to_value(&model, self.ty);
        change(&mut model);
        let after = typed::to_value(&model, self.ty);
        match (before, after) {
            (Ok(before), Ok(after)) => {
                let mut planned = std::mem::replace(&mut self.change.planned, Value::Null);
                self.merge(&mut planned, &before, &after, &AttributePath::root());
                self.change.planned = planned;
            }
            (Err(error), _) | (_, Err(error)) => {
                self.provider_bug(format!("cannot write the planned state: {error}"));
            }
        }
    }

    /// The planned state as the model, without reporting (legacy; prefer `read_planned`).
    pub fn planned_model<M: DeserializeOwned>(&self) -> Result<M, TypedError> {
        typed::from_value(&self.change.planned)
    }

    /// The prior state as the model, without reporting (legacy; prefer `read_prior`).
    pub fn prior_model<M: DeserializeOwned>(&self) -> Result<Option<M>, TypedError> {
        if self.prior.is_null() {
            Ok(None)
        } else {
            typed::from_value(self.prior).map(Some)
        }
    }

    /// Sets a top-level planned attribute (e.g. a value derivable before apply).
    pub fn set(&mut self, attribute: &str, value: Value) {
        if self.is_destroy() {
            let detail = format!("sets `{attribute}` in a destroy plan, which plans nothing");
            return self.provider_bug(detail);
        }
        let path = AttributePath::attr(attribute);
        let mut planned = std::mem::replace(&mut self.change.planned, Value::Null);
        let before = planned.attr(attribute).cloned().unwrap_or(Value::Null);
        if self.plannable(&path, &before, &value) {
            if let Some(slot) = planned.attr_mut(attribute) {
                *slot = value;
                self.written.push(path);
            }
        }
        self.change.planned = planned;
    }

    /// Asks Terraform to replace the object because of the change at `path`.
    pub fn require_replace(&mut self, path: AttributePath) {
        if lookup::find(&self.schema.block, &path).is_none() {
            let detail =
                format!("requires replacement because of `{path}`, which its schema does not have");
            return self.provider_bug(detail);
        }
        if !self.change.requires_replace.contains(&path) {
            self.change.requires_replace.push(path);
        }
    }

    fn reported<T>(&mut self, read: Result<Option<T>, TypedError>, what: &str) -> Option<T> {
        read.unwrap_or_else(|error| {
            self.provider_bug(format!("cannot read {what} as its model: {error}"));
            None
        })
    }

    fn provider_bug(&mut self, detail: String) {
        self.diagnostics.push(Diagnostic::error(
            format!("Provider bug in {}", self.type_name),
            format!(
                "While planning, {} {detail}. Please report this to the natsforge maintainers.",
                self.type_name
            ),
        ));
    }

    /// Whether a resource may plan `value` at `path`: the path must be in the schema,
    /// and only computed attributes may differ from the configuration (Terraform
    /// refuses any other planned value).
    fn plannable(&mut self, path: &AttributePath, before: &Value, value: &Value) -> bool {
        let computed = match lookup::find(&self.schema.block, path) {
            None => {
                self.provider_bug(format!("sets `{path}`, which its schema does not have"));
                return false;
            }
            Some(Target::Attribute(attribute)) => attribute.computed,
            Some(Target::Block(_) | Target::Object) => false,
        };
        let configured = self.config.get_path(path).unwrap_or(&Value::Null);
        if !computed && !value.eq_semantic(configured) && !value.eq_semantic(before) {
            self.provider_bug(format!(
                "plans `{path}` differently from the configuration, but it is not computed"
            ));
            return false;
        }
        true
    }

    /// Writes into `target` what changed from `before` to `after`, as deep as both
    /// still have the same shape.
    fn merge(&mut self, target: &mut Value, before: &Value, after: &Value, path: &AttributePath) {
        if before == after {
            return;
        }
        match (target, before, after) {
            (Value::Object(slots), Value::Object(old), Value::Object(new)) => {
                for (name, value) in new {
                    let old_value = old.get(name).unwrap_or(&Value::Null);
                    if let Some(slot) = slots.get_mut(name) {
                        self.merge(slot, old_value, value, &path.child(name));
                    }
                }
            }
            (
                Value::List(slots) | Value::Set(slots),
                Value::List(old) | Value::Set(old),
                Value::List(new) | Value::Set(new),
            ) if slots.len() == old.len() && old.len() == new.len() => {
                for (index, slot) in slots.iter_mut().enumerate() {
                    self.merge(slot, &old[index], &new[index], &path.index(index));
                }
            }
            (target, _, _) => {
                if self.plannable(path, target, after) {
                    *target = after.clone();
                    self.written.push(path.clone());
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "plan_context_tests.rs"]
mod tests;
