//! PlanResourceChange: defaults, unknowns, replacement, destroy, and the resource's
//! own refinements.

use super::*;

struct Case {
    name: &'static str,
    /// Null when creating.
    prior: Value,
    /// Null when destroying.
    config: Value,
    /// Terraform's proposal: the configuration over the prior state's computed values.
    proposed: Value,
    planned: Value,
    replace: Vec<AttributePath>,
    diagnostics: Vec<&'static str>,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "create: defaults, computed unknown, write-only kept out, refinement by the resource",
            prior: Value::Null,
            config: thing(&[
                ("name", Value::string("a")),
                ("seed", Value::string("SECRET")),
                ("limits", limits(Value::Null, Value::string("TOKEN"))),
                ("source", Value::List(vec![source("up", Value::string("X"))])),
            ]),
            proposed: thing(&[
                ("name", Value::string("a")),
                ("seed", Value::string("SECRET")),
                ("limits", limits(Value::Null, Value::string("TOKEN"))),
                ("source", Value::List(vec![source("up", Value::string("X"))])),
            ]),
            planned: thing(&[
                ("name", Value::string("a")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-a")),
                ("created", Value::Unknown),
                ("limits", limits(Value::Null, Value::Null)),
                ("source", Value::List(vec![source("up", Value::Null)])),
            ]),
            replace: vec![],
            diagnostics: vec![],
        },
        Case {
            name: "create with an unknown name: what derives from it waits",
            prior: Value::Null,
            config: thing(&[("name", Value::Unknown)]),
            proposed: thing(&[("name", Value::Unknown)]),
            planned: thing(&[
                ("name", Value::Unknown),
                ("max_msgs", Value::from(-1)),
                ("id", Value::Unknown),
                ("created", Value::Unknown),
            ]),
            replace: vec![],
            diagnostics: vec![],
        },
        Case {
            name: "unchanged: computed values stay as stored, no diff",
            prior: made("a", "now"),
            config: thing(&[("name", Value::string("a"))]),
            proposed: made("a", "now"),
            planned: made("a", "now"),
            replace: vec![],
            diagnostics: vec![],
        },
        Case {
            name: "update: computed values known after apply, except those kept from state",
            prior: made("a", "now"),
            config: thing(&[("name", Value::string("a")), ("max_msgs", Value::from(5))]),
            proposed: thing(&[
                ("name", Value::string("a")),
                ("max_msgs", Value::from(5)),
                ("id", Value::string("id-a")),
                ("created", Value::string("now")),
            ]),
            planned: thing(&[
                ("name", Value::string("a")),
                ("max_msgs", Value::from(5)),
                ("id", Value::string("id-a")),
                ("created", Value::Unknown),
            ]),
            replace: vec![],
            diagnostics: vec![],
        },
        Case {
            name: "a refinement back to the stored object settles the computed values again",
            prior: made("a", "now"),
            // 0 means "unlimited" to this resource, which it plans as -1.
            config: thing(&[("name", Value::string("a")), ("max_msgs", Value::from(0))]),
            proposed: thing(&[
                ("name", Value::string("a")),
                ("max_msgs", Value::from(0)),
                ("id", Value::string("id-a")),
                ("created", Value::string("now")),
            ]),
            planned: made("a", "now"),
            replace: vec![],
            diagnostics: vec![],
        },
        Case {
            name: "replace: the changed name is named, nothing is kept from the old object",
            prior: made("a", "now"),
            config: thing(&[("name", Value::string("b"))]),
            proposed: thing(&[
                ("name", Value::string("b")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-a")),
                ("created", Value::string("now")),
            ]),
            planned: thing(&[
                ("name", Value::string("b")),
                ("max_msgs", Value::from(-1)),
                ("id", Value::Unknown),
                ("created", Value::Unknown),
            ]),
            replace: vec![AttributePath::attr("name")],
            diagnostics: vec![],
        },
        Case {
            name: "replace because of an unknown new name",
            prior: made("a", "now"),
            config: thing(&[("name", Value::Unknown)]),
            proposed: thing(&[
                ("name", Value::Unknown),
                ("max_msgs", Value::from(-1)),
                ("id", Value::string("id-a")),
                ("created", Value::string("now")),
            ]),
            planned: thing(&[
                ("name", Value::Unknown),
                ("max_msgs", Value::from(-1)),
                ("id", Value::Unknown),
                ("created", Value::Unknown),
            ]),
            replace: vec![AttributePath::attr("name")],
            diagnostics: vec![],
        },
        Case {
            name: "destroy: nothing planned, and the resource is asked (it warns)",
            prior: made("a", "now"),
            config: Value::Null,
            proposed: Value::Null,
            planned: Value::Null,
            replace: vec![],
            diagnostics: vec!["W: Destroying"],
        },
    ]
}

#[tokio::test]
async fn plan_cases() {
    let (service, _) = service().await;
    let ty = thing_type();
    for case in cases() {
        let response = service
            .plan_resource_change(pb::plan_resource_change::Request {
                type_name: "test_thing".into(),
                prior_state: Some(encode(&case.prior, &ty)),
                proposed_new_state: Some(encode(&case.proposed, &ty)),
                config: Some(encode(&case.config, &ty)),
                ..Default::default()
            })
            .await;
        assert_eq!(
            summaries(&response.diagnostics),
            case.diagnostics,
            "{}",
            case.name
        );
        let planned = decode(response.planned_state.as_ref());
        assert_eq!(planned, case.planned, "{}", case.name);
        let replace: Vec<pb::AttributePath> = case
            .replace
            .iter()
            .map(crate::framework::wire::attribute_path)
            .collect();
        assert_eq!(response.requires_replace, replace, "{}", case.name);
        let identity_expected =
            !case.planned.is_null() && case.planned.attr("name").is_some_and(|n| !n.is_unknown());
        assert_eq!(
            response.planned_identity.is_some(),
            identity_expected,
            "{}",
            case.name
        );
    }
}
