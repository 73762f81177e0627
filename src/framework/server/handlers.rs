//! The work behind each RPC, at the value level: decode, call the framework or the
//! resource, enforce Terraform's rules on what goes back, encode.

use super::discovery::identity_data;
use super::ProviderService;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::lookup::check_paths;
use crate::framework::plan::{
    clear_write_only, plan_resource_change, settle_unchanged, with_write_only,
};
use crate::framework::rules::run_rules;
use crate::framework::schema::Schema;
use crate::framework::validate::{refuse_write_only, validate_config};
use crate::framework::value::{self, Type, Value};
use crate::framework::wire;
use crate::framework::{PlanContext, Provider};
use crate::protocol::proto::tfplugin6 as pb;
use std::sync::Arc;

pub(super) fn capabilities() -> pb::ServerCapabilities {
    pb::ServerCapabilities {
        plan_destroy: true,
        get_provider_schema_optional: true,
        move_resource_state: true,
        generate_resource_config: true,
    }
}

fn decode(dynamic: Option<&pb::DynamicValue>, ty: &Type) -> Result<Value, Diagnostics> {
    wire::decode(dynamic, ty).map_err(Diagnostics::from)
}

fn encode(value: &Value, ty: &Type) -> Result<pb::DynamicValue, Diagnostics> {
    wire::encode(value, ty).map_err(Diagnostics::from)
}

/// Keeps write-only values out of anything returned to Terraform.
fn returned(schema: &Schema, mut state: Value) -> Value {
    clear_write_only(schema, &mut state);
    state
}

impl<P: Provider> ProviderService<P> {
    pub(super) fn metadata(&self) -> pb::get_metadata::Response {
        pb::get_metadata::Response {
            server_capabilities: Some(capabilities()),
            resources: self
                .resources
                .keys()
                .map(|name| pb::get_metadata::ResourceMetadata {
                    type_name: name.to_string(),
                })
                .collect(),
            data_sources: self
                .data_sources
                .keys()
                .map(|name| pb::get_metadata::DataSourceMetadata {
                    type_name: name.to_string(),
                })
                .collect(),
            list_resources: self
                .resources
                .iter()
                .filter(|(_, r)| r.list_schema().is_some())
                .map(|(name, _)| pb::get_metadata::ListResourceMetadata {
                    type_name: name.to_string(),
                })
                .collect(),
            functions: self
                .functions
                .keys()
                .map(|name| pb::get_metadata::FunctionMetadata {
                    name: name.to_string(),
                })
                .collect(),
            ephemeral_resources: self
                .ephemeral_resources
                .keys()
                .map(|name| pb::get_metadata::EphemeralMetadata {
                    type_name: name.to_string(),
                })
                .collect(),
            actions: self.action_metadata(),
            ..Default::default()
        }
    }

    pub(super) fn provider_schema(&self) -> pb::get_provider_schema::Response {
        pb::get_provider_schema::Response {
            provider: Some(wire::schema(&self.provider_schema)),
            resource_schemas: self
                .resources
                .iter()
                .map(|(name, r)| (name.to_string(), wire::schema(r.schema())))
                .collect(),
            data_source_schemas: self
                .data_sources
                .iter()
                .map(|(name, d)| (name.to_string(), wire::schema(d.schema())))
                .collect(),
            list_resource_schemas: self
                .resources
                .iter()
                .filter_map(|(name, r)| {
                    r.list_schema().map(|s| (name.to_string(), wire::schema(s)))
                })
                .collect(),
            ephemeral_resource_schemas: self
                .ephemeral_resources
                .iter()
                .map(|(name, e)| (name.to_string(), wire::schema(e.schema())))
                .collect(),
            functions: self.function_definitions(),
            action_schemas: self.action_schemas(),
            server_capabilities: Some(capabilities()),
            ..Default::default()
        }
    }

    pub(super) async fn validate_provider(
        &self,
        request: pb::validate_provider_config::Request,
    ) -> Result<pb::validate_provider_config::Response, Diagnostics> {
        let schema = &self.provider_schema;
        let config = decode(request.config.as_ref(), &self.provider_type)?;
        let mut diagnostics = validate_config(&schema.block, &config);
        diagnostics.extend(run_rules(
            self.provider.rules(),
            schema,
            "the provider block",
            &config,
        ));
        let diagnostics = check_paths(&schema.block, "the provider block", diagnostics);
        Ok(pb::validate_provider_config::Response {
            diagnostics: wire::diagnostics(diagnostics),
        })
    }

    pub(super) async fn validate_resource(
        &self,
        request: pb::validate_resource_config::Request,
    ) -> Result<pb::validate_resource_config::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let config = decode(request.config.as_ref(), resource.value_type())?;
        let mut diagnostics = validate_config(&resource.schema().block, &config);
        let write_only_allowed = request
            .client_capabilities
            .is_some_and(|c| c.write_only_attributes_allowed);
        if !write_only_allowed {
            diagnostics.extend(refuse_write_only(&resource.schema().block, &config));
        }
        resource.validate(&config, &mut diagnostics);
        let diagnostics = check_paths(&resource.schema().block, &request.type_name, diagnostics);
        Ok(pb::validate_resource_config::Response {
            diagnostics: wire::diagnostics(diagnostics),
        })
    }

    pub(super) async fn validate_data_source(
        &self,
        request: pb::validate_data_resource_config::Request,
    ) -> Result<pb::validate_data_resource_config::Response, Diagnostics> {
        let data_source = self.data_source(&request.type_name)?;
        let config = decode(request.config.as_ref(), data_source.value_type())?;
        let mut diagnostics = validate_config(&data_source.schema().block, &config);
        data_source.validate(&config, &mut diagnostics);
        let diagnostics = check_paths(&data_source.schema().block, &request.type_name, diagnostics);
        Ok(pb::validate_data_resource_config::Response {
            diagnostics: wire::diagnostics(diagnostics),
        })
    }

    pub(super) async fn configure(
        &self,
        request: pb::configure_provider::Request,
    ) -> Result<pb::configure_provider::Response, Diagnostics> {
        let config = decode(request.config.as_ref(), &self.provider_type)?;
        let client = self.provider.configure(&config).await?;
        // A panic while configuring before poisons the lock; never report success
        // without having kept the client.
        let mut slot = self.client.write().map_err(|_| {
            Diagnostics::from(Diagnostic::error(
                "Provider could not keep its configuration",
                "An earlier request crashed while configuring this provider instance, so the connection settings cannot be stored. Run Terraform again; please report this bug.",
            ))
        })?;
        *slot = Some(Arc::new(client));
        Ok(pb::configure_provider::Response::default())
    }

    pub(super) async fn upgrade_state(
        &self,
        request: pb::upgrade_resource_state::Request,
    ) -> Result<pb::upgrade_resource_state::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let schema = resource.schema();
        if request.version > schema.version {
            return Err(Diagnostic::error(
                "State written by a newer natsforge",
                format!(
                    "The state of this {} has schema version {}, newer than this provider's {}. Use the provider version that wrote it, or newer.",
                    request.type_name, request.version, schema.version
                ),
            )
            .into());
        }
        let raw = request.raw_state.unwrap_or_default();
        if raw.json.is_empty() {
            return Err(Diagnostic::error(
                "Unsupported state format",
                "This state has no JSON form (pre-0.12 flatmap state); natsforge cannot read it.",
            )
            .into());
        }
        let ty = resource.value_type();
        // Attributes a newer schema dropped are left behind, not refused.
        let state = value::decode_stored_json(&raw.json, ty).map_err(|e| {
            Diagnostics::from(match e {
                value::DecodeError::Json(problem) => {
                    Diagnostic::error("Stored state is not valid JSON", problem)
                }
                e => Diagnostic::error("Could not read the stored state", e.to_string()),
            })
        })?;
        Ok(pb::upgrade_resource_state::Response {
            upgraded_state: Some(encode(&returned(schema, state), ty)?),
            diagnostics: Vec::new(),
        })
    }

    pub(super) async fn read(
        &self,
        request: pb::read_resource::Request,
    ) -> Result<pb::read_resource::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let ty = resource.value_type();
        let current = decode(request.current_state.as_ref(), ty)?;
        let client = self.client()?;
        let outcome = resource.read(&client, &current).await;
        let new_state = returned(resource.schema(), outcome.state);
        Ok(pb::read_resource::Response {
            new_identity: identity_data(resource.as_ref(), &new_state)?,
            new_state: Some(encode(&new_state, ty)?),
            diagnostics: wire::diagnostics(outcome.diagnostics),
            private: request.private,
            ..Default::default()
        })
    }

    pub(super) async fn plan(
        &self,
        request: pb::plan_resource_change::Request,
    ) -> Result<pb::plan_resource_change::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let schema = resource.schema();
        let ty = resource.value_type();
        let prior = decode(request.prior_state.as_ref(), ty)?;
        let proposed = decode(request.proposed_new_state.as_ref(), ty)?;
        let config = decode(request.config.as_ref(), ty)?;
        let mut change = plan_resource_change(schema, &prior, &proposed, &config);
        let mut diagnostics = Diagnostics::new();
        // The resource refines every plan, a destroy too (to warn or refuse).
        let client = self.client()?;
        let mut context = PlanContext::new(
            resource.type_name(),
            schema,
            ty,
            (&config, &prior),
            &mut change,
            &mut diagnostics,
        );
        resource.modify_plan(&client, &mut context).await;
        let written = context.written().to_vec();
        settle_unchanged(schema, &prior, &config, &mut change, &written);
        let planned = returned(schema, change.planned);
        let diagnostics = check_paths(&schema.block, &request.type_name, diagnostics);
        Ok(pb::plan_resource_change::Response {
            planned_identity: identity_data(resource.as_ref(), &planned)?,
            planned_state: Some(encode(&planned, ty)?),
            requires_replace: change
                .requires_replace
                .iter()
                .map(wire::attribute_path)
                .collect(),
            planned_private: request.prior_private,
            diagnostics: wire::diagnostics(diagnostics),
            ..Default::default()
        })
    }

    pub(super) async fn apply(
        &self,
        request: pb::apply_resource_change::Request,
    ) -> Result<pb::apply_resource_change::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let schema = resource.schema();
        let ty = resource.value_type();
        let prior = decode(request.prior_state.as_ref(), ty)?;
        let planned = decode(request.planned_state.as_ref(), ty)?;
        let config = decode(request.config.as_ref(), ty)?;
        let client = self.client()?;
        let outcome = if planned.is_null() {
            resource.delete(&client, &prior).await
        } else {
            let planned = with_write_only(schema, &planned, &config);
            if prior.is_null() {
                resource.create(&client, &planned).await
            } else {
                resource.update(&client, &prior, &planned).await
            }
        };
        let mut diagnostics = check_paths(&schema.block, &request.type_name, outcome.diagnostics);
        let mut state = returned(schema, outcome.state);
        if !state.is_wholly_known() {
            diagnostics.error(
                "Provider bug: unknown value after apply",
                format!("{} left a value unknown after apply; it is stored as null. Please report this.", request.type_name),
            );
            state.unknowns_to_null();
        }
        Ok(pb::apply_resource_change::Response {
            new_identity: identity_data(resource.as_ref(), &state)?,
            new_state: Some(encode(&state, ty)?),
            private: request.planned_private,
            diagnostics: wire::diagnostics(diagnostics),
            ..Default::default()
        })
    }

    pub(super) async fn read_data(
        &self,
        request: pb::read_data_source::Request,
    ) -> Result<pb::read_data_source::Response, Diagnostics> {
        let data_source = self.data_source(&request.type_name)?;
        let ty = data_source.value_type();
        let config = decode(request.config.as_ref(), ty)?;
        let client = self.client()?;
        let outcome = data_source.read(&client, &config).await;
        if outcome.diagnostics.has_errors() {
            return Err(outcome.diagnostics);
        }
        Ok(pb::read_data_source::Response {
            state: Some(encode(&outcome.state, ty)?),
            diagnostics: wire::diagnostics(outcome.diagnostics),
            ..Default::default()
        })
    }
}
