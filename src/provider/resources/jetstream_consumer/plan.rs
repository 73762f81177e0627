//! What the consumer's plan knows before apply: its ID, the values the server will
//! set for what was left out, which deliver flags the configuration spells, what
//! replaces the consumer, whether the pause is managed, and the server's rules judged
//! against the stream as it is now.

use super::convert::{self, start_attribute};
use super::model::{instant, ConsumerModel};
use super::schema::{ACK_WAIT, FLOW_CONTROL_HEARTBEAT, PIN_TIMEOUT};
use super::stream_rules::{judge, StreamFacts};
use super::versions;
use crate::framework::typed;
use crate::framework::value::{AttributePath, Value};
use crate::framework::{Field, PlanContext};
use crate::nats::jetstream::{AckPolicy, DeliverPolicy, PriorityPolicy, RetentionPolicy};
use crate::provider::client::NatsClient;

/// Whether every top-level value is either known in full or unknown as a whole: the
/// model cannot hold a list with some elements unknown, so such a plan keeps the
/// framework's values (computed ones known after apply) until they are known.
fn readable(value: &Value) -> bool {
    match value {
        Value::Object(slots) => slots
            .values()
            .all(|slot| slot.is_unknown() || slot.is_wholly_known()),
        _ => true,
    }
}

/// The configuration as written: null where it leaves a value out (no defaults).
fn as_written(plan: &PlanContext<'_>) -> Option<ConsumerModel> {
    if !readable(plan.config) || !readable(plan.planned()) || !readable(plan.prior) {
        return None;
    }
    typed::from_value(plan.config).ok()
}

/// `ack_wait` when the configuration leaves it out: none with flow-control acks, the
/// first backoff step with a backoff, else the server's default. Unknown while what
/// decides it is.
pub fn ack_wait_left_out(model: &ConsumerModel) -> Field<i64> {
    match (model.ack_policy, model.backoff.as_ref()) {
        (Field::Known(AckPolicy::FlowControl), _) => Field::Known(0),
        (Field::Unknown, _) | (_, Field::Unknown) => Field::Unknown,
        (_, Field::Known(steps)) if !steps.is_empty() => Field::Known(steps[0]),
        _ => Field::Known(ACK_WAIT),
    }
}

/// Values the server sets itself when they are left out, planned as it will hold them
/// so the apply returns what the plan said.
fn plan_server_defaults(planned: &mut ConsumerModel, written: &ConsumerModel) {
    if written.ack_wait.is_null() {
        planned.ack_wait = ack_wait_left_out(planned);
    }
    if planned.ack_policy == Field::Known(AckPolicy::FlowControl) {
        if written.flow_control.is_null() {
            planned.flow_control = Field::Known(true);
        }
        if written.heartbeat.is_null() {
            planned.heartbeat = Field::Known(FLOW_CONTROL_HEARTBEAT);
        }
    }
    // A push consumer without acks has no pending acknowledgements to limit.
    let push = written.delivery_subject.is_known();
    if push
        && planned.ack_policy == Field::Known(AckPolicy::None)
        && written.max_ack_pending.is_null()
    {
        planned.max_ack_pending = Field::Known(-1);
    }
    let pinned = planned.priority_policy == Field::Known(PriorityPolicy::PinnedClient);
    if pinned && written.priority_timeout.is_null() {
        planned.priority_timeout = Field::Known(PIN_TIMEOUT);
    }
}

/// The deliver flags as written with the planned start sequence and time; `None`
/// while any of them is unknown.
fn spelled_start(planned: &ConsumerModel, written: &ConsumerModel) -> Option<ConsumerModel> {
    let flags = [
        &written.deliver_all,
        &written.deliver_last,
        &written.deliver_new,
        &written.deliver_last_per_subject,
    ];
    let decided = flags.iter().all(|f| !f.is_unknown())
        && !planned.stream_sequence.is_unknown()
        && !planned.start_time.is_unknown();
    decided.then(|| ConsumerModel {
        deliver_all: written.deliver_all,
        deliver_last: written.deliver_last,
        deliver_new: written.deliver_new,
        deliver_last_per_subject: written.deliver_last_per_subject,
        stream_sequence: planned.stream_sequence,
        start_time: planned.start_time.clone(),
        ..ConsumerModel::default()
    })
}

/// The flags left out follow the policy the written ones (or `stream_sequence` /
/// `start_time`) spell.
fn plan_deliver_flags(planned: &mut ConsumerModel, written: &ConsumerModel, policy: DeliverPolicy) {
    let flags = [
        (
            &mut planned.deliver_all,
            &written.deliver_all,
            DeliverPolicy::All,
        ),
        (
            &mut planned.deliver_last,
            &written.deliver_last,
            DeliverPolicy::Last,
        ),
        (
            &mut planned.deliver_new,
            &written.deliver_new,
            DeliverPolicy::New,
        ),
        (
            &mut planned.deliver_last_per_subject,
            &written.deliver_last_per_subject,
            DeliverPolicy::LastPerSubject,
        ),
    ];
    for (slot, written, flag_policy) in flags {
        if written.is_null() {
            *slot = Field::Known(policy == flag_policy);
        }
    }
}

/// Where a consumer starts, as the server compares it on update.
fn start_of(model: &ConsumerModel) -> (DeliverPolicy, u64, Option<time::OffsetDateTime>) {
    let policy = convert::deliver_policy(model);
    let sequence = model.stream_sequence.known().copied().unwrap_or(0);
    let time = model.start_time.known().and_then(|t| instant(t));
    (policy, sequence, time)
}

/// What the server never changes on an existing consumer, beyond the schema's own
/// replace rules: its stream and domain, and where it starts.
fn replaced_by(
    prior: &ConsumerModel,
    planned: &ConsumerModel,
    spelled: Option<&ConsumerModel>,
) -> Vec<&'static str> {
    let mut found = Vec::new();
    if planned.address_known() {
        let (before, after) = (prior.address(), planned.address());
        if before.stream != after.stream {
            found.push("stream_id");
        }
        if before.domain != after.domain {
            found.push("domain");
        }
    }
    if let Some(spelled) = spelled {
        let (before, after) = (start_of(prior), start_of(spelled));
        if before.0 != after.0 {
            found.push(start_attribute(after.0));
        } else if before.1 != after.1 {
            found.push("stream_sequence");
        } else if before.2 != after.2 {
            found.push("start_time");
        }
    }
    found
}

/// Refines the framework's plan: ID, server defaults, deliver flags, replacement, the
/// pause, and unchanged values kept known.
pub fn refine(plan: &mut PlanContext<'_>) {
    let Some(written) = as_written(plan) else {
        return;
    };
    let prior = plan.read_prior::<ConsumerModel>();
    let mut spelled = None;
    plan.update_planned(|planned: &mut ConsumerModel| {
        // The ID follows from stream, name and domain: known before apply.
        if planned.address_known() {
            planned.id = Field::Known(planned.address().id());
        }
        plan_server_defaults(planned, &written);
        spelled = spelled_start(planned, &written);
        if let Some(spelled) = &spelled {
            plan_deliver_flags(planned, &written, convert::deliver_policy(spelled));
        }
    });
    if let (Some(prior), Some(planned)) = (&prior, plan.read_planned::<ConsumerModel>()) {
        for attribute in replaced_by(prior, &planned, spelled.as_ref()) {
            plan.require_replace(AttributePath::attr(attribute));
        }
    }
    keep_unchanged(plan);
    // `pause_until` left out is not managed: the pause the server holds (one an
    // operator set with `nats consumer pause`, say) stays. A new consumer starts unpaused.
    if written.pause_until.is_null() {
        let kept = match &prior {
            Some(prior) if !creates(plan) => prior.pause_until.clone(),
            _ => Field::Null,
        };
        plan.update_planned(|planned: &mut ConsumerModel| planned.pause_until = kept);
    }
}

/// The framework marks computed values "known after apply" when its own plan (made
/// before the refinements above) differs from the prior state. When the refinements
/// bring the plan back to the prior state, nothing changes: the values stay known.
fn keep_unchanged(plan: &mut PlanContext<'_>) {
    if plan.is_create() {
        return;
    }
    // Replace rules the framework applied to its own plan hold only where the
    // refined plan still changes the value.
    let (prior, planned) = (plan.prior, &plan.change.planned);
    let still_changing = |path: &AttributePath| {
        let before = prior.get_path(path).unwrap_or(&Value::Null);
        !planned
            .get_path(path)
            .is_some_and(|after| after.eq_semantic(before))
    };
    let kept: Vec<AttributePath> = plan
        .change
        .requires_replace
        .iter()
        .filter(|path| still_changing(path))
        .cloned()
        .collect();
    plan.change.requires_replace = kept;
    if !plan.change.requires_replace.is_empty() {
        return;
    }
    let (Value::Object(config), Value::Object(prior)) = (plan.config, plan.prior) else {
        return;
    };
    let mut settled = plan.planned().clone();
    if let Value::Object(slots) = &mut settled {
        for (name, slot) in slots.iter_mut() {
            let left_out = config.get(name).is_none_or(Value::is_null);
            if slot.is_unknown() && left_out {
                *slot = prior.get(name).cloned().unwrap_or(Value::Null);
            }
        }
    }
    if settled.eq_semantic(plan.prior) {
        plan.change.planned = settled;
    }
}

/// Whether the consumer will be created on the server by this plan (new or replaced).
pub fn creates(plan: &PlanContext<'_>) -> bool {
    plan.is_create() || !plan.change.requires_replace.is_empty()
}

/// Judges the planned consumer against the server of its domain (settings newer than
/// it, see `versions.rs`) and its stream as the server holds it now. Only for
/// a configuration known in full (Terraform plans again with the final values before
/// applying) and a consumer that changes; skipped when the stream cannot be read, e.g.
/// because the same apply creates it.
pub async fn check_against_stream(client: &NatsClient, plan: &mut PlanContext<'_>) {
    let unchanged = !plan.is_create() && plan.planned().eq_semantic(plan.prior);
    if unchanged || !plan.config.is_wholly_known() {
        return;
    }
    let Some(model) = plan.read_planned::<ConsumerModel>() else {
        return;
    };
    let Ok(api) = client.jetstream(model.effective_domain().as_deref()).await else {
        return;
    };
    let refused = versions::check(client, &api, &model).await;
    if refused.has_errors() {
        plan.diagnostics.extend(refused);
        return;
    }
    let stream = model.stream().name;
    let info = match api.stream_info(&stream).await {
        Ok(Some(info)) => info,
        Ok(None) => return,
        Err(error) => {
            tracing::debug!(%error, stream, "Stream not read at plan time; the server judges the consumer at apply");
            return;
        }
    };
    let consumers = if info.config.retention == RetentionPolicy::WorkQueue {
        match api.list_consumers(&stream).await {
            Ok(consumers) => consumers,
            Err(error) => {
                tracing::debug!(%error, stream, "Consumers not listed at plan time");
                return;
            }
        }
    } else {
        Vec::new()
    };
    let facts = StreamFacts::new(&info, &consumers);
    for found in judge(&model, &facts, creates(plan)) {
        plan.diagnostics.attribute_error(
            &AttributePath::attr(found.attribute),
            found.summary,
            found.detail,
        );
    }
}
