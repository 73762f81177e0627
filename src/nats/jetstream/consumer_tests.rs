//! Serialization of consumer configs against what nats-server 2.15.1 accepts
//! and sends (the captured reply came from a real 2.15.1).

use super::*;

/// `CONSUMER.INFO` of a pull consumer with nearly every setting, captured
/// from nats-server 2.15.1.
const FULL_CONSUMER_INFO: &str = r#"
{"type":"io.nats.jetstream.api.v1.consumer_info_response","stream_name":"FULL","name":"C1","created":"2026-11-26T21:56:41.228244971Z","config":{"durable_name":"C1","name":"C1","description":"pull","deliver_policy":"by_start_sequence","opt_start_seq":5,"ack_policy":"explicit","ack_wait":10000000000,"max_deliver":5,"backoff":[10000000000,20000000000],"filter_subjects":["full.a","full.b"],"replay_policy":"instant","max_waiting":16,"max_ack_pending":50,"headers_only":true,"max_batch":10,"max_expires":30000000000,"max_bytes":1024,"inactive_threshold":20000000000,"num_replicas":1,"mem_storage":true,"metadata":{"_nats.level":"5","_nats.req.level":"1","_nats.ver":"2.15.1","k":"v"},"pause_until":"2030-01-01T00:00:00Z","priority_groups":["g1"],"priority_policy":"pinned_client","priority_timeout":60000000000},"delivered":{"consumer_seq":0,"stream_seq":99},"ack_floor":{"consumer_seq":0,"stream_seq":99},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0,"paused":true,"pause_remaining":97725796744046869,"ts":"2026-11-26T21:56:43.255950901Z","priority_groups":[{"group":"g1","pinned_ts":"0001-01-01T00:00:00Z"}]}
"#;

fn full_config() -> ConsumerConfig {
    ConsumerConfig {
        description: Some("pull".into()),
        deliver_policy: DeliverPolicy::ByStartSequence,
        opt_start_seq: 5,
        ack_policy: AckPolicy::Explicit,
        ack_wait: Duration::from_secs(10),
        max_deliver: 5,
        backoff: vec![Duration::from_secs(10), Duration::from_secs(20)],
        filter_subjects: vec!["full.a".into(), "full.b".into()],
        max_waiting: 16,
        max_ack_pending: 50,
        headers_only: true,
        max_batch: 10,
        max_expires: Duration::from_secs(30),
        max_bytes: 1024,
        inactive_threshold: Duration::from_secs(20),
        num_replicas: 1,
        mem_storage: true,
        metadata: [("k".to_owned(), "v".to_owned())].into(),
        pause_until: Some("2030-01-01T00:00:00Z".into()),
        priority_groups: vec!["g1".into()],
        priority_policy: PriorityPolicy::PinnedClient,
        priority_timeout: Duration::from_secs(60),
        ..ConsumerConfig::durable("C1")
    }
}

#[test]
fn a_full_config_serializes_to_the_servers_keys_in_nanoseconds() {
    let json = serde_json::to_string(&full_config()).unwrap();
    let expected = concat!(
        r#"{"durable_name":"C1","name":"C1","description":"pull","deliver_policy":"by_start_sequence","#,
        r#""opt_start_seq":5,"ack_policy":"explicit","ack_wait":10000000000,"max_deliver":5,"#,
        r#""backoff":[10000000000,20000000000],"filter_subjects":["full.a","full.b"],"#,
        r#""replay_policy":"instant","max_waiting":16,"max_ack_pending":50,"headers_only":true,"#,
        r#""max_batch":10,"max_expires":30000000000,"max_bytes":1024,"#,
        r#""inactive_threshold":20000000000,"num_replicas":1,"mem_storage":true,"#,
        r#""metadata":{"k":"v"},"pause_until":"2030-01-01T00:00:00Z","priority_groups":["g1"],"#,
        r#""priority_policy":"pinned_client","priority_timeout":60000000000}"#
    );
    assert_eq!(json, expected);
}

#[test]
fn a_push_consumer_sends_only_what_it_sets() {
    let push = ConsumerConfig {
        deliver_subject: Some("deliver.here".into()),
        deliver_group: Some("workers".into()),
        idle_heartbeat: Duration::from_secs(5),
        flow_control: true,
        ack_policy: AckPolicy::None,
        deliver_policy: DeliverPolicy::LastPerSubject,
        filter_subject: Some("orders.*".into()),
        replay_policy: ReplayPolicy::Original,
        rate_limit_bps: 1024,
        sample_freq: Some("50%".into()),
        ..ConsumerConfig::durable("P")
    };
    assert_eq!(
        serde_json::to_string(&push).unwrap(),
        concat!(
            r#"{"durable_name":"P","name":"P","deliver_policy":"last_per_subject","ack_policy":"none","#,
            r#""filter_subject":"orders.*","replay_policy":"original","rate_limit_bps":1024,"#,
            r#""sample_freq":"50%","flow_control":true,"deliver_subject":"deliver.here","#,
            r#""deliver_group":"workers","idle_heartbeat":5000000000,"num_replicas":0}"#
        )
    );
}

#[test]
fn policies_use_the_servers_words() {
    let word = |value: serde_json::Value| value.as_str().unwrap().to_owned();
    assert_eq!(
        word(serde_json::to_value(DeliverPolicy::ByStartTime).unwrap()),
        "by_start_time"
    );
    assert_eq!(
        word(serde_json::to_value(DeliverPolicy::New).unwrap()),
        "new"
    );
    assert_eq!(
        word(serde_json::to_value(AckPolicy::FlowControl).unwrap()),
        "flow_control"
    );
    assert_eq!(word(serde_json::to_value(AckPolicy::All).unwrap()), "all");
    assert_eq!(
        word(serde_json::to_value(PriorityPolicy::Overflow).unwrap()),
        "overflow"
    );
    assert_eq!(
        word(serde_json::to_value(PriorityPolicy::Prioritized).unwrap()),
        "prioritized"
    );
}

#[test]
fn create_requests_carry_the_action_and_pedantic() {
    let config = ConsumerConfig::durable("C");
    let body = |action: ConsumerAction| {
        serde_json::to_value(CreateConsumerRequest {
            stream_name: "S",
            config: &config,
            action: action.wire(),
            pedantic: true,
        })
        .unwrap()
    };
    assert_eq!(body(ConsumerAction::Create)["action"], "create");
    assert_eq!(body(ConsumerAction::Update)["action"], "update");
    let either = body(ConsumerAction::CreateOrUpdate);
    assert!(either.get("action").is_none());
    assert_eq!(either["pedantic"], true);
    assert_eq!(either["stream_name"], "S");
    assert_eq!(either["config"]["durable_name"], "C");
}

#[test]
fn the_consumer_is_addressed_by_name_or_durable_name() {
    assert_eq!(ConsumerConfig::durable("C").consumer_name(), Some("C"));
    let durable_only = ConsumerConfig {
        durable_name: Some("D".into()),
        ..Default::default()
    };
    assert_eq!(durable_only.consumer_name(), Some("D"));
    assert_eq!(ConsumerConfig::default().consumer_name(), None);
}

#[test]
fn a_captured_consumer_info_decodes_and_equals_what_was_sent() {
    let info: ConsumerInfo = crate::nats::jetstream::decode_reply(
        "$JS.API.CONSUMER.INFO.FULL.C1",
        FULL_CONSUMER_INFO.trim().as_bytes(),
    )
    .unwrap();
    assert_eq!(info.stream_name, "FULL");
    assert!(info.paused);
    assert_eq!(info.delivered.stream_seq, 99);
    let mut config = info.config;
    config.metadata = crate::nats::jetstream::user_metadata(&config.metadata);
    assert_eq!(config, full_config());
}

#[test]
fn a_consumer_made_by_a_go_client_is_not_paused() {
    // Go clients send `time.Time{}` for "no pause" and the server echoes it.
    let from_go = FULL_CONSUMER_INFO.replace(
        r#""pause_until":"2030-01-01T00:00:00Z""#,
        r#""pause_until":"0001-01-01T00:00:00Z""#,
    );
    assert_ne!(from_go, FULL_CONSUMER_INFO);
    let info: ConsumerInfo = crate::nats::jetstream::decode_reply(
        "$JS.API.CONSUMER.INFO.FULL.C1",
        from_go.trim().as_bytes(),
    )
    .unwrap();
    assert_eq!(info.config.pause_until, None);
    let resent = serde_json::to_value(&info.config).unwrap();
    assert!(resent.get("pause_until").is_none(), "{resent}");
}
