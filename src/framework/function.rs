//! Provider-defined functions (`provider::<name>::<function>(...)`, Terraform >= 1.8)
//! and ephemeral resources (values that never reach plan or state, Terraform >= 1.10).

use super::adapter::model_error;
use super::ValueOutcome;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::rules::{run_rules, Rule};
use crate::framework::schema::Schema;
use crate::framework::typed;
use crate::framework::value::{Type, Value};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::future::Future;
use std::sync::Arc;

/// One positional parameter of a function.
#[derive(Clone, Debug)]
pub struct Parameter {
    pub name: &'static str,
    pub ty: Type,
    pub description: &'static str,
    pub allow_null: bool,
}

/// What Terraform needs to type-check calls and document the function.
#[derive(Clone, Debug)]
pub struct FunctionDefinition {
    pub summary: &'static str,
    pub description: &'static str,
    pub parameters: Vec<Parameter>,
    pub returns: Type,
}

/// A failed call: the message, and which argument (0-based) was at fault, if one was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    pub text: String,
    pub argument: Option<usize>,
}

impl FunctionError {
    pub fn argument(index: usize, text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: Some(index),
        }
    }
}

/// Functions are pure: no client, no I/O; only their arguments decide the result.
pub trait Function: Send + Sync + 'static {
    fn name(&self) -> &'static str;
    fn definition(&self) -> FunctionDefinition;
    /// Arguments arrive known and typed as the definition says.
    fn call(&self, arguments: &[Value]) -> Result<Value, FunctionError>;
}

/// An ephemeral resource written against a typed model: opened during plan or apply,
/// its result is handed to other configuration and never stored.
pub trait EphemeralResource: Send + Sync + 'static {
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

    /// Produces the result from the configuration.
    fn open(
        &self,
        client: &Self::Client,
        config: Self::Model,
    ) -> impl Future<Output = Result<Self::Model, Diagnostics>> + Send;
}

/// An ephemeral resource as the protocol server sees it.
pub trait DynEphemeralResource<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    /// The schema's value type, built once.
    fn value_type(&self) -> &Type;
    /// Where model and schema disagree (see `framework::consistency`).
    #[cfg(test)]
    fn consistency_problems(&self) -> Vec<String>;
    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics);
    fn open<'a>(&'a self, client: &'a C, config: &'a Value) -> BoxFuture<'a, ValueOutcome>;
}

struct TypedEphemeral<E> {
    inner: E,
    schema: Schema,
    ty: Type,
}

pub fn ephemeral_resource<E: EphemeralResource>(
    resource: E,
) -> Arc<dyn DynEphemeralResource<E::Client>> {
    let schema = resource.schema();
    let ty = schema.value_type();
    Arc::new(TypedEphemeral {
        inner: resource,
        schema,
        ty,
    })
}

impl<E: EphemeralResource> DynEphemeralResource<E::Client> for TypedEphemeral<E> {
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
        problems.extend(model_problems::<E::Model>(&self.schema, Reads::Arguments));
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

    fn open<'a>(&'a self, client: &'a E::Client, config: &'a Value) -> BoxFuture<'a, ValueOutcome> {
        Box::pin(async move {
            let result = match typed::from_value::<E::Model>(config) {
                Ok(model) => match self.inner.open(client, model).await {
                    Ok(opened) => typed::to_value(&opened, &self.ty)
                        .map_err(|e| model_error("writing the ephemeral result", e)),
                    Err(diagnostics) => Err(diagnostics),
                },
                Err(e) => Err(model_error("reading the configuration", e)),
            };
            match result {
                Ok(state) => ValueOutcome {
                    state,
                    diagnostics: Diagnostics::new(),
                },
                Err(diagnostics) => ValueOutcome {
                    state: Value::Null,
                    diagnostics,
                },
            }
        })
    }
}
