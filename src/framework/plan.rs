//! THE planning algorithm, written once for every resource: defaults, write-only
//! attributes, "known after apply" only when something changes, replace rules and
//! destroy plans. Resources refine the result afterwards with their own knowledge.

use super::schema::{Attribute, Block, Member, NestedBlock, Nesting, ReplaceRule, Schema};
use super::value::{AttributePath, Value};
use std::collections::btree_map;
use std::iter::Peekable;

/// What the framework plans before a resource adds its own refinements.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedChange {
    pub planned: Value,
    pub requires_replace: Vec<AttributePath>,
}

/// Plans the change from `prior` (null when creating) to Terraform's `proposed` new state
/// (null when destroying), given the configuration it came from.
pub fn plan_resource_change(
    schema: &Schema,
    prior: &Value,
    proposed: &Value,
    config: &Value,
) -> PlannedChange {
    if proposed.is_null() {
        return PlannedChange {
            planned: Value::Null,
            requires_replace: Vec::new(),
        };
    }
    let level = Level::of(&schema.block);
    let mut planned = proposed.clone();
    apply_defaults(level, &mut planned, Some(config), WriteOnly::Clear);

    let mut requires_replace = Vec::new();
    if !prior.is_null() {
        collect_replacements(
            level,
            prior,
            &planned,
            &AttributePath::root(),
            &mut requires_replace,
        );
    }
    // Unchanged objects keep their computed values; only a change (or a new object)
    // makes computed attributes "known after apply", so refreshes never show diffs.
    if prior.is_null() || !planned.eq_semantic(prior) {
        let keep_from = if requires_replace.is_empty() && !prior.is_null() {
            Some(prior)
        } else {
            None
        };
        mark_computed_unknown(level, &mut planned, Some(config), keep_from);
    }
    PlannedChange {
        planned,
        requires_replace,
    }
}

/// `value` (a configuration or a state) with the schema's default wherever an attribute
/// that has one is null: what the configuration means, and what a model reads.
pub fn with_defaults(schema: &Schema, value: &Value) -> Value {
    let mut filled = value.clone();
    apply_defaults(Level::of(&schema.block), &mut filled, None, WriteOnly::Keep);
    filled
}

/// `planned` with the write-only values of `config` put back, at every level: they
/// exist only in the configuration, and create/update need them. Set elements cannot
/// be paired with their configuration, so write-only attributes inside sets are not
/// supported (the consistency test refuses them).
pub fn with_write_only(schema: &Schema, planned: &Value, config: &Value) -> Value {
    let mut merged = planned.clone();
    write_only_from(Level::of(&schema.block), &mut merged, config);
    merged
}

fn write_only_from(level: Level<'_>, value: &mut Value, config: &Value) {
    if !matches!(value, Value::Object(_)) {
        return;
    }
    for attribute in level.attributes.iter().filter(|a| a.write_only) {
        if let (Some(slot), Some(configured)) = (
            value.attr_mut(&attribute.name),
            config.attr(&attribute.name),
        ) {
            *slot = configured.clone();
        }
    }
    for (name, nesting, inner) in level.children_with_objects() {
        let configured = config.attr(name);
        if let Some(slot) = value.attr_mut(name) {
            for_each_nested_object(nesting, slot, configured, |object, config_object| {
                if let Some(config_object) = config_object {
                    write_only_from(inner, object, config_object);
                }
            });
        }
    }
}

/// After a resource refined the plan: when the refinement brought it back to the prior
/// state, the computed values the framework marked unknown (because the object seemed
/// to change) take their prior values again, and nothing needs replacing. Values the
/// resource itself planned (`set_by_resource`) are left as it planned them.
pub fn settle_unchanged(
    schema: &Schema,
    prior: &Value,
    config: &Value,
    change: &mut PlannedChange,
    set_by_resource: &[AttributePath],
) {
    if prior.is_null() || change.planned.is_null() || change.planned.eq_semantic(prior) {
        return;
    }
    let mut candidate = change.planned.clone();
    restore_computed(
        Level::of(&schema.block),
        &mut candidate,
        Some(config),
        Some(prior),
        &AttributePath::root(),
        set_by_resource,
    );
    if candidate.eq_semantic(prior) {
        change.planned = candidate;
        change.requires_replace.clear();
    }
}

fn restore_computed(
    level: Level<'_>,
    planned: &mut Value,
    config: Option<&Value>,
    prior: Option<&Value>,
    path: &AttributePath,
    set_by_resource: &[AttributePath],
) {
    let (Some(config), Some(prior)) = (config, prior) else {
        return;
    };
    if !matches!(planned, Value::Object(_)) {
        return;
    }
    for attribute in level.attributes.iter().filter(|a| a.computed) {
        let attribute_path = path.child(&attribute.name);
        let configured = attr_or_null(Some(config), &attribute.name);
        if !configured.is_null() || set_by_resource.contains(&attribute_path) {
            continue;
        }
        if let (Some(slot), Some(before)) = (
            planned.attr_mut(&attribute.name),
            prior.attr(&attribute.name),
        ) {
            if slot.is_unknown() {
                *slot = before.clone();
            }
        }
    }
    for (name, nesting, inner) in level.children_with_objects() {
        let configured = config.attr(name);
        let prior_value = prior.attr(name);
        let child_path = path.child(name);
        if let Some(slot) = planned.attr_mut(name) {
            let mut index = 0usize;
            for_each_nested_object(nesting, slot, configured, |object, config_object| {
                let (prior_object, object_path) = match (nesting, prior_value) {
                    (Nesting::Single | Nesting::Group, p) => (p, child_path.clone()),
                    (Nesting::List, Some(Value::List(items))) => {
                        (items.get(index), child_path.index(index))
                    }
                    _ => (None, child_path.index(index)),
                };
                index += 1;
                restore_computed(
                    inner,
                    object,
                    config_object,
                    prior_object,
                    &object_path,
                    set_by_resource,
                );
            });
        }
    }
}

/// Removes write-only values: they must be null in every object returned to Terraform.
pub fn clear_write_only(schema: &Schema, value: &mut Value) {
    clear_write_only_in(Level::of(&schema.block), value);
}

/// A view of "some attributes and some blocks": a block, or the object inside nested
/// attributes (which has no blocks).
#[derive(Clone, Copy)]
struct Level<'a> {
    attributes: &'a [Attribute],
    blocks: &'a [NestedBlock],
    /// The block itself, for its members in name order; none for nested attributes.
    block: Option<&'a Block>,
}

impl<'a> Level<'a> {
    fn of(block: &'a Block) -> Self {
        Level {
            attributes: &block.attributes,
            blocks: &block.blocks,
            block: Some(block),
        }
    }

    fn nested(attributes: &'a [Attribute]) -> Self {
        Level {
            attributes,
            blocks: &[],
            block: None,
        }
    }

    /// Every child that holds nested objects, with its nesting and the level inside.
    fn children_with_objects(&self) -> impl Iterator<Item = (&'a str, Nesting, Level<'a>)> {
        let nested_attributes = self.attributes.iter().filter_map(|a| {
            a.nested_attributes()
                .map(|(nesting, attrs)| (a.name.as_str(), nesting, Level::nested(attrs)))
        });
        let blocks = self
            .blocks
            .iter()
            .map(|b| (b.type_name.as_str(), b.nesting, Level::of(&b.block)));
        nested_attributes.chain(blocks)
    }

    fn has_replace_rule(&self) -> bool {
        self.attributes
            .iter()
            .any(|a| !matches!(a.replace, ReplaceRule::Never))
            || self
                .blocks
                .iter()
                .any(|b| !matches!(b.replace, ReplaceRule::Never))
            || self
                .children_with_objects()
                .any(|(_, _, inner)| inner.has_replace_rule())
    }
}

fn attr_or_null<'v>(object: Option<&'v Value>, name: &str) -> &'v Value {
    object.and_then(|o| o.attr(name)).unwrap_or(&Value::Null)
}

/// Pairs the known objects of a nested value with their counterparts in another value
/// (by index or key). Sets have no stable pairing, so their elements pair with nothing.
fn for_each_nested_object(
    nesting: Nesting,
    value: &mut Value,
    other: Option<&Value>,
    mut f: impl FnMut(&mut Value, Option<&Value>),
) {
    match (nesting, value) {
        (Nesting::Single | Nesting::Group, object @ Value::Object(_)) => f(object, other),
        (Nesting::List, Value::List(items)) => {
            for (i, item) in items.iter_mut().enumerate() {
                let paired = match other {
                    Some(Value::List(others)) => others.get(i),
                    _ => None,
                };
                f(item, paired);
            }
        }
        (Nesting::Map, Value::Map(items)) => {
            for (key, item) in items.iter_mut() {
                let paired = match other {
                    Some(Value::Map(others)) => others.get(key),
                    _ => None,
                };
                f(item, paired);
            }
        }
        (Nesting::Set, Value::Set(items)) => {
            for item in items.iter_mut() {
                f(item, None);
            }
        }
        _ => {}
    }
}

/// Whether defaulting also clears write-only values (as a plan must).
#[derive(Clone, Copy, PartialEq)]
enum WriteOnly {
    Clear,
    Keep,
}

fn apply_defaults(
    level: Level<'_>,
    planned: &mut Value,
    config: Option<&Value>,
    write_only: WriteOnly,
) {
    if !matches!(planned, Value::Object(_)) {
        return;
    }
    if !defaults_side_by_side(level, planned, config, write_only) {
        defaults_by_name(level, planned, config, write_only);
    }
}

/// [`apply_defaults`] for an object holding exactly its block's members: its keys, the
/// configuration's and the members are all in name order, so one walk pairs them with
/// no search per name (most attributes of a JetStream resource have defaults). False,
/// having changed nothing, for any other object.
fn defaults_side_by_side(
    level: Level<'_>,
    planned: &mut Value,
    config: Option<&Value>,
    write_only: WriteOnly,
) -> bool {
    let (Some(block), Value::Object(fields)) = (level.block, planned) else {
        return false;
    };
    let members = block.members_by_name();
    let matching = members.len() == fields.len()
        && fields
            .keys()
            .zip(members)
            .all(|(name, member)| name == block.member_name(*member));
    if !matching {
        return false;
    }
    let mut configured_fields = match config {
        Some(Value::Object(configured)) => Some(configured.iter().peekable()),
        _ => None,
    };
    for ((name, slot), member) in fields.iter_mut().zip(members) {
        let configured = configured_fields
            .as_mut()
            .and_then(|entries| next_entry_named(entries, name));
        match *member {
            Member::Attribute(i) => {
                if let Some(attribute) = level.attributes.get(i) {
                    default_attribute(attribute, slot, config.map(|_| configured), write_only);
                    if let Some((nesting, inner)) = attribute.nested_attributes() {
                        for_each_nested_object(nesting, slot, configured, |object, c| {
                            apply_defaults(Level::nested(inner), object, c, write_only);
                        });
                    }
                }
            }
            Member::Block(i) => {
                if let Some(nested) = level.blocks.get(i) {
                    let inner = Level::of(&nested.block);
                    for_each_nested_object(nested.nesting, slot, configured, |object, c| {
                        apply_defaults(inner, object, c, write_only);
                    });
                }
            }
        }
    }
    true
}

/// The value of `name` from entries sorted by name, skipping the ones before it.
fn next_entry_named<'v>(
    entries: &mut Peekable<btree_map::Iter<'v, String, Value>>,
    name: &str,
) -> Option<&'v Value> {
    while entries.next_if(|(key, _)| key.as_str() < name).is_some() {}
    entries
        .next_if(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// [`apply_defaults`] looking each attribute up by name: for nested attributes (which
/// have no block) and objects whose keys are not their block's members.
fn defaults_by_name(
    level: Level<'_>,
    planned: &mut Value,
    config: Option<&Value>,
    write_only: WriteOnly,
) {
    // Only attributes with a default or a write-only value to clear: looking the others
    // up by name would cost every plan two map searches per attribute for nothing.
    let clear = write_only == WriteOnly::Clear;
    for attribute in level
        .attributes
        .iter()
        .filter(|a| a.default.is_some() || (a.write_only && clear))
    {
        if let Some(slot) = planned.attr_mut(&attribute.name) {
            let configured = config.map(|c| c.attr(&attribute.name));
            default_attribute(attribute, slot, configured, write_only);
        }
    }
    for (name, nesting, inner) in level.children_with_objects() {
        let configured = config.and_then(|c| c.attr(name));
        if let Some(slot) = planned.attr_mut(name) {
            for_each_nested_object(nesting, slot, configured, |object, config_object| {
                apply_defaults(inner, object, config_object, write_only);
            });
        }
    }
}

/// Clears a write-only value (when planning) or puts the default in place of a value
/// left out. `configured` is `None` without a configuration to consult (set elements):
/// then only an empty value takes the default.
fn default_attribute(
    attribute: &Attribute,
    slot: &mut Value,
    configured: Option<Option<&Value>>,
    write_only: WriteOnly,
) {
    if attribute.write_only && write_only == WriteOnly::Clear {
        *slot = Value::Null;
    } else if let Some(default) = &attribute.default {
        let unset = match configured {
            Some(configured) => configured.is_none_or(Value::is_null),
            None => slot.is_null(),
        };
        if unset {
            *slot = default.clone();
        }
    }
}

fn mark_computed_unknown(
    level: Level<'_>,
    planned: &mut Value,
    config: Option<&Value>,
    prior: Option<&Value>,
) {
    let Some(config) = config else {
        return;
    };
    if !matches!(planned, Value::Object(_)) {
        return;
    }
    for attribute in level.attributes {
        if !attribute.computed || attribute.default.is_some() || attribute.write_only {
            continue;
        }
        if !attr_or_null(Some(config), &attribute.name).is_null() {
            continue;
        }
        let kept = prior
            .and_then(|p| p.attr(&attribute.name))
            .filter(|v| attribute.use_state_for_unknown && !v.is_null())
            .cloned();
        if let Some(slot) = planned.attr_mut(&attribute.name) {
            *slot = kept.unwrap_or(Value::Unknown);
        }
    }
    for (name, nesting, inner) in level.children_with_objects() {
        let configured = config.attr(name);
        let prior_value = prior.and_then(|p| p.attr(name));
        if let Some(slot) = planned.attr_mut(name) {
            if slot.is_unknown() {
                continue;
            }
            // Pair with config first; prior pairing uses the same index or key.
            let mut index = 0usize;
            for_each_nested_object(nesting, slot, configured, |object, config_object| {
                let prior_object = match (nesting, prior_value) {
                    (Nesting::Single | Nesting::Group, p) => p,
                    (Nesting::List, Some(Value::List(items))) => items.get(index),
                    _ => None,
                };
                index += 1;
                mark_computed_unknown(inner, object, config_object, prior_object);
            });
        }
    }
}

fn replace_needed(rule: &ReplaceRule, prior: &Value, planned: &Value) -> bool {
    match rule {
        ReplaceRule::Never => false,
        // A value that is not known yet may turn out different: plan for the worst.
        _ if planned.is_unknown() => true,
        ReplaceRule::OnChange => !planned.eq_semantic(prior),
        ReplaceRule::When(applies, _) => !planned.eq_semantic(prior) && applies(prior, planned),
    }
}

fn collect_replacements(
    level: Level<'_>,
    prior: &Value,
    planned: &Value,
    path: &AttributePath,
    out: &mut Vec<AttributePath>,
) {
    let with_rule = |rule: &ReplaceRule| !matches!(rule, ReplaceRule::Never);
    for attribute in level.attributes.iter().filter(|a| with_rule(&a.replace)) {
        let before = attr_or_null(Some(prior), &attribute.name);
        let after = attr_or_null(Some(planned), &attribute.name);
        if replace_needed(&attribute.replace, before, after) {
            out.push(path.child(&attribute.name));
        }
    }
    for block in level.blocks.iter().filter(|b| with_rule(&b.replace)) {
        let before = attr_or_null(Some(prior), &block.type_name);
        let after = attr_or_null(Some(planned), &block.type_name);
        if replace_needed(&block.replace, before, after) {
            out.push(path.child(&block.type_name));
        }
    }
    for (name, nesting, inner) in level.children_with_objects() {
        let before = attr_or_null(Some(prior), name);
        let after = attr_or_null(Some(planned), name);
        // Built only for children present on both sides: most optional blocks are null.
        let child_path = || path.child(name);
        match (nesting, before, after) {
            (Nesting::Single | Nesting::Group, Value::Object(_), Value::Object(_)) => {
                collect_replacements(inner, before, after, &child_path(), out);
            }
            (Nesting::List, Value::List(old), Value::List(new)) => {
                let child_path = child_path();
                for (i, (o, n)) in old.iter().zip(new).enumerate() {
                    collect_replacements(inner, o, n, &child_path.index(i), out);
                }
            }
            (Nesting::Map, Value::Map(old), Value::Map(new)) => {
                let child_path = child_path();
                for (key, n) in new {
                    if let Some(o) = old.get(key) {
                        collect_replacements(inner, o, n, &child_path.key(key), out);
                    }
                }
            }
            // Set elements cannot be paired: any change to a set whose objects carry a
            // replace rule replaces the whole object.
            (Nesting::Set, _, _) if inner.has_replace_rule() && !before.eq_semantic(after) => {
                out.push(child_path());
            }
            _ => {}
        }
    }
}

fn clear_write_only_in(level: Level<'_>, value: &mut Value) {
    if !matches!(value, Value::Object(_)) {
        return;
    }
    for attribute in level.attributes.iter().filter(|a| a.write_only) {
        if let Some(slot) = value.attr_mut(&attribute.name) {
            *slot = Value::Null;
        }
    }
    for (name, nesting, inner) in level.children_with_objects() {
        if let Some(slot) = value.attr_mut(name) {
            for_each_nested_object(nesting, slot, None, |object, _| {
                clear_write_only_in(inner, object);
            });
        }
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
