//! natsforge's typed JetStream API against a real nats-server: every stream
//! and consumer setting read back as sent, pedantic refusals with the
//! server's codes, paging past the server's page size, KV entries and object
//! buckets through the client mappings, and JetStream domains across a real
//! leaf node connection.

use std::time::Duration;

use acceptance_tests::{hub_and_leaf, NatsServer, NatsServerBuilder};
use natsforge::nats::jetstream::{
    AckPolicy, Compression, ConsumerAction, ConsumerConfig, ConsumerLimits, DeliverPolicy,
    DiscardPolicy, ErrorCode, KvBucketConfig, KvOperation, ObjectBucketConfig, PersistMode,
    PriorityPolicy, RePublish, RetentionPolicy, StorageType, StreamConfig, StreamSource,
    SubjectTransform,
};
use natsforge::nats::{connect, ConnectionSettings, JetStreamApi, JetStreamError};

const SECOND: Duration = Duration::from_secs(1);

/// The JetStream API of `server`'s global account, in `domain` when given.
async fn api(server: &NatsServer, domain: Option<&str>) -> JetStreamApi {
    let options = ConnectionSettings {
        servers: vec![server.client_url().to_owned()],
        timeout: Some(Duration::from_secs(5)),
        ..Default::default()
    }
    .into_options()
    .unwrap();
    let client = connect(&options).await.unwrap();
    JetStreamApi::new(client, domain.map(str::to_owned))
}

async fn local_api(server: &NatsServer) -> JetStreamApi {
    api(server, None).await
}

fn api_code(err: &JetStreamError) -> ErrorCode {
    err.err_code()
        .unwrap_or_else(|| panic!("expected a JetStream API error, got {err}"))
}

/// A stream with most settings away from their defaults.
fn rich_stream(name: &str) -> StreamConfig {
    StreamConfig {
        description: Some("every knob".into()),
        subjects: vec![format!("{name}.in.>")],
        retention: RetentionPolicy::Interest,
        max_consumers: 20,
        max_msgs: 10_000,
        max_bytes: 64 << 20,
        max_age: 3600 * SECOND,
        max_msgs_per_subject: 10,
        max_msg_size: 1 << 16,
        discard: DiscardPolicy::New,
        discard_new_per_subject: true,
        storage: StorageType::File,
        duplicate_window: 30 * SECOND,
        compression: Compression::S2,
        first_seq: 42,
        subject_transform: Some(SubjectTransform {
            src: format!("{name}.in.>"),
            dest: format!("{name}.stored.>"),
        }),
        republish: Some(RePublish {
            src: format!("{name}.stored.>"),
            dest: format!("{name}.copy.>"),
            headers_only: true,
        }),
        allow_direct: true,
        deny_delete: true,
        allow_rollup_hdrs: true,
        consumer_limits: ConsumerLimits {
            inactive_threshold: 60 * SECOND,
            max_ack_pending: 500,
        },
        allow_msg_ttl: true,
        subject_delete_marker_ttl: 5 * SECOND,
        allow_batched: true,
        persist_mode: PersistMode::Async,
        metadata: [("owner".to_owned(), "natsforge".to_owned())].into(),
        ..StreamConfig::named(name)
    }
}

#[tokio::test]
async fn a_stream_with_every_setting_reads_back_as_sent_and_updates_in_place() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let js = local_api(&server).await;

    let wanted = rich_stream("RICH");
    let created = js.create_stream(&wanted).await.unwrap();
    assert_eq!(created.config.clone().without_server_metadata(), wanted);
    assert!(created.config.metadata.contains_key("_nats.ver"));
    // Creating it again with the same config is a no-op, not an error.
    js.create_stream(&wanted).await.unwrap();

    let read = js.stream_info("RICH").await.unwrap().unwrap();
    assert_eq!(read.config.without_server_metadata(), wanted);
    assert_eq!(read.state.first_seq, 42);

    let updated_config = StreamConfig {
        description: Some("fewer knobs".into()),
        subjects: vec!["RICH.in.>".into(), "RICH.more".into()],
        max_msgs: 20_000,
        subject_transform: None,
        republish: None,
        metadata: Default::default(),
        ..wanted.clone()
    };
    let updated = js.update_stream(&updated_config).await.unwrap();
    assert_eq!(updated.config.without_server_metadata(), updated_config);

    let other = StreamConfig {
        description: Some("someone else".into()),
        ..updated_config.clone()
    };
    let err = js.create_stream(&other).await.unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::STREAM_NAME_IN_USE, "{err}");

    assert!(js.delete_stream("RICH").await.unwrap());
    assert!(!js.delete_stream("RICH").await.unwrap());
    assert!(js.stream_info("RICH").await.unwrap().is_none());
}

#[tokio::test]
async fn pedantic_and_refused_changes_surface_the_servers_codes() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let js = local_api(&server).await;

    // Without pedantic the server would shrink the duplicate window to max_age.
    let adjusted = StreamConfig {
        subjects: vec!["short".into()],
        max_age: SECOND,
        ..StreamConfig::named("SHORT")
    };
    let err = js.create_stream(&adjusted).await.unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::PEDANTIC, "{err}");
    // The server's own text, ended with the code as the `nats` CLI prints it.
    let description = &err.api_error().unwrap().description;
    assert!(description.starts_with("pedantic mode: "), "{err}");
    assert_eq!(err.to_string(), format!("{description} (10157)"));
    assert!(js.stream_info("SHORT").await.unwrap().is_none());

    let file = StreamConfig {
        subjects: vec!["f".into()],
        deny_purge: true,
        ..StreamConfig::named("F")
    };
    js.create_stream(&file).await.unwrap();
    let to_memory = StreamConfig {
        storage: StorageType::Memory,
        ..file.clone()
    };
    let err = js.update_stream(&to_memory).await.unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::STREAM_INVALID_CONFIG, "{err}");
    let undeny = StreamConfig {
        deny_purge: false,
        ..file.clone()
    };
    let err = js.update_stream(&undeny).await.unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::STREAM_INVALID_CONFIG, "{err}");

    let overlapping = StreamConfig {
        subjects: vec!["f".into()],
        ..StreamConfig::named("G")
    };
    let err = js.create_stream(&overlapping).await.unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::SUBJECTS_OVERLAP, "{err}");

    let replicated = StreamConfig {
        subjects: vec!["r".into()],
        num_replicas: 3,
        ..StreamConfig::named("R3")
    };
    let err = js.create_stream(&replicated).await.unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::REPLICAS_NOT_SUPPORTED, "{err}");

    let err = js.stream_info("not.a.name").await.unwrap_err();
    assert!(matches!(err, JetStreamError::InvalidName { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        r#"invalid stream name "not.a.name": must not contain '.', '*', '>', '/', '\' or whitespace"#
    );
}

#[tokio::test]
async fn names_and_lists_page_past_the_servers_page_size() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let js = local_api(&server).await;

    const STREAMS: usize = 300;
    let mut creating = tokio::task::JoinSet::new();
    for index in 0..STREAMS {
        let js = js.clone();
        let group = if index % 3 == 0 { "third" } else { "rest" };
        creating.spawn(async move {
            let config = StreamConfig {
                subjects: vec![format!("{group}.{index}")],
                storage: StorageType::Memory,
                ..StreamConfig::named(format!("S{index:03}"))
            };
            js.create_stream(&config).await.map(|_| ())
        });
    }
    while let Some(created) = creating.join_next().await {
        created.unwrap().unwrap();
    }

    let mut names = js.stream_names(None).await.unwrap();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), STREAMS);
    assert_eq!(names[0], "S000");

    let first_page: serde_json::Value = js
        .request("STREAM.LIST", &serde_json::json!({ "offset": 0 }))
        .await
        .unwrap();
    assert!(
        first_page["limit"].as_u64().unwrap() < STREAMS as u64,
        "{}",
        first_page["limit"]
    );
    let listed = js.list_streams(None).await.unwrap();
    assert_eq!(listed.len(), STREAMS, "STREAM.LIST pages 256 at a time");
    assert!(listed
        .iter()
        .all(|info| info.config.storage == StorageType::Memory));

    let thirds = js.list_streams(Some("third.*")).await.unwrap();
    assert_eq!(thirds.len(), STREAMS / 3);
    assert_eq!(
        js.stream_names(Some("third.*")).await.unwrap().len(),
        STREAMS / 3
    );
    assert!(js.stream_names(Some("nobody.>")).await.unwrap().is_empty());
}

#[tokio::test]
async fn consumers_are_created_updated_listed_and_deleted_pedantically() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let js = local_api(&server).await;
    let stream = StreamConfig {
        subjects: vec!["orders.>".into()],
        ..StreamConfig::named("ORDERS")
    };
    js.create_stream(&stream).await.unwrap();

    let pull = ConsumerConfig {
        description: Some("pull worker".into()),
        deliver_policy: DeliverPolicy::New,
        ack_policy: AckPolicy::Explicit,
        ack_wait: 10 * SECOND,
        max_deliver: 5,
        backoff: vec![10 * SECOND, 20 * SECOND],
        filter_subjects: vec!["orders.new".into(), "orders.paid.*".into()],
        max_waiting: 64,
        max_ack_pending: 100,
        max_batch: 10,
        max_expires: 30 * SECOND,
        max_bytes: 1 << 20,
        inactive_threshold: 3600 * SECOND,
        num_replicas: 1,
        metadata: [("team".to_owned(), "billing".to_owned())].into(),
        priority_groups: vec!["jobs".into()],
        priority_policy: PriorityPolicy::PinnedClient,
        priority_timeout: 90 * SECOND,
        ..ConsumerConfig::durable("WORKER")
    };
    let created = js
        .create_consumer("ORDERS", &pull, ConsumerAction::Create)
        .await
        .unwrap();
    assert_eq!(created.name, "WORKER");
    let without_server_keys = |mut config: ConsumerConfig| {
        config.metadata.retain(|key, _| !key.starts_with("_nats."));
        config
    };
    assert_eq!(without_server_keys(created.config), pull);

    let push = ConsumerConfig {
        deliver_subject: Some("deliver.audit".into()),
        deliver_group: Some("auditors".into()),
        deliver_policy: DeliverPolicy::LastPerSubject,
        filter_subject: Some("orders.*".into()),
        ack_policy: AckPolicy::None,
        flow_control: true,
        idle_heartbeat: 5 * SECOND,
        headers_only: true,
        ..ConsumerConfig::durable("AUDIT")
    };
    let audit = js
        .create_consumer("ORDERS", &push, ConsumerAction::CreateOrUpdate)
        .await
        .unwrap();
    assert_eq!(
        audit.config.deliver_subject.as_deref(),
        Some("deliver.audit")
    );

    let changed = ConsumerConfig {
        description: Some("busier pull worker".into()),
        max_ack_pending: 200,
        ..pull.clone()
    };
    let err = js
        .create_consumer("ORDERS", &changed, ConsumerAction::Create)
        .await
        .unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::CONSUMER_ALREADY_EXISTS, "{err}");
    let updated = js
        .create_consumer("ORDERS", &changed, ConsumerAction::Update)
        .await
        .unwrap();
    assert_eq!(without_server_keys(updated.config), changed);

    let err = js
        .create_consumer(
            "ORDERS",
            &ConsumerConfig::durable("NOBODY"),
            ConsumerAction::Update,
        )
        .await
        .unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::CONSUMER_DOES_NOT_EXIST, "{err}");

    // The first backoff must equal ack_wait, or pedantic refuses to adjust it.
    let mismatched = ConsumerConfig {
        ack_wait: 5 * SECOND,
        ..ConsumerConfig::durable("BACKOFF")
    };
    let mismatched = ConsumerConfig {
        backoff: vec![SECOND],
        ..mismatched
    };
    let err = js
        .create_consumer("ORDERS", &mismatched, ConsumerAction::Create)
        .await
        .unwrap_err();
    assert_eq!(api_code(&err), ErrorCode::PEDANTIC, "{err}");

    // What Go clients (the official provider, the `nats` CLI) send for "not
    // paused": the zero time, which the server stores and echoes.
    let from_go = ConsumerConfig {
        pause_until: Some("0001-01-01T00:00:00Z".into()),
        ..ConsumerConfig::durable("FROM_GO")
    };
    let made = js
        .create_consumer("ORDERS", &from_go, ConsumerAction::Create)
        .await
        .unwrap();
    assert!(!made.paused);
    let read = js
        .consumer_info("ORDERS", "FROM_GO")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        read.config.pause_until, None,
        "Go's zero time reads as unset"
    );
    assert!(js.delete_consumer("ORDERS", "FROM_GO").await.unwrap());

    let read = js.consumer_info("ORDERS", "WORKER").await.unwrap().unwrap();
    assert_eq!(
        read.config.description.as_deref(),
        Some("busier pull worker")
    );
    let mut names = js.consumer_names("ORDERS").await.unwrap();
    names.sort();
    assert_eq!(names, ["AUDIT", "WORKER"]);
    assert_eq!(js.list_consumers("ORDERS").await.unwrap().len(), 2);

    assert!(js.delete_consumer("ORDERS", "WORKER").await.unwrap());
    assert!(!js.delete_consumer("ORDERS", "WORKER").await.unwrap());
    assert!(js
        .consumer_info("ORDERS", "WORKER")
        .await
        .unwrap()
        .is_none());
    assert!(js
        .consumer_info("NO_STREAM", "WORKER")
        .await
        .unwrap()
        .is_none());
    assert!(!js.delete_consumer("NO_STREAM", "WORKER").await.unwrap());
}

#[tokio::test]
async fn kv_buckets_and_entries_work_through_the_client_mapping() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let js = local_api(&server).await;

    let bucket = KvBucketConfig {
        description: Some("settings".into()),
        history: 5,
        ttl: 30 * SECOND,
        max_value_size: 1024,
        storage: StorageType::Memory,
        limit_marker_ttl: 2 * SECOND,
        metadata: [("app".to_owned(), "web".to_owned())].into(),
        ..KvBucketConfig::named("settings")
    };
    let info = js
        .create_stream(&bucket.to_stream_config().unwrap())
        .await
        .unwrap();
    let read_back = KvBucketConfig::from_stream_config(&info.config).unwrap();
    assert_eq!(
        read_back,
        KvBucketConfig {
            num_replicas: 1,
            max_bytes: -1,
            ..bucket.clone()
        }
    );

    assert!(js.kv_get("settings", "db.url").await.unwrap().is_none());
    let first = js
        .kv_put("settings", "db.url", b"postgres://a")
        .await
        .unwrap();
    let second = js
        .kv_put("settings", "db.url", b"postgres://b")
        .await
        .unwrap();
    assert_eq!(second, first + 1);
    let entry = js.kv_get("settings", "db.url").await.unwrap().unwrap();
    assert_eq!(entry.value, b"postgres://b");
    assert_eq!(entry.revision, second);
    assert!(entry.is_live());
    assert!(!entry.created.is_empty());

    let deleted_at = js.kv_delete("settings", "db.url").await.unwrap();
    let marker = js.kv_get("settings", "db.url").await.unwrap().unwrap();
    assert_eq!(marker.operation, KvOperation::Delete);
    assert_eq!(marker.revision, deleted_at);
    assert!(marker.value.is_empty());

    js.kv_put("settings", "other", b"x").await.unwrap();
    js.kv_purge("settings", "other").await.unwrap();
    let purged = js.kv_get("settings", "other").await.unwrap().unwrap();
    assert_eq!(purged.operation, KvOperation::Purge);

    let err = js.kv_put("settings", "bad key", b"x").await.unwrap_err();
    assert!(matches!(err, JetStreamError::InvalidName { .. }), "{err}");
    assert_eq!(
        err.to_string(),
        r#"invalid key name "bad key": may contain only letters, digits and '-', '/', '_', '=', '.'"#
    );
    // Nothing listens for a missing bucket: the refusal is retried (it
    // proves nothing was stored) until the budget is spent, then named.
    let js = js.with_timeout(2 * SECOND);
    let started = std::time::Instant::now();
    let err = js.kv_put("missing", "k", b"x").await.unwrap_err();
    assert!(started.elapsed() < 3 * SECOND, "{:?}", started.elapsed());
    let JetStreamError::Retried {
        attempts, retried, ..
    } = &err
    else {
        panic!("expected a retried error, got {err}");
    };
    assert!(*attempts >= 3, "{err}");
    assert_eq!(retried, &format!("no responders (x{})", attempts - 1));
    assert!(
        matches!(err.last_attempt(), JetStreamError::NoResponders { subject } if subject == "$KV.missing.k"),
        "{err}"
    );
}

#[tokio::test]
async fn object_buckets_are_created_through_the_client_mapping() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let js = local_api(&server).await;
    let bucket = ObjectBucketConfig {
        description: Some("assets".into()),
        ttl: 60 * SECOND,
        max_bytes: 16 << 20,
        compression: true,
        metadata: [("kind".to_owned(), "images".to_owned())].into(),
        ..ObjectBucketConfig::named("assets")
    };
    let info = js
        .create_stream(&bucket.to_stream_config().unwrap())
        .await
        .unwrap();
    assert_eq!(info.config.subjects, ["$O.assets.C.>", "$O.assets.M.>"]);
    assert_eq!(
        ObjectBucketConfig::from_stream_config(&info.config),
        Some(ObjectBucketConfig {
            num_replicas: 1,
            ..bucket
        })
    );
}

#[tokio::test]
async fn across_a_leaf_connection_streams_kv_and_sources_reach_the_other_domain() {
    let (hub, leaf) = hub_and_leaf();
    let hub_from_leaf = api(&leaf, Some("hub")).await;
    let leaf_local = JetStreamApi::new(hub_from_leaf.client().clone(), None);
    assert_eq!(hub_from_leaf.prefix(), "$JS.hub.API");

    // A stream created from the leaf through $JS.hub.API lives in the hub.
    let origin = StreamConfig {
        subjects: vec!["events.>".into()],
        ..StreamConfig::named("EVENTS")
    };
    hub_from_leaf.create_stream(&origin).await.unwrap();
    let seen_from_leaf = hub_from_leaf.stream_info("EVENTS").await.unwrap().unwrap();
    assert_eq!(seen_from_leaf.domain.as_deref(), Some("hub"));
    let hub_local = local_api(&hub).await;
    assert!(hub_local.stream_info("EVENTS").await.unwrap().is_some());
    assert!(leaf_local.stream_info("EVENTS").await.unwrap().is_none());

    // A leaf stream sourcing it by domain: an external prefix, no domain key.
    let copy = StreamConfig {
        sources: vec![StreamSource::from_domain("EVENTS", "hub")],
        ..StreamConfig::named("EVENTS_COPY")
    };
    let copied = leaf_local.create_stream(&copy).await.unwrap();
    assert_eq!(copied.config.sources[0].domain(), Some("hub"));
    assert_eq!(copied.config.without_server_metadata(), copy);

    let on_hub = hub_local.client();
    for index in 0..5 {
        on_hub
            .publish(format!("events.{index}"), "payload".into())
            .await
            .unwrap();
    }
    on_hub.flush().await.unwrap();
    let mut arrived = 0;
    for _ in 0..100 {
        let info = leaf_local
            .stream_info("EVENTS_COPY")
            .await
            .unwrap()
            .unwrap();
        arrived = info.state.messages;
        if arrived == 5 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(arrived, 5, "messages sourced from the hub into the leaf");

    // KV in the hub, written and read from the leaf through the domain prefix,
    // while a bucket of the same name in the leaf stays untouched.
    let bucket = KvBucketConfig::named("shared").to_stream_config().unwrap();
    hub_from_leaf.create_stream(&bucket).await.unwrap();
    leaf_local.create_stream(&bucket).await.unwrap();
    let revision = hub_from_leaf.kv_put("shared", "k", b"hub").await.unwrap();
    let entry = hub_from_leaf.kv_get("shared", "k").await.unwrap().unwrap();
    assert_eq!(
        (entry.value.as_slice(), entry.revision),
        (&b"hub"[..], revision)
    );
    assert!(leaf_local.kv_get("shared", "k").await.unwrap().is_none());
    leaf_local.kv_put("shared", "k", b"leaf").await.unwrap();
    let hub_entry = hub_from_leaf.kv_get("shared", "k").await.unwrap().unwrap();
    assert_eq!(hub_entry.value, b"hub");
}
