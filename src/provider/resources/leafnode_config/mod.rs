//! # Resource `nats_leafnode_config`
//!
//! The nats-server configuration of a server in a leaf node topology, in either role
//! or both: a hub accepts leaf nodes (`leafnodes { listen }`), a leaf connects to hubs
//! (`remote` blocks: URLs, the local account to bind, hub user creds, deny lists, TLS,
//! compression). Around that it renders what such a server needs: `server_name`, the
//! client and monitoring listeners, JetStream with its domain, the operator mode
//! settings of a `nats_nkey_operator` (`operator_config = ..server_config`), a
//! cluster, and includes.
//!
//! Offline, it renders `content` at plan time (every string quoted, so no value can
//! change the file's structure) and, with `path`, writes it atomically with mode 0600;
//! inline `credentials` (e.g. a `nats_nkey_user`'s `creds`) go to files beside it,
//! 0600 too, never into `content`. Refresh reads the files back: an edit or a removal
//! outside Terraform shows in `files` and the next apply writes them again. Destroy
//! removes them.
//!
//! Live, when the provider instance has `system_credentials` for the server: create
//! and update ask the server (found by `server_name`) to reload
//! (`$SYS.REQ.SERVER.<id>.RELOAD`, nats-server >= 2.10; adding or removing remotes by
//! reload needs >= 2.14) and wait up to `connect_timeout` until LEAFZ shows every
//! enabled remote connected with its account (on timeout the error names the remote
//! and what LEAFZ lists; a refused reload carries the server's reason). nats-server
//! refuses to change an existing remote's settings by reload, so such a change is
//! applied in two reloads: without the remote, then with it. Refresh reports
//! `connections`, and a remote that is down makes the next plan an update.

mod apply;
mod files;
mod live;
mod render;
mod rules;
mod schema;
mod validate;

use super::auth_common::any_changed;
use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;
use crate::framework::value::Value;
use crate::framework::{Failed, PlanContext, Resource};
use crate::provider::client::NatsClient;
use render::{render, sha256_hex};
pub use schema::LeafnodeConfigModel;

pub struct LeafnodeConfigResource;

/// The computed attributes that follow from the rendered files.
fn set_rendered(plan: &mut PlanContext<'_>, model: &LeafnodeConfigModel) {
    match render(model) {
        Ok(rendered) => {
            let files = rendered
                .file_hashes()
                .into_iter()
                .map(|(path, hash)| (path, Value::string(hash)))
                .collect();
            plan.set(
                "content_sha256",
                Value::string(sha256_hex(rendered.content.as_bytes())),
            );
            plan.set("content", Value::string(rendered.content));
            plan.set("files", Value::Map(files));
        }
        Err(diagnostic) => plan.diagnostics.push(diagnostic),
    }
}

impl Resource for LeafnodeConfigResource {
    type Client = NatsClient;
    type Model = LeafnodeConfigModel;

    fn type_name(&self) -> &'static str {
        "nats_leafnode_config"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn validate(&self, config: &Value, diagnostics: &mut Diagnostics) {
        validate::validate(config, diagnostics);
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        if let Some(name) = plan.planned().attr("server_name").cloned() {
            plan.set("id", name);
        }
        let model = match plan.planned_model::<LeafnodeConfigModel>() {
            Ok(model) if plan.config.is_wholly_known() => model,
            _ => {
                for name in ["content", "content_sha256", "files", "connections"] {
                    plan.set(name, Value::Unknown);
                }
                return;
            }
        };
        set_rendered(plan, &model);
        let prior_files = plan.prior.attr("files").cloned().unwrap_or(Value::Null);
        let files_change = !plan
            .planned()
            .attr("files")
            .is_some_and(|f| f.eq_semantic(&prior_files));
        let disconnected = plan
            .prior
            .attr("connections")
            .and_then(Value::as_elements)
            .is_some_and(|c| {
                c.iter()
                    .any(|c| c.attr("connected").and_then(Value::as_bool) == Some(false))
            });
        let prior_connections = plan.prior.attr("connections").cloned();
        // Any change is an apply, and an apply may reload: its result is only known then.
        let settings_change =
            any_changed(plan.planned(), plan.prior, &["reload", "connect_timeout"]);
        if plan.is_create() || files_change || disconnected || settings_change {
            plan.set("connections", Value::Unknown);
        } else if let Some(prior) = prior_connections {
            plan.set("connections", prior);
        }
        if let Some(diagnostic) = live::check_unique_name(client, &model).await {
            plan.diagnostics.push(diagnostic);
        }
    }

    async fn create(
        &self,
        client: &NatsClient,
        planned: LeafnodeConfigModel,
    ) -> Result<LeafnodeConfigModel, Failed<LeafnodeConfigModel>> {
        Self::apply(client, planned, None).await
    }

    async fn read(
        &self,
        client: &NatsClient,
        mut current: LeafnodeConfigModel,
    ) -> Result<Option<LeafnodeConfigModel>, Diagnostics> {
        apply::observe_files(&mut current);
        if current.connections.is_some() {
            if let Some(system) = live::system(client, &current).await? {
                current.connections = Some(live::observe(&system, &current).await?);
            }
        }
        Ok(Some(current))
    }

    async fn update(
        &self,
        client: &NatsClient,
        prior: LeafnodeConfigModel,
        planned: LeafnodeConfigModel,
    ) -> Result<LeafnodeConfigModel, Failed<LeafnodeConfigModel>> {
        Self::apply(client, planned, Some(&prior)).await
    }

    async fn delete(
        &self,
        _client: &NatsClient,
        prior: LeafnodeConfigModel,
    ) -> Result<(), Diagnostics> {
        files::remove_all(&prior.files.unwrap_or_default()).map_err(Diagnostics::from)
    }
}
