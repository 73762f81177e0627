//! What a provider author implements: a provider, its resources and data sources, each
//! with a schema and CRUD on typed models. The protocol server sees them only through
//! the value-level `Dyn*` traits below, which the typed adapters provide.

use super::diagnostics::Diagnostics;
use super::function::{DynEphemeralResource, Function};
use super::plan_context::PlanContext;
use super::rules::Rule;
use super::schema::{IdentitySchema, Schema};
use super::value::{Type, Value};
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

/// A managed resource written against typed models.
pub trait Resource: Send + Sync + 'static {
    /// What the configured provider hands to its resources (connections and defaults).
    type Client: Send + Sync + 'static;
    /// The resource's attributes as a serde struct named like the schema (see
    /// `framework::typed`); `Default` is the empty object, e.g. for import stubs.
    type Model: Serialize + DeserializeOwned + Default + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    /// Attributes of the state that identify an object (for import by identity and
    /// `terraform query`); the framework reads them from the state.
    fn identity(&self) -> Option<IdentitySchema> {
        None
    }

    /// Checks that span several attributes, as named rules over the configuration read
    /// as the model with the schema's defaults (see `framework::rules`).
    fn rules(&self) -> &'static [Rule<Self::Model>] {
        &[]
    }

    /// Checks over the raw configuration, which may hold unknown values. Being replaced
    /// by `rules`; removed once every resource has moved.
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

    /// Takes over state written by another resource type or provider (`moved`
    /// blocks). `None` when this resource does not know the source.
    fn move_state(&self, _source: &MoveSource) -> Option<Result<Self::Model, Diagnostics>> {
        None
    }

    /// The configuration schema of this resource's list block (`terraform query`);
    /// `None` when objects of this type cannot be listed.
    fn list_schema(&self) -> Option<Schema> {
        None
    }

    /// Lists existing objects, each with a display name and its full state.
    fn list(
        &self,
        _client: &Self::Client,
        _config: &Value,
    ) -> impl Future<Output = Result<Vec<Listed<Self::Model>>, Diagnostics>> + Send {
        async { Ok(Vec::new()) }
    }
}

/// Where moved state comes from.
pub struct MoveSource {
    pub provider_address: String,
    pub type_name: String,
    pub schema_version: i64,
    /// The source's raw state as JSON.
    pub state: serde_json::Value,
}

/// One object found by a list request.
pub struct Listed<M> {
    pub display_name: String,
    pub state: M,
}

/// A data source written against a typed model.
pub trait DataSource: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    type Model: Serialize + DeserializeOwned + Default + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    /// Checks that span several arguments (see `Resource::rules`).
    fn rules(&self) -> &'static [Rule<Self::Model>] {
        &[]
    }

    /// Checks over the raw configuration; being replaced by `rules`.
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
    /// The provider block as a model, for its validation rules.
    type Config: DeserializeOwned + Send + Sync + 'static;

    fn schema(&self) -> Schema;

    /// Checks that span several arguments of the provider block.
    fn rules(&self) -> &'static [Rule<Self::Config>] {
        &[]
    }

    /// Builds the client from the provider block. The configuration may hold unknown
    /// values while planning: configure must not fail for that reason alone.
    fn configure(
        &self,
        config: &Value,
    ) -> impl Future<Output = Result<Self::Client, Diagnostics>> + Send;

    fn resources(&self) -> Vec<Arc<dyn DynResource<Self::Client>>>;
    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<Self::Client>>>;

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        Vec::new()
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn DynEphemeralResource<Self::Client>>> {
        Vec::new()
    }

    /// Actions (Terraform >= 1.14; older Terraform never asks for them).
    fn actions(&self) -> Vec<Arc<dyn super::action::DynAction<Self::Client>>> {
        Vec::new()
    }
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
    /// The schema's value type, built once.
    fn value_type(&self) -> &Type;
    /// Where model and schemas disagree (see `framework::consistency`).
    #[cfg(test)]
    fn consistency_problems(&self) -> Vec<String>;
    fn identity(&self) -> Option<&IdentitySchema>;
    fn list_schema(&self) -> Option<&Schema>;
    fn move_state(&self, source: &MoveSource) -> Option<ValueOutcome>;
    fn list<'a>(
        &'a self,
        client: &'a C,
        config: &'a Value,
    ) -> BoxFuture<'a, Result<Vec<Listed<Value>>, Diagnostics>>;
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
    /// The schema's value type, built once.
    fn value_type(&self) -> &Type;
    /// Where model and schema disagree (see `framework::consistency`).
    #[cfg(test)]
    fn consistency_problems(&self) -> Vec<String>;
    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics);
    fn read<'a>(&'a self, client: &'a C, config: &'a Value) -> BoxFuture<'a, ValueOutcome>;
}
