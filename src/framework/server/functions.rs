//! Provider functions and ephemeral resources at the wire level.

use super::ProviderService;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::lookup::check_paths;
use crate::framework::validate::validate_config;
use crate::framework::wire;
use crate::framework::{DynEphemeralResource, Function, Provider};
use crate::protocol::proto::tfplugin6 as pb;
use std::sync::Arc;

pub(super) fn definition(function: &dyn Function) -> pb::Function {
    let definition = function.definition();
    pb::Function {
        parameters: definition
            .parameters
            .iter()
            .map(|p| pb::function::Parameter {
                name: p.name.to_string(),
                r#type: p.ty.to_json_bytes(),
                allow_null_value: p.allow_null,
                allow_unknown_values: false,
                description: p.description.to_string(),
                description_kind: pb::StringKind::Markdown as i32,
            })
            .collect(),
        variadic_parameter: None,
        r#return: Some(pb::function::Return {
            r#type: definition.returns.to_json_bytes(),
        }),
        summary: definition.summary.to_string(),
        description: definition.description.to_string(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: String::new(),
    }
}

impl<P: Provider> ProviderService<P> {
    pub(super) fn function_definitions(&self) -> std::collections::HashMap<String, pb::Function> {
        self.functions
            .iter()
            .map(|(name, f)| (name.to_string(), definition(f.as_ref())))
            .collect()
    }

    pub(super) fn call(&self, request: pb::call_function::Request) -> pb::call_function::Response {
        let failure = |text: String, argument: Option<usize>| pb::call_function::Response {
            result: None,
            error: Some(pb::FunctionError {
                text,
                function_argument: argument.and_then(|a| i64::try_from(a).ok()),
            }),
        };
        let Some(function) = self.functions.get(request.name.as_str()) else {
            return failure(
                format!("this provider has no function named {:?}", request.name),
                None,
            );
        };
        let definition = function.definition();
        if request.arguments.len() != definition.parameters.len() {
            return failure(
                format!(
                    "{} takes {} argument(s), got {}",
                    request.name,
                    definition.parameters.len(),
                    request.arguments.len()
                ),
                None,
            );
        }
        let mut arguments = Vec::with_capacity(request.arguments.len());
        for (index, (argument, parameter)) in request
            .arguments
            .iter()
            .zip(&definition.parameters)
            .enumerate()
        {
            match wire::decode(Some(argument), &parameter.ty) {
                Ok(value) => arguments.push(value),
                Err(diagnostic) => return failure(diagnostic.detail, Some(index)),
            }
        }
        match function.call(&arguments) {
            Ok(result) => match wire::encode(&result, &definition.returns) {
                Ok(encoded) => pb::call_function::Response {
                    result: Some(encoded),
                    error: None,
                },
                Err(diagnostic) => failure(diagnostic.detail, None),
            },
            Err(error) => failure(error.text, error.argument),
        }
    }

    fn ephemeral(
        &self,
        type_name: &str,
    ) -> Result<Arc<dyn DynEphemeralResource<P::Client>>, Diagnostics> {
        self.ephemeral_resources
            .get(type_name)
            .cloned()
            .ok_or_else(|| {
                Diagnostic::error(
                    "Unknown ephemeral resource type",
                    format!("This provider has no ephemeral resource named {type_name:?}."),
                )
                .into()
            })
    }

    pub(super) async fn validate_ephemeral(
        &self,
        request: pb::validate_ephemeral_resource_config::Request,
    ) -> Result<pb::validate_ephemeral_resource_config::Response, Diagnostics> {
        let resource = self.ephemeral(&request.type_name)?;
        let config = wire::decode(request.config.as_ref(), resource.value_type())?;
        let mut diagnostics = validate_config(&resource.schema().block, &config);
        resource.validate(&config, &mut diagnostics);
        let diagnostics = check_paths(&resource.schema().block, &request.type_name, diagnostics);
        Ok(pb::validate_ephemeral_resource_config::Response {
            diagnostics: wire::diagnostics(diagnostics),
        })
    }

    pub(super) async fn open_ephemeral(
        &self,
        request: pb::open_ephemeral_resource::Request,
    ) -> Result<pb::open_ephemeral_resource::Response, Diagnostics> {
        let resource = self.ephemeral(&request.type_name)?;
        let ty = resource.value_type();
        let config = wire::decode(request.config.as_ref(), ty)?;
        let client = self.client()?;
        let outcome = resource.open(&client, &config).await;
        if outcome.diagnostics.has_errors() {
            return Err(outcome.diagnostics);
        }
        Ok(pb::open_ephemeral_resource::Response {
            result: Some(wire::encode(&outcome.state, ty)?),
            diagnostics: wire::diagnostics(outcome.diagnostics),
            ..Default::default()
        })
    }
}
