//! From the configured account to the claims of its JWT, and the checks that span
//! several attributes (so they fail at plan time with the attribute's path).

use super::schema::{AccountModel, JetStreamModel, LimitsModel};
use crate::framework::diagnostics::Diagnostics;
use crate::framework::value::{AttributePath, Value};
use crate::nats::jwt::{
    Account, AccountLimits, Export, ExportType, Import, JetStreamLimits, Permissions, SigningKey,
    UserScope, WeightedMapping, NO_LIMIT,
};
use crate::provider::resources::auth_common::{check_public_key, parse_duration_nanos, KeyKind};
use std::collections::BTreeMap;

/// Checks no single attribute's validator can make. `config` may hold unknowns.
pub fn validate(config: &Value, diagnostics: &mut Diagnostics) {
    let present = |name: &str| config.attr(name).is_some_and(|v| !v.is_null());
    if present("jetstream") && present("jetstream_tiers") {
        diagnostics.attribute_error(
            &AttributePath::attr("jetstream_tiers"),
            "Conflicting JetStream limits",
            "Set either `jetstream` (one set of limits for the whole account) or `jetstream_tiers` (limits per replica count), not both.",
        );
    }
    if let Some(Value::Map(tiers)) = config.attr("jetstream_tiers") {
        for tier in tiers.keys() {
            let valid = tier
                .strip_prefix('R')
                .is_some_and(|n| n.parse::<u8>().is_ok_and(|n| (1..=5).contains(&n)));
            if !valid {
                diagnostics.attribute_error(
                    &AttributePath::attr("jetstream_tiers").key(tier),
                    "Invalid JetStream tier",
                    format!("{tier:?} is not a tier: use `R1` to `R5` (the replica count)."),
                );
            }
        }
    }
    if let Some(Value::List(exports)) = config.attr("exports") {
        for (index, export) in exports.iter().enumerate() {
            // `type` defaults to stream, so unset (null) counts as stream too.
            let is_stream = match export.attr("type") {
                None | Some(Value::Null) => true,
                Some(kind) => kind.as_str() == Some("stream"),
            };
            for service_only in [
                "response_type",
                "response_threshold",
                "latency_sampling",
                "latency_subject",
            ] {
                if is_stream && export.attr(service_only).is_some_and(|v| !v.is_null()) {
                    diagnostics.attribute_error(
                        &AttributePath::attr("exports").index(index).child(service_only),
                        "Not for stream exports",
                        format!("`{service_only}` applies to service exports only; set `type = \"service\"` or remove it."),
                    );
                }
            }
            if let Some(sampling) = export.attr("latency_sampling").and_then(Value::as_str) {
                let valid = sampling == "headers"
                    || sampling.parse::<u8>().is_ok_and(|p| (1..=100).contains(&p));
                if !valid {
                    diagnostics.attribute_error(
                        &AttributePath::attr("exports")
                            .index(index)
                            .child("latency_sampling"),
                        "Invalid latency sampling",
                        format!("{sampling:?}: use a percentage from 1 to 100, or `headers`."),
                    );
                }
            }
        }
    }
    if let Some(Value::Map(revocations)) = config.attr("revocations") {
        for key in revocations.keys() {
            if key != "*" {
                if let Err(problem) = check_public_key(key, KeyKind::User) {
                    diagnostics.attribute_error(
                        &AttributePath::attr("revocations").key(key),
                        "Invalid revocation",
                        format!("Revocations are keyed by user public key or `*`: {problem}."),
                    );
                }
            }
        }
    }
    check_mapping_weights(config, diagnostics);
}

/// The destinations of one source subject share 100 percent.
fn check_mapping_weights(config: &Value, diagnostics: &mut Diagnostics) {
    let Some(Value::List(mappings)) = config.attr("mappings") else {
        return;
    };
    let mut totals: BTreeMap<&str, (i64, usize)> = BTreeMap::new();
    for (index, mapping) in mappings.iter().enumerate() {
        let source = mapping.attr("source").and_then(Value::as_str);
        let weight = mapping
            .attr("weight")
            .and_then(Value::as_number)
            .and_then(|n| n.to_i64())
            .unwrap_or(100);
        if let Some(source) = source {
            let entry = totals.entry(source).or_insert((0, index));
            entry.0 += weight;
            entry.1 = index;
        }
    }
    for (source, (total, last)) in totals {
        if total > 100 {
            diagnostics.attribute_error(
                &AttributePath::attr("mappings").index(last).child("weight"),
                "Mapping weights exceed 100",
                format!(
                    "The destinations of {source:?} weigh {total} percent together; at most 100."
                ),
            );
        }
    }
}

fn jetstream_limits(model: &JetStreamModel) -> JetStreamLimits {
    JetStreamLimits {
        mem_storage: model.mem_storage.unwrap_or(NO_LIMIT),
        disk_storage: model.disk_storage.unwrap_or(NO_LIMIT),
        streams: model.streams.unwrap_or(NO_LIMIT),
        consumer: model.consumers.unwrap_or(NO_LIMIT),
        max_ack_pending: model.max_ack_pending.unwrap_or(NO_LIMIT),
        mem_max_stream_bytes: model.mem_max_stream_bytes.unwrap_or(0),
        disk_max_stream_bytes: model.disk_max_stream_bytes.unwrap_or(0),
        max_bytes_required: model.max_bytes_required.unwrap_or(false),
    }
}

fn limits(model: &AccountModel) -> AccountLimits {
    let given = model.limits.as_ref();
    let get = |pick: fn(&LimitsModel) -> Option<i64>| given.and_then(pick).unwrap_or(NO_LIMIT);
    AccountLimits {
        subs: get(|l| l.subscriptions),
        data: get(|l| l.data),
        payload: get(|l| l.payload),
        imports: get(|l| l.imports),
        exports: get(|l| l.exports),
        wildcard_exports: given.and_then(|l| l.wildcard_exports).unwrap_or(true),
        disallow_bearer: given.and_then(|l| l.disallow_bearer).unwrap_or(false),
        conn: get(|l| l.connections),
        leaf: get(|l| l.leaf_connections),
        jetstream: model
            .jetstream
            .as_ref()
            .map(jetstream_limits)
            .unwrap_or_default(),
        tiered_jetstream: model
            .jetstream_tiers
            .iter()
            .flatten()
            .map(|(tier, limits)| (tier.clone(), jetstream_limits(limits)))
            .collect(),
    }
}

fn kind(text: Option<&str>) -> ExportType {
    match text {
        Some("service") => ExportType::Service,
        _ => ExportType::Stream,
    }
}

/// The account's `nats` claims, as configured.
pub fn account_body(model: &AccountModel) -> Account {
    let exports = model
        .exports
        .iter()
        .flatten()
        .map(|e| Export {
            name: e.name.clone().unwrap_or_default(),
            subject: e.subject.clone(),
            kind: kind(e.kind.as_deref()),
            token_req: e.token_required.unwrap_or(false),
            response_type: e.response_type.clone().unwrap_or_default(),
            response_threshold: e
                .response_threshold
                .as_deref()
                .and_then(|t| parse_duration_nanos(t).ok())
                .unwrap_or(0),
            latency: e.latency_sampling.as_ref().map(|sampling| {
                let sampling = sampling
                    .parse::<u8>()
                    .map(serde_json::Value::from)
                    .unwrap_or_else(|_| sampling.clone().into());
                serde_json::json!({
                    "sampling": sampling,
                    "results": e.latency_subject.clone().unwrap_or_default(),
                })
            }),
            account_token_position: e.account_token_position.unwrap_or(0),
            advertise: e.advertise.unwrap_or(false),
            description: e.description.clone().unwrap_or_default(),
            info_url: e.info_url.clone().unwrap_or_default(),
            ..Export::default()
        })
        .collect();
    let imports = model
        .imports
        .iter()
        .flatten()
        .map(|i| Import {
            name: i.name.clone().unwrap_or_default(),
            subject: i.subject.clone(),
            account: i.account.clone(),
            token: i.token.clone().unwrap_or_default(),
            local_subject: i.local_subject.clone().unwrap_or_default(),
            kind: kind(i.kind.as_deref()),
            share: i.share.unwrap_or(false),
            ..Import::default()
        })
        .collect();
    let mut signing_keys: Vec<SigningKey> = model
        .signing_keys
        .iter()
        .flatten()
        .map(|key| SigningKey::Plain(key.clone()))
        .collect();
    signing_keys.extend(model.scoped_signing_keys.iter().flatten().map(|scoped| {
        SigningKey::Scoped(Box::new(UserScope {
            key: scoped.key.clone(),
            role: scoped.role.clone().unwrap_or_default(),
            template: scoped.template.clone().unwrap_or_default().to_claims(),
            description: scoped.description.clone().unwrap_or_default(),
            ..UserScope::default()
        }))
    }));
    let default_permissions = model
        .default_permissions
        .as_ref()
        .map(|p| Permissions {
            publish: p.publish(),
            subscribe: p.subscribe(),
            response: p.response(),
        })
        .unwrap_or_default();
    let mut mappings: BTreeMap<String, Vec<WeightedMapping>> = BTreeMap::new();
    for mapping in model.mappings.iter().flatten() {
        mappings
            .entry(mapping.source.clone())
            .or_default()
            .push(WeightedMapping {
                subject: mapping.destination.clone(),
                weight: mapping
                    .weight
                    .and_then(|w| u8::try_from(w).ok())
                    .unwrap_or(100),
                cluster: mapping.cluster.clone().unwrap_or_default(),
            });
    }
    Account {
        imports,
        exports,
        limits: limits(model),
        signing_keys,
        revocations: model.revocations.clone().unwrap_or_default(),
        default_permissions,
        mappings,
        description: model.description.clone().unwrap_or_default(),
        info_url: model.info_url.clone().unwrap_or_default(),
        tags: model.tags.clone().unwrap_or_default(),
        ..Account::default()
    }
}
