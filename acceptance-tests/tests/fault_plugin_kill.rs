//! Fault drill: the provider plugin (terraform's child `terraform-provider-nats`) is
//! SIGKILLed in the middle of an apply of 100 streams, at a moment when creates are
//! surely in flight: nats-server is paused (SIGSTOP) first, so the creates terraform
//! has started wait in its socket, then the plugin is killed and the server resumed.
//! The server makes those streams although nobody is left to hear the replies: they
//! exist on the server and are missing from state.
//!
//! Terraform reports the plugin's crash. State is truthful for everything it records.
//! The next apply plans the unrecorded streams as new and creates them again: the
//! server accepts a create identical to the stream it holds, so the apply converges
//! with exactly the configured streams on both sides, and a plan is empty.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use acceptance_tests::{
    is_running, kill_process, one_line, plan_text, streams_in_state, streams_on_server,
    terraform_with, wait_until, NatsServerBuilder,
};

const STREAMS: usize = 100;
const PARALLELISM: usize = 10;
const CREATED_BEFORE_KILL: usize = 20;

fn config() -> String {
    format!(
        r#"
resource "nats_jetstream_stream" "drill" {{
  count    = {STREAMS}
  name     = "PLUGIN_${{count.index}}"
  subjects = ["plugin.${{count.index}}.>"]
  storage  = "file"
}}
"#
    )
}

fn expected_names() -> Vec<String> {
    let mut names: Vec<String> = (0..STREAMS).map(|i| format!("PLUGIN_{i}")).collect();
    names.sort();
    names
}

#[test]
fn plugin_killed_mid_apply_then_the_next_apply_converges() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = terraform_with(&server, &config());
    let parallelism = format!("-parallelism={PARALLELISM}");
    let apply = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        parallelism.as_str(),
    ];

    let started = Instant::now();
    let mut running = tf.spawn(&apply).unwrap();
    running
        .wait_for_lines(
            "Creation complete",
            CREATED_BEFORE_KILL,
            Duration::from_secs(180),
        )
        .unwrap();
    let providers = running.providers().unwrap();
    assert_eq!(providers.len(), 1, "one provider plugin: {providers:?}");

    // Freeze the server; terraform keeps starting creates until all its slots wait.
    server.pause().unwrap();
    let slots_full = wait_until(Duration::from_secs(10), || {
        running.drain_output();
        running.count(": Creating...") - running.count("Creation complete") == PARALLELISM
    });
    let in_flight = running.count(": Creating...") - running.count("Creation complete");
    assert!(
        slots_full,
        "{in_flight} creates in flight, not {PARALLELISM}"
    );
    // The plugin writes each request to the socket right after terraform asks.
    std::thread::sleep(Duration::from_millis(500));
    kill_process(providers[0]).unwrap();
    let killed_at = started.elapsed();
    server.resume().unwrap();
    let crashed = running.finish_with_error(Duration::from_secs(120)).unwrap();
    let crashed_took = started.elapsed() - killed_at;
    assert!(!is_running(providers[0]));
    let errors = one_line(&crashed.stderr);
    assert!(
        errors.contains("Error: Plugin did not respond The plugin encountered an error, and failed to respond to the plugin6.(*GRPCProvider).ApplyResourceChange call"),
        "terraform reports the plugin's crash: {errors}"
    );

    // State records only streams that exist; the server made the creates that were
    // in flight, which state cannot know.
    let in_state = streams_in_state(&tf);
    let state_set: BTreeSet<String> = in_state.iter().cloned().collect();
    assert_eq!(state_set.len(), in_state.len(), "a stream recorded twice");
    let mut on_server = Vec::new();
    // Each create first asks whether the stream exists (a create never takes over one
    // holding data), so a create in flight at the kill may have died before its
    // request reached the server: the server made at most the creates in flight.
    // What reached the server before the kill is answered once it resumes: wait
    // until two reads 200 ms apart agree.
    let mut previous = usize::MAX;
    let settled = wait_until(Duration::from_secs(10), || {
        std::thread::sleep(Duration::from_millis(200));
        on_server = streams_on_server(&server);
        let same = on_server.len() == previous;
        previous = on_server.len();
        same
    });
    assert!(settled, "the server's streams never settled: {on_server:?}");
    let server_set: BTreeSet<String> = on_server.iter().cloned().collect();
    let phantom: Vec<&String> = state_set.difference(&server_set).collect();
    assert!(
        phantom.is_empty(),
        "state records missing streams: {phantom:?}"
    );
    let unrecorded: Vec<&String> = server_set.difference(&state_set).collect();
    assert!(
        unrecorded.len() <= in_flight,
        "the server holds more unrecorded streams than the {in_flight} creates in flight at the kill: {unrecorded:?}\nserver log:\n{}",
        server.log()
    );

    // The next plan creates them again (state does not know them), and the server
    // takes an identical create of an existing stream: the apply converges.
    let plan = plan_text(&tf);
    let to_add = STREAMS - in_state.len();
    assert!(
        plan.contains(&format!("Plan: {to_add} to add, 0 to change, 0 to destroy")),
        "{plan}"
    );
    let converging = Instant::now();
    tf.run_ok(&apply).unwrap();
    let converged_took = converging.elapsed();
    assert_eq!(streams_in_state(&tf), expected_names());
    assert_eq!(streams_on_server(&server), expected_names());
    tf.expect_no_changes().unwrap();
    eprintln!(
        "drill timings: kill after {killed_at:?}, terraform ended {crashed_took:?} after the kill, \
         {} of {STREAMS} in state, {} made but unrecorded, converging apply {converged_took:?}",
        in_state.len(),
        unrecorded.len()
    );

    tf.destroy().unwrap();
    assert!(streams_on_server(&server).is_empty());
}
