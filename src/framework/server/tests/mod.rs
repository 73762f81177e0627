//! The framework server tested as Terraform drives it, with a small fake resource, in
//! the manner of terraform-plugin-framework's `internal/fwserver` tests: each case is a
//! row of prior state, configuration and proposed state (or an apply), and what the
//! framework must answer.

mod apply;
mod discovery;
mod plan;
mod validate;

use super::ProviderService;
use crate::framework::diagnostics::{Diagnostic, Diagnostics};
use crate::framework::schema::{
    Attribute, Block, IdentityAttribute, IdentitySchema, NestedBlock, Nesting, Schema,
};
use crate::framework::value::{self, AttributePath, Type, Value};
use crate::framework::{
    self, DynDataSource, DynResource, Failed, Field, Listed, MoveSource, PlanContext, Provider,
    Resource,
};
use crate::protocol::proto::tfplugin6 as pb;
use crate::protocol::server::ProviderServer;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// What the fake resource was handed by create and update, to check write-only merges.
type Seen = Arc<Mutex<Vec<Thing>>>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Thing {
    name: String,
    max_msgs: i64,
    id: Field<String>,
    created: Field<String>,
    seed: Option<String>,
    limits: Option<Limits>,
    source: Vec<Source>,
    /// Not in the schema: when set, the state cannot be recorded (a provider bug).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unrecordable: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Limits {
    max: Option<i64>,
    token: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct Source {
    name: String,
    secret: Option<String>,
}

/// The part of the plan that plan-time code reads: a model of a few attributes is enough,
/// and `Field` sees what is not known yet.
#[derive(Serialize, Deserialize)]
struct Naming {
    name: Field<String>,
    id: Field<String>,
    max_msgs: Field<i64>,
}

/// `test_thing`: behaves as its `name` says ("fails", "fails-after-create",
/// "leaves-unknown", "unrecordable", "unrecordable-after-create", "gone", "unreadable",
/// "undeletable"); anything else succeeds.
struct ThingResource {
    seen: Seen,
}

fn schema() -> Schema {
    Schema::new("A thing.")
        .attribute(Attribute::string("name").required().requires_replace())
        .attribute(Attribute::number("max_msgs").default(-1))
        .attribute(Attribute::string("id").computed().use_state_for_unknown())
        .attribute(Attribute::string("created").computed())
        .attribute(
            Attribute::string("seed")
                .optional()
                .sensitive()
                .write_only(),
        )
        .attribute(Attribute::nested(
            "limits",
            Nesting::Single,
            vec![
                Attribute::number("max").optional(),
                Attribute::string("token").optional().write_only(),
            ],
        ))
        .block(NestedBlock::new(
            "source",
            Nesting::List,
            Block::new("s")
                .attribute(Attribute::string("name").required())
                .attribute(Attribute::string("secret").optional().write_only()),
        ))
}

fn failure(summary: &str) -> Diagnostics {
    Diagnostic::error(summary, "as the test asked").into()
}

impl Resource for ThingResource {
    type Client = ();
    type Model = Thing;

    fn type_name(&self) -> &'static str {
        "test_thing"
    }

    fn schema(&self) -> Schema {
        schema()
    }

    fn identity(&self) -> Option<IdentitySchema> {
        Some(IdentitySchema {
            version: 0,
            attributes: vec![IdentityAttribute {
                name: "name",
                ty: Type::String,
                required_for_import: true,
                description: "The name.",
            }],
        })
    }

    async fn modify_plan(&self, _client: &(), plan: &mut PlanContext<'_>) {
        if plan.is_destroy() {
            if let Some(prior) = plan.read_prior::<Thing>() {
                plan.diagnostics
                    .warning("Destroying", format!("{} goes", prior.name));
            }
            return;
        }
        let creating = plan.is_create();
        plan.update_planned(|view: &mut Naming| {
            // 0 means unlimited to this resource, which it plans as -1.
            if view.max_msgs == Field::Known(0) {
                view.max_msgs = Field::Known(-1);
            }
            if let (true, Field::Known(name)) = (creating, &view.name) {
                view.id = Field::Known(format!("id-{name}"));
            }
        });
    }

    async fn create(&self, _client: &(), planned: Thing) -> Result<Thing, Failed<Thing>> {
        self.seen.lock().unwrap().push(planned.clone());
        let made = Thing {
            created: Field::Known("now".into()),
            ..planned.clone()
        };
        match planned.name.as_str() {
            "fails" => Err(failure("Cannot create").into()),
            "fails-after-create" => Err(Failed {
                diagnostics: failure("Created, then failed"),
                state: Some(made),
            }),
            "leaves-unknown" => Ok(Thing {
                created: Field::Unknown,
                ..made
            }),
            "unrecordable" => Ok(Thing {
                unrecordable: Some("x".into()),
                ..made
            }),
            "unrecordable-after-create" => Err(Failed {
                diagnostics: failure("Created, then failed"),
                state: Some(Thing {
                    unrecordable: Some("x".into()),
                    ..made
                }),
            }),
            _ => Ok(made),
        }
    }

    async fn read(&self, _client: &(), current: Thing) -> Result<Option<Thing>, Diagnostics> {
        match current.name.as_str() {
            "gone" => Ok(None),
            "unreadable" => Err(failure("Cannot read")),
            _ => Ok(Some(Thing {
                created: Field::Known("read".into()),
                ..current
            })),
        }
    }

    async fn update(
        &self,
        _client: &(),
        _prior: Thing,
        planned: Thing,
    ) -> Result<Thing, Failed<Thing>> {
        self.seen.lock().unwrap().push(planned.clone());
        match planned.name.as_str() {
            "fails" => Err(failure("Cannot update").into()),
            "unrecordable" => Ok(Thing {
                unrecordable: Some("x".into()),
                ..planned
            }),
            _ => Ok(Thing {
                created: Field::Known("updated".into()),
                ..planned
            }),
        }
    }

    async fn delete(&self, _client: &(), prior: Thing) -> Result<(), Diagnostics> {
        match prior.name.as_str() {
            "undeletable" => Err(failure("Cannot delete")),
            _ => Ok(()),
        }
    }

    async fn import(&self, _client: &(), id: &str) -> Result<Thing, Diagnostics> {
        match id {
            "" => Err(failure("Empty import ID")),
            name => Ok(Thing {
                name: name.to_string(),
                ..Thing::default()
            }),
        }
    }

    fn move_state(&self, source: &MoveSource) -> Option<Result<Thing, Diagnostics>> {
        (source.type_name == "old_thing").then(|| {
            let name = source.state["title"].as_str().unwrap_or_default();
            Ok(Thing {
                name: name.to_string(),
                ..Thing::default()
            })
        })
    }

    fn list_schema(&self) -> Option<Schema> {
        Some(Schema::new("Things.").attribute(Attribute::string("prefix").optional()))
    }

    async fn list(&self, _client: &(), _config: &Value) -> Result<Vec<Listed<Thing>>, Diagnostics> {
        Ok(["a", "b", "c"]
            .into_iter()
            .map(|name| Listed {
                display_name: name.to_uppercase(),
                state: Thing {
                    name: name.into(),
                    id: Field::Known(format!("id-{name}")),
                    created: Field::Known("listed".into()),
                    ..Thing::default()
                },
            })
            .collect())
    }
}

struct TestProvider {
    seen: Seen,
}

impl Provider for TestProvider {
    type Client = ();
    type Config = ();

    fn schema(&self) -> Schema {
        Schema::new("test provider")
    }

    async fn configure(&self, _config: &Value) -> Result<(), Diagnostics> {
        Ok(())
    }

    fn resources(&self) -> Vec<Arc<dyn DynResource<()>>> {
        vec![framework::resource(ThingResource {
            seen: Arc::clone(&self.seen),
        })]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DynDataSource<()>>> {
        Vec::new()
    }
}

/// A configured service and what its resource is handed.
async fn service() -> (ProviderService<TestProvider>, Seen) {
    let seen = Seen::default();
    let service = ProviderService::new(TestProvider {
        seen: Arc::clone(&seen),
    });
    let configured = service
        .configure_provider(pb::configure_provider::Request {
            config: Some(encode(
                &Value::Object(BTreeMap::new()),
                &Type::object(Vec::<(String, Type)>::new()),
            )),
            ..Default::default()
        })
        .await;
    assert!(
        configured.diagnostics.is_empty(),
        "{:?}",
        configured.diagnostics
    );
    (service, seen)
}

fn thing_type() -> Type {
    schema().value_type()
}

fn encode(value: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: value::encode_msgpack(value, ty).unwrap(),
        json: Vec::new(),
    }
}

fn decode(dynamic: Option<&pb::DynamicValue>) -> Value {
    value::decode_msgpack(&dynamic.expect("a value").msgpack, &thing_type()).unwrap()
}

fn object(pairs: &[(&str, Value)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// A full object of `test_thing`: `pairs` over all-null attributes and no sources.
fn thing(pairs: &[(&str, Value)]) -> Value {
    let mut all = BTreeMap::from(
        ["name", "max_msgs", "id", "created", "seed", "limits"]
            .map(|a| (a.to_string(), Value::Null)),
    );
    all.insert("source".into(), Value::List(Vec::new()));
    for (k, v) in pairs {
        all.insert(k.to_string(), v.clone());
    }
    Value::Object(all)
}

/// `test_thing` as stored after a create (or update) that set `created`.
fn made(name: &str, created: &str) -> Value {
    thing(&[
        ("name", Value::string(name)),
        ("max_msgs", Value::from(-1)),
        ("id", Value::string(format!("id-{name}"))),
        ("created", Value::string(created)),
    ])
}

fn limits(max: Value, token: Value) -> Value {
    object(&[("max", max), ("token", token)])
}

fn source(name: &str, secret: Value) -> Value {
    object(&[("name", Value::string(name)), ("secret", secret)])
}

/// `summary` of every diagnostic, errors first marked `E:`, warnings `W:`.
fn summaries(diagnostics: &[pb::Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| {
            let kind = if d.severity == pb::diagnostic::Severity::Error as i32 {
                "E"
            } else {
                "W"
            };
            format!("{kind}: {}", d.summary)
        })
        .collect()
}
