//! How Terraform finds and takes over objects: resource identity, import (by ID or by
//! identity), `moved` from other types or providers, `terraform query` listings, and
//! configuration generated from state.

use super::ProviderService;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{Block, IdentitySchema, Schema};
use crate::framework::validate::validate_config;
use crate::framework::value::{self, Value};
use crate::framework::wire;
use crate::framework::{DynResource, MoveSource, Provider};
use crate::protocol::proto::tfplugin6 as pb;

fn decode_error(what: &str, error: impl std::fmt::Display) -> Diagnostics {
    Diagnostic::error(format!("Could not read {what}"), error.to_string()).into()
}

pub(super) fn identity_schema(identity: &IdentitySchema) -> pb::ResourceIdentitySchema {
    pb::ResourceIdentitySchema {
        version: identity.version,
        identity_attributes: identity
            .attributes
            .iter()
            .map(|a| pb::resource_identity_schema::IdentityAttribute {
                name: a.name.to_string(),
                r#type: a.ty.to_json_bytes(),
                required_for_import: a.required_for_import,
                optional_for_import: !a.required_for_import,
                description: a.description.to_string(),
            })
            .collect(),
    }
}

/// The identity of `state` for the wire, when the resource has one and it is known.
pub(super) fn identity_data<C>(
    resource: &dyn DynResource<C>,
    state: &Value,
) -> Result<Option<pb::ResourceIdentityData>, Diagnostics> {
    let Some(schema) = resource.identity() else {
        return Ok(None);
    };
    let Some(identity) = schema.from_state(state) else {
        return Ok(None);
    };
    let encoded = wire::encode(&identity, &schema.value_type()).map_err(Diagnostics::from)?;
    Ok(Some(pb::ResourceIdentityData {
        identity_data: Some(encoded),
    }))
}

impl<P: Provider> ProviderService<P> {
    pub(super) fn identity_schemas(&self) -> pb::get_resource_identity_schemas::Response {
        pb::get_resource_identity_schemas::Response {
            identity_schemas: self
                .resources
                .iter()
                .filter_map(|(name, r)| {
                    r.identity().map(|i| (name.to_string(), identity_schema(i)))
                })
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    pub(super) async fn upgrade_identity(
        &self,
        request: pb::upgrade_resource_identity::Request,
    ) -> Result<pb::upgrade_resource_identity::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let Some(schema) = resource.identity() else {
            return Err(Diagnostic::error(
                "No resource identity",
                format!("{} has no resource identity.", request.type_name),
            )
            .into());
        };
        if request.version != schema.version {
            return Err(Diagnostic::error(
                "Unsupported identity version",
                format!(
                    "The stored identity of this {} has version {}; this provider knows version {}.",
                    request.type_name, request.version, schema.version
                ),
            )
            .into());
        }
        let raw = request.raw_identity.unwrap_or_default();
        let identity = value::decode_json(&raw.json, &schema.value_type())
            .map_err(|e| decode_error("the stored identity", e))?;
        let encoded = wire::encode(&identity, &schema.value_type()).map_err(Diagnostics::from)?;
        Ok(pb::upgrade_resource_identity::Response {
            upgraded_identity: Some(pb::ResourceIdentityData {
                identity_data: Some(encoded),
            }),
            diagnostics: Vec::new(),
        })
    }

    pub(super) async fn import(
        &self,
        request: pb::import_resource_state::Request,
    ) -> Result<pb::import_resource_state::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let ty = resource.value_type();
        let by_identity = request
            .identity
            .as_ref()
            .and_then(|i| i.identity_data.as_ref());
        let (state, diagnostics) = match (by_identity, resource.identity()) {
            (Some(data), Some(schema)) => {
                let identity =
                    wire::decode(Some(data), &schema.value_type()).map_err(Diagnostics::from)?;
                (
                    schema.to_state(&identity, &resource.schema().block),
                    Diagnostics::new(),
                )
            }
            (Some(_), None) => {
                return Err(Diagnostic::error(
                    "Import by identity not supported",
                    format!(
                        "{} has no resource identity; import it by ID.",
                        request.type_name
                    ),
                )
                .into())
            }
            (None, _) => {
                let client = self.client()?;
                let outcome = resource.import(&client, &request.id).await;
                if outcome.diagnostics.has_errors() {
                    return Err(outcome.diagnostics);
                }
                (outcome.state, outcome.diagnostics)
            }
        };
        Ok(pb::import_resource_state::Response {
            imported_resources: vec![pb::import_resource_state::ImportedResource {
                type_name: request.type_name,
                identity: identity_data(resource.as_ref(), &state)?,
                state: Some(wire::encode(&state, ty).map_err(Diagnostics::from)?),
                private: Vec::new(),
            }],
            diagnostics: wire::diagnostics(diagnostics),
            deferred: None,
        })
    }

    pub(super) async fn move_state(
        &self,
        request: pb::move_resource_state::Request,
    ) -> Result<pb::move_resource_state::Response, Diagnostics> {
        let resource = self.resource(&request.target_type_name)?;
        let raw = request.source_state.unwrap_or_default();
        let source = MoveSource {
            provider_address: request.source_provider_address,
            type_name: request.source_type_name,
            schema_version: request.source_schema_version,
            state: serde_json::from_slice(&raw.json)
                .map_err(|e| decode_error("the moved state", e))?,
        };
        let Some(outcome) = resource.move_state(&source) else {
            return Err(Diagnostic::error(
                "Move not supported",
                format!(
                    "{} cannot take over state of {} from {}.",
                    request.target_type_name, source.type_name, source.provider_address
                ),
            )
            .into());
        };
        if outcome.diagnostics.has_errors() {
            return Err(outcome.diagnostics);
        }
        let ty = resource.value_type();
        Ok(pb::move_resource_state::Response {
            target_identity: identity_data(resource.as_ref(), &outcome.state)?,
            target_state: Some(wire::encode(&outcome.state, ty).map_err(Diagnostics::from)?),
            diagnostics: wire::diagnostics(outcome.diagnostics),
            target_private: Vec::new(),
        })
    }

    pub(super) async fn validate_list_config(
        &self,
        request: pb::validate_list_resource_config::Request,
    ) -> Result<pb::validate_list_resource_config::Response, Diagnostics> {
        let schema = self.list_schema(&request.type_name)?;
        let config = wire::decode(request.config.as_ref(), &schema.value_type())
            .map_err(Diagnostics::from)?;
        Ok(pb::validate_list_resource_config::Response {
            diagnostics: wire::diagnostics(validate_config(&schema.block, &config)),
        })
    }

    pub(super) async fn list_objects(
        &self,
        request: pb::list_resource::Request,
    ) -> Result<Vec<pb::list_resource::Event>, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let schema = self.list_schema(&request.type_name)?;
        let config = wire::decode(request.config.as_ref(), &schema.value_type())
            .map_err(Diagnostics::from)?;
        let client = self.client()?;
        let listed = resource.list(&client, &config).await?;
        let limit = usize::try_from(request.limit)
            .ok()
            .filter(|l| *l > 0)
            .unwrap_or(usize::MAX);
        let ty = resource.value_type();
        listed
            .into_iter()
            .take(limit)
            .map(|object| {
                let resource_object = if request.include_resource_object {
                    Some(wire::encode(&object.state, ty).map_err(Diagnostics::from)?)
                } else {
                    None
                };
                Ok(pb::list_resource::Event {
                    identity: identity_data(resource.as_ref(), &object.state)?,
                    display_name: object.display_name,
                    resource_object,
                    diagnostic: Vec::new(),
                })
            })
            .collect()
    }

    fn list_schema(&self, type_name: &str) -> Result<Schema, Diagnostics> {
        self.resource(type_name)?
            .list_schema()
            .cloned()
            .ok_or_else(|| {
                Diagnostic::error("Not listable", format!("{type_name} cannot be listed.")).into()
            })
    }

    pub(super) async fn generate_config(
        &self,
        request: pb::generate_resource_config::Request,
    ) -> Result<pb::generate_resource_config::Response, Diagnostics> {
        let resource = self.resource(&request.type_name)?;
        let ty = resource.value_type();
        let state = wire::decode(request.state.as_ref(), ty).map_err(Diagnostics::from)?;
        let config = config_from_state(&resource.schema().block, &state);
        Ok(pb::generate_resource_config::Response {
            config: Some(wire::encode(&config, ty).map_err(Diagnostics::from)?),
            diagnostics: Vec::new(),
        })
    }
}

/// The smallest configuration that plans to `state` with no changes: settings the
/// provider computes, and settings equal to their default, are left out.
pub(super) fn config_from_state(block: &Block, state: &Value) -> Value {
    let Value::Object(attrs) = state else {
        return state.clone();
    };
    let mut config = attrs.clone();
    for attribute in &block.attributes {
        if let Some(slot) = config.get_mut(&attribute.name) {
            let computed_only = attribute.computed && !attribute.optional && !attribute.required;
            let is_default = attribute
                .default
                .as_ref()
                .is_some_and(|d| d.eq_semantic(slot));
            if computed_only || is_default || attribute.write_only {
                *slot = Value::Null;
            }
        }
    }
    for nested in &block.blocks {
        if let Some(slot) = config.get_mut(&nested.type_name) {
            *slot = match std::mem::replace(slot, Value::Null) {
                Value::List(items) => Value::List(
                    items
                        .iter()
                        .map(|i| config_from_state(&nested.block, i))
                        .collect(),
                ),
                Value::Set(items) => Value::Set(
                    items
                        .iter()
                        .map(|i| config_from_state(&nested.block, i))
                        .collect(),
                ),
                object @ Value::Object(_) => config_from_state(&nested.block, &object),
                other => other,
            };
        }
    }
    Value::Object(config)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::{Attribute, IdentityAttribute, NestedBlock, Nesting};
    use crate::framework::value::Type;
    use std::collections::BTreeMap;

    fn object(pairs: &[(&str, Value)]) -> Value {
        Value::Object(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn schema() -> Schema {
        Schema::new("t")
            .attribute(Attribute::string("name").required())
            .attribute(Attribute::string("domain").optional())
            .attribute(Attribute::number("max_msgs").default(-1))
            .attribute(Attribute::string("created").computed())
            .block(NestedBlock::new(
                "source",
                Nesting::List,
                Block::new("s")
                    .attribute(Attribute::string("name").required())
                    .attribute(Attribute::number("start_seq").default(0)),
            ))
    }

    fn identity() -> IdentitySchema {
        IdentitySchema {
            version: 0,
            attributes: vec![
                IdentityAttribute {
                    name: "name",
                    ty: Type::String,
                    required_for_import: true,
                    description: "n",
                },
                IdentityAttribute {
                    name: "domain",
                    ty: Type::String,
                    required_for_import: false,
                    description: "d",
                },
            ],
        }
    }

    fn state() -> Value {
        object(&[
            ("name", Value::string("ORDERS")),
            ("domain", Value::Null),
            ("max_msgs", Value::from(-1)),
            ("created", Value::string("2026-01-01")),
            (
                "source",
                Value::List(vec![object(&[
                    ("name", Value::string("UP")),
                    ("start_seq", Value::from(5)),
                ])]),
            ),
        ])
    }

    #[test]
    fn generated_config_drops_computed_and_default_values() {
        let config = config_from_state(&schema().block, &state());
        assert_eq!(config.attr("name"), Some(&Value::string("ORDERS")));
        assert_eq!(config.attr("max_msgs"), Some(&Value::Null));
        assert_eq!(config.attr("created"), Some(&Value::Null));
        let source = &config.attr("source").unwrap().as_elements().unwrap()[0];
        assert_eq!(
            source.attr("start_seq"),
            Some(&Value::from(5)),
            "non-default kept"
        );
    }

    #[test]
    fn identity_is_read_from_state_and_back() {
        let found = identity().from_state(&state()).unwrap();
        assert_eq!(found.attr("name"), Some(&Value::string("ORDERS")));
        let stub = identity().to_state(&found, &schema().block);
        assert_eq!(stub.attr("name"), Some(&Value::string("ORDERS")));
        assert_eq!(stub.attr("created"), Some(&Value::Null));
        assert_eq!(
            stub.attr("source"),
            Some(&Value::List(vec![])),
            "blocks are empty, not null"
        );
    }

    #[test]
    fn unknown_identity_is_not_sent() {
        let mut planned = state();
        if let Value::Object(attrs) = &mut planned {
            attrs.insert("name".into(), Value::Unknown);
        }
        assert!(identity().from_state(&planned).is_none());
        assert!(identity().from_state(&Value::Null).is_none());
    }

    #[test]
    fn identity_schema_marks_optional_attributes() {
        let wire = identity_schema(&identity());
        assert!(wire.identity_attributes[0].required_for_import);
        assert!(wire.identity_attributes[1].optional_for_import);
        assert_eq!(wire.identity_attributes[1].r#type, br#""string""#.to_vec());
    }
}
