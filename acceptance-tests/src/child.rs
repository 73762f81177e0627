//! Child processes that cannot outlive the test that started them.

use std::os::unix::process::CommandExt;
use std::process::Command;

/// Makes the kernel send SIGKILL to the child when its parent goes away, so a test
/// process that is killed (timeout, Ctrl-C, abort) leaves no nats-server or terraform
/// behind. `Drop` handles the ordinary ways a test ends; this handles the rest.
///
/// Linux ties this to the *thread* that spawned the child: a server started on a helper
/// thread dies when that thread ends. Start long-lived processes from the test's own thread.
pub(crate) fn die_with_parent(command: &mut Command) -> &mut Command {
    // SAFETY: getpid() is async-signal-safe, and the closure below only calls
    // prctl, getppid and _exit, which are too, as required between fork and exec.
    let parent = unsafe { libc::getpid() };
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            // The parent may have died between fork and prctl; then no signal will come.
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        })
    }
}

/// Sends `signal` to a child we started. A child that already exited is not an error.
pub(crate) fn send_signal(pid: u32, signal: libc::c_int) -> std::io::Result<()> {
    let pid = libc::pid_t::try_from(pid)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidInput, "pid out of range"))?;
    // SAFETY: kill has no memory-safety preconditions; the pid is our own unreaped child.
    if unsafe { libc::kill(pid, signal) } == 0 {
        return Ok(());
    }
    let error = std::io::Error::last_os_error();
    if error.raw_os_error() == Some(libc::ESRCH) {
        Ok(())
    } else {
        Err(error)
    }
}
