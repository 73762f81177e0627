//! What the consumer's plan knows before apply: its ID, the values the server will
//! set for what was left out, which deliver flags the configuration spells, what
//! replaces the consumer, whether the pause is managed, and the server's rules judged
//! against the stream as it is now.

use super::convert;
use super::model::ConsumerModel;
use super::schema::{FLOW_CONTROL_HEARTBEAT, PIN_TIMEOUT};
use super::stream_rules::{judge, StreamFacts};
use crate::framework::value::{AttributePath, Value};
use crate::framework::PlanContext;
use crate::nats::jetstream::{DeliverPolicy, RetentionPolicy};
use crate::provider::client::NatsClient;

const DELIVER_FLAGS: [(&str, DeliverPolicy); 4] = [
    ("deliver_all", DeliverPolicy::All),
    ("deliver_last", DeliverPolicy::Last),
    ("deliver_new", DeliverPolicy::New),
    ("deliver_last_per_subject", DeliverPolicy::LastPerSubject),
];

/// The configured value when the configuration holds a known one (not null).
fn configured<'a>(plan: &'a PlanContext<'_>, name: &str) -> Option<&'a Value> {
    plan.config
        .attr(name)
        .filter(|v| !v.is_null() && v.is_wholly_known())
}

fn number(n: i64) -> Value {
    Value::Number(n.into())
}

fn left_out(plan: &PlanContext<'_>, name: &str) -> bool {
    plan.config.attr(name).is_some_and(Value::is_null)
}

fn planned_text<'a>(plan: &'a PlanContext<'_>, name: &str) -> Option<&'a str> {
    plan.planned().attr(name).and_then(Value::as_str)
}

/// Values the server sets itself when they are left out, planned as it will hold them
/// so the apply returns what the plan said.
pub fn plan_server_defaults(plan: &mut PlanContext<'_>) {
    let ack_policy = planned_text(plan, "ack_policy").map(str::to_string);
    let flow_acks = ack_policy.as_deref() == Some("flow_control");
    // With backoff the server waits the first step for an acknowledgement; flow-control
    // acks wait for none.
    let first_step = plan
        .planned()
        .attr("backoff")
        .and_then(Value::as_elements)
        .and_then(|steps| steps.first().cloned())
        .filter(Value::is_wholly_known);
    if left_out(plan, "ack_wait") {
        if flow_acks {
            plan.set("ack_wait", number(0));
        } else if let Some(step) = first_step {
            plan.set("ack_wait", step);
        }
    }
    if flow_acks {
        if left_out(plan, "flow_control") {
            plan.set("flow_control", Value::Bool(true));
        }
        if left_out(plan, "heartbeat") {
            plan.set("heartbeat", number(FLOW_CONTROL_HEARTBEAT));
        }
    }
    // A push consumer without acks has no pending acknowledgements to limit.
    let push = configured(plan, "delivery_subject").is_some();
    if push && ack_policy.as_deref() == Some("none") && left_out(plan, "max_ack_pending") {
        plan.set("max_ack_pending", number(-1));
    }
    let pinned = planned_text(plan, "priority_policy") == Some("pinned_client");
    if pinned && left_out(plan, "priority_timeout") {
        plan.set("priority_timeout", number(PIN_TIMEOUT));
    }
}

/// Plans the four deliver flags from the configuration: the flags left out follow
/// the policy the configured ones (or `stream_sequence`/`start_time`) spell. `None`
/// while any of them is unknown.
pub fn plan_deliver_flags(plan: &mut PlanContext<'_>) -> Option<ConsumerModel> {
    let known = |name: &str| {
        plan.planned()
            .attr(name)
            .is_some_and(Value::is_wholly_known)
    };
    if !known("stream_sequence") || !known("start_time") {
        return None;
    }
    let mut spelled = ConsumerModel {
        stream_sequence: plan
            .planned()
            .attr("stream_sequence")
            .and_then(Value::as_number)
            .and_then(|n| n.to_u64()),
        start_time: planned_text(plan, "start_time").map(str::to_string),
        ..ConsumerModel::default()
    };
    for (name, _) in DELIVER_FLAGS {
        let configured = plan.config.attr(name).cloned().unwrap_or(Value::Null);
        if !configured.is_wholly_known() {
            return None;
        }
        let on = configured.as_bool();
        match name {
            "deliver_all" => spelled.deliver_all = on,
            "deliver_last" => spelled.deliver_last = on,
            "deliver_new" => spelled.deliver_new = on,
            _ => spelled.deliver_last_per_subject = on,
        }
    }
    let policy = convert::deliver_policy(&spelled);
    for (name, flag_policy) in DELIVER_FLAGS {
        if left_out(plan, name) {
            plan.set(name, Value::Bool(policy == flag_policy));
        }
    }
    Some(spelled)
}

pub fn time_of(text: Option<&str>) -> Option<time::OffsetDateTime> {
    text.and_then(|t| {
        time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).ok()
    })
}

/// Where a consumer starts, as the server compares it on update.
fn start_of(model: &ConsumerModel) -> (DeliverPolicy, u64, Option<time::OffsetDateTime>) {
    let policy = convert::deliver_policy(model);
    let sequence = model.stream_sequence.unwrap_or(0);
    let time = time_of(model.start_time.as_deref());
    (policy, sequence, time)
}

/// What the server never changes on an existing consumer, beyond the schema's own
/// replace rules: its stream and domain, and where it starts.
pub fn plan_replacement(
    plan: &mut PlanContext<'_>,
    prior: &ConsumerModel,
    spelled: &ConsumerModel,
) {
    let identity_known = ["stream_id", "durable_name", "domain"].iter().all(|name| {
        plan.planned()
            .attr(name)
            .is_some_and(Value::is_wholly_known)
    });
    if let Ok(model) = plan.planned_model::<ConsumerModel>() {
        if identity_known {
            let (before, after) = (prior.address(), model.address());
            if before.stream != after.stream {
                plan.require_replace(AttributePath::attr("stream_id"));
            }
            if before.domain != after.domain {
                plan.require_replace(AttributePath::attr("domain"));
            }
        }
    }
    let (before, after) = (start_of(prior), start_of(spelled));
    if before.0 != after.0 {
        let flag = DELIVER_FLAGS
            .iter()
            .find(|(_, p)| *p == after.0)
            .map(|(name, _)| *name)
            .unwrap_or(match after.0 {
                DeliverPolicy::ByStartSequence => "stream_sequence",
                _ => "start_time",
            });
        plan.require_replace(AttributePath::attr(flag));
    } else if before.1 != after.1 {
        plan.require_replace(AttributePath::attr("stream_sequence"));
    } else if before.2 != after.2 {
        plan.require_replace(AttributePath::attr("start_time"));
    }
}

/// `pause_until` left out is not managed: the pause the server holds (one an operator
/// set with `nats consumer pause`, say) stays as it is. A new consumer starts unpaused.
pub fn plan_pause(plan: &mut PlanContext<'_>) {
    if !left_out(plan, "pause_until") {
        return;
    }
    let kept = if plan.change.requires_replace.is_empty() {
        plan.prior
            .attr("pause_until")
            .cloned()
            .unwrap_or(Value::Null)
    } else {
        Value::Null
    };
    plan.set("pause_until", kept);
}

/// The framework marks computed values "known after apply" when its own plan (made
/// before the refinements above) differs from the prior state. When the refinements
/// bring the plan back to the prior state, nothing changes: the values stay known.
pub fn keep_unchanged(plan: &mut PlanContext<'_>) {
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
    let mut settled = plan.planned().clone();
    if let Value::Object(slots) = &mut settled {
        for (name, slot) in slots.iter_mut() {
            if slot.is_unknown() && left_out(plan, name) {
                *slot = plan.prior.attr(name).cloned().unwrap_or(Value::Null);
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

/// Judges the planned consumer against its stream as the server holds it now. Only for
/// a configuration known in full (Terraform plans again with the final values before
/// applying) and a consumer that changes; skipped when the stream cannot be read, e.g.
/// because the same apply creates it.
pub async fn check_against_stream(client: &NatsClient, plan: &mut PlanContext<'_>) {
    let unchanged = !plan.is_create() && plan.planned().eq_semantic(plan.prior);
    if unchanged || !plan.config.is_wholly_known() {
        return;
    }
    let Ok(model) = plan.planned_model::<ConsumerModel>() else {
        return;
    };
    let Ok(api) = client.jetstream(model.effective_domain().as_deref()).await else {
        return;
    };
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
