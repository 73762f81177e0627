use super::*;

/// Replies captured from nats-server 2.15.1 (`-js`, domain `hubd`).
const VARZ_REPLY: &str = r#"{"server":{"name":"h3srv","host":"0.0.0.0","id":"NCTRVVLUH2XZH4CKICQD4NDVUNJDIM4CBPVV5EK7LJEU66L26MA7N62G","domain":"hubd","ver":"2.15.1","feature_flags":{"js_ack_fc_v2":false,"js_api_reply_v2":false,"js_raft_delete_range":true,"js_snapshot_sources":false},"jetstream":true,"flags":7,"seq":75,"time":"2026-11-26T21:35:23.808312518Z"},"data":{"server_id":"NCTRVVLUH2XZH4CKICQD4NDVUNJDIM4CBPVV5EK7LJEU66L26MA7N62G","server_name":"h3srv","version":"2.15.1","proto":1,"git_commit":"b2fd3ef","go":"go1.27.2","host":"0.0.0.0","port":14222,"auth_required":true,"max_connections":65536,"ping_interval":120000000000,"ping_max":2,"http_host":"0.0.0.0","http_port":0,"http_base_path":"","https_port":0,"auth_timeout":2,"max_control_line":4096,"max_payload":1048576,"max_pending":67108864,"cluster":{},"gateway":{},"leaf":{},"mqtt":{},"websocket":{},"jetstream":{"config":{"max_memory":18957047808,"max_storage":64147703808,"store_dir":"/tmp/h3/js/jetstream","sync_interval":120000000000,"domain":"hubd","strict":true},"stats":{"memory":0,"storage":0,"reserved_memory":0,"reserved_storage":0,"accounts":1,"ha_assets":0,"api":{"level":5,"total":3,"errors":1}},"limits":{"default_max_consumers":1000}},"tls_timeout":2,"write_deadline":10000000000,"start":"2026-11-26T21:27:28.815841495Z","now":"2026-11-26T21:35:23.80825842Z","uptime":"7m54s","mem":19058688,"cores":2,"gomaxprocs":2,"cpu":0,"connections":1,"total_connections":11,"routes":0,"remotes":0,"leafnodes":0,"in_msgs":11,"in_bytes":10,"in_client_msgs":11,"in_client_bytes":10,"out_msgs":7,"out_bytes":4506,"out_client_msgs":7,"out_client_bytes":4506,"slow_consumers":0,"stale_connections":0,"stalled_clients":0,"subscriptions":70,"http_req_stats":{},"config_load_time":"2026-11-26T21:27:28.815841495Z","config_digest":"sha256:828fd8ba7ab1a60ff43b0c1382c031260a2800f7395ab8960a5ac5cf421670e9","feature_flags":{"js_ack_fc_v2":false,"js_api_reply_v2":false,"js_raft_delete_range":true,"js_snapshot_sources":false},"system_account":"SYS","slow_consumer_stats":{"clients":0,"routes":0,"gateways":0,"leafs":0},"stale_connection_stats":{"clients":0,"routes":0,"gateways":0,"leafs":0},"disk_io_wait_stats":{"waiters":0,"waits":0,"wait_time":0,"max_wait_time":0}}}"#;

const JSZ_DISABLED_REPLY: &str = r#"{"server":{"name":"nojs","host":"0.0.0.0","id":"NANW5PNU44MBZDXPH4OOE33B2XEUFSVZACNJBUEZ4UCF2VVNUACB55RV","ver":"2.15.1","jetstream":false,"flags":0,"seq":11,"time":"2026-11-26T21:34:57.453186353Z"},"data":{"memory":0,"storage":0,"reserved_memory":0,"reserved_storage":0,"accounts":0,"ha_assets":0,"api":{"level":0,"total":0,"errors":0},"server_id":"NANW5PNU44MBZDXPH4OOE33B2XEUFSVZACNJBUEZ4UCF2VVNUACB55RV","now":"2026-11-26T21:34:57.453013368Z","disabled":true,"config":{"max_memory":0,"max_storage":0},"streams":0,"consumers":0,"messages":0,"bytes":0,"total":0}}"#;

const ERROR_REPLY: &str = r#"{"server":{"name":"h3srv","host":"0.0.0.0","id":"NCTRVVLUH2XZH4CKICQD4NDVUNJDIM4CBPVV5EK7LJEU66L26MA7N62G","domain":"hubd","ver":"2.15.1","jetstream":true,"flags":7,"seq":68,"time":"2026-11-26T21:35:03.962865455Z"},"error":{"code":400,"description":"unexpected end of JSON input"}}"#;

#[test]
fn varz_reply_decodes_with_server_identity() {
    let reply: ServerReply<Varz> =
        decode("$SYS.REQ.SERVER.PING.VARZ", VARZ_REPLY.as_bytes()).unwrap();
    assert_eq!(reply.server.name, "h3srv");
    assert_eq!(reply.server.domain.as_deref(), Some("hubd"));
    assert_eq!(reply.server.cluster, None);
    assert!(reply.server.jetstream);
    let varz = reply.into_data("$SYS.REQ.SERVER.PING.VARZ").unwrap();
    assert_eq!(varz.server_name, "h3srv");
    assert_eq!(varz.version, "2.15.1");
    assert_eq!(varz.connections, 1);
    assert_eq!(varz.system_account.as_deref(), Some("SYS"));
    assert_eq!(varz.cluster.name, None);
    let js_config = varz.jetstream.config.unwrap();
    assert_eq!(js_config.domain.as_deref(), Some("hubd"));
    assert_eq!(js_config.store_dir.as_deref(), Some("/tmp/h3/js/jetstream"));
    assert_eq!(varz.jetstream.stats.unwrap().api.level, 5);
}

#[test]
fn jsz_of_a_server_without_jetstream_says_disabled() {
    let reply: ServerReply<Jsz> =
        decode("$SYS.REQ.SERVER.PING.JSZ", JSZ_DISABLED_REPLY.as_bytes()).unwrap();
    assert!(!reply.server.jetstream);
    let jsz = reply.into_data("$SYS.REQ.SERVER.PING.JSZ").unwrap();
    assert!(jsz.disabled);
    assert_eq!(jsz.config.max_storage, 0);
    assert_eq!(jsz.config.domain, None);
}

#[test]
fn error_replies_name_server_and_status() {
    let reply: ServerReply<Varz> =
        decode("$SYS.REQ.SERVER.PING.VARZ", ERROR_REPLY.as_bytes()).unwrap();
    let err = reply.into_data("$SYS.REQ.SERVER.PING.VARZ").unwrap_err();
    assert_eq!(
        err.to_string(),
        "server h3srv answered $SYS.REQ.SERVER.PING.VARZ with an error: unexpected end of JSON input (status 400)"
    );
}

#[test]
fn a_reply_without_server_is_a_decode_error() {
    let err = decode::<Varz>("$SYS.REQ.SERVER.PING.VARZ", br#"{"data":{}}"#).unwrap_err();
    assert!(matches!(err, SystemError::Decode { .. }), "{err}");
}
