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
mod plan;
mod render;
mod rules;
mod schema;
mod validate;

use crate::framework::diagnostics::Diagnostics;
use crate::framework::schema::Schema;
use crate::framework::{Failed, Field, PlanContext, Resource, Rule};
use crate::provider::client::NatsClient;
pub use schema::LeafnodeConfigModel;

pub struct LeafnodeConfigResource;

impl Resource for LeafnodeConfigResource {
    type Client = NatsClient;
    type Model = LeafnodeConfigModel;

    fn type_name(&self) -> &'static str {
        "nats_leafnode_config"
    }

    fn schema(&self) -> Schema {
        schema::schema()
    }

    fn rules(&self) -> &'static [Rule<LeafnodeConfigModel>] {
        validate::RULES
    }

    async fn modify_plan(&self, client: &NatsClient, plan: &mut PlanContext<'_>) {
        plan::modify_plan(client, plan).await;
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
        if current.connections.is_known() {
            if let Some(system) = live::system(client, &current).await? {
                current.connections = Field::Known(live::observe(&system, &current).await?);
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
        files::remove_all(&prior.files.into_known().unwrap_or_default()).map_err(Diagnostics::from)
    }
}
