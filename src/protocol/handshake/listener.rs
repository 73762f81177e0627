//! The socket Terraform connects to, and the stream of (optionally TLS-wrapped)
//! connections handed to tonic.
//!
//! TLS handshakes run in their own tasks: a client that stalls or fails its
//! handshake is dropped without holding up other connections or the server.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tempfile::{TempDir, TempPath};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;

use super::env::{Network, PluginEnv};
use super::ServeError;

/// Name of the socket inside our own private directory.
const SOCKET_FILE_NAME: &str = "plugin.sock";
/// A client gets this long to finish its TLS handshake.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Pause after a failed accept (e.g. out of file descriptors) before retrying.
const ACCEPT_RETRY_DELAY: Duration = Duration::from_millis(100);

/// A bound socket plus whatever must be deleted once serving ends.
#[derive(Debug)]
pub struct BoundSocket {
    pub listener: Listener,
    pub network: Network,
    /// The address as go-plugin writes it: a path, or `127.0.0.1:port`.
    pub address: String,
    /// Removes the socket file (and our private directory) when dropped.
    pub cleanup: SocketCleanup,
}

/// Either kind of listening socket.
#[derive(Debug)]
pub enum Listener {
    Unix(UnixListener),
    Tcp(TcpListener),
}

/// What to delete after serving. Dropping it deletes.
#[derive(Debug)]
pub enum SocketCleanup {
    /// Our own `0700` directory holding the socket.
    PrivateDir(TempDir),
    /// A socket file placed in a directory chosen by the host.
    SocketFile(TempPath),
    Nothing,
}

impl SocketCleanup {
    /// Deletes now, reporting failures (dropping would delete silently).
    pub fn remove(self) -> io::Result<()> {
        match self {
            SocketCleanup::PrivateDir(dir) => dir.close(),
            SocketCleanup::SocketFile(path) => path.close(),
            SocketCleanup::Nothing => Ok(()),
        }
    }
}

/// Binds where the host asked: a Unix socket unless TCP was forced, falling back
/// to TCP when a Unix socket cannot be created (e.g. a temp path too long for
/// `sockaddr_un`) and nobody insisted on Unix.
pub fn bind(env: &PluginEnv) -> Result<BoundSocket, ServeError> {
    match env.network_override {
        Some(Network::Tcp) => bind_tcp(env),
        Some(Network::Unix) => bind_unix(env.unix_socket_dir.as_deref()),
        None => bind_unix(env.unix_socket_dir.as_deref()).or_else(|unix_error| {
            tracing::warn!(error = %unix_error, "Unix socket unavailable, listening on TCP instead");
            bind_tcp(env)
        }),
    }
}

fn bind_unix(host_dir: Option<&Path>) -> Result<BoundSocket, ServeError> {
    let failed = |source: io::Error| ServeError::Listen {
        what: "a Unix socket",
        source,
    };
    let (listener, path, cleanup) = match host_dir {
        // Like go-plugin, put the socket straight into the host's directory under a
        // random name: the host may share that directory with another user or a sandbox.
        Some(dir) => {
            let named = tempfile::Builder::new()
                .prefix("plugin")
                .make_in(dir, |path| UnixListener::bind(path))
                .map_err(failed)?;
            let path = named.path().to_path_buf();
            let (listener, temp_path) = named.into_parts();
            (listener, path, SocketCleanup::SocketFile(temp_path))
        }
        None => {
            let dir = tempfile::Builder::new()
                .prefix("natsforge-plugin")
                .permissions(std::fs::Permissions::from_mode(0o700))
                .tempdir()
                .map_err(failed)?;
            let path = dir.path().join(SOCKET_FILE_NAME);
            let listener = UnixListener::bind(&path).map_err(failed)?;
            (listener, path, SocketCleanup::PrivateDir(dir))
        }
    };
    // Owner-only regardless of the umask we inherited.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).map_err(failed)?;
    Ok(BoundSocket {
        listener: Listener::Unix(listener),
        network: Network::Unix,
        address: socket_path_text(&path)?,
        cleanup,
    })
}

/// go-plugin's line format cannot carry a path that is not UTF-8 or contains `|`.
fn socket_path_text(path: &Path) -> Result<String, ServeError> {
    match path.to_str() {
        Some(text) if !text.contains('|') && !text.contains('\n') => Ok(text.to_owned()),
        _ => Err(ServeError::Listen {
            what: "a Unix socket",
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("socket path {path:?} cannot be announced to Terraform"),
            ),
        }),
    }
}

/// Tries each allowed port on the loopback interface, as go-plugin does.
fn bind_tcp(env: &PluginEnv) -> Result<BoundSocket, ServeError> {
    let mut last_error = None;
    for port in env.tcp_ports.clone() {
        match std::net::TcpListener::bind(("127.0.0.1", port)) {
            Ok(std_listener) => {
                let failed = |source| ServeError::Listen {
                    what: "a TCP socket",
                    source,
                };
                std_listener.set_nonblocking(true).map_err(failed)?;
                let address = std_listener.local_addr().map_err(failed)?.to_string();
                let listener = TcpListener::from_std(std_listener).map_err(failed)?;
                return Ok(BoundSocket {
                    listener: Listener::Tcp(listener),
                    network: Network::Tcp,
                    address,
                    cleanup: SocketCleanup::Nothing,
                });
            }
            Err(error) => last_error = Some(error),
        }
    }
    Err(ServeError::Listen {
        what: "a TCP socket",
        source: last_error.unwrap_or_else(|| io::Error::other("empty port range")),
    })
}

/// Accepts connections in a background task and yields them (TLS-wrapped when an
/// acceptor is given) as a stream for tonic. The task ends once tonic drops the stream.
pub fn incoming(
    listener: Listener,
    tls: Option<TlsAcceptor>,
) -> ReceiverStream<io::Result<PluginStream>> {
    let (ready, stream) = mpsc::channel(16);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = ready.closed() => break,
                accepted = listener.accept() => accepted,
            };
            let raw = match accepted {
                Ok(raw) => raw,
                Err(error) => {
                    tracing::warn!(%error, "accepting a plugin connection failed");
                    tokio::time::sleep(ACCEPT_RETRY_DELAY).await;
                    continue;
                }
            };
            match &tls {
                None => {
                    if ready.send(Ok(raw.into_plain())).await.is_err() {
                        break;
                    }
                }
                Some(acceptor) => {
                    tokio::spawn(finish_tls_handshake(acceptor.clone(), raw, ready.clone()));
                }
            }
        }
    });
    ReceiverStream::new(stream)
}

async fn finish_tls_handshake(
    acceptor: TlsAcceptor,
    raw: RawStream,
    ready: mpsc::Sender<io::Result<PluginStream>>,
) {
    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(raw)).await {
        Ok(Ok(tls)) => {
            // A send error only means the server is shutting down.
            let _ = ready.send(Ok(PluginStream::Tls(Box::new(tls)))).await;
        }
        Ok(Err(error)) => {
            tracing::warn!(%error, "refused a plugin connection: TLS handshake failed");
        }
        Err(_) => tracing::warn!("refused a plugin connection: TLS handshake timed out"),
    }
}

impl Listener {
    async fn accept(&self) -> io::Result<RawStream> {
        match self {
            Listener::Unix(listener) => listener.accept().await.map(|(s, _)| RawStream::Unix(s)),
            Listener::Tcp(listener) => listener.accept().await.map(|(s, _)| RawStream::Tcp(s)),
        }
    }
}

/// An accepted socket before TLS.
#[derive(Debug)]
pub enum RawStream {
    Unix(UnixStream),
    Tcp(TcpStream),
}

impl RawStream {
    fn into_plain(self) -> PluginStream {
        PluginStream::Plain(self)
    }
}

/// One connection as tonic sees it.
#[derive(Debug)]
pub enum PluginStream {
    Plain(RawStream),
    Tls(Box<TlsStream<RawStream>>),
}

/// tonic wants connection metadata per stream; nothing downstream reads it, and
/// the peer's identity was already settled by the TLS pin.
impl Connected for PluginStream {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

/// Forwards the tokio IO traits to whichever variant is inside.
macro_rules! forward_io {
    ($ty:ty { $($variant:path),+ }) => {
        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $($variant(inner) => Pin::new(inner).poll_read(cx, buf),)+
                }
            }
        }

        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $($variant(inner) => Pin::new(inner).poll_write(cx, buf),)+
                }
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                match self.get_mut() {
                    $($variant(inner) => Pin::new(inner).poll_write_vectored(cx, bufs),)+
                }
            }

            fn is_write_vectored(&self) -> bool {
                match self {
                    $($variant(inner) => inner.is_write_vectored(),)+
                }
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $($variant(inner) => Pin::new(inner).poll_flush(cx),)+
                }
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                match self.get_mut() {
                    $($variant(inner) => Pin::new(inner).poll_shutdown(cx),)+
                }
            }
        }
    };
}

forward_io!(RawStream { RawStream::Unix, RawStream::Tcp });
forward_io!(PluginStream { PluginStream::Plain, PluginStream::Tls });

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn plugin_env(network: Option<Network>, dir: Option<PathBuf>) -> PluginEnv {
        PluginEnv {
            tcp_ports: 0..=0,
            unix_socket_dir: dir,
            client_cert: None,
            network_override: network,
        }
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn private_socket_is_owner_only_and_removed_on_drop() {
        let bound = bind(&plugin_env(None, None)).unwrap();
        assert_eq!(bound.network, Network::Unix);
        let socket = PathBuf::from(&bound.address);
        let dir = socket.parent().unwrap().to_path_buf();
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&socket), 0o600);
        bound.cleanup.remove().unwrap();
        assert!(!socket.exists() && !dir.exists());
    }

    #[tokio::test]
    async fn host_directory_gets_a_random_socket_removed_on_drop() {
        let host_dir = tempfile::tempdir().unwrap();
        let bound = bind(&plugin_env(None, Some(host_dir.path().to_path_buf()))).unwrap();
        let socket = PathBuf::from(&bound.address);
        assert_eq!(socket.parent(), Some(host_dir.path()));
        assert_eq!(mode(&socket), 0o600);
        drop(bound);
        assert!(!socket.exists());
        assert!(
            host_dir.path().exists(),
            "the host's directory is left alone"
        );
    }

    #[tokio::test]
    async fn tcp_listens_on_loopback_within_the_range() {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = probe.local_addr().unwrap().port();
        drop(probe);
        let mut env = plugin_env(Some(Network::Tcp), None);
        env.tcp_ports = port..=port;
        let bound = bind(&env).unwrap();
        assert_eq!(bound.network, Network::Tcp);
        assert_eq!(bound.address, format!("127.0.0.1:{port}"));
        // The same single port is now taken: binding again must fail clearly.
        assert!(matches!(bind(&env), Err(ServeError::Listen { .. })));
    }

    #[tokio::test]
    async fn plain_connections_flow_through() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio_stream::StreamExt;

        let bound = bind(&plugin_env(None, None)).unwrap();
        let mut accepted = incoming(bound.listener, None);
        let mut client = UnixStream::connect(&bound.address).await.unwrap();
        let mut server = accepted.next().await.unwrap().unwrap();
        client.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
    }
}
