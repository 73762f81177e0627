//! Actions (Terraform >= 1.14): operations a configuration runs on demand
//! (`terraform apply -invoke=action.<type>.<name>`) or around a resource's changes
//! (`action_trigger` in its lifecycle). An action has a configuration schema (no
//! computed attributes: it stores nothing), rules like a resource's, and an `invoke`
//! that reports progress while it works. Older Terraform never asks for actions.

use super::diagnostics::Diagnostics;
use super::lookup::check_paths;
use super::rules::{run_rules, Rule};
use super::schema::Schema;
use super::typed;
use super::validate::validate_config;
use super::value::{Type, Value};
use futures::future::BoxFuture;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::sync::Arc;

/// Where an action tells the user how far it got; Terraform prints each message as it
/// arrives. Never put secrets in a message.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(String) + Send + Sync>);

impl Progress {
    pub fn new(report: impl Fn(String) + Send + Sync + 'static) -> Self {
        Progress(Arc::new(report))
    }

    pub fn report(&self, message: impl Into<String>) {
        (self.0)(message.into())
    }
}

/// An action written against a typed model of its configuration.
pub trait Action: Send + Sync + 'static {
    type Client: Send + Sync + 'static;
    /// The configuration as a serde struct named like the schema.
    type Model: DeserializeOwned + Send + Sync + 'static;

    fn type_name(&self) -> &'static str;
    fn schema(&self) -> Schema;

    /// Checks that span several arguments (see `Resource::rules`), run when Terraform
    /// validates and plans the action: bad input is refused before anything runs.
    fn rules(&self) -> &'static [Rule<Self::Model>] {
        &[]
    }

    /// Does the work on a wholly known configuration. Cancelled (the future dropped)
    /// when Terraform stops the provider.
    fn invoke(
        &self,
        client: &Self::Client,
        config: Self::Model,
        progress: &Progress,
    ) -> impl Future<Output = Result<(), Diagnostics>> + Send;
}

/// An action as the framework's server sees it: values in, diagnostics out.
pub trait DynAction<C>: Send + Sync {
    fn type_name(&self) -> &'static str;
    fn schema(&self) -> &Schema;
    /// The schema's value type, built once.
    fn value_type(&self) -> &Type;
    /// Where model and schema disagree, and computed attributes an action cannot have.
    #[cfg(test)]
    fn consistency_problems(&self) -> Vec<String>;
    /// The schema's validators, then the rules; paths checked against the schema.
    fn validate(&self, config: &Value) -> Diagnostics;
    fn invoke<'a>(
        &'a self,
        client: &'a C,
        config: &'a Value,
        progress: &'a Progress,
    ) -> BoxFuture<'a, Diagnostics>;
}

struct TypedAction<A> {
    inner: A,
    schema: Schema,
    ty: Type,
}

/// Registers an action with the provider (`Provider::actions`).
pub fn action<A: Action>(action: A) -> Arc<dyn DynAction<A::Client>> {
    let schema = action.schema();
    let ty = schema.value_type();
    Arc::new(TypedAction {
        inner: action,
        schema,
        ty,
    })
}

impl<A: Action> DynAction<A::Client> for TypedAction<A> {
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
        use super::consistency::{read_problems, schema_problems};
        let mut problems = schema_problems(&self.schema);
        problems.extend(read_problems::<A::Model>(&self.schema));
        problems.extend(computed_attributes(&self.schema.block, ""));
        problems
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let type_name = self.inner.type_name();
        let mut diagnostics = validate_config(&self.schema.block, config);
        diagnostics.extend(run_rules(
            self.inner.rules(),
            &self.schema,
            type_name,
            config,
        ));
        check_paths(&self.schema.block, type_name, diagnostics)
    }

    fn invoke<'a>(
        &'a self,
        client: &'a A::Client,
        config: &'a Value,
        progress: &'a Progress,
    ) -> BoxFuture<'a, Diagnostics> {
        Box::pin(async move {
            let model = match typed::from_value::<A::Model>(config) {
                Ok(model) => model,
                Err(error) => {
                    return super::adapter::model_error("reading the configuration", error)
                }
            };
            match self.inner.invoke(client, model, progress).await {
                Ok(()) => Diagnostics::new(),
                Err(diagnostics) => diagnostics,
            }
        })
    }
}

/// An action keeps nothing, so nothing in its schema can be computed.
#[cfg(test)]
fn computed_attributes(block: &super::schema::Block, prefix: &str) -> Vec<String> {
    let mut found: Vec<String> = block
        .attributes
        .iter()
        .filter(|a| a.computed)
        .map(|a| {
            format!(
                "{prefix}{}: an action's attribute cannot be computed",
                a.name
            )
        })
        .collect();
    for nested in &block.blocks {
        let prefix = format!("{prefix}{}.", nested.type_name);
        found.extend(computed_attributes(&nested.block, &prefix));
    }
    found
}

#[cfg(test)]
#[path = "action_tests.rs"]
mod tests;
