//! Actions at the wire level: metadata and schemas, validation (at validate and again
//! at plan, when more values are known), and invocation with progress events.

use super::ProviderService;
use crate::framework::action::{DynAction, Progress};
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::wire;
use crate::framework::Provider;
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::server::ActionProgress;
use std::sync::Arc;

impl<P: Provider> ProviderService<P> {
    fn action(&self, type_name: &str) -> Result<Arc<dyn DynAction<P::Client>>, Diagnostics> {
        self.actions.get(type_name).cloned().ok_or_else(|| {
            Diagnostic::error(
                "Unknown action type",
                format!("This provider has no action named {type_name:?}."),
            )
            .into()
        })
    }

    pub(super) fn action_metadata(&self) -> Vec<pb::get_metadata::ActionMetadata> {
        self.actions
            .keys()
            .map(|name| pb::get_metadata::ActionMetadata {
                type_name: name.to_string(),
            })
            .collect()
    }

    pub(super) fn action_schemas(&self) -> std::collections::HashMap<String, pb::ActionSchema> {
        self.actions
            .iter()
            .map(|(name, action)| {
                let schema = pb::ActionSchema {
                    schema: Some(wire::schema(action.schema())),
                };
                (name.to_string(), schema)
            })
            .collect()
    }

    /// The configuration's diagnostics: validators, rules, paths checked.
    fn check_action(&self, type_name: &str, config: Option<&pb::DynamicValue>) -> Diagnostics {
        let checked = self.action(type_name).and_then(|action| {
            let config = wire::decode(config, action.value_type())?;
            Ok(action.validate(&config))
        });
        checked.unwrap_or_else(|diagnostics| diagnostics)
    }

    pub(super) fn validate_action(
        &self,
        request: pb::validate_action_config::Request,
    ) -> pb::validate_action_config::Response {
        let diagnostics = self.check_action(&request.type_name, request.config.as_ref());
        pb::validate_action_config::Response {
            diagnostics: wire::diagnostics(diagnostics),
        }
    }

    /// Nothing is planned for an action beyond its configuration: the same checks as
    /// validation, now with the values Terraform knows at plan.
    pub(super) fn plan_action_config(
        &self,
        request: pb::plan_action::Request,
    ) -> pb::plan_action::Response {
        let diagnostics = self.check_action(&request.action_type, request.config.as_ref());
        pb::plan_action::Response {
            diagnostics: wire::diagnostics(diagnostics),
            deferred: None,
        }
    }

    /// Runs an action, its progress going to `progress`.
    pub(crate) async fn invoke_with(
        &self,
        request: pb::invoke_action::Request,
        progress: Progress,
    ) -> Diagnostics {
        let action = match self.action(&request.action_type) {
            Ok(action) => action,
            Err(diagnostics) => return diagnostics,
        };
        let config = match wire::decode(request.config.as_ref(), action.value_type()) {
            Ok(config) => config,
            Err(diagnostic) => return diagnostic.into(),
        };
        if !config.is_wholly_known() {
            return Diagnostic::error(
                "Action configuration not known",
                format!(
                    "Terraform invoked {} with values still unknown. This is a bug in Terraform or natsforge.",
                    request.action_type
                ),
            )
            .into();
        }
        let client = match self.client() {
            Ok(client) => client,
            Err(diagnostics) => return diagnostics,
        };
        action.invoke(&client, &config, &progress).await
    }
}

/// Progress messages of the framework's actions, sent as the protocol's events.
pub(super) fn progress_events(progress: ActionProgress) -> Progress {
    Progress::new(move |message| progress.report(message))
}
