//! Terraform actions (Terraform >= 1.14) with real terraform and nats-server:
//! `terraform apply -invoke=action.<type>.<name>` publishes (what arrives is read back
//! from the server), an `action_trigger` in a resource's lifecycle runs an action after
//! the create, a purge removes what it says and reports it, and bad input is refused at
//! plan with nothing published.

use acceptance_tests::{
    provider_config, stream_info, terraform_with, workspace_root, NatsServer, NatsServerBuilder,
    Terraform, TfOutput,
};
use futures::StreamExt;
use natsforge::nats::{connect, ConnectOptions};
use std::time::Duration;

fn jetstream_server() -> NatsServer {
    NatsServerBuilder::new().jetstream().start().unwrap()
}

const ORDERS_STREAM: &str = r#"
resource "nats_jetstream_stream" "orders" {
  name     = "ORDERS"
  subjects = ["ORDERS.>"]
}
"#;

/// `terraform apply -invoke=action.<address>`, which must succeed.
fn invoke(tf: &Terraform, address: &str) -> TfOutput {
    let target = format!("-invoke=action.{address}");
    tf.run_ok(&["apply", "-auto-approve", "-no-color", &target])
        .unwrap()
}

/// Terraform's output with its line wrapping undone.
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `terraform plan -invoke=action.<address>`, which must fail; its stderr.
fn refused_at_plan(tf: &Terraform, address: &str) -> String {
    let target = format!("-invoke=action.{address}");
    let output = tf.run(["plan", "-no-color", &target]).unwrap();
    assert!(!output.success(), "plan should fail:\n{}", output.stdout);
    output.stderr
}

fn messages(server: &NatsServer, stream: &str) -> u64 {
    stream_info(server, stream)
        .expect("the stream exists")
        .state
        .messages
}

/// Messages (subject, payload, header `X-Batch`, `Nats-Msg-Id`) seen by a core NATS
/// subscriber on `subject` while `work` runs.
fn seen_on(
    server: &NatsServer,
    subject: &str,
    expected: usize,
    work: impl FnOnce(),
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut subscriber = runtime.block_on(async {
        let client = connect(&ConnectOptions {
            servers: vec![server.client_url().to_string()],
            ..ConnectOptions::default()
        })
        .await
        .unwrap();
        let subscriber = client.subscribe(subject.to_string()).await.unwrap();
        client.flush().await.unwrap();
        subscriber
    });
    work();
    runtime.block_on(async {
        let mut seen = Vec::new();
        while seen.len() < expected {
            let next = tokio::time::timeout(Duration::from_secs(10), subscriber.next()).await;
            let Ok(Some(message)) = next else { break };
            let header = |name: &str| {
                message
                    .headers
                    .as_ref()
                    .and_then(|h| h.get(name))
                    .map(|v| v.as_str().to_string())
            };
            seen.push((
                message.subject.to_string(),
                String::from_utf8_lossy(&message.payload).into_owned(),
                header("X-Batch"),
                header("Nats-Msg-Id"),
            ));
        }
        seen
    })
}

#[test]
fn invoke_publishes_through_jetstream_reports_acks_and_deduplicates() {
    let server = jetstream_server();
    let tf = terraform_with(
        &server,
        &format!(
            r#"{ORDERS_STREAM}
action "nats_publish" "orders" {{
  config {{
    subject         = "ORDERS.new"
    payloads        = ["first", "second", "third"]
    headers         = {{ "X-Batch" = "7" }}
    jetstream       = true
    msg_id          = "batch-7"
    expected_stream = nats_jetstream_stream.orders.name
  }}
}}
"#
        ),
    );
    tf.apply().unwrap();
    assert_eq!(messages(&server, "ORDERS"), 0);

    let mut output = None;
    let seen = seen_on(&server, "ORDERS.>", 3, || {
        output = Some(invoke(&tf, "nats_publish.orders"));
    });
    let stdout = output.unwrap().stdout;
    assert!(
        stdout.contains("3 messages stored on ORDERS.new in ORDERS seq 1-3"),
        "{stdout}"
    );
    // Progress events, shown by Terraform as they come.
    assert!(
        stdout.contains(
            "Action action.nats_publish.orders (triggered by CLI): 1/3 on ORDERS.new: stream ORDERS seq 1"
        ),
        "{stdout}"
    );
    let batch = Some("7".to_string());
    assert_eq!(
        seen,
        [
            (
                "ORDERS.new".into(),
                "first".into(),
                batch.clone(),
                Some("batch-7-1".into())
            ),
            (
                "ORDERS.new".into(),
                "second".into(),
                batch.clone(),
                Some("batch-7-2".into())
            ),
            (
                "ORDERS.new".into(),
                "third".into(),
                batch,
                Some("batch-7-3".into())
            ),
        ]
    );
    assert_eq!(messages(&server, "ORDERS"), 3);

    // The same message ids within the duplicate window: nothing stored twice.
    let again = invoke(&tf, "nats_publish.orders").stdout;
    assert!(
        again.contains("3 messages already stored (duplicate Nats-Msg-Id)"),
        "{again}"
    );
    assert_eq!(messages(&server, "ORDERS"), 3);
    // An action is not part of the plan of an ordinary apply: nothing more published.
    tf.apply().unwrap();
    assert_eq!(messages(&server, "ORDERS"), 3);
}

#[test]
fn jetstream_checks_refuse_with_the_servers_answer() {
    let server = jetstream_server();
    let tf = terraform_with(
        &server,
        &format!(
            r#"{ORDERS_STREAM}
action "nats_publish" "elsewhere" {{
  config {{
    subject         = "ORDERS.new"
    payload         = "x"
    jetstream       = true
    expected_stream = "INVOICES"
  }}
}}

action "nats_publish" "nowhere" {{
  config {{
    subject   = "NOBODY.listens"
    payload   = "x"
    jetstream = true
  }}
}}
"#
        ),
    );
    tf.apply().unwrap();
    let wrong = tf
        .run([
            "apply",
            "-auto-approve",
            "-no-color",
            "-invoke=action.nats_publish.elsewhere",
        ])
        .unwrap();
    assert!(!wrong.success());
    let wrong = flat(&wrong.stderr);
    assert!(
        wrong.contains("Cannot publish message 1 of 1 to ORDERS.new"),
        "{wrong}"
    );
    // The server's own text and code.
    assert!(
        wrong.contains("expected stream does not match (10060)"),
        "{wrong}"
    );
    let nowhere = tf
        .run([
            "apply",
            "-auto-approve",
            "-no-color",
            "-invoke=action.nats_publish.nowhere",
        ])
        .unwrap();
    assert!(!nowhere.success());
    let nowhere = flat(&nowhere.stderr);
    assert!(
        nowhere.contains("No JetStream stream stores subject \"NOBODY.listens\""),
        "{nowhere}"
    );
    assert_eq!(messages(&server, "ORDERS"), 0);
}

#[test]
fn core_publish_reaches_subscribers() {
    let server = NatsServerBuilder::new().start().unwrap();
    let tf = terraform_with(
        &server,
        r#"
action "nats_publish" "ping" {
  config {
    subject = "events.ping"
    payload = "hello"
    headers = { "X-Batch" = "1" }
  }
}
"#,
    );
    let mut output = None;
    let seen = seen_on(&server, "events.>", 1, || {
        output = Some(invoke(&tf, "nats_publish.ping"));
    });
    assert_eq!(
        seen,
        [("events.ping".into(), "hello".into(), Some("1".into()), None)]
    );
    let stdout = output.unwrap().stdout;
    assert!(
        stdout.contains("1 message published on events.ping"),
        "{stdout}"
    );
}

#[test]
fn action_trigger_publishes_after_the_stream_is_created() {
    let server = jetstream_server();
    let tf = terraform_with(
        &server,
        r#"
resource "nats_jetstream_stream" "events" {
  name     = "EVENTS"
  subjects = ["EVENTS.>"]

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.nats_publish.created]
    }
  }
}

action "nats_publish" "created" {
  config {
    subject   = "EVENTS.created"
    payload   = "the stream exists"
    jetstream = true
  }
}
"#,
    );
    let applied = tf.apply().unwrap().stdout;
    assert!(
        applied.contains("1 message stored on EVENTS.created in EVENTS seq 1"),
        "{applied}"
    );
    assert_eq!(messages(&server, "EVENTS"), 1);
    // No create, no trigger.
    tf.apply().unwrap();
    assert_eq!(messages(&server, "EVENTS"), 1);
}

#[test]
fn purge_removes_what_it_says_and_reports_it() {
    let server = jetstream_server();
    let tf = terraform_with(
        &server,
        &format!(
            r#"{ORDERS_STREAM}
action "nats_publish" "fill" {{
  config {{
    subject   = "ORDERS.old"
    payloads  = [for i in range(12) : "order ${{i}}"]
    jetstream = true
  }}
}}

action "nats_publish" "fresh" {{
  config {{
    subject   = "ORDERS.fresh"
    payloads  = ["a", "b"]
    jetstream = true
  }}
}}

action "nats_jetstream_stream_purge" "old_but_two" {{
  config {{
    stream  = nats_jetstream_stream.orders.name
    subject = "ORDERS.old"
    keep    = 2
  }}
}}

action "nats_jetstream_stream_purge" "below_13" {{
  config {{
    stream         = nats_jetstream_stream.orders.name
    up_to_sequence = 13
  }}
}}

action "nats_jetstream_stream_purge" "all" {{
  config {{
    stream = nats_jetstream_stream.orders.name
  }}
}}

action "nats_jetstream_stream_purge" "missing" {{
  config {{
    stream = "MISSING"
  }}
}}
"#
        ),
    );
    tf.apply().unwrap();
    let filled = invoke(&tf, "nats_publish.fill").stdout;
    // Twelve messages: progress about every tenth, not one line each.
    assert!(filled.contains("2/12 on ORDERS.old"), "{filled}");
    assert!(!filled.contains("1/12 on ORDERS.old"), "{filled}");
    invoke(&tf, "nats_publish.fresh");
    assert_eq!(messages(&server, "ORDERS"), 14);

    let kept = invoke(&tf, "nats_jetstream_stream_purge.old_but_two").stdout;
    assert!(
        kept.contains("Purging messages on ORDERS.old except the newest 2 from stream ORDERS, which holds 14 messages"),
        "{kept}"
    );
    assert!(
        kept.contains("Removed 10 messages from stream ORDERS; 4 messages left"),
        "{kept}"
    );
    assert_eq!(messages(&server, "ORDERS"), 4);

    let below = invoke(&tf, "nats_jetstream_stream_purge.below_13").stdout;
    assert!(
        below.contains("Removed 2 messages from stream ORDERS; 2 messages left"),
        "{below}"
    );
    let info = stream_info(&server, "ORDERS").unwrap();
    assert_eq!((info.state.first_seq, info.state.messages), (13, 2));

    let all = invoke(&tf, "nats_jetstream_stream_purge.all").stdout;
    assert!(
        all.contains("Removed 2 messages from stream ORDERS; 0 messages left"),
        "{all}"
    );
    assert_eq!(messages(&server, "ORDERS"), 0);
    // The stream itself stays, unchanged in Terraform's eyes.
    tf.expect_no_changes().unwrap();

    let missing = tf
        .run([
            "apply",
            "-auto-approve",
            "-no-color",
            "-invoke=action.nats_jetstream_stream_purge.missing",
        ])
        .unwrap();
    assert!(!missing.success());
    assert!(
        flat(&missing.stderr).contains("The stream MISSING does not exist"),
        "{}",
        missing.stderr
    );
}

#[test]
fn bad_input_is_refused_at_plan_and_nothing_is_published() {
    let server = jetstream_server();
    let tf = terraform_with(&server, ORDERS_STREAM);
    tf.apply().unwrap();
    let cases = [
        (
            r#"action "nats_publish" "bad" {
  config {
    subject = "ORDERS.*"
    payload = "x"
  }
}"#,
            "nats_publish.bad",
            &[
                "has a wildcard; a message is published to one subject",
                "subject = \"ORDERS.*\"",
            ][..],
        ),
        (
            r#"action "nats_publish" "bad" {
  config {
    subject = "ORDERS.new"
    payload = "x"
    msg_id  = "once"
  }
}"#,
            "nats_publish.bad",
            &["msg_id needs jetstream", "msg_id  = \"once\""][..],
        ),
        (
            r#"action "nats_publish" "bad" {
  config {
    subject  = "ORDERS.new"
    payload  = "x"
    payloads = ["y"]
  }
}"#,
            "nats_publish.bad",
            &["Conflicting payloads", "payloads = [\"y\"]"][..],
        ),
        (
            r#"action "nats_publish" "bad" {
  config {
    subject = "ORDERS.new"
    payload = "x"
    headers = { "a:b" = "c" }
  }
}"#,
            "nats_publish.bad",
            &["Invalid header name"][..],
        ),
        (
            r#"action "nats_jetstream_stream_purge" "bad" {
  config {
    stream         = "ORDERS"
    keep           = 1
    up_to_sequence = 5
  }
}"#,
            "nats_jetstream_stream_purge.bad",
            &["Conflicting purge limits", "up_to_sequence = 5"][..],
        ),
        (
            r#"action "nats_jetstream_stream_purge" "bad" {
  config {
    stream = "ORDERS"
    keep   = 0
  }
}"#,
            "nats_jetstream_stream_purge.bad",
            &["keep   = 0"][..],
        ),
    ];
    for (hcl, address, expected) in cases {
        tf.write_file(
            "main.tf",
            &format!("{}\n{ORDERS_STREAM}\n{hcl}\n", provider_config(&server)),
        )
        .unwrap();
        let stderr = refused_at_plan(&tf, address);
        for text in expected {
            assert!(
                flat(&stderr).contains(&flat(text)),
                "{address}: {text:?} missing in\n{stderr}"
            );
        }
    }
    assert_eq!(messages(&server, "ORDERS"), 0);
}

#[test]
fn the_documented_examples_run() {
    let server = jetstream_server();
    let example = |name: &str| {
        let path = workspace_root().join(format!("examples/actions/{name}/action.tf"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let tf = terraform_with(
        &server,
        &format!(
            "{}\n{}\n{}",
            ORDERS_STREAM,
            example("nats_publish"),
            example("nats_jetstream_stream_purge")
        ),
    );
    let applied = tf.apply().unwrap().stdout;
    assert!(
        applied.contains("1 message stored on AUDIT.created in AUDIT seq 1"),
        "{applied}"
    );
    let published = invoke(&tf, "nats_publish.orders").stdout;
    assert!(
        published.contains("3 messages stored on ORDERS.new in ORDERS seq 1-3"),
        "{published}"
    );
    let purged = invoke(&tf, "nats_jetstream_stream_purge.archived_orders").stdout;
    assert!(
        purged.contains("Removed 0 messages from stream ORDERS; 3 messages left"),
        "{purged}"
    );
}
