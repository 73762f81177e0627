//! The harness itself works: servers start on their own ports and really stop,
//! terraform is the version the suite needs.

use std::io::Read;
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;

use acceptance_tests::{wait_until, NatsServer, NatsServerBuilder, Terraform};

/// Reads the INFO line a NATS server sends to every new client connection.
fn read_info(client_url: &str) -> String {
    let address = client_url.trim_start_matches("nats://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut info = Vec::new();
    let mut byte = [0u8; 1];
    while !info.ends_with(b"\r\n") {
        stream.read_exact(&mut byte).unwrap();
        info.push(byte[0]);
    }
    String::from_utf8(info).unwrap()
}

/// True while `pid` is a live process; a zombie counts as gone (it runs nothing).
fn process_is_running(pid: u32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        // The state letter follows the parenthesised command name.
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

#[test]
fn jetstream_server_answers_on_its_client_port() {
    let server = NatsServerBuilder::new()
        .jetstream()
        .domain("hub")
        .server_name("hub")
        .leafnode_listen()
        .start()
        .unwrap();

    let info = read_info(server.client_url());
    assert!(info.starts_with("INFO {"), "unexpected greeting: {info}");
    assert!(info.contains("\"server_name\":\"hub\""), "{info}");
    assert!(info.contains("\"jetstream\":true"), "{info}");

    assert!(server.leafnode_url().starts_with("nats-leaf://127.0.0.1:"));
    assert!(server.monitor_url().starts_with("http://127.0.0.1:"));
    let jsz = server.monitor_json("/jsz").unwrap();
    assert_eq!(jsz["config"]["domain"], "hub", "{jsz}");
    assert!(server.store_dir().join("jetstream").is_dir());
    assert!(server.log().contains("Server is ready"));
}

#[test]
fn two_servers_in_one_test_get_different_ports() {
    let first = NatsServer::builder().start().unwrap();
    let second = NatsServer::builder().start().unwrap();
    assert_ne!(first.client_url(), second.client_url());
    assert_ne!(first.store_dir(), second.store_dir());
}

#[test]
fn leaf_connects_to_hub_through_the_reported_leafnode_url() {
    let hub = NatsServerBuilder::new()
        .server_name("hub")
        .leafnode_listen()
        .start()
        .unwrap();
    let leaf = NatsServerBuilder::new()
        .server_name("leaf")
        .extra(&format!(
            "leafnodes {{ remotes [ {{ url: \"{}\" }} ] }}",
            hub.leafnode_url()
        ))
        .start()
        .unwrap();
    let connected = wait_until(Duration::from_secs(10), || {
        hub.monitor_json("/leafz")
            .is_ok_and(|leafz| leafz["leafnodes"] == 1)
    });
    assert!(
        connected,
        "hub log:\n{}\nleaf log:\n{}",
        hub.log(),
        leaf.log()
    );
}

#[test]
fn reload_applies_a_changed_config_and_reports_a_broken_one() {
    let server = NatsServer::builder().start().unwrap();
    let original = std::fs::read_to_string(server.config_path()).unwrap();

    std::fs::write(server.config_path(), format!("{original}\ndebug: true\n")).unwrap();
    server.reload().unwrap();
    assert!(server.log().contains("Reloaded: debug = true"));

    std::fs::write(
        server.config_path(),
        format!("{original}\nthis is {{ not config\n"),
    )
    .unwrap();
    assert!(server.reload().is_err());
}

#[test]
fn verbatim_config_substitutes_the_servers_own_directories() {
    let server = NatsServerBuilder::from_config(
        "listen: 127.0.0.1:-1\nhttp: 127.0.0.1:-1\njetstream { store_dir: \"{{store_dir}}\" }",
    )
    .start()
    .unwrap();
    assert!(server.store_dir().join("jetstream").is_dir());
    let config = std::fs::read_to_string(server.config_path()).unwrap();
    assert!(!config.contains("{{"), "{config}");
}

#[test]
fn a_config_the_server_rejects_is_reported_with_its_log() {
    let error = NatsServerBuilder::from_config("listen: 127.0.0.1:-1\nnot a { valid config")
        .start()
        .err()
        .expect("start must fail");
    let message = error.to_string();
    assert!(message.contains("exited during start-up"), "{message}");
}

#[test]
fn dropped_and_stopped_servers_leave_no_process() {
    let server = NatsServer::builder().start().unwrap();
    let pid = server.pid();
    assert!(process_is_running(pid));
    drop(server);
    assert!(!process_is_running(pid));

    let mut server = NatsServer::builder().jetstream().start().unwrap();
    let pid = server.pid();
    server.stop().unwrap();
    assert!(!process_is_running(pid));
    // Still readable after stopping: what a test inspects after a shutdown.
    assert!(
        server.log().contains("Server Exiting") || server.log().contains("Initiating Shutdown")
    );
}

#[test]
fn a_panicking_test_leaves_no_process() {
    let (pid_sender, pid_receiver) = std::sync::mpsc::channel();
    let outcome = std::thread::spawn(move || {
        let server = NatsServer::builder().start().unwrap();
        pid_sender.send(server.pid()).unwrap();
        panic!("simulated test failure");
    })
    .join();
    assert!(outcome.is_err());
    let pid = pid_receiver.recv().unwrap();
    assert!(!process_is_running(pid));
}

#[test]
fn a_server_whose_owner_vanishes_without_cleanup_is_killed_by_the_kernel() {
    // Leaking the server skips Drop, as when the test process is killed; the parent-death
    // signal (tied to the spawning thread on Linux) must still end it.
    let (pid, dir) = std::thread::spawn(|| {
        let server = NatsServer::builder().start().unwrap();
        let leaked = (server.pid(), server.dir().to_owned());
        std::mem::forget(server);
        leaked
    })
    .join()
    .unwrap();
    let gone = wait_until(Duration::from_secs(5), || !process_is_running(pid));
    // Reap it (killing it first if the check failed), as nothing else will.
    unsafe {
        if !gone {
            libc::kill(pid as libc::pid_t, libc::SIGKILL);
        }
        libc::waitpid(pid as libc::pid_t, std::ptr::null_mut(), 0);
    }
    std::fs::remove_dir_all(dir).unwrap();
    assert!(gone, "nats-server {pid} survived its owner");
}

#[test]
fn terraform_is_the_pinned_line() {
    let terraform = Terraform::new().unwrap();
    let output = terraform.run(["version", "-json"]).unwrap();
    assert!(output.success(), "{output:?}");
    let version: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let version = version["terraform_version"].as_str().unwrap();
    assert!(version.starts_with("1.15."), "terraform {version}");
    // The harness's own CLI config is in use, so no "missing ~/.terraformrc" warning.
    assert!(!output.stderr.contains(".terraformrc"), "{}", output.stderr);
}

#[test]
fn terraform_failures_carry_the_output() {
    let terraform = Terraform::new().unwrap();
    terraform
        .write_file("main.tf", "this is not { hcl")
        .unwrap();
    let stderr = terraform.expect_plan_error().unwrap();
    assert!(stderr.contains("Error"), "{stderr}");
    let error = terraform.plan().unwrap_err().to_string();
    assert!(error.contains("--- stderr ---"), "{error}");
    assert!(Path::new(terraform.dir()).join("main.tf").is_file());
}
