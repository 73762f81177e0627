//! Fault drill: nats-server is SIGKILLed in the middle of an apply of 100 streams
//! (file storage, so what it created survives; frozen with SIGSTOP a moment before, so
//! the kill lands mid-apply however fast the machine), stays down until the apply ends,
//! and is started again on the same ports and store, as a supervisor would.
//!
//! The interrupted apply fails, naming every stream it could not create. State is
//! truthful: every stream it records exists on the server; the only streams the server
//! holds beyond it are creates that were in flight at the kill (the server may have
//! made them without the reply getting out). The next apply converges: state and the
//! server hold exactly the 100 streams, none twice, none missing, and a plan is empty.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use acceptance_tests::{
    one_line, streams_in_state, streams_on_server, terraform_with, NatsServerBuilder, Terraform,
};

const STREAMS: usize = 100;
/// Terraform's default: at most this many creates are in flight when the server dies.
const PARALLELISM: usize = 10;
/// Kill once this many streams are created: early in the apply.
const CREATED_BEFORE_KILL: usize = 10;

fn config() -> String {
    format!(
        r#"
resource "nats_jetstream_stream" "drill" {{
  count    = {STREAMS}
  name     = "DRILL_${{count.index}}"
  subjects = ["drill.${{count.index}}.>"]
  storage  = "file"
}}
"#
    )
}

fn expected_names() -> Vec<String> {
    let mut names: Vec<String> = (0..STREAMS).map(|i| format!("DRILL_{i}")).collect();
    names.sort();
    names
}

fn apply_args() -> Vec<String> {
    vec![
        "apply".into(),
        "-auto-approve".into(),
        "-input=false".into(),
        "-no-color".into(),
        format!("-parallelism={PARALLELISM}"),
    ]
}

fn apply(tf: &Terraform) {
    let args = apply_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    tf.run_ok(&args).unwrap();
}

#[test]
fn server_killed_mid_apply_and_restarted_converges_with_truthful_state() {
    let mut server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = terraform_with(&server, &config());
    let args = apply_args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let started = Instant::now();
    let mut running = tf.spawn(&args).unwrap();
    running
        .wait_for_lines(
            "Creation complete",
            CREATED_BEFORE_KILL,
            Duration::from_secs(180),
        )
        .unwrap();
    // A hundred creates take a second or two: freeze the server first, so the kill
    // lands mid-apply however fast this machine is (nothing completes once it stops).
    server.pause().unwrap();
    server.kill();
    let killed_at = started.elapsed();
    let interrupted = running.finish_with_error(Duration::from_secs(600)).unwrap();
    let interrupted_took = started.elapsed() - killed_at;

    // State is truthful: everything recorded exists on the restarted server, nothing
    // twice; beyond it the server holds at most the creates that were in flight.
    server.restart().unwrap();
    let in_state = streams_in_state(&tf);
    let on_server = streams_on_server(&server);
    let state_set: BTreeSet<&String> = in_state.iter().collect();
    let server_set: BTreeSet<&String> = on_server.iter().collect();
    assert_eq!(
        state_set.len(),
        in_state.len(),
        "a stream recorded twice: {in_state:?}"
    );
    let forgotten: Vec<&&String> = server_set.difference(&state_set).collect();
    let phantom: Vec<&&String> = state_set.difference(&server_set).collect();
    assert!(
        phantom.is_empty(),
        "state records streams the server does not hold: {phantom:?}\nserver log:\n{}",
        server.log()
    );
    assert!(
        forgotten.len() <= PARALLELISM,
        "the server holds {} streams state does not know; only the {PARALLELISM} creates in flight may be: {forgotten:?}",
        forgotten.len()
    );
    assert!(
        in_state.len() >= CREATED_BEFORE_KILL && in_state.len() < STREAMS,
        "the kill came mid-apply: {} streams in state",
        in_state.len()
    );

    // The failure is clear: every stream not in state has an error naming it, and
    // says that NATS did not answer.
    let errors = one_line(&interrupted.stderr);
    for name in expected_names() {
        if !state_set.contains(&name) {
            assert!(
                errors.contains(&format!("Error: Cannot create stream {name} ")),
                "no error names {name}:\n{errors}"
            );
        }
    }
    assert!(
        errors.contains("did not answer") || errors.contains("timed out"),
        "the error says NATS did not answer: {errors}"
    );

    // The next apply converges: exactly the configured streams, on both sides.
    let converging = Instant::now();
    apply(&tf);
    let converged_took = converging.elapsed();
    assert_eq!(streams_in_state(&tf), expected_names());
    assert_eq!(streams_on_server(&server), expected_names());
    tf.expect_no_changes().unwrap();
    eprintln!(
        "drill timings: kill after {killed_at:?}, interrupted apply ended {interrupted_took:?} after the kill, \
         {} of {STREAMS} in state, {} created but unrecorded, converging apply {converged_took:?}",
        in_state.len(),
        forgotten.len()
    );

    tf.destroy().unwrap();
    assert!(streams_on_server(&server).is_empty());
}
