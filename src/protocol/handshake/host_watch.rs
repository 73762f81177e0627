//! Noticing that Terraform has gone away without saying so.
//!
//! Terraform ends a plugin with `GRPCController.Shutdown`. When Terraform itself is
//! killed (SIGKILL, the OOM killer, a CI job's timeout) nobody makes that call, and a
//! plugin that only waits for it runs on for ever. Either of two signs stops it:
//!
//! - **The parent changed** (Linux and macOS). A process is re-parented (to init,
//!   launchd or a subreaper) only when the process that started it has exited.
//!   `getppid` is polled, which works alike on both. Linux's `PR_SET_PDEATHSIG` is not
//!   used: it fires when the *thread* that forked us exits, and Go's runtime
//!   (Terraform) may end threads while the process lives on, which would kill a healthy
//!   plugin. Windows never re-parents a process, so there only the next sign applies.
//! - **Terraform's connection closed.** go-plugin's client holds one connection to the
//!   plugin for as long as it wants the plugin, and the stdio stream we keep open
//!   (see `services::Stdio`) stops gRPC's idle timer from closing it between calls. Once
//!   every connection that was ever made is gone, nobody is left to call us. This also
//!   covers a parent that outlives Terraform (a wrapper script between the two). The
//!   operating system closes the sockets of a killed process, on Windows too.
//!
//! Neither applies in debug mode, where a person started the plugin and Terraform
//! attaches and detaches once per command.

use std::sync::Arc;
#[cfg(unix)]
use std::time::Duration;

use tokio::sync::watch;
#[cfg(unix)]
use tokio::time::MissedTickBehavior;

/// How often the parent process is checked: one cheap system call per tick.
#[cfg(unix)]
pub const PARENT_POLL_INTERVAL: Duration = Duration::from_millis(250);

/// Why the plugin concluded Terraform is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostGone {
    /// The process that started us exited; we now belong to another parent.
    #[cfg(unix)]
    ParentExited { was: u32, now: u32 },
    /// Every connection Terraform made has closed without a Shutdown call.
    ConnectionsClosed,
}

impl std::fmt::Display for HostGone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(unix)]
            HostGone::ParentExited { was, now } => write!(
                f,
                "the process that started the plugin (pid {was}) exited; the parent is now pid {now}"
            ),
            HostGone::ConnectionsClosed => {
                write!(f, "Terraform closed its connection without asking the plugin to shut down")
            }
        }
    }
}

/// Resolves once the parent process differs from `original`, as read by `parent_id`
/// every `interval`.
#[cfg(unix)]
pub async fn parent_exited(
    original: u32,
    parent_id: impl Fn() -> u32,
    interval: Duration,
) -> HostGone {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = parent_id();
        if now != original {
            return HostGone::ParentExited { was: original, now };
        }
    }
}

/// Counts the connections handed to the gRPC server.
#[derive(Debug, Clone, Default)]
pub struct Connections(Arc<watch::Sender<Tally>>);

#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    open: usize,
    ever: usize,
}

impl Connections {
    /// Counts one more open connection until the returned guard is dropped.
    pub fn opened(&self) -> OpenConnection {
        self.0.send_modify(|tally| {
            tally.open += 1;
            tally.ever += 1;
        });
        OpenConnection(self.0.clone())
    }

    /// Resolves once at least one connection was made and none is open any more.
    pub async fn all_closed(&self) -> HostGone {
        let mut tally = self.0.subscribe();
        // The sender lives in `self`, so waiting cannot fail.
        let _ = tally
            .wait_for(|tally| tally.ever > 0 && tally.open == 0)
            .await;
        HostGone::ConnectionsClosed
    }
}

/// One open connection; dropping it (when the server is done with the connection)
/// counts it closed.
#[derive(Debug)]
pub struct OpenConnection(Arc<watch::Sender<Tally>>);

impl Drop for OpenConnection {
    fn drop(&mut self) {
        self.0.send_modify(|tally| tally.open -= 1);
    }
}

/// Resolves with the first sign that Terraform is gone.
#[cfg(unix)]
pub async fn host_gone(connections: Connections) -> HostGone {
    let original = std::os::unix::process::parent_id();
    tokio::select! {
        gone = parent_exited(original, std::os::unix::process::parent_id, PARENT_POLL_INTERVAL) => gone,
        gone = connections.all_closed() => gone,
    }
}

/// Resolves with the first sign that Terraform is gone: on Windows, its connections.
#[cfg(windows)]
pub async fn host_gone(connections: Connections) -> HostGone {
    connections.all_closed().await
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    const TICK: Duration = Duration::from_millis(1);

    #[tokio::test(start_paused = true)]
    async fn a_new_parent_means_the_old_one_exited() {
        let parent = Arc::new(AtomicU32::new(4242));
        let reader = parent.clone();
        let watch = tokio::spawn(parent_exited(
            4242,
            move || reader.load(Ordering::SeqCst),
            TICK,
        ));
        tokio::time::sleep(TICK * 10).await;
        assert!(!watch.is_finished(), "same parent: keep serving");
        parent.store(1, Ordering::SeqCst);
        assert_eq!(
            watch.await.unwrap(),
            HostGone::ParentExited { was: 4242, now: 1 }
        );
    }

    #[tokio::test(start_paused = true)]
    async fn waits_for_a_first_connection_then_for_the_last_to_close() {
        let connections = Connections::default();
        let all_closed = tokio::spawn({
            let connections = connections.clone();
            async move { connections.all_closed().await }
        });
        tokio::time::sleep(TICK).await;
        assert!(!all_closed.is_finished(), "nobody connected yet");

        let first = connections.opened();
        let second = connections.opened();
        drop(first);
        tokio::time::sleep(TICK).await;
        assert!(!all_closed.is_finished(), "one connection is still open");

        drop(second);
        assert_eq!(all_closed.await.unwrap(), HostGone::ConnectionsClosed);
    }

    #[test]
    fn reasons_read_as_sentences() {
        let parent = HostGone::ParentExited { was: 10, now: 1 };
        assert!(parent.to_string().contains("pid 10"), "{parent}");
        assert!(HostGone::ConnectionsClosed
            .to_string()
            .contains("without asking the plugin to shut down"));
    }
}
