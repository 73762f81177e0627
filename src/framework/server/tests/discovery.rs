//! Read, import (by ID and by identity), move, list and state upgrade.

use super::*;

async fn read(
    service: &ProviderService<TestProvider>,
    state: &Value,
) -> pb::read_resource::Response {
    service
        .read_resource(pb::read_resource::Request {
            type_name: "test_thing".into(),
            current_state: Some(encode(state, &thing_type())),
            ..Default::default()
        })
        .await
}

#[tokio::test]
async fn read_reports_what_exists_and_keeps_state_when_it_cannot_tell() {
    let (service, _) = service().await;
    let found = read(&service, &made("a", "now")).await;
    let state = decode(found.new_state.as_ref());
    assert_eq!(state.attr("created"), Some(&Value::string("read")));
    let gone = read(&service, &made("gone", "now")).await;
    assert_eq!(decode(gone.new_state.as_ref()), Value::Null);
    assert!(gone.new_identity.is_none());
    let unreadable = read(&service, &made("unreadable", "now")).await;
    assert_eq!(summaries(&unreadable.diagnostics), vec!["E: Cannot read"]);
    assert_eq!(
        decode(unreadable.new_state.as_ref()),
        made("unreadable", "now")
    );
}

#[tokio::test]
async fn import_by_id_and_by_identity() {
    let (service, _) = service().await;
    let by_id = service
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: "orders".into(),
            ..Default::default()
        })
        .await;
    assert!(by_id.diagnostics.is_empty(), "{:?}", by_id.diagnostics);
    let imported = &by_id.imported_resources[0];
    let state = decode(imported.state.as_ref());
    assert_eq!(state.attr("name"), Some(&Value::string("orders")));
    assert!(imported.identity.is_some());

    let identity_type = Type::object([("name", Type::String)]);
    let identity = object(&[("name", Value::string("by-identity"))]);
    let by_identity = service
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            identity: Some(pb::ResourceIdentityData {
                identity_data: Some(encode(&identity, &identity_type)),
            }),
            ..Default::default()
        })
        .await;
    let stub = decode(by_identity.imported_resources[0].state.as_ref());
    assert_eq!(stub, thing(&[("name", Value::string("by-identity"))]));

    let refused = service
        .import_resource_state(pb::import_resource_state::Request {
            type_name: "test_thing".into(),
            id: String::new(),
            ..Default::default()
        })
        .await;
    assert_eq!(summaries(&refused.diagnostics), vec!["E: Empty import ID"]);
    assert!(refused.imported_resources.is_empty());
}

#[tokio::test]
async fn move_takes_over_known_sources_only() {
    let (service, _) = service().await;
    let moved = |type_name: &str| pb::move_resource_state::Request {
        source_provider_address: "registry.terraform.io/other/old".into(),
        source_type_name: type_name.into(),
        source_schema_version: 0,
        source_state: Some(pb::RawState {
            json: br#"{"title":"t","extra":1}"#.to_vec(),
            ..Default::default()
        }),
        target_type_name: "test_thing".into(),
        ..Default::default()
    };
    let taken = service.move_resource_state(moved("old_thing")).await;
    assert!(taken.diagnostics.is_empty(), "{:?}", taken.diagnostics);
    let state = decode(taken.target_state.as_ref());
    assert_eq!(state.attr("name"), Some(&Value::string("t")));
    assert!(taken.target_identity.is_some());
    let refused = service.move_resource_state(moved("unrelated")).await;
    assert_eq!(
        summaries(&refused.diagnostics),
        vec!["E: Move not supported"]
    );
}

#[tokio::test]
async fn list_honours_the_limit_and_sends_objects_on_request() {
    let (service, _) = service().await;
    let list_type = Type::object([("prefix", Type::String)]);
    let list = |limit: i64, include: bool| pb::list_resource::Request {
        type_name: "test_thing".into(),
        config: Some(encode(&object(&[("prefix", Value::Null)]), &list_type)),
        include_resource_object: include,
        limit,
    };
    let events = service.list_resource(list(2, true)).await;
    let names: Vec<_> = events.iter().map(|e| e.display_name.as_str()).collect();
    assert_eq!(names, vec!["A", "B"]);
    assert!(events
        .iter()
        .all(|e| e.identity.is_some() && e.diagnostic.is_empty()));
    let object = decode(events[1].resource_object.as_ref());
    assert_eq!(object.attr("id"), Some(&Value::string("id-b")));
    let bare = service.list_resource(list(0, false)).await;
    assert_eq!(bare.len(), 3, "no limit lists everything");
    assert!(bare.iter().all(|e| e.resource_object.is_none()));
}

#[tokio::test]
async fn upgrade_prunes_attributes_the_schema_no_longer_has() {
    let (service, _) = service().await;
    let upgrade = |version: i64| pb::upgrade_resource_state::Request {
        type_name: "test_thing".into(),
        version,
        raw_state: Some(pb::RawState {
            json: br#"{"name":"a","max_msgs":-1,"id":"id-a","created":"now","retired":true,
                       "limits":{"max":1,"gone":2},"source":[{"name":"up","old":3}]}"#
                .to_vec(),
            ..Default::default()
        }),
    };
    let upgraded = service.upgrade_resource_state(upgrade(0)).await;
    assert!(
        upgraded.diagnostics.is_empty(),
        "{:?}",
        upgraded.diagnostics
    );
    let state = decode(upgraded.upgraded_state.as_ref());
    assert_eq!(
        state,
        thing(&[
            ("name", Value::string("a")),
            ("max_msgs", Value::from(-1)),
            ("id", Value::string("id-a")),
            ("created", Value::string("now")),
            ("limits", limits(Value::from(1), Value::Null)),
            ("source", Value::List(vec![source("up", Value::Null)])),
        ])
    );
    let newer = service.upgrade_resource_state(upgrade(7)).await;
    assert_eq!(
        summaries(&newer.diagnostics),
        vec!["E: State written by a newer natsforge"]
    );
}
