//! What the operating system may tell the plugin, and what each means for it.
//!
//! Handlers are installed before the handshake so an early Ctrl-C in Terraform's
//! terminal cannot end us by the default action. A Ctrl-C reaches every process of
//! the terminal (the process group on Unix, the console on Windows), so outside
//! debug mode it is ignored: Terraform itself decides how to stop its plugins
//! (`GRPCController.Shutdown`, then a kill).

use std::pin::Pin;

use tokio::sync::watch;
use tokio_stream::{Stream, StreamExt, StreamMap};

/// One kind of signal as a stream of arrivals.
type Arrivals = Pin<Box<dyn Stream<Item = ()> + Send>>;

/// What an arriving signal asks of the plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Meaning {
    /// Stop serving (and say why in the log).
    Stop(&'static str),
    /// Ctrl-C: stops a plugin in debug mode only.
    Interrupt,
}

/// The signals being listened to, by name.
pub struct StopSignals {
    arrivals: StreamMap<(&'static str, Meaning), Arrivals>,
    interrupt_stops: bool,
}

impl StopSignals {
    pub fn install(debug: bool) -> Self {
        let mut arrivals = StreamMap::new();
        for (name, meaning, installed) in platform::listeners() {
            match installed {
                Ok(stream) => {
                    arrivals.insert((name, meaning), stream);
                }
                Err(error) => tracing::warn!(%error, "cannot watch {name}"),
            }
        }
        Self {
            arrivals,
            interrupt_stops: debug,
        }
    }

    /// Waits for a signal that means "stop", then tells `stop`. Returns without a
    /// word when no signal can arrive any more.
    pub async fn forward_to(mut self, stop: watch::Sender<bool>) {
        while let Some(((name, meaning), ())) = self.arrivals.next().await {
            match meaning {
                Meaning::Stop(why) => {
                    tracing::debug!("{name} received ({why}): stopping");
                    stop.send_replace(true);
                    return;
                }
                Meaning::Interrupt if self.interrupt_stops => {
                    tracing::debug!("{name} received: stopping");
                    stop.send_replace(true);
                    return;
                }
                Meaning::Interrupt => {
                    tracing::trace!(
                        "{name} received: ignored, Terraform will tell us when to stop"
                    );
                }
            }
        }
    }
}

/// Turns a tokio signal listener (anything with `recv() -> Option<()>`) into a stream.
macro_rules! arrivals {
    ($listener:expr) => {
        $listener.map(|listener| -> Arrivals {
            Box::pin(futures::stream::unfold(
                listener,
                |mut listener| async move { listener.recv().await.map(|()| ((), listener)) },
            ))
        })
    };
}

#[cfg(unix)]
mod platform {
    use super::{Arrivals, Meaning};
    use tokio::signal::unix::{signal, SignalKind};

    pub fn listeners() -> Vec<(&'static str, Meaning, std::io::Result<Arrivals>)> {
        vec![
            (
                "SIGTERM",
                Meaning::Stop("asked to terminate"),
                arrivals!(signal(SignalKind::terminate())),
            ),
            (
                "SIGHUP",
                Meaning::Stop("terminal gone"),
                arrivals!(signal(SignalKind::hangup())),
            ),
            (
                "SIGINT",
                Meaning::Interrupt,
                arrivals!(signal(SignalKind::interrupt())),
            ),
        ]
    }
}

/// Windows has console control events instead of signals. Closing the console window
/// ends the process a few seconds after the event whatever a handler does, so it means
/// "stop now". (Log-off and shut-down events reach services only, not a plugin.)
#[cfg(windows)]
mod platform {
    use super::{Arrivals, Meaning};
    use tokio::signal::windows;

    pub fn listeners() -> Vec<(&'static str, Meaning, std::io::Result<Arrivals>)> {
        vec![
            (
                "CTRL_CLOSE_EVENT",
                Meaning::Stop("console closed"),
                arrivals!(windows::ctrl_close()),
            ),
            (
                "CTRL_C_EVENT",
                Meaning::Interrupt,
                arrivals!(windows::ctrl_c()),
            ),
            (
                "CTRL_BREAK_EVENT",
                Meaning::Interrupt,
                arrivals!(windows::ctrl_break()),
            ),
        ]
    }
}
