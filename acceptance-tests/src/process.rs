//! Fault drills: a terraform command running in the background, watched line by line
//! so a test can strike at a chosen moment, and the provider plugin that terraform
//! started, found among its children so a test can kill it with a real signal.
//!
//! Linux only, like the rest of the harness: processes are found through /proc.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::child::send_signal;
use crate::{tools, HarnessError, NatsServer, Terraform, TfOutput};

/// A terraform command running in the background. Killed (SIGKILL) and reaped when
/// dropped, so a failing test leaves nothing behind; a provider it started exits on
/// its own once terraform is gone.
pub struct RunningTerraform<'a> {
    tf: &'a Terraform,
    args: Vec<String>,
    child: Child,
    lines: Receiver<String>,
    stdout: Vec<String>,
    stderr: Option<JoinHandle<String>>,
}

impl Terraform {
    /// Starts `terraform <args>` in the background, as [`Terraform::run`] would run it.
    pub fn spawn(&self, args: &[&str]) -> Result<RunningTerraform<'_>, HarnessError> {
        let mut child = self
            .command(args, &[])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| HarnessError::Spawn {
                program: self.binary().to_owned(),
                source,
            })?;
        let stdout = child.stdout.take();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            let Some(stdout) = stdout else { return };
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = child.stderr.take().map(read_all_in_background);
        Ok(RunningTerraform {
            tf: self,
            args: args.iter().map(|arg| (*arg).to_owned()).collect(),
            child,
            lines,
            stdout: Vec::new(),
            stderr,
        })
    }
}

fn read_all_in_background(mut stderr: ChildStderr) -> JoinHandle<String> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        // A read error only cuts the text short; the exit status still tells the outcome.
        let _ = stderr.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

impl RunningTerraform<'_> {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits until terraform has printed `count` stdout lines containing `needle`
    /// (counted from its start), e.g. `"Creation complete"` to strike mid-apply.
    pub fn wait_for_lines(
        &mut self,
        needle: &str,
        count: usize,
        timeout: Duration,
    ) -> Result<(), HarnessError> {
        let deadline = Instant::now() + timeout;
        // Counted as lines arrive: a plan prints thousands before the first create.
        let mut seen = self.count(needle);
        while seen < count {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    seen += usize::from(line.contains(needle));
                    self.stdout.push(line);
                }
                Err(RecvTimeoutError::Timeout) => {
                    return Err(self.stalled(format!(
                        "printed {seen} of {count} lines containing {needle:?} within {timeout:?}"
                    )))
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.stalled(format!(
                        "ended after {seen} of {count} lines containing {needle:?}"
                    )))
                }
            }
        }
        Ok(())
    }

    /// How many stdout lines taken so far contain `needle`.
    pub fn count(&self, needle: &str) -> usize {
        self.stdout
            .iter()
            .filter(|line| line.contains(needle))
            .count()
    }

    /// The provider plugin processes this terraform runs now.
    pub fn providers(&self) -> Result<Vec<u32>, HarnessError> {
        let provider = tools::provider_binary()?;
        let provider = provider.canonicalize().unwrap_or(provider);
        Ok(children_running(self.pid(), &provider))
    }

    /// Waits for terraform to end by itself and returns what it printed, whatever its
    /// exit status. After `timeout` it is killed and that is an error.
    pub fn finish(mut self, timeout: Duration) -> Result<TfOutput, HarnessError> {
        let deadline = Instant::now() + timeout;
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(status)) => break status,
                Ok(None) if Instant::now() < deadline => {
                    if let Ok(line) = self.lines.recv_timeout(Duration::from_millis(50)) {
                        self.stdout.push(line);
                    }
                }
                Ok(None) => {
                    return Err(self.stalled(format!("did not end within {timeout:?}")));
                }
                Err(e) => return Err(HarnessError::io("waiting for terraform", e)),
            }
        };
        // The reader thread ends with terraform's stdout; take every line it read.
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(5)) {
            self.stdout.push(line);
        }
        let stderr = self
            .stderr
            .take()
            .and_then(|reader| reader.join().ok())
            .unwrap_or_default();
        Ok(TfOutput {
            status,
            stdout: self.stdout.join("\n"),
            stderr,
        })
    }

    /// Like [`finish`](Self::finish), and terraform must have failed.
    pub fn finish_with_error(self, timeout: Duration) -> Result<TfOutput, HarnessError> {
        let command = self.args.join(" ");
        let output = self.finish(timeout)?;
        if output.success() {
            return Err(HarnessError::TerraformSucceeded {
                command,
                stdout: output.stdout,
            });
        }
        Ok(output)
    }

    /// Takes the stdout lines printed so far without waiting, for [`count`](Self::count).
    pub fn drain_output(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.stdout.push(line);
        }
    }

    fn stalled(&mut self, what: String) -> HarnessError {
        HarnessError::Background {
            command: self.args.join(" "),
            dir: self.tf.dir().to_owned(),
            what,
            stdout: self.stdout.join("\n"),
        }
    }
}

impl Drop for RunningTerraform<'_> {
    fn drop(&mut self) {
        // Errors mean it already ended; either way it is reaped.
        let _ = self.child.kill();
        let _ = self.child.wait();
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

/// Live children of `parent` running the executable `binary` (a canonical path).
pub fn children_running(parent: u32, binary: &Path) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|&pid| parent_and_state(pid).is_some_and(|(ppid, _)| ppid == parent))
        .filter(|&pid| executable(pid).is_some_and(|exe| exe == binary))
        .filter(|&pid| is_running(pid))
        .collect()
}

fn executable(pid: u32) -> Option<PathBuf> {
    std::fs::read_link(format!("/proc/{pid}/exe")).ok()
}

/// Whether `pid` is alive; a zombie has exited (nobody may reap an orphan quickly).
pub fn is_running(pid: u32) -> bool {
    parent_and_state(pid).is_some_and(|(_, state)| state != 'Z')
}

/// SIGKILL to a process the test did not start itself (the provider plugin, a
/// grandchild). One that is already gone is not an error.
pub fn kill_process(pid: u32) -> Result<(), HarnessError> {
    send_signal(pid, libc::SIGKILL).map_err(|e| HarnessError::io(format!("killing {pid}"), e))
}

impl NatsServer {
    /// SIGSTOP: the server stops reading and answering but keeps its connections, so
    /// requests sent meanwhile wait in its socket (a hung server, or one to strike at
    /// while requests are surely in flight). [`resume`](Self::resume) lets it go on.
    pub fn pause(&self) -> Result<(), HarnessError> {
        send_signal(self.pid(), libc::SIGSTOP)
            .map_err(|e| HarnessError::io("sending SIGSTOP to nats-server", e))
    }

    /// SIGCONT after [`pause`](Self::pause).
    pub fn resume(&self) -> Result<(), HarnessError> {
        send_signal(self.pid(), libc::SIGCONT)
            .map_err(|e| HarnessError::io("sending SIGCONT to nats-server", e))
    }
}
