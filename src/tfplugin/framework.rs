//! What a provider author implements: a provider, its resources and data sources, each
//! with a schema and CRUD on typed models. The protocol server sees them only through
//! the value-level `Dyn*` traits below, which the typed adapters provide.

use super::diagnostics::Diagnostics;
use super::plan::PlannedChange;
use super::schema::Schema;
use super::typed;
use super::value::{AttributePath, Type, Value};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;

/// A failed apply step. `state` says what exists now when it differs from "as before":
/// a create that made the object and then failed returns it, so it is not forgotten.
pub struct Failed<M> {
    pub diagnostics: Diagnostics,
    pub state: Option<M>,
}

impl<M> From<Diagnostics> for Failed<M> {
    fn from(diagnostics: Diagnostics) -> Self {
        Failed {
            diagnostics,
            state: None,
        }
    }
}

impl<M> From<super::diagnostics::Diagnostic> for Failed<M> {
    fn from(diagnostic: super::diagnostics::Diagnostic) -> Self {
        Failed::from(Diagnostics::from(diagnostic))
    }
}

/// The plan as a resource may refine it: it can see the configuration and prior state,
/// set planned values it already knows, and ask for replacement with a reason.
pub struct PlanContext<'a> {
    pub config: &'a Value,
    /// Null when the object is being created.
    pub prior: &'a Value,
    pub change: &'a mut PlannedChange,
    pub diagnostics: &'a mut Diagnostics,
}

impl PlanContext<'_> {
    pub fn is_create(&self) -> bool {
        self.prior.is_null()
    }

    pub fn planned(&self) -> &Value {
        &self.change.planned
    }

    /// Sets a top-level planned attribute (e.g. a value derivable before apply).
    pub fn set(&mut self, attribute: &str, value: Value) {
        if let Some(slot) = self.change.planned.attr_mut(attribute) {
            *slot = value;
        }
    }

    pub fn require_replace(&mut self, path: AttributePath) {
        if !self.change.requires_replace.contains(&path) {
            self.change.requires_replace.push(path);
        }
    }

    /// The planned values read as a model (unknown values read as `None`).
    pub fn planned_model<M: DeserializeOwned>(&self) -> Result<M, typed::TypedError> {
        typed::from_value(&self.change.planned)
    }

    pub fn prior_model<M: DeserializeOwned>(&self) -> Result<Option<M>, typed::TypedError> {
        if self.prior.is_null() {
            Ok(None)
        } else {
            typed::from_value(self.prior).map(Some)
        }
    }
}

/// A managed resource written against typed models.
pub trait Resource: Send + Sync + 'static {
    /// What the configured provider hands to its resources (connections and defaults).
    type Client: Send + Sync + 'static;
    /// The resource's attributes as a serde struct named like the schema.
    type Model: Serialize + DeserializeOwned + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    /// Checks that span several attributes. `config` may hold unknown values.
    fn validate(&self, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Refines the framework's plan, e.g. with values known before apply.
    fn modify_plan(
        &self,
        _client: &Self::Client,
        _plan: &mut PlanContext<'_>,
    ) -> impl Future<Output = ()> + Send {
        async {}
    }

    fn create(
        &self,
        client: &Self::Client,
        planned: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Failed<Self::Model>>> + Send;

    /// `Ok(None)` when the object no longer exists.
    fn read(
        &self,
        client: &Self::Client,
        current: Self::Model,
    ) -> impl Future<Output = Result<Option<Self::Model>, Diagnostics>> + Send;

    fn update(
        &self,
        client: &Self::Client,
        prior: Self::Model,
        planned: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Failed<Self::Model>>> + Send;

    fn delete(
        &self,
        client: &Self::Client,
        prior: Self::Model,
    ) -> impl Future<Output = Result<(), Diagnostics>> + Send;

    /// A stub state from an import ID; Terraform reads the object right after.
    fn import(
        &self,
        _client: &Self::Client,
        id: &str,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send {
        let type_name = self.type_name();
        let id = id.to_string();
        async move {
            let mut diagnostics = Diagnostics::new();
            diagnostics.error(
                "Import not supported",
                format!("{type_name} cannot be imported (ID {id:?})"),
            );
            Err(diagnostics)
        }
    }
}

/// A data source written against a typed model.
pub trait DataSource: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    type Model: Serialize + DeserializeOwned + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diagnostics: &mut Diagnostics) {}

    fn read(
        &self,
        client: &Self::Client,
        config: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send;
}

/// The provider itself: its own schema, how it configures, what it offers.
pub trait Provider: Send + Sync + 'static {
    type Client: Send + Sync + 'static;

    /// The registry address, e.g. `registry.terraform.io/acme/thing`, for logs.
    fn address(&self) -> &'static str;

    fn schema(&self) -> Schema;

    fn validate(&self, _config: &Value, _diagnostics: &mut Diagnostics) {}

    /// Builds the client from the provider block. The configuration may hold unknown
    /// values while planning: configure must not fail for that reason alone.
    fn configure(
        &self,
        config: &Value,
    ) -> impl Future<Output = Result<Self::Client, Diagnostics>> + Send;

    fn resources(&self) -> Vec<Arc<dyn DynResource<Self::Client>>>;
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<Self::Client>>>;
}

/// Outcome of an apply step at the value level.
pub struct ValueOutcome {
    /// The object as it exists afterwards (null when it does not exist).
    pub state: Value,
    pub diagnostics: Diagnostics,
}

/// A resource as the protocol server sees it: values in, values out.
pub trait DynResource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics);
    fn modify_plan<'a>(&'a self, client: &'a C, plan: &'a mut PlanContext<'_>)
        -> BoxFuture<'a, ()>;
    fn create<'a>(&'a self, client: &'a C, planned: &'a Value) -> BoxFuture<'a, ValueOutcome>;
    fn read<'a>(&'a self, client: &'a C, current: &'a Value) -> BoxFuture<'a, ValueOutcome>;
    fn update<'a>(
        &'a self,
        client: &'a C,
        prior: &'a Value,
        planned: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome>;
    fn delete<'a>(&'a self, client: &'a C, prior: &'a Value) -> BoxFuture<'a, ValueOutcome>;
    fn import<'a>(&'a self, client: &'a C, id: &'a str) -> BoxFuture<'a, ValueOutcome>;
}

/// A data source as the protocol server sees it.
pub trait DynDataSource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics);
    fn read<'a>(&'a self, client: &'a C, config: &'a Value) -> BoxFuture<'a, ValueOutcome>;
}

/// Wraps a typed resource or data source, caching its schema and value type.
pub struct Typed<R> {
    inner: R,
    schema: Schema,
    ty: Type,
}

impl<R> Typed<R> {
    fn wrap(inner: R, schema: Schema) -> Self {
        let ty = schema.value_type();
        Typed { inner, schema, ty }
    }
}

pub fn resource<R: Resource>(resource: R) -> Arc<dyn DynResource<R::Client>> {
    let schema = resource.schema();
    Arc::new(Typed::wrap(resource, schema))
}

pub fn data_source<D: DataSource>(data_source: D) -> Arc<dyn DynDataSource<D::Client>> {
    let schema = data_source.schema();
    Arc::new(Typed::wrap(data_source, schema))
}

fn model_error(context: &str, error: typed::TypedError) -> Diagnostics {
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

    fn write_model<M: Serialize>(&self, model: &M) -> Result<Value, Diagnostics> {
        typed::to_value(model, &self.ty).map_err(|e| model_error("writing", e))
    }

    /// Turns a typed apply result into what exists now; `before` is what existed
    /// before the step, reported when a failure changed nothing.
    fn outcome<M: Serialize>(&self, result: Result<M, Failed<M>>, before: &Value) -> ValueOutcome {
        match result {
            Ok(model) => self.outcome_of(self.write_model(&model), Value::Null),
            Err(failed) => {
                let state = match failed.state.map(|m| self.write_model(&m)) {
                    Some(Ok(value)) => value,
                    _ => before.clone(),
                };
                ValueOutcome {
                    state,
                    diagnostics: failed.diagnostics,
                }
            }
        }
    }

    fn outcome_of(&self, result: Result<Value, Diagnostics>, fallback: Value) -> ValueOutcome {
        match result {
            Ok(state) => ValueOutcome {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(diagnostics) => ValueOutcome {
                state: fallback,
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

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        self.inner.validate(config, diagnostics);
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
                Ok(model) => self.outcome(self.inner.create(client, model).await, &Value::Null),
                Err(diagnostics) => self.outcome_of(Err(diagnostics), Value::Null),
            }
        })
    }

    fn read<'a>(
        &'a self,
        client: &'a R::Client,
        current: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.read_model(current) {
                Ok(model) => self.inner.read(client, model).await,
                Err(diagnostics) => Err(diagnostics),
            };
            match result {
                Ok(Some(model)) => self.outcome_of(self.write_model(&model), current.clone()),
                Ok(None) => self.outcome_of(Ok(Value::Null), Value::Null),
                // A failed read must not drop the object from state.
                Err(diagnostics) => self.outcome_of(Err(diagnostics), current.clone()),
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
                .read_model(prior)
                .and_then(|p| Ok((p, self.read_model(planned)?)));
            match models {
                Ok((p, n)) => self.outcome(self.inner.update(client, p, n).await, prior),
                Err(diagnostics) => self.outcome_of(Err(diagnostics), prior.clone()),
            }
        })
    }

    fn delete<'a>(
        &'a self,
        client: &'a R::Client,
        prior: &'a Value,
    ) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.read_model(prior) {
                Ok(model) => self.inner.delete(client, model).await,
                Err(diagnostics) => Err(diagnostics),
            };
            // A failed delete leaves the object in state: it still exists.
            self.outcome_of(result.map(|()| Value::Null), prior.clone())
        })
    }

    fn import<'a>(&'a self, client: &'a R::Client, id: &'a str) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match self.inner.import(client, id).await {
                Ok(model) => self.write_model(&model),
                Err(diagnostics) => Err(diagnostics),
            };
            self.outcome_of(result, Value::Null)
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

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        self.inner.validate(config, diagnostics);
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
            self.outcome_of(result, Value::Null)
        })
    }
}
