//! The plan-time work every stream and bucket shares, over its model: warn about the
//! data a replacement or destroy would lose, plan the ID, refuse replicas and
//! placement changed together, and settings newer than the domain's server.

use super::server_level::{self, NewerSetting};
use super::{force_destroy, Kind};
use crate::framework::value::AttributePath;
use crate::framework::{Field, PlanContext};
use crate::provider::client::NatsClient;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// What the shared plan-time code reads from a stream or bucket model.
pub trait JetStreamModel: Serialize + DeserializeOwned + PartialEq {
    fn name(&self) -> &Field<String>;
    fn domain(&self) -> &Field<String>;
    fn force_destroy(&self) -> &Field<bool>;
    fn replicas(&self) -> &Field<i64>;
    fn placement_cluster(&self) -> &Field<String>;
    fn placement_tags(&self) -> &Field<Vec<String>>;
    fn id_mut(&mut self) -> &mut Field<String>;
    /// The settings in use that an older nats-server would silently drop.
    fn newer_settings(&self) -> Vec<NewerSetting> {
        Vec::new()
    }
}

pub async fn refine<M: JetStreamModel>(
    client: &NatsClient,
    kind: &Kind,
    plan: &mut PlanContext<'_>,
) {
    let prior = plan.read_prior::<M>();
    if let Some(prior) = &prior {
        force_destroy::warn_on_plan(client, kind, plan, prior).await;
    }
    if plan.is_destroy() {
        return;
    }
    let Some(mut planned) = plan.read_planned::<M>() else {
        return;
    };
    // A refresh plans the ID the state already has: write it back only when it differs.
    let id = kind.planned_id(planned.name(), planned.domain());
    if *planned.id_mut() != id {
        *planned.id_mut() = id.clone();
        plan.update_planned(|planned: &mut M| *planned.id_mut() = id);
    }
    let in_place = plan.change.requires_replace.is_empty();
    if let (Some(prior), true) = (&prior, in_place) {
        replicas_and_placement(kind, prior, &planned, plan);
    }
    // Only what this plan sends: an unchanged object was accepted by its server.
    let sends = prior.as_ref().is_none_or(|prior| *prior != planned);
    let newer = planned.newer_settings();
    if !sends || newer.is_empty() {
        return;
    }
    // Not configured yet (values known only after apply): judged before the request.
    if let Ok(api) = client
        .jetstream(planned.domain().known().map(String::as_str))
        .await
    {
        let refused = server_level::check(&api, kind.noun, &newer).await;
        plan.diagnostics.extend(refused);
    }
}

/// nats-server refuses to change replicas and placement in one update: say so at plan
/// time instead of failing half-way through an apply.
fn replicas_and_placement<M: JetStreamModel>(
    kind: &Kind,
    prior: &M,
    planned: &M,
    plan: &mut PlanContext<'_>,
) {
    let placement_changed = prior.placement_cluster() != planned.placement_cluster()
        || prior.placement_tags() != planned.placement_tags();
    if prior.replicas() != planned.replicas() && placement_changed {
        plan.diagnostics.attribute_error(
            &AttributePath::attr("replicas"),
            "Replicas and placement cannot change together",
            format!(
                "nats-server refuses to change a {}'s replicas and its placement in one update. \
                 Apply one change, then the other.",
                kind.noun
            ),
        );
    }
}
