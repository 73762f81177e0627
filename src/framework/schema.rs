//! Schemas as resource authors write them: attributes and blocks with descriptions,
//! defaults, validators and replace rules. The wire form is produced in `wire.rs`;
//! the rules are applied once, for every resource, in `plan.rs` and `validate.rs`.

use super::validators::{OneOf, Validator};
use super::value::{Type, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

/// A resource, data source, provider or ephemeral resource schema.
#[derive(Clone, Default)]
pub struct Schema {
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(description: impl Into<String>) -> Self {
        Schema {
            version: 0,
            block: Block {
                description: description.into(),
                ..Block::default()
            },
        }
    }

    #[must_use]
    pub fn version(mut self, version: i64) -> Self {
        self.version = version;
        self
    }

    #[must_use]
    pub fn attribute(mut self, attribute: Attribute) -> Self {
        self.block.attributes.push(attribute);
        self
    }

    #[must_use]
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.block.blocks.push(block);
        self
    }

    /// The object type of this schema's values.
    pub fn value_type(&self) -> Type {
        self.block.value_type()
    }
}

#[derive(Clone, Default)]
pub struct Block {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
    pub description: String,
    pub deprecated: bool,
    /// [`Block::members_by_name`], worked out on first use.
    members_by_name: OnceLock<Box<[Member]>>,
}

/// An attribute or nested block of a [`Block`], by its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Member {
    Attribute(usize),
    Block(usize),
}

impl Block {
    pub fn new(description: impl Into<String>) -> Self {
        Block {
            description: description.into(),
            ..Block::default()
        }
    }

    #[must_use]
    pub fn attribute(mut self, attribute: Attribute) -> Self {
        self.attributes.push(attribute);
        self
    }

    #[must_use]
    pub fn block(mut self, block: NestedBlock) -> Self {
        self.blocks.push(block);
        self
    }

    pub fn value_type(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.value_type()))
            .collect();
        for block in &self.blocks {
            attrs.insert(block.type_name.clone(), block.value_type());
        }
        Type::Object(attrs, Default::default())
    }

    pub fn find_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// Attributes and nested blocks in name order, the order of an object value's keys:
    /// planning walks an object side by side with them instead of searching it for each
    /// name. Worked out once; a block is finished before its schema is first used
    /// (the walk checks each name and falls back to searching if it was not).
    pub(crate) fn members_by_name(&self) -> &[Member] {
        self.members_by_name.get_or_init(|| {
            let attributes = (0..self.attributes.len()).map(Member::Attribute);
            let blocks = (0..self.blocks.len()).map(Member::Block);
            let mut members: Vec<Member> = attributes.chain(blocks).collect();
            members.sort_by(|a, b| self.member_name(*a).cmp(self.member_name(*b)));
            members.into_boxed_slice()
        })
    }

    pub(crate) fn member_name(&self, member: Member) -> &str {
        let name = match member {
            Member::Attribute(i) => self.attributes.get(i).map(|a| &a.name),
            Member::Block(i) => self.blocks.get(i).map(|b| &b.type_name),
        };
        name.map_or("", String::as_str)
    }
}

/// How a collection of nested objects is shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nesting {
    Single,
    List,
    Set,
    Map,
    /// Blocks only: a single block that is never null (absent means all attributes null).
    Group,
}

impl Nesting {
    fn wrap(self, object: Type) -> Type {
        match self {
            Nesting::Single | Nesting::Group => object,
            Nesting::List => Type::list(object),
            Nesting::Set => Type::set(object),
            Nesting::Map => Type::map(object),
        }
    }
}

/// The type of an attribute: a plain type, or nested attributes (`attr = { ... }`).
#[derive(Clone)]
pub enum AttributeType {
    Plain(Type),
    Nested(Nesting, Vec<Attribute>),
}

/// Decides, from the prior and the planned value, whether a change needs replacement.
pub type ReplacePredicate = Arc<dyn Fn(&Value, &Value) -> bool + Send + Sync>;

/// When a change to an attribute forces Terraform to destroy and re-create the object.
#[derive(Clone)]
pub enum ReplaceRule {
    Never,
    /// Any change of the value.
    OnChange,
    /// A change for which the predicate `(prior, planned)` holds, e.g. "true to false".
    When(ReplacePredicate, &'static str),
}

#[derive(Clone)]
pub struct Attribute {
    pub name: String,
    pub ty: AttributeType,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub write_only: bool,
    pub deprecation: Option<String>,
    pub default: Option<Value>,
    pub validators: Vec<Arc<dyn Validator>>,
    pub replace: ReplaceRule,
    /// Keep the prior state's value instead of planning "known after apply" when the
    /// object changes, for values the server never changes after creation.
    pub use_state_for_unknown: bool,
}

impl Attribute {
    pub fn new(name: impl Into<String>, ty: Type) -> Self {
        Attribute {
            name: name.into(),
            ty: AttributeType::Plain(ty),
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecation: None,
            default: None,
            validators: Vec::new(),
            replace: ReplaceRule::Never,
            use_state_for_unknown: false,
        }
    }

    pub fn string(name: impl Into<String>) -> Self {
        Attribute::new(name, Type::String)
    }

    pub fn number(name: impl Into<String>) -> Self {
        Attribute::new(name, Type::Number)
    }

    pub fn bool(name: impl Into<String>) -> Self {
        Attribute::new(name, Type::Bool)
    }

    pub fn string_list(name: impl Into<String>) -> Self {
        Attribute::new(name, Type::list(Type::String))
    }

    pub fn string_set(name: impl Into<String>) -> Self {
        Attribute::new(name, Type::set(Type::String))
    }

    pub fn string_map(name: impl Into<String>) -> Self {
        Attribute::new(name, Type::map(Type::String))
    }

    /// Nested attributes, written `name = { ... }` (or a list/set/map of such objects).
    pub fn nested(name: impl Into<String>, nesting: Nesting, attributes: Vec<Attribute>) -> Self {
        Attribute {
            ty: AttributeType::Nested(nesting, attributes),
            ..Attribute::new(name, Type::Dynamic)
        }
    }

    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }

    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self.optional = false;
        self
    }

    #[must_use]
    pub fn optional(mut self) -> Self {
        self.optional = true;
        self.required = false;
        self
    }

    /// Set by the provider only; configuration cannot set it.
    #[must_use]
    pub fn computed(mut self) -> Self {
        self.computed = true;
        self
    }

    /// A string attribute whose values are the serde names of enum `T`'s variants:
    /// the model holds `T` itself, and `OneOf` and the docs list exactly what serde
    /// accepts (see `OneOf::variants_of`).
    pub fn enumeration<T: serde::de::DeserializeOwned>(name: impl Into<String>) -> Self {
        Attribute::string(name).validate(OneOf::variants_of::<T>())
    }

    /// [`Attribute::default`] with an enum variant, written as its serde name. A value
    /// that is no unit variant leaves a null default, which the consistency test refuses.
    #[must_use]
    pub fn default_variant<T: serde::Serialize>(self, variant: T) -> Self {
        let name = super::typed::to_value(&variant, &Type::String).unwrap_or(Value::Null);
        self.default(name)
    }

    /// Optional, and planned as `value` when the configuration leaves it out.
    #[must_use]
    pub fn default(mut self, value: impl Into<Value>) -> Self {
        self.default = Some(value.into());
        self.optional = true;
        self.required = false;
        self.computed = true;
        self
    }

    #[must_use]
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }

    /// Sent by Terraform during apply and never stored in plan or state.
    #[must_use]
    pub fn write_only(mut self) -> Self {
        self.write_only = true;
        self
    }

    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Self {
        self.deprecation = Some(message.into());
        self
    }

    #[must_use]
    pub fn validate(mut self, validator: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(validator));
        self
    }

    #[must_use]
    pub fn requires_replace(mut self) -> Self {
        self.replace = ReplaceRule::OnChange;
        self
    }

    /// Replace only for changes where `rule(prior, planned)` holds; `why` documents it.
    #[must_use]
    pub fn requires_replace_if(
        mut self,
        why: &'static str,
        rule: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.replace = ReplaceRule::When(Arc::new(rule), why);
        self
    }

    #[must_use]
    pub fn use_state_for_unknown(mut self) -> Self {
        self.use_state_for_unknown = true;
        self
    }

    pub fn value_type(&self) -> Type {
        match &self.ty {
            AttributeType::Plain(ty) => ty.clone(),
            AttributeType::Nested(nesting, attributes) => {
                let object = Type::Object(
                    attributes
                        .iter()
                        .map(|a| (a.name.clone(), a.value_type()))
                        .collect(),
                    Default::default(),
                );
                nesting.wrap(object)
            }
        }
    }

    /// The nested attributes, when this attribute has them.
    pub fn nested_attributes(&self) -> Option<(Nesting, &[Attribute])> {
        match &self.ty {
            AttributeType::Nested(nesting, attributes) => Some((*nesting, attributes)),
            AttributeType::Plain(_) => None,
        }
    }
}

/// A nested block, written `name { ... }` in configuration.
#[derive(Clone)]
pub struct NestedBlock {
    pub type_name: String,
    pub block: Block,
    pub nesting: Nesting,
    pub min_items: i64,
    pub max_items: i64,
    pub replace: ReplaceRule,
}

impl NestedBlock {
    pub fn new(type_name: impl Into<String>, nesting: Nesting, block: Block) -> Self {
        NestedBlock {
            type_name: type_name.into(),
            block,
            nesting,
            min_items: 0,
            max_items: 0,
            replace: ReplaceRule::Never,
        }
    }

    #[must_use]
    pub fn max_items(mut self, max: i64) -> Self {
        self.max_items = max;
        self
    }

    #[must_use]
    pub fn min_items(mut self, min: i64) -> Self {
        self.min_items = min;
        self
    }

    #[must_use]
    pub fn requires_replace(mut self) -> Self {
        self.replace = ReplaceRule::OnChange;
        self
    }

    /// Replace only for changes where `rule(prior, planned)` holds; `why` documents it.
    #[must_use]
    pub fn requires_replace_if(
        mut self,
        why: &'static str,
        rule: impl Fn(&Value, &Value) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.replace = ReplaceRule::When(Arc::new(rule), why);
        self
    }

    #[must_use]
    pub fn description(mut self, text: impl Into<String>) -> Self {
        self.block.description = text.into();
        self
    }

    pub fn value_type(&self) -> Type {
        self.nesting.wrap(self.block.value_type())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(n.into())
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}

impl Attribute {
    /// The description as users read it, in the schema and in the generated docs:
    /// the author's text followed by the default and what the validators allow.
    pub fn documentation(&self) -> String {
        let mut text = self.description.clone();
        if let Some(default) = &self.default {
            text.push_str(&format!(" Defaults to `{}`.", render_literal(default)));
        }
        for validator in &self.validators {
            let allowed = validator.allowed();
            let mut chars = allowed.chars();
            if let Some(first) = chars.next() {
                text.push_str(&format!(" Must be {}{}.", first, chars.as_str()));
            }
        }
        if matches!(self.replace, ReplaceRule::OnChange) {
            text.push_str(" Changing it replaces the object.");
        } else if let ReplaceRule::When(_, why) = &self.replace {
            text.push_str(&format!(" Replaces the object when {why}."));
        }
        text.trim().to_string()
    }
}

/// A value as it would be written in HCL, for documentation.
pub(crate) fn render_literal(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null => "null".into(),
        other => format!("{other:?}"),
    }
}

/// Which state attributes identify an object, independently of its settings:
/// Terraform uses them for import by identity and `terraform query`.
#[derive(Clone, Debug, Default)]
pub struct IdentitySchema {
    pub version: i64,
    pub attributes: Vec<IdentityAttribute>,
}

#[derive(Clone, Debug)]
pub struct IdentityAttribute {
    /// The name of the state attribute it is read from.
    pub name: &'static str,
    pub ty: Type,
    pub required_for_import: bool,
    pub description: &'static str,
}

impl IdentitySchema {
    pub fn value_type(&self) -> Type {
        Type::Object(
            self.attributes
                .iter()
                .map(|a| (a.name.to_string(), a.ty.clone()))
                .collect(),
            Default::default(),
        )
    }

    /// The identity of an object, read from its state; `None` while any part of it
    /// is unknown or the object does not exist.
    pub fn from_state(&self, state: &Value) -> Option<Value> {
        if state.is_null() {
            return None;
        }
        let identity = Value::Object(
            self.attributes
                .iter()
                .map(|a| {
                    (
                        a.name.to_string(),
                        state.attr(a.name).cloned().unwrap_or(Value::Null),
                    )
                })
                .collect(),
        );
        identity.is_wholly_known().then_some(identity)
    }

    /// A stub state holding only the identity, for Read to complete during import.
    /// Repeated blocks are empty rather than null, as Terraform itself sends them.
    pub fn to_state(&self, identity: &Value, block: &Block) -> Value {
        let mut state: std::collections::BTreeMap<String, Value> = block
            .attributes
            .iter()
            .map(|a| (a.name.clone(), Value::Null))
            .collect();
        for nested in &block.blocks {
            let empty = match nested.nesting {
                Nesting::List => Value::List(Vec::new()),
                Nesting::Set => Value::Set(Vec::new()),
                Nesting::Map => Value::Map(Default::default()),
                Nesting::Single | Nesting::Group => Value::Null,
            };
            state.insert(nested.type_name.clone(), empty);
        }
        for attribute in &self.attributes {
            if let Some(value) = identity.attr(attribute.name) {
                state.insert(attribute.name.to_string(), value.clone());
            }
        }
        Value::Object(state)
    }
}
