//! The provider does not outlive Terraform: a `terraform apply` killed with SIGKILL in
//! the middle of creating streams leaves no provider process behind (an orphaned
//! provider was once seen running 33 minutes after a killed run).
//!
//! Linux only, like the harness: processes are found through /proc.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use acceptance_tests::{
    dev_overrides_config, provider_binary, provider_config, terraform_binary, wait_until,
    NatsServerBuilder, Terraform,
};

/// Far more than get created before the kill, so the apply is surely mid-run.
const STREAMS: usize = 300;
/// The provider's own limit is about 1.5 s (host check, grace for calls, runtime).
const GONE_WITHIN: Duration = Duration::from_secs(5);
/// Time for terraform to start and create its first stream on a loaded machine.
const FIRST_CREATE_WITHIN: Duration = Duration::from_secs(120);

fn streams_config() -> String {
    format!(
        r#"
resource "nats_jetstream_stream" "many" {{
  count    = {STREAMS}
  name     = "MANY_${{count.index}}"
  subjects = ["many.${{count.index}}.>"]
}}
"#
    )
}

/// `terraform apply` in `tf`'s directory, in the background, stdout piped, with the
/// CLI configuration and temp dir the test owns.
fn spawn_apply(tf: &Terraform, cli_config: &Path, temp_dir: &Path) -> Child {
    Command::new(terraform_binary().unwrap())
        .args([
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-parallelism=2",
        ])
        .current_dir(tf.dir())
        .env("TF_CLI_CONFIG_FILE", cli_config)
        .env("CHECKPOINT_DISABLE", "1")
        .env("TF_IN_AUTOMATION", "1")
        .env("TMPDIR", temp_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// Kills terraform if the test fails before it does.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // Errors mean it already exited.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The parent pid and state letter of `pid`, from /proc (the command name before them
/// may hold spaces or parentheses).
fn parent_and_state(pid: u32) -> Option<(u32, char)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let parent = fields.next()?.parse().ok()?;
    Some((parent, state))
}

/// Live children of `parent` running `binary`.
fn children_running(parent: u32, binary: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| parent_and_state(pid).is_some_and(|(ppid, _)| ppid == parent))
        .filter(|&pid| {
            std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary)
        })
        .collect()
}

/// Whether `pid` is alive; a zombie has exited (nobody may reap an orphan quickly).
fn is_running(pid: u32) -> bool {
    parent_and_state(pid).is_some_and(|(_, state)| state != 'Z')
}

#[test]
fn provider_exits_when_terraform_is_killed_mid_apply() {
    let server = NatsServerBuilder::new().jetstream().start().unwrap();
    let tf = Terraform::new().unwrap();
    tf.write_file(
        "main.tf",
        &format!("{}{}", provider_config(&server), streams_config()),
    )
    .unwrap();
    let provider: PathBuf = provider_binary().unwrap().canonicalize().unwrap();
    let own = tempfile::tempdir().unwrap();
    let cli_config = own.path().join("terraform.tfrc");
    let provider_dir = provider.parent().unwrap();
    std::fs::write(&cli_config, dev_overrides_config(provider_dir)).unwrap();
    let temp_dir = own.path().join("tmp");
    std::fs::create_dir(&temp_dir).unwrap();

    let mut apply = KillOnDrop(spawn_apply(&tf, &cli_config, &temp_dir));
    let terraform_pid = apply.0.id();

    // Mid-run: the first stream is created, hundreds are still to come.
    let stdout = apply.0.stdout.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen = Vec::new();
    loop {
        match received.recv_timeout(FIRST_CREATE_WITHIN) {
            Ok(line) if line.contains("Creation complete") => break,
            Ok(line) => seen.push(line),
            Err(error) => panic!("no stream created ({error}); terraform said:\n{seen:#?}"),
        }
    }
    let providers = children_running(terraform_pid, &provider);
    assert!(
        !providers.is_empty(),
        "terraform {terraform_pid} has no running {} child",
        provider.display()
    );

    apply.0.kill().unwrap();
    let status = apply.0.wait().unwrap();
    assert_eq!(
        status.signal(),
        Some(libc::SIGKILL),
        "terraform must still have been applying when killed: {status:?}"
    );

    let gone = wait_until(GONE_WITHIN, || {
        providers.iter().all(|&pid| !is_running(pid))
    });
    let left: Vec<u32> = providers
        .iter()
        .copied()
        .filter(|&pid| is_running(pid))
        .collect();
    for &pid in &left {
        // Not left behind by a failing test.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    assert!(
        gone,
        "provider process(es) {left:?} still running {GONE_WITHIN:?} after terraform was killed"
    );
    // A clean exit removes the plugin's private socket directory from TMPDIR.
    let leftovers: Vec<_> = std::fs::read_dir(&temp_dir)
        .unwrap()
        .filter_map(|entry| entry.ok())
        .map(|entry| entry.file_name())
        .filter(|name| name.to_string_lossy().starts_with("natsforge-plugin"))
        .collect();
    assert!(leftovers.is_empty(), "left in TMPDIR: {leftovers:?}");
}
