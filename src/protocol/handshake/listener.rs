//! The socket Terraform connects to, and the stream of (optionally TLS-wrapped)
//! connections handed to tonic.
//!
//! TLS handshakes run in their own tasks: a client that stalls or fails its
//! handshake is dropped without holding up other connections or the server.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

#[cfg(unix)]
use tempfile::{TempDir, TempPath};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
#[cfg(unix)]
use tokio::net::{UnixListener, UnixStream};
use tokio::sync::mpsc;
use tokio_rustls::server::TlsStream;
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::Connected;

use super::env::{Network, PluginEnv};
use super::host_watch::{Connections, OpenConnection};
use super::ServeError;

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
    #[cfg(unix)]
    Unix(UnixListener),
    Tcp(TcpListener),
}

/// What to delete after serving. Dropping it deletes.
#[derive(Debug)]
pub enum SocketCleanup {
    /// Our own `0700` directory holding the socket.
    #[cfg(unix)]
    PrivateDir(TempDir),
    /// A socket file placed in a directory chosen by the host.
    #[cfg(unix)]
    SocketFile(TempPath),
    Nothing,
}

impl SocketCleanup {
    /// Deletes now, reporting failures (dropping would delete silently).
    pub fn remove(self) -> io::Result<()> {
        match self {
            #[cfg(unix)]
            SocketCleanup::PrivateDir(dir) => dir.close(),
            #[cfg(unix)]
            SocketCleanup::SocketFile(path) => path.close(),
            SocketCleanup::Nothing => Ok(()),
        }
    }
}

/// Binds where the host asked: a Unix socket unless TCP was forced, falling back
/// to TCP when a Unix socket cannot be created (e.g. a temp path too long for
/// `sockaddr_un`) and nobody insisted on Unix.
#[cfg(unix)]
pub fn bind(env: &PluginEnv) -> Result<BoundSocket, ServeError> {
    use super::unix_socket::bind_unix;
    match env.network_override {
        Some(Network::Tcp) => bind_tcp(env),
        Some(Network::Unix) => bind_unix(env.unix_socket_dir.as_deref()),
        None => bind_unix(env.unix_socket_dir.as_deref()).or_else(|unix_error| {
            tracing::warn!(error = %unix_error, "Unix socket unavailable, listening on TCP instead");
            bind_tcp(env)
        }),
    }
}

/// On Windows, TCP on 127.0.0.1 within the host's port range, as go-plugin servers
/// there listen: tokio has no Unix sockets on Windows, and every Terraform connects to
/// the TCP address the handshake line names. AutoMTLS still pins the connection to the
/// Terraform that started us.
#[cfg(windows)]
pub fn bind(env: &PluginEnv) -> Result<BoundSocket, ServeError> {
    if env.network_override == Some(Network::Unix) {
        return Err(ServeError::Listen {
            what: "a Unix socket",
            source: io::Error::new(
                io::ErrorKind::Unsupported,
                "this provider serves over TCP on Windows; unset NATSFORGE_PLUGIN_NETWORK",
            ),
        });
    }
    if let Some(dir) = &env.unix_socket_dir {
        tracing::debug!(dir = %dir.display(), "PLUGIN_UNIX_SOCKET_DIR ignored: serving over TCP on Windows");
    }
    bind_tcp(env)
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
/// acceptor is given) as a stream for tonic. Each connection handed over is counted in
/// `connections`, when given, for as long as tonic holds it. The task ends once tonic
/// drops the stream.
pub fn incoming(
    listener: Listener,
    tls: Option<TlsAcceptor>,
    connections: Option<Connections>,
) -> ReceiverStream<io::Result<PluginStream>> {
    let (ready, stream) = mpsc::channel(16);
    let handover = Handover { ready, connections };
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                () = handover.ready.closed() => break,
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
                    if !handover.send(Transport::Plain(raw)).await {
                        break;
                    }
                }
                Some(acceptor) => {
                    tokio::spawn(finish_tls_handshake(
                        acceptor.clone(),
                        raw,
                        handover.clone(),
                    ));
                }
            }
        }
    });
    ReceiverStream::new(stream)
}

/// Passes finished connections to tonic, counting each.
#[derive(Clone)]
struct Handover {
    ready: mpsc::Sender<io::Result<PluginStream>>,
    connections: Option<Connections>,
}

impl Handover {
    /// False once tonic no longer takes connections (the server is stopping).
    async fn send(&self, transport: Transport) -> bool {
        let stream = PluginStream {
            transport,
            _open: self.connections.as_ref().map(Connections::opened),
        };
        self.ready.send(Ok(stream)).await.is_ok()
    }
}

async fn finish_tls_handshake(acceptor: TlsAcceptor, raw: RawStream, handover: Handover) {
    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(raw)).await {
        Ok(Ok(tls)) => {
            // False only means the server is shutting down.
            handover.send(Transport::Tls(Box::new(tls))).await;
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
            #[cfg(unix)]
            Listener::Unix(listener) => listener.accept().await.map(|(s, _)| RawStream::Unix(s)),
            Listener::Tcp(listener) => listener.accept().await.map(|(s, _)| RawStream::Tcp(s)),
        }
    }
}

/// An accepted socket before TLS.
#[derive(Debug)]
pub enum RawStream {
    #[cfg(unix)]
    Unix(UnixStream),
    Tcp(TcpStream),
}

/// One connection as tonic sees it.
#[derive(Debug)]
pub struct PluginStream {
    transport: Transport,
    /// Counts this connection open until tonic drops it.
    _open: Option<OpenConnection>,
}

#[derive(Debug)]
enum Transport {
    Plain(RawStream),
    Tls(Box<TlsStream<RawStream>>),
}

/// tonic wants connection metadata per stream; nothing downstream reads it, and
/// the peer's identity was already settled by the TLS pin.
impl Connected for PluginStream {
    type ConnectInfo = ();

    fn connect_info(&self) -> Self::ConnectInfo {}
}

/// What every layer of a connection is read and written through.
trait Io: AsyncRead + AsyncWrite + Unpin {}
impl<T: AsyncRead + AsyncWrite + Unpin> Io for T {}

/// A connection type that reads and writes through whichever stream is inside.
trait Layered {
    fn inner(&self) -> &dyn Io;
    fn inner_mut(&mut self) -> &mut dyn Io;
}

impl Layered for RawStream {
    fn inner(&self) -> &dyn Io {
        match self {
            #[cfg(unix)]
            RawStream::Unix(stream) => stream,
            RawStream::Tcp(stream) => stream,
        }
    }

    fn inner_mut(&mut self) -> &mut dyn Io {
        match self {
            #[cfg(unix)]
            RawStream::Unix(stream) => stream,
            RawStream::Tcp(stream) => stream,
        }
    }
}

impl Layered for PluginStream {
    fn inner(&self) -> &dyn Io {
        match &self.transport {
            Transport::Plain(raw) => raw,
            Transport::Tls(tls) => tls.as_ref(),
        }
    }

    fn inner_mut(&mut self) -> &mut dyn Io {
        match &mut self.transport {
            Transport::Plain(raw) => raw,
            Transport::Tls(tls) => tls.as_mut(),
        }
    }
}

/// Forwards the tokio IO traits to [`Layered::inner_mut`].
macro_rules! forward_io {
    ($($ty:ty),+) => {$(
        impl AsyncRead for $ty {
            fn poll_read(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &mut ReadBuf<'_>,
            ) -> Poll<io::Result<()>> {
                Pin::new(self.get_mut().inner_mut()).poll_read(cx, buf)
            }
        }

        impl AsyncWrite for $ty {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                Pin::new(self.get_mut().inner_mut()).poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                bufs: &[io::IoSlice<'_>],
            ) -> Poll<io::Result<usize>> {
                Pin::new(self.get_mut().inner_mut()).poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                self.inner().is_write_vectored()
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(self.get_mut().inner_mut()).poll_flush(cx)
            }

            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                Pin::new(self.get_mut().inner_mut()).poll_shutdown(cx)
            }
        }
    )+};
}

forward_io!(RawStream, PluginStream);

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;
    use std::path::{Path, PathBuf};

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
    async fn plain_connections_flow_through_counted_while_held() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        use tokio_stream::StreamExt;

        let bound = bind(&plugin_env(None, None)).unwrap();
        let connections = Connections::default();
        let mut accepted = incoming(bound.listener, None, Some(connections.clone()));
        let all_closed = tokio::spawn(async move { connections.all_closed().await });
        let mut client = UnixStream::connect(&bound.address).await.unwrap();
        let mut server = accepted.next().await.unwrap().unwrap();
        client.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");
        assert!(!all_closed.is_finished(), "the connection is held");

        drop(server);
        tokio::time::timeout(Duration::from_secs(5), all_closed)
            .await
            .expect("dropping the last connection counts it closed")
            .unwrap();
    }
}
