//! Adapters from the typed traits to the value-level ones the server calls.

use super::{
    DataSource, DynDataSource, DynResource, Failed, Listed, MoveSource, PlanContext, Resource,
    ValueOutcome,
};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::plan::with_defaults;
use crate::framework::rules::run_rules;
use crate::framework::schema::{IdentitySchema, Schema};
use crate::framework::typed;
use crate::framework::value::{Type, Value};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::sync::Arc;

/// Wraps a typed resource or data source, caching its schema and value type.
struct Typed<R> {
    inner: R,
    schema: Schema,
    ty: Type,
    identity: Option<IdentitySchema>,
    list_schema: Option<Schema>,
}

impl<R> Typed<R> {
    fn wrap(inner: R, schema: Schema) -> Self {
        let ty = schema.value_type();
        Typed {
            inner,
            schema,
            ty,
            identity: None,
            list_schema: None,
        }
    }
}

pub fn resource<R: Resource>(resource: R) -> Arc<dyn DynResource<R::Client>> {
    let schema = resource.schema();
    let identity = resource.identity();
    let list_schema = resource.list_schema();
    Arc::new(Typed {
        identity,
        list_schema,
        ..Typed::wrap(resource, schema)
    })
}

pub fn data_source<D: DataSource>(data_source: D) -> Arc<dyn DynDataSource<D::Client>> {
    let schema = data_source.schema();
    Arc::new(Typed::wrap(data_source, schema))
}

pub(super) fn model_error(context: &str, error: typed::TypedError) -> Diagnostics {
    let mut diagnostics = Diagnostics::new();
    diagnostics.error(
        "Provider bug: value and model disagree",
        format!("{context}: {error}. Please report this to the natsforge maintainers."),
    );
    diagnostics
}

impl<R> Typed<R> {
    fn read_model<M: DeserializeOwned>(&self, value: &Value) -> Result<M, Diagnostics> {
        typed::from_value(value).map_err(|e| model_error("reading", e))
    }

    /// A stored state as the model, with the schema's defaults where it has none (an
    /// import stub, state from an older schema): models never restate defaults.
    fn read_state<M: DeserializeOwned>(&self, value: &Value) -> Result<M, Diagnostics> {
        self.read_model(&with_defaults(&self.schema, value))
    }

    fn write_model<M: Serialize>(&self, model: &M) -> Result<Value, Diagnostics> {
        typed::to_value(model, &self.ty).map_err(|e| model_error("writing", e))
    }

    /// Turns a typed create/update result into what exists now. `before` is what
    /// existed before the step (reported when a failure changed nothing) and
    /// `attempted` what the step was asked to make: when the resource made or changed
    /// the object but its model cannot be written back (a provider bug), the object is
    /// recorded as attempted, never forgotten.
    fn outcome<M: Serialize>(
        &self,
        result: Result<M, Failed<M>>,
        before: &Value,
        attempted: &Value,
    ) -> ValueOutcome {
        let (made, mut diagnostics) = match result {
            Ok(model) => (model, Diagnostics::new()),
            Err(Failed {
                state: Some(model),
                diagnostics,
            }) => (model, diagnostics),
            Err(Failed {
                state: None,
                diagnostics,
            }) => {
                return ValueOutcome {
                    state: before.clone(),
                    diagnostics,
                }
            }
        };
        let state = match self.write_model(&made) {
            Ok(state) => state,
            Err(unwritable) => {
                diagnostics.extend(unwritable);
                let mut recorded = attempted.clone();
                recorded.unknowns_to_null();
                recorded
            }
        };
        ValueOutcome { state, diagnostics }
    }

    /// `fallback` is what is kept on an error; worked out only then (a read would
    /// otherwise copy the whole current state for nothing).
    fn outcome_of(
        &self,
        result: Result<Value, Diagnostics>,
        fallback: impl FnOnce() -> Value,
    ) -> ValueOutcome {
        match result {
            Ok(state) => ValueOutcome {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ValueOutcome {
                state: fallback(),
                diagnostics,
            },
        }
    }
}

impl<R: Resource> DynResource<R::Client> for Typed<R> {
    fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn value_type(&self) -> &Type {
        &self.ty
    }

    #[cfg(test)]
    fn consistency_problems(&self) -> Vec<String> {
        use crate::framework::consistency::*;
        let mut problems = schema_problems(&self.schema);
        problems.extend(model_problems::<R::Model>(&self.schema, Reads::Everything));
        if let Some(list) = &self.list_schema {
            let list_problems = schema_problems(list).into_iter();
            problems.extend(list_problems.map(|p| format!("list configuration: {p}")));
        }
        if let Some(identity) = &self.identity {
            problems.extend(identity_problems(identity, &self.schema));
        }
        problems
    }

    fn identity(&self) -> Option<&IdentitySchema> {
        self.identity.as_ref()
    }

    fn list_schema(&self) -> Option<&Schema> {
        self.list_schema.as_ref()
    }

    fn move_state(&self, source: &MoveSource) -> Option<ValueOutcome> {
        let moved = self.inner.move_state(source)?;
        Some(self.outcome_of(moved.and_then(|m| self.write_model(&m)), || Value::Null))
    }

    fn list<'a>(
        &'a self,
        client: &'a R::Client,
        config: &'a Value,
    ) -> BoxFuture<'a, Result<Vec<Listed<Value>>, Diagnostics>> {
        Box::pin(async move {
            self.inner
                .list(client, config)
                .await?
                .into_iter()
                .map(|listed| {
                    Ok(Listed {
                        display_name: listed.display_name,
                        state: self.write_model(&listed.state)?,
                    })
                })
                .collect()
        })
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        self.inner.validate(config, diagnostics);
        let rules = self.inner.rules();
        diagnostics.extend(run_rules(
            rules,
            &self.schema,
            self.inner.type_name(),
            config,
        ));
    }

    fn modify_plan<'a>(
        &'a self,
        client: &'a R::Client,
        plan: &'a mut PlanContext<'_>,
    ) -> BoxFuture<'a, ()> {
        Box::pin(self.inner.modify_plan(client, plan))
    }

    fn create<'a>(
        &'a self,
        client: &'a R::Client,
        planned: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            match self.read_model(planned) {
                Ok(model) => {
                    let made = self.inner.create(client, model).await;
                    self.outcome(made, &Value::Null, planned)
                }
                Err(diagnostics) => self.outcome_of(Err(diagnostics), || Value::Null),
            }
        })
    }

    fn read<'a>(
        &'a self,
        client: &'a R::Client,
        current: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.read_state(current) {
                Ok(model) => self.inner.read(client, model).await,
                Err(diagnostics) => Err(diagnostics),
            };
            match result {
                Ok(Some(model)) => self.outcome_of(self.write_model(&model), || current.clone()),
                Ok(None) => self.outcome_of(Ok(Value::Null), || Value::Null),
                // A failed read must not drop the object from state.
                Err(diagnostics) => self.outcome_of(Err(diagnostics), || current.clone()),
            }
        })
    }

    fn update<'a>(
        &'a self,
        client: &'a R::Client,
        prior: &'a Value,
        planned: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let models = self
                .read_state(prior)
                .and_then(|p| Ok((p, self.read_model(planned)?)));
            match models {
                Ok((p, n)) => {
                    let updated = self.inner.update(client, p, n).await;
                    self.outcome(updated, prior, planned)
                }
                Err(diagnostics) => self.outcome_of(Err(diagnostics), || prior.clone()),
            }
        })
    }

    fn delete<'a>(
        &'a self,
        client: &'a R::Client,
        prior: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.read_state(prior) {
                Ok(model) => self.inner.delete(client, model).await,
                Err(diagnostics) => Err(diagnostics),
            };
            // A failed delete leaves the object in state: it still exists.
            self.outcome_of(result.map(|()| Value::Null), || prior.clone())
        })
    }

    fn import<'a>(&'a self, client: &'a R::Client, id: &'a str) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.inner.import(client, id).await {
                Ok(model) => self.write_model(&model),
                Err(diagnostics) => Err(diagnostics),
            };
            self.outcome_of(result, || Value::Null)
        })
    }
}

impl<D: DataSource> DynDataSource<D::Client> for Typed<D> {
    fn type_name(&self) -> &'static str {
        self.inner.type_name()
    }

    fn schema(&self) -> &Schema {
        &self.schema
    }

    fn value_type(&self) -> &Type {
        &self.ty
    }

    #[cfg(test)]
    fn consistency_problems(&self) -> Vec<String> {
        use crate::framework::consistency::{model_problems, schema_problems, Reads};
        let mut problems = schema_problems(&self.schema);
        problems.extend(model_problems::<D::Model>(&self.schema, Reads::Arguments));
        problems
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        self.inner.validate(config, diagnostics);
        let rules = self.inner.rules();
        diagnostics.extend(run_rules(
            rules,
            &self.schema,
            self.inner.type_name(),
            config,
        ));
    }

    fn read<'a>(&'a self, client: &'a D::Client, config: &'a Value) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.read_model(config) {
                Ok(model) => match self.inner.read(client, model).await {
                    Ok(state) => self.write_model(&state),
                    Err(diagnostics) => Err(diagnostics),
                },
                Err(diagnostics) => Err(diagnostics),
            };
            self.outcome_of(result, || Value::Null)
        })
    }
}
