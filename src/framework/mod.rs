//! What a resource author touches: Terraform's values, schemas with their defaults,
//! validators and replace rules, the one planning algorithm, typed models, and the
//! server that orchestrates validate/plan/apply for every resource. Knows nothing of
//! NATS.

pub mod action;
mod adapter;
#[cfg(test)]
pub mod consistency;
pub mod diagnostics;
mod function;
pub mod lookup;
pub mod plan;
mod plan_context;
mod resource;
pub mod rules;
pub mod schema;
pub mod server;
pub mod typed;
pub mod validate;
pub mod validators;
pub mod value;
pub mod wire;

pub use action::{action, Action, DynAction, Progress};
pub use adapter::{data_source, resource};
pub use function::{
    ephemeral_resource, DynEphemeralResource, EphemeralResource, Function, FunctionDefinition,
    FunctionError, Parameter,
};
pub use plan_context::PlanContext;
pub use resource::*;
pub use rules::Rule;
pub use typed::Field;
